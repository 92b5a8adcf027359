#include "translate/anthropicprovider.h"

#include "translate/batchcodec.h"
#include "translate/httpcall.h"
#include "translate/sseparser.h"

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

QCoro::Task<Result<TranslationBatchResult>> AnthropicProvider::translateBatch(TranslationRequest request,
                                                                              PartialSink sink, CancelToken cancel) {
    if (request.units.isEmpty())
        co_return TranslationBatchResult{}; // nothing to send
    // Copies of all the provider's state: `this` is not touched after the first co_await.
    const EncodedBatch batch = BatchCodec::encode(request);
    const QString secret = m_config.apiKey;
    const QNetworkRequest netRequest = buildRequest();
    const QByteArray body = buildBody(batch);
    const QPointer<NetworkPool> pool = m_pool;
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;

    SseParser sse;
    StreamingAnswerParser answer(batch);
    bool stopped = false;
    QString streamErrorType;
    QString streamError;
    qint64 inputTokens = -1;
    qint64 outputTokens = -1;
    auto onEvent = [&](const SseEvent &ev) {
        const QJsonObject o = QJsonDocument::fromJson(ev.data.toUtf8()).object();
        const QString type = o.value(QLatin1String("type")).toString(ev.event);
        if (type == QLatin1String("message_start")) {
            const QJsonObject usage =
                o.value(QLatin1String("message")).toObject().value(QLatin1String("usage")).toObject();
            inputTokens = usage.value(QLatin1String("input_tokens")).toInteger(-1);
        } else if (type == QLatin1String("content_block_delta")) {
            const QJsonObject delta = o.value(QLatin1String("delta")).toObject();
            // thinking_delta / signature_delta are the model's reasoning: never part of a translation.
            if (delta.value(QLatin1String("type")).toString() == QLatin1String("text_delta")) {
                for (const auto &u : answer.feed(delta.value(QLatin1String("text")).toString()))
                    if (sink)
                        sink(u.id, u.textSoFar);
            }
        } else if (type == QLatin1String("message_delta")) {
            const qint64 out =
                o.value(QLatin1String("usage")).toObject().value(QLatin1String("output_tokens")).toInteger(-1);
            if (out >= 0)
                outputTokens = out;
        } else if (type == QLatin1String("message_stop")) {
            stopped = true;
        } else if (type == QLatin1String("error")) {
            const QJsonObject err = o.value(QLatin1String("error")).toObject();
            streamErrorType = err.value(QLatin1String("type")).toString();
            streamError = err.value(QLatin1String("message")).toString();
        }
    };
    auto onChunk = [&](const QByteArray &bytes) {
        for (const SseEvent &ev : sse.feed(bytes))
            onEvent(ev);
    };
    const HttpCallResult http = co_await httpCall(pool, netRequest, body, cancel, options, onChunk);
    for (const SseEvent &ev : sse.finish())
        onEvent(ev);

    if (auto error = errorFromHttp(http, kService, secret)) {
        if (http.status == 529)
            error->message = QStringLiteral("Anthropic is overloaded right now (HTTP 529). Overtext will try again.");
        co_return *error;
    }
    if (!streamErrorType.isEmpty()) {
        Error e;
        e.code = streamErrorType == QLatin1String("rate_limit_error")       ? Error::RateLimited
                 : streamErrorType == QLatin1String("authentication_error") ? Error::Auth
                                                                            : Error::Service;
        e.httpStatus = streamErrorType == QLatin1String("overloaded_error") ? 529 : 0;
        e.message = QStringLiteral("Anthropic reported an error mid-answer (%1): %2")
                        .arg(streamErrorType, redactSecret(streamError, secret));
        co_return e;
    }
    if (!stopped)
        co_return Error{Error::Network, QStringLiteral("The connection to %1 dropped mid-answer: the stream ended "
                                                       "before the answer was complete. Try again.")
                                            .arg(hostOf(http.url))};
    const DecodedBatch decoded = BatchCodec::decode(batch, answer.text());
    if (decoded.translations.isEmpty() && !decoded.foundJson && !batch.ids.isEmpty()) {
        QString said = stripThinkBlocks(answer.text()).simplified();
        if (said.size() > 200)
            said = said.left(200) + QStringLiteral("…");
        co_return Error{Error::Parse, QStringLiteral("The model did not answer with the JSON Overtext asked for; it "
                                                     "said: \"%1\". Try again or choose another model.")
                                          .arg(redactSecret(said, secret))};
    }
    TranslationBatchResult result;
    result.translations = decoded.translations;
    result.suspiciousIds = decoded.suspiciousIds;
    result.inputTokens =
        inputTokens >= 0 ? inputTokens : estimateTokens(batch.systemPrompt.size() + batch.userMessage.size());
    result.outputTokens = outputTokens >= 0 ? outputTokens : estimateTokens(answer.text().size());
    co_return result;
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
    // The translation body builder serves as is: a batch is only a system prompt and a user message on the wire.
    EncodedBatch prompt;
    prompt.systemPrompt = system;
    prompt.userMessage = user;
    const QString secret = m_config.apiKey;
    const QNetworkRequest netRequest = buildRequest();
    const QByteArray body = buildBody(prompt);
    const QPointer<NetworkPool> pool = m_pool;
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;

    SseParser sse;
    QString raw;
    QString shown;
    bool stopped = false;
    QString streamErrorType;
    QString streamError;
    qint64 inputTokens = -1;
    qint64 outputTokens = -1;
    auto onEvent = [&](const SseEvent &ev) {
        const QJsonObject o = QJsonDocument::fromJson(ev.data.toUtf8()).object();
        const QString type = o.value(QLatin1String("type")).toString(ev.event);
        if (type == QLatin1String("message_start")) {
            const QJsonObject usage =
                o.value(QLatin1String("message")).toObject().value(QLatin1String("usage")).toObject();
            inputTokens = usage.value(QLatin1String("input_tokens")).toInteger(-1);
        } else if (type == QLatin1String("content_block_delta")) {
            const QJsonObject delta = o.value(QLatin1String("delta")).toObject();
            // thinking_delta / signature_delta are the model's reasoning: never part of the answer.
            if (delta.value(QLatin1String("type")).toString() == QLatin1String("text_delta")) {
                raw += delta.value(QLatin1String("text")).toString();
                const QString visible = visibleAnswerSoFar(raw);
                if (visible != shown) {
                    shown = visible;
                    if (sink)
                        sink(shown);
                }
            }
        } else if (type == QLatin1String("message_delta")) {
            const qint64 out =
                o.value(QLatin1String("usage")).toObject().value(QLatin1String("output_tokens")).toInteger(-1);
            if (out >= 0)
                outputTokens = out;
        } else if (type == QLatin1String("message_stop")) {
            stopped = true;
        } else if (type == QLatin1String("error")) {
            const QJsonObject err = o.value(QLatin1String("error")).toObject();
            streamErrorType = err.value(QLatin1String("type")).toString();
            streamError = err.value(QLatin1String("message")).toString();
        }
    };
    auto onChunk = [&](const QByteArray &bytes) {
        for (const SseEvent &ev : sse.feed(bytes))
            onEvent(ev);
    };
    const HttpCallResult http = co_await httpCall(pool, netRequest, body, cancel, options, onChunk);
    for (const SseEvent &ev : sse.finish())
        onEvent(ev);

    if (auto error = errorFromHttp(http, kService, secret)) {
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
                        .arg(streamErrorType, redactSecret(streamError, secret));
        co_return e;
    }
    if (!stopped)
        co_return Error{Error::Network, QStringLiteral("The connection to %1 dropped mid-answer: the stream ended "
                                                       "before the answer was complete. Try again.")
                                            .arg(hostOf(http.url))};
    Completion result;
    result.text = stripThinkBlocks(raw).trimmed();
    result.inputTokens = inputTokens >= 0 ? inputTokens : estimateTokens(system.size() + user.size());
    result.outputTokens = outputTokens >= 0 ? outputTokens : estimateTokens(raw.size());
    co_return result;
}

} // namespace overtext
