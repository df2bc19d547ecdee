/* SPDX-License-Identifier: Apache-2.0 */
/* linesplit: incremental LF / CRLF / CR line splitting (see linesplit.h). */
#include <stdlib.h>
#include <string.h>

#include "linesplit.h"
#include "xalloc.h"

struct linesplit {
	char	*buf;		/* the current, unterminated line */
	size_t	 len;
	size_t	 max;
	int	 overflow;	/* current line exceeded max: skipping */
	int	 cr;		/* last byte seen was a CR */
};

struct linesplit *
linesplit_new(size_t max_line)
{
	struct linesplit *ls = xcalloc(1, sizeof(*ls));

	ls->max = max_line > 0 ? max_line : LINESPLIT_DEFAULT_MAX;
	ls->buf = xmalloc(ls->max);
	return ls;
}

void
linesplit_free(struct linesplit *ls)
{
	if (ls == NULL)
		return;
	free(ls->buf);
	free(ls);
}

static int
emit(struct linesplit *ls, linesplit_fn fn, void *ctx, unsigned flags)
{
	int rc;

	if (ls->overflow)
		flags |= LINESPLIT_TRUNCATED;
	rc = fn(ctx, ls->buf, ls->len, flags);
	ls->len = 0;
	ls->overflow = 0;
	return rc;
}

static void
append(struct linesplit *ls, const char *p, size_t n)
{
	size_t room = ls->max - ls->len;

	if (n > room) {
		n = room;
		ls->overflow = 1;
	}
	memcpy(ls->buf + ls->len, p, n);
	ls->len += n;
}

/* The first CR or LF in [p, end), or end: two memchr() scans, not a loop
   over bytes. */
static const char *
line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *lim = nl != NULL ? nl : end;
	const char *cr = memchr(p, '\r', (size_t)(lim - p));

	return cr != NULL ? cr : lim;
}

int
linesplit_feed(struct linesplit *ls, const char *buf, size_t n,
    linesplit_fn fn, void *ctx)
{
	const char *p = buf, *end = buf + n, *q;
	int rc;

	while (p < end) {
		if (ls->cr) {
			/* a CR was the last byte: CRLF or a lone CR */
			ls->cr = 0;
			if (*p == '\n')
				p++;
			if ((rc = emit(ls, fn, ctx, 0)) != 0)
				return rc;
			continue;
		}
		q = line_end(p, end);
		/* a whole line in buf, nothing pending, within the bound, and
		   its end known (a CR that is not the last byte): passed as
		   it is, without a copy */
		if (ls->len == 0 && !ls->overflow && q < end &&
		    (size_t)(q - p) <= ls->max && (*q == '\n' || q + 1 < end)) {
			if ((rc = fn(ctx, p, (size_t)(q - p), 0)) != 0)
				return rc;
			p = q + 1;
			if (q[0] == '\r' && p < end && *p == '\n')
				p++;
			continue;
		}
		if (q > p && !ls->overflow)
			append(ls, p, (size_t)(q - p));
		else if (q > p && ls->len < ls->max)
			append(ls, p, (size_t)(q - p));
		if (q == end)
			break;
		if (*q == '\n') {
			p = q + 1;
			if ((rc = emit(ls, fn, ctx, 0)) != 0)
				return rc;
		} else {
			p = q + 1;
			ls->cr = 1;
		}
	}
	return 0;
}

int
linesplit_flush(struct linesplit *ls, linesplit_fn fn, void *ctx)
{
	if (ls->cr) {
		ls->cr = 0;
		return emit(ls, fn, ctx, 0);
	}
	if (ls->len > 0 || ls->overflow)
		return emit(ls, fn, ctx, LINESPLIT_NOEOL);
	return 0;
}

size_t
linesplit_pending(const struct linesplit *ls)
{
	return ls->len;
}
