#include "fakes/pdfmaker.h"
#include "pdf/pdfdocument.h"
#include "render/pdfexporter.h"
#include "testpaths.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace overtext;

namespace {

/// A stand-in translation that shares no word with its source: every word reversed and marked.
QString pseudoTranslate(const QString &text) {
    QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (QString &w : words) {
        std::reverse(w.begin(), w.end());
        w = QStringLiteral("x") + w;
    }
    return words.join(QLatin1Char(' '));
}

QList<ExportPage> translateAll(const QString &pdf, const std::function<QString(const QString &)> &translate,
                               QList<Segment> *all = nullptr) {
    auto doc = PdfDocument::open(pdf);
    QList<ExportPage> pages;
    for (int p = 1; doc && p <= (*doc)->pageCount(); ++p) {
        ExportPage page;
        page.page = p;
        const QList<Segment> segments = (*doc)->segments(p).value();
        for (const Segment &s : segments) {
            if (all)
                all->append(s);
            if (s.kind == SegmentKind::Prose)
                page.blocks.append(OverlayBlock{s, translate(s.text)});
            else
                page.obstacles.append(s.box);
        }
        pages.append(page);
    }
    return pages;
}

QString pdftotext(const QString &pdf, const QStringList &extra = {}) {
    QProcess p;
    p.start(QStringLiteral("pdftotext"), extra + QStringList{pdf, QStringLiteral("-")});
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

int countOf(const QString &tool, const QString &pdf, const QRegularExpression &line) {
    QProcess p;
    p.start(tool, {pdf});
    p.waitForFinished(60000);
    int n = 0;
    for (const QString &l : QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n')))
        n += line.match(l).hasMatch();
    return n;
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void translationReplacesTheOriginalText() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("sample.es.pdf"));
        QList<Segment> segments;
        const auto pages = translateAll(testpaths::samplePdf(), pseudoTranslate, &segments);
        auto report = PdfExporter::exportPdf(testpaths::samplePdf(), {}, out, pages,
                                             {ExportOptions::Mode::Translation, QStringLiteral("es")});
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        if (const QString keep = qEnvironmentVariable("OVERTEXT_KEEP_TEST_PDFS"); !keep.isEmpty())
            QFile::copy(out, keep + QStringLiteral("/sample.es.pdf"));
        QVERIFY(report->textOperatorsRemoved > 0);
        QVERIFY2(report->warnings.isEmpty(), qPrintable(report->warnings.join(QLatin1Char('\n'))));
        const QString text = pdftotext(out).simplified();
        for (const Segment &s : segments) {
            if (s.kind != SegmentKind::Prose)
                continue;
            // Every translated word is there, none of the original's words (longer than 3 letters) is.
            for (const QString &w : pseudoTranslate(s.text).split(QLatin1Char(' ')))
                QVERIFY2(text.contains(w), qPrintable(QStringLiteral("missing %1").arg(w)));
            for (const QString &w : s.text.split(QLatin1Char(' ')))
                if (w.size() > 3 && w.front().isLetter())
                    QVERIFY2(!text.contains(QLatin1Char(' ') + w + QLatin1Char(' ')),
                             qPrintable(QStringLiteral("original word %1 still there").arg(w)));
        }
        // Fonts are embedded.
        const QRegularExpression notEmbedded(QStringLiteral(R"(\s+no\s+\S+\s+\S+\s+\d+\s+\d+\s*$)"));
        QCOMPARE(countOf(QStringLiteral("pdffonts"), out, notEmbedded), 0);
        // The page is otherwise the same: size, count.
        auto doc = PdfDocument::open(out);
        QVERIFY(doc.ok());
        QCOMPARE((*doc)->pageCount(), 2);
        QCOMPARE((*doc)->pageInfo(1).size, QSizeF(595, 842));
    }

    void outputEqualToInputIsRefused() {
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("in.pdf"));
        QVERIFY(QFile::copy(testpaths::samplePdf(), copy));
        const QByteArray before = [&] {
            QFile f(copy);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        auto r = PdfExporter::exportPdf(copy, {}, copy, translateAll(copy, pseudoTranslate), {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Usage);
        QFile f(copy);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    void deniedFolderLeavesNothing() {
        QTemporaryDir dir;
        const QString locked = dir.filePath(QStringLiteral("locked"));
        QVERIFY(QDir().mkdir(locked));
        QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        if (QFileInfo(locked).isWritable())
            QSKIP("running as a user who can write anywhere");
        auto r = PdfExporter::exportPdf(testpaths::samplePdf(), {}, locked + QStringLiteral("/out.pdf"),
                                        translateAll(testpaths::samplePdf(), pseudoTranslate), {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QLatin1String("permission")));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
