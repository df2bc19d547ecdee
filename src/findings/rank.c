/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rank: root cause first.  For each session that failed, the primary cause
 * is the earliest error finding with the role "cause" (a "symptom" only when
 * nothing else explains it); later error findings of the same session are
 * its consequences.  Severity alone does not decide.  A session whose new
 * image runs in the end keeps its findings, capped at warning.  Findings
 * are then ordered: the input's primary cause, other primary causes, then
 * by severity and line; links are pointers, so only positions change.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "xalloc.h"

/* Causes that are risks or advice, never why an update failed (the
   cause table's class). */
static int
advisory(const char *cause)
{
	return cause_class(cause) == CAUSE_ADVISORY;
}

/* How specific the evidence is: a platform's own rule (2), a generic rule
   (1), a conclusion of the session model (0). */
static int
specificity(const struct finding *f)
{
	if (f->rule->form == RULE_FORM_SESSION)
		return 0;
	return f->rule->generic ? 1 : 2;
}

/* Does rule a declare that it overrides rule b ("overrides")? */
static int
overrides(const struct rule *a, const struct rule *b)
{
	size_t i;

	for (i = 0; i < a->noverrides; i++)
		if (strcmp(a->overrides[i], b->id) == 0)
			return 1;
	return 0;
}

static int
better(const struct finding *f, const struct finding *best)
{
	int fr, br;

	if (best == NULL)
		return 1;
	/* a rule that says it overrides another wins on their line */
	if (f->line == best->line && overrides(f->rule, best->rule))
		return 1;
	if (f->line == best->line && overrides(best->rule, f->rule))
		return 0;
	if (f->severity != best->severity &&
	    (f->severity == RULE_ERROR || best->severity == RULE_ERROR))
		return f->severity == RULE_ERROR;
	fr = f->rule->role == RULE_ROLE_CAUSE;
	br = best->rule->role == RULE_ROLE_CAUSE;
	if (fr != br)
		return fr;
	/* a rule fired by the failure (concurrent activity ...) explains
	   the finding that failed the session on the same line; else the
	   more specific evidence wins */
	if (f->line == best->line) {
		int ff = f->rule->form == RULE_FORM_STAGE &&
		    f->rule->trigger == STAGE_FAILED;
		int bf = best->rule->form == RULE_FORM_STAGE &&
		    best->rule->trigger == STAGE_FAILED;

		if (ff != bf)
			return ff;
		if (specificity(f) != specificity(best))
			return specificity(f) > specificity(best);
		/* a tie: the user's rule (--rules) over the built-in one */
		return f->rule->user && !best->rule->user;
	}
	return f->line < best->line;
}

/* Does finding f belong to session s (first seen there, or repeated in it)? */
static int
in_session(const struct finding *f, const struct session *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	if (f->session == s->no)
		return 1;
	for (i = 0; i < s->nseen; i++)
		if (s->seen[i] == f)
			return 1;
	for (i = 0; i < f->nlines; i++)
		if (f->lines[i] >= s->start_line && f->lines[i] <= s->end_line)
			return 1;
	return 0;
}

/*
 * The findings of one session (s) or one job node (node >= 0, its findings
 * listed in only[0..nonly)): what the primary is picked from and linked in.
 */
struct scope {
	const struct session *s;
	int		 node;
	struct finding *const *only;
	size_t		 nonly;
	int		 none_ran;	/* nothing was attempted: only a cause
					   that is no update's can be primary */
};

static size_t
scope_n(const struct input_result *r, const struct scope *sc)
{
	return sc->only != NULL ? sc->nonly : r->nfindings;
}

static struct finding *
scope_at(const struct input_result *r, const struct scope *sc, size_t j)
{
	return sc->only != NULL ? sc->only[j] : r->findings[j];
}

static int
scope_has(const struct scope *sc, const struct finding *f)
{
	return sc->node >= 0 ? f->node == sc->node : in_session(f, sc->s);
}

