/* SPDX-License-Identifier: Apache-2.0 */
/*
 * image: what a firmware file is, and an app image's fields (image.c);
 * the test helper espimg checked against esp_app_format.h and a real
 * ESP-IDF image.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdlib.h>
#include <string.h>

#include "espimg.h"
#include "image.h"

#define REAL	OTADIAG_SOURCE_DIR "/fixtures/images/esp_idf_blink_esp32s2.bin"

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static struct image
parse(const struct espimg *spec, unsigned char **keep, size_t *n)
{
	struct image img;
	unsigned char *b = espimg_build(spec, n);

	image_parse(b, *n, &img);
	if (keep != NULL)
		*keep = b;
	else
		free(b);
	return img;
}

/* --- the helper against the header's fields ----------------------------- */

Test(espimg, header_fields_at_their_offsets)
{
	struct espimg s = espimg_default(9);
	size_t n, pos, i;
	unsigned char *b, ck = 0xEF;

	s.min_rev_full = 1;
	s.max_rev_full = 199;
	s.secure_version = 3;
	b = espimg_build(&s, &n);
	cr_assert_eq(b[0], 0xE9, "magic");
	cr_assert_eq(b[1], 3, "segment_count: desc + 2");
	cr_assert_eq(b[2], 2, "spi_mode DIO");
	cr_assert_eq(b[3], 0x2F, "spi_size high nibble, speed low");
	cr_assert_eq(rd32(b + 4), s.entry, "entry_addr at 4");
	cr_assert_eq(b[8], 0xEE, "wp_pin");
	cr_assert_eq(b[12] | b[13] << 8, 9, "chip_id at 12, LE");
	cr_assert_eq(b[15] | b[16] << 8, 1, "min_chip_rev_full at 15");
	cr_assert_eq(b[17] | b[18] << 8, 199, "max_chip_rev_full at 17");
	cr_assert_eq(b[19] | b[20] | b[21] | b[22], 0, "reserved");
	cr_assert_eq(b[23], 1, "hash_appended at 23");
	cr_assert_eq(rd32(b + 28), 256 + s.desc_seg_extra, "seg 0 data_len");
	cr_assert(memcmp(b + 32, "\x32\x54\xcd\xab", 4) == 0, "desc magic LE");
	cr_assert_eq(rd32(b + 36), 3, "secure_version at 36");
	cr_assert_str_eq((char *)b + 48, "1.0.0", "version at 48");
	cr_assert_str_eq((char *)b + 80, "thermostat", "project at 80");
	cr_assert_str_eq((char *)b + 112, "12:00:00", "time at 112");
	cr_assert_str_eq((char *)b + 128, "Jan  1 2026", "date at 128");
	cr_assert_str_eq((char *)b + 144, "v5.2.1", "idf_ver at 144");
	cr_assert_eq(b[176], 0xA0, "app_elf_sha256 at 176");
	/* walk the segments: checksum in the last byte of the 16-byte
	   padding, seed 0xEF, then SHA-256 of everything before */
	for (pos = 24, i = 0; i < 3; i++) {
		uint32_t len = rd32(b + pos + 4);
		size_t k;

		for (k = 0; k < len; k++)
			ck ^= b[pos + 8 + k];
		pos += 8 + len;
	}
	while (pos % 16 != 15)
		cr_assert_eq(b[pos++], 0, "zero padding");
	cr_assert_eq(b[pos], ck, "checksum");
	cr_assert_eq(n, pos + 1 + 32, "SHA-256 follows the checksum");
	{
		unsigned char h[32];

		image_sha256(b, pos + 1, h);
		cr_assert(memcmp(h, b + pos + 1, 32) == 0, "SHA-256 of all before");
	}
	free(b);
}

/*
 * A real image (esptool's test/images/esp_idf_blink_esp32s2.bin, an
 * ESP-IDF v5.0 build; fixtures/images/README.md): rebuilt by the helper
 * from its header and segment data, it must come out byte for byte.
 */
