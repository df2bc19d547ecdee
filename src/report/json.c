/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json: the machine report (man/otadiag-report.5).  Key order is fixed
 * (JSON_PRESERVE_ORDER) so the output is stable byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "frames_out.h"
#include "report.h"
#include "report_util.h"
#include "strbuf.h"

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
finding_json(const struct input_result *r, const struct finding *f)
{
	json_t *o = json_object(), *lines = json_array(), *kc = json_array();
	json_t *caps = json_object();
	long sidx;
	size_t i;
	const struct rule *rule = f->rule;

	json_object_set_new(o, "rule", json_string(rule->id));
	json_object_set_new(o, "cause", json_string(f->cause));
	json_object_set_new(o, "severity",
	    json_string(rule_severity_name(f->severity)));
	json_object_set_new(o, "title", json_string(rule->title));
	json_object_set_new(o, "line", json_integer((json_int_t)f->line));
	for (i = 0; i < f->nlines; i++)
		json_array_append_new(lines, json_integer((json_int_t)f->lines[i]));
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "count", json_integer((json_int_t)f->count));
	json_object_set_new(o, "text", json_string(f->text));
	json_object_set_new(o, "message", json_string(f->message));
	json_object_set_new(o, "remedy", str_or_null(f->remedy));
	for (i = 0; i < rule->nkconfig; i++) {
		json_t *k = json_object();

		json_object_set_new(k, "option", json_string(rule->kconfig[i].option));
		json_object_set_new(k, "action", json_string(rule->kconfig[i].action));
		json_object_set_new(k, "value", str_or_null(rule->kconfig[i].value));
		json_object_set_new(k, "note", str_or_null(rule->kconfig[i].note));
		/* --sdkconfig (kconfig.c): the user's value and a new one */
		json_object_set_new(k, "current", str_or_null(f->kc != NULL ?
		    f->kc[i].current : NULL));
		json_object_set_new(k, "suggested", str_or_null(f->kc != NULL ?
		    f->kc[i].suggested : NULL));
		json_array_append_new(kc, k);
	}
	json_object_set_new(o, "kconfig", kc);
	for (i = 0; i < f->ncaps; i++)
		json_object_set_new(caps, f->caps[i].name,
		    json_string(f->caps[i].value));
	json_object_set_new(o, "captures", caps);
	sidx = result_session_index(r, f->session);
	json_object_set_new(o, "session", sidx >= 0 ? json_integer(sidx) :
	    json_null());
	json_object_set_new(o, "node", f->node >= 0 && (size_t)f->node <
	    r->nnodes ? json_string(r->nodes[f->node].node_id) : json_null());
	json_object_set_new(o, "confidence", json_string(f->rule->generic ?
	    "generic" : "specific"));
	json_object_set_new(o, "primary", json_boolean(f->primary));
	json_object_set_new(o, "consequence_of", f->consequence_of != NULL ?
	    json_integer((json_int_t)f->consequence_of->pos) : json_null());
	if (f->nframes > 0)
		json_object_set_new(o, "frames", frames_out_json(f));
	return o;
}

static json_t *
device_json(const struct device *d)
{
	json_t *o = json_object(), *parts = json_array();
	size_t i;

	json_object_set_new(o, "version", str_or_null(d->version));
	json_object_set_new(o, "project", str_or_null(d->project));
	json_object_set_new(o, "idf_version", str_or_null(d->idf_version));
	json_object_set_new(o, "chip", str_or_null(d->chip));
	json_object_set_new(o, "reset_reason", str_or_null(d->reset_reason));
	json_object_set_new(o, "boot_partition", str_or_null(d->boot_partition));
	for (i = 0; i < d->nparts; i++) {
		json_t *p = json_object();
		char hex[32];

		json_object_set_new(p, "label", json_string(d->parts[i].label));
		json_object_set_new(p, "usage", json_string(d->parts[i].usage));
		json_object_set_new(p, "type", json_integer(d->parts[i].type));
		json_object_set_new(p, "subtype", json_integer(d->parts[i].subtype));
		snprintf(hex, sizeof(hex), "0x%lx", d->parts[i].offset);
		json_object_set_new(p, "offset", json_string(hex));
		snprintf(hex, sizeof(hex), "0x%lx", d->parts[i].size);
		json_object_set_new(p, "size", json_string(hex));
		json_array_append_new(parts, p);
	}
	json_object_set_new(o, "partitions", parts);
	return o;
}

