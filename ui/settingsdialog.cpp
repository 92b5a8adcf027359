#include "settingsdialog.h"

#include "translate/providerfactory.h"
#include "uilanguage.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace overtext::ui {

namespace {

QString typeLabel(const QString &type) {
    if (type == QLatin1String("apertium"))
        return SettingsDialog::tr("Apertium (offline, no key)");
    if (type == QLatin1String("openai"))
        return SettingsDialog::tr("OpenAI-compatible (OpenAI, Azure, Ollama, vLLM, llama.cpp …)");
    if (type == QLatin1String("anthropic"))
        return SettingsDialog::tr("Anthropic");
    if (type == QLatin1String("deepl"))
        return SettingsDialog::tr("DeepL");
    if (type == QLatin1String("libretranslate"))
        return SettingsDialog::tr("LibreTranslate");
    return type;
}

QSpinBox *spin(int min, int max, const QString &special, const QString &accessibleName) {
    auto *s = new QSpinBox;
    s->setRange(min, max);
    s->setSpecialValueText(special);
    s->setAccessibleName(accessibleName);
    return s;
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings &settings, KeyStore keys, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_keys(std::move(keys)) {
    setWindowTitle(tr("Settings — Overtext"));
    setAccessibleName(tr("Settings"));

    // Profiles: the list on the left, the selected one's details on the right.
    m_list = new QListWidget;
    m_list->setAccessibleName(tr("Translation services"));
    for (const ProviderProfile &p : std::as_const(m_settings.profiles))
        m_list->addItem(p.name);
    auto *add = new QPushButton(tr("&Add"));
    add->setAccessibleName(tr("Add a service"));
    m_remove = new QPushButton(tr("&Remove"));
    m_remove->setAccessibleName(tr("Remove the service"));
    connect(add, &QPushButton::clicked, this, &SettingsDialog::addProfile);
    connect(m_remove, &QPushButton::clicked, this, &SettingsDialog::removeProfile);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_remove);
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    m_type = new QComboBox;
    m_type->setAccessibleName(tr("Service type"));
    for (const QString &type : providerNames())
        m_type->addItem(typeLabel(type), type);
    m_name = new QLineEdit;
    m_name->setAccessibleName(tr("Name"));
    m_baseUrl = new QLineEdit;
    m_baseUrl->setAccessibleName(tr("Base URL"));
    m_baseUrl->setPlaceholderText(tr("the service's own (leave empty)"));
    m_model = new QLineEdit;
    m_model->setAccessibleName(tr("Model"));
    m_key = new QLineEdit;
    m_key->setAccessibleName(tr("API key"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setToolTip(tr("Kept in the system keychain, never in a settings file"));
    m_forgetButton = new QPushButton(tr("&Forget Key"));
    m_forgetButton->setAccessibleName(tr("Forget the stored key"));
    connect(m_forgetButton, &QPushButton::clicked, this, &SettingsDialog::forgetKey);
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_forgetButton);
    m_keyStatus = new QLabel;
    m_keyStatus->setWordWrap(true);
    m_keyStatus->setAccessibleName(tr("Key status"));
    m_keyEnv = new QLineEdit;
    m_keyEnv->setAccessibleName(tr("Key environment variable"));
    m_keyEnv->setToolTip(tr("Read when the keychain holds no key or no keychain service runs"));
    m_profileProxy = new QLineEdit;
    m_profileProxy->setAccessibleName(tr("Proxy for this service"));
    m_profileProxy->setPlaceholderText(tr("the network setting below (leave empty); direct for none"));
    m_timeout = spin(0, 86400, tr("the service's default"), tr("Timeout in seconds"));
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("How long a request may wait for the server's next byte, the first one included. A local "
                             "model on a CPU can take minutes before its first word."));
    m_test = new QPushButton(tr("&Test Connection"));
    m_test->setAccessibleName(tr("Test connection"));
    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    m_testResult = new QLabel;
    m_testResult->setWordWrap(true);
    m_testResult->setAccessibleName(tr("Connection test result"));
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *profileForm = new QFormLayout;
    profileForm->addRow(tr("T&ype:"), m_type);
    profileForm->addRow(tr("&Name:"), m_name);
    profileForm->addRow(tr("&Base URL:"), m_baseUrl);
    profileForm->addRow(tr("&Model:"), m_model);
    // Rows whose field is a layout need their buddy set by hand, or the mnemonic shows as a literal "&".
    auto *keyLabel = new QLabel(tr("API &key:"));
    keyLabel->setBuddy(m_key);
    profileForm->addRow(keyLabel, keyRow);
    profileForm->addRow(QString(), m_keyStatus);
    profileForm->addRow(tr("Key &variable:"), m_keyEnv);
    profileForm->addRow(tr("Pro&xy:"), m_profileProxy);
    profileForm->addRow(tr("Time&out:"), m_timeout);
    profileForm->addRow(m_test, m_testResult);
    auto *profiles = new QGroupBox(tr("Translation services"));
    auto *profilesLayout = new QHBoxLayout(profiles);
    profilesLayout->addLayout(left, 1);
    profilesLayout->addLayout(profileForm, 3);

    // What applies to every service.
    m_concurrency = spin(1, 64, {}, tr("Requests at once"));
    m_rpm = spin(0, 1000000, tr("no limit"), tr("Requests per minute"));
    m_tpm = spin(0, 2000000000, tr("no limit"), tr("Tokens per minute"));
    m_glossary = new QLineEdit;
    m_glossary->setAccessibleName(tr("Glossary file"));
    m_glossary->setPlaceholderText(tr("CSV: source term, target term"));
    auto *browse = new QPushButton(tr("Bro&wse…"));
    browse->setAccessibleName(tr("Choose the glossary file"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Glossary"), m_glossary->text(),
                                                          tr("CSV files (*.csv);;All files (*)"));
        if (!file.isEmpty())
            m_glossary->setText(file);
    });
    auto *glossaryRow = new QHBoxLayout;
    glossaryRow->addWidget(m_glossary, 1);
    glossaryRow->addWidget(browse);
    m_instruction = new QPlainTextEdit;
    m_instruction->setAccessibleName(tr("Instruction"));
    m_instruction->setPlaceholderText(tr("For example: keep a formal tone; do not translate product names."));
    m_instruction->setMaximumHeight(80);
    m_concurrency->setValue(m_settings.concurrency);
    m_rpm->setValue(m_settings.rpm);
    m_tpm->setValue(int(std::min<qint64>(m_settings.tpm, m_tpm->maximum())));
    m_glossary->setText(m_settings.glossaryPath);
    m_instruction->setPlainText(m_settings.instruction);
    auto *general = new QGroupBox(tr("Translation"));
    auto *generalForm = new QFormLayout(general);
    generalForm->addRow(tr("Requests at &once:"), m_concurrency);
    generalForm->addRow(tr("Requests &per minute:"), m_rpm);
    generalForm->addRow(tr("Tok&ens per minute:"), m_tpm);
    auto *glossaryLabel = new QLabel(tr("&Glossary:"));
    glossaryLabel->setBuddy(m_glossary);
    generalForm->addRow(glossaryLabel, glossaryRow);
    generalForm->addRow(tr("&Instruction:"), m_instruction);

