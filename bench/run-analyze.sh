#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Throughput and peak memory of `otadiag analyze --format json` against
# ripgrep and GNU grep running the same rule patterns over the same log.
# Not a test; see bench/README.md.
#
# usage: bench/run-analyze.sh [-s MB] [-r RUNS] [-b OTADIAG] [-k]
#   -s MB       size of the generated log (default 200)
#   -r RUNS     runs per tool; the best time and the highest RSS are kept (3)
#   -b OTADIAG  the binary (default: $OTADIAG or build*/otadiag)
#   -k          keep the work directory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=200 runs=3 keep=0 bin=${OTADIAG:-}
while getopts "s:r:b:k" o; do
	case $o in
	s) size=$OPTARG ;; r) runs=$OPTARG ;; b) bin=$OPTARG ;; k) keep=1 ;;
	*) echo "usage: $0 [-s MB] [-r RUNS] [-b OTADIAG] [-k]" >&2; exit 2 ;;
	esac
done
if [ -z "$bin" ]; then
	bin=$(ls -t "$here"/../build*/otadiag 2>/dev/null | head -1 || true)
fi
[ -x "$bin" ] || { echo "run-analyze: no otadiag binary (use -b)" >&2; exit 2; }
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

# measure NAME CMD...: best wall time and max RSS over $runs runs.
results=()
measure() {
	local name=$1 best= rss=0 i e m; shift
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
			rc=$?; [ $rc -le 1 ] || { echo "run-analyze: $name failed ($rc):" >&2; cat "$work/err" >&2; return 0; }; }
		read -r e m <"$work/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($e < $best)}"; then best=$e; fi
		[ "$m" -gt "$rss" ] && rss=$m
	done
	results+=("$name|$best|$rss")
}

# Output goes to a file, not /dev/null: GNU grep stops at the first match
# when it sees its output is /dev/null.
# Page the file into the cache once so the first tool is not penalised.
cat "$log" >/dev/null
measure "otadiag analyze --format json" "$bin" analyze --format json --fail-on never "$log"
measure "rg -c -f ere.txt" rg -c -f "$work/ere.txt" "$log"
measure "rg -P -c -f pcre.txt" rg -P -c -f "$work/pcre.txt" "$log"
measure "grep -E -c -f ere.txt" grep -E -c -f "$work/ere.txt" "$log"
measure "LC_ALL=C grep -E -c -f ere.txt" env LC_ALL=C grep -E -c -f "$work/ere.txt" "$log"

mb=$(awk "BEGIN{print $bytes/1048576}")
printf '\nlog: %s (%.1f MB, %s lines)  runs: %s  cpu: %s\n\n' "$log" "$mb" \
	"$(wc -l <"$log")" "$runs" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-34s %9s %10s %11s %9s\n' tool seconds "MB/s" "peak RSS" "vs otadiag"
base=
for r in "${results[@]}"; do
	IFS='|' read -r name sec rss <<<"$r"
	[ -n "$base" ] || base=$sec
	printf '%-34s %9.2f %10.1f %8.1f MB %8.2fx\n' "$name" "$sec" \
		"$(awk "BEGIN{print ($sec>0)?$mb/$sec:0}")" "$(awk "BEGIN{print $rss/1024}")" \
		"$(awk "BEGIN{print ($sec>0)?$base/$sec:0}")"
done
echo
echo "vs otadiag > 1 means the tool is faster than otadiag (ratio of wall times)."
