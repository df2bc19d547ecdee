/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SARIF 2.1.0 writer, for GitHub code scanning and other SARIF viewers.
 * The fields are the stable contract in otadiag-report(5).
 *
 * One run; tool.driver.rules lists every rule that produced a finding (in
 * order of first appearance), and each result points at its rule by id and
 * index.  Locations are the input file, relative to the working directory
 * when it lies under it (uriBaseId %SRCROOT%), else a file:// URI.  The
 * fingerprint ignores timestamps (finding_fingerprint()), so the same
 * failure is the same alert across runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "diag.h"
#include "frames_out.h"
#include "report.h"
#include "report_util.h"
#include "result.h"
#include "ruleset.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"

#define SARIF_SCHEMA	"https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_INFO_URI	"https://github.com/otadiag/otadiag"
#define SARIF_SRCROOT	"%SRCROOT%"

#ifndef OTADIAG_VERSION
#define OTADIAG_VERSION "0.0.0"
#endif

/* One rule descriptor of the run. */
struct sarif_rule {
	const char	*id;		/* rule id */
	const struct rule *rule;
	const char	*cause;
	enum rule_severity severity;
};

struct sarif_rules {
	struct sarif_rule *v;
	size_t		 n, cap;
};

/* A JSON string from text that should be UTF-8; never fails. */
static json_t *
sarif_str(const char *s)
{
	json_t	*j = report_util_json_str(s != NULL ? s : "");

	return j != NULL ? j : json_string("?");
}

/* {"text": s}, with a fallback for the empty string SARIF refuses. */
static json_t *
sarif_text(const char *s, const char *fallback)
{
	if (s == NULL || *s == '\0')
		s = fallback;
	return json_pack("{s:o}", "text", sarif_str(s));
}

static const char *
sarif_level(enum rule_severity s)
{
	switch (s) {
	case RULE_ERROR:
		return "error";
	case RULE_WARNING:
		return "warning";
	default:
		return "note";
	}
}

static const char *
sarif_problem_severity(enum rule_severity s)
{
	switch (s) {
	case RULE_ERROR:
		return "error";
	case RULE_WARNING:
		return "warning";
	default:
		return "recommendation";
	}
}

static void
sarif_pct_encode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL) {
			strbuf_addch(sb, *p);
			continue;
		}
		strbuf_addch(sb, '%');
		strbuf_addch(sb, hex[*p >> 4]);
		strbuf_addch(sb, hex[*p & 15]);
	}
}

/* Lexically resolves "." and ".." in an absolute path; owned. */
static char *
sarif_clean_abs(const char *abs)
{
	struct strbuf	 sb = STRBUF_INIT;
	const char	*p = abs, *e;
	size_t		 len;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			size_t	 k = sb.len;

			while (k > 0 && sb.buf[k - 1] != '/')
				k--;
			strbuf_setlen(&sb, k > 0 ? k - 1 : 0);
		} else {
			strbuf_addch(&sb, '/');
			strbuf_add(&sb, p, len);
		}
		p += len;
	}
	if (sb.len == 0)
		strbuf_addch(&sb, '/');
	return strbuf_detach(&sb);
}

/*
 * artifactLocation for an input path: relative to cwd (with uriBaseId)
 * when under it, else an absolute file:// URI.  "-" is "stdin".
 */
static json_t *
sarif_artifact(const char *path, const char *cwd)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		*abs, *joined = NULL;
	const char	*rel;
	json_t		*loc;

	if (strcmp(path, "-") == 0)
		return json_pack("{s:s}", "uri", "stdin");
	if (path[0] != '/' && cwd == NULL) {
		sarif_pct_encode(&sb, path);
		loc = json_pack("{s:o}", "uri", sarif_str(sb.buf));
		strbuf_release(&sb);
		return loc;
	}
	if (path[0] != '/')
		joined = xasprintf("%s/%s", cwd, path);
	abs = sarif_clean_abs(joined != NULL ? joined : path);
	free(joined);
	if ((rel = report_util_under_cwd(abs, cwd)) != NULL) {
		sarif_pct_encode(&sb, rel);
		loc = json_pack("{s:o,s:s}", "uri", sarif_str(sb.buf),
		    "uriBaseId", SARIF_SRCROOT);
	} else {
		strbuf_addstr(&sb, "file://");
		sarif_pct_encode(&sb, abs);
		loc = json_pack("{s:o}", "uri", sarif_str(sb.buf));
	}
	free(abs);
	strbuf_release(&sb);
	return loc;
}

