#include "translate/apertiumprovider.h"

#include "pdf/markup.h"

#include <QCoroProcess>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

namespace overtext {

namespace {

QString escapeHtml(const QString &text) {
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (c == QLatin1Char('&'))
            out += QStringLiteral("&amp;");
        else if (c == QLatin1Char('<'))
            out += QStringLiteral("&lt;");
        else if (c == QLatin1Char('>'))
            out += QStringLiteral("&gt;");
        else
            out += c;
    }
    return out;
}

QString unescapeHtml(const QString &text) {
    static const QRegularExpression entity(QStringLiteral("&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);"));
    QString out;
    qsizetype last = 0;
    auto it = entity.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        const QString name = m.captured(1);
        QString replacement = m.captured(0);
        if (name == QLatin1String("amp"))
            replacement = QStringLiteral("&");
        else if (name == QLatin1String("lt"))
            replacement = QStringLiteral("<");
        else if (name == QLatin1String("gt"))
            replacement = QStringLiteral(">");
        else if (name == QLatin1String("quot"))
            replacement = QStringLiteral("\"");
        else if (name == QLatin1String("apos"))
            replacement = QStringLiteral("'");
        else if (name == QLatin1String("nbsp"))
            replacement = QString(QChar(0xA0));
        else if (name.startsWith(QLatin1Char('#'))) {
            bool ok = false;
            const uint code =
                name.startsWith(QLatin1String("#x")) ? name.mid(2).toUInt(&ok, 16) : name.mid(1).toUInt(&ok);
            if (ok && code > 0 && code <= 0x10FFFF) {
                const char32_t cp = code;
                replacement = QString::fromUcs4(&cp, 1);
            }
        }
        out += replacement;
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

QStringList modeDirs() {
    QStringList dirs;
    const QString env = qEnvironmentVariable("OVERTEXT_APERTIUM_MODES");
    if (!env.isEmpty())
        dirs.append(env);
    dirs << QStringLiteral("/usr/share/apertium/modes") << QStringLiteral("/usr/local/share/apertium/modes");
    return dirs;
}

} // namespace

ApertiumProvider::ApertiumProvider(QObject *parent)
    : Provider(parent) {}

QString ApertiumProvider::executable() {
    const QString env = qEnvironmentVariable("OVERTEXT_APERTIUM");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::findExecutable(QStringLiteral("apertium"));
}

QStringList ApertiumProvider::installedPairs() {
    QStringList pairs;
    for (const QString &dir : modeDirs()) {
        const QStringList modes = QDir(dir).entryList({QStringLiteral("*.mode")}, QDir::Files, QDir::Name);
        for (const QString &m : modes) {
            const QString pair = m.chopped(5);
            if (!pairs.contains(pair))
                pairs.append(pair);
        }
    }
    return pairs;
}

QString ApertiumProvider::apertiumCode(const QString &isoCode) {
    static const QHash<QString, QString> codes = {
        {QStringLiteral("en"), QStringLiteral("eng")}, {QStringLiteral("es"), QStringLiteral("spa")},
        {QStringLiteral("fr"), QStringLiteral("fra")}, {QStringLiteral("de"), QStringLiteral("deu")},
        {QStringLiteral("it"), QStringLiteral("ita")}, {QStringLiteral("pt"), QStringLiteral("por")},
        {QStringLiteral("ca"), QStringLiteral("cat")}, {QStringLiteral("gl"), QStringLiteral("glg")},
        {QStringLiteral("eu"), QStringLiteral("eus")}, {QStringLiteral("oc"), QStringLiteral("oci")},
        {QStringLiteral("ro"), QStringLiteral("ron")}, {QStringLiteral("nl"), QStringLiteral("nld")},
        {QStringLiteral("af"), QStringLiteral("afr")}, {QStringLiteral("da"), QStringLiteral("dan")},
        {QStringLiteral("sv"), QStringLiteral("swe")}, {QStringLiteral("nb"), QStringLiteral("nob")},
        {QStringLiteral("nn"), QStringLiteral("nno")}, {QStringLiteral("is"), QStringLiteral("isl")},
        {QStringLiteral("eo"), QStringLiteral("epo")}, {QStringLiteral("cy"), QStringLiteral("cym")},
        {QStringLiteral("br"), QStringLiteral("bre")}, {QStringLiteral("ga"), QStringLiteral("gle")},
        {QStringLiteral("ru"), QStringLiteral("rus")}, {QStringLiteral("uk"), QStringLiteral("ukr")},
        {QStringLiteral("be"), QStringLiteral("bel")}, {QStringLiteral("bg"), QStringLiteral("bul")},
        {QStringLiteral("mk"), QStringLiteral("mkd")}, {QStringLiteral("sr"), QStringLiteral("srp")},
        {QStringLiteral("hr"), QStringLiteral("hbs")}, {QStringLiteral("sl"), QStringLiteral("slv")},
        {QStringLiteral("cs"), QStringLiteral("ces")}, {QStringLiteral("sk"), QStringLiteral("slk")},
        {QStringLiteral("pl"), QStringLiteral("pol")}, {QStringLiteral("kk"), QStringLiteral("kaz")},
        {QStringLiteral("tt"), QStringLiteral("tat")}, {QStringLiteral("ar"), QStringLiteral("ara")},
        {QStringLiteral("mt"), QStringLiteral("mlt")}, {QStringLiteral("hi"), QStringLiteral("hin")},
        {QStringLiteral("ur"), QStringLiteral("urd")}, {QStringLiteral("id"), QStringLiteral("ind")},
        {QStringLiteral("ms"), QStringLiteral("msa")}, {QStringLiteral("sq"), QStringLiteral("sqi")},
        {QStringLiteral("el"), QStringLiteral("ell")}, {QStringLiteral("fi"), QStringLiteral("fin")},
        {QStringLiteral("et"), QStringLiteral("est")}, {QStringLiteral("lv"), QStringLiteral("lav")},
        {QStringLiteral("lt"), QStringLiteral("lit")}, {QStringLiteral("hu"), QStringLiteral("hun")},
        {QStringLiteral("tr"), QStringLiteral("tur")}, {QStringLiteral("sc"), QStringLiteral("srd")},
        {QStringLiteral("an"), QStringLiteral("arg")}, {QStringLiteral("ast"), QStringLiteral("ast")},
    };
    const QString base = isoCode.section(QLatin1Char('-'), 0, 0).section(QLatin1Char('_'), 0, 0).toLower();
    if (base.size() == 3)
        return base;
    return codes.value(base);
}

Result<QString> ApertiumProvider::modeFor(const QString &from, const QString &to) {
    const QStringList pairs = installedPairs();
    const QString a = apertiumCode(from.isEmpty() ? QStringLiteral("en") : from);
    const QString b = apertiumCode(to);
    const QString installed = pairs.isEmpty() ? QStringLiteral("none (install a pair such as apertium-eng-spa)")
                                              : pairs.join(QStringLiteral(", "));
    if (a.isEmpty() || b.isEmpty())
        return Error{Error::Usage, QStringLiteral("Apertium does not know the language code '%1'. Installed pairs: %2")
                                       .arg(a.isEmpty() ? from : to, installed)};
    const QString mode = a + QLatin1Char('-') + b;
    if (pairs.contains(mode))
        return mode;
    return Error{Error::Usage, QStringLiteral("Apertium cannot translate %1 to %2 here: the pair %3 is not installed. "
                                              "Installed pairs: %4")
                                   .arg(from, to, mode, installed)};
}

namespace {
const QRegularExpression &markPattern() {
    static const QRegularExpression re(QStringLiteral(R"(<code>.*?</code>|</?(b|i|em)>)"));
    return re;
}

/// A unit's text as Apertium reads it: escaped, except for its inline marks when they are well formed — bold and
/// italic tags as they are, each inline code as an empty element (codes[i] is what `<tt id="ovtcI"></tt>` stands for).
QString unitHtml(const QString &text, QStringList *codes) {
    if (!markup::hasTags(text) || !markup::wellFormed(text))
        return escapeHtml(text);
    QString out;
    qsizetype last = 0;
    auto it = markPattern().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += escapeHtml(text.mid(last, m.capturedStart() - last));
        if (m.captured().startsWith(QLatin1String("<code>"))) {
            out += QStringLiteral("<tt id=\"ovtc%1\"></tt>").arg(codes->size());
            codes->append(m.captured());
        } else {
            out += m.captured();
        }
        last = m.capturedEnd();
    }
    return out + escapeHtml(text.mid(last));
}
} // namespace

