/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hits: what happens when a rule or marker matches a line.  Context
 * conditions are checked here; a hit that needs an "after" window waits in
 * the pending list.  Confirmed hits become findings, merged with earlier
 * findings of the same rule and message (a retry repeats the same error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

static const char *
cap_get(const struct capture *caps, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(caps[i].name, name) == 0)
			return caps[i].value;
	return NULL;
}

static const struct code_entry *
decode_cap(const struct analysis *a, const struct rule *r,
    const struct capture *caps, size_t ncaps, const char *name,
    const struct rule_decode **how)
{
	size_t i;
	const char *v;

	for (i = 0; i < r->ndecode; i++) {
		if (strcmp(r->decode[i].capture, name) != 0)
			continue;
		if ((v = cap_get(caps, ncaps, name)) == NULL || *v == '\0')
			return NULL;
		if (how != NULL)
			*how = &r->decode[i];
		return code_table_lookup(ruleset_find_table(a->rs,
		    r->decode[i].table), v);
	}
	return NULL;
}

/* Expands ${name}, ${name.name}, ${name.meaning} in a text of rule r (its
   message or remedy) from the captures. */
static char *
format_text(const struct analysis *a, const struct rule *r, const char *p,
    const struct capture *caps, size_t ncaps)
{
	struct strbuf sb = STRBUF_INIT;
	const char *e, *dot;
	char name[64];
	size_t n;

	while (*p != '\0') {
		if (p[0] != '$' || p[1] != '{' || (e = strchr(p + 2, '}')) == NULL ||
		    (n = (size_t)(e - p - 2)) >= sizeof(name)) {
			strbuf_addch(&sb, *p++);
			continue;
		}
		memcpy(name, p + 2, n);
		name[n] = '\0';
		dot = strchr(name, '.');
		if (dot != NULL) {
			const struct code_entry *ce;

			name[dot - name] = '\0';
			ce = decode_cap(a, r, caps, ncaps, name, NULL);
			if (ce == NULL) {
				const char *v = cap_get(caps, ncaps, name);

				if (strcmp(dot + 1, "name") == 0)
					strbuf_addstr(&sb, v != NULL && *v != '\0' ?
					    v : "?");
				else
					strbuf_addstr(&sb, "(not in otadiag's code "
					    "table)");
			} else if (strcmp(dot + 1, "name") == 0)
				strbuf_addstr(&sb, ce->name);
			else if (strcmp(dot + 1, "meaning") == 0) {
				strbuf_addstr(&sb, ce->meaning);
				if (ce->note != NULL) {
					strbuf_addstr(&sb, " (");
					strbuf_addstr(&sb, ce->note);
					strbuf_addch(&sb, ')');
				}
			}
		} else {
			const char *v = cap_get(caps, ncaps, name);

			strbuf_addstr(&sb, v != NULL ? v : "");
		}
		p = e + 1;
	}
	return strbuf_detach(&sb);
}

/* The rule's message (or title) with its ${name} filled in. */
static char *
format_message(const struct analysis *a, const struct rule *r,
    const struct capture *caps, size_t ncaps)
{
	return format_text(a, r, r->message != NULL ? r->message : r->title,
	    caps, ncaps);
}

/* The rule's remedy with its ${name} filled in, or NULL without one. */
static char *
format_remedy(const struct analysis *a, const struct rule *r,
    const struct capture *caps, size_t ncaps)
{
	return r->remedy != NULL ? format_text(a, r, r->remedy, caps, ncaps) :
	    NULL;
}

static int
ignored(const struct analysis *a, const struct rule *r, const char *cause)
{
	size_t i;

	for (i = 0; i < a->opts.nignore; i++)
		if (strcmp(a->opts.ignore[i], r->id) == 0 ||
		    strcmp(a->opts.ignore[i], cause) == 0)
			return 1;
	return 0;
}

/* The rule's cause, or the one its decoded capture names (set_cause). */
static const char *
effective_cause(const struct analysis *a, const struct rule *r,
    const struct capture *caps, size_t ncaps)
{
	const char *cause = r->cause;
	size_t i;

	for (i = 0; i < r->ndecode; i++) {
		const struct rule_decode *how = NULL;
		const struct code_entry *ce = decode_cap(a, r, caps, ncaps,
		    r->decode[i].capture, &how);

		if (ce != NULL && how != NULL && how->set_cause &&
		    ce->cause != NULL)
			cause = ce->cause;
	}
	return cause;
}

