/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baseline: accepted findings from an earlier JSON report, and the
 * timestamp-insensitive finding fingerprint that SARIF shares.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "baseline.h"
#include "diag.h"
#include "strbuf.h"
#include "xalloc.h"

struct baseline_entry {
	char	*path;
	char	*rule;
	char	 fp[17];
};

struct baseline {
	struct baseline_entry *v;
	size_t		 n;
};

/* Time units that make the number before them a duration, not a fact. */
static const char *const fp_units[] = {
	"ms", "us", "s", "sec", "secs", "second", "seconds", "min", "mins",
	"minute", "minutes",
};

static int
fp_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static size_t
fp_digits(const char *s, size_t i)
{
	size_t	 j = i;

	while (fp_isdigit((unsigned char)s[j]))
		j++;
	return j - i;
}

/*
 * Clock time at s+i: H:MM or HH:MM, then optional :SS and optional .fff
 * or ,fff.  Returns its length or 0.
 */
static size_t
fp_clock(const char *s, size_t i)
{
	size_t	 j = i, d;

	d = fp_digits(s, j);
	if (d < 1 || d > 2 || s[j + d] != ':')
		return 0;
	j += d + 1;
	if (fp_digits(s, j) != 2)
		return 0;
	j += 2;
	if (s[j] == ':' && fp_digits(s, j + 1) == 2)
		j += 3;
	if ((s[j] == '.' || s[j] == ',') && (d = fp_digits(s, j + 1)) > 0)
		j += 1 + d;
	return j - i;
}

/* Date at s+i: YYYY-MM-DD or YYYY/MM/DD, optionally [T ]clock.  Or 0. */
static size_t
fp_date(const char *s, size_t i)
{
	size_t	 j = i, c;
	char	 sep;

	if (fp_digits(s, j) != 4)
		return 0;
	sep = s[j + 4];
	if (sep != '-' && sep != '/')
		return 0;
	j += 5;
	if (fp_digits(s, j) != 2 || s[j + 2] != sep || fp_digits(s, j + 3) != 2)
		return 0;
	j += 5;
	if ((s[j] == 'T' || s[j] == ' ') && (c = fp_clock(s, j + 1)) > 0) {
		j += 1 + c;
		if (s[j] == 'Z')
			j++;
	}
	return j - i;
}

/* Number followed by a time unit ("5023 ms", "1.5s").  Returns length or 0. */
static size_t
fp_duration(const char *s, size_t i)
{
	size_t	 j = i, d, k, len;

	j += fp_digits(s, j);
	if (s[j] == '.' && (d = fp_digits(s, j + 1)) > 0)
		j += 1 + d;
	while (s[j] == ' ')
		j++;
	for (k = 0; k < sizeof(fp_units) / sizeof(fp_units[0]); k++) {
		len = strlen(fp_units[k]);
		if (strncmp(s + j, fp_units[k], len) == 0 &&
		    !isalnum((unsigned char)s[j + len]))
			return j + len - i;
	}
	return 0;
}

/*
 * A bracketed or parenthesised stamp: "(1234)", "(12:34:56.789)",
 * "[  1234]", "[1577589489.033]", "[2024-01-02 12:34:56]".  Or 0.
 */
static size_t
fp_stamp(const char *s, size_t i)
{
	size_t	 j = i + 1, n;
	char	 close = s[i] == '(' ? ')' : ']';

	while (s[j] == ' ')
		j++;
	if (!fp_isdigit((unsigned char)s[j]))
		return 0;
	if ((n = fp_date(s, j)) > 0 || (n = fp_clock(s, j)) > 0)
		j += n;
	else {
		j += fp_digits(s, j);
		if (s[j] == '.' && (n = fp_digits(s, j + 1)) > 0)
			j += 1 + n;
	}
	while (s[j] == ' ')
		j++;
	return s[j] == close ? j + 1 - i : 0;
}