static json_t *
session_json(const struct session *s)
{
	json_t *o = json_object(), *tl = json_array();
	size_t i;

	json_object_set_new(o, "outcome", json_string(outcome_name(s->outcome)));
	json_object_set_new(o, "failed_phase", s->outcome == OUTCOME_FAILED ||
	    s->outcome == OUTCOME_ROLLED_BACK ?
	    json_string(phase_name(s->failed_phase)) : json_null());
	json_object_set_new(o, "version_from", str_or_null(s->version_from));
	json_object_set_new(o, "version_to", str_or_null(s->version_to));
	json_object_set_new(o, "url", str_or_null(s->url));
	json_object_set_new(o, "size", s->size >= 0 ? json_integer(s->size) :
	    json_null());
	json_object_set_new(o, "start_line", json_integer((json_int_t)s->start_line));
	json_object_set_new(o, "end_line", json_integer((json_int_t)s->end_line));
	json_object_set_new(o, "last_progress", s->last_progress >= 0 ?
	    json_integer(s->last_progress) : json_null());
	json_object_set_new(o, "stall_ms", s->stall_ms >= 0 ?
	    json_integer(s->stall_ms) : json_null());
	json_object_set_new(o, "primary", s->primary != NULL ?
	    json_integer((json_int_t)s->primary->pos) : json_null());
	for (i = 0; i < s->nevents; i++) {
		const struct stage_event *e = &s->events[i];
		json_t *t = json_object();

		json_object_set_new(t, "stage", json_string(stage_name(e->stage)));
		json_object_set_new(t, "line", json_integer((json_int_t)e->line));
		json_object_set_new(t, "time_ms", e->dev_ms >= 0 ?
		    json_integer(e->dev_ms) : e->host_ms >= 0 ?
		    json_integer(e->host_ms) : json_null());
		json_object_set_new(t, "progress", e->progress >= 0 ?
		    json_integer(e->progress) : json_null());
		json_object_set_new(t, "detail", str_or_null(e->detail));
		json_array_append_new(tl, t);
	}
	json_object_set_new(o, "timeline", tl);
	return o;
}

/* An array member whose elements elem(i) makes, written one by one. */
static void
jw_array(struct jw *w, int indent, const char *key, size_t n,
    json_t *(*elem)(const struct input_result *, size_t, const void *),
    const struct input_result *r, const void *ctx, int *first)
{
	size_t i;

	jw_key(w, indent, key, first);
	if (n == 0) {
		jw_raw(w, "[]", 2);
		return;
	}
	jw_raw(w, "[", 1);
	for (i = 0; i < n; i++) {
		jw_raw(w, i > 0 ? ",\n" : "\n", i > 0 ? 2 : 1);
		jw_indent(w, indent + 2);
		jw_value(w, elem(r, i, ctx), indent + 2);
	}
	jw_raw(w, "\n", 1);
	jw_indent(w, indent);
	jw_raw(w, "]", 1);
}

static json_t *
session_elem(const struct input_result *r, size_t i, const void *ctx)
{
	(void)ctx;
	return session_json(&r->sessions[i]);
}

static json_t *
finding_elem(const struct input_result *r, size_t i, const void *ctx)
{
	(void)ctx;
	return finding_json(r, r->findings[i]);
}

