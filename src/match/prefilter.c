/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prefilter: builds the literal prefilter's automaton (see prefilter.h).
 *
 * The automaton works over a compressed alphabet: bytes that occur in no
 * needle all behave alike (they lead back to the root), so a row has one
 * column per distinct needle byte plus one.  The trie is kept as child
 * and sibling lists (work in the needles' length); the matcher resolves
 * its full transitions lazily from them and the failure links.
 */
#include <stdlib.h>
#include <string.h>

#include "prefilter.h"
#include "xalloc.h"

static inline unsigned
lc(unsigned c)
{
	return c - 'A' < 26u ? c + 32 : c;
}

/* One state's outputs while building. */
struct outs {
	uint32_t	*v;
	size_t		 n, cap;
};

static void
outs_add(struct outs *o, uint32_t r)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i] == r)
			return;
	o->v = xgrow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
	o->v[o->n++] = r;
}

/* The trie under construction. */
struct trie {
	int32_t		*child, *sibling, *parent;
	uint8_t		*kcls;
	size_t		*depth;
	size_t		 n, maxd;
	const uint8_t	*cls;
};

static int32_t
edge(const int32_t *child, const int32_t *sibling, const uint8_t *kcls,
    int32_t s, size_t k)
{
	int32_t c;

	for (c = child[s]; c != 0; c = sibling[c])
		if (kcls[c] == k)
			return c;
	return 0;
}

int32_t
prefilter_child(const struct prefilter *pf, int32_t s, size_t k)
{
	return edge(pf->child, pf->sibling, pf->kcls, s, k);
}

/* Adds needle's path; returns its last state. */
static int32_t
trie_add(struct trie *t, const char *needle)
{
	const unsigned char *p;
	int32_t s = PREFILTER_ROOT, c;
	size_t k;

	for (p = (const unsigned char *)needle; *p != '\0'; p++) {
		k = t->cls[*p];
		c = edge(t->child, t->sibling, t->kcls, s, k);
		if (c == 0) {
			c = (int32_t)t->n++;
			t->parent[c] = s;
			t->kcls[c] = (uint8_t)k;
			t->depth[c] = t->depth[s] + 1;
			if (t->depth[c] > t->maxd)
				t->maxd = t->depth[c];
			t->sibling[c] = t->child[s];
			t->child[s] = c;
		}
		s = c;
	}
	return s;
}

/* Gives every byte of needle a class; returns its length. */
static size_t
classes_add(uint8_t *cls, uint32_t *ncls, const char *needle)
{
	const unsigned char *p;

	for (p = (const unsigned char *)needle; *p != '\0'; p++)
		if (cls[lc(*p)] == 0)
			cls[lc(*p)] = (uint8_t)(*ncls)++;
	return (size_t)(p - (const unsigned char *)needle);
}

/* The failure links, states by depth (a counting sort) so that a state's
   target, always shallower, is done before it; each state's outputs take
   its target's. */
static int32_t *
build_fail(const struct trie *t, struct outs *out)
{
	size_t i, d, k, *count;
	uint32_t *order;
	int32_t *fail, st, f, v;

	count = xcalloc(t->maxd + 2, sizeof(size_t));
	for (i = PREFILTER_ROOT + 1; i < t->n; i++)
		count[t->depth[i] + 1]++;
	for (d = 1; d <= t->maxd + 1; d++)
		count[d] += count[d - 1];
	order = xmalloc(t->n * sizeof(uint32_t));
	for (i = PREFILTER_ROOT + 1; i < t->n; i++)
		order[count[t->depth[i]]++] = (uint32_t)i;
	fail = xcalloc(t->n, sizeof(int32_t));
	fail[PREFILTER_ROOT] = PREFILTER_ROOT;
	for (i = 0; i + PREFILTER_ROOT + 1 < t->n; i++) {
		st = (int32_t)order[i];
		fail[st] = PREFILTER_ROOT;
		/* the longest proper suffix that is a trie path */
		for (f = t->parent[st]; f != PREFILTER_ROOT; ) {
			f = fail[f];
			v = edge(t->child, t->sibling, t->kcls, f,
			    t->kcls[st]);
			if (v != 0) {
				fail[st] = v;
				break;
			}
		}
		for (k = 0; k < out[fail[st]].n; k++)
			outs_add(&out[st], out[fail[st]].v[k]);
	}
	free(count);
	free(order);
	return fail;
}