static void
fp_normalise(struct strbuf *out, const char *s)
{
	size_t	 i = 0, n;
	int	 space = 0;

	while (s[i] != '\0') {
		unsigned char c = s[i];

		if (c == ' ' || c == '\t') {
			space = 1;
			i++;
			continue;
		}
		if (space && out->len > 0)
			strbuf_addch(out, ' ');
		space = 0;
		if ((c == '(' || c == '[') && (n = fp_stamp(s, i)) > 0) {
			strbuf_addstr(out, c == '(' ? "()" : "[]");
			i += n;
			continue;
		}
		if (fp_isdigit(c) && (i == 0 || !isalnum((unsigned char)s[i - 1]))) {
			if ((n = fp_date(s, i)) > 0) {
				strbuf_addstr(out, "<date>");
				i += n;
				continue;
			}
			if ((n = fp_clock(s, i)) > 0) {
				strbuf_addstr(out, "<time>");
				i += n;
				continue;
			}
			if ((n = fp_duration(s, i)) > 0) {
				strbuf_addstr(out, "<duration>");
				i += n;
				continue;
			}
		}
		strbuf_addch(out, c);
		i++;
	}
}

static uint64_t
fnv1a(uint64_t h, const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

char *
fingerprint_of(const char *rule_id, const char *text)
{
	struct strbuf	 sb = STRBUF_INIT;
	uint64_t	 h = UINT64_C(0xcbf29ce484222325);
	char		*out;

	if (rule_id == NULL)
		rule_id = "";
	fp_normalise(&sb, text != NULL ? text : "");
	h = fnv1a(h, rule_id, strlen(rule_id) + 1);	/* with the NUL */
	h = fnv1a(h, sb.buf, sb.len);
	strbuf_release(&sb);
	out = xmalloc(17);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return out;
}

static const char *
finding_rule_id(const struct finding *f)
{
	return f->rule->id;	/* a finding always has a rule with an id */
}

char *
finding_fingerprint(const struct finding *f)
{
	return fingerprint_of(finding_rule_id(f), f->text);
}

/* "./a//b" -> "a/b"; owned. */
static char *
path_canon(const char *p)
{
	struct strbuf	 sb = STRBUF_INIT;

	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	for (; *p != '\0'; p++) {
		if (*p == '/' && sb.len > 0 && sb.buf[sb.len - 1] == '/')
			continue;
		if (*p == '/' && p[1] == '.' && p[2] == '/') {
			p++;
			continue;
		}
		strbuf_addch(&sb, *p);
	}
	return strbuf_detach(&sb);
}

/*
 * The same log under two spellings: one canonical path is the other, or
 * ends with it after a '/' ("logs/dut1.log" and "/builds/p/logs/dut1.log"
 * or "../p/logs/dut1.log"), so a baseline written from another folder or
 * with absolute paths still matches.
 */
static int
path_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	const char *longer = la >= lb ? a : b, *shorter = la >= lb ? b : a;
	size_t ll = la >= lb ? la : lb, ls = la >= lb ? lb : la;

	if (ls == 0)
		return 0;
	if (ll == ls)
		return strcmp(a, b) == 0;
	return longer[ll - ls - 1] == '/' &&
	    strcmp(longer + ll - ls, shorter) == 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct baseline_entry *x = a, *y = b;
	int	 c;

	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	if ((c = strcmp(x->rule, y->rule)) != 0)
		return c;
	return strcmp(x->fp, y->fp);
}

void
baseline_free(struct baseline *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->v[i].path);
		free(b->v[i].rule);
	}
	free(b->v);
	free(b);
}

size_t
baseline_count(const struct baseline *b)
{
	return b != NULL ? b->n : 0;
}

static int
is_fp(const char *s)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[16] == '\0';
}

