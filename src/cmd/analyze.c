/*
 * analyze: diagnose captured logs and job JSON files, after the fact.
 *
 *   otadiag analyze [options] [FILE | DIR | -]...
 *
 * Inputs are streamed in bounded memory (job JSON, detected by content, is
 * read whole up to a cap).  A folder is walked for *.log, *.txt and *.json.
 * -j N analyses inputs in parallel; output order is the argument order.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "cmd.h"
#include "diag.h"
#include "job.h"
#include "matcher.h"
#include "xalloc.h"

#define CHUNK		(256u * 1024u)
#define JOB_MAX		(256u * 1024u * 1024u)

static const char usage_text[] =
    "usage: otadiag analyze [-qv] [-j jobs] [--rules path] [--no-default-rules]\n"
    "                       [--generic-only] [--format fmt [--output file]]...\n"
    "                       [--color when] [--fail-on level] [--expect outcome]\n"
    "                       [--ignore rule|cause] [--baseline file]\n"
    "                       [--max-line bytes] [file | dir | -]...\n"
    "\n"
    "Diagnoses captured OTA logs and cloud job JSON (a folder is walked for\n"
    "*.log, *.txt and *.json; no input or - reads standard input).\n"
    "\n"
    "  --format F [--output FILE]  text json jsonl sarif junit github; repeat the\n"
    "                              pair for several reports (one on stdout)\n"
    "  --fail-on LEVEL   info, warning, error (default) or never: exit 1 threshold\n"
    "  --expect OUTCOME  every input must show it (success, failed, rolled-back ...)\n"
    "  --ignore ID       a rule id or cause id to accept (repeatable)\n"
    "  --baseline FILE   accept the findings of an earlier --format json report\n"
    "  --rules PATH      add a rule file or folder; --no-default-rules drops the\n"
    "                    built-in table\n"
    "  --generic-only    only the generic tier of rules (any log format) and the\n"
    "                    update model: how otadiag does on an unknown platform\n"
    "  --color WHEN      auto, always or never (NO_COLOR is honoured)\n"
    "  -j N              analyse N inputs at once (output keeps the argument order)\n"
    "  --max-line BYTES  cut longer lines (default 65536)\n"
    "  -q, -v            no text report / more detail\n"
    "\n"
    "Exit status: 0 nothing at or above --fail-on, 1 an OTA failure or an unmet\n"
    "--expect, 2 usage or rule error, 3 an input or output error. See otadiag-analyze(1).\n";

struct work {
	const char	*path;
	struct input_result *res;
};

struct shared {
	const struct ruleset *rs;
	struct analysis_opts aopts;
	struct work	*work;
	size_t		 nwork;
	size_t		 next;
	pthread_mutex_t	 lock;
};

static int
read_all(int fd, char **out, size_t *len, size_t cap)
{
	size_t n = 0, sz = CHUNK;
	char *buf = xmalloc(sz + 1);
	ssize_t r;

	for (;;) {
		if (n == sz) {
			if (sz >= cap) {
				free(buf);
				return -2;
			}
			sz *= 2;
			buf = xrealloc(buf, sz + 1);
		}
		r = read(fd, buf + n, sz - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Analyses one input into a result (never NULL). */
static struct input_result *
analyze_one(const struct ruleset *rs, struct matcher *m,
    const struct analysis_opts *aopts, const char *path)
{
	struct analysis *a;
	struct input_result *res;
	struct diag_err err;
	int fd, is_stdin = strcmp(path, "-") == 0, is_job = 0;
	char *buf = xmalloc(CHUNK);
	ssize_t n;
	size_t first = 0;
	struct stat st;

	a = analysis_new(rs, m, path, aopts);
	if (is_stdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY)) < 0) {
		char *t = xasprintf("cannot open: %s", strerror(errno));

		analysis_set_error(a, t);
		diag_input_error(path, "%s", t);
		free(t);
		goto done;
	}
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		analysis_set_error(a, "is a directory");
		diag_input_error(path, "is a directory");
		close(fd);
		goto done;
	}
	/* the first chunk decides: job JSON or a log */
	while (first < 4096) {
		n = read(fd, buf + first, CHUNK - first);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			char *t = xasprintf("read error: %s", strerror(errno));

			analysis_set_error(a, t);
			diag_input_error(path, "%s", t);
			free(t);
			if (!is_stdin)
				close(fd);
			goto done;
		}
		if (n == 0)
			break;
		first += (size_t)n;
	}
	is_job = first > 0 && job_sniff(buf, first);
	if (is_job) {
		char *rest = NULL, *all;
		size_t rlen = 0;
		int rc = read_all(fd, &rest, &rlen, JOB_MAX);

		if (rc != 0) {
			analysis_set_error(a, rc == -2 ? "job JSON larger than 256 MiB" :
			    strerror(errno));
			diag_input_error(path, "%s",
			    rc == -2 ? "job JSON larger than 256 MiB" :
			    "read error");
		} else {
			all = xmalloc(first + rlen + 1);
			memcpy(all, buf, first);
			memcpy(all + first, rest, rlen);
			all[first + rlen] = '\0';
			if (job_load(a, path, all, first + rlen, &err) != 0) {
				analysis_set_error(a, err.text);
				diag_print(stderr, &err);
			}
			free(all);
			free(rest);
		}
	} else {
		if (first > 0)
			analysis_feed(a, buf, first);
		for (;;) {
			n = read(fd, buf, CHUNK);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				char *t = xasprintf("read error after line %lu: %s",
				    analysis_result(a)->nlines, strerror(errno));

				analysis_set_error(a, t);
				diag_input_error(path, "%s", t);
				free(t);
				break;
			}
			if (n == 0)
				break;
			analysis_feed(a, buf, (size_t)n);
		}
	}
	if (!is_stdin)
		close(fd);
