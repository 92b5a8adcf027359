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

/**
 * Reads an answer as it streams in and passes on only its visible part: `<think>…</think>` and `<thinking>…</thinking>`
 * blocks (tags in any case) are dropped, and an orphan closing tag means everything before it was reasoning (some chat
 * templates open the block themselves). Each character is looked at once, so a whole answer costs linear time however
 * it is cut; a possible tag cut by the end of a delta ("<thi") is held back until the next one says what it is.
 * A value type; one per answer, one thread at a time.
 */
class ThinkFilter {
public:
    /// What one feed() adds to the visible text.
    struct Visible {
        bool restarted = false; ///< an orphan closing tag came: drop all visible text before \a text
        QString text;           ///< visible characters to append
    };
    /// Reads \a delta.
    Visible feed(QStringView delta);
    /// Ends the answer: a held-back "<thi" that never became a tag is visible after all.
    Visible finish();

private:
    void take(QChar c, Visible &out);
    QString m_tag;    // a '<' and what followed it while it may still become a tag
    int m_block = -1; // inside a block: 0 <think>, 1 <thinking>; -1 outside
};

/// The visible part of a whole answer: ThinkFilter over all of it (an unclosed block hides the rest). Pure function.
QString stripThinkBlocks(const QString &text);

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
 * Fed the answer text as it grows (any split, including inside JSON escapes, tokens and think tags). It reads loosely:
 * think blocks are skipped (ThinkFilter), the first `{` or `[` that holds a string value starts an object {id: text},
 * an array [{id, text}] or a one-key wrapper around either (braces in chatter before it are passed over); after that,
 * what it does not understand ends the reading (decode() reads the whole answer exactly at the end). Each character
 * is looked at once — feeding a whole answer costs linear time however it is cut — and what is reported after a feed
 * depends only on the text so far, never on the cuts. Only ids of the batch are reported; complete tokens are shown
 * restored, a token still arriving is held back. A value type; one per answer, one thread at a time.
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
    /// Where the loose JSON reading stands.
    enum class State {
        Seek,        // before the first '{' or '['
        ArrayNext,   // in the array, before an element
        ExpectKey,   // in an object, before a key or its end
        InKey,       // in a key string
        AfterKey,    // before the ':'
        BeforeValue, // before a value
        InValue,     // in a string value
        SkipValue,   // in a value that is not a string (number, literal, nested object or array)
        SkipString,  // in a string inside a skipped value
        Done         // after the end, or after something not understood
    };
    /// One id's text as shown: tokens restored as they complete.
    struct Slot {
        QString id;
        QStringList originals;
        QString shown;
        QString token;      // "⟦", "⟦ 1" … while a token may still be arriving
        int tokenPhase = 0; // 0: before its digits, 1: in them, 2: after them
        QString reported;
        bool changed = false;
    };
    enum class Field { Other, Id, Text }; // array form: which field of the element a value is

    void read(QChar c);
    void fail(QChar c);
    bool readString(QChar c);
    void character(QChar c);
    void decoded(QChar c);
    void startValue();
    void endValue();
    void show(qsizetype slot, QChar c);
    void clearSlot(qsizetype slot);
    void restart();

    QString m_text;
    ThinkFilter m_think;
    QHash<QString, qsizetype> m_slotOf;
    QList<Slot> m_slots; // in the batch's order

    State m_state = State::Seek;
    bool m_array = false;
    bool m_entered = false;  // a string value was read: from now on, what is not understood ends the reading
    int m_depth = 0;         // nesting inside a skipped value
    QString m_escape;        // a backslash and what followed it while the escape is incomplete
    char16_t m_high = 0;     // a decoded high surrogate, passed on with the character after it
    QString m_string;        // the key being read; in the array form also the id value being read
    qsizetype m_target = -1; // the slot the string value being read goes to, -1: none
    Field m_field = Field::Other;
    QString m_elementId;           // array form: the current element's id, once complete
    QString m_elementText;         // array form: the current element's text so far (tokens not restored)
    bool m_elementHasText = false; // array form
};

} // namespace overtext
