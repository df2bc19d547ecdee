/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text: the report for people.  Per input a one-line verdict, the session
 * timeline, then findings with the root cause first and its consequences
 * folded under it.  Colour only when report_opts.color says so.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kconfig.h"
#include "frames_out.h"
#include "report.h"
#include "report_util.h"
#include "sanitize.h"
#include "strbuf.h"

#define C_RESET	"\033[0m"
#define C_BOLD	"\033[1m"
#define C_DIM	"\033[2m"
#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"
#define C_YEL	"\033[33m"
#define C_CYAN	"\033[36m"

static const char *
col(const struct report_opts *o, const char *c)
{
	return o != NULL && o->color ? c : "";
}

static const char *
sev_color(enum rule_severity s)
{
	return s == RULE_ERROR ? C_RED : s == RULE_WARNING ? C_YEL : C_CYAN;
}

/* All text from results is sanitised already; paths are not. */
static void
put_path(FILE *fp, const char *p)
{
	struct strbuf sb = STRBUF_INIT;

	sanitize_append(&sb, p, strlen(p));
	fputs(sb.buf, fp);
	strbuf_release(&sb);
}

static void
put_lines(FILE *fp, const struct finding *f)
{
	size_t i, n = 0;

	/* the line quoted first, then the other evidence lines */
	fprintf(fp, "line %lu", f->line);
	for (i = 0; i < f->nlines; i++) {
		if (f->lines[i] == f->line)
			continue;
		fprintf(fp, "%s%lu", n++ == 0 ? " (also " : ", ", f->lines[i]);
	}
	if (f->count > 1)
		fprintf(fp, "%s%zu times", n > 0 ? "; " : " (", f->count);
	if (n > 0 || f->count > 1)
		fputc(')', fp);
}

/* The next consequence of finding idx after c (c = -1: the first). */
static int
next_cons(const struct input_result *r, const int *cons_next, size_t idx,
    int c)
{
	size_t i;

	if (cons_next != NULL)
		return c < 0 ? cons_next[r->nfindings + idx] : cons_next[c];
	for (i = (size_t)(c + 1); i < r->nfindings; i++)
		if (r->findings[i]->consequence_of == r->findings[idx])
			return (int)i;
	return -1;
}

void
report_text_finding(FILE *fp, const struct input_result *r,
    const struct finding *f, const struct report_opts *o)
{
	report_text_block(fp, r, f->pos, NULL, o);
}

void
report_text_block(FILE *fp, const struct input_result *r, size_t idx,
    const int *cons_next, const struct report_opts *o)
{
	const struct finding *f = r->findings[idx];
	const struct rule *rule = f->rule;
	size_t i;
	int c;

	fprintf(fp, "  %s%s%-7s%s %s%s%s  %s[%s]%s\n",
	    col(o, C_BOLD), col(o, sev_color(f->severity)),
	    rule_severity_name(f->severity), col(o, C_RESET),
	    col(o, C_BOLD), rule->title, col(o, C_RESET),
	    col(o, C_DIM), f->cause, col(o, C_RESET));
	fputs("      ", fp);
	if (r->kind == INPUT_IMAGE)	/* no lines: the evidence says where */
		fputs("evidence", fp);
	else
		put_lines(fp, f);
	if (f->node >= 0 && (size_t)f->node < r->nnodes)
		fprintf(fp, ", node %s", r->nodes[f->node].node_id);
	/* a line cut at 64 KiB is no use on a screen: show its start */
	if (strlen(f->text) > 400) {
		int cut = 400;

		/* not in the middle of a UTF-8 sequence */
		while (cut > 0 && ((unsigned char)f->text[cut] & 0xc0) == 0x80)
			cut--;
		fprintf(fp, ": %s%.*s ...(%zu bytes)%s\n", col(o, C_DIM), cut,
		    f->text, strlen(f->text), col(o, C_RESET));
	} else
		fprintf(fp, ": %s%s%s\n", col(o, C_DIM), f->text,
		    col(o, C_RESET));
	fprintf(fp, "      %s\n", f->message);
	frames_out_text(fp, f, o != NULL && o->color);
	if (f->remedy != NULL)
		fprintf(fp, "      %sfix:%s %s\n", col(o, C_GREEN), col(o, C_RESET),
		    f->remedy);
	for (i = 0; i < rule->nkconfig; i++) {
		const struct rule_kconfig *k = &rule->kconfig[i];

		if (f->kc != NULL) {	/* --sdkconfig: kconfig.c */
			struct strbuf kb = STRBUF_INIT;

			kconfig_describe(&kb, f, i);
			fprintf(fp, "      %skconfig:%s %s\n", col(o, C_GREEN),
			    col(o, C_RESET), kb.buf);
			strbuf_release(&kb);
			continue;
		}
		fprintf(fp, "      %skconfig:%s %s: %s%s%s%s%s\n", col(o, C_GREEN),
		    col(o, C_RESET), k->option, k->action,
		    k->value != NULL ? " " : "", k->value != NULL ? k->value : "",
		    k->note != NULL ? " — " : "", k->note != NULL ? k->note : "");
	}
	if ((c = next_cons(r, cons_next, idx, -1)) >= 0)
		fprintf(fp, "      %sthen, as a consequence:%s\n", col(o, C_DIM),
		    col(o, C_RESET));
	for (; c >= 0; c = next_cons(r, cons_next, idx, c)) {
		const struct finding *cf = r->findings[c];

		fprintf(fp, "        line %lu%s: %s [%s]\n", cf->line,
		    cf->count > 1 ? " (repeated)" : "", cf->rule->title,
		    cf->rule->id);
	}
	fprintf(fp, "      %srule %s, confidence %s%s\n", col(o, C_DIM),
	    rule->id, rule->generic ? "generic" : "specific", col(o, C_RESET));
}

