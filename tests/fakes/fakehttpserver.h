#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSslConfiguration>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;
class QThread;

namespace testsupport {

/// One request as the fake server received it.
struct FakeRequest {
    int index = 0; ///< arrival order over the server's life, from 0
    QByteArray method;
    QByteArray path;                       ///< path and query as sent
    QHash<QByteArray, QByteArray> headers; ///< names lower-case
    QByteArray body;
    QStringList unitIds; ///< filled by service handlers that understand the body
    QStringList texts;   ///< the texts to translate, filled by service handlers
};

/// What the server answers, and how: framing, delays, drops.
struct FakeResponse {
    enum Framing { ContentLength, Chunked, CloseDelimited };
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QList<QByteArray> chunks; ///< body pieces, each written separately (after chunkDelayMs)
    Framing framing = ContentLength;
    int firstByteDelayMs = 0; ///< wait before the status line
    int chunkDelayMs = 0;     ///< wait before each body piece
    int dropAfterChunks = -1; ///< close the connection after writing this many pieces (mid-body); -1 = never
    bool raw = false;         ///< the pieces are the whole answer, status line and headers included

    static FakeResponse json(int status, const QByteArray &body);
};

using FakeHandler = std::function<FakeResponse(FakeRequest &request)>;

/**
 * A raw HTTP/1.1 server over QTcpServer for tests and benchmarks: keep-alive, Content-Length / chunked /
 * close-delimited bodies, delays and drops at the byte level, scripted by a handler called once per request.
 *
 * Thread contract: the object works on the thread it lives in (it may be moved to a worker QThread before listen();
 * see FakeServerThread). The handler runs on that thread. requests(), requestCount(), inFlight() and maxInFlight() are
 * thread-safe; setHandler() and listen() must be called on the server's thread (or before it starts serving).
 */
class FakeHttpServer : public QObject {
    Q_OBJECT
public:
    explicit FakeHttpServer(QObject *parent = nullptr);
    ~FakeHttpServer() override;

    void setHandler(FakeHandler handler);
    /// Listens on 127.0.0.1, a free port; returns it (0 on failure).
    Q_INVOKABLE quint16 listen();
    /// Listens on 127.0.0.1:\a port with SO_REUSEPORT (a free port when 0), so that several servers on several threads
    /// share one port and the kernel spreads connections over them; returns the port (0 on failure).
    Q_INVOKABLE quint16 listenShared(quint16 port);
    /// Listens on 127.0.0.1, a free port, speaking HTTPS with \a tls (see selfSignedTls()); returns the port.
    quint16 listenTls(const QSslConfiguration &tls);
    Q_INVOKABLE void close();
    quint16 port() const { return m_port; }
    /// http://127.0.0.1:port (https:// after listenTls())
    QUrl baseUrl() const;

    QList<FakeRequest> requests() const;
    int requestCount() const;
    int inFlight() const;
    int maxInFlight() const;
    void resetStats();

private:
    struct Connection;
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void tryHandle(QTcpSocket *socket);
    void startResponse(QTcpSocket *socket, FakeResponse response, bool keepAlive);
    void finishResponse(QTcpSocket *socket, bool keepAlive);

    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    bool m_tls = false;
    FakeHandler m_handler;
    QHash<QTcpSocket *, std::shared_ptr<Connection>> m_connections;
    mutable QMutex m_mutex;
    QList<FakeRequest> m_requests;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
    int m_nextIndex = 0;
};

/// A FakeHttpServer on its own thread, so it serves even while the caller's thread is busy. Destroying it stops the
/// server and joins the thread.
///
/// With \a threads > 1 (benchmarks), that many servers on as many threads share one port (SO_REUSEPORT), each with its
/// own handler from \a makeHandler, as a real API's front end spreads connections over many machines: one thread
/// writing 64 streams would otherwise set the pace, not the client. server() is then the first of them.
class FakeServerThread {
public:
    explicit FakeServerThread(FakeHandler handler);
    FakeServerThread(int threads, const std::function<FakeHandler()> &makeHandler);
    ~FakeServerThread();
    FakeHttpServer *server() const { return m_servers.first(); }
    QUrl baseUrl() const { return server()->baseUrl(); }

private:
    QList<QThread *> m_threads;
    QList<FakeHttpServer *> m_servers;
};

/// A self-signed certificate for CN=127.0.0.1 and its key, made by openssl in \a dir, as a server's TLS
/// configuration; without a local certificate when openssl is missing or fails.
QSslConfiguration selfSignedTls(const QString &dir);

} // namespace testsupport
