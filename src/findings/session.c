/*
 * session: the OTA session model.  Markers (rules/markers-*.json) announce
 * stages; this file turns them into sessions with phases and outcomes, and
 * gathers boot facts (version, project, chip, reset reason, partitions).
 *
 * Where the model itself concludes something no single line says (the old
 * version came back after the new image booted; the device reset in the
 * middle of a download; a download stalled), it raises a finding from a
 * rule of rules/session.json, so even those diagnoses carry data-defined
 * titles, causes and remedies.
 */
#include <ctype.h>
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

static struct session *
cur(struct analysis *a)
{
	return a->cur >= 0 ? &a->res->sessions[a->cur] : NULL;
}

static void finalize(struct analysis *a);

static int
session_new(struct analysis *a, unsigned long line)
{
	struct input_result *r = a->res;
	struct session *s;

	if (a->cur >= 0)
		finalize(a);
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
	s->primary = -1;
	if (r->device.version != NULL)
		s->version_from = xstrdup(r->device.version);
	a->cur = (int)r->nsessions++;
	a->phase = PHASE_IDLE;
	a->resets_in_new = 0;
	return a->cur;
}

/* Is the current session over (a new update would start a new one)? */
static int
session_closed(const struct analysis *a)
{
	const struct session *s;

	if (a->cur < 0)
		return 1;
	s = &a->res->sessions[a->cur];
	if (s->outcome == OUTCOME_FAILED && a->phase != PHASE_BOOTING_NEW)
		return 1;
	return a->phase == PHASE_VALIDATED || a->phase == PHASE_ROLLED_BACK ||
	    s->outcome == OUTCOME_NOT_ATTEMPTED;
}

int
session_progress(const struct analysis *a)
{
	const struct session *s;

	if (a->cur < 0)
		return 0;
	s = &a->res->sessions[a->cur];
	return s->last_progress < 0 ? 0 : s->last_progress;
}

