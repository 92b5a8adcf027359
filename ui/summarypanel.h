#pragma once

#include "pdf/segment.h"
#include "summary/summarizer.h"
#include "translate/providerfactory.h"
#include "util/canceltoken.h"

#include <QCoroTask>
#include <QDockWidget>
#include <QHash>

#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace overtext {
class SummaryCache;
}

namespace overtext::ui {

/// What the panel summarises with: asked for at each run, so it follows the toolbar's current choices.
struct SummarySettings {
    ProviderConfig provider;
    QString sourceLang = QStringLiteral("en");
    QString targetLang = QStringLiteral("es");
};

/// A dock with the selected document's summary in the target language: **Summarize** (from the summary cache when it
/// is there), the text streaming in as the model writes it (each part, then the combining), **Regenerate** (ignores
/// the cache) and **Copy** (the Markdown to the clipboard). Before a document too long for one request is sent to an
/// LLM, the expected cost (requests and tokens) is shown and waits for **Summarize Anyway**. Summaries run on
/// core's summarizeDocument() with a provider built from the settings (LLMs write them, other services translate the
/// extractive summary); documents are read with PdfExtraction. Several documents may be summarised at once; the
/// panel shows the selected one. GUI thread only.
class SummaryPanel : public QDockWidget {
    Q_OBJECT
public:
    explicit SummaryPanel(QWidget *parent = nullptr);
    ~SummaryPanel() override;

    void setSettingsSource(std::function<SummarySettings()> source) { m_settings = std::move(source); }
    /// Where summaries are cached; empty (the default): summaries.sqlite in the user's cache folder.
    void setCachePath(const QString &path);

    /// Shows a document's summary, or what has been written of it so far (empty path: none).
    void setDocument(const QString &path, const QString &title = {});
    QString document() const { return m_path; }
    /// A finished summary of the document in the language, if the panel has one.
    std::optional<Summary> summary(const QString &path, const QString &targetLang) const;

    QTextBrowser *view() const { return m_view; }
    QLabel *statusLabel() const { return m_status; }
    QPushButton *summarizeButton() const { return m_summarize; }
    QPushButton *confirmButton() const { return m_confirm; }
    QPushButton *copyButton() const { return m_copy; }

public Q_SLOTS:
    /// Summarises the shown document (the cached summary when there is one).
    void summarize();
    /// Summarises the shown document again, ignoring the cache.
    void regenerate();
    /// Goes on with a long document after its cost was shown.
    void confirmCost();
    /// Copies the shown summary's Markdown to the clipboard.
    void copy();

Q_SIGNALS:
    /// Text of the running request so far (streaming), for the document.
    void summaryUpdated(const QString &path, const QString &textSoFar);
    /// A long document waits for confirmation; text says what it will cost.
    void costToConfirm(const QString &path, const overtext::TokenEstimate &estimate, const QString &text);
    /// A summary ended: the Markdown, or the error.
    void summaryFinished(const QString &path, bool ok, const QString &markdownOrError);

private:
    struct Doc {
        QString title;
        std::optional<QList<Segment>> segments; // read once
        bool running = false;
        bool costConfirmed = false;
        bool awaitingConfirmation = false; // the cost is shown, the user has not answered
        QString text;                      // shown: streamed so far, or the finished Markdown
        QString status;                    // one line under the text
        std::optional<Summary> summary;
        CancelToken cancel;
    };
    void start(bool refresh);
    QCoro::Task<> run(QString key, QString path, SummarySettings settings, bool refresh);
    QString keyFor(const QString &path, const QString &lang) const;
    SummarySettings currentSettings() const;
    void showState();

    std::function<SummarySettings()> m_settings;
    QString m_cachePath;
    std::shared_ptr<SummaryCache> m_cache; // shared with running summaries, which may outlive the panel
    QHash<QString, Doc> m_docs;            // by path and target language
    QString m_path;
    QString m_title;
    QString m_shown; // the Markdown in the view
    QTextBrowser *m_view = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_summarize = nullptr;
    QPushButton *m_regenerate = nullptr;
    QPushButton *m_confirm = nullptr;
    QPushButton *m_copy = nullptr;
};

} // namespace overtext::ui
