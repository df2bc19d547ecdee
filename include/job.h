/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job: cloud OTA job JSON, read and diagnosed node by node.  Prefix: job_.
 *
 * Formats, each detected from the content (never from the file name):
 *
 *   rainmaker-job        admin job status: {"node_ota_status": [{node_id,
 *                        status, timestamp, additional_info}], total, next_id}
 *   rainmaker-node       per-node status: {node_id, status, additional_info,
 *                        timestamp}
 *   rainmaker-summary    job summary counts: {triggered, started, in_progress,
 *                        rejected, delayed, success, failed, total}
 *   rainmaker-otastatus  device MQTT payload: {ota_job_id, status,
 *                        additional_info, ts}
 *   aws-iot-job          AWS IoT Jobs execution(s): {status, statusDetails:
 *                        {reason | self_test}} alone, wrapped in "execution",
 *                        or listed in "executionSummaries"
 *   thingsboard          fw_state / fw_error telemetry (plain values or
 *                        timeseries [{ts, value}]), one device or an array
 *   aliyun-ota           Alibaba Cloud OTA task list (Data.SimpleOTATaskInfo
 *                        [] with DeviceName, TaskStatus, TaskDesc)
 *   jsonl                JSON Lines, one of the node records above per line
 *
 * Each node's text fields (status, additional_info, reason, self_test,
 * fw_error, task_desc) become records (fmt RECORD_JOB, field, node) fed
 * through analysis_feed_record(), so the rules with "target": "job" diagnose
 * them.  The node list then goes to the result with analysis_set_job().
 *
 * Library code: nothing here prints or exits; errors fill a struct diag_err.
 */
#ifndef OTADIAG_JOB_H
#define OTADIAG_JOB_H

#include <stddef.h>

#include "analysis.h"
#include "diag.h"
#include "matcher.h"
#include "result.h"
#include "ruleset.h"

#define JOB_MAX_FIELDS	6

/* One text field of a node record: "additional_info", "reason", ... */
struct job_field {
	const char	*name;		/* static */
	char		*value;		/* owned, sanitised */
};

/* One node (device, thing, task) of a parsed job. */
struct job_entry {
	char		*node_id;	/* owned, sanitised; never NULL */
	char		*status;	/* as the cloud wrote it, or "" */
	char		*timestamp;	/* as written, or NULL */
	long long	 time_s;	/* timestamp as unix seconds, -1 */
	unsigned long	 line;		/* line of the record, 0 if unknown */
	long		 count;		/* summary rows: nodes counted, else 1 */
	struct job_field fields[JOB_MAX_FIELDS];
	size_t		 nfields;
};

struct job;

/* 1 if buf looks like job JSON of a known format, else 0.  Cheap. */
int	 job_sniff(const char *buf, size_t n);

/*
 * Checks buf (named path in errors) from end to end, learns its format and
 * counts its nodes, without keeping them: job_foreach() hands them out.
 * A large text is scanned (jsonpos_walk) and parsed one element of its node
 * list at a time, so memory does not grow with the number of nodes; buf is
 * borrowed until job_free().  With JOB_MAPPED, buf is a read-only private
 * file mapping (mmap) whose pages behind the reader are given back as it
 * goes: map a private copy (spool.h), never a file another program can
 * truncate under the reader (SIGBUS).  Fails with DIAG_ESYNTAX (bad JSON, with line and column),
 * DIAG_EFORMAT (JSON but not a job of any known format; the text names the
 * formats expected) or DIAG_ESCHEMA (a known format with a missing or
 * mistyped field).  *out is NULL on failure.
 */
#define JOB_MAPPED	1

int	 job_parse(const char *path, const char *buf, size_t n,
	    struct job **out, struct diag_err *err);
/*
 * The same from a regular file read in place (fd borrowed until
 * job_free; never mapped: pread through a window, so memory stays
 * bounded and nothing is copied to disk).  The file's size, mtime and
 * ctime are taken now and compared after every pass (this one and each
 * job_foreach): a file written to meanwhile fails with DIAG_EIO
 * "changed while being read", one that ends early with DIAG_EIO
 * "truncated while being read", both naming path.
 */
int	 job_parse_fd(const char *path, int fd, struct job **out,
	    struct diag_err *err);
int	 job_parse_flags(const char *path, const char *buf, size_t n,
	    int flags, struct job **out, struct diag_err *err);
