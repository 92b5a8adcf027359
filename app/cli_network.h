#pragma once

#include "translate/providerfactory.h"
#include "util/result.h"

#include <QStringList>

// The network options that `translate` and `summarize` share: --proxy URL, --ca-file FILE, --timeout SECONDS.

/// Usage lines for the network options.
extern const char kNetworkUsage[];

/// Reads the network option at args[i], if it is one (advancing \a i past its value). 1 when it was one, 0 when not,
/// -1 on a usage error (\a error says which).
int parseNetworkOption(const QStringList &args, int &i, overtext::NetworkConfig &net, QString &error);

/// \a config (from the command line) with the network settings of Settings for the provider's profile, overridden by
/// \a cli, checked (proxy URL, every CA bundle, SSL_CERT_FILE): an Error::Usage sentence when something cannot be used.
overtext::Result<overtext::ProviderConfig> withNetwork(overtext::ProviderConfig config,
                                                       const overtext::NetworkConfig &cli);
