#include "pdf/pdfdocument.h"

#include "pdf/layoutgrouper.h"
#include "pdf/styledtext.h"

#include <poppler-qt6.h>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace overtext {

namespace {
bool shouldAbort(const QVariant &closure) {
    const auto *flag = static_cast<const std::atomic_bool *>(closure.value<const void *>());
    return flag && flag->load(std::memory_order_relaxed);
}

std::atomic_int g_mainThreadCalls{0};

void noteThread() {
    const QCoreApplication *app = QCoreApplication::instance();
    if (app && QThread::currentThread() == app->thread())
        ++g_mainThreadCalls;
}

/// Poppler reports every syntax problem of a damaged file through qDebug: a fuzzed file made 830 000 lines and spent
/// most of its time writing them. They are not for the user (errors reach them as sentences), so they go nowhere.
void silencePoppler() {
    static const bool once = [] {
        Poppler::setDebugErrorFunction([](const QString &, const QVariant &) {}, QVariant());
        return true;
    }();
    (void)once;
}

Error cancelled() {
    return Error{Error::Cancelled, QStringLiteral("Reading the page was cancelled.")};
}
} // namespace

PdfDocument::PdfDocument(std::unique_ptr<Poppler::Document> doc, QString path, QByteArray password)
    : m_doc(std::move(doc))
    , m_path(std::move(path))
    , m_password(std::move(password)) {}
PdfDocument::~PdfDocument() = default;

Result<std::unique_ptr<PdfDocument>> PdfDocument::open(const QString &path, const QByteArray &password) {
    const QFileInfo info(path);
    if (!info.exists())
        return Error{Error::Io, QStringLiteral("%1 does not exist.").arg(path)};
    if (!info.isFile())
        return Error{Error::Io, QStringLiteral("%1 is not a file.").arg(path)};
    QFile probe(path);
    if (!probe.open(QIODevice::ReadOnly))
        return Error{Error::Io, QStringLiteral("%1 cannot be read: %2").arg(path, probe.errorString())};
    if (probe.size() == 0)
        return Error{Error::PdfDamaged, QStringLiteral("%1 is empty.").arg(info.fileName())};
    // A PDF may have some junk before its header, but the header must be within the first KiB.
    if (!probe.read(1024).contains("%PDF-"))
        return Error{Error::PdfDamaged, QStringLiteral("%1 is not a PDF file.").arg(info.fileName())};
    probe.close();

    silencePoppler();
    std::unique_ptr<Poppler::Document> doc = Poppler::Document::load(path, password, password);
    if (!doc)
        return Error{Error::PdfDamaged,
                     QStringLiteral("%1 is damaged and cannot be opened as a PDF.").arg(info.fileName())};
    if (doc->isLocked()) {
        if (password.isEmpty())
            return Error{Error::PdfLocked, QStringLiteral("%1 needs a password.").arg(info.fileName())};
        return Error{Error::PdfLocked, QStringLiteral("The password for %1 is wrong.").arg(info.fileName())};
    }
    if (doc->numPages() <= 0)
        return Error{Error::PdfDamaged, QStringLiteral("%1 has no pages that can be read.").arg(info.fileName())};
    doc->setRenderHint(Poppler::Document::Antialiasing);
    doc->setRenderHint(Poppler::Document::TextAntialiasing);
    return std::unique_ptr<PdfDocument>(new PdfDocument(std::move(doc), path, password));
}

int PdfDocument::pageCount() const {
    return m_doc->numPages();
}

QString PdfDocument::title() const {
    return m_doc->info(QStringLiteral("Title"));
}

bool PdfDocument::prefersSerif() const {
    static const QRegularExpression serif(
        QStringLiteral("Times|Roman|Serif|^CM[RBTU]|^SF[RB]|LMRoman|Minion|Garamond|Georgia|Palatino|Pagella|Termes|"
                       "Cambria|Bookman|Century|Baskerville|Caslon|Utopia|Charter|Nimbus ?Rom|Mincho|Song|Ming|Naskh"),
        QRegularExpression::CaseInsensitiveOption);
    int serifs = 0, others = 0;
    // The first pages tell the body face; figures further on bring their own fonts.
    QList<Poppler::FontInfo> fonts;
    const std::unique_ptr<Poppler::FontIterator> it = m_doc->newFontIterator();
    for (int page = 0; page < 3 && it->hasNext(); ++page)
        fonts.append(it->next());
    for (const Poppler::FontInfo &f : std::as_const(fonts)) {
        if (f.name().contains(QLatin1String("Helvetica")) || f.name().contains(QLatin1String("Arial")))
            continue; // the usual faces of embedded figures

        QString name = f.name();
        name = name.mid(name.indexOf(QLatin1Char('+')) + 1); // subset prefix "ABCDEF+"
        if (name.contains(QLatin1String("Mono"), Qt::CaseInsensitive) || name.startsWith(QLatin1String("CMTT")) ||
            name.startsWith(QLatin1String("CMSY")) || name.startsWith(QLatin1String("CMMI")) || name.isEmpty())
            continue; // code and maths say nothing about the body face
        (serif.match(name).hasMatch() ? serifs : others) += 1;
    }
    return serifs > others;
}

