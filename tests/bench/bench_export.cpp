// Export time and output size for a whole document (default: the 311-page gnuplot manual), with every prose
// segment replaced by a same-length stand-in translation, beside `qpdf --overlay` of an overlay PDF of the same
// pages. Usage: bench_export [FILE.pdf]
#include "pdf/pdfdocument.h"
#include "render/pdfexporter.h"
#include "testpaths.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

using namespace overtext;

int main(int argc, char **argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QString file = argc > 1 ? QString::fromLocal8Bit(argv[1])
                                  : testpaths::corpusDir() + QStringLiteral("/large-gnuplot-manual.pdf");
    QTextStream out(stdout);
    QElapsedTimer clock;
    clock.start();
    auto doc = PdfDocument::open(file);
    if (!doc) {
        out << doc.error().message << '\n';
        return 1;
    }
    QList<ExportPage> pages;
    int blocks = 0;
    for (int p = 1; p <= (*doc)->pageCount(); ++p) {
        ExportPage page;
        page.page = p;
        for (const Segment &s : (*doc)->segments(p).value()) {
            if (s.kind != SegmentKind::Prose) {
                page.obstacles.append(s.box);
                continue;
            }
            QString t = s.text;
            std::reverse(t.begin(), t.end()); // same length, same characters: a fair stand-in for a translation
            page.blocks.append(OverlayBlock{s, t});
            ++blocks;
        }
        pages.append(page);
    }
    const double extractS = clock.nsecsElapsed() / 1e9;
    QTemporaryDir dir;
    // A second argument keeps the export there, to look at.
    const QString output = argc > 2 ? QString::fromLocal8Bit(argv[2]) : dir.filePath(QStringLiteral("out.pdf"));
    clock.restart();
    auto report =
        PdfExporter::exportPdf(file, {}, output, pages, {ExportOptions::Mode::Translation, QStringLiteral("es")});
    const double exportS = clock.nsecsElapsed() / 1e9;
    if (!report) {
        out << report.error().message << '\n';
        return 1;
    }
    // The reference: an overlay with the same text laid on the pages by qpdf alone (no colour sampling, no text
    // removal, no fitting).
    const QString overlay = dir.filePath(QStringLiteral("overlay.pdf"));
    {
        QPdfWriter writer(overlay);
        writer.setResolution(72);
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        for (int p = 1; p <= (*doc)->pageCount(); ++p) {
            writer.setPageSize(QPageSize((*doc)->pageInfo(p).size, QPageSize::Point, QString(), QPageSize::ExactMatch));
            if (p == 1)
                painter.begin(&writer);
            else
                writer.newPage();
            painter.setFont(QFont(QStringLiteral("Noto Sans"), 9));
            for (const OverlayBlock &b : pages[p - 1].blocks)
                painter.drawText(b.segment.box, Qt::TextWordWrap, b.text);
        }
        painter.end();
    }
    const QString qpdfOut = dir.filePath(QStringLiteral("qpdf.pdf"));
    clock.restart();
    const int rc = QProcess::execute(QStringLiteral("qpdf"),
                                     {QStringLiteral("--overlay"), overlay, QStringLiteral("--"), file, qpdfOut});
    const double qpdfS = clock.nsecsElapsed() / 1e9;
    out << "file: " << file << " (" << (*doc)->pageCount() << " pages, " << blocks << " translated blocks, "
        << QFileInfo(file).size() / 1024 << " KiB)\n";
    out << "extract (in-process, for the stand-in): " << QString::number(extractS, 'f', 2) << " s\n";
    out << "overtext export:  " << QString::number(exportS, 'f', 2) << " s, " << QFileInfo(output).size() / 1024
        << " KiB, " << report->textOperatorsRemoved << " text operators removed, " << report->warnings.size()
        << " warnings\n";
    out << "  phases: colours " << report->colourMs << " ms, overlay " << report->overlayMs << " ms, rewrite+write "
        << report->rewriteMs << " ms\n";
    out << "qpdf --overlay:   " << QString::number(qpdfS, 'f', 2) << " s, " << QFileInfo(qpdfOut).size() / 1024
        << " KiB (status " << rc << ")\n";
    if (!report->warnings.isEmpty())
        out << "first warning: " << report->warnings.first() << '\n';
    return 0;
}
