#include "engine/ratelimiter.h"

#include <QCoroTimer>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace overtext {

QCoro::Task<bool> sleepUnlessCancelled(qint64 ms, CancelToken cancel) {
    QElapsedTimer clock;
    clock.start();
    while (!cancel.isCancelled()) {
        const qint64 left = ms - clock.elapsed();
        if (left <= 0)
            co_return true;
        co_await QCoro::sleepFor(std::chrono::milliseconds(std::min<qint64>(left, 50)));
    }
    co_return false;
}

RateLimiter::RateLimiter(RateLimits limits, QObject *parent)
    : QObject(parent) {
    m_clock.start();
    setLimits(limits);
}

void RateLimiter::setLimits(RateLimits limits) {
    m_limits = limits;
    m_limits.burstMs = std::max(1, m_limits.burstMs);
    m_lastRefillMs = m_clock.elapsed();
    m_requests = requestCapacity();
    m_tokens = tokenCapacity();
}

double RateLimiter::requestCapacity() const {
    if (m_limits.requestsPerMinute <= 0)
        return 0;
    return std::max(1.0, m_limits.requestsPerMinute * m_limits.burstMs / 60000.0);
}

double RateLimiter::tokenCapacity() const {
    if (m_limits.tokensPerMinute <= 0)
        return 0;
    return std::max(1.0, double(m_limits.tokensPerMinute) * m_limits.burstMs / 60000.0);
}

void RateLimiter::refill() const {
    const qint64 now = m_clock.elapsed();
    const qint64 dt = now - m_lastRefillMs;
    m_lastRefillMs = now;
    if (m_limits.requestsPerMinute > 0)
        m_requests = std::min(requestCapacity(), m_requests + dt * m_limits.requestsPerMinute / 60000.0);
    if (m_limits.tokensPerMinute > 0)
        m_tokens = std::min(tokenCapacity(), m_tokens + dt * double(m_limits.tokensPerMinute) / 60000.0);
}

qint64 RateLimiter::delayFor(qint64 tokens) const {
    refill();
    qint64 wait = std::max<qint64>(0, m_holdUntilMs - m_clock.elapsed());
    if (m_limits.requestsPerMinute > 0 && m_requests < 1)
        wait = std::max<qint64>(wait, qint64(std::ceil((1 - m_requests) * 60000.0 / m_limits.requestsPerMinute)));
    if (m_limits.tokensPerMinute > 0) {
        const double cost = std::min<double>(tokenCapacity(), double(std::max<qint64>(0, tokens)));
        if (m_tokens < cost)
            wait = std::max<qint64>(wait,
                                    qint64(std::ceil((cost - m_tokens) * 60000.0 / double(m_limits.tokensPerMinute))));
    }
    return wait;
}

qint64 RateLimiter::reserve(qint64 tokens) {
    refill();
    // Take the reservation now; the debt (a negative level) is what this caller waits for.
    qint64 wait = std::max<qint64>(0, m_holdUntilMs - m_clock.elapsed());
    if (m_limits.requestsPerMinute > 0) {
        m_requests -= 1;
        if (m_requests < 0)
            wait = std::max<qint64>(wait, qint64(std::ceil(-m_requests * 60000.0 / m_limits.requestsPerMinute)));
    }
    if (m_limits.tokensPerMinute > 0) {
        m_tokens -= std::min<double>(tokenCapacity(), double(std::max<qint64>(0, tokens)));
        if (m_tokens < 0)
            wait = std::max<qint64>(wait, qint64(std::ceil(-m_tokens * 60000.0 / double(m_limits.tokensPerMinute))));
    }
    return wait;
}

QCoro::Task<bool> RateLimiter::acquire(qint64 tokens, CancelToken cancel) {
    const qint64 wait = reserve(tokens);
    if (wait <= 0)
        co_return !cancel.isCancelled();
    co_return co_await sleepUnlessCancelled(wait, cancel);
}

void RateLimiter::holdFor(qint64 ms) {
    m_holdUntilMs = std::max(m_holdUntilMs, m_clock.elapsed() + std::max<qint64>(0, ms));
}

} // namespace overtext
