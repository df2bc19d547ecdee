/* SPDX-License-Identifier: Apache-2.0 */
/*
 * partitions: CSV with ESP-IDF's offset rules, the binary table with its
 * MD5 entry, and what ESP-IDF refuses (partitions.c).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "image.h"
#include "partitions.h"

static int
parse(const char *csv, struct partitions *p, struct diag_err *err)
{
	return partitions_parse("t.csv", (const unsigned char *)csv,
	    strlen(csv), p, err);
}

/* partition_table/partitions_two_ota.csv of ESP-IDF: empty offsets. */
Test(partitions, idf_two_ota_offsets_computed)
{
	struct partitions p;
	struct diag_err err;

	cr_assert_eq(parse(
	    "# Name,   Type, SubType, Offset,   Size, Flags\n"
	    "nvs,      data, nvs,     ,        0x4000,\n"
	    "otadata,  data, ota,     ,        0x2000,\n"
	    "phy_init, data, phy,     ,        0x1000,\n"
	    "factory,  app,  factory, ,        1M,\n"
	    "ota_0,    app,  ota_0,   ,        1M,\n"
	    "ota_1,    app,  ota_1,   ,        1M,\n", &p, &err), 0, "%s",
	    err.text);
	cr_assert_eq(p.n, 6);
	cr_assert_eq(p.e[0].offset, 0x9000);
	cr_assert_eq(p.e[1].offset, 0xd000);
	cr_assert_eq(p.e[2].offset, 0xf000);
	cr_assert_eq(p.e[3].offset, 0x10000, "apps align to 64 KiB");
	cr_assert_eq(p.e[4].offset, 0x110000);
	cr_assert_eq(p.e[5].offset, 0x210000);
	cr_assert_eq(p.e[5].size, 0x100000);
	cr_assert_eq(partitions_count_ota(&p), 2);
	cr_assert(partitions_has_otadata(&p));
	cr_assert_eq(p.e[2].line, 4);
}

/* partition_table/partitions_singleapp.csv: no OTA slot. */
Test(partitions, idf_single_app)
{
	struct partitions p;
	struct diag_err err;

	cr_assert_eq(parse("nvs,      data, nvs,     ,        0x6000,\n"
	    "phy_init, data, phy,     ,        0x1000,\n"
	    "factory,  app,  factory, ,        1M,\n", &p, &err), 0);
	cr_assert_eq(partitions_count_ota(&p), 0);
	cr_assert_not(partitions_has_otadata(&p));
	cr_assert_eq(p.e[2].offset, 0x10000);
}

/* arduino-esp32 tools/partitions/default.csv */
Test(partitions, arduino_default)
{
	struct partitions p;
	struct diag_err err;
	const struct partitions_entry *e;

	cr_assert_eq(parse(
	    "# Name,   Type, SubType, Offset,  Size, Flags\n"
	    "nvs,      data, nvs,     0x9000,  0x5000,\n"
	    "otadata,  data, ota,     0xe000,  0x2000,\n"
	    "app0,     app,  ota_0,   0x10000, 0x140000,\n"
	    "app1,     app,  ota_1,   0x150000,0x140000,\n"
	    "spiffs,   data, spiffs,  0x290000,0x160000,\n"
	    "coredump, data, coredump,0x3F0000,0x10000,\n", &p, &err), 0, "%s",
	    err.text);
	cr_assert_eq(p.n, 6);
	cr_assert_not_null(e = partitions_find(&p, "app1"));
	cr_assert(partitions_is_ota(e));
	cr_assert_eq(e->size, 0x140000);
	cr_assert_str_eq(partitions_subtype_name(e->type, e->subtype), "ota_1");
}

Test(partitions, numbers_decimal_k_m_and_flags)
{
	struct partitions p;
	struct diag_err err;

	cr_assert_eq(parse("nvs, data, nvs, 36864, 24K\n"
	    "ota_0, app, ota_0, 64K, 1536K, readonly\n"
	    "ota_1, app, ota_1, 0x190000, 2M, encrypted:readonly\n"
	    "otadata, 0x01, 0x00, , 8K\n"
	    "custom, 0x40, 0x01, , 4K\n", &p, &err), 0, "%s", err.text);
	cr_assert_eq(p.e[0].offset, 0x9000);
	cr_assert_eq(p.e[0].size, 24 * 1024);
	cr_assert_eq(p.e[1].offset, 0x10000);
	cr_assert_eq(p.e[1].size, 1536 * 1024);
	cr_assert_eq(p.e[1].flags, 2);
	cr_assert_eq(p.e[2].flags, 3);
	cr_assert_eq(p.e[3].type, 1);
	cr_assert(partitions_has_otadata(&p));
	cr_assert_eq(p.e[4].type, 0x40);
}

struct bad {
	char	 csv[160];
	long	 line;
	char	 says[40];
};

