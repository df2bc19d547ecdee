/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules: look at and test the rule table.
 *
 *   otadiag rules list [--format text|json] [--ids]
 *   otadiag rules show ID
 *   otadiag rules test [PATH...]
 *   otadiag rules check [PATH...]
 *   otadiag rules fields
 *   otadiag rules model
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "diag.h"
#include "frames.h"
#include "linesplit.h"
#include "matcher.h"
#include "model.h"
#include "record.h"
#include "ruleset.h"
#include "schema.h"
#include "xalloc.h"

struct list_opts {
	int		 json;
	int		 ids;
};

static int	opt_list_format(const struct cli_use *, const char *);

#define LIST_ROWS \
	{"format", 0, "fmt", offsetof(struct list_opts, json), \
	    opt_list_format, 0, 0, "text (the default) or json"}, \
	{"ids", 0, NULL, offsetof(struct list_opts, ids), cli_set_flag, 0, 0, \
	    "only the ids, one per line"}

static const struct cli_option list_options[] = {
	LIST_ROWS,
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

struct check_opts {
	const char	*log;
	int		 max_rate;
};

#define CHECK_ROWS \
	{"log", 0, "file", offsetof(struct check_opts, log), cli_set_string, \
	    0, 0, "measure each needle's hit rate on this log's lines"}, \
	{"max-miss", 0, "pct", offsetof(struct check_opts, max_rate), \
	    cli_set_int, 0, 100, "share of lines a needle may bring its " \
	    "pattern to in vain (1)"}

static const struct cli_option check_options[] = {
	CHECK_ROWS,
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

/* For 'otadiag rules --help': every subcommand's own options. */
static const struct cli_option rules_options[] = {
	{NULL, 0, NULL, 0, NULL, 0, 0, " list:"},
	LIST_ROWS,
	{NULL, 0, NULL, 0, NULL, 0, 0, " check:"},
	CHECK_ROWS,
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

#define RULES_USAGE_LIST \
    "usage: otadiag rules list [--format text|json] [--ids] [--rules path]\n" \
    "                          [--no-default-rules] [--generic-only]\n"
#define RULES_USAGE_SHOW "usage: otadiag rules show id\n"
#define RULES_USAGE_TEST \
    "usage: otadiag rules test [--rules path] [--no-default-rules]\n" \
    "                          [--generic-only] [path...]\n"
#define RULES_USAGE_CHECK \
    "usage: otadiag rules check [--log file] [--max-miss pct] [--rules path]\n" \
    "                           [--no-default-rules] [--generic-only] [path...]\n"
#define RULES_USAGE_FIELDS "usage: otadiag rules fields\n"
#define RULES_USAGE_MODEL "usage: otadiag rules model\n"
#define RULES_EXITS \
    "Exit status:\n" \
    "  0  success; for test, every example passed\n" \
    "  1  a rule example failed (test), a needle was rejected (check)\n" \
    "  2  usage error, no such rule (show), or a rule set that does not load"

static const struct cli_spec rules_spec = {
	.name = "rules",
	.usage = RULES_USAGE_LIST RULES_USAGE_SHOW RULES_USAGE_TEST
	    RULES_USAGE_CHECK RULES_USAGE_FIELDS RULES_USAGE_MODEL,
	.about =
    "list    id, cause, severity and title of every rule and marker\n"
    "show    one built-in rule in full\n"
    "test    run every example of the built-in rules and of each path\n"
    "check   lint rule files (needles, no_match examples)\n"
    "fields  the rule fields, the cause table and the stages\n"
    "model   the update model's transition table\n"
    "The rule options go with list, test and check; a path operand of test\n"
    "or check is a --rules path.  See 'otadiag rules CMD --help'.\n",
	.options = rules_options,
	.exits = RULES_EXITS,
	.page = "otadiag-rules(1)",
};

static const struct cli_spec list_spec = {
	.name = "rules list", .usage = RULES_USAGE_LIST,
	.about = "Lists the rules and markers, in load order.\n",
	.options = list_options, .exits = RULES_EXITS,
	.page = "otadiag-rules(1)",
};

static const struct cli_spec show_spec = {
	.name = "rules show", .usage = RULES_USAGE_SHOW,
	.about = "Shows one built-in rule or marker in full.\n",
	.exits = RULES_EXITS, .page = "otadiag-rules(1)",
};

static const struct cli_spec test_spec = {
	.name = "rules test", .usage = RULES_USAGE_TEST,
	.about =
    "Compiles the rules and runs their examples: those of the rules of each\n"
    "path (or --rules), or of every rule when none is given.\n",
	.exits = RULES_EXITS, .page = "otadiag-rules(1)",
};

static const struct cli_spec check_spec = {
	.name = "rules check", .usage = RULES_USAGE_CHECK,
	.about =
    "Loads the rules strictly, compiles them, warns about missing needles\n"
    "and no_match examples and rejects needles shorter than 4 bytes; with\n"
    "--log, also needles that bring their pattern to more than --max-miss\n"
    "percent of the log's lines in vain (unless the rule's needle_note says\n"
    "why).\n",
	.options = check_options, .exits = RULES_EXITS,
	.page = "otadiag-rules(1)",
};

static const struct cli_spec fields_spec = {
	.name = "rules fields", .usage = RULES_USAGE_FIELDS,
	.about = "Prints the rule fields, the cause table and the stages.\n",
	.exits = RULES_EXITS, .page = "otadiag-rules(1)",
};

static const struct cli_spec model_spec = {
	.name = "rules model", .usage = RULES_USAGE_MODEL,
	.about = "Prints the update model's transition table.\n",
	.exits = RULES_EXITS, .page = "otadiag-rules(1)",
};


static int
opt_list_format(const struct cli_use *u, const char *val)
{
	if (strcmp(val, "json") != 0 && strcmp(val, "text") != 0) {
		cli_usage_error(u->cmd, "--format takes text or json");
		return -1;
	}
	*CLI_FIELD(u, int) = strcmp(val, "json") == 0;
	return 0;
}

/* Parses a subcommand's options and checks it has min to max operands
   (max -1: any); the status to return, or -1 to go on. */
static int
parse_sub(const struct cli_spec *spec, const struct cmd *cmd, void *ctx,
    struct cli_common *c, int argc, char **argv, int min, int max, int *nops)
{
	if ((*nops = cli_parse(spec, cmd->flags, ctx, c, argc, argv)) < 0)
		return *nops == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	if (*nops < min) {
		cli_usage_error(spec->name, "%s takes one rule id", spec->name);
		return EXIT_USAGE;
	}
	if (max >= 0 && *nops > max) {
		cli_usage_error(spec->name, "unexpected argument '%s'",
		    argv[max]);
		return EXIT_USAGE;
	}
	return -1;
}

static int
cmd_rules_list(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common c;
	struct list_opts lopts = {0, 0};
	struct ruleset *rs;
	size_t i;
	int rc, nops;

	cli_common_init(&c);
	if ((rc = parse_sub(&list_spec, cmd, &lopts, &c, argc, argv, 0, 0,
	    &nops)) >= 0)
		return rc;
	if ((rs = cli_load_rules(&c)) == NULL)
		return EXIT_USAGE;
	if (lopts.json) {
		json_t *arr = json_array();

		for (i = 0; i < ruleset_count(rs); i++) {
			const struct rule *r = ruleset_get(rs, i);
			json_t *o = json_object();

			json_object_set_new(o, "id", json_string(r->id));
			json_object_set_new(o, "kind", json_string(
			    r->kind == RULE_KIND_RULE ? "rule" : "marker"));
			json_object_set_new(o, "cause", r->cause != NULL ?
			    json_string(r->cause) : json_null());
			json_object_set_new(o, "stage", r->kind == RULE_KIND_MARKER ?
			    json_string(stage_name(r->stage)) : json_null());
			json_object_set_new(o, "severity",
			    json_string(rule_severity_name(r->severity)));
			json_object_set_new(o, "title", json_string(r->title));
			json_object_set_new(o, "level", r->levels != NULL ?
			    json_string(r->levels) : json_null());
			json_object_set_new(o, "tag", r->tag_pattern != NULL ?
			    json_string(r->tag_pattern) : json_null());
			json_object_set_new(o, "on", json_string(r->on_text ?
			    "text" : "message"));
			json_object_set_new(o, "needle", r->needle != NULL ?
			    json_string(r->needle) : json_null());
			{
				json_t *nv = json_array();
				size_t k;

				for (k = 0; k < r->nneedles; k++)
					json_array_append_new(nv,
					    json_string(r->needles[k]));
				json_object_set_new(o, "needles", nv);
			}
			json_object_set_new(o, "target", json_string(
			    r->targets == (RULE_TARGET_LOG | RULE_TARGET_JOB) ?
			    "any" : r->targets == RULE_TARGET_JOB ? "job" :
			    r->form == RULE_FORM_FRAMES ? "frames" :
			    r->targets == 0 ? "session" : "log"));
			json_object_set_new(o, "trigger_stage", r->trigger >= 0 ?
			    json_string(stage_name((enum stage)r->trigger)) :
			    json_null());
			/* stage rules have no pattern of their own */
			json_object_set_new(o, "pattern", r->trigger >= 0 ||
			    r->targets == 0 ? json_null() :
			    json_string(r->pattern));
			json_object_set_new(o, "patterns", r->trigger >= 0 ||
			    r->targets == 0 ?
			    json_array() : json_pack("[s]", r->pattern));
			json_object_set_new(o, "origin", json_string(r->origin));
			json_array_append_new(arr, o);
		}
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(arr);
	} else {
		for (i = 0; i < ruleset_count(rs); i++) {
			const struct rule *r = ruleset_get(rs, i);

			if (lopts.ids)
				printf("%s\n", r->id);
			else if (r->kind == RULE_KIND_RULE)
				printf("%-44s %-22s %-7s %s\n", r->id, r->cause,
				    rule_severity_name(r->severity), r->title);
			else
				printf("%-44s %-22s %-7s %s\n", r->id,
				    stage_name(r->stage), "marker", r->title);
		}
	}
	ruleset_free(rs);
	return EXIT_OK;
}

static int
cmd_rules_show(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common opts;
	struct ruleset *rs;
	const struct rule *r;
	size_t i;
	int rc, nops;

	cli_common_init(&opts);
	if ((rc = parse_sub(&show_spec, cmd, NULL, NULL, argc, argv, 1, 1,
	    &nops)) >= 0)
		return rc;
	if ((rs = cli_load_rules(&opts)) == NULL)
		return EXIT_USAGE;
	if ((r = ruleset_find(rs, argv[0])) == NULL) {
		diag_error("no rule '%s' (see 'otadiag rules list')", argv[0]);
		ruleset_free(rs);
		return EXIT_USAGE;
	}
	printf("id:        %s\n", r->id);
	if (r->kind == RULE_KIND_RULE) {
		printf("cause:     %s (%s)\n", r->cause, cause_describe(r->cause));
		printf("severity:  %s%s\n", rule_severity_name(r->severity),
		    r->role == RULE_ROLE_SYMPTOM ? " (symptom)" : "");
	} else
		printf("stage:     %s%s%s\n", stage_name(r->stage),
		    r->label != NULL ? ", label " : "",
		    r->label != NULL ? r->label : "");
	printf("title:     %s\n", r->title);
	printf("origin:    %s:%ld\n", r->origin, r->origin_line);
	if (r->needle != NULL)
		printf("needle:    %s\n", r->needle);
	else if (r->nneedles > 0) {
		size_t k;

		printf("needles:   ");
		for (k = 0; k < r->nneedles; k++)
			printf("%s%s", k > 0 ? " | " : "", r->needles[k]);
		printf("\n");
	}
	if (r->needle_note != NULL)
		printf("note:      %s\n", r->needle_note);
	if (r->form == RULE_FORM_FRAMES)
		printf("matched:   a crash's decoded stack (frames)\n");
	else if (r->targets == 0)
		printf("raised by: the session model\n");
	else if (r->trigger >= 0)
		printf("fired by:  a '%s' marker\n",
		    stage_name((enum stage)r->trigger));
	else
		printf("pattern:   %s\n", r->pattern);
	if (r->has_context) {
		const struct rule_context *c = &r->ctx;
		size_t k;

		if (c->phases != 0) {
			printf("phase:    ");
			for (k = 0; k < PHASE_MAX; k++)
				if (c->phases & (1u << k))
					printf(" %s", phase_name((enum phase)k));
			printf("\n");
		}
		if (c->progress_min >= 0 || c->progress_max >= 0)
			printf("progress:  %d..%d %%\n", c->progress_min < 0 ? 0 :
			    c->progress_min, c->progress_max < 0 ? 100 :
			    c->progress_max);
		if (c->uptime_max_ms >= 0)
			printf("uptime:    at most %lld ms\n", c->uptime_max_ms);
		if (c->reset != NULL)
			printf("reset:     %s\n", c->reset);
		if (c->count_min > 0)
			printf("count:     at least %d%s\n", c->count_min,
			    c->count_within_ms >= 0 ? " within the window" : "");
		for (k = 0; k < c->nrequires; k++)
			printf("requires:  %s%s%s\n", c->requires[k].rule != NULL ?
			    c->requires[k].rule : "", c->requires[k].stage >= 0 ?
			    stage_name((enum stage)c->requires[k].stage) : "",
			    c->requires[k].label != NULL ? c->requires[k].label :
			    "");
		for (k = 0; k < c->nexcludes; k++)
			printf("excludes:  %s%s%s\n", c->excludes[k].rule != NULL ?
			    c->excludes[k].rule : "", c->excludes[k].stage >= 0 ?
			    stage_name((enum stage)c->excludes[k].stage) : "",
			    c->excludes[k].label != NULL ? c->excludes[k].label :
			    "");
	}
	if (r->levels != NULL)
		printf("level:     %s\n", r->levels);
	if (r->tag_pattern != NULL)
		printf("tag:       %s\n", r->tag_pattern);
	if (r->message != NULL)
		printf("message:   %s\n", r->message);
	if (r->remedy != NULL)
		printf("remedy:    %s\n", r->remedy);
	for (i = 0; i < r->nkconfig; i++)
		printf("kconfig:   %s: %s%s%s\n", r->kconfig[i].option,
		    r->kconfig[i].action, r->kconfig[i].value != NULL ? " " : "",
		    r->kconfig[i].value != NULL ? r->kconfig[i].value : "");
	for (i = 0; i < r->nreferences; i++)
		printf("reference: %s\n", r->references[i]);
	for (i = 0; i < r->nmatch; i++)
		printf("matches:   %s\n", r->match[i].line);
	for (i = 0; i < r->nno_match; i++)
		printf("not:       %s\n", r->no_match[i].line);
	ruleset_free(rs);
	return EXIT_OK;
}

/*
 * test and check: the rule options, each path operand one more --rules;
 * the rule set, compiled into *m.  NULL with *status set when not.
 */
static struct ruleset *
load_compiled(const struct cli_spec *spec, const struct cmd *cmd,
    void *ctx, struct cli_common *c, int argc, char **argv,
    struct matcher **m, int *status)
{
	struct ruleset *rs;
	struct diag_err err;
	int k, nops;

	*m = NULL;
	cli_common_init(c);
	if ((*status = parse_sub(spec, cmd, ctx, c, argc, argv, 0, -1,
	    &nops)) >= 0)
		return NULL;
	*status = EXIT_USAGE;
	for (k = 0; k < nops; k++)
		if (cli_add_rule_path(c, spec->name, argv[k]) != 0)
			return NULL;
	if ((rs = cli_load_rules(c)) == NULL)
		return NULL;
	if ((*m = matcher_new_flags(rs, MATCHER_EAGER, &err)) == NULL) {
		diag_print(stderr, &err);
		ruleset_free(rs);
		return NULL;
	}
	return rs;
}

/* Builds the record an example stands for. */
static void
example_record(struct record_parser *p, const struct rule *r,
    const struct rule_example *x, struct record *rec)
{
	int job = (r->targets & RULE_TARGET_JOB) && (x->field != NULL ||
	    !(r->targets & RULE_TARGET_LOG));

	const char *line = x->line;
	size_t len = strlen(line);

	/* an example is one line: surrounding line ends are not part of it */
	while (len > 0 && (*line == '\r' || *line == '\n')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	record_parse(p, 1, line, len, 0, rec);
	if (job) {
		rec->fmt = RECORD_JOB;
		rec->level = 0;
		rec->msg = rec->text;
		rec->tag = "";
		rec->field = x->field != NULL ? x->field : r->field != NULL ?
		    r->field : "additional_info";
		rec->node = 0;
	}
}

static int
icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, k;

	for (i = 0; hay[i] != '\0'; i++) {
		for (k = 0; k < n && hay[i + k] != '\0' &&
		    tolower((unsigned char)hay[i + k]) ==
		    tolower((unsigned char)needle[k]); k++)
			;
		if (k == n)
			return 1;
	}
	return n == 0;
}

static int
declared(const struct rule *a, const struct rule *b)
{
	size_t i;

	for (i = 0; i < a->noverlaps; i++)
		if (strcmp(a->overlaps[i], b->id) == 0)
			return 1;
	for (i = 0; i < b->noverlaps; i++)
		if (strcmp(b->overlaps[i], a->id) == 0)
			return 1;
	return 0;
}

struct stage_hit {
	int	 stage;
	int	 hit;
};

static int
on_stage(void *ctx, const struct record *rec, const struct match *m)
{
	struct stage_hit *h = ctx;

	(void)rec;
	if (m->rule->kind == RULE_KIND_MARKER && (int)m->rule->stage == h->stage)
		h->hit = 1;
	/* "failed": any line an error rule matches can fail a session */
	if (h->stage == STAGE_FAILED && m->rule->kind == RULE_KIND_RULE &&
	    m->rule->severity == RULE_ERROR && m->rule->trigger < 0)
		h->hit = 1;
	return 0;
}

/* Rule r on an example: 1 if it matches (a stage rule: a marker of its
   stage matches), filling mt for pattern rules. */
/* Whether text holds one of r's needles. */
static int
has_needle(const struct rule *r, const char *text)
{
	size_t k;

	for (k = 0; k < r->nneedles; k++)
		if (icontains(text, r->needles[k]))
			return 1;
	return 0;
}

static int
example_matches(struct matcher *m, const struct rule *r,
    const struct record *rec, struct match *mt)
{
	struct stage_hit h;

	if (r->trigger < 0)
		return matcher_run_rule(m, r, rec, mt) == 1;
	h.stage = r->trigger;
	h.hit = 0;
	matcher_run(m, rec, on_stage, &h);
	mt->ncaps = 0;
	return h.hit;
}

struct claim {
	const struct rule *self;
	const struct rule *other;
};

static int
on_claim(void *ctx, const struct record *rec, const struct match *m)
{
	struct claim *c = ctx;

	(void)rec;
	/* rules of one tier must not claim each other's lines; a generic
	   rule under a specific one is the layering (the specific wins) */
	if (m->rule != c->self && m->rule->kind == RULE_KIND_RULE &&
	    c->self->kind == RULE_KIND_RULE && !declared(c->self, m->rule) &&
	    m->rule->generic == c->self->generic && c->other == NULL)
		c->other = m->rule;
	return 0;
}

/* A stack example as frames (names borrowed from the example). */
static struct frame *
example_stack(const struct rule_example *x)
{
	struct frame *f = xcalloc(x->nstack, sizeof(*f));
	size_t i;

	for (i = 0; i < x->nstack; i++)
		f[i].function = (char *)x->stack[i];
	return f;
}

/*
 * A frames rule's examples: each match stack satisfies its condition, no
 * no_match stack does ("of", the finding's cause, is not part of it).
 * Returns the failures, counting the examples in *nex.
 */
static size_t
test_stacks(const struct rule *r, size_t *nex)
{
	const struct frame *m;
	size_t k, i, nfail = 0;

	for (k = 0; k < r->nmatch + r->nno_match; k++) {
		int want = k < r->nmatch;
		const struct rule_example *x = want ? &r->match[k] :
		    &r->no_match[k - r->nmatch];
		struct frame *f = example_stack(x);

		(*nex)++;
		if (frames_match(&r->frames, f, x->nstack, &m) != want) {
			printf("FAIL %s (%s:%ld): %s example %zu %s: stack",
			    r->id, r->origin, r->origin_line, want ? "match" :
			    "no_match", want ? k + 1 : k - r->nmatch + 1,
			    want ? "does not match" : "matches");
			for (i = 0; i < x->nstack; i++)
				printf(" #%zu %s", i, x->stack[i]);
			printf("\n");
			nfail++;
		}
		free(f);
	}
	return nfail;
}

static int
cmd_rules_test(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common o;
	struct ruleset *rs;
	struct matcher *m;
	struct record_parser *p;
	size_t i, k, c, nfail = 0, nex = 0, ntested = 0;
	int user, status;

	if ((rs = load_compiled(&test_spec, cmd, NULL, &o, argc, argv, &m,
	    &status)) == NULL)
		return status;
	user = o.nrule_paths > 0;
	p = record_parser_new();
	for (i = 0; i < ruleset_count(rs); i++) {
		const struct rule *r = ruleset_get(rs, i);

		if (user && strncmp(r->origin, "rules/", 6) == 0 &&
		    ruleset_find(rs, r->id) == r &&
		    strchr(r->origin, '/') == r->origin + 5) {
			/* built-in rule, not under test */
			int from_user = 0;

			for (k = 0; k < o.nrule_paths; k++)
				if (strncmp(r->origin, o.rule_paths[k],
				    strlen(o.rule_paths[k])) == 0)
					from_user = 1;
			if (!from_user)
				continue;
		}
		ntested++;
		if (r->form == RULE_FORM_FRAMES) {
			nfail += test_stacks(r, &nex);
			continue;
		}
		for (k = 0; k < r->nmatch; k++) {
			const struct rule_example *x = &r->match[k];
			struct record rec;
			struct match mt;
			struct claim cl = {r, NULL};

			nex++;
			example_record(p, r, x, &rec);
			if (r->nneedles > 0 && !has_needle(r, rec.text)) {
				printf("FAIL %s (%s:%ld): match example %zu does not "
				    "contain %s '%s': %s\n", r->id, r->origin,
				    r->origin_line, k + 1, r->nneedles > 1 ?
				    "any of the needles, e.g." : "the needle",
				    r->needles[0], x->line);
				nfail++;
			}
			if (!example_matches(m, r, &rec, &mt)) {
				printf("FAIL %s (%s:%ld): match example %zu does not "
				    "match: %s\n", r->id, r->origin, r->origin_line,
				    k + 1, x->line);
				nfail++;
				continue;
			}
			for (c = 0; c < x->ncaps; c++) {
				size_t j;
				const char *got = NULL;

				for (j = 0; j < mt.ncaps; j++)
					if (strcmp(mt.cap_names[j], x->cap_names[c]) == 0)
						got = mt.cap_values[j];
				if (got == NULL || strcmp(got, x->cap_values[c]) != 0) {
					printf("FAIL %s (%s:%ld): match example %zu: "
					    "capture '%s' is '%s', expected '%s'\n",
					    r->id, r->origin, r->origin_line, k + 1,
					    x->cap_names[c], got != NULL ? got :
					    "(none)", x->cap_values[c]);
					nfail++;
				}
			}
			if (r->trigger < 0)
				matcher_run(m, &rec, on_claim, &cl);
			if (cl.other != NULL) {
				printf("FAIL %s (%s:%ld): match example %zu is also "
				    "claimed by '%s' (%s); make one rule more specific "
				    "or declare it in \"overlaps\": %s\n", r->id,
				    r->origin, r->origin_line, k + 1, cl.other->id,
				    cl.other->cause, x->line);
				nfail++;
			}
		}
		for (k = 0; k < r->nno_match; k++) {
			const struct rule_example *x = &r->no_match[k];
			struct record rec;
			struct match mt;

			nex++;
			example_record(p, r, x, &rec);
			if (example_matches(m, r, &rec, &mt)) {
				printf("FAIL %s (%s:%ld): no_match example %zu "
				    "matches: %s\n", r->id, r->origin, r->origin_line,
				    k + 1, x->line);
				nfail++;
			}
		}
	}
	printf("%zu rules, %zu examples: %zu passed, %zu failed\n", ntested, nex,
	    nex - (nfail > nex ? nex : nfail), nfail);
	record_parser_free(p);
	matcher_free(m);
	ruleset_free(rs);
	return nfail > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* rules check --log: how often each rule's needles hit a log's lines. */
struct needle_hits {
	unsigned long	*hits;		/* per rule: lines holding a needle */
	unsigned long	*matched;	/* ... of them, lines it matched */
	unsigned long	 nlines;
	uint32_t	*cand;		/* a line's candidates, one per rule */
	struct record_parser *parser;
	struct matcher	*m;
	const struct ruleset *rs;
};

static int
hits_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct needle_hits *h = ctx;
	struct record rec;
	struct match mt;
	const uint32_t *idx;
	uint32_t *cand = h->cand;
	size_t n, k;

	(void)flags;
	h->nlines++;
	record_parse(h->parser, h->nlines, line, len, 0, &rec);
	/* at most one per rule; copied, as a rule's run reuses idx */
	n = matcher_candidates(h->m, &rec, &idx);
	memcpy(cand, idx, n * sizeof(*cand));
	for (k = 0; k < n; k++) {
		h->hits[cand[k]]++;
		if (matcher_run_rule(h->m, ruleset_get(h->rs, cand[k]), &rec,
		    &mt) == 1)
			h->matched[cand[k]]++;
	}
	return 0;
}

/* Counts into h the needle hits of every line of path; 0 or -1. */
static int
count_hits(struct needle_hits *h, const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct linesplit *ls;
	char buf[65536];
	size_t n;
	int bad;

	if (fp == NULL) {
		diag_input_error(path, "%s", strerror(errno));
		return -1;
	}
	ls = linesplit_new(0);
	h->parser = record_parser_new();
	h->cand = xcalloc(ruleset_count(h->rs) + 1, sizeof(*h->cand));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		linesplit_feed(ls, buf, n, hits_line, h);
	linesplit_flush(ls, hits_line, h);
	bad = ferror(fp);
	if (bad)
		diag_input_error(path, "%s", strerror(errno));
	fclose(fp);
	linesplit_free(ls);
	record_parser_free(h->parser);
	free(h->cand);
	return bad ? -1 : 0;
}

static int
cmd_rules_check(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common o;
	struct check_opts co = {NULL, 1};
	struct needle_hits h;
	struct ruleset *rs;
	struct matcher *m;
	size_t i, k, nwarn = 0, nchecked = 0, nrejected = 0;
	int status;

	if ((rs = load_compiled(&check_spec, cmd, &co, &o, argc, argv, &m,
	    &status)) == NULL)
		return status;
	memset(&h, 0, sizeof(h));
	if (co.log != NULL) {
		h.hits = xcalloc(ruleset_count(rs) + 1, sizeof(*h.hits));
		h.matched = xcalloc(ruleset_count(rs) + 1, sizeof(*h.matched));
		h.m = m;
		h.rs = rs;
		if (count_hits(&h, co.log) != 0) {
			free(h.hits);
			free(h.matched);
			matcher_free(m);
			ruleset_free(rs);
			return EXIT_INPUT;
		}
	}
	for (i = 0; i < ruleset_count(rs); i++) {
		const struct rule *r = ruleset_get(rs, i);

		/* given files: their rules only, not the built-in ones */
		if (o.nrule_paths > 0 && !r->user)
			continue;
		nchecked++;
		if (r->trigger >= 0 || r->targets == 0 ||
		    r->form == RULE_FORM_FRAMES) {
			/* fired by markers or the session model: no needle */
		} else if (r->nneedles == 0) {
			printf("%s:%ld: warning: rule '%s' has no needle: its pattern "
			    "runs on every line\n", r->origin, r->origin_line, r->id);
			nwarn++;
		} else if (r->needle_note == NULL) {
			for (k = 0; k < r->nneedles; k++)
				if (strlen(r->needles[k]) < 4)
					break;
			if (k < r->nneedles) {
				printf("%s:%ld: error: rule '%s': needle '%s' is "
				    "shorter than 4 bytes: make it longer or say why "
				    "in needle_note\n", r->origin, r->origin_line,
				    r->id, r->needles[k]);
				nrejected++;
			}
			/* a needle that brings the pattern to many lines it
			   does not match: the cost the prefilter is there to
			   save (lines the rule matches are its work) */
			if (h.nlines > 0 && (r->targets & RULE_TARGET_LOG) &&
			    (h.hits[i] - h.matched[i]) * 100.0 >
			    (double)co.max_rate * (double)h.nlines) {
				printf("%s:%ld: error: rule '%s': its needles hit "
				    "%.1f %% of the lines of %s, its pattern matches "
				    "%.1f %% (at most %d %% may be misses): make them "
				    "more selective (needles) or say why in "
				    "needle_note\n", r->origin, r->origin_line,
				    r->id, 100.0 * (double)h.hits[i] /
				    (double)h.nlines, co.log, 100.0 *
				    (double)h.matched[i] / (double)h.nlines,
				    co.max_rate);
				nrejected++;
			}
		}
		if (r->kind == RULE_KIND_RULE && r->nno_match == 0) {
			printf("%s:%ld: warning: rule '%s' has no no_match example\n",
			    r->origin, r->origin_line, r->id);
			nwarn++;
		}
	}
	if (co.log != NULL) {
		unsigned long any = 0;

		for (i = 0; i < ruleset_count(rs); i++)
			any += h.hits[i];
		printf("%s: %lu lines, %lu needle hits (%.2f per line)\n",
		    co.log, h.nlines, any, h.nlines > 0 ? (double)any /
		    (double)h.nlines : 0.0);
	}
	printf("%zu rules and markers checked, %zu warnings, %zu needles "
	    "rejected\n", nchecked, nwarn, nrejected);
	free(h.hits);
	free(h.matched);
	matcher_free(m);
	ruleset_free(rs);
	return nrejected > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* The rule fields, then the cause table and the stages markers announce. */
static int
rules_fields(void)
{
	size_t i;
	int st;

	printf("fields (name, kinds, JSON type, required):\n");
	for (i = 0; i < schema_count(); i++) {
		const struct schema_field *f = schema_get(i);

		printf("  %-11s %-14s %-16s %s\n      %s\n", f->name,
		    schema_kinds_name(f->kinds), schema_type_name(f->type),
		    f->required != NULL ? f->required : "no", f->desc);
	}
	printf("\ncauses (id, class, meaning):\n");
	for (i = 0; i < cause_count(); i++)
		printf("  %-23s %-9s %s\n", cause_id(i),
		    cause_class_name(cause_class(cause_id(i))), cause_text(i));
	printf("\nstages (markers' \"stage\"):\n ");
	for (st = 1; st < STAGE_MAX; st++)
		printf(" %s", stage_name((enum stage)st));
	printf("\n");
	return ferror(stdout) ? EXIT_INPUT : EXIT_OK;
}

/* The update model's transition table, one row a line. */
static int
rules_model(void)
{
	static const char *const guards[MG_MAX] = {
		[MG_ANY] = "", [MG_ABNORMAL] = "abnormal reset",
		[MG_NORMAL_COMPLETE] = "normal reset, all bytes in",
		[MG_NEW] = "new image", [MG_OLD] = "old image",
		[MG_FRESH_NEW] = "new version, first story",
		[MG_COMPLETE] = "all bytes in",
		[MG_HOST_COMPLETE] = "host sent all bytes",
		[MG_PROGRESSED] = "had progress",
		[MG_WENT_BACK] = "progress went back",
		[MG_REPORTED] = "success reported",
		[MG_ANNOUNCED] = "success reported or restart announced",
		[MG_CRASH] = "class crash", [MG_ROLLBACK] = "class rollback",
		[MG_REFUSAL] = "class refusal or policy",
		[MG_BAD_IMAGE] = "class image",
		[MG_IMAGE] = "class image, refusal, policy, host, activity",
		[MG_EXPLAINS] = "class crash or memory, same boot",
		[MG_CLOUD] = "class cloud",
		[MG_FRESH] = "no update took place yet",
		[MG_HINTED] = "update work logged in this boot",
		[MG_HINTED_ABNORMAL] = "abnormal, update work logged in the boot",
	};
	static const struct {
		unsigned	 bit;
		const char	*name;
	} effects[] = {
		{MF_OPEN, "new-session"}, {MF_FIRE, "fire-failed"},
		{MF_RAISE_RESET, "raise-reset"}, {MF_RAISE_CRASH, "raise-crash"},
		{MF_RAISE_ROLLBACK, "raise-rollback"},
		{MF_RAISE_NOT_TAKEN, "raise-not-taken"},
		{MF_RAISE_STALLED, "raise-stalled"}, {MF_BENIGN, "benign"},
		{MF_COUNT_RESET, "count-reset"},
		{MF_RAISE_NO_UPDATE, "raise-no-update"},
	};
	size_t n, i, k;
	const struct mrow *t = model_table(&n);
	int st;

	for (i = 0; i < n; i++) {
		const char *sep = "";

		printf("%3zu  ", i + 1);
		for (st = 0; st < MS_MAX; st++)
			if (t[i].from & (1u << st)) {
				printf("%s%s", sep, model_state_name((enum mstate)st));
				sep = "|";
			}
		printf(" + %s", model_event_name(t[i].ev));
		if (guards[t[i].guard] != NULL && guards[t[i].guard][0] != '\0')
			printf(" [%s]", guards[t[i].guard]);
		printf(" -> %s", t[i].to == MS_STAY ? "(stays)" :
		    model_state_name(t[i].to));
		for (k = 0; k < sizeof(effects) / sizeof(effects[0]); k++)
			if (t[i].effects & effects[k].bit)
				printf(", %s", effects[k].name);
		printf("\n     %s\n", t[i].why);
	}
	return ferror(stdout) ? EXIT_INPUT : EXIT_OK;
}

static int
cmd_rules_fields(const struct cmd *cmd, int argc, char **argv)
{
	int rc, nops;

	if ((rc = parse_sub(&fields_spec, cmd, NULL, NULL, argc, argv, 0, 0,
	    &nops)) >= 0)
		return rc;
	return rules_fields();
}

static int
cmd_rules_model(const struct cmd *cmd, int argc, char **argv)
{
	int rc, nops;

	if ((rc = parse_sub(&model_spec, cmd, NULL, NULL, argc, argv, 0, 0,
	    &nops)) >= 0)
		return rc;
	return rules_model();
}

/* The rules subcommands; a row's flags as in main.c's command table. */
static const struct cmd rules_cmds[] = {
	{"list", cmd_rules_list, CMD_RULES, "list the rules"},
	{"show", cmd_rules_show, 0, "show one built-in rule"},
	{"test", cmd_rules_test, CMD_RULES, "run the rules' examples"},
	{"check", cmd_rules_check, CMD_RULES, "lint rule files"},
	{"fields", cmd_rules_fields, 0, "the rule fields"},
	{"model", cmd_rules_model, 0, "the update model"},
};

int
cmd_rules(const struct cmd *cmd, int argc, char **argv)
{
	size_t i;

	(void)cmd;
	if (argc < 2) {
		fputs(rules_spec.usage, stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(rules_cmds) / sizeof(rules_cmds[0]); i++)
		if (strcmp(argv[1], rules_cmds[i].name) == 0)
			return rules_cmds[i].fn(&rules_cmds[i], argc - 1,
			    argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_help(stdout, &rules_spec, CMD_RULES);
		return EXIT_OK;
	}
	if (argv[1][0] == '-') {
		cli_usage_error("rules", "unknown option '%.*s' (give a rules "
		    "command first)", (int)strcspn(argv[1], "="), argv[1]);
		return EXIT_USAGE;
	}
	cli_usage_error("rules", "unknown rules command '%s'", argv[1]);
	return EXIT_USAGE;
}
