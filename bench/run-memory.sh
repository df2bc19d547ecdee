#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Peak memory and time of otadiag on inputs that grow without bound: a log
# of whole updates repeated (SIZE MB each), and cloud jobs of many nodes,
# with ripgrep over the same bytes as the reference measured in the same
# run (peak RSS ratio otadiag/rg).  Not a test; see bench/README.md.
#
# usage: bench/run-memory.sh [-b OTADIAG] [-s "15 150"] [-n "8000 80000"]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${OTADIAG:-} sizes="15 150" nodes="8000 80000"
while getopts "b:s:n:" o; do
	case $o in
	b) bin=$OPTARG ;; s) sizes=$OPTARG ;; n) nodes=$OPTARG ;;
	*) echo "usage: $0 [-b OTADIAG] [-s SIZES] [-n NODES]" >&2; exit 2 ;;
	esac
done
if [ -z "$bin" ]; then
	bin=$(ls -t "$here"/../build*/otadiag 2>/dev/null | head -1 || true)
fi
[ -x "$bin" ] || { echo "run-memory: no otadiag binary (use -b)" >&2; exit 2; }
work=$(mktemp -d /tmp/otadiag-mem.XXXXXX)
trap 'rm -rf "$work"' EXIT

run() {	# LABEL CMD...: "seconds peakKB" of one run, output to a file
	local label=$1; shift
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>/dev/null || true
	read -r e m <"$work/time"
	printf '%s|%s|%s|%s\n' "$label" "$e" "$m" "$(stat -c %s "$work/out")"
}
printf '| input | tool | s | peak RSS KB | output bytes |\n|---|---|---|---|---|\n'
for s in $sizes; do
	log=$work/updates-$s.log
	python3 "$here/gen-updates.py" --size "$s" -o "$log"
	for f in json text; do
		IFS='|' read -r _ e m o < <(run x "$bin" analyze --format $f --fail-on never "$log")
		echo "| ${s} MB of updates | otadiag analyze --format $f | $e | $m | $o |"
	done
	IFS='|' read -r _ e m o < <(run x rg -c "OTA|ota" "$log")
	echo "| ${s} MB of updates | rg -c 'OTA|ota' | $e | $m | $o |"
	rm -f "$log"
done
for n in $nodes; do
	job=$work/job-$n.json
	python3 "$here/gen-job.py" --nodes "$n" -o "$job"
	for f in json text; do
		IFS='|' read -r _ e m o < <(run x "$bin" job --format $f --fail-on never "$job")
		echo "| job of $n nodes | otadiag job --format $f | $e | $m | $o |"
	done
	IFS='|' read -r _ e m o < <(run x rg -c node_id "$job")
	echo "| job of $n nodes | rg -c node_id | $e | $m | $o |"
done
