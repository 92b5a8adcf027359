#pragma once

#include "store/keystore.h"
#include "translate/networkconfig.h"
#include "translate/provider.h"
#include "util/result.h"

#include <QCoroTask>

#include <QStringList>

#include <memory>

namespace overtext {

/// What the user chose for the translation service. Holds no secret: the key is looked up (findApiKey()) in the
/// keychain under keychainAccount, else in the environment variable apiKeyEnv, when the provider is built.
struct ProviderConfig {
    QString name = QStringLiteral("apertium"); ///< apertium | openai | anthropic | deepl | libretranslate
    QString baseUrl;
    QString model;
    QString apiKeyEnv;       ///< name of the environment variable holding the key
    QString keychainAccount; ///< the settings profile's keychain entry; empty: the keychain is not asked
    NetworkConfig network;   ///< proxy, extra CAs, timeout (its proxy credentials account is read by findApiKey())
    bool operator==(const ProviderConfig &) const = default;
};

/// Every provider name the command line and settings accept (available or not yet).
QStringList providerNames();

/// The environment variable a provider's key is read from when none is named: OPENAI_API_KEY, ANTHROPIC_API_KEY,
/// DEEPL_AUTH_KEY, LIBRETRANSLATE_API_KEY; empty for Apertium.
QString defaultKeyEnv(const QString &providerName);

/// The variable findApiKey() reads: config.apiKeyEnv, else — only for the provider's own endpoint (no base URL), so
/// that a key meant for one service never goes to another server — defaultKeyEnv().
QString keyEnvFor(const ProviderConfig &config);

/// The API key for a config: the keychain entry config.keychainAccount, else the environment (keyEnvFor()); a
/// keychain that cannot be used is named in KeyLookup::notice. Also reads the proxy credentials of
/// config.network.proxyAuthAccount into KeyLookup::proxyAuth. Error::Usage when config.apiKeyEnv names a variable
/// that is not set and the keychain had no key.
QCoro::Task<Result<KeyLookup>> findApiKey(ProviderConfig config, KeyStore keys);

/// Builds the provider the config names with \a apiKey (from findApiKey()), connecting as config.network says, with
/// \a proxyAuth ("user:password", KeyLookup::proxyAuth) for a proxy from Settings. Error::Usage for an unknown name, a
/// provider not available in this build, or a provider that needs a key and got none. The caller owns the provider;
/// it lives on the calling thread.
Result<std::unique_ptr<Provider>> createProvider(const ProviderConfig &config, const QString &apiKey,
                                                 QObject *parent = nullptr, const QString &proxyAuth = {});

/// Sends one tiny translation ("Hello, world." into \a targetLang) through the provider, for a "Test connection"
/// button: the translation, or the provider's own error (rejected key, unknown model, unreachable server …).
QCoro::Task<Result<QString>> testConnection(ProviderConfig config, QString apiKey, QString targetLang,
                                            QString proxyAuth = {});

} // namespace overtext
