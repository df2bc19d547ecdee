/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An outcome and its primary cause never contradict each other, on any
 * fixture: every log of fixtures/corpus, fixtures/field and fixtures/logs
 * goes through the built binary (`analyze --format json`, with the full
 * rule set and with --generic-only), and
 * - an input where nothing was attempted names no cause of an update: none,
 *   or one that says why nothing ran (a refusal, a policy, advice), or
 *   crash-no-update (the device crashed with no update seen);
 * - crash-no-update is never the cause of an update's verdict;
 * - a success names no primary cause.
 * The cause classes come from the cause table itself (causes.c).
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "proc.h"
#include "ruleset.h"

/* The fixture inputs (not labels, notes or helper scripts), sorted. */
static size_t
fixtures(glob_t *g)
{
	static const char *const pats[] = {
		OTADIAG_SOURCE_DIR "/fixtures/corpus/*",
		OTADIAG_SOURCE_DIR "/fixtures/field/*/*",
		OTADIAG_SOURCE_DIR "/fixtures/logs/*",
	};
	size_t i;
	int flags = 0;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob(pats[i], flags, NULL, g);
		flags = GLOB_APPEND;
	}
	return g->gl_pathc;
}

static int
is_input(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (dot == NULL || (slash != NULL && dot < slash))
		return 1;
	return strcmp(dot, ".jsonl") != 0 && strcmp(dot, ".md") != 0 &&
	    strcmp(dot, ".py") != 0;
}

static void
check_all(const char *mode)
{
	glob_t g;
	size_t n = fixtures(&g), i, k = 0, checked = 0, bad = 0, seen = 0;
	size_t every = proc_sample_every();	/* OTADIAG_TEST_SAMPLE, proc.h */
	const char **argv = calloc(n + 8, sizeof(*argv));
	struct h_proc *p;
	json_error_t e;
	json_t *root, *inputs, *in;

	cr_assert_gt(n, 900, "fixtures found: %zu", n);
	argv[k++] = OTADIAG_BINARY;
	argv[k++] = "analyze";
	argv[k++] = "--format";
	argv[k++] = "json";
	argv[k++] = "--fail-on";
	argv[k++] = "never";
	if (mode != NULL)
		argv[k++] = mode;
	for (i = 0; i < n; i++)
		if (is_input(g.gl_pathv[i]) && seen++ % every == 0)
			argv[k++] = g.gl_pathv[i];
	argv[k] = NULL;
	p = h_spawn(argv, -1, NULL);
	cr_assert_not_null(p);
	cr_assert_eq(h_wait_exit(p, 540000), 0, "analyze %s: exit status, "
	    "stderr: %.600s", mode != NULL ? mode : "", p->err.buf);
	root = json_loadb(p->out.buf, p->out.len, 0, &e);
	cr_assert_not_null(root, "json: %s", e.text);
	inputs = json_object_get(root, "inputs");
	json_array_foreach(inputs, i, in) {
		const char *o = json_string_value(json_object_get(in,
		    "outcome"));
		const char *c = json_string_value(json_object_get(in,
		    "primary_cause"));
		const char *path = json_string_value(json_object_get(in,
		    "path"));

		cr_assert_not_null(o);
		checked++;
		if (strcmp(o, "not-attempted") == 0 && c != NULL &&
		    !cause_fits_not_attempted(c)) {
			cr_expect_fail("%s %s: not-attempted with the cause of "
			    "an update, %s", mode != NULL ? mode : "", path, c);
			bad++;
		}
		if (strcmp(o, "not-attempted") != 0 && c != NULL &&
		    strcmp(c, "crash-no-update") == 0) {
			cr_expect_fail("%s %s: %s with crash-no-update",
			    mode != NULL ? mode : "", path, o);
			bad++;
		}
		if (strcmp(o, "success") == 0 && c != NULL) {
			cr_expect_fail("%s %s: success with a cause, %s",
			    mode != NULL ? mode : "", path, c);
			bad++;
		}
	}
	cr_expect_eq(checked, k - (mode != NULL ? 7 : 6), "every fixture has "
	    "a report");
	cr_log_info("%zu reports checked, %zu contradictions", checked, bad);
	json_decref(root);
	h_proc_free(p);
	free(argv);
	globfree(&g);
}

Test(verdicts, outcome_and_cause_agree_on_every_fixture, .timeout = 600)
{
	check_all(NULL);
}

Test(verdicts, outcome_and_cause_agree_generic_only, .timeout = 600)
{
	check_all("--generic-only");
}
