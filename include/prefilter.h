/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prefilter: the matcher's literal prefilter automaton (Aho-Corasick over
 * every needle, ASCII case-insensitive), as plain arrays.  Prefix:
 * prefilter_.
 *
 * Built from a rule set at start-up (prefilter_build), or at build time by
 * otadiag-rulegen into the built-in image as read-only data: the arrays
 * hold no pointers, so the image's copy needs no relocation and start-up
 * only maps the pages a scan goes through.  The matcher (matcher.c) runs
 * it; its transition table is filled lazily from these arrays.
 *
 * States are numbered from 1 (PREFILTER_ROOT); 0 is "no state".  An output
 * is a rule index (below nrules) or nrules + b for signal bit b.
 */
#ifndef OTADIAG_PREFILTER_H
#define OTADIAG_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "ruleset.h"

#define PREFILTER_ROOT	1

/* A literal that signals something rather than naming a rule. */
struct prefilter_signal {
	const char	*needle;
	unsigned	 bit;		/* output nrules + bit (bit < 8) */
};

struct prefilter {
	uint8_t		 cls[256];	/* byte -> class (0: in no needle);
					   upper case as lower case */
	uint32_t	 ncls;		/* classes, 0 included */
	uint32_t	 nstates;	/* states, 0 (none) included */
	uint32_t	 nrules;	/* of the rule set it was built for */
	uint32_t	 nalways;
	const uint32_t	*always;	/* rules that match lines without a
					   needle (nalways) */
	const int32_t	*child;		/* first trie child per state, or 0 */
	const int32_t	*sibling;	/* next sibling, or 0 */
	const uint8_t	*kcls;		/* class of the edge into a state */
	const int32_t	*fail;		/* failure link per state */
	const uint32_t	*out_off;	/* outputs of state s: out[out_off[s]]
					   .. out[out_off[s + 1] - 1]
					   (nstates + 1) */
	const uint32_t	*out;
	const struct prefilter_signal *signals;	/* built with these, up to
					   the NULL needle */
};

/*
 * Builds the automaton of rs's line rules (rule_matches_lines) and of the
 * signals (an array ended by a NULL needle).  Owned; prefilter_free().
 */
struct prefilter *prefilter_build(const struct ruleset *rs,
	    const struct prefilter_signal *signals);
void	 prefilter_free(struct prefilter *pf);
/* The trie's edge from state s on class k, or 0. */
int32_t	 prefilter_child(const struct prefilter *pf, int32_t s, size_t k);
/* 1 if pf was built with exactly these signals (same needles and bits,
   same order). */
int	 prefilter_same_signals(const struct prefilter *pf,
	    const struct prefilter_signal *signals);

#endif
