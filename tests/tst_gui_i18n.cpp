// The interface follows the system locale (here a German session: LANG=de_DE.UTF-8), the language chosen in Settings
// overrides it, Qt's own translations cover standard buttons, and the real `overtext` program does the same at start.
#include "aboutdialog.h"
#include "fakes/runtask.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "testpaths.h"
#include "uilanguage.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

using namespace overtext;
using namespace overtext::ui;

namespace {

QStringList menuTitles(const MainWindow &w) {
    QStringList titles;
    const QList<QAction *> actions = w.menuBar()->actions();
    for (const QAction *a : actions)
        titles.append(a->text());
    return titles;
}

struct Run {
    int exitCode = -1;
    QString out;
};

// The built GUI program, with a locale environment as a desktop session gives it.
Run runGui(const QStringList &args, const QString &lang) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES"})
        env.remove(QLatin1String(name));
    env.insert(QStringLiteral("LANG"), lang);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // A private settings home: the language chosen in a user's own Settings must not decide this test.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir::tempPath() + QStringLiteral("/overtext-i18n-test-config"));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(testpaths::binDir() + QStringLiteral("/overtext"), args);
    Run r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    return r;
}

} // namespace

class TestGuiI18n : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_i18n"));
        QSettings().clear();
        QVERIFY(QFileInfo(testpaths::binDir() + QStringLiteral("/overtext")).isExecutable());
    }

    void followsTheSystemLocale() {
        setUiLanguageSetting({});
        const QLocale locale = installTranslators();
        QCOMPARE(locale.language(), QLocale::German);
        MainWindow w;
        QCOMPARE(menuTitles(w), (QStringList{QStringLiteral("&Datei"), QStringLiteral("&Ansicht"),
                                             QStringLiteral("&Stapel"), QStringLiteral("&Hilfe")}));
        const QList<QAction *> file = w.menuBar()->actions().first()->menu()->actions();
        QCOMPARE(file.first()->text(), QStringLiteral("Ö&ffnen…"));
        QCOMPARE(w.windowTitle(), QStringLiteral("Overtext"));
    }

    void qtStandardTextsAreTranslatedToo() {
        // qtbase_de.qm from qt6-translations-l10n: standard buttons and dialogs.
        QDialogButtonBox box(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        QCOMPARE(box.button(QDialogButtonBox::Cancel)->text().remove(QLatin1Char('&')), QStringLiteral("Abbrechen"));
    }

    void aboutDialogShowsVersionAndLicences() {
        MainWindow w;
        QAction *about = w.findChild<QAction *>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        QCOMPARE(about->text(), QStringLiteral("Ü&ber Overtext"));
        about->trigger();
        auto *dialog = w.findChild<AboutDialog *>(QStringLiteral("aboutDialog"));
        QVERIFY(dialog);
        QCOMPARE(dialog->windowTitle(), QStringLiteral("Über Overtext"));
        QCOMPARE(AboutDialog::version(), QStringLiteral(OVERTEXT_VERSION));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("aboutTitle"))
                    ->text()
                    .contains(QStringLiteral(OVERTEXT_VERSION)));
        QHash<QString, QString> licences;
        const QTableWidget *table = dialog->componentTable();
        for (int row = 0; row < table->rowCount(); ++row)
            licences.insert(table->item(row, 0)->text(), table->item(row, 2)->text());
        QCOMPARE(licences.value(QStringLiteral("Poppler")), QStringLiteral("GPL-2.0 or GPL-3.0"));
        QCOMPARE(licences.value(QStringLiteral("qpdf")), QStringLiteral("Apache-2.0"));
        QCOMPARE(licences.value(QStringLiteral("QCoro")), QStringLiteral("MIT"));
        QCOMPARE(licences.value(QStringLiteral("SQLite")), QStringLiteral("Public domain"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("Lesen von PDF-Seiten und -Text"));
        QAction *aboutQt = nullptr;
        for (QAction *a : w.menuBar()->actions().last()->menu()->actions())
            if (a->menuRole() == QAction::AboutQtRole)
                aboutQt = a;
        QVERIFY(aboutQt);
        QCOMPARE(aboutQt->text(), QStringLiteral("Über &Qt"));
    }

    void settingsChoiceOverridesTheSystem() {
        setUiLanguageSetting(QStringLiteral("ja"));
        QCOMPARE(installTranslators().language(), QLocale::Japanese);
        {
            MainWindow w;
            QCOMPARE(menuTitles(w).first(), QStringLiteral("ファイル(&F)"));
        }
        setUiLanguageSetting(QStringLiteral("en")); // English on a German desktop: no translator at all
        installTranslators();
        {
            MainWindow w;
            QCOMPARE(menuTitles(w), (QStringList{QStringLiteral("&File"), QStringLiteral("&View"),
                                                 QStringLiteral("&Batch"), QStringLiteral("&Help")}));
            QDialogButtonBox box(QDialogButtonBox::Cancel);
            QCOMPARE(box.button(QDialogButtonBox::Cancel)->text().remove(QLatin1Char('&')), QStringLiteral("Cancel"));
        }
        setUiLanguageSetting({});
        installTranslators();
    }

    void everyShippedLanguageLoads_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("file");
        QTest::newRow("de") << "de"
                            << "&Datei";
        QTest::newRow("es") << "es"
                            << "&Archivo";
        QTest::newRow("fr") << "fr"
                            << "&Fichier";
        QTest::newRow("ja") << "ja"
                            << "ファイル(&F)";
        QTest::newRow("zh_CN") << "zh_CN"
                               << "文件(&F)";
    }
    void everyShippedLanguageLoads() {
        QFETCH(QString, code);
        QFETCH(QString, file);
        setUiLanguageSetting(code);
        installTranslators();
        QCOMPARE(MainWindow::tr("&File"), file);
        // Qt's own file for the language is there too (Cancel is never left in English).
        QDialogButtonBox box(QDialogButtonBox::Cancel);
        QVERIFY2(box.button(QDialogButtonBox::Cancel)->text().remove(QLatin1Char('&')) != QStringLiteral("Cancel"),
                 qPrintable(code));
        setUiLanguageSetting({});
        installTranslators();
    }

    void settingsDialogOffersTheLanguages() {
        setUiLanguageSetting({});
        {
            SettingsDialog dialog(AppSettings::load(), KeyStore());
            QComboBox *combo = dialog.uiLanguageCombo();
            QVERIFY(combo);
            QCOMPARE(combo->count(), 7); // system default, English and the five translations
            QCOMPARE(combo->currentIndex(), 0);
            QCOMPARE(combo->currentText(), QStringLiteral("Systemstandard"));
            for (const char *code : {"en", "de", "es", "fr", "ja", "zh_CN"})
                QVERIFY2(combo->findData(QString::fromLatin1(code)) > 0, code);
            combo->setCurrentIndex(combo->findData(QStringLiteral("fr")));
            const auto saved = testsupport::runTask(dialog.save());
            QVERIFY(saved && saved->ok());
        }
        QCOMPARE(uiLanguageSetting(), QStringLiteral("fr"));
        SettingsDialog again(AppSettings::load(), KeyStore());
        QCOMPARE(again.uiLanguageCombo()->currentData().toString(), QStringLiteral("fr"));
        setUiLanguageSetting({});
    }

    void theProgramStartsInTheSessionLanguage() {
        // `overtext --help` is read after the translators are installed, as the window is.
        const Run german = runGui({QStringLiteral("--help")}, QStringLiteral("de_DE.UTF-8"));
        QCOMPARE(german.exitCode, 0);
        QVERIFY2(german.out.contains(QStringLiteral("PDF-Dokumente übersetzen und dabei ihr Layout erhalten.")),
                 qPrintable(german.out));
        QVERIFY2(german.out.contains(QStringLiteral("Zu öffnende PDF-Dateien oder Ordner.")), qPrintable(german.out));
        const Run japanese = runGui({QStringLiteral("--help")}, QStringLiteral("ja_JP.UTF-8"));
        QVERIFY2(japanese.out.contains(QStringLiteral("開く PDF ファイルまたはフォルダー。")),
                 qPrintable(japanese.out));
        const Run english = runGui({QStringLiteral("--help")}, QStringLiteral("C.UTF-8"));
        QVERIFY2(english.out.contains(QStringLiteral("PDF files or folders to open.")), qPrintable(english.out));
        // --version is the one number of CMakeLists.txt, in any language.
        const Run version = runGui({QStringLiteral("--version")}, QStringLiteral("de_DE.UTF-8"));
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out.trimmed(), QStringLiteral("overtext " OVERTEXT_VERSION));
    }
};

int main(int argc, char **argv) {
    // A German desktop session. QLocale::system() reads LC_ALL, then LC_MESSAGES, then LANG; the list of interface
    // languages reads LANGUAGE first. Only LANG is set, as most desktops do.
    for (const char *name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES"})
        qunsetenv(name);
    qputenv("LANG", "de_DE.UTF-8");
    QApplication app(argc, argv);
    TestGuiI18n test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_gui_i18n.moc"
