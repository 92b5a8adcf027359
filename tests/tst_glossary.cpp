#include "translate/glossary.h"

#include <QTemporaryDir>
#include <QTest>

using namespace overtext;

class TestGlossary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parses_data() {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QStringList>("pairs"); // source=target
        QTest::newRow("plain") << QByteArray("cat,gato\ndog,perro\n")
                               << QStringList{QStringLiteral("cat=gato"), QStringLiteral("dog=perro")};
        QTest::newRow("header") << QByteArray("source,target\ncat,gato") << QStringList{QStringLiteral("cat=gato")};
        QTest::newRow("other header") << QByteArray("Term,Translation\r\ncat,gato\r\n")
                                      << QStringList{QStringLiteral("cat=gato")};
        QTest::newRow("bom") << QByteArray("\xEF\xBB\xBF"
                                           "source,target\ncat,gato\n")
                             << QStringList{QStringLiteral("cat=gato")};
        QTest::newRow("quoted comma") << QByteArray("\"Smith, John\",\"Smith, Juan\"\n")
                                      << QStringList{QStringLiteral("Smith, John=Smith, Juan")};
        QTest::newRow("escaped quote") << QByteArray("\"the \"\"best\"\"\",\"el \"\"mejor\"\"\"\n")
                                       << QStringList{QStringLiteral("the \"best\"=el \"mejor\"")};
        QTest::newRow("newline in quotes") << QByteArray("\"a\nb\",c\n") << QStringList{QStringLiteral("a\nb=c")};
        QTest::newRow("blank lines and spaces")
            << QByteArray("\n cat , gato \n\n") << QStringList{QStringLiteral("cat=gato")};
        QTest::newRow("utf8") << QByteArray("Straße,calle\n") << QStringList{QStringLiteral("Straße=calle")};
        QTest::newRow("empty") << QByteArray("") << QStringList{};
    }
    void parses() {
        QFETCH(QByteArray, csv);
        QFETCH(QStringList, pairs);
        auto g = Glossary::parse(csv);
        QVERIFY2(g.ok(), qPrintable(g.ok() ? QString() : g.error().message));
        QStringList got;
        for (const GlossaryEntry &e : g->entries)
            got.append(e.source + QLatin1Char('=') + e.target);
        QCOMPARE(got, pairs);
    }

    void errorsNameTheLine_data() {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("message");
        QTest::newRow("three fields") << QByteArray("a,b\nc,d,e\n")
                                      << QStringLiteral("g.csv line 2: expected 2 fields (source,target), found 3");
        QTest::newRow("one field") << QByteArray("a,b\n\nlonely\n")
                                   << QStringLiteral("g.csv line 3: expected 2 fields");
        QTest::newRow("unclosed quote") << QByteArray("a,b\n\"open,x\ny,z\n")
                                        << QStringLiteral("g.csv line 2: a quoted field is never closed");
        QTest::newRow("stray quote") << QByteArray("a,b\nab\"c,d\n")
                                     << QStringLiteral("g.csv line 2: a quote inside an unquoted field");
        QTest::newRow("empty target") << QByteArray("cat,\n")
                                      << QStringLiteral("g.csv line 1: the target term for 'cat' is empty");
        QTest::newRow("empty source") << QByteArray(",gato\n")
                                      << QStringLiteral("g.csv line 1: the source term is empty");
        QTest::newRow("not utf8") << QByteArray("caf\xE9,caf\xE9\n") << QStringLiteral("g.csv: not valid UTF-8");
    }
    void errorsNameTheLine() {
        QFETCH(QByteArray, csv);
        QFETCH(QString, message);
        auto g = Glossary::parse(csv, QStringLiteral("g.csv"));
        QVERIFY(!g.ok());
        QCOMPARE(g.error().code, Error::Usage);
        QVERIFY2(g.error().message.startsWith(message), qPrintable(g.error().message));
    }

    void digestAndLoad() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("g.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("cat,gato\n");
        f.close();
        auto g = Glossary::load(path);
        QVERIFY(g.ok());
        QCOMPARE(g->digest().size(), 64);
        QCOMPARE(Glossary::parse("cat,gato").value().digest(), g->digest());
        QVERIFY(Glossary::parse("cat,gata").value().digest() != g->digest());
        QVERIFY(Glossary().digest().isEmpty());
        auto missing = Glossary::load(dir.filePath(QStringLiteral("none.csv")));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, Error::Io);
    }
};

QTEST_GUILESS_MAIN(TestGlossary)
#include "tst_glossary.moc"
