/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration files (src/util/config.c, applied by cli_parse in
 * src/cmd/common.c, shown by 'otadiag config'), through the built binary
 * in real folders: where the files are found, which setting wins (command
 * line > project file > user file; a command's section > [gate]), that
 * relative paths are the file's, and that a bad line is exit 2 with its
 * file and line.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

#define LOG OTADIAG_SOURCE_DIR "/fixtures/corpus/server-unreachable-1.log"

static char root[64];
static char xdg_env[128];

static void
mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(mkdir(path, 0755), 0, "mkdir %s", path);
}

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_not_null(fp = fopen(path, "w"), "%s", path);
	fputs(text, fp);
	fclose(fp);
}

/* root/xdg/otadiag/ (user), root/repo/.git, root/repo/a/b (cwd) */
static void
setup(void)
{
	strcpy(root, "/tmp/otadiag-config-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	mk("xdg");
	mk("xdg/otadiag");
	mk("repo");
	mk("repo/.git");
	mk("repo/a");
	mk("repo/a/b");
	snprintf(xdg_env, sizeof(xdg_env), "XDG_CONFIG_HOME=%s/xdg", root);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

static struct proc_out
run(const char *cwd, const char *const *args)
{
	const char *env[] = {xdg_env, "OTADIAG_CONFIG", NULL};
	char dir[256];

	/* putenv("OTADIAG_CONFIG") unsets it: discovery is what is tested */
	snprintf(dir, sizeof(dir), "%s/%s", root, cwd);
	return proc_run_in(dir, env, args);
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, project_file_sets_and_command_line_replaces)
{
	struct proc_out o;

	put("repo/otadiag.ini", "; a project file\n[analyze]\nfail-on = never\n");
	o = run("repo/a/b", (const char *[]){"analyze", LOG, NULL});
	cr_expect_eq(o.status, 0, "fail-on = never from the file: exit %d\n%s",
	    o.status, o.err);
	cr_expect(strstr(o.err, "nothing at or above 'never'") != NULL, "%s",
	    o.err);
	proc_out_free(&o);
	o = run("repo/a/b", (const char *[]){"analyze", "--fail-on", "error",
	    LOG, NULL});
	cr_expect_eq(o.status, 1, "the command line wins: exit %d\n%s",
	    o.status, o.err);
	proc_out_free(&o);
}

Test(config, layers_and_sections_shown_with_their_origin)
{
	struct proc_out o;
	char want[512];

	put("xdg/otadiag/otadiag.ini",
	    "[analyze]\nfail-on = warning\nexpect = failed\n[monitor]\n"
	    "baud = 9600\n");
	put("repo/otadiag.ini",
	    "[gate]\nexpect = success\ncolor = never\n\n[monitor]\n"
	    "baud = 921600\ntimestamps = yes\n");
	o = run("repo/a/b", (const char *[]){"config", NULL});
	cr_assert_eq(o.status, 0, "%s", o.err);
	/* the project's [gate] beats the user's [analyze] (later layer) */
	snprintf(want, sizeof(want), "expect = success                         "
	    "; %s/repo/otadiag.ini:2\n", root);
	cr_expect(strstr(o.out, want) != NULL, "want %s in\n%s", want, o.out);
	/* the user's fail-on stays: nothing replaces it */
	snprintf(want, sizeof(want), "fail-on = warning                        "
	    "; %s/xdg/otadiag/otadiag.ini:2\n", root);
	cr_expect(strstr(o.out, want) != NULL, "want %s in\n%s", want, o.out);
	snprintf(want, sizeof(want), "baud = 921600                            "
	    "; %s/repo/otadiag.ini:6\n", root);
	cr_expect(strstr(o.out, want) != NULL, "want %s in\n%s", want, o.out);
	cr_expect(strstr(o.out, "baud = 9600 ") == NULL, "%s", o.out);
	cr_expect(strstr(o.out, "expect = failed") == NULL, "%s", o.out);
	proc_out_free(&o);

	o = run("repo/a/b", (const char *[]){"config", "monitor", "--baud",
	    "115200", NULL});
	cr_assert_eq(o.status, 0, "%s", o.err);
	cr_expect(strstr(o.out, "baud = 115200                            ; "
	    "command line\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "timestamps = true") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "baud = 921600") == NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(config, search_stops_at_the_repository_root)
{
	struct proc_out o;

	put("otadiag.ini", "[analyze]\nfail-on = never\n");	/* above .git */
	o = run("repo/a/b", (const char *[]){"config", "analyze", NULL});
	cr_expect_eq(o.status, 0, "%s", o.err);
	cr_expect(strstr(o.out, "; project: (none)") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "fail-on") == NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(config, relative_paths_are_the_files)
{
	struct proc_out o;
	char path[256];

	put("repo/otadiag.ini", "[analyze]\nformat = json\noutput = "
	    "reports/ota.json\n");
	mk("repo/reports");
	o = run("repo/a/b", (const char *[]){"analyze", LOG, NULL});
	cr_expect_eq(o.status, 1, "%s", o.err);
	snprintf(path, sizeof(path), "%s/repo/reports/ota.json", root);
	cr_expect_eq(access(path, F_OK), 0, "no report at %s", path);
	snprintf(path, sizeof(path), "%s/repo/a/b/reports", root);
	cr_expect_neq(access(path, F_OK), 0, "a report under the cwd");
	proc_out_free(&o);
}

struct bad {
	const char	*cmd;	/* the command whose section is read */
	const char	*text;
	const char	*error;	/* after "otadiag: ROOT/repo/otadiag.ini:" */
};

static const struct bad bads[] = {
	{"analyze", "[analyze]\nfail-on = error\nfial-on = warning\n",
	    "3: error: [analyze] fial-on: unknown key"},
	{"monitor", "[monitor]\n\nbaud = fast\n",
	    "3: error: [monitor] baud: baud takes a number from 50 to 20000000, "
	    "not 'fast'"},
	{"analyze", "[analyze]\nquiet = maybe\n",
	    "2: error: [analyze] quiet: takes true or false, not 'maybe'"},
	{"job", "[gate]\nfail-on = sometimes\n",
	    "2: error: [gate] fail-on: --fail-on takes info"},
	{"analyze", "[analize]\nexpect = success\n",
	    "2: error: [analize] expect: unknown section"},
	{"analyze", "quiet = yes\n", "1: error: 'quiet' is outside a section"},
	{"explain", "[analyze]\n\n; fine\nthis is not a setting\n",
	    "4: error: not an INI line"},
};

Test(config, a_bad_line_is_exit_2_at_its_file_and_line)
{
	struct proc_out o;
	char want[512];
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		put("repo/otadiag.ini", bads[i].text);
		o = run("repo/a", (const char *[]){bads[i].cmd, "-", NULL});
		snprintf(want, sizeof(want), "otadiag: %s/repo/otadiag.ini:%s",
		    root, bads[i].error);
		cr_expect_eq(o.status, 2, "case %zu: exit %d", i, o.status);
		cr_expect(strncmp(o.err, want, strlen(want)) == 0,
		    "case %zu: want\n%s\ngot\n%s", i, want, o.err);
		cr_expect_eq(strchr(o.err, '\n'), o.err + strlen(o.err) - 1,
		    "case %zu: not one line:\n%s", i, o.err);
		cr_expect_str_empty(o.out, "case %zu", i);
		proc_out_free(&o);
	}
}

Test(config, otadiag_config_none_reads_nothing)
{
	const char *env[] = {xdg_env, "OTADIAG_CONFIG=none", NULL};
	struct proc_out o;
	char dir[256];

	put("repo/otadiag.ini", "[analyze]\nfail-on = never\n");
	snprintf(dir, sizeof(dir), "%s/repo", root);
	o = proc_run_in(dir, env, (const char *[]){"analyze", LOG, NULL});
	cr_expect_eq(o.status, 1, "%s", o.err);
	proc_out_free(&o);
}

Test(config, monitor_port_and_settings_from_the_file)
{
	struct proc_out o;

	/* "-" is standard input (here /dev/null): the monitor runs to its end */
	put("repo/otadiag.ini", "[monitor]\nport = -\ntimestamps = on\n"
	    "eol = LF\n");
	o = run("repo/a", (const char *[]){"monitor", NULL});
	cr_expect_eq(o.status, 0, "exit %d\n%s", o.status, o.err);
	cr_expect(strstr(o.err, "monitoring -") != NULL, "%s", o.err);
	cr_expect(strstr(o.out, "end of input") != NULL, "%s", o.out);
	proc_out_free(&o);
	put("repo/otadiag.ini", "[monitor]\neol = CRCR\n");
	o = run("repo/a", (const char *[]){"monitor", "-", NULL});
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "otadiag.ini:2: error: [monitor] eol: bad --eol "
	    "'CRCR'") != NULL, "%s", o.err);
	proc_out_free(&o);
}
