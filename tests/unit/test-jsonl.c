/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Lines writer: one object per finding and per input error, every key
 * present in a fixed order.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "result.h"
#include "ruleset.h"

#include "results.h"

TestSuite(jsonl, .fini = results_free_kept);

static const char *const finding_keys[] = {
	"type", "path", "kind", "rule", "cause", "severity", "title", "line",
	"lines", "count", "text", "message", "remedy", "session", "node",
	"primary", "consequence_of",
};

static char *
run(struct input_result *const *in, size_t n)
{
	struct report_opts o = results_opts();
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(report_jsonl(fp, in, n, &o), 0);
	fclose(fp);
	return buf;
}

/* Splits buf into parsed lines; returns the count. */
static size_t
parse_lines(char *buf, json_t **v, size_t max)
{
	char	*line, *save = NULL;
	size_t	 n = 0;
	json_error_t je;

	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		cr_assert_lt(n, max);
		v[n] = json_loads(line, 0, &je);
		cr_assert_not_null(v[n], "line %zu is not JSON: %s: %s", n + 1,
		    je.text, line);
		n++;
	}
	return n;
}

Test(jsonl, one_line_per_finding_and_error)
{
	struct finding	 f[3];
	struct session	 sess;
	struct input_result a, b;
	struct input_result *in[2] = { &b, &a };
	json_t		*v[8], *o;
	const char	*key;
	char		*buf;
	size_t		 n, i, k;

	f[0] = results_finding(&results_rule_alloc, 812,
	    "E (1) Dynamic Impl: alloc(16749 bytes) failed",
	    "A TLS record buffer of 16749 bytes could not be allocated");
	f[0].lines[1] = 813;
	f[0].nlines = 2;
	f[0].count = 5;
	f[0].session = 1;	/* the first session: index 0 in reports */
	f[1] = results_finding(&results_rule_http, 40,
	    "I (2) ota: \"http\"://fw\n", "plain \xff http");
	f[2] = results_finding(&results_rule_info, 50, "", "no rule");
	f[2].consequence_of = &f[0];
	results_input(&a, "logs/dut1.log", OUTCOME_FAILED, f, 3);
	memset(&sess, 0, sizeof(sess));
	sess.no = 1;
	a.sessions = &sess;
	a.nsessions = 1;
	results_input(&b, "logs/gone.log", OUTCOME_UNKNOWN, NULL, 0);
	b.error = 1;
	b.error_text = results_keep("cannot open: No such file or directory");
	buf = run(in, 2);
	n = parse_lines(buf, v, 8);
	cr_assert_eq(n, 4);

	/* Input order is kept: the error of the first input comes first. */
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "type")), "error");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "path")),
	    "logs/gone.log");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "error")),
	    "cannot open: No such file or directory");
	for (i = 1; i < n; i++) {
		/* Every key, in the documented order. */
		k = 0;
		json_object_foreach(v[i], key, o) {
			cr_assert_lt(k, sizeof(finding_keys) / sizeof(finding_keys[0]));
			cr_assert_str_eq(key, finding_keys[k], "line %zu key %zu", i, k);
			k++;
		}
		cr_assert_eq(k, sizeof(finding_keys) / sizeof(finding_keys[0]));
	}
	o = v[1];
	cr_assert_str_eq(json_string_value(json_object_get(o, "rule")),
	    "idf-mbedtls-dynamic-alloc-failed");
	cr_assert_str_eq(json_string_value(json_object_get(o, "cause")), "alloc-failed");
	cr_assert_str_eq(json_string_value(json_object_get(o, "severity")), "error");
	cr_assert_eq(json_integer_value(json_object_get(o, "line")), 812);
	cr_assert_eq(json_array_size(json_object_get(o, "lines")), 2);
	cr_assert_eq(json_integer_value(json_object_get(o, "count")), 5);
	cr_assert_eq(json_integer_value(json_object_get(o, "session")), 0);
	cr_assert(json_is_true(json_object_get(o, "primary")));
	cr_assert(json_is_null(json_object_get(o, "consequence_of")));
	cr_assert(json_is_null(json_object_get(o, "node")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "remedy")),
	    "Free internal heap during the update.");
	cr_assert_str_eq(json_string_value(json_object_get(v[2], "text")),
	    "I (2) ota: \"http\"://fw\n");
	/* Invalid UTF-8 never breaks the line: it is escaped. */
	cr_assert_not_null(strstr(json_string_value(json_object_get(v[2],
	    "message")), "plain "));
	cr_assert_str_eq(json_string_value(json_object_get(v[3], "rule")),
	    "gen-ota-too-early");
	cr_assert_str_eq(json_string_value(json_object_get(v[3], "cause")),
	    "ota-too-early");
	cr_assert_eq(json_integer_value(json_object_get(v[3], "consequence_of")), 0);
	for (i = 0; i < n; i++)
		json_decref(v[i]);
	free(buf);
}

Test(jsonl, nothing_to_report_is_empty)
{
	struct input_result a;
	struct input_result *in[1] = { &a };
	char	*buf;

	results_input(&a, "ok.log", OUTCOME_SUCCESS, NULL, 0);
	buf = run(in, 1);
	cr_assert_str_eq(buf, "");
	free(buf);
}

Test(jsonl, job_findings_name_their_node)
{
	struct finding	 f[1];
	struct job_node	 nodes[1];
	struct input_result a;
	struct input_result *in[1] = { &a };
	json_t		*v[2];
	char		*buf;

	f[0] = results_finding(&results_rule_alloc, 3, "alloc failed", "m");
	f[0].node = 0;
	memset(nodes, 0, sizeof(nodes));
	nodes[0].node_id = results_keep("node-7");
	results_input(&a, "job.json", OUTCOME_FAILED, f, 1);
	a.kind = INPUT_JOB;
	a.nodes = nodes;
	a.nnodes = 1;
	nodes[0].status = results_keep("failed");
	nodes[0].outcome = OUTCOME_FAILED;
	nodes[0].line = 4;
	buf = run(in, 1);
	/* a line per node, before the findings */
	cr_assert_eq(parse_lines(buf, v, 2), 2);
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "type")), "node");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "node")), "node-7");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "outcome")),
	    "failed");
	cr_assert_eq(json_integer_value(json_object_get(v[0], "findings")), 1);
	cr_assert_eq(json_integer_value(json_object_get(v[0], "line")), 4);
	cr_assert_str_eq(json_string_value(json_object_get(v[1], "type")),
	    "finding");
	cr_assert_str_eq(json_string_value(json_object_get(v[1], "kind")), "job");
	cr_assert_str_eq(json_string_value(json_object_get(v[1], "node")), "node-7");
	json_decref(v[0]);
	json_decref(v[1]);
	free(buf);
}
