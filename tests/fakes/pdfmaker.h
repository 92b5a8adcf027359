#pragma once

#include <QColor>
#include <QFont>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>

namespace testsupport {

/// Writes small PDFs for tests with QPdfWriter at 72 dpi, so painter units are PDF points (top-left origin).
/// Needs a QGuiApplication (fonts).
class PdfMaker {
public:
    explicit PdfMaker(QSizeF pageSize = QSizeF(595, 842));

    /// How text is drawn: the family (empty: latinFamily() or the call's own), weight, slant and colour.
    struct Style {
        QString family;
        bool bold = false;
        bool italic = false;
        QColor color = Qt::black;
    };
    /// A style in one expression.
    static Style style(const QString &family, bool bold = false, bool italic = false, QColor color = Qt::black) {
        Style s;
        s.family = family;
        s.bold = bold;
        s.italic = italic;
        s.color = color;
        return s;
    }
    /// The style of the text drawn by the calls that follow (line, paragraph, runs).
    void setStyle(const Style &style) { m_style = style; }

    /// One line made of runs of text, each in its own style, starting at (x, baseline); returns the x where it ends.
    double runs(double x, double baseline, const QList<QPair<QString, Style>> &runs, double size);

    /// Starts a new page (the first page exists already).
    void newPage();
    /// One line of text with its baseline at (x, y).
    void line(double x, double baseline, const QString &text, double size, const QString &family = QString(),
              int rotation = 0);
    /// A paragraph wrapped into lines of width `width` starting with the first baseline at y; returns the y of the
    /// baseline after the last line. firstIndent indents the first line. Lines are left-aligned (or right-aligned
    /// for rtl).
    double paragraph(double x, double y, double width, const QString &text, double size, double leading = 1.25,
                     double firstIndent = 0, const QString &family = QString(), bool rtl = false);
    /// A filled rectangle (a "figure").
    void box(const QRectF &rect, const QColor &color = Qt::darkGray);
    /// The document's title in its metadata (none by default).
    void setTitle(const QString &title) { m_title = title; }
    /// Writes the PDF; returns false on failure.
    bool save(const QString &path) const;

    static QString latinFamily() { return QStringLiteral("Noto Sans"); }

private:
    struct Op {
        enum Kind { Text, Box, Page } kind;
        QPointF pos;
        QString text;
        double size = 0;
        QString family;
        int rotation = 0;
        QRectF rect;
        Style style;
    };
    Style m_style;
    QSizeF m_pageSize;
    QString m_title;
    QList<Op> m_ops;
};

/// Wraps text into lines no wider than width with the given font (greedy, on spaces).
QStringList wrapText(const QString &text, const QFont &font, double width);

} // namespace testsupport
