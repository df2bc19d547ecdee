/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruleset: strict loading of rule files (see ruleset.h, rules/README.md).
 *
 * Strings of a rule point into the jansson document it came from; the
 * ruleset keeps every document alive until ruleset_free().  Rules of a
 * compiled image (ruleset_load_image) live in one block per image and
 * borrow their strings and arrays from it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "jsonpos.h"
#include "loader.h"
#include "ruleset.h"
#include "schema.h"
#include "xalloc.h"

struct ruleset *
ruleset_new(void)
{
	return xcalloc(1, sizeof(struct ruleset));
}

static void
rule_free(struct rule *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->ignore);
	free(r->needles);
	free(r->kconfig);
	free(r->references);
	free(r->decode);
	free(r->ctx.requires);
	free(r->ctx.excludes);
	free(r->overlaps);
	free(r->overrides);
	free(r->frames.top);
	free(r->frames.any);
	free(r->frames.none);
	free(r->frames.not_top);
	free(r->frames.of);
	for (i = 0; i < r->nmatch; i++) {
		free(r->match[i].cap_names);
		free(r->match[i].cap_values);
		free(r->match[i].stack);
	}
	for (i = 0; i < r->nno_match; i++) {
		free(r->no_match[i].cap_names);
		free(r->no_match[i].cap_values);
		free(r->no_match[i].stack);
	}
	free(r->match);
	free(r->no_match);
	free(r);
}

/* Frees r unless it lives in an image's block (freed whole). */
static void
rule_drop(struct ruleset *rs, struct rule *r)
{
	size_t i;

	for (i = 0; i < rs->nblocks; i++)
		if (r >= rs->blocks[i] && r < rs->blocks[i] + rs->nblock[i])
			return;
	rule_free(r);
}

void
ruleset_free(struct ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++)
		rule_drop(rs, rs->rules[i]);
	for (i = 0; i < rs->nblocks; i++)
		if (!rs->borrowed[i])
			free(rs->blocks[i]);
	free(rs->blocks);
	free(rs->nblock);
	free(rs->borrowed);
	for (i = 0; i < rs->ntables; i++)
		code_table_free(rs->tables[i]);
	for (i = 0; i < rs->ndocs; i++)
		json_decref(rs->docs[i]);
	free(rs->rules);
	free(rs->rule_source);
	free(rs->hash);
	free(rs->tables);
	free(rs->docs);
	free(rs);
}

/*
 * Line numbers of rules, markers and code tables, found in one pass over the
 * file's text (after jansson accepted it): for element i of the top-level
 * array "rules", "markers" or "codes", the line of its "id" (or "table")
 * value, or of the element's start when it has none.  Indexed by position,
 * so a duplicate id reports its own line.
 */
static int
section_of(const char *key, size_t len)
{
	static const char *const names[IDX_NSECT] = {"rules", "markers",
	    "codes"};
	int i;

	for (i = 0; i < IDX_NSECT; i++)
		if (strlen(names[i]) == len && memcmp(names[i], key, len) == 0)
			return i;
	return -1;
}

struct index_state {
	struct loader	*L;
	int		 sect;		/* section of the current top key */
	int		 pending;	/* the next depth-3 value is the id */
};

static void
index_add(struct loader *L, int sect, size_t i, long line)
{
	struct line_list *ll = &L->idx[sect];

	while (ll->n <= i) {
		ll->line = xgrow(ll->line, &ll->cap, ll->n + 1, sizeof(*ll->line));
		ll->line[ll->n++] = 0;
	}
	ll->line[i] = line;
}

static int
index_token(void *ctx, const struct jsonpos_token *t)
{
	struct index_state *st = ctx;
	struct line_list *ll;

	if (t->kind == JSONPOS_KEY && t->depth == 1) {
		st->sect = section_of(t->s, t->len);
		st->pending = 0;
		return 0;
	}
	if (st->sect < 0)
		return 0;
	/* an element of a section array: a container (its own depth 3), or
	   a string or scalar at depth 2 */
	if (t->in_array && (((t->kind == JSONPOS_OPEN_OBJECT ||
	    t->kind == JSONPOS_OPEN_ARRAY) && t->depth == 3) ||
	    ((t->kind == JSONPOS_STRING || t->kind == JSONPOS_SCALAR) &&
	    t->depth == 2))) {
		index_add(st->L, st->sect, t->index, (long)t->line);
		st->pending = 0;
		return 0;
	}
	if (t->depth != 3)
		return 0;
	if (t->kind == JSONPOS_KEY) {
		st->pending = t->len == (st->sect == IDX_CODES ? 5u : 2u) &&
		    memcmp(t->s, st->sect == IDX_CODES ? "table" : "id",
		    t->len) == 0;
		return 0;
	}
	ll = &st->L->idx[st->sect];
	if (st->pending && t->kind == JSONPOS_STRING && ll->n > 0)
		ll->line[ll->n - 1] = (long)t->line;
	st->pending = 0;
	return 0;
}

/* The line of each element of "rules", "markers" and "codes": of its
   "id" (a table's "table") value, or of the element's start. */
static void
index_build(struct loader *L)
{
	struct index_state st = {L, -1, 0};

	(void)jsonpos_scan(L->text, L->len, index_token, &st);
}

static void
index_free(struct loader *L)
{
	int i;

	for (i = 0; i < IDX_NSECT; i++)
		free(L->idx[i].line);
}

/* The line of element i of a section array, 0 if unknown. */
long
loader_line(const struct loader *L, int sect, size_t i)
{
	return i < L->idx[sect].n ? L->idx[sect].line[i] : 0;
}

