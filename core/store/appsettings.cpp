#include "store/appsettings.h"

#include <QRegularExpression>
#include <QSettings>

namespace overtext {

namespace {
const QString ProfilesKey = QStringLiteral("profiles");
const QString CurrentKey = QStringLiteral("provider"); // the toolbar's choice, as before profiles existed
const QString ConcurrencyKey = QStringLiteral("translation/concurrency");
const QString RpmKey = QStringLiteral("translation/rpm");
const QString TpmKey = QStringLiteral("translation/tpm");
const QString GlossaryKey = QStringLiteral("translation/glossary");
const QString InstructionKey = QStringLiteral("translation/instruction");
const QString ProxyKey = QStringLiteral("network/proxy");
const QString NoProxyKey = QStringLiteral("network/noProxy");
const QString CaFileKey = QStringLiteral("network/caFile");
} // namespace

ProviderConfig ProviderProfile::config() const {
    return ProviderConfig{type, baseUrl, model, apiKeyEnv, keychainAccount(id)};
}

QString keychainAccount(const QString &profileId) {
    return QStringLiteral("profile/") + profileId;
}

QList<ProviderProfile> AppSettings::defaultProfiles() {
    const QList<QPair<QString, QString>> names = {
        {QStringLiteral("apertium"), QStringLiteral("Apertium (offline)")},
        {QStringLiteral("openai"), QStringLiteral("OpenAI")},
        {QStringLiteral("anthropic"), QStringLiteral("Anthropic")},
        {QStringLiteral("deepl"), QStringLiteral("DeepL")},
        {QStringLiteral("libretranslate"), QStringLiteral("LibreTranslate")},
    };
    QList<ProviderProfile> out;
    for (const auto &[type, name] : names) {
        ProviderProfile p;
        p.id = type;
        p.name = name;
        p.type = type;
        out.append(p);
    }
    return out;
}

AppSettings AppSettings::load(QSettings &settings) {
    AppSettings s;
    const int n = settings.beginReadArray(ProfilesKey);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        ProviderProfile p;
        p.id = settings.value(QStringLiteral("id")).toString();
        p.name = settings.value(QStringLiteral("name")).toString();
        p.type = settings.value(QStringLiteral("type")).toString().toLower();
        p.baseUrl = settings.value(QStringLiteral("baseUrl")).toString();
        p.model = settings.value(QStringLiteral("model")).toString();
        p.apiKeyEnv = settings.value(QStringLiteral("apiKeyEnv")).toString();
        p.proxy = withoutCredentials(settings.value(QStringLiteral("proxy")).toString());
        p.timeoutSeconds = std::clamp(settings.value(QStringLiteral("timeout"), 0).toInt(), 0, 86400);
        if (p.id.isEmpty() || !providerNames().contains(p.type) || s.profile(p.id))
            continue; // damaged entry: skipped rather than guessed
        if (p.name.isEmpty())
            p.name = p.id;
        s.profiles.append(p);
    }
    settings.endArray();
    if (s.profiles.isEmpty())
        s.profiles = defaultProfiles();
    s.currentProfile = settings.value(CurrentKey, s.currentProfile).toString();
    if (!s.profile(s.currentProfile))
        s.currentProfile = s.profiles.first().id;
    s.concurrency = std::clamp(settings.value(ConcurrencyKey, s.concurrency).toInt(), 1, 64);
    s.rpm = std::max(0, settings.value(RpmKey, s.rpm).toInt());
    s.tpm = std::max<qint64>(0, settings.value(TpmKey, s.tpm).toLongLong());
    s.glossaryPath = settings.value(GlossaryKey).toString();
    s.instruction = settings.value(InstructionKey).toString();
    s.proxy = withoutCredentials(settings.value(ProxyKey).toString());
    s.noProxy = settings.value(NoProxyKey).toString();
    s.caFile = settings.value(CaFileKey).toString();
    return s;
}

AppSettings AppSettings::load() {
    QSettings settings;
    return load(settings);
}

