/* SPDX-License-Identifier: Apache-2.0 */
/*
 * preflight: the checks of `otadiag image`, raised as findings of the rules
 * in rules/preflight.json.  The words are in the rules; this file decides
 * which rule applies and fills its captures.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "preflight.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

#define MAX_CAPS	8

/* A finding being built: rule id, evidence text, captures. */
struct raise {
	const char	*rule;
	char		 text[256];
	struct capture	 caps[MAX_CAPS];
	char		 vals[MAX_CAPS][256];
	size_t		 ncaps;
};

static void
r_init(struct raise *r, const char *rule)
{
	memset(r, 0, sizeof(*r));
	r->rule = rule;
}

static void __attribute__((format(printf, 3, 4)))
r_cap(struct raise *r, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (r->ncaps == MAX_CAPS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->vals[r->ncaps], sizeof(r->vals[0]), fmt, ap);
	va_end(ap);
	r->caps[r->ncaps].name = (char *)(uintptr_t)name;
	r->caps[r->ncaps].value = r->vals[r->ncaps];
	r->ncaps++;
}

/* Device text (app description strings) as a capture: sanitised. */
static void
r_cap_dev(struct raise *r, const char *name, const char *s)
{
	char *clean = sanitize_dup(s, strlen(s));

	r_cap(r, name, "%s", clean);
	free(clean);
}

static void __attribute__((format(printf, 3, 4)))
r_raise(struct analysis *a, struct raise *r, const char *fmt, ...)
{
	va_list ap;
	char *clean;

	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	clean = sanitize_dup(r->text, strlen(r->text));
	if (analysis_raise(a, r->rule, 1, clean, r->caps, r->ncaps) < 0) {
		/* never a silent pass: a check without its rule is an error */
		char msg[160];

		snprintf(msg, sizeof(msg), "the rule set has no rule '%s' for a "
		    "check that failed (rules/preflight.json not loaded?)",
		    r->rule);
		analysis_set_error(a, msg);
	}
	free(clean);
}

/* --- what the file is ------------------------------------------------- */

static const struct {
	enum image_kind	 kind;
	const char	*rule;
	const char	*format;
} kinds[] = {
	{IMAGE_APP, NULL, "esp-app-image"},
	{IMAGE_NO_DESC, "image-no-app-desc", "esp-image"},
	{IMAGE_ESP8266, "image-esp8266", "esp8266-image"},
	{IMAGE_MERGED, "image-merged", "merged-flash-image"},
	{IMAGE_PARTITION_TABLE, "image-partition-table", "partition-table"},
	{IMAGE_ELF, "image-elf", "elf"},
	{IMAGE_HTML, "image-html", "html"},
	{IMAGE_JSON, "image-json", "json"},
	{IMAGE_ZIP, "image-zip", "zip"},
	{IMAGE_GZIP, "image-gzip", "gzip"},
	{IMAGE_TEXT, "image-text", "text"},
	{IMAGE_EMPTY, "image-empty", "empty"},
	{IMAGE_UNKNOWN, "image-unknown", "data"},
};

const char *
preflight_format(const struct image *img)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == img->kind)
			return kinds[i].format;
	return "data";
}

static void
check_kind(struct analysis *a, const struct preflight *pf)
{
	const struct image *img = pf->img;
	struct raise r;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == img->kind && kinds[i].rule != NULL)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return;
	/* a broken header explains a missing app description better */
	if (img->kind == IMAGE_NO_DESC && (img->defects & (IMAGE_D_SHORT_HEADER |
	    IMAGE_D_TOO_MANY | IMAGE_D_NO_SEGMENTS | IMAGE_D_SEG_PAST_END)) &&
	    img->size < IMAGE_DESC_OFFSET + IMAGE_DESC_LEN)
		return;
	r_init(&r, kinds[i].rule);
	r_cap(&r, "size", "%llu", (unsigned long long)img->size);
	r_cap_dev(&r, "head", img->head);
	r_cap(&r, "byte", "0x%02x", pf->n > 0 ? pf->buf[0] : 0);
	if (img->kind == IMAGE_MERGED) {
		r_cap(&r, "table", "0x%llx",
		    (unsigned long long)img->table_offset);
		r_cap(&r, "app", "0x%llx", (unsigned long long)(img->app_offset ?
		    img->app_offset : 0x10000));
	}
	r_raise(a, &r, "offset 0: %s (%s)", img->head, image_kind_name(img->kind));
}

