#include "pdf/extraction.h"

#include <QCoreApplication>

// Reads one PDF for the app or the command line, in a process of its own so that a hostile file can be killed.
int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    return overtext::runPdfWorker();
}
