#pragma once

#include <QAbstractScrollArea>
#include <QHash>
#include <QImage>
#include <QList>
#include <QSet>
#include <QSizeF>
#include <QThreadPool>

#include <QCoroTask>

#include <atomic>
#include <functional>
#include <memory>

namespace overtext::ui {

/// A scrollable vertical list of the pages of one PDF.
///
/// Pages are rendered by Poppler on a small thread pool owned by the widget, never on the GUI thread; only the
/// visible pages and the one after them are rendered, at screen resolution times the device pixel ratio, and again
/// when the zoom changes. Until a page arrives a placeholder of the right size stands in (or the previous rendering,
/// scaled). A generation counter drops renderings that belong to an older document or zoom, and an abort flag stops
/// Poppler when the document changes or the widget goes away.
///
/// The translation overlay paints through paintPageOverlay() (override it) or setOverlayPainter(): over the page when
/// the overlay is visible, and always over the right-hand copy in side-by-side mode, where each page is shown twice in
/// one row, original | translation, so that both sides scroll together.
class PagePreview : public QAbstractScrollArea {
    Q_OBJECT
public:
    /// Paints on top of a page. pageRect is the page in viewport coordinates; scale is device-independent pixels per
    /// PDF point, so a box in points maps to pageRect.topLeft() + box * scale.
    using OverlayPainter = std::function<void(QPainter &painter, int page, const QRectF &pageRect, double scale)>;

    explicit PagePreview(QWidget *parent = nullptr);
    ~PagePreview() override;

    /// Shows a document whose page sizes (in points, displayed orientation) are already known; page 1 first.
    void setDocument(const QString &path, const QList<QSizeF> &pageSizes);
    /// Shows no document, only the placeholder text.
    void clear();
    void setPlaceholderText(const QString &text);

    QString documentPath() const { return m_path; }
    const QList<QSizeF> &pageSizes() const { return m_pageSizes; }
    int pageCount() const { return int(m_pageSizes.size()); }
    /// The page at the top third of the view, 1-based; 0 without a document.
    int currentPage() const;
    /// 1.0 is 100 %: a point is 1/72 of a logical inch on screen.
    double zoom() const { return m_zoom; }
    bool isFitWidth() const { return m_fitWidth; }
    /// Device-independent pixels per PDF point at the current zoom.
    double scale() const;

    /// The page's rectangle in viewport coordinates (may be outside the viewport); the original's in side-by-side mode.
    QRectF pageRect(int page) const;
    /// Where the page with its translation is drawn: the right-hand copy in side-by-side mode, else pageRect().
    QRectF translationRect(int page) const;
    bool isSideBySide() const { return m_sideBySide; }
    bool isOverlayVisible() const { return m_overlayVisible; }
    /// Whether the overlay is painted anywhere (over the page, or beside it in side-by-side mode).
    bool showsOverlay() const { return m_overlayVisible || m_sideBySide; }
    /// Whether the page has been rendered at the current zoom.
    bool isPageRendered(int page) const;
    /// Whether every page that is at least partly visible has been rendered (or failed) at the current zoom.
    bool visiblePagesRendered() const;
    /// The error for a page that could not be rendered, empty otherwise.
    QString pageError(int page) const { return m_errors.value(page); }

    void setOverlayPainter(OverlayPainter painter);
    /// The page's latest rendering (possibly at another zoom); null when none.
    QImage renderedImage(int page) const { return m_images.value(page).image; }
    /// The page under a viewport position and that position in page points; page 0 when none.
    std::pair<int, QPointF> pageAt(const QPoint &viewportPos) const;

    /// Draws a page-sized image (device pixel ratio set) into target: a plain blit when it has target's size, scaled
    /// smoothly otherwise (a rendering at another zoom standing in).
    static void drawPageImage(QPainter &painter, const QRectF &target, const QImage &image);

    static constexpr double MinZoom = 0.25;
    static constexpr double MaxZoom = 4.0;

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void setZoom(double zoom);
    void fitWidth();
    void goToPage(int page);
    void nextPage();
    void previousPage();
    /// Original | translation in one row per page (on), or the page alone with the overlay if visible (off).
    void setSideBySide(bool on);
    /// The overlay over the page outside side-by-side mode.
    void setOverlayVisible(bool visible);

Q_SIGNALS:
    /// setDocument() or clear() showed another document (or none).
    void documentChanged(const QString &path);
    void sideBySideChanged(bool on);
    void currentPageChanged(int page, int pageCount);
    void zoomChanged(double zoom, bool fitWidth);
    void pageRendered(int page);
    void pageFailed(int page, const QString &message);
    /// A click (press and release without moving) on a page, at pointInPage in PDF points.
    void pageClicked(int page, const QPointF &pointInPage);

protected:
    /// Hook for the translation overlay: called after the page image (or its placeholder) is painted.
    virtual void paintPageOverlay(QPainter &painter, int page, const QRectF &pageRect, double scale);

    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    struct Rendered {
        QImage image;
        double scale = 0;
        double dpr = 1;
    };

    QCoro::Task<> renderPage(int page, double dpi, double pageScale, quint64 generation);
    void relayout();
    void schedule();
    void newGeneration();
    void applyZoom(double zoom, bool fitWidth, bool relayoutAnyway = false);
    double fitWidthZoom() const;
    double renderDpi(int page) const;
    int pageAtContentY(double y) const;
    QPoint scrollOffset() const;
    void updateCurrentPage();

    QString m_path;
    QList<QSizeF> m_pageSizes;
    QList<QRectF> m_layout; // content coordinates, device-independent pixels
    QSizeF m_contentSize;
    double m_translationOffset = 0; // x distance from a page to its translated copy in side-by-side mode
    double m_zoom = 1.0;
    bool m_fitWidth = true;
    bool m_sideBySide = false;
    bool m_overlayVisible = true;
    QString m_placeholder;

    QHash<int, Rendered> m_images;
    QHash<int, QString> m_errors;
    QSet<int> m_pending;
    int m_inFlight = 0;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic_bool> m_abort;
    int m_lastCurrentPage = 0;
    QPoint m_pressPos{-1, -1};

    OverlayPainter m_overlayPainter;
    QThreadPool m_pool;
};

} // namespace overtext::ui
