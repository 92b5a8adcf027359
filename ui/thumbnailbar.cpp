#include "thumbnailbar.h"

#include "pagepreview.h"
#include "pagerender.h"

#include <QCoroFuture>

#include <QAbstractListModel>
#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QPointer>
#include <QScrollBar>
#include <QtConcurrent>

#include <cmath>

namespace overtext::ui {

namespace {
constexpr int MaxInFlight = 1; // one thread: the preview's own pages come first
} // namespace

/// One row per page: its number, and its thumbnail once rendered (a blank page of its shape until then).
class ThumbnailModel : public QAbstractListModel {
public:
    using QAbstractListModel::QAbstractListModel;

    void reset(const QList<QSizeF> &sizes) {
        beginResetModel();
        m_sizes = sizes;
        m_images = QList<QImage>(sizes.size());
        m_done = QList<bool>(sizes.size(), false);
        endResetModel();
    }
    void setThumbnail(int page, const QImage &image) {
        if (page < 1 || page > m_images.size())
            return;
        m_images[page - 1] = image;
        m_done[page - 1] = true;
        Q_EMIT dataChanged(index(page - 1), index(page - 1), {Qt::DecorationRole});
    }
    bool isDone(int page) const { return page >= 1 && page <= m_done.size() && m_done.at(page - 1); }
    QSizeF pageSize(int page) const { return m_sizes.value(page - 1); }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_sizes.size()); }
    QVariant data(const QModelIndex &index, int role) const override {
        if (!index.isValid() || index.row() >= m_sizes.size())
            return {};
        const int page = index.row() + 1;
        switch (role) {
        case Qt::DisplayRole:
            return QString::number(page);
        case Qt::AccessibleTextRole:
        case Qt::ToolTipRole:
            return ThumbnailBar::tr("Page %1").arg(page);
        case Qt::DecorationRole: {
            const QImage &image = m_images.at(index.row());
            const QPixmap pixmap = image.isNull() ? placeholder(m_sizes.at(index.row())) : QPixmap::fromImage(image);
            // The same picture when selected: the page stays readable, its number below shows the selection.
            QIcon icon;
            icon.addPixmap(pixmap, QIcon::Normal);
            icon.addPixmap(pixmap, QIcon::Selected);
            return icon;
        }
        default:
            return {};
        }
    }

    /// A blank page of the page's shape, framed, inside the thumbnail square.
    static QPixmap placeholder(const QSizeF &points) {
        const QSize size = thumbnailSize(points);
        QPixmap pixmap(size);
        pixmap.fill(Qt::white);
        QPainter p(&pixmap);
        p.setPen(QColor(0xbb, 0xbb, 0xbb));
        p.drawRect(QRect(QPoint(0, 0), size - QSize(1, 1)));
        return pixmap;
    }
    static QSize thumbnailSize(const QSizeF &points) {
        if (points.isEmpty())
            return {ThumbnailBar::ThumbnailSize, ThumbnailBar::ThumbnailSize};
        return points.scaled(ThumbnailBar::ThumbnailSize, ThumbnailBar::ThumbnailSize, Qt::KeepAspectRatio)
            .toSize()
            .expandedTo(QSize(8, 8));
    }

private:
    QList<QSizeF> m_sizes;
    QList<QImage> m_images;
    QList<bool> m_done;
};

ThumbnailBar::ThumbnailBar(PagePreview *preview, QWidget *parent)
    : QListView(parent)
    , m_preview(preview)
    , m_model(new ThumbnailModel(this))
    , m_abort(std::make_shared<std::atomic_bool>(false)) {
    m_pool.setMaxThreadCount(MaxInFlight);
    m_pool.setObjectName(QStringLiteral("ThumbnailBar render pool"));
    setModel(m_model);
    setAccessibleName(tr("Page thumbnails"));
    setViewMode(QListView::IconMode);
    setFlow(QListView::TopToBottom);
    setWrapping(false);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setIconSize(QSize(ThumbnailSize, ThumbnailSize));
    setSpacing(6);
    setFixedWidth(ThumbnailSize + 2 * 6 + 2 * frameWidth() + verticalScrollBar()->sizeHint().width() + 8);

    m_scheduleTimer.setSingleShot(true);
    m_scheduleTimer.setInterval(30); // while the bar scrolls, render the rows it stops at
    connect(&m_scheduleTimer, &QTimer::timeout, this, &ThumbnailBar::schedule);
    connect(m_preview, &PagePreview::documentChanged, this, &ThumbnailBar::showDocument);
    connect(m_preview, &PagePreview::currentPageChanged, this, &ThumbnailBar::followPreview);
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        if (!m_following && current.isValid())
            m_preview->goToPage(current.row() + 1);
    });
    showDocument();
}

