/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd: the commands (src/cmd/), and what they share (src/cmd/common.c):
 * the command table's row, and one option parser driven by a table of
 * options per command.
 * Prefix: cmd_ (commands, the command row), cli_ (option handling).
 *
 * Only main.c and src/cmd/ print to the terminal, read argv or decide the
 * exit status.  Exit statuses (STYLE.md):
 */
#ifndef OTADIAG_CMD_H
#define OTADIAG_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "result.h"
#include "ruleset.h"

enum exit_status {
	EXIT_OK = 0,		/* nothing at or above the threshold */
	EXIT_FINDINGS = 1,	/* failure diagnosed / expectation not met */
	EXIT_USAGE = 2,		/* usage error, rule set does not load */
	EXIT_INPUT = 3,		/* input or runtime error (outranks 1) */
};

/*
 * A command's policy, on its row of the command table (main.c; rules.c
 * for the rules subcommands).  The option parser and the pipeline
 * (pipeline.h) act on it, so a command does not repeat it:
 *   CMD_RULES    takes the rule options (--rules, --no-default-rules,
 *                --generic-only) and loads the rule set they name
 *   CMD_REPORTS  takes the report and gate options (--format, --output,
 *                --color, --fail-on, --expect, --ignore, --baseline, -q,
 *                -v, --sdkconfig), writes the reports, applies the gate and
 *                ends with
 *                "otadiag: exit N: why"
 *   CMD_LIVE     reads a live stream shown as it arrives: its text goes to
 *                standard error when a machine report takes standard output
 */
enum cmd_flag {
	CMD_RULES = 1 << 0,
	CMD_REPORTS = 1 << 1,
	CMD_LIVE = 1 << 2,
};

struct cmd {
	const char	*name;
	int		(*fn)(const struct cmd *cmd, int argc, char **argv);
	unsigned	 flags;		/* enum cmd_flag */
	const char	*help;		/* one line for 'otadiag --help' */
};

#define CLI_MAX_OUTPUTS 8

struct cli_output {
	enum report_format format;
	const char	*path;		/* NULL or "-" = stdout */
};

/* The values of the shared options (cli_rule_options, cli_report_options). */
struct cli_common {
	const char	*rule_paths[32];
	size_t		 nrule_paths;
	int		 no_default_rules;
	int		 generic_only;	/* only the generic tier (and the model) */
	struct cli_output outputs[CLI_MAX_OUTPUTS];
	size_t		 noutputs;
	const char	*pending_format;	/* --format waiting for --output */
	int		 color;		/* -1 auto, 0 never, 1 always */
	enum rule_severity fail_on;
	int		 fail_never;
	const char	*expect;	/* outcome name or NULL */
	const char	*ignore[64];
	size_t		 nignore;
	const char	*baseline;	/* path or NULL */
	const char	*sdkconfig;	/* path or NULL (kconfig.h) */
	int		 verbose;
	int		 quiet;
	int		 top;		/* text: diagnoses shown per job, 0 all */
	int		 force;		/* write through symbolic links */
};

/*
 * One option of a command.  A table is a static const array ended by a
 * row whose name and help are NULL; a row with only help is a heading
 * in --help.  The parser accepts the exact long name ("--name", and
 * "--name=value" or "--name value" when it takes a value) and the short
 * letter ("-x", "-x value", "-xvalue"; letters without values bundle:
 * "-qv").  set() stores what the option says in the field of u->ctx (the
 * command's own options struct, or struct cli_common for the shared
 * tables); val is NULL for an option without a value.  It returns 0, or
 * -1 after a usage error (cli_usage_error).
 */
struct cli_use;

struct cli_option {
	const char	*name;		/* long name without "--" */
	char		 letter;	/* short option letter, or 0 */
	const char	*arg;		/* its value's placeholder, NULL: none */
	size_t		 field;		/* offsetof() the field set() fills */
	int		(*set)(const struct cli_use *u, const char *val);
	long		 lo, hi;	/* range for cli_set_int/cli_set_long */
	const char	*help;		/* one line of --help */
};

/* An option as met on the command line, for its set(). */
struct cli_use {
	const char	*cmd;		/* "analyze", "rules list" */
	const char	*spelling;	/* as given: "-j", "--jobs" */
	const struct cli_option *opt;
	void		*ctx;		/* the struct the row's field is in */
};

/* The row's field in the struct (type is that of the field). */
#define CLI_FIELD(u, type) ((type *)(void *)((char *)(u)->ctx + \
	(u)->opt->field))

/* Generic set() handlers, on the row's field. */
int	 cli_set_flag(const struct cli_use *u, const char *val);	/* int 1 */
int	 cli_set_string(const struct cli_use *u, const char *val);
int	 cli_set_int(const struct cli_use *u, const char *val);	/* [lo, hi] */
int	 cli_set_long(const struct cli_use *u, const char *val);	/* [lo, hi] */

