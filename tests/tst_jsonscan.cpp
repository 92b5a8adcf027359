// JsonScanner and the OpenAI stream event read with it (readChatChunk) against the QJsonDocument reading they
// replace: the same result for every text, the fast path actually taken for the events servers send, and texts the
// scanner accepts always ones QJsonDocument accepts.
#include "translate/jsonscan.h"
#include "translate/streamevents.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace overtext;

namespace {

QByteArray event(const QByteArray &content) {
    return R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"content":)" +
           content + R"(},"logprobs":null,"finish_reason":null}]})";
}

/// Events as servers send them: each must take the fast path and read as QJsonDocument reads it.
QList<QByteArray> typicalEvents() {
    return {
        event(R"("Hola")"),
        event(R"("\"u1\": \"Ésta es la \\\"frase\\\" número 1.\\n\"")"),
        event("\"\xe4\xb8\xad\xe6\x96\x87\xe3\x80\x82 \xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9 "
              "\xf0\x9f\x98\x80\""),
        event(R"("\u4e2d\u6587 \ud83d\ude00 \u00e9 \/ \b\f\r\t")"),
        event(R"("")"),
        event("null"),
        R"({"choices":[{"delta":{"role":"assistant","content":""},"finish_reason":null,"index":0}]})",
        R"({"choices":[{"delta":{},"finish_reason":"stop","index":0}],"usage":null})",
        R"({"choices":[{"delta":{},"finish_reason":"length","index":0}]})",
        R"({"choices":[],"usage":{"prompt_tokens":123,"completion_tokens":45,"total_tokens":168}})",
        R"({"choices":[{"delta":{"reasoning_content":"think {\"x\": 1}"},"finish_reason":null}]})",
        R"({"error":{"message":"overloaded","type":"server_error","code":null}})",
        R"({"error":"bad things"})",
        " \r\n\t{ \"choices\" : [ { \"delta\" : { \"content\" : \"x\" } , \"finish_reason\" : \"\" } ] } \n",
        R"({"choices":[{"delta":{"content":"a","tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}],"x":[1,-2.5e+3,0.0,true,false,null,{}]})",
        R"({"choices":[{"delta":{"content":"a"}},{"delta":{"content":"second choice ignored"}}]})",
        R"({"usage":{"prompt_tokens":"12","completion_tokens":null}})",
        R"({"choices":"not an array","error":null})",
        R"({"choices":[1,2],"error":42})",
        R"({"choices":[{"delta":"not an object","finish_reason":7}]})",
    };
}

/// Texts that must not take the fast path (invalid JSON, or cases left to QJsonDocument); they still read the same.
QList<QByteArray> otherTexts() {
    return {
        "",
        "[DONE]",
        "[]",
        "\"just a string\"",
        R"({"choices":[{"delta":{"content":"x"}}],})",
        R"({"choices":[{"delta":{"content":"x"}}]} trailing)",
        R"({"choices":[{"delta":{"content":"unterminated}}]})",
        "{\"choices\":[{\"delta\":{\"content\":\"raw\ncontrol\"}}]}",
        R"({"choices":[{"delta":{"content":"lone \ud83d surrogate"}}]})",
        R"({"choices":[{"delta":{"content":"lone \ude00 low"}}]})",
        "{\"choices\":[{\"delta\":{\"content\":\"bad \xc3\x28 utf8\"}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"overlong \xc0\xaf\"}}]}",
        R"({"choices":[{"delta":{"content":"x"}}],"n":01})",
        R"({"choices":[{"delta":{"content":"x"}}],"n":1.})",
        R"({"choices":[{"delta":{"content":"x"}}],"n":-})",
        R"({"choices":[{"delta":{"content":"bad escape \q"}}]})",
        R"({"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]})",
        R"({"choices":[{"delta":{"content":"a","content":"b"}}]})",
        R"({"usage":{"prompt_tokens":12.0,"completion_tokens":1e2}})",
        R"({"usage":{"prompt_tokens":123456789012345678901234}})",
        R"({"choi\u0063es":[{"delta":{"content":"escaped key"}}]})",
        QByteArray(100, '[') + QByteArray(100, ']'),
        R"({"choices":[{"delta":{"content":"x"}}],"deep":)" + QByteArray(70, '[') + QByteArray(70, ']') + "}",
        "{\"choices\":[{\"delta\":{\"content\":\"nul \\u0000 inside\"}}]}",
    };
}

