#include "render/overlaypainter.h"

#include <QImage>
#include <QPainter>
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
};

QTEST_MAIN(TestOverlayPainter)
#include "tst_overlaypainter.moc"
