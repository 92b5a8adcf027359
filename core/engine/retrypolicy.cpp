#include "engine/retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>

namespace overtext {

bool RetryPolicy::isRetryable(const Error &error) {
    switch (error.code) {
    case Error::RateLimited:
    case Error::Network:
    case Error::Timeout:
        return true;
    case Error::Service:
        return error.httpStatus >= 500 && error.httpStatus <= 599;
    default:
        return false;
    }
}

qint64 RetryPolicy::backoffCeiling(int attempt) const {
    qint64 ceiling = std::max<qint64>(0, baseDelayMs);
    for (int i = 1; i < attempt && ceiling < maxDelayMs; ++i)
        ceiling *= 2;
    return std::min(ceiling, maxDelayMs);
}

std::optional<qint64> RetryPolicy::delayBeforeRetry(const Error &error, int attempt) const {
    if (!isRetryable(error))
        return std::nullopt;
    const int limit = error.code == Error::RateLimited ? maxRateLimitedAttempts : maxAttempts;
    if (attempt >= limit)
        return std::nullopt;
    if (error.code == Error::RateLimited && error.retryAfterMs >= 0)
        return std::min(error.retryAfterMs, maxRetryAfterMs);
    const qint64 ceiling = backoffCeiling(attempt);
    return ceiling <= 0 ? 0 : qint64(QRandomGenerator::global()->bounded(quint64(ceiling) + 1));
}

} // namespace overtext
