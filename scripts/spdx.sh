#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source file says its licence in its first lines (SPDX).
#   scripts/spdx.sh          adds the missing headers
#   scripts/spdx.sh --check  lists files without one; exit 1 if any
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
id='SPDX-License-Identifier: Apache-2.0'
check=0
[ "${1:-}" = --check ] && check=1
missing=0
cd "$here"
while IFS= read -r f; do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' && continue
	if [ $check -eq 1 ]; then
		echo "spdx: $f: no SPDX-License-Identifier in its first 3 lines" >&2
		missing=1
		continue
	fi
	case $f in
	*.c | *.h) line="/* $id */" ;;
	*) line="# $id" ;;
	esac
	if head -n 1 "$f" | grep -qE '^#(!|compdef)'; then
		{ head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } >"$f.spdx"
	else
		{ echo "$line"; cat "$f"; } >"$f.spdx"
	fi
	chmod --reference="$f" "$f.spdx"
	mv "$f.spdx" "$f"
done < <(git ls-files -co --exclude-standard -- '*.c' '*.h' '*.sh' '*.py' \
    '*.cmake' 'CMakeLists.txt' '*/CMakeLists.txt' 'scripts/completion/*' \
    '.ci/run' | grep -v '^fixtures/' | sort -u)
exit $missing
