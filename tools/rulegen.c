/* SPDX-License-Identifier: Apache-2.0 */
/*
 * otadiag-rulegen: the build-time compiler of the built-in rule set.
 *
 *	otadiag-rulegen OUT.c rules/A.json rules/B.json ...
 *
 * Loads the rule files with the rule loader itself (src/match/ruleset.c:
 * the schema table, every check and error message of a --rules file) and
 * writes what it loaded as C data, a struct ruleset_image, so that the
 * binary starts without parsing JSON (ruleset_load_builtin).  It also
 * writes the rule set's digest (--version): the first 12 hex digits of a
 * SHA-256 over "NAME:HEX\n" for every file, NAME its base name and HEX its
 * bytes in lower-case hex.  And it writes the rules' prefilter automaton
 * (prefilter_build, with the matcher's signals: bt_needles, then
 * COREDUMP_NEEDLE) as arrays without pointers, so that start-up neither
 * builds it nor relocates it.
 *
 * Every struct it writes is written member by member through the macros
 * below, which also copy the member into a zeroed twin; the twin must then
 * equal the loaded struct byte for byte, so a member added to struct rule
 * (or a struct it holds) that this file does not write stops the build
 * instead of vanishing from the built-in rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "backtrace.h"
#include "coredump.h"
#include "diag.h"
#include "prefilter.h"
#include "ruleset.h"

struct gen {
	FILE		*defs;		/* static arrays, in dependency order */
	unsigned long	 next;		/* names of the static arrays */
	const char	*what;		/* the struct being written, for errors */
	const char	*id;
};

static void
put_str(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("NULL", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '?')
			fputs("\\?", fp);	/* no trigraphs */
		else if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, fp);
		else
			fprintf(fp, "\\%03o", *p);
	}
	fputc('"', fp);
}

/* A NULL-terminated array of n strings as a static array; its name. */
static unsigned long
put_strv(struct gen *g, const char *const *v, size_t n)
{
	unsigned long id = g->next++;
	size_t i;

	fprintf(g->defs, "static const char *const s%lu[] = {", id);
	for (i = 0; i < n; i++) {
		put_str(g->defs, v[i]);
		fputs(", ", g->defs);
	}
	fputs("NULL};\n", g->defs);
	return id;
}

static void
check_twin(struct gen *g, const void *twin, const void *x, size_t size)
{
	if (memcmp(twin, x, size) != 0) {
		fprintf(stderr, "otadiag-rulegen: rule '%s': a member of %s is "
		    "not written by tools/rulegen.c (add it there)\n",
		    g->id != NULL ? g->id : "?", g->what);
		exit(1);
	}
}

/* The member macros: x is the loaded struct, tw its twin, fp the stream. */
#define F_INT(f) do {							\
	if (x->f != 0)							\
		fprintf(fp, "." #f " = %lldLL, ", (long long)x->f);	\
	tw.f = x->f;							\
} while (0)
#define F_STR(f) do {							\
	if (x->f != NULL) {						\
		fputs("." #f " = ", fp);				\
		put_str(fp, x->f);					\
		fputs(", ", fp);					\
	}								\
	tw.f = x->f;							\
} while (0)
#define F_STRV(f, n) do {						\
	if (x->f != NULL)						\
		fprintf(fp, "." #f " = (const char **)s%lu, ",		\
		    put_strv(g, x->f, x->n));				\
	if (x->n != 0)							\
		fprintf(fp, "." #n " = %zu, ", x->n);			\
	tw.f = x->f;							\
	tw.n = x->n;							\
} while (0)
/* An array of structs, written by put_NAME into a static array. */
#define F_ARR(f, n, type, name) do {					\
	if (x->f != NULL)						\
		fprintf(fp, "." #f " = (" #type " *)a%lu, ",		\
		    put_array_##name(g, x->f, x->n));			\
	if (x->n != 0)							\
		fprintf(fp, "." #n " = %zu, ", x->n);			\
	tw.f = x->f;							\
	tw.n = x->n;							\
} while (0)

/* Opens a buffer for the elements of one static array. */
static FILE *
elems_open(char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);

	if (fp == NULL) {
		fprintf(stderr, "otadiag-rulegen: %s\n", strerror(errno));
		exit(1);
	}
	return fp;
}

/* Writes the array: every element, then the loader's zeroed terminator. */
static unsigned long
elems_close(struct gen *g, FILE *fp, char **buf, const char *type)
{
	unsigned long id = g->next++;

	fclose(fp);	/* sets *buf */
	fprintf(g->defs, "static const %s a%lu[] = {\n%s\t{0}\n};\n", type, id,
	    *buf);
	free(*buf);
	return id;
}

