/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: URL and HTTP header handling of job fetch.  The bytes
 * are a candidate --api URL (http_url_allowed, through libcurl's URL
 * parser) and a raw header line (http_retry_after, not NUL-terminated, as
 * curl hands it over).  Checked: a Retry-After value is -1 or within the
 * clamp, and an allowed plain-http URL names a loopback host.
 *
 * fuzz-seeds: tests/fuzz/seeds/url
 * fuzz-max-len: 1024
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "diag.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_err err;
	char *url;
	long secs;

	secs = http_retry_after((const char *)data, size);
	if (secs < -1 || secs > HTTP_MAX_BACKOFF_MS / 1000)
		abort();
	url = malloc(size + 1);
	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	if (http_url_allowed(url, &err) == 0 &&
	    strncasecmp(url, "https:", 6) != 0) {
		CURLU *u = curl_url();
		char *host = NULL;

		if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
		    (strcmp(host, "127.0.0.1") != 0 &&
		    strcasecmp(host, "localhost") != 0 &&
		    strcmp(host, "[::1]") != 0))
			abort();
		curl_free(host);
		curl_url_cleanup(u);
	}
	free(url);
	return 0;
}
