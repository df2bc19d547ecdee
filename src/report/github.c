/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitHub Actions writer: workflow commands that become annotations, and a
 * Markdown summary appended to $GITHUB_STEP_SUMMARY (report_opts.summary_path).
 *
 *   ::error file=logs/dut1.log,line=812,title=TITLE [rule-id]::message
 *
 * Escaping (actions/toolkit): in the message, % CR LF become %25 %0D %0A;
 * in property values also : and , become %3A and %2C.  Severity error ->
 * ::error, warning -> ::warning, info -> ::notice.  GitHub shows at most 10
 * annotations of each level per step, so at most 10 per level are written
 * (primary causes first) and one final ::notice says how many were left
 * out.  Findings that are consequences of another are not annotated; the
 * summary lists them.  The findings of a job's nodes summarised, not
 * listed (result.h: node_summary) are not annotated either: one ::notice
 * per such job counts them by severity, among the first notices so it is
 * never left out.  The limits (10 error, 10 warning and 10 notice
 * annotations per step, 50 per job) are actions/toolkit's
 * docs/problem-matchers.md, "Limitations".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "diag.h"
#include "report.h"
#include "sanitize.h"
#include "report_util.h"
#include "result.h"
#include "ruleset.h"
#include "strbuf.h"
#include "xalloc.h"

#define GH_MAX_PER_LEVEL	10
#define GH_SUMMARY_MAX		(900u * 1024u)	/* GitHub caps it at 1 MiB */

enum gh_level { GH_ERROR = 0, GH_WARNING, GH_NOTICE, GH_NLEVELS };

static const char *const gh_level_names[GH_NLEVELS] = {
	"error", "warning", "notice",
};

struct gh_note {
	enum gh_level	 level;
	const char	*path;		/* input path or NULL */
	unsigned long	 line;		/* 0 = none */
	char		*title;
	char		*msg;
};

struct gh_notes {
	struct gh_note	*v;
	size_t		 n, cap;
};

/* Sanitised text (no control sequences), its line ends kept. */
static void
gh_clean(struct strbuf *out, const char *raw)
{
	while (raw != NULL && *raw != '\0') {
		size_t n = strcspn(raw, "\r\n");

		sanitize_append(out, raw, n);
		raw += n;
		if (*raw != '\0')
			strbuf_addch(out, *raw++);
	}
}

static void
gh_esc(struct strbuf *sb, const char *raw, int prop)
{
	struct strbuf clean = STRBUF_INIT;
	const char *s;

	/* a path or text may carry control sequences: never into the log;
	   line ends stay, to be escaped below */
	gh_clean(&clean, raw);
	for (s = clean.buf; *s != '\0'; s++) {
		switch (*s) {
		case '%':
			strbuf_addstr(sb, "%25");
			break;
		case '\r':
			strbuf_addstr(sb, "%0D");
			break;
		case '\n':
			strbuf_addstr(sb, "%0A");
			break;
		case ':':
			strbuf_addstr(sb, prop ? "%3A" : ":");
			break;
		case ',':
			strbuf_addstr(sb, prop ? "%2C" : ",");
			break;
		default:
			strbuf_addch(sb, *s);
			break;
		}
	}
	strbuf_release(&clean);
}

