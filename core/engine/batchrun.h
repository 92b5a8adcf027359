#pragma once

#include "engine/documentjob.h"
#include "engine/scheduler.h"
#include "render/pdfexporter.h"
#include "store/keystore.h"
#include "store/translationcache.h"
#include "translate/providerfactory.h"
#include "util/result.h"

#include <QCoroTask>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>
#include <vector>

namespace overtext {

/// What a batch run translates with. Holds no secret: the key is looked up (findApiKey()) when a run starts.
struct BatchSettings {
    ProviderConfig provider;
    QString sourceLang = QStringLiteral("en");
    QString targetLang = QStringLiteral("es");
    QString cachePath; ///< empty: TranslationCache::defaultPath()
    int concurrency = 4;
    int rpm = 0;          ///< requests per minute, 0 = no limit
    qint64 tpm = 0;       ///< tokens per minute, 0 = no limit
    QString glossaryPath; ///< CSV, empty = none
    QString instruction;
    bool operator==(const BatchSettings &) const = default;
};

/// A batch as it was saved: the documents that had not finished, and the settings they were translating with.
struct SavedBatch {
    BatchSettings settings;
    QStringList unfinished; ///< queued or running when the batch was saved, in the order they were added
};

/// Where one document of the batch stands.
struct BatchDocStatus {
    enum class State { Queued, Running, Done, Failed, Cancelled };
    State state = State::Queued;
    DocumentProgress progress;
    QString error; ///< why the document failed (or its export), for the user
};

/// The desktop batch: documents translated through one Scheduler per run (built from the chosen provider when a run
/// starts with nothing else running), one TranslationCache opened at the first start, one DocumentJob per document.
/// Holds the user's corrections on top of each job's translation, and builds what the exporter needs.
///
/// Threading and lifetime: lives on the GUI thread; every call is made from it, all work is asynchronous. Jobs, their
/// schedulers and providers live as long as the BatchRun.
class BatchRun : public QObject {
    Q_OBJECT
public:
    explicit BatchRun(QObject *parent = nullptr);
    ~BatchRun() override;

    /// Settings for the next run; a run in progress keeps its own.
    void setSettings(const BatchSettings &settings) { m_settings = settings; }
    const BatchSettings &settings() const { return m_settings; }
    /// Where API keys are looked up (the keychain service); the default is the app's.
    void setKeyStore(const KeyStore &keys) { m_keys = keys; }

    /// Saves the batch to \a path (JSON, written atomically) whenever a document's state changes, so that a batch
    /// interrupted by closing the app (or a crash) can be resumed: loadSaved() and start(). Empty: not saved.
    void setStateFile(const QString &path);
    /// Writes the state file now (nothing when none is set).
    Result<void> saveState() const;
    /// Reads a state file written by saveState(). Error::Io when it cannot be read, Error::Parse when damaged.
    static Result<SavedBatch> loadSaved(const QString &path);

    /// Starts translating the documents that are not running (again from the start for finished ones: the cache
    /// answers what was done). Documents that fail to start report through statusChanged().
    void start(const QStringList &paths);
    /// Starts only the documents whose last run ended with failed segments, or failed as a whole.
    void retryFailed(const QStringList &paths);
    void cancel(const QString &path);
    void cancelAll();
    void pause();
    void resume();
    bool isPaused() const { return m_paused; }
    /// Cancels the document if running and forgets it.
    void remove(const QString &path);

    bool contains(const QString &path) const { return m_docs.contains(path); }
    bool isRunning(const QString &path) const;
    bool anyRunning() const;
    BatchDocStatus status(const QString &path) const { return m_docs.value(path).status; }
    /// The document's segments and translations, corrections applied; nullptr when it was never started.
    const DocumentTranslation *translation(const QString &path) const;
    /// The text to show for a segment: the correction if there is one, else the translation so far.
    QString displayText(const QString &path, const SegmentTranslation &segment) const;
    /// The target language of the document's last run.
    QString targetLanguage(const QString &path) const;

    /// Stores the user's correction in the cache (for this document and for this source text) and uses it in the
    /// preview and the export from now on.
    QCoro::Task<Result<void>> correct(QString path, QString segmentId, QString text);

    /// The pages the exporter needs: prose with a translation becomes an OverlayBlock, anything else an obstacle.
    QList<ExportPage> exportPages(const QString &path) const;
    /// NAME.LANG.pdf in folder (empty: beside the input).
    static QString outputPath(const QString &input, const QString &language, const QString &folder = {});
    /// Exports a finished document; the error is also kept in its status.
    QCoro::Task<Result<ExportReport>> exportDocument(QString path, QString output, ExportOptions::Mode mode,
                                                     std::optional<Summary> cover = std::nullopt);

Q_SIGNALS:
    void statusChanged(const QString &path);
    void segmentUpdated(const QString &path, const QString &segmentId);
    void documentFinished(const QString &path);
    /// A run-wide error (provider not available, credentials rejected …), for the status bar.
    void runError(const QString &message);

private:
    struct Run {
        std::unique_ptr<Provider> provider;
        std::unique_ptr<Scheduler> scheduler;
        BatchSettings settings;
        CacheKeyContext context;
    };
    struct Doc {
        BatchDocStatus status;
        QPointer<DocumentJob> job;
        Run *run = nullptr;
        QHash<QString, QString> corrections;
        QString fingerprint;
        bool removed = false;
    };

    QCoro::Task<> startDocuments(QStringList paths);
    QCoro::Task<> runJob(QString path, DocumentJob *job);
    Result<Run *> currentRun(const BatchSettings &settings, const QString &apiKey, const QString &proxyAuth);
    void setStatus(const QString &path, const BatchDocStatus &status);

    BatchSettings m_settings;
    std::vector<std::unique_ptr<Run>> m_runs;
    std::unique_ptr<TranslationCache> m_cache;
    bool m_cacheTried = false;
    bool m_paused = false;
    QHash<QString, Doc> m_docs;
    QStringList m_order; // the documents in the order they were first started, for the state file
    quint64 m_jobCounter = 0;
    KeyStore m_keys;
    QString m_stateFile;
    bool m_saving = true; // off while the BatchRun is destroyed: closing is not cancelling
    std::shared_ptr<int> m_activeJobs = std::make_shared<int>(0); // runJob() coroutines not yet finished
};

} // namespace overtext
