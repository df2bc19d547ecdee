# SPDX-License-Identifier: Apache-2.0
# 'cpack -G DEB' in the build folder: a Debian package of the binary, the
# man pages, the bash, zsh and fish completions, README and LICENSE.  The
# shared libraries it links are declared as dependencies by dpkg-shlibdeps.
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE
	DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/scripts/completion/otadiag.fish
	DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

set(CPACK_PACKAGE_NAME otadiag)
set(CPACK_PACKAGE_VENDOR "otadiag")
set(CPACK_PACKAGE_CONTACT "otadiag maintainers <otadiag@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
	"diagnose failed OTA firmware updates of ESP32-class devices")
set(CPACK_PACKAGE_DESCRIPTION
	"otadiag reads the serial log or cloud job record of a firmware update and
says what happened, why, and what to change; live on a serial port, after
the fact on captured logs, and as a CI gate.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl, libdw, libelf, libcrypto and libstdc++ are opened on first use,
# not linked, so dpkg-shlibdeps does not see them (cmake/dlopen.cmake).
string(REPLACE ";" ", " CPACK_DEBIAN_PACKAGE_DEPENDS "${OTADIAG_DLOPEN_PACKAGES}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_STRIP_FILES ON)
include(CPack)