struct finding *
finding_add(struct analysis *a, const struct rule *r, unsigned long line,
    long long dev_ms, long long host_ms, const char *text,
    const struct capture *caps, size_t ncaps, unsigned long session)
{
	struct session *ss = result_session(a->res, session);
	struct input_result *res = a->res;
	const char *cause = effective_cause(a, r, caps, ncaps);
	char *msg;
	size_t i;
	struct finding *f;

	msg = format_message(a, r, caps, ncaps);
	for (i = res->nfindings; i-- > 0;) {
		f = res->findings[i];
		/* job records come node by node: look no further back than
		   this node's own findings */
		if (a->node >= 0 && f->node != a->node)
			break;
		/* the same rule again (a retry, another buffer size): one
		   finding with several evidence lines; its first message */
		if (f->rule == r && strcmp(f->cause, cause) == 0 &&
		    f->node == a->node) {
			if (f->nlines < FINDING_MAX_LINES &&
			    f->lines[f->nlines - 1] != line)
				f->lines[f->nlines++] = line;
			if (line > f->last_line)
				f->last_line = line;
			f->count++;
			free(msg);
			if (ss != NULL)
				session_saw(ss, f);
			return f;
		}
	}
	f = result_add_finding(res);
	f->rule = r;
	f->cause = cause;
	f->severity = r->severity;
	f->line = line;
	f->last_line = line;
	f->lines[0] = line;
	f->nlines = 1;
	f->count = 1;
	f->text = xstrdup(text);
	f->message = msg;
	f->remedy = format_remedy(a, r, caps, ncaps);
	f->dev_ms = dev_ms;
	f->host_ms = host_ms;
	f->session = session;
	f->node = a->node;
	/* kept until the ranking, so its consequences can go with it */
	f->ignored = ignored(a, r, cause);
	if (ncaps > 0) {
		f->caps = xcalloc(ncaps, sizeof(*f->caps));
		for (i = 0; i < ncaps; i++) {
			f->caps[i].name = xstrdup(caps[i].name);
			f->caps[i].value = xstrdup(caps[i].value);
		}
		f->ncaps = ncaps;
	}
	if (ss != NULL)
		session_saw(ss, f);
	return f;
}

/* --- events and context ------------------------------------------------ */

static void
event_push(struct analysis *a, const struct rule *r, enum stage st,
    unsigned long line, long long ms)
{
	struct event *e = &a->events[a->nevents % EVENT_RING];

	free(e->label);
	e->rule = r;
	e->stage = st;
	e->label = r->label != NULL ? xstrdup(r->label) : NULL;
	e->line = line;
	e->ms = ms;
	a->nevents++;
}

static int
event_is(const struct event *e, const struct rule_ref *ref)
{
	if (ref->rule != NULL && strcmp(ref->rule, e->rule->id) != 0)
		return 0;
	if (ref->stage >= 0 && (int)e->stage != ref->stage)
		return 0;
	if (ref->label != NULL && (e->label == NULL ||
	    strcmp(ref->label, e->label) != 0))
		return 0;
	return 1;
}

/* The line of the latest event matching ref in the window before (line,
   ms), or 0 if there is none. */
static unsigned long
seen_before(const struct analysis *a, const struct rule_ref *ref,
    unsigned long line, long long ms)
{
	size_t i, n = a->nevents < EVENT_RING ? a->nevents : EVENT_RING;

	for (i = 0; i < n; i++) {
		const struct event *e = &a->events[(a->nevents - 1 - i) %
		    EVENT_RING];

		if (e->line >= line)
			continue;	/* only events on earlier lines */
		if (!event_is(e, ref))
			continue;
		if (ref->before_lines >= 0 && e->line + (unsigned long)
		    ref->before_lines >= line)
			return e->line;
		if (ref->within_ms >= 0 && ms >= 0 && e->ms >= 0 &&
		    e->ms <= ms && ms - e->ms <= ref->within_ms)
			return e->line;
	}
	return 0;
}

/* Adds context evidence lines to finding f (kept ascending, unique). */
static void
add_evidence(struct finding *f, const unsigned long *lines, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (lines[i] == 0 || f->nlines >= FINDING_MAX_LINES)
			continue;
		for (k = 0; k < f->nlines && f->lines[k] < lines[i]; k++)
			;
		if (k < f->nlines && f->lines[k] == lines[i])
			continue;
		memmove(f->lines + k + 1, f->lines + k,
		    (f->nlines - k) * sizeof(f->lines[0]));
		f->lines[k] = lines[i];
		f->nlines++;
	}
}

