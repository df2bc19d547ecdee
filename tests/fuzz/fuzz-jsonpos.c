/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes through the JSON scanner that splits a
 * large job (jsonpos_value, jsonpos_walk), every container walked down to
 * its leaves, with jansson as the oracle: text jansson accepts must be
 * spanned whole and walked without error, and every span must lie inside
 * the text and start where the scanner says (line and column).
 *
 * fuzz-seeds: fixtures/jobs fixtures/jobs/bad
 * fuzz-max-len: 8192
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonpos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	const char	*text;
	size_t		 len;
	int		 depth;
};

static void	check_span(struct ctx *, const struct jsonpos_span *);

/* The line and column of text[off], counted the slow way. */
static void
where(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i, bol = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (unsigned long)(off - bol) + 1;
}

static int
member(void *arg, const struct jsonpos_span *key,
    const struct jsonpos_span *val)
{
	struct ctx *c = arg;

	if (key != NULL) {
		check_span(c, key);
		if (key->s[0] != '"')
			abort();
	}
	check_span(c, val);
	return 0;
}

/* A span inside the text, at the line and column given; a container is
 * walked in turn (within the scanner's own depth). */
static void
check_span(struct ctx *c, const struct jsonpos_span *v)
{
	struct jsonpos_error e;
	struct jsonpos_cur cur;
	unsigned long line, col;
	size_t off;

	if (v->s < c->text || v->len == 0 || v->s + v->len > c->text + c->len)
		abort();
	off = (size_t)(v->s - c->text);
	where(c->text, off, &line, &col);
	if (line != v->line || col != v->col)
		abort();
	if ((v->s[0] != '{' && v->s[0] != '[') || c->depth > 64)
		return;
	jsonpos_cur_init(&cur, c->text, c->len);
	cur.off = off;
	cur.line = v->line;
	cur.bol = off - (v->col - 1);
	c->depth++;
	/* spanned by jsonpos_value, so its brackets balance; the walk may
	   still find a missing comma, which jansson then refuses too */
	(void)jsonpos_walk(&cur, member, c, &e);
	c->depth--;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { (const char *)data, size, 0 };
	struct jsonpos_error e;
	struct jsonpos_span v;
	struct jsonpos_cur cur;
	json_error_t je;
	json_t *j;
	int rc, rest;

	jsonpos_cur_init(&cur, c.text, size);
	rc = jsonpos_value(&cur, &v, &e);
	rest = rc == 0 ? jsonpos_skip(&cur) : -1;
	if (rc == 0)
		check_span(&c, &v);
	if (rc != 0 && (e.line == 0 || e.col == 0 || e.text[0] == '\0'))
		abort();
	/* jansson stops at a NUL byte as if the text ended there; the
	   scanner does not (a NUL is no JSON): compare only without one */
	if (memchr(data, '\0', size) != NULL)
		return 0;
	j = json_loadb(c.text, size, JSON_DECODE_ANY, &je);
	if (j != NULL) {
		/* jansson accepts it: the scanner spans it all */
		if (rc != 0 || rest >= 0)
			abort();
		if (v.s[0] == '{' || v.s[0] == '[') {
			jsonpos_cur_init(&cur, c.text, size);
			if (jsonpos_walk(&cur, member, &c, &e) != 0)
				abort();
		}
		json_decref(j);
	}
	return 0;
}
