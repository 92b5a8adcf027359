#include "aboutdialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#ifndef OVERTEXT_VERSION
#error "OVERTEXT_VERSION comes from project(VERSION) in CMakeLists.txt"
#endif

namespace overtext::ui {

namespace {

struct Component {
    const char *name;
    const char *use; // translated in the AboutDialog context
    const char *licence;
};

// What the program links or relies on at run time, with the licence Debian's copyright file gives for its main files
// (/usr/share/doc/<package>/copyright).
constexpr Component Components[] = {
    {"Qt 6", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Application framework"), "LGPL-3.0 or GPL-2.0"},
    {"Poppler", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Reading PDF pages and text"), "GPL-2.0 or GPL-3.0"},
    {"qpdf", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Writing the exported PDFs"), "Apache-2.0"},
    {"QCoro", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Coroutines for Qt"), "MIT"},
    {"QtKeychain", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Storing API keys in the system keychain"),
     "BSD-2-Clause"},
    {"SQLite", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Translation and summary caches"), "Public domain"},
    {"Apertium", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Offline machine translation"), "GPL-2.0+"},
    {"Noto fonts", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Fonts for the translated text"), "OFL-1.1"},
    {"Liberation fonts", QT_TRANSLATE_NOOP("overtext::ui::AboutDialog", "Fonts for the translated text"), "OFL-1.1"},
};

} // namespace

QString AboutDialog::version() {
    return QStringLiteral(OVERTEXT_VERSION);
}

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("About Overtext"));
    setAccessibleName(tr("About Overtext"));

    auto *title = new QLabel(QStringLiteral("<h2>Overtext %1</h2>").arg(version().toHtmlEscaped()));
    title->setObjectName(QStringLiteral("aboutTitle"));
    auto *summary = new QLabel(tr("Translates PDF documents in batches and keeps their layout: the translation is "
                                  "painted where the original text was."));
    summary->setWordWrap(true);
    auto *runtime = new QLabel(tr("Running on Qt %1.").arg(QString::fromLatin1(qVersion())));

    m_components = new QTableWidget(int(std::size(Components)), 3);
    m_components->setObjectName(QStringLiteral("aboutComponents"));
    m_components->setAccessibleName(tr("Libraries and fonts"));
    m_components->setHorizontalHeaderLabels({tr("Component"), tr("Used for"), tr("Licence")});
    m_components->verticalHeader()->hide();
    m_components->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_components->setSelectionMode(QAbstractItemView::NoSelection);
    m_components->setWordWrap(false);
    int row = 0;
    for (const Component &c : Components) {
        m_components->setItem(row, 0, new QTableWidgetItem(QString::fromUtf8(c.name)));
        m_components->setItem(row, 1, new QTableWidgetItem(tr(c.use)));
        m_components->setItem(row, 2, new QTableWidgetItem(QString::fromUtf8(c.licence)));
        ++row;
    }
    m_components->resizeColumnsToContents();
    m_components->horizontalHeader()->setStretchLastSection(true);

    auto *where = new QLabel(tr("The licence texts are installed with each package in /usr/share/doc."));
    where->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(summary);
    layout->addWidget(runtime);
    layout->addWidget(m_components, 1);
    layout->addWidget(where);
    layout->addWidget(buttons);
    resize(640, 460);
}

} // namespace overtext::ui
