#pragma once

#include "store/appsettings.h"
#include "store/keystore.h"
#include "util/result.h"

#include <QCoroTask>
#include <QDialog>
#include <QHash>
#include <QSet>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace overtext::ui {

/// Settings ▸ provider profiles (type, name, base URL, model, API key, fallback variable, proxy, timeout), concurrency
/// and rate limits, glossary and instruction, the network (proxy, its credentials, exclusions, an extra CA bundle), the
/// interface language (at the next start).
/// Everything but the keys goes to QSettings; a key typed here goes only to the system keychain (KeyStore), and where
/// no keychain runs the dialog says so and names the environment variable read instead. "Test connection" sends one
/// tiny translation through the profile's real provider.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const AppSettings &settings, KeyStore keys = KeyStore(), QWidget *parent = nullptr);
    ~SettingsDialog() override;

    /// The settings as edited so far.
    AppSettings settings() const;
    /// The language "Test connection" translates into (the toolbar's).
    void setTestLanguage(const QString &code) { m_testLanguage = code; }

    /// Writes the settings to QSettings and the keys typed (or forgotten) to the keychain. The error names what
    /// could not be stored and what to do; the settings file is written either way.
    QCoro::Task<Result<void>> save();

    // For tests and accessibility checks.
    QListWidget *profileList() const { return m_list; }
    QComboBox *typeCombo() const { return m_type; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *baseUrlEdit() const { return m_baseUrl; }
    QLineEdit *modelEdit() const { return m_model; }
    QLineEdit *keyEdit() const { return m_key; }
    QLineEdit *keyEnvEdit() const { return m_keyEnv; }
    QLabel *keyStatus() const { return m_keyStatus; }
    QSpinBox *concurrencySpin() const { return m_concurrency; }
    QSpinBox *rpmSpin() const { return m_rpm; }
    QSpinBox *tpmSpin() const { return m_tpm; }
    QLineEdit *glossaryEdit() const { return m_glossary; }
    QPlainTextEdit *instructionEdit() const { return m_instruction; }
    QPushButton *testButton() const { return m_test; }
    QLabel *testResult() const { return m_testResult; }
    QLabel *statusLabel() const { return m_status; }
    QLineEdit *profileProxyEdit() const { return m_profileProxy; }
    QSpinBox *timeoutSpin() const { return m_timeout; }
    QLineEdit *proxyEdit() const { return m_proxy; }
    QLineEdit *noProxyEdit() const { return m_noProxy; }
    QLineEdit *proxyUserEdit() const { return m_proxyUser; }
    QLineEdit *proxyPasswordEdit() const { return m_proxyPassword; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QComboBox *uiLanguageCombo() const { return m_uiLanguage; }

public Q_SLOTS:
    void addProfile();
    void removeProfile();
    /// Forgets the current profile's stored key (on save).
    void forgetKey();
    void testConnection();
    void accept() override;

Q_SIGNALS:
    /// A "Test connection" ended: ok, and the sentence shown.
    void connectionTested(bool ok, const QString &message);
    /// The keychain state of the shown profile was read (keyStatus() is up to date).
    void keyStatusShown();

private:
    void showProfile(int row);
    void storeForm();
    void updateFieldsForType();
    QCoro::Task<> refreshKeyStatus(QString profileId);
    QCoro::Task<> runTest(ProviderProfile profile, QString typedKey);
    /// The proxy credentials typed in this dialog ("user:password"), or those in the proxy URL typed; empty if none.
    QString typedProxyAuth() const;
    /// The network fields that cannot be used (proxy URLs, the CA bundle), as one sentence; empty when all is well.
    QString networkProblem() const;
    QCoro::Task<> saveAndClose();

    AppSettings m_settings;
    KeyStore m_keys;
    QString m_testLanguage = QStringLiteral("es");
    int m_row = -1;
    QHash<QString, QString> m_typedKeys; // profile id -> key typed in this dialog, not yet stored
    QSet<QString> m_forget;              // profile ids whose stored key goes (removed profiles, Forget Key)

    QListWidget *m_list = nullptr;
    QComboBox *m_type = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QLineEdit *m_key = nullptr;
    QLineEdit *m_keyEnv = nullptr;
    QLabel *m_keyStatus = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_forgetButton = nullptr;
    QSpinBox *m_concurrency = nullptr;
    QSpinBox *m_rpm = nullptr;
    QSpinBox *m_tpm = nullptr;
    QLineEdit *m_glossary = nullptr;
    QPlainTextEdit *m_instruction = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_testResult = nullptr;
    QLabel *m_status = nullptr;
    QLineEdit *m_profileProxy = nullptr;
    QSpinBox *m_timeout = nullptr;
    QLineEdit *m_proxy = nullptr;
    QLineEdit *m_noProxy = nullptr;
    QLineEdit *m_proxyUser = nullptr;
    QLineEdit *m_proxyPassword = nullptr;
    QLineEdit *m_caFile = nullptr;
    QComboBox *m_uiLanguage = nullptr;
};

} // namespace overtext::ui
