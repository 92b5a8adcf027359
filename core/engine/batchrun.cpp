#include "engine/batchrun.h"

#include "translate/apertiumprovider.h"
#include "translate/glossary.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

#include <map>

namespace overtext {

BatchRun::BatchRun(QObject *parent)
    : QObject(parent) {}

BatchRun::~BatchRun() {
    m_saving = false; // the jobs cancelled below were interrupted, not cancelled by the user: keep them resumable
    // Every job's coroutines must end before what they await is deleted: a coroutine left suspended is never freed,
    // nor anything it holds. Cancel them and let them unwind (requests aborted, workers killed), for at most 3 s;
    // no signal leaves a BatchRun that is going away (its receivers may be half destroyed).
    blockSignals(true);
    auto busy = [this] {
        if (*m_activeJobs > 0)
            return true;
        for (const auto &run : m_runs)
            if (run->scheduler && run->scheduler->batchesInFlight() > 0)
                return true; // a cancelled request still unwinding
        return false;
    };
    if (busy()) {
        cancelAll();
        for (const auto &run : m_runs)
            if (run->scheduler)
                run->scheduler->cancelAll();
        QElapsedTimer waited;
        waited.start();
        QEventLoop loop;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (!busy() || waited.hasExpired(3000))
                loop.quit();
        });
        poll.start(10);
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    // Jobs before schedulers before providers: each depends on the next.
    for (auto it = m_docs.begin(); it != m_docs.end(); ++it)
        delete it->job.data();
    m_docs.clear();
    m_runs.clear();
}

bool BatchRun::isRunning(const QString &path) const {
    const auto it = m_docs.constFind(path);
    return it != m_docs.cend() &&
           (it->status.state == BatchDocStatus::State::Running || it->status.state == BatchDocStatus::State::Queued);
}

bool BatchRun::anyRunning() const {
    for (auto it = m_docs.cbegin(); it != m_docs.cend(); ++it)
        if (isRunning(it.key()))
            return true;
    return false;
}

const DocumentTranslation *BatchRun::translation(const QString &path) const {
    const auto it = m_docs.constFind(path);
    if (it == m_docs.cend() || !it->job)
        return nullptr;
    return &it->job->translation();
}

QString BatchRun::displayText(const QString &path, const SegmentTranslation &segment) const {
    const auto it = m_docs.constFind(path);
    if (it != m_docs.cend()) {
        const auto c = it->corrections.constFind(segment.segment.id);
        if (c != it->corrections.cend())
            return *c;
    }
    if (segment.status == SegmentStatus::Done || segment.status == SegmentStatus::Streaming)
        return segment.translation;
    return {};
}

QString BatchRun::targetLanguage(const QString &path) const {
    const auto it = m_docs.constFind(path);
    return it != m_docs.cend() && it->run ? it->run->settings.targetLang : m_settings.targetLang;
}

void BatchRun::setStatus(const QString &path, const BatchDocStatus &status) {
    auto it = m_docs.find(path);
    if (it == m_docs.end())
        return;
    const bool changed = it->status.state != status.state;
    it->status = status;
    if (changed && m_saving) {
        if (auto saved = saveState(); !saved)
            Q_EMIT runError(tr("The batch could not be saved for resuming later: %1").arg(saved.error().message));
    }
    Q_EMIT statusChanged(path);
}

