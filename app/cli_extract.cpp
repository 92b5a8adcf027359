#include "cli_commands.h"

#include <QTextStream>

int runExtract(const QStringList &)
{
    QTextStream(stderr) << "overtext-cli extract: not implemented yet\n";
    return 2;
}
