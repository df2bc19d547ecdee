/*
 * JSON Lines writer: one object per finding and per input error, every key
 * present in a fixed order.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "result.h"
#include "ruleset.h"

/* ---- synthetic results (self-contained; include/result.h is public) ---- */

static struct rule_kconfig kc_alloc[] = {
	{ "CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC", "enable", "y", "needs PSRAM" },
};
static const struct rule r_alloc __attribute__((unused)) = {
	.kind = RULE_KIND_RULE, .id = "idf-mbedtls-dynamic-alloc-failed",
	.cause = "alloc-failed", .severity = RULE_ERROR,
	.title = "mbedTLS could not allocate a TLS record buffer",
	.remedy = "Free internal heap during the update.",
	.kconfig = kc_alloc, .nkconfig = 1,
};
static const struct rule r_http __attribute__((unused)) = {
	.kind = RULE_KIND_RULE, .id = "gen-plain-http-firmware-url",
	.cause = "insecure-transport", .severity = RULE_WARNING,
	.title = "Firmware is fetched over plain http://",
	.remedy = "Serve firmware over HTTPS.",
};
static const struct rule r_info __attribute__((unused)) = {
	.kind = RULE_KIND_RULE, .id = "gen-ota-too-early",
	.cause = "ota-too-early", .severity = RULE_INFO,
	.title = "Update started right after power-up",
	.remedy = "Delay the update check.",
};
static const struct rule r_failed __attribute__((unused)) = {
	.kind = RULE_KIND_RULE, .id = "idf-ota-failed-symptom",
	.cause = "download-interrupted", .severity = RULE_ERROR,
	.role = RULE_ROLE_SYMPTOM, .title = "Firmware upgrade failed",
	.remedy = "See the cause above.",
};

static char *keep[1024];
static size_t nkeep;

static char *
S(const char *s)
{
	cr_assert(nkeep < sizeof(keep) / sizeof(keep[0]));
	return keep[nkeep++] = strdup(s);
}

static void
free_kept(void)
{
	while (nkeep > 0)
		free(keep[--nkeep]);
}

static struct finding
mkf(const struct rule *r, unsigned long line, const char *text,
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
	f.text = S(text);
	f.message = S(msg);
	f.dev_ms = f.host_ms = -1;
	f.session = -1;
	f.node = -1;
	f.consequence_of = -1;
	return f;
}

static void
mkin(struct input_result *r, const char *path, enum outcome oc,
    struct finding *f, size_t nf)
{
	memset(r, 0, sizeof(*r));
	r->path = S(path);
	r->kind = INPUT_LOG;
	r->format = "log";
	r->outcome = oc;
	r->primary = nf > 0 ? 0 : -1;
	r->findings = f;
	r->nfindings = nf;
	r->job_age_s = -1;
	if (nf > 0)
		f[0].primary = 1;
}

static struct report_opts
opts(void)
{
	struct report_opts o;

	memset(&o, 0, sizeof(o));
	o.fail_on = RULE_ERROR;
	return o;
}

static size_t __attribute__((unused))
count_of(const char *hay, const char *needle)
{
	size_t	 n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

TestSuite(jsonl, .fini = free_kept);

static const char *const finding_keys[] = {
	"type", "path", "kind", "rule", "cause", "severity", "title", "line",
	"lines", "count", "text", "message", "remedy", "session", "node",
	"primary", "consequence_of",
};

static char *
run(struct input_result *const *in, size_t n)
{
	struct report_opts o = opts();
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(report_jsonl(fp, in, n, &o), 0);
	fclose(fp);
	return buf;
}

/* Splits buf into parsed lines; returns the count. */
static size_t
parse_lines(char *buf, json_t **v, size_t max)
{
	char	*line, *save = NULL;
	size_t	 n = 0;
	json_error_t je;

	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		cr_assert_lt(n, max);
		v[n] = json_loads(line, 0, &je);
		cr_assert_not_null(v[n], "line %zu is not JSON: %s: %s", n + 1,
		    je.text, line);
		n++;
	}
	return n;
}

