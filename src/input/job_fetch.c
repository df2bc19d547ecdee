/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job_fetch: the RainMaker OTA job API client (see http.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "http.h"
#include "sanitize.h"
#include "spool.h"
#include "strbuf.h"
#include "xalloc.h"

/* Appends the API's failure body ({"status","error_code","description"})
 * to err->text, sanitised, when the body is one. */
static void
api_error_body(const struct http_response *res, struct diag_err *err)
{
	json_t *root, *v;
	json_error_t je;
	struct strbuf sb = STRBUF_INIT;
	size_t l;

	if (res->body == NULL || res->len == 0)
		return;
	root = json_loadb(res->body, res->len, 0, &je);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return;
	}
	strbuf_addstr(&sb, ":");
	if ((v = json_object_get(root, "status")) != NULL && json_is_string(v))
		strbuf_addf(&sb, " status \"%s\"", json_string_value(v));
	if ((v = json_object_get(root, "error_code")) != NULL) {
		if (json_is_integer(v))
			strbuf_addf(&sb, " error_code %lld",
			    (long long)json_integer_value(v));
		else if (json_is_string(v))
			strbuf_addf(&sb, " error_code %s", json_string_value(v));
	}
	if ((v = json_object_get(root, "description")) != NULL &&
	    json_is_string(v))
		strbuf_addf(&sb, ": %s", json_string_value(v));
	json_decref(root);
	if (sb.len > 1) {
		char *clean = sanitize_dup(sb.buf, sb.len);

		l = strlen(err->text);
		snprintf(err->text + l, sizeof(err->text) - l, "%s", clean);
		free(clean);
	}
	strbuf_release(&sb);
}

/* The whole walk's limits: requests made (retries included) and time. */
struct budget {
	long		 requests, max_requests;
	long		 total_s;
	long long	 deadline_ms;
};

static int
get_json(const char *url, const struct rmaker_fetch *f, struct budget *b,
    json_t **out, struct diag_err *err)
{
	struct http_response res;
	struct http_opts ho = f->http;
	json_error_t je;
	char where[256];
	int rc;

	*out = NULL;
	snprintf(where, sizeof(where), "%.*s", (int)strcspn(url, "?#"), url);
	if (http_now_ms() >= b->deadline_ms)
		return diag_set(err, DIAG_ELIMIT, "", 0, 0,
		    "%.200s: gave up: the fetch took more than %ld s in all "
		    "(%ld requests)", where, b->total_s, b->requests);
	if (b->requests >= b->max_requests)
		return diag_set(err, DIAG_ELIMIT, "", 0, 0,
		    "%.200s: gave up after %ld requests (the request budget, "
		    "--max-requests)",
		    where, b->requests);
	/* no request may outlive the walk's time, nor retry past the budget */
	ho.deadline_ms = b->deadline_ms;
	if (ho.retries < 0)
		ho.retries = HTTP_DEFAULT_RETRIES;
	if (ho.retries > b->max_requests - b->requests - 1)
		ho.retries = (int)(b->max_requests - b->requests - 1);
	rc = http_get(url, &ho, &res, err);
	b->requests += res.attempts > 0 ? res.attempts : 1;
	if (rc != 0 && http_now_ms() >= b->deadline_ms) {
		size_t l = strlen(err->text);

		snprintf(err->text + l, sizeof(err->text) - l, " (the fetch "
		    "took more than %ld s in all, --total-timeout)", b->total_s);
	}
	if (rc != 0) {
		if (res.status != 0)
			api_error_body(&res, err);
		goto out;
	}
	*out = json_loadb(res.body, res.len, JSON_REJECT_DUPLICATES, &je);
	if (*out == NULL) {
		rc = diag_set(err, DIAG_ESYNTAX, "", 0, 0,
		    "%.200s: HTTP %ld but the body is not valid JSON "
		    "(line %d, column %d: %s)", where, res.status, je.line,
		    je.column, je.text);
		goto out;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		rc = diag_set(err, DIAG_ESCHEMA, "", 0, 0,
		    "%.200s: the response is not a JSON object", where);
	}
out:
	http_response_release(&res);
	return rc;
}

