#include "fakes/pdftext.h"
#include "pdf/pdfdocument.h"
#include "render/coverpage.h"
#include "render/pdfexporter.h"
#include "summary/summarizer.h"
#include "testpaths.h"

#include <QTemporaryDir>
#include <QTest>

using namespace overtext;
using testsupport::pdftotext;

namespace {

int pageCount(const QString &pdf) {
    auto doc = PdfDocument::open(pdf);
    return doc ? (*doc)->pageCount() : -1;
}

/// The sample with one translated block on its first page.
QList<ExportPage> onePage() {
    auto doc = PdfDocument::open(testpaths::samplePdf());
    ExportPage page;
    page.page = 1;
    const QList<Segment> segments = (*doc)->segments(1).value();
    page.blocks.append(OverlayBlock{segments.first(), QStringLiteral("Una mañana en el puerto")});
    return {page};
}

Summary spanishSummary(int points) {
    Summary s;
    s.title = QStringLiteral("Una mañana en el puerto");
    s.abstract = QStringLiteral("El puerto despierta antes del alba; los pescadores revisan sus redes.");
    for (int i = 1; i <= points; ++i)
        s.keyPoints.append(QStringLiteral("Punto número %1 sobre el puerto y sus barcos (p. %1).").arg(i));
    s.method = QStringLiteral("fake-model (OpenAI-compatible), one request");
    s.targetLang = QStringLiteral("es");
    return s;
}

void keep(const QString &pdf, const QString &name) {
    if (const QString dir = qEnvironmentVariable("OVERTEXT_KEEP_TEST_PDFS"); !dir.isEmpty()) {
        QFile::remove(dir + QLatin1Char('/') + name);
        QFile::copy(pdf, dir + QLatin1Char('/') + name);
    }
}

} // namespace

class TestCoverPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void coverComesFirstAndThePagesFollowIntact_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("pagesPerOriginal");
        QTest::newRow("translation") << int(ExportOptions::Mode::Translation) << 1;
        QTest::newRow("side by side") << int(ExportOptions::Mode::SideBySide) << 1;
        QTest::newRow("alternate") << int(ExportOptions::Mode::Alternate) << 2;
    }
    void coverComesFirstAndThePagesFollowIntact() {
        QFETCH(int, mode);
        QFETCH(int, pagesPerOriginal);
        QTemporaryDir dir;
        const QString plain = dir.filePath(QStringLiteral("plain.pdf"));
        const QString covered = dir.filePath(QStringLiteral("covered.pdf"));
        ExportOptions options{ExportOptions::Mode(mode), QStringLiteral("es")};
        auto a = PdfExporter::exportPdf(testpaths::samplePdf(), {}, plain, onePage(), options);
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
        options.cover = spanishSummary(4);
        auto b = PdfExporter::exportPdf(testpaths::samplePdf(), {}, covered, onePage(), options);
        QVERIFY2(b.ok(), qPrintable(b.ok() ? QString() : b.error().message));
        keep(covered, QStringLiteral("cover-es-%1.pdf").arg(mode));

        const int original = pageCount(testpaths::samplePdf());
        QCOMPARE(pageCount(plain), original * pagesPerOriginal);
        QCOMPARE(pageCount(covered), original * pagesPerOriginal + 1);
        const QString cover = pdftotext(covered, 1, 1);
        QVERIFY2(cover.contains(QStringLiteral("Una mañana en el puerto")), qPrintable(cover));
        QVERIFY(cover.contains(QStringLiteral("Resumen")));
        QVERIFY(cover.contains(QStringLiteral("El puerto despierta antes del alba")));
        QVERIFY(cover.contains(QStringLiteral("Puntos clave")));
        QVERIFY(cover.contains(QStringLiteral("Punto número 4 sobre el puerto y sus barcos (p. 4).")));
        QVERIFY(cover.contains(QStringLiteral("Método: fake-model")));
        // Every page after the cover is the export without it, page for page.
        for (int p = 1; p <= pageCount(plain); ++p)
            QCOMPARE(pdftotext(covered, p + 1, p + 1), pdftotext(plain, p, p));
    }

    void longSummaryFlowsOntoMorePages() {
        const Summary s = spanishSummary(70);
        auto pdf = CoverPage::render(s, QStringLiteral("es"), QSizeF(595, 842));
        QVERIFY(pdf.ok());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cover.pdf"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(*pdf);
        f.close();
        const int pages = pageCount(path);
        QVERIFY2(pages >= 2, qPrintable(QString::number(pages)));
        // Nothing lost at the page breaks: every point once, in order, the last on the last page.
        const QString all = pdftotext(path).simplified();
        qsizetype at = 0;
        for (int i = 1; i <= 70; ++i) {
            const qsizetype next = all.indexOf(QStringLiteral("Punto número %1 sobre").arg(i), at);
            QVERIFY2(next >= at, qPrintable(QStringLiteral("point %1").arg(i)));
            at = next;
        }
        QVERIFY(pdftotext(path, pages, pages).contains(QStringLiteral("Punto número 70")));
        QVERIFY(!CoverPage::render(s, QStringLiteral("es"), QSizeF(20, 20)).ok());
    }

    void chineseAnswerOnTheCover() {
        // A model's answer in Chinese, read as the summarizer reads every answer.
        Summary s;
        s.title = QStringLiteral("港口的早晨");
        s.targetLang = QStringLiteral("zh");
        s.method = QStringLiteral("fake-model (OpenAI-compatible), one request");
        parseSummaryMarkdown(
            QStringLiteral("## Summary\n清晨，渔民在黎明前检查渔网，船只一艘接一艘地离开港口。海鸥在码头上空盘旋。\n\n"
                           "## Key points\n- 渔民在黎明前检查渔网 (p. 1)\n- 船只一艘接一艘地离开港口 (p. 2)\n"
                           "- 海鸥在码头上空盘旋 (p. 3)\n"),
            s);
        QCOMPARE(s.keyPoints.size(), 3);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("zh.pdf"));
        ExportOptions options{ExportOptions::Mode::Translation, QStringLiteral("zh")};
        options.cover = s;
        auto r = PdfExporter::exportPdf(testpaths::samplePdf(), {}, out, onePage(), options);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        keep(out, QStringLiteral("cover-zh.pdf"));
        // Searchable and copyable, 民 included (Qt maps its glyph to the radical ⺠ it shares; the exporter rewrites
        // that). Not checked: the page numbers, which pdftotext reads back as nothing — Qt writes no ToUnicode entry
        // for glyphs that shaping substitutes (the CJK font's proportional digits).
        const QString cover = pdftotext(out, 1, 1).remove(QLatin1Char('\n')).remove(QLatin1Char(' '));
        for (const QString &want :
             {QStringLiteral("港口的早晨"), QStringLiteral("摘要"), QStringLiteral("要点"),
              QStringLiteral("渔民在黎明前检查渔网"), QStringLiteral("船只一艘接一艘地离开港口(p."),
              QStringLiteral("海鸥在码头上空盘旋(p.")})
            QVERIFY2(cover.contains(want), qPrintable(want + QStringLiteral(" in ") + cover));
        QCOMPARE(cover.count(QStringLiteral("(p.")), 3);
    }
};

QTEST_MAIN(TestCoverPage)
#include "tst_coverpage.moc"
