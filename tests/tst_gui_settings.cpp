// Settings under the offscreen platform, against a real keychain (a private D-Bus bus with GNOME Keyring, so the app's
// own keychain service name is safe to use) and the fake
// OpenAI-compatible server over loopback: profiles, limits, glossary and instruction persist across dialogs and
// windows; a key typed in the dialog lands in the keychain and never in the settings file, the translation cache or
// the saved batch, even after a batch translated with it; "Test connection" succeeds with the key the server accepts
// and says "rejected" for another.

#include "documentlistmodel.h"
#include "fakes/fakeservices.h"
#include "fakes/pdfmaker.h"
#include "fakes/privatekeyring.h"
#include "fakes/runtask.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "store/appsettings.h"
#include "testpaths.h"

#include <QAction>
#include <QComboBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace overtext;
using namespace overtext::ui;
using namespace testsupport;

namespace {

constexpr int Timeout = 30000;
const QString kGoodKey = QStringLiteral("sk-good-5c0ffee0d15ea5e");

QByteArray fileBytes(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestGuiSettings : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<PrivateKeyring> m_keyring;
    QString m_noKeyring; ///< why there is no private keyring, for the tests that need one
    std::unique_ptr<FakeServerThread> m_server;

    QString serverUrl() const {
        QUrl u = m_server->baseUrl();
        u.setPath(QStringLiteral("/v1"));
        return u.toString();
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_settings"));
        QSettings().clear();
        QFile::remove(QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                          .filePath(QStringLiteral("batch.json")));
        m_server = std::make_unique<FakeServerThread>(fakeOpenAiHandlerWithKey(kGoodKey));
        m_keyring = std::make_unique<PrivateKeyring>();
        if (!m_keyring->start()) {
            // The tests that store keys skip; the others run with no bus at all, so that nothing reaches the
            // user's own keyring.
            m_noKeyring = QStringLiteral("no private keyring: ") + m_keyring->why();
            m_keyring.reset();
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
            qunsetenv("DISPLAY");
        }
    }

    void settingsPersistAndKeysNeverReachTheFiles() {
        if (!m_keyring)
            QSKIP(qPrintable(m_noKeyring));
        {
            SettingsDialog dialog(AppSettings::load(), KeyStore());
            QCOMPARE(dialog.profileList()->count(), AppSettings::defaultProfiles().size());
            dialog.addProfile();
            QCOMPARE(dialog.profileList()->count(), AppSettings::defaultProfiles().size() + 1);
            dialog.typeCombo()->setCurrentIndex(dialog.typeCombo()->findData(QStringLiteral("openai")));
            dialog.nameEdit()->setText(QStringLiteral("Work LLM"));
            dialog.baseUrlEdit()->setText(serverUrl());
            dialog.modelEdit()->setText(QStringLiteral("fake-model"));
            QTest::keyClicks(dialog.keyEdit(), kGoodKey);
            dialog.keyEnvEdit()->setText(QStringLiteral("OVERTEXT_TEST_UNUSED_VAR"));
            dialog.concurrencySpin()->setValue(3);
            dialog.rpmSpin()->setValue(120);
            dialog.tpmSpin()->setValue(50000);
            dialog.glossaryEdit()->setText(m_dir.filePath(QStringLiteral("glossary.csv")));
            dialog.instructionEdit()->setPlainText(QStringLiteral("Keep a formal tone."));
            const auto saved = runTask(dialog.save());
            QVERIFY(saved);
            QVERIFY2(saved->ok(), qPrintable(saved->error().message));
            QVERIFY(dialog.keyEdit()->text().isEmpty()); // the field does not keep it
        }
        // A new dialog shows what was saved; the key is in the keychain only.
        const AppSettings loaded = AppSettings::load();
        const ProviderProfile *work = loaded.profile(QStringLiteral("new-service"));
        QVERIFY(work);
        QCOMPARE(work->name, QStringLiteral("Work LLM"));
        QCOMPARE(work->type, QStringLiteral("openai"));
        QCOMPARE(work->baseUrl, serverUrl());
        QCOMPARE(work->model, QStringLiteral("fake-model"));
        QCOMPARE(work->apiKeyEnv, QStringLiteral("OVERTEXT_TEST_UNUSED_VAR"));
        QCOMPARE(loaded.currentProfile, work->id);
        QCOMPARE(loaded.concurrency, 3);
        QCOMPARE(loaded.rpm, 120);
        QCOMPARE(loaded.tpm, 50000);
        QCOMPARE(loaded.instruction, QStringLiteral("Keep a formal tone."));
        {
            SettingsDialog again(loaded, KeyStore());
            QCOMPARE(again.nameEdit()->text(), QStringLiteral("Work LLM"));
            QCOMPARE(again.baseUrlEdit()->text(), serverUrl());
            QCOMPARE(again.concurrencySpin()->value(), 3);
            QCOMPARE(again.instructionEdit()->toPlainText(), QStringLiteral("Keep a formal tone."));
            QVERIFY(again.keyEdit()->text().isEmpty());
            QSignalSpy shown(&again, &SettingsDialog::keyStatusShown);
            QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), Timeout);
            QVERIFY2(again.keyStatus()->text().contains(QStringLiteral("stored in the system keychain")),
                     qPrintable(again.keyStatus()->text()));
        }
        const auto inKeychain = runTask(KeyStore().read(keychainAccount(work->id)));
        QVERIFY(inKeychain);
        QCOMPARE(inKeychain->key, kGoodKey);

