/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common: the option parser every command uses (one table of options per
 * command, the shared rule and report tables defined once), its --help,
 * and the small helpers the commands share.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "diag.h"
#include "xalloc.h"

/*
 * The CLI entry's state, set once by main.c before a command runs: the
 * configuration files it read, and whether 'otadiag config' asked the
 * parser to show where each setting comes from instead of running.
 * While a configuration line is applied, `where` is it, so that a bad
 * value is reported at its file and line.
 */
static struct {
	struct config	*cfg;
	int		 show;
	const struct config_entry *where;
	int		 dry;		/* a dry walk: no message */
} cli_state;

void
cli_set_config(struct config *cfg, int show)
{
	cli_state.cfg = cfg;
	cli_state.show = show;
}

void
cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->color = -1;
	c->fail_on = RULE_ERROR;
	c->top = 10;
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

	if (cli_state.dry)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (cli_state.where != NULL) {
		struct diag_err err;

		diag_set(&err, DIAG_EUSAGE, cli_state.where->file,
		    cli_state.where->line, 0, "[%s] %s: %s",
		    cli_state.where->section, cli_state.where->key, buf);
		diag_print(stderr, &err);
		return;
	}
	diag_error("%s (try 'otadiag %s --help')", buf, cmd);
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

/* ---- generic handlers ------------------------------------------------ */

int
cli_set_flag(const struct cli_use *u, const char *val)
{
	(void)val;
	*CLI_FIELD(u, int) = 1;
	return 0;
}

int
cli_set_string(const struct cli_use *u, const char *val)
{
	*CLI_FIELD(u, const char *) = val;
	return 0;
}

static int
set_number(const struct cli_use *u, const char *val, long *out)
{
	if (cli_long(val, u->opt->lo, u->opt->hi, out) != 0) {
		cli_usage_error(u->cmd, "%s takes a number from %ld to %ld, not "
		    "'%s'", u->spelling, u->opt->lo, u->opt->hi, val);
		return -1;
	}
	return 0;
}

int
cli_set_int(const struct cli_use *u, const char *val)
{
	long v;

	if (set_number(u, val, &v) != 0)
		return -1;
	*CLI_FIELD(u, int) = (int)v;
	return 0;
}

int
cli_set_long(const struct cli_use *u, const char *val)
{
	return set_number(u, val, CLI_FIELD(u, long));
}

/* ---- the shared options ---------------------------------------------- */

int
cli_add_rule_path(struct cli_common *c, const char *cmd, const char *path)
{
	if (c->nrule_paths >= 32) {
		cli_usage_error(cmd, "at most 32 rule files or folders");
		return -1;
	}
	c->rule_paths[c->nrule_paths++] = path;
	return 0;
}

static int
opt_rules(const struct cli_use *u, const char *val)
{
	return cli_add_rule_path(u->ctx, u->cmd, val);
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
	return 0;
}

static int
opt_format(const struct cli_use *u, const char *val)
{
	struct cli_common *c = u->ctx;

	if (report_format_from_name(val) < 0) {
		cli_usage_error(u->cmd, "unknown format '%s' (text, json, jsonl, "
		    "sarif, junit, github)", val);
		return -1;
	}
	if (c->pending_format != NULL && add_output(c, u->cmd,
	    report_format_from_name(c->pending_format), NULL) != 0)
		return -1;
	c->pending_format = val;
	return 0;
}

static int
opt_output(const struct cli_use *u, const char *val)
{
	struct cli_common *c = u->ctx;
	int f;

	f = c->pending_format != NULL ?
	    report_format_from_name(c->pending_format) : format_for_path(val);
	c->pending_format = NULL;
	return add_output(c, u->cmd, f, val);
}

static int
opt_color(const struct cli_use *u, const char *val)
{
	struct cli_common *c = u->ctx;

	if (strcmp(val, "auto") == 0)
		c->color = -1;
	else if (strcmp(val, "always") == 0)
		c->color = 1;
	else if (strcmp(val, "never") == 0)
		c->color = 0;
	else {
		cli_usage_error(u->cmd, "--color takes auto, always or never");
		return -1;
	}
	return 0;
}

