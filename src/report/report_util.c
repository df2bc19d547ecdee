/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_util: helpers shared by the report writers; see report_util.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "report_util.h"
#include "result.h"
#include "xalloc.h"
#include "ruleset.h"
#include "sanitize.h"
#include "strbuf.h"

const char *
report_util_rule_id(const struct finding *f)
{
	return f->rule->id;	/* never NULL: see struct finding */
}

const char *
report_util_cause(const struct finding *f)
{
	return f->cause != NULL ? f->cause : "unknown";
}

const char *
report_util_title(const struct finding *f)
{
	return f->rule->title;	/* required, or a marker's id */
}

const char *
report_util_under_cwd(const char *path, const char *cwd)
{
	size_t	 cl;

	if (cwd == NULL)
		return NULL;
	cl = strlen(cwd);
	while (cl > 0 && cwd[cl - 1] == '/')
		cl--;
	if (strncmp(path, cwd, cl) == 0 && path[cl] == '/' &&
	    path[cl + 1] != '\0')
		return path + cl + 1;
	return NULL;
}

json_t *
report_util_json_str(const char *s)
{
	json_t	*j;
	char	*clean;

	if ((j = json_string(s)) != NULL)
		return j;
	clean = sanitize_dup(s, strlen(s));
	j = json_string(clean);
	free(clean);
	return j;
}

int
report_util_json_put(FILE *fp, json_t *obj, size_t flags)
{
	int	 rc;

	if (obj == NULL)
		return DIAG_EIO;
	rc = json_dumpf(obj, fp, flags);
	json_decref(obj);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return DIAG_EIO;
	return 0;
}

int *
report_cons_links(const struct input_result *r)
{
	size_t i, n = r->nfindings;
	int *next = xmalloc((2 * n + 1) * sizeof(*next));

	for (i = 0; i < 2 * n; i++)
		next[i] = -1;
	/* backwards, so that each chain lists its findings in order */
	for (i = n; i-- > 0;) {
		const struct finding *cf = r->findings[i]->consequence_of;
		size_t c = cf != NULL ? cf->pos : n;

		if (c < n) {
			next[i] = next[n + (size_t)c];
			next[n + (size_t)c] = (int)i;
		}
	}
	return next;
}

/* ---- streaming JSON (see report_util.h) ---- */

void
jw_flush(struct jw *w)
{
	if (w->buf.len > 0 &&
	    fwrite(w->buf.buf, 1, w->buf.len, w->fp) != w->buf.len)
		w->failed = 1;
	strbuf_reset(&w->buf);
}

void
jw_raw(struct jw *w, const char *p, size_t n)
{
	strbuf_add(&w->buf, p, n);
	if (w->buf.len >= 65536)
		jw_flush(w);
}

void
jw_indent(struct jw *w, int indent)
{
	static const char sp[] = "                                ";

	while (indent > 0) {
		int k = indent < 32 ? indent : 32;

		jw_raw(w, sp, (size_t)k);
		indent -= k;
	}
}

struct jw_chunk {
	struct jw	*w;
	int		 indent;
};

/* jansson's output, a chunk at a time: each newline gains the indent. */
static int
jw_put(const char *buf, size_t n, void *data)
{
	struct jw_chunk *c = data;
	const char *nl;

	while (n > 0 && (nl = memchr(buf, '\n', n)) != NULL) {
		size_t k = (size_t)(nl - buf) + 1;

		jw_raw(c->w, buf, k);
		jw_indent(c->w, c->indent);
		buf += k;
		n -= k;
	}
	jw_raw(c->w, buf, n);
	return 0;
}

/* Writes v (released) as JSON_INDENT(2) text shifted right by indent. */
void
jw_value(struct jw *w, json_t *v, int indent)
{
	struct jw_chunk c = {w, indent};

	if (v == NULL || json_dump_callback(v, jw_put, &c, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0)
		w->failed = 1;
	json_decref(v);
}

/* ",\n" between members, then the key at indent. */
void
jw_key(struct jw *w, int indent, const char *key, int *first)
{
	if (!*first)
		jw_raw(w, ",", 1);
	jw_raw(w, "\n", 1);
	jw_indent(w, indent);
	strbuf_addf(&w->buf, "\"%s\": ", key);
	*first = 0;
}

void
jw_member(struct jw *w, int indent, const char *key, json_t *v, int *first)
{
	jw_key(w, indent, key, first);
	jw_value(w, v, indent);
}

/* The job nodes counted, not listed (result.h: node_summary). */
json_t *
report_util_nodes_summarised(const struct input_result *r)
{
	const struct node_summary *sm = &r->nodes_summarised;
	json_t *o = json_object(), *by = json_object(), *bs = json_object(),
	    *bc = json_object(), *bv, *fa;
	size_t k;

	json_object_set_new(o, "count", json_integer((json_int_t)sm->n));
	for (k = 0; k <= OUTCOME_NOT_ATTEMPTED; k++)
		if (sm->by_outcome[k] > 0)
			json_object_set_new(by, outcome_name((enum outcome)k),
			    json_integer((json_int_t)sm->by_outcome[k]));
	json_object_set_new(o, "by_outcome", by);
	for (k = 0; k < sm->nstatus; k++)
		json_object_set_new(bs, sm->by_status[k].status,
		    json_integer((json_int_t)sm->by_status[k].n));
	json_object_set_new(o, "by_status", bs);
	for (k = 0; k < sm->ncause; k++)
		json_object_set_new(bc, sm->by_cause[k].cause,
		    json_integer((json_int_t)sm->by_cause[k].n));
	json_object_set_new(o, "by_cause", bc);
	json_object_set_new(o, "timed_out", json_integer((json_int_t)
	    sm->ntimed_out));
	json_object_set_new(o, "disagree", json_integer((json_int_t)
	    sm->ndisagree));
	json_object_set_new(o, "findings", json_integer((json_int_t)
	    sm->nfindings));
	json_object_set_new(o, "errors", json_integer((json_int_t)
	    sm->nerrors));
	bv = json_object();
	for (k = RULE_ERROR + 1; k-- > 0;)
		json_object_set_new(bv, rule_severity_name((enum rule_severity)k),
		    json_integer((json_int_t)sm->by_severity[k]));
	json_object_set_new(o, "by_severity", bv);
	fa = json_array();
	for (k = 0; k < sm->nfps; k++) {
		const struct fingerprint_count *fc = &sm->fps[k];

		json_array_append_new(fa, json_pack("{s:o,s:o,s:s,s:s,s:I,s:I}",
		    "rule", report_util_json_str(fc->rule),
		    "cause", report_util_json_str(fc->cause),
		    "severity", rule_severity_name(fc->severity),
		    "fingerprint", fc->fp,
		    "count", (json_int_t)fc->n,
		    "line", (json_int_t)fc->line));
	}
	json_object_set_new(o, "fingerprints", fa);
	json_object_set_new(o, "without_fingerprint", json_integer((json_int_t)
	    (sm->fps_beyond[RULE_INFO] + sm->fps_beyond[RULE_WARNING] +
	    sm->fps_beyond[RULE_ERROR])));
	return o;
}
