#pragma once

#include <QCoroTask>
#include <QEventLoop>
#include <QTimer>

#include <optional>

namespace testsupport {

/// Runs \a task to completion in a local event loop (tests only; product code never blocks on a task). Returns
/// nullopt when it did not finish within \a timeoutMs.
template<typename T> std::optional<T> runTask(QCoro::Task<T> task, int timeoutMs = 15000) {
    std::optional<T> out;
    QEventLoop loop;
    auto chained = task.then([&](T value) {
        out.emplace(std::move(value));
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!out)
        loop.exec();
    return out;
}

/// runTask() for tests that cannot go on without the result: a task that does not finish in time ends the run.
template<typename T> T await(QCoro::Task<T> task, int timeoutMs = 20000) {
    std::optional<T> out = runTask(std::move(task), timeoutMs);
    if (!out)
        qFatal("task did not finish in time");
    return std::move(*out);
}

} // namespace testsupport
