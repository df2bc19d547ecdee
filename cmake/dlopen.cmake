# SPDX-License-Identifier: Apache-2.0
# The libraries otadiag opens on first use instead of linking them
# (include/dynlib.h): the Debian package that ships each soname on this
# machine (dpkg-query; Debian 12's name when dpkg does not know it), for
# the one-line error that names it (OTADIAG_PKG_<SONAME>, e.g.
# OTADIAG_PKG_LIBCURL_SO_4) and for the .deb's Depends (dpkg-shlibdeps sees
# only linked libraries: OTADIAG_DLOPEN_PACKAGES, cmake/package.cmake).
set(OTADIAG_DLOPEN
	libcurl.so.4=libcurl4 libdw.so.1=libdw1 libelf.so.1=libelf1
	libcrypto.so.3=libssl3 libstdc++.so.6=libstdc++6)
set(OTADIAG_DLOPEN_PACKAGES)
foreach(pair IN LISTS OTADIAG_DLOPEN)
	string(REPLACE "=" ";" pair ${pair})
	list(GET pair 0 so)
	list(GET pair 1 pkg)
	execute_process(COMMAND dpkg-query -S "*/${CMAKE_LIBRARY_ARCHITECTURE}/${so}"
		OUTPUT_VARIABLE out ERROR_QUIET RESULT_VARIABLE rc)
	if(rc EQUAL 0 AND out MATCHES "^([a-z0-9.+-]+)[:,]")
		set(pkg ${CMAKE_MATCH_1})
	endif()
	string(TOUPPER ${so} key)
	string(REGEX REPLACE "[^A-Z0-9]" "_" key ${key})
	add_compile_definitions(OTADIAG_PKG_${key}="${pkg}")
	list(APPEND OTADIAG_DLOPEN_PACKAGES ${pkg})
endforeach()
message(STATUS "Loaded on first use: ${OTADIAG_DLOPEN} (packages: ${OTADIAG_DLOPEN_PACKAGES})")
