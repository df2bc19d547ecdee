/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape: one scanner, three users.  Each row of the table is one line
 * with a kind of terminal control in it, the tokens the scanner makes of
 * it, and what each user makes of those tokens:
 *   record    record_parse() text: every sequence and printed form gone;
 *   shown     sanitize_dup(), which is also the monitor's pass-through
 *             without colour;
 *   colour    the pass-through with colour (SGR kept, the rest as shown).
 * The consistency between the three is asserted for every row, as is the
 * pass-through's result when the line arrives one byte at a time.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "passthru.h"
#include "rawtty.h"
#include "record.h"
#include "sanitize.h"
#include "strbuf.h"

#define SAME	"="	/* record/colour column: the same as shown */

/* Arrays, not pointers: parameters are copied into each test process. */
struct esc_case {
	char	name[32];
	char	in[96];
	size_t	len;		/* 0: strlen(in) */
	char	kinds[96];	/* escape_kind_name() of each token */
	char	record[96];
	char	shown[128];
	char	colour[128];
};

static struct esc_case cases[] = {
	/* CSI */
	{ "sgr", "\x1b[0;31mE (1) ota: x\x1b[0m", 0, "csi text csi",
	    SAME, "E (1) ota: x",
	    "\x1b[0;31mE (1) ota: x\x1b[0m\x1b[0m" },
	{ "sgr-colon", "\x1b[38:5:196mred", 0, "csi text",
	    SAME, "red", "\x1b[38:5:196mred\x1b[0m" },
	{ "sgr-empty", "a\x1b[mb", 0, "text csi text",
	    SAME, "ab", "a\x1b[mb\x1b[0m" },
	{ "cursor-moves", "a\x1b[2J\x1b[1;1Hb\x1b[2K", 0,
	    "text csi csi text csi", SAME, "ab", SAME },
	{ "cursor-report", "a\x1b[6nb", 0, "text csi text", SAME, "ab", SAME },
	{ "csi-private", "a\x1b[?25lb", 0, "text csi text", SAME, "ab", SAME },
	{ "csi-m-not-sgr", "a\x1b[>4;1mb", 0, "text csi text", SAME, "ab",
	    SAME },
	{ "csi-m-intermediate", "a\x1b[0 mb", 0, "text csi text", SAME, "ab",
	    SAME },
	{ "csi-cut-by-control", "a\x1b[1\x07" "b", 0, "text csi c0 text",
	    SAME, "a\\x07b", SAME },
	{ "csi-at-end", "a\x1b[12", 0, "text csi", SAME, "a", SAME },
	/* OSC */
	{ "osc-bel", "\x1b]0;title\x07" "E (1) ota: x", 0, "string text",
	    SAME, "E (1) ota: x", SAME },
	{ "osc-st", "E (1) ota: \x1b]2;t\x1b\\x", 0, "text string text",
	    SAME, "E (1) ota: x", SAME },
	{ "osc8-link", "\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\", 0,
	    "string text string", SAME, "link", SAME },
	{ "osc-swallows-csi", "\x1b]0;a\x1b[31mb\x07" "c", 0, "string text",
	    SAME, "c", SAME },
	{ "osc-unterminated", "E (1) ota: x\x1b]0;rest of line", 0,
	    "text intro text", SAME, "E (1) ota: x0;rest of line", SAME },
	{ "osc-unterminated-error", "\x1b]0;ota E (5) esp_https_ota: "
	    "File not found(404)", 0, "intro text",
	    "E (5) esp_https_ota: File not found(404)",
	    "0;ota E (5) esp_https_ota: File not found(404)", SAME },
	{ "osc-unterminated-many", "\x1b]\x1b]\x1b]x", 0,
	    "intro intro intro text", SAME, "x", SAME },
	{ "osc-unterminated-sgr", "\x1b]0;t \x1b[31mred", 0,
	    "intro text csi text", SAME, "0;t red",
	    "0;t \x1b[31mred\x1b[0m" },
	/* DCS, SOS, PM, APC: ST only */
	{ "dcs-st", "a\x1bP1$qm\x1b\\b", 0, "text string text", SAME, "ab",
	    SAME },
	{ "dcs-bel-unterminated", "a\x1bPq#0\x07" "b", 0,
	    "text intro text c0 text", SAME, "aq#0\\x07b", SAME },
	{ "dcs-unterminated", "E (1) ota: x\x1bP1$qrest", 0,
	    "text intro text", SAME, "E (1) ota: x1$qrest", SAME },
	{ "sos-st", "a\x1bXbody\x1b\\b", 0, "text string text", SAME, "ab",
	    SAME },
	{ "sos-unterminated", "a\x1bXbody", 0, "text intro text", SAME,
	    "abody", SAME },
	{ "pm-st", "a\x1b^body\x1b\\b", 0, "text string text", SAME, "ab",
	    SAME },
	{ "apc-st", "a\x1b_body\x1b\\b", 0, "text string text", SAME, "ab",
	    SAME },
	{ "apc-unterminated", "a\x1b_body", 0, "text intro text", SAME,
	    "abody", SAME },
	/* other ESC sequences */
	{ "reset-terminal", "\x1b" "cE (1) ota: x", 0, "esc text", SAME,
	    "E (1) ota: x", SAME },
	{ "charset", "\x1b(Bx", 0, "esc text", SAME, "x", SAME },
	{ "save-cursor", "a\x1b" "7b", 0, "text esc text", SAME, "ab", SAME },
	{ "stray-st", "a\x1b\\b", 0, "text esc text", SAME, "ab", SAME },
	{ "lone-esc-at-end", "abc\x1b", 0, "text lone-esc", SAME, "abc",
	    SAME },
	{ "esc-esc-sgr", "a\x1b\x1b[31mb", 0, "text lone-esc csi text",
	    SAME, "ab", "a\x1b[31mb\x1b[0m" },
	{ "esc-before-control", "a\x1b\x01" "b", 0,
	    "text lone-esc c0 text", SAME, "a\\x01b", SAME },
	{ "esc-before-utf8", "a\x1b\xc3\xa9", 0, "text lone-esc text", SAME,
	    "a\xc3\xa9", SAME },
	/* C0 and C1 controls */
	{ "c0", "a\x01" "b", 0, "text c0 text", SAME, "a\\x01b", SAME },
	{ "bel-bs-del", "a\x07\x08\x7f", 0, "text c0 c0 c0", SAME,
	    "a\\x07\\x08\\x7f", SAME },
	{ "tab", "a\tb", 0, "text c0 text", SAME, "a b", SAME },
	{ "nul", "a\0b", 3, "text c0 text", "ab", "a\\x00b", SAME },
	{ "c1-csi-utf8", "a\xc2\x9b" "2Jb", 0, "text c1 text", SAME,
	    "a\\u{009b}2Jb", SAME },
	{ "c1-osc-utf8", "a\xc2\x9d" "0;t\xc2\x9c" "b", 0,
	    "text c1 text c1 text", SAME, "a\\u{009d}0;t\\u{009c}b", SAME },
	{ "c1-nel-utf8", "a\xc2\x85" "b", 0, "text c1 text", SAME,
	    "a\\u{0085}b", SAME },
	{ "c1-csi-raw", "a\x9b" "2Jb", 0, "text c1 text", SAME, "a\\x9b2Jb",
	    SAME },
	{ "bad-utf8", "a\xff" "b", 0, "text bad text", SAME, "a\\xffb",
	    SAME },
	{ "cut-utf8", "a\xe2\x82", 0, "text bad c1", SAME, "a\\xe2\\x82",
	    SAME },
	/* text */
	{ "plain", "E (1) ota: fine", 0, "text", SAME, "E (1) ota: fine",
	    SAME },
	{ "utf8", "caf\xc3\xa9 5\xe2\x82\xac \xf0\x9f\x98\x80", 0, "text",
	    SAME, "caf\xc3\xa9 5\xe2\x82\xac \xf0\x9f\x98\x80", SAME },
	{ "bidi", "a\xe2\x80\xae" "b\xe2\x81\xa6", 0, "text", SAME,
	    "a\\u{202e}b\\u{2066}", SAME },
	{ "brackets-not-sgr", "[1m [E] [12] x", 0, "text", SAME,
	    "[1m [E] [12] x", SAME },
	/* printed forms: text for the eye, gone for the rules */
	{ "printed-glyph", "\xe2\x90\x9b[0;31mE (1) ota: x\xe2\x90\x9b[0m", 0,
	    "printed text printed", "E (1) ota: x",
	    "\xe2\x90\x9b[0;31mE (1) ota: x\xe2\x90\x9b[0m", SAME },
	{ "printed-glyph-alone", "a\xe2\x90\x9b" "b", 0, "text printed text",
	    "ab", "a\xe2\x90\x9b" "b", SAME },
	{ "printed-1b", "[1B][0;36mI (2) wifi: up[1B][0m", 0,
	    "printed text printed", "I (2) wifi: up",
	    "[1B][0;36mI (2) wifi: up[1B][0m", SAME },
	{ "printed-angle", "<0x1b>[0;32mI (3) x: y<0x1B>[0m", 0,
	    "printed text printed", "I (3) x: y",
	    "<0x1b>[0;32mI (3) x: y<0x1B>[0m", SAME },
	{ "printed-angle-x", "<\\x1b>[0mok", 0, "printed text", "ok",
	    "<\\x1b>[0mok", SAME },
	{ "printed-backslash-e", "\\e[0;33mW (4) x: y\\e[0m", 0,
	    "printed text printed", "W (4) x: y",
	    "\\e[0;33mW (4) x: y\\e[0m", SAME },
	{ "printed-octal", "\\033[0;31mE (5) x: y\\033[0m", 0,
	    "printed text printed", "E (5) x: y",
	    "\\033[0;31mE (5) x: y\\033[0m", SAME },
	{ "printed-hex", "\\x1b[0mok\\x1B[1;31m", 0, "printed text printed",
	    "ok", "\\x1b[0mok\\x1B[1;31m", SAME },
	{ "printed-caret", "^[[0;31mE (6) x: y^[[0m", 0,
	    "printed text printed", "E (6) x: y",
	    "^[[0;31mE (6) x: y^[[0m", SAME },
	{ "printed-esc-lost", "[0;31mE (7) x: y[0m", 0,
	    "printed text printed", "E (7) x: y", "[0;31mE (7) x: y[0m",
	    SAME },
	{ "printed-esc-lost-erase", "ok[12K", 0, "text printed", "ok",
	    "ok[12K", SAME },
	{ "printed-then-real", "\\e[0m\x1b[0mok", 0, "printed csi text",
	    "ok", "\\e[0mok", "\\e[0m\x1b[0mok\x1b[0m" },
	{ "empty", "", 0, "", SAME, "", SAME },
};

