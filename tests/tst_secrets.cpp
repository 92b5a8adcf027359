// The API key stays a secret: it never shows in an error sentence, in a partial text, in the provider's cache
// identity or in anything logged through Qt's message handler, whatever the server does (including echoing the key
// back in its error body); a redirect to another origin never carries it there; a server whose TLS certificate is not
// trusted never receives it. Through the command line: never on stderr, in the cache files or in the PDF worker's
// command line and environment.
// All four HTTP providers send through one code path (httpCall over NetworkPool, errorFromHttp), but each builds its
// own request (the key in a header or in the body), so each is tested.

#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "testpaths.h"
#include "translate/anthropicprovider.h"
#include "translate/deeplprovider.h"
#include "translate/libretranslateprovider.h"
#include "translate/openaiprovider.h"

#include <QDirIterator>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <memory>

using namespace overtext;
using namespace testsupport;

Q_DECLARE_METATYPE(testsupport::Fault)

namespace {

const QString kKey = QStringLiteral("sk-FAKE-overtext-secret-7f3a9c2e41");

/// Everything logged through Qt's message handler while it is installed, every category at debug level.
class LogCapture {
public:
    LogCapture() {
        s_self = this;
        QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true"));
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture() {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
        s_self = nullptr;
    }
    QStringList lines() const {
        QMutexLocker lock(&m_mutex);
        return m_lines;
    }

private:
    static void handle(QtMsgType, const QMessageLogContext &context, const QString &message) {
        if (LogCapture *self = s_self) {
            QMutexLocker lock(&self->m_mutex);
            self->m_lines.append(QString::fromUtf8(context.category ? context.category : "") + QStringLiteral(": ") +
                                 message);
        }
    }
    static inline LogCapture *s_self = nullptr;
    QtMessageHandler m_previous = nullptr;
    mutable QMutex m_mutex;
    QStringList m_lines;
};

TranslationRequest sampleRequest() {
    TranslationRequest r;
    r.sourceLang = QStringLiteral("en");
    r.targetLang = QStringLiteral("de");
    r.units = {{QStringLiteral("a"), QStringLiteral("The committee approved the annual budget on Monday.")},
               {QStringLiteral("b"), QStringLiteral("Write to {name} at info@example.com with questions.")}};
    return r;
}

const QStringList kProviders{QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("deepl"),
                             QStringLiteral("libretranslate")};

std::unique_ptr<Provider> makeProvider(const QString &which, const QUrl &base) {
    if (which == QLatin1String("deepl")) {
        DeepLConfig c;
        c.baseUrl = base;
        c.apiKey = kKey;
        c.transferTimeoutMs = 3000;
        return std::make_unique<DeepLProvider>(c);
    }
    if (which == QLatin1String("libretranslate")) {
        LibreTranslateConfig c;
        c.baseUrl = base;
        c.apiKey = kKey;
        c.transferTimeoutMs = 3000;
        return std::make_unique<LibreTranslateProvider>(c);
    }
    if (which == QLatin1String("openai")) {
        OpenAiConfig c;
        QUrl u = base;
        u.setPath(QStringLiteral("/v1"));
        c.baseUrl = u;
        c.model = QStringLiteral("fake-model");
        c.apiKey = kKey;
        c.transferTimeoutMs = 3000;
        return std::make_unique<OpenAiProvider>(c);
    }
    AnthropicConfig c;
    c.baseUrl = base;
    c.model = QStringLiteral("claude-fake");
    c.apiKey = kKey;
    c.transferTimeoutMs = 3000;
    return std::make_unique<AnthropicProvider>(c);
}

FakeHandler handlerFor(const QString &which, FakeBehaviour b) {
    if (which == QLatin1String("deepl"))
        return fakeDeepLHandler(b);
    if (which == QLatin1String("libretranslate"))
        return fakeLibreTranslateHandler(b);
    return which == QLatin1String("openai") ? fakeOpenAiHandler(b) : fakeAnthropicHandler(b);
}

/// The path each provider posts to.
QString endpointPath(const QString &which) {
    if (which == QLatin1String("deepl"))
        return QStringLiteral("/v2/translate");
    if (which == QLatin1String("libretranslate"))
        return QStringLiteral("/translate");
    return which == QLatin1String("openai") ? QStringLiteral("/v1/chat/completions") : QStringLiteral("/v1/messages");
}

/// The base URL the command line takes for a fake server of this provider.
QString cliBaseUrl(const QString &which, const QUrl &server) {
    QUrl u = server;
    if (which == QLatin1String("openai"))
        u.setPath(QStringLiteral("/v1"));
    return u.toString();
}

/// Whether a request carried the key (header or body): the checks that it went nowhere else mean something.
bool carriesKey(const FakeRequest &r) {
    if (r.body.contains(kKey.toUtf8()))
        return true;
    for (const QByteArray &v : r.headers)
        if (v.contains(kKey.toUtf8()))
            return true;
    return false;
}

const QString kKeyVar = QStringLiteral("OVERTEXT_SECRET_TEST_KEY");

/// An environment for the command line with the key in kKeyVar and, when \a home is set, every per-user folder
/// (cache, settings, data) inside it.
QProcessEnvironment cliEnvironment(const QString &home = QString()) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(kKeyVar, kKey);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    if (!home.isEmpty()) {
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    }
    return env;
}

/// Arguments of `overtext-cli COMMAND` on the bundled sample against a fake server of \a which.
QStringList cliArgs(const QString &command, const QString &which, const QUrl &server, const QString &output) {
    return {command,
            testpaths::samplePdf(),
            QStringLiteral("--to"),
            QStringLiteral("de"),
            QStringLiteral("--provider"),
            which,
            QStringLiteral("--base-url"),
            cliBaseUrl(which, server),
            QStringLiteral("--api-key-env"),
            kKeyVar,
            QStringLiteral("-o"),
            output};
}

/// The key in any encoding a file might hold it in.
bool holdsKey(const QByteArray &bytes) {
    const QString key = kKey;
    return bytes.contains(key.toUtf8()) ||
           bytes.contains(QByteArray(reinterpret_cast<const char *>(key.utf16()), key.size() * 2));
}

QByteArray readProc(qint64 pid, const char *what) {
    QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(what)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The children of \a parent that run \a executable (from /proc).
QList<qint64> childrenRunning(qint64 parent, const QString &executable) {
    QList<qint64> found;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        const QByteArray stat = readProc(pid, "stat");
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent &&
            QFileInfo(QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(pid))).fileName() == executable)
            found.append(pid);
    }
    return found;
}

