#pragma once

#include "translate/networkpool.h"
#include "translate/provider.h"
#include "translate/sseparser.h"
#include "util/result.h"

#include <QByteArray>
#include <QCoroTask>
#include <QDateTime>
#include <QHash>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

#include <functional>

namespace overtext {

/// What one HTTP exchange produced. A value type.
struct HttpCallResult {
    QUrl url;       ///< the requested URL (never contains credentials)
    int status = 0; ///< HTTP status, 0 when no response arrived
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString networkErrorString;            ///< Qt's description of networkError
    QHash<QByteArray, QByteArray> headers; ///< response headers, names lower-case
    QByteArray body;                       ///< the body when it was not streamed (non-2xx, or no chunk callback)
    bool cancelled = false;                ///< the CancelToken stopped it
    bool timedOut = false;                 ///< the total or transfer timeout stopped it
    QUrl redirectTarget;                   ///< where a refused redirect pointed
    QString proxy; ///< the proxy the exchange went through (ProxyServer::display(), no credentials); empty: direct
    bool proxyAuthSent = false; ///< credentials were offered to that proxy
    int tunnelStatus = 0;       ///< the proxy's HTTP status when it refused to open a CONNECT tunnel
    QString configError;        ///< the network configuration could not be used (bad proxy URL, unreadable CA bundle)
    bool totalTimedOut = false; ///< timedOut: the total limit, not the wait for a byte
    int timeoutMs = 0;          ///< the limit that ran out
    QString timeoutSetting;     ///< how to change it (NetworkConfig::timeoutSetting)
};

/// Options of one HTTP exchange. A pool whose NetworkConfig sets timeoutSeconds overrides the transfer timeout with
/// it and raises the total one to at least five times it.
struct HttpCallOptions {
    QByteArray verb = "POST";
    int transferTimeoutMs = 60000; ///< abort after this long without any byte (QNetworkRequest::setTransferTimeout)
    int totalTimeoutMs = 0;        ///< abort after this long in all; 0 = no limit
};

/**
 * Sends one request through \a pool and waits for its end without blocking the event loop.
 *
 * Connects as the pool's NetworkConfig says: directly, through an HTTP proxy (CONNECT and TLS to the origin over the
 * tunnel for https, absolute-form requests for http; Basic credentials from the proxy URL or Settings) or SOCKS5.
 * A compressed answer (Content-Encoding gzip or deflate) is decoded as it arrives. While a 2xx response streams in,
 * each received chunk goes to \a onChunk (if set) instead of into the result's body, synchronously on the pool's
 * thread. \a cancel is polled every 50 ms and aborts the reply. Must be called on the pool's thread; \a onChunk must
 * stay valid until the task completes. Never throws.
 */
QCoro::Task<HttpCallResult> httpCall(QPointer<NetworkPool> pool, QNetworkRequest request, QByteArray body,
                                     CancelToken cancel, HttpCallOptions options,
                                     std::function<void(const QByteArray &)> onChunk);

/// What sseCall() saw.
struct SseCallResult {
    HttpCallResult http;
    bool sawEvent = false; ///< at least one event arrived
    QByteArray unstreamed; ///< without any event: the first 8 MiB of a 2xx body (a server that ignored stream:true)
};

/**
 * httpCall() for an answer in Server-Sent Events: each event of a 2xx stream goes to \a onEvent as it completes, and
 * \a onRead (if set) is called after the events of each network read and once at the end, so that work which only
 * needs doing once per read (reading a growing answer, telling the preview) is done once per read, not per event.
 * Same thread and lifetime contract as httpCall(); never throws.
 */
QCoro::Task<SseCallResult> sseCall(QPointer<NetworkPool> pool, QNetworkRequest request, QByteArray body,
                                   CancelToken cancel, HttpCallOptions options,
                                   std::function<void(const SseEvent &)> onEvent, std::function<void()> onRead);

/// Milliseconds the server asked us to wait, from Retry-After (seconds or HTTP date, relative to \a now) or from
/// x-ratelimit-reset-requests/-tokens ("1s", "6m0s", "20ms", or seconds); -1 when it did not say.
qint64 retryAfterFromHeaders(const QHash<QByteArray, QByteArray> &headers, const QDateTime &now);

/// The human part of an error body: error.message, error (string), message, detail, or the trimmed text itself.
QString serverMessage(const QByteArray &body);

/// The host (and port, when there is one) a URL names, as messages show it.
QString hostOf(const QUrl &url);

/// \a text with every occurrence of \a secret (if at least 4 characters long) replaced by "***".
QString redactSecret(QString text, const QString &secret);

/**
 * The Error for a failed exchange: Cancelled, Timeout (naming the setting that changes it), Network (refused, DNS,
 * TLS, dropped, refused redirect, a proxy that cannot be reached), Auth (401/403, and a proxy's 407, which names the
 * proxy and is never retried), RateLimited (429, with retryAfterMs), Service (other HTTP statuses, with httpStatus and
 * the server's message; a proxy refusing a tunnel), Usage (a network configuration that cannot be used). \a service
 * names the service in sentences ("OpenAI-compatible server"); \a secret is redacted from all text. Returns nullopt for
 * a successful (2xx, no network error) exchange.
 */
std::optional<Error> errorFromHttp(const HttpCallResult &result, const QString &service, const QString &secret);

/// A rough token count for texts whose service reports none: one token per four characters.
inline qint64 estimateTokens(qsizetype chars) {
    return (chars + 3) / 4;
}

} // namespace overtext
