#include "pdf/segment.h"

#include <QRegularExpression>

#include <cmath>

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

namespace overtext {

bool TextStyle::sameLook(const TextStyle &o) const {
    return bold == o.bold && italic == o.italic && mono == o.mono && serif == o.serif && color == o.color &&
           std::abs(size - o.size) < 0.5;
}

void classifyFont(TextStyle &style, const QString &fontName, int flags) {
    // "ABCDEF+Name": a subset's prefix says nothing about the face.
    QString name = fontName;
    const qsizetype plus = name.indexOf(QLatin1Char('+'));
    if (plus == 6)
        name = name.mid(plus + 1);
    style.font = name;
    const QString n = name.toLower();
    // TeX's own fonts are named by code: cmr (roman), cmbx (bold extended), cmti (text italic), cmsl (slanted), cmss
    // (sans), cmtt (typewriter); the EC/LM fonts follow the same scheme (ecrm, ecbx, ecti, ectt, lmroman, lmmono).
    static const QRegularExpression mono(QStringLiteral(
        R"(courier|mono(?!type)|typewriter|consol|menlo|inconsolata|lettergothic|^(cm|ec|tc|lm|sf)i?tt|^cmitt|)"
        R"(^pcr[rb]|^txtt|^zi4|code(?!\d)|fixed|andale|lucidatypewriter|ocr-?b)"));
    static const QRegularExpression bold(QStringLiteral(
        R"(bold|black|heavy|demi(?!light)|[-,_ ]medi(?!um)|[-,_ ]bd\b|^cm(b|bx|ssbx|ttb)\d|^cmbxti|^cmbxsl|)"
        R"(^(ec|sf)(bx|bi|rb|sx|xc|xi|so)|^lm.*bold|w[6-9]$)"));
    static const QRegularExpression italic(QStringLiteral(
        R"(italic|ital|oblique|slant|kursiv|inclined|[-,_ ](bold|semibold|demi|light|medium|regu|book)?it\b|)"
        R"(boldit\b|^cm(ti|sl|bxti|bxsl|ssi|itt|mi|u)\d|^(ec|sf)(ti|sl|bi|ci|it|si|so|xi)|^lm.*(italic|oblique))"));
    static const QRegularExpression sans(QStringLiteral(
        R"(sans|^cmss|^(ec|sf)s[sxiqo]|^lmss|arial|helvetica|verdana|calibri|segoe|tahoma|futura|gill|frutiger|myriad|univers|)"
        R"(avenir|roboto|opensans|lato|ubuntu|cantarell|trebuchet|franklin|optima|candara|corbel|geneva|lucidagrande|)"
        R"(gothic|^hei|[^a-z]hei|kaku|dotum|gulim|meiryo|yahei|pingfang|source ?han ?sans|fira ?sans|nimbussan|)"
        R"(noto ?sans|liberation ?sans|dejavu ?sans|biolinum|arimo|inter\b|montserrat|raleway|poppins|ibmplexsans)"));
    static const QRegularExpression serif(QStringLiteral(
        R"(serif|times|roman|^cm(r|b|bx|ti|sl|u|mi|csc|bxti|bxsl|dunh|fib|ff)\d|^ec(rm|bx|ti|sl|bi|cc|rb)|^lmroman|)"
        R"(^sf(rm|bx|ti|sl)|minion|garamond|georgia|palatino|palladio|pagella|termes|cambria|bookman|century|schlbk|)"
        R"(baskerville|caslon|utopia|charter|nimbusrom|mincho|song|ming|naskh|batang|myungjo|constantia|didot|bodoni|)"
        R"(libertine|cardo|crimson|sabon|janson|plantin|perpetua|goudy|schoolbook|hoefler|iowan|lora|merriweather|)"
        R"(charis|tinos|stix|xits|cochin|joanna|bembo|dante|warnock|adobe ?text|source ?serif|pt ?serif|^ptm|^ppl|^pbk)"));
    style.mono = (flags & 1) || mono.match(n).hasMatch();
    style.bold = (flags & (1 << 18)) || bold.match(n).hasMatch();
    style.italic = (flags & (1 << 6)) || italic.match(n).hasMatch();
    if (style.mono)
        style.serif = false;
    else if (sans.match(n).hasMatch())
        style.serif = false;
    else if (serif.match(n).hasMatch())
        style.serif = true;
    else
        style.serif = flags & 2;
}

} // namespace overtext
