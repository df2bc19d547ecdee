/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job: the readers of every job format, the per-node diagnosis through the
 * built-in rules (data-driven from fixtures/jobs/expect.txt), the fleet
 * summary, job time-outs, --logs, and the errors for what is not a job.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "job.h"
#include "matcher.h"
#include "proc.h"
#include "result.h"
#include "ruleset.h"

#define FIX OTADIAG_SOURCE_DIR "/fixtures/jobs/"
#define NOW 1717300000LL	/* a fixed "now" for ages */

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

struct env {
	struct ruleset	*rs;
	struct matcher	*m;
};

static void
env_init(struct env *e)
{
	struct diag_err err;

	e->rs = ruleset_new();
	cr_assert_eq(ruleset_load_builtin(e->rs, &err), 0, "%s", err.text);
	e->m = matcher_new(e->rs, &err);
	cr_assert_not_null(e->m, "%s", err.text);
}

static void
env_free(struct env *e)
{
	matcher_free(e->m);
	ruleset_free(e->rs);
}

/* Analyses fixture name like `otadiag job` does. */
static struct input_result *
analyse(struct env *e, const char *name, long long timeout,
    const char *logs)
{
	char path[512];
	struct diag_err err;
	struct job *j;
	struct analysis *a;
	struct job_opts o;
	struct input_result *r;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), FIX "%s", name);
	buf = slurp(path, &len);
	cr_assert_eq(job_sniff(buf, len), 1, "%s not sniffed as a job", name);
	cr_assert_eq(job_parse(path, buf, len, &j, &err), 0, "%s: %s", name,
	    err.text);
	a = analysis_new(e->rs, e->m, path, NULL);
	memset(&o, 0, sizeof(o));
	o.timeout_s = timeout;
	o.now = NOW;
	o.logs_dir = logs;
	o.rs = e->rs;
	o.m = e->m;
	cr_assert_eq(job_feed(j, a, &o, &err), 0, "%s", err.text);
	analysis_finish(a);
	r = analysis_take_result(a);
	analysis_free(a);
	job_free(j);
	free(buf);
	return r;
}

static const struct job_node *
node(const struct input_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nnodes; i++)
		if (strcmp(r->nodes[i].node_id, id) == 0)
			return &r->nodes[i];
	return NULL;
}

static const char *
cause_of(const struct input_result *r, const struct job_node *n)
{
	if (n->primary == NULL)
		return "-";
	cr_assert_lt(n->primary->pos, r->nfindings);
	cr_assert_eq(r->findings[n->primary->pos], n->primary);
	cr_assert_eq(n->primary->node, (int)(n - r->nodes),
	    "node %s's primary finding belongs to another node", n->node_id);
	return n->primary->cause;
}

Test(job, every_fixture_node_gets_its_outcome_and_cause)
{
	struct env e;
	FILE *fp = fopen(FIX "expect.txt", "r");
	char line[512], file[128], id[128], outc[32], cause[64];
	char last[128] = "";
	struct input_result *r = NULL;
	int checked = 0;

	cr_assert_not_null(fp);
	env_init(&e);
	while (fgets(line, sizeof(line), fp) != NULL) {
		const struct job_node *n;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		cr_assert_eq(sscanf(line, "%127s %127s %31s %63s", file, id,
		    outc, cause), 4, "bad line: %s", line);
		if (strcmp(file, last) != 0) {
			result_free(r);
			r = analyse(&e, file, 0, NULL);
			snprintf(last, sizeof(last), "%s", file);
		}
		n = node(r, id);
		cr_expect_not_null(n, "%s: no node %s", file, id);
		if (n == NULL)
			continue;
		cr_expect_str_eq(outcome_name(n->outcome), outc, "%s %s",
		    file, id);
		cr_expect_str_eq(cause_of(r, n), cause, "%s %s", file, id);
		checked++;
	}
	fclose(fp);
	result_free(r);
	env_free(&e);
	cr_expect_geq(checked, 70);
}

Test(job, formats_are_named)
{
	static const char *const f[][2] = {
		{ "rainmaker-job.json", "rainmaker-job" },
		{ "rainmaker-node.json", "rainmaker-node" },
		{ "rainmaker-summary.json", "rainmaker-summary" },
		{ "rainmaker-otastatus.json", "rainmaker-otastatus" },
		{ "aws-update.json", "aws-iot-job" },
		{ "aws-list.json", "aws-iot-job" },
		{ "thingsboard.json", "thingsboard" },
		{ "thingsboard-telemetry.json", "thingsboard" },
		{ "aliyun-tasks.json", "aliyun-ota" },
		{ "nodes.jsonl", "jsonl" },
	};
	char path[512];
	struct diag_err err;
	struct job *j;
	size_t i, len;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *buf;

		snprintf(path, sizeof(path), FIX "%s", f[i][0]);
		buf = slurp(path, &len);
		cr_assert_eq(job_parse(path, buf, len, &j, &err), 0, "%s",
		    err.text);
		cr_expect_str_eq(job_format(j), f[i][1], "%s", f[i][0]);
		job_free(j);
		free(buf);
	}
}

