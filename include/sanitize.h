/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sanitize: the one place device bytes become printable text.  Prefix: sanitize_.
 *
 * A device log is untrusted input.  Nothing read from a device reaches a
 * terminal or a report without passing through sanitize_append().  It
 * reads the text with the escape scanner (escape.h), and per token kind:
 *  - escape sequences (CSI, ESC x, OSC/DCS/SOS/PM/APC strings up to their
 *    terminator) are removed; an unterminated string loses only its
 *    two-byte introducer, the rest of the line is text;
 *  - C0 controls and DEL become "\xNN" (TAB becomes a space);
 *  - bytes that are not valid UTF-8, raw C1 bytes included, become "\xNN";
 *  - C1 controls as UTF-8 (U+0080..U+009F) and bidi controls (U+202A..
 *    U+202E, U+2066..U+2069) become "\u{NNNN}";
 *  - printed forms of escapes ("␛[0m", "\e[0m") are harmless text: kept.
 */
#ifndef OTADIAG_SANITIZE_H
#define OTADIAG_SANITIZE_H

#include <stddef.h>

#include "escape.h"
#include "strbuf.h"

void	 sanitize_append(struct strbuf *out, const char *s, size_t n);
/*
 * Appends the sanitised form of one token of s (from escape_next() over
 * s); the rule above for its kind.  ESCAPE_MORE appends nothing.
 */
void	 sanitize_token(struct strbuf *out, const char *s,
	    const struct escape_tok *tok);
/* Convenience: returns an owned, sanitised copy. */
char	*sanitize_dup(const char *s, size_t n);
/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t	 sanitize_utf8_len(const unsigned char *s, size_t n);

#endif
