#include "fakes/fakehttpserver.h"
#include "fakes/fakeservices.h"
#include "fakes/pdfmaker.h"
#include "pdf/pdfdocument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace overtext;
using namespace testsupport;

namespace {

const QString kSerif = QStringLiteral("Liberation Serif");
const QString kSans = QStringLiteral("Liberation Sans");
const QString kMono = QStringLiteral("Liberation Mono");

struct Run {
    int exitCode = -1;
    QString err;
};

Run cli(const QStringList &args, const QString &home) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
    e.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    e.insert(QStringLiteral("OVERTEXT_TEST_KEY"), QStringLiteral("sk-test"));
    p.setProcessEnvironment(e);
    p.start(QStringLiteral(OVERTEXT_BIN_DIR "/overtext-cli"), args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    return Run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardError())};
}

/// The words of a page of an exported PDF, read back with their style.
QList<Word> wordsOf(const QString &pdf) {
    auto doc = PdfDocument::open(pdf);
    if (!doc)
        return {};
    auto words = (*doc)->words(1);
    return words ? *words : QList<Word>{};
}

const Word *wordNamed(const QList<Word> &words, const QString &text) {
    for (const Word &w : words)
        if (w.text == text)
            return &w;
    return nullptr;
}

} // namespace

/// The look of the original survives translation into the exported PDF: faces of the same class, weight and slant
/// per run (bold and italic words of a paragraph through an LLM that keeps the marks), the exact colours.
class TestStyleExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_pdf = m_dir.filePath(QStringLiteral("styled.pdf"));
        PdfMaker pdf;
        pdf.setStyle(PdfMaker::style(kSans, true, false, QColor(0xcc, 0x11, 0x22)));
        pdf.line(72, 90, QStringLiteral("Red Heading Here"), 16);
        pdf.runs(72, 130,
                 {{QStringLiteral("Press the "), PdfMaker::style(kSerif)},
                  {QStringLiteral("red button"), PdfMaker::style(kSerif, true)},
                  {QStringLiteral(" and read "), PdfMaker::style(kSerif)},
                  {QStringLiteral("the manual"), PdfMaker::style(kSerif, false, true)},
                  {QStringLiteral(" before you type "), PdfMaker::style(kSerif)},
                  {QStringLiteral("make install"), PdfMaker::style(kMono)},
                  {QStringLiteral(" at the prompt."), PdfMaker::style(kSerif)}},
                 11);
        pdf.box(QRectF(60, 180, 400, 60), QColor(0x20, 0x20, 0x40));
        pdf.setStyle(PdfMaker::style(kSans, false, false, Qt::white));
        pdf.line(72, 215, QStringLiteral("White words on a dark box"), 12);
        QVERIFY(pdf.save(m_pdf));
    }

    void llmKeepsRunsAndColours() {
        FakeServerThread server(fakeOpenAiHandler({}));
        QUrl base = server.baseUrl();
        base.setPath(QStringLiteral("/v1"));
        const QString out = m_dir.filePath(QStringLiteral("styled.es.pdf"));
        const QString segments = m_dir.filePath(QStringLiteral("segments.json"));
        const Run r = cli({QStringLiteral("translate"), m_pdf, QStringLiteral("--to"), QStringLiteral("es"),
                           QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--base-url"),
                           base.toString(), QStringLiteral("--model"), QStringLiteral("fake"),
                           QStringLiteral("--api-key-env"), QStringLiteral("OVERTEXT_TEST_KEY"), QStringLiteral("-o"),
                           out, QStringLiteral("--segments-out"), segments, QStringLiteral("--no-cache")},
                          m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // The request marked the bold and italic words and protected the inline code as a token.
        QString sent;
        for (const FakeRequest &req : server.server()->requests())
            sent += QString::fromUtf8(req.body);
        QVERIFY2(sent.contains(QStringLiteral("Press the <b>red button</b> and read <i>the manual</i> before you type "
                                              "\u27e60\u27e7 at the prompt.")),
                 qPrintable(sent));
        QVERIFY(sent.contains(QStringLiteral(
            "<b>\u2026</b>, <i>\u2026</i> and <em>\u2026</em> mark bold, italic and highlighted words")));

        // The segments file says the runs and styles of the original.
        QFile f(segments);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray array = QJsonDocument::fromJson(f.readAll()).array();
        QCOMPARE(array.size(), 3);
        QCOMPARE(array[0].toObject().value(QStringLiteral("color")).toString(), QStringLiteral("#cc1122"));
        QCOMPARE(array[0].toObject().value(QStringLiteral("bold")).toBool(), true);
        QVERIFY(array[1].toObject().value(QStringLiteral("runs")).toArray().size() >= 5);
        QCOMPARE(array[2].toObject().value(QStringLiteral("color")).toString(), QStringLiteral("#ffffff"));

        // The export: each run in its face, each block in its colour.
        const QList<Word> words = wordsOf(out);
        QVERIFY2(words.size() > 10, qPrintable(QString::number(words.size())));
        auto check = [&](const QString &text, bool bold, bool italic, bool mono, bool serif, const QString &color) {
            const Word *w = wordNamed(words, text);
            QVERIFY2(w, qPrintable(text));
            const QString got = QStringLiteral("%1 b%2 i%3 m%4 s%5 %6")
                                    .arg(text)
                                    .arg(w->style.bold)
                                    .arg(w->style.italic)
                                    .arg(w->style.mono)
                                    .arg(w->style.serif)
                                    .arg(w->style.color.name());
            const QString want =
                QStringLiteral("%1 b%2 i%3 m%4 s%5 %6").arg(text).arg(bold).arg(italic).arg(mono).arg(serif).arg(color);
            QCOMPARE(got, want);
        };
        check(QStringLiteral("Heading"), true, false, false, false, QStringLiteral("#cc1122"));
        check(QStringLiteral("Press"), false, false, false, true, QStringLiteral("#000000"));
        check(QStringLiteral("button"), true, false, false, true, QStringLiteral("#000000"));
        check(QStringLiteral("manual"), false, true, false, true, QStringLiteral("#000000"));
        check(QStringLiteral("install"), false, false, true, false, QStringLiteral("#000000"));
        check(QStringLiteral("prompt."), false, false, false, true, QStringLiteral("#000000"));
        check(QStringLiteral("dark"), false, false, false, false, QStringLiteral("#ffffff"));
        // The fake's translation ("[es] …") is what is there: the original words were taken out.
        QCOMPARE(
            std::count_if(words.begin(), words.end(), [](const Word &w) { return w.text == QLatin1String("[es]"); }),
            3);
    }

    /// Apertium carries the marks through its HTML format: its bold and italic words are painted in their faces
    /// too, and no tag reaches the page.
    void apertiumKeepsRunsThroughItsHtmlFormat() {
        const QString out = m_dir.filePath(QStringLiteral("styled.apertium.pdf"));
        const Run r = cli({QStringLiteral("translate"), m_pdf, QStringLiteral("--to"), QStringLiteral("es"),
                           QStringLiteral("-o"), out, QStringLiteral("--no-cache")},
                          m_dir.path());
        if (r.exitCode != 0 && r.err.contains(QLatin1String("apertium")))
            QSKIP("Apertium's English-Spanish pair is not installed");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<Word> words = wordsOf(out);
        int serif = 0;
        for (const Word &w : words) {
            QVERIFY2(!w.text.contains(QLatin1Char('<')), qPrintable(w.text));
            serif += w.style.serif && !w.style.bold && w.style.color == QColor(Qt::black);
        }
        QVERIFY2(serif >= 8, qPrintable(QString::number(serif)));
        const Word *button = wordNamed(words, QStringLiteral("botón"));
        QVERIFY(button && button->style.bold && button->style.serif);
        const Word *manual = wordNamed(words, QStringLiteral("manual"));
        QVERIFY(manual && manual->style.italic && !manual->style.bold);
        const Word *code = wordNamed(words, QStringLiteral("install"));
        QVERIFY(code && code->style.mono);
    }

private:
    QTemporaryDir m_dir;
    QString m_pdf;
};

QTEST_MAIN(TestStyleExport)
#include "tst_styleexport.moc"