done:
	free(buf);
	analysis_finish(a);
	res = analysis_take_result(a);
	analysis_free(a);
	if (is_job)
		job_fixup(res, -1);
	if (!res->error && res->nbytes == 0 && res->kind == INPUT_LOG) {
		res->notes = xrealloc(res->notes, (res->nnotes + 1) *
		    sizeof(*res->notes));
		res->notes[res->nnotes].line = 0;
		res->notes[res->nnotes].text = xstrdup("the input is empty");
		res->nnotes++;
	}
	return res;
}

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	struct diag_err err;
	struct matcher *m = matcher_new(sh->rs, &err);
	size_t i;

	for (;;) {
		pthread_mutex_lock(&sh->lock);
		i = sh->next++;
		pthread_mutex_unlock(&sh->lock);
		if (i >= sh->nwork)
			break;
		sh->work[i].res = analyze_one(sh->rs, m, &sh->aopts,
		    sh->work[i].path);
	}
	matcher_free(m);
	return NULL;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int
wanted(const char *name)
{
	size_t l = strlen(name);

	return name[0] != '.' && ((l > 4 && strcmp(name + l - 4, ".log") == 0) ||
	    (l > 4 && strcmp(name + l - 4, ".txt") == 0) ||
	    (l > 5 && strcmp(name + l - 5, ".json") == 0));
}

