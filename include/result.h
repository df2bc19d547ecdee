/* SPDX-License-Identifier: Apache-2.0 */
/*
 * result: what an analysis concludes about one input.  This is the data
 * model every report (text, json, jsonl, sarif, junit, github), the live
 * monitor and the job reader share.  Prefix: result_.
 *
 * A struct input_result and everything it points to is owned by the
 * analysis that produced it (or by the caller after analysis_take_result())
 * and freed with result_free().  Reporters only read it.  All strings are
 * sanitised UTF-8 (see sanitize.h) and never NULL unless documented.
 */
#ifndef OTADIAG_RESULT_H
#define OTADIAG_RESULT_H

#include <stddef.h>

#include "ruleset.h"

enum outcome {
	OUTCOME_UNKNOWN = 0,
	OUTCOME_SUCCESS,
	OUTCOME_FAILED,
	OUTCOME_ROLLED_BACK,
	OUTCOME_IN_PROGRESS,
	OUTCOME_NOT_ATTEMPTED,
};

const char *outcome_name(enum outcome o);	/* "success", "rolled-back", ... */
int	 outcome_from_name(const char *name);	/* -1 if unknown */
/* 1 success, 2 failed or rolled-back, 3 in-progress or not-attempted,
   0 unknown: what a fleet summary and a log-versus-job check compare. */
int	 outcome_class(enum outcome o);

struct capture {
	char	*name;
	char	*value;
};

/*
 * A frame of a crash's stack, decoded from the --elf files (frames.h).
 * Strings are owned and sanitised; function and file may be NULL.
 */
struct frame {
	unsigned long long pc;		/* as printed (Xtensa A0: mapped) */
	char		*function;	/* NULL: in no --elf */
	char		*file;		/* NULL: no line information */
	unsigned	 line;		/* 0 with file NULL */
	int		 inlined;	/* inlined into the next frame */
	int		 probable;	/* a stack word that looks like a
					   return address, not a sure frame */
	char		 what[12];	/* "PC", "A0", "MEPC", "RA", "stack" */
};

#define FINDING_MAX_LINES 32	/* evidence lines kept per finding */

/* A rule's kconfig suggestion against the user's sdkconfig (kconfig.h). */
struct finding_kconfig {
	char		*option;	/* the name in the user's ESP-IDF */
	char		*current;	/* value in the sdkconfig ("n": not set),
					   or NULL when it does not say */
	char		*suggested;	/* concrete new value(s): "3328 or 4352",
					   or NULL (already there, or a check) */
	int		 already;	/* current is already what the rule
					   suggests: try the rest of the remedy */
};

struct finding {
	const struct rule *rule;	/* borrowed from the ruleset; never NULL
					   (every finding comes from a rule, the
					   model's from rules/session.json) */
	const char	*cause;		/* effective cause id (static or rule-owned) */
	enum rule_severity severity;
	unsigned long	 line;		/* first evidence line */
	unsigned long	 lines[FINDING_MAX_LINES];	/* evidence lines, ascending */
	size_t		 nlines;
	size_t		 count;		/* repetitions (may exceed nlines) */
	char		*text;		/* first evidence line, normalised */
	char		*message;	/* rule message with captures quoted */
	char		*remedy;	/* rule remedy with captures filled in,
					   NULL when the rule has none: what
					   reports print, never rule->remedy */
	struct capture	*caps;
	size_t		 ncaps;
	long long	 dev_ms;	/* device time of the first line, -1 */
	long long	 host_ms;
	unsigned long	 last_line;	/* latest evidence line (lines[] keeps
					   the first FINDING_MAX_LINES) */
	unsigned long	 session;	/* number (session.no) of the session
					   it was first seen in, 0 if none;
					   result_session() finds it, or says
					   it was summarised */
	int		 node;		/* job node index, -1 for logs */
	const struct finding *consequence_of; /* the finding that explains
					   this one (same result), or NULL */
	size_t		 pos;		/* its index in findings[] (what
					   reports print): kept by whatever
					   adds, drops or reorders them */
	int		 ignored;	/* --ignore: dropped from the result at the
					   end, with its consequences */
	int		 primary;	/* 1 if this is the primary cause of its
					   session (or node) */
	struct finding_kconfig *kc;	/* --sdkconfig: one per rule->kconfig
					   entry, or NULL */
	struct frame	*frames;	/* the crash's decoded stack, innermost
					   first (--elf), or NULL */
	size_t		 nframes;
	unsigned long	 frames_line;	/* the log line they come from */
};

