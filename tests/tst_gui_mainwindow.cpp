#include "documentlistmodel.h"
#include "mainwindow.h"
#include "pagepreview.h"
#include "pdf/pdfdocument.h"
#include "testpaths.h"
#include "util/stallmonitor.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QListView>
#include <QMimeData>
#include <QPainter>
#include <QPdfWriter>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace overtext::ui;

namespace {

// A 2-page A4 PDF: big black text near the top of page 1, "Second page" on page 2.
bool writeTwoPagePdf(const QString &path) {
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(72);
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    QPainter p;
    if (!p.begin(&writer))
        return false;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(40);
    p.setFont(font);
    p.setPen(Qt::black);
    p.drawText(QRectF(40, 40, 500, 120), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("Hello Overtext\nfirst page"));
    p.fillRect(QRectF(40, 200, 300, 30), Qt::black); // a solid bar: dark pixels whatever the font
    writer.newPage();
    p.drawText(QRectF(40, 40, 500, 60), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("Second page"));
    return p.end();
}

bool writeFile(const QString &path, const QByteArray &content) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    return f.write(content) == content.size();
}

void dropUrls(QWidget *target, const QList<QUrl> &urls) {
    QMimeData mime;
    mime.setUrls(urls);
    const QPointF pos(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(pos.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    QVERIFY(drop.isAccepted());
}

// Pixels clearly darker than the placeholder's grey text and the page's white.
int darkPixels(const QImage &image, const QRect &area) {
    int count = 0;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x) {
            if (qGray(image.pixel(x, y)) < 80)
                ++count;
        }
    }
    return count;
}

bool anyContains(const QSignalSpy &spy, const QString &needle) {
    for (const auto &args : spy) {
        if (args.at(0).toString().contains(needle))
            return true;
    }
    return false;
}

} // namespace

class TestGuiMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_pdf;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_mainwindow"));
        QVERIFY(m_dir.isValid());
        m_pdf = m_dir.filePath(QStringLiteral("two-pages.pdf"));
        QVERIFY(writeTwoPagePdf(m_pdf));
    }

    void dropQueuesPdfsAndRefusesOthers() {
        const QString folder = m_dir.filePath(QStringLiteral("folder/nested"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(m_pdf, folder + QStringLiteral("/inner.pdf")));
        QVERIFY(writeFile(folder + QStringLiteral("/notes.txt"), "just notes\n"));
        const QString readme = m_dir.filePath(QStringLiteral("readme.txt"));
        QVERIFY(writeFile(readme, "not a pdf\n"));

        MainWindow w;
        QSignalSpy messages(&w, &MainWindow::statusMessage);
        QSignalSpy added(&w, &MainWindow::pathsAdded);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        dropUrls(&w, {QUrl::fromLocalFile(m_pdf), QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("folder"))),
                      QUrl::fromLocalFile(readme)});
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 1, 10000);

        DocumentListModel *model = w.documents();
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(QFileInfo(model->entry(0).path).fileName(), QStringLiteral("two-pages.pdf"));
        QCOMPARE(QFileInfo(model->entry(1).path).fileName(), QStringLiteral("inner.pdf"));
        QVERIFY2(anyContains(messages, QStringLiteral("notes.txt")), qPrintable(messages.value(0).value(0).toString()));
        QVERIFY(anyContains(messages, QStringLiteral("readme.txt")));
        QVERIFY(anyContains(messages, QStringLiteral("only PDF files")));

        QTRY_VERIFY_WITH_TIMEOUT(!model->isBusy(), 10000);
        for (int row = 0; row < 2; ++row) {
            QCOMPARE(model->entry(row).state, DocumentEntry::State::Ready);
            QCOMPARE(model->entry(row).pageCount, 2);
            QVERIFY(model->index(row).data().toString().contains(QStringLiteral("2 pages")));
        }
        // The first document is selected and named in the title; dropping it again adds nothing.
        QCOMPARE(w.documentList()->currentIndex().row(), 0);
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("two-pages.pdf")));
        dropUrls(&w, {QUrl::fromLocalFile(m_pdf)});
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 2, 10000);
        QCOMPARE(model->rowCount(), 2);
        QVERIFY(w.recentFiles().contains(QFileInfo(m_pdf).absoluteFilePath()));
    }

    void previewShowsRenderedPage() {
        MainWindow w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.addPaths({m_pdf});
        PagePreview *preview = w.preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->pageCount(), 2, 10000);

        // Placeholders have the page's proportions before any image arrives (A4: 842 × 595 points).
        const QRectF r1 = preview->pageRect(1);
        QVERIFY(!r1.isEmpty());
        QVERIFY(qAbs(r1.height() / r1.width() - 842.0 / 595.0) < 0.01);

        QTRY_VERIFY_WITH_TIMEOUT(preview->isPageRendered(1), 10000);
        const QImage shot = preview->viewport()->grab().toImage();
        // Where the text and the bar were drawn (top of page 1) there are dark pixels; the bottom of page 1 is blank.
        const double s = preview->scale();
        const QRect top = QRectF(r1.left() + 30 * s, r1.top() + 30 * s, 400 * s, 220 * s).toAlignedRect();
        const QRect bottom = QRectF(r1.left() + 30 * s, r1.top() + 600 * s, 400 * s, 200 * s).toAlignedRect();
        const int dark = darkPixels(shot, top);
        QVERIFY2(dark > 500, qPrintable(QString::number(dark)));
        QCOMPARE(darkPixels(shot, bottom.intersected(shot.rect())), 0);
    }

    void zoomAndPageKeys() {
        MainWindow w;
        w.resize(1000, 700);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.addPaths({m_pdf});
        PagePreview *preview = w.preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->pageCount(), 2, 10000);
        QVERIFY(preview->isFitWidth());
        const double fit = preview->zoom();

        preview->setFocus();
        QTest::keyClick(preview, Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(preview->zoom() < fit);
        QVERIFY(!preview->isFitWidth());
        QTest::keyClick(preview, Qt::Key_Plus, Qt::ControlModifier);
        QTest::keyClick(preview, Qt::Key_Plus, Qt::ControlModifier);
        QVERIFY(preview->zoom() > fit);
        // A zoom change re-renders: the visible pages arrive again at the new scale.
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), 10000);
        QTest::keyClick(preview, Qt::Key_0, Qt::ControlModifier);
        QVERIFY(preview->isFitWidth());
        QCOMPARE(preview->zoom(), fit);

        QCOMPARE(preview->currentPage(), 1);
        QTest::keyClick(preview, Qt::Key_PageDown);
        QCOMPARE(preview->currentPage(), 2);
        QTest::keyClick(preview, Qt::Key_PageUp);
        QCOMPARE(preview->currentPage(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), 10000);
    }

    void damagedFileShowsErrorInItsRow() {
        const QString bad = m_dir.filePath(QStringLiteral("damaged.pdf"));
        QVERIFY(writeFile(bad, "%PDF-1.4 garbage"));
        MainWindow w;
        QSignalSpy messages(&w, &MainWindow::statusMessage);
        QSignalSpy opened(&w, &MainWindow::documentOpened);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        dropUrls(&w, {QUrl::fromLocalFile(bad), QUrl::fromLocalFile(m_pdf)});
        QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 2, 10000);

        DocumentListModel *model = w.documents();
        const int row = model->rowOf(QFileInfo(bad).absoluteFilePath());
        QVERIFY(row >= 0);
        QCOMPARE(model->entry(row).state, DocumentEntry::State::Failed);
        const QString text = model->index(row).data().toString();
        QVERIFY2(text.contains(QStringLiteral("damaged")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("repair it")), qPrintable(text)); // says what to do
        QVERIFY(anyContains(messages, QStringLiteral("damaged.pdf")));

        // Selecting the broken one shows its error instead of pages; the good one still opens.
        w.selectDocument(row);
        QCOMPARE(w.preview()->pageCount(), 0);
        QVERIFY(w.preview()->isPageRendered(1) == false);
        const auto actions = w.findChildren<QAction *>();
        const auto zoomIn = std::find_if(actions.cbegin(), actions.cend(), [](QAction *a) {
            return a->shortcuts().contains(QKeySequence(QKeySequence::ZoomIn));
        });
        QVERIFY(zoomIn != actions.cend());
        QVERIFY(!(*zoomIn)->isEnabled()); // nothing to zoom
        w.selectDocument(model->rowOf(QFileInfo(m_pdf).absoluteFilePath()));
        QTRY_VERIFY_WITH_TIMEOUT(w.preview()->isPageRendered(1), 10000);
    }

    void missingAndRemoteAreRefused() {
        MainWindow w;
        QSignalSpy messages(&w, &MainWindow::statusMessage);
        QSignalSpy added(&w, &MainWindow::pathsAdded);
        w.addPaths({m_dir.filePath(QStringLiteral("nope.pdf"))});
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 1, 10000);
        QCOMPARE(w.documents()->rowCount(), 0);
        QVERIFY(anyContains(messages, QStringLiteral("nope.pdf")));

        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QMimeData mime;
        mime.setUrls({QUrl(QStringLiteral("https://example.org/paper.pdf"))});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QVERIFY(anyContains(messages, QStringLiteral("download the files first")));
    }

    void scrollingNeverBlocksTheLoop() {
        // Poppler work stays off the GUI thread: paging through a real two-column paper at a high zoom, where each
        // page takes Poppler well over 100 ms, keeps the loop responsive.
        const QString paper = testpaths::corpusDir() + QStringLiteral("/paper-2col-tracemonkey.pdf");
        if (!QFile::exists(paper))
            QSKIP("corpus not available");
        MainWindow w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.addPaths({paper});
        PagePreview *preview = w.preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->pageCount(), 14, 10000);
        preview->setZoom(2.0);
        QTest::qWait(50);

        overtext::StallMonitor monitor;
        monitor.start(5);
        for (int page = 1; page <= 8; ++page) {
            preview->goToPage(page);
            QTest::qWait(60);
        }
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), 15000);
        qInfo("loop lateness while paging: max %.1f ms, p99 %.1f ms, %lld samples", monitor.maxMs(), monitor.p99Ms(),
              monitor.samples());
        // The loop's lateness is a benchmark figure, not a test goal (it depends on the machine's load); what must
        // hold is that Poppler never ran on this thread.
        QCOMPARE(overtext::PdfDocument::mainThreadCalls(), 0);
    }

    void switchingDocumentsQuicklyStillRenders() {
        // Renders of the documents left behind are discarded (generation) and must not block the ones after them.
        const QString copy = m_dir.filePath(QStringLiteral("copy.pdf"));
        QVERIFY(QFile::exists(copy) || QFile::copy(m_pdf, copy));
        MainWindow w;
        w.resize(900, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.addPaths({m_pdf, copy});
        QTRY_VERIFY_WITH_TIMEOUT(w.documents()->rowCount() == 2 && !w.documents()->isBusy(), 10000);
        for (int i = 0; i < 20; ++i) {
            w.selectDocument(i % 2);
            QTest::qWait(i % 3);
        }
        QCOMPARE(w.preview()->documentPath(), w.documents()->entry(1).path);
        QTRY_VERIFY_WITH_TIMEOUT(w.preview()->visiblePagesRendered(), 10000);
    }

    void closingWhileRenderingIsSafe() {
        // The window goes away while its pages are being opened and rendered: abort flags and QPointer guards make
        // the late results land nowhere.
        for (int i = 0; i < 3; ++i) {
            auto *w = new MainWindow;
            QPointer<MainWindow> guard(w);
            w->show();
            w->addPaths({m_pdf});
            QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pageCount() == 2 || i == 0, 10000);
            delete w;
            QVERIFY(!guard);
            QTest::qWait(100);
        }
    }
};

QTEST_MAIN(TestGuiMainWindow)
#include "tst_gui_mainwindow.moc"
