// Fuzzes the JsonScanner readings of stream events (OpenAI chunks, Anthropic text deltas) against QJsonDocument:
// whenever the scanner accepts a text, QJsonDocument must accept it too and read the same thing.

#include "fuzzcheck.h"
#include "translate/streamevents.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto chunk = overtext::scanChatChunk(text);
    const auto delta = overtext::scanTextDelta(text);
    if (!chunk && !delta)
        return 0;
    QJsonParseError e;
    QJsonDocument::fromJson(text, &e);
    FUZZ_CHECK(e.error == QJsonParseError::NoError, QString::fromUtf8(text));
    if (chunk)
        FUZZ_CHECK(*chunk == overtext::parseChatChunk(text), QString::fromUtf8(text));
    if (delta)
        FUZZ_CHECK(*delta == overtext::parseTextDelta(text), QString::fromUtf8(text));
    return 0;
}