static json_t *
note_elem(const struct input_result *r, size_t i, const void *ctx)
{
	json_t *n = json_object();

	(void)ctx;
	json_object_set_new(n, "line", r->notes[i].line > 0 ?
	    json_integer((json_int_t)r->notes[i].line) : json_null());
	json_object_set_new(n, "text", json_string(r->notes[i].text));
	return n;
}

/* The findings of each node, by a counting sort (one pass, not one pass
   per node): node k's are idx[start[k] .. start[k + 1]). */
struct node_index {
	size_t		*start;
	size_t		*idx;
};

static void
node_index_build(struct node_index *ni, const struct input_result *r)
{
	size_t i, k, *fill;

	ni->start = calloc(r->nnodes + 2, sizeof(size_t));
	ni->idx = calloc(r->nfindings + 1, sizeof(size_t));
	fill = calloc(r->nnodes + 1, sizeof(size_t));
	if (ni->start == NULL || ni->idx == NULL || fill == NULL)
		abort();
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i]->node >= 0 &&
		    (size_t)r->findings[i]->node < r->nnodes)
			ni->start[r->findings[i]->node + 1]++;
	for (k = 0; k < r->nnodes; k++)
		ni->start[k + 1] += ni->start[k];
	for (i = 0; i < r->nfindings; i++) {
		int nd = r->findings[i]->node;

		if (nd >= 0 && (size_t)nd < r->nnodes)
			ni->idx[ni->start[nd] + fill[nd]++] = i;
	}
	free(fill);
}

static json_t *
node_elem(const struct input_result *r, size_t i, const void *ctx)
{
	const struct node_index *ni = ctx;
	const struct job_node *nd = &r->nodes[i];
	json_t *n = json_object(), *fi = json_array();
	size_t k;

	json_object_set_new(n, "node_id", json_string(nd->node_id));
	json_object_set_new(n, "status", json_string(nd->status));
	json_object_set_new(n, "outcome", json_string(outcome_name(nd->outcome)));
	json_object_set_new(n, "primary_cause", nd->primary != NULL ?
	    json_string(nd->primary->cause) :
	    (nd->outcome == OUTCOME_FAILED ||
	    nd->outcome == OUTCOME_ROLLED_BACK) ?
	    json_string("unknown") : json_null());
	json_object_set_new(n, "info", str_or_null(nd->info));
	json_object_set_new(n, "timestamp", str_or_null(nd->timestamp));
	json_object_set_new(n, "line", nd->line > 0 ?
	    json_integer((json_int_t)nd->line) : json_null());
	for (k = ni->start[i]; k < ni->start[i + 1]; k++)
		json_array_append_new(fi, json_integer((json_int_t)ni->idx[k]));
	json_object_set_new(n, "findings", fi);
	if (nd->log_path != NULL) {
		json_object_set_new(n, "log", json_string(nd->log_path));
		json_object_set_new(n, "log_outcome",
		    json_string(outcome_name(nd->log_outcome)));
		json_object_set_new(n, "log_cause", str_or_null(nd->log_cause));
		json_object_set_new(n, "disagree", json_boolean(nd->disagree));
	}
	return n;
}

/* The sessions counted, not listed (null when every one is listed). */
static json_t *
summarised_json(const struct input_result *r)
{
	const struct session_summary *sm = &r->summarised;
	size_t after = result_summary_after(r);
	json_t *o, *by, *bc;
	size_t k;

	if (sm->n == 0)
		return json_null();
	o = json_object();
	by = json_object();
	bc = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)sm->n));
	json_object_set_new(o, "after_session",
	    json_integer((json_int_t)after));
	json_object_set_new(o, "first_line",
	    json_integer((json_int_t)sm->first_line));
	json_object_set_new(o, "last_line",
	    json_integer((json_int_t)sm->last_line));
	for (k = 0; k <= OUTCOME_NOT_ATTEMPTED; k++)
		if (sm->by_outcome[k] > 0)
			json_object_set_new(by, outcome_name((enum outcome)k),
			    json_integer((json_int_t)sm->by_outcome[k]));
	json_object_set_new(o, "by_outcome", by);
	for (k = 0; k < sm->ncause; k++)
		json_object_set_new(bc, sm->by_cause[k].cause,
		    json_integer((json_int_t)sm->by_cause[k].n));
	json_object_set_new(o, "failed_by_cause", bc);
	return o;
}

