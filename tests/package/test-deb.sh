#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package as a user gets it: 'cpack -G DEB' on the build tree
# BUILD, then its metadata and contents, and the packaged binary and pages
# run from a tree unpacked with 'dpkg -x' (nothing is installed).
#   tests/package/test-deb.sh BUILD
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "test-deb: FAIL: $*" >&2; fail=1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" \
    >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log" >&2; bad "cpack -G DEB failed"; exit 1; }
deb=$(ls "$tmp"/out/otadiag_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { bad "no otadiag_*.deb in $tmp/out"; ls -R "$tmp/out" >&2; exit 1; }
echo "test-deb: built ${deb##*/} ($(stat -c %s "$deb") bytes)"

# Metadata: the libraries it runs with are declared.
info=$(dpkg-deb -f "$deb" Package Version Depends)
echo "$info"
for lib in libpcre2-8 libjansson libcurl libserialport libc6; do
	grep -q "^Depends:.*$lib" <<<"$info" || bad "Depends does not name $lib"
done
grep -q '^Package: otadiag$' <<<"$info" || bad "package name is not otadiag"

# Contents.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/otadiag \
    /usr/share/man/man1/otadiag.1 /usr/share/man/man1/otadiag-analyze.1 \
    /usr/share/man/man1/otadiag-monitor.1 /usr/share/man/man5/otadiag-rules.5 \
    /usr/share/man/man5/otadiag-report.5 \
    /usr/share/bash-completion/completions/otadiag \
    /usr/share/zsh/vendor-completions/_otadiag \
    /usr/share/fish/vendor_completions.d/otadiag.fish \
    /usr/share/doc/otadiag/README.md /usr/share/doc/otadiag/LICENSE; do
	grep -qx "$f" "$tmp/files" || bad "$f is not in the package"
done
for page in "$src"/man/*.[15]; do
	sec=${page##*.}
	grep -qx "/usr/share/man/man$sec/${page##*/}" "$tmp/files" ||
	    bad "man page ${page##*/} is not in the package"
done

# The packaged tree runs.
dpkg -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/otadiag
"$bin" --version >"$tmp/version" || bad "--version exits $?"
cat "$tmp/version"
grep -Eq '^otadiag [0-9]+\.[0-9]+\.[0-9]+' "$tmp/version" || bad "--version: no 'otadiag X.Y.Z' first line"
grep -Eq '^rules [0-9a-f]{12} \([0-9]+ built-in rule files\)$' "$tmp/version" || bad "--version: no rule set version"
grep -Eq '^PCRE2 [0-9.]+.*, libcurl [0-9.]+, jansson [0-9.]+, libserialport [0-9.]+$' "$tmp/version" || bad "--version: no library versions"
rc=0
NO_COLOR=1 "$bin" analyze "$src/fixtures/corpus/server-unreachable-1.log" >"$tmp/analyze" 2>&1 || rc=$?
[ $rc -eq 1 ] || bad "packaged analyze exits $rc, not 1"
grep -q 'failed: TCP connect to the firmware server failed (server-unreachable, line 1)' "$tmp/analyze" ||
    bad "packaged analyze does not print the verdict"

# The packaged pages render.
for page in otadiag.1 otadiag-monitor.1; do
	MANPAGER=cat MANWIDTH=80 man -l "$tmp/root/usr/share/man/man1/$page" >"$tmp/man" 2>"$tmp/man.err" ||
	    bad "man -l $page exits $?: $(head -n 3 "$tmp/man.err")"
	grep -q '^NAME' "$tmp/man" || bad "man -l $page: no NAME section"
done

# The completions parse.
bash -n "$tmp/root/usr/share/bash-completion/completions/otadiag" || bad "bash completion does not parse"
if command -v zsh >/dev/null; then
	zsh -n "$tmp/root/usr/share/zsh/vendor-completions/_otadiag" || bad "zsh completion does not parse"
fi
if command -v fish >/dev/null; then
	fish -n "$tmp/root/usr/share/fish/vendor_completions.d/otadiag.fish" || bad "fish completion does not parse"
fi

[ $fail -eq 0 ] && echo "test-deb: ok"
exit $fail
