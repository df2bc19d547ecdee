/* SPDX-License-Identifier: Apache-2.0 */
/*
 * livedecode: the monitor's crash frames decoded in place, as the crash
 * block passes through (what idf.py monitor does): under a Backtrace,
 * register or stack line, its addresses' functions and source lines.
 * Prefix: livedecode_.
 *
 * Device bytes are fed as they arrive (any cut); each line they complete
 * is normalised as the analysis normalises it (record.h) and given to a
 * frames object of its own (frames_feed_live: the same parser, the same
 * ELF check against the "ELF file SHA256" the device printed).  The text
 * it returns is for the terminal: one line per frame ("#0  0x400d1234:
 * onPulse() at src/main.c:26"), sanitised (device and ELF text alike), and
 * a note line where the ELF is of another build; the caller marks it as
 * otadiag's.  Memory: one line of at most LIVEDECODE_LINE_MAX bytes and
 * one crash block (frames.h).
 */
#ifndef OTADIAG_LIVEDECODE_H
#define OTADIAG_LIVEDECODE_H

#include <stddef.h>

#include "elfsym.h"
#include "strbuf.h"

#define LIVEDECODE_LINE_MAX 4096	/* bytes of a line looked at */

struct livedecode;

/* elfs[0..n) are borrowed and must outlive the object. */
struct livedecode *livedecode_new(struct elfsym *const *elfs, size_t n);
void	 livedecode_free(struct livedecode *ld);
/*
 * Device bytes; appends to out, for each line they complete, its decoded
 * frames and notes, one '\n'-ended line each (nothing for other lines).
 */
void	 livedecode_feed(struct livedecode *ld, const char *buf, size_t n,
	    struct strbuf *out);

#endif
