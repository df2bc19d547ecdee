/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prefilter: the automaton rulegen writes into the built-in image is the
 * one prefilter_build() makes of the same rules, and a matcher with it
 * selects the same candidates and signals as one that builds its own.
 */
#include <criterion/criterion.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "builtin.h"
#include "coredump.h"
#include "diag.h"
#include "matcher.h"
#include "prefilter.h"
#include "record.h"
#include "ruleset.h"

static struct ruleset *
builtin(void)
{
	struct ruleset *rs = ruleset_new();
	struct diag_err err;

	cr_assert_eq(ruleset_load_builtin(rs, &err), 0, "%s", err.text);
	return rs;
}

static void
load(struct ruleset *rs, const char *json)
{
	struct diag_err err;

	cr_assert_eq(ruleset_load_string(rs, "mine.json", json, strlen(json),
	    &err), 0, "%s:%ld: %s", err.file, err.line, err.text);
}

Test(prefilter, image_is_what_prefilter_build_makes)
{
	struct ruleset *rs = builtin();
	const struct prefilter *img = ruleset_prefilter(rs);
	struct prefilter *pf;
	size_t i, n;

	cr_assert_not_null(img, "the image's own automaton");
	cr_assert_eq(img, builtin_image.prefilter);
	pf = prefilter_build(rs, img->signals);
	cr_assert_eq(pf->ncls, img->ncls);
	cr_assert_eq(pf->nstates, img->nstates);
	cr_assert_eq(pf->nrules, ruleset_count(rs));
	cr_assert_eq(img->nrules, ruleset_count(rs));
	cr_assert_eq(pf->nalways, img->nalways);
	cr_assert_gt(img->nstates, 1000);
	cr_assert_arr_eq(pf->cls, img->cls, sizeof(pf->cls));
	cr_assert_arr_eq(pf->always, img->always, pf->nalways * 4);
	n = pf->nstates;
	cr_assert_arr_eq(pf->child, img->child, n * 4);
	cr_assert_arr_eq(pf->sibling, img->sibling, n * 4);
	cr_assert_arr_eq(pf->kcls, img->kcls, n);
	cr_assert_arr_eq(pf->fail, img->fail, n * 4);
	cr_assert_arr_eq(pf->out_off, img->out_off, (n + 1) * 4);
	cr_assert_arr_eq(pf->out, img->out, pf->out_off[n] * 4);
	/* the matcher's signals: bt_needles, then the core dump's */
	for (i = 0; bt_needles[i] != NULL; i++) {
		cr_assert_str_eq(img->signals[i].needle, bt_needles[i]);
		cr_assert_eq(img->signals[i].bit, 0);
	}
	cr_assert_str_eq(img->signals[i].needle, coredump_needle);
	cr_assert_null(img->signals[i + 1].needle);
	cr_assert(prefilter_same_signals(img, pf->signals));
	prefilter_free(pf);
	ruleset_free(rs);
}

/* The image's automaton stands for the image's rules only. */
Test(prefilter, image_automaton_only_for_the_image_as_it_is)
{
	static const char extra[] = "{\"rules\": [{\"id\": \"mine-extra\", "
	    "\"cause\": \"alloc-failed\", \"severity\": \"error\", \"title\": "
	    "\"t\", \"message\": \"m\", \"remedy\": \"r\", \"needle\": "
	    "\"zqx-extra\", \"pattern\": \"zqx-extra\", \"examples\": "
	    "{\"match\": [\"zqx-extra\"]}}]}";
	struct ruleset *rs = builtin();
	char json[1024];

	cr_assert_not_null(ruleset_prefilter(rs));
	load(rs, extra);
	cr_expect_null(ruleset_prefilter(rs), "a rule added");
	ruleset_free(rs);

	rs = builtin();
	snprintf(json, sizeof(json), "{\"rules\": [{\"id\": \"%s\", "
	    "\"cause\": \"alloc-failed\", \"severity\": \"error\", \"title\": "
	    "\"t\", \"message\": \"m\", \"remedy\": \"r\", \"needle\": "
	    "\"zqx-mine\", \"pattern\": \"zqx-mine\", \"examples\": "
	    "{\"match\": [\"zqx-mine\"]}}]}", builtin_image.rules[0].id);
	load(rs, json);
	cr_expect_null(ruleset_prefilter(rs), "a rule replaced");
	ruleset_free(rs);

	rs = builtin();
	cr_assert_gt(ruleset_keep_generic(rs), 0);
	cr_expect_null(ruleset_prefilter(rs), "rules dropped");
	ruleset_free(rs);
}

