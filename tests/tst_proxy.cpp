// Proxies, company certificates, timeouts and compressed answers (issue 13): the proxy rules against curl's, a real
// proxy (Debian's tinyproxy, started here on a free loopback port) for plain HTTP, CONNECT tunnels and Basic auth, an
// in-test SOCKS5 relay and a 407-only proxy where tinyproxy cannot play the part, a TLS server whose certificate a test
// CA signed, and gzip-compressed SSE streams.

#include "fakes/fakehttpserver.h"
#include "fakes/fakeservices.h"
#include "fakes/runtask.h"
#include "testpaths.h"
#include "translate/httpcall.h"
#include "translate/httpresponse.h"
#include "translate/networkconfig.h"
#include "translate/networkpool.h"
#include "translate/openaiprovider.h"

#include <QDir>
#include <QFile>
#include <QMutex>
#include <QProcess>
#include <QSslKey>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtEndian>

#include <zlib.h>

using namespace overtext;
using namespace testsupport;

namespace {

const QString kKeyVar = QStringLiteral("OVERTEXT_TEST_PROXY_KEY");
const QString kKey = QStringLiteral("sk-proxytest-0123456789abcdef");

/// A proxy played by the test, on its own thread: Http407 answers every request (CONNECT included) with 407;
/// Socks5 relays SOCKS5 CONNECTs (no authentication) and records how each target was named.
class TestProxy : public QObject {
public:
    enum class Mode { Http407, Socks5 };
    explicit TestProxy(Mode mode)
        : m_mode(mode) {
        m_server.moveToThread(&m_thread);
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            this,
            [this] {
                QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
                m_server.listen(QHostAddress::LocalHost, 0);
                m_port = m_server.serverPort();
            },
            Qt::BlockingQueuedConnection);
    }
    ~TestProxy() override {
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_server.close();
                qDeleteAll(m_server.children());
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    int requests() const {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }
    QByteArray lastHead() const {
        QMutexLocker lock(&m_mutex);
        return m_lastHead;
    }
    QStringList targets() const {
        QMutexLocker lock(&m_mutex);
        return m_targets;
    }

private:
    void accept() {
        while (QTcpSocket *s = m_server.nextPendingConnection()) {
            s->setParent(&m_server);
            auto buffer = std::make_shared<QByteArray>();
            auto upstream = std::make_shared<QPointer<QTcpSocket>>();
            auto stage = std::make_shared<int>(0);
            QObject::connect(s, &QTcpSocket::readyRead, this, [=, this] {
                *buffer += s->readAll();
                if (m_mode == Mode::Http407)
                    return http407(s, *buffer);
                socks(s, *buffer, *stage, *upstream);
            });
            QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    }
    void http407(QTcpSocket *s, QByteArray &buffer) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        {
            QMutexLocker lock(&m_mutex);
            ++m_requests;
            m_lastHead = buffer.left(end);
        }
        buffer.clear();
        s->write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                 "Content-Length: 0\r\nConnection: close\r\n\r\n");
        s->flush();
        s->disconnectFromHost();
    }
    void socks(QTcpSocket *s, QByteArray &buffer, int &stage, QPointer<QTcpSocket> &upstream) {
        if (stage == 0) {
            if (buffer.size() < 2 || buffer.size() < 2 + quint8(buffer[1]))
                return;
            buffer.remove(0, 2 + quint8(buffer[1]));
            s->write(QByteArray("\x05\x00", 2));
            stage = 1;
        }
        if (stage == 1) {
            if (buffer.size() < 5)
                return;
            const quint8 atyp = quint8(buffer[3]);
            QString host;
            qsizetype at = 4;
            if (atyp == 1) {
                if (buffer.size() < 10)
                    return;
                host = QHostAddress(qFromBigEndian<quint32>(buffer.constData() + 4)).toString();
                at = 8;
            } else if (atyp == 3) {
                const int n = quint8(buffer[4]);
                if (buffer.size() < 5 + n + 2)
                    return;
                host = QString::fromLatin1(buffer.mid(5, n));
                at = 5 + n;
            } else {
                s->abort();
                return;
            }
            const quint16 port = qFromBigEndian<quint16>(buffer.constData() + at);
            buffer.remove(0, at + 2);
            {
                QMutexLocker lock(&m_mutex);
                ++m_requests;
                m_targets.append((atyp == 3 ? QStringLiteral("name:") : QStringLiteral("address:")) + host);
            }
            upstream = new QTcpSocket(s);
            QPointer<QTcpSocket> up = upstream;
            QObject::connect(up, &QTcpSocket::connected, s,
                             [s] { s->write(QByteArray("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10)); });
            QObject::connect(up, &QTcpSocket::readyRead, s, [s, up] { s->write(up->readAll()); });
            QObject::connect(up, &QTcpSocket::disconnected, s, [s] { s->disconnectFromHost(); });
            up->connectToHost(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host, port);
            stage = 2;
        }
        // The client speaks only after the reply, which is sent once the upstream connection is up.
        if (stage == 2 && upstream && !buffer.isEmpty() && upstream->state() == QAbstractSocket::ConnectedState) {
            upstream->write(buffer);
            buffer.clear();
        }
    }

    Mode m_mode;
    QThread m_thread;
    QTcpServer m_server;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    int m_requests = 0;
    QByteArray m_lastHead;
    QStringList m_targets;
};

/// Debian's tinyproxy on a free loopback port with a temporary config (and BasicAuth when \a user is set).
class Tinyproxy {
public:
    explicit Tinyproxy(const QString &user = {}, const QString &password = {}) {
        if (QStandardPaths::findExecutable(QStringLiteral("tinyproxy")).isEmpty())
            return;
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        m_port = probe.serverPort();
        probe.close();
        QFile conf(m_dir.filePath(QStringLiteral("tinyproxy.conf")));
        if (!conf.open(QIODevice::WriteOnly))
            return;
        QByteArray text = "Port " + QByteArray::number(m_port) + "\nListen 127.0.0.1\nTimeout 60\nLogFile \"" +
                          logPath().toUtf8() + "\"\nLogLevel Info\nMaxClients 50\nAllow 127.0.0.1\n";
        if (!user.isEmpty())
            text += "BasicAuth " + user.toUtf8() + ' ' + password.toUtf8() + '\n';
        conf.write(text);
        conf.close();
        m_process.start(QStringLiteral("tinyproxy"), {QStringLiteral("-d"), QStringLiteral("-c"), conf.fileName()});
        if (!m_process.waitForStarted())
            return;
        for (int i = 0; i < 100 && !m_ready; ++i) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, m_port);
            m_ready = s.waitForConnected(100);
            if (!m_ready)
                QThread::msleep(50);
        }
    }
    ~Tinyproxy() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(3000))
                m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
    bool ready() const { return m_ready; }
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString logPath() const { return m_dir.filePath(QStringLiteral("tinyproxy.log")); }
    QByteArray log() const {
        QFile f(logPath());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    bool m_ready = false;
};

#define REQUIRE_TINYPROXY(proxy)                                                                                       \
    if (QStandardPaths::findExecutable(QStringLiteral("tinyproxy")).isEmpty())                                         \
        QSKIP("tinyproxy is not installed (Debian package tinyproxy-bin; scripts/deps installs it)");                  \
    QVERIFY2((proxy).ready(), "tinyproxy did not start")

/// The command line's environment: the key, private folders, and no proxy variable of the machine's.
QProcessEnvironment cliEnvironment(const QString &home) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                          "no_proxy", "NO_PROXY", "SSL_CERT_FILE"})
        env.remove(QLatin1String(v));
    env.insert(kKeyVar, kKey);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    return env;
}

