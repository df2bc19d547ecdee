#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds and runs the monitor latency / idle-CPU benchmark.
# usage: bench/monitor-latency.sh [BUILD_DIR] [RUNS] [IDLE_SECONDS] [FIXTURE]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-200}
idle=${3:-10}
fixture=${4:-tls-failed-1.log}
bin=$build/otadiag
[ -x "$bin" ] || { echo "monitor-latency: build otadiag first ($bin)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DOTADIAG_BINARY="\"$bin\"" -DOTADIAG_SOURCE_DIR="\"$here\"" \
	-I"$here/tests/integ" -o "$out/monitor-latency" \
	"$here/bench/monitor-latency.c" "$here/tests/integ/harness.c" \
	-lutil -lpthread
NO_COLOR=1 "$out/monitor-latency" "$runs" "$idle" "$fixture"
