/* SPDX-License-Identifier: Apache-2.0 */
/*
 * otadiag job: diagnose a cloud OTA job from its JSON, or fetch it from the
 * RainMaker API first (otadiag job fetch).  See man/otadiag-job.1.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "analysis.h"
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "job.h"
#include "matcher.h"
#include "pipeline.h"
#include "result.h"
#include "ruleset.h"
#include "strbuf.h"
#include "safefile.h"
#include "spool.h"
#include "xalloc.h"

#define JOB_INPUT_MAX	(256L * 1024 * 1024)

struct job_args {
	struct cli_common c;
	const char	*file;
	const char	*logs;
	long long	 job_timeout;
	/* fetch */
	int		 fetch;
	const char	*fetch_opt;	/* a fetch option given (its name) */
	const char	*job_id;
	const char	*node_id;
	const char	*api;
	const char	*token_file;
	const char	*cacert;
	const char	*save;
	long		 timeout;
	long		 total_timeout;
	long		 max_requests;
	long		 retries;
	long		 max_size;
};

static int	opt_job_timeout(const struct cli_use *, const char *);
static int	opt_token(const struct cli_use *, const char *);
static int	opt_fetch(const struct cli_use *, const char *);

#define OPT(f)	offsetof(struct job_args, f)

static const struct cli_option job_options[] = {
	{"job-timeout", 0, "time", OPT(job_timeout), opt_job_timeout, 0, 0,
	    "flag nodes unfinished TIME after the trigger (2d)"},
	{"logs", 0, "dir", OPT(logs), cli_set_string, 0, 0,
	    "also analyse the logs named or tagged by node id"},
	{"token", 0, "token", 0, opt_token, 0, 0,
	    "refused: use OTADIAG_RMAKER_TOKEN or --token-file"},
	{NULL, 0, NULL, 0, NULL, 0, 0, "fetch (otadiag job fetch):"},
	{"job-id", 0, "id", OPT(job_id), opt_fetch, 0, 0,
	    "the OTA job id (required)"},
	{"node-id", 0, "node", OPT(node_id), opt_fetch, 0, 0,
	    "one node's status only"},
	{"api", 0, "url", OPT(api), opt_fetch, 0, 0,
	    "API base (default $OTADIAG_RMAKER_API, RainMaker)"},
	{"token-file", 0, "file", OPT(token_file), opt_fetch, 0, 0,
	    "access token (default $OTADIAG_RMAKER_TOKEN)"},
	{"cacert", 0, "file", OPT(cacert), opt_fetch, 0, 0,
	    "CA bundle for a private server"},
	{"timeout", 0, "secs", OPT(timeout), opt_fetch, 1, 3600,
	    "total time per request (default 30)"},
	{"total-timeout", 0, "secs", OPT(total_timeout), opt_fetch, 1, 86400,
	    "time for the whole fetch, every page (default 1800)"},
	{"max-requests", 0, "n", OPT(max_requests), opt_fetch, 1, 1000000,
	    "requests for the whole fetch, retries too (default 20000)"},
	{"retries", 0, "n", OPT(retries), opt_fetch, 0, 10,
	    "retries on 429/5xx/network errors (default 3)"},
	{"max-size", 0, "bytes", OPT(max_size), opt_fetch, 1024, 1L << 30,
	    "response size cap (default 16 MiB)"},
	{"save", 0, "file", OPT(save), opt_fetch, 0, 0,
	    "keep the fetched JSON"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const struct cli_spec job_spec = {
	.name = "job",
	.usage =
    "usage: otadiag job [options] [--job-timeout TIME] [--logs DIR] FILE|-\n"
    "       otadiag job fetch --job-id ID [--node-id NODE] [--api URL]\n"
    "           [--token-file FILE] [--cacert FILE] [--timeout SECS]\n"
    "           [--total-timeout SECS] [--max-requests N] [--retries N]\n"
    "           [--max-size BYTES] [--save FILE]\n"
    "           [--job-timeout TIME] [--logs DIR] [options]\n",
	.about =
    "Diagnoses every node of a cloud OTA job (ESP RainMaker, AWS IoT Jobs,\n"
    "ThingsBoard, Alibaba Cloud) with the rule table, and summarises the\n"
    "fleet; 'job fetch' gets the job from the RainMaker API first.\n",
	.options = job_options,
	.exits =
    "Exit status:\n"
    "  0  nothing at or above --fail-on, every --expect met, no node failed\n"
    "  1  a finding at or above --fail-on, an unmet --expect, or a node\n"
    "     that failed or rolled back\n"
    "  2  usage error, no token, or a rule set that does not load\n"
    "  3  the file is unreadable or not a job, the fetch failed, or a\n"
    "     report or standard output could not be written",
	.page = "otadiag-job(1)",
};

/* "3600", "90s", "30m", "12h", "2d" -> seconds; -1 if invalid. */
static long long
parse_duration(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v < 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return v;
}

static int
opt_job_timeout(const struct cli_use *u, const char *val)
{
	if ((*CLI_FIELD(u, long long) = parse_duration(val)) <= 0) {
		cli_usage_error(u->cmd, "invalid --job-timeout '%s' (seconds, or "
		    "30m, 12h, 2d)", val);
		return -1;
	}
	return 0;
}

static int
opt_token(const struct cli_use *u, const char *val)
{
	(void)val;
	cli_usage_error(u->cmd, "a token is never taken from the command line "
	    "(other users can read it); set OTADIAG_RMAKER_TOKEN or use "
	    "--token-file FILE");
	return -1;
}

/* An option of 'job fetch' only: a number when the row has a range. */
static int
opt_fetch(const struct cli_use *u, const char *val)
{
	((struct job_args *)u->ctx)->fetch_opt = u->opt->name;
	return u->opt->hi != 0 ? cli_set_long(u, val) :
	    cli_set_string(u, val);
}

static int
parse_args(const struct cmd *cmd, int argc, char **argv, struct job_args *a)
{
	int nops;

	memset(a, 0, sizeof(*a));
	cli_common_init(&a->c);
	a->retries = -1;
	if (argc > 1 && strcmp(argv[1], "fetch") == 0) {
		a->fetch = 1;
		argc--;
		argv++;
	}
	if ((nops = cli_parse(&job_spec, cmd->flags, a, &a->c, argc, argv)) < 0)
		return nops;
	if (!a->fetch && a->fetch_opt != NULL) {
		cli_usage_error("job", "option '--%s' is one of 'otadiag job "
		    "fetch'", a->fetch_opt);
		return CLI_ERROR;
	}
	if (nops > (a->fetch ? 0 : 1)) {
		cli_usage_error("job", "unexpected argument '%s'",
		    argv[a->fetch ? 0 : 1]);
		return CLI_ERROR;
	}
	if (a->fetch && a->job_id == NULL) {
		cli_usage_error("job", "'job fetch' needs --job-id ID");
		return CLI_ERROR;
	}
	if (!a->fetch && nops == 0) {
		cli_usage_error("job", "no job file given (use - for stdin)");
		return CLI_ERROR;
	}
	a->file = a->fetch ? NULL : argv[0];
	return 0;
}

static char *
read_input(const char *path, size_t *len, struct diag_err *err)
{
	FILE *fp;
	struct strbuf sb;
	char buf[65536];
	size_t n;
	int is_stdin = strcmp(path, "-") == 0;

	*len = 0;
	fp = is_stdin ? stdin : fopen(path, "rb");
	if (fp == NULL) {
		diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
		return NULL;
	}
	strbuf_init(&sb, 0);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if ((long)(sb.len + n) > JOB_INPUT_MAX) {
			diag_set(err, DIAG_ELIMIT, path, 0, 0,
			    "larger than %ld bytes", JOB_INPUT_MAX);
			goto fail;
		}
		strbuf_add(&sb, buf, n);
	}
	if (ferror(fp)) {
		diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    strerror(errno));
		goto fail;
	}
	if (!is_stdin)
		fclose(fp);
	*len = sb.len;
	return strbuf_detach(&sb);
fail:
	if (!is_stdin)
		fclose(fp);
	strbuf_release(&sb);
	return NULL;
}

