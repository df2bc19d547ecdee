/* SPDX-License-Identifier: Apache-2.0 */
/*
 * analysis: diagnoses one input, line by line, as it arrives.  Prefix: analysis_.
 *
 * The same object serves `analyze` (a whole file), `monitor` (a live stream,
 * fed as bytes arrive) and job JSON (records fed one per node field).  It
 * splits lines, normalises them (record.h), runs the matcher, tracks the
 * OTA sessions and boot facts (session.c), evaluates context conditions,
 * merges repeats, and at the end ranks root causes and links consequences.
 *
 * Live use: a listener is told of each confirmed finding as soon as its
 * evidence (and any context window it needs) is complete, and of each
 * session stage, so `monitor` can announce a diagnosis before the log ends.
 */
#ifndef OTADIAG_ANALYSIS_H
#define OTADIAG_ANALYSIS_H

#include <stddef.h>

#include "elfsym.h"
#include "matcher.h"
#include "record.h"
#include "result.h"
#include "ruleset.h"

struct analysis;

enum analysis_event_kind {
	ANALYSIS_FINDING,	/* a finding was confirmed */
	ANALYSIS_STAGE,		/* a session stage event */
	ANALYSIS_OUTCOME,	/* a session reached an outcome */
	ANALYSIS_NOTE,		/* a note about the input (noise, ...) */
};

struct analysis_event {
	enum analysis_event_kind kind;
	const struct input_result *result;	/* current state, borrowed */
	const struct finding *finding;	/* ANALYSIS_FINDING, else NULL */
	unsigned long	 session;	/* session number (result_session()),
					   or 0 */
	const struct stage_event *stage;	/* ANALYSIS_STAGE, else NULL */
	const struct note *note;	/* ANALYSIS_NOTE, else NULL */
};

typedef void (*analysis_fn)(void *ctx, const struct analysis_event *ev);

struct analysis_opts {
	size_t		 max_line;	/* line bound, 0 = LINESPLIT_DEFAULT_MAX */
	const char	**ignore;	/* rule ids or cause ids to drop */
	size_t		 nignore;
	struct elfsym	*const *elfs;	/* --elf: crash stacks are decoded and
					   put on findings (frames.h); borrowed */
	size_t		 nelfs;
	const char	*coredump_dir;	/* --coredump-dir: UART core dumps are
					   saved there (coredump.h), or NULL */
	int		 slow_lines;	/* every line parsed in full and
					   matched, no quiet-line path: the
					   reference for tests
					   (OTADIAG_SLOW_LINES) */
};

/*
 * rs and m are borrowed and must outlive the analysis.  path names the input
 * in reports ("-" for stdin).
 */
struct analysis *analysis_new(const struct ruleset *rs, struct matcher *m,
	    const char *path, const struct analysis_opts *opts);
void	 analysis_free(struct analysis *a);
void	 analysis_set_listener(struct analysis *a, analysis_fn fn, void *ctx);

/* Log input: bytes in any chunking; lines are split internally. */
void	 analysis_feed(struct analysis *a, const char *buf, size_t n);
/* One complete line (no terminator); for callers that split themselves. */
void	 analysis_feed_line(struct analysis *a, const char *line, size_t len,
	    unsigned flags);
/*
 * Job input: a record built by the job reader (fmt RECORD_JOB, node set).
 * Findings it produces carry rec->node.
 */
void	 analysis_feed_record(struct analysis *a, const struct record *rec);
/* Marks a gap in a live stream (port lost and reopened) at the current line. */
void	 analysis_mark_gap(struct analysis *a, const char *why);
/* Turns the input into a job input: kind, format and nodes (owned copies). */
void	 analysis_set_job(struct analysis *a, const char *format,
	    const char *job_id, const struct job_node *nodes, size_t nnodes);
/*
 * Stops reading: lines after the one being analysed are ignored, so the
 * result is that of the input up to here (monitor --until stops at the
 * line that gave the verdict).  analysis_finish() still completes it.
 */
void	 analysis_stop(struct analysis *a);
/*
 * A finding raised by rule id rather than matched against a line (the
 * preflight checks of `otadiag image`): text is its evidence, caps fill
 * the message's ${name}.  Returns 0, or -1 when the rule set has no
 * rule of that id.
 */
int	 analysis_raise(struct analysis *a, const char *rule_id,
	    unsigned long line, const char *text, const struct capture *caps,
	    size_t ncaps);
/*
 * Turns the input into an image input (kind INPUT_IMAGE, format): its
 * outcome is then "failed" when an error finding says the update would
 * fail, else "success"; the primary cause is the most severe finding.
 */
void	 analysis_set_image(struct analysis *a, const char *format);
/* Marks the input unreadable (kept in the report with error set). */
void	 analysis_set_error(struct analysis *a, const char *text);

/*
 * End of input: resolves pending context windows, ranks causes, links
 * consequences and sets outcomes.  Further feeding is a no-op.
 */
void	 analysis_finish(struct analysis *a);
/* Borrowed; valid until analysis_free().  Complete after analysis_finish(),
 * a consistent snapshot before it. */
const struct input_result *analysis_result(const struct analysis *a);
/* Transfers ownership of the result to the caller (free with result_free). */
struct input_result *analysis_take_result(struct analysis *a);

#endif
