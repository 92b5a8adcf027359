#include "cli_commands.h"

#include "pdf/extraction.h"
#include "store/appsettings.h"
#include "summary/summarizer.h"
#include "summary/summarycache.h"
#include "translate/anthropicprovider.h"
#include "translate/openaiprovider.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTextStream>

#include <memory>

using namespace overtext;

namespace {

const char *kUsage =
    "usage: overtext-cli summarize FILE --to LANG [--from LANG] [--provider apertium|openai|anthropic]\n"
    "         [--base-url URL] [--model NAME] [--api-key-env VAR] [--pages R] [-o FILE.md]\n";

/// Above this many requests the estimate is printed before the work starts: the document does not fit one request,
/// so the cost is several times that of a short one.
constexpr int kEstimateAboveRequests = 1;

struct SummarizeArgs {
    QString file;
    QString output;
    QString to;
    QString from;
    QString provider = QStringLiteral("apertium");
    QString baseUrl;
    QString model;
    QString apiKeyEnv;
    QString pages;
};

int fail(const QString &message, int status = 1) {
    QTextStream(stderr) << "overtext-cli: " << message << '\n';
    return status;
}

QString defaultOutput(const QString &input, const QString &lang) {
    const QFileInfo info(input);
    return info.absoluteDir().filePath(info.completeBaseName() + QLatin1Char('.') + lang +
                                       QStringLiteral(".summary.md"));
}

QCoro::Task<int> summarizeCommand(SummarizeArgs args) {
    QString apiKey;
    if (args.provider != QLatin1String("apertium")) {
        const ProviderConfig config{args.provider, args.baseUrl, args.model, args.apiKeyEnv, {}};
        auto key = co_await findApiKey(AppSettings::load().withKeychain(config), KeyStore());
        if (!key)
            co_return fail(key.error().message, 2);
        if (!key->notice.isEmpty())
            QTextStream(stderr) << "overtext-cli: warning: " << key->notice << '\n';
        apiKey = key->key;
    }
    PdfExtraction extraction;
    auto extractTask = extraction.extract(args.file, QByteArray(), args.pages, CancelToken());
    auto document = co_await std::move(extractTask);
    if (!document)
        co_return fail(document.error().message, document.error().code == Error::Usage ? 2 : 1);
    for (const QString &e : document->pageErrors())
        QTextStream(stderr) << "overtext-cli: warning: " << e << '\n';

    SummaryOptions options;
    options.targetLang = args.to;
    options.sourceLang = args.from;
    options.documentTitle =
        document->title.trimmed().isEmpty() ? QFileInfo(args.file).completeBaseName() : document->title.trimmed();
    const QList<Segment> segments = document->segments();

    std::unique_ptr<QObject> provider;
    SummaryEngine engine;
    if (args.provider == QLatin1String("apertium")) {
        const QString from = args.from.isEmpty() ? QStringLiteral("en") : args.from;
        const QString pair = apertiumPair(from, args.to);
        if (pair.isEmpty())
            co_return fail(QStringLiteral("Apertium has no language pair for %1 to %2").arg(from, args.to), 2);
        options.sourceLang = from;
        engine.translator = apertiumSentenceTranslator(pair);
        engine.translatorName = QStringLiteral("Apertium (%1)").arg(pair);
    } else if (args.provider == QLatin1String("openai")) {
        OpenAiConfig config;
        if (!args.baseUrl.isEmpty())
            config.baseUrl = QUrl(args.baseUrl);
        config.model = args.model.isEmpty() ? QStringLiteral("gpt-4o-mini") : args.model;
        config.apiKey = apiKey;
        config.maxOutputTokens = 0;
        auto *p = new OpenAiProvider(config);
        provider.reset(p);
        engine.model = p;
    } else {
        AnthropicConfig config;
        if (!args.baseUrl.isEmpty())
            config.baseUrl = QUrl(args.baseUrl);
        if (!args.model.isEmpty())
            config.model = args.model;
        config.apiKey = apiKey;
        config.maxOutputTokens = 2048;
        auto *p = new AnthropicProvider(config);
        provider.reset(p);
        engine.model = p;
    }

    if (engine.model) {
        const SummaryPlan plan = planChunks(segments, options.budgetChars);
        const TokenEstimate estimate = estimateTokens(plan, options.outputTokensPerRequest);
        if (estimate.requests > kEstimateAboveRequests)
            QTextStream(stderr) << "overtext-cli: the document is long: " << plan.chunks.size()
                                << " parts and one combine, " << estimate.requests << " requests, about "
                                << estimate.inputTokens << " input and " << estimate.outputTokens << " output tokens\n";
    }

    const QString cacheDir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    SummaryCache cache(QDir(cacheDir).filePath(QStringLiteral("summaries.sqlite")));
    if (cache.isOpen())
        engine.cache = &cache;
    else
        QTextStream(stderr) << "overtext-cli: warning: " << cache.lastError() << '\n';

    auto summaryTask = summarizeDocument(segments, options, engine, SummarySink(), CancelToken());
    auto summary = co_await std::move(summaryTask);
    if (!summary)
        co_return fail(summary.error().message, summary.error().code == Error::Usage ? 2 : 1);

    QSaveFile out(args.output);
    if (!out.open(QIODevice::WriteOnly))
        co_return fail(QStringLiteral("%1 cannot be written: %2").arg(args.output, out.errorString()));
    out.write(summaryToMarkdown(*summary).toUtf8());
    if (!out.commit())
        co_return fail(QStringLiteral("%1 cannot be written: %2").arg(args.output, out.errorString()));
    QTextStream(stderr) << "overtext-cli: wrote " << args.output
                        << (summary->fromCache ? QStringLiteral(" (from the cache)") : QString()) << '\n';
    co_return 0;
}

} // namespace

