/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rawtty: the user's terminal in raw mode, and the keys typed on it.
 * Prefix: rawtty_.
 *
 * rawtty_new() puts the terminal on fd in raw mode (keys arrive at once,
 * unechoed; Ctrl-C is a byte, not a signal) but keeps its output
 * processing, so "\n" still returns the carriage.  rawtty_free() puts
 * back the mode it found.  rawtty_keys() splits typed bytes into what
 * goes on to the device and a quit key: RAWTTY_KEY_QUIT (Ctrl-]) or
 * RAWTTY_KEY_INTR (Ctrl-C, which raw mode delivers as a byte).
 */
#ifndef OTADIAG_RAWTTY_H
#define OTADIAG_RAWTTY_H

#include <stddef.h>

#define RAWTTY_KEY_QUIT	0x1d	/* Ctrl-] */
#define RAWTTY_KEY_INTR	0x03	/* Ctrl-C in raw mode */

struct rawtty;

/* Owned; NULL if fd is not a terminal or its mode cannot be set. */
struct rawtty *rawtty_new(int fd);
/* Restores the terminal's mode; accepts NULL. */
void	 rawtty_free(struct rawtty *t);
/*
 * Copies in[0..n) up to the first quit key to fwd (room for n bytes) and
 * returns how many; *quit is 1 if a quit key was typed (what follows it
 * is dropped), else 0.
 */
size_t	 rawtty_keys(const char *in, size_t n, char *fwd, int *quit);

#endif
