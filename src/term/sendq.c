/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sendq: the texts a scripted monitor run sends (sendq.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "sendq.h"
#include "xalloc.h"

struct sendq_item {
	char		*trigger;	/* NULL: no wait */
	struct strbuf	 text;
};

struct sendq {
	struct sendq_item items[SENDQ_MAX];
	size_t		 n, next;	/* next: the first not sent */
	struct strbuf	 window;	/* the last bytes seen, < trigger len */
};


/* The first occurrence of t (tlen > 0) in s[0..n), or NULL. */
static const char *
find(const char *s, size_t n, const char *t, size_t tlen)
{
	const char *p = s, *end = s + n;

	while ((size_t)(end - p) >= tlen) {
		if ((p = memchr(p, t[0], (size_t)(end - p) - tlen + 1)) == NULL)
			return NULL;
		if (memcmp(p, t, tlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

int
sendq_unescape(const char *s, struct strbuf *out, const char **bad)
{
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			strbuf_addch(out, *s);
			continue;
		}
		switch (s[1]) {
		case 'n':
			strbuf_addch(out, '\n');
			break;
		case 'r':
			strbuf_addch(out, '\r');
			break;
		case 't':
			strbuf_addch(out, '\t');
			break;
		case 'e':
			strbuf_addch(out, 0x1b);
			break;
		case '\\':
			strbuf_addch(out, '\\');
			break;
		case 'x':
			if ((hi = hex_digit((unsigned char)s[2])) < 0 ||
			    (lo = hex_digit((unsigned char)s[3])) < 0) {
				*bad = s;
				return -1;
			}
			strbuf_addch(out, hi * 16 + lo);
			s += 2;
			break;
		default:
			*bad = s;
			return -1;
		}
		s++;
	}
	return 0;
}

struct sendq *
sendq_new(void)
{
	struct sendq *q = xcalloc(1, sizeof(*q));

	strbuf_init(&q->window, 64);
	return q;
}

void
sendq_free(struct sendq *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++) {
		free(q->items[i].trigger);
		strbuf_release(&q->items[i].text);
	}
	strbuf_release(&q->window);
	free(q);
}

int
sendq_add(struct sendq *q, const char *trigger, const char *text)
{
	struct sendq_item *it;
	const char *bad;

	if (q->n >= SENDQ_MAX || (trigger != NULL && (trigger[0] == '\0' ||
	    strlen(trigger) > SENDQ_TEXT_MAX)))
		return -1;
	it = &q->items[q->n];
	strbuf_init(&it->text, 64);
	if (sendq_unescape(text, &it->text, &bad) != 0 ||
	    it->text.len > SENDQ_TEXT_MAX) {
		strbuf_release(&it->text);
		return -1;
	}
	it->trigger = trigger != NULL ? xstrdup(trigger) : NULL;
	q->n++;
	return 0;
}

/* Sends the head texts that wait for nothing. */
static void
sendq_due(struct sendq *q, struct strbuf *out)
{
	while (q->next < q->n && q->items[q->next].trigger == NULL) {
		strbuf_add(out, q->items[q->next].text.buf,
		    q->items[q->next].text.len);
		q->next++;
	}
}

void
sendq_start(struct sendq *q, struct strbuf *out)
{
	sendq_due(q, out);
}

void
sendq_feed(struct sendq *q, const char *buf, size_t n, struct strbuf *out)
{
	const char *trig, *hit;
	size_t tlen, keep;

	while (n > 0 && q->next < q->n) {
		trig = q->items[q->next].trigger;
		tlen = strlen(trig);
		/* the window: what was kept, then the new bytes */
		strbuf_add(&q->window, buf, n);
		hit = find(q->window.buf, q->window.len, trig, tlen);
		if (hit == NULL) {
			keep = q->window.len < tlen ? q->window.len : tlen - 1;
			memmove(q->window.buf, q->window.buf + q->window.len -
			    keep, keep);
			strbuf_setlen(&q->window, keep);
			return;
		}
		/* fired: what follows the trigger is looked at for the next */
		strbuf_add(out, q->items[q->next].text.buf,
		    q->items[q->next].text.len);
		q->next++;
		sendq_due(q, out);
		{
			size_t after = (size_t)(hit - q->window.buf) + tlen;
			size_t rest = q->window.len - after;
			char *tmp = xmalloc(rest + 1);

			memcpy(tmp, q->window.buf + after, rest);
			strbuf_reset(&q->window);
			/* feed the rest again, as new bytes */
			if (rest > 0 && q->next < q->n)
				sendq_feed(q, tmp, rest, out);
			free(tmp);
			return;
		}
	}
}

const char *
sendq_waiting(const struct sendq *q)
{
	return q->next < q->n ? q->items[q->next].trigger : NULL;
}

const char *
sendq_waiting_text(const struct sendq *q)
{
	return q->next < q->n ? q->items[q->next].text.buf : NULL;
}
