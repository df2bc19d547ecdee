/* SPDX-License-Identifier: Apache-2.0 */
/*
 * passthru: device output for the user's terminal.  Prefix: passthru_.
 *
 * The monitor's live echo.  Bytes are fed as they arrive; CR, LF and CRLF
 * end a line.  A whole line is rendered at once; a partial line is held
 * until passthru_partial() shows what of it is safe: never half an escape
 * sequence or UTF-8 character, unless that piece is longer than
 * PASSTHRU_WAIT_MAX or the line reaches PASSTHRU_HOLD_MAX bytes.
 *
 * Rendering uses the escape scanner (escape.h) on each piece: with
 * PASSTHRU_COLOR, SGR colour sequences are kept (and reset at the end of
 * the line); every other token is rendered as sanitize_token() renders it,
 * so the terminal shows what a report shows.  Nothing is written here:
 * each call appends the terminal bytes to the caller's strbuf.
 */
#ifndef OTADIAG_PASSTHRU_H
#define OTADIAG_PASSTHRU_H

#include <stddef.h>

#include "strbuf.h"

#define PASSTHRU_COLOR		0x01u	/* keep SGR colours */

#define PASSTHRU_HOLD_MAX	4096	/* longest undisplayed partial line */
#define PASSTHRU_WAIT_MAX	64	/* longest cut sequence waited for */

struct passthru;

/*
 * prefix, if not NULL, adds the text shown at the start of each non-empty
 * line (the monitor's --timestamps); it is dimmed with PASSTHRU_COLOR.
 */
struct passthru *passthru_new(unsigned flags,
	    void (*prefix)(struct strbuf *out, void *ctx), void *ctx);
void	 passthru_free(struct passthru *pt);
/* Changes the line prefix (NULL: none) from the next line on. */
void	 passthru_set_prefix(struct passthru *pt,
	    void (*prefix)(struct strbuf *out, void *ctx), void *ctx);
/* Renders the lines completed by buf[0..n); holds the rest. */
void	 passthru_feed(struct passthru *pt, const char *buf, size_t n,
	    struct strbuf *out);
/* Renders what is safe of the held partial line (all of it if force). */
void	 passthru_partial(struct passthru *pt, int force, struct strbuf *out);
/* Bytes of the current line not rendered yet. */
size_t	 passthru_held(const struct passthru *pt);
/* Ends a half-shown line (colour reset, newline), so a message can start
   on a line of its own; nothing if the cursor is at the start of a line. */
void	 passthru_break(struct passthru *pt, struct strbuf *out);

#endif
