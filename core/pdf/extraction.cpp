#include "pdf/extraction.h"

#include "pdf/pagerange.h"
#include "pdf/pdfdocument.h"
#include "pdf/segmentjson.h"

#include <QCoreApplication>
#include <QCoroFuture>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>
#include <QProcess>
#include <QPromise>
#include <QThread>
#include <QTimer>

#include <sys/resource.h>

// AddressSanitizer reserves terabytes of shadow address space, so an RLIMIT_AS limit would kill every worker at
// start: under ASan the memory limit is not set. GCC defines __SANITIZE_ADDRESS__, clang answers __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define OVERTEXT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OVERTEXT_ASAN 1
#endif
#endif

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#ifndef OVERTEXT_BUILD_BIN_DIR
#define OVERTEXT_BUILD_BIN_DIR ""
#endif

namespace overtext {

QList<Segment> ExtractedDocument::segments() const {
    QList<Segment> all;
    for (const ExtractedPage &p : pages)
        all.append(p.segments);
    return all;
}

QStringList ExtractedDocument::pageErrors() const {
    QStringList errors;
    for (const ExtractedPage &p : pages)
        if (p.error)
            errors.append(p.error->message);
    return errors;
}

namespace {

const char *codeName(Error::Code code) {
    switch (code) {
    case Error::Io:
        return "Io";
    case Error::PdfLocked:
        return "PdfLocked";
    case Error::PdfDamaged:
        return "PdfDamaged";
    case Error::PdfTooHeavy:
        return "PdfTooHeavy";
    case Error::Cancelled:
        return "Cancelled";
    case Error::Timeout:
        return "Timeout";
    case Error::Usage:
        return "Usage";
    default:
        return "Internal";
    }
}

Error::Code codeFromName(const QString &name) {
    for (Error::Code c : {Error::Io, Error::PdfLocked, Error::PdfDamaged, Error::PdfTooHeavy, Error::Cancelled,
                          Error::Timeout, Error::Usage})
        if (name == QLatin1String(codeName(c)))
            return c;
    return Error::Internal;
}

QJsonObject errorToJson(const Error &e) {
    return QJsonObject{{QStringLiteral("code"), QLatin1String(codeName(e.code))},
                       {QStringLiteral("message"), e.message}};
}

Error errorFromJson(const QJsonObject &o) {
    return Error{codeFromName(o.value(QStringLiteral("code")).toString()),
                 o.value(QStringLiteral("message")).toString()};
}

/// The worker reads untrusted files, so it gets only the environment it needs — locale, paths, fonts, Qt's and the
/// sanitizers' settings, the tests' fault switch — and never the user's API keys or passwords, whatever their names.
QProcessEnvironment workerEnvironment() {
    static const QStringList names{QStringLiteral("PATH"),
                                   QStringLiteral("HOME"),
                                   QStringLiteral("LANG"),
                                   QStringLiteral("LANGUAGE"),
                                   QStringLiteral("TZ"),
                                   QStringLiteral("TMPDIR"),
                                   QStringLiteral("LD_LIBRARY_PATH"),
                                   QStringLiteral("OVERTEXT_FAULT_PAGE")};
    static const QStringList prefixes{QStringLiteral("LC_"),  QStringLiteral("XDG_"),  QStringLiteral("FONTCONFIG_"),
                                      QStringLiteral("QT_"),  QStringLiteral("ASAN_"), QStringLiteral("UBSAN_"),
                                      QStringLiteral("LSAN_")};
    const QProcessEnvironment all = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment env;
    for (const QString &name : all.keys())
        if (names.contains(name) ||
            std::any_of(prefixes.begin(), prefixes.end(), [&](const QString &p) { return name.startsWith(p); }))
            env.insert(name, all.value(name));
    return env;
}

void writeLine(const QJsonObject &o) {
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

/// Reads one document with up to `maxLanes` worker processes that take pages from a shared queue, one page at a
/// time, so each page has its own time limit and a page that kills its worker costs only that page.
class ExtractionRun : public QObject {
    Q_OBJECT
public:
    ExtractionRun(const ExtractionLimits &limits, CancelToken cancel, QString worker, QJsonObject request, int maxLanes)
        : m_limits(limits)
        , m_cancel(std::move(cancel))
        , m_worker(std::move(worker))
        , m_request(std::move(request))
        , m_maxLanes(std::max(1, maxLanes))
        , m_environment(workerEnvironment()) {
        m_cancelPoll.setInterval(50);
        connect(&m_cancelPoll, &QTimer::timeout, this, [this] {
            if (!m_cancel.isCancelled())
                return;
            m_fatal = Error{Error::Cancelled, QStringLiteral("Reading was cancelled.")};
            for (auto &lane : m_lanes)
                lane->process.kill();
        });
    }

    void start() {
        m_cancelPoll.start();
        startLane();
    }

    std::optional<Error> m_fatal;
    std::optional<QJsonObject> m_openInfo;
    QList<ExtractedPage> m_pages;

Q_SIGNALS:
    void pageRead(const overtext::ExtractedPage &page);
    void done();

private:
    struct Lane {
        QProcess process;
        QTimer timer;
        int page = -1; ///< the page being read, -1 while opening or idle
        bool opened = false;
        bool timedOut = false;
    };

    void startLane() {
        auto owned = std::make_unique<Lane>();
        Lane *lane = owned.get();
        m_lanes.push_back(std::move(owned));
        ++m_running;
        lane->timer.setSingleShot(true);
        connect(&lane->timer, &QTimer::timeout, this, [lane] {
            lane->timedOut = true;
            lane->process.kill();
        });
        connect(&lane->process, &QProcess::readyReadStandardOutput, this, [this, lane] { readLines(lane); });
        connect(&lane->process, &QProcess::finished, this, [this, lane] {
            readLines(lane);
            laneEnded(lane);
        });
        connect(&lane->process, &QProcess::errorOccurred, this, [this, lane](QProcess::ProcessError e) {
            if (e != QProcess::FailedToStart)
                return;
            m_fatal = Error{Error::Internal,
                            QStringLiteral("The PDF reader could not start: %1").arg(lane->process.errorString())};
            laneEnded(lane);
        });
        // Poppler's chatter about damaged files is not for the user.
        lane->process.setStandardErrorFile(QProcess::nullDevice());
        lane->process.setProcessEnvironment(m_environment);
        const qint64 memory = m_limits.memoryBytes;
        lane->process.setChildProcessModifier([memory] {
#if !defined(OVERTEXT_ASAN)
            if (memory > 0) {
                struct rlimit rl {
                    rlim_t(memory), rlim_t(memory)
                };
                setrlimit(RLIMIT_AS, &rl);
            }
#else
            (void)memory;
#endif
        });
        lane->process.start(m_worker, {}, QIODevice::ReadWrite);
        lane->process.write(QJsonDocument(m_request).toJson(QJsonDocument::Compact) + '\n');
        lane->timer.start(m_limits.pageTimeoutMs); // opening counts as a page
    }

    /// Gives the lane its next page, or lets its worker end when the queue is empty.
    void feed(Lane *lane) {
        if (m_queue.isEmpty() || m_fatal) {
            lane->page = -1;
            lane->timer.stop();
            lane->process.closeWriteChannel();
            return;
        }
        lane->page = m_queue.takeFirst();
        lane->process.write(QByteArray::number(lane->page) + '\n');
        lane->timer.start(m_limits.pageTimeoutMs);
    }

    void readLines(Lane *lane) {
        while (lane->process.canReadLine()) {
            const QJsonObject o = QJsonDocument::fromJson(lane->process.readLine()).object();
            const QString type = o.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("open")) {
                lane->opened = true;
                if (!m_openInfo) {
                    m_openInfo = o;
                    for (const QJsonValue &v : o.value(QStringLiteral("pages")).toArray())
                        m_queue.append(v.toInt());
                    // More lanes only where there is enough work to share.
                    const int lanes = std::min<qsizetype>(m_maxLanes, m_queue.size() / 8);
                    for (int i = 1; i < lanes; ++i)
                        startLane();
                }
                feed(lane);
            } else if (type == QLatin1String("error")) {
                m_fatal = errorFromJson(o);
            } else if (type == QLatin1String("page")) {
                ExtractedPage page;
                page.info = pageInfoFromJson(o.value(QStringLiteral("info")).toObject());
                for (const QJsonValue &v : o.value(QStringLiteral("segments")).toArray())
                    page.segments.append(segmentFromJson(v.toObject()));
                if (o.contains(QStringLiteral("error")))
                    page.error = errorFromJson(o.value(QStringLiteral("error")).toObject());
                m_pages.append(page);
                Q_EMIT pageRead(page);
                feed(lane);
            }
        }
    }

    void fail(int page, const Error &error) {
        ExtractedPage failed;
        failed.info.page = page;
        failed.error = error;
        m_pages.append(failed);
        Q_EMIT pageRead(failed);
    }

    void laneEnded(Lane *lane) {
        if (lane->process.property("ended").toBool())
            return;
        lane->process.setProperty("ended", true);
        lane->timer.stop();
        --m_running;
        const bool brokeMidway = !m_fatal && (lane->page >= 0 || !lane->opened);
        if (brokeMidway && m_openInfo) {
            // The worker died on a page (or while reopening the file): that page is skipped, the rest goes on.
            const int seconds = m_limits.pageTimeoutMs / 1000;
            if (lane->page >= 0) {
                const bool crashed = lane->process.exitStatus() != QProcess::NormalExit;
                fail(lane->page,
                     lane->timedOut ? Error{Error::Timeout,
                                            QStringLiteral("Page %1 took longer than %2 s to read and was skipped.")
                                                .arg(lane->page)
                                                .arg(seconds)}
                     : crashed ? Error{Error::PdfTooHeavy, QStringLiteral("Page %1 needs more memory than allowed or "
                                                                          "broke the PDF reader, and was skipped.")
                                                               .arg(lane->page)}
                               : Error{Error::PdfTooHeavy,
                                       QStringLiteral("Page %1 could not be read and was skipped.").arg(lane->page)});
            }
            if (++m_failures >= m_limits.maxFailedPages) {
                for (int p : std::as_const(m_queue))
                    fail(p,
                         Error{Error::PdfTooHeavy,
                               QStringLiteral("Page %1 was not read: too many pages of this document failed.").arg(p)});
                m_queue.clear();
            }
            if (!m_queue.isEmpty())
                startLane();
        } else if (brokeMidway && !m_openInfo) {
            const QString why = lane->timedOut
                                    ? QStringLiteral("took longer than %1 s to open").arg(m_limits.pageTimeoutMs / 1000)
                                    : QStringLiteral("made the PDF reader fail");
            m_fatal = Error{Error::PdfTooHeavy, why};
        }
        if (m_running == 0) {
            m_cancelPoll.stop();
            Q_EMIT done();
        }
    }

    ExtractionLimits m_limits;
    CancelToken m_cancel;
    QString m_worker;
    QJsonObject m_request;
    int m_maxLanes;
    QProcessEnvironment m_environment;
    QTimer m_cancelPoll;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    QList<int> m_queue;
    int m_running = 0;
    int m_failures = 0;
};

} // namespace

PdfExtraction::PdfExtraction(QObject *parent)
    : QObject(parent) {
    qRegisterMetaType<overtext::ExtractedPage>();
}

QString PdfExtraction::workerPath() {
    const QString env = qEnvironmentVariable("OVERTEXT_PDF_WORKER");
    if (!env.isEmpty())
        return env;
    const QString name = QStringLiteral("overtext-pdfworker");
    const QDir programDir(QCoreApplication::applicationDirPath());
    // A build tree has every program in bin/; the package puts the worker in PREFIX/libexec/overtext/.
    const QString beside = programDir.filePath(name);
    const QString installed = QDir::cleanPath(programDir.filePath(QStringLiteral("../libexec/overtext/") + name));
    for (const QString &candidate : {beside, installed})
        if (QFileInfo::exists(candidate))
            return candidate;
    // Tests and benchmarks run from elsewhere in the build tree and use its worker; an installed program never does,
    // even where the build directory still exists.
    const QString buildBin = QStringLiteral(OVERTEXT_BUILD_BIN_DIR);
    const QString buildRoot = buildBin.isEmpty() ? QString() : QDir(buildBin + QStringLiteral("/..")).canonicalPath();
    const QString programPath = programDir.canonicalPath() + QLatin1Char('/');
    if (!buildRoot.isEmpty() && programPath.startsWith(buildRoot + QLatin1Char('/')))
        return buildBin + QLatin1Char('/') + name;
    return installed; // missing: the error names where it belongs
}

QCoro::Task<Result<ExtractedDocument>> PdfExtraction::extract(QString path, QByteArray password, QString pageSpec,
                                                              CancelToken cancel) {
    QPointer<PdfExtraction> self(this);
    const QString name = QFileInfo(path).fileName();
    const QString worker = workerPath();
    if (!QFileInfo(worker).isExecutable())
        co_return Error{Error::Internal,
                        QStringLiteral("The PDF reader %1 is missing; reinstall Overtext.").arg(worker)};
    const QJsonObject request{{QStringLiteral("path"), QFileInfo(path).absoluteFilePath()},
                              {QStringLiteral("password"), QString::fromUtf8(password)},
                              {QStringLiteral("pageSpec"), pageSpec}};
    const int lanes = m_limits.workers > 0 ? m_limits.workers : std::max(1, QThread::idealThreadCount());
    ExtractionRun run(m_limits, cancel, worker, request, lanes);
    QObject::connect(&run, &ExtractionRun::pageRead, this, &PdfExtraction::pageReady);
    // A QFuture rather than qCoro(signal): QCoro 0.8's signal awaiter touches itself after resuming us.
    QPromise<void> done;
    QFuture<void> doneFuture = done.future();
    done.start();
    QObject::connect(&run, &ExtractionRun::done, &run, [&done] { done.finish(); });
    run.start();
    co_await doneFuture;
    if (!self || cancel.isCancelled())
        co_return Error{Error::Cancelled, QStringLiteral("Reading %1 was cancelled.").arg(name)};
    if (run.m_fatal) {
        Error e = *run.m_fatal;
        if (e.code == Error::PdfTooHeavy)
            e.message = QStringLiteral("%1 %2; it may be damaged or hostile.").arg(name, e.message);
        co_return e;
    }
    ExtractedDocument doc;
    doc.path = path;
    doc.pageCount = run.m_openInfo->value(QStringLiteral("pageCount")).toInt();
    doc.title = run.m_openInfo->value(QStringLiteral("title")).toString();
    doc.pages = run.m_pages;
    std::sort(doc.pages.begin(), doc.pages.end(),
              [](const ExtractedPage &a, const ExtractedPage &b) { return a.info.page < b.info.page; });
    co_return doc;
}

int runPdfWorker() {
    std::string line;
    std::getline(std::cin, line);
    const QJsonObject request = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
    const QString path = request.value(QStringLiteral("path")).toString();
    auto opened = PdfDocument::open(path, request.value(QStringLiteral("password")).toString().toUtf8());
    if (!opened) {
        writeLine({{QStringLiteral("type"), QStringLiteral("error")},
                   {QStringLiteral("code"), QLatin1String(codeName(opened.error().code))},
                   {QStringLiteral("message"), opened.error().message}});
        return 0;
    }
    PdfDocument &doc = **opened;
    auto pages = parsePageRanges(request.value(QStringLiteral("pageSpec")).toString(), doc.pageCount());
    if (!pages) {
        writeLine({{QStringLiteral("type"), QStringLiteral("error")},
                   {QStringLiteral("code"), QStringLiteral("Usage")},
                   {QStringLiteral("message"), pages.error().message}});
        return 0;
    }
    QJsonArray pageArray;
    for (int p : *pages)
        pageArray.append(p);
    writeLine({{QStringLiteral("type"), QStringLiteral("open")},
               {QStringLiteral("pageCount"), doc.pageCount()},
               {QStringLiteral("title"), doc.title()},
               {QStringLiteral("pages"), pageArray}});
    // Then one page number per line on stdin, one page message back for each, until stdin closes.
    // Fault injection for tests of the bounds: OVERTEXT_FAULT_PAGE=N:crash or N:hang.
    const QStringList fault = qEnvironmentVariable("OVERTEXT_FAULT_PAGE").split(QLatin1Char(':'));
    const int faultPage = fault.size() == 2 ? fault[0].toInt() : -1;
    while (std::getline(std::cin, line)) {
        const int p = QByteArray::fromStdString(line).trimmed().toInt();
        if (p < 1 || p > doc.pageCount())
            continue;
        if (p == faultPage && fault[1] == QLatin1String("crash"))
            std::abort();
        if (p == faultPage && fault[1] == QLatin1String("hang"))
            QThread::sleep(3600);
        QJsonObject msg{{QStringLiteral("type"), QStringLiteral("page")}};
        msg.insert(QStringLiteral("info"), pageInfoToJson(doc.pageInfo(p)));
        auto segments = doc.segments(p);
        if (!segments) {
            msg.insert(QStringLiteral("error"), errorToJson(segments.error()));
        } else {
            QJsonArray array;
            for (const Segment &s : *segments)
                array.append(segmentToJson(s, true));
            msg.insert(QStringLiteral("segments"), array);
        }
        writeLine(msg);
    }
    return 0;
}

} // namespace overtext

#include "extraction.moc"