/* Path relative to the working directory when under it. */
static const char *
gh_relpath(const char *path, const char *cwd)
{
	const char	*rel;

	if (path[0] == '/' && (rel = report_util_under_cwd(path, cwd)) != NULL)
		return rel;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static void
gh_add(struct gh_notes *ns, enum gh_level lv, const char *path,
    unsigned long line, char *title, char *msg)
{
	struct gh_note *n;

	ns->v = xgrow(ns->v, &ns->cap, ns->n + 1, sizeof(*ns->v));
	n = &ns->v[ns->n++];
	n->level = lv;
	n->path = path != NULL && strcmp(path, "-") != 0 ? path : NULL;
	n->line = line;
	n->title = title;
	n->msg = msg;
}

static enum gh_level
gh_level_of(enum rule_severity s)
{
	return s >= RULE_ERROR ? GH_ERROR : s == RULE_WARNING ? GH_WARNING :
	    GH_NOTICE;
}

static void
gh_finding(struct gh_notes *ns, const struct input_result *r,
    const struct finding *f)
{
	const struct rule *ru = f->rule;
	struct strbuf	 m = STRBUF_INIT;
	unsigned long	 line = f->line;
	size_t		 i;

	if (r->kind == INPUT_JOB && f->node >= 0 &&
	    (size_t)f->node < r->nnodes && r->nodes[f->node].line > 0)
		line = r->nodes[f->node].line;
	strbuf_addstr(&m, f->message != NULL && *f->message != '\0' ?
	    f->message : report_util_title(f));
	strbuf_addf(&m, "\ncause: %s", report_util_cause(f));
	if (f->text != NULL && *f->text != '\0')
		strbuf_addf(&m, "\nevidence (line %lu): %s", f->line, f->text);
	if (f->count > 1)
		strbuf_addf(&m, " (%zu times)", f->count);
	if (f->remedy != NULL)
		strbuf_addf(&m, "\nremedy: %s", f->remedy);
	for (i = 0; ru != NULL && i < ru->nkconfig; i++)
		strbuf_addf(&m, "\nkconfig: %s %s%s%s", ru->kconfig[i].option,
		    ru->kconfig[i].action, ru->kconfig[i].value != NULL ?
		    " " : "", ru->kconfig[i].value != NULL ?
		    ru->kconfig[i].value : "");
	gh_add(ns, gh_level_of(f->severity), r->path, line,
	    xasprintf("%s [%s]", report_util_title(f), report_util_rule_id(f)),
	    strbuf_detach(&m));
}

/* The notice for the findings of a job's summarised nodes. */
static void
gh_summarised(struct gh_notes *ns, const struct input_result *r,
    const struct report_opts *o)
{
	const struct node_summary *sm = &r->nodes_summarised;
	size_t n, acc = 0, nnew = 0;
	struct strbuf m = STRBUF_INIT;

	if (r->kind != INPUT_JOB || sm->n == 0)
		return;
	n = sm->by_severity[RULE_ERROR] + sm->by_severity[RULE_WARNING] +
	    sm->by_severity[RULE_INFO];
	strbuf_addf(&m, "%zu finding%s of %zu nodes summarised, not listed, "
	    "%s not annotated (%zu error, %zu warning, %zu notice; "
	    "consequences not counted)", n, n == 1 ? "" : "s", sm->n,
	    n == 1 ? "is" : "are", sm->by_severity[RULE_ERROR],
	    sm->by_severity[RULE_WARNING], sm->by_severity[RULE_INFO]);
	if (o != NULL && !o->fail_never && (int)o->fail_on >= 0) {
		nnew = baseline_count_summarised(o->baseline, r, o->fail_on,
		    &acc, NULL);
		strbuf_addf(&m, "; %zu at or above %s fail the gate", nnew,
		    rule_severity_name(o->fail_on));
		if (acc > 0)
			strbuf_addf(&m, ", %zu more accepted by the baseline",
			    acc);
	}
	strbuf_addstr(&m, "; the JSON report counts them by fingerprint "
	    "(nodes_summarised)");
	gh_add(ns, GH_NOTICE, r->path, 0,
	    xstrdup("otadiag: findings of nodes summarised"),
	    strbuf_detach(&m));
}

/* Annotations for one input: errors, expectations, then findings. */
static void
gh_collect(struct gh_notes *ns, const struct input_result *r,
    const struct report_opts *o, int primaries)
{
	const char	*got = outcome_name(r->outcome);
	size_t		 i;

	if (primaries && r->error)
		gh_add(ns, GH_ERROR, r->path, 0,
		    xstrdup("otadiag: input error"),
		    xstrdup(r->error_text != NULL ? r->error_text :
		    "input could not be read"));
	if (primaries && o != NULL && o->expect != NULL &&
	    strcmp(o->expect, got) != 0) {
		char	*msg;

		if (r->nsessions == 0 && r->kind == INPUT_LOG &&
		    (r->outcome == OUTCOME_UNKNOWN ||
		    r->outcome == OUTCOME_NOT_ATTEMPTED))
			msg = xasprintf("expected outcome %s, but the log shows "
			    "no OTA update", o->expect);
		else
			msg = xasprintf("expected outcome %s, got %s%s%s",
			    o->expect, got, r->primary != NULL ? ": " : "",
			    r->primary != NULL ? r->primary->cause : "");
		gh_add(ns, GH_ERROR, r->path, 0,
		    xasprintf("otadiag: expected %s", o->expect), msg);
	} else if (primaries && (r->outcome == OUTCOME_FAILED ||
	    r->outcome == OUTCOME_ROLLED_BACK) && r->nfindings == 0)
		gh_add(ns, GH_ERROR, r->path, 0,
		    xasprintf("otadiag: OTA update %s", got),
		    xasprintf("the OTA update %s and no rule explains why "
		    "(cause unknown)", got));
	if (primaries)
		gh_summarised(ns, r, o);
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = r->findings[i];

		if (f->consequence_of != NULL)
			continue;
		if ((f->primary != 0) == (primaries != 0))
			gh_finding(ns, r, f);
	}
}