static char *
base_url(const char *api)
{
	size_t n = strlen(api);

	while (n > 0 && api[n - 1] == '/')
		n--;
	return xstrndup(api, n);
}

/* Writes v as json_dumps(JSON_INDENT(2)) does, every line after the first
 * indented by ind more spaces: as it would be at that depth of a document
 * dumped whole. */
static int
put_json(struct spool *out, const json_t *v, int ind, struct diag_err *err)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY);
	struct strbuf sb = STRBUF_INIT;
	const char *p, *nl;
	int rc;

	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		strbuf_add(&sb, p, (size_t)(nl - p) + 1);
		strbuf_addf(&sb, "%*s", ind, "");
	}
	strbuf_addstr(&sb, p);
	rc = spool_write(out, sb.buf, sb.len, err);
	strbuf_release(&sb);
	free(s);
	return rc;
}

static int
put_str(struct spool *out, const char *s, struct diag_err *err)
{
	return spool_write(out, s, strlen(s), err);
}

static int
fetch_node(const struct rmaker_fetch *f, const char *base, struct budget *b,
    struct spool *out, struct diag_err *err)
{
	char *nid = http_escape(f->node_id), *jid = http_escape(f->job_id);
	char *url = xasprintf("%s/user/nodes/ota_status?node_id=%s"
	    "&ota_job_id=%s", base, nid, jid);
	json_t *root = NULL;
	int rc;

	rc = get_json(url, f, b, &root, err);
	if (rc != 0)
		goto out;
	if (!json_is_string(json_object_get(root, "status"))) {
		rc = diag_set(err, DIAG_ESCHEMA, "", 0, 0,
		    "%s/user/nodes/ota_status: the response has no \"status\"",
		    base);
		goto out;
	}
	if (json_object_get(root, "node_id") == NULL)
		json_object_set_new(root, "node_id", json_string(f->node_id));
	if (f->progress != NULL)
		f->progress(f->progress_ctx, 1, 1, 1);
	rc = put_json(out, root, 0, err);
out:
	json_decref(root);
	free(url);
	free(nid);
	free(jid);
	return rc;
}

/*
 * The node ids of the walk so far, in memory that does not hold the ids:
 * 16 bytes a node (its id's 64-bit FNV-1a hash, and where its text is in
 * the spool).  Two ids with the same hash are told apart by reading the
 * earlier node back from the spool, so no node is taken for another.
 */
struct idslot {
	uint64_t	 h;
	uint64_t	 where;		/* offset << 24 | length; 0: empty */
};

struct idset {
	struct idslot	*v;
	size_t		 cap, len;	/* cap: a power of two, or 0 */
};

#define IDSET_LEN_MAX	((1u << 24) - 1)

static uint64_t
id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
idset_put(struct idslot *v, size_t cap, uint64_t h, uint64_t where)
{
	size_t i = (size_t)h & (cap - 1);

	while (v[i].where != 0)
		i = (i + 1) & (cap - 1);
	v[i].h = h;
	v[i].where = where;
}

static void
idset_add(struct idset *s, uint64_t h, size_t off, size_t len)
{
	if ((s->len + 1) * 4 > s->cap * 3) {
		size_t ncap = s->cap > 0 ? s->cap * 2 : 1024, i;
		struct idslot *nv = xcalloc(ncap, sizeof(*nv));

		for (i = 0; i < s->cap; i++)
			if (s->v[i].where != 0)
				idset_put(nv, ncap, s->v[i].h, s->v[i].where);
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	idset_put(s->v, s->cap, h, (uint64_t)off << 24 |
	    (len < IDSET_LEN_MAX ? len : IDSET_LEN_MAX));
	s->len++;
}

/* Is the node written at where the node id?  A node that cannot be read
   back counts as another: at worst a node is kept twice, never lost. */
static int
written_id_is(struct spool *sp, uint64_t where, const char *id)
{
	size_t off = (size_t)(where >> 24), len = (size_t)(where & IDSET_LEN_MAX);
	char *buf = xmalloc(len + 1);
	json_t *o = NULL, *v;
	int same = 0;

	if (spool_pread(sp, buf, len, off) == (long)len &&
	    (o = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL)) != NULL) {
		v = json_object_get(o, "node_id");
		same = json_is_string(v) && strcmp(json_string_value(v), id) ==
		    0;
	}
	json_decref(o);
	free(buf);
	return same;
}

