// KeyStore against a real keychain: QtKeychain → libsecret → a private D-Bus session bus → GNOME Keyring (unlocked,
// files in a temporary folder), and without any keychain service (no session bus): reads and writes say so, and the
// lookup falls back to the environment variable. The no-service case runs first: GLib keeps a session bus connection
// once it has one, not a failure to get one.

#include "fakes/fakeservices.h"
#include "fakes/privatekeyring.h"
#include "fakes/runtask.h"
#include "store/appsettings.h"
#include "store/keystore.h"
#include "testpaths.h"
#include "translate/providerfactory.h"

#include <QDirIterator>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace overtext;
using namespace testsupport;

namespace {
const QString kService = QStringLiteral("overtext-test");
const QString kSecret = QStringLiteral("sk-keystore-test-5e8d1c7a90");
const char kVar[] = "OVERTEXT_TEST_KEYSTORE_VAR";
} // namespace

class TestKeyStore : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_runtime; // an XDG_RUNTIME_DIR with no bus socket in it
    std::unique_ptr<PrivateKeyring> m_keyring;
    QString m_noKeyring = QStringLiteral("no private keyring"); ///< why, for the tests that need one

    /// secret-tool, an independent client of the same keyring: what QtKeychain stored is really there.
    QString secretToolLookup(const QString &account) {
        QProcess p;
        p.setProcessEnvironment(m_keyring->environment());
        p.start(QStringLiteral("secret-tool"),
                {QStringLiteral("lookup"), QStringLiteral("server"), kService, QStringLiteral("user"), account});
        p.waitForFinished(10000);
        return QString::fromUtf8(p.readAllStandardOutput());
    }

