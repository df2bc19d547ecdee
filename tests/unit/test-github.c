/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitHub writer: workflow-command syntax and escaping, severity mapping,
 * the 10-per-level limit with its tally, and the step summary.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "result.h"
#include "ruleset.h"

#include "results.h"

static void
setup(void)
{
	results_tmpdir_enter("github");
}

TestSuite(github, .init = setup, .fini = results_fini);

/* Runs the writer into memory; returns an owned string. */
static char *
run(struct input_result *const *in, size_t n, const struct report_opts *o)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(report_github(fp, in, n, o), 0);
	fclose(fp);
	return buf;
}

Test(github, commands_levels_and_escaping)
{
	static const struct rule r_esc = {
		.kind = RULE_KIND_RULE, .id = "gen-esc", .cause = "http-error",
		.severity = RULE_ERROR, .title = "Title: with, commas 100%",
		.remedy = "Fix it.",
	};
	struct finding	 f[4];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	char		 abs[128];
	char		*x;

	f[0] = results_finding(&r_esc, 7, "E (1) x: 50% done\r",
	    "line one\nline two: 100%");
	f[1] = results_finding(&results_rule_http, 8,
	    "I (2) ota: http://fw/a.bin", "plain http, really");
	f[2] = results_finding(&results_rule_info, 9, "I (3) ota: start",
	    "early");
	f[3] = results_finding(&results_rule_failed, 10, "E (4) ota: failed",
	    "upgrade failed");
	f[3].consequence_of = &f[0];
	snprintf(abs, sizeof(abs), "%s/logs/a,b:c.log", results_tmpdir());
	results_input(&a, abs, OUTCOME_FAILED, f, 4);
	x = run(in, 1, &o);
	cr_assert_not_null(strstr(x, "::error file=logs/a%2Cb%3Ac.log,line=7,"
	    "title=Title%3A with%2C commas 100%25 [gen-esc]::line one%0Aline two:"
	    " 100%25%0Acause: http-error%0Aevidence (line 7): E (1) x: 50%25 "
	    "done%0D%0Aremedy: Fix it.\n"), "%s", x);
	cr_assert_not_null(strstr(x, "::warning file=logs/a%2Cb%3Ac.log,line=8,"
	    "title=Firmware is fetched over plain http%3A// "
	    "[gen-plain-http-firmware-url]::plain http, really%0A"));
	cr_assert_not_null(strstr(x, "::notice file=logs/a%2Cb%3Ac.log,line=9,"
	    "title=Update started right after power-up [gen-ota-too-early]::"));
	/* The consequence is explained by the primary cause: no annotation. */
	cr_assert_null(strstr(x, "idf-ota-failed-symptom"));
	/* Every line is a workflow command: device text cannot start one. */
	{
		char *p = x;

		while (*p != '\0') {
			cr_assert_eq(strncmp(p, "::", 2), 0, "stray line: %s", p);
			p = strchr(p, '\n');
			cr_assert_not_null(p);
			p++;
		}
	}
	free(x);
}

Test(github, at_most_ten_per_level_then_a_tally)
{
	struct finding	 f[25];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	char		*x;
	size_t		 i;

	for (i = 0; i < 15; i++)
		f[i] = results_finding(&results_rule_alloc, 100 + i,
		    "E (1) Dynamic Impl: alloc(1 bytes) "
		    "failed", "m");
	for (; i < 25; i++)
		f[i] = results_finding(&results_rule_info, 100 + i,
		    "I (1) ota: start", "early");
	results_input(&a, "dut.log", OUTCOME_FAILED, f, 25);
	x = run(in, 1, &o);
	cr_assert_eq(results_count(x, "::error "), 10, "%s", x);
	/* 9 notices plus the tally keep notices at 10. */
	cr_assert_eq(results_count(x, "::notice "), 10, "%s", x);
	cr_assert_not_null(strstr(x, "::notice title=otadiag::6 more annotations"
	    " not shown (GitHub shows 10 per level and step): 5 errors, "
	    "0 warnings, 1 notice;"), "%s", x);
	/* The primary cause is among the annotations shown. */
	cr_assert_not_null(strstr(x, "line=100,"));
	free(x);
}

Test(github, errors_expectations_and_stdin)
{
	struct finding	 f[1];
	struct input_result a, b, c, d;
	struct input_result *in[4] = { &a, &b, &c, &d };
	struct report_opts o = results_opts();
	char		*x;

	f[0] = results_finding(&results_rule_alloc, 3, "x", "m");
	results_input(&a, "gone.log", OUTCOME_UNKNOWN, NULL, 0);
	a.error = 1;
	a.error_text = results_keep("cannot open: No such file or directory");
	results_input(&b, "idle.log", OUTCOME_NOT_ATTEMPTED, NULL, 0);
	results_input(&c, "-", OUTCOME_FAILED, f, 1);
	results_input(&d, "ok.log", OUTCOME_SUCCESS, NULL, 0);
	d.nsessions = 1;
	o.expect = "success";
	x = run(in, 4, &o);
	cr_assert_not_null(strstr(x, "::error file=gone.log,title=otadiag%3A "
	    "input error::cannot open: No such file or directory\n"), "%s", x);
	cr_assert_not_null(strstr(x, "::error file=idle.log,title=otadiag%3A "
	    "expected success::expected outcome success, but the log shows no "
	    "OTA update\n"));
	cr_assert_not_null(strstr(x, "::error title=otadiag%3A expected success::"
	    "expected outcome success, got failed: alloc-failed\n"), "%s", x);
	cr_assert_null(strstr(x, "ok.log"));
	free(x);
}

Test(github, step_summary_is_appended)
{
	struct finding	 f[2];
	struct input_result a, b;
	struct input_result *in[2] = { &a, &b };
	struct report_opts o = results_opts();
	FILE		*fp;
	char		*x, *s;

	fp = fopen("summary.md", "w");
	fputs("earlier step\n", fp);
	fclose(fp);
	f[0] = results_finding(&results_rule_alloc, 12,
	    "E (1) Dynamic Impl: a|b <script>", "heap | gone");
	f[1] = results_finding(&results_rule_http, 13, "I (1) http://x",
	    "plain");
	results_input(&a, "dut1.log", OUTCOME_FAILED, f, 2);
	results_input(&b, "dut2.log", OUTCOME_SUCCESS, NULL, 0);
	o.summary_path = "summary.md";
	x = run(in, 2, &o);
	free(x);
	s = results_read("summary.md");
	cr_assert(strncmp(s, "earlier step\n### otadiag: 2 inputs, 1 not passing"
	    "\n\n| Input |", 60) == 0, "%s", s);
	cr_assert_not_null(strstr(s, "| dut1.log | failed | `alloc-failed` | 1 | "
	    "1 | 0 |\n"), "%s", s);
	cr_assert_not_null(strstr(s, "| dut2.log | success | none | 0 | 0 | 0 |\n"));
	cr_assert_not_null(strstr(s, "| error (primary) | 12 | "
	    "`idf-mbedtls-dynamic-alloc-failed` | `alloc-failed` | heap \\| gone"
	    "<br>**Remedy:** Free internal heap during the update. | E (1) Dynamic "
	    "Impl: a\\|b &lt;script&gt; |\n"), "%s", s);
}

Test(github, unwritable_summary_is_an_error)
{
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*fp = open_memstream(&buf, &len);

	results_input(&a, "x.log", OUTCOME_SUCCESS, NULL, 0);
	o.summary_path = "no/such/dir/summary.md";
	cr_assert_eq(report_github(fp, in, 1, &o), DIAG_EIO);
	fclose(fp);
	free(buf);
}