int
loader_fail(struct loader *L, enum diag_code code, const char *fmt, ...)
{
	char buf[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (L->rule_id != NULL)
		return diag_set(L->err, code, L->name, L->rule_line, 0,
		    "rule '%s': %s", L->rule_id, buf);
	return diag_set(L->err, code, L->name, L->rule_line, 0, "%s", buf);
}

int
loader_check_fields(struct loader *L, json_t *obj, const char *const *allowed,
    const char *what)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL)
			return loader_fail(L, DIAG_ESCHEMA, "unknown field '%s' in %s",
			    key, what);
	}
	return 0;
}

/* Every member of a rule or marker must be a field the schema table gives
   its kind, of the table's JSON type. */
static int
check_schema(struct loader *L, json_t *obj, enum rule_kind kind)
{
	unsigned bit = kind == RULE_KIND_RULE ? SCHEMA_RULE : SCHEMA_MARKER;
	const struct schema_field *f;
	const char *key;
	json_t *v;
	int ok;

	json_object_foreach(obj, key, v) {
		if ((f = schema_find(key)) == NULL || !(f->kinds & bit))
			return loader_fail(L, DIAG_ESCHEMA, "unknown field '%s' in %s",
			    key, kind == RULE_KIND_RULE ? "a rule" : "a marker");
		switch (f->type) {
		case SCHEMA_STRING:
			ok = json_is_string(v);
			break;
		case SCHEMA_OBJECT:
			ok = json_is_object(v);
			break;
		default:
			ok = json_is_array(v);
			break;
		}
		if (!ok)
			return loader_fail(L, DIAG_ESCHEMA, "field '%s' must be %s %s",
			    key, f->type == SCHEMA_STRING ? "a" : "an",
			    schema_type_name(f->type));
	}
	return 0;
}

int
loader_get_str(struct loader *L, json_t *obj, const char *key, int required,
    const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			return loader_fail(L, DIAG_ESCHEMA, "missing field '%s'", key);
		return 0;
	}
	if (!json_is_string(v))
		return loader_fail(L, DIAG_ESCHEMA, "field '%s' must be a string", key);
	*out = json_string_value(v);
	if (required && **out == '\0')
		return loader_fail(L, DIAG_ESCHEMA, "field '%s' must not be empty", key);
	return 0;
}

static int
get_strv(struct loader *L, json_t *obj, const char *key, const char ***out,
    size_t *n)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i;

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return loader_fail(L, DIAG_ESCHEMA, "field '%s' must be an array of strings",
		    key);
	*out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return loader_fail(L, DIAG_ESCHEMA,
			    "field '%s' must be an array of strings", key);
		(*out)[i] = json_string_value(e);
	}
	*n = json_array_size(v);
	return 0;
}

static int
get_long(struct loader *L, json_t *obj, const char *key, long long *out)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return loader_fail(L, DIAG_ESCHEMA,
		    "field '%s' must be a non-negative integer", key);
	*out = json_integer_value(v);
	return 0;
}

static int
parse_examples(struct loader *L, json_t *arr, const char *key,
    struct rule_example **out, size_t *n)
{
	static const char *const ex_fields[] = {"line", "captures", "field",
	    "stack", NULL};
	json_t *e, *caps, *cv;
	const char *ck;
	size_t i, k;

	*out = NULL;
	*n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return loader_fail(L, DIAG_ESCHEMA, "examples.%s must be an array", key);
	*out = xcalloc(json_array_size(arr) + 1, sizeof(**out));
	*n = json_array_size(arr);
	json_array_foreach(arr, i, e) {
		struct rule_example *x = &(*out)[i];

		if (json_is_string(e)) {
			x->line = json_string_value(e);
			continue;
		}
		if (!json_is_object(e))
			return loader_fail(L, DIAG_ESCHEMA,
			    "examples.%s[%zu] must be a string or an object",
			    key, i);
		if (loader_check_fields(L, e, ex_fields, "an example") != 0 ||
		    get_strv(L, e, "stack", &x->stack, &x->nstack) != 0 ||
		    loader_get_str(L, e, "line", x->stack == NULL, &x->line) != 0 ||
		    loader_get_str(L, e, "field", 0, &x->field) != 0)
			return -1;
		if (x->stack != NULL && (x->nstack == 0 || x->line != NULL))
			return loader_fail(L, DIAG_ESCHEMA, "examples.%s[%zu]: "
			    "a stack example is {\"stack\": [functions, top "
			    "first]}, with no line", key, i);
		caps = json_object_get(e, "captures");
		if (caps == NULL)
			continue;
		if (!json_is_object(caps))
			return loader_fail(L, DIAG_ESCHEMA,
			    "examples.%s[%zu].captures must be an object", key, i);
		x->cap_names = xcalloc(json_object_size(caps) + 1, sizeof(char *));
		x->cap_values = xcalloc(json_object_size(caps) + 1, sizeof(char *));
		k = 0;
		json_object_foreach(caps, ck, cv) {
			if (!json_is_string(cv))
				return loader_fail(L, DIAG_ESCHEMA,
				    "examples.%s[%zu].captures.%s must be a string",
				    key, i, ck);
			x->cap_names[k] = ck;
			x->cap_values[k] = json_string_value(cv);
			k++;
		}
		x->ncaps = k;
	}
	return 0;
}

static int
parse_refs(struct loader *L, json_t *arr, const char *key,
    struct rule_ref **out, size_t *n)
{
	static const char *const ref_fields[] = {"rule", "stage", "label",
	    "before_lines", "after_lines", "within_ms", NULL};
	json_t *e;
	size_t i;
	const char *stage;
	long long v;

