// Fuzzes PdfDocument::open() and segments() on every page, in process: the input is written to a temporary file.
// Poppler itself is not instrumented; this target looks for faults in our code around Poppler's results (boxes,
// rotations, text) and for documents that make it crash or hang (libFuzzer's -timeout and -rss_limit_mb bound a run).
// Invariant: every page either gives segments with ids p<page>-b1… or a named error.

#include "fuzzcheck.h"
#include "pdf/pdfdocument.h"

#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdio>

using namespace overtext;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static QTemporaryDir dir;
    static const QString path = dir.filePath(QStringLiteral("input.pdf"));
    {
        std::FILE *f = std::fopen(qPrintable(path), "wb");
        if (!f)
            std::abort();
        if (size > 0 && std::fwrite(data, 1, size, f) != size)
            std::abort();
        std::fclose(f);
    }
    auto opened = PdfDocument::open(path);
    if (!opened) {
        FUZZ_CHECK(!opened.error().message.isEmpty(), QStringLiteral("an open error without a sentence"));
        return 0;
    }
    const std::unique_ptr<PdfDocument> &doc = opened.value();
    const int pages = std::min(doc->pageCount(), 20);
    for (int p = 1; p <= pages; ++p) {
        const PageInfo info = doc->pageInfo(p);
        FUZZ_CHECK(info.page == p, QStringLiteral("pageInfo of page %1 says %2").arg(p).arg(info.page));
        const auto segments = doc->segments(p);
        if (!segments) {
            FUZZ_CHECK(!segments.error().message.isEmpty(), QStringLiteral("a page error without a sentence"));
            continue;
        }
        for (qsizetype i = 0; i < segments.value().size(); ++i) {
            const Segment &s = segments.value()[i];
            FUZZ_CHECK(s.id == QStringLiteral("p%1-b%2").arg(p).arg(i + 1), s.id);
            FUZZ_CHECK(s.page == p, s.id);
        }
    }
    return 0;
}
