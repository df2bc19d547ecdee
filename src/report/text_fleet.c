/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_fleet: the text report of a cloud OTA job.  A fleet can have
 * hundreds of thousands of nodes, so nodes are not listed one per line:
 * they are grouped by outcome and primary cause (a count and the first
 * node ids), and the findings by diagnosis (rule and cause): one block per
 * diagnosis with the nodes it was seen on, the commonest first, at most
 * report_opts.top of them.  Linear in nodes and findings, apart from one
 * sort of each.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_util.h"
#include "xalloc.h"

#define IDS_SHOWN 8	/* node ids named per group */

/* Failed first: the order groups of nodes are listed in. */
static int
outcome_rank(enum outcome o)
{
	switch (o) {
	case OUTCOME_FAILED:		return 0;
	case OUTCOME_ROLLED_BACK:	return 1;
	case OUTCOME_IN_PROGRESS:	return 2;
	case OUTCOME_NOT_ATTEMPTED:	return 3;
	case OUTCOME_UNKNOWN:		return 4;
	default:			return 5;
	}
}

struct nkey {
	size_t		 idx;
	int		 rank;
	const char	*cause;		/* "" if none */
};

static int
cmp_nkey(const void *x, const void *y)
{
	const struct nkey *a = x, *b = y;
	int c;

	if (a->rank != b->rank)
		return a->rank - b->rank;
	if ((c = strcmp(a->cause, b->cause)) != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void
node_ids(FILE *fp, const struct input_result *r, const size_t *nodes,
    size_t n)
{
	size_t i;

	for (i = 0; i < n && i < IDS_SHOWN; i++)
		fprintf(fp, "%s%s", i > 0 ? ", " : "", r->nodes[nodes[i]].node_id);
	if (n > IDS_SHOWN)
		fprintf(fp, " (+%zu more)", n - IDS_SHOWN);
}

static void
node_groups(FILE *fp, const struct input_result *r)
{
	struct nkey *k = xcalloc(r->nnodes + 1, sizeof(*k));
	size_t *ids = xcalloc(r->nnodes + 1, sizeof(*ids));
	size_t i, j, m, ndis = 0;

	for (i = 0; i < r->nnodes; i++) {
		const struct job_node *nd = &r->nodes[i];

		k[i].idx = i;
		k[i].rank = outcome_rank(nd->outcome);
		k[i].cause = nd->primary != NULL ?
		    nd->primary->cause : "";
	}
	qsort(k, r->nnodes, sizeof(*k), cmp_nkey);
	for (i = 0; i < r->nnodes; i = j) {
		for (j = i; j < r->nnodes && k[j].rank == k[i].rank &&
		    strcmp(k[j].cause, k[i].cause) == 0; j++)
			ids[j - i] = k[j].idx;
		m = j - i;
		fprintf(fp, "    %-12s %-24s %zu node%s: ",
		    outcome_name(r->nodes[k[i].idx].outcome), k[i].cause, m,
		    m == 1 ? "" : "s");
		node_ids(fp, r, ids, m);
		fputc('\n', fp);
	}
	for (i = 0; i < r->nnodes; i++) {
		const struct job_node *nd = &r->nodes[i];

		if (!nd->disagree)
			continue;
		if (ndis++ == IDS_SHOWN * 2)
			fprintf(fp, "    ... more nodes whose log disagrees\n");
		if (ndis > IDS_SHOWN * 2)
			continue;
		fprintf(fp, "    %s: the cloud says %s (log disagrees: %s)\n",
		    nd->node_id, outcome_name(nd->outcome),
		    outcome_name(nd->log_outcome));
	}
	free(k);
	free(ids);
}

/* The nodes only counted (result.h: node_summary): one line for them. */
static void
summarised_nodes(FILE *fp, const struct input_result *r)
{
	const struct node_summary *sm = &r->nodes_summarised;
	size_t i, k;

	if (sm->n == 0)
		return;
	fprintf(fp, "    %-12s %zu node%s not listed (failed and rolled-back "
	    "nodes are listed first):", "summarised", sm->n,
	    sm->n == 1 ? "" : "s");
	for (i = 0, k = 0; i <= OUTCOME_NOT_ATTEMPTED; i++)
		if (sm->by_outcome[i] > 0)
			fprintf(fp, "%s %s %zu", k++ > 0 ? "," : "",
			    outcome_name((enum outcome)i), sm->by_outcome[i]);
	for (i = 0; i < sm->ncause; i++)
		fprintf(fp, "%s %s %zu", i == 0 ? "; causes" : ",",
		    sm->by_cause[i].cause, sm->by_cause[i].n);
	fprintf(fp, "; %zu finding%s folded (no consequence: %zu error, "
	    "%zu warning, %zu info)\n", sm->nfindings,
	    sm->nfindings == 1 ? "" : "s", sm->by_severity[RULE_ERROR],
	    sm->by_severity[RULE_WARNING], sm->by_severity[RULE_INFO]);
}

/* Findings that are no consequence, by diagnosis: rule, cause, severity. */
struct fkey {
	size_t		 idx;
	const char	*rule;
	const char	*cause;
	int		 sev;
};

static int
cmp_fkey(const void *x, const void *y)
{
	const struct fkey *a = x, *b = y;
	int c;

	if (a->sev != b->sev)
		return b->sev - a->sev;
	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	if ((c = strcmp(a->cause, b->cause)) != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

struct group {
	size_t		 from, n;	/* run in the sorted fkeys */
	int		 sev;
	int		 primary;	/* holds the job's primary finding */
};

static int
cmp_group(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->primary != b->primary)
		return b->primary - a->primary;
	if (a->sev != b->sev)
		return b->sev - a->sev;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->from < b->from ? -1 : a->from > b->from;
}

static void
diagnoses(FILE *fp, const struct input_result *r, const struct report_opts *o)
{
	struct fkey *k = xcalloc(r->nfindings + 1, sizeof(*k));
	struct group *g = xcalloc(r->nfindings + 1, sizeof(*g));
	size_t *nodes = xcalloc(r->nfindings + 1, sizeof(*nodes));
	int *next = report_cons_links(r);
	size_t i, j, n = 0, ng = 0, shown, hidden_nodes = 0;

	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = r->findings[i];

		if (f->consequence_of != NULL)
			continue;
		k[n].idx = i;
		k[n].rule = f->rule->id;
		k[n].cause = f->cause;
		k[n].sev = (int)f->severity;
		n++;
	}
	qsort(k, n, sizeof(*k), cmp_fkey);
	for (i = 0; i < n; i = j) {
		g[ng].from = i;
		g[ng].sev = k[i].sev;
		for (j = i; j < n && k[j].sev == k[i].sev &&
		    strcmp(k[j].rule, k[i].rule) == 0 &&
		    strcmp(k[j].cause, k[i].cause) == 0; j++)
			if (r->findings[k[j].idx] == r->primary)
				g[ng].primary = 1;
		g[ng].n = j - i;
		ng++;
	}
	qsort(g, ng, sizeof(*g), cmp_group);
	shown = o != NULL && o->top > 0 && o->top < ng ? o->top : ng;
	for (i = 0; i < shown; i++) {
		size_t m = 0;

		report_text_block(fp, r, k[g[i].from].idx, next, o);
		for (j = 0; j < g[i].n; j++) {
			int nd = r->findings[k[g[i].from + j].idx]->node;

			if (nd >= 0 && (size_t)nd < r->nnodes &&
			    (m == 0 || nodes[m - 1] != (size_t)nd))
				nodes[m++] = (size_t)nd;
		}
		if (m > 1) {
			fprintf(fp, "      on %zu nodes: ", m);
			node_ids(fp, r, nodes, m);
			fputs("\n\n", fp);
		}
	}
	for (i = shown; i < ng; i++)
		hidden_nodes += g[i].n;
	if (shown < ng)
		fprintf(fp, "  ... %zu more diagnos%s (%zu finding%s) not shown: "
		    "--top 0 shows all%s\n",
		    ng - shown, ng - shown == 1 ? "is" : "es", hidden_nodes,
		    hidden_nodes == 1 ? "" : "s", r->nodes_summarised.n > 0 ?
		    "" : ", --format json lists every node");
	free(k);
	free(g);
	free(nodes);
	free(next);
}

void
report_text_job(FILE *fp, const struct input_result *r,
    const struct report_opts *o)
{
	const struct node_summary *sm = &r->nodes_summarised;
	size_t all = r->nnodes + sm->n;

	if (sm->n == 0)
		fprintf(fp, "  job %s: %zu node%s\n", r->job_id != NULL ?
		    r->job_id : "(no id)", r->nnodes, r->nnodes == 1 ? "" : "s");
	else
		fprintf(fp, "  job %s: %zu nodes, %zu listed, %zu summarised\n",
		    r->job_id != NULL ? r->job_id : "(no id)", all, r->nnodes,
		    sm->n);
	node_groups(fp, r);
	summarised_nodes(fp, r);
	diagnoses(fp, r, o);
}