private Q_SLOTS:
    void noKeychainServiceFallsBackToTheEnvironment() {
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("DISPLAY"); // no autolaunch of a bus either
        qputenv("XDG_RUNTIME_DIR", m_runtime.path().toLocal8Bit());
        const KeyStore keys(kService);

        const auto read = runTask(keys.read(QStringLiteral("profile/openai")));
        QVERIFY(read);
        QCOMPARE(read->status, KeyRead::Status::Unavailable);
        QVERIFY2(read->message.startsWith(QStringLiteral("No system keychain is available")),
                 qPrintable(read->message));

        const auto written = runTask(keys.write(QStringLiteral("profile/openai"), kSecret));
        QVERIFY(written && !written->ok());
        QCOMPARE(written->error().code, Error::Service);
        QVERIFY2(written->error().message.contains(QStringLiteral("the key was not saved")),
                 qPrintable(written->error().message));
        QVERIFY(!written->error().message.contains(kSecret));

        qputenv(kVar, kSecret.toUtf8());
        const auto found = runTask(keys.lookup(QStringLiteral("profile/openai"), QString::fromLatin1(kVar)));
        QVERIFY(found);
        QCOMPARE(found->source, KeyLookup::Source::Environment);
        QCOMPARE(found->key, kSecret);
        QVERIFY2(found->notice.contains(QStringLiteral("No system keychain")) &&
                     found->notice.contains(QString::fromLatin1(kVar)),
                 qPrintable(found->notice));
        QVERIFY(!found->notice.contains(kSecret));

        qunsetenv(kVar);
        const auto none = runTask(keys.lookup(QStringLiteral("profile/openai"), QString::fromLatin1(kVar)));
        QVERIFY(none);
        QCOMPARE(none->source, KeyLookup::Source::None);
        QVERIFY(none->key.isEmpty());
        QVERIFY(!none->notice.isEmpty());

        // Through the provider factory: a named variable that is not set is a usage error naming it.
        const auto usage =
            runTask(findApiKey(ProviderConfig{QStringLiteral("openai"), {}, {}, QString::fromLatin1(kVar), {}}, keys));
        QVERIFY(usage && !usage->ok());
        QCOMPARE(usage->error().code, Error::Usage);
        QVERIFY(usage->error().message.contains(QString::fromLatin1(kVar)));
    }

    void realKeyringStoresReadsAndRemoves() {
        m_keyring = std::make_unique<PrivateKeyring>();
        if (!m_keyring->start()) {
            m_noKeyring = QStringLiteral("no private keyring: ") + m_keyring->why();
            m_keyring.reset(); // the tests after this one skip too
            QSKIP(qPrintable(m_noKeyring));
        }
        const KeyStore keys(kService);
        const QString account = QStringLiteral("profile/work");

        auto before = runTask(keys.read(account));
        QVERIFY(before);
        QCOMPARE(before->status, KeyRead::Status::NotFound);

        auto written = runTask(keys.write(account, kSecret));
        QVERIFY(written);
        QVERIFY2(written->ok(), qPrintable(written->error().message));
        QCOMPARE(secretToolLookup(account), kSecret); // in the keyring itself, seen by another client

        auto read = runTask(keys.read(account));
        QVERIFY(read);
        QCOMPARE(read->status, KeyRead::Status::Found);
        QCOMPARE(read->key, kSecret);

        // The keychain wins over the environment, and says nothing.
        qputenv(kVar, "from-the-environment");
        auto found = runTask(keys.lookup(account, QString::fromLatin1(kVar)));
        QVERIFY(found);
        QCOMPARE(found->source, KeyLookup::Source::Keychain);
        QCOMPARE(found->key, kSecret);
        QVERIFY(found->notice.isEmpty());
        // Another account falls back to the environment, quietly: the keychain works, it just has no key.
        auto other = runTask(keys.lookup(QStringLiteral("profile/other"), QString::fromLatin1(kVar)));
        QVERIFY(other);
        QCOMPARE(other->source, KeyLookup::Source::Environment);
        QCOMPARE(other->key, QStringLiteral("from-the-environment"));
        QVERIFY(other->notice.isEmpty());
        qunsetenv(kVar);

        // Replacing keeps one entry with the new value.
        written = runTask(keys.write(account, kSecret + QStringLiteral("-2")));
        QVERIFY(written && written->ok());
        read = runTask(keys.read(account));
        QVERIFY(read);
        QCOMPARE(read->key, kSecret + QStringLiteral("-2"));

        // The keyring's files hold the key encrypted, never as text.
        QDirIterator files(m_keyring->dataDir(), QDir::Files, QDirIterator::Subdirectories);
        int keyringFiles = 0;
        while (files.hasNext()) {
            QFile f(files.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(kSecret.toUtf8()), qPrintable(f.fileName()));
            ++keyringFiles;
        }
        QVERIFY(keyringFiles > 0);

        auto removed = runTask(keys.remove(account));
        QVERIFY(removed && removed->ok());
        read = runTask(keys.read(account));
        QVERIFY(read);
        QCOMPARE(read->status, KeyRead::Status::NotFound);
        QVERIFY(secretToolLookup(account).isEmpty());
        removed = runTask(keys.remove(account)); // removing nothing is fine
        QVERIFY(removed && removed->ok());
    }

    void providerKeyComesFromTheKeychain() {
        if (!m_keyring)
            QSKIP(qPrintable(m_noKeyring));
        const KeyStore keys(kService);
        QVERIFY(runTask(keys.write(QStringLiteral("profile/deepl-work"), kSecret))->ok());
        // DeepL needs a key: found in the keychain, the provider builds.
        ProviderConfig config{QStringLiteral("deepl"), {}, {}, {}, QStringLiteral("profile/deepl-work")};
        auto key = runTask(findApiKey(config, keys));
        QVERIFY(key && key->ok());
        QCOMPARE(key->value().key, kSecret);
        QVERIFY(createProvider(config, key->value().key).ok());
        // Apertium takes no key: the keychain is not asked, even with an account.
        ProviderConfig apertium{QStringLiteral("apertium"), {}, {}, {}, QStringLiteral("profile/deepl-work")};
        key = runTask(findApiKey(apertium, keys));
        QVERIFY(key && key->ok());
        QCOMPARE(key->value().source, KeyLookup::Source::None);
        QVERIFY(runTask(keys.remove(QStringLiteral("profile/deepl-work")))->ok());
    }

    /// overtext-cli translate takes the key Settings stored for the provider's own profile from the keychain (the fake
    /// server accepts no other), sends it only to that profile's server, and never needs it on the command line.
    void cliTakesTheKeyFromTheKeychain() {
        if (!m_keyring)
            QSKIP(qPrintable(m_noKeyring));
        const QString key = QStringLiteral("sk-cli-keychain-0b5e77");
        FakeServerThread server(fakeOpenAiHandlerWithKey(key));
        QUrl url = server.baseUrl();
        url.setPath(QStringLiteral("/v1"));
        // The CLI's settings file (HOME is the keyring's temporary folder) with the OpenAI profile at the server.
        QProcessEnvironment env = m_keyring->environment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), env.value(QStringLiteral("HOME")) + QStringLiteral("/.config"));
        AppSettings settings;
        settings.profiles = AppSettings::defaultProfiles();
        settings.profiles[1].baseUrl = url.toString();
        QCOMPARE(settings.profiles[1].id, QStringLiteral("openai"));
        {
            QSettings file(env.value(QStringLiteral("XDG_CONFIG_HOME")) + QStringLiteral("/overtext/overtext.conf"),
                           QSettings::IniFormat);
            settings.save(file);
        }
        QVERIFY(runTask(KeyStore().write(keychainAccount(QStringLiteral("openai")), key))->ok());

        QTemporaryDir out;
        auto translate = [&](const QString &baseUrl) {
            QProcess cli;
            cli.setProcessEnvironment(env);
            cli.start(testpaths::cli(),
                      {QStringLiteral("translate"), testpaths::samplePdf(), QStringLiteral("--to"),
                       QStringLiteral("de"), QStringLiteral("--provider"), QStringLiteral("openai"),
                       QStringLiteral("--base-url"), baseUrl, QStringLiteral("--model"), QStringLiteral("fake-model"),
                       QStringLiteral("--no-cache"), QStringLiteral("--segments-out"),
                       out.filePath(QStringLiteral("segments.json"))});
            cli.waitForFinished(120000);
            return std::make_pair(cli.exitCode(), QString::fromUtf8(cli.readAllStandardError()));
        };
        const auto [status, err] = translate(url.toString());
        QVERIFY2(status == 0, qPrintable(err));
        QVERIFY(!err.contains(key));
        QVERIFY(server.server()->requestCount() > 0);

        // Another server, which would accept the same key, is not the profile's: the stored key does not go there.
        // (Both are addressed as 127.0.0.1, which needs no name lookup.)
        FakeServerThread otherServer(fakeOpenAiHandlerWithKey(key));
        QUrl other = otherServer.baseUrl();
        other.setPath(QStringLiteral("/v1"));
        QVERIFY(other != url);
        const auto [otherStatus, otherErr] = translate(other.toString());
        QCOMPARE(otherStatus, 1);
        QVERIFY2(otherErr.contains(QStringLiteral("rejected")), qPrintable(otherErr));
        QVERIFY(otherServer.server()->requestCount() > 0);
        for (const FakeRequest &r : otherServer.server()->requests())
            QVERIFY(!r.headers.value("authorization").contains(key.toUtf8()));
        QVERIFY(runTask(KeyStore().remove(keychainAccount(QStringLiteral("openai"))))->ok());
    }

    void cleanupTestCase() { m_keyring.reset(); }
};

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"
