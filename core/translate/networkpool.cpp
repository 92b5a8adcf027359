#include "translate/networkpool.h"

#include <QNetworkProxy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace overtext {

NetworkPool::NetworkPool(QObject *parent)
    : QObject(parent) {}

NetworkPool::NetworkPool(NetworkConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config)) {}

void NetworkPool::setProxyAuth(const QString &userColonPassword) {
    m_proxyAuth = userColonPassword;
    m_routes.clear();
}

void NetworkPool::setEnvironment(const QProcessEnvironment &env) {
    m_env = env;
    m_routes.clear();
    m_extraCas.reset();
}

Result<ProxyServer> NetworkPool::proxyFor(const QUrl &url) {
    const QString origin = originKey(url);
    auto it = m_routes.find(origin);
    if (it == m_routes.end())
        it = m_routes.insert(origin, resolveProxy(m_config, url, m_env, m_proxyAuth));
    return *it;
}

QString NetworkPool::poolKey(const QUrl &url) {
    const auto route = proxyFor(url);
    return route ? originKey(url) + QLatin1Char('|') + route->key() : originKey(url);
}

Result<QList<QSslCertificate>> NetworkPool::extraCaCertificates() {
    if (!m_extraCas)
        m_extraCas = overtext::extraCaCertificates(m_config, m_env);
    return *m_extraCas;
}

NetworkPool::~NetworkPool() {
    for (auto &list : m_idle)
        for (Idle &i : list)
            QObject::disconnect(i.closed);
    // The sockets are children: they go with the pool.
}

QString NetworkPool::originKey(const QUrl &url) {
    const bool tls = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    return url.scheme().toLower() + QStringLiteral("://") + url.host().toLower() + QLatin1Char(':') +
           QString::number(url.port(tls ? 443 : 80));
}

QAbstractSocket *NetworkPool::takeIdle(const QUrl &url) {
    auto it = m_idle.find(poolKey(url));
    if (it == m_idle.end())
        return nullptr;
    QAbstractSocket *found = nullptr;
    while (!it->isEmpty() && !found) {
        Idle i = it->takeLast();
        QObject::disconnect(i.closed);
        if (!i.socket)
            continue;
        // Bytes on an idle connection can only be the server closing it or garbage: never reuse that.
        if (i.socket->state() == QAbstractSocket::ConnectedState && i.socket->bytesAvailable() == 0 &&
            i.since.elapsed() < kIdleMs)
            found = i.socket;
        else
            i.socket->deleteLater();
    }
    if (it->isEmpty())
        m_idle.erase(it);
    return found;
}

QAbstractSocket *NetworkPool::newSocket(const QUrl &url) {
    QAbstractSocket *socket = nullptr;
    if (url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0) {
        auto *ssl = new QSslSocket(this);
        QSslConfiguration config = ssl->sslConfiguration();
        config.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
        // Added to the system's authorities, never instead of them (a company's inspecting proxy signs with its own
        // CA, while other hosts keep their public certificates).
        if (const auto extra = extraCaCertificates(); extra && !extra->isEmpty())
            config.setCaCertificates(config.caCertificates() + QSslConfiguration::systemCaCertificates() + *extra);
        ssl->setSslConfiguration(config);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    // Never Qt's application proxy: the route is ours. An HTTP proxy is spoken to over a direct connection (the
    // exchange sends CONNECT or an absolute-form request itself); SOCKS5 is Qt's own client.
    QNetworkProxy proxy(QNetworkProxy::NoProxy);
    if (const auto route = proxyFor(url); route && route->type == ProxyServer::Type::Socks5) {
        proxy = QNetworkProxy(QNetworkProxy::Socks5Proxy, route->host, route->port, route->user, route->password);
        if (!route->remoteDns) // socks5:// as curl reads it: the name is resolved here, the proxy gets the address
            proxy.setCapabilities(proxy.capabilities() & ~QNetworkProxy::HostNameLookupCapability);
    }
    socket->setProxy(proxy);
    ++m_opened;
    return socket;
}

void NetworkPool::giveBack(const QUrl &url, QAbstractSocket *socket) {
    if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
        if (socket)
            socket->deleteLater();
        return;
    }
    const QString key = poolKey(url);
    Idle i;
    i.socket = socket;
    i.since.start();
    // A server closing an idle connection: forget it at once.
    i.closed = connect(socket, &QAbstractSocket::disconnected, this, [this, key, socket]() {
        auto it = m_idle.find(key);
        if (it == m_idle.end())
            return;
        for (qsizetype n = 0; n < it->size(); ++n) {
            if ((*it)[n].socket == socket) {
                QObject::disconnect((*it)[n].closed);
                it->removeAt(n);
                socket->deleteLater();
                break;
            }
        }
        if (it->isEmpty())
            m_idle.erase(it);
    });
    m_idle[key].append(i);
}

int NetworkPool::idle(const QUrl &url) const {
    int n = 0;
    const QString prefix = originKey(url) + QLatin1Char('|');
    for (auto it = m_idle.begin(); it != m_idle.end(); ++it)
        if (it.key().startsWith(prefix) || it.key() == originKey(url))
            n += int(it->size());
    return n;
}

int NetworkPool::inFlight(const QUrl &url) const {
    return m_inFlight.value(originKey(url));
}

void NetworkPool::addInFlight(const QUrl &url, int delta) {
    const QString key = originKey(url);
    const int n = m_inFlight.value(key) + delta;
    if (n <= 0)
        m_inFlight.remove(key);
    else
        m_inFlight.insert(key, n);
}

} // namespace overtext
