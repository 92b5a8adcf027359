#include "documentlistmodel.h"
#include "exportdialog.h"
#include "fakes/fakeservices.h"
#include "fakes/pdfmaker.h"
#include "fakes/pdftext.h"
#include "mainwindow.h"
#include "pdf/pdfdocument.h"
#include "summarypanel.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace overtext;
using namespace overtext::ui;
using namespace testsupport;

namespace {

constexpr int Timeout = 60000;

/// pages pages, each a heading and a paragraph of about chars characters.
bool makePdf(const QString &path, int pages, int chars) {
    PdfMaker maker;
    for (int page = 1; page <= pages; ++page) {
        if (page > 1)
            maker.newPage();
        maker.line(56, 70, QStringLiteral("Chapter %1").arg(page), 20);
        QString text;
        while (text.size() < chars)
            text +=
                QStringLiteral("On page %1 the harbour wakes before dawn and the boats leave one by one. ").arg(page);
        maker.paragraph(56, 110, 480, text, 9);
    }
    return maker.save(path);
}

} // namespace

class TestGuiSummary : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<FakeServerThread> m_server;

    /// A window using the fake OpenAI-compatible server, with the documents queued and the first one selected.
    void prepare(MainWindow &w, const QStringList &pdfs, const QString &cacheName) {
        QUrl base = m_server->baseUrl();
        base.setPath(QStringLiteral("/v1"));
        w.setCachePath(m_dir.filePath(cacheName + QStringLiteral("-translations.sqlite")));
        w.summaryPanel()->setCachePath(m_dir.filePath(cacheName + QStringLiteral("-summaries.sqlite")));
        w.setProviderConfig(
            ProviderConfig{QStringLiteral("openai"), base.toString(), QStringLiteral("fake-model"), QString()});
        w.setTargetLanguage(QStringLiteral("es"));
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &MainWindow::documentOpened);
        w.addPaths(pdfs);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), pdfs.size(), Timeout);
        w.selectDocument(0);
        QTRY_COMPARE(w.summaryPanel()->document(), w.documents()->entry(0).path);
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_summary"));
        QVERIFY(m_dir.isValid());
        FakeBehaviour slow;
        slow.chunkDelayMs = 15; // the answer streams in visibly
        m_server = std::make_unique<FakeServerThread>(fakeOpenAiHandler(slow));
    }

    void panelStreamsCopiesAndRegenerates() {
        const QString pdf = m_dir.filePath(QStringLiteral("harbour.pdf"));
        QVERIFY(makePdf(pdf, 3, 300));
        MainWindow w;
        prepare(w, {pdf}, QStringLiteral("a"));
        SummaryPanel *panel = w.summaryPanel();
        QVERIFY(panel->isVisible());
        QVERIFY(!panel->copyButton()->isEnabled()); // nothing to copy yet
        const int before = m_server->server()->requestCount();

        QSignalSpy updates(panel, &SummaryPanel::summaryUpdated);
        QSignalSpy finished(panel, &SummaryPanel::summaryFinished);
        QStringList shown; // what the view showed while the answer streamed in
        connect(panel, &SummaryPanel::summaryUpdated, this,
                [&](const QString &, const QString &) { shown.append(panel->view()->toPlainText()); });
        QTest::mouseClick(panel->summarizeButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, Timeout);
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        QCOMPARE(m_server->server()->requestCount(), before + 1);
        // Streamed: several updates, the view growing, the first ones partial.
        QVERIFY2(updates.count() >= 3, qPrintable(QString::number(updates.count())));
        QVERIFY(shown.first().size() < shown.last().size());
        QVERIFY(!shown.first().contains(QLatin1String("(p. 3)")));
        const QString text = panel->view()->toPlainText();
        QVERIFY2(text.contains(QLatin1String("Summary [es] of 3 pages.")), qPrintable(text));
        for (int p = 1; p <= 3; ++p)
            QVERIFY(text.contains(QStringLiteral("(p. %1)").arg(p)));
        QVERIFY(text.contains(QLatin1String("Puntos clave")));

        // Copy: the Markdown on the clipboard.
        QVERIFY(panel->copyButton()->isEnabled());
        QGuiApplication::clipboard()->clear();
        QTest::mouseClick(panel->copyButton(), Qt::LeftButton);
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(copied.startsWith(QLatin1String("# ")), qPrintable(copied));
        QVERIFY(copied.contains(QLatin1String("## Resumen\n\nSummary [es] of 3 pages.")));
        QVERIFY(copied.contains(QLatin1String("- Point [es] about page 2 (p. 2)")));

        // Regenerate asks the model again.
        QTRY_VERIFY(panel->summarizeButton()->isHidden());
        QPushButton *regenerate = nullptr;
        for (QPushButton *b : panel->findChildren<QPushButton *>())
            if (b->text().remove(QLatin1Char('&')) == QLatin1String("Regenerate"))
                regenerate = b;
        QVERIFY(regenerate && regenerate->isVisible());
        QTest::mouseClick(regenerate, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, Timeout);
        QVERIFY(finished.last().at(1).toBool());
        QCOMPARE(m_server->server()->requestCount(), before + 2);

        // Summarize (not regenerate) again: the cached summary, no request.
        panel->summarize();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, Timeout);
        QCOMPARE(m_server->server()->requestCount(), before + 2);
        QVERIFY2(panel->statusLabel()->text().contains(QLatin1String("cache")),
                 qPrintable(panel->statusLabel()->text()));
        if (const QString keep = qEnvironmentVariable("OVERTEXT_KEEP_SCREENSHOTS"); !keep.isEmpty())
            w.grab().save(keep + QStringLiteral("/summary-panel.png"));
    }

    void longDocumentShowsTheCostFirst() {
        const QString pdf = m_dir.filePath(QStringLiteral("long.pdf"));
        QVERIFY(makePdf(pdf, 10, 3500));
        MainWindow w;
        prepare(w, {pdf}, QStringLiteral("b"));
        SummaryPanel *panel = w.summaryPanel();
        const int before = m_server->server()->requestCount();
        QSignalSpy cost(panel, &SummaryPanel::costToConfirm);
        QSignalSpy finished(panel, &SummaryPanel::summaryFinished);
        panel->summarize();
        QTRY_COMPARE_WITH_TIMEOUT(cost.count(), 1, Timeout);
        const auto estimate = cost.first().at(1).value<TokenEstimate>();
        QVERIFY(estimate.requests >= 3);
        QVERIFY(estimate.inputTokens > 30000 / 4);
        QVERIFY(panel->confirmButton()->isVisible());
        QVERIFY(panel->statusLabel()->text().contains(QString::number(estimate.requests) + QLatin1String(" requests")));
        QTest::qWait(200);
        QCOMPARE(m_server->server()->requestCount(), before); // nothing sent before the answer
        QCOMPARE(finished.count(), 0);

        QTest::mouseClick(panel->confirmButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, Timeout);
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        QCOMPARE(m_server->server()->requestCount(), before + estimate.requests);
        const QString text = panel->view()->toPlainText();
        QVERIFY2(text.contains(
                     QStringLiteral("Combined summary [es] of %1 parts covering 10 pages.").arg(estimate.requests - 1)),
                 qPrintable(text));
        QVERIFY(text.contains(QLatin1String("(p. 10)")));
    }

    void exportPutsTheSummaryOnACoverPage() {
        const QString pdf = m_dir.filePath(QStringLiteral("cover.pdf"));
        QVERIFY(makePdf(pdf, 2, 200));
        MainWindow w;
        prepare(w, {pdf}, QStringLiteral("c"));
        QSignalSpy finished(w.summaryPanel(), &SummaryPanel::summaryFinished);
        w.summaryPanel()->summarize();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, Timeout);
        QSignalSpy translated(w.batch(), &BatchRun::documentFinished);
        w.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(translated.count(), 1, Timeout);

        QSignalSpy done(&w, &MainWindow::exportDone);
        const QString folder = m_dir.filePath(QStringLiteral("out"));
        QVERIFY(QDir().mkpath(folder));
        w.exportFinished(folder, ExportOptions::Mode::Translation, true);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, Timeout);
        QCOMPARE(done.first().at(0).toInt(), 1);
        const QString out = QDir(folder).filePath(QStringLiteral("cover.es.pdf"));
        auto doc = PdfDocument::open(out);
        QVERIFY(doc.ok());
        QCOMPARE((*doc)->pageCount(), 3);
        const QString cover = pdftotextPage(out, 1);
        QVERIFY2(cover.contains(QLatin1String("Summary [es] of 2 pages.")), qPrintable(cover));
        QVERIFY(cover.contains(QLatin1String("Puntos clave")));
        QVERIFY(pdftotextPage(out, 2).contains(QLatin1String("[es]"))); // the translated first page follows

        // The dialog offers the cover and hands the choice on.
        ExportDialog dialog(1);
        QVERIFY(!dialog.summaryCover());
        dialog.findChild<QCheckBox *>()->setChecked(true);
        QVERIFY(dialog.summaryCover());
    }

    void cleanupTestCase() { m_server.reset(); }
};

QTEST_MAIN(TestGuiSummary)
#include "tst_gui_summary.moc"
