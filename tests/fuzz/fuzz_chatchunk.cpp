// Fuzzes readChatChunk's fast path (JsonScanner) against QJsonDocument: whenever the scanner accepts a text,
// QJsonDocument must accept it too and read the same chunk.

#include "fuzzcheck.h"
#include "translate/chatchunk.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto fast = overtext::scanChatChunk(text);
    if (!fast)
        return 0;
    QJsonParseError e;
    QJsonDocument::fromJson(text, &e);
    FUZZ_CHECK(e.error == QJsonParseError::NoError, QString::fromUtf8(text));
    const overtext::ChatChunk slow = overtext::parseChatChunk(text);
    FUZZ_CHECK(*fast == slow, QString::fromUtf8(text));
    return 0;
}
