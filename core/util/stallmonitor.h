#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <vector>

namespace overtext {

/// Measures how responsive the event loop of one thread is.
///
/// A precise QTimer ticks every interval (5 ms by default) on the thread the monitor lives in; each tick records how
/// late it fired compared to the previous tick plus the interval. A loop blocked for 120 ms shows up as one sample of
/// about 120 ms. Samples are kept in a fixed histogram (0.1 ms buckets up to 2 s, then one overflow bucket), so memory
/// stays constant however long the program runs; max is exact, p99 is accurate to one bucket.
///
/// Thread contract: create, start and query the monitor on the thread whose loop it measures (it is a QObject with
/// timers). Lifetime: it measures from start() until stop() or its destruction.
///
/// The report file written by writeReport() is a contract read by other tools: a JSON object with exactly the keys
/// `max_ms`, `p99_ms` (numbers, milliseconds) and `samples` (an integer count).
class StallMonitor : public QObject {
    Q_OBJECT
public:
    explicit StallMonitor(QObject *parent = nullptr);
    ~StallMonitor() override;

    /// Starts ticking every intervalMs milliseconds. Restarting keeps the samples gathered so far.
    void start(int intervalMs = 5);
    void stop();
    bool isRunning() const { return m_tick.isActive(); }

    /// Forgets all samples.
    void reset();

    /// The largest lateness seen, in milliseconds (0 without samples).
    double maxMs() const { return m_maxMs; }
    /// The 99th percentile of lateness, in milliseconds (0 without samples); never above maxMs().
    double p99Ms() const;
    /// How many ticks were measured.
    qint64 samples() const { return m_count; }

    /// The report as compact JSON: {"max_ms": …, "p99_ms": …, "samples": …}.
    QByteArray reportJson() const;
    /// Writes reportJson() to path atomically (QSaveFile): a reader never sees a half-written file.
    Result<void> writeReport(const QString &path) const;

    /// Writes the report to path every periodMs milliseconds while the monitor lives, and once more when it is
    /// destroyed. Pass an empty path to stop reporting.
    void reportTo(const QString &path, int periodMs = 1000);
    QString reportPath() const { return m_reportPath; }

    /// Reads OVERTEXT_STALL_REPORT; when it names a file, starts the monitor and reportTo() that file.
    /// Returns whether reporting was switched on.
    bool startFromEnvironment();

private:
    void onTick();
    void addSample(double lateMs);

    static constexpr double BucketMs = 0.1;
    static constexpr int BucketCount = 20000; // 0 … 2000 ms, then the overflow bucket

    QTimer m_tick;
    QTimer m_reportTimer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = -1;
    int m_intervalMs = 5;
    std::vector<qint64> m_histogram;
    qint64 m_count = 0;
    double m_maxMs = 0;
    QString m_reportPath;
};

} // namespace overtext
