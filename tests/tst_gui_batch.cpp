#include "commandline.h"
#include "documentlistmodel.h"
#include "fakes/runtask.h"
#include "mainwindow.h"
#include "pagepreview.h"
#include "pdf/pdfdocument.h"
#include "store/translationcache.h"
#include "testpaths.h"
#include "translate/apertiumprovider.h"
#include "translationoverlay.h"

#include <QComboBox>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QListView>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <QCoroTask>

using namespace overtext;
using namespace overtext::ui;

namespace {

constexpr int Timeout = 30000;

/// Pixels that differ between two grabs inside a rectangle.
int changedPixels(const QImage &a, const QImage &b, const QRect &rect) {
    int n = 0;
    const QRect r = rect.intersected(a.rect()).intersected(b.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y);
    return n;
}

QString pdftotext(const QString &pdf) {
    QProcess p;
    p.start(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

bool apertiumReady() {
    return !ApertiumProvider::executable().isEmpty() &&
           ApertiumProvider::modeFor(QStringLiteral("en"), QStringLiteral("es")).ok();
}

} // namespace

class TestGuiBatch : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_pdf;
    QString m_cache;

    /// A shown window with the sample queued (copied into the test folder, so that exports land there).
    void prepare(MainWindow &w) {
        w.setCachePath(m_cache);
        w.setProviderConfig(ProviderConfig{});
        w.setTargetLanguage(QStringLiteral("es"));
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_batch"));
        if (!apertiumReady())
            QSKIP("Apertium with the eng-spa pair is not installed");
        QVERIFY(m_dir.isValid());
        m_pdf = m_dir.filePath(QStringLiteral("sample.pdf"));
        QVERIFY(QFile::copy(testpaths::samplePdf(), m_pdf));
        m_cache = m_dir.filePath(QStringLiteral("cache.sqlite"));
    }

    void commandLineQueuesAndStarts() {
        QCommandLineParser parser;
        addGuiOptions(parser);
        QVERIFY(
            parser.parse({QStringLiteral("overtext"), QStringLiteral("--to"), QStringLiteral("es"),
                          QStringLiteral("--provider"), QStringLiteral("apertium"), QStringLiteral("--start"), m_pdf}));
        const GuiCommandLine options = readGuiOptions(parser);
        QVERIFY2(options.error.isEmpty(), qPrintable(options.error));
        QCOMPARE(options.targetLanguage, QStringLiteral("es"));
        QVERIFY(options.start);
        QCOMPARE(options.paths, QStringList{m_pdf});

        MainWindow w;
        w.setCachePath(m_cache);
        w.languageCombo()->setCurrentIndex(w.languageCombo()->findData(QStringLiteral("fr")));
        w.show();
        applyCommandLine(&w, options);
        QCOMPARE(w.targetLanguage(), QStringLiteral("es"));
        QCOMPARE(w.providerCombo()->currentData().toString(), QStringLiteral("apertium"));
        QTRY_COMPARE_WITH_TIMEOUT(w.documents()->rowCount(), 1, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(w.documents()->entry(0).inBatch, Timeout); // started without a click
        QVERIFY(w.batch()->contains(QFileInfo(m_pdf).absoluteFilePath()));
        QTRY_VERIFY_WITH_TIMEOUT(!w.batch()->anyRunning(), Timeout);

        // A bad provider name is a usage error.
        QCommandLineParser bad;
        addGuiOptions(bad);
        QVERIFY(bad.parse({QStringLiteral("overtext"), QStringLiteral("--provider"), QStringLiteral("nope")}));
        QVERIFY(!readGuiOptions(bad).error.isEmpty());
    }

    void batchFillsProgressAndPreviewShowsTranslation() {
        // A fresh cache: the translation must come from Apertium, streaming into the model.
        m_cache = m_dir.filePath(QStringLiteral("cache2.sqlite"));
        MainWindow w;
        prepare(w);
        w.addPaths({m_pdf});
        PagePreview *preview = w.preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->pageCount(), 2, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), Timeout);
        QTest::qWait(100);
        const QImage before = preview->viewport()->grab().toImage();

        w.startAll();
        DocumentListModel *model = w.documents();
        const QModelIndex row = model->index(0);
        QTRY_COMPARE_WITH_TIMEOUT(row.data(DocumentListModel::BatchStateRole).toInt(), int(BatchDocStatus::State::Done),
                                  Timeout);
        const int total = row.data(DocumentListModel::SegmentsTotalRole).toInt();
        QVERIFY(total > 0);
        QCOMPARE(row.data(DocumentListModel::SegmentsDoneRole).toInt(), total);
        QCOMPARE(row.data(DocumentListModel::SegmentsFailedRole).toInt(), 0);
        QCOMPARE(row.data(DocumentListModel::ProgressRole).toDouble(), 1.0);
        QVERIFY(row.data(DocumentListModel::BatchTextRole)
                    .toString()
                    .contains(QStringLiteral("%1/%1 segments").arg(total)));

        // The overlay: pixels inside the first prose segment's box on page 1 changed.
        const DocumentTranslation *doc = w.batch()->translation(model->entry(0).path);
        QVERIFY(doc);
        const SegmentTranslation *first = nullptr;
        for (const SegmentTranslation &s : doc->segments)
            if (s.segment.page == 1 && s.status == SegmentStatus::Done && !first)
                first = &s;
        QVERIFY(first);
        // The overlay's image of page 1 is drawn off the GUI thread after the coalesced repaint.
        QTRY_VERIFY_WITH_TIMEOUT(w.overlay()->isPageUpToDate(1), Timeout);
        QTest::qWait(100);
        const QImage after = preview->viewport()->grab().toImage();
        const double scale = preview->scale();
        const QRectF page = preview->pageRect(1);
        const QRect box =
            QRectF(page.topLeft() + first->segment.box.topLeft() * scale, first->segment.box.size() * scale)
                .toAlignedRect();
        const int changed = changedPixels(before, after, box);
        QVERIFY2(changed > box.width() * box.height() / 50, qPrintable(QString::number(changed)));

        // Switching the overlay off shows the original again.
        w.setShowTranslation(false);
        QTest::qWait(100);
        const QImage off = preview->viewport()->grab().toImage();
        QCOMPARE(changedPixels(before, off, box), 0);
        w.setShowTranslation(true);
    }