    // The network: proxy (its credentials in the keychain), exclusions, an extra CA bundle.
    m_proxy = new QLineEdit(m_settings.proxy);
    m_proxy->setAccessibleName(tr("Proxy"));
    m_proxy->setPlaceholderText(tr("the system's (leave empty), direct, or http://host:port, socks5h://host:port"));
    m_noProxy = new QLineEdit(m_settings.noProxy);
    m_noProxy->setAccessibleName(tr("No proxy for"));
    m_noProxy->setPlaceholderText(tr("the no_proxy variable (leave empty), or localhost, .corp.example, 10.0.0.0/8"));
    m_proxyUser = new QLineEdit;
    m_proxyUser->setAccessibleName(tr("Proxy user"));
    m_proxyUser->setPlaceholderText(tr("kept in the system keychain with the password"));
    m_proxyPassword = new QLineEdit;
    m_proxyPassword->setAccessibleName(tr("Proxy password"));
    m_proxyPassword->setEchoMode(QLineEdit::Password);
    m_proxyPassword->setPlaceholderText(
        tr("type to store in the keychain (user and password replace the stored ones)"));
    m_caFile = new QLineEdit(m_settings.caFile);
    m_caFile->setAccessibleName(tr("Extra CA bundle"));
    m_caFile->setPlaceholderText(tr("PEM file trusted besides the system's authorities (a TLS-inspecting proxy)"));
    auto *browseCa = new QPushButton(tr("Brow&se…"));
    browseCa->setAccessibleName(tr("Choose the CA bundle"));
    connect(browseCa, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA bundle"), m_caFile->text(),
                                                          tr("PEM files (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty())
            m_caFile->setText(file);
    });
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browseCa);
    auto *network = new QGroupBox(tr("Network"));
    auto *networkForm = new QFormLayout(network);
    networkForm->addRow(tr("&Proxy:"), m_proxy);
    networkForm->addRow(tr("&No proxy for:"), m_noProxy);
    networkForm->addRow(tr("Proxy &user:"), m_proxyUser);
    networkForm->addRow(tr("Proxy pass&word:"), m_proxyPassword);
    auto *caLabel = new QLabel(tr("Extra &CA bundle:"));
    caLabel->setBuddy(m_caFile);
    networkForm->addRow(caLabel, caRow);
    // The interface language: windows read their texts once, so a change applies at the next start.
    m_uiLanguage = new QComboBox;
    m_uiLanguage->setAccessibleName(tr("Interface language"));
    m_uiLanguage->addItem(tr("System default"), QString());
    for (const UiLanguage &l : uiLanguages())
        m_uiLanguage->addItem(l.nativeName, l.code);
    m_uiLanguage->setCurrentIndex(std::max(0, m_uiLanguage->findData(uiLanguageSetting())));
    auto *appearance = new QGroupBox(tr("Interface"));
    auto *appearanceForm = new QFormLayout(appearance);
    appearanceForm->addRow(tr("&Language:"), m_uiLanguage);
    appearanceForm->addRow(QString(), new QLabel(tr("A new language applies the next time Overtext starts.")));

    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Status"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(profiles, 1);
    layout->addWidget(general);
    layout->addWidget(network);
    layout->addWidget(appearance);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, &SettingsDialog::showProfile);
    connect(m_type, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateFieldsForType);
    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        if (QListWidgetItem *item = m_list->item(m_row))
            item->setText(text);
    });
    int current = 0;
    for (int i = 0; i < m_settings.profiles.size(); ++i)
        if (m_settings.profiles.at(i).id == m_settings.currentProfile)
            current = i;
    m_list->setCurrentRow(current);
    resize(760, 620);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::storeForm() {
    if (m_row < 0 || m_row >= m_settings.profiles.size())
        return;
    ProviderProfile &p = m_settings.profiles[m_row];
    p.type = m_type->currentData().toString();
    p.name = m_name->text().trimmed().isEmpty() ? p.id : m_name->text().trimmed();
    p.baseUrl = m_baseUrl->text().trimmed();
    p.model = m_model->text().trimmed();
    p.apiKeyEnv = m_keyEnv->text().trimmed();
    p.proxy = m_profileProxy->text().trimmed();
    p.timeoutSeconds = m_timeout->value();
    if (!m_key->text().isEmpty()) {
        m_typedKeys.insert(p.id, m_key->text());
        m_forget.remove(p.id);
    }
}