/* The fingerprints of a job's summarised nodes (sm may be NULL). */
static int
add_summarised(struct baseline *b, size_t *cap, const char *name, size_t i,
    const json_t *jpath, const json_t *sm, struct diag_err *err)
{
	const json_t *fps = json_object_get(sm, "fingerprints"), *f, *jr, *jf;
	size_t j;

	if (fps == NULL || json_is_null(fps))
		return 0;
	if (!json_is_array(fps))
		return diag_set(err, DIAG_ESCHEMA, name, 0, 0, "inputs[%zu]: "
		    "\"nodes_summarised.fingerprints\" is not an array", i);
	json_array_foreach(fps, j, f) {
		struct baseline_entry *e;

		jr = json_object_get(f, "rule");
		jf = json_object_get(f, "fingerprint");
		if (!json_is_string(jr) || !json_is_string(jf) ||
		    !is_fp(json_string_value(jf)))
			return diag_set(err, DIAG_ESCHEMA, name, 0, 0,
			    "inputs[%zu].nodes_summarised.fingerprints[%zu]: "
			    "needs a string \"rule\" and a \"fingerprint\" "
			    "of 16 lower-case hex digits", i, j);
		b->v = xgrow(b->v, cap, b->n + 1, sizeof(*b->v));
		e = &b->v[b->n++];
		e->path = path_canon(json_string_value(jpath));
		e->rule = xstrdup(json_string_value(jr));
		memcpy(e->fp, json_string_value(jf), sizeof(e->fp));
	}
	return 0;
}

static int
baseline_from_json(const char *name, json_t *root, struct baseline **out,
    struct diag_err *err)
{
	struct baseline	*b = NULL;
	json_t		*inputs, *in, *findings, *f, *jpath, *jrule, *jtext;
	size_t		 i, j, cap = 0;
	int		 rc = DIAG_OK;

	if (!json_is_object(root) || !json_is_string(json_object_get(root,
	    "otadiag"))) {
		rc = diag_set(err, DIAG_ESCHEMA, name, 0, 0,
		    "not an otadiag JSON report (no \"otadiag\" version); "
		    "write the baseline with --format json");
		goto out;
	}
	inputs = json_object_get(root, "inputs");
	if (!json_is_array(inputs)) {
		rc = diag_set(err, DIAG_ESCHEMA, name, 0, 0,
		    "\"inputs\" is missing or not an array");
		goto out;
	}
	b = xcalloc(1, sizeof(*b));
	json_array_foreach(inputs, i, in) {
		jpath = json_object_get(in, "path");
		if (!json_is_string(jpath)) {
			rc = diag_set(err, DIAG_ESCHEMA, name, 0, 0,
			    "inputs[%zu]: \"path\" is missing or not a string",
			    i);
			goto out;
		}
		if ((rc = add_summarised(b, &cap, name, i, jpath,
		    json_object_get(in, "nodes_summarised"), err)) != 0)
			goto out;
		findings = json_object_get(in, "findings");
		if (findings == NULL || json_is_null(findings))
			continue;
		if (!json_is_array(findings)) {
			rc = diag_set(err, DIAG_ESCHEMA, name, 0, 0,
			    "inputs[%zu]: \"findings\" is not an array", i);
			goto out;
		}
		json_array_foreach(findings, j, f) {
			struct baseline_entry *e;
			char	*fp;

			jrule = json_object_get(f, "rule");
			if (!json_is_string(jrule))
				jrule = json_object_get(f, "cause");
			jtext = json_object_get(f, "text");
			if (!json_is_string(jrule) || (jtext != NULL &&
			    !json_is_string(jtext) && !json_is_null(jtext))) {
				rc = diag_set(err, DIAG_ESCHEMA, name, 0, 0,
				    "inputs[%zu].findings[%zu]: needs a string "
				    "\"rule\" (or \"cause\") and \"text\"", i, j);
				goto out;
			}
			b->v = xgrow(b->v, &cap, b->n + 1, sizeof(*b->v));
			e = &b->v[b->n++];
			e->path = path_canon(json_string_value(jpath));
			e->rule = xstrdup(json_string_value(jrule));
			fp = fingerprint_of(e->rule, json_string_value(jtext));
			memcpy(e->fp, fp, sizeof(e->fp));
			free(fp);
		}
	}
	if (b->n > 0)
		qsort(b->v, b->n, sizeof(*b->v), entry_cmp);
	*out = b;
	b = NULL;
out:
	baseline_free(b);
	return rc;
}

