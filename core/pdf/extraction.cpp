#include "pdf/extraction.h"

#include "pdf/pagerange.h"
#include "pdf/pdfdocument.h"
#include "pdf/segmentjson.h"

#include <QCoreApplication>
#include <QCoroSignal>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>
#include <QProcess>
#include <QTimer>

#include <sys/resource.h>

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

void writeLine(const QJsonObject &o) {
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

/// One run of the worker process over the pages still to read. Ends when the worker exits or is killed.
class WorkerRun : public QObject {
    Q_OBJECT
public:
    WorkerRun(const ExtractionLimits &limits, CancelToken cancel)
        : m_limits(limits)
        , m_cancel(std::move(cancel)) {
        m_pageTimer.setSingleShot(true);
        connect(&m_pageTimer, &QTimer::timeout, this, [this] {
            m_timedOut = true;
            m_process.kill();
        });
        m_cancelPoll.setInterval(50);
        connect(&m_cancelPoll, &QTimer::timeout, this, [this] {
            if (m_cancel.isCancelled())
                m_process.kill();
        });
        connect(&m_process, &QProcess::readyReadStandardOutput, this, &WorkerRun::readLines);
        connect(&m_process, &QProcess::finished, this, [this] {
            readLines();
            finish();
        });
        connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart) {
                m_startError = m_process.errorString();
                finish();
            }
        });
        // Poppler's chatter about damaged files is not for the user; drop it.
        m_process.setStandardErrorFile(QProcess::nullDevice());
        const qint64 memory = m_limits.memoryBytes;
        m_process.setChildProcessModifier([memory] {
#if !defined(__SANITIZE_ADDRESS__)
            if (memory > 0) {
                struct rlimit rl {
                    rlim_t(memory), rlim_t(memory)
                };
                setrlimit(RLIMIT_AS, &rl);
            }
#endif
        });
    }

    void start(const QString &worker, const QJsonObject &request) {
        m_process.start(worker, {}, QIODevice::ReadWrite);
        m_process.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
        m_process.closeWriteChannel();
        m_pageTimer.start(m_limits.pageTimeoutMs);
        m_cancelPoll.start();
    }

    bool m_finished = false;
    bool m_timedOut = false;
    QString m_startError;
    std::optional<Error> m_documentError;
    std::optional<QJsonObject> m_openInfo;
    QList<ExtractedPage> m_pages;
    QProcess m_process;

Q_SIGNALS:
    void pageRead(const overtext::ExtractedPage &page);
    void done();

private:
    void readLines() {
        while (m_process.canReadLine()) {
            const QJsonObject o = QJsonDocument::fromJson(m_process.readLine()).object();
            const QString type = o.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("open")) {
                m_openInfo = o;
                m_pageTimer.start(m_limits.pageTimeoutMs);
            } else if (type == QLatin1String("error")) {
                m_documentError = errorFromJson(o);
            } else if (type == QLatin1String("page")) {
                ExtractedPage page;
                page.info = pageInfoFromJson(o.value(QStringLiteral("info")).toObject());
                for (const QJsonValue &v : o.value(QStringLiteral("segments")).toArray())
                    page.segments.append(segmentFromJson(v.toObject()));
                if (o.contains(QStringLiteral("error")))
                    page.error = errorFromJson(o.value(QStringLiteral("error")).toObject());
                m_pages.append(page);
                m_pageTimer.start(m_limits.pageTimeoutMs);
                Q_EMIT pageRead(page);
            }
        }
    }
    void finish() {
        if (m_finished)
            return;
        m_finished = true;
        m_pageTimer.stop();
        m_cancelPoll.stop();
        Q_EMIT done();
    }

    ExtractionLimits m_limits;
    CancelToken m_cancel;
    QTimer m_pageTimer;
    QTimer m_cancelPoll;
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
    const QString beside = QCoreApplication::applicationDirPath() + QLatin1Char('/') + name;
    if (QFileInfo::exists(beside))
        return beside;
    return QStringLiteral(OVERTEXT_BUILD_BIN_DIR) + QLatin1Char('/') + name;
}

