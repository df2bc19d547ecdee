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
finding_release(struct finding *f)
{
	size_t k;

	free(f->text);
	free(f->message);
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
session_saw(struct session *s, int f)
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

void
result_remap_findings(struct input_result *r, const int *map)
{
	size_t i, k, j;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].consequence_of >= 0)
			r->findings[i].consequence_of =
			    map[r->findings[i].consequence_of];
	for (i = 0; i < r->nsessions; i++) {
		struct session *s = &r->sessions[i];

		if (s->primary >= 0)
			s->primary = map[s->primary];
		for (k = j = 0; k < s->nseen; k++)
			if (map[s->seen[k]] >= 0)
				s->seen[j++] = map[s->seen[k]];
		s->nseen = j;
	}
	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].primary >= 0)
			r->nodes[i].primary = map[r->nodes[i].primary];
	if (r->primary >= 0)
		r->primary = map[r->primary];
}

void
result_remap_sessions(struct input_result *r, const int *map)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].session >= 0)
			r->findings[i].session = map[r->findings[i].session];
}

void
result_free(struct input_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfindings; i++)
		finding_release(&r->findings[i]);
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
	for (i = 0; i < r->nnodes; i++) {
		free(r->nodes[i].node_id);
		free(r->nodes[i].status);
		free(r->nodes[i].info);
		free(r->nodes[i].timestamp);
		free(r->nodes[i].log_path);
	}
	free(r->nodes);
	free(r->job_id);
	free(r->error_text);
	free(r->path);
	free(r);
}

int
result_max_severity(const struct input_result *r)
{
	size_t i;
	int max = -1;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].consequence_of < 0 &&
		    (int)r->findings[i].severity > max)
			max = (int)r->findings[i].severity;
	return max;
}

size_t
result_count_at(const struct input_result *r, enum rule_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity >= sev)
			n++;
	return n;
}
