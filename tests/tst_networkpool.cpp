// Overtext's HTTP/1.1 client (httpCall over NetworkPool) against the fake server on its own thread: concurrency is
// what the server sees, connections are kept and reused, a connection the server closed while idle costs nothing,
// every body framing streams the same bytes, and cancellation, timeouts, a vanished pool, malformed answers and
// redirects end the exchange with the right outcome.
#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "translate/httpcall.h"
#include "translate/networkpool.h"
#include "translate/openaiprovider.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace overtext;
using namespace testsupport;

namespace {

QCoro::Task<HttpCallResult> get(NetworkPool *pool, QUrl url, CancelToken cancel = {}, HttpCallOptions options = {},
                                std::function<void(const QByteArray &)> onChunk = {}) {
    options.verb = "GET";
    co_return co_await httpCall(pool, QNetworkRequest(url), {}, cancel, options, onChunk);
}

QUrl at(const FakeServerThread &server, const char *path) {
    QUrl u = server.baseUrl();
    u.setPath(QLatin1String(path));
    return u;
}

} // namespace

class TestNetworkPool : public QObject {
    Q_OBJECT
private Q_SLOTS:
    /// 32 concurrent provider calls are 32 requests in flight at the server at once (300 ms before its first byte),
    /// on 32 connections; a second wave reuses them and opens none.
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
        for (int wave = 0; wave < 2; ++wave) {
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
            QCOMPARE(pool.inFlight(server.baseUrl()), kCalls);
            QTimer::singleShot(15000, &loop, &QEventLoop::quit);
            if (finished < kCalls)
                loop.exec();
            QCOMPARE(finished, kCalls);
            QCOMPARE(ok, kCalls);
            QCOMPARE(server.server()->maxInFlight(), kCalls);
            QCOMPARE(pool.inFlight(server.baseUrl()), 0);
            QCOMPARE(pool.idle(server.baseUrl()), kCalls);
            QCOMPARE(pool.opened(), kCalls);
            // maxInFlight is the proof; the clock only guards against serialising (32 × 300 ms) on a loaded machine.
            QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        }
        QCOMPARE(server.server()->requestCount(), 2 * kCalls);
    }

    /// HTTPS with a certificate the client trusts: the answer streams, and the connection (and its handshake) is
    /// reused. The untrusted case is tst_secrets::untrustedCertificateRefused.
    void httpsStreamsAndReuses() {
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            QSKIP("openssl is needed to make a certificate");
        QTemporaryDir dir;
        const QSslConfiguration tls = selfSignedTls(dir.path());
        QVERIFY(!tls.localCertificate().isNull());
        const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = before;
        trusting.addCaCertificate(tls.localCertificate());
        QSslConfiguration::setDefaultConfiguration(trusting);
        auto restore = qScopeGuard([&]() { QSslConfiguration::setDefaultConfiguration(before); });

        FakeHttpServer server;
        server.setHandler([](FakeRequest &) {
            FakeResponse r;
            r.framing = FakeResponse::Chunked;
            r.chunks = {"data: one\n\n", "data: two\n\n"};
            r.chunkDelayMs = 5;
            return r;
        });
        QVERIFY(server.listenTls(tls) != 0);
        QCOMPARE(server.baseUrl().scheme(), QStringLiteral("https"));
        NetworkPool pool;
        for (int i = 0; i < 3; ++i) {
            QByteArray got;
            const HttpCallResult r =
                await(get(&pool, server.baseUrl(), {}, {}, [&](const QByteArray &b) { got += b; }));
            QVERIFY2(r.networkError == QNetworkReply::NoError, qPrintable(r.networkErrorString));
            QCOMPARE(r.status, 200);
            QCOMPARE(got, QByteArray("data: one\n\ndata: two\n\n"));
        }
        QCOMPARE(pool.opened(), 1);
        QCOMPARE(server.requestCount(), 3);
    }

    /// Requests one after another share one connection.
    void keepAliveReuses() {
        FakeServerThread server([](FakeRequest &) { return FakeResponse::json(200, "{\"ok\":true}"); });
        NetworkPool pool;
        for (int i = 0; i < 5; ++i) {
            const HttpCallResult r = await(get(&pool, server.baseUrl()));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, QByteArray("{\"ok\":true}"));
        }
        QCOMPARE(pool.opened(), 1);
        QCOMPARE(pool.idle(server.baseUrl()), 1);
        QCOMPARE(server.server()->requestCount(), 5);
        // The kept connection sends without Nagle's delay.
        QAbstractSocket *kept = pool.takeIdle(server.baseUrl());
        QVERIFY(kept);
        QCOMPARE(kept->socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
        pool.giveBack(server.baseUrl(), kept);
    }

    /// A server that closes each connection right after its answer (while saying keep-alive): every request still
    /// succeeds, whether the close is seen before the next request or only after it was written to the dead
    /// connection (then it goes again on a new one, and the server sees it once).
    void closedIdleConnectionIsReplaced() {
        FakeServerThread server([](FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, "{\"ok\":true}");
            r.dropAfterChunks = 1; // after the whole body
            return r;
        });
        NetworkPool pool;
        for (int i = 0; i < 20; ++i) {
            const HttpCallResult r = await(get(&pool, server.baseUrl()));
            QCOMPARE(r.networkError, QNetworkReply::NoError);
            QCOMPARE(r.status, 200);
        }
        QCOMPARE(server.server()->requestCount(), 20);
        QCOMPARE(pool.opened(), 20);
    }

    /// Content-Length, chunked and close-delimited bodies, in many small writes, reach onChunk whole and in order.
    void framingsStreamTheSameBytes_data() {
        QTest::addColumn<int>("framing");
        QTest::newRow("content-length") << int(FakeResponse::ContentLength);
        QTest::newRow("chunked") << int(FakeResponse::Chunked);
        QTest::newRow("close-delimited") << int(FakeResponse::CloseDelimited);
    }
    void framingsStreamTheSameBytes() {
        QFETCH(int, framing);
        QByteArray whole;
        QList<QByteArray> pieces;
        for (int i = 0; i < 200; ++i) {
            pieces.append("data: {\"n\": " + QByteArray::number(i) + ", \"t\": \"\xc3\xa9\xe4\xb8\xad\"}\r\n\r\n");
            whole += pieces.last();
        }
        FakeServerThread server([&](FakeRequest &) {
            FakeResponse r;
            r.framing = FakeResponse::Framing(framing);
            r.chunks = pieces;
            r.chunkDelayMs = 0;
            return r;
        });
        NetworkPool pool;
        QByteArray got;
        int calls = 0;
        const HttpCallResult r = await(get(&pool, server.baseUrl(), {}, {}, [&](const QByteArray &b) {
            got += b;
            ++calls;
        }));
        QCOMPARE(r.networkError, QNetworkReply::NoError);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty()); // streamed, not kept
        QCOMPARE(got, whole);
        QVERIFY(calls >= 1);
        // Only a framed body leaves the connection reusable.
        QCOMPARE(pool.idle(server.baseUrl()), framing == FakeResponse::CloseDelimited ? 0 : 1);
    }

    /// An error status keeps its body for the message, even when the caller streams.
    void errorBodyIsKept() {
        FakeServerThread server([](FakeRequest &) { return FakeResponse::json(429, "{\"error\":\"slow down\"}"); });
        NetworkPool pool;
        bool streamed = false;
        const HttpCallResult r =
            await(get(&pool, server.baseUrl(), {}, {}, [&](const QByteArray &) { streamed = true; }));
        QCOMPARE(r.status, 429);
        QCOMPARE(r.body, QByteArray("{\"error\":\"slow down\"}"));
        QVERIFY(!streamed);
    }

    /// Answers that are not HTTP end as a protocol failure with a sentence, not a hang or a crash.
    void malformedAnswers_data() {
        QTest::addColumn<QByteArray>("raw");
        QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        QTest::newRow("bad status") << QByteArray("HTTP/1.1 abc Fine\r\nContent-Length: 0\r\n\r\n");
        QTest::newRow("bad chunk size") << QByteArray(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        QTest::newRow("bad content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello");
    }
    void malformedAnswers() {
        QFETCH(QByteArray, raw);
        FakeServerThread server([raw](FakeRequest &) {
            FakeResponse r;
            r.raw = true;
            r.framing = FakeResponse::CloseDelimited;
            r.chunks = {raw};
            return r;
        });
        NetworkPool pool;
        const HttpCallResult r = await(get(&pool, server.baseUrl()));
        QCOMPARE(r.networkError, QNetworkReply::ProtocolFailure);
        QVERIFY2(r.networkErrorString.startsWith(QLatin1String("Overtext could not read the answer")),
                 qPrintable(r.networkErrorString));
        QCOMPARE(pool.idle(server.baseUrl()), 0);
    }

    /// Cancelling mid-stream ends the exchange at once (within the 50 ms poll) and closes that connection.
    void cancelMidStream() {
        FakeServerThread server([](FakeRequest &) {
            FakeResponse r;
            r.framing = FakeResponse::Chunked;
            for (int i = 0; i < 100; ++i)
                r.chunks.append("data: x\n\n");
            r.chunkDelayMs = 50; // five seconds in all
            return r;
        });
        NetworkPool pool;
        CancelToken cancel;
        QElapsedTimer clock;
        clock.start();
        const HttpCallResult r = await(get(&pool, server.baseUrl(), cancel, {}, [&](const QByteArray &) {
            if (clock.elapsed() > 200)
                cancel.cancel();
        }));
        QVERIFY(r.cancelled);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(pool.idle(server.baseUrl()), 0);
        QCOMPARE(pool.inFlight(server.baseUrl()), 0);
    }

    /// No byte for longer than the transfer timeout: timed out; the total timeout bounds a trickle.
    void timeouts() {
        FakeServerThread server([](FakeRequest &r) {
            FakeResponse a = FakeResponse::json(200, "{}");
            if (r.path == "/slow") {
                a.firstByteDelayMs = 3000;
            } else {
                a.framing = FakeResponse::Chunked;
                a.chunks = QList<QByteArray>(100, "x");
                a.chunkDelayMs = 100;
            }
            return a;
        });
        NetworkPool pool;
        HttpCallOptions transfer;
        transfer.transferTimeoutMs = 300;
        QElapsedTimer clock;
        clock.start();
        HttpCallResult r = await(get(&pool, at(server, "/slow"), {}, transfer));
        QVERIFY(r.timedOut);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        HttpCallOptions total;
        total.transferTimeoutMs = 300; // every 100 ms a byte: never reached
        total.totalTimeoutMs = 600;
        clock.restart();
        r = await(get(&pool, at(server, "/trickle"), {}, total));
        QVERIFY(r.timedOut);
        QVERIFY2(clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(errorFromHttp(r, QStringLiteral("Test"), {})->code == Error::Timeout);
    }

    /// The pool deleted while an exchange waits (its provider went away): the exchange ends as cancelled.
    void poolGoneMidExchange() {
        FakeServerThread server([](FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, "{}");
            r.firstByteDelayMs = 2000;
            return r;
        });
        auto *pool = new NetworkPool;
        QTimer::singleShot(200, pool, [pool]() { pool->deleteLater(); });
        QElapsedTimer clock;
        clock.start();
        const HttpCallResult r = await(get(pool, server.baseUrl()));
        QVERIFY(r.cancelled);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
    }

    /// A redirect within the origin is followed (303 turns into GET); one to another origin is reported with its
    /// target and not followed.
    void redirects() {
        FakeServerThread other([](FakeRequest &) { return FakeResponse::json(200, "{\"other\":true}"); });
        const QByteArray elsewhere = other.baseUrl().toEncoded() + "/steal";
        FakeServerThread server([elsewhere](FakeRequest &r) {
            if (r.path == "/old") {
                FakeResponse a = FakeResponse::json(307, "");
                a.headers.append(qMakePair(QByteArray("Location"), QByteArray("/new?x=1")));
                return a;
            }
            if (r.path == "/away") {
                FakeResponse a = FakeResponse::json(308, "");
                a.headers.append(qMakePair(QByteArray("Location"), elsewhere));
                return a;
            }
            return FakeResponse::json(200, "{\"method\":\"" + r.method + "\",\"path\":\"" + r.path + "\"}");
        });
        NetworkPool pool;
        HttpCallResult r = await(get(&pool, at(server, "/old")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("{\"method\":\"GET\",\"path\":\"/new?x=1\"}"));
        QCOMPARE(r.url, at(server, "/old"));
        r = await(get(&pool, at(server, "/away")));
        QCOMPARE(r.status, 308);
        QCOMPARE(r.redirectTarget, QUrl::fromEncoded(elsewhere));
        QCOMPARE(other.server()->requestCount(), 0);
        QVERIFY(errorFromHttp(r, QStringLiteral("Test"), {})->message.contains(QLatin1String("redirected")));
    }

    /// What goes on the wire: Host, the request's headers, Content-Length, identity encoding, and never the user
    /// info of the URL.
    void requestOnTheWire() {
        FakeServerThread server([](FakeRequest &) { return FakeResponse::json(200, "{}"); });
        NetworkPool pool;
        QUrl url = at(server, "/v1/x");
        url.setQuery(QStringLiteral("a=b c"));
        url.setUserInfo(QStringLiteral("user:sekrit"));
        QNetworkRequest request(url);
        request.setRawHeader("X-Api-Key", "k");
        HttpCallOptions options;
        const HttpCallResult r = await(httpCall(&pool, request, "{\"q\":1}", {}, options, {}));
        QCOMPARE(r.status, 200);
        const FakeRequest seen = server.server()->requests().value(0);
        QCOMPARE(seen.method, QByteArray("POST"));
        QCOMPARE(seen.path, QByteArray("/v1/x?a=b%20c"));
        QCOMPARE(seen.headers.value("host"), "127.0.0.1:" + QByteArray::number(server.baseUrl().port()));
        QCOMPARE(seen.headers.value("x-api-key"), QByteArray("k"));
        QCOMPARE(seen.headers.value("content-length"), QByteArray("7"));
        QCOMPARE(seen.headers.value("accept-encoding"), QByteArray("identity"));
        QCOMPARE(seen.body, QByteArray("{\"q\":1}"));
        for (auto it = seen.headers.begin(); it != seen.headers.end(); ++it)
            QVERIFY2(!it.value().contains("sekrit") && !it.value().contains("dXNlcjpzZWtyaXQ"), it.key().constData());
    }
};

QTEST_GUILESS_MAIN(TestNetworkPool)
#include "tst_networkpool.moc"