	*out = NULL;
	*n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return loader_fail(L, DIAG_ESCHEMA, "context.%s must be an array", key);
	*out = xcalloc(json_array_size(arr) + 1, sizeof(**out));
	*n = json_array_size(arr);
	json_array_foreach(arr, i, e) {
		struct rule_ref *r = &(*out)[i];

		if (!json_is_object(e))
			return loader_fail(L, DIAG_ESCHEMA,
			    "context.%s[%zu] must be an object", key, i);
		if (loader_check_fields(L, e, ref_fields, "a context reference") != 0 ||
		    loader_get_str(L, e, "rule", 0, &r->rule) != 0 ||
		    loader_get_str(L, e, "stage", 0, &stage) != 0 ||
		    loader_get_str(L, e, "label", 0, &r->label) != 0)
			return -1;
		r->stage = -1;
		if (stage != NULL && (r->stage = stage_from_name(stage)) < 0)
			return loader_fail(L, DIAG_ESCHEMA, "unknown stage '%s' in context.%s",
			    stage, key);
		if (r->rule == NULL && stage == NULL && r->label == NULL)
			return loader_fail(L, DIAG_ESCHEMA,
			    "context.%s[%zu] names no rule, stage or label", key, i);
		v = -1;
		if (get_long(L, e, "before_lines", &v) != 0)
			return -1;
		r->before_lines = (long)v;
		v = -1;
		if (get_long(L, e, "after_lines", &v) != 0)
			return -1;
		r->after_lines = (long)v;
		r->within_ms = -1;
		if (get_long(L, e, "within_ms", &r->within_ms) != 0)
			return -1;
		if (r->before_lines < 0 && r->after_lines < 0 && r->within_ms < 0)
			r->before_lines = 50;
	}
	return 0;
}

static int
parse_range(struct loader *L, json_t *ctx, const char *key, long long *min,
    long long *max)
{
	static const char *const minmax[] = {"min", "max", NULL};
	static const char *const maxonly[] = {"max", NULL};
	static const char *const count[] = {"min", "within_ms", NULL};
	json_t *o = json_object_get(ctx, key);
	char what[64];

	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return loader_fail(L, DIAG_ESCHEMA, "context.%s must be an object", key);
	snprintf(what, sizeof(what), "context.%s", key);
	if (loader_check_fields(L, o, strcmp(key, "count") == 0 ? count :
	    strcmp(key, "uptime_ms") == 0 ? maxonly : minmax, what) != 0)
		return -1;
	if (min != NULL && get_long(L, o, "min", min) != 0)
		return -1;
	if (max != NULL && get_long(L, o, "max", max) != 0)
		return -1;
	return 0;
}

/* "frames": {top, depth, any, none, of} (see struct rule_frames). */
static int
parse_frames(struct loader *L, json_t *c, struct rule_frames *fr)
{
	static const char *const fields[] = {"top", "depth", "any", "none",
	    "not_top", "of", NULL};
	long long depth = 4;
	size_t i;

	if (!json_is_object(c))
		return loader_fail(L, DIAG_ESCHEMA, "'frames' must be an object");
	if (loader_check_fields(L, c, fields, "frames") != 0 ||
	    get_strv(L, c, "top", &fr->top, &fr->ntop) != 0 ||
	    get_strv(L, c, "any", &fr->any, &fr->nany) != 0 ||
	    get_strv(L, c, "none", &fr->none, &fr->nnone) != 0 ||
	    get_strv(L, c, "not_top", &fr->not_top, &fr->nnot_top) != 0 ||
	    get_strv(L, c, "of", &fr->of, &fr->nof) != 0 ||
	    get_long(L, c, "depth", &depth) != 0)
		return -1;
	if (fr->ntop + fr->nany + fr->nnone == 0)
		return loader_fail(L, DIAG_ESCHEMA,
		    "'frames' needs one of top, any, none");
	if (depth < 1 || depth > 64)
		return loader_fail(L, DIAG_ESCHEMA,
		    "frames.depth must be from 1 to 64");
	fr->depth = (long)depth;
	for (i = 0; i < fr->nof; i++)
		if (!cause_is_known(fr->of[i]))
			return loader_fail(L, DIAG_ESCHEMA, "unknown cause '%s' in "
			    "frames.of", fr->of[i]);
	return 0;
}

static int
parse_context(struct loader *L, json_t *c, struct rule_context *ctx)
{
	static const char *const ctx_fields[] = {"phase", "progress",
	    "uptime_ms", "count", "requires", "excludes", "reset", NULL};
	json_t *ph, *e, *cnt;
	size_t i;
	long long lo, hi;
	int p;

	ctx->progress_min = ctx->progress_max = -1;
	ctx->uptime_max_ms = -1;
	ctx->count_within_ms = -1;
	if (!json_is_object(c))
		return loader_fail(L, DIAG_ESCHEMA, "context must be an object");
	if (loader_check_fields(L, c, ctx_fields, "context") != 0)
		return -1;
	if ((ph = json_object_get(c, "phase")) != NULL) {
		if (!json_is_array(ph))
			return loader_fail(L, DIAG_ESCHEMA,
			    "context.phase must be an array of phase names");
		json_array_foreach(ph, i, e) {
			if (!json_is_string(e) ||
			    (p = phase_from_name(json_string_value(e))) < 0)
				return loader_fail(L, DIAG_ESCHEMA,
				    "unknown phase in context.phase (known: idle, "
				    "checking, downloading, verifying, rebooting, "
				    "booting-new, validated, rolled-back)");
			ctx->phases |= 1u << p;
		}
	}
	lo = hi = -1;
	if (parse_range(L, c, "progress", &lo, &hi) != 0)
		return -1;
	ctx->progress_min = (int)lo;
	ctx->progress_max = (int)hi;
	hi = -1;
	if (parse_range(L, c, "uptime_ms", NULL, &hi) != 0)
		return -1;
	ctx->uptime_max_ms = hi;
	if ((cnt = json_object_get(c, "count")) != NULL) {
		lo = -1;
		if (parse_range(L, c, "count", &lo, NULL) != 0)
			return -1;
		if (lo < 1 || lo > 64)
			return loader_fail(L, DIAG_ESCHEMA,
			    "context.count needs min from 1 to 64");
		ctx->count_min = (int)lo;
		if (json_is_object(cnt) &&
		    get_long(L, cnt, "within_ms", &ctx->count_within_ms) != 0)
			return -1;
	}
	if (loader_get_str(L, c, "reset", 0, &ctx->reset) != 0)
		return -1;
	if (parse_refs(L, json_object_get(c, "requires"), "requires",
	    &ctx->requires, &ctx->nrequires) != 0)
		return -1;
	if (parse_refs(L, json_object_get(c, "excludes"), "excludes",
	    &ctx->excludes, &ctx->nexcludes) != 0)
		return -1;
	return 0;
}

