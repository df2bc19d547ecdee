/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline: rule set and matcher, reports, the CI gate and its exit
 * line, shared by analyze, monitor and job (see pipeline.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cmd.h"
#include "diag.h"
#include "kconfig.h"
#include "pipeline.h"
#include "strbuf.h"
#include "safefile.h"
#include "xalloc.h"

/* Where live text goes: stdout, unless a machine report is written there. */
static FILE *
live_stream(const struct cli_common *c)
{
	size_t i;

	for (i = 0; i < c->noutputs; i++)
		if (c->outputs[i].format != REPORT_TEXT &&
		    (c->outputs[i].path == NULL ||
		    strcmp(c->outputs[i].path, "-") == 0))
			return stderr;
	return stdout;
}

int
pipeline_start(struct pipeline *p, const char *cmd, unsigned flags,
    struct cli_common *c)
{
	struct diag_err err;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->flags = flags;
	p->c = c;
	p->aopts.ignore = c->ignore;
	p->aopts.nignore = c->nignore;
	/* for the tests that compare the quiet-line path with the full
	   one (analysis.h); not an option users need */
	p->aopts.slow_lines = getenv("OTADIAG_SLOW_LINES") != NULL &&
	    strcmp(getenv("OTADIAG_SLOW_LINES"), "1") == 0;
	if (flags & CMD_RULES) {
		if ((p->rs = cli_load_rules(c)) == NULL)
			return EXIT_USAGE;
		/* compiled before any input, so a bad pattern fails first */
		if ((p->m = matcher_new(p->rs, &err)) == NULL) {
			diag_print(stderr, &err);
			return EXIT_USAGE;
		}
		for (i = 0; i < c->nignore; i++)
			if (ruleset_find(p->rs, c->ignore[i]) == NULL &&
			    !cause_is_known(c->ignore[i]))
				diag_warning("--ignore %s: no rule or cause has "
				    "this id (see 'otadiag rules list')",
				    c->ignore[i]);
	}
	if ((flags & CMD_REPORTS) && c->sdkconfig != NULL &&
	    (p->sdk = sdkconfig_load(c->sdkconfig, &err)) == NULL) {
		diag_print(stderr, &err);
		return EXIT_INPUT;
	}
	if (flags & CMD_LIVE) {
		p->live = live_stream(c);
		p->live_ropts.color = cli_color_enabled(c->color, p->live);
		p->live_ropts.verbose = c->verbose;
		p->live_ropts.fail_on = c->fail_on;
		p->live_ropts.fail_never = c->fail_never;
		p->live_ropts.expect = c->expect;
		p->live_ropts.rules = p->rs;
	}
	return 0;
}

/* Writes every requested report; EXIT_OK or EXIT_INPUT. */
static int
write_reports(const struct pipeline *p, const struct baseline *bl,
    struct input_result *const *in, size_t n)
{
	const struct cli_common *c = p->c;
	struct report_opts o;
	size_t i;
	int status = EXIT_OK;

	memset(&o, 0, sizeof(o));
	o.fail_on = c->fail_on;
	o.fail_never = c->fail_never;
	o.expect = c->expect;
	o.rules = p->rs;
	o.verbose = c->verbose;
	o.top = (size_t)c->top;
	o.summary_path = getenv("GITHUB_STEP_SUMMARY");
	o.baseline = bl;
	for (i = 0; i < c->noutputs; i++) {
		const struct cli_output *out = &c->outputs[i];
		struct safefile *sf = NULL;
		struct diag_err err;
		FILE *fp = stdout;
		int rc;

		/* a report file is complete or absent: written to a temporary
		   file and renamed (safefile.h), never through a planted
		   symbolic link without --force */
		if (out->path != NULL && strcmp(out->path, "-") != 0 &&
		    safefile_open(out->path, c->force, &sf, &fp, &err) != 0) {
			diag_print(stderr, &err);
			status = EXIT_INPUT;
			continue;
		}
		o.color = out->format == REPORT_TEXT && cli_color_enabled(c->color,
		    fp);
		rc = report_write(out->format, fp, in, n, &o);
		if (sf != NULL) {
			if (rc != 0)
				safefile_abort(sf);
			else if (safefile_commit(sf, &err) != 0) {
				diag_print(stderr, &err);
				rc = DIAG_EIO;
			}
		}
		if (rc != 0) {
			diag_error("%s: cannot write the %s report",
			    out->path != NULL ? out->path : "standard output",
			    report_format_name(out->format));
			status = EXIT_INPUT;
		}
	}
	return status;
}

/* Adds the findings of a job's summarised nodes at or above --fail-on
   (baseline.h: baseline_count_summarised) to the gate's counts. */
static void
summarised_findings(const struct cli_common *c, const struct baseline *bl,
    const struct input_result *r, size_t *nfind, size_t *nsum,
    size_t *nbase, const struct fingerprint_count **first,
    const struct input_result **first_r)
{
	const struct fingerprint_count *fc = NULL;
	size_t acc = 0, n;

	if (c->fail_never)
		return;
	n = baseline_count_summarised(bl, r, c->fail_on, &acc, &fc);
	if (n > 0 && *nfind == 0) {
		*first = fc;
		*first_r = r;
	}
	*nfind += n;
	*nsum += n;
	*nbase += acc;
}

/* Applies --fail-on, --expect, --baseline: the status and its reason. */
static int
gate(const struct cli_common *c, const struct baseline *bl,
    const struct diag_err *blerr, struct input_result *const *in, size_t n,
    char **why)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, nerr = 0, nfind = 0, nexp = 0, nbase = 0, nunexplained = 0;
	const struct input_result *first_unexplained = NULL;
	const char *first_in = NULL, *first_exp = NULL;
	const struct finding *first_f = NULL;
	const struct input_result *first_fr = NULL;
	const struct fingerprint_count *first_s = NULL;
	size_t nsum = 0;

	*why = NULL;
	if (blerr != NULL) {
		diag_print(stderr, blerr);
		*why = xstrdup("exit 3: the baseline could not be read");
		return EXIT_INPUT;
	}
	for (i = 0; i < n; i++) {
		const struct input_result *r = in[i];

		if (r->error) {
			if (nerr++ == 0)
				first_in = r->path;
			continue;
		}
		if (c->expect != NULL &&
		    strcmp(outcome_name(r->outcome), c->expect) != 0) {
			if (nexp++ == 0)
				first_exp = r->path;
		}
		if (c->fail_never)
			continue;
		/* a failed or rolled-back update fails the gate even when no
		   rule explains it (--fail-on error or lower) */
		if (c->fail_on <= RULE_ERROR && (r->outcome == OUTCOME_FAILED ||
		    r->outcome == OUTCOME_ROLLED_BACK) &&
		    result_count_at(r, RULE_ERROR) == 0 && r->nignored == 0) {
			if (nunexplained++ == 0)
				first_unexplained = r;
		}
		for (k = 0; k < r->nfindings; k++) {
			const struct finding *f = r->findings[k];

			if (f->severity < c->fail_on || f->consequence_of != NULL)
				continue;
			if (bl != NULL && baseline_contains(bl, r->path, f)) {
				nbase++;
				continue;
			}
			if (nfind++ == 0) {
				first_f = f;
				first_fr = r;
			}
		}
		summarised_findings(c, bl, r, &nfind, &nsum, &nbase, &first_s,
		    &first_fr);
	}

	if (nerr > 0) {
		strbuf_addf(&sb, "exit 3: %zu input%s could not be read (first: %s)",
		    nerr, nerr == 1 ? "" : "s", first_in);
		*why = strbuf_detach(&sb);
		return EXIT_INPUT;
	}
	if (nexp > 0) {
		const struct input_result *r = NULL;

		for (i = 0; i < n; i++)
			if (strcmp(in[i]->path, first_exp) == 0)
				r = in[i];
		strbuf_addf(&sb, "exit 1: expected outcome '%s' but %zu input%s "
		    "differ%s (first: %s is %s%s)", c->expect, nexp,
		    nexp == 1 ? "" : "s", nexp == 1 ? "s" : "", first_exp,
		    r != NULL ? outcome_name(r->outcome) : "?",
		    r != NULL && r->outcome == OUTCOME_NOT_ATTEMPTED ?
		    ": no update in the log" : "");
		*why = strbuf_detach(&sb);
		return EXIT_FINDINGS;
	}
	if (nunexplained > 0 && nfind == 0) {
		strbuf_addf(&sb, "exit 1: %zu input%s show%s a %s update that no "
		    "rule explains (first: %s)", nunexplained,
		    nunexplained == 1 ? "" : "s", nunexplained == 1 ? "s" : "",
		    outcome_name(first_unexplained->outcome),
		    first_unexplained->path);
		*why = strbuf_detach(&sb);
		return EXIT_FINDINGS;
	}
	if (nfind > 0) {
		strbuf_addf(&sb, "exit 1: %zu finding%s at or above '%s' (first: "
		    "%s", nfind, nfind == 1 ? "" : "s",
		    rule_severity_name(c->fail_on), first_fr->path);
		if (first_f == NULL)	/* only in summarised nodes */
			strbuf_addf(&sb, " line %lu, %s)", first_s != NULL ?
			    first_s->line : 0, first_s != NULL ?
			    first_s->cause : "unknown");
		else {
			if (first_fr->kind != INPUT_IMAGE) /* no lines */
				strbuf_addf(&sb, " line %lu", first_f->line);
			strbuf_addf(&sb, ", %s)", first_f->cause);
		}
		if (nsum > 0)
			strbuf_addf(&sb, "; %zu of them in nodes summarised, "
			    "not listed", nsum);
		if (nbase > 0)
			strbuf_addf(&sb, "; %zu more accepted by the baseline", nbase);
		*why = strbuf_detach(&sb);
		return EXIT_FINDINGS;
	}
	strbuf_addf(&sb, "exit 0: %zu input%s, nothing at or above '%s'%s", n,
	    n == 1 ? "" : "s", c->fail_never ? "never" :
	    rule_severity_name(c->fail_on), c->expect != NULL ?
	    ", expected outcome met" : "");
	/* an empty log or a silent port passes only with nothing asked of
	   it: say it plainly where the status is explained */
	for (i = 0, k = 0; i < n; i++)
		if (in[i]->kind == INPUT_LOG && in[i]->nbytes == 0)
			k++;
	if (k > 0)
		strbuf_addf(&sb, "; but %s empty: nothing was read, nothing "
		    "was judged (--expect success fails it)", k == n ?
		    (n == 1 ? "it was" : "they were") : "some inputs were");
	if (nbase > 0)
		strbuf_addf(&sb, " (%zu accepted by the baseline)", nbase);
	*why = strbuf_detach(&sb);
	return EXIT_OK;
}

