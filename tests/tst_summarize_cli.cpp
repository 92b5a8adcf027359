#include "fakes/fakeservices.h"
#include "fakes/pdfmaker.h"
#include "fakes/pdftext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace testsupport;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

/// Runs overtext-cli with its own cache directory (XDG_CACHE_HOME) and extra environment.
Run cli(const QStringList &args, const QString &cacheHome, const QStringList &env = {}) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome);
    for (const QString &kv : env)
        e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    p.setProcessEnvironment(e);
    p.start(QStringLiteral(OVERTEXT_BIN_DIR "/overtext-cli"), args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
    }
    return Run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
               QString::fromUtf8(p.readAllStandardError())};
}

int pageCount(const QString &pdf) {
    QProcess p;
    p.start(QStringLiteral("pdfinfo"), {pdf});
    p.waitForFinished(60000);
    static const QRegularExpression pages(QStringLiteral(R"(Pages:\s+(\d+))"));
    return pages.match(QString::fromUtf8(p.readAllStandardOutput())).captured(1).toInt();
}

/// The arguments that point a command at the fake OpenAI-compatible server.
QStringList fakeOpenAi(const FakeServerThread &server) {
    QUrl base = server.baseUrl();
    base.setPath(QStringLiteral("/v1"));
    return {QStringLiteral("--provider"), QStringLiteral("openai"),    QStringLiteral("--base-url"), base.toString(),
            QStringLiteral("--model"),    QStringLiteral("fake-model")};
}

QString readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool apertiumHasPair(const QString &pair) {
    if (QStandardPaths::findExecutable(QStringLiteral("apertium")).isEmpty())
        return false;
    QProcess p;
    p.start(QStringLiteral("apertium"), {QStringLiteral("-u"), QStringLiteral("-f"), QStringLiteral("none"), pair});
    p.write("hello\n");
    p.closeWriteChannel();
    return p.waitForFinished(20000) && p.exitCode() == 0;
}

} // namespace

class TestSummarizeCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usageErrors_data();
    void usageErrors();
    void neverOverwritesTheInput();
    void llmSummaryThroughTheCli();
    void longDocumentPrintsTheEstimateAndCombines();
    void extractiveApertiumSummaryOfACorpusDocument();
    void translateWritesTheCombinedSummaryAndCover();
    void translateSummaryGoesWhereThePdfGoes();
    void failedSummaryLeavesNoFile();

private:
    QTemporaryDir m_dir;
    QString m_pdf;
    QString m_longPdf;
};

void TestSummarizeCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Ten pages of about 3,500 characters each: more than one request's budget (24,000), so parts and a combine.
    m_longPdf = m_dir.filePath(QStringLiteral("long.pdf"));
    PdfMaker longMaker;
    longMaker.setTitle(QStringLiteral("The Long Crossing"));
    for (int page = 1; page <= 10; ++page) {
        if (page > 1)
            longMaker.newPage();
        QString text;
        while (text.size() < 3500)
            text += QStringLiteral("On page %1 the ferry crosses the bay while passengers watch the islands pass. ")
                        .arg(page);
        longMaker.paragraph(40, 50, 515, text, 9);
    }
    QVERIFY(longMaker.save(m_longPdf));
    m_pdf = m_dir.filePath(QStringLiteral("harbour.pdf"));
    PdfMaker maker;
    const QString para = QStringLiteral("The harbour wakes before dawn when the fishermen check their nets and boats. "
                                        "Gulls circle above the quay while the boats leave the harbour one by one.");
    for (int page = 1; page <= 3; ++page) {
        if (page > 1)
            maker.newPage();
        maker.line(56, 70, QStringLiteral("Chapter %1").arg(page), 20);
        maker.paragraph(56, 110, 480, para, 11);
    }
    QVERIFY(maker.save(m_pdf));
}

