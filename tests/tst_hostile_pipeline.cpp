// Every file of the shared corpus through the whole pipeline — `overtext-cli translate` (extraction in the bounded
// worker, translation over HTTP against the fake OpenAI-compatible server, export): each file ends with a translated
// PDF that pdffonts and pdftotext read, or one clear line on stderr; within a time and a memory bound; without a
// temporary file left anywhere and without writing next to the input. Then a batch with the hostile files first: the
// good file last is still translated. The figures (slowest file, peak RSS, total time) are printed with qInfo.

#include "fakes/fakeservices.h"
#include "testpaths.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <vector>

extern char **environ;

using namespace testsupport;

namespace {

const QString kKeyVar = QStringLiteral("OVERTEXT_HOSTILE_KEY");
const QString kPasswordVar = QStringLiteral("OVERTEXT_HOSTILE_PASSWORD");
const QByteArray kKey = "sk-FAKE-hostile-pipeline-5d21c0";
constexpr int kTimeLimitMs = 60000;                 // per run, extraction's 15 s page limit included
constexpr qint64 kCliMemoryLimitKb = 1024LL * 1024; // peak RSS of the CLI itself (export runs in it, unbounded)
constexpr qint64 kMemoryLimitKb = 3072LL * 1024;    // peak RSS of the CLI or a worker (the workers' RLIMIT_AS)
constexpr int kParallel = 2;                        // runs at a time (the machine has two cores)

/// One corpus file as MANIFEST.tsv describes it.
struct CorpusFile {
    QString name;
    QString category;
    QString pages;     ///< a number, or ERR
    QString textChars; ///< a number, ERR or TIMEOUT
    QString password;  ///< the user password of an encrypted file, when it has one
};

/// One `overtext-cli translate` run: spawned with posix_spawn so that wait4() gives its peak RSS (the largest of the
/// CLI and the workers it waited for).
struct Run {
    QStringList files;
    QString output;
    QString password; ///< given through --password-env
    pid_t pid = -1;
    QString errPath;
    QElapsedTimer clock;
    qint64 ms = 0;
    int waitStatus = 0;
    qint64 maxRssKb = 0;     ///< the largest of the CLI and the workers it waited for (wait4)
    qint64 cliPeakRssKb = 0; ///< the CLI's own high-water mark (VmHWM), sampled while it runs
    QString err;

