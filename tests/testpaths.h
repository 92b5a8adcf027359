#pragma once

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

#include <unistd.h>

/// Where tests find the sources, the built tools and the shared corpus.
namespace testpaths {
inline QString sourceDir() {
    return QStringLiteral(OVERTEXT_SOURCE_DIR);
}
inline QString binDir() {
    return QStringLiteral(OVERTEXT_BIN_DIR);
}
inline QString corpusDir() {
    return QDir::cleanPath(QStringLiteral(OVERTEXT_CORPUS_DIR));
}
inline QString cli() {
    return binDir() + QStringLiteral("/overtext-cli");
}
/// How much longer than usual time limits in tests may be: 4 in a sanitizer build (ASan makes our code two to four
/// times slower, and the PDF worker processes start slower), else 1.
constexpr int timeScale() {
#if defined(__SANITIZE_ADDRESS__)
    return 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 4;
#else
    return 1;
#endif
#else
    return 1;
#endif
}
inline QString samplePdf() {
    return sourceDir() + QStringLiteral("/resources/sample/sample.pdf");
}
/// unshare's flags for a private mount namespace: root needs no user namespace (and a chroot refuses one to root);
/// anyone else maps themselves to root in a new user namespace first.
inline QStringList privateMountFlags() {
    return ::geteuid() == 0 ? QStringList{QStringLiteral("-m")} : QStringList{QStringLiteral("-rm")};
}
/// Why a private mount namespace cannot be made here (containers, chroots and seccomp profiles often refuse
/// unshare), as one line for QSKIP; empty when it can.
inline QString privateMountRefused() {
    if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
        return QStringLiteral("unshare (util-linux) is not installed");
    QProcess p;
    p.start(QStringLiteral("unshare"), privateMountFlags() + QStringList{QStringLiteral("true")});
    if (!p.waitForFinished(10000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("no private mount namespace here (unshare %1: %2)")
            .arg(privateMountFlags().join(QLatin1Char(' ')),
                 QString::fromLocal8Bit(p.readAllStandardError()).trimmed().section(QLatin1Char('\n'), 0, 0));
    return {};
}
} // namespace testpaths
