/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SARIF writer: the fields GitHub code scanning needs, stable fingerprints,
 * locations relative to the working directory, and schema validity (every
 * document written here goes through tests/tools/validate-sarif.sh).
 */
#include <criterion/criterion.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "report.h"
#include "result.h"
#include "ruleset.h"

#include "results.h"

/* ---- synthetic results (results.h, and a richer alloc rule) -------- */

/*
 * Richer than results_rule_alloc: a message template, two kconfig entries
 * and a reference, for the SARIF rule descriptor.
 */
static struct rule_kconfig kc_alloc[] = {
	{ "CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC", "enable", "y", "needs PSRAM" },
	{ "CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN", "decrease", "4096", NULL },
};
static const char *refs_alloc[] = {
	"https://docs.espressif.com/projects/esp-idf/en/latest/esp32/api-reference/protocols/mbedtls.html",
};
static const struct rule r_alloc = {
	.kind = RULE_KIND_RULE, .id = "idf-mbedtls-dynamic-alloc-failed",
	.cause = "alloc-failed", .severity = RULE_ERROR,
	.title = "mbedTLS could not allocate a TLS record buffer",
	.message = "A TLS record buffer of ${bytes} bytes could not be allocated",
	.remedy = "Free internal heap during the update.",
	.kconfig = kc_alloc, .nkconfig = 2,
	.references = refs_alloc, .nreferences = 1,
};

static void
setup(void)
{
	results_tmpdir_enter("sarif");
	mkdir("logs", 0755);
}

TestSuite(sarif, .init = setup, .fini = results_fini);

/* Writes SARIF to NAME in the temp dir, validates it, returns the JSON. */
static json_t *
write_sarif(const char *name, struct input_result *const *in, size_t n)
{
	struct report_opts o = results_opts();
	json_error_t	 je;
	json_t		*doc;
	FILE		*fp;
	char		 cmd[1024];
	int		 st;

	fp = fopen(name, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(report_sarif(fp, in, n, &o), 0);
	cr_assert_eq(fclose(fp), 0);
	doc = json_load_file(name, 0, &je);
	cr_assert_not_null(doc, "%s is not JSON: %s at %d:%d", name, je.text,
	    je.line, je.column);
	snprintf(cmd, sizeof(cmd), "bash '%s/tests/tools/validate-sarif.sh' "
	    "--strict '%s/%s'", OTADIAG_SOURCE_DIR, results_tmpdir(), name);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "%s does not validate against SARIF 2.1.0 (status %d)", name,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return doc;
}

static json_t *json_path(json_t *j, const char *path);

static json_t *
at(json_t *root, const char *path)
{
	json_t	*j = json_path(root, path);

	cr_assert_not_null(j, "no %s", path);
	return j;
}

/* Tiny path walker: "runs.0.tool.driver.name". */
static json_t *
json_path(json_t *j, const char *path)
{
	char	 buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && j != NULL;
	    tok = strtok_r(NULL, ".", &save)) {
		if (json_is_array(j))
			j = json_array_get(j, strtoul(tok, NULL, 10));
		else
			j = json_object_get(j, tok);
	}
	return j;
}

static const char *
str_at(json_t *root, const char *path)
{
	json_t	*j = at(root, path);

	cr_assert(json_is_string(j), "%s is not a string", path);
	return json_string_value(j);
}

