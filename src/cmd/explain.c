/*
 * explain: decode an error number a user has in hand.
 *
 *   otadiag explain [--table name] CODE...
 *
 * Every code table of the rule set is searched (esp_err_t, mbedTLS, errno,
 * Arduino Update/HTTPUpdate/ArduinoOTA, Alibaba LinkSDK ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "ruleset.h"
#include "sanitize.h"

static const char usage_text[] =
    "usage: otadiag explain [--table name] [--rules path] code...\n";

int
cmd_explain(int argc, char **argv)
{
	struct cli_common c;
	struct ruleset *rs;
	const char *table = NULL;
	const char *codes[64];
	size_t ncodes = 0, i, t;
	int k, rc, missing = 0;

	cli_common_init(&c);
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[k], "--table") == 0 && k + 1 < argc) {
			table = argv[++k];
			continue;
		}
		if (argv[k][0] == '-' && argv[k][1] == '-') {
			/* only the rule options mean something here */
			if (strncmp(argv[k], "--rules", 7) == 0 ||
			    strcmp(argv[k], "--no-default-rules") == 0) {
				if ((rc = cli_parse_common(&c, "explain", argc, argv,
				    &k)) < 0)
					return EXIT_USAGE;
				continue;
			}
			cli_usage_error("explain", "unknown option '%s'", argv[k]);
			return EXIT_USAGE;
		}
		if (ncodes < 64)
			codes[ncodes++] = argv[k];
	}
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
			printf("%s  %s: %s = %s\n", clean, tab->title != NULL ?
			    tab->title : tab->name, e->name, e->code);
			printf("    %s\n", e->meaning);
			if (e->note != NULL)
				printf("    note: %s\n", e->note);
			if (e->cause != NULL)
				printf("    cause: %s (%s)\n", e->cause,
				    cause_describe(e->cause));
		}
		if (!found) {
			printf("%s  not in any code table\n", clean);
			missing = 1;
		}
		free(clean);
	}
	ruleset_free(rs);
	return missing ? EXIT_FINDINGS : EXIT_OK;
}
