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
void styleToJson(QJsonObject &o, const TextStyle &st, bool withSize) {
    o.insert(QStringLiteral("font"), st.font);
    if (withSize)
        o.insert(QStringLiteral("size"), round2(st.size));
    o.insert(QStringLiteral("bold"), st.bold);
    o.insert(QStringLiteral("italic"), st.italic);
    o.insert(QStringLiteral("mono"), st.mono);
    o.insert(QStringLiteral("serif"), st.serif);
    if (st.color.isValid())
        o.insert(QStringLiteral("color"), st.color.name(QColor::HexRgb));
}

TextStyle styleFromJson(const QJsonObject &o, double size) {
    TextStyle st;
    st.font = o.value(QStringLiteral("font")).toString();
    st.size = o.value(QStringLiteral("size")).toDouble(size);
    st.bold = o.value(QStringLiteral("bold")).toBool();
    st.italic = o.value(QStringLiteral("italic")).toBool();
    st.mono = o.value(QStringLiteral("mono")).toBool();
    st.serif = o.value(QStringLiteral("serif")).toBool();
    const QString color = o.value(QStringLiteral("color")).toString();
    if (!color.isEmpty())
        st.color = QColor(color);
    return st;
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
    // The style, when the document gave one (segments built from bare words have none).
    if (s.style.size > 0 || !s.style.font.isEmpty()) {
        styleToJson(o, s.style, false);
        if (!s.runs.isEmpty()) {
            QJsonArray runs;
            for (const StyleRun &r : s.runs) {
                QJsonObject run{{QStringLiteral("start"), r.start}, {QStringLiteral("length"), r.length}};
                styleToJson(run, r.style, true);
                runs.append(run);
            }
            o.insert(QStringLiteral("runs"), runs);
        }
    }
    if (full) {
        QJsonArray lines;
        for (const QRectF &r : s.lineBoxes)
            lines.append(rectToJson(r));
        o.insert(QStringLiteral("lines"), lines);
        if (s.textRotation)
            o.insert(QStringLiteral("rotation"), s.textRotation);
        if (s.rightToLeft)
            o.insert(QStringLiteral("rtl"), true);
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
    if (o.contains(QStringLiteral("font")))
        s.style = styleFromJson(o, s.fontSize);
    for (const QJsonValue &v : o.value(QStringLiteral("runs")).toArray()) {
        const QJsonObject r = v.toObject();
        s.runs.append(StyleRun{r.value(QStringLiteral("start")).toInt(), r.value(QStringLiteral("length")).toInt(),
                               styleFromJson(r, s.fontSize)});
    }
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