void TestSummarizeCli::usageErrors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no --to") << QStringList{QStringLiteral("x.pdf")} << QStringLiteral("usage:");
    QTest::newRow("no file") << QStringList{QStringLiteral("--to"), QStringLiteral("es")} << QStringLiteral("usage:");
    QTest::newRow("key on the command line")
        << QStringList{QStringLiteral("x.pdf"), QStringLiteral("--to"), QStringLiteral("es"),
                       QStringLiteral("--api-key"), QStringLiteral("sk-1")}
        << QStringLiteral("--api-key-env");
    QTest::newRow("unknown provider") << QStringList{QStringLiteral("x.pdf"), QStringLiteral("--to"),
                                                     QStringLiteral("es"), QStringLiteral("--provider"),
                                                     QStringLiteral("nosuch")}
                                      << QStringLiteral("--provider must be");
    QTest::newRow("unset key variable") << QStringList{QStringLiteral("x.pdf"),
                                                       QStringLiteral("--to"),
                                                       QStringLiteral("es"),
                                                       QStringLiteral("--provider"),
                                                       QStringLiteral("openai"),
                                                       QStringLiteral("--api-key-env"),
                                                       QStringLiteral("OVERTEXT_NO_SUCH_VAR")}
                                        << QStringLiteral("OVERTEXT_NO_SUCH_VAR is not set");
    QTest::newRow("missing value") << QStringList{QStringLiteral("x.pdf"), QStringLiteral("--to")}
                                   << QStringLiteral("--to needs a value");
}

void TestSummarizeCli::usageErrors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = cli(QStringList{QStringLiteral("summarize")} + args, m_dir.filePath(QStringLiteral("cache")));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestSummarizeCli::neverOverwritesTheInput() {
    const QByteArray before = readAll(m_pdf).toUtf8();
    const Run r = cli(
        {QStringLiteral("summarize"), m_pdf, QStringLiteral("--to"), QStringLiteral("es"), QStringLiteral("-o"), m_pdf},
        m_dir.filePath(QStringLiteral("cache")));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("overwrite the input")), qPrintable(r.err));
    QCOMPARE(readAll(m_pdf).toUtf8(), before);
    // A missing file is a one-line failure, exit 1.
    const Run missing = cli({QStringLiteral("summarize"), m_dir.filePath(QStringLiteral("nope.pdf")),
                             QStringLiteral("--to"), QStringLiteral("es")},
                            m_dir.filePath(QStringLiteral("cache")));
    QCOMPARE(missing.exitCode, 1);
    QCOMPARE(missing.err.trimmed().count(QLatin1Char('\n')), 0);
}

void TestSummarizeCli::llmSummaryThroughTheCli() {
    FakeServerThread server(fakeOpenAiHandler({}));
    QUrl base = server.baseUrl();
    base.setPath(QStringLiteral("/v1"));
    const QString cache = m_dir.filePath(QStringLiteral("cache-llm"));
    const QStringList args{QStringLiteral("summarize"),     m_pdf,
                           QStringLiteral("--to"),          QStringLiteral("es"),
                           QStringLiteral("--provider"),    QStringLiteral("openai"),
                           QStringLiteral("--base-url"),    base.toString(),
                           QStringLiteral("--model"),       QStringLiteral("fake-model"),
                           QStringLiteral("--api-key-env"), QStringLiteral("OVERTEXT_TEST_KEY")};
    const Run r = cli(args, cache, {QStringLiteral("OVERTEXT_TEST_KEY=sk-test-123456")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.isEmpty()); // only the summary file is written
    const QString md = readAll(m_dir.filePath(QStringLiteral("harbour.es.summary.md")));
    QVERIFY2(md.startsWith(QLatin1String("# ")), qPrintable(md));
    QVERIFY(md.contains(QLatin1String("## Resumen\n\nSummary [es] of 3 pages.")));
    QVERIFY(md.contains(QLatin1String("## Puntos clave")));
    for (int p = 1; p <= 3; ++p)
        QVERIFY(md.contains(QStringLiteral("(p. %1)\n").arg(p)));
    QVERIFY(md.contains(QLatin1String("fake-model (OpenAI-compatible), one request")));
    const QList<FakeRequest> requests = server.server()->requests();
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().headers.value("authorization"), QByteArray("Bearer sk-test-123456"));

    // The second run is served from the cache.
    const Run again = cli(args, cache, {QStringLiteral("OVERTEXT_TEST_KEY=sk-test-123456")});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.err.contains(QLatin1String("from the cache")));
    QCOMPARE(server.server()->requestCount(), 1);
    QCOMPARE(readAll(m_dir.filePath(QStringLiteral("harbour.es.summary.md"))), md);
}