/* --- header, segments, checksum, hash ----------------------------------- */

static void
hex(char *out, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void
check_structure(struct analysis *a, const struct preflight *pf)
{
	const struct image *img = pf->img;
	struct raise r;
	char h1[65], h2[65];

	if (img->defects & IMAGE_D_SHORT_HEADER) {
		r_init(&r, "image-short-header");
		r_cap(&r, "size", "%llu", (unsigned long long)img->size);
		r_raise(a, &r, "%llu bytes", (unsigned long long)img->size);
		return;
	}
	if (img->defects & IMAGE_D_NO_SEGMENTS) {
		r_init(&r, "image-no-segments");
		r_raise(a, &r, "offset 1: segment_count 0");
	}
	if (img->defects & IMAGE_D_TOO_MANY) {
		r_init(&r, "image-too-many-segments");
		r_cap(&r, "count", "%u", img->segment_count);
		r_raise(a, &r, "offset 1: segment_count %u", img->segment_count);
	}
	if (img->defects & IMAGE_D_SEG_PAST_END) {
		r_init(&r, "image-truncated");
		r_cap(&r, "segment", "segment %zu", img->bad_seg);
		r_cap(&r, "count", "%u", img->segment_count);
		r_cap(&r, "end", "%llu", (unsigned long long)img->bad_seg_end);
		r_cap(&r, "size", "%llu", (unsigned long long)img->size);
		r_cap(&r, "missing", "%llu", (unsigned long long)
		    (img->bad_seg_end - img->size));
		r_raise(a, &r, "segment %zu of %u ends at byte %llu of %llu",
		    img->bad_seg, img->segment_count,
		    (unsigned long long)img->bad_seg_end,
		    (unsigned long long)img->size);
	}
	if (img->defects & IMAGE_D_NO_CHECKSUM) {
		r_init(&r, "image-truncated");
		r_cap(&r, "segment", "the checksum byte");
		r_cap(&r, "count", "%u", img->segment_count);
		r_cap(&r, "end", "%llu",
		    (unsigned long long)img->checksum_offset + 1);
		r_cap(&r, "size", "%llu", (unsigned long long)img->size);
		r_cap(&r, "missing", "%llu", (unsigned long long)
		    (img->checksum_offset + 1 - img->size));
		r_raise(a, &r, "the checksum byte at offset %llu is past the end",
		    (unsigned long long)img->checksum_offset);
	}
	if (img->defects & IMAGE_D_CHECKSUM) {
		r_init(&r, "image-checksum-mismatch");
		r_cap(&r, "stored", "0x%02x", img->checksum);
		r_cap(&r, "computed", "0x%02x", img->checksum_calc);
		r_cap(&r, "offset", "%llu", (unsigned long long)img->checksum_offset);
		r_raise(a, &r, "offset %llu: checksum 0x%02x, computed 0x%02x",
		    (unsigned long long)img->checksum_offset, img->checksum,
		    img->checksum_calc);
	}
	if (img->defects & IMAGE_D_NO_HASH) {
		r_init(&r, "image-truncated");
		r_cap(&r, "segment", "the appended SHA-256");
		r_cap(&r, "count", "%u", img->segment_count);
		r_cap(&r, "end", "%llu", (unsigned long long)img->image_len + 32);
		r_cap(&r, "size", "%llu", (unsigned long long)img->size);
		r_cap(&r, "missing", "%llu", (unsigned long long)
		    (img->image_len + 32 - img->size));
		r_raise(a, &r, "hash_appended 1, but the file ends %llu bytes "
		    "after the checksum", (unsigned long long)
		    (img->size - img->image_len));
	}
	if (img->defects & IMAGE_D_HASH) {
		hex(h1, img->hash, 32);
		hex(h2, img->hash_calc, 32);
		r_init(&r, "image-hash-mismatch");
		r_cap(&r, "stored", "%s", h1);
		r_cap(&r, "computed", "%s", h2);
		r_raise(a, &r, "SHA-256 %.16s..., computed %.16s...", h1, h2);
	}
	if (img->defects & IMAGE_D_HASH_FLAG) {
		r_init(&r, "image-bad-header");
		r_cap(&r, "field", "hash_appended");
		r_cap(&r, "value", "%u", img->hash_appended);
		r_raise(a, &r, "offset 23: hash_appended %u", img->hash_appended);
	}
	if (img->defects & IMAGE_D_UNKNOWN_CHIP) {
		r_init(&r, "image-bad-header");
		r_cap(&r, "field", "chip_id");
		r_cap(&r, "value", "0x%04x", img->chip_id);
		r_raise(a, &r, "offset 12: chip_id 0x%04x", img->chip_id);
	}
	if (img->defects & IMAGE_D_REV_RANGE) {
		r_init(&r, "image-bad-header");
		r_cap(&r, "field", "min_chip_rev_full/max_chip_rev_full");
		r_cap(&r, "value", "%u > %u", img->min_rev_full,
		    img->max_rev_full);
		r_raise(a, &r, "offset 15: chip revision v%u.%u above the maximum "
		    "v%u.%u", img->min_rev_full / 100, img->min_rev_full % 100,
		    img->max_rev_full / 100, img->max_rev_full % 100);
	}
}

/* The chip the user named (--chip) or the sdkconfig's target, or NULL. */
static const char *
target_chip(const struct preflight *pf, const char **from)
{
	const char *t;

	if (pf->chip != NULL) {
		*from = "--chip";
		return pf->chip;
	}
	if (pf->sdk != NULL && (t = sdkconfig_get(pf->sdk, "CONFIG_IDF_TARGET",
	    NULL)) != NULL) {
		*from = "CONFIG_IDF_TARGET in the sdkconfig";
		return t;
	}
	return NULL;
}

static void
check_chip(struct analysis *a, const struct preflight *pf)
{
	const struct image *img = pf->img;
	const char *want, *from = "", *have;
	struct raise r;
	int id;

	if ((want = target_chip(pf, &from)) == NULL)
		return;
	if (img->kind == IMAGE_ESP8266) {
		if (image_chip_from_name(want) < 0)
			return;
		have = "esp8266";
	} else if ((img->kind != IMAGE_APP && img->kind != IMAGE_NO_DESC) ||
	    (img->defects & (IMAGE_D_SHORT_HEADER | IMAGE_D_UNKNOWN_CHIP)))
		return;
	else {
		id = image_chip_from_name(want);
		if (id == (int)img->chip_id)
			return;
		have = image_chip_name(img->chip_id);
	}
	r_init(&r, "image-chip-mismatch");
	r_cap(&r, "image_chip", "%s", have);
	r_cap_dev(&r, "chip", want);
	r_cap(&r, "from", "%s", from);
	r_raise(a, &r, "offset 12: chip %s, expected %s (%s)", have, want, from);
}

/* --- fit in the partition table ----------------------------------------- */

/* The built-in tables the sdkconfig can choose (partition_table/). */
static int
builtin_table(const struct sdkconfig *s, struct partitions *p,
    const char **name)
{
	static const struct {
		const char	*option;
		uint32_t	 factory, ota;	/* sizes, 0: none */
	} t[] = {
		{"CONFIG_PARTITION_TABLE_SINGLE_APP", 0x100000, 0},
		{"CONFIG_PARTITION_TABLE_SINGLE_APP_LARGE", 0x177000, 0},
		{"CONFIG_PARTITION_TABLE_TWO_OTA", 0x100000, 0x100000},
		{"CONFIG_PARTITION_TABLE_TWO_OTA_LARGE", 0, 0x1A9000},
	};
	size_t i;
	uint32_t off = 0x10000;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!sdkconfig_enabled(s, t[i].option))
			continue;
		memset(p, 0, sizeof(*p));
		*name = t[i].option;
		if (t[i].ota != 0) {
			snprintf(p->e[p->n].label, 17, "otadata");
			p->e[p->n].type = PARTITIONS_DATA;
			p->e[p->n].subtype = PARTITIONS_OTADATA;
			p->e[p->n].offset = 0xd000;
			p->e[p->n++].size = 0x2000;
		}
		if (t[i].factory != 0) {
			snprintf(p->e[p->n].label, 17, "factory");
			p->e[p->n].offset = off;
			p->e[p->n++].size = t[i].factory;
			off += t[i].factory;
		}
		if (t[i].ota != 0) {
			snprintf(p->e[p->n].label, 17, "ota_0");
			p->e[p->n].subtype = PARTITIONS_OTA_0;
			p->e[p->n].offset = off;
			p->e[p->n++].size = t[i].ota;
			off += t[i].ota;
			snprintf(p->e[p->n].label, 17, "ota_1");
			p->e[p->n].subtype = PARTITIONS_OTA_0 + 1;
			p->e[p->n].offset = off;
			p->e[p->n++].size = t[i].ota;
		}
		return 0;
	}
	return -1;
}

