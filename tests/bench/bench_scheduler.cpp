// Scheduler throughput against an in-process fake provider that answers after exactly 200 ms.
// Usage: bench_scheduler [unitsPerBatch=20] [concurrency...=1 8 32 64]
// Prints, per concurrency: requests, wall time, the ideal (requests / concurrency * latency) and the ideal in whole
// rounds (ceil(requests / concurrency) * latency) with their ratios, CPU time (getrusage).
#include "engine/scheduler.h"
#include "fakes/cputime.h"
#include "fakes/fakeprovider.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>

#include <cmath>
#include <cstdio>

using namespace overtext;

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    const int perBatch = args.isEmpty() ? 20 : std::max(1, args.first().toInt());
    QList<int> levels;
    for (int i = 1; i < args.size(); ++i)
        levels.append(args[i].toInt());
    if (levels.isEmpty())
        levels = {1, 8, 32, 64};
    const int kUnits = qEnvironmentVariableIsSet("BENCH_UNITS") ? qEnvironmentVariableIntValue("BENCH_UNITS") : 2000;
    constexpr int kLatencyMs = 200;
    const auto units = testsupport::makeUnits(kUnits);
    int maxLen = 0;
    for (const auto &u : units)
        maxLen = std::max(maxLen, int(u.text.size()));

    std::printf("bench_scheduler: %d segments, %d ms latency, about %d segments per batch\n", kUnits, kLatencyMs,
                perBatch);
    std::printf("%11s %9s %9s %9s %6s %10s %6s %8s %13s %11s\n", "concurrency", "requests", "wall ms", "ideal ms",
                "ratio", "rounds ms", "ratio", "cpu ms", "max in flight", "cpu us/unit");
    for (int concurrency : levels) {
        testsupport::FakeProvider provider;
        provider.latencyMs = kLatencyMs;
        provider.exactTimer = true;
        provider.budget = maxLen * perBatch;
        SchedulerOptions o;
        o.concurrency = concurrency;
        o.targetLang = QStringLiteral("es");
        Scheduler scheduler(&provider, o);
        int settled = 0;
        QObject::connect(&scheduler, &Scheduler::unitDone, [&settled] { ++settled; });
        QObject::connect(&scheduler, &Scheduler::unitFailed, [&settled] { ++settled; });
        // A real event loop: QTest::qWaitFor sleeps 10 ms between rounds of events, which would show up as latency.
        QEventLoop loop;
        QObject::connect(&scheduler, &Scheduler::documentFinished, &loop, &QEventLoop::quit);

        const double cpu0 = testsupport::cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        scheduler.addUnits(QStringLiteral("doc"), units);
        scheduler.finishInput(QStringLiteral("doc"));
        loop.exec();
        const double wallMs = double(wall.nsecsElapsed()) / 1e6;
        const double cpuMs = (testsupport::cpuSeconds() - cpu0) * 1000.0;
        const int requests = int(provider.calls.size());
        const double ideal = double(requests) / concurrency * kLatencyMs;
        const double waves = std::ceil(double(requests) / concurrency) * kLatencyMs; // whole rounds of requests
        std::printf("%11d %9d %9.0f %9.0f %6.3f %10.0f %6.3f %8.0f %13d %11.1f\n", concurrency, requests, wallMs, ideal,
                    wallMs / ideal, waves, wallMs / waves, cpuMs, provider.maxInFlight, cpuMs * 1000.0 / kUnits);
        std::fflush(stdout);
        if (concurrency == 1 && requests > 1) {
            // Sequential calls separate the scheduler's own turnaround (answer -> next request) from timer lateness.
            double turnaround = 0, late = 0;
            for (int i = 1; i < requests; ++i)
                turnaround += double(provider.callNs[i] - provider.answerNs[i - 1]) / 1e6;
            for (int i = 0; i < requests; ++i)
                late += double(provider.answerNs[i] - provider.callNs[i]) / 1e6 - kLatencyMs;
            std::printf(
                "%11s scheduler turnaround %.3f ms per request; the 200 ms timer fired %.2f ms late on average\n", "",
                turnaround / (requests - 1), late / requests);
        }
        if (settled != kUnits)
            std::printf("  warning: %d of %d units settled\n", settled, kUnits);
    }
    return 0;
}
