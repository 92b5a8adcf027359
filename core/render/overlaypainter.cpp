#include "render/overlaypainter.h"

#include "pdf/markup.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QTextLayout>

#include <functional>

#include <algorithm>
#include <cmath>

namespace overtext {

namespace {

/// A 72 dpi device: layout in points, the same for screen and PDF.
const QPaintDevice *pointDevice() {
    static const QImage image = [] {
        QImage i(1, 1, QImage::Format_ARGB32);
        i.setDotsPerMeterX(2835);
        i.setDotsPerMeterY(2835);
        return i;
    }();
    return &image;
}

constexpr double kFirstFloor = 0.7; // below 70% only in the largest box
// Text is laid out and drawn in tenths of a point: Qt's font engines size glyphs in whole pixels, which at 72 dpi are
// whole points, so a 8.97 pt original would come out at 9 pt (and a block shrunk to 8.3 pt at 8).
constexpr double kUnits = 10;
constexpr double kAbsoluteFloor = 4.0; // points; below this nobody can read it

struct Layout {
    std::unique_ptr<QTextLayout> layout;
    double height = 0;
    bool complete = true;
};

/// Lays the text out in `width`, stopping after `maxHeight` (points); `font` and `formats` (runs in other faces) are
/// sized in tenths of a point (kUnits), and so is the layout: draw it with the painter scaled by 1 / kUnits.
Layout layoutText(const QString &text, const QFont &font, const QList<QTextLayout::FormatRange> &formats, double width,
                  double maxHeight, Qt::Alignment align, bool rtl, double maxPitch) {
    width *= kUnits;
    maxHeight *= kUnits;
    Layout l;
    l.layout = std::make_unique<QTextLayout>(text, font, const_cast<QPaintDevice *>(pointDevice()));
    if (!formats.isEmpty())
        l.layout->setFormats(formats);
    QTextOption option(align);
    // Break inside a word only when it is wider than the box (a URL, a formula): better than shrinking everything.
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    option.setTextDirection(rtl ? Qt::RightToLeft : Qt::LeftToRight);
    l.layout->setTextOption(option);
    l.layout->setCacheEnabled(true);
    const QFontMetricsF fm(font, pointDevice());
    // The font's own line height, but no more than maxPitch em: fonts reserve room for accents and stacked marks
    // that running text rarely needs (Noto Sans: 1.36 em), and would otherwise need far more space than the
    // original's usual 1.2 em.
    const double full = fm.ascent() + fm.descent();
    const double pitch = std::min(full, maxPitch * font.pointSizeF());
    l.layout->beginLayout();
    double y = 0;
    for (;;) {
        QTextLine line = l.layout->createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width);
        if (y + full > maxHeight + 0.01) { // the last line's glyphs reach a full line height down
            l.complete = false;
            // An invisible line past the end keeps QTextLayout from drawing the rest.
            line.setPosition(QPointF(0, 1e6));
            break;
        }
        line.setPosition(QPointF(0, y));
        y += pitch;
        // A single word wider than the box does not fit either.
        if (line.naturalTextWidth() > width + 0.5)
            l.complete = false;
    }
    l.layout->endLayout();
    l.height = (y > 0 ? y - pitch + full : 0) / kUnits;
    return l;
}

bool overlapsAny(const QRectF &r, const QList<QRectF> &others, const QRectF &self) {
    for (const QRectF &o : others)
        if (o != self && r.intersects(o))
            return true;
    return false;
}

/// The box grown into free space: with `down` downwards (more lines), with `right` to the right; never closer than a
/// few points to other blocks, never past the page's margin (at least 18 pt).
QRectF grownBox(const QRectF &box, const QRectF &self, const QList<QRectF> &others, const QSizeF &page, bool down,
                bool right) {
    const double margin = 18, clearance = 6, step = 2;
    // Clearance on the side the box grows towards: a block close below must not stop it from growing right.
    QRectF grown = box;
    while (down && grown.height() < box.height() * 2.5 + 24 && grown.bottom() + step < page.height() - margin) {
        const QRectF next = grown.adjusted(0, 0, 0, step);
        if (overlapsAny(next.adjusted(0, 0, 0, clearance), others, self))
            break;
        grown = next;
    }
    while (right && grown.width() < box.width() * 1.5 && grown.right() + step < page.width() - margin) {
        const QRectF next = grown.adjusted(0, 0, step, 0);
        if (overlapsAny(next.adjusted(0, 0, clearance, 0), others, self))
            break;
        grown = next;
    }
    return grown;
}

Qt::Alignment alignmentOf(const Segment &s, bool rtl) {
    // Centred when the original lines share a centre but not their edges.
    if (s.lineBoxes.size() >= 2) {
        bool centered = true, sameLeft = true;
        const QRectF &first = s.lineBoxes.front();
        for (const QRectF &l : s.lineBoxes) {
            centered &= std::abs(l.center().x() - first.center().x()) < 2;
            sameLeft &= std::abs(l.left() - first.left()) < 2;
        }
        if (centered && !sameLeft)
            return Qt::AlignHCenter;
        // Justified: three lines or more, all but the last flush on both sides (the first may be indented, as a
        // paragraph's first line often is).
        bool restLeft = true;
        for (qsizetype i = 2; i < s.lineBoxes.size(); ++i)
            restLeft &= std::abs(s.lineBoxes[i].left() - s.lineBoxes[1].left()) < 2;
        const bool indentedFirst = s.lineBoxes.size() >= 2 && first.left() > s.lineBoxes[1].left() - 2;
        bool justified = s.lineBoxes.size() >= 3 && restLeft && indentedFirst;
        for (qsizetype i = 0; justified && i + 1 < s.lineBoxes.size(); ++i)
            justified = std::abs(s.lineBoxes[i].right() - s.box.right()) < 2;
        // AlignJustify alone: QTextEngine justifies only when the horizontal alignment is exactly that (the last line
        // then follows the text direction).
        if (justified)
            return Qt::AlignJustify;
    }
    return rtl ? Qt::AlignRight : Qt::AlignLeft;
}

/// The line pitch to set a block with, in em: the original's own (baselines a paragraph apart, over its size) where it
/// has one, never more than the script's cap nor less than 1 em. Typesetters set body text tighter than fonts' own line
/// height (TeX: 10 on 12, or 9 on 10), and following the original keeps as many lines in the same height.
double pitchFor(const Segment &s, double cap) {
    if (s.lineBoxes.size() < 2 || s.fontSize <= 0 || s.textRotation != 0 || cap > 1.2)
        return cap;
    std::vector<double> pitches;
    for (qsizetype i = 1; i < s.lineBoxes.size(); ++i)
        pitches.push_back(s.lineBoxes[i].bottom() - s.lineBoxes[i - 1].bottom());
    std::sort(pitches.begin(), pitches.end());
    const double em = pitches[pitches.size() / 2] / s.fontSize;
    return em > 0 ? std::clamp(em, 1.0, cap) : cap;
}

/// The block in its own upright frame: for sideways text the box's width and height swap.
QRectF uprightBox(const QRectF &r, int rotation) {
    return (rotation == 90 || rotation == 270) ? QRectF(0, 0, r.height(), r.width())
                                               : QRectF(0, 0, r.width(), r.height());
}

} // namespace

