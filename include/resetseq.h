/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resetseq: a reset sequence in esptool's and esp-idf-monitor's
 * custom_reset_sequence syntax.  Prefix: resetseq_.
 *
 * Commands separated by '|': D0/D1 set DTR, R0/R1 set RTS, U0,1 sets DTR
 * and RTS at once, W0.1 waits 0.1 s (at most 10 s a wait).  The classic
 * ESP32 hard reset is "D0|R1|W0.1|R0".  Parsing only: the monitor drives
 * the lines (serial_set_lines).
 */
#ifndef OTADIAG_RESETSEQ_H
#define OTADIAG_RESETSEQ_H

#include <stddef.h>

#define RESETSEQ_MAX	32

struct resetseq_step {
	int	 dtr, rts;	/* 0, 1, or -1 unchanged */
	long	 wait_ms;	/* > 0: a wait, the lines unchanged */
};

struct resetseq {
	struct resetseq_step step[RESETSEQ_MAX];
	size_t	 n;
};

/* 0, or -1 with a message naming the bad command in err[0..errlen). */
int	 resetseq_parse(const char *s, struct resetseq *out, char *err,
	    size_t errlen);

#endif
