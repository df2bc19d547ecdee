#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, and only that.
#   scripts/setup.sh         what building and running otadiag needs
#   scripts/setup.sh --test  that, plus what the tests need
# Package lists (one package per line, '#' comments), by file name:
#   scripts/deps/apt-test-*.txt  Debian packages only the tests (and
#                                benchmarks) use: installed with --test
#   scripts/deps/apt-*.txt       every other list: building and running
#   scripts/deps/npm-*.txt       npm packages, test-only, installed into
#                                .deps/node_modules of the checkout
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sudo=
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
tests=0
case ${1:-} in
--test) tests=1 ;;
'') ;;
*) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

lists=()
for f in "$here"/scripts/deps/apt-*.txt; do
	case ${f##*/} in
	apt-test-*) [ $tests -eq 1 ] && lists+=("$f") ;;
	*) lists+=("$f") ;;
	esac
done
want=$(cat "${lists[@]}" | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "setup: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

[ $tests -eq 1 ] || exit 0
npm_want=$(cat "$here"/scripts/deps/npm-*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u || true)
if [ -n "$npm_want" ]; then
	mkdir -p "$here/.deps"
	need=
	for p in $npm_want; do
		name=${p%@*}; [ -n "$name" ] || name=$p
		[ -d "$here/.deps/node_modules/$name" ] || need="$need $p"
	done
	if [ -n "$need" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			$sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
		fi
		echo "setup: npm installing:$need" >&2
		# shellcheck disable=SC2086
		(cd "$here/.deps" && npm install --no-audit --no-fund --silent $need >/dev/null)
	fi
fi
