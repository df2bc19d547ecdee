/* SPDX-License-Identifier: Apache-2.0 */
/*
 * passthru: device output for the user's terminal (passthru.h).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "passthru.h"
#include "sanitize.h"
#include "xalloc.h"

#define SGR_RESET	"\033[0m"
#define SGR_DIM		"\033[2m"
#define SGR_UNDIM	"\033[22m"

struct passthru {
	unsigned	 flags;
	void		(*prefix)(struct strbuf *, void *);
	void		*ctx;
	struct strbuf	 hold;		/* bytes of the line not shown yet */
	int		 mid_line;	/* terminal cursor is inside a line */
	int		 cr_seen;	/* last byte ended a line with CR */
	int		 sgr_used;	/* a colour was set on this line */
};

struct passthru *
passthru_new(unsigned flags, void (*prefix)(struct strbuf *, void *),
    void *ctx)
{
	struct passthru *pt = xcalloc(1, sizeof(*pt));

	pt->flags = flags;
	pt->prefix = prefix;
	pt->ctx = ctx;
	strbuf_init(&pt->hold, 256);
	return pt;
}

void
passthru_set_prefix(struct passthru *pt,
    void (*prefix)(struct strbuf *, void *), void *ctx)
{
	pt->prefix = prefix;
	pt->ctx = ctx;
}

void
passthru_free(struct passthru *pt)
{
	if (pt == NULL)
		return;
	strbuf_release(&pt->hold);
	free(pt);
}

size_t
passthru_held(const struct passthru *pt)
{
	return pt->hold.len;
}

/*
 * How much of a partial line can be shown now: everything before a
 * sequence or character that more bytes may complete.
 */
static size_t
safe_len(const char *s, size_t n)
{
	struct escape_scan sc;
	struct escape_tok t;

	escape_init(&sc, s, n, ESCAPE_PARTIAL);
	while (escape_next(&sc, &t))
		if (t.kind == ESCAPE_MORE)
			return t.len > PASSTHRU_WAIT_MAX ? n : t.off;
	return n;
}

/* Renders s[0..n) of a line: SGR kept with colour, the rest sanitised. */
static void
show(struct passthru *pt, const char *s, size_t n, struct strbuf *out)
{
	struct escape_scan sc;
	struct escape_tok t;
	int color = (pt->flags & PASSTHRU_COLOR) != 0;

	if (n == 0)
		return;
	if (!pt->mid_line && pt->prefix != NULL) {
		if (color)
			strbuf_addstr(out, SGR_DIM);
		pt->prefix(out, pt->ctx);
		if (color)
			strbuf_addstr(out, SGR_UNDIM);
	}
	escape_init(&sc, s, n, 0);
	while (escape_next(&sc, &t)) {
		if (t.kind == ESCAPE_CSI && t.sgr) {
			if (color) {
				strbuf_add(out, s + t.off, t.len);
				pt->sgr_used = 1;
			}
			continue;
		}
		sanitize_token(out, s, &t);
	}
	pt->mid_line = 1;
}

static void
line_end(struct passthru *pt, struct strbuf *out)
{
	if (pt->sgr_used && (pt->flags & PASSTHRU_COLOR))
		strbuf_addstr(out, SGR_RESET);
	pt->sgr_used = 0;
	strbuf_addch(out, '\n');
	pt->mid_line = 0;
}

void
passthru_break(struct passthru *pt, struct strbuf *out)
{
	if (pt->sgr_used && (pt->flags & PASSTHRU_COLOR))
		strbuf_addstr(out, SGR_RESET);
	pt->sgr_used = 0;
	if (pt->mid_line)
		strbuf_addch(out, '\n');
	pt->mid_line = 0;
}

void
passthru_feed(struct passthru *pt, const char *buf, size_t n,
    struct strbuf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = buf[i];

		if (ch == '\n' && pt->cr_seen) {
			pt->cr_seen = 0;
			continue;
		}
		pt->cr_seen = 0;
		if (ch == '\n' || ch == '\r') {
			show(pt, pt->hold.buf, pt->hold.len, out);
			strbuf_reset(&pt->hold);
			line_end(pt, out);
			pt->cr_seen = ch == '\r';
			continue;
		}
		strbuf_addch(&pt->hold, ch);
		if (pt->hold.len >= PASSTHRU_HOLD_MAX) {
			show(pt, pt->hold.buf, pt->hold.len, out);
			strbuf_reset(&pt->hold);
		}
	}
}

void
passthru_partial(struct passthru *pt, int force, struct strbuf *out)
{
	size_t k;

	if (pt->hold.len == 0)
		return;
	k = force ? pt->hold.len : safe_len(pt->hold.buf, pt->hold.len);
	if (k == 0)
		return;
	show(pt, pt->hold.buf, k, out);
	memmove(pt->hold.buf, pt->hold.buf + k, pt->hold.len - k);
	strbuf_setlen(&pt->hold, pt->hold.len - k);
}
