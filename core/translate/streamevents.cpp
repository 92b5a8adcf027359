#include "translate/streamevents.h"

#include "translate/jsonscan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace overtext {

ChatChunk parseChatChunk(QByteArrayView json) {
    ChatChunk c;
    const QJsonObject o = QJsonDocument::fromJson(json.toByteArray()).object();
    const QJsonValue error = o.value(QLatin1String("error"));
    c.error = error.isObject() || error.isString();
    const QJsonValue usage = o.value(QLatin1String("usage"));
    if (usage.isObject()) {
        c.hasUsage = true;
        c.promptTokens = usage.toObject().value(QLatin1String("prompt_tokens")).toInteger(-1);
        c.completionTokens = usage.toObject().value(QLatin1String("completion_tokens")).toInteger(-1);
    }
    const QJsonObject choice = o.value(QLatin1String("choices")).toArray().first().toObject();
    const QJsonValue content = choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content"));
    if (content.isString()) {
        c.hasContent = true;
        c.content = content.toString();
    }
    const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
    c.finished = finish.isString() && !finish.toString().isEmpty();
    return c;
}

std::optional<ChatChunk> scanChatChunk(QByteArrayView json) {
    ChatChunk c;
    JsonScanner s(json);
    // A key given twice takes its last value in QJsonDocument; rather than mirror that, give up on repeats.
    enum Seen {
        Error = 1,
        Usage = 2,
        Choices = 4,
        Prompt = 8,
        Completion = 16,
        Delta = 32,
        Content = 64,
        Finish = 128
    };
    int seen = 0;
    auto once = [&seen](int bit) {
        if (seen & bit)
            return false;
        seen |= bit;
        return true;
    };
    auto readCount = [&s](qint64 *out) {
        // toInteger(-1): an integral number, else -1. Anything but a plain integer is left to QJsonDocument.
        if (s.peek() == JsonScanner::Type::Number)
            return s.readInteger(out);
        *out = -1;
        return s.skip();
    };
    auto delta = [&](QByteArrayView key) {
        if (key == "content") {
            if (!once(Content))
                return false;
            if (s.peek() != JsonScanner::Type::String)
                return s.skip();
            c.hasContent = true;
            return s.readString(&c.content);
        }
        return s.skip();
    };
    auto choice = [&](QByteArrayView key) {
        if (key == "delta") {
            if (!once(Delta))
                return false;
            return s.peek() == JsonScanner::Type::Object ? s.readObject(delta) : s.skip();
        }
        if (key == "finish_reason") {
            if (!once(Finish))
                return false;
            if (s.peek() != JsonScanner::Type::String)
                return s.skip();
            QString reason;
            if (!s.readString(&reason))
                return false;
            c.finished = !reason.isEmpty();
            return true;
        }
        return s.skip();
    };
    auto top = [&](QByteArrayView key) {
        if (key == "error") {
            if (!once(Error))
                return false;
            const JsonScanner::Type t = s.peek();
            c.error = t == JsonScanner::Type::Object || t == JsonScanner::Type::String;
            return s.skip();
        }
        if (key == "usage") {
            if (!once(Usage))
                return false;
            if (s.peek() != JsonScanner::Type::Object)
                return s.skip();
            c.hasUsage = true;
            return s.readObject([&](QByteArrayView k) {
                if (k == "prompt_tokens")
                    return once(Prompt) && readCount(&c.promptTokens);
                if (k == "completion_tokens")
                    return once(Completion) && readCount(&c.completionTokens);
                return s.skip();
            });
        }
        if (key == "choices") {
            if (!once(Choices))
                return false;
            if (s.peek() != JsonScanner::Type::Array)
                return s.skip();
            return s.readArray([&](int index) {
                if (index == 0 && s.peek() == JsonScanner::Type::Object)
                    return s.readObject(choice);
                return s.skip();
            });
        }
        return s.skip();
    };
    if (!s.readObject(top) || !s.atEnd())
        return std::nullopt;
    return c;
}

ChatChunk readChatChunk(QByteArrayView json) {
    if (auto c = scanChatChunk(json))
        return *std::move(c);
    return parseChatChunk(json);
}

std::optional<TextDelta> scanTextDelta(QByteArrayView json) {
    TextDelta d;
    JsonScanner s(json);
    bool sawType = false, sawDelta = false, isBlockDelta = false;
    bool sawDeltaType = false, sawText = false, isText = false;
    QString text;
    bool textIsString = false;
    auto delta = [&](QByteArrayView key) {
        if (key == "type") {
            if (sawDeltaType || s.peek() != JsonScanner::Type::String)
                return false;
            sawDeltaType = true;
            QString type;
            if (!s.readString(&type))
                return false;
            isText = type == QLatin1String("text_delta");
            return true;
        }
        if (key == "text") {
            if (sawText)
                return false;
            sawText = true;
            if (s.peek() != JsonScanner::Type::String)
                return s.skip();
            textIsString = true;
            return s.readString(&text);
        }
        return s.skip();
    };
    const bool ok = s.readObject([&](QByteArrayView key) {
        if (key == "type") {
            if (sawType || s.peek() != JsonScanner::Type::String)
                return false;
            sawType = true;
            QString type;
            if (!s.readString(&type))
                return false;
            isBlockDelta = type == QLatin1String("content_block_delta");
            return isBlockDelta; // any other event: QJsonDocument
        }
        if (key == "delta") {
            if (sawDelta)
                return false;
            sawDelta = true;
            return s.peek() == JsonScanner::Type::Object ? s.readObject(delta) : s.skip();
        }
        return s.skip();
    });
    if (!ok || !s.atEnd() || !isBlockDelta)
        return std::nullopt;
    if (isText && textIsString) {
        d.hasText = true;
        d.text = text;
    }
    return d;
}

TextDelta parseTextDelta(QByteArrayView json) {
    TextDelta d;
    const QJsonObject delta =
        QJsonDocument::fromJson(json.toByteArray()).object().value(QLatin1String("delta")).toObject();
    const QJsonValue text = delta.value(QLatin1String("text"));
    if (delta.value(QLatin1String("type")).toString() == QLatin1String("text_delta") && text.isString()) {
        d.hasText = true;
        d.text = text.toString();
    }
    return d;
}

} // namespace overtext
