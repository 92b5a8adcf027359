#pragma once

#include "util/canceltoken.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QObject>

namespace overtext {

/// Sleeps for ms milliseconds on the event loop (a QTimer, never blocking), waking every 50 ms to check cancel.
/// Returns false when it stopped early because cancel was set.
QCoro::Task<bool> sleepUnlessCancelled(qint64 ms, CancelToken cancel);

/// Limits for one provider: requests per minute and tokens per minute; 0 means unlimited.
struct RateLimits {
    int requestsPerMinute = 0;
    qint64 tokensPerMinute = 0;
    /// How much may be spent at once, as milliseconds' worth of the rate (at least one request / one batch).
    /// 1000 smooths traffic to about a second's worth, so sliding-window servers rarely answer 429.
    int burstMs = 1000;
};

/// A token bucket for requests and tokens, awaitable. Callers reserve what they need in call order (first come first
/// served): acquire() takes the reservation at once and, when the bucket went below zero, waits until the bucket has
/// refilled that debt. A cost larger than the bucket is clamped to the bucket's size so it can never wait forever.
///
/// Lives on one thread (the one that calls acquire()); waiting uses timers on that thread's event loop. Must outlive
/// the coroutines waiting in acquire().
class RateLimiter : public QObject {
    Q_OBJECT
public:
    explicit RateLimiter(RateLimits limits = {}, QObject *parent = nullptr);

    void setLimits(RateLimits limits);
    const RateLimits &limits() const { return m_limits; }
    bool isUnlimited() const { return m_limits.requestsPerMinute <= 0 && m_limits.tokensPerMinute <= 0; }

    /// How long a call to acquire(tokens) made now would wait, without reserving anything.
    qint64 delayFor(qint64 tokens) const;

    /// Reserves one request and `tokens` tokens and waits until they are available. Returns false when cancel was set
    /// while waiting (the reservation is kept: the server may have seen the request anyway).
    QCoro::Task<bool> acquire(qint64 tokens, CancelToken cancel = {});

    /// Holds every acquire() back until ms milliseconds from now (the server said "retry after").
    void holdFor(qint64 ms);

private:
    void refill() const;
    qint64 reserve(qint64 tokens);
    double requestCapacity() const;
    double tokenCapacity() const;

    RateLimits m_limits;
    QElapsedTimer m_clock;
    mutable qint64 m_lastRefillMs = 0;
    mutable double m_requests = 0; ///< may go negative: a debt that waiting callers pay off
    mutable double m_tokens = 0;
    qint64 m_holdUntilMs = 0;
};

} // namespace overtext
