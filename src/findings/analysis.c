/* SPDX-License-Identifier: Apache-2.0 */
/*
 * analysis: one input, from bytes to a ranked diagnosis (see analysis.h).
 *
 * Per line: split, normalise, match.  Marker hits drive the session model
 * (session.c); rule hits become candidate findings, checked against their
 * context conditions (some wait for an "after" window), then merged with
 * earlier findings of the same rule and message.  At the end the ranking
 * (rank.c) picks each session's root cause and links consequences.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "analysis_int.h"
#include "linesplit.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

#define MAX_NOTES 50

struct analysis *
analysis_new(const struct ruleset *rs, struct matcher *m, const char *path,
    const struct analysis_opts *opts)
{
	struct analysis *a = xcalloc(1, sizeof(*a));
	size_t i;

	a->rs = rs;
	a->m = m;
	if (opts != NULL)
		a->opts = *opts;
	a->ls = linesplit_new(a->opts.max_line);
	a->parser = record_parser_new();
	a->res = xcalloc(1, sizeof(*a->res));
	a->res->path = xstrdup(path);
	a->res->format = "log";
	a->res->job_age_s = -1;
	a->node = -1;
	a->last_dev_ms = -1;
	a->prev_dev_ms = -1;
	a->boot_host_ms = -1;
	a->rule_hits = xcalloc(ruleset_count(rs) + 1, sizeof(*a->rule_hits));
	/* crash stacks: decoded with --elf, or as a monitor decoded them */
	a->frames = frames_new(a->opts.elfs, a->opts.nelfs);
	a->cd = coredump_new(a->opts.coredump_dir, path);
	for (i = 0; i < ruleset_count(rs); i++) {
		const struct rule *r = ruleset_get(rs, i);

		if (r->form != RULE_FORM_STAGE || r->trigger < 0 ||
		    r->trigger >= STAGE_MAX)
			continue;
		a->trig[r->trigger] = xrealloc(a->trig[r->trigger],
		    (a->ntrig[r->trigger] + 1) * sizeof(*a->trig[0]));
		a->trig[r->trigger][a->ntrig[r->trigger]++] = r;
	}
	return a;
}

void
analysis_free(struct analysis *a)
{
	size_t i;

	if (a == NULL)
		return;
	linesplit_free(a->ls);
	record_parser_free(a->parser);
	result_free(a->res);
	for (i = 0; i < a->npending; i++)
		pending_release(&a->pending[i]);
	free(a->pending);
	for (i = 0; i < a->nevents && i < EVENT_RING; i++)
		free(a->events[i].label);
	free(a->rule_hits);
	frames_free(a->frames);
	coredump_free(a->cd);
	free(a->limits);
	for (i = 0; i < STAGE_MAX; i++)
		free(a->trig[i]);
	free(a);
}

void
analysis_set_listener(struct analysis *a, analysis_fn fn, void *ctx)
{
	a->fn = fn;
	a->fn_ctx = ctx;
}

void
analysis_emit(struct analysis *a, enum analysis_event_kind kind,
    const struct finding *finding, unsigned long session,
    const struct stage_event *st, const struct note *note)
{
	struct analysis_event ev;

	if (a->fn == NULL)
		return;
	ev.kind = kind;
	ev.result = a->res;
	ev.finding = finding;
	ev.session = session;
	ev.stage = st;
	ev.note = note;
	a->fn(a->fn_ctx, &ev);
}

void
analysis_note(struct analysis *a, unsigned long line, const char *fmt, ...)
{
	struct input_result *r = a->res;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (r->nnotes >= MAX_NOTES) {
		a->notes_dropped++;
		return;
	}
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof(*r->notes));
	r->notes[r->nnotes].line = line;
	r->notes[r->nnotes].text = strbuf_detach(&sb);
	r->nnotes++;
	analysis_emit(a, ANALYSIS_NOTE, NULL, a->cur, NULL,
	    &r->notes[r->nnotes - 1]);
}

/* The best clock of a record, in ms: device time, else host time. */
long long
analysis_time(const struct analysis *a, const struct record *rec)
{
	(void)a;
	if (rec->dev_ms >= 0)
		return rec->dev_ms;
	return rec->host_ms;
}

/* Device uptime at rec, -1 if unknown. */
long long
analysis_uptime(const struct analysis *a, const struct record *rec)
{
	if (rec->dev_ms >= 0 && (rec->fmt == RECORD_IDF ||
	    rec->fmt == RECORD_ARDUINO))
		return rec->dev_ms;
	if (rec->host_ms >= 0 && a->boot_host_ms >= 0 &&
	    rec->host_ms >= a->boot_host_ms)
		return rec->host_ms - a->boot_host_ms;
	return -1;
}

