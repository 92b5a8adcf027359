#include "translate/streamedanswer.h"

#include "translate/httpcall.h"

namespace overtext {

void passOn(QString &pending, StreamedAnswer &answer, const AnswerSink &sink) {
    if (pending.isEmpty())
        return;
    answer.text += pending;
    if (sink)
        sink(pending);
    pending.resize(0); // keeps its capacity for the next read
}

void TranslationReader::feed(QStringView piece) {
    for (const auto &u : m_parser.feed(piece))
        if (m_sink)
            m_sink(u.id, u.textSoFar);
}

Result<TranslationBatchResult> TranslationReader::result(const Result<StreamedAnswer> &streamed,
                                                         const QString &secret) const {
    if (!streamed.ok())
        return streamed.error();
    const StreamedAnswer &answer = streamed.value();
    const DecodedBatch decoded = BatchCodec::decode(m_batch, answer.text);
    if (decoded.translations.isEmpty() && !decoded.foundJson && !m_batch.ids.isEmpty()) {
        QString said = stripThinkBlocks(answer.text).simplified();
        if (said.size() > 200)
            said = said.left(200) + QStringLiteral("…");
        return Error{Error::Parse, QStringLiteral("The model did not answer with the JSON Overtext asked for; it said: "
                                                  "\"%1\". Try again or choose another model.")
                                       .arg(redactSecret(said, secret))};
    }
    TranslationBatchResult result;
    result.translations = decoded.translations;
    result.suspiciousIds = decoded.suspiciousIds;
    result.inputTokens = answer.inputTokens >= 0
                             ? answer.inputTokens
                             : estimateTokens(m_batch.systemPrompt.size() + m_batch.userMessage.size());
    result.outputTokens = answer.outputTokens >= 0 ? answer.outputTokens : estimateTokens(answer.text.size());
    return result;
}

void CompletionReader::feed(QStringView piece) {
    const ThinkFilter::Visible visible = m_think.feed(piece);
    if (!visible.restarted && visible.text.isEmpty())
        return;
    if (visible.restarted)
        m_shown.clear();
    m_shown += visible.text;
    if (m_sink)
        m_sink(m_shown);
}

Result<Completion> CompletionReader::result(const Result<StreamedAnswer> &streamed, const QString &system,
                                            const QString &user) {
    if (!streamed.ok())
        return streamed.error();
    const StreamedAnswer &answer = streamed.value();
    Completion result;
    result.text = stripThinkBlocks(answer.text).trimmed();
    result.inputTokens = answer.inputTokens >= 0 ? answer.inputTokens : estimateTokens(system.size() + user.size());
    result.outputTokens = answer.outputTokens >= 0 ? answer.outputTokens : estimateTokens(answer.text.size());
    return result;
}

QCoro::Task<Result<TranslationBatchResult>> translateStreamed(TranslationRequest request, PartialSink sink,
                                                              QString secret, StreamCallFn stream) {
    if (request.units.isEmpty())
        co_return TranslationBatchResult{}; // nothing to send
    const EncodedBatch batch = BatchCodec::encode(request);
    TranslationReader reader(batch, std::move(sink));
    const Result<StreamedAnswer> answer = co_await stream(batch, [&](QStringView piece) { reader.feed(piece); });
    co_return reader.result(answer, secret);
}

QCoro::Task<Result<Completion>> completeStreamed(QString system, QString user, CompletionSink sink,
                                                 StreamCallFn stream) {
    // A batch is only a system prompt and a user message on the wire: the providers' body builders serve as they are.
    EncodedBatch prompt;
    prompt.systemPrompt = system;
    prompt.userMessage = user;
    CompletionReader reader(std::move(sink));
    const Result<StreamedAnswer> answer = co_await stream(prompt, [&](QStringView piece) { reader.feed(piece); });
    co_return CompletionReader::result(answer, system, user);
}

} // namespace overtext
