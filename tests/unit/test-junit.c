/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JUnit writer: suites per input, cases per finding and per expectation,
 * unique names, XML escaping, and validity against tests/schemas/junit-10.xsd
 * (every document written here goes through xmllint --schema).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "result.h"
#include "ruleset.h"

#include "results.h"

static void
setup(void)
{
	results_tmpdir_enter("junit");
}

TestSuite(junit, .init = setup, .fini = results_fini);

static char diag[4096];

/* Writes JUnit to NAME, checks it against the XSD, returns the text. */
static const char *
write_junit(const char *name, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	FILE	*fp;
	char	 cmd[1024];
	const char *out;
	size_t	 len;
	int	 st;

	fp = fopen(name, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(report_junit(fp, in, n, o), 0);
	cr_assert_eq(fclose(fp), 0);
	out = results_read(name);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --schema "
	    "'%s/tests/schemas/junit-10.xsd' '%s' 2>&1", OTADIAG_SOURCE_DIR,
	    name);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	len = fread(diag, 1, sizeof(diag) - 1, fp);
	diag[len] = '\0';
	st = pclose(fp);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "%s is not valid against junit-10.xsd (status %d):\n%s\n%s", name,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1, diag, out);
	return out;
}

Test(junit, suites_cases_and_threshold)
{
	struct finding	 f1[3];
	struct input_result a, b;
	struct input_result *in[2] = { &a, &b };
	struct report_opts o = results_opts();
	const char	*x;

	f1[0] = results_finding(&results_rule_alloc, 812,
	    "E (1) Dynamic Impl: alloc(16749 bytes) failed",
	    "A TLS record buffer of 16749 bytes could not be allocated");
	f1[1] = results_finding(&results_rule_http, 40,
	    "I (2) ota: http://fw/a.bin", "plain http");
	f1[2] = results_finding(&results_rule_failed, 900,
	    "E (3) ota: Firmware upgrade failed", "upgrade failed");
	f1[2].consequence_of = &f1[0];
	results_input(&a, "logs/dut1.log", OUTCOME_FAILED, f1, 3);
	results_input(&b, "logs/dut2.log", OUTCOME_SUCCESS, NULL, 0);
	x = write_junit("a.xml", in, 2, &o);

	cr_assert(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>") == x);
	cr_assert_eq(results_count(x, "<testsuite "), 2);
	/* dut1: 3 findings + outcome; the error and the outcome fail. */
	cr_assert_not_null(strstr(x, "<testsuite name=\"logs/dut1.log\" "
	    "tests=\"4\" failures=\"2\" errors=\"0\""), "%s", x);
	cr_assert_not_null(strstr(x, "classname=\"otadiag.logs/dut1_log\" "
	    "name=\"idf-mbedtls-dynamic-alloc-failed\""));
	cr_assert_not_null(strstr(x, "<failure type=\"error\" message=\"A TLS "
	    "record buffer of 16749 bytes could not be allocated\">"));
	cr_assert_not_null(strstr(x, "remedy: Free internal heap"));
	cr_assert_not_null(strstr(x, "kconfig: CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC"
	    " enable y - needs PSRAM"));
	/* The warning is below --fail-on error: a passing case with details. */
	cr_assert_not_null(strstr(x, "name=\"gen-plain-http-firmware-url\""
	    " time=\"0\">\n      <system-out>"));
	/* A consequence of the primary cause does not fail on its own. */
	cr_assert_not_null(strstr(x, "name=\"idf-ota-failed-symptom\""
	    " time=\"0\">\n      <system-out>"));
	cr_assert_not_null(strstr(x, "consequence of: "
	    "idf-mbedtls-dynamic-alloc-failed (line 812)"));
	cr_assert_not_null(strstr(x, "<failure type=\"outcome\" message=\"OTA "
	    "update failed: alloc-failed\">"));
	/* dut2 passes and still appears, as a passing outcome case. */
	cr_assert_not_null(strstr(x, "<testsuite name=\"logs/dut2.log\" "
	    "tests=\"1\" failures=\"0\" errors=\"0\""));
	cr_assert_not_null(strstr(x, "classname=\"otadiag.logs/dut2_log\" "
	    "name=\"outcome\" time=\"0\">\n      <system-out>outcome: success"));
	cr_assert_not_null(strstr(x, "<testsuites name=\"otadiag\" tests=\"5\" "
	    "failures=\"2\" errors=\"0\">"));
	cr_assert_not_null(strstr(x, "<property name=\"primary_cause\" "
	    "value=\"alloc-failed\"/>"));

	/* --fail-on warning makes the warning fail too. */
	o.fail_on = RULE_WARNING;
	x = write_junit("b.xml", in, 2, &o);
	cr_assert_not_null(strstr(x, "tests=\"4\" failures=\"3\""));
	cr_assert_not_null(strstr(x, "<failure type=\"warning\""));
	/* --fail-on never: nothing fails. */
	o.fail_never = 1;
	x = write_junit("c.xml", in, 2, &o);
	cr_assert_eq(results_count(x, "<failure"), 0, "%s", x);
}

Test(junit, expectations)
{
	struct finding	 f[1];
	struct input_result ok, bad, none, rb;
	struct input_result *in[4] = { &ok, &bad, &none, &rb };
	struct report_opts o = results_opts();
	const char	*x;

	f[0] = results_finding(&results_rule_alloc, 9,
	    "E (1) Dynamic Impl: alloc(1 bytes) failed", "m");
	results_input(&ok, "success.log", OUTCOME_SUCCESS, NULL, 0);
	ok.nsessions = 1;
	results_input(&bad, "failure.log", OUTCOME_FAILED, f, 1);
	bad.nsessions = 1;
	results_input(&none, "idle.log", OUTCOME_NOT_ATTEMPTED, NULL, 0);
	results_input(&rb, "rolled.log", OUTCOME_ROLLED_BACK, NULL, 0);
	rb.nsessions = 1;
	o.expect = "success";
	x = write_junit("e.xml", in, 4, &o);
	cr_assert_not_null(strstr(x, "<testsuite name=\"success.log\" tests=\"1\""
	    " failures=\"0\""));
	cr_assert_not_null(strstr(x, "expected: success"));
	cr_assert_not_null(strstr(x, "message=\"expected outcome success, got "
	    "failed: alloc-failed\""));
	cr_assert_not_null(strstr(x, "message=\"expected outcome success, but the"
	    " log shows no OTA update\""));
	cr_assert_not_null(strstr(x, "message=\"expected outcome success, got "
	    "rolled-back\""));

	/* --expect rolled-back: the rollback log passes, the others fail. */
	o.expect = "rolled-back";
	x = write_junit("f.xml", in, 4, &o);
	cr_assert_not_null(strstr(x, "<testsuite name=\"rolled.log\" tests=\"1\" "
	    "failures=\"0\""));
	cr_assert_not_null(strstr(x, "<testsuite name=\"success.log\" tests=\"1\" "
	    "failures=\"1\""));
}

Test(junit, input_errors_and_unique_names)
{
	struct finding	 f[3];
	struct input_result a, b;
	struct input_result *in[2] = { &a, &b };
	struct report_opts o = results_opts();
	const char	*x;

	f[0] = results_finding(&results_rule_alloc, 5, "x", "m1");
	f[1] = results_finding(&results_rule_alloc, 5, "x", "m2");
	f[2] = results_finding(&results_rule_alloc, 5, "x", "m3");
	results_input(&a, "dup.log", OUTCOME_FAILED, f, 3);
	results_input(&b, "missing.log", OUTCOME_UNKNOWN, NULL, 0);
	b.error = 1;
	b.error_text = results_keep("cannot open: No such file or directory");
	x = write_junit("g.xml", in, 2, &o);
	cr_assert_eq(results_count(x, "name=\"idf-mbedtls-dynamic-alloc-failed"
	    "\""), 1);
	cr_assert_eq(results_count(x, "name=\"idf-mbedtls-dynamic-alloc-failed "
	    "(2)\""), 1);
	cr_assert_eq(results_count(x, "name=\"idf-mbedtls-dynamic-alloc-failed "
	    "(3)\""), 1);
	cr_assert_not_null(strstr(x, "<testsuite name=\"missing.log\" tests=\"2\""
	    " failures=\"0\" errors=\"1\""), "%s", x);
	cr_assert_not_null(strstr(x, "name=\"input\" time=\"0\">\n      "
	    "<failure type=\"error\" message=\"cannot open: No such file or "
	    "directory\">missing.log: cannot open"));
	cr_assert_not_null(strstr(x, "errors=\"1\">"));
}

Test(junit, escapes_and_strips_illegal_characters)
{
	struct finding	 f[1];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	const char	*x;

	f[0] = results_finding(&results_rule_alloc, 3,
	    "<b>&amp;\"q\" 'a' \x01\x02\x1b[0m bad:\xff\xc3 nc:\xef\xbf\xbe ok:\xc3\xa9\r\n",
	    "msg with \"quotes\" & <tags>\x07\tand tab");
	results_input(&a, "we<ird> & \"name\".log", OUTCOME_FAILED, f, 1);
	x = write_junit("h.xml", in, 1, &o);
	cr_assert_not_null(strstr(x, "&lt;b&gt;&amp;amp;\"q\" 'a' \\x01\\x02\\x1B"
	    "[0m bad:\\xFF\\xC3 nc:\\u{FFFE} ok:\xc3\xa9&#13;\n"), "%s", x);
	cr_assert_not_null(strstr(x, "message=\"msg with &quot;quotes&quot; &amp;"
	    " &lt;tags&gt;\\x07&#9;and tab\""));
	cr_assert_not_null(strstr(x, "<testsuite name=\"we&lt;ird&gt; &amp; "
	    "&quot;name&quot;.log\""));
}

Test(junit, job_nodes_are_cases)
{
	struct finding	 f[1];
	struct job_node	 nodes[2];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	const char	*x;

	f[0] = results_finding(&results_rule_alloc, 0,
	    "additional_info: alloc failed", "m");
	f[0].node = 1;
	memset(nodes, 0, sizeof(nodes));
	nodes[0].node_id = results_keep("n1");
	nodes[0].status = results_keep("success");
	nodes[0].outcome = OUTCOME_SUCCESS;
	nodes[0].primary = NULL;
	nodes[1].node_id = results_keep("n2");
	nodes[1].status = results_keep("failed");
	nodes[1].outcome = OUTCOME_FAILED;
	nodes[1].info = results_keep("alloc failed");
	nodes[1].primary = &f[0];
	results_input(&a, "job.json", OUTCOME_FAILED, f, 1);
	a.kind = INPUT_JOB;
	a.nodes = nodes;
	a.nnodes = 2;
	x = write_junit("j.xml", in, 1, &o);
	cr_assert_not_null(strstr(x, "name=\"idf-mbedtls-dynamic-alloc-failed "
	    "node n2\""));
	cr_assert_not_null(strstr(x, "name=\"node n1\" time=\"0\">\n      "
	    "<system-out>status: success"));
	cr_assert_not_null(strstr(x, "name=\"node n2\" time=\"0\">\n      "
	    "<failure type=\"outcome\" message=\"node failed\">"));
	cr_assert_not_null(strstr(x, "tests=\"4\" failures=\"3\""), "%s", x);
}

Test(junit, empty_and_write_error)
{
	struct report_opts o = results_opts();
	const char	*x;
	FILE		*fp;

	x = write_junit("k.xml", NULL, 0, &o);
	cr_assert_not_null(strstr(x, "<testsuites name=\"otadiag\" tests=\"0\""));
	if ((fp = fopen("/dev/full", "w")) == NULL)
		cr_skip_test("no /dev/full");
	{
		struct input_result a;
		struct input_result *in[1] = { &a };

		results_input(&a, "x.log", OUTCOME_SUCCESS, NULL, 0);
		cr_assert_eq(report_junit(fp, in, 1, &o), DIAG_EIO);
	}
	fclose(fp);
}

Test(junit, names_do_not_change_when_the_log_grows)
{
	struct finding	 f[1], g[1];
	struct input_result a, b;
	struct input_result *ina[1] = { &a }, *inb[1] = { &b };
	struct report_opts o = results_opts();
	const char	*x, *y;
	const char	*xa, *ya;

	/* the same failure, 100 lines further down a longer log */
	f[0] = results_finding(&results_rule_alloc, 12, "x", "m");
	g[0] = results_finding(&results_rule_alloc, 112, "x", "m");
	results_input(&a, "ota.log", OUTCOME_FAILED, f, 1);
	results_input(&b, "ota.log", OUTCOME_FAILED, g, 1);
	x = write_junit("grow-a.xml", ina, 1, &o);
	y = write_junit("grow-b.xml", inb, 1, &o);
	xa = strstr(x, "<testcase");
	ya = strstr(y, "<testcase");
	cr_assert(xa != NULL && ya != NULL);
	cr_assert(strncmp(xa, ya, (size_t)(strchr(xa, '>') - xa)) == 0,
	    "the testcase changed:\n%.120s\n%.120s", xa, ya);
	cr_assert_not_null(strstr(y, "ota.log:112:"), "the line is in the "
	    "details: %s", y);
}

/* VmData of this process, in bytes (what RLIMIT_DATA limits). */
static size_t
vm_data(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	size_t kb = 0;

	cr_assert_not_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmData: %zu kB", &kb) == 1)
			break;
	fclose(fp);
	cr_assert_gt(kb, 0);
	return kb * 1024;
}

/*
 * The suite of a job of 200 000 nodes (about 60 MB of XML) is written as
 * it goes, not built in memory first: 24 MiB more than the result itself
 * is enough (the case names, kept to make them unique, are the rest).
 * A limit, not a time.
 */
Test(junit, large_suite_is_streamed)
{
	enum { N = 200000 };
	struct job_node	*nodes;
	char		*ids;
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	struct rlimit	 rl;
	FILE		*fp;
	size_t		 i;

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("AddressSanitizer's shadow memory counts as data");
#endif
	nodes = calloc(N, sizeof(*nodes));
	ids = malloc((size_t)N * 16);
	cr_assert(nodes != NULL && ids != NULL);
	for (i = 0; i < N; i++) {
		snprintf(ids + i * 16, 16, "node-%07zu", i);
		nodes[i].node_id = ids + i * 16;
		nodes[i].status = "failed";
		nodes[i].outcome = OUTCOME_FAILED;
		nodes[i].info = "Download failed: ESP_ERR_HTTP_CONNECT, the "
		    "server closed the connection after 12 s";
		nodes[i].primary = NULL;
	}
	results_input(&a, "job.json", OUTCOME_FAILED, NULL, 0);
	a.kind = INPUT_JOB;
	a.nodes = nodes;
	a.nnodes = N;
	rl.rlim_cur = rl.rlim_max = vm_data() + (24u << 20);
	cr_assert_eq(setrlimit(RLIMIT_DATA, &rl), 0);
	fp = fopen("big.xml", "w");
	cr_assert_not_null(fp);
	cr_assert_eq(report_junit(fp, in, 1, &o), 0);
	cr_expect_gt(ftell(fp), 50L << 20, "%ld bytes", ftell(fp));
	fclose(fp);
	unlink("big.xml");
	free(nodes);
	free(ids);
}
