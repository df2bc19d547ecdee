/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JUnit XML writer, for GitLab (artifacts:reports:junit), Jenkins and other
 * test report viewers.  Valid against the Jenkins xUnit junit-10.xsd
 * (tests/schemas/junit-10.xsd); the mapping is in otadiag-report(5).
 *
 * One <testsuite> per input.  In it:
 *  - "input": only when the input could not be read; a <failure
 *    type="error"> (the XSD has no <error> element), counted in errors;
 *  - one case per finding, a <failure> when the finding is at or above the
 *    --fail-on threshold and is not a consequence of another finding,
 *    otherwise passing with the details in <system-out>;
 *  - one case per job node ("node ID"), failing when the node failed;
 *  - "outcome": failing when --expect is set and not met, or (without
 *    --expect) when the update failed or was rolled back.
 * Names are unique within a suite; classname is "otadiag." plus the input
 * path with dots replaced by underscores (Jenkins splits on dots).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "baseline.h"
#include "escape.h"
#include "report.h"
#include "report_util.h"
#include "result.h"
#include "ruleset.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"

#ifndef OTADIAG_VERSION
#define OTADIAG_VERSION "0.0.0"
#endif

/* A suite's counts: the first pass over a result computes them (fp NULL),
 * the second writes the suite with them in its <testsuite> and each case
 * as it comes, so no suite is ever held in memory. */
struct junit_counts {
	unsigned	 tests, failures, errors;
};

struct junit_suite {
	FILE		*fp;		/* NULL: only count */
	struct strbuf	 body;		/* the case being written */
	struct strmap	 names;		/* test names used, each counted */
	char		*name;		/* the last unique name */
	char		*classname;
	unsigned	 tests, failures, errors;
};

/*
 * Appends s, escaped for XML 1.0 text (attr = 0) or a double-quoted
 * attribute (attr = 1).  Characters XML 1.0 forbids are written as
 * "\xNN" / "\u{NNNN}" text; invalid UTF-8 bytes as "\xNN".
 */
static void
junit_esc(struct strbuf *sb, const char *str, int attr)
{
	const unsigned char *s = (const unsigned char *)(str != NULL ? str : "");
	const unsigned char *end = s + strlen((const char *)s);
	unsigned long	 cp;
	size_t		 n;

	while (*s != '\0') {
		if ((n = escape_utf8_decode(s, (size_t)(end - s), &cp)) == 0) {
			strbuf_addf(sb, "\\x%02X", *s);
			s++;
			continue;
		}
		switch (cp) {
		case '&':
			strbuf_addstr(sb, "&amp;");
			break;
		case '<':
			strbuf_addstr(sb, "&lt;");
			break;
		case '>':
			strbuf_addstr(sb, "&gt;");
			break;
		case '"':
			strbuf_addstr(sb, attr ? "&quot;" : "\"");
			break;
		case '\n':
			strbuf_addstr(sb, attr ? "&#10;" : "\n");
			break;
		case '\r':
			strbuf_addstr(sb, "&#13;");
			break;
		case '\t':
			strbuf_addstr(sb, attr ? "&#9;" : "\t");
			break;
		default:
			if (cp < 0x20)
				strbuf_addf(sb, "\\x%02lX", cp);
			else if (cp == 0xFFFE || cp == 0xFFFF)
				strbuf_addf(sb, "\\u{%04lX}", cp);
			else
				strbuf_add(sb, s, n);
			break;
		}
		s += n;
	}
}

static void
junit_attr(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, " %s=\"", name);
	junit_esc(sb, value, 1);
	strbuf_addch(sb, '"');
}

/* A name unique within the suite: "base", "base (2)", ...; owned by s
   until the next call.  Constant time per name, whatever the suite's size. */
static const char *
junit_unique(struct junit_suite *s, const char *base)
{
	unsigned long k = strmap_bump(&s->names, base);

	free(s->name);
	s->name = xstrdup(base);
	while (k > 1) {
		free(s->name);
		s->name = xasprintf("%s (%lu)", base, k);
		if (strmap_bump(&s->names, s->name) == 1)
			break;
		k = strmap_bump(&s->names, base);
	}
	return s->name;
}

