#include "translate/openaiprovider.h"

#include "translate/streamevents.h"

#include "translate/batchcodec.h"
#include "translate/httpcall.h"
#include "translate/streamedanswer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace overtext {

namespace {

const QString kService = QStringLiteral("The OpenAI-compatible server");

} // namespace

/// What one streamed request needs, copied from the provider before the first co_await (the provider may go away).
struct OpenAiProvider::StreamCall {
    QPointer<NetworkPool> pool;
    QNetworkRequest request;
    QByteArray bodyWithUsage;
    QByteArray bodyWithoutUsage;
    bool includeUsage = true;
    HttpCallOptions options;
    QString secret;
};

/// Sends one chat completion and reads its answer: delta.content of each chunk (reasoning_content / reasoning are the
/// model's thoughts and stay out), usage, finish_reason / [DONE], error events, and the one JSON completion of a
/// server that ignores stream:true. Asks once more without stream_options when the server refuses that field.
QCoro::Task<Result<StreamedAnswer>> OpenAiProvider::streamAnswer(StreamCall call, CancelToken cancel, AnswerSink sink) {
    bool includeUsage = call.includeUsage;
    for (int attempt = 0; attempt < 2; ++attempt) {
        StreamedAnswer answer;
        QString pending; // the answer's pieces in the events of one network read
        bool done = false;
        QString streamError;
        auto readUsage = [&answer](const QJsonObject &usage) {
            answer.inputTokens = usage.value(QLatin1String("prompt_tokens")).toInteger(-1);
            answer.outputTokens = usage.value(QLatin1String("completion_tokens")).toInteger(-1);
        };
        auto onEvent = [&](const SseEvent &ev) {
            const QByteArray data = ev.data.trimmed();
            if (data == "[DONE]") {
                done = true;
                return;
            }
            const ChatChunk chunk = readChatChunk(data);
            if (chunk.error) {
                streamError = serverMessage(data);
                return;
            }
            if (chunk.hasUsage) {
                answer.inputTokens = chunk.promptTokens;
                answer.outputTokens = chunk.completionTokens;
            }
            if (chunk.hasContent)
                pending += chunk.content;
            if (chunk.finished)
                done = true;
        };
        auto onRead = [&]() { passOn(pending, answer, sink); };
        const SseCallResult sse =
            co_await sseCall(call.pool, call.request, includeUsage ? call.bodyWithUsage : call.bodyWithoutUsage, cancel,
                             call.options, onEvent, onRead);
        const HttpCallResult &http = sse.http;
        answer.url = http.url;
        if (!sse.sawEvent && http.status >= 200 && http.status < 300) {
            const QJsonObject completion = QJsonDocument::fromJson(sse.unstreamed).object();
            const QJsonValue content = completion.value(QLatin1String("choices"))
                                           .toArray()
                                           .first()
                                           .toObject()
                                           .value(QLatin1String("message"))
                                           .toObject()
                                           .value(QLatin1String("content"));
            if (content.isString()) {
                pending = content.toString();
                onRead();
                readUsage(completion.value(QLatin1String("usage")).toObject());
                done = true;
            }
        }
        if (auto error = errorFromHttp(http, kService, call.secret)) {
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
            co_return Error{Error::Service,
                            QStringLiteral("%1 (%2) reported an error mid-answer: %3")
                                .arg(kService, hostOf(http.url), redactSecret(streamError, call.secret))};
        if (!done)
            co_return Error{Error::Network,
                            QStringLiteral("The connection to %1 dropped mid-answer: the stream ended before the "
                                           "answer was complete. Try again.")
                                .arg(hostOf(http.url))};
        co_return answer;
    }
    co_return Error{Error::Internal, QStringLiteral("The request could not be sent.")};
}

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
    // Written out directly rather than through QJsonObject, which copies and sorts: this runs twice per request, and
    // a batch starts up to 64 of them in one turn of the event loop. Overtext's own keys win over extraBody's.
    auto string = [](const QString &s) { return BatchCodec::jsonString(s).toUtf8(); };
    QByteArray out;
    out.reserve(256 + 3 * (batch.systemPrompt.size() + batch.userMessage.size()));
    out += "{\"model\":" + string(m_config.model) + ",\"stream\":true";
    if (includeUsage)
        out += ",\"stream_options\":{\"include_usage\":true}";
    if (m_config.temperature)
        out += ",\"temperature\":" + QByteArray::number(*m_config.temperature, 'g', QLocale::FloatingPointShortest);
    if (m_config.maxOutputTokens > 0)
        out += ",\"max_tokens\":" + QByteArray::number(m_config.maxOutputTokens);
    out += ",\"messages\":[{\"role\":\"system\",\"content\":" + string(batch.systemPrompt) +
           "},{\"role\":\"user\",\"content\":" + string(batch.userMessage) + "}]";
    static const QStringList ours = {QStringLiteral("model"),          QStringLiteral("stream"),
                                     QStringLiteral("stream_options"), QStringLiteral("temperature"),
                                     QStringLiteral("max_tokens"),     QStringLiteral("messages")};
    for (auto it = m_config.extraBody.begin(); it != m_config.extraBody.end(); ++it) {
        if (ours.contains(it.key()))
            continue;
        const QByteArray value = QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact);
        out += ',' + string(it.key()) + ':' + value.mid(1, value.size() - 2);
    }
    out += '}';
    return out;
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

OpenAiProvider::StreamCall OpenAiProvider::streamCall(const EncodedBatch &prompt) const {
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;
    return StreamCall{m_pool,  buildRequest(), buildBody(prompt, true), buildBody(prompt, false), m_config.includeUsage,
                      options, m_config.apiKey};
}

QCoro::Task<Result<TranslationBatchResult>> OpenAiProvider::translateBatch(TranslationRequest request, PartialSink sink,
                                                                           CancelToken cancel) {
    // streamCall() copies the provider's settings before the first co_await: `this` may be gone by then. The task is
    // named before it is awaited (GCC 12 destroys temporaries of a co_await expression twice).
    StreamCallFn stream = [this, cancel](const EncodedBatch &batch, AnswerSink pieces) {
        return streamAnswer(streamCall(batch), cancel, std::move(pieces));
    };
    const auto task = translateStreamed(std::move(request), std::move(sink), m_config.apiKey, std::move(stream));
    co_return co_await task;
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
    StreamCallFn stream = [this, cancel](const EncodedBatch &prompt, AnswerSink pieces) {
        return streamAnswer(streamCall(prompt), cancel, std::move(pieces));
    };
    const auto task = completeStreamed(std::move(system), std::move(user), std::move(sink), std::move(stream));
    co_return co_await task;
}

} // namespace overtext
