<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>main</name>
    <message>
        <source>Translate PDF documents, keeping their layout.</source>
        <translation>PDF 文書をレイアウトを保ったまま翻訳します。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::AboutDialog</name>
    <message>
        <source>Application framework</source>
        <translation>アプリケーションフレームワーク</translation>
    </message>
    <message>
        <source>Reading PDF pages and text</source>
        <translation>PDF のページとテキストの読み取り</translation>
    </message>
    <message>
        <source>Writing the exported PDFs</source>
        <translation>エクスポートする PDF の書き出し</translation>
    </message>
    <message>
        <source>Coroutines for Qt</source>
        <translation>Qt 用コルーチン</translation>
    </message>
    <message>
        <source>Storing API keys in the system keychain</source>
        <translation>システムのキーチェーンへの API キーの保存</translation>
    </message>
    <message>
        <source>Translation and summary caches</source>
        <translation>翻訳と要約のキャッシュ</translation>
    </message>
    <message>
        <source>Offline machine translation</source>
        <translation>オフライン機械翻訳</translation>
    </message>
    <message>
        <source>Fonts for the translated text</source>
        <translation>翻訳文のフォント</translation>
    </message>
    <message>
        <source>About Overtext</source>
        <translation>Overtext について</translation>
    </message>
    <message>
        <source>Translates PDF documents in batches and keeps their layout: the translation is painted where the original text was.</source>
        <translation>PDF 文書を一括で翻訳し、レイアウトを保ちます。翻訳文は元のテキストがあった位置に描画されます。</translation>
    </message>
    <message>
        <source>Running on Qt %1.</source>
        <translation>Qt %1 で動作しています。</translation>
    </message>
    <message>
        <source>Libraries and fonts</source>
        <translation>ライブラリとフォント</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>コンポーネント</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <source>The licence texts are installed with each package in /usr/share/doc.</source>
        <translation>ライセンス文は各パッケージとともに /usr/share/doc にインストールされています。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::CommandLine</name>
    <message>
        <source>PDF files or folders to open.</source>
        <translation>開く PDF ファイルまたはフォルダー。</translation>
    </message>
    <message>
        <source>Translate into LANG (a code such as es, de, zh).</source>
        <translation>言語 LANG に翻訳します（es、de、zh などのコード）。</translation>
    </message>
    <message>
        <source>Translation service: %1.</source>
        <translation>翻訳サービス: %1。</translation>
    </message>
    <message>
        <source>The service&apos;s address (OpenAI-compatible servers).</source>
        <translation>サービスのアドレス（OpenAI 互換サーバー）。</translation>
    </message>
    <message>
        <source>The model to ask.</source>
        <translation>使用するモデル。</translation>
    </message>
    <message>
        <source>Read the API key from the environment variable VAR (never from the command line).</source>
        <translation>API キーを環境変数 VAR から読み取ります（コマンドラインからは読み取りません）。</translation>
    </message>
    <message>
        <source>Start translating the documents at once.</source>
        <translation>すぐに文書の翻訳を開始します。</translation>
    </message>
    <message>
        <source>Unknown provider &apos;%1&apos; (choose one of: %2).</source>
        <translation>不明なプロバイダー「%1」です（次から選択してください: %2）。</translation>
    </message>
    <message>
        <source>--to needs a language code such as es.</source>
        <translation>--to には es などの言語コードを指定してください。</translation>
    </message>
    <message>
        <source>Connect through this proxy (http://[USER:PASSWORD@]HOST:PORT, socks5://, socks5h://), or &apos;direct&apos; for none, instead of the one in Settings or the system&apos;s.</source>
        <translation>このプロキシを経由して接続します（http://[USER:PASSWORD@]HOST:PORT、socks5://、socks5h://）。「direct」を指定するとプロキシを使いません。設定やシステムのプロキシより優先されます。</translation>
    </message>
    <message>
        <source>Also trust the certificate authorities in this PEM file (a company&apos;s TLS-inspecting proxy).</source>
        <translation>この PEM ファイル内の認証局も信頼します（企業の TLS 検査プロキシ向け）。</translation>
    </message>
    <message>
        <source>Give up a request after the server sent nothing for SECONDS (slow local models need more).</source>
        <translation>サーバーから SECONDS 秒間何も送られてこなければ、リクエストを中止します（遅いローカルモデルにはより長い時間が必要です）。</translation>
    </message>
    <message>
        <source>--timeout must be a whole number of seconds from 1 to 86400.</source>
        <translation>--timeout には 1 から 86400 までの整数の秒数を指定してください。</translation>
    </message>
    <message>
        <source>--timeout SECONDS (or the service&apos;s Timeout in Settings)</source>
        <translation>--timeout SECONDS（または設定にあるサービスのタイムアウト）</translation>
    </message>
</context>
<context>
    <name>overtext::ui::DocumentListModel</name>
    <message>
        <source>Opening…</source>
        <translation>開いています…</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 ページ</translation>
    </message>
    <message numerus="yes">
        <source>%n pages</source>
        <translation>
            <numerusform>%n ページ</numerusform>
        </translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>Translating</source>
        <translation>翻訳中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>キャンセル済み</translation>
    </message>
    <message>
        <source>%1/%2 segments</source>
        <translation>%1/%2 セグメント</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 件失敗</translation>
    </message>
    <message>
        <source>%1k tokens</source>
        <translation>%1k トークン</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 トークン</translation>
    </message>
    <message>
        <source>ETA %1 s</source>
        <translation>残り約 %1 秒</translation>
    </message>
    <message>
        <source>ETA %1 min</source>
        <translation>残り約 %1 分</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ExportDialog</name>
    <message>
        <source>Export Translations</source>
        <translation>翻訳のエクスポート</translation>
    </message>
    <message>
        <source>Translation only</source>
        <translation>翻訳のみ</translation>
    </message>
    <message>
        <source>Bilingual, side by side</source>
        <translation>対訳（左右に並べる）</translation>
    </message>
    <message>
        <source>Bilingual, alternating pages</source>
        <translation>対訳（ページを交互に）</translation>
    </message>
    <message>
        <source>Beside each original</source>
        <translation>各元ファイルと同じ場所</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>エクスポート先フォルダー</translation>
    </message>
    <message>
        <source>Summary &amp;cover page (the document&apos;s summary from the Summary panel first)</source>
        <translation>要約の表紙ページ(&amp;C)（「要約」パネルにある文書の要約を先頭に置く）</translation>
    </message>
    <message>
        <source>&amp;Layout:</source>
        <translation>レイアウト(&amp;L):</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>フォルダー(&amp;F):</translation>
    </message>
    <message numerus="yes">
        <source>Export %n Document(s)</source>
        <translation>
            <numerusform>%n 件の文書をエクスポート</numerusform>
        </translation>
    </message>
    <message>
        <source>Each finished document is written as NAME.LANGUAGE.pdf.</source>
        <translation>完了した各文書は「名前.言語.pdf」として保存されます。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::MainWindow</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 ほか %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Overtext</source>
        <translation>Overtext</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文書</translation>
    </message>
    <message>
        <source>Drop PDF files or folders here, or choose File ▸ Open.</source>
        <translation>ここに PDF ファイルやフォルダーをドロップするか、［ファイル］▸［開く］を選んでください。</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>ページ</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>ズーム</translation>
    </message>
    <message>
        <source>%1 could not be translated: %2</source>
        <translation>%1 を翻訳できませんでした: %2</translation>
    </message>
    <message>
        <source>%1: cancelled.</source>
        <translation>%1: キャンセルしました。</translation>
    </message>
    <message>
        <source>%1: %2 of %3 segments translated, %4 failed (Batch ▸ Retry Failed).</source>
        <translation>%1: %3 セグメント中 %2 を翻訳、%4 件が失敗しました（［バッチ］▸［失敗分を再試行］）。</translation>
    </message>
    <message>
        <source>%1: all %2 segments translated.</source>
        <translation>%1: 全 %2 セグメントを翻訳しました。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Add PDF files to the list</source>
        <translation>PDF ファイルを一覧に追加します</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったファイル(&amp;R)</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>設定(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <source>Fit &amp;Width</source>
        <translation>幅に合わせる(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Previous Page</source>
        <translation>前のページ(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next Page</source>
        <translation>次のページ(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Side by Side</source>
        <translation>左右に並べる(&amp;S)</translation>
    </message>
    <message>
        <source>Show each page beside its translation; both scroll together</source>
        <translation>各ページを翻訳と並べて表示します。両方が一緒にスクロールします</translation>
    </message>
    <message>
        <source>Page &amp;Thumbnails</source>
        <translation>ページのサムネイル(&amp;T)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>メイン</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>メインツールバー</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>バッチ</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Overtext</source>
        <translation>Overtext について(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt について(&amp;Q)</translation>
    </message>
    <message>
        <source>Open PDF Files</source>
        <translation>PDF ファイルを開く</translation>
    </message>
    <message>
        <source>PDF files (*.pdf *.PDF);;All files (*)</source>
        <translation>PDF ファイル (*.pdf *.PDF);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>The files could not be listed: %1</source>
        <translation>ファイルの一覧を取得できませんでした: %1</translation>
    </message>
    <message>
        <source>The files could not be listed.</source>
        <translation>ファイルの一覧を取得できませんでした。</translation>
    </message>
    <message>
        <source>Not added: %1 — only PDF files can be opened.</source>
        <translation>追加されませんでした: %1 — 開けるのは PDF ファイルだけです。</translation>
    </message>
    <message>
        <source>Not found: %1 — check the path.</source>
        <translation>見つかりません: %1 — パスを確認してください。</translation>
    </message>
    <message>
        <source>No PDF files in %1.</source>
        <translation>%1 に PDF ファイルがありません。</translation>
    </message>
    <message>
        <source>Added 1 document.</source>
        <translation>1 件の文書を追加しました。</translation>
    </message>
    <message numerus="yes">
        <source>Added %n documents.</source>
        <translation>
            <numerusform>%n 件の文書を追加しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Opening the document failed unexpectedly.</source>
        <translation>文書を開く処理が予期せず失敗しました。</translation>
    </message>
    <message>
        <source>Password-protected PDFs cannot be opened yet: save a copy without the password (qpdf can do it) and add that copy.</source>
        <translation>パスワードで保護された PDF はまだ開けません。パスワードなしのコピーを保存し（qpdf で可能です）、そのコピーを追加してください。</translation>
    </message>
    <message>
        <source>Download it again, or repair it (for example with qpdf) and add it again.</source>
        <translation>もう一度ダウンロードするか、（qpdf などで）修復してから追加し直してください。</translation>
    </message>
    <message>
        <source>Check that the file exists and that you may read it.</source>
        <translation>ファイルが存在し、読み取り権限があることを確認してください。</translation>
    </message>
    <message>
        <source>Please report this as a bug.</source>
        <translation>この問題をバグとして報告してください。</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 を開いています…</translation>
    </message>
    <message>
        <source>%1 — Overtext</source>
        <translation>%1 — Overtext</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>%1 / %2 ページ</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>Fit width (%1)</source>
        <translation>幅に合わせる（%1）</translation>
    </message>
    <message>
        <source>&amp;%1 %2</source>
        <translation>&amp;%1 %2</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>最近使ったファイルはありません</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>一覧を消去(&amp;C)</translation>
    </message>
    <message>
        <source>Not added: %1 — download the files first, then drop them here.</source>
        <translation>追加されませんでした: %1 — 先にファイルをダウンロードしてから、ここにドロップしてください。</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>スペイン語</translation>
    </message>
    <message>
        <source>French</source>
        <translation>フランス語</translation>
    </message>
    <message>
        <source>German</source>
        <translation>ドイツ語</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>イタリア語</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>ポルトガル語</translation>
    </message>
    <message>
        <source>Catalan</source>
        <translation>カタルーニャ語</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>オランダ語</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>ポーランド語</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>ロシア語</translation>
    </message>
    <message>
        <source>Ukrainian</source>
        <translation>ウクライナ語</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中国語</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日本語</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>韓国語</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>アラビア語</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>ヒンディー語</translation>
    </message>
    <message>
        <source>Turkish</source>
        <translation>トルコ語</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>スウェーデン語</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英語</translation>
    </message>
    <message>
        <source>Batch toolbar</source>
        <translation>バッチツールバー</translation>
    </message>
    <message>
        <source>Target language</source>
        <translation>翻訳先の言語</translation>
    </message>
    <message>
        <source>Translate into</source>
        <translation>翻訳先</translation>
    </message>
    <message>
        <source>Translation service</source>
        <translation>翻訳サービス</translation>
    </message>
    <message>
        <source>Translation service (Apertium works offline, without a key)</source>
        <translation>翻訳サービス（Apertium はオフラインで、キーなしで動作します）</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>バッチ(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Start All</source>
        <translation>すべて開始(&amp;S)</translation>
    </message>
    <message>
        <source>Translate every document not yet translated</source>
        <translation>まだ翻訳されていないすべての文書を翻訳します</translation>
    </message>
    <message>
        <source>Start &amp;Selected</source>
        <translation>選択した文書を開始(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>一時停止(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Cancel Selected</source>
        <translation>選択した文書をキャンセル(&amp;C)</translation>
    </message>
    <message>
        <source>Cancel &amp;All</source>
        <translation>すべてキャンセル(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Retry Failed (Selected)</source>
        <translation>失敗分を再試行（選択した文書）(&amp;R)</translation>
    </message>
    <message>
        <source>Retry All &amp;Failed</source>
        <translation>すべての失敗分を再試行(&amp;F)</translation>
    </message>
    <message>
        <source>Re&amp;move Selected</source>
        <translation>選択した文書をリストから削除(&amp;M)</translation>
    </message>
    <message>
        <source>Remove A&amp;ll</source>
        <translation>すべてリストから削除(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>エクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>Show &amp;Translation</source>
        <translation>翻訳を表示(&amp;T)</translation>
    </message>
    <message>
        <source>Lay the translation over the pages</source>
        <translation>ページに翻訳を重ねて表示します</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>セグメント</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>原文</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>訳文</translation>
    </message>
    <message>
        <source>&amp;Save Correction</source>
        <translation>修正を保存(&amp;S)</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next documents started.</source>
        <translation>設定を保存しました。次に開始する文書から適用されます。</translation>
    </message>
    <message>
        <source>The batch of the last session cannot be resumed: %1</source>
        <translation>前回のセッションのバッチを再開できません: %1</translation>
    </message>
    <message>
        <source>One document was still translating when Overtext closed.</source>
        <translation>Overtext の終了時に、翻訳中の文書が 1 件ありました。</translation>
    </message>
    <message>
        <source>%1 documents were still translating when Overtext closed.</source>
        <translation>Overtext の終了時に、翻訳中の文書が %1 件ありました。</translation>
    </message>
    <message>
        <source>Resume translating?</source>
        <translation>翻訳を再開しますか？</translation>
    </message>
    <message>
        <source>Resume now? What was already translated is kept and not sent again.</source>
        <translation>今すぐ再開しますか？ 翻訳済みの部分は保持され、再送信されません。</translation>
    </message>
    <message>
        <source>Resume translating</source>
        <translation>翻訳の再開</translation>
    </message>
    <message>
        <source>Paused: requests in flight finish, no new ones start.</source>
        <translation>一時停止中: 送信済みのリクエストは完了しますが、新しいリクエストは開始しません。</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>再開しました。</translation>
    </message>
    <message>
        <source>Page %1, %2</source>
        <translation>%1 ページ、%2</translation>
    </message>
    <message>
        <source>Correction saved; it is used in the preview, the export and future translations.</source>
        <translation>修正を保存しました。プレビュー、エクスポート、今後の翻訳で使われます。</translation>
    </message>
    <message>
        <source>Nothing to export yet: translate documents first (Batch ▸ Start All).</source>
        <translation>まだエクスポートするものがありません。先に文書を翻訳してください（［バッチ］▸［すべて開始］）。</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>%1 をエクスポートしています…</translation>
    </message>
    <message>
        <source>%1 has no summary yet (Summary ▸ Summarize): exported without a cover page.</source>
        <translation>%1 にはまだ要約がありません（［要約］▸［要約する］）。表紙なしでエクスポートしました。</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n document(s).</source>
        <translation>
            <numerusform>%n 件の文書をエクスポートしました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported %1, %2 failed: see their rows.</source>
        <translation>%1 件をエクスポートし、%2 件が失敗しました。各行を確認してください。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::PagePreview</name>
    <message>
        <source>Page preview</source>
        <translation>ページのプレビュー</translation>
    </message>
    <message>
        <source>No document</source>
        <translation>文書がありません</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn: %2</source>
        <translation>%1 ページを描画できませんでした: %2</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>%1 ページを描画できませんでした。</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>%1 ページ</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SettingsDialog</name>
    <message>
        <source>Apertium (offline, no key)</source>
        <translation>Apertium（オフライン、キー不要）</translation>
    </message>
    <message>
        <source>OpenAI-compatible (OpenAI, Azure, Ollama, vLLM, llama.cpp …)</source>
        <translation>OpenAI 互換（OpenAI、Azure、Ollama、vLLM、llama.cpp など）</translation>
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
        <translation>設定 — Overtext</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Translation services</source>
        <translation>翻訳サービス</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>追加(&amp;A)</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>サービスを追加</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>削除(&amp;R)</translation>
    </message>
    <message>
        <source>Remove the service</source>
        <translation>サービスを削除</translation>
    </message>
    <message>
        <source>Service type</source>
        <translation>サービスの種類</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>ベース URL</translation>
    </message>
    <message>
        <source>the service&apos;s own (leave empty)</source>
        <translation>サービスの既定値（空欄のまま）</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API キー</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file</source>
        <translation>システムのキーチェーンに保管され、設定ファイルには保存されません</translation>
    </message>
    <message>
        <source>&amp;Forget Key</source>
        <translation>キーを削除(&amp;F)</translation>
    </message>
    <message>
        <source>Forget the stored key</source>
        <translation>保存されているキーを削除</translation>
    </message>
    <message>
        <source>Key status</source>
        <translation>キーの状態</translation>
    </message>
    <message>
        <source>Key environment variable</source>
        <translation>キーの環境変数</translation>
    </message>
    <message>
        <source>Read when the keychain holds no key or no keychain service runs</source>
        <translation>キーチェーンにキーがないとき、またはキーチェーンサービスが動いていないときに読み取られます</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>接続をテスト(&amp;T)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>接続をテスト</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>接続テストの結果</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>種類(&amp;Y):</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名前(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation>ベース URL(&amp;B):</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>モデル(&amp;M):</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API キー(&amp;K):</translation>
    </message>
    <message>
        <source>Key &amp;variable:</source>
        <translation>キーの変数(&amp;V):</translation>
    </message>
    <message>
        <source>Requests at once</source>
        <translation>同時リクエスト数</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>無制限</translation>
    </message>
    <message>
        <source>Requests per minute</source>
        <translation>1 分あたりのリクエスト数</translation>
    </message>
    <message>
        <source>Tokens per minute</source>
        <translation>1 分あたりのトークン数</translation>
    </message>
    <message>
        <source>Glossary file</source>
        <translation>用語集ファイル</translation>
    </message>
    <message>
        <source>CSV: source term, target term</source>
        <translation>CSV: 原語の用語, 訳語</translation>
    </message>
    <message>
        <source>Bro&amp;wse…</source>
        <translation>参照(&amp;W)…</translation>
    </message>
    <message>
        <source>Choose the glossary file</source>
        <translation>用語集ファイルを選択</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>用語集</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV ファイル (*.csv);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指示</translation>
    </message>
    <message>
        <source>For example: keep a formal tone; do not translate product names.</source>
        <translation>例: 丁寧な文体を保つ。製品名は翻訳しない。</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>翻訳</translation>
    </message>
    <message>
        <source>Requests at &amp;once:</source>
        <translation>同時リクエスト数(&amp;O):</translation>
    </message>
    <message>
        <source>Requests &amp;per minute:</source>
        <translation>1 分あたりのリクエスト数(&amp;P):</translation>
    </message>
    <message>
        <source>Tok&amp;ens per minute:</source>
        <translation>1 分あたりのトークン数(&amp;E):</translation>
    </message>
    <message>
        <source>&amp;Glossary:</source>
        <translation>用語集(&amp;G):</translation>
    </message>
    <message>
        <source>&amp;Instruction:</source>
        <translation>指示(&amp;I):</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>インターフェイスの言語</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>インターフェイス</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <source>A new language applies the next time Overtext starts.</source>
        <translation>新しい言語は Overtext の次回起動時に適用されます。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>type a key to store it in the keychain</source>
        <translation>キーを入力するとキーチェーンに保存されます</translation>
    </message>
    <message>
        <source>no key needed</source>
        <translation>キーは不要です</translation>
    </message>
    <message>
        <source>Asking the keychain…</source>
        <translation>キーチェーンに問い合わせています…</translation>
    </message>
    <message>
        <source>The stored key will be forgotten when you press OK.</source>
        <translation>［OK］を押すと、保存されているキーは削除されます。</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain.</source>
        <translation>システムのキーチェーンにキーが保存されています。</translation>
    </message>
    <message>
        <source>No key in the keychain: the environment variable %1 is read if it is set.</source>
        <translation>キーチェーンにキーがありません。環境変数 %1 が設定されていれば、それが読み取られます。</translation>
    </message>
    <message>
        <source>%1. Keys cannot be stored here; the environment variable %2 is read instead.</source>
        <translation>%1。ここではキーを保存できないため、代わりに環境変数 %2 が読み取られます。</translation>
    </message>
    <message>
        <source>New service</source>
        <translation>新しいサービス</translation>
    </message>
    <message>
        <source>Sending a short test translation…</source>
        <translation>短いテスト翻訳を送信しています…</translation>
    </message>
    <message>
        <source>Connected: “Hello, world.” came back as “%1”.</source>
        <translation>接続しました: 「Hello, world.」は「%1」として返ってきました。</translation>
    </message>
    <message>
        <source>The test failed: %1</source>
        <translation>テストに失敗しました: %1</translation>
    </message>
    <message>
        <source>%1 — %2 Put the key in the environment variable %3 instead.</source>
        <translation>%1 — %2 代わりに環境変数 %3 にキーを設定してください。</translation>
    </message>
    <message>
        <source>Proxy for this service</source>
        <translation>このサービスのプロキシ</translation>
    </message>
    <message>
        <source>the network setting below (leave empty); direct for none</source>
        <translation>下のネットワーク設定（空欄のまま）。使わない場合は direct</translation>
    </message>
    <message>
        <source>the service&apos;s default</source>
        <translation>サービスの既定値</translation>
    </message>
    <message>
        <source>Timeout in seconds</source>
        <translation>タイムアウト（秒）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How long a request may wait for the server&apos;s next byte, the first one included. A local model on a CPU can take minutes before its first word.</source>
        <translation>リクエストがサーバーからの次のバイト（最初のバイトを含む）を待つことのできる時間です。CPU で動くローカルモデルは、最初の語を返すまでに数分かかることがあります。</translation>
    </message>
    <message>
        <source>Pro&amp;xy:</source>
        <translation>プロキシ(&amp;X):</translation>
    </message>
    <message>
        <source>Time&amp;out:</source>
        <translation>タイムアウト(&amp;O):</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>プロキシ</translation>
    </message>
    <message>
        <source>the system&apos;s (leave empty), direct, or http://host:port, socks5h://host:port</source>
        <translation>システムのプロキシ（空欄のまま）、direct、または http://host:port、socks5h://host:port</translation>
    </message>
    <message>
        <source>No proxy for</source>
        <translation>プロキシを使わない宛先</translation>
    </message>
    <message>
        <source>the no_proxy variable (leave empty), or localhost, .corp.example, 10.0.0.0/8</source>
        <translation>変数 no_proxy（空欄のまま）、または localhost, .corp.example, 10.0.0.0/8</translation>
    </message>
    <message>
        <source>Proxy user</source>
        <translation>プロキシのユーザー</translation>
    </message>
    <message>
        <source>kept in the system keychain with the password</source>
        <translation>パスワードとともにシステムのキーチェーンに保管されます</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>プロキシのパスワード</translation>
    </message>
    <message>
        <source>type to store in the keychain (user and password replace the stored ones)</source>
        <translation>入力するとキーチェーンに保存されます（ユーザーとパスワードは保存済みのものを置き換えます）</translation>
    </message>
    <message>
        <source>Extra CA bundle</source>
        <translation>追加の CA バンドル</translation>
    </message>
    <message>
        <source>PEM file trusted besides the system&apos;s authorities (a TLS-inspecting proxy)</source>
        <translation>システムの認証局に加えて信頼する PEM ファイル（TLS 検査プロキシ向け）</translation>
    </message>
    <message>
        <source>Brow&amp;se…</source>
        <translation>参照(&amp;S)…</translation>
    </message>
    <message>
        <source>Choose the CA bundle</source>
        <translation>CA バンドルを選択</translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation>CA バンドル</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>PEM ファイル (*.pem *.crt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>プロキシ(&amp;P):</translation>
    </message>
    <message>
        <source>&amp;No proxy for:</source>
        <translation>プロキシを使わない宛先(&amp;N):</translation>
    </message>
    <message>
        <source>Proxy &amp;user:</source>
        <translation>プロキシのユーザー(&amp;U):</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>プロキシのパスワード(&amp;W):</translation>
    </message>
    <message>
        <source>Extra &amp;CA bundle:</source>
        <translation>追加の CA バンドル(&amp;C):</translation>
    </message>
    <message>
        <source>The proxy setting</source>
        <translation>プロキシ設定</translation>
    </message>
    <message>
        <source>The extra CA bundle</source>
        <translation>追加の CA バンドル</translation>
    </message>
    <message>
        <source>Proxy — %1 Put the credentials in the proxy variable instead (http_proxy=http://USER:PASSWORD@host:port).</source>
        <translation>プロキシ — %1 代わりにプロキシの環境変数に認証情報を設定してください（http_proxy=http://USER:PASSWORD@host:port）。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::SummaryPanel</name>
    <message>
        <source>Summary</source>
        <translation>要約</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>要約の本文</translation>
    </message>
    <message>
        <source>&amp;Summarize</source>
        <translation>要約する(&amp;S)</translation>
    </message>
    <message>
        <source>Summarize the selected document in the target language</source>
        <translation>選択した文書を翻訳先の言語で要約します</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>再生成(&amp;R)</translation>
    </message>
    <message>
        <source>Write the summary again, ignoring the cached one</source>
        <translation>キャッシュされた要約を使わずに、要約を作り直します</translation>
    </message>
    <message>
        <source>Summarize &amp;Anyway</source>
        <translation>それでも要約する(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>コピー(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the summary as Markdown</source>
        <translation>要約を Markdown としてコピーします</translation>
    </message>
    <message>
        <source>The summary was copied as Markdown.</source>
        <translation>要約を Markdown としてコピーしました。</translation>
    </message>
    <message>
        <source>Reading the document…</source>
        <translation>文書を読み込んでいます…</translation>
    </message>
    <message>
        <source>This document is long: it takes %1 requests (%2 parts, then one to combine them), about %3 input and %4 output tokens. Summarize it anyway?</source>
        <translation>この文書は長いため、%1 回のリクエスト（%2 パートと、それらをまとめる 1 回）と、約 %3 入力トークン・%4 出力トークンが必要です。それでも要約しますか？</translation>
    </message>
    <message>
        <source>Summarizing…</source>
        <translation>要約しています…</translation>
    </message>
    <message>
        <source>Combining the summaries of %1 parts…</source>
        <translation>%1 パートの要約をまとめています…</translation>
    </message>
    <message>
        <source>Summarizing part %1 of %2…</source>
        <translation>パート %1/%2 を要約しています…</translation>
    </message>
    <message>
        <source>From the summary cache (no request).</source>
        <translation>要約キャッシュから取得しました（リクエストなし）。</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n request(s), %1 tokens.</source>
        <translation>
            <numerusform>完了: %n 回のリクエスト、%1 トークン。</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary failed unexpectedly.</source>
        <translation>要約が予期せず失敗しました。</translation>
    </message>
    <message>
        <source>Select a document to see its summary.</source>
        <translation>文書を選択すると要約が表示されます。</translation>
    </message>
    <message>
        <source>No summary yet: press Summarize.</source>
        <translation>まだ要約がありません。［要約する］を押してください。</translation>
    </message>
</context>
<context>
    <name>overtext::ui::ThumbnailBar</name>
    <message>
        <source>Page %1</source>
        <translation>%1 ページ</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>ページのサムネイル</translation>
    </message>
    <message>
        <source>Page %1 could not be drawn.</source>
        <translation>%1 ページを描画できませんでした。</translation>
    </message>
</context>
</TS>
