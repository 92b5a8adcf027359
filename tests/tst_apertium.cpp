#include "fakes/runtask.h"
#include "pdf/markup.h"
#include "testpaths.h"
#include "translate/apertiumprovider.h"
#include "translate/providerfactory.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace overtext;
using testsupport::await;

namespace {
bool haveApertium() {
    return !ApertiumProvider::executable().isEmpty() &&
           ApertiumProvider::installedPairs().contains(QStringLiteral("eng-spa"));
}

struct CliRun {
    int exitCode = -1;
    QByteArray out, err;
};

CliRun cli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(testpaths::cli(), args);
    if (!p.waitForFinished(25000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

const QString kStories = QStringLiteral("/prose-en-pdkids-stories.pdf");
} // namespace

class TestApertium : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void languageCodes() {
        QCOMPARE(ApertiumProvider::apertiumCode(QStringLiteral("en")), QStringLiteral("eng"));
        QCOMPARE(ApertiumProvider::apertiumCode(QStringLiteral("es")), QStringLiteral("spa"));
        QCOMPARE(ApertiumProvider::apertiumCode(QStringLiteral("pt-BR")), QStringLiteral("por"));
        QCOMPARE(ApertiumProvider::apertiumCode(QStringLiteral("en_US")), QStringLiteral("eng"));
        QCOMPARE(ApertiumProvider::apertiumCode(QStringLiteral("cat")), QStringLiteral("cat"));
        QVERIFY(ApertiumProvider::apertiumCode(QStringLiteral("xx")).isEmpty());
    }

    void decodeIsRobust() {
        const QList<TranslationUnit> units = {{QStringLiteral("a"), QStringLiteral("x")},
                                              {QStringLiteral("b"), QStringLiteral("y")},
                                              {QStringLiteral("c"), QStringLiteral("z")}};
        const QByteArray encoded = ApertiumProvider::encodeBatch(
            {{QStringLiteral("a"), QStringLiteral("1 < 2 & 3 > 0")}, {QStringLiteral("b"), QStringLiteral("b")}});
        QCOMPARE(encoded, QByteArray("<p id=\"ovt0\">1 &lt; 2 &amp; 3 &gt; 0</p>\n<p id=\"ovt1\">b</p>\n"));
        const QByteArray out = "<p id=\"ovt0\">Uno &amp; &#233;l &#x263A; &quot;q&quot;</p>\n"
                               "<p id=\"ovt2\">  tres\n  l\xC3\xADneas </p><p id=\"ovt9\">fuera</p>";
        const auto got = ApertiumProvider::decodeBatch(out, units);
        QCOMPARE(got.size(), 2); // b missing, ovt9 out of range
        QCOMPARE(got.value(QStringLiteral("a")), QStringLiteral("Uno & él ☺ \"q\""));
        QCOMPARE(got.value(QStringLiteral("c")), QStringLiteral("tres líneas"));
    }

    void unknownPairIsAClearUsageError() {
        auto r = ApertiumProvider::modeFor(QStringLiteral("en"), QStringLiteral("ja"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Usage);
        QVERIFY2(r.error().message.contains(QLatin1String("Installed pairs")), qPrintable(r.error().message));
    }

    void factory() {
        auto a = createProvider(ProviderConfig{}, {});
        QVERIFY(a.ok());
        QCOMPARE(a.value()->name(), QStringLiteral("apertium"));
        QCOMPARE(a.value()->batchBudgetChars(), 20000);
        // A local OpenAI-compatible server needs no key; DeepL does.
        auto o = createProvider(ProviderConfig{QStringLiteral("openai"), {}, {}, {}}, {});
        QVERIFY(o.ok());
        QCOMPARE(o.value()->name(), QStringLiteral("openai"));
        auto d = createProvider(ProviderConfig{QStringLiteral("deepl"), {}, {}, {}}, {});
        QVERIFY(!d.ok());
        QVERIFY(d.error().message.contains(QLatin1String("needs an API key")));
        auto u = createProvider(ProviderConfig{QStringLiteral("babelfish"), {}, {}, {}}, {});
        QVERIFY(!u.ok());
        QCOMPARE(u.error().code, Error::Usage);
        // A named key variable that is not set is an error of the key lookup.
        auto k = testsupport::runTask(
            findApiKey(ProviderConfig{QStringLiteral("apertium"), {}, {}, QStringLiteral("OVT_SURELY_UNSET_VAR"), {}},
                       KeyStore()));
        QVERIFY(k && !k->ok());
        QVERIFY(k->error().message.contains(QLatin1String("OVT_SURELY_UNSET_VAR")));
    }

    void batchRoundTripsInOneProcess() {
        if (!haveApertium())
            QSKIP("apertium with eng-spa is not installed");
        ApertiumProvider provider;
        TranslationRequest request;
        request.sourceLang = QStringLiteral("en");
        request.targetLang = QStringLiteral("es");
        const QStringList tricky = {
            QStringLiteral("The house is red."),
            QStringLiteral("Cats & dogs < birds > fish"),
            QStringLiteral("Brackets [a] ^caret$ {brace} @at *star \\back /slash"),
            QStringLiteral("\"Quoted\" it's O'Neill's"),
            QStringLiteral("a line\nbroken inside the unit"),
            QStringLiteral("Naïve café résumé — “curly” ☺"),
            QStringLiteral("[[[OVT7]]] looks like a separator"),
            QStringLiteral("</p><p id=\"ovt0\">injected"),
            QStringLiteral("no period at the end"),
        };
        for (int i = 0; i < 60; ++i)
            request.units.append({QStringLiteral("u%1").arg(i), tricky[i % tricky.size()]});
        QElapsedTimer clock;
        clock.start();
        auto result = await(provider.translate(request, {}, CancelToken()));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->translations.size(), 60); // every unit came back under its own id
        QCOMPARE(result->translations.value(QStringLiteral("u0")), QStringLiteral("La casa es roja."));
        QVERIFY(result->translations.value(QStringLiteral("u1")).contains(QLatin1Char('&')));
        QVERIFY(result->translations.value(QStringLiteral("u1")).contains(QLatin1Char('<')));
        QVERIFY(result->translations.value(QStringLiteral("u5")).contains(QStringLiteral("☺")));
        QVERIFY(result->translations.value(QStringLiteral("u7"))
                    .startsWith(QLatin1String("</p><p id=\"ovt0\">"))); // markup in the text stays text
        QVERIFY(!result->translations.value(QStringLiteral("u0")).contains(QLatin1Char('*'))); // -u
        QCOMPARE(result->translations.value(QStringLiteral("u9")), result->translations.value(QStringLiteral("u0")));
        qInfo("60 units in one apertium process: %lld ms", clock.elapsed());
    }

    /// Inline marks travel through Apertium's HTML format: bold and italic around the translated words, inline code
    /// verbatim; a literal "<b>" in a text without marks stays text.
    void markupSurvives() {
        if (!haveApertium())
            QSKIP("apertium with eng-spa is not installed");
        ApertiumProvider provider;
        QVERIFY(provider.keepsMarkup());
        TranslationRequest request;
        request.sourceLang = QStringLiteral("en");
        request.targetLang = QStringLiteral("es");
        request.units = {{QStringLiteral("m"), QStringLiteral("Press the <b>red button</b> and read <i>the old "
                                                              "manual</i> before you type <code>the house</code>.")},
                         {QStringLiteral("l"), QStringLiteral("Write a < b and <b> alone.")}};
        auto result = await(provider.translate(request, {}, CancelToken()));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const QString m = result->translations.value(QStringLiteral("m"));
        QVERIFY2(m.contains(QStringLiteral("<b>botón rojo</b>")) &&
                     m.contains(QStringLiteral("<i>el manual viejo</i>")),
                 qPrintable(m));
        QVERIFY2(m.contains(QLatin1String("<code>the house</code>")), qPrintable(m)); // not "la casa"
        QVERIFY(markup::wellFormed(m));
        QVERIFY2(result->translations.value(QStringLiteral("l")).contains(QLatin1String("< b y <b>")),
                 qPrintable(result->translations.value(QStringLiteral("l"))));
    }

    void cancelKillsTheProcess() {
        if (!haveApertium())
            QSKIP("apertium with eng-spa is not installed");
        ApertiumProvider provider;
        TranslationRequest request;
        request.sourceLang = QStringLiteral("en");
        request.targetLang = QStringLiteral("es");
        for (int i = 0; i < 400; ++i)
            request.units.append({QString::number(i), QStringLiteral("The old man walked slowly to the market and "
                                                                     "bought some bread for his family. ")
                                                          .repeated(3)});
        // Apertium's script makes temp files in $TMPDIR and removes them on exit, which a killed script never
        // reaches: a killed run must leave nothing behind in the user's temp folder.
        QTemporaryDir tmp;
        const QByteArray oldTmp = qgetenv("TMPDIR");
        qputenv("TMPDIR", QFile::encodeName(tmp.path()));
        CancelToken cancel;
        QTimer::singleShot(150, [cancel] { cancel.cancel(); });
        QElapsedTimer clock;
        clock.start();
        auto result = await(provider.translate(request, {}, cancel));
        if (oldTmp.isEmpty())
            qunsetenv("TMPDIR");
        else
            qputenv("TMPDIR", oldTmp);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Cancelled);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        const QStringList left = QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
    }