static int
parse_kconfig(struct loader *L, json_t *arr, struct rule *r)
{
	static const char *const kc_fields[] = {"option", "action", "value",
	    "note", NULL};
	static const char *const actions[] = {"set", "enable", "disable",
	    "increase", "decrease", "check", NULL};
	json_t *e;
	size_t i, k;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return loader_fail(L, DIAG_ESCHEMA, "kconfig must be an array");
	r->kconfig = xcalloc(json_array_size(arr) + 1, sizeof(*r->kconfig));
	r->nkconfig = json_array_size(arr);
	json_array_foreach(arr, i, e) {
		struct rule_kconfig *kc = &r->kconfig[i];

		if (!json_is_object(e))
			return loader_fail(L, DIAG_ESCHEMA, "kconfig[%zu] must be an object",
			    i);
		if (loader_check_fields(L, e, kc_fields, "a kconfig entry") != 0 ||
		    loader_get_str(L, e, "option", 1, &kc->option) != 0 ||
		    loader_get_str(L, e, "action", 1, &kc->action) != 0 ||
		    loader_get_str(L, e, "value", 0, &kc->value) != 0 ||
		    loader_get_str(L, e, "note", 0, &kc->note) != 0)
			return -1;
		for (k = 0; actions[k] != NULL; k++)
			if (strcmp(actions[k], kc->action) == 0)
				break;
		if (actions[k] == NULL)
			return loader_fail(L, DIAG_ESCHEMA,
			    "kconfig[%zu].action '%s' is not one of set, enable, "
			    "disable, increase, decrease, check", i, kc->action);
	}
	return 0;
}

static int
parse_decode(struct loader *L, json_t *arr, struct rule *r)
{
	static const char *const dc_fields[] = {"capture", "table", "set_cause",
	    NULL};
	json_t *e, *sc;
	size_t i;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return loader_fail(L, DIAG_ESCHEMA, "decode must be an array");
	r->decode = xcalloc(json_array_size(arr) + 1, sizeof(*r->decode));
	r->ndecode = json_array_size(arr);
	json_array_foreach(arr, i, e) {
		if (!json_is_object(e))
			return loader_fail(L, DIAG_ESCHEMA, "decode[%zu] must be an object",
			    i);
		if (loader_check_fields(L, e, dc_fields, "a decode entry") != 0 ||
		    loader_get_str(L, e, "capture", 1, &r->decode[i].capture) != 0 ||
		    loader_get_str(L, e, "table", 1, &r->decode[i].table) != 0)
			return -1;
		sc = json_object_get(e, "set_cause");
		if (sc != NULL && !json_is_boolean(sc))
			return loader_fail(L, DIAG_ESCHEMA,
			    "decode[%zu].set_cause must be true or false", i);
		r->decode[i].set_cause = sc != NULL && json_is_true(sc);
	}
	return 0;
}

static int
valid_id(const char *id)
{
	const char *p;

	if (*id == '\0' || strlen(id) > 80)
		return 0;
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_'))
			return 0;
	return 1;
}