static int
has_after(const struct rule_ref *ref)
{
	return ref->after_lines >= 0 || ref->within_ms >= 0;
}

/* Phase, progress, uptime and count conditions, at the time of the hit. */
static int
context_now(struct analysis *a, const struct rule *r,
    const struct record *rec, long long ms)
{
	const struct rule_context *c = &r->ctx;
	struct rule_hits *h = &a->rule_hits[r->index];
	int prog;
	long long up;

	/* count every hit, so repetitions are seen whatever else holds */
	h->ms[h->n % RULE_HITS_RING] = ms;
	h->n++;
	if (!r->has_context)
		return 1;
	/* a rule after a failure still sees the phase it failed in (its
	   consequences); a marker sees the state: a failed update is over */
	if (c->phases != 0 && !(c->phases & (1u << (r->kind ==
	    RULE_KIND_MARKER ? model_phase(a->ms) : a->phase))))
		return 0;
	prog = session_progress(a);
	if (c->progress_min >= 0 && prog < c->progress_min)
		return 0;
	if (c->progress_max >= 0 && prog > c->progress_max)
		return 0;
	if (c->reset != NULL && (a->res->device.reset_reason == NULL ||
	    strstr(a->res->device.reset_reason, c->reset) == NULL))
		return 0;
	if (c->uptime_max_ms >= 0) {
		up = analysis_uptime(a, rec);
		if (up < 0 || up > c->uptime_max_ms)
			return 0;
	}
	if (c->count_min > 0) {
		size_t k, got = 0, n = h->n < RULE_HITS_RING ? h->n :
		    RULE_HITS_RING;

		if (h->n < (size_t)c->count_min)
			return 0;
		if (c->count_within_ms >= 0 && ms >= 0) {
			for (k = 0; k < n; k++) {
				long long t = h->ms[(h->n - 1 - k) % RULE_HITS_RING];

				if (t >= 0 && t <= ms && ms - t <= c->count_within_ms)
					got++;
			}
			if (got < (size_t)c->count_min)
				return 0;
		}
		/* report once per burst: only when the count is first reached */
		if (c->count_within_ms < 0 && h->n != (size_t)c->count_min)
			return 0;
	}
	return 1;
}

/*
 * The earlier error finding of session s that a new finding nf (the last
 * one) most likely follows from: a symptom follows the first cause (or the
 * first symptom); a cause follows only an earlier cause.  NULL if none.
 */
static const struct finding *
live_root(const struct analysis *a, unsigned long s, const struct finding *nf)
{
	const struct input_result *r = a->res;
	size_t i, lo = 0, end = nf->pos;
	const struct finding *any = NULL;

	if (nf->severity != RULE_ERROR)
		return NULL;

	/* job records: only this node's run of findings */
	if (nf->node >= 0)
		for (lo = end; lo > 0 &&
		    r->findings[lo - 1]->node == nf->node; lo--)
			;
	for (i = lo; i < end; i++) {
		const struct finding *f = r->findings[i];

		if (f->session != s || f->severity != RULE_ERROR ||
		    f->consequence_of != NULL || f->node != nf->node)
			continue;
		if (f->rule->role == RULE_ROLE_CAUSE)
			return f;
		if (any == NULL)
			any = f;
	}
	return nf->rule->role == RULE_ROLE_SYMPTOM ? any : NULL;
}

static void
confirm(struct analysis *a, const struct rule *r, unsigned long line,
    long long dev_ms, long long host_ms, const char *text,
    const struct capture *caps, size_t ncaps, unsigned long session_hint,
    const unsigned long *ctx_lines, size_t nctx)
{
	int benign = 0, fire = 0;
	unsigned long s;
	size_t before = a->res->nfindings;
	struct finding *f;

	s = session_hint;
	if (r->severity == RULE_ERROR) {
		/* the error is an event of the update model first: it may
		   open, fail or not touch a session */
		struct record rec;

		memset(&rec, 0, sizeof(rec));
		rec.lineno = line;
		rec.text = rec.msg = text;
		rec.tag = rec.func = rec.src_file = rec.dev_time = rec.field = "";
		rec.dev_ms = dev_ms;
		rec.host_ms = host_ms;
		rec.node = a->node;
		s = session_error(a, &rec, effective_cause(a, r, caps, ncaps),
		    &benign, &fire);
	} else if (s == 0 && a->node < 0)
		s = session_attach(a, line);
	f = finding_add(a, r, line, dev_ms, host_ms, text, caps, ncaps, s);
	if (a->res->nfindings > before && benign)
		f->severity = RULE_INFO;	/* normal operation */
	if (a->res->nfindings > before && f->ignored) {
		/* --ignore: it still decides the session, silently */
	} else if (a->res->nfindings > before) {
		/* the context it needed is evidence too */
		add_evidence(f, ctx_lines, nctx);
		/* live: link to the root it most likely follows from (the
		   ranking at the end decides for good) */
		f->consequence_of = live_root(a, s, f);
		analysis_emit(a, ANALYSIS_FINDING, f, s, NULL, NULL);
	}
	/* rules fired by the failure itself (concurrent activity ...) */
	if (fire)
		analysis_fire_failed(a, f);
}

