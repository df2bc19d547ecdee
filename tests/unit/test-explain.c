/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag explain CODE...`: decodes numbers as logs print them, through
 * the built binary; exit 0 when every code is known, 1 when one is not,
 * 2 for usage errors.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

Test(explain, esp_err_hex)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "0x1503",
	    NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "cause: invalid-image") != NULL, "%s", o.out);
	cr_expect(strncmp(o.out, "0x1503  ", 8) == 0, "%s", o.out);
	cr_expect_str_eq(o.err, "");
	proc_out_free(&o);
}

Test(explain, esp_err_decimal)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "5379",
	    NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL, "%s",
	    o.out);
	proc_out_free(&o);
}

Test(explain, mbedtls_negative_hex_and_decimal)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "-0x7F00",
	    "-32512", NULL });
	const char *second;

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_assert_not_null(strstr(o.out, "MBEDTLS_ERR_SSL_ALLOC_FAILED"), "%s",
	    o.out);
	second = strstr(o.out, "-32512  ");
	cr_assert_not_null(second, "%s", o.out);
	cr_expect(strstr(second, "MBEDTLS_ERR_SSL_ALLOC_FAILED") != NULL);
	cr_expect(strstr(o.out, "cause: alloc-failed") != NULL);
	proc_out_free(&o);
}

Test(explain, composite_mbedtls_code)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "-0x4290",
	    NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "MBEDTLS_ERR_MPI_ALLOC_FAILED") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "cause: alloc-failed") != NULL, "%s", o.out);
	proc_out_free(&o);
}

Test(explain, unknown_code_exits_1)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "0x7ffffff1",
	    NULL });

	cr_expect_eq(o.status, 1, "exit %d", o.status);
	cr_expect_str_eq(o.out, "0x7ffffff1  not in any code table\n");
	proc_out_free(&o);
}

Test(explain, one_unknown_among_known_still_prints_all)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "banana",
	    "0x1503", NULL });

	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "banana  not in any code table") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL, "%s",
	    o.out);
	proc_out_free(&o);
}

Test(explain, table_option)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "--table",
	    "esp_err", "0x1503", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "explain", "--table", "mbedtls",
	    "0x1503", NULL });
	cr_expect_eq(o.status, 1, "0x1503 is not an mbedTLS code");
	proc_out_free(&o);
	o = proc_run((const char *[]){ "explain", "--table", "nope", "1",
	    NULL });
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "no code table 'nope'") != NULL, "%s", o.err);
	proc_out_free(&o);
}

Test(explain, usage_errors_exit_2)
{
	struct proc_out o = proc_run((const char *[]){ "explain", NULL });

	cr_expect_eq(o.status, 2);
	cr_expect(strncmp(o.err, "otadiag: error: ", 16) == 0, "%s", o.err);
	cr_expect(strstr(o.err, "try 'otadiag explain --help'") != NULL, "%s",
	    o.err);
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
	o = proc_run((const char *[]){ "explain", "--bogus", "1", NULL });
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "--bogus") != NULL, "%s", o.err);
	proc_out_free(&o);
}

Test(explain, help_exits_0)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "--help",
	    NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strncmp(o.out, "usage: otadiag explain", 22) == 0, "%s",
	    o.out);
	proc_out_free(&o);
}

/*
 * BUG: src/cmd/explain.c, cmd_explain(): a code that is not found is
 * echoed with printf("%s  not in any code table\n", codes[i]) without
 * sanitize, so `otadiag explain "$(cat device-line)"` writes terminal
 * escape sequences (here: clear screen) to stdout.  STYLE.md: all report
 * text passes the sanitiser.  Expected "[2J" gone or escaped, no ESC byte.
 */
Test(explain, unknown_code_is_printed_sanitised)
{
	struct proc_out o = proc_run((const char *[]){ "explain",
	    "\x1b[2J\x1b]0;x\x07", NULL });

	cr_expect_eq(o.status, 1);
	cr_expect_null(strchr(o.out, 0x1b), "an ESC byte reached stdout");
	cr_expect_null(strchr(o.out, 0x07), "a BEL byte reached stdout");
	proc_out_free(&o);
}

Test(explain, by_name_any_case)
{
	struct proc_out o = proc_run((const char *[]){ "explain",
	    "ESP_ERR_HTTP_CONNECT", "esp_err_ota_validate_failed", NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "ESP_ERR_HTTP_CONNECT  ESP-IDF esp_err_t: "
	    "ESP_ERR_HTTP_CONNECT = 0x7002\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "cause: server-unreachable") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED = 0x1503") != NULL,
	    "%s", o.out);
	proc_out_free(&o);

	o = proc_run((const char *[]){ "explain", "ESP_ERR_NOT_A_NAME", NULL });
	cr_expect_eq(o.status, 1);
	cr_expect_str_eq(o.out, "ESP_ERR_NOT_A_NAME  not in any code table\n");
	proc_out_free(&o);
}

Test(explain, component_base_and_an_unlisted_code_in_its_range)
{
	struct proc_out o = proc_run((const char *[]){ "explain", "0x7000",
	    "0x7050", NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "0x7000  ESP-IDF esp_err_t: ESP_ERR_HTTP_BASE "
	    "= 0x7000\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "0x7050  ESP-IDF esp_err_t: ESP_ERR_HTTP_BASE "
	    "+ 80 (0x7000 + 0x50), a code of that component not in the "
	    "table\n") != NULL, "%s", o.out);
	proc_out_free(&o);
}
