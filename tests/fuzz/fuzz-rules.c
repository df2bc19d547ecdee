/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as a user's rule file (strict loading,
 * then compiling every pattern).  See tests/fuzz/README.md.
 *
 * fuzz-seeds: rules
 * fuzz-max-len: 16384
 */
#include <stdint.h>
#include <stdlib.h>

#include "matcher.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset *rs = ruleset_new();
	struct diag_err err;
	struct matcher *m;

	if (ruleset_load_string(rs, "fuzz.json", (const char *)data, size,
	    &err) == 0 && (m = matcher_new(rs, &err)) != NULL)
		matcher_free(m);
	ruleset_free(rs);
	return 0;
}
