/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ports: lists serial ports with their USB identity, flagging the
 * USB-to-UART bridges of ESP32 boards.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "port.h"

static const struct cli_spec ports_spec = {
	.name = "ports",
	.usage = "usage: otadiag ports [-h]\n",
	.about =
    "Lists the serial ports, USB first, with VID:PID, bridge, product,\n"
    "manufacturer and serial number; marks the bridges of ESP32 boards.\n",
	.exits =
    "Exit status:\n"
    "  0  at least one port was listed\n"
    "  1  no serial port was found\n"
    "  2  usage error\n"
    "  3  the ports could not be listed, or standard output failed",
	.page = "otadiag-ports(1)",
};

int
cmd_ports(const struct cmd *cmd, int argc, char **argv)
{
	struct port_info *p = NULL;
	struct diag_err err;
	size_t n = 0, i, w = 4;
	int status = EXIT_OK, nops;

	if ((nops = cli_parse(&ports_spec, cmd->flags, NULL, NULL, argc,
	    argv)) < 0)
		return nops == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	if (nops > 0) {
		cli_usage_error("ports", "unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	if (port_list(&p, &n, &err) != 0) {
		diag_print(stderr, &err);
		return EXIT_INPUT;
	}
	if (n == 0) {
		fprintf(stderr, "otadiag: no serial ports found\n");
		port_list_free(p, n);
		return EXIT_FINDINGS;
	}
	for (i = 0; i < n; i++)
		if (strlen(p[i].name) > w)
			w = strlen(p[i].name);
	printf("%-*s  %-9s  %-13s  %s\n", (int)w, "PORT", "USB ID", "BRIDGE",
	    "PRODUCT");
	for (i = 0; i < n; i++) {
		char id[16] = "-";
		const char *prod;

		if (p[i].usb && p[i].vid >= 0)
			snprintf(id, sizeof(id), "%04x:%04x",
			    (unsigned)p[i].vid & 0xffff,
			    (unsigned)p[i].pid & 0xffff);
		prod = p[i].product[0] != '\0' ? p[i].product :
		    p[i].description;
		printf("%-*s  %-9s  %-13s  %s", (int)w, p[i].name, id,
		    p[i].bridge != NULL ? p[i].bridge : "-", prod);
		if (p[i].manufacturer[0] != '\0')
			printf(" (%s)", p[i].manufacturer);
		if (p[i].serialno[0] != '\0')
			printf(", serial %s", p[i].serialno);
		if (p[i].bridge != NULL)
			printf("  <- likely ESP32");
		putchar('\n');
	}
	port_list_free(p, n);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		diag_error("cannot write to standard output");
		status = EXIT_INPUT;
	}
	return status;
}
