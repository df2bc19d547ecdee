/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Lines writer, for log pipelines: one compact JSON object per line.
 *
 *   {"type":"finding","path":..,"kind":"log","rule":..,"cause":..,
 *    "severity":..,"title":..,"line":N,"lines":[..],"count":N,"text":..,
 *    "message":..,"remedy":..,"session":N|null,"node":..|null,
 *    "primary":bool,"consequence_of":N|null}
 *   {"type":"error","path":..,"kind":"log","error":".."}
 *   {"type":"nodes_summarised","path":..,"kind":"job","count":N,
 *    "by_outcome":{..},"by_status":{..},"by_cause":{..},"timed_out":N,
 *    "disagree":N,"findings":N,"errors":N,"by_severity":{..},
 *    "fingerprints":[..],"without_fingerprint":N}   (a job's nodes not
 *    listed; the same members as the JSON report's nodes_summarised)
 *
 * Every key is always present, in this order (null when absent), so lines
 * can be read with a fixed schema; otadiag-report(5) is the contract.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "diag.h"
#include "report.h"
#include "report_util.h"
#include "result.h"
#include "ruleset.h"

static json_t *
jsonl_str(const char *s)
{
	json_t	*j = s != NULL ? report_util_json_str(s) : NULL;

	return j != NULL ? j : json_null();
}

static int
jsonl_put(FILE *fp, json_t *obj)
{
	return report_util_json_put(fp, obj,
	    JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* A finding's line; node names its node (or NULL), cons the index of the
   finding it is a consequence of (or -1). */
static json_t *
jsonl_finding_of(const struct input_result *r, const struct finding *f,
    const char *node, long cons)
{
	const struct rule *ru = f->rule;
	json_t	*o, *lines;
	size_t	 i;

	lines = json_array();
	for (i = 0; i < f->nlines && i < FINDING_MAX_LINES; i++)
		json_array_append_new(lines, json_integer((json_int_t)f->lines[i]));
	if (f->nlines == 0 && f->line > 0)
		json_array_append_new(lines, json_integer((json_int_t)f->line));
	o = json_object();
	json_object_set_new(o, "type", json_string("finding"));
	json_object_set_new(o, "path", jsonl_str(r->path));
	json_object_set_new(o, "kind", json_string(r->kind == INPUT_JOB ?
	    "job" : "log"));
	json_object_set_new(o, "rule", jsonl_str(ru->id));
	json_object_set_new(o, "cause", jsonl_str(report_util_cause(f)));
	json_object_set_new(o, "severity",
	    json_string(rule_severity_name(f->severity)));
	json_object_set_new(o, "title", jsonl_str(ru->title));
	json_object_set_new(o, "line", json_integer((json_int_t)f->line));
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "count",
	    json_integer((json_int_t)(f->count > 0 ? f->count : 1)));
	json_object_set_new(o, "text", jsonl_str(f->text));
	json_object_set_new(o, "message", jsonl_str(f->message));
	json_object_set_new(o, "remedy", jsonl_str(f->remedy));
	json_object_set_new(o, "session", result_session_index(r, f->session) >=
	    0 ? json_integer(result_session_index(r, f->session)) :
	    json_null());
	json_object_set_new(o, "node", node != NULL ? jsonl_str(node) :
	    json_null());
	json_object_set_new(o, "primary", json_boolean(f->primary != 0));
	json_object_set_new(o, "consequence_of", cons >= 0 ?
	    json_integer((json_int_t)cons) : json_null());
	return o;
}

static json_t *
jsonl_finding(const struct input_result *r, size_t idx)
{
	const struct finding *f = r->findings[idx];

	return jsonl_finding_of(r, f, r->kind == INPUT_JOB && f->node >= 0 &&
	    (size_t)f->node < r->nnodes ? r->nodes[f->node].node_id : NULL,
	    f->consequence_of != NULL ? (long)f->consequence_of->pos : -1);
}

/* A job node's line. */
static json_t *
jsonl_node(const struct input_result *r, const struct job_node *nd,
    size_t nfindings)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("node"));
	json_object_set_new(o, "path", jsonl_str(r->path));
	json_object_set_new(o, "kind", json_string("job"));
	json_object_set_new(o, "node", jsonl_str(nd->node_id));
	json_object_set_new(o, "status", jsonl_str(nd->status));
	json_object_set_new(o, "outcome", json_string(outcome_name(
	    nd->outcome)));
	json_object_set_new(o, "primary_cause", nd->primary != NULL ?
	    jsonl_str(report_util_cause(nd->primary)) : json_null());
	json_object_set_new(o, "line", json_integer((json_int_t)nd->line));
	json_object_set_new(o, "findings", json_integer((json_int_t)
	    nfindings));
	return o;
}

