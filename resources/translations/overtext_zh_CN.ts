<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <source>Translate PDF documents, keeping their layout.</source>
        <translation>翻译 PDF 文档，并保留其版式。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::AboutDialog</name>
    <message>
        <source>Application framework</source>
        <translation>应用程序框架</translation>
    </message>
    <message>
        <source>Reading PDF pages and text</source>
        <translation>读取 PDF 页面和文本</translation>
    </message>
    <message>
        <source>Writing the exported PDFs</source>
        <translation>写入导出的 PDF</translation>
    </message>
    <message>
        <source>Coroutines for Qt</source>
        <translation>Qt 协程</translation>
    </message>
    <message>
        <source>Storing API keys in the system keychain</source>
        <translation>将 API 密钥保存在系统密钥环中</translation>
    </message>
    <message>
        <source>Translation and summary caches</source>
        <translation>翻译和摘要缓存</translation>
    </message>
    <message>
        <source>Offline machine translation</source>
        <translation>离线机器翻译</translation>
    </message>
    <message>
        <source>Fonts for the translated text</source>
        <translation>译文所用字体</translation>
    </message>
    <message>
        <source>About Overtext</source>
        <translation>关于 Overtext</translation>
    </message>
    <message>
        <source>Translates PDF documents in batches and keeps their layout: the translation is painted where the original text was.</source>
        <translation>批量翻译 PDF 文档并保留其版式：译文绘制在原文所在的位置。</translation>
    </message>
    <message>
        <source>Running on Qt %1.</source>
        <translation>运行于 Qt %1。</translation>
    </message>
    <message>
        <source>Libraries and fonts</source>
        <translation>库和字体</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>The licence texts are installed with each package in /usr/share/doc.</source>
        <translation>许可证全文随各软件包安装在 /usr/share/doc 中。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::CommandLine</name>
    <message>
        <source>PDF files or folders to open.</source>
        <translation>要打开的 PDF 文件或文件夹。</translation>
    </message>
    <message>
        <source>Translate into LANG (a code such as es, de, zh).</source>
        <translation>翻译为语言 LANG（如 es、de、zh 等代码）。</translation>
    </message>
    <message>
        <source>Translation service: %1.</source>
        <translation>翻译服务：%1。</translation>
    </message>
    <message>
        <source>The service&apos;s address (OpenAI-compatible servers).</source>
        <translation>服务地址（兼容 OpenAI 的服务器）。</translation>
    </message>
    <message>
        <source>The model to ask.</source>
        <translation>要使用的模型。</translation>
    </message>
    <message>
        <source>Read the API key from the environment variable VAR (never from the command line).</source>
        <translation>从环境变量 VAR 读取 API 密钥（绝不从命令行读取）。</translation>
    </message>
    <message>
        <source>Start translating the documents at once.</source>
        <translation>立即开始翻译文档。</translation>
    </message>
    <message>
        <source>Unknown provider &apos;%1&apos; (choose one of: %2).</source>
        <translation>未知的服务提供方“%1”（请从以下选项中选择：%2）。</translation>
    </message>
    <message>
        <source>--to needs a language code such as es.</source>
        <translation>--to 需要一个语言代码，例如 es。</translation>
    </message>
    <message>
        <source>Connect through this proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), or &apos;direct&apos; for none, instead of the one in Settings or the system&apos;s.</source>
        <translation>通过此代理连接（http://[USER:PASSWORD@]HOST:PORT、socks5://、socks5h://），或指定“direct”表示不使用代理；优先于设置中或系统的代理。</translation>
    </message>
    <message>
        <source>Also trust the certificate authorities in this PEM file (a company&apos;s TLS-inspecting proxy).</source>
        <translation>同时信任此 PEM 文件中的证书颁发机构（用于公司的 TLS 检查代理）。</translation>
    </message>
    <message>
        <source>Give up a request after the server sent nothing for SECONDS (slow local models need more).</source>
        <translation>如果服务器连续 SECONDS 秒未发送任何内容，则放弃请求（较慢的本地模型需要更长时间）。</translation>
    </message>
    <message>
        <source>--timeout must be a whole number of seconds from 1 to 86400.</source>
        <translation>--timeout 必须是 1 到 86400 之间的整数秒数。</translation>
    </message>
    <message>
        <source>--timeout SECONDS (or the service&apos;s Timeout in Settings)</source>
        <translation>--timeout SECONDS（或设置中该服务的超时）</translation>
    </message>
