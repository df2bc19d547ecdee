/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor as people drive it: keys typed on a terminal (a second pty
 * is otadiag's standard input, so it is a real tty in raw mode) go to the
 * device pty as --eol says; the Ctrl-T menu (idf.py monitor's keys) quits,
 * logs, timestamps, pauses, resets and helps; scripted runs send --send
 * texts at start and after --send-after triggers, split across reads.
 * The device is the master of the first pty: what otadiag sends is read
 * there, byte for byte.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define CT	"\x14"		/* Ctrl-T */

struct rig {
	struct h_pty	 dev;		/* the device: otadiag opens dev.name */
	struct h_pty	 kbd;		/* the user's terminal: otadiag's stdin */
	char		*dir;
	char		 log[512];
};

static void
rig_open(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	cr_assert_eq(h_pty_open(&r->dev), 0);
	cr_assert_eq(h_pty_open(&r->kbd), 0);
	r->dir = h_tmpdir();
	snprintf(r->log, sizeof(r->log), "%s/session.log", r->dir);
}

static void
rig_close(struct rig *r)
{
	h_pty_close(&r->dev);
	h_pty_close(&r->kbd);
	h_rmdir(r->dir);
	free(r->dir);
}

static void
type(struct rig *r, const char *keys)
{
	cr_assert_eq(write(r->kbd.master, keys, strlen(keys)),
	    (ssize_t)strlen(keys));
}

static void
device_says(struct rig *r, const char *text)
{
	cr_assert_eq(write(r->dev.master, text, strlen(text)),
	    (ssize_t)strlen(text));
}

/* Reads what otadiag sent to the device until it holds want (or 5 s
   pass); returns what was read (owned). */
static char *
device_reads(struct rig *r, const char *want, size_t *len)
{
	char *buf = calloc(1, 4096);
	size_t n = 0;
	long long end = h_now_ms() + 5000;
	struct pollfd pfd = {r->dev.master, POLLIN, 0};
	ssize_t k;

	cr_assert_not_null(buf);
	while (h_now_ms() < end && n < 4095 &&
	    (n < strlen(want) || memmem(buf, n, want, strlen(want)) == NULL)) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((k = read(r->dev.master, buf + n, 4095 - n)) > 0)
			n += (size_t)k;
	}
	*len = n;
	return buf;
}

static struct h_proc *
start(struct rig *r, const char *const *extra)
{
	const char *argv[24] = {OTADIAG_BINARY, "monitor", "--timeout", "30"};
	size_t n = 4, i;
	struct h_proc *p;

	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		argv[n++] = extra[i];
	argv[n++] = r->dev.name;
	argv[n] = NULL;
	p = h_spawn(argv, r->kbd.slave, NULL);
	cr_assert_not_null(p);
	cr_assert(h_wait_for(p, H_STDERR, "Ctrl-T Ctrl-H: menu", 5000),
	    "monitor did not start with keys: %s", p->err.buf);
	return p;
}

static void
quit(struct h_proc *p, struct rig *r, int want)
{
	int st;

	type(r, CT "\x18");	/* Ctrl-T Ctrl-X */
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, want, "Ctrl-T Ctrl-X: exit %d\n%s", st, p->err.buf);
	cr_assert(strstr(p->out.buf, "stopped by the user") != NULL, "%s",
	    p->out.buf);
}

Test(menu, enter_sends_crlf_and_ctrl_t_twice_a_ctrl_t)
{
	struct rig r;
	struct h_proc *p;
	size_t n;
	char *got;

	rig_open(&r);
	p = start(&r, NULL);
	type(&r, "ab\r" CT CT "z");
	got = device_reads(&r, "z", &n);
	cr_assert_eq(n, 6, "the device got %zu bytes: '%.*s'", n, (int)n, got);
	cr_assert(memcmp(got, "ab\r\n\x14z", 6) == 0, "the device got '%.*s'",
	    (int)n, got);
	free(got);
	quit(p, &r, 0);
	h_proc_free(p);
	rig_close(&r);
}

Test(menu, eol_lf_and_cr)
{
	static const char *const eols[][2] = {{"LF", "x\n."}, {"CR", "x\r."},
	    {"crlf", "x\r\n."}};
	struct rig r;
	struct h_proc *p;
	size_t n, i;
	char *got;

	for (i = 0; i < 3; i++) {
		rig_open(&r);
		p = start(&r, (const char *[]){"--eol", eols[i][0], NULL});
		type(&r, "x\r.");
		got = device_reads(&r, ".", &n);
		cr_expect(n == strlen(eols[i][1]) &&
		    memcmp(got, eols[i][1], n) == 0, "--eol %s: the device got "
		    "'%.*s'", eols[i][0], (int)n, got);
		free(got);
		quit(p, &r, 0);
		h_proc_free(p);
		rig_close(&r);
	}
}

