/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `monitor --until outcome` and `analyze` agree on every real fixture log.
 *
 * Each log of fixtures/corpus and fixtures/field is replayed into a
 * pseudo-terminal; otadiag monitor watches it with --until outcome, keeps
 * the bytes it read (--log) and writes its verdict (--format json).  The
 * monitor may stop only when the update model reached a final state, so
 * `analyze` on exactly the bytes the monitor had read must give the same
 * outcome and primary cause: the monitor never announces a verdict that
 * more of the same bytes would change.  Logs that never reach a final
 * state end by --timeout, and then too the two must agree.
 *
 * Sixteen monitors run at once (most of them wait out --timeout), each on its own pty with its own writer;
 * a new one starts as soon as one ends.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "proc.h"

#define BATCH	16
#define BAUD	2000000		/* fast: the model, not the pace, is tested */

struct replay {
	const char	*path;
	char		*data;
	size_t		 len;
	char		 log[600], report[600];
	struct h_pty	 pty;
	struct h_proc	*proc;
	struct h_writer	*writer;
	size_t		 idx;
	long long	 started_ms;
	int		 status;
	struct h_proc	*ana;		/* analyze of the same bytes */
	char		 mon[64], mcause[64];
	int		 reached;
};

/* outcome and primary cause of the first input of a JSON report; its
   number of lines read in *nlines */
static void
verdict(const char *json, size_t len, char *out, size_t outn,
    char *cause, size_t causen, long *nlines)
{
	json_error_t e;
	json_t *root = json_loadb(json, len, 0, &e), *in, *v;

	snprintf(out, outn, "(no report)");
	snprintf(cause, causen, "-");
	if (root == NULL)
		return;
	in = json_array_get(json_object_get(root, "inputs"), 0);
	if (nlines != NULL && (v = json_object_get(in, "lines")) != NULL)
		*nlines = (long)json_integer_value(v);
	if ((v = json_object_get(in, "outcome")) != NULL && json_is_string(v))
		snprintf(out, outn, "%s", json_string_value(v));
	if ((v = json_object_get(in, "primary_cause")) != NULL &&
	    json_is_string(v))
		snprintf(cause, causen, "%s", json_string_value(v));
	json_decref(root);
}

