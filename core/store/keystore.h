#pragma once

#include "util/result.h"

#include <QCoroTask>
#include <QString>

namespace overtext {

/// What reading one secret from the keychain found.
struct KeyRead {
    enum class Status {
        Found,       ///< key holds the secret
        NotFound,    ///< the keychain works but holds nothing under this name
        Unavailable, ///< no keychain service answers (no D-Bus session, no Secret Service, no KWallet …)
        Failed,      ///< the keychain answered with an error (access denied, locked …)
    };
    Status status = Status::NotFound;
    QString key;
    QString message; ///< for Unavailable and Failed: a sentence saying what happened
};

/// Where an API key came from, and what the user should know about it.
struct KeyLookup {
    enum class Source { Keychain, Environment, None };
    Source source = Source::None;
    QString key;
    QString envVar; ///< the variable that was read (or would have been), empty when none applies
    /// Set when the keychain could not be used and the environment was read instead (or nothing was found): one
    /// sentence for the status bar. Never contains the key.
    QString notice;
    /// The proxy's "user:password" from the keychain (NetworkConfig::proxyAuthAccount), empty when none. A secret:
    /// never printed.
    QString proxyAuth;
};

/**
 * API keys in the system keychain through QtKeychain (Secret Service over D-Bus on Linux — GNOME Keyring, KWallet —,
 * the macOS Keychain, Windows Credential Manager). Keys never touch a settings file: there is no plain-text fallback
 * inside the keychain layer; where no keychain service runs, lookup() reads an environment variable instead and says
 * so.
 *
 * Threading: call from the thread that runs the event loop (GUI or CLI main); every call is asynchronous (QtKeychain
 * jobs, awaited through a QFuture) and never blocks the loop. A KeyStore is a value: copies name the same entries.
 */
class KeyStore {
public:
    /// \a service groups the entries in the keychain ("overtext" in the app; tests may use their own).
    explicit KeyStore(QString service = QStringLiteral("overtext"));

    QString service() const { return m_service; }

    QCoro::Task<KeyRead> read(QString account) const;
    /// Stores (replaces) the secret. The error says whether the keychain is unavailable (Error::Service) or refused.
    QCoro::Task<Result<void>> write(QString account, QString secret) const;
    /// Deletes the entry; deleting an entry that does not exist succeeds.
    QCoro::Task<Result<void>> remove(QString account) const;

    /// The key for \a account (empty: skip the keychain), else the environment variable \a envVar (empty: none).
    /// A keychain that cannot be used is reported in KeyLookup::notice, never as an error: the caller decides whether
    /// a missing key matters.
    QCoro::Task<KeyLookup> lookup(QString account, QString envVar) const;

private:
    QString m_service;
};

} // namespace overtext