ThumbnailBar::~ThumbnailBar() {
    // As in PagePreview: abort instead of clearing the pool, so every awaited future finishes.
    m_abort->store(true);
}

void ThumbnailBar::showDocument() {
    m_abort->store(true);
    m_abort = std::make_shared<std::atomic_bool>(false);
    ++m_generation;
    m_model->reset(m_preview->pageSizes());
    followPreview(m_preview->currentPage());
    scheduleSoon();
}

void ThumbnailBar::followPreview(int page) {
    if (page < 1 || page > m_model->rowCount() || currentIndex().row() == page - 1)
        return;
    m_following = true;
    setCurrentIndex(m_model->index(page - 1));
    scrollTo(currentIndex());
    m_following = false;
}

bool ThumbnailBar::isThumbnailReady(int page) const {
    return m_model->isDone(page);
}

void ThumbnailBar::scrollContentsBy(int dx, int dy) {
    QListView::scrollContentsBy(dx, dy);
    scheduleSoon();
}

void ThumbnailBar::resizeEvent(QResizeEvent *event) {
    QListView::resizeEvent(event);
    scheduleSoon();
}

void ThumbnailBar::showEvent(QShowEvent *event) {
    QListView::showEvent(event);
    scheduleSoon();
}

void ThumbnailBar::scheduleSoon() {
    if (!m_scheduleTimer.isActive())
        m_scheduleTimer.start();
}

void ThumbnailBar::schedule() {
    if (!isVisible() || m_model->rowCount() == 0 || m_inFlight >= MaxInFlight)
        return;
    // The rows in view, top first; uniform rows make indexAt() cheap.
    const QModelIndex top = indexAt(QPoint(viewport()->width() / 2, spacing() + 1));
    const QModelIndex bottom = indexAt(QPoint(viewport()->width() / 2, viewport()->height() - spacing() - 1));
    const int first = top.isValid() ? top.row() + 1 : 1;
    const int last = bottom.isValid() ? bottom.row() + 1 : m_model->rowCount();
    for (int page = first; page <= last && m_inFlight < MaxInFlight; ++page) {
        if (m_model->isDone(page))
            continue;
        const QSizeF points = m_model->pageSize(page);
        const QSize pixels = ThumbnailModel::thumbnailSize(points);
        const double dpi = points.width() > 0 ? 72.0 * pixels.width() / points.width() * devicePixelRatioF() : 72.0;
        ++m_inFlight;
        renderThumbnail(page, dpi, m_generation);
    }
}

QCoro::Task<> ThumbnailBar::renderThumbnail(int page, double dpi, quint64 generation) {
    QPointer<ThumbnailBar> self(this);
    const QString path = m_preview->documentPath();
    const std::shared_ptr<std::atomic_bool> abort = m_abort;
    PageRendering outcome;
    try {
        // Named future: GCC 12 destroys the captures of a lambda inside a co_await operand twice.
        QFuture<PageRendering> future = QtConcurrent::run(
            &m_pool, [path, page, dpi, abort] { return renderPageImage(path, page, dpi, abort.get()); });
        outcome = co_await future;
    } catch (...) {
        outcome.error = tr("Page %1 could not be drawn.").arg(page);
    }
    if (!self)
        co_return;
    --m_inFlight;
    if (generation == m_generation && !outcome.cancelled) {
        // A failed page keeps its blank placeholder (the preview says why); it is not asked for again.
        if (!outcome.image.isNull()) {
            QPainter frame(&outcome.image); // the page's edge, as on the placeholder: white pages on a white list
            frame.setPen(QColor(0xbb, 0xbb, 0xbb));
            frame.drawRect(outcome.image.rect().adjusted(0, 0, -1, -1));
        }
        outcome.image.setDevicePixelRatio(devicePixelRatioF());
        m_model->setThumbnail(page, outcome.image);
        Q_EMIT thumbnailReady(page);
    }
    schedule();
}

} // namespace overtext::ui
