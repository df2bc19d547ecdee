/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fleet: which nodes of a job stay listed, and the counts of the others
 * (see fleet.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "baseline.h"
#include "fleet.h"
#include "job.h"
#include "result.h"
#include "xalloc.h"

#define FLEET_GROUPS	3	/* failed, unfinished, successful */
#define FLEET_GONE	SIZE_MAX
/* slots of the fingerprint index: twice NODE_SUMMARY_FINGERPRINTS, a
   power of two */
#define FLEET_FP_SLOTS	(2 * NODE_SUMMARY_FINGERPRINTS)

struct fleet {
	struct analysis	*a;
	size_t		 max;
	/* the listed nodes of each group, by slot in result.nodes[],
	   ascending: the last is the one given up first */
	size_t		*listed[FLEET_GROUPS];
	size_t		 nlisted[FLEET_GROUPS], caplisted[FLEET_GROUPS];
	/* slots summarised but still in result.nodes[] (their findings
	   too) until the next compaction */
	unsigned char	*gone;
	size_t		 capgone, ngone;
	/* node_summary.fps by hash: index + 1, 0 for a free slot */
	unsigned	*fpslot;
	/* fleet_new_stream: every node to fn, none kept */
	result_node_fn	 fn;
	void		*ctx;
	int		 status;
};

static int
group_of(enum outcome o)
{
	switch (outcome_class(o)) {
	case 2:
		return 0;
	case 1:
		return 2;
	default:
		return 1;
	}
}

struct fleet *
fleet_new(struct analysis *a, size_t max)
{
	struct fleet *fl = xcalloc(1, sizeof(*fl));

	fl->a = a;
	fl->max = max > 0 ? max : 1;
	return fl;
}

struct fleet *
fleet_new_stream(struct analysis *a, result_node_fn fn, void *ctx)
{
	struct fleet *fl = fleet_new(a, 1);

	fl->fn = fn;
	fl->ctx = ctx;
	return fl;
}

int
fleet_status(const struct fleet *fl)
{
	return fl->status;
}

/* fleet_new_stream: node slot s, findings f[0..n) of it, ranked alone,
   handed out, let go. */
static void
stream_node(struct fleet *fl, size_t s, size_t first)
{
	struct input_result *r = fl->a->res;
	struct job_node *nd = &r->nodes[s];
	struct finding **f = r->findings + first, **out;
	size_t n = r->nfindings - first, i, k = 0;
	struct finding *p = rank_node_primary(r, (int)s, f, n);

	if (p != NULL) {
		p->primary = 1;
		for (i = 0; i < n; i++)
			if (rank_is_consequence(p, f[i]))
				f[i]->consequence_of = p;
		if (strcmp(p->cause, "rollback") == 0 &&
		    (nd->outcome == OUTCOME_FAILED ||
		    nd->outcome == OUTCOME_UNKNOWN))
			nd->outcome = OUTCOME_ROLLED_BACK;
	}
	if (nd->log_path != NULL) {
		int lc = outcome_class(nd->log_outcome);

		nd->disagree = (lc == 1 || lc == 2) &&
		    outcome_class(nd->outcome) != 0 &&
		    outcome_class(nd->outcome) != lc;
	}
	/* --ignore: the finding goes, with its consequences (as
	   result_drop_ignored) */
	out = xcalloc(n + 1, sizeof(*out));
	nd->primary = p != NULL && !p->ignored ? p : NULL;
	if (nd->primary != NULL)
		out[k++] = p;
	for (i = 0; i < n; i++)
		if (f[i] != p && !f[i]->ignored && !(f[i]->consequence_of !=
		    NULL && f[i]->consequence_of->ignored))
			out[k++] = f[i];
	if (fl->status == 0)
		fl->status = fl->fn(fl->ctx, r, nd, out, k);
	free(out);
	for (i = 0; i < n; i++)
		finding_free(f[i]);
	r->nfindings = first;
	result_node_release(nd);
	r->nnodes--;
}

void
fleet_free(struct fleet *fl)
{
	size_t g;

	if (fl == NULL)
		return;
	for (g = 0; g < FLEET_GROUPS; g++)
		free(fl->listed[g]);
	free(fl->gone);
	free(fl->fpslot);
	free(fl);
}

static void
count_cause(struct cause_count **v, size_t *n, const char *cause)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].cause, cause) == 0) {
			(*v)[i].n++;
			return;
		}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].cause = cause;
	(*v)[*n].n = 1;
	(*n)++;
}

static void
count_status(struct node_summary *sm, const char *status)
{
	const char *key = status != NULL && status[0] != '\0' ? status :
	    "(none)";
	size_t i;

	for (i = 0; i < sm->nstatus; i++)
		if (job_status_same(sm->by_status[i].status, key) ||
		    (i == NODE_SUMMARY_STATUSES - 1 &&
		    strcmp(sm->by_status[i].status, "(other)") == 0)) {
			sm->by_status[i].n++;
			return;
		}
	/* a job with every spelling under the sun: the rest are "(other)" */
	if (sm->nstatus == NODE_SUMMARY_STATUSES - 1)
		key = "(other)";
	sm->by_status = xrealloc(sm->by_status, (sm->nstatus + 1) *
	    sizeof(*sm->by_status));
	sm->by_status[sm->nstatus].status = xstrdup(key);
	sm->by_status[sm->nstatus].n = 1;
	sm->nstatus++;
}