struct CliRun {
    int exitCode = -1;
    QByteArray err;
};

CliRun runCli(const QUrl &server, const QStringList &extra, const QProcessEnvironment &env, const QString &out) {
    QUrl base = server;
    base.setPath(QStringLiteral("/v1"));
    QProcess cli;
    cli.setProcessEnvironment(env);
    cli.start(testpaths::cli(), QStringList{QStringLiteral("translate"), testpaths::samplePdf(), QStringLiteral("--to"),
                                            QStringLiteral("de"), QStringLiteral("--provider"),
                                            QStringLiteral("openai"), QStringLiteral("--base-url"), base.toString(),
                                            QStringLiteral("--api-key-env"), kKeyVar, QStringLiteral("--no-cache"),
                                            QStringLiteral("--pages"), QStringLiteral("1"), QStringLiteral("-o"), out} +
                                    extra);
    CliRun r;
    if (!cli.waitForFinished(120000 * testpaths::timeScale())) {
        cli.kill();
        cli.waitForFinished();
        return r;
    }
    r.exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    r.err = cli.readAllStandardError();
    return r;
}

/// A test CA and a certificate for 127.0.0.1 it signed, made with openssl in \a dir: the server's TLS configuration;
/// \a caPath gets the CA's PEM. Null local certificate when openssl fails.
QSslConfiguration caSignedTls(const QString &dir, QString *caPath) {
    auto run = [](const QStringList &args) {
        QProcess p;
        p.start(QStringLiteral("openssl"), args);
        return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    };
    const QDir d(dir);
    const QString caKey = d.filePath(QStringLiteral("ca.key")), ca = d.filePath(QStringLiteral("ca.pem")),
                  key = d.filePath(QStringLiteral("server.key")), csr = d.filePath(QStringLiteral("server.csr")),
                  cert = d.filePath(QStringLiteral("server.pem")), ext = d.filePath(QStringLiteral("ext.cnf"));
    QFile extFile(ext);
    if (!extFile.open(QIODevice::WriteOnly))
        return {};
    extFile.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n");
    extFile.close();
    const bool ok =
        run({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
             QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
             QStringLiteral("/CN=Overtext Test CA"), QStringLiteral("-keyout"), caKey, QStringLiteral("-out"), ca}) &&
        run({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
             QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-keyout"), key,
             QStringLiteral("-out"), csr}) &&
        run({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr, QStringLiteral("-CA"), ca,
             QStringLiteral("-CAkey"), caKey, QStringLiteral("-CAcreateserial"), QStringLiteral("-days"),
             QStringLiteral("2"), QStringLiteral("-extfile"), ext, QStringLiteral("-out"), cert});
    if (!ok)
        return {};
    QFile keyFile(key), certFile(cert);
    if (!keyFile.open(QIODevice::ReadOnly) || !certFile.open(QIODevice::ReadOnly))
        return {};
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(certFile.readAll()));
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
    *caPath = ca;
    return tls;
}

