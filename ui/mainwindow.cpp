#include "mainwindow.h"

#include "aboutdialog.h"
#include "documentdelegate.h"
#include "documentlistmodel.h"
#include "exportdialog.h"
#include "pagepreview.h"
#include "pdf/pdfdocument.h"
#include "settingsdialog.h"
#include "store/appsettings.h"
#include "summarypanel.h"
#include "thumbnailbar.h"
#include "translate/providerfactory.h"
#include "translationoverlay.h"

#include <QCoroFuture>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace overtext::ui {

namespace {

const QString RecentKey = QStringLiteral("recentFiles");
const QString LanguageKey = QStringLiteral("targetLanguage");
const QString ProviderKey = QStringLiteral("provider");
const QString ShowTranslationKey = QStringLiteral("showTranslation");
const QString ExportModeKey = QStringLiteral("exportMode");
const QString ExportCoverKey = QStringLiteral("exportSummaryCover");
const QString SideBySideKey = QStringLiteral("sideBySide");
constexpr int RepaintDelayMs = 80;
constexpr int MessageTimeoutMs = 15000;
constexpr int MaxNamesInMessage = 5;

/// Where the batch is saved as it changes, so that closing the app mid-batch loses nothing.
QString batchStateFile() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("batch.json"));
}

bool looksLikePdf(const QFileInfo &info) {
    if (info.suffix().compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0)
        return true;
    // A PDF without the suffix: the header must be within the first KiB.
    QFile f(info.filePath());
    return f.open(QIODevice::ReadOnly) && f.read(1024).contains("%PDF-");
}

struct Collected {
    QStringList pdfs;
    QStringList refused; ///< file names that are not PDFs
    QStringList missing;
    QStringList emptyFolders;
};

// Runs on a pool thread: folders can be large.
Collected collectPdfs(const QStringList &paths) {
    Collected out;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (!info.exists()) {
            out.missing.append(path);
        } else if (info.isDir()) {
            QStringList found;
            QDirIterator it(info.absoluteFilePath(), QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QFileInfo file(it.next());
                if (file.suffix().compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0)
                    found.append(file.absoluteFilePath());
                else
                    out.refused.append(file.fileName());
            }
            if (found.isEmpty())
                out.emptyFolders.append(info.fileName());
            found.sort(Qt::CaseInsensitive);
            out.pdfs.append(found);
        } else if (looksLikePdf(info)) {
            out.pdfs.append(info.absoluteFilePath());
        } else {
            out.refused.append(info.fileName());
        }
    }
    out.pdfs.removeDuplicates();
    return out;
}

struct Probe {
    bool ok = false;
    Error error;
    QList<QSizeF> pageSizes;
    QString title;
    bool serif = false;
};

// Runs on a pool thread.
Probe probeDocument(const QString &path) {
    Probe out;
    auto doc = PdfDocument::open(path);
    if (!doc) {
        out.error = doc.error();
        return out;
    }
    const int count = (*doc)->pageCount();
    out.pageSizes.reserve(count);
    for (int p = 1; p <= count; ++p)
        out.pageSizes.append((*doc)->pageInfo(p).size);
    out.title = (*doc)->title();
    out.serif = (*doc)->prefersSerif(); // the preview's overlay picks the face the export will
    out.ok = true;
    return out;
}