/* The updates counted, not listed, in a long input. */
static void
summarised(FILE *fp, const struct input_result *r,
    const struct report_opts *o)
{
	const struct session_summary *sm = &r->summarised;
	size_t k, n = 0, after = result_summary_after(r);

	fprintf(fp, "  %supdates %zu-%zu%s, lines %lu-%lu: summarised, not "
	    "listed:", col(o, C_BOLD), after + 1, after + sm->n,
	    col(o, C_RESET), sm->first_line, sm->last_line);
	for (k = 0; k <= OUTCOME_NOT_ATTEMPTED; k++)
		if (sm->by_outcome[k] > 0)
			fprintf(fp, "%s %zu %s", n++ > 0 ? "," : "",
			    sm->by_outcome[k], outcome_name((enum outcome)k));
	fputc('\n', fp);
	for (k = 0; k < sm->ncause; k++)
		fprintf(fp, "    %s%zu failed: %s%s\n", col(o, C_DIM),
		    sm->by_cause[k].n, sm->by_cause[k].cause, col(o, C_RESET));
}

static void
timeline(FILE *fp, const struct input_result *r, const struct report_opts *o)
{
	size_t i, k;

	size_t after = result_summary_after(r);

	for (i = 0; i < r->nsessions; i++) {
		const struct session *s = &r->sessions[i];
		size_t num = i + 1;

		if (r->summarised.n > 0 && i == after)
			summarised(fp, r, o);
		if (r->summarised.n > 0 && i >= after)
			num += r->summarised.n;
		fprintf(fp, "  %supdate %zu%s, lines %lu-%lu: %s", col(o, C_BOLD),
		    num, col(o, C_RESET), s->start_line, s->end_line,
		    outcome_name(s->outcome));
		if ((s->outcome == OUTCOME_FAILED ||
		    s->outcome == OUTCOME_ROLLED_BACK) &&
		    s->failed_phase != PHASE_IDLE &&
		    s->failed_phase != PHASE_ROLLED_BACK)
			fprintf(fp, " (while %s)", phase_name(s->failed_phase));
		if (s->version_from != NULL || s->version_to != NULL)
			fprintf(fp, ", %s -> %s", s->version_from != NULL ?
			    s->version_from : "?", s->version_to != NULL ?
			    s->version_to : "?");
		if (s->last_progress >= 0 && s->outcome != OUTCOME_SUCCESS)
			fprintf(fp, ", reached %d%%", s->last_progress);
		if (s->stall_ms > 0)
			fprintf(fp, ", no progress for %.1f s before the end",
			    (double)s->stall_ms / 1000);
		fputc('\n', fp);
		for (k = 0; k < s->nevents; k++) {
			const struct stage_event *e = &s->events[k];
			char t[32] = "";

			if (e->dev_ms >= 0)
				snprintf(t, sizeof(t), "%lld ms", e->dev_ms);
			else if (e->host_ms >= 0)
				snprintf(t, sizeof(t), "%02lld:%02lld:%02lld.%03lld",
				    e->host_ms / 3600000, e->host_ms / 60000 % 60,
				    e->host_ms / 1000 % 60, e->host_ms % 1000);
			fprintf(fp, "    %s%6lu  %-12s %-15s%s %s\n", col(o, C_DIM),
			    e->line, t, stage_name(e->stage), col(o, C_RESET),
			    e->detail != NULL ? e->detail : "");
		}
		if (s->nevents_dropped > 0)
			fprintf(fp, "    (%zu more stages not shown)\n",
			    s->nevents_dropped);
	}
}

