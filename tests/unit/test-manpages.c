/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Man pages: every man page (sections 1 and 5) is `mandoc -Tlint` clean, and the
 * SYNOPSIS of every section-1 page is what `otadiag CMD --help` prints
 * after "usage:" (ignoring white space and the case of placeholders).  otadiag.1 goes with
 * `otadiag --help`, otadiag-CMD.1 with `otadiag CMD --help`.
 */
#include <criterion/criterion.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAN_DIR OTADIAG_SOURCE_DIR "/man"

struct text {
	char	*buf;
	size_t	 len;
};

/* Runs cmd through the shell; returns its exit status, output in *t. */
static int
run(const char *cmd, struct text *t)
{
	FILE	*fp = open_memstream(&t->buf, &t->len);
	FILE	*p;
	char	 chunk[4096];
	size_t	 n;
	int	 st;

	cr_assert_not_null(fp);
	p = popen(cmd, "r");
	cr_assert_not_null(p, "cannot run %s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, fp);
	st = pclose(p);
	fclose(fp);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
page_exists(const char *name, const char *sect)
{
	char	 path[1024];

	snprintf(path, sizeof(path), "%s/%s.%s", MAN_DIR, name, sect);
	return access(path, R_OK) == 0;
}

/*
 * mandoc looks cross references up in the installed manual database, which
 * does not hold pages that are not installed yet.  A "referenced manual not
 * found" for one of our own pages that exists in man/ is therefore fine.
 */
static int
lint_line_ok(const char *line)
{
	const char *p;
	char	 name[256], sect[8];

	if (strstr(line, "outdated mandoc.db") != NULL)
		return 1;
	if ((p = strstr(line, "STYLE: referenced manual not found: Xr ")) == NULL)
		return 0;
	p += strlen("STYLE: referenced manual not found: Xr ");
	if (sscanf(p, "%255s %7[0-9]", name, sect) != 2)
		return 0;
	/* another package's page (socat(1) ...) is there only where that
	   package is installed; ours must always be */
	if (strncmp(name, "otadiag", 7) != 0)
		return 1;
	return page_exists(name, sect);
}

static void
pages(glob_t *g)
{
	memset(g, 0, sizeof(*g));
	cr_assert_eq(glob(MAN_DIR "/*.1", 0, NULL, g), 0, "no man/*.1 pages");
	cr_assert_eq(glob(MAN_DIR "/*.5", GLOB_APPEND, NULL, g), 0,
	    "no man/*.5 pages");
}

Test(manpages, mandoc_lint_clean)
{
	glob_t	 g;
	size_t	 i, bad = 0;
	char	 cmd[2048];

	if (system("command -v mandoc >/dev/null 2>&1") != 0)
		cr_assert_fail("mandoc is not installed (scripts/setup.sh "
		    "installs it from scripts/deps/apt-reports.txt)");
	pages(&g);
	for (i = 0; i < g.gl_pathc; i++) {
		struct text t = { NULL, 0 };
		char	*line, *save = NULL;

		snprintf(cmd, sizeof(cmd), "mandoc -Tlint '%s' 2>&1",
		    g.gl_pathv[i]);
		run(cmd, &t);
		for (line = strtok_r(t.buf, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (!lint_line_ok(line)) {
				cr_log_error("%s", line);
				bad++;
			}
		free(t.buf);
	}
	globfree(&g);
	cr_assert_eq(bad, 0, "%zu mandoc -Tlint message(s), see above", bad);
}

/*
 * Collapses runs of white space to one space, trims, drops the spaces
 * around "|" and lower-cases, in place: mdoc renders "file | -" where a
 * usage string says "FILE|-", and placeholders are underlined, not upper
 * case, in a page.  Options, their order and brackets must still agree.
 */
static void
squeeze(char *s)
{
	char	*w = s, *r;
	int	 sp = 0;

	for (r = s; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			sp = w != s;
			continue;
		}
		if (sp && *r != '|' && w[-1] != '|')
			*w++ = ' ';
		sp = 0;
		*w++ = (*r >= 'A' && *r <= 'Z') ? *r - 'A' + 'a' : *r;
	}
	*w = '\0';
}

/* Removes overstrike sequences ("x\bx", "_\bx") of -Tascii output. */
static void
unoverstrike(char *s)
{
	char	*w = s, *r;

	for (r = s; *r != '\0'; r++) {
		if (*r == '\b') {
			if (w > s)
				w--;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
}

/* The SYNOPSIS section of a rendered page, squeezed; owned. */
static char *
synopsis(const char *page)
{
	struct text t = { NULL, 0 };
	char	 cmd[2048];
	char	*s, *e, *out;

	snprintf(cmd, sizeof(cmd), "mandoc -Tascii -Owidth=200 '%s'", page);
	cr_assert_eq(run(cmd, &t), 0, "mandoc cannot render %s", page);
	unoverstrike(t.buf);
	s = strstr(t.buf, "\nSYNOPSIS\n");
	cr_assert_not_null(s, "%s has no SYNOPSIS", page);
	s += strlen("\nSYNOPSIS\n");
	/* The next section heading starts in column 0. */
	for (e = s; *e != '\0'; e++)
		if (e[0] == '\n' && e[1] >= 'A' && e[1] <= 'Z')
			break;
	out = strndup(s, (size_t)(e - s));
	free(t.buf);
	squeeze(out);
	return out;
}

/* The usage block of `otadiag CMD --help`, without "usage:"; owned. */
static char *
usage_of(const char *cmdname, const char *page)
{
	struct text t = { NULL, 0 };
	char	 cmd[2048];
	char	*s, *e, *out, *p;
	int	 st;

	snprintf(cmd, sizeof(cmd), "'%s' %s%s--help 2>&1", OTADIAG_BINARY,
	    cmdname, *cmdname != '\0' ? " " : "");
	st = run(cmd, &t);
	cr_assert_eq(st, 0, "`%s` exits %d (for %s):\n%s", cmd, st, page,
	    t.buf);
	s = strstr(t.buf, "usage:");
	cr_assert_not_null(s, "`%s` prints no usage: line:\n%s", cmd, t.buf);
	s += strlen("usage:");
	e = strstr(s, "\n\n");
	out = e != NULL ? strndup(s, (size_t)(e - s)) : strdup(s);
	free(t.buf);
	/* Continuation lines of several forms may repeat "usage:"-less. */
	while ((p = strstr(out, "usage:")) != NULL)
		memset(p, ' ', strlen("usage:"));
	squeeze(out);
	return out;
}

Test(manpages, synopsis_matches_help)
{
	glob_t	 g;
	size_t	 i, bad = 0;

	memset(&g, 0, sizeof(g));
	cr_assert_eq(glob(MAN_DIR "/*.1", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		char	 cmdname[256];
		char	*syn, *use;

		if (strcmp(base, "otadiag.1") == 0)
			cmdname[0] = '\0';
		else if (strncmp(base, "otadiag-", 8) == 0)
			snprintf(cmdname, sizeof(cmdname), "%.*s",
			    (int)(strlen(base + 8) - 2), base + 8);
		else
			continue;
		syn = synopsis(g.gl_pathv[i]);
		use = usage_of(cmdname, base);
		if (strcmp(syn, use) != 0) {
			cr_log_error("%s SYNOPSIS and `otadiag %s --help` "
			    "differ:\n  man:  %s\n  help: %s", base, cmdname,
			    syn, use);
			bad++;
		}
		free(syn);
		free(use);
	}
	globfree(&g);
	cr_assert_eq(bad, 0, "%zu page(s) out of step with --help", bad);
}