void
pending_release(struct pending *p)
{
	size_t i;

	free(p->text);
	for (i = 0; i < p->ncaps; i++) {
		free(p->caps[i].name);
		free(p->caps[i].value);
	}
	free(p->caps);
	memset(p, 0, sizeof(*p));
	p->done = 1;
}

void
pending_resolve(struct analysis *a, struct pending *p, int at_end)
{
	const struct rule_context *c = &p->rule->ctx;
	size_t i;

	(void)at_end;
	if (p->done)
		return;
	p->done = 1;
	if (p->excluded)
		return;
	for (i = 0; i < c->nrequires; i++)
		if (!(p->req_ok & (1u << i)))
			return;
	confirm(a, p->rule, p->line, p->dev_ms, p->host_ms, p->text, p->caps,
	    p->ncaps, p->session, p->ctx_lines, 4);
}

/* A new event: does it satisfy or violate a pending hit's after window? */
static void
pending_event(struct analysis *a, const struct event *e)
{
	size_t i, k;

	for (i = 0; i < a->npending; i++) {
		struct pending *p = &a->pending[i];
		const struct rule_context *c;

		if (p->done || e->line <= p->line)
			continue;
		c = &p->rule->ctx;
		for (k = 0; k < c->nrequires && k < 32; k++) {
			const struct rule_ref *ref = &c->requires[k];

			if (!event_is(e, ref))
				continue;
			if ((ref->after_lines >= 0 && e->line <= p->line +
			    (unsigned long)ref->after_lines) ||
			    (ref->within_ms >= 0 && e->ms >= 0 && p->ms >= 0 &&
			    e->ms - p->ms <= ref->within_ms && e->ms >= p->ms)) {
				if (!(p->req_ok & (1u << k)) && k < 4)
					p->ctx_lines[k] = e->line;
				p->req_ok |= 1u << k;
			}
		}
		for (k = 0; k < c->nexcludes; k++) {
			const struct rule_ref *ref = &c->excludes[k];

			if (!event_is(e, ref))
				continue;
			if ((ref->after_lines >= 0 && e->line <= p->line +
			    (unsigned long)ref->after_lines) ||
			    (ref->within_ms >= 0 && e->ms >= 0 && p->ms >= 0 &&
			    e->ms - p->ms <= ref->within_ms && e->ms >= p->ms))
				p->excluded = 1;
		}
	}
}

void
pending_tick(struct analysis *a, const struct record *rec)
{
	size_t i, j;
	long long ms = analysis_time(a, rec);

	for (i = 0; i < a->npending; i++) {
		struct pending *p = &a->pending[i];

		if (p->done)
			continue;
		/* a line without a clock cannot close a time window */
		if (rec->lineno > p->deadline_line && (p->deadline_ms < 0 ||
		    (ms >= 0 && ms > p->deadline_ms)))
			pending_resolve(a, p, 0);
	}
	/* compact */
	for (i = j = 0; i < a->npending; i++) {
		if (a->pending[i].done) {
			pending_release(&a->pending[i]);
			continue;
		}
		if (i != j)
			a->pending[j] = a->pending[i];
		j++;
	}
	a->npending = j;
}

