#include "util/stallmonitor.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace overtext;

namespace {
// Keeps the loop busy without sleeping, as real GUI-thread work would.
void blockFor(int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
    }
}
} // namespace

class TestStallMonitor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyMonitorReportsZeros() {
        StallMonitor m;
        QCOMPARE(m.samples(), 0);
        QCOMPARE(m.maxMs(), 0.0);
        QCOMPARE(m.p99Ms(), 0.0);
        const QJsonObject o = QJsonDocument::fromJson(m.reportJson()).object();
        QCOMPARE(o.keys(),
                 (QStringList{QStringLiteral("max_ms"), QStringLiteral("p99_ms"), QStringLiteral("samples")}));
    }

    void idleLoopHasSmallLateness() {
        StallMonitor m;
        m.start(5);
        QTRY_VERIFY_WITH_TIMEOUT(m.samples() >= 20, 5000);
        // An idle loop is late by scheduling noise only; a loaded CI box can add a few ms, never a stall we'd test for.
        QVERIFY2(m.p99Ms() < 100, qPrintable(QString::number(m.p99Ms())));
        QVERIFY(m.p99Ms() <= m.maxMs());
    }

    void blockedLoopIsSeenAndReported() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("stall.json"));
        qputenv("OVERTEXT_STALL_REPORT", path.toLocal8Bit());
        {
            StallMonitor m;
            QVERIFY(m.startFromEnvironment());
            QCOMPARE(m.reportPath(), path);
            QTRY_VERIFY_WITH_TIMEOUT(m.samples() >= 5, 5000);
            blockFor(120);
            QTRY_VERIFY_WITH_TIMEOUT(m.maxMs() >= 100, 5000);
            QVERIFY2(m.maxMs() < 5000, qPrintable(QString::number(m.maxMs())));

            // The periodic report appears within about a second.
            QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 5000);
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QJsonParseError err;
            const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &err).object();
            QCOMPARE(err.error, QJsonParseError::NoError);
            QCOMPARE(o.keys(),
                     (QStringList{QStringLiteral("max_ms"), QStringLiteral("p99_ms"), QStringLiteral("samples")}));
            QVERIFY(o.value(QStringLiteral("max_ms")).isDouble());
            QVERIFY(o.value(QStringLiteral("p99_ms")).isDouble());
            QVERIFY(o.value(QStringLiteral("samples")).isDouble());
            QVERIFY(o.value(QStringLiteral("max_ms")).toDouble() >= 100);
            QVERIFY(o.value(QStringLiteral("samples")).toInteger() >= 5);
            QFile::remove(path);
        }
        qunsetenv("OVERTEXT_STALL_REPORT");
        // Destroying the monitor writes a final report.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(o.value(QStringLiteral("max_ms")).toDouble() >= 100);
    }

    void p99IgnoresOneOutlierInMany() {
        StallMonitor m;
        m.start(1);
        QTRY_VERIFY_WITH_TIMEOUT(m.samples() >= 5, 5000);
        blockFor(120);
        QTRY_VERIFY_WITH_TIMEOUT(m.samples() >= 400, 10000);
        QVERIFY(m.maxMs() >= 100);
        QVERIFY2(m.p99Ms() < m.maxMs(), qPrintable(QString::number(m.p99Ms())));
    }

    void unwritableReportIsAnIoError() {
        StallMonitor m;
        const auto r = m.writeReport(QStringLiteral("/nonexistent-dir/stall.json"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Io);
    }
};

QTEST_GUILESS_MAIN(TestStallMonitor)
#include "tst_stallmonitor.moc"
