#include "pdf/layoutgrouper.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace overtext {

namespace {

// Font sizes are estimated from the baseline-to-baseline pitch of a paragraph's lines, which typesetting sets to
// about 1.2 times the size. Poppler's word boxes run from the font's ascent to its descent, which varies by font
// (1.36 em for Noto Sans, 0.9 em for TeX's Times): a one-line block is measured with the ratio of size to box
// height that the page's own paragraphs show, or, on a page without paragraphs, 1/1.2.
constexpr double kLeading = 1.2;

bool isCjk(QChar c) {
    const ushort u = c.unicode();
    return (u >= 0x2E80 && u <= 0x2FDF) || (u >= 0x3000 && u <= 0x30FF) || (u >= 0x3400 && u <= 0x4DBF) ||
           (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0xAC00 && u <= 0xD7AF) || (u >= 0xF900 && u <= 0xFAFF) ||
           (u >= 0xFF00 && u <= 0xFFEF);
}

bool isRtl(QChar c) {
    const auto d = c.direction();
    return d == QChar::DirR || d == QChar::DirAL;
}

bool isStrongLtr(QChar c) {
    return c.direction() == QChar::DirL;
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

double verticalOverlap(const QRectF &a, const QRectF &b) {
    return std::min(a.bottom(), b.bottom()) - std::max(a.top(), b.top());
}

double horizontalOverlap(const QRectF &a, const QRectF &b) {
    return std::min(a.right(), b.right()) - std::max(a.left(), b.left());
}

double horizontalGap(const QRectF &a, const QRectF &b) {
    return std::max(b.left() - a.right(), a.left() - b.right());
}

struct Line {
    QList<Word> words;
    QRectF box;
    double height = 0;
    bool rtl = false;
    QString text;
    QList<QPair<int, int>> spans; ///< where each word is in text: start, length
    // What the document says about its look (all 0 when the words carry no style, as in synthetic input).
    double size = 0;       ///< the font size of most of its characters
    double boldShare = 0;  ///< share of its characters in a bold face
    double monoShare = 0;  ///< … in a fixed-pitch face
    double colorShare = 0; ///< … in its dominant colour
    QColor color;          ///< its dominant fill colour
    bool styled = false;   ///< its words carry a style read from the document
};

/// The look of text by character count: the style most characters have.
struct StyleVotes {
    QList<QPair<TextStyle, int>> votes;
    void add(const TextStyle &style, int chars) {
        for (auto &v : votes)
            if (v.first.sameLook(style)) {
                v.second += chars;
                return;
            }
        votes.append({style, chars});
    }
    TextStyle dominant() const {
        int best = -1;
        TextStyle style;
        for (const auto &v : votes)
            if (v.second > best) {
                best = v.second;
                style = v.first;
            }
        return style;
    }
};

int letterCount(const QString &t) {
    int n = 0;
    for (QChar c : t)
        n += !c.isSpace();
    return n;
}

void finishLine(Line &line) {
    std::vector<double> heights;
    int rtl = 0, ltr = 0;
    for (const Word &w : line.words) {
        heights.push_back(w.box.height());
        for (QChar c : w.text) {
            rtl += isRtl(c);
            ltr += isStrongLtr(c);
        }
    }
    line.rtl = rtl > ltr;
    std::stable_sort(line.words.begin(), line.words.end(), [&](const Word &a, const Word &b) {
        return line.rtl ? a.box.right() > b.box.right() : a.box.left() < b.box.left();
    });
    line.height = median(heights);
    line.box = QRectF();
    line.text.clear();
    line.spans.clear();
    int chars = 0, bold = 0, mono = 0;
    QHash<QRgb, int> colors;
    QHash<int, int> sizes; // half points
    line.styled = false;
    for (const Word &w : line.words) {
        const int n = letterCount(w.text);
        if (w.style.size <= 0)
            continue;
        line.styled = true;
        chars += n;
        bold += w.style.bold ? n : 0;
        mono += w.style.mono ? n : 0;
        colors[w.style.color.rgb()] += n;
        sizes[int(std::lround(w.style.size * 2))] += n;
    }
    if (line.styled && chars > 0) {
        line.boldShare = double(bold) / chars;
        line.monoShare = double(mono) / chars;
        int best = -1;
        for (auto it = colors.cbegin(); it != colors.cend(); ++it)
            if (it.value() > best) {
                best = it.value();
                line.color = QColor::fromRgb(it.key());
            }
        line.colorShare = double(best) / chars;
        best = -1;
        for (auto it = sizes.cbegin(); it != sizes.cend(); ++it)
            if (it.value() > best) {
                best = it.value();
                line.size = it.key() / 2.0;
            }
    }
    for (int i = 0; i < line.words.size(); ++i) {
        const Word &w = line.words[i];
        line.box = line.box.isNull() ? w.box : line.box.united(w.box);
        if (i > 0) {
            const Word &prev = line.words[i - 1];
            const double gap = horizontalGap(prev.box, w.box);
            const bool cjkJoin = !prev.text.isEmpty() && isCjk(prev.text.back()) && isCjk(w.text.front());
            // Poppler's space flag is about the gap to the word on the right: in a right-to-left line that is the
            // flag of the word we are adding. The gap test covers words Poppler split across runs.
            const bool flagged = line.rtl ? w.spaceAfter : prev.spaceAfter;
            if ((flagged && !cjkJoin) || gap > 0.15 * line.height)
                line.text += QLatin1Char(' ');
        }
        line.spans.append({int(line.text.size()), int(w.text.size())});
        line.text += w.text;
    }
}

/// Words to lines: Poppler's line hints where present, checked against the geometry (same baseline band, a gap
/// smaller than a column gap).
std::vector<Line> buildLines(const QList<Word> &words) {
    std::vector<Line> lines;
    Line current;
    for (const Word &w : words) {
        if (w.text.trimmed().isEmpty())
            continue;
        if (!current.words.isEmpty()) {
            const Word &last = current.words.back();
            const double h = std::min(last.box.height(), w.box.height());
            const double maxH = std::max(last.box.height(), w.box.height());
            const bool sameBand = verticalOverlap(last.box, w.box) >= 0.5 * h;
            // Poppler keeps columns apart itself; within its line only a gap as wide as a gutter (2 em) splits.
            // TeX sets run-in headings a quad or more from their text ("Timecolumn   timecolumn(N) reads…").
            const bool closeEnough = horizontalGap(last.box, w.box) <= 2.0 * maxH;
            if (last.lineEnd || !sameBand || !closeEnough) {
                lines.push_back(std::move(current));
                current = Line();
            }
        }
        current.words.append(w);
        current.words.back().text = normalizeGlyphForms(w.text);
        // A list bullet drawn from a symbol font without a Unicode meaning (TeX's bullet often comes out as U+0088,
        // others in the private use area): a bullet.
        const QString &t = current.words.back().text;
        if (current.words.size() == 1 && t.size() == 1 &&
            ((t[0].unicode() >= 0x80 && t[0].unicode() <= 0x9F) || t[0].category() == QChar::Other_PrivateUse))
            current.words.back().text = QString(QChar(0x2022));
    }
    if (!current.words.isEmpty())
        lines.push_back(std::move(current));

    // Poppler sometimes splits one visual line (a change of font, a superscript); join fragments that sit on the same
    // band right next to each other.
    std::vector<Line> merged;
    for (Line &l : lines) {
        finishLine(l);
        bool joined = false;
        // Poppler may give a column of list markers before the lines they start: look back a little way.
        for (int k = int(merged.size()) - 1; k >= 0 && k >= int(merged.size()) - 64; --k) {
            Line &m = merged[size_t(k)];
            const double h = std::min(m.height, l.height);
            if (verticalOverlap(m.box, l.box) >= 0.6 * h &&
                horizontalGap(m.box, l.box) <= 1.2 * std::max(m.height, l.height) &&
                horizontalGap(m.box, l.box) > -0.5 * h) {
                m.words.append(l.words);
                finishLine(m);
                joined = true;
                break;
            }
        }
        if (!joined)
            merged.push_back(std::move(l));
    }
    return merged;
}

const QRegularExpression &listMarker() {
    static const QRegularExpression re(
        QStringLiteral(R"(^(?:[\x{2022}\x{2023}\x{25E6}\x{2043}\x{2219}\x{25AA}\x{25CF}\x{25A0}\x{2013}\x{2014}*\-]\s|)"
                       R"(\(?\d{1,3}[.)]\s|\(?[a-zA-Z][.)]\s|\([ivxIVX]{1,4}\)\s|[\x{2022}\x{25CF}\x{25AA}]))"));
    return re;
}

bool endsSentence(const QString &t) {
    const QString s = t.trimmed();
    if (s.isEmpty())
        return false;
    const QChar c = s.back();
    return c == QLatin1Char('.') || c == QLatin1Char(':') || c == QLatin1Char('!') || c == QLatin1Char('?') ||
           c == QChar(0x3002) || c == QChar(0xFF01) || c == QChar(0xFF1F) || c == QChar(0x06D4);
}

struct Block {
    std::vector<int> lines; // indices into the page's lines
    QRectF box;
    double height = 0; // median line height
    bool listItem = false;
    double lineGap = -1; // gap between its first two lines, once it has two
};

/// What the whole page says about its body text: the usual gap between consecutive lines of a paragraph.
struct PageStats {
    double lineGap = -1; ///< as a fraction of the line height; -1 when the page has too few lines to tell
};

PageStats pageStats(const std::vector<Line> &lines) {
    std::vector<double> gaps;
    for (size_t i = 0; i < lines.size() && gaps.size() < 400; ++i) {
        const Line &a = lines[i];
        double best = 1e9;
        for (size_t j = 0; j < lines.size(); ++j) {
            const Line &b = lines[j];
            if (i == j || b.box.center().y() <= a.box.center().y() || horizontalOverlap(a.box, b.box) <= 0)
                continue;
            if (std::max(a.height, b.height) > 1.15 * std::min(a.height, b.height))
                continue;
            best = std::min(best, b.box.top() - a.box.bottom());
        }
        if (best > -0.5 * a.height && best < 1.5 * a.height)
            gaps.push_back(best / a.height);
    }
    PageStats stats;
    if (gaps.size() >= 4)
        stats.lineGap = median(gaps);
    return stats;
}

/// The right edge of the column a line sits in: the furthest right edge among lines that start near it.
double columnEnd(const std::vector<Line> &lines, const Line &line) {
    double end = line.rtl ? -line.box.left() : line.box.right();
    const double start = line.rtl ? -line.box.right() : line.box.left();
    for (const Line &other : lines) {
        const double otherStart = other.rtl ? -other.box.right() : other.box.left();
        if (std::abs(otherStart - start) < 3 * line.height && horizontalOverlap(other.box, line.box) > 0 &&
            std::abs(other.height - line.height) < 0.2 * line.height)
            end = std::max(end, other.rtl ? -other.box.left() : other.box.right());
    }
    return end;
}

bool continues(const Block &b, const std::vector<Line> &lines, const PageStats &stats, const Line &line) {
    const Line &last = lines[size_t(b.lines.back())];
    const Line &first = lines[size_t(b.lines.front())];
    const double h = std::max(last.height, line.height);
    const double gap = line.box.top() - last.box.bottom();
    if (gap < -0.5 * h)
        return false;
    // Font size: headings, body and footnotes are different blocks. The document's own sizes where it gives them, else
    // the glyph boxes' heights.
    if (last.styled && line.styled && last.size > 0 && line.size > 0) {
        if (std::max(last.size, line.size) / std::min(last.size, line.size) > 1.1)
            return false;
    } else {
        const double ratio = std::max(last.height, line.height) / std::max(0.1, std::min(last.height, line.height));
        if (ratio > 1.25)
            return false;
    }
    // A bold line (a heading, a label) and a line of body text are different blocks; so are code and prose, and
    // lines in clearly different colours (a coloured heading over black text). A bold word or a link inside a line
    // changes nothing: only lines that are wholly one and wholly the other split.
    // A bold line that runs on to the column's end is a list item's or a paragraph's first line set in bold (a
    // command), not a heading: its next line continues it.
    if (last.styled && line.styled) {
        auto differ = [](double a, double b) { return (a >= 0.9 && b < 0.5) || (b >= 0.9 && a < 0.5); };
        const double lastEnd = last.rtl ? -last.box.left() : last.box.right();
        const bool lastShort = lastEnd < columnEnd(lines, last) - 2.5 * h;
        if (differ(last.boldShare, line.boldShare) && (lastShort || line.boldShare >= 0.9))
            return false;
        if (differ(last.monoShare, line.monoShare))
            return false;
        const int dc = std::abs(last.color.red() - line.color.red()) +
                       std::abs(last.color.green() - line.color.green()) +
                       std::abs(last.color.blue() - line.color.blue());
        if (dc > 120 && last.colorShare >= 0.9 && line.colorShare >= 0.9)
            return false;
    }
    // A gap wider than the paragraph's own (or, for its first line, the page's usual) line gap.
    if (b.lineGap >= 0) {
        if (gap > b.lineGap + 0.35 * h)
            return false;
    } else if (gap > (stats.lineGap >= 0 ? std::min(0.55, stats.lineGap + 0.3) : 0.55) * h) {
        return false;
    }
    if (listMarker().match(line.text).hasMatch())
        return false;
    const double left = line.rtl ? -line.box.right() : line.box.left();
    const double blockLeft = line.rtl ? -b.box.right() : b.box.left();
    const double lastCenter = last.box.center().x();
    // Centred text (a title over two lines): same centre, different edges, and the block is not flush left.
    const bool flushLeft = b.lines.size() >= 2 && std::abs(last.box.left() - b.box.left()) < 0.3 * h &&
                           std::abs(last.box.right() - b.box.right()) > 0.6 * h;
    const bool centered = !flushLeft && std::abs(line.box.center().x() - lastCenter) < 0.6 * h &&
                          std::abs(line.box.left() - last.box.left()) > 0.6 * h;
    // An indented line starts a new paragraph, unless the block is a list item (hanging indent) or centred text.
    if (left > blockLeft + 0.8 * h && !b.listItem && !centered)
        return false;
    // A list item's own lines hang right of its marker: a line back at the marker's edge is something new.
    const double firstLeft = first.rtl ? -first.box.right() : first.box.left();
    if (b.listItem && b.lines.size() >= 2 && left < firstLeft + 0.3 * h)
        return false;
    // A short line ending a sentence closes its paragraph.
    if (endsSentence(last.text) && !centered) {
        const double lastEnd = last.rtl ? -last.box.left() : last.box.right();
        const double end = b.lines.size() >= 2 ? (last.rtl ? -b.box.left() : b.box.right()) : columnEnd(lines, last);
        if (lastEnd < end - 2.5 * h)
            return false;
    }
    return true;
}

std::vector<Block> buildBlocks(const std::vector<Line> &lines) {
    std::vector<int> order(lines.size());
    for (size_t i = 0; i < lines.size(); ++i)
        order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const QRectF &ra = lines[size_t(a)].box, &rb = lines[size_t(b)].box;
        if (std::abs(ra.top() - rb.top()) > 0.2 * std::min(ra.height(), rb.height()))
            return ra.top() < rb.top();
        return ra.left() < rb.left();
    });
    const PageStats stats = pageStats(lines);
    std::vector<Block> blocks;
    for (int li : order) {
        const Line &line = lines[size_t(li)];
        // The nearest block above that shares columns with this line.
        int best = -1;
        double bestGap = 1e9;
        for (size_t bi = 0; bi < blocks.size(); ++bi) {
            const Line &last = lines[size_t(blocks[bi].lines.back())];
            const double overlap = horizontalOverlap(last.box, line.box);
            const double narrow = std::min(last.box.width(), line.box.width());
            if (overlap < 0.3 * narrow && overlap < 2.0 * line.height)
                continue;
            const double gap = line.box.top() - last.box.bottom();
            if (line.box.center().y() <= last.box.center().y())
                continue;
            if (gap < bestGap) {
                bestGap = gap;
                best = int(bi);
            }
        }
        if (best >= 0 && continues(blocks[size_t(best)], lines, stats, line)) {
            Block &b = blocks[size_t(best)];
            if (b.lines.size() == 1)
                b.lineGap = std::max(0.0, bestGap);
            b.lines.push_back(li);
            b.box = b.box.united(line.box);
            continue;
        }
        Block b;
        b.lines.push_back(li);
        b.box = line.box;
        b.listItem = listMarker().match(line.text).hasMatch();
        blocks.push_back(std::move(b));
    }
    for (Block &b : blocks) {
        std::vector<double> heights;
        for (int li : b.lines)
            heights.push_back(lines[size_t(li)].height);
        b.height = median(heights);
    }
    return blocks;
}

