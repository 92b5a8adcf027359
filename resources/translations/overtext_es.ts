<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>main</name>
    <message>
        <source>Translate PDF documents, keeping their layout.</source>
        <translation>Traduce documentos PDF conservando su maquetación.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::AboutDialog</name>
    <message>
        <source>Application framework</source>
        <translation>Marco de la aplicación</translation>
    </message>
    <message>
        <source>Reading PDF pages and text</source>
        <translation>Lectura de páginas y texto PDF</translation>
    </message>
    <message>
        <source>Writing the exported PDFs</source>
        <translation>Escritura de los PDF exportados</translation>
    </message>
    <message>
        <source>Coroutines for Qt</source>
        <translation>Corrutinas para Qt</translation>
    </message>
    <message>
        <source>Storing API keys in the system keychain</source>
        <translation>Almacenamiento de claves de API en el llavero del sistema</translation>
    </message>
    <message>
        <source>Translation and summary caches</source>
        <translation>Cachés de traducciones y resúmenes</translation>
    </message>
    <message>
        <source>Offline machine translation</source>
        <translation>Traducción automática sin conexión</translation>
    </message>
    <message>
        <source>Fonts for the translated text</source>
        <translation>Tipos de letra para el texto traducido</translation>
    </message>
    <message>
        <source>About Overtext</source>
        <translation>Acerca de Overtext</translation>
    </message>
    <message>
        <source>Translates PDF documents in batches and keeps their layout: the translation is painted where the original text was.</source>
        <translation>Traduce documentos PDF por lotes y conserva su maquetación: la traducción se dibuja donde estaba el texto original.</translation>
    </message>
    <message>
        <source>Running on Qt %1.</source>
        <translation>Se ejecuta con Qt %1.</translation>
    </message>
    <message>
        <source>Libraries and fonts</source>
        <translation>Bibliotecas y tipos de letra</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Componente</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Uso</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licencia</translation>
    </message>
    <message>
        <source>The licence texts are installed with each package in /usr/share/doc.</source>
        <translation>Los textos de las licencias se instalan con cada paquete en /usr/share/doc.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::CommandLine</name>
    <message>
        <source>PDF files or folders to open.</source>
        <translation>Archivos PDF o carpetas que abrir.</translation>
    </message>
    <message>
        <source>Translate into LANG (a code such as es, de, zh).</source>
        <translation>Traducir al idioma LANG (un código como es, de, zh).</translation>
    </message>
    <message>
        <source>Translation service: %1.</source>
        <translation>Servicio de traducción: %1.</translation>
    </message>
    <message>
        <source>The service&apos;s address (OpenAI-compatible servers).</source>
        <translation>La dirección del servicio (servidores compatibles con OpenAI).</translation>
    </message>
    <message>
        <source>The model to ask.</source>
        <translation>El modelo al que preguntar.</translation>
    </message>
    <message>
        <source>Read the API key from the environment variable VAR (never from the command line).</source>
        <translation>Leer la clave de API de la variable de entorno VAR (nunca de la línea de órdenes).</translation>
    </message>
    <message>
        <source>Start translating the documents at once.</source>
        <translation>Empezar a traducir los documentos de inmediato.</translation>
    </message>
    <message>
        <source>Unknown provider &apos;%1&apos; (choose one of: %2).</source>
        <translation>Proveedor desconocido «%1» (elija uno de: %2).</translation>
    </message>
    <message>
        <source>--to needs a language code such as es.</source>
        <translation>--to necesita un código de idioma, como es.</translation>
    </message>
    <message>
        <source>Connect through this proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), or &apos;direct&apos; for none, instead of the one in Settings or the system&apos;s.</source>
        <translation>Conectar a través de este proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), o «direct» para no usar ninguno, en lugar del de la Configuración o el del sistema.</translation>
    </message>
    <message>
        <source>Also trust the certificate authorities in this PEM file (a company&apos;s TLS-inspecting proxy).</source>
        <translation>Confiar también en las autoridades de certificación de este archivo PEM (para el proxy de inspección TLS de una empresa).</translation>
    </message>
    <message>
        <source>Give up a request after the server sent nothing for SECONDS (slow local models need more).</source>
        <translation>Abandonar una solicitud si el servidor no envía nada durante SECONDS segundos (los modelos locales lentos necesitan más).</translation>
    </message>
    <message>
        <source>--timeout must be a whole number of seconds from 1 to 86400.</source>
        <translation>--timeout debe ser un número entero de segundos entre 1 y 86400.</translation>
    </message>
    <message>
        <source>--timeout SECONDS (or the service&apos;s Timeout in Settings)</source>
        <translation>--timeout SECONDS (o el tiempo de espera del servicio en la Configuración)</translation>
    </message>