QString describe(const ChatChunk &c) {
    return QStringLiteral("error=%1 content=%2[%3] finished=%4 usage=%5(%6,%7)")
        .arg(c.error)
        .arg(c.hasContent)
        .arg(c.content)
        .arg(c.finished)
        .arg(c.hasUsage)
        .arg(c.promptTokens)
        .arg(c.completionTokens);
}

/// One of \a seeds with 1-3 random edits (inserted, deleted or replaced bytes that JSON cares about).
QByteArray mutated(const QList<QByteArray> &seeds, QRandomGenerator &rng) {
    static const QByteArray alphabet = "{}[]\":,\\ntrufalse0123456789-+.eE \t\r\nu\x80\xc3\xa9\xed\xa0\xf0\x9f";
    QByteArray t = seeds[rng.bounded(int(seeds.size()))];
    const int edits = 1 + rng.bounded(3);
    for (int e = 0; e < edits && !t.isEmpty(); ++e) {
        const int at = rng.bounded(int(t.size()));
        const char c = alphabet[rng.bounded(int(alphabet.size()))];
        switch (rng.bounded(3)) {
        case 0:
            t.insert(at, c);
            break;
        case 1:
            t.remove(at, 1);
            break;
        default:
            t[at] = c;
        }
    }
    return t;
}

bool jsonAccepts(const QByteArray &text) {
    QJsonParseError e;
    QJsonDocument::fromJson(text, &e);
    return e.error == QJsonParseError::NoError;
}

} // namespace

