#include "pdf/pdfdocument.h"
#include "testpaths.h"

#include <QTemporaryDir>
#include <QTest>

using namespace overtext;

class TestPdfDocument : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void missingFileIsIoError()
    {
        auto doc = PdfDocument::open(QStringLiteral("/nonexistent/x.pdf"));
        QVERIFY(!doc.ok());
        QCOMPARE(doc.error().code, Error::Io);
    }
    void emptyAndNonPdfAreDamaged()
    {
        QTemporaryDir dir;
        QFile empty(dir.filePath(QStringLiteral("empty.pdf")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        auto a = PdfDocument::open(empty.fileName());
        QVERIFY(!a.ok());
        QCOMPARE(a.error().code, Error::PdfDamaged);
        QVERIFY2(a.error().message.contains(QLatin1String("empty")), qPrintable(a.error().message));

        QFile text(dir.filePath(QStringLiteral("text.pdf")));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("hello, I am not a PDF\n");
        text.close();
        auto b = PdfDocument::open(text.fileName());
        QVERIFY(!b.ok());
        QCOMPARE(b.error().code, Error::PdfDamaged);
        QVERIFY2(b.error().message.contains(QLatin1String("not a PDF")), qPrintable(b.error().message));
    }
    void lockedNeedsPassword()
    {
        const QString path = testpaths::corpusDir() + QStringLiteral("/enc-aes256-r6-userpw.pdf");
        if (!QFile::exists(path))
            QSKIP("corpus not available");
        auto a = PdfDocument::open(path);
        QVERIFY(!a.ok());
        QCOMPARE(a.error().code, Error::PdfLocked);
        QVERIFY2(a.error().message.contains(QLatin1String("needs a password")), qPrintable(a.error().message));
        auto b = PdfDocument::open(path, "wrong");
        QVERIFY(!b.ok());
        QCOMPARE(b.error().code, Error::PdfLocked);
        QVERIFY(b.error().message.contains(QLatin1String("wrong")));
        auto c = PdfDocument::open(path, "view");
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE((*c)->pageCount(), 30);
        auto words = (*c)->words(1);
        QVERIFY(words.ok());
        QVERIFY(!words->isEmpty());
    }
    void rotationAndSize()
    {
        const QString path = testpaths::corpusDir() + QStringLiteral("/rotated-page90-distiller.pdf");
        if (!QFile::exists(path))
            QSKIP("corpus not available");
        auto doc = PdfDocument::open(path);
        QVERIFY(doc.ok());
        const PageInfo p1 = (*doc)->pageInfo(1);
        const PageInfo p2 = (*doc)->pageInfo(2);
        QCOMPARE(p1.rotation, 0);
        QCOMPARE(p2.rotation, 90);
        QVERIFY(p1.size.width() < p1.size.height());
        QVERIFY(p2.size.width() > p2.size.height());
    }
};

QTEST_GUILESS_MAIN(TestPdfDocument)
#include "tst_pdfdocument.moc"