Test(job, status_spellings)
{
	cr_expect_eq(job_status_outcome("in-progress"), OUTCOME_IN_PROGRESS);
	cr_expect_eq(job_status_outcome("in_progress"), OUTCOME_IN_PROGRESS);
	cr_expect_eq(job_status_outcome("IN_PROGRESS"), OUTCOME_IN_PROGRESS);
	cr_expect_eq(job_status_outcome("In-Progress"), OUTCOME_IN_PROGRESS);
	cr_expect_eq(job_status_outcome("SUCCEEDED"), OUTCOME_SUCCESS);
	cr_expect_eq(job_status_outcome("rejected"), OUTCOME_FAILED);
	cr_expect_eq(job_status_outcome("triggered"), OUTCOME_NOT_ATTEMPTED);
	cr_expect_eq(job_status_outcome("UPDATED"), OUTCOME_SUCCESS);
	cr_expect_eq(job_status_outcome("bogus"), OUTCOME_UNKNOWN);
}

Test(job, summary_counts_most_common_cause_first)
{
	struct env e;
	struct input_result *r;
	struct job_summary s;

	env_init(&e);
	r = analyse(&e, "rainmaker-job.json", 0, NULL);
	cr_assert_eq(r->kind, INPUT_JOB);
	cr_expect_str_eq(r->job_id, "job-fleet-1");
	cr_expect_eq(r->outcome, OUTCOME_FAILED);
	job_summary_build(r, &s);
	cr_expect_eq(s.total, 39);
	cr_expect_eq(s.by_outcome[OUTCOME_SUCCESS], 3);
	cr_expect_eq(s.by_outcome[OUTCOME_ROLLED_BACK], 3);
	cr_expect_eq(s.by_outcome[OUTCOME_FAILED], 23);
	cr_expect_eq(s.by_outcome[OUTCOME_IN_PROGRESS], 9);
	cr_expect_eq(s.by_outcome[OUTCOME_NOT_ATTEMPTED], 1);
	cr_assert_gt(s.ncause, 3);
	cr_expect_str_eq(s.by_cause[0].key, "download-interrupted");
	cr_expect_eq(s.by_cause[0].n, 5);
	for (size_t i = 1; i < s.ncause; i++)
		cr_expect_geq(s.by_cause[i - 1].n, s.by_cause[i].n);
	cr_expect_str_eq(s.by_status[0].key, "failed");
	cr_expect_eq(s.by_status[0].n, 21);
	cr_expect_eq(s.ntimed_out, 0);
	/* the input's primary is a finding of the most common cause */
	cr_assert_not_null(r->primary);
	cr_expect_str_eq(r->primary->cause,
	    "download-interrupted");
	job_summary_release(&s);
	result_free(r);
	env_free(&e);
}

Test(job, summary_rows_are_weighted)
{
	struct env e;
	struct input_result *r;
	struct job_summary s;

	env_init(&e);
	r = analyse(&e, "rainmaker-summary.json", 0, NULL);
	job_summary_build(r, &s);
	cr_expect_eq(s.total, 45);
	cr_expect_eq(s.by_outcome[OUTCOME_SUCCESS], 30);
	cr_expect_eq(s.by_outcome[OUTCOME_FAILED], 9);
	cr_expect_eq(s.by_outcome[OUTCOME_NOT_ATTEMPTED], 2);
	job_summary_release(&s);
	result_free(r);
	env_free(&e);
}

Test(job, unfinished_nodes_time_out)
{
	struct env e;
	struct input_result *r;
	struct job_summary s;
	const struct job_node *n;

	env_init(&e);
	/* triggered 2 h before the first node; now is ~17.7 h later */
	r = analyse(&e, "rainmaker-job.json", 3600, NULL);
	cr_expect_eq(r->job_timed_out, 1);
	job_summary_build(r, &s);
	cr_expect_eq(s.ntimed_out, 10);	/* 9 in progress + 1 triggered */
	n = node(r, "n-triggered");
	cr_assert_not_null(n);
	cr_expect_str_eq(cause_of(r, n), "job-timeout");
	cr_expect_eq(n->outcome, OUTCOME_NOT_ATTEMPTED);
	n = node(r, "n-success-1");
	cr_expect_str_eq(cause_of(r, n), "-");
	job_summary_release(&s);
	result_free(r);
	/* a limit longer than the age flags nothing */
	r = analyse(&e, "rainmaker-job.json", 7 * 86400, NULL);
	cr_expect_eq(r->job_timed_out, 0);
	result_free(r);
	env_free(&e);
}