/* The token: --token-file (first line) or $OTADIAG_RMAKER_TOKEN. */
static char *
read_token(const char *file, struct diag_err *err, int *io_error)
{
	const char *env;
	char *tok, *p;
	size_t len;

	*io_error = 0;
	if (file != NULL) {
		if ((tok = read_input(file, &len, err)) == NULL) {
			*io_error = 1;
			return NULL;
		}
		tok[strcspn(tok, "\r\n")] = '\0';
	} else if ((env = getenv("OTADIAG_RMAKER_TOKEN")) != NULL)
		tok = xstrdup(env);
	else {
		diag_set(err, DIAG_EUSAGE, "", 0, 0, "no access token: set "
		    "OTADIAG_RMAKER_TOKEN or use --token-file FILE");
		return NULL;
	}
	for (p = tok; isspace((unsigned char)*p); p++)
		;
	memmove(tok, p, strlen(p) + 1);
	len = strlen(tok);
	while (len > 0 && isspace((unsigned char)tok[len - 1]))
		tok[--len] = '\0';
	for (p = tok; *p != '\0'; p++)
		if (!isprint((unsigned char)*p)) {
			diag_set(err, DIAG_EUSAGE, file != NULL ? file : "", 0,
			    0, "the access token contains control characters");
			free(tok);
			return NULL;
		}
	if (len == 0) {
		diag_set(err, DIAG_EUSAGE, file != NULL ? file : "", 0, 0,
		    "the access token is empty");
		free(tok);
		return NULL;
	}
	return tok;
}