Result<BatchRun::Run *> BatchRun::currentRun(const BatchSettings &settings, const QString &apiKey,
                                             const QString &proxyAuth) {
    // Reuse the newest run while it matches the settings or while anything still runs on it.
    if (!m_runs.empty()) {
        Run *last = m_runs.back().get();
        BatchSettings wanted = settings;
        wanted.cachePath = last->settings.cachePath; // the cache is opened once
        bool busy = false;                           // documents merely queued by this start() do not hold the old run
        for (auto it = m_docs.cbegin(); it != m_docs.cend(); ++it)
            busy = busy || it->status.state == BatchDocStatus::State::Running;
        if (last->settings == wanted)
            return last;
        if (busy) {
            Q_EMIT runError(tr("The documents already translating keep their language and service; the new choice "
                               "applies to documents started after they finish."));
            return last;
        }
    }
    Glossary glossary;
    if (!settings.glossaryPath.isEmpty()) {
        auto loaded = Glossary::load(settings.glossaryPath);
        if (!loaded)
            return Error{Error::Usage, tr("The glossary %1 could not be used: %2 Fix it or choose another in "
                                          "Settings.")
                                           .arg(settings.glossaryPath, loaded.error().message)};
        glossary = std::move(loaded).value();
    }
    auto created = createProvider(settings.provider, apiKey, nullptr, proxyAuth);
    if (!created)
        return created.error();
    std::unique_ptr<Provider> provider = std::move(created).value();
    if (provider->name() == QLatin1String("apertium")) {
        if (ApertiumProvider::executable().isEmpty())
            return Error{Error::Usage, tr("Apertium is not installed: install the apertium package and a language "
                                          "pair (for example apertium-eng-spa), or choose another provider.")};
        auto mode = ApertiumProvider::modeFor(settings.sourceLang, settings.targetLang);
        if (!mode)
            return mode.error();
    }
    auto run = std::make_unique<Run>();
    SchedulerOptions options;
    options.concurrency = settings.concurrency;
    options.rateLimits.requestsPerMinute = settings.rpm;
    options.rateLimits.tokensPerMinute = settings.tpm;
    options.sourceLang = settings.sourceLang;
    options.targetLang = settings.targetLang;
    options.instruction = settings.instruction;
    options.glossary = glossary.entries;
    run->scheduler = std::make_unique<Scheduler>(provider.get(), options);
    run->context = CacheKeyContext{provider->cacheIdentity(), settings.sourceLang, settings.targetLang,
                                   settings.instruction, glossary.digest()};
    run->provider = std::move(provider);
    run->settings = settings;
    if (m_paused)
        run->scheduler->pause();
    connect(run->scheduler.get(), &Scheduler::error, this, &BatchRun::runError);
    m_runs.push_back(std::move(run));
    return m_runs.back().get();
}

void BatchRun::start(const QStringList &paths) {
    QStringList todo;
    for (const QString &path : paths) {
        if (isRunning(path))
            continue;
        if (!m_order.contains(path))
            m_order.append(path);
        m_docs[path].removed = false;
        BatchDocStatus s;
        s.state = BatchDocStatus::State::Queued;
        setStatus(path, s);
        todo.append(path);
    }
    if (!todo.isEmpty())
        startDocuments(todo);
}

void BatchRun::retryFailed(const QStringList &paths) {
    QStringList todo;
    for (const QString &path : paths) {
        const auto it = m_docs.constFind(path);
        if (it == m_docs.cend() || isRunning(path))
            continue;
        const BatchDocStatus &s = it->status;
        if (s.state == BatchDocStatus::State::Failed || s.state == BatchDocStatus::State::Cancelled ||
            s.progress.failed > 0)
            todo.append(path);
    }
    start(todo);
}

