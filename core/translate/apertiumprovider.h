#pragma once

#include "translate/provider.h"

#include <QStringList>

namespace overtext {

/// Offline translation with Apertium (the Debian `apertium` package and its language pairs, e.g. apertium-eng-spa).
///
/// One batch is one `apertium -u -f html MODE` process: each unit travels as `<p id="ovtN">…</p>` (text
/// HTML-escaped), which Apertium's HTML deformatter keeps in place and treats as a sentence boundary, so the answer
/// splits back into units exactly. (A plain separator line with `-f none` does not survive: that mode expects
/// Apertium's stream format, where brackets and carets are syntax.) `-u` drops the `*` marks of unknown words.
/// Glossary and instruction are ignored: Apertium has no way to take them.
///
/// Lives on the thread that calls translate(); the process is awaited with QCoro, never blocking the loop. Cancel
/// kills the process. Must outlive its translate() calls.
class ApertiumProvider : public Provider {
    Q_OBJECT
public:
    explicit ApertiumProvider(QObject *parent = nullptr);

    /// The apertium executable, or empty when it is not installed. $OVERTEXT_APERTIUM overrides the lookup.
    static QString executable();
    /// Installed translation modes such as "eng-spa", read from the modes directories (cheap: a directory listing).
    static QStringList installedPairs();
    /// ISO 639-1 (or -3) code to Apertium's three-letter code: "en" → "eng", "es" → "spa", "pt-BR" → "por".
    static QString apertiumCode(const QString &isoCode);
    /// The mode translating from → to among the installed pairs, or Error::Usage naming what is installed.
    static Result<QString> modeFor(const QString &from, const QString &to);

    /// Wraps units as Apertium HTML input and parses its output back (exposed for tests).
    static QByteArray encodeBatch(const QList<TranslationUnit> &units);
    static QHash<QString, QString> decodeBatch(const QByteArray &output, const QList<TranslationUnit> &units);

    QString name() const override { return QStringLiteral("apertium"); }
    QString cacheIdentity() const override { return QStringLiteral("apertium/html-v1"); }
    int batchBudgetChars() const override { return 20000; }
    /// Apertium's HTML format carries inline tags through the translation (bold, italic; inline code as an empty
    /// element it leaves alone), moving them with the words they wrap.
    bool keepsMarkup() const override { return true; }
    QCoro::Task<Result<TranslationBatchResult>> translate(TranslationRequest request, PartialSink sink,
                                                          CancelToken cancel) override;
};

} // namespace overtext