/* Every node of a job read again (result.h: node_replay): its line, then
   its findings, numbered in the order written. */
struct jsonl_stream {
	FILE		*fp;
	size_t		 written;	/* finding lines so far */
};

static int
jsonl_stream_node(void *ctx, const struct input_result *r,
    const struct job_node *nd, struct finding *const *f, size_t n)
{
	struct jsonl_stream *js = ctx;
	size_t i, base = js->written, k;
	long cons;

	if (jsonl_put(js->fp, jsonl_node(r, nd, n)) != 0)
		return DIAG_EIO;
	for (i = 0; i < n; i++) {
		cons = -1;
		for (k = 0; f[i]->consequence_of != NULL && k < n; k++)
			if (f[k] == f[i]->consequence_of)
				cons = (long)(base + k);
		if (jsonl_put(js->fp, jsonl_finding_of(r, f[i], nd->node_id,
		    cons)) != 0)
			return DIAG_EIO;
	}
	js->written += n;
	return 0;
}

/* The findings of each node, counted once (nodes with none count 0). */
static size_t *
node_counts(const struct input_result *r)
{
	size_t *c = calloc(r->nnodes + 1, sizeof(*c)), j;

	if (c == NULL)
		return NULL;
	for (j = 0; j < r->nfindings; j++)
		if (r->findings[j]->node >= 0 &&
		    (size_t)r->findings[j]->node < r->nnodes)
			c[r->findings[j]->node]++;
	return c;
}

int
report_jsonl(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	size_t	 i, j;
	json_t	*e;

	(void)o;
	for (i = 0; i < n; i++) {
		const struct input_result *r = in[i];

		if (r->error) {
			e = json_object();
			json_object_set_new(e, "type", json_string("error"));
			json_object_set_new(e, "path", jsonl_str(r->path));
			json_object_set_new(e, "kind", json_string(
			    input_kind_name(r->kind)));
			json_object_set_new(e, "error", jsonl_str(
			    r->error_text != NULL ? r->error_text :
			    "input could not be read"));
			if (jsonl_put(fp, e) != 0)
				return DIAG_EIO;
		}
		if (r->kind == INPUT_JOB && r->nodes_summarised.n > 0 &&
		    r->replay != NULL) {
			/* more nodes than a report lists: every one, read
			   again, in input order */
			struct jsonl_stream js = { fp, 0 };

			if (result_each_node(r, jsonl_stream_node, &js) != 0)
				return DIAG_EIO;
			continue;
		}
		if (r->kind == INPUT_JOB) {
			size_t *c = node_counts(r);

			for (j = 0; c != NULL && j < r->nnodes; j++)
				if (jsonl_put(fp, jsonl_node(r, &r->nodes[j],
				    c[j])) != 0) {
					free(c);
					return DIAG_EIO;
				}
			free(c);
		}
		for (j = 0; j < r->nfindings; j++)
			if (jsonl_put(fp, jsonl_finding(r, j)) != 0)
				return DIAG_EIO;
		if (r->kind == INPUT_JOB && r->nodes_summarised.n > 0) {
			/* the nodes only counted, after the listed ones'
			   findings */
			e = json_object();
			json_object_set_new(e, "type",
			    json_string("nodes_summarised"));
			json_object_set_new(e, "path", jsonl_str(r->path));
			json_object_set_new(e, "kind", json_string("job"));
			json_object_update_new(e,
			    report_util_nodes_summarised(r));
			if (jsonl_put(fp, e) != 0)
				return DIAG_EIO;
		}
	}
	if (fflush(fp) != 0 || ferror(fp))
		return DIAG_EIO;
	return 0;
}
