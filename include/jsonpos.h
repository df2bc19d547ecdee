/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonpos: where things are in a JSON text.  Prefix: jsonpos_.
 *
 * jansson parses JSON into values but forgets their lines; otadiag's
 * messages name them ("rules.json:14: rule 'x': ..."; the line of a job
 * record's node).  jsonpos_scan() walks the raw text once, in linear
 * time, and reports each token with its depth and line, so a caller can
 * remember the lines it needs.  It does not validate: run it on text that
 * jansson accepted (on other text it still ends, reporting what it saw).
 */
#ifndef OTADIAG_JSONPOS_H
#define OTADIAG_JSONPOS_H

#include <stddef.h>

enum jsonpos_kind {
	JSONPOS_OPEN_OBJECT,	/* '{' */
	JSONPOS_OPEN_ARRAY,	/* '[' */
	JSONPOS_CLOSE,		/* '}' or ']' */
	JSONPOS_KEY,		/* a member name */
	JSONPOS_STRING,		/* a string value */
	JSONPOS_SCALAR,		/* a number, true, false or null */
};

struct jsonpos_token {
	enum jsonpos_kind kind;
	int		 depth;		/* containers open around it (an
					   OPEN token counts its own) */
	unsigned long	 line;		/* 1-based line where it starts */
	const char	*s;		/* KEY, STRING: the raw text between the
					   quotes (escapes not decoded), else
					   where the token starts */
	size_t		 len;
	size_t		 index;		/* element index in its array (for a
					   token directly in an array), else 0 */
	int		 in_array;	/* 1 if its container is an array */
};

/* Returns 0 to go on, anything else to stop the scan (returned). */
typedef int (*jsonpos_fn)(void *ctx, const struct jsonpos_token *t);

int	 jsonpos_scan(const char *text, size_t len, jsonpos_fn fn, void *ctx);

#endif
