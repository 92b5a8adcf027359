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

/// Settings of the Anthropic Messages API.
struct AnthropicConfig {
    QUrl baseUrl = QUrl(QStringLiteral("https://api.anthropic.com")); ///< "/v1/messages" is appended
    QString model = QStringLiteral("claude-3-5-haiku-latest");
    QString apiKey;                                    ///< sent as x-api-key
    QString apiVersion = QStringLiteral("2023-06-01"); ///< anthropic-version header
    int maxOutputTokens = 8192;                        ///< max_tokens (required by the API)
    std::optional<double> temperature = 0.2;
    QJsonObject extraBody; ///< merged into the request body
    int transferTimeoutMs = 120000;
    int totalTimeoutMs = 600000;
    int batchBudgetChars = 8000;
};

/**
 * Provider for Anthropic's Messages API (`/v1/messages`, `stream: true`): message_start (input usage),
 * content_block_delta with text_delta (the answer; thinking_delta ignored), message_delta (output usage),
 * message_stop, ping and error events. Same threading and lifetime contract as OpenAiProvider.
 */
class AnthropicProvider : public Provider, public ChatModel {
    Q_OBJECT
public:
    explicit AnthropicProvider(AnthropicConfig config, NetworkPool *pool = nullptr, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("anthropic"); }
    QString cacheIdentity() const override;
    bool keepsMarkup() const override { return true; }
    int batchBudgetChars() const override { return m_config.batchBudgetChars; }
    QCoro::Task<Result<TranslationBatchResult>> translate(TranslationRequest request, PartialSink sink,
                                                          CancelToken cancel) override;

    QString chatIdentity() const override { return cacheIdentity(); }
    QString chatModelName() const override { return m_config.model; }
    /// A free-form streamed completion over the same endpoint (see ChatModel); thinking blocks are dropped.
    QCoro::Task<Result<Completion>> complete(QString system, QString user, CompletionSink sink,
                                             CancelToken cancel) override;

    QUrl endpointUrl() const;
    QNetworkRequest buildRequest() const;
    QByteArray buildBody(const EncodedBatch &batch) const;

private:
    QCoro::Task<Result<TranslationBatchResult>> translateBatch(TranslationRequest request, PartialSink sink,
                                                               CancelToken cancel);
    QCoro::Task<Result<Completion>> completeText(QString system, QString user, CompletionSink sink, CancelToken cancel);
    struct StreamCall;
    StreamCall streamCall(const EncodedBatch &prompt) const;
    static QCoro::Task<Result<StreamedAnswer>> streamAnswer(StreamCall call, CancelToken cancel, AnswerSink sink);
    AnthropicConfig m_config;
    QPointer<NetworkPool> m_pool;
};

} // namespace overtext
