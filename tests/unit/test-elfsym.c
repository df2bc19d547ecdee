/* SPDX-License-Identifier: Apache-2.0 */
/*
 * elfsym: real Xtensa and RISC-V ELFs (tests/elf/build.sh) looked up
 * address by address; binutils' addr2line of the same cross toolchain is
 * the oracle, and the marked lines of tests/elf/crashapp.c pin the
 * inlined frame.  Bad files give a one-line error, never a crash.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"
#include "results.h"
#include "testelf.h"

static void
setup(void)
{
	results_tmpdir_enter("elfsym");
}

TestSuite(elfsym, .init = setup, .fini = results_fini);

static struct elfsym *
open_ok(const char *name)
{
	struct diag_err err;
	struct elfsym *es = elfsym_open(testelf_path(name), &err);

	cr_assert_not_null(es, "%s: %s", name, err.text);
	return es;
}

/* Every address of every function: the same frames as addr2line -f -i. */
static void
agrees_with_addr2line(const char *name)
{
	struct elfsym *es = open_ok(name);
	struct testelf_sym syms[64];
	size_t nsyms = testelf_functions(name, syms, 64), i, checked = 0;
	int inlined_seen = 0;

	cr_assert_geq(nsyms, 5, "%s: %zu functions", name, nsyms);
	for (i = 0; i < nsyms; i++) {
		uint64_t a;

		for (a = syms[i].addr; a < syms[i].addr + syms[i].size; a += 2) {
			struct elfsym_frame f[ELFSYM_MAX_FRAMES];
			struct testelf_a2l o;
			size_t n = elfsym_lookup(es, a, f, ELFSYM_MAX_FRAMES), k;

			testelf_addr2line(name, a, &o);
			cr_assert_eq(n, o.n, "%s 0x%llx: %zu frames, addr2line %zu",
			    name, (unsigned long long)a, n, o.n);
			for (k = 0; k < n; k++) {
				cr_expect_str_eq(f[k].function, o.func[k],
				    "%s 0x%llx #%zu", name, (unsigned long long)a, k);
				cr_expect_str_eq(f[k].file != NULL ? f[k].file :
				    "??", o.file[k], "%s 0x%llx #%zu", name,
				    (unsigned long long)a, k);
				cr_expect_eq(f[k].line, o.line[k], "%s 0x%llx #%zu: "
				    "%u, addr2line %u", name, (unsigned long long)a,
				    k, f[k].line, o.line[k]);
				cr_expect_eq(f[k].inlined, k + 1 < n);
			}
			inlined_seen |= n > 1;
			checked++;
		}
	}
	cr_expect_gt(checked, 20);
	cr_expect(inlined_seen, "%s: no address inside the inlined "
	    "store_pulse()", name);
	elfsym_free(es);
}

Test(elfsym, xtensa_matches_addr2line)
{
	agrees_with_addr2line("xtensa.elf");
}

Test(elfsym, riscv_matches_addr2line)
{
	agrees_with_addr2line("riscv.elf");
}

/* C++ (tests/elf/otaapp.cpp): the same names as addr2line -C. */
Test(elfsym, xtensa_cxx_matches_addr2line)
{
	agrees_with_addr2line("xtensa-cxx.elf");
}

Test(elfsym, riscv_cxx_matches_addr2line)
{
	agrees_with_addr2line("riscv-cxx.elf");
}

/* Qualified and demangled: namespace, class, parameters; from the DWARF
   and, stripped of it, from the symbol table. */
static void
cxx_names(const char *name, int lines)
{
	struct elfsym *es = open_ok(name);
	struct testelf_sym syms[64];
	size_t nsyms = testelf_functions(name, syms, 64), i;
	int seen = 0;

	for (i = 0; i < nsyms; i++) {
		struct elfsym_frame f[ELFSYM_MAX_FRAMES];
		size_t n = elfsym_lookup(es, syms[i].addr, f, ELFSYM_MAX_FRAMES);

		cr_assert_gt(n, 0, "%s %s", name, syms[i].name);
		if (strcmp(syms[i].name, "_ZN10HTTPUpdate12handleUpdateER11"
		    "UpdateClassj") == 0) {
			cr_expect_str_eq(f[n - 1].function, "HTTPUpdate::"
			    "handleUpdate(UpdateClass&, unsigned int)");
			seen++;
		} else if (strcmp(syms[i].name, "_Znwj") == 0) {
			cr_expect_str_eq(f[n - 1].function,
			    "operator new(unsigned int)");
			seen++;
		} else if (strcmp(syms[i].name, "_ZN11UpdateClassC2Ev") == 0) {
			cr_expect_str_eq(f[n - 1].function,
			    "UpdateClass::UpdateClass()");
			seen++;
		}
		cr_expect_eq(f[n - 1].line != 0, lines, "%s", syms[i].name);
	}
	cr_expect_eq(seen, 3, "%s: %d of the three functions", name, seen);
	elfsym_free(es);
}