/* Counts finding f (no consequence) of a summarised node on line (the
   node's) under its fingerprint: what --baseline compares. */
static void
count_fingerprint(struct fleet *fl, const struct finding *f,
    unsigned long line)
{
	struct node_summary *sm = &fl->a->res->nodes_summarised;
	char *fp = finding_fingerprint(f);
	size_t h = (size_t)strtoull(fp, NULL, 16), k;
	struct fingerprint_count *c;

	if (fl->fpslot == NULL)
		fl->fpslot = xcalloc(FLEET_FP_SLOTS, sizeof(*fl->fpslot));
	for (k = 0; k < FLEET_FP_SLOTS; k++) {
		unsigned *slot = &fl->fpslot[(h + k) & (FLEET_FP_SLOTS - 1)];

		if (*slot == 0) {
			if (sm->nfps >= NODE_SUMMARY_FINGERPRINTS)
				break;
			if (sm->nfps == 0)
				sm->fps = xcalloc(NODE_SUMMARY_FINGERPRINTS,
				    sizeof(*sm->fps));
			c = &sm->fps[sm->nfps++];
			*slot = (unsigned)sm->nfps;
			c->rule = f->rule->id;
			c->cause = f->cause;
			c->severity = f->severity;
			memcpy(c->fp, fp, sizeof(c->fp));
			c->line = line;
			c->n = 1;
			free(fp);
			return;
		}
		c = &sm->fps[*slot - 1];
		if (c->severity == f->severity && memcmp(c->fp, fp, 16) == 0 &&
		    strcmp(c->rule, f->rule->id) == 0) {
			c->n++;
			free(fp);
			return;
		}
	}
	/* more different findings than are kept: counted, never accepted */
	sm->fps_beyond[f->severity]++;
	free(fp);
}

/* Counts node slot k, whose findings are f[0..n), in the summary: what
   the ranking would have made of it (rank.c, rank_job), its findings as
   the gate counts them (no consequence of the node's primary; an
   ignored primary takes its consequences with it). */
static void
fold(struct fleet *fl, size_t k, struct finding *const *f, size_t n)
{
	struct input_result *r = fl->a->res;
	struct node_summary *sm = &r->nodes_summarised;
	const struct job_node *nd = &r->nodes[k];
	struct finding *p = rank_node_primary(r, (int)k, f, n), *pp = p;
	enum outcome o = nd->outcome;
	size_t i, timed_out = 0;

	if (p != NULL && p->ignored)
		p = NULL;
	if (p != NULL && strcmp(p->cause, "rollback") == 0 &&
	    (o == OUTCOME_FAILED || o == OUTCOME_UNKNOWN))
		o = OUTCOME_ROLLED_BACK;
	sm->n++;
	if ((unsigned)o <= OUTCOME_NOT_ATTEMPTED)
		sm->by_outcome[o]++;
	count_status(sm, nd->status);
	if (p != NULL)
		count_cause(&sm->by_cause, &sm->ncause, p->cause);
	else if (outcome_class(o) == 2)
		count_cause(&sm->by_cause, &sm->ncause, "unknown");
	if (outcome_class(o) == 2)
		count_cause(&sm->by_failed_cause, &sm->nfailed_cause,
		    p != NULL ? p->cause : "unknown");
	for (i = 0; i < n; i++) {
		int cons = pp != NULL && rank_is_consequence(pp, f[i]);

		if (f[i]->ignored || (cons && pp->ignored))
			continue;
		sm->nfindings++;
		if (finding_is_job_timeout(f[i]))
			timed_out = 1;
		if (cons || (unsigned)f[i]->severity > RULE_ERROR)
			continue;
		sm->by_severity[f[i]->severity]++;
		if (f[i]->severity == RULE_ERROR)
			sm->nerrors++;
		count_fingerprint(fl, f[i], nd->line);
	}
	sm->ntimed_out += timed_out;
	if (nd->log_path != NULL) {
		int lc = outcome_class(nd->log_outcome);

		if ((lc == 1 || lc == 2) && outcome_class(o) != 0 &&
		    outcome_class(o) != lc)
			sm->ndisagree++;
	}
}

/* Drops the summarised slots and their findings; the rest keep their
   order and are numbered again (links to dropped findings go). */
