/* SPDX-License-Identifier: Apache-2.0 */
/*
 * builtin: loads the rule set compiled into the binary (see builtin.h).
 * Kept apart from ruleset.c so that otadiag-rulegen, which makes the
 * image with the loader, does not need the image itself.
 */
#include "builtin.h"
#include "ruleset.h"

int
ruleset_load_builtin(struct ruleset *rs, struct diag_err *err)
{
	return ruleset_load_image(rs, &builtin_image, err);
}
