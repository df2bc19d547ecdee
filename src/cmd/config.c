/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config: 'otadiag config [command [options]]' shows the settings the
 * configuration files (otadiag.ini, include/config.h) and the command line
 * give a command, and where each comes from.  It runs the command's own
 * option parsing in show mode (cli_set_config), so what it prints is what
 * the command would use, and a bad key or value is the same error.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "diag.h"

static const char config_usage[] =
	"usage: otadiag config [command [option ...]]\n";

/* The commands whose options a file can set ([gate]: their shared ones). */
static const char *const shown[] = {"analyze", "monitor", "job", "explain",
	NULL};

static int
show(const struct cmd *c, struct config *cfg, int argc, char **argv)
{
	int rc;

	cli_set_config(cfg, 1);
	rc = c->fn(c, argc, argv);
	cli_set_config(cfg, 0);
	return rc;
}

static const struct cmd *
find(const struct cmd *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].fn != NULL && strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

int
cmd_config(const struct cmd *table, size_t n, struct config *cfg, int argc,
    char **argv)
{
	const char *user = config_file(cfg, CONFIG_USER);
	const char *project = config_file(cfg, CONFIG_PROJECT);
	const struct cmd *c;
	size_t i;
	int rc, worst = EXIT_OK;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(config_usage, stdout);
		fputs("\nShows the settings of the configuration files and the "
		    "command line, and\nwhere each comes from: for COMMAND with "
		    "OPTIONs, or for analyze, monitor,\njob and explain.  Files: "
		    "otadiag.ini in the current folder or above, up\nto the "
		    "repository root; then $XDG_CONFIG_HOME/otadiag/otadiag.ini.\n"
		    "OTADIAG_CONFIG=FILE reads only FILE; OTADIAG_CONFIG=none, "
		    "none.\n\nExit status: 0 shown, 2 a bad configuration line "
		    "or option.\n\nSee otadiag-config(1).\n", stdout);
		return EXIT_OK;
	}
	if (argc >= 2) {
		for (i = 0; shown[i] != NULL; i++)
			if (strcmp(shown[i], argv[1]) == 0)
				break;
		if (shown[i] == NULL || (c = find(table, n, argv[1])) == NULL) {
			cli_usage_error("config", "'%s' takes no settings "
			    "(analyze, monitor, job or explain)", argv[1]);
			return EXIT_USAGE;
		}
		printf("; project: %s\n; user:    %s\n",
		    project != NULL ? project : "(none)",
		    user != NULL ? user : "(none)");
		return show(c, cfg, argc - 1, argv + 1);
	}
	printf("; project: %s\n; user:    %s\n",
	    project != NULL ? project : "(none)", user != NULL ? user : "(none)");
	for (i = 0; shown[i] != NULL; i++) {
		char *args[] = {(char *)(uintptr_t)shown[i], NULL};

		if ((c = find(table, n, shown[i])) == NULL)
			continue;
		if ((rc = show(c, cfg, 1, args)) > worst)
			worst = rc;
	}
	return worst;
}