static int
parse_rule(struct loader *L, json_t *o, enum rule_kind kind, struct rule *r)
{
	static const char *const examples_fields[] = {"match", "no_match", NULL};
	const char *s, *on, *target, *role, *conf;
	json_t *ex;
	size_t k;
	int st;

	r->kind = kind;
	if (check_schema(L, o, kind) != 0)
		return -1;
	r->trigger = -1;
	if (kind == RULE_KIND_RULE && json_object_get(o, "stage") != NULL) {
		/* a rule fired by a marker stage: no pattern of its own */
		if (loader_get_str(L, o, "stage", 1, &s) != 0)
			return -1;
		if ((st = stage_from_name(s)) < 0)
			return loader_fail(L, DIAG_ESCHEMA,
			    "unknown stage '%s' (see rules/README.md)", s);
		if (json_object_get(o, "pattern") != NULL ||
		    (json_object_get(o, "needle") != NULL ||
		    json_object_get(o, "needles") != NULL))
			return loader_fail(L, DIAG_ESCHEMA, "a rule with a 'stage' takes "
			    "no 'pattern' or 'needle': the stage's markers match");
		r->trigger = st;
		r->form = RULE_FORM_STAGE;
	} else if (kind == RULE_KIND_RULE && json_object_get(o, "frames") !=
	    NULL) {
		/* matched against a crash's decoded stack, not lines */
		if (json_object_get(o, "pattern") != NULL ||
		    (json_object_get(o, "needle") != NULL ||
		    json_object_get(o, "needles") != NULL) ||
		    json_object_get(o, "target") != NULL)
			return loader_fail(L, DIAG_ESCHEMA, "a rule with 'frames' "
			    "takes no 'pattern', 'needle' or 'target': the crash's "
			    "stack is what it matches");
		if (parse_frames(L, json_object_get(o, "frames"),
		    &r->frames) != 0)
			return -1;
		r->form = RULE_FORM_FRAMES;
	} else if (kind == RULE_KIND_RULE && json_is_string(json_object_get(o,
	    "target")) && strcmp(json_string_value(json_object_get(o,
	    "target")), "session") == 0) {
		/* raised by the session model itself, never matched */
		if (json_object_get(o, "pattern") != NULL ||
		    (json_object_get(o, "needle") != NULL ||
		    json_object_get(o, "needles") != NULL))
			return loader_fail(L, DIAG_ESCHEMA, "a rule with target "
			    "\"session\" takes no 'pattern' or 'needle': the "
			    "session model raises it");
		r->form = RULE_FORM_SESSION;
	} else if (loader_get_str(L, o, "pattern", 1, &r->pattern) != 0)
		return -1;
	else
		r->form = kind == RULE_KIND_MARKER ? RULE_FORM_MARKER :
		    RULE_FORM_PATTERN;
	if (loader_get_str(L, o, "needle", 0, &r->needle) != 0 ||
	    get_strv(L, o, "needles", &r->needles, &r->nneedles) != 0 ||
	    loader_get_str(L, o, "needle_note", 0, &r->needle_note) != 0 ||
	    loader_get_str(L, o, "on", 0, &on) != 0 ||
	    loader_get_str(L, o, "level", 0, &r->levels) != 0 ||
	    loader_get_str(L, o, "tag", 0, &r->tag_pattern) != 0 ||
	    loader_get_str(L, o, "target", 0, &target) != 0 ||
	    loader_get_str(L, o, "field", 0, &r->field) != 0 ||
	    get_strv(L, o, "ignore", &r->ignore, &r->nignore) != 0 ||
	    loader_get_str(L, o, "confidence", 0, &conf) != 0)
		return -1;
	if (conf != NULL && strcmp(conf, "generic") != 0 &&
	    strcmp(conf, "specific") != 0)
		return loader_fail(L, DIAG_ESCHEMA,
		    "'confidence' must be \"specific\" or \"generic\"");
	r->generic = conf != NULL && strcmp(conf, "generic") == 0;
	if (r->needle != NULL && *r->needle == '\0')
		r->needle = NULL;
	if (r->needles != NULL && (r->needle != NULL || r->nneedles == 0))
		return loader_fail(L, DIAG_ESCHEMA, "'needles' is a non-empty "
		    "list instead of 'needle', not with it");
	for (k = 0; k < r->nneedles; k++)
		if (*r->needles[k] == '\0')
			return loader_fail(L, DIAG_ESCHEMA,
			    "needles[%zu] is empty", k);
	if (r->needle != NULL) {
		/* one list for the prefilter, whichever field gave it */
		r->needles = xcalloc(2, sizeof(char *));
		r->needles[0] = r->needle;
		r->nneedles = 1;
	}
	if (on != NULL && strcmp(on, "message") != 0 && strcmp(on, "text") != 0)
		return loader_fail(L, DIAG_ESCHEMA, "'on' must be \"message\" or \"text\"");
	r->on_text = on != NULL && strcmp(on, "text") == 0;
	r->targets = RULE_TARGET_LOG;
	if (target != NULL) {
		if (strcmp(target, "log") == 0)
			r->targets = RULE_TARGET_LOG;
		else if (strcmp(target, "job") == 0)
			r->targets = RULE_TARGET_JOB;
		else if (strcmp(target, "any") == 0)
			r->targets = RULE_TARGET_LOG | RULE_TARGET_JOB;
		else if (strcmp(target, "session") == 0 &&
		    kind == RULE_KIND_RULE)
			r->targets = 0;		/* raised, never matched */
		else
			return loader_fail(L, DIAG_ESCHEMA, "'target' must be \"log\", "
			    "\"job\", \"any\" or (rules) \"session\"");
	}
	if (r->form == RULE_FORM_FRAMES)
		r->targets = 0;		/* never matched against lines */
	if (r->levels != NULL) {
		for (s = r->levels; *s != '\0'; s++)
			if (strchr("EWIDVC", *s) == NULL)
				return loader_fail(L, DIAG_ESCHEMA,
				    "'level' may only hold the letters E W I D V C");
	}
	if (kind == RULE_KIND_RULE) {
		if (loader_get_str(L, o, "cause", 1, &r->cause) != 0 ||
		    loader_get_str(L, o, "severity", 1, &s) != 0 ||
		    loader_get_str(L, o, "title", 1, &r->title) != 0 ||
		    loader_get_str(L, o, "message", 1, &r->message) != 0 ||
		    loader_get_str(L, o, "remedy", 1, &r->remedy) != 0 ||
		    loader_get_str(L, o, "role", 0, &role) != 0 ||
		    get_strv(L, o, "references", &r->references,
		    &r->nreferences) != 0 ||
		    get_strv(L, o, "overlaps", &r->overlaps, &r->noverlaps) != 0 ||
		    get_strv(L, o, "overrides", &r->overrides,
		    &r->noverrides) != 0)
			return -1;
		if (!cause_is_known(r->cause))
			return loader_fail(L, DIAG_ESCHEMA,
			    "unknown cause '%s' (the cause table: otadiag rules "
			    "fields)", r->cause);
		if ((st = rule_severity_from_name(s)) < 0)
			return loader_fail(L, DIAG_ESCHEMA,
			    "severity '%s' is not info, warning or error", s);
		r->severity = (enum rule_severity)st;
		r->role = RULE_ROLE_CAUSE;
		if (role != NULL) {
			if (strcmp(role, "symptom") == 0)
				r->role = RULE_ROLE_SYMPTOM;
			else if (strcmp(role, "cause") != 0)
				return loader_fail(L, DIAG_ESCHEMA,
				    "'role' must be \"cause\" or \"symptom\"");
		}
		if (parse_kconfig(L, json_object_get(o, "kconfig"), r) != 0 ||
		    parse_decode(L, json_object_get(o, "decode"), r) != 0)
			return -1;
	} else {
		if (loader_get_str(L, o, "stage", 1, &s) != 0 ||
		    loader_get_str(L, o, "title", 0, &r->title) != 0 ||
		    loader_get_str(L, o, "label", 0, &r->label) != 0)
			return -1;
		if ((st = stage_from_name(s)) < 0)
			return loader_fail(L, DIAG_ESCHEMA,
			    "unknown stage '%s' (see rules/README.md)", s);
		r->stage = (enum stage)st;
		if (r->title == NULL)
			r->title = r->id;
		r->severity = RULE_INFO;
	}
	if (json_object_get(o, "context") != NULL) {
		json_t *cx = json_object_get(o, "context");

		if (kind == RULE_KIND_MARKER && json_is_object(cx) &&
		    (json_object_get(cx, "requires") != NULL ||
		    json_object_get(cx, "excludes") != NULL ||
		    json_object_get(cx, "count") != NULL))
			return loader_fail(L, DIAG_ESCHEMA, "a marker's context takes only "
			    "phase, progress, uptime_ms and reset");
		r->has_context = 1;
		if (parse_context(L, json_object_get(o, "context"), &r->ctx) != 0)
			return -1;
	}
	ex = json_object_get(o, "examples");
	if (ex == NULL && kind == RULE_KIND_RULE && r->targets == 0)
		return 0;	/* no line can show a session rule */
	if (ex == NULL)
		return loader_fail(L, DIAG_ESCHEMA, "missing field 'examples'");
	if (!json_is_object(ex) || loader_check_fields(L, ex, examples_fields,
	    "examples") != 0)
		return L->err != NULL && L->err->text[0] != '\0' ? -1 :
		    loader_fail(L, DIAG_ESCHEMA, "'examples' must be an object");
	if (parse_examples(L, json_object_get(ex, "match"), "match", &r->match,
	    &r->nmatch) != 0 ||
	    parse_examples(L, json_object_get(ex, "no_match"), "no_match",
	    &r->no_match, &r->nno_match) != 0)
		return -1;
	if (r->nmatch == 0)
		return loader_fail(L, DIAG_ESCHEMA,
		    "examples.match needs at least one line that must match");
	/* a frames rule's examples are stacks, every other rule's lines */
	for (k = 0; k < r->nmatch + r->nno_match; k++) {
		const struct rule_example *x = k < r->nmatch ? &r->match[k] :
		    &r->no_match[k - r->nmatch];

		if ((x->stack != NULL) != (r->form == RULE_FORM_FRAMES))
			return loader_fail(L, DIAG_ESCHEMA, r->form ==
			    RULE_FORM_FRAMES ? "the examples of a rule with "
			    "'frames' are stacks: {\"stack\": [\"function\", "
			    "...]}, top first" : "only a rule with 'frames' has "
			    "stack examples");
	}
	return 0;
}

