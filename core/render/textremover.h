#pragma once

#include <QList>
#include <QRectF>
#include <QSizeF>
#include <QTransform>

#include <memory>

class QPDFPageObjectHelper;

namespace overtext {

/// Removes the text-showing operators whose glyphs start inside given areas from a page's content stream, so that the
/// original of a translated block is neither drawn nor found by search and copy. Areas are in the page's displayed
/// coordinates (points, top-left origin, after /Rotate), the frame segments use.
///
/// Text drawn inside form XObjects is not reached (it is still covered by the overlay); removedCount() tells whether
/// anything was removed. Not thread-safe; one per page.
class TextRemover {
public:
    /// Maps PDF default user space of the page to displayed coordinates.
    static QTransform userToDisplayed(const QRectF &cropBox, int rotation);

    /// Filters the page's contents in place. Returns the number of text operators removed: 0 also when the content
    /// stream cannot be decoded (a damaged file), which is then left as it is.
    static int removeText(QPDFPageObjectHelper &page, const QList<QRectF> &areas, const QTransform &userToDisplayed);
};

} // namespace overtext
