// Fuzzes overtext::SseParser: the stream is cut into chunks at places the input chooses, and the events must not
// depend on where the cuts fall (one piece, chunked, byte by byte), nor change after reset().
//
// Input: byte 0 = n, the next n bytes are chunk lengths (each 1..256), the rest is the event stream.

#include "fuzzcheck.h"
#include "translate/sseparser.h"

#include <cstddef>
#include <cstdint>

using overtext::SseEvent;
using overtext::SseParser;

namespace {

QString describe(const QList<SseEvent> &events) {
    QString s;
    for (const SseEvent &e : events)
        s += QStringLiteral("[%1|%2|%3|%4]").arg(e.event, QString::fromUtf8(e.data), e.id).arg(e.retryMs);
    return s;
}

bool same(const QList<SseEvent> &a, const QList<SseEvent> &b) {
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].event != b[i].event || a[i].data != b[i].data || a[i].id != b[i].id || a[i].retryMs != b[i].retryMs)
            return false;
    return true;
}

QList<SseEvent> runChunks(SseParser &p, QByteArrayView stream, QByteArrayView cuts) {
    QList<SseEvent> out;
    qsizetype pos = 0, c = 0;
    while (pos < stream.size()) {
        qsizetype len = cuts.isEmpty() ? 1 : 1 + quint8(cuts[c++ % cuts.size()]);
        len = std::min(len, stream.size() - pos);
        out += p.feed(stream.sliced(pos, len));
        pos += len;
    }
    out += p.finish();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    const QByteArrayView all(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype n = std::min<qsizetype>(quint8(all[0]), all.size() - 1);
    const QByteArrayView cuts = all.sliced(1, n);
    const QByteArrayView stream = all.sliced(1 + n);

    SseParser whole;
    QList<SseEvent> one = whole.feed(stream);
    one += whole.finish();
    const QString wholeId = whole.lastEventId();

    SseParser chunked;
    const QList<SseEvent> pieces = runChunks(chunked, stream, cuts.isEmpty() ? QByteArrayView("\x00", 1) : cuts);
    FUZZ_CHECK(same(one, pieces), describe(one) + QStringLiteral(" vs chunked ") + describe(pieces));
    FUZZ_CHECK(chunked.lastEventId() == wholeId, chunked.lastEventId() + QStringLiteral(" vs ") + wholeId);

    SseParser bytes;
    const QList<SseEvent> single = runChunks(bytes, stream, QByteArrayView("\x00", 1));
    FUZZ_CHECK(same(one, single), describe(one) + QStringLiteral(" vs byte by byte ") + describe(single));

    // A parser that is reset behaves like a new one.
    bytes.reset();
    QList<SseEvent> again = bytes.feed(stream);
    again += bytes.finish();
    FUZZ_CHECK(same(one, again), describe(one) + QStringLiteral(" vs after reset ") + describe(again));

    for (const SseEvent &e : one)
        FUZZ_CHECK(!e.event.isEmpty(), QStringLiteral("an event without a type"));
    return 0;
}
