#include "render/overlaypainter.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QTextLayout>

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

constexpr double kShrinkStep = 0.92;   // each step is 8% smaller
constexpr double kFirstFloor = 0.7;    // below 70% only in the largest box
constexpr double kAbsoluteFloor = 4.0; // points; below this nobody can read it

struct Layout {
    std::unique_ptr<QTextLayout> layout;
    double height = 0;
    bool complete = true;
};

/// Lays the text out at `size` in `width`, stopping after `maxHeight`.
Layout layoutText(const QString &text, const QFont &font, double width, double maxHeight, Qt::Alignment align, bool rtl,
                  double maxPitch) {
    Layout l;
    l.layout = std::make_unique<QTextLayout>(text, font, const_cast<QPaintDevice *>(pointDevice()));
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
    l.height = y > 0 ? y - pitch + full : 0;
    return l;
}

bool overlapsAny(const QRectF &r, const QList<QRectF> &others, const QRectF &self) {
    for (const QRectF &o : others)
        if (o != self && r.intersects(o))
            return true;
    return false;
}

/// The box grown into free space: downwards (more lines), and with `right` also to the right; never closer than a
/// few points to other blocks, never past the page's margin (at least 18 pt).
QRectF grownBox(const QRectF &box, const QRectF &self, const QList<QRectF> &others, const QSizeF &page, bool right) {
    const double margin = 18, clearance = 6, step = 2;
    // Clearance on the side the box grows towards: a block close below must not stop it from growing right.
    QRectF grown = box;
    while (grown.height() < box.height() * 2.5 + 24 && grown.bottom() + step < page.height() - margin) {
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
        // Justified: three lines or more, all but the last flush on both sides.
        bool justified = s.lineBoxes.size() >= 3 && sameLeft;
        for (qsizetype i = 0; justified && i + 1 < s.lineBoxes.size(); ++i)
            justified = std::abs(s.lineBoxes[i].right() - s.box.right()) < 2;
        // AlignJustify alone: QTextEngine justifies only when the horizontal alignment is exactly that (the last line
        // then follows the text direction).
        if (justified)
            return Qt::AlignJustify;
    }
    return rtl ? Qt::AlignRight : Qt::AlignLeft;
}

/// The block in its own upright frame: for sideways text the box's width and height swap.
QRectF uprightBox(const QRectF &r, int rotation) {
    return (rotation == 90 || rotation == 270) ? QRectF(0, 0, r.height(), r.width())
                                               : QRectF(0, 0, r.width(), r.height());
}

} // namespace

OverlayPainter::OverlayPainter(const QString &targetLanguage, bool serif) {
    const QString lang = targetLanguage.section(QLatin1Char('-'), 0, 0).toLower();
    // Latin, Cyrillic and Greek: Liberation's faces have the widths of Times and Arial, which most documents use,
    // so a translation of the same length needs about the same room as the original.
    QString primary = serif ? QStringLiteral("Liberation Serif") : QStringLiteral("Liberation Sans");
    if (lang == QLatin1String("zh")) {
        const bool traditional = targetLanguage.contains(QLatin1String("Hant"), Qt::CaseInsensitive) ||
                                 targetLanguage.contains(QLatin1String("TW"), Qt::CaseInsensitive);
        primary = traditional ? QStringLiteral("Noto Sans CJK TC") : QStringLiteral("Noto Sans CJK SC");
    } else if (lang == QLatin1String("ja")) {
        primary = QStringLiteral("Noto Sans CJK JP");
    } else if (lang == QLatin1String("ko")) {
        primary = QStringLiteral("Noto Sans CJK KR");
    } else if (lang == QLatin1String("ar") || lang == QLatin1String("fa") || lang == QLatin1String("ur")) {
        primary = QStringLiteral("Noto Sans Arabic");
        m_rtl = true;
        m_maxPitch = 1.45;
    } else if (lang == QLatin1String("he") || lang == QLatin1String("yi")) {
        primary = QStringLiteral("Noto Sans Hebrew");
        m_rtl = true;
    } else if (lang == QLatin1String("hi") || lang == QLatin1String("mr") || lang == QLatin1String("ne")) {
        primary = QStringLiteral("Noto Sans Devanagari");
        m_maxPitch = 1.45;
    } else if (lang == QLatin1String("th")) {
        primary = QStringLiteral("Noto Sans Thai");
        m_maxPitch = 1.45;
    }
    // Fallbacks for words in other scripts inside the translation (names, quotes).
    m_families = {primary,
                  serif ? QStringLiteral("Noto Serif") : QStringLiteral("Noto Sans"),
                  QStringLiteral("Noto Sans CJK SC"),
                  QStringLiteral("Noto Sans Arabic"),
                  QStringLiteral("Noto Sans Hebrew"),
                  QStringLiteral("Noto Sans Devanagari"),
                  QStringLiteral("Noto Sans Thai"),
                  QStringLiteral("Noto Sans Symbols")};
    m_families.removeDuplicates();
}

