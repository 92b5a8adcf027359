#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/networkpool.h"
#include "translate/openaiprovider.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <vector>

using namespace overtext;
using namespace testsupport;

class TestNetworkPool : public QObject {
    Q_OBJECT
private Q_SLOTS:
    /// ceil(N/6) managers per host, least loaded first, slots given back on release, hosts counted apart.
    void picksLeastLoaded() {
        NetworkPool pool;
        const QUrl a(QStringLiteral("http://127.0.0.1:8080/v1")), b(QStringLiteral("https://api.example.com/v1"));
        QList<QNetworkAccessManager *> got;
        for (int i = 0; i < 13; ++i)
            got.append(pool.acquire(a));
        QCOMPARE(pool.managerCount(), 3);
        QCOMPARE(pool.inFlight(a), 13);
        QCOMPARE(got.count(got[0]), 6);
        // Another host fits on the existing managers.
        QNetworkAccessManager *forB = pool.acquire(b);
        QCOMPARE(pool.managerCount(), 3);
        QCOMPARE(pool.inFlight(b), 1);
        // Freeing two slots on the first manager makes it the least loaded one.
        pool.release(got[0], a);
        pool.release(got[0], a);
        pool.release(got.last(), a); // the third manager had 1
        QCOMPARE(pool.inFlight(a), 10);
        QCOMPARE(pool.acquire(a), got.last());
        pool.release(forB, b);
        QCOMPARE(pool.inFlight(b), 0);
    }

    void preparesRequests() {
        QNetworkRequest r(QUrl(QStringLiteral("https://api.example.com/v1/chat/completions")));
        NetworkPool::prepare(r, 12345);
        QCOMPARE(r.transferTimeout(), 12345);
        QCOMPARE(r.attribute(QNetworkRequest::RedirectPolicyAttribute).toInt(),
                 int(QNetworkRequest::SameOriginRedirectPolicy));
        QVERIFY(r.attribute(QNetworkRequest::Http2AllowedAttribute).toBool());
    }

    /// The premise: one QNetworkAccessManager never has more than 6 requests in flight to one host.
    void oneManagerStopsAtSix() {
        FakeServerThread server([](FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, "{}");
            r.firstByteDelayMs = 300;
            return r;
        });
        QNetworkAccessManager manager;
        int done = 0;
        QEventLoop loop;
        for (int i = 0; i < 12; ++i) {
            QNetworkReply *reply = manager.get(QNetworkRequest(server.baseUrl()));
            connect(reply, &QNetworkReply::finished, &loop, [&, reply]() {
                reply->deleteLater();
                if (++done == 12)
                    loop.quit();
            });
        }
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(done, 12);
        QCOMPARE(server.server()->maxInFlight(), 6);
    }

    /// 32 concurrent provider calls through the pool really are 32 requests in flight at the server at once (the
    /// server runs on its own thread, with 300 ms before its first byte).
    void concurrency32() {
        FakeBehaviour b;
        b.firstByteDelayMs = 300;
        b.chunkDelayMs = 0;
        FakeServerThread server(fakeOpenAiHandler(b));
        NetworkPool pool;
        OpenAiConfig c;
        c.baseUrl = server.baseUrl();
        c.model = QStringLiteral("fake");
        OpenAiProvider provider(c, &pool);

        constexpr int kCalls = 32;
        int ok = 0, finished = 0;
        QEventLoop loop;
        std::vector<QCoro::Task<void>> chained;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < kCalls; ++i) {
            TranslationRequest r;
            r.targetLang = QStringLiteral("es");
            r.units = {{QStringLiteral("u%1").arg(i), QStringLiteral("Sentence number %1 of the test.").arg(i)}};
            chained.push_back(provider.translate(r, {}, {}).then([&](Result<TranslationBatchResult> res) {
                ok += res.ok() ? 1 : 0;
                if (++finished == kCalls)
                    loop.quit();
            }));
        }
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        if (finished < kCalls)
            loop.exec();
        QCOMPARE(finished, kCalls);
        QCOMPARE(ok, kCalls);
        QCOMPARE(server.server()->maxInFlight(), kCalls);
        QCOMPARE(pool.managerCount(), (kCalls + 5) / 6);
        QCOMPARE(pool.inFlight(server.baseUrl()), 0);
        // maxInFlight is the proof; the clock only guards against serialising (32 × 300 ms) on a loaded machine.
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestNetworkPool)
#include "tst_networkpool.moc"
