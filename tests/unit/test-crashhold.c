/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crashhold: where the monitor's held crash diagnosis is let go.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "crashhold.h"

static int
feed(struct crashhold *h, const char *s, long long now)
{
	return crashhold_feed(h, s, strlen(s), now);
}

static char *
take(struct crashhold *h)
{
	struct strbuf sb = STRBUF_INIT;

	crashhold_take(h, &sb);
	return strbuf_detach(&sb);
}

Test(crashhold, other_announcements_are_not_held)
{
	struct crashhold *h = crashhold_new();

	cr_assert_eq(crashhold_add(h, "note\n", 5, 0, 0), 0);
	cr_assert(!crashhold_on(h));
	cr_assert_eq(crashhold_due_ms(h), -1);
	cr_assert_eq(feed(h, "Rebooting...\n", 10), 0);
	crashhold_free(h);
}

Test(crashhold, held_until_the_restart_and_keeps_order)
{
	struct crashhold *h = crashhold_new();
	char *s;

	cr_assert_eq(crashhold_add(h, "crash\n", 6, 1, 100), 1);
	cr_assert_eq(crashhold_add(h, "outcome\n", 8, 0, 100), 1);
	cr_assert(crashhold_on(h));
	cr_assert_eq(feed(h, "Guru Meditation Error: Core  0 panic'ed "
	    "(LoadProhibited)\r\n\r\nCore  0 register dump:\r\n"
	    "PC      : 0x400d5b2e  PS      : 0x00060930\r\n\r\n", 110), 0);
	cr_assert_eq(feed(h, "Backtrace: 0x400d5b2b:0x3ffb2580\r\n\r\n"
	    "ELF file SHA256: d02f17a5c3e9b810\r\n\r\nRebo", 120), 0);
	/* the line is whole only with its end */
	cr_assert_eq(feed(h, "oting...\r\n", 130), 1);
	s = take(h);
	cr_assert_str_eq(s, "crash\noutcome\n");
	free(s);
	cr_assert(!crashhold_on(h));
	cr_assert_eq(crashhold_add(h, "later\n", 6, 0, 140), 0);
	crashhold_free(h);
}

Test(crashhold, a_coloured_boot_line_ends_it)
{
	struct crashhold *h = crashhold_new();

	crashhold_add(h, "crash\n", 6, 1, 0);
	cr_assert_eq(feed(h, "abort() was called at PC 0x400d2f5b\n", 1), 0);
	cr_assert_eq(feed(h, "\033[0;31mrst:0xc (SW_CPU_RESET),boot:0x13\n",
	    1), 1);
	crashhold_free(h);
}

Test(crashhold, forty_lines_without_crash_text_end_it)
{
	struct crashhold *h = crashhold_new();
	char line[2200];
	int i;

	crashhold_add(h, "wdt\n", 4, 1, 0);
	/* a long line counts once, and only its start is looked at */
	memset(line, 'x', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	cr_assert_eq(feed(h, line, 1), 0);
	for (i = 2; i < BT_IDLE_LINES; i++)
		cr_assert_eq(feed(h, "I (9000) app: heartbeat\n", i), 0,
		    "ended after %d lines", i);
	/* crash text starts the count again */
	cr_assert_eq(feed(h, "Backtrace: 0x400d5b2b:0x3ffb2580\n", 50), 0);
	for (i = 1; i < BT_IDLE_LINES; i++)
		cr_assert_eq(feed(h, "I (9000) app: heartbeat\n", 50 + i), 0);
	cr_assert_eq(feed(h, "I (9000) app: heartbeat\n", 100), 1);
	crashhold_free(h);
}

Test(crashhold, quiet_time_counts_from_the_last_bytes)
{
	struct crashhold *h = crashhold_new();
	char *s;

	crashhold_add(h, "crash\n", 6, 1, 1000);
	cr_assert_eq(crashhold_due_ms(h), 1000 + CRASHHOLD_QUIET_MS);
	feed(h, "Backtrace: 0x400d5b2b:0x3ffb2580\n", 1200);
	cr_assert_eq(crashhold_due_ms(h), 1200 + CRASHHOLD_QUIET_MS);
	crashhold_feed(h, "", 0, 5000);		/* no bytes: no change */
	cr_assert_eq(crashhold_due_ms(h), 1200 + CRASHHOLD_QUIET_MS);
	s = take(h);
	cr_assert_str_eq(s, "crash\n");
	free(s);
	cr_assert_eq(crashhold_due_ms(h), -1);
	crashhold_free(h);
}

/* One read with the boot, the crash and no restart yet (a pipe, a fast
   port): the boot's restart lines are not the crash's end. */
Test(crashhold, a_boot_before_the_crash_in_the_same_read)
{
	struct crashhold *h = crashhold_new();

	crashhold_add(h, "crash\n", 6, 1, 0);
	cr_assert_eq(feed(h, "ets Jul 29 2019 12:21:46\n"
	    "rst:0x1 (POWERON_RESET),boot:0x13\nI (27) boot: ESP-IDF v4.4\n"
	    "Guru Meditation Error: Core  0 panic'ed (Interrupt wdt)\n"
	    "Backtrace: 0x40088f56:0x3ffbe700\n", 1), 0);
	cr_assert_eq(feed(h, "\nRebooting...\n", 2), 1);
	crashhold_free(h);
}

/* The end of one crash and a second crash in the same read: the second
   is still waited for. */
Test(crashhold, a_second_crash_after_the_first_ends)
{
	struct crashhold *h = crashhold_new();

	feed(h, "Guru Meditation Error: Core  0 panic'ed (LoadProhibited)\n",
	    0);
	crashhold_add(h, "crash\n", 6, 1, 0);
	cr_assert_eq(feed(h, "Backtrace: 0x400d5b2b:0x3ffb2580\n"
	    "Rebooting...\nets Jul 29 2019 12:21:46\n"
	    "abort() was called at PC 0x400d2f5b on core 0\n", 1), 0);
	cr_assert_eq(feed(h, "Rebooting...\n", 2), 1);
	crashhold_free(h);
}
