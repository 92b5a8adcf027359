#include "fakes/fakehttpserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QMetaObject>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testsupport {

struct FakeHttpServer::Connection {
    QByteArray buffer;
    bool responding = false;
};

FakeResponse FakeResponse::json(int status, const QByteArray &body) {
    FakeResponse r;
    r.status = status;
    r.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    r.chunks.append(body);
    return r;
}

FakeHttpServer::FakeHttpServer(QObject *parent)
    : QObject(parent) {}

FakeHttpServer::~FakeHttpServer() = default;

void FakeHttpServer::setHandler(FakeHandler handler) {
    m_handler = std::move(handler);
}

quint16 FakeHttpServer::listen() {
    if (!m_server) {
        m_server = new QTcpServer(this);
        m_server->setMaxPendingConnections(256);
        connect(m_server, &QTcpServer::newConnection, this, &FakeHttpServer::onNewConnection);
    }
    if (!m_server->isListening() && !m_server->listen(QHostAddress::LocalHost, 0))
        return 0;
    m_port = m_server->serverPort();
    return m_port;
}

quint16 FakeHttpServer::listenShared(quint16 port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    const int one = 1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 256) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        ::close(fd);
        return 0;
    }
    if (!m_server) {
        m_server = new QTcpServer(this);
        m_server->setMaxPendingConnections(256);
        connect(m_server, &QTcpServer::newConnection, this, &FakeHttpServer::onNewConnection);
    }
    if (!m_server->setSocketDescriptor(fd)) {
        ::close(fd);
        return 0;
    }
    m_port = ntohs(addr.sin_port);
    return m_port;
}

quint16 FakeHttpServer::listenTls(const QSslConfiguration &tls) {
    if (m_server)
        return 0;
    auto *server = new QSslServer(this);
    server->setSslConfiguration(tls);
    server->setMaxPendingConnections(256);
    m_server = server;
    // QSslServer offers a connection once its handshake is done.
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &FakeHttpServer::onNewConnection);
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        return 0;
    m_tls = true;
    m_port = m_server->serverPort();
    return m_port;
}

void FakeHttpServer::close() {
    if (m_server)
        m_server->close();
    for (QTcpSocket *s : m_connections.keys())
        s->abort();
}

QUrl FakeHttpServer::baseUrl() const {
    QUrl u;
    u.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(m_port);
    return u;
}

QList<FakeRequest> FakeHttpServer::requests() const {
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

int FakeHttpServer::requestCount() const {
    QMutexLocker lock(&m_mutex);
    return int(m_requests.size());
}

int FakeHttpServer::inFlight() const {
    QMutexLocker lock(&m_mutex);
    return m_inFlight;
}

int FakeHttpServer::maxInFlight() const {
    QMutexLocker lock(&m_mutex);
    return m_maxInFlight;
}

void FakeHttpServer::resetStats() {
    QMutexLocker lock(&m_mutex);
    m_requests.clear();
    m_maxInFlight = m_inFlight;
}

void FakeHttpServer::onNewConnection() {
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        // As real servers do for streamed responses: without TCP_NODELAY each small write after the first waits for
        // the client's delayed ACK (about 40 ms), which would be counted against the client.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_connections.insert(socket, std::make_shared<Connection>());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket]() { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket]() {
            auto conn = m_connections.take(socket);
            if (conn && conn->responding) {
                QMutexLocker lock(&m_mutex);
                --m_inFlight;
            }
            socket->deleteLater();
        });
    }
}

void FakeHttpServer::onReadyRead(QTcpSocket *socket) {
    auto conn = m_connections.value(socket);
    if (!conn)
        return;
    conn->buffer += socket->readAll();
    tryHandle(socket);
}

void FakeHttpServer::tryHandle(QTcpSocket *socket) {
    auto conn = m_connections.value(socket);
    if (!conn || conn->responding)
        return;
    // A response's delays count from the request's arrival, as a remote server's latency includes its own work: the
    // time this thread spends in the handler must not be added to it.
    QElapsedTimer arrival;
    arrival.start();
    const qsizetype headerEnd = conn->buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    FakeRequest req;
    const QList<QByteArray> lines = conn->buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    req.method = requestLine.value(0);
    req.path = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            req.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = req.headers.value("content-length", "0").toLongLong();
    if (conn->buffer.size() < headerEnd + 4 + length)
        return; // body not complete yet
    req.body = conn->buffer.mid(headerEnd + 4, length);
    conn->buffer.remove(0, headerEnd + 4 + length);
    conn->responding = true;
    {
        QMutexLocker lock(&m_mutex);
        req.index = m_nextIndex++;
        ++m_inFlight;
        m_maxInFlight = qMax(m_maxInFlight, m_inFlight);
    }
    FakeResponse response = m_handler ? m_handler(req) : FakeResponse::json(404, "{\"error\":\"no handler\"}");
    {
        QMutexLocker lock(&m_mutex);
        m_requests.append(req);
    }
    response.firstByteDelayMs = int(qMax<qint64>(0, response.firstByteDelayMs - arrival.elapsed()));
    const bool keepAlive = req.headers.value("connection").toLower() != "close";
    startResponse(socket, std::move(response), keepAlive);
}