</context>
<context>
    <name>overtext::ui::DocumentListModel</name>
    <message>
        <source>Opening…</source>
        <translation>Abriendo…</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 página</translation>
    </message>
    <message numerus="yes">
        <source>%n pages</source>
        <translation>
            <numerusform>%n página</numerusform>
            <numerusform>%n páginas</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <source>Translating</source>
        <translation>Traduciendo</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminado</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>%1/%2 segments</source>
        <translation>%1/%2 segmentos</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 con error</translation>
    </message>
    <message>
        <source>%1k tokens</source>
        <translation>%1k tokens</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 tokens</translation>
    </message>
    <message>
        <source>ETA %1 s</source>
        <translation>quedan %1 s</translation>
    </message>
    <message>
        <source>ETA %1 min</source>
        <translation>quedan %1 min</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ExportDialog</name>
    <message>
        <source>Export Translations</source>
        <translation>Exportar traducciones</translation>
    </message>
    <message>
        <source>Translation only</source>
        <translation>Solo la traducción</translation>
    </message>
    <message>
        <source>Bilingual, side by side</source>
        <translation>Bilingüe, lado a lado</translation>
    </message>
    <message>
        <source>Bilingual, alternating pages</source>
        <translation>Bilingüe, páginas alternas</translation>
    </message>
    <message>
        <source>Beside each original</source>
        <translation>Junto a cada original</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>Carpeta de exportación</translation>
    </message>
    <message>
        <source>Summary &amp;cover page (the document&apos;s summary from the Summary panel first)</source>
        <translation>&amp;Portada con el resumen (primero el resumen del documento del panel Resumen)</translation>
    </message>
    <message>
        <source>&amp;Layout:</source>
        <translation>&amp;Diseño:</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Carpeta:</translation>
    </message>
    <message numerus="yes">
        <source>Export %n Document(s)</source>
        <translation>
            <numerusform>Exportar %n documento</numerusform>
            <numerusform>Exportar %n documentos</numerusform>
        </translation>
    </message>
    <message>
        <source>Each finished document is written as NAME.LANGUAGE.pdf.</source>
        <translation>Cada documento terminado se guarda como NOMBRE.IDIOMA.pdf.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::MainWindow</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 y %n más</numerusform>
            <numerusform>%1 y %n más</numerusform>
        </translation>
    </message>
    <message>
        <source>Overtext</source>
        <translation>Overtext</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documentos</translation>
    </message>
    <message>
        <source>Drop PDF files or folders here, or choose File ▸ Open.</source>
        <translation>Suelte aquí archivos PDF o carpetas, o elija Archivo ▸ Abrir.</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Página</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>%1 could not be translated: %2</source>
        <translation>No se pudo traducir %1: %2</translation>
    </message>
    <message>
        <source>%1: cancelled.</source>
        <translation>%1: cancelado.</translation>
    </message>
    <message>
        <source>%1: %2 of %3 segments translated, %4 failed (Batch ▸ Retry Failed).</source>
        <translation>%1: %2 de %3 segmentos traducidos, %4 con error (Lote ▸ Reintentar fallidos).</translation>
    </message>
    <message>
        <source>%1: all %2 segments translated.</source>
        <translation>%1: los %2 segmentos están traducidos.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Abrir…</translation>
    </message>
    <message>
        <source>Add PDF files to the list</source>
        <translation>Añadir archivos PDF a la lista</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Abrir &amp;recientes</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Configuración…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>A&amp;cercar</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>A&amp;lejar</translation>
    </message>
    <message>
        <source>Fit &amp;Width</source>
        <translation>Ajustar al &amp;ancho</translation>
    </message>
    <message>
        <source>&amp;Previous Page</source>
        <translation>Página a&amp;nterior</translation>
    </message>
    <message>
        <source>&amp;Next Page</source>
        <translation>Página &amp;siguiente</translation>
    </message>
    <message>
        <source>&amp;Side by Side</source>
        <translation>Lado a la&amp;do</translation>
    </message>
    <message>
        <source>Show each page beside its translation; both scroll together</source>
        <translation>Muestra cada página junto a su traducción; ambas se desplazan a la vez</translation>
    </message>
    <message>
        <source>Page &amp;Thumbnails</source>
        <translation>&amp;Miniaturas de página</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Barra de herramientas principal</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Lote</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>&amp;About Overtext</source>
        <translation>&amp;Acerca de Overtext</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Acerca de &amp;Qt</translation>
    </message>
    <message>
        <source>Open PDF Files</source>
        <translation>Abrir archivos PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf *.PDF);;All files (*)</source>
        <translation>Archivos PDF (*.pdf *.PDF);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>The files could not be listed: %1</source>
        <translation>No se pudieron enumerar los archivos: %1</translation>
    </message>
    <message>
        <source>The files could not be listed.</source>
        <translation>No se pudieron enumerar los archivos.</translation>
    </message>
    <message>
        <source>Not added: %1 — only PDF files can be opened.</source>
        <translation>No añadidos: %1 — solo se pueden abrir archivos PDF.</translation>
    </message>
    <message>
        <source>Not found: %1 — check the path.</source>
        <translation>No encontrado: %1 — compruebe la ruta.</translation>
    </message>
    <message>
        <source>No PDF files in %1.</source>
        <translation>No hay archivos PDF en %1.</translation>
    </message>
    <message>
        <source>Added 1 document.</source>
        <translation>Se añadió 1 documento.</translation>
    </message>
    <message numerus="yes">
        <source>Added %n documents.</source>
        <translation>
            <numerusform>Se añadió %n documento.</numerusform>
            <numerusform>Se añadieron %n documentos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Opening the document failed unexpectedly.</source>
        <translation>La apertura del documento falló de forma inesperada.</translation>
    </message>
    <message>
        <source>Password-protected PDFs cannot be opened yet: save a copy without the password (qpdf can do it) and add that copy.</source>
        <translation>Todavía no se pueden abrir PDF protegidos con contraseña: guarde una copia sin la contraseña (qpdf puede hacerlo) y añada esa copia.</translation>
    </message>
    <message>
        <source>Download it again, or repair it (for example with qpdf) and add it again.</source>
        <translation>Descárguelo de nuevo, o repárelo (por ejemplo con qpdf) y vuelva a añadirlo.</translation>
    </message>
    <message>
        <source>Check that the file exists and that you may read it.</source>
        <translation>Compruebe que el archivo existe y que tiene permiso para leerlo.</translation>
    </message>
    <message>
        <source>Please report this as a bug.</source>
        <translation>Por favor, informe de esto como un error.</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Abriendo %1…</translation>
    </message>
    <message>
        <source>%1 — Overtext</source>
        <translation>%1 — Overtext</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Página %1 de %2</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Fit width (%1)</source>
        <translation>Ajustado al ancho (%1)</translation>
    </message>
    <message>
        <source>&amp;%1 %2</source>
        <translation>&amp;%1 %2</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>No hay archivos recientes</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>&amp;Vaciar la lista</translation>
    </message>
    <message>
        <source>Not added: %1 — download the files first, then drop them here.</source>
        <translation>No añadidos: %1 — descargue primero los archivos y luego suéltelos aquí.</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>Español</translation>
    </message>
    <message>
        <source>French</source>
        <translation>Francés</translation>
    </message>
    <message>
        <source>German</source>
        <translation>Alemán</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>Italiano</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>Portugués</translation>
    </message>
    <message>
        <source>Catalan</source>
        <translation>Catalán</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>Neerlandés</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>Polaco</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>Ruso</translation>
    </message>
    <message>
        <source>Ukrainian</source>
        <translation>Ucraniano</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>Chino</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>Japonés</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>Coreano</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>Árabe</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>Hindi</translation>
    </message>
    <message>
        <source>Turkish</source>
        <translation>Turco</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>Sueco</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Inglés</translation>
    </message>
    <message>
        <source>Batch toolbar</source>
        <translation>Barra de herramientas de lote</translation>
    </message>
    <message>
        <source>Target language</source>
        <translation>Idioma de destino</translation>
    </message>
    <message>
        <source>Translate into</source>
        <translation>Traducir al</translation>
    </message>
    <message>
        <source>Translation service</source>
        <translation>Servicio de traducción</translation>
    </message>
    <message>
        <source>Translation service (Apertium works offline, without a key)</source>
        <translation>Servicio de traducción (Apertium funciona sin conexión y sin clave)</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Lote</translation>
    </message>
    <message>
        <source>&amp;Start All</source>
        <translation>Iniciar &amp;todo</translation>
    </message>
    <message>
        <source>Translate every document not yet translated</source>
        <translation>Traduce todos los documentos aún no traducidos</translation>
    </message>
    <message>
        <source>Start &amp;Selected</source>
        <translation>Iniciar el &amp;seleccionado</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausa</translation>
    </message>
    <message>
        <source>&amp;Cancel Selected</source>
        <translation>&amp;Cancelar el seleccionado</translation>
    </message>
    <message>
        <source>Cancel &amp;All</source>
        <translation>Cancelar t&amp;odo</translation>
    </message>
    <message>
        <source>&amp;Retry Failed (Selected)</source>
        <translation>&amp;Reintentar fallidos (seleccionado)</translation>
    </message>
    <message>
        <source>Retry All &amp;Failed</source>
        <translation>Reintentar todos los &amp;fallidos</translation>
    </message>
    <message>
        <source>Re&amp;move Selected</source>
        <translation>&amp;Quitar el seleccionado</translation>
    </message>
    <message>
        <source>Remove A&amp;ll</source>
        <translation>Quitar to&amp;dos</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportar…</translation>
    </message>
    <message>
        <source>Show &amp;Translation</source>
        <translation>Mostrar &amp;traducción</translation>
    </message>
    <message>
        <source>Lay the translation over the pages</source>
        <translation>Superpone la traducción a las páginas</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segmento</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>Texto original</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Traducción</translation>
    </message>
    <message>
        <source>&amp;Save Correction</source>
        <translation>&amp;Guardar corrección</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next documents started.</source>
        <translation>Configuración guardada; se aplica a los próximos documentos que se inicien.</translation>
    </message>
    <message>
        <source>The batch of the last session cannot be resumed: %1</source>
        <translation>No se puede reanudar el lote de la última sesión: %1</translation>
    </message>
    <message>
        <source>One document was still translating when Overtext closed.</source>
        <translation>Un documento aún se estaba traduciendo cuando se cerró Overtext.</translation>
    </message>
    <message>
        <source>%1 documents were still translating when Overtext closed.</source>
        <translation>%1 documentos aún se estaban traduciendo cuando se cerró Overtext.</translation>
    </message>
    <message>
        <source>Resume translating?</source>
        <translation>¿Reanudar la traducción?</translation>
    </message>
    <message>
        <source>Resume now? What was already translated is kept and not sent again.</source>
        <translation>¿Reanudar ahora? Lo ya traducido se conserva y no se vuelve a enviar.</translation>
    </message>
    <message>
        <source>Resume translating</source>
        <translation>Reanudar la traducción</translation>
    </message>
    <message>
        <source>Paused: requests in flight finish, no new ones start.</source>
        <translation>En pausa: las solicitudes en curso terminan y no se inician otras nuevas.</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>Reanudado.</translation>
    </message>
    <message>
        <source>Page %1, %2</source>
        <translation>Página %1, %2</translation>
    </message>
    <message>
        <source>Correction saved; it is used in the preview, the export and future translations.</source>
        <translation>Corrección guardada; se usa en la vista previa, la exportación y las traducciones futuras.</translation>
    </message>
    <message>
        <source>Nothing to export yet: translate documents first (Batch ▸ Start All).</source>
        <translation>Aún no hay nada que exportar: traduzca primero los documentos (Lote ▸ Iniciar todo).</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>Exportando %1…</translation>
    </message>
    <message>
        <source>%1 has no summary yet (Summary ▸ Summarize): exported without a cover page.</source>
        <translation>%1 aún no tiene resumen (Resumen ▸ Resumir): se exportó sin portada.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n document(s).</source>
        <translation>
            <numerusform>Se exportó %n documento.</numerusform>
            <numerusform>Se exportaron %n documentos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported %1, %2 failed: see their rows.</source>
        <translation>Exportados: %1; con error: %2 (vea sus filas).</translation>
    </message>
