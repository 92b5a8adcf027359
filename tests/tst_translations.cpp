// lupdate over the interface's sources into copies of the shipped .ts files: every text has a finished translation in
// each of the five languages, and each translation keeps the placeholders and the keyboard accelerator. A text added
// to ui/ without its translations fails here.
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

const QStringList Languages = {QStringLiteral("de"), QStringLiteral("es"), QStringLiteral("fr"), QStringLiteral("ja"),
                               QStringLiteral("zh_CN")};

// The sources ui/CMakeLists.txt gives qt_add_translations().
QStringList interfaceSources() {
    QStringList out;
    const QDir ui(testpaths::sourceDir() + QStringLiteral("/ui"));
    for (const QString &name : ui.entryList({QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files))
        out.append(ui.filePath(name));
    out.append(testpaths::sourceDir() + QStringLiteral("/app/main_gui.cpp"));
    return out;
}

// lupdate with the options of ui/CMakeLists.txt; returns its error output when it fails.
QString runLupdate(const QStringList &sources, const QString &ts) {
    QProcess p;
    p.start(QStringLiteral(OVERTEXT_LUPDATE), QStringList{QStringLiteral("-silent"), QStringLiteral("-locations"),
                                                          QStringLiteral("none"), QStringLiteral("-no-obsolete")}
                                                  << sources << QStringLiteral("-ts") << ts);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("lupdate failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
    return {};
}

QSet<QString> placeholders(const QString &text) {
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    QSet<QString> out;
    for (auto it = re.globalMatch(text); it.hasNext();)
        out.insert(it.next().captured());
    return out;
}

int accelerators(const QString &text) {
    static const QRegularExpression re(QStringLiteral("&(?!&)\\S"));
    return int(text.count(re)) - int(text.count(QStringLiteral("&&")));
}

struct Check {
    int messages = 0;
    QStringList problems;
};

// Reads a .ts file and lists every message that is not translated properly.
Check checkTs(const QString &path) {
    Check out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        out.problems.append(QStringLiteral("cannot read ") + path);
        return out;
    }
    QXmlStreamReader xml(&f);
    QString context, source;
    bool numerus = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            ++out.messages;
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            const QString where = context + QStringLiteral(": \"") + source + QLatin1Char('"');
            const QStringView type = xml.attributes().value(QLatin1String("type"));
            const QString state = type.toString();
            QStringList forms;
            if (numerus) {
                while (xml.readNextStartElement())
                    forms.append(xml.readElementText());
            } else {
                forms.append(xml.readElementText());
            }
            if (!state.isEmpty()) { // unfinished, vanished, obsolete: one problem, whatever the text
                out.problems.append(where + QStringLiteral(" is ") + state);
                continue;
            }
            for (const QString &form : std::as_const(forms)) {
                if (form.trimmed().isEmpty()) {
                    out.problems.append(where + QStringLiteral(" has no translation"));
                    continue;
                }
                if (placeholders(form) != placeholders(source))
                    out.problems.append(where + QStringLiteral(" changes the placeholders: \"") + form +
                                        QLatin1Char('"'));
                if (accelerators(source) != accelerators(form))
                    out.problems.append(where + QStringLiteral(" loses or adds an accelerator (&): \"") + form +
                                        QLatin1Char('"'));
            }
        }
    }
    if (xml.hasError())
        out.problems.append(path + QStringLiteral(": ") + xml.errorString());
    return out;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyTextIsTranslated_data() {
        QTest::addColumn<QString>("language");
        for (const QString &l : Languages)
            QTest::newRow(qPrintable(l)) << l;
    }
    void everyTextIsTranslated() {
        QFETCH(QString, language);
        const QString shipped =
            testpaths::sourceDir() + QStringLiteral("/resources/translations/overtext_%1.ts").arg(language);
        QTemporaryDir dir;
        const QString copy = dir.filePath(QFileInfo(shipped).fileName());
        QVERIFY(QFile::copy(shipped, copy));
        const QString failed = runLupdate(interfaceSources(), copy);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const Check check = checkTs(copy);
        QVERIFY2(check.messages > 200, qPrintable(QString::number(check.messages))); // lupdate did find the texts
        QVERIFY2(check.problems.isEmpty(),
                 qPrintable(QStringLiteral("%1 in %2 (update it: cmake --build build --target update_translations, "
                                           "then translate in Qt Linguist):\n")
                                .arg(check.problems.size())
                                .arg(QFileInfo(shipped).fileName()) +
                            check.problems.join(QLatin1Char('\n'))));
    }

    void aNewTextWithoutTranslationsIsCaught() {
        // The check above is only worth something if lupdate's new entry counts as a problem.
        QTemporaryDir dir;
        const QString extra = dir.filePath(QStringLiteral("newtext.cpp"));
        QFile f(extra);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#include <QCoreApplication>\n"
                "QString added() { return QCoreApplication::translate(\"overtext::ui::MainWindow\", "
                "\"A text nobody translated\"); }\n");
        f.close();
        const QString copy = dir.filePath(QStringLiteral("overtext_de.ts"));
        QVERIFY(QFile::copy(testpaths::sourceDir() + QStringLiteral("/resources/translations/overtext_de.ts"), copy));
        const QString failed = runLupdate(interfaceSources() << extra, copy);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const Check check = checkTs(copy);
        QCOMPARE(check.problems.size(), 1);
        QVERIFY2(check.problems.first().contains(QStringLiteral("A text nobody translated")) &&
                     check.problems.first().contains(QStringLiteral("unfinished")),
                 qPrintable(check.problems.first()));
    }

    void placeholdersAndAcceleratorsAreChecked() {
        QTemporaryDir dir;
        const QString ts = dir.filePath(QStringLiteral("bad.ts"));
        QFile f(ts);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>overtext::ui::MainWindow</name>
    <message>
        <source>Page %1 of %2</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>Datei</translation>
    </message>
    <message numerus="yes">
        <source>%n pages</source>
        <translation>
            <numerusform>%n Seite</numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
</TS>
)");
        f.close();
        const Check check = checkTs(ts);
        QCOMPARE(check.messages, 3);
        QCOMPARE(check.problems.size(), 3);
        QVERIFY(check.problems.at(0).contains(QStringLiteral("placeholders")));
        QVERIFY(check.problems.at(1).contains(QStringLiteral("accelerator")));
        QVERIFY(check.problems.at(2).contains(QStringLiteral("no translation")));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
