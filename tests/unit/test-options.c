/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The option parser (src/cmd/common.c, cli_parse) through the built
 * binary, one table row per option of every command:
 *   - "--opt value" and "--opt=value" (and "-x value", "-xvalue") are
 *     accepted, in a harmless call (a small fixture, standard input that
 *     is empty, or --help after the option where a value cannot be used
 *     safely; the option is still parsed and checked before --help);
 *   - an unknown option, an abbreviation ("--max-lin") or a longer name
 *     ("--max-linefoo"), a missing value and a value given to an option
 *     that takes none are each exit 2 with one line on stderr;
 *   - every option `otadiag CMD --help` lists has a row here, so a new
 *     option without a row fails.
 * Then the two calls issue 11 names: `rules check --no-default-rules FILE`
 * and `rules test --rules DIR`.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

#define FIXTURES	OTADIAG_SOURCE_DIR "/tests/unit/fixtures/"
#define LOG		OTADIAG_SOURCE_DIR "/fixtures/logs/success-idf5-1.log"
#define JOB		OTADIAG_SOURCE_DIR "/fixtures/jobs/aws-update.json"
#define RULES		FIXTURES "rules-passing.json"
#define IMG		OTADIAG_SOURCE_DIR "/fixtures/images/esp_idf_blink_esp32s2.bin"
#define CSV		FIXTURES "partitions-two-ota.csv"

struct opt_row {
	const char	*cmd[3];	/* command words, e.g. {"rules", "list"} */
	const char	*name;		/* long name without "--" */
	char		 letter;	/* short letter, or 0 */
	const char	*value;		/* a valid value; NULL: takes none */
	const char	*tail[5];	/* the rest of a harmless call */
	int		 status;	/* exit status of the accepted forms */
};

#define HELP	{"--help", NULL}
#define STDIN	{"-", NULL}
/* the same with a one-rule set: cheaper to compile than the built-in */
#define STDIN1	{"--no-default-rules", "--rules", RULES, "-", NULL}

