/*
 * job_fetch: the RainMaker OTA job API client (see http.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "http.h"
#include "sanitize.h"
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

static int
get_json(const char *url, const struct rmaker_fetch *f, json_t **out,
    struct diag_err *err)
{
	struct http_response res;
	json_error_t je;
	char where[256];
	int rc;

	*out = NULL;
	rc = http_get(url, &f->http, &res, err);
	if (rc != 0) {
		if (res.status != 0)
			api_error_body(&res, err);
		goto out;
	}
	snprintf(where, sizeof(where), "%.*s", (int)strcspn(url, "?#"), url);
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

static int
fetch_node(const struct rmaker_fetch *f, const char *base, char **json,
    size_t *len, struct diag_err *err)
{
	char *nid = http_escape(f->node_id), *jid = http_escape(f->job_id);
	char *url = xasprintf("%s/user/nodes/ota_status?node_id=%s"
	    "&ota_job_id=%s", base, nid, jid);
	json_t *root = NULL;
	int rc;

	rc = get_json(url, f, &root, err);
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
	*json = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	*len = strlen(*json);
out:
	json_decref(root);
	free(url);
	free(nid);
	free(jid);
	return rc;
}

int
rmaker_fetch_job(const struct rmaker_fetch *f, char **json, size_t *len,
    struct diag_err *err)
{
	char *base = NULL, *jid = NULL, *start = NULL;
	json_t *all = NULL, *list;
	size_t page, total = 0;
	int rc = 0;

	*json = NULL;
	*len = 0;
	if (f->job_id == NULL || f->job_id[0] == '\0')
		return diag_set(err, DIAG_EUSAGE, "", 0, 0, "no job id");
	base = base_url(f->api != NULL ? f->api : RMAKER_DEFAULT_API);
	if ((rc = http_url_allowed(base, err)) != 0)
		goto out;
	if (f->node_id != NULL) {
		rc = fetch_node(f, base, json, len, err);
		goto out;
	}
	jid = http_escape(f->job_id);
	all = json_object();
	list = json_array();
	json_object_set_new(all, "ota_job_id", json_string(f->job_id));
	json_object_set_new(all, "node_ota_status", list);

	for (page = 1; ; page++) {
		char *url;
		json_t *root = NULL, *nodes, *next, *tot;

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
		rc = get_json(url, f, &root, err);
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
		json_array_extend(list, nodes);
		if ((tot = json_object_get(root, "total")) != NULL &&
		    json_is_integer(tot) && json_integer_value(tot) > 0)
			total = (size_t)json_integer_value(tot);
		if ((tot = json_object_get(root, "node_groups")) != NULL &&
		    json_object_get(all, "node_groups") == NULL)
			json_object_set(all, "node_groups", tot);
		if (f->progress != NULL)
			f->progress(f->progress_ctx, page,
			    json_array_size(list), total);
		next = json_object_get(root, "next_id");
		free(start);
		start = NULL;
		if (json_is_string(next) && json_string_length(next) > 0)
			start = http_escape(json_string_value(next));
		else if (json_is_integer(next) && json_integer_value(next) > 0)
			start = xasprintf("%lld",
			    (long long)json_integer_value(next));
		/* A page without nodes ends the walk even with a next_id,
		 * so a server that repeats itself cannot loop us forever. */
		if (start == NULL || json_array_size(nodes) == 0) {
			json_decref(root);
			break;
		}
		json_decref(root);
	}
	json_object_set_new(all, "total",
	    json_integer((json_int_t)(total > json_array_size(list) ? total :
	    json_array_size(list))));
	*json = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	*len = strlen(*json);
out:
	json_decref(all);
	free(start);
	free(jid);
	free(base);
	return rc;
}