static size_t
case_len(const struct esc_case *c)
{
	return c->len > 0 ? c->len : strlen(c->in);
}

/* "text csi text" for s[0..n) */
static void
kinds_of(struct strbuf *sb, const char *s, size_t n, unsigned flags)
{
	struct escape_scan sc;
	struct escape_tok t;
	size_t at = 0;

	escape_init(&sc, s, n, flags);
	while (escape_next(&sc, &t)) {
		cr_assert_eq(t.off, at, "token at %zu, want %zu", t.off, at);
		cr_assert_gt(t.len, 0);
		at += t.len;
		if (sb->len > 0)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, escape_kind_name(t.kind));
	}
	cr_assert_eq(at, n, "tokens cover %zu of %zu bytes", at, n);
}

/* The pass-through's rendering of one line, fed in chunks of step bytes
   (0: all at once), with a partial flush after each chunk. */
static char *
passthru_line(const char *s, size_t n, unsigned flags, size_t step)
{
	struct passthru *pt = passthru_new(flags, NULL, NULL);
	struct strbuf out = STRBUF_INIT;
	size_t i, k;

	if (step == 0)
		step = n > 0 ? n : 1;
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		passthru_feed(pt, s + i, k, &out);
		passthru_partial(pt, 0, &out);
	}
	passthru_feed(pt, "\n", 1, &out);
	cr_assert_eq(passthru_held(pt), 0);
	passthru_free(pt);
	return strbuf_detach(&out);
}

