#include "fakes/fakehttpserver.h"

#include <QHostAddress>
#include <QMetaObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

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

void FakeHttpServer::close() {
    if (m_server)
        m_server->close();
    for (QTcpSocket *s : m_connections.keys())
        s->abort();
}

QUrl FakeHttpServer::baseUrl() const {
    QUrl u;
    u.setScheme(QStringLiteral("http"));
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
    const bool keepAlive = req.headers.value("connection").toLower() != "close";
    startResponse(socket, std::move(response), keepAlive);
}

void FakeHttpServer::startResponse(QTcpSocket *socket, FakeResponse response, bool keepAlive) {
    QPointer<QTcpSocket> guard(socket);
    auto r = std::make_shared<FakeResponse>(std::move(response));
    if (r->framing == FakeResponse::CloseDelimited)
        keepAlive = false;
    auto step = std::make_shared<std::function<void(int)>>();
    // The function holds itself only weakly; each scheduled timer holds it strongly, so it dies after the last step.
    std::weak_ptr<std::function<void(int)>> weak = step;
    *step = [this, guard, r, keepAlive, weak](int next) {
        if (!guard || guard->state() != QAbstractSocket::ConnectedState)
            return;
        if (next == 0) {
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
            if (r->framing == FakeResponse::Chunked) {
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
        QTimer::singleShot(r->chunkDelayMs, guard, [self = weak.lock(), next]() { (*self)(next + 1); });
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
    : m_thread(new QThread)
    , m_server(new FakeHttpServer) {
    m_server->setHandler(std::move(handler));
    m_server->moveToThread(m_thread);
    m_thread->start();
    quint16 port = 0;
    QMetaObject::invokeMethod(m_server, &FakeHttpServer::listen, Qt::BlockingQueuedConnection, &port);
}

FakeServerThread::~FakeServerThread() {
    // Close on the server's thread and hand the object back here, so it is deleted after its thread has stopped.
    QThread *here = QThread::currentThread();
    QMetaObject::invokeMethod(
        m_server,
        [server = m_server, here]() {
            server->close();
            server->moveToThread(here);
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_server;
    delete m_thread;
}

} // namespace testsupport
