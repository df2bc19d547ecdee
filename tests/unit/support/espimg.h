/* SPDX-License-Identifier: Apache-2.0 */
/*
 * espimg: builds ESP32-class firmware images for the tests, written from
 * esp_app_format.h and esp_app_desc.h field by field (catalog section
 * 10.1), independently of src/input/image.c, so the parser is not only
 * checked against itself.  test-image.c checks this helper against the
 * header's offsets and byte for byte against a real ESP-IDF image
 * (fixtures/images/README.md).  Prefix: espimg_.
 */
#ifndef OTADIAG_TEST_ESPIMG_H
#define OTADIAG_TEST_ESPIMG_H

#include <stddef.h>
#include <stdint.h>

#define ESPIMG_MAX_SEGS 16

struct espimg_seg {
	uint32_t	 addr;
	const unsigned char *data;	/* NULL: len bytes of a pattern */
	size_t		 len;
};

struct espimg {
	/* esp_image_header_t */
	unsigned	 chip_id;	/* 0 ESP32, 9 S3, 5 C3 ... */
	uint32_t	 entry;
	unsigned	 spi_mode, spi_speed, spi_size;
	unsigned	 wp_pin;	/* 0xEE */
	unsigned	 min_rev, min_rev_full, max_rev_full;
	int		 hash;		/* hash_appended */
	/* esp_app_desc_t, in segment 0 unless no_desc */
	int		 no_desc;
	uint32_t	 secure_version;
	const char	*version, *project, *time, *date, *idf_ver;
	/* segments after the app description's (or all, if no_desc) */
	struct espimg_seg segs[ESPIMG_MAX_SEGS];
	size_t		 nsegs;
	size_t		 desc_seg_extra;	/* bytes of DROM after the desc */
};

/* A valid app for chip_id: version, project, three segments. */
struct espimg espimg_default(unsigned chip_id);
/* The image; malloc'd, *n its length. */
unsigned char *espimg_build(const struct espimg *spec, size_t *n);
/* Writes buf to path; aborts the test on failure. */
void	 espimg_write(const char *path, const void *buf, size_t n);
/* espimg_build() + espimg_write(). */
void	 espimg_file(const char *path, const struct espimg *spec);
/* The file at path (malloc'd) and its length; NULL if unreadable. */
unsigned char *espimg_read(const char *path, size_t *n);

#endif