static unsigned long
put_array_kconfig(struct gen *g, const struct rule_kconfig *a, size_t n)
{
	char *buf;
	size_t len, i;
	FILE *fp = elems_open(&buf, &len);

	g->what = "struct rule_kconfig";
	for (i = 0; i < n; i++) {
		const struct rule_kconfig *x = &a[i];
		struct rule_kconfig tw;

		memset(&tw, 0, sizeof(tw));
		fputs("\t{", fp);
		F_STR(option);
		F_STR(action);
		F_STR(value);
		F_STR(note);
		fputs("},\n", fp);
		check_twin(g, &tw, x, sizeof(tw));
	}
	return elems_close(g, fp, &buf, "struct rule_kconfig");
}

static unsigned long
put_array_ref(struct gen *g, const struct rule_ref *a, size_t n)
{
	char *buf;
	size_t len, i;
	FILE *fp = elems_open(&buf, &len);

	g->what = "struct rule_ref";
	for (i = 0; i < n; i++) {
		const struct rule_ref *x = &a[i];
		struct rule_ref tw;

		memset(&tw, 0, sizeof(tw));
		fputs("\t{", fp);
		F_STR(rule);
		F_INT(stage);
		F_STR(label);
		F_INT(before_lines);
		F_INT(after_lines);
		F_INT(within_ms);
		fputs("},\n", fp);
		check_twin(g, &tw, x, sizeof(tw));
	}
	return elems_close(g, fp, &buf, "struct rule_ref");
}

static unsigned long
put_array_decode(struct gen *g, const struct rule_decode *a, size_t n)
{
	char *buf;
	size_t len, i;
	FILE *fp = elems_open(&buf, &len);

	g->what = "struct rule_decode";
	for (i = 0; i < n; i++) {
		const struct rule_decode *x = &a[i];
		struct rule_decode tw;

		memset(&tw, 0, sizeof(tw));
		fputs("\t{", fp);
		F_STR(capture);
		F_STR(table);
		F_INT(set_cause);
		fputs("},\n", fp);
		check_twin(g, &tw, x, sizeof(tw));
	}
	return elems_close(g, fp, &buf, "struct rule_decode");
}

static unsigned long
put_array_example(struct gen *g, const struct rule_example *a, size_t n)
{
	char *buf;
	size_t len, i;
	FILE *fp = elems_open(&buf, &len);

	g->what = "struct rule_example";
	for (i = 0; i < n; i++) {
		const struct rule_example *x = &a[i];
		struct rule_example tw;

		memset(&tw, 0, sizeof(tw));
		fputs("\t{", fp);
		F_STR(line);
		if (x->cap_names != NULL)
			fprintf(fp, ".cap_names = (const char **)s%lu, "
			    ".cap_values = (const char **)s%lu, ",
			    put_strv(g, x->cap_names, x->ncaps),
			    put_strv(g, x->cap_values, x->ncaps));
		tw.cap_names = x->cap_names;
		tw.cap_values = x->cap_values;
		F_INT(ncaps);
		F_STR(field);
		if (x->stack != NULL)
			fprintf(fp, ".stack = (const char **)s%lu, ",
			    put_strv(g, x->stack, x->nstack));
		tw.stack = x->stack;
		F_INT(nstack);
		fputs("},\n", fp);
		check_twin(g, &tw, x, sizeof(tw));
	}
	return elems_close(g, fp, &buf, "struct rule_example");
}

static unsigned long
put_array_entry(struct gen *g, const struct code_entry *a, size_t n)
{
	char *buf;
	size_t len, i;
	FILE *fp = elems_open(&buf, &len);

	g->what = "struct code_entry";
	for (i = 0; i < n; i++) {
		const struct code_entry *x = &a[i];
		struct code_entry tw;

		memset(&tw, 0, sizeof(tw));
		fputs("\t{", fp);
		F_STR(code);
		F_INT(value);
		F_STR(name);
		F_STR(meaning);
		F_STR(cause);
		F_STR(note);
		fputs("},\n", fp);
		check_twin(g, &tw, x, sizeof(tw));
	}
	return elems_close(g, fp, &buf, "struct code_entry");
}