static void
noise_flush(struct analysis *a)
{
	if (a->noise_lines >= 2)
		analysis_note(a, a->noise_start,
		    "lines %lu-%lu (%lu lines) look like binary noise: check the "
		    "baud rate (ESP32 apps and ROM: 115200; ESP8266 ROM: 74880)",
		    a->noise_start, a->noise_start + a->noise_lines - 1,
		    a->noise_lines);
	else if (a->noise_lines == 1 && a->noise_bytes >= 32)
		analysis_note(a, a->noise_start,
		    "line %lu looks like binary noise: check the baud rate "
		    "(ESP32 apps and ROM: 115200; ESP8266 ROM: 74880)",
		    a->noise_start);
	a->noise_lines = 0;
	a->noise_bytes = 0;
}

/*
 * A rule hit a PCRE2 limit on this line: it did not match this line, and
 * only this line (it is tried on every other one).  The first hit of a
 * rule in an input is a note at once (the monitor shows it live); later
 * ones are counted into it by limit_notes() at the end.
 */
static void
limit_hit(struct analysis *a, const struct rule *r, unsigned long line)
{
	struct limit_hits *l;
	size_t i;

	for (i = 0; i < a->nlimits; i++)
		if (a->limits[i].rule == r) {
			a->limits[i].last = line;
			a->limits[i].count++;
			return;
		}
	a->limits = xrealloc(a->limits, (a->nlimits + 1) * sizeof(*a->limits));
	l = &a->limits[a->nlimits++];
	l->rule = r;
	l->first = l->last = line;
	l->count = 1;
	l->note = (size_t)-1;
	if (a->res->nnotes < MAX_NOTES)
		l->note = a->res->nnotes;
	analysis_note(a, line, "rule '%s' hit the PCRE2 match limit on line "
	    "%lu: it did not match that line (it is still tried on every other "
	    "line)", r->id, line);
}

static void
limit_notes(struct analysis *a)
{
	size_t i;

	for (i = 0; i < a->nlimits; i++) {
		struct limit_hits *l = &a->limits[i];

		if (l->count < 2 || l->note == (size_t)-1)
			continue;
		free(a->res->notes[l->note].text);
		a->res->notes[l->note].text = xasprintf("rule '%s' hit the "
		    "PCRE2 match limit on %lu lines (first %lu, last %lu): it "
		    "did not match those lines (it was tried on every other "
		    "line)", l->rule->id, l->count, l->first, l->last);
	}
}

/*
 * ms-since-boot starting over without a reset line in between: the device
 * restarted and the log lost its ROM lines (a monitor reconnecting, a
 * paste).  Tasks print slightly out of order by a few ms, so only a fall
 * back by seconds, to less than half the time before and into the first
 * seconds, counts.
 */
static int
unseen_reset(const struct analysis *a, const struct record *rec)
{
	return rec->dev_ms >= 0 && a->last_dev_ms >= 0 &&
	    rec->dev_ms < 15000 && a->last_dev_ms > rec->dev_ms + 3000 &&
	    rec->dev_ms < a->last_dev_ms / 2 &&
	    /* not one odd value: the time before it carries on */
	    !(a->prev_dev_ms >= 0 && rec->dev_ms + 1000 >= a->prev_dev_ms) &&
	    a->res->device.reset_line <= a->last_dev_line &&
	    (rec->fmt == RECORD_IDF || rec->fmt == RECORD_ARDUINO);
}

/* The device clock of every line: what unseen_reset() compares with. */
static void
dev_clock(struct analysis *a, const struct record *rec)
{
	if (rec->dev_ms < 0)
		return;
	a->prev_dev_ms = a->last_dev_ms;
	a->last_dev_ms = rec->dev_ms;
	a->last_dev_line = rec->lineno;
}

/*
 * A line no needle hits (no candidate rule, no crash signal) changes only
 * the clocks, the noise run and the pending windows, unless it is one of
 * the few lines the state below reads in full: noise, a cut line, a line
 * inside a crash block or core dump, a restart seen in the clock, a row
 * of the bootloader's partition table (session_partition_row: IDF lines
 * tagged "boot").  Such a quiet line is not copied or split into fields
 * (record_finish) nor matched; the result is the same (the slow path,
 * opts.slow_lines, takes every line in full, and a test compares both on
 * every fixture).
 */
