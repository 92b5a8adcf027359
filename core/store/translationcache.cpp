#include "store/translationcache.h"

#include <QCoroFuture>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QtConcurrent>

#include <atomic>

namespace overtext {

// GCC 12 destroys a temporary lambda inside a co_await operand twice (its captures are released twice: a heap
// corruption). So every QtConcurrent::run() below is first stored in a named future, then awaited.

namespace {

std::atomic_int s_instance{0};

/// The worker thread's connection (created on first use in that thread).
QSqlDatabase connection(const QString &name) {
    return QSqlDatabase::database(name, false);
}

QString sqlError(const QSqlError &e) {
    return e.text().trimmed();
}

QString correctionScopeForSegment(const QString &fingerprint, const QString &segmentId) {
    return QStringLiteral("seg:") + fingerprint + QLatin1Char(':') + segmentId;
}

QString correctionScopeForKey(const QByteArray &key) {
    return QStringLiteral("key:") + QString::fromLatin1(key);
}

} // namespace

TranslationCache::TranslationCache(QObject *parent)
    : QObject(parent)
    , m_connection(QStringLiteral("overtext-cache-%1").arg(++s_instance)) {
    // One thread that never expires: a QSqlDatabase connection must stay on the thread that opened it.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
}

TranslationCache::~TranslationCache() {
    const QString name = m_connection;
    m_pool.start([name] {
        {
            QSqlDatabase db = connection(name);
            if (db.isValid())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    });
    m_pool.waitForDone();
}

QString TranslationCache::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/translations.sqlite");
}

QByteArray TranslationCache::key(const CacheKeyContext &c, const QString &sourceText) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString *part :
         {&c.providerIdentity, &c.sourceLang, &c.targetLang, &c.instruction, &c.glossaryDigest, &sourceText}) {
        const QByteArray bytes = part->toUtf8();
        hash.addData(QByteArray::number(bytes.size())); // length-prefixed: no two contexts collide by concatenation
        hash.addData(QByteArrayView(":", 1));
        hash.addData(bytes);
    }
    return hash.result().toHex();
}

QCoro::Task<Result<QString>> TranslationCache::fingerprintFile(QString path) {
    auto future = QtConcurrent::run([path]() -> Result<QString> {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error{Error::Io, QStringLiteral("cannot read %1: %2").arg(path, f.errorString())};
        QCryptographicHash hash(QCryptographicHash::Sha256);
        if (!hash.addData(&f))
            return Error{Error::Io, QStringLiteral("cannot read %1").arg(path)};
        return QString::fromLatin1(hash.result().toHex());
    });
    co_return co_await future;
}

QCoro::Task<Result<void>> TranslationCache::open(QString path) {
    if (path.isEmpty())
        path = defaultPath();
    m_path = path;
    const QString name = m_connection;
    auto future = QtConcurrent::run(&m_pool, [name, path]() -> Result<void> {
        const QFileInfo info(path);
        if (!QDir().mkpath(info.absolutePath()))
            return Error{Error::Io, QStringLiteral("cannot create the cache folder %1").arg(info.absolutePath())};
        QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                       : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        if (db.isOpen())
            db.close();
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return Error{
                Error::Io,
                QStringLiteral("cannot open the translation cache %1: %2").arg(path, sqlError(db.lastError()))};
        QSqlQuery q(db);
        const QStringList statements = {
            QStringLiteral("PRAGMA journal_mode=WAL"),
            QStringLiteral("PRAGMA synchronous=NORMAL"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL, "
                           "created INTEGER NOT NULL) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS corrections (scope TEXT PRIMARY KEY, translation TEXT NOT NULL, "
                           "updated INTEGER NOT NULL) WITHOUT ROWID"),
        };
        for (const QString &s : statements)
            if (!q.exec(s)) {
                const QString why = sqlError(q.lastError());
                db.close();
                return Error{Error::Io, QStringLiteral("%1 is not a usable translation cache: %2").arg(path, why)};
            }
        return {};
    });
    auto result = co_await future;
    m_open = result.ok();
    co_return result;
}

