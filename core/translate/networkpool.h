#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace overtext {

/**
 * Hands out QNetworkAccessManagers so that N requests in flight to one host really use N connections.
 *
 * Qt 6.4's QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host and queues the rest, and local LLM
 * servers speak plain HTTP/1.1. The pool picks, per host (scheme, host, port), the least loaded manager and creates a
 * new one when all have 6 requests in flight to that host, so N concurrent requests use ceil(N/6) managers.
 *
 * Thread and lifetime contract: create, use and destroy the pool on one thread (the managers and their replies live
 * there). The pool must outlive the replies it sent: destroying it destroys the managers, which abort their replies.
 */
class NetworkPool : public QObject {
    Q_OBJECT
public:
    /// Connections Qt opens per host and manager for HTTP/1.1.
    static constexpr int kConnectionsPerManager = 6;

    explicit NetworkPool(QObject *parent = nullptr);
    ~NetworkPool() override;

    /// The least loaded manager for \a url's host; counts one request in flight until release() is called.
    QNetworkAccessManager *acquire(const QUrl &url);
    /// Reports that a request acquired for \a url on \a manager has finished.
    void release(QNetworkAccessManager *manager, const QUrl &url);

    /**
     * Sends \a body with \a verb ("POST", "GET") on the least loaded manager after prepare(), and releases the slot
     * automatically when the reply finishes or is destroyed. The caller owns the reply (release it with deleteLater()).
     */
    QNetworkReply *send(QNetworkRequest request, const QByteArray &verb, const QByteArray &body, int transferTimeoutMs);

    /**
     * Applies the policies every request of Overtext needs: transfer timeout (\a transferTimeoutMs without progress
     * aborts the reply), redirects only to the same origin (so credentials are never forwarded to another host), and
     * HTTP/2 allowed where TLS ALPN offers it.
     */
    static void prepare(QNetworkRequest &request, int transferTimeoutMs);

    /// Managers created so far.
    int managerCount() const { return int(m_managers.size()); }
    /// Requests in flight to \a url's host, over all managers.
    int inFlight(const QUrl &url) const;

private:
    static QString hostKey(const QUrl &url);

    struct Slot {
        QNetworkAccessManager *manager = nullptr;
        QHash<QString, int> inFlightByHost;
    };
    QList<Slot> m_managers;
};

} // namespace overtext