void AppSettings::save(QSettings &settings) const {
    settings.remove(ProfilesKey); // a shorter list must not keep the old tail
    settings.beginWriteArray(ProfilesKey, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        const ProviderProfile &p = profiles.at(i);
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("id"), p.id);
        settings.setValue(QStringLiteral("name"), p.name);
        settings.setValue(QStringLiteral("type"), p.type);
        settings.setValue(QStringLiteral("baseUrl"), p.baseUrl);
        settings.setValue(QStringLiteral("model"), p.model);
        settings.setValue(QStringLiteral("apiKeyEnv"), p.apiKeyEnv);
        settings.setValue(QStringLiteral("proxy"), withoutCredentials(p.proxy));
        settings.setValue(QStringLiteral("timeout"), p.timeoutSeconds);
    }
    settings.endArray();
    settings.setValue(CurrentKey, currentProfile);
    settings.setValue(ConcurrencyKey, concurrency);
    settings.setValue(RpmKey, rpm);
    settings.setValue(TpmKey, tpm);
    settings.setValue(GlossaryKey, glossaryPath);
    settings.setValue(InstructionKey, instruction);
    settings.setValue(ProxyKey, withoutCredentials(proxy));
    settings.setValue(NoProxyKey, noProxy);
    settings.setValue(CaFileKey, caFile);
    settings.sync();
}

void AppSettings::save() const {
    QSettings settings;
    save(settings);
}

const ProviderProfile *AppSettings::profile(const QString &id) const {
    for (const ProviderProfile &p : profiles)
        if (p.id == id)
            return &p;
    return nullptr;
}

ProviderConfig AppSettings::withKeychain(ProviderConfig config) const {
    const QString type = config.name.toLower();
    if (const ProviderProfile *p = profile(type); p && p->type == type && p->baseUrl == config.baseUrl)
        config.keychainAccount = keychainAccount(p->id);
    return config;
}

NetworkConfig AppSettings::networkFor(const ProviderProfile *p) const {
    NetworkConfig n;
    n.proxy = p && !p->proxy.trimmed().isEmpty() ? p->proxy.trimmed() : proxy.trimmed();
    n.noProxy = noProxy;
    if (!caFile.trimmed().isEmpty())
        n.caFiles = {caFile.trimmed()};
    const bool explicitProxy = !n.proxy.isEmpty() && n.proxy.compare(QLatin1String("direct"), Qt::CaseInsensitive) != 0;
    if (explicitProxy)
        n.proxyAuthAccount = proxyAuthAccount();
    if (p) {
        n.timeoutSeconds = p->timeoutSeconds;
        n.timeoutSetting = QStringLiteral("the Timeout of the service \"%1\" in Settings").arg(p->name);
    }
    return n;
}

ProviderConfig AppSettings::withNetwork(ProviderConfig config) const {
    const QString prefix = keychainAccount(QString());
    const ProviderProfile *p =
        config.keychainAccount.startsWith(prefix) ? profile(config.keychainAccount.mid(prefix.size())) : nullptr;
    config.network = networkFor(p);
    return config;
}

QString AppSettings::proxyAuthAccount() {
    return QStringLiteral("proxy");
}

QString AppSettings::withoutCredentials(const QString &proxyUrl) {
    const QString t = proxyUrl.trimmed();
    const qsizetype scheme = t.indexOf(QStringLiteral("://"));
    const qsizetype at = t.lastIndexOf(QLatin1Char('@'));
    const qsizetype from = scheme < 0 ? 0 : scheme + 3;
    if (at < from)
        return t;
    return t.left(from) + t.mid(at + 1);
}

QString AppSettings::newProfileId(const QString &name) const {
    QString base = name.toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    base = base.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    if (base.isEmpty())
        base = QStringLiteral("profile");
    QString id = base;
    for (int i = 2; profile(id); ++i)
        id = base + QLatin1Char('-') + QString::number(i);
    return id;
}

} // namespace overtext
