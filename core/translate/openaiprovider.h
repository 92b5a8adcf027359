#pragma once

#include "translate/networkpool.h"
#include "translate/provider.h"
#include "translate/streamedanswer.h"

#include <QJsonObject>
#include <QNetworkRequest>
#include <QPointer>
#include <QUrl>

#include <optional>

namespace overtext {

/// Settings of an OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI, Ollama, llama.cpp, LM Studio,
/// vLLM, OpenRouter…).
struct OpenAiConfig {
    enum class Azure { Auto, On, Off };
    QUrl baseUrl = QUrl(QStringLiteral("https://api.openai.com/v1")); ///< "/chat/completions" is appended
    QString model;
    QString apiKey;            ///< empty: no Authorization header (local servers)
    Azure azure = Azure::Auto; ///< Auto: Azure for hosts *.openai.azure.com, *.cognitiveservices.azure.com
    QString azureDeployment;   ///< Azure deployment name; empty: the model
    QString azureApiVersion = QStringLiteral("2024-10-21");
    bool includeUsage = true; ///< send stream_options.include_usage (dropped automatically if refused)
    std::optional<double> temperature = 0.2;
    int maxOutputTokens = 0;        ///< 0: let the server decide
    QJsonObject extraBody;          ///< merged into the request body (e.g. {"reasoning_effort": "low"})
    int transferTimeoutMs = 120000; ///< abort after this long without a byte (local models can be slow to start)
    int totalTimeoutMs = 600000;    ///< abort after this long in all
    int batchBudgetChars = 6000;
};

/**
 * Provider for OpenAI-compatible `/chat/completions` with `stream: true`.
 *
 * Packs the units with BatchCodec, streams the answer over SSE, feeds the sink with each unit's text so far, ignores
 * reasoning (`delta.reasoning_content`, `delta.reasoning`, `<think>` blocks) and reads the answer with
 * BatchCodec::decode(). Lives on one thread (the pool's); translate() may run many times concurrently. The provider
 * may be destroyed while requests are in flight (they keep running on copies of the settings); the pool must not.
 */
class OpenAiProvider : public Provider, public ChatModel {
    Q_OBJECT
public:
    /// \a pool: shared pool for all providers of the thread; when null the provider makes its own.
    explicit OpenAiProvider(OpenAiConfig config, NetworkPool *pool = nullptr, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("openai"); }
    QString cacheIdentity() const override;
    bool keepsMarkup() const override { return true; }
    int batchBudgetChars() const override { return m_config.batchBudgetChars; }
    QCoro::Task<Result<TranslationBatchResult>> translate(TranslationRequest request, PartialSink sink,
                                                          CancelToken cancel) override;

    QString chatIdentity() const override { return cacheIdentity(); }
    QString chatModelName() const override { return m_config.model; }
    /// A free-form streamed completion over the same endpoint (see ChatModel).
    QCoro::Task<Result<Completion>> complete(QString system, QString user, CompletionSink sink,
                                             CancelToken cancel) override;

    const OpenAiConfig &config() const { return m_config; }
    /// True when requests go to Azure OpenAI (explicitly, or by the host name).
    bool isAzure() const;
    /// The URL requests go to.
    QUrl endpointUrl() const;
    /// The request with its headers (no body).
    QNetworkRequest buildRequest() const;
    /// The JSON body for \a batch.
    QByteArray buildBody(const EncodedBatch &batch, bool includeUsage) const;

private:
    QCoro::Task<Result<TranslationBatchResult>> translateBatch(TranslationRequest request, PartialSink sink,
                                                               CancelToken cancel);
    QCoro::Task<Result<Completion>> completeText(QString system, QString user, CompletionSink sink, CancelToken cancel);
    struct StreamCall;
    StreamCall streamCall(const EncodedBatch &prompt) const;
    static QCoro::Task<Result<StreamedAnswer>> streamAnswer(StreamCall call, CancelToken cancel, AnswerSink sink);
    OpenAiConfig m_config;
    QPointer<NetworkPool> m_pool;
};

} // namespace overtext
