#pragma once

#include "translate/providerfactory.h"

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace overtext::ui {

class MainWindow;

/// What `overtext [--to LANG] [--provider NAME] [--base-url URL] [--model NAME] [--api-key-env VAR] [--proxy URL]
/// [--ca-file FILE] [--timeout SECONDS] [--start] [FILE|FOLDER...]` asks for (file managers open documents this way).
struct GuiCommandLine {
    QStringList paths;
    QString targetLanguage; ///< empty: the one remembered
    bool providerGiven = false;
    ProviderConfig provider;
    NetworkConfig network; ///< --proxy URL, --ca-file FILE, --timeout SECONDS (over the settings)
    bool start = false;
    QString error; ///< a usage error, for stderr
};

/// Adds the GUI's options to a parser (besides help and the hidden debug options of main()).
void addGuiOptions(QCommandLineParser &parser);
/// Reads them from a parser that has parsed the arguments.
GuiCommandLine readGuiOptions(const QCommandLineParser &parser);
/// Applies them: language and provider to the toolbar, the paths queued, and with --start the batch started as soon
/// as the paths are searched.
void applyCommandLine(MainWindow *window, const GuiCommandLine &options);

} // namespace overtext::ui