/// Reading order after Breuel (2003): a before b when they share columns and a is higher, or when a lies wholly
/// before b in the writing direction and nothing between them vertically spans both. Ties go to the higher, then
/// the earlier-in-line block. Running headers and footers (one line in the top or bottom margin band) go first/last.
std::vector<int> readingOrder(const std::vector<Block> &blocks, const PageInfo &page, bool rtlPage) {
    const int n = int(blocks.size());
    std::vector<int> header, body, footer;
    const double pageH = page.size.height() > 0 ? page.size.height() : 792;
    for (int i = 0; i < n; ++i) {
        const Block &b = blocks[size_t(i)];
        if (b.lines.size() <= 2 && b.box.bottom() < 0.07 * pageH && n > 3)
            header.push_back(i);
        else if (b.lines.size() <= 2 && b.box.top() > 0.93 * pageH && n > 3)
            footer.push_back(i);
        else
            body.push_back(i);
    }
    auto before = [&](const QRectF &a, const QRectF &b) {
        return rtlPage ? a.left() >= b.right() - 0.5 : a.right() <= b.left() + 0.5;
    };
    const int m = int(body.size());
    std::vector<std::vector<int>> next(static_cast<size_t>(m));
    std::vector<int> indegree(size_t(m), 0);
    const bool exhaustive = m <= 400; // the "nothing between" test is cubic; hostile pages fall back to rule 1 + y
    for (int i = 0; i < m; ++i) {
        const QRectF &a = blocks[size_t(body[size_t(i)])].box;
        for (int j = 0; j < m; ++j) {
            if (i == j)
                continue;
            const QRectF &b = blocks[size_t(body[size_t(j)])].box;
            bool edge = false;
            if (horizontalOverlap(a, b) > 0) {
                edge = a.center().y() < b.center().y() || (a.center().y() == b.center().y() && i < j);
            } else if (before(a, b) && a.top() < b.bottom()) {
                edge = true;
                if (exhaustive) {
                    const double lo = std::min(a.center().y(), b.center().y());
                    const double hi = std::max(a.center().y(), b.center().y());
                    for (int k = 0; k < m && edge; ++k) {
                        if (k == i || k == j)
                            continue;
                        const QRectF &c = blocks[size_t(body[size_t(k)])].box;
                        if (c.center().y() > lo && c.center().y() < hi && horizontalOverlap(c, a) > 0 &&
                            horizontalOverlap(c, b) > 0)
                            edge = false;
                    }
                } else {
                    edge = a.top() <= b.top();
                }
            }
            if (edge) {
                next[size_t(i)].push_back(j);
                ++indegree[size_t(j)];
            }
        }
    }
    auto key = [&](int i) {
        const QRectF &r = blocks[size_t(body[size_t(i)])].box;
        return std::make_pair(r.top(), rtlPage ? -r.right() : r.left());
    };
    auto byPosition = [&](std::vector<int> v) {
        std::sort(v.begin(), v.end(), [&](int a, int b) {
            const QRectF &ra = blocks[size_t(a)].box, &rb = blocks[size_t(b)].box;
            if (std::abs(ra.top() - rb.top()) > 2)
                return ra.top() < rb.top();
            return rtlPage ? ra.right() > rb.right() : ra.left() < rb.left();
        });
        return v;
    };
    std::vector<int> result = byPosition(header);
    std::vector<bool> done(size_t(m), false);
    std::vector<int> ready;
    for (int i = 0; i < m; ++i)
        if (indegree[size_t(i)] == 0)
            ready.push_back(i);
    std::vector<int> recent; // the body blocks emitted so far
    for (int emitted = 0; emitted < m; ++emitted) {
        if (ready.empty()) {
            // A cycle (overlapping blocks): release the highest remaining block.
            int pick = -1;
            for (int i = 0; i < m; ++i)
                if (!done[size_t(i)] && (pick < 0 || key(i) < key(pick)))
                    pick = i;
            ready.push_back(pick);
        }
        // Prefer to go on down the column just read (the latest block first, then the two before it); otherwise take
        // the highest, then first-in-line, ready block.
        size_t choice = 0;
        int bestRank = 4; // 1..3: continues the k-th latest block; 4: no continuation
        for (size_t r = 0; r < ready.size(); ++r) {
            const QRectF &rb = blocks[size_t(body[size_t(ready[r])])].box;
            int rank = 4;
            for (size_t k = 1; k <= 3 && k <= recent.size(); ++k) {
                const QRectF &lb = blocks[size_t(body[size_t(recent[recent.size() - k])])].box;
                if (horizontalOverlap(lb, rb) > 0 && rb.top() >= lb.center().y()) {
                    rank = int(k);
                    break;
                }
            }
            if (rank < bestRank || (rank == bestRank && key(ready[r]) < key(ready[choice]))) {
                choice = r;
                bestRank = rank;
            }
        }
        const int i = ready[choice];
        ready.erase(ready.begin() + long(choice));
        done[size_t(i)] = true;
        recent.push_back(i);
        result.push_back(body[size_t(i)]);
        for (int j : next[size_t(i)])
            if (--indegree[size_t(j)] == 0 && !done[size_t(j)])
                ready.push_back(j);
    }
    for (int f : byPosition(footer))
        result.push_back(f);
    return result;
}

