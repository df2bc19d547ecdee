/* SPDX-License-Identifier: Apache-2.0 */
/*
 * analysis_int: state shared by the files of src/findings/ (analysis.c,
 * hits.c, session.c, rank.c).  Not a public header.
 */
#ifndef OTADIAG_ANALYSIS_INT_H
#define OTADIAG_ANALYSIS_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "analysis.h"
#include "coredump.h"
#include "frames.h"
#include "linesplit.h"
#include "model.h"

#define EVENT_RING 512
/* Sessions kept in full: the first SESSION_KEEP_HEAD and the last
   SESSION_KEEP_TAIL; those between are counted in the result's summary,
   SESSION_RETIRE at a time (see session_retire). */
#define SESSION_KEEP_HEAD 16
#define SESSION_KEEP_TAIL 240
#define SESSION_RETIRE 64
#define RULE_HITS_RING 64	/* context.count.min may be at most this */

/* Something that happened, for context conditions: a rule or marker hit. */
struct event {
	const struct rule *rule;
	enum stage	 stage;
	char		*label;		/* owned copy of the marker label */
	unsigned long	 line;
	long long	 ms;
};

/* A rule hit waiting for an "after" window to pass. */
struct pending {
	const struct rule *rule;
	unsigned long	 line;
	long long	 ms;
	long long	 dev_ms, host_ms;
	unsigned long	 session;	/* number, 0: none */
	char		*text;
	struct capture	*caps;
	size_t		 ncaps;
	unsigned long	 deadline_line;
	long long	 deadline_ms;
	unsigned	 req_ok;	/* bit i: requires[i] satisfied */
	unsigned long	 ctx_lines[4];	/* lines of the events that did */
	int		 excluded;
	int		 done;
};

/* What the session model knows of the current session beyond its state. */
struct msess {
	int		 reported;	/* the updater reported success */
	int		 announced;	/* a restart was announced */
	int		 complete;	/* all bytes arrived */
	int		 progressed;	/* progress > 0 % */
	int		 switched;	/* boot slot set or success reported */
	int		 host;		/* events from a host uploader's log */
	int		 non_app;	/* the target is no app slot (bootloader,
					   data): boot lines say nothing of it */
	char		 slot_written[40]; /* slot key of the target, "" */
	char		 slot_before[40];  /* slot that booted before, "" */
	unsigned long	 abn_line;	/* the abnormal reset after the switch */
	char		*abn_text;
	char		*abn_reason;
	enum reset_class abn_class;
	int		 abn_crash;	/* a crash message came before it */
	int		 new_resets;	/* resets of the new image */
	enum phase	 failed_phase;	/* phase when it failed */
};

struct rule_hits {
	long long	 ms[RULE_HITS_RING]; /* times of the last hits */
	size_t		 n;		/* total hits */
	unsigned long	 fired_in;	/* stage rules: session number + 1 it
					   fired in (1: none; 0: never) */
	unsigned long	 counted_in;	/* counting stage rules: session number
					   + 1 of the last attempt counted */
};

struct analysis {
	const struct ruleset *rs;
	struct matcher	*m;
	struct analysis_opts opts;
	struct linesplit *ls;
	struct record_parser *parser;
	struct input_result *res;
	analysis_fn	 fn;
	void		*fn_ctx;
	unsigned long	 lineno;
	int		 node;		/* job node of the record being matched */
	unsigned long	 trig_line;	/* stage rules fired for this line ... */
	int		 trig_stage;	/* ... and this stage */
	const struct rule **trig[STAGE_MAX];	/* stage rules, per stage */
	size_t		 ntrig[STAGE_MAX];
	int		 finished;
	int		 stopped;	/* analysis_stop(): later lines ignored */
	/* the line being matched: what its specific rules already said */
	unsigned long	 spec_line;
	int		 spec_rule;	/* a specific rule matched it */
	unsigned	 spec_stages;	/* stages its specific markers announced */
	/* context */
	struct event	 events[EVENT_RING];
	size_t		 nevents;	/* total pushed; ring index = n % RING */
	struct pending	*pending;
	size_t		 npending, cappending;
	struct rule_hits *rule_hits;
	/* session model (session.c, table in model.c) */
	unsigned long	 cur;		/* current session's number, 0: none;
					   always the last of res->sessions */
	unsigned long	 nsessions_opened; /* numbers given so far */
	enum mstate	 ms;		/* its state */
	enum phase	 phase;		/* what rules' context.phase sees */
	struct msess	 sm;		/* the current session's evidence */
	int		 took_place;	/* a session succeeded or rolled back */
	int		 quiet;		/* outcomes not announced (session.c) */
	unsigned long	 verdict_line;	/* line that gave the current session
					   its verdict, 0 */
	unsigned long	 crash_line;	/* a crash message since the last reset */
	char		 crash_label[16];
	unsigned long	 hint_line;	/* update work with no start (marker
					   stage update-hint), the last, 0 */
	unsigned long	 reset_line;	/* line of the last reset, 0 */
	int		 reset_since_version; /* a reset since the last version */
	char		 boot_key[40];	/* slot the bootloader loaded last */
	long long	 last_dev_ms;
	long long	 prev_dev_ms;	/* the one before last_dev_ms */
	unsigned long	 last_dev_line;	/* line of last_dev_ms */
	long long	 boot_host_ms;	/* host time of the last reset */
	/* notes */
	unsigned long	 noise_start, noise_lines;
	size_t		 noise_bytes;
	size_t		 notes_dropped;
	struct frames	*frames;	/* crash stacks (frames.h) */
	struct coredump	*cd;		/* UART core dumps (coredump.h) */
	/* rules that hit a PCRE2 limit in this input: one note each, its
	   text completed with the count at the end */
	struct limit_hits {
		const struct rule *rule;
		size_t		 note;	/* index in res->notes, or -1 */
		unsigned long	 first, last, count;
	}		*limits;
	size_t		 nlimits;
};