QString joinNames(const QStringList &names) {
    if (names.size() <= MaxNamesInMessage)
        return names.join(QStringLiteral(", "));
    return MainWindow::tr("%1 and %n more", nullptr, int(names.size()) - MaxNamesInMessage)
        .arg(names.mid(0, MaxNamesInMessage).join(QStringLiteral(", ")));
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_model(new DocumentListModel(this))
    , m_batch(new BatchRun(this)) {
    m_pool.setMaxThreadCount(2);
    setAcceptDrops(true);
    setAccessibleName(tr("Overtext"));

    m_list = new QListView;
    m_list->setModel(m_model);
    m_list->setAccessibleName(tr("Documents"));
    m_list->setWordWrap(true);
    m_list->setUniformItemSizes(false);
    m_list->setItemDelegate(new DocumentDelegate(m_list));
    m_list->setResizeMode(QListView::Adjust); // rows re-wrap their status text when the list gets narrower
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setMinimumWidth(180);

    m_preview = new PagePreview;
    m_preview->setPlaceholderText(tr("Drop PDF files or folders here, or choose File ▸ Open."));

    m_thumbnails = new ThumbnailBar(m_preview);
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_list);
    splitter->addWidget(m_thumbnails);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 0);
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({260, m_thumbnails->width(), 900});
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);

    m_pageLabel = new QLabel;
    m_pageLabel->setAccessibleName(tr("Page"));
    m_zoomLabel = new QLabel;
    m_zoomLabel->setAccessibleName(tr("Zoom"));
    statusBar()->addPermanentWidget(m_pageLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);

    m_summaryPanel = new SummaryPanel(this);
    m_summaryPanel->setSettingsSource([this] {
        return SummarySettings{providerConfig(), m_batch->settings().sourceLang, targetLanguage()};
    });
    addDockWidget(Qt::RightDockWidgetArea, m_summaryPanel);
    createActions();
    createEditorDock();

    m_batch->setStateFile(batchStateFile());
    connect(m_batch, &BatchRun::statusChanged, this, &MainWindow::onBatchStatus);
    connect(m_batch, &BatchRun::runError, this, &MainWindow::showMessage);
    connect(m_batch, &BatchRun::documentFinished, this, [this](const QString &path) {
        const BatchDocStatus s = m_batch->status(path);
        const QString name = QFileInfo(path).fileName();
        if (s.state == BatchDocStatus::State::Failed)
            showMessage(tr("%1 could not be translated: %2").arg(name, s.error));
        else if (s.state == BatchDocStatus::State::Cancelled)
            showMessage(tr("%1: cancelled.").arg(name));
        else if (s.progress.failed > 0)
            showMessage(tr("%1: %2 of %3 segments translated, %4 failed (Batch ▸ Retry Failed).")
                            .arg(name)
                            .arg(s.progress.done)
                            .arg(s.progress.total)
                            .arg(s.progress.failed));
        else
            showMessage(tr("%1: all %2 segments translated.").arg(name).arg(s.progress.total));
    });
    connect(m_batch, &BatchRun::segmentUpdated, this, [this](const QString &path, const QString &) {
        if (path == m_preview->documentPath() && m_preview->showsOverlay() && !m_repaint.isActive())
            m_repaint.start();
    });
    m_repaint.setSingleShot(true);
    m_repaint.setInterval(RepaintDelayMs);
    connect(&m_repaint, &QTimer::timeout, this, [this] { m_preview->viewport()->update(); });
    m_overlay = new TranslationOverlay(
        m_batch, m_preview,
        [this](const QString &path) {
            const int row = m_model->rowOf(path);
            return row < 0 ? TranslationOverlay::DocumentInfo{}
                           : TranslationOverlay::DocumentInfo{m_model->entry(row).pageSizes, m_model->entry(row).serif};
        },
        this);
    m_preview->setOverlayPainter([this](QPainter &painter, int page, const QRectF &rect, double scale) {
        paintTranslation(painter, page, rect, scale);
    });
    connect(m_preview, &PagePreview::pageClicked, this, [this](int page, const QPointF &point) {
        const QString id = segmentAt(page, point);
        if (!id.isEmpty())
            editSegment(id);
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] { updateBatchActions(); });
    updateBatchActions();

    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] { showCurrentDocument(); });
    connect(m_preview, &PagePreview::currentPageChanged, this, &MainWindow::updatePageLabel);
    connect(m_preview, &PagePreview::zoomChanged, this, &MainWindow::updateZoomLabel);
    connect(m_preview, &PagePreview::pageFailed, this, [this](int, const QString &message) { showMessage(message); });

    m_preview->setOverlayVisible(m_showTranslation->isChecked());
    updatePageLabel(0, 0);
    updateZoomLabel(m_preview->zoom(), m_preview->isFitWidth());
    updateTitle();
    resize(1200, 800);
}

MainWindow::~MainWindow() {
    // First, while the window is whole: the batch lets its running requests unwind, which runs the event loop.
    delete m_batch;
}

