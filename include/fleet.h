/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fleet: the bounded node list of a job.  Prefix: fleet_.
 *
 * A job is fed node by node (job_feed, job.h).  At most max nodes stay
 * listed in the result with their findings; the others are counted in
 * the result's nodes_summarised (result.h) as they are read, by outcome,
 * status and primary cause, and their findings are folded into counts and
 * freed, so memory does not grow with the number of nodes.  Which nodes
 * stay: failed and rolled-back ones first, then unfinished (in progress,
 * not started, unknown), then successful ones, each group in input order;
 * a telling node read late takes the place of the last listed node of a
 * less telling group.  Listed nodes keep their input order.
 */
#ifndef OTADIAG_FLEET_H
#define OTADIAG_FLEET_H

#include <stddef.h>

#include "analysis.h"

struct fleet;

/* For the job being fed to a (borrowed until fleet_free). */
struct fleet *fleet_new(struct analysis *a, size_t max);
/*
 * A fleet that keeps no node: each node, once its records were fed, is
 * ranked on its own (its primary and consequences, as rank.c does), its
 * ignored findings dropped, handed to fn with its findings (the primary
 * first, then in the order found) and let go.  fleet_status() is fn's
 * first non-zero return; nodes after it are not handed out.
 */
struct fleet *fleet_new_stream(struct analysis *a, result_node_fn fn,
	    void *ctx);
int	 fleet_status(const struct fleet *fl);
/*
 * After a node's records were fed and analysis_set_job() added it as the
 * last node of the result: its findings are those from index first on.
 * Keeps it listed, or summarises it or a less telling listed node.
 */
void	 fleet_node_done(struct fleet *fl, size_t first);
/* Frees what was summarised but still held; before analysis_finish(). */
void	 fleet_finish(struct fleet *fl);
void	 fleet_free(struct fleet *fl);

#endif
