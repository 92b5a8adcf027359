#pragma once

#include "pdf/segment.h"

#include <QList>
#include <QString>

namespace overtext {

/// A stretch of a translation that the markup sets apart from the block's own style.
struct MarkupSpan {
    int start = 0;
    int length = 0;
    bool bold = false;
    bool italic = false;
    bool code = false;
    bool emphasis = false; ///< set apart by colour only (a highlighted word); drawn in the segment's emphasis colour
};

/// A translation with its markup read: the plain text and where the marked stretches are.
struct MarkedText {
    QString text;
    QList<MarkupSpan> spans;
};

/// Light markup for the inline style of a paragraph, as sent to language models: `<b>…</b>`, `<i>…</i>`, `<em>…</em>`
/// (a word set apart by its colour only) and `<code>…</code>` (which the request protects as a token, so it comes back
/// verbatim). Pure functions, reentrant.
namespace markup {

/// The segment's text with its bold, italic and fixed-pitch runs marked, relative to the segment's own style (a bold
/// heading is not marked bold; a bold word in a regular paragraph is). The plain text when the segment has no such
/// runs, or when its text already contains something that looks like one of the tags (an HTML tutorial): then
/// tags in an answer could not be told from the text.
QString fromRuns(const Segment &segment);

/// Whether \a source is a text that could have been sent with markup (no literal tag in it): only then are tags in
/// its translation markup.
bool applies(const QString &source);

/// The colour of the words a segment sets apart by colour (its most common run colour other than its own), or an
/// invalid colour when there are none.
QColor emphasisColor(const Segment &segment);

/// Whether \a text has markup tags at all.
bool hasTags(const QString &text);

/// Whether the tags of \a text are well formed: only the three tags, each closed, properly nested, none empty-named.
bool wellFormed(const QString &text);

/// Reads the tags of \a text (tolerant: an unclosed tag lasts to the end; a tag cut at the end of a streamed text is
/// dropped; a stray closing tag is ignored).
MarkedText parse(const QString &text);

/// \a text without its tags; with `keepCode`, without its bold and italic tags only (inline code stays marked).
QString strip(const QString &text, bool keepCode = false);

} // namespace markup
} // namespace overtext
