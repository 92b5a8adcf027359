#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/anthropicprovider.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace overtext;
using namespace testsupport;

Q_DECLARE_METATYPE(testsupport::Fault)

namespace {

const QString kKey = QStringLiteral("sk-ant-SECRET-abcdef123456");

TranslationRequest sampleRequest() {
    TranslationRequest r;
    r.sourceLang = QStringLiteral("en");
    r.targetLang = QStringLiteral("fr");
    r.instruction = QStringLiteral("Keep it short.");
    r.units = {{QStringLiteral("a"), QStringLiteral("The committee approved the annual budget on Monday.")},
               {QStringLiteral("b"), QStringLiteral("Write to {name} at info@example.com with questions.")},
               {QStringLiteral("c"), QStringLiteral("All figures are in thousands of euros.")}};
    return r;
}

AnthropicConfig configFor(const FakeHttpServer &server) {
    AnthropicConfig c;
    c.baseUrl = server.baseUrl();
    c.model = QStringLiteral("claude-fake");
    c.apiKey = kKey;
    c.transferTimeoutMs = 5000;
    return c;
}

} // namespace

class TestAnthropicProvider : public QObject {
    Q_OBJECT
private Q_SLOTS:
    /// Text deltas reach the sink before the end; usage comes from message_start / message_delta; the wire request
    /// carries x-api-key, anthropic-version, the system prompt apart from the user's JSON.
    void streamsPartialsThenResult() {
        FakeHttpServer server;
        server.setHandler(fakeAnthropicHandler({}));
        QVERIFY(server.listen());
        AnthropicProvider provider(configFor(server));
        QHash<QString, QStringList> partials;
        auto r = runTask(provider.translate(sampleRequest(),
                                            [&](const QString &id, const QString &t) { partials[id].append(t); }, {}));
        QVERIFY(r.has_value());
        QVERIFY2(r->ok(), qPrintable(r->ok() ? QString() : r->error().message));
        for (const TranslationUnit &u : sampleRequest().units) {
            QCOMPARE((*r)->translations.value(u.id), fakeTranslation(u.text, QStringLiteral("fr")));
            QVERIFY(partials.value(u.id).size() >= 3);
        }
        QCOMPARE((*r)->inputTokens, 321);
        QCOMPARE((*r)->outputTokens, 54);
        const FakeRequest req = server.requests().value(0);
        QCOMPARE(req.path, QByteArray("/v1/messages"));
        QCOMPARE(req.headers.value("x-api-key"), kKey.toUtf8());
        QCOMPARE(req.headers.value("anthropic-version"), QByteArray("2023-06-01"));
        QVERIFY(!req.headers.contains("authorization"));
        const QJsonObject body = QJsonDocument::fromJson(req.body).object();
        QVERIFY(body.value(QLatin1String("stream")).toBool());
        QVERIFY(body.value(QLatin1String("max_tokens")).toInt() > 0);
        QVERIFY(body.value(QLatin1String("system")).toString().contains(QLatin1String("Keep it short.")));
        QCOMPARE(req.unitIds, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    }

    void faults_data() {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<int>("errorCode");
        QTest::addColumn<int>("translated");
        QTest::newRow("429") << Fault::RateLimit << int(Error::RateLimited) << 0;
        QTest::newRow("500") << Fault::ServerError << int(Error::Service) << 0;
        QTest::newRow("401") << Fault::Unauthorized << int(Error::Auth) << 0;
        QTest::newRow("drop") << Fault::DropMidStream << int(Error::Network) << 0;
        QTest::newRow("no message_stop") << Fault::NoDone << int(Error::Network) << 0;
        QTest::newRow("not JSON") << Fault::MalformedJson << int(Error::Parse) << 0;
        QTest::newRow("thinking block") << Fault::Think << -1 << 3;
        QTest::newRow("fences") << Fault::Fences << -1 << 3;
        QTest::newRow("missing") << Fault::MissingItem << -1 << 2;
    }
    void faults() {
        QFETCH(Fault, fault);
        QFETCH(int, errorCode);
        QFETCH(int, translated);
        FakeBehaviour b;
        b.always = fault;
        FakeHttpServer server;
        server.setHandler(fakeAnthropicHandler(b));
        QVERIFY(server.listen());
        AnthropicProvider provider(configFor(server));
        QStringList seen;
        auto r = runTask(
            provider.translate(sampleRequest(), [&](const QString &, const QString &t) { seen.append(t); }, {}));
        QVERIFY(r.has_value());
        if (errorCode >= 0) {
            QVERIFY(!r->ok());
            QCOMPARE(int(r->error().code), errorCode);
            QVERIFY2(!r->error().message.contains(QLatin1String("SECRET")), qPrintable(r->error().message));
            if (fault == Fault::RateLimit)
                QCOMPARE(r->error().retryAfterMs, 2000);
            return;
        }
        QVERIFY2(r->ok(), qPrintable(r->ok() ? QString() : r->error().message));
        QCOMPARE((*r)->translations.size(), translated);
        for (const QString &t : seen + (*r)->translations.values())
            QVERIFY2(!t.contains(QLatin1String("THINKING")), qPrintable(t));
    }

    /// Faults scripted per request index: the first call is rate limited, the second succeeds on the same
    /// keep-alive server.
    void faultPerRequest() {
        FakeBehaviour b;
        b.faultAt.insert(0, Fault::RateLimitHttpDate);
        FakeHttpServer server;
        server.setHandler(fakeAnthropicHandler(b));
        QVERIFY(server.listen());
        AnthropicProvider provider(configFor(server));
        auto first = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(first && !first->ok());
        QCOMPARE(first->error().code, Error::RateLimited);
        QVERIFY(first->error().retryAfterMs > 0);
        auto second = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(second && second->ok());
        QCOMPARE((*second)->translations.size(), 3);
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.inFlight(), 0);
    }

    /// An `event: error` inside a 200 stream (overloaded) is a retryable Service error with Anthropic's words.
    void errorEventMidStream() {
        FakeHttpServer server;
        server.setHandler([](FakeRequest &) {
            FakeResponse r;
            r.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("text/event-stream")));
            r.framing = FakeResponse::Chunked;
            r.chunks = {"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{}}}\n\n",
                        "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        "\"message\":\"Overloaded\"}}\n\n"};
            return r;
        });
        QVERIFY(server.listen());
        AnthropicProvider provider(configFor(server));
        auto r = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().code, Error::Service);
        QCOMPARE(r->error().httpStatus, 529);
        QVERIFY2(r->error().message.contains(QLatin1String("Overloaded")), qPrintable(r->error().message));
    }

    void endpoint_data() {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("expected");
        QTest::newRow("root") << QStringLiteral("https://api.anthropic.com")
                              << QStringLiteral("https://api.anthropic.com/v1/messages");
        QTest::newRow("v1/") << QStringLiteral("https://proxy.local/v1/")
                             << QStringLiteral("https://proxy.local/v1/messages");
        QTest::newRow("full") << QStringLiteral("https://p/x/v1/messages") << QStringLiteral("https://p/x/v1/messages");
    }
    void endpoint() {
        QFETCH(QString, base);
        QFETCH(QString, expected);
        AnthropicConfig c;
        c.baseUrl = QUrl(base);
        QCOMPARE(AnthropicProvider(c).endpointUrl().toString(), expected);
    }
};

QTEST_GUILESS_MAIN(TestAnthropicProvider)
#include "tst_anthropicprovider.moc"
