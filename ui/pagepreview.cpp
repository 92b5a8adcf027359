#include "pagepreview.h"

#include "pagerender.h"

#include <QCoroFuture>

#include <QApplication>
#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QScrollBar>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace overtext::ui {

namespace {

constexpr double Margin = 12;  // around the column of pages, device-independent pixels
constexpr double Spacing = 10; // between pages
constexpr double Gutter = 16;  // between the original and its translation in side-by-side mode
constexpr int MaxInFlight = 2; // renders queued on the pool at once: more only delays the page the user looks at
constexpr int KeepAround = 3;  // rendered pages kept beyond the visible range, to scroll back without waiting
constexpr double MaxPixelsPerPage = 40e6;
constexpr double ZoomStep = 1.25;

} // namespace

PagePreview::PagePreview(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_abort(std::make_shared<std::atomic_bool>(false)) {
    m_pool.setMaxThreadCount(MaxInFlight);
    m_pool.setObjectName(QStringLiteral("PagePreview render pool"));
    setAccessibleName(tr("Page preview"));
    setFocusPolicy(Qt::StrongFocus);
    setBackgroundRole(QPalette::Dark);
    viewport()->setBackgroundRole(QPalette::Dark);
    viewport()->setAutoFillBackground(true);
    verticalScrollBar()->setSingleStep(20);
    horizontalScrollBar()->setSingleStep(20);
    m_placeholder = tr("No document");
}

PagePreview::~PagePreview() {
    // Poppler stops at its next abort check; the pool's destructor then waits for the few renders still running.
    // Their coroutines resume later, find the widget gone through their QPointer and end.
    // No m_pool.clear(): a QtConcurrent task removed from the pool never finishes its future, so the coroutine
    // awaiting it would never resume. Queued tasks see the abort flag and return at once instead.
    m_abort->store(true);
}

void PagePreview::setDocument(const QString &path, const QList<QSizeF> &pageSizes) {
    m_abort->store(true); // renders of the old document stop soon, queued ones return at once (see the destructor)
    m_abort = std::make_shared<std::atomic_bool>(false);
    m_path = path;
    m_pageSizes = pageSizes;
    m_images.clear();
    m_errors.clear();
    m_lastCurrentPage = -1; // always announce the new document's page and count
    newGeneration();
    if (m_fitWidth)
        m_zoom = fitWidthZoom();
    relayout();
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    updateCurrentPage();
    schedule();
    viewport()->update();
    Q_EMIT zoomChanged(m_zoom, m_fitWidth); // fit width may have picked another zoom for these pages
    Q_EMIT documentChanged(m_path);
}

void PagePreview::clear() {
    setDocument(QString(), {});
}

void PagePreview::setPlaceholderText(const QString &text) {
    m_placeholder = text;
    viewport()->update();
}

void PagePreview::setOverlayPainter(OverlayPainter painter) {
    m_overlayPainter = std::move(painter);
    viewport()->update();
}

double PagePreview::scale() const {
    return m_zoom * logicalDpiX() / 72.0;
}

double PagePreview::fitWidthZoom() const {
    double widest = 0;
    for (const QSizeF &s : m_pageSizes)
        widest = std::max(widest, s.width());
    if (widest <= 0)
        return 1.0;
    // Count the vertical scroll bar as always there, so that its coming and going cannot make the zoom oscillate.
    const int barWidth = verticalScrollBar()->isVisible() ? 0 : verticalScrollBar()->sizeHint().width();
    const double available = viewport()->width() - barWidth - 2 * Margin - (m_sideBySide ? Gutter : 0);
    const double zoom = available / ((m_sideBySide ? 2 : 1) * widest * logicalDpiX() / 72.0);
    return std::clamp(zoom, MinZoom, MaxZoom);
}

void PagePreview::relayout() {
    const double s = scale();
    m_layout.clear();
    m_layout.reserve(m_pageSizes.size());
    double widest = 0;
    for (const QSizeF &size : m_pageSizes)
        widest = std::max(widest, std::round(size.width() * s));
    double y = Margin;
    for (const QSizeF &size : m_pageSizes) {
        const double w = std::round(size.width() * s);
        const double h = std::round(size.height() * s);
        m_layout.append(QRectF(Margin + std::round((widest - w) / 2), y, w, h));
        y += h + Spacing;
    }
    m_translationOffset = m_sideBySide ? widest + Gutter : 0;
    m_contentSize = QSizeF(widest + m_translationOffset + 2 * Margin, m_pageSizes.isEmpty() ? 0 : y - Spacing + Margin);

    const QSize vp = viewport()->size();
    verticalScrollBar()->setPageStep(vp.height());
    horizontalScrollBar()->setPageStep(vp.width());
    verticalScrollBar()->setRange(0, std::max(0, int(std::ceil(m_contentSize.height())) - vp.height()));
    horizontalScrollBar()->setRange(0, std::max(0, int(std::ceil(m_contentSize.width())) - vp.width()));
}

QPoint PagePreview::scrollOffset() const {
    // Centre the column when it is narrower than the view.
    const int x = m_contentSize.width() < viewport()->width() ? -int((viewport()->width() - m_contentSize.width()) / 2)
                                                              : horizontalScrollBar()->value();
    return {x, verticalScrollBar()->value()};
}

QRectF PagePreview::pageRect(int page) const {
    if (page < 1 || page > m_layout.size())
        return {};
    return m_layout.at(page - 1).translated(-scrollOffset());
}

QRectF PagePreview::translationRect(int page) const {
    return pageRect(page).translated(m_translationOffset, 0);
}

int PagePreview::pageAtContentY(double y) const {
    if (m_layout.isEmpty())
        return 0;
    // The first page whose bottom (plus the gap after it) lies below y.
    const auto it = std::lower_bound(m_layout.cbegin(), m_layout.cend(), y,
                                     [](const QRectF &r, double v) { return r.bottom() + Spacing < v; });
    if (it == m_layout.cend())
        return int(m_layout.size());
    return int(it - m_layout.cbegin()) + 1;
}

int PagePreview::currentPage() const {
    if (m_layout.isEmpty())
        return 0;
    if (verticalScrollBar()->value() >= verticalScrollBar()->maximum() && verticalScrollBar()->maximum() > 0)
        return pageAtContentY(m_contentSize.height() - 1 - viewport()->height() / 3.0); // the last pages may be short
    return pageAtContentY(verticalScrollBar()->value() + viewport()->height() / 3.0);
}

void PagePreview::updateCurrentPage() {
    const int page = currentPage();
    if (page != m_lastCurrentPage) {
        m_lastCurrentPage = page;
        Q_EMIT currentPageChanged(page, pageCount());
    }
}

bool PagePreview::isPageRendered(int page) const {
    const auto it = m_images.constFind(page);
    return it != m_images.cend() && qFuzzyCompare(it->scale, scale()) && qFuzzyCompare(it->dpr, devicePixelRatioF());
}

bool PagePreview::visiblePagesRendered() const {
    if (m_layout.isEmpty())
        return false;
    const int top = verticalScrollBar()->value();
    const int first = pageAtContentY(top);
    const int last = pageAtContentY(top + viewport()->height());
    for (int p = first; p <= last; ++p) {
        if (!isPageRendered(p) && !m_errors.contains(p))
            return false;
    }
    return true;
}

double PagePreview::renderDpi(int page) const {
    const QSizeF points = m_pageSizes.value(page - 1);
    double dpi = scale() * 72.0 * devicePixelRatioF();
    // Bound the image at very high zoom on very large pages; the view then scales it up a little.
    const double pixels = points.width() * points.height() * (dpi / 72.0) * (dpi / 72.0);
    if (pixels > MaxPixelsPerPage)
        dpi *= std::sqrt(MaxPixelsPerPage / pixels);
    return dpi;
}

void PagePreview::newGeneration() {
    ++m_generation;
    m_pending.clear();
}

void PagePreview::schedule() {
    if (m_path.isEmpty() || m_layout.isEmpty())
        return;
    const int top = verticalScrollBar()->value();
    const int first = pageAtContentY(top);
    const int last = std::min(int(m_layout.size()), pageAtContentY(top + viewport()->height()) + 1); // one ahead

    for (int p = first; p <= last && m_inFlight < MaxInFlight; ++p) {
        if (isPageRendered(p) || m_pending.contains(p) || m_errors.contains(p))
            continue;
        m_pending.insert(p);
        ++m_inFlight;
        renderPage(p, renderDpi(p), scale(), m_generation);
    }

    // Keep memory bounded on long documents: forget renderings far from the view.
    for (auto it = m_images.begin(); it != m_images.end();) {
        if (it.key() < first - KeepAround || it.key() > last + KeepAround)
            it = m_images.erase(it);
        else
            ++it;
    }
}

QCoro::Task<> PagePreview::renderPage(int page, double dpi, double pageScale, quint64 generation) {
    QPointer<PagePreview> self(this);
    PageRendering outcome;
    try {
        const QString path = m_path;
        const std::shared_ptr<std::atomic_bool> abort = m_abort;
        // GCC 12 destroys temporaries inside a co_await operand twice (the lambda's captures here): await a named
        // future instead.
        QFuture<PageRendering> future = QtConcurrent::run(
            &m_pool, [path, page, dpi, abort]() { return renderPageImage(path, page, dpi, abort.get()); });
        outcome = co_await future;
    } catch (const std::exception &e) {
        outcome.error = tr("Page %1 could not be drawn: %2").arg(page).arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        outcome.error = tr("Page %1 could not be drawn.").arg(page);
    }
    if (!self)
        co_return;
    --m_inFlight;
    if (generation != m_generation || outcome.cancelled) {
        // Stale: another document or zoom was chosen meanwhile.
        schedule();
        co_return;
    }
    m_pending.remove(page);
    if (!outcome.error.isEmpty()) {
        m_errors.insert(page, outcome.error);
        Q_EMIT pageFailed(page, outcome.error);
    } else {
        outcome.image.setDevicePixelRatio(devicePixelRatioF());
        m_images.insert(page, Rendered{std::move(outcome.image), pageScale, devicePixelRatioF()});
        Q_EMIT pageRendered(page);
    }
    viewport()->update(pageRect(page).toAlignedRect());
    schedule();
}

void PagePreview::drawPageImage(QPainter &painter, const QRectF &target, const QImage &image) {
    const QSizeF logical = image.deviceIndependentSize();
    if (std::abs(logical.width() - target.width()) < 1.5 && std::abs(logical.height() - target.height()) < 1.5) {
        // Pixel for pixel: a plain blit, several times faster than a scaled one.
        painter.drawImage(target.topLeft().toPoint(), image);
    } else {
        // A rendering at another zoom stands in, scaled, until the new one arrives.
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter.drawImage(target, image);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    }
}

void PagePreview::paintEvent(QPaintEvent *event) {
    QPainter painter(viewport());
    if (m_layout.isEmpty()) {
        painter.setPen(palette().color(QPalette::Light));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.2);
        painter.setFont(f);
        painter.drawText(viewport()->rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                         m_placeholder);
        return;
    }
    const double s = scale();
    const int top = verticalScrollBar()->value();
    const int first = pageAtContentY(top);
    const int last = pageAtContentY(top + viewport()->height());
    const QColor shadow(0, 0, 0, 60);
    const QRect dirty = event->rect(); // scrolling repaints only the strip that comes into view
    for (int p = first; p <= last; ++p) {
        // The page, and in side-by-side mode its copy on the right with the translation over it.
        const QRectF original = pageRect(p);
        const QRectF translated = translationRect(p);
        for (const QRectF &r : m_sideBySide ? QList<QRectF>{original, translated} : QList<QRectF>{original}) {
            if (!r.intersects(dirty))
                continue;
            // The shadow on the right and bottom edges only: blending a whole page of it costs a frame.
            painter.fillRect(QRectF(r.right(), r.top() + 2, 2, r.height()), shadow);
            painter.fillRect(QRectF(r.left() + 2, r.bottom(), r.width() - 2, 2), shadow);
            const auto it = m_images.constFind(p);
            if (it != m_images.cend() && !it->image.hasAlphaChannel()) {
                drawPageImage(painter, r, it->image);
            } else if (it != m_images.cend()) {
                painter.fillRect(r, Qt::white);
                drawPageImage(painter, r, it->image);
            } else {
                painter.fillRect(r, Qt::white);
                painter.setPen(QColor(0x88, 0x88, 0x88));
                const QString text = m_errors.contains(p) ? m_errors.value(p) : tr("Page %1").arg(p);
                painter.drawText(r.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, text);
            }
            if (m_sideBySide ? r == translated : m_overlayVisible) {
                painter.save();
                paintPageOverlay(painter, p, r, s);
                painter.restore();
            }
        }
    }
}

