/* SPDX-License-Identifier: Apache-2.0 */
/*
 * partitions: an ESP-IDF partition table from CSV (gen_esp32part.py's rules)
 * or from its binary form (esp_partition_info_t entries, MD5 entry).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "partitions.h"

#define PARTITIONS_FILE_MAX	(64 * 1024)
#define TABLE_SIZE		0x1000u
#define APP_ALIGN		0x10000u
#define DATA_ALIGN		0x1000u

struct name {
	const char	*name;
	unsigned	 value;
};

static const struct name types[] = {
	{"app", 0x00}, {"data", 0x01}, {"bootloader", 0x02},
	{"partition_table", 0x03},
};

static const struct name app_subtypes[] = {
	{"factory", 0x00}, {"test", 0x20},
};

static const struct name data_subtypes[] = {
	{"ota", 0x00}, {"phy", 0x01}, {"nvs", 0x02}, {"coredump", 0x03},
	{"nvs_keys", 0x04}, {"efuse", 0x05}, {"undefined", 0x06},
	{"esphttpd", 0x80}, {"fat", 0x81}, {"spiffs", 0x82},
	{"littlefs", 0x83}, {"tee_ota", 0x90},
};

static const struct name boot_subtypes[] = {
	{"primary", 0x00}, {"ota", 0x01}, {"recovery", 0x02},
};

static const struct name table_subtypes[] = {
	{"primary", 0x00}, {"ota", 0x01},
};

#define NNAMES(a)	(sizeof(a) / sizeof(a[0]))

static const char *
name_of(const struct name *t, size_t n, unsigned v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return "";
}

static int
value_of(const struct name *t, size_t n, const char *s, unsigned *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, s) == 0) {
			*v = t[i].value;
			return 0;
		}
	return -1;
}

const char *
partitions_type_name(unsigned type)
{
	return name_of(types, NNAMES(types), type);
}

const char *
partitions_subtype_name(unsigned type, unsigned subtype)
{
	static const char *const ota[16] = {"ota_0", "ota_1", "ota_2",
	    "ota_3", "ota_4", "ota_5", "ota_6", "ota_7", "ota_8", "ota_9",
	    "ota_10", "ota_11", "ota_12", "ota_13", "ota_14", "ota_15"};

	switch (type) {
	case PARTITIONS_APP:
		if (subtype >= PARTITIONS_OTA_0 && subtype < PARTITIONS_OTA_0 + 16)
			return ota[subtype - PARTITIONS_OTA_0];
		return name_of(app_subtypes, NNAMES(app_subtypes), subtype);
	case PARTITIONS_DATA:
		return name_of(data_subtypes, NNAMES(data_subtypes), subtype);
	case 0x02:
		return name_of(boot_subtypes, NNAMES(boot_subtypes), subtype);
	case 0x03:
		return name_of(table_subtypes, NNAMES(table_subtypes), subtype);
	}
	return "";
}

/* gen_esp32part.py parse_int: 0x.., decimal, K and M suffixes. */
static int
parse_num(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v, mul = 1;
	size_t n = strlen(s);

	if (n > 0 && (s[n - 1] == 'K' || s[n - 1] == 'k'))
		mul = 1024;
	else if (n > 0 && (s[n - 1] == 'M' || s[n - 1] == 'm'))
		mul = 1024 * 1024;
	if (n == 0 || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || (mul == 1 ? *end != '\0' :
	    end != s + n - 1))
		return -1;
	v *= mul;
	if (v > 0xFFFFFFFFull)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_subtype(unsigned type, const char *s, unsigned *v)
{
	uint32_t n;

	if (parse_num(s, &n) == 0 && n <= 0xFF) {
		*v = n;
		return 0;
	}
	switch (type) {
	case PARTITIONS_APP:
		if (strncmp(s, "ota_", 4) == 0 && parse_num(s + 4, &n) == 0 &&
		    n < 16 && isdigit((unsigned char)s[4])) {
			*v = PARTITIONS_OTA_0 + n;
			return 0;
		}
		return value_of(app_subtypes, NNAMES(app_subtypes), s, v);
	case PARTITIONS_DATA:
		return value_of(data_subtypes, NNAMES(data_subtypes), s, v);
	case 0x02:
		return value_of(boot_subtypes, NNAMES(boot_subtypes), s, v);
	case 0x03:
		return value_of(table_subtypes, NNAMES(table_subtypes), s, v);
	}
	return -1;
}

/* Splits a CSV line into at most max fields (no quoting in these files). */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *c;

	for (;;) {
		if (n == max)
			return n + 1;	/* too many */
		c = strchr(p, ',');
		if (c != NULL)
			*c = '\0';
		f[n++] = trim(p);
		if (c == NULL)
			return n;
		p = c + 1;
	}
}