</context>
<context>
    <name>overtext::ui::DocumentListModel</name>
    <message>
        <source>Opening…</source>
        <translation>正在打开…</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 页</translation>
    </message>
    <message numerus="yes">
        <source>%n pages</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Translating</source>
        <translation>翻译中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>%1/%2 segments</source>
        <translation>%1/%2 个片段</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 个失败</translation>
    </message>
    <message>
        <source>%1k tokens</source>
        <translation>%1k 个令牌</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 个令牌</translation>
    </message>
    <message>
        <source>ETA %1 s</source>
        <translation>预计剩余 %1 秒</translation>
    </message>
    <message>
        <source>ETA %1 min</source>
        <translation>预计剩余 %1 分钟</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ExportDialog</name>
    <message>
        <source>Export Translations</source>
        <translation>导出译文</translation>
    </message>
    <message>
        <source>Translation only</source>
        <translation>仅译文</translation>
    </message>
    <message>
        <source>Bilingual, side by side</source>
        <translation>双语，左右并排</translation>
    </message>
    <message>
        <source>Bilingual, alternating pages</source>
        <translation>双语，页面交替</translation>
    </message>
    <message>
        <source>Beside each original</source>
        <translation>与各原文件相同的位置</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>导出文件夹</translation>
    </message>
    <message>
        <source>Summary &amp;cover page (the document&apos;s summary from the Summary panel first)</source>
        <translation>摘要封面页(&amp;C)（先放“摘要”面板中的文档摘要）</translation>
    </message>
    <message>
        <source>&amp;Layout:</source>
        <translation>布局(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>文件夹(&amp;F)：</translation>
    </message>
    <message numerus="yes">
        <source>Export %n Document(s)</source>
        <translation>
            <numerusform>导出 %n 个文档</numerusform>
        </translation>
    </message>
    <message>
        <source>Each finished document is written as NAME.LANGUAGE.pdf.</source>
        <translation>每个已完成的文档都保存为“名称.语言.pdf”。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::MainWindow</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 以及另外 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>Overtext</source>
        <translation>Overtext</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Drop PDF files or folders here, or choose File ▸ Open.</source>
        <translation>将 PDF 文件或文件夹拖放到此处，或选择“文件 ▸ 打开”。</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>%1 could not be translated: %2</source>
        <translation>无法翻译 %1：%2</translation>
    </message>
    <message>
        <source>%1: cancelled.</source>
        <translation>%1：已取消。</translation>
    </message>
    <message>
        <source>%1: %2 of %3 segments translated, %4 failed (Batch ▸ Retry Failed).</source>
        <translation>%1：已翻译 %3 个片段中的 %2 个，%4 个失败（批处理 ▸ 重试失败项）。</translation>
    </message>
    <message>
        <source>%1: all %2 segments translated.</source>
        <translation>%1：全部 %2 个片段已翻译。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Add PDF files to the list</source>
        <translation>将 PDF 文件添加到列表</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>设置(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Fit &amp;Width</source>
        <translation>适合宽度(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Previous Page</source>
        <translation>上一页(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next Page</source>
        <translation>下一页(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Side by Side</source>
        <translation>并排显示(&amp;S)</translation>
    </message>
    <message>
        <source>Show each page beside its translation; both scroll together</source>
        <translation>将每一页与其译文并排显示，两者同步滚动</translation>
    </message>
    <message>
        <source>Page &amp;Thumbnails</source>
        <translation>页面缩略图(&amp;T)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主要</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批处理</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Overtext</source>
        <translation>关于 Overtext(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Open PDF Files</source>
        <translation>打开 PDF 文件</translation>
    </message>
    <message>
        <source>PDF files (*.pdf *.PDF);;All files (*)</source>
        <translation>PDF 文件 (*.pdf *.PDF);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The files could not be listed: %1</source>
        <translation>无法列出文件：%1</translation>
    </message>
    <message>
        <source>The files could not be listed.</source>
        <translation>无法列出文件。</translation>
    </message>
    <message>
        <source>Not added: %1 — only PDF files can be opened.</source>
        <translation>未添加：%1 — 只能打开 PDF 文件。</translation>
    </message>
    <message>
        <source>Not found: %1 — check the path.</source>
        <translation>未找到：%1 — 请检查路径。</translation>
    </message>
    <message>
        <source>No PDF files in %1.</source>
        <translation>%1 中没有 PDF 文件。</translation>
    </message>
    <message>
        <source>Added 1 document.</source>
        <translation>已添加 1 个文档。</translation>
    </message>
    <message numerus="yes">
        <source>Added %n documents.</source>
        <translation>
            <numerusform>已添加 %n 个文档。</numerusform>
        </translation>
    </message>
    <message>
        <source>Opening the document failed unexpectedly.</source>
        <translation>打开文档时意外失败。</translation>
    </message>
    <message>
        <source>Password-protected PDFs cannot be opened yet: save a copy without the password (qpdf can do it) and add that copy.</source>
        <translation>暂时无法打开受密码保护的 PDF：请保存一份不带密码的副本（可用 qpdf 完成），然后添加该副本。</translation>
    </message>
    <message>
        <source>Download it again, or repair it (for example with qpdf) and add it again.</source>
        <translation>请重新下载，或（例如用 qpdf）修复后再重新添加。</translation>
    </message>
    <message>
        <source>Check that the file exists and that you may read it.</source>
        <translation>请检查文件是否存在以及您是否有权读取它。</translation>
    </message>
    <message>
        <source>Please report this as a bug.</source>
        <translation>请将此问题作为缺陷报告。</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>%1 — Overtext</source>
        <translation>%1 — Overtext</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>Fit width (%1)</source>
        <translation>适合宽度（%1）</translation>
    </message>
    <message>
        <source>&amp;%1 %2</source>
        <translation>&amp;%1 %2</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>没有最近打开的文件</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>清除列表(&amp;C)</translation>
    </message>
    <message>
        <source>Not added: %1 — download the files first, then drop them here.</source>
        <translation>未添加：%1 — 请先下载这些文件，再将其拖放到此处。</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <source>Catalan</source>
        <translation>加泰罗尼亚语</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>波兰语</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <source>Ukrainian</source>
        <translation>乌克兰语</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>印地语</translation>
    </message>
    <message>
        <source>Turkish</source>
        <translation>土耳其语</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>瑞典语</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Batch toolbar</source>
        <translation>批处理工具栏</translation>
    </message>
    <message>
        <source>Target language</source>
        <translation>目标语言</translation>
    </message>
    <message>
        <source>Translate into</source>
        <translation>翻译为</translation>
    </message>
    <message>
        <source>Translation service</source>
        <translation>翻译服务</translation>
    </message>
    <message>
        <source>Translation service (Apertium works offline, without a key)</source>
        <translation>翻译服务（Apertium 可离线使用，无需密钥）</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>批处理(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Start All</source>
        <translation>全部开始(&amp;S)</translation>
    </message>
    <message>
        <source>Translate every document not yet translated</source>
        <translation>翻译所有尚未翻译的文档</translation>
    </message>
    <message>
        <source>Start &amp;Selected</source>
        <translation>开始所选(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Cancel Selected</source>
        <translation>取消所选(&amp;C)</translation>
    </message>
    <message>
        <source>Cancel &amp;All</source>
        <translation>全部取消(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Retry Failed (Selected)</source>
        <translation>重试所选的失败项(&amp;R)</translation>
    </message>
    <message>
        <source>Retry All &amp;Failed</source>
        <translation>重试全部失败项(&amp;F)</translation>
    </message>
    <message>
        <source>Re&amp;move Selected</source>
        <translation>移除所选(&amp;M)</translation>
    </message>
    <message>
        <source>Remove A&amp;ll</source>
        <translation>全部移除(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Show &amp;Translation</source>
        <translation>显示译文(&amp;T)</translation>
    </message>
    <message>
        <source>Lay the translation over the pages</source>
        <translation>将译文叠加显示在页面上</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>原文</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>译文</translation>
    </message>
    <message>
        <source>&amp;Save Correction</source>
        <translation>保存更正(&amp;S)</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next documents started.</source>
        <translation>设置已保存，将应用于之后开始的文档。</translation>
    </message>
    <message>
        <source>The batch of the last session cannot be resumed: %1</source>
        <translation>无法继续上次会话的批处理：%1</translation>
    </message>
    <message>
        <source>One document was still translating when Overtext closed.</source>
        <translation>Overtext 关闭时，还有 1 个文档正在翻译。</translation>
    </message>
    <message>
        <source>%1 documents were still translating when Overtext closed.</source>
        <translation>Overtext 关闭时，还有 %1 个文档正在翻译。</translation>
    </message>
    <message>
        <source>Resume translating?</source>
        <translation>继续翻译吗？</translation>
    </message>
    <message>
        <source>Resume now? What was already translated is kept and not sent again.</source>
        <translation>现在继续吗？已翻译的内容会保留，不会再次发送。</translation>
    </message>
    <message>
        <source>Resume translating</source>
        <translation>继续翻译</translation>
    </message>
    <message>
        <source>Paused: requests in flight finish, no new ones start.</source>
        <translation>已暂停：进行中的请求会完成，不再发起新请求。</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>已继续。</translation>
    </message>
    <message>
        <source>Page %1, %2</source>
        <translation>第 %1 页，%2</translation>
    </message>
    <message>
        <source>Correction saved; it is used in the preview, the export and future translations.</source>
        <translation>更正已保存，将用于预览、导出和今后的翻译。</translation>
    </message>
    <message>
        <source>Nothing to export yet: translate documents first (Batch ▸ Start All).</source>
        <translation>尚无可导出的内容：请先翻译文档（批处理 ▸ 全部开始）。</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <source>%1 has no summary yet (Summary ▸ Summarize): exported without a cover page.</source>
        <translation>%1 尚无摘要（摘要 ▸ 生成摘要）：已导出，不含封面页。</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n document(s).</source>
        <translation>
            <numerusform>已导出 %n 个文档。</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported %1, %2 failed: see their rows.</source>
        <translation>已导出 %1 个，%2 个失败：请查看相应的行。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::PagePreview</name>
    <message>
        <source>Page preview</source>
        <translation>页面预览</translation>
    </message>
    <message>
        <source>No document</source>
        <translation>无文档</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn: %2</source>
        <translation>无法绘制第 %1 页：%2</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>无法绘制第 %1 页。</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SettingsDialog</name>
    <message>
        <source>Apertium (offline, no key)</source>
        <translation>Apertium（离线，无需密钥）</translation>
    </message>
    <message>
        <source>OpenAI-compatible (OpenAI, Azure, Ollama, vLLM, llama.cpp …)</source>
        <translation>兼容 OpenAI（OpenAI、Azure、Ollama、vLLM、llama.cpp 等）</translation>
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
        <translation>设置 — Overtext</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Translation services</source>
        <translation>翻译服务</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>添加服务</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Remove the service</source>
        <translation>移除该服务</translation>
    </message>
    <message>
        <source>Service type</source>
        <translation>服务类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>the service&apos;s own (leave empty)</source>
        <translation>使用服务自身的地址（留空）</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file</source>
        <translation>保存在系统密钥环中，绝不写入设置文件</translation>
    </message>
    <message>
        <source>&amp;Forget Key</source>
        <translation>忘记密钥(&amp;F)</translation>
    </message>
    <message>
        <source>Forget the stored key</source>
        <translation>忘记已保存的密钥</translation>
    </message>
    <message>
        <source>Key status</source>
        <translation>密钥状态</translation>
    </message>
    <message>
        <source>Key environment variable</source>
        <translation>密钥环境变量</translation>
    </message>
    <message>
        <source>Read when the keychain holds no key or no keychain service runs</source>
        <translation>当密钥环中没有密钥或密钥环服务未运行时读取</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>连接测试结果</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>类型(&amp;Y)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation>基础 URL(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>Key &amp;variable:</source>
        <translation>密钥变量(&amp;V)：</translation>
    </message>
    <message>
        <source>Requests at once</source>
        <translation>同时请求数</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Requests per minute</source>
        <translation>每分钟请求数</translation>
    </message>
    <message>
        <source>Tokens per minute</source>
        <translation>每分钟令牌数</translation>
    </message>
    <message>
        <source>Glossary file</source>
        <translation>术语表文件</translation>
    </message>
    <message>
        <source>CSV: source term, target term</source>
        <translation>CSV：源术语, 目标术语</translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation>浏览(&amp;W)…</translation>
    </message>
    <message>
        <source>Choose the glossary file</source>
        <translation>选择术语表文件</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>术语表</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指示</translation>
    </message>
    <message>
        <source>For example: keep a formal tone; do not translate product names.</source>
        <translation>例如：保持正式语气；不要翻译产品名称。</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Requests at &amp;once:</source>
        <translation>同时请求数(&amp;O)：</translation>
    </message>
    <message>
        <source>Requests &amp;per minute:</source>
        <translation>每分钟请求数(&amp;P)：</translation>
    </message>
    <message>
        <source>Tok&amp;ens per minute:</source>
        <translation>每分钟令牌数(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Glossary:</source>
        <translation>术语表(&amp;G)：</translation>
    </message>
    <message>
        <source>&amp;Instruction:</source>
        <translation>指示(&amp;I)：</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>A new language applies the next time Overtext starts.</source>
        <translation>新语言将在下次启动 Overtext 时生效。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>type a key to store it in the keychain</source>
        <translation>输入密钥以将其保存到密钥环</translation>
    </message>
    <message>
        <source>no key needed</source>
        <translation>无需密钥</translation>
    </message>
    <message>
        <source>Asking the keychain…</source>
        <translation>正在查询密钥环…</translation>
    </message>
    <message>
        <source>The stored key will be forgotten when you press OK.</source>
        <translation>按“确定”后，将忘记已保存的密钥。</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation>系统密钥环中已保存一个密钥。</translation>
    </message>
    <message>
        <source>No key in the keychain: the environment variable %1 is read if it is set.</source>
        <translation>密钥环中没有密钥：如果设置了环境变量 %1，将读取它。</translation>
    </message>
    <message>
        <source>%1. Keys cannot be stored here; the environment variable %2 is read instead.</source>
        <translation>%1。此处无法保存密钥，将改为读取环境变量 %2。</translation>
    </message>
    <message>
        <source>New service</source>
        <translation>新服务</translation>
    </message>
    <message>
        <source>Sending a short test translation…</source>
        <translation>正在发送一段简短的测试翻译…</translation>
    </message>
    <message>
        <source>Connected: “Hello, world.” came back as “%1”.</source>
        <translation>已连接：“Hello, world.”返回为“%1”。</translation>
    </message>
    <message>
        <source>The test failed: %1</source>
        <translation>测试失败：%1</translation>
    </message>
    <message>
        <source>%1 — %2 Put the key in the environment variable %3 instead.</source>
        <translation>%1 — %2 请改为将密钥放入环境变量 %3。</translation>
    </message>
    <message>
        <source>Proxy for this service</source>
        <translation>此服务的代理</translation>
    </message>
    <message>
        <source>the network setting below (leave empty); direct for none</source>
        <translation>使用下方的网络设置（留空）；direct 表示不使用代理</translation>
    </message>
    <message>
        <source>the service&apos;s default</source>
        <translation>服务的默认值</translation>
    </message>
    <message>
        <source>Timeout in seconds</source>
        <translation>超时（秒）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How long a request may wait for the server&apos;s next byte, the first one included. A local model on a CPU can take minutes before its first word.</source>
        <translation>请求等待服务器下一个字节（包括第一个字节）的最长时间。在 CPU 上运行的本地模型可能需要几分钟才能输出第一个词。</translation>
    </message>
    <message>
        <source>Pro&amp;xy:</source>
        <translation>代理(&amp;X)：</translation>
    </message>
    <message>
        <source>Time&amp;out:</source>
        <translation>超时(&amp;O)：</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>the system&apos;s (leave empty), direct, or http://host:port, socks5h://host:port</source>
        <translation>使用系统代理（留空）、direct，或 http://host:port、socks5h://host:port</translation>
    </message>
    <message>
        <source>No proxy for</source>
        <translation>不使用代理的地址</translation>
    </message>
    <message>
        <source>the no_proxy variable (leave empty), or localhost, .corp.example, 10.0.0.0/8</source>
        <translation>使用 no_proxy 变量（留空），或 localhost, .corp.example, 10.0.0.0/8</translation>
    </message>
    <message>
        <source>Proxy user</source>
        <translation>代理用户名</translation>
    </message>
    <message>
        <source>kept in the system keychain with the password</source>
        <translation>与密码一起保存在系统密钥环中</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>代理密码</translation>
    </message>
    <message>
        <source>type to store in the keychain (user and password replace the stored ones)</source>
        <translation>输入以保存到密钥环（用户名和密码将替换已保存的）</translation>
    </message>
    <message>
        <source>Extra CA bundle</source>
        <translation>额外的 CA 证书包</translation>
    </message>
    <message>
        <source>PEM file trusted besides the system&apos;s authorities (a TLS-inspecting proxy)</source>
        <translation>除系统证书颁发机构外额外信任的 PEM 文件（用于 TLS 检查代理）</translation>
    </message>
    <message>
        <source>Brow&amp;se…</source>
        <translation>浏览(&amp;S)…</translation>
    </message>
    <message>
        <source>Choose the CA bundle</source>
        <translation>选择 CA 证书包</translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation>CA 证书包</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>PEM 文件 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>代理(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;No proxy for:</source>
        <translation>不使用代理的地址(&amp;N)：</translation>
    </message>
    <message>
        <source>Proxy &amp;user:</source>
        <translation>代理用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>代理密码(&amp;W)：</translation>
    </message>
    <message>
        <source>Extra &amp;CA bundle:</source>
        <translation>额外的 CA 证书包(&amp;C)：</translation>
    </message>
    <message>
        <source>The proxy setting</source>
        <translation>代理设置</translation>
    </message>
    <message>
        <source>The extra CA bundle</source>
        <translation>额外的 CA 证书包</translation>
    </message>
    <message>
        <source>Proxy — %1 Put the credentials in the proxy variable instead (http_proxy=http://USER:PASSWORD@host:port).</source>
        <translation>代理 — %1 请改为将凭据放入代理环境变量（http_proxy=http://USER:PASSWORD@host:port）。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SummaryPanel</name>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>摘要文本</translation>
    </message>
    <message>
        <source>&amp;Summarize</source>
        <translation>生成摘要(&amp;S)</translation>
    </message>
    <message>
        <source>Summarize the selected document in the target language</source>
        <translation>用目标语言为所选文档生成摘要</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>重新生成(&amp;R)</translation>
    </message>
    <message>
        <source>Write the summary again, ignoring the cached one</source>
        <translation>忽略缓存的摘要，重新生成</translation>
    </message>
    <message>
        <source>Summarize &amp;Anyway</source>
        <translation>仍然生成摘要(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the summary as Markdown</source>
        <translation>将摘要复制为 Markdown</translation>
    </message>
    <message>
        <source>The summary was copied as Markdown.</source>
        <translation>摘要已复制为 Markdown。</translation>
    </message>
    <message>
        <source>Reading the document…</source>
        <translation>正在读取文档…</translation>
    </message>
    <message>
        <source>This document is long: it takes %1 requests (%2 parts, then one to combine them), about %3 input and %4 output tokens. Summarize it anyway?</source>
        <translation>此文档较长：需要 %1 次请求（%2 个部分，再加一次合并），约 %3 个输入令牌和 %4 个输出令牌。仍要生成摘要吗？</translation>
    </message>
    <message>
        <source>Summarizing…</source>
        <translation>正在生成摘要…</translation>
    </message>
    <message>
        <source>Combining the summaries of %1 parts…</source>
        <translation>正在合并 %1 个部分的摘要…</translation>
    </message>
    <message>
        <source>Summarizing part %1 of %2…</source>
        <translation>正在为第 %1 部分（共 %2 部分）生成摘要…</translation>
    </message>
    <message>
        <source>From the summary cache (no request).</source>
        <translation>来自摘要缓存（未发送请求）。</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n request(s), %1 tokens.</source>
        <translation>
            <numerusform>完成：%n 次请求，%1 个令牌。</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary failed unexpectedly.</source>
        <translation>生成摘要时意外失败。</translation>
    </message>
    <message>
        <source>Select a document to see its summary.</source>
        <translation>选择一个文档以查看其摘要。</translation>
    </message>
    <message>
        <source>No summary yet: press Summarize.</source>
        <translation>尚无摘要：请点击“生成摘要”。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ThumbnailBar</name>
    <message>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>页面缩略图</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>无法绘制第 %1 页。</translation>
    </message>
</context>
</TS>
