#include "fakes/fakeservices.h"

#include "translate/batchcodec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

#include <memory>
#include <random>

namespace testsupport {

namespace {

struct State {
    explicit State(FakeBehaviour b)
        : behaviour(std::move(b))
        , rng(behaviour.seed) {}
    FakeBehaviour behaviour;
    std::mt19937 rng;
};

int randomBetween(std::mt19937 &rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

Fault pickFault(State &s, int index) {
    if (s.behaviour.faultAt.contains(index))
        return s.behaviour.faultAt.value(index);
    if (s.behaviour.faultProbability > 0 &&
        std::uniform_real_distribution<double>(0, 1)(s.rng) < s.behaviour.faultProbability)
        return s.behaviour.randomFault;
    return s.behaviour.always;
}

/// Cuts \a bytes at arbitrary places (even inside UTF-8 sequences and CRLF pairs).
QList<QByteArray> sliceBytes(const QByteArray &bytes, std::mt19937 &rng, int lo, int hi) {
    QList<QByteArray> out;
    for (qsizetype i = 0; i < bytes.size();) {
        const qsizetype n = qMin<qsizetype>(randomBetween(rng, lo, hi), bytes.size() - i);
        out.append(bytes.mid(i, n));
        i += n;
    }
    return out;
}

QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// A common error answer for faults that are not about the content; nullopt when the fault is about content.
std::optional<FakeResponse> errorFor(Fault f, const FakeBehaviour &b, const FakeRequest &req, bool deepl) {
    auto err = [](int status, const QString &message) {
        QJsonObject e{{QStringLiteral("message"), message}, {QStringLiteral("type"), QStringLiteral("fake_error")}};
        return FakeResponse::json(status, compact(QJsonObject{{QStringLiteral("error"), e}}));
    };
    switch (f) {
    case Fault::RateLimit: {
        FakeResponse r = err(429, QStringLiteral("Rate limit reached, slow down."));
        r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray::number(b.retryAfterSeconds)));
        return r;
    }
    case Fault::RateLimitHttpDate: {
        FakeResponse r = err(429, QStringLiteral("Rate limit reached, slow down."));
        const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(b.retryAfterSeconds);
        r.headers.append(
            qMakePair(QByteArray("Retry-After"),
                      QLocale::c().toString(when, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1()));
        return r;
    }
    case Fault::ServerError:
        return err(500, QStringLiteral("The server had an error while processing your request."));
    case Fault::Unauthorized: {
        QByteArray key = req.headers.value("authorization");
        if (key.isEmpty())
            key = req.headers.value("x-api-key");
        if (key.isEmpty())
            key = req.headers.value("api-key");
        key = key.split(' ').last();
        return err(deepl ? 403 : 401, QStringLiteral("Incorrect API key provided: ") + QString::fromUtf8(key));
    }
    case Fault::QuotaExceeded:
        return err(456, QStringLiteral("Quota exceeded"));
    default:
        return std::nullopt;
    }
}

QString targetFromPrompt(const QString &system) {
    static const QRegularExpression re(QStringLiteral("Target language: (\\S+)"));
    const auto m = re.match(system);
    return m.hasMatch() ? m.captured(1) : QStringLiteral("xx");
}

/// The model's whole answer text for a batch, with content faults applied.
QString llmAnswer(const QStringList &ids, const QStringList &texts, const QString &lang, Fault f) {
    QString json = QStringLiteral("{");
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (f == Fault::MissingItem && i == ids.size() - 1 && ids.size() > 1)
            continue;
        const QString t = (f == Fault::Untranslated && i == 0) ? texts[i] : fakeTranslation(texts[i], lang);
        if (json.size() > 1)
            json += QStringLiteral(", ");
        json += overtext::BatchCodec::jsonString(ids[i]) + QStringLiteral(": ") + overtext::BatchCodec::jsonString(t);
    }
    json += QLatin1Char('}');
    switch (f) {
    case Fault::MalformedJson:
        return QStringLiteral("I am sorry, but I cannot translate this document.");
    case Fault::TruncatedJson:
        return json.left(json.size() * 2 / 3);
    case Fault::Chatter:
        return QStringLiteral("Sure! Here is the translation you asked for:\n") + json +
               QStringLiteral("\nLet me know if you need anything else.");
    case Fault::Fences:
        return QStringLiteral("```json\n") + json + QStringLiteral("\n```");
    case Fault::Think:
        return QStringLiteral("<think>The user wants a translation. {\"") + ids.value(0) +
               QStringLiteral("\": \"WRONG\"} would be bad.</think>\n") + json;
    default:
        return json;
    }
}

bool isSummaryRequest(const QString &system) {
    return system.contains(QLatin1String("## Key points"));
}

/// Summary answers with content faults applied (Think: a <think> block first, as some local models do).
QString summaryAnswer(const QString &system, const QString &user, Fault f) {
    const QString answer = fakeSummaryAnswer(system, user);
    if (f == Fault::Think)
        return QStringLiteral("<think>The user wants a summary. THINKING about (p. 999).</think>\n") + answer;
    if (f == Fault::MalformedJson)
        return QStringLiteral("I am sorry, but I cannot summarise this document.");
    return answer;
}

/// Splits \a text into small deltas (never inside a UTF-16 surrogate pair).
QStringList deltas(const QString &text, std::mt19937 &rng) {
    QStringList out;
    for (qsizetype i = 0; i < text.size();) {
        qsizetype n = qMin<qsizetype>(randomBetween(rng, 2, 9), text.size() - i);
        if (i + n < text.size() && text[i + n].isLowSurrogate())
            ++n;
        out.append(text.mid(i, n));
        i += n;
    }
    return out;
}

FakeResponse sseResponse(const QByteArray &stream, const FakeBehaviour &b, Fault f, std::mt19937 &rng) {
    FakeResponse r;
    r.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("text/event-stream")));
    r.framing = FakeResponse::Chunked;
    r.chunks = sliceBytes(stream, rng, 16, 160);
    r.firstByteDelayMs = b.firstByteDelayMs;
    r.chunkDelayMs = b.chunkDelayMs;
    if (f == Fault::DropMidStream)
        r.dropAfterChunks = int(r.chunks.size() / 2);
    return r;
}

