#include "fakes/pdfmaker.h"
#include "pdf/layoutgrouper.h"
#include "pdf/pdfdocument.h"

#include <QFontMetricsF>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace overtext;
using testsupport::PdfMaker;

namespace {

const QString kP1 = QStringLiteral(
    "Overtext reads each page of a document and groups the words into lines and the lines into paragraphs, so that "
    "every paragraph can be translated as a whole and put back where it was found on the page.");
const QString kP2 = QStringLiteral(
    "A second paragraph follows the first one. It talks about columns, headers and footers, and about the order in "
    "which a careful person would read the blocks of text on a printed page.");
const QString kP3 = QStringLiteral(
    "The right column begins here with a third paragraph that must only be read after the whole left column has "
    "been read from its top to its bottom, including its last line.");
const QString kP4 = QStringLiteral(
    "A fourth paragraph closes the right column. Nothing in it should ever be mixed with the lines of the left "
    "column, even where the baselines of both columns line up exactly.");
const QString kTitle = QStringLiteral("Reading Order of Printed Pages");

using Builder = std::function<bool(const QString &path)>;

struct Case {
    Builder build;
    QStringList expected;
};

/// Extracts with the real Poppler and the grouper under test; returns the segments' texts in reading order.
QStringList readBack(const QString &path, int page = 1, QList<Segment> *segmentsOut = nullptr) {
    auto doc = PdfDocument::open(path);
    if (!doc)
        return {QStringLiteral("ERROR: ") + doc.error().message};
    auto result = (*doc)->segments(page);
    if (!result)
        return {QStringLiteral("ERROR: ") + result.error().message};
    const QList<Segment> segments = *result;
    if (segmentsOut)
        *segmentsOut = segments;
    QStringList texts;
    for (const Segment &s : segments)
        texts.append(s.text.normalized(QString::NormalizationForm_KC));
    return texts;
}

} // namespace

Q_DECLARE_METATYPE(Builder)

class TestLayoutGrouper : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readingOrder_data() {
        QTest::addColumn<Builder>("build");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("one column, heading and spaced paragraphs") << Builder([](const QString &path) {
            PdfMaker pdf;
            pdf.line(72, 90, kTitle, 18);
            double y = pdf.paragraph(72, 130, 450, kP1, 10);
            pdf.paragraph(72, y + 8, 450, kP2, 10);
            return pdf.save(path);
        }) << QStringList{kTitle, kP1, kP2};

        QTest::newRow("run-in heading a quad and a half from its paragraph") << Builder([](const QString &path) {
            // TeX sets a run-in heading a quad or more before its text (the gnuplot manual: "Timecolumn   timecolumn(N)
            // reads…"): one paragraph, not a one-word block beside a paragraph that overlaps it.
            PdfMaker pdf;
            QImage device(1, 1, QImage::Format_ARGB32);
            device.setDotsPerMeterX(2835);
            device.setDotsPerMeterY(2835);
            const QString times = QStringLiteral("Liberation Serif"); // glyph boxes 1.1 em tall, as TeX's Times
            QFont font(times);
            font.setPointSizeF(10);
            const double heading = QFontMetricsF(font, &device).horizontalAdvance(QStringLiteral("Timecolumn"));
            pdf.line(72, 100, QStringLiteral("Timecolumn"), 10, times);
            pdf.paragraph(72, 100, 450, kP1, 10, 1.25, heading + 14.5, times);
            return pdf.save(path);
        }) << QStringList{QStringLiteral("Timecolumn ") + kP1};

        QTest::newRow("indented paragraphs without spacing") << Builder([](const QString &path) {
            PdfMaker pdf;
            double y = pdf.paragraph(72, 100, 450, kP1, 10, 1.25, 15);
            pdf.paragraph(72, y, 450, kP2, 10, 1.25, 15);
            return pdf.save(path);
        }) << QStringList{kP1, kP2};

        QTest::newRow("two columns with aligned baselines under a full-width title")
            << Builder([](const QString &path) {
                   PdfMaker pdf;
                   pdf.line(150, 80, kTitle, 18);
                   double left = pdf.paragraph(50, 120, 230, kP1, 10);
                   pdf.paragraph(50, left + 12.5, 230, kP2, 10);
                   double right = pdf.paragraph(315, 120, 230, kP3, 10);
                   pdf.paragraph(315, right + 12.5, 230, kP4, 10);
                   return pdf.save(path);
               })
            << QStringList{kTitle, kP1, kP2, kP3, kP4};