static void
hold(struct analysis *a, const struct rule *r, const struct record *rec,
    const struct match *m, unsigned req_ok, long long ms,
    const unsigned long *ctx_lines)
{
	const struct rule_context *c = &r->ctx;
	struct pending *p;
	size_t k;
	unsigned long dl = rec->lineno;
	long long dms = -1;

	for (k = 0; k < c->nrequires; k++) {
		const struct rule_ref *ref = &c->requires[k];

		if (ref->after_lines >= 0 && rec->lineno + ref->after_lines > dl)
			dl = rec->lineno + (unsigned long)ref->after_lines;
		if (ref->within_ms >= 0 && ms >= 0 && ms + ref->within_ms > dms)
			dms = ms + ref->within_ms;
	}
	for (k = 0; k < c->nexcludes; k++) {
		const struct rule_ref *ref = &c->excludes[k];

		if (ref->after_lines >= 0 && rec->lineno + ref->after_lines > dl)
			dl = rec->lineno + (unsigned long)ref->after_lines;
		if (ref->within_ms >= 0 && ms >= 0 && ms + ref->within_ms > dms)
			dms = ms + ref->within_ms;
	}
	a->pending = xgrow(a->pending, &a->cappending, a->npending + 1,
	    sizeof(*a->pending));
	p = &a->pending[a->npending++];
	memset(p, 0, sizeof(*p));
	p->rule = r;
	p->line = rec->lineno;
	p->ms = ms;
	p->dev_ms = rec->dev_ms;
	p->host_ms = rec->host_ms;
	p->session = a->cur;
	p->text = xstrdup(rec->text);
	p->deadline_line = dl;
	p->deadline_ms = dms;
	p->req_ok = req_ok;
	memcpy(p->ctx_lines, ctx_lines, sizeof(p->ctx_lines));
	if (m->ncaps > 0) {
		p->caps = xcalloc(m->ncaps, sizeof(*p->caps));
		for (k = 0; k < m->ncaps; k++) {
			p->caps[k].name = xstrdup(m->cap_names[k]);
			p->caps[k].value = xstrdup(m->cap_values[k]);
		}
		p->ncaps = m->ncaps;
	}
}

/* Runs the rules fired by stage st; once per line and stage. */
static void
fire_stage(struct analysis *a, const struct record *rec,
    const struct match *m, enum stage st)
{
	size_t i, before;

	if (a->trig_line == rec->lineno && a->trig_stage == (int)st)
		return;
	a->trig_line = rec->lineno;
	a->trig_stage = (int)st;
	for (i = 0; i < a->ntrig[st]; i++) {
		struct match tm = *m;
		const struct rule *t = a->trig[st][i];

		/* a stage rule speaks once per session, unless it counts
		   repetitions */
		if (t->ctx.count_min == 0 &&
		    a->rule_hits[t->index].fired_in == a->cur + 1)
			continue;
		/* one that counts repetitions counts attempts: several
		   lines of one attempt (a check announced twice) are one */
		if (t->ctx.count_min > 0 &&
		    a->rule_hits[t->index].counted_in == a->cur + 1)
			continue;
		a->rule_hits[t->index].counted_in = a->cur + 1;
		tm.rule = t;
		before = a->res->nfindings;
		analysis_on_match(a, rec, &tm);
		if (a->res->nfindings > before)
			a->rule_hits[t->index].fired_in = a->cur + 1;
	}
}

void
analysis_fire_failed(struct analysis *a, const struct finding *f)
{
	struct record rec;
	struct match m;
	char *text;

	if (a->ntrig[STAGE_FAILED] == 0)
		return;
	text = xstrdup(f->text);
	memset(&rec, 0, sizeof(rec));
	rec.lineno = f->line;
	rec.text = text;
	rec.msg = text;
	rec.tag = rec.func = rec.src_file = rec.dev_time = rec.field = "";
	rec.dev_ms = f->dev_ms;
	rec.host_ms = f->host_ms;
	rec.node = f->node;
	memset(&m, 0, sizeof(m));
	fire_stage(a, &rec, &m, STAGE_FAILED);
	free(text);
}

