/* SPDX-License-Identifier: Apache-2.0 */
/*
 * builtin: the rule files compiled into the binary (generated at build time
 * from rules/NAME.json by cmake/embed_rules.cmake).  Prefix: builtin_.
 */
#ifndef OTADIAG_BUILTIN_H
#define OTADIAG_BUILTIN_H

#include <stddef.h>

struct builtin_file {
	const char	*name;	/* "rules/NAME.json" */
	const char	*data;	/* NUL-terminated JSON */
	size_t		 len;
};

/* Terminated by an entry whose name is NULL. */
extern const struct builtin_file builtin_rules[];
/* The rule set's version: the first 12 hex digits of a SHA-256 over every
   rule file's name and bytes, so two builds with the same rules agree. */
extern const char builtin_rules_digest[];

#endif
