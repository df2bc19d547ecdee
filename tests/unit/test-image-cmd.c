/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag image`: the built binary on generated images, partition tables,
 * sdkconfigs and build directories; what a user sees, in every format,
 * and the exit status (0 ready, 1 a finding at or above --fail-on,
 * 2 usage, 3 unreadable input).
 */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "espimg.h"
#include "proc.h"
#include "results.h"

#define REAL	OTADIAG_SOURCE_DIR "/fixtures/images/esp_idf_blink_esp32s2.bin"

static void
setup(void)
{
	results_tmpdir_enter("image");
}

static void
teardown(void)
{
	results_fini();
}

TestSuite(image_cmd, .init = setup, .fini = teardown);

static void
write_text(const char *path, const char *text)
{
	espimg_write(path, text, strlen(text));
}

static void
app(const char *path, unsigned chip, const char *version, size_t extra)
{
	struct espimg s = espimg_default(chip);

	s.version = version;
	s.segs[1].len += extra;
	espimg_file(path, &s);
}

#define RUN(...)	proc_run((const char *[]){ "image", __VA_ARGS__, NULL })

static json_t *
json_of(const struct proc_out *o)
{
	json_error_t je;
	json_t *j = json_loads(o->out, 0, &je);

	cr_assert_not_null(j, "not JSON (%s): %s", je.text, o->out);
	return j;
}

/* inputs[0].findings[*].rule contains id */
static int
has_rule(json_t *j, const char *id)
{
	json_t *f = json_object_get(json_array_get(json_object_get(j, "inputs"),
	    0), "findings"), *x;
	size_t i;

	json_array_foreach(f, i, x)
		if (strcmp(json_string_value(json_object_get(x, "rule")), id) == 0)
			return 1;
	return 0;
}

Test(image_cmd, valid_app_is_ready_and_shows_image_info)
{
	struct proc_out o;

	app("app.bin", 9, "1.0.0", 0);
	o = RUN("app.bin");
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "app.bin: ready to ship\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "chip esp32s3 (id 9)") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "3 segments") != NULL);
	cr_expect(strstr(o.out, "(valid), SHA-256 ") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "app: thermostat version 1.0.0, ESP-IDF v5.2.1, "
	    "secure version 0") != NULL, "%s", o.out);
	cr_expect(strstr(o.err, "exit 0:") != NULL, "%s", o.err);
	proc_out_free(&o);
}

Test(image_cmd, real_idf_image)
{
	struct proc_out o = RUN("--format", "json", REAL);
	json_t *j, *img;

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	j = json_of(&o);
	img = json_object_get(json_array_get(json_object_get(j, "inputs"), 0),
	    "image");
	cr_assert_not_null(img, "%s", o.out);
	cr_expect_str_eq(json_string_value(json_object_get(img, "chip")),
	    "esp32s2");
	cr_expect_str_eq(json_string_value(json_object_get(img, "entry")),
	    "0x40022f84");
	cr_expect_eq(json_array_size(json_object_get(img, "segments")), 6);
	cr_expect(json_is_true(json_object_get(json_object_get(img, "checksum"),
	    "valid")));
	cr_expect(json_is_true(json_object_get(json_object_get(img, "sha256"),
	    "valid")));
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(img,
	    "app"), "project")), "blink");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "inputs"), 0), "kind")), "image");
	json_decref(j);
	proc_out_free(&o);
}

Test(image_cmd, elf_is_named)
{
	/* a real ELF: the otadiag binary */
	struct proc_out o = RUN(OTADIAG_BINARY);

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "You are serving the ELF") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "serve build/app.bin") != NULL);
	cr_expect(strstr(o.err, "exit 1:") != NULL, "%s", o.err);
	proc_out_free(&o);
}

Test(image_cmd, html_json_report_and_ignore)
{
	struct proc_out o;
	json_t *j, *in;

	write_text("page.bin", "<!DOCTYPE html>\n<title>404 Not Found</title>\n");
	o = RUN("--format", "json", "page.bin");
	cr_expect_eq(o.status, 1);
	j = json_of(&o);
	in = json_array_get(json_object_get(j, "inputs"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(in, "format")), "html");
	cr_expect_str_eq(json_string_value(json_object_get(in, "outcome")),
	    "failed");
	cr_expect_str_eq(json_string_value(json_object_get(in, "primary_cause")),
	    "invalid-image");
	cr_expect(has_rule(j, "image-html"));
	json_decref(j);
	proc_out_free(&o);
	o = RUN("--ignore", "image-html", "page.bin");
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	proc_out_free(&o);
}

Test(image_cmd, every_format_and_the_gate)
{
	static const char *const fmts[] = {"text", "json", "jsonl", "sarif",
	    "junit", "github"};
	size_t i;

	write_text("page.bin", "<html>");
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct proc_out o = RUN("--format", fmts[i], "page.bin");

		cr_expect_eq(o.status, 1, "%s: exit %d: %s", fmts[i], o.status,
		    o.err);
		cr_expect(strstr(o.out, "image-html") != NULL ||
		    strstr(o.out, "invalid-image") != NULL, "%s: %s", fmts[i],
		    o.out);
		proc_out_free(&o);
	}
}

Test(image_cmd, merged_image)
{
	struct espimg boot = espimg_default(9);
	size_t n;
	unsigned char *b, *m = malloc(0x20000);
	struct proc_out o;

	boot.no_desc = 1;
	b = espimg_build(&boot, &n);
	memset(m, 0xFF, 0x20000);
	memcpy(m, b, n);
	memcpy(m + 0x8000, "\xaa\x50\x00\x10\x00\x00\x01\x00", 8);
	espimg_write("merged.bin", m, 0x20000);
	o = RUN("merged.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "merged flash image") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "Serve the app binary, not the merged image") !=
	    NULL, "%s", o.out);
	cr_expect(strstr(o.out, "the app is at 0x10000") != NULL, "%s", o.out);
	proc_out_free(&o);
	free(b);
	free(m);
}

Test(image_cmd, bad_inputs_never_crash)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b = espimg_build(&s, &n);
	struct proc_out o;
	FILE *fp;

	/* empty */
	write_text("empty.bin", "");
	o = RUN("empty.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "The firmware file is empty") != NULL);
	proc_out_free(&o);
	/* 255 segments */
	b[1] = 255;
	espimg_write("many.bin", b, n);
	o = RUN("many.bin");
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "255 segments; an image has at most 16") !=
	    NULL, "%s", o.out);
	proc_out_free(&o);
	/* a length past the end */
	b[1] = 3;
	b[28] = b[29] = b[30] = b[31] = 0xFF;
	espimg_write("long.bin", b, n);
	o = RUN("long.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "The image is truncated") != NULL, "%s", o.out);
	proc_out_free(&o);
	/* 200 MB (sparse) */
	fp = fopen("big.bin", "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(ftruncate(fileno(fp), 200L * 1024 * 1024), 0);
	fclose(fp);
	o = RUN("big.bin");
	cr_expect_eq(o.status, 3, "exit %d", o.status);
	cr_expect(strstr(o.err, "otadiag: big.bin: error: 209715200 bytes: "
	    "larger than any ESP32 flash") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "exit 3:") != NULL);
	proc_out_free(&o);
	/* missing */
	o = RUN("missing.bin");
	cr_expect_eq(o.status, 3);
	cr_expect(strstr(o.err, "missing.bin: error: cannot open") != NULL);
	proc_out_free(&o);
	free(b);
}

Test(image_cmd, checksum_and_hash)
{
	struct espimg s = espimg_default(0);
	size_t n;
	unsigned char *b = espimg_build(&s, &n);
	struct proc_out o;

	b[n - 40] ^= 0xFF;	/* a data byte: checksum and hash both fail */
	espimg_write("bad.bin", b, n);
	o = RUN("bad.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "The image checksum is wrong") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "The appended SHA-256 does not match") != NULL);
	cr_expect(strstr(o.out, "(INVALID)") != NULL);
	proc_out_free(&o);
	free(b);
}

Test(image_cmd, fit_in_partition_tables)
{
	struct proc_out o;

	app("big.bin", 0, "2.0.0", 0x110000);	/* over 1 MiB */
	write_text("two_ota.csv", "nvs, data, nvs, , 0x4000,\n"
	    "otadata, data, ota, , 0x2000,\nphy_init, data, phy, , 0x1000,\n"
	    "factory, app, factory, , 1M,\nota_0, app, ota_0, , 1M,\n"
	    "ota_1, app, ota_1, , 1M,\n");
	o = RUN("--partitions", "two_ota.csv", "big.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "The image does not fit the OTA slot  "
	    "[not-enough-space]") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "ota_0 (0x100000, 1048576 bytes), ota_1") !=
	    NULL, "%s", o.out);
	cr_expect(strstr(o.out, "a slot of 0x120000 holds it") != NULL, "%s",
	    o.out);
	proc_out_free(&o);
	write_text("single.csv", "nvs, data, nvs, , 0x6000,\n"
	    "phy_init, data, phy, , 0x1000,\nfactory, app, factory, , 1M,\n");
	app("small.bin", 0, "2.0.0", 0);
	o = RUN("--partitions", "single.csv", "small.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "[no-ota-partition]") != NULL, "%s", o.out);
	proc_out_free(&o);
	/* fits: the Arduino default scheme, 1.25 MiB slots */
	write_text("default.csv", "nvs, data, nvs, 0x9000, 0x5000,\n"
	    "otadata, data, ota, 0xe000, 0x2000,\n"
	    "app0, app, ota_0, 0x10000, 0x140000,\n"
	    "app1, app, ota_1, 0x150000,0x140000,\n"
	    "spiffs, data, spiffs, 0x290000,0x160000,\n"
	    "coredump, data, coredump,0x3F0000,0x10000,\n");
	o = RUN("--partitions", "default.csv", "--slot", "app1", "big.bin");
	cr_expect_eq(o.status, 0, "exit %d: %s%s", o.status, o.out, o.err);
	proc_out_free(&o);
	o = RUN("--partitions", "default.csv", "--slot", "spiffs", "big.bin");
	cr_expect_eq(o.status, 3);
	cr_expect(strstr(o.err, "no app partition named 'spiffs'") != NULL);
	proc_out_free(&o);
}

Test(image_cmd, refused_partition_table_names_line)
{
	struct proc_out o;

	app("a.bin", 0, "1", 0);
	write_text("overlap.csv", "nvs, data, nvs, 0x9000, 0x6000\n"
	    "otadata, data, ota, 0xe000, 0x2000\n");
	o = RUN("--partitions", "overlap.csv", "a.bin");
	cr_expect_eq(o.status, 3);
	cr_expect(strstr(o.err, "otadiag: overlap.csv:2: error: partition "
	    "'otadata' (0xe000-0x10000) overlaps 'nvs' (0x9000-0xf000)") != NULL,
	    "%s", o.err);
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
}

Test(image_cmd, against_the_running_image)
{
	struct espimg old = espimg_default(0), new = espimg_default(0);
	struct proc_out o;

	old.version = "1.4.2";
	old.secure_version = 2;
	espimg_file("old.bin", &old);
	new.version = "1.4.2";
	new.secure_version = 1;
	new.project = "heater";
	espimg_file("new.bin", &new);
	o = RUN("--format", "json", "--running", "old.bin", "new.bin");
	cr_expect_eq(o.status, 1);
	{
		json_t *j = json_of(&o);

		cr_expect(has_rule(j, "image-same-version"));
		cr_expect(has_rule(j, "image-project-mismatch"));
		cr_expect(has_rule(j, "image-secure-version-lower"));
		json_decref(j);
	}
	proc_out_free(&o);
	o = RUN("--running-version", "v1.10.0", "--running-project", "heater",
	    "new.bin");
	cr_expect_eq(o.status, 0, "a lower version is a warning: %s", o.out);
	cr_expect(strstr(o.out, "lower version") != NULL, "%s", o.out);
	proc_out_free(&o);
	o = RUN("--running", "old.bin", "--running-version", "1", "new.bin");
	cr_expect_eq(o.status, 2);
	proc_out_free(&o);
}

Test(image_cmd, sdkconfig_checks_and_kconfig_values)
{
	struct proc_out o;

	app("s3.bin", 9, "1.0.0", 0);
	write_text("sdkconfig",
	    "# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project "
	    "Configuration\n"
	    "CONFIG_IDF_TARGET=\"esp32c3\"\n"
	    "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\n"
	    "CONFIG_SECURE_SIGNED_APPS_NO_SECURE_BOOT=y\n"
	    "CONFIG_PARTITION_TABLE_SINGLE_APP=y\n"
	    "# CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE is not set\n");
	o = RUN("--sdkconfig", "sdkconfig", "s3.bin");
	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "chip esp32s3, expected esp32c3 (CONFIG_IDF_TARGET "
	    "in the sdkconfig)") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "[insecure-transport]") != NULL);
	cr_expect(strstr(o.out, "[signature-invalid]") != NULL);
	cr_expect(strstr(o.out, "CONFIG_PARTITION_TABLE_SINGLE_APP: 0 OTA app "
	    "slots") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "kconfig: CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP: y -> n")
	    != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "  sdkconfig.defaults (add, then rebuild: "
	    "idf.py fullclean build):\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "    # CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is not "
	    "set\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "    CONFIG_PARTITION_TABLE_TWO_OTA=y\n") !=
	    NULL, "%s", o.out);
	proc_out_free(&o);
	o = RUN("--format", "json", "--sdkconfig", "sdkconfig", "s3.bin");
	cr_expect(strstr(o.out, "\"current\": \"y\"") != NULL ||
	    strstr(o.out, "\"current\":\"y\"") != NULL, "%s", o.out);
	proc_out_free(&o);
	o = RUN("--sdkconfig", "missing", "s3.bin");
	cr_expect_eq(o.status, 3);
	proc_out_free(&o);
}

Test(image_cmd, build_directory)
{
	struct proc_out o;

	cr_assert_eq(mkdir("proj", 0755), 0);
	cr_assert_eq(mkdir("proj/build", 0755), 0);
	cr_assert_eq(mkdir("proj/build/partition_table", 0755), 0);
	app("proj/build/thermostat.bin", 5, "3.0.0", 0);
	write_text("proj/build/project_description.json",
	    "{\"project_name\": \"thermostat\", \"app_bin\": \"thermostat.bin\","
	    " \"target\": \"esp32c3\"}");
	write_text("proj/build/flasher_args.json",
	    "{\"partition-table\": {\"offset\": \"0x8000\", \"file\": "
	    "\"partition_table/partitions.csv\"}}");
	write_text("proj/build/partition_table/partitions.csv",
	    "nvs, data, nvs, , 0x6000,\nfactory, app, factory, , 1M,\n");
	write_text("proj/sdkconfig", "CONFIG_IDF_TARGET=\"esp32c3\"\n");
	o = RUN("proj/build");
	cr_expect_eq(o.status, 1, "exit %d: %s %s", o.status, o.out, o.err);
	cr_expect(strstr(o.out, "proj/build/thermostat.bin: not ready to ship: "
	    "The partition table has no two OTA slots") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "chip esp32c3 (id 5)") != NULL);
	proc_out_free(&o);
	cr_assert_eq(mkdir("notbuild", 0755), 0);
	o = RUN("notbuild");
	cr_expect_eq(o.status, 3);
	cr_expect(strstr(o.err, "not an ESP-IDF build directory") != NULL);
	proc_out_free(&o);
}

Test(image_cmd, esp8266_and_device_text_escaped)
{
	unsigned char b[48];
	struct espimg s = espimg_default(0);
	struct proc_out o;
	size_t k;

	memset(b, 0, sizeof(b));
	memcpy(b, "\xe9\x01\x02\x20\x04\x00\x10\x40\x00\x00\x10\x40\x10", 13);
	for (k = 0; k < 16; k++)
		b[47] ^= (unsigned char)(k + 1), b[16 + k] = (unsigned char)(k + 1);
	b[47] ^= 0xEF;
	espimg_write("8266.bin", b, 48);
	o = RUN("8266.bin");
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.out);
	cr_expect(strstr(o.out, "An ESP8266 image") != NULL, "%s", o.out);
	proc_out_free(&o);
	s.project = "\033]0;pwned\007\033[2J";
	espimg_file("esc.bin", &s);
	o = RUN("--running-project", "x", "esc.bin");
	cr_expect(strchr(o.out, '\033') == NULL, "raw ESC in: %s", o.out);
	cr_expect(strchr(o.out, '\007') == NULL);
	proc_out_free(&o);
}

Test(image_cmd, a_check_without_its_rule_is_no_pass)
{
	struct proc_out o;

	write_text("page.bin", "<html>");
	o = RUN("--no-default-rules", "--rules", OTADIAG_SOURCE_DIR
	    "/tests/unit/fixtures/rules-passing.json", "page.bin");
	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.out);
	cr_expect(strstr(o.out, "no rule 'image-html'") != NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(image_cmd, standard_input)
{
	/* proc_run's standard input is /dev/null: an empty image */
	struct proc_out o = RUN("-");

	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "-: not ready to ship: The firmware file is "
	    "empty") != NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(image_cmd, usage_errors)
{
	struct proc_out o = RUN("--chip", "esp99", "a.bin");

	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "unknown chip 'esp99'") != NULL);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "image", NULL });
	cr_expect_eq(o.status, 2);
	proc_out_free(&o);
	o = RUN("--slot", "ota_0", "a.bin");
	cr_expect_eq(o.status, 2);
	proc_out_free(&o);
}