        QTest::newRow("running header and footer")
            << Builder([](const QString &path) {
                   PdfMaker pdf;
                   pdf.line(72, 36, QStringLiteral("Overtext Journal of Layout"), 8);
                   pdf.line(500, 36, QStringLiteral("17"), 8);
                   double y = pdf.paragraph(72, 120, 450, kP1, 10);
                   pdf.paragraph(72, y + 10, 450, kP2, 10);
                   pdf.line(260, 815, QStringLiteral("Page 17 of 20"), 8);
                   return pdf.save(path);
               })
            << QStringList{QStringLiteral("Overtext Journal of Layout"), QStringLiteral("17"), kP1, kP2,
                           QStringLiteral("Page 17 of 20")};

        const QString footnote = QStringLiteral("1 A footnote in smaller type explains one detail of the text.");
        QTest::newRow("footnote at the foot of the page") << Builder([footnote](const QString &path) {
            PdfMaker pdf;
            pdf.paragraph(72, 100, 450, kP1, 10);
            pdf.line(72, 740, footnote, 7);
            return pdf.save(path);
        }) << QStringList{kP1, footnote};

        const QString intro = QStringLiteral("The list below has three items:");
        const QString item1 = QStringLiteral("\u2022 The first item of the list is long enough to wrap onto a second "
                                             "line that hangs under its text.");
        const QString item2 = QStringLiteral("\u2022 The second item is short.");
        const QString item3 = QStringLiteral("\u2022 The third item also wraps, because it carries more words than "
                                             "fit on one line of this narrow column.");
        QTest::newRow("bulleted list with hanging indent") << Builder([=](const QString &path) {
            PdfMaker pdf;
            pdf.line(72, 100, intro, 10);
            double y = 114;
            for (const QString &item : {item1, item2, item3}) {
                const QStringList lines = testsupport::wrapText(item.mid(2), QFont(PdfMaker::latinFamily(), 10), 250);
                for (int i = 0; i < lines.size(); ++i) {
                    if (i == 0)
                        pdf.line(72, y, QStringLiteral("\u2022"), 10);
                    pdf.line(84, y, lines[i], 10);
                    y += 12.5;
                }
            }
            return pdf.save(path);
        }) << QStringList{intro, item1, item2, item3};

        QTest::newRow("hyphenated line ends")
            << Builder([](const QString &path) {
                   PdfMaker pdf;
                   pdf.line(72, 100, QStringLiteral("Long words at the end of a line are transla-"), 10);
                   pdf.line(72, 112.5, QStringLiteral("ted with their halves joined again, and hyphen-"), 10);
                   pdf.line(72, 125, QStringLiteral("ated words like well-known keep their hyphen."), 10);
                   return pdf.save(path);
               })
            << QStringList{QStringLiteral("Long words at the end of a line are translated with their halves joined "
                                          "again, and hyphenated words like well-known keep their hyphen.")};

        QTest::newRow("page rotated by /Rotate 90") << Builder([](const QString &path) {
            // Drawn sideways on a portrait page that is displayed turned by 90 degrees clockwise: displayed
            // (dx, dy) is (H - y, x) on the page as stored.
            const double H = 842;
            PdfMaker pdf;
            auto displayed = [&](double dx, double dy, const QString &text, double size) {
                pdf.line(dy, H - dx, text, size, QString(), -90);
            };
            displayed(72, 90, kTitle, 18);
            double y = 130;
            for (const QString &l : testsupport::wrapText(kP1, QFont(PdfMaker::latinFamily(), 10), 600)) {
                displayed(72, y, l, 10);
                y += 12.5;
            }
            const QString tmp = path + QStringLiteral(".unrotated.pdf");
            if (!pdf.save(tmp))
                return false;
            return QProcess::execute(QStringLiteral("qpdf"), {QStringLiteral("--rotate=+90"), tmp, path}) == 0;
        }) << QStringList{kTitle, kP1};

