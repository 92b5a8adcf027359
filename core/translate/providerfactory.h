#pragma once

#include "translate/provider.h"
#include "util/result.h"

#include <QStringList>

#include <memory>

namespace overtext {

/// What the user chose for the translation service. Holds no secret: the API key is read from the environment
/// variable named here (or, later, the keychain) when the provider is built.
struct ProviderConfig {
    QString name = QStringLiteral("apertium"); ///< apertium | openai | anthropic | deepl | libretranslate
    QString baseUrl;
    QString model;
    QString apiKeyEnv; ///< name of the environment variable holding the key
};

/// Every provider name the command line and settings accept (available or not yet).
QStringList providerNames();

/// Builds the provider the config names. Error::Usage for an unknown name, a provider not available in this build,
/// or a missing API key variable. The caller owns the provider; it lives on the calling thread.
Result<std::unique_ptr<Provider>> createProvider(const ProviderConfig &config, QObject *parent = nullptr);

} // namespace overtext
