/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the monitor's byte stream for the terminal.  Any bytes
 * through the escape scanner (every token must tile the line), the
 * sanitiser and passthru (fed in uneven chunks, with and without colour,
 * with partial lines shown as the monitor shows them).  Checked: what
 * reaches the terminal holds no ESC but the SGR colours passthru itself
 * keeps, and no C0 control but the line ends.
 *
 * fuzz-seeds: fixtures/corpus fixtures/logs
 * fuzz-max-len: 4096
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "passthru.h"
#include "sanitize.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_tiling(const char *s, size_t n, unsigned flags)
{
	struct escape_scan sc;
	struct escape_tok t;
	size_t at = 0;

	escape_init(&sc, s, n, flags);
	while (escape_next(&sc, &t)) {
		if (t.off != at || t.len == 0 || t.off + t.len > n)
			abort();
		at = t.off + t.len;
	}
	if (at != n)
		abort();
}

/* Without colour: no ESC at all; with it: only ESC '[' of an SGR. */
static void
check_terminal(const struct strbuf *sb, int color)
{
	size_t i;

	for (i = 0; i < sb->len; i++) {
		unsigned char c = (unsigned char)sb->buf[i];

		if (c == 0x1b) {
			if (!color || i + 1 >= sb->len || sb->buf[i + 1] != '[')
				abort();
			continue;
		}
		if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct strbuf out = STRBUF_INIT;
	size_t i, start, step;
	int color;

	/* the scanner, line by line as its users call it */
	for (start = i = 0; i <= size; i++)
		if (i == size || data[i] == '\n' || data[i] == '\r') {
			check_tiling(s + start, i - start, 0);
			check_tiling(s + start, i - start, ESCAPE_PARTIAL);
			sanitize_append(&out, s + start, i - start);
			check_terminal(&out, 0);
			strbuf_reset(&out);
			start = i + 1;
		}
	/* passthru, chunked by the first byte, as reads from a port come */
	step = size > 0 ? (size_t)data[0] % 17 + 1 : 1;
	for (color = 0; color < 2; color++) {
		struct passthru *pt = passthru_new(color ? PASSTHRU_COLOR : 0,
		    NULL, NULL);

		for (i = 0; i < size; i += step) {
			size_t n = size - i < step ? size - i : step;

			passthru_feed(pt, s + i, n, &out);
			passthru_partial(pt, 0, &out);
			if (passthru_held(pt) > PASSTHRU_HOLD_MAX)
				abort();
		}
		passthru_partial(pt, 1, &out);
		passthru_break(pt, &out);
		check_terminal(&out, color);
		strbuf_reset(&out);
		passthru_free(pt);
	}
	strbuf_release(&out);
	return 0;
}