struct OverlayPainter::Styled {
    QString text;            ///< the translation without its marks
    TextStyle style;         ///< the block's own style
    QList<MarkupSpan> spans; ///< runs the marks set apart
    QColor color;
    QColor emphasis; ///< the colour of `<em>` runs
};

OverlayPainter::OverlayPainter(const QString &targetLanguage, bool serif)
    : m_defaultSerif(serif) {
    const QString lang = targetLanguage.section(QLatin1Char('-'), 0, 0).toLower();
    // Latin, Cyrillic and Greek: Liberation's faces have the widths of Times, Arial and Courier, which most documents
    // use, so a translation of the same length needs about the same room as the original.
    m_sans = QStringLiteral("Liberation Sans");
    m_serif = QStringLiteral("Liberation Serif");
    m_mono = QStringLiteral("Liberation Mono");
    auto cjk = [&](const QString &region) {
        m_sans = QStringLiteral("Noto Sans CJK ") + region;
        m_serif = QStringLiteral("Noto Serif CJK ") + region;
        m_mono = QStringLiteral("Noto Sans Mono CJK ") + region;
    };
    if (lang == QLatin1String("zh")) {
        const bool traditional = targetLanguage.contains(QLatin1String("Hant"), Qt::CaseInsensitive) ||
                                 targetLanguage.contains(QLatin1String("TW"), Qt::CaseInsensitive);
        cjk(traditional ? QStringLiteral("TC") : QStringLiteral("SC"));
    } else if (lang == QLatin1String("ja")) {
        cjk(QStringLiteral("JP"));
    } else if (lang == QLatin1String("ko")) {
        cjk(QStringLiteral("KR"));
    } else if (lang == QLatin1String("ar") || lang == QLatin1String("fa") || lang == QLatin1String("ur")) {
        m_sans = QStringLiteral("Noto Sans Arabic");
        m_serif = QStringLiteral("Noto Naskh Arabic");
        m_rtl = true;
        m_maxPitch = 1.45;
    } else if (lang == QLatin1String("he") || lang == QLatin1String("yi")) {
        m_sans = QStringLiteral("Noto Sans Hebrew");
        m_serif = QStringLiteral("Noto Serif Hebrew");
        m_rtl = true;
    } else if (lang == QLatin1String("hi") || lang == QLatin1String("mr") || lang == QLatin1String("ne")) {
        m_sans = QStringLiteral("Noto Sans Devanagari");
        m_serif = QStringLiteral("Noto Serif Devanagari");
        m_maxPitch = 1.45;
    } else if (lang == QLatin1String("th")) {
        m_sans = QStringLiteral("Noto Sans Thai");
        m_serif = QStringLiteral("Noto Serif Thai");
        m_maxPitch = 1.45;
    }
    // Fallbacks for words in other scripts inside the translation (names, quotes).
    m_fallbacks = {QStringLiteral("Noto Sans CJK SC"),    QStringLiteral("Noto Sans Arabic"),
                   QStringLiteral("Noto Sans Hebrew"),    QStringLiteral("Noto Sans Devanagari"),
                   QStringLiteral("Noto Sans Thai"),      QStringLiteral("Noto Sans Symbols"),
                   QStringLiteral("Noto Sans Symbols 2"), QStringLiteral("Noto Sans Math")};
}

