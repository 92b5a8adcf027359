// Closing the app mid-batch loses nothing: a batch translating against the fake OpenAI-compatible server (over
// loopback, one request at a time, each answered slowly) is closed after some segments finished; a new window offers
// to resume, the offer is accepted, the document finishes, and the server never sees again a segment that had
// finished before the close. Also: the saved batch is written atomically and survives a damaged file with a clear
// message.

#include "documentlistmodel.h"
#include "engine/batchrun.h"
#include "fakes/fakeservices.h"
#include "fakes/pdfmaker.h"
#include "mainwindow.h"
#include "store/appsettings.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QMessageBox>
#include <QPointer>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace overtext;
using namespace overtext::ui;
using namespace testsupport;

namespace {

constexpr int Timeout = 60000;

QString stateFile() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("batch.json"));
}

/// Four pages of prose, about 5,000 characters each: several requests at the fake server's 6,000-character budget.
bool makeLongPdf(const QString &path) {
    PdfMaker maker;
    const QString sentence = QStringLiteral("Sentence %1 of paragraph %2 on page %3 tells how the harbour woke up. ");
    for (int page = 1; page <= 4; ++page) {
        if (page > 1)
            maker.newPage();
        double y = 60;
        for (int para = 1; para <= 6; ++para) {
            QString text;
            for (int s = 1; s <= 11; ++s)
                text += sentence.arg(s).arg(para).arg(page);
            y = maker.paragraph(50, y, 495, text.trimmed(), 8, 1.2) + 14;
        }
    }
    return maker.save(path);
}

} // namespace