struct Run {
    std::optional<Result<TranslationBatchResult>> result;
    QStringList partials;
    QStringList log;
};

Run translateOnce(Provider &provider) {
    Run run;
    LogCapture capture;
    auto sink = [&run](const QString &id, const QString &text) { run.partials.append(id + QLatin1Char('=') + text); };
    run.result = runTask(provider.translate(sampleRequest(), sink, CancelToken{}), 60000);
    run.log = capture.lines();
    return run;
}

/// Fails the current test when the key shows anywhere the user or a log could see it.
void verifyNoKey(const Provider &provider, const Run &run) {
    QVERIFY(run.result.has_value());
    if (!run.result->ok())
        QVERIFY2(!run.result->error().message.contains(kKey), qPrintable(run.result->error().message));
    else
        for (const QString &t : (*run.result)->translations)
            QVERIFY2(!t.contains(kKey), qPrintable(t));
    for (const QString &p : run.partials)
        QVERIFY2(!p.contains(kKey), qPrintable(p));
    for (const QString &line : run.log)
        QVERIFY2(!line.contains(kKey), qPrintable(QStringLiteral("logged: ") + line));
    QVERIFY(!provider.cacheIdentity().contains(kKey));
    QVERIFY(!provider.name().contains(kKey));
}

} // namespace