static void
check_fit(struct analysis *a, const struct preflight *pf)
{
	const struct image *img = pf->img;
	const struct partitions *p = pf->parts;
	struct partitions builtin;
	const char *from = "the partition table";
	struct strbuf slots = STRBUF_INIT;
	struct raise r;
	uint64_t size = img->image_len > 0 ? img->image_len : img->size;
	uint64_t smallest = 0, need;
	size_t i, nota, nsmall = 0;
	const struct partitions_entry *sel = NULL;

	if (img->kind != IMAGE_APP)
		return;
	/* what the device needs room for: the image as written, signature
	   blocks and all */
	size = img->size > size ? img->size : size;
	if (p == NULL && pf->sdk != NULL &&
	    builtin_table(pf->sdk, &builtin, &from) == 0)
		p = &builtin;
	if (p == NULL)
		return;
	nota = partitions_count_ota(p);
	if (nota < 2) {
		r_init(&r, "image-no-ota-slots");
		r_cap(&r, "count", "%zu", nota);
		r_cap(&r, "from", "%s", from);
		r_raise(a, &r, "%s: %zu OTA app slot%s", from, nota,
		    nota == 1 ? "" : "s");
	} else if (!partitions_has_otadata(p)) {
		r_init(&r, "image-no-otadata");
		r_cap(&r, "from", "%s", from);
		r_raise(a, &r, "%s: no 'data, ota' partition", from);
	}
	if (pf->slot != NULL)
		sel = partitions_find(p, pf->slot);
	for (i = 0; i < p->n; i++) {
		const struct partitions_entry *e = &p->e[i];

		if (e->type != PARTITIONS_APP || (!partitions_is_ota(e) &&
		    e != sel && nota > 0))
			continue;
		if (smallest == 0 || e->size < smallest)
			smallest = e->size;
		if (e->size >= size)
			continue;
		strbuf_addf(&slots, "%s%s (0x%x, %u bytes)", nsmall++ > 0 ?
		    ", " : "", e->label, e->size, e->size);
	}
	if (nsmall > 0) {
		need = (size + 0xFFFF) / 0x10000 * 0x10000;
		r_init(&r, "image-too-big");
		r_cap(&r, "size", "%llu", (unsigned long long)size);
		r_cap(&r, "slots", "%s", slots.buf);
		r_cap(&r, "over", "%llu", (unsigned long long)(size - smallest));
		r_cap(&r, "need", "0x%llx", (unsigned long long)need);
		r_cap(&r, "from", "%s", from);
		r_raise(a, &r, "image %llu bytes; %s", (unsigned long long)size,
		    slots.buf);
	} else if (smallest > 0 && size * 100 > smallest * 95) {
		r_init(&r, "image-slot-nearly-full");
		r_cap(&r, "size", "%llu", (unsigned long long)size);
		r_cap(&r, "slot", "%llu", (unsigned long long)smallest);
		r_cap(&r, "percent", "%llu",
		    (unsigned long long)(size * 100 / smallest));
		r_cap(&r, "left", "%llu", (unsigned long long)(smallest - size));
		r_raise(a, &r, "image %llu bytes in a %llu-byte slot",
		    (unsigned long long)size, (unsigned long long)smallest);
	}
	strbuf_release(&slots);
}

