#include "render/pdfexporter.h"

#include "pdf/pdfdocument.h"
#include "render/coverpage.h"
#include "render/textremover.h"

#include <QBuffer>

#include <QCoroFuture>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QThread>
#include <QtConcurrent>
#include <algorithm>

#include <qpdf/Pl_Function.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <qpdf/QUtil.hh>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

namespace overtext {

namespace {

Error cancelled() {
    return Error{Error::Cancelled, QStringLiteral("The export was cancelled.")};
}

/// The unified ideograph each CJK Radicals Supplement character stands for (Unicode's EquivalentUnifiedIdeograph.txt,
/// U+2E80–U+2EFF: first, last, ideograph); the Kangxi radicals (U+2F00–U+2FD5) have NFKC mappings instead.
struct RadicalRange {
    char32_t first, last, ideograph;
};
constexpr RadicalRange kSupplementRadicals[] = {
    {0x2E81, 0x2E81, 0x5382},  {0x2E82, 0x2E82, 0x4E5B},  {0x2E83, 0x2E83, 0x4E5A},  {0x2E84, 0x2E84, 0x4E59},
    {0x2E85, 0x2E85, 0x4EBB},  {0x2E86, 0x2E86, 0x5182},  {0x2E87, 0x2E87, 0x20628}, {0x2E88, 0x2E88, 0x5200},
    {0x2E89, 0x2E89, 0x5202},  {0x2E8A, 0x2E8A, 0x535C},  {0x2E8B, 0x2E8B, 0x353E},  {0x2E8C, 0x2E8D, 0x5C0F},
    {0x2E8E, 0x2E8E, 0x5140},  {0x2E8F, 0x2E8F, 0x5C23},  {0x2E90, 0x2E90, 0x5C22},  {0x2E91, 0x2E91, 0x21BC2},
    {0x2E92, 0x2E92, 0x5DF3},  {0x2E93, 0x2E93, 0x5E7A},  {0x2E94, 0x2E94, 0x5F51},  {0x2E95, 0x2E95, 0x2B739},
    {0x2E96, 0x2E96, 0x5FC4},  {0x2E97, 0x2E97, 0x5FC3},  {0x2E98, 0x2E98, 0x624C},  {0x2E99, 0x2E99, 0x6535},
    {0x2E9B, 0x2E9B, 0x65E1},  {0x2E9C, 0x2E9C, 0x65E5},  {0x2E9D, 0x2E9D, 0x6708},  {0x2E9E, 0x2E9E, 0x6B7A},
    {0x2E9F, 0x2E9F, 0x6BCD},  {0x2EA0, 0x2EA0, 0x6C11},  {0x2EA1, 0x2EA1, 0x6C35},  {0x2EA2, 0x2EA2, 0x6C3A},
    {0x2EA3, 0x2EA3, 0x706C},  {0x2EA4, 0x2EA5, 0x722B},  {0x2EA6, 0x2EA6, 0x4E2C},  {0x2EA7, 0x2EA7, 0x725B},
    {0x2EA8, 0x2EA8, 0x72AD},  {0x2EA9, 0x2EA9, 0x738B},  {0x2EAA, 0x2EAA, 0x24D14}, {0x2EAB, 0x2EAB, 0x76EE},
    {0x2EAC, 0x2EAC, 0x793A},  {0x2EAD, 0x2EAD, 0x793B},  {0x2EAE, 0x2EAE, 0x25AD7}, {0x2EAF, 0x2EAF, 0x7CF9},
    {0x2EB0, 0x2EB0, 0x7E9F},  {0x2EB1, 0x2EB1, 0x7F53},  {0x2EB2, 0x2EB2, 0x7F52},  {0x2EB3, 0x2EB3, 0x34C1},
    {0x2EB4, 0x2EB4, 0x5197},  {0x2EB5, 0x2EB5, 0x2626B}, {0x2EB6, 0x2EB6, 0x7F8A},  {0x2EB7, 0x2EB7, 0x2634C},
    {0x2EB8, 0x2EB8, 0x2634B}, {0x2EB9, 0x2EB9, 0x8002},  {0x2EBA, 0x2EBA, 0x8080},  {0x2EBB, 0x2EBB, 0x807F},
    {0x2EBC, 0x2EBC, 0x8089},  {0x2EBD, 0x2EBD, 0x26951}, {0x2EBE, 0x2EC0, 0x8279},  {0x2EC1, 0x2EC1, 0x864E},
    {0x2EC2, 0x2EC2, 0x8864},  {0x2EC3, 0x2EC3, 0x8980},  {0x2EC4, 0x2EC4, 0x897F},  {0x2EC5, 0x2EC5, 0x89C1},
    {0x2EC6, 0x2EC6, 0x89D2},  {0x2EC7, 0x2EC7, 0x278B2}, {0x2EC8, 0x2EC8, 0x8BA0},  {0x2EC9, 0x2EC9, 0x8D1D},
    {0x2ECA, 0x2ECA, 0x27FB7}, {0x2ECB, 0x2ECB, 0x8F66},  {0x2ECC, 0x2ECE, 0x8FB6},  {0x2ECF, 0x2ECF, 0x9091},
    {0x2ED0, 0x2ED0, 0x9485},  {0x2ED1, 0x2ED1, 0x9577},  {0x2ED2, 0x2ED2, 0x9578},  {0x2ED3, 0x2ED3, 0x957F},
    {0x2ED4, 0x2ED4, 0x95E8},  {0x2ED5, 0x2ED5, 0x28E0F}, {0x2ED6, 0x2ED6, 0x961D},  {0x2ED7, 0x2ED7, 0x96E8},
    {0x2ED8, 0x2ED8, 0x9752},  {0x2ED9, 0x2ED9, 0x97E6},  {0x2EDA, 0x2EDA, 0x9875},  {0x2EDB, 0x2EDB, 0x98CE},
    {0x2EDC, 0x2EDC, 0x98DE},  {0x2EDD, 0x2EDD, 0x98DF},  {0x2EDE, 0x2EDE, 0x2967F}, {0x2EDF, 0x2EDF, 0x98E0},
    {0x2EE0, 0x2EE0, 0x9963},  {0x2EE1, 0x2EE1, 0x29810}, {0x2EE2, 0x2EE2, 0x9A6C},  {0x2EE3, 0x2EE3, 0x9AA8},
    {0x2EE4, 0x2EE4, 0x9B3C},  {0x2EE5, 0x2EE5, 0x9C7C},  {0x2EE6, 0x2EE6, 0x9E1F},  {0x2EE7, 0x2EE7, 0x5364},
    {0x2EE8, 0x2EE8, 0x9EA6},  {0x2EE9, 0x2EE9, 0x9EC4},  {0x2EEA, 0x2EEA, 0x9EFE},  {0x2EEB, 0x2EEB, 0x6589},
    {0x2EEC, 0x2EEC, 0x9F50},  {0x2EED, 0x2EED, 0x6B6F},  {0x2EEE, 0x2EEE, 0x9F7F},  {0x2EEF, 0x2EEF, 0x7ADC},
    {0x2EF0, 0x2EF0, 0x9F99},  {0x2EF1, 0x2EF1, 0x9F9C},  {0x2EF2, 0x2EF2, 0x4E80},  {0x2EF3, 0x2EF3, 0x9F9F}};

/// The unified ideograph a radical stands for, or 0 for any other code point.
char32_t unifiedIdeograph(char32_t code) {
    for (const RadicalRange &r : kSupplementRadicals)
        if (code >= r.first && code <= r.last)
            return r.ideograph;
    if (code >= 0x2F00 && code <= 0x2FD5) {
        const QString plain = QString::fromUcs4(&code, 1).normalized(QString::NormalizationForm_KC);
        const QList<uint> ucs4 = plain.toUcs4();
        if (ucs4.size() == 1 && ucs4[0] != code)
            return ucs4[0];
    }
    return 0;
}

/// Qt writes ToUnicode maps that send some CJK glyphs to radicals (the fonts map both code points to one glyph, e.g.
/// 民 and ⺠); copy and search would then give look-alike characters. Rewrites those entries to the unified
/// ideographs (as UTF-16: a surrogate pair for the few outside the BMP).
std::string fixToUnicode(const std::string &cmap) {
    static const QRegularExpression hex(QStringLiteral("<(2[EF][0-9A-Fa-f]{2})>"));
    QString text = QString::fromLatin1(cmap.data(), qsizetype(cmap.size()));
    QString out;
    qsizetype last = 0;
    for (auto it = hex.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const char32_t ideograph = unifiedIdeograph(m.captured(1).toUInt(nullptr, 16));
        out += text.mid(last, m.capturedStart() - last);
        if (ideograph != 0) {
            out += QLatin1Char('<');
            for (QChar unit : QString::fromUcs4(&ideograph, 1))
                out += QStringLiteral("%1").arg(unit.unicode(), 4, 16, QLatin1Char('0')).toUpper();
            out += QLatin1Char('>');
        } else {
            out += m.captured(0);
        }
        last = m.capturedEnd();
    }
    out += text.mid(last);
    const QByteArray bytes = out.toLatin1();
    return std::string(bytes.constData(), size_t(bytes.size()));
}

void fixFonts(QPDF &overlay) {
    for (QPDFObjectHandle obj : overlay.getAllObjects()) {
        if (!obj.isDictionary() || !obj.hasKey("/ToUnicode"))
            continue;
        QPDFObjectHandle cmap = obj.getKey("/ToUnicode");
        if (!cmap.isStream())
            continue;
        const std::shared_ptr<Buffer> data = cmap.getStreamData();
        const std::string before(reinterpret_cast<const char *>(data->getBuffer()), data->getSize());
        const std::string after = fixToUnicode(before);
        if (after != before)
            cmap.replaceStreamData(after, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
    }
}

QRectF toRect(const QPDFObjectHandle::Rectangle &r) {
    return QRectF(QPointF(r.llx, r.lly), QPointF(r.urx, r.ury));
}

/// Places page `source` (of any QPDF) as a form XObject filling `rect` of page `target`, on top of its content.
void placePage(QPDF &targetPdf, QPDFPageObjectHelper target, QPDFPageObjectHelper source,
               const QPDFObjectHandle::Rectangle &rect, bool invertRotation) {
    QPDFObjectHandle form = source.getFormXObjectForPage();
    if (form.getOwningQPDF() != &targetPdf)
        form = targetPdf.copyForeignObject(form);
    QPDFObjectHandle resources = target.getObjectHandle().getKey("/Resources");
    if (!resources.isDictionary()) {
        resources = QPDFObjectHandle::newDictionary();
        target.getObjectHandle().replaceKey("/Resources", resources);
    }
    QPDFObjectHandle xobjects = resources.getKey("/XObject");
    if (!xobjects.isDictionary()) {
        xobjects = QPDFObjectHandle::newDictionary();
        resources.replaceKey("/XObject", xobjects);
    }
    int suffix = 0;
    const std::string name = resources.getUniqueResourceName("/OvtFx", suffix);
    xobjects.replaceKey(name, form);
    const std::string content = "q\n" + target.placeFormXObject(form, name, rect, invertRotation, true, true) + "\nQ\n";
    // Keep the original drawing in its own q/Q so that its graphics state cannot leak into ours.
    target.addPageContents(targetPdf.newStream("q\n"), true);
    target.addPageContents(targetPdf.newStream("\nQ\n" + content), false);
}

/// Why a write failed, in words a user can act on.
QString writeFailure(const QString &path, const QString &detail) {
    return QStringLiteral("Could not write %1: %2. Nothing was written; free some space or choose another folder.")
        .arg(path, detail);
}

/// Writes the PDF through QSaveFile: the bytes go to a temporary file beside the output, every write is checked, the
/// file is flushed to disk and only then renamed over the output. A full disk leaves no file behind.
Result<void> writeAtomically(QPDF &pdf, const QString &output) {
    QSaveFile file(output);
    // QFileDevice often says only "Unknown error" for a failed buffered write; the system's reason is in errno.
    auto reason = [&file] { return errno != 0 ? QString::fromLocal8Bit(std::strerror(errno)) : file.errorString(); };
    errno = 0;
    if (!file.open(QIODevice::WriteOnly))
        return Error{Error::Io, writeFailure(output, reason())};
    QString failure;
    try {
        Pl_Function sink("overtext output", nullptr, [&](unsigned char const *data, size_t size) {
            errno = 0;
            if (file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)) {
                failure = reason();
                throw std::runtime_error("write failed");
            }
        });
        QPDFWriter writer(pdf);
        writer.setOutputPipeline(&sink);
        writer.setObjectStreamMode(qpdf_o_generate);
        writer.setCompressStreams(true);
        writer.setPreserveEncryption(false);
        writer.write();
        errno = 0;
        if (!file.flush()) // before commit(), which would lose the reason
            failure = reason();
    } catch (const std::exception &e) {
        if (failure.isEmpty())
            failure = QString::fromLocal8Bit(e.what());
    }
    if (!failure.isEmpty()) {
        file.cancelWriting();
        file.commit(); // removes the temporary file
        return Error{Error::Io, writeFailure(output, failure)};
    }
    errno = 0;
    if (!file.commit())
        return Error{Error::Io, writeFailure(output, reason())};
    return {};
}

} // namespace

Result<ExportReport> PdfExporter::exportPdf(const QString &input, const QByteArray &password, const QString &output,
                                            const QList<ExportPage> &pages, const ExportOptions &options,
                                            const std::atomic_bool *abort) {
    const QFileInfo in(input), out(output);
    if (in.exists() && out.exists() && in.canonicalFilePath() == out.canonicalFilePath())
        return Error{Error::Usage, QStringLiteral("The output %1 is the input; choose another name.").arg(output)};
    if (QDir::cleanPath(in.absoluteFilePath()) == QDir::cleanPath(out.absoluteFilePath()))
        return Error{Error::Usage, QStringLiteral("The output %1 is the input; choose another name.").arg(output)};
    if (!QFileInfo(out.absolutePath()).isDir())
        return Error{Error::Io, QStringLiteral("The folder %1 does not exist.").arg(out.absolutePath())};
    if (!QFileInfo(out.absolutePath()).isWritable())
        return Error{Error::Io,
                     QStringLiteral("The folder %1 cannot be written to (permission denied).").arg(out.absolutePath())};

    auto opened = PdfDocument::open(input, password);
    if (!opened)
        return opened.error();
    const PdfDocument &doc = **opened;
    std::map<int, ExportPage> byPage;
    for (const ExportPage &p : pages)
        if (p.page >= 1 && p.page <= doc.pageCount())
            byPage[p.page] = p;

    ExportReport report;
    report.pages = doc.pageCount();
    QElapsedTimer phase;
    phase.start();

    // 1. Colours: each translated page rendered small, to sample the background around each block (and the text's
    //    colour where the document did not give it). Shared among the cores in contiguous runs of pages, each run
    //    with its own Poppler document (one per thread). Where every block's ink is known, the page is drawn
    //    without its text (most of the work) at 24 dpi; sampling ink needs the text, at 50.
    {
        std::vector<ExportPage *> todo;
        for (auto &[number, page] : byPage)
            if (!page.blocks.isEmpty())
                todo.push_back(&page);
        const int threads = std::max(1, QThread::idealThreadCount());
        std::vector<std::pair<size_t, size_t>> runs;
        const size_t per = (todo.size() + size_t(threads) - 1) / size_t(threads);
        for (size_t start = 0; start < todo.size(); start += per)
            runs.emplace_back(start, std::min(todo.size(), start + per));
        QtConcurrent::blockingMap(runs, [&](const std::pair<size_t, size_t> &run) {
            auto own = PdfDocument::open(input, password);
            if (!own)
                return;
            for (size_t i = run.first; i < run.second && !(abort && abort->load()); ++i) {
                ExportPage &page = *todo[i];
                const bool inkKnown = std::all_of(page.blocks.begin(), page.blocks.end(), [](const OverlayBlock &b) {
                    return b.segment.style.color.isValid();
                });
                const auto image =
                    inkKnown ? (*own)->renderBackground(page.page, 24, abort) : (*own)->render(page.page, 50, abort);
                if (image)
                    OverlayPainter::sampleColors(page.blocks, *image, (*own)->pageInfo(page.page).size);
            }
        });
    }

    report.colourMs = phase.restart();

    // 2. The overlay: one page per original page, in the displayed orientation. In memory: no temporary file to
    //    fill a disk or to leave behind.
    QByteArray overlayBytes;
    {
        QBuffer overlayBuffer(&overlayBytes);
        overlayBuffer.open(QIODevice::WriteOnly);
        const OverlayPainter painter(options.targetLanguage, doc.prefersSerif());
        QPdfWriter writer(&overlayBuffer);
        writer.setResolution(72);
        writer.setCreator(QStringLiteral("Overtext"));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p;
        for (int page = 1; page <= doc.pageCount(); ++page) {
            if (abort && abort->load())
                return cancelled();
            const PageInfo info = doc.pageInfo(page);
            writer.setPageSize(QPageSize(info.size, QPageSize::Point, QString(), QPageSize::ExactMatch));
            if (page == 1) {
                if (!p.begin(&writer))
                    return Error{Error::Io, QStringLiteral("Cannot write the overlay PDF.")};
            } else {
                writer.newPage();
            }
            auto it = byPage.find(page);
            if (it == byPage.end() || it->second.blocks.isEmpty())
                continue;
            painter.paint(p, it->second.blocks, info.size, it->second.obstacles);
        }
        p.end();
    }

    report.overlayMs = phase.restart();

    try {
        // The summary cover, first in the output (declared before the documents it is copied into).
        CoverPages cover;
        if (options.cover) {
            auto drawn = cover.draw(*options.cover, options.targetLanguage, doc.pageInfo(1).size);
            if (!drawn)
                return drawn.error();
            fixFonts(*cover.pdf());
        }
        // 3. The original, its translated text removed, the overlay laid on top.
        // qpdf's warnings about damaged files would go to stderr; the file opened, and that is all the user needs.
        QPDF original;
        original.setSuppressWarnings(true);
        original.processFile(QFile::encodeName(input).constData(), password.isEmpty() ? nullptr : password.constData());
        QPDF overlay;
        overlay.processMemoryFile("overlay", overlayBytes.constData(), size_t(overlayBytes.size()));
        fixFonts(overlay);
        std::vector<QPDFPageObjectHelper> originalPages = QPDFPageDocumentHelper(original).getAllPages();
        std::vector<QPDFPageObjectHelper> overlayPages = QPDFPageDocumentHelper(overlay).getAllPages();
        if (originalPages.size() != size_t(doc.pageCount()) || overlayPages.size() != originalPages.size())
            return Error{Error::PdfDamaged, QStringLiteral("%1: qpdf and Poppler disagree on the number of pages; "
                                                           "the file may be damaged.")
                                                .arg(in.fileName())};

        // For the bilingual forms: the untouched originals, from a second copy of the file.
        QPDF pristine;
        pristine.setSuppressWarnings(true);
        if (options.mode != ExportOptions::Mode::Translation)
            pristine.processFile(QFile::encodeName(input).constData(),
                                 password.isEmpty() ? nullptr : password.constData());

        for (auto &[pageNo, page] : byPage) {
            if (abort && abort->load())
                return cancelled();
            if (page.blocks.isEmpty())
                continue;
            QPDFPageObjectHelper target = originalPages[size_t(pageNo - 1)];
            const int rotation = target.getObjectHandle().getKey("/Rotate").isInteger()
                                     ? int(target.getObjectHandle().getKey("/Rotate").getIntValue())
                                     : 0;
            const QRectF crop = toRect(target.getCropBox().getArrayAsRectangle());
            QList<QRectF> areas;
            for (const OverlayBlock &b : page.blocks)
                for (const QRectF &l :
                     (b.segment.lineBoxes.isEmpty() ? QList<QRectF>{b.segment.box} : b.segment.lineBoxes))
                    areas.append(l.adjusted(-1, -1, 1, 1));
            const int removed = TextRemover::removeText(target, areas, TextRemover::userToDisplayed(crop, rotation));
            report.textOperatorsRemoved += removed;
            if (removed == 0)
                report.warnings.append(QStringLiteral("page %1: the original text could not be removed from the "
                                                      "page's content (it is drawn inside form XObjects or as "
                                                      "images, or the content is damaged); it is covered instead")
                                           .arg(pageNo));
            placePage(original, target, overlayPages[size_t(pageNo - 1)], target.getCropBox().getArrayAsRectangle(),
                      true);
        }

        if (options.mode == ExportOptions::Mode::Translation) {
            cover.prependTo(original);
            auto written = writeAtomically(original, output);
            if (!written)
                return written.error();
            report.rewriteMs = phase.elapsed();
            return report;
        }

        // 4. Bilingual: a new document whose pages show the original and the translation.
        QPDF dual;
        dual.emptyPDF();
        QPDFPageDocumentHelper dualPages(dual);
        std::vector<QPDFPageObjectHelper> pristinePages = QPDFPageDocumentHelper(pristine).getAllPages();
        for (size_t i = 0; i < originalPages.size(); ++i) {
            if (abort && abort->load())
                return cancelled();
            if (options.mode == ExportOptions::Mode::Alternate) {
                dualPages.addPage(pristinePages[i], false);
                dualPages.addPage(originalPages[i], false);
                continue;
            }
            const PageInfo info = doc.pageInfo(int(i) + 1);
            const double w = info.size.width(), h = info.size.height();
            QPDFObjectHandle pageDict = dual.makeIndirectObject(
                QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 " + QUtil::double_to_string(2 * w) + " " +
                                        QUtil::double_to_string(h) + "] /Resources << >> /Contents [] >>"));
            QPDFPageObjectHelper sheet(pageDict);
            dualPages.addPage(sheet, false);
            QPDFPageObjectHelper added = dualPages.getAllPages().back();
            placePage(dual, added, pristinePages[i], QPDFObjectHandle::Rectangle(0, 0, w, h), false);
            placePage(dual, added, originalPages[i], QPDFObjectHandle::Rectangle(w, 0, 2 * w, h), false);
        }
        cover.prependTo(dual);
        auto written = writeAtomically(dual, output);
        if (!written)
            return written.error();
        report.rewriteMs = phase.elapsed();
        return report;
    } catch (const std::exception &e) {
        return Error{
            Error::PdfDamaged,
            QStringLiteral("%1 could not be rewritten: %2").arg(in.fileName(), QString::fromLocal8Bit(e.what()))};
    }
}

QCoro::Task<Result<ExportReport>> PdfExporter::exportInBackground(QString input, QByteArray password, QString output,
                                                                  QList<ExportPage> pages, ExportOptions options) {
    // A named future: GCC 12 destroys the captures twice when co_await takes QtConcurrent::run's result directly.
    QFuture<Result<ExportReport>> future =
        QtConcurrent::run([=] { return exportPdf(input, password, output, pages, options, nullptr); });
    co_return co_await future;
}

} // namespace overtext