/*
 * --elf FILE, repeatable (the app, the bootloader, a ROM ELF): a row whose
 * field is a struct cli_elfs, set by cli_add_elf (src/cmd/cli_elf.c).
 */
#define CLI_MAX_ELFS 8

struct elfsym;

struct cli_elfs {
	const char	*paths[CLI_MAX_ELFS];
	size_t		 n;
	struct elfsym	*open[CLI_MAX_ELFS];	/* owned after cli_open_elfs */
};

int	 cli_add_elf(const struct cli_use *u, const char *val);
/*
 * Opens every --elf and warns about one without line information.
 * Returns 0, or EXIT_INPUT after printing which file is not usable.
 */
int	 cli_open_elfs(struct cli_elfs *e);
void	 cli_close_elfs(struct cli_elfs *e);

/* The shared options, defined once (src/cmd/common.c); ctx is cli_common. */
extern const struct cli_option cli_rule_options[];	/* CMD_RULES */
extern const struct cli_option cli_report_options[];	/* CMD_REPORTS */

/* What --help says besides the options, and how operands look. */
struct cli_spec {
	const char	*name;		/* "analyze", "rules list": messages */
	const char	*usage;		/* "usage: otadiag ...\n", = SYNOPSIS */
	const char	*about;		/* a paragraph, or NULL */
	const struct cli_option *options;	/* the command's own, or NULL */
	const char	*exits;		/* the exit statuses */
	const char	*page;		/* "otadiag-analyze(1)" */
	int		 dash_operands;	/* "-x" that is no short option is an
					   operand (explain -0x7F00) */
};

enum {
	CLI_HELP = -2,		/* --help was printed: exit 0 */
	CLI_ERROR = -1,		/* usage error, printed: exit 2 */
};

void	 cli_common_init(struct cli_common *c);
/*
 * Parses argv[1..argc) with the command's own options (ctx is what their
 * set() fills) and the shared tables its flags name (filling *c, which
 * may be NULL when flags name none).  "--" ends the options; "-" is an
 * operand.  The operands are moved, in order, to argv[0..n).  Returns n,
 * CLI_HELP or CLI_ERROR.  For CMD_REPORTS it also finishes the outputs
 * (a trailing --format is standard output, the text report is the
 * default) and rejects two reports on one destination.
 */
int	 cli_parse(const struct cli_spec *spec, unsigned flags, void *ctx,
	    struct cli_common *c, int argc, char **argv);
/* Prints the complete --help of spec with the tables flags name. */
void	 cli_help(FILE *fp, const struct cli_spec *spec, unsigned flags);
/* Appends a rule file or folder to c (operands of rules test/check). */
int	 cli_add_rule_path(struct cli_common *c, const char *cmd,
	    const char *path);
/* Loads built-in and --rules rule sets; prints the error and returns NULL. */
struct ruleset *cli_load_rules(const struct cli_common *c);
/* Parses a whole decimal number in [lo, hi]; 0, or -1 if s is not one. */
int	 cli_long(const char *s, long lo, long hi, long *out);
/* Whether a text report on fp is coloured (--color mode, NO_COLOR). */
int	 cli_color_enabled(int mode, FILE *fp);
/* "otadiag: error: WHAT (try 'otadiag CMD --help')", one line. */
void	 cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

struct config;
/*
 * The configuration files main.c read (borrowed until the command returns;
 * NULL: none).  cli_parse applies the lines of the command's section and of
 * [gate] before the command line, which replaces an option they set.  With
 * show, cli_parse prints the settings and where each came from and returns
 * CLI_HELP ('otadiag config').
 */
void	 cli_set_config(struct config *cfg, int show);

/* What --version prints (src/cmd/version.c). */
void	 cli_print_version(FILE *fp);

int	 cmd_analyze(const struct cmd *cmd, int argc, char **argv);
int	 cmd_monitor(const struct cmd *cmd, int argc, char **argv);
int	 cmd_ports(const struct cmd *cmd, int argc, char **argv);
int	 cmd_job(const struct cmd *cmd, int argc, char **argv);
int	 cmd_rules(const struct cmd *cmd, int argc, char **argv);
int	 cmd_explain(const struct cmd *cmd, int argc, char **argv);
int	 cmd_image(const struct cmd *cmd, int argc, char **argv);
/* 'otadiag config': shows, for the commands of the table (n rows), the
   settings cfg gives and where each comes from. */
int	 cmd_config(const struct cmd *table, size_t n, struct config *cfg,
	    int argc, char **argv);
int	 cmd_decode(const struct cmd *cmd, int argc, char **argv);

#endif