static const struct opt_row rows[] = {
	/* analyze: its own options, the rule and the report options */
	{{"analyze"}, "jobs", 'j', "2", {LOG, LOG, NULL}, 0},
	{{"analyze"}, "max-line", 0, "4096", {LOG, NULL}, 0},
	{{"analyze"}, "elf", 0, "app.elf", HELP, 0},
	{{"analyze"}, "coredump-dir", 0, "/tmp", {LOG, NULL}, 0},
	{{"analyze"}, "rules", 0, RULES, {LOG, NULL}, 0},
	{{"analyze"}, "no-default-rules", 0, NULL, {"--rules", RULES, LOG,
	    NULL}, 0},
	{{"analyze"}, "generic-only", 0, NULL, {LOG, NULL}, 0},
	{{"analyze"}, "format", 0, "json", {LOG, NULL}, 0},
	{{"analyze"}, "output", 'o', "/dev/null", {LOG, NULL}, 0},
	{{"analyze"}, "color", 0, "never", {LOG, NULL}, 0},
	{{"analyze"}, "fail-on", 0, "never", {LOG, NULL}, 0},
	{{"analyze"}, "expect", 0, "success", {LOG, NULL}, 0},
	{{"analyze"}, "ignore", 0, "gen-err-wdt", {LOG, NULL}, 0},
	{{"analyze"}, "baseline", 0, "baseline.json", HELP, 0},
	{{"analyze"}, "sdkconfig", 0, "/dev/null", {LOG, NULL}, 0},
	{{"analyze"}, "quiet", 'q', NULL, {LOG, NULL}, 0},
	{{"analyze"}, "verbose", 'v', NULL, {LOG, NULL}, 0},
	{{"analyze"}, "top", 0, "3", {LOG, NULL}, 0},
	{{"analyze"}, "force", 0, NULL, {LOG, NULL}, 0},

	/* monitor: standard input, which is empty, is the port */
	{{"monitor"}, "baud", 'b', "115200", STDIN1, 0},
	{{"monitor"}, "data-bits", 0, "8", STDIN1, 0},
	{{"monitor"}, "parity", 0, "none", STDIN1, 0},
	{{"monitor"}, "stop-bits", 0, "1", STDIN1, 0},
	{{"monitor"}, "flow", 0, "none", STDIN1, 0},
	{{"monitor"}, "log", 0, "/dev/null", STDIN1, 0},
	{{"monitor"}, "timestamps", 0, NULL, STDIN1, 0},
	{{"monitor"}, "timeout", 0, "30", STDIN1, 0},
	{{"monitor"}, "until", 0, "outcome", STDIN1, 0},
	{{"monitor"}, "no-reconnect", 0, NULL, STDIN1, 0},
	{{"monitor"}, "reset", 0, NULL, HELP, 0},
	{{"monitor"}, "eol", 0, "LF", STDIN1, 0},
	{{"monitor"}, "reset-sequence", 0, "D0|R1|W0.1|R0", STDIN1, 0},
	{{"monitor"}, "print-filter", 0, "wifi:I *:N", STDIN1, 0},
	{{"monitor"}, "port", 'p', "-", {"--no-default-rules", "--rules", RULES,
	    NULL}, 0},
	{{"monitor"}, "send", 0, "ota\\n", HELP, 0},
	{{"monitor"}, "send-after", 0, "ready", HELP, 0},
	{{"monitor"}, "elf", 0, "app.elf", HELP, 0},
	{{"monitor"}, "rules", 0, RULES, STDIN, 0},
	{{"monitor"}, "no-default-rules", 0, NULL, {"--rules", RULES, "-",
	    NULL}, 0},
	{{"monitor"}, "generic-only", 0, NULL, STDIN, 0},
	{{"monitor"}, "format", 0, "json", STDIN1, 0},
	{{"monitor"}, "output", 'o', "/dev/null", STDIN1, 0},
	{{"monitor"}, "color", 0, "never", STDIN1, 0},
	{{"monitor"}, "fail-on", 0, "never", STDIN1, 0},
	{{"monitor"}, "expect", 0, "not-attempted", STDIN1, 0},
	{{"monitor"}, "ignore", 0, "gen-err-wdt", STDIN, 0},
	{{"monitor"}, "baseline", 0, "baseline.json", HELP, 0},
	{{"monitor"}, "sdkconfig", 0, "/dev/null", STDIN1, 0},
	{{"monitor"}, "quiet", 'q', NULL, STDIN1, 0},
	{{"monitor"}, "verbose", 'v', NULL, STDIN1, 0},
	{{"monitor"}, "top", 0, "3", STDIN1, 0},
	{{"monitor"}, "force", 0, NULL, STDIN1, 0},

	/* job, and job fetch (no network: --help after the options) */
	{{"job"}, "job-timeout", 0, "2d", {JOB, NULL}, -1},
	{{"job"}, "logs", 0, FIXTURES, {JOB, NULL}, -1},
	{{"job"}, "token", 0, "secret", {JOB, NULL}, 2},
	{{"job"}, "rules", 0, RULES, {JOB, NULL}, -1},
	{{"job"}, "no-default-rules", 0, NULL, HELP, 0},
	{{"job"}, "generic-only", 0, NULL, {JOB, NULL}, -1},
	{{"job"}, "format", 0, "json", {JOB, NULL}, -1},
	{{"job"}, "output", 'o', "/dev/null", {JOB, NULL}, -1},
	{{"job"}, "color", 0, "never", {JOB, NULL}, -1},
	{{"job"}, "fail-on", 0, "never", {JOB, NULL}, 0},
	{{"job"}, "expect", 0, "success", HELP, 0},
	{{"job"}, "ignore", 0, "gen-err-wdt", {JOB, NULL}, -1},
	{{"job"}, "baseline", 0, "baseline.json", HELP, 0},
	{{"job"}, "sdkconfig", 0, "/dev/null", HELP, 0},
	{{"job", "fetch"}, "sdkconfig", 0, "/dev/null", HELP, 0},
	{{"job"}, "quiet", 'q', NULL, {JOB, NULL}, -1},
	{{"job"}, "verbose", 'v', NULL, {JOB, NULL}, -1},
	{{"job"}, "top", 0, "3", {JOB, NULL}, -1},
	{{"job", "fetch"}, "top", 0, "3", HELP, 0},
	{{"job"}, "force", 0, NULL, {JOB, NULL}, -1},
	{{"job", "fetch"}, "job-id", 0, "5fT3kxyz", HELP, 0},
	{{"job", "fetch"}, "node-id", 0, "7CDFA1B2C3D4", HELP, 0},
	{{"job", "fetch"}, "api", 0, "http://127.0.0.1:9", HELP, 0},
	{{"job", "fetch"}, "token-file", 0, "/dev/null", HELP, 0},
	{{"job", "fetch"}, "cacert", 0, "/dev/null", HELP, 0},
	{{"job", "fetch"}, "timeout", 0, "5", HELP, 0},
	{{"job", "fetch"}, "total-timeout", 0, "60", HELP, 0},
	{{"job", "fetch"}, "max-requests", 0, "100", HELP, 0},
	{{"job", "fetch"}, "retries", 0, "0", HELP, 0},
	{{"job", "fetch"}, "max-size", 0, "4096", HELP, 0},
	{{"job", "fetch"}, "save", 0, "/dev/null", HELP, 0},

	/* image: the real ESP-IDF image of fixtures/images */
	{{"image"}, "partitions", 0, CSV, {IMG, NULL}, 0},
	{{"image"}, "slot", 0, "ota_1", {"--partitions", CSV, IMG, NULL}, 0},
	{{"image"}, "running", 0, IMG, {IMG, NULL}, 1},	/* same version */
	{{"image"}, "running-version", 0, "0.1", {IMG, NULL}, 0},
	{{"image"}, "running-project", 0, "blink", {IMG, NULL}, 0},
	{{"image"}, "chip", 0, "esp32s2", {IMG, NULL}, 0},
	{{"image"}, "rules", 0, RULES, HELP, 0},
	{{"image"}, "no-default-rules", 0, NULL, HELP, 0},
	{{"image"}, "generic-only", 0, NULL, {IMG, NULL}, 0},
	{{"image"}, "format", 0, "json", {IMG, NULL}, 0},
	{{"image"}, "output", 'o', "/dev/null", {IMG, NULL}, 0},
	{{"image"}, "color", 0, "never", {IMG, NULL}, 0},
	{{"image"}, "fail-on", 0, "never", {IMG, NULL}, 0},
	{{"image"}, "expect", 0, "success", {IMG, NULL}, 0},
	{{"image"}, "ignore", 0, "image-html", {IMG, NULL}, 0},
	{{"image"}, "baseline", 0, "baseline.json", HELP, 0},
	{{"image"}, "sdkconfig", 0, "/dev/null", {IMG, NULL}, 0},
	{{"image"}, "quiet", 'q', NULL, {IMG, NULL}, 0},
	{{"image"}, "verbose", 'v', NULL, {IMG, NULL}, 0},
	{{"image"}, "top", 0, "3", {IMG, NULL}, 0},
	{{"image"}, "force", 0, NULL, {IMG, NULL}, 0},

	/* explain */
	{{"decode"}, "elf", 0, "app.elf", HELP, 0},
	{{"explain"}, "table", 0, "errno", {"104", NULL}, 0},
	{{"explain"}, "rules", 0, RULES, {"104", NULL}, 0},
	{{"explain"}, "no-default-rules", 0, NULL, HELP, 0},
	{{"explain"}, "generic-only", 0, NULL, {"104", NULL}, 0},

	/* rules */
	{{"rules", "list"}, "format", 0, "json", HELP, 0},
	{{"rules", "list"}, "ids", 0, NULL, {"--rules", RULES, NULL}, 0},
	{{"rules", "list"}, "rules", 0, RULES, {"--ids", NULL}, 0},
	{{"rules", "list"}, "no-default-rules", 0, NULL, {"--rules", RULES,
	    NULL}, 0},
	{{"rules", "list"}, "generic-only", 0, NULL, {"--ids", NULL}, 0},
	{{"rules", "test"}, "rules", 0, RULES, {NULL}, 0},	/* runs */
	{{"rules", "test"}, "no-default-rules", 0, NULL, {RULES, NULL}, 0},
	{{"rules", "test"}, "generic-only", 0, NULL, HELP, 0},
	{{"rules", "check"}, "rules", 0, RULES, HELP, 0},
	{{"rules", "check"}, "no-default-rules", 0, NULL, {RULES, NULL}, 0},
	{{"rules", "check"}, "generic-only", 0, NULL, HELP, 0},
	{{"rules", "check"}, "log", 0, LOG, {"--no-default-rules", RULES,
	    NULL}, 0},
	{{"rules", "check"}, "max-miss", 0, "5", HELP, 0},
};

