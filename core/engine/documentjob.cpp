#include "engine/documentjob.h"

#include "pdf/markup.h"

#include <QCoroFuture>
#include <QPromise>
#include <QTimer>

#include <exception>

namespace overtext {

SegmentTranslation *DocumentTranslation::find(const QString &segmentId) {
    const auto it = indexById.constFind(segmentId);
    return it == indexById.cend() ? nullptr : &segments[it.value()];
}

const SegmentTranslation *DocumentTranslation::find(const QString &segmentId) const {
    const auto it = indexById.constFind(segmentId);
    return it == indexById.cend() ? nullptr : &segments[it.value()];
}

DocumentJob::DocumentJob(QString docId, QString path, Scheduler *scheduler, TranslationCache *cache,
                         CacheKeyContext context, QObject *parent)
    : QObject(parent)
    , m_docId(std::move(docId))
    , m_path(std::move(path))
    , m_scheduler(scheduler)
    , m_cache(cache)
    , m_context(std::move(context)) {
    m_doc.path = m_path;
    connect(scheduler, &Scheduler::unitDone, this, &DocumentJob::onUnitDone);
    connect(scheduler, &Scheduler::unitFailed, this, &DocumentJob::onUnitFailed);
    connect(scheduler, &Scheduler::unitPartial, this, &DocumentJob::onUnitPartial);
    connect(scheduler, &Scheduler::progress, this, &DocumentJob::onSchedulerProgress);
    connect(scheduler, &Scheduler::documentFinished, this, [this](const QString &id) {
        if (id != m_docId)
            return;
        m_schedulerFinished = true;
        emitProgress();
    });
}

DocumentJob::~DocumentJob() {
    if (m_scheduler)
        disconnect(m_scheduler, nullptr, this, nullptr); // no signal may reach a half-destroyed job
    if (m_settled)
        m_settled->finish(); // run() resumes later, sees the job gone and returns
    m_cancel.cancel();
    if (m_scheduler)
        m_scheduler->cancelDocument(m_docId);
}

void DocumentJob::cancel() {
    m_cancel.cancel();
    if (m_scheduler)
        m_scheduler->cancelDocument(m_docId);
}

DocumentProgress DocumentJob::progress() const {
    DocumentProgress p = m_schedulerProgress;
    p.done += m_cached;
    p.total += m_cached;
    p.cached = m_cached;
    p.stored = m_stored;
    return p;
}

void DocumentJob::emitProgress() {
    Q_EMIT progressChanged(m_docId, progress());
    checkSettled();
}

void DocumentJob::checkSettled() {
    if (m_settled && m_inputFinished && m_schedulerFinished && m_storing == 0 && m_toStore.isEmpty()) {
        m_settled->finish(); // resumes run() from the event loop, not from here
        m_settled = nullptr;
    }
}

QCoro::Task<Result<void>> DocumentJob::run() {
    QPointer<DocumentJob> self(this);
    try {
        if (!m_scheduler)
            co_return Error{Error::Internal, QStringLiteral("no scheduler")};
        m_scheduler->addDocument(m_docId, m_cancel);
        if (m_cache && m_cache->isOpen()) {
            auto fp = co_await TranslationCache::fingerprintFile(m_path);
            if (!self)
                co_return Error{Error::Cancelled, QStringLiteral("cancelled")};
            if (fp)
                m_fingerprint = fp.value();
        }
        PdfExtraction extraction;
        connect(&extraction, &PdfExtraction::pageReady, this,
                [this](const ExtractedPage &page) { feedPage(page); }); // detached; it catches its own errors
        auto extracted = co_await extraction.extract(m_path, m_password, m_pages, m_cancel);
        if (!self)
            co_return Error{Error::Cancelled, QStringLiteral("cancelled")};
        m_extractionDone = true;
        if (!extracted) {
            if (m_scheduler)
                m_scheduler->cancelDocument(m_docId);
            Q_EMIT finished(m_docId);
            co_return extracted.error();
        }
        m_doc.pageErrors = extracted->pageErrors();
        m_doc.title = extracted->title.trimmed();
        maybeFinishInput();
        // Wait for the scheduler to settle every unit and for the cache writes to land. A QFuture rather than
        // qCoro(signal): QCoro 0.8's signal awaiter touches itself after resuming us (a use-after-free under ASan).
        QPromise<void> settled;
        QFuture<void> settledFuture = settled.future();
        settled.start();
        m_settled = &settled;
        checkSettled();
        co_await settledFuture;
        if (!self)
            co_return Error{Error::Cancelled, QStringLiteral("cancelled")};
        m_settled = nullptr;
        Q_EMIT finished(m_docId);
        if (m_cancel.isCancelled())
            co_return Error{Error::Cancelled, QStringLiteral("cancelled")};
        co_return Result<void>();
    } catch (const std::exception &e) {
        co_return Error{Error::Internal, QStringLiteral("internal error: %1").arg(QString::fromLocal8Bit(e.what()))};
    }
}

QCoro::Task<> DocumentJob::feedPage(ExtractedPage page) {
    QPointer<DocumentJob> self(this);
    ++m_feeding;
    try {
        QList<TranslationUnit> units;
        QList<QByteArray> keys;
        QList<CorrectionQuery> queries;
        for (const Segment &s : std::as_const(page.segments)) {
            SegmentTranslation st;
            st.segment = s;
            if (s.kind != SegmentKind::Prose || s.text.trimmed().isEmpty()) {
                st.status = SegmentStatus::Skipped;
            } else {
                const Provider *provider = m_scheduler ? m_scheduler->provider() : nullptr;
                st.source = provider && provider->keepsMarkup() ? markup::fromRuns(s) : s.text;
                const QByteArray key = TranslationCache::key(m_context, st.source);
                m_keys.insert(s.id, key);
                keys.append(key);
                queries.append({s.id, key});
                units.append({s.id, st.source});
            }
            m_doc.indexById.insert(s.id, m_doc.segments.size());
            m_doc.segments.append(st);
        }
        if (m_cache && m_cache->isOpen() && !units.isEmpty()) {
            const auto corrections = co_await m_cache->corrections(m_fingerprint, queries);
            if (!self)
                co_return;
            const auto hits = co_await m_cache->lookup(keys);
            if (!self)
                co_return;
            QList<TranslationUnit> rest;
            for (const TranslationUnit &u : std::as_const(units)) {
                SegmentTranslation *st = m_doc.find(u.id);
                const auto corr = corrections.constFind(u.id);
                const auto hit = hits.constFind(m_keys.value(u.id));
                if (corr != corrections.cend()) {
                    st->translation = corr.value();
                    st->corrected = true;
                } else if (hit != hits.cend()) {
                    st->translation = hit.value();
                } else {
                    rest.append(u);
                    continue;
                }
                st->status = SegmentStatus::Done;
                st->cached = true;
                ++m_cached;
                Q_EMIT segmentUpdated(m_docId, u.id);
            }
            units = rest;
        }
        if (m_scheduler && !units.isEmpty())
            m_scheduler->addUnits(m_docId, units);
    } catch (const std::exception &e) {
        qWarning("DocumentJob: %s", e.what());
    }
    if (!self)
        co_return;
    --m_feeding;
    maybeFinishInput();
    emitProgress();
}

void DocumentJob::maybeFinishInput() {
    if (m_inputFinished || !m_extractionDone || m_feeding > 0 || !m_scheduler)
        return;
    m_inputFinished = true;
    m_scheduler->finishInput(m_docId);
    emitProgress();
}

void DocumentJob::onUnitDone(const QString &docId, const QString &unitId, const QString &translation) {
    if (docId != m_docId)
        return;
    SegmentTranslation *st = m_doc.find(unitId);
    if (!st)
        return;
    st->translation = translation;
    st->status = SegmentStatus::Done;
    st->reason.clear();
    Q_EMIT segmentUpdated(m_docId, unitId);
    if (m_cache && m_cache->isOpen()) {
        m_toStore.append({m_keys.value(unitId), translation});
        // The scheduler reports a batch's units together: gather them and commit them in one transaction.
        if (!m_flushScheduled) {
            m_flushScheduled = true;
            QTimer::singleShot(0, this, [this] {
                m_flushScheduled = false;
                flushStores();
            });
        }
    }
}

QCoro::Task<> DocumentJob::flushStores() {
    QPointer<DocumentJob> self(this);
    QPointer<TranslationCache> cache = m_cache;
    const QList<CacheEntry> entries = std::exchange(m_toStore, {});
    if (entries.isEmpty() || !cache)
        co_return;
    ++m_storing;
    try {
        const auto result = co_await cache->store(entries);
        if (!self)
            co_return;
        if (result.ok())
            m_stored += int(entries.size());
        else
            qWarning("translation cache: %s", qPrintable(result.error().message));
    } catch (const std::exception &e) {
        qWarning("translation cache: %s", e.what());
    }
    if (!self)
        co_return;
    --m_storing;
    emitProgress();
}

void DocumentJob::onUnitFailed(const QString &docId, const QString &unitId, const QString &reason) {
    if (docId != m_docId)
        return;
    SegmentTranslation *st = m_doc.find(unitId);
    if (!st)
        return;
    st->status = SegmentStatus::Failed;
    st->reason = reason;
    Q_EMIT segmentUpdated(m_docId, unitId);
}

void DocumentJob::onUnitPartial(const QString &docId, const QString &unitId, const QString &text) {
    if (docId != m_docId)
        return;
    SegmentTranslation *st = m_doc.find(unitId);
    if (!st || st->status == SegmentStatus::Done || st->status == SegmentStatus::Failed)
        return;
    st->translation = text;
    st->status = SegmentStatus::Streaming;
    Q_EMIT segmentUpdated(m_docId, unitId);
}

void DocumentJob::onSchedulerProgress(const QString &docId, const DocumentProgress &p) {
    if (docId != m_docId)
        return;
    m_schedulerProgress = p;
    emitProgress();
}

} // namespace overtext
