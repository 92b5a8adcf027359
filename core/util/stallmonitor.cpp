#include "util/stallmonitor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace overtext {

StallMonitor::StallMonitor(QObject *parent)
    : QObject(parent)
    , m_histogram(BucketCount + 1, 0) {
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &StallMonitor::onTick);
    m_reportTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_reportTimer, &QTimer::timeout, this, [this] { (void)writeReport(m_reportPath); });
}

StallMonitor::~StallMonitor() {
    if (!m_reportPath.isEmpty())
        (void)writeReport(m_reportPath);
}

void StallMonitor::start(int intervalMs) {
    m_intervalMs = std::max(1, intervalMs);
    m_clock.start();
    m_lastNs = -1; // the first tick only sets the reference
    m_tick.start(m_intervalMs);
}

void StallMonitor::stop() {
    m_tick.stop();
    m_lastNs = -1;
}

void StallMonitor::reset() {
    std::fill(m_histogram.begin(), m_histogram.end(), 0);
    m_count = 0;
    m_maxMs = 0;
    m_lastNs = -1;
}

void StallMonitor::onTick() {
    const qint64 now = m_clock.nsecsElapsed();
    if (m_lastNs >= 0) {
        const double lateMs = double(now - m_lastNs) / 1e6 - m_intervalMs;
        addSample(std::max(0.0, lateMs));
    }
    m_lastNs = now;
}

void StallMonitor::addSample(double lateMs) {
    const auto bucket = std::min<qint64>(qint64(lateMs / BucketMs), BucketCount);
    ++m_histogram[size_t(bucket)];
    ++m_count;
    m_maxMs = std::max(m_maxMs, lateMs);
}

double StallMonitor::p99Ms() const {
    if (m_count == 0)
        return 0;
    const auto wanted = qint64(std::ceil(double(m_count) * 0.99));
    qint64 seen = 0;
    for (size_t i = 0; i < m_histogram.size(); ++i) {
        seen += m_histogram[i];
        if (seen >= wanted)
            return std::min(m_maxMs, double(i + 1) * BucketMs); // the bucket's upper edge, never above the max
    }
    return m_maxMs;
}

QByteArray StallMonitor::reportJson() const {
    const auto round2 = [](double v) { return std::round(v * 100.0) / 100.0; };
    QJsonObject o;
    o.insert(QStringLiteral("max_ms"), round2(maxMs()));
    o.insert(QStringLiteral("p99_ms"), round2(p99Ms()));
    o.insert(QStringLiteral("samples"), m_count);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<void> StallMonitor::writeReport(const QString &path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{Error::Io,
                     QStringLiteral("The stall report %1 cannot be written: %2").arg(path, file.errorString())};
    file.write(reportJson());
    file.write("\n");
    if (!file.commit())
        return Error{Error::Io,
                     QStringLiteral("The stall report %1 cannot be written: %2").arg(path, file.errorString())};
    return {};
}

void StallMonitor::reportTo(const QString &path, int periodMs) {
    m_reportPath = path;
    if (path.isEmpty()) {
        m_reportTimer.stop();
        return;
    }
    m_reportTimer.start(std::max(10, periodMs));
}

bool StallMonitor::startFromEnvironment() {
    const QString path = qEnvironmentVariable("OVERTEXT_STALL_REPORT");
    if (path.isEmpty())
        return false;
    if (!isRunning())
        start();
    reportTo(path);
    return true;
}

} // namespace overtext
