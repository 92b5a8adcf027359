#include "translate/networkpool.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace overtext {

NetworkPool::NetworkPool(QObject *parent)
    : QObject(parent) {}

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
    auto it = m_idle.find(originKey(url));
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
        ssl->setSslConfiguration(config);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    ++m_opened;
    return socket;
}

void NetworkPool::giveBack(const QUrl &url, QAbstractSocket *socket) {
    if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
        if (socket)
            socket->deleteLater();
        return;
    }
    const QString key = originKey(url);
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
    return int(m_idle.value(originKey(url)).size());
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