struct progress {
	int	 on;
	int	 shown;
	const char *job;
};

static void
show_progress(void *ctx, size_t page, size_t nodes, size_t total)
{
	struct progress *p = ctx;

	if (!p->on)
		return;
	if (total > 0)
		fprintf(stderr, "\rotadiag: fetching job: page %zu, %zu of "
		    "%zu nodes", page, nodes, total);
	else
		fprintf(stderr, "\rotadiag: fetching job: page %zu, %zu "
		    "nodes", page, nodes);
	fflush(stderr);
	p->shown = 1;
}

/* --save: complete or absent, as a report (safefile.h). */
static int
write_file(const char *path, int force, const struct spool *sp,
    struct diag_err *err)
{
	struct safefile *sf;
	FILE *fp;
	int rc;

	if ((rc = safefile_open(path, force, &sf, &fp, err)) != 0)
		return rc;
	if (spool_write_to(sp, fp) != 0 || fputc('\n', fp) == EOF) {
		safefile_abort(sf);
		return diag_set(err, DIAG_EIO, path, 0, 0, "write error");
	}
	return safefile_commit(sf, err);
}

/* Fetches the job into *sp (owned, mapped) and saves it (--save). */
static int
fetch(const struct job_args *a, struct spool **sp)
{
	struct rmaker_fetch f;
	struct diag_err err;
	struct progress prog;
	char *token;
	const char *api = a->api;
	int rc, io_error;

	diag_clear(&err);
	if (api == NULL)
		api = getenv("OTADIAG_RMAKER_API");
	if (api == NULL || api[0] == '\0')
		api = RMAKER_DEFAULT_API;
	if ((rc = http_url_allowed(api, &err)) != 0) {
		diag_print(stderr, &err);
		return rc == DIAG_ELIB ? EXIT_INPUT : EXIT_USAGE;
	}
	if ((token = read_token(a->token_file, &err, &io_error)) == NULL) {
		diag_print(stderr, &err);
		return io_error ? EXIT_INPUT : EXIT_USAGE;
	}
	memset(&f, 0, sizeof(f));
	f.api = api;
	f.job_id = a->job_id;
	f.node_id = a->node_id;
	f.http.cacert = a->cacert;
	f.http.auth = token;
	f.http.timeout_s = a->timeout;
	f.total_timeout_s = a->total_timeout;
	f.max_requests = a->max_requests;
	f.http.retries = (int)a->retries;
	f.http.max_bytes = a->max_size;
	prog.on = !a->c.quiet && isatty(STDERR_FILENO);
	prog.shown = 0;
	prog.job = a->job_id;
	f.progress = show_progress;
	f.progress_ctx = &prog;
	if ((rc = spool_new(sp, &err)) == 0)
		rc = rmaker_fetch_job(&f, *sp, &err);
	if (rc == 0)
		rc = spool_map(*sp, &err);
	if (prog.shown)
		fputc('\n', stderr);
	memset(token, 0, strlen(token));
	free(token);
	if (rc != 0) {
		diag_print(stderr, &err);
		return rc == DIAG_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
	}
	if (a->save != NULL && write_file(a->save, a->c.force, *sp,
	    &err) != 0) {
		diag_print(stderr, &err);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static void
print_counts(FILE *fp, const char *label, const struct job_count *v,
    size_t n)
{
	size_t i;

	if (n == 0)
		return;
	fprintf(fp, "  %-12s", label);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s %zu", i > 0 ? ", " : "", v[i].key, v[i].n);
	fputc('\n', fp);
}

static void
print_nodes_with(FILE *fp, const struct input_result *r, enum outcome o,
    const char *label)
{
	size_t i, n = 0;

	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].outcome == o)
			n++;
	if (n == 0)
		return;
	fprintf(fp, "  %-12s", label);
	for (i = 0, n = 0; i < r->nnodes; i++)
		if (r->nodes[i].outcome == o) {
			if (n++ >= 20) {
				fprintf(fp, ", ...");
				break;
			}
			fprintf(fp, "%s%s", n > 1 ? ", " : "",
			    r->nodes[i].node_id);
		}
	fputc('\n', fp);
}

