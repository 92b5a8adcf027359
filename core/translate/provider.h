#pragma once

#include "util/canceltoken.h"
#include "util/result.h"

#include <QCoroTask>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace overtext {

/// One piece of text to translate, with the id that brings its answer back.
struct TranslationUnit {
    QString id;
    QString text;
};

/// A glossary entry: this source term is always translated as that target term.
struct GlossaryEntry {
    QString source;
    QString target;
};

/// Everything a provider needs for one request. Several units travel together up to the provider's size budget.
struct TranslationRequest {
    QList<TranslationUnit> units;
    QString sourceLang; ///< BCP-47-ish code ("en"); empty means "detect"
    QString targetLang; ///< "es", "de", "zh-Hans" …
    QString documentTitle;
    QString context;     ///< neighbouring text, for consistency; never translated
    QString instruction; ///< the user's custom instruction
    QList<GlossaryEntry> glossary;
};

/// Called as text streams in: the unit's id and its text so far (cumulative, not a delta).
using PartialSink = std::function<void(const QString &id, const QString &textSoFar)>;

/// The answer to one request: translations by unit id. Units missing from the map were not answered.
struct TranslationBatchResult {
    QHash<QString, QString> translations;
    /// Answered, but the answer looks wrong (same as the source, or far too short or long; see isSuspicious() in
    /// batchcodec.h): still in translations, but worth re-sending alone.
    QStringList suspiciousIds;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

/// Whether trying the same request again later can help: connection trouble, timeouts, rate limits, server-side
/// failures (5xx, 529 overloaded, an error event mid-stream) and unreadable answers. Not: rejected credentials, client
/// errors like an unknown model (400/404/422), quota exhaustion (DeepL's 456), cancellation, bugs. For RateLimited
/// (and some Service errors) wait retryAfterMs when it is not -1.
inline bool isRetryable(const Error &error) {
    switch (error.code) {
    case Error::Network:
    case Error::Timeout:
    case Error::RateLimited:
    case Error::Parse:
        return true;
    case Error::Service:
        return error.httpStatus == 0 || error.httpStatus >= 500 || error.httpStatus == 408 || error.httpStatus == 409;
    default:
        return false;
    }
}

/// A translation backend. One implementation per file. Lives on the GUI (or CLI main) thread; all work is
/// asynchronous on the event loop. Errors come back as Error values (Auth, RateLimited with the delay in the message's
/// retryAfterMs, Service, Network, Parse, Cancelled), never as exceptions.
class Provider : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Provider() override = default;

    /// Short name used on the command line and in the cache key: "openai", "anthropic", "deepl", "libretranslate",
    /// "apertium".
    virtual QString name() const = 0;
    /// What distinguishes this provider's output for the cache: name, model, endpoint family (no secrets).
    virtual QString cacheIdentity() const = 0;
    /// Characters of source text that fit in one request.
    virtual int batchBudgetChars() const = 0;
    /// Whether the backend keeps light inline markup (`<b>`, `<i>`, `<code>`: markup::fromRuns) in place: then units
    /// carry their bold, italic and code runs marked, and the answers bring them back. Default: plain text only.
    virtual bool keepsMarkup() const { return false; }
    /// Translate one batch. Must not throw.
    virtual QCoro::Task<Result<TranslationBatchResult>> translate(TranslationRequest request, PartialSink sink,
                                                                  CancelToken cancel) = 0;
};

/// The answer of one free-form completion: the visible text (never the model's reasoning) and its token counts
/// (reported by the service, else estimated at four characters per token).
struct Completion {
    QString text;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

/// Called as a completion streams in, with the visible answer so far (cumulative, reasoning removed).
using CompletionSink = std::function<void(const QString &textSoFar)>;

/**
 * A general chat model: one system prompt, one user message, one streamed answer. Implemented by the LLM providers
 * (OpenAiProvider, AnthropicProvider) next to Provider, for work that is not batch translation (summaries).
 * Same thread and lifetime contract as Provider: call on the provider's thread; complete() copies what it needs before
 * its first co_await, so the object may be destroyed while a completion runs.
 */
class ChatModel {
public:
    virtual ~ChatModel() = default;
    /// What distinguishes this model's output for caches: service, endpoint family, model (no secrets).
    virtual QString chatIdentity() const = 0;
    /// The model's name as the user knows it ("gpt-4o-mini"), for footers and messages.
    virtual QString chatModelName() const = 0;
    /// Streams one answer. Reasoning (`<think>` blocks, reasoning_content, thinking blocks) never reaches \a sink or
    /// the result. Errors as for Provider::translate(). Must not throw.
    virtual QCoro::Task<Result<Completion>> complete(QString system, QString user, CompletionSink sink,
                                                     CancelToken cancel) = 0;
};

} // namespace overtext
