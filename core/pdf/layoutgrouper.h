#pragma once

#include "pdf/segment.h"

#include <QList>

namespace overtext {

/// Rebuilds lines and blocks (paragraphs, headings, captions, list items …) from Poppler's words and puts the blocks
/// in the order a person reads them: columns left to right (right to left for RTL pages), a full-width title before
/// the columns, footnotes after the text above them, headers first and footers last.
///
/// Pure geometry over value types: reentrant, no Poppler, safe on any thread.
class LayoutGrouper {
public:
    /// Groups one page's words into segments with ids "p<page>-b<n>", classified (prose or not).
    static QList<Segment> group(const QList<Word> &words, const PageInfo &page);
};

/// Replaces compatibility glyph forms (Kangxi radicals, Latin ligatures, Arabic presentation forms) by the plain
/// characters they stand for. Reentrant.
QString normalizeGlyphForms(const QString &text);

/// Decides whether a block is worth translating. Reentrant.
SegmentKind classifyText(const QString &text);

} // namespace overtext
