/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coredump: UART core dump blocks as ESP-IDF prints them, built here with
 * a real CRC-32 / SHA-256 (sha256sum-compatible, via python3), then broken
 * in the ways a serial line breaks them.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coredump.h"
#include "results.h"

static void
setup(void)
{
	results_tmpdir_enter("coredump");
}

TestSuite(coredump, .init = setup, .fini = results_fini);

/* Lines of a core dump block made by python3: sum is crc or sha. */
static char *
block(const char *sum, const char *mangle)
{
	char cmd[2048];
	FILE *fp;
	char *out = malloc(1 << 20);
	size_t n;

	snprintf(cmd, sizeof(cmd), "python3 -c '"
	    "import base64,struct,zlib,hashlib\n"
	    "p=bytes(range(256))*8\n"
	    "k=4 if \"%s\"==\"crc\" else 32\n"
	    "n=24+len(p)+k\n"
	    "b=struct.pack(\"<IIIIII\",n,0x103,3,0x160,2,0)+p\n"
	    "b+=struct.pack(\"<I\",zlib.crc32(b)) if k==4 else "
	    "hashlib.sha256(b).digest()\n"
	    "s=base64.b64encode(b).decode()\n"
	    "%s\n"
	    "print(\"\\n\".join(s[i:i+64] for i in range(0,len(s),64)))'",
	    sum, mangle);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	n = fread(out, 1, (1 << 20) - 1, fp);
	out[n] = '\0';
	cr_assert_eq(pclose(fp), 0, "python3 failed");
	return out;
}

/* Feeds START, the lines of b, END; returns the report (owned). */
static char *
run(struct coredump *cd, const char *b, int with_end, unsigned long *line)
{
	char *copy = strdup(b), *save = NULL, *l, *r = NULL;
	unsigned long n = 10;

	cr_expect_null(coredump_feed(cd, n++, "================= CORE DUMP START "
	    "=================", line));
	for (l = strtok_r(copy, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save))
		cr_assert_null(coredump_feed(cd, n++, l, line));
	if (with_end)
		r = coredump_feed(cd, n, "================= CORE DUMP END "
		    "===================", line);
	else
		r = coredump_finish(cd, line);
	free(copy);
	cr_assert_not_null(r);
	return r;
}

Test(coredump, crc32_block_checked_and_saved)
{
	struct coredump *cd = coredump_new(results_tmpdir(), "/x/ota.log");
	char *b = block("crc", ""), *r, *saved, path[1024], *flat;
	unsigned long line = 0;
	size_t i, j;

	r = run(cd, b, 1, &line);
	cr_expect_eq(line, 10);
	cr_expect(strstr(r, "2076 bytes, CRC-32 checksum good") != NULL, "%s", r);
	snprintf(path, sizeof(path), "%s/ota.log.coredump-1.b64",
	    results_tmpdir());
	cr_expect(strstr(r, path) != NULL, "%s", r);
	cr_expect(strstr(r, "esp-coredump info_corefile -t b64 -c") != NULL);
	saved = results_read(path);
	flat = strdup(b);
	for (i = j = 0; b[i] != '\0'; i++)
		if (b[i] != '\n')
			flat[j++] = b[i];
	flat[j] = '\0';
	cr_expect_str_eq(saved, flat, "the base64 as printed, joined");
	free(flat);
	free(r);
	free(b);
	coredump_free(cd);
}

Test(coredump, sha256_block)
{
	struct coredump *cd = coredump_new(NULL, "ota.log");
	char *b = block("sha", ""), *r;
	unsigned long line;

	r = run(cd, b, 1, &line);
	cr_expect(strstr(r, "SHA-256 checksum good") != NULL, "%s", r);
	cr_expect(strstr(r, "save it with --coredump-dir DIR") != NULL, "%s", r);
	free(r);
	free(b);
	coredump_free(cd);
}

static void
broken(const char *mangle, int with_end, const char *want)
{
	struct coredump *cd = coredump_new(results_tmpdir(), "ota.log");
	char *b = block("crc", mangle), *r;
	unsigned long line;

	r = run(cd, b, with_end, &line);
	cr_expect(strstr(r, want) != NULL, "%s: '%s'", mangle, r);
	cr_expect(strstr(r, "saved to") == NULL, "a bad dump was saved");
	cr_expect(strchr(r, '\n') == NULL);
	free(r);
	free(b);
	coredump_free(cd);
}

Test(coredump, corrupted_blocks)
{
	/* one character changed: the checksum catches it */
	broken("s=s[:100]+(\"A\" if s[100]!=\"A\" else \"B\")+s[101:]", 1,
	    "does not match: corrupted");
	/* a line lost: the length no longer fits the header */
	broken("s=s[:64]+s[128:]", 1, "but its header says");
	/* noise in the middle of the block */
	broken("s=s[:64]+\"\\x7e\\x21 garbage\"+s[64:]", 1, "is not base64");
	/* the log ends inside the block */
	broken("", 0, "the log ends before its CORE DUMP END line");
	/* not a multiple of 4 */
	broken("s=s[:-1]", 1, "the base64 is malformed");
}

Test(coredump, a_huge_block_is_not_kept)
{
	struct coredump *cd = coredump_new(NULL, "ota.log");
	char line64[65];
	unsigned long n, first = 0;
	char *r;

	memset(line64, 'A', 64);
	line64[64] = '\0';
	cr_assert_null(coredump_feed(cd, 1, "CORE DUMP START", &first));
	for (n = 0; n < COREDUMP_MAX / 64 + 10; n++)
		cr_assert_null(coredump_feed(cd, n + 2, line64, &first));
	r = coredump_feed(cd, n + 2, "CORE DUMP END", &first);
	cr_assert_not_null(r);
	cr_expect(strstr(r, "bytes of base64: not kept") != NULL, "%s", r);
	free(r);
	coredump_free(cd);
}
