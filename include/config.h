/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config: the configuration files, read once (INI, parsed by inih).
 * Prefix: config_.
 *
 * Two layers, lower first:
 *   CONFIG_USER     $XDG_CONFIG_HOME/otadiag/otadiag.ini
 *                   (~/.config/otadiag/otadiag.ini)
 *   CONFIG_PROJECT  otadiag.ini in the current folder or the nearest folder
 *                   above it, up to the repository root (a folder holding
 *                   .git)
 * OTADIAG_CONFIG=FILE reads FILE alone (as the project layer);
 * OTADIAG_CONFIG=none (or empty) reads none.
 *
 * The module knows nothing of options: it keeps every "key = value" line
 * with its section, file and line, in file order.  What a key means, and
 * whether it exists, is the option tables' business (cli_parse).
 */
#ifndef OTADIAG_CONFIG_H
#define OTADIAG_CONFIG_H

#include <stddef.h>

#include "diag.h"

enum config_layer {
	CONFIG_USER = 0,
	CONFIG_PROJECT = 1,
};

struct config_entry {
	const char	*section;	/* "analyze", "monitor", ... */
	const char	*key;
	const char	*value;		/* "" for "key =" */
	const char	*file;		/* the path it was read from */
	int		 line;
	enum config_layer layer;
};

struct config;

/*
 * Finds and reads the files (above), the search starting in the current
 * folder.  Returns 0 and an owned *out (possibly with no entries), or a
 * negative diag_code with *out NULL and err naming the file and line.
 */
int	 config_load(struct config **out, struct diag_err *err);
/* Reads one file into c as layer; 0 or a negative diag_code. */
int	 config_read_file(struct config *c, const char *path,
	    enum config_layer layer, struct diag_err *err);
struct config *config_new(void);
void	 config_free(struct config *c);

size_t	 config_count(const struct config *c);
/* Borrowed; valid until config_free. */
const struct config_entry *config_entry(const struct config *c, size_t i);
/* The file read for a layer, or NULL (borrowed). */
const char *config_file(const struct config *c, enum config_layer layer);
/* Keeps s (owned, e.g. a path made from a value) until config_free;
   returns it. */
const char *config_keep(struct config *c, char *s);
/* Whether a value says yes (1: true yes on 1), no (0: false no off 0), or
   neither (-1); case-insensitive. */
int	 config_bool(const char *value);

#endif
