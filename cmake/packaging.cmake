# Install layout and the Debian package (CPack DEB), from the top CMakeLists.txt.
#
#   PREFIX/bin/overtext, overtext-cli           the two programs
#   PREFIX/libexec/overtext/overtext-pdfworker  the PDF worker: PdfExtraction::workerPath() looks for it at
#                                               ../libexec/overtext/ from the program, so the layout is relocatable
#   PREFIX/share/applications, metainfo, icons  desktop integration ("Open With Overtext" for PDFs)
#
# UI translations are compiled into the programs (ui/CMakeLists.txt); Qt's own come from qt6-translations-l10n.

set(OVERTEXT_APP_ID io.github.overtext.Overtext)

install(TARGETS overtext overtext-cli RUNTIME DESTINATION bin)
# Not GNUInstallDirs' LIBEXECDIR: the worker's place relative to bin/ is fixed in PdfExtraction::workerPath().
install(TARGETS overtext-pdfworker RUNTIME DESTINATION libexec/overtext)

install(FILES ${CMAKE_SOURCE_DIR}/resources/${OVERTEXT_APP_ID}.desktop DESTINATION share/applications)
configure_file(${CMAKE_SOURCE_DIR}/resources/${OVERTEXT_APP_ID}.metainfo.xml.in
  ${CMAKE_BINARY_DIR}/${OVERTEXT_APP_ID}.metainfo.xml @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/${OVERTEXT_APP_ID}.metainfo.xml DESTINATION share/metainfo)
# The PNGs were rendered from overtext.svg with rsvg-convert (librsvg2-bin): rsvg-convert -w N -h N.
foreach(size 16 22 24 32 48 64 128 256)
  install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/overtext-${size}.png
    DESTINATION share/icons/hicolor/${size}x${size}/apps RENAME overtext.png)
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/overtext.svg DESTINATION share/icons/hicolor/scalable/apps)

set(OVERTEXT_PACKAGE_MAINTAINER "Overtext maintainers <overtext@localhost>" CACHE STRING
  "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME overtext)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${OVERTEXT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "batch PDF translator that keeps the layout")
# Debian wants description lines under 80 columns.
set(CPACK_PACKAGE_DESCRIPTION
  "Overtext translates PDF documents in batches and paints the translation
where the original text was, so that headings, columns, tables and figures
stay in place. It talks to OpenAI-compatible servers (local ones too),
Anthropic, DeepL, LibreTranslate, or Apertium offline, and exports
translated or bilingual PDFs. overtext is the desktop application;
overtext-cli does the same from scripts.")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # overtext_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries the programs link, with versions, found by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What they load at run time without linking it: the SQLite driver of Qt SQL (caches) and the fonts the translated
# text is drawn in (Latin, CJK, and metric-compatible faces for Times, Arial and Courier).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, fonts-noto-core, fonts-noto-cjk, fonts-liberation2")
# apt installs these by default: the offline translator with its English-Spanish pair, Qt's own translations of its
# standard dialogs, the SVG icon plugin, and Wayland.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "apertium, apertium-eng-spa, qt6-translations-l10n, libqt6svg6, qt6-wayland")
# A keychain service stores API keys (without one, keys are read from environment variables).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnome-keyring | kwalletmanager")
include(CPack)
