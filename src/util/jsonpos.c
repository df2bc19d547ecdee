/* SPDX-License-Identifier: Apache-2.0 */
/* jsonpos: one linear pass over JSON text with token lines (jsonpos.h). */
#include <stdio.h>
#include <string.h>

#include "jsonpos.h"

#define MAXDEPTH 64	/* deeper containers are walked, not indexed */

struct scan {
	jsonpos_fn	 fn;
	void		*ctx;
	int		 depth;
	char		 kind[MAXDEPTH + 1];	/* '{' or '[' per depth */
	size_t		 count[MAXDEPTH + 1];	/* elements seen per depth */
	int		 want_key;		/* next string is a key */
};

static int
emit(struct scan *sc, enum jsonpos_kind kind, unsigned long line,
    const char *s, size_t len)
{
	struct jsonpos_token t;
	int d = sc->depth < MAXDEPTH ? sc->depth : MAXDEPTH;

	t.kind = kind;
	t.depth = sc->depth;
	t.line = line;
	t.s = s;
	t.len = len;
	t.in_array = 0;
	t.index = 0;
	/* the element index of a value in an array (an OPEN token belongs
	   to the container around it) */
	if (kind != JSONPOS_CLOSE && kind != JSONPOS_KEY) {
		int c = kind == JSONPOS_OPEN_OBJECT || kind == JSONPOS_OPEN_ARRAY ?
		    d - 1 : d;

		if (c >= 0 && sc->kind[c] == '[') {
			t.in_array = 1;
			t.index = sc->count[c]++;
		}
	}
	return sc->fn(sc->ctx, &t);
}

int
jsonpos_scan(const char *text, size_t len, jsonpos_fn fn, void *ctx)
{
	struct scan sc;
	const char *p = text, *end = text + len, *s;
	unsigned long line = 1, at;
	int rc = 0, d;

	memset(&sc, 0, sizeof(sc));
	sc.fn = fn;
	sc.ctx = ctx;
	for (; p < end && rc == 0; p++) {
		/* blanks are most of a padded file: skip them in a tight loop */
		while (*p == ' ' || *p == '\t' || *p == '\r') {
			if (++p == end)
				return 0;
		}
		switch (*p) {
		case '\n':
			line++;
			break;
		case ':':
			break;
		case ',':
			d = sc.depth < MAXDEPTH ? sc.depth : MAXDEPTH;
			sc.want_key = sc.kind[d] == '{';
			break;
		case '{':
		case '[':
			sc.depth++;
			d = sc.depth < MAXDEPTH ? sc.depth : MAXDEPTH;
			sc.kind[d] = *p;
			sc.count[d] = 0;
			rc = emit(&sc, *p == '{' ? JSONPOS_OPEN_OBJECT :
			    JSONPOS_OPEN_ARRAY, line, p, 1);
			sc.want_key = *p == '{';
			break;
		case '}':
		case ']':
			rc = emit(&sc, JSONPOS_CLOSE, line, p, 1);
			if (sc.depth > 0)
				sc.depth--;
			sc.want_key = 0;
			break;
		case '"':
			at = line;
			for (s = ++p; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				else if (*p == '\n')
					line++;
			}
			rc = emit(&sc, sc.want_key ? JSONPOS_KEY :
			    JSONPOS_STRING, at, s, (size_t)(p - s));
			sc.want_key = 0;
			break;
		default:
			/* a number, true, false or null: to its end */
			for (s = p; p + 1 < end && strchr(" \t\r\n,]}:",
			    p[1]) == NULL; p++)
				;
			rc = emit(&sc, JSONPOS_SCALAR, line, s,
			    (size_t)(p - s) + 1);
			break;
		}
	}
	return rc;
}

/* ---- walking one container (jsonpos_walk) --------------------------- */

void
jsonpos_cur_init(struct jsonpos_cur *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->text = text;
	c->len = len;
	c->line = 1;
	c->next_mark = JSONPOS_STEP;
}

