#pragma once

#include "engine/ratelimiter.h"
#include "translate/provider.h"

#include <QCoroTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <chrono>

namespace testsupport {

/// An in-process Provider for engine tests and benchmarks: answers after a timer ("ES:" + source), and can fail with
/// queued errors, drop ids, echo the source, and record what it was asked. Lives on the test's thread.
class FakeProvider : public overtext::Provider {
    Q_OBJECT
public:
    using Provider::Provider;

    int latencyMs = 20;
    int budget = 200;
    bool exactTimer = false;       ///< bench: one precise timer instead of a cancellable sleep
    QList<overtext::Error> errors; ///< returned by the next calls, one each, before any success
    QSet<QString> dropOnce;        ///< ids left out of the first answer that contains them
    QSet<QString> dropAlways;      ///< ids never answered
    QSet<QString> echoOnce;        ///< ids answered with the unchanged source the first time
    QSet<QString> echoAlways;      ///< ids always answered with the unchanged source
    bool streamPartials = false;

    QList<QStringList> calls;  ///< ids of every call, in call order
    QList<qint64> callTimes;   ///< ms since construction when each call started
    QList<qint64> callNs;      ///< ns since construction: when each call started
    QList<qint64> answerNs;    ///< ns since construction: when each call's wait ended
    QHash<QString, int> asked; ///< how often each id was sent
    int inFlight = 0;
    int maxInFlight = 0;
    QElapsedTimer clock = started();

    QString name() const override { return QStringLiteral("fake"); }
    QString cacheIdentity() const override { return QStringLiteral("fake/v1"); }
    int batchBudgetChars() const override { return budget; }

    QCoro::Task<overtext::Result<overtext::TranslationBatchResult>>
    translate(overtext::TranslationRequest request, overtext::PartialSink sink, overtext::CancelToken cancel) override {
        QStringList ids;
        for (const auto &u : std::as_const(request.units)) {
            ids.append(u.id);
            ++asked[u.id];
        }
        calls.append(ids);
        callTimes.append(clock.elapsed());
        callNs.append(clock.nsecsElapsed());
        ++inFlight;
        maxInFlight = std::max(maxInFlight, inFlight);
        bool completed = true;
        if (exactTimer) {
            QTimer timer; // named, not a temporary inside co_await (GCC 12); precise, not coarse
            timer.setTimerType(Qt::PreciseTimer);
            timer.setSingleShot(true);
            timer.start(latencyMs);
            co_await timer;
        } else
            completed = co_await overtext::sleepUnlessCancelled(latencyMs, cancel);
        --inFlight;
        answerNs.append(clock.nsecsElapsed());
        if (!completed || cancel.isCancelled())
            co_return overtext::Error{overtext::Error::Cancelled, QStringLiteral("cancelled")};
        if (!errors.isEmpty())
            co_return errors.takeFirst();
        overtext::TranslationBatchResult result;
        for (const auto &u : std::as_const(request.units)) {
            if (dropAlways.contains(u.id) || dropOnce.remove(u.id))
                continue;
            QString text = QStringLiteral("ES:") + u.text;
            if (echoAlways.contains(u.id) || echoOnce.remove(u.id))
                text = u.text;
            if (streamPartials && sink)
                sink(u.id, text.left(text.size() / 2));
            result.translations.insert(u.id, text);
            result.inputTokens += u.text.size() / 4;
            result.outputTokens += text.size() / 4;
        }
        co_return result;
    }

private:
    static QElapsedTimer started() {
        QElapsedTimer t;
        t.start();
        return t;
    }
};

inline overtext::Error makeError(overtext::Error::Code code, const QString &message, int status = 0,
                                 qint64 retryAfterMs = -1) {
    overtext::Error e;
    e.code = code;
    e.message = message;
    e.httpStatus = status;
    e.retryAfterMs = retryAfterMs;
    return e;
}

/// Units "u0".."u<n-1>" with distinct sentences of about 40 characters.
inline QList<overtext::TranslationUnit> makeUnits(int n, const QString &prefix = QStringLiteral("u")) {
    QList<overtext::TranslationUnit> units;
    for (int i = 0; i < n; ++i)
        units.append({prefix + QString::number(i), QStringLiteral("This is sentence number %1 of the text.").arg(i)});
    return units;
}

} // namespace testsupport
