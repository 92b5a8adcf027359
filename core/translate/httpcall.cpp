#include "translate/httpcall.h"

#include <QCoroNetworkReply>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QTimer>

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

} // namespace

QCoro::Task<HttpCallResult> httpCall(QPointer<NetworkPool> pool, QNetworkRequest request, QByteArray body,
                                     CancelToken cancel, HttpCallOptions options,
                                     std::function<void(const QByteArray &)> onChunk) {
    HttpCallResult result;
    result.url = request.url();
    if (!pool || cancel.isCancelled()) {
        result.cancelled = true;
        co_return result;
    }
    QNetworkReply *reply = pool->send(request, options.verb, body, options.transferTimeoutMs);
    bool abortedForCancel = false;
    bool abortedForTimeout = false;
    QElapsedTimer clock;
    clock.start();
    auto *poll = new QTimer(reply);
    poll->setInterval(50);
    QObject::connect(poll, &QTimer::timeout, reply, [&, reply]() {
        if (reply->isFinished())
            return;
        if (cancel.isCancelled()) {
            abortedForCancel = true;
            reply->abort();
        } else if (options.totalTimeoutMs > 0 && clock.elapsed() > options.totalTimeoutMs) {
            abortedForTimeout = true;
            reply->abort();
        }
    });
    poll->start();
    auto status = [reply]() { return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); };
    if (onChunk) {
        QObject::connect(reply, &QIODevice::readyRead, reply, [&, reply]() {
            const int s = status();
            if (s >= 200 && s < 300)
                onChunk(reply->readAll());
        });
    }
    try {
        co_await reply;
    } catch (...) {
        // QCoro's awaiter does not throw; this only guards against future changes.
    }
    // The frame's locals captured above by reference must not be reached once we return.
    poll->stop();
    QObject::disconnect(poll, nullptr, nullptr, nullptr);
    QObject::disconnect(reply, &QIODevice::readyRead, nullptr, nullptr);
    result.status = status();
    const QByteArray rest = reply->isOpen() ? reply->readAll() : QByteArray();
    if (onChunk && result.status >= 200 && result.status < 300) {
        if (!rest.isEmpty())
            onChunk(rest);
    } else {
        result.body = rest;
    }
    result.networkError = reply->error();
    result.networkErrorString = reply->errorString();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    if (result.status >= 300 && result.status < 400)
        result.redirectTarget = reply->url().resolved(QUrl::fromEncoded(result.headers.value("location")));
    if (result.networkError == QNetworkReply::InsecureRedirectError)
        result.redirectTarget = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
    result.cancelled = abortedForCancel || cancel.isCancelled();
    // Qt aborts a reply whose transfer timeout expired; an abort we did not ask for is that timeout.
    result.timedOut =
        abortedForTimeout || (!abortedForCancel && result.networkError == QNetworkReply::OperationCanceledError);
    reply->deleteLater();
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
    if (r.timedOut) {
        e.code = Error::Timeout;
        e.message = QStringLiteral("%1 (%2) did not answer in time. Try again, or raise the timeout in the settings.")
                        .arg(service, host);
        return e;
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
        e.message = QStringLiteral("Overtext refused the connection because the certificate of %1 is not trusted: %2")
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
