/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crashhold: a crash's live diagnosis waits for the end of its crash
 * block (crashhold.h).
 */
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "crashhold.h"
#include "xalloc.h"

struct crashhold {
	int		 on;		/* a hold is on */
	struct strbuf	 held;		/* the announcements waiting */
	int		 ended;		/* its crash block has ended */
	int		 open;		/* crash text came, no end since */
	unsigned long	 idle;		/* lines without crash text since */
	long long	 last_ms;	/* when bytes last came (or the hold) */
	struct bt_state	 st;		/* the parser's state, across lines */
	char		 line[CRASHHOLD_LINE_MAX + 1];
	size_t		 len;		/* of line */
};

struct crashhold *
crashhold_new(void)
{
	struct crashhold *h = xcalloc(1, sizeof(*h));

	strbuf_init(&h->held, 256);
	return h;
}

void
crashhold_free(struct crashhold *h)
{
	if (h == NULL)
		return;
	strbuf_release(&h->held);
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

/* One whole line (NUL-terminated, no line end). */
static void
crashhold_line(struct crashhold *h)
{
	struct bt_line bl;
	size_t i = 0;

	/* an ESP-IDF colour opens many lines: the parser wants the text */
	while (h->line[i] == '\033' && h->line[i + 1] == '[') {
		size_t j = i + 2;

		while (h->line[j] != '\0' && ((h->line[j] >= '0' &&
		    h->line[j] <= '9') || h->line[j] == ';'))
			j++;
		if (h->line[j] != 'm')
			break;
		i = j + 1;
	}
	bt_parse(&h->st, h->line + i, &bl);
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

int
crashhold_feed(struct crashhold *h, const char *buf, size_t n,
    long long now_ms)
{
	size_t i;

	if (n > 0)
		h->last_ms = now_ms;
	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n') {
			while (h->len > 0 && h->line[h->len - 1] == '\r')
				h->len--;
			h->line[h->len] = '\0';
			crashhold_line(h);
			h->len = 0;
			continue;
		}
		/* a long line: its start is what the parser looks at */
		if (h->len < CRASHHOLD_LINE_MAX && c != '\0')
			h->line[h->len++] = c;
	}
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
