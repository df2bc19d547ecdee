/* SPDX-License-Identifier: Apache-2.0 */
/*
 * image: what a firmware file is; an app image's header, segments,
 * checksum, appended SHA-256 and app description (esp_app_format.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#include "cryptoapi.h"
#include "image.h"
#include "le.h"
#include "xalloc.h"

/* chip_id of esp_image_header_t (esp_chip_id_t), catalog 10.1. */
static const struct {
	unsigned	 id;
	const char	*name;
} chips[] = {
	{0x0000, "esp32"},
	{0x0002, "esp32s2"},
	{0x0005, "esp32c3"},
	{0x0009, "esp32s3"},
	{0x000C, "esp32c2"},
	{0x000D, "esp32c6"},
	{0x0010, "esp32h2"},
	{0x0012, "esp32p4"},
	{0x0014, "esp32c61"},
	{0x0017, "esp32c5"},
	{0x0019, "esp32h21"},
	{0x001C, "esp32h4"},
	{0x0020, "esp32s31"},
};

static const char *const kind_names[IMAGE_KIND_MAX] = {
	[IMAGE_APP] = "app image",
	[IMAGE_NO_DESC] = "image without an app description",
	[IMAGE_ESP8266] = "ESP8266 image",
	[IMAGE_MERGED] = "merged flash image",
	[IMAGE_PARTITION_TABLE] = "binary partition table",
	[IMAGE_ELF] = "ELF file",
	[IMAGE_HTML] = "HTML page",
	[IMAGE_JSON] = "JSON document",
	[IMAGE_ZIP] = "ZIP archive",
	[IMAGE_GZIP] = "gzip file",
	[IMAGE_TEXT] = "text file",
	[IMAGE_EMPTY] = "empty file",
	[IMAGE_UNKNOWN] = "unrecognised data",
};

const char *
image_kind_name(enum image_kind k)
{
	return (unsigned)k < IMAGE_KIND_MAX ? kind_names[k] : "?";
}

const char *
image_chip_name(unsigned chip_id)
{
	size_t i;

	for (i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (chips[i].id == chip_id)
			return chips[i].name;
	return NULL;
}

int
image_chip_from_name(const char *name)
{
	char buf[16];
	size_t i, n = 0;

	/* "ESP32-S3", "esp32s3", "esp32_s3" */
	for (; *name != '\0' && n + 1 < sizeof(buf); name++)
		if (isalnum((unsigned char)*name))
			buf[n++] = (char)tolower((unsigned char)*name);
	buf[n] = '\0';
	if (*name != '\0')
		return -1;
	for (i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (strcmp(chips[i].name, buf) == 0)
			return (int)chips[i].id;
	return -1;
}

const char *
image_spi_mode_name(unsigned v)
{
	static const char *const m[] = {"QIO", "QOUT", "DIO", "DOUT",
	    "FAST_READ", "SLOW_READ"};

	return v < sizeof(m) / sizeof(m[0]) ? m[v] : "?";
}

const char *
image_spi_speed_name(unsigned v)
{
	/* the ESP32 encoding; newer chips reuse 0 and 0xF differently */
	static const char *const s[16] = {[0] = "40MHz", [1] = "26MHz",
	    [2] = "20MHz", [0xF] = "80MHz"};

	return v < 16 && s[v] != NULL ? s[v] : "?";
}

const char *
image_spi_size_name(unsigned v)
{
	static const char *const s[] = {"1MB", "2MB", "4MB", "8MB", "16MB",
	    "32MB", "64MB", "128MB"};

	return v < sizeof(s) / sizeof(s[0]) ? s[v] : "?";
}

const char *
image_region_name(unsigned chip_id, uint32_t a)
{
	/* the ESP32-S2 maps flash code where the ESP32 has IRAM */
	if (chip_id == 0x0002 && a >= 0x40080000u && a < 0x40800000u)
		return "IROM";
	if ((a >= 0x3F000000u && a < 0x3F800000u) ||
	    (a >= 0x3C000000u && a < 0x3E000000u))
		return "DROM";
	if ((a >= 0x400D0000u && a < 0x40400000u) ||
	    (a >= 0x42000000u && a < 0x44000000u))
		return "IROM";
	if (a >= 0x3FC00000u && a < 0x40000000u)
		return "DRAM";
	if (a >= 0x40000000u && a < 0x40800000u)
		return "IRAM";
	if (a >= 0x4FF00000u && a < 0x50000000u)
		return "L2MEM";
	if (a >= 0x50000000u && a < 0x60100000u)
		return "RTC";
	return "?";
}

/* libcrypto is loaded before any image is read (cmd/image.c). */
static void
digest(const char *name, const unsigned char *buf, size_t n,
    unsigned char *out)
{
	const struct cryptoapi *cr = cryptoapi_get(NULL);
	unsigned len = 0;

	if (cr == NULL || cr->EVP_Digest(buf, n, out, &len,
	    cr->EVP_get_digestbyname(name), NULL) != 1)
		/* only if libcrypto lacks SHA-256 or MD5 */
		memset(out, 0, strcmp(name, "MD5") == 0 ? 16 : 32);
}

void
image_sha256(const unsigned char *buf, size_t n, unsigned char *out)
{
	digest("SHA256", buf, n, out);
}

void
image_md5(const unsigned char *buf, size_t n, unsigned char *out)
{
	digest("MD5", buf, n, out);
}



static void
cstr(char *dst, size_t cap, const unsigned char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap && src[i] != '\0'; i++)
		dst[i] = (char)src[i];
	dst[i] = '\0';
}

/* The first bytes, with non-printables as '.', for messages. */
static void
head_text(struct image *img, const unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < sizeof(img->head); i++)
		img->head[i] = isprint(buf[i]) ? (char)buf[i] : '.';
	img->head[i] = '\0';
}