/* FNV-1a */
static size_t
hash_str(const char *s)
{
	size_t h = (size_t)2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (size_t)16777619u;
	return h;
}

/* The hash slot holding id, or the empty slot where it would go. */
static size_t
hash_slot(const struct ruleset *rs, const char *id)
{
	size_t i = hash_str(id) & (rs->caphash - 1);

	while (rs->hash[i] != 0 &&
	    strcmp(rs->rules[rs->hash[i] - 1]->id, id) != 0)
		i = (i + 1) & (rs->caphash - 1);
	return i;
}

/* Keep the table at most half full. */
static void
hash_grow(struct ruleset *rs, size_t need)
{
	size_t i, cap = rs->caphash != 0 ? rs->caphash : 64;

	if (need * 2 <= rs->caphash)
		return;
	while (need * 2 > cap)
		cap *= 2;
	free(rs->hash);
	rs->hash = xcalloc(cap, sizeof(*rs->hash));
	rs->caphash = cap;
	for (i = 0; i < rs->nrules; i++)
		rs->hash[hash_slot(rs, rs->rules[i]->id)] = i + 1;
}

static void
add_rule(struct ruleset *rs, struct rule *r)
{
	rs->rules = xgrow(rs->rules, &rs->caprules, rs->nrules + 1,
	    sizeof(*rs->rules));
	if (rs->caprsrc < rs->caprules) {
		rs->rule_source = xrealloc(rs->rule_source,
		    rs->caprules * sizeof(int));
		rs->caprsrc = rs->caprules;
	}
	r->index = rs->nrules;
	rs->rule_source[rs->nrules] = rs->source;
	rs->rules[rs->nrules++] = r;
	hash_grow(rs, rs->nrules);
	rs->hash[hash_slot(rs, r->id)] = rs->nrules;
}

/*
 * Copies every block borrowed from an image (read-only data) to the heap,
 * for a caller that writes its rules.
 */
static void
blocks_own(struct ruleset *rs)
{
	struct rule *copy, *b;
	size_t i, k, n;

	for (k = 0; k < rs->nblocks; k++) {
		if (!rs->borrowed[k])
			continue;
		b = rs->blocks[k];
		n = rs->nblock[k];
		copy = xmalloc(n * sizeof(*copy));
		memcpy(copy, b, n * sizeof(*copy));
		for (i = 0; i < rs->nrules; i++)
			if (rs->rules[i] >= b && rs->rules[i] < b + n)
				rs->rules[i] = copy + (rs->rules[i] - b);
		rs->blocks[k] = copy;
		rs->borrowed[k] = 0;
	}
}

