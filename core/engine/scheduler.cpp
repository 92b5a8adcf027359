#include "engine/scheduler.h"

#include "translate/batchcodec.h"

#include <QDebug>

#include <algorithm>
#include <exception>

namespace overtext {

namespace {
const QString kCancelled = QStringLiteral("cancelled");

// A rough token estimate for the rate limiter: about four characters a token, the answer about as long as the source,
// plus the prompt's overhead.
qint64 estimateTokens(const QList<TranslationUnit> &units) {
    qint64 chars = 0;
    for (const TranslationUnit &u : units)
        chars += u.text.size();
    return chars / 2 + 50;
}
} // namespace

Scheduler::Scheduler(Provider *provider, SchedulerOptions options, QObject *parent)
    : QObject(parent)
    , m_provider(provider)
    , m_options(std::move(options)) {
    m_options.concurrency = std::clamp(m_options.concurrency, 1, 64);
    m_limiter = new RateLimiter(m_options.rateLimits, this);
    m_linger.setSingleShot(true);
    connect(&m_linger, &QTimer::timeout, this, &Scheduler::pump);
}

Scheduler::~Scheduler() {
    // In-flight batches see the scheduler gone when they resume and drop their results; tell providers to stop.
    for (const auto &doc : std::as_const(m_docs))
        doc->cancel.cancel();
}

std::shared_ptr<Scheduler::Doc> Scheduler::ensureDoc(const QString &docId) {
    auto it = m_docs.find(docId);
    if (it != m_docs.end())
        return it.value();
    auto doc = std::make_shared<Doc>();
    doc->id = docId;
    doc->lastAdded.start();
    m_docs.insert(docId, doc);
    m_order.append(docId);
    return doc;
}

void Scheduler::addDocument(const QString &docId, CancelToken cancel) {
    if (m_docs.contains(docId))
        return;
    ensureDoc(docId)->cancel = std::move(cancel);
}

void Scheduler::addUnits(const QString &docId, const QList<TranslationUnit> &units) {
    auto doc = ensureDoc(docId);
    QStringList added;
    for (const TranslationUnit &u : units) {
        if (doc->units.contains(u.id)) {
            qWarning() << "Scheduler: unit" << u.id << "of" << docId << "added twice; ignored";
            continue;
        }
        doc->units.insert(u.id, UnitState{u.text});
        doc->queue.push_back(u.id);
        doc->order.append(u.id);
        ++doc->progress.total;
        added.append(u.id);
    }
    doc->lastAdded.restart();
    if (m_stopped || doc->cancelled || doc->cancel.isCancelled()) {
        const QString reason = m_stopped ? m_stopMessage : kCancelled;
        for (const QString &id : std::as_const(added))
            settleFailed(*doc, id, reason);
        emitProgress(*doc);
        checkFinished(*doc);
        return;
    }
    if (!added.isEmpty())
        emitProgress(*doc);
    pump();
}

void Scheduler::finishInput(const QString &docId) {
    auto doc = ensureDoc(docId);
    doc->inputFinished = true;
    checkFinished(*doc);
    pump();
}

void Scheduler::cancelDocument(const QString &docId) {
    auto doc = m_docs.value(docId);
    if (!doc || doc->cancelled || doc->finishedEmitted)
        return; // nothing left to cancel
    doc->cancelled = true;
    doc->cancel.cancel();
    for (const QString &id : std::as_const(doc->order))
        settleFailed(*doc, id, kCancelled); // skips units already settled
    doc->queue.clear();
    doc->solo.clear();
    emitProgress(*doc);
    checkFinished(*doc);
}

void Scheduler::cancelAll() {
    const QStringList ids = m_order;
    for (const QString &id : ids)
        cancelDocument(id);
}

void Scheduler::pause() {
    m_paused = true;
}

void Scheduler::resume() {
    if (!m_paused)
        return;
    m_paused = false;
    pump();
}

DocumentProgress Scheduler::documentProgress(const QString &docId) const {
    auto doc = m_docs.value(docId);
    return doc ? doc->progress : DocumentProgress{};
}

int Scheduler::budget() const {
    if (m_options.budgetChars > 0)
        return m_options.budgetChars;
    return m_provider ? std::max(1, m_provider->batchBudgetChars()) : 1;
}

std::optional<Scheduler::Batch> Scheduler::nextBatch() {
    const int maxChars = budget();
    for (const QString &docId : std::as_const(m_order)) {
        const auto &doc = m_docs[docId];
        if (doc->cancelled)
            continue;
        // Units asked again go first, one per batch.
        while (!doc->solo.empty()) {
            const QString id = doc->solo.front();
            doc->solo.pop_front();
            auto it = doc->units.find(id);
            if (it == doc->units.end() || it->status != UnitStatus::Queued)
                continue;
            return Batch{doc, {TranslationUnit{id, it->text}}, true};
        }
        while (!doc->queue.empty() && doc->units.value(doc->queue.front()).status != UnitStatus::Queued)
            doc->queue.pop_front();
        if (doc->queue.empty())
            continue;
        // Measure how many queued units fit before taking them.
        qsizetype count = 0;
        qint64 chars = 0;
        bool full = false;
        for (const QString &id : doc->queue) {
            const qint64 len = doc->units[id].text.size();
            if (count > 0 && chars + len > maxChars) {
                full = true;
                break;
            }
            chars += len;
            ++count;
        }
        if (!full && !doc->inputFinished) {
            const qint64 waited = doc->lastAdded.elapsed();
            if (waited < m_options.lingerMs) {
                const int left = int(m_options.lingerMs - waited) + 1;
                if (!m_linger.isActive() || m_linger.remainingTime() > left)
                    m_linger.start(left);
                continue;
            }
        }
        Batch batch{doc, {}, false};
        batch.units.reserve(count);
        while (count-- > 0) {
            const QString id = doc->queue.front();
            doc->queue.pop_front();
            batch.units.append(TranslationUnit{id, doc->units[id].text});
        }
        return batch;
    }
    return std::nullopt;
}

void Scheduler::pump() {
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    do {
        m_pumpAgain = false;
        while (!m_paused && !m_stopped && m_inFlight < m_options.concurrency) {
            auto batch = nextBatch();
            if (!batch)
                break;
            ++m_inFlight;
            for (const TranslationUnit &u : std::as_const(batch->units))
                batch->doc->units[u.id].status = UnitStatus::InFlight;
            if (!batch->doc->started.isValid())
                batch->doc->started.start();
            runBatch(std::move(*batch)); // detached: it reports through signals and catches everything itself
        }
    } while (m_pumpAgain);
    m_pumping = false;
}

QCoro::Task<> Scheduler::runBatch(Batch batch) {
    QPointer<Scheduler> self(this);
    std::shared_ptr<Doc> doc = batch.doc;
    const QString docId = doc->id;
    try {
        const qint64 tokens = estimateTokens(batch.units);
        int attempt = 0;
        for (;;) {
            const bool admitted = co_await m_limiter->acquire(tokens, doc->cancel);
            if (!self)
                co_return;
            if (!admitted || doc->cancel.isCancelled()) {
                failUnits(*doc, batch.units, kCancelled);
                break;
            }
            if (m_stopped) {
                failUnits(*doc, batch.units, m_stopMessage);
                break;
            }
            if (!m_provider) {
                failUnits(*doc, batch.units, QStringLiteral("the translation provider is gone"));
                break;
            }
            ++attempt;
            TranslationRequest request;
            request.units = batch.units;
            request.sourceLang = m_options.sourceLang;
            request.targetLang = m_options.targetLang;
            request.instruction = m_options.instruction;
            request.glossary = m_options.glossary;
            ++doc->progress.requests;
            ++m_requests;
            PartialSink sink = [self, docId](const QString &id, const QString &text) {
                if (self)
                    Q_EMIT self->unitPartial(docId, id, text);
            };
            auto result = co_await m_provider->translate(request, sink, doc->cancel);
            if (!self)
                co_return;
            if (result.ok()) {
                handleAnswer(*doc, batch, result.value());
                break;
            }
            const Error err = result.error();
            if (doc->cancel.isCancelled() || err.code == Error::Cancelled) {
                failUnits(*doc, batch.units, kCancelled);
                break;
            }
            if (err.code == Error::Auth) {
                stopRun(err.message);
                failUnits(*doc, batch.units, err.message);
                break;
            }
            if (const auto delay = m_options.retry.delayBeforeRetry(err, attempt)) {
                if (err.code == Error::RateLimited)
                    m_limiter->holdFor(*delay); // the whole provider slows down, not just this batch
                const bool slept = co_await sleepUnlessCancelled(*delay, doc->cancel);
                if (!self)
                    co_return;
                if (!slept) {
                    failUnits(*doc, batch.units, kCancelled);
                    break;
                }
                continue;
            }
            if (err.code == Error::Parse && batch.units.size() > 1) {
                // The answer as a whole could not be read: ask for each unit alone (this counts as its re-send).
                for (const TranslationUnit &u : std::as_const(batch.units)) {
                    auto &st = doc->units[u.id];
                    if (st.status != UnitStatus::InFlight)
                        continue;
                    st.missingCount = 1;
                    st.status = UnitStatus::Queued;
                    doc->solo.push_back(u.id);
                }
                emitProgress(*doc);
                break;
            }
            failUnits(*doc, batch.units, err.message);
            break;
        }
    } catch (const std::exception &e) {
        if (self) {
            failUnits(*doc, batch.units, QStringLiteral("internal error: %1").arg(QString::fromLocal8Bit(e.what())));
            Q_EMIT error(QStringLiteral("internal error in the scheduler: %1").arg(QString::fromLocal8Bit(e.what())));
        }
    } catch (...) {
        if (self)
            failUnits(*doc, batch.units, QStringLiteral("internal error"));
    }
    if (!self)
        co_return;
    --m_inFlight;
    checkFinished(*doc);
    pump();
}

void Scheduler::handleAnswer(Doc &doc, const Batch &batch, const TranslationBatchResult &answer) {
    doc.progress.inputTokens += answer.inputTokens;
    doc.progress.outputTokens += answer.outputTokens;
    for (const TranslationUnit &u : batch.units) {
        auto it = doc.units.find(u.id);
        if (it == doc.units.end() || it->status != UnitStatus::InFlight)
            continue; // settled meanwhile (cancelled)
        UnitState &st = it.value();
        const auto answerIt = answer.translations.constFind(u.id);
        if (answerIt == answer.translations.cend()) {
            if (st.fallback) {
                settleDone(doc, u.id, *st.fallback);
            } else if (st.missingCount == 0) {
                st.missingCount = 1;
                st.status = UnitStatus::Queued;
                doc.solo.push_back(u.id);
            } else {
                settleFailed(doc, u.id, QStringLiteral("the provider returned no translation for this segment, twice"));
            }
            continue;
        }
        const QString &translation = answerIt.value();
        if (!st.suspiciousResent && isSuspicious(st.text, translation, m_options.sourceLang, m_options.targetLang)) {
            st.suspiciousResent = true;
            st.fallback = translation;
            st.status = UnitStatus::Queued;
            doc.solo.push_back(u.id);
            continue;
        }
        settleDone(doc, u.id, translation);
    }
    emitProgress(doc);
}

void Scheduler::settleDone(Doc &doc, const QString &unitId, const QString &translation) {
    auto &st = doc.units[unitId];
    st.status = UnitStatus::Done;
    st.fallback.reset();
    ++doc.progress.done;
    Q_EMIT unitDone(doc.id, unitId, translation);
}

void Scheduler::settleFailed(Doc &doc, const QString &unitId, const QString &reason) {
    auto &st = doc.units[unitId];
    if (st.status == UnitStatus::Done || st.status == UnitStatus::Failed)
        return;
    st.status = UnitStatus::Failed;
    st.fallback.reset();
    ++doc.progress.failed;
    Q_EMIT unitFailed(doc.id, unitId, reason);
}

void Scheduler::failUnits(Doc &doc, const QList<TranslationUnit> &units, const QString &reason) {
    for (const TranslationUnit &u : units) {
        const auto &st = doc.units[u.id];
        if (st.status != UnitStatus::InFlight)
            continue;
        // A unit whose suspicious answer we kept is better served by that answer than by an error.
        if (st.fallback && reason != kCancelled && !m_stopped)
            settleDone(doc, u.id, *st.fallback);
        else
            settleFailed(doc, u.id, reason);
    }
    emitProgress(doc);
}

void Scheduler::failQueued(Doc &doc, const QString &reason) {
    QStringList ids;
    for (const QString &id : doc.solo)
        ids.append(id);
    for (const QString &id : doc.queue)
        ids.append(id);
    doc.solo.clear();
    doc.queue.clear();
    for (const QString &id : std::as_const(ids))
        if (doc.units.value(id).status == UnitStatus::Queued)
            settleFailed(doc, id, reason);
    emitProgress(doc);
    checkFinished(doc);
}

void Scheduler::stopRun(const QString &message) {
    if (m_stopped)
        return;
    m_stopped = true;
    m_stopMessage = message;
    Q_EMIT error(message);
    for (const QString &id : std::as_const(m_order))
        failQueued(*m_docs[id], message);
}

void Scheduler::emitProgress(Doc &doc) {
    DocumentProgress &p = doc.progress;
    const int settled = p.done + p.failed;
    const int remaining = p.total - settled;
    if (remaining <= 0) {
        p.etaSeconds = 0;
    } else if (settled > 0 && doc.started.isValid()) {
        const double elapsed = doc.started.elapsed() / 1000.0;
        p.etaSeconds = elapsed / settled * remaining;
    } else {
        p.etaSeconds = -1;
    }
    Q_EMIT progress(doc.id, p);
}

void Scheduler::checkFinished(Doc &doc) {
    if (doc.finishedEmitted || !(doc.inputFinished || doc.cancelled))
        return;
    if (doc.progress.done + doc.progress.failed < doc.progress.total)
        return;
    doc.finishedEmitted = true;
    Q_EMIT documentFinished(doc.id);
}

} // namespace overtext
