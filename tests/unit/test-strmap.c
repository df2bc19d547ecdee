/* SPDX-License-Identifier: Apache-2.0 */
/* strmap: counts, absent keys, growth past many keys, empty map. */
#include <criterion/criterion.h>

#include <stdio.h>

#include "strmap.h"

Test(strmap, counts_each_key)
{
	struct strmap m = STRMAP_INIT;

	cr_expect_eq(strmap_get(&m, "a"), 0);
	cr_expect_eq(strmap_bump(&m, "a"), 1);
	cr_expect_eq(strmap_bump(&m, "a"), 2);
	cr_expect_eq(strmap_bump(&m, ""), 1);
	cr_expect_eq(strmap_get(&m, "a"), 2);
	cr_expect_eq(strmap_get(&m, "b"), 0);
	strmap_release(&m);
	cr_expect_eq(strmap_get(&m, "a"), 0);
}

Test(strmap, keeps_every_key_when_it_grows)
{
	struct strmap m = STRMAP_INIT;
	char key[32];
	int i;

	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "node%d", i);
		cr_assert_eq(strmap_bump(&m, key), 1);
	}
	for (i = 0; i < 100000; i += 997) {
		snprintf(key, sizeof(key), "node%d", i);
		cr_assert_eq(strmap_get(&m, key), 1, "%s", key);
	}
	cr_expect_eq(m.len, 100000);
	strmap_release(&m);
}
