#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace overtext {

// The events of the two streamed LLM protocols, read with JsonScanner where it can (the events that carry the
// answer, tens of thousands per batch, no document built) and with QJsonDocument otherwise, with the same result.

/// What Overtext reads from one event of an OpenAI-compatible chat completion stream.
struct ChatChunk {
    bool error = false; ///< an "error" member (an object or a string): the server failed mid-answer
    bool hasContent = false;
    QString content;       ///< choices[0].delta.content, when it is a string
    bool finished = false; ///< choices[0].finish_reason is a non-empty string
    bool hasUsage = false; ///< a "usage" object
    qint64 promptTokens = -1;
    qint64 completionTokens = -1;
    bool operator==(const ChatChunk &) const = default;
};

/// Reads one event's data: with JsonScanner where it can (most events: no document built), with QJsonDocument
/// otherwise; the result is the same either way. Data that is not a JSON object reads as an empty chunk.
ChatChunk readChatChunk(QByteArrayView json);
/// The JsonScanner path alone; nullopt where it gives up.
std::optional<ChatChunk> scanChatChunk(QByteArrayView json);
/// The QJsonDocument path alone.
ChatChunk parseChatChunk(QByteArrayView json);

/// An Anthropic Messages stream event of type content_block_delta, as far as the answer goes: the text of a
/// text_delta (other deltas — thinking, signatures, tool input — carry none).
struct TextDelta {
    bool hasText = false;
    QString text;
    bool operator==(const TextDelta &) const = default;
};

/// The JsonScanner reading of an Anthropic event's data whose "type" is "content_block_delta"; nullopt for any
/// other event, and where the scanner gives up: those are read with QJsonDocument.
std::optional<TextDelta> scanTextDelta(QByteArrayView json);
/// The QJsonDocument reading of a content_block_delta event (the reference scanTextDelta is tested against).
TextDelta parseTextDelta(QByteArrayView json);

} // namespace overtext
