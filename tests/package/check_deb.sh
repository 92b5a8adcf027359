#!/usr/bin/env bash
# The Debian package as IT would install it: cpack on the test build, then its contents, dependencies, desktop and
# AppStream files checked, and the programs run from a throw-away root made with `dpkg -x` (no build directory in
# sight: the PDF worker must be found in the package's own libexec/overtext/).
#
#   check_deb.sh BUILD_DIR VERSION SAMPLE_PDF CPACK
set -euo pipefail
build=$1 version=$2 sample=$3 cpack=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack did not build the package"; }
arch=$(dpkg --print-architecture)
deb="$work/out/overtext_${version}_${arch}.deb"
[ -f "$deb" ] || fail "no $(basename "$deb") in: $(ls "$work/out")"

# Contents: the programs, the worker out of PATH, desktop integration; nothing outside /usr.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for path in /usr/bin/overtext /usr/bin/overtext-cli /usr/libexec/overtext/overtext-pdfworker \
  /usr/share/applications/io.github.overtext.Overtext.desktop \
  /usr/share/metainfo/io.github.overtext.Overtext.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/overtext.svg; do
  grep -qx "$path" "$work/contents" || fail "$path is not in the package"
done
for size in 16 22 24 32 48 64 128 256; do
  grep -qx "/usr/share/icons/hicolor/${size}x${size}/apps/overtext.png" "$work/contents" || fail "no ${size}px icon"
done
if grep -v '^/usr' "$work/contents" | grep -v '^/$' | grep -q .; then
  fail "files outside /usr: $(grep -v '^/usr' "$work/contents" | grep -v '^/$' | head -3)"
fi

# Dependencies: the linked libraries (dpkg-shlibdeps) and what is loaded without linking.
depends=$(dpkg-deb -f "$deb" Depends)
for pkg in libqt6widgets6 libpoppler-qt6-3 libqpdf29 libqcoro6core0 libqt6keychain1 libqt6sql6-sqlite \
  fonts-noto-core fonts-noto-cjk fonts-liberation2; do
  [[ ", $depends," == *", $pkg"[\ ,]* ]] || fail "Depends lacks $pkg: $depends"
done
recommends=$(dpkg-deb -f "$deb" Recommends)
for pkg in apertium apertium-eng-spa qt6-translations-l10n; do
  [[ ", $recommends," == *", $pkg"[\ ,]* ]] || fail "Recommends lacks $pkg: $recommends"
done
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version)"

# apt can meet every dependency from the archive on a machine with nothing installed (its resolver, simulated
# against an empty dpkg status; skipped where apt has no package lists).
if compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
  : >"$work/empty-status"
  apt-get -s -o Dir::State::status="$work/empty-status" install "$deb" >"$work/apt.log" 2>&1 ||
    { tail -5 "$work/apt.log" >&2; fail "apt cannot install the package on a fresh system"; }
  grep -q '^Inst overtext ' "$work/apt.log" || fail "apt would not install overtext: $(tail -3 "$work/apt.log")"
else
  echo "note: no apt package lists; the fresh-system resolution is not checked"
fi

root="$work/root"
dpkg -x "$deb" "$root"
desktop="$root/usr/share/applications/io.github.overtext.Overtext.desktop"
desktop-file-validate "$desktop" || fail "desktop-file-validate"
grep -qx 'MimeType=application/pdf;' "$desktop" || fail "the desktop file does not open PDFs"
grep -qx 'Exec=overtext %F' "$desktop" || fail "the desktop file does not pass the files to overtext"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.overtext.Overtext.metainfo.xml" >"$work/as.log" 2>&1 ||
  { cat "$work/as.log" >&2; fail "appstreamcli validate"; }
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/io.github.overtext.Overtext.metainfo.xml" ||
  fail "the AppStream release is not $version"

# The programs start from the installed layout; the system's libraries are enough.
unset OVERTEXT_PDF_WORKER LD_LIBRARY_PATH
[ "$("$root/usr/bin/overtext-cli" --version)" = "overtext-cli $version" ] || fail "overtext-cli --version"
[ "$(env -u DISPLAY -u WAYLAND_DISPLAY "$root/usr/bin/overtext" --version)" = "overtext $version" ] ||
  fail "overtext --version (without a display)"
QT_QPA_PLATFORM=offscreen "$root/usr/bin/overtext" --help | grep -q -- '--start' || fail "overtext --help offscreen"

# The installed overtext-cli reads a PDF through the installed worker.
"$root/usr/bin/overtext-cli" extract "$sample" >"$work/extract.json" 2>"$work/extract.err" ||
  { cat "$work/extract.err" >&2; fail "overtext-cli extract from the installed layout"; }
grep -q '"id": "p1-b1"' "$work/extract.json" || fail "overtext-cli extract printed no segments"
# ... and that worker, not the build tree's: without it the installed program says where it belongs, although the
# build directory (whose worker would work) is still on this machine.
[ -x "$build/bin/overtext-pdfworker" ] || fail "the build tree's worker is gone: nothing proven"
rm "$root/usr/libexec/overtext/overtext-pdfworker"
if "$root/usr/bin/overtext-cli" extract "$sample" >/dev/null 2>"$work/missing.err"; then
  fail "extract worked without the package's worker: a build-tree fallback was used"
fi
grep -qF "$root/usr/libexec/overtext/overtext-pdfworker is missing" "$work/missing.err" ||
  fail "unexpected error without the worker: $(cat "$work/missing.err")"
echo "package ok: $(basename "$deb"), $(wc -l <"$work/contents") paths, $(du -k "$deb" | cut -f1) KiB"
