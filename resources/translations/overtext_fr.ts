<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>main</name>
    <message>
        <source>Translate PDF documents, keeping their layout.</source>
        <translation>Traduire des documents PDF en conservant leur mise en page.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::AboutDialog</name>
    <message>
        <source>Application framework</source>
        <translation>Framework applicatif</translation>
    </message>
    <message>
        <source>Reading PDF pages and text</source>
        <translation>Lecture des pages et du texte PDF</translation>
    </message>
    <message>
        <source>Writing the exported PDFs</source>
        <translation>Écriture des PDF exportés</translation>
    </message>
    <message>
        <source>Coroutines for Qt</source>
        <translation>Coroutines pour Qt</translation>
    </message>
    <message>
        <source>Storing API keys in the system keychain</source>
        <translation>Stockage des clés d&apos;API dans le trousseau du système</translation>
    </message>
    <message>
        <source>Translation and summary caches</source>
        <translation>Caches des traductions et des résumés</translation>
    </message>
    <message>
        <source>Offline machine translation</source>
        <translation>Traduction automatique hors ligne</translation>
    </message>
    <message>
        <source>Fonts for the translated text</source>
        <translation>Polices du texte traduit</translation>
    </message>
    <message>
        <source>About Overtext</source>
        <translation>À propos d&apos;Overtext</translation>
    </message>
    <message>
        <source>Translates PDF documents in batches and keeps their layout: the translation is painted where the original text was.</source>
        <translation>Traduit des documents PDF par lots en conservant leur mise en page&#xa0;: la traduction est dessinée à la place du texte original.</translation>
    </message>
    <message>
        <source>Running on Qt %1.</source>
        <translation>Fonctionne avec Qt %1.</translation>
    </message>
    <message>
        <source>Libraries and fonts</source>
        <translation>Bibliothèques et polices</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Composant</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>The licence texts are installed with each package in /usr/share/doc.</source>
        <translation>Les textes des licences sont installés avec chaque paquet dans /usr/share/doc.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::CommandLine</name>
    <message>
        <source>PDF files or folders to open.</source>
        <translation>Fichiers PDF ou dossiers à ouvrir.</translation>
    </message>
    <message>
        <source>Translate into LANG (a code such as es, de, zh).</source>
        <translation>Traduire vers la langue LANG (un code comme es, de, zh).</translation>
    </message>
    <message>
        <source>Translation service: %1.</source>
        <translation>Service de traduction&#xa0;: %1.</translation>
    </message>
    <message>
        <source>The service&apos;s address (OpenAI-compatible servers).</source>
        <translation>L&apos;adresse du service (serveurs compatibles OpenAI).</translation>
    </message>
    <message>
        <source>The model to ask.</source>
        <translation>Le modèle à interroger.</translation>
    </message>
    <message>
        <source>Read the API key from the environment variable VAR (never from the command line).</source>
        <translation>Lire la clé d&apos;API dans la variable d&apos;environnement VAR (jamais sur la ligne de commande).</translation>
    </message>
    <message>
        <source>Start translating the documents at once.</source>
        <translation>Commencer immédiatement la traduction des documents.</translation>
    </message>
    <message>
        <source>Unknown provider &apos;%1&apos; (choose one of: %2).</source>
        <translation>Fournisseur inconnu «&#xa0;%1&#xa0;» (choisissez parmi&#xa0;: %2).</translation>
    </message>
    <message>
        <source>--to needs a language code such as es.</source>
        <translation>--to attend un code de langue, comme es.</translation>
    </message>
    <message>
        <source>Connect through this proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), or &apos;direct&apos; for none, instead of the one in Settings or the system&apos;s.</source>
        <translation>Se connecter via ce proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), ou «&#xa0;direct&#xa0;» pour n&apos;en utiliser aucun, au lieu de celui des Paramètres ou de celui du système.</translation>
    </message>
    <message>
        <source>Also trust the certificate authorities in this PEM file (a company&apos;s TLS-inspecting proxy).</source>
        <translation>Faire aussi confiance aux autorités de certification de ce fichier PEM (pour le proxy d&apos;inspection TLS d&apos;une entreprise).</translation>
    </message>
    <message>
        <source>Give up a request after the server sent nothing for SECONDS (slow local models need more).</source>
        <translation>Abandonner une requête lorsque le serveur n&apos;a rien envoyé pendant SECONDS secondes (les modèles locaux lents ont besoin de plus).</translation>
    </message>
    <message>
        <source>--timeout must be a whole number of seconds from 1 to 86400.</source>
        <translation>--timeout doit être un nombre entier de secondes, de 1 à 86400.</translation>
    </message>
    <message>
        <source>--timeout SECONDS (or the service&apos;s Timeout in Settings)</source>
        <translation>--timeout SECONDS (ou le délai d&apos;attente du service dans les Paramètres)</translation>
    </message>
