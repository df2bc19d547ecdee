/* SPDX-License-Identifier: Apache-2.0 */
/*
 * safefile: reports, --save and --log are complete or absent, and never
 * written through a planted symbolic link without --force.  Library calls
 * and the built binary, on real files in a temporary folder.
 */
#include <criterion/criterion.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "safefile.h"

static char dir[256];
static char fixture[512];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/otadiag-safefile-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	snprintf(fixture, sizeof(fixture), "%s/fixtures/logs/"
	    "http-error-idf5-1.log", OTADIAG_SOURCE_DIR);
}

static void
teardown(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (chdir("/") != 0 || system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

TestSuite(safefile, .init = setup, .fini = teardown, .timeout = 60);

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

static char *
get(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Entries of the folder other than . and .. (temporary files left?). */
static int
entries(void)
{
	DIR *d = opendir(".");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

Test(safefile, replaces_a_file_whole_and_keeps_its_mode)
{
	struct safefile *sf;
	struct diag_err err;
	struct stat st;
	FILE *fp;

	put("r.json", "old");
	cr_assert_eq(chmod("r.json", 0640), 0);
	cr_assert_eq(safefile_open("r.json", 0, &sf, &fp, &err), 0, "%s",
	    err.text);
	fputs("new", fp);
	/* not there until committed */
	cr_expect_str_eq(get("r.json"), "old");
	cr_assert_eq(safefile_commit(sf, &err), 0, "%s", err.text);
	cr_expect_str_eq(get("r.json"), "new");
	cr_assert_eq(stat("r.json", &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0640);
	cr_expect_eq(entries(), 1);
}

Test(safefile, abort_leaves_the_old_file_and_no_temporary)
{
	struct safefile *sf;
	struct diag_err err;
	FILE *fp;

	put("r.json", "old");
	cr_assert_eq(safefile_open("r.json", 0, &sf, &fp, &err), 0);
	fputs("half a rep", fp);
	safefile_abort(sf);
	safefile_abort(NULL);
	cr_expect_str_eq(get("r.json"), "old");
	cr_expect_eq(entries(), 1);
}

Test(safefile, new_file_gets_0666_less_umask)
{
	struct safefile *sf;
	struct diag_err err;
	struct stat st;
	FILE *fp;
	mode_t old = umask(027);

	cr_assert_eq(safefile_open("sub-less.json", 0, &sf, &fp, &err), 0);
	cr_assert_eq(safefile_commit(sf, &err), 0);
	umask(old);
	cr_assert_eq(stat("sub-less.json", &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0640);
}

Test(safefile, symlink_is_refused_without_force)
{
	struct safefile *sf;
	struct diag_err err;
	FILE *fp;

	put("victim", "precious");
	cr_assert_eq(symlink("victim", "r.sarif"), 0);
	cr_expect_eq(safefile_open("r.sarif", 0, &sf, &fp, &err),
	    DIAG_EUSAGE);
	cr_expect_null(sf);
	cr_expect_not_null(strstr(err.text, "symbolic link"), "%s", err.text);
	cr_expect_str_eq(get("victim"), "precious");
	/* a link to nothing would create a file where it points */
	cr_assert_eq(symlink("nowhere/x", "dangling"), 0);
	cr_expect_neq(safefile_open("dangling", 1, &sf, &fp, &err), 0);
	cr_expect_eq(entries(), 3);
}

Test(safefile, force_replaces_what_the_link_points_to)
{
	struct safefile *sf;
	struct diag_err err;
	struct stat st;
	FILE *fp;

	put("victim", "old");
	cr_assert_eq(symlink("victim", "r.sarif"), 0);
	cr_assert_eq(safefile_open("r.sarif", 1, &sf, &fp, &err), 0, "%s",
	    err.text);
	fputs("new", fp);
	cr_assert_eq(safefile_commit(sf, &err), 0);
	cr_expect_str_eq(get("victim"), "new");
	cr_assert_eq(lstat("r.sarif", &st), 0);
	cr_expect(S_ISLNK(st.st_mode), "the link must stay a link");
}

Test(safefile, device_is_written_directly)
{
	struct safefile *sf;
	struct diag_err err;
	FILE *fp;

	cr_assert_eq(safefile_open("/dev/null", 0, &sf, &fp, &err), 0);
	fputs("x", fp);
	cr_expect_eq(safefile_commit(sf, &err), 0);
	cr_assert_eq(safefile_open("/dev/full", 0, &sf, &fp, &err), 0);
	fputs("x", fp);
	cr_expect_eq(safefile_commit(sf, &err), DIAG_EIO);
	cr_expect_eq(entries(), 0);
}

/* The binary: a report cut by a full disk (here RLIMIT_FSIZE, which the
   child inherits, with SIGXFSZ ignored so write() fails with EFBIG)
   leaves the previous report, not an invalid SARIF. */
Test(safefile, full_disk_leaves_the_previous_report)
{
	struct rlimit rl = { 4096, 4096 };
	const char *args[] = { "analyze", "-q", "--format", "sarif",
	    "--output", "report.sarif", fixture, NULL };
	struct proc_out o;

	put("report.sarif", "{\"previous\": true}\n");
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	o = proc_run(args);
	cr_expect_eq(o.status, 3, "stderr: %s", o.err);
	cr_expect_not_null(strstr(o.err, "report.sarif"), "%s", o.err);
	cr_expect_str_eq(get("report.sarif"), "{\"previous\": true}\n");
	/* the captured stdout/stderr of proc_run live elsewhere */
	cr_expect_eq(entries(), 1);
	proc_out_free(&o);
}

Test(safefile, output_through_a_symlink_needs_force)
{
	const char *args[] = { "analyze", "-q", "--format", "junit",
	    "--output", "report.xml", fixture, NULL };
	const char *forced[] = { "analyze", "-q", "--force", "--format",
	    "junit", "--output", "report.xml", fixture, NULL };
	struct proc_out o;

	put("victim", "precious");
	cr_assert_eq(symlink("victim", "report.xml"), 0);
	o = proc_run(args);
	cr_expect_eq(o.status, 3, "stderr: %s", o.err);
	cr_expect_not_null(strstr(o.err, "symbolic link"), "%s", o.err);
	cr_expect_str_eq(get("victim"), "precious");
	proc_out_free(&o);
	o = proc_run(forced);
	cr_expect_eq(o.status, 1, "stderr: %s", o.err);
	cr_expect_not_null(strstr(get("victim"), "<testsuites"));
	proc_out_free(&o);
}

Test(safefile, monitor_log_through_a_symlink_needs_force)
{
	const char *args[] = { "monitor", "-q", "--log", "ota.log",
	    "-", NULL };
	struct proc_out o;

	put("victim", "precious");
	cr_assert_eq(symlink("victim", "ota.log"), 0);
	o = proc_run(args);
	cr_expect_eq(o.status, 3, "stderr: %s", o.err);
	cr_expect_not_null(strstr(o.err, "symbolic link"), "%s", o.err);
	cr_expect_str_eq(get("victim"), "precious");
	proc_out_free(&o);
}
