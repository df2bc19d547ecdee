/*
 * GitHub writer: workflow-command syntax and escaping, severity mapping,
 * the 10-per-level limit with its tally, and the step summary.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static size_t
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

static char tmpdir[64];

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/otadiag-github-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	cr_assert_eq(chdir(tmpdir), 0);
}

static void
teardown(void)
{
	char	 cmd[128];

	free_kept();
	if (chdir("/") == 0 && tmpdir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		cr_assert_eq(system(cmd), 0);
	}
}

TestSuite(github, .init = setup, .fini = teardown);

/* Runs the writer into memory; returns an owned string. */
static char *
run(struct input_result *const *in, size_t n, const struct report_opts *o)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(report_github(fp, in, n, o), 0);
	fclose(fp);
	return buf;
}

static char *
slurp(const char *path)
{
	static char buf[1 << 16];
	FILE	*fp = fopen(path, "r");
	size_t	 len;

	cr_assert_not_null(fp, "cannot open %s", path);
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

Test(github, commands_levels_and_escaping)
{
	static const struct rule r_esc = {
		.kind = RULE_KIND_RULE, .id = "gen-esc", .cause = "http-error",
		.severity = RULE_ERROR, .title = "Title: with, commas 100%",
		.remedy = "Fix it.",
	};
	struct finding	 f[4];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = opts();
	char		 abs[128];
	char		*x;

	f[0] = mkf(&r_esc, 7, "E (1) x: 50% done\r", "line one\nline two: 100%");
	f[1] = mkf(&r_http, 8, "I (2) ota: http://fw/a.bin", "plain http, really");
	f[2] = mkf(&r_info, 9, "I (3) ota: start", "early");
	f[3] = mkf(&r_failed, 10, "E (4) ota: failed", "upgrade failed");
	f[3].consequence_of = 0;
	snprintf(abs, sizeof(abs), "%s/logs/a,b:c.log", tmpdir);
	mkin(&a, abs, OUTCOME_FAILED, f, 4);
	x = run(in, 1, &o);
	cr_assert_not_null(strstr(x, "::error file=logs/a%2Cb%3Ac.log,line=7,"
	    "title=Title%3A with%2C commas 100%25 [gen-esc]::line one%0Aline two:"
	    " 100%25%0Acause: http-error%0Aevidence (line 7): E (1) x: 50%25 "
	    "done%0D%0Aremedy: Fix it.\n"), "%s", x);
	cr_assert_not_null(strstr(x, "::warning file=logs/a%2Cb%3Ac.log,line=8,"
	    "title=Firmware is fetched over plain http%3A// "
	    "[gen-plain-http-firmware-url]::plain http, really%0A"));
	cr_assert_not_null(strstr(x, "::notice file=logs/a%2Cb%3Ac.log,line=9,"
	    "title=Update started right after power-up [gen-ota-too-early]::"));
	/* The consequence is explained by the primary cause: no annotation. */
	cr_assert_null(strstr(x, "idf-ota-failed-symptom"));
	/* Every line is a workflow command: device text cannot start one. */
	{
		char *p = x;

		while (*p != '\0') {
			cr_assert_eq(strncmp(p, "::", 2), 0, "stray line: %s", p);
			p = strchr(p, '\n');
			cr_assert_not_null(p);
			p++;
		}
	}
	free(x);
}

Test(github, at_most_ten_per_level_then_a_tally)
{
	struct finding	 f[25];
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = opts();
	char		*x;
	size_t		 i;

	for (i = 0; i < 15; i++)
		f[i] = mkf(&r_alloc, 100 + i, "E (1) Dynamic Impl: alloc(1 bytes) "
		    "failed", "m");
	for (; i < 25; i++)
		f[i] = mkf(&r_info, 100 + i, "I (1) ota: start", "early");
	mkin(&a, "dut.log", OUTCOME_FAILED, f, 25);
	x = run(in, 1, &o);
	cr_assert_eq(count_of(x, "::error "), 10, "%s", x);
	/* 9 notices plus the tally keep notices at 10. */
	cr_assert_eq(count_of(x, "::notice "), 10, "%s", x);
	cr_assert_not_null(strstr(x, "::notice title=otadiag::6 more annotations"
	    " not shown (GitHub shows 10 per level and step): 5 errors, "
	    "0 warnings, 1 notice;"), "%s", x);
	/* The primary cause is among the annotations shown. */
	cr_assert_not_null(strstr(x, "line=100,"));
	free(x);
}

Test(github, errors_expectations_and_stdin)
{
	struct finding	 f[1];
	struct input_result a, b, c, d;
	struct input_result *in[4] = { &a, &b, &c, &d };
	struct report_opts o = opts();
	char		*x;

	f[0] = mkf(&r_alloc, 3, "x", "m");
	mkin(&a, "gone.log", OUTCOME_UNKNOWN, NULL, 0);
	a.error = 1;
	a.error_text = S("cannot open: No such file or directory");
	mkin(&b, "idle.log", OUTCOME_NOT_ATTEMPTED, NULL, 0);
	mkin(&c, "-", OUTCOME_FAILED, f, 1);
	mkin(&d, "ok.log", OUTCOME_SUCCESS, NULL, 0);
	d.nsessions = 1;
	o.expect = "success";
	x = run(in, 4, &o);
	cr_assert_not_null(strstr(x, "::error file=gone.log,title=otadiag%3A "
	    "input error::cannot open: No such file or directory\n"), "%s", x);
	cr_assert_not_null(strstr(x, "::error file=idle.log,title=otadiag%3A "
	    "expected success::expected outcome success, but the log shows no "
	    "OTA update\n"));
	cr_assert_not_null(strstr(x, "::error title=otadiag%3A expected success::"
	    "expected outcome success, got failed: alloc-failed\n"), "%s", x);
	cr_assert_null(strstr(x, "ok.log"));
	free(x);
}

Test(github, step_summary_is_appended)
{
	struct finding	 f[2];
	struct input_result a, b;
	struct input_result *in[2] = { &a, &b };
	struct report_opts o = opts();
	FILE		*fp;
	char		*x, *s;

	fp = fopen("summary.md", "w");
	fputs("earlier step\n", fp);
	fclose(fp);
	f[0] = mkf(&r_alloc, 12, "E (1) Dynamic Impl: a|b <script>", "heap | gone");
	f[1] = mkf(&r_http, 13, "I (1) http://x", "plain");
	mkin(&a, "dut1.log", OUTCOME_FAILED, f, 2);
	mkin(&b, "dut2.log", OUTCOME_SUCCESS, NULL, 0);
	o.summary_path = "summary.md";
	x = run(in, 2, &o);
	free(x);
	s = slurp("summary.md");
	cr_assert(strncmp(s, "earlier step\n### otadiag: 2 inputs, 1 not passing"
	    "\n\n| Input |", 60) == 0, "%s", s);
	cr_assert_not_null(strstr(s, "| dut1.log | failed | `alloc-failed` | 1 | "
	    "1 | 0 |\n"), "%s", s);
	cr_assert_not_null(strstr(s, "| dut2.log | success | none | 0 | 0 | 0 |\n"));
	cr_assert_not_null(strstr(s, "| error (primary) | 12 | "
	    "`idf-mbedtls-dynamic-alloc-failed` | `alloc-failed` | heap \\| gone"
	    "<br>**Remedy:** Free internal heap during the update. | E (1) Dynamic "
	    "Impl: a\\|b &lt;script&gt; |\n"), "%s", s);
}

Test(github, unwritable_summary_is_an_error)
{
	struct input_result a;
	struct input_result *in[1] = { &a };
	struct report_opts o = opts();
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*fp = open_memstream(&buf, &len);

	mkin(&a, "x.log", OUTCOME_SUCCESS, NULL, 0);
	o.summary_path = "no/such/dir/summary.md";
	cr_assert_eq(report_github(fp, in, 1, &o), DIAG_EIO);
	fclose(fp);
	free(buf);
}
