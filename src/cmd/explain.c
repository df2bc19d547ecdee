/* SPDX-License-Identifier: Apache-2.0 */
/*
 * explain: decode an error number a user has in hand.
 *
 *   otadiag explain [--table name] CODE...
 *
 * Every code table of the rule set is searched (esp_err_t, mbedTLS, errno,
 * Arduino Update/HTTPUpdate/ArduinoOTA, Alibaba LinkSDK ...).
 */
#include <stddef.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "diag.h"
#include "ruleset.h"
#include "sanitize.h"

struct explain_opts {
	const char	*table;
};

static const struct cli_option explain_options[] = {
	{"table", 0, "name", offsetof(struct explain_opts, table),
	    cli_set_string, 0, 0,
	    "search one code table (esp_err, mbedtls, errno ...)"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const struct cli_spec explain_spec = {
	.name = "explain",
	.usage =
    "usage: otadiag explain [--table name] [--rules path] [--no-default-rules]\n"
    "                       [--generic-only] code...\n",
	.about =
    "Looks each code up in every code table of the rule set: hexadecimal\n"
    "(0x1503), negative (-0x7F00, an operand, not an option) or decimal, or\n"
    "a name (ESP_ERR_HTTP_CONNECT, any case).  A code of a component's range\n"
    "the table does not list names the component's base (ESP_ERR_HTTP_BASE).\n",
	.options = explain_options,
	.exits =
    "Exit status:\n"
    "  0  every code was found in a table\n"
    "  1  a code is in no table\n"
    "  2  usage error, or a rule set that does not load",
	.page = "otadiag-explain(1)",
	.dash_operands = 1,
};

static void
explain_entry(const char *clean, const struct code_table *tab,
    const struct code_entry *e)
{
	printf("%s  %s: %s = %s\n", clean, tab->title != NULL ? tab->title :
	    tab->name, e->name, e->code);
	printf("    %s\n", e->meaning);
	if (e->note != NULL)
		printf("    note: %s\n", e->note);
	if (e->cause != NULL)
		printf("    cause: %s (%s)\n", e->cause,
		    cause_describe(e->cause));
}

/* A name ("ESP_ERR_HTTP_CONNECT", any case) in every table; 1 if found. */
static int
explain_name(const struct ruleset *rs, const char *table, const char *code,
    const char *clean)
{
	const struct code_table *tab;
	size_t t, k;
	int found = 0;

	for (t = 0; t < ruleset_ntables(rs); t++) {
		tab = ruleset_table(rs, t);
		if (table != NULL && strcmp(tab->name, table) != 0)
			continue;
		for (k = 0; k < tab->nentries; k++)
			if (strcasecmp(tab->entries[k].name, code) == 0) {
				explain_entry(clean, tab, &tab->entries[k]);
				found = 1;
			}
	}
	return found;
}

/*
 * A positive code in a component's range that the table does not list:
 * esp_err_t codes are a component base (ESP_ERR_HTTP_BASE 0x7000, ...)
 * plus an offset below 0x100.  Names the nearest *_BASE at or below.
 */
static int
explain_base(const struct ruleset *rs, const char *table, const char *code,
    const char *clean)
{
	const struct code_table *tab;
	const struct code_entry *best = NULL;
	const struct code_table *btab = NULL;
	long long v;
	char *end;
	size_t t, k, len;

	v = strtoll(code, &end, 0);
	if (*end != '\0' || end == code || v <= 0)
		return 0;
	for (t = 0; t < ruleset_ntables(rs); t++) {
		tab = ruleset_table(rs, t);
		if (table != NULL && strcmp(tab->name, table) != 0)
			continue;
		for (k = 0; k < tab->nentries; k++) {
			const struct code_entry *e = &tab->entries[k];

			len = strlen(e->name);
			if (len < 5 || strcmp(e->name + len - 5, "_BASE") != 0 ||
			    e->value > v || v - e->value >= 0x100)
				continue;
			if (best == NULL || e->value > best->value) {
				best = e;
				btab = tab;
			}
		}
	}
	if (best == NULL)
		return 0;
	printf("%s  %s: %s + %lld (%s + 0x%llx), a code of that component "
	    "not in the table\n", clean, btab->title != NULL ? btab->title :
	    btab->name, best->name, v - best->value, best->code,
	    (unsigned long long)(v - best->value));
	printf("    %s\n", best->meaning);
	return 1;
}

int
cmd_explain(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common c;
	struct explain_opts o = {NULL};
	struct ruleset *rs;
	const char *table;
	char **codes = argv;
	size_t ncodes, i, t;
	int nops, missing = 0;

	cli_common_init(&c);
	if ((nops = cli_parse(&explain_spec, cmd->flags, &o, &c, argc,
	    argv)) < 0)
		return nops == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	ncodes = (size_t)nops;
	table = o.table;
	if (ncodes == 0) {
		cli_usage_error("explain", "give a code, e.g. 0x1503 or -0x7F00");
		return EXIT_USAGE;
	}
	if ((rs = cli_load_rules(&c)) == NULL)
		return EXIT_USAGE;
	if (table != NULL && ruleset_find_table(rs, table) == NULL) {
		diag_error("no code table '%s'", table);
		ruleset_free(rs);
		return EXIT_USAGE;
	}
	for (i = 0; i < ncodes; i++) {
		int found = 0;
		char *clean = sanitize_dup(codes[i], strlen(codes[i]));

		int pass;

		/* pass 0: the number as written; pass 1: with the other sign
		   (mbedTLS prints -0x..., users type 0x...) and composites */
		if (isalpha((unsigned char)codes[i][0]) || codes[i][0] == '_')
			found = explain_name(rs, table, codes[i], clean);
		for (pass = 0; pass < 2 && !found; pass++)
		for (t = 0; t < ruleset_ntables(rs); t++) {
			const struct code_table *tab = ruleset_table(rs, t);
			const struct code_entry *e;
			long long v;
			char *end;

			if (table != NULL && strcmp(tab->name, table) != 0)
				continue;
			if ((e = code_table_lookup(tab, codes[i])) == NULL)
				continue;
			v = strtoll(codes[i], &end, 0);
			if (codes[i][0] == '-' && codes[i][1] == '0' &&
			    (codes[i][2] == 'x' || codes[i][2] == 'X'))
				v = -strtoll(codes[i] + 1, &end, 16);
			if ((pass == 0) != (e->value == v))
				continue;
			found = 1;
			explain_entry(clean, tab, e);
		}
		if (!found)
			found = explain_base(rs, table, codes[i], clean);
		if (!found) {
			printf("%s  not in any code table\n", clean);
			missing = 1;
		}
		free(clean);
	}
	ruleset_free(rs);
	return missing ? EXIT_FINDINGS : EXIT_OK;
}