/* s without its SGR sequences */
static char *
without_sgr(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct escape_scan sc;
	struct escape_tok t;

	escape_init(&sc, s, strlen(s), 0);
	while (escape_next(&sc, &t))
		if (!(t.kind == ESCAPE_CSI && t.sgr))
			strbuf_add(&sb, s + t.off, t.len);
	return strbuf_detach(&sb);
}

ParameterizedTestParameters(escape, one_scanner_three_users)
{
	return cr_make_param_array(struct esc_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct esc_case *c, escape, one_scanner_three_users)
{
	struct strbuf kinds = STRBUF_INIT, want = STRBUF_INIT;
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *want_record, *want_colour;
	char *shown, *plain, *colour, *bytewise, *stripped;
	size_t n = case_len(c);

	/* the scanner */
	kinds_of(&kinds, c->in, n, 0);
	cr_expect_str_eq(kinds.buf, c->kinds, "%s: tokens \"%s\"", c->name,
	    kinds.buf);

	/* sanitize: what a report shows */
	shown = sanitize_dup(c->in, n);
	cr_expect_str_eq(shown, c->shown, "%s: sanitize \"%s\"", c->name,
	    shown);

	/* record: what the rules see */
	want_record = strcmp(c->record, SAME) == 0 ? c->shown : c->record;
	record_parse(p, 1, c->in, n, 0, &r);
	cr_expect_str_eq(r.text, want_record, "%s: record \"%s\"", c->name,
	    r.text);

	/* the monitor without colour shows exactly what a report shows */
	plain = passthru_line(c->in, n, 0, 0);
	strbuf_addstr(&want, c->shown);
	strbuf_addch(&want, '\n');
	cr_expect_str_eq(plain, want.buf, "%s: pass-through \"%s\"", c->name,
	    plain);

	/* with colour: the same plus the SGR sequences, nothing else */
	want_colour = strcmp(c->colour, SAME) == 0 ? c->shown : c->colour;
	colour = passthru_line(c->in, n, PASSTHRU_COLOR, 0);
	strbuf_reset(&want);
	strbuf_addstr(&want, want_colour);
	strbuf_addch(&want, '\n');
	cr_expect_str_eq(colour, want.buf, "%s: colour pass-through \"%s\"",
	    c->name, colour);
	stripped = without_sgr(colour);
	cr_expect_str_eq(stripped, plain, "%s: colour adds more than SGR",
	    c->name);

	/* one byte at a time, flushed after each: the same */
	bytewise = passthru_line(c->in, n, PASSTHRU_COLOR, 1);
	cr_expect_str_eq(bytewise, colour, "%s: byte by byte \"%s\"", c->name,
	    bytewise);

	free(bytewise);
	free(stripped);
	free(colour);
	free(plain);
	free(shown);
	record_parser_free(p);
	strbuf_release(&want);
	strbuf_release(&kinds);
}

/* ---- the scanner on its own ---- */

struct partial_case {
	char	name[32];
	char	in[48];
	char	kinds[64];
};

static struct partial_case partials[] = {
	{ "esc", "a\x1b", "text more" },
	{ "csi", "a\x1b[1;3", "text more" },
	{ "csi-done", "a\x1b[1;3m", "text csi" },
	{ "csi-cut", "a\x1b[1\x07", "text csi c0" },
	{ "esc-intermediate", "a\x1b(", "text more" },
	{ "osc", "a\x1b]0;t", "text more" },
	{ "osc-half-st", "a\x1b]0;t\x1b", "text more" },
	{ "osc-done", "a\x1b]0;t\x07", "text string" },
	{ "dcs-bel", "a\x1bPq\x07", "text more" },
	{ "utf8", "a\xe2\x90", "text more" },
	{ "utf8-bad", "a\xe2(", "text bad text" },
	{ "printed-cut", "a[0;3", "text" },
};

ParameterizedTestParameters(escape, partial_buffer_waits)
{
	return cr_make_param_array(struct partial_case, partials,
	    sizeof(partials) / sizeof(partials[0]));
}

ParameterizedTest(struct partial_case *c, escape, partial_buffer_waits)
{
	struct strbuf kinds = STRBUF_INIT;

	kinds_of(&kinds, c->in, strlen(c->in), ESCAPE_PARTIAL);
	cr_expect_str_eq(kinds.buf, c->kinds, "%s: tokens \"%s\"", c->name,
	    kinds.buf);
	strbuf_release(&kinds);
}

Test(escape, final_intro_and_sgr)
{
	static const char s[] = "\x1b[1;31m\x1b[2J\x1b]0;t\x07\x1bXs\x1b\\\x1b(B";
	struct escape_scan sc;
	struct escape_tok t;

	escape_init(&sc, s, sizeof(s) - 1, 0);
	cr_assert(escape_next(&sc, &t));
	cr_assert(t.kind == ESCAPE_CSI && t.final == 'm' && t.sgr);
	cr_assert(escape_next(&sc, &t));
	cr_assert(t.kind == ESCAPE_CSI && t.final == 'J' && !t.sgr);
	cr_assert(escape_next(&sc, &t));
	cr_assert(t.kind == ESCAPE_STRING && t.intro == ']' && t.len == 6);
	cr_assert(escape_next(&sc, &t));
	cr_assert(t.kind == ESCAPE_STRING && t.intro == 'X' && t.len == 5);
	cr_assert(escape_next(&sc, &t));
	cr_assert(t.kind == ESCAPE_ESC && t.final == 'B' && t.len == 3);
	cr_assert(!escape_next(&sc, &t));
}

/* Many unterminated strings on one long line: linear, not quadratic. */
Test(escape, unterminated_strings_are_linear)
{
	size_t n = 4u << 20, i, count = 0;
	char *s = malloc(n);
	struct escape_scan sc;
	struct escape_tok t;
	struct record_parser *p;
	struct record r;
	clock_t t0 = clock();

	cr_assert_not_null(s);
	for (i = 0; i + 1 < n; i += 2) {
		s[i] = '\x1b';
		s[i + 1] = (i / 2) % 2 ? 'P' : ']';
	}
	escape_init(&sc, s, n, 0);
	while (escape_next(&sc, &t)) {
		cr_assert_eq(t.kind, ESCAPE_INTRO);
		count++;
	}
	cr_assert_eq(count, n / 2);
	p = record_parser_new();
	record_parse(p, 1, s, n, 0, &r);
	cr_assert_str_eq(r.text, "");
	record_parser_free(p);
	cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 10.0);
	free(s);
}

