/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baseline: loading an earlier JSON report, matching findings by path, rule
 * and a timestamp-insensitive fingerprint, and clear errors for bad files.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "diag.h"
#include "report.h"
#include "result.h"
#include "ruleset.h"

#include "results.h"

TestSuite(baseline, .fini = results_free_kept);

static const char report[] =
    "{\"otadiag\": \"0.1.0\", \"schema\": 1, \"inputs\": [\n"
    " {\"path\": \"./logs/dut1.log\", \"kind\": \"log\", \"outcome\": \"failed\",\n"
    "  \"findings\": [\n"
    "   {\"rule\": \"idf-mbedtls-dynamic-alloc-failed\", \"cause\": \"alloc-failed\",\n"
    "    \"severity\": \"error\", \"line\": 812,\n"
    "    \"text\": \"E (1185926) Dynamic Impl: alloc(16749 bytes) failed\",\n"
    "    \"future_field\": {\"ignored\": true}},\n"
    "   {\"rule\": null, \"cause\": \"download-interrupted\", \"line\": 900,\n"
    "    \"text\": \"[12:00:01.123] progress stalled at 42%\"}]},\n"
    " {\"path\": \"logs/ok.log\", \"findings\": []},\n"
    " {\"path\": \"logs/gone.log\", \"error\": \"cannot open\", \"findings\": null}\n"
    "]}\n";

static struct baseline *
load(void)
{
	struct baseline	*b = NULL;
	struct diag_err	 err;

	cr_assert_eq(baseline_load_string("base.json", report, strlen(report),
	    &b, &err), 0, "%s", err.text);
	cr_assert_not_null(b);
	return b;
}

Test(baseline, matches_same_failure_across_runs)
{
	struct baseline	*b = load();
	struct finding	 f, g, h;

	cr_assert_eq(baseline_count(b), 2);
	/* Another run: different uptime, path written differently. */
	f = results_finding(&results_rule_alloc, 17,
	    "E (4242) Dynamic Impl: alloc(16749 bytes) failed", "m");
	cr_assert(baseline_contains(b, "logs/dut1.log", &f));
	cr_assert(baseline_contains(b, "./logs//dut1.log", &f));
	/* the same log from another folder, or as an absolute path */
	cr_assert(baseline_contains(b, "/builds/fw/logs/dut1.log", &f));
	cr_assert(baseline_contains(b, "../fw/./logs/dut1.log", &f));
	cr_assert_not(baseline_contains(b, "/builds/fw/other-logs/dut1.log/x",
	    &f));
	cr_assert_not(baseline_contains(b, "/builds/fw/xlogs/dut1.log", &f));
	/* A different input, rule or failure is new. */
	cr_assert_not(baseline_contains(b, "logs/dut2.log", &f));
	g = results_finding(&results_rule_alloc, 17,
	    "E (4242) Dynamic Impl: alloc(41913 bytes) failed", "m");
	cr_assert_not(baseline_contains(b, "logs/dut1.log", &g));
	h = results_finding(&results_rule_http, 17,
	    "E (4242) Dynamic Impl: alloc(16749 bytes) failed", "m");
	cr_assert_not(baseline_contains(b, "logs/dut1.log", &h));
	/* A record without a rule (an older report) is loaded; it names no
	   rule, so no finding (every finding has one) matches it. */
	f = results_finding(&results_rule_http, 3,
	    "[13:14:15.000] progress stalled at 42%", "m");
	f.cause = "download-interrupted";
	cr_assert_not(baseline_contains(b, "logs/dut1.log", &f));
	cr_assert_not(baseline_contains(NULL, "logs/dut1.log", &f));
	baseline_free(b);
}

Test(baseline, fingerprint_is_shared_and_stable)
{
	struct finding	 f = results_finding(&results_rule_alloc, 1,
	    "E (1) Dynamic Impl: x", "m");
	char		*a = finding_fingerprint(&f);
	char		*b = fingerprint_of("idf-mbedtls-dynamic-alloc-failed",
	    "E (99) Dynamic Impl: x");

	cr_assert_str_eq(a, b);
	/* Frozen value: a change here changes every user's baseline. */
	free(b);
	b = fingerprint_of("r", "");
	cr_assert_str_eq(b, "08dc7407b57bcdef");
	free(a);
	free(b);
}

Test(baseline, round_trip_through_a_file)
{
	char	 path[] = "/tmp/otadiag-baseline-XXXXXX";
	int	 fd = mkstemp(path);
	struct baseline *b = NULL;
	struct diag_err err;
	struct finding	 f;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, report, strlen(report)), (ssize_t)strlen(report));
	close(fd);
	cr_assert_eq(baseline_load(path, &b, &err), 0);
	f = results_finding(&results_rule_alloc, 1,
	    "E (5) Dynamic Impl: alloc(16749 bytes) failed", "m");
	cr_assert(baseline_contains(b, "logs/dut1.log", &f));
	baseline_free(b);
	unlink(path);
}