#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* Every command and subcommand, for the options it does not have. */
static const char *const commands[][3] = {
	{"analyze"}, {"monitor"}, {"ports"}, {"job"}, {"job", "fetch"},
	{"explain"}, {"image"}, {"rules"}, {"rules", "list"}, {"rules", "show"},
	{"rules", "test"}, {"rules", "check"}, {"rules", "fields"},
	{"rules", "model"},
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* The argv of a call: command words, then extra (NULL-ended). */
static void
build(const char **argv, const char *const *cmd, const char *const *extra)
{
	size_t n = 0, i;

	for (i = 0; i < 3 && cmd[i] != NULL; i++)
		argv[n++] = cmd[i];
	for (i = 0; extra[i] != NULL; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
}

static char *
words(const char *const *cmd)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s", cmd[0], cmd[1] != NULL ? " " : "",
	    cmd[1] != NULL ? cmd[1] : "");
	return buf;
}

/* Runs one accepted form; a failure names the call. */
static void
accepted(const struct opt_row *r, const char *const *opt)
{
	const char *extra[12], *argv[16];
	const char *const *tail = r->tail;
	size_t n = 0, i;
	struct proc_out o;
	char call[512] = "";

	for (i = 0; opt[i] != NULL; i++)
		extra[n++] = opt[i];
	for (i = 0; tail[i] != NULL; i++)
		extra[n++] = tail[i];
	extra[n] = NULL;
	build(argv, r->cmd, extra);
	for (i = 0; argv[i] != NULL; i++)
		snprintf(call + strlen(call), sizeof(call) - strlen(call), " %s",
		    argv[i]);
	o = proc_run(argv);
	if (r->status >= 0)
		cr_expect_eq(o.status, r->status, "otadiag%s: exit %d, want %d:"
		    "\n%s", call, o.status, r->status, o.err);
	else
		cr_expect(o.status == 0 || o.status == 1, "otadiag%s: exit %d, "
		    "want 0 or 1:\n%s", call, o.status, o.err);
	if (r->status == 2)
		cr_expect(strstr(o.err, "token") != NULL, "otadiag%s:\n%s", call,
		    o.err);
	proc_out_free(&o);
}