int runSummarize(const QStringList &args) {
    SummarizeArgs a;
    for (int i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        auto value = [&](QString &out) {
            if (i + 1 >= args.size())
                return false;
            out = args[++i];
            return true;
        };
        QString *target = nullptr;
        if (arg == QLatin1String("--to"))
            target = &a.to;
        else if (arg == QLatin1String("--from"))
            target = &a.from;
        else if (arg == QLatin1String("--provider"))
            target = &a.provider;
        else if (arg == QLatin1String("--base-url"))
            target = &a.baseUrl;
        else if (arg == QLatin1String("--model"))
            target = &a.model;
        else if (arg == QLatin1String("--api-key-env"))
            target = &a.apiKeyEnv;
        else if (arg == QLatin1String("--pages"))
            target = &a.pages;
        else if (arg == QLatin1String("-o") || arg == QLatin1String("--output"))
            target = &a.output;
        else if (arg == QLatin1String("--api-key"))
            return fail(QStringLiteral("API keys are not taken on the command line, where other users could see "
                                       "them; put the key in an environment variable and pass --api-key-env VAR"),
                        2);
        else if (arg.startsWith(QLatin1Char('-')))
            return fail(QStringLiteral("unknown option %1\n").arg(arg) + QString::fromLatin1(kUsage).trimmed(), 2);
        else if (a.file.isEmpty())
            a.file = arg;
        else
            return fail(QStringLiteral("summarize takes one file"), 2);
        if (target && !value(*target))
            return fail(QStringLiteral("%1 needs a value").arg(arg), 2);
    }
    if (a.file.isEmpty() || a.to.isEmpty()) {
        QTextStream(stderr) << kUsage;
        return 2;
    }
    if (a.provider != QLatin1String("apertium") && a.provider != QLatin1String("openai") &&
        a.provider != QLatin1String("anthropic"))
        return fail(QStringLiteral("--provider must be apertium, openai or anthropic"), 2);
    if (a.output.isEmpty())
        a.output = defaultOutput(a.file, a.to);
    const QFileInfo in(a.file);
    const QFileInfo outInfo(a.output);
    if (in.exists() && (outInfo.absoluteFilePath() == in.absoluteFilePath() ||
                        (outInfo.exists() && outInfo.canonicalFilePath() == in.canonicalFilePath())))
        return fail(QStringLiteral("the output %1 would overwrite the input").arg(a.output), 2);

    int status = 1;
    auto task = summarizeCommand(a);
    task.then([&status](int s) {
        status = s;
        QCoreApplication::exit(0);
    });
    QCoreApplication::exec();
    return status;
}
