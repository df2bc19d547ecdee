/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape: classifying terminal control in one line of device text
 * (escape.h).  The grammar is ECMA-48's, cut down to what a device log
 * holds; the printed forms are the ones terminal programs and pastes
 * leave behind.
 */
#include <stdint.h>
#include <string.h>

#include "escape.h"

#define ESC	0x1b
#define BEL	0x07

/* String introducers after ESC, and whether BEL also ends the string. */
static const struct {
	unsigned char	 intro;
	int		 bel;
} strings[] = {
	{ ']', 1 },	/* OSC */
	{ 'P', 0 },	/* DCS */
	{ 'X', 0 },	/* SOS */
	{ '^', 0 },	/* PM */
	{ '_', 0 },	/* APC */
};

/* Printed forms of ESC: each is a token when an SGR-like tail follows. */
static const struct {
	const char	*text;
	size_t		 len;
	int		 alone;		/* a token even without the tail */
} printed[] = {
	{ "\xe2\x90\x9b", 3, 1 },	/* U+241B SYMBOL FOR ESCAPE */
	{ "[1B]", 4, 0 },
	{ "<0x1b>", 6, 0 },
	{ "<0x1B>", 6, 0 },
	{ "<\\x1b>", 6, 0 },
	{ "\\033", 4, 0 },
	{ "\\x1b", 4, 0 },
	{ "\\x1B", 4, 0 },
	{ "\\e", 2, 0 },
	{ "^[", 2, 0 },
};

static const char *const kind_names[] = {
	[ESCAPE_TEXT] = "text",
	[ESCAPE_C0] = "c0",
	[ESCAPE_C1] = "c1",
	[ESCAPE_BAD] = "bad",
	[ESCAPE_CSI] = "csi",
	[ESCAPE_STRING] = "string",
	[ESCAPE_INTRO] = "intro",
	[ESCAPE_ESC] = "esc",
	[ESCAPE_LONE_ESC] = "lone-esc",
	[ESCAPE_PRINTED] = "printed",
	[ESCAPE_MORE] = "more",
};

const char *
escape_kind_name(enum escape_kind kind)
{
	if ((size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[kind];
	return "?";
}

size_t
escape_utf8_len(const unsigned char *s, size_t n)
{
	unsigned long cp;

	return escape_utf8_decode(s, n, &cp);
}

size_t
escape_utf8_decode(const unsigned char *s, size_t n, unsigned long *out)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80) {
		*out = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out = cp;
	return len;
}

/* A lead byte whose continuation bytes so far are fine but too few. */
static int
utf8_cut(const unsigned char *s, size_t n)
{
	size_t need, k;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	need = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (n >= need)
		return 0;
	for (k = 1; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return 1;
}

static int
in(unsigned c, unsigned lo, unsigned hi)
{
	return c >= lo && c <= hi;
}

/* Length of an SGR-like "[0;31m" (or K, J, H) at s, or 0. */
static size_t
sgr_like_len(const unsigned char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] != '[')
		return 0;
	while (i < n && i < 16 && (in(s[i], '0', '9') || s[i] == ';'))
		i++;
	if (i < n && i > 1 && (s[i] == 'm' || s[i] == 'K' || s[i] == 'J' ||
	    s[i] == 'H'))
		return i + 1;
	return 0;
}

/* Length of a printed form at s, or 0. */
static size_t
printed_len(const unsigned char *s, size_t n)
{
	size_t i, k;

	/* most '[' in logs open "[I]" or "[  1234]": no printed form starts
	   '[' without a digit or ';' after it */
	if (s[0] == '[' && (n < 2 || !(in(s[1], '0', '9') || s[1] == ';')))
		return 0;
	for (i = 0; i < sizeof(printed) / sizeof(printed[0]); i++) {
		if (n < printed[i].len ||
		    memcmp(s, printed[i].text, printed[i].len) != 0)
			continue;
		k = sgr_like_len(s + printed[i].len, n - printed[i].len);
		if (k > 0)
			return printed[i].len + k;
		return printed[i].alone ? printed[i].len : 0;
	}
	/* the ESC was lost in a paste: "[0;31mE (12) x: y[0m" */
	k = sgr_like_len(s, n);
	if (k >= 4 || (k == 3 && s[1] == '0'))
		return k;
	return 0;
}