/// Reads the unit ids and texts of the user message (our BatchCodec's JSON object).
void readUnits(const QString &userMessage, FakeRequest &req) {
    const QJsonObject units = QJsonDocument::fromJson(userMessage.toUtf8()).object();
    // QJsonObject sorts keys; recover the sent order from the text.
    QList<QPair<qsizetype, QString>> order;
    for (auto it = units.begin(); it != units.end(); ++it)
        order.append({userMessage.indexOf(overtext::BatchCodec::jsonString(it.key())), it.key()});
    std::sort(order.begin(), order.end());
    for (const auto &p : order) {
        req.unitIds.append(p.second);
        req.texts.append(units.value(p.second).toString());
    }
}

FakeResponse openAi(State &s, FakeRequest &req) {
    const QJsonObject body = QJsonDocument::fromJson(req.body).object();
    QString system, user;
    for (const QJsonValue &m : body.value(QLatin1String("messages")).toArray()) {
        const QJsonObject o = m.toObject();
        (o.value(QLatin1String("role")).toString() == QLatin1String("system") ? system : user) =
            o.value(QLatin1String("content")).toString();
    }
    readUnits(user, req);
    const Fault f = pickFault(s, req.index);
    if (auto e = errorFor(f, s.behaviour, req, false))
        return *e;
    if (!req.path.contains("/chat/completions"))
        return FakeResponse::json(404, "{\"error\":{\"message\":\"Not found\"}}");
    const QString model = body.value(QLatin1String("model")).toString();
    if (model == QLatin1String("unknown-model"))
        return FakeResponse::json(
            404, "{\"error\":{\"message\":\"The model `unknown-model` does not exist\",\"code\":\"model_not_found\"}}");

    const QString answer = isSummaryRequest(system) ? summaryAnswer(system, user, f)
                                                    : llmAnswer(req.unitIds, req.texts, targetFromPrompt(system), f);
    auto event = [](const QJsonObject &delta, const QJsonValue &finish) -> QByteArray {
        const QJsonObject choice{
            {QStringLiteral("index"), 0}, {QStringLiteral("delta"), delta}, {QStringLiteral("finish_reason"), finish}};
        const QJsonObject chunk{{QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
                                {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                                {QStringLiteral("choices"), QJsonArray{choice}}};
        return "data: " + compact(chunk) + "\n\n";
    };
    QByteArray stream = event(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}}, QJsonValue::Null);
    if (f == Fault::ReasoningContent) {
        for (const QString &d : deltas(QStringLiteral("Reasoning: {\"x\": \"REASONING\"} should not leak."), s.rng)) {
            stream += event(QJsonObject{{QStringLiteral("reasoning_content"), d}}, QJsonValue::Null);
            stream += event(QJsonObject{{QStringLiteral("reasoning"), d}}, QJsonValue::Null);
        }
    }
    // Content deltas are the bulk of every stream: written directly (the same bytes as event() makes) so that the
    // fake's own CPU, which shares the benchmark machine with the client, stays small.
    const QByteArray contentHead = R"(data: {"choices":[{"delta":{"content":)";
    const QByteArray contentTail =
        R"(},"finish_reason":null,"index":0}],"id":"chatcmpl-fake","object":"chat.completion.chunk"})"
        "\n\n";
    int n = 0;
    for (const QString &d : deltas(answer, s.rng)) {
        stream += contentHead + overtext::BatchCodec::jsonString(d).toUtf8() + contentTail;
        if (++n % 10 == 0)
            stream += ": keep-alive\n\n";
    }
    if (f != Fault::NoDone) {
        stream += event(QJsonObject{}, QStringLiteral("stop"));
        if (body.value(QLatin1String("stream_options")).toObject().value(QLatin1String("include_usage")).toBool()) {
            const QJsonObject usage{{QStringLiteral("prompt_tokens"), 123},
                                    {QStringLiteral("completion_tokens"), 45},
                                    {QStringLiteral("total_tokens"), 168}};
            stream += "data: " +
                      compact(QJsonObject{{QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
                                          {QStringLiteral("choices"), QJsonArray{}},
                                          {QStringLiteral("usage"), usage}}) +
                      "\r\n\r\n"; // servers differ in line ends
        }
        stream += "data: [DONE]\n\n";
    }
    return sseResponse(stream, s.behaviour, f, s.rng);
}

QJsonObject blockDelta(int index, const char *deltaType, const char *field, const QString &text) {
    QJsonObject delta;
    delta.insert(QStringLiteral("type"), QLatin1String(deltaType));
    delta.insert(QLatin1String(field), text);
    QJsonObject o;
    o.insert(QStringLiteral("type"), QStringLiteral("content_block_delta"));
    o.insert(QStringLiteral("index"), index);
    o.insert(QStringLiteral("delta"), delta);
    return o;
}

FakeResponse anthropic(State &s, FakeRequest &req) {
    const QJsonObject body = QJsonDocument::fromJson(req.body).object();
    const QString system = body.value(QLatin1String("system")).toString();
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    readUnits(messages.isEmpty() ? QString() : messages.last().toObject().value(QLatin1String("content")).toString(),
              req);
    const Fault f = pickFault(s, req.index);
    if (auto e = errorFor(f, s.behaviour, req, false))
        return *e;
    if (req.path != "/v1/messages")
        return FakeResponse::json(
            404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not found\"}}");
    auto event = [](const char *type, const QJsonObject &data) -> QByteArray {
        return QByteArray("event: ") + type + "\ndata: " + compact(data) + "\n\n";
    };
    const QString user =
        messages.isEmpty() ? QString() : messages.last().toObject().value(QLatin1String("content")).toString();
    const QString answer = isSummaryRequest(system) ? summaryAnswer(system, user, f == Fault::Think ? Fault::None : f)
                                                    : llmAnswer(req.unitIds, req.texts, targetFromPrompt(system),
                                                                f == Fault::Think ? Fault::None : f);
    QByteArray stream =
        event("message_start",
              QJsonObject{{QStringLiteral("type"), QStringLiteral("message_start")},
                          {QStringLiteral("message"),
                           QJsonObject{{QStringLiteral("id"), QStringLiteral("msg_fake")},
                                       {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), 321},
                                                                             {QStringLiteral("output_tokens"), 1}}}}}});
    int block = 0;
    auto blockEvent = [&](const char *type, const QJsonObject &contentBlock) -> QByteArray {
        QJsonObject o;
        o.insert(QStringLiteral("type"), QLatin1String(type));
        o.insert(QStringLiteral("index"), block);
        if (!contentBlock.isEmpty())
            o.insert(QStringLiteral("content_block"), contentBlock);
        return event(type, o);
    };
    if (f == Fault::Think) {
        stream += blockEvent("content_block_start", QJsonObject{{QStringLiteral("type"), QStringLiteral("thinking")}});
        for (const QString &d : deltas(QStringLiteral("{\"x\": \"THINKING\"} hmm"), s.rng))
            stream += event("content_block_delta", blockDelta(block, "thinking_delta", "thinking", d));
        stream += blockEvent("content_block_stop", QJsonObject());
        ++block;
    }
    stream += blockEvent("content_block_start", QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                            {QStringLiteral("text"), QString()}});
    int n = 0;
    for (const QString &d : deltas(answer, s.rng)) {
        stream += event("content_block_delta", blockDelta(block, "text_delta", "text", d));
        if (++n % 10 == 0)
            stream += event("ping", QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}});
    }
    stream += blockEvent("content_block_stop", QJsonObject());
    if (f != Fault::NoDone) {
        QJsonObject md;
        md.insert(QStringLiteral("type"), QStringLiteral("message_delta"));
        md.insert(QStringLiteral("delta"), QJsonObject{{QStringLiteral("stop_reason"), QStringLiteral("end_turn")}});
        md.insert(QStringLiteral("usage"), QJsonObject{{QStringLiteral("output_tokens"), 54}});
        stream += event("message_delta", md);
        stream += event("message_stop", QJsonObject{{QStringLiteral("type"), QStringLiteral("message_stop")}});
    }
    return sseResponse(stream, s.behaviour, f, s.rng);
}