/* Picks the primary among the findings of a scope. */
static struct finding *
pick_at(const struct input_result *r, const struct scope *sc,
    enum rule_severity min)
{
	size_t j, n = scope_n(r, sc);
	struct finding *best = NULL;

	for (j = 0; j < n; j++) {
		struct finding *f = scope_at(r, sc, j);

		if (!scope_has(sc, f))
			continue;
		if (f->severity < min || advisory(f->cause))
			continue;
		if (sc->none_ran && !cause_fits_not_attempted(f->cause))
			continue;
		if (better(f, best))
			best = f;
	}
	return best;
}

static struct finding *
pick(const struct input_result *r, const struct scope *sc)
{
	return pick_at(r, sc, RULE_WARNING);
}

struct finding *
rank_session_primary(struct input_result *r, const struct session *s)
{
	struct scope sc = { s, -1, NULL, 0, 0 };

	return pick(r, &sc);
}

struct finding *
rank_node_primary(struct input_result *r, int node, struct finding *const *f,
    size_t n)
{
	struct scope sc = { NULL, node, f, n, 0 };
	struct finding *p = pick(r, &sc);

	return p != NULL ? p : pick_at(r, &sc, RULE_INFO);
}

/* Causes that explain a rollback when they happen in the same session. */
static int
explains_rollback(const char *cause)
{
	enum cause_class c = cause_class(cause);

	return c == CAUSE_CRASH || c == CAUSE_MEMORY;
}

/* A finding that only notices the rollback (the bootloader's or the
   updater's notice, the model's conclusion), not a reason for it such as
   a failed health check. */
static int
rollback_notice(const struct finding *f)
{
	return strcmp(f->cause, "rollback") == 0 && (f->rule->form ==
	    RULE_FORM_SESSION ||
	    f->rule->role == RULE_ROLE_SYMPTOM || f->rule->generic);
}

int
rank_is_consequence(const struct finding *pf, const struct finding *f)
{
	return f != pf && f->line >= pf->line && !advisory(f->cause) &&
	    f->severity != RULE_INFO;
}

static void
link_consequences(struct input_result *r, struct finding *pf,
    const struct scope *sc)
{
	size_t j, n = scope_n(r, sc);

	pf->primary = 1;
	for (j = 0; j < n; j++) {
		struct finding *f = scope_at(r, sc, j);

		if (f->consequence_of != NULL || f->primary)
			continue;
		if (!scope_has(sc, f) || !rank_is_consequence(pf, f))
			continue;
		/* nothing attempted: an error (another story's verdict, whose
		   evidence reaches back here) is no consequence of a warning */
		if (sc->none_ran && f->severity > pf->severity)
			continue;
		f->consequence_of = pf;
	}
}

struct order {
	struct finding	*f;
	int		 key0;	/* 0: input primary, 1: other primary, 2: rest */
};

static int
cmp_order(const void *x, const void *y)
{
	const struct order *a = x, *b = y;

	if (a->key0 != b->key0)
		return a->key0 - b->key0;
	if (a->f->severity != b->f->severity)
		return (int)b->f->severity - (int)a->f->severity;
	if (a->f->line != b->f->line)
		return a->f->line < b->f->line ? -1 : 1;
	return a->f->pos < b->f->pos ? -1 : a->f->pos > b->f->pos;
}

/* Orders the findings: the input's primary, other primaries, then by
   severity and line.  Links are pointers: only positions change. */
