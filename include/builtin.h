/* SPDX-License-Identifier: Apache-2.0 */
/*
 * builtin: the rule set compiled into the binary (generated at build time
 * from rules/NAME.json by otadiag-rulegen, tools/rulegen.c, with the rule
 * loader itself).  Prefix: builtin_.
 */
#ifndef OTADIAG_BUILTIN_H
#define OTADIAG_BUILTIN_H

#include <stddef.h>

#include "ruleset.h"

/* The rules and code tables of every rules/NAME.json (ruleset_load_builtin). */
extern const struct ruleset_image builtin_image;
/* How many rule files it was made of. */
extern const size_t builtin_rules_nfiles;
/* The rule set's version: the first 12 hex digits of a SHA-256 over every
   rule file's name and bytes, so two builds with the same rules agree. */
extern const char builtin_rules_digest[];

#endif
