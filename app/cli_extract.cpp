#include "cli_commands.h"

#include "pdf/extraction.h"
#include "pdf/segmentjson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <optional>

using namespace overtext;

namespace {

QCoro::Task<int> extractCommand(QString file, QByteArray password, QString pages) {
    PdfExtraction extraction;
    auto result = co_await extraction.extract(file, password, pages, CancelToken());
    if (!result) {
        QTextStream(stderr) << "overtext-cli: " << result.error().message << '\n';
        co_return result.error().code == Error::Usage ? 2 : 1;
    }
    QJsonArray array;
    for (const Segment &s : result->segments())
        array.append(segmentToJson(s));
    const QByteArray json = QJsonDocument(array).toJson(QJsonDocument::Indented);
    std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
    std::fflush(stdout);
    for (const QString &e : result->pageErrors())
        QTextStream(stderr) << "overtext-cli: warning: " << e << '\n';
    if (array.isEmpty() && result->pageErrors().isEmpty())
        QTextStream(stderr) << "overtext-cli: warning: no text found in " << file
                            << "; it may be a scan (Overtext reads text, it does not do OCR)\n";
    co_return 0;
}

} // namespace

int runExtract(const QStringList &args) {
    QString file, pages, passwordEnv;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](QString &out) {
            if (i + 1 >= args.size())
                return false;
            out = args[++i];
            return true;
        };
        if (a == QLatin1String("--pages")) {
            if (!value(pages))
                return QTextStream(stderr) << "overtext-cli: --pages needs a range such as 1-3,7\n", 2;
        } else if (a == QLatin1String("--password-env")) {
            if (!value(passwordEnv))
                return QTextStream(stderr) << "overtext-cli: --password-env needs a variable name\n", 2;
        } else if (a.startsWith(QLatin1String("--"))) {
            QTextStream(stderr) << "overtext-cli: unknown option " << a << '\n';
            return 2;
        } else if (file.isEmpty()) {
            file = a;
        } else {
            QTextStream(stderr) << "overtext-cli: extract takes one file\n";
            return 2;
        }
    }
    if (file.isEmpty()) {
        QTextStream(stderr) << "usage: overtext-cli extract FILE [--pages 1-3,7] [--password-env VAR]\n";
        return 2;
    }
    QByteArray password;
    if (!passwordEnv.isEmpty()) {
        if (!qEnvironmentVariableIsSet(passwordEnv.toLocal8Bit().constData())) {
            QTextStream(stderr) << "overtext-cli: the environment variable " << passwordEnv << " is not set\n";
            return 2;
        }
        password = qgetenv(passwordEnv.toLocal8Bit().constData());
    }
    int status = 1;
    // Started inside the event loop, as translate and summarize do: a task that ends before its first co_await (the
    // worker is missing) would call exit() before exec(), and exec() would never return.
    std::optional<QCoro::Task<>> task;
    QTimer::singleShot(0, [&] {
        task.emplace(extractCommand(file, password, pages).then([&status](int s) {
            status = s;
            QCoreApplication::exit(0);
        }));
    });
    QCoreApplication::exec();
    return status;
}
