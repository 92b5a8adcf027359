#include "engine/scheduler.h"
#include "fakes/fakeprovider.h"

#include <QSignalSpy>
#include <QTest>

using namespace overtext;
using testsupport::FakeProvider;
using testsupport::makeError;
using testsupport::makeUnits;

namespace {
/// Collects what the scheduler reports, and checks every unit is reported once.
struct Recorder {
    QHash<QString, QString> done;   // "doc/unit" -> translation
    QHash<QString, QString> failed; // "doc/unit" -> reason
    QStringList finished;
    QStringList errors;
    QHash<QString, QString> partial;
    int duplicates = 0;

    explicit Recorder(Scheduler &s) {
        QObject::connect(&s, &Scheduler::unitDone, [this](const QString &d, const QString &u, const QString &t) {
            const QString k = d + QLatin1Char('/') + u;
            if (done.contains(k) || failed.contains(k))
                ++duplicates;
            done.insert(k, t);
        });
        QObject::connect(&s, &Scheduler::unitFailed, [this](const QString &d, const QString &u, const QString &r) {
            const QString k = d + QLatin1Char('/') + u;
            if (done.contains(k) || failed.contains(k))
                ++duplicates;
            failed.insert(k, r);
        });
        QObject::connect(&s, &Scheduler::unitPartial, [this](const QString &d, const QString &u, const QString &t) {
            partial.insert(d + QLatin1Char('/') + u, t);
        });
        QObject::connect(&s, &Scheduler::documentFinished, [this](const QString &d) { finished.append(d); });
        QObject::connect(&s, &Scheduler::error, [this](const QString &m) { errors.append(m); });
    }
    int settled() const { return int(done.size() + failed.size()); }
};

SchedulerOptions fastOptions(int concurrency = 8) {
    SchedulerOptions o;
    o.concurrency = concurrency;
    o.sourceLang = QStringLiteral("en");
    o.targetLang = QStringLiteral("es");
    o.retry.baseDelayMs = 5;
    o.retry.maxDelayMs = 20;
    o.lingerMs = 30;
    return o;
}
} // namespace

