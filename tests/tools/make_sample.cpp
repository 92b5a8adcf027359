// Writes resources/sample/sample.pdf: two pages of English prose with a heading, two columns and a figure, the
// document that scripts/run and the tests use. Run: build/tests/tools/make-sample resources/sample/sample.pdf
#include "fakes/pdfmaker.h"

#include <QGuiApplication>
#include <QTextStream>

using testsupport::PdfMaker;

int main(int argc, char **argv) {
    QGuiApplication app(argc, argv);
    if (argc < 2) {
        QTextStream(stderr) << "usage: make-sample OUT.pdf\n";
        return 2;
    }
    const QStringList left = {
        QStringLiteral("Every morning the harbour wakes before the town. Fishing boats come in with the tide, and the "
                       "market opens as soon as the first crates are carried up the stone steps."),
        QStringLiteral("The traders know each other well. They argue about prices, share news from the villages "
                       "along the coast, and help each other when the weather turns bad."),
        QStringLiteral("By noon the market is quiet again. The stalls are washed down, the gulls settle on the roofs, "
                       "and the old men sit in the shade to talk about the sea."),
    };
    const QStringList right = {
        QStringLiteral("Visitors often ask why the town has kept its market for so long. The answer is simple: the "
                       "people who live here still buy their food from the people who catch it."),
        QStringLiteral("The figure on the left shows how the catch has changed over the last ten years. Some species "
                       "have become rare, while others have returned to the bay."),
        QStringLiteral("In the evening the lights of the boats can be seen far out at sea. They will be back before "
                       "dawn, and the harbour will wake again."),
    };
    PdfMaker pdf;
    pdf.line(56, 70, QStringLiteral("A Morning at the Harbour"), 22);
    pdf.line(56, 92, QStringLiteral("A short sample document for Overtext"), 11);
    double y = 130;
    for (const QString &p : left)
        y = pdf.paragraph(56, y, 230, p, 10.5, 1.3) + 8;
    pdf.box(QRectF(56, y + 4, 230, 120));
    pdf.line(56, y + 140, QStringLiteral("Figure 1. The catch of the last ten years."), 9);
    double ry = 130;
    for (const QString &p : right)
        ry = pdf.paragraph(309, ry, 230, p, 10.5, 1.3) + 8;
    pdf.line(290, 810, QStringLiteral("1"), 9);
    pdf.newPage();
    pdf.line(56, 70, QStringLiteral("Notes on the Weather"), 16);
    double y2 = pdf.paragraph(56, 100, 483,
                              QStringLiteral("The sea here is calm in summer and wild in winter. Storms come from the "
                                             "west, and the fishermen read the sky as others read a newspaper. When "
                                             "the clouds build up over the headland, the boats stay in the harbour."),
                              10.5, 1.3);
    pdf.paragraph(56, y2 + 8, 483,
                  QStringLiteral("Nobody in the town remembers a winter without at least one great storm. The old "
                                 "sea wall has been repaired many times, and each repair has its own story."),
                  10.5, 1.3);
    pdf.line(290, 810, QStringLiteral("2"), 9);
    return pdf.save(QString::fromLocal8Bit(argv[1])) ? 0 : 1;
}