/* An ESP8266 image: 8-byte header, then a segment at a plausible address. */
static int
esp8266_header(const unsigned char *b, size_t n)
{
	uint32_t addr;

	if (n < 16 || b[1] == 0 || b[1] > IMAGE_MAX_SEGMENTS)
		return 0;
	addr = le32(b + 8);
	return addr >= 0x3FFE8000u && addr < 0x40300000u && b[8] != 0xEE;
}

/* Walks segments from off, checks the checksum; used by both layouts. */
static void
walk_segments(struct image *img, const unsigned char *buf, size_t n,
    size_t off, unsigned count)
{
	unsigned char ck = IMAGE_CHECKSUM_SEED;
	uint64_t pos = off, end;
	size_t i, k;

	if (count == 0)
		img->defects |= IMAGE_D_NO_SEGMENTS;
	if (count > IMAGE_MAX_SEGMENTS) {
		img->defects |= IMAGE_D_TOO_MANY;
		return;
	}
	for (i = 0; i < count; i++) {
		struct image_segment *s;

		if (pos + IMAGE_SEGHDR_LEN > n) {
			img->defects |= IMAGE_D_SEG_PAST_END;
			img->bad_seg = i;
			img->bad_seg_end = pos + IMAGE_SEGHDR_LEN;
			return;
		}
		s = &img->seg[img->nseg];
		s->load_addr = le32(buf + pos);
		s->len = le32(buf + pos + 4);
		s->offset = pos + IMAGE_SEGHDR_LEN;
		end = s->offset + s->len;
		if (end > n) {
			img->defects |= IMAGE_D_SEG_PAST_END;
			img->bad_seg = i;
			img->bad_seg_end = end;
			return;
		}
		for (k = 0; k < s->len; k++)
			ck ^= buf[s->offset + k];
		img->nseg++;
		pos = end;
	}
	/* zero padding so that the checksum is the last byte of 16 */
	img->checksum_offset = pos + (15 - pos % 16);
	img->checksum_calc = ck;
	if (img->checksum_offset >= n) {
		img->defects |= IMAGE_D_NO_CHECKSUM;
		img->image_len = n;
		return;
	}
	img->checksum = buf[img->checksum_offset];
	if (img->checksum != img->checksum_calc)
		img->defects |= IMAGE_D_CHECKSUM;
	img->image_len = img->checksum_offset + 1;
}

static void
parse_desc(struct image *img, const unsigned char *buf, size_t n)
{
	const unsigned char *d = buf + IMAGE_DESC_OFFSET;
	struct image_app_desc *a = &img->desc;

	/* the first segment's data, whether or not the rest fits the file */
	if (n < IMAGE_DESC_OFFSET + IMAGE_DESC_LEN || buf[1] == 0 ||
	    le32(buf + IMAGE_HEADER_LEN + 4) < IMAGE_DESC_LEN ||
	    le32(d) != IMAGE_DESC_MAGIC)
		return;
	img->has_desc = 1;
	a->secure_version = le32(d + 4);
	cstr(a->version, sizeof(a->version), d + 16, 32);
	cstr(a->project, sizeof(a->project), d + 48, 32);
	cstr(a->time, sizeof(a->time), d + 80, 16);
	cstr(a->date, sizeof(a->date), d + 96, 16);
	cstr(a->idf_ver, sizeof(a->idf_ver), d + 112, 32);
	memcpy(a->elf_sha256, d + 144, 32);
	a->min_efuse_rev = le16(d + 176);
	a->max_efuse_rev = le16(d + 178);
	a->mmu_page_size = d[180];
}