int
analysis_on_match(void *ctx, const struct record *rec, const struct match *m)
{
	struct analysis *a = ctx;
	const struct rule *r = m->rule;
	const struct rule_context *c = &r->ctx;
	long long ms = analysis_time(a, rec);
	unsigned req_ok = 0;
	int wait = 0, ok;
	size_t k;
	struct capture caps[MATCHER_MAX_CAPS];
	unsigned long ctx_lines[4] = {0, 0, 0, 0}, seen;

	/* the generic tier speaks for a line only where no specific error
	   rule (or marker of the same stage) did: the specific evidence wins */
	if (a->spec_line != rec->lineno) {
		a->spec_line = rec->lineno;
		a->spec_rule = 0;
		a->spec_stages = 0;
	}
	if (r->generic && (a->spec_rule || (r->kind == RULE_KIND_MARKER &&
	    (a->spec_stages & (1u << r->stage)) != 0)))
		return 0;
	if (r->kind == RULE_KIND_MARKER) {
		if (r->has_context && !context_now(a, r, rec, ms))
			return 0;
		if (!r->generic)
			a->spec_stages |= 1u << r->stage;
		session_marker(a, rec, m);
		event_push(a, r, r->stage, rec->lineno, ms);
		pending_event(a, &a->events[(a->nevents - 1) % EVENT_RING]);
		fire_stage(a, rec, m, r->stage);
		return 0;
	}
	ok = context_now(a, r, rec, ms);
	/* the hit is an event for other rules' context, whatever happens */
	event_push(a, r, STAGE_NONE, rec->lineno, ms);
	pending_event(a, &a->events[(a->nevents - 1) % EVENT_RING]);
	if (!ok)
		return 0;
	if (!r->generic && r->form == RULE_FORM_PATTERN &&
	    r->severity == RULE_ERROR)
		a->spec_rule = 1;
	if (r->has_context) {
		for (k = 0; k < c->nexcludes; k++)
			if (seen_before(a, &c->excludes[k], rec->lineno, ms))
				return 0;
		for (k = 0; k < c->nexcludes; k++)
			if (has_after(&c->excludes[k]))
				wait = 1;
		for (k = 0; k < c->nrequires && k < 32; k++) {
			if ((seen = seen_before(a, &c->requires[k], rec->lineno,
			    ms)) != 0) {
				req_ok |= 1u << k;
				if (k < 4)
					ctx_lines[k] = seen;
			}
			else if (has_after(&c->requires[k]))
				wait = 1;
			else
				return 0;
		}
		if (wait) {
			hold(a, r, rec, m, req_ok, ms, ctx_lines);
			return 0;
		}
	}
	for (k = 0; k < m->ncaps; k++) {
		caps[k].name = (char *)m->cap_names[k];
		caps[k].value = (char *)m->cap_values[k];
	}
	confirm(a, r, rec->lineno, rec->dev_ms, rec->host_ms, rec->text, caps,
	    m->ncaps, a->cur, ctx_lines, 4);
	return 0;
}

/* Appends a capture (owned copies) to f. */
static void
add_cap(struct finding *f, const char *name, const char *value)
{
	f->caps = xrealloc(f->caps, (f->ncaps + 1) * sizeof(*f->caps));
	f->caps[f->ncaps].name = xstrdup(name);
	f->caps[f->ncaps].value = xstrdup(value != NULL ? value : "?");
	f->ncaps++;
}

void
hits_refine_frames(struct analysis *a)
{
	struct input_result *res = a->res;
	size_t i, k, j;

	for (i = 0; i < res->nfindings; i++) {
		struct finding *f = res->findings[i];

		if (f->nframes == 0)
			continue;
		for (k = 0; k < ruleset_count(a->rs); k++) {
			const struct rule *r = ruleset_get(a->rs, k);
			const struct frame *m, *top = NULL;
			char num[24], *name;

			if (r->form != RULE_FORM_FRAMES)
				continue;
			for (j = 0; j < r->frames.nof; j++)
				if (strcmp(r->frames.of[j], f->cause) == 0)
					break;
			if (r->frames.nof > 0 && j == r->frames.nof)
				continue;
			if (!frames_match(&r->frames, f->frames, f->nframes, &m))
				continue;
			for (j = 0; j < f->nframes && top == NULL; j++)
				if (f->frames[j].function != NULL &&
				    !f->frames[j].probable)
					top = &f->frames[j];
			/* ${function}/${file}/${line}: the top frame;
			   ${matched}: the frame the condition found (names
			   as frames_name gives them: "onPulse()") */
			name = frames_name(top);
			add_cap(f, "function", name);
			free(name);
			add_cap(f, "file", top->file);
			snprintf(num, sizeof(num), "%u", top->line);
			add_cap(f, "line", top->file != NULL ? num : "?");
			name = frames_name(m);
			add_cap(f, "matched", name);
			free(name);
			f->rule = r;
			f->cause = r->cause;
			f->severity = r->severity;
			free(f->message);
			f->message = format_message(a, r, f->caps, f->ncaps);
			free(f->remedy);
			f->remedy = format_remedy(a, r, f->caps, f->ncaps);
			break;
		}
	}
}
