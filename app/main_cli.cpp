#include "cli_commands.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <QTextStream>
#include <memory>

namespace {
int usage() {
    QTextStream(stderr) << "usage: overtext-cli <command> [options]\n"
                           "       overtext-cli --version\n"
                           "commands:\n"
                           "  extract FILE [--pages R] [--password-env VAR]   print the segments as JSON\n"
                           "  translate FILE... --to LANG [options]          translate (see README)\n"
                           "  summarize FILE --to LANG [options]             write a summary as Markdown\n";
    return 2;
}
/// The command line's stderr is a contract (one line per error): Qt's own platform chatter (for example
/// "QStandardPaths: XDG_RUNTIME_DIR not set") is not for the user.
void quietQtMessages(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    if (type == QtDebugMsg || type == QtInfoMsg)
        return;
    if (message.startsWith(QLatin1String("QStandardPaths:")) ||
        (context.category && qstrncmp(context.category, "qt.", 3) == 0))
        return;
    QTextStream(stderr) << "overtext-cli: " << message << '\n';
}
} // namespace

int main(int argc, char **argv) {
    if (argc == 2 && (qstrcmp(argv[1], "--version") == 0 || qstrcmp(argv[1], "-v") == 0)) {
        QTextStream(stdout) << "overtext-cli " << OVERTEXT_VERSION << '\n';
        return 0;
    }
    qInstallMessageHandler(quietQtMessages);
    // Export draws with QPainter into QPdfWriter, which needs a QGuiApplication (fonts); no display is needed.
    const bool drawing = argc > 1 && qstrcmp(argv[1], "translate") == 0;
    if (drawing && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application =
        drawing ? std::make_unique<QGuiApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("overtext"));
    QCoreApplication::setOrganizationName(QStringLiteral("overtext"));
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty())
        return usage();
    const QString command = args.takeFirst();
    if (command == QLatin1String("extract"))
        return runExtract(args);
    if (command == QLatin1String("translate"))
        return runTranslate(args);
    if (command == QLatin1String("summarize"))
        return runSummarize(args);
    if (command == QLatin1String("--help") || command == QLatin1String("-h")) {
        usage();
        return 0;
    }
    QTextStream(stderr) << "overtext-cli: unknown command '" << command << "'\n";
    return usage();
}
