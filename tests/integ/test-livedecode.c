/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag monitor --elf`: a crash's addresses decoded in place, as the
 * crash passes through (src/term/livedecode.c).  A panic made from the
 * addresses of a real C++ test ELF (tests/elf/otaapp.cpp, built by the
 * elf/build step) is written into a pty at 115200 baud in random chunks;
 * the decoded lines must follow the line they decode, before the device's
 * next line, marked as otadiag's, with what addr2line -C says; they never
 * reach the --log file.  An ELF of another build decodes nothing.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "results.h"
#include "testelf.h"

#define BAUD 115200
#define MARK "otadiag \xe2\x96\xb6 "

TestSuite(livedecode, .fini = results_fini);

static uint64_t
func_addr(const char *elf, const char *func)
{
	struct testelf_sym syms[64];
	size_t n = testelf_functions(elf, syms, 64), i;

	for (i = 0; i < n; i++)
		if (strcmp(syms[i].name, func) == 0)
			return syms[i].addr;
	cr_assert_fail("%s: no function %s", elf, func);
	return 0;
}

/* The marked line otadiag must print for frame k of addr (addr2line -C). */
static char *
expect_line(const char *elf, const char *label, uint64_t addr, size_t k)
{
	struct testelf_a2l o;
	char buf[1024];

	testelf_addr2line(elf, addr, &o);
	cr_assert_lt(k, o.n);
	snprintf(buf, sizeof(buf), MARK "%s 0x%08llx: %s%s at %s:%u%s\n",
	    label, (unsigned long long)addr, o.func[k], strchr(o.func[k],
	    '(') != NULL ? "" : "()", o.file[k], o.line[k], k + 1 < o.n ?
	    " (inlined)" : "");
	return results_keep(buf);
}

/* An address of UpdateClass::write inside the inlined ota::Flash::store. */
static uint64_t
write_pc(const char *elf)
{
	uint64_t a = func_addr(elf, "_ZN11UpdateClass5writeEPhj");
	struct testelf_a2l o;

	for (;; a++) {
		testelf_addr2line(elf, a, &o);
		if (o.n == 2)
			return a;
		cr_assert_lt(a, func_addr(elf, "_ZN11UpdateClass5writeEPhj") +
		    0x20, "no inlined ota::Flash::store");
	}
}

/*
 * An ESP-IDF panic during an update: boot_sha (NULL: no boot line) is
 * what the app printed at its start, panic_sha what the panic prints.
 */
static char *
panic(const char *boot_sha, const char *panic_sha, uint64_t pc, uint64_t f1,
    uint64_t f2, size_t *len)
{
	char *s = malloc(8192);
	size_t n = 0;
	int i;

	cr_assert_not_null(s);
	if (boot_sha != NULL)
		n += (size_t)snprintf(s + n, 8192 - n, "I (120) app_init: ELF "
		    "file SHA256:  %.16s...\r\n", boot_sha);
	n += (size_t)snprintf(s + n, 8192 - n,
	    "I (5000) esp_https_ota: Starting OTA...\r\n"
	    "Guru Meditation Error: Core  1 panic'ed (StoreProhibited). "
	    "Exception was unhandled.\r\n"
	    "\r\n"
	    "Core  1 register dump:\r\n"
	    "PC      : 0x%08llx  PS      : 0x00060830  A0      : 0x%08llx  "
	    "A1      : 0x3ffb1f80  \r\n"
	    "\r\n"
	    "Backtrace: 0x%08llx:0x3ffb1f80 0x%08llx:0x3ffb1fa0 "
	    "0x%08llx:0x3ffb1fc0\r\n"
	    "\r\n"
	    "ELF file SHA256: %.9s\r\n"
	    "\r\n"
	    "Rebooting...\r\n"
	    "ets Jun  8 2016 00:22:57\r\n",
	    (unsigned long long)pc,
	    (unsigned long long)((f1 + 3) | 0x80000000u) & 0xbfffffffu,
	    (unsigned long long)pc, (unsigned long long)f1,
	    (unsigned long long)f2, panic_sha);
	for (i = 0; i < 60; i++)
		n += (size_t)snprintf(s + n, 8192 - n, "I (%d) app_main: "
		    "heartbeat %d\r\n", 9000 + i * 10, i);
	*len = n;
	return s;
}

struct run {
	char		*dir;
	char		 log[512];
	struct h_pty	 pty;
	struct h_proc	*p;
};

/* Runs the monitor with --elf on the panic, until the device's last line. */
static void
run_monitor(struct run *r, const char *elf, const char *data, size_t len,
    unsigned seed)
{
	memset(r, 0, sizeof(*r));
	r->dir = h_tmpdir();
	snprintf(r->log, sizeof(r->log), "%s/session.log", r->dir);
	cr_assert_eq(h_pty_open(&r->pty), 0, "openpty failed");
	r->p = h_otadiag(-1, "monitor", "--timeout", "30", "--log", r->log,
	    "--elf", testelf_path(elf), r->pty.name, NULL);
	cr_assert(h_wait_for(r->p, H_STDERR, "monitoring", 5000), "%s",
	    r->p->err.buf);
	cr_assert_eq(h_write_paced(r->pty.master, data, len, BAUD, &seed), len);
	cr_assert(h_wait_for(r->p, H_STDOUT, "heartbeat 59", 10000), "%s",
	    r->p->out.buf);
	h_signal(r->p, SIGTERM);
	/* 1: the crash failed the update (a sanitizer's report is not 1) */
	cr_assert_eq(h_wait_exit(r->p, 10000), 1, "%s", r->p->err.buf);
}

static void
run_free(struct run *r)
{
	h_proc_free(r->p);
	h_pty_close(&r->pty);
	h_rmdir(r->dir);
	free(r->dir);
}

/* Where needle is in hay, after from; fails the test if it is not. */
static const char *
at(const char *hay, const char *from, const char *needle)
{
	const char *p = strstr(from, needle);

	cr_assert_not_null(p, "'%s' not in order in:\n%s", needle, hay);
	return p;
}

Test(livedecode, frames_follow_the_crash_lines_they_decode)
{
	const char *elf = "xtensa-cxx.elf";
	const char *sha = testelf_sha256(testelf_path(elf));
	uint64_t pc = write_pc(elf);
	uint64_t f1 = func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10;
	uint64_t f2 = func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10;
	size_t len, loglen;
	char *data = panic(sha, sha, pc, f1, f2, &len), *log;
	const char *out, *p, *next;
	struct run r;

	run_monitor(&r, elf, data, len, 7);
	out = r.p->out.buf;
	/* the register line: PC (inlined store, then write), A0 */
	p = at(out, out, "PC      : 0x");
	p = at(out, p, "\n" MARK "PC    0x");
	next = at(out, p, "\nBacktrace: 0x");
	cr_expect(strstr(p, expect_line(elf, "PC   ", pc, 0)) == p + 1, "%s",
	    out);
	/* the Backtrace: numbered frames right under it, before the
	   device's next line */
	p = at(out, next, "\n" MARK "#0 ");
	next = at(out, p, "ELF file SHA256: ");
	p = at(out, p, expect_line(elf, "#0 ", pc, 0));
	p = at(out, p, expect_line(elf, "#1 ", pc, 1));
	p = at(out, p, MARK "#2  ");
	cr_expect(strstr(p, "HTTPUpdate::handleUpdate(UpdateClass&, unsigned "
	    "int) at ") == p + strlen(MARK "#2  0x00000000: "), "%s", p);
	cr_expect(p < next, "the frames came after the device's next line:\n%s",
	    out);
	/* nothing between the Backtrace line and its frames */
	p = strstr(out, "\nBacktrace: 0x");
	p = strchr(p + 1, '\n');
	cr_expect(strncmp(p + 1, MARK "#0 ", strlen(MARK "#0 ")) == 0,
	    "the frames are not right under the Backtrace line:\n%s", out);
	/* the log is the device's bytes only */
	log = h_read_file(r.log, &loglen);
	cr_assert_not_null(log);
	cr_expect_eq(loglen, len);
	cr_expect(strstr(log, "otadiag") == NULL);
	free(log);
	run_free(&r);
	free(data);
}

Test(livedecode, another_build_is_not_decoded)
{
	const char *elf = "xtensa-cxx.elf";
	const char *other = "xtensa.elf";
	const char *sha = testelf_sha256(testelf_path(elf));
	size_t len;
	char *data = panic(sha, sha, write_pc(elf), func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10,
	    func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10, &len);
	const char *out, *p;
	char want[512];
	struct run r;

	run_monitor(&r, other, data, len, 3);
	out = r.p->out.buf;
	p = at(out, out, "PC      : 0x");
	snprintf(want, sizeof(want), MARK "note: not decoded: the crash is "
	    "from the build with ELF file SHA256 %.16s, and %s is another "
	    "build (SHA256 %.16s)\n", sha, testelf_path(other),
	    testelf_sha256(testelf_path(other)));
	at(out, p, want);
	cr_expect(strstr(out, MARK "#0") == NULL, "%s", out);
	cr_expect(strstr(out, MARK "PC ") == NULL, "%s", out);
	/* said once for the crash, not under every line */
	p = strstr(out, "note: not decoded");
	cr_expect(p != NULL && strstr(p + 1, "note: not decoded") == NULL,
	    "%s", out);
	run_free(&r);
	free(data);
}

/*
 * Attached after the boot: nothing says which build runs until the
 * panic's own SHA line, after the frames.  If it names another build,
 * otadiag says the frames it showed are wrong.
 */
Test(livedecode, late_sha_of_another_build_withdraws_the_frames)
{
	const char *elf = "xtensa-cxx.elf";
	const char *other_sha = testelf_sha256(testelf_path("xtensa.elf"));
	size_t len;
	char *data = panic(NULL, other_sha, write_pc(elf), func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10,
	    func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10, &len);
	const char *out, *p;
	char want[512];
	struct run r;

	run_monitor(&r, elf, data, len, 5);
	out = r.p->out.buf;
	p = at(out, out, MARK "#0 ");
	p = at(out, p, "ELF file SHA256: ");
	snprintf(want, sizeof(want), MARK "note: the frames shown above are "
	    "wrong: the crash was printed by the build with ELF file SHA256 "
	    "%.9s, and %s is another build", other_sha, testelf_path(elf));
	p = at(out, p, want);
	cr_expect(p < strstr(out, "Rebooting..."), "%s", out);
	run_free(&r);
	free(data);
}

/*
 * The frames' text comes from the ELF, which is as untrusted as the
 * device: a source path with a control byte (tests/elf/build.sh builds
 * one from a folder named "evil<BEL>dir") is shown escaped.
 */
Test(livedecode, elf_text_is_escaped_like_device_text)
{
	const char *elf = "xtensa-cxx-evil.elf";
	const char *sha = testelf_sha256(testelf_path(elf));
	size_t len;
	char *data = panic(sha, sha, write_pc(elf), func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10,
	    func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10, &len);
	const char *out, *p;
	struct run r;

	run_monitor(&r, elf, data, len, 9);
	out = r.p->out.buf;
	p = at(out, out, "\nBacktrace: 0x");
	p = at(out, p, MARK "#0 ");
	at(out, p, "/evil\\x07dir/otaapp.cpp:");
	cr_expect(strchr(out, '\a') == NULL, "a raw BEL reached the "
	    "terminal:\n%s", out);
	run_free(&r);
	free(data);
}
