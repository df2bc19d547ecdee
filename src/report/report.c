/* SPDX-License-Identifier: Apache-2.0 */
/* report: format names and dispatch (see report.h). */
#include <string.h>

#include "diag.h"
#include "report.h"

static const char *const names[REPORT_MAX] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_JSONL] = "jsonl",
	[REPORT_SARIF] = "sarif",
	[REPORT_JUNIT] = "junit",
	[REPORT_GITHUB] = "github",
};

int
report_format_from_name(const char *name)
{
	int i;

	for (i = 0; i < REPORT_MAX; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
report_format_name(enum report_format f)
{
	return (unsigned)f < REPORT_MAX ? names[f] : "text";
}

int
report_write(enum report_format f, FILE *fp, struct input_result *const *in,
    size_t n, const struct report_opts *o)
{
	int rc;

	switch (f) {
	case REPORT_TEXT:
		rc = report_text(fp, in, n, o);
		break;
	case REPORT_JSON:
		rc = report_json(fp, in, n, o);
		break;
	case REPORT_JSONL:
		rc = report_jsonl(fp, in, n, o);
		break;
	case REPORT_SARIF:
		rc = report_sarif(fp, in, n, o);
		break;
	case REPORT_JUNIT:
		rc = report_junit(fp, in, n, o);
		break;
	case REPORT_GITHUB:
		rc = report_github(fp, in, n, o);
		break;
	default:
		return DIAG_EUSAGE;
	}
	if (rc == 0 && (fflush(fp) != 0 || ferror(fp)))
		rc = DIAG_EIO;
	return rc;
}