QCoro::Task<> BatchRun::startDocuments(QStringList paths) {
    QPointer<BatchRun> self(this);
    try {
        if (!m_cacheTried) {
            m_cacheTried = true;
            auto cache = std::make_unique<TranslationCache>();
            auto opened = co_await cache->open(m_settings.cachePath);
            if (!self)
                co_return;
            if (opened)
                m_cache = std::move(cache);
            else
                Q_EMIT runError(tr("The translation cache could not be opened (%1); translating without it.")
                                    .arg(opened.error().message));
        }
        const BatchSettings settings = m_settings;
        auto key = co_await findApiKey(settings.provider, m_keys);
        if (!self)
            co_return;
        if (key && !key->notice.isEmpty())
            Q_EMIT runError(key->notice);
        Result<Run *> run = key ? currentRun(settings, key->key, key->proxyAuth) : Result<Run *>(key.error());
        for (const QString &path : std::as_const(paths)) {
            auto it = m_docs.find(path);
            if (it == m_docs.end() || it->removed)
                continue;
            if (!run) {
                BatchDocStatus s;
                s.state = BatchDocStatus::State::Failed;
                s.error = run.error().message;
                setStatus(path, s);
                continue;
            }
            if (it->job)
                it->job->deleteLater(); // its run ended (start() skips running documents)
            it->run = *run;
            auto *job = new DocumentJob(QStringLiteral("d%1").arg(++m_jobCounter), path, (*run)->scheduler.get(),
                                        m_cache.get(), (*run)->context, this);
            it->job = job;
            connect(job, &DocumentJob::segmentUpdated, this, [this, path](const QString &, const QString &segmentId) {
                Q_EMIT segmentUpdated(path, segmentId);
            });
            connect(job, &DocumentJob::progressChanged, this,
                    [this, path, job](const QString &, const DocumentProgress &p) {
                        auto d = m_docs.find(path);
                        if (d == m_docs.end() || d->job != job)
                            return;
                        d->status.progress = p;
                        Q_EMIT statusChanged(path);
                    });
            BatchDocStatus s;
            s.state = BatchDocStatus::State::Running;
            setStatus(path, s);
            runJob(path, job);
        }
        if (!run)
            Q_EMIT runError(run.error().message);
    } catch (const std::exception &e) {
        if (self)
            Q_EMIT runError(QString::fromLocal8Bit(e.what()));
    }
}

QCoro::Task<> BatchRun::runJob(QString path, DocumentJob *job) {
    QPointer<BatchRun> self(this);
    QPointer<DocumentJob> guard(job);
    // Counts down however the coroutine ends; shared, so that it stays valid should the BatchRun go first.
    struct Active {
        std::shared_ptr<int> count;
        ~Active() { --*count; }
    } active{m_activeJobs};
    ++*m_activeJobs;
    Result<void> result;
    try {
        result = co_await job->run();
    } catch (const std::exception &e) {
        result = Error{Error::Internal, QString::fromLocal8Bit(e.what())};
    }
    if (!self || !guard)
        co_return;
    auto it = m_docs.find(path);
    if (it == m_docs.end() || it->job != job) {
        job->deleteLater(); // removed meanwhile
        co_return;
    }
    BatchDocStatus s = it->status;
    s.progress = job->progress();
    if (result) {
        s.state = BatchDocStatus::State::Done;
    } else if (result.error().code == Error::Cancelled) {
        s.state = BatchDocStatus::State::Cancelled;
    } else {
        s.state = BatchDocStatus::State::Failed;
        s.error = result.error().message;
    }
    setStatus(path, s);
    Q_EMIT documentFinished(path);
}

void BatchRun::cancel(const QString &path) {
    const auto it = m_docs.constFind(path);
    if (it != m_docs.cend() && it->job && isRunning(path))
        it->job->cancel();
}

void BatchRun::cancelAll() {
    for (auto it = m_docs.cbegin(); it != m_docs.cend(); ++it)
        cancel(it.key());
}

void BatchRun::pause() {
    m_paused = true;
    for (auto &run : m_runs)
        run->scheduler->pause();
}

void BatchRun::resume() {
    m_paused = false;
    for (auto &run : m_runs)
        run->scheduler->resume();
}

void BatchRun::remove(const QString &path) {
    auto it = m_docs.find(path);
    if (it == m_docs.end())
        return;
    if (it->job) {
        if (isRunning(path))
            it->job->cancel(); // runJob() deletes it when its run ends
        else
            it->job->deleteLater();
    }
    m_docs.erase(it);
    m_order.removeAll(path);
    if (m_saving)
        saveState();
}

// ---- The state file ----

