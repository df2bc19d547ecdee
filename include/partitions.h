/* SPDX-License-Identifier: Apache-2.0 */
/*
 * partitions: an ESP-IDF partition table, from its CSV source or from the
 * binary table (catalog sections 10.2 and 10.3).  Prefix: partitions_.
 *
 * CSV follows gen_esp32part.py: "name, type, subtype, offset, size, flags",
 * '#' comments, numbers in hex or decimal with K/M suffixes, an empty offset
 * placed after the previous partition at the type's alignment (app 0x10000,
 * data 0x1000), starting after the table (CONFIG_PARTITION_TABLE_OFFSET,
 * 0x8000, plus its 0x1000 bytes).  The binary form is 32-byte entries
 * (magic 0x50AA), an optional MD5 entry (0xEBEB) and 0xFF padding.
 *
 * A table that ESP-IDF would refuse (an unknown type, a misaligned app,
 * overlapping or duplicate partitions, a bad MD5) fails with DIAG_ESCHEMA
 * and the file and line (CSV) or entry (binary) in the diag_err.
 * Library code: nothing here prints or exits.
 */
#ifndef OTADIAG_PARTITIONS_H
#define OTADIAG_PARTITIONS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define PARTITIONS_MAX		96	/* 0xC00 bytes of 32-byte entries */
#define PARTITIONS_TABLE_OFFSET	0x8000u

enum {
	PARTITIONS_APP = 0x00,
	PARTITIONS_DATA = 0x01,
	PARTITIONS_FACTORY = 0x00,	/* app subtypes */
	PARTITIONS_OTA_0 = 0x10,	/* ... ota_15 = 0x1F */
	PARTITIONS_TEST = 0x20,
	PARTITIONS_OTADATA = 0x00,	/* data subtype "ota" */
};

struct partitions_entry {
	char		 label[17];	/* raw bytes up to 16, NUL-terminated */
	unsigned	 type, subtype;
	uint32_t	 offset, size;
	unsigned	 flags;		/* bit 0 encrypted, bit 1 readonly */
	long		 line;		/* CSV line, or binary entry number + 1 */
};

struct partitions {
	struct partitions_entry e[PARTITIONS_MAX];
	size_t		 n;
	int		 binary;	/* read from the binary form */
	int		 has_md5;	/* binary: an MD5 entry (checked) */
};

/*
 * Parses buf: binary when it starts with 0xAA 0x50, else CSV.  path names
 * the input in errors.  Returns 0, or a negative enum diag_code.
 */
int	 partitions_parse(const char *path, const unsigned char *buf, size_t n,
	    struct partitions *out, struct diag_err *err);
/* Reads and parses a file (at most 64 KiB). */
int	 partitions_load(const char *path, struct partitions *out,
	    struct diag_err *err);

/* The entry labelled label, or NULL (borrowed). */
const struct partitions_entry *partitions_find(const struct partitions *p,
	    const char *label);
/* Whether e is an OTA app slot (ota_0..ota_15). */
int	 partitions_is_ota(const struct partitions_entry *e);
/* Number of OTA app slots, and whether there is an otadata partition. */
size_t	 partitions_count_ota(const struct partitions *p);
int	 partitions_has_otadata(const struct partitions *p);
/* "app", "data", ... and "ota_0", "nvs", ... (static; "" if unnamed). */
const char *partitions_type_name(unsigned type);
const char *partitions_subtype_name(unsigned type, unsigned subtype);

#endif
