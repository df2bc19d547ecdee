#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The bash completion offers only what otadiag accepts: every option it
# offers a command is in that command's --help, and every value it offers
# for an option is taken by the option parser (or, for --ignore, by the
# gate's id check).  The cause ids of the bash, zsh and fish completions are
# the cause table's.
#   tests/package/test-completion.sh OTADIAG
set -uo pipefail
bin=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
bad() { echo "test-completion: FAIL: $*" >&2; fail=1; }
export OTADIAG_CONFIG=none NO_COLOR=1
log=$src/fixtures/logs/success-idf5-1.log

# shellcheck disable=SC1091
source "$src/scripts/completion/otadiag.bash"
compopt() { :; }
# complete WORDS...: what the completion offers for the last word
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_otadiag
	printf '%s\n' "${COMPREPLY[@]}"
}
COMP_WORDS=(); COMP_WORDS[0]=$bin

for cmd in analyze monitor job explain; do
	help=$("$bin" $cmd --help)
	for opt in $(complete_words "$bin" $cmd -); do
		case $opt in --help | -h) continue ;; esac
		grep -Eq -- "(^|[ ,])$opt( |,|$)" <<<"$help" ||
		    bad "bash offers '$cmd $opt', which '$cmd --help' does not list"
	done
done

# option values: parsed before --help, so a refused value is exit 2
check_values() {	# cmd option
	local v n=0
	for v in $(complete_words "$bin" "$1" "$2" ""); do
		n=$((n + 1))
		"$bin" "$1" "$2" "$v" --help >/dev/null 2>&1 ||
		    bad "bash offers '$1 $2 $v', which otadiag refuses"
	done
	[ $n -gt 0 ] || bad "bash offers no value for '$1 $2'"
}
for o in --format --color --fail-on --expect; do check_values analyze $o; done
for o in --parity --flow --until --eol --data-bits --stop-bits; do
	check_values monitor $o
done

# --table values: each is a table explain searches
for t in $(complete_words "$bin" explain --table ""); do
	"$bin" explain --table "$t" 0x0 >/dev/null 2>&1
	[ $? -ne 2 ] || bad "bash offers 'explain --table $t', not a table"
done

# cause ids: exactly the cause table
causes=$("$bin" rules fields | sed -n '/^causes/,/^$/p' | awk 'NR > 1 && NF {print $1}' | sort)
[ -n "$causes" ] || bad "no cause table in 'rules fields'"
offered=$(complete_words "$bin" analyze --ignore "" | grep -vxF -f <("$bin" rules list --ids) | sort)
[ "$offered" = "$causes" ] || bad "bash --ignore causes differ from the cause table: $(diff <(echo "$causes") <(echo "$offered") | grep '^[<>]' | tr '\n' ' ')"
for f in "$src/scripts/completion/_otadiag" "$src/scripts/completion/otadiag.fish"; do
	for c in $causes; do
		case ${f##*/} in
		otadiag.fish) continue ;;	# fish asks the binary for ids
		esac
		grep -qw -- "$c" "$f" || bad "${f##*/} does not offer cause $c"
	done
done
[ $fail -eq 0 ] && echo "test-completion: ok"
exit $fail
