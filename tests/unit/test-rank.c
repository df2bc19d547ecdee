/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rank and the session bound: which finding is each session's, each
 * node's and the input's primary cause, what outcome a job has, and that
 * an input with thousands of updates keeps a bounded number of sessions
 * while every failed session it lists still has its cause and the ones it
 * only counts are reported.  Logs use tests/unit/fixtures/analysis-rules.json
 * (plain-text markers); jobs use the built-in rules.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "diag.h"
#include "job.h"
#include "matcher.h"
#include "report.h"
#include "result.h"
#include "ruleset.h"
#include "strbuf.h"

#define RULES OTADIAG_SOURCE_DIR "/tests/unit/fixtures/analysis-rules.json"

#define FAIL_UPDATE	"OTA start\nprogress 30%\nalloc(4096) failed\n"
#define GOOD_UPDATE	"OTA start size=1000\nprogress 100%\n" \
			"download complete\nrestarting\nmarked valid\n"

struct env {
	struct ruleset	*rs;
	struct matcher	*m;
	struct analysis	*a;
};

static void
env_open(struct env *e, int builtin)
{
	struct diag_err err;

	memset(e, 0, sizeof(*e));
	e->rs = ruleset_new();
	if (builtin)
		cr_assert_eq(ruleset_load_builtin(e->rs, &err), 0, "%s",
		    err.text);
	else
		cr_assert_eq(ruleset_load_path(e->rs, RULES, &err), 0,
		    "%s:%ld: %s", err.file, err.line, err.text);
	e->m = matcher_new(e->rs, &err);
	cr_assert_not_null(e->m, "%s", err.text);
	e->a = analysis_new(e->rs, e->m, "test.log", NULL);
}

static void
env_close(struct env *e)
{
	analysis_free(e->a);
	matcher_free(e->m);
	ruleset_free(e->rs);
}

static void
feed_n(struct env *e, const char *text, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		analysis_feed(e->a, text, strlen(text));
}

static const char *
primary_cause(const struct input_result *r)
{
	return r->primary != NULL ? r->primary->cause : "(none)";
}

/* The text or JSON report of r, as a string (the caller frees it). */
static char *
report(enum report_format f, struct input_result *r, size_t top)
{
	struct report_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	memset(&o, 0, sizeof(o));
	o.top = top;
	cr_assert_not_null(fp);
	cr_assert_eq(report_write(f, fp, &r, 1, &o), 0);
	fclose(fp);
	return buf;
}

/* ---- the session bound ---------------------------------------------------- */

Test(bound, thousands_of_failed_updates_keep_a_bounded_set)
{
	struct env e;
	const struct input_result *r;
	size_t i, total;

	env_open(&e, 0);
	feed_n(&e, FAIL_UPDATE, 3000);
	analysis_finish(e.a);
	r = analysis_result(e.a);
	cr_assert_leq(r->nsessions, 16 + 240 + 64, "%zu sessions kept",
	    r->nsessions);
	total = r->nsessions + r->summarised.n;
	cr_expect_eq(total, 3000, "kept %zu + counted %zu", r->nsessions,
	    r->summarised.n);
	cr_expect_eq(r->summarised.by_outcome[OUTCOME_FAILED],
	    r->summarised.n);
	cr_assert_eq(r->summarised.ncause, 1);
	cr_expect_str_eq(r->summarised.by_cause[0].cause, "alloc-failed");
	/* every failed session listed has its cause, the last one too (a
	   finding repeated over sessions is one finding with 3000 lines) */
	for (i = 0; i < r->nsessions; i++) {
		cr_expect_eq(r->sessions[i].outcome, OUTCOME_FAILED);
		cr_expect_not_null(r->sessions[i].primary, "session %zu", i);
	}
	cr_expect_eq(r->outcome, OUTCOME_FAILED);
	cr_expect_str_eq(primary_cause(r), "alloc-failed");
	cr_expect_eq(r->primary->count, 3000);
	env_close(&e);
}

