/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sdkconfig: Kconfig values of an ESP-IDF build, and the table of options
 * that were renamed between ESP-IDF versions (catalog section 5).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdkconfig.h"
#include "xalloc.h"

#define SDKCONFIG_FILE_MAX	(4L * 1024 * 1024)

/* Current name, then the older names ESP-IDF still accepts for it. */
static const struct {
	const char	*name;
	const char	*old[3];
} renames[] = {
	{"CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE",
	    {"CONFIG_SYSTEM_EVENT_TASK_STACK_SIZE"}},
	{"CONFIG_ESP_MAIN_TASK_STACK_SIZE", {"CONFIG_MAIN_TASK_STACK_SIZE"}},
	{"CONFIG_ESP_TASK_WDT_EN", {"CONFIG_ESP_TASK_WDT", "CONFIG_TASK_WDT"}},
	{"CONFIG_ESP_TASK_WDT_TIMEOUT_S", {"CONFIG_TASK_WDT_TIMEOUT_S"}},
	{"CONFIG_ESP_TASK_WDT_PANIC", {"CONFIG_TASK_WDT_PANIC"}},
	{"CONFIG_ESP_TASK_WDT_CHECK_IDLE_TASK_CPU0",
	    {"CONFIG_TASK_WDT_CHECK_IDLE_TASK_CPU0"}},
	{"CONFIG_ESP_INT_WDT_TIMEOUT_MS", {"CONFIG_INT_WDT_TIMEOUT_MS"}},
	{"CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP", {"CONFIG_OTA_ALLOW_HTTP"}},
	{"CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE", {"CONFIG_APP_ROLLBACK_ENABLE"}},
	{"CONFIG_BOOTLOADER_APP_ANTI_ROLLBACK", {"CONFIG_APP_ANTI_ROLLBACK"}},
	{"CONFIG_SPIRAM", {"CONFIG_ESP32_SPIRAM_SUPPORT",
	    "CONFIG_ESP32S2_SPIRAM_SUPPORT", "CONFIG_ESP32S3_SPIRAM_SUPPORT"}},
	{"CONFIG_ESP_BROWNOUT_DET", {"CONFIG_ESP32_BROWNOUT_DET",
	    "CONFIG_ESP32S3_BROWNOUT_DET"}},
	{"CONFIG_ESP_BROWNOUT_DET_LVL_SEL", {"CONFIG_ESP32_BROWNOUT_DET_LVL_SEL",
	    "CONFIG_ESP32S3_BROWNOUT_DET_LVL_SEL"}},
};

struct sdk_entry {
	char	*name;
	char	*value;
};

struct sdkconfig {
	struct sdk_entry *e;
	size_t	 n, cap;
	char	*idf_version;
};

void
sdkconfig_free(struct sdkconfig *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->e[i].name);
		free(s->e[i].value);
	}
	free(s->e);
	free(s->idf_version);
	free(s);
}

static void
add(struct sdkconfig *s, const char *name, size_t nlen, const char *val,
    size_t vlen)
{
	s->e = xgrow(s->e, &s->cap, s->n + 1, sizeof(*s->e));
	s->e[s->n].name = xstrndup(name, nlen);
	s->e[s->n].value = xstrndup(val, vlen);
	s->n++;
}

static int
option_char(int c)
{
	return isupper(c) || isdigit(c) || c == '_';
}

/* The first occurrence of needle in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* One line (no terminator). */
static int
parse_line(struct sdkconfig *s, const char *path, long lineno,
    const char *p, size_t len, struct diag_err *err)
{
	const char *end = p + len, *name, *eq;
	static const char ver[] = "(ESP-IDF) ";

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end)
		return 0;
	if (*p == '#') {
		const char *q = p + 1;

		while (q < end && *q == ' ')
			q++;
		if (end - q > 18 && strncmp(q, "CONFIG_", 7) == 0 &&
		    strncmp(end - 11, " is not set", 11) == 0) {
			for (name = q; q < end - 11 && option_char(*q); q++)
				;
			if (q == end - 11)
				add(s, name, (size_t)(q - name), "n", 1);
			return 0;
		}
		/* "# Espressif IoT Development Framework (ESP-IDF) 5.1.2 ..." */
		if (s->idf_version == NULL && (q = find(p, end, ver)) != NULL) {
			const char *v = q + sizeof(ver) - 1, *ve = v;

			while (ve < end && (isdigit((unsigned char)*ve) ||
			    *ve == '.'))
				ve++;
			if (ve > v && isdigit((unsigned char)*v))
				s->idf_version = xstrndup(v, (size_t)(ve - v));
		}
		return 0;
	}
	if (end - p < 8 || strncmp(p, "CONFIG_", 7) != 0 ||
	    (eq = memchr(p, '=', (size_t)(end - p))) == NULL)
		return diag_set(err, DIAG_ESYNTAX, path, lineno, 0,
		    "expected CONFIG_NAME=value or '# CONFIG_NAME is not set'");
	for (name = p; name < eq && option_char(*name); name++)
		;
	if (name != eq)
		return diag_set(err, DIAG_ESYNTAX, path, lineno, 0,
		    "invalid option name before '='");
	name = eq + 1;
	if (end - name >= 2 && *name == '"' && end[-1] == '"')
		add(s, p, (size_t)(eq - p), name + 1, (size_t)(end - name - 2));
	else
		add(s, p, (size_t)(eq - p), name, (size_t)(end - name));
	return 0;
}

