/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config: finding and reading the configuration files (include/config.h).
 * The INI syntax is inih's (esp-idf-monitor's and platformio.ini's style):
 * [section], key = value, ';' and '#' comments.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "xalloc.h"

struct config {
	struct config_entry *entries;
	size_t		 n, cap;
	char		*files[2];
	char		**kept;
	size_t		 nkept, capkept;
};

struct config *
config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free((char *)c->entries[i].section);
		free((char *)c->entries[i].key);
		free((char *)c->entries[i].value);
	}
	free(c->entries);
	for (i = 0; i < c->nkept; i++)
		free(c->kept[i]);
	free(c->kept);
	free(c->files[0]);
	free(c->files[1]);
	free(c);
}

size_t
config_count(const struct config *c)
{
	return c != NULL ? c->n : 0;
}

const struct config_entry *
config_entry(const struct config *c, size_t i)
{
	return &c->entries[i];
}

const char *
config_file(const struct config *c, enum config_layer layer)
{
	return c != NULL ? c->files[layer] : NULL;
}

const char *
config_keep(struct config *c, char *s)
{
	c->kept = xgrow(c->kept, &c->capkept, c->nkept + 1, sizeof(*c->kept));
	c->kept[c->nkept++] = s;
	return s;
}

int
config_bool(const char *v)
{
	static const char *yes[] = {"true", "yes", "on", "1"};
	static const char *no[] = {"false", "no", "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

struct reading {
	struct config	*c;
	enum config_layer layer;
	const char	*file;
	struct diag_err	*err;
	int		 failed;
	FILE		*fp;
	int		 line;		/* of the text read last */
	int		 at_start;	/* the next read starts a line */
};

/* inih's reader, counting lines (Debian's inih passes no line numbers). */
static char *
read_line(char *str, int num, void *stream)
{
	struct reading *r = stream;
	size_t len;

	if (fgets(str, num, r->fp) == NULL)
		return NULL;
	if (r->at_start)
		r->line++;
	len = strlen(str);
	r->at_start = len > 0 && str[len - 1] == '\n';
	return str;
}

static int
on_line(void *user, const char *section, const char *key, const char *value)
{
	struct reading *r = user;
	struct config_entry *e;
	int line = r->line;

	if (section[0] == '\0') {
		diag_set(r->err, DIAG_ESYNTAX, r->file, line, 0,
		    "'%s' is outside a section ([analyze], [monitor] ...)", key);
		r->failed = 1;
		return 0;
	}
	r->c->entries = xgrow(r->c->entries, &r->c->cap, r->c->n + 1,
	    sizeof(*r->c->entries));
	e = &r->c->entries[r->c->n++];
	e->section = xstrdup(section);
	e->key = xstrdup(key);
	e->value = xstrdup(value != NULL ? value : "");
	e->file = r->c->files[r->layer];
	e->line = line;
	e->layer = r->layer;
	return 1;
}

int
config_read_file(struct config *c, const char *path, enum config_layer layer,
    struct diag_err *err)
{
	struct reading r = {c, layer, NULL, err, 0, NULL, 0, 1};
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot read the "
		    "configuration: %s", strerror(errno));
	free(c->files[layer]);
	c->files[layer] = xstrdup(path);
	r.file = c->files[layer];
	r.fp = fp;
	rc = ini_parse_stream(read_line, &r, on_line, &r);
	fclose(fp);
	if (r.failed)
		return DIAG_ESYNTAX;
	if (rc > 0)
		return diag_set(err, DIAG_ESYNTAX, path, rc, 0, "not an INI line "
		    "('[section]', 'key = value' or a ';' comment)");
	if (rc < 0)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot read the "
		    "configuration");
	return 0;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* otadiag.ini in cwd or above, up to the folder holding .git; or NULL. */
static char *
find_project(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], *slash;

	if (getcwd(dir, sizeof(dir)) == NULL)
		return NULL;
	for (;;) {
		snprintf(path, sizeof(path), "%s/otadiag.ini", dir);
		if (is_file(path))
			return xstrdup(path);
		snprintf(path, sizeof(path), "%s/.git", dir);
		if (access(path, F_OK) == 0)
			return NULL;
		if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
			return NULL;
		*slash = '\0';
	}
}

static char *
find_user(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL;

	if (xdg != NULL && xdg[0] == '/')
		path = xasprintf("%s/otadiag/otadiag.ini", xdg);
	else if (home != NULL && home[0] != '\0')
		path = xasprintf("%s/.config/otadiag/otadiag.ini", home);
	if (path != NULL && !is_file(path)) {
		free(path);
		path = NULL;
	}
	return path;
}

int
config_load(struct config **out, struct diag_err *err)
{
	const char *env = getenv("OTADIAG_CONFIG");
	struct config *c = config_new();
	char *user = NULL, *project = NULL;
	int rc = 0;

	*out = NULL;
	if (env != NULL) {
		if (env[0] != '\0' && strcmp(env, "none") != 0)
			rc = config_read_file(c, env, CONFIG_PROJECT, err);
	} else {
		user = find_user();
		project = find_project();
		if (user != NULL)
			rc = config_read_file(c, user, CONFIG_USER, err);
		if (rc == 0 && project != NULL)
			rc = config_read_file(c, project, CONFIG_PROJECT, err);
	}
	free(user);
	free(project);
	if (rc != 0) {
		config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}