    void correctionIsStoredAndExported() {
        MainWindow w;
        prepare(w);
        w.addPaths({m_pdf});
        PagePreview *preview = w.preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->pageCount(), 2, Timeout);
        w.startAll();
        const QString path = w.documents()->entry(0).path;
        QTRY_VERIFY_WITH_TIMEOUT(w.batch()->status(path).state == BatchDocStatus::State::Done, Timeout);
        const DocumentTranslation *doc = w.batch()->translation(path);
        QVERIFY(doc);
        const SegmentTranslation *target = nullptr;
        for (const SegmentTranslation &s : doc->segments)
            if (s.segment.page == 1 && s.segment.kind == SegmentKind::Prose && !target)
                target = &s;
        QVERIFY(target);
        const QString id = target->segment.id;

        // Clicking the segment on the page opens the editor on it.
        QTRY_VERIFY_WITH_TIMEOUT(preview->isPageRendered(1), Timeout);
        const QPointF centre = preview->pageRect(1).topLeft() + target->segment.box.center() * preview->scale();
        QTest::mouseClick(preview->viewport(), Qt::LeftButton, {}, centre.toPoint());
        QTRY_COMPARE_WITH_TIMEOUT(w.editedSegment(), id, Timeout);
        QVERIFY(w.segmentEditor()->isVisible());
        QCOMPARE(w.sourceEdit()->toPlainText(), target->segment.text);
        QVERIFY(w.sourceEdit()->isReadOnly());