Test(job, logs_by_name_and_tag_with_disagreement)
{
	struct env e;
	struct input_result *r;
	const struct job_node *n;

	env_init(&e);
	r = analyse(&e, "rainmaker-job.json", 0, FIX "logs");
	n = node(r, "n-incomplete");	/* named after the node */
	cr_assert_not_null(n->log_path);
	cr_expect_not_null(strstr(n->log_path, "n-incomplete.log"));
	cr_expect_eq(n->disagree, 0);
	n = node(r, "n-rolled-back");	/* tagged inside the file */
	cr_assert_not_null(n->log_path);
	cr_expect_not_null(strstr(n->log_path, "bench-device-7.log"));
	n = node(r, "n-other-failure");	/* cloud failed, log success */
	cr_assert_not_null(n->log_path);
	cr_expect_eq(n->log_outcome, OUTCOME_SUCCESS);
	cr_expect_eq(n->disagree, 1);
	cr_expect_null(node(r, "n-same")->log_path);
	result_free(r);
	env_free(&e);
}

static int
parse_error(const char *name, struct diag_err *err)
{
	char path[512];
	struct job *j = (struct job *)1;
	size_t len;
	char *buf;
	int rc;

	snprintf(path, sizeof(path), FIX "bad/%s", name);
	buf = slurp(path, &len);
	rc = job_parse(path, buf, len, &j, err);
	cr_expect_null(j);
	free(buf);
	return rc;
}

Test(job, what_is_not_a_job_is_refused_clearly)
{
	struct diag_err err;

	cr_expect_eq(parse_error("not-a-job.json", &err), DIAG_EFORMAT);
	cr_expect_not_null(strstr(err.text, "expected RainMaker"));
	cr_expect_not_null(strstr(err.file, "not-a-job.json"));
	cr_expect_eq(parse_error("truncated.json", &err), DIAG_ESYNTAX);
	cr_expect_gt(err.line, 0);
	cr_expect_eq(parse_error("empty-array.json", &err), DIAG_EFORMAT);
	cr_expect_eq(parse_error("missing-status.json", &err), DIAG_ESCHEMA);
	cr_expect_not_null(strstr(err.text, "node_ota_status[0]"));
	cr_expect_neq(parse_error("jsonl-bad-line.jsonl", &err), 0);
	cr_expect_eq(err.line, 2);
	cr_expect_eq(parse_error("api-error.json", &err), DIAG_ESCHEMA);
	cr_expect_not_null(strstr(err.text, "Unauthorized"));
}

Test(job, sniff_rejects_logs)
{
	static const char log[] = "I (123) esp_rmaker_ota: Reporting in-progress: "
	    "{\"node_id\": \"x\"}\n";
	static const char json[] = "  {\"node_id\": \"a\", \"status\": \"failed\"}";

	cr_expect_eq(job_sniff(log, sizeof(log) - 1), 0);
	cr_expect_eq(job_sniff(json, sizeof(json) - 1), 1);
	cr_expect_eq(job_sniff("{\"a\": 1}", 8), 0);
}

/* The entries of a parsed job, as job_foreach() hands them out. */
struct got {
	char		**ids;
	unsigned long	*lines;
	size_t		 n;
};

static void
got_entry(void *ctx, const struct job_entry *e, size_t i)
{
	struct got *g = ctx;

	cr_assert_eq(i, g->n);
	if ((g->n & (g->n - 1)) == 0) {	/* 0, 1, 2, 4, ...: doubled */
		size_t cap = g->n > 0 ? 2 * g->n : 1;

		g->ids = realloc(g->ids, cap * sizeof(*g->ids));
		g->lines = realloc(g->lines, cap * sizeof(*g->lines));
		cr_assert(g->ids != NULL && g->lines != NULL);
	}
	g->ids[g->n] = strdup(e->node_id);
	g->lines[g->n++] = e->line;
}

static void
got_all(struct job *j, struct got *g)
{
	struct diag_err err;

	memset(g, 0, sizeof(*g));
	cr_assert_eq(job_foreach(j, got_entry, g, &err), 0, "%s", err.text);
	cr_assert_eq(g->n, job_count(j));
}

static void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->ids[i]);
	free(g->ids);
	free(g->lines);
}

static struct job *
parse_text(const char *text, size_t len)
{
	struct diag_err err;
	struct job *j;

	cr_assert_eq(job_parse("t.json", text, len, &j, &err), 0, "%s",
	    err.text);
	return j;
}

/*
 * Each entry's line is where its node id stands as a value, not where the
 * same letters appear earlier in a key or another id; an AWS thing named
 * by the end of its thingArn is found inside that value.
 */
