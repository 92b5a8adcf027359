#include "pdf/markup.h"

#include <QRegularExpression>

namespace overtext::markup {

namespace {
const QRegularExpression &tagPattern() {
    static const QRegularExpression re(QStringLiteral(R"(<(/?)(b|i|em|code)>)"));
    return re;
}
} // namespace

bool applies(const QString &source) {
    return !tagPattern().match(source).hasMatch();
}

bool hasTags(const QString &text) {
    return tagPattern().match(text).hasMatch();
}

QString fromRuns(const Segment &segment) {
    if (segment.runs.isEmpty() || !applies(segment.text))
        return segment.text;
    const TextStyle &base = segment.style;
    QString out;
    bool anyMark = false;
    for (const StyleRun &run : segment.runs) {
        const int start = std::clamp(run.start, 0, int(segment.text.size()));
        const int end = std::clamp(run.start + run.length, start, int(segment.text.size()));
        QString piece = segment.text.mid(start, end - start);
        const bool code = run.style.mono && !base.mono;
        const bool bold = !code && run.style.bold && !base.bold;
        const bool italic = !code && run.style.italic && !base.italic;
        const bool emphasis = !code && run.style.color.isValid() && base.color.isValid() &&
                              run.style.color != base.color && run.style.color == emphasisColor(segment);
        // Marks go around the words, not the spaces at their edges.
        const QString trimmed = piece.trimmed();
        if ((!code && !bold && !italic && !emphasis) || trimmed.isEmpty()) {
            out += piece;
            continue;
        }
        anyMark = true;
        const qsizetype lead = piece.indexOf(trimmed);
        QString marked = trimmed;
        if (code)
            marked = QStringLiteral("<code>") + marked + QStringLiteral("</code>");
        if (italic)
            marked = QStringLiteral("<i>") + marked + QStringLiteral("</i>");
        if (emphasis)
            marked = QStringLiteral("<em>") + marked + QStringLiteral("</em>");
        if (bold)
            marked = QStringLiteral("<b>") + marked + QStringLiteral("</b>");
        out += piece.left(lead) + marked + piece.mid(lead + trimmed.size());
    }
    return anyMark ? out : segment.text;
}

QColor emphasisColor(const Segment &segment) {
    QHash<QRgb, int> chars;
    for (const StyleRun &run : segment.runs)
        if (run.style.color.isValid() && run.style.color != segment.style.color && !run.style.mono)
            chars[run.style.color.rgb()] += run.length;
    QColor best;
    int most = 0;
    for (auto it = chars.cbegin(); it != chars.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            best = QColor::fromRgb(it.key());
        }
    return best;
}

bool wellFormed(const QString &text) {
    QStringList open;
    auto it = tagPattern().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(2);
        if (m.captured(1).isEmpty()) {
            if (open.contains(name))
                return false; // <b><b>: nested twice
            open.append(name);
        } else {
            if (open.isEmpty() || open.back() != name)
                return false;
            open.removeLast();
        }
    }
    return open.isEmpty();
}

MarkedText parse(const QString &input) {
    MarkedText out;
    QString text = input;
    // A tag still arriving at the end of a streamed text ("<", "</", "<co") is not shown.
    const qsizetype lt = text.lastIndexOf(QLatin1Char('<'));
    if (lt >= 0 && text.indexOf(QLatin1Char('>'), lt) < 0 && text.size() - lt <= 7) {
        const QString tail = text.mid(lt);
        for (const char *tag : {"<b>", "</b>", "<i>", "</i>", "<em>", "</em>", "<code>", "</code>"})
            if (QLatin1String(tag).startsWith(tail)) {
                text.truncate(lt);
                break;
            }
    }
    int bold = 0, italic = 0, code = 0, emphasis = 0;
    qsizetype last = 0;
    auto flush = [&](QStringView piece) {
        if (piece.isEmpty())
            return;
        const int start = int(out.text.size());
        out.text += piece;
        if (bold > 0 || italic > 0 || code > 0 || emphasis > 0) {
            if (!out.spans.isEmpty()) {
                MarkupSpan &prev = out.spans.back();
                if (prev.start + prev.length == start && prev.bold == (bold > 0) && prev.italic == (italic > 0) &&
                    prev.code == (code > 0) && prev.emphasis == (emphasis > 0)) {
                    prev.length += int(piece.size());
                    return;
                }
            }
            out.spans.append(MarkupSpan{start, int(piece.size()), bold > 0, italic > 0, code > 0, emphasis > 0});
        }
    };
    auto it = tagPattern().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        flush(QStringView(text).sliced(last, m.capturedStart() - last));
        last = m.capturedEnd();
        const QString name = m.captured(2);
        int &depth = name == QLatin1String("b")    ? bold
                     : name == QLatin1String("i")  ? italic
                     : name == QLatin1String("em") ? emphasis
                                                   : code;
        depth = m.captured(1).isEmpty() ? depth + 1 : std::max(0, depth - 1);
    }
    flush(QStringView(text).sliced(last));
    return out;
}

QString strip(const QString &text, bool keepCode) {
    static const QRegularExpression emphasis(QStringLiteral(R"(</?(b|i|em)>)"));
    QString out = text;
    out.remove(keepCode ? emphasis : tagPattern());
    return out;
}

} // namespace overtext::markup
