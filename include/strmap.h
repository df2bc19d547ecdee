/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strmap: a set of strings, each with a count, for the report writers that
 * must tell whether a name or fingerprint was seen before in a report of
 * any size (JUnit test names, SARIF fingerprints) in constant time.
 * Prefix: strmap_.  Open addressing with FNV-1a; the map owns copies of
 * its keys.  struct strmap m = STRMAP_INIT; ... strmap_release(&m);
 */
#ifndef OTADIAG_STRMAP_H
#define OTADIAG_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	char		*key;		/* NULL: empty */
	unsigned long	 n;
};

struct strmap {
	struct strmap_slot *slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 len;
};

#define STRMAP_INIT	{ NULL, 0, 0 }

/* Adds one to key's count (inserting it at 0 first); returns the count. */
unsigned long strmap_bump(struct strmap *m, const char *key);
/* key's count, 0 if absent. */
unsigned long strmap_get(const struct strmap *m, const char *key);
void	 strmap_release(struct strmap *m);

#endif