bool isHyphen(QChar c) {
    return c == QLatin1Char('-') || c == QChar(0x00AD) || c == QChar(0x2010);
}

double monoShareOf(const std::vector<const Line *> &lines) {
    double mono = 0, all = 0;
    for (const Line *l : lines) {
        const int n = letterCount(l->text);
        all += n;
        mono += l->monoShare * n;
    }
    return all > 0 ? mono / all : 0;
}

/// A block's text: its lines joined, words broken by a hyphen at a line end joined again. With `runs`, also the
/// styles along that text (empty when the words carry no style); spaces between two words of one style take it,
/// other spaces the block's base style. The base style is that of most characters in the page's body colour when at
/// least a tenth of the block has that colour (a list item with a red phrase is black text with a red run), else that
/// of most characters.
QString joinLines(const std::vector<const Line *> &lines, const QColor &bodyColor = QColor(),
                  TextStyle *dominant = nullptr, QList<StyleRun> *runs = nullptr) {
    QString text;
    std::vector<int> charStyle; // per character of text: an index into styles, -1 for spaces between words
    QList<TextStyle> styles;
    auto styleIndex = [&](const TextStyle &st) {
        for (int i = 0; i < styles.size(); ++i)
            if (styles[i].sameLook(st))
                return i;
        styles.append(st);
        return int(styles.size() - 1);
    };
    bool styled = false;
    for (const Line *line : lines) {
        const QString t = line->text.trimmed();
        if (t.isEmpty())
            continue;
        if (!text.isEmpty()) {
            const QChar last = text.back();
            const QChar first = t.front();
            if (isHyphen(last) && text.size() >= 2 && text[text.size() - 2].isLetter() && first.isLower()) {
                text.chop(1); // a word broken across lines: join it
                charStyle.pop_back();
            } else if (last == QChar(0x00AD)) {
                text.chop(1);
                charStyle.pop_back();
            } else if (!(isCjk(last) && isCjk(first))) {
                text += QLatin1Char(' ');
                charStyle.push_back(-1);
            }
        }
        const qsizetype lead = line->text.indexOf(t);
        std::vector<int> lineStyle(size_t(line->text.size()), -1);
        for (int k = 0; k < line->spans.size() && k < line->words.size(); ++k) {
            const Word &w = line->words[k];
            if (w.style.size <= 0)
                continue;
            styled = true;
            const int index = styleIndex(w.style);
            for (int c = line->spans[k].first; c < line->spans[k].first + line->spans[k].second; ++c)
                if (c >= 0 && c < int(lineStyle.size()))
                    lineStyle[size_t(c)] = index;
        }
        for (qsizetype c = 0; c < t.size(); ++c)
            charStyle.push_back(lineStyle[size_t(lead + c)]);
        text += t;
    }
    if (!styled || !dominant || !runs)
        return text;
    std::vector<int> count(size_t(styles.size()), 0);
    for (size_t c = 0; c < charStyle.size(); ++c)
        if (charStyle[c] >= 0 && !text[qsizetype(c)].isSpace())
            ++count[size_t(charStyle[c])];
    int main = int(std::max_element(count.begin(), count.end()) - count.begin());
    int inBody = 0, all = 0, bestBody = -1;
    for (int i = 0; i < styles.size(); ++i) {
        all += count[size_t(i)];
        if (bodyColor.isValid() && styles[i].color == bodyColor) {
            inBody += count[size_t(i)];
            if (bestBody < 0 || count[size_t(i)] > count[size_t(bestBody)])
                bestBody = i;
        }
    }
    if (bestBody >= 0 && inBody * 10 >= all)
        main = bestBody;
    // A paragraph partly in bold, italic or code is plain text with marked runs, as long as a fifth of it is plain:
    // marks can set a run apart from plain text, not the other way round.
    auto plain = [](const TextStyle &st) { return !st.bold && !st.italic && !st.mono; };
    if (!plain(styles[main])) {
        int bestPlain = -1;
        for (int i = 0; i < styles.size(); ++i)
            if (plain(styles[i]) && styles[i].color == styles[main].color &&
                (bestPlain < 0 || count[size_t(i)] > count[size_t(bestPlain)]))
                bestPlain = i;
        if (bestPlain >= 0 && count[size_t(bestPlain)] * 5 >= all)
            main = bestPlain;
    }
    *dominant = styles[main];
    // Spaces (and anything unstyled) between two stretches of one style belong to it; others to the dominant style.
    for (size_t c = 0; c < charStyle.size(); ++c) {
        if (charStyle[c] >= 0)
            continue;
        size_t e = c;
        while (e < charStyle.size() && charStyle[e] < 0)
            ++e;
        const int before = c > 0 ? charStyle[c - 1] : -1;
        const int after = e < charStyle.size() ? charStyle[e] : -1;
        const int fill = before == after && before >= 0 ? before : main;
        for (size_t k = c; k < e; ++k)
            charStyle[k] = fill;
        c = e - 1;
    }
    runs->clear();
    for (size_t c = 0; c < charStyle.size(); ++c) {
        if (!runs->isEmpty() && runs->back().style.sameLook(styles[charStyle[c]]) &&
            runs->back().start + runs->back().length == int(c)) {
            ++runs->back().length;
            continue;
        }
        runs->append(StyleRun{int(c), 1, styles[charStyle[c]]});
    }
    if (runs->size() <= 1)
        runs->clear();
    return text;
}

} // namespace