/* Writes the first n lines of path (all of it when n < 0) to path.cut. */
static void
cut_lines(const char *path, long n, char *out, size_t outn)
{
	size_t len, i, end;
	long seen = 0;
	char *s = h_read_file(path, &len);
	FILE *fp;

	cr_assert_not_null(s, "%s missing", path);
	/* the monitor splits lines at LF, CRLF and a lone CR, as analyze */
	for (i = 0, end = len; n >= 0 && i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		else if (s[i] != '\n' && s[i] != '\r')
			continue;
		if (++seen == n) {
			end = i + 1;
			break;
		}
	}
	snprintf(out, outn, "%s.cut", path);
	fp = fopen(out, "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(s, 1, end, fp), end);
	fclose(fp);
	free(s);
}

/* starts the monitor of one log on its own pty; its writer starts once
   the monitor says it is watching (ready()) */
static void
start(struct replay *r, const char *dir, size_t idx)
{
	r->data = h_read_file(r->path, &r->len);
	cr_assert_not_null(r->data, "%s", r->path);
	r->idx = idx;
	snprintf(r->log, sizeof(r->log), "%s/%zu.log", dir, idx);
	snprintf(r->report, sizeof(r->report), "%s/%zu.json", dir, idx);
	cr_assert_eq(h_pty_open(&r->pty), 0, "openpty failed");
	r->proc = h_otadiag(-1, "monitor", "-q", "--until", "outcome",
	    "--timeout", "1.5", "--log", r->log, "--format", "json",
	    "--output", r->report, r->pty.name, NULL);
	cr_assert_not_null(r->proc);
	r->started_ms = h_now_ms();
}

/* 1 once the writer runs: the monitor said "monitoring" */
static int
ready(struct replay *r)
{
	if (r->writer != NULL)
		return 1;
	h_pump(r->proc, 0);
	if (strstr(r->proc->err.buf != NULL ? r->proc->err.buf : "",
	    "monitoring") == NULL) {
		cr_assert(!r->proc->exited && h_now_ms() - r->started_ms < 10000,
		    "%s: monitor did not start: %s", r->path,
		    r->proc->err.buf != NULL ? r->proc->err.buf : "");
		return 0;
	}
	r->writer = h_writer_start(r->pty.master, r->data, r->len, BAUD,
	    (unsigned)(r->idx + 1));
	r->started_ms = h_now_ms();
	return 1;
}

/* 1 once the monitor has exited (status -1: it hung and was killed) */
static int
finished(struct replay *r)
{
	if (h_done(r->proc)) {
		r->status = r->proc->status;
		return 1;
	}
	if (h_now_ms() - r->started_ms < 30000)
		return 0;
	r->status = h_wait_exit(r->proc, 0);
	return 1;
}

/* the monitor has ended: reads its verdict, and starts analyze on the
   bytes it had analysed (its log up to the line that gave the verdict;
   the rest of the last chunk is logged only) */
static void
check_start(struct replay *r)
{
	char cut[640];
	long nlines = -1;
	size_t len;
	char *rep = h_read_file(r->report, &len);

	r->reached = strstr(r->proc->out.buf, "outcome reached") != NULL ||
	    strstr(r->proc->err.buf, "outcome reached") != NULL;
	cr_assert_neq(r->status, -1, "%s: the monitor hung", r->path);
	cr_assert_not_null(rep, "%s: no report (exit %d): %s", r->path,
	    r->status, r->proc->err.buf);
	verdict(rep, len, r->mon, sizeof(r->mon), r->mcause,
	    sizeof(r->mcause), &nlines);
	free(rep);
	cut_lines(r->log, nlines, cut, sizeof(cut));
	r->ana = h_otadiag(-1, "analyze", "--format", "json", cut, NULL);
	cr_assert_not_null(r->ana);
	r->started_ms = h_now_ms();
}

/* 1 once analyze has ended and agreed with the monitor */
static int
check_done(struct replay *r)
{
	char ana[64], acause[64];

	if (!h_done(r->ana)) {
		cr_assert(h_now_ms() - r->started_ms < 20000,
		    "%s: analyze hung", r->path);
		return 0;
	}
	verdict(r->ana->out.buf, r->ana->out.len, ana, sizeof(ana), acause,
	    sizeof(acause), NULL);
	cr_expect_str_eq(r->mon, ana, "%s: monitor says %s, analyze of the "
	    "same bytes says %s", r->path, r->mon, ana);
	cr_expect_str_eq(r->mcause, acause, "%s: monitor cause %s, analyze %s",
	    r->path, r->mcause, acause);
	if (r->reached)
		cr_expect(strcmp(r->mon, "success") == 0 ||
		    strcmp(r->mon, "failed") == 0 ||
		    strcmp(r->mon, "rolled-back") == 0,
		    "%s: stopped at outcome %s", r->path, r->mon);
	return 1;
}

Test(until, monitor_and_analyze_agree_on_every_fixture, .timeout = 900)
{
	glob_t g;
	char *dir = h_tmpdir();
	/* every Nth log with OTADIAG_TEST_SAMPLE=N (proc.h) */
	size_t i, k, next = 0, active = 0, every = proc_sample_every();
	size_t kept = 0;
	const char **paths;
	static struct replay r[BATCH];

	memset(r, 0, sizeof(r));

	memset(&g, 0, sizeof(g));
	cr_assert_eq(glob(OTADIAG_SOURCE_DIR "/fixtures/corpus/*.log", 0,
	    NULL, &g), 0);
	cr_assert_eq(glob(OTADIAG_SOURCE_DIR "/fixtures/field/*/*.log",
	    GLOB_APPEND, NULL, &g), 0);
	cr_assert_gt(g.gl_pathc, 150, "only %zu fixture logs", g.gl_pathc);
	paths = calloc(g.gl_pathc, sizeof(*paths));
	cr_assert_not_null(paths);
	for (i = 0; i < g.gl_pathc; i += every)
		paths[kept++] = g.gl_pathv[i];
	/* a pool, not batches: a monitor that waits out its --timeout holds
	   one slot, and the others go on */
	while (next < kept || active > 0) {
		int moved = 0;

		for (k = 0; k < BATCH; k++)
			if (r[k].proc == NULL && next < kept) {
				r[k].path = paths[next];
				start(&r[k], dir, next++);
				active++;
			}
		for (k = 0; k < BATCH; k++) {
			if (r[k].proc == NULL)
				continue;
			if (r[k].ana == NULL) {
				if (!ready(&r[k]) || !finished(&r[k]))
					continue;
				h_writer_join(r[k].writer);
				r[k].writer = NULL;
				check_start(&r[k]);
			}
			if (!check_done(&r[k]))
				continue;
			h_proc_free(r[k].ana);
			h_proc_free(r[k].proc);
			h_pty_close(&r[k].pty);
			free(r[k].data);
			memset(&r[k], 0, sizeof(r[k]));
			active--;
			moved = 1;
		}
		if (!moved)
			h_sleep_ms(2);
	}
	free(paths);
	globfree(&g);
	h_rmdir(dir);
	free(dir);
}
