#include "translate/httpcall.h"

#include "translate/httpresponse.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <coroutine>

#include <climits>
#include <exception>

namespace overtext {

namespace {

/// "1s", "6m0s", "20ms", "0.5s", "2h1m", or a bare number of seconds.
qint64 parseDuration(const QByteArray &raw) {
    const QString text = QString::fromLatin1(raw).trimmed();
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok)
        return seconds < 0 ? -1 : qint64(seconds * 1000.0);
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ms|h|m|s)"));
    qint64 ms = 0;
    qsizetype consumed = 0;
    auto it = part.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const double v = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        ms += qint64(v * (unit == QLatin1String("ms")  ? 1
                          : unit == QLatin1String("s") ? 1000
                          : unit == QLatin1String("m") ? 60000
                                                       : 3600000));
        consumed += m.capturedLength();
    }
    return consumed == text.size() && consumed > 0 ? ms : -1;
}

/// The bytes of an HTTP/1.1 request for \a url: request line, Host, the request's own headers, then ours where it has
/// none (Content-Length, Accept-Encoding: identity so that streamed pieces are not held back by compression,
/// User-Agent), and the body. Credentials in the URL are never sent. \a absoluteForm: the request goes to an HTTP
/// proxy, with the whole URL as its target and \a proxyAuth (if any) as Proxy-Authorization.
QByteArray requestBytes(const QByteArray &verb, const QUrl &url, const QNetworkRequest &request, const QByteArray &body,
                        bool absoluteForm, const QByteArray &proxyAuth) {
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const QByteArray authority = url.toString(QUrl::RemoveScheme | QUrl::RemoveUserInfo | QUrl::RemovePath |
                                              QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::FullyEncoded)
                                     .mid(2)
                                     .toLatin1();
    if (absoluteForm)
        target = url.scheme().toLower().toLatin1() + "://" + authority + target;
    QByteArray out;
    out.reserve(256 + body.size());
    out += verb + ' ' + target + " HTTP/1.1\r\nHost: ";
    out += authority;
    out += "\r\n";
    if (absoluteForm && !proxyAuth.isEmpty())
        out += "Proxy-Authorization: " + proxyAuth + "\r\n";
    bool length = false, encoding = false, agent = false;
    for (const QByteArray &name : request.rawHeaderList()) {
        const QByteArray lower = name.toLower();
        if (lower == "host" || lower == "connection" || lower == "transfer-encoding" || lower == "proxy-authorization")
            continue;
        length |= lower == "content-length";
        encoding |= lower == "accept-encoding";
        agent |= lower == "user-agent";
        out += name + ": " + request.rawHeader(name) + "\r\n";
    }
    if (!length && (!body.isEmpty() || verb == "POST" || verb == "PUT" || verb == "PATCH"))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!encoding)
        out += "Accept-Encoding: identity\r\n";
    if (!agent)
        out += "User-Agent: Overtext\r\n";
    out += "\r\n";
    out += body;
    return out;
}

/// A CONNECT request opening a tunnel to \a url's origin.
QByteArray connectBytes(const QUrl &url, const QByteArray &proxyAuth) {
    const QString host =
        url.host().contains(QLatin1Char(':')) ? QLatin1Char('[') + url.host() + QLatin1Char(']') : url.host();
    const QByteArray authority = (host + QLatin1Char(':') + QString::number(url.port(443))).toLatin1();
    QByteArray out = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!proxyAuth.isEmpty())
        out += "Proxy-Authorization: " + proxyAuth + "\r\n";
    out += "User-Agent: Overtext\r\n\r\n";
    return out;
}

