#pragma once

#include "pdf/segment.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QImage>
#include <QList>
#include <QString>

#include <atomic>
#include <memory>

class PDFDoc;
class TextFontInfo;

namespace overtext {

/// Poppler's words with their style: font, size, weight, slant, class and fill colour of every word, read with
/// Poppler's own text device (the one its Qt binding uses for Page::textList, which drops the style). Internal to
/// PdfDocument: the only other user of Poppler's private API.
///
/// Thread contract: as PdfDocument (one thread at a time); the abort flag may be set from any thread.
class StyledTextReader {
public:
    ~StyledTextReader();
    StyledTextReader(const StyledTextReader &) = delete;
    StyledTextReader &operator=(const StyledTextReader &) = delete;

    /// Opens the file a second time for its text. Call while a Poppler::Document lives (it holds Poppler's globals).
    static Result<std::unique_ptr<StyledTextReader>> open(const QString &path, const QByteArray &password);

    /// The words of page (1-based) in the displayed orientation turned further clockwise by `rotation` degrees, in
    /// points with a top-left origin; the same words and boxes as Poppler::Page::textList.
    Result<QList<Word>> words(int page, int rotation, const std::atomic_bool *abort);

    /// The page (1-based) drawn without its text, in the displayed orientation, at `dpi`: what lies behind the text
    /// (paper, shaded boxes, title bars, images). Text is most of the work of drawing a page, and sampling the colour
    /// around a block needs none of it.
    Result<QImage> background(int page, double dpi, const std::atomic_bool *abort);

private:
    explicit StyledTextReader(std::unique_ptr<PDFDoc> doc);
    TextStyle fontStyle(const TextFontInfo *font);

    std::unique_ptr<PDFDoc> m_doc;
    QHash<QByteArray, TextStyle> m_fonts; ///< classified fonts by name and flags
};

} // namespace overtext
