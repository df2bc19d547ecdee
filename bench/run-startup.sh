#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-up of `otadiag analyze --format json` on an empty log, with the
# built-in rules and with --no-default-rules, and of `otadiag --version`
# (which loads libcurl): instructions (callgrind, the figure to compare on
# a shared machine), minor page faults (GNU time: most of the start-up
# cost where faults are dear) and wall time (hyperfine), with the ratio of
# the two analyze runs (issue 15: at most 1.5, and under 10 ms), and the
# CPU time (perf stat task-clock) where perf may count.
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
for t in valgrind hyperfine python3; do
	command -v "$t" >/dev/null || { echo "run-startup: $t missing (scripts/setup.sh installs it)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/otadiag-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
: >"$work/empty.log"
# one rule: the whole pipeline runs (--no-default-rules alone stops early,
# 'no rules loaded', exit 2)
cat >"$work/one.json" <<'EOF'
{"rules": [{"id": "bench-one", "cause": "download-interrupted", "severity": "error",
  "title": "one rule", "needle": "bench-one-needle", "pattern": "bench-one-needle",
  "message": "one rule", "remedy": "none",
  "examples": {"match": ["bench-one-needle"], "no_match": ["other"]}}]}
EOF

# instructions of one run, as callgrind counts them
instr() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$@" \
	    >/dev/null 2>"$work/vg" || true
	sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$work/vg"
}
with=(analyze --format json --fail-on never "$work/empty.log")
without=(analyze --no-default-rules --format json --fail-on never "$work/empty.log")
one=(analyze --no-default-rules --rules "$work/one.json" --format json --fail-on never "$work/empty.log")
iw=$(instr "$bin" "${with[@]}")
io=$(instr "$bin" "${without[@]}")
i1=$(instr "$bin" "${one[@]}")
iv=$(instr "$bin" --version)
printf 'instructions: built-in rules %s, --no-default-rules %s, ratio %s; one rule %s, ratio %s; --version %s\n' \
	"$iw" "$io" "$(awk "BEGIN{printf \"%.2f\", $iw/$io}")" \
	"$i1" "$(awk "BEGIN{printf \"%.2f\", $iw/$i1}")" "$iv"

# CPU time (task-clock, ms) of -r runs: steadier than wall time on a
# loaded machine, where waiting for a core counts in the wall time
cpu() {
	perf stat -x, -r "$runs" -e task-clock "$@" 2>&1 >/dev/null |
	    awk -F, '$3 == "task-clock" { printf "%.2f", $1 }' || true
}
if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
	cw=$(cpu "$bin" "${with[@]}")
	co=$(cpu "$bin" "${without[@]}")
	c1=$(cpu "$bin" "${one[@]}")
	printf 'task-clock (mean): built-in rules %s ms, --no-default-rules %s ms, ratio %s; one rule %s ms, ratio %s\n' \
	    "$cw" "$co" "$(awk "BEGIN{printf \"%.2f\", $cw/$co}")" \
	    "$c1" "$(awk "BEGIN{printf \"%.2f\", $cw/$c1}")"
fi

# minor page faults of one run
faults() {
	/usr/bin/time -f '%R' -o "$work/t" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$work/t"
}
if [ -x /usr/bin/time ]; then
	printf 'page faults: built-in rules %s, --no-default-rules %s, one rule %s; --version %s\n' \
	    "$(faults "$bin" "${with[@]}")" "$(faults "$bin" "${without[@]}")" \
	    "$(faults "$bin" "${one[@]}")" "$(faults "$bin" --version)"
fi

hyperfine -N -i -w 5 -r "$runs" --export-json "$work/h.json" \
	"$bin ${with[*]}" "$bin ${without[*]}" "$bin ${one[*]}" "$bin --version"
python3 - "$work/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
w, o, n, v = (x["mean"] * 1000 for x in r)
print(f"wall (mean): built-in rules {w:.1f} ms, --no-default-rules {o:.1f} ms, "
      f"ratio {w / o:.2f}; one rule {n:.1f} ms, ratio {w / n:.2f}; "
      f"--version {v:.1f} ms")
PY
