/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resetseq: esptool's custom_reset_sequence syntax (resetseq.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resetseq.h"

static int
bit(const char *p, const char *end)
{
	return end - p == 1 && (*p == '0' || *p == '1') ? *p - '0' : -1;
}

int
resetseq_parse(const char *s, struct resetseq *out, char *err, size_t errlen)
{
	const char *p = s, *end;
	struct resetseq_step st;
	char num[32], *e;
	double secs;

	memset(out, 0, sizeof(*out));
	for (;;) {
		end = strchr(p, '|');
		if (end == NULL)
			end = p + strlen(p);
		st.dtr = st.rts = -1;
		st.wait_ms = 0;
		if (end == p)
			goto bad;
		switch (*p) {
		case 'D':
			if ((st.dtr = bit(p + 1, end)) < 0)
				goto bad;
			break;
		case 'R':
			if ((st.rts = bit(p + 1, end)) < 0)
				goto bad;
			break;
		case 'U':
			if (end - p != 4 || p[2] != ',' ||
			    (st.dtr = bit(p + 1, p + 2)) < 0 ||
			    (st.rts = bit(p + 3, end)) < 0)
				goto bad;
			break;
		case 'W':
			if (end - p - 1 <= 0 || end - p - 1 >= (long)sizeof(num))
				goto bad;
			memcpy(num, p + 1, (size_t)(end - p - 1));
			num[end - p - 1] = '\0';
			errno = 0;
			secs = strtod(num, &e);
			if (errno != 0 || *e != '\0' || !(secs >= 0) || secs > 10)
				goto bad;
			st.wait_ms = (long)(secs * 1000.0 + 0.5);
			break;
		default:
			goto bad;
		}
		if (out->n >= RESETSEQ_MAX) {
			snprintf(err, errlen, "more than %d reset commands",
			    RESETSEQ_MAX);
			return -1;
		}
		out->step[out->n++] = st;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
bad:
	snprintf(err, errlen, "bad reset command '%.*s' (D0/D1, R0/R1, U0,1, "
	    "W0.1 separated by '|')", (int)(end - p), p);
	return -1;
}
