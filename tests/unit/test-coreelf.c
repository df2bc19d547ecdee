/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coreelf: ESP-IDF ELF core dumps built here from the addresses of the
 * real C++ test ELFs (tests/elf/otaapp.cpp), in the layout esp-coredump
 * reads (a header, an ELF core file with NT_PRSTATUS per task and the
 * ESP_CORE_DUMP_INFO / EXTRA_INFO / PANIC_DETAILS notes, a CRC-32), put in
 * a log between CORE DUMP START and END as ESP-IDF prints them to the
 * UART.  analyze --elf must name the crashed task's frames as addr2line
 * -C does; another build, a malformed core file and a binary-format dump
 * are said plainly, never a crash.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coreelf.h"
#include "proc.h"
#include "results.h"
#include "testelf.h"

#define CRASHED_TCB	0x3ffb8a00u
#define IDLE_TCB	0x3ffb9000u
#define SP0		0x3ffb1f80u
#define SP1		0x3ffb1fa0u
#define STACK_LO	0x3ffb1f70u

static void
setup(void)
{
	results_tmpdir_enter("coreelf");
}

TestSuite(coreelf, .init = setup, .fini = results_fini);

struct buf {
	unsigned char	 b[8192];
	size_t		 n;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	cr_assert_leq(b->n + n, sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char p[4] = {v & 255, v >> 8 & 255, v >> 16 & 255, v >> 24};

	put(b, p, 4);
}

static void
put16(struct buf *b, uint16_t v)
{
	unsigned char p[2] = {v & 255, v >> 8};

	put(b, p, 2);
}

static void
pad4(struct buf *b)
{
	while (b->n % 4 != 0)
		b->b[b->n++] = 0;
}

static void
note(struct buf *b, const char *name, uint32_t type, const void *desc,
    size_t dsz)
{
	put32(b, (uint32_t)strlen(name) + 1);
	put32(b, (uint32_t)dsz);
	put32(b, type);
	put(b, name, strlen(name) + 1);
	pad4(b);
	put(b, desc, dsz);
	pad4(b);
}

/* An NT_PRSTATUS: 72 bytes of status (pr_pid at 24), then registers. */
static void
prstatus(struct buf *b, uint32_t tcb, const uint32_t *regs, size_t nregs)
{
	struct buf d = {{0}, 0};
	size_t i;

	for (i = 0; i < 6; i++)
		put32(&d, 0);
	put32(&d, tcb);
	while (d.n < 72)
		put32(&d, 0);
	for (i = 0; i < nregs; i++)
		put32(&d, regs[i]);
	note(b, "CORE", 1, d.b, d.n);
}

static uint32_t
func_addr(const char *elf, const char *func)
{
	struct testelf_sym syms[64];
	size_t n = testelf_functions(elf, syms, 64), i;

	for (i = 0; i < n; i++)
		if (strcmp(syms[i].name, func) == 0)
			return (uint32_t)syms[i].addr;
	cr_assert_fail("%s: no function %s", elf, func);
	return 0;
}

/* Xtensa a0 as the CPU keeps it: window increment in the top bits. */
static uint32_t
xt_ret(uint32_t call_site)
{
	return ((call_site + 3) & 0x3fffffffu) | 0x80000000u;
}

struct dump {
	uint32_t	 pc, a0, ret1;	/* Xtensa: pc, a0, the next a0 */
	int		 riscv;
	const char	*sha;		/* ESP_CORE_DUMP_INFO */
	int		 cut_note;	/* a note's size past its segment */
};

/* The ELF core file of a crash: two tasks, the crashed one second. */
static void
core_file(struct buf *e, const struct dump *dp)
{
	struct buf notes = {{0}, 0}, mem = {{0}, 0};
	uint32_t regs[129], extra[5], info[17];
	char sha[64];

	memset(regs, 0, sizeof(regs));
	regs[0] = dp->pc - 0x10;	/* the idle task somewhere else */
	prstatus(&notes, IDLE_TCB, regs, dp->riscv ? 32 : 129);
	regs[0] = dp->pc;
	if (dp->riscv)
		regs[1] = dp->a0;	/* ra */
	else {
		regs[64] = dp->a0;
		regs[65] = SP0;
	}
	prstatus(&notes, CRASHED_TCB, regs, dp->riscv ? 32 : 129);
	extra[0] = CRASHED_TCB;
	extra[1] = 0;		/* EXCCAUSE */
	extra[2] = 28;
	extra[3] = 1;		/* EXCVADDR */
	extra[4] = 0;
	note(&notes, "EXTRA_INFO", 677, extra, sizeof(extra));
	memset(info, 0, sizeof(info));
	info[0] = 0x0100;
	memset(sha, 0, sizeof(sha));
	memcpy(sha, dp->sha, strlen(dp->sha) < 64 ? strlen(dp->sha) : 64);
	memcpy(info + 1, sha, 64);
	note(&notes, "ESP_CORE_DUMP_INFO", 8266, info, sizeof(info));
	note(&notes, "PANIC_DETAILS", 679, "LoadProhibited", 14);
	if (dp->cut_note)
		memcpy(notes.b + 4, "\xff\xff\x00\x00", 4);
	/* the crashed task's stack: the base save areas of two frames */
	while (mem.n < 0x50)
		put32(&mem, 0);
	memcpy(mem.b + (SP0 - 16 - STACK_LO), (uint32_t[]){dp->ret1, SP1}, 8);
	memcpy(mem.b + (SP1 - 16 - STACK_LO), (uint32_t[]){0, SP1 + 0x20}, 8);

	put(e, "\177ELF\001\001\001", 7);
	while (e->n < 16)
		e->b[e->n++] = 0;
	put16(e, 4);				/* ET_CORE */
	put16(e, dp->riscv ? 243 : 94);		/* EM_RISCV, EM_XTENSA */
	put32(e, 1);
	put32(e, 0);
	put32(e, 52);				/* e_phoff */
	put32(e, 0);
	put32(e, 0);
	put16(e, 52);
	put16(e, 32);				/* e_phentsize */
	put16(e, 2);				/* e_phnum */
	put16(e, 40);
	put16(e, 0);
	put16(e, 0);
	/* PT_NOTE, PT_LOAD */
	put32(e, 4);
	put32(e, 52 + 64);
	put32(e, 0);
	put32(e, 0);
	put32(e, (uint32_t)notes.n);
	put32(e, (uint32_t)notes.n);
	put32(e, 0);
	put32(e, 4);
	put32(e, 1);
	put32(e, 52 + 64 + (uint32_t)notes.n);
	put32(e, STACK_LO);
	put32(e, STACK_LO);
	put32(e, (uint32_t)mem.n);
	put32(e, (uint32_t)mem.n);
	put32(e, 6);
	put32(e, 4);
	put(e, notes.b, notes.n);
	put(e, mem.b, mem.n);
}

static uint32_t
crc32_ieee(const unsigned char *d, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n-- > 0) {
		c ^= *d++;
		for (k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

/* The partition data: header (version 1.0, CRC-32), core file, CRC. */
static void
dump_bytes(struct buf *d, const struct dump *dp, uint32_t version)
{
	struct buf e = {{0}, 0};

	core_file(&e, dp);
	put32(d, (uint32_t)(20 + e.n + 4));
	put32(d, version);
	put32(d, 2);
	put32(d, 0x164);
	put32(d, 1);
	put(d, e.b, e.n);
	put32(d, crc32_ieee(d->b, d->n));
}

/* A log with the dump between CORE DUMP START and END, 64 per line. */
static const char *
dump_log(const struct dump *dp, uint32_t version)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf d = {{0}, 0};
	char *log = calloc(1, 32768), *p;
	size_t i, col = 0;

	cr_assert_not_null(log);
	dump_bytes(&d, dp, version);
	p = log + sprintf(log, "I (5000) esp_https_ota: Starting OTA...\n"
	    "Guru Meditation Error: Core  1 panic'ed (LoadProhibited). "
	    "Exception was unhandled.\n"
	    "================= CORE DUMP START =================\n");
	for (i = 0; i < d.n; i += 3) {
		uint32_t v = (uint32_t)d.b[i] << 16 | (i + 1 < d.n ?
		    (uint32_t)d.b[i + 1] << 8 : 0) | (i + 2 < d.n ? d.b[i + 2] :
		    0);

		*p++ = b64[v >> 18];
		*p++ = b64[v >> 12 & 63];
		*p++ = i + 1 < d.n ? b64[v >> 6 & 63] : '=';
		*p++ = i + 2 < d.n ? b64[v & 63] : '=';
		if ((col += 4) == 64) {
			*p++ = '\n';
			col = 0;
		}
	}
	if (col > 0)
		*p++ = '\n';
	strcpy(p, "================= CORE DUMP END ===================\n"
	    "Rebooting...\n");
	p = (char *)testelf_write("coredump.log", log);
	free(log);
	return p;
}

/* What analyze says of frame k at addr: addr2line -C's function/line. */
static const char *
expect(const char *elf, uint32_t addr, size_t i, size_t k)
{
	struct testelf_a2l o;
	char buf[1024];

	testelf_addr2line(elf, addr, &o);
	cr_assert_lt(k, o.n);
	snprintf(buf, sizeof(buf), "#%zu %s%s at %s:%u%s", i, o.func[k],
	    strchr(o.func[k], '(') != NULL ? "" : "()", o.file[k], o.line[k],
	    k + 1 < o.n ? " (inlined)" : "");
	return results_keep(buf);
}

static const char *
after(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	cr_assert_not_null(p, "'%s' not in:\n%s", needle, hay);
	return p + strlen(needle);
}

static struct dump
xtensa_dump(const char *elf)
{
	struct dump dp;

	memset(&dp, 0, sizeof(dp));
	dp.pc = func_addr(elf, "_ZN11UpdateClass5writeEPhj") + 8;
	dp.a0 = xt_ret(func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10);
	dp.ret1 = xt_ret(func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") +
	    0x10);
	dp.sha = testelf_sha256(testelf_path(elf));
	return dp;
}

Test(coreelf, xtensa_crashed_task_decoded)
{
	const char *elf = "xtensa-cxx.elf";
	struct dump dp = xtensa_dump(elf);
	const char *log = dump_log(&dp, 0x0100);
	uint32_t f1 = func_addr(elf,
	    "_ZN10HTTPUpdate12handleUpdateER11UpdateClassj") + 0x10;
	uint32_t f2 = func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10;
	struct proc_out o = proc_run((const char *[]){ "analyze", "--elf",
	    testelf_path(elf), log, NULL });
	struct testelf_a2l a;
	const char *p;
	size_t i = 0, k;

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	p = after(o.out, "CRC-32 checksum good; an ELF core dump of 2 tasks "
	    "(Xtensa), the crashed one's TCB at 0x3ffb8a00, panic reason "
	    "'LoadProhibited'");
	p = after(p, "; the crashed task's stack: ");
	/* PC (with what is inlined there), then the walked frames */
	testelf_addr2line(elf, dp.pc, &a);
	for (k = 0; k < a.n; k++)
		p = after(p, expect(elf, dp.pc, i++, k));
	testelf_addr2line(elf, f1, &a);
	for (k = 0; k < a.n; k++)
		p = after(p, expect(elf, f1, i++, k));
	testelf_addr2line(elf, f2, &a);
	for (k = 0; k < a.n; k++)
		p = after(p, expect(elf, f2, i++, k));
	cr_expect(strstr(o.out, "UpdateClass::write(unsigned char*, unsigned "
	    "int) at ") != NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(coreelf, riscv_pc_and_ra)
{
	const char *elf = "riscv-cxx.elf";
	struct dump dp;
	const char *log;
	struct proc_out o;
	const char *p;

	memset(&dp, 0, sizeof(dp));
	dp.riscv = 1;
	dp.pc = func_addr(elf, "_Znwj") + 4;
	dp.a0 = func_addr(elf, "_ZN15ArduinoOTAClass6handleEv") + 0x10;
	dp.sha = testelf_sha256(testelf_path(elf));
	log = dump_log(&dp, 0x0100 | 5u << 16);	/* ESP32-C3 */
	o = proc_run((const char *[]){ "analyze", "--elf", testelf_path(elf),
	    log, NULL });
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	p = after(o.out, "an ELF core dump of 2 tasks (RISC-V)");
	p = after(p, "the crashed task's stack: ");
	p = after(p, expect(elf, dp.pc, 0, 0));
	p = after(p, " (PC and RA only: esp-coredump unwinds the rest)");
	proc_out_free(&o);
}

Test(coreelf, another_build_is_not_decoded)
{
	struct dump dp = xtensa_dump("xtensa-cxx.elf");
	const char *log = dump_log(&dp, 0x0100);
	struct proc_out o = proc_run((const char *[]){ "analyze", "--elf",
	    testelf_path("xtensa.elf"), log, NULL });
	char want[512];

	snprintf(want, sizeof(want), "the core dump is of the build with ELF "
	    "file SHA256 %s, and %s is another build (SHA256 %.16s): its "
	    "frames are not decoded", dp.sha, testelf_path("xtensa.elf"),
	    testelf_sha256(testelf_path("xtensa.elf")));
	after(o.out, want);
	cr_expect(strstr(o.out, "the crashed task's stack") == NULL);
	proc_out_free(&o);
}

Test(coreelf, malformed_core_file_is_said)
{
	struct dump dp = xtensa_dump("xtensa-cxx.elf");
	const char *log;
	struct proc_out o;

	dp.cut_note = 1;
	log = dump_log(&dp, 0x0100);
	o = proc_run((const char *[]){ "analyze", "--elf",
	    testelf_path("xtensa-cxx.elf"), log, NULL });
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	after(o.out, "CRC-32 checksum good; its ELF core file is malformed "
	    "(a note is cut short): esp-coredump may still read part of it");
	proc_out_free(&o);
}

/* Without --elf the dump is checked and described, not decoded. */
Test(coreelf, without_elf_the_task_is_named_not_decoded)
{
	struct dump dp = xtensa_dump("xtensa-cxx.elf");
	const char *log = dump_log(&dp, 0x0100);
	struct proc_out o = proc_run((const char *[]){ "analyze", log, NULL });

	after(o.out, "the crashed one's TCB at 0x3ffb8a00");
	cr_expect(strstr(o.out, "the crashed task's stack") == NULL);
	proc_out_free(&o);
}

/* Every cut of a good dump: malformed or not ELF, never a crash. */
Test(coreelf, every_truncation_is_bad_not_a_crash)
{
	struct dump dp = xtensa_dump("xtensa-cxx.elf");
	struct buf d = {{0}, 0};
	struct coreelf_crash c;
	const char *why;
	size_t n;

	dump_bytes(&d, &dp, 0x0100);
	cr_assert_eq(coreelf_read(d.b, d.n, 4, &c, &why), COREELF_OK, "%s",
	    why != NULL ? why : "");
	cr_expect_eq(c.tcb, CRASHED_TCB);
	cr_expect_eq(c.npc, 3);
	for (n = 0; n < d.n; n++) {
		enum coreelf_status st = coreelf_read(d.b, n, 4, &c, &why);

		cr_expect(st == COREELF_OK || st == COREELF_BAD ||
		    st == COREELF_NOT_ELF);
		cr_expect(st != COREELF_BAD || why != NULL);
	}
	/* a binary-format dump (version 2) is not read here */
	d.b[4] = 2;
	d.b[5] = 0;
	cr_expect_eq(coreelf_read(d.b, d.n, 4, &c, &why), COREELF_NOT_ELF);
}
