#include "cli_commands.h"

#include <QTextStream>

int runTranslate(const QStringList &) {
    QTextStream(stderr) << "overtext-cli translate: not implemented yet\n";
    return 2;
}
