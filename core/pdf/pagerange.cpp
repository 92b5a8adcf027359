#include "pdf/pagerange.h"

#include <QRegularExpression>

#include <set>

namespace overtext {

Result<QList<int>> parsePageRanges(const QString &spec, int pageCount) {
    std::set<int> pages;
    if (spec.trimmed().isEmpty()) {
        QList<int> all;
        for (int p = 1; p <= pageCount; ++p)
            all.append(p);
        return all;
    }
    static const QRegularExpression part(QStringLiteral(R"(^\s*(\d*)\s*(-?)\s*(\d*)\s*$)"));
    for (const QString &item : spec.split(QLatin1Char(','))) {
        const auto m = part.match(item);
        if (!m.hasMatch() || (m.captured(1).isEmpty() && m.captured(3).isEmpty()))
            return Error{Error::Usage, QStringLiteral("'%1' is not a page range (use e.g. 1-3,7).").arg(spec)};
        const bool range = !m.captured(2).isEmpty();
        const int first = m.captured(1).isEmpty() ? 1 : m.captured(1).toInt();
        const int last = range ? (m.captured(3).isEmpty() ? pageCount : m.captured(3).toInt()) : first;
        if (!range && !m.captured(3).isEmpty())
            return Error{Error::Usage, QStringLiteral("'%1' is not a page range (use e.g. 1-3,7).").arg(spec)};
        if (first < 1 || last > pageCount || first > last)
            return Error{
                Error::Usage,
                QStringLiteral("Pages %1 are outside the document's %2 pages.").arg(item.trimmed()).arg(pageCount)};
        for (int p = first; p <= last; ++p)
            pages.insert(p);
    }
    return QList<int>(pages.begin(), pages.end());
}

} // namespace overtext
