/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linesplit: LF, CRLF and lone-CR line ends in any chunking, the line
 * bound, NUL bytes, and the unterminated last line.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdlib.h>
#include <string.h>

#include "linesplit.h"

/* Collected lines: each stored as "flags|bytes" for easy comparison. */
struct got {
	char	*line[64];
	size_t	 len[64];
	unsigned flags[64];
	size_t	 n;
	int	 stop_after;	/* return 1 after this many lines, 0 = never */
};

static int
collect(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct got *g = ctx;

	cr_assert_lt(g->n, 64, "more than 64 lines delivered");
	g->line[g->n] = malloc(len + 1);
	memcpy(g->line[g->n], line, len);
	g->line[g->n][len] = '\0';
	g->len[g->n] = len;
	g->flags[g->n] = flags;
	g->n++;
	if (g->stop_after > 0 && g->n == (size_t)g->stop_after)
		return 7;
	return 0;
}

static void
got_free(struct got *g)
{
	while (g->n > 0)
		free(g->line[--g->n]);
}

/* Feeds s in chunks of step bytes (0 = all at once), then flushes. */
static void
split(const char *s, size_t n, size_t step, size_t max, struct got *g)
{
	struct linesplit *ls = linesplit_new(max);
	size_t i, k;

	if (step == 0)
		step = n > 0 ? n : 1;
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		cr_assert_eq(linesplit_feed(ls, s + i, k, collect, g), 0);
	}
	cr_assert_eq(linesplit_flush(ls, collect, g), 0);
	linesplit_free(ls);
}

/*
 * Parameters are copied into each test's process by value, so they hold
 * arrays, not pointers (a pointer into .rodata differs between processes).
 */
struct split_case {
	char		 name[16];
	char		 in[32];
	size_t		 nlines;
	char		 lines[4][16];
	unsigned	 last_flags;
};

static struct split_case split_cases[] = {
	{ "lf", "a\nbb\nccc\n", 3, { "a", "bb", "ccc" }, 0 },
	{ "crlf", "a\r\nbb\r\nccc\r\n", 3, { "a", "bb", "ccc" }, 0 },
	{ "lone-cr", "10%\r20%\r30%\r\n", 3, { "10%", "20%", "30%" }, 0 },
	{ "cr-cr-lf", "x\r\r\ny\n", 3, { "x", "", "y" }, 0 },
	{ "empty-lines", "\n\n", 2, { "", "" }, 0 },
	{ "mixed", "a\nb\r\nc\rd", 4, { "a", "b", "c", "d" }, LINESPLIT_NOEOL },
	{ "noeol", "E (1) x: y", 1, { "E (1) x: y" }, LINESPLIT_NOEOL },
};

ParameterizedTestParameters(linesplit, line_ends_in_any_chunking)
{
	return cr_make_param_array(struct split_case, split_cases,
	    sizeof(split_cases) / sizeof(split_cases[0]));
}

ParameterizedTest(struct split_case *c, linesplit, line_ends_in_any_chunking)
{
	static const size_t steps[] = { 0, 1, 2, 3 };
	size_t s, i;

	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		struct got g = { .n = 0 };

		split(c->in, strlen(c->in), steps[s], 0, &g);
		cr_assert_eq(g.n, c->nlines, "%s, step %zu: %zu lines, want %zu",
		    c->name, steps[s], g.n, c->nlines);
		for (i = 0; i < g.n; i++) {
			cr_assert_str_eq(g.line[i], c->lines[i],
			    "%s, step %zu, line %zu", c->name, steps[s], i);
			cr_assert_eq(g.flags[i], i + 1 == g.n ? c->last_flags : 0u,
			    "%s, step %zu, line %zu: flags %#x", c->name, steps[s],
			    i, g.flags[i]);
		}
		got_free(&g);
	}
}

Test(linesplit, cr_at_chunk_end_then_lf_is_one_line_end)
{
	struct linesplit *ls = linesplit_new(0);
	struct got g = { .n = 0 };

	cr_assert_eq(linesplit_feed(ls, "first\r", 6, collect, &g), 0);
	/* the CR is held: the line may still be a CRLF */
	cr_assert_eq(g.n, 0);
	cr_assert_eq(linesplit_feed(ls, "\nsecond\n", 8, collect, &g), 0);
	cr_assert_eq(g.n, 2, "CR|LF across chunks gave %zu lines", g.n);
	cr_assert_str_eq(g.line[0], "first");
	cr_assert_str_eq(g.line[1], "second");
	cr_assert_eq(linesplit_flush(ls, collect, &g), 0);
	cr_assert_eq(g.n, 2, "flush after a complete line delivered more");
	got_free(&g);
	linesplit_free(ls);
}