static int
parse_flags(char *s, unsigned *flags)
{
	char *tok, *save = NULL;

	*flags = 0;
	for (tok = strtok_r(s, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		tok = trim(tok);
		if (strcmp(tok, "encrypted") == 0)
			*flags |= 1;
		else if (strcmp(tok, "readonly") == 0)
			*flags |= 2;
		else if (*tok != '\0')
			return -1;
	}
	return 0;
}

static int
parse_csv(const char *path, const unsigned char *buf, size_t n,
    struct partitions *out, struct diag_err *err)
{
	char line[512], *f[7];
	size_t i = 0, len, nf;
	long lineno = 0;
	uint32_t next = PARTITIONS_TABLE_OFFSET + TABLE_SIZE;

	while (i < n) {
		struct partitions_entry *e;
		uint32_t v, align;
		char *p;

		lineno++;
		for (len = 0; i < n && buf[i] != '\n'; i++)
			if (len + 1 < sizeof(line))
				line[len++] = buf[i] == '\0' ? ' ' : (char)buf[i];
			else
				return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
				    "line longer than %zu bytes", sizeof(line) - 1);
		i++;
		line[len] = '\0';
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if ((nf = split(p, f, 6)) < 5 || nf > 6)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "expected 'name, type, subtype, offset, size[, flags]'"
			    " (%zu fields)", nf);
		if (out->n == PARTITIONS_MAX)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "more than %d partitions", PARTITIONS_MAX);
		e = &out->e[out->n];
		memset(e, 0, sizeof(*e));
		e->line = lineno;
		if (*f[0] == '\0' || strlen(f[0]) > 16)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "partition name '%s': 1 to 16 characters", f[0]);
		snprintf(e->label, sizeof(e->label), "%s", f[0]);
		if (value_of(types, NNAMES(types), f[1], &e->type) != 0) {
			if (parse_num(f[1], &v) != 0 || v > 0xFE)
				return diag_set(err, DIAG_ESCHEMA, path, lineno,
				    0, "unknown partition type '%s' (app, data, "
				    "bootloader, partition_table or a number)",
				    f[1]);
			e->type = v;
		}
		if (parse_subtype(e->type, f[2], &e->subtype) != 0)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "unknown subtype '%s' for type %s", f[2], f[1]);
		if (parse_num(f[4], &e->size) != 0 || e->size == 0)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "invalid size '%s' (0x.., decimal, K or M)", f[4]);
		align = e->type == PARTITIONS_APP ? APP_ALIGN : DATA_ALIGN;
		if (*f[3] == '\0') {
			if (next % align != 0)
				next += align - next % align;
			e->offset = next;
		} else if (parse_num(f[3], &e->offset) != 0)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "invalid offset '%s' (0x.., decimal, K or M)", f[3]);
		if (e->type == PARTITIONS_APP && e->offset % APP_ALIGN != 0)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "partition '%s': offset 0x%x is not aligned to "
			    "0x%x (app partitions)", e->label, e->offset,
			    APP_ALIGN);
		if (nf == 6 && parse_flags(f[5], &e->flags) != 0)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "unknown flag in '%s' (encrypted, readonly)", f[5]);
		if ((uint64_t)e->offset + e->size > 0xFFFFFFFFull)
			return diag_set(err, DIAG_ESCHEMA, path, lineno, 0,
			    "partition '%s' ends past 4 GiB", e->label);
		next = e->offset + e->size;
		out->n++;
	}
	return 0;
}

static int
parse_bin(const char *path, const unsigned char *buf, size_t n,
    struct partitions *out, struct diag_err *err)
{
	size_t off;
	unsigned char md5[16];