        QTest::newRow("text turned sideways on an upright page") << Builder([](const QString &path) {
            PdfMaker pdf;
            // Reads bottom to top, as on a landscape table printed on a portrait page.
            pdf.line(90, 700, kTitle, 18, QString(), -90);
            double x = 130;
            for (const QString &l : testsupport::wrapText(kP1, QFont(PdfMaker::latinFamily(), 10), 500)) {
                pdf.line(x, 700, l, 10, QString(), -90);
                x += 12.5;
            }
            return pdf.save(path);
        }) << QStringList{kTitle, kP1};

        const QString zh1 = QStringLiteral(
            "这是第一个段落，它用中文写成，用来检查中文字符之间不会插入空格，并且多行文字会被正确地连接在一起。");
        const QString zh2 = QStringLiteral("第二个段落在一个空行之后开始。");
        QTest::newRow("CJK paragraphs without spaces") << Builder([=](const QString &path) {
            PdfMaker pdf;
            const QString family = QStringLiteral("Noto Sans CJK SC");
            double y = 100;
            for (int i = 0; i < zh1.size(); i += 20) {
                pdf.line(72, y, zh1.mid(i, 20), 12, family);
                y += 16;
            }
            pdf.line(72, y + 14, zh2, 12, family);
            return pdf.save(path);
        }) << QStringList{zh1, zh2};

