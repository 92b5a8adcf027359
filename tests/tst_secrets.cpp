// The API key stays a secret: it never shows in an error sentence, in a partial text, in the provider's cache
// identity or in anything logged through Qt's message handler, whatever the server does (including echoing the key
// back in its error body), and a redirect to another origin never carries it there.
// (tst_openaiprovider covers a 307 to another origin for OpenAI; here every redirect status for both LLM providers.)

#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/anthropicprovider.h"
#include "translate/openaiprovider.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QTest>

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

std::unique_ptr<Provider> makeProvider(const QString &which, const QUrl &base) {
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
    return which == QLatin1String("openai") ? fakeOpenAiHandler(b) : fakeAnthropicHandler(b);
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

    /// Every way the fake servers can misbehave, for both LLM providers: the key appears in no error, partial text,
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
        };
        for (const char *p : {"openai", "anthropic"})
            for (const auto &f : faults)
                QTest::newRow(qPrintable(QStringLiteral("%1, %2").arg(QLatin1String(p), QLatin1String(f.first))))
                    << QString::fromLatin1(p) << f.second;
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
        for (const char *p : {"openai", "anthropic"})
            for (int status : {301, 302, 303, 307, 308})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(p)).arg(status)))
                    << QString::fromLatin1(p) << status;
    }
    void redirectKeepsKeyHome() {
        QFETCH(QString, provider);
        QFETCH(int, status);
        FakeHttpServer other;
        other.setHandler(handlerFor(provider, {}));
        QVERIFY(other.listen());
        QUrl target = other.baseUrl();
        target.setPath(provider == QLatin1String("openai") ? QStringLiteral("/v1/chat/completions")
                                                           : QStringLiteral("/v1/messages"));
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
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
