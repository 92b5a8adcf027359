#include "summarypanel.h"

#include "pdf/extraction.h"
#include "summary/summarycache.h"

#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QStandardPaths>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace overtext::ui {

SummaryPanel::SummaryPanel(QWidget *parent)
    : QDockWidget(tr("Summary"), parent) {
    setObjectName(QStringLiteral("summaryPanel"));
    m_view = new QTextBrowser;
    m_view->setAccessibleName(tr("Summary text"));
    m_view->setOpenLinks(false);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_summarize = new QPushButton(tr("&Summarize"));
    m_summarize->setToolTip(tr("Summarize the selected document in the target language"));
    m_regenerate = new QPushButton(tr("&Regenerate"));
    m_regenerate->setToolTip(tr("Write the summary again, ignoring the cached one"));
    m_confirm = new QPushButton(tr("Summarize &Anyway"));
    m_copy = new QPushButton(tr("&Copy"));
    m_copy->setToolTip(tr("Copy the summary as Markdown"));
    connect(m_summarize, &QPushButton::clicked, this, &SummaryPanel::summarize);
    connect(m_regenerate, &QPushButton::clicked, this, &SummaryPanel::regenerate);
    connect(m_confirm, &QPushButton::clicked, this, &SummaryPanel::confirmCost);
    connect(m_copy, &QPushButton::clicked, this, &SummaryPanel::copy);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_summarize);
    buttons->addWidget(m_confirm);
    buttons->addWidget(m_regenerate);
    buttons->addStretch(1);
    buttons->addWidget(m_copy);
    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    setWidget(panel);
    showState();
}

SummaryPanel::~SummaryPanel() {
    for (const Doc &d : std::as_const(m_docs))
        d.cancel.cancel();
}

void SummaryPanel::setCachePath(const QString &path) {
    m_cachePath = path;
    m_cache.reset();
}

void SummaryPanel::setDocument(const QString &path, const QString &title) {
    m_path = path;
    m_title = title;
    showState();
}

SummarySettings SummaryPanel::currentSettings() const {
    return m_settings ? m_settings() : SummarySettings{};
}

QString SummaryPanel::keyFor(const QString &path, const QString &lang) const {
    return path + QLatin1Char('\n') + lang;
}

std::optional<Summary> SummaryPanel::summary(const QString &path, const QString &targetLang) const {
    return m_docs.value(keyFor(path, targetLang)).summary;
}

void SummaryPanel::summarize() {
    start(false);
}

void SummaryPanel::regenerate() {
    start(true);
}

void SummaryPanel::start(bool refresh) {
    if (m_path.isEmpty())
        return;
    const SummarySettings settings = currentSettings();
    const QString key = keyFor(m_path, settings.targetLang);
    Doc &doc = m_docs[key];
    if (doc.running)
        return;
    doc.title = m_title;
    doc.running = true;
    run(key, m_path, settings, refresh);
}

void SummaryPanel::confirmCost() {
    Doc &doc = m_docs[keyFor(m_path, currentSettings().targetLang)];
    if (!doc.awaitingConfirmation)
        return;
    doc.costConfirmed = true;
    doc.awaitingConfirmation = false;
    summarize();
}

void SummaryPanel::copy() {
    const std::optional<Summary> s = summary(m_path, currentSettings().targetLang);
    if (!s)
        return;
    QGuiApplication::clipboard()->setText(summaryToMarkdown(*s));
    m_status->setText(tr("The summary was copied as Markdown."));
}

