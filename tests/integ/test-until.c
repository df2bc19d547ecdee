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
 * Monitors run eight at a time, each on its own pty with its own writer.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BATCH	8
#define BAUD	2000000		/* fast: the model, not the pace, is tested */

struct replay {
	const char	*path;
	char		*data;
	size_t		 len;
	char		 log[600], report[600];
	struct h_pty	 pty;
	struct h_proc	*proc;
	struct h_writer	*writer;
	int		 status;
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

static void
analyze_file(const char *path, char *out, size_t outn, char *cause,
    size_t causen)
{
	struct h_proc *p = h_otadiag(-1, "analyze", "--format", "json", path,
	    NULL);

	cr_assert_not_null(p);
	cr_assert_geq(h_wait_exit(p, 20000), 0, "analyze %s hung", path);
	verdict(p->out.buf, p->out.len, out, outn, cause, causen, NULL);
	h_proc_free(p);
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

static void
run_batch(struct replay *r, size_t n, const char *dir, size_t base)
{
	size_t i;

	for (i = 0; i < n; i++) {
		r[i].data = h_read_file(r[i].path, &r[i].len);
		cr_assert_not_null(r[i].data, "%s", r[i].path);
		snprintf(r[i].log, sizeof(r[i].log), "%s/%zu.log", dir, base + i);
		snprintf(r[i].report, sizeof(r[i].report), "%s/%zu.json", dir,
		    base + i);
		cr_assert_eq(h_pty_open(&r[i].pty), 0, "openpty failed");
		r[i].proc = h_otadiag(-1, "monitor", "-q", "--until", "outcome",
		    "--timeout", "1.5", "--log", r[i].log, "--format", "json",
		    "--output", r[i].report, r[i].pty.name, NULL);
		cr_assert_not_null(r[i].proc);
	}
	for (i = 0; i < n; i++) {
		cr_assert(h_wait_for(r[i].proc, H_STDERR, "monitoring", 10000),
		    "%s: monitor did not start: %s", r[i].path,
		    r[i].proc->err.buf);
		r[i].writer = h_writer_start(r[i].pty.master, r[i].data,
		    r[i].len, BAUD, (unsigned)(base + i + 1));
	}
	for (i = 0; i < n; i++) {
		r[i].status = h_wait_exit(r[i].proc, 30000);
		h_writer_join(r[i].writer);
	}
}

static void
check(struct replay *r)
{
	char mon[64], mcause[64], ana[64], acause[64], cut[640];
	long nlines = -1;
	size_t len;
	char *rep = h_read_file(r->report, &len);
	int reached = strstr(r->proc->out.buf, "outcome reached") != NULL ||
	    strstr(r->proc->err.buf, "outcome reached") != NULL;

	cr_assert_neq(r->status, -1, "%s: the monitor hung", r->path);
	cr_assert_not_null(rep, "%s: no report (exit %d): %s", r->path,
	    r->status, r->proc->err.buf);
	verdict(rep, len, mon, sizeof(mon), mcause, sizeof(mcause), &nlines);
	free(rep);
	/* the bytes the monitor had analysed: its log up to the line that
	   gave the verdict (the rest of the last chunk is logged only) */
	cut_lines(r->log, nlines, cut, sizeof(cut));
	analyze_file(cut, ana, sizeof(ana), acause, sizeof(acause));
	cr_expect_str_eq(mon, ana, "%s: monitor says %s, analyze of the same "
	    "bytes says %s", r->path, mon, ana);
	cr_expect_str_eq(mcause, acause, "%s: monitor cause %s, analyze %s",
	    r->path, mcause, acause);
	if (reached)
		cr_expect(strcmp(mon, "success") == 0 ||
		    strcmp(mon, "failed") == 0 ||
		    strcmp(mon, "rolled-back") == 0,
		    "%s: stopped at outcome %s", r->path, mon);
}

/*
 * OTADIAG_TEST_SAMPLE=N replays every Nth log only: the sanitizer build
 * sets it (tests/CMakeLists.txt), since the normal build replays them all
 * and ASan looks for memory errors, which a third of the logs reach too.
 */
static size_t
sample_every(void)
{
	const char *v = getenv("OTADIAG_TEST_SAMPLE");
	long n = v != NULL ? strtol(v, NULL, 10) : 1;

	return n > 1 ? (size_t)n : 1;
}

Test(until, monitor_and_analyze_agree_on_every_fixture, .timeout = 900)
{
	glob_t g;
	char *dir = h_tmpdir();
	size_t i, n, every = sample_every(), kept = 0;
	const char **paths;
	static struct replay r[BATCH];

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
	for (i = 0; i < kept; i += n) {
		size_t k;

		n = kept - i < BATCH ? kept - i : BATCH;
		memset(r, 0, sizeof(r));
		for (k = 0; k < n; k++)
			r[k].path = paths[i + k];
		run_batch(r, n, dir, i);
		for (k = 0; k < n; k++) {
			check(&r[k]);
			h_proc_free(r[k].proc);
			h_pty_close(&r[k].pty);
			free(r[k].data);
		}
	}
	free(paths);
	globfree(&g);
	h_rmdir(dir);
	free(dir);
}