Test(job, entry_lines_point_at_the_node)
{
	static const char rmk[] =
	    "{\"ota_job_id\": \"n1\",\n"			/* 1 */
	    " \"node_ota_status\": [\n"				/* 2 */
	    "  {\"node_id\": \"n10\", \"status\": \"success\"},\n"	/* 3 */
	    "  {\"node_id\": \"ota\",\n"				/* 4 */
	    "   \"status\": \"success\"},\n"			/* 5 */
	    "  {\"status\": \"success\",\n"			/* 6 */
	    "   \"node_id\": \"n1\"}]}\n";			/* 7 */
	static const char aws[] =
	    "{\"executionSummaries\": [\n"
	    " {\"thingArn\": \"arn:aws:iot:eu-west-1:1:thing/dev-1\",\n"
	    "  \"jobExecutionSummary\": {\"status\": \"SUCCEEDED\"}},\n"
	    " {\"thingArn\": \"arn:aws:iot:eu-west-1:1:thing/dev-2\",\n"
	    "  \"jobExecutionSummary\": {\"status\": \"FAILED\"}}]}\n";
	struct job *j = parse_text(rmk, strlen(rmk));
	struct got g;
	size_t i;
	static const struct { const char *id; unsigned long line; } want[] = {
		{"n10", 3}, {"ota", 4}, {"n1", 7},
	};

	cr_assert_eq(job_count(j), 3);
	got_all(j, &g);
	for (i = 0; i < 3; i++) {
		cr_expect_str_eq(g.ids[i], want[i].id);
		cr_expect_eq(g.lines[i], want[i].line, "%s on line %lu",
		    want[i].id, g.lines[i]);
	}
	got_free(&g);
	job_free(j);
	j = parse_text(aws, strlen(aws));
	cr_assert_eq(job_count(j), 2);
	got_all(j, &g);
	cr_expect_str_eq(g.ids[0], "dev-1");
	cr_expect_eq(g.lines[0], 2);
	cr_expect_str_eq(g.ids[1], "dev-2");
	cr_expect_eq(g.lines[1], 4);
	got_free(&g);
	job_free(j);
}

/*
 * 100k nodes, one a line, half of them with no node id (named "(node)",
 * found nowhere in the text): line numbers are found in linear time.
 */
Test(job, entry_lines_in_linear_time, .timeout = 30)
{
	enum { N = 100000 };
	size_t cap = (size_t)N * 96 + 64, len = 0, i;
	char *text = malloc(cap);
	struct job *j;
	struct got g;

	cr_assert_not_null(text);
	len += (size_t)snprintf(text + len, cap - len, "[\n");
	for (i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, i % 2 == 0 ?
		    "%s{\"ota_job_id\": \"j\", \"node_id\": \"n%zu\", "
		    "\"status\": \"success\"}" :
		    "%s{\"ota_job_id\": \"j\", \"status\": \"failed\", "
		    "\"x\": %zu}", i > 0 ? ",\n" : "", i);
	len += (size_t)snprintf(text + len, cap - len, "]\n");
	j = parse_text(text, len);
	cr_assert_eq(job_count(j), N);
	got_all(j, &g);
	for (i = 0; i < N; i += 2)
		if (g.lines[i] != 2 + i)
			cr_assert_fail("n%zu on line %lu, want %zu", i,
			    g.lines[i], 2 + i);
	got_free(&g);
	job_free(j);
	free(text);
}

/*
 * A job larger than 64 KiB is scanned and read one node at a time
 * (job.h).  big() makes one: a RainMaker job whose node N (0-based) is on
 * line N + 2, then `last` on line n + 2 and `tail` after it.
 */
static char *
big(size_t n, const char *last, const char *tail, size_t *len)
{
	size_t cap = n * 64 + strlen(last) + strlen(tail) + 64, i;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	*len = (size_t)snprintf(text, cap, "{\"node_ota_status\": [\n");
	for (i = 0; i < n; i++)
		*len += (size_t)snprintf(text + *len, cap - *len,
		    "{\"node_id\": \"n%06zu\", \"status\": \"success\"},\n", i);
	*len += (size_t)snprintf(text + *len, cap - *len, "%s%s", last, tail);
	return text;
}

struct bad_big {
	const char	*last;		/* on line 2002 */
	const char	*tail;
	long		 line;		/* 2002 + this */
	long		 col;		/* the column, 0: not checked */
	int		 code;
	const char	*says;
};

