#include "pdf/segment.h"

namespace overtext {

namespace {
struct KindName {
    SegmentKind kind;
    const char *name;
};
constexpr KindName kKindNames[] = {
    {SegmentKind::Prose, "prose"}, {SegmentKind::Formula, "formula"}, {SegmentKind::Number, "number"},
    {SegmentKind::Code, "code"},   {SegmentKind::Url, "url"},         {SegmentKind::Reference, "reference"},
};
} // namespace

QString segmentKindName(SegmentKind kind) {
    for (const auto &k : kKindNames)
        if (k.kind == kind)
            return QLatin1String(k.name);
    return QStringLiteral("prose");
}

SegmentKind segmentKindFromName(const QString &name, bool *ok) {
    for (const auto &k : kKindNames) {
        if (name == QLatin1String(k.name)) {
            if (ok)
                *ok = true;
            return k.kind;
        }
    }
    if (ok)
        *ok = false;
    return SegmentKind::Prose;
}

} // namespace overtext
