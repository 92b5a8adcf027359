#pragma once

#include <QCoroTask>
#include <QMainWindow>
#include <QStringList>
#include <QThreadPool>

class QLabel;
class QListView;
class QMenu;
class QAction;

namespace overtext::ui {

class DocumentListModel;
class PagePreview;

/// The main window: a list of the PDFs the user added on the left, the selected one's pages on the right.
/// Files come from File ▸ Open, Open Recent, drops of files or folders anywhere on the window, or the command line.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    DocumentListModel *documents() const { return m_model; }
    PagePreview *preview() const { return m_preview; }
    QListView *documentList() const { return m_list; }
    /// Files in the Open Recent menu, newest first.
    QStringList recentFiles() const;

    static constexpr int MaxRecentFiles = 10;

public Q_SLOTS:
    /// Adds files and folders (searched recursively for PDFs); anything else is refused with a status message.
    /// The search and the opening run off the GUI thread; pathsAdded() tells when the search is done.
    void addPaths(const QStringList &paths);
    void showOpenDialog();
    void selectDocument(int row);

Q_SIGNALS:
    /// Every message shown in the status bar, for tests and for a later log view.
    void statusMessage(const QString &message);
    /// The paths given to addPaths() were searched; pdfs lists the rows added (new ones only).
    void pathsAdded(const QStringList &pdfs);
    /// A document finished opening, successfully or not.
    void documentOpened(const QString &path, bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QCoro::Task<> collectAndAdd(QStringList paths);
    QCoro::Task<> openDocument(QString path);
    void createActions();
    void showMessage(const QString &message);
    void showCurrentDocument();
    void rememberRecent(const QString &path);
    void rebuildRecentMenu();
    void updatePageLabel(int page, int count);
    void updateZoomLabel(double zoom, bool fitWidth);
    void updateTitle();

    DocumentListModel *m_model = nullptr;
    QListView *m_list = nullptr;
    PagePreview *m_preview = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_pageLabel = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QList<QAction *> m_viewActions; // enabled only while a document is shown
    QThreadPool m_pool;             // searching folders and opening documents
};

} // namespace overtext::ui
