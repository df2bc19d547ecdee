/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sdkconfig: values, "is not set", renamed options (sdkconfig.c), and the
 * Kconfig suggestions made concrete with them (kconfig.c).
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "sdkconfig.h"

static struct sdkconfig *
parse(const char *text)
{
	struct diag_err err;
	struct sdkconfig *s = sdkconfig_parse("sdkconfig", text, strlen(text),
	    &err);

	cr_assert_not_null(s, "%s", err.text);
	return s;
}

Test(sdkconfig, values_and_not_set)
{
	struct sdkconfig *s = parse(
	    "#\n# Automatically generated file. DO NOT EDIT.\n"
	    "# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project "
	    "Configuration\n#\n"
	    "CONFIG_IDF_TARGET=\"esp32s3\"\n"
	    "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE=2304\n"
	    "# CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE is not set\n"
	    "CONFIG_PARTITION_TABLE_TWO_OTA=y\n");

	cr_assert_str_eq(sdkconfig_get(s, "CONFIG_IDF_TARGET", NULL), "esp32s3");
	cr_assert_str_eq(sdkconfig_get(s,
	    "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE", NULL), "2304");
	cr_assert_str_eq(sdkconfig_get(s,
	    "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE", NULL), "n");
	cr_assert_null(sdkconfig_get(s, "CONFIG_NOT_THERE", NULL));
	cr_assert(sdkconfig_enabled(s, "CONFIG_PARTITION_TABLE_TWO_OTA"));
	cr_assert_not(sdkconfig_enabled(s,
	    "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE"));
	cr_assert_str_eq(sdkconfig_idf_version(s), "5.1.2");
	sdkconfig_free(s);
}

Test(sdkconfig, renamed_options_found_under_either_name)
{
	struct sdkconfig *s = parse(
	    "# Espressif IoT Development Framework (ESP-IDF) 4.3.1 Project "
	    "Configuration\n"
	    "CONFIG_SYSTEM_EVENT_TASK_STACK_SIZE=3072\n"
	    "CONFIG_OTA_ALLOW_HTTP=y\n");
	const char *name;

	cr_assert_str_eq(sdkconfig_get(s,
	    "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE", &name), "3072");
	cr_assert_str_eq(name, "CONFIG_SYSTEM_EVENT_TASK_STACK_SIZE");
	cr_assert(sdkconfig_enabled(s, "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP"));
	/* an option the file does not mention, of a pre-v5 IDF */
	cr_assert_str_eq(sdkconfig_name_in(s, "CONFIG_ESP_TASK_WDT_TIMEOUT_S"),
	    "CONFIG_TASK_WDT_TIMEOUT_S");
	cr_assert_str_eq(sdkconfig_name_in(s, "CONFIG_LWIP_MAX_SOCKETS"),
	    "CONFIG_LWIP_MAX_SOCKETS");
	sdkconfig_free(s);
}

Test(sdkconfig, bad_lines_name_file_and_line)
{
	struct diag_err err;

	cr_assert_null(sdkconfig_parse("sdkconfig", "CONFIG_A=1\nhello\n", 17,
	    &err));
	cr_assert_eq(err.line, 2);
	cr_assert_str_eq(err.file, "sdkconfig");
	cr_assert_null(sdkconfig_parse("sdkconfig", "CONFIG_A=1\n\0\n", 13,
	    &err));
	cr_assert(strstr(err.text, "NUL") != NULL);
	cr_assert_null(sdkconfig_load("/nonexistent/sdkconfig", &err));
}

/* A finding whose rule carries kconfig entries, against an sdkconfig. */
static struct rule_kconfig kcs[] = {
	{"CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE", "increase", "+1024", NULL},
	{"CONFIG_ESP_TASK_WDT_TIMEOUT_S", "increase", "10", NULL},
	{"CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE", "enable", "y", NULL},
	{"CONFIG_MBEDTLS_DYNAMIC_BUFFER", "enable", "y", NULL},
	{"CONFIG_LWIP_MAX_SOCKETS", "check", NULL, NULL},
};