static int
idset_has(const struct idset *s, struct spool *sp, uint64_t h,
    const char *id)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = (size_t)h & (s->cap - 1); s->v[i].where != 0;
	    i = (i + 1) & (s->cap - 1))
		if (s->v[i].h == h && written_id_is(sp, s->v[i].where, id))
			return 1;
	return 0;
}

/*
 * Writes the nodes of a page not seen before to out, as elements of the
 * node list (*nodes_out counts them); returns 0 or DIAG_EIO.  A node
 * without a string node_id cannot be told apart: it counts as new.
 */
static int
add_new_nodes(struct spool *out, size_t *nodes_out, struct idset *seen,
    json_t *nodes, size_t *added, struct diag_err *err)
{
	size_t i, off;
	json_t *n;
	int rc;

	*added = 0;
	json_array_foreach(nodes, i, n) {
		json_t *id = json_is_object(n) ? json_object_get(n, "node_id") :
		    NULL;
		uint64_t h = 0;

		if (json_is_string(id)) {
			h = id_hash(json_string_value(id));
			if (idset_has(seen, out, h, json_string_value(id)))
				continue;
		}
		if ((rc = put_str(out, *nodes_out > 0 ? ",\n    " : "\n    ",
		    err)) != 0)
			return rc;
		off = spool_written(out);
		if ((rc = put_json(out, n, 4, err)) != 0)
			return rc;
		if (json_is_string(id))
			idset_add(seen, h, off, spool_written(out) - off);
		(*nodes_out)++;
		(*added)++;
	}
	return 0;
}

/* The page's next_id as a query value (owned), or NULL at the end. */
static char *
next_cursor(json_t *root)
{
	json_t *next = json_object_get(root, "next_id");

	if (json_is_string(next) && json_string_length(next) > 0)
		return http_escape(json_string_value(next));
	if (json_is_integer(next) && json_integer_value(next) > 0)
		return xasprintf("%lld", (long long)json_integer_value(next));
	return NULL;
}

int
rmaker_fetch_job(const struct rmaker_fetch *f, struct spool *out,
    struct diag_err *err)
{
	char *base = NULL, *jid = NULL, *start = NULL, *tail = NULL;
	json_t *groups = NULL, *cursors = NULL;
	struct idset seen = { NULL, 0, 0 };
	struct budget b;
	size_t page, total = 0, nnodes = 0;
	int rc = 0;

	if (f->job_id == NULL || f->job_id[0] == '\0')
		return diag_set(err, DIAG_EUSAGE, "", 0, 0, "no job id");
	memset(&b, 0, sizeof(b));
	b.max_requests = f->max_requests > 0 ? f->max_requests :
	    RMAKER_MAX_REQUESTS;
	b.total_s = f->total_timeout_s > 0 ? f->total_timeout_s :
	    RMAKER_DEFAULT_TOTAL_S;
	b.deadline_ms = http_now_ms() + (long long)b.total_s * 1000;
	base = base_url(f->api != NULL ? f->api : RMAKER_DEFAULT_API);
	if ((rc = http_url_allowed(base, err)) != 0)
		goto out;
	if (f->node_id != NULL) {
		rc = fetch_node(f, base, &b, out, err);
		goto out;
	}
	jid = http_escape(f->job_id);
	cursors = json_object();
	/* the merged document is written as the pages come, never held: as
	   json_dumps(JSON_INDENT(2)) wrote it whole ({"ota_job_id",
	   "node_ota_status", "node_groups" of the first page, "total"}) */
	{
		json_t *id = json_string(f->job_id);

		if ((rc = put_str(out, "{\n  \"ota_job_id\": ", err)) == 0 &&
		    (rc = put_json(out, id, 2, err)) == 0)
			rc = put_str(out, ",\n  \"node_ota_status\": [", err);
		json_decref(id);
		if (rc != 0)
			goto out;
	}

