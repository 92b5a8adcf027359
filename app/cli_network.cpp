#include "cli_network.h"

#include "store/appsettings.h"

#include <QProcessEnvironment>

using namespace overtext;

const char kNetworkUsage[] = "         [--proxy URL|direct] [--ca-file FILE.pem] [--timeout SECONDS]\n";

int parseNetworkOption(const QStringList &args, int &i, NetworkConfig &net, QString &error) {
    const QString a = args[i];
    if (a != QLatin1String("--proxy") && a != QLatin1String("--ca-file") && a != QLatin1String("--timeout"))
        return 0;
    if (i + 1 >= args.size()) {
        error = a == QLatin1String("--proxy")     ? QStringLiteral("--proxy needs a URL such as http://proxy:3128")
                : a == QLatin1String("--ca-file") ? QStringLiteral("--ca-file needs a PEM file")
                                                  : QStringLiteral("--timeout needs a number of seconds");
        return -1;
    }
    const QString v = args[++i];
    if (a == QLatin1String("--proxy")) {
        if (v.trimmed().compare(QLatin1String("direct"), Qt::CaseInsensitive) != 0) {
            if (auto p = parseProxyUrl(v, QStringLiteral("--proxy")); !p) {
                error = p.error().message;
                return -1;
            }
        }
        net.proxy = v.trimmed().isEmpty() ? QStringLiteral("direct") : v.trimmed();
    } else if (a == QLatin1String("--ca-file")) {
        if (auto certs = loadCaBundle(v, QStringLiteral("--ca-file")); !certs) {
            error = certs.error().message;
            return -1;
        }
        net.caFiles.append(v);
    } else {
        bool ok = false;
        const int seconds = v.toInt(&ok);
        if (!ok || seconds < 1 || seconds > 86400) {
            error = QStringLiteral("--timeout must be a whole number of seconds from 1 to 86400");
            return -1;
        }
        net.timeoutSeconds = seconds;
    }
    return 1;
}

Result<ProviderConfig> withNetwork(ProviderConfig config, const NetworkConfig &cli) {
    const AppSettings settings = AppSettings::load();
    const NetworkConfig fromSettings = settings.withNetwork(settings.withKeychain(config)).network;
    NetworkConfig net = fromSettings.overriddenBy(cli);
    // Several --ca-file add up with the one in Settings.
    if (!cli.caFiles.isEmpty())
        net.caFiles = fromSettings.caFiles + cli.caFiles;
    net.timeoutSetting = QStringLiteral("--timeout SECONDS");
    if (auto checked = checkNetworkConfig(net, QProcessEnvironment::systemEnvironment()); !checked)
        return checked.error();
    config.network = net;
    return config;
}