    void cliTranslatesACorpusPageOffline() {
        if (!haveApertium())
            QSKIP("apertium with eng-spa is not installed");
        const QString pdf = testpaths::corpusDir() + kStories;
        if (!QFile::exists(pdf))
            QSKIP("corpus not available");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("seg.json"));
        const CliRun r =
            cli({QStringLiteral("translate"), pdf, QStringLiteral("--to"), QStringLiteral("es"),
                 QStringLiteral("--pages"), QStringLiteral("1"), QStringLiteral("--no-cache"),
                 QStringLiteral("--segments-out"), out, QStringLiteral("-o"), dir.filePath(QStringLiteral("x.pdf"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // The translated PDF is written where -o says, and holds Spanish.
        QVERIFY2(QFile::exists(dir.filePath(QStringLiteral("x.pdf"))), r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray segments = QJsonDocument::fromJson(f.readAll()).array();
        QVERIFY(segments.size() > 5);
        QString all;
        for (const QJsonValue &v : segments) {
            const QJsonObject s = v.toObject();
            QVERIFY(s.contains(QStringLiteral("id")) && s.contains(QStringLiteral("box")) &&
                    s.contains(QStringLiteral("text")));
            QVERIFY(!s.contains(QStringLiteral("file"))); // one input file
            const QString status = s.value(QStringLiteral("status")).toString();
            QVERIFY2(status == QLatin1String("translated") || status == QLatin1String("skipped"), qPrintable(status));
            if (status == QLatin1String("translated"))
                all += s.value(QStringLiteral("translation")).toString() + QLatin1Char(' ');
        }
        // Spanish came out: common function words that English text does not have.
        int hits = 0;
        for (const char *w : {" el ", " la ", " los ", " las ", " del ", " que ", " una ", " por "})
            hits += all.contains(QLatin1String(w));
        QVERIFY2(hits >= 5, qPrintable(all.left(400)));
    }

    void cliWithTwoFilesTagsEachSegment() {
        if (!haveApertium())
            QSKIP("apertium with eng-spa is not installed");
        const QString pdf = testpaths::corpusDir() + kStories;
        if (!QFile::exists(pdf))
            QSKIP("corpus not available");
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("copy.pdf"));
        QVERIFY(QFile::copy(pdf, copy));
        const QString out = dir.filePath(QStringLiteral("seg.json"));
        const CliRun r = cli({QStringLiteral("translate"), pdf, copy, QStringLiteral("--to"), QStringLiteral("es"),
                              QStringLiteral("--pages"), QStringLiteral("2"), QStringLiteral("--cache"),
                              dir.filePath(QStringLiteral("c.sqlite")), QStringLiteral("--segments-out"), out,
                              QStringLiteral("--progress"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray segments = QJsonDocument::fromJson(f.readAll()).array();
        QSet<QString> files;
        for (const QJsonValue &v : segments)
            files.insert(v.toObject().value(QStringLiteral("file")).toString());
        QCOMPARE(files, (QSet<QString>{pdf, copy}));
        // Progress: one JSON object per line on stderr, with the contract's fields.
        const QList<QByteArray> lines = r.err.trimmed().split('\n');
        QVERIFY(lines.size() >= 2);
        const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
        for (const char *key : {"document", "done", "failed", "total", "tokens", "requests", "eta"})
            QVERIFY2(last.contains(QLatin1String(key)), key);
    }

    void cliFailuresNameEachSegment() {
        const QString pdf = testpaths::corpusDir() + kStories;
        if (!QFile::exists(pdf) || ApertiumProvider::installedPairs().isEmpty())
            QSKIP("corpus or apertium pairs not available");
        QTemporaryDir dir;
        const QString fake = dir.filePath(QStringLiteral("apertium"));
        QFile script(fake);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\ncat > /dev/null\necho 'broken pair' >&2\nexit 3\n");
        script.close();
        script.setPermissions(script.permissions() | QFileDevice::ExeOwner);
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OVERTEXT_APERTIUM"), fake);
        const CliRun r = cli({QStringLiteral("translate"), pdf, QStringLiteral("--to"), QStringLiteral("es"),
                              QStringLiteral("--pages"), QStringLiteral("1"), QStringLiteral("--no-cache")},
                             env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("segment p1-b1 failed: Apertium failed (exit 3): broken pair"), r.err.constData());
    }

    void cliUsageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString pdf = testpaths::samplePdf(); // usage errors need no corpus
        QTest::newRow("api key on the command line")
            << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"), QStringLiteral("--api-key"),
                           QStringLiteral("sk-123")}
            << QStringLiteral("--api-key-env");
        QTest::newRow("no target") << QStringList{pdf} << QStringLiteral("--to LANG is required");
        QTest::newRow("no file") << QStringList{QStringLiteral("--to"), QStringLiteral("es")}
                                 << QStringLiteral("no input file");
        QTest::newRow("missing file") << QStringList{QStringLiteral("/nonexistent.pdf"), QStringLiteral("--to"),
                                                     QStringLiteral("es")}
                                      << QStringLiteral("no such file");
        QTest::newRow("provider needs a key") << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"),
                                                             QStringLiteral("--provider"), QStringLiteral("deepl")}
                                              << QStringLiteral("deepl needs an API key");
        QTest::newRow("unknown provider") << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"),
                                                         QStringLiteral("--provider"), QStringLiteral("x")}
                                          << QStringLiteral("unknown provider");
        QTest::newRow("cache and no-cache") << QStringList{pdf,
                                                           QStringLiteral("--to"),
                                                           QStringLiteral("es"),
                                                           QStringLiteral("--cache"),
                                                           QStringLiteral("/tmp/x"),
                                                           QStringLiteral("--no-cache")}
                                            << QStringLiteral("exclude each other");
        QTest::newRow("concurrency") << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"),
                                                    QStringLiteral("--concurrency"), QStringLiteral("65")}
                                     << QStringLiteral("from 1 to 64");
        QTest::newRow("progress format") << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"),
                                                        QStringLiteral("--progress"), QStringLiteral("xml")}
                                         << QStringLiteral("json");
        QTest::newRow("unknown option") << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"),
                                                       QStringLiteral("--frobnicate")}
                                        << QStringLiteral("unknown option --frobnicate");
        QTest::newRow("pair not installed")
            << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("ja"), QStringLiteral("--no-cache")}
            << QStringLiteral("ja");
        QTest::newRow("bad glossary") << QStringList{pdf, QStringLiteral("--to"), QStringLiteral("es"),
                                                     QStringLiteral("--glossary"), QStringLiteral("/nonexistent.csv")}
                                      << QStringLiteral("cannot read the glossary");
    }
    void cliUsageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliRun r = cli(QStringList{QStringLiteral("translate")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestApertium)
#include "tst_apertium.moc"
