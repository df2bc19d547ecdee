/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resetseq: esptool's custom_reset_sequence syntax.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "resetseq.h"

Test(resetseq, esptool_hard_reset_and_every_command)
{
	struct resetseq rs;
	char err[160];

	cr_assert_eq(resetseq_parse("D0|R1|W0.1|U1,0|W0.05|R0", &rs, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 6);
	cr_expect(rs.step[0].dtr == 0 && rs.step[0].rts == -1);
	cr_expect(rs.step[1].dtr == -1 && rs.step[1].rts == 1);
	cr_expect(rs.step[2].wait_ms == 100);
	cr_expect(rs.step[3].dtr == 1 && rs.step[3].rts == 0);
	cr_expect(rs.step[4].wait_ms == 50);
	cr_expect(rs.step[5].rts == 0 && rs.step[5].wait_ms == 0);
}

Test(resetseq, bad_commands_are_named)
{
	static const char *const bad[][2] = {
		{"D2", "'D2'"}, {"D0||R1", "''"}, {"X1", "'X1'"},
		{"W", "'W'"}, {"W11", "'W11'"}, {"Wx", "'Wx'"}, {"U1", "'U1'"},
		{"D0|", "''"}, {"R01", "'R01'"},
	};
	struct resetseq rs;
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(resetseq_parse(bad[i][0], &rs, err, sizeof(err)), -1,
		    "%s", bad[i][0]);
		cr_expect(strstr(err, bad[i][1]) != NULL, "%s: %s", bad[i][0],
		    err);
	}
}
