/*
 * cmd: the commands (src/cmd/), and what they share (src/cmd/common.c).
 * Prefix: cmd_ (commands), cli_ (shared option handling).
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

#define CLI_MAX_OUTPUTS 8

struct cli_output {
	enum report_format format;
	const char	*path;		/* NULL or "-" = stdout */
};

/*
 * Options shared by analyze, monitor and job.  Filled by cli_parse_common();
 * a command's own options are parsed by the command.
 */
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
	int		 verbose;
	int		 quiet;
};

void	 cli_common_init(struct cli_common *c);
/*
 * Tries to consume argv[*i] (and its value) as a common option.
 * Returns 1 if consumed, 0 if not a common option, -1 on a usage error
 * (already printed, with "try 'otadiag CMD --help'").
 */
int	 cli_parse_common(struct cli_common *c, const char *cmd, int argc,
	    char **argv, int *i);
/* Finishes option parsing (a trailing --format becomes stdout). */
int	 cli_common_finish(struct cli_common *c, const char *cmd);
/* Loads built-in and --rules rule sets; prints the error and returns NULL. */
struct ruleset *cli_load_rules(const struct cli_common *c);
/* Writes every requested report; returns EXIT_OK or EXIT_INPUT. */
int	 cli_write_reports(const struct cli_common *c, const struct ruleset *rs,
	    struct input_result *const *in, size_t n);
/* Applies --fail-on, --expect, --baseline to results: the exit status,
 * and a one-line reason written to *why (owned by the caller, free()). */
int	 cli_gate(const struct cli_common *c, struct input_result *const *in,
	    size_t n, char **why);
/* Parses a whole decimal number in [lo, hi]; 0, or -1 if s is not one. */
int	 cli_long(const char *s, long lo, long hi, long *out);
/* Usage line printing helper: "usage: otadiag CMD ..." on fp. */
int	 cli_color_enabled(int mode, FILE *fp);
void	 cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

int	 cmd_analyze(int argc, char **argv);
int	 cmd_monitor(int argc, char **argv);
int	 cmd_ports(int argc, char **argv);
int	 cmd_job(int argc, char **argv);
int	 cmd_rules(int argc, char **argv);
int	 cmd_explain(int argc, char **argv);

#endif
