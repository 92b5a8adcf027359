#include "translate/networkpool.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace overtext {

NetworkPool::NetworkPool(QObject *parent)
    : QObject(parent) {}

NetworkPool::~NetworkPool() = default; // managers are children

QString NetworkPool::hostKey(const QUrl &url) {
    return url.scheme().toLower() + QStringLiteral("://") + url.host().toLower() + QLatin1Char(':') +
           QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QNetworkAccessManager *NetworkPool::acquire(const QUrl &url) {
    const QString key = hostKey(url);
    Slot *best = nullptr;
    for (Slot &s : m_managers) {
        if (!best || s.inFlightByHost.value(key) < best->inFlightByHost.value(key))
            best = &s;
    }
    if (!best || best->inFlightByHost.value(key) >= kConnectionsPerManager) {
        auto *manager = new QNetworkAccessManager(this);
        manager->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
        m_managers.append(Slot{manager, {}});
        best = &m_managers.last();
    }
    ++best->inFlightByHost[key];
    return best->manager;
}

void NetworkPool::release(QNetworkAccessManager *manager, const QUrl &url) {
    const QString key = hostKey(url);
    for (Slot &s : m_managers) {
        if (s.manager != manager)
            continue;
        auto it = s.inFlightByHost.find(key);
        if (it != s.inFlightByHost.end() && --*it <= 0)
            s.inFlightByHost.erase(it);
        return;
    }
}

int NetworkPool::inFlight(const QUrl &url) const {
    const QString key = hostKey(url);
    int n = 0;
    for (const Slot &s : m_managers)
        n += s.inFlightByHost.value(key);
    return n;
}

void NetworkPool::prepare(QNetworkRequest &request, int transferTimeoutMs) {
    if (transferTimeoutMs > 0)
        request.setTransferTimeout(transferTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    // Compressed streams arrive in bursts: ask for identity so SSE chunks reach us as they are sent.
    request.setRawHeader("Accept-Encoding", "identity");
}

QNetworkReply *NetworkPool::send(QNetworkRequest request, const QByteArray &verb, const QByteArray &body,
                                 int transferTimeoutMs) {
    prepare(request, transferTimeoutMs);
    const QUrl url = request.url();
    QNetworkAccessManager *manager = acquire(url);
    QNetworkReply *reply = manager->sendCustomRequest(request, verb, body);
    // Exactly one release per reply, whichever comes first.
    auto released = std::make_shared<bool>(false);
    QPointer<NetworkPool> self(this);
    auto releaseOnce = [self, manager, url, released]() {
        if (*released || !self)
            return;
        *released = true;
        self->release(manager, url);
    };
    connect(reply, &QNetworkReply::finished, this, releaseOnce);
    connect(reply, &QObject::destroyed, this, releaseOnce);
    return reply;
}

} // namespace overtext