static void
parse_esp32(struct image *img, const unsigned char *buf, size_t n)
{
	uint64_t sig;

	if (n < IMAGE_HEADER_LEN) {
		img->defects |= IMAGE_D_SHORT_HEADER;
		return;
	}
	img->segment_count = buf[1];
	img->spi_mode = buf[2];
	img->spi_speed = buf[3] & 0x0F;
	img->spi_size = buf[3] >> 4;
	img->entry = le32(buf + 4);
	img->chip_id = le16(buf + 12);
	img->min_rev = buf[14];
	img->min_rev_full = le16(buf + 15);
	img->max_rev_full = le16(buf + 17);
	img->hash_appended = buf[23];
	if (image_chip_name(img->chip_id) == NULL)
		img->defects |= IMAGE_D_UNKNOWN_CHIP;
	if (img->max_rev_full != 0 && img->max_rev_full != 0xFFFF &&
	    img->min_rev_full > img->max_rev_full)
		img->defects |= IMAGE_D_REV_RANGE;
	if (img->hash_appended > 1)
		img->defects |= IMAGE_D_HASH_FLAG;
	walk_segments(img, buf, n, IMAGE_HEADER_LEN, img->segment_count);
	parse_desc(img, buf, n);
	img->kind = img->has_desc ? IMAGE_APP : IMAGE_NO_DESC;
	if (img->defects & (IMAGE_D_TOO_MANY | IMAGE_D_SEG_PAST_END |
	    IMAGE_D_NO_CHECKSUM))
		return;
	if (img->hash_appended == 1) {
		if (img->image_len + 32 > n)
			img->defects |= IMAGE_D_NO_HASH;
		else {
			memcpy(img->hash, buf + img->image_len, 32);
			image_sha256(buf, img->image_len, img->hash_calc);
			if (memcmp(img->hash, img->hash_calc, 32) != 0)
				img->defects |= IMAGE_D_HASH;
			img->image_len += 32;
		}
	}
	img->trailing = n - img->image_len;
	/* secure boot v2: a 4 KiB-aligned signature sector, magic 0xE7 0x02;
	   v1: a version word and a 64-byte signature right after */
	sig = (img->image_len + 4095) / 4096 * 4096;
	if (sig + 2 <= n && buf[sig] == 0xE7 && buf[sig + 1] == 0x02)
		img->sig_v2 = 1;
	else if (img->trailing == 68 && le32(buf + img->image_len) == 0)
		img->sig_v1 = 1;
}

/* A partition table entry (0xAA 0x50) at off. */
static int
table_at(const unsigned char *buf, size_t n, uint64_t off)
{
	return off + 32 <= n && buf[off] == 0xAA && buf[off + 1] == 0x50;
}

/* The first app partition's offset in the table at off, 0 if none. */
static uint64_t
first_app(const unsigned char *buf, size_t n, uint64_t off)
{
	uint64_t p;

	for (p = off; p + 32 <= n && p < off + 0xC00 &&
	    table_at(buf, n, p); p += 32)
		if (buf[p + 2] == 0x00)
			return le32(buf + p + 4);
	return 0;
}

static int
merged(struct image *img, const unsigned char *buf, size_t n)
{
	static const uint64_t tables[] = {0x8000, 0x7000};
	size_t i;
	uint64_t base = 0;

	/* ESP32: the bootloader at 0x1000, the file from flash offset 0 */
	if (n > 0x1000 + 32 && buf[0] == 0xFF && buf[0x1000] == 0xE9) {
		for (i = 0; i < 0x1000 && buf[i] == 0xFF; i++)
			;
		if (i < 0x1000)
			return 0;
		img->kind = IMAGE_MERGED;
		img->table_offset = table_at(buf, n, 0x8000) ? 0x8000 : 0;
		img->app_offset = img->table_offset ? first_app(buf, n,
		    0x8000) : 0;
		return 1;
	}
	if (buf[0] != 0xE9)
		return 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (table_at(buf, n, tables[i])) {
			img->kind = IMAGE_MERGED;
			img->table_offset = tables[i];
			/* a file from 0x1000 (ESP32) has the table at 0x7000 */
			base = tables[i] == 0x7000 ? 0x1000 : 0;
			img->app_offset = first_app(buf, n, tables[i]);
			if (img->app_offset >= base)
				img->app_offset -= base;
			return 1;
		}
	return 0;
}

static int
text_like(const unsigned char *buf, size_t n)
{
	size_t i, lim = n < 512 ? n : 512;

	for (i = 0; i < lim; i++)
		if (!(isprint(buf[i]) || isspace(buf[i]) || buf[i] >= 0x80))
			return 0;
	return 1;
}