	for (page = 1; ; page++) {
		char *url;
		json_t *root = NULL, *nodes, *tot;
		size_t added;

		if (page > RMAKER_MAX_PAGES) {
			rc = diag_set(err, DIAG_ELIMIT, "", 0, 0,
			    "%s/admin/otajob/status: more than %d pages", base,
			    RMAKER_MAX_PAGES);
			goto out;
		}
		if (start != NULL)
			url = xasprintf("%s/admin/otajob/status?ota_job_id=%s"
			    "&start_id=%s", base, jid, start);
		else
			url = xasprintf("%s/admin/otajob/status?ota_job_id=%s",
			    base, jid);
		rc = get_json(url, f, &b, &root, err);
		free(url);
		if (rc != 0) {
			if (page > 1) {
				size_t l = strlen(err->text);

				snprintf(err->text + l, sizeof(err->text) - l,
				    " (page %zu)", page);
			}
			goto out;
		}
		nodes = json_object_get(root, "node_ota_status");
		if (!json_is_array(nodes)) {
			json_decref(root);
			rc = diag_set(err, DIAG_ESCHEMA, "", 0, 0,
			    "%s/admin/otajob/status: page %zu has no "
			    "\"node_ota_status\" array", base, page);
			goto out;
		}
		if ((rc = add_new_nodes(out, &nnodes, &seen, nodes, &added,
		    err)) != 0) {
			json_decref(root);
			goto out;
		}
		if ((tot = json_object_get(root, "total")) != NULL &&
		    json_is_integer(tot) && json_integer_value(tot) > 0)
			total = (size_t)json_integer_value(tot);
		if ((tot = json_object_get(root, "node_groups")) != NULL &&
		    groups == NULL)
			groups = json_incref(tot);
		if (f->progress != NULL)
			f->progress(f->progress_ctx, page, nnodes, total);
		free(start);
		start = next_cursor(root);
		json_decref(root);
		if (start == NULL)
			break;
		/* A server that goes round in circles ends the walk at once,
		   not after RMAKER_MAX_PAGES requests. */
		if (json_object_get(cursors, start) != NULL) {
			rc = diag_set(err, DIAG_ESCHEMA, "", 0, 0,
			    "%s/admin/otajob/status: page %zu repeats the "
			    "next_id of an earlier page: the server's paging "
			    "goes round in circles (%zu nodes so far)", base,
			    page, nnodes);
			goto out;
		}
		if (added == 0) {
			rc = diag_set(err, DIAG_ESCHEMA, "", 0, 0,
			    "%s/admin/otajob/status: page %zu has a next_id but "
			    "no node not seen before: the server's paging does "
			    "not advance (%zu nodes so far)", base, page,
			    nnodes);
			goto out;
		}
		json_object_set_new(cursors, start, json_true());
	}
	if ((rc = put_str(out, nnodes > 0 ? "\n  ]" : "]", err)) != 0)
		goto out;
	if (groups != NULL && ((rc = put_str(out, ",\n  \"node_groups\": ",
	    err)) != 0 || (rc = put_json(out, groups, 2, err)) != 0))
		goto out;
	tail = xasprintf(",\n  \"total\": %zu\n}", total > nnodes ? total :
	    nnodes);
	rc = put_str(out, tail, err);
out:
	json_decref(groups);
	free(seen.v);
	json_decref(cursors);
	free(tail);
	free(start);
	free(jid);
	free(base);
	return rc;
}