static size_t
sarif_rule_index(struct sarif_rules *rs, const struct finding *f)
{
	const char	*id;
	size_t		 i;

	id = f->rule->id;
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0) {
			return i;
		}
	rs->v = xgrow(rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v));
	rs->v[rs->n].id = id;
	rs->v[rs->n].rule = f->rule;
	rs->v[rs->n].cause = report_util_cause(f);
	rs->v[rs->n].severity = f->rule->severity;
	return rs->n++;
}

/* "idf-ota-begin-failed" -> "IdfOtaBeginFailed". */
static char *
sarif_pascal(const char *id)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 up = 1;

	for (; *id != '\0'; id++) {
		if (*id == '-' || *id == '_' || *id == '.' || *id == ':' ||
		    *id == ' ') {
			up = 1;
			continue;
		}
		if (up && *id >= 'a' && *id <= 'z')
			strbuf_addch(&sb, *id - 'a' + 'A');
		else
			strbuf_addch(&sb, *id);
		up = 0;
	}
	return strbuf_detach(&sb);
}

static void
sarif_kconfig_line(struct strbuf *sb, const struct rule_kconfig *k, int md)
{
	if (md)
		strbuf_addf(sb, "- `%s`: %s", k->option, k->action);
	else
		strbuf_addf(sb, "  %s: %s", k->option, k->action);
	if (k->value != NULL)
		strbuf_addf(sb, " %s", k->value);
	if (k->note != NULL)
		strbuf_addf(sb, " (%s)", k->note);
	strbuf_addch(sb, '\n');
}

static json_t *
sarif_descriptor(const struct sarif_rule *sr)
{
	const struct rule *r = sr->rule;
	const char	*cdesc = cause_describe(sr->cause);
	struct strbuf	 text = STRBUF_INIT, md = STRBUF_INIT, full = STRBUF_INIT;
	json_t		*d, *tags, *props;
	char		*name;
	size_t		 i;

	if (r != NULL && r->title != NULL)
		strbuf_addstr(&full, r->title);
	else
		strbuf_addf(&full, "OTA failure: %s", sr->cause);
	strbuf_addf(&full, ". Cause %s", sr->cause);
	if (cdesc != NULL)
		strbuf_addf(&full, ": %s", cdesc);
	strbuf_addch(&full, '.');

	if (r != NULL && r->remedy != NULL) {
		strbuf_addstr(&text, r->remedy);
		strbuf_addf(&md, "**Remedy.** %s\n", r->remedy);
	} else {
		strbuf_addf(&text, "No rule explains this failure; see the "
		    "evidence lines and otadiag-rules(5) to add one.");
		strbuf_addstr(&md, text.buf);
		strbuf_addch(&md, '\n');
	}
	if (r != NULL && r->nkconfig > 0) {
		strbuf_addstr(&text, "\nKconfig:\n");
		strbuf_addstr(&md, "\n**Kconfig.**\n\n");
		for (i = 0; i < r->nkconfig; i++) {
			sarif_kconfig_line(&text, &r->kconfig[i], 0);
			sarif_kconfig_line(&md, &r->kconfig[i], 1);
		}
	}
	if (r != NULL && r->nreferences > 0) {
		strbuf_addstr(&md, "\n**References.**\n\n");
		for (i = 0; i < r->nreferences; i++)
			strbuf_addf(&md, "- %s\n", r->references[i]);
	}
	strbuf_addf(&md, "\nCause id: `%s`. Rule id: `%s`.\n", sr->cause,
	    sr->id);

	name = sarif_pascal(sr->id);
	tags = json_pack("[s,s]", "ota", sr->cause);
	props = json_pack("{s:o,s:s,s:s}", "tags", tags,
	    "precision", r != NULL ? "high" : "low",
	    "problem.severity", sarif_problem_severity(sr->severity));
	d = json_pack("{s:o,s:o,s:o,s:o,s:{s:o,s:o},s:{s:s},s:o}",
	    "id", sarif_str(sr->id),
	    "name", sarif_str(name),
	    "shortDescription", sarif_text(r != NULL ? r->title : NULL,
	    sr->cause),
	    "fullDescription", sarif_text(full.buf, sr->cause),
	    "help", "text", sarif_str(text.buf), "markdown", sarif_str(md.buf),
	    "defaultConfiguration", "level", sarif_level(sr->severity),
	    "properties", props);
	if (r != NULL) {
		for (i = 0; i < r->nreferences; i++)
			if (strncmp(r->references[i], "https://", 8) == 0 ||
			    strncmp(r->references[i], "http://", 7) == 0) {
				json_object_set_new(d, "helpUri",
				    sarif_str(r->references[i]));
				break;
			}
	}
	free(name);
	strbuf_release(&text);
	strbuf_release(&md);
	strbuf_release(&full);
	return d;
}