Test(menu, ctrl_bracket_still_quits)
{
	struct rig r;
	struct h_proc *p;
	int st;

	rig_open(&r);
	p = start(&r, NULL);
	type(&r, "\x1d");
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 0, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->out.buf, "stopped by the user") != NULL);
	h_proc_free(p);
	rig_close(&r);
}

Test(menu, ctrl_l_stops_and_restarts_the_log)
{
	struct rig r;
	struct h_proc *p;
	size_t n;
	char *log;

	rig_open(&r);
	p = start(&r, (const char *[]){"--log", r.log, NULL});
	device_says(&r, "I (1) app: one\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: one", 5000));
	type(&r, CT "\x0c");
	cr_assert(h_wait_for(p, H_STDOUT, "log stopped: ", 5000), "%s",
	    p->out.buf);
	device_says(&r, "I (2) app: two\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: two", 5000));
	type(&r, CT "l");
	cr_assert(h_wait_for(p, H_STDOUT, "logging to ", 5000), "%s",
	    p->out.buf);
	device_says(&r, "I (3) app: three\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: three", 5000));
	quit(p, &r, 0);
	log = h_read_file(r.log, &n);
	cr_assert_not_null(log);
	cr_expect_str_eq(log, "I (1) app: one\r\nI (3) app: three\r\n");
	free(log);
	h_proc_free(p);
	rig_close(&r);
}

Test(menu, ctrl_l_without_log_creates_a_file_here)
{
	struct rig r;
	struct h_proc *p;
	struct dirent *de;
	DIR *d;
	char path[1024] = "";
	char *log;
	size_t n;

	rig_open(&r);
	cr_assert_eq(chdir(r.dir), 0);	/* each test is its own process */
	p = start(&r, NULL);
	type(&r, CT "\x0c");
	cr_assert(h_wait_for(p, H_STDOUT, "logging to otadiag-monitor-", 5000),
	    "%s", p->out.buf);
	device_says(&r, "I (1) app: logged\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: logged", 5000));
	quit(p, &r, 0);
	cr_assert_not_null(d = opendir(r.dir));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "otadiag-monitor-", 16) == 0)
			snprintf(path, sizeof(path), "%s/%s", r.dir, de->d_name);
	closedir(d);
	cr_assert(path[0] != '\0', "no otadiag-monitor-*.log in %s", r.dir);
	log = h_read_file(path, &n);
	cr_assert_not_null(log);
	cr_expect_str_eq(log, "I (1) app: logged\r\n");
	free(log);
	h_proc_free(p);
	rig_close(&r);
}

Test(menu, ctrl_i_timestamps_and_ctrl_y_pause)
{
	struct rig r;
	struct h_proc *p;
	size_t n;
	char *log, *at;

	rig_open(&r);
	p = start(&r, (const char *[]){"--log", r.log, NULL});
	type(&r, CT "\x09");
	cr_assert(h_wait_for(p, H_STDOUT, "timestamps on", 5000));
	device_says(&r, "I (1) app: stamped\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: stamped", 5000));
	at = strstr(p->out.buf, "] I (1) app: stamped");
	cr_expect(at != NULL && at - p->out.buf >= 13 && at[-13] == '[',
	    "no [HH:MM:SS.mmm] before the line: %s", p->out.buf);
	type(&r, CT "\x19");
	cr_assert(h_wait_for(p, H_STDOUT, "device output paused", 5000));
	device_says(&r, "I (2) app: hidden\r\n");
	type(&r, CT "y");
	cr_assert(h_wait_for(p, H_STDOUT, "device output resumed", 5000));
	device_says(&r, "I (3) app: shown\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: shown", 5000));
	quit(p, &r, 0);
	cr_expect(strstr(p->out.buf, "app: hidden") == NULL,
	    "shown while paused: %s", p->out.buf);
	log = h_read_file(r.log, &n);
	cr_assert_not_null(log);
	cr_expect(strstr(log, "app: hidden") != NULL, "not logged: %s", log);
	free(log);
	h_proc_free(p);
	rig_close(&r);
}

Test(menu, ctrl_h_help_ctrl_r_reset_and_unknown_keys)
{
	struct rig r;
	struct h_proc *p;

	rig_open(&r);
	p = start(&r, NULL);
	type(&r, CT "\x08");
	cr_assert(h_wait_for(p, H_STDOUT, "Ctrl-T Ctrl-T  send Ctrl-T", 5000),
	    "%s", p->out.buf);
	cr_expect(strstr(p->out.buf, "Ctrl-T Ctrl-R  reset the device") !=
	    NULL);
	/* a pty has no DTR/RTS: the reset says so and the monitor goes on */
	type(&r, CT "\x12");
	cr_assert(h_wait_for(p, H_STDERR, "no DTR/RTS lines", 5000), "%s",
	    p->err.buf);
	type(&r, CT "q");
	cr_assert(h_wait_for(p, H_STDOUT, "unknown menu key", 5000));
	quit(p, &r, 0);
	h_proc_free(p);
	rig_close(&r);
}