/// \a pieces compressed as one gzip stream, flushed after each piece so that each can be decoded as it arrives.
QList<QByteArray> gzipPieces(const QList<QByteArray> &pieces) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QList<QByteArray> out;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        QByteArray in = pieces[i];
        QByteArray buf(int(deflateBound(&z, uLong(in.size())) + 64), '\0');
        z.next_in = reinterpret_cast<Bytef *>(in.data());
        z.avail_in = uInt(in.size());
        z.next_out = reinterpret_cast<Bytef *>(buf.data());
        z.avail_out = uInt(buf.size());
        deflate(&z, i + 1 == pieces.size() ? Z_FINISH : Z_SYNC_FLUSH);
        buf.resize(buf.size() - qsizetype(z.avail_out));
        out.append(buf);
    }
    deflateEnd(&z);
    return out;
}

QNetworkRequest getRequest(const QUrl &url) {
    return QNetworkRequest(url);
}

QCoro::Task<HttpCallResult> get(NetworkPool *pool, QUrl url, std::function<void(const QByteArray &)> onChunk = {}) {
    HttpCallOptions o;
    o.verb = "GET";
    co_return co_await httpCall(pool, getRequest(url), {}, CancelToken{}, o, std::move(onChunk));
}

QProcessEnvironment emptyEnv() {
    return QProcessEnvironment();
}

} // namespace