/*
 * One <testcase>.  kind is NULL for a passing case; then details go to
 * <system-out>.  Otherwise a <failure type=kind message=msg>details.
 */
static void
junit_case(struct junit_suite *s, const char *name, const char *kind,
    const char *msg, const char *details)
{
	struct strbuf *b = &s->body;

	if (s->fp == NULL) {
		s->tests++;
		return;
	}
	strbuf_reset(b);
	strbuf_addstr(b, "    <testcase");
	junit_attr(b, "classname", s->classname);
	junit_attr(b, "name", junit_unique(s, name));
	strbuf_addstr(b, " time=\"0\"");
	if (kind == NULL && (details == NULL || *details == '\0')) {
		strbuf_addstr(b, "/>\n");
		fwrite(b->buf, 1, b->len, s->fp);
		s->tests++;
		return;
	}
	strbuf_addstr(b, ">\n");
	if (kind != NULL) {
		strbuf_addstr(b, "      <failure");
		junit_attr(b, "type", kind);
		junit_attr(b, "message", msg);
		strbuf_addstr(b, ">");
		junit_esc(b, details, 0);
		strbuf_addstr(b, "</failure>\n");
	} else {
		strbuf_addstr(b, "      <system-out>");
		junit_esc(b, details, 0);
		strbuf_addstr(b, "</system-out>\n");
	}
	strbuf_addstr(b, "    </testcase>\n");
	fwrite(b->buf, 1, b->len, s->fp);
	s->tests++;
}

static void
junit_details(struct strbuf *d, const struct input_result *r,
    const struct finding *f)
{
	const struct rule *ru = f->rule;
	size_t	 i;

	strbuf_addf(d, "%s:%lu: %s: %s [%s] (cause %s)\n", r->path, f->line,
	    rule_severity_name(f->severity), report_util_title(f),
	    report_util_rule_id(f), report_util_cause(f));
	if (f->text != NULL && *f->text != '\0')
		strbuf_addf(d, "    %s\n", f->text);
	if (f->nlines > 1 || f->count > 1) {
		strbuf_addstr(d, "lines:");
		for (i = 0; i < f->nlines; i++)
			strbuf_addf(d, " %lu", f->lines[i]);
		if (f->count > f->nlines)
			strbuf_addf(d, " (%zu times in all)", f->count);
		strbuf_addch(d, '\n');
	}
	if (f->message != NULL && *f->message != '\0')
		strbuf_addf(d, "%s\n", f->message);
	if (f->consequence_of != NULL)
		strbuf_addf(d, "consequence of: %s (line %lu)\n",
		    report_util_rule_id(f->consequence_of),
		    f->consequence_of->line);
	if (f->remedy != NULL)
		strbuf_addf(d, "remedy: %s\n", f->remedy);
	for (i = 0; ru != NULL && i < ru->nkconfig; i++) {
		const struct rule_kconfig *k = &ru->kconfig[i];

		strbuf_addf(d, "kconfig: %s %s%s%s%s%s\n", k->option, k->action,
		    k->value != NULL ? " " : "", k->value != NULL ? k->value : "",
		    k->note != NULL ? " - " : "", k->note != NULL ? k->note : "");
	}
}

static int
junit_fails(const struct report_opts *o, const struct input_result *r,
    const struct finding *f)
{
	if (o == NULL)
		return f->severity >= RULE_ERROR && f->consequence_of == NULL;
	if (o->fail_never || (int)o->fail_on < 0)
		return 0;
	if (o->baseline != NULL && baseline_contains(o->baseline, r->path, f))
		return 0;	/* accepted by --baseline, like the gate */
	return f->severity >= o->fail_on && f->consequence_of == NULL;
}

/* The findings of summarised job nodes that fail the gate (baseline.h:
   baseline_count_summarised); *accepted (may be NULL) those --baseline
   accepts. */
