/* SPDX-License-Identifier: Apache-2.0 */
/*
 * session: the OTA session model's glue.  Markers (rules/markers-*.json)
 * and error findings become typed events (model.h); the transition table
 * (model.c) says what each does to the current session.  This file keeps
 * the evidence the guards read (progress, the slot written and the slot
 * that booted, versions, whether the updater reported success, crash
 * messages before a reset), builds the sessions and their timelines, and
 * gathers boot facts (version, project, chip, reset reason, partitions).
 *
 * Where the model concludes something no single line says (the old image
 * came back; an abnormal reset ended the update; the download stalled), it
 * raises a finding from rules/session.json, so even those diagnoses carry
 * data-defined titles, causes and remedies.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "sanitize.h"
#include "xalloc.h"

static const char *
mcap(const struct match *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->ncaps; i++)
		if (strcmp(m->cap_names[i], name) == 0 && m->cap_values[i][0] != '\0')
			return m->cap_values[i];
	return NULL;
}

static void
set_str(char **dst, const char *v)
{
	if (v == NULL)
		return;
	free(*dst);
	*dst = xstrdup(v);
}

/* The current session (the last one), or NULL. */
static struct session *
cur(const struct analysis *a)
{
	return result_session(a->res, a->cur);
}

int
session_progress(const struct analysis *a)
{
	const struct session *s = cur(a);

	if (s == NULL)
		return 0;
	return s->last_progress < 0 ? 0 : s->last_progress;
}

static void
msess_clear(struct msess *m)
{
	free(m->abn_text);
	free(m->abn_reason);
	memset(m, 0, sizeof(*m));
}

/* --- slots and versions ------------------------------------------------- */

/*
 * A comparable key for a slot as logs name it: a hex offset ("110000"),
 * a label ("ota_0") or an app subtype ("16", from "Next Partition: 16").
 * Labels and subtypes become offsets through the partition table when the
 * log printed it; "off:110000" keys compare, others only to themselves.
 */
static void
slot_key(const struct analysis *a, const char *v, int is_offset, char *out,
    size_t n)
{
	const struct device *d = &a->res->device;
	unsigned long off = 0;
	char *end;
	size_t i;

	out[0] = '\0';
	if (v == NULL || *v == '\0')
		return;
	if (is_offset) {
		off = strtoul(v, &end, 16);
		if (*end == '\0') {
			snprintf(out, n, "off:%lx", off);
			return;
		}
	}
	for (i = 0; i < d->nparts; i++)
		if (strcmp(d->parts[i].label, v) == 0) {
			snprintf(out, n, "off:%lx", d->parts[i].offset);
			return;
		}
	off = strtoul(v, &end, 10);
	if (*end == '\0' && off >= 16 && off < 32) {
		/* an app subtype: ota_N is 16 + N */
		for (i = 0; i < d->nparts; i++)
			if (d->parts[i].type == 0 && d->parts[i].subtype == off) {
				snprintf(out, n, "off:%lx", d->parts[i].offset);
				return;
			}
		snprintf(out, n, "ota:%lu", off - 16);
		return;
	}
	if (strncmp(v, "ota_", 4) == 0 && isdigit((unsigned char)v[4])) {
		snprintf(out, n, "ota:%s", v + 4);
		return;
	}
	snprintf(out, n, "label:%s", v);
}

/* Which image a slot key names, for the current session. */
static enum which_image
which_slot(const struct analysis *a, const char *key)
{
	const char *w = a->sm.slot_written, *b = a->sm.slot_before;

	if (key[0] == '\0' || a->sm.non_app)
		return WI_UNKNOWN;	/* a bootloader or data update: the app
					   slot does not change */
	if (w[0] != '\0') {
		if (strcmp(w, key) == 0)
			return WI_NEW;
		/* another slot of the same notation: not the one written */
		if (strncmp(w, key, 4) == 0)
			return WI_OLD;
	}
	if (b[0] != '\0') {
		if (strcmp(b, key) == 0)
			return WI_OLD;
		if (strncmp(b, key, 4) == 0)
			return WI_NEW;
	}
	return WI_UNKNOWN;
}

static const char *
vnorm(const char *v)
{
	if (v != NULL && (v[0] == 'v' || v[0] == 'V') &&
	    isdigit((unsigned char)v[1]))
		return v + 1;
	return v;
}

static int
veq(const char *x, const char *y)
{
	return x != NULL && y != NULL && strcmp(vnorm(x), vnorm(y)) == 0;
}

static enum which_image
which_version(const struct session *s, const char *v)
{
	if (s == NULL)
		return WI_UNKNOWN;
	if (s->version_to != NULL) {
		if (veq(s->version_to, v))
			return WI_NEW;
		if (s->version_from != NULL && veq(s->version_from, v))
			return WI_OLD;
		return s->version_from != NULL ? WI_NEW : WI_UNKNOWN;
	}
	if (s->version_from != NULL)
		return veq(s->version_from, v) ? WI_OLD : WI_NEW;
	return WI_UNKNOWN;
}

/* --- sessions and timelines ---------------------------------------------- */

/*
 * Keeps memory bounded however many updates an input holds: once more than
 * SESSION_KEEP_HEAD + SESSION_KEEP_TAIL sessions exist, the oldest closed
 * ones after the head are counted in the result's summary (by outcome, and
 * the failed ones by their primary cause as the evidence stands) and freed,
 * SESSION_RETIRE at a time.  Sessions are named by their numbers, so
 * nothing that refers to one changes: a finding of a retired session is
 * known as summarised by its number (result_session_summarised()).
 */
