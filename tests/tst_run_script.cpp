// scripts/run without a display, against this already-built tree (OVERTEXT_RUN_BUILD): it translates the bundled
// sample, or the user's file, into a PDF that holds Spanish text, and says where it is and what it did.
#include "testpaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

QByteArray sha1(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1) : QByteArray();
}

QString pdftotext(const QString &pdf) {
    QProcess p;
    p.start(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

} // namespace

class TestRunScript : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;

    /// The build tree these tests were built in (bin/ is under it).
    static QString buildDir() { return QDir::cleanPath(testpaths::binDir() + QStringLiteral("/..")); }

    Run run(const QStringList &args) const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("OVERTEXT_RUN_BUILD"), buildDir());
        // The user's cache and settings stay untouched: a home of the test's own.
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("bash"), QStringList{testpaths::sourceDir() + QStringLiteral("/scripts/run")} + args);
        if (!p.waitForFinished(180000 * testpaths::timeScale()))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    /// The one-line summary: "NAME: P page(s), N of M segments translated to es, S.s s" with N > 0 and N == M.
    static void verifySummary(const QString &out, const QString &name) {
        static const QRegularExpression line(QStringLiteral("^(.+): (\\d+) page\\(s\\), (\\d+) of (\\d+) segments "
                                                            "translated to es(?: \\(\\d+ from the cache\\))?, "
                                                            "\\d+\\.\\d s$"),
                                             QRegularExpression::MultilineOption);
        const auto m = line.match(out);
        QVERIFY2(m.hasMatch(), qPrintable(out));
        QCOMPARE(m.captured(1), name);
        QVERIFY(m.captured(2).toInt() >= 1);
        QVERIFY(m.captured(3).toInt() > 0);
        QCOMPARE(m.captured(3), m.captured(4));
    }

    /// Spanish, as Apertium writes the sample's English ("A Morning at the Harbour", "every morning the harbour
    /// wakes"): articles and words no English text has, and none of the English left.
    static void verifySpanish(const QString &pdf) {
        const QString text = pdftotext(pdf);
        QVERIFY2(!text.isEmpty(), qPrintable(pdf));
        for (const char *word : {" el ", " la ", "mañana", "puerto"}) {
            const QString w = QString::fromUtf8(word);
            QVERIFY2(text.contains(w, Qt::CaseInsensitive), qPrintable(QStringLiteral("no '%1' in:\n%2").arg(w, text)));
        }
        for (const char *word : {" the ", "morning", "harbour"})
            QVERIFY2(!text.contains(QLatin1String(word), Qt::CaseInsensitive), qPrintable(text));
    }

private Q_SLOTS:
    void initTestCase() {
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext (poppler-utils) is needed to read the translated PDF");
        if (!QFileInfo(testpaths::cli()).isExecutable())
            QSKIP("overtext-cli is not built");
    }

    /// No arguments: the sample is copied into BUILD/sample/ and translated beside the copy; resources/ is left as
    /// it is.
    void sampleIsTranslatedBesideACopy() {
        const QByteArray sampleBefore = sha1(testpaths::samplePdf());
        const QString dir = buildDir() + QStringLiteral("/sample");
        QFile::remove(dir + QStringLiteral("/sample.es.pdf"));
        const Run r = run({});
        if (r.exitCode == 2 && r.err.contains(QLatin1String("Apertium")))
            QSKIP("Apertium with the eng-spa pair is not installed");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.err.contains(QLatin1String("No display found")), qPrintable(r.err));
        const QString pdf = dir + QStringLiteral("/sample.es.pdf");
        QVERIFY2(r.out.contains(QStringLiteral("Translated: ") + pdf), qPrintable(r.out));
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/sample.pdf")));
        verifySummary(r.out, QStringLiteral("sample.pdf"));
        verifySpanish(pdf);
        QCOMPARE(sha1(testpaths::samplePdf()), sampleBefore);
        QVERIFY(!QFileInfo::exists(QFileInfo(testpaths::samplePdf()).dir().filePath(QStringLiteral("sample.es.pdf"))));
    }

    /// FILE.pdf --to es: NAME.es.pdf beside it (a name with spaces too), the input unchanged; run again, the cache
    /// answers and the summary says so.
    void userFileIsTranslatedBesideIt() {
        QTemporaryDir dir;
        const QString input = dir.filePath(QStringLiteral("my report.pdf"));
        QVERIFY(QFile::copy(testpaths::samplePdf(), input));
        const QByteArray before = sha1(input);
        const Run r = run({input, QStringLiteral("--to"), QStringLiteral("es")});
        if (r.exitCode == 2 && r.err.contains(QLatin1String("Apertium")))
            QSKIP("Apertium with the eng-spa pair is not installed");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QString pdf = dir.filePath(QStringLiteral("my report.es.pdf"));
        QVERIFY2(r.out.contains(QStringLiteral("Translated: ") + pdf), qPrintable(r.out));
        verifySummary(r.out, QStringLiteral("my report.pdf"));
        verifySpanish(pdf);
        QCOMPARE(sha1(input), before);

        const Run again = run({input, QStringLiteral("--to=es")});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err + again.out));
        verifySummary(again.out, QStringLiteral("my report.pdf"));
        QVERIFY2(again.out.contains(QLatin1String("from the cache")), qPrintable(again.out));
    }

    /// A file that is not there, or an option the display-less path does not know: one line saying so, status 2,
    /// nothing written.
    void badArgumentsAreRefusedInOneLine() {
        QTemporaryDir dir;
        const Run missing = run({dir.filePath(QStringLiteral("absent.pdf"))});
        QCOMPARE(missing.exitCode, 2);
        QCOMPARE(missing.err.trimmed(),
                 QStringLiteral("scripts/run: %1: no such file").arg(dir.filePath(QStringLiteral("absent.pdf"))));
        const Run option = run({QStringLiteral("--provider"), QStringLiteral("openai")});
        QCOMPARE(option.exitCode, 2);
        QVERIFY2(option.err.startsWith(QLatin1String("scripts/run: without a display only --to and --from")),
                 qPrintable(option.err));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestRunScript)
#include "tst_run_script.moc"