/* The fleet summary (the text report lists the nodes): counts, nodes
 * apart, and each node's log when --logs found one. */
static void
print_summary(FILE *fp, const struct input_result *r)
{
	struct job_summary s;
	size_t i, k;

	job_summary_build(r, &s);
	for (i = 0, k = 0; i < r->nnodes; i++) {
		const struct job_node *jn = &r->nodes[i];

		if (jn->log_path == NULL)
			continue;
		if (k++ == 0)
			fprintf(fp, "\nnode logs (--logs):\n");
		fprintf(fp, "  %-24s cloud %-13s log %-13s %s%s\n", jn->node_id,
		    outcome_name(jn->outcome), outcome_name(jn->log_outcome),
		    jn->log_cause != NULL ? jn->log_cause : "-",
		    jn->disagree ? "  DISAGREE" : "");
		fprintf(fp, "  %-24s %s\n", "", jn->log_path);
	}
	fprintf(fp, "\njob %s (%s): %zu node%s\n",
	    r->job_id != NULL ? r->job_id : "-", r->format, s.total,
	    s.total == 1 ? "" : "s");
	fprintf(fp, "  %-12s", "outcome");
	for (i = 0, k = 0; i <= OUTCOME_NOT_ATTEMPTED; i++)
		if (s.by_outcome[i] > 0)
			fprintf(fp, "%s%s %zu", k++ > 0 ? ", " : "",
			    outcome_name((enum outcome)i), s.by_outcome[i]);
	fputc('\n', fp);
	print_counts(fp, "status", s.by_status, s.nstatus);
	print_counts(fp, "cause", s.by_cause, s.ncause);
	print_nodes_with(fp, r, OUTCOME_IN_PROGRESS, "in progress");
	print_nodes_with(fp, r, OUTCOME_NOT_ATTEMPTED, "not started");
	if (s.ntimed_out > 0)
		fprintf(fp, "  %-12s%zu node%s without a final status within "
		    "the job time-out\n", "timed out", s.ntimed_out,
		    s.ntimed_out == 1 ? "" : "s");
	if (s.ndisagree > 0)
		fprintf(fp, "  %-12s%zu node%s: cloud status and log "
		    "disagree\n", "disagree", s.ndisagree,
		    s.ndisagree == 1 ? "" : "s");
	job_summary_release(&s);
}

