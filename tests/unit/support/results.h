/* SPDX-License-Identifier: Apache-2.0 */
/*
 * results: synthetic struct input_result values for the report writer
 * tests (test-github.c, test-junit.c, test-jsonl.c, test-sarif.c,
 * test-baseline.c), and the temporary working directory they write into.
 * Prefix: results_.
 *
 * Strings handed to the writers are copies kept until results_free_kept()
 * (or results_fini()), so a test never frees them itself.  Each Criterion
 * test runs in its own process, so the state kept here is per test.
 */
#ifndef OTADIAG_TEST_RESULTS_H
#define OTADIAG_TEST_RESULTS_H

#include <stddef.h>

#include "report.h"
#include "result.h"
#include "ruleset.h"

/* Four rules, one per severity and role the writers tell apart. */
extern const struct rule results_rule_alloc;	/* error, one kconfig */
extern const struct rule results_rule_http;	/* warning */
extern const struct rule results_rule_info;	/* info */
extern const struct rule results_rule_failed;	/* error, symptom */

/* Returns a copy of S, kept until results_free_kept(). */
char	*results_keep(const char *s);
void	 results_free_kept(void);

/*
 * A finding of rule R (or of no rule: cause "unknown", error) at LINE with
 * evidence TEXT and MESSAGE; no session, node or consequence.
 */
struct finding results_finding(const struct rule *r, unsigned long line,
	    const char *text, const char *msg);

/*
 * Fills R as a log input at PATH with OUTCOME and the NF findings F
 * (borrowed); F[0], if any, is the primary cause.
 */
void	 results_input(struct input_result *r, const char *path,
	    enum outcome oc, struct finding *f, size_t nf);

/* Report options with every member zero and fail_on at error. */
struct report_opts results_opts(void);

/* Number of non-overlapping occurrences of NEEDLE in HAY. */
size_t	 results_count(const char *hay, const char *needle);

/*
 * Creates /tmp/otadiag-NAME-XXXXXX and makes it the working directory;
 * results_tmpdir() returns its path (borrowed).
 */
void	 results_tmpdir_enter(const char *name);
const char *results_tmpdir(void);

/* Frees kept strings; leaves and removes the temporary directory, if any. */
void	 results_fini(void);

/* The whole content of the file at PATH, kept until results_free_kept(). */
char	*results_read(const char *path);

#endif
