#include "mainwindow.h"

#include "documentdelegate.h"
#include "documentlistmodel.h"
#include "pagepreview.h"
#include "pdf/pdfdocument.h"

#include <QCoroFuture>

#include <QAction>
#include <QApplication>
#include <QDirIterator>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMimeData>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QtConcurrent>

namespace overtext::ui {

namespace {

const QString RecentKey = QStringLiteral("recentFiles");
constexpr int MessageTimeoutMs = 15000;
constexpr int MaxNamesInMessage = 5;

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
    , m_model(new DocumentListModel(this)) {
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

    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_list);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 900});
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);

    m_pageLabel = new QLabel;
    m_pageLabel->setAccessibleName(tr("Page"));
    m_zoomLabel = new QLabel;
    m_zoomLabel->setAccessibleName(tr("Zoom"));
    statusBar()->addPermanentWidget(m_pageLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);

    createActions();

    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] { showCurrentDocument(); });
    connect(m_preview, &PagePreview::currentPageChanged, this, &MainWindow::updatePageLabel);
    connect(m_preview, &PagePreview::zoomChanged, this, &MainWindow::updateZoomLabel);
    connect(m_preview, &PagePreview::pageFailed, this, [this](int, const QString &message) { showMessage(message); });

    updatePageLabel(0, 0);
    updateZoomLabel(m_preview->zoom(), m_preview->isFitWidth());
    updateTitle();
    resize(1200, 800);
}

MainWindow::~MainWindow() = default;

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

    m_viewActions = {zoomIn, zoomOut, fit, previous, next};

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
        m_model->setReady(path, probe.pageSizes, probe.title);
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

} // namespace overtext::ui