        const QString ar1 =
            QStringLiteral("يقرأ البرنامج كل صفحة من المستند ويجمع الكلمات في سطور ثم يجمع السطور في فقرات "
                           "حتى تترجم كل فقرة كاملة وتعاد إلى مكانها في الصفحة.");
        const QString ar2 = QStringLiteral("هذه فقرة ثانية قصيرة.");
        QTest::newRow("Arabic right-to-left paragraphs") << Builder([=](const QString &path) {
            PdfMaker pdf;
            const QString family = QStringLiteral("Noto Naskh Arabic");
            double y = pdf.paragraph(72, 100, 300, ar1, 12, 1.6, 0, family, true);
            pdf.paragraph(72, y + 14, 300, ar2, 12, 1.6, 0, family, true);
            return pdf.save(path);
        }) << QStringList{ar1, ar2};
    }

    void readingOrder() {
        QFETCH(Builder, build);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("case.pdf"));
        QVERIFY(build(path));
        // OVERTEXT_KEEP_TEST_PDFS=DIR keeps the generated files for a look with pdftoppm or pdftotext.
        if (const QString keep = qEnvironmentVariable("OVERTEXT_KEEP_TEST_PDFS"); !keep.isEmpty())
            QFile::copy(path,
                        keep + QLatin1Char('/') + QString::fromUtf8(QTest::currentDataTag()) + QStringLiteral(".pdf"));
        const QStringList got = readBack(path);
        for (QString &e : expected)
            e = e.normalized(QString::NormalizationForm_KC);
        if (got != expected) {
            for (const QString &g : got)
                qWarning().noquote() << "got:" << g;
        }
        QCOMPARE(got, expected);
    }

    void segmentGeometryAndIds() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("geo.pdf"));
        PdfMaker pdf;
        pdf.line(72, 90, kTitle, 18);
        pdf.paragraph(72, 130, 450, kP1, 10);
        QVERIFY(pdf.save(path));
        QList<Segment> segments;
        readBack(path, 1, &segments);
        QCOMPARE(segments.size(), 2);
        QCOMPARE(segments[0].id, QStringLiteral("p1-b1"));
        QCOMPARE(segments[1].id, QStringLiteral("p1-b2"));
        // Boxes in points from the top-left: the title's baseline is at 90, its box ends near it.
        QVERIFY2(segments[0].box.top() > 70 && segments[0].box.bottom() < 96,
                 qPrintable(QString::number(segments[0].box.bottom())));
        QVERIFY(segments[0].box.left() >= 71 && segments[0].box.left() < 74);
        QVERIFY(segments[1].box.right() <= 523);
        QVERIFY(segments[1].lineBoxes.size() >= 2);
        // Font sizes are estimates (Poppler's boxes depend on each font's ascent and descent) that keep their
        // relation: an 18 pt heading over 10 pt body.
        QVERIFY2(std::abs(segments[1].fontSize - 10) < 1.5, qPrintable(QString::number(segments[1].fontSize)));
        const double ratio = segments[0].fontSize / segments[1].fontSize;
        QVERIFY2(std::abs(ratio - 1.8) < 0.2, qPrintable(QString::number(ratio)));
    }

    void sidewaysTextKeepsItsRotation() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sideways.pdf"));
        PdfMaker pdf;
        pdf.line(100, 100, QStringLiteral("Upright words on this page."), 10);
        pdf.line(300, 700, QStringLiteral("Sideways words reading upwards."), 10, QString(), -90);
        pdf.line(500, 200, QStringLiteral("Sideways words reading downwards."), 10, QString(), 90);
        QVERIFY(pdf.save(path));
        QList<Segment> segments;
        readBack(path, 1, &segments);
        QCOMPARE(segments.size(), 3);
        QCOMPARE(segments[0].text, QStringLiteral("Upright words on this page."));
        QCOMPARE(segments[0].textRotation, 0);
        for (const Segment &s : segments.mid(1)) {
            QVERIFY(s.box.height() > s.box.width()); // displayed boxes, tall and thin
            if (s.text.contains(QLatin1String("upwards"))) {
                QCOMPARE(s.textRotation, 270);
                QVERIFY(s.box.left() > 285 && s.box.right() < 305);
            } else {
                QCOMPARE(s.text, QStringLiteral("Sideways words reading downwards."));
                QCOMPARE(s.textRotation, 90);
                QVERIFY(s.box.left() > 495 && s.box.right() < 515); // glyphs rise towards +x
            }
        }
        QCOMPARE(segments[2].id, QStringLiteral("p1-b3"));
    }

    void classification_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("kind");
        QTest::newRow("sentence") << QStringLiteral("The cat sat on the mat.") << QStringLiteral("prose");
        QTest::newRow("heading") << QStringLiteral("1. Introduction") << QStringLiteral("prose");
        QTest::newRow("prose quoting code")
            << QStringLiteral("The markup control characters act on the following single character or bracketed "
                              "clause. The bracketed clause may contain a string of characters with no additional "
                              "markup, e.g. 2^{10}, or it may contain additional markup that changes font properties. "
                              "Font specifiers MUST be preceded by a '/' character that immediately follows the "
                              "opening '{'. If a font name contains spaces it must be enclosed in single or double "
                              "quotes, as in {/Symbol a} or {/Times=20 b}.")
            << QStringLiteral("prose");
        QTest::newRow("page number") << QStringLiteral("17") << QStringLiteral("number");
        QTest::newRow("figures") << QStringLiteral("12.5 % 3/4 (2009)") << QStringLiteral("number");
        QTest::newRow("unit") << QStringLiteral("12 kg") << QStringLiteral("number");
        QTest::newRow("url") << QStringLiteral("https://example.org/a/b?c=d") << QStringLiteral("url");
        QTest::newRow("email") << QStringLiteral("someone@example.org") << QStringLiteral("url");
        QTest::newRow("formula") << QStringLiteral("∑ xᵢ = α + β ≤ γ") << QStringLiteral("formula");
        QTest::newRow("code") << QStringLiteral("for (int i = 0; i < n; ++i) { a[i] = b[i]; }")
                              << QStringLiteral("code");
        QTest::newRow("reference") << QStringLiteral("[12] A. Author. A paper title. In Proc. of Things, 2009.")
                                   << QStringLiteral("reference");
        QTest::newRow("chinese") << QStringLiteral("这是中文。") << QStringLiteral("prose");
        QTest::newRow("bullet only") << QStringLiteral("\u2022") << QStringLiteral("number");
    }
    void classification() {
        QFETCH(QString, text);
        QFETCH(QString, kind);
        QCOMPARE(segmentKindName(classifyText(text)), kind);
    }

    void emptyAndDegenerateInput() {
        QVERIFY(LayoutGrouper::group({}, PageInfo{1, QSizeF(595, 842), 0}).isEmpty());
        QList<Word> words;
        for (int i = 0; i < 2000; ++i) // many words piled on one spot: must stay fast and not crash
            words.append(Word{QStringLiteral("x"), QRectF(10, 10, 5, 5), true, false});
        const auto segments = LayoutGrouper::group(words, PageInfo{1, QSizeF(595, 842), 0});
        QVERIFY(!segments.isEmpty());
    }
};

QTEST_MAIN(TestLayoutGrouper)
#include "tst_layoutgrouper.moc"
