#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace overtext {

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

} // namespace overtext