void PagePreview::paintPageOverlay(QPainter &painter, int page, const QRectF &pageRect, double scale) {
    if (m_overlayPainter)
        m_overlayPainter(painter, page, pageRect, scale);
}

std::pair<int, QPointF> PagePreview::pageAt(const QPoint &viewportPos) const {
    const double s = scale();
    for (int p = 1; p <= pageCount() && s > 0; ++p) {
        for (const QRectF &r : {pageRect(p), translationRect(p)}) {
            if (r.contains(viewportPos))
                return {p, (QPointF(viewportPos) - r.topLeft()) / s};
        }
    }
    return {0, {}};
}

void PagePreview::mousePressEvent(QMouseEvent *event) {
    if (event->button() == Qt::LeftButton)
        m_pressPos = event->position().toPoint();
    QAbstractScrollArea::mousePressEvent(event);
}

void PagePreview::mouseReleaseEvent(QMouseEvent *event) {
    const QPoint pos = event->position().toPoint();
    if (event->button() == Qt::LeftButton && m_pressPos != QPoint(-1, -1) &&
        (pos - m_pressPos).manhattanLength() <= QApplication::startDragDistance()) {
        const auto [page, point] = pageAt(pos);
        if (page > 0)
            Q_EMIT pageClicked(page, point);
    }
    m_pressPos = QPoint(-1, -1);
    QAbstractScrollArea::mouseReleaseEvent(event);
}

