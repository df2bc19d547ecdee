/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baseline: known, accepted findings from a previous report, so that a CI
 * gate fails only on new ones.  Prefix: baseline_ (and finding_fingerprint).
 *
 * A baseline file is a report written earlier with `--format json` (see
 * otadiag-report(5)):
 *   {"otadiag": "0.1.0", "schema": 1,
 *    "inputs": [{"path": "logs/dut1.log",
 *                "findings": [{"rule": "...", "cause": "...", "text": "..."}]}]}
 * Only path, rule (or cause when rule is null) and text are read; other
 * fields are ignored, so reports of later schema versions still load.
 *
 * A job's nodes that are summarised, not listed, are in the report as
 * counts per fingerprint (otadiag-report(5): nodes_summarised.fingerprints,
 * each {"rule", "fingerprint"}); those are read too, so a baseline written
 * from a report of a large job accepts the findings of its summarised
 * nodes as well.
 *
 * A finding is in the baseline when an entry has the same input (its path,
 * after removing "./" prefixes and doubled slashes, or one path ending in
 * "/" and the other, so "logs/dut1.log" typed in the repository matches
 * "/builds/p/logs/dut1.log" or "../p/logs/dut1.log" typed elsewhere), the
 * same rule id and the same
 * fingerprint: a hash of the rule id and the evidence text with timestamps
 * removed, so the same failure matches across runs of the same rig.
 */
#ifndef OTADIAG_BASELINE_H
#define OTADIAG_BASELINE_H

#include <stddef.h>

#include "diag.h"
#include "result.h"

struct baseline;

/*
 * Loads a baseline.  On failure *out is NULL and the return value is
 *   DIAG_EIO      the file cannot be read;
 *   DIAG_ESYNTAX  it is not JSON (err has line and column);
 *   DIAG_ESCHEMA  it is JSON but not an otadiag report.
 * The returned object is owned by the caller: baseline_free().
 */
int	 baseline_load(const char *path, struct baseline **out,
	    struct diag_err *err);
/* As baseline_load, from a string; name is used in error messages. */
int	 baseline_load_string(const char *name, const char *json, size_t len,
	    struct baseline **out, struct diag_err *err);
void	 baseline_free(struct baseline *b);
/* Number of entries (findings) in the baseline. */
size_t	 baseline_count(const struct baseline *b);
/* 1 if f, found in input path, is in b; 0 if not (or b is NULL). */
int	 baseline_contains(const struct baseline *b, const char *path,
	    const struct finding *f);

/* The same for a finding known by its rule id and fingerprint only (a
   summarised node's: result.h, fingerprint_count). */
int	 baseline_contains_fp(const struct baseline *b, const char *path,
	    const char *rule, const char *fp);

/*
 * The findings of r's summarised job nodes (result.h: node_summary) at or
 * above min, as the gate counts them: returns those b does not accept
 * (those beyond the fingerprints kept included: no baseline accepts
 * them), and sets *accepted to those it does; *first (may be NULL) to the
 * first not accepted, or NULL.  0 for an input that is not a job.
 */
size_t	 baseline_count_summarised(const struct baseline *b,
	    const struct input_result *r, enum rule_severity min,
	    size_t *accepted, const struct fingerprint_count **first);

/*
 * Timestamp-insensitive fingerprint of a finding: 16 lower-case hex digits
 * (FNV-1a 64 over the rule id, or the cause when the finding has no rule,
 * and the evidence text with times, dates and device uptimes removed).
 * Returns an owned string (free()).  SARIF uses it, with ":N" appended, as
 * partialFingerprints.primaryLocationLineHash.
 */
char	*finding_fingerprint(const struct finding *f);
/* The same from parts; text may be NULL. */
char	*fingerprint_of(const char *rule_id, const char *text);

#endif