/* Every accepted form of the rows of one command (of every Nth row with
   OTADIAG_TEST_SAMPLE=N, proc.h; the refusals below always run in full). */
static void
accept_rows(const char *cmd)
{
	size_t i, every = proc_sample_every();
	char eq[512], lng[64], sh[3] = "-?", glued[512];

	for (i = 0; i < NROWS; i++) {
		const struct opt_row *r = &rows[i];

		if (i % every != 0)
			continue;
		if (strcmp(r->cmd[0], cmd) != 0)
			continue;
		snprintf(lng, sizeof(lng), "--%s", r->name);
		if (r->value == NULL) {
			accepted(r, (const char *[]){lng, NULL});
		} else {
			accepted(r, (const char *[]){lng, r->value, NULL});
			snprintf(eq, sizeof(eq), "--%s=%s", r->name, r->value);
			accepted(r, (const char *[]){eq, NULL});
		}
		if (r->letter == 0)
			continue;
		sh[1] = r->letter;
		if (r->value == NULL)
			accepted(r, (const char *[]){sh, NULL});
		else {
			accepted(r, (const char *[]){sh, r->value, NULL});
			snprintf(glued, sizeof(glued), "-%c%s", r->letter, r->value);
			accepted(r, (const char *[]){glued, NULL});
		}
	}
}

Test(options, analyze_takes_both_forms)
{
	accept_rows("analyze");
}

Test(options, monitor_takes_both_forms)
{
	accept_rows("monitor");
}

Test(options, job_takes_both_forms)
{
	accept_rows("job");
}

Test(options, explain_takes_both_forms)
{
	accept_rows("explain");
}

Test(options, rules_takes_both_forms)
{
	accept_rows("rules");
}