/* --- against the running image ------------------------------------------ */

/* "v1.2.10-3" vs "1.2.9": -1, 0, 1; 2 when either is not dotted numbers. */
static int
version_cmp(const char *x, const char *y)
{
	unsigned long a, b;
	char *ex, *ey;

	if (*x == 'v' || *x == 'V')
		x++;
	if (*y == 'v' || *y == 'V')
		y++;
	if (!isdigit((unsigned char)*x) || !isdigit((unsigned char)*y))
		return 2;
	for (;;) {
		a = strtoul(x, &ex, 10);
		b = strtoul(y, &ey, 10);
		if (a != b)
			return a < b ? -1 : 1;
		if (*ex != '.' || *ey != '.')
			return *ex == '.' ? 1 : *ey == '.' ? -1 : 0;
		x = ex + 1;
		y = ey + 1;
		if (!isdigit((unsigned char)*x) || !isdigit((unsigned char)*y))
			return 2;
	}
}

static void
check_running(struct analysis *a, const struct preflight *pf)
{
	const struct image_app_desc *d = &pf->img->desc;
	const char *ver = pf->running != NULL ? pf->running->version :
	    pf->running_version;
	const char *proj = pf->running != NULL ? pf->running->project :
	    pf->running_project;
	struct raise r;
	int c;

	if (pf->img->kind != IMAGE_APP)
		return;
	if (ver != NULL && strcmp(ver, d->version) == 0) {
		r_init(&r, "image-same-version");
		r_cap_dev(&r, "version", d->version);
		r_raise(a, &r, "version '%s' in both images", d->version);
	} else if (ver != NULL && (c = version_cmp(d->version, ver)) < 0) {
		r_init(&r, "image-version-lower");
		r_cap_dev(&r, "version", d->version);
		r_cap_dev(&r, "running", ver);
		r_raise(a, &r, "version '%s', running '%s'", d->version, ver);
	}
	if (proj != NULL && strcmp(proj, d->project) != 0) {
		r_init(&r, "image-project-mismatch");
		r_cap_dev(&r, "project", d->project);
		r_cap_dev(&r, "running", proj);
		r_raise(a, &r, "project '%s', running '%s'", d->project, proj);
	}
	if (pf->running != NULL &&
	    d->secure_version < pf->running->secure_version) {
		r_init(&r, "image-secure-version-lower");
		r_cap(&r, "secure_version", "%u", d->secure_version);
		r_cap(&r, "running", "%u", pf->running->secure_version);
		r_raise(a, &r, "secure_version %u, running %u",
		    d->secure_version, pf->running->secure_version);
	}
}

