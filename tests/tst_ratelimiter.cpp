#include "engine/ratelimiter.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

using namespace overtext;

class TestRateLimiter : public QObject {
    Q_OBJECT
private:
    // Runs `count` acquires as concurrent coroutines and returns the elapsed ms when each was admitted.
    static QList<qint64> admitTimes(RateLimiter &limiter, int count, qint64 tokens, bool *loopRan = nullptr) {
        QElapsedTimer clock;
        clock.start();
        QList<qint64> times;
        int ticks = 0;
        QTimer ticker; // proves the waits never block the event loop
        QObject::connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
        ticker.start(5);
        for (int i = 0; i < count; ++i)
            limiter.acquire(tokens).then([&times, &clock](bool) { times.append(clock.elapsed()); });
        if (!QTest::qWaitFor([&] { return times.size() == count; }, 10000))
            qWarning("admitTimes: timed out");
        if (loopRan)
            *loopRan = ticks > 0;
        return times;
    }

private Q_SLOTS:
    void unlimitedAdmitsAtOnce() {
        RateLimiter limiter;
        QVERIFY(limiter.isUnlimited());
        const auto times = admitTimes(limiter, 100, 1000);
        QVERIFY(times.last() < 50);
    }

    void requestsPerMinuteSpacesCalls() {
        // 6000 rpm = one request per 10 ms; a burst of 50 ms holds 5.
        RateLimiter limiter({6000, 0, 50});
        bool loopRan = false;
        const auto times = admitTimes(limiter, 25, 0, &loopRan);
        QVERIFY(loopRan);
        // 5 at once, then 20 more at 10 ms each: about 200 ms.
        QVERIFY2(times.last() >= 190, qPrintable(QString::number(times.last())));
        QVERIFY2(times.last() < 600, qPrintable(QString::number(times.last())));
        QVERIFY(times.at(4) < 30);
        // First come, first served.
        for (int i = 1; i < times.size(); ++i)
            QVERIFY(times[i] >= times[i - 1]);
    }

    void tokensPerMinuteSpacesCalls() {
        // 600000 tpm = 10 tokens per ms; bucket of 100 ms = 1000 tokens; each call costs 500 tokens (50 ms).
        RateLimiter limiter({0, 600000, 100});
        const auto times = admitTimes(limiter, 8, 500);
        // Two fit the bucket, six more at 50 ms each: about 300 ms.
        QVERIFY2(times.last() >= 290, qPrintable(QString::number(times.last())));
        QVERIFY2(times.last() < 700, qPrintable(QString::number(times.last())));
    }

    void oversizedCostIsClamped() {
        RateLimiter limiter({0, 60000, 100}); // 1 token per ms, bucket 100
        const auto times = admitTimes(limiter, 2, 1000000);
        QVERIFY2(times.last() < 400, qPrintable(QString::number(times.last())));
    }

    void holdForDelaysEveryone() {
        RateLimiter limiter;
        limiter.holdFor(150);
        QVERIFY(limiter.delayFor(0) > 100);
        const auto times = admitTimes(limiter, 3, 0);
        QVERIFY(times.first() >= 140);
    }

    void cancelStopsWaiting() {
        RateLimiter limiter({60, 0, 1000}); // one a second
        CancelToken cancel;
        bool first = false, second = true, done = false;
        limiter.acquire(0, cancel).then([&](bool ok) { first = ok; });
        QElapsedTimer clock;
        clock.start();
        limiter.acquire(0, cancel).then([&](bool ok) {
            second = ok;
            done = true;
        });
        QTimer::singleShot(100, [cancel] { cancel.cancel(); });
        QTRY_VERIFY_WITH_TIMEOUT(done, 2000);
        QVERIFY(first);
        QVERIFY(!second);
        QVERIFY(clock.elapsed() < 500);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
