/* sanitize: device bytes to safe printable UTF-8 (see sanitize.h). */
#include <stdio.h>
#include <string.h>

#include "sanitize.h"
#include "xalloc.h"

size_t
sanitize_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
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
	return len;
}

/* Length of an escape sequence starting at s[0] == ESC. */
static size_t
escape_len(const unsigned char *s, size_t n)
{
	size_t i;

	if (n < 2)
		return 1;
	if (s[1] == '[') {		/* CSI: params, intermediates, final */
		for (i = 2; i < n && i < 64; i++)
			if (s[i] >= 0x40 && s[i] <= 0x7e)
				return i + 1;
		return i < n ? 1 : n;
	}
	if (s[1] == ']' || s[1] == 'P' || s[1] == '_' || s[1] == '^') {
		/* OSC/DCS/APC/PM: up to BEL or ST */
		for (i = 2; i < n && i < 4096; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\')
				return i + 2;
		}
		return i < n ? 2 : n;
	}
	if (s[1] >= 0x20 && s[1] <= 0x7e) {
		/* ESC ( B and similar take one more byte */
		if ((s[1] == '(' || s[1] == ')' || s[1] == '#' || s[1] == '%') &&
		    n > 2)
			return 3;
		return 2;
	}
	return 1;
}

void
sanitize_append(struct strbuf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run, len;
	char esc[16];

	strbuf_grow(out, n);
	while (i < n) {
		/* fast path: a run of plain printable ASCII */
		run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f)
			run++;
		if (run > i) {
			strbuf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		if (s[i] == 0x1b) {
			i += escape_len(s + i, n - i);
			continue;
		}
		if (s[i] == '\t') {
			strbuf_addch(out, ' ');
			i++;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			strbuf_addstr(out, esc);
			i++;
			continue;
		}
		len = sanitize_utf8_len(s + i, n - i);
		if (len == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			strbuf_addstr(out, esc);
			i++;
			continue;
		}
		/* C1 controls U+0080..U+009F, bidi controls U+202A..U+202E,
		   U+2066..U+2069 */
		if (len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0) {
			snprintf(esc, sizeof(esc), "\\u{%04x}", s[i + 1]);
			strbuf_addstr(out, esc);
		} else if (len == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
		    s[i + 2] >= 0xaa && s[i + 2] <= 0xae) {
			snprintf(esc, sizeof(esc), "\\u{20%02x}",
			    0x2a + (s[i + 2] - 0xaa));
			strbuf_addstr(out, esc);
		} else if (len == 3 && s[i] == 0xe2 && s[i + 1] == 0x81 &&
		    s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9) {
			snprintf(esc, sizeof(esc), "\\u{20%02x}",
			    0x66 + (s[i + 2] - 0xa6));
			strbuf_addstr(out, esc);
		} else
			strbuf_add(out, s + i, len);
		i += len;
	}
}

char *
sanitize_dup(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	sanitize_append(&sb, s, n);
	return strbuf_detach(&sb);
}
