#include "translate/sseparser.h"

#include <QTest>

using namespace overtext;

namespace {

/// "event|id|data" per event, so a whole stream's outcome compares as one QStringList.
QStringList flatten(const QList<SseEvent> &events) {
    QStringList out;
    for (const SseEvent &e : events)
        out << e.event + QLatin1Char('|') + e.id + QLatin1Char('|') + QString::fromUtf8(e.data);
    return out;
}

QStringList parseSplitAt(const QByteArray &stream, qsizetype cut1, qsizetype cut2) {
    SseParser p;
    QList<SseEvent> all;
    all += p.feed(QByteArrayView(stream).first(cut1));
    all += p.feed(QByteArrayView(stream).sliced(cut1, cut2 - cut1));
    all += p.feed(QByteArrayView(stream).sliced(cut2));
    all += p.finish();
    return flatten(all);
}

} // namespace

class TestSseParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void streams_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("lf") << QByteArray("data: hello\n\ndata: world\n\n")
                            << QStringList{QStringLiteral("message||hello"), QStringLiteral("message||world")};
        QTest::newRow("crlf") << QByteArray("event: delta\r\ndata: a\r\n\r\ndata: b\r\n\r\n")
                              << QStringList{QStringLiteral("delta||a"), QStringLiteral("message||b")};
        QTest::newRow("cr") << QByteArray("data: a\r\rdata: b\r\r")
                            << QStringList{QStringLiteral("message||a"), QStringLiteral("message||b")};
        QTest::newRow("multiline data") << QByteArray("data: line1\ndata: line2\ndata\n\n")
                                        << QStringList{QStringLiteral("message||line1\nline2\n")};
        QTest::newRow("comments and id") << QByteArray(
                                                ": keep-alive\n\nid: 7\ndata:{\"x\":1}\n\n: ping\ndata: next\n\n")
                                         << QStringList{QStringLiteral("message|7|{\"x\":1}"),
                                                        QStringLiteral("message|7|next")};
        QTest::newRow("event without data is dropped")
            << QByteArray("event: ping\n\ndata: x\n\n") << QStringList{QStringLiteral("message||x")};
        QTest::newRow("utf8 split anywhere")
            << QByteArray("data: caf\xC3\xA9 \xE2\x9F\xA6"
                          "0\xE2\x9F\xA7 \xF0\x9F\x98\x80\n\n")
            << QStringList{QStringLiteral("message||caf\u00e9 \u27e60\u27e7 ") + QString::fromUtf8("\xF0\x9F\x98\x80")};
        QTest::newRow("bom and final event without blank line")
            << QByteArray("\xEF\xBB\xBF"
                          "data: one\r\n\r\ndata: [DONE]")
            << QStringList{QStringLiteral("message||one"), QStringLiteral("message||[DONE]")};
        QTest::newRow("mixed endings, no space after colon")
            << QByteArray("event:a\ndata:1\r\n\rdata:2\r\n\r\n")
            << QStringList{QStringLiteral("a||1"), QStringLiteral("message||2")};
        QTest::newRow("unknown fields and retry ignored in data")
            << QByteArray("foo: bar\nretry: 3000\ndata: x\n\n") << QStringList{QStringLiteral("message||x")};
    }
    /// Every way of cutting the stream into three chunks yields the same events.
    void streams() {
        QFETCH(QByteArray, stream);
        QFETCH(QStringList, expected);
        for (qsizetype a = 0; a <= stream.size(); ++a) {
            for (qsizetype b = a; b <= stream.size(); ++b) {
                const QStringList got = parseSplitAt(stream, a, b);
                if (got != expected)
                    QFAIL(qPrintable(
                        QStringLiteral("split at %1/%2: got %3").arg(a).arg(b).arg(got.join(QLatin1String(" ; ")))));
            }
        }
    }
    void byteByByte() {
        const QByteArray stream("data: {\"a\":\"b\"}\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n");
        SseParser p;
        QList<SseEvent> all;
        for (char c : stream)
            all += p.feed(QByteArrayView(&c, 1));
        all += p.finish();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].data, QByteArray("{\"a\":\"b\"}"));
        QCOMPARE(all[1].data, QByteArray("[DONE]"));
    }
    void retryField() {
        SseParser p;
        const auto ev = p.feed("retry: 1500\ndata: x\n\n");
        QCOMPARE(ev.size(), 1);
        QCOMPARE(ev[0].retryMs, 1500);
    }
    void resetForgetsPartialLine() {
        SseParser p;
        QVERIFY(p.feed("data: half").isEmpty());
        p.reset();
        const auto ev = p.feed("data: whole\n\n");
        QCOMPARE(ev.size(), 1);
        QCOMPARE(ev[0].data, QByteArray("whole"));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
