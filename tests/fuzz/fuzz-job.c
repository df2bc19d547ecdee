/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as cloud job JSON, through detection,
 * parsing and the analysis of every node with the built-in rules.
 *
 * fuzz-seeds: fixtures/jobs fixtures/jobs/bad fixtures/jobs/pages
 * fuzz-max-len: 8192
 */
#include <stdint.h>
#include <stdlib.h>

#include "analysis.h"
#include "job.h"
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

	if (rs == NULL) {
		rs = ruleset_new();
		if (ruleset_load_builtin(rs, &err) != 0 ||
		    (m = matcher_new(rs, &err)) == NULL)
			abort();
	}
	(void)job_sniff((const char *)data, size);
	a = analysis_new(rs, m, "fuzz.json", NULL);
	if (job_load(a, "fuzz.json", (const char *)data, size, &err) == 0) {
		analysis_finish(a);
		r = analysis_take_result(a);
		result_free(r);
	}
	analysis_free(a);
	return 0;
}
