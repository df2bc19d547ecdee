/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sdkconfig: the Kconfig values of an ESP-IDF build (sdkconfig,
 * sdkconfig.defaults): "CONFIG_X=value" and "# CONFIG_X is not set".
 * Prefix: sdkconfig_.
 *
 * Renamed options: ESP-IDF keeps old names working (sdkconfig.rename), so
 * a file may use either; sdkconfig_get() looks an option up under its
 * current name and under every older name of the rename table, and
 * sdkconfig_name_in() says which name a file uses for an option.
 *
 * Library code: nothing here prints or exits.
 */
#ifndef OTADIAG_SDKCONFIG_H
#define OTADIAG_SDKCONFIG_H

#include <stddef.h>

#include "diag.h"

struct sdkconfig;

/* Reads path (at most 4 MiB); NULL on failure with err set. */
struct sdkconfig *sdkconfig_load(const char *path, struct diag_err *err);
/* Parses buf; path names it in errors. */
struct sdkconfig *sdkconfig_parse(const char *path, const char *buf,
	    size_t n, struct diag_err *err);
void	 sdkconfig_free(struct sdkconfig *s);

/*
 * The value of option ("CONFIG_X"), under its name or an older/newer name
 * of the same option: the string without quotes, "n" for "is not set", or
 * NULL when the file does not mention it.  Borrowed; valid until
 * sdkconfig_free().  If name_out is not NULL it gets the name the file uses
 * (borrowed, static or the file's).
 */
const char *sdkconfig_get(const struct sdkconfig *s, const char *option,
	    const char **name_out);
/* 1 if the option is y, 0 otherwise (n, unset, absent). */
int	 sdkconfig_enabled(const struct sdkconfig *s, const char *option);
/*
 * The name option has in the file's ESP-IDF: the name the file uses for
 * it, else, when the file uses only older names of the rename table (a
 * pre-v5 file), the older name; else option.  Static or borrowed.
 */
const char *sdkconfig_name_in(const struct sdkconfig *s, const char *option);
/* The ESP-IDF version the file was made by ("5.1.2"), or NULL. */
const char *sdkconfig_idf_version(const struct sdkconfig *s);

#endif
