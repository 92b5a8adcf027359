#pragma once

#include "engine/batchrun.h"

#include <QCoroTask>
#include <QHash>
#include <QMainWindow>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

class QComboBox;
class QDockWidget;
class QLabel;
class QListView;
class QMenu;
class QAction;
class QPlainTextEdit;
class QPainter;
class QToolBar;

namespace overtext::ui {

class DocumentListModel;
class PagePreview;
class SummaryPanel;
class ThumbnailBar;
class TranslationOverlay;

/// The main window: the batch queue on the left (the PDFs the user added, with their translation progress), the
/// selected one's pages on the right with the translation laid over them as it arrives, and a segment editor dock.
/// Files come from File ▸ Open, Open Recent, drops of files or folders anywhere on the window, or the command line.
/// The translation itself is BatchRun's (core); this window only wires it to the views.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    DocumentListModel *documents() const { return m_model; }
    PagePreview *preview() const { return m_preview; }
    ThumbnailBar *thumbnails() const { return m_thumbnails; }
    TranslationOverlay *overlay() const { return m_overlay; }
    QAction *sideBySideAction() const { return m_sideBySide; }
    QListView *documentList() const { return m_list; }
    BatchRun *batch() const { return m_batch; }
    QComboBox *languageCombo() const { return m_languageCombo; }
    QComboBox *providerCombo() const { return m_providerCombo; }
    QAction *showTranslationAction() const { return m_showTranslation; }
    QDockWidget *segmentEditor() const { return m_editorDock; }
    SummaryPanel *summaryPanel() const { return m_summaryPanel; }
    QPlainTextEdit *sourceEdit() const { return m_sourceEdit; }
    QPlainTextEdit *translationEdit() const { return m_translationEdit; }
    /// The segment open in the editor ("" when none).
    QString editedSegment() const { return m_editSegment; }

    /// The target language code ("es") and provider chosen in the toolbar (remembered in QSettings).
    QString targetLanguage() const;
    void setTargetLanguage(const QString &code);
    /// The provider and its connection details (base URL, model, API key variable); the name goes to the toolbar.
    void setProviderConfig(const ProviderConfig &config);
    /// The provider with the network settings of Settings (proxy, CA bundle, timeout) and the command line's over them.
    ProviderConfig providerConfig() const;
    /// Network settings from the command line (--proxy, --ca-file, --timeout), over those of Settings.
    void setNetworkOverride(const NetworkConfig &network) { m_networkOverride = network; }
    /// Where the translation cache lives (tests); empty = the default path. Effective before the first start.
    void setCachePath(const QString &path);
    /// The segment under a point of a page of the shown document, or empty.
    QString segmentAt(int page, const QPointF &pointInPage) const;
    /// Files in the Open Recent menu, newest first.
    QStringList recentFiles() const;

    static constexpr int MaxRecentFiles = 10;

public Q_SLOTS:
    /// Adds files and folders (searched recursively for PDFs); anything else is refused with a status message.
    /// The search and the opening run off the GUI thread; pathsAdded() tells when the search is done.
    void addPaths(const QStringList &paths);
    void showOpenDialog();
    void selectDocument(int row);

    void startAll();
    void startSelected();
    void setPaused(bool paused);
    void cancelSelected();
    void cancelAll();
    void retryFailedSelected();
    void retryFailedAll();
    void removeSelected();
    void removeAll();
    void setShowTranslation(bool show);
    /// Opens the segment editor on a segment of the shown document.
    void editSegment(const QString &segmentId);
    /// Stores the editor's text as the correction of its segment.
    void saveCorrection();
    void showExportDialog();
    /// Opens Settings (Ctrl+,): services and their keys, limits, glossary, instruction.
    void showSettings();
    /// Refills the toolbar's service list from the settings (after Settings ▸ OK).
    void reloadProfiles();
    /// When the last session closed with documents still translating, asks (a non-modal dialog named
    /// "resumeDialog") whether to resume them; Yes queues and starts them with the settings they had.
    void offerResume();
    /// Exports every finished document: NAME.LANG.pdf in folder (empty: beside each input); with summaryCover, the
    /// summary panel's summary of each document (when it has one) on cover pages first.
    void exportFinished(const QString &folder, overtext::ExportOptions::Mode mode, bool summaryCover = false);

Q_SIGNALS:
    /// Every message shown in the status bar, for tests and for a later log view.
    void statusMessage(const QString &message);
    /// The paths given to addPaths() were searched; pdfs lists the rows added (new ones only).
    void pathsAdded(const QStringList &pdfs);
    /// A document finished opening, successfully or not.
    void documentOpened(const QString &path, bool ok);
    /// A correction was saved (ok) or could not be stored.
    void correctionSaved(const QString &path, const QString &segmentId, bool ok);
    /// One document's export ended: the output file, or the error.
    void documentExported(const QString &path, bool ok, const QString &outputOrError);
    /// exportFinished() is done with every document.
    void exportDone(int exported, int failed);

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
    void createBatchActions(QToolBar *bar);
    void createEditorDock();
    void applySettingsToBatch();
    QStringList selectedPaths() const;
    QStringList allPaths() const;
    void onBatchStatus(const QString &path);
    void updateBatchActions();
    void paintTranslation(QPainter &painter, int page, const QRectF &pageRect, double scale);
    QCoro::Task<> storeCorrection(QString path, QString segmentId, QString text);
    QCoro::Task<> exportDocuments(QStringList paths, QString folder, overtext::ExportOptions::Mode mode,
                                  bool summaryCover);

    DocumentListModel *m_model = nullptr;
    QListView *m_list = nullptr;
    PagePreview *m_preview = nullptr;
    ThumbnailBar *m_thumbnails = nullptr;
    TranslationOverlay *m_overlay = nullptr;
    QAction *m_sideBySide = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_pageLabel = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QList<QAction *> m_viewActions; // enabled only while a document is shown
    QThreadPool m_pool;             // searching folders and opening documents

    BatchRun *m_batch = nullptr;
    std::optional<ProviderConfig> m_providerOverride; // from the command line; else the toolbar's profile
    NetworkConfig m_networkOverride;                  // from the command line
    QComboBox *m_languageCombo = nullptr;
    QComboBox *m_providerCombo = nullptr;
    QAction *m_showTranslation = nullptr;
    QAction *m_pause = nullptr;
    QList<QAction *> m_batchActions;
    QTimer m_repaint; // coalesces overlay repaints while segments stream in
    QDockWidget *m_editorDock = nullptr;
    SummaryPanel *m_summaryPanel = nullptr;
    QPlainTextEdit *m_sourceEdit = nullptr;
    QPlainTextEdit *m_translationEdit = nullptr;
    QLabel *m_editorLabel = nullptr;
    QString m_editPath;
    QString m_editSegment;
};

} // namespace overtext::ui
