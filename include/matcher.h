/* SPDX-License-Identifier: Apache-2.0 */
/*
 * matcher: runs a ruleset over records.  Prefix: matcher_.
 *
 * Every rule and marker is compiled once with PCRE2 (JIT where available)
 * under match and depth limits.  A literal prefilter (Aho-Corasick over all
 * needles, ASCII case-insensitive) selects the candidate rules of a record,
 * so a line that mentions no needle costs one pass over its bytes whatever
 * the number of rules.  Rules without a needle are always candidates.
 */
#ifndef OTADIAG_MATCHER_H
#define OTADIAG_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "record.h"
#include "ruleset.h"

#define MATCHER_MAX_CAPS 16

struct match {
	const struct rule *rule;
	size_t		 ncaps;
	const char	*cap_names[MATCHER_MAX_CAPS];	/* borrowed from the rule */
	const char	*cap_values[MATCHER_MAX_CAPS];	/* borrowed, NUL-terminated,
							   valid during the callback */
};

/* Return 0 to go on, non-zero to stop (passed back by matcher_run). */
typedef int (*matcher_fn)(void *ctx, const struct record *rec,
    const struct match *m);

struct matcher;

/*
 * Compiles the rules of rs (borrowed; must outlive the matcher).  Fails with
 * DIAG_EREGEX naming the rule's file, line and id, PCRE2's message and the
 * offset in the pattern.
 */
struct matcher *matcher_new(const struct ruleset *rs, struct diag_err *err);
/*
 * The same with flags.  MATCHER_EAGER compiles every pattern now (what
 * `rules test` and `rules check` need); without it a built-in rule's
 * patterns are compiled when a line first makes it a candidate, and only
 * the rules of --rules files are compiled (and their errors reported) here.
 */
#define MATCHER_EAGER	1u
struct matcher *matcher_new_flags(const struct ruleset *rs, unsigned flags,
	    struct diag_err *err);
void	 matcher_free(struct matcher *m);
/*
 * A rule compiled lazily (built in) whose pattern did not compile when a
 * line first made it a candidate: it never runs, and this is the first
 * such error (file, line, rule, PCRE2's message), or NULL.  Borrowed.
 * The shipped rules cannot fail so (`otadiag rules test` compiles every
 * one in CI); an image made otherwise could.
 */
const struct diag_err *matcher_lazy_error(const struct matcher *m);
/* Calls fn for each rule that matches rec: the specific rules in ruleset
   order, then the generic tier's in ruleset order. */
int	 matcher_run(struct matcher *m, const struct record *rec,
	    matcher_fn fn, void *ctx);
/*
 * The prefilter pass of matcher_run() alone, for a caller that must know
 * before the rules run what kind of line rec may be: returns the signals
 * among MATCHER_SIG_* whose needles rec's text holds.  A matcher_run() of
 * the same record next reuses the pass.
 */
#define MATCHER_SIG_CRASH	1u	/* a literal of bt_needles or
					   coredump_needle: a crash or core
					   dump line may start here */
unsigned matcher_prefilter(struct matcher *m, const struct record *rec);
/*
 * The same pass over text[0..n) (not NUL-terminated: a view of a line that
 * is not parsed in full yet, record_text()), the text of line lineno:
 * *any (if not NULL) is non-zero when some rule is a candidate, rules
 * without a needle included.  A matcher_run() of a record of that line
 * next reuses the pass, so its text must be the same bytes.
 */
unsigned matcher_prefilter_text(struct matcher *m, unsigned long lineno,
	    const char *text, size_t n, int *any);
/*
 * The prefilter pass alone, as matcher_prefilter(): the rules (ruleset
 * indices, *idx borrowed until the next call, unordered) one of whose
 * needles rec's text holds; rules without a needle are not among them.
 * For `rules check --log`, which measures how often each needle hits.
 */
size_t	 matcher_candidates(struct matcher *m, const struct record *rec,
	    const uint32_t **idx);
/* Matches one rule only (rules test); 1 match, 0 no match, <0 limit hit. */
int	 matcher_run_rule(struct matcher *m, const struct rule *r,
	    const struct record *rec, struct match *out);
/*
 * Rules whose pattern hit the PCRE2 match/depth/heap limit in the last
 * matcher_run() or matcher_run_rule(): that rule did not match that record,
 * and nothing more.  A limit is an event of one record: the rule is tried
 * on every later record as before (the same bytes again are answered from
 * a one-line cache, so a repeated line does not cost the budget twice).
 * Returns the count; the rules via matcher_limited() (borrowed).
 */
size_t	 matcher_nlimited(const struct matcher *m);
const struct rule *matcher_limited(const struct matcher *m, size_t i);

#endif