QFont OverlayPainter::font(const TextStyle &style, double pointSize) const {
    QFont f;
    // A fixed-pitch original stays fixed-pitch where the script has such a face (Liberation Mono, Noto Sans Mono CJK);
    // Arabic, Hebrew, Devanagari and Thai have none, and take their sans face.
    const bool scriptWithoutMono = m_rtl || m_maxPitch > 1.2;
    const QString primary = style.mono && !scriptWithoutMono ? m_mono : style.serif ? m_serif : m_sans;
    QStringList families{primary, style.serif ? QStringLiteral("Noto Serif") : QStringLiteral("Noto Sans")};
    families += m_fallbacks;
    f.setFamilies(families);
    f.setPointSizeF(std::max(1.0, pointSize));
    f.setWeight(style.bold ? QFont::Bold : QFont::Normal);
    f.setItalic(style.italic);
    f.setHintingPreference(QFont::PreferNoHinting);
    f.setKerning(true);
    return f;
}

QFont OverlayPainter::font(double pointSize) const {
    TextStyle unknown;
    unknown.serif = m_defaultSerif;
    return font(unknown, pointSize);
}

OverlayPainter::Styled OverlayPainter::styled(const OverlayBlock &b) const {
    Styled st;
    st.style = b.segment.style;
    // A segment read without a style (bare words, an older saved batch) is set in the document's usual face.
    if (st.style.font.isEmpty() && st.style.size <= 0)
        st.style.serif = m_defaultSerif;
    st.color = st.style.color.isValid() ? st.style.color : b.color;
    st.emphasis = markup::emphasisColor(b.segment);
    if (markup::applies(b.segment.text) && markup::hasTags(b.text)) {
        MarkedText marked = markup::parse(b.text);
        st.text = std::move(marked.text);
        st.spans = std::move(marked.spans);
    } else {
        st.text = b.text;
    }
    return st;
}

namespace {
QList<QTextLayout::FormatRange> formatsFor(const QList<MarkupSpan> &spans, const TextStyle &base, double size,
                                           const std::function<QFont(const TextStyle &, double)> &fontOf,
                                           const QColor &emphasis = QColor()) {
    QList<QTextLayout::FormatRange> formats;
    for (const MarkupSpan &span : spans) {
        TextStyle st = base;
        st.bold = st.bold || span.bold;
        st.italic = st.italic || span.italic;
        st.mono = st.mono || span.code;
        QTextLayout::FormatRange r;
        r.start = span.start;
        r.length = span.length;
        r.format.setFont(fontOf(st, size), QTextCharFormat::FontPropertiesAll);
        if (span.emphasis && emphasis.isValid())
            r.format.setForeground(emphasis);
        formats.append(r);
    }
    return formats;
}
} // namespace

