#pragma once

#include "translate/provider.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace overtext {

/// A user's glossary: source term → target term, read from a two-column CSV.
///
/// Format: UTF-8 (a BOM is allowed), one `source,target` pair per line, RFC 4180 quoting ("a, b","x ""y""";
/// quoted fields may span lines), blank lines ignored, an optional header line (`source,target`, `term,translation`
/// and the like). Errors name the file and the line. A plain value type.
struct Glossary {
    QList<GlossaryEntry> entries;

    bool isEmpty() const { return entries.isEmpty(); }
    /// A SHA-256 (hex) of the entries, for the translation cache key; empty for an empty glossary.
    QString digest() const;

    /// Parses CSV bytes; `fileName` is only used in error messages.
    static Result<Glossary> parse(const QByteArray &data, const QString &fileName = QStringLiteral("glossary"));
    /// Reads and parses a file (Error::Io when it cannot be read, Error::Usage for bad content).
    static Result<Glossary> load(const QString &path);
};

} // namespace overtext