static void
compact(struct fleet *fl)
{
	struct input_result *r = fl->a->res;
	size_t *map, k, w, i, g;

	if (fl->ngone == 0)
		return;
	map = xmalloc((r->nnodes + 1) * sizeof(*map));
	for (k = 0, w = 0; k < r->nnodes; k++) {
		if (fl->gone[k]) {
			result_node_release(&r->nodes[k]);
			map[k] = FLEET_GONE;
			continue;
		}
		if (w != k)
			r->nodes[w] = r->nodes[k];
		map[k] = w++;
	}
	for (i = 0; i < r->nfindings; i++) {
		struct finding *f = r->findings[i];
		const struct finding *c = f->consequence_of;

		if (c != NULL && c->node >= 0 && (size_t)c->node < r->nnodes &&
		    fl->gone[c->node])
			f->consequence_of = NULL;
	}
	for (i = 0, w = 0; i < r->nfindings; i++) {
		struct finding *f = r->findings[i];

		if (f->node >= 0 && (size_t)f->node < r->nnodes) {
			if (map[f->node] == FLEET_GONE) {
				finding_free(f);
				continue;
			}
			f->node = (int)map[f->node];
		}
		f->pos = w;
		r->findings[w++] = f;
	}
	r->nfindings = w;
	for (g = 0; g < FLEET_GROUPS; g++)
		for (i = 0; i < fl->nlisted[g]; i++)
			fl->listed[g][i] = map[fl->listed[g][i]];
	memset(fl->gone, 0, r->nnodes);
	for (k = 0, w = 0; k < r->nnodes; k++)
		if (map[k] != FLEET_GONE)
			w++;
	r->nnodes = w;
	fl->ngone = 0;
	free(map);
}

/* The findings of listed slot k: a range of findings[], which is in node
   order (nodes are fed in order and renumbered in order). */
static size_t
findings_of(const struct input_result *r, size_t k, size_t *lo)
{
	size_t a = 0, b = r->nfindings, hi;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (r->findings[mid]->node < (int)k)
			a = mid + 1;
		else
			b = mid;
	}
	for (hi = a; hi < r->nfindings && r->findings[hi]->node == (int)k;
	    hi++)
		;
	*lo = a;
	return hi - a;
}

static void
push(struct fleet *fl, int g, size_t slot)
{
	fl->listed[g] = xgrow(fl->listed[g], &fl->caplisted[g],
	    fl->nlisted[g] + 1, sizeof(*fl->listed[g]));
	fl->listed[g][fl->nlisted[g]++] = slot;
}

void
fleet_node_done(struct fleet *fl, size_t first)
{
	struct input_result *r = fl->a->res;
	size_t s = r->nnodes - 1, i, total = 0, lo, n;
	int g, worst;

	if (r->nnodes == 0)
		return;
	for (i = first; i < r->nfindings; i++)
		r->findings[i]->node = (int)s;
	if (fl->fn != NULL) {
		stream_node(fl, s, first);
		return;
	}
	fl->gone = xgrow(fl->gone, &fl->capgone, r->nnodes, 1);
	fl->gone[s] = 0;
	g = group_of(r->nodes[s].outcome);
	for (worst = 0; worst < FLEET_GROUPS; worst++)
		total += fl->nlisted[worst];
	if (total < fl->max) {
		push(fl, g, s);
		return;
	}
	for (worst = FLEET_GROUPS - 1; worst > 0 && fl->nlisted[worst] == 0;
	    worst--)
		;
	if (g >= worst) {
		/* no more telling than any listed one: counted at once */
		fold(fl, s, r->findings + first, r->nfindings - first);
		for (i = first; i < r->nfindings; i++)
			finding_free(r->findings[i]);
		r->nfindings = first;
		result_node_release(&r->nodes[s]);
		r->nnodes--;
		return;
	}
	/* it takes the place of the last listed node of a less telling
	   group, which is counted now and freed at the next compaction */
	i = fl->listed[worst][--fl->nlisted[worst]];
	n = findings_of(r, i, &lo);
	fold(fl, i, r->findings + lo, n);
	fl->gone[i] = 1;
	fl->ngone++;
	push(fl, g, s);
	if (fl->ngone >= fl->max)
		compact(fl);
}

void
fleet_finish(struct fleet *fl)
{
	const struct node_summary *sm;

	if (fl == NULL)
		return;
	compact(fl);
	sm = &fl->a->res->nodes_summarised;
	if (sm->n > 0)
		analysis_note(fl->a, 0, "%zu of the job's %zu nodes are "
		    "summarised, not listed (a report lists %zu: failed and "
		    "rolled-back nodes first); they and their %zu finding%s "
		    "are counted by outcome, status and cause",
		    sm->n, sm->n + fl->a->res->nnodes, fl->max, sm->nfindings,
		    sm->nfindings == 1 ? "" : "s");
	if (sm->fps_beyond[RULE_INFO] + sm->fps_beyond[RULE_WARNING] +
	    sm->fps_beyond[RULE_ERROR] > 0)
		analysis_note(fl->a, 0, "the summarised nodes have more than "
		    "%d different findings: %zu findings beyond them are "
		    "counted without a fingerprint, and no --baseline accepts "
		    "them", NODE_SUMMARY_FINGERPRINTS,
		    sm->fps_beyond[RULE_INFO] + sm->fps_beyond[RULE_WARNING] +
		    sm->fps_beyond[RULE_ERROR]);
}
