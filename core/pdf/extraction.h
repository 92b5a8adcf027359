#pragma once

#include "pdf/segment.h"
#include "util/canceltoken.h"
#include "util/result.h"

#include <QCoroTask>
#include <QObject>
#include <QStringList>

#include <optional>

namespace overtext {

/// Bounds on reading one untrusted document.
struct ExtractionLimits {
    int pageTimeoutMs = 15000;                     ///< a page that takes longer is skipped with an error
    qint64 memoryBytes = 3LL * 1024 * 1024 * 1024; ///< address-space limit of the worker process
    int maxFailedPages = 3;                        ///< after this many pages time out or crash, the rest is not tried
    int workers = 0;                               ///< worker processes sharing one document's pages; 0 = one per core
};

/// One page's result: its geometry and segments, or why it could not be read.
struct ExtractedPage {
    PageInfo info;
    QList<Segment> segments;
    std::optional<Error> error;
};

/// A whole document's result. Pages that failed are listed in pageErrors; the document still counts as read.
struct ExtractedDocument {
    QString path;
    QString title;
    int pageCount = 0;          ///< pages in the file
    QList<ExtractedPage> pages; ///< the selected pages, in order
    QList<Segment> segments() const;
    QStringList pageErrors() const;
};

/// Reads a PDF into segments in separate worker processes (overtext-pdfworker) bounded in time and memory, so a
/// hostile file can neither hang nor exhaust the app. Large documents are shared among one worker per core, which
/// take pages from a queue; pages stream back one by one, not necessarily in order (the result is sorted).
///
/// Lives on the thread that calls extract() (normally the GUI thread); all waiting is asynchronous.
class PdfExtraction : public QObject {
    Q_OBJECT
public:
    explicit PdfExtraction(QObject *parent = nullptr);

    void setLimits(const ExtractionLimits &limits) { m_limits = limits; }
    const ExtractionLimits &limits() const { return m_limits; }

    /// Where the worker executable is: $OVERTEXT_PDF_WORKER, next to the running executable, or the build tree.
    static QString workerPath();

    /// Reads the selected pages ("" = all, else "1-3,7"). Fails as a whole only when the document cannot be opened
    /// (PdfLocked, PdfDamaged, Io), the page spec is bad (Usage), or on cancel (Cancelled). The password travels to
    /// the worker through its standard input, never its command line.
    QCoro::Task<Result<ExtractedDocument>> extract(QString path, QByteArray password, QString pageSpec,
                                                   CancelToken cancel);

Q_SIGNALS:
    /// Emitted for every page as soon as it has been read (or failed).
    void pageReady(const overtext::ExtractedPage &page);

private:
    ExtractionLimits m_limits;
};

/// The worker side: reads the request from stdin, writes one JSON line per event to stdout. Returns the exit status.
int runPdfWorker();

} // namespace overtext

Q_DECLARE_METATYPE(overtext::ExtractedPage)
