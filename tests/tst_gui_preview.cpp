// The preview beyond a single page column: thumbnails, side by side, and the translation overlay's per-page images,
// with a real translation streamed from the fake OpenAI-compatible server over loopback.
#include "documentlistmodel.h"
#include "fakes/fakeservices.h"
#include "fakes/pdfmaker.h"
#include "mainwindow.h"
#include "pagepreview.h"
#include "pdf/pdfdocument.h"
#include "thumbnailbar.h"
#include "translationoverlay.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QIcon>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <QCoroTask>

using namespace overtext;
using namespace overtext::ui;

namespace {

constexpr int Timeout = 30000;
constexpr int Pages = 8;

int darkPixels(const QImage &image, const QRect &area) {
    int count = 0;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            count += qGray(image.pixel(x, y)) < 160; // the bars are dark grey
    return count;
}

int changedPixels(const QImage &a, const QRect &ra, const QImage &b, const QRect &rb) {
    int n = 0;
    for (int y = 0; y < std::min(ra.height(), rb.height()); ++y)
        for (int x = 0; x < std::min(ra.width(), rb.width()); ++x) {
            const QPoint pa = ra.topLeft() + QPoint(x, y), pb = rb.topLeft() + QPoint(x, y);
            if (a.rect().contains(pa) && b.rect().contains(pb))
                n += a.pixel(pa) != b.pixel(pb);
        }
    return n;
}

QRect boxOnScreen(const QRectF &pageRect, double scale, const QRectF &box) {
    return QRectF(pageRect.topLeft() + box.topLeft() * scale, box.size() * scale).toAlignedRect();
}

} // namespace

