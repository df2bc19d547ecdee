/* SPDX-License-Identifier: Apache-2.0 */
/* result: freeing and summarising analysis results (see result.h). */
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "xalloc.h"

static const char *const outcome_names[] = {
	[OUTCOME_UNKNOWN] = "unknown",
	[OUTCOME_SUCCESS] = "success",
	[OUTCOME_FAILED] = "failed",
	[OUTCOME_ROLLED_BACK] = "rolled-back",
	[OUTCOME_IN_PROGRESS] = "in-progress",
	[OUTCOME_NOT_ATTEMPTED] = "not-attempted",
};

const char *
outcome_name(enum outcome o)
{
	if ((unsigned)o >= sizeof(outcome_names) / sizeof(outcome_names[0]))
		return "unknown";
	return outcome_names[o];
}

int
outcome_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(outcome_names) / sizeof(outcome_names[0]); i++)
		if (strcmp(outcome_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* success, failure, pending or unknown: the classes a job summary and a
   disagreement between a node's record and its log compare. */
int
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

/* A time-out of the job itself: the --job-timeout check or the cloud's
   own timed-out status (not a device-side window). */
int
finding_is_job_timeout(const struct finding *f)
{
	return strcmp(f->cause, "job-timeout") == 0 && f->rule->field != NULL &&
	    (strcmp(f->rule->field, "timeout") == 0 ||
	    strcmp(f->rule->field, "status") == 0);
}

const char *
input_kind_name(enum input_kind k)
{
	return k == INPUT_JOB ? "job" : k == INPUT_IMAGE ? "image" : "log";
}

void
finding_free(struct finding *f)
{
	size_t k;

	if (f == NULL)
		return;
	free(f->text);
	free(f->message);
	free(f->remedy);
	for (k = 0; k < f->ncaps; k++) {
		free(f->caps[k].name);
		free(f->caps[k].value);
	}
	free(f->caps);
	for (k = 0; k < f->nframes; k++) {
		free(f->frames[k].function);
		free(f->frames[k].file);
	}
	free(f->frames);
	for (k = 0; f->kc != NULL && k < f->rule->nkconfig; k++) {
		free(f->kc[k].option);
		free(f->kc[k].current);
		free(f->kc[k].suggested);
	}
	free(f->kc);
	free(f);
}

struct finding *
result_add_finding(struct input_result *r)
{
	struct finding *f = xcalloc(1, sizeof(*f));

	if ((r->nfindings & (r->nfindings - 1)) == 0)	/* 0, 1, 2, 4 ...: grow */
		r->findings = xrealloc(r->findings, (r->nfindings ? r->nfindings *
		    2 : 4) * sizeof(*r->findings));
	f->node = -1;
	f->pos = r->nfindings;
	r->findings[r->nfindings++] = f;
	return f;
}

void
session_release(struct session *s)
{
	size_t k;

	for (k = 0; k < s->nevents; k++)
		free(s->events[k].detail);
	free(s->events);
	free(s->version_from);
	free(s->version_to);
	free(s->url);
	free(s->seen);
	s->events = NULL;
	s->seen = NULL;
	s->version_from = s->version_to = s->url = NULL;
	s->nevents = s->nseen = 0;
}

void
session_saw(struct session *s, struct finding *f)
{
	size_t i;

	for (i = s->nseen; i-- > 0;)
		if (s->seen[i] == f)
			return;
	if (s->nseen >= SESSION_MAX_SEEN)
		return;
	if ((s->nseen & (s->nseen - 1)) == 0)	/* 0, 1, 2, 4 ...: grow */
		s->seen = xrealloc(s->seen, (s->nseen ? s->nseen * 2 : 4) *
		    sizeof(*s->seen));
	s->seen[s->nseen++] = f;
}

long
result_session_index(const struct input_result *r, unsigned long no)
{
	size_t lo = 0, hi = r->nsessions;

	if (no == 0)
		return -1;
	/* the current session is the last one: most lookups end here */
	if (hi > 0 && r->sessions[hi - 1].no == no)
		return (long)hi - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->sessions[mid].no == no)
			return (long)mid;
		if (r->sessions[mid].no < no)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct session *
result_session(const struct input_result *r, unsigned long no)
{
	long i = result_session_index(r, no);

	return i >= 0 ? &r->sessions[i] : NULL;
}

int
result_session_summarised(const struct input_result *r, unsigned long no)
{
	return r->summarised.n > 0 && no >= r->summarised.first_no &&
	    no <= r->summarised.last_no;
}

size_t
result_summary_after(const struct input_result *r)
{
	size_t i;

	for (i = 0; i < r->nsessions &&
	    r->sessions[i].no < r->summarised.first_no; i++)
		;
	return i;
}

void
result_drop_ignored(struct input_result *r)
{
	size_t i, j, k;
	int changed = 1;

	/* a consequence of an ignored finding is accepted with it */
	while (changed) {
		changed = 0;
		for (i = 0; i < r->nfindings; i++) {
			struct finding *f = r->findings[i];

			if (!f->ignored && f->consequence_of != NULL &&
			    f->consequence_of->ignored) {
				f->ignored = 1;
				changed = 1;
			}
		}
	}
	for (i = 0; i < r->nsessions; i++) {
		struct session *s = &r->sessions[i];

		if (s->primary != NULL && s->primary->ignored)
			s->primary = NULL;
		for (k = j = 0; k < s->nseen; k++)
			if (!s->seen[k]->ignored)
				s->seen[j++] = s->seen[k];
		s->nseen = j;
	}
	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].primary != NULL &&
		    r->nodes[i].primary->ignored)
			r->nodes[i].primary = NULL;
	if (r->primary != NULL && r->primary->ignored)
		r->primary = NULL;
	for (i = j = 0; i < r->nfindings; i++) {
		struct finding *f = r->findings[i];

		if (f->ignored) {
			r->nignored++;
			finding_free(f);
			continue;
		}
		f->pos = j;
		r->findings[j++] = f;
	}
	r->nfindings = j;
}

