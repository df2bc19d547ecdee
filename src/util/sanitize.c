/* SPDX-License-Identifier: Apache-2.0 */
/* sanitize: device bytes to safe printable UTF-8 (see sanitize.h). */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "sanitize.h"
#include "xalloc.h"

size_t
sanitize_utf8_len(const unsigned char *s, size_t n)
{
	return escape_utf8_len(s, n);
}

/* "\xNN" for a byte, or "\u{NNNN}" for a code point. */
static void
hex(struct strbuf *out, int byte, unsigned v)
{
	char esc[16];

	if (byte)
		snprintf(esc, sizeof(esc), "\\x%02x", v);
	else
		snprintf(esc, sizeof(esc), "\\u{%04x}", v);
	strbuf_addstr(out, esc);
}

/* Text: kept, but bidi controls U+202A..U+202E, U+2066..U+2069 shown. */
static void
text(struct strbuf *out, const unsigned char *s, size_t n)
{
	const unsigned char *p;
	size_t i = 0, k;

	while (i < n && (p = memchr(s + i, 0xe2, n - i)) != NULL) {
		k = (size_t)(p - s);
		if (k + 2 < n && ((s[k + 1] == 0x80 && s[k + 2] >= 0xaa &&
		    s[k + 2] <= 0xae) || (s[k + 1] == 0x81 &&
		    s[k + 2] >= 0xa6 && s[k + 2] <= 0xa9))) {
			strbuf_add(out, s + i, k - i);
			hex(out, 0, 0x2000u + (s[k + 1] & 0x3fu) * 64 +
			    (s[k + 2] & 0x3fu));
			i = k + 3;
		} else {
			strbuf_add(out, s + i, k + 1 - i);
			i = k + 1;
		}
	}
	strbuf_add(out, s + i, n - i);
}

void
sanitize_token(struct strbuf *out, const char *str,
    const struct escape_tok *t)
{
	const unsigned char *s = (const unsigned char *)str + t->off;

	switch (t->kind) {
	case ESCAPE_TEXT:
		text(out, s, t->len);
		break;
	case ESCAPE_PRINTED:
		strbuf_add(out, s, t->len);
		break;
	case ESCAPE_C0:
		if (s[0] == '\t')
			strbuf_addch(out, ' ');
		else
			hex(out, 1, s[0]);
		break;
	case ESCAPE_C1:
		if (t->len == 2)
			hex(out, 0, s[1]);
		else
			hex(out, 1, s[0]);
		break;
	case ESCAPE_BAD:
		hex(out, 1, s[0]);
		break;
	case ESCAPE_CSI:
	case ESCAPE_STRING:
	case ESCAPE_INTRO:
	case ESCAPE_ESC:
	case ESCAPE_LONE_ESC:
	case ESCAPE_MORE:
		break;
	}
}

void
sanitize_append(struct strbuf *out, const char *s, size_t n)
{
	struct escape_scan sc;
	struct escape_tok t;

	strbuf_grow(out, n);
	escape_init(&sc, s, n, 0);
	while (escape_next(&sc, &t))
		sanitize_token(out, s, &t);
}

char *
sanitize_dup(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	sanitize_append(&sb, s, n);
	return strbuf_detach(&sb);
}