QByteArray ApertiumProvider::encodeBatch(const QList<TranslationUnit> &units) {
    QString html;
    for (qsizetype i = 0; i < units.size(); ++i) {
        QStringList codes;
        html += QStringLiteral("<p id=\"ovt%1\">").arg(i) % unitHtml(units[i].text, &codes) % QStringLiteral("</p>\n");
    }
    return html.toUtf8();
}

QHash<QString, QString> ApertiumProvider::decodeBatch(const QByteArray &output, const QList<TranslationUnit> &units) {
    static const QRegularExpression para(QStringLiteral("<p id=\"ovt(\\d+)\">(.*?)</p>"),
                                         QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    QHash<QString, QString> out;
    const QString text = QString::fromUtf8(output);
    auto it = para.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        bool ok = false;
        const int index = m.captured(1).toInt(&ok);
        if (!ok || index < 0 || index >= units.size())
            continue;
        QStringList codes;
        unitHtml(units[index].text, &codes);
        QString t = m.captured(2);
        // Inline code back in place (each exactly once, or the marks are given up), then the text unescaped.
        bool codesKept = true;
        for (qsizetype c = 0; c < codes.size(); ++c) {
            const QString placeholder = QStringLiteral("<tt id=\"ovtc%1\"></tt>").arg(c);
            codesKept &= t.count(placeholder) == 1;
            t.replace(placeholder, QStringLiteral("\x01%1\x02").arg(c));
        }
        t = unescapeHtml(t).trimmed();
        for (qsizetype c = 0; c < codes.size(); ++c)
            t.replace(QStringLiteral("\x01%1\x02").arg(c), codes[c]);
        if (!units[index].text.contains(QLatin1Char('\n')))
            t.replace(spaces, QStringLiteral(" "));
        // Marks Apertium moved apart (a reordering across a tag) are dropped; the text stays.
        if (markup::hasTags(units[index].text) && markup::wellFormed(units[index].text) &&
            (!codesKept || !markup::wellFormed(t)))
            t = markup::strip(t, codesKept);
        out.insert(units[index].id, t);
    }
    return out;
}

