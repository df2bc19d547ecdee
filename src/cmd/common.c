/*
 * common: options and steps shared by analyze, monitor and job: rule
 * loading, report outputs, the CI gate and its exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cmd.h"
#include "diag.h"
#include "strbuf.h"
#include "xalloc.h"

void
cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->color = -1;
	c->fail_on = RULE_ERROR;
}

int
cli_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

void
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error("%s (try 'otadiag %s --help')", buf, cmd);
}

/* "--opt=value" or "--opt value"; returns the value or NULL. */
static const char *
optval(const char *name, int argc, char **argv, int *i, int *matched)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	*matched = 0;
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=') {
		*matched = 1;
		return a + n + 1;
	}
	if (a[n] != '\0')
		return NULL;
	*matched = 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
format_for_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return REPORT_TEXT;
	if (strcmp(dot, ".xml") == 0)
		return REPORT_JUNIT;
	if (strcmp(dot, ".sarif") == 0)
		return REPORT_SARIF;
	if (strcmp(dot, ".json") == 0)
		return REPORT_JSON;
	if (strcmp(dot, ".jsonl") == 0)
		return REPORT_JSONL;
	return REPORT_TEXT;
}

static int
add_output(struct cli_common *c, const char *cmd, int fmt, const char *path)
{
	if (c->noutputs >= CLI_MAX_OUTPUTS) {
		cli_usage_error(cmd, "at most %d outputs", CLI_MAX_OUTPUTS);
		return -1;
	}
	c->outputs[c->noutputs].format = (enum report_format)fmt;
	c->outputs[c->noutputs].path = path;
	c->noutputs++;
	return 1;
}