static struct bad bads[] = {
	{"nvs, data, nvs, 0x9000, 0x6000\nphy, data, phy, 0xe000, 0x1000\n", 2,
	    "overlaps 'nvs'"},
	{"a, app, ota_0, 0x10000, 1M\nb, app, ota_1, 0x100000, 1M\n", 2,
	    "overlaps 'a'"},
	{"a, app, ota_0, 0x18000, 1M\n", 1, "not aligned"},
	{"a, data, nvs, , 4K\na, data, phy, , 4K\n", 2, "used twice"},
	{"a, apps, ota_0, , 1M\n", 1, "unknown partition type"},
	{"a, app, ota_16, , 1M\n", 1, "unknown subtype"},
	{"a, app, ota_0, , 1X\n", 1, "invalid size"},
	{"a, app, ota_0, , 0\n", 1, "invalid size"},
	{"a, app, ota_0\n", 1, "expected"},
	{"a, data, nvs, , 4K, secret\n", 1, "unknown flag"},
	{"# only a comment\n\n", 0, "no partitions"},
	{"averyveryverylongname, data, nvs, , 4K\n", 1, "1 to 16"},
};

Test(partitions, refused_tables_name_the_line)
{
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct partitions p;
		struct diag_err err;

		cr_expect_eq(parse(bads[i].csv, &p, &err), DIAG_ESCHEMA,
		    "case %zu accepted", i);
		cr_expect_eq(err.line, bads[i].line, "case %zu: line %ld", i,
		    err.line);
		cr_expect(strstr(err.text, bads[i].says) != NULL,
		    "case %zu: '%s' does not say '%s'", i, err.text, bads[i].says);
		cr_expect_str_eq(err.file, "t.csv");
		cr_expect_eq(p.n, 0);
	}
}

/* The binary form gen_esp32part.py writes: entries, MD5 entry, 0xFF. */
static size_t
binary(unsigned char *b, int md5, int corrupt)
{
	static const struct {
		const char *label;
		unsigned type, subtype;
		uint32_t off, size;
	} e[] = {
		{"nvs", 1, 2, 0x9000, 0x4000},
		{"otadata", 1, 0, 0xd000, 0x2000},
		{"ota_0", 0, 0x10, 0x10000, 0x100000},
		{"ota_1", 0, 0x11, 0x110000, 0x100000},
	};
	size_t i, k, n = 0;

	memset(b, 0xFF, 0xC00);
	for (i = 0; i < 4; i++, n += 32) {
		memset(b + n, 0, 32);
		b[n] = 0xAA;
		b[n + 1] = 0x50;
		b[n + 2] = (unsigned char)e[i].type;
		b[n + 3] = (unsigned char)e[i].subtype;
		for (k = 0; k < 4; k++) {
			b[n + 4 + k] = (unsigned char)(e[i].off >> (8 * k));
			b[n + 8 + k] = (unsigned char)(e[i].size >> (8 * k));
		}
		memcpy(b + n + 12, e[i].label, strlen(e[i].label));
	}
	if (md5) {
		b[n] = 0xEB;
		b[n + 1] = 0xEB;
		image_md5(b, n, b + n + 16);
		if (corrupt)
			b[n + 16] ^= 1;
	}
	return 0xC00;
}

Test(partitions, binary_with_md5)
{
	unsigned char b[0xC00];
	struct partitions p;
	struct diag_err err;
	size_t n = binary(b, 1, 0);

	cr_assert_eq(partitions_parse("t.bin", b, n, &p, &err), 0, "%s",
	    err.text);
	cr_assert(p.binary);
	cr_assert(p.has_md5);
	cr_assert_eq(p.n, 4);
	cr_assert_str_eq(p.e[3].label, "ota_1");
	cr_assert_eq(p.e[3].offset, 0x110000);
	cr_assert_eq(partitions_count_ota(&p), 2);
}

Test(partitions, binary_md5_mismatch_refused)
{
	unsigned char b[0xC00];
	struct partitions p;
	struct diag_err err;
	size_t n = binary(b, 1, 1);

	cr_assert_eq(partitions_parse("t.bin", b, n, &p, &err), DIAG_ESCHEMA);
	cr_assert(strstr(err.text, "MD5") != NULL, "%s", err.text);
	cr_assert_eq(err.line, 5, "the MD5 entry is entry 5");
}

Test(partitions, binary_cut_inside_an_entry)
{
	unsigned char b[0xC00];
	struct partitions p;
	struct diag_err err;

	binary(b, 0, 0);
	cr_assert_eq(partitions_parse("t.bin", b, 50, &p, &err), DIAG_ESCHEMA);
	cr_assert(strstr(err.text, "ends inside") != NULL, "%s", err.text);
}

Test(partitions, load_missing_file)
{
	struct partitions p;
	struct diag_err err;

	cr_assert_eq(partitions_load("/nonexistent.csv", &p, &err), DIAG_EIO);
	cr_assert_str_eq(err.file, "/nonexistent.csv");
}
