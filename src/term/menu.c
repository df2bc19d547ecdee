/* SPDX-License-Identifier: Apache-2.0 */
/*
 * menu: the monitor's keys and its Ctrl-T menu (menu.h).  The keys are
 * idf.py monitor's (esp-idf-monitor), so hands that know one know both.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "menu.h"
#include "rawtty.h"

#define CTRL(c)	((c) & 0x1f)

static const struct {
	char		 key;		/* the letter; Ctrl-letter too */
	enum menu_action act;
} menu_keys[] = {
	{'r', MENU_RESET},
	{'l', MENU_LOG},
	{'i', MENU_TIMESTAMPS},
	{'y', MENU_PAUSE},
	{'h', MENU_HELP},
	{'x', MENU_QUIT},
};

int
menu_eol_from_name(const char *s)
{
	if (strcasecmp(s, "CRLF") == 0)
		return MENU_EOL_CRLF;
	if (strcasecmp(s, "CR") == 0)
		return MENU_EOL_CR;
	if (strcasecmp(s, "LF") == 0)
		return MENU_EOL_LF;
	return -1;
}

const char *
menu_eol_name(enum menu_eol eol)
{
	switch (eol) {
	case MENU_EOL_CR:
		return "CR";
	case MENU_EOL_LF:
		return "LF";
	case MENU_EOL_CRLF:
	default:
		return "CRLF";
	}
}

const char *
menu_help(void)
{
	return "Ctrl-T Ctrl-R  reset the device (DTR/RTS)\n"
	    "Ctrl-T Ctrl-L  start/stop logging to a file\n"
	    "Ctrl-T Ctrl-I  timestamps on/off\n"
	    "Ctrl-T Ctrl-Y  pause/resume the device output\n"
	    "Ctrl-T Ctrl-H  this help\n"
	    "Ctrl-T Ctrl-X  quit (also Ctrl-])\n"
	    "Ctrl-T Ctrl-T  send Ctrl-T";
}

static enum menu_action
menu_command(unsigned char c)
{
	size_t i;

	for (i = 0; i < sizeof(menu_keys) / sizeof(menu_keys[0]); i++)
		if (c == (unsigned char)CTRL(menu_keys[i].key) ||
		    tolower(c) == menu_keys[i].key)
			return menu_keys[i].act;
	return MENU_UNKNOWN;
}

size_t
menu_feed(struct menu *m, const char *in, size_t n, struct strbuf *fwd,
    enum menu_action *act)
{
	size_t i;
	unsigned char c;

	*act = MENU_NONE;
	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
		if (m->armed) {
			m->armed = 0;
			if (c == MENU_KEY) {
				strbuf_add(fwd, "\x14", 1);
				continue;
			}
			*act = menu_command(c);
			return i + 1;
		}
		if (c == RAWTTY_KEY_QUIT || c == RAWTTY_KEY_INTR) {
			*act = MENU_QUIT;
			return i + 1;
		}
		if (c == MENU_KEY) {
			m->armed = 1;
			continue;
		}
		if (c == '\r') {
			strbuf_addstr(fwd, m->eol == MENU_EOL_CR ? "\r" :
			    m->eol == MENU_EOL_LF ? "\n" : "\r\n");
			continue;
		}
		strbuf_add(fwd, (const char *)&in[i], 1);
	}
	return n;
}
