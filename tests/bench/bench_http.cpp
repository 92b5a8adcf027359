// Scheduler throughput over real HTTP: Overtext's OpenAI-compatible provider and scheduler against the fake OpenAI
// server (SSE; every answer complete 200 ms after its request) in a separate process, so that its CPU time is not
// counted, beside a plain asyncio + aiohttp client (tests/bench/asyncio_baseline.py) doing the same work: the same
// requests with the same concurrency, every event's JSON and the answer's JSON decoded. Usage: bench_http
// [segments=2000] [segmentsPerRequest=8] [concurrency...=1 8 32 64]
//        BENCH_RUNS=n (default 2): each point is run n times and the best wall and CPU time are printed
//        BENCH_STREAM=paced (default) | burst: the answer's pieces spread over the latency as a model generates them,
//        or all sent at the latency
//        BENCH_WRITE_BYTES=n (default 1024): the server writes its streams in pieces of about n bytes; 0: in the
//        fake's 16-160-byte slices
//        BENCH_SERVER_THREADS=n (default 4): server threads sharing the port (SO_REUSEPORT)
//        BENCH_BASELINE=0: Overtext alone (e.g. to profile it)
//        BENCH_URL=http://…: use a server started elsewhere (bench_http --serve), e.g. to profile the client alone
//        bench_http --serve [firstByteMs chunkDelayMs]   (runs the fake server and prints its URL)
// Prints per concurrency: requests, ideal = requests / concurrency * latency, and for each client its wall time, the
// ratio ideal / wall and its CPU time (user + system, all threads of the client's process), with the load average.
#include "engine/scheduler.h"
#include "fakes/benchrun.h"
#include "fakes/fakehttpserver.h"
#include "fakes/fakeprovider.h"
#include "fakes/fakeservices.h"
#include "testpaths.h"
#include "translate/batchcodec.h"
#include "translate/openaiprovider.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryFile>

#include <cstdio>

using namespace overtext;

namespace {
constexpr int kLatencyMs = 200;
constexpr int kServerThreads = 4;
constexpr int kWriteBytes = 1024;

QByteArray loadAverage() {
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().split(' ').mid(0, 3).join(' ') : QByteArray("?");
}

using testsupport::SchedulerRun;

/// Overtext: the scheduler and the OpenAI-compatible provider translating \a units.
SchedulerRun overtextRun(const QString &base, const QList<TranslationUnit> &units, int perRequest, int concurrency) {
    int maxLen = 0;
    for (const auto &u : units)
        maxLen = std::max(maxLen, int(u.text.size()));
    OpenAiConfig config;
    config.baseUrl = QUrl(base + QStringLiteral("/v1"));
    config.model = QStringLiteral("fake");
    config.batchBudgetChars = maxLen * perRequest;
    OpenAiProvider provider(config);
    return testsupport::runScheduler(&provider, units, concurrency);
}

/// The asyncio + aiohttp client sending \a requests copies of \a bodyFile.
SchedulerRun asyncioRun(const QString &base, const QString &bodyFile, int requests, int concurrency) {
    QProcess py;
    py.start(QStringLiteral("/usr/bin/python3"),
             {testpaths::sourceDir() + QStringLiteral("/tests/bench/asyncio_baseline.py"),
              base + QStringLiteral("/v1/chat/completions"), QString::number(requests), QString::number(concurrency),
              bodyFile});
    py.waitForFinished(-1);
    const QJsonObject ref = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
    SchedulerRun run;
    run.wallMs = ref.value(QStringLiteral("wall_s")).toDouble() * 1000;
    run.cpuMs = ref.value(QStringLiteral("cpu_s")).toDouble() * 1000;
    run.requests = requests;
    run.done = ref.value(QStringLiteral("translations")).toInt();
    return run;
}

SchedulerRun best(const SchedulerRun &a, const SchedulerRun &b) {
    SchedulerRun r = a;
    r.wallMs = std::min(a.wallMs, b.wallMs);
    r.cpuMs = std::min(a.cpuMs, b.cpuMs);
    r.done = std::min(a.done, b.done);
    return r;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.value(0) == QLatin1String("--serve")) {
        // Explicit delays (bench_gui_stall): first byte after firstByteMs, then one piece every chunkDelayMs.
        // Otherwise BENCH_STREAM picks the shape of an answer that is complete kLatencyMs after its request:
        //   paced (default): as an LLM generates it, the first piece at a quarter of the latency, the others evenly
        //     spaced after it, the last at the latency;
        //   burst: the whole answer at the latency, every stream of a round at once (the client's worst case).
        const bool explicitDelays = args.size() > 1;
        const bool paced = !explicitDelays && qEnvironmentVariable("BENCH_STREAM") != QLatin1String("burst");
        testsupport::FakeBehaviour b;
        b.firstByteDelayMs = args.value(1, QString::number(kLatencyMs)).toInt();
        b.chunkDelayMs = args.value(2, QStringLiteral("0")).toInt();
        // The fake slices its streams into 16-160-byte writes, one event-loop turn each; BENCH_WRITE_BYTES=0 keeps
        // them. By default they are joined into pieces of kWriteBytes (about eight SSE events, twelve pieces per
        // answer of 8 segments).
        const int writeBytes = qEnvironmentVariableIsSet("BENCH_WRITE_BYTES")
                                   ? qEnvironmentVariableIntValue("BENCH_WRITE_BYTES")
                                   : kWriteBytes;
        const int threads = qEnvironmentVariableIsSet("BENCH_SERVER_THREADS")
                                ? qEnvironmentVariableIntValue("BENCH_SERVER_THREADS")
                                : kServerThreads;
        testsupport::FakeServerThread server(threads, [b, writeBytes, paced]() -> testsupport::FakeHandler {
            return [handler = testsupport::fakeOpenAiHandler(b), writeBytes, paced](testsupport::FakeRequest &r) {
                testsupport::FakeResponse response = handler(r);
                QList<QByteArray> pieces;
                for (const QByteArray &chunk : std::as_const(response.chunks)) {
                    if (pieces.isEmpty() || pieces.last().size() >= writeBytes)
                        pieces.append(chunk);
                    else
                        pieces.last() += chunk;
                }
                response.chunks = pieces;
                if (paced && response.status == 200 && pieces.size() > 1) {
                    // Headers first, then piece k at firstByte + k * chunkDelay: the last one at the latency.
                    response.chunkDelayMs = (kLatencyMs - kLatencyMs / 4) / int(pieces.size());
                    response.firstByteDelayMs = kLatencyMs - response.chunkDelayMs * int(pieces.size());
                }
                return response;
            };
        });
        std::printf("%s\n", server.baseUrl().toString().toUtf8().constData());
        std::fflush(stdout);
        return app.exec();
    }
    const int segments = args.value(0, QStringLiteral("2000")).toInt();
    const int perRequest = std::max(1, args.value(1, QStringLiteral("8")).toInt());
    const int runs =
        std::max(1, qEnvironmentVariableIsSet("BENCH_RUNS") ? qEnvironmentVariableIntValue("BENCH_RUNS") : 2);
    QList<int> levels;
    for (int i = 2; i < args.size(); ++i)
        levels.append(args[i].toInt());
    if (levels.isEmpty())
        levels = {1, 8, 32, 64};

