/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: bounded HTTPS GET with libcurl, and the RainMaker OTA job API on top
 * of it.  Prefix: http_ (transport), rmaker_ (the API client).
 *
 * Security rules, enforced here rather than by callers:
 *  - TLS peer and host verification are always on; a private CA is given
 *    with cacert.  There is no switch to turn verification off.
 *  - Plain http:// is refused except for a loopback host (127.0.0.1,
 *    localhost, [::1]), which the test servers use.
 *  - Redirects are not followed (the token would travel with them).
 *  - The token is sent only as the Authorization header; it never appears
 *    in an error text, a URL or a progress line.
 *  - A response larger than max_bytes is cut off and fails with DIAG_ELIMIT.
 *
 * Library code: nothing here prints; errors fill a struct diag_err.
 */
#ifndef OTADIAG_HTTP_H
#define OTADIAG_HTTP_H

#include <stddef.h>

#include "diag.h"

#define HTTP_DEFAULT_MAX_BYTES	(16L * 1024 * 1024)
#define HTTP_DEFAULT_TIMEOUT_S	30
#define HTTP_DEFAULT_CONNECT_S	10
#define HTTP_DEFAULT_RETRIES	3
#define HTTP_DEFAULT_BACKOFF_MS	500
#define HTTP_MAX_BACKOFF_MS	30000

struct http_opts {
	const char	*cacert;	/* CA bundle file, or NULL for the system's */
	const char	*auth;		/* Authorization header value, or NULL */
	long		 timeout_s;	/* total per attempt; 0 = default */
	long		 connect_timeout_s; /* 0 = default (min with timeout) */
	int		 retries;	/* extra attempts on 429/5xx/network, -1 = default */
	long		 backoff_ms;	/* first delay, doubled each time; 0 = default */
	long		 max_bytes;	/* 0 = default */
	long long	 deadline_ms;	/* CLOCK_MONOTONIC ms no attempt or wait
					   may pass (http_now_ms()); 0 = none */
};

struct http_response {
	long		 status;	/* HTTP status, 0 if none was received */
	char		*body;		/* owned, NUL-terminated (may hold NULs) */
	size_t		 len;
	int		 attempts;	/* requests made */
};

/*
 * Checks url with libcurl's URL parser: https://, or http:// to a loopback
 * host (by the host curl would connect to), and no user name or password.
 */
int	 http_url_allowed(const char *url, struct diag_err *err);

/*
 * GETs url.  Retries (bounded by opts->retries) on 429, 5xx and network
 * errors, waiting backoff_ms, 2*backoff_ms, ... (or Retry-After, capped at
 * HTTP_MAX_BACKOFF_MS).  Returns 0 with a 2xx response in *res, or a
 * negative diag code: DIAG_ENET (network, TLS, or a non-2xx status; res
 * still holds the last status and body), DIAG_ELIMIT (size or time limit),
 * DIAG_EUSAGE (url refused).  The caller frees res with
 * http_response_release() in every case.
 */
int	 http_get(const char *url, const struct http_opts *opts,
	    struct http_response *res, struct diag_err *err);
void	 http_response_release(struct http_response *res);

/* CLOCK_MONOTONIC in milliseconds, for deadline_ms. */
long long http_now_ms(void);

/* The seconds of one raw header line (n bytes, not NUL-terminated) if it
   is "Retry-After: N", clamped to HTTP_MAX_BACKOFF_MS; -1 otherwise. */
long	 http_retry_after(const char *p, size_t n);

/* Percent-encodes s for a query string (owned). */
char	*http_escape(const char *s);

/* ---- RainMaker OTA job API ------------------------------------------ */

#define RMAKER_DEFAULT_API	"https://api.rainmaker.espressif.com/v1"
#define RMAKER_MAX_PAGES	10000
#define RMAKER_MAX_REQUESTS	20000	/* HTTP requests, retries included */
#define RMAKER_DEFAULT_TOTAL_S	1800	/* the whole walk */

/* Progress: called after each page with nodes fetched and total (0 if
 * unknown). */
typedef void (*rmaker_progress_fn)(void *ctx, size_t page, size_t nodes,
    size_t total);

struct spool;

struct rmaker_fetch {
	const char	*api;		/* base URL, ".../v1" */
	const char	*job_id;	/* required */
	const char	*node_id;	/* or NULL: the whole job */
	struct http_opts http;
	long		 total_timeout_s; /* the whole fetch; 0 = default */
	long		 max_requests;	/* budget, retries included; 0 = default */
	rmaker_progress_fn progress;
	void		*progress_ctx;
};

/*
 * Fetches the job status.  Without node_id: GET {api}/admin/otajob/status
 * ?ota_job_id=ID, following next_id with start_id until the pages run out,
 * merged into one admin-status document ({"ota_job_id", "node_ota_status":
 * [...], "total"}).  The walk ends with DIAG_ESCHEMA at once when the
 * server repeats a next_id or sends a page with a next_id but no node not
 * seen before (a node on two pages is kept once), and with DIAG_ELIMIT
 * beyond RMAKER_MAX_PAGES pages, max_requests requests or total_timeout_s
 * seconds (each request's own time-out is cut to what is left).  With node_id: GET {api}/user/nodes/ota_status
 * ?node_id=N&ota_job_id=ID (one node record).  Errors name the URL path,
 * the HTTP status and the API's {"status","error_code","description"}
 * body when there is one.  The result is written to out as the pages come (a JSON text as
 * json_dumps(JSON_INDENT(2)) writes it), never held whole in memory; on
 * failure out holds part of it.
 */
int	 rmaker_fetch_job(const struct rmaker_fetch *f, struct spool *out,
	    struct diag_err *err);

#endif
