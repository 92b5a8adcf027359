#include "translate/providerfactory.h"

#include "translate/apertiumprovider.h"

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

Error notYet(const QString &name) {
    return Error{Error::Usage, QStringLiteral("provider %1 is not available yet").arg(name)};
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
    case Kind::OpenAi:
    case Kind::Anthropic:
    case Kind::DeepL:
    case Kind::LibreTranslate:
        return notYet(config.name.toLower());
    case Kind::Unknown:
        break;
    }
    return Error{Error::Usage, QStringLiteral("unknown provider '%1' (choose one of: %2)")
                                   .arg(config.name, providerNames().join(QStringLiteral(", ")))};
}

} // namespace overtext
