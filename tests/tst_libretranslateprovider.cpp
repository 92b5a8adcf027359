#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/libretranslateprovider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace overtext;
using namespace testsupport;

Q_DECLARE_METATYPE(testsupport::Fault)

namespace {

const QString kKey = QStringLiteral("libre-SECRET-key");

TranslationRequest sampleRequest() {
    TranslationRequest r;
    r.targetLang = QStringLiteral("de");
    r.units = {{QStringLiteral("x"), QStringLiteral("Press %s to continue with the installation now.")},
               {QStringLiteral("y"), QStringLiteral("The energy is $E = mc^2$ in this simple model.")},
               {QStringLiteral("z"), QStringLiteral("Thank you.")}};
    return r;
}

LibreTranslateConfig configFor(const FakeHttpServer &server) {
    LibreTranslateConfig c;
    c.baseUrl = server.baseUrl();
    c.apiKey = kKey;
    c.transferTimeoutMs = 5000;
    return c;
}

} // namespace

class TestLibreTranslateProvider : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void translatesBatch() {
        FakeHttpServer server;
        server.setHandler(fakeLibreTranslateHandler({}));
        QVERIFY(server.listen());
        LibreTranslateProvider provider(configFor(server));
        int sinkCalls = 0;
        auto r =
            runTask(provider.translate(sampleRequest(), [&](const QString &, const QString &) { ++sinkCalls; }, {}));
        QVERIFY(r.has_value());
        QVERIFY2(r->ok(), qPrintable(r->ok() ? QString() : r->error().message));
        for (const TranslationUnit &u : sampleRequest().units)
            QCOMPARE((*r)->translations.value(u.id), fakeTranslation(u.text, QStringLiteral("de")));
        QCOMPARE(sinkCalls, 3);
        const FakeRequest req = server.requests().value(0);
        QCOMPARE(req.path, QByteArray("/translate"));
        const QJsonObject body = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(body.value(QLatin1String("q")).toArray().size(), 3);
        QCOMPARE(body.value(QLatin1String("source")).toString(), QStringLiteral("auto"));
        QCOMPARE(body.value(QLatin1String("target")).toString(), QStringLiteral("de"));
        QCOMPARE(body.value(QLatin1String("format")).toString(), QStringLiteral("text"));
        QCOMPARE(body.value(QLatin1String("api_key")).toString(), kKey);
        // %s and the math travelled as tokens.
        QVERIFY(!req.texts.value(0).contains(QLatin1String("%s")));
        QVERIFY(!req.texts.value(1).contains(QLatin1String("mc^2")));
    }

    /// Old servers close the connection to end the body; slow ones trickle it in pieces.
    void closeDelimitedSlowBody() {
        FakeBehaviour b;
        b.firstByteDelayMs = 100;
        FakeHandler libre = fakeLibreTranslateHandler(b);
        FakeHttpServer server;
        server.setHandler([libre](FakeRequest &req) {
            FakeResponse r = libre(req);
            r.framing = FakeResponse::CloseDelimited;
            const QByteArray whole = r.chunks.join();
            r.chunks = {whole.left(10), whole.mid(10, 10), whole.mid(20)};
            r.chunkDelayMs = 30;
            return r;
        });
        QVERIFY(server.listen());
        LibreTranslateProvider provider(configFor(server));
        auto r = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(r.has_value());
        QVERIFY2(r->ok(), qPrintable(r->ok() ? QString() : r->error().message));
        QCOMPARE((*r)->translations.size(), 3);
    }

    void errors_data() {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<int>("errorCode");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("403") << Fault::Unauthorized << int(Error::Auth) << QStringLiteral("Invalid API key");
        QTest::newRow("429") << Fault::RateLimit << int(Error::RateLimited) << QStringLiteral("limits");
        QTest::newRow("500") << Fault::ServerError << int(Error::Service) << QStringLiteral("Cannot translate");
        QTest::newRow("not JSON") << Fault::MalformedJson << int(Error::Parse) << QStringLiteral("LibreTranslate");
    }
    void errors() {
        QFETCH(Fault, fault);
        QFETCH(int, errorCode);
        QFETCH(QString, messagePart);
        FakeBehaviour b;
        b.always = fault;
        FakeHttpServer server;
        server.setHandler(fakeLibreTranslateHandler(b));
        QVERIFY(server.listen());
        LibreTranslateProvider provider(configFor(server));
        auto r = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(r && !r->ok());
        QCOMPARE(int(r->error().code), errorCode);
        QVERIFY2(r->error().message.contains(messagePart), qPrintable(r->error().message));
        QVERIFY2(!r->error().message.contains(kKey), qPrintable(r->error().message));
        if (fault == Fault::RateLimit)
            QCOMPARE(r->error().retryAfterMs, 2000);
    }

    void langCodes_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QString() << QStringLiteral("auto");
        QTest::newRow("de-DE") << QStringLiteral("de-DE") << QStringLiteral("de");
        QTest::newRow("zh-Hans") << QStringLiteral("zh-Hans") << QStringLiteral("zh");
        QTest::newRow("zh-Hant") << QStringLiteral("zh-Hant") << QStringLiteral("zt");
        QTest::newRow("pt-BR") << QStringLiteral("pt-BR") << QStringLiteral("pb");
    }
    void langCodes() {
        QFETCH(QString, code);
        QFETCH(QString, expected);
        QCOMPARE(LibreTranslateProvider::langCode(code), expected);
    }
};

QTEST_GUILESS_MAIN(TestLibreTranslateProvider)
#include "tst_libretranslateprovider.moc"