void
image_parse(const unsigned char *buf, size_t n, struct image *img)
{
	size_t i = 0;

	memset(img, 0, sizeof(*img));
	img->size = n;
	head_text(img, buf, n < 16 ? n : 16);
	if (n == 0) {
		img->kind = IMAGE_EMPTY;
		return;
	}
	if (merged(img, buf, n))
		return;
	if (buf[0] == IMAGE_HEADER_MAGIC) {
		/* bytes 8-11: an ESP8266 load address, where an ESP32 header
		   has wp_pin 0xEE and drive strengths 0-3 */
		if (esp8266_header(buf, n)) {
			img->kind = IMAGE_ESP8266;
			img->segment_count = buf[1];
			img->spi_mode = buf[2];
			img->spi_speed = buf[3] & 0x0F;
			img->spi_size = buf[3] >> 4;
			img->entry = le32(buf + 4);
			walk_segments(img, buf, n, 8, buf[1]);
			if (img->image_len > 0 && img->image_len <= n)
				img->trailing = n - img->image_len;
			return;
		}
		parse_esp32(img, buf, n);
		return;
	}
	if (n >= 4 && memcmp(buf, "\177ELF", 4) == 0)
		img->kind = IMAGE_ELF;
	else if (n >= 4 && memcmp(buf, "PK\003\004", 4) == 0)
		img->kind = IMAGE_ZIP;
	else if (n >= 2 && buf[0] == 0x1F && buf[1] == 0x8B)
		img->kind = IMAGE_GZIP;
	else if (table_at(buf, n, 0))
		img->kind = IMAGE_PARTITION_TABLE;
	else {
		/* a UTF-8 BOM and white space before the first character */
		if (n >= 3 && memcmp(buf, "\357\273\277", 3) == 0)
			i = 3;
		while (i < n && isspace(buf[i]))
			i++;
		if (i < n && buf[i] == '<')
			img->kind = IMAGE_HTML;
		else if (i < n && (buf[i] == '{' || buf[i] == '['))
			img->kind = IMAGE_JSON;
		else if (text_like(buf, n))
			img->kind = IMAGE_TEXT;
		else
			img->kind = IMAGE_UNKNOWN;
	}
}

/* A pipe or a terminal: read up to the bound, growing the buffer. */
static int
read_stream(const char *path, FILE *fp, unsigned char **out, size_t *n,
    struct diag_err *err)
{
	size_t cap = 65536, len = 0, got;
	unsigned char *buf = xmalloc(cap);

	while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len > (size_t)IMAGE_FILE_MAX) {
			free(buf);
			return diag_set(err, DIAG_ELIMIT, path, 0, 0, "more than "
			    "%ld MiB: larger than any ESP32 flash; is this the "
			    "firmware?", IMAGE_FILE_MAX / (1024 * 1024));
		}
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	if (ferror(fp)) {
		free(buf);
		return diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    strerror(errno));
	}
	*out = buf;
	*n = len;
	return 0;
}

int
image_read_file(const char *path, unsigned char **out, size_t *n,
    struct diag_err *err)
{
	FILE *fp;
	struct stat st;
	unsigned char *buf = NULL;
	size_t got;
	int rc, is_stdin = strcmp(path, "-") == 0;

	*out = NULL;
	*n = 0;
	if ((fp = is_stdin ? stdin : fopen(path, "rb")) == NULL)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || S_ISDIR(st.st_mode)) {
		if (!is_stdin)
			fclose(fp);
		return diag_set(err, DIAG_EIO, path, 0, 0, "%s",
		    S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		rc = read_stream(path, fp, out, n, err);
		if (!is_stdin)
			fclose(fp);
		return rc;
	}
	if (st.st_size > IMAGE_FILE_MAX) {
		if (!is_stdin)
			fclose(fp);
		return diag_set(err, DIAG_ELIMIT, path, 0, 0,
		    "%lld bytes: larger than any ESP32 flash (%ld MiB read at "
		    "most); is this the firmware?", (long long)st.st_size,
		    IMAGE_FILE_MAX / (1024 * 1024));
	}
	buf = xmalloc((size_t)st.st_size + 1);
	got = fread(buf, 1, (size_t)st.st_size, fp);
	if (ferror(fp) || got != (size_t)st.st_size) {
		if (!is_stdin)
			fclose(fp);
		free(buf);
		return diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    errno != 0 ? strerror(errno) : "short read");
	}
	if (!is_stdin)
		fclose(fp);
	*out = buf;
	*n = got;
	return 0;
}
