#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The CI gate that the GitHub Action (action.yml) and the GitLab CI template
# (templates/otadiag.gitlab-ci.yml) run: 'otadiag analyze' over the logs,
# writing a SARIF report (code scanning) and a JUnit report (test tabs) to
# the report folder; on GitHub, annotations and the step summary on
# standard output, then the text report; elsewhere the text report.
#
# Environment:
#   OTADIAG_LOGS        logs, folders or globs, blank-separated (required)
#   OTADIAG            the binary (default: otadiag on PATH)
#   OTADIAG_FAIL_ON    info, warning, error (default) or never
#   OTADIAG_EXPECT     an outcome every log must show (success ...), or empty
#   OTADIAG_BASELINE   a JSON report of accepted findings, or empty
#   OTADIAG_ARGS       more options for 'otadiag analyze', or empty
#   OTADIAG_REPORT_DIR where the reports go (default otadiag-reports)
# Exit status: otadiag's (0 pass, 1 an OTA failure or unmet --expect,
# 2 usage, 3 missing logs or a broken run), 2 when OTADIAG_LOGS is empty.
set -uo pipefail
bin=${OTADIAG:-otadiag}
dir=${OTADIAG_REPORT_DIR:-otadiag-reports}
if [ -z "${OTADIAG_LOGS:-}" ]; then
	echo "ci-gate: error: OTADIAG_LOGS is empty: name the logs to diagnose" >&2
	exit 2
fi
mkdir -p "$dir" || exit 3
args=(analyze --fail-on "${OTADIAG_FAIL_ON:-error}")
[ -n "${OTADIAG_EXPECT:-}" ] && args+=(--expect "$OTADIAG_EXPECT")
[ -n "${OTADIAG_BASELINE:-}" ] && args+=(--baseline "$OTADIAG_BASELINE")
args+=(--format sarif --output "$dir/otadiag.sarif"
    --format junit --output "$dir/otadiag.xml")
if [ "${GITHUB_ACTIONS:-}" = true ]; then
	args+=(--format text --output "$dir/otadiag.txt" --format github)
else
	args+=(--format text)
fi
echo "ci-gate: $bin ${args[*]} ${OTADIAG_ARGS:-} $OTADIAG_LOGS" >&2
# the logs and extra options are split and globbed on purpose
# shellcheck disable=SC2086
"$bin" "${args[@]}" ${OTADIAG_ARGS:-} $OTADIAG_LOGS
status=$?
[ -f "$dir/otadiag.txt" ] && cat "$dir/otadiag.txt"
exit $status
