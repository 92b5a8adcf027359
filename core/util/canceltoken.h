#pragma once

#include <atomic>
#include <memory>

namespace overtext {

/// A shared flag a caller sets to stop work. Copies share the flag. Safe to set from any thread; coroutines check it
/// after every co_await, and Poppler work reads it through abortFlag() in its abort callbacks.
class CancelToken {
public:
    CancelToken()
        : m_flag(std::make_shared<std::atomic_bool>(false)) {}
    void cancel() const { m_flag->store(true); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }
    const std::atomic_bool *abortFlag() const { return m_flag.get(); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

} // namespace overtext
