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
    Segment segment;               ///< the original: box, line boxes, size, direction, rotation
    QString text;                  ///< the translation (or partial translation while it streams)
    QColor background = Qt::white; ///< the page's colour around the original text
    QColor color = Qt::black;      ///< the original text's colour
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
    /// targetLanguage picks the fonts ("zh", "ja", "ar", "hi" …; Noto and Liberation from Debian); serif follows
    /// the original's kind of face for scripts that have both (PdfDocument::prefersSerif()).
    explicit OverlayPainter(const QString &targetLanguage, bool serif = false);

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
    QStringList m_families;
    bool m_rtl = false;
    double m_maxPitch = 1.2; ///< line pitch cap, in em
};

} // namespace overtext
