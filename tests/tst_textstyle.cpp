#include "fakes/pdfmaker.h"
#include "pdf/markup.h"
#include "pdf/pdfdocument.h"
#include "pdf/segmentjson.h"
#include "testpaths.h"

#include <QTemporaryDir>
#include <QTest>

#include <poppler-qt6.h>

using namespace overtext;
using testsupport::PdfMaker;

namespace {

const QString kSerif = QStringLiteral("Liberation Serif");
const QString kSans = QStringLiteral("Liberation Sans");
const QString kMono = QStringLiteral("Liberation Mono");

QList<Segment> segmentsOf(const QString &path, int page = 1) {
    auto doc = PdfDocument::open(path);
    if (!doc)
        return {};
    auto result = (*doc)->segments(page);
    return result ? *result : QList<Segment>{};
}

QString dump(const QList<Segment> &segments) {
    QStringList out;
    for (const Segment &s : segments)
        out << QStringLiteral("[%1 %2 b%3 i%4 m%5 s%6 %7 %8pt] %9")
                   .arg(s.id, segmentKindName(s.kind))
                   .arg(s.style.bold)
                   .arg(s.style.italic)
                   .arg(s.style.mono)
                   .arg(s.style.serif)
                   .arg(s.style.color.name())
                   .arg(s.fontSize)
                   .arg(s.text.left(60));
    return out.join(QLatin1Char('\n'));
}

const QString kBody = QStringLiteral(
    "Overtext reads the words of each page together with the fonts and colours they are drawn in, so that the "
    "translation can be set in a face of the same kind, weight and slant, and in the same colour as the original.");

} // namespace

