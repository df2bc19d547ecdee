#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets with clang, ASan and UBSan into build-fuzz/.
# usage: tests/fuzz/build.sh && build-fuzz/fuzz-analysis -max_total_time=60 fixtures/corpus
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
CC=clang cmake -S "$here" -B "$here/build-fuzz" -DOTADIAG_TESTS=OFF \
	-DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -g -O1" \
	-DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$here/build-fuzz" --target otadiag_core -j"$(nproc)"
for t in analysis rules job image partitions elf; do
	clang -fsanitize=fuzzer,address,undefined -g -O1 -I"$here/include" \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
		"$here/tests/fuzz/fuzz-$t.c" "$here/build-fuzz/libotadiag_core.a" \
		$(pkg-config --libs libpcre2-8 jansson libcurl libserialport libdw libelf \
		    libcrypto) \
		-lpthread -lm -o "$here/build-fuzz/fuzz-$t"
done
echo "built $here/build-fuzz/fuzz-{analysis,rules,job,image,partitions,elf}"
