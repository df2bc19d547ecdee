/* SPDX-License-Identifier: Apache-2.0 */
/*
 * matcher: literal prefilter + PCRE2 (see matcher.h).
 *
 * The prefilter is an Aho-Corasick automaton over every needle, lower-cased
 * (prefilter.c builds it; the built-in image carries it ready-made), run
 * through a full transition table filled as lines take its transitions:
 * one table lookup per input byte, and the set of candidate rules falls out
 * of the states visited.  Only
 * candidates run their regular expression, JIT-compiled when first run.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "backtrace.h"
#include "coredump.h"
#include "matcher.h"
#include "prefilter.h"
#include "strbuf.h"
#include "xalloc.h"

#define MATCH_LIMIT	200000u
#define DEPTH_LIMIT	5000u
#define HEAP_LIMIT	(20u * 1024u)	/* KiB */
#define JIT_RE		0x1u	/* struct crule's jit_ok */
#define JIT_TAG		0x2u
#define JIT_IGNORE(k)	(0x4u << (k))

/* What a rule needs once compiled (crule_compile allocates it): apart,
   so that the array of every rule is small and start-up, which writes
   each rule's entry, touches few pages. */
struct crule_run {
	size_t		 ncapnames;
	const char	*capnames[MATCHER_MAX_CAPS];
	uint32_t	 capnums[MATCHER_MAX_CAPS];
	/* the last subject one of its patterns hit the limit on: the same
	   bytes again hit it again (PCRE2 is deterministic), so a repeated
	   line costs a comparison, not the whole budget once more */
	const pcre2_code *lim_re;
	struct strbuf	 lim_subject;
};

struct crule {
	const struct rule *rule;
	pcre2_code	*re;
	pcre2_code	*tag_re;
	pcre2_code	**ignore;
	size_t		 nignore;
	struct crule_run *run;		/* once compiled, else NULL */
	uint32_t	 limited_gen;	/* matcher run that noted its limit */
	int		 jitted;	/* JIT-compiled on first use */
	unsigned	 jit_ok;	/* the patterns JIT took: bit 0 re, 1
					   tag_re, 2 + k ignore[k] (k < 30) */
	int		 lazy;		/* a built-in rule: compiled when a line
					   first asks for it (the table's own
					   test compiles every one) */
	int		 broken;	/* a lazy compile failed: never runs */
};

struct matcher {
	struct crule	*rules;
	size_t		 nrules;
	/* prefilter: the automaton (the image's, or pf_own) */
	const struct prefilter *pf;
	struct prefilter *pf_own;	/* built here, or NULL */
	struct prefilter_signal *signals; /* what pf_own was built with */
	const uint8_t	*cls;		/* byte -> class (0: in no needle) */
	size_t		 ncls;
	int32_t		*delta;		/* nstates * ncls; high bit: the target
					   state has outputs; AC_UNKNOWN: not
					   resolved yet */
	const uint32_t	*out_off;	/* outputs of a state (prefilter.h) */
	const uint32_t	*out;
	const uint32_t	*always;	/* rules without a needle */
	/* signals: an output index nrules + b is signal bit b */
	unsigned	 sig;		/* of the last pass */
	int		 pass_kept;	/* a matcher_prefilter*() pass ... */
	unsigned long	 pass_lineno;	/* ... of this line, for matcher_run() */
	size_t		 pass_nc;
	size_t		 nalways;
	/* per-run scratch */
	uint32_t	*stamp;
	uint32_t	 gen;
	uint32_t	*cand;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct strbuf	 capbuf;
	const struct rule **limited;	/* rules that hit a limit in the
					   last run */
	size_t		 nlimited, caplimited;
	struct diag_err	*lazy_err;	/* the first lazy compile that failed */
};

/*
 * The transition table holds only the root's row at first: every other
 * cell is AC_UNKNOWN until a line first takes that transition
 * (ac_resolve).  The table is allocated zeroed and AC_UNKNOWN is 0, so
 * start-up neither writes nor faults in the states x classes cells a
 * short log never visits.  State 0 is therefore no state: the root is
 * AC_ROOT (PREFILTER_ROOT).
 */
#define AC_UNKNOWN	0	/* not resolved yet */
#define AC_ROOT		PREFILTER_ROOT
#define MATCHER_NSIG	8	/* signal bits, output indices nrules + b */

