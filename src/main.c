/* SPDX-License-Identifier: Apache-2.0 */
/*
 * otadiag: diagnose failed OTA firmware updates of ESP32-class devices.
 * The command table and global options; each command lives in src/cmd/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "diag.h"

/*
 * The command table.  A row's flags are the command's policy (cmd.h): the
 * shared options it takes and the pipeline steps it runs.
 */
static const struct cmd commands[] = {
	{"analyze", cmd_analyze, CMD_RULES | CMD_REPORTS,
	    "diagnose captured logs and job JSON files"},
	{"monitor", cmd_monitor, CMD_RULES | CMD_REPORTS | CMD_LIVE,
	    "watch a serial port live and diagnose as it runs"},
	{"ports", cmd_ports, 0,
	    "list serial ports (USB VID:PID, product, serial)"},
	{"job", cmd_job, CMD_RULES | CMD_REPORTS,
	    "analyse or fetch cloud OTA job status (RainMaker ...)"},
	{"rules", cmd_rules, 0, "list, show and test the rule table"},
	{"image", cmd_image, CMD_RULES | CMD_REPORTS,
	    "check a firmware file before it ships (preflight)"},
	{"explain", cmd_explain, CMD_RULES,
	    "decode an error code (esp_err_t, mbedTLS, ...)"},
	{"config", NULL, 0,
	    "the settings of otadiag.ini files, and where each comes from"},
	{"decode", cmd_decode, 0,
	    "a log with its crash addresses decoded (--elf)"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: otadiag [--version] [--help] command [args]\n\n"
	    "commands:\n", fp);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].help);
	fputs("\nSee 'otadiag COMMAND --help' and otadiag(1).\n", fp);
}

/* Every byte of standard output must have been written, or the status is 3. */
static int
flushed(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_error("standard output: write error");
		diag_say("exit 3: standard output could not be written");
		return EXIT_INPUT;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct config *cfg;
	struct diag_err err;
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return flushed(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		cli_print_version(stdout);
		return flushed(EXIT_OK);
	}
	if (config_load(&cfg, &err) != 0) {
		diag_print(stderr, &err);
		return EXIT_USAGE;
	}
	rc = -1;
	if (strcmp(argv[1], "config") == 0)
		rc = cmd_config(commands, NCOMMANDS, cfg, argc - 1, argv + 1);
	for (i = 0; rc == -1 && i < NCOMMANDS; i++) {
		if (commands[i].fn == NULL ||
		    strcmp(argv[1], commands[i].name) != 0)
			continue;
		cli_set_config(cfg, 0);
		rc = commands[i].fn(&commands[i], argc - 1, argv + 1);
	}
	cli_set_config(NULL, 0);
	config_free(cfg);
	if (rc != -1)	/* a command that already failed on its output said so */
		return rc == EXIT_INPUT ? (fflush(stdout), rc) : flushed(rc);
	diag_error("unknown command '%s'", argv[1]);
	fputs("try 'otadiag --help'\n", stderr);
	return EXIT_USAGE;
}