Test(bound, links_survive_the_bound)
{
	struct env e;
	const struct input_result *r;
	const struct session *last;
	size_t i;

	env_open(&e, 0);
	feed_n(&e, FAIL_UPDATE, 1000);
	analysis_finish(e.a);
	r = analysis_result(e.a);
	/* sessions keep the numbers they were opened with */
	last = &r->sessions[r->nsessions - 1];
	cr_expect_eq(last->no, 1000);
	cr_expect_eq(r->sessions[15].no, 16);
	cr_expect_eq(r->sessions[16].no, r->summarised.last_no + 1);
	cr_expect_eq(r->summarised.first_no, 17);
	cr_expect_eq(result_session(r, 1000), last);
	cr_expect_null(result_session(r, 17));
	cr_expect(result_session_summarised(r, 17));
	cr_expect(!result_session_summarised(r, 16));
	cr_expect_eq(result_summary_after(r), 16);
	/* every link points into this result, at the finding's position */
	for (i = 0; i < r->nfindings; i++)
		cr_expect_eq(r->findings[i]->pos, i);
	for (i = 0; i < r->nsessions; i++) {
		const struct finding *p = r->sessions[i].primary;

		cr_assert_not_null(p);
		cr_expect_eq(r->findings[p->pos], p);
		cr_expect(p->session <= r->sessions[i].no);
	}
	cr_expect_eq(r->findings[r->primary->pos], r->primary);
	env_close(&e);
}

Test(bound, the_reports_say_what_was_counted)
{
	struct env e;
	struct input_result *r;
	char *text, *json;

	env_open(&e, 0);
	feed_n(&e, FAIL_UPDATE, 1000);
	analysis_finish(e.a);
	r = analysis_take_result(e.a);
	text = report(REPORT_TEXT, r, 10);
	json = report(REPORT_JSON, r, 10);
	cr_expect_not_null(strstr(text, "update 1, lines 1-3"), "%s", text);
	cr_expect_not_null(strstr(text, ": summarised, not listed: "), "%s",
	    text);
	cr_expect_not_null(strstr(text, "update 1000, lines 2998-3000"));
	cr_expect_not_null(strstr(text, "are counted, not listed"));
	cr_expect_not_null(strstr(json, "\"sessions_summarised\": {"));
	cr_expect_not_null(strstr(json, "\"alloc-failed\": "));
	free(text);
	free(json);
	result_free(r);
	env_close(&e);
}

Test(bound, a_short_log_lists_every_update)
{
	struct env e;
	struct input_result *r;
	char *json;

	env_open(&e, 0);
	feed_n(&e, FAIL_UPDATE, 40);
	analysis_finish(e.a);
	r = analysis_take_result(e.a);
	cr_expect_eq(r->nsessions, 40);
	cr_expect_eq(r->summarised.n, 0);
	json = report(REPORT_JSON, r, 10);
	cr_expect_not_null(strstr(json, "\"sessions_summarised\": null"));
	free(json);
	result_free(r);
	env_close(&e);
}

Test(bound, failed_attempts_before_a_good_one_are_warnings)
{
	struct env e;
	const struct input_result *r;

	env_open(&e, 0);
	feed_n(&e, FAIL_UPDATE, 700);
	feed_n(&e, GOOD_UPDATE, 1);
	analysis_finish(e.a);
	r = analysis_result(e.a);
	cr_expect_eq(r->outcome, OUTCOME_SUCCESS);
	cr_expect_gt(r->summarised.n, 0);
	cr_expect_lt(result_max_severity(r), (int)RULE_ERROR,
	    "the update that went through decides: earlier failures warn");
	env_close(&e);
}

Test(bound, the_last_attempt_among_the_counted_ones_decides)
{
	struct env e;
	const struct input_result *r;

	/* 20 good updates (the head), 600 failures, then 300 lone checks
	   that attempt nothing: the last attempt was summarised, and still
	   decides over the good ones kept at the head */
	env_open(&e, 0);
	feed_n(&e, GOOD_UPDATE, 20);
	feed_n(&e, FAIL_UPDATE, 600);
	feed_n(&e, "checking for update\nalready up to date\n", 300);
	analysis_finish(e.a);
	r = analysis_result(e.a);
	cr_expect_eq(r->outcome, OUTCOME_FAILED);
	cr_expect_str_eq(primary_cause(r), "alloc-failed");
	env_close(&e);
}

/* ---- jobs: ranked once, in rank.c ----------------------------------------- */

static struct input_result *
job(struct env *e, const char *json)
{
	struct diag_err err;

	env_open(e, 1);
	cr_assert_eq(job_load(e->a, "job.json", json, strlen(json), &err), 0,
	    "%s", err.text);
	analysis_finish(e->a);
	return analysis_take_result(e->a);
}