FakeResponse deepl(State &s, FakeRequest &req) {
    const QJsonObject body = QJsonDocument::fromJson(req.body).object();
    for (const QJsonValue &t : body.value(QLatin1String("text")).toArray())
        req.texts.append(t.toString());
    const Fault f = pickFault(s, req.index);
    if (auto e = errorFor(f, s.behaviour, req, true))
        return *e;
    if (req.path != "/v2/translate")
        return FakeResponse::json(404, "{\"message\":\"Not found\"}");
    const QString target = body.value(QLatin1String("target_lang")).toString();
    QJsonArray out;
    for (qsizetype i = 0; i < req.texts.size(); ++i)
        out.append(
            QJsonObject{{QStringLiteral("detected_source_language"), QStringLiteral("EN")},
                        {QStringLiteral("text"),
                         f == Fault::Untranslated && i == 0 ? req.texts[i] : fakeTranslation(req.texts[i], target)}});
    FakeResponse r = FakeResponse::json(200, compact(QJsonObject{{QStringLiteral("translations"), out}}));
    r.firstByteDelayMs = s.behaviour.firstByteDelayMs;
    if (f == Fault::MalformedJson)
        r.chunks = {"{\"translations\": [ oops"};
    if (f == Fault::DropMidStream) {
        const QByteArray whole = r.chunks.first();
        r.chunks = {whole.left(whole.size() / 2), whole.mid(whole.size() / 2)};
        r.dropAfterChunks = 1;
    }
    return r;
}