static struct stage_event *
add_event(struct analysis *a, const struct record *rec, enum stage st,
    int progress, const char *detail)
{
	struct session *s = cur(a);
	struct stage_event *e;
	long long t = analysis_time(a, rec);

	if (s == NULL)
		return NULL;
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
	(void)t;
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

static void
set_outcome(struct analysis *a, enum outcome o)
{
	struct session *s = cur(a);

	if (s == NULL || s->outcome == o)
		return;
	s->outcome = o;
	if (o == OUTCOME_SUCCESS || o == OUTCOME_FAILED ||
	    o == OUTCOME_ROLLED_BACK)
		analysis_emit(a, ANALYSIS_OUTCOME, -1, a->cur, NULL, NULL);
}

static const struct rule *
session_rule(const struct analysis *a, const char *id)
{
	const struct rule *r = ruleset_find(a->rs, id);

	return r != NULL && r->kind == RULE_KIND_RULE ? r : NULL;
}

/* Raises a finding from rules/session.json. */
static void
synth(struct analysis *a, const char *id, const struct record *rec,
    unsigned long line, const char *text, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	const struct rule *r = session_rule(a, id);
	struct capture caps[2];
	size_t n = 0;
	int idx;

	if (r == NULL)
		return;
	if (k1 != NULL) {
		caps[n].name = (char *)k1;
		caps[n++].value = (char *)(v1 != NULL ? v1 : "");
	}
	if (k2 != NULL) {
		caps[n].name = (char *)k2;
		caps[n++].value = (char *)(v2 != NULL ? v2 : "");
	}
	idx = finding_add(a, r, line, rec != NULL ? rec->dev_ms : -1,
	    rec != NULL ? rec->host_ms : -1, text, caps, n, a->cur);
	if (idx < 0)
		return;
	if (r->severity == RULE_ERROR && a->cur >= 0 &&
	    a->res->sessions[a->cur].outcome != OUTCOME_ROLLED_BACK)
		set_outcome(a, OUTCOME_FAILED);
	analysis_emit(a, ANALYSIS_FINDING, idx, a->cur, NULL, NULL);
}

static int
reason_is(const char *reason, const char *what)
{
	return reason != NULL && strstr(reason, what) != NULL;
}

/* A reset while an update was being written or the new image booting. */
static void
on_reset(struct analysis *a, const struct record *rec, const char *reason)
{
	struct session *s = cur(a);

	a->boot_host_ms = rec->host_ms;
	if (s == NULL)
		return;
	/*
	 * All bytes in and no error, then a restart with no switch or success
	 * line in between (simple examples print nothing there): as far as
	 * the log shows, the update went through.  The session ends here;
	 * what follows is a new boot.
	 */
	if ((a->phase == PHASE_VERIFYING || a->phase == PHASE_DOWNLOADING) &&
	    s->last_progress >= 100 && s->outcome != OUTCOME_FAILED) {
		s->outcome = OUTCOME_SUCCESS;
		a->phase = PHASE_IDLE;
		return;
	}
	switch (a->phase) {
	case PHASE_DOWNLOADING:
	case PHASE_VERIFYING:
	case PHASE_CHECKING:
		if (s->outcome == OUTCOME_FAILED)
			break;
		if (reason_is(reason, "BROWN"))
			synth(a, "session-reset-brownout", rec, rec->lineno,
			    rec->text, "reason", reason, NULL, NULL);
		else if (reason_is(reason, "WDT"))
			synth(a, "session-reset-watchdog", rec, rec->lineno,
			    rec->text, "reason", reason, NULL, NULL);
		else
			synth(a, "session-reset-during-update", rec, rec->lineno,
			    rec->text, "reason", reason != NULL ? reason :
			    "unknown", "phase", phase_name(a->phase));
		s->failed_phase = a->phase;
		set_outcome(a, OUTCOME_FAILED);
		a->phase = PHASE_IDLE;
		break;
	case PHASE_REBOOTING:
		a->phase = PHASE_BOOTING_NEW;
		/* the restart into the new image should be a software or
		   power reset; a watchdog here means it hung */
		if (reason_is(reason, "WDT") && s->outcome != OUTCOME_FAILED) {
			synth(a, "session-wdt-after-update", rec, rec->lineno,
			    rec->text, "reason", reason, NULL, NULL);
			s->failed_phase = PHASE_BOOTING_NEW;
		}
		break;
	case PHASE_BOOTING_NEW:
		if (reason_is(reason, "WDT") && s->outcome != OUTCOME_FAILED &&
		    s->version_to == NULL) {
			/* the new image has not said a word yet */
			synth(a, "session-wdt-after-update", rec, rec->lineno,
			    rec->text, "reason", reason, NULL, NULL);
			s->failed_phase = PHASE_BOOTING_NEW;
			break;
		}
		a->resets_in_new++;
		if (reason != NULL && !reason_is(reason, "POWERON") &&
		    a->resets_in_new >= 2 && s->outcome != OUTCOME_FAILED) {
			char n[16];

			snprintf(n, sizeof(n), "%d", a->resets_in_new);
			synth(a, "session-crash-loop", rec, rec->lineno, rec->text,
			    "reason", reason, "count", n);
			s->failed_phase = PHASE_BOOTING_NEW;
		}
		break;
	default:
		break;
	}
}

/* A version printed at startup: which image is running? */
static void
on_version(struct analysis *a, const struct record *rec, const char *version)
{
	struct session *s = cur(a);

	set_str(&a->res->device.version, version);
	if (s == NULL)
		return;
	/* printed while the update runs: the version it starts from */
	if (a->phase < PHASE_REBOOTING && a->phase != PHASE_IDLE) {
		if (s->version_from == NULL)
			set_str(&s->version_from, version);
		return;
	}
	if (a->phase == PHASE_REBOOTING)
		a->phase = PHASE_BOOTING_NEW;
	if (a->phase != PHASE_BOOTING_NEW)
		return;
	if (s->version_from != NULL && strcmp(s->version_from, version) == 0 &&
	    (s->version_to == NULL || strcmp(s->version_to, version) != 0)) {
		/* the old image is running again */
		if (s->outcome != OUTCOME_ROLLED_BACK) {
			synth(a, "session-rolled-back", rec, rec->lineno, rec->text,
			    "version", version, "target", s->version_to != NULL ?
			    s->version_to : "the new image");
			s->failed_phase = PHASE_BOOTING_NEW;
			a->phase = PHASE_ROLLED_BACK;
			set_outcome(a, OUTCOME_ROLLED_BACK);
		}
		return;
	}
	if (s->version_to == NULL && (s->version_from == NULL ||
	    strcmp(s->version_from, version) != 0))
		set_str(&s->version_to, version);
}

void
session_marker(struct analysis *a, const struct record *rec,
    const struct match *m)
{
	const struct rule *r = m->rule;
	struct session *s;
	struct stage_event *ev = NULL;
	const char *v;
	char detail[256];
	int prog = -1;

	if (a->node >= 0)
		return;		/* job records have nodes, not sessions */
	detail[0] = '\0';
	switch (r->stage) {
	case STAGE_CHECK:
		if (session_closed(a) || a->phase == PHASE_IDLE ||
		    a->phase >= PHASE_REBOOTING) {
			if (a->cur < 0 || session_closed(a) ||
			    a->phase >= PHASE_REBOOTING ||
			    cur(a)->nevents > 0)
				session_new(a, rec->lineno);
			a->phase = PHASE_CHECKING;
		}
		if ((v = mcap(m, "version")) != NULL) {
			set_str(&cur(a)->version_to, v);
			snprintf(detail, sizeof(detail), "offered %s", v);
		}
		if ((v = mcap(m, "url")) != NULL)
			set_str(&cur(a)->url, v);
		break;
	case STAGE_NO_UPDATE:
		if (a->cur < 0 || session_closed(a))
			session_new(a, rec->lineno);
		if (a->phase <= PHASE_CHECKING) {
			set_outcome(a, OUTCOME_NOT_ATTEMPTED);
			a->phase = PHASE_IDLE;
		}
		break;
	case STAGE_DOWNLOAD_START:
		/* after a failure, a new start is a retry only if the failed
		   attempt had made progress; otherwise it is the same attempt
		   announcing itself in several lines */
		if (a->cur < 0 || (session_closed(a) &&
		    (cur(a)->outcome != OUTCOME_FAILED ||
		    cur(a)->last_progress > 0)) ||
		    a->phase >= PHASE_REBOOTING)
			session_new(a, rec->lineno);
		a->phase = PHASE_DOWNLOADING;
		s = cur(a);
		if ((v = mcap(m, "size")) != NULL) {
			s->size = strtoll(v, NULL, 10);
			snprintf(detail, sizeof(detail), "%s bytes", v);
		}
		if ((v = mcap(m, "url")) != NULL)
			set_str(&s->url, v);
		if ((v = mcap(m, "partition")) != NULL) {
			size_t l = strlen(detail);

			snprintf(detail + l, sizeof(detail) - l, "%sto %s",
			    l > 0 ? " " : "", v);
		}
		if ((v = mcap(m, "version")) != NULL)
			set_str(&s->version_to, v);
		break;
	case STAGE_PROGRESS:
		if ((v = mcap(m, "progress")) != NULL)
			prog = parse_percent(v);
		else if (mcap(m, "done") != NULL) {
			long long done = strtoll(mcap(m, "done"), NULL, 10);
			long long total = mcap(m, "total") != NULL ?
			    strtoll(mcap(m, "total"), NULL, 10) : -1;

			if (total <= 0 && a->cur >= 0)
				total = cur(a)->size;
			if (total > 0)
				prog = (int)(done * 100 / total);
		}
		/* progress after a failure belongs to the failed attempt
		   (status lines, reports) unless it starts over */
		if (a->cur < 0 || a->phase >= PHASE_REBOOTING ||
		    (session_closed(a) && cur(a)->outcome != OUTCOME_FAILED) ||
		    (cur(a)->outcome == OUTCOME_FAILED && prog >= 0 &&
		    cur(a)->last_progress >= 0 &&
		    prog < cur(a)->last_progress))
			session_new(a, rec->lineno);
		if (a->phase < PHASE_DOWNLOADING)
			a->phase = PHASE_DOWNLOADING;
		s = cur(a);
		if (prog >= 0) {
			long long t = analysis_time(a, rec);

			if (prog != s->last_progress) {
				s->last_progress = prog;
				s->progress_line = rec->lineno;
				s->stall_ms = t;	/* time of last change */
			}
			snprintf(detail, sizeof(detail), "%d%%", prog);
		}
		break;
	case STAGE_DOWNLOAD_END:
	case STAGE_VERIFY:
		if (a->cur < 0 || session_closed(a))
			session_new(a, rec->lineno);
		if (a->phase < PHASE_VERIFYING)
			a->phase = PHASE_VERIFYING;
		if (r->stage == STAGE_DOWNLOAD_END)
			cur(a)->last_progress = 100;
		break;
	case STAGE_SWITCH:
	case STAGE_SUCCESS:
	case STAGE_RESTART:
		/* a restart with no update around it (a panic, a user) is
		   not part of an update */
		if (r->stage == STAGE_RESTART && (a->cur < 0 ||
		    session_closed(a) || a->phase < PHASE_DOWNLOADING))
			return;
		/* success after a failure in the same attempt: the words
		   did not stop it (finalize decides) */
		if (a->cur < 0 || (session_closed(a) && a->phase !=
		    PHASE_REBOOTING && cur(a)->outcome != OUTCOME_FAILED))
			session_new(a, rec->lineno);
		if (a->phase < PHASE_REBOOTING) {
			a->phase = PHASE_REBOOTING;
			if (cur(a)->outcome != OUTCOME_FAILED)
				cur(a)->last_progress = 100;
		}
		if ((v = mcap(m, "partition")) != NULL)
			snprintf(detail, sizeof(detail), "%s", v);
		break;
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
			snprintf(detail, sizeof(detail), "%s", v);
		}
		a->res->device.reset_line = rec->lineno;
		if (a->cur >= 0 && (ev = add_event(a, rec, r->stage, -1,
		    detail[0] ? detail : NULL)) != NULL)
			analysis_emit(a, ANALYSIS_STAGE, -1, a->cur, ev, NULL);
		on_reset(a, rec, v);
		return;
	case STAGE_BOOT:
		if ((v = mcap(m, "partition")) != NULL ||
		    (v = mcap(m, "offset")) != NULL) {
			set_str(&a->res->device.boot_partition, v);
			snprintf(detail, sizeof(detail), "%s", v);
		}
		if (a->phase == PHASE_REBOOTING)
			a->phase = PHASE_BOOTING_NEW;
		if (a->cur < 0)
			return;
		break;
	case STAGE_APP_INFO:
		if ((v = mcap(m, "project")) != NULL)
			set_str(&a->res->device.project, v);
		if ((v = mcap(m, "idf")) != NULL)
			set_str(&a->res->device.idf_version, v);
		if ((v = mcap(m, "chip")) != NULL)
			set_str(&a->res->device.chip, v);
		if ((v = mcap(m, "version")) != NULL) {
			snprintf(detail, sizeof(detail), "running %s", v);
			on_version(a, rec, v);
		}
		if (a->cur < 0 || detail[0] == '\0')
			return;
		break;
	case STAGE_PENDING_VERIFY:
		if (a->cur < 0 || (session_closed(a) && a->phase !=
		    PHASE_BOOTING_NEW))
			session_new(a, rec->lineno);
		a->phase = PHASE_BOOTING_NEW;
		break;
	case STAGE_VALID:
		if (a->cur < 0)
			session_new(a, rec->lineno);
		if (a->phase == PHASE_BOOTING_NEW || a->phase == PHASE_REBOOTING ||
		    a->phase == PHASE_VALIDATED) {
			a->phase = PHASE_VALIDATED;
			set_outcome(a, OUTCOME_SUCCESS);
		} else if (cur(a)->outcome == OUTCOME_UNKNOWN) {
			/* marked valid with no update in sight: a normal boot */
			return;
		}
		break;
	case STAGE_ROLLBACK:
		if (a->cur < 0 || (session_closed(a) &&
		    a->phase != PHASE_ROLLED_BACK))
			session_new(a, rec->lineno);
		cur(a)->failed_phase = a->phase;
		a->phase = PHASE_ROLLED_BACK;
		set_outcome(a, OUTCOME_ROLLED_BACK);
		break;
	case STAGE_FAILED:
		/* a generic "update failed": the outcome, not a cause */
		if (a->cur < 0 || (session_closed(a) &&
		    cur(a)->outcome != OUTCOME_FAILED))
			session_new(a, rec->lineno);
		s = cur(a);
		if (s->outcome != OUTCOME_FAILED &&
		    s->outcome != OUTCOME_ROLLED_BACK) {
			s->failed_phase = a->phase;
			set_outcome(a, OUTCOME_FAILED);
		}
		break;
	case STAGE_REPORT:
		if (a->cur < 0)
			return;
		if ((v = mcap(m, "status")) != NULL)
			snprintf(detail, sizeof(detail), "%s", v);
		break;
	case STAGE_ACTIVITY:
		/* only interesting while an update is under way */
		if (a->cur < 0 || a->phase != PHASE_DOWNLOADING)
			return;
		snprintf(detail, sizeof(detail), "%s", r->label != NULL ?
		    r->label : "activity");
		break;
	default:
		return;
	}
	if (a->cur < 0)
		return;
	ev = add_event(a, rec, r->stage, prog, detail[0] != '\0' ? detail : NULL);
	if (ev != NULL)
		analysis_emit(a, ANALYSIS_STAGE, -1, a->cur, ev, NULL);
}

