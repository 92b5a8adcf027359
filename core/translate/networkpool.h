#pragma once

#include "translate/networkconfig.h"
#include "util/result.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <QSslConfiguration>
#include <QUrl>

#include <optional>

class QAbstractSocket;

namespace overtext {

/**
 * The HTTP/1.1 connections of one thread: opens them (QTcpSocket, or QSslSocket for https) and keeps the idle ones
 * alive per origin (scheme, host, port) for the next exchange, so N requests in flight to one host use N
 * connections and a connection is opened once, not per request. httpCall() speaks HTTP over them.
 *
 * Why not QNetworkAccessManager: Qt 6.4's manager opens at most 6 connections per host, so concurrency above 6 needed
 * one manager per 6 requests, each with its own HTTP thread; every request then started one event-loop turn later
 * and crossed to that thread, and every network read crossed back as a queued signal. At 64 streams that cost a
 * request about 12 ms between the scheduler and the wire, and the client about half its CPU (bench_http). Here the
 * sockets live on the caller's thread and a read is handled where it arrives.
 *
 * Each origin's route (direct, or through which proxy) is resolved once from the pool's NetworkConfig and the
 * environment (see resolveProxy()) and kept; kept-alive connections are keyed on (origin, proxy). TLS connections trust
 * the system's certificate authorities plus the config's extra bundles and SSL_CERT_FILE; peers are always verified.
 *
 * Thread and lifetime contract: create, use and destroy the pool on one thread. The pool owns every socket;
 * destroying it closes them, and exchanges still running end as cancelled.
 */
class NetworkPool : public QObject {
    Q_OBJECT
public:
    /// An idle connection older than this is closed rather than reused (servers drop idle ones after 5-120 s).
    static constexpr int kIdleMs = 20000;

    explicit NetworkPool(QObject *parent = nullptr);
    /// A pool that connects as \a config says (proxy, extra CAs, timeout).
    explicit NetworkPool(NetworkConfig config, QObject *parent = nullptr);
    ~NetworkPool() override;

    const NetworkConfig &config() const { return m_config; }
    /// The proxy credentials ("user:password") Settings keep in the keychain, for a proxy set without its own.
    void setProxyAuth(const QString &userColonPassword);
    /// The environment proxies and SSL_CERT_FILE are read from (the process's, by default; tests set their own).
    void setEnvironment(const QProcessEnvironment &env);

    /// Where connections to \a url go: direct, or through which proxy (resolved once per origin). Error::Usage when the
    /// configuration names no usable proxy.
    Result<ProxyServer> proxyFor(const QUrl &url);
    /// The certificate authorities new TLS connections trust besides the system's (the config's bundles and
    /// SSL_CERT_FILE), read once; Error::Usage when a bundle cannot be read.
    Result<QList<QSslCertificate>> extraCaCertificates();

    /// An idle, still connected socket to \a url's origin (the most recently used), or nullptr. It now belongs to the
    /// caller until giveBack() or its deletion.
    QAbstractSocket *takeIdle(const QUrl &url);
    /// A new, unconnected socket for \a url (QSslSocket for https, peer verified as usual, with the SOCKS5 proxy of
    /// proxyFor() set, or none), owned by the pool. Call proxyFor() and extraCaCertificates() first.
    QAbstractSocket *newSocket(const QUrl &url);
    /// Keeps \a socket, which has just finished an exchange with \a url's origin cleanly, for the next one.
    void giveBack(const QUrl &url, QAbstractSocket *socket);

    /// Connections opened so far.
    int opened() const { return m_opened; }
    /// Idle connections kept for \a url's origin.
    int idle(const QUrl &url) const;
    /// Exchanges running with \a url's origin (counted by httpCall()).
    int inFlight(const QUrl &url) const;
    void addInFlight(const QUrl &url, int delta);

    static QString originKey(const QUrl &url);
    /// originKey() plus the proxy the pool routes \a url through: what an idle connection is kept under.
    QString poolKey(const QUrl &url);

private:
    struct Idle {
        QPointer<QAbstractSocket> socket;
        QElapsedTimer since;
        QMetaObject::Connection closed;
    };
    NetworkConfig m_config;
    QString m_proxyAuth;
    QProcessEnvironment m_env = QProcessEnvironment::systemEnvironment();
    QHash<QString, Result<ProxyServer>> m_routes;
    std::optional<Result<QList<QSslCertificate>>> m_extraCas;
    QHash<QString, QList<Idle>> m_idle;
    QHash<QString, int> m_inFlight;
    int m_opened = 0;
};

} // namespace overtext
