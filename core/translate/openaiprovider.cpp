#include "translate/openaiprovider.h"

#include "translate/batchcodec.h"
#include "translate/httpcall.h"
#include "translate/sseparser.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace overtext {

namespace {

const QString kService = QStringLiteral("The OpenAI-compatible server");

} // namespace

OpenAiProvider::OpenAiProvider(OpenAiConfig config, NetworkPool *pool, QObject *parent)
    : Provider(parent)
    , m_config(std::move(config))
    , m_pool(pool ? pool : new NetworkPool(this)) {}

QString OpenAiProvider::cacheIdentity() const {
    return QStringLiteral("openai|") + (isAzure() ? QStringLiteral("azure|") : QString()) + m_config.baseUrl.host() +
           QLatin1Char('|') + m_config.model;
}

bool OpenAiProvider::isAzure() const {
    switch (m_config.azure) {
    case OpenAiConfig::Azure::On:
        return true;
    case OpenAiConfig::Azure::Off:
        return false;
    case OpenAiConfig::Azure::Auto:
        break;
    }
    const QString host = m_config.baseUrl.host().toLower();
    return host.endsWith(QLatin1String(".openai.azure.com")) ||
           host.endsWith(QLatin1String(".cognitiveservices.azure.com"));
}

QUrl OpenAiProvider::endpointUrl() const {
    QUrl url = m_config.baseUrl;
    if (isAzure()) {
        const QString deployment = m_config.azureDeployment.isEmpty() ? m_config.model : m_config.azureDeployment;
        url.setPath(QStringLiteral("/openai/deployments/") + QString::fromLatin1(QUrl::toPercentEncoding(deployment)) +
                    QStringLiteral("/chat/completions"));
        url.setQuery(QStringLiteral("api-version=") + m_config.azureApiVersion);
        return url;
    }
    QString path = url.path();
    if (!path.endsWith(QLatin1String("/chat/completions"))) {
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        path += QStringLiteral("/chat/completions");
    }
    url.setPath(path);
    return url;
}

QNetworkRequest OpenAiProvider::buildRequest() const {
    QNetworkRequest req(endpointUrl());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    if (!m_config.apiKey.isEmpty()) {
        if (isAzure())
            req.setRawHeader("api-key", m_config.apiKey.toUtf8());
        else
            req.setRawHeader("Authorization", "Bearer " + m_config.apiKey.toUtf8());
    }
    return req;
}

QByteArray OpenAiProvider::buildBody(const EncodedBatch &batch, bool includeUsage) const {
    QJsonObject body = m_config.extraBody;
    body.insert(QStringLiteral("model"), m_config.model);
    body.insert(QStringLiteral("stream"), true);
    if (includeUsage)
        body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
    if (m_config.temperature)
        body.insert(QStringLiteral("temperature"), *m_config.temperature);
    if (m_config.maxOutputTokens > 0)
        body.insert(QStringLiteral("max_tokens"), m_config.maxOutputTokens);
    body.insert(QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                                                   {QStringLiteral("content"), batch.systemPrompt}},
                                                       QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                   {QStringLiteral("content"), batch.userMessage}}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QCoro::Task<Result<TranslationBatchResult>> OpenAiProvider::translate(TranslationRequest request, PartialSink sink,
                                                                      CancelToken cancel) {
    const QString secret = m_config.apiKey; // `this` may be gone when an exception arrives
    try {
        co_return co_await translateBatch(std::move(request), std::move(sink), std::move(cancel));
    } catch (const std::exception &e) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while translating: %1")
                                             .arg(redactSecret(QString::fromUtf8(e.what()), secret))};
    } catch (...) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while translating.")};
    }
}

