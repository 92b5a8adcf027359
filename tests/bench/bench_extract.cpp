// Extraction speed and peak memory: overtext-cli extract (worker process, grouping, JSON) beside
// pdftotext -bbox-layout on the same file, best of N runs. Usage: bench_extract [FILE.pdf] [RUNS]
#include "pdf/pdfdocument.h"
#include "testpaths.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

extern char **environ;

namespace {

struct Run {
    double wall = 0, cpu = 0, maxRssMb = 0;
    int status = -1;
};

/// Runs a command with stdout to /dev/null; wait4 gives the child's CPU time and peak RSS, its own descendants
/// (the PDF worker) included.
Run run(const QStringList &command) {
    std::vector<QByteArray> storage;
    std::vector<char *> argv;
    for (const QString &a : command)
        storage.push_back(a.toLocal8Bit());
    for (QByteArray &a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    QElapsedTimer clock;
    clock.start();
    pid_t pid = 0;
    Run r;
    if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
        return r;
    struct rusage usage {};
    wait4(pid, &r.status, 0, &usage);
    r.wall = clock.nsecsElapsed() / 1e9;
    r.cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    r.maxRssMb = usage.ru_maxrss / 1024.0;
    posix_spawn_file_actions_destroy(&actions);
    return r;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QString file = argc > 1 ? QString::fromLocal8Bit(argv[1])
                                  : testpaths::corpusDir() + QStringLiteral("/large-gnuplot-manual.pdf");
    const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
    auto doc = overtext::PdfDocument::open(file);
    if (!doc) {
        QTextStream(stderr) << doc.error().message << '\n';
        return 1;
    }
    const int pages = (*doc)->pageCount();
    QTextStream out(stdout);
    out << "file: " << file << " (" << pages << " pages), best of " << runs << " runs\n";
    out << qSetFieldWidth(28) << Qt::left << "tool" << qSetFieldWidth(10) << Qt::right << "wall s"
        << "pages/s"
        << "cpu s"
        << "peak MB" << qSetFieldWidth(0) << '\n';
    const QList<QPair<QString, QStringList>> tools = {
        {QStringLiteral("overtext-cli extract"), {testpaths::cli(), QStringLiteral("extract"), file}},
        {QStringLiteral("pdftotext -bbox-layout"),
         {QStringLiteral("pdftotext"), QStringLiteral("-bbox-layout"), file, QStringLiteral("-")}},
    };
    for (const auto &[name, command] : tools) {
        Run best;
        for (int i = 0; i < runs; ++i) {
            const Run r = run(command);
            if (r.status != 0) {
                out << name << ": failed with status " << r.status << '\n';
                break;
            }
            if (i == 0 || r.wall < best.wall)
                best = r;
        }
        out << qSetFieldWidth(28) << Qt::left << name << qSetFieldWidth(10) << Qt::right
            << QString::number(best.wall, 'f', 2) << QString::number(pages / best.wall, 'f', 1)
            << QString::number(best.cpu, 'f', 2) << QString::number(best.maxRssMb, 'f', 0) << qSetFieldWidth(0) << '\n';
    }
    return 0;
}