/* Causes of the download path: seen after the new image booted, they are a
   new update attempt, not the new image failing. */
static int
download_cause(const char *cause)
{
	static const char *const list[] = {"server-unreachable", "tls-failed",
	    "http-error", "bad-server-response", "download-interrupted",
	    "same-version", "project-name-mismatch", "downgrade-rejected",
	    "not-enough-space", "invalid-image", "md5-mismatch", "auth-failed",
	    "upload-tool-error", "signature-invalid", NULL};
	size_t i;

	for (i = 0; cause != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], cause) == 0)
			return 1;
	return 0;
}

int
session_for_failure(struct analysis *a, unsigned long line, const char *cause)
{
	/* a job record belongs to a node, not to a session of a log */
	if (a->node >= 0)
		return -1;
	if (a->cur >= 0 && a->phase == PHASE_BOOTING_NEW &&
	    cur(a)->outcome != OUTCOME_FAILED && download_cause(cause)) {
		/* the new image runs and starts another update */
		finalize(a);
		session_new(a, line);
	}
	if (a->cur < 0 || a->phase == PHASE_VALIDATED ||
	    (cur(a)->outcome == OUTCOME_NOT_ATTEMPTED && a->phase == PHASE_IDLE) ||
	    (cur(a)->outcome == OUTCOME_SUCCESS && a->phase != PHASE_BOOTING_NEW))
		session_new(a, line);
	cur(a)->end_line = line > cur(a)->end_line ? line : cur(a)->end_line;
	return a->cur;
}

