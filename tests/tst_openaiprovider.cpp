#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/httpcall.h"
#include "translate/openaiprovider.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using namespace overtext;
using namespace testsupport;

Q_DECLARE_METATYPE(testsupport::Fault)

namespace {

const QString kKey = QStringLiteral("sk-test-SECRET-1234567890");

TranslationRequest sampleRequest() {
    TranslationRequest r;
    r.sourceLang = QStringLiteral("en");
    r.targetLang = QStringLiteral("es");
    r.units = {{QStringLiteral("p1-0"), QStringLiteral("The quick brown fox jumps over the lazy dog near the river.")},
               {QStringLiteral("p1-1"), QStringLiteral("Visit https://example.org/docs for the full manual today.")},
               {QStringLiteral("p1-2"), QStringLiteral("Results are shown in the second table below.")}};
    return r;
}

OpenAiConfig configFor(const FakeHttpServer &server) {
    OpenAiConfig c;
    QUrl base = server.baseUrl();
    base.setPath(QStringLiteral("/v1"));
    c.baseUrl = base;
    c.model = QStringLiteral("fake-model");
    c.apiKey = kKey;
    c.transferTimeoutMs = 5000;
    return c;
}

struct Outcome {
    std::optional<Result<TranslationBatchResult>> result;
    QHash<QString, QStringList> partials; // every text the sink got, per id
};

Outcome run(OpenAiProvider &provider, TranslationRequest request = sampleRequest(), CancelToken cancel = {}) {
    Outcome o;
    auto sink = [&o](const QString &id, const QString &text) { o.partials[id].append(text); };
    o.result = runTask(provider.translate(std::move(request), sink, cancel));
    return o;
}

} // namespace

