#pragma once

#include "render/pdfexporter.h"

#include <QDialog>

class QComboBox;
class QLineEdit;

namespace overtext::ui {

/// Asks how to export the finished documents of the batch: translation only or bilingual (side by side or
/// alternating pages), and into which folder (empty: beside each input, as NAME.LANG.pdf).
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(int documents, QWidget *parent = nullptr);

    ExportOptions::Mode mode() const;
    void setMode(ExportOptions::Mode mode);
    QString folder() const;

private:
    QComboBox *m_mode = nullptr;
    QLineEdit *m_folder = nullptr;
};

} // namespace overtext::ui