/* --- the sdkconfig ------------------------------------------------------ */

static void
check_sdkconfig(struct analysis *a, const struct preflight *pf)
{
	const struct sdkconfig *s = pf->sdk;
	const struct image *img = pf->img;
	const char *name;
	struct raise r;

	if (s == NULL)
		return;
	if (sdkconfig_get(s, "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP", &name) != NULL &&
	    sdkconfig_enabled(s, "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP")) {
		r_init(&r, "image-ota-allows-http");
		r_cap(&r, "option", "%s", name);
		r_raise(a, &r, "%s=y", name);
	}
	if (img->kind == IMAGE_APP && (sdkconfig_enabled(s,
	    "CONFIG_SECURE_SIGNED_APPS_NO_SECURE_BOOT") ||
	    sdkconfig_enabled(s, "CONFIG_SECURE_BOOT") ||
	    sdkconfig_enabled(s, "CONFIG_SECURE_SIGNED_ON_UPDATE")) &&
	    !img->sig_v1 && !img->sig_v2) {
		const char *opt = sdkconfig_enabled(s, "CONFIG_SECURE_BOOT") ?
		    "CONFIG_SECURE_BOOT" : sdkconfig_enabled(s,
		    "CONFIG_SECURE_SIGNED_ON_UPDATE") ?
		    "CONFIG_SECURE_SIGNED_ON_UPDATE" :
		    "CONFIG_SECURE_SIGNED_APPS_NO_SECURE_BOOT";

		r_init(&r, "image-unsigned");
		r_cap(&r, "option", "%s", opt);
		r_cap(&r, "trailing", "%llu", (unsigned long long)img->trailing);
		r_raise(a, &r, "%s=y; %llu bytes after the image, no signature "
		    "block", opt, (unsigned long long)img->trailing);
	}
	if (sdkconfig_enabled(s, "CONFIG_BOOTLOADER_APP_ANTI_ROLLBACK") &&
	    !sdkconfig_enabled(s, "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE")) {
		r_init(&r, "image-anti-rollback-without-rollback");
		r_raise(a, &r, "CONFIG_BOOTLOADER_APP_ANTI_ROLLBACK=y, "
		    "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE not set");
	} else if (img->kind == IMAGE_APP &&
	    !sdkconfig_enabled(s, "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE")) {
		r_init(&r, "image-no-rollback");
		sdkconfig_get(s, "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE", &name);
		r_cap(&r, "option", "%s", sdkconfig_name_in(s,
		    "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE"));
		r_raise(a, &r, "%s is not set", sdkconfig_name_in(s,
		    "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE"));
	}
}

