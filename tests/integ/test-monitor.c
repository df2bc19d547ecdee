/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag monitor` end to end: a writer replays fixture logs into a pty
 * (or a loopback socket, or stdin) at 115200 baud in random chunks, and the
 * tests assert on what the user sees, the --log file and the exit status.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define BAUD 115200

/* Neutral device chatter, so a log runs on after its evidence. */
static char *
with_tail(const char *head, size_t hlen, int nfill, size_t *len)
{
	size_t cap = hlen + (size_t)nfill * 64 + 1, n;
	char *s = malloc(cap);
	int i;

	cr_assert_not_null(s);
	memcpy(s, head, hlen);
	n = hlen;
	for (i = 0; i < nfill; i++)
		n += (size_t)snprintf(s + n, cap - n,
		    "I (%d) app_main: heartbeat %d, free heap 123456\r\n",
		    9000 + i * 10, i);
	*len = n;
	return s;
}

struct rig {
	char		*dir;
	char		 log[512];
	char		 link[512];
	struct h_pty	 pty;
};

static void
rig_open(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	r->dir = h_tmpdir();
	snprintf(r->log, sizeof(r->log), "%s/session.log", r->dir);
	snprintf(r->link, sizeof(r->link), "%s/ttyESP", r->dir);
	cr_assert_eq(h_pty_open(&r->pty), 0, "openpty failed");
}

static void
rig_close(struct rig *r)
{
	h_pty_close(&r->pty);
	h_rmdir(r->dir);
	free(r->dir);
}

static void
assert_same_file(const char *path, const char *want, size_t wlen)
{
	size_t n;
	char *got = h_read_file(path, &n);

	cr_assert_not_null(got, "%s missing", path);
	cr_assert_eq(n, wlen, "log has %zu bytes, %zu were written", n, wlen);
	cr_assert(memcmp(got, want, n) == 0, "log differs from what was "
	    "written");
	free(got);
}

Test(monitor, diagnosis_while_writer_still_connected)
{
	struct rig r;
	struct h_proc *p;
	struct h_writer *w;
	size_t hlen, len;
	char *head = h_fixture("tls-failed-1.log", &hlen);
	char *data = with_tail(head, hlen, 120, &len);
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "20", "--log", r.log,
	    r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000),
	    "monitor did not start: %s", p->err.buf);
	w = h_writer_start(r.pty.master, data, len, BAUD, 1);
	cr_assert(h_wait_for(p, H_STDOUT, "otadiag \xe2\x96\xb6 diagnosis",
	    10000), "no live diagnosis; stdout: %s", p->out.buf);
	cr_assert(!h_writer_done(w), "the diagnosis came only after the "
	    "whole log was written");
	cr_assert(strstr(p->out.buf, "tls-failed") != NULL, "%s",
	    p->out.buf);
	h_writer_join(w);
	cr_assert(h_wait_file_size(r.log, (long long)len, 5000));
	/* device lines pass through as they arrive */
	cr_assert(h_wait_for(p, H_STDOUT, "heartbeat 119", 3000));
	cr_assert(strstr(p->out.buf, "mbedtls_ssl_handshake returned "
	    "-0x2700") != NULL);
	h_signal(p, SIGTERM);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 1, "exit %d; stderr: %s", st, p->err.buf);
	assert_same_file(r.log, data, len);
	h_proc_free(p);
	rig_close(&r);
	free(head);
	free(data);
}

Test(monitor, log_is_byte_identical)
{
	struct rig r;
	struct h_proc *p;
	size_t len;
	char *data = h_fixture("watchdog-1.log", &len);
	unsigned seed = 7;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "-q", "--timeout", "20", "--log", r.log,
	    r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000));
	cr_assert_eq(h_write_paced(r.pty.master, data, len, BAUD, &seed),
	    len);
	cr_assert(h_wait_file_size(r.log, (long long)len, 5000),
	    "log has %lld of %zu bytes", h_file_size(r.log), len);
	h_signal(p, SIGINT);
	st = h_wait_exit(p, 5000);
	cr_assert(st == 0 || st == 1, "exit %d: %s", st, p->err.buf);
	assert_same_file(r.log, data, len);
	/* --quiet: no device line on stdout */
	cr_assert(strstr(p->out.buf, "I (") == NULL, "%s", p->out.buf);
	h_proc_free(p);
	rig_close(&r);
	free(data);
}

/*
 * The pty vanishes mid-session and comes back under a new /dev/pts/N
 * behind the same symlink (as socat link= does).  Nothing already
 * received is lost and the analysis continues across the gap.
 */
/*
 * Opens a pty whose slave is name again: the same device coming back.
 * Linux numbers ptys lowest-free first, so once the old one is closed the
 * next is usually it; others met on the way are held, then closed.
 */
static int
pty_reopen_same(const char *name, struct h_pty *out)
{
	struct h_pty extra[16];
	int n = 0, ok = 0;

	while (n < 16 && h_pty_open(out) == 0) {
		if (strcmp(out->name, name) == 0) {
			ok = 1;
			break;
		}
		extra[n++] = *out;
	}
	while (n > 0)
		h_pty_close(&extra[--n]);
	return ok ? 0 : -1;
}

/*
 * The port's path comes back leading to another device (a stale pty link
 * now pointing at someone's terminal): the monitor says so and does not
 * read it, so nothing typed there reaches its screen or its log.
 */
Test(monitor, stale_link_to_another_device_is_not_read)
{
	static const char secret[] = "SECRET-KEYSTROKES typed elsewhere\r\n";
	struct rig r;
	struct h_pty other;
	struct h_proc *p;
	size_t len;
	char *log;
	int st;

	rig_open(&r);
	cr_assert_eq(h_pty_open(&other), 0);	/* another number, for sure */
	cr_assert_eq(symlink(r.pty.name, r.link), 0);
	p = h_otadiag(-1, "monitor", "--timeout", "20", "--log", r.log,
	    r.link, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000), "%s",
	    p->err.buf);
	h_pty_close(&r.pty);			/* hang-up */
	cr_assert(h_wait_for(p, H_STDERR, "lost", 5000), "%s", p->err.buf);
	cr_assert_eq(unlink(r.link), 0);
	cr_assert_eq(symlink(other.name, r.link), 0);
	cr_assert(h_wait_for(p, H_STDERR, "another device", 5000), "%s",
	    p->err.buf);
	cr_assert_eq(write(other.master, secret, sizeof(secret) - 1),
	    (ssize_t)(sizeof(secret) - 1));
	h_sleep_ms(1500);	/* retries happen meanwhile; none may read */
	h_signal(p, SIGTERM);
	st = h_wait_exit(p, 5000);
	cr_assert_neq(st, -1);
	cr_assert(strstr(p->out.buf, "SECRET") == NULL, "%s", p->out.buf);
	cr_assert(strstr(p->err.buf, "is back") == NULL, "%s", p->err.buf);
	log = h_read_file(r.log, &len);
	cr_assert(log == NULL || strstr(log, "SECRET") == NULL);
	free(log);
	h_pty_close(&other);
	h_proc_free(p);
	rig_close(&r);
}

Test(monitor, survives_hangup_and_reopen)
{
	struct rig r;
	struct h_pty pty2;
	struct h_proc *p;
	size_t alen, blen, len, cut;
	char *a = h_fixture("watchdog-1.log", &alen);
	char *b = h_fixture("tls-failed-1.log", &blen);
	char *data, *line, *save;
	unsigned seed = 3;
	int st;

	rig_open(&r);
	data = malloc(alen + blen + 1);
	memcpy(data, a, alen);
	memcpy(data + alen, b, blen);
	len = alen + blen;
	data[len] = '\0';
	cut = alen;
	cr_assert_eq(symlink(r.pty.name, r.link), 0);
	p = h_otadiag(-1, "monitor", "--timeout", "20", "--log", r.log,
	    r.link, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000), "%s",
	    p->err.buf);
	h_write_paced(r.pty.master, data, cut, BAUD, &seed);
	cr_assert(h_wait_file_size(r.log, (long long)cut, 5000));
	h_pty_close(&r.pty);			/* hang-up */
	cr_assert(h_wait_for(p, H_STDERR, "lost", 5000), "%s", p->err.buf);
	h_sleep_ms(300);
	/* the same device comes back: the same pty number */
	if (pty_reopen_same(r.pty.name, &pty2) != 0)
		cr_skip_test("%s was taken by another process meanwhile",
		    r.pty.name);
	cr_assert_eq(unlink(r.link), 0);
	cr_assert_eq(symlink(pty2.name, r.link), 0);
	cr_assert(h_wait_for(p, H_STDERR, "is back", 5000), "%s", p->err.buf);
	h_write_paced(pty2.master, data + cut, len - cut, BAUD, &seed);
	cr_assert(h_wait_file_size(r.log, (long long)len, 5000));
	cr_assert(h_wait_for(p, H_STDOUT, "tls-failed", 5000), "%s",
	    p->out.buf);
	h_signal(p, SIGTERM);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 1, "exit %d: %s", st, p->err.buf);
	assert_same_file(r.log, data, len);
	/* every device line reached the screen */
	for (line = strtok_r(data, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save))
		cr_assert(strstr(p->out.buf, line) != NULL, "line lost: %s",
		    line);
	h_pty_close(&pty2);
	h_proc_free(p);
	rig_close(&r);
	free(a);
	free(b);
	free(data);
}

Test(monitor, no_reconnect_exits_3)
{
	struct rig r;
	struct h_proc *p;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--no-reconnect", "--timeout", "20",
	    r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000));
	h_pty_close(&r.pty);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 3, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->err.buf, "lost") != NULL, "%s", p->err.buf);
	h_proc_free(p);
	rig_close(&r);
}

Test(monitor, timeout_without_failure_exits_0)
{
	struct rig r;
	struct h_proc *p;
	long long t0 = h_now_ms();
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "0.5", r.pty.name, NULL);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 0, "exit %d: %s", st, p->err.buf);
	cr_assert(h_now_ms() - t0 >= 500);
	cr_assert(strstr(p->out.buf, "timed out") != NULL, "%s", p->out.buf);
	/* a pass, but not a silent one */
	cr_assert(strstr(p->out.buf, "nothing was received") != NULL, "%s",
	    p->out.buf);
	cr_assert(strstr(p->err.buf, "nothing was judged") != NULL, "%s",
	    p->err.buf);
	h_proc_free(p);
	rig_close(&r);
}

Test(monitor, expect_fails_when_nothing_was_received)
{
	struct rig r;
	struct h_proc *p;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "0.5", "--expect", "success",
	    r.pty.name, NULL);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 1, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->out.buf, "nothing was received") != NULL, "%s",
	    p->out.buf);
	cr_assert(strstr(p->err.buf, "expected outcome 'success'") != NULL,
	    "%s", p->err.buf);
	h_proc_free(p);
	rig_close(&r);
}

Test(monitor, until_not_reached_before_timeout_exits_1)
{
	struct rig r;
	struct h_proc *p;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--until", "success", "--timeout", "0.5",
	    r.pty.name, NULL);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 1, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->err.buf, "no success outcome") != NULL, "%s",
	    p->err.buf);
	h_proc_free(p);
	rig_close(&r);
}

static void
until_case(const char *fixture, const char *until, int want)
{
	struct rig r;
	struct h_proc *p;
	struct h_writer *w;
	size_t hlen, len;
	char *head = h_fixture(fixture, &hlen);
	char *data;
	int st;

	if (strcmp(until, "success") == 0) {
		const char *valid = "\r\nI (7000) native_ota_example: App is "
		    "valid, rollback cancelled successfully\r\n";

		head = realloc(head, hlen + strlen(valid) + 1);
		memcpy(head + hlen, valid, strlen(valid) + 1);
		hlen += strlen(valid);
	}
	data = with_tail(head, hlen, 300, &len);
	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--until", until, "--timeout", "20",
	    r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000));
	w = h_writer_start(r.pty.master, data, len, BAUD, 5);
	st = h_wait_exit(p, 10000);
	cr_assert_eq(st, want, "exit %d; stdout: %s\nstderr: %s", st,
	    p->out.buf, p->err.buf);
	cr_assert(strstr(p->out.buf, "outcome reached") != NULL, "%s",
	    p->out.buf);
	cr_assert(!h_writer_done(w), "monitor waited for the end of the log");
	h_writer_join(w);
	h_proc_free(p);
	rig_close(&r);
	free(head);
	free(data);
}

Test(monitor, until_success_exits_0)
{
	/* an update that completes: downloaded, rebooted, marked valid */
	until_case("success-2.log", "success", 0);
}

Test(monitor, until_failure_exits_1)
{
	until_case("tls-failed-1.log", "failure", 1);
}

Test(monitor, sigterm_leaves_complete_log)
{
	struct rig r;
	struct h_proc *p;
	struct h_writer *w;
	size_t hlen, len, n;
	char *head = h_fixture("download-interrupted-2.log", &hlen);
	char *data = with_tail(head, hlen, 200, &len);
	char *got;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "20", "--log", r.log,
	    r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000));
	w = h_writer_start(r.pty.master, data, len, BAUD, 11);
	cr_assert(h_wait_for(p, H_STDOUT, "heartbeat 20,", 5000));
	h_signal(p, SIGTERM);
	st = h_wait_exit(p, 5000);
	cr_assert(st == 0 || st == 1, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->out.buf, "stopped by a signal") != NULL, "%s",
	    p->out.buf);
	h_writer_join(w);
	got = h_read_file(r.log, &n);
	cr_assert_not_null(got);
	/* a prefix of what was sent, holding at least every shown line */
	cr_assert(n <= len && memcmp(got, data, n) == 0);
	cr_assert(strstr(got, "heartbeat 20,") != NULL);
	free(got);
	h_proc_free(p);
	rig_close(&r);
	free(head);
	free(data);
}

Test(monitor, socket_url)
{
	struct h_proc *p;
	char url[64];
	size_t len;
	char *data = h_fixture("tls-failed-1.log", &len);
	unsigned seed = 9;
	int lfd, cfd, port, st;

	lfd = h_listen(&port);
	cr_assert(lfd >= 0);
	snprintf(url, sizeof(url), "socket://127.0.0.1:%d", port);
	p = h_otadiag(-1, "monitor", "--no-reconnect", "--timeout", "20",
	    url, NULL);
	cfd = h_accept(lfd, 5000);
	cr_assert(cfd >= 0, "monitor did not connect: %s", p->err.buf);
	h_write_paced(cfd, data, len, BAUD, &seed);
	cr_assert(h_wait_for(p, H_STDOUT, "tls-failed", 5000), "%s",
	    p->out.buf);
	close(cfd);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 3, "connection closed with --no-reconnect: exit %d",
	    st);
	close(lfd);
	h_proc_free(p);
	free(data);
}

Test(monitor, stdin_pipeline)
{
	struct h_proc *p;
	char path[1024];
	int fd, st;

	snprintf(path, sizeof(path), "%s/fixtures/corpus/tls-failed-1.log",
	    OTADIAG_SOURCE_DIR);
	fd = open(path, O_RDONLY);
	cr_assert(fd >= 0);
	p = h_otadiag(fd, "monitor", "-", NULL);
	close(fd);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 1, "exit %d: %s", st, p->err.buf);
	cr_assert(strstr(p->out.buf, "end of input") != NULL, "%s",
	    p->out.buf);
	cr_assert(strstr(p->out.buf, "tls-failed") != NULL);
	h_proc_free(p);
}

Test(monitor, device_escapes_neutralised)
{
	struct h_proc *p;
	int in[2], st;
	const char *dev = "\033[0;31mE (10) x: red\033[0m\r\n"
	    "\033]0;pwned\007\033[2Jclear \033[6n done\r\n";

	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(write(in[1], dev, strlen(dev)), (ssize_t)strlen(dev));
	close(in[1]);
	p = h_otadiag(in[0], "monitor", "-", NULL);
	close(in[0]);
	st = h_wait_exit(p, 5000);
	cr_assert(st == 0 || st == 1);
	/* not a terminal (and NO_COLOR): no escape byte at all */
	cr_assert(strchr(p->out.buf, '\033') == NULL, "%s", p->out.buf);
	cr_assert(strstr(p->out.buf, "E (10) x: red\n") != NULL, "%s",
	    p->out.buf);
	cr_assert(strstr(p->out.buf, "clear  done") != NULL, "%s",
	    p->out.buf);
	h_proc_free(p);
}

static void
error_case(const char *port, const char *want)
{
	struct h_proc *p = h_otadiag(-1, "monitor", "--timeout", "5", port,
	    NULL);
	int st = h_wait_exit(p, 5000);

	cr_assert_eq(st, 3, "%s: exit %d", port, st);
	cr_assert_eq(h_count_lines(p->err.buf), 1, "not one line: %s",
	    p->err.buf);
	cr_assert(strstr(p->err.buf, want) != NULL, "%s", p->err.buf);
	cr_assert(strstr(p->err.buf, "otadiag: error:") == p->err.buf, "%s",
	    p->err.buf);
	h_proc_free(p);
}

Test(monitor, port_that_does_not_exist)
{
	error_case("/dev/ttyUSB-otadiag-none", "no such port");
}

Test(monitor, path_that_is_not_a_tty)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/fixtures/corpus/tls-failed-1.log",
	    OTADIAG_SOURCE_DIR);
	error_case(path, "not a serial port");
	error_case("/dev/null", "not a serial port");
}

Test(monitor, permission_denied)
{
	struct rig r;

	/* root bypasses file permissions: nothing to assert then */
	if (geteuid() == 0) {
		/* cr_skip_test/cr_log_warn fail the run in Criterion 2.4 */
		fprintf(stderr, "note: running as root: permission checks "
		    "do not apply\n");
		return;
	}
	rig_open(&r);
	cr_assert_eq(chmod(r.pty.name, 0), 0);
	error_case(r.pty.name, "permission denied");
	rig_close(&r);
}

Test(monitor, refused_connection)
{
	int lfd, port;
	char url[64];

	lfd = h_listen(&port);
	close(lfd);	/* nothing listens there now */
	snprintf(url, sizeof(url), "socket://127.0.0.1:%d", port);
	error_case(url, "connection failed");
}

Test(monitor, usage_errors_exit_2)
{
	struct h_proc *p = h_otadiag(-1, "monitor", "--until", "never", "-",
	    NULL);

	cr_assert_eq(h_wait_exit(p, 5000), 2);
	cr_assert(strstr(p->err.buf, "--until") != NULL, "%s", p->err.buf);
	h_proc_free(p);
	p = h_otadiag(-1, "monitor", "--baud", "fast", "-", NULL);
	cr_assert_eq(h_wait_exit(p, 5000), 2);
	h_proc_free(p);
}

Test(ports, lists_or_says_none)
{
	struct h_proc *p = h_otadiag(-1, "ports", NULL);
	int st = h_wait_exit(p, 5000);

	cr_assert(st == 0 || st == 1, "exit %d: %s", st, p->err.buf);
	if (st == 0)
		cr_assert(strncmp(p->out.buf, "PORT", 4) == 0, "%s",
		    p->out.buf);
	else
		cr_assert(strstr(p->err.buf, "no serial ports") != NULL);
	h_proc_free(p);
}

/* A real panic log from the field (Arduino core, interrupt watchdog). */
static char *
panic_log(size_t *len)
{
	char path[1024];
	char *s;

	snprintf(path, sizeof(path), "%s/fixtures/logs/"
	    "watchdog-arduino1-2.log", OTADIAG_SOURCE_DIR);
	s = h_read_file(path, len);
	cr_assert_not_null(s, "%s missing", path);
	return s;
}

/*
 * The crash's diagnosis is shown once the device has finished printing
 * the crash (its register dump, backtrace and "Rebooting..."), not in the
 * middle of it; the other announcements are not held back for long.
 */
Test(monitor, crash_diagnosis_after_the_panic_block)
{
	struct rig r;
	struct h_proc *p;
	size_t len;
	char *data = panic_log(&len);
	const char *diag, *bt, *reboot, *dump;
	unsigned seed = 11;
	int st;

	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "20", r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000), "%s",
	    p->err.buf);
	cr_assert_eq(h_write_paced(r.pty.master, data, len, BAUD, &seed),
	    len);
	cr_assert(h_wait_for(p, H_STDOUT, "diagnosis at line 24: watchdog",
	    5000), "no diagnosis of the panic: %s", p->out.buf);
	cr_assert(h_wait_for(p, H_STDOUT, "entry 0x4008064c", 5000), "%s",
	    p->out.buf);
	h_signal(p, SIGTERM);
	st = h_wait_exit(p, 5000);
	cr_assert_eq(st, 1, "exit %d: %s", st, p->err.buf);
	diag = strstr(p->out.buf, "otadiag \xe2\x96\xb6 diagnosis at line 24: "
	    "watchdog");
	dump = strstr(p->out.buf, "Core 0 register dump:");
	bt = strstr(p->out.buf, "Backtrace: 0x40088f56:0x3ffbe700");
	reboot = strstr(p->out.buf, "\nRebooting...");
	cr_assert(diag != NULL && dump != NULL && bt != NULL &&
	    reboot != NULL, "%s", p->out.buf);
	cr_assert(diag > bt && diag > dump, "the diagnosis came in the "
	    "middle of the crash dump:\n%s", p->out.buf);
	cr_assert(diag > reboot, "the diagnosis came before the device "
	    "finished its crash report:\n%s", p->out.buf);
	/* the device's lines are whole: the block cut none in two */
	cr_assert(strstr(p->out.buf, "Backtrace: 0x40088f56:0x3ffbe700 "
	    "0x400873b0:0x3ffbe720 0x40085a22:0x3ffbe740\n") != NULL, "%s",
	    p->out.buf);
	h_proc_free(p);
	rig_close(&r);
	free(data);
}

/*
 * A device that halts after its panic prints nothing more: the diagnosis
 * comes after a short quiet time, while the monitor still runs.
 */
Test(monitor, crash_diagnosis_after_silence)
{
	struct rig r;
	struct h_proc *p;
	size_t len, cut;
	char *data = panic_log(&len);
	const char *end, *diag, *bt;
	unsigned seed = 5;

	end = strstr(data, "0x40085a22:0x3ffbe740\n");
	cr_assert_not_null(end);
	cut = (size_t)(end - data) + strlen("0x40085a22:0x3ffbe740\n");
	rig_open(&r);
	p = h_otadiag(-1, "monitor", "--timeout", "20", r.pty.name, NULL);
	cr_assert(h_wait_for(p, H_STDERR, "monitoring", 5000), "%s",
	    p->err.buf);
	cr_assert_eq(h_write_paced(r.pty.master, data, cut, BAUD, &seed),
	    cut);
	/* nothing more is written: the device is silent */
	cr_assert(h_wait_for(p, H_STDOUT, "diagnosis at line 24: watchdog",
	    10000), "no diagnosis after the device fell silent: %s",
	    p->out.buf);
	cr_assert(!p->exited, "the monitor stopped: %s", p->err.buf);
	diag = strstr(p->out.buf, "diagnosis at line 24: watchdog");
	bt = strstr(p->out.buf, "Backtrace: 0x40088f56:0x3ffbe700");
	cr_assert(bt != NULL && diag > bt, "%s", p->out.buf);
	cr_assert(strstr(p->out.buf, "The interrupt watchdog fired") != NULL,
	    "%s", p->out.buf);
	h_signal(p, SIGTERM);
	cr_assert_eq(h_wait_exit(p, 5000), 1, "%s", p->err.buf);
	h_proc_free(p);
	rig_close(&r);
	free(data);
}
