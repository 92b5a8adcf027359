#pragma once

#include "translate/batchcodec.h"
#include "translate/provider.h"

#include <QString>
#include <QUrl>

#include <functional>

namespace overtext {

/// The answer of a streamed LLM request, as a provider read it off the wire: the text (reasoning the protocol marks
/// left out, `<think>` blocks still in) and the tokens the service counted, -1 where it did not say.
struct StreamedAnswer {
    QString text;
    qint64 inputTokens = -1;
    qint64 outputTokens = -1;
    QUrl url; ///< where it came from, for messages
};

/// Called with the pieces of a streamed answer as they arrive, at most once per network read.
using AnswerSink = std::function<void(QStringView piece)>;

/**
 * Reads a batch's answer as it streams in: passes each unit's text so far to the sink (StreamingAnswerParser), and
 * makes the result of the whole answer. One per request, one thread at a time.
 */
class TranslationReader {
public:
    TranslationReader(const EncodedBatch &batch, PartialSink sink)
        : m_batch(batch)
        , m_parser(batch)
        , m_sink(std::move(sink)) {}
    /// Reads the next piece of the answer (an AnswerSink).
    void feed(QStringView piece);
    /**
     * The translations in the whole \a answer: BatchCodec::decode(); an answer without any usable JSON is a Parse
     * error that quotes what the model said (\a secret redacted). Token counts the service did not report are
     * estimated from the texts. An error passes through.
     */
    Result<TranslationBatchResult> result(const Result<StreamedAnswer> &answer, const QString &secret) const;

private:
    EncodedBatch m_batch;
    StreamingAnswerParser m_parser;
    PartialSink m_sink;
};

/**
 * Reads a free-form answer (ChatModel::complete()) as it streams in: passes the visible text so far — reasoning
 * blocks left out, in linear time — to the sink whenever it changes, and makes the Completion of the whole answer.
 * One per answer, one thread at a time.
 */
class CompletionReader {
public:
    explicit CompletionReader(CompletionSink sink)
        : m_sink(std::move(sink)) {}
    /// Reads the next piece of the answer (an AnswerSink).
    void feed(QStringView piece);
    /// The Completion of the whole \a answer to \a system and \a user (for token estimates); an error passes through.
    static Result<Completion> result(const Result<StreamedAnswer> &answer, const QString &system, const QString &user);

private:
    CompletionSink m_sink;
    ThinkFilter m_think;
    QString m_shown;
};

} // namespace overtext