static int
matches(const char *re, const char *s)
{
	regex_t	 rx;
	int	 ok;

	cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

/* ---- tests ---------------------------------------------------------------- */

Test(sarif, driver_rules_and_results)
{
	struct finding	 f1[3], f2[1];
	struct input_result a, b;
	struct input_result *in[2] = { &a, &b };
	json_t		*doc, *rules, *results, *tags;
	size_t		 i, k;
	int		 tagged = 0;

	f1[0] = results_finding(&r_alloc, 812,
	    "E (1185926) Dynamic Impl: alloc(16749 bytes) failed",
	    "A TLS record buffer of 16749 bytes could not be allocated");
	f1[1] = results_finding(&results_rule_http, 40,
	    "I (300) ota: url http://fw.local/a.bin",
	    "Firmware URL is plain http");
	f1[2] = results_finding(&results_rule_info, 41,
	    "I (320) ota: Starting OTA", "Update 2 s after reset");
	f2[0] = results_finding(&r_alloc, 17,
	    "E (4242) Dynamic Impl: alloc(16749 bytes) failed",
	    "A TLS record buffer of 16749 bytes could not be allocated");
	results_input(&a, "logs/dut1.log", OUTCOME_FAILED, f1, 3);
	results_input(&b, "./logs/dut2.log", OUTCOME_FAILED, f2, 1);
	doc = write_sarif("a.sarif", in, 2);

	cr_assert_str_eq(str_at(doc, "version"), "2.1.0");
	cr_assert(matches("sarif-2\\.1\\.0", str_at(doc, "$schema")));
	cr_assert_str_eq(str_at(doc, "runs.0.tool.driver.name"), "otadiag");
	cr_assert_str_eq(str_at(doc, "runs.0.tool.driver.semanticVersion"),
	    OTADIAG_VERSION);
	cr_assert(matches("^https://", str_at(doc,
	    "runs.0.tool.driver.informationUri")));
	cr_assert_str_eq(str_at(doc, "runs.0.automationDetails.id"), "otadiag/");
	cr_assert(json_is_true(at(doc,
	    "runs.0.invocations.0.executionSuccessful")));

	/* One descriptor per rule that produced a finding, no duplicates. */
	rules = at(doc, "runs.0.tool.driver.rules");
	cr_assert_eq(json_array_size(rules), 3);
	cr_assert_str_eq(str_at(rules, "0.id"), "idf-mbedtls-dynamic-alloc-failed");
	cr_assert_str_eq(str_at(rules, "0.name"), "IdfMbedtlsDynamicAllocFailed");
	cr_assert_str_eq(str_at(rules, "0.shortDescription.text"),
	    "mbedTLS could not allocate a TLS record buffer");
	cr_assert(matches("alloc-failed", str_at(rules, "0.fullDescription.text")));
	cr_assert(matches("^Free internal heap", str_at(rules, "0.help.text")));
	cr_assert(matches("CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC: enable y \\(needs PSRAM\\)",
	    str_at(rules, "0.help.text")));
	cr_assert(matches("`CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN`: decrease 4096",
	    str_at(rules, "0.help.markdown")));
	cr_assert(matches("^https://docs.espressif.com/", str_at(rules, "0.helpUri")));
	cr_assert_str_eq(str_at(rules, "0.defaultConfiguration.level"), "error");
	cr_assert_str_eq(str_at(rules, "1.defaultConfiguration.level"), "warning");
	cr_assert_str_eq(str_at(rules, "2.defaultConfiguration.level"), "note");
	tags = at(rules, "0.properties.tags");
	for (k = 0; k < json_array_size(tags); k++)
		if (strcmp(json_string_value(json_array_get(tags, k)),
		    "alloc-failed") == 0)
			tagged = 1;
	cr_assert(tagged, "the cause id is not among the rule's tags");

	results = at(doc, "runs.0.results");
	cr_assert_eq(json_array_size(results), 4);
	for (i = 0; i < json_array_size(results); i++) {
		json_t *res = json_array_get(results, i);
		size_t ri = json_integer_value(at(res, "ruleIndex"));

		cr_assert_str_eq(str_at(res, "ruleId"),
		    str_at(json_array_get(rules, ri), "id"));
		cr_assert(matches("^[0-9a-f]{16}:1$", str_at(res,
		    "partialFingerprints.primaryLocationLineHash")));
	}
	cr_assert_str_eq(str_at(results, "0.level"), "error");
	cr_assert_str_eq(str_at(results, "1.level"), "warning");
	cr_assert_str_eq(str_at(results, "2.level"), "note");
	cr_assert_str_eq(str_at(results, "0.message.text"),
	    "A TLS record buffer of 16749 bytes could not be allocated");
	cr_assert_str_eq(str_at(results, "0.properties.cause"), "alloc-failed");
	cr_assert(json_is_true(at(results, "0.properties.primary")));
	cr_assert_str_eq(str_at(results,
	    "0.locations.0.physicalLocation.artifactLocation.uri"),
	    "logs/dut1.log");
	cr_assert_str_eq(str_at(results,
	    "0.locations.0.physicalLocation.artifactLocation.uriBaseId"),
	    "%SRCROOT%");
	cr_assert_eq(json_integer_value(at(results,
	    "0.locations.0.physicalLocation.region.startLine")), 812);
	/* "./logs/dut2.log" is the same file as seen from the repository. */
	cr_assert_str_eq(str_at(results,
	    "3.locations.0.physicalLocation.artifactLocation.uri"),
	    "logs/dut2.log");
	/* The same failure at another uptime is the same alert. */
	cr_assert_str_eq(str_at(results,
	    "0.partialFingerprints.primaryLocationLineHash"),
	    str_at(results, "3.partialFingerprints.primaryLocationLineHash"));
	cr_assert_str_neq(str_at(results,
	    "0.partialFingerprints.primaryLocationLineHash"),
	    str_at(results, "1.partialFingerprints.primaryLocationLineHash"));
	json_decref(doc);
}

Test(sarif, fingerprint_ignores_times_not_facts)
{
	static const char *same[][2] = {
		{ "E (1234) esp-tls: [socket=58] select timeout",
		  "E (98765) esp-tls: [socket=58] select timeout" },
		{ "E (12:34:56.789) esp_ota: write failed",
		  "E (01:02:03.004) esp_ota: write failed" },
		{ "[  1234][E][Updater.cpp:45] begin(): Not Enough Space",
		  "[ 99999][E][Updater.cpp:45] begin(): Not Enough Space" },
		{ "[2024-01-02 12:34:56] no response after 5023 ms",
		  "[2025-11-30 23:59:01] no response after 12 ms" },
		{ "2024-01-02T12:34:56Z ota: stalled for 30 s",
		  "2024-03-04T01:00:00Z ota: stalled for 4.5s" },
	};
	static const char *differ[][2] = {
		{ "E (1) Dynamic Impl: alloc(16749 bytes) failed",
		  "E (1) Dynamic Impl: alloc(41913 bytes) failed" },
		{ "E (1) esp_ota_ops: error 0x1503", "E (1) esp_ota_ops: error 0x1504" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *x = fingerprint_of("r", same[i][0]);
		char *y = fingerprint_of("r", same[i][1]);

		cr_expect_str_eq(x, y, "'%s' and '%s' differ", same[i][0],
		    same[i][1]);
		cr_expect_eq(strlen(x), 16);
		free(x);
		free(y);
	}
	for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		char *x = fingerprint_of("r", differ[i][0]);
		char *y = fingerprint_of("r", differ[i][1]);

		cr_expect_str_neq(x, y, "'%s' and '%s' collide", differ[i][0],
		    differ[i][1]);
		free(x);
		free(y);
	}
	{
		char *x = fingerprint_of("rule-a", "same text");
		char *y = fingerprint_of("rule-b", "same text");

		cr_expect_str_neq(x, y, "the rule id is not part of the hash");
		free(x);
		free(y);
	}
}

Test(sarif, repeated_failure_numbers_occurrences)
{
	struct finding	 f[2];
	struct input_result a;
	struct input_result *in[1] = { &a };
	json_t		*doc;
	const char	*h1, *h2;

	f[0] = results_finding(&r_alloc, 10,
	    "E (100) Dynamic Impl: alloc(5 bytes) failed", "m");
	f[1] = results_finding(&r_alloc, 90,
	    "E (900) Dynamic Impl: alloc(5 bytes) failed", "m");
	results_input(&a, "logs/x.log", OUTCOME_FAILED, f, 2);
	doc = write_sarif("rep.sarif", in, 1);
	h1 = str_at(doc, "runs.0.results.0.partialFingerprints.primaryLocationLineHash");
	h2 = str_at(doc, "runs.0.results.1.partialFingerprints.primaryLocationLineHash");
	cr_assert(matches(":1$", h1));
	cr_assert(matches(":2$", h2));
	cr_assert_eq(strncmp(h1, h2, 16), 0);
	json_decref(doc);
}

Test(sarif, paths_outside_cwd_and_stdin)
{
	struct finding	 f1[1], f2[1], f3[1], f4[1];
	struct input_result a, b, c, d;
	struct input_result *in[4] = { &a, &b, &c, &d };
	char		 abs[256];
	json_t		*doc;

	f1[0] = results_finding(&r_alloc, 1, "x", "m");
	f2[0] = results_finding(&r_alloc, 2, "x", "m");
	f3[0] = results_finding(&r_alloc, 3, "x", "m");
	f4[0] = results_finding(&r_alloc, 4, "x", "m");
	snprintf(abs, sizeof(abs), "%s/logs/../logs/abs run.log",
	    results_tmpdir());
	results_input(&a, abs, OUTCOME_FAILED, f1, 1);
	results_input(&b, "/var/log/ota/dut 1.log", OUTCOME_FAILED, f2, 1);
	results_input(&c, "-", OUTCOME_FAILED, f3, 1);
	results_input(&d, "../elsewhere.log", OUTCOME_FAILED, f4, 1);
	doc = write_sarif("paths.sarif", in, 4);
	cr_assert_str_eq(str_at(doc,
	    "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
	    "logs/abs%20run.log");
	cr_assert_str_eq(str_at(doc,
	    "runs.0.results.1.locations.0.physicalLocation.artifactLocation.uri"),
	    "file:///var/log/ota/dut%201.log");
	cr_assert_str_eq(str_at(doc,
	    "runs.0.results.2.locations.0.physicalLocation.artifactLocation.uri"),
	    "stdin");
	cr_assert(matches("^file:///tmp/elsewhere.log$", str_at(doc,
	    "runs.0.results.3.locations.0.physicalLocation.artifactLocation.uri")));
	cr_assert(matches("^file:///tmp/otadiag-sarif-.*/$", str_at(doc,
	    "runs.0.originalUriBaseIds.%SRCROOT%.uri")));
	json_decref(doc);
}

Test(sarif, input_errors_are_notifications)
{
	struct finding	 f[1];
	struct input_result a, b;
	struct input_result *in[2] = { &a, &b };
	json_t		*doc;

	f[0] = results_finding(&r_alloc, 5,
	    "E (1) Dynamic Impl: alloc(1 bytes) failed", "m");
	results_input(&a, "logs/ok.log", OUTCOME_FAILED, f, 1);
	results_input(&b, "logs/missing.log", OUTCOME_UNKNOWN, NULL, 0);
	b.error = 1;
	b.error_text = results_keep("cannot open: No such file or directory");
	doc = write_sarif("err.sarif", in, 2);
	cr_assert(json_is_false(at(doc,
	    "runs.0.invocations.0.executionSuccessful")));
	cr_assert_str_eq(str_at(doc,
	    "runs.0.invocations.0.toolExecutionNotifications.0.level"), "error");
	cr_assert(matches("^logs/missing.log: cannot open", str_at(doc,
	    "runs.0.invocations.0.toolExecutionNotifications.0.message.text")));
	cr_assert_eq(json_array_size(at(doc, "runs.0.results")), 1);
	json_decref(doc);
}

Test(sarif, hostile_text_and_job_locations)
{
	struct finding	 f[3];
	struct job_node	 nodes[2];
	struct input_result a;
	struct input_result *in[1] = { &a };
	json_t		*doc;

	f[0] = results_finding(&r_alloc, 0,
	    "bad \x01\x1b[31m \xff\xfe \"quoted\" \\ </x>", "");
	f[1] = results_finding(&results_rule_failed, 0, "",
	    "OTA failed, no rule explains it");
	f[2] = results_finding(&results_rule_failed, 0, "failed",
	    "Firmware upgrade failed");
	f[0].node = 1;
	f[2].node = 0;
	f[2].consequence_of = &f[0];
	memset(nodes, 0, sizeof(nodes));
	nodes[0].node_id = results_keep("node-a");
	nodes[0].line = 0;
	nodes[0].primary = NULL;
	nodes[1].node_id = results_keep("node-b");
	nodes[1].line = 27;
	nodes[1].primary = &f[0];
	results_input(&a, "jobs/job.json", OUTCOME_FAILED, f, 3);
	a.kind = INPUT_JOB;
	a.format = "rainmaker-job";
	a.nodes = nodes;
	a.nnodes = 2;
	doc = write_sarif("job.sarif", in, 1);
	/* Node record line when known, else line 1. */
	cr_assert_eq(json_integer_value(at(doc,
	    "runs.0.results.0.locations.0.physicalLocation.region.startLine")), 27);
	cr_assert_eq(json_integer_value(at(doc,
	    "runs.0.results.2.locations.0.physicalLocation.region.startLine")), 1);
	cr_assert_str_eq(str_at(doc, "runs.0.results.0.properties.node"), "node-b");
	/* An empty message falls back to the rule title (SARIF refuses ""). */
	cr_assert_str_eq(str_at(doc, "runs.0.results.0.message.text"),
	    "mbedTLS could not allocate a TLS record buffer");
	/* A finding of cause unknown keeps its rule's descriptor. */
	cr_assert_str_eq(str_at(doc, "runs.0.results.1.ruleId"),
	    "idf-ota-failed-symptom");
	cr_assert_str_eq(str_at(doc,
	    "runs.0.results.2.properties.consequenceOf"),
	    "idf-mbedtls-dynamic-alloc-failed");
	json_decref(doc);
}

/*
 * A finding that follows from another raises no alert of its own: level
 * "note", and consequenceOf names the rule of the root it follows from
 * (through a chain); the root keeps its level and has no consequenceOf.
 */
Test(sarif, consequences_are_notes_naming_their_root)
{
	struct finding	 f[3];
	struct input_result a;
	struct input_result *in[1] = { &a };
	json_t		*doc;

	f[0] = results_finding(&r_alloc, 10,
	    "E (1185926) Dynamic Impl: alloc(16749 bytes) failed",
	    "A TLS record buffer of 16749 bytes could not be allocated");
	f[1] = results_finding(&results_rule_failed, 11,
	    "E (1185930) esp_https_ota: ESP HTTPS OTA failed", "OTA failed");
	f[2] = results_finding(&results_rule_failed, 12,
	    "E (1185940) ota: Firmware upgrade failed", "OTA failed");
	f[0].primary = 1;
	f[1].consequence_of = &f[0];
	f[2].consequence_of = &f[1];
	results_input(&a, "logs/chain.log", OUTCOME_FAILED, f, 3);
	doc = write_sarif("chain.sarif", in, 1);
	cr_assert_str_eq(str_at(doc, "runs.0.results.0.level"), "error");
	cr_assert_null(json_path(doc,
	    "runs.0.results.0.properties.consequenceOf"));
	cr_assert_str_eq(str_at(doc, "runs.0.results.1.level"), "note");
	cr_assert_str_eq(str_at(doc,
	    "runs.0.results.1.properties.consequenceOf"),
	    "idf-mbedtls-dynamic-alloc-failed");
	cr_assert_str_eq(str_at(doc, "runs.0.results.2.level"), "note");
	cr_assert_str_eq(str_at(doc,
	    "runs.0.results.2.properties.consequenceOf"),
	    "idf-mbedtls-dynamic-alloc-failed");
	/* everything else stays: rule, cause, message */
	cr_assert_str_eq(str_at(doc, "runs.0.results.1.ruleId"),
	    results_rule_failed.id);
	cr_assert_str_eq(str_at(doc, "runs.0.results.1.message.text"),
	    "OTA failed");
	json_decref(doc);
}

Test(sarif, no_inputs_is_still_a_valid_log)
{
	json_t	*doc = write_sarif("empty.sarif", NULL, 0);

	cr_assert_eq(json_array_size(at(doc, "runs.0.results")), 0);
	cr_assert_eq(json_array_size(at(doc, "runs.0.tool.driver.rules")), 0);
	json_decref(doc);
}

Test(sarif, write_error_is_reported)
{
	struct finding	 f[1];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = results_opts();
	FILE		*fp;

	f[0] = results_finding(&r_alloc, 1, "x", "m");
	results_input(&a, "logs/x.log", OUTCOME_FAILED, f, 1);
	fp = fopen("/dev/full", "w");
	if (fp == NULL)
		cr_skip_test("no /dev/full");
	cr_assert_eq(report_sarif(fp, in, 1, &o), DIAG_EIO);
	fclose(fp);
}

Test(sarif, validator_rejects_broken_sarif)
{
	FILE	*fp;
	char	 cmd[1024];
	int	 st;

	/* A result without a message and an unknown property: not SARIF. */
	fp = fopen("bad.sarif", "w");
	cr_assert_not_null(fp);
	fputs("{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":"
	    "{\"name\":\"otadiag\",\"bogus\":1}},\"results\":[{\"ruleId\":"
	    "\"x\"}]}]}\n", fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "bash '%s/tests/tools/validate-sarif.sh' "
	    "'%s/bad.sarif' 2>/dev/null", OTADIAG_SOURCE_DIR, results_tmpdir());
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    "validate-sarif.sh accepted an invalid file (status %d)",
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
