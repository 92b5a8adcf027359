#include "translate/providerfactory.h"

#include "translate/anthropicprovider.h"
#include "translate/apertiumprovider.h"
#include "translate/deeplprovider.h"
#include "translate/libretranslateprovider.h"
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

/// The key from the named environment variable; empty name gives an empty key (the provider decides if it needs one).
Result<QString> apiKeyFrom(const ProviderConfig &config) {
    if (config.apiKeyEnv.isEmpty())
        return QString();
    const QByteArray var = config.apiKeyEnv.toLocal8Bit();
    if (!qEnvironmentVariableIsSet(var.constData()))
        return Error{Error::Usage, QStringLiteral("the environment variable %1 is not set").arg(config.apiKeyEnv)};
    return qEnvironmentVariable(var.constData());
}

} // namespace

Result<std::unique_ptr<Provider>> createProvider(const ProviderConfig &config, QObject *parent) {
    auto key = apiKeyFrom(config);
    if (!key)
        return key.error();
    // One case per provider: adding one is a one-line change here.
    switch (kindOf(config.name)) {
    case Kind::Apertium:
        return std::unique_ptr<Provider>(new ApertiumProvider(parent));
    case Kind::OpenAi: {
        OpenAiConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        c.model = config.model.isEmpty() ? QStringLiteral("gpt-4o-mini") : config.model;
        c.apiKey = *key;
        return std::unique_ptr<Provider>(new OpenAiProvider(c, nullptr, parent));
    }
    case Kind::Anthropic: {
        AnthropicConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        if (!config.model.isEmpty())
            c.model = config.model;
        c.apiKey = *key;
        if (c.apiKey.isEmpty())
            return Error{Error::Usage,
                         QStringLiteral("anthropic needs an API key: name its variable with --api-key-env")};
        return std::unique_ptr<Provider>(new AnthropicProvider(c, nullptr, parent));
    }
    case Kind::DeepL: {
        DeepLConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        c.apiKey = *key;
        if (c.apiKey.isEmpty())
            return Error{Error::Usage, QStringLiteral("deepl needs an API key: name its variable with --api-key-env")};
        return std::unique_ptr<Provider>(new DeepLProvider(c, nullptr, parent));
    }
    case Kind::LibreTranslate: {
        LibreTranslateConfig c;
        if (!config.baseUrl.isEmpty())
            c.baseUrl = QUrl(config.baseUrl);
        c.apiKey = *key;
        return std::unique_ptr<Provider>(new LibreTranslateProvider(c, nullptr, parent));
    }
    case Kind::Unknown:
        break;
    }
    return Error{Error::Usage, QStringLiteral("unknown provider '%1' (choose one of: %2)")
                                   .arg(config.name, providerNames().join(QStringLiteral(", ")))};
}

} // namespace overtext