class TestScheduler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyUnitSettlesOnceAndNoneIsAskedTwice() {
        FakeProvider provider;
        provider.budget = 200; // about 5 units a batch
        Scheduler s(&provider, fastOptions(4));
        Recorder r(s);
        QList<DocumentProgress> progressA;
        connect(&s, &Scheduler::progress, this, [&](const QString &d, const DocumentProgress &p) {
            if (d == QLatin1String("A"))
                progressA.append(p);
        });
        for (const QString &d : {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")}) {
            s.addUnits(d, makeUnits(50));
            s.finishInput(d);
        }
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 3, 10000);
        QCOMPARE(r.settled(), 150);
        QCOMPARE(r.failed.size(), 0);
        QCOMPARE(r.duplicates, 0);
        QCOMPARE(r.done.value(QStringLiteral("B/u7")), QStringLiteral("ES:This is sentence number 7 of the text."));
        for (auto it = provider.asked.cbegin(); it != provider.asked.cend(); ++it)
            QVERIFY2(it.value() == 3, qPrintable(it.key())); // once per document (3 documents share unit ids)
        // Batches are packed up to the budget, never split a unit, and keep document order.
        for (const QStringList &call : std::as_const(provider.calls)) {
            QVERIFY(call.size() >= 1 && call.size() <= 5);
            for (int i = 1; i < call.size(); ++i)
                QCOMPARE(call[i].mid(1).toInt(), call[i - 1].mid(1).toInt() + 1);
        }
        QVERIFY(provider.calls.size() <= 3 * 11);
        const DocumentProgress last = s.documentProgress(QStringLiteral("A"));
        QCOMPARE(last.done, 50);
        QCOMPARE(last.total, 50);
        QVERIFY(last.requests >= 10);
        QVERIFY(last.inputTokens > 0);
        QCOMPARE(last.etaSeconds, 0.0);
        QVERIFY(!progressA.isEmpty());
        QVERIFY(std::any_of(progressA.cbegin(), progressA.cend(),
                            [](const DocumentProgress &p) { return p.etaSeconds > 0; }));
    }

    void partialTextIsForwarded() {
        FakeProvider provider;
        provider.streamPartials = true;
        Scheduler s(&provider, fastOptions());
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(3));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.partial.size(), 3);
        QVERIFY(r.partial.value(QStringLiteral("A/u1")).startsWith(QLatin1String("ES:This")));
    }

    void missingUnitIsResentAloneOnceThenFailed() {
        FakeProvider provider;
        provider.budget = 10000;
        provider.dropOnce = {QStringLiteral("u3")};
        provider.dropAlways = {QStringLiteral("u5")};
        Scheduler s(&provider, fastOptions());
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(8));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.settled(), 8);
        QCOMPARE(r.duplicates, 0);
        QCOMPARE(provider.asked.value(QStringLiteral("u3")), 2);
        QCOMPARE(provider.asked.value(QStringLiteral("u5")), 2);
        QCOMPARE(provider.asked.value(QStringLiteral("u4")), 1);
        QVERIFY(provider.calls.contains(QStringList{QStringLiteral("u3")})); // re-sent alone
        QVERIFY(provider.calls.contains(QStringList{QStringLiteral("u5")}));
        QVERIFY(r.done.contains(QStringLiteral("A/u3")));
        QVERIFY2(r.failed.value(QStringLiteral("A/u5")).contains(QLatin1String("no translation")),
                 qPrintable(r.failed.value(QStringLiteral("A/u5"))));
    }

    void suspiciousAnswerIsResentOnceThenAccepted() {
        FakeProvider provider;
        provider.budget = 10000;
        provider.echoOnce = {QStringLiteral("u1")};
        provider.echoAlways = {QStringLiteral("u2")};
        Scheduler s(&provider, fastOptions());
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(4));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.failed.size(), 0);
        QCOMPARE(provider.asked.value(QStringLiteral("u1")), 2);
        QCOMPARE(provider.asked.value(QStringLiteral("u2")), 2);
        QCOMPARE(provider.asked.value(QStringLiteral("u0")), 1);
        QVERIFY(r.done.value(QStringLiteral("A/u1")).startsWith(QLatin1String("ES:"))); // the better second answer
        QCOMPARE(r.done.value(QStringLiteral("A/u2")), makeUnits(4)[2].text);           // accepted after one re-send
    }

    void rateLimitedRetryHonoursRetryAfter() {
        FakeProvider provider;
        provider.latencyMs = 5;
        provider.errors = {makeError(Error::RateLimited, QStringLiteral("slow down"), 429, 300)};
        Scheduler s(&provider, fastOptions(1));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(2));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.done.size(), 2);
        QCOMPARE(provider.calls.size(), 2);
        const qint64 gap = provider.callTimes[1] - provider.callTimes[0];
        QVERIFY2(gap >= 300 && gap < 800, qPrintable(QString::number(gap)));
        QCOMPARE(s.documentProgress(QStringLiteral("A")).requests, 2);
    }

    void serverErrorsRetriedClientErrorsNot() {
        FakeProvider provider;
        provider.latencyMs = 2;
        provider.errors = {makeError(Error::Service, QStringLiteral("bad gateway"), 502),
                           makeError(Error::Network, QStringLiteral("connection reset")),
                           makeError(Error::Timeout, QStringLiteral("timed out"))};
        Scheduler s(&provider, fastOptions(1));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(2));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.done.size(), 2);
        QCOMPARE(provider.calls.size(), 4);

        FakeProvider p2;
        p2.latencyMs = 2;
        p2.errors = {
            makeError(Error::Service, QStringLiteral("The service refused the request (400): bad model"), 400)};
        Scheduler s2(&p2, fastOptions(1));
        Recorder r2(s2);
        s2.addUnits(QStringLiteral("A"), makeUnits(2));
        s2.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r2.finished.size(), 1);
        QCOMPARE(p2.calls.size(), 1);
        QCOMPARE(r2.failed.size(), 2);
        QVERIFY(r2.failed.value(QStringLiteral("A/u0")).contains(QLatin1String("bad model")));
        QVERIFY(r2.errors.isEmpty());
    }

    void unreadableBatchAnswerIsAskedUnitByUnit() {
        FakeProvider provider;
        provider.latencyMs = 2;
        provider.budget = 10000;
        provider.errors = {makeError(Error::Parse, QStringLiteral("the answer was not JSON"))};
        Scheduler s(&provider, fastOptions(1));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(3));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.done.size(), 3);
        QCOMPARE(provider.calls.size(), 4); // the batch, then each unit alone
        QCOMPARE(provider.calls.at(1), QStringList{QStringLiteral("u0")});
    }

    void retriesAreBounded() {
        FakeProvider provider;
        provider.latencyMs = 1;
        for (int i = 0; i < 10; ++i)
            provider.errors.append(makeError(Error::Service, QStringLiteral("unavailable"), 503));
        Scheduler s(&provider, fastOptions(1));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(1));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(provider.calls.size(), 5);
        QCOMPARE(r.failed.value(QStringLiteral("A/u0")), QStringLiteral("unavailable"));
    }

    void authErrorStopsTheRunWithOneMessage() {
        FakeProvider provider;
        provider.budget = 100;
        const QString message = QStringLiteral("The API key was rejected (401). Check OPENAI_API_KEY.");
        provider.errors = {makeError(Error::Auth, message, 401)};
        Scheduler s(&provider, fastOptions(1));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(20));
        s.finishInput(QStringLiteral("A"));
        s.addUnits(QStringLiteral("B"), makeUnits(5));
        s.finishInput(QStringLiteral("B"));
        QTRY_COMPARE(r.finished.size(), 2);
        QCOMPARE(r.errors, QStringList{message});
        QCOMPARE(provider.calls.size(), 1);
        QCOMPARE(r.failed.size(), 25);
        for (const QString &reason : std::as_const(r.failed))
            QCOMPARE(reason, message);
        // Later units fail at once with the same message.
        s.addUnits(QStringLiteral("C"), makeUnits(1));
        QCOMPARE(r.failed.value(QStringLiteral("C/u0")), message);
        QCOMPARE(r.errors.size(), 1);
        QVERIFY(s.isStopped());
    }

    void cancelOneDocument() {
        FakeProvider provider;
        provider.latencyMs = 80;
        provider.budget = 50; // one unit a batch
        Scheduler s(&provider, fastOptions(2));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(10));
        s.finishInput(QStringLiteral("A"));
        s.addUnits(QStringLiteral("B"), makeUnits(3));
        s.finishInput(QStringLiteral("B"));
        QTest::qWait(100);
        s.cancelDocument(QStringLiteral("A"));
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 2, 5000);
        QCOMPARE(r.duplicates, 0);
        int cancelled = 0;
        for (int i = 0; i < 10; ++i) {
            const QString k = QStringLiteral("A/u%1").arg(i);
            QVERIFY(r.done.contains(k) || r.failed.contains(k));
            cancelled += r.failed.value(k) == QLatin1String("cancelled");
        }
        QVERIFY(cancelled >= 7);
        QCOMPARE(r.done.size() - (10 - cancelled), 3); // all of B
        QTest::qWait(150);                             // answers still in flight for A are dropped, not reported
        QCOMPARE(r.duplicates, 0);
    }

    void cancelEverythingThroughCallerToken() {
        FakeProvider provider;
        provider.latencyMs = 50;
        provider.budget = 50;
        Scheduler s(&provider, fastOptions(2));
        Recorder r(s);
        CancelToken token;
        s.addDocument(QStringLiteral("A"), token);
        s.addUnits(QStringLiteral("A"), makeUnits(6));
        s.finishInput(QStringLiteral("A"));
        s.addUnits(QStringLiteral("B"), makeUnits(6));
        s.finishInput(QStringLiteral("B"));
        QTest::qWait(20);
        token.cancel(); // the provider sees it and answers Cancelled; the units fail as cancelled
        s.cancelAll();
        QTRY_COMPARE(r.finished.size(), 2);
        QCOMPARE(r.settled(), 12);
        QCOMPARE(r.done.size(), 0);
        QTRY_COMPARE(s.batchesInFlight(), 0);
    }

    void pauseStopsDispatchResumeContinues() {
        FakeProvider provider;
        provider.latencyMs = 30;
        provider.budget = 50;
        Scheduler s(&provider, fastOptions(2));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(10));
        s.finishInput(QStringLiteral("A"));
        QTRY_VERIFY(r.done.size() >= 2);
        s.pause();
        QVERIFY(s.isPaused());
        QTRY_COMPARE(s.batchesInFlight(), 0); // in-flight ones finish
        const int callsAtPause = int(provider.calls.size());
        QTest::qWait(150);
        QCOMPARE(provider.calls.size(), callsAtPause);
        QVERIFY(r.done.size() < 10);
        s.resume();
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(r.done.size(), 10);
    }

    void streamingInputWaitsForMoreThenGoes() {
        FakeProvider provider;
        provider.budget = 10000;
        auto opts = fastOptions();
        opts.lingerMs = 100;
        Scheduler s(&provider, opts);
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(2, QStringLiteral("a")));
        QTest::qWait(30);
        s.addUnits(QStringLiteral("A"), makeUnits(2, QStringLiteral("b")));
        QTRY_COMPARE(r.done.size(), 4);
        QCOMPARE(provider.calls.size(), 1); // the linger packed both pages into one batch
        QVERIFY(r.finished.isEmpty());      // more may come
        s.finishInput(QStringLiteral("A"));
        QCOMPARE(r.finished, QStringList{QStringLiteral("A")});
    }

    void concurrency32MeansThirtyTwoInFlight() {
        FakeProvider provider;
        provider.latencyMs = 150;
        provider.budget = 50; // one unit a batch
        Scheduler s(&provider, fastOptions(32));
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(100));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 1, 10000);
        QCOMPARE(provider.maxInFlight, 32);
        QCOMPARE(r.done.size(), 100);
    }

    void rateLimitSpacesRequests() {
        FakeProvider provider;
        provider.latencyMs = 1;
        provider.budget = 50;
        auto opts = fastOptions(8);
        opts.rateLimits = {600, 0, 100}; // 10 a second, one at a time
        Scheduler s(&provider, opts);
        Recorder r(s);
        s.addUnits(QStringLiteral("A"), makeUnits(6));
        s.finishInput(QStringLiteral("A"));
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 1, 5000);
        const qint64 span = provider.callTimes.last() - provider.callTimes.first();
        QVERIFY2(span >= 450, qPrintable(QString::number(span)));
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