Test(send, at_start_and_after_a_trigger_split_across_reads)
{
	struct rig r;
	struct h_proc *p;
	size_t n;
	char *got;
	int st;

	rig_open(&r);
	p = start(&r, (const char *[]){"--send", "hello\\r\\n",
	    "--send-after", "app_main: ready", "--send", "ota \\x41\\n",
	    "--send", "then\\n", NULL});
	got = device_reads(&r, "hello\r\n", &n);
	cr_assert(n == 7 && memcmp(got, "hello\r\n", 7) == 0,
	    "at start the device got '%.*s'", (int)n, got);
	free(got);
	device_says(&r, "I (5) app_main: rea");
	cr_assert(h_wait_for(p, H_STDOUT, "app_main: rea", 5000));
	device_says(&r, "dy\r\n");
	got = device_reads(&r, "then\n", &n);
	cr_assert(n == 11 && memcmp(got, "ota A\nthen\n", 11) == 0,
	    "after the trigger the device got '%.*s'", (int)n, got);
	free(got);
	h_signal(p, SIGTERM);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 0, "exit %d: %s", st, p->err.buf);
	h_proc_free(p);
	rig_close(&r);
}

Test(send, a_trigger_never_printed_is_exit_1)
{
	struct h_proc *p;
	struct rig r;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "1", "--send-after",
	    "app_main: ready", "--send", "ota\\n", r.dev.name, NULL);
	device_says(&r, "I (1) boot: something else\r\n");
	st = h_wait_exit(p, 10000);
	cr_assert_eq(st, 1, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->err.buf, "exit 1: the device never printed "
	    "'app_main: ready' (--send-after)") != NULL, "%s", p->err.buf);
	h_proc_free(p);
	rig_close(&r);
}

Test(send, usage_errors)
{
	static const char *const bad[][5] = {
		{"--send-after", "x", NULL},
		{"--send", "a\\q", NULL},
		{"--send", "\\x4", NULL},
		{"--eol", "CRCR", NULL},
		{"--send-after", "x", "--send-after", "y", NULL},
	};
	struct h_proc *p;
	size_t i;
	int st;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[10] = {OTADIAG_BINARY, "monitor"};
		size_t n = 2, k;

		for (k = 0; bad[i][k] != NULL; k++)
			argv[n++] = bad[i][k];
		argv[n++] = "-";
		argv[n] = NULL;
		p = h_spawn(argv, -1, NULL);
		st = h_wait_exit(p, 5000);
		cr_expect_eq(st, 2, "case %zu: exit %d", i, st);
		cr_expect_eq(h_count_lines(p->err.buf), 1, "case %zu: %s", i,
		    p->err.buf);
		h_proc_free(p);
	}
}

Test(menu, ctrl_r_with_a_reset_sequence_on_a_port_without_lines)
{
	struct rig r;
	struct h_proc *p;

	/* a pty has no DTR/RTS: the custom sequence is refused at its first
	   line command, the monitor goes on and quits normally */
	rig_open(&r);
	p = start(&r, (const char *[]){"--reset-sequence", "W0.01|D0|R1|W0.1|R0",
	    NULL});
	type(&r, CT "r");
	cr_assert(h_wait_for(p, H_STDERR, "no DTR/RTS lines", 5000), "%s",
	    p->err.buf);
	device_says(&r, "I (1) app: still here\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: still here", 5000));
	quit(p, &r, 0);
	h_proc_free(p);
	rig_close(&r);
}

Test(menu, log_pattern_names_a_new_file_each_start)
{
	struct rig r;
	struct h_proc *p;
	char pattern[600], path[700];
	struct dirent *de;
	DIR *d;
	int nfiles = 0;

	rig_open(&r);
	snprintf(pattern, sizeof(pattern), "%s/ota-%%Y%%m%%d-%%H%%M%%S.log",
	    r.dir);
	p = start(&r, (const char *[]){"--log", pattern, NULL});
	device_says(&r, "I (1) app: one\r\n");
	cr_assert(h_wait_for(p, H_STDOUT, "app: one", 5000));
	quit(p, &r, 0);
	cr_assert_not_null(d = opendir(r.dir));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "ota-", 4) == 0 &&
		    strlen(de->d_name) == strlen("ota-20261207-162900.log")) {
			nfiles++;
			snprintf(path, sizeof(path), "%s/%s", r.dir, de->d_name);
		}
	closedir(d);
	cr_assert_eq(nfiles, 1, "want one ota-DATE-TIME.log in %s", r.dir);
	cr_expect(strstr(p->out.buf, "%Y") == NULL);
	h_proc_free(p);
	rig_close(&r);
}
