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
	json_object_set_new(o, "remedy", str_or_null(rule->remedy));
	for (i = 0; i < rule->nkconfig; i++) {
		json_t *k = json_object();

		json_object_set_new(k, "option", json_string(rule->kconfig[i].option));
		json_object_set_new(k, "action", json_string(rule->kconfig[i].action));
		json_object_set_new(k, "value", str_or_null(rule->kconfig[i].value));
		json_object_set_new(k, "note", str_or_null(rule->kconfig[i].note));
		json_array_append_new(kc, k);
	}
	json_object_set_new(o, "kconfig", kc);
	for (i = 0; i < f->ncaps; i++)
		json_object_set_new(caps, f->caps[i].name,
		    json_string(f->caps[i].value));
	json_object_set_new(o, "captures", caps);
	json_object_set_new(o, "session", f->session >= 0 ?
	    json_integer(f->session) : json_null());
	json_object_set_new(o, "node", f->node >= 0 && (size_t)f->node <
	    r->nnodes ? json_string(r->nodes[f->node].node_id) : json_null());
	json_object_set_new(o, "confidence", json_string(f->rule->generic ?
	    "generic" : "specific"));
	json_object_set_new(o, "primary", json_boolean(f->primary));
	json_object_set_new(o, "consequence_of", f->consequence_of >= 0 ?
	    json_integer(f->consequence_of) : json_null());
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
	json_object_set_new(o, "primary", s->primary >= 0 ?
	    json_integer(s->primary) : json_null());
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

static json_t *
input_json(const struct input_result *r)
{
	json_t *o = json_object(), *arr;
	size_t i;

	json_object_set_new(o, "path", json_string(r->path));
	json_object_set_new(o, "kind", json_string(r->kind == INPUT_JOB ? "job" :
	    "log"));
	json_object_set_new(o, "format", json_string(r->format));
	json_object_set_new(o, "outcome", json_string(outcome_name(r->outcome)));
	if (r->primary >= 0)
		json_object_set_new(o, "primary_cause",
		    json_string(r->findings[r->primary].cause));
	else if ((r->outcome == OUTCOME_FAILED ||
	    r->outcome == OUTCOME_ROLLED_BACK) && r->nignored == 0)
		json_object_set_new(o, "primary_cause", json_string("unknown"));
	else
		json_object_set_new(o, "primary_cause", json_null());
	json_object_set_new(o, "error", str_or_null(r->error ?
	    (r->error_text != NULL ? r->error_text : "error") : NULL));
	json_object_set_new(o, "lines", json_integer((json_int_t)r->nlines));
	json_object_set_new(o, "ignored", json_integer((json_int_t)r->nignored));
	json_object_set_new(o, "device", device_json(&r->device));
	arr = json_array();
	for (i = 0; i < r->nsessions; i++)
		json_array_append_new(arr, session_json(&r->sessions[i]));
	json_object_set_new(o, "sessions", arr);
	arr = json_array();
	for (i = 0; i < r->nfindings; i++)
		json_array_append_new(arr, finding_json(r, &r->findings[i]));
	json_object_set_new(o, "findings", arr);
	arr = json_array();
	for (i = 0; i < r->nnotes; i++) {
		json_t *n = json_object();

		json_object_set_new(n, "line", r->notes[i].line > 0 ?
		    json_integer((json_int_t)r->notes[i].line) : json_null());
		json_object_set_new(n, "text", json_string(r->notes[i].text));
		json_array_append_new(arr, n);
	}
	json_object_set_new(o, "notes", arr);
	if (r->kind == INPUT_JOB) {
		json_object_set_new(o, "job_id", str_or_null(r->job_id));
		json_object_set_new(o, "job_timed_out",
		    json_boolean(r->job_timed_out));
		arr = json_array();
		for (i = 0; i < r->nnodes; i++) {
			const struct job_node *nd = &r->nodes[i];
			json_t *n = json_object();

			json_object_set_new(n, "node_id", json_string(nd->node_id));
			json_object_set_new(n, "status", json_string(nd->status));
			json_object_set_new(n, "outcome",
			    json_string(outcome_name(nd->outcome)));
			json_object_set_new(n, "primary_cause", nd->primary >= 0 ?
			    json_string(r->findings[nd->primary].cause) :
			    (nd->outcome == OUTCOME_FAILED ||
			    nd->outcome == OUTCOME_ROLLED_BACK) ?
			    json_string("unknown") : json_null());
			json_object_set_new(n, "info", str_or_null(nd->info));
			json_object_set_new(n, "timestamp", str_or_null(nd->timestamp));
			json_object_set_new(n, "line", nd->line > 0 ?
			    json_integer((json_int_t)nd->line) : json_null());
			{
				json_t *fi = json_array();
				size_t k;

				for (k = 0; k < r->nfindings; k++)
					if (r->findings[k].node == (int)i)
						json_array_append_new(fi,
						    json_integer((json_int_t)k));
				json_object_set_new(n, "findings", fi);
			}
			if (nd->log_path != NULL) {
				json_object_set_new(n, "log", json_string(nd->log_path));
				json_object_set_new(n, "log_outcome",
				    json_string(outcome_name(nd->log_outcome)));
				json_object_set_new(n, "log_cause",
				    str_or_null(nd->log_cause));
				json_object_set_new(n, "disagree",
				    json_boolean(nd->disagree));
			}
			json_array_append_new(arr, n);
		}
		json_object_set_new(o, "nodes", arr);
	}
	return o;
}

json_t *
report_json_build(struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i;

	(void)o;
	json_object_set_new(root, "otadiag", json_string(OTADIAG_VERSION));
	json_object_set_new(root, "schema", json_integer(REPORT_SCHEMA_VERSION));
	for (i = 0; i < n; i++)
		json_array_append_new(arr, input_json(in[i]));
	json_object_set_new(root, "inputs", arr);
	return root;
}

int
report_json(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	json_t *root = report_json_build(in, n, o);
	int rc;

	rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return DIAG_EIO;
	return 0;
}