void
session_failure(struct analysis *a, int si, const struct finding *f)
{
	struct session *s;

	if (si < 0 || si != a->cur)
		return;
	s = &a->res->sessions[si];
	if (s->outcome == OUTCOME_ROLLED_BACK)
		return;
	if (s->outcome != OUTCOME_FAILED)
		s->failed_phase = a->phase;
	if (f->line > s->end_line)
		s->end_line = f->line;
	if (strcmp(f->cause, "rollback") == 0) {
		a->phase = PHASE_ROLLED_BACK;
		set_outcome(a, OUTCOME_ROLLED_BACK);
		return;
	}
	/* connections torn down while the device restarts into the new
	   image (Wi-Fi stops, the socket breaks): not the update failing */
	if (a->phase == PHASE_REBOOTING && download_cause(f->cause) &&
	    s->outcome != OUTCOME_FAILED)
		return;
	if (s->outcome != OUTCOME_FAILED) {
		set_outcome(a, OUTCOME_FAILED);
		/* rules fired by the failure itself (concurrent activity ...);
		   f may move when they add findings */
		analysis_fire_failed(a, f);
		return;
	}
	set_outcome(a, OUTCOME_FAILED);
}

void
session_unseen_reset(struct analysis *a, const struct record *rec)
{
	struct stage_event *ev;

	a->res->device.reset_line = rec->lineno;
	if (a->cur >= 0 && (ev = add_event(a, rec, STAGE_RESET, -1,
	    "restart (device time started over)")) != NULL)
		analysis_emit(a, ANALYSIS_STAGE, -1, a->cur, ev, NULL);
	on_reset(a, rec, "unknown (the log has no reset line)");
}

