/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report: writes analysis results for people and machines.  Prefix: report_.
 *
 * One writer per format, each in its own file under src/report/.  Every
 * writer takes the same arguments, reads results only, and returns 0 or
 * DIAG_EIO (write failure).  Machine formats are the stable contract in
 * man/otadiag-report.5.
 */
#ifndef OTADIAG_REPORT_H
#define OTADIAG_REPORT_H

#include <stdio.h>

#include "result.h"
#include "ruleset.h"

enum report_format {
	REPORT_TEXT = 0,
	REPORT_JSON,
	REPORT_JSONL,
	REPORT_SARIF,
	REPORT_JUNIT,
	REPORT_GITHUB,
	REPORT_MAX
};

#define REPORT_SCHEMA_VERSION 1

struct report_opts {
	int		 color;		/* text: emit ANSI colour */
	int		 verbose;	/* text: show consequences in full */
	size_t		 top;		/* text: a job's diagnoses shown, 0 all */
	enum rule_severity fail_on;	/* gate threshold; -1 never */
	int		 fail_never;
	const char	*expect;	/* expected outcome name, or NULL */
	const struct ruleset *rules;	/* for SARIF rule descriptors */
	const char	*summary_path;	/* github: $GITHUB_STEP_SUMMARY or NULL */
	const struct baseline *baseline; /* accepted findings (--baseline): they
					   do not fail JUnit cases; or NULL */
};

struct baseline;

int	 report_format_from_name(const char *name);	/* -1 if unknown */
const char *report_format_name(enum report_format f);

int	 report_write(enum report_format f, FILE *fp,
	    struct input_result *const *inputs, size_t n,
	    const struct report_opts *o);

/* One writer per file; report_write() dispatches. */
int	 report_text(FILE *fp, struct input_result *const *in, size_t n,
	    const struct report_opts *o);
int	 report_json(FILE *fp, struct input_result *const *in, size_t n,
	    const struct report_opts *o);
int	 report_jsonl(FILE *fp, struct input_result *const *in, size_t n,
	    const struct report_opts *o);
int	 report_sarif(FILE *fp, struct input_result *const *in, size_t n,
	    const struct report_opts *o);
int	 report_junit(FILE *fp, struct input_result *const *in, size_t n,
	    const struct report_opts *o);
int	 report_github(FILE *fp, struct input_result *const *in, size_t n,
	    const struct report_opts *o);

/* The text report of a job: nodes grouped by diagnosis (text_fleet.c). */
void	 report_text_job(FILE *fp, const struct input_result *r,
	    const struct report_opts *o);
/*
 * One finding's block.  cons_next, when not NULL, chains each finding's
 * consequences (cons_next[0..n): first consequence of i at
 * cons_next[n + i], then cons_next[c] for the next; -1 ends) so that a
 * report of many findings stays linear; NULL scans the findings.
 */
void	 report_text_block(FILE *fp, const struct input_result *r,
	    size_t idx, const int *cons_next, const struct report_opts *o);
/* Text report of one finding, used live by `monitor` as well. */
void	 report_text_finding(FILE *fp, const struct input_result *r,
	    const struct finding *f, const struct report_opts *o);
#endif