QFont OverlayPainter::font(double pointSize) const {
    QFont f;
    f.setFamilies(m_families);
    f.setPointSizeF(std::max(1.0, pointSize));
    f.setHintingPreference(QFont::PreferNoHinting);
    f.setKerning(true);
    return f;
}

QList<FittedBlock> OverlayPainter::fit(const QList<OverlayBlock> &blocks, const QSizeF &page,
                                       const QList<QRectF> &obstacles) const {
    QList<QRectF> others = obstacles;
    for (const OverlayBlock &b : blocks)
        others.append(b.segment.box);
    QList<FittedBlock> fitted;
    for (const OverlayBlock &b : blocks) {
        const Segment &s = b.segment;
        const double start = s.fontSize > 0 ? s.fontSize : 10;
        const Qt::Alignment align = alignmentOf(s, m_rtl);
        auto fits = [&](const QRectF &box, double size) {
            const QRectF frame = uprightBox(box, s.textRotation);
            return layoutText(b.text, font(size), frame.width(), frame.height(), align, m_rtl, m_maxPitch).complete;
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
        const QFontMetricsF fm(font(start), pointDevice());
        const double extra = std::max(0.0, fm.ascent() + fm.descent() - originalLine);
        const QRectF base = sideways ? s.box : s.box.adjusted(0, 0, 0, extra);
        // Free space is worth more than size: at each size, the original box, then grown down, then (a one-line
        // block: a heading, a label, a table cell) also to the right. A paragraph never widens into the margin.
        QList<QRectF> boxes{base};
        if (!sideways) {
            boxes.append(grownBox(base, s.box, others, page, false));
            if (s.lineBoxes.size() <= 1)
                boxes.append(grownBox(base, s.box, others, page, true));
        }
        FittedBlock f{boxes.back(), kAbsoluteFloor, false};
        bool done = false;
        for (double size = start; !done && size >= start * kFirstFloor - 1e-6; size *= kShrinkStep)
            for (const QRectF &box : boxes)
                if (fits(box, size)) {
                    f = FittedBlock{box, size, true};
                    done = true;
                    break;
                }
        for (double size = start * kFirstFloor * kShrinkStep; !done && size >= kAbsoluteFloor - 1e-6;
             size *= kShrinkStep)
            if (fits(boxes.back(), size)) {
                f = FittedBlock{boxes.back(), size, true};
                done = true;
            }
        fitted.append(f);
    }
    // Blocks that had one size in the original keep one size in the translation where that costs little: the size
    // that three quarters of them reach, taken by a block only when it is at most one step (10%) below its own. A
    // crowded block keeps its own smaller size, and does not make every other paragraph or heading small with it.
    QHash<int, std::vector<double>> sizes;
    for (int i = 0; i < blocks.size(); ++i)
        sizes[int(std::lround(blocks[i].segment.fontSize * 2))].push_back(fitted[i].fontSize);
    QHash<int, double> groupSize;
    for (auto it = sizes.begin(); it != sizes.end(); ++it) {
        std::vector<double> &v = it.value();
        std::sort(v.begin(), v.end());
        groupSize.insert(it.key(), v[v.size() / 4]);
    }
    for (int i = 0; i < blocks.size(); ++i) {
        const double size = groupSize.value(int(std::lround(blocks[i].segment.fontSize * 2)));
        FittedBlock &f = fitted[i];
        if (size >= f.fontSize || size < 0.9 * f.fontSize || !f.complete)
            continue;
        const QRectF frame = uprightBox(f.box, blocks[i].segment.textRotation);
        if (layoutText(blocks[i].text, font(size), frame.width(), frame.height(), alignmentOf(blocks[i].segment, m_rtl),
                       m_rtl, m_maxPitch)
                .complete)
            f.fontSize = size;
    }
    return fitted;
}

void OverlayPainter::paint(QPainter &painter, const QList<OverlayBlock> &blocks, const QSizeF &page,
                           const QList<QRectF> &obstacles) const {
    const QList<FittedBlock> fitted = fit(blocks, page, obstacles);
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
        const QRectF frame = uprightBox(f.box, b.segment.textRotation);
        const Layout l = layoutText(b.text, font(f.fontSize), frame.width(), frame.height(),
                                    alignmentOf(b.segment, m_rtl), m_rtl, m_maxPitch);
        painter.save();
        painter.setClipRect(f.box, Qt::IntersectClip);
        // Into the block's upright frame: its origin at the top-left corner as the text reads.
        painter.translate(f.box.center());
        painter.rotate(b.segment.textRotation);
        painter.translate(-frame.width() / 2, -frame.height() / 2);
        painter.setPen(b.color);
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
        // Text: inside the line boxes, the pixels farthest from the background.
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
