/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loader: what the rule loader's files share (ruleset.c loads the set and
 * its rules, codetable.c its code tables).  Not a public header.
 */
#ifndef OTADIAG_LOADER_H
#define OTADIAG_LOADER_H

#include <stddef.h>

#include <jansson.h>

#include "diag.h"
#include "ruleset.h"

struct ruleset {
	struct rule	**rules;
	size_t		 nrules, caprules;
	struct code_table **tables;
	size_t		 ntables, captables;
	json_t		**docs;
	size_t		 ndocs, capdocs;
	int		 source;	/* load generation: replacement vs dup */
	int		*rule_source;
	size_t		 caprsrc;
	size_t		*hash;		/* open addressing: rule index + 1 */
	size_t		 caphash;	/* a power of two, or 0 */
	struct rule	**blocks;	/* ruleset_load_image(): one block of
					   rules each, freed whole */
	size_t		*nblock;
	unsigned char	*borrowed;	/* per block: 1 if it is the image's own
					   read-only array (not freed; copied
					   by blocks_own() before a write) */
	size_t		 nblocks;
	const struct ruleset_image *image; /* loaded in place (image_fits) */
};

/* Top-level arrays whose elements index_build() finds lines for. */
enum { IDX_RULES = 0, IDX_MARKERS, IDX_CODES, IDX_NSECT };

/* Parsing state for one file. */
struct loader {
	struct ruleset	*rs;
	const char	*name;
	const char	*text;
	size_t		 len;
	struct diag_err	*err;
	const char	*rule_id;	/* for messages */
	long		 rule_line;
	struct line_list {
		long	*line;
		size_t	 n, cap;
	}		 idx[IDX_NSECT];	/* see index_build() */
};

/* Sets L->err (file, the current rule's line and id) and returns -1. */
int	 loader_fail(struct loader *L, enum diag_code code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Every member of obj is one of allowed (NULL-terminated). */
int	 loader_check_fields(struct loader *L, json_t *obj,
	    const char *const *allowed, const char *what);
/* A string member: *out borrowed from the document, NULL if absent. */
int	 loader_get_str(struct loader *L, json_t *obj, const char *key,
	    int required, const char **out);
/* The line of element i of section sect, 0 if unknown. */
long	 loader_line(const struct loader *L, int sect, size_t i);

/* codetable.c: loads the "codes" array of one file into L->rs. */
int	 codes_load(struct loader *L, json_t *arr);
/* Adds an owned table to rs, or extends the table of that name. */
void	 codes_add(struct ruleset *rs, struct code_table *t);
void	 code_table_free(struct code_table *t);

#endif
