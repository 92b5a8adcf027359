#include "summary/summarycache.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QUuid>

namespace overtext {

SummaryCache::SummaryCache(QString dbPath)
    : m_connection(QStringLiteral("overtext-summary-") + QUuid::createUuid().toString(QUuid::WithoutBraces)) {
    QDir().mkpath(QFileInfo(dbPath).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(dbPath);
    if (!db.open()) {
        m_lastError = QStringLiteral("The summary cache %1 could not be opened: %2").arg(dbPath, db.lastError().text());
        return;
    }
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS summaries (key TEXT PRIMARY KEY, value BLOB NOT NULL, "
                               "created INTEGER NOT NULL)"))) {
        m_lastError =
            QStringLiteral("The summary cache %1 could not be prepared: %2").arg(dbPath, q.lastError().text());
        return;
    }
    m_open = true;
}

SummaryCache::~SummaryCache() {
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

std::optional<QByteArray> SummaryCache::lookup(const QByteArray &key) {
    if (!m_open)
        return std::nullopt;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT value FROM summaries WHERE key = ?"));
    q.addBindValue(QString::fromLatin1(key));
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return q.value(0).toByteArray();
}

bool SummaryCache::store(const QByteArray &key, const QByteArray &value) {
    if (!m_open)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO summaries (key, value, created) VALUES (?, ?, ?)"));
    q.addBindValue(QString::fromLatin1(key));
    q.addBindValue(value);
    q.addBindValue(QDateTime::currentSecsSinceEpoch());
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    return true;
}

QByteArray SummaryCache::makeKey(const QStringList &parts) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &p : parts) {
        const QByteArray utf8 = p.toUtf8();
        hash.addData(QByteArray(QByteArray::number(utf8.size()) + ':'));
        hash.addData(utf8);
    }
    return hash.result().toHex();
}

} // namespace overtext