/*
 * On every line of every log fixture, a matcher with the image's
 * automaton and one that builds its own (the same rules plus one that no
 * line can hit, so the image's cannot serve) find the same candidates and
 * the same signals.
 */
Test(prefilter, image_and_built_automata_agree_on_the_fixtures)
{
	static const char extra[] = "{\"rules\": [{\"id\": \"mine-extra\", "
	    "\"cause\": \"alloc-failed\", \"severity\": \"error\", \"title\": "
	    "\"t\", \"message\": \"m\", \"remedy\": \"r\", \"needle\": "
	    "\"zqx\\u0001never\", \"pattern\": \"zqx\", \"examples\": "
	    "{\"match\": [\"zqx\\u0001never\"]}}]}";
	struct ruleset *a = builtin(), *b = builtin();
	struct matcher *ma, *mb;
	struct record_parser *p = record_parser_new();
	struct diag_err err;
	struct record rec;
	const uint32_t *ia, *ib;
	size_t na, nb, i, j, lines = 0, cands = 0;
	unsigned long lineno;
	uint32_t *sa, *sb;
	glob_t g;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;

	load(b, extra);
	cr_assert_not_null(ruleset_prefilter(a));
	cr_assert_null(ruleset_prefilter(b));
	ma = matcher_new(a, &err);
	mb = matcher_new(b, &err);
	cr_assert(ma != NULL && mb != NULL);
	sa = calloc(ruleset_count(b), sizeof(*sa));
	sb = calloc(ruleset_count(b), sizeof(*sb));
	cr_assert_eq(glob(OTADIAG_SOURCE_DIR "/fixtures/*/*.log", 0, NULL, &g),
	    0);
	cr_assert_eq(glob(OTADIAG_SOURCE_DIR "/fixtures/*/*/*.log",
	    GLOB_APPEND, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		cr_assert_not_null(fp = fopen(g.gl_pathv[i], "r"));
		for (lineno = 1; (len = getline(&line, &cap, fp)) > 0;
		    lineno++) {
			record_parse(p, lineno, line, (size_t)len, 0, &rec);
			cr_assert_eq(matcher_prefilter(ma, &rec),
			    matcher_prefilter(mb, &rec), "%s:%lu: signals",
			    g.gl_pathv[i], lineno);
			na = matcher_candidates(ma, &rec, &ia);
			for (j = 0; j < na; j++)
				sa[ia[j]] = (uint32_t)lineno;
			nb = matcher_candidates(mb, &rec, &ib);
			for (j = 0; j < nb; j++)
				sb[ib[j]] = (uint32_t)lineno;
			cr_assert_eq(na, nb, "%s:%lu", g.gl_pathv[i], lineno);
			for (j = 0; j < na; j++)
				cr_assert_eq(sb[ia[j]], lineno, "%s:%lu: %s",
				    g.gl_pathv[i], lineno,
				    ruleset_get(a, ia[j])->id);
			lines++;
			cands += na;
		}
		fclose(fp);
	}
	cr_expect_gt(g.gl_pathc, 10);
	cr_expect_gt(lines, 5000);
	cr_expect_gt(cands, 1000);
	globfree(&g);
	free(line);
	free(sa);
	free(sb);
	record_parser_free(p);
	matcher_free(ma);
	matcher_free(mb);
	ruleset_free(a);
	ruleset_free(b);
}