struct stage_event {
	enum stage	 stage;
	unsigned long	 line;
	long long	 dev_ms;
	long long	 host_ms;
	int		 progress;	/* percent, -1 if none */
	char		*detail;	/* short text: version, size, label ... */
};

#define SESSION_MAX_EVENTS 64	/* compact timeline; more are summarised */
#define SESSION_MAX_SEEN 128	/* findings remembered per session */

/*
 * Links between findings, sessions and nodes are pointers and numbers that
 * never change: findings are allocated one by one (result.findings holds
 * pointers; ranking reorders the pointers, not the findings) and a session
 * is named by its number, the order it was opened in, however many
 * sessions before it were summarised or dropped.
 */
struct session {
	unsigned long	 no;		/* 1 for the input's first session;
					   ascending in sessions[], never
					   reused or renumbered */
	enum outcome	 outcome;
	enum phase	 failed_phase;	/* phase when it failed */
	char		*version_from;	/* or NULL */
	char		*version_to;	/* or NULL */
	char		*url;		/* or NULL */
	long long	 size;		/* announced image size, -1 */
	unsigned long	 start_line;
	unsigned long	 end_line;
	int		 last_progress;	/* percent, -1 if none */
	unsigned long	 progress_line;	/* line of last progress */
	long long	 progress_ms;	/* clock of the last progress change
					   (device or host ms), -1 */
	long long	 stall_ms;	/* time without progress before the
					   failure/end, -1 if unknown */
	struct stage_event *events;
	size_t		 nevents;
	size_t		 nevents_dropped;
	struct finding	*primary;	/* or NULL */
	struct finding	**seen;		/* findings with evidence in this
					   session (a finding repeated over
					   sessions is one finding), owned */
	size_t		 nseen;
};

/*
 * A long input keeps the first and the last sessions in full; those in
 * between are counted here as they close, so memory and reports stay
 * bounded however many updates an input holds.  Nothing is dropped
 * silently: the reports say how many were summarised and what they were.
 */
struct cause_count {
	const char	*cause;		/* static or rule-owned */
	size_t		 n;
};

struct session_summary {
	size_t		 n;		/* sessions summarised */
	unsigned long	 first_no, last_no; /* their numbers (session.no):
					   every session between them was
					   counted here or dropped empty */
	unsigned long	 first_line, last_line;
	size_t		 by_outcome[OUTCOME_NOT_ATTEMPTED + 1];
	struct cause_count *by_cause;	/* failed and rolled-back ones */
	size_t		 ncause;
	enum outcome	 last_attempt;	/* of the last summarised attempt */
	const char	*last_cause;	/* its primary cause, or NULL */
};

struct partition {
	char		*label;
	char		*usage;
	unsigned	 type, subtype;
	unsigned long	 offset, size;
};

struct device {
	char		*version;	/* running app version, last seen */
	char		*project;
	char		*idf_version;
	char		*chip;
	char		*reset_reason;	/* decoded, last seen */
	unsigned long	 reset_line;
	struct partition *parts;
	size_t		 nparts;
	char		*boot_partition; /* label or offset loaded last */
};

/* Notes about the input itself (noise, truncated lines, rule limits). */
struct note {
	unsigned long	 line;
	char		*text;
};