static struct input_result *
result_with_rule(struct rule *r)
{
	struct input_result *res = calloc(1, sizeof(*res));

	memset(r, 0, sizeof(*r));
	r->id = "test-rule";
	r->cause = "stack-overflow";
	r->severity = RULE_ERROR;
	r->title = "t";
	r->kconfig = kcs;
	r->nkconfig = sizeof(kcs) / sizeof(kcs[0]);
	res->path = strdup("x.log");
	res->findings = calloc(1, sizeof(*res->findings));
	res->findings[0] = calloc(1, sizeof(**res->findings));
	res->findings[0]->rule = r;
	res->findings[0]->cause = r->cause;
	res->findings[0]->severity = RULE_ERROR;
	res->findings[0]->text = strdup("");
	res->findings[0]->message = strdup("");
	res->nfindings = 1;
	res->primary = res->findings[0];
	return res;
}

Test(kconfig, current_and_suggested_values)
{
	struct rule r;
	struct input_result *res = result_with_rule(&r);
	struct sdkconfig *s = parse(
	    "# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project "
	    "Configuration\n"
	    "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE=2304\n"
	    "CONFIG_ESP_TASK_WDT_TIMEOUT_S=10\n"
	    "CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE=y\n"
	    "# CONFIG_MBEDTLS_DYNAMIC_BUFFER is not set\n");
	struct finding_kconfig *kc;
	struct strbuf sb = STRBUF_INIT;

	kconfig_apply(res, s);
	kc = res->findings[0]->kc;
	cr_assert_not_null(kc);
	cr_assert_str_eq(kc[0].current, "2304");
	cr_assert_str_eq(kc[0].suggested, "3328 or 4352");
	cr_assert(kc[1].already, "the watchdog is at 10 already");
	cr_assert_null(kc[1].suggested);
	cr_assert(kc[2].already, "rollback is on already");
	cr_assert_str_eq(kc[3].current, "n");
	cr_assert_str_eq(kc[3].suggested, "y");
	cr_assert_null(kc[4].suggested, "a check suggests no value");
	cr_assert_not_null(res->kconfig_tail);
	cr_assert(strstr(res->kconfig_tail,
	    "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE=3328\n") != NULL, "%s",
	    res->kconfig_tail);
	cr_assert(strstr(res->kconfig_tail, "CONFIG_MBEDTLS_DYNAMIC_BUFFER=y\n")
	    != NULL);
	cr_assert(strstr(res->kconfig_tail, "TASK_WDT") == NULL,
	    "no new value for what is set already");
	kconfig_describe(&sb, res->findings[0], 0);
	cr_assert_str_eq(sb.buf, "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE: "
	    "2304 -> 3328 or 4352");
	strbuf_release(&sb);
	kconfig_describe(&sb, res->findings[0], 1);
	cr_assert(strstr(sb.buf, "already 10") != NULL, "%s", sb.buf);
	strbuf_release(&sb);
	sdkconfig_free(s);
	result_free(res);
}

Test(kconfig, pre_v5_names_and_defaults)
{
	struct rule r;
	struct input_result *res = result_with_rule(&r);
	struct sdkconfig *s = parse(
	    "# Espressif IoT Development Framework (ESP-IDF) 4.3.1 Project "
	    "Configuration\n"
	    "CONFIG_SYSTEM_EVENT_TASK_STACK_SIZE=3072\n");
	struct finding_kconfig *kc;

	kconfig_apply(res, s);
	kc = res->findings[0]->kc;
	cr_assert_str_eq(kc[0].option, "CONFIG_SYSTEM_EVENT_TASK_STACK_SIZE");
	cr_assert_str_eq(kc[0].suggested, "4096 or 5120");
	cr_assert_str_eq(kc[1].option, "CONFIG_TASK_WDT_TIMEOUT_S");
	cr_assert_str_eq(kc[1].current, "5 (default)");
	cr_assert_str_eq(kc[1].suggested, "10");
	cr_assert(strstr(res->kconfig_tail, "CONFIG_TASK_WDT_TIMEOUT_S=10") !=
	    NULL, "%s", res->kconfig_tail);
	sdkconfig_free(s);
	result_free(res);
}