static void
input_write(struct jw *w, const struct input_result *r)
{
	const int in = 6;
	int first = 1;

	jw_raw(w, "{", 1);
	jw_member(w, in, "path", json_string(r->path), &first);
	jw_member(w, in, "kind", json_string(input_kind_name(r->kind)), &first);
	jw_member(w, in, "format", json_string(r->format), &first);
	jw_member(w, in, "outcome", json_string(outcome_name(r->outcome)),
	    &first);
	jw_member(w, in, "primary_cause", r->primary != NULL ?
	    json_string(r->primary->cause) :
	    (r->outcome == OUTCOME_FAILED || r->outcome == OUTCOME_ROLLED_BACK) &&
	    r->nignored == 0 ? json_string("unknown") : json_null(), &first);
	jw_member(w, in, "error", str_or_null(r->error ? (r->error_text != NULL ?
	    r->error_text : "error") : NULL), &first);
	jw_member(w, in, "lines", json_integer((json_int_t)r->nlines), &first);
	jw_member(w, in, "ignored", json_integer((json_int_t)r->nignored),
	    &first);
	jw_member(w, in, "device", device_json(&r->device), &first);
	jw_array(w, in, "sessions", r->nsessions, session_elem, r, NULL, &first);
	jw_member(w, in, "sessions_summarised", summarised_json(r),
	    &first);
	jw_array(w, in, "findings", r->nfindings, finding_elem, r, NULL, &first);
	jw_array(w, in, "notes", r->nnotes, note_elem, r, NULL, &first);
	if (r->info_json != NULL)	/* image inputs: preflight.c made it */
		jw_member(w, in, "image", json_loads(r->info_json, 0, NULL),
		    &first);
	if (r->kind == INPUT_JOB) {
		struct node_index ni;

		jw_member(w, in, "job_id", str_or_null(r->job_id), &first);
		jw_member(w, in, "job_timed_out", json_boolean(r->job_timed_out),
		    &first);
		node_index_build(&ni, r);
		jw_array(w, in, "nodes", r->nnodes, node_elem, r, &ni, &first);
		free(ni.start);
		free(ni.idx);
		/* only when there are some: a job under the limit reads as
		   it always did */
		if (r->nodes_summarised.n > 0)
			jw_member(w, in, "nodes_summarised",
			    report_util_nodes_summarised(r), &first);
	}
	jw_raw(w, "\n", 1);
	jw_indent(w, in - 2);
	jw_raw(w, "}", 1);
}

/*
 * The document is written as it is made, element by element, so a report
 * of a job with a million nodes needs the memory of one node, not of a
 * tree of the whole report.  The layout is jansson's JSON_INDENT(2).
 */
int
report_json(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	struct jw w = {fp, STRBUF_INIT, 0};
	size_t i;

	(void)o;
	strbuf_addf(&w.buf, "{\n  \"otadiag\": \"%s\",\n  \"schema\": %d,\n"
	    "  \"inputs\": [", OTADIAG_VERSION, REPORT_SCHEMA_VERSION);
	for (i = 0; i < n; i++) {
		jw_raw(&w, i > 0 ? ",\n    " : "\n    ", i > 0 ? 6 : 5);
		input_write(&w, in[i]);
	}
	if (n > 0)
		jw_raw(&w, "\n  ]\n}\n", 7);
	else
		jw_raw(&w, "]\n}\n", 4);
	jw_flush(&w);
	strbuf_release(&w.buf);
	if (w.failed || ferror(fp))
		return DIAG_EIO;
	return 0;
}