static size_t
junit_summarised_fails(const struct report_opts *o,
    const struct input_result *r, size_t *accepted)
{
	size_t acc = 0, n;

	if (o != NULL && (o->fail_never || (int)o->fail_on < 0))
		return 0;
	n = baseline_count_summarised(o != NULL ? o->baseline : NULL, r,
	    o != NULL ? o->fail_on : RULE_ERROR, &acc, NULL);
	if (accepted != NULL)
		*accepted = acc;
	return n;
}

static void
junit_outcome(struct junit_suite *s, const struct input_result *r,
    const struct report_opts *o)
{
	const char	*got = outcome_name(r->outcome);
	const char	*expect = o != NULL ? o->expect : NULL;
	const struct finding *p = NULL;
	struct strbuf	 msg = STRBUF_INIT, d = STRBUF_INIT;
	int		 fail;

	p = r->primary;
	strbuf_addf(&d, "outcome: %s\n", got);
	if (expect != NULL)
		strbuf_addf(&d, "expected: %s\n", expect);
	if (p != NULL)
		strbuf_addf(&d, "primary cause: %s (rule %s, line %lu)\n",
		    report_util_cause(p), report_util_rule_id(p), p->line);
	if (r->nsessions > 0)
		strbuf_addf(&d, "update sessions: %zu\n", r->nsessions);

	if (expect != NULL) {
		fail = strcmp(expect, got) != 0;
		if (fail && r->nsessions == 0 && (r->outcome == OUTCOME_UNKNOWN ||
		    r->outcome == OUTCOME_NOT_ATTEMPTED) && r->kind == INPUT_LOG)
			strbuf_addf(&msg, "expected outcome %s, but the log "
			    "shows no OTA update", expect);
		else if (fail)
			strbuf_addf(&msg, "expected outcome %s, got %s", expect,
			    got);
	} else {
		size_t k;
		int any = 0;

		/* as the gate: the failed update fails unless every finding
		   that explains it was accepted (--baseline) */
		for (k = 0; k < r->nfindings; k++)
			if (junit_fails(o, r, r->findings[k]))
				any = 1;
		if (junit_summarised_fails(o, r, NULL) > 0)
			any = 1;
		fail = (r->outcome == OUTCOME_FAILED ||
		    r->outcome == OUTCOME_ROLLED_BACK) &&
		    !(o != NULL && (o->fail_never || (int)o->fail_on < 0)) &&
		    (any || result_count_at(r, RULE_ERROR) == 0);
		if (fail)
			strbuf_addf(&msg, "OTA update %s", got);
	}
	if (fail && p != NULL)
		strbuf_addf(&msg, ": %s", report_util_cause(p));
	junit_case(s, "outcome", fail ? "outcome" : NULL, msg.buf, d.buf);
	if (fail)
		s->failures++;
	strbuf_release(&msg);
	strbuf_release(&d);
}

/* One case for the findings of the summarised nodes, as the gate counts
   them: it fails when any at or above --fail-on is not accepted by
   --baseline. */
static void
summarised_findings_case(struct junit_suite *s, const struct input_result *r,
    const struct report_opts *o, struct strbuf *d, struct strbuf *head)
{
	const struct node_summary *sm = &r->nodes_summarised;
	size_t acc = 0, nnew = junit_summarised_fails(o, r, &acc), k;
	const char *min = rule_severity_name(o != NULL && (int)o->fail_on >= 0 ?
	    o->fail_on : RULE_ERROR);

	strbuf_reset(d);
	strbuf_reset(head);
	for (k = 0; s->fp != NULL && k < sm->nfps; k++)
		strbuf_addf(d, "%s %s (%s): %zu, first on line %lu\n",
		    rule_severity_name(sm->fps[k].severity), sm->fps[k].rule,
		    sm->fps[k].cause, sm->fps[k].n, sm->fps[k].line);
	strbuf_addf(head, "%zu finding%s at or above '%s' in nodes "
	    "summarised, not listed", nnew, nnew == 1 ? "" : "s", min);
	if (acc > 0)
		strbuf_addf(head, "; %zu more accepted by the baseline", acc);
	junit_case(s, "findings of nodes summarised", nnew > 0 ?
	    rule_severity_name(RULE_ERROR) : NULL, head->buf, d->buf);
	if (nnew > 0)
		s->failures++;
}