static void
gh_print(FILE *fp, const struct gh_note *n, const char *cwd)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 sep = ' ';

	strbuf_addf(&sb, "::%s", gh_level_names[n->level]);
	if (n->path != NULL) {
		strbuf_addstr(&sb, " file=");
		gh_esc(&sb, gh_relpath(n->path, cwd), 1);
		sep = ',';
		if (n->line > 0)
			strbuf_addf(&sb, ",line=%lu", n->line);
	}
	strbuf_addf(&sb, "%ctitle=", sep);
	gh_esc(&sb, n->title, 1);
	strbuf_addstr(&sb, "::");
	gh_esc(&sb, n->msg, 0);
	strbuf_addch(&sb, '\n');
	fputs(sb.buf, fp);
	strbuf_release(&sb);
}

/* A Markdown table cell: no pipes, no raw HTML, no line breaks. */
static void
gh_md_cell(struct strbuf *sb, const char *raw)
{
	struct strbuf clean = STRBUF_INIT;
	const char *s;

	gh_clean(&clean, raw);
	for (s = clean.buf; *s != '\0'; s++) {
		switch (*s) {
		case '|':
			strbuf_addstr(sb, "\\|");
			break;
		case '<':
			strbuf_addstr(sb, "&lt;");
			break;
		case '>':
			strbuf_addstr(sb, "&gt;");
			break;
		case '&':
			strbuf_addstr(sb, "&amp;");
			break;
		case '`':
		case '*':
		case '_':
		case '[':
		case ']':
		case '\\':
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, *s);
			break;
		case '\r':
			break;
		case '\n':
			strbuf_addstr(sb, "<br>");
			break;
		default:
			strbuf_addch(sb, *s);
			break;
		}
	}
	strbuf_release(&clean);
}

static void
gh_summary_build(struct strbuf *md, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	size_t	 i, j, failed = 0;

	for (i = 0; i < n; i++)
		if (in[i]->error || in[i]->outcome == OUTCOME_FAILED ||
		    in[i]->outcome == OUTCOME_ROLLED_BACK ||
		    (o != NULL && o->expect != NULL &&
		    strcmp(o->expect, outcome_name(in[i]->outcome)) != 0))
			failed++;
	strbuf_addf(md, "### otadiag: %zu input%s, %zu not passing\n\n", n,
	    n == 1 ? "" : "s", failed);
	strbuf_addstr(md, "| Input | Outcome | Primary cause | Errors | "
	    "Warnings | Info |\n|---|---|---|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		const struct input_result *r = in[i];
		size_t	 c[3] = { 0, 0, 0 };

		for (j = 0; j < r->nfindings; j++)
			if (r->findings[j]->consequence_of == NULL)
				c[gh_level_of(r->findings[j]->severity)]++;
		/* the nodes summarised, not listed, count too */
		for (j = 0; r->kind == INPUT_JOB && j <= RULE_ERROR; j++)
			c[gh_level_of((enum rule_severity)j)] +=
			    r->nodes_summarised.by_severity[j];
		strbuf_addstr(md, "| ");
		gh_md_cell(md, r->path);
		strbuf_addstr(md, " | ");
		if (r->error) {
			strbuf_addstr(md, "**input error**: ");
			gh_md_cell(md, r->error_text);
		} else
			strbuf_addstr(md, outcome_name(r->outcome));
		if (o != NULL && o->expect != NULL &&
		    strcmp(o->expect, outcome_name(r->outcome)) != 0)
			strbuf_addf(md, " (expected %s)", o->expect);
		strbuf_addstr(md, " | ");
		if (r->primary != NULL)
			strbuf_addf(md, "`%s`", r->primary->cause);
		else
			strbuf_addstr(md, "none");
		strbuf_addf(md, " | %zu | %zu | %zu |\n", c[0], c[1], c[2]);
	}
	for (i = 0; i < n && md->len < GH_SUMMARY_MAX; i++) {
		const struct input_result *r = in[i];

		if (r->nfindings == 0)
			continue;
		strbuf_addstr(md, "\n#### ");
		gh_md_cell(md, r->path);
		strbuf_addstr(md, "\n\n| Severity | Line | Rule | Cause | "
		    "Finding | Evidence |\n|---|---:|---|---|---|---|\n");
		for (j = 0; j < r->nfindings; j++) {
			const struct finding *f = r->findings[j];

			if (md->len >= GH_SUMMARY_MAX) {
				strbuf_addstr(md, "\n*Summary truncated; see "
				    "the JSON, SARIF or JUnit report.*\n");
				return;
			}
			strbuf_addf(md, "| %s%s | %lu | `%s` | `%s` | ",
			    rule_severity_name(f->severity),
			    f->primary ? " (primary)" : f->consequence_of != NULL ?
			    " (consequence)" : "", f->line,
			    report_util_rule_id(f), report_util_cause(f));
			gh_md_cell(md, f->message);
			if (f->remedy != NULL &&
			    f->consequence_of == NULL) {
				strbuf_addstr(md, "<br>**Remedy:** ");
				gh_md_cell(md, f->remedy);
			}
			strbuf_addstr(md, " | ");
			gh_md_cell(md, f->text);
			strbuf_addstr(md, " |\n");
		}
	}
}