static void
verdict(FILE *fp, const struct input_result *r, const struct report_opts *o)
{
	const char *c = r->outcome == OUTCOME_SUCCESS ? C_GREEN :
	    r->outcome == OUTCOME_FAILED || r->outcome == OUTCOME_ROLLED_BACK ?
	    C_RED : C_YEL;

	fputs(col(o, C_BOLD), fp);
	put_path(fp, r->path);
	fprintf(fp, "%s: ", col(o, C_RESET));
	if (r->error) {
		fprintf(fp, "%sERROR%s: %s\n", col(o, C_RED), col(o, C_RESET),
		    r->error_text != NULL ? r->error_text : "unreadable");
		return;
	}
	fprintf(fp, "%s%s%s", col(o, c), r->kind != INPUT_IMAGE ?
	    outcome_name(r->outcome) : r->outcome == OUTCOME_FAILED ?
	    "not ready to ship" : "ready to ship", col(o, C_RESET));
	if (r->primary != NULL && r->kind == INPUT_IMAGE)
		fprintf(fp, ": %s (%s)", r->primary->rule->title,
		    r->primary->cause);
	else if (r->primary != NULL) {
		const struct finding *f = r->primary;

		fprintf(fp, ": %s (%s, line %lu)", f->rule->title, f->cause,
		    f->line);
	} else if ((r->outcome == OUTCOME_FAILED ||
	    r->outcome == OUTCOME_ROLLED_BACK) && r->nignored > 0)
		fprintf(fp, ": its cause is ignored (--ignore, %zu finding%s)",
		    r->nignored, r->nignored == 1 ? "" : "s");
	else if (r->outcome == OUTCOME_FAILED ||
	    r->outcome == OUTCOME_ROLLED_BACK)
		fputs(": no rule explains it (cause unknown)", fp);
	else if (r->outcome == OUTCOME_NOT_ATTEMPTED)
		fputs(": no update in this log", fp);
	fputc('\n', fp);
}

int
report_text(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct input_result *r = in[i];
		const struct device *d = &r->device;

		if (i > 0)
			fputc('\n', fp);
		verdict(fp, r, o);
		if (r->error)
			continue;
		if (r->info_text != NULL)	/* image: preflight.c made it */
			fputs(r->info_text, fp);
		if (d->version != NULL || d->project != NULL || d->chip != NULL ||
		    d->reset_reason != NULL || d->idf_version != NULL) {
			const char *sep = " ";

			fputs("  device:", fp);
			if (d->project != NULL || d->version != NULL) {
				fprintf(fp, "%s%s%s%s", sep, d->project != NULL ?
				    d->project : "", d->project != NULL &&
				    d->version != NULL ? " " : "",
				    d->version != NULL ? d->version : "");
				sep = ", ";
			}
			if (d->chip != NULL) {
				fprintf(fp, "%schip %s", sep, d->chip);
				sep = ", ";
			}
			if (d->idf_version != NULL) {
				fprintf(fp, "%sESP-IDF %s", sep, d->idf_version);
				sep = ", ";
			}
			if (d->reset_reason != NULL)
				fprintf(fp, "%slast reset %s (line %lu)", sep,
				    d->reset_reason, d->reset_line);
			fputc('\n', fp);
		}
		if (d->nparts > 0) {
			/* the app slots and otadata: what an OTA can use */
			int any = 0;

			for (k = 0; k < d->nparts; k++) {
				const struct partition *pt = &d->parts[k];

				if (!(pt->type == 0 || (pt->type == 1 &&
				    pt->subtype == 0)))
					continue;
				fprintf(fp, "%s %s 0x%lx (%lu KiB)", any++ == 0 ?
				    "  partitions:" : ",", pt->label, pt->offset,
				    pt->size / 1024);
			}
			if (any)
				fputc('\n', fp);
		}
		if (r->kind == INPUT_JOB)
			report_text_job(fp, r, o);
		else {
			int *next = report_cons_links(r);

			timeline(fp, r, o);
			for (k = 0; k < r->nfindings; k++)
				if (r->findings[k]->consequence_of == NULL)
					report_text_block(fp, r, k, next, o);
			free(next);
		}
		for (k = 0; k < r->nnotes; k++) {
			fprintf(fp, "  %snote:%s ", col(o, C_YEL), col(o, C_RESET));
			fprintf(fp, "%s\n", r->notes[k].text);
		}
		if (r->kconfig_tail != NULL)	/* --sdkconfig: kconfig.c */
			fputs(r->kconfig_tail, fp);
	}
	return 0;
}