static const struct bad_big bad_bigs[] = {
	/* truncated: inside a string, inside an element, after one */
	{ "{\"node_id\": \"x\", \"stat", "", 0, 18, DIAG_ESYNTAX,
	    "string starting here is not closed" },
	{ "{\"node_id\": \"x\", \"status\": \"ok\"", "", 0, 0, DIAG_ESYNTAX,
	    "ends inside the value that starts at line 1, column 1" },
	{ "{\"node_id\": \"x\", \"status\": \"ok\"}", "\n", 1, 0,
	    DIAG_ESYNTAX, "ends inside the value" },
	/* unbalanced */
	{ "{\"node_id\": \"x\", \"status\": \"ok\"]", "]}\n", 0, 32,
	    DIAG_ESYNTAX, "where '}' should close an object" },
	{ "{\"node_id\": \"x\", \"status\": \"ok\"}]}}", "\n", 0, 35,
	    DIAG_ESYNTAX, "end of file expected" },
	/* structure between elements */
	{ "{\"node_id\": \"x\", \"status\": \"ok\"} {\"node_id\": \"y\"}",
	    "]}\n", 0, 34, DIAG_ESYNTAX, "',' or ']' expected" },
	{ "{\"node_id\": \"x\", \"status\": \"ok\"},", "]}\n", 0, 34,
	    DIAG_ESYNTAX, "a value expected after ','" },
	/* a member without a value, in the split top level */
	{ "{\"node_id\": \"x\", \"status\": \"ok\"}],", "\"total\": }\n",
	    0, 44, DIAG_ESYNTAX, "a value expected, not '}'" },
	/* duplicate keys: in the split top level, inside an element */
	{ "{\"node_id\": \"x\", \"status\": \"ok\"}],",
	    "\n\"node_ota_status\": []}\n", 1, 1, DIAG_ESYNTAX,
	    "duplicate object key near '\"node_ota_status\"'" },
	{ "{\"node_id\": \"x\", \"node_id\": \"y\", \"status\": \"ok\"}", "]}\n",
	    0, 0, DIAG_ESYNTAX, "duplicate object key" },
	/* bad tokens: inside an element (jansson), at the top */
	{ "{\"node_id\": \"x\", \"status\": tru}", "]}\n", 0, 0,
	    DIAG_ESYNTAX, "invalid token" },
	{ "{\"node_id\": \"x\", \"status\": \"ok\"}", "]\x01}\n", 0, 34,
	    DIAG_ESYNTAX, "byte 0x01" },
	/* well-formed, but not a job record */
	{ "{\"node_id\": \"x\"}", "]}\n", 0, 0, DIAG_ESCHEMA,
	    "node_ota_status[2000] needs string" },
};

/* Each error of the scanner and of the parts names file, line, column. */
Test(job, large_job_errors)
{
	size_t k;

	for (k = 0; k < sizeof(bad_bigs) / sizeof(bad_bigs[0]); k++) {
		const struct bad_big *b = &bad_bigs[k];
		struct diag_err err;
		struct job *j = (struct job *)1;
		size_t len;
		char *text = big(2000, b->last, b->tail, &len);
		int rc;

		cr_assert_gt(len, 64 * 1024);
		rc = job_parse("big.json", text, len, &j, &err);
		cr_expect_null(j);
		cr_expect_eq(rc, b->code, "'%s': rc %d: %s", b->last, rc,
		    err.text);
		cr_expect_str_eq(err.file, "big.json");
		cr_expect_not_null(strstr(err.text, b->says), "'%s': %s",
		    b->last, err.text);
		if (b->code == DIAG_ESYNTAX || b->line != 0)
			cr_expect_eq(err.line, 2002 + b->line, "'%s': line "
			    "%ld: %s", b->last, err.line, err.text);
		if (b->col != 0)
			cr_expect_eq(err.col, b->col, "'%s': column %ld: %s",
			    b->last, err.col, err.text);
		free(text);
	}
}

/* A 4 MiB string (escapes, a quote inside) is read whole, and a huge
 * string never closed is an error at its start. */
Test(job, huge_strings)
{
	enum { HUGE = 4 << 20 };
	struct diag_err err;
	struct job *j;
	struct got g;
	size_t len, i;
	char *s = malloc(HUGE + 128), *text;

	cr_assert_not_null(s);
	i = (size_t)sprintf(s, "{\"node_id\": \"h\", \"status\": \"failed\", "
	    "\"additional_info\": \"");
	memset(s + i, 'a', HUGE);
	memcpy(s + i + HUGE / 2, "\\\"]}", 4);	/* \" then ]} in the string */
	strcpy(s + i + HUGE, "\"}");
	text = big(10, s, "]}\n", &len);
	cr_assert_eq(job_parse("huge.json", text, len, &j, &err), 0, "%s",
	    err.text);
	cr_expect_eq(job_count(j), 11);
	got_all(j, &g);
	cr_expect_str_eq(g.ids[10], "h");
	cr_expect_eq(g.lines[10], 12);
	got_free(&g);
	job_free(j);
	free(text);

	s[i + HUGE] = '\0';	/* never closed */
	text = big(10, s, "", &len);
	j = (struct job *)1;
	cr_expect_eq(job_parse("huge.json", text, len, &j, &err), DIAG_ESYNTAX);
	cr_expect_null(j);
	cr_expect_eq(err.line, 12);
	cr_expect_eq(err.col, (long)i);
	cr_expect_not_null(strstr(err.text, "not closed"), "%s", err.text);
	free(text);
	free(s);
}

/* Nesting beyond what jansson reads is refused, not recursed into. */
Test(job, large_job_nested_too_deep)
{
	struct diag_err err;
	struct job *j = (struct job *)1;
	size_t n = 3000, len = 0, i;
	char *text = malloc(2 * n + 70000);

	cr_assert_not_null(text);
	for (i = 0; i < n; i++)
		text[len++] = '[';
	memset(text + len, ' ', 70000);
	len += 70000;
	for (i = 0; i < n; i++)
		text[len++] = ']';
	cr_expect_eq(job_parse("deep.json", text, len, &j, &err), DIAG_ESYNTAX);
	cr_expect_null(j);
	cr_expect_eq(err.line, 1);
	cr_expect_eq(err.col, 2049);
	cr_expect_not_null(strstr(err.text, "nested too deeply"), "%s",
	    err.text);
	free(text);
}