FakeResponse libre(State &s, FakeRequest &req) {
    const QJsonObject body = QJsonDocument::fromJson(req.body).object();
    const QJsonValue q = body.value(QLatin1String("q"));
    if (q.isArray())
        for (const QJsonValue &t : q.toArray())
            req.texts.append(t.toString());
    else
        req.texts.append(q.toString());
    const Fault f = pickFault(s, req.index);
    if (f == Fault::Unauthorized) { // echoing the key it got, as some servers do
        const QString message = QStringLiteral("Invalid API key: ") + body.value(QLatin1String("api_key")).toString();
        return FakeResponse::json(403, compact(QJsonObject{{QStringLiteral("error"), message}}));
    }
    if (f == Fault::RateLimit) {
        FakeResponse r = FakeResponse::json(429, "{\"error\":\"Too many request limits violations\"}");
        r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray::number(s.behaviour.retryAfterSeconds)));
        return r;
    }
    if (f == Fault::ServerError)
        return FakeResponse::json(500, "{\"error\":\"Cannot translate text: boom\"}");
    if (req.path != "/translate")
        return FakeResponse::json(404, "{\"error\":\"Not found\"}");
    const QString target = body.value(QLatin1String("target")).toString();
    QJsonArray out;
    for (qsizetype i = 0; i < req.texts.size(); ++i)
        out.append(f == Fault::Untranslated && i == 0 ? req.texts[i] : fakeTranslation(req.texts[i], target));
    FakeResponse r = FakeResponse::json(
        200, compact(QJsonObject{{QStringLiteral("translatedText"), q.isArray() ? QJsonValue(out) : out.first()}}));
    r.firstByteDelayMs = s.behaviour.firstByteDelayMs;
    if (f == Fault::MalformedJson)
        r.chunks = {"<html>Bad gateway</html>"};
    return r;
}