void TestSummarizeCli::longDocumentPrintsTheEstimateAndCombines() {
    const QString pdf = m_longPdf;
    FakeServerThread server(fakeOpenAiHandler({}));
    QUrl base = server.baseUrl();
    base.setPath(QStringLiteral("/v1"));
    const QString out = m_dir.filePath(QStringLiteral("long.md"));
    const Run r =
        cli({QStringLiteral("summarize"), pdf, QStringLiteral("--to"), QStringLiteral("de"),
             QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--base-url"), base.toString(),
             QStringLiteral("--model"), QStringLiteral("fake-model"), QStringLiteral("-o"), out},
            m_dir.filePath(QStringLiteral("cache-long")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    static const QRegularExpression estimate(
        QStringLiteral(R"(the document is long: (\d+) parts and one combine, (\d+) requests, about (\d+) input)"));
    const auto m = estimate.match(r.err);
    QVERIFY2(m.hasMatch(), qPrintable(r.err));
    const int parts = m.captured(1).toInt();
    QVERIFY(parts >= 2);
    QCOMPARE(m.captured(2).toInt(), parts + 1);
    QVERIFY(m.captured(3).toInt() > 30000 / 4);
    QCOMPARE(server.server()->requestCount(), parts + 1);
    const QString md = readAll(out);
    QVERIFY2(md.contains(QStringLiteral("Combined summary [de] of %1 parts covering 10 pages.").arg(parts)),
             qPrintable(md));
    QVERIFY(md.contains(QLatin1String("## Zusammenfassung")));
    QVERIFY(md.contains(QLatin1String("(p. 10)")));
    QVERIFY(md.contains(QLatin1String("map-and-combine")));
}

void TestSummarizeCli::extractiveApertiumSummaryOfACorpusDocument() {
    const QString corpus = QStringLiteral(OVERTEXT_CORPUS_DIR "/prose-en-latex-cfgguide.pdf");
    if (!QFileInfo::exists(corpus))
        QSKIP("the corpus is not here");
    if (!apertiumHasPair(QStringLiteral("eng-spa")))
        QSKIP("apertium with the eng-spa pair is not installed");
    const QString out = m_dir.filePath(QStringLiteral("cfgguide.es.summary.md"));
    const QStringList args{QStringLiteral("summarize"), corpus, QStringLiteral("--to"), QStringLiteral("es"),
                           QStringLiteral("-o"),        out};
    const Run r = cli(args, m_dir.filePath(QStringLiteral("cache-a")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString md = readAll(out);
    QVERIFY(md.startsWith(QLatin1String("# ")));
    QVERIFY(md.contains(QLatin1String("## Resumen")));
    QVERIFY(md.contains(QLatin1String("## Puntos clave")));
    QVERIFY(md.count(QLatin1String("(p. ")) >= 5);
    QVERIFY(md.contains(QLatin1String("translated by Apertium (eng-spa)")));
    // Spanish, not English: Apertium's articles and prepositions appear, the original's do not dominate.
    QVERIFY(md.count(QLatin1String(" la ")) + md.count(QLatin1String(" el ")) + md.count(QLatin1String(" de ")) > 5);
    QVERIFY2(md.count(QLatin1String(" the ")) < 3, qPrintable(md));

    // Deterministic: a fresh cache gives the same file.
    const Run again = cli(args, m_dir.filePath(QStringLiteral("cache-b")));
    QCOMPARE(again.exitCode, 0);
    QVERIFY(!again.err.contains(QLatin1String("from the cache")));
    QCOMPARE(readAll(out), md);
}

void TestSummarizeCli::translateWritesTheCombinedSummaryAndCover() {
    // A long document translated with --summary and --summary-cover: the summary takes the map-and-combine route,
    // the Markdown beside the PDF holds the combined answer with page references, and the PDF starts with it.
    QTemporaryDir dir;
    const QString input = dir.filePath(QStringLiteral("long.pdf"));
    QVERIFY(QFile::copy(m_longPdf, input));
    FakeServerThread server(fakeOpenAiHandler({}));
    const QStringList args = QStringList{QStringLiteral("translate"), input,
                                         QStringLiteral("--to"),      QStringLiteral("es"),
                                         QStringLiteral("--summary"), QStringLiteral("--summary-cover"),
                                         QStringLiteral("--cache"),   dir.filePath(QStringLiteral("t.sqlite"))} +
                             fakeOpenAi(server);
    const Run r = cli(args, dir.filePath(QStringLiteral("cache")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto estimate = QRegularExpression(QStringLiteral(R"(the document is long: (\d+) parts)")).match(r.err);
    QVERIFY2(estimate.hasMatch(), qPrintable(r.err));
    const int parts = estimate.captured(1).toInt();
    QVERIFY(parts >= 2);
    const QString mdPath = dir.filePath(QStringLiteral("long.es.summary.md"));
    const QString md = readAll(mdPath);
    QVERIFY2(
        md.contains(QStringLiteral("## Resumen\n\nCombined summary [es] of %1 parts covering 10 pages.").arg(parts)),
        qPrintable(md));
    for (int p = 1; p <= 10; ++p)
        QVERIFY2(md.contains(QStringLiteral("- Point [es] about page %1 (p. %1)\n").arg(p)), qPrintable(md));
    QVERIFY(md.contains(QStringLiteral("map-and-combine over %1 parts").arg(parts)));
    QVERIFY(r.err.contains(QStringLiteral("wrote ") + mdPath));

    // The cover: the summary on page 1, then the ten translated pages.
    const QString pdf = dir.filePath(QStringLiteral("long.es.pdf"));
    const int pages = pageCount(pdf);
    QVERIFY2(pages >= 11, qPrintable(QString::number(pages)));
    const int coverPages = pages - 10;
    const QString cover = pdftotextPage(pdf, 1);
    QVERIFY2(cover.contains(QStringLiteral("Combined summary [es] of %1 parts").arg(parts)), qPrintable(cover));
    QVERIFY(cover.contains(QLatin1String("Puntos clave")));
    for (int p = 1; p <= 10; ++p) {
        const QString text = pdftotextPage(pdf, coverPages + p);
        QVERIFY2(text.contains(QStringLiteral("[es] On page %1 the ferry").arg(p)), qPrintable(text));
    }

    // A rerun asks for nothing: translations and summary come from their caches, and give the same file.
    const int requests = server.server()->requestCount();
    QFile::remove(mdPath);
    const Run again = cli(args, dir.filePath(QStringLiteral("cache")));
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QCOMPARE(server.server()->requestCount(), requests);
    QVERIFY(again.err.contains(QLatin1String("(from the cache)")));
    QCOMPARE(readAll(mdPath), md);
    QVERIFY2(md.startsWith(QLatin1String("# The Long Crossing")), qPrintable(md.left(80))); // its own title

    // `summarize` on the same document finds the summary `translate --summary` paid for: same title, same key.
    QStringList summarize = args;
    summarize[0] = QStringLiteral("summarize");
    summarize.removeAll(QStringLiteral("--summary"));
    summarize.removeAll(QStringLiteral("--summary-cover"));
    const int cacheAt = int(summarize.indexOf(QStringLiteral("--cache")));
    summarize.remove(cacheAt, 2);
    summarize += {QStringLiteral("-o"), dir.filePath(QStringLiteral("again.md"))};
    const Run alone = cli(summarize, dir.filePath(QStringLiteral("cache")));
    QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
    QVERIFY2(alone.err.contains(QLatin1String("(from the cache)")), qPrintable(alone.err));
    QCOMPARE(server.server()->requestCount(), requests);
}

void TestSummarizeCli::translateSummaryGoesWhereThePdfGoes() {
    QTemporaryDir dir;
    FakeServerThread server(fakeOpenAiHandler({}));
    const QString out = dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    // -o names the PDF: the summary lands in its folder, named after the input.
    Run r = cli(QStringList{QStringLiteral("translate"), m_pdf, QStringLiteral("--to"), QStringLiteral("fr"),
                            QStringLiteral("--summary"), QStringLiteral("-o"),
                            QDir(out).filePath(QStringLiteral("mine.pdf"))} +
                    fakeOpenAi(server),
                dir.filePath(QStringLiteral("cache")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString md = readAll(QDir(out).filePath(QStringLiteral("harbour.fr.summary.md")));
    QVERIFY2(md.contains(QLatin1String("Summary [fr] of 3 pages.")), qPrintable(md));
    QVERIFY(md.contains(QLatin1String("(p. 3)")));
    QCOMPARE(pageCount(QDir(out).filePath(QStringLiteral("mine.pdf"))), 3); // no cover unless asked
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("harbour.fr.summary.md"))));

    // Only --segments-out: no PDF, and the summary goes beside the input.
    QTemporaryDir beside;
    const QString input = beside.filePath(QStringLiteral("harbour.pdf"));
    QVERIFY(QFile::copy(m_pdf, input));
    r = cli(QStringList{QStringLiteral("translate"), input, QStringLiteral("--to"), QStringLiteral("fr"),
                        QStringLiteral("--summary"), QStringLiteral("--segments-out"),
                        dir.filePath(QStringLiteral("segments.json"))} +
                fakeOpenAi(server),
            dir.filePath(QStringLiteral("cache")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(readAll(beside.filePath(QStringLiteral("harbour.fr.summary.md"))).contains(QLatin1String("(p. 2)")));
    QVERIFY(!QFileInfo::exists(beside.filePath(QStringLiteral("harbour.fr.pdf"))));
}

void TestSummarizeCli::failedSummaryLeavesNoFile() {
    QTemporaryDir dir;
    const QString input = dir.filePath(QStringLiteral("harbour.pdf"));
    QVERIFY(QFile::copy(m_pdf, input));
    const QString translations = dir.filePath(QStringLiteral("t.sqlite"));
    {
        // First the translation alone, into the cache.
        FakeServerThread server(fakeOpenAiHandler({}));
        const Run r = cli(QStringList{QStringLiteral("translate"), input, QStringLiteral("--to"), QStringLiteral("de"),
                                      QStringLiteral("--cache"), translations} +
                              fakeOpenAi(server),
                          dir.filePath(QStringLiteral("cache")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
    // A summary from an earlier run is there; now the service fails every request.
    const QString mdPath = dir.filePath(QStringLiteral("harbour.de.summary.md"));
    {
        QFile old(mdPath);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("old summary\n");
    }
    FakeBehaviour failing;
    failing.always = Fault::Unauthorized;
    FakeServerThread server(fakeOpenAiHandler(failing));
    const Run r = cli(QStringList{QStringLiteral("translate"), input, QStringLiteral("--to"), QStringLiteral("de"),
                                  QStringLiteral("--summary"), QStringLiteral("--cache"), translations} +
                          fakeOpenAi(server),
                      dir.filePath(QStringLiteral("cache")));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QLatin1String("harbour.pdf: no summary:")), qPrintable(r.err));
    QCOMPARE(server.server()->requestCount(), 1); // the translation came from the cache; the summary was asked once
    QCOMPARE(readAll(mdPath), QStringLiteral("old summary\n"));
    // Nothing half-written beside it.
    const QStringList files = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    for (const QString &f : files)
        QVERIFY2(!f.contains(QLatin1String("summary")) || f == QLatin1String("harbour.de.summary.md"), qPrintable(f));
    QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("harbour.de.pdf")))); // the translation is still written
}

QTEST_MAIN(TestSummarizeCli)
#include "tst_summarize_cli.moc"
