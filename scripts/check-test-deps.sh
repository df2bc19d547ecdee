#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a test needs a program (or Python module) that the set-up
# scripts do not install, so "the suite passes on a fresh machine with
# exactly what scripts/setup.sh installs" is checked on every run, not
# only by a clean CI container.
#
# What the tests run is read from the tests themselves:
#   - C tests: the first word of every command string given to system(),
#     popen(), execlp()/execvp(), and of command buffers built with
#     snprintf(cmd, ...);
#   - helper scripts under tests/: their "test-needs: PROG..." lines;
#   - Python helpers under tests/: their imports.
# Each program must belong to a package listed in scripts/deps/apt-*.txt,
# to a direct dependency of one, or to an Essential/required package
# (present on every Debian system); each non-standard Python module the
# same.  Exit 0 all covered, 1 a gap (named), 77 not a Debian system.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
command -v dpkg-query >/dev/null 2>&1 || { echo "check-test-deps: no dpkg: skipped"; exit 77; }

listed=$(cat "$here"/scripts/deps/apt-*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
# direct dependencies of what is listed (clang -> clang-14 ...)
# shellcheck disable=SC2086
deps=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}\n' $listed 2>/dev/null |
    tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/[[:space:]]//g' | sed '/^$/d' | sort -u || true)
ok_pkgs=$(printf '%s\n%s\n' "$listed" "$deps" | sort -u)

covered() {	# package -> 0 if setup.sh installs it or Debian always has it
	local pkg=$1 ess
	grep -qxF "$pkg" <<<"$ok_pkgs" && return 0
	ess=$(dpkg-query -W -f='${Essential} ${Priority}' "$pkg" 2>/dev/null || true)
	case $ess in yes*|*required) return 0 ;; esac
	return 1
}

owned=		# "package: path" lines of every path asked about, one dpkg -S
owner() {	# file -> its package (also across the /bin -> /usr/bin merge)
	local f=$1 alt
	for alt in "$f" "$(readlink -f "$f")" "${f/#\/usr\/bin\//\/bin/}" \
	    "${f/#\/bin\//\/usr\/bin/}"; do
		pkg=$(awk -F': ' -v f="$alt" '$2 == f { print $1; exit }' <<<"$owned")
		pkg=${pkg%%,*}
		[ -n "$pkg" ] && { echo "${pkg%%:*}"; return 0; }
	done
	return 1
}
lookup_all() {	# paths -> fills owned in one dpkg -S
	local f alts=()
	for f in "$@"; do
		alts+=("$f" "$(readlink -f "$f")" "${f/#\/usr\/bin\//\/bin/}" "${f/#\/bin\//\/usr\/bin/}")
	done
	owned=$(dpkg -S "${alts[@]}" 2>/dev/null || true)
}

progs=$(
	grep -rhoE '(system|popen|execlp|execvp)\("[A-Za-z0-9_.+-]+' "$here/tests" --include='*.c' |
	    sed 's/.*("//'
	grep -rhoE 'snprintf\(cmd, sizeof\(cmd\),[[:space:]]*"[A-Za-z0-9_.+-]+' "$here/tests" --include='*.c' |
	    sed 's/.*"//'
	grep -rhoE 'test-needs:.*' "$here/tests" | sed 's/test-needs://' | tr -s ' ' '\n'
)
progs=$(printf '%s\n' $progs | grep -vxE 'command|exec|' | sort -u)

status=0
paths=()
for prog in $progs; do
	p=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$prog" || true)
	[ -n "$p" ] && paths+=("$p")
done
mods=$(grep -rhoE '^(import [A-Za-z0-9_]+|from [A-Za-z0-9_]+)' "$here/tests" --include='*.py' |
    awk '{print $2}' | sort -u)
modfiles=()
for mod in $mods; do
	if ! /usr/bin/python3 -c "import sys; sys.exit(0 if '$mod' in sys.stdlib_module_names else 1)"; then
		f=$(/usr/bin/python3 -c "import $mod; print($mod.__file__)" 2>/dev/null || true)
		[ -n "$f" ] && modfiles+=("$f")
	fi
done
lookup_all "${paths[@]}" "${modfiles[@]}"
for prog in $progs; do
	# looked up where Debian's packages put programs, not in this
	# shell's PATH (a pyenv or /usr/local copy proves nothing)
	if ! path=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$prog"); then
		echo "check-test-deps: the tests run '$prog', which is not installed and no scripts/deps/apt-*.txt package provides it" >&2
		status=1
		continue
	fi
	if ! pkg=$(owner "$path"); then
		echo "check-test-deps: the tests run '$prog' ($path), which no Debian package owns" >&2
		status=1
		continue
	fi
	if ! covered "$pkg"; then
		echo "check-test-deps: the tests run '$prog' from package '$pkg', which scripts/deps/apt-*.txt does not list" >&2
		status=1
	fi
done

for mod in $mods; do
	if /usr/bin/python3 -c "import sys; sys.exit(0 if '$mod' in sys.stdlib_module_names else 1)"; then
		continue
	fi
	if ! file=$(/usr/bin/python3 -c "import $mod; print($mod.__file__)" 2>/dev/null); then
		echo "check-test-deps: the tests import Python module '$mod', which is not installed" >&2
		status=1
	elif ! pkg=$(owner "$file") || ! covered "$pkg"; then
		echo "check-test-deps: the tests import '$mod' from '${pkg:-no package}', which scripts/deps/apt-*.txt does not list" >&2
		status=1
	fi
done
[ $status -eq 0 ] && echo "check-test-deps: every program the tests run comes with scripts/setup.sh:" $progs
exit $status