    QProcess server;
    QString base = qEnvironmentVariable("BENCH_URL");
    if (base.isEmpty()) {
        server.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--serve")});
        if (!server.waitForReadyRead(10000))
            return 1;
        base = QString::fromUtf8(server.readLine()).trimmed();
    }
    const auto units = testsupport::makeUnits(segments);
    const bool withBaseline = qEnvironmentVariable("BENCH_BASELINE") != QLatin1String("0");

    // The body the baseline sends: one of Overtext's own requests, same size and shape.
    TranslationRequest sample;
    sample.targetLang = QStringLiteral("es");
    sample.units = units.mid(0, perRequest);
    OpenAiConfig sampleConfig;
    sampleConfig.model = QStringLiteral("fake");
    QTemporaryFile bodyFile;
    if (!bodyFile.open())
        return 1;
    bodyFile.write(OpenAiProvider(sampleConfig).buildBody(BatchCodec::encode(sample), true));
    bodyFile.flush();

    std::printf("bench_http: %d segments, %d per request, %d ms server latency, fake OpenAI server (SSE) in its own "
                "process over loopback, BENCH_STREAM=%s, BENCH_WRITE_BYTES=%s; best of %d runs; load average %s\n",
                segments, perRequest, kLatencyMs,
                qEnvironmentVariable("BENCH_STREAM", QStringLiteral("paced")).toUtf8().constData(),
                qEnvironmentVariable("BENCH_WRITE_BYTES", QString::number(kWriteBytes)).toUtf8().constData(), runs,
                loadAverage().constData());
    std::printf("%11s %8s %8s | %30s | %30s\n", "", "", "", "Overtext", "asyncio + aiohttp");
    std::printf("%11s %8s %8s | %9s %6s %13s | %9s %6s %13s | %s\n", "concurrency", "requests", "ideal ms", "wall ms",
                "ratio", "cpu ms", "wall ms", "ratio", "cpu ms", "load");
    for (int concurrency : levels) {
        SchedulerRun ours = overtextRun(base, units, perRequest, concurrency);
        SchedulerRun theirs =
            withBaseline ? asyncioRun(base, bodyFile.fileName(), ours.requests, concurrency) : SchedulerRun{};
        for (int i = 1; i < runs; ++i) {
            ours = best(ours, overtextRun(base, units, perRequest, concurrency));
            if (withBaseline)
                theirs = best(theirs, asyncioRun(base, bodyFile.fileName(), ours.requests, concurrency));
        }
        const double ideal = double(ours.requests) / concurrency * kLatencyMs;
        std::printf("%11d %8d %8.0f | %9.0f %6.3f %13.0f | %9.0f %6.3f %13.0f | %s", concurrency, ours.requests, ideal,
                    ours.wallMs, ideal / ours.wallMs, ours.cpuMs, theirs.wallMs,
                    theirs.wallMs > 0 ? ideal / theirs.wallMs : 0.0, theirs.cpuMs, loadAverage().constData());
        if (ours.done != segments || (withBaseline && theirs.done != ours.requests * perRequest))
            std::printf("   (translated: Overtext %d of %d, asyncio %d of %d)", ours.done, segments, theirs.done,
                        ours.requests * perRequest);
        std::printf("\n");
        std::fflush(stdout);
    }
    if (server.state() != QProcess::NotRunning) {
        server.kill();
        server.waitForFinished();
    }
    return 0;
}
