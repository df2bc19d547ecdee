/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job_feed: a parsed job through the rule engine, matched with logs, and
 * summarised (see job.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "analysis.h"
#include "diag.h"
#include "fleet.h"
#include "job.h"
#include "record.h"
#include "result.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

#define LOG_MAX_BYTES	(64L * 1024 * 1024)
#define LOG_HEAD_BYTES	(64 * 1024)
#define LOG_MAX_FILES	4096

static void
feed_field(struct analysis *a, const struct job_entry *e, size_t node,
    const char *field, const char *value)
{
	struct record rec;

	memset(&rec, 0, sizeof(rec));
	rec.lineno = e->line > 0 ? e->line : node + 1;
	rec.text = value;
	rec.msg = value;
	rec.tag = "";
	rec.func = "";
	rec.src_file = "";
	rec.dev_time = "";
	rec.dev_ms = -1;
	rec.host_ms = -1;
	rec.fmt = RECORD_JOB;
	rec.field = field;
	rec.node = (int)node;
	analysis_feed_record(a, &rec);
}

static const char *
entry_info(const struct job_entry *e)
{
	static const char *const order[] = {
		"additional_info", "reason", "fw_error", "task_desc",
		"self_test", "summary",
	};
	size_t i, k;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		for (k = 0; k < e->nfields; k++)
			if (strcmp(e->fields[k].name, order[i]) == 0)
				return e->fields[k].value;
	return NULL;
}

static int
unfinished(enum outcome o)
{
	return o == OUTCOME_IN_PROGRESS || o == OUTCOME_NOT_ATTEMPTED ||
	    o == OUTCOME_UNKNOWN;
}

/* ---- --logs --------------------------------------------------------- */

struct logfile {
	char	*path;
	char	*name;
	char	*head;		/* first LOG_HEAD_BYTES, NUL-terminated */
};

struct logdir {
	struct logfile *files;
	size_t	 n, cap;
};

static int
cmp_logfile(const void *a, const void *b)
{
	const struct logfile *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static char *
read_bounded(const char *path, size_t max, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb;
	char buf[65536];
	size_t n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	strbuf_init(&sb, 0);
	while (sb.len < max && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, sb.len + n > max ? max - sb.len : n);
	if (ferror(fp)) {
		fclose(fp);
		strbuf_release(&sb);
		return NULL;
	}
	fclose(fp);
	*len = sb.len;
	return strbuf_detach(&sb);
}

static int
logdir_load(struct logdir *d, const char *dir, struct diag_err *err)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	memset(d, 0, sizeof(*d));
	if (dp == NULL)
		return diag_set(err, DIAG_EIO, dir, 0, 0,
		    "cannot open the logs folder: %s", strerror(errno));
	while ((de = readdir(dp)) != NULL && d->n < LOG_MAX_FILES) {
		struct logfile *f;
		struct stat st;
		char *p;
		size_t hl;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		d->files = xgrow(d->files, &d->cap, d->n + 1,
		    sizeof(*d->files));
		f = &d->files[d->n++];
		f->path = p;
		f->name = xstrdup(de->d_name);
		f->head = read_bounded(p, LOG_HEAD_BYTES, &hl);
		if (f->head == NULL)
			f->head = xstrdup("");
	}
	closedir(dp);
	if (d->n > 0)
		qsort(d->files, d->n, sizeof(*d->files), cmp_logfile);
	return 0;
}

static void
logdir_free(struct logdir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->files[i].path);
		free(d->files[i].name);
		free(d->files[i].head);
	}
	free(d->files);
	memset(d, 0, sizeof(*d));
}

static int
name_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; hay[i] != '\0'; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

/* The log of a node: a file named after it (shortest name wins), else one
 * that mentions the node id near its start ("tagged").  NULL if none. */