struct prefilter *
prefilter_build(const struct ruleset *rs,
    const struct prefilter_signal *signals)
{
	struct prefilter *pf = xcalloc(1, sizeof(*pf));
	size_t nrules = ruleset_count(rs), cap = 1, i, k, n;
	const struct prefilter_signal *sg;
	const struct rule *r;
	struct outs *out;
	struct trie t;
	uint32_t *always, *off, *ov;
	int c;

	pf->ncls = 1;
	for (i = 0; i < nrules; i++)
		if (rule_matches_lines(r = ruleset_get(rs, i)))
			for (k = 0; k < r->nneedles; k++)
				cap += classes_add(pf->cls, &pf->ncls,
				    r->needles[k]);
	for (sg = signals; sg->needle != NULL; sg++)
		cap += classes_add(pf->cls, &pf->ncls, sg->needle);
	for (c = 'A'; c <= 'Z'; c++)
		pf->cls[c] = pf->cls[c + 32];

	/* cap: at most one state per needle byte, the root, and state 0 */
	cap += PREFILTER_ROOT;
	memset(&t, 0, sizeof(t));
	t.cls = pf->cls;
	t.child = xcalloc(cap, sizeof(int32_t));
	t.sibling = xcalloc(cap, sizeof(int32_t));
	t.parent = xcalloc(cap, sizeof(int32_t));
	t.kcls = xcalloc(cap, 1);
	t.depth = xcalloc(cap, sizeof(size_t));
	t.n = PREFILTER_ROOT + 1;
	out = xcalloc(cap, sizeof(*out));
	always = xcalloc(nrules + 1, sizeof(uint32_t));
	for (i = 0; i < nrules; i++) {
		r = ruleset_get(rs, i);
		if (!rule_matches_lines(r))
			continue;	/* fired by markers or the model */
		if (r->nneedles == 0)
			always[pf->nalways++] = (uint32_t)i;
		/* any of its needles makes the rule a candidate */
		for (k = 0; k < r->nneedles; k++)
			outs_add(&out[trie_add(&t, r->needles[k])],
			    (uint32_t)i);
	}
	for (sg = signals; sg->needle != NULL; sg++)
		outs_add(&out[trie_add(&t, sg->needle)],
		    (uint32_t)nrules + sg->bit);
	pf->fail = build_fail(&t, out);

	/* the outputs, flat */
	off = xmalloc((t.n + 1) * sizeof(uint32_t));
	for (i = 0, n = 0; i < t.n; i++) {
		off[i] = (uint32_t)n;
		n += out[i].n;
	}
	off[t.n] = (uint32_t)n;
	ov = xmalloc((n + 1) * sizeof(uint32_t));
	for (i = 0; i < t.n; i++) {
		if (out[i].n > 0)
			memcpy(ov + off[i], out[i].v, out[i].n *
			    sizeof(uint32_t));
		free(out[i].v);
	}
	free(out);
	free(t.parent);
	free(t.depth);
	pf->nstates = (uint32_t)t.n;
	pf->nrules = (uint32_t)nrules;
	pf->always = always;
	pf->child = t.child;
	pf->sibling = t.sibling;
	pf->kcls = t.kcls;
	pf->out_off = off;
	pf->out = ov;
	pf->signals = signals;
	return pf;
}

void
prefilter_free(struct prefilter *pf)
{
	if (pf == NULL)
		return;
	free((void *)pf->always);
	free((void *)pf->child);
	free((void *)pf->sibling);
	free((void *)pf->kcls);
	free((void *)pf->fail);
	free((void *)pf->out_off);
	free((void *)pf->out);
	free(pf);
}

int
prefilter_same_signals(const struct prefilter *pf,
    const struct prefilter_signal *signals)
{
	size_t i;

	for (i = 0; signals[i].needle != NULL; i++)
		if (pf->signals[i].needle == NULL ||
		    strcmp(pf->signals[i].needle, signals[i].needle) != 0 ||
		    pf->signals[i].bit != signals[i].bit)
			return 0;
	return pf->signals[i].needle == NULL;
}