struct sdkconfig *
sdkconfig_parse(const char *path, const char *buf, size_t n,
    struct diag_err *err)
{
	struct sdkconfig *s = xcalloc(1, sizeof(*s));
	const char *p = buf, *nl, *end = buf + n;
	long lineno = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		lineno++;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL) {
			diag_set(err, DIAG_EFORMAT, path, lineno, 0,
			    "a NUL byte: not an sdkconfig text file");
			goto fail;
		}
		if (parse_line(s, path, lineno, p, (size_t)(nl - p), err) != 0)
			goto fail;
		p = nl + 1;
	}
	return s;
fail:
	sdkconfig_free(s);
	return NULL;
}

struct sdkconfig *
sdkconfig_load(const char *path, struct diag_err *err)
{
	FILE *fp;
	char *buf;
	size_t n;
	struct sdkconfig *s = NULL;

	if ((fp = fopen(path, "rb")) == NULL) {
		diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
		return NULL;
	}
	buf = xmalloc((size_t)SDKCONFIG_FILE_MAX + 1);
	n = fread(buf, 1, (size_t)SDKCONFIG_FILE_MAX + 1, fp);
	if (ferror(fp))
		diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    strerror(errno));
	else if (n > (size_t)SDKCONFIG_FILE_MAX)
		diag_set(err, DIAG_ELIMIT, path, 0, 0, "larger than %ld bytes: "
		    "not an sdkconfig", SDKCONFIG_FILE_MAX);
	else
		s = sdkconfig_parse(path, buf, n, err);
	fclose(fp);
	free(buf);
	return s;
}

static const char *
lookup(const struct sdkconfig *s, const char *name)
{
	size_t i;

	/* the last assignment wins, as in Kconfig */
	for (i = s->n; i-- > 0;)
		if (strcmp(s->e[i].name, name) == 0)
			return s->e[i].value;
	return NULL;
}

/* The rename row that names option (current or old), or -1. */
static int
rename_row(const char *option)
{
	size_t i, k;

	for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
		if (strcmp(renames[i].name, option) == 0)
			return (int)i;
		for (k = 0; k < 3 && renames[i].old[k] != NULL; k++)
			if (strcmp(renames[i].old[k], option) == 0)
				return (int)i;
	}
	return -1;
}

const char *
sdkconfig_get(const struct sdkconfig *s, const char *option,
    const char **name_out)
{
	const char *v;
	int r;
	size_t k;

	if (name_out != NULL)
		*name_out = option;
	if ((v = lookup(s, option)) != NULL)
		return v;
	if ((r = rename_row(option)) < 0)
		return NULL;
	if ((v = lookup(s, renames[r].name)) != NULL) {
		if (name_out != NULL)
			*name_out = renames[r].name;
		return v;
	}
	for (k = 0; k < 3 && renames[r].old[k] != NULL; k++)
		if ((v = lookup(s, renames[r].old[k])) != NULL) {
			if (name_out != NULL)
				*name_out = renames[r].old[k];
			return v;
		}
	return NULL;
}

int
sdkconfig_enabled(const struct sdkconfig *s, const char *option)
{
	const char *v = sdkconfig_get(s, option, NULL);

	return v != NULL && strcmp(v, "y") == 0;
}

const char *
sdkconfig_name_in(const struct sdkconfig *s, const char *option)
{
	const char *name;
	int r;

	if (sdkconfig_get(s, option, &name) != NULL)
		return name;
	/* not in the file: a file of a version before the rename (the idf
	   version line says < 5, or the file uses other old names) */
	if ((r = rename_row(option)) >= 0 && s->idf_version != NULL &&
	    atoi(s->idf_version) < 5 && renames[r].old[0] != NULL &&
	    strcmp(option, renames[r].name) == 0)
		return renames[r].old[0];
	return option;
}

const char *
sdkconfig_idf_version(const struct sdkconfig *s)
{
	return s->idf_version;
}
