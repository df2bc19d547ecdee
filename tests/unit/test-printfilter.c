/* SPDX-License-Identifier: Apache-2.0 */
/*
 * printfilter: esp-idf-monitor's --print-filter, line by line.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "printfilter.h"

struct pf_case {
	const char	*filter;
	const char	*line;
	int		 shown;
};

static const struct pf_case cases[] = {
	{"", "I (1) wifi: up", 1},
	{"", "plain", 1},
	{"wifi", "V (1) wifi: chatty", 1},
	{"wifi", "I (1) app: other tag", 0},
	{"wifi", "plain", 0},
	{"wifi:I", "I (1) wifi: up", 1},
	{"wifi:I", "D (1) wifi: debug", 0},
	{"wifi:E *:N", "W (1) wifi: warn", 0},
	{"wifi:E *:N", "E (1) wifi: err", 1},
	{"wifi:E *:N", "plain", 0},
	{"*:W", "W (1) any: warn", 1},
	{"*:W", "I (1) any: info", 0},
	{"*:W", "plain", 1},
	{"* esp-tls:N", "E (5) esp-tls: hidden", 0},
	{"* esp-tls:N", "E (5) other: shown", 1},
	{"*:E", "\033[0;31mE (59859) esp-tls: coloured\033[0m", 1},
	{"*:N", "\033[0;32mI (1) app: coloured\033[0m", 0},
	{"wifi:*", "V (1) wifi: all", 1},
	{"wifi:", "V (1) wifi: all", 1},
	{"wifi:i", "I (1) wifi: lower case level", 1},
	{"wifi", "I (12:34:56.789) wifi: system time is not a level line", 0},
};

Test(printfilter, esp_idf_monitor_semantics)
{
	size_t i;
	char err[128];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct printfilter *pf = printfilter_new(cases[i].filter, err,
		    sizeof(err));

		cr_assert_not_null(pf, "'%s': %s", cases[i].filter, err);
		cr_expect_eq(printfilter_match(pf, cases[i].line,
		    strlen(cases[i].line)), cases[i].shown,
		    "filter '%s' on '%s': want %s", cases[i].filter,
		    cases[i].line, cases[i].shown ? "shown" : "hidden");
		printfilter_free(pf);
	}
}

Test(printfilter, bad_items_are_refused_by_name)
{
	static const char *const bad[] = {":I", "a:b:c", "wifi:X", "x:EW"};
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_null(printfilter_new(bad[i], err, sizeof(err)), "%s",
		    bad[i]);
		cr_expect(strstr(err, bad[i]) != NULL, "'%s': %s", bad[i], err);
	}
}