QList<FittedBlock> OverlayPainter::fit(const QList<OverlayBlock> &blocks, const QSizeF &page,
                                       const QList<QRectF> &obstacles) const {
    QList<QRectF> others = obstacles;
    for (const OverlayBlock &b : blocks)
        others.append(b.segment.box);
    const auto fontOf = [this](const TextStyle &st, double size) { return font(st, size); };
    QList<FittedBlock> fitted;
    for (const OverlayBlock &b : blocks) {
        const Segment &s = b.segment;
        const Styled st = styled(b);
        const double start = s.fontSize > 0 ? s.fontSize : 10;
        const Qt::Alignment align = alignmentOf(s, m_rtl);
        const double pitch = pitchFor(s, m_maxPitch);
        auto fits = [&](const QRectF &box, double size) {
            const QRectF frame = uprightBox(box, s.textRotation);
            return layoutText(st.text, font(st.style, size * kUnits),
                              formatsFor(st.spans, st.style, size * kUnits, fontOf), frame.width(), frame.height(),
                              align, m_rtl, pitch)
                .complete;
        };
        const bool sideways = s.textRotation != 0;
        // The original's line boxes are as tall as its font's glyphs (TeX's Times: about 0.9 em); ours need a full
        // line height (Liberation Serif: 1.1 em). The block may take that difference below its last line, so that
        // a one-line heading still fits at its own size.
        std::vector<double> lineHeights;
        for (const QRectF &l : s.lineBoxes)
            lineHeights.push_back(sideways ? l.width() : l.height());
        const double originalLine = lineHeights.empty() ? (sideways ? s.box.width() : s.box.height())
                                                        : (std::sort(lineHeights.begin(), lineHeights.end()),
                                                           lineHeights[lineHeights.size() / 2]);
        const QFontMetricsF fm(font(st.style, start * kUnits), pointDevice());
        const double extra = std::max(0.0, (fm.ascent() + fm.descent()) / kUnits - originalLine);
        const QRectF base = sideways ? s.box : s.box.adjusted(0, 0, 0, extra);
        // Free space is worth more than size: the original box, then grown down, then (a one-line block: a heading,
        // a label, a table cell) also to the right. A paragraph never widens into the margin.
        // Text on a coloured ground (a title bar, a shaded box) does not grow downwards: the ground may end just below
        // it, and light text would run onto the white page.
        const bool onPaper = b.background.lightnessF() > 0.9 && qGray(b.background.rgb()) > 225;
        QList<QRectF> boxes{base};
        if (!sideways) {
            if (onPaper)
                boxes.append(grownBox(base, s.box, others, page, true, false));
            if (s.lineBoxes.size() <= 1)
                boxes.append(grownBox(base, s.box, others, page, onPaper, true));
        }
        const QRectF &largest = boxes.back();
        // The original's size where any box holds the text: the smallest box that does. Otherwise the largest size
        // that fits the largest box (bisected to a tenth of a point, so a block shrinks by as little as it must; the
        // blocks that fit keep the original's size, so paragraphs of one size stay one size), down to 70%; below
        // that, down to 4 pt.
        FittedBlock f{largest, kAbsoluteFloor, false};
        auto largestFitting = [&](double lo, double hi) {
            // fits(lo) holds and fits(hi) does not.
            while (hi - lo > 0.1) {
                const double mid = (lo + hi) / 2;
                (fits(largest, mid) ? lo : hi) = mid;
            }
            return std::floor(lo * 10) / 10;
        };
        bool done = false;
        for (const QRectF &box : boxes)
            if (!done && fits(box, start)) {
                f = FittedBlock{box, start, true};
                done = true;
            }
        if (!done && fits(largest, start * kFirstFloor)) {
            f = FittedBlock{largest, largestFitting(start * kFirstFloor, start), true};
        } else if (!done && fits(largest, kAbsoluteFloor)) {
            f = FittedBlock{largest, largestFitting(kAbsoluteFloor, start * kFirstFloor), true};
        }
        fitted.append(f);
    }
    return fitted;
}