/* Inline arrays: Criterion may run a case in a fresh process (no pointers). */
struct bad_case {
	char		 json[160];
	int		 code;
	long		 line;
	char		 text[48];
};

ParameterizedTestParameters(baseline, bad_files)
{
	static struct bad_case cases[] = {
		{ "{\"otadiag\": \"0.1.0\",\n \"inputs\": [}", DIAG_ESYNTAX, 2,
		  "not valid JSON" },
		{ "", DIAG_ESYNTAX, 1, "not valid JSON" },
		{ "{\"inputs\": []}", DIAG_ESCHEMA, 0, "not an otadiag JSON report" },
		{ "[1, 2]", DIAG_ESCHEMA, 0, "not an otadiag JSON report" },
		{ "{\"otadiag\": \"0.1.0\"}", DIAG_ESCHEMA, 0, "\"inputs\"" },
		{ "{\"otadiag\": \"0.1.0\", \"inputs\": [{\"findings\": []}]}",
		  DIAG_ESCHEMA, 0, "inputs[0]: \"path\"" },
		{ "{\"otadiag\": \"0.1.0\", \"inputs\": [{\"path\": \"a\", "
		  "\"findings\": {}}]}", DIAG_ESCHEMA, 0, "inputs[0]: \"findings\"" },
		{ "{\"otadiag\": \"0.1.0\", \"inputs\": [{\"path\": \"a\", "
		  "\"findings\": [{\"text\": \"x\"}]}]}", DIAG_ESCHEMA, 0,
		  "inputs[0].findings[0]" },
		{ "{\"otadiag\": \"0.1.0\", \"inputs\": [{\"path\": \"a\", "
		  "\"nodes_summarised\": {\"fingerprints\": 3}}]}", DIAG_ESCHEMA,
		  0, "nodes_summarised.fingerprints\" is not" },
		{ "{\"otadiag\": \"0.1.0\", \"inputs\": [{\"path\": \"a\", "
		  "\"nodes_summarised\": {\"fingerprints\": [{\"rule\": \"r\", "
		  "\"fingerprint\": \"03C44460F1DBC1C0\"}]}}]}", DIAG_ESCHEMA, 0,
		  "fingerprints[0]: needs" },
	};

	return cr_make_param_array(struct bad_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, baseline, bad_files)
{
	struct baseline	*b = (struct baseline *)1;
	struct diag_err	 err;

	cr_assert_eq(baseline_load_string("base.json", c->json, strlen(c->json),
	    &b, &err), c->code, "%s", c->json);
	cr_assert_null(b);
	cr_assert_str_eq(err.file, "base.json");
	cr_assert_eq(err.line, c->line, "line %ld, want %ld", err.line, c->line);
	cr_assert_not_null(strstr(err.text, c->text), "'%s' lacks '%s'",
	    err.text, c->text);
	results_free_kept();
}

/* A report of a large job counts its summarised nodes' findings by
   fingerprint: a baseline written from it accepts those, and only
   those. */
Test(baseline, summarised_fingerprints_are_read)
{
	static const char rep[] =
	    "{\"otadiag\": \"0.1.0\", \"inputs\": [{\"path\": \"./jobs/j.json\", "
	    "\"findings\": [], \"nodes_summarised\": {\"count\": 2, "
	    "\"fingerprints\": [{\"rule\": \"rmk-job-same-version\", "
	    "\"fingerprint\": \"0123456789abcdef\", \"count\": 2}]}}]}";
	struct baseline	*b;
	struct diag_err	 err;

	cr_assert_eq(baseline_load_string("base.json", rep, strlen(rep), &b,
	    &err), 0, "%s", err.text);
	cr_expect_eq(baseline_count(b), 1);
	cr_expect(baseline_contains_fp(b, "jobs/j.json", "rmk-job-same-version",
	    "0123456789abcdef"));
	cr_expect_not(baseline_contains_fp(b, "jobs/j.json",
	    "rmk-job-same-version", "0123456789abcdee"));
	cr_expect_not(baseline_contains_fp(b, "jobs/j.json", "other-rule",
	    "0123456789abcdef"));
	cr_expect_not(baseline_contains_fp(b, "jobs/k.json",
	    "rmk-job-same-version", "0123456789abcdef"));
	baseline_free(b);
}

Test(baseline, missing_file)
{
	struct baseline	*b = (struct baseline *)1;
	struct diag_err	 err;

	cr_assert_eq(baseline_load("/nonexistent/base.json", &b, &err), DIAG_EIO);
	cr_assert_null(b);
	cr_assert_str_eq(err.file, "/nonexistent/base.json");
	cr_assert_not_null(strstr(err.text, "No such file"), "%s", err.text);
}
