/* SPDX-License-Identifier: Apache-2.0 */
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
#include <stddef.h>
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
#include "pipeline.h"
#include "spool.h"
#include "xalloc.h"

#define CHUNK		(256u * 1024u)

struct analyze_opts {
	long		 jobs;		/* -j */
	long		 max_line;	/* --max-line, 0 = default */
	struct cli_elfs	 elfs;		/* --elf */
	const char	*coredump_dir;	/* --coredump-dir */
};

#define OPT(f)	offsetof(struct analyze_opts, f)

static const struct cli_option analyze_options[] = {
	{"jobs", 'j', "jobs", OPT(jobs), cli_set_long, 1, 64,
	    "analyse JOBS inputs at once (same report order)"},
	{"max-line", 0, "bytes", OPT(max_line), cli_set_long, 256,
	    64L * 1024 * 1024, "cut longer lines (default 65536)"},
	{"elf", 0, "file", OPT(elfs), cli_add_elf, 0, 0,
	    "decode crash stacks with this ELF (repeatable)"},
	{"coredump-dir", 0, "dir", OPT(coredump_dir), cli_set_string, 0, 0,
	    "save UART core dumps found in the logs there"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const struct cli_spec analyze_spec = {
	.name = "analyze",
	.usage =
    "usage: otadiag analyze [-qv] [-j jobs] [--rules path] [--no-default-rules]\n"
    "                       [--generic-only] [--format fmt [--output file]]...\n"
    "                       [--color when] [--fail-on level] [--expect outcome]\n"
    "                       [--ignore rule|cause] [--baseline file]\n"
    "                       [--sdkconfig file] [--max-line bytes]\n"
    "                       [--elf file]... [--coredump-dir dir]\n"
    "                       [file | dir | -]...\n",
	.about =
    "Diagnoses captured OTA logs and cloud job JSON (a folder is walked for\n"
    "*.log, *.txt and *.json; no input or - reads standard input).\n",
	.options = analyze_options,
	.exits =
    "Exit status:\n"
    "  0  nothing at or above --fail-on, and every --expect met\n"
    "  1  an OTA failure at or above --fail-on, or an unmet --expect\n"
    "  2  usage error, or a rule set that does not load\n"
    "  3  an input, the baseline, a report or standard output failed",
	.page = "otadiag-analyze(1)",
};

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
	struct matcher	*m;		/* the pipeline's, for the one worker
					   that runs in the calling thread, or
					   NULL: each worker makes its own */
};

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
	if (is_job && !is_stdin && S_ISREG(st.st_mode)) {
		/* a regular file: read in place, never copied or mapped;
		   written to while it is read, it is refused (job.h) */
		struct job *j = NULL;

		if (job_parse_fd(path, fd, &j, &err) != 0 ||
		    job_feed(j, a, NULL, &err) != 0) {
			analysis_set_error(a, err.text);
			diag_print(stderr, &err);
		}
		job_free(j);
	} else if (is_job) {
		/* read twice (job.h): held in a private file, not in memory,
		   and never cut short under the reader (spool.h) */
		struct spool *sp = NULL;

		if (spool_new(&sp, &err) != 0 ||
		    spool_write(sp, buf, first, &err) != 0 ||
		    spool_copy_fd(sp, fd, path, NULL, NULL, &err) != 0 ||
		    spool_map(sp, &err) != 0 ||
		    job_load_flags(a, path, spool_data(sp), spool_len(sp),
		    JOB_MAPPED, &err) != 0) {
			analysis_set_error(a, err.text);
			diag_print(stderr, &err);
		}
		spool_free(sp);
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
	struct matcher *m = sh->m != NULL ? sh->m : matcher_new(sh->rs, &err);
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
	if (m != sh->m)
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
cmd_analyze(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common c;
	struct analyze_opts o;
	struct pipeline p;
	struct shared sh;
	pthread_t tids[64];
	char **paths = NULL;
	size_t npaths = 0, cappaths = 0, i, nthreads;
	struct input_result **res = NULL;
	int rc, nops, k, implicit_stdin = 0;
	struct stat st;

	memset(&o, 0, sizeof(o));
	o.jobs = 1;
	cli_common_init(&c);
	memset(&p, 0, sizeof(p));
	memset(&sh, 0, sizeof(sh));
	if ((nops = cli_parse(&analyze_spec, cmd->flags, &o, &c, argc,
	    argv)) < 0)
		return nops == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	nthreads = (size_t)o.jobs;
	for (k = 0; k < nops; k++) {
		const char *arg = argv[k];

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
	if ((rc = pipeline_start(&p, "analyze", cmd->flags, &c)) != 0)
		goto out;
	sh.rs = p.rs;
	sh.aopts = p.aopts;
	sh.aopts.max_line = (size_t)o.max_line;
	if ((rc = cli_open_elfs(&o.elfs)) != 0)
		goto out;
	sh.aopts.elfs = o.elfs.open;
	sh.aopts.nelfs = o.elfs.n;
	sh.aopts.coredump_dir = o.coredump_dir;
	sh.work = xcalloc(npaths, sizeof(*sh.work));
	sh.nwork = npaths;
	for (i = 0; i < npaths; i++)
		sh.work[i].path = paths[i];
	pthread_mutex_init(&sh.lock, NULL);
	if (nthreads > npaths)
		nthreads = npaths;
	if (nthreads <= 1) {
		/* one input: the pipeline's matcher, not a second one */
		sh.m = p.m;
		worker(&sh);
	}
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
	pipeline_report(&p, res, npaths);
	rc = pipeline_finish(&p);
out:
	if (res != NULL)
		for (i = 0; i < npaths; i++)
			result_free(res[i]);
	free(res);
	free(sh.work);
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	cli_close_elfs(&o.elfs);
	pipeline_free(&p);
	return rc;
}