static void
session_retire(struct analysis *a)
{
	struct input_result *r = a->res;
	struct session_summary *sum = &r->summarised;
	const size_t lo = SESSION_KEEP_HEAD, n = r->nsessions;
	size_t i, k;

	if (n < SESSION_KEEP_HEAD + SESSION_KEEP_TAIL + SESSION_RETIRE)
		return;
	if (sum->first_no == 0)
		sum->first_no = r->sessions[lo].no;
	sum->last_no = r->sessions[lo + SESSION_RETIRE - 1].no;
	for (i = lo; i < lo + SESSION_RETIRE; i++) {
		struct session *s = &r->sessions[i];

		if (s->nevents > 0 || s->nseen > 0) {
			const struct finding *p = rank_session_primary(r, s);
			const char *cause = p != NULL ? p->cause : "unknown";

			if (sum->n++ == 0 || s->start_line < sum->first_line)
				sum->first_line = s->start_line;
			if (s->end_line > sum->last_line)
				sum->last_line = s->end_line;
			if ((unsigned)s->outcome <= OUTCOME_NOT_ATTEMPTED)
				sum->by_outcome[s->outcome]++;
			if (s->outcome == OUTCOME_FAILED ||
			    s->outcome == OUTCOME_ROLLED_BACK) {
				for (k = 0; k < sum->ncause &&
				    strcmp(sum->by_cause[k].cause, cause) != 0;
				    k++)
					;
				if (k == sum->ncause) {
					sum->by_cause = xrealloc(sum->by_cause,
					    (k + 1) * sizeof(*sum->by_cause));
					sum->by_cause[k].cause = cause;
					sum->by_cause[k].n = 0;
					sum->ncause++;
				}
				sum->by_cause[k].n++;
			}
			if (s->outcome != OUTCOME_NOT_ATTEMPTED &&
			    s->outcome != OUTCOME_UNKNOWN) {
				sum->last_attempt = s->outcome;
				sum->last_cause = p != NULL ? cause : NULL;
			}
		}
		session_release(s);
	}
	memmove(&r->sessions[lo], &r->sessions[lo + SESSION_RETIRE],
	    (n - lo - SESSION_RETIRE) * sizeof(*r->sessions));
	r->nsessions = n - SESSION_RETIRE;
}

/* snprintf(dst, n, "%s", src) without the format machinery: markers
   copy a label per line of an update's traffic (5 % of analyze on bench's
   log went to snprintf). */
static void
copy_str(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}


static unsigned long
session_open(struct analysis *a, unsigned long line)
{
	struct input_result *r = a->res;
	struct session *s;

	session_retire(a);
	r->sessions = xrealloc(r->sessions, (r->nsessions + 1) *
	    sizeof(*r->sessions));
	s = &r->sessions[r->nsessions];
	memset(s, 0, sizeof(*s));
	s->outcome = OUTCOME_UNKNOWN;
	s->failed_phase = PHASE_IDLE;
	s->start_line = line;
	s->end_line = line;
	s->last_progress = -1;
	s->size = -1;
	s->stall_ms = -1;
	s->progress_ms = -1;
	s->no = ++a->nsessions_opened;
	if (r->device.version != NULL)
		s->version_from = xstrdup(r->device.version);
	r->nsessions++;
	a->cur = s->no;
	msess_clear(&a->sm);
	copy_str(a->sm.slot_before, sizeof(a->sm.slot_before), a->boot_key);
	a->ms = MS_IDLE;
	a->phase = PHASE_IDLE;
	a->verdict_line = 0;
	return a->cur;
}

static struct stage_event *
add_event(struct analysis *a, const struct record *rec, enum stage st,
    int progress, const char *detail)
{
	struct session *s = cur(a);
	struct stage_event *e;

	if (s == NULL)
		return NULL;
	if (rec->lineno > s->end_line)
		s->end_line = rec->lineno;
	/* two markers on one line announce one stage */
	if (s->nevents > 0 && s->events[s->nevents - 1].line == rec->lineno &&
	    s->events[s->nevents - 1].stage == st)
		return NULL;
	/* consecutive progress: keep the first and update the last */
	if (st == STAGE_PROGRESS && s->nevents >= 2 &&
	    s->events[s->nevents - 1].stage == STAGE_PROGRESS &&
	    s->events[s->nevents - 2].stage == STAGE_PROGRESS) {
		e = &s->events[s->nevents - 1];
		free(e->detail);
	} else {
		if (s->nevents >= SESSION_MAX_EVENTS) {
			s->nevents_dropped++;
			return NULL;
		}
		s->events = xrealloc(s->events, (s->nevents + 1) *
		    sizeof(*s->events));
		e = &s->events[s->nevents++];
	}
	e->stage = st;
	e->line = rec->lineno;
	e->dev_ms = rec->dev_ms;
	e->host_ms = rec->host_ms;
	e->progress = progress;
	e->detail = detail != NULL ? sanitize_dup(detail, strlen(detail)) : NULL;
	return e;
}

static int
parse_percent(const char *v)
{
	double d;
	char *end;

	if (v == NULL)
		return -1;
	d = strtod(v, &end);
	if (end == v || d < 0)
		return -1;
	return d > 100 ? 100 : (int)d;
}

/* done of total (> 0) bytes as a percentage, capped at 100 like a printed
   one, -1 for a negative count; device counts can be any size, so no
   product may overflow. */
