/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruleset: the rule table, loaded from JSON (rules/NAME.json, the built-in copy,
 * or a user's --rules PATH).  Prefix: ruleset_ (and rule_ for one rule).
 *
 * A rule file holds any of three arrays:
 *   "rules":   diagnoses; each names one cause id of the cause table
 *              (causes.c; `otadiag rules fields` lists it).
 *   "markers": stage markers of the OTA session model (no cause): they say
 *              "a download started", "progress 42 %", "the new image booted".
 *   "codes":   error-code tables ("table": name, "entries": [...]) used to
 *              decode numbers that logs print (esp_err_t, mbedTLS, ...).
 * The schema is in man/otadiag-rules.5; loading is strict: an unknown or
 * missing field, an unknown cause or stage, a duplicate id, a pattern that
 * does not compile each fail with a diag_err naming file, line and rule.
 *
 * struct rule is read-only outside ruleset.c; it is owned by the ruleset and
 * valid until ruleset_free().
 */
#ifndef OTADIAG_RULESET_H
#define OTADIAG_RULESET_H

#include <stddef.h>

#include "diag.h"

enum rule_severity {
	RULE_INFO = 0,
	RULE_WARNING = 1,
	RULE_ERROR = 2,
};

enum rule_kind {
	RULE_KIND_RULE = 0,	/* a diagnosis */
	RULE_KIND_MARKER,	/* a stage marker */
};

/* How a rule or marker is triggered. */
enum rule_form {
	RULE_FORM_PATTERN = 0,	/* a diagnosis matched against lines */
	RULE_FORM_STAGE,	/* a diagnosis fired by a marker stage
				   (trigger); it has no pattern */
	RULE_FORM_SESSION,	/* a diagnosis the session model raises by id
				   ("target": "session"); no pattern */
	RULE_FORM_MARKER,	/* a stage marker matched against lines */
	RULE_FORM_FRAMES,	/* a diagnosis of a crash's decoded stack
				   ("frames"): it refines the crash finding
				   whose stack it matches; no pattern */
};

enum rule_role {
	RULE_ROLE_CAUSE = 0,	/* names a root cause */
	RULE_ROLE_SYMPTOM,	/* generic consequence ("OTA failed") */
};

/* Which records a rule looks at. */
#define RULE_TARGET_LOG	0x1u
#define RULE_TARGET_JOB	0x2u

/* Stages of an OTA session that markers announce (see session.h). */
enum stage {
	STAGE_NONE = 0,
	STAGE_CHECK,		/* update check, job received */
	STAGE_DOWNLOAD_START,
	STAGE_PROGRESS,		/* capture progress (percent) or done/total */
	STAGE_DOWNLOAD_END,
	STAGE_VERIFY,		/* image verification */
	STAGE_SWITCH,		/* boot partition set */
	STAGE_SUCCESS,		/* the updater says it succeeded */
	STAGE_RESTART,		/* restart requested after an update */
	STAGE_RESET,		/* ROM reset line; capture reason */
	STAGE_BOOT,		/* bootloader loaded an app; capture partition */
	STAGE_APP_INFO,		/* app identity: version, project, idf, chip */
	STAGE_PENDING_VERIFY,	/* first boot after OTA, not yet valid */
	STAGE_VALID,		/* new image marked valid */
	STAGE_ROLLBACK,		/* rolled back to the previous image */
	STAGE_REPORT,		/* status reported to the cloud */
	STAGE_ACTIVITY,		/* other work (MQTT, BLE, web, fs): label */
	STAGE_NO_UPDATE,	/* the check found nothing to do */
	STAGE_FAILED,		/* the update failed here, reason unknown (a
				   generic line); also fired by the session
				   model at a session's first error finding */
	STAGE_CRASH,		/* a crash message (panic, abort, assert, watchdog,
				   brownout): the next reset is that crash's;
				   label: its kind */
	STAGE_UPDATE_HINT,	/* update work whose stage the line does not
				   say ("Updating firmware...", an OTA API's
				   message): a crash in that boot, with no
				   update open, is the update's */
	STAGE_MAX
};

const char *stage_name(enum stage s);
int	 stage_from_name(const char *name);	/* -1 if unknown */

/* Session phase a rule can require with context.phase. */
enum phase {
	PHASE_IDLE = 0,		/* no update under way */
	PHASE_CHECKING,
	PHASE_DOWNLOADING,
	PHASE_VERIFYING,
	PHASE_REBOOTING,	/* switched, restart requested */
	PHASE_BOOTING_NEW,	/* new image running, not yet valid */
	PHASE_VALIDATED,
	PHASE_ROLLED_BACK,
	PHASE_MAX
};

const char *phase_name(enum phase p);
int	 phase_from_name(const char *name);

struct rule_kconfig {
	const char	*option;	/* CONFIG_... */
	const char	*action;	/* set | increase | decrease | enable | disable | check */
	const char	*value;		/* value or amount, or NULL */
	const char	*note;		/* or NULL */
};

/* One reference to other evidence in context.requires / context.excludes. */
struct rule_ref {
	const char	*rule;		/* rule or marker id, or NULL */
	int		 stage;		/* enum stage, or -1 */
	const char	*label;		/* marker label (activity kind), or NULL */
	long		 before_lines;	/* window before the match, -1 = none */
	long		 after_lines;	/* window after the match, -1 = none */
	long long	 within_ms;	/* time window either side, -1 = none */
};

struct rule_context {
	unsigned	 phases;	/* bit mask of enum phase, 0 = any */
	int		 progress_min;	/* -1 = no bound */
	int		 progress_max;
	long long	 uptime_max_ms;	/* -1 = no bound */
	const char	*reset;		/* the last reset reason must contain
					   this (e.g. "POWERON"), or NULL */
	int		 count_min;	/* repetitions of this rule, 0 = none */
	long long	 count_within_ms;
	struct rule_ref	*requires;
	size_t		 nrequires;
	struct rule_ref	*excludes;
	size_t		 nexcludes;
};

/*
 * "frames": what a crash's decoded stack (--elf, or decoded in the log)
 * must show.  Function names are matched with fnmatch(3) globs
 * ("spi_flash_*", "operator new*"); every list given must hold.
 */
struct rule_frames {
	const char	**top;		/* one of the first `depth` frames */
	size_t		 ntop;
	long		 depth;		/* default 4 */
	const char	**any;		/* some frame (not a probable one) */
	size_t		 nany;
	const char	**none;		/* no frame */
	size_t		 nnone;
	const char	**not_top;	/* not the first named frame (#0) */
	size_t		 nnot_top;
	const char	**of;		/* causes of the findings it refines;
					   empty: any finding with a stack */
	size_t		 nof;
};

struct rule_example {
	const char	*line;
	const char	**cap_names;	/* expected captures, may be empty */
	const char	**cap_values;
	size_t		 ncaps;
	const char	*field;		/* job examples: field name or NULL */
	const char	**stack;	/* a frames rule's: function names, top
					   first; NULL for a line example */
	size_t		 nstack;
};

struct rule_decode {
	const char	*capture;	/* capture name */
	const char	*table;		/* code table name */
	int		 set_cause;	/* entry's cause replaces the rule's */
};

struct rule {
	enum rule_kind	 kind;
	enum rule_form	 form;
	const char	*id;
	const char	*cause;		/* RULE_KIND_RULE only */
	enum rule_severity severity;
	enum rule_role	 role;
	enum stage	 stage;		/* RULE_KIND_MARKER only */
	int		 trigger;	/* RULE_FORM_STAGE: the marker stage that
					   fires it; -1 for the other forms */
	const char	*label;		/* marker label, or NULL */
	const char	*title;
	unsigned	 targets;	/* RULE_TARGET_*; 0 for RULE_FORM_SESSION */
	int		 on_text;	/* match the whole normalised line */
	const char	*levels;	/* allowed levels, or NULL for any */
	const char	*tag_pattern;	/* or NULL */
	const char	*field;		/* job field name constraint, or NULL */
	const char	*needle;	/* the "needle" field as written, or NULL */
	const char	**needles;	/* every prefilter literal: the needle,
					   or the "needles" list (any of them) */
	size_t		 nneedles;	/* 0: the pattern runs on every line */
	const char	*needle_note;	/* why a short or common needle is
					   needed (rules check), or NULL */
	const char	*pattern;	/* NULL for RULE_FORM_STAGE and _SESSION */
	const char	**ignore;
	size_t		 nignore;
	const char	*message;	/* may quote ${capture}, ${capture.name} */
	const char	*remedy;
	struct rule_kconfig *kconfig;
	size_t		 nkconfig;
	const char	**references;
	size_t		 nreferences;
	struct rule_decode *decode;
	size_t		 ndecode;
	int		 has_context;
	struct rule_context ctx;
	struct rule_frames frames;	/* RULE_FORM_FRAMES */
	const char	**overlaps;	/* ids whose examples may also match */
	size_t		 noverlaps;
	const char	**overrides;	/* ids it wins over on one line */
	size_t		 noverrides;
	int		 user;		/* from --rules, not built in: wins a
					   tie with a built-in rule */
	struct rule_example *match;
	size_t		 nmatch;
	struct rule_example *no_match;
	size_t		 nno_match;
	const char	*origin;	/* file the rule came from */
	long		 origin_line;
	int		 generic;	/* "confidence": "generic": the platform-
					   independent tier (--generic-only) */
	size_t		 index;		/* position in the ruleset */
};

struct code_entry {
	const char	*code;		/* as written: "0x1503", "-0x7F00", "6" */
	long long	 value;
	const char	*name;
	const char	*meaning;
	const char	*cause;		/* or NULL */
	const char	*note;		/* version notes, or NULL */
};

struct code_table {
	const char	*name;		/* "esp_err", "mbedtls", ... */
	const char	*title;
	struct code_entry *entries;
	size_t		 nentries;
};

struct ruleset;

struct ruleset *ruleset_new(void);
void	 ruleset_free(struct ruleset *rs);
/* Loads the rule set compiled into the binary (src/match/builtin.c): no
   JSON is parsed, the rules are read from the image otadiag-rulegen made
   of rules/NAME.json at build time. */
int	 ruleset_load_builtin(struct ruleset *rs, struct diag_err *err);

/* One rule file in memory, for ruleset_load_files(). */
struct ruleset_file {
	const char	*name;		/* "rules/NAME.json", for messages */
	const char	*data;		/* JSON, len bytes */
	size_t		 len;
};
/* Loads n files as one source: an id may appear in only one of them (what
   the built-in set is; otadiag-rulegen loads rules/NAME.json with it). */
int	 ruleset_load_files(struct ruleset *rs, const struct ruleset_file *f,
	    size_t n, struct diag_err *err);

/*
 * A loaded rule set as C data (tools/rulegen.c writes it): rules and
 * tables whose strings and arrays are static, and the prefilter automaton
 * of its rules.  ruleset_load_image() uses the rules where they are when
 * the image is the first thing loaded (a later ruleset_keep_generic()
 * copies them first), and copies them into one block owned by the ruleset
 * otherwise; their arrays and strings stay borrowed from the image, which
 * must outlive the ruleset.  The code tables are copied into owned tables;
 * the rules count as one source.
 */
struct prefilter;
struct ruleset_image {
	const struct rule *rules;
	size_t		 nrules;
	const struct code_table *tables;
	size_t		 ntables;
	const struct prefilter *prefilter;	/* of rules, as they are */
};
int	 ruleset_load_image(struct ruleset *rs, const struct ruleset_image *img,
	    struct diag_err *err);
/* The image's prefilter automaton (prefilter.h) while rs holds exactly
   the image's rules, in its order, and nothing else; NULL otherwise.
   Borrowed. */
const struct prefilter *ruleset_prefilter(const struct ruleset *rs);
/* A .json file, or every *.json file of a folder (sorted by name). */
int	 ruleset_load_path(struct ruleset *rs, const char *path,
	    struct diag_err *err);
/* name is used in error messages. A rule with an id already loaded
 * from another source replaces it; a duplicate within one source fails. */
int	 ruleset_load_string(struct ruleset *rs, const char *name,
	    const char *json, size_t len, struct diag_err *err);

/* --generic-only: drops every rule and marker that is not of the generic
   tier (those the session model raises and those fired by a stage stay);
   returns how many were dropped. */
size_t	 ruleset_keep_generic(struct ruleset *rs);
size_t	 ruleset_count(const struct ruleset *rs);
const struct rule *ruleset_get(const struct ruleset *rs, size_t i);
const struct rule *ruleset_find(const struct ruleset *rs, const char *id);
size_t	 ruleset_ntables(const struct ruleset *rs);
const struct code_table *ruleset_table(const struct ruleset *rs, size_t i);
const struct code_table *ruleset_find_table(const struct ruleset *rs,
	    const char *name);
/* Looks a printed code up ("0x1503", "-0x7F00", "5379", "-32512"). */
const struct code_entry *code_table_lookup(const struct code_table *t,
	    const char *text);

/* What kind of failure a cause is (the cause table's class column). */
enum cause_class {
	CAUSE_NONE = 0,		/* unknown id */
	CAUSE_NETWORK,		/* the download path: connect, TLS, HTTP, stream */
	CAUSE_IMAGE,		/* the image or the partition table is wrong */
	CAUSE_MEMORY,		/* heap exhausted */
	CAUSE_CRASH,		/* panic, abort, watchdog, brownout, stack */
	CAUSE_HOST,		/* the host-side uploader */
	CAUSE_ACTIVITY,		/* other work on the device disrupted it */
	CAUSE_ROLLBACK,		/* the new image was rolled back */
	CAUSE_REFUSAL,		/* the updater refused this image (same
				   version, older, another project) */
	CAUSE_POLICY,		/* the application declined or postponed it */
	CAUSE_CLOUD,		/* job records only */
	CAUSE_ADVISORY,		/* a risk or advice, never why it failed */
	CAUSE_CLASS_MAX
};

enum cause_class cause_class(const char *id);	/* CAUSE_NONE if unknown */
const char *cause_class_name(enum cause_class c);

/* Is the rule (or marker) matched against lines (it has a pattern)? */
int	 rule_matches_lines(const struct rule *r);
const char *rule_severity_name(enum rule_severity s);
int	 rule_severity_from_name(const char *name);	/* -1 if unknown */
/* 1 if id is a cause of the cause table (not "unknown"). */
int	 cause_is_known(const char *id);
/* Built-in cause vocabulary: id and one-line description. */
size_t	 cause_count(void);
const char *cause_id(size_t i);
const char *cause_text(size_t i);
const char *cause_describe(const char *id);	/* NULL if unknown */
/* A cause an input with nothing attempted may name (not an update's). */
int	 cause_fits_not_attempted(const char *id);

#endif