class TestGuiResume : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("overtext-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_resume"));
        QSettings().clear();
        QFile::remove(stateFile());
    }

    void closingMidBatchResumesWithoutResending() {
        FakeBehaviour slow;
        slow.firstByteDelayMs = 600;
        FakeServerThread server(fakeOpenAiHandler(slow));
        QUrl url = server.baseUrl();
        url.setPath(QStringLiteral("/v1"));

        // A profile for the fake server, one request at a time.
        AppSettings settings = AppSettings::load();
        ProviderProfile fake;
        fake.id = QStringLiteral("fake");
        fake.name = QStringLiteral("Fake LLM");
        fake.type = QStringLiteral("openai");
        fake.baseUrl = url.toString();
        fake.model = QStringLiteral("fake-model");
        settings.profiles.append(fake);
        settings.currentProfile = fake.id;
        settings.concurrency = 1;
        settings.save();

        const QString pdf = m_dir.filePath(QStringLiteral("long.pdf"));
        QVERIFY(makeLongPdf(pdf));
        const QString cache = m_dir.filePath(QStringLiteral("cache.sqlite"));

        auto *w = new MainWindow;
        QPointer<MainWindow> guard(w);
        w->setCachePath(cache);
        w->setTargetLanguage(QStringLiteral("fr"));
        QCOMPARE(w->providerCombo()->currentData().toString(), fake.id);
        w->addPaths({pdf});
        QTRY_COMPARE_WITH_TIMEOUT(w->documents()->rowCount(), 1, Timeout);
        w->startAll();
        // Some segments finished, others not yet.
        QTRY_VERIFY_WITH_TIMEOUT(w->batch()->status(pdf).progress.done > 0, Timeout);
        const DocumentProgress atClose = w->batch()->status(pdf).progress;
        QCOMPARE(w->batch()->status(pdf).state, BatchDocStatus::State::Running);
        QVERIFY2(atClose.done < atClose.total, "the document finished before the window closed: no resume to test");
        QSet<QString> finished;
        for (const SegmentTranslation &s : w->batch()->translation(pdf)->segments)
            if (s.status == SegmentStatus::Done)
                finished.insert(s.segment.text);
        QVERIFY(!finished.isEmpty());
        delete w; // closing the app mid-batch
        QVERIFY(!guard);
        const int requestsBeforeClose = server.server()->requestCount();

        // The saved batch names the document as unfinished, with its settings and no secret.
        auto saved = BatchRun::loadSaved(stateFile());
        QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
        QCOMPARE(saved->unfinished, QStringList{pdf});
        QCOMPARE(saved->settings.targetLang, QStringLiteral("fr"));
        QCOMPARE(saved->settings.provider.baseUrl, url.toString());

        // The next start offers to resume; accepted, the document finishes.
        MainWindow again;
        again.setCachePath(cache);
        again.offerResume();
        auto *box = again.findChild<QMessageBox *>(QStringLiteral("resumeDialog"));
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->text().startsWith(QStringLiteral("One document was still translating")), qPrintable(box->text()));
        if (const QString dir = qEnvironmentVariable("OVERTEXT_SCREENSHOT_DIR"); !dir.isEmpty())
            QVERIFY(box->grab().save(QDir(dir).filePath(QStringLiteral("resume.png"))));
        box->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(again.documents()->rowCount(), 1, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(again.batch()->status(pdf).state, BatchDocStatus::State::Done, Timeout);
        const DocumentProgress resumed = again.batch()->status(pdf).progress;
        QCOMPARE(resumed.failed, 0);
        QCOMPARE(resumed.done, atClose.total);
        QVERIFY(resumed.cached >= finished.size()); // what had finished came from the cache …
        const QList<FakeRequest> requests = server.server()->requests();
        QVERIFY(requests.size() > requestsBeforeClose); // … and the rest from the server
        for (const FakeRequest &r : requests) {
            if (r.index < requestsBeforeClose)
                continue;
            for (const QString &text : r.texts)
                QVERIFY2(!finished.contains(text), qPrintable(QStringLiteral("sent again: ") + text));
        }
        QCOMPARE(again.targetLanguage(), QStringLiteral("fr"));

        // Finished: nothing left to offer.
        auto after = BatchRun::loadSaved(stateFile());
        QVERIFY(after.ok());
        QVERIFY(after->unfinished.isEmpty());
        MainWindow third;
        third.offerResume();
        QVERIFY(!third.findChild<QMessageBox *>(QStringLiteral("resumeDialog")));
    }

    void decliningForgetsTheBatch() {
        QFile file(stateFile());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"version":1,"settings":{"provider":"apertium","targetLang":"es"},
                      "documents":[{"path":"/nonexistent/a.pdf","state":"running"}]})");
        file.close();
        MainWindow w;
        w.offerResume();
        auto *box = w.findChild<QMessageBox *>(QStringLiteral("resumeDialog"));
        QVERIFY(box);
        box->button(QMessageBox::No)->click();
        QTRY_VERIFY(BatchRun::loadSaved(stateFile()).ok() && BatchRun::loadSaved(stateFile())->unfinished.isEmpty());
        QCOMPARE(w.documents()->rowCount(), 0);
    }

    void damagedStateFileIsAClearError() {
        QFile file(stateFile());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"version\":1, \"documents\": [");
        file.close();
        auto loaded = BatchRun::loadSaved(stateFile());
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, Error::Parse);
        QVERIFY2(loaded.error().message.contains(QStringLiteral("is not a saved batch")),
                 qPrintable(loaded.error().message));
        MainWindow w;
        QSignalSpy messages(&w, &MainWindow::statusMessage);
        w.offerResume(); // nothing to offer: it says why
        QVERIFY(!w.findChild<QMessageBox *>(QStringLiteral("resumeDialog")));
        QCOMPARE(messages.size(), 1);
        QVERIFY2(messages.at(0).at(0).toString().contains(QStringLiteral("cannot be resumed")),
                 qPrintable(messages.at(0).at(0).toString()));
        auto missing = BatchRun::loadSaved(m_dir.filePath(QStringLiteral("none.json")));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, Error::Io);
    }
};

QTEST_MAIN(TestGuiResume)
#include "tst_gui_resume.moc"
