#pragma once

#include <QDir>
#include <QString>

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
} // namespace testpaths
