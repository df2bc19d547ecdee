/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema: the one table of the fields a rule or a marker may have.
 * Prefix: schema_.
 *
 * The loader (ruleset.c) accepts a field only if this table lists it for
 * the kind being loaded and checks its JSON type here; `otadiag rules
 * fields` prints the table; a test checks that man/otadiag-rules.5 and
 * rules/README.md describe every field it lists and no other.  A new
 * field is a row here plus its parsing in ruleset.c.
 */
#ifndef OTADIAG_SCHEMA_H
#define OTADIAG_SCHEMA_H

#include <stddef.h>

/* Which kinds a field applies to (bits). */
#define SCHEMA_RULE	0x1u	/* diagnoses ("rules") */
#define SCHEMA_MARKER	0x2u	/* stage markers ("markers") */

enum schema_type {
	SCHEMA_STRING,
	SCHEMA_STRINGS,		/* an array of strings */
	SCHEMA_OBJECT,
	SCHEMA_ARRAY,		/* an array of objects */
};

struct schema_field {
	const char	*name;
	unsigned	 kinds;		/* SCHEMA_RULE | SCHEMA_MARKER */
	enum schema_type type;
	const char	*required;	/* when it is required, or NULL */
	const char	*desc;		/* one line */
};

size_t	 schema_count(void);
/* Row i, or NULL past the end; borrowed (static). */
const struct schema_field *schema_get(size_t i);
/* The row of a field name, NULL if no kind has it. */
const struct schema_field *schema_find(const char *name);
const char *schema_type_name(enum schema_type t);	/* "string" ... */
/* "rules", "markers" or "rules, markers". */
const char *schema_kinds_name(unsigned kinds);

#endif
