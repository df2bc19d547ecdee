/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spool: a job input is read from a private copy on disk, so another
 * program truncating the file cannot kill otadiag (SIGBUS) and standard
 * input of any size is read in bounded memory.
 */
#define _GNU_SOURCE	/* asprintf */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "job.h"
#include "spool.h"

static char dir[] = "/tmp/otadiag-spool-test-XXXXXX";

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

TestSuite(spool, .init = setup, .fini = teardown);

/* A RainMaker job of n nodes (every third failed), larger than the
   64 KiB a job is parsed whole below, so it is read in parts. */
static char *
write_job(const char *name, size_t n)
{
	char *path;
	FILE *fp;
	size_t i;

	cr_assert_neq(asprintf(&path, "%s/%s", dir, name), -1);
	cr_assert_not_null(fp = fopen(path, "w"));
	fprintf(fp, "{\"ota_job_id\": \"J1\", \"node_ota_status\": [\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "%s{\"node_id\": \"node-%06zu\", \"status\": "
		    "\"%s\", \"additional_info\": \"esp_https_ota_begin "
		    "failed\"}\n", i > 0 ? "," : "", i, i % 3 == 0 ? "failed" :
		    "success");
	fprintf(fp, "]}\n");
	cr_assert_eq(fclose(fp), 0);
	return path;
}

static void
count_entry(void *ctx, const struct job_entry *e, size_t i)
{
	(void)e;
	(void)i;
	(*(size_t *)ctx)++;
}

/*
 * The file is truncated after otadiag opened it, between the check pass
 * and the node pass: the reader works on its copy and hands out every
 * node.  (A mapping of the file itself, as before, dies of SIGBUS at the
 * first node past the new end.)
 */
Test(spool, truncating_the_file_does_not_reach_the_reader)
{
	char *path = write_job("job.json", 20000);
	struct diag_err err;
	struct spool *sp;
	struct job *j;
	size_t n = 0;

	cr_assert_eq(spool_open(path, &sp, &err), 0, "%s", err.text);
	cr_assert_eq(job_parse_flags(path, spool_data(sp), spool_len(sp),
	    JOB_MAPPED, &j, &err), 0, "%s", err.text);
	cr_assert_eq(truncate(path, 0), 0);
	cr_assert_eq(job_foreach(j, count_entry, &n, &err), 0, "%s",
	    err.text);
	cr_expect_eq(n, 20000);
	job_free(j);
	spool_free(sp);
	free(path);
}

static void
cut_source(void *ctx, size_t done)
{
	if (done >= 65536)
		cr_assert_eq(ftruncate(*(int *)ctx, 1000), 0);
}

/* Truncated while being copied: a clear error naming the file, not a
   job cut short and diagnosed as if it were whole. */
Test(spool, truncated_while_read_is_an_error)
{
	char *path = write_job("cut.json", 20000);
	struct diag_err err;
	struct spool *sp;
	int fd = open(path, O_RDWR);

	cr_assert_geq(fd, 0);
	cr_assert_eq(spool_new(&sp, &err), 0, "%s", err.text);
	cr_expect_eq(spool_copy_fd(sp, fd, path, cut_source, &fd, &err),
	    DIAG_EIO);
	cr_expect_str_eq(err.file, path);
	cr_expect_not_null(strstr(err.text, "truncated while being read"),
	    "%s", err.text);
	close(fd);
	spool_free(sp);
	free(path);
}

static void
rewrite_source(void *ctx, size_t done)
{
	static const char x[] = "X";

	/* same size, another byte far behind the reader: the copy would
	   hold half of each version */
	if (done == 65536)
		cr_assert_eq(pwrite(*(int *)ctx, x, 1, 10), 1);
}

static void
grow_source(void *ctx, size_t done)
{
	if (done == 65536)
		cr_assert_eq(pwrite(*(int *)ctx, "\n", 1, 4 << 20), 1);
}

/* Rewritten in place, or grown, while being copied: a clear error naming
   the file (before, the copy mixed the two versions and was read as if
   it were one). */
Test(spool, changed_while_read_is_an_error)
{
	void (*change[2])(void *, size_t) = { rewrite_source, grow_source };
	size_t k;

	for (k = 0; k < 2; k++) {
		char *path = write_job("changed.json", 20000);
		struct timespec old[2] = { { 1000000000, 0 },
		    { 1000000000, 0 } };
		struct diag_err err;
		struct spool *sp;
		int fd = open(path, O_RDWR);

		cr_assert_geq(fd, 0);
		/* written a while ago: the clock's granularity cannot hide
		   the change */
		cr_assert_eq(futimens(fd, old), 0);
		cr_assert_eq(spool_new(&sp, &err), 0, "%s", err.text);
		cr_expect_eq(spool_copy_fd(sp, fd, path, change[k], &fd, &err),
		    DIAG_EIO, "change %zu not seen", k);
		cr_expect_str_eq(err.file, path);
		cr_expect_not_null(strstr(err.text, "changed while being read"),
		    "%s", err.text);
		close(fd);
		spool_free(sp);
		free(path);
	}
}

/* What is written is what is mapped and what is saved. */
Test(spool, round_trip_and_empty)
{
	struct diag_err err;
	struct spool *sp;
	char *path, *back;
	FILE *fp;
	size_t len;

	cr_assert_eq(spool_new(&sp, &err), 0, "%s", err.text);
	cr_assert_eq(spool_map(sp, &err), 0);
	cr_expect_str_eq(spool_data(sp), "");
	cr_expect_eq(spool_len(sp), 0);
	spool_free(sp);

	cr_assert_eq(spool_new(&sp, &err), 0, "%s", err.text);
	cr_assert_eq(spool_write(sp, "{\"a\": ", 6, &err), 0);
	cr_assert_eq(spool_write(sp, "1}", 2, &err), 0);
	cr_assert_eq(spool_map(sp, &err), 0);
	cr_expect_eq(spool_len(sp), 8);
	cr_expect_eq(memcmp(spool_data(sp), "{\"a\": 1}", 8), 0);
	cr_assert_neq(asprintf(&path, "%s/saved", dir), -1);
	cr_assert_not_null(fp = fopen(path, "w"));
	cr_expect_eq(spool_write_to(sp, fp), 0);
	fclose(fp);
	cr_assert_not_null(fp = fopen(path, "r"));
	back = calloc(1, 64);
	len = fread(back, 1, 63, fp);
	fclose(fp);
	cr_expect_eq(len, 8);
	cr_expect_str_eq(back, "{\"a\": 1}");
	free(back);
	free(path);
	spool_free(sp);
}

/* A $TMPDIR that cannot hold the copy is named in the error. */
Test(spool, unusable_tmpdir_is_named)
{
	struct diag_err err;
	struct spool *sp;
	char *bad;

	cr_assert_neq(asprintf(&bad, "%s/no-such-dir", dir), -1);
	setenv("TMPDIR", bad, 1);
	cr_expect_eq(spool_new(&sp, &err), DIAG_EIO);
	cr_expect_null(sp);
	cr_expect_str_eq(err.file, bad);
	cr_expect_not_null(strstr(err.text, "TMPDIR"), "%s", err.text);
	unsetenv("TMPDIR");
	free(bad);
}

/* Writes a job of 3 nodes padded to about mib MiB (a large array the
   reader checks but never parses) to fd. */
static void
feed_padded_job(int fd, size_t mib)
{
	static const char head[] = "{\"ota_job_id\": \"J1\", "
	    "\"node_ota_status\": [{\"node_id\": \"n1\", \"status\": "
	    "\"failed\", \"additional_info\": \"esp_https_ota_begin "
	    "failed\"}, {\"node_id\": \"n2\", \"status\": \"success\"}, "
	    "{\"node_id\": \"n3\", \"status\": \"success\"}],\n"
	    "\"padding\": [\n";
	char line[1024];
	size_t i, n = mib * 1024;

	memset(line, 'x', sizeof(line));
	line[0] = '"';
	line[sizeof(line) - 3] = '"';
	line[sizeof(line) - 2] = ',';
	line[sizeof(line) - 1] = '\n';
	cr_assert_eq(write(fd, head, sizeof(head) - 1),
	    (ssize_t)sizeof(head) - 1);
	for (i = 0; i < n; i++)
		cr_assert_eq(write(fd, line, sizeof(line)),
		    (ssize_t)sizeof(line));
	cr_assert_eq(write(fd, "\"end\"]}\n", 8), 8);
}

/*
 * `otadiag job -` with 64 MiB on standard input under a 24 MiB data
 * limit: the input goes to a spool file, not to memory (before, it was
 * read whole into the heap and otadiag died out of memory).  A limit, not
 * a time: it cannot fail for a slow machine.
 */
Test(spool, large_job_on_stdin_in_bounded_memory, .timeout = 120)
{
	int in[2], ofd, efd, st;
	char *opath, *epath, buf[4096];
	struct rlimit rl;
	ssize_t n;
	pid_t pid;

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("AddressSanitizer's shadow memory counts as data");
#endif
	cr_assert_neq(asprintf(&opath, "%s/out", dir), -1);
	cr_assert_neq(asprintf(&epath, "%s/err", dir), -1);
	cr_assert_eq(pipe(in), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		ofd = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		efd = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(in[0], 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		close(in[1]);
		rl.rlim_cur = rl.rlim_max = 24u << 20;
		if (setrlimit(RLIMIT_DATA, &rl) != 0)
			_exit(126);
		setenv("NO_COLOR", "1", 1);
		setenv("OTADIAG_CONFIG", "none", 1);
		execl(OTADIAG_BINARY, "otadiag", "job", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	feed_padded_job(in[1], 64);
	close(in[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "killed by signal %d", WTERMSIG(st));
	efd = open(epath, O_RDONLY);
	n = read(efd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(efd);
	/* exit 1: node n1 failed; the report names it */
	cr_expect_eq(WEXITSTATUS(st), 1, "stderr: %s", buf);
	ofd = open(opath, O_RDONLY);
	n = read(ofd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(ofd);
	cr_expect_not_null(strstr(buf, "n1"), "stdout: %s", buf);
	cr_expect_not_null(strstr(buf, "3 nodes"), "stdout: %s", buf);
	free(opath);
	free(epath);
}
