#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QCoroTask>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>

namespace overtext {

/// What, besides the source text, makes a machine translation reusable: the same provider output family, languages,
/// instruction and glossary. Never holds secrets.
struct CacheKeyContext {
    QString providerIdentity; ///< Provider::cacheIdentity()
    QString sourceLang;
    QString targetLang;
    QString instruction;
    QString glossaryDigest; ///< Glossary::digest()
};

/// One machine translation to keep.
struct CacheEntry {
    QByteArray key; ///< TranslationCache::key()
    QString translation;
};

/// A segment whose correction is asked for: by document fingerprint + segment id, and by cache key.
struct CorrectionQuery {
    QString segmentId;
    QByteArray key;
};

/// The persistent translation cache and the user's corrections, in SQLite (WAL, synchronous=NORMAL: a committed batch
/// survives the process being killed).
///
/// Machine translations are keyed by SHA-256(provider identity, languages, instruction, glossary digest, source text).
/// Corrections are kept apart and always win: one for a segment of one document (fingerprint + segment id), or one
/// for a source text in a context (the same key), the per-document one first.
///
/// Threading: every SQLite call runs on the cache's own single worker thread with its own connection, in call order;
/// the public calls may be made from one owner thread (GUI or CLI main) and are awaited with co_await, never blocking
/// it. Lifetime: destroying the cache waits for queued work, then closes the database; awaiting callers must not
/// outlive it.
class TranslationCache : public QObject {
    Q_OBJECT
public:
    explicit TranslationCache(QObject *parent = nullptr);
    ~TranslationCache() override;

    /// QStandardPaths::CacheLocation + "/translations.sqlite".
    static QString defaultPath();
    /// The cache key (64 hex characters) of a source text in a context.
    static QByteArray key(const CacheKeyContext &context, const QString &sourceText);
    /// SHA-256 (hex) of a file's bytes, computed on a pool thread: the document fingerprint for corrections.
    static QCoro::Task<Result<QString>> fingerprintFile(QString path);

    /// Opens (creating if needed) the database; empty path = defaultPath(). Calls made before it completes run after
    /// it. Error::Io when the file cannot be opened or is not a cache.
    QCoro::Task<Result<void>> open(QString path = {});
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }

    /// Machine translations for the keys found (missing keys are absent).
    QCoro::Task<QHash<QByteArray, QString>> lookup(QList<QByteArray> keys);
    /// Stores entries in one transaction, committed before the task completes.
    QCoro::Task<Result<void>> store(QList<CacheEntry> entries);

    /// Stores the user's correction for one segment of one document (and, when key is not empty, for that source text
    /// in that context everywhere).
    QCoro::Task<Result<void>> storeCorrection(QString fingerprint, QString segmentId, QByteArray key, QString text);
    /// Corrections by segment id for the queried segments of the document with this fingerprint.
    QCoro::Task<QHash<QString, QString>> corrections(QString fingerprint, QList<CorrectionQuery> queries);

private:
    QThreadPool m_pool;
    QString m_connection;
    QString m_path;
    bool m_open = false;
};

} // namespace overtext
