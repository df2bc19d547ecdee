#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A short fuzz run of one target, as ctest runs it (tests/CMakeLists.txt):
# usage: tests/fuzz/run-short.sh OUTDIR NAME SECONDS
# test-needs: find sort mktemp
# Seeds and the longest input come from the target's own header lines
# "fuzz-seeds: DIR..." and "fuzz-max-len: N" (paths from the source root;
# default fixtures/corpus and 4096).  New inputs go to a temporary folder,
# never into the fixtures.  Fails on any crash, leak, sanitizer report or
# time-out libFuzzer reports; the reproducer is left in OUTDIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(cd "$1" && pwd) name=$2 secs=$3
src="$here/tests/fuzz/$name.c"
set -f	# the seed words are folder names, never globs
seeds=$(sed -n 's/^.*fuzz-seeds:[[:space:]]*//p' "$src" | head -1 | sed 's|\*/.*||')
maxlen=$(sed -n 's/^.*fuzz-max-len:[[:space:]]*\([0-9]*\).*/\1/p' "$src" | head -1)
[ -n "$seeds" ] || seeds=fixtures/corpus
[ -n "$maxlen" ] || maxlen=4096
work=$(mktemp -d "${TMPDIR:-/tmp}/otadiag-fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A short run cannot afford to replay hundreds of logs before it starts:
# an even sample of at most OTADIAG_FUZZ_SEEDS seed files (default 48),
# copied into the run's own corpus folder.
files=()
for d in $seeds; do
	[ -d "$here/$d" ] || continue
	while IFS= read -r f; do files+=("$f"); done \
	    < <(find "$here/$d" -maxdepth 1 -type f | LC_ALL=C sort)
done
want=${OTADIAG_FUZZ_SEEDS:-48}
step=$(( (${#files[@]} + want - 1) / want ))
[ "$step" -ge 1 ] || step=1
set +f
for ((i = 0; i < ${#files[@]}; i += step)); do
	cp "${files[$i]}" "$work/seed-$i"
done
cd "$out"
set +e
# a fixed seed: the same mutations every run, so a CI failure reproduces
# (OTADIAG_FUZZ_SEED=0 lets libFuzzer pick one)
"$out/$name" -seed="${OTADIAG_FUZZ_SEED:-1}" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 -error_exitcode=1 \
	-rss_limit_mb=1024 -print_final_stats=1 "$work" 2>&1 |
	grep -E '^(INFO: seed corpus|==|SUMMARY|stat::number_of_executed_units|Done|ERROR|.*deadly signal|artifact_prefix|Test unit written)'
status=${PIPESTATUS[0]}
exit "$status"
