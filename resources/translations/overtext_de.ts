<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>main</name>
    <message>
        <source>Translate PDF documents, keeping their layout.</source>
        <translation>PDF-Dokumente übersetzen und dabei ihr Layout erhalten.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::AboutDialog</name>
    <message>
        <source>Application framework</source>
        <translation>Anwendungs-Framework</translation>
    </message>
    <message>
        <source>Reading PDF pages and text</source>
        <translation>Lesen von PDF-Seiten und -Text</translation>
    </message>
    <message>
        <source>Writing the exported PDFs</source>
        <translation>Schreiben der exportierten PDFs</translation>
    </message>
    <message>
        <source>Coroutines for Qt</source>
        <translation>Koroutinen für Qt</translation>
    </message>
    <message>
        <source>Storing API keys in the system keychain</source>
        <translation>Speichern von API-Schlüsseln im Schlüsselbund des Systems</translation>
    </message>
    <message>
        <source>Translation and summary caches</source>
        <translation>Zwischenspeicher für Übersetzungen und Zusammenfassungen</translation>
    </message>
    <message>
        <source>Offline machine translation</source>
        <translation>Maschinelle Übersetzung ohne Internet</translation>
    </message>
    <message>
        <source>Fonts for the translated text</source>
        <translation>Schriften für den übersetzten Text</translation>
    </message>
    <message>
        <source>About Overtext</source>
        <translation>Über Overtext</translation>
    </message>
    <message>
        <source>Translates PDF documents in batches and keeps their layout: the translation is painted where the original text was.</source>
        <translation>Übersetzt PDF-Dokumente stapelweise und erhält ihr Layout: Die Übersetzung wird dort gezeichnet, wo der Originaltext stand.</translation>
    </message>
    <message>
        <source>Running on Qt %1.</source>
        <translation>Läuft mit Qt %1.</translation>
    </message>
    <message>
        <source>Libraries and fonts</source>
        <translation>Bibliotheken und Schriften</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Verwendet für</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>The licence texts are installed with each package in /usr/share/doc.</source>
        <translation>Die Lizenztexte werden mit jedem Paket unter /usr/share/doc installiert.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::CommandLine</name>
    <message>
        <source>PDF files or folders to open.</source>
        <translation>Zu öffnende PDF-Dateien oder Ordner.</translation>
    </message>
    <message>
        <source>Translate into LANG (a code such as es, de, zh).</source>
        <translation>In die Sprache LANG übersetzen (ein Code wie es, de, zh).</translation>
    </message>
    <message>
        <source>Translation service: %1.</source>
        <translation>Übersetzungsdienst: %1.</translation>
    </message>
    <message>
        <source>The service&apos;s address (OpenAI-compatible servers).</source>
        <translation>Die Adresse des Dienstes (OpenAI-kompatible Server).</translation>
    </message>
    <message>
        <source>The model to ask.</source>
        <translation>Das zu verwendende Modell.</translation>
    </message>
    <message>
        <source>Read the API key from the environment variable VAR (never from the command line).</source>
        <translation>Den API-Schlüssel aus der Umgebungsvariablen VAR lesen (nie von der Befehlszeile).</translation>
    </message>
    <message>
        <source>Start translating the documents at once.</source>
        <translation>Sofort mit dem Übersetzen der Dokumente beginnen.</translation>
    </message>
    <message>
        <source>Unknown provider &apos;%1&apos; (choose one of: %2).</source>
        <translation>Unbekannter Anbieter „%1“ (einer von: %2).</translation>
    </message>
    <message>
        <source>--to needs a language code such as es.</source>
        <translation>--to braucht einen Sprachcode wie es.</translation>
    </message>
    <message>
        <source>Connect through this proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), or &apos;direct&apos; for none, instead of the one in Settings or the system&apos;s.</source>
        <translation>Über diesen Proxy verbinden (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://) oder mit „direct“ ohne Proxy, statt über den Proxy aus den Einstellungen oder den des Systems.</translation>
    </message>
    <message>
        <source>Also trust the certificate authorities in this PEM file (a company&apos;s TLS-inspecting proxy).</source>
        <translation>Zusätzlich den Zertifizierungsstellen in dieser PEM-Datei vertrauen (für den TLS-prüfenden Proxy eines Unternehmens).</translation>
    </message>
    <message>
        <source>Give up a request after the server sent nothing for SECONDS (slow local models need more).</source>
        <translation>Eine Anfrage abbrechen, wenn der Server SECONDS Sekunden lang nichts gesendet hat (langsame lokale Modelle brauchen mehr).</translation>
    </message>
    <message>
        <source>--timeout must be a whole number of seconds from 1 to 86400.</source>
        <translation>--timeout muss eine ganze Zahl von Sekunden zwischen 1 und 86400 sein.</translation>
    </message>
    <message>
        <source>--timeout SECONDS (or the service&apos;s Timeout in Settings)</source>
        <translation>--timeout SECONDS (oder das Zeitlimit des Dienstes in den Einstellungen)</translation>
    </message>
</context>
<context>
    <name>overtext::ui::DocumentListModel</name>
    <message>
        <source>Opening…</source>
        <translation>Wird geöffnet…</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 Seite</translation>
    </message>
    <message numerus="yes">
        <source>%n pages</source>
        <translation>
            <numerusform>%n Seite</numerusform>
            <numerusform>%n Seiten</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <source>Translating</source>
        <translation>Wird übersetzt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>%1/%2 segments</source>
        <translation>%1/%2 Segmente</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1k tokens</source>
        <translation>%1k Tokens</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Tokens</translation>
    </message>
    <message>
        <source>ETA %1 s</source>
        <translation>noch ca. %1 s</translation>
    </message>
    <message>
        <source>ETA %1 min</source>
        <translation>noch ca. %1 min</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ExportDialog</name>
    <message>
        <source>Export Translations</source>
        <translation>Übersetzungen exportieren</translation>
    </message>
    <message>
        <source>Translation only</source>
        <translation>Nur Übersetzung</translation>
    </message>
    <message>
        <source>Bilingual, side by side</source>
        <translation>Zweisprachig, nebeneinander</translation>
    </message>
    <message>
        <source>Bilingual, alternating pages</source>
        <translation>Zweisprachig, Seiten abwechselnd</translation>
    </message>
    <message>
        <source>Beside each original</source>
        <translation>Neben dem jeweiligen Original</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>Exportordner</translation>
    </message>
    <message>
        <source>Summary &amp;cover page (the document&apos;s summary from the Summary panel first)</source>
        <translation>Zusammenfassung als &amp;Deckblatt (die Zusammenfassung des Dokuments aus dem Bereich „Zusammenfassung“ zuerst)</translation>
    </message>
    <message>
        <source>&amp;Layout:</source>
        <translation>&amp;Layout:</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message numerus="yes">
        <source>Export %n Document(s)</source>
        <translation>
            <numerusform>%n Dokument exportieren</numerusform>
            <numerusform>%n Dokumente exportieren</numerusform>
        </translation>
    </message>
    <message>
        <source>Each finished document is written as NAME.LANGUAGE.pdf.</source>
        <translation>Jedes fertige Dokument wird als NAME.SPRACHE.pdf geschrieben.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::MainWindow</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 und %n weitere</numerusform>
            <numerusform>%1 und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Overtext</source>
        <translation>Overtext</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Dokumente</translation>
    </message>
    <message>
        <source>Drop PDF files or folders here, or choose File ▸ Open.</source>
        <translation>PDF-Dateien oder Ordner hierher ziehen oder Datei ▸ Öffnen wählen.</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>%1 could not be translated: %2</source>
        <translation>%1 konnte nicht übersetzt werden: %2</translation>
    </message>
    <message>
        <source>%1: cancelled.</source>
        <translation>%1: abgebrochen.</translation>
    </message>
    <message>
        <source>%1: %2 of %3 segments translated, %4 failed (Batch ▸ Retry Failed).</source>
        <translation>%1: %2 von %3 Segmenten übersetzt, %4 fehlgeschlagen (Stapel ▸ Fehlgeschlagene wiederholen).</translation>
    </message>
    <message>
        <source>%1: all %2 segments translated.</source>
        <translation>%1: alle %2 Segmente übersetzt.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Add PDF files to the list</source>
        <translation>PDF-Dateien zur Liste hinzufügen</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>Fit &amp;Width</source>
        <translation>&amp;Seitenbreite</translation>
    </message>
    <message>
        <source>&amp;Previous Page</source>
        <translation>&amp;Vorherige Seite</translation>
    </message>
    <message>
        <source>&amp;Next Page</source>
        <translation>&amp;Nächste Seite</translation>
    </message>
    <message>
        <source>&amp;Side by Side</source>
        <translation>Ne&amp;beneinander</translation>
    </message>
    <message>
        <source>Show each page beside its translation; both scroll together</source>
        <translation>Jede Seite neben ihrer Übersetzung zeigen; beide scrollen gemeinsam</translation>
    </message>
    <message>
        <source>Page &amp;Thumbnails</source>
        <translation>Seiten&amp;miniaturen</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Overtext</source>
        <translation>Ü&amp;ber Overtext</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Open PDF Files</source>
        <translation>PDF-Dateien öffnen</translation>
    </message>
    <message>
        <source>PDF files (*.pdf *.PDF);;All files (*)</source>
        <translation>PDF-Dateien (*.pdf *.PDF);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The files could not be listed: %1</source>
        <translation>Die Dateien konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>The files could not be listed.</source>
        <translation>Die Dateien konnten nicht aufgelistet werden.</translation>
    </message>
    <message>
        <source>Not added: %1 — only PDF files can be opened.</source>
        <translation>Nicht hinzugefügt: %1 – nur PDF-Dateien können geöffnet werden.</translation>
    </message>
    <message>
        <source>Not found: %1 — check the path.</source>
        <translation>Nicht gefunden: %1 – bitte den Pfad prüfen.</translation>
    </message>
    <message>
        <source>No PDF files in %1.</source>
        <translation>Keine PDF-Dateien in %1.</translation>
    </message>
    <message>
        <source>Added 1 document.</source>
        <translation>1 Dokument hinzugefügt.</translation>
    </message>
    <message numerus="yes">
        <source>Added %n documents.</source>
        <translation>
            <numerusform>%n Dokument hinzugefügt.</numerusform>
            <numerusform>%n Dokumente hinzugefügt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Opening the document failed unexpectedly.</source>
        <translation>Das Öffnen des Dokuments ist unerwartet fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Password-protected PDFs cannot be opened yet: save a copy without the password (qpdf can do it) and add that copy.</source>
        <translation>Passwortgeschützte PDFs können noch nicht geöffnet werden: Speichern Sie eine Kopie ohne Passwort (qpdf kann das) und fügen Sie diese Kopie hinzu.</translation>
    </message>
    <message>
        <source>Download it again, or repair it (for example with qpdf) and add it again.</source>
        <translation>Laden Sie die Datei erneut herunter oder reparieren Sie sie (zum Beispiel mit qpdf) und fügen Sie sie erneut hinzu.</translation>
    </message>
    <message>
        <source>Check that the file exists and that you may read it.</source>
        <translation>Prüfen Sie, ob die Datei existiert und Sie sie lesen dürfen.</translation>
    </message>
    <message>
        <source>Please report this as a bug.</source>
        <translation>Bitte melden Sie dies als Fehler.</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>%1 — Overtext</source>
        <translation>%1 — Overtext</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1&#xa0;%</translation>
    </message>
    <message>
        <source>Fit width (%1)</source>
        <translation>Seitenbreite (%1)</translation>
    </message>
    <message>
        <source>&amp;%1 %2</source>
        <translation>&amp;%1&#xa0;%2</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>Keine zuletzt geöffneten Dateien</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>Liste &amp;leeren</translation>
    </message>
    <message>
        <source>Not added: %1 — download the files first, then drop them here.</source>
        <translation>Nicht hinzugefügt: %1 – laden Sie die Dateien zuerst herunter und ziehen Sie sie dann hierher.</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>Spanisch</translation>
    </message>
    <message>
        <source>French</source>
        <translation>Französisch</translation>
    </message>
    <message>
        <source>German</source>
        <translation>Deutsch</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>Italienisch</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>Portugiesisch</translation>
    </message>
    <message>
        <source>Catalan</source>
        <translation>Katalanisch</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>Niederländisch</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>Polnisch</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>Russisch</translation>
    </message>
    <message>
        <source>Ukrainian</source>
        <translation>Ukrainisch</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>Chinesisch</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>Japanisch</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>Koreanisch</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>Arabisch</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>Hindi</translation>
    </message>
    <message>
        <source>Turkish</source>
        <translation>Türkisch</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>Schwedisch</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Englisch</translation>
    </message>
    <message>
        <source>Batch toolbar</source>
        <translation>Stapel-Werkzeugleiste</translation>
    </message>
    <message>
        <source>Target language</source>
        <translation>Zielsprache</translation>
    </message>
    <message>
        <source>Translate into</source>
        <translation>Übersetzen in</translation>
    </message>
    <message>
        <source>Translation service</source>
        <translation>Übersetzungsdienst</translation>
    </message>
    <message>
        <source>Translation service (Apertium works offline, without a key)</source>
        <translation>Übersetzungsdienst (Apertium arbeitet offline, ohne Schlüssel)</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Stapel</translation>
    </message>
    <message>
        <source>&amp;Start All</source>
        <translation>Alle &amp;starten</translation>
    </message>
    <message>
        <source>Translate every document not yet translated</source>
        <translation>Alle noch nicht übersetzten Dokumente übersetzen</translation>
    </message>
    <message>
        <source>Start &amp;Selected</source>
        <translation>Aus&amp;gewähltes starten</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>&amp;Cancel Selected</source>
        <translation>Ausgewähltes a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Cancel &amp;All</source>
        <translation>Alle abbre&amp;chen</translation>
    </message>
    <message>
        <source>&amp;Retry Failed (Selected)</source>
        <translation>&amp;Fehlgeschlagene wiederholen (Ausgewähltes)</translation>
    </message>
    <message>
        <source>Retry All &amp;Failed</source>
        <translation>Alle fehlgeschlagenen &amp;wiederholen</translation>
    </message>
    <message>
        <source>Re&amp;move Selected</source>
        <translation>Ausgewähltes &amp;entfernen</translation>
    </message>
    <message>
        <source>Remove A&amp;ll</source>
        <translation>A&amp;lle entfernen</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Show &amp;Translation</source>
        <translation>Übersetzung &amp;anzeigen</translation>
    </message>
    <message>
        <source>Lay the translation over the pages</source>
        <translation>Die Übersetzung über die Seiten legen</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>Ausgangstext</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Übersetzung</translation>
    </message>
    <message>
        <source>&amp;Save Correction</source>
        <translation>Korrektur &amp;speichern</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next documents started.</source>
        <translation>Einstellungen gespeichert; sie gelten für die nächsten gestarteten Dokumente.</translation>
    </message>
    <message>
        <source>The batch of the last session cannot be resumed: %1</source>
        <translation>Der Stapel der letzten Sitzung kann nicht fortgesetzt werden: %1</translation>
    </message>
    <message>
        <source>One document was still translating when Overtext closed.</source>
        <translation>Ein Dokument wurde noch übersetzt, als Overtext beendet wurde.</translation>
    </message>
    <message>
        <source>%1 documents were still translating when Overtext closed.</source>
        <translation>%1 Dokumente wurden noch übersetzt, als Overtext beendet wurde.</translation>
    </message>
    <message>
        <source>Resume translating?</source>
        <translation>Übersetzung fortsetzen?</translation>
    </message>
    <message>
        <source>Resume now? What was already translated is kept and not sent again.</source>
        <translation>Jetzt fortsetzen? Bereits Übersetztes bleibt erhalten und wird nicht erneut gesendet.</translation>
    </message>
    <message>
        <source>Resume translating</source>
        <translation>Übersetzung fortsetzen</translation>
    </message>
    <message>
        <source>Paused: requests in flight finish, no new ones start.</source>
        <translation>Pausiert: Laufende Anfragen werden beendet, neue starten nicht.</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>Fortgesetzt.</translation>
    </message>
    <message>
        <source>Page %1, %2</source>
        <translation>Seite %1, %2</translation>
    </message>
    <message>
        <source>Correction saved; it is used in the preview, the export and future translations.</source>
        <translation>Korrektur gespeichert; sie wird in der Vorschau, beim Export und in künftigen Übersetzungen verwendet.</translation>
    </message>
    <message>
        <source>Nothing to export yet: translate documents first (Batch ▸ Start All).</source>
        <translation>Noch nichts zu exportieren: Übersetzen Sie zuerst Dokumente (Stapel ▸ Alle starten).</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>%1 wird exportiert…</translation>
    </message>
    <message>
        <source>%1 has no summary yet (Summary ▸ Summarize): exported without a cover page.</source>
        <translation>%1 hat noch keine Zusammenfassung (Zusammenfassung ▸ Zusammenfassen): ohne Deckblatt exportiert.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n document(s).</source>
        <translation>
            <numerusform>%n Dokument exportiert.</numerusform>
            <numerusform>%n Dokumente exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported %1, %2 failed: see their rows.</source>
        <translation>%1 exportiert, %2 fehlgeschlagen: siehe deren Zeilen.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::PagePreview</name>
    <message>
        <source>Page preview</source>
        <translation>Seitenvorschau</translation>
    </message>
    <message>
        <source>No document</source>
        <translation>Kein Dokument</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn: %2</source>
        <translation>Seite %1 konnte nicht gezeichnet werden: %2</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>Seite %1 konnte nicht gezeichnet werden.</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Seite %1</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SettingsDialog</name>
    <message>
        <source>Apertium (offline, no key)</source>
        <translation>Apertium (offline, ohne Schlüssel)</translation>
    </message>
    <message>
        <source>OpenAI-compatible (OpenAI, Azure, Ollama, vLLM, llama.cpp …)</source>
        <translation>OpenAI-kompatibel (OpenAI, Azure, Ollama, vLLM, llama.cpp …)</translation>
    </message>
    <message>
        <source>Anthropic</source>
        <translation>Anthropic</translation>
    </message>
    <message>
        <source>DeepL</source>
        <translation>DeepL</translation>
    </message>
    <message>
        <source>LibreTranslate</source>
        <translation>LibreTranslate</translation>
    </message>
    <message>
        <source>Settings — Overtext</source>
        <translation>Einstellungen — Overtext</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Translation services</source>
        <translation>Übersetzungsdienste</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>Einen Dienst hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Remove the service</source>
        <translation>Den Dienst entfernen</translation>
    </message>
    <message>
        <source>Service type</source>
        <translation>Art des Dienstes</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>the service&apos;s own (leave empty)</source>
        <translation>die des Dienstes (leer lassen)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file</source>
        <translation>Wird im Schlüsselbund des Systems aufbewahrt, nie in einer Einstellungsdatei</translation>
    </message>
    <message>
        <source>&amp;Forget Key</source>
        <translation>Schlüssel ver&amp;gessen</translation>
    </message>
    <message>
        <source>Forget the stored key</source>
        <translation>Den gespeicherten Schlüssel vergessen</translation>
    </message>
    <message>
        <source>Key status</source>
        <translation>Schlüsselstatus</translation>
    </message>
    <message>
        <source>Key environment variable</source>
        <translation>Umgebungsvariable für den Schlüssel</translation>
    </message>
    <message>
        <source>Read when the keychain holds no key or no keychain service runs</source>
        <translation>Wird gelesen, wenn der Schlüsselbund keinen Schlüssel enthält oder kein Schlüsselbunddienst läuft</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>T&amp;yp:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation>&amp;Basis-URL:</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API-S&amp;chlüssel:</translation>
    </message>
    <message>
        <source>Key &amp;variable:</source>
        <translation>Schlüssel&amp;variable:</translation>
    </message>
    <message>
        <source>Requests at once</source>
        <translation>Gleichzeitige Anfragen</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Requests per minute</source>
        <translation>Anfragen pro Minute</translation>
    </message>
    <message>
        <source>Tokens per minute</source>
        <translation>Tokens pro Minute</translation>
    </message>
    <message>
        <source>Glossary file</source>
        <translation>Glossardatei</translation>
    </message>
    <message>
        <source>CSV: source term, target term</source>
        <translation>CSV: Ausgangsbegriff, Zielbegriff</translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation>D&amp;urchsuchen…</translation>
    </message>
    <message>
        <source>Choose the glossary file</source>
        <translation>Die Glossardatei wählen</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Glossar</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Anweisung</translation>
    </message>
    <message>
        <source>For example: keep a formal tone; do not translate product names.</source>
        <translation>Zum Beispiel: förmlichen Ton beibehalten; Produktnamen nicht übersetzen.</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Übersetzung</translation>
    </message>
    <message>
        <source>Requests at &amp;once:</source>
        <translation>Gleichzeitige &amp;Anfragen:</translation>
    </message>
    <message>
        <source>Requests &amp;per minute:</source>
        <translation>Anfragen &amp;pro Minute:</translation>
    </message>
    <message>
        <source>Tok&amp;ens per minute:</source>
        <translation>T&amp;okens pro Minute:</translation>
    </message>
    <message>
        <source>&amp;Glossary:</source>
        <translation>G&amp;lossar:</translation>
    </message>
    <message>
        <source>&amp;Instruction:</source>
        <translation>Anwe&amp;isung:</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Sprache der Oberfläche</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Oberfläche</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>A new language applies the next time Overtext starts.</source>
        <translation>Eine neue Sprache gilt ab dem nächsten Start von Overtext.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>type a key to store it in the keychain</source>
        <translation>Schlüssel eingeben, um ihn im Schlüsselbund zu speichern</translation>
    </message>
    <message>
        <source>no key needed</source>
        <translation>kein Schlüssel nötig</translation>
    </message>
    <message>
        <source>Asking the keychain…</source>
        <translation>Schlüsselbund wird abgefragt…</translation>
    </message>
    <message>
        <source>The stored key will be forgotten when you press OK.</source>
        <translation>Der gespeicherte Schlüssel wird vergessen, wenn Sie OK drücken.</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation>Im Schlüsselbund des Systems ist ein Schlüssel gespeichert.</translation>
    </message>
    <message>
        <source>No key in the keychain: the environment variable %1 is read if it is set.</source>
        <translation>Kein Schlüssel im Schlüsselbund: Die Umgebungsvariable %1 wird gelesen, falls sie gesetzt ist.</translation>
    </message>
    <message>
        <source>%1. Keys cannot be stored here; the environment variable %2 is read instead.</source>
        <translation>%1. Schlüssel können hier nicht gespeichert werden; stattdessen wird die Umgebungsvariable %2 gelesen.</translation>
    </message>
    <message>
        <source>New service</source>
        <translation>Neuer Dienst</translation>
    </message>
    <message>
        <source>Sending a short test translation…</source>
        <translation>Eine kurze Testübersetzung wird gesendet…</translation>
    </message>
    <message>
        <source>Connected: “Hello, world.” came back as “%1”.</source>
        <translation>Verbunden: „Hello, world.“ kam als „%1“ zurück.</translation>
    </message>
    <message>
        <source>The test failed: %1</source>
        <translation>Der Test ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 — %2 Put the key in the environment variable %3 instead.</source>
        <translation>%1 — %2 Legen Sie den Schlüssel stattdessen in die Umgebungsvariable %3.</translation>
    </message>
    <message>
        <source>Proxy for this service</source>
        <translation>Proxy für diesen Dienst</translation>
    </message>
    <message>
        <source>the network setting below (leave empty); direct for none</source>
        <translation>die Netzwerkeinstellung unten (leer lassen); direct für keinen</translation>
    </message>
    <message>
        <source>the service&apos;s default</source>
        <translation>Standard des Dienstes</translation>
    </message>
    <message>
        <source>Timeout in seconds</source>
        <translation>Zeitlimit in Sekunden</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long a request may wait for the server&apos;s next byte, the first one included. A local model on a CPU can take minutes before its first word.</source>
        <translation>Wie lange eine Anfrage auf das nächste Byte des Servers warten darf, das erste eingeschlossen. Ein lokales Modell auf einer CPU kann Minuten bis zu seinem ersten Wort brauchen.</translation>
    </message>
    <message>
        <source>Pro&amp;xy:</source>
        <translation>Pro&amp;xy:</translation>
    </message>
    <message>
        <source>Time&amp;out:</source>
        <translation>&amp;Zeitlimit:</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <source>the system&apos;s (leave empty), direct, or http://host:port, socks5h://host:port</source>
        <translation>der des Systems (leer lassen), direct oder http://host:port, socks5h://host:port</translation>
    </message>
    <message>
        <source>No proxy for</source>
        <translation>Kein Proxy für</translation>
    </message>
    <message>
        <source>the no_proxy variable (leave empty), or localhost, .corp.example, 10.0.0.0/8</source>
        <translation>die Variable no_proxy (leer lassen) oder localhost, .corp.example, 10.0.0.0/8</translation>
    </message>
    <message>
        <source>Proxy user</source>
        <translation>Proxy-Benutzer</translation>
    </message>
    <message>
        <source>kept in the system keychain with the password</source>
        <translation>wird mit dem Passwort im Schlüsselbund des Systems aufbewahrt</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Proxy-Passwort</translation>
    </message>
    <message>
        <source>type to store in the keychain (user and password replace the stored ones)</source>
        <translation>eingeben, um es im Schlüsselbund zu speichern (Benutzer und Passwort ersetzen die gespeicherten)</translation>
    </message>
    <message>
        <source>Extra CA bundle</source>
        <translation>Zusätzliches CA-Bundle</translation>
    </message>
    <message>
        <source>PEM file trusted besides the system&apos;s authorities (a TLS-inspecting proxy)</source>
        <translation>PEM-Datei, der neben den Zertifizierungsstellen des Systems vertraut wird (für einen TLS-prüfenden Proxy)</translation>
    </message>
    <message>
        <source>Brow&amp;se…</source>
        <translation>Du&amp;rchsuchen…</translation>
    </message>
    <message>
        <source>Choose the CA bundle</source>
        <translation>Das CA-Bundle wählen</translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation>CA-Bundle</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>&amp;Proxy:</translation>
    </message>
    <message>
        <source>&amp;No proxy for:</source>
        <translation>&amp;Kein Proxy für:</translation>
    </message>
    <message>
        <source>Proxy &amp;user:</source>
        <translation>Proxy-Benut&amp;zer:</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>Proxy-Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Extra &amp;CA bundle:</source>
        <translation>Zusätzliches CA-Bun&amp;dle:</translation>
    </message>
    <message>
        <source>The proxy setting</source>
        <translation>Die Proxy-Einstellung</translation>
    </message>
    <message>
        <source>The extra CA bundle</source>
        <translation>Das zusätzliche CA-Bundle</translation>
    </message>
    <message>
        <source>Proxy — %1 Put the credentials in the proxy variable instead (http_proxy=http://USER:PASSWORD@host:port).</source>
        <translation>Proxy — %1 Legen Sie die Zugangsdaten stattdessen in die Proxy-Variable (http_proxy=http://USER:PASSWORD@host:port).</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SummaryPanel</name>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>Text der Zusammenfassung</translation>
    </message>
    <message>
        <source>&amp;Summarize</source>
        <translation>&amp;Zusammenfassen</translation>
    </message>
    <message>
        <source>Summarize the selected document in the target language</source>
        <translation>Das ausgewählte Dokument in der Zielsprache zusammenfassen</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>&amp;Neu erstellen</translation>
    </message>
    <message>
        <source>Write the summary again, ignoring the cached one</source>
        <translation>Die Zusammenfassung neu schreiben, ohne die zwischengespeicherte zu verwenden</translation>
    </message>
    <message>
        <source>Summarize &amp;Anyway</source>
        <translation>&amp;Trotzdem zusammenfassen</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the summary as Markdown</source>
        <translation>Die Zusammenfassung als Markdown kopieren</translation>
    </message>
    <message>
        <source>The summary was copied as Markdown.</source>
        <translation>Die Zusammenfassung wurde als Markdown kopiert.</translation>
    </message>
    <message>
        <source>Reading the document…</source>
        <translation>Dokument wird gelesen…</translation>
    </message>
    <message>
        <source>This document is long: it takes %1 requests (%2 parts, then one to combine them), about %3 input and %4 output tokens. Summarize it anyway?</source>
        <translation>Dieses Dokument ist lang: Es braucht %1 Anfragen (%2 Teile, dann eine zum Zusammenführen), etwa %3 Eingabe- und %4 Ausgabe-Tokens. Trotzdem zusammenfassen?</translation>
    </message>
    <message>
        <source>Summarizing…</source>
        <translation>Wird zusammengefasst…</translation>
    </message>
    <message>
        <source>Combining the summaries of %1 parts…</source>
        <translation>Die Zusammenfassungen von %1 Teilen werden zusammengeführt…</translation>
    </message>
    <message>
        <source>Summarizing part %1 of %2…</source>
        <translation>Teil %1 von %2 wird zusammengefasst…</translation>
    </message>
    <message>
        <source>From the summary cache (no request).</source>
        <translation>Aus dem Zwischenspeicher für Zusammenfassungen (keine Anfrage).</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n request(s), %1 tokens.</source>
        <translation>
            <numerusform>Fertig: %n Anfrage, %1 Tokens.</numerusform>
            <numerusform>Fertig: %n Anfragen, %1 Tokens.</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary failed unexpectedly.</source>
        <translation>Die Zusammenfassung ist unerwartet fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Select a document to see its summary.</source>
        <translation>Wählen Sie ein Dokument, um seine Zusammenfassung zu sehen.</translation>
    </message>
    <message>
        <source>No summary yet: press Summarize.</source>
        <translation>Noch keine Zusammenfassung: Klicken Sie auf „Zusammenfassen“.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ThumbnailBar</name>
    <message>
        <source>Page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>Seitenminiaturen</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>Seite %1 konnte nicht gezeichnet werden.</translation>
    </message>
</context>
</TS>
