#pragma once

#include "util/result.h"

#include <optional>

namespace overtext {

/// Which errors are worth another attempt, and how long to wait before it.
///
/// - RateLimited: retried; waits what the server asked (retryAfterMs), else the backoff below.
/// - Service with a 5xx status, Network, Timeout: retried with exponential backoff and full jitter:
///   a uniformly random delay in [0, min(cap, base * 2^(attempt-1))].
/// - Auth, Service 4xx (or without a status), Parse, Usage, Cancelled and the rest: not retried.
///
/// A plain value type; thread-safe to copy and use from any thread.
struct RetryPolicy {
    int maxAttempts = 5;             ///< attempts in all, the first included
    int maxRateLimitedAttempts = 10; ///< 429s are normal under load: allow more of them
    qint64 baseDelayMs = 1000;       ///< backoff base
    qint64 maxDelayMs = 30000;       ///< backoff cap
    qint64 maxRetryAfterMs = 300000; ///< a server's retry-after beyond this is clamped

    /// True when this kind of error may succeed on a later attempt.
    static bool isRetryable(const Error &error);

    /// The delay before attempt `attempt + 1`, given that attempt number `attempt` (1-based) failed with error; no
    /// value when the error is not retried or the attempts are used up.
    std::optional<qint64> delayBeforeRetry(const Error &error, int attempt) const;

    /// The backoff ceiling for attempt `attempt` (1-based), before jitter.
    qint64 backoffCeiling(int attempt) const;
};

} // namespace overtext