static void
count_entry(void *ctx, const struct job_entry *e, size_t i)
{
	(void)e;
	(void)i;
	(*(size_t *)ctx)++;
}

/*
 * Reading a job takes memory for one node at a time, not for all: under
 * a data limit of the text's size plus 24 MiB, 300 000 nodes (a 21 MB
 * text; a jansson tree of it alone takes over 100 MB) are checked and
 * handed out.  A limit, not a time: it cannot fail for a slow machine.
 */
Test(job, large_job_read_in_bounded_memory)
{
	struct diag_err err;
	struct rlimit rl;
	struct job *j;
	size_t len, n = 0;
	char *text;

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("AddressSanitizer's shadow memory counts as data");
#endif
	text = big(300000, "{\"node_id\": \"last\", \"status\": \"ok\"}",
	    "]}\n", &len);

	rl.rlim_cur = rl.rlim_max = len + (24u << 20) + (16u << 20);
	/* the test binary's own data (Criterion, the libraries) is the
	   second term; measured at about 4 MiB */
	cr_assert_eq(setrlimit(RLIMIT_DATA, &rl), 0);
	cr_assert_eq(job_parse("big.json", text, len, &j, &err), 0, "%s",
	    err.text);
	cr_expect_eq(job_count(j), 300001);
	cr_assert_eq(job_foreach(j, count_entry, &n, &err), 0, "%s", err.text);
	cr_expect_eq(n, 300001);
	job_free(j);
	free(text);
}

/* A job of nsucc successful nodes, then nfail failed ones whose
   additional_info is an invalid image (cause invalid-image). */
static char *
fleet_text(size_t nsucc, size_t nfail, size_t *len)
{
	size_t cap = (nsucc + nfail) * 160 + 64, i;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	*len = (size_t)snprintf(text, cap, "{\"ota_job_id\": \"fleet\", "
	    "\"node_ota_status\": [\n");
	for (i = 0; i < nsucc + nfail; i++)
		*len += (size_t)snprintf(text + *len, cap - *len,
		    "%s{\"node_id\": \"n%06zu\", \"status\": \"%s\"%s}\n",
		    i > 0 ? "," : "", i, i < nsucc ? "success" : "failed",
		    i < nsucc ? "" : ", \"additional_info\": \"Image "
		    "validation failed: invalid magic byte\"");
	*len += (size_t)snprintf(text + *len, cap - *len, "]}\n");
	return text;
}

static struct input_result *
analyse_text(struct env *e, const char *text, size_t len)
{
	struct diag_err err;
	struct job *j;
	struct analysis *a;
	struct input_result *r;

	cr_assert_eq(job_parse("fleet.json", text, len, &j, &err), 0, "%s",
	    err.text);
	a = analysis_new(e->rs, e->m, "fleet.json", NULL);
	cr_assert_eq(job_feed(j, a, NULL, &err), 0, "%s", err.text);
	analysis_finish(a);
	r = analysis_take_result(a);
	analysis_free(a);
	job_free(j);
	return r;
}

/* Every listed node's primary finding is its own, and every finding
   belongs to a listed node. */
static void
expect_links(const struct input_result *r)
{
	size_t i;

	for (i = 0; i < r->nnodes; i++)
		(void)cause_of(r, &r->nodes[i]);
	for (i = 0; i < r->nfindings; i++) {
		cr_assert_geq(r->findings[i]->node, 0);
		cr_assert_lt((size_t)r->findings[i]->node, r->nnodes);
		cr_assert_eq(r->findings[i]->pos, i);
	}
}

/*
 * A job of more nodes than JOB_MAX_LISTED_NODES lists that many; the
 * failed nodes come first even when they are read last, and the others
 * are counted by outcome and status, none lost: the fleet summary adds
 * up to every node.
 */
