#include "pdf/markup.h"
#include "pdf/pdfdocument.h"
#include "render/overlaypainter.h"

#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTemporaryDir>
#include <QTest>

using namespace overtext;

namespace {

const QString kText = QStringLiteral(
    "La función rand() produce una secuencia de números pseudoaleatorios entre cero y uno utilizando un algoritmo "
    "conocido, publicado hace muchos años en una revista de software matemático y todavía citado hoy.");

/// A block of three original lines at 10 pt in the box x 72–372, y 100–136; `flush` makes the first two lines reach
/// the right edge (a justified original), else they end at different places (ragged).
OverlayBlock block(bool flush) {
    Segment s;
    s.id = QStringLiteral("b");
    s.kind = SegmentKind::Prose;
    s.fontSize = 10;
    s.box = QRectF(72, 100, 300, 36);
    s.lineBoxes = {QRectF(72, 100, flush ? 300 : 281, 9), QRectF(72, 112, flush ? 300 : 262, 9),
                   QRectF(72, 124, 120, 9)};
    return OverlayBlock{s, kText};
}

/// The right end of the ink of each line of text painted in `box`, in points (rows of ink separated by blank rows).
QList<double> lineEnds(const OverlayBlock &b) {
    const double scale = 4; // 288 dpi
    QImage image(int(595 * scale), int(300 * scale), QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        p.scale(scale, scale);
        OverlayPainter(QStringLiteral("es"), true).paint(p, {b}, QSizeF(595, 842));
    }
    QList<double> ends;
    bool inLine = false;
    int right = -1;
    for (int y = 0; y < image.height(); ++y) {
        int rowRight = -1;
        const auto *row = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = image.width() - 1; x >= 0; --x)
            if (qGray(row[x]) < 128) {
                rowRight = x;
                break;
            }
        if (rowRight >= 0) {
            inLine = true;
            right = std::max(right, rowRight);
        } else if (inLine) {
            ends.append(right / scale);
            inLine = false;
            right = -1;
        }
    }
    return ends;
}

} // namespace