class TestSecrets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    /// The capture sees what is logged, at every level and in every category (else the checks below prove nothing).
    void captureSeesLogs() {
        LogCapture capture;
        qWarning() << kKey;
        const QLoggingCategory category("overtext.test"); // named: qCDebug keeps a reference to it
        qCDebug(category) << "debug";
        const QStringList lines = capture.lines();
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].contains(kKey));
    }

    /// Every way the fake servers can misbehave, for every HTTP provider: the key appears in no error, partial text,
    /// log line or cache identity — even when the server echoes it in a 401 body.
    void keyNeverShows_data() {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<Fault>("fault");
        const QList<QPair<const char *, Fault>> faults = {
            {"none", Fault::None},
            {"rate limit", Fault::RateLimit},
            {"server error", Fault::ServerError},
            {"unauthorized echoing the key", Fault::Unauthorized},
            {"drop mid-stream", Fault::DropMidStream},
            {"malformed JSON", Fault::MalformedJson},
            {"truncated JSON", Fault::TruncatedJson},
            {"think", Fault::Think},
            {"missing item", Fault::MissingItem},
            {"no done", Fault::NoDone},
            {"quota exceeded", Fault::QuotaExceeded},
        };
        for (const QString &p : kProviders)
            for (const auto &f : faults)
                QTest::newRow(qPrintable(QStringLiteral("%1, %2").arg(p, QLatin1String(f.first)))) << p << f.second;
    }
    void keyNeverShows() {
        QFETCH(QString, provider);
        QFETCH(Fault, fault);
        FakeHttpServer server;
        FakeBehaviour b;
        b.always = fault;
        b.retryAfterSeconds = 0;
        server.setHandler(handlerFor(provider, b));
        QVERIFY(server.listen());
        const std::unique_ptr<Provider> p = makeProvider(provider, server.baseUrl());
        const Run run = translateOnce(*p);
        verifyNoKey(*p, run);
        QVERIFY(server.requestCount() >= 1);
    }

    /// A redirect to another origin, in every flavour, is refused: the other server never receives a request (so
    /// never the key), and the sentence naming the redirect does not repeat a key hidden in the target's user info
    /// or query.
    void redirectKeepsKeyHome_data() {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<int>("status");
        for (const QString &p : kProviders)
            for (int status : {301, 302, 303, 307, 308})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(p).arg(status))) << p << status;
    }
    void redirectKeepsKeyHome() {
        QFETCH(QString, provider);
        QFETCH(int, status);
        FakeHttpServer other;
        other.setHandler(handlerFor(provider, {}));
        QVERIFY(other.listen());
        QUrl target = other.baseUrl();
        target.setPath(endpointPath(provider));
        target.setUserName(QStringLiteral("user"));
        target.setPassword(kKey);
        target.setQuery(QStringLiteral("api_key=") + kKey);
        FakeHttpServer server;
        const QByteArray location = target.toEncoded();
        server.setHandler([location, status](FakeRequest &) {
            FakeResponse r;
            r.status = status;
            r.headers.append(qMakePair(QByteArray("Location"), location));
            return r;
        });
        QVERIFY(server.listen());
        const std::unique_ptr<Provider> p = makeProvider(provider, server.baseUrl());
        const Run run = translateOnce(*p);
        verifyNoKey(*p, run);
        QVERIFY(run.result && !run.result->ok());
        QCOMPARE(other.requestCount(), 0);
        QCOMPARE(server.requestCount(), 1);
        QVERIFY(carriesKey(server.requests().first())); // the key went to its own host only
    }

    /// A server whose certificate is not trusted (self-signed, on loopback) is refused during the handshake, so the
    /// request — and the key — is never sent; the sentence names the host and the certificate's problem.
    void untrustedCertificateRefused_data() {
        QTest::addColumn<QString>("provider");
        for (const QString &p : kProviders)
            QTest::newRow(qPrintable(p)) << p;
    }
    void untrustedCertificateRefused() {
        QFETCH(QString, provider);
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            QSKIP("openssl is needed to make a self-signed certificate");
        QTemporaryDir dir;
        const QSslConfiguration tls = selfSignedTls(dir.path());
        QVERIFY(!tls.localCertificate().isNull());
        QSslServer server;
        server.setSslConfiguration(tls);
        QSignalSpy handshakes(&server, &QSslServer::startedEncryptionHandshake);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const std::unique_ptr<Provider> p =
            makeProvider(provider, QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.serverPort())));
        const Run run = translateOnce(*p);
        verifyNoKey(*p, run);
        QVERIFY(run.result && !run.result->ok());
        const Error &e = run.result->error();
        QCOMPARE(e.code, Error::Network);
        QVERIFY2(e.message.contains(QLatin1String("certificate of 127.0.0.1")) &&
                     e.message.contains(QLatin1String("self-signed")),
                 qPrintable(e.message));
        QVERIFY(handshakes.count() >= 1);         // the client did reach the server…
        QVERIFY(!server.hasPendingConnections()); // …and never finished the handshake, so sent nothing over it
    }

    /// An error the command line prints (a rejected key echoed back by the server, or a server error) never shows the
    /// key, on stderr or stdout, for every provider and for summaries.
    void cliErrorsHideKey_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<Fault>("fault");
        for (const QString &p : kProviders)
            for (const auto &f :
                 {qMakePair("rejected key", Fault::Unauthorized), qMakePair("server error", Fault::ServerError)})
                QTest::newRow(qPrintable(QStringLiteral("translate %1, %2").arg(p, QLatin1String(f.first))))
                    << QStringLiteral("translate") << p << f.second;
        for (const char *p : {"openai", "anthropic"})
            QTest::newRow(qPrintable(QStringLiteral("summarize %1, rejected key").arg(QLatin1String(p))))
                << QStringLiteral("summarize") << QString::fromLatin1(p) << Fault::Unauthorized;
    }
    void cliErrorsHideKey() {
        QFETCH(QString, command);
        QFETCH(QString, provider);
        QFETCH(Fault, fault);
        FakeBehaviour b;
        b.always = fault;
        b.retryAfterSeconds = 0;
        FakeServerThread server(handlerFor(provider, b));
        QTemporaryDir dir;
        QProcess cli;
        cli.setProcessEnvironment(cliEnvironment(dir.path()));
        QStringList args = cliArgs(command, provider, server.baseUrl(), dir.filePath(QStringLiteral("out")));
        if (command == QLatin1String("translate"))
            args << QStringLiteral("--no-cache");
        cli.start(testpaths::cli(), args);
        QVERIFY(cli.waitForFinished(120000 * testpaths::timeScale()));
        const QByteArray out = cli.readAllStandardOutput(), err = cli.readAllStandardError();
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(!holdsKey(err) && !holdsKey(out), err.constData());
        // The error path was taken, with the key in play: the server got it and the failure was reported.
        QVERIFY(server.server()->requestCount() >= 1);
        QVERIFY(carriesKey(server.server()->requests().first()));
        const char *expected = fault == Fault::Unauthorized ? "rejected" : "HTTP 500";
        QVERIFY2(err.contains(expected), err.constData());
    }

    /// After translating and summarising with a key, no file the command line wrote under the user's folders — the
    /// translation cache, the summary cache, anything else — holds the key, while they do hold the results (so the
    /// search looked in the right files).
    void cachesHoldNoKey() {
        FakeServerThread openai(fakeOpenAiHandler({}));
        QTemporaryDir home;
        for (const QString &command : {QStringLiteral("translate"), QStringLiteral("summarize")}) {
            QProcess cli;
            cli.setProcessEnvironment(cliEnvironment(home.path()));
            cli.start(testpaths::cli(), cliArgs(command, QStringLiteral("openai"), openai.baseUrl(),
                                                home.filePath(command + QStringLiteral(".out"))));
            QVERIFY(cli.waitForFinished(120000 * testpaths::timeScale()));
            QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
            QVERIFY(!holdsKey(cli.readAllStandardError()));
        }
        QVERIFY(carriesKey(openai.server()->requests().first()));
        QStringList searched;
        bool translations = false, summaries = false;
        for (QDirIterator it(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();) {
            const QString path = it.next();
            if (path.endsWith(QLatin1String(".out")))
                continue; // the outputs themselves
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!holdsKey(bytes), qPrintable(path));
            searched.append(QFileInfo(path).fileName());
            translations = translations || (path.endsWith(QLatin1String(".sqlite")) && bytes.contains("[de] "));
            summaries = summaries || (path.endsWith(QLatin1String(".sqlite")) && bytes.contains("Summary [de]"));
        }
        QVERIFY2(translations && summaries, qPrintable(searched.join(QLatin1Char(' '))));
    }

    /// The PDF worker reads untrusted files: it is not handed the key, on its command line or in its environment,
    /// even when the key is in the command line's own environment; and when the worker dies, what the command line
    /// prints about it does not carry the key either.
    void workerNeverSeesKey() {
        if (readProc(QCoreApplication::applicationPid(), "environ").isEmpty())
            QSKIP("/proc is not mounted here or hides processes, so the workers' environments cannot be read");
        FakeServerThread openai(fakeOpenAiHandler({}));
        QTemporaryDir dir;
        QProcessEnvironment env = cliEnvironment();
        env.insert(QStringLiteral("OVERTEXT_FAULT_PAGE"), QStringLiteral("1:hang")); // keeps the worker alive
        QProcess cli;
        cli.setProcessEnvironment(env);
        cli.start(testpaths::cli(), cliArgs(QStringLiteral("translate"), QStringLiteral("openai"), openai.baseUrl(),
                                            dir.filePath(QStringLiteral("out.pdf"))) +
                                        QStringList{QStringLiteral("--no-cache")});
        QVERIFY(cli.waitForStarted());
        QList<qint64> workers;
        QTRY_VERIFY_WITH_TIMEOUT(
            !(workers = childrenRunning(cli.processId(), QStringLiteral("overtext-pdfworker"))).isEmpty(),
            20000 * testpaths::timeScale());
        QVERIFY(holdsKey(readProc(cli.processId(), "environ"))); // the command line has it, as the user gave it
        for (qint64 worker : std::as_const(workers)) {
            const QByteArray env = readProc(worker, "environ");
            QVERIFY(env.contains("OVERTEXT_FAULT_PAGE=1:hang")); // this is the worker's environment
            QVERIFY2(!holdsKey(env), "the PDF worker inherited the API key");
            QVERIFY(!holdsKey(readProc(worker, "cmdline")));
            QVERIFY(!env.contains(kKeyVar.toUtf8()));
            ::kill(pid_t(worker), SIGKILL); // a crash: the page is skipped and named
        }
        QVERIFY(cli.waitForFinished(60000 * testpaths::timeScale()));
        const QByteArray err = cli.readAllStandardError();
        QVERIFY2(err.contains("PDF reader"), err.constData()); // on page 1, or while opening if it was that quick
        QVERIFY2(!holdsKey(err) && !holdsKey(cli.readAllStandardOutput()), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