int
cli_parse_common(struct cli_common *c, const char *cmd, int argc,
    char **argv, int *i)
{
	const char *v;
	int m, f;

	if ((v = optval("--rules", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		if (c->nrule_paths >= 32) {
			cli_usage_error(cmd, "at most 32 --rules options");
			return -1;
		}
		c->rule_paths[c->nrule_paths++] = v;
		return 1;
	}
	if (strcmp(argv[*i], "--no-default-rules") == 0) {
		c->no_default_rules = 1;
		return 1;
	}
	if (strcmp(argv[*i], "--generic-only") == 0) {
		c->generic_only = 1;
		return 1;
	}
	if ((v = optval("--format", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		if (report_format_from_name(v) < 0) {
			cli_usage_error(cmd, "unknown format '%s' (text, json, jsonl, "
			    "sarif, junit, github)", v);
			return -1;
		}
		if (c->pending_format != NULL &&
		    add_output(c, cmd, report_format_from_name(c->pending_format),
		    NULL) < 0)
			return -1;
		c->pending_format = v;
		return 1;
	}
	if ((v = optval("--output", argc, argv, i, &m)) != NULL || m ||
	    (v = optval("-o", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		f = c->pending_format != NULL ?
		    report_format_from_name(c->pending_format) : format_for_path(v);
		c->pending_format = NULL;
		return add_output(c, cmd, f, v);
	}
	if ((v = optval("--color", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL || strcmp(v, "auto") == 0)
			c->color = -1;
		else if (strcmp(v, "always") == 0)
			c->color = 1;
		else if (strcmp(v, "never") == 0)
			c->color = 0;
		else {
			cli_usage_error(cmd, "--color takes auto, always or never");
			return -1;
		}
		return 1;
	}
	if ((v = optval("--fail-on", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		if (strcmp(v, "never") == 0) {
			c->fail_never = 1;
			return 1;
		}
		if (rule_severity_from_name(v) < 0) {
			cli_usage_error(cmd, "--fail-on takes info, warning, error or "
			    "never");
			return -1;
		}
		c->fail_never = 0;
		c->fail_on = (enum rule_severity)rule_severity_from_name(v);
		return 1;
	}
	if ((v = optval("--expect", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		if (outcome_from_name(v) < 0) {
			cli_usage_error(cmd, "--expect takes success, failed, "
			    "rolled-back, in-progress or not-attempted");
			return -1;
		}
		c->expect = v;
		return 1;
	}
	if ((v = optval("--ignore", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		if (c->nignore >= 64) {
			cli_usage_error(cmd, "at most 64 --ignore options");
			return -1;
		}
		c->ignore[c->nignore++] = v;
		return 1;
	}
	if ((v = optval("--baseline", argc, argv, i, &m)) != NULL || m) {
		if (v == NULL)
			goto missing;
		c->baseline = v;
		return 1;
	}
	if (strcmp(argv[*i], "-v") == 0 || strcmp(argv[*i], "--verbose") == 0) {
		c->verbose = 1;
		return 1;
	}
	if (strcmp(argv[*i], "-q") == 0 || strcmp(argv[*i], "--quiet") == 0) {
		c->quiet = 1;
		return 1;
	}
	return 0;
missing:
	cli_usage_error(cmd, "option '%s' needs a value", argv[*i]);
	return -1;
}

int
cli_common_finish(struct cli_common *c, const char *cmd)
{
	if (c->pending_format != NULL) {
		if (add_output(c, cmd, report_format_from_name(c->pending_format),
		    NULL) < 0)
			return -1;
		c->pending_format = NULL;
	}
	if (c->noutputs == 0 && !c->quiet)
		add_output(c, cmd, REPORT_TEXT, NULL);
	{
		size_t i, k, nstdout = 0;

		for (i = 0; i < c->noutputs; i++) {
			const char *pi = c->outputs[i].path;

			if (pi == NULL || strcmp(pi, "-") == 0) {
				if (++nstdout > 1) {
					cli_usage_error(cmd, "two reports on standard "
					    "output (%s and %s): give one of them an "
					    "--output FILE", report_format_name(
					    c->outputs[i - 1].format),
					    report_format_name(c->outputs[i].format));
					return -1;
				}
				continue;
			}
			for (k = 0; k < i; k++)
				if (c->outputs[k].path != NULL &&
				    strcmp(c->outputs[k].path, pi) == 0) {
					cli_usage_error(cmd, "two reports would be "
					    "written to %s", pi);
					return -1;
				}
		}
	}
	return 0;
}

int
cli_color_enabled(int mode, FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	if (mode == 0)
		return 0;
	if (mode == 1)
		return 1;
	if (nc != NULL && nc[0] != '\0')
		return 0;
	return isatty(fileno(fp));
}

struct ruleset *
cli_load_rules(const struct cli_common *c)
{
	struct ruleset *rs = ruleset_new();
	struct diag_err err;
	size_t i;

	if (!c->no_default_rules && ruleset_load_builtin(rs, &err) != 0)
		goto fail;
	for (i = 0; i < c->nrule_paths; i++)
		if (ruleset_load_path(rs, c->rule_paths[i], &err) != 0)
			goto fail;
	if (c->generic_only)
		ruleset_keep_generic(rs);
	if (ruleset_count(rs) == 0) {
		diag_error("no rules loaded (--no-default-rules without --rules)");
		ruleset_free(rs);
		return NULL;
	}
	return rs;
fail:
	diag_print(stderr, &err);
	ruleset_free(rs);
	return NULL;
}

int
cli_write_reports(const struct cli_common *c, const struct ruleset *rs,
    struct input_result *const *in, size_t n)
{
	struct report_opts o;
	struct baseline *bl = NULL;
	struct diag_err err;
	size_t i;
	int status = EXIT_OK;

	memset(&o, 0, sizeof(o));
	o.fail_on = c->fail_on;
	o.fail_never = c->fail_never;
	o.expect = c->expect;
	o.rules = rs;
	o.verbose = c->verbose;
	o.summary_path = getenv("GITHUB_STEP_SUMMARY");
	/* an unreadable baseline is reported once, by cli_gate() */
	if (c->baseline != NULL && baseline_load(c->baseline, &bl, &err) != 0)
		bl = NULL;
	o.baseline = bl;
	for (i = 0; i < c->noutputs; i++) {
		const struct cli_output *out = &c->outputs[i];
		FILE *fp = stdout;
		int rc;

		if (out->path != NULL && strcmp(out->path, "-") != 0) {
			if ((fp = fopen(out->path, "w")) == NULL) {
				diag_error("%s: cannot write: %s", out->path,
				    strerror(errno));
				status = EXIT_INPUT;
				continue;
			}
		}
		o.color = out->format == REPORT_TEXT && cli_color_enabled(c->color,
		    fp);
		rc = report_write(out->format, fp, in, n, &o);
		if (fp != stdout) {
			if (fclose(fp) != 0)
				rc = DIAG_EIO;
		}
		if (rc != 0) {
			diag_error("%s: cannot write the %s report",
			    out->path != NULL ? out->path : "standard output",
			    report_format_name(out->format));
			status = EXIT_INPUT;
		}
	}
	baseline_free(bl);
	return status;
}

int
cli_gate(const struct cli_common *c, struct input_result *const *in,
    size_t n, char **why)
{
	struct baseline *bl = NULL;
	struct diag_err err;
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, nerr = 0, nfind = 0, nexp = 0, nbase = 0, nunexplained = 0;
	const struct input_result *first_unexplained = NULL;
	const char *first_in = NULL, *first_exp = NULL;
	const struct finding *first_f = NULL;
	const struct input_result *first_fr = NULL;

	*why = NULL;
	if (c->baseline != NULL && baseline_load(c->baseline, &bl, &err) != 0) {
		diag_print(stderr, &err);
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
			const struct finding *f = &r->findings[k];

			if (f->severity < c->fail_on || f->consequence_of >= 0)
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
	}
	baseline_free(bl);
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
		    "%s line %lu, %s)", nfind, nfind == 1 ? "" : "s",
		    rule_severity_name(c->fail_on), first_fr->path, first_f->line,
		    first_f->cause);
		if (nbase > 0)
			strbuf_addf(&sb, "; %zu more accepted by the baseline", nbase);
		*why = strbuf_detach(&sb);
		return EXIT_FINDINGS;
	}
	strbuf_addf(&sb, "exit 0: %zu input%s, nothing at or above '%s'%s", n,
	    n == 1 ? "" : "s", c->fail_never ? "never" :
	    rule_severity_name(c->fail_on), c->expect != NULL ?
	    ", expected outcome met" : "");
	if (nbase > 0)
		strbuf_addf(&sb, " (%zu accepted by the baseline)", nbase);
	*why = strbuf_detach(&sb);
	return EXIT_OK;
}