int
pipeline_report(struct pipeline *p, struct input_result *const *in, size_t n)
{
	struct baseline *bl = NULL;
	struct diag_err err;
	int bad = 0;
	size_t i;

	if (!(p->flags & CMD_REPORTS))
		return p->status;
	for (i = 0; p->sdk != NULL && i < n; i++)
		if (!in[i]->error)
			kconfig_apply(in[i], p->sdk);
	/* the baseline is read once: the reports and the gate share it, and
	   an unreadable one is reported once, by the gate */
	if (p->c->baseline != NULL &&
	    baseline_load(p->c->baseline, &bl, &err) != 0) {
		bl = NULL;
		bad = 1;
	}
	p->reports_failed = write_reports(p, bl, in, n) != EXIT_OK;
	free(p->why);
	p->status = gate(p->c, bl, bad ? &err : NULL, in, n, &p->why);
	baseline_free(bl);
	if (p->reports_failed && p->status != EXIT_INPUT)
		pipeline_verdict(p, EXIT_INPUT, "a report could not be written");
	return p->status;
}

void
pipeline_verdict(struct pipeline *p, int status, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "exit %d: ", status);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(p->why);
	p->why = strbuf_detach(&sb);
	p->status = status;
}

int
pipeline_finish(struct pipeline *p)
{
	const struct diag_err *e;

	/* a built-in pattern compiled when first needed that failed: its
	   rule judged nothing, so the run is no verdict */
	if (p->m != NULL && (e = matcher_lazy_error(p->m)) != NULL) {
		diag_print(stderr, e);
		if (p->status != EXIT_INPUT)
			pipeline_verdict(p, EXIT_USAGE, "a built-in rule's "
			    "pattern does not compile (above): the rule set "
			    "is broken");
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		pipeline_verdict(p, EXIT_INPUT,
		    "standard output could not be written");
	if (p->why != NULL)
		diag_say("%s", p->why);
	return p->status;
}

void
pipeline_free(struct pipeline *p)
{
	matcher_free(p->m);
	ruleset_free(p->rs);
	sdkconfig_free(p->sdk);
	p->sdk = NULL;
	free(p->why);
	p->m = NULL;
	p->rs = NULL;
	p->why = NULL;
}
