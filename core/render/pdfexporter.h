#pragma once

#include "render/overlaypainter.h"
#include "summary/summary.h"
#include "util/result.h"

#include <QCoroTask>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>

namespace overtext {

/// The translated blocks of one page (1-based). Colours are sampled by the exporter.
struct ExportPage {
    int page = 0;
    QList<OverlayBlock> blocks;
    QList<QRectF> obstacles; ///< other text on the page that the translation must not grow over
};

struct ExportOptions {
    enum class Mode {
        Translation, ///< the original pages with the translation in place of the original text
        SideBySide,  ///< each page twice as wide: original left, translation right
        Alternate,   ///< original page, then its translation
    };
    Mode mode = Mode::Translation;
    QString targetLanguage;
    std::optional<Summary> cover; ///< when set, its cover pages (CoverPage) come first in the output
};

/// What an export did, for the log.
struct ExportReport {
    int pages = 0;
    int textOperatorsRemoved = 0;
    QStringList warnings; ///< e.g. pages where the original text could only be covered, not removed
    /// Milliseconds spent in each phase: sampling colours, painting the overlay, rewriting with qpdf and writing.
    qint64 colourMs = 0, overlayMs = 0, rewriteMs = 0;
};

/// Writes translated PDFs that keep the original pages (vector content, images, links, bookmarks, forms): the
/// original text of every translated block is removed from the page's content (qpdf) and covered with the page's own
/// colour, and the translation is laid over it by OverlayPainter (QPdfWriter, fonts embedded and subset).
///
/// exportPdf() blocks: run it off the GUI thread (exportInBackground()). Needs a QGuiApplication (fonts). The output is
/// written to a temporary file beside it and renamed over it only when complete; it may not be the input.
class PdfExporter {
public:
    static Result<ExportReport> exportPdf(const QString &input, const QByteArray &password, const QString &output,
                                          const QList<ExportPage> &pages, const ExportOptions &options,
                                          const std::atomic_bool *abort = nullptr);

    /// exportPdf() on a worker thread, awaited without blocking the event loop.
    static QCoro::Task<Result<ExportReport>> exportInBackground(QString input, QByteArray password, QString output,
                                                                QList<ExportPage> pages, ExportOptions options);
};

} // namespace overtext