        const QString corrected = QStringLiteral("Zanahoria corregida por la usuaria");
        QSignalSpy saved(&w, &MainWindow::correctionSaved);
        w.translationEdit()->setPlainText(corrected);
        w.saveCorrection();
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, Timeout);
        QVERIFY(saved.at(0).at(2).toBool());
        QCOMPARE(w.batch()->displayText(path, *doc->find(id)), corrected);
        if (const QString keep = qEnvironmentVariable("OVERTEXT_KEEP_TEST_SHOTS"); !keep.isEmpty()) {
            QTest::qWait(300);
            w.grab().save(keep + QStringLiteral("/segment-editor.png"));
        }

        // In the cache, for this document's segment.
        {
            TranslationCache cache;
            const auto opened = testsupport::runTask(cache.open(m_cache));
            QVERIFY(opened && opened->ok());
            const auto fp = testsupport::runTask(TranslationCache::fingerprintFile(path));
            QVERIFY(fp && fp->ok());
            const auto found = testsupport::runTask(cache.corrections(fp->value(), {CorrectionQuery{id, {}}}));
            QVERIFY(found);
            QCOMPARE(found->value(id), corrected);
        }

        // Export: NAME.es.pdf in the chosen folder, with the corrected text.
        const QString out = m_dir.filePath(QStringLiteral("out"));
        QVERIFY(QDir().mkpath(out));
        QSignalSpy exported(&w, &MainWindow::documentExported);
        QSignalSpy done(&w, &MainWindow::exportDone);
        w.exportFinished(out, ExportOptions::Mode::Translation);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, Timeout);
        QCOMPARE(done.at(0).at(0).toInt(), 1);
        QCOMPARE(exported.size(), 1);
        QVERIFY2(exported.at(0).at(1).toBool(), qPrintable(exported.at(0).at(2).toString()));
        const QString file = out + QStringLiteral("/sample.es.pdf");
        QCOMPARE(exported.at(0).at(2).toString(), file);
        const QString text = pdftotext(file).simplified();
        QVERIFY2(text.contains(corrected), qPrintable(text.left(400)));
    }

    void unavailableServiceIsExplainedInTheRow() {
        MainWindow w;
        prepare(w);
        w.setProviderConfig(
            ProviderConfig{QStringLiteral("openai"), {}, {}, QStringLiteral("OVERTEXT_TEST_NO_SUCH_VAR")});
        QSignalSpy messages(&w, &MainWindow::statusMessage);
        w.addPaths({m_pdf});
        QTRY_COMPARE_WITH_TIMEOUT(w.documents()->rowCount(), 1, Timeout);
        w.startAll();
        const QModelIndex row = w.documents()->index(0);
        QTRY_COMPARE_WITH_TIMEOUT(row.data(DocumentListModel::BatchStateRole).toInt(),
                                  int(BatchDocStatus::State::Failed), Timeout);
        const QString text = row.data(DocumentListModel::BatchTextRole).toString();
        QVERIFY2(text.contains(QStringLiteral("OVERTEXT_TEST_NO_SUCH_VAR")), qPrintable(text));
        // Back to Apertium in the toolbar: the retry translates.
        w.providerCombo()->setCurrentIndex(w.providerCombo()->findData(QStringLiteral("apertium")));
        w.retryFailedAll();
        QTRY_COMPARE_WITH_TIMEOUT(row.data(DocumentListModel::BatchStateRole).toInt(), int(BatchDocStatus::State::Done),
                                  Timeout);
    }

    void pauseCancelRetryRemoveAndClose() {
        m_cache = m_dir.filePath(QStringLiteral("cache3.sqlite")); // nothing cached: the scheduler has work
        auto *w = new MainWindow;
        QPointer<MainWindow> guard(w);
        prepare(*w);
        w->addPaths({m_pdf});
        QTRY_COMPARE_WITH_TIMEOUT(w->documents()->rowCount(), 1, Timeout);
        const QString path = w->documents()->entry(0).path;
        w->setPaused(true);
        w->startAll();
        QTRY_VERIFY_WITH_TIMEOUT(w->batch()->status(path).progress.total > 0, Timeout);
        QTest::qWait(300);
        QCOMPARE(w->batch()->status(path).state, BatchDocStatus::State::Running); // paused: nothing sent
        QCOMPARE(w->batch()->status(path).progress.done, 0);

        w->cancelSelected();
        QTRY_COMPARE_WITH_TIMEOUT(w->batch()->status(path).state, BatchDocStatus::State::Cancelled, Timeout);
        QVERIFY(w->documents()
                    ->index(0)
                    .data(DocumentListModel::BatchTextRole)
                    .toString()
                    .startsWith(QStringLiteral("Cancelled")));

        w->setPaused(false);
        w->retryFailedAll();
        QTRY_COMPARE_WITH_TIMEOUT(w->batch()->status(path).state, BatchDocStatus::State::Done, Timeout);
        QCOMPARE(w->batch()->status(path).progress.failed, 0);

        // Removing forgets the document; closing the window mid-run is safe.
        w->removeSelected();
        QCOMPARE(w->documents()->rowCount(), 0);
        QVERIFY(!w->batch()->contains(path));
        w->addPaths({m_pdf});
        QTRY_COMPARE_WITH_TIMEOUT(w->documents()->rowCount(), 1, Timeout);
        w->startAll();
        QVERIFY(w->batch()->anyRunning());
        delete w;
        QVERIFY(!guard);
        QTest::qWait(500);
    }

    void cleanupTestCase() { QCOMPARE(PdfDocument::mainThreadCalls(), 0); }
};

QTEST_MAIN(TestGuiBatch)
#include "tst_gui_batch.moc"
