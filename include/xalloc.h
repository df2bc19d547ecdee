/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xalloc: allocation that cannot fail.  Every function dies with
 * "otadiag: error: out of memory" and exit status 3 when the C library
 * cannot satisfy the request.  Prefix: x.
 */
#ifndef OTADIAG_XALLOC_H
#define OTADIAG_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *p, size_t n);
/* Grow an array of nmemb elements of size bytes to at least need elements. */
void	*xgrow(void *p, size_t *nmemb, size_t need, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
