#include "cli_summarize.h"

#include "cli_commands.h"
#include "cli_network.h"
#include "pdf/extraction.h"
#include "store/appsettings.h"
#include "summary/summarycache.h"
#include "translate/providerfactory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

#include <memory>
#include <optional>

using namespace overtext;

namespace {

const char *kUsage =
    "usage: overtext-cli summarize FILE --to LANG [--from LANG]\n"
    "         [--provider apertium|openai|anthropic|deepl|libretranslate] [--base-url URL] [--model NAME]\n"
    "         [--api-key-env VAR] [--pages R] [-o FILE.md]\n";

struct SummarizeArgs {
    QString file;
    QString output;
    QString to;
    QString from = QStringLiteral("en");
    ProviderConfig provider;
    NetworkConfig network; ///< --proxy, --ca-file, --timeout
    QString pages;
};

int fail(const QString &message, int status = 1) {
    QTextStream(stderr) << "overtext-cli: " << message << '\n';
    return status;
}

int statusOf(const Error &error) {
    return error.code == Error::Usage ? 2 : 1;
}

bool wouldOverwrite(const QString &input, const QString &output) {
    const QFileInfo in(input), out(output);
    return in.exists() && (in.absoluteFilePath() == out.absoluteFilePath() ||
                           (out.exists() && out.canonicalFilePath() == in.canonicalFilePath()));
}

QCoro::Task<int> summarizeCommand(SummarizeArgs args) {
    auto networked = withNetwork(args.provider, args.network);
    if (!networked)
        co_return fail(networked.error().message, 2);
    args.provider.network = networked->network;
    auto key = co_await findApiKey(AppSettings::load().withKeychain(args.provider), KeyStore());
    if (!key)
        co_return fail(key.error().message, 2);
    if (!key->notice.isEmpty())
        QTextStream(stderr) << "overtext-cli: warning: " << key->notice << '\n';
    auto created = createProvider(args.provider, key->key, nullptr, key->proxyAuth);
    if (!created)
        co_return fail(created.error().message, statusOf(created.error()));
    const std::unique_ptr<Provider> provider = std::move(created).value();

    PdfExtraction extraction;
    auto extractTask = extraction.extract(args.file, QByteArray(), args.pages, CancelToken());
    auto document = co_await std::move(extractTask);
    if (!document)
        co_return fail(document.error().message, statusOf(document.error()));
    for (const QString &e : document->pageErrors())
        QTextStream(stderr) << "overtext-cli: warning: " << e << '\n';

    SummaryOptions options;
    options.targetLang = args.to;
    options.sourceLang = args.from;
    options.documentTitle =
        document->title.trimmed().isEmpty() ? QFileInfo(args.file).completeBaseName() : document->title.trimmed();
    auto summaryTask = summarizeForCli(document->segments(), options, provider.get(), true);
    auto summary = co_await std::move(summaryTask);
    if (!summary)
        co_return fail(summary.error().message, statusOf(summary.error()));
    if (auto written = writeSummaryMarkdown(*summary, args.output, args.file); !written)
        co_return fail(written.error().message, statusOf(written.error()));
    QTextStream(stderr) << "overtext-cli: wrote " << args.output
                        << (summary->fromCache ? QStringLiteral(" (from the cache)") : QString()) << '\n';
    co_return 0;
}

} // namespace

QString summaryOutputPath(const QString &input, const QString &lang, const QString &folder) {
    const QFileInfo info(input);
    const QDir dir = folder.isEmpty() ? info.absoluteDir() : QDir(folder);
    return dir.filePath(info.completeBaseName() + QLatin1Char('.') + lang + QStringLiteral(".summary.md"));
}

