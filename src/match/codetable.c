/* SPDX-License-Identifier: Apache-2.0 */
/*
 * codetable: the rule set's code tables (esp_err_t, mbedTLS, errno ...):
 * loading the "codes" arrays and looking a printed number up.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "loader.h"
#include "ruleset.h"
#include "xalloc.h"

void
code_table_free(struct code_table *t)
{
	if (t == NULL)
		return;
	free(t->entries);
	free(t);
}

static int
parse_code_value(const char *text, long long *out)
{
	const char *p = text;
	int neg = 0;
	char *end;
	unsigned long long v;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		neg = 1;
		p++;
	} else if (*p == '+')
		p++;
	if (*p == '\0')
		return -1;
	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (!isxdigit((unsigned char)p[2]))
			return -1;	/* "0x" alone is no number */
		v = strtoull(p + 2, &end, 16);
	} else {
		if (!isdigit((unsigned char)p[0]))
			return -1;
		v = strtoull(p, &end, 10);
	}
	if (errno != 0 || end == p || (*end != '\0' && *end != ' ' &&
	    *end != ')' && *end != ':' && *end != ','))
		return -1;
	if (v > 0x7fffffffffffffffULL)
		return -1;
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

int
codes_load(struct loader *L, json_t *arr)
{
	static const char *const table_fields[] = {"table", "title", "entries",
	    NULL};
	static const char *const entry_fields[] = {"code", "name", "meaning",
	    "cause", "note", NULL};
	struct ruleset *rs = L->rs;
	json_t *o, *entries, *e;
	size_t i, k;
	struct code_table *t;

	if (!json_is_array(arr))
		return loader_fail(L, DIAG_ESCHEMA, "'codes' must be an array");
	json_array_foreach(arr, i, o) {
		L->rule_id = NULL;
		L->rule_line = loader_line(L, IDX_CODES, i);
		if (!json_is_object(o))
			return loader_fail(L, DIAG_ESCHEMA, "codes[%zu] must be an object", i);
		t = xcalloc(1, sizeof(*t));
		if (loader_get_str(L, o, "table", 1, &t->name) != 0) {
			code_table_free(t);
			return -1;
		}
		L->rule_id = t->name;
		if (loader_check_fields(L, o, table_fields, "a code table") != 0 ||
		    loader_get_str(L, o, "title", 0, &t->title) != 0) {
			code_table_free(t);
			return -1;
		}
		entries = json_object_get(o, "entries");
		if (!json_is_array(entries)) {
			code_table_free(t);
			return loader_fail(L, DIAG_ESCHEMA, "'entries' must be an array");
		}
		t->entries = xcalloc(json_array_size(entries) + 1,
		    sizeof(*t->entries));
		json_array_foreach(entries, k, e) {
			struct code_entry *ce = &t->entries[k];

			if (!json_is_object(e) ||
			    loader_check_fields(L, e, entry_fields, "a code entry") != 0 ||
			    loader_get_str(L, e, "code", 1, &ce->code) != 0 ||
			    loader_get_str(L, e, "name", 1, &ce->name) != 0 ||
			    loader_get_str(L, e, "meaning", 1, &ce->meaning) != 0 ||
			    loader_get_str(L, e, "cause", 0, &ce->cause) != 0 ||
			    loader_get_str(L, e, "note", 0, &ce->note) != 0) {
				code_table_free(t);
				return L->err->text[0] != '\0' ? -1 :
				    loader_fail(L, DIAG_ESCHEMA, "entries[%zu] must be an "
				    "object", k);
			}
			if (parse_code_value(ce->code, &ce->value) != 0) {
				int rc = loader_fail(L, DIAG_ESCHEMA,
				    "entries[%zu]: code '%s' is not a number", k,
				    ce->code);

				code_table_free(t);
				return rc;
			}
			if (ce->cause != NULL && !cause_is_known(ce->cause)) {
				int rc = loader_fail(L, DIAG_ESCHEMA,
				    "entries[%zu]: unknown cause '%s'", k, ce->cause);

				code_table_free(t);
				return rc;
			}
			t->nentries++;
		}
		codes_add(rs, t);
	}
	L->rule_id = NULL;
	L->rule_line = 0;
	return 0;
}

void
codes_add(struct ruleset *rs, struct code_table *t)
{
	size_t j;

	/* a table of the same name from a later source extends it */
	for (j = 0; j < rs->ntables; j++)
		if (strcmp(rs->tables[j]->name, t->name) == 0)
			break;
	if (j < rs->ntables) {
		struct code_table *old = rs->tables[j];

		old->entries = xrealloc(old->entries, (old->nentries +
		    t->nentries + 1) * sizeof(*old->entries));
		memcpy(old->entries + old->nentries, t->entries,
		    t->nentries * sizeof(*t->entries));
		old->nentries += t->nentries;
		code_table_free(t);
	} else {
		rs->tables = xgrow(rs->tables, &rs->captables,
		    rs->ntables + 1, sizeof(*rs->tables));
		rs->tables[rs->ntables++] = t;
	}
}

size_t
ruleset_ntables(const struct ruleset *rs)
{
	return rs->ntables;
}

const struct code_table *
ruleset_table(const struct ruleset *rs, size_t i)
{
	return i < rs->ntables ? rs->tables[i] : NULL;
}

const struct code_table *
ruleset_find_table(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->ntables; i++)
		if (strcmp(rs->tables[i]->name, name) == 0)
			return rs->tables[i];
	return NULL;
}

const struct code_entry *
code_table_lookup(const struct code_table *t, const char *text)
{
	long long v, hi, lo;
	size_t i;
	const struct code_entry *ehi = NULL, *elo = NULL;

	if (t == NULL || parse_code_value(text, &v) != 0)
		return NULL;
	for (i = 0; i < t->nentries; i++)
		if (t->entries[i].value == v)
			return &t->entries[i];
	/* a text of "0x00000011" may also be stored negative or positive */
	for (i = 0; i < t->nentries; i++)
		if (t->entries[i].value == -v)
			return &t->entries[i];
	/* mbedTLS composite codes: -(high | low) */
	if (v < 0 && strcmp(t->name, "mbedtls") == 0) {
		hi = -((-v) & ~0x7fLL);
		lo = -((-v) & 0x7fLL);
		for (i = 0; i < t->nentries; i++) {
			if (t->entries[i].value == hi)
				ehi = &t->entries[i];
			if (t->entries[i].value == lo && lo != 0)
				elo = &t->entries[i];
		}
		if (elo != NULL && elo->cause != NULL)
			return elo;
		return ehi != NULL ? ehi : elo;
	}
	return NULL;
}
