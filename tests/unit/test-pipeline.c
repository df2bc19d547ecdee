/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline: what pipeline_finish() says and returns when a built-in rule's
 * pattern failed its lazy compile (matcher_lazy_error).
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "matcher.h"
#include "pipeline.h"
#include "record.h"
#include "ruleset.h"

static const char *const nb[] = {"lazy-bad", NULL};
static const struct rule rules[] = {
	{.kind = RULE_KIND_RULE, .form = RULE_FORM_PATTERN, .id = "img-bad",
	 .cause = "alloc-failed", .targets = RULE_TARGET_LOG,
	 .needles = (const char **)nb, .nneedles = 1, .pattern = "lazy-bad(",
	 .origin = "rules/img.json", .origin_line = 7, .index = 0},
};
static const struct ruleset_image img = {rules, 1, NULL, 0, NULL};

static int
on_match(void *ctx, const struct record *rec, const struct match *m)
{
	(void)ctx;
	(void)rec;
	(void)m;
	cr_assert_fail("the broken rule matched");
	return 0;
}

/* A pipeline whose matcher has met the broken rule on one line. */
static void
start(struct pipeline *p, const char *line)
{
	struct record_parser *rp = record_parser_new();
	struct diag_err err;
	struct record rec;

	memset(p, 0, sizeof(*p));
	p->cmd = "analyze";
	p->rs = ruleset_new();
	cr_assert_eq(ruleset_load_image(p->rs, &img, &err), 0, "%s", err.text);
	cr_assert_not_null(p->m = matcher_new(p->rs, &err));
	record_parse(rp, 1, line, strlen(line), 0, &rec);
	cr_assert_eq(matcher_run(p->m, &rec, on_match, NULL), 0);
	record_parser_free(rp);
}

static char *
stderr_text(void)
{
	FILE *fp;
	static char buf[4096];
	size_t n;

	fflush(stderr);
	fp = cr_get_redirected_stderr();
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	return buf;
}

Test(pipeline, lazy_compile_error_is_said_and_exits_2,
    .init = cr_redirect_stderr)
{
	struct pipeline p;
	const char *s;

	start(&p, "I (1) x: lazy-bad here");
	pipeline_verdict(&p, EXIT_FINDINGS, "1 finding");
	cr_expect_eq(pipeline_finish(&p), EXIT_USAGE);
	pipeline_free(&p);
	s = stderr_text();
	cr_expect(strstr(s, "rules/img.json:7: error: rule 'img-bad': pattern "
	    "does not compile: missing closing parenthesis at offset 9\n") !=
	    NULL, "%s", s);
	cr_expect(strstr(s, "otadiag: exit 2: a built-in rule's pattern does "
	    "not compile (above): the rule set is broken\n") != NULL, "%s", s);
}

Test(pipeline, lazy_compile_error_keeps_an_input_error,
    .init = cr_redirect_stderr)
{
	struct pipeline p;
	const char *s;

	start(&p, "I (1) x: lazy-bad here");
	pipeline_verdict(&p, EXIT_INPUT, "input lost");
	cr_expect_eq(pipeline_finish(&p), EXIT_INPUT);
	pipeline_free(&p);
	s = stderr_text();
	cr_expect(strstr(s, "rule 'img-bad'") != NULL, "%s", s);
	cr_expect(strstr(s, "otadiag: exit 3: input lost\n") != NULL, "%s", s);
}

Test(pipeline, no_lazy_error_without_a_candidate_line,
    .init = cr_redirect_stderr)
{
	struct pipeline p;
	const char *s;

	start(&p, "I (1) x: nothing to see");
	cr_expect_eq(pipeline_finish(&p), EXIT_OK);
	pipeline_free(&p);
	s = stderr_text();
	cr_expect(strstr(s, "img-bad") == NULL, "%s", s);
}