int
baseline_load_string(const char *name, const char *json, size_t len,
    struct baseline **out, struct diag_err *err)
{
	json_error_t	 je;
	json_t		*root;
	int		 rc;

	*out = NULL;
	root = json_loadb(json, len, 0, &je);
	if (root == NULL)
		return diag_set(err, DIAG_ESYNTAX, name, je.line, je.column,
		    "baseline is not valid JSON: %s", je.text);
	rc = baseline_from_json(name, root, out, err);
	json_decref(root);
	return rc;
}

int
baseline_load(const char *path, struct baseline **out, struct diag_err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		 buf[65536];
	size_t		 n;
	FILE		*fp;
	int		 rc;

	*out = NULL;
	if ((fp = fopen(path, "rb")) == NULL)
		return diag_set(err, DIAG_EIO, path, 0, 0,
		    "cannot open baseline: %s", strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(fp)) {
		rc = diag_set(err, DIAG_EIO, path, 0, 0,
		    "cannot read baseline: %s", strerror(errno));
		fclose(fp);
		goto out;
	}
	fclose(fp);
	rc = baseline_load_string(path, sb.buf, sb.len, out, err);
out:
	strbuf_release(&sb);
	return rc;
}

int
baseline_contains(const struct baseline *b, const char *path,
    const struct finding *f)
{
	char	*fp;
	int	 found;

	if (b == NULL || b->n == 0 || path == NULL || f == NULL)
		return 0;
	fp = finding_fingerprint(f);
	found = baseline_contains_fp(b, path, finding_rule_id(f), fp);
	free(fp);
	return found;
}

int
baseline_contains_fp(const struct baseline *b, const char *path,
    const char *rule, const char *fp)
{
	struct baseline_entry key;
	int	 found;
	size_t	 i;

	if (b == NULL || b->n == 0 || path == NULL || rule == NULL ||
	    fp == NULL || strlen(fp) != 16)
		return 0;
	key.path = path_canon(path);
	key.rule = (char *)(uintptr_t)rule;
	memcpy(key.fp, fp, sizeof(key.fp));
	found = bsearch(&key, b->v, b->n, sizeof(*b->v), entry_cmp) != NULL;
	for (i = 0; !found && i < b->n; i++)
		found = strcmp(b->v[i].rule, key.rule) == 0 &&
		    memcmp(b->v[i].fp, key.fp, sizeof(key.fp)) == 0 &&
		    path_same(b->v[i].path, key.path);
	free(key.path);
	return found;
}

size_t
baseline_count_summarised(const struct baseline *b,
    const struct input_result *r, enum rule_severity min, size_t *accepted,
    const struct fingerprint_count **first)
{
	const struct node_summary *sm = &r->nodes_summarised;
	size_t k, n = 0;
	int s;

	*accepted = 0;
	if (first != NULL)
		*first = NULL;
	if (r->kind != INPUT_JOB || sm->n == 0)
		return 0;
	for (k = 0; k < sm->nfps; k++) {
		const struct fingerprint_count *fc = &sm->fps[k];

		if (fc->severity < min)
			continue;
		if (baseline_contains_fp(b, r->path, fc->rule, fc->fp)) {
			*accepted += fc->n;
			continue;
		}
		if (n == 0 && first != NULL)
			*first = fc;
		n += fc->n;
	}
	for (s = RULE_INFO; s <= RULE_ERROR; s++)
		if (s >= (int)min)
			n += sm->fps_beyond[s];
	return n;
}
