#pragma once

#include <QStringList>

// Subcommands of overtext-cli. Each takes the arguments after its name and returns the process exit status.
// Exit status: 0 success, 1 failure (some work failed), 2 usage error.
int runExtract(const QStringList &args);
int runTranslate(const QStringList &args);
int runSummarize(const QStringList &args);