static void
put_rule(struct gen *g, FILE *fp, const struct rule *x)
{
	struct rule tw;

	memset(&tw, 0, sizeof(tw));
	g->id = x->id;
	fputs("{", fp);
	F_INT(kind);
	F_INT(form);
	F_STR(id);
	F_STR(cause);
	F_INT(severity);
	F_INT(role);
	F_INT(stage);
	F_INT(trigger);
	F_STR(label);
	F_STR(title);
	F_INT(targets);
	F_INT(on_text);
	F_STR(levels);
	F_STR(tag_pattern);
	F_STR(field);
	F_STR(needle);
	F_STRV(needles, nneedles);
	F_STR(needle_note);
	F_STR(pattern);
	F_STRV(ignore, nignore);
	F_STR(message);
	F_STR(remedy);
	F_ARR(kconfig, nkconfig, struct rule_kconfig, kconfig);
	F_STRV(references, nreferences);
	F_ARR(decode, ndecode, struct rule_decode, decode);
	F_INT(has_context);
	F_INT(ctx.phases);
	F_INT(ctx.progress_min);
	F_INT(ctx.progress_max);
	F_INT(ctx.uptime_max_ms);
	F_STR(ctx.reset);
	F_INT(ctx.count_min);
	F_INT(ctx.count_within_ms);
	F_ARR(ctx.requires, ctx.nrequires, struct rule_ref, ref);
	F_ARR(ctx.excludes, ctx.nexcludes, struct rule_ref, ref);
	F_STRV(frames.top, frames.ntop);
	F_INT(frames.depth);
	F_STRV(frames.any, frames.nany);
	F_STRV(frames.none, frames.nnone);
	F_STRV(frames.not_top, frames.nnot_top);
	F_STRV(frames.of, frames.nof);
	F_STRV(overlaps, noverlaps);
	F_STRV(overrides, noverrides);
	tw.user = x->user;	/* ruleset_load_image() sets it */
	F_ARR(match, nmatch, struct rule_example, example);
	F_ARR(no_match, nno_match, struct rule_example, example);
	F_STR(origin);
	F_INT(origin_line);
	F_INT(generic);
	F_INT(index);	/* its position: ruleset_load_image() uses the
			   image in place when it is the first source */
	fputs("},\n", fp);
	g->what = "struct rule";
	check_twin(g, &tw, x, sizeof(tw));
}

static void
put_table(struct gen *g, FILE *fp, const struct code_table *x)
{
	struct code_table tw;

	memset(&tw, 0, sizeof(tw));
	g->id = x->name;
	fputs("{", fp);
	F_STR(name);
	F_STR(title);
	F_ARR(entries, nentries, struct code_entry, entry);
	fputs("},\n", fp);
	g->what = "struct code_table";
	check_twin(g, &tw, x, sizeof(tw));
}

static char *
read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) ==
	    NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "otadiag-rulegen: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* The rule set's digest (see the top of this file). */
static void
digest(const struct ruleset_file *f, size_t n, char out[13])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char hex[3];
	size_t i, k;
	const char *base;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		fprintf(stderr, "otadiag-rulegen: no SHA-256\n");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		base = strrchr(f[i].name, '/');
		base = base != NULL ? base + 1 : f[i].name;
		EVP_DigestUpdate(ctx, base, strlen(base));
		EVP_DigestUpdate(ctx, ":", 1);
		for (k = 0; k < f[i].len; k++) {
			snprintf(hex, sizeof(hex), "%02x",
			    (unsigned char)f[i].data[k]);
			EVP_DigestUpdate(ctx, hex, 2);
		}
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A static array of n numbers (and a 0, so that it is never empty). */
static void
put_nums(FILE *out, const char *type, const char *name, const void *v,
    size_t n, size_t size)
{
	size_t i;
	long long x;

	fprintf(out, "static const %s %s[] = {", type, name);
	for (i = 0; i < n; i++) {
		if (size == 1)
			x = ((const uint8_t *)v)[i];
		else if (type[0] == 'i')
			x = ((const int32_t *)v)[i];
		else
			x = ((const uint32_t *)v)[i];
		fprintf(out, "%s%lld,", i % 16 == 0 ? "\n\t" : " ", x);
	}
	fprintf(out, "\n\t0\n};\n");
}

