#pragma once

#include "pdf/segment.h"
#include "summary/summary.h"
#include "translate/provider.h"
#include "util/canceltoken.h"
#include "util/result.h"

#include <QCoroTask>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace overtext {

class SummaryCache;

/// A run of whole pages whose prose goes to the model in one request. Pages without prose belong to a chunk too.
struct SummaryChunk {
    int firstPage = 0; ///< 1-based, inclusive
    int lastPage = 0;  ///< inclusive
    QString text;      ///< the pages' prose, each page introduced by a marker line "[p. N]"
};

/// How a document will be summarised: one chunk (one request) or several (map, then one combine request).
struct SummaryPlan {
    QList<SummaryChunk> chunks;
    int budgetChars = 0;
    qsizetype inputChars() const;
    /// More than one chunk: each is summarised alone, then the partial summaries are combined.
    bool mapAndCombine() const { return chunks.size() > 1; }
    /// Requests the plan needs: chunks, plus one combine when there are several.
    int requestCount() const { return int(chunks.size()) + (mapAndCombine() ? 1 : 0); }
};

/// What a summary of a plan will cost before it is run: input (characters / 4, prompts included) and the answers'
/// expected length.
struct TokenEstimate {
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    int requests = 0;
};

/// What to summarise into.
struct SummaryOptions {
    QString targetLang;      ///< "es"; the summary is written in this language
    QString sourceLang;      ///< "en"; empty = unknown (the extractive path then uses no stop words)
    QString documentTitle;   ///< shown in the Markdown title and given to the model
    int budgetChars = 24000; ///< document characters per request (about 6000 tokens); the model's context budget
    int outputTokensPerRequest = 700; ///< expected answer length, for the estimate
    int extractiveSentences = 0;      ///< 0: between 5 and 8, by the document's length
};

/// One step of a summary as it streams: which request and its text so far (cumulative, reasoning removed).
struct SummaryUpdate {
    int part = 0;           ///< 1-based chunk being summarised; equals parts for a single request
    int parts = 1;          ///< chunks in the plan
    bool combining = false; ///< the final combine request of a map-and-combine run
    QString textSoFar;      ///< Markdown (## Summary / ## Key points) as written so far by this request
};
using SummarySink = std::function<void(const SummaryUpdate &update)>;

/// "Translate these sentences, in order": the document's translation provider behind a small callback, so that
/// summaries need not know the scheduler. Must return exactly as many strings as it got.
using SentenceTranslator = std::function<QCoro::Task<Result<QStringList>>(QStringList sentences)>;

/// One sentence picked by the extractive method.
struct ScoredSentence {
    QString text;
    int page = 0;
    int index = 0;    ///< position among all sentences of the document (document order)
    double score = 0; ///< cosine similarity to the document's centroid
};

/// Splits the document's prose into chunks of whole pages, in order, each page in exactly one chunk. A chunk holds as
/// many pages as fit in \a budgetChars (markers included); a page longer than the budget alone is cut to the budget.
/// Pages between the first and last prose page that have no prose still belong to a chunk. Pure function.
SummaryPlan planChunks(const QList<Segment> &segments, int budgetChars);

/// Cost of running \a plan before running it (prompt overhead included). Pure function.
TokenEstimate estimateTokens(const SummaryPlan &plan, int outputTokensPerRequest = 700);

/// The prompts, exposed for tests and for the curious. The document text is fenced in <document> tags in the user
/// message and the system prompt says it is material, never instructions.
QString summarySystemPrompt(const QString &targetLang);
QString summaryUserMessage(const SummaryChunk &chunk, int part, int parts, const QString &title);
QString combineSystemPrompt(const QString &targetLang);
QString combineUserMessage(const QList<SummaryChunk> &chunks, const QStringList &partials, const QString &title);

/// Reads a model answer "## Summary … ## Key points - …" into \a summary's abstract and key points (lenient: any first
/// section is the abstract, every bullet a key point).
void parseSummaryMarkdown(const QString &markdown, Summary &summary);

/**
 * The extractive method, for when no LLM is at hand. Deterministic:
 * 1. the prose segments are joined where one continues the other's sentence (no final punctuation, then a lower-case
 *    start: a paragraph broken by a column or a page; the sentence keeps the page it starts on), and cut into sentences
 * (at . ! ? followed by a space and a capital/digit/quote); candidates have 6 to 60 words, at least 80% of them with
 * letters, no dot leaders, and start with a letter, digit or quote;
 * 2. each sentence becomes a TF-IDF vector over lower-cased words of 3+ letters, stop words removed (English when the
 *    source is "en" or unknown), idf = ln(1 + N / df);
 * 3. the centroid is the sum of all vectors; a sentence's score is its cosine similarity to the centroid;
 * 4. sentences are taken by falling score (ties: earlier first), skipping any whose cosine to an already taken one
 *    exceeds 0.6 (redundancy), until \a count are taken (0: clamp(round(sqrt(candidates)), 5, 8));
 * 5. the result is in document order, each with its page.
 * Pure function.
 */
QList<ScoredSentence> pickCentralSentences(const QList<Segment> &segments, const QString &sourceLang, int count = 0);

/// The pieces that produce a summary. With a model: the LLM path; without one: extractive, translated by
/// \a translator (which must then be set).
struct SummaryEngine {
    ChatModel *model = nullptr; ///< should outlive the task; a QObject provider destroyed mid-way ends it (Cancelled)
    SentenceTranslator translator;
    QString translatorName;        ///< "Apertium (eng-spa)" — for the footer and the cache key
    SummaryCache *cache = nullptr; ///< optional; must outlive the task and live on the calling thread
    bool refresh = false;          ///< ignore a cached summary (Regenerate); the new one replaces it in the cache
};

/// The engine for a translation provider: its ChatModel when it is an LLM (OpenAI-compatible, Anthropic); otherwise
/// the extractive path, the sentences translated by the provider itself (Apertium, DeepL, LibreTranslate) from
/// \a sourceLang to \a targetLang in one request. The provider must outlive the summaries (a provider destroyed
/// mid-way ends them with Cancelled). No cache is set.
SummaryEngine summaryEngineFor(Provider *provider, const QString &sourceLang, const QString &targetLang);

/// The cache key of a document's summary for \a engine and \a options: SHA-256 of (identity, model, target language,
/// the prose text).
QByteArray summaryCacheKey(const SummaryEngine &engine, const SummaryOptions &options, const QList<Segment> &segments);

/**
 * Summarises a document in the target language: from the cache when it is there, else with the model (one request,
 * or map-and-combine when the prose exceeds options.budgetChars), else extractively; stores the result in the cache.
 * \a sink (optional) sees each request's text as it streams. Run on the thread of the model (normally the GUI thread);
 * the engine's objects must outlive the task. Errors: those of the model or translator, Cancelled, Usage (no model
 * and no translator, or no prose at all).
 */
QCoro::Task<Result<Summary>> summarizeDocument(QList<Segment> segments, SummaryOptions options, SummaryEngine engine,
                                               SummarySink sink, CancelToken cancel);

} // namespace overtext
