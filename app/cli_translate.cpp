#include "cli_commands.h"
#include "cli_network.h"
#include "cli_summarize.h"

#include "engine/documentjob.h"
#include "engine/scheduler.h"
#include "pdf/markup.h"
#include "pdf/segmentjson.h"
#include "render/pdfexporter.h"
#include "store/appsettings.h"
#include "store/translationcache.h"
#include "translate/apertiumprovider.h"
#include "translate/glossary.h"
#include "translate/providerfactory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSaveFile>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

using namespace overtext;

namespace {

const char kUsage[] =
    "usage: overtext-cli translate FILE... --to LANG [--from LANG]\n"
    "         [--provider apertium|openai|anthropic|deepl|libretranslate] [--base-url URL] [--model NAME]\n"
    "         [--api-key-env VAR] [--concurrency N] [--rpm N] [--tpm N] [--pages R] [--password-env VAR]\n"
    "         [--glossary CSV]\n"
    "         [--instruction TEXT] [--cache FILE | --no-cache] [--segments-out FILE.json] [-o OUT] [--mode mono|dual]\n"
    "         [--progress json] [--summary] [--summary-cover]\n";

std::string usageText() {
    return std::string(kUsage) + kNetworkUsage;
}

struct Options {
    QStringList files;
    QString to;
    QString from = QStringLiteral("en");
    ProviderConfig provider;
    NetworkConfig network; ///< --proxy, --ca-file, --timeout
    int concurrency = 8;
    int rpm = 0;
    qint64 tpm = 0;
    QString pages;
    QByteArray password; ///< from the variable --password-env names, never from the command line
    QString glossary;
    QString instruction;
    QString cache;
    bool noCache = false;
    QString segmentsOut;
    QString output;
    QString mode = QStringLiteral("mono");
    bool progressJson = false;
    bool summary = false;      ///< also write NAME.LANG.summary.md
    bool summaryCover = false; ///< put the summary on cover pages at the start of the translated PDF
};

int usageError(const QString &message) {
    QTextStream(stderr) << "overtext-cli translate: " << message << '\n' << usageText().c_str();
    return 2;
}

/// Parses the arguments; returns 0 to go on, else the exit status.
int parse(const QStringList &args, Options &o) {
    bool sawCache = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        QString v;
        auto need = [&](const char *what) -> bool {
            if (i + 1 >= args.size())
                return false;
            v = args[++i];
            Q_UNUSED(what);
            return true;
        };
        auto intArg = [&](int lo, int hi, qint64 &out) -> int {
            if (!need("n"))
                return usageError(QStringLiteral("%1 needs a number").arg(a));
            bool ok = false;
            out = v.toLongLong(&ok);
            if (!ok || out < lo || out > hi)
                return usageError(QStringLiteral("%1 must be a whole number from %2 to %3").arg(a).arg(lo).arg(hi));
            return 0;
        };
        if (a == QLatin1String("--api-key") || a.startsWith(QLatin1String("--api-key=")))
            return usageError(QStringLiteral("API keys are never taken on the command line (other users can read it). "
                                             "Put the key in an environment variable and name it: --api-key-env VAR"));
        QString networkError;
        if (const int n = parseNetworkOption(args, i, o.network, networkError); n != 0) {
            if (n < 0)
                return usageError(networkError);
            continue;
        }
        if (a == QLatin1String("--to")) {
            if (!need("lang"))
                return usageError(QStringLiteral("--to needs a language code such as es"));
            o.to = v;
        } else if (a == QLatin1String("--from")) {
            if (!need("lang"))
                return usageError(QStringLiteral("--from needs a language code such as en"));
            o.from = v;
        } else if (a == QLatin1String("--provider")) {
            if (!need("name"))
                return usageError(QStringLiteral("--provider needs a name"));
            o.provider.name = v;
        } else if (a == QLatin1String("--base-url")) {
            if (!need("url"))
                return usageError(QStringLiteral("--base-url needs a URL"));
            o.provider.baseUrl = v;
        } else if (a == QLatin1String("--model")) {
            if (!need("name"))
                return usageError(QStringLiteral("--model needs a name"));
            o.provider.model = v;
        } else if (a == QLatin1String("--api-key-env")) {
            if (!need("var"))
                return usageError(QStringLiteral("--api-key-env needs an environment variable name"));
            o.provider.apiKeyEnv = v;
        } else if (a == QLatin1String("--concurrency")) {
            qint64 n = 0;
            if (int s = intArg(1, 64, n))
                return s;
            o.concurrency = int(n);
        } else if (a == QLatin1String("--rpm")) {
            qint64 n = 0;
            if (int s = intArg(0, 1000000, n))
                return s;
            o.rpm = int(n);
        } else if (a == QLatin1String("--tpm")) {
            if (int s = intArg(0, 2000000000, o.tpm))
                return s;
        } else if (a == QLatin1String("--pages")) {
            if (!need("r"))
                return usageError(QStringLiteral("--pages needs a range such as 1-3,7"));
            o.pages = v;
        } else if (a == QLatin1String("--password-env")) {
            if (!need("var"))
                return usageError(QStringLiteral("--password-env needs an environment variable name"));
            if (!qEnvironmentVariableIsSet(v.toLocal8Bit().constData()))
                return usageError(QStringLiteral("the environment variable %1 is not set").arg(v));
            o.password = qgetenv(v.toLocal8Bit().constData());
        } else if (a == QLatin1String("--glossary")) {
            if (!need("csv"))
                return usageError(QStringLiteral("--glossary needs a CSV file"));
            o.glossary = v;
        } else if (a == QLatin1String("--instruction")) {
            if (!need("text"))
                return usageError(QStringLiteral("--instruction needs a text"));
            o.instruction = v;
        } else if (a == QLatin1String("--cache")) {
            if (!need("file"))
                return usageError(QStringLiteral("--cache needs a file"));
            o.cache = v;
            sawCache = true;
        } else if (a == QLatin1String("--no-cache")) {
            o.noCache = true;
        } else if (a == QLatin1String("--segments-out")) {
            if (!need("file"))
                return usageError(QStringLiteral("--segments-out needs a file"));
            o.segmentsOut = v;
        } else if (a == QLatin1String("-o") || a == QLatin1String("--output")) {
            if (!need("file"))
                return usageError(QStringLiteral("-o needs a file"));
            o.output = v;
        } else if (a == QLatin1String("--mode")) {
            if (!need("mode") ||
                (v != QLatin1String("mono") && v != QLatin1String("dual") && v != QLatin1String("alternate")))
                return usageError(QStringLiteral("--mode takes mono, dual (side by side) or alternate"));
            o.mode = v;
        } else if (a == QLatin1String("--progress")) {
            if (!need("fmt") || v != QLatin1String("json"))
                return usageError(QStringLiteral("--progress takes one format: json"));
            o.progressJson = true;
        } else if (a == QLatin1String("--summary")) {
            o.summary = true;
        } else if (a == QLatin1String("--summary-cover")) {
            o.summaryCover = true;
        } else if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-")) {
            return usageError(QStringLiteral("unknown option %1").arg(a));
        } else {
            o.files.append(a);
        }
    }
    if (o.files.isEmpty())
        return usageError(QStringLiteral("no input file"));
    if (o.to.isEmpty())
        return usageError(QStringLiteral("--to LANG is required"));
    if (sawCache && o.noCache)
        return usageError(QStringLiteral("--cache and --no-cache exclude each other"));
    if (!providerNames().contains(o.provider.name.toLower()))
        return usageError(QStringLiteral("unknown provider '%1' (choose one of: %2)")
                              .arg(o.provider.name, providerNames().join(QStringLiteral(", "))));
    for (const QString &f : std::as_const(o.files))
        if (!QFileInfo(f).isFile())
            return usageError(QStringLiteral("no such file: %1").arg(f));
    return 0;
}