</context>
<context>
    <name>overtext::ui::PagePreview</name>
    <message>
        <source>Page preview</source>
        <translation>Vista previa de la página</translation>
    </message>
    <message>
        <source>No document</source>
        <translation>Ningún documento</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn: %2</source>
        <translation>No se pudo dibujar la página %1: %2</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>No se pudo dibujar la página %1.</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Página %1</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SettingsDialog</name>
    <message>
        <source>Apertium (offline, no key)</source>
        <translation>Apertium (sin conexión, sin clave)</translation>
    </message>
    <message>
        <source>OpenAI-compatible (OpenAI, Azure, Ollama, vLLM, llama.cpp …)</source>
        <translation>Compatible con OpenAI (OpenAI, Azure, Ollama, vLLM, llama.cpp…)</translation>
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
        <translation>Configuración — Overtext</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Translation services</source>
        <translation>Servicios de traducción</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Añadir</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>Añadir un servicio</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Quitar</translation>
    </message>
    <message>
        <source>Remove the service</source>
        <translation>Quitar el servicio</translation>
    </message>
    <message>
        <source>Service type</source>
        <translation>Tipo de servicio</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>URL base</translation>
    </message>
    <message>
        <source>the service&apos;s own (leave empty)</source>
        <translation>la del propio servicio (dejar vacío)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clave de API</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file</source>
        <translation>Se guarda en el llavero del sistema, nunca en un archivo de configuración</translation>
    </message>
    <message>
        <source>&amp;Forget Key</source>
        <translation>&amp;Olvidar clave</translation>
    </message>
    <message>
        <source>Forget the stored key</source>
        <translation>Olvidar la clave guardada</translation>
    </message>
    <message>
        <source>Key status</source>
        <translation>Estado de la clave</translation>
    </message>
    <message>
        <source>Key environment variable</source>
        <translation>Variable de entorno de la clave</translation>
    </message>
    <message>
        <source>Read when the keychain holds no key or no keychain service runs</source>
        <translation>Se lee cuando el llavero no contiene la clave o no hay servicio de llavero</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>P&amp;robar la conexión</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Probar la conexión</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Resultado de la prueba de conexión</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>&amp;Tipo:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation>URL &amp;base:</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modelo:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>&amp;Clave de API:</translation>
    </message>
    <message>
        <source>Key &amp;variable:</source>
        <translation>&amp;Variable de la clave:</translation>
    </message>
    <message>
        <source>Requests at once</source>
        <translation>Solicitudes simultáneas</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sin límite</translation>
    </message>
    <message>
        <source>Requests per minute</source>
        <translation>Solicitudes por minuto</translation>
    </message>
    <message>
        <source>Tokens per minute</source>
        <translation>Tokens por minuto</translation>
    </message>
    <message>
        <source>Glossary file</source>
        <translation>Archivo de glosario</translation>
    </message>
    <message>
        <source>CSV: source term, target term</source>
        <translation>CSV: término de origen, término de destino</translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation>E&amp;xaminar…</translation>
    </message>
    <message>
        <source>Choose the glossary file</source>
        <translation>Elegir el archivo de glosario</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Glosario</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Archivos CSV (*.csv);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Instrucción</translation>
    </message>
    <message>
        <source>For example: keep a formal tone; do not translate product names.</source>
        <translation>Por ejemplo: mantén un tono formal; no traduzcas los nombres de productos.</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Traducción</translation>
    </message>
    <message>
        <source>Requests at &amp;once:</source>
        <translation>&amp;Solicitudes simultáneas:</translation>
    </message>
    <message>
        <source>Requests &amp;per minute:</source>
        <translation>Solicitudes &amp;por minuto:</translation>
    </message>
    <message>
        <source>Tok&amp;ens per minute:</source>
        <translation>Tok&amp;ens por minuto:</translation>
    </message>
    <message>
        <source>&amp;Glossary:</source>
        <translation>&amp;Glosario:</translation>
    </message>
    <message>
        <source>&amp;Instruction:</source>
        <translation>&amp;Instrucción:</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Idioma de la interfaz</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Predeterminado del sistema</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Interfaz</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>I&amp;dioma:</translation>
    </message>
    <message>
        <source>A new language applies the next time Overtext starts.</source>
        <translation>El nuevo idioma se aplica la próxima vez que se inicie Overtext.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>type a key to store it in the keychain</source>
        <translation>escriba una clave para guardarla en el llavero</translation>
    </message>
    <message>
        <source>no key needed</source>
        <translation>no necesita clave</translation>
    </message>
    <message>
        <source>Asking the keychain…</source>
        <translation>Consultando el llavero…</translation>
    </message>
    <message>
        <source>The stored key will be forgotten when you press OK.</source>
        <translation>La clave guardada se olvidará cuando pulse Aceptar.</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation>Hay una clave guardada en el llavero del sistema.</translation>
    </message>
    <message>
        <source>No key in the keychain: the environment variable %1 is read if it is set.</source>
        <translation>No hay clave en el llavero: se lee la variable de entorno %1 si está definida.</translation>
    </message>
    <message>
        <source>%1. Keys cannot be stored here; the environment variable %2 is read instead.</source>
        <translation>%1. Aquí no se pueden guardar claves; en su lugar se lee la variable de entorno %2.</translation>
    </message>
    <message>
        <source>New service</source>
        <translation>Servicio nuevo</translation>
    </message>
    <message>
        <source>Sending a short test translation…</source>
        <translation>Enviando una breve traducción de prueba…</translation>
    </message>
    <message>
        <source>Connected: “Hello, world.” came back as “%1”.</source>
        <translation>Conectado: «Hello, world.» volvió como «%1».</translation>
    </message>
    <message>
        <source>The test failed: %1</source>
        <translation>La prueba falló: %1</translation>
    </message>
    <message>
        <source>%1 — %2 Put the key in the environment variable %3 instead.</source>
        <translation>%1 — %2 Ponga la clave en la variable de entorno %3 en su lugar.</translation>
    </message>
    <message>
        <source>Proxy for this service</source>
        <translation>Proxy para este servicio</translation>
    </message>
    <message>
        <source>the network setting below (leave empty); direct for none</source>
        <translation>la configuración de red de abajo (dejar vacío); direct para ninguno</translation>
    </message>
    <message>
        <source>the service&apos;s default</source>
        <translation>el predeterminado del servicio</translation>
    </message>
    <message>
        <source>Timeout in seconds</source>
        <translation>Tiempo de espera en segundos</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long a request may wait for the server&apos;s next byte, the first one included. A local model on a CPU can take minutes before its first word.</source>
        <translation>Cuánto puede esperar una solicitud el siguiente byte del servidor, incluido el primero. Un modelo local en una CPU puede tardar minutos en dar su primera palabra.</translation>
    </message>
    <message>
        <source>Pro&amp;xy:</source>
        <translation>Prox&amp;y:</translation>
    </message>
    <message>
        <source>Time&amp;out:</source>
        <translation>Tiempo de &amp;espera:</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <source>the system&apos;s (leave empty), direct, or http://host:port, socks5h://host:port</source>
        <translation>el del sistema (dejar vacío), direct, o http://host:port, socks5h://host:port</translation>
    </message>
    <message>
        <source>No proxy for</source>
        <translation>Sin proxy para</translation>
    </message>
    <message>
        <source>the no_proxy variable (leave empty), or localhost, .corp.example, 10.0.0.0/8</source>
        <translation>la variable no_proxy (dejar vacío), o localhost, .corp.example, 10.0.0.0/8</translation>
    </message>
    <message>
        <source>Proxy user</source>
        <translation>Usuario del proxy</translation>
    </message>
    <message>
        <source>kept in the system keychain with the password</source>
        <translation>se guarda en el llavero del sistema junto con la contraseña</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Contraseña del proxy</translation>
    </message>
    <message>
        <source>type to store in the keychain (user and password replace the stored ones)</source>
        <translation>escriba para guardarla en el llavero (el usuario y la contraseña sustituyen a los guardados)</translation>
    </message>
    <message>
        <source>Extra CA bundle</source>
        <translation>Paquete de CA adicional</translation>
    </message>
    <message>
        <source>PEM file trusted besides the system&apos;s authorities (a TLS-inspecting proxy)</source>
        <translation>archivo PEM en el que se confía además de las autoridades del sistema (un proxy de inspección TLS)</translation>
    </message>
    <message>
        <source>Brow&amp;se…</source>
        <translation>Exa&amp;minar…</translation>
    </message>
    <message>
        <source>Choose the CA bundle</source>
        <translation>Elegir el paquete de CA</translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation>Paquete de CA</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>Archivos PEM (*.pem *.crt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>&amp;Proxy:</translation>
    </message>
    <message>
        <source>&amp;No proxy for:</source>
        <translation>Si&amp;n proxy para:</translation>
    </message>
    <message>
        <source>Proxy &amp;user:</source>
        <translation>&amp;Usuario del proxy:</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>Con&amp;traseña del proxy:</translation>
    </message>
    <message>
        <source>Extra &amp;CA bundle:</source>
        <translation>Paquete de &amp;CA adicional:</translation>
    </message>
    <message>
        <source>The proxy setting</source>
        <translation>La configuración del proxy</translation>
    </message>
    <message>
        <source>The extra CA bundle</source>
        <translation>El paquete de CA adicional</translation>
    </message>
    <message>
        <source>Proxy — %1 Put the credentials in the proxy variable instead (http_proxy=http://USER:PASSWORD@host:port).</source>
        <translation>Proxy — %1 Ponga las credenciales en la variable del proxy en su lugar (http_proxy=http://USER:PASSWORD@host:port).</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SummaryPanel</name>
    <message>
        <source>Summary</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>Texto del resumen</translation>
    </message>
    <message>
        <source>&amp;Summarize</source>
        <translation>&amp;Resumir</translation>
    </message>
    <message>
        <source>Summarize the selected document in the target language</source>
        <translation>Resume el documento seleccionado en el idioma de destino</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>Re&amp;generar</translation>
    </message>
    <message>
        <source>Write the summary again, ignoring the cached one</source>
        <translation>Vuelve a escribir el resumen sin usar el de la caché</translation>
    </message>
    <message>
        <source>Summarize &amp;Anyway</source>
        <translation>Resumir de &amp;todos modos</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copiar</translation>
    </message>
    <message>
        <source>Copy the summary as Markdown</source>
        <translation>Copia el resumen como Markdown</translation>
    </message>
    <message>
        <source>The summary was copied as Markdown.</source>
        <translation>El resumen se copió como Markdown.</translation>
    </message>
    <message>
        <source>Reading the document…</source>
        <translation>Leyendo el documento…</translation>
    </message>
    <message>
        <source>This document is long: it takes %1 requests (%2 parts, then one to combine them), about %3 input and %4 output tokens. Summarize it anyway?</source>
        <translation>Este documento es largo: requiere %1 solicitudes (%2 partes y luego una para combinarlas), unos %3 tokens de entrada y %4 de salida. ¿Resumirlo de todos modos?</translation>
    </message>
    <message>
        <source>Summarizing…</source>
        <translation>Resumiendo…</translation>
    </message>
    <message>
        <source>Combining the summaries of %1 parts…</source>
        <translation>Combinando los resúmenes de %1 partes…</translation>
    </message>
    <message>
        <source>Summarizing part %1 of %2…</source>
        <translation>Resumiendo la parte %1 de %2…</translation>
    </message>
    <message>
        <source>From the summary cache (no request).</source>
        <translation>De la caché de resúmenes (sin solicitudes).</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n request(s), %1 tokens.</source>
        <translation>
            <numerusform>Terminado: %n solicitud, %1 tokens.</numerusform>
            <numerusform>Terminado: %n solicitudes, %1 tokens.</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary failed unexpectedly.</source>
        <translation>El resumen falló de forma inesperada.</translation>
    </message>
    <message>
        <source>Select a document to see its summary.</source>
        <translation>Seleccione un documento para ver su resumen.</translation>
    </message>
    <message>
        <source>No summary yet: press Summarize.</source>
        <translation>Aún no hay resumen: pulse Resumir.</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ThumbnailBar</name>
    <message>
        <source>Page %1</source>
        <translation>Página %1</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>Miniaturas de página</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>No se pudo dibujar la página %1.</translation>
    </message>
</context>
</TS>
