/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_util: small helpers the report writers (github.c, junit.c,
 * sarif.c, jsonl.c) share, so that a finding's rule id, cause, title and
 * location read the same in every format.  Internal to src/report/.
 * Prefix: report_util_.
 */
#ifndef OTADIAG_REPORT_UTIL_H
#define OTADIAG_REPORT_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "result.h"

/* The finding's rule id, else its cause, else "unknown" (borrowed). */
const char *report_util_rule_id(const struct finding *f);

/* The finding's cause id, or "unknown" (borrowed). */
const char *report_util_cause(const struct finding *f);

/* The title of the finding's rule, or "OTA failure" (borrowed). */
const char *report_util_title(const struct finding *f);

/*
 * The part of the absolute PATH after "CWD/" when PATH lies strictly under
 * CWD (trailing slashes of CWD ignored; CWD "/" holds every absolute path),
 * else NULL.  CWD may be NULL (then NULL).  Borrowed from PATH.
 */
const char *report_util_under_cwd(const char *path, const char *cwd);

/*
 * S (not NULL) as a JSON string; text that is not valid UTF-8 is passed
 * through sanitize_dup() first.  Returns NULL if even that is refused.
 */
json_t	*report_util_json_str(const char *s);

/*
 * Writes OBJ with json_dumpf() FLAGS and a newline, and releases it.
 * Returns 0, or DIAG_EIO if OBJ is NULL or the write fails.
 */
int	 report_util_json_put(FILE *fp, json_t *obj, size_t flags);

#endif