/* The byte at off, or -1 past the end (or where fill cannot read). */
static int
at(struct jsonpos_cur *c, size_t off)
{
	if (off >= c->len)
		return -1;
	if (c->fill == NULL)
		return (unsigned char)c->text[off];
	if (c->win == NULL || off < c->win_off ||
	    off - c->win_off >= c->win_len) {
		c->win = c->fill(c->fill_ctx, off, &c->win_len);
		c->win_off = off;
		if (c->win == NULL || c->win_len == 0) {
			c->win = NULL;
			c->len = off;	/* ends here: the reader says why */
			return -1;
		}
	}
	return (unsigned char)c->win[off - c->win_off];
}

static void
mark(struct jsonpos_cur *c)
{
	if (c->off >= c->next_mark) {
		if (c->passed != NULL)
			c->passed(c->passed_ctx, c->off);
		c->next_mark = c->off + JSONPOS_STEP;
	}
}

static unsigned long
col_of(const struct jsonpos_cur *c, size_t off)
{
	return (unsigned long)(off - c->bol) + 1;
}

static int
fail(struct jsonpos_error *e, int rc, unsigned long line, unsigned long col,
    const char *what, const char *more)
{
	e->line = line;
	e->col = col;
	snprintf(e->text, sizeof(e->text), "%s%s", what, more != NULL ?
	    more : "");
	return rc;
}

/* "'x'" or "byte 0x1f" for a message. */
static const char *
show(char *buf, size_t n, int ch)
{
	if (ch >= 0x21 && ch < 0x7f)
		snprintf(buf, n, "'%c'", ch);
	else
		snprintf(buf, n, "byte 0x%02x", (unsigned)ch & 0xff);
	return buf;
}

int
jsonpos_skip(struct jsonpos_cur *c)
{
	int ch;

	while ((ch = at(c, c->off)) >= 0) {
		if (ch == '\n') {
			c->off++;
			c->line++;
			c->bol = c->off;
		} else if (ch == ' ' || ch == '\t' || ch == '\r')
			c->off++;
		else
			return ch;
	}
	return -1;
}

/* The string at c->off (its opening quote): moves past the closing one. */
static int
skip_string(struct jsonpos_cur *c, struct jsonpos_error *e)
{
	unsigned long line = c->line, col = col_of(c, c->off);
	int ch;

	for (c->off++; (ch = at(c, c->off)) >= 0; c->off++) {
		if (ch == '"') {
			c->off++;
			return 0;
		}
		if (ch == '\\' && at(c, c->off + 1) >= 0)
			ch = at(c, ++c->off);	/* escaped: no quote, a line
						   (invalid JSON) still counts */
		if (ch == '\n') {
			c->line++;
			c->bol = c->off + 1;
		}
		if (c->off >= c->next_mark)
			mark(c);
	}
	return fail(e, JSONPOS_ETRUNC, line, col, "the string starting here "
	    "is not closed before the end of the text", NULL);
}

static int
is_scalar_byte(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '+' || ch == '.';
}

int
jsonpos_value(struct jsonpos_cur *c, struct jsonpos_span *v,
    struct jsonpos_error *e)
{
	char stack[JSONPOS_MAXDEPTH], b[16], msg[96];
	unsigned long oline[2] = { 0, 0 };	/* the outermost opener */
	size_t start;
	int depth = 0, ch, rc;