Test(linesplit, cr_at_end_of_input_is_delivered_by_flush)
{
	struct linesplit *ls = linesplit_new(0);
	struct got g = { .n = 0 };

	linesplit_feed(ls, "50%\r", 4, collect, &g);
	cr_assert_eq(g.n, 0);
	linesplit_flush(ls, collect, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_str_eq(g.line[0], "50%");
	cr_assert_eq(g.flags[0], 0u, "a CR-terminated line is not NOEOL");
	got_free(&g);
	linesplit_free(ls);
}

Test(linesplit, pending_counts_the_partial_line)
{
	struct linesplit *ls = linesplit_new(0);
	struct got g = { .n = 0 };

	linesplit_feed(ls, "abc\nde", 6, collect, &g);
	cr_assert_eq(linesplit_pending(ls), 2);
	linesplit_feed(ls, "f", 1, collect, &g);
	cr_assert_eq(linesplit_pending(ls), 3);
	linesplit_feed(ls, "\n", 1, collect, &g);
	cr_assert_eq(linesplit_pending(ls), 0);
	cr_assert_str_eq(g.line[1], "def");
	got_free(&g);
	linesplit_free(ls);
}

Test(linesplit, ten_megabyte_line_is_cut_and_next_line_intact)
{
	const size_t big = 10u * 1024 * 1024;
	char *buf = malloc(big + 32);
	struct linesplit *ls = linesplit_new(LINESPLIT_DEFAULT_MAX);
	struct got g = { .n = 0 };
	size_t i, k;

	memset(buf, 'x', big);
	buf[0] = 'S';
	memcpy(buf + big, "\nE (5) ota: next\n", 17);
	/* in 4 KiB chunks, as a file reader feeds it */
	for (i = 0; i < big + 17; i += k) {
		k = big + 17 - i < 4096 ? big + 17 - i : 4096;
		cr_assert_eq(linesplit_feed(ls, buf + i, k, collect, &g), 0);
	}
	linesplit_flush(ls, collect, &g);
	cr_assert_eq(g.n, 2, "%zu lines", g.n);
	cr_assert_eq(g.len[0], LINESPLIT_DEFAULT_MAX,
	    "cut line has %zu bytes", g.len[0]);
	cr_assert_eq(g.line[0][0], 'S');
	cr_assert_eq(g.flags[0], LINESPLIT_TRUNCATED);
	cr_assert_str_eq(g.line[1], "E (5) ota: next");
	cr_assert_eq(g.flags[1], 0u);
	got_free(&g);
	linesplit_free(ls);
	free(buf);
}

Test(linesplit, line_exactly_at_bound_is_not_truncated)
{
	struct got g = { .n = 0 };

	split("abcd\nabcde\nz\n", 13, 1, 4, &g);
	cr_assert_eq(g.n, 3);
	cr_assert_str_eq(g.line[0], "abcd");
	cr_assert_eq(g.flags[0], 0u, "4 bytes under a bound of 4 is whole");
	cr_assert_str_eq(g.line[1], "abcd");
	cr_assert_eq(g.flags[1], LINESPLIT_TRUNCATED);
	cr_assert_str_eq(g.line[2], "z");
	cr_assert_eq(g.flags[2], 0u, "the line after a cut one is not cut");
	got_free(&g);
}

Test(linesplit, truncated_unterminated_last_line_has_both_flags)
{
	struct got g = { .n = 0 };

	split("abcdefgh", 8, 3, 4, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_str_eq(g.line[0], "abcd");
	cr_assert_eq(g.flags[0], LINESPLIT_TRUNCATED | LINESPLIT_NOEOL);
	got_free(&g);
}

Test(linesplit, nul_bytes_are_kept)
{
	struct got g = { .n = 0 };

	split("a\0b\n\0\n", 6, 0, 0, &g);
	cr_assert_eq(g.n, 2);
	cr_assert_eq(g.len[0], 3);
	cr_assert(memcmp(g.line[0], "a\0b", 3) == 0);
	cr_assert_eq(g.len[1], 1);
	cr_assert_eq(g.line[1][0], '\0');
	got_free(&g);
}

Test(linesplit, empty_input_gives_no_lines)
{
	struct got g = { .n = 0 };
	struct linesplit *ls = linesplit_new(0);

	cr_assert_eq(linesplit_feed(ls, "", 0, collect, &g), 0);
	cr_assert_eq(linesplit_flush(ls, collect, &g), 0);
	cr_assert_eq(g.n, 0);
	cr_assert_eq(linesplit_pending(ls), 0);
	linesplit_free(ls);
}

Test(linesplit, callback_stop_is_passed_back)
{
	struct got g = { .n = 0, .stop_after = 2 };
	struct linesplit *ls = linesplit_new(0);

	cr_assert_eq(linesplit_feed(ls, "a\nb\nc\n", 6, collect, &g), 7);
	cr_assert_eq(g.n, 2, "lines after the stop were delivered");
	got_free(&g);
	linesplit_free(ls);
}

Test(linesplit, free_accepts_null)
{
	linesplit_free(NULL);
}