        // A new window lists the profiles and translates with the stored key (the server accepts no other).
        PdfMaker maker;
        maker.paragraph(56, 80, 480, QStringLiteral("The harbour was quiet in the early morning light."), 12);
        const QString pdf = m_dir.filePath(QStringLiteral("doc.pdf"));
        QVERIFY(maker.save(pdf));
        QFile glossary(m_dir.filePath(QStringLiteral("glossary.csv")));
        QVERIFY(glossary.open(QIODevice::WriteOnly));
        glossary.write("harbour,Hafen\n");
        glossary.close();
        const QString cache = m_dir.filePath(QStringLiteral("cache.sqlite"));
        {
            MainWindow w;
            w.setCachePath(cache);
            QCOMPARE(w.providerCombo()->count(), loaded.profiles.size());
            QCOMPARE(w.providerCombo()->currentText(), QStringLiteral("Work LLM"));
            QCOMPARE(w.providerConfig().baseUrl, serverUrl());
            w.addPaths({pdf});
            QTRY_COMPARE_WITH_TIMEOUT(w.documents()->rowCount(), 1, Timeout);
            w.startAll();
            QTRY_COMPARE_WITH_TIMEOUT(w.batch()->status(pdf).state, BatchDocStatus::State::Done, Timeout);
            QCOMPARE(w.batch()->status(pdf).progress.failed, 0);
            QVERIFY(w.batch()->status(pdf).progress.done > 0);
        }
        QVERIFY(m_server->server()->requestCount() > 0);

        // Nowhere on disk but the keychain: the settings file, the cache, the saved batch, everything this test's
        // app wrote.
        QStringList files{QSettings().fileName(), cache,
                          QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                              .filePath(QStringLiteral("batch.json"))};
        for (const QString &root : {m_dir.path(), QStandardPaths::writableLocation(QStandardPaths::AppDataLocation),
                                    QStandardPaths::writableLocation(QStandardPaths::CacheLocation)}) {
            QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files.append(it.next());
        }
        int checked = 0;
        for (const QString &file : std::as_const(files)) {
            const QByteArray bytes = fileBytes(file);
            if (bytes.isEmpty())
                continue;
            ++checked;
            QVERIFY2(!bytes.contains(kGoodKey.toUtf8()), qPrintable(file));
        }
        QVERIFY(fileBytes(QSettings().fileName()).contains("Work LLM")); // the file that was searched is the right one
        QVERIFY(!fileBytes(cache).isEmpty());
        QVERIFY(checked >= 3);
    }

    void testConnectionAcceptsTheGoodKeyAndSaysWhenRejected() {
        if (!m_keyring)
            QSKIP(qPrintable(m_noKeyring));
        AppSettings settings = AppSettings::load();
        SettingsDialog dialog(settings, KeyStore());
        dialog.setTestLanguage(QStringLiteral("de"));
        const int row = int(settings.profiles.indexOf(*settings.profile(QStringLiteral("new-service"))));
        dialog.profileList()->setCurrentRow(row);
        QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);

        // The stored key (keychain) is used when the field is empty.
        dialog.testButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, Timeout);
        QVERIFY2(tested.at(0).at(0).toBool(), qPrintable(tested.at(0).at(1).toString()));
        QVERIFY2(dialog.testResult()->text().contains(
                     fakeTranslation(QStringLiteral("Hello, world."), QStringLiteral("de"))),
                 qPrintable(dialog.testResult()->text()));

        // A key typed in the field is tried before it is stored.
        dialog.keyEdit()->setText(QStringLiteral("sk-wrong-key"));
        dialog.testButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, Timeout);
        QVERIFY(!tested.at(1).at(0).toBool());
        const QString message = dialog.testResult()->text();
        QVERIFY2(message.contains(QStringLiteral("rejected")), qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("sk-wrong-key"))); // the server echoed it; we do not
        // OVERTEXT_SCREENSHOT_DIR=DIR: save the dialog as it is now, to look at it (README screenshots).
        if (const QString dir = qEnvironmentVariable("OVERTEXT_SCREENSHOT_DIR"); !dir.isEmpty()) {
            dialog.resize(900, 640);
            QVERIFY(dialog.grab().save(QDir(dir).filePath(QStringLiteral("settings.png"))));
        }
    }

    void settingsActionHasItsShortcutAndAccessibleFields() {
        MainWindow w;
        auto *action = w.findChild<QAction *>(QStringLiteral("settingsAction"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Comma));
        action->trigger();
        auto *dialog = w.findChild<SettingsDialog *>(QStringLiteral("settingsDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        for (QWidget *field : dialog->findChildren<QWidget *>()) {
            if (qobject_cast<QLineEdit *>(field) || qobject_cast<QSpinBox *>(field) ||
                qobject_cast<QComboBox *>(field) || qobject_cast<QListWidget *>(field) ||
                qobject_cast<QPlainTextEdit *>(field)) {
                if (qobject_cast<QLineEdit *>(field) && qobject_cast<QSpinBox *>(field->parentWidget()))
                    continue; // a spin box's own editor
                QVERIFY2(!field->accessibleName().isEmpty(), field->metaObject()->className());
            }
        }
        dialog->reject();
    }

    void cleanupTestCase() {
        m_keyring.reset();
        m_server.reset();
    }
};

QTEST_MAIN(TestGuiSettings)
#include "tst_gui_settings.moc"
