/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag rules ...` through the built binary: `rules test` lists every
 * failing example of a user file (exit 1), a rule file that does not load
 * is one "FILE:LINE: error: rule 'id': ..." line (exit 2), `rules list
 * --format json` is valid JSON, `rules show ID` prints one rule.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "proc.h"

#define FIXTURES OTADIAG_SOURCE_DIR "/tests/unit/fixtures/"

#define STARTS(s, lit)	(strncmp((s), (lit), sizeof(lit) - 1) == 0)

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

Test(rules_cmd, test_lists_every_failure_of_a_user_file)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    FIXTURES "rules-failing.json", NULL });

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect_eq(count(o.out, "FAIL "), 4, "%s", o.out);
	cr_expect(strstr(o.out, "FAIL zz-frobnicator (" FIXTURES
	    "rules-failing.json:5): match example 2: capture 'code' is '7', "
	    "expected '8'\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "match example 3 does not match: frobnicator "
	    "fizzled\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "no_match example 1 matches: frobnicator "
	    "exploded: 99\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "FAIL zz-widget (" FIXTURES
	    "rules-failing.json:23): match example 1 does not contain the "
	    "needle 'gizmo'") != NULL, "%s", o.out);
	/* only the user's rules are under test, not the built-in set */
	cr_expect(strstr(o.out, "2 rules, 6 examples: 2 passed, 4 failed\n") !=
	    NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(rules_cmd, test_passes_a_good_user_file)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    FIXTURES "rules-passing.json", NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s%s", o.status, o.out, o.err);
	cr_expect_str_eq(o.out, "1 rules, 2 examples: 2 passed, 0 failed\n");
	cr_expect_str_eq(o.err, "");
	proc_out_free(&o);
}

Test(rules_cmd, test_runs_the_stack_examples_of_a_frames_rule)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    FIXTURES "rules-frames-examples.json", NULL });

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect_eq(count(o.out, "FAIL "), 2, "%s", o.out);
	cr_expect(strstr(o.out, "FAIL zz-update-write (" FIXTURES
	    "rules-frames-examples.json:5): match example 2 does not match: "
	    "stack #0 memcpy #1 UpdateClass::write(unsigned char*, unsigned "
	    "int)\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "no_match example 2 matches: stack #0 "
	    "UpdateClass::write(unsigned char*, unsigned int) #1 loop()\n") !=
	    NULL, "%s", o.out);
	cr_expect(strstr(o.out, "1 rules, 4 examples: 2 passed, 2 failed\n") !=
	    NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(rules_cmd, a_frames_rule_with_a_line_example_does_not_load)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    FIXTURES "rules-frames-line-example.json", NULL });

	cr_expect_eq(o.status, 2, "exit %d", o.status);
	cr_expect_str_eq(o.err, "otadiag: " FIXTURES
	    "rules-frames-line-example.json:5: error: rule 'zz-frames-line': "
	    "the examples of a rule with 'frames' are stacks: {\"stack\": "
	    "[\"function\", ...]}, top first\n");
	proc_out_free(&o);
}

Test(rules_cmd, test_of_the_builtin_rules_passes)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test", NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.out);
	cr_expect_eq(count(o.out, "FAIL "), 0, "%s", o.out);
	cr_expect(strstr(o.out, " 0 failed\n") != NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(rules_cmd, bad_rule_file_is_one_error_line)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    FIXTURES "rules-bad-cause.json", NULL });

	cr_expect_eq(o.status, 2, "exit %d", o.status);
	cr_expect_str_eq(o.err, "otadiag: " FIXTURES "rules-bad-cause.json:14: "
	    "error: rule 'zz-bad-cause': unknown cause 'gremlins' (the cause "
	    "table: otadiag rules fields)\n");
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
}

Test(rules_cmd, fields_list_the_cause_table_and_stages)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "fields",
	    NULL });

	cr_expect_eq(o.status, 0, "exit %d", o.status);
	cr_expect(strstr(o.out, "confidence") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "crash-during-update     crash") != NULL,
	    "%s", o.out);
	cr_expect(strstr(o.out, "same-version            refusal") != NULL,
	    "%s", o.out);
	cr_expect(strstr(o.out, " crash ") != NULL, "stage crash: %s", o.out);
	cr_expect(strstr(o.out, " update-hint\n") != NULL,
	    "stage update-hint: %s", o.out);
	proc_out_free(&o);
}

Test(rules_cmd, model_prints_every_row)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "model",
	    NULL });

	cr_expect_eq(o.status, 0, "exit %d", o.status);
	cr_expect(strstr(o.out, "downloading|written + reset [abnormal reset] "
	    "-> failed, raise-reset") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "new-image + end -> success") != NULL, "%s",
	    o.out);
	proc_out_free(&o);
}

Test(rules_cmd, bad_regex_is_one_error_line)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    FIXTURES "rules-bad-regex.json", NULL });

	cr_expect_eq(o.status, 2, "exit %d", o.status);
	cr_expect(STARTS(o.err, "otadiag: " FIXTURES "rules-bad-regex.json:4: "
	    "error: rule 'zz-bad-regex': pattern does not compile: "), "%s",
	    o.err);
	cr_expect(strstr(o.err, "at offset 17\n") != NULL, "%s", o.err);
	cr_expect_eq(count(o.err, "\n"), 1, "%s", o.err);
	proc_out_free(&o);
}

Test(rules_cmd, bad_json_names_line_and_column)
{
	char path[] = "/tmp/otadiag-badjson-XXXXXX";
	char want[256];
	int fd = mkstemp(path);
	static const char text[] = "{\n  \"rules\": [\n    {\"id\": 1,,}\n  ]\n}\n";
	struct proc_out o;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, sizeof(text) - 1),
	    (ssize_t)(sizeof(text) - 1));
	close(fd);
	o = proc_run((const char *[]){ "rules", "test", path, NULL });
	unlink(path);
	cr_expect_eq(o.status, 2, "exit %d", o.status);
	snprintf(want, sizeof(want), "otadiag: %s:3:", path);
	cr_expect(strncmp(o.err, want, strlen(want)) == 0, "%s", o.err);
	cr_expect(strstr(o.err, ": error: ") != NULL, "%s", o.err);
	cr_expect_eq(count(o.err, "\n"), 1, "%s", o.err);
	proc_out_free(&o);
}

Test(rules_cmd, missing_rule_file)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "test",
	    "/nonexistent/rules.json", NULL });

	cr_expect_eq(o.status, 2, "exit %d", o.status);
	cr_expect(STARTS(o.err, "otadiag: /nonexistent/rules.json: error: "
	    "cannot open"), "%s", o.err);
	proc_out_free(&o);
}

Test(rules_cmd, list_json_is_valid)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "list",
	    "--format", "json", NULL });
	struct proc_out ids = proc_run((const char *[]){ "rules", "list",
	    "--ids", NULL });
	json_error_t je;
	json_t *doc, *e;
	size_t i, nrules = 0;
	int seen = 0;

	cr_expect_eq(o.status, 0);
	doc = json_loads(o.out, 0, &je);
	cr_assert_not_null(doc, "not JSON: line %d: %s", je.line, je.text);
	cr_assert(json_is_array(doc));
	cr_expect_eq(json_array_size(doc), count(ids.out, "\n"),
	    "--format json and --ids disagree");
	cr_expect_gt(json_array_size(doc), 100);
	json_array_foreach(doc, i, e) {
		json_t *id = json_object_get(e, "id");
		json_t *cause = json_object_get(e, "cause");
		json_t *kind = json_object_get(e, "kind");

		cr_assert(json_is_string(id), "entry %zu has no id", i);
		/* a rule fired by a marker stage, raised by the session
		   model or matched on a crash stack has no pattern */
		if (json_is_string(json_object_get(e, "trigger_stage")) ||
		    (json_is_string(json_object_get(e, "target")) &&
		    (strcmp(json_string_value(json_object_get(e, "target")),
		    "session") == 0 || strcmp(json_string_value(
		    json_object_get(e, "target")), "frames") == 0)))
			cr_assert(json_is_null(json_object_get(e, "pattern")),
			    "stage rule %s has a pattern", json_string_value(id));
		else
			cr_assert(json_is_string(json_object_get(e, "pattern")),
			    "%s has no pattern", json_string_value(id));
		cr_assert(json_is_string(kind));
		if (strcmp(json_string_value(kind), "rule") == 0) {
			nrules++;
			cr_assert(json_is_string(cause), "rule %s has no cause",
			    json_string_value(id));
		} else
			cr_assert(json_is_null(cause), "marker %s has a cause",
			    json_string_value(id));
		if (strcmp(json_string_value(id),
		    "idf-mbedtls-dynamic-alloc-failed") == 0) {
			seen = 1;
			cr_expect_str_eq(json_string_value(cause), "alloc-failed");
			cr_expect_str_eq(json_string_value(json_object_get(e,
			    "pattern")),
			    "^(?:rx buf )?alloc\\((?<bytes>\\d+) bytes\\) failed");
		}
	}
	cr_expect(seen, "idf-mbedtls-dynamic-alloc-failed not listed");
	cr_expect_gt(nrules, 50);
	json_decref(doc);
	proc_out_free(&o);
	proc_out_free(&ids);
}

Test(rules_cmd, list_includes_a_user_file)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "list", "--ids",
	    "--rules", FIXTURES "rules-passing.json", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "\nzz-sprocket\n") != NULL, "%s", o.out);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "rules", "list", "--ids",
	    "--no-default-rules",
	    "--rules", FIXTURES "rules-passing.json", NULL });
	cr_expect_eq(o.status, 0);
	cr_expect_str_eq(o.out, "zz-sprocket\n");
	proc_out_free(&o);
}

Test(rules_cmd, show_one_rule)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "show",
	    "idf-mbedtls-dynamic-alloc-failed", NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(STARTS(o.out, "id:        idf-mbedtls-dynamic-alloc-failed\n"
	    "cause:     alloc-failed ("), "%s", o.out);
	cr_expect(strstr(o.out, "\nseverity:  error\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "\nneedle:    alloc(\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "\nmatches:   E (1185926) Dynamic Impl: ") !=
	    NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(rules_cmd, show_unknown_rule_exits_2)
{
	struct proc_out o = proc_run((const char *[]){ "rules", "show",
	    "no-such-rule", NULL });

	cr_expect_eq(o.status, 2);
	cr_expect_str_eq(o.err, "otadiag: error: no rule 'no-such-rule' (see "
	    "'otadiag rules list')\n");
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
}

Test(rules_cmd, usage_errors_exit_2)
{
	struct proc_out o = proc_run((const char *[]){ "rules", NULL });

	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "usage: otadiag rules") != NULL, "%s", o.err);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "rules", "frobnicate", NULL });
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "frobnicate") != NULL, "%s", o.err);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "rules", "list", "--format", "xml",
	    NULL });
	cr_expect_eq(o.status, 2);
	proc_out_free(&o);
}
