#pragma once

#include <QCoroTask>
#include <QListView>
#include <QSizeF>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>

namespace overtext::ui {

class PagePreview;
class ThumbnailModel;

/// Small pictures of the preview's pages in a column beside it: a click (or the arrow keys) goes to that page, and the
/// page the preview shows is the current one. Thumbnails are rendered by Poppler on the bar's own one-thread pool, only
/// for the rows in view, and kept for the document (a 311-page manual needs about 15 MB).
class ThumbnailBar : public QListView {
    Q_OBJECT
public:
    explicit ThumbnailBar(PagePreview *preview, QWidget *parent = nullptr);
    ~ThumbnailBar() override;

    /// Whether the page's thumbnail has been rendered (or failed).
    bool isThumbnailReady(int page) const;

    /// The longest side of a thumbnail, device-independent pixels.
    static constexpr int ThumbnailSize = 120;

Q_SIGNALS:
    void thumbnailReady(int page);

protected:
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void showDocument();
    void followPreview(int page);
    void scheduleSoon();
    void schedule();
    QCoro::Task<> renderThumbnail(int page, double dpi, quint64 generation);

    PagePreview *m_preview;
    ThumbnailModel *m_model;
    QThreadPool m_pool;
    QTimer m_scheduleTimer;
    std::shared_ptr<std::atomic_bool> m_abort;
    quint64 m_generation = 0;
    int m_inFlight = 0;
    bool m_following = false; // the preview moved: selecting its page must not move it again
};

} // namespace overtext::ui
