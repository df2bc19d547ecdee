#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Validates SARIF files against the SARIF 2.1.0 schema.
#
#   tests/tools/validate-sarif.sh [--strict] FILE...
# test-needs: python3
#
# 1. Microsoft's sarif-multitool (npm @microsoft/sarif-multitool, installed by
#    scripts/setup.sh into .deps/node_modules).  It exits 0 even when a file
#    breaks the schema, so its output is read: a line containing " error "
#    fails the file.  With --strict its SARIF2xxx warnings fail it too.
# 2. When Python's jsonschema module is importable, the file is also checked
#    against tests/schemas/sarif-2.1.0.json (the schema the multitool ships).
#
# Exit status: 0 all valid, 1 a file is not valid, 2 no validator available.
set -u
root=${OTADIAG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
strict=0
if [ "${1:-}" = --strict ]; then
	strict=1
	shift
fi
if [ $# -eq 0 ]; then
	echo "usage: validate-sarif.sh [--strict] FILE..." >&2
	exit 2
fi

tool=
for c in "$root/.deps/node_modules/.bin/sarif-multitool" \
    "$(command -v sarif-multitool 2>/dev/null || true)"; do
	if [ -n "$c" ] && [ -x "$c" ]; then
		tool=$c
		break
	fi
done
have_py=0
if python3 -c 'import jsonschema' >/dev/null 2>&1; then
	have_py=1
fi
if [ -z "$tool" ] && [ $have_py -eq 0 ]; then
	echo "validate-sarif: neither sarif-multitool nor python3-jsonschema" \
	    "is installed; run scripts/setup.sh" >&2
	exit 2
fi

status=0
for f in "$@"; do
	if [ -n "$tool" ]; then
		out=$("$tool" validate "$f" 2>&1)
		rc=$?
		bad=$(printf '%s\n' "$out" | grep -E ' error [A-Z]+[0-9]+' || true)
		if [ $strict -eq 1 ]; then
			bad=$(printf '%s\n' "$out" |
			    grep -E ' (error|warning) [A-Z]+[0-9]+' || true)
		fi
		if [ $rc -ne 0 ] || [ -n "$bad" ]; then
			printf '%s\n' "${bad:-$out}" >&2
			echo "validate-sarif: $f: rejected by sarif-multitool" >&2
			status=1
			continue
		fi
	fi
	if [ $have_py -eq 1 ]; then
		if ! python3 - "$root/tests/schemas/sarif-2.1.0.json" "$f" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errs = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errs[:10]:
    print("%s: %s: %s" % (sys.argv[2], "/".join(map(str, e.path)), e.message),
          file=sys.stderr)
sys.exit(1 if errs else 0)
EOF
		then
			echo "validate-sarif: $f: breaks tests/schemas/sarif-2.1.0.json" >&2
			status=1
		fi
	fi
done
exit $status