void SettingsDialog::showProfile(int row) {
    storeForm();
    m_row = row;
    const bool valid = row >= 0 && row < m_settings.profiles.size();
    for (QWidget *w : std::initializer_list<QWidget *>{m_type, m_name, m_baseUrl, m_model, m_key, m_keyEnv, m_test,
                                                       m_remove, m_forgetButton, m_profileProxy, m_timeout})
        w->setEnabled(valid);
    m_testResult->clear();
    if (!valid)
        return;
    const ProviderProfile &p = m_settings.profiles.at(row);
    m_type->setCurrentIndex(std::max(0, m_type->findData(p.type)));
    m_name->setText(p.name);
    m_baseUrl->setText(p.baseUrl);
    m_model->setText(p.model);
    m_keyEnv->setText(p.apiKeyEnv);
    m_profileProxy->setText(p.proxy);
    m_timeout->setValue(p.timeoutSeconds);
    m_key->setText(m_typedKeys.value(p.id));
    m_settings.currentProfile = p.id;
    updateFieldsForType();
    refreshKeyStatus(p.id);
}

void SettingsDialog::updateFieldsForType() {
    const QString type = m_type->currentData().toString();
    const bool keyed = !defaultKeyEnv(type).isEmpty();
    const bool remote = type != QLatin1String("apertium");
    m_baseUrl->setEnabled(remote);
    m_model->setEnabled(type == QLatin1String("openai") || type == QLatin1String("anthropic"));
    m_key->setEnabled(keyed);
    m_keyEnv->setEnabled(keyed);
    m_forgetButton->setEnabled(keyed);
    m_keyEnv->setPlaceholderText(keyed ? defaultKeyEnv(type) : QString());
    m_key->setPlaceholderText(keyed ? tr("type a key to store it in the keychain") : tr("no key needed"));
}