namespace {

const char *stateName(BatchDocStatus::State s) {
    switch (s) {
    case BatchDocStatus::State::Queued:
        return "queued";
    case BatchDocStatus::State::Running:
        return "running";
    case BatchDocStatus::State::Done:
        return "done";
    case BatchDocStatus::State::Failed:
        return "failed";
    case BatchDocStatus::State::Cancelled:
        return "cancelled";
    }
    return "failed";
}

QJsonObject settingsToJson(const BatchSettings &s) {
    return QJsonObject{{QStringLiteral("provider"), s.provider.name},
                       {QStringLiteral("baseUrl"), s.provider.baseUrl},
                       {QStringLiteral("model"), s.provider.model},
                       {QStringLiteral("apiKeyEnv"), s.provider.apiKeyEnv},
                       {QStringLiteral("keychainAccount"), s.provider.keychainAccount},
                       {QStringLiteral("sourceLang"), s.sourceLang},
                       {QStringLiteral("targetLang"), s.targetLang},
                       {QStringLiteral("cachePath"), s.cachePath},
                       {QStringLiteral("concurrency"), s.concurrency},
                       {QStringLiteral("rpm"), s.rpm},
                       {QStringLiteral("tpm"), double(s.tpm)},
                       {QStringLiteral("glossaryPath"), s.glossaryPath},
                       {QStringLiteral("instruction"), s.instruction}};
}

BatchSettings settingsFromJson(const QJsonObject &o) {
    BatchSettings s;
    s.provider.name = o.value(QStringLiteral("provider")).toString(s.provider.name);
    s.provider.baseUrl = o.value(QStringLiteral("baseUrl")).toString();
    s.provider.model = o.value(QStringLiteral("model")).toString();
    s.provider.apiKeyEnv = o.value(QStringLiteral("apiKeyEnv")).toString();
    s.provider.keychainAccount = o.value(QStringLiteral("keychainAccount")).toString();
    s.sourceLang = o.value(QStringLiteral("sourceLang")).toString(s.sourceLang);
    s.targetLang = o.value(QStringLiteral("targetLang")).toString(s.targetLang);
    s.cachePath = o.value(QStringLiteral("cachePath")).toString();
    s.concurrency = std::clamp(o.value(QStringLiteral("concurrency")).toInt(s.concurrency), 1, 64);
    s.rpm = std::max(0, o.value(QStringLiteral("rpm")).toInt());
    s.tpm = std::max<qint64>(0, qint64(o.value(QStringLiteral("tpm")).toDouble()));
    s.glossaryPath = o.value(QStringLiteral("glossaryPath")).toString();
    s.instruction = o.value(QStringLiteral("instruction")).toString();
    return s;
}

} // namespace

void BatchRun::setStateFile(const QString &path) {
    m_stateFile = path;
}

Result<void> BatchRun::saveState() const {
    if (m_stateFile.isEmpty())
        return {};
    // The settings of the newest run: those the unfinished documents were translating with.
    const BatchSettings &settings = m_runs.empty() ? m_settings : m_runs.back()->settings;
    QJsonArray docs;
    for (const QString &path : m_order) {
        const auto it = m_docs.constFind(path);
        if (it != m_docs.cend())
            docs.append(QJsonObject{{QStringLiteral("path"), path},
                                    {QStringLiteral("state"), QLatin1String(stateName(it->status.state))}});
    }
    const QJsonObject root{{QStringLiteral("version"), 1},
                           {QStringLiteral("settings"), settingsToJson(settings)},
                           {QStringLiteral("documents"), docs}};
    QDir().mkpath(QFileInfo(m_stateFile).absolutePath());
    QSaveFile file(m_stateFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson()) < 0 || !file.commit())
        return Error{Error::Io, tr("%1 cannot be written: %2").arg(m_stateFile, file.errorString())};
    return {};
}

