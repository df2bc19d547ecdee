/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linesplit: turns a byte stream into lines, incrementally.  Prefix: linesplit_.
 *
 * Lines end in LF, CRLF or a lone CR (progress bars).  A CR that ends a chunk
 * is held until the next byte shows whether an LF follows, or until
 * linesplit_flush().  A line longer than the bound given to linesplit_new()
 * is cut at the bound: the first part is delivered with LINESPLIT_TRUNCATED
 * and the rest of that line is discarded (counted, not stored), so memory
 * stays bounded whatever the input.  NUL bytes are kept in the line.
 *
 * Used the same way by `analyze` (file chunks) and `monitor` (serial reads).
 */
#ifndef OTADIAG_LINESPLIT_H
#define OTADIAG_LINESPLIT_H

#include <stddef.h>

#define LINESPLIT_TRUNCATED	0x1u	/* the line was longer than the bound */
#define LINESPLIT_NOEOL		0x2u	/* last line of the input, no terminator */
#define LINESPLIT_DEFAULT_MAX	(64u * 1024u)

/*
 * Called once per line.  line is borrowed (valid during the call only), not
 * NUL-terminated, without its terminator.  Return 0 to go on; a non-zero
 * return stops linesplit_feed() and is passed back to its caller.
 */
typedef int (*linesplit_fn)(void *ctx, const char *line, size_t len,
    unsigned flags);

struct linesplit;

struct linesplit *linesplit_new(size_t max_line);
void	 linesplit_free(struct linesplit *ls);
int	 linesplit_feed(struct linesplit *ls, const char *buf, size_t n,
	    linesplit_fn fn, void *ctx);
/* Delivers a pending partial line (with LINESPLIT_NOEOL), if any. */
int	 linesplit_flush(struct linesplit *ls, linesplit_fn fn, void *ctx);
/* Bytes of the pending, not yet terminated line (for live pass-through). */
size_t	 linesplit_pending(const struct linesplit *ls);

#endif
