/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sanitize: device bytes become safe, printable UTF-8.  Escape sequences
 * vanish, controls and invalid bytes are shown as \xNN, C1 controls and
 * bidi overrides as \u{NNNN}, and valid multi-byte text is kept.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "strbuf.h"

/* Arrays, not pointers: parameters are copied into each test process. */
struct san_case {
	char	name[24];
	char	in[40];
	size_t	len;		/* 0: strlen(in) */
	char	out[64];
};

static struct san_case cases[] = {
	{ "plain", "E (12) ota: fine", 0, "E (12) ota: fine" },
	{ "sgr-colour", "\x1b[0;31mE (1) x: y\x1b[0m", 0, "E (1) x: y" },
	{ "clear-screen", "\x1b[2J\x1b[Hok", 0, "ok" },
	{ "osc-title-bel", "\x1b]0;pwned\x07text", 0, "text" },
	{ "osc-title-st", "\x1b]2;pwned\x1b\\text", 0, "text" },
	/* not a string without its terminator: the introducer goes */
	{ "osc-unterminated", "a\x1b]0;title forever", 0, "a0;title forever" },
	{ "csi-unterminated", "a\x1b[12", 0, "a" },
	{ "sos-string", "a\x1bXbody\x1b\\b", 0, "ab" },
	{ "dcs-string", "a\x1bP1$qbody\x1b\\b", 0, "ab" },
	{ "apc-string", "a\x1b_body\x1b\\b", 0, "ab" },
	{ "charset-esc", "\x1b(Bx", 0, "x" },
	{ "two-byte-esc", "\x1b" "cx", 0, "x" },
	{ "lone-esc-at-end", "abc\x1b", 0, "abc" },
	{ "tab-is-space", "a\tb", 0, "a b" },
	{ "c0-controls", "a\x01" "b\x07" "c", 0, "a\\x01b\\x07c" },
	{ "cr-and-bs", "50%\r\x08", 0, "50%\\x0d\\x08" },
	{ "del", "a\x7f", 0, "a\\x7f" },
	{ "nul", "a\0b", 3, "a\\x00b" },
	{ "invalid-byte", "\xff\xfe", 0, "\\xff\\xfe" },
	{ "raw-c1-byte", "\x9b" "2J", 0, "\\x9b2J" },
	{ "overlong", "\xc0\xaf", 0, "\\xc0\\xaf" },
	{ "surrogate", "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" },
	{ "above-max", "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80" },
	{ "cut-sequence", "x\xe2\x82", 0, "x\\xe2\\x82" },
	{ "c1-nel", "a\xc2\x85" "b", 0, "a\\u{0085}b" },
	{ "c1-csi", "\xc2\x9b" "2J", 0, "\\u{009b}2J" },
	{ "bidi-rlo", "abc\xe2\x80\xae" "fdp.exe", 0, "abc\\u{202e}fdp.exe" },
	{ "bidi-lre", "\xe2\x80\xaa" "x", 0, "\\u{202a}x" },
	{ "bidi-lri", "\xe2\x81\xa6" "x", 0, "\\u{2066}x" },
	{ "bidi-pdi", "x\xe2\x81\xa9", 0, "x\\u{2069}" },
	{ "utf8-2byte", "caf\xc3\xa9", 0, "caf\xc3\xa9" },
	{ "utf8-3byte", "5 \xe2\x82\xac", 0, "5 \xe2\x82\xac" },
	{ "utf8-4byte", "\xf0\x9f\x98\x80!", 0, "\xf0\x9f\x98\x80!" },
	{ "utf8-nbsp", "a\xc2\xa0" "b", 0, "a\xc2\xa0" "b" },
	{ "printed-esc-glyph", "\xe2\x90\x9b[0m", 0, "\xe2\x90\x9b[0m" },
	{ "empty", "", 0, "" },
};

ParameterizedTestParameters(sanitize, escapes_what_is_unsafe)
{
	return cr_make_param_array(struct san_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct san_case *c, sanitize, escapes_what_is_unsafe)
{
	size_t n = c->len > 0 ? c->len : strlen(c->in);
	char *got = sanitize_dup(c->in, n);

	cr_assert_str_eq(got, c->out, "%s: got \"%s\"", c->name, got);
	free(got);
}

Test(sanitize, output_has_no_control_bytes_for_any_byte)
{
	unsigned char in[256];
	char *got;
	size_t i;

	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	got = sanitize_dup((const char *)in, sizeof(in));
	for (i = 0; got[i] != '\0'; i++) {
		cr_assert((unsigned char)got[i] >= 0x20 &&
		    (unsigned char)got[i] != 0x7f,
		    "control byte %#x at %zu", (unsigned char)got[i], i);
	}
	/* every byte >= 0x80 here is a lone lead or continuation byte */
	cr_assert(strstr(got, "\\x80") != NULL);
	cr_assert(strstr(got, "\\xff") != NULL);
	free(got);
}

Test(sanitize, append_adds_to_existing_text)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "line: ");
	sanitize_append(&sb, "\x1b[1mbold\x1b[0m\x01", 13);
	cr_assert_str_eq(sb.buf, "line: bold\\x01");
	cr_assert_eq(sb.len, strlen("line: bold\\x01"));
	strbuf_release(&sb);
}

Test(sanitize, utf8_len)
{
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"a", 1), 1);
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\xe2\x82\xac", 3),
	    3);
	cr_assert_eq(sanitize_utf8_len(
	    (const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	/* too short for its lead byte */
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\xe2\x82\xac", 2),
	    0);
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\x80", 1), 0);
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\xc1\xbf", 2), 0);
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\xe0\x80\x80", 3),
	    0);
	cr_assert_eq(sanitize_utf8_len(
	    (const unsigned char *)"\xf0\x80\x80\x80", 4), 0);
	cr_assert_eq(sanitize_utf8_len((const unsigned char *)"\xc3(", 2), 0);
}