class TestGuiPreview : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_pdf;
    std::unique_ptr<testsupport::FakeServerThread> m_server;

    void prepare(MainWindow &w) {
        w.setCachePath(m_dir.filePath(QStringLiteral("cache-%1.sqlite").arg(QDateTime::currentMSecsSinceEpoch())));
        w.setProviderConfig(ProviderConfig{QStringLiteral("openai"),
                                           m_server->baseUrl().toString() + QStringLiteral("/v1"),
                                           QStringLiteral("fake"), QString()});
        w.setTargetLanguage(QStringLiteral("es"));
        w.setShowTranslation(true);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.addPaths({m_pdf});
        QTRY_COMPARE_WITH_TIMEOUT(w.preview()->pageCount(), Pages, Timeout);
    }

    /// The first prose segment of page 1, once the document is translated.
    const SegmentTranslation *translateAll(MainWindow &w) {
        w.startAll();
        const QString path = w.documents()->entry(0).path;
        [&] { QTRY_VERIFY_WITH_TIMEOUT(w.batch()->status(path).state == BatchDocStatus::State::Done, Timeout); }();
        const DocumentTranslation *doc = w.batch()->translation(path);
        if (!doc)
            return nullptr;
        for (const SegmentTranslation &s : doc->segments)
            if (s.segment.page == 1 && s.status == SegmentStatus::Done)
                return &s;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_preview"));
        QSettings().clear(); // a run that stopped halfway may have left side by side on
        QVERIFY(m_dir.isValid());
        // Eight pages, each with a heading, a paragraph and a black bar whose height grows with the page number, so
        // that thumbnails and pages can be told apart by their pixels.
        testsupport::PdfMaker maker;
        for (int p = 1; p <= Pages; ++p) {
            if (p > 1)
                maker.newPage();
            maker.line(60, 90, QStringLiteral("Chapter %1").arg(p), 28);
            maker.paragraph(60, 150, 460,
                            QStringLiteral("This paragraph on page %1 explains how the gardens of the old harbour "
                                           "were planted, watered and harvested by the people of the town.")
                                .arg(p),
                            14);
            maker.box(QRectF(60, 400, 300, 20.0 * p));
        }
        m_pdf = m_dir.filePath(QStringLiteral("chapters.pdf"));
        QVERIFY(maker.save(m_pdf));
        testsupport::FakeBehaviour behaviour;
        behaviour.chunkDelayMs = 1;
        m_server = std::make_unique<testsupport::FakeServerThread>(testsupport::fakeOpenAiHandler(behaviour));
    }

    void thumbnailsAppearAndNavigate() {
        MainWindow w;
        prepare(w);
        ThumbnailBar *bar = w.thumbnails();
        QVERIFY(bar->isVisible());
        QCOMPARE(bar->model()->rowCount(), Pages);
        QTRY_VERIFY_WITH_TIMEOUT(bar->isThumbnailReady(1) && bar->isThumbnailReady(2), Timeout);
        // A rendered thumbnail shows the page: its bar is dark; the placeholder of a page not yet rendered is blank.
        const QImage thumb = bar->model()
                                 ->index(0, 0)
                                 .data(Qt::DecorationRole)
                                 .value<QIcon>()
                                 .pixmap(QSize(ThumbnailBar::ThumbnailSize, ThumbnailBar::ThumbnailSize))
                                 .toImage();
        QVERIFY(!thumb.isNull());
        QVERIFY2(darkPixels(thumb, thumb.rect()) > 20, qPrintable(QString::number(darkPixels(thumb, thumb.rect()))));
        QVERIFY(bar->model()->index(0, 0).data(Qt::AccessibleTextRole).toString().contains(QLatin1String("1")));

        // A click on the fourth thumbnail shows page 4; the preview's page follows back into the bar.
        const QModelIndex fourth = bar->model()->index(3, 0);
        bar->scrollTo(fourth);
        QTest::mouseClick(bar->viewport(), Qt::LeftButton, {}, bar->visualRect(fourth).center());
        QCOMPARE(w.preview()->currentPage(), 4);
        QTRY_VERIFY_WITH_TIMEOUT(bar->isThumbnailReady(4), Timeout); // rows scrolled into view are rendered
        w.preview()->goToPage(7);
        QCOMPARE(bar->currentIndex().row(), 6);
        QCOMPARE(w.preview()->currentPage(), 7); // following the preview did not move it
        // Keyboard: up in the bar goes to the page before.
        bar->setFocus();
        QTest::keyClick(bar, Qt::Key_Up);
        QCOMPARE(w.preview()->currentPage(), 6);
        QCOMPARE(PdfDocument::mainThreadCalls(), 0);
    }

    void sideBySideScrollsBothSides() {
        MainWindow w;
        prepare(w);
        PagePreview *preview = w.preview();
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), Timeout);
        const double singleZoom = preview->zoom();
        QVERIFY(!preview->isSideBySide());
        QCOMPARE(preview->translationRect(1), preview->pageRect(1));

        preview->setFocus();
        QTest::keyClick(preview, Qt::Key_D, Qt::ControlModifier); // View ▸ Side by Side
        QVERIFY(preview->isSideBySide());
        QVERIFY(w.sideBySideAction()->isChecked());
        QVERIFY(preview->isFitWidth());
        QVERIFY(preview->zoom() < singleZoom * 0.6); // two pages share the width
        const QRectF left = preview->pageRect(2), right = preview->translationRect(2);
        QCOMPARE(left.top(), right.top());
        QCOMPARE(left.size(), right.size());
        QVERIFY(right.left() > left.right());
        QVERIFY(right.right() <= preview->viewport()->width());

        // A wheel turned over either side moves both by the same amount.
        for (const QRectF &side : {left, right}) {
            const double leftTop = preview->pageRect(2).top(), rightTop = preview->translationRect(2).top();
            const QPoint at = side.center().toPoint();
            QWheelEvent wheel(at, preview->viewport()->mapToGlobal(at), QPoint(), QPoint(0, -240), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(preview->viewport(), &wheel);
            const double moved = leftTop - preview->pageRect(2).top();
            QVERIFY2(moved > 20, qPrintable(QString::number(moved)));
            QCOMPARE(rightTop - preview->translationRect(2).top(), moved);
        }
        // Both copies of a page show its pixels: page 2's bar is as dark on the right as on the left.
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), Timeout);
        const QImage shot = preview->viewport()->grab().toImage();
        const double s = preview->scale();
        const QRectF bar(60, 400, 300, 40);
        const int darkLeft = darkPixels(shot, boxOnScreen(preview->pageRect(2), s, bar));
        const int darkRight = darkPixels(shot, boxOnScreen(preview->translationRect(2), s, bar));
        QVERIFY2(darkLeft > 100, qPrintable(QString::number(darkLeft)));
        QVERIFY2(std::abs(darkLeft - darkRight) <= darkLeft / 20,
                 qPrintable(QStringLiteral("%1 vs %2").arg(darkLeft).arg(darkRight)));

        // Back to one column: fit width gives the single zoom again.
        w.sideBySideAction()->trigger();
        QVERIFY(!preview->isSideBySide());
        QCOMPARE(preview->zoom(), singleZoom);
    }

    void translationSideShowsTheOverlay() {
        MainWindow w;
        prepare(w);
        PagePreview *preview = w.preview();
        w.sideBySideAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), Timeout);
        QTest::qWait(50);
        const QImage before = preview->viewport()->grab().toImage();

        const SegmentTranslation *first = translateAll(w);
        QVERIFY(first);
        QVERIFY(first->translation.startsWith(QLatin1String("[es]")));
        QTRY_VERIFY_WITH_TIMEOUT(w.overlay()->isPageUpToDate(1), Timeout);
        QTest::qWait(50);
        const QImage after = preview->viewport()->grab().toImage();
        const double s = preview->scale();
        const QRect leftBox = boxOnScreen(preview->pageRect(1), s, first->segment.box);
        const QRect rightBox = boxOnScreen(preview->translationRect(1), s, first->segment.box);
        // The original side is untouched; the translation side has the overlay inside the segment's box.
        QCOMPARE(changedPixels(before, leftBox, after, leftBox), 0);
        const int overlaid = changedPixels(after, leftBox, after, rightBox);
        QVERIFY2(overlaid > rightBox.width() * rightBox.height() / 50, qPrintable(QString::number(overlaid)));

        // Show Translation off hides the overlay over a single page, not the translation side of side by side.
        w.setShowTranslation(false);
        QTest::qWait(50);
        const QImage off = preview->viewport()->grab().toImage();
        QCOMPARE(changedPixels(after, rightBox, off, rightBox), 0);
        QCOMPARE(changedPixels(before, leftBox, off, leftBox), 0);

        // The choice is remembered for the next window.
        {
            MainWindow next;
            QVERIFY(next.sideBySideAction()->isChecked());
            QVERIFY(next.preview()->isSideBySide());
        }
        w.sideBySideAction()->trigger();
        QVERIFY(!MainWindow().preview()->isSideBySide());
    }

    void overlayIsDrawnOncePerChange() {
        MainWindow w;
        prepare(w);
        PagePreview *preview = w.preview();
        QTRY_VERIFY_WITH_TIMEOUT(preview->visiblePagesRendered(), Timeout);
        const SegmentTranslation *first = translateAll(w);
        QVERIFY(first);
        const QString id = first->segment.id;
        const QRectF segmentBox = first->segment.box;
        TranslationOverlay *overlay = w.overlay();
        QTRY_VERIFY_WITH_TIMEOUT(overlay->isPageUpToDate(1), Timeout);
        QTest::qWait(200); // the last coalesced repaint

        // Repainting and scrolling an unchanged page blits its image: nothing is laid out again.
        QSignalSpy built(overlay, &TranslationOverlay::pageUpdated);
        const QImage shown = preview->viewport()->grab().toImage();
        for (int i = 0; i < 5; ++i) {
            preview->verticalScrollBar()->setValue(preview->verticalScrollBar()->value() + 7);
            preview->viewport()->repaint();
        }
        preview->verticalScrollBar()->setValue(0);
        preview->viewport()->repaint();
        QTest::qWait(200);
        QCOMPARE(built.size(), 0);
        const double s = preview->scale();
        const QRect box = boxOnScreen(preview->pageRect(1), s, segmentBox);
        QCOMPARE(changedPixels(shown, box, preview->viewport()->grab().toImage(), box), 0);

        // A correction changes that page's translation: its image is drawn again, and only that page's.
        w.editSegment(id);
        w.translationEdit()->setPlainText(QStringLiteral("Corregido: un texto completamente distinto y mucho más "
                                                         "largo que ocupa todo el cuadro del párrafo original."));
        QSignalSpy saved(&w, &MainWindow::correctionSaved);
        w.saveCorrection();
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(built.size() >= 1, Timeout);
        QVERIFY(overlay->isPageUpToDate(1));
        for (const auto &args : std::as_const(built))
            QCOMPARE(args.at(0).toInt(), 1);
        QTest::qWait(50);
        QVERIFY(changedPixels(shown, box, preview->viewport()->grab().toImage(), box) > 0);

        // A new zoom draws the visible pages' images again, at the new scale.
        built.clear();
        preview->zoomIn();
        QTRY_VERIFY_WITH_TIMEOUT(overlay->isPageUpToDate(1), Timeout);
        QVERIFY(built.size() >= 1);
    }

    void cleanupTestCase() {
        m_server.reset();
        QCOMPARE(PdfDocument::mainThreadCalls(), 0);
    }
};

QTEST_MAIN(TestGuiPreview)
#include "tst_gui_preview.moc"