void	 job_free(struct job *j);
/* "rainmaker-job", "aws-iot-job", ... (static). */
const char *job_format(const struct job *j);
/* The job id, or NULL (borrowed). */
const char *job_id(const struct job *j);
/* Earliest trigger time known (unix s): triggered_timestamp, else the
 * earliest node timestamp; -1 if none. */
long long job_trigger_time(const struct job *j);
/* Number of entries job_foreach() hands out. */
size_t	 job_count(const struct job *j);

/* e is borrowed: valid during the call only.  index counts from 0. */
typedef void (*job_entry_fn)(void *ctx, const struct job_entry *e,
    size_t index);

/* Reads the job again, calling fn for each entry in order.  Returns 0, or
 * an error as job_parse() (only if buf changed since). */
int	 job_foreach(struct job *j, job_entry_fn fn, void *ctx,
	    struct diag_err *err);

/* 1 if two status spellings are one (IN_PROGRESS, In-Progress,
   in progress), else 0. */
int	 job_status_same(const char *a, const char *b);

/* The outcome a cloud status string stands for (any case, '-' or '_'). */
enum outcome job_status_outcome(const char *status);

/* Options of job_feed(). */
struct job_opts {
	long long	 timeout_s;	/* --job-timeout, 0 = none */
	long long	 now;		/* unix time used for ages; 0 = time() */
	const char	*logs_dir;	/* --logs DIR or NULL */
	const struct ruleset *rs;	/* for --logs analyses */
	struct matcher	*m;		/* for --logs analyses */
	const struct analysis_opts *aopts;	/* for --logs analyses */
};

/*
 * Feeds every node field to a as records, flags job timeouts (a record
 * in field "timeout" for each unfinished node older than the limit),
 * reads the matching logs (--logs), and calls analysis_set_job().  The
 * caller then calls analysis_finish() and, on the result, job_set_age().
 * Returns 0 or DIAG_EIO (logs folder unreadable, err filled).
 */
int	 job_feed(struct job *j, struct analysis *a,
	    const struct job_opts *o, struct diag_err *err);

/*
 * As job_feed, but no node is kept: each is ranked on its own and handed
 * to fn with its findings, then let go (fleet.h: fleet_new_stream), so
 * memory does not grow with the job.  Returns 0, job_feed's errors, or
 * fn's first non-zero return.  a's result is then of no use.
 */
int	 job_stream(struct job *j, struct analysis *a,
	    const struct job_opts *o, result_node_fn fn, void *ctx,
	    struct diag_err *err);

/*
 * A job read again for the reports (result.h: struct node_replay): set
 * &rp->base as the result's replay.  j, path, o's borrowed members and
 * err (the reading's error, when each() fails) must outlive the reports;
 * o should be the options of the first reading, so that both find the
 * same (the same "now" for time-outs).
 */
struct job_replay {
	struct node_replay base;	/* first: the result points here */
	struct job	*j;
	const char	*path;
	struct job_opts	 o;
	struct diag_err	*err;
};

void	 job_replay_init(struct job_replay *rp, struct job *j,
	    const char *path, const struct job_opts *o, struct diag_err *err);

/*
 * For `analyze`: parses buf and feeds it to a (no timeout, no logs).
 * On error the analysis is left untouched and err is filled.
 */
int	 job_load(struct analysis *a, const char *path, const char *buf,
	    size_t n, struct diag_err *err);
/* The same with job_parse_flags() flags (JOB_MAPPED). */
int	 job_load_flags(struct analysis *a, const char *path, const char *buf,
	    size_t n, int flags, struct diag_err *err);

/*
 * After analysis_finish(), on a job result: the job's age in seconds since
 * it was triggered (-1 if unknown), for the reports.  Each node's primary
 * cause and outcome and the job's are decided by the analysis (rank.c).
 */
void	 job_set_age(struct input_result *r, long long age_s);

/* Job summary: counts by status and by cause, most common first. */
struct job_count {
	const char	*key;		/* borrowed from the result */
	size_t		 n;
};

struct job_summary {
	size_t		 total;
	size_t		 by_outcome[OUTCOME_NOT_ATTEMPTED + 1];
	struct job_count *by_status;	/* cloud status text, as written */
	size_t		 nstatus;
	struct job_count *by_cause;	/* primary cause, "unknown" when a
					   failed node has none */
	size_t		 ncause;
	size_t		 ntimed_out;
	size_t		 ndisagree;
};

void	 job_summary_build(const struct input_result *r,
	    struct job_summary *s);
void	 job_summary_release(struct job_summary *s);

#endif
