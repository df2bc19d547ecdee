/* SPDX-License-Identifier: Apache-2.0 */
/* schema: the table of rule and marker fields (see schema.h). */
#include <string.h>

#include "schema.h"

#define R	SCHEMA_RULE
#define M	SCHEMA_MARKER

static const struct schema_field fields[] = {
	{"id", R | M, SCHEMA_STRING, "yes",
	    "stable kebab-case id, never reused"},
	{"cause", R, SCHEMA_STRING, "yes",
	    "a cause id of the cause table below"},
	{"severity", R, SCHEMA_STRING, "yes", "error, warning or info"},
	{"title", R | M, SCHEMA_STRING, "rules",
	    "one line: what happened (a marker's defaults to its id)"},
	{"confidence", R | M, SCHEMA_STRING, NULL,
	    "specific (default: a particular firmware's message) or generic "
	    "(any log format; --generic-only)"},
	{"stage", R | M, SCHEMA_STRING, "markers",
	    "markers: the stage they announce; rules: the stage that fires "
	    "them (no pattern)"},
	{"pattern", R | M, SCHEMA_STRING, "unless stage or target session",
	    "PCRE2 pattern with named captures, matched on the message"},
	{"needle", R | M, SCHEMA_STRING, NULL,
	    "literal every matching line contains (prefilter, ASCII "
	    "case-insensitive)"},
	{"needles", R | M, SCHEMA_STRINGS, NULL,
	    "instead of needle: literals, one of which every matching line "
	    "contains"},
	{"needle_note", R | M, SCHEMA_STRING, NULL,
	    "why a needle shorter than 4 bytes or common in ordinary lines "
	    "(rules check --log) is needed"},
	{"on", R | M, SCHEMA_STRING, NULL,
	    "message (default) or text: what the pattern sees"},
	{"level", R | M, SCHEMA_STRING, NULL,
	    "allowed log levels, e.g. \"EW\""},
	{"tag", R | M, SCHEMA_STRING, NULL, "PCRE2 pattern the tag must match"},
	{"target", R | M, SCHEMA_STRING, NULL,
	    "log (default), job, any, or (rules) session: raised by the "
	    "session model, never matched"},
	{"field", R | M, SCHEMA_STRING, NULL,
	    "job field the rule applies to (target job)"},
	{"label", M, SCHEMA_STRING, NULL,
	    "activity label (mqtt, ble ...), crash kind for stage crash, "
	    "non-app for an image staged for a non-app partition"},
	{"role", R, SCHEMA_STRING, NULL, "cause (default) or symptom"},
	{"ignore", R | M, SCHEMA_STRINGS, NULL, "patterns that veto a match"},
	{"message", R, SCHEMA_STRING, "yes",
	    "what it means; ${capture}, ${capture.name}, ${capture.meaning}"},
	{"remedy", R, SCHEMA_STRING, "yes",
	    "what to check and change; ${capture} as in message"},
	{"kconfig", R, SCHEMA_ARRAY, NULL, "[{option, action, value, note}]"},
	{"references", R, SCHEMA_STRINGS, NULL, "URLs or document names"},
	{"decode", R, SCHEMA_ARRAY, NULL,
	    "[{capture, table, set_cause}]: decode numbers with a code table"},
	{"context", R | M, SCHEMA_OBJECT, NULL,
	    "{phase, progress, uptime_ms, reset, count, requires, excludes} "
	    "(markers: the first four)"},
	{"frames", R, SCHEMA_OBJECT, NULL,
	    "{top, depth, any, none, not_top, of}: globs on the functions of "
	    "a crash's "
	    "decoded stack (--elf); the rule refines the crash finding, no "
	    "pattern"},
	{"overlaps", R, SCHEMA_STRINGS, NULL,
	    "ids of rules that may also match this rule's examples"},
	{"overrides", R, SCHEMA_STRINGS, NULL,
	    "ids of rules this rule wins over when both explain one line"},
	{"examples", R | M, SCHEMA_OBJECT, "unless target session",
	    "{match: [...], no_match: [...]}"},
};

size_t
schema_count(void)
{
	return sizeof(fields) / sizeof(fields[0]);
}

const struct schema_field *
schema_get(size_t i)
{
	return i < schema_count() ? &fields[i] : NULL;
}

const struct schema_field *
schema_find(const char *name)
{
	size_t i;

	for (i = 0; i < schema_count(); i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

const char *
schema_type_name(enum schema_type t)
{
	switch (t) {
	case SCHEMA_STRING:
		return "string";
	case SCHEMA_STRINGS:
		return "array of strings";
	case SCHEMA_OBJECT:
		return "object";
	case SCHEMA_ARRAY:
		return "array of objects";
	}
	return "?";
}

const char *
schema_kinds_name(unsigned kinds)
{
	if ((kinds & (R | M)) == (R | M))
		return "rules, markers";
	return kinds & M ? "markers" : "rules";
}