class TestOverlayPainter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    /// A justified original gives a justified translation: every line but the last reaches the right edge.
    void justifiedOriginalIsJustified() {
        const OverlayBlock justified = block(true);
        const QList<FittedBlock> fitted = OverlayPainter(QStringLiteral("es"), true).fit({justified}, QSizeF(595, 842));
        const double right = fitted.front().box.right();
        const QList<double> ends = lineEnds(justified);
        QVERIFY2(ends.size() >= 3, qPrintable(QString::number(ends.size())));
        for (qsizetype i = 0; i + 1 < ends.size(); ++i)
            QVERIFY2(std::abs(ends[i] - right) < 1.5,
                     qPrintable(QStringLiteral("line %1 ends at %2, the box at %3").arg(i).arg(ends[i]).arg(right)));
        QVERIFY(ends.back() < right - 20); // the last line is not stretched

        // A ragged original stays ragged: some line ends well short of the edge.
        const QList<double> raggedEnds = lineEnds(block(false));
        bool shortLine = false;
        for (qsizetype i = 0; i + 1 < raggedEnds.size(); ++i)
            shortLine |= raggedEnds[i] < right - 3;
        QVERIFY(shortLine);
    }

    /// Blocks of one original size keep it when they can: crowded blocks shrink alone instead of pulling every
    /// other block of their size (a heading, a roomy paragraph) down with them.
    void crowdedBlocksShrinkAlone() {
        auto make = [](const QString &id, double top, const QString &text) {
            Segment s;
            s.id = id;
            s.kind = SegmentKind::Prose;
            s.fontSize = 10;
            s.box = QRectF(72, top, 300, 24);
            s.lineBoxes = {QRectF(72, top, 300, 9), QRectF(72, top + 12, 200, 9)};
            return OverlayBlock{s, text};
        };
        const QString shortText = QStringLiteral("Generador de números aleatorios");
        const QString longText = kText + QLatin1Char(' ') + kText;
        const QList<OverlayBlock> blocks = {
            make(QStringLiteral("a"), 100, shortText), make(QStringLiteral("b"), 140, shortText),
            make(QStringLiteral("c"), 180, longText), make(QStringLiteral("d"), 220, longText)};
        // Nothing to grow into: a figure to the right and one below.
        const QList<QRectF> obstacles = {QRectF(380, 90, 150, 200), QRectF(60, 252, 400, 100)};
        const QList<FittedBlock> fitted =
            OverlayPainter(QStringLiteral("es"), true).fit(blocks, QSizeF(595, 842), obstacles);
        QCOMPARE(fitted.size(), 4);
        QVERIFY2(fitted[2].fontSize < 8 && fitted[3].fontSize < 8, qPrintable(QString::number(fitted[2].fontSize)));
        QCOMPARE(fitted[0].fontSize, 10.0);
        QCOMPARE(fitted[1].fontSize, 10.0);
    }

    void markupIsParsed_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("spans"); // start+length:flags
        QTest::newRow("bold") << QStringLiteral("a <b>b</b> c") << QStringLiteral("a b c") << QStringLiteral("2+1:b");
        QTest::newRow("nested") << QStringLiteral("<b>x <i>y</i></b>") << QStringLiteral("x y")
                                << QStringLiteral("0+2:b 2+1:bi");
        QTest::newRow("emphasis") << QStringLiteral("<em>rojo</em> y") << QStringLiteral("rojo y")
                                  << QStringLiteral("0+4:e");
        QTest::newRow("code") << QStringLiteral("run <code>make</code>") << QStringLiteral("run make")
                              << QStringLiteral("4+4:c");
        QTest::newRow("streaming, unclosed")
            << QStringLiteral("hola <b>mun") << QStringLiteral("hola mun") << QStringLiteral("5+3:b");
        QTest::newRow("streaming, tag cut") << QStringLiteral("hola </") << QStringLiteral("hola ") << QString();
        QTest::newRow("streaming, tag cut 2") << QStringLiteral("hola <co") << QStringLiteral("hola ") << QString();
        QTest::newRow("a real less-than") << QStringLiteral("if a < b") << QStringLiteral("if a < b") << QString();
        QTest::newRow("stray close") << QStringLiteral("x</b> y") << QStringLiteral("x y") << QString();
    }
    void markupIsParsed() {
        QFETCH(QString, input);
        QFETCH(QString, text);
        QFETCH(QString, spans);
        const MarkedText m = markup::parse(input);
        QCOMPARE(m.text, text);
        QStringList got;
        for (const MarkupSpan &s : m.spans)
            got << QStringLiteral("%1+%2:%3%4%5")
                       .arg(s.start)
                       .arg(s.length)
                       .arg(s.bold ? QStringLiteral("b") : QString(), s.italic ? QStringLiteral("i") : QString(),
                            s.code       ? QStringLiteral("c")
                            : s.emphasis ? QStringLiteral("e")
                                         : QString());
        QCOMPARE(got.join(QLatin1Char(' ')), spans);
    }

    /// The marks of a translation are drawn as runs in their faces, in the block's class and colour; a segment
    /// whose own text has such tags (an HTML tutorial) shows them as text.
    void runsArePaintedInTheirFaces() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.pdf"));
        Segment s;
        s.id = QStringLiteral("r");
        s.fontSize = 11;
        s.box = QRectF(72, 100, 420, 14);
        s.lineBoxes = {s.box};
        s.style.font = QStringLiteral("Times-Roman");
        s.style.size = 11;
        s.style.serif = true;
        s.style.color = QColor(0x11, 0x66, 0x33);
        s.text = QStringLiteral("Press the red button and read the manual.");
        Segment literal = s;
        literal.box = QRectF(72, 140, 420, 14);
        literal.lineBoxes = {literal.box};
        literal.text = QStringLiteral("Write <b>bold</b> in HTML.");
        {
            QPdfWriter writer(path);
            writer.setResolution(72);
            writer.setPageSize(QPageSize(QSizeF(595, 842), QPageSize::Point));
            writer.setPageMargins(QMarginsF(0, 0, 0, 0));
            QPainter p(&writer);
            OverlayPainter(QStringLiteral("es"))
                .paint(p,
                       {OverlayBlock{
                            s, QStringLiteral("Pulse el <b>botón</b> y lea <i>manual</i> con <code>make</code>.")},
                        OverlayBlock{literal, QStringLiteral("Escriba <b>negrita</b> en HTML.")}},
                       QSizeF(595, 842));
        }
        auto doc = PdfDocument::open(path);
        QVERIFY(doc.ok());
        auto words = (*doc)->words(1);
        QVERIFY(words.ok());
        QStringList got;
        for (const Word &w : *words)
            got << QStringLiteral("%1:%2%3%4%5:%6")
                       .arg(w.text)
                       .arg(QLatin1String(w.style.bold ? "b" : ""))
                       .arg(QLatin1String(w.style.italic ? "i" : ""))
                       .arg(QLatin1String(w.style.mono ? "m" : ""))
                       .arg(QLatin1String(w.style.serif ? "s" : ""))
                       .arg(w.style.color.name());
        QCOMPARE(got.join(QLatin1Char(' ')),
                 QStringLiteral("Pulse:s:#116633 el:s:#116633 botón:bs:#116633 y:s:#116633 lea:s:#116633 "
                                "manual:is:#116633 con:s:#116633 make.:m:#116633 "
                                "Escriba:s:#116633 <b>negrita</b>:s:#116633 en:s:#116633 HTML.:s:#116633"));
    }

    /// A block that fits at its own size keeps it; one that does not shrinks only as much as it must (less than an
    /// 8% step when a few words are too many).
    void shrinksByAsLittleAsPossible() {
        auto make = [](const QString &text) {
            Segment s;
            s.id = QStringLiteral("x");
            s.fontSize = 10;
            s.box = QRectF(72, 100, 300, 33);
            s.lineBoxes = {QRectF(72, 100, 300, 9), QRectF(72, 112, 300, 9), QRectF(72, 124, 300, 9)};
            return OverlayBlock{s, text};
        };
        const QList<QRectF> obstacles = {QRectF(60, 140, 400, 100), QRectF(380, 60, 100, 200)};
        const OverlayPainter painter(QStringLiteral("es"), true);
        const QList<FittedBlock> roomy = painter.fit({make(kText.left(150))}, QSizeF(595, 842), obstacles);
        QCOMPARE(roomy[0].fontSize, 10.0);
        const QList<FittedBlock> tight =
            painter.fit({make(kText + QStringLiteral(" Y unas palabras más."))}, QSizeF(595, 842), obstacles);
        QVERIFY2(tight[0].fontSize < 10 && tight[0].fontSize > 9.2, qPrintable(QString::number(tight[0].fontSize)));
        QVERIFY(tight[0].complete);
    }
};

QTEST_MAIN(TestOverlayPainter)
#include "tst_overlaypainter.moc"
