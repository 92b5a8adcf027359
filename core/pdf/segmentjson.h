#pragma once

#include "pdf/segment.h"

#include <QJsonArray>
#include <QJsonObject>

namespace overtext {

/// The public segment format of `overtext-cli extract` (a contract other tools read): id, page, box [x0,y0,x1,y1] in
/// points with a top-left origin, text, fontSize, kind. With full = true it also carries the fields the app needs
/// internally (line boxes, direction, style).
QJsonObject segmentToJson(const Segment &segment, bool full = false);
Segment segmentFromJson(const QJsonObject &object);

QJsonObject pageInfoToJson(const PageInfo &info);
PageInfo pageInfoFromJson(const QJsonObject &object);

} // namespace overtext
