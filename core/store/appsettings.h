#pragma once

#include "translate/providerfactory.h"

#include <QList>
#include <QString>

class QSettings;

namespace overtext {

/// A named translation service the user set up: which provider, where, which model, and where its key lives (the
/// system keychain under the profile's id, else the environment variable named here). Holds no secret.
struct ProviderProfile {
    QString id;                                ///< stable; the keychain account is "profile/<id>"
    QString name;                              ///< what the toolbar shows
    QString type = QStringLiteral("apertium"); ///< one of providerNames()
    QString baseUrl;
    QString model;
    QString apiKeyEnv; ///< fallback when the keychain has no key or does not run; empty: the provider's default
    QString proxy;     ///< empty: the global proxy setting; "direct": none; else a proxy URL (never with credentials)
    int timeoutSeconds = 0; ///< seconds a request may wait for the server's next byte; 0: the service's default

    /// What createProvider() needs (the keychain account included).
    ProviderConfig config() const;
    bool operator==(const ProviderProfile &) const = default;
};

/// The keychain account of a profile's key.
QString keychainAccount(const QString &profileId);

/// The user's settings that are not secrets, kept in QSettings (the platform's settings file). API keys are never
/// here: they live in the keychain (KeyStore).
struct AppSettings {
    QList<ProviderProfile> profiles;
    QString currentProfile = QStringLiteral("apertium"); ///< id of the profile the toolbar shows
    int concurrency = 4;                                 ///< requests in flight at once, 1 to 64
    int rpm = 0;                                         ///< requests per minute, 0 = no limit
    qint64 tpm = 0;                                      ///< tokens per minute, 0 = no limit
    QString glossaryPath;                                ///< CSV (source,target per line), empty = none
    QString instruction;                                 ///< the user's extra instruction to LLM providers
    QString proxy;   ///< empty: the system's (variables, desktop); "direct": none; else a proxy URL without credentials
    QString noProxy; ///< hosts that bypass that proxy (no_proxy syntax); empty: the no_proxy variable
    QString caFile;  ///< a PEM bundle trusted in addition to the system's certificate authorities; empty: none

    /// One profile per provider, with the provider's name as id (so "openai" names the same thing on the command
    /// line, in old settings and in the toolbar).
    static QList<ProviderProfile> defaultProfiles();
    /// Reads the settings (defaults where nothing is stored).
    static AppSettings load(QSettings &settings);
    /// Reads from QSettings() (the application's organisation and name).
    static AppSettings load();
    void save(QSettings &settings) const;
    void save() const;

    /// The profile with this id, or nullptr.
    const ProviderProfile *profile(const QString &id) const;
    /// \a config with the keychain account of the profile whose id is the provider's name (the default profiles), when
    /// that profile is of the same provider and points at the same base URL: a key stored for one server never goes
    /// to another. For the command lines, whose --provider names a provider, not a profile.
    ProviderConfig withKeychain(ProviderConfig config) const;
    /// The network settings for \a profile (null: the global ones): its proxy or the global one, the exclusions, the
    /// CA bundle, its timeout, and the keychain account of the proxy's credentials.
    NetworkConfig networkFor(const ProviderProfile *profile) const;
    /// \a config with networkFor() the profile its keychainAccount names (the global settings when none).
    ProviderConfig withNetwork(ProviderConfig config) const;
    /// The keychain account of the proxy's "user:password" (one pair, for the proxy set in Settings).
    static QString proxyAuthAccount();
    /// A proxy URL without its user:password (Settings never writes credentials to the settings file).
    static QString withoutCredentials(const QString &proxyUrl);

    /// A new id not used by any profile, derived from \a name.
    QString newProfileId(const QString &name) const;
};

} // namespace overtext
