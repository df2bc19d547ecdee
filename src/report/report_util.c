/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_util: helpers shared by the report writers; see report_util.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "report_util.h"
#include "result.h"
#include "ruleset.h"
#include "sanitize.h"

const char *
report_util_rule_id(const struct finding *f)
{
	return f->rule->id;	/* never NULL: see struct finding */
}

const char *
report_util_cause(const struct finding *f)
{
	return f->cause != NULL ? f->cause : "unknown";
}

const char *
report_util_title(const struct finding *f)
{
	return f->rule->title;	/* required, or a marker's id */
}

const char *
report_util_under_cwd(const char *path, const char *cwd)
{
	size_t	 cl;

	if (cwd == NULL)
		return NULL;
	cl = strlen(cwd);
	while (cl > 0 && cwd[cl - 1] == '/')
		cl--;
	if (strncmp(path, cwd, cl) == 0 && path[cl] == '/' &&
	    path[cl + 1] != '\0')
		return path + cl + 1;
	return NULL;
}

json_t *
report_util_json_str(const char *s)
{
	json_t	*j;
	char	*clean;

	if ((j = json_string(s)) != NULL)
		return j;
	clean = sanitize_dup(s, strlen(s));
	j = json_string(clean);
	free(clean);
	return j;
}

int
report_util_json_put(FILE *fp, json_t *obj, size_t flags)
{
	int	 rc;

	if (obj == NULL)
		return DIAG_EIO;
	rc = json_dumpf(obj, fp, flags);
	json_decref(obj);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return DIAG_EIO;
	return 0;
}
