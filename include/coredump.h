/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coredump: an ESP-IDF UART core dump in a log (CONFIG_ESP_COREDUMP_
 * ENABLE_TO_UART), the base64 block between "CORE DUMP START" and "CORE
 * DUMP END", found, checked and saved.  Prefix: coredump_.
 *
 * The block is the core dump partition's data: a header whose first word
 * is the total length, the dump, and a checksum over everything before
 * it, CRC-32 (4 bytes) or SHA-256 (32 bytes) by configuration.  Checked:
 * the base64, the length against the header, the checksum; a dump in ELF
 * format is read for its crashed task (coreelf.h).  Bounded: a
 * block of more than COREDUMP_MAX bytes of base64 is reported, not kept.
 */
#ifndef OTADIAG_COREDUMP_H
#define OTADIAG_COREDUMP_H

#include <stddef.h>

#include "coreelf.h"

#define COREDUMP_MAX	(8u * 1024u * 1024u)	/* base64 bytes kept */

struct coredump;

/* dir: where to save blocks, or NULL (borrowed). */
struct coredump *coredump_new(const char *dir, const char *input);
void	 coredump_free(struct coredump *cd);
/*
 * One log line (normalised).  Returns a one-line report (owned, for a
 * note of the input) when a block ended here, else NULL.  *line is set to
 * the block's first line.
 */
char	*coredump_feed(struct coredump *cd, unsigned long lineno,
	    const char *text, unsigned long *line);
/*
 * The crashed task of the block whose report coredump_feed just returned,
 * when it is a good ELF core dump (coreelf.h); else NULL.  Borrowed until
 * the next coredump_feed.
 */
const struct coreelf_crash *coredump_crash(const struct coredump *cd);
/* The line that opens a block ("CORE DUMP START"), for the prefilter:
   while no block is open, a line without it changes nothing. */
extern const char coredump_needle[];
#define COREDUMP_NEEDLE	"CORE DUMP START"	/* its text, for rulegen */
/* A block is open: every line counts. */
int	 coredump_busy(const struct coredump *cd);
/* End of input: a block without its END line, reported; or NULL. */
char	*coredump_finish(struct coredump *cd, unsigned long *line);

#endif