Test(escape, utf8_len_is_sanitize_utf8_len)
{
	static const char *const s[] = { "a", "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80", "\x80", "\xc1\xbf", "\xed\xa0\x80",
	    "\xf4\x90\x80\x80", "\xc2\x9b" };
	size_t i, n;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		n = strlen(s[i]);
		cr_assert_eq(escape_utf8_len((const unsigned char *)s[i], n),
		    sanitize_utf8_len((const unsigned char *)s[i], n));
	}
	cr_assert_eq(escape_utf8_len((const unsigned char *)"\xc2\x9b", 2), 2);
}

/* ---- the pass-through around the scanner ---- */

static void
stamp(struct strbuf *out, void *ctx)
{
	strbuf_addstr(out, ctx);
}

Test(passthru, line_ends_prefix_and_break)
{
	static char tag[] = "[T] ";
	static const char in[] = "a\r\nb\rc\n\n\x1b[31mpart";
	struct passthru *pt = passthru_new(PASSTHRU_COLOR, stamp, tag);
	struct strbuf out = STRBUF_INIT;

	passthru_feed(pt, in, strlen(in), &out);
	cr_assert_str_eq(out.buf, "\x1b[2m[T] \x1b[22m" "a\n"
	    "\x1b[2m[T] \x1b[22m" "b\n" "\x1b[2m[T] \x1b[22m" "c\n" "\n");
	cr_assert_eq(passthru_held(pt), 9);
	strbuf_reset(&out);
	passthru_partial(pt, 0, &out);
	cr_assert_str_eq(out.buf, "\x1b[2m[T] \x1b[22m\x1b[31mpart");
	cr_assert_eq(passthru_held(pt), 0);
	strbuf_reset(&out);
	passthru_break(pt, &out);
	cr_assert_str_eq(out.buf, "\x1b[0m\n");
	strbuf_reset(&out);
	passthru_break(pt, &out);
	cr_assert_str_eq(out.buf, "");
	passthru_free(pt);
	strbuf_release(&out);
}

