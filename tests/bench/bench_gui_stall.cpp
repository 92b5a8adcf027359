// The desktop app's responsiveness while it translates: the 311-page gnuplot manual through the OpenAI-compatible
// provider at concurrency 32 against the fake server in its own process (bench_http --serve: 200 ms to the first
// byte, then the answer streamed in SSE pieces of 16-160 bytes every 5 ms), the main window shown with the preview
// scrolled continuously (BENCH_SCROLL px every 16 ms, back to the top at the end; the translation overlay on), the
// segments streaming into it. The event-loop stall monitor reports through OVERTEXT_STALL_REPORT (a temporary file
// unless set), which is read at the end.
// Usage: bench_gui_stall [FILE.pdf] [seconds]   (default: the corpus's gnuplot manual, until it is translated)
//        QT_QPA_PLATFORM=offscreen, or under xvfb-run; BENCH_SIDE_BY_SIDE=1 scrolls the side-by-side view instead.
#include "documentlistmodel.h"
#include "fakes/cputime.h"
#include "mainwindow.h"
#include "pagepreview.h"
#include "testpaths.h"
#include "util/stallmonitor.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace overtext;

namespace {

QByteArray loadAverage() {
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray("?");
}

} // namespace

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the window's settings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("overtext-bench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_gui_stall"));
    const QStringList args = app.arguments().mid(1);
    const QString pdf = args.value(0, testpaths::corpusDir() + QStringLiteral("/large-gnuplot-manual.pdf"));
    const int seconds = args.value(1, QStringLiteral("0")).toInt();
    const int scrollStep =
        qEnvironmentVariableIntValue("BENCH_SCROLL") > 0 ? qEnvironmentVariableIntValue("BENCH_SCROLL") : 40;
    if (!QFile::exists(pdf)) {
        std::fprintf(stderr, "bench_gui_stall: %s not found (the shared corpus is needed)\n", qPrintable(pdf));
        return 1;
    }
    QTemporaryDir dir;
    if (qEnvironmentVariableIsEmpty("OVERTEXT_STALL_REPORT"))
        qputenv("OVERTEXT_STALL_REPORT", dir.filePath(QStringLiteral("stall.json")).toLocal8Bit());
    const QString reportPath = qEnvironmentVariable("OVERTEXT_STALL_REPORT");

    QProcess server;
    // Token-sized pieces, as an LLM streams: the preview must keep up with every partial.
    QProcessEnvironment serverEnv = QProcessEnvironment::systemEnvironment();
    serverEnv.insert(QStringLiteral("BENCH_WRITE_BYTES"), QStringLiteral("0"));
    server.setProcessEnvironment(serverEnv);
    server.start(QCoreApplication::applicationDirPath() + QStringLiteral("/bench_http"),
                 {QStringLiteral("--serve"), QStringLiteral("200"), QStringLiteral("5")});
    if (!server.waitForReadyRead(10000)) {
        std::fprintf(stderr, "bench_gui_stall: the fake server did not start\n");
        return 1;
    }
    const QString base = QString::fromUtf8(server.readLine()).trimmed();

    int result = 0;
    {
        auto monitor = std::make_unique<StallMonitor>();
        ui::MainWindow w;
        w.setCachePath(dir.filePath(QStringLiteral("cache.sqlite"))); // empty: every segment goes to the server
        BatchSettings settings = w.batch()->settings();
        settings.concurrency = 32;
        w.batch()->setSettings(settings);
        w.setProviderConfig(
            ProviderConfig{QStringLiteral("openai"), base + QStringLiteral("/v1"), QStringLiteral("fake"), QString()});
        w.setTargetLanguage(QStringLiteral("es"));
        w.resize(1400, 900);
        w.show();
        w.setShowTranslation(true);
        w.preview()->setSideBySide(qEnvironmentVariableIntValue("BENCH_SIDE_BY_SIDE") == 1);

        const QByteArray loadBefore = loadAverage();
        QElapsedTimer wall;
        double cpu0 = 0;
        bool started = false;
        QTimer scroll;
        scroll.setInterval(16);
        QObject::connect(&scroll, &QTimer::timeout, &w, [&w, scrollStep] {
            QScrollBar *bar = w.preview()->verticalScrollBar();
            bar->setValue(bar->value() >= bar->maximum() ? 0 : bar->value() + scrollStep);
        });
        QObject::connect(&w, &ui::MainWindow::documentOpened, &w, [&](const QString &, bool ok) {
            if (!ok) {
                std::fprintf(stderr, "bench_gui_stall: %s cannot be opened\n", qPrintable(pdf));
                QCoreApplication::exit(1);
                return;
            }
            monitor->startFromEnvironment();
            cpu0 = testsupport::cpuSeconds();
            wall.start();
            w.startAll();
            started = true;
            scroll.start();
        });
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &w, [&] {
            if (!started)
                return;
            const bool done = !w.batch()->anyRunning();
            if (done || (seconds > 0 && wall.elapsed() > seconds * 1000))
                QCoreApplication::exit(0);
        });
        poll.start(250);
        w.addPaths({pdf});
        result = app.exec();
        scroll.stop();

        const auto &entry = w.documents()->entry(0);
        const double wallS = wall.isValid() ? wall.elapsed() / 1000.0 : 0;
        const double cpuS = testsupport::cpuSeconds() - cpu0;
        monitor.reset(); // writes the report once more, at "exit"
        QFile report(reportPath);
        if (!report.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "bench_gui_stall: no stall report at %s\n", qPrintable(reportPath));
            return 1;
        }
        const QJsonObject o = QJsonDocument::fromJson(report.readAll()).object();
        std::printf("bench_gui_stall: %s, %d pages, concurrency 32, fake OpenAI server (200 ms + streamed), "
                    "scrolling %d px / 16 ms%s\n",
                    qPrintable(QFileInfo(pdf).fileName()), entry.pageCount, scrollStep,
                    w.preview()->isSideBySide() ? ", side by side" : "");
        std::printf("segments %d/%d done, %d failed; %.1f s wall, %.1f s CPU (this process)\n",
                    entry.batch.progress.done, entry.batch.progress.total, entry.batch.progress.failed, wallS, cpuS);
        std::printf("max_ms %.2f  p99_ms %.2f  samples %lld\n", o.value(QStringLiteral("max_ms")).toDouble(),
                    o.value(QStringLiteral("p99_ms")).toDouble(),
                    qint64(o.value(QStringLiteral("samples")).toDouble()));
        std::printf("load average before: %s, after: %s (%d cores)\n", loadBefore.constData(),
                    loadAverage().constData(), QThread::idealThreadCount());
    }
    server.kill();
    server.waitForFinished();
    return result;
}