	if ((ch = jsonpos_skip(c)) < 0)
		return fail(e, JSONPOS_ETRUNC, c->line, col_of(c, c->off),
		    "the text ends where a value should start", NULL);
	start = c->off;
	v->off = start;
	v->s = c->text != NULL ? c->text + start : NULL;
	v->line = c->line;
	v->col = col_of(c, start);
	if (ch == ',' || ch == ':' || ch == '}' || ch == ']')
		return fail(e, JSONPOS_ETOKEN, c->line, v->col, "a value "
		    "expected, not ", show(b, sizeof(b), ch));
	for (;;) {
		mark(c);
		switch (ch) {
		case '"':
			if ((rc = skip_string(c, e)) != 0)
				return rc;
			break;
		case '{':
		case '[':
			if (depth == JSONPOS_MAXDEPTH)
				return fail(e, JSONPOS_EDEPTH, c->line,
				    col_of(c, c->off), "nested too deeply "
				    "(maximum depth 2048)", NULL);
			if (depth == 0) {
				oline[0] = c->line;
				oline[1] = col_of(c, c->off);
			}
			stack[depth++] = (char)ch;
			c->off++;
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != (ch == '}' ?
			    '{' : '['))
				return fail(e, JSONPOS_EUNBALANCED, c->line,
				    col_of(c, c->off), show(b, sizeof(b), ch),
				    depth == 0 ? " closes nothing" :
				    stack[depth - 1] == '{' ? " where '}' should "
				    "close an object" : " where ']' should close "
				    "an array");
			depth--;
			c->off++;
			break;
		case ',':
		case ':':
			if (depth == 0)
				goto end;	/* the container's own */
			c->off++;
			break;
		default:
			if (!is_scalar_byte((char)ch))
				return fail(e, JSONPOS_ETOKEN, c->line,
				    col_of(c, c->off), "unexpected ",
				    show(b, sizeof(b), ch));
			while ((ch = at(c, c->off)) >= 0 &&
			    is_scalar_byte((char)ch))
				c->off++;
			break;
		}
		if (depth == 0)
			break;
		if ((ch = jsonpos_skip(c)) < 0) {
			snprintf(msg, sizeof(msg), "the text ends inside the "
			    "value that starts at line %lu, column %lu",
			    oline[0], oline[1]);
			return fail(e, JSONPOS_ETRUNC, c->line,
			    col_of(c, c->off), msg, NULL);
		}
	}
end:
	v->len = c->off - start;
	return 0;
}

int
jsonpos_walk(struct jsonpos_cur *c, jsonpos_walk_fn fn, void *ctx,
    struct jsonpos_error *e)
{
	struct jsonpos_span key, val;
	unsigned long ol, oc;
	char close, b[16], msg[96];
	int ch, rc;

	if ((ch = jsonpos_skip(c)) != '{' && ch != '[')
		return ch < 0 ? fail(e, JSONPOS_ETRUNC, c->line,
		    col_of(c, c->off), "the text ends where '{' or '[' should "
		    "start", NULL) : fail(e, JSONPOS_ETOKEN, c->line,
		    col_of(c, c->off), "'{' or '[' expected, not ",
		    show(b, sizeof(b), ch));
	close = ch == '{' ? '}' : ']';
	ol = c->line;
	oc = col_of(c, c->off);
	c->off++;
	if ((ch = jsonpos_skip(c)) == close) {
		c->off++;
		return 0;
	}
	for (;;) {
		if (ch < 0)
			break;
		if (close == '}') {
			if (ch != '"')
				return fail(e, JSONPOS_ETOKEN, c->line,
				    col_of(c, c->off), "a member name (a "
				    "string) expected, not ",
				    show(b, sizeof(b), ch));
			if ((rc = jsonpos_value(c, &key, e)) != 0)
				return rc;
			if ((ch = jsonpos_skip(c)) != ':')
				return ch < 0 ? fail(e, JSONPOS_ETRUNC,
				    c->line, col_of(c, c->off), "the text ends "
				    "where ':' should follow a member name",
				    NULL) : fail(e, JSONPOS_ETOKEN, c->line,
				    col_of(c, c->off), "':' expected after "
				    "the member name, not ",
				    show(b, sizeof(b), ch));
			c->off++;
		}
		if ((rc = jsonpos_value(c, &val, e)) != 0)
			return rc;
		if ((rc = fn(ctx, close == '}' ? &key : NULL, &val)) != 0)
			return rc;
		if ((ch = jsonpos_skip(c)) == close) {
			c->off++;
			return 0;
		}
		if (ch != ',') {
			if (ch < 0)
				break;
			snprintf(msg, sizeof(msg), "',' or '%c' expected, "
			    "not ", close);
			return fail(e, JSONPOS_ETOKEN, c->line,
			    col_of(c, c->off), msg, show(b, sizeof(b), ch));
		}
		c->off++;
		if ((ch = jsonpos_skip(c)) == close)
			return fail(e, JSONPOS_ETOKEN, c->line,
			    col_of(c, c->off), "a value expected after ',', "
			    "not ", show(b, sizeof(b), ch));
	}
	snprintf(msg, sizeof(msg), "the text ends inside the %s that starts "
	    "at line %lu, column %lu", close == '}' ? "object" : "array", ol,
	    oc);
	return fail(e, JSONPOS_ETRUNC, c->line, col_of(c, c->off), msg, NULL);
}