static int
printed_start(unsigned c)
{
	return c == '[' || c == 0xe2 || c == '<' || c == '\\' || c == '^';
}

/* First BEL at or after from, n if none; amortised linear. */
static size_t
next_bel(struct escape_scan *sc, size_t from)
{
	const unsigned char *p;

	if (from < sc->bel_from || sc->bel < from) {
		p = memchr(sc->s + from, BEL, sc->n - from);
		sc->bel = p != NULL ? (size_t)(p - sc->s) : sc->n;
		sc->bel_from = from;
	}
	return sc->bel;
}

/* First ST (ESC \) at or after from, n if none; amortised linear. */
static size_t
next_st(struct escape_scan *sc, size_t from)
{
	const unsigned char *p;
	size_t k = from;

	if (from >= sc->st_from && sc->st >= from)
		return sc->st;
	sc->st = sc->n;
	sc->st_from = from;
	while (k < sc->n &&
	    (p = memchr(sc->s + k, ESC, sc->n - k)) != NULL) {
		k = (size_t)(p - sc->s);
		if (k + 1 < sc->n && sc->s[k + 1] == '\\') {
			sc->st = k;
			break;
		}
		k++;
	}
	return sc->st;
}

/* A token that runs to the end of the buffer: more may come. */
static size_t
cut(struct escape_scan *sc, size_t i, struct escape_tok *t,
    enum escape_kind kind)
{
	t->kind = sc->flags & ESCAPE_PARTIAL ? ESCAPE_MORE : kind;
	return sc->n - i;
}

/* The token at s[i] == ESC. */
static size_t
esc_token(struct escape_scan *sc, size_t i, struct escape_tok *t)
{
	const unsigned char *s = sc->s;
	size_t n = sc->n, k, p0, end, bel;
	unsigned c;

	if (i + 1 >= n)
		return cut(sc, i, t, ESCAPE_LONE_ESC);
	c = s[i + 1];
	if (c == '[') {
		t->kind = ESCAPE_CSI;
		for (k = p0 = i + 2; k < n && in(s[k], 0x30, 0x3f); k++)
			;
		end = k;
		while (k < n && in(s[k], 0x20, 0x2f))
			k++;
		if (k >= n)
			return cut(sc, i, t, ESCAPE_CSI);
		if (!in(s[k], 0x40, 0x7e))
			return k - i;
		t->final = s[k];
		t->sgr = s[k] == 'm' && end == k;
		for (; p0 < end && t->sgr; p0++)
			if (!in(s[p0], '0', '9') && s[p0] != ';' && s[p0] != ':')
				t->sgr = 0;
		return k + 1 - i;
	}
	for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
		if (strings[k].intro != c)
			continue;
		t->intro = (unsigned char)c;
		end = next_st(sc, i + 2);
		bel = strings[k].bel ? next_bel(sc, i + 2) : n;
		if (bel < end) {
			t->kind = ESCAPE_STRING;
			return bel + 1 - i;
		}
		if (end < n) {
			t->kind = ESCAPE_STRING;
			return end + 2 - i;
		}
		if (sc->flags & ESCAPE_PARTIAL)
			return cut(sc, i, t, ESCAPE_INTRO);
		t->kind = ESCAPE_INTRO;
		return 2;
	}
	if (!in(c, 0x20, 0x7e)) {
		t->kind = ESCAPE_LONE_ESC;
		return 1;
	}
	t->kind = ESCAPE_ESC;
	for (k = i + 1; k < n && in(s[k], 0x20, 0x2f); k++)
		;
	if (k >= n)
		return cut(sc, i, t, ESCAPE_ESC);
	if (!in(s[k], 0x30, 0x7e))
		return k - i;
	t->final = s[k];
	return k + 1 - i;
}

/* Printable ASCII that cannot start a printed form ('[', '<', '\\', '^'
   can, and are looked at further): text, at a glance.  Bytes from 0x80
   are 0. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x10 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1,	/* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,	/* 0x70 */
};

