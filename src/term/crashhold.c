/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crashhold: a crash's live diagnosis waits for the end of its crash
 * block (crashhold.h).
 */
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "crashhold.h"
#include "escape.h"
#include "linesplit.h"
#include "xalloc.h"

struct crashhold {
	int		 on;		/* a hold is on */
	struct strbuf	 held;		/* the announcements waiting */
	int		 ended;		/* its crash block has ended */
	int		 open;		/* crash text came, no end since */
	unsigned long	 idle;		/* lines without crash text since */
	long long	 last_ms;	/* when bytes last came (or the hold) */
	struct bt_state	 st;		/* the parser's state, across lines */
	struct linesplit *ls;		/* the device's bytes into lines, as
					   the analysis splits them */
	char		 line[CRASHHOLD_LINE_MAX + 1]; /* one, escapes out */
};

struct crashhold *
crashhold_new(void)
{
	struct crashhold *h = xcalloc(1, sizeof(*h));

	strbuf_init(&h->held, 256);
	/* a long line: its start is what the parser looks at */
	h->ls = linesplit_new(CRASHHOLD_LINE_MAX);
	return h;
}

void
crashhold_free(struct crashhold *h)
{
	if (h == NULL)
		return;
	strbuf_release(&h->held);
	linesplit_free(h->ls);
	free(h);
}

int
crashhold_add(struct crashhold *h, const char *text, size_t n, int crash,
    long long now_ms)
{
	if (!h->on && !crash)
		return 0;
	if (!h->on) {
		h->on = 1;
		h->ended = 0;
		h->idle = 0;
		h->last_ms = now_ms;
	}
	strbuf_add(&h->held, text, n);
	return 1;
}

int
crashhold_on(const struct crashhold *h)
{
	return h->on;
}

/* One whole line (NUL-terminated, no line end, escapes out). */
static void
crashhold_line(struct crashhold *h)
{
	struct bt_line bl;

	bt_parse(&h->st, h->line, &bl);
	/*
	 * A read can bring the boot before the crash with the crash: a
	 * restart ends only a block that crash text opened.  What counts is
	 * the state after the read's last line, so a crash that follows
	 * another's end in the same read is still waited for.
	 */
	if (bl.kind == BT_END && !h->open)
		return;
	if (!bt_block_goes_on(bl.kind, &h->idle)) {
		h->ended = 1;
		h->open = 0;
	} else if (bl.kind != BT_NONE) {
		h->ended = 0;
		h->open = 1;
	}
}

/* A line from the splitter: its text and control bytes, without escape
   sequences (the one scanner, escape.h) or NULs, to the crash parser. */
static int
on_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct crashhold *h = ctx;
	struct escape_scan sc;
	struct escape_tok t;
	size_t n = 0, k;

	(void)flags;
	escape_init(&sc, line, len, 0);
	while (escape_next(&sc, &t)) {
		if (t.kind != ESCAPE_TEXT && !(t.kind == ESCAPE_C0 &&
		    line[t.off] != '\0'))
			continue;
		k = t.len < CRASHHOLD_LINE_MAX - n ? t.len :
		    CRASHHOLD_LINE_MAX - n;
		memcpy(h->line + n, line + t.off, k);
		n += k;
	}
	h->line[n] = '\0';
	crashhold_line(h);
	return 0;
}

int
crashhold_feed(struct crashhold *h, const char *buf, size_t n,
    long long now_ms)
{
	if (n > 0)
		h->last_ms = now_ms;
	linesplit_feed(h->ls, buf, n, on_line, h);
	return h->on && h->ended;
}

long long
crashhold_due_ms(const struct crashhold *h)
{
	if (!h->on)
		return -1;
	return h->last_ms + CRASHHOLD_QUIET_MS;
}

void
crashhold_take(struct crashhold *h, struct strbuf *out)
{
	strbuf_add(out, h->held.buf, h->held.len);
	strbuf_reset(&h->held);
	h->on = 0;
	h->ended = 0;
	h->idle = 0;
}