/// Style as a first-class part of reading: the fonts' class, weight, slant and colour of every word, taken from the
/// document; grouping and classification that use them.
class TestTextStyle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fontNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("flags");
        QTest::addColumn<QString>("expected"); // b i m s: bold, italic, mono, serif as 0/1
        QTest::newRow("Times bold") << QStringLiteral("ABCDEF+NimbusRomNo9L-Medi") << 0 << QStringLiteral("1001");
        QTest::newRow("Times italic") << QStringLiteral("NimbusRomNo9L-ReguItal") << 0 << QStringLiteral("0101");
        QTest::newRow("Times bold italic") << QStringLiteral("Times-BoldItalic") << 0 << QStringLiteral("1101");
        QTest::newRow("TeX roman") << QStringLiteral("CMR10") << 0 << QStringLiteral("0001");
        QTest::newRow("TeX bold") << QStringLiteral("XYZABC+CMBX12") << 0 << QStringLiteral("1001");
        QTest::newRow("TeX italic") << QStringLiteral("CMTI10") << 0 << QStringLiteral("0101");
        QTest::newRow("TeX typewriter") << QStringLiteral("CMTT10") << 0 << QStringLiteral("0010");
        QTest::newRow("TeX sans") << QStringLiteral("CMSS10") << 0 << QStringLiteral("0000");
        QTest::newRow("cm-super sans bold") << QStringLiteral("SFSX1095") << 0 << QStringLiteral("1000");
        QTest::newRow("cm-super sans") << QStringLiteral("SFSS1095") << 0 << QStringLiteral("0000");
        QTest::newRow("cm-super roman italic") << QStringLiteral("SFTI1000") << 0 << QStringLiteral("0101");
        QTest::newRow("Latin Modern mono") << QStringLiteral("LMMono10-Regular") << 0 << QStringLiteral("0010");
        QTest::newRow("Arial bold") << QStringLiteral("Arial,Bold") << 0 << QStringLiteral("1000");
        QTest::newRow("Helvetica oblique") << QStringLiteral("Helvetica-Oblique") << 0 << QStringLiteral("0100");
        QTest::newRow("Minion italic") << QStringLiteral("MinionPro-It") << 0 << QStringLiteral("0101");
        QTest::newRow("Courier") << QStringLiteral("Courier") << 0 << QStringLiteral("0010");
        QTest::newRow("Calibri semibold") << QStringLiteral("Calibri-Semibold") << 0 << QStringLiteral("1000");
        QTest::newRow("medium is not bold") << QStringLiteral("Roboto-Medium") << 0 << QStringLiteral("0000");
        QTest::newRow("Monotype is not mono") << QStringLiteral("MonotypeCorsiva") << 0 << QStringLiteral("0000");
        QTest::newRow("unknown name, flags")
            << QStringLiteral("F12") << (1 | 2 | (1 << 6) | (1 << 18)) << QStringLiteral("1110");
        QTest::newRow("unknown name, serif flag") << QStringLiteral("T3Font_1") << 2 << QStringLiteral("0001");
    }
    void fontNames() {
        QFETCH(QString, name);
        QFETCH(int, flags);
        QFETCH(QString, expected);
        TextStyle st;
        classifyFont(st, name, flags);
        const QString got =
            QStringLiteral("%1%2%3%4").arg(int(st.bold)).arg(int(st.italic)).arg(int(st.mono)).arg(int(st.serif));
        QCOMPARE(got, expected);
        QVERIFY(!st.font.contains(QLatin1Char('+')));
    }

    /// The styled reader gives the same words and boxes as Poppler's Qt binding (whose text device it uses), on a
    /// real document's pages in every rotation.
    void wordsAgreeWithPopplerQt() {
        const QString path = testpaths::corpusDir() + QStringLiteral("/paper-2col-tracemonkey.pdf");
        if (!QFile::exists(path))
            QSKIP("corpus not available");
        auto doc = PdfDocument::open(path);
        QVERIFY(doc.ok());
        const std::unique_ptr<Poppler::Document> qt = Poppler::Document::load(path);
        QVERIFY(qt);
        for (int rotation : {0, 90}) {
            for (int page : {1, 3}) {
                auto words = (*doc)->words(page, nullptr, rotation);
                QVERIFY(words.ok());
                const std::unique_ptr<Poppler::Page> p(qt->page(page - 1));
                const auto boxes = p->textList(rotation == 90 ? Poppler::Page::Rotate90 : Poppler::Page::Rotate0);
                QCOMPARE(words->size(), qsizetype(boxes.size()));
                QVERIFY(words->size() > 300);
                for (qsizetype i = 0; i < words->size(); ++i) {
                    QCOMPARE(words->at(i).text, boxes[size_t(i)]->text());
                    QCOMPARE(words->at(i).box, boxes[size_t(i)]->boundingBox());
                    QCOMPARE(words->at(i).spaceAfter, boxes[size_t(i)]->hasSpaceAfter());
                }
            }
        }
    }

    void wordsCarryFontsAndColours() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("styles.pdf"));
        PdfMaker pdf;
        pdf.runs(72, 100,
                 {{QStringLiteral("plain "), PdfMaker::style(kSerif)},
                  {QStringLiteral("strong "), PdfMaker::style(kSerif, true)},
                  {QStringLiteral("slanted "), PdfMaker::style(kSerif, false, true)},
                  {QStringLiteral("fixed "), PdfMaker::style(kMono)},
                  {QStringLiteral("sans "), PdfMaker::style(kSans)},
                  {QStringLiteral("red"), PdfMaker::style(kSans, true, false, QColor(0xcc, 0x11, 0x22))}},
                 12);
        QVERIFY(pdf.save(path));
        auto doc = PdfDocument::open(path);
        QVERIFY(doc.ok());
        auto words = (*doc)->words(1);
        QVERIFY(words.ok());
        QCOMPARE(words->size(), 6);
        auto word = [&](const QString &text) {
            for (const Word &w : *words)
                if (w.text == text)
                    return w.style;
            return TextStyle{};
        };
        QVERIFY(word(QStringLiteral("plain")).serif);
        QVERIFY(!word(QStringLiteral("plain")).bold && !word(QStringLiteral("plain")).italic);
        QVERIFY(word(QStringLiteral("strong")).bold && word(QStringLiteral("strong")).serif);
        QVERIFY(word(QStringLiteral("slanted")).italic && !word(QStringLiteral("slanted")).bold);
        QVERIFY(word(QStringLiteral("fixed")).mono && !word(QStringLiteral("fixed")).serif);
        QVERIFY(!word(QStringLiteral("sans")).serif && !word(QStringLiteral("sans")).mono);
        const TextStyle red = word(QStringLiteral("red"));
        QVERIFY(red.bold);
        QCOMPARE(red.color.name(), QStringLiteral("#cc1122"));
        QCOMPARE(word(QStringLiteral("plain")).color.name(), QStringLiteral("#000000"));
        QVERIFY2(std::abs(red.size - 12) < 0.01, qPrintable(QString::number(red.size)));
        QVERIFY2(word(QStringLiteral("strong")).font.contains(QLatin1String("Bold")),
                 qPrintable(word(QStringLiteral("strong")).font));
    }

    /// The page drawn without its text: the ground behind it (a dark box) is there, the text is not.
    void backgroundHasNoText() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ground.pdf"));
        PdfMaker pdf;
        pdf.box(QRectF(300, 300, 200, 100), QColor(0x20, 0x30, 0x80));
        pdf.setStyle(PdfMaker::style(kSans, true));
        pdf.line(72, 100, QStringLiteral("HEAVY BLACK WORDS ON WHITE PAPER"), 30);
        QVERIFY(pdf.save(path));
        auto doc = PdfDocument::open(path);
        QVERIFY(doc.ok());
        auto ground = (*doc)->renderBackground(1, 36);
        QVERIFY(ground.ok());
        auto full = (*doc)->render(1, 36);
        QVERIFY(full.ok());
        QCOMPARE(ground->size(), full->size());
        const double scale = 36.0 / 72;
        auto darkIn = [&](const QImage &image, const QRectF &r) {
            int dark = 0;
            for (int y = int(r.top() * scale); y < int(r.bottom() * scale); ++y)
                for (int x = int(r.left() * scale); x < int(r.right() * scale); ++x)
                    dark += qGray(image.pixel(x, y)) < 128;
            return dark;
        };
        const QRectF words(72, 75, 500, 30);
        QVERIFY(darkIn(*full, words) > 50); // the words are drawn in a full rendering
        QCOMPARE(darkIn(*ground, words), 0);
        QCOMPARE(QColor(ground->pixel(int(400 * scale), int(350 * scale))), QColor(0x20, 0x30, 0x80));
    }

    /// A bold heading directly over its paragraph, both in one size and close together, stays two segments; a
    /// larger heading too; the paragraph keeps its own style and the heading its colour.
    void headingStaysApartFromItsParagraph() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("heading.pdf"));
        PdfMaker pdf;
        pdf.setStyle(PdfMaker::style(kSerif, true));
        pdf.line(72, 90, QStringLiteral("2 TEMPLATE OVERVIEW"), 12);
        pdf.setStyle(PdfMaker::style(kSerif));
        double y = pdf.paragraph(72, 104, 450, kBody, 10, 1.2);
        pdf.setStyle(PdfMaker::style(kSans, true, false, QColor(200, 0, 0)));
        pdf.line(72, y + 2, QStringLiteral("Same size bold heading"), 10);
        pdf.setStyle(PdfMaker::style(kSans));
        pdf.paragraph(72, y + 14, 450, kBody, 10, 1.2);
        QVERIFY(pdf.save(path));
        const QList<Segment> segments = segmentsOf(path);
        QVERIFY2(segments.size() == 4, qPrintable(dump(segments)));
        QCOMPARE(segments[0].text, QStringLiteral("2 TEMPLATE OVERVIEW"));
        QVERIFY(segments[0].style.bold && segments[0].style.serif);
        QVERIFY2(std::abs(segments[0].fontSize - 12) < 0.01, qPrintable(QString::number(segments[0].fontSize)));
        QCOMPARE(segments[1].text, kBody);
        QVERIFY(!segments[1].style.bold && segments[1].style.serif);
        QVERIFY2(std::abs(segments[1].fontSize - 10) < 0.01, qPrintable(QString::number(segments[1].fontSize)));
        QCOMPARE(segments[2].text, QStringLiteral("Same size bold heading"));
        QCOMPARE(segments[2].style.color, QColor(200, 0, 0));
        QVERIFY(!segments[2].style.serif);
        QCOMPARE(segments[3].text, kBody);
        QCOMPARE(segments[3].style.color, QColor(Qt::black));
    }

    /// Two lines of code in a fixed-pitch face between two paragraphs: their own block, classified as code (not
    /// sent), even though its words would pass for prose.
    void monospaceBlockIsCode() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("code.pdf"));
        PdfMaker pdf;
        pdf.setStyle(PdfMaker::style(kSerif));
        double y = pdf.paragraph(72, 90, 450, kBody, 10, 1.2);
        pdf.setStyle(PdfMaker::style(kMono));
        pdf.line(72, y, QStringLiteral("plot sin of x with lines title first"), 10);
        pdf.line(72, y + 12, QStringLiteral("print the result and save the figure"), 10);
        pdf.setStyle(PdfMaker::style(kSerif));
        pdf.paragraph(72, y + 24, 450, kBody, 10, 1.2);
        QVERIFY(pdf.save(path));
        const QList<Segment> segments = segmentsOf(path);
        QVERIFY2(segments.size() == 3, qPrintable(dump(segments)));
        QCOMPARE(segments[1].text,
                 QStringLiteral("plot sin of x with lines title first print the result and save the figure"));
        QCOMPARE(segments[1].kind, SegmentKind::Code);
        QVERIFY(segments[1].style.mono);
        QCOMPARE(segments[0].kind, SegmentKind::Prose);
        QCOMPARE(segments[2].kind, SegmentKind::Prose);
    }

    /// A page typed wholly in a fixed-pitch face is prose: mono says nothing there.
    void typewrittenPageIsProse() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("typed.pdf"));
        PdfMaker pdf;
        pdf.setStyle(PdfMaker::style(kMono));
        double y = pdf.paragraph(72, 90, 450, kBody, 10, 1.2);
        pdf.paragraph(72, y + 10, 450, kBody, 10, 1.2);
        QVERIFY(pdf.save(path));
        const QList<Segment> segments = segmentsOf(path);
        QVERIFY2(segments.size() == 2, qPrintable(dump(segments)));
        QCOMPARE(segments[0].kind, SegmentKind::Prose);
        QVERIFY(segments[0].style.mono);
    }

    /// Inline bold, italic and code inside a paragraph are runs of the segment, and become light markup.
    void inlineRunsAndMarkup() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("inline.pdf"));
        PdfMaker pdf;
        pdf.runs(72, 100,
                 {{QStringLiteral("Press the "), PdfMaker::style(kSerif)},
                  {QStringLiteral("red button"), PdfMaker::style(kSerif, true)},
                  {QStringLiteral(" and read "), PdfMaker::style(kSerif)},
                  {QStringLiteral("the manual"), PdfMaker::style(kSerif, false, true)},
                  {QStringLiteral(" before you type "), PdfMaker::style(kSerif)},
                  {QStringLiteral("make install"), PdfMaker::style(kMono)},
                  {QStringLiteral(" at the prompt."), PdfMaker::style(kSerif)}},
                 11);
        QVERIFY(pdf.save(path));
        const QList<Segment> segments = segmentsOf(path);
        QVERIFY2(segments.size() == 1, qPrintable(dump(segments)));
        const Segment &s = segments[0];
        QCOMPARE(s.text, QStringLiteral("Press the red button and read the manual before you type make install at "
                                        "the prompt."));
        QVERIFY(!s.style.bold && !s.style.italic && s.style.serif);
        QVERIFY(s.runs.size() >= 5);
        int covered = 0;
        for (const StyleRun &r : s.runs) {
            QCOMPARE(r.start, covered);
            covered += r.length;
        }
        QCOMPARE(covered, s.text.size());
        QCOMPARE(markup::fromRuns(s), QStringLiteral("Press the <b>red button</b> and read <i>the manual</i> before "
                                                     "you type <code>make install</code> at the prompt."));
        // Through the worker's JSON and back, the runs survive.
        const Segment back = segmentFromJson(segmentToJson(s, true));
        QCOMPARE(back.runs, s.runs);
        QCOMPARE(back.style.color, s.style.color);
        QCOMPARE(markup::fromRuns(back), markup::fromRuns(s));
    }

    /// A phrase set apart by colour alone (beamer's \\alert) in a black item: the item is black text with a red run,
    /// even where the red words are most of it, and the run travels as <em>.
    void colouredPhraseIsAnEmphasisRun() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("alert.pdf"));
        PdfMaker pdf;
        const QColor red(0xcc, 0, 0);
        pdf.runs(72, 100, {{QStringLiteral("A very long text in ordinary black words"), PdfMaker::style(kSans)}}, 11);
        pdf.runs(72, 140,
                 {{QStringLiteral("A "), PdfMaker::style(kSans)},
                  {QStringLiteral("genotype matrix"), PdfMaker::style(kSans, false, false, red)},
                  {QStringLiteral(" G."), PdfMaker::style(kSans)}},
                 11);
        QVERIFY(pdf.save(path));
        const QList<Segment> segments = segmentsOf(path);
        QVERIFY2(segments.size() == 2, qPrintable(dump(segments)));
        const Segment &s = segments[1];
        QCOMPARE(s.style.color, QColor(Qt::black));
        QCOMPARE(markup::emphasisColor(s), red);
        QCOMPARE(markup::fromRuns(s), QStringLiteral("A <em>genotype matrix</em> G."));
    }

    /// The extract format's style fields (a contract): font, bold, italic, mono, serif, color; runs where they
    /// differ, with start and length.
    void extractJsonCarriesStyle() {
        Segment s;
        s.id = QStringLiteral("p1-b1");
        s.text = QStringLiteral("Hello bold world");
        s.fontSize = 10;
        s.style.font = QStringLiteral("Times-Roman");
        s.style.size = 10;
        s.style.serif = true;
        s.style.color = QColor(0x12, 0x34, 0x56);
        TextStyle b = s.style;
        b.bold = true;
        s.runs = {StyleRun{0, 6, s.style}, StyleRun{6, 4, b}, StyleRun{10, 6, s.style}};
        const QJsonObject o = segmentToJson(s);
        QCOMPARE(o.value(QStringLiteral("font")).toString(), QStringLiteral("Times-Roman"));
        QCOMPARE(o.value(QStringLiteral("color")).toString(), QStringLiteral("#123456"));
        QCOMPARE(o.value(QStringLiteral("bold")).toBool(), false);
        QCOMPARE(o.value(QStringLiteral("serif")).toBool(), true);
        QVERIFY(o.contains(QStringLiteral("italic")) && o.contains(QStringLiteral("mono")));
        const QJsonArray runs = o.value(QStringLiteral("runs")).toArray();
        QCOMPARE(runs.size(), 3);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("start")).toInt(), 6);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("length")).toInt(), 4);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("bold")).toBool(), true);
        // A segment built from words without style (synthetic input) has no style fields at all.
        Segment bare;
        bare.text = QStringLiteral("x");
        QVERIFY(!segmentToJson(bare).contains(QStringLiteral("font")));
    }

    /// A list with hanging indents: each item keeps its continuation lines, and a word hyphenated at the end of an
    /// item's line is joined.
    void hangingIndentListKeepsItems() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("list.pdf"));
        PdfMaker pdf;
        pdf.setStyle(PdfMaker::style(kSerif));
        const QStringList items{
            QStringLiteral("The first item of the list is long enough to need a second line, which hangs under "
                           "the text of the item and not under its number."),
            QStringLiteral("The second item is also long and its continuation line begins with a lower-case word "
                           "so that nothing about it looks like a new paragraph."),
        };
        double y = 90;
        for (int i = 0; i < items.size(); ++i) {
            pdf.line(72, y, QStringLiteral("%1.").arg(i + 1), 10);
            y = pdf.paragraph(90, y, 300, items[i], 10, 1.2);
        }
        // A hyphen at a line end inside an item.
        pdf.line(72, y, QStringLiteral("3."), 10);
        pdf.line(90, y, QStringLiteral("A third item breaks a long word across its lines: trans-"), 10);
        pdf.line(90, y + 12, QStringLiteral("lation is joined again."), 10);
        // An item whose first line is a command in bold, running to the column's end: not a heading.
        y += 30;
        pdf.line(72, y, QStringLiteral("4."), 10);
        pdf.setStyle(PdfMaker::style(kSerif, true));
        pdf.line(90, y, QStringLiteral("set vxrange [vxmin:vxmax] together with set vyrange and vzrange"), 10);
        pdf.setStyle(PdfMaker::style(kSerif));
        pdf.line(90, y + 12, QStringLiteral("define which region of space the grid occupies."), 10);
        QVERIFY(pdf.save(path));
        const QList<Segment> segments = segmentsOf(path);
        QVERIFY2(segments.size() == 4, qPrintable(dump(segments)));
        QCOMPARE(segments[3].text,
                 QStringLiteral("4. set vxrange [vxmin:vxmax] together with set vyrange and vzrange define "
                                "which region of space the grid occupies."));
        QVERIFY(!segments[3].style.bold); // plain text with a bold run
        QVERIFY(markup::fromRuns(segments[3]).contains(QLatin1String("<b>set vxrange")));
        QCOMPARE(segments[0].text, QStringLiteral("1. ") + items[0]);
        QCOMPARE(segments[1].text, QStringLiteral("2. ") + items[1]);
        QCOMPARE(segments[2].text,
                 QStringLiteral("3. A third item breaks a long word across its lines: translation is joined again."));
    }
};

QTEST_MAIN(TestTextStyle)
#include "tst_textstyle.moc"
