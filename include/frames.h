/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frames: crash reports in a log decoded with the user's ELF files, and
 * the decoded stack put on the crash's finding.  Prefix: frames_.
 *
 * Lines are fed in order (frames_feed).  A crash report is a block of
 * lines from its first crash line (Guru Meditation, Backtrace, a register
 * dump, Exception (N), abort() ...) to the restart (Rebooting..., the ROM
 * banner) or FRAMES_IDLE_LINES lines without crash text.  When the block
 * closes it is decoded: the ELF must be the running image's, so an app ELF
 * (one that defines esp_app_desc) is used only when its SHA-256 starts
 * with the "ELF file SHA256" the device printed (in the panic, else at the
 * boot before it); a bootloader or ROM ELF is used for the addresses it
 * holds.  A mismatch is a note and nothing is decoded from that ELF.
 *
 * `analyze` and `monitor` attach the crashes to findings at the end
 * (frames_attach); `decode` prints each address line's frames under it
 * (frames_crash, frames_forget).
 */
#ifndef OTADIAG_FRAMES_H
#define OTADIAG_FRAMES_H

#include <stddef.h>

#include "backtrace.h"
#include "coreelf.h"
#include "elfsym.h"
#include "result.h"

#define FRAMES_IDLE_LINES BT_IDLE_LINES	/* backtrace.h */
#define FRAMES_MAX_CRASHES 64	/* decoded crashes kept per input */
#define FRAMES_MAX_STACK 64	/* frames on a finding */

/* The decoded frames of one log line. */
struct frames_line {
	unsigned long	 lineno;
	struct frame	*f;
	size_t		 n;
	int		 numbered;	/* a Backtrace: frames #0, #1 ... */
};

struct frames_crash {
	unsigned long	 first_line;
	unsigned long	 last_line;
	struct frames_line *lines;	/* every address line, in order */
	size_t		 nlines;
	struct frame	*stack;		/* the best stack of the crash */
	size_t		 nstack;
	unsigned long	 stack_line;
	char		*note;		/* why it was not (fully) decoded, or
					   NULL; sanitised */
	size_t		 naddrs;	/* sure addresses (not stack words) */
	size_t		 ndecoded;	/* of them, found in an ELF */
};

struct frames;

/* elfs[0..n) are borrowed and must outlive the object. */
struct frames *frames_new(struct elfsym *const *elfs, size_t n);
void	 frames_free(struct frames *fr);
/*
 * One log line (normalised text).  Returns 1 when the line is part of a
 * crash block that is still open, else 0.
 */
int	 frames_feed(struct frames *fr, unsigned long lineno, const char *text);
/*
 * frames_feed for the monitor's live decoding, on an object of its own:
 * the addresses of this line decoded at once into *out (owned:
 * frames_line_release; out->n 0 when the line has none that an ELF
 * names), with the ELF check of what the device printed so far (the
 * boot's "ELF file SHA256", the panic's when it came first).  *note, when
 * not NULL, is owned text to show: the crash is of another build, or the
 * panic's SHA, printed after frames were shown, says they were of another
 * build.  The crashes it closes are dropped (the analysis reports them).
 */
int	 frames_feed_live(struct frames *fr, unsigned long lineno,
	    const char *text, struct frames_line *out, char **note);
void	 frames_line_release(struct frames_line *ln);
/*
 * The crashed task of an ELF core dump (coreelf.h) decoded, for the core
 * dump's note: "the crashed task's stack: #0 f() at file:line, ...", or
 * why not (its app ELF SHA-256 names another build, no --elf holds its
 * addresses).  NULL without --elf or without cc.  Owned, sanitised.
 */
char	*frames_coredump(struct frames *fr, const struct coreelf_crash *cc);
/*
 * Frame i of a line for people, as decode prints it under the line:
 * "#0  0x400d1234: onPulse() at src/main.c:26" (a Backtrace) or
 * "PC    0x400d1234: ..." (a register).  Owned.
 */
char	*frames_line_text(const struct frames_line *ln, size_t i);
/* A crash block or a stack dump is open: every line counts (else a line
   without a bt_needles literal changes nothing and may be skipped). */
int	 frames_busy(const struct frames *fr);
/* Ends the input: an open block is decoded. */
void	 frames_flush(struct frames *fr);
/* Decoded crashes kept so far; borrowed until frames_forget/free. */
size_t	 frames_ncrashes(const struct frames *fr);
const struct frames_crash *frames_crash(const struct frames *fr, size_t i);
/* Drops the decoded crashes (decode prints as it goes). */
void	 frames_forget(struct frames *fr);
/*
 * Gives each crash's stack to the finding it explains (the most severe
 * finding whose evidence is in the block or just before it); a crash no
 * finding explains, and every crash's note, become notes of r.
 */
void	 frames_attach(struct frames *fr, struct input_result *r);
/*
 * Whether the stack f[0..n) shows what a rule's "frames" condition asks
 * (ruleset.h).  *matched is the frame that satisfied "any" (else "top",
 * else the first named frame), borrowed from f.
 */
int	 frames_match(const struct rule_frames *cond, const struct frame *f,
	    size_t n, const struct frame **matched);
/*
 * A frame's function for people: "onPulse()" for a C name, a C++ name as
 * demangled ("UpdateClass::write(unsigned char*, unsigned int)"), "??()"
 * when unknown.  Owned.
 */
char	*frames_name(const struct frame *f);
/* "store_pulse() at src/main.c:16 (inlined)": one frame, for people. */
char	*frames_describe(const struct frame *f);

#endif