void PagePreview::resizeEvent(QResizeEvent *event) {
    QAbstractScrollArea::resizeEvent(event);
    if (m_fitWidth && !m_pageSizes.isEmpty()) {
        const double z = fitWidthZoom();
        if (!qFuzzyCompare(z, m_zoom)) {
            applyZoom(z, true);
            return;
        }
    }
    relayout();
    schedule();
}

void PagePreview::changeEvent(QEvent *event) {
    QAbstractScrollArea::changeEvent(event);
    // Moved to a screen with another pixel ratio: isPageRendered() now fails for the old renderings.
    if (event->type() == QEvent::ScreenChangeInternal)
        schedule();
}

void PagePreview::scrollContentsBy(int dx, int dy) {
    viewport()->scroll(dx, dy); // moves what is painted and repaints only what comes into view
    updateCurrentPage();
    schedule();
}

void PagePreview::applyZoom(double zoom, bool fitWidth, bool relayoutAnyway) {
    zoom = std::clamp(zoom, MinZoom, MaxZoom);
    const bool changed = !qFuzzyCompare(zoom, m_zoom) || fitWidth != m_fitWidth || relayoutAnyway;
    // Keep the same spot of the current page at the top of the view.
    const int page = currentPage();
    double fraction = 0;
    if (page > 0) {
        const QRectF r = m_layout.at(page - 1);
        fraction = (verticalScrollBar()->value() - r.top()) / std::max(1.0, r.height() + Spacing);
    }
    m_zoom = zoom;
    m_fitWidth = fitWidth;
    if (!changed)
        return;
    newGeneration();
    relayout();
    if (page > 0) {
        const QRectF r = m_layout.at(page - 1);
        verticalScrollBar()->setValue(int(std::round(r.top() + fraction * (r.height() + Spacing))));
    }
    viewport()->update();
    updateCurrentPage();
    schedule();
    Q_EMIT zoomChanged(m_zoom, m_fitWidth);
}

