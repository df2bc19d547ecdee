#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The quiet-line path gives the same reports as the full one.  A line that
# no needle hits is neither copied nor split into fields nor matched
# (src/findings/analysis.c, quiet_line); OTADIAG_SLOW_LINES=1 takes every
# line in full, as before.  Every log and job under fixtures/ (and a
# bench log: colours, host prefixes, every device format) is analysed both
# ways, one process per way, and the JSON reports and exit statuses must
# be the same.
#   tests/integ/test-quiet-lines.sh OTADIAG
# test-needs: find cmp python3
set -uo pipefail
bin=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
export OTADIAG_CONFIG=none NO_COLOR=1
work=$(mktemp -d "${TMPDIR:-/tmp}/otadiag-quiet.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "test-quiet-lines: FAIL: $*" >&2; exit 1; }

cd "$src" || fail "no source tree at $src"
mapfile -t files < <(find fixtures/logs fixtures/field fixtures/corpus -type f \
	! -name '*.jsonl' ! -name '*.md' | LC_ALL=C sort)
[ "${#files[@]}" -ge 1000 ] || fail "only ${#files[@]} fixtures found"
python3 bench/gen-log.py --size 1 -o "$work/bench.log" ||
	fail "bench/gen-log.py failed"
files+=("$work/bench.log")

"$bin" analyze --format json --fail-on never "${files[@]}" \
	>"$work/quiet.json" 2>"$work/quiet.err"
rq=$?
OTADIAG_SLOW_LINES=1 "$bin" analyze --format json --fail-on never "${files[@]}" \
	>"$work/full.json" 2>"$work/full.err"
rf=$?
[ "$rq" = "$rf" ] || fail "exit $rq with the quiet-line path, $rf without"
[ "$rq" -le 1 ] || { cat "$work/quiet.err" >&2; fail "analyze exited $rq"; }
n=$(grep -c '"path": ' "$work/full.json")
[ "$n" -ge "${#files[@]}" ] || fail "the report names $n inputs of ${#files[@]}"
if ! cmp -s "$work/quiet.json" "$work/full.json"; then
	diff -u "$work/full.json" "$work/quiet.json" | head -40 >&2
	fail "the reports differ (above: - full path, + quiet-line path)"
fi
cmp -s "$work/quiet.err" "$work/full.err" || fail "stderr differs"
echo "test-quiet-lines: ${#files[@]} inputs, the same report both ways"
