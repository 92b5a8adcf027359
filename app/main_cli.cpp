#include "cli_commands.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <QTextStream>
#include <memory>

namespace {
int usage() {
    QTextStream(stderr) << "usage: overtext-cli <command> [options]\n"
                           "commands:\n"
                           "  extract FILE [--pages R] [--password-env VAR]   print the segments as JSON\n"
                           "  translate FILE... --to LANG [options]          translate (see README)\n";
    return 2;
}
} // namespace

int main(int argc, char **argv) {
    // Export draws with QPainter into QPdfWriter, which needs a QGuiApplication (fonts); no display is needed.
    const bool drawing = argc > 1 && (qstrcmp(argv[1], "translate") == 0 || qstrcmp(argv[1], "summarize") == 0);
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
