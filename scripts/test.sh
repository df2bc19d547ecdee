#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Second command of the README (and what CI runs): install what is missing,
# then build and run every test with ctest, twice: a normal build and an
# AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh" --test
# every program a test runs must come with what setup.sh installs
"$here/scripts/check-test-deps.sh"
jobs=$(nproc)
status=0
for cfg in normal sanitize; do
	dir="$here/build-test-$cfg"
	opts=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTADIAG_WERROR=ON)
	if [ "$cfg" = sanitize ]; then
		opts+=(-DOTADIAG_SANITIZE=ON)
	fi
	echo "== $cfg build"
	cmake -S "$here" -B "$dir" "${opts[@]}" >/dev/null
	cmake --build "$dir" -j"$jobs"
	echo "== $cfg tests"
	if ! (cd "$dir" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j"$jobs" --timeout 900); then
		status=1
	fi
done
exit $status
