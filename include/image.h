/* SPDX-License-Identifier: Apache-2.0 */
/*
 * image: what a firmware file is, and, for an ESP32-class app image, its
 * fields as bootloader_support/include/esp_app_format.h and
 * esp_app_format/include/esp_app_desc.h lay them out (catalog section 10.1).
 * Prefix: image_.
 *
 * image_parse() never fails: it names what the bytes are (an app image, an
 * ELF, an HTML page, a merged flash image ...) and, for a 0xE9 image, fills
 * the header, the segments, the checksum, the appended SHA-256 and the app
 * description, recording each defect it meets as a bit of image.defects.
 * It reads only inside the buffer, whatever the header claims.
 *
 * Library code: nothing here prints or exits.
 */
#ifndef OTADIAG_IMAGE_H
#define OTADIAG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define IMAGE_HEADER_MAGIC	0xE9
#define IMAGE_MAX_SEGMENTS	16	/* ESP_IMAGE_MAX_SEGMENTS */
#define IMAGE_HEADER_LEN	24	/* sizeof(esp_image_header_t) */
#define IMAGE_SEGHDR_LEN	8	/* sizeof(esp_image_segment_header_t) */
#define IMAGE_DESC_OFFSET	32	/* esp_app_desc_t in the file */
#define IMAGE_DESC_LEN		256
#define IMAGE_DESC_MAGIC	0xABCD5432u
#define IMAGE_CHECKSUM_SEED	0xEF	/* ESP_ROM_CHECKSUM_INITIAL */
#define IMAGE_FILE_MAX		(64L * 1024 * 1024)	/* largest file read */

/* What the bytes are. */
enum image_kind {
	IMAGE_APP = 0,		/* an ESP32-class app image (app desc found) */
	IMAGE_NO_DESC,		/* a 0xE9 image without an app description:
				   a bootloader, or not an ESP-IDF app */
	IMAGE_ESP8266,		/* an ESP8266 image (0xE9, 8-byte header) */
	IMAGE_MERGED,		/* a whole-flash image: bootloader + table */
	IMAGE_PARTITION_TABLE,	/* a binary partition table */
	IMAGE_ELF,
	IMAGE_HTML,
	IMAGE_JSON,
	IMAGE_ZIP,
	IMAGE_GZIP,
	IMAGE_TEXT,		/* other printable text */
	IMAGE_EMPTY,
	IMAGE_UNKNOWN,		/* none of these: encrypted, or noise */
	IMAGE_KIND_MAX
};

/* Defects of a 0xE9 image (image.defects bits). */
enum image_defect {
	IMAGE_D_SHORT_HEADER = 1u << 0,	/* shorter than the 24-byte header */
	IMAGE_D_NO_SEGMENTS = 1u << 1,	/* segment_count 0 */
	IMAGE_D_TOO_MANY = 1u << 2,	/* segment_count > 16 */
	IMAGE_D_SEG_PAST_END = 1u << 3,	/* a segment runs past the file */
	IMAGE_D_NO_CHECKSUM = 1u << 4,	/* the file ends before the checksum */
	IMAGE_D_CHECKSUM = 1u << 5,	/* checksum byte does not match */
	IMAGE_D_NO_HASH = 1u << 6,	/* hash_appended, but the file ends */
	IMAGE_D_HASH = 1u << 7,		/* appended SHA-256 does not match */
	IMAGE_D_UNKNOWN_CHIP = 1u << 8,	/* chip_id not in the table */
	IMAGE_D_REV_RANGE = 1u << 9,	/* min chip revision > max */
	IMAGE_D_HASH_FLAG = 1u << 10,	/* hash_appended neither 0 nor 1 */
};

struct image_segment {
	uint32_t	 load_addr;
	uint32_t	 len;		/* data_len as the header says */
	uint64_t	 offset;	/* file offset of the data */
};

/* esp_app_desc_t; strings NUL-terminated, raw device bytes (not sanitised). */
struct image_app_desc {
	uint32_t	 secure_version;
	char		 version[33];
	char		 project[33];
	char		 time[17];
	char		 date[17];
	char		 idf_ver[33];
	unsigned char	 elf_sha256[32];
	unsigned	 min_efuse_rev, max_efuse_rev;	/* v5.x+; 0 before */
	unsigned	 mmu_page_size;			/* log2, 0 if unset */
};

struct image {
	enum image_kind	 kind;
	uint64_t	 size;		/* file size */
	unsigned	 defects;	/* enum image_defect bits */
	/* the header (0xE9 images) */
	unsigned	 segment_count;	/* as written (may exceed 16) */
	unsigned	 spi_mode, spi_speed, spi_size;
	uint32_t	 entry;
	unsigned	 chip_id;
	unsigned	 min_rev;	/* legacy byte */
	unsigned	 min_rev_full, max_rev_full;
	unsigned	 hash_appended;
	struct image_segment seg[IMAGE_MAX_SEGMENTS];
	size_t		 nseg;		/* segments inside the file */
	size_t		 bad_seg;	/* IMAGE_D_SEG_PAST_END: its index */
	uint64_t	 bad_seg_end;	/* ... and where it would end */
	uint64_t	 checksum_offset;	/* of the checksum byte */
	unsigned	 checksum, checksum_calc;
	unsigned char	 hash[32], hash_calc[32];
	uint64_t	 image_len;	/* header to checksum (and hash) */
	int		 has_desc;
	struct image_app_desc desc;
	/* after the image */
	int		 sig_v2;	/* a secure boot v2 signature block */
	int		 sig_v1;	/* 68 bytes: a secure boot v1 signature */
	uint64_t	 trailing;	/* bytes after image_len */
	/* IMAGE_MERGED: where the table is, and the first app in it */
	uint64_t	 table_offset;
	uint64_t	 app_offset;	/* 0 if not known */
	/* non-images: the first bytes, printable, for the message */
	char		 head[24];
};

/* Fills *img from buf[0..n). */
void	 image_parse(const unsigned char *buf, size_t n, struct image *img);
/*
 * Reads a whole file, or standard input for "-" (at most IMAGE_FILE_MAX
 * bytes: a larger regular file is DIAG_ELIMIT before any read, a pipe when
 * it passes the bound).  *out is owned (free()); NULL on failure.
 */
int	 image_read_file(const char *path, unsigned char **out, size_t *n,
	    struct diag_err *err);

/* "ELF file", "HTML page", ... (static). */
const char *image_kind_name(enum image_kind k);
/* "esp32s3" for 9; NULL if unknown. */
const char *image_chip_name(unsigned chip_id);
/* 9 for "esp32s3" (also "ESP32-S3"); -1 if unknown. */
int	 image_chip_from_name(const char *name);
/* "DIO", "40MHz", "4MB" (static); "?" if out of range. */
const char *image_spi_mode_name(unsigned v);
const char *image_spi_speed_name(unsigned v);
const char *image_spi_size_name(unsigned v);
/* The segment's memory region: "DROM", "IRAM", ... for its load address. */
const char *image_region_name(unsigned chip_id, uint32_t addr);

/* Digests (libcrypto, loaded first with cryptoapi_get: zeros if it is
   missing): out must hold 32 and 16 bytes. */
void	 image_sha256(const unsigned char *buf, size_t n, unsigned char *out);
void	 image_md5(const unsigned char *buf, size_t n, unsigned char *out);

#endif