QCoro::Task<Result<Summary>> summarizeForCli(QList<Segment> segments, SummaryOptions options, Provider *provider,
                                             bool useCache) {
    SummaryEngine engine = summaryEngineFor(provider, options.sourceLang, options.targetLang);
    if (engine.model) {
        // Above one request the document does not fit at once: the cost is several times that of a short one.
        const SummaryPlan plan = planChunks(segments, options.budgetChars);
        const TokenEstimate estimate = estimateTokens(plan, options.outputTokensPerRequest);
        if (plan.mapAndCombine())
            QTextStream(stderr) << "overtext-cli: the document is long: " << plan.chunks.size()
                                << " parts and one combine, " << estimate.requests << " requests, about "
                                << estimate.inputTokens << " input and " << estimate.outputTokens << " output tokens\n";
    }
    std::unique_ptr<SummaryCache> cache;
    if (useCache) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
        cache = std::make_unique<SummaryCache>(QDir(dir).filePath(QStringLiteral("summaries.sqlite")));
        if (cache->isOpen())
            engine.cache = cache.get();
        else
            QTextStream(stderr) << "overtext-cli: warning: " << cache->lastError() << '\n';
    }
    auto task = summarizeDocument(std::move(segments), options, engine, SummarySink(), CancelToken());
    co_return co_await std::move(task);
}

Result<void> writeSummaryMarkdown(const Summary &summary, const QString &path, const QString &input) {
    if (wouldOverwrite(input, path))
        return Error{Error::Usage, QStringLiteral("the output %1 would overwrite the input").arg(path)};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(summaryToMarkdown(summary).toUtf8()) < 0 || !file.commit())
        return Error{Error::Io, QStringLiteral("%1 cannot be written: %2").arg(path, file.errorString())};
    return {};
}

int runSummarize(const QStringList &args) {
    SummarizeArgs a;
    for (int i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        QString networkError;
        if (const int n = parseNetworkOption(args, i, a.network, networkError); n != 0) {
            if (n < 0)
                return fail(networkError, 2);
            continue;
        }
        QString *target = nullptr;
        if (arg == QLatin1String("--to"))
            target = &a.to;
        else if (arg == QLatin1String("--from"))
            target = &a.from;
        else if (arg == QLatin1String("--provider"))
            target = &a.provider.name;
        else if (arg == QLatin1String("--base-url"))
            target = &a.provider.baseUrl;
        else if (arg == QLatin1String("--model"))
            target = &a.provider.model;
        else if (arg == QLatin1String("--api-key-env"))
            target = &a.provider.apiKeyEnv;
        else if (arg == QLatin1String("--pages"))
            target = &a.pages;
        else if (arg == QLatin1String("-o") || arg == QLatin1String("--output"))
            target = &a.output;
        else if (arg == QLatin1String("--api-key"))
            return fail(QStringLiteral("API keys are not taken on the command line, where other users could see "
                                       "them; put the key in an environment variable and pass --api-key-env VAR"),
                        2);
        else if (arg.startsWith(QLatin1Char('-')))
            return fail(QStringLiteral("unknown option %1\n").arg(arg) + QString::fromLatin1(kUsage) +
                            QString::fromLatin1(kNetworkUsage).trimmed(),
                        2);
        else if (a.file.isEmpty())
            a.file = arg;
        else
            return fail(QStringLiteral("summarize takes one file"), 2);
        if (target) {
            if (i + 1 >= args.size())
                return fail(QStringLiteral("%1 needs a value").arg(arg), 2);
            *target = args[++i];
        }
    }
    if (a.file.isEmpty() || a.to.isEmpty()) {
        QTextStream(stderr) << kUsage << kNetworkUsage;
        return 2;
    }
    if (!providerNames().contains(a.provider.name.toLower()))
        return fail(QStringLiteral("--provider must be one of: %1").arg(providerNames().join(QStringLiteral(", "))), 2);
    if (a.output.isEmpty())
        a.output = summaryOutputPath(a.file, a.to);
    if (wouldOverwrite(a.file, a.output))
        return fail(QStringLiteral("the output %1 would overwrite the input").arg(a.output), 2);

    int status = 1;
    // Started inside the event loop: a task that ends before its first co_await would call exit() before exec().
    std::optional<QCoro::Task<>> task;
    QTimer::singleShot(0, [&] {
        task.emplace(summarizeCommand(a).then([&status](int s) {
            status = s;
            QCoreApplication::exit(0);
        }));
    });
    QCoreApplication::exec();
    return status;
}