Test(espimg, rebuilds_a_real_idf_image_byte_for_byte)
{
	size_t n, m, pos = 24, i;
	unsigned char *real = espimg_read(REAL, &n), *mine;
	struct espimg s;

	cr_assert_not_null(real, "%s missing", REAL);
	memset(&s, 0, sizeof(s));
	s.no_desc = 1;		/* the desc is in segment 0's data here */
	s.spi_mode = real[2];
	s.spi_speed = real[3] & 0xF;
	s.spi_size = real[3] >> 4;
	s.entry = rd32(real + 4);
	s.wp_pin = real[8];
	s.chip_id = real[12] | real[13] << 8;
	s.min_rev = real[14];
	s.min_rev_full = real[15] | real[16] << 8;
	s.max_rev_full = real[17] | real[18] << 8;
	s.hash = real[23];
	s.nsegs = real[1];
	for (i = 0; i < s.nsegs; i++) {
		s.segs[i].addr = rd32(real + pos);
		s.segs[i].len = rd32(real + pos + 4);
		s.segs[i].data = real + pos + 8;
		pos += 8 + s.segs[i].len;
	}
	mine = espimg_build(&s, &m);
	cr_assert_eq(m, n, "length %zu, real %zu", m, n);
	cr_assert(memcmp(mine, real, n) == 0, "bytes differ");
	free(mine);
	free(real);
}

/* --- the parser --------------------------------------------------------- */

Test(image, real_esp32s2_image)
{
	size_t n;
	unsigned char *b = espimg_read(REAL, &n);
	struct image img;

	cr_assert_not_null(b);
	image_parse(b, n, &img);
	cr_assert_eq(img.kind, IMAGE_APP);
	cr_assert_eq(img.defects, 0, "defects 0x%x", img.defects);
	cr_assert_str_eq(image_chip_name(img.chip_id), "esp32s2");
	cr_assert_eq(img.entry, 0x40022f84);
	cr_assert_eq(img.nseg, 6);
	cr_assert_eq(img.checksum, img.checksum_calc);
	cr_assert_eq(img.image_len, n, "checksum and hash end the file");
	cr_assert_str_eq(img.desc.project, "blink");
	cr_assert_str_eq(img.desc.version, "qa-test-v5.0-20220830-4-g4532e6");
	cr_assert_str_eq(img.desc.idf_ver, "v5.0-beta1-427-g4532e6e0b2-dirt");
	cr_assert_str_eq(img.desc.date, "Sep 13 2022");
	free(b);
}

ParameterizedTestParameters(image, valid_for_each_chip)
{
	static unsigned chips[] = {0x0000, 0x0002, 0x0005, 0x0009, 0x000C,
	    0x000D, 0x0010, 0x0012};

	return cr_make_param_array(unsigned, chips, sizeof(chips) /
	    sizeof(chips[0]));
}

ParameterizedTest(unsigned *chip, image, valid_for_each_chip)
{
	struct espimg s = espimg_default(*chip);
	size_t n;
	struct image img = parse(&s, NULL, &n);

	cr_assert_eq(img.kind, IMAGE_APP);
	cr_assert_eq(img.defects, 0, "chip %u: defects 0x%x", *chip,
	    img.defects);
	cr_assert_eq(img.chip_id, *chip);
	cr_assert_eq(image_chip_from_name(image_chip_name(*chip)), (int)*chip);
	cr_assert_eq(img.nseg, 3);
	cr_assert_eq(img.image_len, n);
	cr_assert_str_eq(img.desc.version, "1.0.0");
}

Test(image, without_hash)
{
	struct espimg s = espimg_default(0);
	size_t n;
	struct image img;

	s.hash = 0;
	img = parse(&s, NULL, &n);
	cr_assert_eq(img.defects, 0);
	cr_assert_eq(img.image_len, n);
}

