#pragma once

#include <QList>
#include <QLocale>
#include <QString>

namespace overtext::ui {

/// A language the interface is translated into.
struct UiLanguage {
    QString code;       ///< "de", "zh_CN"; "en" is the untranslated source
    QString nativeName; ///< in its own language ("Deutsch"), as language menus show them
};

/// English and the languages with a translation in resources/translations, in the order Settings lists them.
QList<UiLanguage> uiLanguages();

/// The interface language chosen in Settings ("" = follow the system), kept in QSettings.
QString uiLanguageSetting();
void setUiLanguageSetting(const QString &code);

/// Installs Overtext's translation and Qt's own (qtbase_*.qm from qt6-translations-l10n, for standard dialogs and
/// buttons) for the language chosen in Settings or else the system locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
/// Call after the QApplication and its names exist and before any window is built: texts are read once, so a change
/// applies at the next start. Calling it again replaces the translators installed before. Returns the locale used.
QLocale installTranslators();

} // namespace overtext::ui