Test(job, nodes_beyond_the_limit_are_summarised, .timeout = 120)
{
	const size_t nsucc = JOB_MAX_LISTED_NODES + 2000, nfail = 3000;
	struct env e;
	struct input_result *r;
	struct job_summary s;
	size_t len, i, failed = 0;
	char *text = fleet_text(nsucc, nfail, &len);

	env_init(&e);
	r = analyse_text(&e, text, len);
	cr_expect_eq(r->nnodes, JOB_MAX_LISTED_NODES);
	cr_expect_eq(r->nodes_summarised.n, nsucc + nfail -
	    JOB_MAX_LISTED_NODES);
	cr_expect_eq(r->nodes_summarised.by_outcome[OUTCOME_SUCCESS],
	    r->nodes_summarised.n);
	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].outcome == OUTCOME_FAILED)
			failed++;
	cr_expect_eq(failed, nfail, "every failed node is listed");
	/* listed nodes keep their input order */
	for (i = 1; i < r->nnodes; i++)
		cr_assert_lt(strcmp(r->nodes[i - 1].node_id,
		    r->nodes[i].node_id), 0);
	expect_links(r);
	cr_expect_eq(r->outcome, OUTCOME_FAILED);
	cr_assert_not_null(r->primary);
	cr_expect_str_eq(r->primary->cause, "invalid-image");
	job_summary_build(r, &s);
	cr_expect_eq(s.total, nsucc + nfail);
	cr_expect_eq(s.by_outcome[OUTCOME_SUCCESS], nsucc);
	cr_expect_eq(s.by_outcome[OUTCOME_FAILED], nfail);
	job_summary_release(&s);
	result_free(r);
	free(text);
	env_free(&e);
}

/* More failed nodes than the limit: the first ones are listed, the rest
   counted under their cause with their findings folded, and what is
   kept stays bounded. */
Test(job, failed_nodes_beyond_the_limit_are_counted_by_cause,
    .timeout = 120)
{
	const size_t nfail = JOB_MAX_LISTED_NODES + 500;
	struct env e;
	struct input_result *r;
	struct job_summary s;
	size_t len, i;
	char *text = fleet_text(0, nfail, &len);

	env_init(&e);
	r = analyse_text(&e, text, len);
	cr_expect_eq(r->nnodes, JOB_MAX_LISTED_NODES);
	cr_expect_str_eq(r->nodes[0].node_id, "n000000");
	cr_expect_eq(r->nodes_summarised.n, 500);
	cr_expect_eq(r->nodes_summarised.by_outcome[OUTCOME_FAILED], 500);
	cr_expect_geq(r->nodes_summarised.nfindings, 500);
	cr_expect_leq(r->nfindings, 4 * JOB_MAX_LISTED_NODES);
	cr_assert_eq(r->nodes_summarised.ncause, 1);
	cr_expect_str_eq(r->nodes_summarised.by_cause[0].cause,
	    "invalid-image");
	cr_expect_eq(r->nodes_summarised.by_cause[0].n, 500);
	expect_links(r);
	job_summary_build(r, &s);
	cr_expect_eq(s.total, nfail);
	for (i = 0; i < s.ncause; i++)
		if (strcmp(s.by_cause[i].key, "invalid-image") == 0)
			cr_expect_eq(s.by_cause[i].n, nfail);
	job_summary_release(&s);
	result_free(r);
	free(text);
	env_free(&e);
}

/* What a user sees of a job beyond the limit, in every report format: the
   count of nodes not listed, and what they were. */
Test(job, summarised_nodes_in_every_report, .timeout = 300)
{
	const size_t nfail = JOB_MAX_LISTED_NODES + 300;
	char path[] = "/tmp/otadiag-fleet-XXXXXX";
	size_t len;
	char *text = fleet_text(0, nfail, &len);
	int fd = mkstemp(path);
	struct proc_out o;
	const char *json[] = { "job", "--format", "json", path, NULL };
	const char *txt[] = { "job", "--format", "text", path, NULL };
	const char *jsonl[] = { "job", "--format", "jsonl", path, NULL };
	const char *junit[] = { "job", "--format", "junit", path, NULL };
	const char *sarif[] = { "job", "--format", "sarif", path, NULL };

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);

	o = proc_run(json);
	cr_expect_eq(o.status, 1, "%s", o.err);
	cr_expect_not_null(strstr(o.out, "\"nodes_summarised\": {\n"
	    "        \"count\": 300,"), "%.2000s", strrchr(o.out, '[') );
	cr_expect_not_null(strstr(o.out, "\"invalid-image\": 300"));
	proc_out_free(&o);

	o = proc_run(txt);
	cr_expect_not_null(strstr(o.out, "job fleet: 10300 nodes, 10000 "
	    "listed, 300 summarised\n"), "%.600s", o.out);
	cr_expect_not_null(strstr(o.out, "    summarised   300 nodes not "
	    "listed (failed and rolled-back nodes are listed first): failed "
	    "300; causes invalid-image 300;"), "%.600s", o.out);
	cr_expect_not_null(strstr(o.out, "note: 300 of the job's 10300 nodes "
	    "are summarised"));
	cr_expect_not_null(strstr(o.out, "job fleet (rainmaker-job): 10300 "
	    "nodes\n  outcome     failed 10300\n"), "%s",
	    strstr(o.out, "job fleet ("));
	proc_out_free(&o);

	/* JSON Lines is a stream: every node, read again (test-fleet.c) */
	o = proc_run(jsonl);
	cr_expect_not_null(strstr(o.out, "{\"type\":\"node\",\"path\":\""),
	    "%s", o.err);
	cr_expect_not_null(strstr(o.out, "\"node\":\"n010299\""));
	cr_expect_null(strstr(o.out, "\"type\":\"nodes_summarised\""));
	proc_out_free(&o);

	o = proc_run(junit);
	cr_expect_not_null(strstr(o.out, "name=\"nodes summarised\""));
	cr_expect_not_null(strstr(o.out, "300 nodes summarised, not listed: "
	    "300 failed or rolled back"));
	proc_out_free(&o);

	o = proc_run(sarif);
	cr_expect_not_null(strstr(o.out, "\"nodes-summarised\""));
	cr_expect_not_null(strstr(o.out, "300 nodes summarised, not listed"));
	proc_out_free(&o);

	unlink(path);
	free(text);
}

