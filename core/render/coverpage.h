#pragma once

#include "summary/summary.h"
#include "util/result.h"

#include <QByteArray>
#include <QSizeF>
#include <QString>

#include <memory>

class QPDF;

namespace overtext {

/// Lays a document's summary out as cover pages: the title, the abstract under its heading, the key points as a
/// bulleted list with their page references, and a small footer naming the method; section names in the target
/// language (summaryLabels()). Fonts are OverlayPainter's for the target language (any script; right-to-left
/// languages are laid out right to left), so the cover matches the translated pages. Long summaries flow onto more
/// pages.
///
/// Pure drawing: needs a QGuiApplication (fonts); reentrant, any thread (one QPdfWriter per call).
class CoverPage {
public:
    /// The cover as a PDF of pages of \a pageSize (points), fonts embedded and subset. Error::Io when QPdfWriter fails.
    static Result<QByteArray> render(const Summary &summary, const QString &targetLanguage, const QSizeF &pageSize);
};

/// The cover pages of one export, read back with qpdf so that they can be put in front of the output's pages. qpdf
/// copies their content only when the output is written: keep this object until then. Empty (prependTo() does
/// nothing) until draw() succeeds. Use on one thread.
class CoverPages {
public:
    CoverPages();
    ~CoverPages();
    CoverPages(const CoverPages &) = delete;
    CoverPages &operator=(const CoverPages &) = delete;

    /// Renders the summary (CoverPage::render()) and parses it; returns the number of cover pages.
    Result<int> draw(const Summary &summary, const QString &targetLanguage, const QSizeF &pageSize);
    /// The parsed cover (after a successful draw()), for post-processing such as font fixes.
    QPDF *pdf() const { return m_pdf.get(); }
    /// Inserts the cover pages, in order, before the first page of \a target.
    void prependTo(QPDF &target) const;

private:
    QByteArray m_bytes; // qpdf reads from this buffer in place
    std::unique_ptr<QPDF> m_pdf;
};

} // namespace overtext