QNetworkReply::NetworkError replyErrorFor(QAbstractSocket::SocketError e) {
    switch (e) {
    case QAbstractSocket::ConnectionRefusedError:
        return QNetworkReply::ConnectionRefusedError;
    case QAbstractSocket::HostNotFoundError:
        return QNetworkReply::HostNotFoundError;
    case QAbstractSocket::RemoteHostClosedError:
        return QNetworkReply::RemoteHostClosedError;
    case QAbstractSocket::SocketTimeoutError:
        return QNetworkReply::TimeoutError;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return QNetworkReply::SslHandshakeFailedError;
    case QAbstractSocket::ProxyConnectionRefusedError:
        return QNetworkReply::ProxyConnectionRefusedError;
    case QAbstractSocket::ProxyConnectionClosedError:
        return QNetworkReply::ProxyConnectionClosedError;
    case QAbstractSocket::ProxyNotFoundError:
        return QNetworkReply::ProxyNotFoundError;
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return QNetworkReply::ProxyTimeoutError;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        return QNetworkReply::ProxyAuthenticationRequiredError;
    case QAbstractSocket::ProxyProtocolError:
        return QNetworkReply::UnknownProxyError;
    default:
        return QNetworkReply::UnknownNetworkError;
    }
}

/**
 * One HTTP/1.1 request and its response over a pooled connection, driven by the socket's signals on the pool's
 * thread: opens the connection (directly, through SOCKS5, or to an HTTP proxy with a CONNECT tunnel for https),
 * writes the request, reads the response with HttpResponseParser as bytes arrive, and hands a 2xx body to onChunk once
 * per network read. A connection reused from the pool that turns out closed before any byte of the response is
 * replaced by a new one, once (the server never saw the request).
 */
class Exchange {
public:
    Exchange(NetworkPool *pool, QUrl url, QByteArray bytes, bool head, ProxyServer proxy,
             const HttpCallOptions &options, CancelToken cancel, std::function<void(const QByteArray &)> onChunk)
        : m_pool(pool)
        , m_url(std::move(url))
        , m_request(std::move(bytes))
        , m_head(head)
        , m_proxy(std::move(proxy))
        , m_transferTimeoutMs(options.transferTimeoutMs)
        , m_totalTimeoutMs(options.totalTimeoutMs)
        , m_cancel(std::move(cancel))
        , m_onChunk(std::move(onChunk))
        , m_parser(std::make_unique<HttpResponseParser>(head)) {}

    ~Exchange() {
        if (finished)
            return;
        dropSocket();
        if (m_counted && m_pool)
            m_pool->addInFlight(m_url, -1);
    }

    struct Done {
        Exchange *x;
        bool await_ready() const noexcept { return x->finished; }
        void await_suspend(std::coroutine_handle<> h) noexcept { x->m_waiter = h; }
        void await_resume() const noexcept {}
    };

    void start() {
        m_total.start();
        m_lastByte.start();
        m_pool->addInFlight(m_url, 1);
        m_counted = true;
        QObject::connect(&m_tick, &QTimer::timeout, &m_ctx, [this]() { onTick(); });
        m_tick.start(50);
        open(m_pool->takeIdle(m_url));
    }

    bool finished = false;
    int status = 0;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    bool cancelled = false;
    bool timedOut = false;
    bool totalTimedOut = false;
    int tunnelStatus = 0;

private:
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;

    bool tls() const { return m_url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0; }
    bool viaHttpProxy() const { return m_proxy.type == ProxyServer::Type::Http; }

