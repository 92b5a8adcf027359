#include "engine/documentjob.h"
#include "engine/scheduler.h"
#include "fakes/fakeprovider.h"
#include "fakes/runtask.h"
#include "store/translationcache.h"
#include "testpaths.h"

#include <QCoroTask>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace overtext;
using testsupport::await;
using testsupport::FakeProvider;

namespace {
const QString kCorpusPdf = QStringLiteral("/prose-en-pdkids-stories.pdf");

CacheKeyContext context(const QString &identity = QStringLiteral("fake/v1")) {
    return {identity, QStringLiteral("en"), QStringLiteral("es"), QString(), QString()};
}

struct JobRun {
    Result<void> result;
    DocumentTranslation doc;
    DocumentProgress progress;
};

JobRun runJob(const QString &pdf, const QString &pages, FakeProvider &provider, TranslationCache *cache) {
    SchedulerOptions o;
    o.targetLang = QStringLiteral("es");
    o.lingerMs = 20;
    Scheduler scheduler(&provider, o);
    DocumentJob job(QStringLiteral("d"), pdf, &scheduler, cache, context());
    job.setPageSpec(pages);
    auto r = await(job.run());
    return {r, job.translation(), job.progress()};
}

/// Reads JSON progress lines from a running overtext-cli until `until` says stop; returns the last object seen.
QJsonObject readProgress(QProcess &p, const std::function<bool(const QJsonObject &)> &until, int timeoutMs) {
    QJsonObject last;
    QElapsedTimer clock;
    clock.start();
    QByteArray buffer;
    while (clock.elapsed() < timeoutMs) {
        p.waitForReadyRead(100);
        buffer += p.readAllStandardError();
        qsizetype nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            const QByteArray line = buffer.left(nl);
            buffer.remove(0, nl + 1);
            const auto doc = QJsonDocument::fromJson(line);
            if (doc.isObject()) {
                last = doc.object();
                if (until(last))
                    return last;
            }
        }
        if (p.state() == QProcess::NotRunning && buffer.isEmpty())
            break;
    }
    return last;
}
} // namespace

class TestTranslationCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keyDependsOnEveryPart() {
        const CacheKeyContext base = context();
        const QByteArray k = TranslationCache::key(base, QStringLiteral("Hello"));
        QCOMPARE(k.size(), 64);
        QCOMPARE(TranslationCache::key(base, QStringLiteral("Hello")), k);
        QVERIFY(TranslationCache::key(base, QStringLiteral("Hello!")) != k);
        auto changed = [&](auto mutate) {
            CacheKeyContext c = base;
            mutate(c);
            return TranslationCache::key(c, QStringLiteral("Hello")) != k;
        };
        QVERIFY(changed([](CacheKeyContext &c) { c.providerIdentity = QStringLiteral("openai/gpt-4o"); }));
        QVERIFY(changed([](CacheKeyContext &c) { c.sourceLang = QStringLiteral("fr"); }));
        QVERIFY(changed([](CacheKeyContext &c) { c.targetLang = QStringLiteral("de"); }));
        QVERIFY(changed([](CacheKeyContext &c) { c.instruction = QStringLiteral("formal"); }));
        QVERIFY(changed([](CacheKeyContext &c) { c.glossaryDigest = QStringLiteral("abc"); }));
        // No ambiguity from concatenation.
        CacheKeyContext a = base, b = base;
        a.instruction = QStringLiteral("ab");
        a.glossaryDigest = QStringLiteral("c");
        b.instruction = QStringLiteral("a");
        b.glossaryDigest = QStringLiteral("bc");
        QVERIFY(TranslationCache::key(a, QStringLiteral("x")) != TranslationCache::key(b, QStringLiteral("x")));
    }

    void storeLookupAndPersistInWal() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/cache.sqlite"));
        QList<QByteArray> keys;
        {
            TranslationCache cache;
            QVERIFY(await(cache.open(path)).ok());
            QList<CacheEntry> entries;
            for (int i = 0; i < 1000; ++i) {
                const QByteArray k = TranslationCache::key(context(), QStringLiteral("text %1").arg(i));
                keys.append(k);
                entries.append({k, QStringLiteral("texto %1").arg(i)});
            }
            QVERIFY(await(cache.store(entries)).ok());
        }
        TranslationCache cache;
        QVERIFY(await(cache.open(path)).ok());
        QList<QByteArray> asked = keys;
        asked.append(TranslationCache::key(context(), QStringLiteral("never stored")));
        const auto found = await(cache.lookup(asked));
        QCOMPARE(found.size(), 1000);
        QCOMPARE(found.value(keys[417]), QStringLiteral("texto 417"));

        // WAL is a property of the file: a second connection sees it.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM translations")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1000);
            // No column could hold a secret: the schema is key, translation, created.
            QVERIFY(q.exec(QStringLiteral("SELECT * FROM translations LIMIT 1")) && q.next());
            QCOMPARE(q.record().count(), 3);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    }

    void sqliteWorkNeverBlocksTheCallersLoop() {
        QTemporaryDir dir;
        TranslationCache cache;
        QVERIFY(await(cache.open(dir.filePath(QStringLiteral("c.sqlite")))).ok());
        QList<CacheEntry> entries;
        QList<QByteArray> keys;
        for (int i = 0; i < 30000; ++i) {
            keys.append(TranslationCache::key(context(), QStringLiteral("sentence %1").arg(i)));
            entries.append({keys.last(), QStringLiteral("frase %1 ").arg(i).repeated(8)});
        }
        // A 2 ms ticker on this thread: if SQLite ran here, the ticks would stall for the whole transaction.
        QElapsedTimer sinceTick;
        sinceTick.start();
        qint64 worstGap = 0;
        int ticks = 0;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        connect(&ticker, &QTimer::timeout, this, [&] {
            worstGap = std::max(worstGap, sinceTick.restart());
            ++ticks;
        });
        ticker.start(2);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(await(cache.store(entries)).ok());
        QCOMPARE(await(cache.lookup(keys)).size(), 30000);
        ticker.stop();
        qInfo("30000 stored and looked up in %lld ms; %d ticks, worst gap %lld ms", clock.elapsed(), ticks, worstGap);
        QVERIFY(ticks > 5);
        QVERIFY2(worstGap < 150, qPrintable(QString::number(worstGap))); // the transaction alone takes far longer
    }

    void openFailsClearly() {
        QTemporaryDir dir;
        const QString notDb = dir.filePath(QStringLiteral("x.sqlite"));
        QFile f(notDb);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        TranslationCache cache;
        auto r = await(cache.open(notDb));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Io);
        QVERIFY2(r.error().message.contains(notDb), qPrintable(r.error().message));
        QVERIFY(!cache.isOpen());
    }

    void correctionsAreKeptApart() {
        QTemporaryDir dir;
        TranslationCache cache;
        QVERIFY(await(cache.open(dir.filePath(QStringLiteral("c.sqlite")))).ok());
        const QByteArray k1 = TranslationCache::key(context(), QStringLiteral("one"));
        const QByteArray k2 = TranslationCache::key(context(), QStringLiteral("two"));
        QVERIFY(await(cache.storeCorrection(QStringLiteral("docA"), QStringLiteral("p1-b1"), QByteArray(),
                                            QStringLiteral("uno (corregido)")))
                    .ok());
        QVERIFY(await(cache.storeCorrection(QString(), QString(), k2, QStringLiteral("dos (corregido)"))).ok());
        const auto a = await(
            cache.corrections(QStringLiteral("docA"), {{QStringLiteral("p1-b1"), k1}, {QStringLiteral("p1-b2"), k2}}));
        QCOMPARE(a.value(QStringLiteral("p1-b1")), QStringLiteral("uno (corregido)"));
        QCOMPARE(a.value(QStringLiteral("p1-b2")), QStringLiteral("dos (corregido)")); // by key, any document
        const auto b = await(cache.corrections(QStringLiteral("docB"), {{QStringLiteral("p1-b1"), k1}}));
        QVERIFY(b.isEmpty()); // the segment correction belongs to document A only
        // Machine lookups never see corrections.
        QVERIFY(await(cache.lookup({k1, k2})).isEmpty());
    }

    void rerunSendsNothingAndCorrectionsWin() {
        const QString pdf = testpaths::corpusDir() + kCorpusPdf;
        if (!QFile::exists(pdf))
            QSKIP("corpus not available");
        QTemporaryDir dir;
        TranslationCache cache;
        QVERIFY(await(cache.open(dir.filePath(QStringLiteral("c.sqlite")))).ok());

        FakeProvider first;
        first.latencyMs = 5;
        first.budget = 600;
        const JobRun one = runJob(pdf, QStringLiteral("1-2"), first, &cache);
        QVERIFY(one.result.ok());
        QVERIFY(first.calls.size() > 1);
        QVERIFY(one.progress.total > 10);
        QCOMPARE(one.progress.done, one.progress.total);
        QCOMPARE(one.progress.stored, one.progress.total); // every batch committed before run() ends
        QCOMPARE(one.progress.cached, 0);
        const SegmentTranslation &s0 = one.doc.segments.first();
        QCOMPARE(s0.status, SegmentStatus::Done);
        QCOMPARE(s0.translation, QStringLiteral("ES:") + s0.segment.text);

        // The user corrects one segment of this document.
        const auto fp = await(TranslationCache::fingerprintFile(pdf));
        QVERIFY(fp.ok());
        const QString corrected = one.doc.segments.at(2).segment.id;
        QVERIFY(await(cache.storeCorrection(fp.value(), corrected, QByteArray(), QStringLiteral("¡Corregido!"))).ok());

        FakeProvider second;
        const JobRun two = runJob(pdf, QStringLiteral("1-2"), second, &cache);
        QVERIFY(two.result.ok());
        QCOMPARE(second.calls.size(), 0); // nothing is sent again
        QCOMPARE(two.progress.cached, one.progress.total);
        QCOMPARE(two.progress.requests, 0);
        const SegmentTranslation *c = two.doc.find(corrected);
        QVERIFY(c);
        QCOMPARE(c->translation, QStringLiteral("¡Corregido!"));
        QVERIFY(c->corrected);

        // A different target language is a different key: everything is sent.
        FakeProvider third;
        SchedulerOptions o;
        o.targetLang = QStringLiteral("de");
        Scheduler s(&third, o);
        CacheKeyContext de = context();
        de.targetLang = QStringLiteral("de");
        DocumentJob job(QStringLiteral("d"), pdf, &s, &cache, de);
        job.setPageSpec(QStringLiteral("1"));
        QVERIFY(await(job.run()).ok());
        QVERIFY(third.calls.size() > 0);
    }

    void sigkillLosesNothingFinished() {
        const QString pdf = testpaths::corpusDir() + kCorpusPdf;
        if (!QFile::exists(pdf))
            QSKIP("corpus not available");
        if (QStandardPaths::findExecutable(QStringLiteral("apertium")).isEmpty())
            QSKIP("apertium not installed");
        QTemporaryDir dir;
        const QString cachePath = dir.filePath(QStringLiteral("kill.sqlite"));
        // Slow enough to be killed in the middle: one request every 3 s, one batch at a time.
        QStringList args = {QStringLiteral("translate"),  pdf,
                            QStringLiteral("--to"),       QStringLiteral("es"),
                            QStringLiteral("--pages"),    QStringLiteral("1-30"),
                            QStringLiteral("--cache"),    cachePath,
                            QStringLiteral("--progress"), QStringLiteral("json")};
        QProcess victim;
        victim.start(testpaths::cli(), args + QStringList{QStringLiteral("--concurrency"), QStringLiteral("1"),
                                                          QStringLiteral("--rpm"), QStringLiteral("20")});
        QVERIFY(victim.waitForStarted());
        const QJsonObject atKill = readProgress(
            victim, [](const QJsonObject &o) { return o.value(QStringLiteral("stored")).toInt() > 0; }, 20000);
        const int storedAtKill = atKill.value(QStringLiteral("stored")).toInt();
        const int total = atKill.value(QStringLiteral("total")).toInt();
        QVERIFY2(victim.state() == QProcess::Running, "finished before it could be killed");
        ::kill(pid_t(victim.processId()), SIGKILL);
        QVERIFY(victim.waitForFinished(5000));
        QCOMPARE(victim.exitStatus(), QProcess::CrashExit);
        QVERIFY(storedAtKill > 0);
        QVERIFY2(storedAtKill < total, "the whole document was done before the kill");

        QProcess rerun;
        rerun.start(testpaths::cli(), args);
        QVERIFY(rerun.waitForStarted());
        const QJsonObject last = readProgress(
            rerun, [](const QJsonObject &) { return false; }, 25000);
        if (rerun.state() != QProcess::NotRunning)
            QVERIFY(rerun.waitForFinished(25000));
        QCOMPARE(rerun.exitStatus(), QProcess::NormalExit);
        QCOMPARE(rerun.exitCode(), 0);
        // Everything committed before the kill came from the cache, so it was not sent again.
        QVERIFY2(last.value(QStringLiteral("cached")).toInt() >= storedAtKill,
                 QJsonDocument(last).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(last.value(QStringLiteral("done")).toInt(), last.value(QStringLiteral("total")).toInt());
        QVERIFY(last.value(QStringLiteral("requests")).toInt() >= 1);
        qInfo("killed with %d of %d stored; the rerun found %d in the cache and made %d request(s)", storedAtKill,
              total, last.value(QStringLiteral("cached")).toInt(), last.value(QStringLiteral("requests")).toInt());
    }
};

QTEST_MAIN(TestTranslationCache)
#include "tst_translationcache.moc"