QCoro::Task<> SettingsDialog::refreshKeyStatus(QString profileId) {
    QPointer<SettingsDialog> self(this);
    const ProviderProfile *p = m_settings.profile(profileId);
    if (!p || defaultKeyEnv(p->type).isEmpty()) {
        m_keyStatus->clear();
        Q_EMIT keyStatusShown();
        co_return;
    }
    const QString env = p->apiKeyEnv.isEmpty() ? defaultKeyEnv(p->type) : p->apiKeyEnv;
    m_keyStatus->setText(tr("Asking the keychain…"));
    const KeyRead read = co_await m_keys.read(keychainAccount(profileId));
    if (!self || m_row < 0 || m_settings.profiles.value(m_row).id != profileId)
        co_return;
    QString text;
    switch (read.status) {
    case KeyRead::Status::Found:
        text = m_forget.contains(profileId) ? tr("The stored key will be forgotten when you press OK.")
                                            : tr("A key is stored in the system keychain.");
        break;
    case KeyRead::Status::NotFound:
        text = tr("No key in the keychain: the environment variable %1 is read if it is set.").arg(env);
        break;
    case KeyRead::Status::Unavailable:
    case KeyRead::Status::Failed:
        text =
            tr("%1. Keys cannot be stored here; the environment variable %2 is read instead.").arg(read.message, env);
        break;
    }
    m_keyStatus->setText(text);
    Q_EMIT keyStatusShown();
}

AppSettings SettingsDialog::settings() const {
    const_cast<SettingsDialog *>(this)->storeForm(); // the shown profile's fields are part of the settings
    AppSettings s = m_settings;
    s.concurrency = m_concurrency->value();
    s.rpm = m_rpm->value();
    s.tpm = m_tpm->value();
    s.glossaryPath = m_glossary->text().trimmed();
    s.instruction = m_instruction->toPlainText().trimmed();
    // Credentials typed into a proxy URL go to the keychain (save()), never to the settings file.
    s.proxy = AppSettings::withoutCredentials(m_proxy->text());
    s.noProxy = m_noProxy->text().trimmed();
    s.caFile = m_caFile->text().trimmed();
    for (ProviderProfile &p : s.profiles)
        p.proxy = AppSettings::withoutCredentials(p.proxy);
    return s;
}