static int
gh_summary(const char *path, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	struct strbuf	 md = STRBUF_INIT;
	FILE		*fp;
	int		 rc = 0;

	gh_summary_build(&md, in, n, o);
	if ((fp = fopen(path, "a")) == NULL) {
		rc = DIAG_EIO;
		goto out;
	}
	if (fwrite(md.buf, 1, md.len, fp) != md.len)
		rc = DIAG_EIO;
	if (fclose(fp) != 0)
		rc = DIAG_EIO;
out:
	strbuf_release(&md);
	return rc;
}

int
report_github(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	struct gh_notes	 ns = { NULL, 0, 0 };
	size_t		 total[GH_NLEVELS] = { 0, 0, 0 };
	size_t		 shown[GH_NLEVELS] = { 0, 0, 0 };
	size_t		 limit[GH_NLEVELS], i, left = 0;
	char		 cwdbuf[4096];
	char		*cwd;
	int		 rc = 0, pass;

	cwd = getcwd(cwdbuf, sizeof(cwdbuf));
	/* Primary causes (and input errors) of every input come first. */
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < n; i++)
			gh_collect(&ns, in[i], o, pass);
	for (i = 0; i < ns.n; i++)
		total[ns.v[i].level]++;
	for (i = 0; i < GH_NLEVELS; i++)
		limit[i] = GH_MAX_PER_LEVEL;
	if (total[GH_ERROR] > GH_MAX_PER_LEVEL ||
	    total[GH_WARNING] > GH_MAX_PER_LEVEL ||
	    total[GH_NOTICE] > GH_MAX_PER_LEVEL)
		limit[GH_NOTICE] = GH_MAX_PER_LEVEL - 1;	/* room for the tally */
	for (i = 0; i < ns.n; i++) {
		struct gh_note *nt = &ns.v[i];

		if (shown[nt->level] < limit[nt->level]) {
			gh_print(fp, nt, cwd);
			shown[nt->level]++;
		} else
			left++;
	}
	if (left > 0)
		fprintf(fp, "::notice title=otadiag::%zu more annotation%s not "
		    "shown (GitHub shows %d per level and step): %zu error%s, "
		    "%zu warning%s, %zu notice%s; see the step summary or the "
		    "SARIF/JUnit report\n", left, left == 1 ? "" : "s",
		    GH_MAX_PER_LEVEL,
		    total[GH_ERROR] - shown[GH_ERROR],
		    total[GH_ERROR] - shown[GH_ERROR] == 1 ? "" : "s",
		    total[GH_WARNING] - shown[GH_WARNING],
		    total[GH_WARNING] - shown[GH_WARNING] == 1 ? "" : "s",
		    total[GH_NOTICE] - shown[GH_NOTICE],
		    total[GH_NOTICE] - shown[GH_NOTICE] == 1 ? "" : "s");
	for (i = 0; i < ns.n; i++) {
		free(ns.v[i].title);
		free(ns.v[i].msg);
	}
	free(ns.v);
	if (fflush(fp) != 0 || ferror(fp))
		rc = DIAG_EIO;
	if (o != NULL && o->summary_path != NULL && *o->summary_path != '\0' &&
	    gh_summary(o->summary_path, in, n, o) != 0)
		rc = DIAG_EIO;
	return rc;
}
