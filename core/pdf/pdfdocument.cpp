#include "pdf/pdfdocument.h"

#include <poppler-qt6.h>

#include <QFile>
#include <QFileInfo>

namespace overtext {

namespace {
bool shouldAbort(const QVariant &closure) {
    const auto *flag = static_cast<const std::atomic_bool *>(closure.value<const void *>());
    return flag && flag->load(std::memory_order_relaxed);
}

Error cancelled() {
    return Error{Error::Cancelled, QStringLiteral("Reading the page was cancelled.")};
}
} // namespace

PdfDocument::PdfDocument(std::unique_ptr<Poppler::Document> doc)
    : m_doc(std::move(doc)) {}
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
    return std::unique_ptr<PdfDocument>(new PdfDocument(std::move(doc)));
}

int PdfDocument::pageCount() const {
    return m_doc->numPages();
}

QString PdfDocument::title() const {
    return m_doc->info(QStringLiteral("Title"));
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

Result<QList<Word>> PdfDocument::words(int page, const std::atomic_bool *abort) const {
    const std::unique_ptr<Poppler::Page> p(m_doc->page(page - 1));
    if (!p)
        return Error{Error::PdfDamaged, QStringLiteral("Page %1 cannot be read.").arg(page)};
    const QVariant closure = QVariant::fromValue(static_cast<const void *>(abort));
    auto boxes = p->textList(Poppler::Page::Rotate0, shouldAbort, closure);
    if (abort && abort->load())
        return cancelled();
    QList<Word> words;
    words.reserve(int(boxes.size()));
    for (const auto &box : boxes) {
        Word w;
        w.text = box->text();
        w.box = box->boundingBox();
        w.spaceAfter = box->hasSpaceAfter();
        w.lineEnd = box->nextWord() == nullptr;
        if (w.text.isEmpty() || !w.box.isValid())
            continue;
        words.append(std::move(w));
    }
    return words;
}

Result<QImage> PdfDocument::render(int page, double dpi, const std::atomic_bool *abort) const {
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