void
result_free(struct input_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfindings; i++)
		finding_free(r->findings[i]);
	free(r->findings);
	for (i = 0; i < r->nsessions; i++)
		session_release(&r->sessions[i]);
	free(r->sessions);
	free(r->summarised.by_cause);
	free(r->info_text);
	free(r->info_json);
	free(r->kconfig_tail);
	free(r->device.version);
	free(r->device.project);
	free(r->device.idf_version);
	free(r->device.chip);
	free(r->device.reset_reason);
	free(r->device.boot_partition);
	for (i = 0; i < r->device.nparts; i++) {
		free(r->device.parts[i].label);
		free(r->device.parts[i].usage);
	}
	free(r->device.parts);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i].text);
	free(r->notes);
	for (i = 0; i < r->nnodes; i++)
		result_node_release(&r->nodes[i]);
	free(r->nodes);
	for (i = 0; i < r->nodes_summarised.nstatus; i++)
		free(r->nodes_summarised.by_status[i].status);
	free(r->nodes_summarised.by_status);
	free(r->nodes_summarised.by_cause);
	free(r->nodes_summarised.by_failed_cause);
	free(r->nodes_summarised.fps);
	free(r->job_id);
	free(r->error_text);
	free(r->path);
	free(r);
}

void
result_node_release(struct job_node *n)
{
	free(n->node_id);
	free(n->status);
	free(n->info);
	free(n->timestamp);
	free(n->log_path);
	memset(n, 0, sizeof(*n));
}

int
result_max_severity(const struct input_result *r)
{
	size_t i;
	int max = -1;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i]->consequence_of == NULL &&
		    (int)r->findings[i]->severity > max)
			max = (int)r->findings[i]->severity;
	return max;
}

size_t
result_count_at(const struct input_result *r, enum rule_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i]->severity >= sev)
			n++;
	return n;
}

int
result_each_node(const struct input_result *r, result_node_fn fn, void *ctx)
{
	if (r->replay == NULL)
		return -1;
	return r->replay->each(r->replay, fn, ctx);
}
