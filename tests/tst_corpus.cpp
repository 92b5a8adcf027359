#include "testpaths.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

// Every file of the shared corpus through `overtext-cli extract` (and so through the bounded worker process): text
// PDFs give segments, hostile files end with a clear error or a result within 30 s, and nothing crashes.
class TestCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void extract_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("textChars");
        QTest::addColumn<QString>("password");
        QFile manifest(testpaths::corpusDir() + QStringLiteral("/MANIFEST.tsv"));
        if (!manifest.open(QIODevice::ReadOnly))
            QSKIP("the shared corpus is not available");
        manifest.readLine(); // header
        static const QRegularExpression pw(QStringLiteral("password used for pages/text: '([^']*)'"));
        while (!manifest.atEnd()) {
            const QStringList f = QString::fromUtf8(manifest.readLine()).trimmed().split(QLatin1Char('\t'));
            if (f.size() < 9)
                continue;
            const auto m = pw.match(f[8]);
            QTest::newRow(qPrintable(f[0])) << f[0] << f[1] << f[5] << (m.hasMatch() ? m.captured(1) : QString());
        }
    }

    void extract() {
        QFETCH(QString, file);
        QFETCH(QString, category);
        QFETCH(QString, textChars);
        QFETCH(QString, password);
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OVERTEXT_TEST_PASSWORD"), password);
        cli.setProcessEnvironment(env);
        QStringList args{QStringLiteral("extract"), testpaths::corpusDir() + QLatin1Char('/') + file};
        if (!password.isEmpty())
            args << QStringLiteral("--password-env") << QStringLiteral("OVERTEXT_TEST_PASSWORD");
        QElapsedTimer clock;
        clock.start();
        cli.start(testpaths::cli(), args);
        QVERIFY(cli.waitForFinished(60000 * testpaths::timeScale()));
        const qint64 ms = clock.elapsed();
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit); // no crash
        QVERIFY2(ms < 30000 * testpaths::timeScale(), qPrintable(QStringLiteral("%1 took %2 ms").arg(file).arg(ms)));
        if (cli.exitCode() != 0) {
            // A clear error: one line, saying what is wrong with which file.
            QCOMPARE(cli.exitCode(), 1);
            const QStringList lines = err.trimmed().split(QLatin1Char('\n'));
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines[0].startsWith(QLatin1String("overtext-cli: ")) && lines[0].contains(file), qPrintable(err));
            QVERIFY2(category == QLatin1String("hostile"), qPrintable(QStringLiteral("%1 failed: %2").arg(file, err)));
            QVERIFY2(textChars == QLatin1String("ERR"), qPrintable(err)); // only files nobody can open may fail
            return;
        }
        QJsonParseError parseError;
        const QJsonDocument json = QJsonDocument::fromJson(cli.readAllStandardOutput(), &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
        QVERIFY(json.isArray());
        const QJsonArray segments = json.array();
        const bool hasText =
            textChars != QLatin1String("ERR") && textChars != QLatin1String("TIMEOUT") && textChars.toInt() >= 50;
        if (hasText && category != QLatin1String("hostile")) {
            QVERIFY2(!segments.isEmpty(), qPrintable(file));
            int chars = 0;
            for (const QJsonValue &v : segments) {
                const QJsonObject s = v.toObject();
                for (const char *key : {"id", "page", "box", "text", "fontSize", "kind"})
                    QVERIFY2(s.contains(QLatin1String(key)), key);
                chars += int(s.value(QStringLiteral("text")).toString().size());
            }
            // Most of the text pdftotext finds is in the segments (spaces and joined hyphens differ a little).
            QVERIFY2(chars > textChars.toInt() * 6 / 10,
                     qPrintable(QStringLiteral("%1: %2 of %3 chars").arg(file).arg(chars).arg(textChars)));
        }
        if (segments.isEmpty())
            QVERIFY2(err.contains(QLatin1String("warning")), qPrintable(file)); // says why there is nothing
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
