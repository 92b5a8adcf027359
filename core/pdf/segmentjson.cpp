#include "pdf/segmentjson.h"

#include <cmath>

namespace overtext {

namespace {
double round2(double v) {
    return std::round(v * 100.0) / 100.0;
}

QJsonArray rectToJson(const QRectF &r) {
    return QJsonArray{round2(r.left()), round2(r.top()), round2(r.right()), round2(r.bottom())};
}

QRectF rectFromJson(const QJsonValue &v) {
    const QJsonArray a = v.toArray();
    if (a.size() != 4)
        return {};
    return QRectF(QPointF(a[0].toDouble(), a[1].toDouble()), QPointF(a[2].toDouble(), a[3].toDouble()));
}
} // namespace

QJsonObject segmentToJson(const Segment &s, bool full) {
    QJsonObject o{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("page"), s.page},
        {QStringLiteral("box"), rectToJson(s.box)},
        {QStringLiteral("text"), s.text},
        {QStringLiteral("fontSize"), round2(s.fontSize)},
        {QStringLiteral("kind"), segmentKindName(s.kind)},
    };
    if (full) {
        QJsonArray lines;
        for (const QRectF &r : s.lineBoxes)
            lines.append(rectToJson(r));
        o.insert(QStringLiteral("lines"), lines);
        if (s.textRotation)
            o.insert(QStringLiteral("rotation"), s.textRotation);
        if (s.rightToLeft)
            o.insert(QStringLiteral("rtl"), true);
        if (s.bold)
            o.insert(QStringLiteral("bold"), true);
        if (s.italic)
            o.insert(QStringLiteral("italic"), true);
    }
    return o;
}

Segment segmentFromJson(const QJsonObject &o) {
    Segment s;
    s.id = o.value(QStringLiteral("id")).toString();
    s.page = o.value(QStringLiteral("page")).toInt();
    s.box = rectFromJson(o.value(QStringLiteral("box")));
    s.text = o.value(QStringLiteral("text")).toString();
    s.fontSize = o.value(QStringLiteral("fontSize")).toDouble();
    s.kind = segmentKindFromName(o.value(QStringLiteral("kind")).toString());
    s.rightToLeft = o.value(QStringLiteral("rtl")).toBool();
    s.textRotation = o.value(QStringLiteral("rotation")).toInt();
    s.bold = o.value(QStringLiteral("bold")).toBool();
    s.italic = o.value(QStringLiteral("italic")).toBool();
    for (const QJsonValue &v : o.value(QStringLiteral("lines")).toArray())
        s.lineBoxes.append(rectFromJson(v));
    return s;
}

QJsonObject pageInfoToJson(const PageInfo &info) {
    return QJsonObject{{QStringLiteral("page"), info.page},
                       {QStringLiteral("width"), round2(info.size.width())},
                       {QStringLiteral("height"), round2(info.size.height())},
                       {QStringLiteral("rotation"), info.rotation}};
}

PageInfo pageInfoFromJson(const QJsonObject &o) {
    PageInfo info;
    info.page = o.value(QStringLiteral("page")).toInt();
    info.size = QSizeF(o.value(QStringLiteral("width")).toDouble(), o.value(QStringLiteral("height")).toDouble());
    info.rotation = o.value(QStringLiteral("rotation")).toInt();
    return info;
}

} // namespace overtext