void FakeHttpServer::startResponse(QTcpSocket *socket, FakeResponse response, bool keepAlive) {
    QPointer<QTcpSocket> guard(socket);
    auto r = std::make_shared<FakeResponse>(std::move(response));
    if (r->framing == FakeResponse::CloseDelimited)
        keepAlive = false;
    auto step = std::make_shared<std::function<void(int)>>();
    auto started = std::make_shared<QElapsedTimer>();
    started->start();
    // The function holds itself only weakly; each scheduled timer holds it strongly, so it dies after the last step.
    std::weak_ptr<std::function<void(int)>> weak = step;
    *step = [this, guard, r, keepAlive, weak, started](int next) {
        if (!guard || guard->state() != QAbstractSocket::ConnectedState)
            return;
        if (next == 0 && r->raw) {
            // nothing of ours: the pieces say it all
        } else if (next == 0) {
            QByteArray head = "HTTP/1.1 " + QByteArray::number(r->status) + " Fake\r\n";
            for (const auto &h : r->headers)
                head += h.first + ": " + h.second + "\r\n";
            if (r->framing == FakeResponse::Chunked) {
                head += "Transfer-Encoding: chunked\r\n";
            } else if (r->framing == FakeResponse::ContentLength) {
                qsizetype total = 0;
                for (const QByteArray &c : r->chunks)
                    total += c.size();
                head += "Content-Length: " + QByteArray::number(total) + "\r\n";
            }
            head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
            guard->write(head);
        } else {
            const QByteArray &piece = r->chunks[next - 1];
            if (r->framing == FakeResponse::Chunked && !r->raw) {
                if (!piece.isEmpty())
                    guard->write(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
            } else {
                guard->write(piece);
            }
        }
        guard->flush();
        if (r->dropAfterChunks >= 0 && next >= r->dropAfterChunks) {
            guard->disconnectFromHost(); // mid-body: the client sees a truncated answer
            return;
        }
        if (next >= r->chunks.size()) {
            if (r->framing == FakeResponse::Chunked)
                guard->write("0\r\n\r\n");
            finishResponse(guard, keepAlive);
            return;
        }
        // Each piece is due at firstByteDelayMs + k * chunkDelayMs from the start, so late timers do not add up.
        const qint64 due = r->firstByteDelayMs + qint64(next + 1) * r->chunkDelayMs;
        QTimer::singleShot(int(qMax<qint64>(0, due - started->elapsed())), guard,
                           [self = weak.lock(), next]() { (*self)(next + 1); });
    };
    QTimer::singleShot(r->firstByteDelayMs, socket, [step]() { (*step)(0); });
}

void FakeHttpServer::finishResponse(QTcpSocket *socket, bool keepAlive) {
    auto conn = m_connections.value(socket);
    if (conn && conn->responding) {
        conn->responding = false;
        QMutexLocker lock(&m_mutex);
        --m_inFlight;
    }
    if (!keepAlive) {
        socket->disconnectFromHost();
        return;
    }
    QTimer::singleShot(0, socket, [this, socket]() { tryHandle(socket); });
}

FakeServerThread::FakeServerThread(FakeHandler handler)
    : FakeServerThread(1, [&handler]() { return std::move(handler); }) {}

FakeServerThread::FakeServerThread(int threads, const std::function<FakeHandler()> &makeHandler) {
    quint16 port = 0;
    for (int i = 0; i < qMax(1, threads); ++i) {
        auto *thread = new QThread;
        auto *server = new FakeHttpServer;
        server->setHandler(makeHandler());
        server->moveToThread(thread);
        thread->start();
        m_threads.append(thread);
        m_servers.append(server);
        if (threads <= 1) {
            QMetaObject::invokeMethod(server, &FakeHttpServer::listen, Qt::BlockingQueuedConnection, &port);
        } else {
            const quint16 want = port;
            QMetaObject::invokeMethod(
                server, [server, want]() { return server->listenShared(want); }, Qt::BlockingQueuedConnection, &port);
        }
    }
}

FakeServerThread::~FakeServerThread() {
    // Close on each server's thread and hand the object back here, so it is deleted after its thread has stopped.
    QThread *here = QThread::currentThread();
    for (qsizetype i = 0; i < m_servers.size(); ++i) {
        QMetaObject::invokeMethod(
            m_servers[i],
            [server = m_servers[i], here]() {
                server->close();
                server->moveToThread(here);
            },
            Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete m_servers[i];
        delete m_threads[i];
    }
}

QSslConfiguration selfSignedTls(const QString &dir) {
    const QString keyPath = QDir(dir).filePath(QStringLiteral("key.pem")),
                  certPath = QDir(dir).filePath(QStringLiteral("cert.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"), keyPath,
                   QStringLiteral("-out"), certPath});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        return {};
    QFile keyFile(keyPath), certFile(certPath);
    if (!keyFile.open(QIODevice::ReadOnly) || !certFile.open(QIODevice::ReadOnly))
        return {};
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(certFile.readAll()));
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
    return tls;
}

} // namespace testsupport