    bool exitedWith(int code) const { return WIFEXITED(waitStatus) && WEXITSTATUS(waitStatus) == code; }
    QString describe() const {
        return WIFEXITED(waitStatus) ? QStringLiteral("exit %1").arg(WEXITSTATUS(waitStatus))
                                     : QStringLiteral("signal %1").arg(WTERMSIG(waitStatus));
    }
};

QList<CorpusFile> readManifest() {
    QList<CorpusFile> files;
    QFile manifest(testpaths::corpusDir() + QStringLiteral("/MANIFEST.tsv"));
    if (!manifest.open(QIODevice::ReadOnly))
        return files;
    manifest.readLine(); // header
    static const QRegularExpression pw(QStringLiteral("password used for pages/text: '([^']*)'"));
    while (!manifest.atEnd()) {
        const QStringList f = QString::fromUtf8(manifest.readLine()).trimmed().split(QLatin1Char('\t'));
        if (f.size() >= 9)
            files.append({f[0], f[1], f[2], f[5], pw.match(f[8]).captured(1)});
    }
    return files;
}

/// Starts the CLI; its stderr goes to a file in \a logDir, stdout to /dev/null.
bool spawn(Run &run, const QStringList &args, const QString &logDir, const QString &tmpDir) {
    static int counter = 0;
    run.errPath = QStringLiteral("%1/run%2.err").arg(logDir).arg(++counter);
    const QByteArray errPath = QFile::encodeName(run.errPath);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    QList<QByteArray> argBytes{QFile::encodeName(testpaths::cli())};
    for (const QString &a : args)
        argBytes.append(a.toUtf8());
    std::vector<char *> argv;
    for (QByteArray &a : argBytes)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    // The parent's environment, with the key, the offscreen platform and a temporary folder of our own. Qt makes a
    // runtime folder in TMPDIR when XDG_RUNTIME_DIR is not set: the logs folder is that, so the temporary folder holds
    // only what the CLI leaves behind.
    QList<QByteArray> envBytes;
    for (char **e = environ; *e; ++e) {
        const QByteArray entry(*e);
        if (!entry.startsWith("TMPDIR=") && !entry.startsWith("QT_QPA_PLATFORM=") &&
            !entry.startsWith("XDG_RUNTIME_DIR="))
            envBytes.append(entry);
    }
    envBytes << kKeyVar.toUtf8() + '=' + kKey << "QT_QPA_PLATFORM=offscreen"
             << QByteArray("TMPDIR=") + QFile::encodeName(tmpDir)
             << QByteArray("XDG_RUNTIME_DIR=") + QFile::encodeName(logDir)
             << kPasswordVar.toUtf8() + '=' + run.password.toUtf8();
    std::vector<char *> envp;
    for (QByteArray &e : envBytes)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    run.clock.start();
    const int rc = posix_spawn(&run.pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0;
}

/// The process's own peak RSS so far (VmHWM, a high-water mark), in KiB; 0 when it is gone.
qint64 peakRssKb(pid_t pid) {
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

/// Waits for every run, at most \a parallel at a time, starting each with \a start.
template<typename Start> void runAll(std::vector<Run> &runs, int parallel, Start start) {
    size_t next = 0;
    int running = 0;
    while (next < runs.size() || running > 0) {
        while (running < parallel && next < runs.size()) {
            QVERIFY2(start(runs[next]), qPrintable(runs[next].files.join(QLatin1Char(' '))));
            ++next;
            ++running;
        }
        bool reaped = false;
        for (Run &r : runs) {
            if (r.pid <= 0)
                continue;
            int status = 0;
            struct rusage usage {};
            r.cliPeakRssKb = std::max(r.cliPeakRssKb, peakRssKb(r.pid));
            const pid_t done = wait4(r.pid, &status, WNOHANG, &usage);
            if (done == 0 && r.clock.elapsed() > kTimeLimitMs * 2 * testpaths::timeScale())
                kill(r.pid, SIGKILL); // a hang: kill it, and the time check below fails it
            if (done != r.pid)
                continue;
            r.ms = r.clock.elapsed();
            r.waitStatus = status;
            r.maxRssKb = usage.ru_maxrss;
            r.pid = -1;
            QFile err(r.errPath);
            if (err.open(QIODevice::ReadOnly))
                r.err = QString::fromUtf8(err.readAll());
            --running;
            reaped = true;
        }
        if (!reaped)
            QThread::msleep(20);
    }
}

/// Problems with what a run wrote to stderr: every line is ours ("overtext-cli: …"), none is Qt's or qpdf's chatter,
/// a stack trace or a crash report.
QStringList stderrProblems(const Run &run) {
    static const QRegularExpression chatter(
        QStringLiteral(R"(\bQ[A-Z][A-Za-z]+::|\bqt\.|WARNING|terminate called|Aborted|Segmentation|^\s*#\d+ )"));
    QStringList problems;
    for (const QString &line : run.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (!line.startsWith(QLatin1String("overtext-cli: ")) || chatter.match(line).hasMatch())
            problems.append(QStringLiteral("unclear stderr line: ") + line);
    }
    return problems;
}

/// Problems with an exported PDF: pdffonts and pdftotext must read it; returns its text in \a text.
QStringList pdfProblems(const QString &path, QString *text) {
    QStringList problems;
    for (const QString &tool : {QStringLiteral("pdffonts"), QStringLiteral("pdftotext")}) {
        QProcess p;
        QStringList args{path};
        if (tool == QLatin1String("pdftotext"))
            args << QStringLiteral("-");
        p.start(tool, args);
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            problems.append(QStringLiteral("%1 cannot read %2: %3")
                                .arg(tool, path, QString::fromUtf8(p.readAllStandardError()).trimmed()));
        else if (text && tool == QLatin1String("pdftotext"))
            *text = QString::fromUtf8(p.readAllStandardOutput());
    }
    return problems;
}

QStringList entries(const QString &dir) {
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

class TestHostilePipeline : public QObject {
    Q_OBJECT
private:
    QList<CorpusFile> m_files;
    std::unique_ptr<FakeServerThread> m_server;
    QTemporaryDir m_dir;

    QStringList translateArgs(const QStringList &files, const QString &output, const QString &pages,
                              const QString &password) const {
        QUrl base = m_server->baseUrl();
        base.setPath(QStringLiteral("/v1"));
        QStringList args{QStringLiteral("translate")};
        for (const QString &f : files)
            args << testpaths::corpusDir() + QLatin1Char('/') + f;
        args << QStringLiteral("--to") << QStringLiteral("de") << QStringLiteral("--provider")
             << QStringLiteral("openai") << QStringLiteral("--base-url") << base.toString() << QStringLiteral("--model")
             << QStringLiteral("fake") << QStringLiteral("--api-key-env") << kKeyVar << QStringLiteral("--no-cache")
             << QStringLiteral("-o") << output;
        if (!pages.isEmpty())
            args << QStringLiteral("--pages") << pages;
        if (!password.isEmpty())
            args << QStringLiteral("--password-env") << kPasswordVar;
        return args;
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() {
        m_files = readManifest();
        if (m_files.isEmpty())
            QSKIP("the shared corpus is not available");
        for (const char *tool : {"pdffonts", "pdftotext"})
            if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
                QSKIP("pdffonts and pdftotext (poppler-utils) are needed to check the exported PDFs");
        QVERIFY(m_dir.isValid());
        for (const char *sub : {"out", "batch", "tmp", "logs"})
            QVERIFY(QDir(m_dir.path()).mkdir(QLatin1String(sub)));
        // The logs folder is also the children's XDG_RUNTIME_DIR, which must be private.
        QVERIFY(QFile::setPermissions(path(QStringLiteral("logs")),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        FakeBehaviour b;
        b.chunkDelayMs = 0;
        m_server = std::make_unique<FakeServerThread>(fakeOpenAiHandler(b));
    }

    /// Each file alone: a translated PDF or one clear line, in bounded time and memory, nothing left behind.
    void everyFile() {
        const QStringList corpusBefore = entries(testpaths::corpusDir());
        std::vector<Run> runs(size_t(m_files.size()));
        for (qsizetype i = 0; i < m_files.size(); ++i)
            runs[size_t(i)].files = {m_files[i].name};
        QElapsedTimer total;
        total.start();
        runAll(runs, kParallel, [&](Run &run) {
            const CorpusFile &f = *std::find_if(m_files.cbegin(), m_files.cend(),
                                                [&](const CorpusFile &c) { return c.name == run.files[0]; });
            // Long documents: their first pages are enough to cross every stage; hostile ones are read whole.
            const QString pages =
                f.pages.toInt() > 8 && f.category != QLatin1String("hostile") ? QStringLiteral("1-8") : QString();
            run.output =
                path(QStringLiteral("out/") + QFileInfo(f.name).completeBaseName() + QStringLiteral(".de.pdf"));
            run.password = f.password;
            return spawn(run, translateArgs(run.files, run.output, pages, run.password), path(QStringLiteral("logs")),
                         path(QStringLiteral("tmp")));
        });
        const qint64 totalMs = total.elapsed();

        QStringList problems, written;
        const Run *slowest = nullptr, *largest = nullptr, *largestCli = nullptr;
        for (const Run &run : runs) {
            const CorpusFile &f = *std::find_if(m_files.cbegin(), m_files.cend(),
                                                [&](const CorpusFile &c) { return c.name == run.files[0]; });
            const QString file = f.name;
            QStringList p = stderrProblems(run);
            if (!run.exitedWith(0) && !run.exitedWith(1))
                p.append(run.describe());
            if (run.ms > kTimeLimitMs * testpaths::timeScale())
                p.append(QStringLiteral("took %1 ms").arg(run.ms));
            if (run.cliPeakRssKb > kCliMemoryLimitKb || run.maxRssKb > kMemoryLimitKb)
                p.append(QStringLiteral("peak RSS %1 MiB (CLI %2 MiB)")
                             .arg(run.maxRssKb / 1024)
                             .arg(run.cliPeakRssKb / 1024));
            if (QFileInfo::exists(run.output)) {
                written.append(QFileInfo(run.output).fileName());
                if (!run.err.contains(QStringLiteral("overtext-cli: wrote ") + run.output))
                    p.append(QStringLiteral("wrote the PDF without saying so"));
                QString text;
                p.append(pdfProblems(run.output, &text));
                // A text document the reader can open shows the translation (the fake server answers "[de] …").
                if (f.category != QLatin1String("hostile") && f.textChars.toInt() >= 50 &&
                    !text.contains(QLatin1String("[de]")))
                    p.append(QStringLiteral("no translated text in the export"));
            } else {
                // No PDF: exactly one line, naming the file, and exit status 1.
                const QStringList lines = run.err.trimmed().split(QLatin1Char('\n'));
                if (!run.exitedWith(1) || lines.size() != 1 || !lines[0].contains(file))
                    p.append(QStringLiteral("no PDF and no single clear error (%1): %2").arg(run.describe(), run.err));
                if (f.category != QLatin1String("hostile") && f.textChars.toInt() >= 50)
                    p.append(QStringLiteral("a readable text document was not translated: ") + run.err.trimmed());
            }
            for (const QString &problem : std::as_const(p))
                problems.append(file + QStringLiteral(": ") + problem);
            qInfo("%-40s %-7s %6lld ms %5lld MiB (CLI %4lld MiB)  %s", qPrintable(file), qPrintable(run.describe()),
                  run.ms, run.maxRssKb / 1024, run.cliPeakRssKb / 1024,
                  qPrintable(run.err.trimmed().section(QLatin1Char('\n'), -1)));
            if (!slowest || run.ms > slowest->ms)
                slowest = &run;
            if (!largest || run.maxRssKb > largest->maxRssKb)
                largest = &run;
            if (!largestCli || run.cliPeakRssKb > largestCli->cliPeakRssKb)
                largestCli = &run;
        }
        qInfo("%d files in %lld ms (%d at a time); slowest %s %lld ms; largest peak RSS %s %lld MiB (a worker); "
              "largest CLI peak RSS %s %lld MiB; %lld PDFs written",
              int(runs.size()), totalMs, kParallel, qPrintable(slowest->files[0]), slowest->ms,
              qPrintable(largest->files[0]), largest->maxRssKb / 1024, qPrintable(largestCli->files[0]),
              largestCli->cliPeakRssKb / 1024, qlonglong(written.size()));

        // Nothing but the finished PDFs in the output folder, nothing left in the temporary folder, nothing new next
        // to the inputs.
        written.sort();
        if (entries(path(QStringLiteral("out"))) != written)
            problems.append(QStringLiteral("output folder holds more than the PDFs: ") +
                            entries(path(QStringLiteral("out"))).join(QLatin1Char(' ')));
        if (!entries(path(QStringLiteral("tmp"))).isEmpty())
            problems.append(QStringLiteral("temporary files left: ") +
                            entries(path(QStringLiteral("tmp"))).join(QLatin1Char(' ')));
        for (const QString &e : entries(testpaths::corpusDir()))
            if (!corpusBefore.contains(e))
                problems.append(QStringLiteral("written next to the input: ") + e);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(!written.isEmpty());
    }

    /// One batch, the hostile files first and a good one last: the good one is still translated and exported, and
    /// each bad one is named with its reason.
    void hostileFirstGoodLast() {
        const QStringList hostile{
            QStringLiteral("bomb-giant-content-stream.pdf"), QStringLiteral("broken-header-only.pdf"),
            QStringLiteral("odd-brotli-filter.pdf"),         QStringLiteral("broken-unrecoverable-xref-overflow.pdf"),
            QStringLiteral("enc-aes256-r6-userpw.pdf"), // no password given
            QStringLiteral("scan-en-epson-wikipedia.pdf")};
        const QString good = QStringLiteral("prose-en-wikipedia-pdfjs.pdf");
        std::vector<Run> runs(1);
        runs[0].files = hostile + QStringList{good};
        runs[0].output = path(QStringLiteral("batch"));
        runAll(runs, 1, [&](Run &run) {
            return spawn(run, translateArgs(run.files, run.output, QString(), QString()), path(QStringLiteral("logs")),
                         path(QStringLiteral("tmp")));
        });
        const Run &run = runs[0];
        qInfo("batch of %lld files: %s in %lld ms, peak RSS %lld MiB (CLI %lld MiB)", qlonglong(run.files.size()),
              qPrintable(run.describe()), run.ms, run.maxRssKb / 1024, run.cliPeakRssKb / 1024);
        QVERIFY(run.cliPeakRssKb <= kCliMemoryLimitKb && run.maxRssKb <= kMemoryLimitKb);
        QVERIFY2(run.exitedWith(1), qPrintable(run.describe() + QLatin1Char('\n') + run.err));
        const QStringList problems = stderrProblems(run);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        for (const QString &f : hostile)
            QVERIFY2(run.err.contains(testpaths::corpusDir() + QLatin1Char('/') + f + QStringLiteral(": ")),
                     qPrintable(f + QStringLiteral(" is not named: ") + run.err));
        const QString exported = path(QStringLiteral("batch/prose-en-wikipedia-pdfjs.de.pdf"));
        QCOMPARE(entries(path(QStringLiteral("batch"))), QStringList{QFileInfo(exported).fileName()});
        QString text;
        const QStringList pdf = pdfProblems(exported, &text);
        QVERIFY2(pdf.isEmpty(), qPrintable(pdf.join(QLatin1Char('\n'))));
        QVERIFY2(text.contains(QLatin1String("[de]")), qPrintable(text.left(500)));
        QVERIFY(entries(path(QStringLiteral("tmp"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHostilePipeline)
#include "tst_hostile_pipeline.moc"
