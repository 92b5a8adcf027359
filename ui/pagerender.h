#pragma once

#include <QImage>
#include <QString>

#include <atomic>

namespace overtext::ui {

/// One page drawn by Poppler, or why not.
struct PageRendering {
    QImage image;
    QString error;
    bool cancelled = false;
};

/// Renders a page of the PDF at path with Poppler, at dpi. Call it on a pool thread, never on the GUI thread: it is
/// what the preview and the thumbnails run through QtConcurrent. Each thread keeps the last document it opened
/// (consecutive pages of one file are the common case), keyed by path, size and modification time so that a file
/// replaced on disk is opened anew. Returns at once with cancelled set when abort is already raised, and Poppler
/// stops at its next check when it is raised during the render.
PageRendering renderPageImage(const QString &path, int page, double dpi, const std::atomic_bool *abort);

} // namespace overtext::ui