static unsigned long
sarif_line(const struct input_result *in, const struct finding *f)
{
	if (in->kind == INPUT_JOB) {
		if (f->node >= 0 && (size_t)f->node < in->nnodes &&
		    in->nodes[f->node].line > 0)
			return in->nodes[f->node].line;
		return f->line > 0 ? f->line : 1;
	}
	return f->line > 0 ? f->line : 1;
}

static json_t *
sarif_physical(const char *path, const char *cwd, unsigned long line,
    const char *snippet)
{
	json_t	*region;

	region = json_pack("{s:I}", "startLine", (json_int_t)line);
	if (snippet != NULL && *snippet != '\0')
		json_object_set_new(region, "snippet",
		    json_pack("{s:o}", "text", sarif_str(snippet)));
	return json_pack("{s:{s:o,s:o}}", "physicalLocation",
	    "artifactLocation", sarif_artifact(path, cwd),
	    "region", region);
}

/* The root finding f is a consequence of (following the chain), or NULL. */
static const struct finding *
sarif_root(const struct input_result *in, const struct finding *f)
{
	const struct finding *c = NULL;
	size_t steps = 0;

	while (f->consequence_of != NULL &&
	    steps++ < in->nfindings) {
		c = f = f->consequence_of;
	}
	return c;
}

/*
 * A crash decoded with --elf: its stack in "stacks", and the source line
 * of the user's code that crashed as the location (code scanning shows it
 * there); the log line becomes a related location.
 */
static void
sarif_frames(json_t *res, const struct finding *f, const char *cwd)
{
	const struct frame *top;
	json_t *st = frames_out_sarif(f, cwd, sarif_artifact, &top), *log;

	if (st == NULL)
		return;
	json_object_set_new(res, "stacks", st);
	if (top == NULL)
		return;
	log = json_incref(json_array_get(json_object_get(res, "locations"), 0));
	json_object_set_new(log, "id", json_integer(0));
	json_object_set_new(log, "message", json_pack("{s:s}", "text",
	    "the crash in the log"));
	json_object_set_new(res, "locations", json_pack("[o]",
	    sarif_physical(top->file, cwd, top->line, NULL)));
	if (json_object_get(res, "relatedLocations") == NULL)
		json_object_set_new(res, "relatedLocations", json_array());
	json_array_insert_new(json_object_get(res, "relatedLocations"), 0, log);
}

