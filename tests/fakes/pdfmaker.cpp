#include "fakes/pdfmaker.h"

#include <QFontMetricsF>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

namespace testsupport {

namespace {
QFont makeFont(const QString &family, double size, const PdfMaker::Style &style = {}) {
    QFont f(!style.family.isEmpty() ? style.family : family.isEmpty() ? PdfMaker::latinFamily() : family);
    f.setPointSizeF(size);
    f.setBold(style.bold);
    f.setItalic(style.italic);
    return f;
}

/// Metrics at 72 dpi, the resolution PdfMaker paints at (the default would be the screen's).
const QPaintDevice *pointDevice() {
    static QImage image = [] {
        QImage i(1, 1, QImage::Format_RGB32);
        i.setDotsPerMeterX(2835);
        i.setDotsPerMeterY(2835);
        return i;
    }();
    return &image;
}
} // namespace

PdfMaker::PdfMaker(QSizeF pageSize)
    : m_pageSize(pageSize) {}

void PdfMaker::newPage() {
    m_ops.append(Op{Op::Page, {}, {}, 0, {}, 0, {}, {}});
}

void PdfMaker::line(double x, double baseline, const QString &text, double size, const QString &family, int rotation) {
    m_ops.append(Op{Op::Text, QPointF(x, baseline), text, size, family, rotation, {}, m_style});
}

double PdfMaker::runs(double x, double baseline, const QList<QPair<QString, Style>> &runs, double size) {
    const Style saved = m_style;
    for (const auto &[text, style] : runs) {
        m_style = style;
        line(x, baseline, text, size);
        x += QFontMetricsF(makeFont(QString(), size, style), pointDevice()).horizontalAdvance(text);
    }
    m_style = saved;
    return x;
}

QStringList wrapText(const QString &text, const QFont &font, double width) {
    const QFontMetricsF fm(font, pointDevice());
    QStringList lines;
    QString current;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString candidate = current.isEmpty() ? word : current + QLatin1Char(' ') + word;
        if (!current.isEmpty() && fm.horizontalAdvance(candidate) > width) {
            lines.append(current);
            current = word;
        } else {
            current = candidate;
        }
    }
    if (!current.isEmpty())
        lines.append(current);
    return lines;
}

double PdfMaker::paragraph(double x, double y, double width, const QString &text, double size, double leading,
                           double firstIndent, const QString &family, bool rtl) {
    const QFont font = makeFont(family, size, m_style);
    const QFontMetricsF fm(font, pointDevice());
    const QStringList lines = wrapText(text, font, width - firstIndent);
    for (int i = 0; i < lines.size(); ++i) {
        const double indent = i == 0 ? firstIndent : 0;
        const double lx = rtl ? x + width - fm.horizontalAdvance(lines[i]) - indent : x + indent;
        line(lx, y, lines[i], size, family);
        y += size * leading;
    }
    return y;
}

void PdfMaker::box(const QRectF &rect, const QColor &color) {
    Op op{Op::Box, {}, {}, 0, {}, 0, rect, {}};
    op.style.color = color;
    m_ops.append(op);
}

bool PdfMaker::save(const QString &path) const {
    QPdfWriter writer(path);
    if (!m_title.isEmpty())
        writer.setTitle(m_title);
    writer.setResolution(72);
    writer.setPageSize(QPageSize(m_pageSize, QPageSize::Point));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    QPainter painter;
    if (!painter.begin(&writer))
        return false;
    for (const Op &op : m_ops) {
        switch (op.kind) {
        case Op::Page:
            writer.newPage();
            break;
        case Op::Box:
            painter.fillRect(op.rect, op.style.color);
            break;
        case Op::Text:
            painter.save();
            painter.setFont(makeFont(op.family, op.size, op.style));
            painter.setPen(op.style.color);
            painter.translate(op.pos);
            painter.rotate(op.rotation);
            painter.drawText(QPointF(0, 0), op.text);
            painter.restore();
            break;
        }
    }
    return painter.end();
}

} // namespace testsupport
