#include "engine/retrypolicy.h"

#include <QTest>

using namespace overtext;

class TestRetryPolicy : public QObject {
    Q_OBJECT
private:
    static Error err(Error::Code code, int status = 0, qint64 retryAfter = -1) {
        Error e;
        e.code = code;
        e.httpStatus = status;
        e.retryAfterMs = retryAfter;
        return e;
    }
private Q_SLOTS:
    void whatIsRetried_data() {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retried");
        QTest::newRow("rate limited") << int(Error::RateLimited) << 429 << true;
        QTest::newRow("503") << int(Error::Service) << 503 << true;
        QTest::newRow("500") << int(Error::Service) << 500 << true;
        QTest::newRow("400") << int(Error::Service) << 400 << false;
        QTest::newRow("404") << int(Error::Service) << 404 << false;
        QTest::newRow("service without status") << int(Error::Service) << 0 << false;
        QTest::newRow("network") << int(Error::Network) << 0 << true;
        QTest::newRow("timeout") << int(Error::Timeout) << 0 << true;
        QTest::newRow("auth") << int(Error::Auth) << 401 << false;
        QTest::newRow("parse") << int(Error::Parse) << 0 << false;
        QTest::newRow("cancelled") << int(Error::Cancelled) << 0 << false;
    }
    void whatIsRetried() {
        QFETCH(int, code);
        QFETCH(int, status);
        QFETCH(bool, retried);
        const Error e = err(Error::Code(code), status);
        QCOMPARE(RetryPolicy::isRetryable(e), retried);
        QCOMPARE(RetryPolicy().delayBeforeRetry(e, 1).has_value(), retried);
    }

    void retryAfterIsHonoured() {
        RetryPolicy p;
        QCOMPARE(p.delayBeforeRetry(err(Error::RateLimited, 429, 1234), 1).value_or(-1), qint64(1234));
        QCOMPARE(p.delayBeforeRetry(err(Error::RateLimited, 429, 10'000'000), 1).value_or(-1), p.maxRetryAfterMs);
        // Without a retry-after, a 429 backs off like the rest.
        const auto d = p.delayBeforeRetry(err(Error::RateLimited, 429), 1);
        QVERIFY(d && *d <= p.baseDelayMs);
    }

    void backoffGrowsWithFullJitterUnderTheCap() {
        RetryPolicy p;
        QCOMPARE(p.backoffCeiling(1), qint64(1000));
        QCOMPARE(p.backoffCeiling(2), qint64(2000));
        QCOMPARE(p.backoffCeiling(3), qint64(4000));
        QCOMPARE(p.backoffCeiling(5), qint64(16000));
        QCOMPARE(p.backoffCeiling(6), qint64(30000));
        QCOMPARE(p.backoffCeiling(60), qint64(30000));
        // Full jitter: delays spread over [0, ceiling], not bunched at the top.
        qint64 lo = 1 << 30, hi = 0;
        for (int i = 0; i < 2000; ++i) {
            const qint64 d = p.delayBeforeRetry(err(Error::Network), 3).value();
            QVERIFY(d >= 0 && d <= 4000);
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
        QVERIFY(lo < 400);
        QVERIFY(hi > 3600);
    }

    void attemptsAreBounded() {
        RetryPolicy p;
        p.maxAttempts = 5;
        QVERIFY(p.delayBeforeRetry(err(Error::Timeout), 4).has_value());
        QVERIFY(!p.delayBeforeRetry(err(Error::Timeout), 5).has_value());
        QVERIFY(p.delayBeforeRetry(err(Error::RateLimited, 429, 10), 9).has_value());
        QVERIFY(!p.delayBeforeRetry(err(Error::RateLimited, 429, 10), 10).has_value());
    }

    void configurableInMilliseconds() {
        RetryPolicy p;
        p.baseDelayMs = 2;
        p.maxDelayMs = 5;
        QCOMPARE(p.backoffCeiling(1), qint64(2));
        QCOMPARE(p.backoffCeiling(3), qint64(5));
        QVERIFY(p.delayBeforeRetry(err(Error::Service, 502), 3).value() <= 5);
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