Result<SavedBatch> BatchRun::loadSaved(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{Error::Io, tr("%1 cannot be read: %2").arg(path, file.errorString())};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject() || doc.object().value(QStringLiteral("version")).toInt() != 1)
        return Error{Error::Parse, tr("%1 is not a saved batch (%2).").arg(path, error.errorString())};
    SavedBatch out;
    out.settings = settingsFromJson(doc.object().value(QStringLiteral("settings")).toObject());
    const QJsonArray docs = doc.object().value(QStringLiteral("documents")).toArray();
    for (const QJsonValue &v : docs) {
        const QString state = v.toObject().value(QStringLiteral("state")).toString();
        if (state == QLatin1String("queued") || state == QLatin1String("running"))
            out.unfinished.append(v.toObject().value(QStringLiteral("path")).toString());
    }
    out.unfinished.removeAll(QString());
    return out;
}

QCoro::Task<Result<void>> BatchRun::correct(QString path, QString segmentId, QString text) {
    QPointer<BatchRun> self(this);
    auto it = m_docs.find(path);
    if (it == m_docs.end() || !it->job)
        co_return Error{Error::Usage, tr("The document has not been translated yet.")};
    const SegmentTranslation *segment = it->job->translation().find(segmentId);
    if (!segment)
        co_return Error{Error::Usage, tr("No such segment: %1").arg(segmentId)};
    it->corrections.insert(segmentId, text);
    Q_EMIT segmentUpdated(path, segmentId);
    const QByteArray key = it->run ? TranslationCache::key(it->run->context, segment->source) : QByteArray();
    if (!m_cache)
        co_return Error{Error::Io, tr("The correction is used in this session but could not be saved: the "
                                      "translation cache is not open.")};
    QString fingerprint = it->fingerprint;
    if (fingerprint.isEmpty()) {
        auto fp = co_await TranslationCache::fingerprintFile(path);
        if (!self)
            co_return Error{Error::Cancelled, QStringLiteral("cancelled")};
        if (!fp)
            co_return fp.error();
        fingerprint = fp.value();
        auto again = m_docs.find(path);
        if (again != m_docs.end())
            again->fingerprint = fingerprint;
    }
    co_return co_await m_cache->storeCorrection(fingerprint, segmentId, key, text);
}

QList<ExportPage> BatchRun::exportPages(const QString &path) const {
    const DocumentTranslation *doc = translation(path);
    if (!doc)
        return {};
    std::map<int, ExportPage> pages;
    for (const SegmentTranslation &s : doc->segments) {
        ExportPage &page = pages[s.segment.page];
        page.page = s.segment.page;
        const QString text = displayText(path, s);
        if (s.segment.kind == SegmentKind::Prose && !text.isEmpty() && s.status != SegmentStatus::Streaming)
            page.blocks.append(OverlayBlock{s.segment, text});
        else
            page.obstacles.append(s.segment.box);
    }
    QList<ExportPage> out;
    for (auto &[number, page] : pages)
        out.append(page);
    return out;
}

QString BatchRun::outputPath(const QString &input, const QString &language, const QString &folder) {
    const QFileInfo info(input);
    const QString dir = folder.isEmpty() ? info.absolutePath() : folder;
    return QDir(dir).filePath(info.completeBaseName() + QLatin1Char('.') + language + QStringLiteral(".pdf"));
}

QCoro::Task<Result<ExportReport>> BatchRun::exportDocument(QString path, QString output, ExportOptions::Mode mode,
                                                           std::optional<Summary> cover) {
    QPointer<BatchRun> self(this);
    const QList<ExportPage> pages = exportPages(path);
    if (pages.isEmpty())
        co_return Error{Error::Usage, tr("There is no translation to export yet.")};
    ExportOptions options;
    options.mode = mode;
    options.targetLanguage = targetLanguage(path);
    options.cover = std::move(cover);
    auto result = co_await PdfExporter::exportInBackground(path, {}, output, pages, options);
    if (!self)
        co_return result;
    auto it = m_docs.find(path);
    if (it != m_docs.end()) {
        it->status.error = result ? QString() : tr("Export failed: %1").arg(result.error().message);
        Q_EMIT statusChanged(path);
    }
    co_return result;
}

} // namespace overtext