Test(elfsym, cxx_names_qualified_and_demangled)
{
	cxx_names("xtensa-cxx.elf", 1);
	cxx_names("riscv-cxx.elf", 1);
	cxx_names("xtensa-cxx-nodebug.elf", 0);
}

/* The inlined static member of a namespaced struct, with its caller. */
Test(elfsym, cxx_inlined_member_function)
{
	struct elfsym *es = open_ok("xtensa-cxx.elf");
	struct testelf_sym syms[64];
	size_t nsyms = testelf_functions("xtensa-cxx.elf", syms, 64), i;
	int found = 0;

	for (i = 0; i < nsyms && !found; i++) {
		uint64_t a;

		if (strcmp(syms[i].name, "_ZN11UpdateClass5writeEPhj") != 0)
			continue;
		for (a = syms[i].addr; a < syms[i].addr + syms[i].size; a++) {
			struct elfsym_frame f[ELFSYM_MAX_FRAMES];
			size_t n = elfsym_lookup(es, a, f, ELFSYM_MAX_FRAMES);

			if (n != 2)
				continue;
			cr_expect_str_eq(f[0].function, "ota::Flash::store(int)");
			cr_expect(f[0].inlined);
			cr_expect_str_eq(f[1].function, "UpdateClass::write("
			    "unsigned char*, unsigned int)");
			found = 1;
			break;
		}
	}
	cr_expect(found, "no address in the inlined ota::Flash::store");
	elfsym_free(es);
}

/* The store in store_pulse(), inlined into onPulse(): two frames. */
static void
inlined_frames(const char *name)
{
	struct elfsym *es = open_ok(name);
	struct testelf_sym syms[64];
	size_t nsyms = testelf_functions(name, syms, 64), i;
	unsigned store = testelf_marker_line("store_pulse");
	unsigned call = testelf_marker_line("onPulse-call");
	int found = 0;

	for (i = 0; i < nsyms && !found; i++) {
		uint64_t a;

		if (strcmp(syms[i].name, "onPulse") != 0)
			continue;
		for (a = syms[i].addr; a < syms[i].addr + syms[i].size; a++) {
			struct elfsym_frame f[ELFSYM_MAX_FRAMES];
			size_t n = elfsym_lookup(es, a, f, ELFSYM_MAX_FRAMES);

			if (n != 2 || f[0].line != store)
				continue;
			cr_expect_str_eq(f[0].function, "store_pulse");
			cr_expect(f[0].inlined);
			cr_expect_str_eq(f[1].function, "onPulse");
			cr_expect_eq(f[1].line, call);
			cr_expect(!f[1].inlined);
			cr_expect(strstr(f[1].file, "tests/elf/crashapp.c") != NULL,
			    "%s", f[1].file);
			found = 1;
			break;
		}
	}
	cr_expect(found, "%s: no address of line %u inlined in onPulse()",
	    name, store);
	elfsym_free(es);
}

Test(elfsym, xtensa_inlined_function_and_call_site)
{
	inlined_frames("xtensa.elf");
}

Test(elfsym, riscv_inlined_function_and_call_site)
{
	inlined_frames("riscv.elf");
}

Test(elfsym, sha256_of_the_file_and_printed_prefixes)
{
	struct elfsym *es = open_ok("xtensa.elf");
	const char *sha = testelf_sha256(testelf_path("xtensa.elf"));
	char upper[16];
	size_t i;

	cr_expect_str_eq(elfsym_sha256(es), sha);
	cr_expect(elfsym_sha_matches(es, sha));
	for (i = 0; i < 9; i++)
		upper[i] = (char)(sha[i] >= 'a' ? sha[i] - 32 : sha[i]);
	upper[9] = '\0';
	cr_expect(elfsym_sha_matches(es, upper), "case-insensitive");
	cr_expect(!elfsym_sha_matches(es, "abc"), "3 digits say nothing");
	cr_expect(!elfsym_sha_matches(es,
	    testelf_sha256(testelf_path("xtensa-other.elf"))));
	cr_expect(elfsym_is_app(es), "defines esp_app_desc");
	elfsym_free(es);
}