/* Job inputs: one per node of a cloud OTA job. */
struct job_node {
	char		*node_id;
	char		*status;	/* as the cloud wrote it */
	enum outcome	 outcome;
	char		*info;		/* additional_info / reason text */
	char		*timestamp;	/* or NULL */
	unsigned long	 line;		/* line of the record in the file, 0 */
	struct finding	*primary;	/* or NULL */
	char		*log_path;	/* --logs: matching log, or NULL */
	enum outcome	 log_outcome;
	const char	*log_cause;	/* primary cause of that log, or NULL */
	int		 disagree;	/* job and log disagree */
};

/*
 * A job of more than JOB_MAX_LISTED_NODES nodes lists that many (failed
 * and rolled-back nodes first, then unfinished ones, then successful
 * ones; each group in input order) and counts the others here as they are
 * read, their findings folded into counts, so memory and reports stay
 * bounded however many nodes a job has.  Nothing is dropped silently: the
 * reports say how many were summarised and what they were.
 */
#define JOB_MAX_LISTED_NODES	10000

struct status_count {
	char		*status;	/* owned, as the first node wrote it;
					   "(other)" beyond NODE_SUMMARY_STATUSES */
	size_t		 n;
};

#define NODE_SUMMARY_STATUSES	64

/*
 * The findings of summarised nodes as the gate (--fail-on, --baseline)
 * counts them: each finding that is no consequence of its node's primary
 * cause, by rule, fingerprint (baseline.h: finding_fingerprint) and
 * severity.  At most NODE_SUMMARY_FINGERPRINTS different ones are kept;
 * findings beyond are counted in node_summary.fps_beyond by severity, and
 * no baseline can accept them.
 */
struct fingerprint_count {
	const char	*rule;		/* rule id (rule-owned) */
	const char	*cause;		/* static or rule-owned */
	enum rule_severity severity;
	char		 fp[17];	/* 16 hex digits */
	unsigned long	 line;		/* line of the first node with it */
	size_t		 n;
};

#define NODE_SUMMARY_FINGERPRINTS	4096

struct node_summary {
	size_t		 n;		/* nodes summarised */
	size_t		 by_outcome[OUTCOME_NOT_ATTEMPTED + 1];
	struct status_count *by_status;	/* spellings of one status are one */
	size_t		 nstatus;
	struct cause_count *by_cause;	/* primary cause of each node that
					   has one; "unknown" for a failed
					   or rolled-back node without */
	size_t		 ncause;
	struct cause_count *by_failed_cause; /* the same, failed and
					   rolled-back nodes only (what the
					   job's primary cause is chosen by) */
	size_t		 nfailed_cause;
	size_t		 ntimed_out;	/* with a job time-out finding */
	size_t		 ndisagree;	/* cloud and --logs log disagree */
	size_t		 nfindings;	/* their findings, folded */
	size_t		 nerrors;	/* of which at severity error and no
					   consequence (by_severity[error]) */
	size_t		 by_severity[RULE_ERROR + 1]; /* findings that are
					   no consequence, by severity: what
					   the gate counts */
	struct fingerprint_count *fps;	/* the same by fingerprint, owned */
	size_t		 nfps;
	size_t		 fps_beyond[RULE_ERROR + 1]; /* beyond
					   NODE_SUMMARY_FINGERPRINTS */
};

/*
 * A job read again, node by node, for a report that lists every node
 * however many there are (jsonl): set on the result by the command that
 * read the job (job.h: job_replay), borrowed, valid while the reports are
 * written; NULL when the job cannot be read again.  result_each_node()
 * calls fn for each node in input order with its findings (owned by the
 * replay, valid during the call): the node's primary first, consequences
 * linked, as the ranking makes them; fn returns 0 to go on.
 */
struct input_result;
typedef int (*result_node_fn)(void *ctx, const struct input_result *r,
    const struct job_node *nd, struct finding *const *f, size_t n);