/* Counts the suite of r into *c (fp NULL), or writes it with those
 * counts. */
static void
junit_suite(FILE *fp, const struct input_result *r, const struct report_opts *o,
    struct junit_counts *c)
{
	struct junit_suite s;
	struct strbuf	 d = STRBUF_INIT, name = STRBUF_INIT, head = STRBUF_INIT;
	size_t		 i;
	char		*p;

	memset(&s, 0, sizeof(s));
	s.fp = fp;
	strbuf_init(&s.body, 1024);
	s.classname = xasprintf("otadiag.%s", r->path);
	for (p = s.classname + 8; *p != '\0'; p++)
		if (*p == '.')
			*p = '_';

	if (fp != NULL) {
		strbuf_reset(&head);
		strbuf_addstr(&head, "  <testsuite");
		junit_attr(&head, "name", r->path);
		strbuf_addf(&head, " tests=\"%u\" failures=\"%u\" "
		    "errors=\"%u\" skipped=\"0\">\n", c->tests, c->failures,
		    c->errors);
		strbuf_addstr(&head, "    <properties>\n");
		strbuf_addstr(&head, "      <property name=\"otadiag\" value=\""
		    OTADIAG_VERSION "\"/>\n");
		strbuf_addf(&head, "      <property name=\"outcome\" "
		    "value=\"%s\"/>\n", outcome_name(r->outcome));
		if (r->primary != NULL) {
			strbuf_addstr(&head, "      <property "
			    "name=\"primary_cause\"");
			junit_attr(&head, "value", r->primary->cause);
			strbuf_addstr(&head, "/>\n");
		}
		strbuf_addstr(&head, "    </properties>\n");
		fputs(head.buf, fp);
	}

	if (r->error) {
		strbuf_addf(&d, "%s: %s\n", r->path, r->error_text != NULL ?
		    r->error_text : "input could not be read");
		junit_case(&s, "input", "error", r->error_text != NULL ?
		    r->error_text : "input could not be read", d.buf);
		s.errors++;
	}
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = r->findings[i];
		int	 fail = junit_fails(o, r, f);

