// Fuzzes overtext::HttpResponseParser, which reads the network's bytes: the response is cut into pieces at places the
// input chooses, and what it decodes (status, body, done, error) must not depend on where the cuts fall.
//
// Input: byte 0 = n, the next n bytes are piece lengths (each 1..256), the rest is the response as received.

#include "fuzzcheck.h"
#include "translate/httpresponse.h"

#include <cstddef>
#include <cstdint>

using overtext::HttpResponseParser;

namespace {

struct Outcome {
    bool ok = true;
    bool done = false;
    int status = 0;
    QByteArray body;
    QString error;
};

Outcome run(QByteArrayView wire, QByteArrayView cuts) {
    HttpResponseParser p;
    Outcome o;
    qsizetype pos = 0, c = 0;
    while (pos < wire.size() && o.ok) {
        qsizetype len = cuts.isEmpty() ? wire.size() : 1 + quint8(cuts[c++ % cuts.size()]);
        len = std::min(len, wire.size() - pos);
        o.ok = p.feed(wire.sliced(pos, len), o.body);
        pos += len;
    }
    if (o.ok && !p.done())
        o.ok = p.closed(o.body) || !p.failed();
    o.done = p.done();
    o.status = p.hasHead() ? p.status() : 0;
    o.error = p.error();
    FUZZ_CHECK(o.ok || !o.error.isEmpty(), QStringLiteral("failed without a reason"));
    FUZZ_CHECK(o.body.size() <= HttpResponseParser::kMaxDecodedBytes + 16384 + wire.size(),
               QStringLiteral("decoded more than the limit"));
    return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    const QByteArrayView all(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype n = std::min<qsizetype>(quint8(all[0]), all.size() - 1);
    const QByteArrayView cuts = all.sliced(1, n);
    const QByteArrayView wire = all.sliced(1 + n);

    const Outcome whole = run(wire, {});
    const Outcome pieces = run(wire, cuts.isEmpty() ? QByteArrayView("\x00", 1) : cuts);
    FUZZ_CHECK(whole.ok == pieces.ok,
               QStringLiteral("ok differs: ") + whole.error + QStringLiteral(" vs ") + pieces.error);
    FUZZ_CHECK(whole.done == pieces.done, QStringLiteral("done differs"));
    FUZZ_CHECK(whole.status == pieces.status, QStringLiteral("status differs"));
    if (whole.ok)
        FUZZ_CHECK(whole.body == pieces.body, QStringLiteral("body differs"));
    return 0;
}
