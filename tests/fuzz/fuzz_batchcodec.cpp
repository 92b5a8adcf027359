// Fuzzes the answer readers of core/translate/batchcodec.h.
//
// Input byte 0 picks a mode:
//  - even: the rest is an arbitrary answer (UTF-8). BatchCodec::decode() and StreamingAnswerParser must not crash or
//    hang, decode() may only answer ids of the batch, and the streaming parser's last word on each id must not depend
//    on how the answer was cut (it reads each character once, so its state after a feed is a function of the text so
//    far).
//  - odd: the rest is a list of unit texts separated by 0x1F; the batch is encoded and its own user message (a JSON
//    object of exactly the protected texts) is read back as the answer. Both readers must return every text: decode()
//    the trimmed source, the streaming parser the source itself.
// Protecting a text and restoring it gives the text back whenever it holds no token brackets of its own.

#include "fuzzcheck.h"
#include "translate/batchcodec.h"

#include <QSet>

#include <cstddef>
#include <cstdint>

using namespace overtext;

namespace {

QHash<QString, QString> stream(const EncodedBatch &batch, const QString &answer, QByteArrayView cuts) {
    StreamingAnswerParser parser(batch);
    QHash<QString, QString> last;
    qsizetype pos = 0, c = 0;
    while (pos < answer.size()) {
        qsizetype len = cuts.isEmpty() ? answer.size() : 1 + quint8(cuts[c++ % cuts.size()]) % 16;
        len = std::min(len, answer.size() - pos);
        for (const auto &u : parser.feed(QStringView(answer).sliced(pos, len))) {
            FUZZ_CHECK(batch.ids.contains(u.id), QStringLiteral("streamed an unknown id ") + u.id);
            last.insert(u.id, u.textSoFar);
        }
        pos += len;
    }
    FUZZ_CHECK(parser.text() == answer, QStringLiteral("the parser lost text"));
    return last;
}

bool hasOwnMarkup(const QString &t) {
    return t.contains(QChar(0x27E6)) || t.contains(QChar(0x27E7)) ||
           t.contains(QLatin1String("think>"), Qt::CaseInsensitive) ||
           t.contains(QLatin1String("thinking>"), Qt::CaseInsensitive);
}

void checkProtect(const QString &text) {
    if (hasOwnMarkup(text))
        return;
    const ProtectedText p = protectSpans(text);
    const auto back = restoreSpans(p.text, p.originals);
    FUZZ_CHECK(back && *back == text, QStringLiteral("protect/restore changed ") + text);
}

void arbitraryAnswer(QByteArrayView bytes) {
    // Cut points come from the end of the input so that the answer itself stays free.
    const QString answer = QString::fromUtf8(bytes);
    TranslationRequest req;
    req.sourceLang = QStringLiteral("en");
    req.targetLang = QStringLiteral("de");
    req.units = {{QStringLiteral("1"), QStringLiteral("Hello world, see https://example.org for {name}.")},
                 {QStringLiteral("2"), QStringLiteral("Costs $5 and $x^2$ per %1 item")},
                 {QStringLiteral("a"), QStringLiteral("Plain words only here")}};
    const EncodedBatch batch = BatchCodec::encode(req);
    const DecodedBatch d = BatchCodec::decode(batch, answer);
    for (auto it = d.translations.begin(); it != d.translations.end(); ++it)
        FUZZ_CHECK(batch.ids.contains(it.key()), QStringLiteral("decoded an unknown id ") + it.key());
    for (const QString &id : batch.ids)
        FUZZ_CHECK(d.translations.contains(id) != d.missingIds.contains(id),
                   QStringLiteral("id neither translated nor missing (or both): ") + id);
    const QHash<QString, QString> whole = stream(batch, answer, {});
    const QHash<QString, QString> cut = stream(batch, answer, bytes.last(std::min<qsizetype>(8, bytes.size())));
    for (auto it = whole.begin(); it != whole.end(); ++it)
        FUZZ_CHECK(cut.value(it.key()) == it.value(), QStringLiteral("streamed text depends on the cuts for ") +
                                                          it.key() + QStringLiteral(": ") + it.value() +
                                                          QStringLiteral(" vs ") + cut.value(it.key()));
    checkProtect(answer);
}

void roundTrip(QByteArrayView bytes) {
    TranslationRequest req;
    req.sourceLang = QStringLiteral("en");
    req.targetLang = QStringLiteral("fr");
    int n = 0;
    for (const QString &text : QString::fromUtf8(bytes).split(QChar(0x1F))) {
        if (hasOwnMarkup(text))
            return;
        req.units.append({QStringLiteral("u%1").arg(n++), text});
    }
    const EncodedBatch batch = BatchCodec::encode(req);
    const DecodedBatch d = BatchCodec::decode(batch, batch.userMessage);
    for (const TranslationUnit &u : req.units) {
        FUZZ_CHECK(d.translations.value(u.id) == u.text.trimmed(),
                   QStringLiteral("decode lost ") + u.id + QStringLiteral(": [") + u.text + QStringLiteral("] -> [") +
                       d.translations.value(u.id) + QLatin1Char(']'));
    }
    const QHash<QString, QString> streamed =
        stream(batch, batch.userMessage, bytes.first(std::min<qsizetype>(8, bytes.size())));
    for (const TranslationUnit &u : req.units) {
        if (u.text.isEmpty())
            continue;
        FUZZ_CHECK(streamed.value(u.id) == u.text, QStringLiteral("streaming lost ") + u.id + QStringLiteral(": [") +
                                                       u.text + QStringLiteral("] -> [") + streamed.value(u.id) +
                                                       QLatin1Char(']'));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0 || size > 8192)
        return 0;
    const QByteArrayView rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    if (data[0] % 2 == 0)
        arbitraryAnswer(rest);
    else
        roundTrip(rest);
    return 0;
}
