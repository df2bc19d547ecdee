/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strbuf: a growable, always NUL-terminated byte buffer (after git's strbuf).
 * Prefix: strbuf_.  A struct strbuf owns buf; strbuf_release() frees it and
 * leaves an empty, reusable buffer.  buf is never NULL after strbuf_init().
 */
#ifndef OTADIAG_STRBUF_H
#define OTADIAG_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void	 strbuf_init(struct strbuf *sb, size_t hint);
void	 strbuf_release(struct strbuf *sb);
/* Returns the owned buffer (never NULL) and resets sb. */
char	*strbuf_detach(struct strbuf *sb);
void	 strbuf_reset(struct strbuf *sb);
void	 strbuf_grow(struct strbuf *sb, size_t extra);
void	 strbuf_add(struct strbuf *sb, const void *p, size_t n);
void	 strbuf_addstr(struct strbuf *sb, const char *s);
void	 strbuf_addch(struct strbuf *sb, int c);
void	 strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void	 strbuf_setlen(struct strbuf *sb, size_t len);

#endif
