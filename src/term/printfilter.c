/* SPDX-License-Identifier: Apache-2.0 */
/*
 * printfilter: esp-idf-monitor's --print-filter (printfilter.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printfilter.h"
#include "xalloc.h"

enum { LV_N = 0, LV_E, LV_W, LV_I, LV_D, LV_V };

struct pf_item {
	char	*tag;
	int	 level;
};

struct printfilter {
	struct pf_item	*items;
	size_t		 n, cap;
	int		 star;		/* the level of "*", -1 if absent */
};

static int
level_of(int c)
{
	switch (toupper(c)) {
	case 'N':
		return LV_N;
	case 'E':
		return LV_E;
	case 'W':
		return LV_W;
	case 'I':
		return LV_I;
	case 'D':
		return LV_D;
	case 'V':
	case '*':
		return LV_V;
	}
	return -1;
}

void
printfilter_free(struct printfilter *pf)
{
	size_t i;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->n; i++)
		free(pf->items[i].tag);
	free(pf->items);
	free(pf);
}

struct printfilter *
printfilter_new(const char *spec, char *err, size_t errlen)
{
	struct printfilter *pf = xcalloc(1, sizeof(*pf));
	const char *p = spec, *end, *colon;
	int lv;

	pf->star = -1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (end = p; *end != '\0' && *end != ' ' && *end != '\t'; end++)
			;
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon == NULL)
			lv = LV_V;
		else if (colon == p || memchr(colon + 1, ':',
		    (size_t)(end - colon - 1)) != NULL ||
		    end - colon - 1 > 1 || (lv = level_of(end - colon - 1 == 1 ?
		    colon[1] : 'V')) < 0) {
			snprintf(err, errlen, "bad print filter item '%.*s' "
			    "(tag:level, level N E W I D V or *)", (int)(end - p),
			    p);
			printfilter_free(pf);
			return NULL;
		}
		if (colon == NULL)
			colon = end;
		if (colon - p == 1 && *p == '*')
			pf->star = lv;
		else {
			pf->items = xgrow(pf->items, &pf->cap, pf->n + 1,
			    sizeof(*pf->items));
			pf->items[pf->n].tag = xstrndup(p, (size_t)(colon - p));
			pf->items[pf->n++].level = lv;
		}
		p = end;
	}
	if (pf->n == 0 && pf->star < 0)
		pf->star = LV_V;	/* empty: everything */
	return pf;
}

/* "L (digits) tag: " after an optional colour code; 0 if not one. */
static int
idf_line(const char *s, size_t n, int *lv, const char **tag, size_t *taglen)
{
	size_t i = 0, t;

	if (n >= 2 && s[0] == '\033' && s[1] == '[') {
		for (i = 2; i < n && s[i] != 'm' && i < 12; i++)
			if (!isdigit((unsigned char)s[i]) && s[i] != ';')
				return 0;
		if (i >= n || s[i] != 'm')
			return 0;
		i++;
	}
	if (i + 4 > n || strchr("EWIDV", s[i]) == NULL || s[i] == '\0' ||
	    s[i + 1] != ' ' || s[i + 2] != '(')
		return 0;
	*lv = level_of(s[i]);
	i += 3;
	t = i;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i == t || i + 2 > n || s[i] != ')' || s[i + 1] != ' ')
		return 0;
	i += 2;
	t = i;
	while (i < n && s[i] != ':')
		i++;
	if (i == t || i + 1 >= n || s[i + 1] != ' ')
		return 0;
	*tag = s + t;
	*taglen = i - t;
	return 1;
}

int
printfilter_match(const struct printfilter *pf, const char *line, size_t len)
{
	const char *tag;
	size_t taglen, i;
	int lv;

	if (!idf_line(line, len, &lv, &tag, &taglen))
		return pf->star > LV_N;
	for (i = 0; i < pf->n; i++)
		if (strlen(pf->items[i].tag) == taglen &&
		    memcmp(pf->items[i].tag, tag, taglen) == 0)
			return pf->items[i].level >= lv;
	return pf->star >= lv;
}