static int
quiet_line(const struct analysis *a, const struct record *rec)
{
	return !(rec->flags & (RECORD_NOISE | RECORD_TRUNCATED)) &&
	    !frames_busy(a->frames) && !coredump_busy(a->cd) &&
	    !session_partition_candidate(rec) &&
	    !unseen_reset(a, rec);
}

/* process_record() of a quiet line: what is left of it. */
static void
process_quiet(struct analysis *a, const struct record *rec)
{
	if (a->noise_lines > 0)
		noise_flush(a);
	dev_clock(a, rec);
	a->node = rec->node;
	pending_tick(a, rec);
}

/* sig: matcher_prefilter()'s signals for rec, whose pass matcher_run()
   reuses. */
static void
process_record(struct analysis *a, const struct record *rec, unsigned sig)
{
	size_t i;

	if (rec->flags & RECORD_NOISE) {
		if (a->noise_lines == 0)
			a->noise_start = rec->lineno;
		a->noise_lines++;
		a->noise_bytes += strlen(rec->text);
		return;
	}
	if (a->noise_lines > 0)
		noise_flush(a);
	if (rec->flags & RECORD_TRUNCATED)
		analysis_note(a, rec->lineno,
		    "line %lu is longer than %zu bytes: cut, the rest ignored",
		    rec->lineno, a->opts.max_line > 0 ? a->opts.max_line :
		    (size_t)LINESPLIT_DEFAULT_MAX);
	if (unseen_reset(a, rec))
		session_unseen_reset(a, rec);
	dev_clock(a, rec);
	a->node = rec->node;
	/* the crash parsers see a line the prefilter says may be theirs, or
	   every line while a crash block or a core dump is open: any other
	   line is nothing to them (bt_needles, coredump_needle) */
	if (rec->fmt != RECORD_JOB && ((sig & MATCHER_SIG_CRASH) ||
	    frames_busy(a->frames) ||
	    coredump_busy(a->cd))) {
		unsigned long cl = 0;
		char *t;

		frames_feed(a->frames, rec->lineno, rec->text);
		if ((t = coredump_feed(a->cd, rec->lineno, rec->text, &cl)) !=
		    NULL) {
			/* with --elf, the crashed task of an ELF core dump */
			char *s = frames_coredump(a->frames,
			    coredump_crash(a->cd));

			analysis_note(a, cl, "line %lu: %s%s%s", cl, t,
			    s != NULL ? "; " : "", s != NULL ? s : "");
			free(s);
			free(t);
		}
	}
	pending_tick(a, rec);
	session_partition_row(a, rec);
	matcher_run(a->m, rec, analysis_on_match, a);
	for (i = 0; i < matcher_nlimited(a->m); i++)
		limit_hit(a, matcher_limited(a->m, i), rec->lineno);
}

static int
on_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct analysis *a = ctx;
	struct record rec;
	const char *text;
	size_t n;
	unsigned sig;
	int any;

	if (a->stopped)
		return 0;
	a->lineno++;
	a->res->nlines = a->lineno;
	record_scan(a->parser, a->lineno, line, len,
	    (flags & LINESPLIT_TRUNCATED) ? RECORD_TRUNCATED : 0, &rec);
	if (a->opts.slow_lines) {
		/* every line in full, as before the quiet path: the
		   reference the tests compare it with */
		record_finish(a->parser, &rec);
		process_record(a, &rec, matcher_prefilter(a->m, &rec));
		return 0;
	}
	/* the needles on the text as it lies (no copy), and the full
	   record only for a line that needs it */
	record_text(a->parser, &text, &n);
	sig = matcher_prefilter_text(a->m, rec.lineno, text, n, &any);
	if (!any && sig == 0 && quiet_line(a, &rec)) {
		process_quiet(a, &rec);
		return 0;
	}
	record_finish(a->parser, &rec);
	process_record(a, &rec, sig);
	return 0;
}

void
analysis_feed(struct analysis *a, const char *buf, size_t n)
{
	if (a->finished)
		return;
	a->res->nbytes += n;
	linesplit_feed(a->ls, buf, n, on_line, a);
}

void
analysis_feed_line(struct analysis *a, const char *line, size_t len,
    unsigned flags)
{
	if (a->finished)
		return;
	a->res->nbytes += len + 1;
	on_line(a, line, len, flags);
}