void
preflight_run(struct analysis *a, const struct preflight *pf)
{
	analysis_set_image(a, preflight_format(pf->img));
	check_kind(a, pf);
	if (pf->img->kind == IMAGE_APP || pf->img->kind == IMAGE_NO_DESC ||
	    pf->img->kind == IMAGE_ESP8266)
		check_structure(a, pf);
	check_chip(a, pf);
	check_fit(a, pf);
	check_running(a, pf);
	check_sdkconfig(a, pf);
}

/* --- what esptool image_info shows -------------------------------------- */

static void
add_dev(struct strbuf *sb, const char *s)
{
	sanitize_append(sb, s, strlen(s));
}

char *
preflight_info_text(const struct image *img)
{
	struct strbuf sb = STRBUF_INIT;
	const struct image_app_desc *d = &img->desc;
	char h[65];
	size_t i;

	strbuf_addf(&sb, "  image: %s, %llu bytes\n", image_kind_name(img->kind),
	    (unsigned long long)img->size);
	if (img->kind != IMAGE_APP && img->kind != IMAGE_NO_DESC &&
	    img->kind != IMAGE_ESP8266)
		return strbuf_detach(&sb);
	if (img->defects & IMAGE_D_SHORT_HEADER)
		return strbuf_detach(&sb);
	strbuf_addf(&sb, "    entry 0x%08x, flash %s %s %s", img->entry,
	    image_spi_mode_name(img->spi_mode),
	    image_spi_speed_name(img->spi_speed),
	    image_spi_size_name(img->spi_size));
	if (img->kind != IMAGE_ESP8266) {
		const char *chip = image_chip_name(img->chip_id);

		strbuf_addf(&sb, ", chip %s (id %u), chip revision v%u.%u",
		    chip != NULL ? chip : "unknown", img->chip_id,
		    img->min_rev_full / 100, img->min_rev_full % 100);
		if (img->max_rev_full != 0 && img->max_rev_full != 0xFFFF)
			strbuf_addf(&sb, " to v%u.%u", img->max_rev_full / 100,
			    img->max_rev_full % 100);
		else
			strbuf_addstr(&sb, " or later");
	}
	strbuf_addf(&sb, "\n    %u segment%s\n", img->segment_count,
	    img->segment_count == 1 ? "" : "s");
	for (i = 0; i < img->nseg; i++)
		strbuf_addf(&sb, "      %zu  0x%08x  %7u bytes  %-5s  file 0x%llx\n",
		    i, img->seg[i].load_addr, img->seg[i].len,
		    image_region_name(img->chip_id, img->seg[i].load_addr),
		    (unsigned long long)img->seg[i].offset);
	if (img->defects & (IMAGE_D_TOO_MANY | IMAGE_D_SEG_PAST_END |
	    IMAGE_D_NO_CHECKSUM))
		strbuf_addstr(&sb, "    no checksum: the segments do not fit "
		    "the file");
	else
		strbuf_addf(&sb, "    checksum 0x%02x (%s)", img->checksum,
		    img->checksum == img->checksum_calc ? "valid" : "INVALID");
	if (img->hash_appended == 1 && !(img->defects & (IMAGE_D_NO_HASH |
	    IMAGE_D_TOO_MANY | IMAGE_D_SEG_PAST_END | IMAGE_D_NO_CHECKSUM))) {
		hex(h, img->hash, 32);
		strbuf_addf(&sb, ", SHA-256 %s (%s)", h,
		    img->defects & IMAGE_D_HASH ? "INVALID" : "valid");
	}
	if (img->sig_v2)
		strbuf_addstr(&sb, ", secure boot v2 signature block");
	else if (img->sig_v1)
		strbuf_addstr(&sb, ", secure boot v1 signature");
	strbuf_addch(&sb, '\n');
	if (img->has_desc) {
		hex(h, d->elf_sha256, 32);
		strbuf_addstr(&sb, "    app: ");
		add_dev(&sb, d->project);
		strbuf_addstr(&sb, " version ");
		add_dev(&sb, d->version);
		strbuf_addstr(&sb, ", ESP-IDF ");
		add_dev(&sb, d->idf_ver);
		strbuf_addf(&sb, ", secure version %u\n    built ", d->secure_version);
		add_dev(&sb, d->date);
		strbuf_addch(&sb, ' ');
		add_dev(&sb, d->time);
		strbuf_addf(&sb, ", ELF SHA-256 %.16s...\n", h);
	}
	return strbuf_detach(&sb);
}

