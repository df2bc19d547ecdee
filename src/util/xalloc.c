/* SPDX-License-Identifier: Apache-2.0 */
/* xalloc: allocation that dies on failure (see xalloc.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xalloc.h"

static void *
check(void *p)
{
	if (p == NULL)
		diag_die("out of memory");
	return p;
}

void *
xmalloc(size_t n)
{
	return check(malloc(n == 0 ? 1 : n));
}

void *
xcalloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size));
}

void *
xrealloc(void *p, size_t n)
{
	return check(realloc(p, n == 0 ? 1 : n));
}

void *
xgrow(void *p, size_t *nmemb, size_t need, size_t size)
{
	size_t n = *nmemb;

	if (need <= n)
		return p;
	if (n == 0)
		n = 8;
	while (n < need) {
		if (n > ((size_t)-1) / 2 / size)
			diag_die("out of memory");
		n *= 2;
	}
	p = xrealloc(p, n * size);
	*nmemb = n;
	return p;
}

char *
xstrdup(const char *s)
{
	return check(strdup(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		diag_die("bad format string");
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
