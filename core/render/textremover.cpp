#include "render/textremover.h"

#include <qpdf/Pipeline.hh>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <qpdf/QUtil.hh>

#include <exception>
#include <map>
#include <string>
#include <vector>

namespace overtext {

namespace {

using Token = QPDFTokenizer::Token;

/// Glyph advances of one font, in thousandths of text space (what /Widths and /W hold), by character code.
struct FontWidths {
    enum Kind {
        Unknown, ///< no widths we can read (a standard 14 font, a CMap other than Identity): whole operators only
        Simple,  ///< one byte per code, /FirstChar and /Widths
        Cid,     ///< Identity-H: two bytes per code, the code is the CID, /W and /DW
    } kind = Unknown;
    int firstChar = 0;
    std::vector<double> widths;
    double missing = 0;
    std::map<int, double> cidWidths;
    double defaultWidth = 1000;

    int bytesPerCode() const { return kind == Cid ? 2 : 1; }
    double width(int code) const {
        if (kind == Cid) {
            const auto it = cidWidths.find(code);
            return it == cidWidths.end() ? defaultWidth : it->second;
        }
        const int i = code - firstChar;
        return i >= 0 && size_t(i) < widths.size() ? widths[size_t(i)] : missing;
    }
};

double number(QPDFObjectHandle h, double fallback = 0) {
    return h.isNumber() ? h.getNumericValue() : fallback;
}

FontWidths readWidths(QPDFObjectHandle font) {
    FontWidths f;
    if (!font.isDictionary())
        return f;
    const std::string subtype = font.getKey("/Subtype").isName() ? font.getKey("/Subtype").getName() : std::string();
    if (subtype == "/Type0") {
        QPDFObjectHandle encoding = font.getKey("/Encoding");
        QPDFObjectHandle descendants = font.getKey("/DescendantFonts");
        if (!encoding.isName() || encoding.getName() != "/Identity-H" || !descendants.isArray() ||
            descendants.getArrayNItems() < 1)
            return f;
        QPDFObjectHandle cid = descendants.getArrayItem(0);
        f.kind = FontWidths::Cid;
        f.defaultWidth = number(cid.getKey("/DW"), 1000);
        QPDFObjectHandle w = cid.getKey("/W");
        if (w.isArray()) {
            // [c [w1 w2 …]] or [cFirst cLast w]
            const int n = w.getArrayNItems();
            for (int i = 0; i + 1 < n && f.cidWidths.size() < 100000;) {
                const int first = int(number(w.getArrayItem(i)));
                QPDFObjectHandle next = w.getArrayItem(i + 1);
                if (next.isArray()) {
                    for (int k = 0; k < next.getArrayNItems(); ++k)
                        f.cidWidths[first + k] = number(next.getArrayItem(k));
                    i += 2;
                } else if (i + 2 < n) {
                    const int last = std::min(int(number(next)), first + 65535);
                    const double width = number(w.getArrayItem(i + 2));
                    for (int c = first; c <= last; ++c)
                        f.cidWidths[c] = width;
                    i += 3;
                } else {
                    break;
                }
            }
        }
        return f;
    }
    QPDFObjectHandle widths = font.getKey("/Widths");
    if (!widths.isArray())
        return f;
    // Type 3 widths are in glyph space: its FontMatrix takes them to text space.
    double scale = 1;
    if (subtype == "/Type3") {
        QPDFObjectHandle matrix = font.getKey("/FontMatrix");
        scale = matrix.isArray() && matrix.getArrayNItems() == 6 ? number(matrix.getArrayItem(0)) * 1000 : 1;
    }
    f.kind = FontWidths::Simple;
    f.firstChar = int(number(font.getKey("/FirstChar")));
    for (int i = 0; i < widths.getArrayNItems() && i < 256; ++i)
        f.widths.push_back(number(widths.getArrayItem(i)) * scale);
    QPDFObjectHandle descriptor = font.getKey("/FontDescriptor");
    if (descriptor.isDictionary())
        f.missing = number(descriptor.getKey("/MissingWidth")) * scale;
    return f;
}

/// Follows the graphics and text state (including each glyph's advance) to know where every glyph of every
/// text-showing operator lies; glyphs inside the areas are taken out of their strings and replaced by their advance,
/// so that the glyphs around them stay exactly where they were.
class RemovingFilter : public QPDFObjectHandle::TokenFilter {
public:
    RemovingFilter(const QList<QRectF> &areas, const QTransform &toDisplayed, std::map<std::string, FontWidths> fonts)
        : m_areas(areas)
        , m_toDisplayed(toDisplayed)
        , m_fonts(std::move(fonts)) {}

