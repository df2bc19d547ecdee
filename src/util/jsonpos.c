/* SPDX-License-Identifier: Apache-2.0 */
/* jsonpos: one linear pass over JSON text with token lines (jsonpos.h). */
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
