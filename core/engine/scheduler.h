#pragma once

#include "engine/ratelimiter.h"
#include "engine/retrypolicy.h"
#include "translate/provider.h"
#include "util/canceltoken.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>

namespace overtext {

/// Where one document stands in the scheduler. A plain value, safe to pass through queued signals.
struct DocumentProgress {
    int done = 0;   ///< units translated
    int failed = 0; ///< units that ended without a translation (each reported through unitFailed)
    int total = 0;  ///< units handed to the scheduler so far
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    int requests = 0;       ///< provider calls made for this document, retries and re-sends included
    double etaSeconds = -1; ///< estimated seconds until every unit is settled; -1 while unknown
    int cached = 0;         ///< DocumentJob only: units answered from the cache or a correction (counted in done)
    int stored = 0;         ///< DocumentJob only: translations committed to the cache so far
};

/// What the scheduler needs besides the provider.
struct SchedulerOptions {
    int concurrency = 8; ///< batches in flight at once, 1 to 64
    RateLimits rateLimits;
    RetryPolicy retry;
    QString sourceLang = QStringLiteral("en");
    QString targetLang;
    QString instruction;
    QList<GlossaryEntry> glossary;
    int budgetChars = 0; ///< source characters per batch; 0 = the provider's batchBudgetChars()
    /// While a document's input is still streaming in (pages arriving), a batch that is not full waits this long for
    /// more units before it goes anyway.
    int lingerMs = 150;
};

/// The heart of the engine: packs units of one or more documents into batches up to the provider's budget (document
/// order kept, a unit never split, a batch never mixes documents), runs up to `concurrency` batches at once under the
/// rate limiter, retries per the RetryPolicy, re-sends missing and suspicious units alone once, and reports every unit
/// as done or failed (with a reason) exactly once.
///
/// An Auth error stops the run: every unit not yet settled fails with that one message and error() is emitted once.
/// Units added after that fail at once.
///
/// Threading and lifetime: lives on one thread (GUI or CLI main) and must be used from it; all work is asynchronous on
/// its event loop. The Provider is not owned and must outlive the Scheduler. Destroying the Scheduler with batches in
/// flight is safe: their results are dropped.
class Scheduler : public QObject {
    Q_OBJECT
public:
    Scheduler(Provider *provider, SchedulerOptions options, QObject *parent = nullptr);
    ~Scheduler() override;

    const SchedulerOptions &options() const { return m_options; }
    /// The provider it sends to (null once destroyed).
    Provider *provider() const { return m_provider; }

    /// Registers a document with an optional cancel token of the caller's (cancelling it cancels the document, checked
    /// whenever a batch resumes). addUnits() registers unknown documents by itself.
    void addDocument(const QString &docId, CancelToken cancel = {});
    /// Queues units of a document, in document order. Ids must be unique within the document; repeats are ignored.
    void addUnits(const QString &docId, const QList<TranslationUnit> &units);
    /// No more units will come for this document: its last partial batch may go, and documentFinished() can follow.
    void finishInput(const QString &docId);

    /// Cancels one document: its queued and in-flight units fail with "cancelled" at once; answers that still arrive
    /// are dropped.
    void cancelDocument(const QString &docId);
    /// Cancels every document known so far.
    void cancelAll();
    /// Stops dispatching new batches; batches in flight finish.
    void pause();
    void resume();
    bool isPaused() const { return m_paused; }

    DocumentProgress documentProgress(const QString &docId) const;
    int batchesInFlight() const { return m_inFlight; }
    /// Provider calls made in this run (all documents).
    int requestCount() const { return m_requests; }
    bool isStopped() const { return m_stopped; }

Q_SIGNALS:
    void unitPartial(const QString &docId, const QString &unitId, const QString &textSoFar);
    void unitDone(const QString &docId, const QString &unitId, const QString &translation);
    void unitFailed(const QString &docId, const QString &unitId, const QString &reason);
    void progress(const QString &docId, const overtext::DocumentProgress &progress);
    void documentFinished(const QString &docId);
    /// A run-wide error (for example the credentials were rejected), emitted once.
    void error(const QString &message);

private:
    enum class UnitStatus { Queued, InFlight, Done, Failed };
    struct UnitState {
        QString text;
        UnitStatus status = UnitStatus::Queued;
        int missingCount = 0;
        bool suspiciousResent = false;
        std::optional<QString> fallback; ///< a suspicious answer kept in case the re-send brings nothing better
    };
    struct Doc {
        QString id;
        CancelToken cancel;
        QHash<QString, UnitState> units;
        QStringList order;         ///< every unit id, in the order added
        std::deque<QString> queue; ///< units in document order
        std::deque<QString> solo;  ///< units to re-send alone, ahead of the queue
        bool inputFinished = false;
        bool cancelled = false;
        bool finishedEmitted = false;
        DocumentProgress progress;
        QElapsedTimer started;
        QElapsedTimer lastAdded;
    };
    struct Batch {
        std::shared_ptr<Doc> doc;
        QList<TranslationUnit> units;
        bool solo = false;
    };

    std::shared_ptr<Doc> ensureDoc(const QString &docId);
    std::optional<Batch> nextBatch();
    int budget() const;
    void pump();
    QCoro::Task<> runBatch(Batch batch);
    void handleAnswer(Doc &doc, const Batch &batch, const TranslationBatchResult &answer);
    void settleDone(Doc &doc, const QString &unitId, const QString &translation);
    void settleFailed(Doc &doc, const QString &unitId, const QString &reason);
    void failUnits(Doc &doc, const QList<TranslationUnit> &units, const QString &reason);
    void failQueued(Doc &doc, const QString &reason);
    void stopRun(const QString &message);
    void emitProgress(Doc &doc);
    void checkFinished(Doc &doc);

    QPointer<Provider> m_provider;
    SchedulerOptions m_options;
    RateLimiter *m_limiter = nullptr;
    QHash<QString, std::shared_ptr<Doc>> m_docs;
    QStringList m_order;
    QTimer m_linger;
    int m_inFlight = 0;
    int m_requests = 0;
    bool m_paused = false;
    bool m_stopped = false;
    QString m_stopMessage;
    bool m_pumping = false;
    bool m_pumpAgain = false;
};

} // namespace overtext

Q_DECLARE_METATYPE(overtext::DocumentProgress)
