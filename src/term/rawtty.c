/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rawtty: raw mode for the user's terminal and its quit keys (rawtty.h).
 */
#include <stdlib.h>
#include <termios.h>

#include "rawtty.h"
#include "xalloc.h"

struct rawtty {
	int		 fd;
	struct termios	 orig;
};

struct rawtty *
rawtty_new(int fd)
{
	struct termios orig, t;
	struct rawtty *rt;

	if (tcgetattr(fd, &orig) == -1)
		return NULL;
	t = orig;
	cfmakeraw(&t);
	/* Keep output processing: "\n" still returns the carriage. */
	t.c_oflag = orig.c_oflag;
	if (tcsetattr(fd, TCSAFLUSH, &t) == -1)
		return NULL;
	rt = xmalloc(sizeof(*rt));
	rt->fd = fd;
	rt->orig = orig;
	return rt;
}

void
rawtty_free(struct rawtty *rt)
{
	if (rt == NULL)
		return;
	tcsetattr(rt->fd, TCSAFLUSH, &rt->orig);
	free(rt);
}

size_t
rawtty_keys(const char *in, size_t n, char *fwd, int *quit)
{
	size_t i;

	*quit = 0;
	for (i = 0; i < n; i++) {
		if (in[i] == RAWTTY_KEY_QUIT || in[i] == RAWTTY_KEY_INTR) {
			*quit = 1;
			break;
		}
		fwd[i] = in[i];
	}
	return i;
}