struct node_replay {
	int	(*each)(const struct node_replay *rp, result_node_fn fn,
		    void *ctx);
};

enum input_kind {
	INPUT_LOG = 0,
	INPUT_JOB,
	INPUT_IMAGE,	/* a firmware file checked before it ships (image) */
};

struct input_result {
	char		*path;		/* as given ("-" for stdin) */
	enum input_kind	 kind;
	const char	*format;	/* log: "log"; job: "rainmaker-job" ... */
	enum outcome	 outcome;
	struct finding	*primary;	/* or NULL */
	int		 error;		/* input error: could not be read */
	char		*error_text;	/* or NULL */
	unsigned long	 nlines;
	unsigned long long nbytes;
	struct finding	**findings;	/* each owned; ordered once ranked:
					   primary causes first */
	size_t		 nfindings;
	struct session	*sessions;
	size_t		 nsessions;
	struct session_summary summarised; /* sessions only counted */
	struct device	 device;
	struct note	*notes;
	size_t		 nnotes;
	struct job_node	*nodes;
	size_t		 nnodes;
	struct node_summary nodes_summarised; /* nodes only counted */
	char		*job_id;	/* or NULL */
	long long	 job_age_s;	/* job: seconds since trigger, -1 */
	int		 job_timed_out;
	size_t		 nignored;	/* findings dropped by --ignore (and
					   their consequences) */
	/* image inputs (src/findings/preflight.c), else NULL */
	char		*info_text;	/* what esptool image_info shows: lines
					   for the text report, sanitised */
	char		*info_json;	/* the same as a JSON object's text */
	char		*kconfig_tail;	/* a sdkconfig.defaults fragment that
					   applies the findings' kconfig */
	const struct node_replay *replay; /* jobs: every node again, or
					   NULL (borrowed, see above) */
};

/* Every node of job r again (see struct node_replay): 0, -1 when r has
   no replay, or the first non-zero return of fn or of the reading (a job
   that can no longer be read). */
int	 result_each_node(const struct input_result *r, result_node_fn fn,
	    void *ctx);
/* "log", "job", "image" (static). */
const char *input_kind_name(enum input_kind k);
void	 result_free(struct input_result *r);
/* A time-out of a job itself (the --job-timeout check or the cloud's own
   timed-out status), not a device-side window. */
struct finding;
int	 finding_is_job_timeout(const struct finding *f);
/* Frees what a session owns (not the session itself). */
void	 session_release(struct session *s);
/* Records that finding f has evidence in session s (once). */
void	 session_saw(struct session *s, struct finding *f);
/* Frees what a job node owns (not the node itself). */
void	 result_node_release(struct job_node *n);
/* Frees a finding and what it owns; NULL is fine. */
void	 finding_free(struct finding *f);
/* Appends a new zeroed finding (no links) and returns it. */
struct finding *result_add_finding(struct input_result *r);
/*
 * The session numbered no: NULL when no is 0, or the session was
 * summarised (result_session_summarised()) or dropped as empty.
 */
struct session *result_session(const struct input_result *r,
	    unsigned long no);
int	 result_session_summarised(const struct input_result *r,
	    unsigned long no);
/* The index of session no in sessions[] (what reports print), or -1. */
long	 result_session_index(const struct input_result *r, unsigned long no);
/* How many listed sessions came before the summarised ones. */
size_t	 result_summary_after(const struct input_result *r);
/*
 * Drops the findings marked ignored, and every link to them (sessions',
 * nodes' and the input's primary, seen lists).  Links among the kept
 * findings stay as they are: the one place findings leave a result.
 */
void	 result_drop_ignored(struct input_result *r);
/* Highest severity among findings not consequences, -1 if none. */
int	 result_max_severity(const struct input_result *r);
/* Number of findings at or above sev. */
size_t	 result_count_at(const struct input_result *r, enum rule_severity sev);

#endif