QCoro::Task<Result<TranslationBatchResult>> OpenAiProvider::translateBatch(TranslationRequest request, PartialSink sink,
                                                                           CancelToken cancel) {
    if (request.units.isEmpty())
        co_return TranslationBatchResult{}; // nothing to send
    // Everything the coroutine needs after its first co_await is copied now: `this` may be gone by then.
    const EncodedBatch batch = BatchCodec::encode(request);
    const QString secret = m_config.apiKey;
    const QNetworkRequest netRequest = buildRequest();
    const QByteArray bodyWithUsage = buildBody(batch, true);
    const QByteArray bodyWithoutUsage = buildBody(batch, false);
    const QPointer<NetworkPool> pool = m_pool;
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;
    bool includeUsage = m_config.includeUsage;

    for (int attempt = 0; attempt < 2; ++attempt) {
        SseParser sse;
        StreamingAnswerParser answer(batch);
        bool done = false;
        QString streamError;
        qint64 inputTokens = -1;
        qint64 outputTokens = -1;
        auto onEvent = [&](const SseEvent &ev) {
            const QString data = ev.data.trimmed();
            if (data == QLatin1String("[DONE]")) {
                done = true;
                return;
            }
            const QJsonObject o = QJsonDocument::fromJson(data.toUtf8()).object();
            if (o.value(QLatin1String("error")).isObject() || o.value(QLatin1String("error")).isString()) {
                streamError = serverMessage(data.toUtf8());
                return;
            }
            const QJsonObject usage = o.value(QLatin1String("usage")).toObject();
            if (!usage.isEmpty()) {
                inputTokens = usage.value(QLatin1String("prompt_tokens")).toInteger(-1);
                outputTokens = usage.value(QLatin1String("completion_tokens")).toInteger(-1);
            }
            const QJsonObject choice = o.value(QLatin1String("choices")).toArray().first().toObject();
            // Only delta.content is the answer; reasoning_content / reasoning are the model's thoughts.
            const QJsonValue content = choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content"));
            if (content.isString() && !content.toString().isEmpty()) {
                for (const auto &u : answer.feed(content.toString()))
                    if (sink)
                        sink(u.id, u.textSoFar);
            }
            const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
            if (finish.isString() && !finish.toString().isEmpty())
                done = true;
        };
        // A server (or proxy) that ignores stream:true answers one JSON completion: keep the first bytes to read it.
        QByteArray unstreamed;
        bool sawEvent = false;
        auto onChunk = [&](const QByteArray &bytes) {
            if (!sawEvent && unstreamed.size() < 8 * 1024 * 1024)
                unstreamed += bytes;
            for (const SseEvent &ev : sse.feed(bytes)) {
                sawEvent = true;
                onEvent(ev);
            }
        };
        const HttpCallResult http = co_await httpCall(pool, netRequest, includeUsage ? bodyWithUsage : bodyWithoutUsage,
                                                      cancel, options, onChunk);
        for (const SseEvent &ev : sse.finish()) {
            sawEvent = true;
            onEvent(ev);
        }
        if (!sawEvent && http.status >= 200 && http.status < 300) {
            const QJsonObject completion = QJsonDocument::fromJson(unstreamed).object();
            const QJsonValue content = completion.value(QLatin1String("choices"))
                                           .toArray()
                                           .first()
                                           .toObject()
                                           .value(QLatin1String("message"))
                                           .toObject()
                                           .value(QLatin1String("content"));
            if (content.isString()) {
                for (const auto &u : answer.feed(content.toString()))
                    if (sink)
                        sink(u.id, u.textSoFar);
                const QJsonObject usage = completion.value(QLatin1String("usage")).toObject();
                inputTokens = usage.value(QLatin1String("prompt_tokens")).toInteger(-1);
                outputTokens = usage.value(QLatin1String("completion_tokens")).toInteger(-1);
                done = true;
            }
        }

        if (auto error = errorFromHttp(http, kService, secret)) {
            // Some servers reject the stream_options field: ask once more without it.
            if (includeUsage && http.status == 400 && http.body.contains("stream_options")) {
                includeUsage = false;
                continue;
            }
            if (error->code == Error::Service && (http.status == 400 || http.status == 404 || http.status == 422))
                error->message += QStringLiteral(" Check the model name and the base URL in the settings.");
            co_return *error;
        }
        if (!streamError.isEmpty())
            co_return Error{Error::Service, QStringLiteral("%1 (%2) reported an error mid-answer: %3")
                                                .arg(kService, hostOf(http.url), redactSecret(streamError, secret))};
        if (!done)
            co_return Error{Error::Network,
                            QStringLiteral("The connection to %1 dropped mid-answer: the stream ended before the "
                                           "answer was complete. Try again.")
                                .arg(hostOf(http.url))};
        const DecodedBatch decoded = BatchCodec::decode(batch, answer.text());
        if (decoded.translations.isEmpty() && !decoded.foundJson && !batch.ids.isEmpty()) {
            QString said = stripThinkBlocks(answer.text()).simplified();
            if (said.size() > 200)
                said = said.left(200) + QStringLiteral("…");
            co_return Error{Error::Parse, QStringLiteral("The model did not answer with the JSON Overtext asked for; "
                                                         "it said: \"%1\". Try again or choose another model.")
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
    co_return Error{Error::Internal, QStringLiteral("The request could not be sent.")};
}

QCoro::Task<Result<Completion>> OpenAiProvider::complete(QString system, QString user, CompletionSink sink,
                                                         CancelToken cancel) {
    const QString secret = m_config.apiKey;
    try {
        co_return co_await completeText(std::move(system), std::move(user), std::move(sink), std::move(cancel));
    } catch (...) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while asking %1.").arg(kService)};
    }
}

QCoro::Task<Result<Completion>> OpenAiProvider::completeText(QString system, QString user, CompletionSink sink,
                                                             CancelToken cancel) {
    // The translation body builder serves as is: a batch is only a system prompt and a user message on the wire.
    EncodedBatch prompt;
    prompt.systemPrompt = system;
    prompt.userMessage = user;
    const QString secret = m_config.apiKey;
    const QNetworkRequest netRequest = buildRequest();
    const QByteArray bodyWithUsage = buildBody(prompt, true);
    const QByteArray bodyWithoutUsage = buildBody(prompt, false);
    const QPointer<NetworkPool> pool = m_pool;
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;
    bool includeUsage = m_config.includeUsage;

    for (int attempt = 0; attempt < 2; ++attempt) {
        SseParser sse;
        QString raw;
        QString shown;
        bool done = false;
        QString streamError;
        qint64 inputTokens = -1;
        qint64 outputTokens = -1;
        auto append = [&](const QString &piece) {
            raw += piece;
            const QString visible = visibleAnswerSoFar(raw);
            if (visible != shown) {
                shown = visible;
                if (sink)
                    sink(shown);
            }
        };
        auto onEvent = [&](const SseEvent &ev) {
            const QString data = ev.data.trimmed();
            if (data == QLatin1String("[DONE]")) {
                done = true;
                return;
            }
            const QJsonObject o = QJsonDocument::fromJson(data.toUtf8()).object();
            if (o.value(QLatin1String("error")).isObject() || o.value(QLatin1String("error")).isString()) {
                streamError = serverMessage(data.toUtf8());
                return;
            }
            const QJsonObject usage = o.value(QLatin1String("usage")).toObject();
            if (!usage.isEmpty()) {
                inputTokens = usage.value(QLatin1String("prompt_tokens")).toInteger(-1);
                outputTokens = usage.value(QLatin1String("completion_tokens")).toInteger(-1);
            }
            const QJsonObject choice = o.value(QLatin1String("choices")).toArray().first().toObject();
            // Only delta.content is the answer; reasoning_content / reasoning are the model's thoughts.
            const QJsonValue content = choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content"));
            if (content.isString() && !content.toString().isEmpty())
                append(content.toString());
            const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
            if (finish.isString() && !finish.toString().isEmpty())
                done = true;
        };
        QByteArray unstreamed;
        bool sawEvent = false;
        auto onChunk = [&](const QByteArray &bytes) {
            if (!sawEvent && unstreamed.size() < 8 * 1024 * 1024)
                unstreamed += bytes;
            for (const SseEvent &ev : sse.feed(bytes)) {
                sawEvent = true;
                onEvent(ev);
            }
        };
        const HttpCallResult http = co_await httpCall(pool, netRequest, includeUsage ? bodyWithUsage : bodyWithoutUsage,
                                                      cancel, options, onChunk);
        for (const SseEvent &ev : sse.finish()) {
            sawEvent = true;
            onEvent(ev);
        }
        if (!sawEvent && http.status >= 200 && http.status < 300) {
            const QJsonObject completion = QJsonDocument::fromJson(unstreamed).object();
            const QJsonValue content = completion.value(QLatin1String("choices"))
                                           .toArray()
                                           .first()
                                           .toObject()
                                           .value(QLatin1String("message"))
                                           .toObject()
                                           .value(QLatin1String("content"));
            if (content.isString()) {
                append(content.toString());
                const QJsonObject usage = completion.value(QLatin1String("usage")).toObject();
                inputTokens = usage.value(QLatin1String("prompt_tokens")).toInteger(-1);
                outputTokens = usage.value(QLatin1String("completion_tokens")).toInteger(-1);
                done = true;
            }
        }
        if (auto error = errorFromHttp(http, kService, secret)) {
            if (includeUsage && http.status == 400 && http.body.contains("stream_options")) {
                includeUsage = false;
                continue;
            }
            if (error->code == Error::Service && (http.status == 400 || http.status == 404 || http.status == 422))
                error->message += QStringLiteral(" Check the model name and the base URL in the settings.");
            co_return *error;
        }
        if (!streamError.isEmpty())
            co_return Error{Error::Service, QStringLiteral("%1 (%2) reported an error mid-answer: %3")
                                                .arg(kService, hostOf(http.url), redactSecret(streamError, secret))};
        if (!done)
            co_return Error{Error::Network,
                            QStringLiteral("The connection to %1 dropped mid-answer: the stream ended before the "
                                           "answer was complete. Try again.")
                                .arg(hostOf(http.url))};
        Completion result;
        result.text = stripThinkBlocks(raw).trimmed();
        result.inputTokens = inputTokens >= 0 ? inputTokens : estimateTokens(system.size() + user.size());
        result.outputTokens = outputTokens >= 0 ? outputTokens : estimateTokens(raw.size());
        co_return result;
    }
    co_return Error{Error::Internal, QStringLiteral("The request could not be sent.")};
}

} // namespace overtext
