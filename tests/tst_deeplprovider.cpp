#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/deeplprovider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace overtext;
using namespace testsupport;

Q_DECLARE_METATYPE(testsupport::Fault)

namespace {

const QString kKey = QStringLiteral("0f1e2d3c-SECRET-4b5a:fx");

TranslationRequest sampleRequest() {
    TranslationRequest r;
    r.sourceLang = QStringLiteral("en-GB");
    r.targetLang = QStringLiteral("es");
    r.documentTitle = QStringLiteral("Report");
    r.units = {{QStringLiteral("a"), QStringLiteral("The committee approved the annual budget on Monday.")},
               {QStringLiteral("b"), QStringLiteral("Details are at https://example.org/budget for everyone.")}};
    return r;
}

DeepLConfig configFor(const FakeHttpServer &server) {
    DeepLConfig c;
    c.apiKey = kKey;
    c.baseUrl = server.baseUrl();
    c.formality = QStringLiteral("prefer_more");
    c.glossaryId = QStringLiteral("gl-123");
    c.transferTimeoutMs = 5000;
    return c;
}

} // namespace

class TestDeepLProvider : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void translatesBatch() {
        FakeHttpServer server;
        server.setHandler(fakeDeepLHandler({}));
        QVERIFY(server.listen());
        DeepLProvider provider(configFor(server));
        QHash<QString, QStringList> seen;
        auto r = runTask(
            provider.translate(sampleRequest(), [&](const QString &id, const QString &t) { seen[id].append(t); }, {}));
        QVERIFY(r.has_value());
        QVERIFY2(r->ok(), qPrintable(r->ok() ? QString() : r->error().message));
        for (const TranslationUnit &u : sampleRequest().units) {
            QCOMPARE((*r)->translations.value(u.id), fakeTranslation(u.text, QStringLiteral("ES")));
            QCOMPARE(seen.value(u.id), QStringList{(*r)->translations.value(u.id)});
        }
        QVERIFY((*r)->inputTokens > 0);
        const FakeRequest req = server.requests().value(0);
        QCOMPARE(req.path, QByteArray("/v2/translate"));
        QCOMPARE(req.headers.value("authorization"), "DeepL-Auth-Key " + kKey.toUtf8());
        const QJsonObject body = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(body.value(QLatin1String("target_lang")).toString(), QStringLiteral("ES"));
        QCOMPARE(body.value(QLatin1String("source_lang")).toString(), QStringLiteral("EN"));
        QCOMPARE(body.value(QLatin1String("formality")).toString(), QStringLiteral("prefer_more"));
        QCOMPARE(body.value(QLatin1String("glossary_id")).toString(), QStringLiteral("gl-123"));
        QCOMPARE(body.value(QLatin1String("context")).toString(), QStringLiteral("Report"));
        QCOMPARE(body.value(QLatin1String("text")).toArray().size(), 2);
        // The URL travelled as a token, not as text DeepL could touch.
        QVERIFY(!req.texts.value(1).contains(QLatin1String("https://")));
    }

    void errors_data() {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<int>("errorCode");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("456 quota") << Fault::QuotaExceeded << int(Error::Service) << QStringLiteral("quota");
        QTest::newRow("403 key") << Fault::Unauthorized << int(Error::Auth) << QStringLiteral("rejected by DeepL");
        QTest::newRow("429") << Fault::RateLimit << int(Error::RateLimited) << QStringLiteral("slow down");
        QTest::newRow("500") << Fault::ServerError << int(Error::Service) << QStringLiteral("HTTP 500");
        QTest::newRow("malformed") << Fault::MalformedJson << int(Error::Parse) << QStringLiteral("cannot read");
        QTest::newRow("drop") << Fault::DropMidStream << int(Error::Network) << QString();
    }
    void errors() {
        QFETCH(Fault, fault);
        QFETCH(int, errorCode);
        QFETCH(QString, messagePart);
        FakeBehaviour b;
        b.always = fault;
        FakeHttpServer server;
        server.setHandler(fakeDeepLHandler(b));
        QVERIFY(server.listen());
        DeepLProvider provider(configFor(server));
        auto r = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(r && !r->ok());
        QCOMPARE(int(r->error().code), errorCode);
        QVERIFY2(r->error().message.contains(messagePart), qPrintable(r->error().message));
        QVERIFY2(!r->error().message.contains(QLatin1String("SECRET")), qPrintable(r->error().message));
        QCOMPARE(isRetryable(r->error()), fault != Fault::QuotaExceeded && fault != Fault::Unauthorized);
        if (fault == Fault::RateLimit)
            QCOMPARE(r->error().retryAfterMs, 2000);
    }

    void untranslatedIsSuspicious() {
        FakeBehaviour b;
        b.always = Fault::Untranslated;
        FakeHttpServer server;
        server.setHandler(fakeDeepLHandler(b));
        QVERIFY(server.listen());
        DeepLProvider provider(configFor(server));
        auto r = runTask(provider.translate(sampleRequest(), {}, {}));
        QVERIFY(r && r->ok());
        QCOMPARE((*r)->suspiciousIds, QStringList{QStringLiteral("a")});
    }

    void endpoint_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("expected");
        QTest::newRow("free") << QStringLiteral("abc:fx") << QString()
                              << QStringLiteral("https://api-free.deepl.com/v2/translate");
        QTest::newRow("pro") << QStringLiteral("abc") << QString()
                             << QStringLiteral("https://api.deepl.com/v2/translate");
        QTest::newRow("override") << QStringLiteral("abc:fx") << QStringLiteral("http://127.0.0.1:9/")
                                  << QStringLiteral("http://127.0.0.1:9/v2/translate");
    }
    void endpoint() {
        QFETCH(QString, key);
        QFETCH(QString, base);
        QFETCH(QString, expected);
        DeepLConfig c;
        c.apiKey = key;
        c.baseUrl = QUrl(base);
        QCOMPARE(DeepLProvider(c).endpointUrl().toString(), expected);
    }

    void langCodes_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("source");
        QTest::newRow("en") << QStringLiteral("en") << QStringLiteral("EN-US") << QStringLiteral("EN");
        QTest::newRow("en-GB") << QStringLiteral("en-GB") << QStringLiteral("EN-GB") << QStringLiteral("EN");
        QTest::newRow("en_AU") << QStringLiteral("en_AU") << QStringLiteral("EN-GB") << QStringLiteral("EN");
        QTest::newRow("pt") << QStringLiteral("pt") << QStringLiteral("PT-PT") << QStringLiteral("PT");
        QTest::newRow("pt-BR") << QStringLiteral("pt-BR") << QStringLiteral("PT-BR") << QStringLiteral("PT");
        QTest::newRow("zh") << QStringLiteral("zh") << QStringLiteral("ZH-HANS") << QStringLiteral("ZH");
        QTest::newRow("zh-Hans") << QStringLiteral("zh-Hans") << QStringLiteral("ZH-HANS") << QStringLiteral("ZH");
        QTest::newRow("zh-TW") << QStringLiteral("zh-TW") << QStringLiteral("ZH-HANT") << QStringLiteral("ZH");
        QTest::newRow("zh-Hant-HK") << QStringLiteral("zh-Hant-HK") << QStringLiteral("ZH-HANT")
                                    << QStringLiteral("ZH");
        QTest::newRow("no") << QStringLiteral("no") << QStringLiteral("NB") << QStringLiteral("NB");
        QTest::newRow("de-AT") << QStringLiteral("de-AT") << QStringLiteral("DE") << QStringLiteral("DE");
    }
    void langCodes() {
        QFETCH(QString, code);
        QFETCH(QString, target);
        QFETCH(QString, source);
        QCOMPARE(DeepLProvider::targetLangCode(code), target);
        QCOMPARE(DeepLProvider::sourceLangCode(code), source);
    }
};

QTEST_GUILESS_MAIN(TestDeepLProvider)
#include "tst_deeplprovider.moc"