static json_t *
sarif_result(const struct input_result *in, size_t idx, size_t ruleidx,
    const struct sarif_rule *sr, const char *cwd, unsigned long occurrence,
    const char *fp)
{
	const struct finding *f = in->findings[idx];
	const struct finding *root;
	json_t		*res, *props, *related;
	char		 hash[32];
	size_t		 i;

	/* occurrences of one fingerprint in one input get :1, :2 ... */
	snprintf(hash, sizeof(hash), "%s:%lu", fp, occurrence);
	props = json_pack("{s:s,s:b,s:I}",
	    "cause", report_util_cause(f),
	    "primary", f->primary != 0,
	    "count", (json_int_t)(f->count > 0 ? f->count : 1));
	if (result_session_index(in, f->session) >= 0)
		json_object_set_new(props, "session",
		    json_integer(result_session_index(in, f->session)));
	if ((root = sarif_root(in, f)) != NULL)
		json_object_set_new(props, "consequenceOf",
		    sarif_str(root->rule->id));
	json_object_set_new(props, "outcome", json_string(
	    outcome_name(in->outcome)));
	if (in->kind == INPUT_JOB && f->node >= 0 &&
	    (size_t)f->node < in->nnodes && in->nodes[f->node].node_id != NULL)
		json_object_set_new(props, "node",
		    sarif_str(in->nodes[f->node].node_id));

	res = json_pack("{s:o,s:I,s:s,s:o,s:[o],s:{s:s},s:o}",
	    "ruleId", sarif_str(sr->id),
	    "ruleIndex", (json_int_t)ruleidx,
	    /* a consequence is no alert of its own: its root is */
	    "level", root != NULL ? "note" : sarif_level(f->severity),
	    "message", sarif_text(f->message,
	    f->rule->title != NULL ? f->rule->title : f->cause),
	    "locations", sarif_physical(in->path, cwd, sarif_line(in, f),
	    f->text),
	    "partialFingerprints", "primaryLocationLineHash", hash,
	    "properties", props);
	sarif_frames(res, f, cwd);
	if (in->kind == INPUT_LOG && f->nlines > 1) {
		related = json_array();
		for (i = 1; i < f->nlines && i < FINDING_MAX_LINES; i++) {
			json_t *loc = sarif_physical(in->path, cwd,
			    f->lines[i], NULL);

			json_object_set_new(loc, "id", json_integer((json_int_t)i));
			json_object_set_new(loc, "message",
			    json_pack("{s:s}", "text", "further evidence"));
			json_array_append_new(related, loc);
		}
		json_object_set_new(res, "relatedLocations", related);
	}
	return res;
}

/* A toolExecutionNotification about input `in`: level, the text (its
   fallback when empty) and the descriptor's id. */
static json_t *
sarif_input_note(const struct input_result *in, const char *cwd,
    const char *level, const char *text, const char *fallback,
    const char *id)
{
	return json_pack("{s:s,s:o,s:[{s:{s:o}}],s:{s:s}}",
	    "level", level,
	    "message", sarif_text(text, fallback),
	    "locations", "physicalLocation", "artifactLocation",
	    sarif_artifact(in->path, cwd),
	    "descriptor", "id", id);
}

static json_t *
sarif_notification(const struct input_result *in, const char *cwd)
{
	struct strbuf	 sb = STRBUF_INIT;
	json_t		*n;

	strbuf_addf(&sb, "%s: %s", strcmp(in->path, "-") == 0 ? "stdin" :
	    in->path, in->error_text != NULL ? in->error_text :
	    "input could not be read");
	n = sarif_input_note(in, cwd, "error", sb.buf, "input error",
	    "input-error");
	strbuf_release(&sb);
	return n;
}

/* A job's nodes counted, not listed: results cover the listed ones. */
static json_t *
sarif_summarised(const struct input_result *in, const char *cwd)
{
	const struct node_summary *sm = &in->nodes_summarised;
	struct strbuf	 sb = STRBUF_INIT;
	json_t		*n;
	size_t		 k;

	strbuf_addf(&sb, "%s: %zu nodes summarised, not listed, with %zu "
	    "finding%s (no consequence: %zu error, %zu warning, %zu note; "
	    "not among the results):", strcmp(in->path, "-") == 0 ? "stdin" :
	    in->path, sm->n, sm->nfindings, sm->nfindings == 1 ? "" : "s",
	    sm->by_severity[RULE_ERROR], sm->by_severity[RULE_WARNING],
	    sm->by_severity[RULE_INFO]);
	for (k = 0; k <= OUTCOME_NOT_ATTEMPTED; k++)
		if (sm->by_outcome[k] > 0)
			strbuf_addf(&sb, " %s %zu", outcome_name((enum outcome)k),
			    sm->by_outcome[k]);
	for (k = 0; k < sm->ncause; k++)
		strbuf_addf(&sb, "%s %s %zu", k == 0 ? "; causes" : ",",
		    sm->by_cause[k].cause, sm->by_cause[k].n);
	n = sarif_input_note(in, cwd, "note", sb.buf, "nodes summarised",
	    "nodes-summarised");
	strbuf_release(&sb);
	return n;
}

/*
 * The log is written as it is made: the rule descriptors first (one pass
 * over the findings finds them), then each result as it is built, so a
 * report of a job with a million findings needs the memory of one result.
 */
