/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strbuf: always NUL-terminated, growable, reusable after release.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

Test(strbuf, init_is_empty_and_terminated)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf sb2;

	cr_assert_not_null(sb.buf);
	cr_assert_str_eq(sb.buf, "");
	cr_assert_eq(sb.len, 0);
	strbuf_init(&sb2, 100);
	cr_assert_str_eq(sb2.buf, "");
	cr_assert_geq(sb2.cap, 101);
	strbuf_release(&sb2);
}

Test(strbuf, add_functions_append)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "abcdef", 3);
	strbuf_addstr(&sb, "-");
	strbuf_addch(&sb, 'x');
	strbuf_addf(&sb, " %d%%, %s", 42, "ok");
	cr_assert_str_eq(sb.buf, "abc-x 42%, ok");
	cr_assert_eq(sb.len, strlen("abc-x 42%, ok"));
	strbuf_release(&sb);
}

Test(strbuf, grows_across_many_reallocations)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 100000; i++)
		strbuf_addch(&sb, 'a' + (int)(i % 26));
	cr_assert_eq(sb.len, 100000);
	cr_assert_eq(sb.buf[100000], '\0');
	cr_assert_eq(sb.buf[99999], 'a' + (int)(99999 % 26));
	cr_assert_gt(sb.cap, sb.len);
	strbuf_release(&sb);
}

Test(strbuf, addf_longer_than_initial_capacity)
{
	struct strbuf sb = STRBUF_INIT;
	char big[1000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addstr(&sb, "<");
	strbuf_addf(&sb, "%s>", big);
	cr_assert_eq(sb.len, 1 + 999 + 1);
	cr_assert_eq(sb.buf[0], '<');
	cr_assert_eq(sb.buf[1000], '>');
	cr_assert_eq(sb.buf[1001], '\0');
	strbuf_release(&sb);
}

Test(strbuf, add_keeps_embedded_nul)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "a\0b", 3);
	cr_assert_eq(sb.len, 3);
	cr_assert(memcmp(sb.buf, "a\0b", 4) == 0);
	strbuf_release(&sb);
}

Test(strbuf, detach_transfers_ownership)
{
	struct strbuf sb = STRBUF_INIT;
	char *p, *e;

	strbuf_addstr(&sb, "owned");
	p = strbuf_detach(&sb);
	cr_assert_str_eq(p, "owned");
	cr_assert_eq(sb.len, 0);
	cr_assert_str_eq(sb.buf, "");
	/* an empty buffer detaches to an owned "" that free() accepts */
	e = strbuf_detach(&sb);
	cr_assert_str_eq(e, "");
	cr_assert_neq(e, strbuf_empty);
	free(e);
	free(p);
}

Test(strbuf, reset_and_setlen)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cap;

	strbuf_addstr(&sb, "hello world");
	cap = sb.cap;
	strbuf_setlen(&sb, 5);
	cr_assert_str_eq(sb.buf, "hello");
	strbuf_setlen(&sb, 50);		/* never grows */
	cr_assert_eq(sb.len, 5);
	cr_assert_str_eq(sb.buf, "hello");
	strbuf_reset(&sb);
	cr_assert_str_eq(sb.buf, "");
	cr_assert_eq(sb.cap, cap, "reset keeps the allocation");
	strbuf_reset(&sb);
	strbuf_release(&sb);
	cr_assert_eq(sb.buf, strbuf_empty);
	/* reusable after release */
	strbuf_addstr(&sb, "again");
	cr_assert_str_eq(sb.buf, "again");
	strbuf_release(&sb);
	strbuf_release(&sb);
}

Test(strbuf, reset_and_setlen_on_unallocated_buffer)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb);
	strbuf_setlen(&sb, 0);
	cr_assert_str_eq(sb.buf, "");
	cr_assert_eq(strbuf_empty[0], '\0', "the shared empty buffer was written");
}
