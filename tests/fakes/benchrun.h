#pragma once

#include "engine/scheduler.h"
#include "fakes/cputime.h"

#include <QElapsedTimer>
#include <QEventLoop>

namespace testsupport {

/// What one scheduler run took and did.
struct SchedulerRun {
    double wallMs = 0;
    double cpuMs = 0; ///< of the whole process during the run
    int requests = 0;
    int done = 0;
    int failed = 0;
};

/// Translates \a units as one document with \a provider at \a concurrency (into "es"), in a real event loop until the
/// document finishes (QTest::qWaitFor sleeps 10 ms between rounds of events, which would show up as latency).
inline SchedulerRun runScheduler(overtext::Provider *provider, const QList<overtext::TranslationUnit> &units,
                                 int concurrency) {
    overtext::SchedulerOptions o;
    o.concurrency = concurrency;
    o.targetLang = QStringLiteral("es");
    overtext::Scheduler scheduler(provider, o);
    SchedulerRun run;
    QObject::connect(&scheduler, &overtext::Scheduler::unitDone, [&run] { ++run.done; });
    QObject::connect(&scheduler, &overtext::Scheduler::unitFailed, [&run] { ++run.failed; });
    QEventLoop loop;
    QObject::connect(&scheduler, &overtext::Scheduler::documentFinished, &loop, &QEventLoop::quit);
    const double cpu0 = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    scheduler.addUnits(QStringLiteral("doc"), units);
    scheduler.finishInput(QStringLiteral("doc"));
    loop.exec();
    run.wallMs = double(wall.nsecsElapsed()) / 1e6;
    run.cpuMs = (cpuSeconds() - cpu0) * 1000.0;
    run.requests = scheduler.requestCount();
    return run;
}

} // namespace testsupport