QCoro::Task<Result<ExtractedDocument>> PdfExtraction::extract(QString path, QByteArray password, QString pageSpec,
                                                              CancelToken cancel) {
    QPointer<PdfExtraction> self(this);
    ExtractedDocument doc;
    doc.path = path;
    const QString worker = workerPath();
    if (!QFileInfo(worker).isExecutable())
        co_return Error{Error::Internal,
                        QStringLiteral("The PDF reader %1 is missing; reinstall Overtext.").arg(worker)};

    QList<int> remaining;
    bool first = true;
    int failures = 0;
    while (first || !remaining.isEmpty()) {
        QJsonObject request{{QStringLiteral("path"), QFileInfo(path).absoluteFilePath()},
                            {QStringLiteral("password"), QString::fromUtf8(password)}};
        if (first)
            request.insert(QStringLiteral("pageSpec"), pageSpec);
        else
            request.insert(QStringLiteral("pages"), QJsonArray::fromVariantList([&] {
                               QVariantList l;
                               for (int p : remaining)
                                   l.append(p);
                               return l;
                           }()));
        WorkerRun run(m_limits, cancel);
        QObject::connect(&run, &WorkerRun::pageRead, this, [this, &remaining](const ExtractedPage &page) {
            remaining.removeOne(page.info.page);
            Q_EMIT pageReady(page);
        });
        run.start(worker, request);
        co_await qCoro(&run, &WorkerRun::done);
        if (!self)
            co_return Error{Error::Cancelled, QStringLiteral("Reading was cancelled.")};
        if (cancel.isCancelled())
            co_return Error{Error::Cancelled,
                            QStringLiteral("Reading %1 was cancelled.").arg(QFileInfo(path).fileName())};
        if (!run.m_startError.isEmpty())
            co_return Error{Error::Internal,
                            QStringLiteral("The PDF reader could not start: %1").arg(run.m_startError)};
        if (run.m_documentError)
            co_return *run.m_documentError;
        if (first) {
            if (!run.m_openInfo) {
                const QString why =
                    run.m_timedOut ? QStringLiteral("took longer than %1 s to open").arg(m_limits.pageTimeoutMs / 1000)
                                   : QStringLiteral("made the PDF reader fail");
                co_return Error{
                    Error::PdfTooHeavy,
                    QStringLiteral("%1 %2; it may be damaged or hostile.").arg(QFileInfo(path).fileName(), why)};
            }
            doc.pageCount = run.m_openInfo->value(QStringLiteral("pageCount")).toInt();
            doc.title = run.m_openInfo->value(QStringLiteral("title")).toString();
            for (const QJsonValue &v : run.m_openInfo->value(QStringLiteral("pages")).toArray())
                remaining.append(v.toInt());
            for (const ExtractedPage &p : run.m_pages)
                remaining.removeOne(p.info.page);
            first = false;
        }
        doc.pages.append(run.m_pages);
        if (remaining.isEmpty())
            break;
        // The worker stopped before the end: the first page not delivered is the culprit.
        const int bad = remaining.takeFirst();
        ExtractedPage failed;
        failed.info.page = bad;
        const bool normalExit = run.m_process.exitStatus() == QProcess::NormalExit && !run.m_timedOut;
        failed.error =
            run.m_timedOut
                ? Error{Error::Timeout, QStringLiteral("Page %1 took longer than %2 s to read and was skipped.")
                                            .arg(bad)
                                            .arg(m_limits.pageTimeoutMs / 1000)}
                : Error{Error::PdfTooHeavy, normalExit
                                                ? QStringLiteral("Page %1 could not be read and was skipped.").arg(bad)
                                                : QStringLiteral("Page %1 needs more memory than allowed or broke the "
                                                                 "PDF reader, and was skipped.")
                                                      .arg(bad)};
        doc.pages.append(failed);
        Q_EMIT pageReady(failed);
        if (++failures >= m_limits.maxFailedPages) {
            for (int p : remaining) {
                ExtractedPage skipped;
                skipped.info.page = p;
                skipped.error =
                    Error{Error::PdfTooHeavy,
                          QStringLiteral("Page %1 was not read: too many pages of this document failed.").arg(p)};
                doc.pages.append(skipped);
                Q_EMIT pageReady(skipped);
            }
            break;
        }
    }
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
    QList<int> pages;
    if (request.contains(QStringLiteral("pages"))) {
        for (const QJsonValue &v : request.value(QStringLiteral("pages")).toArray())
            pages.append(v.toInt());
    } else {
        auto parsed = parsePageRanges(request.value(QStringLiteral("pageSpec")).toString(), doc.pageCount());
        if (!parsed) {
            writeLine({{QStringLiteral("type"), QStringLiteral("error")},
                       {QStringLiteral("code"), QStringLiteral("Usage")},
                       {QStringLiteral("message"), parsed.error().message}});
            return 0;
        }
        pages = *parsed;
    }
    QJsonArray pageArray;
    for (int p : pages)
        pageArray.append(p);
    writeLine({{QStringLiteral("type"), QStringLiteral("open")},
               {QStringLiteral("pageCount"), doc.pageCount()},
               {QStringLiteral("title"), doc.title()},
               {QStringLiteral("pages"), pageArray}});
    for (int p : pages) {
        QJsonObject msg{{QStringLiteral("type"), QStringLiteral("page")}};
        const PageInfo info = doc.pageInfo(p);
        msg.insert(QStringLiteral("info"), pageInfoToJson(info));
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