    void handleToken(const Token &token) override {
        switch (token.getType()) {
        case QPDFTokenizer::tt_word:
            operatorToken(token);
            return;
        case QPDFTokenizer::tt_inline_image:
        case QPDFTokenizer::tt_bad:
            flush();
            writeToken(token);
            return;
        default:
            m_pending.push_back(token);
            if (token.getType() == QPDFTokenizer::tt_integer || token.getType() == QPDFTokenizer::tt_real) {
                m_numbers.push_back(std::strtod(token.getValue().c_str(), nullptr));
            } else if (token.getType() != QPDFTokenizer::tt_space && token.getType() != QPDFTokenizer::tt_comment) {
                m_numbers.push_back(0); // keeps operand positions for operators that mix names and numbers
            }
        }
    }

    void handleEOF() override { flush(); }

    int removed() const { return m_removed; }

private:
    /// The part of the graphics state that q and Q save and restore, as far as text is concerned.
    struct State {
        QTransform ctm;
        const FontWidths *font = nullptr;
        double fontSize = 0, charSpacing = 0, wordSpacing = 0, scale = 1, leading = 0, rise = 0;
    };

    void flush() {
        for (const Token &t : m_pending)
            writeToken(t);
        m_pending.clear();
        m_numbers.clear();
    }

    double num(size_t fromEnd) const {
        return fromEnd < m_numbers.size() ? m_numbers[m_numbers.size() - 1 - fromEnd] : 0.0;
    }

    void nextLine() { translateLine(0, -m_state.leading); }

    void translateLine(double tx, double ty) {
        m_lineMatrix = QTransform(1, 0, 0, 1, tx, ty) * m_lineMatrix;
        m_textMatrix = m_lineMatrix;
    }

    /// Whether the point at (x, a third of the font size up) of text space lies in an area.
    bool inside(double x) const {
        const QPointF p =
            m_toDisplayed.map((m_textMatrix * m_state.ctm).map(QPointF(x, m_state.rise + 0.3 * m_state.fontSize)));
        for (const QRectF &r : m_areas)
            if (r.contains(p))
                return true;
        return false;
    }

