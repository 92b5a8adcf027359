#include "translate/glossary.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

namespace overtext {

namespace {
bool isHeaderName(const QString &field, bool source) {
    const QString f = field.trimmed().toLower();
    static const QStringList sources = {QStringLiteral("source"), QStringLiteral("src"), QStringLiteral("term"),
                                        QStringLiteral("source term"), QStringLiteral("original")};
    static const QStringList targets = {QStringLiteral("target"), QStringLiteral("tgt"), QStringLiteral("translation"),
                                        QStringLiteral("target term")};
    return (source ? sources : targets).contains(f);
}
} // namespace

QString Glossary::digest() const {
    if (entries.isEmpty())
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const GlossaryEntry &e : entries) {
        hash.addData(e.source.toUtf8());
        hash.addData(QByteArrayView("\x1f", 1));
        hash.addData(e.target.toUtf8());
        hash.addData(QByteArrayView("\x1e", 1));
    }
    return QString::fromLatin1(hash.result().toHex());
}

Result<Glossary> Glossary::parse(const QByteArray &data, const QString &fileName) {
    QByteArray bytes = data;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(bytes);
    if (decoder.hasError())
        return Error{Error::Usage,
                     QStringLiteral("%1: not valid UTF-8 text; save the glossary as UTF-8 CSV").arg(fileName)};

    Glossary glossary;
    auto fail = [&fileName](int line, const QString &what) {
        return Error{Error::Usage, QStringLiteral("%1 line %2: %3").arg(fileName).arg(line).arg(what)};
    };

    QStringList fields;
    QString field;
    bool inQuotes = false;
    bool quotedField = false;
    int line = 1;
    int recordLine = 1;
    bool firstRecord = true;

    auto endRecord = [&]() -> std::optional<Error> {
        fields.append(field);
        field.clear();
        const QStringList record = fields;
        fields.clear();
        const int at = recordLine;
        recordLine = line;
        if (record.size() == 1 && record[0].trimmed().isEmpty())
            return std::nullopt; // blank line
        const bool header =
            firstRecord && record.size() == 2 && isHeaderName(record[0], true) && isHeaderName(record[1], false);
        firstRecord = false;
        if (header)
            return std::nullopt;
        if (record.size() != 2)
            return fail(at, QStringLiteral("expected 2 fields (source,target), found %1").arg(record.size()));
        const QString source = record[0].trimmed();
        const QString target = record[1].trimmed();
        if (source.isEmpty())
            return fail(at, QStringLiteral("the source term is empty"));
        if (target.isEmpty())
            return fail(at, QStringLiteral("the target term for '%1' is empty").arg(source));
        glossary.entries.append({source, target});
        return std::nullopt;
    };

    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (inQuotes) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            if (!field.trimmed().isEmpty() || quotedField)
                return fail(line, QStringLiteral("a quote inside an unquoted field; quote the whole field and double "
                                                 "the inner quote (\"\")"));
            field.clear();
            inQuotes = true;
            quotedField = true;
        } else if (c == QLatin1Char(',')) {
            fields.append(field);
            field.clear();
            quotedField = false;
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            ++line;
            quotedField = false;
            if (auto e = endRecord())
                return *e;
        } else {
            if (quotedField && !c.isSpace())
                return fail(line, QStringLiteral("text after a closing quote"));
            field += c;
        }
    }
    if (inQuotes)
        return fail(recordLine, QStringLiteral("a quoted field is never closed"));
    if (!field.isEmpty() || !fields.isEmpty())
        if (auto e = endRecord())
            return *e;
    return glossary;
}

Result<Glossary> Glossary::load(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{Error::Io, QStringLiteral("cannot read the glossary %1: %2").arg(path, file.errorString())};
    if (file.size() > 16 * 1024 * 1024)
        return Error{Error::Usage, QStringLiteral("the glossary %1 is larger than 16 MB").arg(path)};
    return parse(file.readAll(), QFileInfo(path).fileName());
}

} // namespace overtext