static void
reorder(struct input_result *r)
{
	struct order *o;
	size_t i;

	if (r->nfindings < 2)
		return;
	o = xcalloc(r->nfindings, sizeof(*o));
	for (i = 0; i < r->nfindings; i++) {
		o[i].f = r->findings[i];
		o[i].key0 = o[i].f == r->primary ? 0 : o[i].f->primary ? 1 : 2;
	}
	qsort(o, r->nfindings, sizeof(*o), cmp_order);
	for (i = 0; i < r->nfindings; i++) {
		r->findings[i] = o[i].f;
		r->findings[i]->pos = i;
	}
	free(o);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The cause most failed or rolled-back nodes share, the summarised ones
   counted too (ties: the cause id first in order), then the first listed
   node with it: the job's primary. */
static struct finding *
job_primary(const struct input_result *r)
{
	const struct node_summary *sm = &r->nodes_summarised;
	const char **causes;
	size_t i, k, n = 0, run, best = 0;
	const char *key = NULL;

	causes = xcalloc(r->nnodes + 1, sizeof(*causes));
	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].primary != NULL &&
		    outcome_class(r->nodes[i].outcome) == 2)
			causes[n++] = r->nodes[i].primary->cause;
	qsort(causes, n, sizeof(*causes), cmp_str);
	for (i = 0; i < n; i += run) {
		size_t all;

		for (run = 1; i + run < n && strcmp(causes[i],
		    causes[i + run]) == 0; run++)
			;
		all = run;
		for (k = 0; k < sm->nfailed_cause; k++)
			if (strcmp(sm->by_failed_cause[k].cause,
			    causes[i]) == 0)
				all += sm->by_failed_cause[k].n;
		if (all > best) {
			best = all;
			key = causes[i];
		}
	}
	free(causes);
	for (i = 0; key != NULL && i < r->nnodes; i++)
		if (r->nodes[i].primary != NULL &&
		    outcome_class(r->nodes[i].outcome) == 2 &&
		    strcmp(r->nodes[i].primary->cause, key) == 0)
			return r->nodes[i].primary;
	return NULL;
}

/*
 * A job: every node's primary finding (as for a session: error before
 * warning, cause before symptom, first seen; an info finding names the
 * node's state when nothing worse does), its consequences, its outcome
 * (a failure whose primary cause is the rollback is rolled-back) and
 * whether its log disagrees; then the job's outcome (failed if a node
 * failed or the job timed out, then rolled-back, in-progress,
 * not-attempted, success when every node succeeded) and primary cause.
 * The one place a job is ranked.
 */
static void
rank_job(struct input_result *r)
{
	size_t k, i, *start, *fill, count[OUTCOME_NOT_ATTEMPTED + 1];
	struct finding **byn;

	/* the findings of each node, by a counting sort: one pass, not one
	   pass per node (a fleet job has many nodes) */
	start = xcalloc(r->nnodes + 2, sizeof(size_t));
	fill = xcalloc(r->nnodes + 1, sizeof(size_t));
	byn = xcalloc(r->nfindings + 1, sizeof(*byn));
	r->job_timed_out = 0;
	for (i = 0; i < r->nfindings; i++) {
		int nd = r->findings[i]->node;

		if (nd >= 0 && (size_t)nd < r->nnodes) {
			start[nd + 1]++;
			if (finding_is_job_timeout(r->findings[i]))
				r->job_timed_out = 1;
		}
	}
	for (k = 0; k < r->nnodes; k++)
		start[k + 1] += start[k];
	for (i = 0; i < r->nfindings; i++) {
		int nd = r->findings[i]->node;

		if (nd >= 0 && (size_t)nd < r->nnodes)
			byn[start[nd] + fill[nd]++] = r->findings[i];
	}
	memset(count, 0, sizeof(count));
	for (k = 0; k < r->nnodes; k++) {
		struct job_node *n = &r->nodes[k];
		struct scope sc = { NULL, (int)k, byn + start[k],
		    start[k + 1] - start[k], 0 };
		struct finding *p = pick(r, &sc);

		if (p == NULL)
			p = pick_at(r, &sc, RULE_INFO);
		n->primary = p;
		if (p != NULL) {
			link_consequences(r, p, &sc);
			if (strcmp(p->cause, "rollback") == 0 &&
			    (n->outcome == OUTCOME_FAILED ||
			    n->outcome == OUTCOME_UNKNOWN))
				n->outcome = OUTCOME_ROLLED_BACK;
		}
		if (n->log_path != NULL) {
			/* only a log that saw the update end can
			   contradict the cloud */
			int lc = outcome_class(n->log_outcome);

			n->disagree = (lc == 1 || lc == 2) &&
			    outcome_class(n->outcome) != 0 &&
			    outcome_class(n->outcome) != lc;
		}
		if ((unsigned)n->outcome <= OUTCOME_NOT_ATTEMPTED)
			count[n->outcome]++;
	}
	free(start);
	free(fill);
	free(byn);
	/* the nodes only counted (result.h: node_summary) */
	for (k = 0; k <= OUTCOME_NOT_ATTEMPTED; k++)
		count[k] += r->nodes_summarised.by_outcome[k];
	if (r->nodes_summarised.ntimed_out > 0)
		r->job_timed_out = 1;
	if (count[OUTCOME_FAILED] > 0 || r->job_timed_out)
		r->outcome = OUTCOME_FAILED;
	else if (count[OUTCOME_ROLLED_BACK] > 0)
		r->outcome = OUTCOME_ROLLED_BACK;
	else if (count[OUTCOME_IN_PROGRESS] > 0)
		r->outcome = OUTCOME_IN_PROGRESS;
	else if (count[OUTCOME_NOT_ATTEMPTED] > 0)
		r->outcome = OUTCOME_NOT_ATTEMPTED;
	else if (r->nnodes + r->nodes_summarised.n > 0 &&
	    count[OUTCOME_SUCCESS] == r->nnodes + r->nodes_summarised.n)
		r->outcome = OUTCOME_SUCCESS;
	else
		r->outcome = OUTCOME_UNKNOWN;
	r->primary = job_primary(r);
}