    /// Starts on \a reused (an idle pooled connection) or, when null, on a new one.
    void open(QAbstractSocket *reused) {
        m_reused = reused != nullptr;
        m_connected = m_reused;
        m_socket = reused ? reused : m_pool->newSocket(m_url);
        QAbstractSocket *s = m_socket;
        QObject::connect(s, &QIODevice::readyRead, &m_ctx, [this]() { onReadyRead(); });
        QObject::connect(s, &QAbstractSocket::errorOccurred, &m_ctx,
                         [this](QAbstractSocket::SocketError e) { onSocketError(e); });
        QObject::connect(s, &QAbstractSocket::disconnected, &m_ctx,
                         [this]() { onSocketError(QAbstractSocket::RemoteHostClosedError); });
        QObject::connect(s, &QObject::destroyed, &m_ctx, [this]() { poolGone(); });
        if (m_reused) {
            send();
            return;
        }
        const quint16 port = quint16(m_url.port(tls() ? 443 : 80));
        auto *ssl = tls() ? qobject_cast<QSslSocket *>(s) : nullptr;
        // Options take effect only on a connected socket. No Nagle: a request or a handshake message waits for
        // nothing.
        QObject::connect(s, &QAbstractSocket::connected, &m_ctx, [this, ssl]() {
            m_connected = true;
            m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
            if (ssl && viaHttpProxy()) {
                // The tunnel first; TLS to the origin runs inside it once the proxy says yes.
                m_tunnel = std::make_unique<HttpResponseParser>(false, true);
                m_socket->write(connectBytes(m_url, m_proxy.basicAuth()));
                m_socket->flush();
            } else if (!ssl) {
                send();
            }
        });
        if (ssl)
            QObject::connect(ssl, &QSslSocket::encrypted, &m_ctx, [this]() { send(); });
        if (viaHttpProxy())
            s->connectToHost(m_proxy.host, m_proxy.port); // unencrypted: to the proxy itself
        else if (ssl)
            ssl->connectToHostEncrypted(m_url.host(), port);
        else
            s->connectToHost(m_url.host(), port);
    }

    /// Writes the request now, not on the socket's next turn of the event loop, which may be several milliseconds
    /// away when many streams are being read.
    void send() {
        m_socket->write(m_request);
        m_socket->flush();
    }