static int
bytes_percent(long long done, long long total)
{
	if (done < 0)
		return -1;
	if (done >= total)
		return 100;
	if (total <= LLONG_MAX / 100)
		return (int)(done * 100 / total);
	return (int)((double)done * 100 / (double)total);
}

/* --- findings the model raises ----------------------------------------- */

static const struct rule *
session_rule(const struct analysis *a, const char *id)
{
	const struct rule *r = ruleset_find(a->rs, id);

	return r != NULL && r->kind == RULE_KIND_RULE ? r : NULL;
}

static void
synth(struct analysis *a, const char *id, unsigned long line,
    long long dev_ms, long long host_ms, const char *text, const char *k1,
    const char *v1, const char *k2, const char *v2)
{
	const struct rule *r = session_rule(a, id);
	struct capture caps[2];
	size_t n = 0;
	struct finding *f;

	if (r == NULL || a->cur == 0)
		return;
	if (k1 != NULL) {
		caps[n].name = (char *)k1;
		caps[n++].value = (char *)(v1 != NULL ? v1 : "");
	}
	if (k2 != NULL) {
		caps[n].name = (char *)k2;
		caps[n++].value = (char *)(v2 != NULL ? v2 : "");
	}
	f = finding_add(a, r, line, dev_ms, host_ms, text != NULL ? text : "",
	    caps, n, a->cur);
	analysis_emit(a, ANALYSIS_FINDING, f, a->cur, NULL, NULL);
}

/* Does the current session hold an error finding of this class (at or
   after line `from`)? */
static int
session_has(const struct analysis *a, enum cause_class cls, unsigned long from)
{
	const struct session *s = cur(a);
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->nseen; i++) {
		const struct finding *f = s->seen[i];

		if (f->severity == RULE_ERROR && f->last_line >= from &&
		    cause_class(f->cause) == cls)
			return 1;
	}
	return 0;
}

/* Does the current session hold a finding of this rule (at or after line
   `from`)? */
static int
session_has_rule(const struct analysis *a, const char *id, unsigned long from)
{
	const struct session *s = cur(a);
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->nseen; i++)
		if (s->seen[i]->last_line >= from &&
		    strcmp(s->seen[i]->rule->id, id) == 0)
			return 1;
	return 0;
}

/* Does the current session hold any finding? */
static int
session_has_any(const struct analysis *a)
{
	return cur(a) != NULL && cur(a)->nseen > 0;
}

/* The finding for a crash message or abnormal reset, by its kind and by
   whether the new image was already running. */
static const char *
crash_rule(const char *label, enum reset_class rc, int new_image)
{
	int wdt = (label != NULL && strcmp(label, "watchdog") == 0) ||
	    rc == RC_WATCHDOG;
	int bod = (label != NULL && strcmp(label, "brownout") == 0) ||
	    rc == RC_BROWNOUT;

	if (bod)
		return new_image ? "session-brownout-after-update" :
		    "session-reset-brownout";
	if (wdt)
		return new_image ? "session-wdt-after-update" :
		    "session-reset-watchdog";
	if (!new_image && label != NULL && strcmp(label, "stack") == 0)
		return "session-stack-overflow-during-update";
	return new_image ? "session-crash-after-update" :
	    "session-crash-during-update";
}

struct evctx {
	const struct record *rec;
	const char	*reason;	/* ME_RESET: as printed */
	enum reset_class rc;
	const char	*label;		/* ME_CRASH: kind */
	int		 crash_before;
};

