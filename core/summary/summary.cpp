#include "summary/summary.h"

#include <QHash>

namespace overtext {

SummaryLabels summaryLabels(const QString &targetLang) {
    static const QHash<QString, SummaryLabels> labels{
        {QStringLiteral("es"), {QStringLiteral("Resumen"), QStringLiteral("Puntos clave"), QStringLiteral("Método")}},
        {QStringLiteral("fr"), {QStringLiteral("Résumé"), QStringLiteral("Points clés"), QStringLiteral("Méthode")}},
        {QStringLiteral("de"),
         {QStringLiteral("Zusammenfassung"), QStringLiteral("Kernpunkte"), QStringLiteral("Methode")}},
        {QStringLiteral("it"), {QStringLiteral("Riassunto"), QStringLiteral("Punti chiave"), QStringLiteral("Metodo")}},
        {QStringLiteral("pt"), {QStringLiteral("Resumo"), QStringLiteral("Pontos-chave"), QStringLiteral("Método")}},
        {QStringLiteral("zh"), {QStringLiteral("摘要"), QStringLiteral("要点"), QStringLiteral("方法")}},
        {QStringLiteral("ja"), {QStringLiteral("要約"), QStringLiteral("要点"), QStringLiteral("方法")}},
    };
    return labels.value(targetLang.section(QLatin1Char('-'), 0, 0).toLower(),
                        {QStringLiteral("Summary"), QStringLiteral("Key points"), QStringLiteral("Method")});
}

QString summaryToMarkdown(const Summary &summary) {
    const SummaryLabels l = summaryLabels(summary.targetLang);
    QString out = QStringLiteral("# ") + (summary.title.isEmpty() ? QStringLiteral("Summary") : summary.title) +
                  QStringLiteral("\n\n## ") + l.summary + QStringLiteral("\n\n") + summary.abstract +
                  QStringLiteral("\n\n");
    if (!summary.keyPoints.isEmpty()) {
        out += QStringLiteral("## ") + l.keyPoints + QStringLiteral("\n\n");
        for (const QString &p : summary.keyPoints)
            out += QStringLiteral("- ") + p + QLatin1Char('\n');
        out += QLatin1Char('\n');
    }
    out += QStringLiteral("---\n\n*") + l.method + QStringLiteral(": ") + summary.method + QStringLiteral("*\n");
    return out;
}

} // namespace overtext