Test(elfsym, symbols_without_lines)
{
	struct elfsym *es = open_ok("xtensa-nodebug.elf");
	struct testelf_sym syms[64];
	size_t nsyms = testelf_functions("xtensa.elf", syms, 64), i;

	cr_expect(!elfsym_has_lines(es));
	cr_expect(elfsym_has_symbols(es));
	for (i = 0; i < nsyms; i++) {
		struct elfsym_frame f[ELFSYM_MAX_FRAMES];
		size_t n = elfsym_lookup(es, syms[i].addr + 2, f, 8);

		cr_assert_eq(n, 1, "%s", syms[i].name);
		cr_expect_str_eq(f[0].function, syms[i].name);
		cr_expect_null(f[0].file);
		cr_expect_eq(f[0].line, 0);
	}
	elfsym_free(es);
}

Test(elfsym, fully_stripped_names_nothing)
{
	struct elfsym *es = open_ok("xtensa-stripped.elf");
	struct elfsym_frame f[ELFSYM_MAX_FRAMES];

	cr_expect(!elfsym_has_symbols(es));
	cr_expect_eq(elfsym_lookup(es, 0x400d0030, f, 8), 0);
	elfsym_free(es);
}

Test(elfsym, addresses_outside_the_code)
{
	struct elfsym *es = open_ok("xtensa.elf");
	struct elfsym_frame f[ELFSYM_MAX_FRAMES];

	cr_expect_eq(elfsym_lookup(es, 0x40081234, f, 8), 0, "ROM/IRAM");
	cr_expect_eq(elfsym_lookup(es, 0x3ffb1f80, f, 8), 0, "stack");
	cr_expect_eq(elfsym_lookup(es, 0, f, 8), 0);
	cr_expect_eq(elfsym_lookup(es, 0xffffffffffffffffull, f, 8), 0);
	cr_expect(!elfsym_in_code(es, 0x3ffb1f80));
	elfsym_free(es);
}

static void
open_fails(const char *path, const char *text)
{
	struct diag_err err;
	struct elfsym *es = elfsym_open(path, &err);

	cr_assert_null(es, "%s opened", path);
	cr_expect(strstr(err.text, text) != NULL, "%s: '%s'", path, err.text);
	cr_expect_str_eq(err.file, path);
	cr_expect(strchr(err.text, '\n') == NULL, "one line");
}

Test(elfsym, not_an_elf)
{
	open_fails(testelf_write("app.bin", "\xe9\x06\x02\x20 not an ELF\n"),
	    "not an ELF file");
	open_fails(testelf_write("empty.elf", ""), "not an ELF file");
	open_fails(results_tmpdir(), "not a regular file");
	open_fails("/nonexistent/app.elf", "cannot open");
}

Test(elfsym, truncated_elf)
{
	char *all;
	size_t len, cuts[] = {16, 52, 200, 1000, 3000}, i;
	FILE *fp = fopen(testelf_path("xtensa.elf"), "rb");

	cr_assert_not_null(fp);
	all = malloc(1 << 20);
	len = fread(all, 1, 1 << 20, fp);
	fclose(fp);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char name[32];
		struct diag_err err;
		struct elfsym *es;
		FILE *out;

		cr_assert_lt(cuts[i], len);
		snprintf(name, sizeof(name), "cut-%zu.elf", cuts[i]);
		out = fopen(name, "wb");
		fwrite(all, 1, cuts[i], out);
		fclose(out);
		es = elfsym_open(name, &err);
		cr_expect_null(es, "%s opened", name);
		if (es == NULL)
			cr_expect(strstr(err.text, "ELF") != NULL, "%s: %s", name,
			    err.text);
		elfsym_free(es);
	}
	free(all);
}

/* 100 MB: a real ELF followed by padding, as a big app with assets. */
Test(elfsym, hundred_megabyte_elf)
{
	char cmd[2048];
	struct elfsym *es;
	struct diag_err err;
	struct elfsym_frame f[ELFSYM_MAX_FRAMES];
	struct testelf_sym syms[64];
	size_t nsyms = testelf_functions("xtensa.elf", syms, 64);

	snprintf(cmd, sizeof(cmd), "cp '%s' big.elf && truncate -s 100M big.elf",
	    testelf_path("xtensa.elf"));
	cr_assert_eq(system(cmd), 0);
	es = elfsym_open("big.elf", &err);
	cr_assert_not_null(es, "%s", err.text);
	cr_expect_str_eq(elfsym_sha256(es), testelf_sha256("big.elf"));
	cr_assert_gt(nsyms, 0);
	cr_expect_eq(elfsym_lookup(es, syms[0].addr, f, 8) > 0, 1);
	elfsym_free(es);
}
