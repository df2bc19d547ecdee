/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sendq: what a scripted monitor run types into the device (--send,
 * --send-after), for hardware-in-the-loop jobs.  Prefix: sendq_.
 *
 * A queue of texts, in command-line order; each is sent at start or once
 * its trigger (a literal text the device prints) has been seen after the
 * text before it was sent.  Matching runs over the raw device bytes with
 * a window of the trigger's length, so a trigger split across reads is
 * found; memory is bounded by the triggers' lengths.
 */
#ifndef OTADIAG_SENDQ_H
#define OTADIAG_SENDQ_H

#include <stddef.h>

#include "strbuf.h"

#define SENDQ_MAX	16	/* texts in a queue */
#define SENDQ_TEXT_MAX	1024	/* bytes of a trigger or a decoded text */

struct sendq;

/*
 * Decodes the escapes of s (\n \r \t \e \\ \xHH) into out; 0, or -1 with
 * *bad pointing at the bad escape.
 */
int	 sendq_unescape(const char *s, struct strbuf *out, const char **bad);
struct sendq *sendq_new(void);
void	 sendq_free(struct sendq *q);
/* Appends a text (escapes decoded), sent after trigger (NULL: at once);
   0, or -1 if the queue is full or the text has a bad escape. */
int	 sendq_add(struct sendq *q, const char *trigger, const char *text);
/* Appends to out the texts due now (those without trigger at the head). */
void	 sendq_start(struct sendq *q, struct strbuf *out);
/* Device bytes: appends to out the texts whose trigger they complete. */
void	 sendq_feed(struct sendq *q, const char *buf, size_t n,
	    struct strbuf *out);
/* The trigger waited for (borrowed), or NULL when everything was sent. */
const char *sendq_waiting(const struct sendq *q);
/* The text waiting for it (decoded, borrowed), or NULL. */
const char *sendq_waiting_text(const struct sendq *q);

#endif
