#pragma once

#include "translate/batchcodec.h"
#include "translate/provider.h"

#include <QCoroTask>
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

/// Appends \a pending (the answer's pieces from the events of one network read) to \a answer, passes it to \a sink
/// (if set) in one piece, and empties it.
void passOn(QString &pending, StreamedAnswer &answer, const AnswerSink &sink);

/// Starts one streamed request for \a prompt, pieces of the answer going to \a sink: a provider's call bound to its
/// settings. It must copy what it needs before it first suspends (the provider may be gone after that).
using StreamCallFn = std::function<QCoro::Task<Result<StreamedAnswer>>(const EncodedBatch &prompt, AnswerSink sink)>;

/// Provider::translate() over \a stream: packs \a request with BatchCodec, shows each unit's text as it streams
/// (\a sink) and reads the whole answer (errors pass through; \a secret is redacted from quotes of the answer).
QCoro::Task<Result<TranslationBatchResult>> translateStreamed(TranslationRequest request, PartialSink sink,
                                                              QString secret, StreamCallFn stream);

/// ChatModel::complete() over \a stream: the visible answer so far to \a sink, then the Completion.
QCoro::Task<Result<Completion>> completeStreamed(QString system, QString user, CompletionSink sink,
                                                 StreamCallFn stream);

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
