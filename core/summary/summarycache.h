#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace overtext {

/**
 * Finished summaries by key, in a small SQLite file (Qt SQL), so a document is summarised once per model and language.
 * The key is summaryCacheKey() (SHA-256 of provider identity, model, target language and the document's text); the
 * value is opaque to the cache (summarizer.cpp stores the summary as JSON).
 *
 * Thread contract: use an instance only on the thread that created it (Qt SQL connections are per thread). Lookups
 * are one indexed row, so they are cheap enough for the GUI thread. A cache that cannot open its file works as an
 * empty one (lookups miss, stores fail) and says why in lastError().
 */
class SummaryCache {
public:
    explicit SummaryCache(QString dbPath);
    ~SummaryCache();
    SummaryCache(const SummaryCache &) = delete;
    SummaryCache &operator=(const SummaryCache &) = delete;

    bool isOpen() const { return m_open; }
    QString lastError() const { return m_lastError; }
    std::optional<QByteArray> lookup(const QByteArray &key);
    bool store(const QByteArray &key, const QByteArray &value);

    /// SHA-256 (hex) of the parts, each length-prefixed so that no two different part lists collide.
    static QByteArray makeKey(const QStringList &parts);

private:
    QString m_connection;
    QString m_lastError;
    bool m_open = false;
};

} // namespace overtext