    void onTick() {
        if (finished)
            return;
        if (m_cancel.isCancelled()) {
            cancelled = true;
            fail(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
        } else if (m_totalTimeoutMs > 0 && m_total.elapsed() > m_totalTimeoutMs) {
            timedOut = totalTimedOut = true;
            fail(QNetworkReply::TimeoutError, QStringLiteral("Operation timed out"));
        } else if (m_transferTimeoutMs > 0 && m_lastByte.elapsed() > m_transferTimeoutMs) {
            timedOut = true;
            fail(QNetworkReply::TimeoutError, QStringLiteral("Operation timed out"));
        }
    }

    /// The pool went away with its sockets (the provider is gone): a cancellation. True when that is the case.
    bool poolGone() {
        if (m_pool)
            return false;
        m_socket = nullptr; // being destroyed: not ours to touch
        cancelled = true;
        fail(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
        return true;
    }

    /// The proxy's answer to CONNECT: 2xx opens the tunnel (TLS to the origin starts in it, named for the origin:
    /// SNI and verification); anything else ends the exchange naming the proxy.
    void onTunnelRead() {
        const QByteArray bytes = m_socket->readAll();
        if (bytes.isEmpty())
            return;
        m_lastByte.start();
        QByteArray none;
        if (!m_tunnel->feed(bytes, none))
            return fail(QNetworkReply::UnknownProxyError,
                        QStringLiteral("the proxy's answer to CONNECT could not be read (%1)").arg(m_tunnel->error()));
        if (!m_tunnel->done())
            return;
        const int code = m_tunnel->status();
        // An answer to CONNECT is the proxy's own: some (tinyproxy) refuse credentials with 401, not 407.
        if (code == 407 || code == 401)
            return fail(QNetworkReply::ProxyAuthenticationRequiredError,
                        QStringLiteral("Proxy Authentication Required"));
        if (code < 200 || code >= 300) {
            tunnelStatus = code;
            return fail(QNetworkReply::UnknownProxyError,
                        QStringLiteral("the proxy refused the tunnel (HTTP %1)").arg(code));
        }
        if (m_tunnel->leftover() > 0) // a TLS server does not speak first
            return fail(QNetworkReply::UnknownProxyError,
                        QStringLiteral("the proxy sent bytes before the TLS handshake"));
        m_tunnel.reset();
        auto *ssl = qobject_cast<QSslSocket *>(m_socket.data());
        ssl->setPeerVerifyName(m_url.host());
        ssl->startClientEncryption();
    }

    void onReadyRead() {
        if (finished || !m_socket || poolGone())
            return;
        if (m_tunnel)
            return onTunnelRead();
        const QByteArray bytes = m_socket->readAll();
        if (bytes.isEmpty())
            return;
        m_lastByte.start();
        m_gotBytes = true;
        QByteArray decoded;
        const bool ok = m_parser->feed(bytes, decoded);
        if (m_parser->hasHead())
            status = m_parser->status();
        if (!decoded.isEmpty()) {
            if (streaming()) {
                m_onChunk(decoded);
                if (finished) // the reader cancelled from inside its callback
                    return;
            } else {
                body += decoded;
                if (body.size() > kMaxBodyBytes)
                    return fail(QNetworkReply::ProtocolFailure,
                                QStringLiteral("the answer is larger than %1 MiB").arg(kMaxBodyBytes >> 20));
            }
        }
        if (!ok)
            return failParse(m_parser->error());
        if (m_parser->done())
            succeed();
    }

    void onSocketError(QAbstractSocket::SocketError e) {
        if (finished || !m_socket || poolGone())
            return;
        if (e == QAbstractSocket::RemoteHostClosedError) {
            onReadyRead(); // what arrived before the close
            if (finished)
                return;
            if (!m_tunnel && m_parser->hasHead()) {
                QByteArray none;
                if (m_parser->closed(none))
                    return succeed();
                if (m_parser->failed())
                    return failParse(m_parser->error());
            }
            if (m_reused && !m_gotBytes) {
                // The server had closed the idle connection: it never saw the request. Send it on a new one.
                QObject::disconnect(m_socket, nullptr, &m_ctx, nullptr);
                m_socket->abort();
                m_socket->deleteLater();
                m_parser = std::make_unique<HttpResponseParser>(m_head);
                return open(nullptr);
            }
        }
        QString text = m_socket->errorString();
        if (auto *ssl = qobject_cast<QSslSocket *>(m_socket.data()); ssl && !ssl->sslHandshakeErrors().isEmpty()) {
            QStringList reasons;
            for (const QSslError &err : ssl->sslHandshakeErrors())
                reasons.append(err.errorString());
            text = QStringLiteral("SSL handshake failed: ") + reasons.join(QStringLiteral("; "));
        }
        QNetworkReply::NetworkError code = replyErrorFor(e);
        // Not yet connected to an HTTP proxy: it is the proxy that cannot be reached, not the server.
        if (viaHttpProxy() && !m_connected) {
            if (code == QNetworkReply::ConnectionRefusedError)
                code = QNetworkReply::ProxyConnectionRefusedError;
            else if (code == QNetworkReply::HostNotFoundError)
                code = QNetworkReply::ProxyNotFoundError;
            else if (code == QNetworkReply::TimeoutError)
                code = QNetworkReply::ProxyTimeoutError;
        } else if (viaHttpProxy() && m_tunnel && code == QNetworkReply::RemoteHostClosedError) {
            code = QNetworkReply::ProxyConnectionClosedError;
        }
        fail(code, text);
    }

    bool streaming() const { return m_onChunk && status >= 200 && status < 300; }

    void failParse(const QString &why) {
        fail(QNetworkReply::ProtocolFailure, QStringLiteral("Overtext could not read the answer: %1").arg(why));
    }

    void succeed() {
        headers = m_parser->headers();
        if (m_parser->keepAlive() && m_parser->leftover() == 0 && m_socket) {
            QObject::disconnect(m_socket, nullptr, &m_ctx, nullptr);
            m_pool->giveBack(m_url, m_socket);
            m_socket = nullptr;
        }
        finish();
    }

    void fail(QNetworkReply::NetworkError e, const QString &text) {
        if (finished)
            return;
        headers = m_parser->headers();
        error = e;
        errorString = text;
        finish();
    }

    void dropSocket() {
        if (!m_socket)
            return;
        QObject::disconnect(m_socket, nullptr, &m_ctx, nullptr);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }

    /// Ends the exchange and resumes the awaiting coroutine on the next turn of the event loop (never inside the
    /// socket's own signal, whose emitter the resumed code may delete).
    void finish() {
        finished = true;
        m_tick.stop();
        dropSocket(); // unless succeed() gave it back
        if (m_counted && m_pool)
            m_pool->addInFlight(m_url, -1);
        m_counted = false;
        if (m_waiter)
            QMetaObject::invokeMethod(
                &m_ctx, [h = std::exchange(m_waiter, nullptr)]() { h.resume(); }, Qt::QueuedConnection);
    }

    QPointer<NetworkPool> m_pool;
    QUrl m_url;
    QByteArray m_request;
    bool m_head = false;
    ProxyServer m_proxy;
    int m_transferTimeoutMs = 0;
    int m_totalTimeoutMs = 0;
    CancelToken m_cancel;
    std::function<void(const QByteArray &)> m_onChunk;

    QObject m_ctx; ///< receiver of every connection: they end with the exchange
    QTimer m_tick;
    QElapsedTimer m_total;
    QElapsedTimer m_lastByte;
    QPointer<QAbstractSocket> m_socket;
    std::coroutine_handle<> m_waiter;
    bool m_reused = false;
    bool m_connected = false;
    bool m_gotBytes = false;
    bool m_counted = false;
    std::unique_ptr<HttpResponseParser> m_parser;
    std::unique_ptr<HttpResponseParser> m_tunnel; ///< while the proxy's answer to CONNECT is awaited
};

bool sameOrigin(const QUrl &a, const QUrl &b) {
    return NetworkPool::originKey(a) == NetworkPool::originKey(b);
}

} // namespace

QCoro::Task<HttpCallResult> httpCall(QPointer<NetworkPool> pool, QNetworkRequest request, QByteArray body,
                                     CancelToken cancel, HttpCallOptions options,
                                     std::function<void(const QByteArray &)> onChunk) {
    HttpCallResult result;
    result.url = request.url();
    QUrl url = request.url();
    QByteArray verb = options.verb;
    if (pool) {
        const NetworkConfig &net = pool->config();
        result.timeoutSetting = net.timeoutSetting;
        if (net.timeoutSeconds > 0) {
            const qint64 ms = qint64(net.timeoutSeconds) * 1000;
            options.transferTimeoutMs = int(qMin<qint64>(ms, INT_MAX));
            if (options.totalTimeoutMs > 0)
                options.totalTimeoutMs = int(qMin<qint64>(qMax<qint64>(options.totalTimeoutMs, 5 * ms), INT_MAX));
        }
    }
    for (int hop = 0;; ++hop) {
        if (!pool || cancel.isCancelled()) {
            result.cancelled = true;
            co_return result;
        }
        const auto route = pool->proxyFor(url);
        if (!route) {
            result.configError = route.error().message;
            co_return result;
        }
        if (url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0) {
            if (const auto cas = pool->extraCaCertificates(); !cas) {
                result.configError = cas.error().message;
                co_return result;
            }
        }
        const bool absoluteForm = route->type == ProxyServer::Type::Http &&
                                  url.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0;
        result.proxy = route->isDirect() ? QString() : route->display();
        result.proxyAuthSent = !route->user.isEmpty() || !route->password.isEmpty();
        Exchange x(pool, url, requestBytes(verb, url, request, body, absoluteForm, route->basicAuth()), verb == "HEAD",
                   *route, options, cancel, onChunk);
        x.start();
        co_await Exchange::Done{&x};
        result.status = x.status;
        result.headers = std::move(x.headers);
        result.body = std::move(x.body);
        result.networkError = x.error;
        result.networkErrorString = x.errorString;
        result.cancelled = x.cancelled || cancel.isCancelled();
        result.timedOut = x.timedOut;
        result.totalTimedOut = x.totalTimedOut;
        result.timeoutMs = x.totalTimedOut ? options.totalTimeoutMs : options.transferTimeoutMs;
        result.tunnelStatus = x.tunnelStatus;
        if (result.networkError != QNetworkReply::NoError || result.status < 300 || result.status >= 400 ||
            !result.headers.contains("location"))
            break;
        // Redirects are followed only within the origin, so credentials never reach another address; any other
        // is reported (errorFromHttp) with its target.
        const QUrl target = url.resolved(QUrl::fromEncoded(result.headers.value("location")));
        if (!sameOrigin(target, url) || hop >= 5 || result.status == 300 || result.status == 304) {
            result.redirectTarget = target;
            break;
        }
        if (result.status == 303) {
            verb = "GET";
            body.clear();
        }
        url = target;
    }
    co_return result;
}

QCoro::Task<SseCallResult> sseCall(QPointer<NetworkPool> pool, QNetworkRequest request, QByteArray body,
                                   CancelToken cancel, HttpCallOptions options,
                                   std::function<void(const SseEvent &)> onEvent, std::function<void()> onRead) {
    SseCallResult result;
    SseParser sse;
    auto onChunk = [&](const QByteArray &bytes) {
        if (!result.sawEvent && result.unstreamed.size() < 8 * 1024 * 1024)
            result.unstreamed += bytes;
        for (const SseEvent &ev : sse.feed(bytes)) {
            if (!result.sawEvent) {
                result.sawEvent = true;
                result.unstreamed.clear();
            }
            onEvent(ev);
        }
        if (onRead)
            onRead();
    };
    result.http = co_await httpCall(std::move(pool), std::move(request), std::move(body), std::move(cancel),
                                    std::move(options), onChunk);
    for (const SseEvent &ev : sse.finish()) {
        result.sawEvent = true;
        result.unstreamed.clear();
        onEvent(ev);
    }
    if (onRead)
        onRead();
    co_return result;
}

qint64 retryAfterFromHeaders(const QHash<QByteArray, QByteArray> &headers, const QDateTime &now) {
    const QByteArray retryAfter = headers.value("retry-after").trimmed();
    if (!retryAfter.isEmpty()) {
        bool ok = false;
        const double seconds = retryAfter.toDouble(&ok);
        if (ok)
            return seconds < 0 ? 0 : qint64(seconds * 1000.0);
        QDateTime when =
            QLocale::c().toDateTime(QString::fromLatin1(retryAfter), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
        if (when.isValid()) {
            when.setTimeSpec(Qt::UTC);
            return qMax<qint64>(0, now.msecsTo(when));
        }
    }
    const QByteArray retryAfterMs = headers.value("retry-after-ms").trimmed();
    if (!retryAfterMs.isEmpty()) {
        bool ok = false;
        const qint64 ms = retryAfterMs.toLongLong(&ok);
        if (ok)
            return qMax<qint64>(0, ms);
    }
    qint64 best = -1;
    for (const char *name : {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens", "x-ratelimit-reset"}) {
        const QByteArray v = headers.value(name);
        if (v.isEmpty())
            continue;
        const qint64 ms = parseDuration(v);
        best = qMax(best, ms);
    }
    return best;
}

QString serverMessage(const QByteArray &body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue err = o.value(QLatin1String("error"));
        if (err.isObject() && err.toObject().value(QLatin1String("message")).isString())
            return err.toObject().value(QLatin1String("message")).toString();
        if (err.isString())
            return err.toString();
        for (const char *k : {"message", "detail"})
            if (o.value(QLatin1String(k)).isString())
                return o.value(QLatin1String(k)).toString();
    }
    QString text = QString::fromUtf8(body).simplified();
    if (text.size() > 300)
        text = text.left(300) + QStringLiteral("…");
    return text;
}

QString redactSecret(QString text, const QString &secret) {
    if (secret.size() >= 4)
        text.replace(secret, QStringLiteral("***"));
    return text;
}

std::optional<Error> errorFromHttp(const HttpCallResult &r, const QString &service, const QString &secret) {
    const QString host = hostOf(r.url);
    Error e;
    e.httpStatus = r.status;
    if (r.cancelled) {
        e.code = Error::Cancelled;
        e.message = QStringLiteral("The request to %1 was cancelled.").arg(host);
        return e;
    }
    if (!r.configError.isEmpty()) {
        e.code = Error::Usage;
        e.message = redactSecret(r.configError, secret);
        return e;
    }
    if (r.timedOut) {
        e.code = Error::Timeout;
        const QString how =
            r.timeoutSetting.isEmpty()
                ? QStringLiteral("the profile's Timeout in Settings, or --timeout SECONDS on the command "
                                 "line")
                : r.timeoutSetting;
        const int seconds = (r.timeoutMs + 999) / 1000;
        e.message = r.totalTimedOut
                        ? QStringLiteral("%1 (%2) did not finish its answer within %3 s. A slow server (a local model "
                                         "on a CPU) may need a longer timeout: %4.")
                              .arg(service, host)
                              .arg(seconds)
                              .arg(how)
                        : QStringLiteral("%1 (%2) sent nothing for %3 s. A slow server (a local model on a CPU can "
                                         "take minutes before its first word) may need a longer timeout: %4.")
                              .arg(service, host)
                              .arg(seconds)
                              .arg(how);
        return e;
    }
    const QString proxyWord = QStringLiteral("the proxy setting (--proxy, Settings, or the http_proxy, https_proxy and "
                                             "all_proxy variables)");
    // Through an HTTP proxy, a 401 without the Via header every relayed answer carries (RFC 9110 7.6.3) was written
    // by the proxy itself: tinyproxy refuses wrong credentials that way.
    const bool proxysOwn401 = !r.proxy.isEmpty() && r.proxyAuthSent && r.status == 401 &&
                              r.proxy.startsWith(QLatin1String("http:")) && !r.headers.contains("via");
    if (!r.proxy.isEmpty() &&
        (r.networkError == QNetworkReply::ProxyAuthenticationRequiredError || r.status == 407 || proxysOwn401)) {
        // Never retried (Auth): the same credentials would be refused again, and a storm of them can lock the
        // user's account at the proxy.
        e.code = Error::Auth;
        e.httpStatus = 407;
        e.message = r.proxyAuthSent
                        ? QStringLiteral("The proxy %1 refused the user name and password (HTTP 407 Proxy "
                                         "Authentication Required). Check them in the proxy URL or in Settings.")
                              .arg(r.proxy)
                        : QStringLiteral("The proxy %1 asks for a user name and password (HTTP 407 Proxy "
                                         "Authentication Required). Give them in the proxy URL "
                                         "(http://USER:PASSWORD@host:port) or in Settings.")
                              .arg(r.proxy);
        return e;
    }
    if (!r.proxy.isEmpty() && r.tunnelStatus > 0) {
        e.code = Error::Service;
        e.httpStatus = r.tunnelStatus;
        e.message = QStringLiteral("The proxy %1 refused to connect to %2 (HTTP %3). The proxy may block this address "
                                   "or port; ask whoever runs it.")
                        .arg(r.proxy, host)
                        .arg(r.tunnelStatus);
        return e;
    }
    if (!r.proxy.isEmpty()) {
        switch (r.networkError) {
        case QNetworkReply::ProxyConnectionRefusedError:
            e.code = Error::Network;
            e.message = QStringLiteral("Could not connect to the proxy %1: the connection was refused. Is the proxy "
                                       "running, and is %2 right?")
                            .arg(r.proxy, proxyWord);
            return e;
        case QNetworkReply::ProxyNotFoundError:
            e.code = Error::Network;
            e.message = QStringLiteral("Could not find the proxy %1 (the name does not resolve). Check %2.")
                            .arg(r.proxy, proxyWord);
            return e;
        case QNetworkReply::ProxyConnectionClosedError:
        case QNetworkReply::ProxyTimeoutError:
        case QNetworkReply::UnknownProxyError:
            e.code = Error::Network;
            e.message =
                QStringLiteral("The proxy %1 failed on the way to %2: %3").arg(r.proxy, host, r.networkErrorString);
            e.message = redactSecret(e.message, secret);
            return e;
        default:
            break;
        }
    }
    if (r.networkError == QNetworkReply::InsecureRedirectError || (r.status >= 300 && r.status < 400)) {
        e.code = Error::Network;
        e.message = QStringLiteral("%1 redirected the request to %2, which Overtext does not follow so that your "
                                   "credentials are never sent to another address. Use the final address as the "
                                   "base URL.")
                        .arg(host, r.redirectTarget.isValid()
                                       ? r.redirectTarget.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)
                                       : QStringLiteral("another address"));
        e.message = redactSecret(e.message, secret);
        return e;
    }
    const QString message = redactSecret(serverMessage(r.body), secret);
    const QString withMessage = message.isEmpty() ? QString() : QStringLiteral(": ") + message;
    if (r.status == 401 || r.status == 403) {
        e.code = Error::Auth;
        e.message = QStringLiteral("The API key was rejected by %1 (HTTP %2)%3. Check the key in the settings.")
                        .arg(host)
                        .arg(r.status)
                        .arg(withMessage);
        return e;
    }
    if (r.status == 429) {
        e.code = Error::RateLimited;
        e.retryAfterMs = retryAfterFromHeaders(r.headers, QDateTime::currentDateTimeUtc());
        e.message = QStringLiteral("%1 (%2) asked us to slow down (HTTP 429)%3.").arg(service, host, withMessage);
        return e;
    }
    if (r.status >= 400) {
        e.code = Error::Service;
        e.retryAfterMs = retryAfterFromHeaders(r.headers, QDateTime::currentDateTimeUtc());
        e.message = QStringLiteral("%1 (%2) answered with an error (HTTP %3)%4.")
                        .arg(service, host)
                        .arg(r.status)
                        .arg(withMessage);
        return e;
    }
    if (r.networkError == QNetworkReply::NoError)
        return std::nullopt;
    e.code = Error::Network;
    switch (r.networkError) {
    case QNetworkReply::ConnectionRefusedError:
        e.message = QStringLiteral("Could not connect to %1: the connection was refused. Is the server running, and "
                                   "is the base URL right?")
                        .arg(host);
        break;
    case QNetworkReply::HostNotFoundError:
        e.message = QStringLiteral("Could not find the server %1 (the name does not resolve). Check the base URL and "
                                   "your network.")
                        .arg(r.url.host());
        break;
    case QNetworkReply::SslHandshakeFailedError:
        e.message = QStringLiteral("Overtext refused the connection because the certificate of %1 is not trusted: %2. "
                                   "If a company proxy inspects TLS, add its CA bundle (PEM): --ca-file FILE, the "
                                   "SSL_CERT_FILE variable, or Settings.")
                        .arg(host, r.networkErrorString);
        break;
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::UnknownNetworkError:
        e.message =
            QStringLiteral("The connection to %1 dropped mid-answer (%2). Try again.").arg(host, r.networkErrorString);
        break;
    default:
        e.message = QStringLiteral("The request to %1 failed: %2").arg(host, r.networkErrorString);
    }
    e.message = redactSecret(e.message, secret);
    return e;
}

QString hostOf(const QUrl &url) {
    return url.port() > 0 ? url.host() + QLatin1Char(':') + QString::number(url.port()) : url.host();
}

} // namespace overtext