static void
sarif_write(struct jw *w, struct input_result *const *in, size_t n,
    const char *cwd)
{
	struct sarif_rules rs = { NULL, 0, 0 };
	struct strmap	 seen = STRMAP_INIT;
	json_t		*rules, *notes, *driver, *inv;
	size_t		 i, j, k = 0;
	int		 ok = 1, first = 1, rfirst = 1;

	notes = json_array();
	for (i = 0; i < n; i++) {
		if (in[i]->error) {
			ok = 0;
			json_array_append_new(notes, sarif_notification(in[i],
			    cwd));
		}
		if (in[i]->kind == INPUT_JOB && in[i]->nodes_summarised.n > 0)
			json_array_append_new(notes, sarif_summarised(in[i],
			    cwd));
		for (j = 0; j < in[i]->nfindings; j++)
			(void)sarif_rule_index(&rs, in[i]->findings[j]);
	}
	rules = json_array();
	for (i = 0; i < rs.n; i++)
		json_array_append_new(rules, sarif_descriptor(&rs.v[i]));
	driver = json_pack("{s:s,s:s,s:s,s:s,s:o}",
	    "name", "otadiag",
	    "semanticVersion", OTADIAG_VERSION,
	    "version", OTADIAG_VERSION,
	    "informationUri", SARIF_INFO_URI,
	    "rules", rules);
	inv = json_pack("{s:b}", "executionSuccessful", ok);
	if (json_array_size(notes) > 0)
		json_object_set_new(inv, "toolExecutionNotifications", notes);
	else
		json_decref(notes);

	jw_raw(w, "{", 1);
	jw_member(w, 2, "$schema", json_string(SARIF_SCHEMA), &first);
	jw_member(w, 2, "version", json_string("2.1.0"), &first);
	jw_key(w, 2, "runs", &first);
	jw_raw(w, "[\n", 2);
	jw_indent(w, 4);
	jw_raw(w, "{", 1);
	jw_member(w, 6, "tool", json_pack("{s:o}", "driver", driver), &rfirst);
	jw_member(w, 6, "automationDetails", json_pack("{s:s}", "id",
	    "otadiag/"), &rfirst);
	jw_member(w, 6, "invocations", json_pack("[o]", inv), &rfirst);
	jw_member(w, 6, "columnKind", json_string("unicodeCodePoints"),
	    &rfirst);
	if (cwd != NULL) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, "file://");
		sarif_pct_encode(&sb, cwd);
		if (sb.buf[sb.len - 1] != '/')
			strbuf_addch(&sb, '/');
		jw_member(w, 6, "originalUriBaseIds", json_pack("{s:{s:o}}",
		    SARIF_SRCROOT, "uri", sarif_str(sb.buf)), &rfirst);
		strbuf_release(&sb);
	}
	jw_key(w, 6, "results", &rfirst);
	jw_raw(w, "[", 1);
	for (i = 0; i < n; i++) {
		const struct input_result *r = in[i];

		for (j = 0; j < r->nfindings; j++) {
			size_t	 ri = sarif_rule_index(&rs, r->findings[j]);
			char	*fp = finding_fingerprint(r->findings[j]);

			jw_raw(w, k > 0 ? ",\n" : "\n", k > 0 ? 2 : 1);
			k++;
			jw_indent(w, 8);
			jw_value(w, sarif_result(r, j, ri, &rs.v[ri], cwd,
			    strmap_bump(&seen, fp), fp), 8);
			free(fp);
		}
		strmap_release(&seen);
	}
	if (k > 0) {
		jw_raw(w, "\n", 1);
		jw_indent(w, 6);
	}
	jw_raw(w, "]\n    }\n  ]\n}\n", 14);
	free(rs.v);
}

int
report_sarif(FILE *fp, struct input_result *const *in, size_t n,
    const struct report_opts *o)
{
	struct jw w = {fp, STRBUF_INIT, 0};
	char	 cwdbuf[4096];
	char	*cwd;

	(void)o;
	cwd = getcwd(cwdbuf, sizeof(cwdbuf));
	sarif_write(&w, in, n, cwd);
	jw_flush(&w);
	strbuf_release(&w.buf);
	if (w.failed || fflush(fp) != 0 || ferror(fp))
		return DIAG_EIO;
	return 0;
}