/* s's target with the high bit when it has outputs. */
static int32_t
ac_mark(const struct matcher *m, int32_t c)
{
	return m->out_off[c + 1] > m->out_off[c] ? (c | INT32_MIN) : c;
}

/* The transition from s on class k: the trie's edge, else the failure
   state's transition, and remembered with the high bit when the target
   has outputs; s's row may hold AC_UNKNOWN, the root's never does. */
static int32_t
ac_resolve(struct matcher *m, int32_t s, size_t k)
{
	int32_t *cell = &m->delta[(size_t)s * m->ncls + k];
	int32_t c;

	if (*cell == AC_UNKNOWN) {
		c = prefilter_child(m->pf, s, k);
		if (c == 0)
			*cell = ac_resolve(m, m->pf->fail[s], k);
		else
			*cell = ac_mark(m, c);
	}
	return *cell;
}

/* The signals' needles (MATCHER_SIG_*), ended by a NULL needle; owned. */
static struct prefilter_signal *
signals_new(void)
{
	struct prefilter_signal *sg;
	size_t n, i;

	for (n = 0; bt_needles[n] != NULL; n++)
		;
	sg = xcalloc(n + 2, sizeof(*sg));
	for (i = 0; i < n; i++)
		sg[i].needle = bt_needles[i];	/* MATCHER_SIG_CRASH: bit 0 */
	sg[n].needle = coredump_needle;
	return sg;
}

/*
 * The automaton: the built-in image's when the rule set is that image
 * as it is (no rule replaced, added or dropped) and it was made with
 * these signals; built now otherwise.  Then the table with its root row.
 */
static void
setup_prefilter(struct matcher *m, const struct ruleset *rs)
{
	size_t k;
	int32_t v0;

	m->signals = signals_new();
	m->pf = ruleset_prefilter(rs);
	if (m->pf == NULL || m->pf->nrules != m->nrules ||
	    !prefilter_same_signals(m->pf, m->signals))
		m->pf = m->pf_own = prefilter_build(rs, m->signals);
	m->cls = m->pf->cls;
	m->ncls = m->pf->ncls;
	m->out_off = m->pf->out_off;
	m->out = m->pf->out;
	m->always = m->pf->always;
	m->nalways = m->pf->nalways;
	/* zeroed (AC_UNKNOWN) by the allocator: its pages are only touched
	   as lines take transitions; the root's row is complete: a class
	   with no edge stays at the root */
	m->delta = xcalloc((size_t)m->pf->nstates * m->ncls, sizeof(int32_t));
	for (k = 0; k < m->ncls; k++) {
		v0 = prefilter_child(m->pf, AC_ROOT, k);
		m->delta[AC_ROOT * m->ncls + k] = ac_mark(m, v0 != 0 ? v0 :
		    AC_ROOT);
	}
}

static pcre2_code *
compile(const char *pat, const struct rule *r, const char *what,
    struct diag_err *err)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *re;
	PCRE2_UCHAR msg[256];

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
	    &ec, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		diag_set(err, DIAG_EREGEX, r->origin, r->origin_line, 0,
		    "rule '%s': %s does not compile: %s at offset %zu", r->id,
		    what, (const char *)msg, (size_t)off);
		return NULL;
	}
	return re;
}

