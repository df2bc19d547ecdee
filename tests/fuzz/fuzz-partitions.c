/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as a partition table (CSV, or binary
 * when they start with 0xAA 0x50: entries, MD5 entry) and as an sdkconfig:
 * the two configuration files `otadiag image` reads.
 */
#include <stdint.h>
#include <stdlib.h>

#include "partitions.h"
#include "sdkconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct partitions p;
	struct diag_err err;
	struct sdkconfig *s;

	if (partitions_parse("fuzz.csv", data, size, &p, &err) == 0) {
		(void)partitions_count_ota(&p);
		(void)partitions_has_otadata(&p);
	}
	s = sdkconfig_parse("sdkconfig", (const char *)data, size, &err);
	if (s != NULL) {
		(void)sdkconfig_get(s, "CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE",
		    NULL);
		(void)sdkconfig_name_in(s, "CONFIG_ESP_TASK_WDT_TIMEOUT_S");
		sdkconfig_free(s);
	}
	return 0;
}
