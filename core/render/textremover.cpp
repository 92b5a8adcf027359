#include "render/textremover.h"

#include <qpdf/Pipeline.hh>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <exception>
#include <string>
#include <vector>

namespace overtext {

namespace {

using Token = QPDFTokenizer::Token;

/// Follows the graphics and text state far enough to know where each text-showing operator starts.
class RemovingFilter : public QPDFObjectHandle::TokenFilter {
public:
    RemovingFilter(const QList<QRectF> &areas, const QTransform &toDisplayed)
        : m_areas(areas)
        , m_toDisplayed(toDisplayed) {}

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
    void flush() {
        for (const Token &t : m_pending)
            writeToken(t);
        m_pending.clear();
        m_numbers.clear();
    }

    double num(size_t fromEnd) const {
        return fromEnd < m_numbers.size() ? m_numbers[m_numbers.size() - 1 - fromEnd] : 0.0;
    }

    void nextLine() { translateLine(0, -m_leading); }

    void translateLine(double tx, double ty) {
        m_lineMatrix = QTransform(1, 0, 0, 1, tx, ty) * m_lineMatrix;
        m_textMatrix = m_lineMatrix;
    }

    /// Where the glyphs of the next show operator start, a little above the baseline, on the displayed page.
    bool startsInside() const {
        const QTransform text = QTransform(m_fontSize * m_scale, 0, 0, m_fontSize, 0, m_rise) * m_textMatrix * m_ctm;
        const QPointF p = m_toDisplayed.map(text.map(QPointF(0.05, 0.3)));
        for (const QRectF &r : m_areas)
            if (r.contains(p))
                return true;
        return false;
    }

    void operatorToken(const Token &token) {
        const std::string &op = token.getValue();
        bool drop = false;
        std::string replacement;
        if (op == "q") {
            m_stack.push_back(m_ctm);
        } else if (op == "Q") {
            if (!m_stack.empty()) {
                m_ctm = m_stack.back();
                m_stack.pop_back();
            }
        } else if (op == "cm") {
            m_ctm = QTransform(num(5), num(4), num(3), num(2), num(1), num(0)) * m_ctm;
        } else if (op == "BT") {
            m_textMatrix = m_lineMatrix = QTransform();
        } else if (op == "Tm") {
            m_textMatrix = m_lineMatrix = QTransform(num(5), num(4), num(3), num(2), num(1), num(0));
        } else if (op == "Td") {
            translateLine(num(1), num(0));
        } else if (op == "TD") {
            m_leading = -num(0);
            translateLine(num(1), num(0));
        } else if (op == "T*") {
            nextLine();
        } else if (op == "TL") {
            m_leading = num(0);
        } else if (op == "Tf") {
            m_fontSize = num(0);
        } else if (op == "Tz") {
            m_scale = num(0) / 100.0;
        } else if (op == "Ts") {
            m_rise = num(0);
        } else if (op == "Tj" || op == "TJ") {
            drop = startsInside();
        } else if (op == "'") {
            nextLine();
            drop = startsInside();
            replacement = "T*\n";
        } else if (op == "\"") {
            nextLine();
            drop = startsInside();
            if (drop)
                replacement = std::to_string(num(2)) + " Tw " + std::to_string(num(1)) + " Tc T*\n";
        }
        if (drop) {
            ++m_removed;
            m_pending.clear();
            m_numbers.clear();
            write(replacement);
            return;
        }
        flush();
        writeToken(token);
    }

    QList<QRectF> m_areas;
    QTransform m_toDisplayed;
    std::vector<Token> m_pending;
    std::vector<double> m_numbers;
    std::vector<QTransform> m_stack;
    QTransform m_ctm, m_textMatrix, m_lineMatrix;
    double m_leading = 0, m_fontSize = 0, m_scale = 1, m_rise = 0;
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
    RemovingFilter filter(areas, toDisplayed);
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
