/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: bounded HTTPS GET with libcurl (see http.h for the rules).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "curlapi.h"
#include "diag.h"
#include "http.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

struct sink {
	struct strbuf	 sb;
	long		 max;
	int		 over;
	long		 retry_after;	/* seconds, -1 if none */
};

static size_t
http_write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t n = size * nmemb;

	if ((long)(s->sb.len + n) > s->max) {
		s->over = 1;
		return 0;	/* aborts the transfer */
	}
	strbuf_add(&s->sb, p, n);
	return n;
}

long
http_retry_after(const char *p, size_t n)
{
	static const char name[] = "retry-after:";
	char num[32];
	size_t i = sizeof(name) - 1, k = 0;
	long secs;

	if (n <= i || strncasecmp(p, name, i) != 0)
		return -1;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || !isdigit((unsigned char)p[i]))
		return -1;	/* an HTTP date, or nothing: no hint */
	/* digits only, in a bounded copy (curl's header is not a C string);
	   clamped, so no later arithmetic can overflow: a server asking for
	   more than the longest wait gets the longest wait */
	while (i < n && isdigit((unsigned char)p[i]) && k < sizeof(num) - 1)
		num[k++] = p[i++];
	num[k] = '\0';
	if (i < n && isdigit((unsigned char)p[i]))
		return HTTP_MAX_BACKOFF_MS / 1000;
	errno = 0;
	secs = strtol(num, NULL, 10);
	if (errno == ERANGE || secs > HTTP_MAX_BACKOFF_MS / 1000)
		secs = HTTP_MAX_BACKOFF_MS / 1000;
	return secs;
}

static size_t
http_header_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t n = size * nmemb;
	long secs = http_retry_after(p, n);

	if (secs >= 0)
		s->retry_after = secs;
	return n;
}

static int
host_is_loopback(const char *h)
{
	static const char *const names[] = {
		"127.0.0.1", "localhost", "[::1]",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(h, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * The URL is read by libcurl's own parser (the one that will connect), so
 * what is checked is what is used: 'http://localhost:1@evil.example/' has
 * the host evil.example and a user name, whatever a hand-written scan of
 * the text after "http://" would say.
 */
int
http_url_allowed(const char *url, struct diag_err *err)
{
	const struct curlapi *cu;
	CURLU *u;
	char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
	int rc = 0;

	if ((cu = curlapi_get(err)) == NULL)
		return DIAG_ELIB;
	if ((u = cu->curl_url()) == NULL)
		return diag_set(err, DIAG_ENET, "", 0, 0,
		    "libcurl could not be initialised");
	if (cu->curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    cu->curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)) {
		rc = diag_set(err, DIAG_EUSAGE, "", 0, 0,
		    "API URL must be an https:// URL (got '%.200s')", url);
		goto out;
	}
	(void)cu->curl_url_get(u, CURLUPART_USER, &user, 0);
	(void)cu->curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
	if (user != NULL || pass != NULL) {
		/* never echo the URL: the part before '@' may be a secret */
		rc = diag_set(err, DIAG_EUSAGE, "", 0, 0,
		    "API URL must not carry a user name or password (the "
		    "'...@' part); the token goes in OTADIAG_RMAKER_TOKEN");
		goto out;
	}
	if (cu->curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = diag_set(err, DIAG_EUSAGE, "", 0, 0,
		    "API URL has no host (got '%.200s')", url);
		goto out;
	}
	if (strcmp(scheme, "http") == 0 && !host_is_loopback(host))
		rc = diag_set(err, DIAG_EUSAGE, "", 0, 0,
		    "plain http:// is allowed only to 127.0.0.1, localhost or "
		    "[::1]; use https:// for '%.200s'", host);
out:
	cu->curl_free(scheme);
	cu->curl_free(host);
	cu->curl_free(user);
	cu->curl_free(pass);
	cu->curl_url_cleanup(u);
	return rc;
}

long long
http_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The URL without its query, for messages (the query is not secret, but
 * keep the text short and stable). */
static void
url_path(const char *url, char *out, size_t n)
{
	size_t len = strcspn(url, "?#");

	if (len >= n)
		len = n - 1;
	memcpy(out, url, len);
	out[len] = '\0';
}

static int
retryable_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return 1;
	default:
		return 0;
	}
}

int
http_get(const char *url, const struct http_opts *opts,
    struct http_response *res, struct diag_err *err)
{
	const struct curlapi *cu = NULL;
	CURL *c = NULL;
	struct curl_slist *hdrs = NULL;
	struct sink s;
	char errbuf[CURL_ERROR_SIZE];
	char where[256];
	long timeout, connect, backoff, maxb;
	int retries, attempt, rc = DIAG_ENET;
	CURLcode cc = CURLE_OK;
	char *hdr = NULL;

	memset(res, 0, sizeof(*res));
	strbuf_init(&s.sb, 0);
	url_path(url, where, sizeof(where));
	if ((rc = http_url_allowed(url, err)) != 0)
		goto out;	/* refused, or libcurl missing (cu is NULL) */
	cu = curlapi_get(err);	/* loaded by http_url_allowed */
	timeout = opts->timeout_s > 0 ? opts->timeout_s : HTTP_DEFAULT_TIMEOUT_S;
	connect = opts->connect_timeout_s > 0 ? opts->connect_timeout_s :
	    HTTP_DEFAULT_CONNECT_S;
	if (connect > timeout)
		connect = timeout;
	retries = opts->retries >= 0 ? opts->retries : HTTP_DEFAULT_RETRIES;
	if (retries > 10)
		retries = 10;
	backoff = opts->backoff_ms > 0 ? opts->backoff_ms :
	    HTTP_DEFAULT_BACKOFF_MS;
	maxb = opts->max_bytes > 0 ? opts->max_bytes : HTTP_DEFAULT_MAX_BYTES;

