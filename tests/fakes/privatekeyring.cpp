#include "fakes/privatekeyring.h"

#include <QDir>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QThread>

namespace testsupport {

PrivateKeyring::PrivateKeyring() {
    m_hadAddress = qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS");
    m_previousAddress = qgetenv("DBUS_SESSION_BUS_ADDRESS");
}

PrivateKeyring::~PrivateKeyring() {
    for (QProcess *p : {&m_keyring, &m_bus}) {
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(3000)) {
                p->kill();
                p->waitForFinished(3000);
            }
        }
    }
    if (m_hadAddress)
        qputenv("DBUS_SESSION_BUS_ADDRESS", m_previousAddress);
    else
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
}

QString PrivateKeyring::dataDir() const {
    return m_dir.filePath(QStringLiteral("data"));
}

QProcessEnvironment PrivateKeyring::environment() const {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
    env.insert(QStringLiteral("XDG_DATA_HOME"), dataDir());
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.filePath(QStringLiteral("run")));
    env.insert(QStringLiteral("HOME"), m_dir.path());
    env.remove(QStringLiteral("DISPLAY"));
    return env;
}

bool PrivateKeyring::start() {
    for (const char *tool : {"dbus-daemon", "gnome-keyring-daemon", "dbus-send"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            m_why = QStringLiteral("%1 is not installed (scripts/deps installs it)").arg(QLatin1String(tool));
            return false;
        }
    }
    if (!m_dir.isValid() || !QDir(m_dir.path()).mkpath(QStringLiteral("data")) ||
        !QDir(m_dir.path()).mkpath(QStringLiteral("run")) ||
        !QFile::setPermissions(m_dir.filePath(QStringLiteral("run")),
                               QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        m_why = QStringLiteral("no temporary folder");
        return false;
    }
    // The bus first: services it activates inherit its environment (the temporary folders).
    m_bus.setProcessEnvironment(environment());
    m_bus.start(QStringLiteral("dbus-daemon"),
                {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address")});
    if (!m_bus.waitForStarted(5000) || !m_bus.waitForReadyRead(5000)) {
        m_why =
            QStringLiteral("dbus-daemon did not start: %1").arg(QString::fromLocal8Bit(m_bus.readAllStandardError()));
        return false;
    }
    m_address = QString::fromLocal8Bit(m_bus.readLine()).trimmed();
    if (m_address.isEmpty()) {
        m_why = QStringLiteral("dbus-daemon printed no address");
        return false;
    }
    // An unlocked "login" keyring (created with this password), which becomes the default collection.
    m_keyring.setProcessEnvironment(environment());
    m_keyring.start(QStringLiteral("gnome-keyring-daemon"), {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                                                             QStringLiteral("--components=secrets")});
    if (!m_keyring.waitForStarted(5000)) {
        m_why = QStringLiteral("gnome-keyring-daemon did not start");
        return false;
    }
    m_keyring.write("test-keyring-password");
    m_keyring.waitForBytesWritten(3000); // no event loop runs below: flush the password before closing stdin
    m_keyring.closeWriteChannel();
    // Ready when it owns the Secret Service name on the bus.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000) {
        QProcess ask;
        ask.setProcessEnvironment(environment());
        ask.start(QStringLiteral("dbus-send"), {QStringLiteral("--session"), QStringLiteral("--print-reply"),
                                                QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/"),
                                                QStringLiteral("org.freedesktop.DBus.NameHasOwner"),
                                                QStringLiteral("string:org.freedesktop.secrets")});
        ask.waitForFinished(3000);
        if (ask.readAllStandardOutput().contains("boolean true")) {
            qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toLocal8Bit());
            return true;
        }
        if (m_keyring.state() == QProcess::NotRunning) {
            m_why = QStringLiteral("gnome-keyring-daemon exited: %1")
                        .arg(QString::fromLocal8Bit(m_keyring.readAllStandardError()));
            return false;
        }
        QThread::msleep(100);
    }
    m_why = QStringLiteral("gnome-keyring-daemon did not take the Secret Service name within 10 s: %1")
                .arg(QString::fromLocal8Bit(m_keyring.readAllStandardError()));
    return false;
}

} // namespace testsupport
