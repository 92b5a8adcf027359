// Scheduler throughput over real HTTP: Overtext's OpenAI-compatible provider and scheduler against the fake
// OpenAI server (SSE) answering after 200 ms, in a separate process, beside a plain asyncio + aiohttp client
// (tests/bench/asyncio_baseline.py) sending the same requests with the same concurrency.
// Usage: bench_http [segments=2000] [segmentsPerRequest=20] [concurrency...=1 8 32 64]
//        bench_http --serve [firstByteMs=200 [chunkDelayMs=0]]   (runs the fake server and prints its URL)
#include "engine/scheduler.h"
#include "fakes/cputime.h"
#include "fakes/fakehttpserver.h"
#include "fakes/fakeprovider.h"
#include "fakes/fakeservices.h"
#include "testpaths.h"
#include "translate/batchcodec.h"
#include "translate/openaiprovider.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryFile>

#include <cmath>
#include <cstdio>

using namespace overtext;

namespace {
constexpr int kLatencyMs = 200;
} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.value(0) == QLatin1String("--serve")) {
        testsupport::FakeBehaviour b;
        b.firstByteDelayMs = args.value(1, QString::number(kLatencyMs)).toInt();
        b.chunkDelayMs = args.value(2, QStringLiteral("0")).toInt();
        testsupport::FakeServerThread server(testsupport::fakeOpenAiHandler(b));
        std::printf("%s\n", server.baseUrl().toString().toUtf8().constData());
        std::fflush(stdout);
        return app.exec();
    }
    const int segments = args.value(0, QStringLiteral("2000")).toInt();
    const int perRequest = std::max(1, args.value(1, QStringLiteral("20")).toInt());
    QList<int> levels;
    for (int i = 2; i < args.size(); ++i)
        levels.append(args[i].toInt());
    if (levels.isEmpty())
        levels = {1, 8, 32, 64};

    // BENCH_URL: use a server started elsewhere (bench_http --serve), e.g. to profile the client alone.
    QProcess server;
    QString base = qEnvironmentVariable("BENCH_URL");
    if (base.isEmpty()) {
        server.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--serve")});
        if (!server.waitForReadyRead(10000))
            return 1;
        base = QString::fromUtf8(server.readLine()).trimmed();
    }
    const auto units = testsupport::makeUnits(segments);
    int maxLen = 0;
    for (const auto &u : units)
        maxLen = std::max(maxLen, int(u.text.size()));

    // The body the baseline sends: one of Overtext's own requests, same size and shape.
    TranslationRequest sample;
    sample.targetLang = QStringLiteral("es");
    sample.units = units.mid(0, perRequest);
    const EncodedBatch encoded = BatchCodec::encode(sample);
    QTemporaryFile bodyFile;
    bodyFile.open();
    bodyFile.write(
        QJsonDocument(QJsonObject{{QStringLiteral("model"), QStringLiteral("fake")},
                                  {QStringLiteral("stream"), true},
                                  {QStringLiteral("messages"),
                                   QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                                          {QStringLiteral("content"), encoded.systemPrompt}},
                                              QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                          {QStringLiteral("content"), encoded.userMessage}}}}})
            .toJson(QJsonDocument::Compact));
    bodyFile.flush();

    std::printf("bench_http: %d segments, %d per request, %d ms server latency, fake OpenAI server over loopback\n",
                segments, perRequest, kLatencyMs);
    std::printf("%11s %9s %9s %9s %6s %9s | %12s %6s %9s\n", "concurrency", "requests", "wall ms", "ideal ms", "ratio",
                "cpu ms", "asyncio wall", "ratio", "cpu ms");
    for (int concurrency : levels) {
        OpenAiConfig config;
        config.baseUrl = QUrl(base + QStringLiteral("/v1"));
        config.model = QStringLiteral("fake");
        config.batchBudgetChars = maxLen * perRequest;
        OpenAiProvider provider(config);
        SchedulerOptions o;
        o.concurrency = concurrency;
        o.targetLang = QStringLiteral("es");
        Scheduler scheduler(&provider, o);
        int done = 0, failed = 0;
        QObject::connect(&scheduler, &Scheduler::unitDone, [&done] { ++done; });
        QObject::connect(&scheduler, &Scheduler::unitFailed, [&failed] { ++failed; });
        QEventLoop loop;
        QObject::connect(&scheduler, &Scheduler::documentFinished, &loop, &QEventLoop::quit);
        const double cpu0 = testsupport::cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        scheduler.addUnits(QStringLiteral("doc"), units);
        scheduler.finishInput(QStringLiteral("doc"));
        loop.exec();
        const double wallMs = wall.nsecsElapsed() / 1e6;
        const double cpuMs = (testsupport::cpuSeconds() - cpu0) * 1000;
        const int requests = scheduler.requestCount();
        const double ideal = double(requests) / concurrency * kLatencyMs;

        QProcess py;
        py.start(QStringLiteral("/usr/bin/python3"),
                 {testpaths::sourceDir() + QStringLiteral("/tests/bench/asyncio_baseline.py"),
                  base + QStringLiteral("/v1/chat/completions"), QString::number(requests),
                  QString::number(concurrency), bodyFile.fileName()});
        py.waitForFinished(-1);
        const QJsonObject ref = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
        const double pyWall = ref.value(QStringLiteral("wall_s")).toDouble() * 1000;
        const double pyCpu = ref.value(QStringLiteral("cpu_s")).toDouble() * 1000;
        std::printf("%11d %9d %9.0f %9.0f %6.3f %9.0f | %12.0f %6.3f %9.0f   (%d done, %d failed)\n", concurrency,
                    requests, wallMs, ideal, ideal / wallMs, cpuMs, pyWall, pyWall > 0 ? ideal / pyWall : 0.0, pyCpu,
                    done, failed);
        std::fflush(stdout);
    }
    if (server.state() != QProcess::NotRunning) {
        server.kill();
        server.waitForFinished();
    }
    return 0;
}
