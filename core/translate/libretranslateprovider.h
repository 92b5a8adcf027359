#pragma once

#include "translate/networkpool.h"
#include "translate/provider.h"

#include <QPointer>
#include <QUrl>

namespace overtext {

/// Settings of a LibreTranslate server.
struct LibreTranslateConfig {
    QUrl baseUrl = QUrl(QStringLiteral("http://localhost:5000")); ///< "/translate" is appended
    QString apiKey;                                               ///< sent as api_key in the body when set
    int transferTimeoutMs = 120000;
    int totalTimeoutMs = 300000;
    int batchBudgetChars = 5000;
};

/**
 * Provider for LibreTranslate's `/translate` (`q` as an array, `format: text`, `source` "auto" when unknown).
 * No streaming: the sink gets each whole translation once. Same threading and lifetime contract as OpenAiProvider.
 */
class LibreTranslateProvider : public Provider {
    Q_OBJECT
public:
    explicit LibreTranslateProvider(LibreTranslateConfig config, NetworkPool *pool = nullptr,
                                    QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("libretranslate"); }
    QString cacheIdentity() const override;
    int batchBudgetChars() const override { return m_config.batchBudgetChars; }
    QCoro::Task<Result<TranslationBatchResult>> translate(TranslationRequest request, PartialSink sink,
                                                          CancelToken cancel) override;

    QUrl endpointUrl() const;
    /// LibreTranslate's code for a BCP-47-ish code: the base language in lower case, "zh-Hant"/"zh-TW" → "zt",
    /// "pt-BR" → "pb"; empty → "auto".
    static QString langCode(const QString &code);

private:
    QCoro::Task<Result<TranslationBatchResult>> translateBatch(TranslationRequest request, PartialSink sink,
                                                               CancelToken cancel);
    LibreTranslateConfig m_config;
    QPointer<NetworkPool> m_pool;
};

} // namespace overtext
