#pragma once

#include <QDialog>

class QTableWidget;

namespace overtext::ui {

/// Help ▸ About Overtext: the version, what the program is for, and the libraries and fonts it uses with their
/// licences (as Debian's copyright files state them).
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);

    /// The program's version, from project(VERSION) in CMakeLists.txt.
    static QString version();

    // For tests.
    QTableWidget *componentTable() const { return m_components; }

private:
    QTableWidget *m_components = nullptr;
};

} // namespace overtext::ui
