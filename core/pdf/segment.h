#pragma once

#include <QColor>
#include <QList>
#include <QMetaType>
#include <QRectF>
#include <QSizeF>
#include <QString>

namespace overtext {

/// How a stretch of text looks, read from the document (its fonts and graphics state), never from pixels.
struct TextStyle {
    QString font;        ///< the font's base name without a subset prefix ("NimbusRomNo9L-Medi"); empty: unknown
    double size = 0;     ///< points, as drawn (the text matrix applied); 0: unknown
    bool bold = false;   ///< from the font's flags or its name (Bold, Black, Semibold, Medi, CMBX …)
    bool italic = false; ///< italic or oblique (flags, name, CMTI/CMSL …)
    bool mono = false;   ///< fixed pitch: code, terminals, typewriter faces
    bool serif = false;  ///< a serif face (Times, Computer Modern …); false for sans and for mono
    QColor color;        ///< fill colour; invalid when unknown (then painters sample the page)

    /// Same look, sizes within 0.5 pt.
    bool sameLook(const TextStyle &o) const;
    bool operator==(const TextStyle &o) const = default;
};

/// Classifies a font by its name and PDF font-descriptor flags: fills bold, italic, mono and serif of \a style.
/// `flags` are the descriptor's /Flags (bit 1 fixed pitch, 2 serif, 7 italic, 19 force bold); pass 0 when unknown.
void classifyFont(TextStyle &style, const QString &fontName, int flags);

/// A stretch of a segment's text in one style: text.mid(start, length).
struct StyleRun {
    int start = 0;
    int length = 0;
    TextStyle style;
    bool operator==(const StyleRun &o) const = default;
};

/// One word as Poppler reports it, in points, top-left origin, in the page's displayed (rotated) orientation.
struct Word {
    QString text;
    QRectF box;
    bool spaceAfter = true; ///< Poppler saw a space after this word (false inside CJK runs and before punctuation)
    bool lineEnd = false;   ///< Poppler's own line ended after this word (a hint, not a rule)
    /// Which way the text runs, from the first to the last glyph: 0 left to right (or an upright right-to-left
    /// word), 1 downwards, 2 upside down, 3 upwards; -1 when a single glyph cannot tell.
    int direction = 0;
    TextStyle style; ///< the style of most of its characters
};

/// What a segment holds; only Prose is sent for translation.
enum class SegmentKind { Prose, Formula, Number, Code, Url, Reference };

QString segmentKindName(SegmentKind kind);
SegmentKind segmentKindFromName(const QString &name, bool *ok = nullptr);

/// A block of text (a paragraph, heading, caption, list item …) that is translated as a unit and put back in its box.
struct Segment {
    QString id;          ///< stable within a document: "p<page>-b<index>"
    int page = 0;        ///< 1-based
    QRectF box;          ///< points, top-left origin, displayed orientation
    QString text;        ///< lines joined, hyphenation undone
    double fontSize = 0; ///< points: the document's own size of most characters (else estimated from the boxes)
    TextStyle style;     ///< the style of most of its characters
    /// The styles along the text, covering it from start to end, when more than one style is in it (a bold word
    /// in a paragraph, inline code); empty when the whole segment has `style`.
    QList<StyleRun> runs;
    bool rightToLeft = false;
    int textRotation = 0; ///< degrees clockwise the text's baseline is turned on the displayed page: 0, 90, 180, 270
    SegmentKind kind = SegmentKind::Prose;
    QList<QRectF> lineBoxes; ///< one box per line, for covering the original text precisely
};

/// Geometry of one page as displayed.
struct PageInfo {
    int page = 0;     ///< 1-based
    QSizeF size;      ///< points, after rotation
    int rotation = 0; ///< the page's /Rotate: 0, 90, 180 or 270
};

} // namespace overtext

Q_DECLARE_METATYPE(overtext::Segment)
