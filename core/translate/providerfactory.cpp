#include "translate/providerfactory.h"

#include "translate/anthropicprovider.h"
#include "translate/apertiumprovider.h"
#include "translate/deeplprovider.h"
#include "translate/libretranslateprovider.h"
#include "translate/networkpool.h"
#include "translate/openaiprovider.h"

namespace overtext {

QStringList providerNames() {
    return {QStringLiteral("apertium"), QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("deepl"),
            QStringLiteral("libretranslate")};
}

namespace {
enum class Kind { Apertium, OpenAi, Anthropic, DeepL, LibreTranslate, Unknown };

Kind kindOf(const QString &name) {
    const QString n = name.toLower();
    if (n == QLatin1String("apertium"))
        return Kind::Apertium;
    if (n == QLatin1String("openai"))
        return Kind::OpenAi;
    if (n == QLatin1String("anthropic"))
        return Kind::Anthropic;
    if (n == QLatin1String("deepl"))
        return Kind::DeepL;
    if (n == QLatin1String("libretranslate"))
        return Kind::LibreTranslate;
    return Kind::Unknown;
}

QString missingKey(const QString &name) {
    return QStringLiteral("%1 needs an API key: enter it in Settings (it is kept in the system keychain), or put it in "
                          "the environment variable %2 (on the command line: --api-key-env VAR)")
        .arg(name, defaultKeyEnv(name));
}

} // namespace

QString defaultKeyEnv(const QString &providerName) {
    switch (kindOf(providerName)) {
    case Kind::OpenAi:
        return QStringLiteral("OPENAI_API_KEY");
    case Kind::Anthropic:
        return QStringLiteral("ANTHROPIC_API_KEY");
    case Kind::DeepL:
        return QStringLiteral("DEEPL_AUTH_KEY");
    case Kind::LibreTranslate:
        return QStringLiteral("LIBRETRANSLATE_API_KEY");
    case Kind::Apertium:
    case Kind::Unknown:
        break;
    }
    return {};
}

QString keyEnvFor(const ProviderConfig &config) {
    if (!config.apiKeyEnv.isEmpty())
        return config.apiKeyEnv;
    return config.baseUrl.isEmpty() ? defaultKeyEnv(config.name) : QString();
}

QCoro::Task<Result<KeyLookup>> findApiKey(ProviderConfig config, KeyStore keys) {
    // Apertium takes no key: no keychain to ask.
    const QString account = defaultKeyEnv(config.name).isEmpty() ? QString() : config.keychainAccount;
    KeyLookup lookup = co_await keys.lookup(account, keyEnvFor(config));
    if (lookup.source == KeyLookup::Source::None && !config.apiKeyEnv.isEmpty())
        co_return Error{Error::Usage, QStringLiteral("the environment variable %1 is not set").arg(config.apiKeyEnv)};
    if (!config.network.proxyAuthAccount.isEmpty() && !defaultKeyEnv(config.name).isEmpty()) {
        const KeyRead proxy = co_await keys.read(config.network.proxyAuthAccount);
        if (proxy.status == KeyRead::Status::Found)
            lookup.proxyAuth = proxy.key;
    }
    co_return lookup;
}

Result<std::unique_ptr<Provider>> createProvider(const ProviderConfig &config, const QString &apiKey, QObject *parent,
                                                 const QString &proxyAuth) {
    // The connections as config.network says; the pool becomes the provider's child below.
    auto pool = std::make_unique<NetworkPool>(config.network);
    pool->setProxyAuth(proxyAuth);
    auto owned = [&pool](Provider *p) {
        pool.release()->setParent(p);
        return std::unique_ptr<Provider>(p);
    };
    // One case per provider: adding one is a one-line change here.
    switch (kindOf(config.name)) {
    case Kind::Apertium:
        return std::unique_ptr<Provider>(new ApertiumProvider(parent));
    case Kind::OpenAi: {
        OpenAiConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        c.model = config.model.isEmpty() ? QStringLiteral("gpt-4o-mini") : config.model;
        c.apiKey = apiKey;
        return owned(new OpenAiProvider(c, pool.get(), parent));
    }
    case Kind::Anthropic: {
        AnthropicConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        if (!config.model.isEmpty())
            c.model = config.model;
        c.apiKey = apiKey;
        if (c.apiKey.isEmpty())
            return Error{Error::Usage, missingKey(QStringLiteral("anthropic"))};
        return owned(new AnthropicProvider(c, pool.get(), parent));
    }
    case Kind::DeepL: {
        DeepLConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        c.apiKey = apiKey;
        if (c.apiKey.isEmpty())
            return Error{Error::Usage, missingKey(QStringLiteral("deepl"))};
        return owned(new DeepLProvider(c, pool.get(), parent));
    }
    case Kind::LibreTranslate: {
        LibreTranslateConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        c.apiKey = apiKey;
        return owned(new LibreTranslateProvider(c, pool.get(), parent));
    }
    case Kind::Unknown:
        break;
    }
    return Error{Error::Usage, QStringLiteral("unknown provider '%1' (choose one of: %2)")
                                   .arg(config.name, providerNames().join(QStringLiteral(", ")))};
}

} // namespace overtext

namespace overtext {

QCoro::Task<Result<QString>> testConnection(ProviderConfig config, QString apiKey, QString targetLang,
                                            QString proxyAuth) {
    auto created = createProvider(config, apiKey, nullptr, proxyAuth);
    if (!created)
        co_return created.error();
    const std::unique_ptr<Provider> provider = std::move(created).value();
    TranslationRequest request;
    request.sourceLang = QStringLiteral("en");
    request.targetLang = targetLang;
    request.units = {{QStringLiteral("t1"), QStringLiteral("Hello, world.")}};
    auto task = provider->translate(request, {}, CancelToken{});
    auto result = co_await std::move(task);
    if (!result)
        co_return result.error();
    const QString text = result->translations.value(QStringLiteral("t1"));
    if (text.isEmpty())
        co_return Error{Error::Parse, QStringLiteral("The service answered, but without a translation.")};
    co_return text;
}

} // namespace overtext