Test(passthru, partial_waits_for_a_cut_sequence)
{
	struct passthru *pt = passthru_new(0, NULL, NULL);
	struct strbuf out = STRBUF_INIT;
	char big[PASSTHRU_WAIT_MAX + 16];

	passthru_feed(pt, "ok \x1b]0;title", 12, &out);
	passthru_partial(pt, 0, &out);
	cr_assert_str_eq(out.buf, "ok ");
	cr_assert_eq(passthru_held(pt), 9);
	passthru_feed(pt, "\x07" "E (1) x: y\n", 12, &out);
	cr_assert_str_eq(out.buf, "ok E (1) x: y\n");

	/* a cut string longer than the wait is shown as its line would be */
	strbuf_reset(&out);
	memset(big, 'z', sizeof(big));
	big[0] = '\x1b';
	big[1] = ']';
	passthru_feed(pt, big, sizeof(big), &out);
	passthru_partial(pt, 0, &out);
	cr_assert_eq(out.len, sizeof(big) - 2, "%s", out.buf);
	cr_assert_eq(passthru_held(pt), 0);
	passthru_free(pt);
	strbuf_release(&out);
}

Test(passthru, hold_max_shows_a_long_partial_line)
{
	struct passthru *pt = passthru_new(0, NULL, NULL);
	struct strbuf out = STRBUF_INIT;
	char *line = malloc(PASSTHRU_HOLD_MAX);

	memset(line, 'x', PASSTHRU_HOLD_MAX);
	passthru_feed(pt, line, PASSTHRU_HOLD_MAX, &out);
	cr_assert_eq(out.len, PASSTHRU_HOLD_MAX);
	cr_assert_eq(passthru_held(pt), 0);
	free(line);
	passthru_free(pt);
	strbuf_release(&out);
}