/* Text goes to stdout (the default, or --format text without --output)? */
static int
text_on_stdout(const struct cli_common *c)
{
	size_t i;

	if (c->noutputs == 0)
		return 1;
	for (i = 0; i < c->noutputs; i++)
		if (c->outputs[i].format == REPORT_TEXT &&
		    (c->outputs[i].path == NULL ||
		    strcmp(c->outputs[i].path, "-") == 0))
			return 1;
	return 0;
}

int
cmd_job(const struct cmd *cmd, int argc, char **argv)
{
	struct job_args a;
	struct diag_err err;
	struct pipeline p;
	struct analysis *an = NULL;
	struct input_result *r = NULL;
	struct job *j = NULL;
	struct job_opts jo;
	struct spool *sp = NULL;
	struct job_replay rp;
	struct stat st;
	const char *path;
	int fd = -1;
	long long trig, now;
	int rc;

	diag_clear(&err);
	memset(&p, 0, sizeof(p));
	if ((rc = parse_args(cmd, argc, argv, &a)) != 0)
		return rc == CLI_HELP ? EXIT_OK : EXIT_USAGE;

	if (a.fetch) {
		if ((rc = fetch(&a, &sp)) != EXIT_OK)
			goto out;
		path = a.save != NULL ? a.save : "rainmaker-api";
	} else if (strcmp(a.file, "-") != 0 &&
	    (fd = open(a.file, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		/* a regular file: read in place, through a window, as often
		   as needed; a change between or during the readings is an
		   error (job.h: job_parse_fd) */
		path = a.file;
		if (job_parse_fd(path, fd, &j, &err) != 0) {
			diag_print(stderr, &err);
			rc = EXIT_INPUT;
			goto out;
		}
	} else {
		/* standard input, a pipe, a device: a private copy on disk,
		   read twice, never held in memory (spool.h) */
		path = a.file;
		if (fd >= 0)
			close(fd);
		fd = -1;
		if (spool_open(path, &sp, &err) != 0) {
			diag_print(stderr, &err);
			rc = EXIT_INPUT;
			goto out;
		}
	}
	if (j == NULL && job_parse_flags(path, spool_data(sp), spool_len(sp),
	    JOB_MAPPED, &j, &err) != 0) {
		diag_print(stderr, &err);
		rc = EXIT_INPUT;
		goto out;
	}
	if ((rc = pipeline_start(&p, "job", cmd->flags, &a.c)) != 0)
		goto out;
	an = analysis_new(p.rs, p.m, path, &p.aopts);

	memset(&jo, 0, sizeof(jo));
	now = (long long)time(NULL);
	jo.timeout_s = a.job_timeout;
	jo.now = now;
	jo.logs_dir = a.logs;
	jo.rs = p.rs;
	jo.m = p.m;
	jo.aopts = &p.aopts;
	if (job_feed(j, an, &jo, &err) != 0) {
		diag_print(stderr, &err);
		rc = EXIT_INPUT;
		goto out;
	}
	analysis_finish(an);
	r = analysis_take_result(an);
	trig = job_trigger_time(j);
	job_set_age(r, trig > 0 && now >= trig ? now - trig : -1);
	/* a report that lists every node reads the job again (jsonl) */
	diag_clear(&err);
	job_replay_init(&rp, j, path, &jo, &err);
	r->replay = &rp.base;

	rc = pipeline_report(&p, &r, 1);
	if (err.text[0] != '\0')	/* the second reading failed: why */
		diag_print(stderr, &err);
	if (!p.reports_failed && !a.c.quiet && text_on_stdout(&a.c))
		print_summary(stdout, r);
	if (rc == EXIT_OK && !a.c.fail_never && a.c.expect == NULL &&
	    (r->outcome == OUTCOME_FAILED ||
	    r->outcome == OUTCOME_ROLLED_BACK))
		pipeline_verdict(&p, EXIT_FINDINGS,
		    "the job has failed or rolled-back nodes");
	rc = pipeline_finish(&p);
out:
	result_free(r);
	analysis_free(an);
	pipeline_free(&p);
	job_free(j);
	spool_free(sp);
	if (fd >= 0)
		close(fd);
	return rc;
}