static void
count_node(void *ctx, const struct job_entry *e, size_t i)
{
	size_t *n = ctx;

	cr_assert_eq(i, n[0]);
	if (strcmp(e->status, "failed") == 0)
		n[1]++;
	n[0]++;
}

/* A job of n nodes (every third failed) in a real file, as text too. */
static char *
fd_job(char *path, size_t n, size_t *len)
{
	char *text = fleet_text(n - n / 3, n / 3, len);
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, *len), (ssize_t)*len);
	close(fd);
	return text;
}

/*
 * A regular file is read in place, through a window (no copy on disk, no
 * mapping): every pass hands out what the text in memory does, for a
 * small file (read whole) and a large one (read in parts).
 */
Test(job, regular_file_read_in_place_like_its_text)
{
	size_t sizes[2] = { 30, 30000 }, k;

	for (k = 0; k < 2; k++) {
		char path[] = "/tmp/otadiag-inplace-XXXXXX";
		struct diag_err err;
		struct job *jf, *jt;
		size_t len, nf[2] = { 0, 0 }, nt[2] = { 0, 0 };
		char *text = fd_job(path, sizes[k], &len);
		int fd = open(path, O_RDONLY);

		cr_assert_geq(fd, 0);
		cr_assert_eq(job_parse_fd(path, fd, &jf, &err), 0, "%s",
		    err.text);
		cr_assert_eq(job_parse(path, text, len, &jt, &err), 0, "%s",
		    err.text);
		cr_expect_eq(job_count(jf), sizes[k]);
		cr_expect_eq(job_count(jf), job_count(jt));
		cr_assert_eq(job_foreach(jf, count_node, nf, &err), 0, "%s",
		    err.text);
		cr_assert_eq(job_foreach(jt, count_node, nt, &err), 0, "%s",
		    err.text);
		cr_expect_eq(nf[0], nt[0]);
		cr_expect_eq(nf[1], nt[1]);
		cr_expect_eq(nf[1], sizes[k] / 3);
		/* a second pass reads it again, the same */
		nf[0] = nf[1] = 0;
		cr_assert_eq(job_foreach(jf, count_node, nf, &err), 0, "%s",
		    err.text);
		cr_expect_eq(nf[0], sizes[k]);
		job_free(jf);
		job_free(jt);
		close(fd);
		unlink(path);
		free(text);
	}
}

/*
 * The file changes between the passes: rewritten in place (same size) or
 * cut short.  The next pass fails with one clear error naming the file,
 * never a job made of two versions (nor a SIGBUS: nothing is mapped).
 */
Test(job, regular_file_changed_between_passes)
{
	const char *want[2] = { "changed while being read",
	    "truncated while being read" };
	size_t k;

	for (k = 0; k < 2; k++) {
		char path[] = "/tmp/otadiag-inplace-XXXXXX";
		struct timespec old[2] = { { 1000000000, 0 },
		    { 1000000000, 0 } };
		struct diag_err err;
		struct job *j;
		size_t len, n[2] = { 0, 0 };
		char *text = fd_job(path, 30000, &len);
		int fd = open(path, O_RDWR);

		cr_assert_geq(fd, 0);
		/* written a while ago: the clock's granularity cannot hide
		   the change */
		cr_assert_eq(futimens(fd, old), 0);
		cr_assert_eq(job_parse_fd(path, fd, &j, &err), 0, "%s",
		    err.text);
		if (k == 0)
			cr_assert_eq(pwrite(fd, "x", 1, (off_t)len / 2), 1);
		else
			cr_assert_eq(ftruncate(fd, (off_t)len / 2), 0);
		cr_expect_eq(job_foreach(j, count_node, n, &err), DIAG_EIO);
		cr_expect_str_eq(err.file, path);
		cr_expect_not_null(strstr(err.text, want[k]), "%s", err.text);
		job_free(j);
		close(fd);
		unlink(path);
		free(text);
	}
}

/* Not a regular file: refused (the command copies those to a spool). */
Test(job, read_in_place_needs_a_regular_file)
{
	struct diag_err err;
	struct job *j = (struct job *)1;
	int fd = open("/dev/null", O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_expect_eq(job_parse_fd("/dev/null", fd, &j, &err), DIAG_EIO);
	cr_expect_null(j);
	cr_expect_not_null(strstr(err.text, "not a regular file"));
	close(fd);
}