static const struct logfile *
logdir_find(const struct logdir *d, const char *node_id)
{
	const struct logfile *best = NULL;
	size_t i;

	if (strlen(node_id) < 3 || node_id[0] == '(')
		return NULL;
	for (i = 0; i < d->n; i++)
		if (name_has(d->files[i].name, node_id) && (best == NULL ||
		    strlen(d->files[i].name) < strlen(best->name)))
			best = &d->files[i];
	if (best != NULL || strlen(node_id) < 6)
		return best;
	for (i = 0; i < d->n; i++)
		if (strstr(d->files[i].head, node_id) != NULL)
			return &d->files[i];
	return NULL;
}

static void
analyse_log(const struct logfile *lf, const struct job_opts *o,
    struct job_node *jn)
{
	struct analysis *la;
	const struct input_result *lr;
	size_t len;
	char *buf;

	jn->log_path = sanitize_dup(lf->path, strlen(lf->path));
	jn->log_outcome = OUTCOME_UNKNOWN;
	jn->log_cause = NULL;
	if (o->rs == NULL || o->m == NULL)
		return;
	if ((buf = read_bounded(lf->path, LOG_MAX_BYTES, &len)) == NULL)
		return;
	la = analysis_new(o->rs, o->m, lf->path, o->aopts);
	analysis_feed(la, buf, len);
	analysis_finish(la);
	lr = analysis_result(la);
	jn->log_outcome = lr->outcome;
	if (lr->primary != NULL)
		jn->log_cause = lr->primary->cause;
	else if (lr->nfindings > 0)
		jn->log_cause = lr->findings[0]->cause;
	analysis_free(la);
	free(buf);
}

/* ---- feeding -------------------------------------------------------- */

/*
 * Findings made from node i's records must carry node i (analysis.h: "Findings
 * it produces carry rec->node").  Where the analysis leaves them at -1, set
 * it here, right after the node's records: a finding that carries its node
 * is then never merged with an equal finding of another node.  A no-op once
 * the analysis sets the node itself.
 */
static void
claim_findings(struct analysis *a, size_t before, int node)
{
	struct input_result *r = (struct input_result *)(uintptr_t)
	    analysis_result(a);
	size_t k;

	for (k = before; k < r->nfindings; k++)
		if (r->findings[k]->node < 0)
			r->findings[k]->node = node;
}

struct feed {
	struct analysis	*a;
	struct fleet	*fl;		/* which nodes stay listed */
	const struct job_opts *o;
	const struct job *j;
	const struct logdir *logs;	/* or NULL */
	long long	 now, age;
};

/* One node: its records through the rules, then the node itself. */
static void
feed_entry(void *ctx, const struct job_entry *e, size_t i)
{
	struct feed *fd = ctx;
	const struct job_opts *o = fd->o;
	struct analysis *a = fd->a;
	size_t k, before = analysis_result(a)->nfindings;
	struct job_node jn;

	if (e->status[0] != '\0')
		feed_field(a, e, i, "status", e->status);
	for (k = 0; k < e->nfields; k++)
		feed_field(a, e, i, e->fields[k].name, e->fields[k].value);
	if (o->timeout_s > 0 && unfinished(job_status_outcome(e->status))) {
		long long nage = fd->age;
		char text[160];

		if (nage < 0 && e->time_s > 0 && fd->now >= e->time_s)
			nage = fd->now - e->time_s;
		if (nage > o->timeout_s) {
			snprintf(text, sizeof(text), "no final status %lld s "
			    "after the job was triggered (limit %lld s)", nage,
			    o->timeout_s);
			feed_field(a, e, i, "timeout", text);
		}
	}
	claim_findings(a, before, (int)i);

	/* The node as the cloud reports it; rank.c decides its primary
	 * cause, outcome and any disagreement with its log when the
	 * analysis finishes. */
	memset(&jn, 0, sizeof(jn));
	jn.node_id = e->node_id;
	jn.status = e->status;
	jn.outcome = job_status_outcome(e->status);
	jn.info = (char *)(uintptr_t)entry_info(e);
	jn.timestamp = e->timestamp;
	jn.line = e->line;
	jn.primary = NULL;
	jn.log_outcome = OUTCOME_UNKNOWN;
	if (fd->logs != NULL) {
		const struct logfile *lf = logdir_find(fd->logs, e->node_id);

		if (lf != NULL)
			analyse_log(lf, o, &jn);
	}
	analysis_set_job(a, job_format(fd->j), job_id(fd->j), &jn, 1);
	free(jn.log_path);
	fleet_node_done(fd->fl, before);
}

