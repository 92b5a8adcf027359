// Fuzzes overtext::LayoutGrouper::group() on words decoded from the input: any text (UTF-8), boxes including NaN,
// infinities, huge, negative and empty ones, any flags.
//
// Invariants: every word's text reaches some segment (words of only whitespace are dropped, and a hyphen at a line
// end may be removed when the lines are joined), ids are "p<page>-b1", "-b2", … in order, every segment has text and
// line boxes, and, for finite geometry, a segment's box contains its non-empty line boxes.

#include "fuzzcheck.h"
#include "pdf/layoutgrouper.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

using namespace overtext;

namespace {

double coordinate(FuzzedDataProvider &in) {
    static const double special[] = {std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity(),
                                     1e300,
                                     -1e300,
                                     std::numeric_limits<double>::denorm_min(),
                                     0.0,
                                     -0.0,
                                     std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::lowest()};
    const uint8_t kind = in.ConsumeIntegral<uint8_t>();
    if (kind < 16)
        return special[kind % std::size(special)];
    // Mostly page-like values so that words meet on lines and in blocks.
    return double(in.ConsumeIntegralInRange<int>(-200, 1000)) + double(kind % 8) / 8.0;
}

bool isHyphen(QChar c) {
    return c == QLatin1Char('-') || c == QChar(0x00AD) || c == QChar(0x2010);
}

bool finite(const QRectF &r) {
    return std::isfinite(r.left()) && std::isfinite(r.top()) && std::isfinite(r.right()) && std::isfinite(r.bottom()) &&
           std::abs(r.left()) < 1e12 && std::abs(r.top()) < 1e12 && std::abs(r.right()) < 1e12 &&
           std::abs(r.bottom()) < 1e12;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider in(data, size);
    PageInfo page;
    page.page = in.ConsumeIntegralInRange<int>(1, 9999);
    page.size = QSizeF(coordinate(in), coordinate(in));
    page.rotation = 90 * in.ConsumeIntegralInRange<int>(0, 3);
    QList<Word> words;
    bool allFinite = true;
    while (in.remaining_bytes() > 0 && words.size() < 200) {
        Word w;
        w.text = QString::fromStdString(in.ConsumeRandomLengthString(24));
        const double x = coordinate(in), y = coordinate(in);
        const double wd = coordinate(in), h = coordinate(in);
        w.box = QRectF(x, y, wd, h);
        const uint8_t flags = in.ConsumeIntegral<uint8_t>();
        w.spaceAfter = flags & 1;
        w.lineEnd = flags & 2;
        w.direction = int((flags >> 2) % 5) - 1;
        allFinite = allFinite && finite(w.box);
        words.append(w);
    }

    const QList<Segment> segments = LayoutGrouper::group(words, page);

    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment &s = segments[i];
        const QString id = QStringLiteral("p%1-b%2").arg(page.page).arg(i + 1);
        FUZZ_CHECK(s.id == id, s.id + QStringLiteral(" where ") + id + QStringLiteral(" was due"));
        FUZZ_CHECK(s.page == page.page, QStringLiteral("wrong page"));
        FUZZ_CHECK(!s.text.isEmpty(), QStringLiteral("empty segment ") + s.id);
        FUZZ_CHECK(!s.lineBoxes.isEmpty(), QStringLiteral("segment without lines ") + s.id);
        if (!allFinite)
            continue;
        const QRectF box = s.box.normalized();
        for (const QRectF &raw : s.lineBoxes) {
            if (raw.isNull()) // QRectF::united() ignores null rectangles: a zero-size line has nothing to cover
                continue;
            const QRectF l = raw.normalized();
            const double eps = 1e-9 * (1 + std::abs(box.left()) + std::abs(box.right()) + std::abs(box.top()) +
                                       std::abs(box.bottom()));
            FUZZ_CHECK(l.left() >= box.left() - eps && l.right() <= box.right() + eps && l.top() >= box.top() - eps &&
                           l.bottom() <= box.bottom() + eps,
                       QStringLiteral("segment %1 box (%2,%3 %4x%5) does not contain a line box (%6,%7 %8x%9)")
                           .arg(s.id)
                           .arg(box.x())
                           .arg(box.y())
                           .arg(box.width())
                           .arg(box.height())
                           .arg(l.x())
                           .arg(l.y())
                           .arg(l.width())
                           .arg(l.height()));
        }
    }

    for (const Word &w : words) {
        QString t = normalizeGlyphForms(w.text).trimmed();
        while (!t.isEmpty() && isHyphen(t.back()))
            t.chop(1);
        t = t.trimmed();
        if (t.isEmpty())
            continue;
        // A lone symbol without a Unicode meaning (a C1 control, a private-use glyph) starting a line is a list bullet
        // drawn from a symbol font: the grouper writes it as "•".
        const bool bullet = t.size() == 1 && ((t[0].unicode() >= 0x80 && t[0].unicode() <= 0x9F) ||
                                              t[0].category() == QChar::Other_PrivateUse);
        bool found = false;
        for (const Segment &s : segments)
            found = found || s.text.contains(t) || (bullet && s.text.contains(QChar(0x2022)));
        FUZZ_CHECK(found, QStringLiteral("word [") + t + QStringLiteral("] is in no segment"));
    }
    return 0;
}
