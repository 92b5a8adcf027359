#include "engine/documentjob.h"
#include "engine/scheduler.h"
#include "fakes/fakeprovider.h"
#include "fakes/runtask.h"
#include "testpaths.h"

#include <QEventLoop>
#include <QSet>
#include <QTest>
#include <QTimer>

using namespace overtext;
using testsupport::await;
using testsupport::FakeProvider;

namespace {
QString corpusPdf() {
    return testpaths::corpusDir() + QStringLiteral("/prose-en-pdkids-stories.pdf");
}

SchedulerOptions options() {
    SchedulerOptions o;
    o.targetLang = QStringLiteral("es");
    o.lingerMs = 20;
    return o;
}

CacheKeyContext context() {
    return {QStringLiteral("fake/v1"), QStringLiteral("en"), QStringLiteral("es"), {}, {}};
}
} // namespace

class TestDocumentJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        if (!QFile::exists(corpusPdf()))
            QSKIP("corpus not available");
    }

    void everySegmentEndsWithAStatusAndStreamsOnTheWay() {
        FakeProvider provider;
        provider.streamPartials = true;
        provider.budget = 800;
        Scheduler scheduler(&provider, options());
        DocumentJob job(QStringLiteral("d"), corpusPdf(), &scheduler, nullptr, context());
        job.setPageSpec(QStringLiteral("1-3"));
        QSet<QString> sawStreaming;
        connect(&job, &DocumentJob::segmentUpdated, this, [&](const QString &, const QString &id) {
            if (job.translation().find(id)->status == SegmentStatus::Streaming)
                sawStreaming.insert(id);
        });
        int finished = 0;
        connect(&job, &DocumentJob::finished, this, [&finished] { ++finished; });
        QVERIFY(await(job.run()).ok());
        QCOMPARE(finished, 1);
        const DocumentTranslation &doc = job.translation();
        QVERIFY(doc.segments.size() > 20);
        int prose = 0;
        int pages = 0;
        for (const SegmentTranslation &s : doc.segments) {
            pages = std::max(pages, s.segment.page);
            if (s.segment.kind == SegmentKind::Prose) {
                ++prose;
                QCOMPARE(s.status, SegmentStatus::Done);
                QCOMPARE(s.translation, QStringLiteral("ES:") + s.segment.text);
                QVERIFY(!s.cached);
            } else {
                QCOMPARE(s.status, SegmentStatus::Skipped); // never sent
                QVERIFY(!provider.asked.contains(s.segment.id));
            }
        }
        QCOMPARE(pages, 3);
        QCOMPARE(sawStreaming.size(), prose); // the provider's partial text reached the document
        const DocumentProgress p = job.progress();
        QCOMPARE(p.done, prose);
        QCOMPARE(p.total, prose);
        QCOMPARE(p.failed, 0);
        QCOMPARE(p.stored, 0); // no cache
        QCOMPARE(p.requests, int(provider.calls.size()));
    }

    void cancelSettlesEverySegment() {
        FakeProvider provider;
        provider.latencyMs = 100;
        provider.budget = 300;
        auto o = options();
        o.concurrency = 2;
        Scheduler scheduler(&provider, o);
        DocumentJob job(QStringLiteral("d"), corpusPdf(), &scheduler, nullptr, context());
        job.setPageSpec(QStringLiteral("1-5"));
        connect(
            &scheduler, &Scheduler::unitDone, &job, [&job] { job.cancel(); }, Qt::SingleShotConnection);
        auto result = await(job.run());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Cancelled);
        int done = 0, cancelled = 0;
        for (const SegmentTranslation &s : job.translation().segments) {
            if (s.status == SegmentStatus::Done)
                ++done;
            else if (s.status == SegmentStatus::Failed && s.reason == QLatin1String("cancelled"))
                ++cancelled;
            else
                QVERIFY2(s.status == SegmentStatus::Skipped, qPrintable(s.segment.id));
        }
        QVERIFY(done >= 1);
        QVERIFY(cancelled >= 1);
        QTRY_COMPARE(scheduler.batchesInFlight(), 0);
    }

    void unreadableDocumentFailsAsAWhole() {
        FakeProvider provider;
        Scheduler scheduler(&provider, options());
        DocumentJob job(QStringLiteral("d"), QStringLiteral("/nonexistent/x.pdf"), &scheduler, nullptr, context());
        auto result = await(job.run());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Io);
        QCOMPARE(provider.calls.size(), 0);
    }

    void badPageRangeIsUsage() {
        FakeProvider provider;
        Scheduler scheduler(&provider, options());
        DocumentJob job(QStringLiteral("d"), corpusPdf(), &scheduler, nullptr, context());
        job.setPageSpec(QStringLiteral("999"));
        auto result = await(job.run());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Usage);
    }
};

QTEST_GUILESS_MAIN(TestDocumentJob)
#include "tst_documentjob.moc"