	for (off = 0; off + 32 <= n && off < 0xC00; off += 32) {
		const unsigned char *b = buf + off;
		struct partitions_entry *e;

		if (b[0] == 0xFF && b[1] == 0xFF)
			return 0;
		if (b[0] == 0xEB && b[1] == 0xEB) {
			image_md5(buf, off, md5);
			if (memcmp(md5, b + 16, 16) != 0)
				return diag_set(err, DIAG_ESCHEMA, path,
				    (long)(off / 32 + 1), 0, "the MD5 entry does "
				    "not match the table (ESP-IDF refuses it)");
			out->has_md5 = 1;
			continue;
		}
		if (b[0] != 0xAA || b[1] != 0x50)
			return diag_set(err, DIAG_ESCHEMA, path,
			    (long)(off / 32 + 1), 0, "entry %zu has no partition "
			    "magic (0xAA 0x50)", off / 32 + 1);
		e = &out->e[out->n++];
		memset(e, 0, sizeof(*e));
		e->line = (long)(off / 32 + 1);
		e->type = b[2];
		e->subtype = b[3];
		e->offset = (uint32_t)b[4] | (uint32_t)b[5] << 8 |
		    (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
		e->size = (uint32_t)b[8] | (uint32_t)b[9] << 8 |
		    (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
		memcpy(e->label, b + 12, 16);
		e->label[16] = '\0';
		e->flags = b[28];
	}
	if (off + 32 > n && off < 0xC00 && off < n)
		return diag_set(err, DIAG_ESCHEMA, path, (long)(off / 32 + 1), 0,
		    "the table ends inside entry %zu", off / 32 + 1);
	return 0;
}

static int
cmp_offset(const void *x, const void *y)
{
	const struct partitions_entry *a = x, *b = y;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* What ESP-IDF refuses in any table: duplicates and overlaps. */
static int
check(const char *path, struct partitions *p, struct diag_err *err)
{
	struct partitions_entry s[PARTITIONS_MAX];
	size_t i, k;

	for (i = 0; i < p->n; i++)
		for (k = 0; k < i; k++)
			if (strcmp(p->e[i].label, p->e[k].label) == 0)
				return diag_set(err, DIAG_ESCHEMA, path,
				    p->e[i].line, 0, "partition name '%s' is "
				    "used twice (also line %ld)", p->e[i].label,
				    p->e[k].line);
	memcpy(s, p->e, p->n * sizeof(s[0]));
	qsort(s, p->n, sizeof(s[0]), cmp_offset);
	for (i = 1; i < p->n; i++)
		if ((uint64_t)s[i - 1].offset + s[i - 1].size > s[i].offset)
			return diag_set(err, DIAG_ESCHEMA, path, s[i].line, 0,
			    "partition '%s' (0x%x-0x%x) overlaps '%s' "
			    "(0x%x-0x%x)", s[i].label, s[i].offset,
			    s[i].offset + s[i].size, s[i - 1].label,
			    s[i - 1].offset, s[i - 1].offset + s[i - 1].size);
	return 0;
}

int
partitions_parse(const char *path, const unsigned char *buf, size_t n,
    struct partitions *out, struct diag_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (n >= 2 && buf[0] == 0xAA && buf[1] == 0x50) {
		out->binary = 1;
		rc = parse_bin(path, buf, n, out, err);
	} else
		rc = parse_csv(path, buf, n, out, err);
	if (rc == 0 && out->n == 0)
		rc = diag_set(err, DIAG_ESCHEMA, path, 0, 0,
		    "no partitions in this table");
	if (rc == 0)
		rc = check(path, out, err);
	if (rc != 0)
		out->n = 0;
	return rc;
}

int
partitions_load(const char *path, struct partitions *out,
    struct diag_err *err)
{
	FILE *fp;
	unsigned char *buf;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((fp = fopen(path, "rb")) == NULL)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	buf = malloc(PARTITIONS_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		return diag_set(err, DIAG_EIO, path, 0, 0, "out of memory");
	}
	n = fread(buf, 1, PARTITIONS_FILE_MAX + 1, fp);
	if (ferror(fp))
		rc = diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    strerror(errno));
	else if (n > PARTITIONS_FILE_MAX)
		rc = diag_set(err, DIAG_ELIMIT, path, 0, 0, "larger than %d "
		    "bytes: not a partition table", PARTITIONS_FILE_MAX);
	else
		rc = partitions_parse(path, buf, n, out, err);
	fclose(fp);
	free(buf);
	return rc;
}

const struct partitions_entry *
partitions_find(const struct partitions *p, const char *label)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].label, label) == 0)
			return &p->e[i];
	return NULL;
}

int
partitions_is_ota(const struct partitions_entry *e)
{
	return e->type == PARTITIONS_APP && e->subtype >= PARTITIONS_OTA_0 &&
	    e->subtype < PARTITIONS_OTA_0 + 16;
}

size_t
partitions_count_ota(const struct partitions *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += partitions_is_ota(&p->e[i]);
	return n;
}

int
partitions_has_otadata(const struct partitions *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].type == PARTITIONS_DATA &&
		    p->e[i].subtype == PARTITIONS_OTADATA)
			return 1;
	return 0;
}