static void
raise_effects(struct analysis *a, unsigned eff, enum mstate from,
    const struct evctx *c)
{
	const struct record *rec = c->rec;
	struct session *s = cur(a);
	unsigned long line = rec != NULL ? rec->lineno : s->end_line;
	long long dev = rec != NULL ? rec->dev_ms : -1;
	long long host = rec != NULL ? rec->host_ms : -1;
	const char *text = rec != NULL ? rec->text : "";

	if (s == NULL)
		return;
	if (eff & MF_RAISE_RESET) {
		/* the reset that ended it: this one, or the abnormal reset
		   remembered after the switch */
		const char *reason = c->reason;
		enum reset_class rc = c->rc;
		int crash = c->crash_before;

		if (from == MS_RESTART_ABN && a->sm.abn_line > 0) {
			line = a->sm.abn_line;
			text = a->sm.abn_text;
			reason = a->sm.abn_reason;
			rc = a->sm.abn_class;
			crash = a->sm.abn_crash;
			dev = host = -1;
		}
		if (!session_has(a, CAUSE_CRASH, 0)) {
			if (reset_abnormal(rc) || crash)
				synth(a, crash_rule(crash ? a->crash_label :
				    NULL, rc, 0), line, dev, host, text,
				    "reason", reason != NULL ? reason :
				    reset_class_name(rc), NULL, NULL);
			else
				synth(a, "session-reset-during-update", line,
				    dev, host, text, "reason", reason != NULL ?
				    reason : "unknown", "phase",
				    phase_name(model_phase(from)));
		}
	}
	if ((eff & MF_RAISE_CRASH) &&
	    !session_has(a, CAUSE_CRASH, a->reset_line))
		synth(a, crash_rule(c->label, c->rc, from == MS_NEW ||
		    from == MS_NEW_CRASHED), line, dev, host, text, "reason",
		    c->reason != NULL ? c->reason : c->label != NULL ? c->label :
		    reset_class_name(c->rc), NULL, NULL);
	if ((eff & MF_RAISE_ROLLBACK) && !session_has(a, CAUSE_CRASH, 0) &&
	    !session_has(a, CAUSE_ROLLBACK, 0) &&
	    !session_has(a, CAUSE_MEMORY, 0))
		synth(a, "session-rolled-back", line, dev, host, text,
		    "version", a->res->device.version != NULL ?
		    a->res->device.version : "the previous image", "target",
		    s->version_to != NULL ? s->version_to : "the new image");
	if (eff & MF_RAISE_NOT_TAKEN)
		synth(a, "session-update-not-taken", line, dev, host, text,
		    "running", a->res->device.version != NULL ?
		    a->res->device.version : a->boot_key, NULL, NULL);
	if ((eff & MF_RAISE_STALLED) && s->progress_line > 0 &&
	    s->last_progress < 100) {
		char pct[16], secs[32];
		long long t = a->last_dev_ms;

		snprintf(pct, sizeof(pct), "%d", s->last_progress < 0 ? 0 :
		    s->last_progress);
		if (s->progress_ms >= 0 && t >= s->progress_ms)
			snprintf(secs, sizeof(secs), "%.1f s",
			    (double)(t - s->progress_ms) / 1000);
		else
			snprintf(secs, sizeof(secs), "until the end of the log");
		synth(a, "session-stalled", s->progress_line, -1, -1,
		    "(the log ends while the download is under way)",
		    "progress", pct, "duration", secs);
	}
	if ((eff & MF_RAISE_NO_UPDATE) &&
	    !session_has_rule(a, "session-crash-no-update", a->reset_line))
		synth(a, "session-crash-no-update", line, dev, host, text,
		    "reason", c->label != NULL ? c->label : "panic", NULL, NULL);
	if (eff & MF_COUNT_RESET) {
		char n[16];

		/* the crashed image resets again: a crash loop (once) */
		if (++a->sm.new_resets == 2) {
			snprintf(n, sizeof(n), "%d", a->sm.new_resets);
			synth(a, "session-crash-loop", line, dev, host, text,
			    "reason", c->reason != NULL ? c->reason :
			    reset_class_name(c->rc), "count", n);
		}
	}
}

static int
verdict_outcome(enum outcome o)
{
	return o == OUTCOME_SUCCESS || o == OUTCOME_FAILED ||
	    o == OUTCOME_ROLLED_BACK;
}

/* Enters state `to` (after the effects): outcome, phase, announcements
   (none while a.quiet: the caller announces it later). */
static void
enter(struct analysis *a, enum mstate from, enum mstate to)
{
	struct session *s = cur(a);
	enum outcome o;

	a->ms = to;
	if (s == NULL)
		return;
	if (to == MS_FAILED && from != MS_FAILED) {
		a->sm.failed_phase = model_phase(from);
		s->failed_phase = a->sm.failed_phase;
	}
	if (to == MS_ROLLED_BACK)
		s->failed_phase = model_phase(from);
	a->phase = to == MS_FAILED ? a->sm.failed_phase : model_phase(to);
	if (to == MS_SUCCESS || to == MS_ROLLED_BACK)
		a->took_place = 1;
	if (model_final(to) && !model_final(from))
		a->verdict_line = a->lineno;
	o = model_outcome(to);
	if (o != OUTCOME_UNKNOWN && s->outcome != o) {
		s->outcome = o;
		if (verdict_outcome(o) && !a->quiet)
			analysis_emit(a, ANALYSIS_OUTCOME, NULL, a->cur, NULL, NULL);
	}
}

static void
facts_base(const struct analysis *a, struct mfacts *f, enum mevent ev)
{
	const struct session *s = cur(a);

	memset(f, 0, sizeof(*f));
	f->ev = ev;
	f->complete = a->sm.complete || (s != NULL && s->last_progress >= 100);
	f->progressed = a->sm.progressed;
	f->reported = a->sm.reported;
	f->announced = a->sm.announced;
	f->host = a->sm.host;
	f->fresh = !a->took_place;
	f->same_boot = a->verdict_line > 0 && a->reset_line < a->verdict_line;
	f->hinted = a->hint_line > 0 && a->hint_line >= a->reset_line &&
	    a->hint_line > a->verdict_line;
}

/* The current session's story ends (a new one begins, or the input ends). */
static void
session_close(struct analysis *a, const struct record *rec)
{
	struct mfacts f;
	struct mstep st;
	struct evctx c;
	enum mstate from = a->ms;

	if (a->cur == 0)
		return;
	facts_base(a, &f, ME_END);
	st = model_step(a->ms, &f);
	memset(&c, 0, sizeof(c));
	c.rec = rec;
	raise_effects(a, st.effects, from, &c);
	enter(a, from, st.to);
	if (cur(a)->outcome == OUTCOME_UNKNOWN)
		cur(a)->outcome = OUTCOME_NOT_ATTEMPTED;
}

/*
 * Runs one event through the table.  Returns the transition's effects
 * (MF_OPEN already done: the current session is then the new one).
 */