</context>
<context>
    <name>overtext::ui::DocumentListModel</name>
    <message>
        <source>Opening…</source>
        <translation>Ouverture…</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 page</translation>
    </message>
    <message numerus="yes">
        <source>%n pages</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Translating</source>
        <translation>Traduction en cours</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>%1/%2 segments</source>
        <translation>%1/%2 segments</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 en échec</translation>
    </message>
    <message>
        <source>%1k tokens</source>
        <translation>%1k jetons</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 jetons</translation>
    </message>
    <message>
        <source>ETA %1 s</source>
        <translation>reste %1 s</translation>
    </message>
    <message>
        <source>ETA %1 min</source>
        <translation>reste %1 min</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ExportDialog</name>
    <message>
        <source>Export Translations</source>
        <translation>Exporter les traductions</translation>
    </message>
    <message>
        <source>Translation only</source>
        <translation>Traduction seule</translation>
    </message>
    <message>
        <source>Bilingual, side by side</source>
        <translation>Bilingue, côte à côte</translation>
    </message>
    <message>
        <source>Bilingual, alternating pages</source>
        <translation>Bilingue, pages alternées</translation>
    </message>
    <message>
        <source>Beside each original</source>
        <translation>À côté de chaque original</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>Dossier d&apos;exportation</translation>
    </message>
    <message>
        <source>Summary &amp;cover page (the document&apos;s summary from the Summary panel first)</source>
        <translation>Page de &amp;garde avec le résumé (d&apos;abord le résumé du document, tiré du panneau Résumé)</translation>
    </message>
    <message>
        <source>&amp;Layout:</source>
        <translation>&amp;Disposition&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>Do&amp;ssier&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>Export %n Document(s)</source>
        <translation>
            <numerusform>Exporter %n document</numerusform>
            <numerusform>Exporter %n documents</numerusform>
        </translation>
    </message>
    <message>
        <source>Each finished document is written as NAME.LANGUAGE.pdf.</source>
        <translation>Chaque document terminé est enregistré sous NOM.LANGUE.pdf.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::MainWindow</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 et %n autre</numerusform>
            <numerusform>%1 et %n autres</numerusform>
        </translation>
    </message>
    <message>
        <source>Overtext</source>
        <translation>Overtext</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>Drop PDF files or folders here, or choose File ▸ Open.</source>
        <translation>Déposez ici des fichiers PDF ou des dossiers, ou choisissez Fichier ▸ Ouvrir.</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Page</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>%1 could not be translated: %2</source>
        <translation>%1 n&apos;a pas pu être traduit&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1: cancelled.</source>
        <translation>%1&#xa0;: annulé.</translation>
    </message>
    <message>
        <source>%1: %2 of %3 segments translated, %4 failed (Batch ▸ Retry Failed).</source>
        <translation>%1&#xa0;: %2 segments sur %3 traduits, %4 en échec (Lot ▸ Réessayer les échecs).</translation>
    </message>
    <message>
        <source>%1: all %2 segments translated.</source>
        <translation>%1&#xa0;: les %2 segments sont traduits.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Ouvrir…</translation>
    </message>
    <message>
        <source>Add PDF files to the list</source>
        <translation>Ajouter des fichiers PDF à la liste</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Fichiers &amp;récents</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Zoom &amp;avant</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Zoom a&amp;rrière</translation>
    </message>
    <message>
        <source>Fit &amp;Width</source>
        <translation>Ajuster à la &amp;largeur</translation>
    </message>
    <message>
        <source>&amp;Previous Page</source>
        <translation>Page &amp;précédente</translation>
    </message>
    <message>
        <source>&amp;Next Page</source>
        <translation>Page &amp;suivante</translation>
    </message>
    <message>
        <source>&amp;Side by Side</source>
        <translation>&amp;Côte à côte</translation>
    </message>
    <message>
        <source>Show each page beside its translation; both scroll together</source>
        <translation>Afficher chaque page à côté de sa traduction&#xa0;; les deux défilent ensemble</translation>
    </message>
    <message>
        <source>Page &amp;Thumbnails</source>
        <translation>&amp;Vignettes des pages</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principale</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Barre d&apos;outils principale</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Lot</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <source>&amp;About Overtext</source>
        <translation>À &amp;propos d&apos;Overtext</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <source>Open PDF Files</source>
        <translation>Ouvrir des fichiers PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf *.PDF);;All files (*)</source>
        <translation>Fichiers PDF (*.pdf *.PDF);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>The files could not be listed: %1</source>
        <translation>Impossible de lister les fichiers&#xa0;: %1</translation>
    </message>
    <message>
        <source>The files could not be listed.</source>
        <translation>Impossible de lister les fichiers.</translation>
    </message>
    <message>
        <source>Not added: %1 — only PDF files can be opened.</source>
        <translation>Non ajoutés&#xa0;: %1 — seuls les fichiers PDF peuvent être ouverts.</translation>
    </message>
    <message>
        <source>Not found: %1 — check the path.</source>
        <translation>Introuvable&#xa0;: %1 — vérifiez le chemin.</translation>
    </message>
    <message>
        <source>No PDF files in %1.</source>
        <translation>Aucun fichier PDF dans %1.</translation>
    </message>
    <message>
        <source>Added 1 document.</source>
        <translation>1 document ajouté.</translation>
    </message>
    <message numerus="yes">
        <source>Added %n documents.</source>
        <translation>
            <numerusform>%n document ajouté.</numerusform>
            <numerusform>%n documents ajoutés.</numerusform>
        </translation>
    </message>
    <message>
        <source>Opening the document failed unexpectedly.</source>
        <translation>L&apos;ouverture du document a échoué de façon inattendue.</translation>
    </message>
    <message>
        <source>Password-protected PDFs cannot be opened yet: save a copy without the password (qpdf can do it) and add that copy.</source>
        <translation>Les PDF protégés par mot de passe ne peuvent pas encore être ouverts&#xa0;: enregistrez une copie sans mot de passe (qpdf sait le faire) et ajoutez cette copie.</translation>
    </message>
    <message>
        <source>Download it again, or repair it (for example with qpdf) and add it again.</source>
        <translation>Téléchargez-le à nouveau, ou réparez-le (par exemple avec qpdf) et ajoutez-le de nouveau.</translation>
    </message>
    <message>
        <source>Check that the file exists and that you may read it.</source>
        <translation>Vérifiez que le fichier existe et que vous avez le droit de le lire.</translation>
    </message>
    <message>
        <source>Please report this as a bug.</source>
        <translation>Merci de signaler ce problème comme un bogue.</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Ouverture de %1…</translation>
    </message>
    <message>
        <source>%1 — Overtext</source>
        <translation>%1 — Overtext</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Page %1 sur %2</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1&#xa0;%</translation>
    </message>
    <message>
        <source>Fit width (%1)</source>
        <translation>Largeur de la page (%1)</translation>
    </message>
    <message>
        <source>&amp;%1 %2</source>
        <translation>&amp;%1&#xa0;%2</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>Aucun fichier récent</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>&amp;Effacer la liste</translation>
    </message>
    <message>
        <source>Not added: %1 — download the files first, then drop them here.</source>
        <translation>Non ajoutés&#xa0;: %1 — téléchargez d&apos;abord les fichiers, puis déposez-les ici.</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>Espagnol</translation>
    </message>
    <message>
        <source>French</source>
        <translation>Français</translation>
    </message>
    <message>
        <source>German</source>
        <translation>Allemand</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>Italien</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>Portugais</translation>
    </message>
    <message>
        <source>Catalan</source>
        <translation>Catalan</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>Néerlandais</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>Polonais</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>Russe</translation>
    </message>
    <message>
        <source>Ukrainian</source>
        <translation>Ukrainien</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>Chinois</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>Japonais</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>Coréen</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>Arabe</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>Hindi</translation>
    </message>
    <message>
        <source>Turkish</source>
        <translation>Turc</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>Suédois</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Anglais</translation>
    </message>
    <message>
        <source>Batch toolbar</source>
        <translation>Barre d&apos;outils du lot</translation>
    </message>
    <message>
        <source>Target language</source>
        <translation>Langue cible</translation>
    </message>
    <message>
        <source>Translate into</source>
        <translation>Traduire vers</translation>
    </message>
    <message>
        <source>Translation service</source>
        <translation>Service de traduction</translation>
    </message>
    <message>
        <source>Translation service (Apertium works offline, without a key)</source>
        <translation>Service de traduction (Apertium fonctionne hors ligne, sans clé)</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Lot</translation>
    </message>
    <message>
        <source>&amp;Start All</source>
        <translation>&amp;Tout démarrer</translation>
    </message>
    <message>
        <source>Translate every document not yet translated</source>
        <translation>Traduire tous les documents pas encore traduits</translation>
    </message>
    <message>
        <source>Start &amp;Selected</source>
        <translation>Démarrer la &amp;sélection</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>&amp;Cancel Selected</source>
        <translation>&amp;Annuler la sélection</translation>
    </message>
    <message>
        <source>Cancel &amp;All</source>
        <translation>Tout a&amp;nnuler</translation>
    </message>
    <message>
        <source>&amp;Retry Failed (Selected)</source>
        <translation>&amp;Réessayer les échecs (sélection)</translation>
    </message>
    <message>
        <source>Retry All &amp;Failed</source>
        <translation>Réessayer tous les é&amp;checs</translation>
    </message>
    <message>
        <source>Re&amp;move Selected</source>
        <translation>Retirer la sélecti&amp;on</translation>
    </message>
    <message>
        <source>Remove A&amp;ll</source>
        <translation>Tout ret&amp;irer</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exporter…</translation>
    </message>
    <message>
        <source>Show &amp;Translation</source>
        <translation>Afficher la &amp;traduction</translation>
    </message>
    <message>
        <source>Lay the translation over the pages</source>
        <translation>Superposer la traduction aux pages</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>Texte source</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Traduction</translation>
    </message>
    <message>
        <source>&amp;Save Correction</source>
        <translation>&amp;Enregistrer la correction</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next documents started.</source>
        <translation>Paramètres enregistrés&#xa0;; ils s&apos;appliquent aux prochains documents démarrés.</translation>
    </message>
    <message>
        <source>The batch of the last session cannot be resumed: %1</source>
        <translation>Le lot de la dernière session ne peut pas être repris&#xa0;: %1</translation>
    </message>
    <message>
        <source>One document was still translating when Overtext closed.</source>
        <translation>Un document était encore en cours de traduction à la fermeture d&apos;Overtext.</translation>
    </message>
    <message>
        <source>%1 documents were still translating when Overtext closed.</source>
        <translation>%1 documents étaient encore en cours de traduction à la fermeture d&apos;Overtext.</translation>
    </message>
    <message>
        <source>Resume translating?</source>
        <translation>Reprendre la traduction&#xa0;?</translation>
    </message>
    <message>
        <source>Resume now? What was already translated is kept and not sent again.</source>
        <translation>Reprendre maintenant&#xa0;? Ce qui a déjà été traduit est conservé et n&apos;est pas renvoyé.</translation>
    </message>
    <message>
        <source>Resume translating</source>
        <translation>Reprendre la traduction</translation>
    </message>
    <message>
        <source>Paused: requests in flight finish, no new ones start.</source>
        <translation>En pause&#xa0;: les requêtes en cours se terminent, aucune nouvelle ne démarre.</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>Repris.</translation>
    </message>
    <message>
        <source>Page %1, %2</source>
        <translation>Page %1, %2</translation>
    </message>
    <message>
        <source>Correction saved; it is used in the preview, the export and future translations.</source>
        <translation>Correction enregistrée&#xa0;; elle est utilisée dans l&apos;aperçu, l&apos;export et les traductions futures.</translation>
    </message>
    <message>
        <source>Nothing to export yet: translate documents first (Batch ▸ Start All).</source>
        <translation>Rien à exporter pour l&apos;instant&#xa0;: traduisez d&apos;abord des documents (Lot ▸ Tout démarrer).</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>Exportation de %1…</translation>
    </message>
    <message>
        <source>%1 has no summary yet (Summary ▸ Summarize): exported without a cover page.</source>
        <translation>%1 n&apos;a pas encore de résumé (Résumé ▸ Résumer)&#xa0;: exporté sans page de garde.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n document(s).</source>
        <translation>
            <numerusform>%n document exporté.</numerusform>
            <numerusform>%n documents exportés.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported %1, %2 failed: see their rows.</source>
        <translation>%1 exporté(s), %2 en échec&#xa0;: voir leurs lignes.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::PagePreview</name>
    <message>
        <source>Page preview</source>
        <translation>Aperçu de la page</translation>
    </message>
    <message>
        <source>No document</source>
        <translation>Aucun document</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn: %2</source>
        <translation>La page %1 n&apos;a pas pu être dessinée&#xa0;: %2</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>La page %1 n&apos;a pas pu être dessinée.</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Page %1</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SettingsDialog</name>
    <message>
        <source>Apertium (offline, no key)</source>
        <translation>Apertium (hors ligne, sans clé)</translation>
    </message>
    <message>
        <source>OpenAI-compatible (OpenAI, Azure, Ollama, vLLM, llama.cpp …)</source>
        <translation>Compatible OpenAI (OpenAI, Azure, Ollama, vLLM, llama.cpp…)</translation>
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
        <translation>Paramètres — Overtext</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Translation services</source>
        <translation>Services de traduction</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Ajouter</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>Ajouter un service</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>Remove the service</source>
        <translation>Retirer le service</translation>
    </message>
    <message>
        <source>Service type</source>
        <translation>Type de service</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>URL de base</translation>
    </message>
    <message>
        <source>the service&apos;s own (leave empty)</source>
        <translation>celle du service (laisser vide)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clé d&apos;API</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file</source>
        <translation>Conservée dans le trousseau du système, jamais dans un fichier de paramètres</translation>
    </message>
    <message>
        <source>&amp;Forget Key</source>
        <translation>&amp;Oublier la clé</translation>
    </message>
    <message>
        <source>Forget the stored key</source>
        <translation>Oublier la clé enregistrée</translation>
    </message>
    <message>
        <source>Key status</source>
        <translation>État de la clé</translation>
    </message>
    <message>
        <source>Key environment variable</source>
        <translation>Variable d&apos;environnement de la clé</translation>
    </message>
    <message>
        <source>Read when the keychain holds no key or no keychain service runs</source>
        <translation>Lue lorsque le trousseau ne contient pas de clé ou qu&apos;aucun service de trousseau ne fonctionne</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Tester la connexion</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Résultat du test de connexion</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>T&amp;ype&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation>URL de &amp;base&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modèle&#xa0;:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>&amp;Clé d&apos;API&#xa0;:</translation>
    </message>
    <message>
        <source>Key &amp;variable:</source>
        <translation>&amp;Variable de la clé&#xa0;:</translation>
    </message>
    <message>
        <source>Requests at once</source>
        <translation>Requêtes simultanées</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>Requests per minute</source>
        <translation>Requêtes par minute</translation>
    </message>
    <message>
        <source>Tokens per minute</source>
        <translation>Jetons par minute</translation>
    </message>
    <message>
        <source>Glossary file</source>
        <translation>Fichier de glossaire</translation>
    </message>
    <message>
        <source>CSV: source term, target term</source>
        <translation>CSV&#xa0;: terme source, terme cible</translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation>Parco&amp;urir…</translation>
    </message>
    <message>
        <source>Choose the glossary file</source>
        <translation>Choisir le fichier de glossaire</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Glossaire</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Fichiers CSV (*.csv);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Instruction</translation>
    </message>
    <message>
        <source>For example: keep a formal tone; do not translate product names.</source>
        <translation>Par exemple&#xa0;: garder un ton soutenu&#xa0;; ne pas traduire les noms de produits.</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Traduction</translation>
    </message>
    <message>
        <source>Requests at &amp;once:</source>
        <translation>Requêtes &amp;simultanées&#xa0;:</translation>
    </message>
    <message>
        <source>Requests &amp;per minute:</source>
        <translation>Requêtes &amp;par minute&#xa0;:</translation>
    </message>
    <message>
        <source>Tok&amp;ens per minute:</source>
        <translation>J&amp;etons par minute&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Glossary:</source>
        <translation>&amp;Glossaire&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Instruction:</source>
        <translation>&amp;Instruction&#xa0;:</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Langue de l&apos;interface</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Interface</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>A new language applies the next time Overtext starts.</source>
        <translation>Une nouvelle langue s&apos;applique au prochain démarrage d&apos;Overtext.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>type a key to store it in the keychain</source>
        <translation>saisissez une clé pour la stocker dans le trousseau</translation>
    </message>
    <message>
        <source>no key needed</source>
        <translation>aucune clé nécessaire</translation>
    </message>
    <message>
        <source>Asking the keychain…</source>
        <translation>Interrogation du trousseau…</translation>
    </message>
    <message>
        <source>The stored key will be forgotten when you press OK.</source>
        <translation>La clé enregistrée sera oubliée lorsque vous appuierez sur OK.</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation>Une clé est enregistrée dans le trousseau du système.</translation>
    </message>
    <message>
        <source>No key in the keychain: the environment variable %1 is read if it is set.</source>
        <translation>Aucune clé dans le trousseau&#xa0;: la variable d&apos;environnement %1 est lue si elle est définie.</translation>
    </message>
    <message>
        <source>%1. Keys cannot be stored here; the environment variable %2 is read instead.</source>
        <translation>%1. Impossible d&apos;enregistrer des clés ici&#xa0;; la variable d&apos;environnement %2 est lue à la place.</translation>
    </message>
    <message>
        <source>New service</source>
        <translation>Nouveau service</translation>
    </message>
    <message>
        <source>Sending a short test translation…</source>
        <translation>Envoi d&apos;une courte traduction de test…</translation>
    </message>
    <message>
        <source>Connected: “Hello, world.” came back as “%1”.</source>
        <translation>Connecté&#xa0;: «&#xa0;Hello, world.&#xa0;» est revenu sous la forme «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The test failed: %1</source>
        <translation>Le test a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 — %2 Put the key in the environment variable %3 instead.</source>
        <translation>%1 — %2 Placez plutôt la clé dans la variable d&apos;environnement %3.</translation>
    </message>
    <message>
        <source>Proxy for this service</source>
        <translation>Proxy pour ce service</translation>
    </message>
    <message>
        <source>the network setting below (leave empty); direct for none</source>
        <translation>le réglage réseau ci-dessous (laisser vide)&#xa0;; direct pour aucun</translation>
    </message>
    <message>
        <source>the service&apos;s default</source>
        <translation>valeur par défaut du service</translation>
    </message>
    <message>
        <source>Timeout in seconds</source>
        <translation>Délai d&apos;attente en secondes</translation>
    </message>
    <message>
        <source> s</source>
        <translation>&#xa0;s</translation>
    </message>
    <message>
        <source>How long a request may wait for the server&apos;s next byte, the first one included. A local model on a CPU can take minutes before its first word.</source>
        <translation>Durée pendant laquelle une requête peut attendre l&apos;octet suivant du serveur, le premier compris. Un modèle local sur un processeur peut mettre plusieurs minutes avant son premier mot.</translation>
    </message>
    <message>
        <source>Pro&amp;xy:</source>
        <translation>Pro&amp;xy&#xa0;:</translation>
    </message>
    <message>
        <source>Time&amp;out:</source>
        <translation>&amp;Délai d&apos;attente&#xa0;:</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <source>the system&apos;s (leave empty), direct, or http://host:port, socks5h://host:port</source>
        <translation>celui du système (laisser vide), direct, ou http://host:port, socks5h://host:port</translation>
    </message>
    <message>
        <source>No proxy for</source>
        <translation>Pas de proxy pour</translation>
    </message>
    <message>
        <source>the no_proxy variable (leave empty), or localhost, .corp.example, 10.0.0.0/8</source>
        <translation>la variable no_proxy (laisser vide), ou localhost, .corp.example, 10.0.0.0/8</translation>
    </message>
    <message>
        <source>Proxy user</source>
        <translation>Utilisateur du proxy</translation>
    </message>
    <message>
        <source>kept in the system keychain with the password</source>
        <translation>conservé dans le trousseau du système avec le mot de passe</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Mot de passe du proxy</translation>
    </message>
    <message>
        <source>type to store in the keychain (user and password replace the stored ones)</source>
        <translation>saisissez-le pour l&apos;enregistrer dans le trousseau (l&apos;utilisateur et le mot de passe remplacent ceux enregistrés)</translation>
    </message>
    <message>
        <source>Extra CA bundle</source>
        <translation>Fichier CA supplémentaire</translation>
    </message>
    <message>
        <source>PEM file trusted besides the system&apos;s authorities (a TLS-inspecting proxy)</source>
        <translation>fichier PEM approuvé en plus des autorités du système (proxy d&apos;inspection TLS)</translation>
    </message>
    <message>
        <source>Brow&amp;se…</source>
        <translation>Pa&amp;rcourir…</translation>
    </message>
    <message>
        <source>Choose the CA bundle</source>
        <translation>Choisir le fichier CA</translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation>Fichier CA</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>Fichiers PEM (*.pem *.crt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>&amp;Proxy&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;No proxy for:</source>
        <translation>Pas de pro&amp;xy pour&#xa0;:</translation>
    </message>
    <message>
        <source>Proxy &amp;user:</source>
        <translation>&amp;Utilisateur du proxy&#xa0;:</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>Mot de pa&amp;sse du proxy&#xa0;:</translation>
    </message>
    <message>
        <source>Extra &amp;CA bundle:</source>
        <translation>&amp;Fichier CA supplémentaire&#xa0;:</translation>
    </message>
    <message>
        <source>The proxy setting</source>
        <translation>Le réglage du proxy</translation>
    </message>
    <message>
        <source>The extra CA bundle</source>
        <translation>Le fichier CA supplémentaire</translation>
    </message>
    <message>
        <source>Proxy — %1 Put the credentials in the proxy variable instead (http_proxy=http://USER:PASSWORD@host:port).</source>
        <translation>Proxy — %1 Placez plutôt les identifiants dans la variable du proxy (http_proxy=http://USER:PASSWORD@host:port).</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SummaryPanel</name>
    <message>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>Texte du résumé</translation>
    </message>
    <message>
        <source>&amp;Summarize</source>
        <translation>&amp;Résumer</translation>
    </message>
    <message>
        <source>Summarize the selected document in the target language</source>
        <translation>Résumer le document sélectionné dans la langue cible</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>Ré&amp;générer</translation>
    </message>
    <message>
        <source>Write the summary again, ignoring the cached one</source>
        <translation>Réécrire le résumé en ignorant celui du cache</translation>
    </message>
    <message>
        <source>Summarize &amp;Anyway</source>
        <translation>Résumer &amp;quand même</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
    <message>
        <source>Copy the summary as Markdown</source>
        <translation>Copier le résumé au format Markdown</translation>
    </message>
    <message>
        <source>The summary was copied as Markdown.</source>
        <translation>Le résumé a été copié au format Markdown.</translation>
    </message>
    <message>
        <source>Reading the document…</source>
        <translation>Lecture du document…</translation>
    </message>
    <message>
        <source>This document is long: it takes %1 requests (%2 parts, then one to combine them), about %3 input and %4 output tokens. Summarize it anyway?</source>
        <translation>Ce document est long&#xa0;: il faut %1 requêtes (%2 parties, puis une pour les combiner), soit environ %3 jetons en entrée et %4 en sortie. Le résumer quand même&#xa0;?</translation>
    </message>
    <message>
        <source>Summarizing…</source>
        <translation>Résumé en cours…</translation>
    </message>
    <message>
        <source>Combining the summaries of %1 parts…</source>
        <translation>Combinaison des résumés de %1 parties…</translation>
    </message>
    <message>
        <source>Summarizing part %1 of %2…</source>
        <translation>Résumé de la partie %1 sur %2…</translation>
    </message>
    <message>
        <source>From the summary cache (no request).</source>
        <translation>Depuis le cache des résumés (aucune requête).</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n request(s), %1 tokens.</source>
        <translation>
            <numerusform>Terminé&#xa0;: %n requête, %1 jetons.</numerusform>
            <numerusform>Terminé&#xa0;: %n requêtes, %1 jetons.</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary failed unexpectedly.</source>
        <translation>Le résumé a échoué de façon inattendue.</translation>
    </message>
    <message>
        <source>Select a document to see its summary.</source>
        <translation>Sélectionnez un document pour voir son résumé.</translation>
    </message>
    <message>
        <source>No summary yet: press Summarize.</source>
        <translation>Pas encore de résumé&#xa0;: cliquez sur Résumer.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ThumbnailBar</name>
    <message>
        <source>Page %1</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>Vignettes des pages</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>La page %1 n&apos;a pas pu être dessinée.</translation>
    </message>
</context>
</TS>
