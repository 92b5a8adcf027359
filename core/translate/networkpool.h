#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

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
 * Thread and lifetime contract: create, use and destroy the pool on one thread. The pool owns every socket;
 * destroying it closes them, and exchanges still running end as cancelled.
 */
class NetworkPool : public QObject {
    Q_OBJECT
public:
    /// An idle connection older than this is closed rather than reused (servers drop idle ones after 5-120 s).
    static constexpr int kIdleMs = 20000;

    explicit NetworkPool(QObject *parent = nullptr);
    ~NetworkPool() override;

    /// An idle, still connected socket to \a url's origin (the most recently used), or nullptr. It now belongs to the
    /// caller until giveBack() or its deletion.
    QAbstractSocket *takeIdle(const QUrl &url);
    /// A new, unconnected socket for \a url (QSslSocket for https, peer verified as usual), owned by the pool.
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

private:
    struct Idle {
        QPointer<QAbstractSocket> socket;
        QElapsedTimer since;
        QMetaObject::Connection closed;
    };
    QHash<QString, QList<Idle>> m_idle;
    QHash<QString, int> m_inFlight;
    int m_opened = 0;
};

} // namespace overtext