Test(image, checksum_flipped)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	b[img.checksum_offset] ^= 0x5A;
	image_parse(b, n, &img);
	cr_assert(img.defects & IMAGE_D_CHECKSUM);
	cr_assert(img.defects & IMAGE_D_HASH, "the hash covers the checksum");
	free(b);
}

Test(image, segment_byte_changed)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	b[img.seg[2].offset + 5] ^= 1;
	image_parse(b, n, &img);
	cr_assert(img.defects & IMAGE_D_CHECKSUM);
	cr_assert(img.defects & IMAGE_D_HASH);
	free(b);
}

Test(image, hash_flipped)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	b[n - 1] ^= 1;
	image_parse(b, n, &img);
	cr_assert_eq(img.defects, IMAGE_D_HASH);
	free(b);
}

Test(image, truncated_in_a_segment)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	image_parse(b, n / 2, &img);
	cr_assert_eq(img.kind, IMAGE_APP, "the desc is still there");
	cr_assert(img.defects & IMAGE_D_SEG_PAST_END);
	cr_assert_eq(img.bad_seg, 2);
	cr_assert_gt(img.bad_seg_end, n / 2);
	free(b);
}

Test(image, truncated_before_hash)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	image_parse(b, n - 10, &img);
	cr_assert(img.defects & IMAGE_D_NO_HASH);
	free(b);
}

Test(image, header_claims_255_segments)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	b[1] = 255;
	image_parse(b, n, &img);
	cr_assert(img.defects & IMAGE_D_TOO_MANY);
	cr_assert_eq(img.segment_count, 255);
	free(b);
}

Test(image, segment_length_past_the_end)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b;
	struct image img = parse(&s, &b, &n);

	b[28] = 0xFF;		/* seg 0 data_len = 0xFF...: 4 GiB */
	b[29] = b[30] = b[31] = 0xFF;
	image_parse(b, n, &img);
	cr_assert(img.defects & IMAGE_D_SEG_PAST_END);
	cr_assert_eq(img.bad_seg, 0);
	free(b);
}

Test(image, shorter_than_header)
{
	struct image img;

	image_parse((const unsigned char *)"\xe9\x03\x02", 3, &img);
	cr_assert(img.defects & IMAGE_D_SHORT_HEADER);
}

Test(image, unknown_chip_and_revision_range)
{
	struct espimg s = espimg_default(0);
	size_t n;
	struct image img;

	s.chip_id = 0x77;
	s.min_rev_full = 300;
	s.max_rev_full = 199;
	img = parse(&s, NULL, &n);
	cr_assert(img.defects & IMAGE_D_UNKNOWN_CHIP);
	cr_assert(img.defects & IMAGE_D_REV_RANGE);
}

Test(image, bootloader_has_no_app_desc)
{
	struct espimg s = espimg_default(5);
	size_t n;
	struct image img;

	s.no_desc = 1;
	img = parse(&s, NULL, &n);
	cr_assert_eq(img.kind, IMAGE_NO_DESC);
	cr_assert_eq(img.defects, 0);
}

/* bytes inline: Criterion runs each parameter in a new process */
struct kind_case {
	char		 bytes[48];
	size_t		 n;
	enum image_kind	 kind;
};

