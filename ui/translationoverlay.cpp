#include "translationoverlay.h"

#include "engine/batchrun.h"
#include "pagepreview.h"

#include <QCoroFuture>

#include <QPainter>
#include <QPointer>
#include <QtConcurrent>

#include <cmath>
#include <memory>

namespace overtext::ui {

namespace {

struct Built {
    QImage image;
    QList<OverlayBlock> sampled; ///< the blocks whose colours were sampled for this image
};

// Runs on the overlay's pool thread: colour sampling, layout and painting all stay off the GUI thread.
Built paintOverlayImage(QList<OverlayBlock> blocks, const QList<bool> &known, const QList<QRectF> &obstacles,
                        const QSizeF &pageSize, const QString &language, bool serif, const QImage &pageImage,
                        double pixelScale, double dpr) {
    // OverlayPainter is reentrant but not thread-safe: one per thread, rebuilt when the language or face changes.
    thread_local std::unique_ptr<OverlayPainter> t_painter;
    thread_local QString t_key;
    const QString key = language + (serif ? QStringLiteral("|serif") : QStringLiteral("|sans"));
    if (!t_painter || t_key != key) {
        t_painter = std::make_unique<OverlayPainter>(language, serif);
        t_key = key;
    }
    Built out;
    for (qsizetype i = 0; i < blocks.size(); ++i)
        if (!known.at(i))
            out.sampled.append(blocks.at(i));
    OverlayPainter::sampleColors(out.sampled, pageImage, pageSize);
    for (qsizetype i = 0, j = 0; i < blocks.size(); ++i) {
        if (known.at(i))
            continue;
        blocks[i].background = out.sampled.at(j).background;
        blocks[i].color = out.sampled.at(j).color;
        ++j;
    }
    const QSize size(std::max(1, int(std::lround(pageSize.width() * pixelScale))),
                     std::max(1, int(std::lround(pageSize.height() * pixelScale))));
    out.image = QImage(size, QImage::Format_ARGB32_Premultiplied);
    out.image.fill(Qt::transparent);
    QPainter painter(&out.image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.scale(double(size.width()) / pageSize.width(), double(size.height()) / pageSize.height());
    t_painter->paint(painter, blocks, pageSize, obstacles);
    painter.end();
    out.image.setDevicePixelRatio(dpr);
    return out;
}

} // namespace

TranslationOverlay::TranslationOverlay(BatchRun *batch, PagePreview *preview, InfoSource info, QObject *parent)
    : QObject(parent)
    , m_batch(batch)
    , m_preview(preview)
    , m_info(std::move(info)) {
    // One thread: a page's layout takes a few tens of milliseconds, and the renders of the pages need the other core.
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("TranslationOverlay pool"));
    connect(m_preview, &PagePreview::documentChanged, this, &TranslationOverlay::forget);
}

TranslationOverlay::~TranslationOverlay() {
    // Queued builds run to their end (no m_pool.clear(): their futures would never finish); their coroutines find
    // the overlay gone through their QPointer.
    m_pool.waitForDone();
}

void TranslationOverlay::forget() {
    ++m_generation;
    m_pages.clear();
    m_colours.clear();
}

TranslationOverlay::Content TranslationOverlay::contentOf(int page) const {
    Content c;
    const QString path = m_preview->documentPath();
    const DocumentTranslation *doc = m_batch->translation(path);
    if (!doc)
        return c;
    const DocumentInfo info = m_info(path);
    if (page < 1 || page > info.pageSizes.size())
        return c;
    c.pageSize = info.pageSizes.at(page - 1);
    c.serif = info.serif;
    c.language = m_batch->targetLanguage(path);
    size_t h = qHashMulti(0, c.language, c.serif);
    for (const SegmentTranslation &s : doc->segments) {
        if (s.segment.page != page)
            continue;
        QString text = m_batch->displayText(path, s);
        if (s.segment.kind == SegmentKind::Prose && !text.isEmpty()) {
            h = qHashMulti(h, s.segment.id, text);
            c.blocks.append(OverlayBlock{s.segment, std::move(text)});
        } else {
            h = qHashMulti(h, s.segment.box.x(), s.segment.box.y(), s.segment.box.width(), s.segment.box.height());
            c.obstacles.append(s.segment.box);
        }
    }
    c.signature = h;
    return c;
}

void TranslationOverlay::paint(QPainter &painter, int page, const QRectF &pageRect, double scale) {
    Content content = contentOf(page);
    if (content.blocks.isEmpty())
        return;
    const double dpr = m_preview->devicePixelRatioF();
    const double pixelScale = scale * dpr;
    Cached &cached = m_pages[page];
    const bool current = cached.signature == content.signature && qFuzzyCompare(cached.pixelScale, pixelScale);
    const QImage pageImage = m_preview->renderedImage(page);
    // Colours come from the page's rendering: without one yet, the build waits for it (the page repaints then).
    if (!current && !cached.building && !pageImage.isNull()) {
        cached.building = true;
        build(page, std::move(content), pageImage, pixelScale, dpr, m_generation);
    }
    if (!cached.image.isNull()) {
        // An image of an older text or zoom stands in until the new one lands.
        PagePreview::drawPageImage(painter, pageRect, cached.image);
    }
}

bool TranslationOverlay::isPageUpToDate(int page) const {
    const Content content = contentOf(page);
    if (content.blocks.isEmpty())
        return true;
    const auto it = m_pages.constFind(page);
    return it != m_pages.cend() && !it->image.isNull() && it->signature == content.signature &&
           qFuzzyCompare(it->pixelScale, m_preview->scale() * m_preview->devicePixelRatioF());
}

QCoro::Task<> TranslationOverlay::build(int page, Content content, QImage pageImage, double pixelScale, double dpr,
                                        quint64 generation) {
    QPointer<TranslationOverlay> self(this);
    QList<bool> known;
    known.reserve(content.blocks.size());
    const auto knownColours = m_colours.value(page);
    for (OverlayBlock &b : content.blocks) {
        const auto it = knownColours.constFind(b.segment.id);
        known.append(it != knownColours.cend());
        if (it != knownColours.cend()) {
            b.background = it->first;
            b.color = it->second;
        }
    }
    Built built;
    try {
        // Named future: GCC 12 destroys the captures of a lambda inside a co_await operand twice.
        QFuture<Built> future = QtConcurrent::run(&m_pool, [content, known, pageImage, pixelScale, dpr] {
            return paintOverlayImage(content.blocks, known, content.obstacles, content.pageSize, content.language,
                                     content.serif, pageImage, pixelScale, dpr);
        });
        built = co_await future;
    } catch (...) {
        // Nothing drawn: the page keeps its older image and the next paint tries again.
    }
    if (!self || generation != m_generation)
        co_return;
    Cached &cached = m_pages[page];
    cached.building = false;
    if (built.image.isNull())
        co_return;
    cached.image = std::move(built.image);
    cached.signature = content.signature;
    cached.pixelScale = pixelScale;
    auto &colours = m_colours[page];
    for (const OverlayBlock &b : std::as_const(built.sampled))
        colours.insert(b.segment.id, {b.background, b.color});
    evict();
    const QRectF r = m_preview->translationRect(page);
    m_preview->viewport()->update(r.toAlignedRect());
    Q_EMIT pageUpdated(page);
}

void TranslationOverlay::evict() {
    if (m_pages.size() <= MaxCachedPages)
        return;
    const int current = m_preview->currentPage();
    QList<int> pages = m_pages.keys();
    std::sort(pages.begin(), pages.end(),
              [current](int a, int b) { return std::abs(a - current) > std::abs(b - current); });
    for (int p : std::as_const(pages)) {
        if (m_pages.size() <= MaxCachedPages)
            break;
        if (!m_pages.value(p).building)
            m_pages.remove(p);
    }
}

} // namespace overtext::ui