#if defined(__GNUC__)
/* 16 bytes at once (GCC's and clang's vector extension: SSE2 on x86,
   NEON on ARM): non-zero if one of them is not plain[] (a control, 0x7f,
   0x80 and above, which are negative as signed char, or a '[', '<',
   '\\', '^'). */
typedef signed char plain_v16 __attribute__((vector_size(16)));

static int
plain16_stops(const unsigned char *u)
{
	plain_v16 x, m;
	uint64_t w[2];

	memcpy(&x, u, sizeof(x));
	m = (x < 0x20) | (x == 0x7f) | (x == '[') | (x == '<') | (x == '\\') |
	    (x == '^');
	memcpy(w, &m, sizeof(w));
	return (w[0] | w[1]) != 0;
}
#endif

size_t
escape_plain_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0;

	while (k < n) {
#if defined(__GNUC__)
		/* the common case, a line of plain text, 16 bytes a step
		   (this scan was 10 % of analyze on bench's log) */
		while (n - k >= 16 && !plain16_stops(u + k))
			k += 16;
#endif
		while (k < n && plain[u[k]])
			k++;
		/* '[', '<', '\\', '^' that start no printed form are text
		   as the scanner sees it (text_len): an Arduino line's
		   "[  1234][D]" no longer takes the slow path */
		if (k < n && u[k] < 0x80 && printed_start(u[k]) &&
		    printed_len(u + k, n - k) == 0) {
			k++;
			continue;
		}
		break;
	}
	return k;
}

/* A run of text from s[i]: stops before anything that is not text. */
static size_t
text_len(const struct escape_scan *sc, size_t i)
{
	const unsigned char *s = sc->s;
	size_t n = sc->n, k = i, len;

	while (k < n) {
		/* the common case: printable ASCII that starts nothing */
		while (k < n && plain[s[k]])
			k++;
		if (k >= n)
			break;
		if (in(s[k], 0x20, 0x7e)) {
			if (k > i && printed_start(s[k]) &&
			    printed_len(s + k, n - k) > 0)
				break;
			k++;
			continue;
		}
		if (s[k] < 0x80)
			break;
		len = escape_utf8_len(s + k, n - k);
		if (len == 0 || (len == 2 && s[k] == 0xc2 && s[k + 1] < 0xa0))
			break;
		if (k > i && s[k] == 0xe2 && printed_len(s + k, n - k) > 0)
			break;
		k += len;
	}
	return k - i;
}

void
escape_init(struct escape_scan *sc, const char *s, size_t n, unsigned flags)
{
	memset(sc, 0, sizeof(*sc));
	sc->s = (const unsigned char *)s;
	sc->n = n;
	sc->flags = flags;
	sc->bel_from = sc->st_from = SIZE_MAX;	/* nothing cached yet */
}

int
escape_next(struct escape_scan *sc, struct escape_tok *t)
{
	const unsigned char *s = sc->s;
	size_t i = sc->pos, n = sc->n, len = 0;
	unsigned c;

	if (i >= n)
		return 0;
	memset(t, 0, sizeof(*t));
	t->off = i;
	c = s[i];
	if (c == ESC)
		len = esc_token(sc, i, t);
	else if (c < 0x20 || c == 0x7f) {
		t->kind = ESCAPE_C0;
		len = 1;
	} else if (printed_start(c) && (len = printed_len(s + i, n - i)) > 0)
		t->kind = ESCAPE_PRINTED;
	else if (c < 0x80 || (len = escape_utf8_len(s + i, n - i)) > 2 ||
	    (len == 2 && !(c == 0xc2 && s[i + 1] < 0xa0))) {
		t->kind = ESCAPE_TEXT;
		len = text_len(sc, i);
	} else if (len == 2) {
		t->kind = ESCAPE_C1;
	} else if ((sc->flags & ESCAPE_PARTIAL) && utf8_cut(s + i, n - i)) {
		t->kind = ESCAPE_MORE;
		len = n - i;
	} else {
		t->kind = in(c, 0x80, 0x9f) ? ESCAPE_C1 : ESCAPE_BAD;
		len = 1;
	}
	t->len = len;
	sc->pos = i + len;
	return 1;
}