/* ---- keys typed in the monitor ---- */

Test(rawtty, keys_up_to_a_quit_key)
{
	char fwd[16];
	int quit;

	cr_assert_eq(rawtty_keys("abc", 3, fwd, &quit), 3);
	cr_assert_eq(quit, 0);
	cr_assert(memcmp(fwd, "abc", 3) == 0);
	cr_assert_eq(rawtty_keys("ab\x1d" "cd", 5, fwd, &quit), 2);
	cr_assert_eq(quit, 1);
	cr_assert_eq(rawtty_keys("\x03" "x", 2, fwd, &quit), 0);
	cr_assert_eq(quit, 1);
	cr_assert_eq(rawtty_keys("", 0, fwd, &quit), 0);
	cr_assert_eq(quit, 0);
}

Test(rawtty, not_a_terminal)
{
	int fd[2];

	cr_assert_eq(pipe(fd), 0);
	cr_assert_null(rawtty_new(fd[0]));
	rawtty_free(NULL);
	close(fd[0]);
	close(fd[1]);
}

/*
 * record_parse() takes a line that escape_plain_len() says is plain as it
 * is: that is right only if the scanner makes one text token of it that
 * sanitising keeps byte for byte, and if plain stops at every byte that
 * could start anything.  Checked on every byte value after a plain prefix
 * and on lines that look plain but are not.
 */