static int	feed_with(struct job *, struct analysis *,
		    const struct job_opts *, result_node_fn, void *,
		    struct diag_err *);

int
job_feed(struct job *j, struct analysis *a, const struct job_opts *o,
    struct diag_err *err)
{
	return feed_with(j, a, o, NULL, NULL, err);
}

int
job_stream(struct job *j, struct analysis *a, const struct job_opts *o,
    result_node_fn fn, void *ctx, struct diag_err *err)
{
	return feed_with(j, a, o, fn, ctx, err);
}

/* The replay's reading: a fresh analysis, every node to fn. */
static int
replay_each(const struct node_replay *rp, result_node_fn fn, void *ctx)
{
	const struct job_replay *jr = (const struct job_replay *)rp;
	struct analysis *a = analysis_new(jr->o.rs, jr->o.m, jr->path,
	    jr->o.aopts);
	int rc = job_stream(jr->j, a, &jr->o, fn, ctx, jr->err);

	analysis_free(a);
	return rc;
}

void
job_replay_init(struct job_replay *rp, struct job *j, const char *path,
    const struct job_opts *o, struct diag_err *err)
{
	memset(rp, 0, sizeof(*rp));
	rp->base.each = replay_each;
	rp->j = j;
	rp->path = path;
	rp->o = *o;
	rp->err = err;
}

/* job_feed, or with fn every node to fn, none kept (fleet_new_stream). */
static int
feed_with(struct job *j, struct analysis *a, const struct job_opts *o,
    result_node_fn fn, void *ctx, struct diag_err *err)
{
	static const struct job_opts none;
	struct logdir logs;
	struct feed fd;
	long long trig;
	int rc;

	if (o == NULL)
		o = &none;
	memset(&logs, 0, sizeof(logs));
	memset(&fd, 0, sizeof(fd));
	if (o->logs_dir != NULL) {
		if ((rc = logdir_load(&logs, o->logs_dir, err)) != 0)
			return rc;
		fd.logs = &logs;
	}
	fd.a = a;
	fd.o = o;
	fd.j = j;
	fd.now = o->now > 0 ? o->now : (long long)time(NULL);
	fd.age = -1;
	trig = job_trigger_time(j);
	if (trig > 0 && fd.now >= trig)
		fd.age = fd.now - trig;
	/* the nodes are read one at a time, never all held (job.h) */
	analysis_set_job(a, job_format(j), job_id(j), NULL, 0);
	fd.fl = fn != NULL ? fleet_new_stream(a, fn, ctx) :
	    fleet_new(a, JOB_MAX_LISTED_NODES);
	rc = job_foreach(j, feed_entry, &fd, err);
	if (rc == 0 && fn != NULL)
		rc = fleet_status(fd.fl);
	fleet_finish(fd.fl);
	fleet_free(fd.fl);
	logdir_free(&logs);
	return rc;
}

int
job_load(struct analysis *a, const char *path, const char *buf, size_t n,
    struct diag_err *err)
{
	return job_load_flags(a, path, buf, n, 0, err);
}

int
job_load_flags(struct analysis *a, const char *path, const char *buf,
    size_t n, int flags, struct diag_err *err)
{
	struct job *j;
	int rc;

	if ((rc = job_parse_flags(path, buf, n, flags, &j, err)) != 0)
		return rc;
	rc = job_feed(j, a, NULL, err);
	job_free(j);
	return rc;
}

static void	count_key(struct job_count **, size_t *, const char *, size_t,
		    int);
