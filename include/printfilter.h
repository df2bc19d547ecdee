/* SPDX-License-Identifier: Apache-2.0 */
/*
 * printfilter: which device lines the monitor shows, in esp-idf-monitor's
 * --print-filter syntax.  Prefix: printfilter_.
 *
 * A filter is blank-separated items "tag:level" ("tag" alone is tag:V);
 * level is N (none), E, W, I, D, V or * (= V); the tag "*" stands for
 * every tag not named.  An ESP-IDF log line "L (time) tag: ..." (after an
 * optional colour code) is shown when its level is at or above the
 * level of its tag (or of "*"); any other line is shown when "*" is in
 * the filter at a level other than N.  An empty filter shows everything.
 * Only what is shown is filtered: the log and the diagnosis see every line.
 */
#ifndef OTADIAG_PRINTFILTER_H
#define OTADIAG_PRINTFILTER_H

#include <stddef.h>

struct printfilter;

/*
 * Parses spec.  Returns an owned filter, or NULL with a message in
 * err[0..errlen) naming the bad item.
 */
struct printfilter *printfilter_new(const char *spec, char *err,
	    size_t errlen);
void	 printfilter_free(struct printfilter *pf);
/* 1 if the line (without its line end) is shown, else 0. */
int	 printfilter_match(const struct printfilter *pf, const char *line,
	    size_t len);

#endif
