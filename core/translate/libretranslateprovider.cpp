#include "translate/libretranslateprovider.h"

#include "translate/batchcodec.h"
#include "translate/httpcall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace overtext {

LibreTranslateProvider::LibreTranslateProvider(LibreTranslateConfig config, NetworkPool *pool, QObject *parent)
    : Provider(parent)
    , m_config(std::move(config))
    , m_pool(pool ? pool : new NetworkPool(this)) {}

QString LibreTranslateProvider::cacheIdentity() const {
    return QStringLiteral("libretranslate|") + m_config.baseUrl.host();
}

QUrl LibreTranslateProvider::endpointUrl() const {
    QUrl url = m_config.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/translate")))
        path += QStringLiteral("/translate");
    url.setPath(path);
    return url;
}

QString LibreTranslateProvider::langCode(const QString &code) {
    if (code.isEmpty())
        return QStringLiteral("auto");
    const QString norm = QString(code).replace(QLatin1Char('_'), QLatin1Char('-'));
    const QString base = norm.section(QLatin1Char('-'), 0, 0).toLower();
    const QString rest = norm.section(QLatin1Char('-'), 1).toLower();
    if (base == QLatin1String("zh") &&
        (rest.contains(QLatin1String("hant")) || rest == QLatin1String("tw") || rest == QLatin1String("hk")))
        return QStringLiteral("zt");
    if (base == QLatin1String("pt") && rest == QLatin1String("br"))
        return QStringLiteral("pb");
    return base;
}

QCoro::Task<Result<TranslationBatchResult>> LibreTranslateProvider::translate(TranslationRequest request,
                                                                              PartialSink sink, CancelToken cancel) {
    try {
        co_return co_await translateBatch(std::move(request), std::move(sink), std::move(cancel));
    } catch (...) {
        co_return Error{Error::Internal, QStringLiteral("Unexpected failure while translating with LibreTranslate.")};
    }
}

QCoro::Task<Result<TranslationBatchResult>>
LibreTranslateProvider::translateBatch(TranslationRequest request, PartialSink sink, CancelToken cancel) {
    if (request.units.isEmpty())
        co_return TranslationBatchResult{}; // nothing to send
    const QString secret = m_config.apiKey;
    const QPointer<NetworkPool> pool = m_pool;
    QList<ProtectedText> protectedTexts;
    QJsonArray q;
    qsizetype sourceChars = 0;
    for (const TranslationUnit &u : request.units) {
        protectedTexts.append(protectSpans(u.text));
        q.append(protectedTexts.last().text);
        sourceChars += u.text.size();
    }
    QJsonObject body{{QStringLiteral("q"), q},
                     {QStringLiteral("source"), langCode(request.sourceLang)},
                     {QStringLiteral("target"), langCode(request.targetLang)},
                     {QStringLiteral("format"), QStringLiteral("text")}};
    if (!secret.isEmpty())
        body.insert(QStringLiteral("api_key"), secret);
    QNetworkRequest netRequest(endpointUrl());
    netRequest.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    HttpCallOptions options;
    options.transferTimeoutMs = m_config.transferTimeoutMs;
    options.totalTimeoutMs = m_config.totalTimeoutMs;

    const HttpCallResult http = co_await httpCall(pool, netRequest, QJsonDocument(body).toJson(QJsonDocument::Compact),
                                                  cancel, options, nullptr);
    if (auto error = errorFromHttp(http, QStringLiteral("LibreTranslate"), secret)) {
        if (error->code == Error::Auth)
            error->message = QStringLiteral("The API key was rejected by LibreTranslate at %1 (HTTP %2): %3")
                                 .arg(http.url.host())
                                 .arg(http.status)
                                 .arg(redactSecret(serverMessage(http.body), secret));
        co_return *error;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(http.body, &parseError);
    const QJsonValue translated = doc.object().value(QLatin1String("translatedText"));
    if (parseError.error != QJsonParseError::NoError || translated.isUndefined())
        co_return Error{Error::Parse, QStringLiteral("LibreTranslate answered something Overtext cannot read: "
                                                     "\"%1\". Is the base URL a LibreTranslate server?")
                                          .arg(redactSecret(serverMessage(http.body), secret))};
    const QJsonArray list = translated.isArray() ? translated.toArray() : QJsonArray{translated};
    TranslationBatchResult result;
    qsizetype outChars = 0;
    for (qsizetype i = 0; i < request.units.size() && i < list.size(); ++i) {
        const TranslationUnit &u = request.units[i];
        const auto restored = restoreSpans(list[i].toString(), protectedTexts[i].originals);
        if (!restored)
            continue;
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