void OverlayPainter::paint(QPainter &painter, const QList<OverlayBlock> &blocks, const QSizeF &page,
                           const QList<QRectF> &obstacles) const {
    const QList<FittedBlock> fitted = fit(blocks, page, obstacles);
    const auto fontOf = [this](const TextStyle &st, double size) { return font(st, size); };
    painter.save();
    painter.setPen(Qt::NoPen);
    // Covers first, all of them, so that no translation is painted over by a neighbour's cover.
    for (const OverlayBlock &b : blocks) {
        const QList<QRectF> lines = b.segment.lineBoxes.isEmpty() ? QList<QRectF>{b.segment.box} : b.segment.lineBoxes;
        for (const QRectF &l : lines)
            painter.fillRect(l.adjusted(-1.5, -1, 1.5, 1), b.background);
    }
    for (int i = 0; i < blocks.size(); ++i) {
        const OverlayBlock &b = blocks[i];
        const FittedBlock &f = fitted[i];
        if (b.text.isEmpty())
            continue;
        const Styled st = styled(b);
        const QRectF frame = uprightBox(f.box, b.segment.textRotation);
        const Layout l =
            layoutText(st.text, font(st.style, f.fontSize * kUnits),
                       formatsFor(st.spans, st.style, f.fontSize * kUnits, fontOf, st.emphasis), frame.width(),
                       frame.height(), alignmentOf(b.segment, m_rtl), m_rtl, pitchFor(b.segment, m_maxPitch));
        painter.save();
        painter.setClipRect(f.box, Qt::IntersectClip);
        // Into the block's upright frame: its origin at the top-left corner as the text reads.
        painter.translate(f.box.center());
        painter.rotate(b.segment.textRotation);
        painter.translate(-frame.width() / 2, -frame.height() / 2);
        painter.scale(1 / kUnits, 1 / kUnits);
        painter.setPen(st.color);
        l.layout->draw(&painter, QPointF(0, 0));
        painter.restore();
    }
    painter.restore();
}

void OverlayPainter::sampleColors(QList<OverlayBlock> &blocks, const QImage &pageImage, const QSizeF &page) {
    if (pageImage.isNull() || page.isEmpty())
        return;
    const QImage image = pageImage.convertToFormat(QImage::Format_RGB32);
    const double sx = image.width() / page.width(), sy = image.height() / page.height();
    auto pixel = [&](double x, double y) -> QRgb {
        const int px = std::clamp(int(x * sx), 0, image.width() - 1);
        const int py = std::clamp(int(y * sy), 0, image.height() - 1);
        return image.pixel(px, py);
    };
    auto distance = [](QRgb a, QRgb b) {
        return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
    };
    for (OverlayBlock &b : blocks) {
        const QRectF r = b.segment.box.adjusted(-2, -2, 2, 2);
        // Background: the most common colour on a ring just outside the block.
        QHash<QRgb, int> ring;            // votes per colour, in coarse buckets
        QHash<QRgb, QRgb> representative; // an actual pixel colour for each bucket
        const int steps = 40;
        for (int i = 0; i <= steps; ++i) {
            const double t = double(i) / steps;
            for (const QPointF &p :
                 {QPointF(r.left() + t * r.width(), r.top()), QPointF(r.left() + t * r.width(), r.bottom()),
                  QPointF(r.left(), r.top() + t * r.height()), QPointF(r.right(), r.top() + t * r.height())}) {
                const QRgb c = pixel(p.x(), p.y());
                ++ring[c & 0xF8F8F8];
                representative.insert(c & 0xF8F8F8, c);
            }
        }
        QRgb bg = 0xFFFFFF;
        int best = -1;
        for (auto it = ring.cbegin(); it != ring.cend(); ++it)
            if (it.value() > best) {
                best = it.value();
                bg = it.key();
            }
        bg = representative.value(bg, 0xFFFFFF);
        b.background = QColor(bg | 0xFF000000);
        // Text: the document's own colour where it gives one; else, inside the line boxes, the pixels farthest from the
        // background.
        if (b.segment.style.color.isValid()) {
            b.color = b.segment.style.color;
            continue;
        }
        QRgb ink = bg;
        int farthest = 0;
        const QList<QRectF> lines = b.segment.lineBoxes.isEmpty() ? QList<QRectF>{b.segment.box} : b.segment.lineBoxes;
        for (const QRectF &l : lines) {
            for (double y = l.top(); y <= l.bottom(); y += 1 / sy)
                for (double x = l.left(); x <= l.right(); x += 1 / sx) {
                    const QRgb c = pixel(x, y);
                    const int d = distance(c, bg);
                    if (d > farthest) {
                        farthest = d;
                        ink = c;
                    }
                }
        }
        b.color = farthest > 120 ? QColor(ink) : (qGray(bg) > 128 ? QColor(Qt::black) : QColor(Qt::white));
    }
}

} // namespace overtext
