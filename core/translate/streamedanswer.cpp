#include "translate/streamedanswer.h"

#include "translate/httpcall.h"

namespace overtext {

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

} // namespace overtext
