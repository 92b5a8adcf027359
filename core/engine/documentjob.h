#pragma once

#include "engine/scheduler.h"
#include "pdf/extraction.h"
#include "pdf/segment.h"
#include "store/translationcache.h"
#include "util/canceltoken.h"
#include "util/result.h"

#include <QCoroTask>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QPromise>

namespace overtext {

/// Where one segment's translation stands.
enum class SegmentStatus {
    Pending,   ///< waiting for the provider
    Streaming, ///< text is arriving (translation holds the text so far)
    Done,      ///< translated (by the provider, the cache or a correction)
    Failed,    ///< no translation; reason says why
    Skipped,   ///< not prose (formula, number, code …): kept as it is, never sent
};

/// One segment with its translation.
struct SegmentTranslation {
    Segment segment;
    /// What is translated: the segment's text, with its inline runs marked (markup::fromRuns) for providers that keep
    /// markup. The cache key and corrections are keyed by it.
    QString source;
    QString translation;
    SegmentStatus status = SegmentStatus::Pending;
    QString reason;         ///< why it failed
    bool cached = false;    ///< answered from the cache, no request made
    bool corrected = false; ///< the user's correction
};

/// A document's segments in reading order with their translations: what the UI shows and the exporter paints.
/// A plain value type.
struct DocumentTranslation {
    QString path;
    QString title; ///< the PDF's own title (metadata), empty when it has none
    QList<SegmentTranslation> segments;
    QHash<QString, qsizetype> indexById;
    QStringList pageErrors;

    SegmentTranslation *find(const QString &segmentId);
    const SegmentTranslation *find(const QString &segmentId) const;
};

/// Translates one document: extracts it (pages stream in and are dispatched as they arrive), answers what it can from
/// corrections and the cache (no request made), hands the rest to the shared Scheduler, stores each finished batch in
/// the cache as it finishes, and holds the DocumentTranslation.
///
/// Threading and lifetime: lives on the Scheduler's thread. The Scheduler and the cache (which may be null: no cache)
/// are not owned and must outlive the job. Destroying a running job cancels it.
class DocumentJob : public QObject {
    Q_OBJECT
public:
    DocumentJob(QString docId, QString path, Scheduler *scheduler, TranslationCache *cache, CacheKeyContext context,
                QObject *parent = nullptr);
    ~DocumentJob() override;

    void setPageSpec(const QString &pages) { m_pages = pages; }
    void setPassword(const QByteArray &password) { m_password = password; }

    QString docId() const { return m_docId; }
    /// Runs the job to its end: every segment settled and every translation stored. Fails as a whole only when the
    /// document cannot be read (PdfLocked, PdfDamaged, Io, Usage for a bad page range) or on cancel (Cancelled).
    QCoro::Task<Result<void>> run();
    /// Cancels the job: extraction stops, the scheduler fails the open segments as cancelled.
    void cancel();

    const DocumentTranslation &translation() const { return m_doc; }
    DocumentProgress progress() const;

Q_SIGNALS:
    /// A segment's translation or status changed (streamed text included).
    void segmentUpdated(const QString &docId, const QString &segmentId);
    void progressChanged(const QString &docId, const overtext::DocumentProgress &progress);
    /// Every segment is settled and stored (or the job failed); emitted once.
    void finished(const QString &docId);

private:
    QCoro::Task<> feedPage(ExtractedPage page);
    QCoro::Task<> flushStores();
    void onUnitDone(const QString &docId, const QString &unitId, const QString &translation);
    void onUnitFailed(const QString &docId, const QString &unitId, const QString &reason);
    void onUnitPartial(const QString &docId, const QString &unitId, const QString &text);
    void onSchedulerProgress(const QString &docId, const DocumentProgress &p);
    void maybeFinishInput();
    void checkSettled();
    void emitProgress();

    QString m_docId;
    QString m_path;
    QString m_pages;
    QByteArray m_password;
    QPointer<Scheduler> m_scheduler;
    QPointer<TranslationCache> m_cache;
    CacheKeyContext m_context;
    CancelToken m_cancel;
    DocumentTranslation m_doc;
    QHash<QString, QByteArray> m_keys; ///< segment id -> cache key
    QString m_fingerprint;
    DocumentProgress m_schedulerProgress;
    int m_cached = 0;
    int m_stored = 0;
    int m_feeding = 0;
    int m_storing = 0;
    bool m_extractionDone = false;
    bool m_inputFinished = false;
    bool m_schedulerFinished = false;
    bool m_flushScheduled = false;
    QList<CacheEntry> m_toStore;
    QPromise<void> *m_settled = nullptr; ///< run()'s wait, finished once everything is settled and stored
};

} // namespace overtext