class TestOpenAiProvider : public QObject {
    Q_OBJECT
private Q_SLOTS:
    /// The request body is JSON that says what the settings say: model, streaming with usage (or without), the
    /// optional temperature and token limit, the two messages with every character intact, and extraBody's own keys
    /// (Overtext's keys win over extraBody's).
    void bodyIsTheSettings() {
        OpenAiConfig c;
        c.model = QStringLiteral("gpt-\"4o\"");
        c.temperature = 0.2;
        c.maxOutputTokens = 4096;
        c.extraBody = QJsonObject{{QStringLiteral("reasoning_effort"), QStringLiteral("low")},
                                  {QStringLiteral("seed"), 7},
                                  {QStringLiteral("logit_bias"), QJsonObject{{QStringLiteral("50256"), -100}}},
                                  {QStringLiteral("model"), QStringLiteral("not this one")}};
        EncodedBatch batch;
        batch.systemPrompt = QStringLiteral("Rules:\n- \u27e60\u27e7 \"quoted\" \\ tab\t\u0001 中文 😀");
        batch.userMessage = QStringLiteral("{\n  \"u1\": \"Ésta\"\n}");
        OpenAiProvider provider(c);
        for (const bool usage : {true, false}) {
            QJsonParseError error;
            const QJsonObject body = QJsonDocument::fromJson(provider.buildBody(batch, usage), &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            QCOMPARE(body.value(QLatin1String("model")).toString(), c.model);
            QCOMPARE(body.value(QLatin1String("stream")).toBool(), true);
            QCOMPARE(body.contains(QLatin1String("stream_options")), usage);
            if (usage)
                QVERIFY(body.value(QLatin1String("stream_options"))
                            .toObject()
                            .value(QLatin1String("include_usage"))
                            .toBool());
            QCOMPARE(body.value(QLatin1String("temperature")).toDouble(), 0.2);
            QCOMPARE(body.value(QLatin1String("max_tokens")).toInt(), 4096);
            const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
            QCOMPARE(messages.size(), 2);
            QCOMPARE(messages[0].toObject().value(QLatin1String("role")).toString(), QStringLiteral("system"));
            QCOMPARE(messages[0].toObject().value(QLatin1String("content")).toString(), batch.systemPrompt);
            QCOMPARE(messages[1].toObject().value(QLatin1String("role")).toString(), QStringLiteral("user"));
            QCOMPARE(messages[1].toObject().value(QLatin1String("content")).toString(), batch.userMessage);
            QCOMPARE(body.value(QLatin1String("reasoning_effort")).toString(), QStringLiteral("low"));
            QCOMPARE(body.value(QLatin1String("seed")).toInt(), 7);
            QCOMPARE(body.value(QLatin1String("logit_bias")).toObject().value(QLatin1String("50256")).toInt(), -100);
        }
        // Without the optional settings, their keys are absent.
        OpenAiConfig plain;
        plain.model = QStringLiteral("m");
        plain.temperature.reset();
        const QJsonObject body = QJsonDocument::fromJson(OpenAiProvider(plain).buildBody(batch, true)).object();
        QVERIFY(!body.contains(QLatin1String("temperature")) && !body.contains(QLatin1String("max_tokens")));
    }

    /// Partial texts reach the sink while the answer streams, growing, before the final result; every unit comes
    /// back; the wire request is what an OpenAI-compatible server expects; usage is taken from the stream.
    void streamsPartialsThenResult() {
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler({}));
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        const Outcome o = run(provider);
        QVERIFY(o.result.has_value());
        QVERIFY2(o.result->ok(), qPrintable(o.result->ok() ? QString() : o.result->error().message));
        const TranslationRequest req = sampleRequest();
        for (const TranslationUnit &u : req.units) {
            QCOMPARE((*o.result)->translations.value(u.id), fakeTranslation(u.text, QStringLiteral("es")));
            const QStringList seen = o.partials.value(u.id);
            QVERIFY2(seen.size() >= 3, qPrintable(u.id));
            for (qsizetype i = 1; i < seen.size(); ++i)
                QVERIFY2(seen[i].size() >= seen[i - 1].size(), qPrintable(seen[i]));
            QVERIFY(seen.first().size() < seen.last().size());
        }
        // The URL token was restored before the sink saw it.
        QVERIFY(o.partials.value(QStringLiteral("p1-1")).last().contains(QLatin1String("https://example.org/docs")));
        QCOMPARE((*o.result)->inputTokens, 123);
        QCOMPARE((*o.result)->outputTokens, 45);

        const QList<FakeRequest> reqs = server.requests();
        QCOMPARE(reqs.size(), 1);
        QCOMPARE(reqs[0].method, QByteArray("POST"));
        QCOMPARE(reqs[0].path, QByteArray("/v1/chat/completions"));
        QCOMPARE(reqs[0].headers.value("authorization"), "Bearer " + kKey.toUtf8());
        QCOMPARE(reqs[0].unitIds,
                 (QStringList{QStringLiteral("p1-0"), QStringLiteral("p1-1"), QStringLiteral("p1-2")}));
        const QJsonObject body = QJsonDocument::fromJson(reqs[0].body).object();
        QCOMPARE(body.value(QLatin1String("stream")).toBool(), true);
        QCOMPARE(body.value(QLatin1String("model")).toString(), QStringLiteral("fake-model"));
        QVERIFY(body.value(QLatin1String("stream_options")).toObject().value(QLatin1String("include_usage")).toBool());
    }