Test(escape, plain_lines_are_one_text_token)
{
	static const char *const lines[] = {
		"I (1234) esp_https_ota: Starting OTA...",
		"E (5) wifi: reason 201, no AP found (code=0x3, 100%)",
		"   leading blanks and 'quotes' \"too\" {} | ~ ` @ # $ & * ( ) ! ?",
		"[  1234][D][WiFiGeneric.cpp:1035] _eventCallback(): ev 7",
		"[E][HTTPUpdate.cpp:308] a <b> c\\d ^e [x]",
		"",
	};
	static const char *const not_plain[] = {
		"\x1b[0;31mE (1) x: y", "[0;31mE (1)", "tab\there", "a <0x1b>[0m b", "\\e[1m",
		"^[[0m", "caf\xc3\xa9", "nul\x7f",
	};
	struct escape_scan sc;
	struct escape_tok t;
	char buf[64], *dup;
	size_t i, len, nplain = 0;
	int c;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		len = strlen(lines[i]);
		cr_assert_eq(escape_plain_len(lines[i], len), len, "%s", lines[i]);
		escape_init(&sc, lines[i], len, 0);
		if (len > 0) {
			cr_assert(escape_next(&sc, &t));
			cr_expect_eq(t.kind, ESCAPE_TEXT);
			cr_expect_eq(t.len, len, "%s", lines[i]);
		}
		cr_expect_not(escape_next(&sc, &t), "%s", lines[i]);
		dup = sanitize_dup(lines[i], len);
		cr_expect_str_eq(dup, lines[i]);
		free(dup);
	}
	for (i = 0; i < sizeof(not_plain) / sizeof(not_plain[0]); i++)
		cr_expect_lt(escape_plain_len(not_plain[i], strlen(not_plain[i])),
		    strlen(not_plain[i]), "%s", not_plain[i]);
	/* any byte between "ab" and "cd": plain only where the scanner sees
	   one text token that sanitising keeps */
	for (c = 1; c < 256; c++) {
		snprintf(buf, sizeof(buf), "ab%ccd", c);
		len = strlen(buf);
		if (escape_plain_len(buf, len) != len)
			continue;
		escape_init(&sc, buf, len, 0);
		cr_assert(escape_next(&sc, &t));
		cr_expect(t.kind == ESCAPE_TEXT && t.len == len, "byte 0x%02x", c);
		dup = sanitize_dup(buf, len);
		cr_expect_str_eq(dup, buf, "byte 0x%02x", c);
		free(dup);
		nplain++;
	}
	/* printable ASCII: '[', '<', '\\', '^' too, when no printed form
	   starts there ("[cd" and "<cd" are none) */
	cr_expect_eq(nplain, 95, "plain bytes: %zu", nplain);
}

/*
 * escape_plain_len() looks at 16 bytes at a time: every byte value at every
 * offset of a long plain line stops it exactly where the byte-wise look
 * stops, the first byte that is not plain text ([ < \ ^ are, when they
 * start no printed form).
 */
Test(escape, plain_len_stops_at_the_same_byte_at_any_offset)
{
	char buf[80];
	size_t pos, len = 70, want;
	int c;

	for (c = 1; c < 256; c++)
		for (pos = 0; pos < len; pos++) {
			memset(buf, 'a', len);
			buf[pos] = (char)c;
			/* the byte alone, between "a"s: plain, or it stops */
			want = escape_plain_len(buf + pos, 1) == 1 ? len : pos;
			cr_assert_eq(escape_plain_len(buf, len), want,
			    "byte 0x%02x at %zu", c, pos);
		}
}
