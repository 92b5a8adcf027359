#include "uilanguage.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QPointer>
#include <QSettings>
#include <QTranslator>

namespace overtext::ui {

namespace {
const QString SettingKey = QStringLiteral("interfaceLanguage");
// lrelease's output, embedded by qt_add_translations() in ui/CMakeLists.txt.
const QString TranslationsResource = QStringLiteral(":/overtext/translations");

QPointer<QTranslator> &installed(int which) {
    static QPointer<QTranslator> translators[2];
    return translators[which];
}

void replaceTranslator(int which, QTranslator *translator) {
    if (QTranslator *old = installed(which)) {
        QCoreApplication::removeTranslator(old);
        delete old;
    }
    installed(which) = translator;
    if (translator)
        QCoreApplication::installTranslator(translator);
}
} // namespace

QList<UiLanguage> uiLanguages() {
    return {
        {QStringLiteral("en"), QStringLiteral("English")}, {QStringLiteral("de"), QStringLiteral("Deutsch")},
        {QStringLiteral("es"), QStringLiteral("Español")}, {QStringLiteral("fr"), QStringLiteral("Français")},
        {QStringLiteral("ja"), QStringLiteral("日本語")},  {QStringLiteral("zh_CN"), QStringLiteral("简体中文")},
    };
}

QString uiLanguageSetting() {
    return QSettings().value(SettingKey).toString();
}

void setUiLanguageSetting(const QString &code) {
    QSettings settings;
    if (code.isEmpty())
        settings.remove(SettingKey);
    else
        settings.setValue(SettingKey, code);
}

QLocale installTranslators() {
    const QString chosen = uiLanguageSetting();
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    if (!chosen.isEmpty())
        QLocale::setDefault(locale); // numbers and dates follow the chosen language too

    // English is the source text: no file. A system locale lists its languages in order (LANGUAGE=fr:de), and load()
    // takes the first one with a file; English first means English.
    const bool english = locale.uiLanguages().value(0).startsWith(QLatin1String("en"));
    auto *own = new QTranslator(QCoreApplication::instance()); // goes with the application
    if (english || !own->load(locale, QStringLiteral("overtext"), QStringLiteral("_"), TranslationsResource)) {
        delete own;
        own = nullptr;
    }
    replaceTranslator(0, own);
    auto *qt = new QTranslator(QCoreApplication::instance());
    if (english || !qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                             QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        delete qt;
        qt = nullptr;
    }
    replaceTranslator(1, qt);
    return locale;
}

} // namespace overtext::ui
