/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag decode` and `analyze --elf` through the built binary, on real
 * ELFs (tests/elf/build.sh).  Each panic log is written at test time from
 * addresses in the ELF's symbol table, and binutils' addr2line of the same
 * toolchain says what each address must decode to, so the expected
 * "function() at file:line" is exact.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "proc.h"
#include "results.h"
#include "testelf.h"

static void
setup(void)
{
	results_tmpdir_enter("decode");
}

TestSuite(decode, .init = setup, .fini = results_fini);

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

/* An address of onPulse() inside the inlined store_pulse(). */
static uint64_t
inlined_addr(const char *elf)
{
	uint64_t a = func_addr(elf, "onPulse"), end = a + 0x40;
	struct testelf_a2l o;

	for (; a < end; a++) {
		testelf_addr2line(elf, a, &o);
		if (o.n == 2 && strcmp(o.func[0], "store_pulse") == 0)
			return a;
	}
	cr_assert_fail("%s: no address in the inlined store_pulse()", elf);
	return 0;
}

/* What the decoder must print for frame k of addr (addr2line says). */
static const char *
expect_frame(const char *elf, uint64_t addr, size_t k)
{
	struct testelf_a2l o;
	char buf[1024];

	testelf_addr2line(elf, addr, &o);
	cr_assert_lt(k, o.n);
	/* a C++ name comes with its parameters: no "()" added */
	snprintf(buf, sizeof(buf), "0x%08llx: %s%s at %s:%u%s",
	    (unsigned long long)addr, o.func[k], strchr(o.func[k], '(') !=
	    NULL ? "" : "()", o.file[k], o.line[k], k + 1 < o.n ?
	    " (inlined)" : "");
	return results_keep(buf);
}

static const char *
sha(const char *elf, int digits)
{
	char buf[80];

	snprintf(buf, sizeof(buf), "%.*s", digits,
	    testelf_sha256(testelf_path(elf)));
	return results_keep(buf);
}

/* An ESP-IDF Xtensa panic during an update, from the ELF's addresses. */
static const char *
xtensa_log(const char *elf_for_sha, uint64_t pc, uint64_t f1, uint64_t f2)
{
	char buf[4096];

	snprintf(buf, sizeof(buf),
	    "I (120) app_init: ELF file SHA256:  %s...\n"
	    "I (5000) esp_https_ota: Starting OTA...\n"
	    "Guru Meditation Error: Core  1 panic'ed (StoreProhibited). "
	    "Exception was unhandled.\n"
	    "\n"
	    "Core  1 register dump:\n"
	    "PC      : 0x%08llx  PS      : 0x00060830  A0      : 0x%08llx  "
	    "A1      : 0x3ffb1f80  \n"
	    "\n"
	    "Backtrace: 0x%08llx:0x3ffb1f80 0x%08llx:0x3ffb1fa0 "
	    "0x%08llx:0x3ffb1fc0 0x40081234:0x3ffb1fe0\n"
	    "\n"
	    "ELF file SHA256: %s\n"
	    "\n"
	    "Rebooting...\n"
	    "ets Jun  8 2016 00:22:57\n",
	    sha(elf_for_sha, 16), (unsigned long long)pc,
	    (unsigned long long)((f1 + 3) | 0x80000000u) & 0xbfffffffu,
	    (unsigned long long)pc, (unsigned long long)f1,
	    (unsigned long long)f2, sha(elf_for_sha, 9));
	return testelf_write("panic.log", buf);
}

static const char *
after(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	cr_assert_not_null(p, "'%s' not in:\n%s", needle, hay);
	return p + strlen(needle);
}

Test(decode, xtensa_backtrace_decoded_in_place)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	uint64_t f1 = func_addr(elf, "spi_flash_write") + 0x10;
	uint64_t f2 = func_addr(elf, "esp_ota_write") + 4;
	const char *log = xtensa_log(elf, pc, f1, f2);
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path(elf), log, NULL });
	const char *p;
	char want[1200];

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect_str_eq(o.err, "");
	p = after(o.out, "Backtrace: ");
	snprintf(want, sizeof(want), "\n  #0  %s\n", expect_frame(elf, pc, 0));
	p = after(p, want);
	snprintf(want, sizeof(want), "  #1  %s\n", expect_frame(elf, pc, 1));
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	p = after(p, want);
	snprintf(want, sizeof(want), "  #2  %s\n  #3  %s\n"
	    "  #4  0x40081234: 0x40081234 (in no --elf)\n",
	    expect_frame(elf, f1, 0), expect_frame(elf, f2, 0));
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	/* the register dump: PC, and A0 mapped back to the call (f1) */
	p = after(o.out, "A1      : 0x3ffb1f80\n");
	snprintf(want, sizeof(want), "  PC    %s\n", expect_frame(elf, pc, 0));
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	snprintf(want, sizeof(want), "  A0    %s\n", expect_frame(elf, f1, 0));
	cr_expect(strstr(p, want) != NULL, "%s", want);
	/* every line of the log is there, in order */
	p = after(o.out, "I (120) app_init");
	p = after(p, "Guru Meditation");
	p = after(p, "ELF file SHA256: ");
	p = after(p, "Rebooting...\nets Jun");
	cr_expect(strstr(o.out, "note:") == NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(decode, the_stripped_markers_of_the_issue_are_exact)
{
	/* the inlined frame is store_pulse at its marked line, in onPulse */
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	const char *log = xtensa_log(elf, pc, func_addr(elf, "spi_flash_write")
	    + 0x10, func_addr(elf, "esp_ota_write") + 4);
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path(elf), log, NULL });
	char want[256];

	snprintf(want, sizeof(want), "store_pulse() at %s/tests/elf/crashapp.c:"
	    "%u (inlined)\n", OTADIAG_SOURCE_DIR, testelf_marker_line(
	    "store_pulse"));
	cr_expect(strstr(o.out, want) != NULL, "%s not in\n%s", want, o.out);
	snprintf(want, sizeof(want), "onPulse() at %s/tests/elf/crashapp.c:%u\n",
	    OTADIAG_SOURCE_DIR, testelf_marker_line("onPulse-call"));
	cr_expect(strstr(o.out, want) != NULL, "%s not in\n%s", want, o.out);
	proc_out_free(&o);
}

Test(decode, riscv_panic_registers_and_probable_stack_words)
{
	const char *elf = "riscv.elf";
	uint64_t pc = inlined_addr(elf);
	uint64_t ra = func_addr(elf, "spi_flash_write") + 0x14;
	uint64_t w = func_addr(elf, "esp_ota_write") + 8;
	char buf[4096], want[1200];
	const char *log, *p;
	struct proc_out o;

	snprintf(buf, sizeof(buf),
	    "I (120) app_init: ELF file SHA256:  %s...\n"
	    "Guru Meditation Error: Core  0 panic'ed (Store access fault). "
	    "Exception was unhandled.\n"
	    "\n"
	    "Core  0 register dump:\n"
	    "MEPC    : 0x%08llx  RA      : 0x%08llx  SP      : 0x3fc8f6a0  "
	    "GP      : 0x3fc8bc00  \n"
	    "MCAUSE  : 0x00000007  MTVAL   : 0x00000000  \n"
	    "\n"
	    "Stack memory:\n"
	    "3fc8f6a0: 0x00000000 0x3fc8f6c0 0x%08llx 0x40380000\n"
	    "\n"
	    "ELF file SHA256: %s\n"
	    "Rebooting...\n", sha(elf, 16), (unsigned long long)pc,
	    (unsigned long long)ra, (unsigned long long)w, sha(elf, 9));
	log = testelf_write("rv.log", buf);
	o = proc_run((const char *[]){ "decode", "--elf", testelf_path(elf),
	    log, NULL });
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	p = after(o.out, "GP      : 0x3fc8bc00\n");
	snprintf(want, sizeof(want), "  MEPC  %s\n  MEPC  %s\n  RA    %s\n",
	    expect_frame(elf, pc, 0), expect_frame(elf, pc, 1),
	    expect_frame(elf, ra, 0));
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	p = after(o.out, "0x40380000\n");
	snprintf(want, sizeof(want), "  stack %s (probable)\n",
	    expect_frame(elf, w, 0));
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	cr_expect(strstr(o.out, "0x3fc8f6c0:") == NULL, "a data word decoded");
	proc_out_free(&o);
}

static const char *
esp8266_log(uint64_t epc1, uint64_t word)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
	    "[HTTP_UPDATE] Update start\n"
	    "--------------- CUT HERE FOR EXCEPTION DECODER ---------------\n"
	    "\n"
	    "Exception (29):\n"
	    "epc1=0x%08llx epc2=0x00000000 epc3=0x00000000 excvaddr=0x00000000 "
	    "depc=0x00000000\n"
	    "\n"
	    ">>>stack>>>\n"
	    "\n"
	    "ctx: cont\n"
	    "sp: 3ffffdb0 end: 3fffffc0 offset: 0190\n"
	    "3fffff40:  3fffdad0 00000000 3ffee7a4 %08llx  \n"
	    "<<<stack<<<\n"
	    "\n"
	    " ets Jan  8 2013,rst cause:2, boot mode:(3,6)\n",
	    (unsigned long long)epc1, (unsigned long long)word);
	return testelf_write("esp8266.log", buf);
}

Test(decode, esp8266_exception_without_sha_says_so)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	uint64_t w = func_addr(elf, "spi_flash_write") + 0x10;
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path(elf), esp8266_log(pc, w), NULL });
	const char *p;
	char want[1200];

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	p = after(o.out, "depc=0x00000000\n");
	snprintf(want, sizeof(want), "  epc1  %s\n  epc1  %s\n",
	    expect_frame(elf, pc, 0), expect_frame(elf, pc, 1));
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	snprintf(want, sizeof(want), "  stack %s (probable)\n",
	    expect_frame(elf, w, 0));
	cr_expect(strstr(o.out, want) != NULL, "%s not in\n%s", want, o.out);
	after(o.out, "note: the log prints no ELF file SHA256");
	proc_out_free(&o);
}

Test(decode, another_build_is_not_decoded)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	const char *log = xtensa_log(elf, pc, func_addr(elf, "spi_flash_write")
	    + 0x10, func_addr(elf, "esp_ota_write") + 4);
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path("xtensa-other.elf"), log, NULL });
	char want[512];

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "#0") == NULL, "decoded from another build:\n%s",
	    o.out);
	cr_expect(strstr(o.out, "store_pulse") == NULL);
	snprintf(want, sizeof(want), "note: the crash was printed by the build "
	    "with ELF file SHA256 %s, and %s is another build (SHA256 %s)",
	    sha(elf, 9), testelf_path("xtensa-other.elf"),
	    sha("xtensa-other.elf", 16));
	after(o.out, want);
	proc_out_free(&o);
}

Test(decode, debug_stripped_elf_gives_function_names)
{
	const char *elf = "xtensa-nodebug.elf";
	uint64_t pc = func_addr("xtensa.elf", "onPulse") + 2;
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path(elf), esp8266_log(pc, 0x3fffdad0), NULL });
	char want[256];

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	snprintf(want, sizeof(want), "  epc1  0x%08llx: onPulse()\n",
	    (unsigned long long)pc);
	after(o.out, want);
	after(o.err, "no line information");
	after(o.out, "has no line information (stripped of its debug "
	    "sections?): function names only");
	proc_out_free(&o);
}

Test(decode, addresses_in_no_elf)
{
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path("xtensa.elf"), esp8266_log(0x40201234, 0x40201300),
	    NULL });

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	after(o.out, "  epc1  0x40201234: 0x40201234 (in no --elf)\n");
	cr_expect(strstr(o.out, "0x40201300:") == NULL, "a stack word outside "
	    "the code is data");
	after(o.out, "note: none of the crash's addresses is in the code");
	proc_out_free(&o);
}

Test(decode, abort_at_pc)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = func_addr(elf, "spi_flash_write") + 0x10;
	char buf[512], want[1200];
	struct proc_out o;

	snprintf(buf, sizeof(buf), "abort() was called at PC 0x%08llx on core 0\n"
	    "Rebooting...\n", (unsigned long long)pc);
	o = proc_run((const char *[]){ "decode", "--elf", testelf_path(elf),
	    testelf_write("abort.log", buf), NULL });
	snprintf(want, sizeof(want), "on core 0\n  abort 0x%08llx: %s",
	    (unsigned long long)pc, strchr(expect_frame(elf, pc, 0), ' ') + 1);
	after(o.out, want);
	proc_out_free(&o);
}

static void
bad_elf(const char *path, const char *text)
{
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf", path,
	    testelf_write("x.log", "Backtrace: 0x400d0047:0x3ffb1f80\n"), NULL });
	char want[1024];

	cr_expect_eq(o.status, 3, "%s: exit %d", path, o.status);
	snprintf(want, sizeof(want), "otadiag: %s: error: %s", path, text);
	cr_expect(strncmp(o.err, want, strlen(want)) == 0, "got '%s', want '%s'",
	    o.err, want);
	cr_expect_eq(strchr(o.err, '\n'), o.err + strlen(o.err) - 1,
	    "one line: %s", o.err);
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
}

Test(decode, bad_elf_files)
{
	char cmd[1024];

	bad_elf(testelf_write("app.bin", "\xe9\x06\x02\x20 image"),
	    "not an ELF file");
	snprintf(cmd, sizeof(cmd), "head -c 3000 '%s' > cut.elf",
	    testelf_path("xtensa.elf"));
	cr_assert_eq(system(cmd), 0);
	bad_elf("cut.elf", "truncated ELF");
	bad_elf("missing.elf", "cannot open");
}

Test(decode, usage_errors)
{
	struct proc_out o = proc_run((const char *[]){ "decode", "x.log", NULL });

	cr_expect_eq(o.status, 2);
	after(o.err, "give the build's ELF with --elf");
	proc_out_free(&o);
	o = proc_run((const char *[]){ "decode", "--elf", testelf_path(
	    "xtensa.elf"), "a.log", "b.log", NULL });
	cr_expect_eq(o.status, 2);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "decode", "--elf", testelf_path(
	    "xtensa.elf"), "missing.log", NULL });
	cr_expect_eq(o.status, 3);
	after(o.err, "missing.log: error: cannot open");
	proc_out_free(&o);
}

Test(decode, analyze_shows_the_stack_under_the_crash)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	uint64_t f1 = func_addr(elf, "spi_flash_write") + 0x10;
	const char *log = xtensa_log(elf, pc, f1, func_addr(elf,
	    "esp_ota_write") + 4);
	struct proc_out o = proc_run((const char *[]){ "analyze", "--elf",
	    testelf_path(elf), log, NULL });
	const char *p;
	char want[1200];

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	p = after(o.out, "[crash-during-update]\n");
	p = after(p, "stack (line 8, decoded with --elf):\n");
	snprintf(want, sizeof(want), "        #0 %s\n        #1 %s\n"
	    "        #2 %s\n", strchr(expect_frame(elf, pc, 0), ' ') + 1,
	    strchr(expect_frame(elf, pc, 1), ' ') + 1,
	    strchr(expect_frame(elf, f1, 0), ' ') + 1);
	cr_expect(strncmp(p, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", p,
	    want);
	proc_out_free(&o);
}

Test(decode, analyze_json_frames)
{
	const char *elf = "riscv.elf";
	uint64_t pc = inlined_addr(elf);
	struct testelf_a2l a;
	char buf[2048];
	const char *log;
	struct proc_out o;
	json_t *root, *fr, *f0, *f1;
	json_error_t jerr;

	snprintf(buf, sizeof(buf),
	    "I (5000) esp_https_ota: Starting OTA...\n"
	    "Guru Meditation Error: Core  0 panic'ed (Store access fault). "
	    "Exception was unhandled.\n"
	    "MEPC    : 0x%08llx  RA      : 0x%08llx  SP      : 0x3fc8f6a0  \n"
	    "ELF file SHA256: %s\n"
	    "Rebooting...\n", (unsigned long long)pc,
	    (unsigned long long)func_addr(elf, "spi_flash_write") + 0x14,
	    sha(elf, 9));
	log = testelf_write("rv.log", buf);
	o = proc_run((const char *[]){ "analyze", "--format", "json", "--elf",
	    testelf_path(elf), log, NULL });
	root = json_loads(o.out, 0, &jerr);
	cr_assert_not_null(root, "%s: %s", jerr.text, o.out);
	fr = json_object_get(json_array_get(json_object_get(json_array_get(
	    json_object_get(root, "inputs"), 0), "findings"), 0), "frames");
	cr_assert(json_is_array(fr), "no frames: %s", o.out);
	cr_assert_eq(json_array_size(fr), 3);
	testelf_addr2line(elf, pc, &a);
	f0 = json_array_get(fr, 0);
	f1 = json_array_get(fr, 1);
	snprintf(buf, sizeof(buf), "0x%08llx", (unsigned long long)pc);
	cr_expect_str_eq(json_string_value(json_object_get(f0, "pc")), buf);
	cr_expect_str_eq(json_string_value(json_object_get(f0, "function")),
	    a.func[0]);
	cr_expect_str_eq(json_string_value(json_object_get(f0, "file")),
	    a.file[0]);
	cr_expect_eq(json_integer_value(json_object_get(f0, "line")), a.line[0]);
	cr_expect(json_is_true(json_object_get(f0, "inlined")));
	cr_expect_str_eq(json_string_value(json_object_get(f0, "what")), "MEPC");
	cr_expect_str_eq(json_string_value(json_object_get(f1, "function")),
	    a.func[1]);
	cr_expect_eq(json_integer_value(json_object_get(f1, "line")), a.line[1]);
	cr_expect(json_is_false(json_object_get(f1, "inlined")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fr, 2),
	    "what")), "RA");
	json_decref(root);
	proc_out_free(&o);
}

Test(decode, analyze_bad_elf_is_an_input_error)
{
	struct proc_out o = proc_run((const char *[]){ "analyze", "--elf",
	    testelf_write("app.bin", "not an elf"), testelf_write("x.log",
	    "I (1) boot: x\n"), NULL });

	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.err);
	after(o.err, "app.bin: error: not an ELF file");
	proc_out_free(&o);
}

/*
 * SARIF: the decoded stack in "stacks"; the user's source line that
 * crashed is the result's location (code scanning annotates it), the log
 * line a related location.  Run from the source tree, which holds
 * tests/elf/crashapp.c, as CI runs from the project's checkout.
 */
Test(decode, sarif_stack_and_source_location)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	const char *log = xtensa_log(elf, pc, func_addr(elf, "spi_flash_write")
	    + 0x10, func_addr(elf, "esp_ota_write") + 4);
	char out[1024], cmd[2048];
	struct proc_out o;
	struct testelf_a2l a;
	json_t *root, *res, *loc, *frames;
	json_error_t jerr;
	int st;

	snprintf(out, sizeof(out), "%s/r.sarif", results_tmpdir());
	cr_assert_eq(chdir(OTADIAG_SOURCE_DIR), 0);
	o = proc_run((const char *[]){ "analyze", "--elf", testelf_path(elf),
	    "--format", "sarif", "--output", out, log, NULL });
	cr_assert_eq(chdir(results_tmpdir()), 0);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	proc_out_free(&o);
	snprintf(cmd, sizeof(cmd), "bash '%s/tests/tools/validate-sarif.sh' "
	    "--strict '%s'", OTADIAG_SOURCE_DIR, out);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "not valid SARIF");
	root = json_load_file(out, 0, &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	res = json_array_get(json_object_get(json_array_get(json_object_get(
	    root, "runs"), 0), "results"), 0);
	testelf_addr2line(elf, pc, &a);
	loc = json_object_get(json_array_get(json_object_get(res, "locations"),
	    0), "physicalLocation");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(loc,
	    "artifactLocation"), "uri")), "tests/elf/crashapp.c");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(loc,
	    "region"), "startLine")), a.line[0]);
	loc = json_array_get(json_object_get(res, "relatedLocations"), 0);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(
	    json_object_get(loc, "physicalLocation"), "region"), "startLine")), 3,
	    "the Guru Meditation line of the log");
	frames = json_object_get(json_array_get(json_object_get(res, "stacks"),
	    0), "frames");
	cr_assert_geq(json_array_size(frames), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(json_object_get(json_array_get(frames, 1),
	    "location"), "logicalLocations"), 0), "name")), "onPulse");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(json_array_get(frames, 0),
	    "location"), "physicalLocation"), "address"), "absoluteAddress")),
	    (json_int_t)pc);
	json_decref(root);
}

/* Frames rules (rules/crash-frames.json) on the decoded stack. */
static json_t *
first_finding(const char *elf, const char *log)
{
	struct proc_out o = proc_run((const char *[]){ "analyze", "--format",
	    "json", "--elf", testelf_path(elf), log, NULL });
	json_error_t jerr;
	json_t *root = json_loads(o.out, 0, &jerr), *f;

	cr_assert_not_null(root, "%s: %s %s", jerr.text, o.out, o.err);
	f = json_incref(json_array_get(json_object_get(json_array_get(
	    json_object_get(root, "inputs"), 0), "findings"), 0));
	json_decref(root);
	proc_out_free(&o);
	cr_assert_not_null(f);
	return f;
}

Test(decode, rule_isr_during_flash_write)
{
	const char *elf = "xtensa.elf";
	uint64_t pc = inlined_addr(elf);
	json_t *f = first_finding(elf, xtensa_log(elf, pc, func_addr(elf,
	    "spi_flash_write") + 0x10, func_addr(elf, "esp_ota_write") + 4));

	cr_expect_str_eq(json_string_value(json_object_get(f, "rule")),
	    "frames-flash-write-cache-disabled");
	cr_expect_str_eq(json_string_value(json_object_get(f, "cause")),
	    "crash-during-update");
	cr_expect(strstr(json_string_value(json_object_get(f, "message")),
	    "while spi_flash_write() was writing the flash") != NULL, "%s",
	    json_string_value(json_object_get(f, "message")));
	cr_expect(strstr(json_string_value(json_object_get(f, "message")),
	    "here store_pulse() at ") != NULL);
	json_decref(f);
}

Test(decode, rule_allocation_on_top_is_memory)
{
	const char *elf = "xtensa.elf";
	json_t *f = first_finding(elf, xtensa_log(elf, func_addr(elf, "malloc")
	    + 2, func_addr(elf, "esp_ota_write") + 4, func_addr(elf, "main") +
	    4));
	struct proc_out o;

	cr_expect_str_eq(json_string_value(json_object_get(f, "rule")),
	    "frames-alloc-failed");
	cr_expect_str_eq(json_string_value(json_object_get(f, "cause")),
	    "alloc-failed");
	json_decref(f);
	o = proc_run((const char *[]){ "analyze", "--elf", testelf_path(elf),
	    "panic.log", NULL });
	after(o.out, "failed: The crash is a failed memory allocation "
	    "(alloc-failed, line 3)");
	proc_out_free(&o);
}

/*
 * A C++ build (tests/elf/otaapp.cpp, Arduino's names): the frames carry the
 * demangled, qualified names, so the Update*, HTTPUpdate* and ArduinoOTA*
 * globs of rules/crash-frames.json see them.
 */
Test(decode, cxx_frames_name_the_update_step)
{
	const char *elf = "xtensa-cxx.elf";
	uint64_t pc = func_addr(elf, "_ZN11UpdateClass5writeEPhj");
	json_t *f, *fr;
	struct proc_out o;
	size_t i;

	/* an address of UpdateClass::write inside the inlined store */
	for (;; pc++) {
		struct testelf_a2l a;

		testelf_addr2line(elf, pc, &a);
		if (a.n == 2)
			break;
		cr_assert_lt(pc, func_addr(elf, "_ZN11UpdateClass5writeEPhj") +
		    0x20, "no inlined ota::Flash::store in UpdateClass::write");
	}
	f = first_finding(elf, xtensa_log(elf, pc, func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10,
	    func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10));
	cr_expect_str_eq(json_string_value(json_object_get(f, "rule")),
	    "frames-ota-step");
	cr_expect(strstr(json_string_value(json_object_get(f, "message")),
	    "inside the update step UpdateClass::write(unsigned char*, "
	    "unsigned int); the top of the stack is ota::Flash::store(int) "
	    "at ") != NULL, "%s", json_string_value(json_object_get(f,
	    "message")));
	fr = json_object_get(f, "frames");
	cr_assert_geq(json_array_size(fr), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fr, 2),
	    "function")), "HTTPUpdate::handleUpdate(UpdateClass&, unsigned int)");
	/* handle()'s frame, under whatever was inlined into it there */
	for (i = 3; i < json_array_size(fr); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(fr,
		    i), "function")), "ArduinoOTAClass::handle()") == 0)
			break;
	cr_expect_lt(i, json_array_size(fr), "no ArduinoOTAClass::handle()");
	json_decref(f);
	/* the text report: no "()" after a name that has its parameters */
	o = proc_run((const char *[]){ "analyze", "--elf", testelf_path(elf),
	    "panic.log", NULL });
	after(o.out, "#1 UpdateClass::write(unsigned char*, unsigned int) at ");
	cr_expect(strstr(o.out, ")()") == NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(decode, cxx_operator_new_on_top_is_memory)
{
	const char *elf = "xtensa-cxx.elf";
	json_t *f = first_finding(elf, xtensa_log(elf, func_addr(elf, "_Znwj") +
	    2, func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10,
	    func_addr(elf, "_start") + 2));

	cr_expect_str_eq(json_string_value(json_object_get(f, "rule")),
	    "frames-alloc-failed");
	cr_expect(strstr(json_string_value(json_object_get(f, "message")),
	    "The crash comes from operator new(unsigned int): ") != NULL, "%s",
	    json_string_value(json_object_get(f, "message")));
	json_decref(f);
}

/* Without DWARF, the symbol table's mangled names are demangled too. */
Test(decode, cxx_symbols_without_lines_are_demangled)
{
	const char *elf = "xtensa-cxx-nodebug.elf";
	const char *log = xtensa_log(elf, func_addr(elf,
	    "_ZN11UpdateClass5writeEPhj") + 4, func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10,
	    func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10);
	struct proc_out o = proc_run((const char *[]){ "decode", "--elf",
	    testelf_path(elf), log, NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	after(o.out, "#0  0x");
	after(o.out, ": UpdateClass::write(unsigned char*, unsigned int)\n");
	after(o.out, ": HTTPUpdate::handleUpdate(UpdateClass&, unsigned int)\n");
	cr_expect(strstr(o.out, "_ZN") == NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(decode, without_elf_the_crash_stays_generic)
{
	const char *elf = "xtensa.elf";
	const char *log = xtensa_log(elf, func_addr(elf, "malloc") + 2,
	    func_addr(elf, "esp_ota_write") + 4, func_addr(elf, "main") + 4);
	struct proc_out o = proc_run((const char *[]){ "analyze", "--format",
	    "json", log, NULL });

	cr_expect(strstr(o.out, "\"frames\"") == NULL);
	cr_expect(strstr(o.out, "frames-alloc-failed") == NULL);
	after(o.out, "\"rule\": \"session-crash-during-update\"");
	proc_out_free(&o);
}

/*
 * Frames a monitor already decoded in the log (idf.py monitor,
 * PlatformIO's esp32_exception_decoder) are the same evidence, without
 * --elf; of a register dump only PC/MEPC/RA/A0 are frames (idf.py monitor
 * decodes every register that holds a code address).
 */
Test(decode, frames_decoded_by_a_monitor)
{
	const char *idf = testelf_write("idf.log",
	    "I (5000) esp_https_ota: Starting OTA...\n"
	    "Guru Meditation Error: Core  1 panic'ed (Cache disabled but "
	    "cached memory region accessed).\n"
	    "\n"
	    "Backtrace: 0x400d0047:0x3ffb1f80 0x400d0068:0x3ffb1fa0\n"
	    "0x400d0047: store_pulse at /home/u/proj/main/main.c:19\n"
	    "(inlined by) onPulse at /home/u/proj/main/main.c:26\n"
	    "0x400d0068: spi_flash_write at /idf/components/spi_flash/"
	    "flash_ops.c:34\n"
	    "\n"
	    "Rebooting...\n");
	const char *pio = testelf_write("pio.log",
	    "[HTTP_UPDATE] Update start\n"
	    "Guru Meditation Error: Core  0 panic'ed (Illegal instruction). "
	    "Exception was unhandled.\n"
	    "MEPC    : 0x420272ce  RA      : 0x40384192  SP      : 0x3fcc35b0  \n"
	    "  #0  0x420272ce in spi_flash_mmap() at components/spi_flash/"
	    "flash_mmap.c:56\n"
	    "  #1  0x40384192 in UpdateClass::write(unsigned char*, unsigned int) "
	    "at Update.cpp:322\n"
	    "TP      : 0x3fc452fc  T0      : 0x40394adc  T1      : 0x00000005  \n"
	    "  #2  0x40394adc in calloc() at components/newlib/heap.c:30\n"
	    "Rebooting...\n");
	struct proc_out o = proc_run((const char *[]){ "analyze", "--format",
	    "json", idf, pio, NULL });
	json_error_t jerr;
	json_t *root = json_loads(o.out, 0, &jerr), *f, *fr;

	cr_assert_not_null(root, "%s: %s", jerr.text, o.out);
	f = json_array_get(json_object_get(json_array_get(json_object_get(root,
	    "inputs"), 0), "findings"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(f, "rule")),
	    "frames-flash-write-cache-disabled");
	fr = json_object_get(f, "frames");
	cr_assert_eq(json_array_size(fr), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fr, 0),
	    "function")), "store_pulse");
	cr_expect(json_is_true(json_object_get(json_array_get(fr, 0), "inlined")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fr, 1),
	    "file")), "/home/u/proj/main/main.c");
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(fr, 1),
	    "line")), 26);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fr, 0),
	    "what")), "decoded");
	f = json_array_get(json_object_get(json_array_get(json_object_get(root,
	    "inputs"), 1), "findings"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(f, "rule")),
	    "frames-ota-step", "the crash is in UpdateClass::write");
	fr = json_object_get(f, "frames");
	cr_expect_eq(json_array_size(fr), 2, "T0's calloc is no frame");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fr, 1),
	    "function")), "UpdateClass::write(unsigned char*, unsigned int)");
	json_decref(root);
	proc_out_free(&o);
}
