#pragma once

#include <QString>
#include <QStringList>

namespace overtext {

/// A finished summary in the target language. A plain value: copy it across threads freely.
struct Summary {
    QString title;         ///< the document's title (or file name)
    QString abstract;      ///< one paragraph
    QStringList keyPoints; ///< one bullet each, with page references "(p. 3)"
    QString method;        ///< e.g. "gpt-4o-mini (OpenAI-compatible), map-and-combine over 4 parts" or
                           ///< "extractive (TF-IDF centroid), translated by Apertium"
    QString targetLang;
    qint64 inputTokens = 0; ///< spent (0 for the extractive path or a cache hit)
    qint64 outputTokens = 0;
    int requests = 0; ///< LLM requests made (0 on a cache hit)
    bool fromCache = false;
};

/// The section names of a summary in its target language: es, fr, de, it, pt, zh, ja; English otherwise.
struct SummaryLabels {
    QString summary;
    QString keyPoints;
    QString method;
};
SummaryLabels summaryLabels(const QString &targetLang);

/// The summary as a Markdown document: title, summary, key points with page references, and a footer naming the
/// method, with summaryLabels() as section names. Pure function.
QString summaryToMarkdown(const Summary &summary);

} // namespace overtext
