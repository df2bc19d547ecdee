#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# First command of the README: install what running needs (and only what
# is missing; test tools come with scripts/test.sh), build, and run
# otadiag on a bundled log.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$here/build" -j"$(nproc)"
echo
echo "\$ build/otadiag analyze fixtures/corpus/server-unreachable-1.log"
"$here/build/otadiag" analyze "$here/fixtures/corpus/server-unreachable-1.log" || true
