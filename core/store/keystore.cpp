#include "store/keystore.h"

#include <QCoroFuture>
#include <QFuture>
#include <QPromise>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>

namespace overtext {

namespace {

/// A locked keyring may wait for a password prompt nobody answers (headless sessions): give up after this long.
constexpr int JobTimeoutMs = 15000;

struct JobOutcome {
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QString text;
};

/// Starts a QtKeychain job and gives its outcome as a future (QCoro 0.8's signal awaiter is not safe here: see
/// DESIGN.md). The job deletes itself when it finishes.
QFuture<JobOutcome> startJob(QKeychain::Job *job) {
    auto promise = std::make_shared<QPromise<JobOutcome>>();
    auto done = std::make_shared<bool>(false);
    QFuture<JobOutcome> future = promise->future();
    promise->start();
    auto settle = [promise, done](JobOutcome outcome) {
        if (*done)
            return;
        *done = true;
        promise->addResult(std::move(outcome));
        promise->finish();
    };
    job->setAutoDelete(true);
    QObject::connect(job, &QKeychain::Job::finished, job, [settle](QKeychain::Job *j) {
        JobOutcome o{j->error(), j->errorString(), {}};
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(j); read && o.error == QKeychain::NoError)
            o.text = read->textData();
        settle(std::move(o));
    });
    QTimer::singleShot(JobTimeoutMs, job, [settle] {
        settle(JobOutcome{
            QKeychain::OtherError,
            QStringLiteral("it did not answer within %1 s (is the keyring locked?)").arg(JobTimeoutMs / 1000),
            {}});
    });
    job->start();
    return future;
}

bool unavailable(QKeychain::Error e) {
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented || e == QKeychain::OtherError;
}

QString unavailableMessage(const QString &detail) {
    return QStringLiteral("No system keychain is available (%1)").arg(detail.trimmed());
}

} // namespace

KeyStore::KeyStore(QString service)
    : m_service(std::move(service)) {}

QCoro::Task<KeyRead> KeyStore::read(QString account) const {
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(account);
    QFuture<JobOutcome> future = startJob(job); // named: see DESIGN.md
    const JobOutcome o = co_await future;
    KeyRead out;
    if (o.error == QKeychain::NoError) {
        out.status = KeyRead::Status::Found;
        out.key = o.text;
    } else if (o.error == QKeychain::EntryNotFound) {
        out.status = KeyRead::Status::NotFound;
    } else if (unavailable(o.error)) {
        out.status = KeyRead::Status::Unavailable;
        out.message = unavailableMessage(o.errorString);
    } else {
        out.status = KeyRead::Status::Failed;
        out.message = QStringLiteral("The system keychain refused access (%1)").arg(o.errorString);
    }
    co_return out;
}

QCoro::Task<Result<void>> KeyStore::write(QString account, QString secret) const {
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(account);
    job->setTextData(secret);
    QFuture<JobOutcome> future = startJob(job);
    const JobOutcome o = co_await future;
    if (o.error == QKeychain::NoError)
        co_return Result<void>();
    if (unavailable(o.error))
        co_return Error{Error::Service, unavailableMessage(o.errorString) + QStringLiteral(": the key was not saved.")};
    co_return Error{Error::Auth,
                    QStringLiteral("The system keychain refused to store the key (%1).").arg(o.errorString)};
}

QCoro::Task<Result<void>> KeyStore::remove(QString account) const {
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(account);
    QFuture<JobOutcome> future = startJob(job);
    const JobOutcome o = co_await future;
    if (o.error == QKeychain::NoError || o.error == QKeychain::EntryNotFound)
        co_return Result<void>();
    if (unavailable(o.error))
        co_return Error{Error::Service,
                        unavailableMessage(o.errorString) + QStringLiteral(": the key was not removed.")};
    co_return Error{Error::Auth,
                    QStringLiteral("The system keychain refused to remove the key (%1).").arg(o.errorString)};
}

QCoro::Task<KeyLookup> KeyStore::lookup(QString account, QString envVar) const {
    KeyLookup out;
    out.envVar = envVar;
    if (!account.isEmpty()) {
        const KeyRead r = co_await read(account);
        if (r.status == KeyRead::Status::Found && !r.key.isEmpty()) {
            out.source = KeyLookup::Source::Keychain;
            out.key = r.key;
            co_return out;
        }
        if (r.status == KeyRead::Status::Unavailable || r.status == KeyRead::Status::Failed)
            out.notice =
                envVar.isEmpty()
                    ? r.message + QStringLiteral(".")
                    : r.message + QStringLiteral("; the key is read from the environment variable %1.").arg(envVar);
    }
    if (!envVar.isEmpty()) {
        const QByteArray name = envVar.toLocal8Bit();
        if (qEnvironmentVariableIsSet(name.constData())) {
            out.source = KeyLookup::Source::Environment;
            out.key = qEnvironmentVariable(name.constData());
        }
    }
    co_return out;
}

} // namespace overtext