static int	cmp_count(const void *, const void *);

/* ---- after the analysis --------------------------------------------- */

void
job_set_age(struct input_result *r, long long age_s)
{
	if (r != NULL && r->kind == INPUT_JOB)
		r->job_age_s = age_s;
}

/* ---- summary -------------------------------------------------------- */

/* Status spellings: IN_PROGRESS, In-Progress and in progress are one. */
int
job_status_same(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_' || *a == '-' || *a == ' ')
			a++;
		while (*b == '_' || *b == '-' || *b == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++, b++;
	}
}

static void
count_key(struct job_count **v, size_t *n, const char *key, size_t add,
    int status)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (status ? job_status_same((*v)[i].key, key) :
		    strcmp((*v)[i].key, key) == 0) {
			(*v)[i].n += add;
			return;
		}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].key = key;
	(*v)[*n].n = add;
	(*n)++;
}

static int
cmp_count(const void *a, const void *b)
{
	const struct job_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Summary rows ("summary:failed", info "12 of 40 nodes") count for 12. */
static size_t
node_weight(const struct job_node *jn)
{
	unsigned long w;

	if (strncmp(jn->node_id, "summary:", 8) == 0 && jn->info != NULL &&
	    sscanf(jn->info, "%lu of ", &w) == 1 && w > 0)
		return w;
	return 1;
}

void
job_summary_build(const struct input_result *r, struct job_summary *s)
{
	const struct node_summary *sm = &r->nodes_summarised;
	size_t i;
	unsigned char *timed_out;

	memset(s, 0, sizeof(*s));
	/* nodes with a job time-out finding, in one pass over the findings */
	timed_out = xcalloc(r->nnodes + 1, 1);
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i]->node >= 0 &&
		    (size_t)r->findings[i]->node < r->nnodes &&
		    finding_is_job_timeout(r->findings[i]))
			timed_out[r->findings[i]->node] = 1;
	for (i = 0; i < r->nnodes; i++) {
		const struct job_node *jn = &r->nodes[i];
		size_t w = node_weight(jn);
		const struct finding *p = jn->primary;

		s->total += w;
		if ((unsigned)jn->outcome <= OUTCOME_NOT_ATTEMPTED)
			s->by_outcome[jn->outcome] += w;
		count_key(&s->by_status, &s->nstatus,
		    jn->status != NULL && jn->status[0] != '\0' ?
		    jn->status : "(none)", w, 1);
		if (p != NULL)
			count_key(&s->by_cause, &s->ncause, p->cause, w, 0);
		else if (outcome_class(jn->outcome) == 2)
			count_key(&s->by_cause, &s->ncause, "unknown", w, 0);
		if (jn->disagree)
			s->ndisagree++;
		if (timed_out[i])
			s->ntimed_out += w;
	}
	free(timed_out);
	/* the nodes only counted (result.h: node_summary) */
	s->total += sm->n;
	for (i = 0; i <= OUTCOME_NOT_ATTEMPTED; i++)
		s->by_outcome[i] += sm->by_outcome[i];
	for (i = 0; i < sm->nstatus; i++)
		count_key(&s->by_status, &s->nstatus, sm->by_status[i].status,
		    sm->by_status[i].n, 1);
	for (i = 0; i < sm->ncause; i++)
		count_key(&s->by_cause, &s->ncause, sm->by_cause[i].cause,
		    sm->by_cause[i].n, 0);
	s->ntimed_out += sm->ntimed_out;
	s->ndisagree += sm->ndisagree;
	if (s->nstatus > 1)
		qsort(s->by_status, s->nstatus, sizeof(*s->by_status),
		    cmp_count);
	if (s->ncause > 1)
		qsort(s->by_cause, s->ncause, sizeof(*s->by_cause), cmp_count);
}

void
job_summary_release(struct job_summary *s)
{
	free(s->by_status);
	free(s->by_cause);
	memset(s, 0, sizeof(*s));
}
