#include "commandline.h"

#include "mainwindow.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace overtext::ui {

namespace {
// The texts of `overtext --help` and its usage errors, for lupdate and the translators under one context.
struct CommandLine {
    Q_DECLARE_TR_FUNCTIONS(overtext::ui::CommandLine)
};
} // namespace

void addGuiOptions(QCommandLineParser &parser) {
    parser.addPositionalArgument(QStringLiteral("files"), CommandLine::tr("PDF files or folders to open."),
                                 QStringLiteral("[FILE|FOLDER...]"));
    parser.addOption({QStringLiteral("to"), CommandLine::tr("Translate into LANG (a code such as es, de, zh)."),
                      QStringLiteral("LANG")});
    parser.addOption({QStringLiteral("provider"),
                      CommandLine::tr("Translation service: %1.").arg(providerNames().join(QStringLiteral(", "))),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("base-url"), CommandLine::tr("The service's address (OpenAI-compatible servers)."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("model"), CommandLine::tr("The model to ask."), QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("api-key-env"),
         CommandLine::tr("Read the API key from the environment variable VAR (never from the command line)."),
         QStringLiteral("VAR")});
    parser.addOption({QStringLiteral("proxy"),
                      CommandLine::tr("Connect through this proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, "
                                      "socks5h://), or 'direct' for none, instead of the one in Settings or the "
                                      "system's."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("ca-file"),
                      CommandLine::tr("Also trust the certificate authorities in this PEM file (a company's "
                                      "TLS-inspecting proxy)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("timeout"),
                      CommandLine::tr("Give up a request after the server sent nothing for SECONDS (slow local "
                                      "models need more)."),
                      QStringLiteral("SECONDS")});
    parser.addOption({QStringLiteral("start"), CommandLine::tr("Start translating the documents at once.")});
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
    if (parser.isSet(QStringLiteral("proxy"))) {
        const QString proxy = parser.value(QStringLiteral("proxy")).trimmed();
        o.network.proxy = proxy.isEmpty() ? QStringLiteral("direct") : proxy;
        if (proxy.compare(QLatin1String("direct"), Qt::CaseInsensitive) != 0 && !proxy.isEmpty())
            if (auto p = parseProxyUrl(proxy, QStringLiteral("--proxy")); !p)
                o.error = p.error().message + QLatin1Char('.');
    }
    for (const QString &file : parser.values(QStringLiteral("ca-file"))) {
        if (auto certs = loadCaBundle(file, QStringLiteral("--ca-file")); !certs && o.error.isEmpty())
            o.error = certs.error().message + QLatin1Char('.');
        o.network.caFiles.append(file);
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        o.network.timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
        if ((!ok || o.network.timeoutSeconds < 1 || o.network.timeoutSeconds > 86400) && o.error.isEmpty())
            o.error = CommandLine::tr("--timeout must be a whole number of seconds from 1 to 86400.");
        o.network.timeoutSetting = CommandLine::tr("--timeout SECONDS (or the service's Timeout in Settings)");
    }
    if (!o.error.isEmpty())
        return o;
    if (!providerNames().contains(o.provider.name))
        o.error = CommandLine::tr("Unknown provider '%1' (choose one of: %2).")
                      .arg(o.provider.name, providerNames().join(QStringLiteral(", ")));
    else if (parser.isSet(QStringLiteral("to")) && o.targetLanguage.isEmpty())
        o.error = CommandLine::tr("--to needs a language code such as es.");
    return o;
}

void applyCommandLine(MainWindow *window, const GuiCommandLine &options) {
    if (!options.targetLanguage.isEmpty())
        window->setTargetLanguage(options.targetLanguage);
    if (options.providerGiven)
        window->setProviderConfig(options.provider);
    window->setNetworkOverride(options.network);
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
