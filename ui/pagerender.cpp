#include "pagerender.h"

#include "pdf/pdfdocument.h"

#include <QDateTime>
#include <QFileInfo>

#include <memory>

namespace overtext::ui {

namespace {

struct ThreadDocument {
    QString key;
    std::unique_ptr<PdfDocument> doc;
};
thread_local ThreadDocument t_document;

} // namespace

PageRendering renderPageImage(const QString &path, int page, double dpi, const std::atomic_bool *abort) {
    PageRendering out;
    if (abort->load()) {
        out.cancelled = true;
        return out;
    }
    const QFileInfo info(path);
    const QString key = path + QLatin1Char('|') + QString::number(info.size()) + QLatin1Char('|') +
                        QString::number(info.lastModified().toMSecsSinceEpoch());
    if (t_document.key != key || !t_document.doc) {
        t_document.doc.reset();
        t_document.key.clear();
        auto opened = PdfDocument::open(path);
        if (!opened) {
            out.error = opened.error().message;
            return out;
        }
        t_document.doc = std::move(opened).value();
        t_document.key = key;
    }
    auto image = t_document.doc->render(page, dpi, abort);
    if (!image) {
        out.cancelled = image.error().code == Error::Cancelled;
        out.error = image.error().message;
        return out;
    }
    out.image = std::move(image).value();
    // Blitting converts any other format pixel by pixel on the GUI thread at every paint: convert once, here.
    if (out.image.format() != QImage::Format_RGB32 && out.image.format() != QImage::Format_ARGB32_Premultiplied)
        out.image.convertTo(QImage::Format_ARGB32_Premultiplied);
    return out;
}

} // namespace overtext::ui