/* "I (83) boot:  0 nvs  WiFi data  01 02 00009000 00004000" */
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

	if (rec->fmt != RECORD_IDF || strncmp(rec->tag, "boot", 4) != 0)
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

/* Decides the outcome of the current session (when it ends). */
static void
finalize(struct analysis *a)
{
	struct input_result *r = a->res;
	struct session *s = cur(a);

	if (s->outcome == OUTCOME_UNKNOWN) {
		switch (a->phase) {
		case PHASE_DOWNLOADING:
		case PHASE_VERIFYING:
			if (s->last_progress >= 100)
				s->outcome = OUTCOME_SUCCESS;
			else {
				char pct[16], secs[32];
				long long t = a->last_dev_ms;

				s->outcome = OUTCOME_IN_PROGRESS;
				snprintf(pct, sizeof(pct), "%d",
				    s->last_progress < 0 ? 0 :
				    s->last_progress);
				if (s->stall_ms >= 0 && t >= s->stall_ms)
					snprintf(secs, sizeof(secs), "%.1f s",
					    (double)(t - s->stall_ms) / 1000);
				else
					snprintf(secs, sizeof(secs),
					    "until the end of the log");
				if (s->progress_line > 0 &&
				    s->progress_line < r->nlines)
					synth(a, "session-stalled", NULL,
					    s->progress_line,
					    "(the log ends while the download "
					    "is under way)", "progress", pct,
					    "duration", secs);
			}
			break;
		case PHASE_CHECKING:
			s->outcome = OUTCOME_NOT_ATTEMPTED;
			break;
		case PHASE_REBOOTING:
		case PHASE_BOOTING_NEW:
		case PHASE_VALIDATED:
			s->outcome = OUTCOME_SUCCESS;
			break;
		case PHASE_ROLLED_BACK:
			s->outcome = OUTCOME_ROLLED_BACK;
			break;
		default:
			s->outcome = OUTCOME_NOT_ATTEMPTED;
			break;
		}
	} else if (s->outcome == OUTCOME_FAILED &&
	    s->failed_phase < PHASE_REBOOTING &&
	    (a->phase == PHASE_VALIDATED || a->phase == PHASE_REBOOTING ||
	    (a->phase == PHASE_BOOTING_NEW && (s->version_to == NULL ||
	    (r->device.version != NULL &&
	    strcmp(s->version_to, r->device.version) == 0))))) {
		/* the new image runs: the error words did not matter */
		s->outcome = OUTCOME_SUCCESS;
	}
}

