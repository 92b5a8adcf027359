#pragma once

#include "render/overlaypainter.h"

#include <QCoroTask>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QThreadPool>

#include <functional>

class QPainter;

namespace overtext {
class BatchRun;
}

namespace overtext::ui {

class PagePreview;

/// The translation laid over the preview's pages, drawn by OverlayPainter (the export's drawing code) into one
/// transparent image per page off the GUI thread, and only blitted when the view paints.
///
/// Each page's image is kept with a signature of what it shows (language, face, every block's text, the obstacles)
/// and its scale: a paint whose page has changed (a segment streamed more text, a correction, a new zoom) draws the
/// image it has and asks a worker for a new one, which lands with a repaint of that page. Colours are sampled from
/// the page's rendering once per segment, on the worker. Only the pages near the view keep their images.
///
/// Lives on the GUI thread; the batch and the preview must outlive it.
class TranslationOverlay : public QObject {
    Q_OBJECT
public:
    /// What the overlay needs to know of the shown document beyond its translation.
    struct DocumentInfo {
        QList<QSizeF> pageSizes;
        bool serif = false;
    };
    using InfoSource = std::function<DocumentInfo(const QString &path)>;

    TranslationOverlay(BatchRun *batch, PagePreview *preview, InfoSource info, QObject *parent = nullptr);
    ~TranslationOverlay() override;

    /// Paints the page's translation into pageRect (scale: pixels per point), as PagePreview's overlay painter.
    void paint(QPainter &painter, int page, const QRectF &pageRect, double scale);
    /// Whether the page's image shows its current translation at the current scale (for tests and screenshots).
    bool isPageUpToDate(int page) const;

    /// Most images kept (one page of the gnuplot manual at 1600 px is about 8 MB).
    static constexpr int MaxCachedPages = 8;

Q_SIGNALS:
    /// A new image of the page's translation is ready (the page was repainted).
    void pageUpdated(int page);

private:
    struct Content {
        QList<OverlayBlock> blocks;
        QList<QRectF> obstacles;
        QSizeF pageSize;
        QString language;
        bool serif = false;
        size_t signature = 0;
    };
    struct Cached {
        QImage image; ///< device pixels, transparent where nothing is drawn; null until the first build lands
        size_t signature = 0;
        double pixelScale = 0; ///< device pixels per point
        bool building = false;
    };

    Content contentOf(int page) const;
    QCoro::Task<> build(int page, Content content, QImage pageImage, double pixelScale, double dpr, quint64 generation);
    void forget();
    void evict();

    BatchRun *m_batch;
    PagePreview *m_preview;
    InfoSource m_info;
    QHash<int, Cached> m_pages;
    /// Colours sampled per page and segment: background, text.
    QHash<int, QHash<QString, std::pair<QColor, QColor>>> m_colours;
    quint64 m_generation = 0;
    QThreadPool m_pool;
};

} // namespace overtext::ui
