/* SPDX-License-Identifier: Apache-2.0 */
/*
 * backtrace: the address lines of crash reports as the firmware prints
 * them (ESP-IDF Xtensa and RISC-V panics, ESP8266 postmortem, abort,
 * assert, ELF file SHA256), and lines that only look like them.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "backtrace.h"

static struct bt_line
parse1(const char *text)
{
	struct bt_state st = {0};
	struct bt_line bl;

	bt_parse(&st, text, &bl);
	return bl;
}

Test(backtrace, xtensa_backtrace_pairs)
{
	struct bt_line bl = parse1("Backtrace: 0x400d0047:0x3ffb1f80 "
	    "0x400d0068:0x3ffb1fa0 0x400d0075:0x3ffb1fc0");

	cr_assert_eq(bl.kind, BT_BACKTRACE);
	cr_assert_eq(bl.naddrs, 3);
	cr_expect_eq(bl.addrs[0].addr, 0x400d0047);
	cr_expect_eq(bl.addrs[2].addr, 0x400d0075);
	cr_expect_str_eq(bl.addrs[0].what, "PC");
	cr_expect(!bl.corrupted);
}

Test(backtrace, xtensa_backtrace_corrupted_and_cut)
{
	struct bt_line bl = parse1("Backtrace:0x400d0047:0x3ffb1f80 "
	    "0x400d0068:0x3ffb1fa0 |<-CORRUPTED");

	cr_assert_eq(bl.kind, BT_BACKTRACE);
	cr_expect_eq(bl.naddrs, 2);
	cr_expect(bl.corrupted);
	bl = parse1("Backtrace: 0x40083edd:0x3ffb2020 0x40090b69:0x3ffb2040 "
	    "0x400972c5:0x>  on port: 82");
	cr_expect_eq(bl.naddrs, 2, "the cut pair is dropped");
	cr_expect(bl.corrupted);
	bl = parse1("Backtrace: 0x400d0047:0x3ffb1f80 0x00000000:0x00000000");
	cr_expect_eq(bl.naddrs, 1, "a zero PC ends the chain");
}

Test(backtrace, xtensa_register_dump)
{
	struct bt_line bl = parse1("PC      : 0x400d0047  PS      : 0x00060830"
	    "  A0      : 0x800d0068  A1      : 0x3ffb1f80");

	cr_assert_eq(bl.kind, BT_REGS);
	cr_assert_eq(bl.naddrs, 2);
	cr_expect_str_eq(bl.addrs[0].what, "PC");
	cr_expect_eq(bl.addrs[0].addr, 0x400d0047);
	cr_expect_str_eq(bl.addrs[1].what, "A0");
	/* windowed call: top bits are the call size, the call is 3 back */
	cr_expect_eq(bl.addrs[1].addr, 0x400d0065);
	bl = parse1("EXCVADDR: 0x400d0047  LBEG    : 0x4000c2e0");
	cr_assert_eq(bl.naddrs, 1);
	cr_expect(bl.addrs[0].probable, "EXCVADDR is code only if in code");
	bl = parse1("EXCVADDR: 0x00000000  LBEG    : 0x4000c2e0");
	cr_expect_eq(bl.kind, BT_NONE);
}

Test(backtrace, riscv_registers_and_stack_memory)
{
	struct bt_state st = {0};
	struct bt_line bl;

	bt_parse(&st, "MEPC    : 0x4200004a  RA      : 0x42000062  "
	    "SP      : 0x3fc8f6a0  GP      : 0x3fc8bc00", &bl);
	cr_assert_eq(bl.kind, BT_REGS);
	cr_assert_eq(bl.naddrs, 2);
	cr_expect_str_eq(bl.addrs[0].what, "MEPC");
	cr_expect_str_eq(bl.addrs[1].what, "RA");
	cr_expect_eq(bl.addrs[1].addr, 0x42000062, "RISC-V RA as printed");
	bt_parse(&st, "Stack memory:", &bl);
	cr_expect_eq(bl.kind, BT_STACK);
	bt_parse(&st, "3fc8f6a0: 0x00000000 0x42000062 0x3fc8f6c0 0x4200007c",
	    &bl);
	cr_assert_eq(bl.kind, BT_STACK);
	cr_assert_eq(bl.naddrs, 3, "zero words are dropped");
	cr_expect(bl.addrs[0].probable);
	cr_expect_eq(bl.addrs[0].addr, 0x42000062);
	bt_parse(&st, "", &bl);
	bt_parse(&st, "3fc8f6c0: 0x00000001", &bl);
	cr_expect_eq(bl.kind, BT_NONE, "the dump ended at the blank line");
}