static unsigned
step(struct analysis *a, const struct mfacts *f, const struct evctx *c)
{
	struct mstep st = model_step(a->ms, f);
	enum mstate from = a->ms;

	if (st.row < 0)
		return 0;
	/* the line that gave the verdict says one thing: its other words
	   (an "OTA failure: reverting" is also a failure) open nothing */
	if ((st.effects & MF_OPEN) && model_final(a->ms) &&
	    a->verdict_line == a->lineno)
		return 0;
	/* a session opened on this very line to hold a warning, with no
	   story yet (the crash's own finding came first): the story is its */
	if ((st.effects & MF_OPEN) && a->ms == MS_IDLE && cur(a) != NULL &&
	    cur(a)->nevents == 0 && c->rec != NULL &&
	    cur(a)->start_line == c->rec->lineno)
		st.effects &= ~MF_OPEN;
	if (st.effects & MF_OPEN) {
		unsigned long old = a->cur;
		const struct session *os;

		/* the story before ends as it would at the end of input:
		   nothing it concludes is on this line.  Its verdict is told
		   once the new story is open, so a listener sees that it is
		   no longer the input's last word. */
		a->quiet = 1;
		session_close(a, NULL);
		a->quiet = 0;
		session_open(a, c->rec != NULL ? c->rec->lineno : a->lineno);
		os = result_session(a->res, old);
		if (os != NULL && verdict_outcome(os->outcome))
			analysis_emit(a, ANALYSIS_OUTCOME, NULL, old, NULL, NULL);
		from = MS_IDLE;
	}
	/* a crash with no update open: a session holds its warning */
	if ((st.effects & MF_RAISE_NO_UPDATE) && a->cur == 0)
		session_open(a, c->rec != NULL ? c->rec->lineno : a->lineno);
	raise_effects(a, st.effects & ~MF_OPEN, from, c);
	enter(a, from, st.to);
	return st.effects;
}

/* --- events from markers ------------------------------------------------- */

static void
note_reset(struct analysis *a, const struct record *rec, const char *reason,
    enum reset_class rc)
{
	struct mfacts f;
	struct evctx c;

	facts_base(a, &f, ME_RESET);
	f.reset = rc;
	f.crash_before = a->crash_line > 0;
	memset(&c, 0, sizeof(c));
	c.rec = rec;
	c.reason = reason;
	c.rc = rc;
	c.crash_before = f.crash_before;
	c.label = a->crash_line > 0 ? a->crash_label : NULL;
	if (a->cur != 0 && (a->ms == MS_SWITCHED || a->ms == MS_RESTARTING) &&
	    model_guard(MG_ABNORMAL, &f)) {
		/* remember it: what boots next decides what it meant */
		a->sm.abn_line = rec->lineno;
		set_str(&a->sm.abn_text, rec->text);
		set_str(&a->sm.abn_reason, reason != NULL ? reason :
		    reset_class_name(rc));
		a->sm.abn_class = rc;
		a->sm.abn_crash = f.crash_before;
	}
	step(a, &f, &c);
	a->boot_host_ms = rec->host_ms;
	a->reset_line = rec->lineno;
	a->crash_line = 0;
	a->crash_label[0] = '\0';
	a->reset_since_version = 1;
	a->res->device.reset_line = rec->lineno;
}

static void
note_version(struct analysis *a, const struct record *rec, const char *v)
{
	struct session *s = cur(a);
	struct mfacts f;
	struct evctx c;
	const char *before = a->res->device.version;

	facts_base(a, &f, ME_VERSION);
	memset(&c, 0, sizeof(c));
	c.rec = rec;
	if (a->ms == MS_IDLE || model_final(a->ms)) {
		/* no update open: a version other than the one before the
		   last reset means the device updated itself */
		f.which = before != NULL && a->reset_since_version &&
		    !veq(before, v) ? WI_NEW : WI_UNKNOWN;
		if (f.which == WI_NEW && a->ms == MS_IDLE) {
			char *from = xstrdup(before);

			step(a, &f, &c);
			if (a->cur != 0) {
				set_str(&cur(a)->version_from, from);
				set_str(&cur(a)->version_to, v);
			}
			free(from);
		}
	} else if (a->ms == MS_CHECKING || a->ms == MS_DOWNLOADING ||
	    a->ms == MS_WRITTEN) {
		/* printed while the update runs: the version it starts from */
		if (s != NULL && s->version_from == NULL)
			set_str(&s->version_from, v);
	} else {
		f.which = which_version(s, v);
		/* the image the boot line showed to be the new one */
		if (f.which == WI_UNKNOWN && (a->ms == MS_NEW ||
		    a->ms == MS_NEW_CRASHED))
			f.which = WI_NEW;
		if (f.which == WI_NEW && s != NULL && s->version_to == NULL)
			set_str(&s->version_to, v);
		step(a, &f, &c);
	}
	set_str(&a->res->device.version, v);
	a->reset_since_version = 0;
}

static enum mevent
stage_event(enum stage st)
{
	switch (st) {
	case STAGE_CHECK:
		return ME_CHECK;
	case STAGE_NO_UPDATE:
		return ME_NO_UPDATE;
	case STAGE_DOWNLOAD_START:
		return ME_START;
	case STAGE_PROGRESS:
		return ME_PROGRESS;
	case STAGE_DOWNLOAD_END:
	case STAGE_VERIFY:
		return ME_WRITTEN;
	case STAGE_SWITCH:
		return ME_SWITCH;
	case STAGE_SUCCESS:
		return ME_SUCCESS;
	case STAGE_RESTART:
		return ME_RESTART;
	case STAGE_PENDING_VERIFY:
		return ME_PENDING;
	case STAGE_VALID:
		return ME_VALID;
	case STAGE_ROLLBACK:
		return ME_ROLLBACK;
	case STAGE_FAILED:
		return ME_FAILED;
	case STAGE_CRASH:
		return ME_CRASH;
	default:
		return ME_MAX;
	}
}