PageInfo PdfDocument::pageInfo(int page) const {
    PageInfo info;
    info.page = page;
    const std::unique_ptr<Poppler::Page> p(m_doc->page(page - 1));
    if (!p)
        return info;
    info.size = p->pageSizeF(); // already swapped for 90/270
    switch (p->orientation()) {
    case Poppler::Page::Landscape:
        info.rotation = 90;
        break;
    case Poppler::Page::UpsideDown:
        info.rotation = 180;
        break;
    case Poppler::Page::Seascape:
        info.rotation = 270;
        break;
    case Poppler::Page::Portrait:
        info.rotation = 0;
        break;
    }
    return info;
}

int PdfDocument::mainThreadCalls() {
    return g_mainThreadCalls.load();
}

std::optional<Error> PdfDocument::openText() const {
    if (m_text)
        return std::nullopt;
    auto opened = StyledTextReader::open(m_path, m_password);
    if (!opened)
        return opened.error();
    m_text = std::move(*opened);
    return std::nullopt;
}

Result<QList<Word>> PdfDocument::words(int page, const std::atomic_bool *abort, int rotation) const {
    noteThread();
    if (auto failed = openText())
        return *failed;
    return m_text->words(page, rotation, abort);
}

Result<QImage> PdfDocument::renderBackground(int page, double dpi, const std::atomic_bool *abort) const {
    noteThread();
    if (auto failed = openText())
        return *failed;
    return m_text->background(page, dpi, abort);
}

namespace {
/// Maps a rectangle from a frame turned `rotation` degrees clockwise back to the displayed page of size `page`.
QRectF fromFrame(const QRectF &r, int rotation, const QSizeF &page) {
    auto map = [&](QPointF q) {
        switch (rotation) {
        case 90:
            return QPointF(q.y(), page.height() - q.x());
        case 180:
            return QPointF(page.width() - q.x(), page.height() - q.y());
        case 270:
            return QPointF(page.width() - q.y(), q.x());
        default:
            return q;
        }
    };
    return QRectF(map(r.topLeft()), map(r.bottomRight())).normalized();
}
} // namespace

Result<QList<Segment>> PdfDocument::segments(int page, const std::atomic_bool *abort) const {
    const PageInfo info = pageInfo(page);
    auto base = words(page, abort);
    if (!base)
        return base.error();
    // Count glyphs per direction; single glyphs go with the dominant one.
    int chars[4] = {0, 0, 0, 0};
    for (const Word &w : *base)
        if (w.direction >= 0)
            chars[w.direction] += int(w.text.size());
    // Upright text comes first unless the page is mostly turned (a landscape table on a portrait page).
    chars[0] *= 2;
    const int dominant = int(std::max_element(chars, chars + 4) - chars);
    QList<int> order{dominant};
    for (int d = 0; d < 4; ++d)
        if (d != dominant && chars[d] >= 3)
            order.append(d);
    static constexpr int kFrameFor[4] = {0, 270, 180, 90}; // the frame in which direction d reads upright
    static constexpr int kTextRotation[4] = {0, 90, 180, 270};
    QList<Segment> all;
    for (int d : order) {
        const int frame = kFrameFor[d];
        Result<QList<Word>> framed = frame == 0 ? base : words(page, abort, frame);
        if (!framed)
            return framed.error();
        QList<Word> upright;
        for (const Word &w : *framed)
            if (w.direction == 0 || (w.direction < 0 && d == dominant))
                upright.append(w);
        PageInfo frameInfo = info;
        if (frame == 90 || frame == 270)
            frameInfo.size.transpose();
        for (Segment s : LayoutGrouper::group(upright, frameInfo)) {
            s.box = fromFrame(s.box, frame, info.size);
            for (QRectF &l : s.lineBoxes)
                l = fromFrame(l, frame, info.size);
            s.textRotation = kTextRotation[d];
            all.append(std::move(s));
        }
    }
    for (int i = 0; i < all.size(); ++i)
        all[i].id = QStringLiteral("p%1-b%2").arg(page).arg(i + 1);
    return all;
}

Result<QImage> PdfDocument::render(int page, double dpi, const std::atomic_bool *abort) const {
    noteThread();
    const std::unique_ptr<Poppler::Page> p(m_doc->page(page - 1));
    if (!p)
        return Error{Error::PdfDamaged, QStringLiteral("Page %1 cannot be read.").arg(page)};
    const QVariant closure = QVariant::fromValue(static_cast<const void *>(abort));
    QImage image =
        p->renderToImage(dpi, dpi, -1, -1, -1, -1, Poppler::Page::Rotate0, nullptr, nullptr, shouldAbort, closure);
    if (abort && abort->load())
        return cancelled();
    if (image.isNull())
        return Error{Error::PdfDamaged, QStringLiteral("Page %1 could not be drawn.").arg(page)};
    return image;
}

} // namespace overtext