void
session_finish_all(struct analysis *a)
{
	struct input_result *r = a->res;
	size_t i;

	if (a->cur >= 0)
		finalize(a);
	/* sessions with nothing in them (a lone marker) are dropped */
	{
		int *map = xcalloc(r->nsessions + 1, sizeof(int));
		size_t j = 0, k;

		for (i = 0; i < r->nsessions; i++) {
			struct session *s = &r->sessions[i];
			int used = s->nevents > 0;

			for (k = 0; k < r->nfindings && !used; k++)
				if (r->findings[k].session == (int)i)
					used = 1;
			if (!used) {
				map[i] = -1;
				free(s->version_from);
				free(s->version_to);
				free(s->url);
				free(s->events);
				continue;
			}
			map[i] = (int)j;
			if (i != j)
				r->sessions[j] = *s;
			j++;
		}
		for (k = 0; k < r->nfindings; k++)
			if (r->findings[k].session >= 0)
				r->findings[k].session = map[r->findings[k].session];
		r->nsessions = j;
		free(map);
	}
	/* stall time: from the last progress change to the failure/end */
	for (i = 0; i < r->nsessions; i++) {
		struct session *s = &r->sessions[i];

		if (s->stall_ms >= 0 && s->outcome != OUTCOME_SUCCESS &&
		    s->last_progress >= 0 && s->last_progress < 100) {
			long long end = -1;
			size_t k;

			for (k = 0; k < r->nfindings; k++)
				if (r->findings[k].session == (int)i &&
				    r->findings[k].severity == RULE_ERROR) {
					end = r->findings[k].dev_ms >= 0 ?
					    r->findings[k].dev_ms :
					    r->findings[k].host_ms;
					break;
				}
			if (end < 0 && i + 1 == r->nsessions)
				end = a->last_dev_ms;
			s->stall_ms = end >= s->stall_ms ? end - s->stall_ms : -1;
		} else
			s->stall_ms = -1;
	}
}