class TestJsonScan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void typicalEventsTakeTheFastPath() {
        for (const QByteArray &t : typicalEvents()) {
            const auto fast = scanChatChunk(t);
            QVERIFY2(fast.has_value(), t.constData());
            QVERIFY2(*fast == parseChatChunk(t),
                     qPrintable(describe(*fast) + QStringLiteral(" vs ") + describe(parseChatChunk(t)) +
                                QStringLiteral(" in ") + QString::fromUtf8(t)));
        }
        // What the fields hold, checked by hand once (the comparison above is against QJsonDocument).
        const ChatChunk c = readChatChunk(typicalEvents()[3]);
        QCOMPARE(c.content, QStringLiteral("中文 😀 é / \b\f\r\t"));
        const ChatChunk u = readChatChunk(typicalEvents()[9]);
        QVERIFY(u.hasUsage && u.promptTokens == 123 && u.completionTokens == 45 && !u.hasContent);
        QVERIFY(readChatChunk(typicalEvents()[7]).finished);
        QVERIFY(!readChatChunk(typicalEvents()[13]).finished); // an empty finish_reason is not a finish
        QVERIFY(readChatChunk(typicalEvents()[11]).error);
    }

    void otherTextsReadTheSame() {
        for (const QByteArray &t : otherTexts()) {
            const auto fast = scanChatChunk(t);
            QVERIFY2(!fast || jsonAccepts(t), t.constData());
            QVERIFY2(!fast || *fast == parseChatChunk(t), t.constData());
            QVERIFY2(readChatChunk(t) == parseChatChunk(t), t.constData());
        }
        // Invalid JSON never takes the fast path.
        for (const QByteArray &t : otherTexts())
            if (!jsonAccepts(t))
                QVERIFY2(!scanChatChunk(t), t.constData());
    }

    /// Random edits of real events (bytes JSON cares about, inserted, deleted or replaced): whenever the scanner
    /// accepts the result, QJsonDocument accepts it too and reads the same chunk.
    void mutatedEventsReadTheSame() {
        QRandomGenerator rng(20261126);
        const QList<QByteArray> seeds = typicalEvents();
        int accepted = 0, total = 0;
        for (int round = 0; round < 40000; ++round) {
            const QByteArray t = mutated(seeds, rng);
            ++total;
            const auto fast = scanChatChunk(t);
            if (!fast)
                continue;
            ++accepted;
            QVERIFY2(jsonAccepts(t), t.constData());
            QVERIFY2(*fast == parseChatChunk(t),
                     qPrintable(describe(*fast) + QStringLiteral(" vs ") + describe(parseChatChunk(t)) +
                                QStringLiteral(" in ") + QString::fromUtf8(t)));
        }
        // Many edits keep the text valid (inside strings, whitespace): the comparison must have been exercised.
        QVERIFY2(accepted > total / 10, qPrintable(QStringLiteral("%1 of %2").arg(accepted).arg(total)));
    }

    /// Anthropic's content_block_delta: text deltas take the fast path and read as QJsonDocument reads them; other
    /// deltas carry no text; other events and odd texts are left to QJsonDocument; random edits never disagree.
    void anthropicTextDeltas() {
        const QList<QByteArray> fast = {
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hola "
            "\\\"u1\\\" \\u4e2d\"}}", // (a raw string here confuses moc)
            "{\"delta\":{\"text\":\"\xe4\xb8\xad\xf0\x9f\x98\x80\",\"type\":\"text_delta\"},\"type\":\"content_block_"
            "delta\"}",
            R"({"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"hmm"}})",
            R"({"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"abc"}})",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}})",
            R"({"type":"content_block_delta","delta":"odd"})",
        };
        for (const QByteArray &t : fast) {
            const auto d = scanTextDelta(t);
            QVERIFY2(d.has_value(), t.constData());
            QVERIFY2(*d == parseTextDelta(t), t.constData());
        }
        QCOMPARE(scanTextDelta(fast[0])->text, QStringLiteral("Hola \"u1\" 中"));
        QVERIFY(!scanTextDelta(fast[2])->hasText);
        for (const QByteArray &t : QList<QByteArray>{
                 R"({"type":"message_start","message":{"usage":{"input_tokens":5}}})",
                 R"({"type":"message_stop"})",
                 R"({"index":0,"delta":{"type":"text_delta","text":"no type"}})",
                 R"({"type":"content_block_delta","type":"content_block_delta","delta":{}})",
                 R"({"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}} junk)",
                 R"({"type":"content_block_delta","delta":{"type":"text_delta","text":"a","text":"b"}})",
             })
            QVERIFY2(!scanTextDelta(t), t.constData());
        QRandomGenerator rng(7);
        int accepted = 0;
        for (int round = 0; round < 20000; ++round) {
            const QByteArray t = mutated(fast, rng);
            const auto d = scanTextDelta(t);
            if (!d)
                continue;
            ++accepted;
            QVERIFY2(jsonAccepts(t), t.constData());
            QVERIFY2(*d == parseTextDelta(t), t.constData());
        }
        QVERIFY(accepted > 2000);
    }

    /// The scanner on its own: skipping checks what it skips; nesting is bounded.
    void scannerBasics() {
        JsonScanner a(R"({"a":[1,{"b":"c"},true],"d":-0.5e-3})");
        QStringList keys;
        QVERIFY(a.readObject([&](QByteArrayView k) {
            keys.append(QString::fromLatin1(k));
            return a.skip();
        }));
        QVERIFY(a.atEnd());
        QCOMPARE(keys, QStringList({QStringLiteral("a"), QStringLiteral("d")}));
        JsonScanner bad(R"({"a":[1,{"b":"c"],true]})");
        QVERIFY(!bad.skip());
        const QByteArray deepText = QByteArray(65, '[') + QByteArray(65, ']');
        JsonScanner deep(deepText);
        QVERIFY(!deep.skip());
        const QByteArray okText = QByteArray(64, '[') + QByteArray(64, ']');
        JsonScanner ok(okText);
        QVERIFY(ok.skip() && ok.atEnd());
        qint64 v = 0;
        JsonScanner n("-9007199254740993");
        QVERIFY(n.readInteger(&v));
        QCOMPARE(v, Q_INT64_C(-9007199254740993));
    }
};

QTEST_GUILESS_MAIN(TestJsonScan)
#include "tst_jsonscan.moc"