QString SettingsDialog::typedProxyAuth() const {
    if (!m_proxyPassword->text().isEmpty() || !m_proxyUser->text().trimmed().isEmpty())
        return m_proxyUser->text().trimmed() + QLatin1Char(':') + m_proxyPassword->text();
    if (auto p = parseProxyUrl(m_proxy->text(), QStringLiteral("Proxy")); p && !p->user.isEmpty())
        return p->user + QLatin1Char(':') + p->password;
    return {};
}

QString SettingsDialog::networkProblem() const {
    const AppSettings s = settings();
    QStringList proxies = {s.proxy};
    for (const ProviderProfile &p : s.profiles)
        proxies.append(p.proxy);
    for (const QString &proxy : std::as_const(proxies)) {
        if (proxy.isEmpty() || proxy.compare(QLatin1String("direct"), Qt::CaseInsensitive) == 0)
            continue;
        if (auto parsed = parseProxyUrl(proxy, tr("The proxy setting")); !parsed)
            return parsed.error().message + QLatin1Char('.');
    }
    if (!s.caFile.isEmpty())
        if (auto certs = loadCaBundle(s.caFile, tr("The extra CA bundle")); !certs)
            return certs.error().message + QLatin1Char('.');
    return {};
}

void SettingsDialog::addProfile() {
    storeForm();
    ProviderProfile p;
    p.type = QStringLiteral("openai");
    p.name = tr("New service");
    p.id = m_settings.newProfileId(p.name);
    m_settings.profiles.append(p);
    m_list->addItem(p.name);
    m_list->setCurrentRow(m_list->count() - 1);
    m_name->setFocus();
    m_name->selectAll();
}

void SettingsDialog::removeProfile() {
    if (m_row < 0 || m_settings.profiles.size() <= 1)
        return; // one service at least: the toolbar needs a choice
    const int row = m_row;
    const QString id = m_settings.profiles.at(row).id;
    m_forget.insert(id);
    m_typedKeys.remove(id);
    m_row = -1; // nothing to store back
    m_settings.profiles.removeAt(row);
    delete m_list->takeItem(row);
    m_list->setCurrentRow(std::min(row, m_list->count() - 1));
}

void SettingsDialog::forgetKey() {
    if (m_row < 0)
        return;
    const QString id = m_settings.profiles.at(m_row).id;
    m_typedKeys.remove(id);
    m_key->clear();
    m_forget.insert(id);
    m_keyStatus->setText(tr("The stored key will be forgotten when you press OK."));
}

void SettingsDialog::testConnection() {
    storeForm();
    if (m_row < 0)
        return;
    const ProviderProfile p = m_settings.profiles.at(m_row);
    runTest(p, m_typedKeys.value(p.id));
}

