/* SPDX-License-Identifier: Apache-2.0 */
/*
 * menu: the keys typed in the monitor, as idf.py monitor reads them.
 * Prefix: menu_.
 *
 * Typed bytes go to the device, with Enter (CR in raw mode) sent as the
 * end of line --eol names, except the menu: Ctrl-T then a key is a
 * command (MENU_*); Ctrl-T Ctrl-T sends a literal Ctrl-T.  Ctrl-] (and
 * Ctrl-C, which raw mode delivers as a byte) quit at once.  The command
 * key is accepted as a control character or a letter (Ctrl-R, r or R).
 * The state (a Ctrl-T waiting for its key) survives between reads.
 */
#ifndef OTADIAG_MENU_H
#define OTADIAG_MENU_H

#include <stddef.h>

#include "strbuf.h"

#define MENU_KEY	0x14	/* Ctrl-T */

enum menu_eol {
	MENU_EOL_CRLF = 0,	/* the default, as idf.py and pio monitor */
	MENU_EOL_CR,
	MENU_EOL_LF,
};

enum menu_action {
	MENU_NONE = 0,
	MENU_QUIT,		/* Ctrl-], Ctrl-C, Ctrl-T Ctrl-X */
	MENU_RESET,		/* Ctrl-T Ctrl-R: reset the device */
	MENU_LOG,		/* Ctrl-T Ctrl-L: start/stop the log file */
	MENU_TIMESTAMPS,	/* Ctrl-T Ctrl-I: timestamps on/off */
	MENU_PAUSE,		/* Ctrl-T Ctrl-Y: device output on/off */
	MENU_HELP,		/* Ctrl-T Ctrl-H: the keys */
	MENU_UNKNOWN,		/* Ctrl-T and a key that is none of these */
};

struct menu {
	enum menu_eol	 eol;
	int		 armed;		/* Ctrl-T seen, its key not yet */
};

/* "CR", "LF", "CRLF" (any case); -1 if s is none. */
int	 menu_eol_from_name(const char *s);
const char *menu_eol_name(enum menu_eol eol);
/*
 * Reads in[0..n) up to and including the first command: appends the bytes
 * for the device to fwd, sets *act (MENU_NONE if none) and returns how many
 * bytes of in it used; call again with the rest.
 */
size_t	 menu_feed(struct menu *m, const char *in, size_t n,
	    struct strbuf *fwd, enum menu_action *act);
/* The keys, one per line, for Ctrl-T Ctrl-H (static). */
const char *menu_help(void);

#endif