/* Exit 2 and exactly one line on stderr, which holds want. */
static void
rejected(const char *const *cmd, const char *const *extra, const char *want)
{
	const char *argv[16];
	struct proc_out o;
	const char *nl;

	build(argv, cmd, extra);
	o = proc_run(argv);
	cr_expect_eq(o.status, 2, "otadiag %s %s%s%s: exit %d:\n%s", words(cmd),
	    extra[0], extra[1] != NULL ? " " : "",
	    extra[1] != NULL ? extra[1] : "", o.status, o.err);
	nl = strchr(o.err, '\n');
	cr_expect(nl != NULL && nl[1] == '\0', "otadiag %s %s: not one line:"
	    "\n%s", words(cmd), extra[0], o.err);
	cr_expect(strstr(o.err, want) != NULL, "otadiag %s %s: no \"%s\" in:"
	    "\n%s", words(cmd), extra[0], want, o.err);
	cr_expect(strstr(o.err, "(try 'otadiag ") != NULL, "otadiag %s %s: no "
	    "hint:\n%s", words(cmd), extra[0], o.err);
	proc_out_free(&o);
}

static int
has_option(const char *const *cmd, const char *name)
{
	size_t i;

	for (i = 0; i < NROWS; i++)
		if (strcmp(rows[i].cmd[0], cmd[0]) == 0 &&
		    (rows[i].cmd[1] == NULL ? cmd[1] == NULL :
		    cmd[1] != NULL && strcmp(rows[i].cmd[1], cmd[1]) == 0) &&
		    strcmp(rows[i].name, name) == 0)
			return 1;
	/* job fetch takes the options of job, and job lists fetch's */
	if (strcmp(cmd[0], "job") == 0)
		for (i = 0; i < NROWS; i++)
			if (strcmp(rows[i].cmd[0], "job") == 0 &&
			    strcmp(rows[i].name, name) == 0)
				return 1;
	return 0;
}

Test(options, unknown_abbreviated_and_longer_names_are_refused)
{
	size_t i;
	char want[128], name[80];

	for (i = 0; i < NCOMMANDS; i++)
		rejected(commands[i], (const char *[]){"--frobnicate", NULL},
		    "unknown option '--frobnicate'");
	for (i = 0; i < NROWS; i++) {
		const struct opt_row *r = &rows[i];
		size_t len = strlen(r->name);

		/* --max-lin */
		snprintf(name, sizeof(name), "--%.*s", (int)len - 1, r->name);
		if (!has_option(r->cmd, name + 2)) {
			snprintf(want, sizeof(want), "unknown option '%s'", name);
			rejected(r->cmd, (const char *[]){name, "1", NULL}, want);
		}
		/* --max-linefoo, and --max-linefoo=1 */
		snprintf(name, sizeof(name), "--%sfoo", r->name);
		snprintf(want, sizeof(want), "unknown option '%s'", name);
		rejected(r->cmd, (const char *[]){name, "1", NULL}, want);
		snprintf(name, sizeof(name), "--%sfoo=1", r->name);
		rejected(r->cmd, (const char *[]){name, NULL}, want);
	}
}

Test(options, missing_and_unwanted_values_are_refused)
{
	size_t i;
	char want[128], opt[80];

	for (i = 0; i < NROWS; i++) {
		const struct opt_row *r = &rows[i];

		if (r->value != NULL) {
			/* the value is missing at the end of the line */
			snprintf(opt, sizeof(opt), "--%s", r->name);
			snprintf(want, sizeof(want), "option '%s' needs a value",
			    opt);
			rejected(r->cmd, (const char *[]){opt, NULL}, want);
			if (r->letter != 0) {
				snprintf(opt, sizeof(opt), "-%c", r->letter);
				snprintf(want, sizeof(want), "option '%s' needs a "
				    "value", opt);
				rejected(r->cmd, (const char *[]){opt, NULL}, want);
			}
		} else {
			snprintf(opt, sizeof(opt), "--%s=1", r->name);
			snprintf(want, sizeof(want), "option '--%s' takes no value",
			    r->name);
			rejected(r->cmd, (const char *[]){opt, NULL}, want);
		}
	}
}