void
analysis_feed_record(struct analysis *a, const struct record *rec)
{
	if (a->finished)
		return;
	if (rec->lineno > a->lineno) {
		a->lineno = rec->lineno;
		a->res->nlines = rec->lineno;
	}
	process_record(a, rec, matcher_prefilter(a->m, rec));
}

void
analysis_mark_gap(struct analysis *a, const char *why)
{
	linesplit_flush(a->ls, on_line, a);
	analysis_note(a, a->lineno + 1, "gap in the stream after line %lu: %s",
	    a->lineno, why);
}

static size_t
node_cap(size_t n)
{
	size_t c = 8;

	while (c < n)
		c *= 2;
	return c;
}

void
analysis_set_job(struct analysis *a, const char *format, const char *job_id,
    const struct job_node *nodes, size_t nnodes)
{
	struct input_result *r = a->res;
	size_t i;

	r->kind = INPUT_JOB;
	r->format = format;
	free(r->job_id);
	r->job_id = job_id != NULL ? xstrdup(job_id) : NULL;
	/* capacity in powers of two: a job is added a node at a time */
	if (r->nodes == NULL || node_cap(r->nnodes + 1) <
	    r->nnodes + nnodes + 1)
		r->nodes = xrealloc(r->nodes, node_cap(r->nnodes + nnodes + 1) *
		    sizeof(*r->nodes));
	for (i = 0; i < nnodes; i++) {
		struct job_node *d = &r->nodes[r->nnodes + i];
		const struct job_node *s = &nodes[i];

		*d = *s;
		d->node_id = xstrdup(s->node_id != NULL ? s->node_id : "");
		d->status = xstrdup(s->status != NULL ? s->status : "");
		d->info = s->info != NULL ? xstrdup(s->info) : NULL;
		d->timestamp = s->timestamp != NULL ? xstrdup(s->timestamp) : NULL;
		d->log_path = s->log_path != NULL ? xstrdup(s->log_path) : NULL;
		d->primary = NULL;
	}
	r->nnodes += nnodes;
}

int
analysis_raise(struct analysis *a, const char *rule_id, unsigned long line,
    const char *text, const struct capture *caps, size_t ncaps)
{
	const struct rule *r = ruleset_find(a->rs, rule_id);

	if (r == NULL || r->kind != RULE_KIND_RULE || a->finished)
		return -1;
	if (line > a->lineno) {
		a->lineno = line;
		a->res->nlines = line;
	}
	finding_add(a, r, line, -1, -1, text, caps, ncaps, 0);
	return 0;
}

void
analysis_set_image(struct analysis *a, const char *format)
{
	a->res->kind = INPUT_IMAGE;
	a->res->format = format;
}

void
analysis_stop(struct analysis *a)
{
	a->stopped = 1;
}

void
analysis_set_error(struct analysis *a, const char *text)
{
	a->res->error = 1;
	free(a->res->error_text);
	a->res->error_text = sanitize_dup(text, strlen(text));
}

void
analysis_finish(struct analysis *a)
{
	size_t i;

	if (a->finished)
		return;
	linesplit_flush(a->ls, on_line, a);
	if (a->noise_lines > 0)
		noise_flush(a);
	{
		unsigned long cl = 0;
		char *t = coredump_finish(a->cd, &cl);

		if (t != NULL) {
			analysis_note(a, cl, "line %lu: %s", cl, t);
			free(t);
		}
	}
	for (i = 0; i < a->npending; i++)
		pending_resolve(a, &a->pending[i], 1);
	for (i = 0; i < a->npending; i++)
		pending_release(&a->pending[i]);
	a->npending = 0;
	a->finished = 1;
	session_finish_all(a);
	rank_findings(a);
	if (a->frames != NULL) {
		frames_attach(a->frames, a->res);
		hits_refine_frames(a);
	}
	limit_notes(a);
	if (a->notes_dropped > 0) {
		struct input_result *r = a->res;

		r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof(*r->notes));
		r->notes[r->nnotes].line = 0;
		r->notes[r->nnotes].text = xasprintf("%zu more notes not shown",
		    a->notes_dropped);
		r->nnotes++;
	}
}

const struct input_result *
analysis_result(const struct analysis *a)
{
	return a->res;
}

struct input_result *
analysis_take_result(struct analysis *a)
{
	struct input_result *r = a->res;

	a->res = xcalloc(1, sizeof(*a->res));
	a->res->path = xstrdup(r->path);
	a->nlimits = 0;		/* their notes went with r */
	a->cur = 0;		/* its sessions went with r too */
	return r;
}
