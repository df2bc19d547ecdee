/* SPDX-License-Identifier: Apache-2.0 */
/*
 * backtrace: recognises the lines of a crash report that carry code
 * addresses, and takes the addresses out.  Prefix: bt_.
 *
 *   Xtensa (ESP32, -S2, -S3)   Backtrace: 0x400d1234:0x3ffb1230 ...
 *                              PC      : 0x400d1a2b  ... A0 : 0x800d1b2c
 *                              EXCVADDR: 0x00000000  (a register dump)
 *   RISC-V (ESP32-C3/C6/H2)    MEPC    : 0x42000e2a  RA      : 0x42000e20
 *                              Stack memory: / 3fc8f6a0: 0x... 0x...
 *   ESP8266                    Exception (28): / epc1=0x40201234 ...
 *                              >>>stack>>> / 3fffff40:  3fffdad0 40201e3c
 *   any                        abort() was called at PC 0x400d2f5b
 *                              assert failed: func file.c:12 (expr)
 *                              ELF file SHA256: 8ee3d5a8d (panic, boot)
 *
 * Pure text work: no ELF is involved (frames.c decodes).  A stack dump
 * spans lines, so the parser keeps a small state per input.
 */
#ifndef OTADIAG_BACKTRACE_H
#define OTADIAG_BACKTRACE_H

#include <stddef.h>
#include <stdint.h>

#define BT_MAX_ADDRS 64		/* addresses kept of one line */
#define BT_IDLE_LINES 40	/* a crash block ends at the restart
				   (BT_END) or after this many lines
				   without crash text (BT_NONE) */

enum bt_kind {
	BT_NONE = 0,	/* nothing for the decoder */
	BT_START,	/* a crash begins (Guru Meditation, Exception (N)) */
	BT_BACKTRACE,	/* Xtensa "Backtrace:" PC:SP pairs */
	BT_REGS,	/* a register dump line (PC, A0, MEPC, RA, epc1 ...) */
	BT_STACK,	/* words of a stack dump: probable frames */
	BT_ABORT,	/* abort() was called at PC */
	BT_ASSERT,	/* a failed assert's location (no address) */
	BT_SHA,		/* ELF file SHA256 of the running image */
	BT_DECODED,	/* a frame a monitor already decoded in the log:
			   "0x400d1234: onPulse at main.cpp:31" (idf.py
			   monitor), "#0 0x400d1234:0x3ffb1f80 in onPulse()
			   at src/main.cpp:31" (PlatformIO), "... line 31"
			   (Arduino EspExceptionDecoder), "(inlined by) ..." */
	BT_END,		/* the device restarts: the crash report is over */
};

struct bt_addr {
	uint32_t	 addr;		/* as to decode (Xtensa A0 mapped) */
	char		 what[12];	/* "PC", "A0", "MEPC", "stack" ... */
	int		 probable;	/* a stack word that may be a frame */
};

struct bt_line {
	enum bt_kind	 kind;
	struct bt_addr	 addrs[BT_MAX_ADDRS];
	size_t		 naddrs;
	int		 corrupted;	/* "|<-CORRUPTED" or a cut line */
	char		 sha[65];	/* BT_SHA: the hex digits printed */
	int		 inlined_by;	/* BT_DECODED "(inlined by)": the frame
					   before was inlined into this one */
	char		 func[128];	/* BT_ASSERT, BT_DECODED: the location */
	char		 file[256];
	unsigned	 line;
};

struct bt_state {
	int		 in_stack;	/* inside a stack dump */
};

/*
 * Literals one of which every line that bt_parse() gives a kind holds (ASCII
 * case-insensitive; "0x" stands for every address), when no stack dump is
 * open (st->in_stack == 0): a line without any is BT_NONE and leaves the
 * state as it was, so a caller may skip it (the prefilter finds them, see
 * matcher_prefilter).  NULL-terminated; test-backtrace checks it on every
 * row of its table.
 */
extern const char *const bt_needles[];

/* Parses one normalised log line (NUL-terminated) into *out. */
void	 bt_parse(struct bt_state *st, const char *text, struct bt_line *out);

/*
 * Whether a crash block that is open stays open after a line of kind k,
 * idle counting its lines without crash text: 1 while it lasts, 0 once
 * it has ended (the restart, or BT_IDLE_LINES lines without crash text).
 * The one rule of where a crash ends: frames.c and the monitor's crash
 * hold use it.
 */
int	 bt_block_goes_on(enum bt_kind k, unsigned long *idle);

#endif
