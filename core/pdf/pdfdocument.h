#pragma once

#include "pdf/segment.h"
#include "util/result.h"

#include <QImage>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace Poppler {
class Document;
}

namespace overtext {

class StyledTextReader;

/// A PDF opened with Poppler. The only class that touches Poppler.
///
/// Thread contract: one PdfDocument per thread. It may be created on any thread and used from the thread that
/// created it; share nothing else. Long calls (words(), render()) take an abort flag wired to Poppler's abort
/// callbacks; setting it from another thread makes them return Error::Cancelled soon after.
///
/// Untrusted files should be read through PdfExtraction (a worker process with time and memory bounds); this class
/// has no such bound of its own beyond the abort flag.
class PdfDocument {
public:
    ~PdfDocument();
    PdfDocument(const PdfDocument &) = delete;
    PdfDocument &operator=(const PdfDocument &) = delete;

    /// Opens a file. A locked file without the right password gives Error::PdfLocked; a damaged, empty or non-PDF
    /// file gives Error::PdfDamaged; a missing or unreadable file gives Error::Io.
    static Result<std::unique_ptr<PdfDocument>> open(const QString &path, const QByteArray &password = {});

    int pageCount() const;
    /// page is 1-based.
    PageInfo pageInfo(int page) const;
    QString title() const;

    /// Whether most of the document's fonts are serif faces (Times, Computer Modern, Garamond …), so that a
    /// translation can be set in a face of the same kind. Reads the font list: do not call on the GUI thread.
    bool prefersSerif() const;

    /// Poppler's words on a page (1-based), in points, top-left origin, in the displayed orientation turned further
    /// clockwise by `rotation` degrees (0, 90, 180, 270): a frame in which sideways text reads upright. Each word
    /// carries its style (font, size, weight, slant, class, fill colour) read from the document.
    Result<QList<Word>> words(int page, const std::atomic_bool *abort = nullptr, int rotation = 0) const;

    /// The page's segments in reading order: words of every text direction grouped in the frame where they read
    /// upright, boxes mapped back to the displayed page.
    Result<QList<Segment>> segments(int page, const std::atomic_bool *abort = nullptr) const;

    /// Renders a page (1-based) at the given resolution, in the displayed orientation.
    Result<QImage> render(int page, double dpi, const std::atomic_bool *abort = nullptr) const;
    /// Renders a page without its text (StyledTextReader::background): the ground behind the text, at a fraction of
    /// render()'s cost on text-heavy pages.
    Result<QImage> renderBackground(int page, double dpi, const std::atomic_bool *abort = nullptr) const;

    /// How many words()/render() calls ran on the application's main thread in this process: the GUI must keep it
    /// at zero (tests check it; the PDF worker process and tests themselves may call on their main thread).
    static int mainThreadCalls();

private:
    PdfDocument(std::unique_ptr<Poppler::Document> doc, QString path, QByteArray password);
    /// Opens m_text at first use.
    std::optional<Error> openText() const;
    std::unique_ptr<Poppler::Document> m_doc;
    QString m_path;
    QByteArray m_password;
    /// The text with its style, opened at the first words() call (rendering alone does not need it). Declared after
    /// m_doc so that it goes first: Poppler's globals live as long as a Poppler::Document does.
    mutable std::unique_ptr<StyledTextReader> m_text;
};

} // namespace overtext