QCoro::Task<> SettingsDialog::runTest(ProviderProfile profile, QString typedKey) {
    QPointer<SettingsDialog> self(this);
    m_test->setEnabled(false);
    m_testResult->setText(tr("Sending a short test translation…"));
    Result<QString> result = Error{Error::Internal, {}};
    try {
        QString key = typedKey;
        Result<void> found;
        if (key.isEmpty() && !m_forget.contains(profile.id)) {
            auto lookup = co_await findApiKey(settings().withNetwork(profile.config()), m_keys);
            if (!self)
                co_return;
            if (lookup)
                key = lookup->key;
            else
                found = lookup.error();
        }
        if (found) {
            // The network as edited here (proxy, CA bundle, timeout), with the proxy credentials typed or stored.
            const ProviderConfig config = settings().withNetwork(profile.config());
            QString proxyAuth = typedProxyAuth();
            if (proxyAuth.isEmpty() && !config.network.proxyAuthAccount.isEmpty()) {
                const KeyRead stored = co_await m_keys.read(config.network.proxyAuthAccount);
                if (!self)
                    co_return;
                if (stored.status == KeyRead::Status::Found)
                    proxyAuth = stored.key;
            }
            auto task = overtext::testConnection(config, key, m_testLanguage, proxyAuth);
            result = co_await std::move(task);
        } else {
            result = found.error();
        }
    } catch (const std::exception &e) {
        result = Error{Error::Internal, QString::fromLocal8Bit(e.what())};
    }
    if (!self)
        co_return;
    m_test->setEnabled(true);
    const QString message = result ? tr("Connected: “Hello, world.” came back as “%1”.").arg(result.value())
                                   : tr("The test failed: %1").arg(result.error().message);
    m_testResult->setText(message);
    Q_EMIT connectionTested(result.ok(), message);
}

QCoro::Task<Result<void>> SettingsDialog::save() {
    QPointer<SettingsDialog> self(this);
    if (const QString problem = networkProblem(); !problem.isEmpty()) {
        m_status->setText(problem);
        co_return Error{Error::Usage, problem};
    }
    const AppSettings s = settings();
    const QString proxyAuth = typedProxyAuth();
    s.save();
    setUiLanguageSetting(m_uiLanguage->currentData().toString());
    const QHash<QString, QString> typed = m_typedKeys;
    const QSet<QString> forget = m_forget;
    const KeyStore keys = m_keys;
    QStringList problems;
    for (auto it = typed.cbegin(); it != typed.cend(); ++it) {
        const ProviderProfile *p = s.profile(it.key());
        if (!p)
            continue;
        const Result<void> written = co_await keys.write(keychainAccount(it.key()), it.value());
        if (!written) {
            const QString env = p->apiKeyEnv.isEmpty() ? defaultKeyEnv(p->type) : p->apiKeyEnv;
            problems.append(tr("%1 — %2 Put the key in the environment variable %3 instead.")
                                .arg(p->name, written.error().message, env));
        } else if (self) {
            m_typedKeys.remove(it.key());
        }
    }
    if (!proxyAuth.isEmpty()) {
        const Result<void> written = co_await keys.write(AppSettings::proxyAuthAccount(), proxyAuth);
        if (!written)
            problems.append(tr("Proxy — %1 Put the credentials in the proxy variable instead "
                               "(http_proxy=http://USER:PASSWORD@host:port).")
                                .arg(written.error().message));
        else if (self) {
            m_proxyPassword->clear();
            m_proxyUser->clear();
            m_proxy->setText(AppSettings::withoutCredentials(m_proxy->text()));
        }
    }
    for (const QString &id : forget) {
        const Result<void> removed = co_await keys.remove(keychainAccount(id));
        if (!removed)
            problems.append(removed.error().message);
        else if (self)
            m_forget.remove(id);
    }
    if (self) {
        if (m_key->isEnabled())
            m_key->clear(); // stored (or reported): the field does not keep it
        m_status->setText(problems.join(QLatin1Char('\n')));
        if (m_row >= 0)
            refreshKeyStatus(m_settings.profiles.value(m_row).id);
    }
    if (!problems.isEmpty())
        co_return Error{Error::Service, problems.join(QLatin1Char(' '))};
    co_return Result<void>();
}

void SettingsDialog::accept() {
    saveAndClose();
}

QCoro::Task<> SettingsDialog::saveAndClose() {
    QPointer<SettingsDialog> self(this);
    Result<void> result;
    try {
        result = co_await save();
    } catch (const std::exception &e) {
        result = Error{Error::Internal, QString::fromLocal8Bit(e.what())};
    }
    if (self && result)
        QDialog::accept();
    // else: the dialog stays open, its status line says what was not stored and what to do
}

} // namespace overtext::ui
