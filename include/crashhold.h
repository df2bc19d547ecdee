/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crashhold: the monitor's live diagnosis of a crash waits until the
 * crash block the device is printing has ended, so it is not shown in the
 * middle of the register dump and backtrace.  Prefix: crashhold_.
 *
 * The monitor renders an announcement to text and hands it over: a
 * crash's starts a hold; any other while a hold is on queues behind it
 * (the order stays); any other is shown at once (the caller's choice:
 * crashhold_add says whether it took the text).  The device bytes, fed
 * after the analysis saw them, end the hold where backtrace.h says a
 * crash block ends (the restart, or BT_IDLE_LINES lines without crash
 * text), as it stands after the last line of a read (a read may bring a
 * boot before the crash, or one crash's end and the next); so does CRASHHOLD_QUIET_MS without bytes (a device halted after
 * its panic), and the end of the monitor (crashhold_take at any time).
 * Memory: the held text, and one line of at most CRASHHOLD_LINE_MAX bytes.
 */
#ifndef OTADIAG_CRASHHOLD_H
#define OTADIAG_CRASHHOLD_H

#include <stddef.h>

#include "strbuf.h"

#define CRASHHOLD_QUIET_MS	300	/* no bytes for this long: shown */
#define CRASHHOLD_LINE_MAX	512	/* bytes of a line looked at */

struct crashhold;

struct crashhold *crashhold_new(void);
void	 crashhold_free(struct crashhold *h);
/*
 * An announcement (text, n bytes); crash: it diagnoses a crash.  1 when
 * the hold took it (a crash's, or any while a hold is on), 0 when the
 * caller shows it now.  now_ms starts the quiet time of a new hold.
 */
int	 crashhold_add(struct crashhold *h, const char *text, size_t n,
	    int crash, long long now_ms);
/* Whether a hold is on. */
int	 crashhold_on(const struct crashhold *h);
/*
 * Device bytes the analysis has seen, at now_ms: 1 when they end the
 * crash block of the hold on (the held text is due: crashhold_take).
 */
int	 crashhold_feed(struct crashhold *h, const char *buf, size_t n,
	    long long now_ms);
/* When the quiet time of the hold on ends (ms), or -1 without a hold. */
long long crashhold_due_ms(const struct crashhold *h);
/* Appends the held text to out and ends the hold. */
void	 crashhold_take(struct crashhold *h, struct strbuf *out);
#endif
