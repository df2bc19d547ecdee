#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Peak memory and time of otadiag on inputs that grow without bound: a log
# of whole updates repeated (SIZE MB each), and cloud jobs of many nodes
# (80 000 and 785 000 by default: the sizes of issue 14), with ripgrep over
# the same bytes as the reference measured in the same run, and for jobs
# also jq (when installed; the table says which ran): jq parses the whole
# job into one tree, as otadiag did before it read jobs node by node.
# Not a test; see bench/README.md.
#
# usage: bench/run-memory.sh [-b OTADIAG] [-s "15 150"] [-n "80000 785000"]
#        [-f "json text junit"]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${OTADIAG:-} sizes="15 150" nodes="80000 785000" jfmts="json text junit"
while getopts "b:s:n:f:" o; do
	case $o in
	b) bin=$OPTARG ;; s) sizes=$OPTARG ;; n) nodes=$OPTARG ;;
	f) jfmts=$OPTARG ;;
	*) echo "usage: $0 [-b OTADIAG] [-s SIZES] [-n NODES] [-f FORMATS]" >&2
	   exit 2 ;;
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
	/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" \
	    2>/dev/null || true
	read -r e u s m <"$work/time"
	# CPU seconds too: on a shared machine elapsed time is mostly waiting
	printf '%s|%s (cpu %s)|%s|%s\n' "$label" "$e" \
	    "$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" \
	    "$m" "$(stat -c %s "$work/out")"
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
	mb=$(( $(stat -c %s "$job") / 1000000 ))
	for f in $jfmts; do
		IFS='|' read -r _ e m o < <(run x "$bin" job --format $f --fail-on never "$job")
		echo "| job of $n nodes ($mb MB) | otadiag job --format $f | $e | $m | $o |"
	done
	IFS='|' read -r _ e m o < <(run x rg -c node_id "$job")
	echo "| job of $n nodes ($mb MB) | rg -c node_id | $e | $m | $o |"
	if command -v jq >/dev/null; then
		IFS='|' read -r _ e m o < <(run x jq '.node_ota_status | length' "$job")
		echo "| job of $n nodes ($mb MB) | jq '.node_ota_status \| length' | $e | $m | $o |"
	else
		echo "| job of $n nodes ($mb MB) | jq: not installed | - | - | - |"
	fi
done