/* The automaton of the image's rules, as the matcher would build it. */
static void
put_prefilter(FILE *out, const struct ruleset *rs)
{
	struct prefilter_signal *sg;
	struct prefilter *pf;
	size_t n, i;

	for (n = 0; bt_needles[n] != NULL; n++)
		;
	sg = calloc(n + 2, sizeof(*sg));
	if (sg == NULL)
		exit(1);
	for (i = 0; i < n; i++)
		sg[i].needle = bt_needles[i];	/* MATCHER_SIG_CRASH: bit 0 */
	sg[n].needle = COREDUMP_NEEDLE;
	pf = prefilter_build(rs, sg);
	put_nums(out, "uint32_t", "pf_always", pf->always, pf->nalways, 4);
	put_nums(out, "int32_t", "pf_child", pf->child, pf->nstates, 4);
	put_nums(out, "int32_t", "pf_sibling", pf->sibling, pf->nstates, 4);
	put_nums(out, "uint8_t", "pf_kcls", pf->kcls, pf->nstates, 1);
	put_nums(out, "int32_t", "pf_fail", pf->fail, pf->nstates, 4);
	put_nums(out, "uint32_t", "pf_out_off", pf->out_off, pf->nstates + 1,
	    4);
	put_nums(out, "uint32_t", "pf_out", pf->out,
	    pf->out_off[pf->nstates], 4);
	fprintf(out, "static const struct prefilter_signal pf_signals[] = {\n");
	for (i = 0; sg[i].needle != NULL; i++) {
		fprintf(out, "\t{");
		put_str(out, sg[i].needle);
		fprintf(out, ", %u},\n", sg[i].bit);
	}
	fprintf(out, "\t{NULL, 0}\n};\n");
	fprintf(out, "static const struct prefilter prefilter = {\n\t.cls = {");
	for (i = 0; i < 256; i++)
		fprintf(out, "%s%u,", i % 16 == 0 ? "\n\t    " : " ",
		    pf->cls[i]);
	fprintf(out, "\n\t},\n\t.ncls = %u, .nstates = %u, .nrules = %u, "
	    ".nalways = %u,\n\t.always = pf_always, .child = pf_child, "
	    ".sibling = pf_sibling,\n\t.kcls = pf_kcls, .fail = pf_fail, "
	    ".out_off = pf_out_off, .out = pf_out,\n\t.signals = pf_signals,"
	    "\n};\n\n", pf->ncls, pf->nstates, pf->nrules, pf->nalways);
	prefilter_free(pf);
	free(sg);
}

static void
files_free(struct ruleset_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)files[i].name);
		free((char *)files[i].data);
	}
	free(files);
}

int
main(int argc, char **argv)
{
	struct ruleset_file *files;
	struct ruleset *rs;
	struct diag_err err;
	struct gen g = {0};
	char *defs, *body, *tbody, *name, sum[13];
	size_t dlen, blen, tlen, i, n;
	FILE *rules, *tables, *out;
	const char *base;

	if (argc < 3) {
		fprintf(stderr, "usage: otadiag-rulegen OUT.c RULES.json...\n");
		return 2;
	}
	n = (size_t)argc - 2;
	files = calloc(n, sizeof(*files));
	for (i = 0; i < n; i++) {
		base = strrchr(argv[i + 2], '/');
		base = base != NULL ? base + 1 : argv[i + 2];
		/* the name the rules carry as their origin */
		name = malloc(strlen(base) + sizeof("rules/"));
		if (name == NULL)
			return 1;
		sprintf(name, "rules/%s", base);
		files[i].name = name;
		files[i].data = read_all(argv[i + 2], &files[i].len);
	}
	rs = ruleset_new();
	if (ruleset_load_files(rs, files, n, &err) != 0) {
		fprintf(stderr, "otadiag-rulegen: %s:%ld: error: %s\n", err.file,
		    err.line, err.text);
		ruleset_free(rs);
		files_free(files, n);
		return 1;
	}
	digest(files, n, sum);

	g.defs = elems_open(&defs, &dlen);
	rules = elems_open(&body, &blen);
	for (i = 0; i < ruleset_count(rs); i++)
		put_rule(&g, rules, ruleset_get(rs, i));
	fclose(rules);
	tables = elems_open(&tbody, &tlen);
	for (i = 0; i < ruleset_ntables(rs); i++)
		put_table(&g, tables, ruleset_table(rs, i));
	fclose(tables);
	fclose(g.defs);

	if ((out = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "otadiag-rulegen: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	fprintf(out, "/* Generated from rules/NAME.json by otadiag-rulegen "
	    "(tools/rulegen.c). */\n#include <stddef.h>\n#include <stdint.h>\n"
	    "\n#include \"builtin.h\"\n#include \"prefilter.h\"\n\n%s\n",
	    defs);
	fprintf(out, "static const struct rule rules[] = {\n%s{0}\n};\n\n",
	    body);
	fprintf(out, "static const struct code_table tables[] = {\n%s{0}\n};"
	    "\n\n", tbody);
	put_prefilter(out, rs);
	fprintf(out, "const struct ruleset_image builtin_image = {rules, %zu, "
	    "tables, %zu, &prefilter};\n", ruleset_count(rs),
	    ruleset_ntables(rs));
	fprintf(out, "const size_t builtin_rules_nfiles = %zu;\n", n);
	fprintf(out, "const char builtin_rules_digest[] = \"%s\";\n", sum);
	if (fclose(out) != 0) {
		fprintf(stderr, "otadiag-rulegen: %s: write error\n", argv[1]);
		return 1;
	}
	free(defs);
	free(body);
	free(tbody);
	ruleset_free(rs);
	files_free(files, n);
	return 0;
}
