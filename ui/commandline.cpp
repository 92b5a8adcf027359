#include "commandline.h"

#include "mainwindow.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace overtext::ui {

namespace {
QString tr(const char *text) {
    return QCoreApplication::translate("overtext::ui::CommandLine", text);
}
} // namespace

void addGuiOptions(QCommandLineParser &parser) {
    parser.addPositionalArgument(QStringLiteral("files"), tr("PDF files or folders to open."),
                                 QStringLiteral("[FILE|FOLDER...]"));
    parser.addOption(
        {QStringLiteral("to"), tr("Translate into LANG (a code such as es, de, zh)."), QStringLiteral("LANG")});
    parser.addOption({QStringLiteral("provider"),
                      tr("Translation service: %1.").arg(providerNames().join(QStringLiteral(", "))),
                      QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("base-url"), tr("The service's address (OpenAI-compatible servers)."), QStringLiteral("URL")});
    parser.addOption({QStringLiteral("model"), tr("The model to ask."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("api-key-env"),
                      tr("Read the API key from the environment variable VAR (never from the command line)."),
                      QStringLiteral("VAR")});
    parser.addOption({QStringLiteral("start"), tr("Start translating the documents at once.")});
}

GuiCommandLine readGuiOptions(const QCommandLineParser &parser) {
    GuiCommandLine o;
    o.paths = parser.positionalArguments();
    o.targetLanguage = parser.value(QStringLiteral("to")).trimmed();
    o.start = parser.isSet(QStringLiteral("start"));
    for (const char *name : {"provider", "base-url", "model", "api-key-env"})
        o.providerGiven = o.providerGiven || parser.isSet(QLatin1String(name));
    if (parser.isSet(QStringLiteral("provider")))
        o.provider.name = parser.value(QStringLiteral("provider")).toLower();
    o.provider.baseUrl = parser.value(QStringLiteral("base-url"));
    o.provider.model = parser.value(QStringLiteral("model"));
    o.provider.apiKeyEnv = parser.value(QStringLiteral("api-key-env"));
    if (!providerNames().contains(o.provider.name))
        o.error = tr("Unknown provider '%1' (choose one of: %2).")
                      .arg(o.provider.name, providerNames().join(QStringLiteral(", ")));
    else if (parser.isSet(QStringLiteral("to")) && o.targetLanguage.isEmpty())
        o.error = tr("--to needs a language code such as es.");
    return o;
}

void applyCommandLine(MainWindow *window, const GuiCommandLine &options) {
    if (!options.targetLanguage.isEmpty())
        window->setTargetLanguage(options.targetLanguage);
    if (options.providerGiven)
        window->setProviderConfig(options.provider);
    if (options.start) {
        auto *connection = new QMetaObject::Connection;
        *connection = QObject::connect(window, &MainWindow::pathsAdded, window, [window, connection] {
            QObject::disconnect(*connection);
            delete connection;
            window->startAll();
        });
    }
    window->addPaths(options.paths);
    if (options.paths.isEmpty() && options.start)
        Q_EMIT window->pathsAdded({});
}

} // namespace overtext::ui