template<typename F> FakeHandler makeHandler(FakeBehaviour behaviour, F f) {
    auto state = std::make_shared<State>(std::move(behaviour));
    return [state, f](FakeRequest &req) { return f(*state, req); };
}

} // namespace

QString fakeSummaryAnswer(const QString &system, const QString &user) {
    static const QRegularExpression langRe(QStringLiteral(R"(readers of [^(]*\(([^)]+)\))"));
    static const QRegularExpression markerRe(QStringLiteral(R"(\[p\. (\d+)\])"));
    static const QRegularExpression refRe(QStringLiteral(R"(\(p\. (\d+)\))"));
    const auto lm = langRe.match(system);
    const QString lang = lm.hasMatch() ? lm.captured(1) : QStringLiteral("xx");
    const int partials = int(user.count(QLatin1String("<partial ")));
    QList<int> pages;
    for (auto it = (partials > 0 ? refRe : markerRe).globalMatch(user); it.hasNext();) {
        const int p = it.next().captured(1).toInt();
        if (!pages.contains(p))
            pages.append(p);
    }
    std::sort(pages.begin(), pages.end());
    QString out = QStringLiteral("## Summary\n");
    out += partials > 0 ? QStringLiteral("Combined summary [%1] of %2 parts covering %3 pages.\n")
                              .arg(lang)
                              .arg(partials)
                              .arg(pages.size())
                        : QStringLiteral("Summary [%1] of %2 pages.\n").arg(lang).arg(pages.size());
    out += QStringLiteral("\n## Key points\n");
    for (int p : pages)
        out += QStringLiteral("- Point [%1] about page %2 (p. %2)\n").arg(lang).arg(p);
    return out;
}

QString fakeTranslation(const QString &text, const QString &lang) {
    return QLatin1Char('[') + lang + QStringLiteral("] ") + text;
}

FakeHandler fakeOpenAiHandler(FakeBehaviour behaviour) {
    return makeHandler(std::move(behaviour), openAi);
}

FakeHandler fakeAnthropicHandler(FakeBehaviour behaviour) {
    return makeHandler(std::move(behaviour), anthropic);
}

FakeHandler fakeDeepLHandler(FakeBehaviour behaviour) {
    return makeHandler(std::move(behaviour), deepl);
}

FakeHandler fakeLibreTranslateHandler(FakeBehaviour behaviour) {
    return makeHandler(std::move(behaviour), libre);
}

FakeHandler fakeOpenAiHandlerWithKey(const QString &key, FakeBehaviour behaviour) {
    FakeBehaviour reject = behaviour;
    reject.always = Fault::Unauthorized;
    auto good = std::make_shared<FakeHandler>(fakeOpenAiHandler(std::move(behaviour)));
    auto bad = std::make_shared<FakeHandler>(fakeOpenAiHandler(reject));
    const QByteArray expected = "Bearer " + key.toUtf8();
    return [good, bad, expected](FakeRequest &request) {
        return request.headers.value("authorization") == expected ? (*good)(request) : (*bad)(request);
    };
}

} // namespace testsupport