size_t
ruleset_keep_generic(struct ruleset *rs)
{
	size_t i, j, dropped = 0;

	blocks_own(rs);	/* the indices change */
	for (i = j = 0; i < rs->nrules; i++) {
		struct rule *r = rs->rules[i];

		/* raised by the session model or fired by a stage: kept */
		if (!r->generic && rule_matches_lines(r)) {
			rule_drop(rs, r);
			dropped++;
			continue;
		}
		r->index = j;
		rs->rule_source[j] = rs->rule_source[i];
		rs->rules[j++] = r;
	}
	rs->nrules = j;
	memset(rs->hash, 0, rs->caphash * sizeof(*rs->hash));
	for (i = 0; i < rs->nrules; i++)
		rs->hash[hash_slot(rs, rs->rules[i]->id)] = i + 1;
	return dropped;
}

static int
load_rules(struct loader *L, json_t *arr, enum rule_kind kind)
{
	struct ruleset *rs = L->rs;
	const char *what = kind == RULE_KIND_RULE ? "rules" : "markers";
	json_t *o, *idv;
	size_t i;
	struct rule *r, *old;

	if (!json_is_array(arr))
		return loader_fail(L, DIAG_ESCHEMA, "'%s' must be an array", what);
	json_array_foreach(arr, i, o) {
		L->rule_id = NULL;
		L->rule_line = loader_line(L, kind == RULE_KIND_RULE ? IDX_RULES :
		    IDX_MARKERS, i);
		if (!json_is_object(o))
			return loader_fail(L, DIAG_ESCHEMA, "%s[%zu] must be an object",
			    what, i);
		idv = json_object_get(o, "id");
		if (!json_is_string(idv))
			return loader_fail(L, DIAG_ESCHEMA, "%s[%zu] has no string 'id'",
			    what, i);
		r = xcalloc(1, sizeof(*r));
		r->id = json_string_value(idv);
		r->user = 1;	/* ruleset_load_builtin() clears it */
		r->origin = L->name;
		L->rule_id = r->id;
		r->origin_line = L->rule_line;
		if (!valid_id(r->id)) {
			rule_free(r);
			return loader_fail(L, DIAG_ESCHEMA,
			    "id must be lower-case letters, digits, '-', '.', '_'");
		}
		if (parse_rule(L, o, kind, r) != 0) {
			rule_free(r);
			return -1;
		}
		old = (struct rule *)ruleset_find(rs, r->id);
		if (old != NULL) {
			if (rs->rule_source[old->index] == rs->source) {
				int rc;

				/* L->rule_line is this duplicate's own line */
				rc = loader_fail(L, DIAG_ESCHEMA,
				    "duplicate id (first defined in %s line %ld)",
				    old->origin, old->origin_line);

				rule_free(r);
				return rc;
			}
			/* a later source replaces an earlier rule in place */
			r->index = old->index;
			rs->rules[old->index] = r;
			rs->rule_source[old->index] = rs->source;
			rule_drop(rs, old);
		} else
			add_rule(rs, r);
	}
	L->rule_id = NULL;
	L->rule_line = 0;
	return 0;
}

int
ruleset_load_string(struct ruleset *rs, const char *name, const char *text,
    size_t len, struct diag_err *err)
{
	static const char *const top_fields[] = {"rules", "markers", "codes",
	    "$schema", "comment", NULL};
	struct loader L = {0};
	json_error_t je;
	json_t *doc;
	char *keep;
	int rc;

	diag_clear(err);
	keep = xstrdup(name);
	L.rs = rs;
	L.name = keep;
	L.text = text;
	L.len = len;
	L.err = err;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		diag_set(err, DIAG_ESYNTAX, name, je.line > 0 ? je.line : 0,
		    je.column > 0 ? je.column : 0, "%s", je.text);
		free(keep);
		return DIAG_ESYNTAX;
	}
	rs->docs = xgrow(rs->docs, &rs->capdocs, rs->ndocs + 2,
	    sizeof(*rs->docs));
	rs->docs[rs->ndocs++] = doc;
	{
		/* the file name string is owned by a JSON string in docs */
		json_t *nm = json_string(keep);

		free(keep);
		if (nm == NULL)
			nm = json_string("(invalid name)");
		rs->docs[rs->ndocs++] = nm;
		L.name = json_string_value(nm);
	}
	if (!json_is_object(doc))
		return loader_fail(&L, DIAG_ESCHEMA, "a rule file must hold a JSON object");
	rs->source++;
	if (loader_check_fields(&L, doc, top_fields, "the file") != 0)
		return DIAG_ESCHEMA;
	if (json_object_get(doc, "rules") == NULL &&
	    json_object_get(doc, "markers") == NULL &&
	    json_object_get(doc, "codes") == NULL)
		return loader_fail(&L, DIAG_ESCHEMA,
		    "no 'rules', 'markers' or 'codes' array");
	index_build(&L);
	rc = DIAG_ESCHEMA;
	if (json_object_get(doc, "codes") != NULL &&
	    codes_load(&L, json_object_get(doc, "codes")) != 0)
		goto out;
	if (json_object_get(doc, "markers") != NULL &&
	    load_rules(&L, json_object_get(doc, "markers"), RULE_KIND_MARKER) != 0)
		goto out;
	if (json_object_get(doc, "rules") != NULL &&
	    load_rules(&L, json_object_get(doc, "rules"), RULE_KIND_RULE) != 0)
		goto out;
	rc = 0;
out:
	index_free(&L);
	return rc;
}

int
ruleset_load_files(struct ruleset *rs, const struct ruleset_file *f, size_t n,
    struct diag_err *err)
{
	size_t k;
	int rc, src = rs->source + 1;

	/* the files count as one source (ruleset_load_string() starts the
	   next one): ids are unique across them */
	for (k = 0; k < n; k++) {
		rs->source = src - 1;
		if ((rc = ruleset_load_string(rs, f[k].name, f[k].data,
		    f[k].len, err)) != 0)
			return rc;
	}
	return 0;
}

