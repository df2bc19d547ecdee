/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema: the one table of rule and marker fields, and the documents that
 * must describe it.  The loader, `rules fields`, man/otadiag-rules.5 and
 * rules/README.md may not drift apart: every field of the table is
 * accepted by the loader for the kinds the table names and rejected for
 * the others, and both documents describe every field.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ruleset.h"
#include "schema.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	cr_assert_not_null(fp, "%s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

Test(schema, documents_describe_every_field)
{
	char *man = slurp(OTADIAG_SOURCE_DIR "/man/otadiag-rules.5");
	char *readme = slurp(OTADIAG_SOURCE_DIR "/rules/README.md");
	size_t i;

	cr_assert_gt(schema_count(), 20);
	for (i = 0; i < schema_count(); i++) {
		const struct schema_field *f = schema_get(i);
		char want[64];

		snprintf(want, sizeof(want), "Ic %s", f->name);
		cr_expect(strstr(man, want) != NULL,
		    "man/otadiag-rules.5 does not describe '%s'", f->name);
		snprintf(want, sizeof(want), "`%s`", f->name);
		cr_expect(strstr(readme, want) != NULL,
		    "rules/README.md does not describe '%s'", f->name);
	}
	free(man);
	free(readme);
}

Test(schema, lookup)
{
	cr_expect_not_null(schema_find("confidence"));
	cr_expect_null(schema_find("colour"));
	cr_expect_eq(schema_find("label")->kinds, SCHEMA_MARKER);
	cr_expect_str_eq(schema_kinds_name(SCHEMA_RULE | SCHEMA_MARKER),
	    "rules, markers");
	cr_expect_str_eq(schema_type_name(SCHEMA_STRINGS), "array of strings");
	cr_expect_null(schema_get(schema_count()));
}

/* A field of the other kind, or of the wrong JSON type, is one error. */
Test(schema, loader_follows_the_table)
{
	static const char rule_with_label[] = "{\"rules\": [{\"id\": \"a\", "
	    "\"cause\": \"http-error\", \"severity\": \"error\", \"title\": "
	    "\"t\", \"pattern\": \"x\", \"message\": \"m\", \"remedy\": \"r\", "
	    "\"label\": \"mqtt\", \"examples\": {\"match\": [\"x\"]}}]}";
	static const char marker_with_cause[] = "{\"markers\": [{\"id\": \"m\", "
	    "\"stage\": \"check\", \"pattern\": \"x\", \"cause\": "
	    "\"http-error\", \"examples\": {\"match\": [\"x\"]}}]}";
	static const char needle_not_string[] = "{\"markers\": [{\"id\": \"m\", "
	    "\"stage\": \"check\", \"pattern\": \"x\", \"needle\": 3, "
	    "\"examples\": {\"match\": [\"x\"]}}]}";
	struct ruleset *rs = ruleset_new();
	struct diag_err err;

	cr_expect_neq(ruleset_load_string(rs, "a.json", rule_with_label,
	    strlen(rule_with_label), &err), 0);
	cr_expect(strstr(err.text, "unknown field 'label' in a rule") != NULL,
	    "%s", err.text);
	cr_expect_neq(ruleset_load_string(rs, "b.json", marker_with_cause,
	    strlen(marker_with_cause), &err), 0);
	cr_expect(strstr(err.text, "unknown field 'cause' in a marker") != NULL,
	    "%s", err.text);
	cr_expect_neq(ruleset_load_string(rs, "c.json", needle_not_string,
	    strlen(needle_not_string), &err), 0);
	cr_expect(strstr(err.text, "field 'needle' must be a string") != NULL,
	    "%s", err.text);
	ruleset_free(rs);
}