    void faults_data() {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<int>("errorCode"); // -1: success expected
        QTest::addColumn<QString>("messagePart");
        QTest::addColumn<int>("translated");
        QTest::newRow("429") << Fault::RateLimit << int(Error::RateLimited) << QStringLiteral("slow down") << 0;
        QTest::newRow("429 http date") << Fault::RateLimitHttpDate << int(Error::RateLimited) << QString() << 0;
        QTest::newRow("500") << Fault::ServerError << int(Error::Service) << QStringLiteral("HTTP 500") << 0;
        QTest::newRow("401") << Fault::Unauthorized << int(Error::Auth)
                             << QStringLiteral("The API key was rejected by 127.0.0.1") << 0;
        QTest::newRow("drop") << Fault::DropMidStream << int(Error::Network) << QStringLiteral("dropped mid-answer")
                              << 0;
        QTest::newRow("no [DONE]") << Fault::NoDone << int(Error::Network) << QStringLiteral("dropped mid-answer") << 0;
        QTest::newRow("not JSON") << Fault::MalformedJson << int(Error::Parse) << QStringLiteral("cannot translate")
                                  << 0;
        QTest::newRow("truncated JSON") << Fault::TruncatedJson << -1 << QString() << 1;
        QTest::newRow("chatter") << Fault::Chatter << -1 << QString() << 3;
        QTest::newRow("fences") << Fault::Fences << -1 << QString() << 3;
        QTest::newRow("think") << Fault::Think << -1 << QString() << 3;
        QTest::newRow("reasoning_content") << Fault::ReasoningContent << -1 << QString() << 3;
        QTest::newRow("missing item") << Fault::MissingItem << -1 << QString() << 2;
        QTest::newRow("untranslated") << Fault::Untranslated << -1 << QString() << 3;
    }
    /// Each misbehaviour becomes the right error, or a result without reasoning text, with missing units left out.
    void faults() {
        QFETCH(Fault, fault);
        QFETCH(int, errorCode);
        QFETCH(QString, messagePart);
        QFETCH(int, translated);
        FakeBehaviour b;
        b.always = fault;
        b.retryAfterSeconds = 3;
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler(b));
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        const Outcome o = run(provider);
        QVERIFY(o.result.has_value());
        if (errorCode >= 0) {
            QVERIFY2(!o.result->ok(), "expected an error");
            const Error &e = o.result->error();
            QCOMPARE(int(e.code), errorCode);
            QVERIFY2(e.message.contains(messagePart), qPrintable(e.message));
            QVERIFY2(!e.message.contains(kKey), qPrintable(e.message));
            QVERIFY2(!e.message.contains(QLatin1String("SECRET")), qPrintable(e.message));
            QCOMPARE(isRetryable(e), fault != Fault::Unauthorized);
            if (fault == Fault::RateLimit)
                QCOMPARE(e.retryAfterMs, 3000);
            if (fault == Fault::RateLimitHttpDate)
                QVERIFY2(e.retryAfterMs > 1000 && e.retryAfterMs <= 3000, qPrintable(QString::number(e.retryAfterMs)));
            if (fault == Fault::ServerError)
                QCOMPARE(e.httpStatus, 500);
            return;
        }
        QVERIFY2(o.result->ok(), qPrintable(o.result->ok() ? QString() : o.result->error().message));
        const auto &translations = (*o.result)->translations;
        if (fault == Fault::TruncatedJson)
            QVERIFY(translations.size() >= 1 && translations.size() < 3);
        else
            QCOMPARE(translations.size(), translated);
        for (const QString &t : translations) {
            QVERIFY2(!t.contains(QLatin1String("WRONG")) && !t.contains(QLatin1String("REASONING")), qPrintable(t));
            QVERIFY(!t.contains(QLatin1String("think>")));
        }
        for (const QStringList &partials : o.partials)
            for (const QString &p : partials)
                QVERIFY2(!p.contains(QLatin1String("WRONG")) && !p.contains(QLatin1String("REASONING")), qPrintable(p));
        if (fault == Fault::MissingItem)
            QVERIFY(!translations.contains(QStringLiteral("p1-2")));
        if (fault == Fault::Untranslated)
            QCOMPARE((*o.result)->suspiciousIds, QStringList{QStringLiteral("p1-0")});
        else
            QVERIFY((*o.result)->suspiciousIds.isEmpty());
    }

    /// A 404 for an unknown model is a Service error with the server's own words.
    void unknownModel() {
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler({}));
        QVERIFY(server.listen());
        OpenAiConfig c = configFor(server);
        c.model = QStringLiteral("unknown-model");
        OpenAiProvider provider(c);
        const Outcome o = run(provider);
        QVERIFY(o.result && !o.result->ok());
        QCOMPARE(o.result->error().code, Error::Service);
        QCOMPARE(o.result->error().httpStatus, 404);
        QVERIFY(!isRetryable(o.result->error()));
        QVERIFY2(o.result->error().message.contains(QLatin1String("`unknown-model` does not exist")),
                 qPrintable(o.result->error().message));
    }

    /// Local servers (Ollama, llama.cpp…) get no Authorization header at all when no key is set.
    void noKeyNoAuthorization() {
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler({}));
        QVERIFY(server.listen());
        OpenAiConfig c = configFor(server);
        c.apiKey.clear();
        OpenAiProvider provider(c);
        QVERIFY(run(provider).result->ok());
        QVERIFY(!server.requests().value(0).headers.contains("authorization"));
    }

    void azure() {
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler({}));
        QVERIFY(server.listen());
        OpenAiConfig c = configFor(server);
        c.baseUrl = server.baseUrl();
        c.azure = OpenAiConfig::Azure::On;
        c.azureDeployment = QStringLiteral("my-gpt4o");
        OpenAiProvider provider(c);
        const Outcome o = run(provider);
        QVERIFY2(o.result->ok(), qPrintable(o.result->ok() ? QString() : o.result->error().message));
        const FakeRequest r = server.requests().value(0);
        QCOMPARE(r.path, QByteArray("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21"));
        QCOMPARE(r.headers.value("api-key"), kKey.toUtf8());
        QVERIFY(!r.headers.contains("authorization"));

        OpenAiConfig auto_;
        auto_.baseUrl = QUrl(QStringLiteral("https://contoso.openai.azure.com/"));
        auto_.model = QStringLiteral("gpt-4o");
        QVERIFY(OpenAiProvider(auto_).isAzure());
        QCOMPARE(OpenAiProvider(auto_).endpointUrl().toString(),
                 QStringLiteral("https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
                                "?api-version=2024-10-21"));
        QVERIFY(!OpenAiProvider(OpenAiConfig{}).isAzure());
    }

    /// A redirect to another origin is not followed: the other server never sees the key.
    void redirectDoesNotLeakKey() {
        FakeHttpServer other;
        other.setHandler(fakeOpenAiHandler({}));
        QVERIFY(other.listen());
        FakeHttpServer server;
        const QByteArray location = other.baseUrl().toEncoded() + "/v1/chat/completions";
        server.setHandler([location](FakeRequest &) {
            FakeResponse r;
            r.status = 307;
            r.headers.append(qMakePair(QByteArray("Location"), location));
            return r;
        });
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        const Outcome o = run(provider);
        QVERIFY(o.result && !o.result->ok());
        QCOMPARE(o.result->error().code, Error::Network);
        QVERIFY2(o.result->error().message.contains(QLatin1String("redirected")),
                 qPrintable(o.result->error().message));
        QCOMPARE(other.requestCount(), 0);
        QCOMPARE(server.requestCount(), 1);
    }

    /// A server that refuses stream_options gets the request once more without it, and the answer still streams.
    void retriesWithoutStreamOptions() {
        FakeHttpServer server;
        FakeHandler openAi = fakeOpenAiHandler({});
        server.setHandler([openAi](FakeRequest &req) {
            if (req.body.contains("stream_options"))
                return FakeResponse::json(
                    400, "{\"error\":{\"message\":\"Unrecognized request argument supplied: stream_options\"}}");
            return openAi(req);
        });
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        const Outcome o = run(provider);
        QVERIFY2(o.result->ok(), qPrintable(o.result->ok() ? QString() : o.result->error().message));
        QCOMPARE((*o.result)->translations.size(), 3);
        QCOMPARE(server.requestCount(), 2);
        QVERIFY((*o.result)->inputTokens > 0); // estimated, as no usage came
    }

    /// A server that ignores stream:true and answers one chat.completion JSON is still understood.
    void nonStreamedAnswer() {
        FakeHttpServer server;
        server.setHandler([](FakeRequest &) {
            return FakeResponse::json(200,
                                      "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                                      "\"assistant\",\"content\":\"{\\\"p1-0\\\": \\\"uno\\\", \\\"p1-2\\\": "
                                      "\\\"tres\\\"}\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
                                      "\"completion_tokens\":3}}");
        });
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        const Outcome o = run(provider);
        QVERIFY2(o.result->ok(), qPrintable(o.result->ok() ? QString() : o.result->error().message));
        QCOMPARE((*o.result)->translations.value(QStringLiteral("p1-0")), QStringLiteral("uno"));
        QCOMPARE((*o.result)->translations.value(QStringLiteral("p1-2")), QStringLiteral("tres"));
        QVERIFY(!(*o.result)->translations.contains(QStringLiteral("p1-1")));
        QCOMPARE((*o.result)->inputTokens, 9);
    }

    /// An empty batch costs no request.
    void emptyBatchSendsNothing() {
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler({}));
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        TranslationRequest empty;
        empty.targetLang = QStringLiteral("es");
        const Outcome o = run(provider, empty);
        QVERIFY(o.result && o.result->ok());
        QVERIFY((*o.result)->translations.isEmpty());
        QCOMPARE(server.requestCount(), 0);
    }

    /// Random faults with a fixed seed are reproducible, and every call ends in a result or a clear error.
    void seededRandomFaults() {
        auto runOnce = [](QList<int> &codes) {
            FakeBehaviour b;
            b.faultProbability = 0.4;
            b.randomFault = Fault::ServerError;
            b.seed = 7;
            b.chunkDelayMs = 0;
            FakeHttpServer server;
            server.setHandler(fakeOpenAiHandler(b));
            QVERIFY(server.listen());
            OpenAiProvider provider(configFor(server));
            for (int i = 0; i < 12; ++i) {
                const Outcome o = run(provider);
                QVERIFY(o.result.has_value());
                codes.append(o.result->ok() ? -1 : int(o.result->error().code));
            }
        };
        QList<int> first, second;
        runOnce(first);
        runOnce(second);
        QCOMPARE(first, second);
        QVERIFY(first.contains(-1));
        QVERIFY(first.contains(int(Error::Service)));
    }

    void connectionRefused() {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        OpenAiConfig c;
        c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
        c.apiKey = kKey;
        OpenAiProvider provider(c);
        const Outcome o = run(provider);
        QVERIFY(o.result && !o.result->ok());
        QCOMPARE(o.result->error().code, Error::Network);
        QVERIFY2(o.result->error().message.contains(QLatin1String("refused")), qPrintable(o.result->error().message));
    }

    /// Cancelling mid-stream aborts the reply promptly and reports Cancelled.
    void cancelMidStream() {
        FakeBehaviour b;
        b.chunkDelayMs = 40;
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler(b));
        QVERIFY(server.listen());
        OpenAiProvider provider(configFor(server));
        CancelToken cancel;
        int partials = 0;
        QElapsedTimer clock;
        clock.start();
        auto r = runTask(provider.translate(
            sampleRequest(),
            [&](const QString &, const QString &) {
                if (++partials == 2)
                    cancel.cancel();
            },
            cancel));
        QVERIFY(r.has_value());
        QVERIFY(!r->ok());
        QCOMPARE(r->error().code, Error::Cancelled);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }

    /// No byte for longer than the transfer timeout: Timeout, not Cancelled.
    void transferTimeout() {
        FakeBehaviour b;
        b.firstByteDelayMs = 3000;
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler(b));
        QVERIFY(server.listen());
        OpenAiConfig c = configFor(server);
        c.transferTimeoutMs = 300;
        OpenAiProvider provider(c);
        const Outcome o = run(provider);
        QVERIFY(o.result && !o.result->ok());
        QCOMPARE(o.result->error().code, Error::Timeout);
    }

    /// The provider may be destroyed while its request is in flight; the task still ends.
    void providerDeletedMidRequest() {
        FakeBehaviour b;
        b.chunkDelayMs = 10;
        FakeHttpServer server;
        server.setHandler(fakeOpenAiHandler(b));
        QVERIFY(server.listen());
        NetworkPool pool;
        auto *provider = new OpenAiProvider(configFor(server), &pool);
        auto task = provider->translate(sampleRequest(), {}, {});
        provider->deleteLater();
        auto r = runTask(std::move(task));
        QVERIFY(r.has_value());
        QVERIFY(r->ok());
    }

    void retryAfterHeaders_data() {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("seconds") << QByteArray("retry-after") << QByteArray("7") << qint64(7000);
        QTest::newRow("date") << QByteArray("retry-after") << QByteArray("Thu, 01 Jan 2026 00:00:30 GMT")
                              << qint64(30000);
        QTest::newRow("retry-after-ms") << QByteArray("retry-after-ms") << QByteArray("250") << qint64(250);
        QTest::newRow("openai reset") << QByteArray("x-ratelimit-reset-requests") << QByteArray("6m0s")
                                      << qint64(360000);
        QTest::newRow("openai reset ms") << QByteArray("x-ratelimit-reset-tokens") << QByteArray("20ms") << qint64(20);
        QTest::newRow("none") << QByteArray("x-other") << QByteArray("1") << qint64(-1);
    }
    void retryAfterHeaders() {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(qint64, ms);
        const QDateTime now = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        QCOMPARE(retryAfterFromHeaders({{name, value}}, now), ms);
    }
};

QTEST_GUILESS_MAIN(TestOpenAiProvider)
#include "tst_openaiprovider.moc"
