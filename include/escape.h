/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape: the one scanner for terminal control in device text.
 * Prefix: escape_.
 *
 * escape_next() classifies the token at the scanner's position in ONE line
 * (no line terminator) and steps past it.  It never allocates; its only
 * state is the caller's struct escape_scan.  Every user applies its own
 * policy per kind, so they cannot disagree about where a sequence ends:
 *   record.c    drops every sequence and printed form before matching;
 *   sanitize.c  drops sequences, escapes controls, keeps printed forms;
 *   passthru.c  keeps SGR colours on a terminal, the rest as sanitize.c.
 *
 * Kinds (ESC is 0x1b, ST is ESC \, BEL is 0x07):
 *   ESCAPE_TEXT     printable ASCII and valid UTF-8 from U+00A0 on (bidi
 *                   controls included: showing them is sanitize's concern)
 *   ESCAPE_C0       one byte 0x00..0x1f other than ESC, or DEL
 *   ESCAPE_C1       U+0080..U+009F: UTF-8 (2 bytes) or a raw byte (1)
 *   ESCAPE_BAD      one byte that is not valid UTF-8 (and not 0x80..0x9f)
 *   ESCAPE_CSI      ESC [ params(0x30-0x3f)* intermediates(0x20-0x2f)*
 *                   final(0x40-0x7e).  A byte outside the grammar or the
 *                   end of the line cuts it: the token is the bytes so far
 *                   and final is 0.  sgr is 1 for SGR: final 'm', params
 *                   of digits, ';' and ':' only, no intermediates.
 *   ESCAPE_STRING   OSC (ESC ]) up to BEL or ST; DCS (ESC P), SOS (ESC X),
 *                   PM (ESC ^), APC (ESC _) up to ST.  The first
 *                   terminator ends it; intro is ']' 'P' 'X' '^' or '_'.
 *   ESCAPE_INTRO    the two bytes ESC and intro of a string whose
 *                   terminator does not come before the end of the line.
 *                   It is not a string: the rest of the line is scanned
 *                   as usual, so text after it is still seen and shown.
 *   ESCAPE_ESC      ESC intermediates(0x20-0x2f)* final(0x30-0x7e): ESC c,
 *                   ESC 7, ESC ( B, a stray ST; cut like CSI (final 0)
 *   ESCAPE_LONE_ESC ESC at the end of the line, or before ESC or a byte
 *                   that cannot follow it (a control, DEL, >= 0x80)
 *   ESCAPE_PRINTED  an escape written out as text by a terminal program or
 *                   a paste, followed by an SGR-like "[0;31m" ("[" digits
 *                   and ';', then 'm', or 'K' 'J' 'H'): "␛" (U+241B),
 *                   "[1B]", "<0x1b>", "<0x1B>", "<\x1b>", "\033", "\x1b",
 *                   "\x1B", "\e", "^["; a lone "␛"; and an ESC-less SGR
 *                   "[0;31m" of at least 4 bytes, or "[0m"
 *   ESCAPE_MORE     only with ESCAPE_PARTIAL: an ESC sequence, string or
 *                   UTF-8 character cut by the end of the buffer, which
 *                   more bytes may complete (printed forms are not waited
 *                   for: cut, they are text)
 */
#ifndef OTADIAG_ESCAPE_H
#define OTADIAG_ESCAPE_H

#include <stddef.h>

enum escape_kind {
	ESCAPE_TEXT = 0,
	ESCAPE_C0,
	ESCAPE_C1,
	ESCAPE_BAD,
	ESCAPE_CSI,
	ESCAPE_STRING,
	ESCAPE_INTRO,
	ESCAPE_ESC,
	ESCAPE_LONE_ESC,
	ESCAPE_PRINTED,
	ESCAPE_MORE,
};

/* escape_init() flags */
#define ESCAPE_PARTIAL	0x01u	/* the buffer is the start of a line */

/*
 * The scanner over s[0..n).  Set up with escape_init(); the fields are
 * the scanner's own (the cached terminator positions keep a line with
 * many unterminated strings linear).  s is borrowed.
 */
struct escape_scan {
	const unsigned char *s;
	size_t		 n;
	size_t		 pos;
	unsigned	 flags;
	size_t		 bel, bel_from;	/* first BEL at or after bel_from */
	size_t		 st, st_from;	/* first ST at or after st_from */
};

struct escape_tok {
	enum escape_kind kind;
	size_t		 off;		/* start in the buffer */
	size_t		 len;		/* >= 1 */
	unsigned char	 final;		/* CSI, ESC: final byte, 0 if cut */
	unsigned char	 intro;		/* STRING, INTRO: ']' 'P' 'X' '^' '_' */
	int		 sgr;		/* CSI: a complete SGR sequence */
};

void	 escape_init(struct escape_scan *sc, const char *s, size_t n,
	    unsigned flags);
/* Fills *tok with the next token and returns 1; 0 at the end. */
int	 escape_next(struct escape_scan *sc, struct escape_tok *tok);
/*
 * Length of the run of plain text at the start of s[0..n): printable ASCII
 * that starts no escape, printed or real ('[', '<', '\\', '^' only where
 * no printed form such as "[0;31m" or "<0x1b>" starts at them).  When
 * it is n, the scanner would return the whole of s as one ESCAPE_TEXT
 * token with nothing in it to strip or to show otherwise: a caller may
 * take s as it is (the fast path of a log line).
 */
size_t	 escape_plain_len(const char *s, size_t n);
/* "text", "c0", "c1", "bad", "csi", "string", "intro", "esc", ... */
const char *escape_kind_name(enum escape_kind kind);
/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t	 escape_utf8_len(const unsigned char *s, size_t n);
/* The same, and its code point in *cp (the one UTF-8 decoder). */
size_t	 escape_utf8_decode(const unsigned char *s, size_t n,
	    unsigned long *cp);

#endif
