/* SPDX-License-Identifier: Apache-2.0 */
/*
 * livedecode: crash frames decoded in place for the monitor (livedecode.h).
 */
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "linesplit.h"
#include "livedecode.h"
#include "record.h"
#include "sanitize.h"
#include "xalloc.h"

struct livedecode {
	struct linesplit *ls;
	struct record_parser *parser;
	struct frames	*fr;
	unsigned long	 lineno;
	struct strbuf	*out;		/* during a feed */
};

struct livedecode *
livedecode_new(struct elfsym *const *elfs, size_t n)
{
	struct livedecode *ld = xcalloc(1, sizeof(*ld));

	ld->ls = linesplit_new(LIVEDECODE_LINE_MAX);
	ld->parser = record_parser_new();
	ld->fr = frames_new(elfs, n);
	return ld;
}

void
livedecode_free(struct livedecode *ld)
{
	if (ld == NULL)
		return;
	linesplit_free(ld->ls);
	record_parser_free(ld->parser);
	frames_free(ld->fr);
	free(ld);
}

/* Appends text, sanitised, and a line end. */
static void
add_line(struct strbuf *out, const char *text)
{
	sanitize_append(out, text, strlen(text));
	strbuf_add(out, "\n", 1);
}

static int
on_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct livedecode *ld = ctx;
	struct frames_line ln;
	struct record rec;
	char *note, *t;
	size_t i;

	record_parse(ld->parser, ++ld->lineno, line, len,
	    (flags & LINESPLIT_TRUNCATED) ? RECORD_TRUNCATED : 0, &rec);
	frames_feed_live(ld->fr, ld->lineno, rec.text, &ln, &note);
	for (i = 0; i < ln.n; i++) {
		t = frames_line_text(&ln, i);
		add_line(ld->out, t);
		free(t);
	}
	if (note != NULL) {
		t = xasprintf("note: %s", note);
		add_line(ld->out, t);
		free(t);
		free(note);
	}
	frames_line_release(&ln);
	return 0;
}

void
livedecode_feed(struct livedecode *ld, const char *buf, size_t n,
    struct strbuf *out)
{
	ld->out = out;
	linesplit_feed(ld->ls, buf, n, on_line, ld);
	ld->out = NULL;
}
