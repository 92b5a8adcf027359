#pragma once

#include "translate/provider.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace overtext {

/// Text whose URLs, e-mail addresses, `{placeholders}`, `%s`-style format specifiers and TeX `$…$` math were replaced
/// by tokens `⟦0⟧`, `⟦1⟧`… so that a translator cannot damage them.
struct ProtectedText {
    QString text;          ///< the text with tokens
    QStringList originals; ///< originals[i] is what token ⟦i⟧ stands for
};

/// Replaces the spans a translation must not touch with numbered tokens. Pure function.
ProtectedText protectSpans(const QString &text);

/// Puts the originals back. Returns nullopt when a token is missing, repeated or unknown — the answer then cannot be
/// trusted for that text. Tolerates spaces inside the brackets (`⟦ 0 ⟧`). Pure function.
std::optional<QString> restoreSpans(const QString &translated, const QStringList &originals);

/// Removes `<think>…</think>` (and `<thinking>`) blocks anywhere; text before an orphan closing tag and after an
/// unclosed opening tag is reasoning too and goes as well. Pure function.
QString stripThinkBlocks(const QString &text);

/// The visible part of an answer still streaming in: stripThinkBlocks(), and a trailing "<thi…" that may yet become
/// an opening tag is held back. Pure function.
QString visibleAnswerSoFar(const QString &text);

/**
 * True when a translation looks wrong enough that the unit should be re-sent on its own: it equals its source
 * (for a source with at least three words of letters, when the languages differ or the source language is unknown),
 * it is empty, or its length is far off the source's (ratio below 0.2 or above 5 for sources over 20 characters;
 * the bounds widen for CJK, whose texts are naturally shorter). Language codes are BCP-47-ish ("en", "zh-Hans").
 */
bool isSuspicious(const QString &source, const QString &translation, const QString &sourceLang,
                  const QString &targetLang);

/// A batch of units made into one LLM prompt, with what is needed to read its answer.
struct EncodedBatch {
    QString systemPrompt; ///< instructions, glossary, the user's preference and the context (never translated)
    QString userMessage;  ///< only the document text, as a JSON object {"id":"text",…} in the units' order
    QStringList ids;      ///< unit ids in order
    QHash<QString, QString> sources;            ///< original (unprotected) text by id
    QHash<QString, QStringList> protectedSpans; ///< token originals by id
    QString sourceLang;
    QString targetLang;
};

/// What could be read from an answer.
struct DecodedBatch {
    QHash<QString, QString> translations; ///< restored translations of the ids that were answered well
    QStringList missingIds;               ///< ids of the batch without a usable answer (includes lostTokenIds)
    QStringList lostTokenIds;             ///< answered, but a protected token was lost or invented
    QStringList suspiciousIds;            ///< answered, but isSuspicious(): re-send alone
    bool foundJson = false;               ///< a JSON object or array was found (else only salvage, if any, was used)
};

/**
 * Packs units into one chat prompt and reads the model's answer robustly.
 *
 * Stateless; all functions are pure and thread-safe.
 */
class BatchCodec {
public:
    /// Builds the system and user messages for \a request (units' text protected with protectSpans()).
    static EncodedBatch encode(const TranslationRequest &request);

    /**
     * Reads \a answer: strips think blocks, finds the JSON (inside ```json fences or chatter), accepts an object
     * {id: text} or an array [{id, text}], ignores unknown ids, restores tokens and flags suspicious items. When no
     * complete JSON is found, complete "id": "text" pairs are salvaged from the text.
     */
    static DecodedBatch decode(const EncodedBatch &batch, const QString &answer);

    /// The language's English name and code for prompts, e.g. "Spanish (es)".
    static QString languageLabel(const QString &code);

    /// \a text as a JSON string literal, non-ASCII kept as is.
    static QString jsonString(const QString &text);
};

/**
 * Reads an answer while it streams in and reports each unit's translation so far, so a preview can show text live.
 *
 * Fed the answer text as it grows (any split, including inside JSON escapes and think tags). It re-reads the answer
 * loosely from the start on each feed, which is cheap for batch-sized answers. Only ids of the batch are reported;
 * tokens already complete are shown restored. A value type; one per answer, one thread at a time.
 */
class StreamingAnswerParser {
public:
    struct Update {
        QString id;
        QString textSoFar;
    };
    explicit StreamingAnswerParser(const EncodedBatch &batch);

    /// Appends \a delta and returns the ids whose text changed, with their whole text so far.
    QList<Update> feed(QStringView delta);
    /// The whole answer received so far.
    const QString &text() const { return m_text; }

private:
    QString m_text;
    QStringList m_ids;
    QHash<QString, QStringList> m_spans;
    QHash<QString, QString> m_reported;
};

} // namespace overtext
