#include "translate/networkconfig.h"

#include <QFile>
#include <QHostAddress>
#include <QNetworkProxyFactory>
#include <QRegularExpression>

namespace overtext {

namespace {

const char *const kProxyVariables[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                                       "HTTPS_PROXY", "all_proxy",  "ALL_PROXY"};

/// The variable's value, lower case name first (curl's order); empty values count as unset. \a used gets the name.
QString variable(const QProcessEnvironment &env, const char *lower, const char *upper, QString *used = nullptr) {
    for (const char *name : {lower, upper}) {
        const QString v = env.value(QLatin1String(name)).trimmed();
        if (!v.isEmpty()) {
            if (used)
                *used = QLatin1String(name);
            return v;
        }
    }
    return {};
}

int defaultPort(const QUrl &url) {
    return url.port(url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 ? 443 : 80);
}

/// One no_proxy entry against a host (lower case, no brackets) and port.
bool entryMatches(QString pattern, const QString &host, int port) {
    int wantPort = -1;
    // Split off a port: "[v6]:port", "name:port", "v4:port" (a bare IPv6 address has several colons and no port).
    if (pattern.startsWith(QLatin1Char('['))) {
        const qsizetype close = pattern.indexOf(QLatin1Char(']'));
        if (close < 0)
            return false;
        const QString rest = pattern.mid(close + 1);
        if (rest.startsWith(QLatin1Char(':')))
            wantPort = rest.mid(1).toInt();
        pattern = pattern.mid(1, close - 1);
    } else if (pattern.count(QLatin1Char(':')) == 1) {
        const qsizetype colon = pattern.indexOf(QLatin1Char(':'));
        bool ok = false;
        wantPort = pattern.mid(colon + 1).toInt(&ok);
        if (!ok)
            return false;
        pattern = pattern.left(colon);
    }
    if (wantPort >= 0 && wantPort != port)
        return false;
    const QHostAddress address(host);
    if (pattern.contains(QLatin1Char('/'))) {
        const auto subnet = QHostAddress::parseSubnet(pattern);
        return !address.isNull() && !subnet.first.isNull() && address.isInSubnet(subnet);
    }
    if (const QHostAddress literal(pattern); !literal.isNull())
        return !address.isNull() && address.isEqual(literal, QHostAddress::StrictConversion);
    while (pattern.startsWith(QLatin1Char('.')))
        pattern.remove(0, 1);
    if (pattern.endsWith(QLatin1Char('.')))
        pattern.chop(1);
    QString name = host;
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (pattern.isEmpty())
        return false;
    return name == pattern || name.endsWith(QLatin1Char('.') + pattern);
}

} // namespace

NetworkConfig NetworkConfig::overriddenBy(const NetworkConfig &over) const {
    NetworkConfig c = *this;
    if (!over.proxy.isEmpty()) {
        c.proxy = over.proxy;
        c.noProxy = over.noProxy;
        c.proxyAuthAccount = over.proxyAuthAccount;
    }
    if (!over.caFiles.isEmpty())
        c.caFiles = over.caFiles;
    if (over.timeoutSeconds > 0)
        c.timeoutSeconds = over.timeoutSeconds;
    if (!over.timeoutSetting.isEmpty())
        c.timeoutSetting = over.timeoutSetting;
    return c;
}

QString ProxyServer::display() const {
    if (isDirect())
        return QStringLiteral("direct");
    const QString scheme = type == Type::Http ? QStringLiteral("http")
                           : remoteDns        ? QStringLiteral("socks5h")
                                              : QStringLiteral("socks5");
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return scheme + QStringLiteral("://") + h + QLatin1Char(':') + QString::number(port);
}

QString ProxyServer::key() const {
    if (isDirect())
        return {};
    return display() + QLatin1Char('|') + user;
}

QByteArray ProxyServer::basicAuth() const {
    if (user.isEmpty() && password.isEmpty())
        return {};
    return "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
}

Result<ProxyServer> parseProxyUrl(const QString &text, const QString &origin) {
    QString t = text.trimmed();
    if (t.isEmpty())
        return Error{Error::Usage,
                     QStringLiteral("%1 is empty: give a proxy URL such as http://proxy:3128").arg(origin)};
    if (!t.contains(QStringLiteral("://")))
        t.prepend(QStringLiteral("http://"));
    const QUrl url(t, QUrl::StrictMode);
    const QString shown = url.isValid() ? url.toDisplayString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash)
                                        : QStringLiteral("its value");
    if (!url.isValid() || url.host().isEmpty())
        return Error{Error::Usage, QStringLiteral("%1 names no proxy Overtext can use (%2): give a URL such as "
                                                  "http://proxy:3128 or socks5h://proxy:1080")
                                       .arg(origin, shown)};
    ProxyServer p;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http")) {
        p.type = ProxyServer::Type::Http;
    } else if (scheme == QLatin1String("socks5") || scheme == QLatin1String("socks5h")) {
        p.type = ProxyServer::Type::Socks5;
        p.remoteDns = scheme == QLatin1String("socks5h");
    } else {
        return Error{Error::Usage, QStringLiteral("%1 names a %2:// proxy (%3), which Overtext does not support: use "
                                                  "http://, socks5:// or socks5h://")
                                       .arg(origin, scheme, shown)};
    }
    p.host = url.host();
    p.port = quint16(url.port(1080)); // curl's default for every proxy type
    p.user = url.userName(QUrl::FullyDecoded);
    p.password = url.password(QUrl::FullyDecoded);
    return p;
}

