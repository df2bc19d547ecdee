/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testelf: the real ELFs the decoder's tests use (tests/elf/build.sh,
 * built by ctest's elf/build step into OTADIAG_ELF_DIR with Debian's
 * cross compilers) and binutils' addr2line/nm as the oracle.
 * Prefix: testelf_.
 */
#ifndef OTADIAG_TEST_TESTELF_H
#define OTADIAG_TEST_TESTELF_H

#include <stddef.h>
#include <stdint.h>

#define TESTELF_MAX 8

/* What addr2line -f -i -C says of an address, innermost first (C++ names
   demangled, as otadiag shows them). */
struct testelf_a2l {
	char		 func[TESTELF_MAX][128];	/* "??" when unknown */
	char		 file[TESTELF_MAX][512];	/* "??" when unknown */
	unsigned	 line[TESTELF_MAX];
	size_t		 n;
};

struct testelf_sym {
	char		 name[64];
	uint64_t	 addr, size;
};

/* OTADIAG_ELF_DIR/name; fails the test if it was not built (kept copy). */
const char *testelf_path(const char *name);
/* "xtensa-lx106-elf" for xtensa*.elf, "riscv64-unknown-elf" for riscv. */
const char *testelf_prefix(const char *name);
void	 testelf_addr2line(const char *name, uint64_t addr,
	    struct testelf_a2l *out);
/* The function symbols (nm -S), at most max; returns their number. */
size_t	 testelf_functions(const char *name, struct testelf_sym *out,
	    size_t max);
/* The line of tests/elf/crashapp.c marked "LINE marker". */
unsigned testelf_marker_line(const char *marker);
/* The file's SHA-256 (sha256sum), 64 hex digits, kept copy. */
const char *testelf_sha256(const char *path);
/* Writes text to a new file in the test's temporary folder; its path. */
const char *testelf_write(const char *name, const char *text);

#endif
