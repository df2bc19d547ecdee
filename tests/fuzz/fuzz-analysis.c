/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes through the whole log path (line
 * splitting, normalisation, matching with the built-in rules, the session
 * model, ranking and the JSON and text reports).  See tests/fuzz/README.md.
 *
 * fuzz-seeds: fixtures/corpus fixtures/logs
 * fuzz-max-len: 4096
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"
#include "report.h"
#include "ruleset.h"

static struct ruleset *rs;
static struct matcher *m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_err err;
	struct analysis *a;
	struct input_result *r;
	struct report_opts o = {0};
	FILE *null;
	size_t half = size / 2;

	if (rs == NULL) {
		rs = ruleset_new();
		if (ruleset_load_builtin(rs, &err) != 0 ||
		    (m = matcher_new(rs, &err)) == NULL)
			abort();
	}
	a = analysis_new(rs, m, "fuzz", NULL);
	/* two chunks, so a line (and a CR) can straddle a read */
	analysis_feed(a, (const char *)data, half);
	analysis_feed(a, (const char *)data + half, size - half);
	analysis_finish(a);
	r = analysis_take_result(a);
	analysis_free(a);
	null = fopen("/dev/null", "w");
	o.fail_on = RULE_ERROR;
	o.rules = rs;
	report_write(REPORT_TEXT, null, &r, 1, &o);
	report_write(REPORT_JSON, null, &r, 1, &o);
	report_write(REPORT_SARIF, null, &r, 1, &o);
	report_write(REPORT_JUNIT, null, &r, 1, &o);
	fclose(null);
	result_free(r);
	return 0;
}