    /// Shows the strings and kerning of a Tj/TJ/'/" operand (the pending tokens): writes the operator back with the
    /// glyphs inside the areas replaced by their advance, and moves the text matrix past it. `prefix` goes before
    /// (the line move of ' and ").
    void show(const std::string &prefix) {
        struct Piece {
            bool text;
            std::string bytes; ///< the string's bytes, or the number as written
            double kern;
        };
        std::vector<Piece> pieces;
        for (const Token &t : m_pending) {
            if (t.getType() == QPDFTokenizer::tt_string)
                pieces.push_back({true, t.getValue(), 0});
            else if (t.getType() == QPDFTokenizer::tt_integer || t.getType() == QPDFTokenizer::tt_real)
                pieces.push_back({false, t.getValue(), std::strtod(t.getValue().c_str(), nullptr)});
        }
        // ' and " take only their last operand as text; their numbers are spacing, handled by the caller.
        if (!m_inArray && !pieces.empty()) {
            Piece last = pieces.back();
            pieces.assign(1, last);
        }
        const State &st = m_state;
        const double unit = st.fontSize * st.scale / 1000; // one thousandth of text space, horizontally
        const FontWidths *font = st.font;
        if (unit == 0 || !font || font->kind == FontWidths::Unknown) {
            // Widths unknown: the whole operator goes when it starts inside, as a unit.
            if (inside(0.05 * st.fontSize * st.scale)) {
                ++m_removed;
                m_pending.clear();
                m_numbers.clear();
                write(prefix);
                return;
            }
            write(prefix);
            flush();
            write(m_inArray ? "TJ" : "Tj");
            return;
        }
        std::string out = prefix + "[";
        double x = 0, removedAdvance = 0;
        int removedGlyphs = 0;
        std::string kept;
        auto flushKept = [&] {
            if (!kept.empty())
                out += QPDFObjectHandle::newString(kept).unparse();
            kept.clear();
        };
        auto flushRemoved = [&] {
            if (removedAdvance != 0) {
                std::string n = QUtil::double_to_string(-removedAdvance / unit, 2);
                while (n.find('.') != std::string::npos && (n.back() == '0' || n.back() == '.'))
                    n.pop_back();
                out += " " + n + " ";
            }
            removedAdvance = 0;
        };
        for (const Piece &piece : pieces) {
            if (!piece.text) {
                flushKept();
                flushRemoved();
                out += " " + piece.bytes + " ";
                x -= piece.kern * unit;
                continue;
            }
            const int bytes = font->bytesPerCode();
            for (size_t i = 0; i + size_t(bytes) <= piece.bytes.size(); i += size_t(bytes)) {
                const int code =
                    bytes == 2 ? (uchar(piece.bytes[i]) << 8) | uchar(piece.bytes[i + 1]) : uchar(piece.bytes[i]);
                const double glyph = font->width(code) * unit;
                const double advance =
                    glyph + (st.charSpacing + (bytes == 1 && code == 32 ? st.wordSpacing : 0)) * st.scale;
                if (inside(x + glyph / 2)) {
                    flushKept();
                    removedAdvance += advance;
                    ++removedGlyphs;
                } else {
                    flushRemoved();
                    kept.append(piece.bytes, i, size_t(bytes));
                }
                x += advance;
            }
        }
        flushKept();
        flushRemoved();
        out += "]TJ";
        m_textMatrix = QTransform(1, 0, 0, 1, x, 0) * m_textMatrix;
        if (removedGlyphs == 0) {
            write(prefix);
            flush();
            write(m_inArray ? "TJ" : "Tj");
            return;
        }
        ++m_removed;
        m_pending.clear();
        m_numbers.clear();
        write(out);
    }

