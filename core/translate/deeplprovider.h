#pragma once

#include "translate/networkpool.h"
#include "translate/provider.h"

#include <QPointer>
#include <QUrl>

namespace overtext {

/// Settings of the DeepL API v2.
struct DeepLConfig {
    QString apiKey;          ///< "…:fx" keys belong to the free API
    QUrl baseUrl;            ///< empty: https://api-free.deepl.com for ":fx" keys, https://api.deepl.com otherwise
    QString glossaryId;      ///< a DeepL glossary made beforehand (needs a source language)
    QString formality;       ///< "", "more", "less", "prefer_more", "prefer_less"
    bool sendContext = true; ///< send the request's context and title as DeepL's `context` (not translated, not billed)
    int transferTimeoutMs = 60000;
    int totalTimeoutMs = 180000;
    int batchBudgetChars = 20000;
};

/**
 * Provider for DeepL's `/v2/translate`. All units travel in one request (`text` array); DeepL does not stream, so the
 * sink gets each unit's whole translation once, when the answer arrives. URLs, placeholders and math are protected
 * with BatchCodec tokens like for LLMs. Same threading and lifetime contract as OpenAiProvider.
 */
class DeepLProvider : public Provider {
    Q_OBJECT
public:
    explicit DeepLProvider(DeepLConfig config, NetworkPool *pool = nullptr, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("deepl"); }
    QString cacheIdentity() const override;
    int batchBudgetChars() const override { return m_config.batchBudgetChars; }
    QCoro::Task<Result<TranslationBatchResult>> translate(TranslationRequest request, PartialSink sink,
                                                          CancelToken cancel) override;

    QUrl endpointUrl() const;
    /// DeepL's target_lang for a BCP-47-ish code: "en" → "EN-US", "en-GB" → "EN-GB", "pt" → "PT-PT",
    /// "pt-BR" → "PT-BR", "zh"/"zh-Hans"/"zh-CN" → "ZH-HANS", "zh-Hant"/"zh-TW" → "ZH-HANT", "no" → "NB", else upper.
    static QString targetLangCode(const QString &code);
    /// DeepL's source_lang: the base language in upper case ("en-GB" → "EN", "no" → "NB"); empty stays empty.
    static QString sourceLangCode(const QString &code);

private:
    QCoro::Task<Result<TranslationBatchResult>> translateBatch(TranslationRequest request, PartialSink sink,
                                                               CancelToken cancel);
    DeepLConfig m_config;
    QPointer<NetworkPool> m_pool;
};

} // namespace overtext
