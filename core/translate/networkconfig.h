#pragma once

#include "util/result.h"

#include <QList>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace overtext {

/**
 * How the HTTP client reaches the network: which proxy, which extra certificate authorities, how long to wait. A value
 * type the command lines and Settings fill in and NetworkPool applies; it holds no secret read from the keychain
 * (proxy credentials from Settings come separately, see NetworkPool::setProxyAuth()), but a proxy URL typed on the
 * command line or taken from the environment may carry its user:password as given.
 */
struct NetworkConfig {
    /// "" = the system's configuration (the http_proxy/https_proxy/all_proxy/no_proxy variables, else the desktop's
    /// settings or PAC through QNetworkProxyFactory); "direct" = no proxy; else a proxy URL: http://, socks5:// (names
    /// resolved locally) or socks5h:// (names resolved by the proxy), with an optional user:password@.
    QString proxy;
    /// Hosts that bypass an explicit proxy (the no_proxy syntax); empty: the no_proxy variable applies, as in curl.
    QString noProxy;
    /// PEM bundles whose certificates are trusted in addition to the system's (never instead of them).
    QStringList caFiles;
    /// Seconds a request may go without a byte from the server (its first byte included); 0 = the service's default.
    int timeoutSeconds = 0;
    /// How the user changes the timeout, for the timeout's error message ("--timeout SECONDS"); empty: both ways.
    QString timeoutSetting;
    /// The keychain account of the proxy's "user:password" (Settings); empty: none. Read by findApiKey().
    QString proxyAuthAccount;

    bool operator==(const NetworkConfig &) const = default;
    /// \a over's non-empty fields replace this one's (command line over Settings, profile over global).
    NetworkConfig overriddenBy(const NetworkConfig &over) const;
};

/// One proxy server (or none), as resolved for one URL. Its user and password are never part of display().
struct ProxyServer {
    enum class Type { Direct, Http, Socks5 };
    Type type = Type::Direct;
    QString host;
    quint16 port = 0;
    QString user;
    QString password;
    bool remoteDns = false; ///< socks5h: the proxy resolves the target's name

    bool isDirect() const { return type == Type::Direct; }
    /// "http://proxy.corp:3128", never with credentials; "direct" for none.
    QString display() const;
    /// What distinguishes connections through this proxy (type, host, port, user; never the password).
    QString key() const;
    /// The Proxy-Authorization header value (Basic), empty without credentials.
    QByteArray basicAuth() const;
};

/// Reads a proxy URL (curl's forms: "host:port" means http://; the default port is 1080). Error::Usage with one
/// sentence naming \a origin ("--proxy", "https_proxy") for an unsupported scheme or a missing host; the sentence never
/// repeats the URL's credentials.
Result<ProxyServer> parseProxyUrl(const QString &text, const QString &origin);

/// Whether \a url's host bypasses proxies under \a noProxy (curl's rules, comma- or space-separated): "*" matches
/// everything; a name matches itself and its subdomains (a leading dot is ignored); an IP address or CIDR range
/// (10.0.0.0/8, ::1, [::1]) matches the literal address; "name:port" matches only that port. Case-insensitive; names
/// are never resolved.
bool noProxyMatches(const QString &noProxy, const QUrl &url);

/// Whether \a env sets any proxy variable (http_proxy, https_proxy, all_proxy, in either case).
bool environmentHasProxy(const QProcessEnvironment &env);

/// The proxy the variables of \a env choose for \a url, as curl does: no_proxy/NO_PROXY first, then http_proxy
/// (http) or https_proxy (https), then all_proxy; lower case before upper case. Direct when none applies. Error::Usage
/// for a variable that names no usable proxy.
Result<ProxyServer> proxyFromEnvironment(const QUrl &url, const QProcessEnvironment &env);

/// The proxy the desktop (QNetworkProxyFactory::systemProxyForQuery: GNOME/KDE settings or PAC through libproxy, the
/// macOS and Windows settings) chooses for \a url; Direct when it names none. May block while a PAC script runs.
ProxyServer systemProxy(const QUrl &url);

/**
 * The proxy for \a url under \a config: "direct" → none; an explicit URL → it, unless the config's noProxy (or, when
 * that is empty, the no_proxy variable) excludes the host; otherwise the environment's variables when any is set, else
 * the desktop's settings. \a proxyAuth ("user:password", from the keychain) applies to an explicit proxy without
 * credentials of its own. A loopback target goes through the proxy like any other unless excluded (as in curl).
 */
Result<ProxyServer> resolveProxy(const NetworkConfig &config, const QUrl &url, const QProcessEnvironment &env,
                                 const QString &proxyAuth = {});

/// The certificates of a PEM bundle. Error::Usage with one sentence naming \a origin ("--ca-file", "SSL_CERT_FILE",
/// "the CA bundle in Settings") when the file cannot be read or holds no certificate.
Result<QList<QSslCertificate>> loadCaBundle(const QString &path, const QString &origin);

/// The extra certificates \a config and the SSL_CERT_FILE variable of \a env name (empty when none), or the first
/// bundle's error.
Result<QList<QSslCertificate>> extraCaCertificates(const NetworkConfig &config, const QProcessEnvironment &env);

/// Checks \a config as a command line would before starting: the proxy URL parses and every CA bundle (SSL_CERT_FILE
/// included) loads. The first problem as an Error::Usage.
Result<void> checkNetworkConfig(const NetworkConfig &config, const QProcessEnvironment &env);

} // namespace overtext
