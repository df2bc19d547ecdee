/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job_feed: a parsed job through the rule engine, matched with logs, and
 * summarised (see job.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "analysis.h"
#include "diag.h"
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

/* success, failure, pending or unknown: what a disagreement compares. */
static int
outcome_class(enum outcome o)
{
	switch (o) {
	case OUTCOME_SUCCESS:
		return 1;
	case OUTCOME_FAILED:
	case OUTCOME_ROLLED_BACK:
		return 2;
	case OUTCOME_IN_PROGRESS:
	case OUTCOME_NOT_ATTEMPTED:
		return 3;
	default:
		return 0;
	}
}

/* The primary finding of every node among r's findings, in one pass:
 * highest severity, causes before symptoms, first seen; -1 if none.
 * Returns an array of nnodes entries (the caller frees it). */
static int *
node_primaries(const struct input_result *r, size_t nnodes)
{
	int *best = xmalloc((nnodes > 0 ? nnodes : 1) * sizeof(int));
	size_t i;

	for (i = 0; i < nnodes; i++)
		best[i] = -1;
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const struct finding *b;
		int fs, bs;

		if (f->node < 0 || (size_t)f->node >= nnodes)
			continue;
		if (best[f->node] < 0) {
			best[f->node] = (int)i;
			continue;
		}
		b = &r->findings[best[f->node]];
		fs = (int)f->severity * 2 + (f->rule->role == RULE_ROLE_CAUSE);
		bs = (int)b->severity * 2 + (b->rule->role == RULE_ROLE_CAUSE);
		if (fs > bs)
			best[f->node] = (int)i;
	}
	return best;
}

static enum outcome
refine(enum outcome o, const struct input_result *r, int primary)
{
	const char *cause;

	if (primary < 0)
		return o;
	cause = r->findings[primary].cause;
	if (cause != NULL && strcmp(cause, "rollback") == 0 &&
	    (o == OUTCOME_FAILED || o == OUTCOME_UNKNOWN))
		return OUTCOME_ROLLED_BACK;
	return o;
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
	if (lr->primary >= 0 && (size_t)lr->primary < lr->nfindings)
		jn->log_cause = lr->findings[lr->primary].cause;
	else if (lr->nfindings > 0)
		jn->log_cause = lr->findings[0].cause;
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
		if (r->findings[k].node < 0)
			r->findings[k].node = node;
}

int
job_feed(const struct job *j, struct analysis *a, const struct job_opts *o,
    struct diag_err *err)
{
	static const struct job_opts none;
	struct job_node *nodes = NULL;
	struct logdir logs;
	const struct input_result *snap;
	int *prim;
	size_t i, k, n = job_count(j);
	long long now, trig, age = -1;
	int rc = 0, have_logs = 0;

	if (o == NULL)
		o = &none;
	memset(&logs, 0, sizeof(logs));
	if (o->logs_dir != NULL) {
		if ((rc = logdir_load(&logs, o->logs_dir, err)) != 0)
			return rc;
		have_logs = 1;
	}
	now = o->now > 0 ? o->now : (long long)time(NULL);
	trig = job_trigger_time(j);
	if (trig > 0 && now >= trig)
		age = now - trig;

	for (i = 0; i < n; i++) {
		const struct job_entry *e = job_get(j, i);
		size_t before = analysis_result(a)->nfindings;

		if (e->status[0] != '\0')
			feed_field(a, e, i, "status", e->status);
		for (k = 0; k < e->nfields; k++)
			feed_field(a, e, i, e->fields[k].name,
			    e->fields[k].value);
		if (o->timeout_s > 0 &&
		    unfinished(job_status_outcome(e->status))) {
			long long nage = age;
			char text[160];

			if (nage < 0 && e->time_s > 0 && now >= e->time_s)
				nage = now - e->time_s;
			if (nage > o->timeout_s) {
				snprintf(text, sizeof(text), "no final status "
				    "%lld s after the job was triggered "
				    "(limit %lld s)", nage, o->timeout_s);
				feed_field(a, e, i, "timeout", text);
			}
		}
		claim_findings(a, before, (int)i);
	}

	/* Per-node outcome from the findings so far (rules on job records
	 * need no context, so they are confirmed as they are fed). */
	snap = analysis_result(a);
	nodes = xcalloc(n > 0 ? n : 1, sizeof(*nodes));
	prim = node_primaries(snap, n);
	for (i = 0; i < n; i++) {
		const struct job_entry *e = job_get(j, i);
		struct job_node *jn = &nodes[i];
		const char *info = entry_info(e);
		int p = prim[i];

		jn->node_id = e->node_id;
		jn->status = e->status;
		jn->outcome = refine(job_status_outcome(e->status), snap, p);
		jn->info = (char *)(uintptr_t)info;
		jn->timestamp = e->timestamp;
		jn->line = e->line;
		jn->primary = p;
		jn->log_outcome = OUTCOME_UNKNOWN;
		if (have_logs) {
			const struct logfile *lf = logdir_find(&logs,
			    e->node_id);

			if (lf != NULL) {
				analyse_log(lf, o, jn);
				/* only a log that saw the update end can
				 * contradict the cloud */
				int lc = outcome_class(jn->log_outcome);

				jn->disagree = (lc == 1 || lc == 2) &&
				    outcome_class(jn->outcome) != 0 &&
				    outcome_class(jn->outcome) != lc;
			}
		}
	}
	free(prim);
	analysis_set_job(a, job_format(j), job_id(j), nodes, n);
	for (i = 0; i < n; i++)
		free(nodes[i].log_path);
	free(nodes);
	logdir_free(&logs);
	return 0;
}