/* The finding behind the last summarised attempt: of its cause, the one
   seen last. */
static struct finding *
summarised_primary(const struct input_result *r)
{
	size_t k;
	struct finding *best = NULL;

	if (r->summarised.last_cause == NULL)
		return NULL;
	for (k = 0; k < r->nfindings; k++)
		if (strcmp(r->findings[k]->cause, r->summarised.last_cause) ==
		    0 && (best == NULL || r->findings[k]->last_line >
		    best->last_line))
			best = r->findings[k];
	return best;
}

/* An image: no sessions; the most severe finding is the primary cause. */
static void
rank_image(struct input_result *r)
{
	size_t i;

	result_drop_ignored(r);
	r->primary = NULL;
	for (i = 0; i < r->nfindings; i++)
		if (r->primary == NULL || r->findings[i]->severity >
		    r->primary->severity)
			r->primary = r->findings[i];
	if (r->primary != NULL && r->primary->severity < RULE_WARNING)
		r->primary = NULL;
	if (r->primary != NULL)
		r->primary->primary = 1;
	r->outcome = r->primary != NULL &&
	    r->primary->severity == RULE_ERROR ? OUTCOME_FAILED :
	    OUTCOME_SUCCESS;
	reorder(r);
}

void
rank_findings(struct analysis *a)
{
	struct input_result *r = a->res;
	const struct session *last_attempt = NULL;
	size_t i, k;

	if (r->error) {
		r->outcome = OUTCOME_UNKNOWN;
		return;
	}
	/* live links were provisional: decide them again */
	for (i = 0; i < r->nfindings; i++) {
		r->findings[i]->consequence_of = NULL;
		r->findings[i]->primary = 0;
	}
	if (r->kind == INPUT_IMAGE) {
		rank_image(r);
		return;
	}
	if (r->kind == INPUT_JOB) {
		rank_job(r);
		result_drop_ignored(r);
		reorder(r);
		return;
	}
	for (i = 0; i < r->nsessions; i++) {
		struct session *s = &r->sessions[i];
		struct scope sc = { s, -1, NULL, 0, 0 };

		s->primary = NULL;
		if (s->outcome == OUTCOME_SUCCESS) {
			/* the new image runs: what the model did not count
			   against it is a warning at most, and advice on a
			   healthy update is no warning */
			for (k = 0; k < r->nfindings; k++) {
				struct finding *f = r->findings[k];

				if (f->session != s->no)
					continue;
				if (f->severity == RULE_ERROR)
					f->severity = RULE_WARNING;
				if (advisory(f->cause) &&
				    f->severity == RULE_WARNING)
					f->severity = RULE_INFO;
			}
			continue;
		}
		if (s->outcome != OUTCOME_FAILED &&
		    s->outcome != OUTCOME_ROLLED_BACK &&
		    s->outcome != OUTCOME_IN_PROGRESS &&
		    s->outcome != OUTCOME_NOT_ATTEMPTED)
			continue;
		/* an outcome and its cause never disagree: a crash finding
		   that speaks of an update (crash-after-update) stays listed,
		   but cannot be why nothing was attempted */
		sc.none_ran = s->outcome == OUTCOME_NOT_ATTEMPTED;
		s->primary = pick(r, &sc);
		/* nothing attempted: the model's own "nothing newer" note
		   still says why */
		if (s->primary == NULL && s->outcome == OUTCOME_NOT_ATTEMPTED)
			s->primary = pick_at(r, &sc, RULE_INFO);
		if (s->primary != NULL && rollback_notice(s->primary)) {
			/* what reset or crashed the new image explains the
			   rollback, even when it is logged after it */
			for (k = 0; k < r->nfindings; k++) {
				struct finding *f = r->findings[k];

				if (in_session(f, s) &&
				    f->severity >= RULE_WARNING &&
				    explains_rollback(f->cause)) {
					f->severity = RULE_ERROR;
					s->primary->consequence_of = f;
					s->primary = f;
					break;
				}
			}
		}
		if (s->primary != NULL)
			link_consequences(r, s->primary, &sc);
	}
	/* the input: its last attempted session decides */
	for (i = 0; i < r->nsessions; i++)
		if (r->sessions[i].outcome != OUTCOME_NOT_ATTEMPTED &&
		    r->sessions[i].outcome != OUTCOME_UNKNOWN)
			last_attempt = &r->sessions[i];
	if (r->summarised.n > 0 &&
	    r->summarised.last_attempt != OUTCOME_UNKNOWN &&
	    (last_attempt == NULL ||
	    last_attempt->no < r->summarised.first_no)) {
		/* the last attempt is among the summarised sessions */
		r->outcome = r->summarised.last_attempt;
		if (r->outcome != OUTCOME_SUCCESS)
			r->primary = summarised_primary(r);
	} else if (last_attempt == NULL) {
		/* nothing attempted: a postponed or refused update may
		   still name why (ota-delayed ...) */
		r->outcome = OUTCOME_NOT_ATTEMPTED;
		for (i = r->nsessions; i-- > 0;)
			if (r->sessions[i].primary != NULL) {
				r->primary = r->sessions[i].primary;
				break;
			}
	} else {
		r->outcome = last_attempt->outcome;
		/* attempts that failed before the one that went through are
		   worth a warning, not a failed gate (session numbers are in
		   order, summarised ones too) */
		if (r->outcome == OUTCOME_SUCCESS)
			for (k = 0; k < r->nfindings; k++)
				if (r->findings[k]->session != 0 &&
				    r->findings[k]->session < last_attempt->no &&
				    r->findings[k]->severity == RULE_ERROR)
					r->findings[k]->severity = RULE_WARNING;
		if (r->outcome != OUTCOME_SUCCESS)
			r->primary = last_attempt->primary;
		if (r->outcome == OUTCOME_IN_PROGRESS && r->primary != NULL &&
		    r->primary->severity == RULE_ERROR)
			r->outcome = OUTCOME_FAILED;
	}
	result_drop_ignored(r);
	reorder(r);
}
