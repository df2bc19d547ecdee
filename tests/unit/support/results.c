/* SPDX-License-Identifier: Apache-2.0 */
/*
 * results: synthetic results for the report writer tests; see results.h.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"

static struct rule_kconfig kc_alloc[] = {
	{ "CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC", "enable", "y", "needs PSRAM" },
};
const struct rule results_rule_alloc = {
	.kind = RULE_KIND_RULE, .id = "idf-mbedtls-dynamic-alloc-failed",
	.cause = "alloc-failed", .severity = RULE_ERROR,
	.title = "mbedTLS could not allocate a TLS record buffer",
	.remedy = "Free internal heap during the update.",
	.kconfig = kc_alloc, .nkconfig = 1,
};
const struct rule results_rule_http = {
	.kind = RULE_KIND_RULE, .id = "gen-plain-http-firmware-url",
	.cause = "insecure-transport", .severity = RULE_WARNING,
	.title = "Firmware is fetched over plain http://",
	.remedy = "Serve firmware over HTTPS.",
};
const struct rule results_rule_info = {
	.kind = RULE_KIND_RULE, .id = "gen-ota-too-early",
	.cause = "ota-too-early", .severity = RULE_INFO,
	.title = "Update started right after power-up",
	.remedy = "Delay the update check.",
};
const struct rule results_rule_failed = {
	.kind = RULE_KIND_RULE, .id = "idf-ota-failed-symptom",
	.cause = "download-interrupted", .severity = RULE_ERROR,
	.role = RULE_ROLE_SYMPTOM, .title = "Firmware upgrade failed",
	.remedy = "See the cause above.",
};

static char *keep[1024];
static size_t nkeep;
static char tmpdir[64];

static char *
keep_owned(char *s)
{
	cr_assert(nkeep < sizeof(keep) / sizeof(keep[0]));
	cr_assert_not_null(s);
	return keep[nkeep++] = s;
}

char *
results_keep(const char *s)
{
	return keep_owned(strdup(s));
}

void
results_free_kept(void)
{
	while (nkeep > 0)
		free(keep[--nkeep]);
}

struct finding
results_finding(const struct rule *r, unsigned long line, const char *text,
    const char *msg)
{
	struct finding f;

	memset(&f, 0, sizeof(f));
	f.rule = r;
	f.cause = r != NULL ? r->cause : "unknown";
	f.severity = r != NULL ? r->severity : RULE_ERROR;
	f.line = line;
	f.lines[0] = line;
	f.nlines = 1;
	f.count = 1;
	f.text = results_keep(text);
	f.message = results_keep(msg);
	f.remedy = r != NULL && r->remedy != NULL ? results_keep(r->remedy) :
	    NULL;
	f.dev_ms = f.host_ms = -1;
	f.node = -1;
	return f;
}

void
results_input(struct input_result *r, const char *path, enum outcome oc,
    struct finding *f, size_t nf)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->path = results_keep(path);
	r->kind = INPUT_LOG;
	r->format = "log";
	r->outcome = oc;
	r->findings = (struct finding **)(void *)keep_owned(calloc(nf + 1,
	    sizeof(*r->findings)));
	for (i = 0; i < nf; i++) {
		r->findings[i] = &f[i];
		f[i].pos = i;
	}
	r->primary = nf > 0 ? &f[0] : NULL;
	r->nfindings = nf;
	r->job_age_s = -1;
	if (nf > 0)
		f[0].primary = 1;
}

struct report_opts
results_opts(void)
{
	struct report_opts o;

	memset(&o, 0, sizeof(o));
	o.fail_on = RULE_ERROR;
	return o;
}

size_t
results_count(const char *hay, const char *needle)
{
	size_t	 n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

void
results_tmpdir_enter(const char *name)
{
	int	 n;

	n = snprintf(tmpdir, sizeof(tmpdir), "/tmp/otadiag-%s-XXXXXX", name);
	cr_assert(n > 0 && (size_t)n < sizeof(tmpdir));
	cr_assert_not_null(mkdtemp(tmpdir));
	cr_assert_eq(chdir(tmpdir), 0);
}

const char *
results_tmpdir(void)
{
	return tmpdir;
}

void
results_fini(void)
{
	char	 cmd[128];

	results_free_kept();
	if (tmpdir[0] != '\0' && chdir("/") == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		cr_assert_eq(system(cmd), 0);
	}
}

char *
results_read(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf;
	size_t	 len = 0, cap = 4096, n;

	cr_assert_not_null(fp, "cannot open %s", path);
	buf = malloc(cap);
	cr_assert_not_null(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = '\0';
	fclose(fp);
	return keep_owned(buf);
}