		strbuf_reset(&d);
		strbuf_reset(&name);
		if (fp != NULL)		/* counting needs no text */
			junit_details(&d, r, f);
		strbuf_addstr(&name, report_util_rule_id(f));
		if (r->kind == INPUT_JOB && f->node >= 0 &&
		    (size_t)f->node < r->nnodes && r->nodes[f->node].node_id)
			strbuf_addf(&name, " node %s",
			    r->nodes[f->node].node_id);
		/* no line number: a name stays the same when the log grows
		   (a CI system tracks a test by its name); the line is in
		   the details */
		junit_case(&s, name.buf, fail ? rule_severity_name(f->severity) :
		    NULL, f->message, d.buf);
		if (fail)
			s.failures++;
	}
	for (i = 0; i < r->nnodes; i++) {
		const struct job_node *nd = &r->nodes[i];
		int	 fail;

		if (o != NULL && o->expect != NULL)
			fail = strcmp(o->expect, outcome_name(nd->outcome)) != 0;
		else
			fail = (nd->outcome == OUTCOME_FAILED ||
			    nd->outcome == OUTCOME_ROLLED_BACK) &&
			    !(o != NULL && (o->fail_never || (int)o->fail_on < 0));
		strbuf_reset(&d);
		strbuf_reset(&name);
		strbuf_addf(&name, "node %s", nd->node_id != NULL ?
		    nd->node_id : "?");
		strbuf_addf(&d, "status: %s\noutcome: %s\n",
		    nd->status != NULL ? nd->status : "",
		    outcome_name(nd->outcome));
		if (nd->info != NULL && *nd->info != '\0')
			strbuf_addf(&d, "info: %s\n", nd->info);
		if (nd->log_path != NULL)
			strbuf_addf(&d, "log: %s (%s%s%s)\n", nd->log_path,
			    outcome_name(nd->log_outcome),
			    nd->log_cause != NULL ? ", " : "",
			    nd->log_cause != NULL ? nd->log_cause : "");
		strbuf_reset(&head);
		if (o != NULL && o->expect != NULL)
			strbuf_addf(&head, "expected outcome %s, got %s",
			    o->expect, outcome_name(nd->outcome));
		else
			strbuf_addf(&head, "node %s", outcome_name(nd->outcome));
		junit_case(&s, name.buf, fail ? "outcome" : NULL, head.buf,
		    d.buf);
		if (fail)
			s.failures++;
	}
	if (r->kind == INPUT_JOB && r->nodes_summarised.n > 0) {
		/* the nodes only counted: one case for them all */
		const struct node_summary *sm = &r->nodes_summarised;
		size_t nbad = sm->by_outcome[OUTCOME_FAILED] +
		    sm->by_outcome[OUTCOME_ROLLED_BACK], k;
		int	 fail, want;

		if (o != NULL && o->expect != NULL) {
			want = outcome_from_name(o->expect);
			nbad = sm->n - (want >= 0 ? sm->by_outcome[want] : 0);
			fail = nbad > 0;
		} else
			fail = nbad > 0 && !(o != NULL && (o->fail_never ||
			    (int)o->fail_on < 0));
		strbuf_reset(&d);
		strbuf_reset(&head);
		for (k = 0; k <= OUTCOME_NOT_ATTEMPTED; k++)
			if (sm->by_outcome[k] > 0)
				strbuf_addf(&d, "outcome %s: %zu\n",
				    outcome_name((enum outcome)k),
				    sm->by_outcome[k]);
		for (k = 0; k < sm->ncause; k++)
			strbuf_addf(&d, "cause %s: %zu\n", sm->by_cause[k].cause,
			    sm->by_cause[k].n);
		strbuf_addf(&d, "findings folded: %zu\n", sm->nfindings);
		strbuf_addf(&d, "no consequence: %zu error, %zu warning, "
		    "%zu info\n", sm->by_severity[RULE_ERROR],
		    sm->by_severity[RULE_WARNING], sm->by_severity[RULE_INFO]);
		strbuf_addf(&head, "%zu nodes summarised, not listed: %zu %s",
		    sm->n, nbad, o != NULL && o->expect != NULL ?
		    "not as expected" : "failed or rolled back");
		junit_case(&s, "nodes summarised", fail ? "outcome" : NULL,
		    head.buf, d.buf);
		if (fail)
			s.failures++;
		summarised_findings_case(&s, r, o, &d, &head);
	}
	junit_outcome(&s, r, o);

	if (fp != NULL)
		fputs("  </testsuite>\n", fp);
	else {
		c->tests = s.tests;
		c->failures = s.failures;
		c->errors = s.errors;
	}
	strmap_release(&s.names);
	free(s.name);
	free(s.classname);
	strbuf_release(&s.body);
	strbuf_release(&d);
	strbuf_release(&name);
	strbuf_release(&head);
}

int
report_junit(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	struct junit_counts *c = xcalloc(n > 0 ? n : 1, sizeof(*c));
	unsigned tests = 0, failures = 0, errors = 0;
	size_t	 i;
	int	 rc = 0;

	/* The totals go on <testsuites> and each suite's on its
	 * <testsuite>: counted first, then everything is written as it
	 * comes. */
	for (i = 0; i < n; i++) {
		junit_suite(NULL, in[i], o, &c[i]);
		tests += c[i].tests;
		failures += c[i].failures;
		errors += c[i].errors;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"otadiag\" tests=\"%u\" failures=\"%u\" "
	    "errors=\"%u\">\n", tests, failures, errors);
	for (i = 0; i < n; i++)
		junit_suite(fp, in[i], o, &c[i]);
	fputs("</testsuites>\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		rc = DIAG_EIO;
	free(c);
	return rc;
}