QString statusName(const SegmentTranslation &s) {
    switch (s.status) {
    case SegmentStatus::Done:
        return QStringLiteral("translated");
    case SegmentStatus::Skipped:
        return QStringLiteral("skipped");
    default:
        return QStringLiteral("failed");
    }
}

void printProgress(const QString &file, const DocumentProgress &p) {
    QJsonObject o;
    o.insert(QStringLiteral("document"), file);
    o.insert(QStringLiteral("done"), p.done);
    o.insert(QStringLiteral("failed"), p.failed);
    o.insert(QStringLiteral("total"), p.total);
    o.insert(QStringLiteral("cached"), p.cached);
    o.insert(QStringLiteral("stored"), p.stored);
    o.insert(QStringLiteral("inputTokens"), double(p.inputTokens));
    o.insert(QStringLiteral("outputTokens"), double(p.outputTokens));
    o.insert(QStringLiteral("tokens"), double(p.inputTokens + p.outputTokens));
    o.insert(QStringLiteral("requests"), p.requests);
    o.insert(QStringLiteral("eta"), p.etaSeconds < 0 ? QJsonValue() : QJsonValue(qRound(p.etaSeconds * 10) / 10.0));
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    static QByteArray last;
    if (line == last)
        return; // the same state reported twice (a batch's signals arrive together)
    last = line;
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

QCoro::Task<int> translateCommand(Options o) {
    auto err = [](const QString &m) { QTextStream(stderr) << "overtext-cli: " << m << '\n'; };

    Glossary glossary;
    if (!o.glossary.isEmpty()) {
        auto g = Glossary::load(o.glossary);
        if (!g) {
            err(g.error().message);
            co_return 2;
        }
        glossary = g.value();
    }
    auto networked = withNetwork(o.provider, o.network);
    if (!networked) {
        err(networked.error().message);
        co_return 2;
    }
    o.provider.network = networked->network;
    auto key = co_await findApiKey(AppSettings::load().withKeychain(o.provider), KeyStore());
    if (!key) {
        err(key.error().message);
        co_return 2;
    }
    if (!key->notice.isEmpty())
        err(QStringLiteral("warning: ") + key->notice);
    auto created = createProvider(o.provider, key->key, nullptr, key->proxyAuth);
    if (!created) {
        err(created.error().message);
        co_return created.error().code == Error::Usage ? 2 : 1;
    }
    std::unique_ptr<Provider> provider = std::move(created).value();
    if (provider->name() == QLatin1String("apertium")) {
        if (ApertiumProvider::executable().isEmpty()) {
            err(QStringLiteral("Apertium is not installed: install the apertium package and a language pair, or "
                               "choose another --provider"));
            co_return 2;
        }
        auto mode = ApertiumProvider::modeFor(o.from, o.to);
        if (!mode) {
            err(mode.error().message);
            co_return 2;
        }
    }
    // Where each translated PDF goes: -o names the file (one input) or a folder (several); without -o it lands
    // beside the input as NAME.LANG.pdf, unless only --segments-out was asked for.
    QStringList pdfOutputs;
    const bool writePdf = !o.output.isEmpty() || o.segmentsOut.isEmpty();
    for (const QString &file : std::as_const(o.files)) {
        const QFileInfo in(file);
        const QString name = in.completeBaseName() + QLatin1Char('.') + o.to + QStringLiteral(".pdf");
        if (o.output.isEmpty())
            pdfOutputs.append(in.absoluteDir().filePath(name));
        else if (o.files.size() > 1 || QFileInfo(o.output).isDir())
            pdfOutputs.append(QDir(o.output).filePath(name));
        else
            pdfOutputs.append(o.output);
    }
    if (writePdf && o.files.size() > 1 && !o.output.isEmpty() && !QFileInfo(o.output).isDir()) {
        err(QStringLiteral("with several inputs -o names a folder, and %1 is not one").arg(o.output));
        co_return 2;
    }
    for (int i = 0; writePdf && i < o.files.size(); ++i) {
        if (QFileInfo(pdfOutputs[i]).absoluteFilePath() == QFileInfo(o.files[i]).absoluteFilePath()) {
            err(QStringLiteral("the output %1 would overwrite its input").arg(pdfOutputs[i]));
            co_return 2;
        }
    }

    std::unique_ptr<TranslationCache> cache;
    if (!o.noCache) {
        cache = std::make_unique<TranslationCache>();
        auto opened = co_await cache->open(o.cache);
        if (!opened) {
            err(QStringLiteral("warning: %1; going on without a cache").arg(opened.error().message));
            cache.reset();
        }
    }

    SchedulerOptions so;
    so.concurrency = o.concurrency;
    so.rateLimits.requestsPerMinute = o.rpm;
    so.rateLimits.tokensPerMinute = o.tpm;
    so.sourceLang = o.from;
    so.targetLang = o.to;
    so.instruction = o.instruction;
    so.glossary = glossary.entries;
    Scheduler scheduler(provider.get(), so);
    bool runError = false;
    QObject::connect(&scheduler, &Scheduler::error, [&runError, err](const QString &m) {
        runError = true;
        err(m);
    });

    CacheKeyContext context{provider->cacheIdentity(), o.from, o.to, o.instruction, glossary.digest()};
    std::vector<std::unique_ptr<DocumentJob>> jobs;
    std::vector<QCoro::Task<Result<void>>> tasks;
    for (int i = 0; i < o.files.size(); ++i) {
        auto job = std::make_unique<DocumentJob>(QString::number(i), o.files[i], &scheduler, cache.get(), context);
        job->setPageSpec(o.pages);
        job->setPassword(o.password);
        if (o.progressJson) {
            const QString file = o.files[i];
            QObject::connect(job.get(), &DocumentJob::progressChanged,
                             [file](const QString &, const DocumentProgress &p) { printProgress(file, p); });
        }
        jobs.push_back(std::move(job));
    }
    // Documents run side by side through the one scheduler (it keeps their order); each extraction is its own
    // bounded worker process.
    for (auto &job : jobs)
        tasks.push_back(job->run());
    int status = 0;
    bool usage = false;
    for (size_t i = 0; i < jobs.size(); ++i) {
        const auto result = co_await tasks[i];
        const QString file = o.files[int(i)];
        if (!result) {
            err(QStringLiteral("%1: %2").arg(file, result.error().message));
            status = 1;
            usage = usage || result.error().code == Error::Usage;
        } else if (jobs[i]->translation().segments.isEmpty() && jobs[i]->translation().pageErrors.isEmpty()) {
            // Read, but nothing to translate: say so rather than end without an output.
            err(QStringLiteral("%1: no text found to translate; it may be a scan (Overtext reads text, it does not do "
                               "OCR)%2")
                    .arg(file, writePdf ? QStringLiteral(", so no PDF was written") : QString()));
            status = 1;
        }
    }

    QJsonArray out;
    int failed = 0;
    for (size_t i = 0; i < jobs.size(); ++i) {
        const QString file = o.files[int(i)];
        const DocumentTranslation &doc = jobs[i]->translation();
        for (const QString &pe : doc.pageErrors) {
            err(QStringLiteral("%1: %2").arg(file, pe));
            status = 1;
        }
        for (const SegmentTranslation &s : doc.segments) {
            QJsonObject j = segmentToJson(s.segment);
            if (o.files.size() > 1)
                j.insert(QStringLiteral("file"), file);
            j.insert(QStringLiteral("status"), statusName(s));
            if (s.status == SegmentStatus::Done) {
                // "translation" is the text; with inline marks from an LLM, "markup" is the same with its tags.
                const bool marked = markup::applies(s.segment.text) && markup::hasTags(s.translation);
                j.insert(QStringLiteral("translation"), marked ? markup::strip(s.translation) : s.translation);
                if (marked)
                    j.insert(QStringLiteral("markup"), s.translation);
                if (s.cached)
                    j.insert(QStringLiteral("cached"), true);
                if (s.corrected)
                    j.insert(QStringLiteral("corrected"), true);
            } else if (s.status != SegmentStatus::Skipped) {
                const QString reason = s.reason.isEmpty() ? QStringLiteral("not translated") : s.reason;
                j.insert(QStringLiteral("reason"), reason);
                err(QStringLiteral("%1: segment %2 failed: %3").arg(file, s.segment.id, reason));
                ++failed;
            }
            out.append(j);
        }
    }
    if (failed > 0)
        status = 1;
    // Summaries (--summary, --summary-cover): the summarize command's path, over the segments just read; the
    // Markdown goes where the PDF goes (beside the input when no PDF is written).
    std::vector<std::optional<Summary>> summaries(jobs.size());
    for (size_t i = 0; (o.summary || o.summaryCover) && i < jobs.size(); ++i) {
        const QString file = o.files[int(i)];
        QList<Segment> segments;
        for (const SegmentTranslation &s : jobs[i]->translation().segments)
            segments.append(s.segment);
        if (segments.isEmpty())
            continue;
        SummaryOptions summaryOptions;
        summaryOptions.targetLang = o.to;
        summaryOptions.sourceLang = o.from;
        // As `summarize` names it, so that both commands share the cached summary.
        const QString title = jobs[i]->translation().title;
        summaryOptions.documentTitle = title.isEmpty() ? QFileInfo(file).completeBaseName() : title;
        auto summaryTask = summarizeForCli(segments, summaryOptions, provider.get(), !o.noCache);
        auto summary = co_await std::move(summaryTask);
        if (!summary) {
            err(QStringLiteral("%1: no summary: %2").arg(file, summary.error().message));
            status = 1;
            continue;
        }
        summaries[i] = *summary;
        if (!o.summary)
            continue;
        const QString mdPath =
            summaryOutputPath(file, o.to, writePdf ? QFileInfo(pdfOutputs[int(i)]).absolutePath() : QString());
        if (auto written = writeSummaryMarkdown(*summary, mdPath, file); !written) {
            err(QStringLiteral("%1: %2").arg(file, written.error().message));
            status = 1;
        } else if (!o.progressJson) {
            QTextStream(stderr) << "overtext-cli: wrote " << mdPath
                                << (summary->fromCache ? QStringLiteral(" (from the cache)") : QString()) << '\n';
        }
    }
    // Export: every document that could be read, with what was translated (failed segments keep their original).
    for (size_t i = 0; writePdf && i < jobs.size(); ++i) {
        const DocumentTranslation &doc = jobs[i]->translation();
        if (doc.segments.isEmpty())
            continue;
        QMap<int, ExportPage> byPage;
        for (const SegmentTranslation &s : doc.segments) {
            ExportPage &page = byPage[s.segment.page];
            page.page = s.segment.page;
            if (s.status == SegmentStatus::Done && !s.translation.isEmpty())
                page.blocks.append(OverlayBlock{s.segment, s.translation});
            else
                page.obstacles.append(s.segment.box);
        }
        ExportOptions options;
        options.targetLanguage = o.to;
        options.mode = o.mode == QLatin1String("dual")        ? ExportOptions::Mode::SideBySide
                       : o.mode == QLatin1String("alternate") ? ExportOptions::Mode::Alternate
                                                              : ExportOptions::Mode::Translation;
        if (o.summaryCover)
            options.cover = summaries[i];
        const QString file = o.files[int(i)];
        const auto exported =
            co_await PdfExporter::exportInBackground(file, o.password, pdfOutputs[int(i)], byPage.values(), options);
        if (!exported) {
            err(QStringLiteral("%1: %2").arg(file, exported.error().message));
            status = 1;
            continue;
        }
        for (const QString &w : exported->warnings)
            err(QStringLiteral("%1: warning: %2").arg(file, w));
        if (!o.progressJson)
            QTextStream(stderr) << "overtext-cli: wrote " << pdfOutputs[int(i)] << '\n';
    }
    if (!o.segmentsOut.isEmpty()) {
        QSaveFile f(o.segmentsOut);
        if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(out).toJson(QJsonDocument::Indented)) < 0 ||
            !f.commit()) {
            err(QStringLiteral("cannot write %1: %2").arg(o.segmentsOut, f.errorString()));
            co_return 1;
        }
    }
    if (failed > 0)
        err(QStringLiteral("%1 segment(s) failed").arg(failed));
    Q_UNUSED(runError);
    co_return usage ? 2 : status;
}

} // namespace

int runTranslate(const QStringList &args) {
    Options o;
    if (const int s = parse(args, o))
        return s;
    int status = 1;
    // Start inside the event loop: a task that ends before its first co_await would otherwise call exit() before
    // exec() runs, and exec() would never return.
    std::optional<QCoro::Task<>> task;
    QTimer::singleShot(0, [&] {
        task.emplace(translateCommand(o).then([&status](int s) {
            status = s;
            QCoreApplication::exit(0);
        }));
    });
    QCoreApplication::exec();
    return status;
}
