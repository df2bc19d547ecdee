/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline: the steps analyze, monitor and job share around their own
 * input, applied as the command's row says (enum cmd_flag in cmd.h):
 *
 *   pipeline_start()    CMD_RULES: load the rule set, compile the matcher,
 *                       check the --ignore ids; CMD_LIVE: choose where the
 *                       live stream goes
 *   ... the command reads its input into results ...
 *   pipeline_report()   CMD_REPORTS: write every report, apply the gate
 *   pipeline_verdict()  the command's own reason, when it has one
 *   pipeline_finish()   flush and check standard output (exit 3 when it
 *                       fails), print "otadiag: exit N: why"
 *   pipeline_free()
 *
 * Prefix: pipeline_.  Lives in src/cmd/ because it prints.
 */
#ifndef OTADIAG_PIPELINE_H
#define OTADIAG_PIPELINE_H

#include <stdio.h>

#include "analysis.h"
#include "cmd.h"
#include "matcher.h"
#include "report.h"
#include "result.h"
#include "ruleset.h"
#include "sdkconfig.h"

struct pipeline {
	const char	*cmd;		/* "analyze": for messages */
	unsigned	 flags;		/* enum cmd_flag */
	struct cli_common *c;		/* borrowed: the parsed options */
	struct ruleset	*rs;		/* owned, NULL before start */
	struct matcher	*m;		/* owned: compiled, for one thread */
	struct analysis_opts aopts;	/* --ignore, for analysis_new() */
	struct sdkconfig *sdk;		/* --sdkconfig, owned, or NULL */
	FILE		*live;		/* CMD_LIVE: stdout, or stderr when a
					   machine report takes stdout */
	struct report_opts live_ropts;	/* text on live (colour for it) */
	int		 reports_failed;	/* a report was not written */
	int		 status;	/* enum exit_status so far */
	char		*why;		/* the exit line's reason, owned */
};

/*
 * Zeroes p and does the steps before the input.  Returns 0, or EXIT_USAGE
 * after printing why (a rule set that does not load), or EXIT_INPUT (an
 * --sdkconfig that cannot be read).
 */
int	 pipeline_start(struct pipeline *p, const char *cmd, unsigned flags,
	    struct cli_common *c);
/*
 * Fills the Kconfig values of --sdkconfig into the findings (kconfig.h),
 * writes the requested reports of in[0..n) and applies --fail-on,
 * --expect, --baseline; sets and returns the status (a report that cannot
 * be written is 3) and the reason.
 */
int	 pipeline_report(struct pipeline *p, struct input_result *const *in,
	    size_t n);
/* Replaces the status and its reason ("exit N: " is added). */
void	 pipeline_verdict(struct pipeline *p, int status, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/*
 * Flushes standard output (3 if that fails) and prints the reason as
 * the last line on standard error.  A built-in pattern that did not
 * compile when first needed (matcher_lazy_error) is printed first and
 * makes the status 2 (unless it is 3).  Returns the exit status.
 */
int	 pipeline_finish(struct pipeline *p);
/* Frees what p owns; fine on a zeroed or started pipeline. */
void	 pipeline_free(struct pipeline *p);

#endif
