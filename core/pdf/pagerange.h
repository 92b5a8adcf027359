#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace overtext {

/// Parses a page selection such as "1-3,7,10-" against a document of pageCount pages. An empty spec selects every
/// page. Pages are 1-based, returned sorted and without duplicates. Out-of-range or malformed specs give Error::Usage.
Result<QList<int>> parsePageRanges(const QString &spec, int pageCount);

} // namespace overtext