void PagePreview::zoomIn() {
    applyZoom(m_zoom * ZoomStep, false);
}
void PagePreview::zoomOut() {
    applyZoom(m_zoom / ZoomStep, false);
}
void PagePreview::setZoom(double zoom) {
    applyZoom(zoom, false);
}
void PagePreview::fitWidth() {
    applyZoom(fitWidthZoom(), true);
}

void PagePreview::setSideBySide(bool on) {
    if (on == m_sideBySide)
        return;
    m_sideBySide = on;
    // Fit width keeps fitting: two pages now share the width (or one takes it back).
    applyZoom(m_fitWidth ? fitWidthZoom() : m_zoom, m_fitWidth, true);
    Q_EMIT sideBySideChanged(on);
}

void PagePreview::setOverlayVisible(bool visible) {
    m_overlayVisible = visible;
    viewport()->update();
}

void PagePreview::goToPage(int page) {
    if (m_layout.isEmpty())
        return;
    page = std::clamp(page, 1, int(m_layout.size()));
    verticalScrollBar()->setValue(int(m_layout.at(page - 1).top() - Margin));
    updateCurrentPage();
}

void PagePreview::nextPage() {
    const int page = currentPage();
    if (page >= pageCount())
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    else
        goToPage(page + 1);
}

void PagePreview::previousPage() {
    const int page = currentPage();
    if (page <= 0)
        return;
    // From the middle of a page, go back to its top first, as readers expect.
    const double top = m_layout.at(page - 1).top() - Margin;
    if (verticalScrollBar()->value() > top + 1)
        goToPage(page);
    else
        goToPage(page - 1);
}

} // namespace overtext::ui
