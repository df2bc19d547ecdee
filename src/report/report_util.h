/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_util: small helpers the report writers (github.c, junit.c,
 * sarif.c, jsonl.c) share, so that a finding's rule id, cause, title and
 * location read the same in every format.  Internal to src/report/.
 * Prefix: report_util_.
 */
#ifndef OTADIAG_REPORT_UTIL_H
#define OTADIAG_REPORT_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "result.h"

/* The finding's rule id, else its cause, else "unknown" (borrowed). */
const char *report_util_rule_id(const struct finding *f);

/* The finding's cause id, or "unknown" (borrowed). */
const char *report_util_cause(const struct finding *f);

/* The title of the finding's rule, or "OTA failure" (borrowed). */
const char *report_util_title(const struct finding *f);

/*
 * The part of the absolute PATH after "CWD/" when PATH lies strictly under
 * CWD (trailing slashes of CWD ignored; CWD "/" holds every absolute path),
 * else NULL.  CWD may be NULL (then NULL).  Borrowed from PATH.
 */
const char *report_util_under_cwd(const char *path, const char *cwd);

/*
 * S (not NULL) as a JSON string; text that is not valid UTF-8 is passed
 * through sanitize_dup() first.  Returns NULL if even that is refused.
 */
json_t	*report_util_json_str(const char *s);

/*
 * Writes OBJ with json_dumpf() FLAGS and a newline, and releases it.
 * Returns 0, or DIAG_EIO if OBJ is NULL or the write fails.
 */
int	 report_util_json_put(FILE *fp, json_t *obj, size_t flags);

/*
 * Each finding's consequences as chains, for report_text_block(): an
 * array of 2 * nfindings ints (the caller frees it), built in one pass.
 */
struct input_result;
int	*report_cons_links(const struct input_result *r);
/* A job's nodes_summarised object (otadiag-report(5)), new reference. */
json_t	*report_util_nodes_summarised(const struct input_result *r);

/*
 * Streaming JSON: a report written as it is made, element by element,
 * never as one tree, in jansson's JSON_INDENT(2) layout.  The writer
 * buffers small chunks and writes 64 KiB at a time.  Errors are sticky in
 * failed; jw_flush() at the end.
 */
#include "strbuf.h"

struct jw {
	FILE		*fp;
	struct strbuf	 buf;
	int		 failed;
};

void	 jw_flush(struct jw *w);
/* n bytes as they are. */
void	 jw_raw(struct jw *w, const char *p, size_t n);
void	 jw_indent(struct jw *w, int indent);
/* v (released) shifted right by indent after each newline. */
void	 jw_value(struct jw *w, json_t *v, int indent);
/* ",\n" unless *first, the key at indent and ": ". */
void	 jw_key(struct jw *w, int indent, const char *key, int *first);
void	 jw_member(struct jw *w, int indent, const char *key, json_t *v,
	    int *first);

#endif