	if (cu->curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		rc = diag_set(err, DIAG_ENET, "", 0, 0,
		    "libcurl could not be initialised");
		goto out;
	}
	if ((c = cu->curl_easy_init()) == NULL) {
		rc = diag_set(err, DIAG_ENET, "", 0, 0,
		    "libcurl could not be initialised");
		goto out;
	}
	hdrs = cu->curl_slist_append(hdrs, "Accept: application/json");
	if (opts->auth != NULL && opts->auth[0] != '\0') {
		hdr = xasprintf("Authorization: %s", opts->auth);
		hdrs = cu->curl_slist_append(hdrs, hdr);
	}

	for (attempt = 0; attempt <= retries; attempt++) {
		long status = 0;
		long wait, tmo_ms = timeout * 1000;
		int retry = 0;

		if (opts->deadline_ms > 0) {
			long long left = opts->deadline_ms - http_now_ms();

			if (left <= 0) {
				if (attempt == 0)
					rc = diag_set(err, DIAG_ELIMIT, "", 0, 0,
					    "%s: no time left for a request",
					    where);
				break;
			}
			if (left < tmo_ms)
				tmo_ms = (long)left;
		}

		strbuf_reset(&s.sb);
		s.max = maxb;
		s.over = 0;
		s.retry_after = -1;
		errbuf[0] = '\0';
		cu->curl_easy_reset(c);
		cu->curl_easy_setopt(c, CURLOPT_URL, url);
		cu->curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		cu->curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		cu->curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb);
		cu->curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
		cu->curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header_cb);
		cu->curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
		cu->curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		cu->curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		cu->curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		cu->curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		cu->curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		cu->curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tmo_ms);
		cu->curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
		    connect * 1000 < tmo_ms ? connect * 1000 : tmo_ms);
		cu->curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)maxb);
		cu->curl_easy_setopt(c, CURLOPT_USERAGENT,
		    "otadiag/" OTADIAG_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
		cu->curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
		cu->curl_easy_setopt(c, CURLOPT_PROTOCOLS,
		    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
		if (opts->cacert != NULL)
			cu->curl_easy_setopt(c, CURLOPT_CAINFO, opts->cacert);

		cc = cu->curl_easy_perform(c);
		res->attempts = attempt + 1;
		cu->curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		res->status = status;

		if (s.over || cc == CURLE_FILESIZE_EXCEEDED) {
			rc = diag_set(err, DIAG_ELIMIT, "", 0, 0,
			    "%s: response larger than %ld bytes", where, maxb);
			goto out;
		}
		if (cc != CURLE_OK) {
			const char *why = errbuf[0] != '\0' ? errbuf :
			    cu->curl_easy_strerror(cc);

			if (cc == CURLE_OPERATION_TIMEDOUT)
				rc = diag_set(err, DIAG_ELIMIT, "", 0, 0,
				    "%s: timed out after %.3g s (%s)", where,
				    (double)tmo_ms / 1000, why);
			else
				rc = diag_set(err, DIAG_ENET, "", 0, 0,
				    "%s: %s", where, why);
			retry = retryable_curl(cc);
		} else if (status >= 200 && status < 300) {
			rc = 0;
			break;
		} else {
			rc = diag_set(err, DIAG_ENET, "", 0, 0,
			    "%s: HTTP %ld", where, status);
			retry = status == 429 || status >= 500;
		}
		if (!retry || attempt == retries)
			break;
		wait = backoff;
		if (attempt < 16)
			wait = backoff << attempt;
		if (s.retry_after >= 0)
			wait = s.retry_after * 1000;
		if (wait > HTTP_MAX_BACKOFF_MS)
			wait = HTTP_MAX_BACKOFF_MS;
		if (opts->deadline_ms > 0 &&
		    http_now_ms() + wait >= opts->deadline_ms)
			break;	/* the wait would outlive the deadline */
		sleep_ms(wait);
	}
	if (rc != 0 && res->attempts > 1) {
		size_t l = strlen(err->text);

		snprintf(err->text + l, sizeof(err->text) - l,
		    " (after %d attempts)", res->attempts);
	}
out:
	res->len = s.sb.len;
	res->body = strbuf_detach(&s.sb);
	if (hdr != NULL) {
		/* wipe our copy of the token (curl keeps its own in the list) */
		memset(hdr, 0, strlen(hdr));
		free(hdr);
	}
	if (cu != NULL)
		cu->curl_slist_free_all(hdrs);
	if (c != NULL)
		cu->curl_easy_cleanup(c);
	return rc;
}

void
http_response_release(struct http_response *res)
{
	if (res == NULL)
		return;
	free(res->body);
	memset(res, 0, sizeof(*res));
}

char *
http_escape(const char *s)
{
	struct strbuf sb;
	const unsigned char *p;

	strbuf_init(&sb, strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' ||
		    *p == '~')
			strbuf_addch(&sb, *p);
		else
			strbuf_addf(&sb, "%%%02X", *p);
	}
	return strbuf_detach(&sb);
}