void MainWindow::createActions() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"), this, &MainWindow::showOpenDialog);
    open->setShortcut(QKeySequence::Open);
    open->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
    open->setStatusTip(tr("Add PDF files to the list"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addSeparator();
    QAction *settingsAction = file->addAction(tr("S&ettings…"), this, &MainWindow::showSettings);
    settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settingsAction->setMenuRole(QAction::PreferencesRole);
    settingsAction->setObjectName(QStringLiteral("settingsAction"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *zoomIn = view->addAction(tr("Zoom &In"), m_preview, &PagePreview::zoomIn);
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction *zoomOut = view->addAction(tr("Zoom &Out"), m_preview, &PagePreview::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction *fit = view->addAction(tr("Fit &Width"), m_preview, &PagePreview::fitWidth);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addSeparator();
    QAction *previous = view->addAction(tr("&Previous Page"), m_preview, &PagePreview::previousPage);
    previous->setShortcut(QKeySequence(Qt::Key_PageUp));
    previous->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    QAction *next = view->addAction(tr("&Next Page"), m_preview, &PagePreview::nextPage);
    next->setShortcut(QKeySequence(Qt::Key_PageDown));
    next->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    view->addSeparator();
    m_sideBySide = view->addAction(tr("&Side by Side"));
    m_sideBySide->setCheckable(true);
    m_sideBySide->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_sideBySide->setStatusTip(tr("Show each page beside its translation; both scroll together"));
    connect(m_sideBySide, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(SideBySideKey, on);
        m_preview->setSideBySide(on);
    });
    m_sideBySide->setChecked(QSettings().value(SideBySideKey, false).toBool());
    QAction *thumbnails = view->addAction(tr("Page &Thumbnails"), m_thumbnails, &QWidget::setVisible);
    thumbnails->setCheckable(true);
    thumbnails->setChecked(true);
    thumbnails->setShortcut(QKeySequence(Qt::Key_F9));

    m_viewActions = {zoomIn, zoomOut, fit, previous, next, m_sideBySide};
    view->addSeparator();
    view->addAction(m_summaryPanel->toggleViewAction());

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setAccessibleName(tr("Main toolbar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(zoomOut);
    bar->addAction(zoomIn);
    bar->addAction(fit);
    bar->addSeparator();
    bar->addAction(previous);
    bar->addAction(next);
    bar->addAction(m_sideBySide);

    addToolBarBreak(); // one row is too narrow for both at common window widths
    createBatchActions(addToolBar(tr("Batch")));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Overtext"), this, [this] {
        auto *dialog = new AboutDialog(this);
        dialog->setObjectName(QStringLiteral("aboutDialog"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    about->setMenuRole(QAction::AboutRole);
    about->setObjectName(QStringLiteral("aboutAction"));
    QAction *aboutQt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::showMessage(const QString &message) {
    statusBar()->showMessage(message, MessageTimeoutMs);
    Q_EMIT statusMessage(message);
}

void MainWindow::showOpenDialog() {
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastOpenDir")).toString();
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Open PDF Files"), dir, tr("PDF files (*.pdf *.PDF);;All files (*)"));
    if (files.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastOpenDir"), QFileInfo(files.first()).absolutePath());
    addPaths(files);
}

void MainWindow::addPaths(const QStringList &paths) {
    if (!paths.isEmpty())
        collectAndAdd(paths);
}

QCoro::Task<> MainWindow::collectAndAdd(QStringList paths) {
    QPointer<MainWindow> self(this);
    Collected found;
    try {
        // GCC 12 destroys temporaries inside a co_await operand twice (the lambda's captures here): await a named
        // future instead.
        QFuture<Collected> future = QtConcurrent::run(&m_pool, [paths] { return collectPdfs(paths); });
        found = co_await future;
    } catch (const std::exception &e) {
        if (self)
            showMessage(tr("The files could not be listed: %1").arg(QString::fromLocal8Bit(e.what())));
        co_return;
    } catch (...) {
        if (self)
            showMessage(tr("The files could not be listed."));
        co_return;
    }
    if (!self)
        co_return;

    QStringList messages;
    if (!found.refused.isEmpty())
        messages.append(tr("Not added: %1 — only PDF files can be opened.").arg(joinNames(found.refused)));
    if (!found.missing.isEmpty())
        messages.append(tr("Not found: %1 — check the path.").arg(joinNames(found.missing)));
    if (!found.emptyFolders.isEmpty())
        messages.append(tr("No PDF files in %1.").arg(joinNames(found.emptyFolders)));

    QStringList added;
    for (const QString &pdf : std::as_const(found.pdfs)) {
        if (m_model->addDocument(pdf) >= 0)
            added.append(pdf);
    }
    if (!added.isEmpty() && messages.isEmpty())
        messages.append(added.size() == 1 ? tr("Added 1 document.")
                                          : tr("Added %n documents.", nullptr, int(added.size())));
    if (!messages.isEmpty())
        showMessage(messages.join(QLatin1Char(' ')));

    if (!added.isEmpty() && !m_list->currentIndex().isValid())
        selectDocument(m_model->rowOf(added.first()));
    for (const QString &pdf : std::as_const(added))
        openDocument(pdf);
    Q_EMIT pathsAdded(added);
}

QCoro::Task<> MainWindow::openDocument(QString path) {
    QPointer<MainWindow> self(this);
    Probe probe;
    try {
        QFuture<Probe> future = QtConcurrent::run(&m_pool, [path] { return probeDocument(path); });
        probe = co_await future; // named: see collectAndAdd()
    } catch (const std::exception &e) {
        probe.ok = false;
        probe.error = Error{Error::Internal, QString::fromLocal8Bit(e.what())};
    } catch (...) {
        probe.ok = false;
        probe.error = Error{Error::Internal, tr("Opening the document failed unexpectedly.")};
    }
    if (!self)
        co_return;
    if (probe.ok) {
        m_model->setReady(path, probe.pageSizes, probe.title, probe.serif);
        rememberRecent(path);
    } else {
        QString hint;
        switch (probe.error.code) {
        case Error::PdfLocked:
            hint = tr("Password-protected PDFs cannot be opened yet: save a copy without the password (qpdf can "
                      "do it) and add that copy.");
            break;
        case Error::PdfDamaged:
            hint = tr("Download it again, or repair it (for example with qpdf) and add it again.");
            break;
        case Error::Io:
            hint = tr("Check that the file exists and that you may read it.");
            break;
        default:
            hint = tr("Please report this as a bug.");
            break;
        }
        const QString message = probe.error.message + QLatin1Char(' ') + hint;
        m_model->setFailed(path, message);
        showMessage(message);
    }
    if (m_list->currentIndex().row() == m_model->rowOf(path))
        showCurrentDocument();
    Q_EMIT documentOpened(path, probe.ok);
}

void MainWindow::selectDocument(int row) {
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_list->setCurrentIndex(m_model->index(row));
}

void MainWindow::showCurrentDocument() {
    const int row = m_list->currentIndex().row();
    if (row < 0) {
        m_preview->clear();
        m_preview->setPlaceholderText(tr("Drop PDF files or folders here, or choose File ▸ Open."));
    } else {
        const DocumentEntry &e = m_model->entry(row);
        switch (e.state) {
        case DocumentEntry::State::Ready:
            if (m_preview->documentPath() != e.path)
                m_preview->setDocument(e.path, e.pageSizes);
            break;
        case DocumentEntry::State::Opening:
            m_preview->clear();
            m_preview->setPlaceholderText(tr("Opening %1…").arg(QFileInfo(e.path).fileName()));
            break;
        case DocumentEntry::State::Failed:
            m_preview->clear();
            m_preview->setPlaceholderText(e.error);
            break;
        }
    }
    m_summaryPanel->setDocument(row < 0 ? QString() : m_model->entry(row).path,
                                row < 0 ? QString() : m_model->entry(row).title);
    updateTitle();
}

void MainWindow::updateTitle() {
    const int row = m_list->currentIndex().row();
    if (row < 0)
        setWindowTitle(tr("Overtext"));
    else
        setWindowTitle(tr("%1 — Overtext").arg(QFileInfo(m_model->entry(row).path).fileName()));
}

void MainWindow::updatePageLabel(int page, int count) {
    m_pageLabel->setText(count > 0 ? tr("Page %1 of %2").arg(page).arg(count) : QString());
    m_zoomLabel->setVisible(count > 0);
    for (QAction *a : std::as_const(m_viewActions))
        a->setEnabled(count > 0);
}

void MainWindow::updateZoomLabel(double zoom, bool fitWidth) {
    const QString percent = tr("%1 %").arg(qRound(zoom * 100));
    m_zoomLabel->setText(fitWidth ? tr("Fit width (%1)").arg(percent) : percent);
}

QStringList MainWindow::recentFiles() const {
    return QSettings().value(RecentKey).toStringList();
}

void MainWindow::rememberRecent(const QString &path) {
    QSettings settings;
    QStringList files = settings.value(RecentKey).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > MaxRecentFiles)
        files.removeLast();
    settings.setValue(RecentKey, files);
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString &path = files.at(i);
        // &1 … &9, &0: the tenth entry gets the 0 accelerator.
        const QString label = tr("&%1 %2").arg((i + 1) % 10).arg(QFileInfo(path).fileName());
        QAction *a = m_recentMenu->addAction(label, this, [this, path] { addPaths({path}); });
        a->setToolTip(path);
        a->setStatusTip(path);
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("&Clear List"), this, [] { QSettings().remove(RecentKey); });
    clear->setEnabled(!files.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    // Remote URLs are accepted too, so that the drop can say why they are not added.
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event) {
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event) {
    QStringList paths;
    QStringList remote;
    const QList<QUrl> urls = event->mimeData()->urls();
    for (const QUrl &url : urls) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
        else
            remote.append(url.toDisplayString());
    }
    if (!remote.isEmpty())
        showMessage(tr("Not added: %1 — download the files first, then drop them here.").arg(joinNames(remote)));
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    addPaths(paths);
}

// ---- The batch: toolbar, queue, live overlay, segment editor, export ----

namespace {

struct Language {
    const char *code;
    const char *name;
};
// Codes the providers understand; Apertium only has the pairs installed.
// The names are translated where the list is built (tr(l.name)); QT_TRANSLATE_NOOP marks them for lupdate.
constexpr Language Languages[] = {
    {"es", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Spanish")},
    {"fr", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "French")},
    {"de", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "German")},
    {"it", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Italian")},
    {"pt", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Portuguese")},
    {"ca", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Catalan")},
    {"nl", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Dutch")},
    {"pl", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Polish")},
    {"ru", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Russian")},
    {"uk", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Ukrainian")},
    {"zh", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Chinese")},
    {"ja", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Japanese")},
    {"ko", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Korean")},
    {"ar", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Arabic")},
    {"hi", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Hindi")},
    {"tr", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Turkish")},
    {"sv", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "Swedish")},
    {"en", QT_TRANSLATE_NOOP("overtext::ui::MainWindow", "English")},
};

} // namespace

void MainWindow::createBatchActions(QToolBar *bar) {
    bar->setObjectName(QStringLiteral("batchToolBar"));
    bar->setAccessibleName(tr("Batch toolbar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QSettings settings;

    m_languageCombo = new QComboBox;
    m_languageCombo->setAccessibleName(tr("Target language"));
    m_languageCombo->setToolTip(tr("Translate into"));
    for (const Language &l : Languages)
        m_languageCombo->addItem(QStringLiteral("%1 (%2)").arg(tr(l.name), QLatin1String(l.code)),
                                 QLatin1String(l.code));
    setTargetLanguage(settings.value(LanguageKey, QStringLiteral("es")).toString());
    connect(m_languageCombo, &QComboBox::currentIndexChanged, this,
            [this] { QSettings().setValue(LanguageKey, targetLanguage()); });

    m_providerCombo = new QComboBox;
    m_providerCombo->setAccessibleName(tr("Translation service"));
    m_providerCombo->setToolTip(tr("Translation service (Apertium works offline, without a key)"));
    reloadProfiles();
    connect(m_providerCombo, &QComboBox::currentIndexChanged, this,
            [this] { QSettings().setValue(ProviderKey, m_providerCombo->currentData().toString()); });

    QMenu *menu = menuBar()->addMenu(tr("&Batch"));
    auto add = [this, menu](const QString &text, QStyle::StandardPixmap icon, auto slot) {
        QAction *a = menu->addAction(style()->standardIcon(icon), text, this, slot);
        m_batchActions.append(a);
        return a;
    };
    QAction *startAll = add(tr("&Start All"), QStyle::SP_MediaPlay, &MainWindow::startAll);
    startAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    startAll->setStatusTip(tr("Translate every document not yet translated"));
    QAction *startSelected = add(tr("Start &Selected"), QStyle::SP_MediaPlay, &MainWindow::startSelected);
    m_pause = menu->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("&Pause"));
    m_pause->setCheckable(true);
    connect(m_pause, &QAction::toggled, this, &MainWindow::setPaused);
    menu->addSeparator();
    QAction *cancelSelected = add(tr("&Cancel Selected"), QStyle::SP_MediaStop, &MainWindow::cancelSelected);
    QAction *cancelAll = add(tr("Cancel &All"), QStyle::SP_MediaStop, &MainWindow::cancelAll);
    menu->addSeparator();
    QAction *retry = add(tr("&Retry Failed (Selected)"), QStyle::SP_BrowserReload, &MainWindow::retryFailedSelected);
    add(tr("Retry All &Failed"), QStyle::SP_BrowserReload, &MainWindow::retryFailedAll);
    menu->addSeparator();
    QAction *remove = add(tr("Re&move Selected"), QStyle::SP_TrashIcon, &MainWindow::removeSelected);
    remove->setShortcut(QKeySequence::Delete);
    add(tr("Remove A&ll"), QStyle::SP_TrashIcon, &MainWindow::removeAll);
    menu->addSeparator();
    QAction *exportAction = add(tr("&Export…"), QStyle::SP_DialogSaveButton, &MainWindow::showExportDialog);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));

    m_showTranslation = new QAction(tr("Show &Translation"), this);
    m_showTranslation->setCheckable(true);
    m_showTranslation->setChecked(settings.value(ShowTranslationKey, true).toBool());
    m_showTranslation->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_showTranslation->setStatusTip(tr("Lay the translation over the pages"));
    connect(m_showTranslation, &QAction::toggled, this, &MainWindow::setShowTranslation);

    // The row's own menu acts on the selected document.
    m_list->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_list->addActions({startSelected, cancelSelected, retry, remove});

    bar->addWidget(m_languageCombo);
    bar->addWidget(m_providerCombo);
    bar->addAction(startAll);
    bar->addAction(m_pause);
    bar->addAction(cancelAll);
    bar->addAction(retry);
    bar->addAction(remove);
    bar->addSeparator();
    bar->addAction(m_showTranslation);
    bar->addAction(exportAction);
}

void MainWindow::createEditorDock() {
    m_editorDock = new QDockWidget(tr("Segment"), this);
    m_editorDock->setObjectName(QStringLiteral("segmentEditor"));
    auto *panel = new QWidget;
    m_editorLabel = new QLabel;
    m_sourceEdit = new QPlainTextEdit;
    m_sourceEdit->setReadOnly(true);
    m_sourceEdit->setAccessibleName(tr("Source text"));
    m_translationEdit = new QPlainTextEdit;
    m_translationEdit->setAccessibleName(tr("Translation"));
    auto *save = new QPushButton(tr("&Save Correction"));
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    connect(save, &QPushButton::clicked, this, &MainWindow::saveCorrection);
    auto *texts = new QSplitter(Qt::Horizontal);
    texts->addWidget(m_sourceEdit);
    texts->addWidget(m_translationEdit);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_editorLabel, 1);
    buttons->addWidget(save);
    auto *layout = new QVBoxLayout(panel);
    layout->addWidget(texts, 1);
    layout->addLayout(buttons);
    m_editorDock->setWidget(panel);
    addDockWidget(Qt::BottomDockWidgetArea, m_editorDock);
    m_editorDock->hide();
}

QString MainWindow::targetLanguage() const {
    return m_languageCombo->currentData().toString();
}

void MainWindow::setTargetLanguage(const QString &code) {
    int i = m_languageCombo->findData(code);
    if (i < 0) {
        m_languageCombo->addItem(code, code); // a code the list does not know: take it as it is
        i = m_languageCombo->count() - 1;
    }
    m_languageCombo->setCurrentIndex(i);
}

void MainWindow::setProviderConfig(const ProviderConfig &config) {
    // The command line names a provider: its default profile's key applies where the server is the same.
    m_providerOverride = AppSettings::load().withKeychain(config);
    int i = m_providerCombo->findData(config.name.toLower());
    if (i >= 0)
        m_providerCombo->setCurrentIndex(i);
}

ProviderConfig MainWindow::providerConfig() const {
    const QString chosen = m_providerCombo->currentData().toString();
    const AppSettings settings = AppSettings::load();
    const ProviderProfile *profile = settings.profile(chosen);
    ProviderConfig config = m_providerOverride && chosen == m_providerOverride->name.toLower()
                                ? *m_providerOverride
                                : (profile ? profile->config() : ProviderConfig{chosen, {}, {}, {}, {}, {}});
    config = settings.withNetwork(config);
    config.network = config.network.overriddenBy(m_networkOverride);
    return config;
}

void MainWindow::reloadProfiles() {
    const AppSettings settings = AppSettings::load();
    const QSignalBlocker block(m_providerCombo); // the choice is not changing, only the list
    m_providerCombo->clear();
    for (const ProviderProfile &p : settings.profiles)
        m_providerCombo->addItem(p.name, p.id);
    m_providerCombo->setCurrentIndex(std::max(0, m_providerCombo->findData(settings.currentProfile)));
}

void MainWindow::showSettings() {
    auto *dialog = new SettingsDialog(AppSettings::load(), KeyStore(), this);
    dialog->setObjectName(QStringLiteral("settingsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setTestLanguage(targetLanguage());
    connect(dialog, &QDialog::accepted, this, [this] {
        reloadProfiles();
        showMessage(tr("Settings saved; they apply to the next documents started."));
    });
    dialog->open();
}

void MainWindow::offerResume() {
    auto saved = BatchRun::loadSaved(batchStateFile());
    if (!saved && saved.error().code != Error::Io) // no file: nothing was saved
        showMessage(tr("The batch of the last session cannot be resumed: %1").arg(saved.error().message));
    if (!saved || saved->unfinished.isEmpty())
        return;
    const SavedBatch batch = saved.value();
    const int n = int(batch.unfinished.size());
    const QString what = n == 1 ? tr("One document was still translating when Overtext closed.")
                                : tr("%1 documents were still translating when Overtext closed.").arg(n);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Resume translating?"),
                                what + QLatin1Char(' ') +
                                    tr("Resume now? What was already translated is kept and not sent again."),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("resumeDialog"));
    box->setAccessibleName(tr("Resume translating"));
    box->setDetailedText(batch.unfinished.join(QLatin1Char('\n')));
    box->setWindowModality(Qt::NonModal);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, batch] {
        if (box->clickedButton() != box->button(QMessageBox::Yes)) {
            m_batch->saveState(); // declined: not offered again
            return;
        }
        // Queue the files, then start them with the settings they had once they are listed.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(this, &MainWindow::pathsAdded, this, [this, batch, connection] {
            disconnect(*connection);
            BatchSettings settings = batch.settings;
            // The network settings are today's (the saved batch does not keep them).
            settings.provider = AppSettings::load().withNetwork(settings.provider);
            settings.provider.network = settings.provider.network.overriddenBy(m_networkOverride);
            settings.cachePath =
                m_batch->settings().cachePath.isEmpty() ? settings.cachePath : m_batch->settings().cachePath;
            m_batch->setSettings(settings);
            setTargetLanguage(settings.targetLang);
            m_batch->start(batch.unfinished);
            updateBatchActions();
        });
        addPaths(batch.unfinished);
    });
    box->show();
}

void MainWindow::setCachePath(const QString &path) {
    BatchSettings s = m_batch->settings();
    s.cachePath = path;
    m_batch->setSettings(s);
}

void MainWindow::applySettingsToBatch() {
    const AppSettings settings = AppSettings::load();
    BatchSettings s = m_batch->settings();
    s.provider = providerConfig();
    s.targetLang = targetLanguage();
    s.concurrency = settings.concurrency;
    s.rpm = settings.rpm;
    s.tpm = settings.tpm;
    s.glossaryPath = settings.glossaryPath;
    s.instruction = settings.instruction;
    m_batch->setSettings(s);
}

QStringList MainWindow::selectedPaths() const {
    const int row = m_list->currentIndex().row();
    if (row < 0 || row >= m_model->rowCount())
        return {};
    return {m_model->entry(row).path};
}

QStringList MainWindow::allPaths() const {
    QStringList out;
    for (const DocumentEntry &e : m_model->entries())
        out.append(e.path);
    return out;
}

void MainWindow::startAll() {
    applySettingsToBatch();
    QStringList todo;
    for (const DocumentEntry &e : m_model->entries()) {
        if (e.state == DocumentEntry::State::Failed)
            continue; // cannot be opened: the row says why
        if (!e.inBatch || e.batch.state != BatchDocStatus::State::Done)
            todo.append(e.path);
    }
    m_batch->start(todo);
    updateBatchActions();
}

void MainWindow::startSelected() {
    applySettingsToBatch();
    m_batch->start(selectedPaths());
    updateBatchActions();
}

void MainWindow::setPaused(bool paused) {
    if (paused)
        m_batch->pause();
    else
        m_batch->resume();
    if (m_pause->isChecked() != paused)
        m_pause->setChecked(paused);
    showMessage(paused ? tr("Paused: requests in flight finish, no new ones start.") : tr("Resumed."));
}

void MainWindow::cancelSelected() {
    for (const QString &p : selectedPaths())
        m_batch->cancel(p);
}

void MainWindow::cancelAll() {
    m_batch->cancelAll();
}

void MainWindow::retryFailedSelected() {
    applySettingsToBatch();
    m_batch->retryFailed(selectedPaths());
}

void MainWindow::retryFailedAll() {
    applySettingsToBatch();
    m_batch->retryFailed(allPaths());
}

void MainWindow::removeSelected() {
    for (const QString &p : selectedPaths()) {
        m_batch->remove(p);
        m_model->removeDocument(p);
    }
    if (!m_list->currentIndex().isValid() && m_model->rowCount() > 0)
        selectDocument(0);
    showCurrentDocument();
    updateBatchActions();
}

void MainWindow::removeAll() {
    for (const QString &p : allPaths()) {
        m_batch->remove(p);
        m_model->removeDocument(p);
    }
    showCurrentDocument();
    updateBatchActions();
}

void MainWindow::onBatchStatus(const QString &path) {
    if (!m_batch->contains(path))
        return;
    m_model->setBatchStatus(path, m_batch->status(path));
    updateBatchActions();
    if (path == m_preview->documentPath() && m_preview->showsOverlay() && !m_repaint.isActive())
        m_repaint.start();
}

void MainWindow::updateBatchActions() {
    const bool any = m_model->rowCount() > 0;
    for (QAction *a : std::as_const(m_batchActions))
        a->setEnabled(any);
}

void MainWindow::setShowTranslation(bool show) {
    QSettings().setValue(ShowTranslationKey, show);
    if (m_showTranslation->isChecked() != show)
        m_showTranslation->setChecked(show);
    m_preview->setOverlayVisible(show);
}

void MainWindow::paintTranslation(QPainter &painter, int page, const QRectF &pageRect, double scale) {
    m_overlay->paint(painter, page, pageRect, scale);
    const QString path = m_preview->documentPath();
    const DocumentTranslation *doc = m_batch->translation(path);
    if (!doc || m_editSegment.isEmpty() || m_editPath != path)
        return;
    if (const SegmentTranslation *s = doc->find(m_editSegment); s && s->segment.page == page) {
        painter.setClipRect(pageRect);
        painter.translate(pageRect.topLeft());
        painter.scale(scale, scale);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5 / scale));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(s->segment.box.adjusted(-2, -2, 2, 2));
    }
}

QString MainWindow::segmentAt(int page, const QPointF &pointInPage) const {
    const DocumentTranslation *doc = m_batch->translation(m_preview->documentPath());
    if (!doc)
        return {};
    for (const SegmentTranslation &s : doc->segments) {
        if (s.segment.page == page && s.segment.kind == SegmentKind::Prose &&
            s.segment.box.adjusted(-2, -2, 2, 2).contains(pointInPage))
            return s.segment.id;
    }
    return {};
}

void MainWindow::editSegment(const QString &segmentId) {
    const QString path = m_preview->documentPath();
    const DocumentTranslation *doc = m_batch->translation(path);
    const SegmentTranslation *s = doc ? doc->find(segmentId) : nullptr;
    if (!s)
        return;
    m_editPath = path;
    m_editSegment = segmentId;
    m_sourceEdit->setPlainText(s->segment.text);
    m_translationEdit->setPlainText(m_batch->displayText(path, *s));
    m_editorLabel->setText(tr("Page %1, %2").arg(s->segment.page).arg(segmentId));
    if (!m_editorDock->isVisible()) {
        m_editorDock->show();
        resizeDocks({m_editorDock}, {height() / 5}, Qt::Vertical); // the page stays the main thing
    }
    m_translationEdit->setFocus();
    m_preview->viewport()->update();
}

void MainWindow::saveCorrection() {
    if (m_editSegment.isEmpty())
        return;
    storeCorrection(m_editPath, m_editSegment, m_translationEdit->toPlainText());
}

QCoro::Task<> MainWindow::storeCorrection(QString path, QString segmentId, QString text) {
    QPointer<MainWindow> self(this);
    Result<void> result;
    try {
        result = co_await m_batch->correct(path, segmentId, text);
    } catch (const std::exception &e) {
        result = Error{Error::Internal, QString::fromLocal8Bit(e.what())};
    }
    if (!self)
        co_return;
    showMessage(result ? tr("Correction saved; it is used in the preview, the export and future translations.")
                       : result.error().message);
    Q_EMIT correctionSaved(path, segmentId, result.ok());
}

void MainWindow::showExportDialog() {
    QStringList done;
    for (const DocumentEntry &e : m_model->entries())
        if (e.inBatch && e.batch.state == BatchDocStatus::State::Done)
            done.append(e.path);
    if (done.isEmpty()) {
        showMessage(tr("Nothing to export yet: translate documents first (Batch ▸ Start All)."));
        return;
    }
    ExportDialog dialog(int(done.size()), this);
    QSettings settings;
    dialog.setMode(ExportOptions::Mode(settings.value(ExportModeKey, 0).toInt()));
    dialog.setSummaryCover(settings.value(ExportCoverKey, false).toBool());
    if (dialog.exec() != QDialog::Accepted)
        return;
    settings.setValue(ExportModeKey, int(dialog.mode()));
    settings.setValue(ExportCoverKey, dialog.summaryCover());
    exportFinished(dialog.folder(), dialog.mode(), dialog.summaryCover());
}

void MainWindow::exportFinished(const QString &folder, ExportOptions::Mode mode, bool summaryCover) {
    QStringList done;
    for (const DocumentEntry &e : m_model->entries())
        if (e.inBatch && e.batch.state == BatchDocStatus::State::Done)
            done.append(e.path);
    exportDocuments(done, folder, mode, summaryCover);
}

QCoro::Task<> MainWindow::exportDocuments(QStringList paths, QString folder, ExportOptions::Mode mode,
                                          bool summaryCover) {
    QPointer<MainWindow> self(this);
    int exported = 0;
    int failed = 0;
    for (const QString &path : std::as_const(paths)) {
        if (!self)
            co_return;
        const QString output = BatchRun::outputPath(path, m_batch->targetLanguage(path), folder);
        showMessage(tr("Exporting %1…").arg(QFileInfo(path).fileName()));
        Result<ExportReport> result = Error{Error::Internal, {}};
        try {
            const auto cover =
                summaryCover ? m_summaryPanel->summary(path, m_batch->targetLanguage(path)) : std::nullopt;
            if (summaryCover && !cover)
                showMessage(tr("%1 has no summary yet (Summary ▸ Summarize): exported without a cover page.")
                                .arg(QFileInfo(path).fileName()));
            result = co_await m_batch->exportDocument(path, output, mode, cover);
        } catch (const std::exception &e) {
            result = Error{Error::Internal, QString::fromLocal8Bit(e.what())};
        }
        if (!self)
            co_return;
        if (result)
            ++exported;
        else
            ++failed;
        Q_EMIT documentExported(path, result.ok(), result ? output : result.error().message);
    }
    showMessage(failed == 0 ? tr("Exported %n document(s).", nullptr, exported)
                            : tr("Exported %1, %2 failed: see their rows.").arg(exported).arg(failed));
    Q_EMIT exportDone(exported, failed);
}

} // namespace overtext::ui
