#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace testsupport {

/// The text of pages first..last of a PDF as Poppler's pdftotext gives it (first = 0: every page).
inline QString pdftotext(const QString &pdf, int first = 0, int last = 0) {
    QStringList args;
    if (first > 0)
        args << QStringLiteral("-f") << QString::number(first) << QStringLiteral("-l") << QString::number(last);
    QProcess p;
    p.start(QStringLiteral("pdftotext"), args + QStringList{pdf, QStringLiteral("-")});
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

/// pdftotext of one page.
inline QString pdftotextPage(const QString &pdf, int page) {
    return pdftotext(pdf, page, page);
}

} // namespace testsupport
