#include "render/coverpage.h"

#include "render/overlaypainter.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextList>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <algorithm>

namespace overtext {

namespace {

constexpr double kBodySize = 11;
constexpr double kTitleSize = 20;
constexpr double kHeadingSize = 13.5;
constexpr double kFooterSize = 8.5;

/// Builds the cover's text: one block per part, formats set explicitly so that nothing depends on Markdown parsing
/// of text a model wrote.
void buildDocument(QTextDocument &doc, const Summary &summary, bool rtl) {
    const SummaryLabels labels = summaryLabels(summary.targetLang);
    const Qt::Alignment align = rtl ? Qt::AlignRight : Qt::AlignLeft;
    auto blockFormat = [&](double spaceBefore, double spaceAfter) {
        QTextBlockFormat f;
        f.setLayoutDirection(rtl ? Qt::RightToLeft : Qt::LeftToRight);
        f.setAlignment(align);
        f.setTopMargin(spaceBefore);
        f.setBottomMargin(spaceAfter);
        f.setLineHeight(125, QTextBlockFormat::ProportionalHeight);
        return f;
    };
    auto charFormat = [](double size, bool bold, const QColor &color = Qt::black) {
        QTextCharFormat f;
        f.setFontPointSize(size);
        f.setFontWeight(bold ? QFont::Bold : QFont::Normal);
        f.setForeground(color);
        return f;
    };

    QTextCursor cursor(&doc);
    cursor.setBlockFormat(blockFormat(0, 10));
    cursor.insertText(summary.title.isEmpty() ? labels.summary : summary.title, charFormat(kTitleSize, true));
    cursor.insertBlock(blockFormat(14, 6));
    cursor.insertText(labels.summary, charFormat(kHeadingSize, true, QColor(0x22, 0x4a, 0x7a)));
    cursor.insertBlock(blockFormat(0, 6), charFormat(kBodySize, false));
    cursor.insertText(summary.abstract, charFormat(kBodySize, false));
    if (!summary.keyPoints.isEmpty()) {
        cursor.insertBlock(blockFormat(14, 6));
        cursor.insertText(labels.keyPoints, charFormat(kHeadingSize, true, QColor(0x22, 0x4a, 0x7a)));
        QTextListFormat list;
        list.setStyle(QTextListFormat::ListDisc);
        list.setIndent(1);
        for (qsizetype i = 0; i < summary.keyPoints.size(); ++i) {
            if (i == 0) {
                cursor.insertBlock(blockFormat(0, 5), charFormat(kBodySize, false));
                cursor.createList(list);
            } else {
                cursor.insertBlock(); // keeps the list's block format
            }
            cursor.insertText(summary.keyPoints[i], charFormat(kBodySize, false));
        }
    }
    cursor.insertBlock(blockFormat(18, 0), charFormat(kFooterSize, false));
    cursor.insertText(labels.method + QStringLiteral(": ") + summary.method,
                      charFormat(kFooterSize, false, QColor(0x55, 0x55, 0x55)));
}

} // namespace

Result<QByteArray> CoverPage::render(const Summary &summary, const QString &targetLanguage, const QSizeF &pageSize) {
    if (pageSize.width() < 72 || pageSize.height() < 72)
        return Error{Error::Usage, QStringLiteral("The page is too small for a summary cover.")};
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setResolution(72); // one unit is one point
    writer.setCreator(QStringLiteral("Overtext"));
    writer.setTitle(summary.title);
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setPageSize(QPageSize(pageSize, QPageSize::Point, QString(), QPageSize::ExactMatch));

    const OverlayPainter fonts(targetLanguage.isEmpty() ? summary.targetLang : targetLanguage);
    const double margin = std::clamp(std::min(pageSize.width(), pageSize.height()) * 0.1, 24.0, 64.0);
    const QSizeF body(pageSize.width() - 2 * margin, pageSize.height() - 2 * margin);
    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    doc.setDefaultFont(fonts.font(kBodySize));
    doc.setDocumentMargin(0);
    doc.setPageSize(body); // the layout moves lines that would cross a page's end to the next page
    buildDocument(doc, summary, fonts.rightToLeft());

    QPainter painter;
    if (!painter.begin(&writer))
        return Error{Error::Io, QStringLiteral("Cannot draw the summary cover.")};
    const int pages = doc.pageCount();
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        painter.save();
        painter.translate(margin, margin - i * body.height());
        const QRectF clip(0, i * body.height(), body.width(), body.height());
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = clip;
        painter.setClipRect(clip);
        doc.documentLayout()->draw(&painter, context);
        painter.restore();
    }
    painter.end();
    return bytes;
}

CoverPages::CoverPages() = default;
CoverPages::~CoverPages() = default;

Result<int> CoverPages::draw(const Summary &summary, const QString &targetLanguage, const QSizeF &pageSize) {
    auto rendered = CoverPage::render(summary, targetLanguage, pageSize);
    if (!rendered)
        return rendered.error();
    m_bytes = *rendered;
    try {
        auto pdf = std::make_unique<QPDF>();
        pdf->processMemoryFile("summary cover", m_bytes.constData(), size_t(m_bytes.size()));
        const int count = int(QPDFPageDocumentHelper(*pdf).getAllPages().size());
        m_pdf = std::move(pdf);
        return count;
    } catch (const std::exception &e) {
        return Error{
            Error::Internal,
            QStringLiteral("The summary cover could not be read back: %1").arg(QString::fromLocal8Bit(e.what()))};
    }
}

void CoverPages::prependTo(QPDF &target) const {
    if (!m_pdf)
        return;
    QPDFPageDocumentHelper pages(target);
    const std::vector<QPDFPageObjectHelper> cover = QPDFPageDocumentHelper(*m_pdf).getAllPages();
    for (auto it = cover.rbegin(); it != cover.rend(); ++it)
        pages.addPage(*it, true);
}

} // namespace overtext