int
job_load(struct analysis *a, const char *path, const char *buf, size_t n,
    struct diag_err *err)
{
	struct job *j;
	int rc;

	if ((rc = job_parse(path, buf, n, &j, err)) != 0)
		return rc;
	rc = job_feed(j, a, NULL, err);
	job_free(j);
	return rc;
}

static void	count_key(struct job_count **, size_t *, const char *, size_t);
static int	cmp_count(const void *, const void *);

/* A time-out of the job itself: the --job-timeout check or the cloud's
 * own timed-out status (not a device-side window). */
static int
is_job_timeout(const struct finding *f)
{
	return f->cause != NULL && strcmp(f->cause, "job-timeout") == 0 &&
	    f->rule != NULL && f->rule->field != NULL &&
	    (strcmp(f->rule->field, "timeout") == 0 ||
	    strcmp(f->rule->field, "status") == 0);
}

/* ---- after the analysis --------------------------------------------- */

void
job_fixup(struct input_result *r, long long age_s)
{
	size_t i, nfail = 0, nrb = 0, nprog = 0, nnot = 0, nok = 0;
	int first_fail = -1, *prim = NULL;

	if (r == NULL || r->kind != INPUT_JOB)
		return;
	r->job_age_s = age_s;
	r->job_timed_out = 0;
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].node >= 0 && is_job_timeout(&r->findings[i]))
			r->job_timed_out = 1;
	for (i = 0; i < r->nnodes; i++) {
		struct job_node *jn = &r->nodes[i];
		int p = jn->primary;

		/* keep the analysis' choice when it made one */
		if (p < 0 || (size_t)p >= r->nfindings ||
		    r->findings[p].node != (int)i) {
			if (prim == NULL)
				prim = node_primaries(r, r->nnodes);
			p = prim[i];
		}
		jn->primary = p;
		if (jn->outcome == OUTCOME_UNKNOWN ||
		    jn->outcome == OUTCOME_FAILED)
			jn->outcome = refine(jn->outcome, r, p);
		if (p >= 0)
			r->findings[p].primary = 1;
		switch (jn->outcome) {
		case OUTCOME_FAILED:
			nfail++;
			if (first_fail < 0 && p >= 0)
				first_fail = p;
			break;
		case OUTCOME_ROLLED_BACK:
			nrb++;
			if (first_fail < 0 && p >= 0)
				first_fail = p;
			break;
		case OUTCOME_IN_PROGRESS:
			nprog++;
			break;
		case OUTCOME_NOT_ATTEMPTED:
			nnot++;
			break;
		case OUTCOME_SUCCESS:
			nok++;
			break;
		default:
			break;
		}
	}
	if (nfail > 0 || r->job_timed_out)
		r->outcome = OUTCOME_FAILED;
	else if (nrb > 0)
		r->outcome = OUTCOME_ROLLED_BACK;
	else if (nprog > 0)
		r->outcome = OUTCOME_IN_PROGRESS;
	else if (nnot > 0)
		r->outcome = OUTCOME_NOT_ATTEMPTED;
	else if (nok > 0 && nok == r->nnodes)
		r->outcome = OUTCOME_SUCCESS;
	else
		r->outcome = OUTCOME_UNKNOWN;

	/* The input's primary: a finding of the most common cause among the
	 * failed and rolled-back nodes. */
	{
		struct job_count *v = NULL;
		size_t nv = 0;

		for (i = 0; i < r->nnodes; i++) {
			int p = r->nodes[i].primary;

			if (p >= 0 && outcome_class(r->nodes[i].outcome) == 2)
				count_key(&v, &nv, r->findings[p].cause, 1);
		}
		if (nv > 1)
			qsort(v, nv, sizeof(*v), cmp_count);
		for (i = 0; nv > 0 && i < r->nnodes; i++) {
			int p = r->nodes[i].primary;

			if (p >= 0 && outcome_class(r->nodes[i].outcome) == 2 &&
			    strcmp(r->findings[p].cause, v[0].key) == 0) {
				first_fail = p;
				break;
			}
		}
		free(v);
	}
	if (first_fail >= 0)
		r->primary = first_fail;
	free(prim);
}

/* ---- summary -------------------------------------------------------- */

static void
count_key(struct job_count **v, size_t *n, const char *key, size_t add)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0) {
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
	size_t i;
	unsigned char *timed_out;

	memset(s, 0, sizeof(*s));
	/* nodes with a job time-out finding, in one pass over the findings */
	timed_out = xcalloc(r->nnodes + 1, 1);
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].node >= 0 &&
		    (size_t)r->findings[i].node < r->nnodes &&
		    is_job_timeout(&r->findings[i]))
			timed_out[r->findings[i].node] = 1;
	for (i = 0; i < r->nnodes; i++) {
		const struct job_node *jn = &r->nodes[i];
		size_t w = node_weight(jn);
		int p = jn->primary;

		s->total += w;
		if ((unsigned)jn->outcome <= OUTCOME_NOT_ATTEMPTED)
			s->by_outcome[jn->outcome] += w;
		count_key(&s->by_status, &s->nstatus,
		    jn->status != NULL && jn->status[0] != '\0' ?
		    jn->status : "(none)", w);
		if (p >= 0 && (size_t)p < r->nfindings)
			count_key(&s->by_cause, &s->ncause,
			    r->findings[p].cause, w);
		else if (outcome_class(jn->outcome) == 2)
			count_key(&s->by_cause, &s->ncause, "unknown", w);
		if (jn->disagree)
			s->ndisagree++;
		if (timed_out[i])
			s->ntimed_out += w;
	}
	free(timed_out);
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