QCoro::Task<> SummaryPanel::run(QString key, QString path, SummarySettings settings, bool refresh) {
    QPointer<SummaryPanel> self(this);
    const CancelToken cancel = m_docs[key].cancel;
    auto update = [self, key](const QString &status, const QString &text) {
        if (!self)
            return;
        Doc &doc = self->m_docs[key];
        doc.status = status;
        if (!text.isNull())
            doc.text = text;
        self->showState();
    };
    auto finish = [self, key, path](bool ok, const QString &status, const QString &markdownOrError) {
        if (!self)
            return;
        self->m_docs[key].running = false;
        self->m_docs[key].status = status;
        self->showState();
        Q_EMIT self->summaryFinished(path, ok, markdownOrError);
    };
    try {
        auto apiKey = co_await findApiKey(settings.provider, KeyStore());
        if (!self)
            co_return;
        if (!apiKey) {
            finish(false, apiKey.error().message, apiKey.error().message);
            co_return;
        }
        auto created = createProvider(settings.provider, apiKey->key, nullptr, apiKey->proxyAuth);
        if (!created) {
            finish(false, created.error().message, created.error().message);
            co_return;
        }
        // Owned by this coroutine: it lives as long as the summary runs, whatever happens to the panel.
        const std::unique_ptr<Provider> provider = std::move(created).value();

        if (!m_docs[key].segments) {
            update(tr("Reading the document…"), QString());
            PdfExtraction extraction;
            auto extractTask = extraction.extract(path, QByteArray(), QString(), cancel);
            auto extracted = co_await std::move(extractTask);
            if (!self)
                co_return;
            if (!extracted) {
                finish(false, extracted.error().message, extracted.error().message);
                co_return;
            }
            m_docs[key].segments = extracted->segments();
            if (m_docs[key].title.isEmpty())
                m_docs[key].title = extracted->title.trimmed();
        }
        const QList<Segment> segments = *m_docs[key].segments;
        SummaryOptions options;
        options.targetLang = settings.targetLang;
        options.sourceLang = settings.sourceLang;
        options.documentTitle = m_docs[key].title.isEmpty() ? QFileInfo(path).completeBaseName() : m_docs[key].title;

        SummaryEngine engine = summaryEngineFor(provider.get(), settings.sourceLang, settings.targetLang);
        if (!m_cache) {
            const QString cachePath = m_cachePath.isEmpty()
                                          ? QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
                                                .filePath(QStringLiteral("summaries.sqlite"))
                                          : m_cachePath;
            m_cache = std::make_shared<SummaryCache>(cachePath);
        }
        const std::shared_ptr<SummaryCache> cache = m_cache;
        if (cache->isOpen())
            engine.cache = cache.get();
        engine.refresh = refresh;

        // The cost of a long document is shown, and waits for the user, before anything is sent.
        const SummaryPlan plan = planChunks(segments, options.budgetChars);
        if (engine.model && plan.mapAndCombine() && !m_docs[key].costConfirmed &&
            !(cache->isOpen() && !refresh && cache->lookup(summaryCacheKey(engine, options, segments)))) {
            const TokenEstimate e = estimateTokens(plan, options.outputTokensPerRequest);
            const QLocale locale;
            const QString text = tr("This document is long: it takes %1 requests (%2 parts, then one to combine "
                                    "them), about %3 input and %4 output tokens. Summarize it anyway?")
                                     .arg(e.requests)
                                     .arg(plan.chunks.size())
                                     .arg(locale.toString(e.inputTokens), locale.toString(e.outputTokens));
            m_docs[key].running = false;
            m_docs[key].awaitingConfirmation = true;
            update(text, QString());
            Q_EMIT costToConfirm(path, e, text);
            co_return;
        }

        update(tr("Summarizing…"), QString());
        auto sink = [self, update, path](const SummaryUpdate &u) {
            if (u.combining)
                update(tr("Combining the summaries of %1 parts…").arg(u.parts), u.textSoFar);
            else if (u.parts > 1)
                update(tr("Summarizing part %1 of %2…").arg(u.part).arg(u.parts), u.textSoFar);
            else
                update(tr("Summarizing…"), u.textSoFar);
            if (self)
                Q_EMIT self->summaryUpdated(path, u.textSoFar);
        };
        auto task = summarizeDocument(segments, options, engine, sink, cancel);
        Result<Summary> result = co_await std::move(task);
        if (!self)
            co_return;
        if (!result) {
            finish(false, result.error().message, result.error().message);
            co_return;
        }
        const QString markdown = summaryToMarkdown(*result);
        m_docs[key].summary = *result;
        m_docs[key].text = markdown;
        m_docs[key].costConfirmed = false;
        finish(true,
               result->fromCache ? tr("From the summary cache (no request).")
                                 : tr("Done: %n request(s), %1 tokens.", nullptr, result->requests)
                                       .arg(QLocale().toString(result->inputTokens + result->outputTokens)),
               markdown);
    } catch (const std::exception &e) {
        finish(false, QString::fromLocal8Bit(e.what()), QString::fromLocal8Bit(e.what()));
    } catch (...) {
        finish(false, tr("The summary failed unexpectedly."), tr("The summary failed unexpectedly."));
    }
}

void SummaryPanel::showState() {
    const bool any = !m_path.isEmpty();
    const Doc doc = any ? m_docs.value(keyFor(m_path, currentSettings().targetLang)) : Doc{};
    if (!any)
        m_view->setPlaceholderText(tr("Select a document to see its summary."));
    else
        m_view->setPlaceholderText(tr("No summary yet: press Summarize."));
    if (m_shown != doc.text || doc.text.isEmpty()) {
        m_shown = doc.text;
        m_view->setMarkdown(doc.text);
    }
    m_status->setText(doc.status);
    m_status->setVisible(!doc.status.isEmpty());
    m_summarize->setVisible(!doc.summary && !doc.awaitingConfirmation);
    m_summarize->setEnabled(any && !doc.running);
    m_confirm->setVisible(doc.awaitingConfirmation);
    m_regenerate->setVisible(doc.summary.has_value());
    m_regenerate->setEnabled(any && !doc.running);
    m_copy->setEnabled(doc.summary.has_value() && !doc.running);
}

} // namespace overtext::ui
