#include "pdf/styledtext.h"

#include <GlobalParams.h>
#include <PDFDoc.h>
#include <SplashOutputDev.h>
#include <TextOutputDev.h>
#include <splash/SplashBitmap.h>

#include <cstring>

#include <QFile>

#include <cmath>

namespace overtext {

namespace {
bool abortCheck(void *data) {
    const auto *flag = static_cast<const std::atomic_bool *>(data);
    return flag && flag->load(std::memory_order_relaxed);
}

QRectF box(double x0, double y0, double x1, double y1) {
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}
} // namespace

StyledTextReader::StyledTextReader(std::unique_ptr<PDFDoc> doc)
    : m_doc(std::move(doc)) {}
StyledTextReader::~StyledTextReader() = default;

Result<std::unique_ptr<StyledTextReader>> StyledTextReader::open(const QString &path, const QByteArray &password) {
    std::optional<GooString> pw;
    if (!password.isEmpty())
        pw = GooString(password.constData(), size_t(password.size()));
    auto doc = std::make_unique<PDFDoc>(std::make_unique<GooString>(QFile::encodeName(path).constData()), pw, pw);
    if (!doc->isOk())
        return Error{Error::PdfDamaged, QStringLiteral("The text of %1 cannot be read.").arg(path)};
    return std::unique_ptr<StyledTextReader>(new StyledTextReader(std::move(doc)));
}

TextStyle StyledTextReader::fontStyle(const TextFontInfo *font) {
    const GooString *name = font ? font->getFontName() : nullptr;
    const int flags = font ? (font->isFixedWidth() ? 1 : 0) | (font->isSerif() ? 2 : 0) |
                                 (font->isItalic() ? 1 << 6 : 0) | (font->isBold() ? 1 << 18 : 0)
                           : 0;
    QByteArray key = name ? QByteArray(name->c_str(), qsizetype(name->getLength())) : QByteArray();
    key += '\0' + QByteArray::number(flags);
    auto it = m_fonts.constFind(key);
    if (it != m_fonts.constEnd())
        return *it;
    TextStyle style;
    classifyFont(style, name ? QString::fromLatin1(name->c_str()) : QString(), flags);
    m_fonts.insert(key, style);
    return style;
}

Result<QList<Word>> StyledTextReader::words(int page, int rotation, const std::atomic_bool *abort) {
    if (page < 1 || page > m_doc->getNumPages())
        return Error{Error::PdfDamaged, QStringLiteral("Page %1 cannot be read.").arg(page)};
    TextOutputDev device(nullptr, false, 0, false, false);
    // As Poppler's Qt binding reads a page for Page::textList: the displayed orientation (the page's /Rotate) turned
    // further by `rotation`, at 72 dpi, no cropping; a copied xref keeps this thread off shared parser state.
    m_doc->displayPageSlice(&device, page, 72, 72, rotation, false, false, false, -1, -1, -1, -1, abortCheck,
                            const_cast<std::atomic_bool *>(abort), nullptr, nullptr, true);
    if (abort && abort->load())
        return Error{Error::Cancelled, QStringLiteral("Reading the page was cancelled.")};
    const std::unique_ptr<TextWordList> list = device.makeWordList();
    QList<Word> words;
    if (!list)
        return words;
    words.reserve(list->getLength());
    QHash<const TextFontInfo *, TextStyle> styles;
    for (int i = 0; i < list->getLength(); ++i) {
        const TextWord *tw = list->get(i);
        const std::unique_ptr<GooString> text(tw->getText());
        Word w;
        w.text = QString::fromUtf8(text->c_str(), qsizetype(text->getLength()));
        double x0, y0, x1, y1;
        tw->getBBox(&x0, &y0, &x1, &y1);
        w.box = box(x0, y0, x1, y1);
        if (w.text.isEmpty() || !w.box.isValid())
            continue;
        w.spaceAfter = tw->hasSpaceAfter();
        w.lineEnd = tw->nextWord() == nullptr;
        w.direction = -1;
        const int n = tw->getLength();
        if (w.text.size() >= 2 && n >= 2) {
            double a0, b0, a1, b1, c0, d0, c1, d1;
            tw->getCharBBox(0, &a0, &b0, &a1, &b1);
            tw->getCharBBox(n - 1, &c0, &d0, &c1, &d1);
            const QPointF d = box(c0, d0, c1, d1).center() - box(a0, b0, a1, b1).center();
            const bool rtl = std::any_of(w.text.begin(), w.text.end(), [](QChar c) {
                return c.direction() == QChar::DirR || c.direction() == QChar::DirAL;
            });
            if (std::abs(d.x()) >= std::abs(d.y()))
                w.direction = (d.x() >= 0) != rtl ? 0 : 2;
            else
                w.direction = d.y() > 0 ? 1 : 3;
        }
        // The word's style: the font of most of its characters (a word rarely changes font), its size and colour.
        const TextFontInfo *font = n > 0 ? tw->getFontInfo(0) : nullptr;
        if (n > 2) {
            QHash<const TextFontInfo *, int> votes;
            int best = 0;
            for (int k = 0; k < n; ++k) {
                const int v = ++votes[tw->getFontInfo(k)];
                if (v > best) {
                    best = v;
                    font = tw->getFontInfo(k);
                }
            }
        }
        auto known = styles.constFind(font);
        w.style = known != styles.constEnd() ? *known : *styles.insert(font, fontStyle(font));
        w.style.size = tw->getFontSize();
        double r, g, b;
        tw->getColor(&r, &g, &b);
        // Eight bits a channel, as PDF writers and the JSON carry it (and as QColor compares equal).
        auto channel = [](double v) { return int(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
        w.style.color = QColor(channel(r), channel(g), channel(b));
        words.append(std::move(w));
    }
    return words;
}

Result<QImage> StyledTextReader::background(int page, double dpi, const std::atomic_bool *abort) {
    if (page < 1 || page > m_doc->getNumPages())
        return Error{Error::PdfDamaged, QStringLiteral("Page %1 cannot be read.").arg(page)};
    SplashColor paper;
    paper[0] = paper[1] = paper[2] = 255;
    SplashOutputDev device(splashModeRGB8, 4, false, paper);
    device.setSkipText(true, true);
    device.startDoc(m_doc.get());
    // As Poppler's Qt binding renders (Page::renderToImage): the displayed orientation, cropped.
    m_doc->displayPageSlice(&device, page, dpi, dpi, 0, false, true, false, -1, -1, -1, -1, abortCheck,
                            const_cast<std::atomic_bool *>(abort), nullptr, nullptr, true);
    if (abort && abort->load())
        return Error{Error::Cancelled, QStringLiteral("Drawing the page was cancelled.")};
    SplashBitmap *bitmap = device.getBitmap();
    if (!bitmap || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0 || bitmap->getMode() != splashModeRGB8)
        return Error{Error::PdfDamaged, QStringLiteral("Page %1 could not be drawn.").arg(page)};
    QImage image(bitmap->getWidth(), bitmap->getHeight(), QImage::Format_RGB888);
    if (image.isNull())
        return Error{Error::PdfTooHeavy, QStringLiteral("Page %1 is too large to draw.").arg(page)};
    for (int y = 0; y < bitmap->getHeight(); ++y)
        std::memcpy(image.scanLine(y), bitmap->getDataPtr() + qsizetype(y) * bitmap->getRowSize(),
                    size_t(bitmap->getWidth()) * 3);
    return image;
}

} // namespace overtext