ParameterizedTestParameters(image, not_an_image)
{
	static struct kind_case c[] = {
		{"", 0, IMAGE_EMPTY},
		{"<!DOCTYPE html><html>", 21, IMAGE_HTML},
		{"\xef\xbb\xbf \n<html>", 13, IMAGE_HTML},
		{"{\"error\": \"not found\"}", 22, IMAGE_JSON},
		{"PK\003\004\024\000", 6, IMAGE_ZIP},
		{"\037\213\010\000", 4, IMAGE_GZIP},
		{"\177ELF\001\001\001", 7, IMAGE_ELF},
		{"version https://git-lfs.github.com/spec/v1\n", 43, IMAGE_TEXT},
		{"\x07\x88\xb6\xcf\x00\x01\x02\x03", 8, IMAGE_UNKNOWN},
		{"\xaa\x50\x01\x02\x00\x90\x00\x00\x00\x60\x00\x00nvs\0\0\0\0\0"
		 "\0\0\0\0\0\0\0\0\0\0\0\0", 32, IMAGE_PARTITION_TABLE},
	};

	return cr_make_param_array(struct kind_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct kind_case *c, image, not_an_image)
{
	struct image img;

	image_parse((const unsigned char *)c->bytes, c->n, &img);
	cr_assert_eq(img.kind, c->kind, "%s: kind %d, want %d",
	    image_kind_name(c->kind), img.kind, c->kind);
}

/* esptool merge_bin: bootloader at 0 (S3/C3) or 0x1000 (ESP32, 0xFF
   before it), the partition table at 0x8000, the app at 0x10000. */
static unsigned char *
merged(unsigned chip, size_t *n)
{
	struct espimg boot = espimg_default(chip), app = espimg_default(chip);
	size_t bn, an, at = chip == 0 ? 0x1000 : 0;
	unsigned char *bb, *ab, *m;

	boot.no_desc = 1;
	bb = espimg_build(&boot, &bn);
	ab = espimg_build(&app, &an);
	*n = 0x10000 + an;
	m = malloc(*n);
	memset(m, 0xFF, *n);
	memcpy(m + at, bb, bn);
	memcpy(m + 0x8000, "\xaa\x50\x00\x10\x00\x00\x01\x00\x00\x00\x10\x00"
	    "ota_0", 17);
	memcpy(m + 0x10000, ab, an);
	free(bb);
	free(ab);
	return m;
}

Test(image, merged_image_esp32s3)
{
	size_t n;
	unsigned char *m = merged(9, &n);
	struct image img;

	image_parse(m, n, &img);
	cr_assert_eq(img.kind, IMAGE_MERGED);
	cr_assert_eq(img.table_offset, 0x8000);
	cr_assert_eq(img.app_offset, 0x10000);
	free(m);
}

Test(image, merged_image_esp32_from_offset_0)
{
	size_t n;
	unsigned char *m = merged(0, &n);
	struct image img;

	image_parse(m, n, &img);
	cr_assert_eq(img.kind, IMAGE_MERGED);
	cr_assert_eq(img.app_offset, 0x10000);
	free(m);
}

Test(image, esp8266_is_named_not_misread)
{
	/* ESP8266: 8-byte header, first segment at 0x40100000 (IRAM) */
	unsigned char b[64];
	struct image img;
	size_t k;
	unsigned char ck = 0xEF;

	memset(b, 0, sizeof(b));
	b[0] = 0xE9;
	b[1] = 1;
	b[2] = 2;
	b[3] = 0x20;
	b[4] = 0x04;
	b[6] = 0x10;
	b[7] = 0x40;
	b[8] = 0x00;		/* load_addr 0x40100000 */
	b[10] = 0x10;
	b[11] = 0x40;
	b[12] = 16;		/* 16 bytes */
	for (k = 0; k < 16; k++) {
		b[16 + k] = (unsigned char)(k + 1);
		ck ^= b[16 + k];
	}
	b[47] = ck;
	image_parse(b, 48, &img);
	cr_assert_eq(img.kind, IMAGE_ESP8266);
	cr_assert_eq(img.nseg, 1);
	cr_assert_eq(img.defects, 0, "defects 0x%x", img.defects);
	b[47] ^= 1;
	image_parse(b, 48, &img);
	cr_assert(img.defects & IMAGE_D_CHECKSUM);
}

Test(image, read_file_limits)
{
	struct diag_err err;
	unsigned char *b;
	size_t n;

	cr_assert_eq(image_read_file("/nonexistent/x.bin", &b, &n, &err),
	    DIAG_EIO);
	cr_assert_null(b);
	cr_assert_eq(image_read_file("/", &b, &n, &err), DIAG_EIO);
	cr_assert(strstr(err.text, "directory") != NULL, "%s", err.text);
}