/* Adds a block of rules to rs's list of blocks. */
static void
blocks_add(struct ruleset *rs, struct rule *block, size_t n, int borrowed)
{
	rs->blocks = xrealloc(rs->blocks, (rs->nblocks + 1) *
	    sizeof(*rs->blocks));
	rs->nblock = xrealloc(rs->nblock, (rs->nblocks + 1) *
	    sizeof(*rs->nblock));
	rs->borrowed = xrealloc(rs->borrowed, rs->nblocks + 1);
	rs->blocks[rs->nblocks] = block;
	rs->borrowed[rs->nblocks] = (unsigned char)borrowed;
	rs->nblock[rs->nblocks++] = n;
}

/*
 * The image's rules are used where they are when they are the first rules
 * of rs and rulegen numbered them (index i, user 0): start-up then neither
 * copies them (330 KB, 80 page faults) nor writes them; a later writer
 * (ruleset_keep_generic) copies them first (blocks_own).
 */
static int
image_fits(const struct ruleset *rs, const struct ruleset_image *img)
{
	size_t i;

	if (rs->nrules != 0)
		return 0;
	for (i = 0; i < img->nrules; i++)
		if (img->rules[i].index != i || img->rules[i].user)
			return 0;
	return 1;
}

int
ruleset_load_image(struct ruleset *rs, const struct ruleset_image *img,
    struct diag_err *err)
{
	struct rule *block, *old;
	struct code_table *t;
	size_t i;

	diag_clear(err);
	rs->source++;
	if (img->nrules > 0 && image_fits(rs, img)) {
		/* read-only data: never written through these pointers */
		block = (struct rule *)img->rules;
		blocks_add(rs, block, img->nrules, 1);
		rs->caprules = rs->caprsrc = img->nrules;
		rs->rules = xmalloc(img->nrules * sizeof(*rs->rules));
		rs->rule_source = xmalloc(img->nrules * sizeof(int));
		for (i = 0; i < img->nrules; i++) {
			rs->rules[i] = &block[i];
			rs->rule_source[i] = rs->source;
		}
		rs->nrules = img->nrules;
		rs->image = img;
		hash_grow(rs, rs->nrules);	/* hashes every id */
	} else if (img->nrules > 0) {
		block = xmalloc(img->nrules * sizeof(*block));
		memcpy(block, img->rules, img->nrules * sizeof(*block));
		blocks_add(rs, block, img->nrules, 0);
		hash_grow(rs, rs->nrules + img->nrules);
		for (i = 0; i < img->nrules; i++) {
			struct rule *r = &block[i];

			r->user = 0;
			if ((old = (struct rule *)ruleset_find(rs, r->id)) ==
			    NULL) {
				add_rule(rs, r);
				continue;
			}
			if (rs->rule_source[old->index] == rs->source)
				return diag_set(err, DIAG_ESCHEMA, r->origin,
				    r->origin_line, 0, "rule '%s': duplicate id "
				    "(first defined in %s line %ld)", r->id,
				    old->origin, old->origin_line);
			r->index = old->index;
			rs->rules[old->index] = r;
			rs->rule_source[old->index] = rs->source;
			rule_drop(rs, old);
		}
	}
	for (i = 0; i < img->ntables; i++) {
		const struct code_table *it = &img->tables[i];

		t = xmalloc(sizeof(*t));
		*t = *it;
		t->entries = xcalloc(it->nentries + 1, sizeof(*t->entries));
		memcpy(t->entries, it->entries, it->nentries *
		    sizeof(*t->entries));
		codes_add(rs, t);
	}
	return 0;
}

const struct prefilter *
ruleset_prefilter(const struct ruleset *rs)
{
	const struct ruleset_image *img = rs->image;
	size_t i;

	if (img == NULL || img->prefilter == NULL ||
	    rs->nrules != img->nrules)
		return NULL;
	/* a rule replaced (--rules with a built-in id) or a copy made
	   (--generic-only) */
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i] != &img->rules[i])
			return NULL;
	return img->prefilter;
}

static int
load_file(struct ruleset *rs, const char *path, struct diag_err *err)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if ((fp = fopen(path, "rb")) == NULL)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	for (;;) {
		buf = xgrow(buf, &cap, len + 65536 + 1, 1);
		n = fread(buf + len, 1, 65536, fp);
		len += n;
		if (n < 65536)
			break;
		if (len > 64u * 1024 * 1024) {
			fclose(fp);
			free(buf);
			return diag_set(err, DIAG_ELIMIT, path, 0, 0,
			    "rule file larger than 64 MiB");
		}
	}
	if (ferror(fp)) {
		rc = diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    strerror(errno));
		fclose(fp);
		free(buf);
		return rc;
	}
	fclose(fp);
	buf[len] = '\0';
	rc = ruleset_load_string(rs, path, buf, len, err);
	free(buf);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
ruleset_load_path(struct ruleset *rs, const char *path, struct diag_err *err)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i, l;
	int rc = 0;

	if (stat(path, &st) != 0)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return load_file(rs, path, err);
	if ((d = opendir(path)) == NULL)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0 ||
		    de->d_name[0] == '.')
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == 0; i++)
		rc = load_file(rs, names[i], err);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && n == 0)
		return diag_set(err, DIAG_EIO, path, 0, 0,
		    "no *.json rule files in this folder");
	return rc;
}

size_t
ruleset_count(const struct ruleset *rs)
{
	return rs->nrules;
}

const struct rule *
ruleset_get(const struct ruleset *rs, size_t i)
{
	return i < rs->nrules ? rs->rules[i] : NULL;
}

const struct rule *
ruleset_find(const struct ruleset *rs, const char *id)
{
	size_t i;

	if (rs->caphash == 0)
		return NULL;
	i = hash_slot(rs, id);
	return rs->hash[i] != 0 ? rs->rules[rs->hash[i] - 1] : NULL;
}