QCoro::Task<Result<TranslationBatchResult>> ApertiumProvider::translate(TranslationRequest request, PartialSink sink,
                                                                        CancelToken cancel) {
    Q_UNUSED(sink); // Apertium answers a batch at once
    const QString exe = executable();
    if (exe.isEmpty())
        co_return Error{Error::Usage, QStringLiteral("Apertium is not installed. Install the apertium package and a "
                                                     "language pair (e.g. apertium-eng-spa), or choose another "
                                                     "provider.")};
    auto mode = modeFor(request.sourceLang, request.targetLang);
    if (!mode)
        co_return mode.error();
    if (cancel.isCancelled())
        co_return Error{Error::Cancelled, QStringLiteral("cancelled")};

    QProcess process;
    process.setProgram(exe);
    process.setArguments({QStringLiteral("-u"), QStringLiteral("-f"), QStringLiteral("html"), mode.value()});
    // Apertium's tools abort on a locale the machine has not generated (a desktop set to de_DE without it): they read
    // UTF-8 in any case, so they get one that always exists.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    // The apertium script makes a temp file in $TMPDIR and removes it in an exit trap, which a killed script (cancel,
    // timeout) never runs: each run gets a folder of its own that goes with this frame, whatever ends the run.
    QTemporaryDir scratch;
    if (scratch.isValid())
        env.insert(QStringLiteral("TMPDIR"), scratch.path());
    process.setProcessEnvironment(env);
    QTimer watch; // cancel kills the process; the coroutine frame owns both, so the references stay valid
    watch.setInterval(50);
    QObject::connect(&watch, &QTimer::timeout, [&process, cancel] {
        if (cancel.isCancelled() && process.state() != QProcess::NotRunning)
            process.kill();
    });
    auto coProcess = qCoro(process); // named: GCC 12 mishandles temporaries inside co_await operands
    const bool started = co_await coProcess.start();
    if (!started)
        co_return Error{Error::Io, QStringLiteral("Apertium could not be started: %1").arg(process.errorString())};
    watch.start();
    process.write(encodeBatch(request.units));
    process.closeWriteChannel();
    qint64 chars = 0;
    for (const auto &u : std::as_const(request.units))
        chars += u.text.size();
    const int timeoutMs = int(std::min<qint64>(30000 + chars * 20, 600000));
    const bool finished = co_await coProcess.waitForFinished(timeoutMs);
    watch.stop();
    if (cancel.isCancelled())
        co_return Error{Error::Cancelled, QStringLiteral("cancelled")};
    if (!finished) {
        process.kill();
        process.waitForFinished(1000);
        co_return Error{Error::Timeout,
                        QStringLiteral("Apertium took longer than %1 s for one batch").arg(timeoutMs / 1000)};
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString err = QString::fromUtf8(process.readAllStandardError()).trimmed().left(500);
        co_return Error{Error::Service,
                        QStringLiteral("Apertium failed (exit %1): %2").arg(process.exitCode()).arg(err)};
    }
    TranslationBatchResult result;
    result.translations = decodeBatch(process.readAllStandardOutput(), request.units);
    co_return result;
}

} // namespace overtext