static int
crule_names(struct crule *c, struct diag_err *err)
{
	uint32_t count = 0, size = 0, i;
	PCRE2_SPTR table;

	pcre2_pattern_info(c->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(c->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(c->re, PCRE2_INFO_NAMETABLE, &table);
	if (count > MATCHER_MAX_CAPS)
		return diag_set(err, DIAG_EREGEX, c->rule->origin,
		    c->rule->origin_line, 0, "rule '%s': %u named captures, at "
		    "most %d", c->rule->id, count, MATCHER_MAX_CAPS);
	for (i = 0; i < count; i++) {
		const unsigned char *e = table + (size_t)i * size;

		c->run->capnums[i] = ((uint32_t)e[0] << 8) | e[1];
		c->run->capnames[i] = (const char *)(e + 2);
	}
	c->run->ncapnames = i;
	return 0;
}

/* Compiles a rule's patterns and reads its capture names. */
static int
crule_compile(struct crule *c, struct diag_err *err)
{
	const struct rule *r = c->rule;
	size_t k;

	if (c->run == NULL) {
		c->run = xcalloc(1, sizeof(*c->run));
		strbuf_init(&c->run->lim_subject, 0);
	}
	if ((c->re = compile(r->pattern, r, "pattern", err)) == NULL)
		return -1;
	if (crule_names(c, err) != 0)
		return -1;
	if (r->tag_pattern != NULL &&
	    (c->tag_re = compile(r->tag_pattern, r, "tag", err)) == NULL)
		return -1;
	c->ignore = xcalloc(r->nignore + 1, sizeof(pcre2_code *));
	for (k = 0; k < r->nignore; k++) {
		if ((c->ignore[k] = compile(r->ignore[k], r, "ignore",
		    err)) == NULL)
			return -1;
		c->nignore++;
	}
	c->lazy = 0;
	return 0;
}

struct matcher *
matcher_new(const struct ruleset *rs, struct diag_err *err)
{
	return matcher_new_flags(rs, 0, err);
}

struct matcher *
matcher_new_flags(const struct ruleset *rs, unsigned flags,
    struct diag_err *err)
{
	struct matcher *m = xcalloc(1, sizeof(*m));
	size_t i;

	m->nrules = ruleset_count(rs);
	m->rules = xcalloc(m->nrules + 1, sizeof(*m->rules));
	for (i = 0; i < m->nrules; i++) {
		struct crule *c = &m->rules[i];
		const struct rule *r = ruleset_get(rs, i);

		c->rule = r;
		if (!rule_matches_lines(r))
			continue;	/* no pattern: nothing to compile */
		/* a user's rule is compiled now, so that a bad pattern is an
		   error at load with its file and line; a built-in one (that
		   `otadiag rules test` compiles in CI) when first needed:
		   most rules never run on a given log, and compiling them all
		   was a fifth of the start-up */
		if (r->user || (flags & MATCHER_EAGER)) {
			if (crule_compile(c, err) != 0)
				goto error;
		} else
			c->lazy = 1;
	}
	setup_prefilter(m, rs);
	m->stamp = xcalloc(m->nrules + MATCHER_NSIG, sizeof(uint32_t));
	m->cand = xcalloc(m->nrules + 1, sizeof(uint32_t));
	m->md = pcre2_match_data_create(2 * MATCHER_MAX_CAPS + 2, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	if (m->md == NULL || m->mctx == NULL)
		diag_die("out of memory");
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(m->mctx, HEAP_LIMIT);
	strbuf_init(&m->capbuf, 256);
	return m;
error:
	matcher_free(m);
	return NULL;
}

void
matcher_free(struct matcher *m)
{
	size_t i, k;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrules; i++) {
		pcre2_code_free(m->rules[i].re);
		pcre2_code_free(m->rules[i].tag_re);
		for (k = 0; k < m->rules[i].nignore; k++)
			pcre2_code_free(m->rules[i].ignore[k]);
		free(m->rules[i].ignore);
		if (m->rules[i].run != NULL)
			strbuf_release(&m->rules[i].run->lim_subject);
		free(m->rules[i].run);
	}
	prefilter_free(m->pf_own);
	free(m->signals);
	free(m->delta);
	free(m->stamp);
	free(m->cand);
	free(m->rules);
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	strbuf_release(&m->capbuf);
	free(m->limited);
	free(m->lazy_err);
	free(m);
}

const struct diag_err *
matcher_lazy_error(const struct matcher *m)
{
	return m->lazy_err;
}

static void
note_limit(struct matcher *m, struct crule *c)
{
	if (c->limited_gen == m->gen)
		return;
	c->limited_gen = m->gen;
	m->limited = xgrow(m->limited, &m->caplimited, m->nlimited + 1,
	    sizeof(*m->limited));
	m->limited[m->nlimited++] = c->rule;
}

/* 1 match, 0 no match, -1 limit hit. */
static int
run_re(struct matcher *m, struct crule *c, pcre2_code *re, const char *s,
    unsigned jit)
{
	struct crule_run *cr = c->run;
	size_t n = strlen(s);
	int rc;

	if (cr->lim_re == re && cr->lim_subject.len == n &&
	    memcmp(cr->lim_subject.buf, s, n) == 0) {
		note_limit(m, c);
		return -1;
	}
	/* a JIT-compiled pattern straight to its code: pcre2_match() would
	   call it too, after checks that cost more than most matches */
	if (jit)
		rc = pcre2_jit_match(re, (PCRE2_SPTR)s, n, 0, 0, m->md,
		    m->mctx);
	else
		rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
		    m->md, m->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	cr->lim_re = re;
	strbuf_reset(&cr->lim_subject);
	strbuf_add(&cr->lim_subject, s, n);
	note_limit(m, c);
	return -1;
}

static int
applies(const struct rule *r, const struct record *rec)
{
	if (rec->fmt == RECORD_JOB) {
		if (!(r->targets & RULE_TARGET_JOB))
			return 0;
		if (r->field != NULL && strcmp(r->field, rec->field) != 0)
			return 0;
	} else if (!(r->targets & RULE_TARGET_LOG))
		return 0;
	if (r->levels != NULL && (rec->level == 0 ||
	    strchr(r->levels, rec->level) == NULL))
		return 0;
	return 1;
}

/* Full test of one compiled rule; fills out on a match. */
static int
try_rule(struct matcher *m, struct crule *c, const struct record *rec,
    struct match *out)
{
	const struct rule *r = c->rule;
	const char *subject = r->on_text ? rec->text : rec->msg;
	size_t k;
	int rc;

	if (!applies(r, rec) || c->broken)
		return 0;
	if (c->lazy) {
		struct diag_err err;

		if (crule_compile(c, &err) != 0) {
			/* rules/builtin in ctest fails on it first; the
			   command reports it (matcher_lazy_error) */
			c->broken = 1;
			if (m->lazy_err == NULL) {
				m->lazy_err = xmalloc(sizeof(*m->lazy_err));
				*m->lazy_err = err;
			}
			return 0;
		}
	}
	if (!c->jitted) {
		/* JIT only the rules a line asks for: with many rules most
		   never run, and compiling them all cost seconds and memory */
		if (pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE) == 0)
			c->jit_ok |= JIT_RE;
		if (c->tag_re != NULL &&
		    pcre2_jit_compile(c->tag_re, PCRE2_JIT_COMPLETE) == 0)
			c->jit_ok |= JIT_TAG;
		for (k = 0; k < c->nignore; k++)
			if (pcre2_jit_compile(c->ignore[k], PCRE2_JIT_COMPLETE) ==
			    0 && k < 30)
				c->jit_ok |= JIT_IGNORE(k);
		c->jitted = 1;
	}
	if (c->tag_re != NULL && run_re(m, c, c->tag_re, rec->tag,
	    c->jit_ok & JIT_TAG) != 1)
		return 0;
	if ((rc = run_re(m, c, c->re, subject, c->jit_ok & JIT_RE)) != 1)
		return rc;
	/* captures, copied before the ignore patterns reuse match data */
	strbuf_reset(&m->capbuf);
	out->rule = r;
	out->ncaps = 0;
	{
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
		uint32_t novec = pcre2_get_ovector_count(m->md);
		size_t offs[MATCHER_MAX_CAPS];

		const char *names[MATCHER_MAX_CAPS];
		size_t j = 0;

		/* a group that took no part in the match is no capture */
		for (k = 0; k < c->run->ncapnames; k++) {
			uint32_t g = c->run->capnums[k];

			if (g >= novec || ov[2 * g] == PCRE2_UNSET)
				continue;
			offs[j] = m->capbuf.len;
			names[j++] = c->run->capnames[k];
			strbuf_add(&m->capbuf, subject + ov[2 * g],
			    ov[2 * g + 1] - ov[2 * g]);
			strbuf_addch(&m->capbuf, '\0');
		}
		for (k = 0; k < j; k++) {
			out->cap_names[k] = names[k];
			out->cap_values[k] = m->capbuf.buf + offs[k];
		}
		out->ncaps = j;
	}
	for (k = 0; k < c->nignore; k++)
		if (run_re(m, c, c->ignore[k], subject, k < 30 ?
		    c->jit_ok & JIT_IGNORE(k) : 0) == 1)
			return 0;
	return 1;
}

/* A new run: a new stamp generation, no limit hits yet. */
static void
matcher_next_run(struct matcher *m)
{
	size_t i;

	if (++m->gen == 0) {
		memset(m->stamp, 0, (m->nrules + MATCHER_NSIG) *
		    sizeof(uint32_t));
		for (i = 0; i < m->nrules; i++)
			m->rules[i].limited_gen = 0;
		m->gen = 1;
	}
	m->nlimited = 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Insertion sort: a line's few candidates, without qsort's calls through
   a pointer (qsort was 3.8 % of analyze on bench's log). */
static void
sort_small(uint32_t *v, size_t n)
{
	size_t i, j;
	uint32_t x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The prefilter pass: a new run, the candidates in m->cand (m->pass_nc
   of them, unsorted), the signals in m->sig. */
static void
prefilter_pass(struct matcher *m, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *end = p + n;
	/* in locals: the stores below cannot then make the compiler load
	   them again for every byte */
	const int32_t *delta = m->delta;
	const uint8_t *cls = m->cls;
	const uint32_t *out = m->out, *out_off = m->out_off;
	const size_t ncls = m->ncls;
	uint32_t *stamp = m->stamp, *cand = m->cand;
	int32_t s = AC_ROOT, t;
	size_t nc = 0, k, kend;
	uint32_t gen, r, nrules = (uint32_t)m->nrules;
	unsigned sig = 0;

	matcher_next_run(m);
	gen = m->gen;
	for (; p < end; p++) {
		t = delta[(size_t)s * ncls + cls[*p]];
		if (t > 0) {
			/* the common case, one test: known, no outputs */
			s = t;
			continue;
		}
		if (t == AC_UNKNOWN)
			t = ac_resolve(m, s, cls[*p]);
		s = t;
		if (s < 0) {
			s &= INT32_MAX;
			for (k = out_off[s], kend = out_off[s + 1]; k < kend;
			    k++) {
				r = out[k];
				if (stamp[r] == gen)
					continue;
				stamp[r] = gen;
				if (r < nrules)
					cand[nc++] = r;
				else
					sig |= 1u << (r - nrules);
			}
		}
	}
	m->pass_nc = nc;
	m->sig = sig;
}

unsigned
matcher_prefilter_text(struct matcher *m, unsigned long lineno,
    const char *text, size_t n, int *any)
{
	prefilter_pass(m, text, n);
	m->pass_kept = 1;
	m->pass_lineno = lineno;
	if (any != NULL)
		*any = m->pass_nc + m->nalways > 0;
	return m->sig;
}

unsigned
matcher_prefilter(struct matcher *m, const struct record *rec)
{
	return matcher_prefilter_text(m, rec->lineno, rec->text,
	    strlen(rec->text), NULL);
}

size_t
matcher_candidates(struct matcher *m, const struct record *rec,
    const uint32_t **idx)
{
	prefilter_pass(m, rec->text, strlen(rec->text));
	m->pass_kept = 0;
	*idx = m->cand;
	return m->pass_nc;
}

int
matcher_run(struct matcher *m, const struct record *rec, matcher_fn fn,
    void *ctx)
{
	size_t nc, i;
	struct match mt;
	int rc, pass;

	/* the pass of a matcher_prefilter() of this record, or a new one */
	if (!m->pass_kept || m->pass_lineno != rec->lineno)
		prefilter_pass(m, rec->text, strlen(rec->text));
	m->pass_kept = 0;
	nc = m->pass_nc;
	for (i = 0; i < m->nalways; i++)
		m->cand[nc++] = m->always[i];
	if (nc == 0)
		return 0;
	if (nc > 16)
		qsort(m->cand, nc, sizeof(uint32_t), cmp_u32);
	else
		sort_small(m->cand, nc);
	/* the platforms' own rules first, then the generic tier, so a
	   caller can let the specific evidence speak for a line */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nc; i++) {
			if (m->rules[m->cand[i]].rule->generic != pass)
				continue;
			if (try_rule(m, &m->rules[m->cand[i]], rec, &mt) != 1)
				continue;
			if ((rc = fn(ctx, rec, &mt)) != 0)
				return rc;
		}
	return 0;
}

int
matcher_run_rule(struct matcher *m, const struct rule *r,
    const struct record *rec, struct match *out)
{
	if (r->index >= m->nrules || m->rules[r->index].rule != r ||
	    !rule_matches_lines(r))
		return 0;
	matcher_next_run(m);
	return try_rule(m, &m->rules[r->index], rec, out);
}

size_t
matcher_nlimited(const struct matcher *m)
{
	return m->nlimited;
}

const struct rule *
matcher_limited(const struct matcher *m, size_t i)
{
	return i < m->nlimited ? m->limited[i] : NULL;
}