static void
timeline(struct analysis *a, const struct record *rec, enum stage st,
    int prog, const char *detail)
{
	struct stage_event *ev;

	if (a->cur == 0)
		return;
	ev = add_event(a, rec, st, prog, detail[0] != '\0' ? detail : NULL);
	if (ev != NULL)
		analysis_emit(a, ANALYSIS_STAGE, NULL, a->cur, ev, NULL);
}

void
session_marker(struct analysis *a, const struct record *rec,
    const struct match *m)
{
	const struct rule *r = m->rule;
	struct session *s;
	struct mfacts f;
	struct evctx c;
	const char *v;
	char detail[256], key[40];
	int prog = -1;
	enum mevent ev;

	if (a->node >= 0)
		return;		/* job records have nodes, not sessions */
	/* the host's view (espota, an IDE uploader) is not the device's */
	if (rec->fmt == RECORD_ESPOTA && r->stage == STAGE_ACTIVITY)
		return;
	detail[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.rec = rec;
	switch (r->stage) {
	case STAGE_RESET:
		v = mcap(m, "reason");
		if (v == NULL && (v = mcap(m, "code")) != NULL) {
			const struct code_entry *ce = code_table_lookup(
			    ruleset_find_table(a->rs, "reset_reason"), v);

			if (ce != NULL)
				v = ce->name;
		}
		if (v != NULL) {
			set_str(&a->res->device.reset_reason, v);
			copy_str(detail, sizeof(detail), v);
		}
		timeline(a, rec, STAGE_RESET, -1, detail);
		note_reset(a, rec, v, reset_class_of(v));
		return;
	case STAGE_BOOT:
		if ((v = mcap(m, "offset")) != NULL)
			slot_key(a, v, 1, key, sizeof(key));
		else if ((v = mcap(m, "partition")) != NULL)
			slot_key(a, v, 0, key, sizeof(key));
		else
			key[0] = '\0';
		if (v != NULL) {
			set_str(&a->res->device.boot_partition, v);
			copy_str(detail, sizeof(detail), v);
		}
		/* the log lost the reset before this boot */
		if (a->ms == MS_DOWNLOADING || a->ms == MS_WRITTEN ||
		    a->ms == MS_SWITCHED || a->ms == MS_CHECKING)
			note_reset(a, rec, NULL, RC_UNKNOWN);
		timeline(a, rec, STAGE_BOOT, -1, detail);
		facts_base(a, &f, ME_BOOT);
		f.which = which_slot(a, key);
		/* after the switch and a clean restart, an image the log cannot
		   place is the one the switch chose */
		if (f.which == WI_UNKNOWN && a->sm.switched &&
		    a->ms == MS_RESTARTING)
			f.which = WI_NEW;
		step(a, &f, &c);
		copy_str(a->boot_key, sizeof(a->boot_key), key);
		return;
	case STAGE_APP_INFO:
		if ((v = mcap(m, "project")) != NULL)
			set_str(&a->res->device.project, v);
		if ((v = mcap(m, "idf")) != NULL)
			set_str(&a->res->device.idf_version, v);
		if ((v = mcap(m, "chip")) != NULL)
			set_str(&a->res->device.chip, v);
		if ((v = mcap(m, "version")) != NULL) {
			snprintf(detail, sizeof(detail), "running %s", v);
			note_version(a, rec, v);
			timeline(a, rec, STAGE_APP_INFO, -1, detail);
		}
		return;
	case STAGE_CRASH:
		if (a->crash_line == 0) {
			a->crash_line = rec->lineno;
			copy_str(a->crash_label, sizeof(a->crash_label),
			    r->label != NULL ? r->label : "panic");
		}
		c.label = r->label != NULL ? r->label : "panic";
		c.reason = c.label;
		facts_base(a, &f, ME_CRASH);
		step(a, &f, &c);
		copy_str(detail, sizeof(detail), c.label);
		timeline(a, rec, STAGE_CRASH, -1, detail);
		return;
	case STAGE_UPDATE_HINT:
		/* evidence the guards read; no stage of a session */
		a->hint_line = rec->lineno;
		return;
	case STAGE_ACTIVITY:
		/* only interesting while an update is under way */
		if (a->cur == 0 || a->ms != MS_DOWNLOADING)
			return;
		copy_str(detail, sizeof(detail), r->label != NULL ?
		    r->label : "activity");
		timeline(a, rec, STAGE_ACTIVITY, -1, detail);
		return;
	case STAGE_REPORT:
		if ((v = mcap(m, "status")) != NULL)
			copy_str(detail, sizeof(detail), v);
		timeline(a, rec, STAGE_REPORT, -1, detail);
		return;
	default:
		break;
	}
	ev = stage_event(r->stage);
	if (ev == ME_MAX)
		return;
	facts_base(a, &f, ev);
	if (ev == ME_PROGRESS) {
		if ((v = mcap(m, "progress")) != NULL)
			prog = parse_percent(v);
		else if (mcap(m, "done") != NULL) {
			long long done = strtoll(mcap(m, "done"), NULL, 10);
			long long total = mcap(m, "total") != NULL ?
			    strtoll(mcap(m, "total"), NULL, 10) : -1;

			if (total <= 0 && a->cur != 0)
				total = cur(a)->size;
			if (total > 0)
				prog = bytes_percent(done, total);
			else if (done > 0)
				f.progressed = 1;
		}
		s = cur(a);
		f.went_back = s != NULL && prog >= 0 && s->last_progress >= 0 &&
		    prog < s->last_progress;
	}
	if (ev == ME_RESTART && a->crash_line > 0)
		return;		/* "Rebooting..." after a panic: the crash's */
	step(a, &f, &c);
	s = cur(a);
	if (s == NULL)
		return;
	if (rec->fmt == RECORD_ESPOTA)
		a->sm.host = 1;
	/* the evidence this event adds to the session */
	switch (ev) {
	case ME_CHECK:
		if ((v = mcap(m, "version")) != NULL) {
			set_str(&s->version_to, v);
			snprintf(detail, sizeof(detail), "offered %s", v);
		}
		if ((v = mcap(m, "url")) != NULL)
			set_str(&s->url, v);
		break;
	case ME_START:
		if (r->label != NULL && strcmp(r->label, "non-app") == 0)
			a->sm.non_app = 1;
		if ((v = mcap(m, "size")) != NULL) {
			s->size = strtoll(v, NULL, 10);
			snprintf(detail, sizeof(detail), "%s bytes", v);
		}
		if ((v = mcap(m, "url")) != NULL)
			set_str(&s->url, v);
		if ((v = mcap(m, "version")) != NULL)
			set_str(&s->version_to, v);
		key[0] = '\0';
		if ((v = mcap(m, "offset")) != NULL ||
		    (v = mcap(m, "offset2")) != NULL)
			slot_key(a, v, 1, key, sizeof(key));
		else if ((v = mcap(m, "partition")) != NULL ||
		    (v = mcap(m, "subtype")) != NULL)
			slot_key(a, v, 0, key, sizeof(key));
		if (key[0] != '\0')
			snprintf(a->sm.slot_written, sizeof(a->sm.slot_written),
			    "%s", key);
		if (v != NULL) {
			size_t l = strlen(detail);

			snprintf(detail + l, sizeof(detail) - l, "%sto %s",
			    l > 0 ? " " : "", v);
		}
		break;
	case ME_PROGRESS:
		if (prog >= 0) {
			long long t = analysis_time(a, rec);

			if (prog != s->last_progress) {
				s->last_progress = prog;
				s->progress_line = rec->lineno;
				s->progress_ms = t;
			}
			if (prog > 0)
				a->sm.progressed = 1;
			if (prog >= 100)
				a->sm.complete = 1;
			snprintf(detail, sizeof(detail), "%d%%", prog);
		} else if (f.progressed)
			a->sm.progressed = 1;
		break;
	case ME_WRITTEN:
		a->sm.complete = 1;
		a->sm.progressed = 1;
		if (s->last_progress < 100 && r->stage == STAGE_DOWNLOAD_END)
			s->last_progress = 100;
		break;
	case ME_SWITCH:
	case ME_SUCCESS:
		if (ev == ME_SUCCESS)
			a->sm.reported = 1;
		if (r->label != NULL && strcmp(r->label, "non-app") == 0)
			a->sm.non_app = 1;
		a->sm.switched = 1;
		a->sm.complete = 1;
		a->sm.progressed = 1;
		if (s->outcome != OUTCOME_FAILED)
			s->last_progress = 100;
		if ((v = mcap(m, "partition")) != NULL) {
			copy_str(detail, sizeof(detail), v);
			if (a->sm.slot_written[0] == '\0')
				slot_key(a, v, 0, a->sm.slot_written,
				    sizeof(a->sm.slot_written));
		}
		break;
	case ME_RESTART:
		a->sm.announced = 1;
		if (a->ms == MS_SWITCHED)
			a->sm.switched = 1;
		break;
	case ME_ROLLBACK:
		if ((v = mcap(m, "version")) != NULL)
			snprintf(detail, sizeof(detail), "invalid %s", v);
		break;
	case ME_NO_UPDATE:
		/* why nothing was attempted, when nothing else says it */
		if (a->ms == MS_NOT_ATTEMPTED && !session_has_any(a))
			synth(a, "session-no-update", rec->lineno, rec->dev_ms,
			    rec->host_ms, rec->text, "version",
			    s->version_from != NULL ? s->version_from :
			    "the running version", NULL, NULL);
		break;
	default:
		break;
	}
	timeline(a, rec, r->stage, prog, detail);
}

/* --- events from findings -------------------------------------------------- */

unsigned long
session_error(struct analysis *a, const struct record *rec,
    const char *cause, int *benign, int *fire)
{
	struct mfacts f;
	struct evctx c;
	unsigned eff;
	enum cause_class cls = cause_class(cause);
	struct session *s;

	*benign = 0;
	*fire = 0;
	/* a job record belongs to a node, not to a session of a log */
	if (a->node >= 0)
		return 0;
	facts_base(a, &f, ME_ERROR);
	f.cls = cls;
	memset(&c, 0, sizeof(c));
	c.rec = rec;
	if (cls == CAUSE_CRASH && a->crash_line == 0) {
		/* its reset is a crash's, whatever the ROM calls it */
		a->crash_line = rec->lineno;
		copy_str(a->crash_label, sizeof(a->crash_label),
		    strcmp(cause, "watchdog") == 0 ? "watchdog" :
		    strcmp(cause, "brownout") == 0 ? "brownout" : "panic");
	}
	if (a->cur != 0 && model_final(a->ms) && rec->lineno == a->verdict_line)
		return a->cur;	/* evidence on the line that gave the verdict */
	eff = step(a, &f, &c);
	if (eff & MF_BENIGN) {
		*benign = 1;
		return 0;
	}
	*fire = (eff & MF_FIRE) != 0;
	if ((s = cur(a)) != NULL && rec->lineno > s->end_line)
		s->end_line = rec->lineno;
	return a->cur;
}

unsigned long
session_attach(struct analysis *a, unsigned long line)
{
	if (a->cur == 0)
		session_open(a, line);
	return a->cur;
}

void
session_unseen_reset(struct analysis *a, const struct record *rec)
{
	timeline(a, rec, STAGE_RESET, -1, "restart (device time started over)");
	note_reset(a, rec, "unknown (the log has no reset line)", RC_UNKNOWN);
}

/* "I (83) boot:  0 nvs  WiFi data  01 02 00009000 00004000" */
int
session_partition_candidate(const struct record *rec)
{
	return rec->fmt == RECORD_IDF && strncmp(rec->tag, "boot", 4) == 0;
}

void
session_partition_row(struct analysis *a, const struct record *rec)
{
	struct device *d = &a->res->device;
	const char *s = rec->msg;
	char label[32], usage[32];
	unsigned idx, type, sub;
	unsigned long off, size;
	const char *p;
	size_t n, i;
	char tail[64];

	if (!session_partition_candidate(rec))
		return;
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return;
	n = strlen(s);
	if (n < 30)
		return;
	/* the last four fields are fixed-width hex */
	p = s + n;
	for (i = 0; i < 4; i++) {
		while (p > s && p[-1] != ' ')
			p--;
		if (p > s)
			p--;
		while (p > s && p[-1] == ' ')
			p--;
	}
	if (sscanf(s, "%u %31s", &idx, label) != 2)
		return;
	if (sscanf(p, " %x %x %lx %lx%63s", &type, &sub, &off, &size, tail) != 4)
		return;
	{
		/* usage: between the label and the hex fields */
		const char *u = strstr(s, label);
		size_t ul;

		if (u == NULL)
			return;
		u += strlen(label);
		while (*u == ' ')
			u++;
		if (u > p)
			return;		/* the label runs into the hex fields */
		ul = (size_t)(p - u);
		while (ul > 0 && u[ul - 1] == ' ')
			ul--;
		if (ul >= sizeof(usage))
			ul = sizeof(usage) - 1;
		memcpy(usage, u, ul);
		usage[ul] = '\0';
	}
	if (idx == 0 && d->nparts > 0) {
		/* a new table (another boot): start over */
		for (i = 0; i < d->nparts; i++) {
			free(d->parts[i].label);
			free(d->parts[i].usage);
		}
		d->nparts = 0;
	}
	if (d->nparts >= 96)
		return;
	d->parts = xrealloc(d->parts, (d->nparts + 1) * sizeof(*d->parts));
	d->parts[d->nparts].label = xstrdup(label);
	d->parts[d->nparts].usage = xstrdup(usage);
	d->parts[d->nparts].type = type;
	d->parts[d->nparts].subtype = sub;
	d->parts[d->nparts].offset = off;
	d->parts[d->nparts].size = size;
	d->nparts++;
}

void
session_finish_all(struct analysis *a)
{
	struct input_result *r = a->res;
	size_t i;

	session_close(a, NULL);
	msess_clear(&a->sm);
	if (r->summarised.n > 0)
		analysis_note(a, r->summarised.first_line, "%zu updates between "
		    "lines %lu and %lu are counted, not listed (the first %d "
		    "and the last %d are): %zu failed or rolled back, %zu "
		    "succeeded", r->summarised.n, r->summarised.first_line,
		    r->summarised.last_line, SESSION_KEEP_HEAD,
		    SESSION_KEEP_TAIL, r->summarised.by_outcome[OUTCOME_FAILED] +
		    r->summarised.by_outcome[OUTCOME_ROLLED_BACK],
		    r->summarised.by_outcome[OUTCOME_SUCCESS]);
	/* sessions with nothing in them (a lone marker) are dropped */
	{
		size_t j = 0;

		for (i = 0; i < r->nsessions; i++) {
			struct session *s = &r->sessions[i];
			/* evidence of a finding, even one first seen in an
			   earlier session, makes a session */
			if (s->nevents == 0 && s->nseen == 0) {
				session_release(s);
				continue;
			}
			if (i != j)
				r->sessions[j] = *s;
			j++;
		}
		r->nsessions = j;
	}
	/* stall time: from the last progress change to the failure/end */
	for (i = 0; i < r->nsessions; i++) {
		struct session *s = &r->sessions[i];

		if (s->progress_ms >= 0 && s->outcome != OUTCOME_SUCCESS &&
		    s->last_progress >= 0 && s->last_progress < 100) {
			long long end = -1;
			size_t k;

			for (k = 0; k < s->nseen; k++) {
				const struct finding *f = s->seen[k];

				if (f->session == s->no &&
				    f->severity == RULE_ERROR) {
					end = f->dev_ms >= 0 ? f->dev_ms :
					    f->host_ms;
					break;
				}
			}
			if (end < 0 && i + 1 == r->nsessions)
				end = a->last_dev_ms;
			s->stall_ms = end >= s->progress_ms ? end -
			    s->progress_ms : -1;
		} else
			s->stall_ms = -1;
	}
}
