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

/*
 * Walking one container without parsing its contents: jsonpos_walk() checks
 * the structure of the object or array at c (brackets, commas, colons,
 * strings and their escapes) and hands each member or element to fn as a
 * span of raw text, so a caller can parse large documents one element at a
 * time (job.c gives each to jansson).  Memory is constant: nesting is
 * tracked in a fixed stack (JSONPOS_MAXDEPTH, as deep as jansson goes).
 * Errors name the line and column (1-based, in bytes) of the problem.
 */
#define JSONPOS_MAXDEPTH 2048

struct jsonpos_cur {
	const char	*text;
	size_t		 len;
	size_t		 off;		/* next byte to read */
	unsigned long	 line;		/* line of text[off] */
	size_t		 bol;		/* offset where that line starts */
	/* optional: called as the cursor passes each JSONPOS_STEP bytes
	   (a reader of a mapped file gives back the pages behind it) */
	void		(*passed)(void *ctx, size_t off);
	void		*passed_ctx;
	size_t		 next_mark;
	/* optional: text NULL, the bytes read through a window instead (a
	   file read in place, never mapped): fill returns the bytes from off
	   on (at least one) and their number in *avail, or NULL when they
	   cannot be read (the walk then ends as if the text ended there) */
	const char	*(*fill)(void *ctx, size_t off, size_t *avail);
	void		*fill_ctx;
	const char	*win;
	size_t		 win_off, win_len;
};

#define JSONPOS_STEP	((size_t)1 << 20)

struct jsonpos_span {
	const char	*s;		/* the raw text of the value (a key:
					   with its quotes); NULL with fill */
	size_t		 off;		/* where it starts in the text */
	size_t		 len;
	unsigned long	 line, col;	/* where it starts */
};

enum jsonpos_err {
	JSONPOS_ETRUNC = -1,		/* the text ends inside a value */
	JSONPOS_EUNBALANCED = -2,	/* a '}' or ']' that closes nothing,
					   or the wrong kind */
	JSONPOS_ETOKEN = -3,		/* a byte where it cannot be */
	JSONPOS_EDEPTH = -4,		/* nested deeper than MAXDEPTH */
};

struct jsonpos_error {
	unsigned long	 line, col;
	char		 text[160];
};

/* Called per member (key set) or element (key NULL); a non-zero return
 * stops the walk and is returned. */
typedef int (*jsonpos_walk_fn)(void *ctx, const struct jsonpos_span *key,
    const struct jsonpos_span *value);

void	 jsonpos_cur_init(struct jsonpos_cur *c, const char *text, size_t len);
/* Skips blanks and newlines; returns the next byte, or -1 at the end. */
int	 jsonpos_skip(struct jsonpos_cur *c);
/* Spans the value at c (after blanks) and moves past it: 0 or an
 * enum jsonpos_err with e filled. */
int	 jsonpos_value(struct jsonpos_cur *c, struct jsonpos_span *v,
	    struct jsonpos_error *e);
/* Walks the object or array at c (after blanks), moves past it. */
int	 jsonpos_walk(struct jsonpos_cur *c, jsonpos_walk_fn fn, void *ctx,
	    struct jsonpos_error *e);

#endif
