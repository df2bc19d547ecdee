/*
 * sanitize: the one place device bytes become printable text.  Prefix: sanitize_.
 *
 * A device log is untrusted input.  Nothing read from a device reaches a
 * terminal or a report without passing through sanitize_append():
 *  - ANSI/VT escape sequences (CSI, OSC, two-byte ESC x) are removed;
 *  - other C0 controls and DEL become "\xNN" (TAB becomes a space);
 *  - bytes that are not valid UTF-8 become "\xNN";
 *  - C1 controls (U+0080..U+009F) and bidi overrides become "\u{NNNN}".
 */
#ifndef OTADIAG_SANITIZE_H
#define OTADIAG_SANITIZE_H

#include <stddef.h>

#include "strbuf.h"

void	 sanitize_append(struct strbuf *out, const char *s, size_t n);
/* Convenience: returns an owned, sanitised copy. */
char	*sanitize_dup(const char *s, size_t n);
/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t	 sanitize_utf8_len(const unsigned char *s, size_t n);

#endif
