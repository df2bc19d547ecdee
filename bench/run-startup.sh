#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-up of `otadiag analyze --format json` on an empty log, with the
# built-in rules and with --no-default-rules: instructions (callgrind,
# the figure to compare on a shared machine) and wall time (hyperfine).
# Not a test; see bench/README.md.
#
# usage: bench/run-startup.sh [-b OTADIAG] [-r RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${OTADIAG:-} runs=50
while getopts "b:r:" o; do
	case $o in
	b) bin=$OPTARG ;; r) runs=$OPTARG ;;
	*) echo "usage: $0 [-b OTADIAG] [-r RUNS]" >&2; exit 2 ;;
	esac
done
if [ -z "$bin" ]; then
	bin=$(ls -t "$here"/../build*/otadiag 2>/dev/null | head -1 || true)
fi
[ -x "$bin" ] || { echo "run-startup: no otadiag binary (use -b)" >&2; exit 2; }
for t in valgrind hyperfine; do
	command -v "$t" >/dev/null || { echo "run-startup: $t missing (scripts/setup.sh installs it)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/otadiag-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
: >"$work/empty.log"

# instructions of one run, as callgrind counts them
instr() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$@" \
	    >/dev/null 2>"$work/vg" || true
	sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$work/vg"
}
with=$(instr "$bin" analyze --format json --fail-on never "$work/empty.log")
without=$(instr "$bin" analyze --no-default-rules --format json --fail-on never "$work/empty.log")
printf 'instructions: built-in rules %s, --no-default-rules %s, ratio %s\n' \
	"$with" "$without" "$(awk "BEGIN{printf \"%.2f\", $with/$without}")"
hyperfine -N -i -w 5 -r "$runs" \
	"$bin analyze --format json --fail-on never $work/empty.log" \
	"$bin analyze --no-default-rules --format json --fail-on never $work/empty.log"
