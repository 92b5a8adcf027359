#pragma once

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
    void box(const QRectF &rect);
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
    };
    QSizeF m_pageSize;
    QString m_title;
    QList<Op> m_ops;
};

/// Wraps text into lines no wider than width with the given font (greedy, on spaces).
QStringList wrapText(const QString &text, const QFont &font, double width);

} // namespace testsupport
