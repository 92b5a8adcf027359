#pragma once

#include "fakes/fakehttpserver.h"

#include <QMap>

namespace testsupport {

/// Ways a fake service can misbehave on a request.
enum class Fault {
    None,
    RateLimit,         ///< 429 with Retry-After: <retryAfterSeconds>
    RateLimitHttpDate, ///< 429 with Retry-After as an HTTP date <retryAfterSeconds> from now
    ServerError,       ///< 500 with a JSON error
    Unauthorized,      ///< 401 (403 for DeepL and LibreTranslate) whose message echoes the key it got, as some do
    QuotaExceeded,     ///< DeepL's 456
    DropMidStream,     ///< the connection closes halfway through the body
    MalformedJson,     ///< the model answers prose, no JSON at all
    TruncatedJson,     ///< the model's JSON stops halfway (stream still ends normally)
    Chatter,           ///< prose before and after the JSON
    Fences,            ///< the JSON inside ```json fences
    Think,             ///< <think>…</think> (Anthropic: a thinking block) before the answer, split across chunks
    ReasoningContent,  ///< delta.reasoning_content / delta.reasoning chunks before the answer (OpenAI)
    MissingItem,       ///< the last unit is left out
    Untranslated,      ///< the first unit comes back as its source text
    NoDone,            ///< the stream ends cleanly but without finish_reason / [DONE] / message_stop
};

/// How a fake service behaves. Request indexes count from 0 over the server's life.
struct FakeBehaviour {
    QMap<int, Fault> faultAt;    ///< fault for a given request index
    Fault always = Fault::None;  ///< fault for every other request
    double faultProbability = 0; ///< chance of randomFault on a request (deterministic with seed)
    Fault randomFault = Fault::None;
    quint32 seed = 42;
    int firstByteDelayMs = 0; ///< latency before the status line
    int chunkDelayMs = 2;     ///< latency between body pieces of a stream
    int retryAfterSeconds = 2;
};

/// Deterministic fake translation: "[lang] text".
QString fakeTranslation(const QString &text, const QString &lang);

/// Summary behaviour of the fake LLMs: a request whose system prompt asks for the "## Key points" format is answered
/// with a deterministic Markdown summary that echoes the pages it was given — the "[p. N]" markers of a document part,
/// or the "(p. N)" references of partial summaries (a combine request, recognised by its "<partial " blocks):
///   ## Summary / "Summary [LANG] of N pages." or "Combined summary [LANG] of K parts covering N pages."
///   ## Key points / "- Point [LANG] about page P (p. P)" for each page, in order.
/// LANG comes from the prompt's "readers of … (LANG)". Faults apply as for translations (Think puts a <think> block
/// or a thinking block first; ReasoningContent sends reasoning deltas).
QString fakeSummaryAnswer(const QString &system, const QString &user);

/// Handlers speaking each service's wire protocol. Each call makes an independent handler with its own state.
FakeHandler fakeOpenAiHandler(FakeBehaviour behaviour);         ///< POST …/chat/completions, SSE
FakeHandler fakeAnthropicHandler(FakeBehaviour behaviour);      ///< POST /v1/messages, SSE with named events
FakeHandler fakeDeepLHandler(FakeBehaviour behaviour);          ///< POST /v2/translate
FakeHandler fakeLibreTranslateHandler(FakeBehaviour behaviour); ///< POST /translate
/// The OpenAI-compatible handler that accepts only "Authorization: Bearer <key>" and answers anything else with a 401
/// (Fault::Unauthorized, echoing the key it got).
FakeHandler fakeOpenAiHandlerWithKey(const QString &key, FakeBehaviour behaviour = {});

} // namespace testsupport
