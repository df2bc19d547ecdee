#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Throughput and peak memory of `otadiag analyze --format json` against
# ripgrep and GNU grep running the same rule patterns over the same log.
# Not a test; see bench/README.md.
#
# usage: bench/run-analyze.sh [-s MB] [-r RUNS] [-b OTADIAG] [-a OTHER] [-q] [-k]
#   -s MB       size of the generated log (default 200)
#   -r RUNS     rounds; in each every tool runs once, in turn, so that all
#               see the same load; the best time and the highest RSS are
#               kept (3)
#   -b OTADIAG  the binary (default: $OTADIAG or build*/otadiag)
#   -a OTHER    another otadiag (say, main's build) measured in the same
#               rounds, for before/after figures
#   -q          only otadiag(s) and rg -c -f ere.txt (the issue-15 pair)
#   -k          keep the work directory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=200 runs=3 keep=0 bin=${OTADIAG:-} other= quick=0
while getopts "s:r:b:a:qk" o; do
	case $o in
	s) size=$OPTARG ;; r) runs=$OPTARG ;; b) bin=$OPTARG ;; k) keep=1 ;;
	a) other=$OPTARG ;; q) quick=1 ;;
	*) echo "usage: $0 [-s MB] [-r RUNS] [-b OTADIAG] [-a OTHER] [-q] [-k]" >&2; exit 2 ;;
	esac
done
if [ -z "$bin" ]; then
	bin=$(ls -t "$here"/../build*/otadiag 2>/dev/null | head -1 || true)
fi
[ -x "$bin" ] || { echo "run-analyze: no otadiag binary (use -b)" >&2; exit 2; }
[ -z "$other" ] || [ -x "$other" ] || { echo "run-analyze: $other: not a binary" >&2; exit 2; }
for t in rg grep python3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "run-analyze: $t missing (scripts/setup.sh installs it)" >&2; exit 2; }
done

work=${BENCH_DIR:-$(mktemp -d /tmp/otadiag-bench.XXXXXX)}
mkdir -p "$work"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
log=$work/bench-${size}M.log
[ -s "$log" ] || python3 "$here/gen-log.py" --size "$size" -o "$log"
bytes=$(stat -c %s "$log")
"$bin" rules list --format json >"$work/rules.json"
python3 "$here/patterns.py" "$work/rules.json" "$work"

# measure K NAME CMD...: one run of tool K; best[K] keeps the best wall
# time, rss[K] the highest peak RSS.
names=() best=() rss=()
measure() {
	local k=$1 name=$2 e m rc; shift 2
	names[k]=$name
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
		rc=$?; [ $rc -le 1 ] || { echo "run-analyze: $name failed ($rc):" >&2; cat "$work/err" >&2; return 0; }; }
	read -r e m <"$work/time"
	if [ -z "${best[k]:-}" ] || awk "BEGIN{exit !($e < ${best[k]})}"; then best[k]=$e; fi
	[ "$m" -gt "${rss[k]:-0}" ] && rss[k]=$m
	return 0
}

# Output goes to a file, not /dev/null: GNU grep stops at the first match
# when it sees its output is /dev/null.
# Page the file into the cache once so the first tool is not penalised.
cat "$log" >/dev/null
for ((i = 0; i < runs; i++)); do
	measure 0 "otadiag analyze --format json" "$bin" analyze --format json --fail-on never "$log"
	[ -z "$other" ] || measure 1 "the same, -a build" "$other" analyze --format json --fail-on never "$log"
	measure 2 "rg -c -f ere.txt" rg -c -f "$work/ere.txt" "$log"
	[ "$quick" = 1 ] && continue
	measure 3 "rg -P -c -f pcre.txt" rg -P -c -f "$work/pcre.txt" "$log"
	measure 4 "grep -E -c -f ere.txt" grep -E -c -f "$work/ere.txt" "$log"
	measure 5 "LC_ALL=C grep -E -c -f ere.txt" env LC_ALL=C grep -E -c -f "$work/ere.txt" "$log"
done

mb=$(awk "BEGIN{print $bytes/1048576}")
printf '\nlog: %s (%.1f MB, %s lines)  runs: %s  cpu: %s\n\n' "$log" "$mb" \
	"$(wc -l <"$log")" "$runs" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-34s %9s %10s %11s %9s\n' tool seconds "MB/s" "peak RSS" "vs otadiag"
base=${best[0]:-0}
for k in 0 1 2 3 4 5; do
	[ -n "${names[k]:-}" ] && [ -n "${best[k]:-}" ] || continue
	sec=${best[k]} kb=${rss[k]}
	printf '%-34s %9.2f %10.1f %8.1f MB %8.2fx\n' "${names[k]}" "$sec" \
		"$(awk "BEGIN{print ($sec>0)?$mb/$sec:0}")" "$(awk "BEGIN{print $kb/1024}")" \
		"$(awk "BEGIN{print ($sec>0)?$base/$sec:0}")"
done
echo
echo "vs otadiag > 1 means the tool is faster than otadiag (ratio of wall times)."
