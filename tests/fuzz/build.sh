#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds every libFuzzer target (tests/fuzz/fuzz-*.c) with clang, ASan and
# UBSan.  usage: tests/fuzz/build.sh [OUTDIR]   (default: build-fuzz/)
# then: OUTDIR/fuzz-analysis -max_total_time=60 fixtures/corpus
# test-needs: clang cmake pkg-config
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$here/build-fuzz}
flags="-fsanitize=fuzzer-no-link,address,undefined -g -O1"
CC=clang cmake -S "$here" -B "$out" -DOTADIAG_TESTS=OFF \
	-DCMAKE_C_FLAGS="$flags" \
	-DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$out" --target otadiag_core -j"$(nproc)" >/dev/null
# libcurl, libdw/libelf, libcrypto and libstdc++ are opened on first use
# (include/dynlib.h), as in otadiag, so not linked here either; except
# libcurl, which fuzz-url.c calls itself to check http_url_allowed
libs=$(pkg-config --libs libpcre2-8 jansson libserialport inih libcurl)
built=
for src in "$here"/tests/fuzz/fuzz-*.c; do
	t=$(basename "$src" .c)
	bin="$out/$t"
	# relink only when the target or the library changed
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] ||
	    [ "$out/libotadiag_core.a" -nt "$bin" ]; then
		# shellcheck disable=SC2086
		clang -fsanitize=fuzzer,address,undefined -g -O1 \
			-I"$here/include" -D_POSIX_C_SOURCE=200809L \
			-D_DEFAULT_SOURCE "$src" "$out/libotadiag_core.a" \
			$libs -lpthread -lm -o "$bin"
	fi
	built="$built $t"
done
echo "built in $out:$built"
