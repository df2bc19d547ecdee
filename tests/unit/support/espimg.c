/* SPDX-License-Identifier: Apache-2.0 */
/*
 * espimg: test images written from esp_app_format.h; see espimg.h.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "espimg.h"

struct espimg
espimg_default(unsigned chip_id)
{
	struct espimg s;

	memset(&s, 0, sizeof(s));
	s.chip_id = chip_id;
	s.entry = chip_id == 0 ? 0x40081234 : 0x40380000;
	s.spi_mode = 2;		/* DIO */
	s.spi_speed = 0xF;	/* 80 MHz */
	s.spi_size = 2;		/* 4 MB */
	s.wp_pin = 0xEE;
	s.max_rev_full = 99;
	s.hash = 1;
	s.version = "1.0.0";
	s.project = "thermostat";
	s.time = "12:00:00";
	s.date = "Jan  1 2026";
	s.idf_ver = "v5.2.1";
	s.desc_seg_extra = 1000;
	s.segs[0].addr = 0x3FFB0000;	/* DRAM */
	s.segs[0].len = 4000;
	s.segs[1].addr = 0x40080000;	/* IRAM */
	s.segs[1].len = 12001;		/* odd: padding follows */
	s.nsegs = 2;
	return s;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xFF;
	p[1] = v >> 8 & 0xFF;
	p[2] = v >> 16 & 0xFF;
	p[3] = v >> 24 & 0xFF;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xFF;
	p[1] = v >> 8 & 0xFF;
}

static void
putstr(unsigned char *p, const char *s, size_t field)
{
	if (s != NULL)
		memcpy(p, s, strlen(s) < field ? strlen(s) : field);
}

unsigned char *
espimg_build(const struct espimg *spec, size_t *n)
{
	size_t cap = 24, i, k, pos, nseg = spec->nsegs + (spec->no_desc ? 0 : 1);
	unsigned char *b, ck = 0xEF;	/* ESP_ROM_CHECKSUM_INITIAL */
	unsigned int len;

	for (i = 0; i < spec->nsegs; i++)
		cap += 8 + spec->segs[i].len;
	cap += 8 + 256 + spec->desc_seg_extra + 16 + 32;
	b = calloc(1, cap);
	cr_assert_not_null(b);
	/* esp_image_header_t, 24 bytes */
	b[0] = 0xE9;
	b[1] = (unsigned char)nseg;
	b[2] = (unsigned char)spec->spi_mode;
	b[3] = (unsigned char)(spec->spi_size << 4 | (spec->spi_speed & 0xF));
	put32(b + 4, spec->entry);
	b[8] = (unsigned char)spec->wp_pin;
	put16(b + 12, spec->chip_id);
	b[14] = (unsigned char)spec->min_rev;
	put16(b + 15, spec->min_rev_full);
	put16(b + 17, spec->max_rev_full);
	b[23] = spec->hash ? 1 : 0;
	pos = 24;
	if (!spec->no_desc) {
		/* segment 0: DROM, esp_app_desc_t first */
		unsigned char *d = b + pos + 8;

		put32(b + pos, 0x3F400020);
		put32(b + pos + 4, (uint32_t)(256 + spec->desc_seg_extra));
		put32(d, 0xABCD5432);
		put32(d + 4, spec->secure_version);
		putstr(d + 16, spec->version, 32);
		putstr(d + 48, spec->project, 32);
		putstr(d + 80, spec->time, 16);
		putstr(d + 96, spec->date, 16);
		putstr(d + 112, spec->idf_ver, 32);
		for (k = 0; k < 32; k++)
			d[144 + k] = (unsigned char)(0xA0 + k);	/* ELF SHA */
		d[180] = 16;	/* mmu_page_size: 64 KiB */
		for (k = 0; k < spec->desc_seg_extra; k++)
			d[256 + k] = (unsigned char)(k * 7);
		for (k = 0; k < 256 + spec->desc_seg_extra; k++)
			ck ^= d[k];
		pos += 8 + 256 + spec->desc_seg_extra;
	}
	for (i = 0; i < spec->nsegs; i++) {
		const struct espimg_seg *s = &spec->segs[i];

		put32(b + pos, s->addr);
		put32(b + pos + 4, (uint32_t)s->len);
		for (k = 0; k < s->len; k++) {
			b[pos + 8 + k] = s->data != NULL ? s->data[k] :
			    (unsigned char)(k * 13 + i);
			ck ^= b[pos + 8 + k];
		}
		pos += 8 + s->len;
	}
	/* zero padding, the checksum in the last byte of a 16-byte block */
	pos += 15 - pos % 16;
	b[pos++] = ck;
	if (spec->hash) {
		cr_assert_eq(EVP_Digest(b, pos, b + pos, &len, EVP_sha256(), NULL),
		    1);
		pos += 32;
	}
	*n = pos;
	return b;
}

void
espimg_write(const char *path, const void *buf, size_t n)
{
	FILE *fp = fopen(path, "wb");

	cr_assert_not_null(fp, "cannot write %s", path);
	cr_assert_eq(fwrite(buf, 1, n, fp), n);
	cr_assert_eq(fclose(fp), 0);
}

void
espimg_file(const char *path, const struct espimg *spec)
{
	size_t n;
	unsigned char *b = espimg_build(spec, &n);

	espimg_write(path, b, n);
	free(b);
}

unsigned char *
espimg_read(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b;
	long sz;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	rewind(fp);
	b = malloc((size_t)sz + 1);
	*n = fread(b, 1, (size_t)sz, fp);
	fclose(fp);
	return b;
}
