#include "commandline.h"
#include "documentlistmodel.h"
#include "mainwindow.h"
#include "pagepreview.h"
#include "uilanguage.h"
#include "util/stallmonitor.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QIcon>
#include <QImageReader>
#include <QTimer>

#include <cstdio>

namespace {

QIcon appIcon() {
    QIcon icon;
    if (QImageReader::supportedImageFormats().contains("svg"))
        icon.addFile(QStringLiteral(":/overtext/icons/overtext.svg"));
    icon.addFile(QStringLiteral(":/overtext/icons/overtext-256.png"), QSize(256, 256));
    icon.addFile(QStringLiteral(":/overtext/icons/overtext-64.png"), QSize(64, 64));
    return icon;
}

// --screenshot FILE: a debug aid for the README and for looking at the window headless. Waits until the documents
// are opened and the visible pages rendered (at most 30 s), saves the window and quits.
// With --start it also waits until the batch has settled (at most 60 s) and the overlay is painted.
void takeScreenshotWhenReady(overtext::ui::MainWindow *window, const QString &file, bool waitForBatch) {
    auto *poll = new QTimer(window);
    auto *clock = new QElapsedTimer;
    auto *searched = new bool(false); // the paths from the command line were searched
    clock->start();
    QObject::connect(window, &overtext::ui::MainWindow::pathsAdded, window, [searched] { *searched = true; });
    auto *settledAt = new qint64(-1);
    QObject::connect(poll, &QTimer::timeout, window, [window, file, poll, clock, searched, waitForBatch, settledAt] {
        const auto *preview = window->preview();
        const bool opened = *searched && !window->documents()->isBusy();
        bool rendered = preview->pageCount() == 0 || preview->visiblePagesRendered();
        if (waitForBatch) {
            bool started = false;
            for (const auto &e : window->documents()->entries())
                started = started || e.inBatch;
            const bool settled = started && !window->batch()->anyRunning();
            if (settled && *settledAt < 0)
                *settledAt = clock->elapsed();
            // Give the coalesced overlay repaint time to land.
            rendered = rendered && settled && clock->elapsed() - *settledAt > 500;
        }
        const bool timedOut = clock->elapsed() > (waitForBatch ? 60000 : 30000);
        if (!(opened && rendered) && !timedOut)
            return;
        poll->stop();
        delete clock;
        delete searched;
        delete settledAt;
        if (timedOut)
            std::fprintf(stderr, "overtext: the pages did not render within 30 s; saving the window as it is\n");
        if (!window->grab().save(file))
            std::fprintf(stderr, "overtext: cannot save %s\n", qPrintable(file));
        QCoreApplication::exit(timedOut ? 1 : 0);
    });
    poll->start(200);
}

} // namespace

int main(int argc, char **argv) {
    // --version answers without a display (QApplication needs one): packaging checks and support scripts ask it.
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--version") == 0 || qstrcmp(argv[i], "-v") == 0) {
            std::printf("overtext %s\n", OVERTEXT_VERSION);
            return 0;
        }
        if (qstrcmp(argv[i], "--") == 0)
            break;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("overtext"));
    QApplication::setApplicationVersion(QStringLiteral(OVERTEXT_VERSION));
    QApplication::setOrganizationName(QStringLiteral("overtext"));
    QApplication::setWindowIcon(appIcon());
    QApplication::setDesktopFileName(QStringLiteral("io.github.overtext.Overtext"));
    overtext::ui::installTranslators(); // before the first text is read: the --help below is translated too

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Translate PDF documents, keeping their layout."));
    parser.addHelpOption();
    parser.addVersionOption();
    overtext::ui::addGuiOptions(parser);
    QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save the window to FILE and quit."),
                                  QStringLiteral("FILE"));
    screenshot.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshot);
    parser.process(app);
    const overtext::ui::GuiCommandLine options = overtext::ui::readGuiOptions(parser);
    if (!options.error.isEmpty()) {
        std::fprintf(stderr, "overtext: %s\n", qPrintable(options.error));
        return 2;
    }

    // OVERTEXT_STALL_REPORT=FILE: measure how long the GUI thread's loop stalls and report it every second.
    overtext::StallMonitor stallMonitor;
    stallMonitor.startFromEnvironment();

    overtext::ui::MainWindow window;
    if (parser.isSet(screenshot)) {
        window.resize(1280, 800);
        takeScreenshotWhenReady(&window, parser.value(screenshot), options.start);
    }
    window.show();
    if (parser.isSet(screenshot) && options.paths.isEmpty())
        Q_EMIT window.pathsAdded({}); // nothing to wait for
    overtext::ui::applyCommandLine(&window, options);
    window.offerResume();
    return app.exec();
}