Test(backtrace, esp8266_exception_and_stack)
{
	struct bt_state st = {0};
	struct bt_line bl;

	bt_parse(&st, "Exception (29):", &bl);
	cr_expect_eq(bl.kind, BT_START);
	bt_parse(&st, "epc1=0x400d0047 epc2=0x00000000 epc3=0x00000000 "
	    "excvaddr=0x00000000 depc=0x00000000", &bl);
	cr_assert_eq(bl.kind, BT_REGS);
	cr_assert_eq(bl.naddrs, 1);
	cr_expect_str_eq(bl.addrs[0].what, "epc1");
	bt_parse(&st, ">>>stack>>>", &bl);
	bt_parse(&st, "ctx: cont", &bl);
	bt_parse(&st, "sp: 3ffffdb0 end: 3fffffc0 offset: 0190", &bl);
	bt_parse(&st, "3fffff40:  3fffdad0 00000000 3ffee7a4 400d0068  ", &bl);
	cr_assert_eq(bl.kind, BT_STACK);
	cr_expect_eq(bl.naddrs, 3);
	cr_expect_eq(bl.addrs[2].addr, 0x400d0068);
	bt_parse(&st, "<<<stack<<<", &bl);
	bt_parse(&st, "3fffff40:  3fffdad0", &bl);
	cr_expect_eq(bl.kind, BT_NONE, "after the block");
}

Test(backtrace, abort_assert_sha_and_restart)
{
	struct bt_line bl = parse1("abort() was called at PC 0x400d2f5b on core 0");

	cr_assert_eq(bl.kind, BT_ABORT);
	cr_expect_eq(bl.addrs[0].addr, 0x400d2f5b);
	bl = parse1("assert failed: xQueueSemaphoreTake queue.c:1545 "
	    "(( pxQueue ))");
	cr_assert_eq(bl.kind, BT_ASSERT);
	cr_expect_str_eq(bl.func, "xQueueSemaphoreTake");
	cr_expect_str_eq(bl.file, "queue.c");
	cr_expect_eq(bl.line, 1545);
	bl = parse1("assertion \"x == 1\" failed: file \"/src/main.c\", line 12, "
	    "function: app_main");
	cr_assert_eq(bl.kind, BT_ASSERT);
	cr_expect_str_eq(bl.file, "/src/main.c");
	cr_expect_eq(bl.line, 12);
	cr_expect_str_eq(bl.func, "app_main");
	bl = parse1("I (120) app_init: ELF file SHA256:  A03502DC4EF45288...");
	cr_assert_eq(bl.kind, BT_SHA);
	cr_expect_str_eq(bl.sha, "a03502dc4ef45288");
	bl = parse1("ELF file SHA256: a03502dc4");
	cr_expect_str_eq(bl.sha, "a03502dc4");
	cr_expect_eq(parse1("Rebooting...").kind, BT_END);
	cr_expect_eq(parse1("ets Jun  8 2016 00:22:57").kind, BT_END);
	cr_expect_eq(parse1(" ets Jan  8 2013,rst cause:2, boot mode:(3,6)").kind,
	    BT_END);
	cr_expect_eq(parse1("Guru Meditation Error: Core  1 panic'ed "
	    "(StoreProhibited). Exception was unhandled.").kind, BT_START);
}

Test(backtrace, lookalikes_are_nothing)
{
	const char *lines[] = {
		"I (5000) esp_https_ota: Starting OTA...",
		"Backtrace: see above",
		"ELF file SHA256: none",
		"W (1) app: PC: 0x40080000",	/* one register-like token */
		"[HTTP_UPDATE] epc1 is not here",
		"0x400d0047: ?? ??:0",
		"0x400d0047: onPulse at somewhere",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct bt_line bl = parse1(lines[i]);

		cr_expect_eq(bl.kind, BT_NONE, "'%s': kind %d", lines[i], bl.kind);
		cr_expect_eq(bl.naddrs, 0, "'%s'", lines[i]);
	}
}

Test(backtrace, more_addresses_than_kept)
{
	char line[4096] = "Backtrace:";
	struct bt_line bl;
	int i;

	for (i = 0; i < BT_MAX_ADDRS + 10; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    " 0x400d%04x:0x3ffb0000", i + 1);
	bl = parse1(line);
	cr_expect_eq(bl.naddrs, BT_MAX_ADDRS);
	cr_expect(bl.corrupted);
}

Test(backtrace, frames_a_monitor_decoded)
{
	struct bt_line bl = parse1("0x400d0047: onPulse at /p/main.c:31");

	cr_assert_eq(bl.kind, BT_DECODED);
	cr_expect_eq(bl.addrs[0].addr, 0x400d0047);
	cr_expect_str_eq(bl.func, "onPulse");
	cr_expect_str_eq(bl.file, "/p/main.c");
	cr_expect_eq(bl.line, 31);
	bl = parse1("(inlined by) loop at /p/main.cpp:40");
	cr_assert_eq(bl.kind, BT_DECODED);
	cr_expect(bl.inlined_by);
	cr_expect_str_eq(bl.func, "loop");
	bl = parse1("  #1  0x40384192:0x3fcc35b0 in UpdateClass::write(unsigned "
	    "char*, unsigned int) at Update.cpp:322");
	cr_assert_eq(bl.kind, BT_DECODED);
	cr_expect_str_eq(bl.func, "UpdateClass::write(unsigned char*, unsigned "
	    "int)");
	cr_expect_str_eq(bl.file, "Update.cpp");
	bl = parse1("0x400d0047: onPulse() at C:\\proj\\main.cpp line 31");
	cr_assert_eq(bl.kind, BT_DECODED);
	cr_expect_str_eq(bl.func, "onPulse", "() dropped");
	cr_expect_str_eq(bl.file, "C:\\proj\\main.cpp");
	cr_expect_eq(bl.line, 31);
}

