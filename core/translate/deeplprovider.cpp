#include "translate/deeplprovider.h"

#include "translate/batchcodec.h"
#include "translate/httpcall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace overtext {

DeepLProvider::DeepLProvider(DeepLConfig config, NetworkPool *pool, QObject *parent)
    : Provider(parent)
    , m_config(std::move(config))
    , m_pool(pool ? pool : new NetworkPool(this)) {}

QString DeepLProvider::cacheIdentity() const {
    return QStringLiteral("deepl|") + m_config.formality + QLatin1Char('|') + m_config.glossaryId;
}

QUrl DeepLProvider::endpointUrl() const {
    QUrl url = m_config.baseUrl;
    if (url.isEmpty())
        url = QUrl(m_config.apiKey.endsWith(QLatin1String(":fx")) ? QStringLiteral("https://api-free.deepl.com")
                                                                  : QStringLiteral("https://api.deepl.com"));
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/v2/translate")))
        path += QStringLiteral("/v2/translate");
    url.setPath(path);
    return url;
}

QString DeepLProvider::sourceLangCode(const QString &code) {
    const QString base = code.section(QLatin1Char('-'), 0, 0).section(QLatin1Char('_'), 0, 0).toUpper();
    if (base == QLatin1String("NO") || base == QLatin1String("NN"))
        return QStringLiteral("NB");
    return base;
}

QString DeepLProvider::targetLangCode(const QString &code) {
    const QString norm = QString(code).replace(QLatin1Char('_'), QLatin1Char('-')).toUpper();
    const QString base = sourceLangCode(code);
    const QString rest = norm.section(QLatin1Char('-'), 1);
    if (base == QLatin1String("EN")) {
        static const QStringList british{QStringLiteral("GB"), QStringLiteral("UK"), QStringLiteral("AU"),
                                         QStringLiteral("NZ"), QStringLiteral("IE"), QStringLiteral("ZA"),
                                         QStringLiteral("IN")};
        return british.contains(rest) ? QStringLiteral("EN-GB") : QStringLiteral("EN-US");
    }
    if (base == QLatin1String("PT"))
        return rest == QLatin1String("BR") ? QStringLiteral("PT-BR") : QStringLiteral("PT-PT");
    if (base == QLatin1String("ZH")) {
        const bool traditional = rest.contains(QLatin1String("HANT")) || rest == QLatin1String("TW") ||
                                 rest == QLatin1String("HK") || rest == QLatin1String("MO");
        return traditional ? QStringLiteral("ZH-HANT") : QStringLiteral("ZH-HANS");
    }
    return base;
}

QCoro::Task<Result<TranslationBatchResult>> DeepLProvider::translate(TranslationRequest request, PartialSink sink,
                                                                     CancelToken cancel) {
    try {
        co_return co_await translateBatch(std::move(request), std::move(sink), std::move(cancel));
    } catch (...) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while translating with DeepL.")};
    }
}

QCoro::Task<Result<TranslationBatchResult>> DeepLProvider::translateBatch(TranslationRequest request, PartialSink sink,
                                                                          CancelToken cancel) {
    if (request.units.isEmpty())
        co_return TranslationBatchResult{}; // nothing to send
    const QString secret = m_config.apiKey;
    const QPointer<NetworkPool> pool = m_pool;
    QList<ProtectedText> protectedTexts;
    QJsonArray texts;
    qsizetype sourceChars = 0;
    for (const TranslationUnit &u : request.units) {
        protectedTexts.append(protectSpans(u.text));
        texts.append(protectedTexts.last().text);
        sourceChars += u.text.size();
    }
    QJsonObject body{{QStringLiteral("text"), texts},
                     {QStringLiteral("target_lang"), targetLangCode(request.targetLang)}};
    if (!request.sourceLang.isEmpty())
        body.insert(QStringLiteral("source_lang"), sourceLangCode(request.sourceLang));
    if (!m_config.glossaryId.isEmpty() && !request.sourceLang.isEmpty())
        body.insert(QStringLiteral("glossary_id"), m_config.glossaryId);
    if (!m_config.formality.isEmpty())
        body.insert(QStringLiteral("formality"), m_config.formality);
    const QString context = QString(request.documentTitle + QLatin1Char('\n') + request.context).trimmed();
    if (m_config.sendContext && !context.isEmpty())
        body.insert(QStringLiteral("context"), context);
    QNetworkRequest netRequest(endpointUrl());
    netRequest.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!secret.isEmpty())
        netRequest.setRawHeader("Authorization", "DeepL-Auth-Key " + secret.toUtf8());
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;

    const HttpCallResult http = co_await httpCall(pool, netRequest, QJsonDocument(body).toJson(QJsonDocument::Compact),
                                                  cancel, options, nullptr);
    if (auto error = errorFromHttp(http, QStringLiteral("DeepL"), secret)) {
        if (http.status == 456)
            error->message = QStringLiteral("Your DeepL character quota for this billing period is used up (HTTP "
                                            "456). Upgrade the plan or wait for the next period.");
        else if (http.status == 403)
            error->message = QStringLiteral("The API key was rejected by DeepL (HTTP 403). Check the key in the "
                                            "settings (free keys end with \":fx\").");
        co_return *error;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(http.body, &parseError);
    const QJsonArray translations = doc.object().value(QLatin1String("translations")).toArray();
    if (parseError.error != QJsonParseError::NoError || !doc.object().contains(QLatin1String("translations")))
        co_return Error{Error::Parse, QStringLiteral("DeepL answered something Overtext cannot read: \"%1\".")
                                          .arg(redactSecret(serverMessage(http.body), secret))};
    TranslationBatchResult result;
    qsizetype outChars = 0;
    for (qsizetype i = 0; i < request.units.size() && i < translations.size(); ++i) {
        const TranslationUnit &u = request.units[i];
        const QString text = translations[i].toObject().value(QLatin1String("text")).toString();
        const auto restored = restoreSpans(text, protectedTexts[i].originals);
        if (!restored)
            continue; // a lost token: not answered
        result.translations.insert(u.id, *restored);
        outChars += restored->size();
        if (isSuspicious(u.text, *restored, request.sourceLang, request.targetLang))
            result.suspiciousIds.append(u.id);
        if (sink)
            sink(u.id, *restored);
    }
    result.inputTokens = estimateTokens(sourceChars);
    result.outputTokens = estimateTokens(outChars);
    co_return result;
}

} // namespace overtext
