/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_elf: the --elf option of analyze, monitor and decode (cmd.h):
 * collecting the paths and opening them once before the input is read.
 */
#include <stddef.h>

#include "cmd.h"
#include "diag.h"
#include "elfsym.h"

int
cli_add_elf(const struct cli_use *u, const char *val)
{
	struct cli_elfs *e = CLI_FIELD(u, struct cli_elfs);

	if (e->n >= CLI_MAX_ELFS) {
		cli_usage_error(u->cmd, "at most %d --elf files", CLI_MAX_ELFS);
		return -1;
	}
	e->paths[e->n++] = val;
	return 0;
}

int
cli_open_elfs(struct cli_elfs *e)
{
	struct diag_err err;
	size_t i;

	for (i = 0; i < e->n; i++) {
		diag_clear(&err);
		if ((e->open[i] = elfsym_open(e->paths[i], &err)) == NULL) {
			diag_print(stderr, &err);
			cli_close_elfs(e);
			return EXIT_INPUT;
		}
		if (!elfsym_has_symbols(e->open[i]))
			diag_warning("%s: no symbol table (fully stripped): "
			    "addresses cannot be named; give the ELF from the "
			    "build folder", e->paths[i]);
		else if (!elfsym_has_lines(e->open[i]))
			diag_warning("%s: no line information (stripped of its "
			    "debug sections?): function names only", e->paths[i]);
	}
	return 0;
}

void
cli_close_elfs(struct cli_elfs *e)
{
	size_t i;

	for (i = 0; i < CLI_MAX_ELFS; i++) {
		elfsym_free(e->open[i]);
		e->open[i] = NULL;
	}
}