QCoro::Task<QHash<QByteArray, QString>> TranslationCache::lookup(QList<QByteArray> keys) {
    const QString name = m_connection;
    auto future = QtConcurrent::run(&m_pool, [name, keys]() {
        QHash<QByteArray, QString> found;
        QSqlDatabase db = connection(name);
        if (!db.isOpen())
            return found;
        constexpr qsizetype chunk = 400; // under SQLite's host-parameter limit
        for (qsizetype start = 0; start < keys.size(); start += chunk) {
            const auto part = keys.mid(start, chunk);
            QString sql = QStringLiteral("SELECT key, translation FROM translations WHERE key IN (");
            for (qsizetype i = 0; i < part.size(); ++i)
                sql += i ? QStringLiteral(",?") : QStringLiteral("?");
            sql += QLatin1Char(')');
            QSqlQuery q(db);
            q.prepare(sql);
            for (const QByteArray &k : part)
                q.addBindValue(QString::fromLatin1(k));
            if (!q.exec())
                continue;
            while (q.next())
                found.insert(q.value(0).toString().toLatin1(), q.value(1).toString());
        }
        return found;
    });
    co_return co_await future;
}

QCoro::Task<Result<void>> TranslationCache::store(QList<CacheEntry> entries) {
    const QString name = m_connection;
    auto future = QtConcurrent::run(&m_pool, [name, entries]() -> Result<void> {
        QSqlDatabase db = connection(name);
        if (!db.isOpen())
            return Error{Error::Io, QStringLiteral("the translation cache is not open")};
        if (entries.isEmpty())
            return {};
        if (!db.transaction())
            return Error{Error::Io,
                         QStringLiteral("cannot write the translation cache: %1").arg(sqlError(db.lastError()))};
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO translations (key, translation, created) VALUES (?, ?, ?)"));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        for (const CacheEntry &e : entries) {
            q.addBindValue(QString::fromLatin1(e.key));
            q.addBindValue(e.translation);
            q.addBindValue(now);
            if (!q.exec()) {
                const QString why = sqlError(q.lastError());
                db.rollback();
                return Error{Error::Io, QStringLiteral("cannot write the translation cache: %1").arg(why)};
            }
        }
        if (!db.commit())
            return Error{Error::Io,
                         QStringLiteral("cannot commit to the translation cache: %1").arg(sqlError(db.lastError()))};
        return {};
    });
    co_return co_await future;
}

QCoro::Task<Result<void>> TranslationCache::storeCorrection(QString fingerprint, QString segmentId, QByteArray key,
                                                            QString text) {
    const QString name = m_connection;
    const QString fp = fingerprint, seg = segmentId, value = text;
    const QByteArray k = key;
    auto future = QtConcurrent::run(&m_pool, [name, fp, seg, value, k]() -> Result<void> {
        QSqlDatabase db = connection(name);
        if (!db.isOpen())
            return Error{Error::Io, QStringLiteral("the translation cache is not open")};
        db.transaction();
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO corrections (scope, translation, updated) VALUES (?, ?, ?)"));
        QStringList scopes;
        if (!fp.isEmpty() && !seg.isEmpty())
            scopes.append(correctionScopeForSegment(fp, seg));
        if (!k.isEmpty())
            scopes.append(correctionScopeForKey(k));
        for (const QString &scope : std::as_const(scopes)) {
            q.addBindValue(scope);
            q.addBindValue(value);
            q.addBindValue(QDateTime::currentSecsSinceEpoch());
            if (!q.exec()) {
                const QString why = sqlError(q.lastError());
                db.rollback();
                return Error{Error::Io, QStringLiteral("cannot save the correction: %1").arg(why)};
            }
        }
        if (!db.commit())
            return Error{Error::Io, QStringLiteral("cannot save the correction: %1").arg(sqlError(db.lastError()))};
        return {};
    });
    co_return co_await future;
}

QCoro::Task<QHash<QString, QString>> TranslationCache::corrections(QString fingerprint,
                                                                   QList<CorrectionQuery> queries) {
    const QString name = m_connection;
    const QString fp = fingerprint;
    const QList<CorrectionQuery> qs = queries;
    auto future = QtConcurrent::run(&m_pool, [name, fp, qs]() {
        QHash<QString, QString> found;
        QSqlDatabase db = connection(name);
        if (!db.isOpen() || qs.isEmpty())
            return found;
        // Most documents have no corrections at all: ask cheaply first.
        QSqlQuery any(db);
        if (!any.exec(QStringLiteral("SELECT 1 FROM corrections LIMIT 1")) || !any.next())
            return found;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT translation FROM corrections WHERE scope = ?"));
        for (const CorrectionQuery &c : qs) {
            for (const QString &scope : {correctionScopeForSegment(fp, c.segmentId), correctionScopeForKey(c.key)}) {
                if (scope.endsWith(QLatin1Char(':')))
                    continue;
                q.addBindValue(scope);
                if (q.exec() && q.next()) {
                    found.insert(c.segmentId, q.value(0).toString());
                    break;
                }
            }
        }
        return found;
    });
    co_return co_await future;
}

} // namespace overtext
