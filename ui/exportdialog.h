#pragma once

#include "render/pdfexporter.h"

#include <QDialog>

class QCheckBox;
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
    /// Put each document's summary (from the summary panel) on cover pages first.
    bool summaryCover() const;
    void setSummaryCover(bool on);

private:
    QComboBox *m_mode = nullptr;
    QLineEdit *m_folder = nullptr;
    QCheckBox *m_cover = nullptr;
};

} // namespace overtext::ui
