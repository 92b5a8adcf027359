#include "exportdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace overtext::ui {

ExportDialog::ExportDialog(int documents, QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("Export Translations"));
    m_mode = new QComboBox;
    m_mode->addItem(tr("Translation only"), int(ExportOptions::Mode::Translation));
    m_mode->addItem(tr("Bilingual, side by side"), int(ExportOptions::Mode::SideBySide));
    m_mode->addItem(tr("Bilingual, alternating pages"), int(ExportOptions::Mode::Alternate));
    m_folder = new QLineEdit;
    m_folder->setPlaceholderText(tr("Beside each original"));
    m_folder->setClearButtonEnabled(true);
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);

    m_cover = new QCheckBox(tr("Summary &cover page (the document's summary from the Summary panel first)"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Layout:"), m_mode);
    form->addRow(tr("&Folder:"), folderRow);
    form->addRow(QString(), m_cover);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export %n Document(s)", nullptr, documents));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Each finished document is written as NAME.LANGUAGE.pdf.")));
    layout->addLayout(form);
    layout->addWidget(buttons);
}

ExportOptions::Mode ExportDialog::mode() const {
    return ExportOptions::Mode(m_mode->currentData().toInt());
}

void ExportDialog::setMode(ExportOptions::Mode mode) {
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(int(mode))));
}

QString ExportDialog::folder() const {
    return m_folder->text().trimmed();
}

bool ExportDialog::summaryCover() const {
    return m_cover->isChecked();
}

void ExportDialog::setSummaryCover(bool on) {
    m_cover->setChecked(on);
}

} // namespace overtext::ui