/*
 * bt_needles is what lets analyze skip the crash parsers on most lines: a
 * line that holds none must be BT_NONE and open no stack dump.  Checked on
 * a line of every kind and on every line of every fixture log.
 */
static int
holds_needle(const char *text)
{
	char low[4096];
	size_t i, k;

	for (i = 0; text[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 :
		    text[i]);
	low[i] = '\0';
	for (k = 0; bt_needles[k] != NULL; k++) {
		char nl[64];
		size_t j;

		for (j = 0; bt_needles[k][j] != '\0' && j < sizeof(nl) - 1; j++)
			nl[j] = (char)(bt_needles[k][j] >= 'A' &&
			    bt_needles[k][j] <= 'Z' ? bt_needles[k][j] + 32 :
			    bt_needles[k][j]);
		nl[j] = '\0';
		if (strstr(low, nl) != NULL)
			return 1;
	}
	return 0;
}

/* 1 if the line is something to the parser from the idle state. */
static int
is_crash_line(const char *text)
{
	struct bt_state st = {0};
	struct bt_line bl;

	bt_parse(&st, text, &bl);
	return bl.kind != BT_NONE || st.in_stack != 0;
}

Test(backtrace, needles_cover_every_kind)
{
	static const char *const lines[] = {
		"Backtrace: 0x400d0047:0x3ffb1f80 0x400d0068:0x3ffb1fa0",
		"PC      : 0x400d1a2b  PS      : 0x00060030  A0      : 0x800d1b2c",
		"MEPC    : 0x4200004a  RA      : 0x42000062  SP      : 0x3fc8f6a0",
		"Stack memory:",
		">>>stack>>>",
		"Exception (29):",
		"epc1=0x400d0047 epc2=0x00000000 epc3=0x00000000 excvaddr=0x0",
		"abort() was called at PC 0x400d2f5b on core 0",
		"assert failed: app_main main.c:12 (x == 1)",
		"assertion \"x\" failed: file \"main.c\", line 12, function: f",
		"ELF file SHA256: 8ee3d5a8d1c0e1f2",
		"Guru Meditation Error: Core  0 panic'ed (LoadProhibited).",
		"Core  0 register dump:",
		"Rebooting...",
		"CPU halted.",
		"ets Jun  8 2016 00:22:57",
		"ESP-ROM:esp32c3-api1-20210207",
		"rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
		"0x400d1234: onPulse() at src/main.cpp:31",
		"#0  0x400d1234:0x3ffb1f80 in onPulse() at src/main.cpp:31",
		"(inlined by) loop at src/main.cpp:40",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cr_expect(is_crash_line(lines[i]), "not a crash line: %s",
		    lines[i]);
		cr_expect(holds_needle(lines[i]), "no needle in: %s", lines[i]);
	}
	cr_expect(!holds_needle("I (123) wifi: connected, rssi -40"));
}

static void
check_file(const char *path, size_t *nlines, size_t *ncrash)
{
	FILE *fp = fopen(path, "rb");
	char line[8192];
	size_t n;

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		(*nlines)++;
		if (!is_crash_line(line))
			continue;
		(*ncrash)++;
		cr_expect(holds_needle(line), "%s: a crash line without a "
		    "needle of bt_needles: %s", path, line);
	}
	fclose(fp);
}

Test(backtrace, needles_cover_every_fixture_crash_line)
{
	static const char *const dirs[] = {"fixtures/corpus", "fixtures/logs",
	    "fixtures/jobs/logs", "fixtures/field/idf",
	    "fixtures/field/platforms", "fixtures/field/sessions",
	    "fixtures/field/fresh"};
	char path[1024];
	size_t i, l, nlines = 0, ncrash = 0, nfiles = 0;
	DIR *d;
	struct dirent *de;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", OTADIAG_SOURCE_DIR,
		    dirs[i]);
		cr_assert_not_null(d = opendir(path), "%s", path);
		while ((de = readdir(d)) != NULL) {
			l = strlen(de->d_name);
			if (l < 5 || strcmp(de->d_name + l - 4, ".log") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s",
			    OTADIAG_SOURCE_DIR, dirs[i], de->d_name);
			check_file(path, &nlines, &ncrash);
			nfiles++;
		}
		closedir(d);
	}
	cr_expect_gt(nfiles, 200, "fixture logs read: %zu", nfiles);
	cr_expect_gt(ncrash, 100, "crash lines among their %zu lines: %zu",
	    nlines, ncrash);
}