static int
opt_fail_on(const struct cli_use *u, const char *val)
{
	struct cli_common *c = u->ctx;

	if (strcmp(val, "never") == 0) {
		c->fail_never = 1;
		return 0;
	}
	if (rule_severity_from_name(val) < 0) {
		cli_usage_error(u->cmd, "--fail-on takes info, warning, error or "
		    "never");
		return -1;
	}
	c->fail_never = 0;
	c->fail_on = (enum rule_severity)rule_severity_from_name(val);
	return 0;
}

static int
opt_expect(const struct cli_use *u, const char *val)
{
	if (outcome_from_name(val) < 0) {
		cli_usage_error(u->cmd, "--expect takes success, failed, "
		    "rolled-back, in-progress or not-attempted");
		return -1;
	}
	((struct cli_common *)u->ctx)->expect = val;
	return 0;
}

static int
opt_ignore(const struct cli_use *u, const char *val)
{
	struct cli_common *c = u->ctx;

	if (c->nignore >= 64) {
		cli_usage_error(u->cmd, "at most 64 --ignore options");
		return -1;
	}
	c->ignore[c->nignore++] = val;
	return 0;
}

#define COMMON(f)	offsetof(struct cli_common, f)

const struct cli_option cli_rule_options[] = {
	{"rules", 0, "path", 0, opt_rules, 0, 0,
	    "add a rule file or folder (up to 32)"},
	{"no-default-rules", 0, NULL, COMMON(no_default_rules), cli_set_flag,
	    0, 0, "leave the built-in rule table out"},
	{"generic-only", 0, NULL, COMMON(generic_only), cli_set_flag, 0, 0,
	    "only the generic tier of rules, and the model"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

const struct cli_option cli_report_options[] = {
	{"format", 0, "fmt", 0, opt_format, 0, 0,
	    "text json jsonl sarif junit github (repeatable)"},
	{"output", 'o', "file", 0, opt_output, 0, 0,
	    "write the preceding --format to FILE (- stdout)"},
	{"color", 0, "when", 0, opt_color, 0, 0,
	    "auto, always or never (NO_COLOR is honoured)"},
	{"fail-on", 0, "level", 0, opt_fail_on, 0, 0,
	    "info, warning, error (default) or never: exit 1"},
	{"expect", 0, "outcome", 0, opt_expect, 0, 0,
	    "every input must show it (success, failed ...)"},
	{"ignore", 0, "id", 0, opt_ignore, 0, 0,
	    "accept a rule id or cause id (repeatable)"},
	{"baseline", 0, "file", COMMON(baseline), cli_set_string, 0, 0,
	    "accept the findings of an earlier json report"},
	{"sdkconfig", 0, "file", COMMON(sdkconfig), cli_set_string, 0, 0,
	    "the build's sdkconfig: Kconfig advice with its values"},
	{"quiet", 'q', NULL, COMMON(quiet), cli_set_flag, 0, 0,
	    "no text report (monitor: nor device output)"},
	{"verbose", 'v', NULL, COMMON(verbose), cli_set_flag, 0, 0,
	    "more detail (monitor: stages and notes too)"},
	{"top", 0, "n", COMMON(top), cli_set_int, 0, 1000000,
	    "text: a job's N commonest diagnoses (default 10, 0 all)"},
	{"force", 0, NULL, COMMON(force), cli_set_flag, 0, 0,
	    "write --output (--save, --log) through a symbolic link"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

/* ---- the parser ---------------------------------------------------------- */

struct optset {
	const struct cli_option *opts;
	void		*ctx;
	const char	*title;
};

static size_t
optsets(const struct cli_spec *spec, unsigned flags, void *ctx,
    struct cli_common *c, struct optset *s)
{
	size_t n = 0;

	if (spec->options != NULL)
		s[n++] = (struct optset){spec->options, ctx, "Options:"};
	if (flags & CMD_RULES)
		s[n++] = (struct optset){cli_rule_options, c, "Rule options:"};
	if (flags & CMD_REPORTS)
		s[n++] = (struct optset){cli_report_options, c,
		    "Report and gate options:"};
	return n;
}

static int
end_of_table(const struct cli_option *o)
{
	return o->name == NULL && o->help == NULL;
}

/* The row of a long name (len bytes) or a letter; NULL if none. */
static const struct cli_option *
lookup(const struct optset *s, size_t ns, const char *name, size_t len,
    int letter, void **ctx)
{
	const struct cli_option *o;
	size_t i;

	for (i = 0; i < ns; i++)
		for (o = s[i].opts; !end_of_table(o); o++) {
			if (o->name == NULL)
				continue;
			if ((name != NULL && strlen(o->name) == len &&
			    strncmp(o->name, name, len) == 0) ||
			    (name == NULL && letter != 0 && o->letter == letter)) {
				*ctx = s[i].ctx;
				return o;
			}
		}
	return NULL;
}

/*
 * One parse: the command line is walked twice, first dry (recording which
 * rows it sets, so that a configuration value of the same option is left
 * out), then for real after the configuration.  In 'otadiag config' the
 * settings applied are kept, with where each came from, to be shown.
 */
#define RUN_MAX 128

struct setting {
	const struct cli_option *opt;
	const char	*value;		/* NULL: a flag */
	const struct config_entry *from;	/* NULL: the command line */
};

struct run {
	int		 dry;
	const struct cli_option *seen[RUN_MAX];
	size_t		 nseen;
	struct setting	 shown[RUN_MAX];
	size_t		 nshown;
};

static int
apply(struct run *r, const char *cmd, const char *spelling,
    const struct cli_option *o, void *ctx, const char *val)
{
	struct cli_use u = {cmd, spelling, o, ctx};

	if (r->dry) {
		if (r->nseen < RUN_MAX)
			r->seen[r->nseen++] = o;
		return 0;
	}
	if (cli_state.show && r->nshown < RUN_MAX)
		r->shown[r->nshown++] = (struct setting){o, val,
		    cli_state.where};
	return o->set(&u, val);
}

/* A trailing --format writes to stdout; the default is the text report;
   no two reports share a destination. */
static int
finish_outputs(struct cli_common *c, const char *cmd)
{
	size_t i, k, nstdout = 0;

	if (c->pending_format != NULL) {
		if (add_output(c, cmd, report_format_from_name(c->pending_format),
		    NULL) != 0)
			return -1;
		c->pending_format = NULL;
	}
	if (c->noutputs == 0 && !c->quiet)
		add_output(c, cmd, REPORT_TEXT, NULL);
	for (i = 0; i < c->noutputs; i++) {
		const char *pi = c->outputs[i].path;

		if (pi == NULL || strcmp(pi, "-") == 0) {
			if (++nstdout > 1) {
				cli_usage_error(cmd, "two reports on standard output "
				    "(%s and %s): give one of them an --output FILE",
				    report_format_name(c->outputs[i - 1].format),
				    report_format_name(c->outputs[i].format));
				return -1;
			}
			continue;
		}
		for (k = 0; k < i; k++)
			if (c->outputs[k].path != NULL &&
			    strcmp(c->outputs[k].path, pi) == 0) {
				cli_usage_error(cmd, "two reports would be written "
				    "to %s", pi);
				return -1;
			}
	}
	return 0;
}

/* One long option at argv[*k] ("--name" or "--name=value"). */
static int
parse_long(struct run *r, const char *cmd, const struct optset *s, size_t ns,
    int argc, char **argv, int *k)
{
	const char *name = argv[*k] + 2, *eq = strchr(name, '='), *val = NULL;
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o;
	char spelling[64];
	void *ctx = NULL;

	snprintf(spelling, sizeof(spelling), "--%.*s", (int)len, name);
	if (len == 4 && strncmp(name, "help", 4) == 0) {
		if (eq == NULL)
			return CLI_HELP;
		cli_usage_error(cmd, "option '%s' takes no value", spelling);
		return CLI_ERROR;
	}
	if ((o = lookup(s, ns, name, len, 0, &ctx)) == NULL) {
		cli_usage_error(cmd, "unknown option '%s'", spelling);
		return CLI_ERROR;
	}
	if (o->arg == NULL) {
		if (eq != NULL) {
			cli_usage_error(cmd, "option '%s' takes no value",
			    spelling);
			return CLI_ERROR;
		}
	} else if (eq != NULL)
		val = eq + 1;
	else if (*k + 1 < argc)
		val = argv[++*k];
	else {
		cli_usage_error(cmd, "option '%s' needs a value", spelling);
		return CLI_ERROR;
	}
	return apply(r, cmd, spelling, o, ctx, val) == 0 ? 0 : CLI_ERROR;
}

/* Short options at argv[*k]: "-q", "-qv", "-j 4", "-j4". */
static int
parse_short(struct run *r, const char *cmd, const struct optset *s,
    size_t ns, int argc, char **argv, int *k)
{
	const char *p, *val;
	const struct cli_option *o;
	char spelling[3] = "-?";
	void *ctx = NULL;

	for (p = argv[*k] + 1; *p != '\0'; p++) {
		spelling[1] = *p;
		if (*p == 'h')
			return CLI_HELP;
		if ((o = lookup(s, ns, NULL, 0, (unsigned char)*p, &ctx)) ==
		    NULL) {
			cli_usage_error(cmd, "unknown option '%s'", spelling);
			return CLI_ERROR;
		}
		val = NULL;
		if (o->arg != NULL) {
			if (p[1] != '\0')
				val = p + 1;
			else if (*k + 1 < argc)
				val = argv[++*k];
			else {
				cli_usage_error(cmd, "option '%s' needs a value",
				    spelling);
				return CLI_ERROR;
			}
		}
		if (apply(r, cmd, spelling, o, ctx, val) != 0)
			return CLI_ERROR;
		if (val != NULL)
			break;
	}
	return 0;
}

/* ---- the configuration files (config.h) ------------------------------ */

/* The sections: a command's own options, and [gate] for the shared rule
   and report options of every command that takes them. */
static const char *const config_sections[] = {
	"analyze", "monitor", "job", "explain", "gate", NULL,
};

static int
is_shared(const struct cli_option *opts)
{
	return opts == cli_rule_options || opts == cli_report_options;
}

/* format and output are one setting (the reports); others are their own. */
static const char *
setting_group(const struct cli_option *o)
{
	return strcmp(o->name, "output") == 0 && o->letter == 'o' ? "format" :
	    o->name;
}

/* The row e names for this command (0), none that applies (1), or an
   unknown key (-1). */
static int
entry_row(const struct config_entry *e, const struct cli_spec *spec,
    const struct optset *s, size_t ns, const struct cli_option **row,
    void **ctx)
{
	int gate = strcmp(e->section, "gate") == 0;
	void *unused;
	size_t i;

	*row = NULL;
	if (!gate && strcmp(e->section, spec->name) != 0)
		return 1;
	for (i = 0; i < ns; i++) {
		if (gate && !is_shared(s[i].opts))
			continue;
		if ((*row = lookup(&s[i], 1, e->key, strlen(e->key), 0, ctx)) !=
		    NULL)
			return 0;
	}
	if (gate) {
		struct optset all[2] = {{cli_rule_options, NULL, NULL},
		    {cli_report_options, NULL, NULL}};

		if (lookup(all, 2, e->key, strlen(e->key), 0, &unused) != NULL)
			return 1;	/* shared, not taken by this command */
	}
	return -1;
}

/* Later layers win, and a command's section wins over [gate]. */
static int
entry_rank(const struct config_entry *e)
{
	return (int)e->layer * 2 + (strcmp(e->section, "gate") != 0);
}

/* A relative path in a file is relative to the file's folder. */
static const char *
entry_value(const struct config_entry *e, const struct cli_option *o)
{
	const char *slash = strrchr(e->file, '/');

	if (o->arg == NULL || (strcmp(o->arg, "path") != 0 &&
	    strcmp(o->arg, "file") != 0 && strcmp(o->arg, "dir") != 0) ||
	    e->value[0] == '/' || e->value[0] == '\0' ||
	    strcmp(e->value, "-") == 0 || slash == NULL)
		return e->value;
	return config_keep(cli_state.cfg, xasprintf("%.*s/%s",
	    (int)(slash - e->file), e->file, e->value));
}

static int
config_apply(struct run *r, const struct cli_spec *spec,
    const struct optset *s, size_t ns)
{
	size_t n = config_count(cli_state.cfg), i, k;
	const struct config_entry *e, *e2;
	const struct cli_option *o, *o2;
	void *ctx, *ctx2;
	int b;

	for (i = 0; i < n; i++) {
		const char *const *sec;

		e = config_entry(cli_state.cfg, i);
		cli_state.where = e;
		for (sec = config_sections; *sec != NULL; sec++)
			if (strcmp(*sec, e->section) == 0)
				break;
		if (*sec == NULL) {
			cli_usage_error(spec->name, "unknown section (analyze, "
			    "monitor, job, explain or gate)");
			return -1;
		}
		if ((b = entry_row(e, spec, s, ns, &o, &ctx)) < 0) {
			cli_usage_error(spec->name, "unknown key (the keys are "
			    "the long options of 'otadiag %s --help')",
			    strcmp(e->section, "gate") == 0 ? "analyze" :
			    e->section);
			return -1;
		}
		if (b > 0)
			continue;
		for (k = 0; k < r->nseen; k++)
			if (strcmp(setting_group(r->seen[k]),
			    setting_group(o)) == 0)
				break;
		if (k < r->nseen)
			continue;	/* the command line replaces it */
		for (k = 0; k < n; k++) {
			e2 = config_entry(cli_state.cfg, k);
			if (entry_row(e2, spec, s, ns, &o2, &ctx2) == 0 &&
			    strcmp(setting_group(o2), setting_group(o)) == 0 &&
			    entry_rank(e2) > entry_rank(e))
				break;
		}
		if (k < n)
			continue;	/* a later layer or own section replaces it */
		if (o->arg == NULL) {
			if ((b = config_bool(e->value)) < 0) {
				cli_usage_error(spec->name, "takes true or false, "
				    "not '%s'", e->value);
				return -1;
			}
			if (b == 1 && apply(r, spec->name, e->key, o, ctx, NULL) !=
			    0)
				return -1;
			continue;
		}
		if (apply(r, spec->name, e->key, o, ctx, entry_value(e, o)) != 0)
			return -1;
	}
	cli_state.where = NULL;
	return 0;
}

static void
show_settings(const struct cli_spec *spec, const struct run *r)
{
	const struct setting *st;
	char line[512];
	size_t i;

	printf("[%s]\n", spec->name);
	for (i = 0; i < r->nshown; i++) {
		st = &r->shown[i];
		if (st->value != NULL)
			snprintf(line, sizeof(line), "%s = %s", st->opt->name,
			    st->value);
		else
			snprintf(line, sizeof(line), "%s = true", st->opt->name);
		if (st->from != NULL)
			printf("%-40s ; %s:%d\n", line, st->from->file,
			    st->from->line);
		else
			printf("%-40s ; command line\n", line);
	}
	if (r->nshown == 0)
		printf("; every setting is the default (otadiag %s --help)\n",
		    spec->name);
}

/* Walks argv; in a dry run nothing is set and nothing moves. */
static int
parse_argv(struct run *r, const struct cli_spec *spec, unsigned flags,
    const struct optset *s, size_t ns, int argc, char **argv)
{
	int k, n = 0, rc, dashdash = 0;
	void *unused;

	for (k = 1; k < argc; k++) {
		const char *a = argv[k];

		if (dashdash || a[0] != '-' || a[1] == '\0' ||
		    (spec->dash_operands && a[1] != '-' && a[1] != 'h' &&
		    lookup(s, ns, NULL, 0, (unsigned char)a[1], &unused) ==
		    NULL)) {
			if (!r->dry)
				argv[n] = argv[k];
			n++;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		rc = a[1] == '-' ?
		    parse_long(r, spec->name, s, ns, argc, argv, &k) :
		    parse_short(r, spec->name, s, ns, argc, argv, &k);
		if (rc == CLI_HELP) {
			if (!r->dry)
				cli_help(stdout, spec, flags);
			return CLI_HELP;
		}
		if (rc != 0)
			return CLI_ERROR;
	}
	return n;
}

int
cli_parse(const struct cli_spec *spec, unsigned flags, void *ctx,
    struct cli_common *c, int argc, char **argv)
{
	struct optset s[3];
	size_t ns = optsets(spec, flags, ctx, c, s);
	struct run *r = xcalloc(1, sizeof(*r));
	int n;

	/* dry: which options the command line sets (and its usage errors,
	   reported once, by the real walk below) */
	r->dry = cli_state.dry = 1;
	cli_state.where = NULL;
	n = parse_argv(r, spec, flags, s, ns, argc, argv);
	r->dry = cli_state.dry = 0;
	if (n >= 0 && config_apply(r, spec, s, ns) != 0) {
		n = CLI_ERROR;
		goto out;
	}
	cli_state.where = NULL;
	if ((n = parse_argv(r, spec, flags, s, ns, argc, argv)) < 0)
		goto out;
	if ((flags & CMD_REPORTS) && finish_outputs(c, spec->name) != 0) {
		n = CLI_ERROR;
		goto out;
	}
	if (cli_state.show) {
		show_settings(spec, r);
		n = CLI_HELP;
	}
out:
	cli_state.where = NULL;
	free(r);
	return n;
}

/* ---- --help ------------------------------------------------------------ */

static void
help_table(FILE *fp, const char *title, const struct cli_option *o)
{
	char left[64], arg[32];
	size_t i;
	int len;

	fprintf(fp, "\n%s\n", title);
	for (; !end_of_table(o); o++) {
		if (o->name == NULL) {
			fprintf(fp, "%s\n", o->help);
			continue;
		}
		arg[0] = '\0';
		if (o->arg != NULL) {
			for (i = 0; o->arg[i] != '\0' && i + 2 < sizeof(arg); i++)
				arg[i + 1] = (char)toupper((unsigned char)o->arg[i]);
			arg[0] = ' ';
			arg[i + 1] = '\0';
		}
		if (o->letter != 0)
			len = snprintf(left, sizeof(left), "  -%c, --%s%s",
			    o->letter, o->name, arg);
		else
			len = snprintf(left, sizeof(left), "      --%s%s",
			    o->name, arg);
		if (len < 28)
			fprintf(fp, "%-28s%s\n", left, o->help);
		else
			fprintf(fp, "%s\n%-28s%s\n", left, "", o->help);
	}
}

void
cli_help(FILE *fp, const struct cli_spec *spec, unsigned flags)
{
	static const struct cli_option none[] = {
		{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
	};
	struct optset s[3];
	size_t ns = optsets(spec, flags, NULL, NULL, s), i;

	fputs(spec->usage, fp);
	if (spec->about != NULL)
		fprintf(fp, "\n%s", spec->about);
	help_table(fp, "Options:", spec->options != NULL ? spec->options : none);
	fprintf(fp, "%-28s%s\n", "  -h, --help", "show this help");
	for (i = spec->options != NULL ? 1 : 0; i < ns; i++)
		help_table(fp, s[i].title, s[i].opts);
	fprintf(fp, "\n%s\n\nSee %s.\n", spec->exits, spec->page);
}

/* ---- rules ------------------------------------------------------------ */

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