QString normalizeGlyphForms(const QString &text) {
    // Kangxi radicals that fonts map instead of the unified ideographs, Latin ligatures and Arabic presentation forms
    // are compatibility characters: translate and search the plain letters (NFKC of just those characters).
    auto isCompat = [](QChar c) {
        const ushort u = c.unicode();
        return (u >= 0x2E80 && u <= 0x2FDF) || (u >= 0xFB00 && u <= 0xFB06) || (u >= 0xFB50 && u <= 0xFDFF) ||
               (u >= 0xFE70 && u <= 0xFEFE);
    };
    if (std::none_of(text.begin(), text.end(), isCompat))
        return text;
    QString out;
    out.reserve(text.size());
    for (QChar c : text)
        out += isCompat(c) ? QString(c).normalized(QString::NormalizationForm_KC) : QString(c);
    return out;
}

QList<Segment> LayoutGrouper::group(const QList<Word> &words, const PageInfo &page) {
    const std::vector<Line> lines = buildLines(words);
    if (lines.empty())
        return {};
    const std::vector<Block> blocks = buildBlocks(lines);
    int rtlLines = 0;
    for (const Line &l : lines)
        rtlLines += l.rtl;
    const bool rtlPage = rtlLines * 2 > int(lines.size());
    // Sizes: paragraphs from their pitch; the page's ratio of size to box height for one-line blocks.
    std::vector<double> pitchSize(blocks.size(), 0), ratios;
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
        const Block &b = blocks[bi];
        std::vector<double> pitches;
        for (size_t k = 1; k < b.lines.size(); ++k)
            pitches.push_back(lines[size_t(b.lines[k])].box.bottom() - lines[size_t(b.lines[k - 1])].box.bottom());
        const double pitch = median(pitches);
        if (pitch > 0.6 * b.height && pitch < 2.0 * b.height) {
            pitchSize[bi] = pitch / kLeading;
            ratios.push_back(pitchSize[bi] / b.height);
        }
    }
    const double pageRatio = ratios.empty() ? 1 / kLeading : std::clamp(median(ratios), 0.6, 1.3);
    double monoChars = 0, allChars = 0;
    for (const Line &l : lines) {
        const int n = letterCount(l.text);
        allChars += n;
        monoChars += l.monoShare * n;
    }
    const bool monoBody = allChars > 0 && monoChars > 0.7 * allChars;
    // The page's body colour: that of most of its characters.
    QHash<QRgb, int> colorChars;
    for (const Line &l : lines)
        for (const Word &w : l.words)
            if (w.style.size > 0 && w.style.color.isValid())
                colorChars[w.style.color.rgb()] += int(w.text.size());
    QColor bodyColor;
    for (auto it = colorChars.cbegin(), best = colorChars.cend(); it != colorChars.cend(); ++it)
        if (best == colorChars.cend() || it.value() > best.value()) {
            best = it;
            bodyColor = QColor::fromRgb(it.key());
        }
    QList<Segment> segments;
    int index = 0;
    for (int bi : readingOrder(blocks, page, rtlPage)) {
        const Block &b = blocks[size_t(bi)];
        std::vector<const Line *> blockLines;
        for (int li : b.lines)
            blockLines.push_back(&lines[size_t(li)]);
        Segment s;
        s.text = joinLines(blockLines, bodyColor, &s.style, &s.runs);
        if (s.text.isEmpty())
            continue;
        s.id = QStringLiteral("p%1-b%2").arg(page.page).arg(++index);
        s.page = page.page;
        s.box = b.box;
        s.fontSize = s.style.size > 0            ? s.style.size
                     : pitchSize[size_t(bi)] > 0 ? pitchSize[size_t(bi)]
                                                 : b.height * pageRatio;
        int rtl = 0;
        for (const Line *l : blockLines) {
            s.lineBoxes.append(l->box);
            rtl += l->rtl;
        }
        s.rightToLeft = rtl * 2 > int(blockLines.size());
        s.kind = classifyText(s.text);
        // A block set in a fixed-pitch face is code (a listing, a command, terminal output), whatever its words look
        // like, unless the page sets its body in one (a typewritten document).
        if (s.kind == SegmentKind::Prose && !monoBody && monoShareOf(blockLines) >= 0.8)
            s.kind = SegmentKind::Code;
        segments.append(std::move(s));
    }
    return segments;
}