static json_t *
jstr(const char *s)
{
	char *c = sanitize_dup(s, strlen(s));
	json_t *j = json_string(c);

	free(c);
	return j != NULL ? j : json_null();
}

static json_t *
jhex32(uint32_t v)
{
	char b[16];

	snprintf(b, sizeof(b), "0x%08x", v);
	return json_string(b);
}

char *
preflight_info_json(const struct image *img)
{
	json_t *o = json_object(), *segs, *app;
	const struct image_app_desc *d = &img->desc;
	const char *chip;
	char h[65], *out;
	size_t i;
	int header = (img->kind == IMAGE_APP || img->kind == IMAGE_NO_DESC ||
	    img->kind == IMAGE_ESP8266) && !(img->defects & IMAGE_D_SHORT_HEADER);
	int whole = header && !(img->defects & (IMAGE_D_TOO_MANY |
	    IMAGE_D_SEG_PAST_END | IMAGE_D_NO_CHECKSUM));

	json_object_set_new(o, "kind", json_string(preflight_format(img)));
	json_object_set_new(o, "size", json_integer((json_int_t)img->size));
	chip = img->kind == IMAGE_ESP8266 ? "esp8266" : header ?
	    image_chip_name(img->chip_id) : NULL;
	json_object_set_new(o, "chip", chip != NULL ? json_string(chip) :
	    json_null());
	json_object_set_new(o, "chip_id", header && img->kind != IMAGE_ESP8266 ?
	    json_integer(img->chip_id) : json_null());
	json_object_set_new(o, "entry", header ? jhex32(img->entry) :
	    json_null());
	json_object_set_new(o, "flash_mode", header ?
	    json_string(image_spi_mode_name(img->spi_mode)) : json_null());
	json_object_set_new(o, "flash_freq", header ?
	    json_string(image_spi_speed_name(img->spi_speed)) : json_null());
	json_object_set_new(o, "flash_size", header ?
	    json_string(image_spi_size_name(img->spi_size)) : json_null());
	json_object_set_new(o, "min_chip_rev", header &&
	    img->kind != IMAGE_ESP8266 ? json_integer(img->min_rev_full) :
	    json_null());
	json_object_set_new(o, "max_chip_rev", header &&
	    img->kind != IMAGE_ESP8266 ? json_integer(img->max_rev_full) :
	    json_null());
	segs = json_array();
	for (i = 0; i < img->nseg; i++)
		json_array_append_new(segs, json_pack("{s:o,s:I,s:I,s:s}",
		    "load_addr", jhex32(img->seg[i].load_addr),
		    "length", (json_int_t)img->seg[i].len,
		    "offset", (json_int_t)img->seg[i].offset,
		    "region", image_region_name(img->chip_id,
		    img->seg[i].load_addr)));
	json_object_set_new(o, "segment_count", header ?
	    json_integer(img->segment_count) : json_null());
	json_object_set_new(o, "segments", segs);
	if (whole) {
		char s[8], c[8];

		snprintf(s, sizeof(s), "0x%02x", img->checksum);
		snprintf(c, sizeof(c), "0x%02x", img->checksum_calc);
		json_object_set_new(o, "checksum", json_pack("{s:s,s:s,s:b}",
		    "stored", s, "computed", c, "valid",
		    img->checksum == img->checksum_calc));
	} else
		json_object_set_new(o, "checksum", json_null());
	if (whole && img->hash_appended == 1 &&
	    !(img->defects & IMAGE_D_NO_HASH)) {
		char c[65];

		hex(h, img->hash, 32);
		hex(c, img->hash_calc, 32);
		json_object_set_new(o, "sha256", json_pack("{s:s,s:s,s:b}",
		    "stored", h, "computed", c, "valid",
		    !(img->defects & IMAGE_D_HASH)));
	} else
		json_object_set_new(o, "sha256", json_null());
	json_object_set_new(o, "signature", img->sig_v2 ? json_string("v2") :
	    img->sig_v1 ? json_string("v1") : json_null());
	if (img->has_desc) {
		hex(h, d->elf_sha256, 32);
		app = json_object();
		json_object_set_new(app, "version", jstr(d->version));
		json_object_set_new(app, "project", jstr(d->project));
		json_object_set_new(app, "idf_version", jstr(d->idf_ver));
		json_object_set_new(app, "secure_version",
		    json_integer(d->secure_version));
		json_object_set_new(app, "elf_sha256", json_string(h));
		json_object_set_new(app, "date", jstr(d->date));
		json_object_set_new(app, "time", jstr(d->time));
		json_object_set_new(o, "app", app);
	} else
		json_object_set_new(o, "app", json_null());
	out = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (out == NULL)
		return xstrdup("null");
	/* jansson's allocation: hand back one of ours */
	{
		char *copy = xstrdup(out);

		free(out);
		return copy;
	}
}