bool noProxyMatches(const QString &noProxy, const QUrl &url) {
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList entries = noProxy.toLower().split(separators, Qt::SkipEmptyParts);
    if (entries.isEmpty())
        return false;
    const QString host = url.host().toLower();
    const int port = defaultPort(url);
    for (const QString &entry : entries) {
        if (entry == QLatin1String("*"))
            return true;
        if (entryMatches(entry, host, port))
            return true;
    }
    return false;
}

bool environmentHasProxy(const QProcessEnvironment &env) {
    for (const char *name : kProxyVariables)
        if (!env.value(QLatin1String(name)).trimmed().isEmpty())
            return true;
    return false;
}

Result<ProxyServer> proxyFromEnvironment(const QUrl &url, const QProcessEnvironment &env) {
    if (noProxyMatches(variable(env, "no_proxy", "NO_PROXY"), url))
        return ProxyServer{};
    const QString scheme = url.scheme().toLower();
    QString used;
    QString value;
    if (scheme == QLatin1String("https"))
        value = variable(env, "https_proxy", "HTTPS_PROXY", &used);
    else if (scheme == QLatin1String("http"))
        value = variable(env, "http_proxy", "HTTP_PROXY", &used);
    if (value.isEmpty())
        value = variable(env, "all_proxy", "ALL_PROXY", &used);
    if (value.isEmpty())
        return ProxyServer{};
    return parseProxyUrl(value, QStringLiteral("The variable %1").arg(used));
}

ProxyServer systemProxy(const QUrl &url) {
    const QList<QNetworkProxy> list = QNetworkProxyFactory::systemProxyForQuery(QNetworkProxyQuery(url));
    ProxyServer p;
    if (list.isEmpty())
        return p;
    const QNetworkProxy &q = list.first();
    switch (q.type()) {
    case QNetworkProxy::HttpProxy:
    case QNetworkProxy::HttpCachingProxy:
        p.type = ProxyServer::Type::Http;
        break;
    case QNetworkProxy::Socks5Proxy:
        p.type = ProxyServer::Type::Socks5;
        p.remoteDns = true;
        break;
    default:
        return p;
    }
    p.host = q.hostName();
    p.port = q.port() > 0 ? q.port() : 1080;
    p.user = q.user();
    p.password = q.password();
    return p;
}

Result<ProxyServer> resolveProxy(const NetworkConfig &config, const QUrl &url, const QProcessEnvironment &env,
                                 const QString &proxyAuth) {
    const QString chosen = config.proxy.trimmed();
    if (chosen.compare(QLatin1String("direct"), Qt::CaseInsensitive) == 0 ||
        chosen.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return ProxyServer{};
    if (!chosen.isEmpty()) {
        const QString exclusions =
            config.noProxy.trimmed().isEmpty() ? variable(env, "no_proxy", "NO_PROXY") : config.noProxy;
        if (noProxyMatches(exclusions, url))
            return ProxyServer{};
        auto parsed = parseProxyUrl(chosen, QStringLiteral("The proxy setting"));
        if (parsed && parsed->user.isEmpty() && parsed->password.isEmpty() && !proxyAuth.isEmpty()) {
            const qsizetype colon = proxyAuth.indexOf(QLatin1Char(':'));
            parsed->user = colon < 0 ? proxyAuth : proxyAuth.left(colon);
            parsed->password = colon < 0 ? QString() : proxyAuth.mid(colon + 1);
        }
        return parsed;
    }
    if (environmentHasProxy(env))
        return proxyFromEnvironment(url, env);
    return systemProxy(url);
}

Result<QList<QSslCertificate>> loadCaBundle(const QString &path, const QString &origin) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{Error::Usage,
                     QStringLiteral("%1 names %2, which cannot be read: %3").arg(origin, path, file.errorString())};
    const QByteArray bytes = file.read(64 * 1024 * 1024);
    QList<QSslCertificate> certs = QSslCertificate::fromData(bytes, QSsl::Pem);
    certs.removeIf([](const QSslCertificate &c) { return c.isNull(); });
    if (certs.isEmpty())
        return Error{Error::Usage,
                     QStringLiteral("%1 names %2, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
                         .arg(origin, path)};
    return certs;
}

Result<QList<QSslCertificate>> extraCaCertificates(const NetworkConfig &config, const QProcessEnvironment &env) {
    QList<QSslCertificate> all;
    QList<QPair<QString, QString>> files;
    for (const QString &f : config.caFiles)
        if (!f.trimmed().isEmpty())
            files.append({f, QStringLiteral("The CA bundle setting")});
    const QString envFile = env.value(QStringLiteral("SSL_CERT_FILE")).trimmed();
    if (!envFile.isEmpty())
        files.append({envFile, QStringLiteral("The variable SSL_CERT_FILE")});
    for (const auto &[path, origin] : files) {
        auto certs = loadCaBundle(path, origin);
        if (!certs)
            return certs.error();
        all += *certs;
    }
    return all;
}

Result<void> checkNetworkConfig(const NetworkConfig &config, const QProcessEnvironment &env) {
    const QString chosen = config.proxy.trimmed();
    if (!chosen.isEmpty() && chosen.compare(QLatin1String("direct"), Qt::CaseInsensitive) != 0 &&
        chosen.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
        if (auto p = parseProxyUrl(chosen, QStringLiteral("--proxy")); !p)
            return p.error();
    } else if (chosen.isEmpty()) {
        for (const char *name : kProxyVariables) {
            const QString v = env.value(QLatin1String(name)).trimmed();
            if (v.isEmpty())
                continue;
            if (auto p = parseProxyUrl(v, QStringLiteral("The variable %1").arg(QLatin1String(name))); !p)
                return p.error();
        }
    }
    if (auto certs = extraCaCertificates(config, env); !certs)
        return certs.error();
    return {};
}

} // namespace overtext