Test(options, a_bad_value_is_refused)
{
	rejected((const char *const []){"analyze", NULL, NULL},
	    (const char *[]){"-j", "65", NULL}, "-j takes a number from 1 to 64");
	rejected((const char *const []){"analyze", NULL, NULL},
	    (const char *[]){"--max-line=12", NULL},
	    "--max-line takes a number from 256 to 67108864");
	rejected((const char *const []){"monitor", NULL, NULL},
	    (const char *[]){"--parity", "bogus", NULL}, "bad parity 'bogus'");
	rejected((const char *const []){"rules", "list", NULL},
	    (const char *[]){"--format=xml", NULL},
	    "--format takes text or json");
	rejected((const char *const []){"job", NULL, NULL},
	    (const char *[]){"--job-id", "x", JOB, NULL},
	    "option '--job-id' is one of 'otadiag job fetch'");
}

/* Every option --help lists has a row: the table covers them all. */
Test(options, help_lists_only_options_with_a_row)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		const char *argv[8];
		struct proc_out o;
		char *line, *save = NULL, *p;
		char name[64];

		build(argv, commands[i], (const char *[]){"--help", NULL});
		o = proc_run(argv);
		cr_expect_eq(o.status, 0, "otadiag %s --help: exit %d",
		    words(commands[i]), o.status);
		cr_expect(strstr(o.out, "usage: otadiag ") == o.out, "%s", o.out);
		cr_expect(strstr(o.out, "Exit status:") != NULL, "%s", o.out);
		cr_expect(strstr(o.out, "\nSee otadiag-") != NULL, "%s", o.out);
		for (line = strtok_r(o.out, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			/* "  -j, --jobs JOBS   ..." or "      --max-line ..." */
			if (strncmp(line, "  -", 3) != 0 &&
			    strncmp(line, "      --", 8) != 0)
				continue;
			if ((p = strstr(line, "--")) == NULL ||
			    sscanf(p + 2, "%63[a-z-]", name) != 1 ||
			    strcmp(name, "help") == 0)
				continue;
			cr_expect(has_option(commands[i], name) ||
			    (strcmp(commands[i][0], "rules") == 0 &&
			    commands[i][1] == NULL),
			    "otadiag %s --help lists --%s, which has no row in "
			    "test-options.c", words(commands[i]), name);
		}
		proc_out_free(&o);
	}
}

Test(options, dashdash_ends_the_options)
{
	struct proc_out o = proc_run((const char *[]){"explain", "--",
	    "--table", NULL});

	/* "--table" is a code here, and no table knows it */
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "--table  not in any code table") != NULL, "%s",
	    o.out);
	proc_out_free(&o);
	o = proc_run((const char *[]){"analyze", "-q", "--", LOG, NULL});
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	proc_out_free(&o);
}

Test(options, short_options_bundle)
{
	struct proc_out o = proc_run((const char *[]){"analyze", "-qvj2", LOG,
	    NULL});

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
}

Test(options, rules_check_no_default_rules_reads_only_the_file)
{
	struct proc_out o = proc_run((const char *[]){"rules", "check",
	    "--no-default-rules", RULES, NULL});

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "1 rules and markers checked, 0 warnings, 0 needles rejected\n") !=
	    NULL, "%s", o.out);
	cr_expect_str_eq(o.err, "");
	proc_out_free(&o);
}

Test(options, rules_check_file_reports_only_its_rules)
{
	/* the built-in rules load too (ids, overrides), but the file's rule
	   is the only one checked: no built-in rule's warning shows */
	struct proc_out o = proc_run((const char *[]){"rules", "check",
	    RULES, NULL});

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect_str_eq(o.out, "1 rules and markers checked, 0 warnings, 0 needles rejected\n");
	proc_out_free(&o);
}

Test(options, rules_test_rules_dir)
{
	char dir[] = "/tmp/otadiag-options-XXXXXX", path[256], cmd[600];
	struct proc_out o;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mine.json", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", RULES, path);
	cr_assert_eq(system(cmd), 0);
	o = proc_run((const char *[]){"rules", "test", "--rules", dir, NULL});
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	/* only the rules of the folder are under test */
	cr_expect_str_eq(o.out, "1 rules, 2 examples: 2 passed, 0 failed\n");
	proc_out_free(&o);
	o = proc_run((const char *[]){"rules", "test", "--rules=" FIXTURES
	    "rules-failing.json", NULL});
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.out);
	proc_out_free(&o);
	unlink(path);
	rmdir(dir);
}
