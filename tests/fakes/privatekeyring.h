#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace testsupport {

/**
 * A real Secret Service for tests, private to the test: its own D-Bus session bus (dbus-daemon) and an unlocked
 * GNOME Keyring whose files live in a temporary folder, so the user's own keyring is never touched. start() points
 * this process's DBUS_SESSION_BUS_ADDRESS at the private bus (QtKeychain, through libsecret, then talks to it over a
 * real D-Bus socket). The destructor stops both daemons and restores the variable.
 */
class PrivateKeyring {
public:
    PrivateKeyring();
    ~PrivateKeyring();

    /// Starts the bus and the keyring; false with the reason in why() when the tools are missing or fail.
    bool start();
    QString why() const { return m_why; }
    QString busAddress() const { return m_address; }
    /// Where the keyring keeps its files (XDG_DATA_HOME of the daemon).
    QString dataDir() const;
    /// The environment that reaches the private bus, for child processes (secret-tool, the CLI).
    QProcessEnvironment environment() const;

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    QProcess m_keyring;
    QString m_address;
    QString m_why;
    QByteArray m_previousAddress;
    bool m_hadAddress = false;
};

} // namespace testsupport