class TestProxy_ : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // ---- The rules, as curl reads them -----------------------------------------------------------------------------

    void noProxyRules_data() {
        QTest::addColumn<QString>("noProxy");
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("bypass");
        QTest::newRow("empty") << QString() << "http://example.com/" << false;
        QTest::newRow("star") << "*"
                              << "https://example.com/" << true;
        QTest::newRow("exact") << "example.com"
                               << "http://example.com/" << true;
        QTest::newRow("subdomain") << "example.com"
                                   << "http://api.example.com/" << true;
        QTest::newRow("leading dot") << ".example.com"
                                     << "http://example.com/" << true;
        QTest::newRow("not a suffix of a label") << "example.com"
                                                 << "http://badexample.com/" << false;
        QTest::newRow("case") << "EXAMPLE.com"
                              << "http://Api.Example.COM/" << true;
        QTest::newRow("list, spaces") << "foo.org, example.com bar"
                                      << "http://example.com/" << true;
        QTest::newRow("port matches") << "example.com:8080"
                                      << "http://example.com:8080/" << true;
        QTest::newRow("port differs") << "example.com:8080"
                                      << "http://example.com/" << false;
        QTest::newRow("default port") << "example.com:443"
                                      << "https://example.com/" << true;
        QTest::newRow("ipv4") << "127.0.0.1"
                              << "http://127.0.0.1:9/" << true;
        QTest::newRow("loopback not by name") << "localhost"
                                              << "http://127.0.0.1/" << false;
        QTest::newRow("cidr") << "10.0.0.0/8"
                              << "http://10.2.3.4/" << true;
        QTest::newRow("cidr miss") << "10.0.0.0/8"
                                   << "http://11.2.3.4/" << false;
        QTest::newRow("ipv6") << "::1"
                              << "http://[::1]:8080/" << true;
        QTest::newRow("ipv6 brackets and port") << "[::1]:8080"
                                                << "http://[::1]:8080/" << true;
        QTest::newRow("ipv6 port differs") << "[::1]:8080"
                                           << "http://[::1]:9090/" << false;
    }
    void noProxyRules() {
        QFETCH(QString, noProxy);
        QFETCH(QString, url);
        QFETCH(bool, bypass);
        QCOMPARE(noProxyMatches(noProxy, QUrl(url)), bypass);
    }

    void environmentChoosesAsCurl() {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://upper:1"));
        env.insert(QStringLiteral("https_proxy"), QStringLiteral("http://lower:2"));
        env.insert(QStringLiteral("ALL_PROXY"), QStringLiteral("socks5h://all"));
        env.insert(QStringLiteral("no_proxy"), QStringLiteral("internal.corp"));
        auto https = proxyFromEnvironment(QUrl(QStringLiteral("https://api.openai.com/v1")), env);
        QVERIFY(https);
        QCOMPARE(https->host, QStringLiteral("lower")); // lower case first
        QCOMPARE(https->port, quint16(2));
        auto http = proxyFromEnvironment(QUrl(QStringLiteral("http://llm.local:11434/")), env);
        QVERIFY(http);
        QCOMPARE(http->type, ProxyServer::Type::Socks5); // no http_proxy: all_proxy
        QVERIFY(http->remoteDns);
        QCOMPARE(http->port, quint16(1080)); // curl's default proxy port
        QCOMPARE(http->display(), QStringLiteral("socks5h://all:1080"));
        auto bypassed = proxyFromEnvironment(QUrl(QStringLiteral("https://llm.internal.corp/")), env);
        QVERIFY(bypassed && bypassed->isDirect());
        // Loopback goes through the proxy unless excluded.
        auto loop = proxyFromEnvironment(QUrl(QStringLiteral("https://127.0.0.1:8443/")), env);
        QVERIFY(loop && !loop->isDirect());

        QProcessEnvironment bare;
        bare.insert(QStringLiteral("HTTP_PROXY"), QStringLiteral("proxy.corp:3128")); // no scheme: http
        auto plain = proxyFromEnvironment(QUrl(QStringLiteral("http://x/")), bare);
        QVERIFY(plain);
        QCOMPARE(plain->display(), QStringLiteral("http://proxy.corp:3128"));
        QVERIFY(environmentHasProxy(bare));
        QVERIFY(!environmentHasProxy(QProcessEnvironment()));
    }

    void badProxyUrlsAreOneSentenceWithoutSecrets() {
        auto socks4 = parseProxyUrl(QStringLiteral("socks4://bob:hunter22@proxy:1080"), QStringLiteral("--proxy"));
        QVERIFY(!socks4);
        QCOMPARE(socks4.error().code, Error::Usage);
        QVERIFY2(socks4.error().message.contains(QStringLiteral("--proxy")), qPrintable(socks4.error().message));
        QVERIFY(!socks4.error().message.contains(QStringLiteral("hunter22")));
        QVERIFY(!socks4.error().message.contains(QLatin1Char('\n')));
        auto creds = parseProxyUrl(QStringLiteral("http://bob:p%40ss@proxy:8080"), QStringLiteral("x"));
        QVERIFY(creds);
        QCOMPARE(creds->password, QStringLiteral("p@ss"));
        QVERIFY(!creds->display().contains(QStringLiteral("bob")));
        QCOMPARE(creds->basicAuth(), QByteArray("Basic ") + QByteArray("bob:p@ss").toBase64());
    }

    void explicitProxyOverridesEnvironment() {
        QProcessEnvironment env;
        env.insert(QStringLiteral("https_proxy"), QStringLiteral("http://fromenv:1"));
        env.insert(QStringLiteral("no_proxy"), QStringLiteral("skip.example"));
        NetworkConfig c;
        c.proxy = QStringLiteral("http://settings:3128");
        auto p = resolveProxy(c, QUrl(QStringLiteral("https://api.example/")), env, QStringLiteral("u:pw:with:colon"));
        QVERIFY(p);
        QCOMPARE(p->host, QStringLiteral("settings"));
        QCOMPARE(p->user, QStringLiteral("u"));
        QCOMPARE(p->password, QStringLiteral("pw:with:colon"));
        // The no_proxy variable still applies to an explicit proxy (curl); the config's own list replaces it.
        QVERIFY(resolveProxy(c, QUrl(QStringLiteral("https://skip.example/")), env)->isDirect());
        c.noProxy = QStringLiteral("other.example");
        QVERIFY(!resolveProxy(c, QUrl(QStringLiteral("https://skip.example/")), env)->isDirect());
        c.proxy = QStringLiteral("direct");
        QVERIFY(resolveProxy(c, QUrl(QStringLiteral("https://api.example/")), env)->isDirect());
        c.proxy.clear();
        QCOMPARE(resolveProxy(c, QUrl(QStringLiteral("https://api.example/")), env)->host, QStringLiteral("fromenv"));
    }

    void caBundleErrors() {
        QTemporaryDir dir;
        const QString junk = dir.filePath(QStringLiteral("junk.pem"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a certificate\n");
        f.close();
        auto bad = loadCaBundle(junk, QStringLiteral("--ca-file"));
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(QStringLiteral("--ca-file")));
        QVERIFY(bad.error().message.contains(QStringLiteral("no PEM certificate")));
        auto missing = loadCaBundle(dir.filePath(QStringLiteral("none.pem")), QStringLiteral("--ca-file"));
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("cannot be read")));
        QProcessEnvironment env;
        env.insert(QStringLiteral("SSL_CERT_FILE"), junk);
        auto viaEnv = checkNetworkConfig({}, env);
        QVERIFY(!viaEnv);
        QVERIFY(viaEnv.error().message.contains(QStringLiteral("SSL_CERT_FILE")));
    }

    // ---- The response parser ---------------------------------------------------------------------------------------

    /// A gzip-compressed chunked answer decodes to the same bytes however the network cuts it; damaged or unknown
    /// encodings end in a sentence.
    void gzipDecodesAtEveryCut() {
        const QList<QByteArray> plain = {"data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n"};
        QByteArray wire = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (const QByteArray &piece : gzipPieces(plain))
            wire += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
        wire += "0\r\n\r\n";
        const QByteArray expected = plain.join();
        for (qsizetype cut = 1; cut < wire.size(); ++cut) {
            HttpResponseParser p;
            QByteArray body;
            QVERIFY(p.feed(QByteArrayView(wire).first(cut), body));
            QVERIFY2(p.feed(QByteArrayView(wire).sliced(cut), body), qPrintable(p.error()));
            QVERIFY(p.done());
            QCOMPARE(body, expected);
        }
        HttpResponseParser damaged;
        QByteArray body;
        QByteArray bad = wire;
        bad[bad.size() - 7 - 8] ^= 0x55; // the gzip trailer's CRC-32
        QVERIFY(!damaged.feed(bad, body));
        QVERIFY2(damaged.error().contains(QStringLiteral("damaged")), qPrintable(damaged.error()));
        QByteArray br = "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc";
        HttpResponseParser brotli;
        QVERIFY(!brotli.feed(br, body));
        QVERIFY(brotli.error().contains(QStringLiteral("br")));
    }

    /// A gateway that gzips the SSE stream: the OpenAI-compatible provider reads the translation.
    void gzipStreamThroughProvider() {
        FakeHandler inner = fakeOpenAiHandler({});
        FakeServerThread server([inner](FakeRequest &r) {
            FakeResponse resp = inner(r);
            resp.chunks = gzipPieces(resp.chunks);
            resp.headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip")));
            for (auto &h : resp.headers)
                if (h.first.toLower() == "content-length")
                    h.second = QByteArray::number(resp.chunks.join().size());
            return resp;
        });
        NetworkPool pool;
        pool.setEnvironment(emptyEnv());
        OpenAiConfig c;
        QUrl base = server.baseUrl();
        base.setPath(QStringLiteral("/v1"));
        c.baseUrl = base;
        c.model = QStringLiteral("m");
        OpenAiProvider provider(c, &pool);
        TranslationRequest req;
        req.targetLang = QStringLiteral("de");
        req.units = {{QStringLiteral("a"), QStringLiteral("Hello there.")}};
        const auto result = await(provider.translate(req, {}, CancelToken{}), 30000);
        QVERIFY2(result, qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->translations.value(QStringLiteral("a")),
                 fakeTranslation(QStringLiteral("Hello there."), QStringLiteral("de")));
    }

    // ---- Timeouts --------------------------------------------------------------------------------------------------

    void timeoutNamesTheSetting() {
        FakeServerThread server([](FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, "{}");
            r.firstByteDelayMs = 2500;
            return r;
        });
        NetworkConfig net;
        net.timeoutSeconds = 1;
        net.timeoutSetting = QStringLiteral("--timeout SECONDS");
        NetworkPool pool(net);
        pool.setEnvironment(emptyEnv());
        const HttpCallResult r = await(get(&pool, server.baseUrl()));
        QVERIFY(r.timedOut);
        const auto e = errorFromHttp(r, QStringLiteral("Test server"), {});
        QVERIFY(e);
        QCOMPARE(e->code, Error::Timeout);
        QVERIFY2(e->message.contains(QStringLiteral("--timeout SECONDS")), qPrintable(e->message));
        QVERIFY2(e->message.contains(QStringLiteral("1 s")), qPrintable(e->message));
    }

    // ---- Through proxies -------------------------------------------------------------------------------------------

    /// overtext-cli translate --proxy through tinyproxy: plain HTTP in absolute form; the proxy logs the requests.
    void cliThroughTinyproxy() {
        Tinyproxy proxy;
        REQUIRE_TINYPROXY(proxy);
        FakeServerThread server(fakeOpenAiHandler({}));
        QTemporaryDir home;
        const CliRun r = runCli(server.baseUrl(), {QStringLiteral("--proxy"), proxy.url()}, cliEnvironment(home.path()),
                                home.filePath(QStringLiteral("out.pdf")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(server.server()->requestCount() >= 1);
        QVERIFY2(proxy.log().contains("/v1/chat/completions"), proxy.log().constData());
        // tinyproxy says who it is on the way: the request really crossed it.
        QVERIFY(server.server()->requests().first().headers.value("via").contains("tinyproxy"));
    }

    /// The same through the http_proxy variable (lower and upper case), and no_proxy excluding the server.
    void environmentVariablesThroughTinyproxy() {
        Tinyproxy proxy;
        REQUIRE_TINYPROXY(proxy);
        FakeServerThread server(fakeOpenAiHandler({}));
        QTemporaryDir home;
        for (const char *var : {"http_proxy", "HTTP_PROXY", "ALL_PROXY"}) {
            QProcessEnvironment env = cliEnvironment(home.path());
            env.insert(QLatin1String(var), proxy.url());
            const CliRun r = runCli(server.baseUrl(), {}, env, home.filePath(QStringLiteral("out.pdf")));
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QVERIFY2(server.server()->requests().last().headers.value("via").contains("tinyproxy"), var);
        }
        QProcessEnvironment env = cliEnvironment(home.path());
        env.insert(QStringLiteral("http_proxy"), proxy.url());
        env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("localhost,127.0.0.1"));
        const CliRun r = runCli(server.baseUrl(), {}, env, home.filePath(QStringLiteral("out.pdf")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!server.server()->requests().last().headers.contains("via"));
    }

    /// tinyproxy with BasicAuth: the right credentials in the URL pass; wrong ones end in one line naming the proxy
    /// (without the credentials), exit 1, and no key anywhere.
    void tinyproxyBasicAuth() {
        Tinyproxy proxy(QStringLiteral("alice"), QStringLiteral("s3cret-pw"));
        REQUIRE_TINYPROXY(proxy);
        FakeServerThread server(fakeOpenAiHandler({}));
        QTemporaryDir home;
        const QString good = QStringLiteral("http://alice:s3cret-pw@127.0.0.1:%1").arg(proxy.port());
        CliRun r = runCli(server.baseUrl(), {QStringLiteral("--proxy"), good}, cliEnvironment(home.path()),
                          home.filePath(QStringLiteral("out.pdf")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const int served = server.server()->requestCount();
        const QString bad = QStringLiteral("http://alice:wrong-pw@127.0.0.1:%1").arg(proxy.port());
        r = runCli(server.baseUrl(),
                   {QStringLiteral("--proxy"), bad, QStringLiteral("--concurrency"), QStringLiteral("1")},
                   cliEnvironment(home.path()), home.filePath(QStringLiteral("out2.pdf")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(
            r.err.contains(QStringLiteral("The proxy %1 refused the user name and password").arg(proxy.url()).toUtf8()),
            r.err.constData());
        QVERIFY(!r.err.contains("wrong-pw") && !r.err.contains("s3cret") && !r.err.contains(kKey.toUtf8()));
        QCOMPARE(server.server()->requestCount(), served); // nothing got through
    }

    /// A proxy that answers 407 is asked once: no retry storm (Auth stops the run), one sentence naming it.
    void proxy407IsNotRetried() {
        TestProxy proxy(TestProxy::Mode::Http407);
        FakeServerThread server(fakeOpenAiHandler({}));
        QTemporaryDir home;
        const CliRun r = runCli(server.baseUrl(),
                                {QStringLiteral("--proxy"), QStringLiteral("http://127.0.0.1:%1").arg(proxy.port()),
                                 QStringLiteral("--concurrency"), QStringLiteral("1")},
                                cliEnvironment(home.path()), home.filePath(QStringLiteral("out.pdf")));
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(proxy.requests(), 1);
        QVERIFY2(r.err.contains("asks for a user name and password (HTTP 407"), r.err.constData());
        QVERIFY(proxy.lastHead().startsWith("POST http://127.0.0.1:")); // absolute form
        QCOMPARE(server.server()->requestCount(), 0);
    }

    /// A proxy that is not there: exit 1, the reason names the proxy.
    void deadProxy() {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        FakeServerThread server(fakeOpenAiHandler({}));
        QTemporaryDir home;
        const CliRun r = runCli(server.baseUrl(),
                                {QStringLiteral("--proxy"), QStringLiteral("http://127.0.0.1:%1").arg(port),
                                 QStringLiteral("--concurrency"), QStringLiteral("1")},
                                cliEnvironment(home.path()), home.filePath(QStringLiteral("out.pdf")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(
            r.err.contains(QStringLiteral("Could not connect to the proxy http://127.0.0.1:%1").arg(port).toUtf8()),
            r.err.constData());
        QCOMPARE(server.server()->requestCount(), 0);
    }

    /// HTTPS through tinyproxy's CONNECT to a server whose certificate a test CA signed: refused without the CA,
    /// accepted with --ca-file (and with SSL_CERT_FILE); the proxy logs the tunnel.
    void connectTunnelAndCaFile() {
        Tinyproxy proxy;
        REQUIRE_TINYPROXY(proxy);
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            QSKIP("openssl is needed to make the test CA");
        QTemporaryDir dir;
        QString caPath;
        const QSslConfiguration tls = caSignedTls(dir.path(), &caPath);
        QVERIFY(!tls.localCertificate().isNull());
        // A TLS server on its own thread (the test blocks in waitForFinished while the command line runs).
        QThread tlsThread;
        auto *tlsServer = new FakeHttpServer;
        tlsServer->setHandler(fakeOpenAiHandler({}));
        tlsServer->moveToThread(&tlsThread);
        tlsThread.start();
        quint16 port = 0;
        QMetaObject::invokeMethod(
            tlsServer, [&] { port = tlsServer->listenTls(tls); }, Qt::BlockingQueuedConnection);
        QVERIFY(port != 0);
        auto stop = qScopeGuard([&] {
            QMetaObject::invokeMethod(
                tlsServer, [&] { delete tlsServer; }, Qt::BlockingQueuedConnection);
            tlsThread.quit();
            tlsThread.wait();
        });
        QUrl https;
        https.setScheme(QStringLiteral("https"));
        https.setHost(QStringLiteral("127.0.0.1"));
        https.setPort(port);

        QTemporaryDir home;
        const QStringList viaProxy = {QStringLiteral("--proxy"), proxy.url(), QStringLiteral("--concurrency"),
                                      QStringLiteral("1")};
        CliRun r = runCli(https, viaProxy, cliEnvironment(home.path()), home.filePath(QStringLiteral("a.pdf")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not trusted"), r.err.constData());
        QVERIFY2(proxy.log().contains("CONNECT"), proxy.log().constData());
        QCOMPARE(tlsServer->requestCount(), 0);

        r = runCli(https, viaProxy + QStringList{QStringLiteral("--ca-file"), caPath}, cliEnvironment(home.path()),
                   home.filePath(QStringLiteral("b.pdf")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(tlsServer->requestCount() >= 1);

        QProcessEnvironment env = cliEnvironment(home.path());
        env.insert(QStringLiteral("SSL_CERT_FILE"), caPath);
        r = runCli(https, viaProxy, env, home.filePath(QStringLiteral("c.pdf")));
        QVERIFY2(r.exitCode == 0, r.err.constData());

        // A bad CA file is a usage error, in one line.
        r = runCli(https, viaProxy + QStringList{QStringLiteral("--ca-file"), testpaths::samplePdf()},
                   cliEnvironment(home.path()), home.filePath(QStringLiteral("d.pdf")));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith("overtext-cli translate: --ca-file names "), r.err.constData());
    }

    /// SOCKS5: socks5h:// hands the proxy the name, socks5:// the address resolved here; both translate.
    void socks5RemoteAndLocalDns() {
        TestProxy proxy(TestProxy::Mode::Socks5);
        FakeServerThread server(fakeOpenAiHandler({}));
        for (const QString &scheme : {QStringLiteral("socks5h"), QStringLiteral("socks5")}) {
            NetworkConfig net;
            net.proxy = QStringLiteral("%1://127.0.0.1:%2").arg(scheme).arg(proxy.port());
            NetworkPool pool(net);
            pool.setEnvironment(emptyEnv());
            OpenAiConfig c;
            c.baseUrl = QUrl(QStringLiteral("http://localhost:%1/v1").arg(server.server()->port()));
            c.model = QStringLiteral("m");
            OpenAiProvider provider(c, &pool);
            TranslationRequest req;
            req.targetLang = QStringLiteral("de");
            req.units = {{QStringLiteral("a"), QStringLiteral("Good morning.")}};
            const auto result = await(provider.translate(req, {}, CancelToken{}), 30000);
            QVERIFY2(result, qPrintable(result.ok() ? QString() : result.error().message));
            QCOMPARE(result->translations.value(QStringLiteral("a")),
                     fakeTranslation(QStringLiteral("Good morning."), QStringLiteral("de")));
        }
        const QStringList targets = proxy.targets();
        QVERIFY2(targets.size() >= 2, qPrintable(targets.join(QLatin1Char(' '))));
        QCOMPARE(targets.first(), QStringLiteral("name:localhost"));
        QVERIFY2(targets.last().startsWith(QStringLiteral("address:")), qPrintable(targets.last()));
    }

    /// Keep-alive connections are kept per (origin, proxy): the same origin direct and through a proxy never share
    /// one.
    void poolKeysOnOriginAndProxy() {
        NetworkConfig viaProxy;
        viaProxy.proxy = QStringLiteral("http://127.0.0.1:9");
        NetworkPool a(viaProxy), b;
        a.setEnvironment(emptyEnv());
        b.setEnvironment(emptyEnv());
        const QUrl url(QStringLiteral("http://127.0.0.1:8080/"));
        QVERIFY(a.poolKey(url) != b.poolKey(url));
        QCOMPARE(NetworkPool::originKey(url), QStringLiteral("http://127.0.0.1:8080"));
    }
};

QTEST_GUILESS_MAIN(TestProxy_)
#include "tst_proxy.moc"