/* Appends the inputs of a folder (sorted, recursive) to the list. */
static int
walk(const char *dir, char ***list, size_t *n, size_t *cap, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, cn = 0, i;
	struct stat st;
	size_t dlen = strlen(dir);

	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (depth > 16 || (d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = xgrow(names, &cn, nn + 1, sizeof(*names));
		names[nn++] = xasprintf("%.*s/%s", (int)dlen, dir, de->d_name);
	}
	closedir(d);
	if (nn > 1)
		qsort(names, nn, sizeof(*names), cmp_str);
	for (i = 0; i < nn; i++) {
		const char *base = strrchr(names[i], '/') + 1;
		struct stat lst;

		/* a link to a folder is not followed (loops, parents); only
		   regular files are read (a FIFO or a device would block) */
		if (lstat(names[i], &lst) == 0 && S_ISDIR(lst.st_mode)) {
			if (base[0] != '.')
				walk(names[i], list, n, cap, depth + 1);
			free(names[i]);
		} else if (wanted(base) && stat(names[i], &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			*list = xgrow(*list, cap, *n + 1, sizeof(**list));
			(*list)[(*n)++] = names[i];
		} else
			free(names[i]);
	}
	free(names);
	return 0;
}

int
cmd_analyze(int argc, char **argv)
{
	struct cli_common c;
	struct ruleset *rs = NULL;
	struct shared sh;
	pthread_t tids[64];
	char **paths = NULL, *why = NULL, *end;
	size_t npaths = 0, cappaths = 0, i, nthreads = 1;
	struct input_result **res = NULL;
	int rc, status, dashdash = 0, implicit_stdin = 0;
	struct stat st;

	cli_common_init(&c);
	memset(&sh, 0, sizeof(sh));
	for (int k = 1; k < argc; k++) {
		const char *arg = argv[k];

		if (!dashdash && arg[0] == '-' && arg[1] != '\0') {
			if (strcmp(arg, "--") == 0) {
				dashdash = 1;
				continue;
			}
			if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
				fputs(usage_text, stdout);
				rc = EXIT_OK;
				goto out;
			}
			if ((rc = cli_parse_common(&c, "analyze", argc, argv, &k)) < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
			if (rc > 0)
				continue;
			if (strcmp(arg, "-j") == 0 || strncmp(arg, "--jobs", 6) == 0) {
				const char *v = arg[1] == 'j' || arg[6] == '\0' ?
				    (k + 1 < argc ? argv[++k] : NULL) :
				    (arg[6] == '=' ? arg + 7 : NULL);
				long j = v != NULL ? strtol(v, &end, 10) : 0;

				if (v == NULL || *end != '\0' || j < 1 || j > 64) {
					cli_usage_error("analyze", "-j takes a number "
					    "from 1 to 64");
					rc = EXIT_USAGE;
					goto out;
				}
				nthreads = (size_t)j;
				continue;
			}
			if (strncmp(arg, "--max-line", 10) == 0) {
				const char *v = arg[10] == '=' ? arg + 11 :
				    (k + 1 < argc ? argv[++k] : NULL);
				long ml = v != NULL ? strtol(v, &end, 10) : 0;

				if (v == NULL || *end != '\0' || ml < 256 ||
				    ml > 64L * 1024 * 1024) {
					cli_usage_error("analyze", "--max-line takes a "
					    "number of bytes from 256 to 67108864");
					rc = EXIT_USAGE;
					goto out;
				}
				sh.aopts.max_line = (size_t)ml;
				continue;
			}
			cli_usage_error("analyze", "unknown option '%s'", arg);
			rc = EXIT_USAGE;
			goto out;
		}
		if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			size_t before = npaths;

			walk(arg, &paths, &npaths, &cappaths, 0);
			if (npaths == before) {
				diag_error("%s: no *.log, *.txt or *.json files in "
				    "this folder", arg);
				rc = EXIT_INPUT;
				goto out;
			}
			continue;
		}
		paths = xgrow(paths, &cappaths, npaths + 1, sizeof(*paths));
		paths[npaths++] = xstrdup(arg);
	}
	if (npaths == 0) {
		implicit_stdin = 1;
		if (isatty(STDIN_FILENO))
			diag_warning("reading the log from standard input (end with "
			    "Ctrl-D; see 'otadiag analyze --help')");
		paths = xgrow(paths, &cappaths, 1, sizeof(*paths));
		paths[npaths++] = xstrdup("-");
	}
	if (cli_common_finish(&c, "analyze") != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rs = cli_load_rules(&c)) == NULL) {
		rc = EXIT_USAGE;
		goto out;
	}
	{
		/* compile once up front so a bad pattern fails before any input */
		struct diag_err err;
		struct matcher *probe = matcher_new(rs, &err);

		if (probe == NULL) {
			diag_print(stderr, &err);
			rc = EXIT_USAGE;
			goto out;
		}
		matcher_free(probe);
	}
	for (i = 0; i < c.nignore; i++)
		if (ruleset_find(rs, c.ignore[i]) == NULL &&
		    !cause_is_known(c.ignore[i]))
			diag_warning("--ignore %s: no rule or cause has this id "
			    "(see 'otadiag rules list')", c.ignore[i]);
	sh.rs = rs;
	sh.aopts.ignore = c.ignore;
	sh.aopts.nignore = c.nignore;
	sh.work = xcalloc(npaths, sizeof(*sh.work));
	sh.nwork = npaths;
	for (i = 0; i < npaths; i++)
		sh.work[i].path = paths[i];
	pthread_mutex_init(&sh.lock, NULL);
	if (nthreads > npaths)
		nthreads = npaths;
	if (nthreads <= 1)
		worker(&sh);
	else {
		for (i = 0; i < nthreads; i++)
			if (pthread_create(&tids[i], NULL, worker, &sh) != 0)
				diag_die("cannot start a thread");
		for (i = 0; i < nthreads; i++)
			pthread_join(tids[i], NULL);
	}
	pthread_mutex_destroy(&sh.lock);
	res = xcalloc(npaths, sizeof(*res));
	for (i = 0; i < npaths; i++)
		res[i] = sh.work[i].res;
	/* no file named and nothing piped in: an empty glob under nullglob,
	   or a broken pipeline; never a pass */
	if (implicit_stdin && !res[0]->error && res[0]->nbytes == 0) {
		res[0]->error = 1;
		res[0]->error_text = xstrdup("no input: no file was given and "
		    "standard input is empty");
		diag_error("%s", res[0]->error_text);
	}
	status = cli_write_reports(&c, rs, res, npaths);
	rc = cli_gate(&c, res, npaths, &why);
	if (status == EXIT_INPUT) {
		free(why);
		why = xstrdup("exit 3: a report could not be written");
		rc = EXIT_INPUT;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		free(why);
		why = xstrdup("exit 3: standard output could not be written");
		rc = EXIT_INPUT;
	}
	if (why != NULL)
		diag_say("%s", why);
out:
	free(why);
	if (res != NULL)
		for (i = 0; i < npaths; i++)
			result_free(res[i]);
	free(res);
	free(sh.work);
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	ruleset_free(rs);
	return rc;
}