#define NODE(id, st, info) "{\"node_id\":\"" id "\",\"status\":\"" st \
	"\",\"additional_info\":\"" info "\"}"

Test(job, a_failed_node_fails_the_job_whatever_else)
{
	struct env e;
	struct input_result *r = job(&e, "{\"ota_job_id\":\"j\","
	    "\"node_ota_status\":[" NODE("a", "success", "") ","
	    NODE("b", "in_progress", "") "," NODE("c", "failed",
	    "Download failed: ESP_ERR_HTTP_CONNECT") "]}");

	cr_expect_eq(r->outcome, OUTCOME_FAILED);
	cr_expect_str_eq(primary_cause(r), "server-unreachable");
	cr_expect_eq(r->nodes[2].outcome, OUTCOME_FAILED);
	cr_expect_eq(r->nodes[0].primary == NULL ||
	    r->nodes[0].primary->severity < RULE_ERROR, 1);
	result_free(r);
	env_close(&e);
}

Test(job, unfinished_nodes_make_it_in_progress_and_all_good_a_success)
{
	struct env e;
	struct input_result *r = job(&e, "{\"ota_job_id\":\"j\","
	    "\"node_ota_status\":[" NODE("a", "success", "") ","
	    NODE("b", "in_progress", "") "]}");

	cr_expect_eq(r->outcome, OUTCOME_IN_PROGRESS);
	result_free(r);
	env_close(&e);
	r = job(&e, "{\"ota_job_id\":\"j\",\"node_ota_status\":["
	    NODE("a", "success", "") "," NODE("b", "success", "") "]}");
	cr_expect_eq(r->outcome, OUTCOME_SUCCESS);
	cr_expect_null(r->primary);
	result_free(r);
	env_close(&e);
}

Test(job, the_commonest_cause_among_failed_nodes_is_the_jobs)
{
	struct env e;
	struct input_result *r = job(&e, "{\"ota_job_id\":\"j\","
	    "\"node_ota_status\":["
	    NODE("a", "failed", "Image validation failed: invalid magic byte") ","
	    NODE("b", "failed", "Download failed: ESP_ERR_HTTP_CONNECT") ","
	    NODE("c", "failed", "Download failed: ESP_ERR_HTTP_CONNECT") "]}");

	cr_expect_str_eq(primary_cause(r), "server-unreachable");
	cr_expect_eq(r->primary->node, 1,
	    "the first node with that cause");
	result_free(r);
	env_close(&e);
}

Test(job, the_fleet_text_groups_nodes_and_diagnoses)
{
	struct env e;
	struct strbuf sb = STRBUF_INIT;
	struct input_result *r;
	char *text;
	size_t i;

	strbuf_addstr(&sb, "{\"ota_job_id\":\"fleet\",\"node_ota_status\":[");
	for (i = 0; i < 500; i++)
		strbuf_addf(&sb, "%s{\"node_id\":\"n%zu\",\"status\":\"%s\","
		    "\"additional_info\":\"%s\"}", i > 0 ? "," : "", i,
		    i % 2 ? "failed" : i % 4 ? "IN_PROGRESS" : "in-progress",
		    i % 2 ? (i % 3 ? "Download failed: ESP_ERR_HTTP_CONNECT" :
		    "Image validation failed: invalid magic byte") : "");
	strbuf_addstr(&sb, "]}");
	r = job(&e, sb.buf);
	text = report(REPORT_TEXT, r, 1);
	/* one line per (outcome, cause), not one per node */
	cr_expect_not_null(strstr(text, "server-unreachable       167 nodes: "
	    "n1, n5, n7, n11,"), "%s", text);
	cr_expect_not_null(strstr(text, "(+159 more)"), "%s", text);
	cr_expect_null(strstr(text, "\n    n499 "));
	/* --top 1: one diagnosis in full, the rest counted */
	cr_expect_not_null(strstr(text, "on 167 nodes: n1, n5"), "%s", text);
	cr_expect_not_null(strstr(text, "more diagnos"), "%s", text);
	free(text);
	{
		struct job_summary s;

		job_summary_build(r, &s);
		/* IN_PROGRESS and in-progress are one status */
		cr_expect_eq(s.nstatus, 2, "%zu statuses", s.nstatus);
		job_summary_release(&s);
	}
	result_free(r);
	strbuf_release(&sb);
	env_close(&e);
}
