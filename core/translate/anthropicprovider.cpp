#include "translate/anthropicprovider.h"

#include "translate/streamevents.h"

#include "translate/batchcodec.h"
#include "translate/httpcall.h"
#include "translate/streamedanswer.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace overtext {

namespace {

const QString kService = QStringLiteral("Anthropic");

} // namespace

AnthropicProvider::AnthropicProvider(AnthropicConfig config, NetworkPool *pool, QObject *parent)
    : Provider(parent)
    , m_config(std::move(config))
    , m_pool(pool ? pool : new NetworkPool(this)) {}

QString AnthropicProvider::cacheIdentity() const {
    return QStringLiteral("anthropic|") + m_config.baseUrl.host() + QLatin1Char('|') + m_config.model;
}

QUrl AnthropicProvider::endpointUrl() const {
    QUrl url = m_config.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/v1/messages")))
        path += path.endsWith(QLatin1String("/v1")) ? QStringLiteral("/messages") : QStringLiteral("/v1/messages");
    url.setPath(path);
    return url;
}

QNetworkRequest AnthropicProvider::buildRequest() const {
    QNetworkRequest req(endpointUrl());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    req.setRawHeader("anthropic-version", m_config.apiVersion.toLatin1());
    if (!m_config.apiKey.isEmpty())
        req.setRawHeader("x-api-key", m_config.apiKey.toUtf8());
    return req;
}

QByteArray AnthropicProvider::buildBody(const EncodedBatch &batch) const {
    QJsonObject body = m_config.extraBody;
    body.insert(QStringLiteral("model"), m_config.model);
    body.insert(QStringLiteral("stream"), true);
    body.insert(QStringLiteral("max_tokens"), m_config.maxOutputTokens);
    if (m_config.temperature)
        body.insert(QStringLiteral("temperature"), *m_config.temperature);
    body.insert(QStringLiteral("system"), batch.systemPrompt);
    body.insert(QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                   {QStringLiteral("content"), batch.userMessage}}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QCoro::Task<Result<TranslationBatchResult>> AnthropicProvider::translate(TranslationRequest request, PartialSink sink,
                                                                         CancelToken cancel) {
    try {
        co_return co_await translateBatch(std::move(request), std::move(sink), std::move(cancel));
    } catch (...) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while translating with Anthropic.")};
    }
}

/// What one streamed request needs, copied from the provider before the first co_await (the provider may go away).
struct AnthropicProvider::StreamCall {
    QPointer<NetworkPool> pool;
    QNetworkRequest request;
    QByteArray body;
    HttpCallOptions options;
    QString secret;
};

AnthropicProvider::StreamCall AnthropicProvider::streamCall(const EncodedBatch &prompt) const {
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;
    return StreamCall{m_pool, buildRequest(), buildBody(prompt), options, m_config.apiKey};
}

/// Sends one message and reads its stream: message_start (input usage), content_block_delta with text_delta (the
/// answer; thinking_delta and signature_delta are the model's reasoning and stay out), message_delta (output usage),
/// message_stop, and error events.
QCoro::Task<Result<StreamedAnswer>> AnthropicProvider::streamAnswer(StreamCall call, CancelToken cancel,
                                                                    AnswerSink sink) {
    StreamedAnswer answer;
    QString pending; // the answer's pieces in the events of one network read
    bool stopped = false;
    QString streamErrorType;
    QString streamError;
    auto onEvent = [&](const SseEvent &ev) {
        if (const auto fast = scanTextDelta(ev.data)) {
            if (fast->hasText)
                pending += fast->text;
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(ev.data).object();
        const QString type = o.value(QLatin1String("type")).toString(ev.event);
        if (type == QLatin1String("content_block_delta")) {
            const TextDelta delta = parseTextDelta(ev.data); // what the scanner left (rare: odd keys or escapes)
            if (delta.hasText)
                pending += delta.text;
        } else if (type == QLatin1String("message_start")) {
            const QJsonObject usage =
                o.value(QLatin1String("message")).toObject().value(QLatin1String("usage")).toObject();
            answer.inputTokens = usage.value(QLatin1String("input_tokens")).toInteger(-1);
        } else if (type == QLatin1String("message_delta")) {
            const qint64 out =
                o.value(QLatin1String("usage")).toObject().value(QLatin1String("output_tokens")).toInteger(-1);
            if (out >= 0)
                answer.outputTokens = out;
        } else if (type == QLatin1String("message_stop")) {
            stopped = true;
        } else if (type == QLatin1String("error")) {
            const QJsonObject err = o.value(QLatin1String("error")).toObject();
            streamErrorType = err.value(QLatin1String("type")).toString();
            streamError = err.value(QLatin1String("message")).toString();
        }
    };
    auto onRead = [&]() { passOn(pending, answer, sink); };
    const SseCallResult sse =
        co_await sseCall(call.pool, call.request, call.body, cancel, call.options, onEvent, onRead);
    const HttpCallResult &http = sse.http;
    answer.url = http.url;
    if (auto error = errorFromHttp(http, kService, call.secret)) {
        if (http.status == 529)
            error->message = QStringLiteral("Anthropic is overloaded right now (HTTP 529). Try again later.");
        co_return *error;
    }
    if (!streamErrorType.isEmpty()) {
        Error e;
        e.code = streamErrorType == QLatin1String("rate_limit_error")       ? Error::RateLimited
                 : streamErrorType == QLatin1String("authentication_error") ? Error::Auth
                                                                            : Error::Service;
        e.httpStatus = streamErrorType == QLatin1String("overloaded_error") ? 529 : 0;
        e.message = QStringLiteral("Anthropic reported an error mid-answer (%1): %2")
                        .arg(streamErrorType, redactSecret(streamError, call.secret));
        co_return e;
    }
    if (!stopped)
        co_return Error{Error::Network, QStringLiteral("The connection to %1 dropped mid-answer: the stream ended "
                                                       "before the answer was complete. Try again.")
                                            .arg(hostOf(http.url))};
    co_return answer;
}

QCoro::Task<Result<TranslationBatchResult>> AnthropicProvider::translateBatch(TranslationRequest request,
                                                                              PartialSink sink, CancelToken cancel) {
    // streamCall() copies the provider's settings before the first co_await: `this` may be gone by then. The task is
    // named before it is awaited (GCC 12 destroys temporaries of a co_await expression twice).
    StreamCallFn stream = [this, cancel](const EncodedBatch &batch, AnswerSink pieces) {
        return streamAnswer(streamCall(batch), cancel, std::move(pieces));
    };
    const auto task = translateStreamed(std::move(request), std::move(sink), m_config.apiKey, std::move(stream));
    co_return co_await task;
}

QCoro::Task<Result<Completion>> AnthropicProvider::complete(QString system, QString user, CompletionSink sink,
                                                            CancelToken cancel) {
    try {
        co_return co_await completeText(std::move(system), std::move(user), std::move(sink), std::move(cancel));
    } catch (...) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while asking Anthropic.")};
    }
}

QCoro::Task<Result<Completion>> AnthropicProvider::completeText(QString system, QString user, CompletionSink sink,
                                                                CancelToken cancel) {
    StreamCallFn stream = [this, cancel](const EncodedBatch &prompt, AnswerSink pieces) {
        return streamAnswer(streamCall(prompt), cancel, std::move(pieces));
    };
    const auto task = completeStreamed(std::move(system), std::move(user), std::move(sink), std::move(stream));
    co_return co_await task;
}

} // namespace overtext