SegmentKind classifyText(const QString &raw) {
    const QString text = raw.trimmed();
    static const QRegularExpression url(
        QStringLiteral(R"(^(?:(?:https?|ftp)://|www\.|mailto:)\S+$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$)"),
        QRegularExpression::CaseInsensitiveOption);
    if (url.match(text).hasMatch())
        return SegmentKind::Url;
    static const QRegularExpression reference(QStringLiteral(R"(^\[[\p{L}\p{N}+ .,-]{1,20}\]\s+\S)"));
    if (reference.match(text).hasMatch())
        return SegmentKind::Reference;

    int letters = 0, digits = 0, math = 0, codeSyms = 0, nonSpace = 0, wordLike = 0;
    for (QChar c : text) {
        if (c.isSpace())
            continue;
        ++nonSpace;
        if (c.isLetter())
            ++letters;
        else if (c.isDigit())
            ++digits;
        if (c.category() == QChar::Symbol_Math || (c.unicode() >= 0x0391 && c.unicode() <= 0x03C9) ||
            (c.unicode() >= 0x2200 && c.unicode() <= 0x22FF))
            ++math;
        if (QStringLiteral("{}[]();=<>_\\/#$@`|&^~*").contains(c))
            ++codeSyms;
    }
    if (nonSpace == 0 || letters == 0)
        return SegmentKind::Number;
    static const QRegularExpression wordRe(QStringLiteral(R"((?<![\w\\])[\p{L}]{3,}(?![\w(]))"));
    auto it = wordRe.globalMatch(text);
    while (it.hasNext()) {
        it.next();
        ++wordLike;
    }
    bool cjk = false;
    for (QChar c : text)
        if (isCjk(c)) {
            cjk = true;
            break;
        }
    if (cjk)
        return SegmentKind::Prose;
    // Numbers with a unit or a label ("12.5 kg", "Fig. 3") are not worth a request.
    if (letters <= 3 && digits > 0 && wordLike == 0)
        return SegmentKind::Number;
    if (wordLike == 0)
        return letters + digits <= 3 ? SegmentKind::Number : (math > 0 ? SegmentKind::Formula : SegmentKind::Code);
    static const QRegularExpression codeMarks(
        QStringLiteral(R"(;\s*($|\S)|[{}]|==|!=|\+\+|--|->|::|#include|\bdef\s|\breturn\b|\w\(\)|&&|\|\|)"));
    int marks = 0;
    for (auto m = codeMarks.globalMatch(text); m.hasNext() && marks < 1000; m.next())
        ++marks;
    // A paragraph that quotes a little code ("e.g. 2^{10}") is still prose: it takes marks among few words.
    if (marks >= 3 && marks * 6 > wordLike)
        return SegmentKind::Code;
    if (math * 5 >= nonSpace || (math >= 2 && wordLike <= 2))
        return SegmentKind::Formula;
    const double symbolRatio = double(codeSyms) / nonSpace;
    if (symbolRatio > 0.12 && wordLike * 4 < nonSpace / 3)
        return SegmentKind::Code;
    return SegmentKind::Prose;
}

} // namespace overtext
