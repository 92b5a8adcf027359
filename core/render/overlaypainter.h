#pragma once

#include "pdf/segment.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QList>
#include <QSizeF>
#include <QString>

class QPainter;

namespace overtext {

/// One translated block to lay over the original page.
struct OverlayBlock {
    Segment segment; ///< the original: box, line boxes, size, direction, rotation, style
    /// The translation (or partial translation while it streams); `<b>`, `<i>` and `<code>` marks in it are drawn as
    /// bold, italic and fixed-pitch runs (markup::parse), unless the original text has such tags of its own.
    QString text;
    QColor background = Qt::white; ///< the page's colour around the original text
    /// The text's colour where the document does not say it (segment.style.color invalid): sampled from the page.
    QColor color = Qt::black;
};

/// Where and how large a block's translation is drawn.
struct FittedBlock {
    QRectF box;           ///< page points (displayed frame): nothing of the translation is drawn outside it
    double fontSize = 0;  ///< points
    bool complete = true; ///< false when even the smallest size could not hold all of the text (the rest is cut)
};

/// Paints translations over a page: covers the original lines with the page's own colour and lays the translation
/// in the block's box, wrapped, shrunk in small steps to a floor, and grown into free space below or to the right
/// when needed. The one drawing code for the on-screen preview and the exported PDF.
///
/// Coordinates are page points in the displayed frame (top-left origin); the caller scales the painter. Layout is
/// computed at 72 dpi without hinting, so it is the same on every device. Reentrant: use one instance per thread.
class OverlayPainter {
public:
    /// targetLanguage picks the fonts ("zh", "ja", "ar", "hi" …; Noto and Liberation from Debian). Each block is set
    /// in a face of its original's class (serif, sans, mono), weight and slant; `serif` is the class for blocks whose
    /// style the document did not give (PdfDocument::prefersSerif()).
    explicit OverlayPainter(const QString &targetLanguage, bool serif = false);

    /// The face for text of \a style (its class, weight and slant; not its size or colour) at \a pointSize.
    QFont font(const TextStyle &style, double pointSize) const;
    /// The face for text whose style is unknown.
    QFont font(double pointSize) const;
    bool rightToLeft() const { return m_rtl; }

    /// Fits every block on a page; `blocks` are all the page's translated blocks (free space is judged against them
    /// and against `obstacles`, other things on the page not to be drawn over, such as untranslated segments).
    QList<FittedBlock> fit(const QList<OverlayBlock> &blocks, const QSizeF &page,
                           const QList<QRectF> &obstacles = {}) const;

    /// Paints covers and translations.
    void paint(QPainter &painter, const QList<OverlayBlock> &blocks, const QSizeF &page,
               const QList<QRectF> &obstacles = {}) const;

    /// Samples each block's background and text colour from a rendering of the original page (any resolution).
    static void sampleColors(QList<OverlayBlock> &blocks, const QImage &pageImage, const QSizeF &page);

private:
    /// What a block is drawn with: its face, its runs (from the translation's markup) and its colour.
    struct Styled;
    Styled styled(const OverlayBlock &block) const;

    QStringList m_fallbacks; ///< families for words in other scripts (names, quotes), after the class's own
    QString m_sans, m_serif, m_mono;
    bool m_defaultSerif = false;
    bool m_rtl = false;
    double m_maxPitch = 1.2; ///< line pitch cap, in em
};

} // namespace overtext
