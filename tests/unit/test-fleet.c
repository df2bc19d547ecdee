/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fleet: the findings of a job's nodes summarised, not listed, as the gate
 * counts them (no consequences, by severity and fingerprint), and what a
 * user sees of them: the exit line, --baseline, and every report format's
 * counts, which agree.  Jobs of more than JOB_MAX_LISTED_NODES nodes are
 * written to real files and read by the built binary.
 */
#include <criterion/criterion.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "job.h"
#include "matcher.h"
#include "proc.h"
#include "result.h"
#include "ruleset.h"

#define NFAIL	JOB_MAX_LISTED_NODES	/* listed: failed nodes come first */
#define NREJ	200	/* summarised, 2 error findings each, 1 a consequence */
#define NDELAY	100	/* summarised, 1 warning finding each */

/*
 * A RainMaker job: NFAIL failed nodes (image validation), then NREJ
 * rejected ones (project name mismatch: the status finding is a
 * consequence of the info's), then NDELAY delayed ones (a warning).
 * Node odd, when >= 0, says "ESP_ERR_HTTP_CONNECT" instead: one new
 * failure among the summarised nodes.
 */
static char *
job_text(long odd, size_t *len)
{
	size_t n = NFAIL + NREJ + NDELAY, cap = n * 160 + 64, i;
	char *t = malloc(cap);

	cr_assert_not_null(t);
	*len = (size_t)snprintf(t, cap, "{\"ota_job_id\": \"fleet\", "
	    "\"node_ota_status\": [\n");
	for (i = 0; i < n; i++) {
		const char *st = i < NFAIL ? "failed" : i < NFAIL + NREJ ?
		    "rejected" : "delayed";
		const char *info = i < NFAIL ? "Image validation failed" :
		    i < NFAIL + NREJ ? "Project Name mismatch" :
		    "Not within valid window.";

		if ((long)i == odd)
			info = "OTA Begin failed: ESP_ERR_HTTP_CONNECT";
		*len += (size_t)snprintf(t + *len, cap - *len, "%s{\"node_id\": "
		    "\"n%06zu\", \"status\": \"%s\", \"additional_info\": "
		    "\"%s\"}\n", i > 0 ? "," : "", i, st, info);
	}
	*len += (size_t)snprintf(t + *len, cap - *len, "]}\n");
	return t;
}