    void operatorToken(const Token &token) {
        const std::string &op = token.getValue();
        if (op == "Tj" || op == "TJ") {
            m_inArray = op == "TJ";
            show(std::string());
            return;
        }
        if (op == "'" || op == "\"") {
            if (op == "\"") {
                m_state.wordSpacing = num(2);
                m_state.charSpacing = num(1);
            }
            nextLine();
            m_inArray = false;
            // Rewritten as its parts: spacing, next line, then the show.
            const std::string prefix = op == "\"" ? QUtil::double_to_string(num(2), 4) + " Tw " +
                                                        QUtil::double_to_string(num(1), 4) + " Tc T* "
                                                  : std::string("T* ");
            // The operands written back would be wrong after the prefix: keep only the string.
            std::vector<Token> strings;
            for (const Token &t : m_pending)
                if (t.getType() == QPDFTokenizer::tt_string)
                    strings.push_back(t);
            if (!strings.empty())
                m_pending.assign(1, strings.back());
            show(prefix);
            return;
        }
        if (op == "q") {
            m_stack.push_back(m_state);
        } else if (op == "Q") {
            if (!m_stack.empty()) {
                m_state = m_stack.back();
                m_stack.pop_back();
            }
        } else if (op == "cm") {
            m_state.ctm = QTransform(num(5), num(4), num(3), num(2), num(1), num(0)) * m_state.ctm;
        } else if (op == "BT") {
            m_textMatrix = m_lineMatrix = QTransform();
        } else if (op == "Tm") {
            m_textMatrix = m_lineMatrix = QTransform(num(5), num(4), num(3), num(2), num(1), num(0));
        } else if (op == "Td") {
            translateLine(num(1), num(0));
        } else if (op == "TD") {
            m_state.leading = -num(0);
            translateLine(num(1), num(0));
        } else if (op == "T*") {
            nextLine();
        } else if (op == "TL") {
            m_state.leading = num(0);
        } else if (op == "Tf") {
            m_state.fontSize = num(0);
            m_state.font = nullptr;
            for (const Token &t : m_pending)
                if (t.getType() == QPDFTokenizer::tt_name) {
                    const auto it = m_fonts.find(t.getValue());
                    m_state.font = it == m_fonts.end() ? nullptr : &it->second;
                }
        } else if (op == "Tc") {
            m_state.charSpacing = num(0);
        } else if (op == "Tw") {
            m_state.wordSpacing = num(0);
        } else if (op == "Tz") {
            m_state.scale = num(0) / 100.0;
        } else if (op == "Ts") {
            m_state.rise = num(0);
        }
        flush();
        writeToken(token);
    }

    QList<QRectF> m_areas;
    QTransform m_toDisplayed;
    std::map<std::string, FontWidths> m_fonts;
    std::vector<Token> m_pending;
    std::vector<double> m_numbers;
    std::vector<State> m_stack;
    State m_state;
    QTransform m_textMatrix, m_lineMatrix;
    bool m_inArray = false;
    int m_removed = 0;
};

} // namespace

QTransform TextRemover::userToDisplayed(const QRectF &cropBox, int rotation) {
    // User space (origin bottom-left) to the unrotated page with a top-left origin …
    const QTransform flip(1, 0, 0, -1, -cropBox.left(), cropBox.bottom());
    const double w = cropBox.width(), h = cropBox.height();
    // … then turned clockwise by the page's /Rotate, as Poppler reports coordinates.
    switch (((rotation % 360) + 360) % 360) {
    case 90:
        return flip * QTransform(0, 1, -1, 0, h, 0);
    case 180:
        return flip * QTransform(-1, 0, 0, -1, w, h);
    case 270:
        return flip * QTransform(0, -1, 1, 0, 0, w);
    default:
        return flip;
    }
}

int TextRemover::removeText(QPDFPageObjectHelper &page, const QList<QRectF> &areas, const QTransform &toDisplayed) {
    if (areas.isEmpty())
        return 0;
    std::map<std::string, FontWidths> fonts;
    QPDFObjectHandle resources = page.getAttribute("/Resources", false);
    QPDFObjectHandle fontDict = resources.isDictionary() ? resources.getKey("/Font") : QPDFObjectHandle::newNull();
    if (fontDict.isDictionary())
        for (const std::string &name : fontDict.getKeys())
            fonts.emplace(name, readWidths(fontDict.getKey(name)));
    RemovingFilter filter(areas, toDisplayed, std::move(fonts));
    Pl_Buffer buffer("filtered page");
    try {
        page.filterContents(&filter, &buffer);
    } catch (const std::exception &) {
        return 0; // a content stream that cannot be decoded (damaged) is left as it is
    }
    std::shared_ptr<Buffer> data(buffer.getBuffer());
    if (filter.removed() > 0) {
        QPDFObjectHandle stream = QPDFObjectHandle::newStream(page.getObjectHandle().getOwningQPDF(), data);
        page.getObjectHandle().replaceKey("/Contents", stream);
    }
    return filter.removed();
}

} // namespace overtext