Test(jsonl, one_line_per_finding_and_error)
{
	struct finding	 f[3];
	struct input_result a, b;
	struct input_result *in[2] = { &b, &a };
	json_t		*v[8], *o;
	const char	*key;
	char		*buf;
	size_t		 n, i, k;

	f[0] = mkf(&r_alloc, 812, "E (1) Dynamic Impl: alloc(16749 bytes) failed",
	    "A TLS record buffer of 16749 bytes could not be allocated");
	f[0].lines[1] = 813;
	f[0].nlines = 2;
	f[0].count = 5;
	f[0].session = 0;
	f[1] = mkf(&r_http, 40, "I (2) ota: \"http\"://fw\n", "plain \xff http");
	f[2] = mkf(NULL, 50, "", "no rule");
	f[2].consequence_of = 0;
	mkin(&a, "logs/dut1.log", OUTCOME_FAILED, f, 3);
	mkin(&b, "logs/gone.log", OUTCOME_UNKNOWN, NULL, 0);
	b.error = 1;
	b.error_text = S("cannot open: No such file or directory");
	buf = run(in, 2);
	n = parse_lines(buf, v, 8);
	cr_assert_eq(n, 4);

	/* Input order is kept: the error of the first input comes first. */
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "type")), "error");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "path")),
	    "logs/gone.log");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "error")),
	    "cannot open: No such file or directory");
	for (i = 1; i < n; i++) {
		/* Every key, in the documented order. */
		k = 0;
		json_object_foreach(v[i], key, o) {
			cr_assert_lt(k, sizeof(finding_keys) / sizeof(finding_keys[0]));
			cr_assert_str_eq(key, finding_keys[k], "line %zu key %zu", i, k);
			k++;
		}
		cr_assert_eq(k, sizeof(finding_keys) / sizeof(finding_keys[0]));
	}
	o = v[1];
	cr_assert_str_eq(json_string_value(json_object_get(o, "rule")),
	    "idf-mbedtls-dynamic-alloc-failed");
	cr_assert_str_eq(json_string_value(json_object_get(o, "cause")), "alloc-failed");
	cr_assert_str_eq(json_string_value(json_object_get(o, "severity")), "error");
	cr_assert_eq(json_integer_value(json_object_get(o, "line")), 812);
	cr_assert_eq(json_array_size(json_object_get(o, "lines")), 2);
	cr_assert_eq(json_integer_value(json_object_get(o, "count")), 5);
	cr_assert_eq(json_integer_value(json_object_get(o, "session")), 0);
	cr_assert(json_is_true(json_object_get(o, "primary")));
	cr_assert(json_is_null(json_object_get(o, "consequence_of")));
	cr_assert(json_is_null(json_object_get(o, "node")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "remedy")),
	    "Free internal heap during the update.");
	cr_assert_str_eq(json_string_value(json_object_get(v[2], "text")),
	    "I (2) ota: \"http\"://fw\n");
	/* Invalid UTF-8 never breaks the line: it is escaped. */
	cr_assert_not_null(strstr(json_string_value(json_object_get(v[2],
	    "message")), "plain "));
	cr_assert(json_is_null(json_object_get(v[3], "rule")));
	cr_assert_str_eq(json_string_value(json_object_get(v[3], "cause")), "unknown");
	cr_assert_eq(json_integer_value(json_object_get(v[3], "consequence_of")), 0);
	for (i = 0; i < n; i++)
		json_decref(v[i]);
	free(buf);
}

Test(jsonl, nothing_to_report_is_empty)
{
	struct input_result a;
	struct input_result *in[1] = { &a };
	char	*buf;

	mkin(&a, "ok.log", OUTCOME_SUCCESS, NULL, 0);
	buf = run(in, 1);
	cr_assert_str_eq(buf, "");
	free(buf);
}

Test(jsonl, job_findings_name_their_node)
{
	struct finding	 f[1];
	struct job_node	 nodes[1];
	struct input_result a;
	struct input_result *in[1] = { &a };
	json_t		*v[2];
	char		*buf;

	f[0] = mkf(&r_alloc, 3, "alloc failed", "m");
	f[0].node = 0;
	memset(nodes, 0, sizeof(nodes));
	nodes[0].node_id = S("node-7");
	mkin(&a, "job.json", OUTCOME_FAILED, f, 1);
	a.kind = INPUT_JOB;
	a.nodes = nodes;
	a.nnodes = 1;
	buf = run(in, 1);
	cr_assert_eq(parse_lines(buf, v, 2), 1);
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "kind")), "job");
	cr_assert_str_eq(json_string_value(json_object_get(v[0], "node")), "node-7");
	json_decref(v[0]);
	free(buf);
}