/* The job in dir/name. */
static void
write_job(const char *dir, const char *name, long odd)
{
	char path[512];
	size_t len;
	char *t = job_text(odd, &len);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(t, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
	free(t);
}

static char *
tmpdir_new(void)
{
	char tmpl[] = "/tmp/otadiag-fleet-XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

static void
tmpdir_free(char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	free(dir);
}

/* The last line of standard error: the exit line. */
static const char *
exit_line(const struct proc_out *o)
{
	const char *p = strstr(o->err, "otadiag: exit ");

	cr_assert_not_null(p, "%s", o->err);
	return p;
}

Test(fleet, summarised_findings_counted_without_consequences)
{
	struct ruleset *rs = ruleset_new();
	struct diag_err err;
	struct matcher *m;
	struct analysis *a;
	struct input_result *r;
	const struct node_summary *sm;
	struct job *j;
	size_t len, k, seen = 0;
	char *t = job_text(-1, &len);

	cr_assert_eq(ruleset_load_builtin(rs, &err), 0, "%s", err.text);
	cr_assert_not_null(m = matcher_new(rs, &err), "%s", err.text);
	cr_assert_eq(job_parse("fleet.json", t, len, &j, &err), 0, "%s",
	    err.text);
	a = analysis_new(rs, m, "fleet.json", NULL);
	cr_assert_eq(job_feed(j, a, NULL, &err), 0, "%s", err.text);
	analysis_finish(a);
	r = analysis_take_result(a);
	sm = &r->nodes_summarised;
	cr_expect_eq(sm->n, NREJ + NDELAY);
	cr_expect_eq(sm->nfindings, 2 * NREJ + NDELAY);
	cr_expect_eq(sm->by_severity[RULE_ERROR], NREJ,
	    "the status finding is a consequence: %zu",
	    sm->by_severity[RULE_ERROR]);
	cr_expect_eq(sm->nerrors, NREJ);
	cr_expect_eq(sm->by_severity[RULE_WARNING], NDELAY);
	cr_expect_eq(sm->nfps, 2);
	for (k = 0; k < sm->nfps; k++) {
		cr_expect_eq(strlen(sm->fps[k].fp), 16);
		seen += sm->fps[k].n;
		cr_expect_gt(sm->fps[k].line, 0);
	}
	cr_expect_eq(seen, NREJ + NDELAY);
	result_free(r);
	analysis_free(a);
	job_free(j);
	matcher_free(m);
	ruleset_free(rs);
	free(t);
}

/* The exit line counts every node's findings, not the listed ones only. */
Test(fleet, exit_line_counts_summarised_nodes)
{
	char *dir = tmpdir_new();
	const char *an[] = { "analyze", "job.json", NULL };
	const char *warn[] = { "job", "--fail-on", "warning", "--format",
	    "json", "job.json", NULL };
	struct proc_out o;

	write_job(dir, "job.json", -1);
	o = proc_run_in(dir, NULL, an);
	cr_expect_eq(o.status, 1);
	cr_expect_not_null(strstr(exit_line(&o), "exit 1: 10200 findings at "
	    "or above 'error' (first: job.json line 2, invalid-image); 200 of "
	    "them in nodes summarised, not listed\n"), "%s", exit_line(&o));
	proc_out_free(&o);
	o = proc_run_in(dir, NULL, warn);
	cr_expect_not_null(strstr(exit_line(&o), "exit 1: 10300 findings at "
	    "or above 'warning'"), "%s", exit_line(&o));
	cr_expect_not_null(strstr(exit_line(&o), "300 of them in nodes "
	    "summarised"), "%s", exit_line(&o));
	proc_out_free(&o);
	tmpdir_free(dir);
}

/*
 * A CI gate with --baseline: a new failure in a node that is summarised
 * fails it (before, the gate passed it), and a baseline written from the
 * same report accepts the summarised nodes' known findings.
 */
Test(fleet, baseline_sees_summarised_nodes)
{
	char *dir = tmpdir_new();
	const char *mk[] = { "analyze", "--format", "json", "--output",
	    "base.json", "job.json", NULL };
	const char *gate[] = { "analyze", "--baseline", "base.json",
	    "job.json", NULL };
	const char *junit[] = { "analyze", "--baseline", "base.json",
	    "--format", "junit", "job.json", NULL };
	struct proc_out o;

	write_job(dir, "job.json", -1);
	o = proc_run_in(dir, NULL, mk);
	cr_assert_eq(o.status, 1, "%s", o.err);
	proc_out_free(&o);

	o = proc_run_in(dir, NULL, gate);
	cr_expect_eq(o.status, 0, "%s", exit_line(&o));
	cr_expect_not_null(strstr(exit_line(&o), "(10200 accepted by the "
	    "baseline)"), "%s", exit_line(&o));
	proc_out_free(&o);

	/* node 10100 is rejected, summarised: now a connection failure */
	write_job(dir, "job.json", NFAIL + 100);
	o = proc_run_in(dir, NULL, gate);
	cr_expect_eq(o.status, 1, "a new failure in a summarised node "
	    "passed the gate: %s", exit_line(&o));
	cr_expect_not_null(strstr(exit_line(&o), "exit 1: 1 finding at or "
	    "above 'error' (first: job.json line 10102, server-unreachable); "
	    "1 of them in nodes summarised, not listed; 10199 more accepted "
	    "by the baseline"), "%s", exit_line(&o));
	proc_out_free(&o);

	o = proc_run_in(dir, NULL, junit);
	cr_expect_eq(o.status, 1);
	cr_expect_not_null(strstr(o.out, "1 finding at or above 'error' in "
	    "nodes summarised, not listed; 199 more accepted by the "
	    "baseline"), "%.3000s", strstr(o.out, "findings of nodes") ?
	    strstr(o.out, "findings of nodes") : o.out);
	proc_out_free(&o);
	tmpdir_free(dir);
}

/* Every format says the same counts of the summarised nodes' findings. */
Test(fleet, every_format_counts_the_same)
{
	char *dir = tmpdir_new();
	const char *json[] = { "job", "--format", "json", "job.json", NULL };
	const char *jsonl[] = { "job", "--format", "jsonl", "job.json", NULL };
	const char *text[] = { "job", "job.json", NULL };
	const char *junit[] = { "job", "--format", "junit", "job.json", NULL };
	const char *sarif[] = { "job", "--format", "sarif", "job.json", NULL };
	const char *gh[] = { "job", "--format", "github", "job.json", NULL };
	char envs[600];
	const char *env[] = { envs, NULL };
	struct proc_out o;
	char *md, *line, *save = NULL;
	size_t nsev[3] = { 0, 0, 0 };
	FILE *fp;
	long n;

	write_job(dir, "job.json", -1);
	o = proc_run_in(dir, NULL, json);
	cr_expect_not_null(strstr(o.out, "\"findings\": 500,\n"
	    "        \"errors\": 200,\n        \"by_severity\": {\n"
	    "          \"error\": 200,\n          \"warning\": 100,\n"
	    "          \"info\": 0\n        },"), "%.1500s",
	    strstr(o.out, "\"nodes_summarised\"") ?
	    strstr(o.out, "\"nodes_summarised\"") : o.out);
	cr_expect_not_null(strstr(o.out, "\"rule\": "
	    "\"rmk-job-project-name-mismatch\""));
	cr_expect_not_null(strstr(o.out, "\"without_fingerprint\": 0"));
	proc_out_free(&o);

	/* JSON Lines lists every node's findings: the same counts */
	o = proc_run_in(dir, NULL, jsonl);
	for (line = strtok_r(o.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "\"consequence_of\":null}") != NULL)
			nsev[strstr(line, "\"severity\":\"error\"") != NULL ?
			    0 : strstr(line, "\"severity\":\"warning\"") !=
			    NULL ? 1 : 2]++;
	cr_expect_eq(nsev[0], NFAIL + NREJ);
	cr_expect_eq(nsev[1], NDELAY);
	cr_expect_eq(nsev[2], 0);
	proc_out_free(&o);

	o = proc_run_in(dir, NULL, text);
	cr_expect_not_null(strstr(o.out, "; 500 findings folded (no "
	    "consequence: 200 error, 100 warning, 0 info)\n"), "%.3000s",
	    o.out);
	cr_expect_not_null(strstr(exit_line(&o), "10200 findings at or "
	    "above 'error'"), "%s", exit_line(&o));
	proc_out_free(&o);

	o = proc_run_in(dir, NULL, junit);
	cr_expect_not_null(strstr(o.out, "200 findings at or above 'error' in "
	    "nodes summarised, not listed"));
	cr_expect_not_null(strstr(o.out, "no consequence: 200 error, 100 "
	    "warning, 0 info"));
	proc_out_free(&o);

	o = proc_run_in(dir, NULL, sarif);
	cr_expect_not_null(strstr(o.out, "300 nodes summarised, not listed, "
	    "with 500 findings (no consequence: 200 error, 100 warning, 0 "
	    "note; not among the results)"));
	proc_out_free(&o);

	snprintf(envs, sizeof(envs), "GITHUB_STEP_SUMMARY=%s/summary.md", dir);
	o = proc_run_in(dir, env, gh);
	cr_expect_not_null(strstr(o.out, "::notice file=job.json,title="
	    "otadiag%3A findings of nodes summarised::300 findings of 300 "
	    "nodes summarised, not listed, are not annotated (200 error, 100 "
	    "warning, 0 notice; consequences not counted); 200 at or above "
	    "error fail the gate; the JSON report counts them by fingerprint "
	    "(nodes_summarised)\n"), "%s", o.out);
	proc_out_free(&o);
	snprintf(envs, sizeof(envs), "%s/summary.md", dir);
	fp = fopen(envs, "rb");
	cr_assert_not_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	md = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(md, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	/* errors: 10000 listed + 200 summarised; warnings: 100 */
	cr_expect_not_null(strstr(md, "| 10200 | 100 | 0 |"), "%.400s", md);
	free(md);
	tmpdir_free(dir);
}

/*
 * JSON Lines lists every node past the limit: the job is read again and
 * each node written as it is read, its line then its findings, in input
 * order; a node's consequences point at its own primary, and what the
 * lines say of the nodes agrees with the JSON report's counts.
 */
Test(fleet, jsonl_lists_every_node)
{
	char *dir = tmpdir_new();
	const char *jsonl[] = { "job", "--format", "jsonl", "job.json", NULL };
	const char *json[] = { "job", "--format", "json", "job.json", NULL };
	size_t nnodes = 0, nfind = 0, ncons = 0, nproj = 0, nsum_proj;
	struct proc_out o, oj;
	json_t *doc, *fnd[2048];
	char *line, *save = NULL, want[16];

	write_job(dir, "job.json", -1);
	oj = proc_run_in(dir, NULL, json);
	doc = json_loads(oj.out, 0, NULL);
	cr_assert_not_null(doc);
	nsum_proj = (size_t)json_integer_value(json_object_get(json_object_get(
	    json_object_get(json_array_get(json_object_get(doc, "inputs"), 0),
	    "nodes_summarised"), "by_cause"), "project-name-mismatch"));
	cr_expect_eq(nsum_proj, NREJ, "the JSON report's count");
	json_decref(doc);
	proc_out_free(&oj);

	o = proc_run_in(dir, NULL, jsonl);
	cr_expect_eq(o.status, 1, "%s", o.err);
	for (line = strtok_r(o.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_t *l = json_loads(line, 0, NULL);
		const char *type;

		cr_assert_not_null(l, "%s", line);
		type = json_string_value(json_object_get(l, "type"));
		cr_assert_not_null(type);
		if (strcmp(type, "node") == 0) {
			snprintf(want, sizeof(want), "n%06zu", nnodes++);
			cr_assert_str_eq(json_string_value(json_object_get(l,
			    "node")), want, "nodes in input order, each once");
			if (json_is_string(json_object_get(l,
			    "primary_cause")) && strcmp(json_string_value(
			    json_object_get(l, "primary_cause")),
			    "project-name-mismatch") == 0)
				nproj++;
		} else if (strcmp(type, "finding") == 0) {
			json_t *c = json_object_get(l, "consequence_of");

			cr_assert_str_eq(json_string_value(json_object_get(l,
			    "node")), want, "a finding follows its node");
			if (json_is_integer(c)) {
				size_t k = (size_t)json_integer_value(c);

				cr_assert_lt(k, nfind);
				cr_assert_geq(k + 2048, nfind);
				cr_expect_str_eq(json_string_value(
				    json_object_get(fnd[k % 2048], "node")),
				    want, "a consequence of its own node");
				cr_expect(json_is_true(json_object_get(
				    fnd[k % 2048], "primary")));
				ncons++;
			}
			if (nfind >= 2048)
				json_decref(fnd[nfind % 2048]);
			fnd[nfind++ % 2048] = json_incref(l);
		} else
			cr_assert_fail("a line of type %s", type);
		json_decref(l);
	}
	for (size_t k = 0; k < nfind && k < 2048; k++)
		json_decref(fnd[k]);
	cr_expect_eq(nnodes, NFAIL + NREJ + NDELAY);
	cr_expect_eq(nfind, NFAIL + 2 * NREJ + NDELAY);
	cr_expect_eq(ncons, NREJ);
	cr_expect_eq(nproj, nsum_proj, "the lines and the JSON report agree");
	proc_out_free(&o);
	tmpdir_free(dir);
}
