#pragma once

#include <QList>
#include <QMetaType>
#include <QRectF>
#include <QSizeF>
#include <QString>

namespace overtext {

/// One word as Poppler reports it, in points, top-left origin, in the page's displayed (rotated) orientation.
struct Word {
    QString text;
    QRectF box;
    bool spaceAfter = true; ///< Poppler saw a space after this word (false inside CJK runs and before punctuation)
    bool lineEnd = false;   ///< Poppler's own line ended after this word (a hint, not a rule)
    /// Which way the text runs, from the first to the last glyph: 0 left to right (or an upright right-to-left
    /// word), 1 downwards, 2 upside down, 3 upwards; -1 when a single glyph cannot tell.
    int direction = 0;
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
    double fontSize = 0; ///< points, estimated from the glyph boxes
    bool bold = false;   ///< unknown through Poppler's Qt binding: always false for now
    bool italic = false; ///< idem
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
