/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testelf: test ELFs and the binutils oracle (see testelf.h).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"
#include "testelf.h"

const char *
testelf_path(const char *name)
{
	char buf[1024];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s/%s", OTADIAG_ELF_DIR, name);
	if (stat(buf, &st) != 0)
		cr_assert_fail("%s was not built: run 'sh tests/elf/build.sh %s' "
		    "(ctest runs it as elf/build; it needs the compilers of "
		    "scripts/deps/apt-decode-tests.txt)", buf, OTADIAG_ELF_DIR);
	return results_keep(buf);
}

const char *
testelf_prefix(const char *name)
{
	return strncmp(name, "riscv", 5) == 0 ? "riscv64-unknown-elf" :
	    "xtensa-lx106-elf";
}

static FILE *
run(const char *cmd)
{
	FILE *fp = popen(cmd, "r");

	cr_assert_not_null(fp, "cannot run %s", cmd);
	return fp;
}

void
testelf_addr2line(const char *name, uint64_t addr, struct testelf_a2l *out)
{
	char cmd[2048], fn[512], loc[1024];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "%s-addr2line -f -i -C -e '%s' 0x%llx",
	    testelf_prefix(name), testelf_path(name), (unsigned long long)addr);
	fp = run(cmd);
	memset(out, 0, sizeof(*out));
	while (out->n < TESTELF_MAX && fgets(fn, sizeof(fn), fp) != NULL &&
	    fgets(loc, sizeof(loc), fp) != NULL) {
		char *colon, *sp;

		fn[strcspn(fn, "\n")] = '\0';
		loc[strcspn(loc, "\n")] = '\0';
		if ((sp = strstr(loc, " (discriminator")) != NULL)
			*sp = '\0';
		colon = strrchr(loc, ':');
		cr_assert_not_null(colon, "addr2line: %s", loc);
		*colon = '\0';
		snprintf(out->func[out->n], sizeof(out->func[0]), "%.127s", fn);
		snprintf(out->file[out->n], sizeof(out->file[0]), "%.511s", loc);
		out->line[out->n] = (unsigned)strtoul(colon + 1, NULL, 10);
		out->n++;
	}
	pclose(fp);
}

size_t
testelf_functions(const char *name, struct testelf_sym *out, size_t max)
{
	char cmd[2048], line[512];
	FILE *fp;
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "%s-nm -S --defined-only '%s'",
	    testelf_prefix(name), testelf_path(name));
	fp = run(cmd);
	while (n < max && fgets(line, sizeof(line), fp) != NULL) {
		unsigned long long a, s;
		char type, sym[64];

		if (sscanf(line, "%llx %llx %c %63s", &a, &s, &type, sym) != 4 ||
		    (type != 'T' && type != 't'))
			continue;
		out[n].addr = a;
		out[n].size = s;
		snprintf(out[n].name, sizeof(out[n].name), "%s", sym);
		n++;
	}
	pclose(fp);
	return n;
}

unsigned
testelf_marker_line(const char *marker)
{
	char path[1024], line[512], want[128];
	FILE *fp;
	unsigned n = 0;

	snprintf(path, sizeof(path), "%s/tests/elf/crashapp.c",
	    OTADIAG_SOURCE_DIR);
	snprintf(want, sizeof(want), "/* LINE %s */", marker);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		n++;
		if (strstr(line, want) != NULL) {
			fclose(fp);
			return n;
		}
	}
	fclose(fp);
	cr_assert_fail("no marker '%s' in %s", marker, path);
	return 0;
}

const char *
testelf_sha256(const char *path)
{
	char cmd[2048], out[128];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	fp = run(cmd);
	cr_assert_not_null(fgets(out, sizeof(out), fp));
	pclose(fp);
	out[64] = '\0';
	return results_keep(out);
}

const char *
testelf_write(const char *name, const char *text)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", results_tmpdir(), name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
	return results_keep(path);
}