void	 analysis_emit(struct analysis *a, enum analysis_event_kind kind,
	    const struct finding *finding, unsigned long session,
	    const struct stage_event *st,
	    const struct note *note);
void	 analysis_note(struct analysis *a, unsigned long line,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
long long analysis_time(const struct analysis *a, const struct record *rec);
long long analysis_uptime(const struct analysis *a, const struct record *rec);

/* hits.c: rule and marker hits, context, findings */
int	 analysis_on_match(void *ctx, const struct record *rec,
	    const struct match *m);
void	 pending_tick(struct analysis *a, const struct record *rec);
void	 pending_resolve(struct analysis *a, struct pending *p, int at_end);
void	 pending_release(struct pending *p);
/* Adds a finding from a rule (synthetic or matched), or adds the line to
   the same rule's finding; returns it. */
struct finding *finding_add(struct analysis *a, const struct rule *r,
	    unsigned long line, long long dev_ms, long long host_ms,
	    const char *text, const struct capture *caps, size_t ncaps,
	    unsigned long session);

/* Runs the rules fired by STAGE_FAILED for the finding that failed the
   current session. */
void	 analysis_fire_failed(struct analysis *a, const struct finding *f);

/* session.c: the OTA session model */
void	 session_marker(struct analysis *a, const struct record *rec,
	    const struct match *m);
/*
 * An error finding of this cause at this line: the session it belongs to
 * (opened if needed), or -1 when it is not part of any update (normal
 * operation: *benign is set, the finding is kept at severity info).
 * *fire is set when it is the error that failed its session.
 */
unsigned long session_error(struct analysis *a, const struct record *rec,
	    const char *cause, int *benign, int *fire);
/* The session a finding that is no error belongs to: the current one, or
   a new one when there is none (a postponed update names why). */
unsigned long session_attach(struct analysis *a, unsigned long line);
void	 session_partition_row(struct analysis *a, const struct record *rec);
/* 1 if session_partition_row() may read rec: the line must reach it
   whatever its needles (quiet_line()) */
int	 session_partition_candidate(const struct record *rec);
/* The device restarted without a reset line (its clock started over). */
void	 session_unseen_reset(struct analysis *a, const struct record *rec);
void	 session_finish_all(struct analysis *a);
int	 session_progress(const struct analysis *a);

/* rank.c: root cause first */
void	 rank_findings(struct analysis *a);
/* The primary finding of session s as the evidence stands now (what a
   summarised session is counted under), NULL if none. */
struct finding *rank_session_primary(struct input_result *r,
	    const struct session *s);
/* The primary finding of job node `node` among its findings f[0..n) (as
   the ranking picks it; an info finding when nothing worse), NULL if
   none: what a summarised node is counted under (fleet.c). */
struct finding *rank_node_primary(struct input_result *r, int node,
	    struct finding *const *f, size_t n);
/* 1 if f, not yet linked, becomes a consequence of the primary pf of
   its session or node when the ranking links them (rank.c). */
int	 rank_is_consequence(const struct finding *pf, const struct finding *f);
/* Crash findings with a decoded stack: the first "frames" rule that
   matches it refines the finding (hits.c). */
void	 hits_refine_frames(struct analysis *a);

#endif
