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
inline QString samplePdf() {
    return sourceDir() + QStringLiteral("/resources/sample/sample.pdf");
}
} // namespace testpaths
