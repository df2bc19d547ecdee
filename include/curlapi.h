/* SPDX-License-Identifier: Apache-2.0 */
/*
 * curlapi: the libcurl functions otadiag calls, loaded on first use
 * (dynlib.h), so that only job fetch pays for libcurl and the 30-odd
 * libraries it pulls in.  Prefix: curlapi_.
 *
 * Calls read like libcurl's own, through the table:
 *	const struct curlapi *cu = curlapi_get(err);
 *	cu->curl_easy_setopt(c, CURLOPT_URL, url);
 * Include this header instead of <curl/curl.h>: curl's type-checking
 * macros for curl_easy_setopt and curl_easy_getinfo would otherwise expand
 * the member names.
 */
#ifndef OTADIAG_CURLAPI_H
#define OTADIAG_CURLAPI_H

#ifdef CURLINC_CURL_H
#error "include curlapi.h before (instead of) <curl/curl.h>"
#endif
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "diag.h"
#include "dynlib.h"

struct curlapi {
	DYNLIB_FN(curl_global_init);
	DYNLIB_FN(curl_version_info);
	DYNLIB_FN(curl_easy_init);
	DYNLIB_FN(curl_easy_reset);
	DYNLIB_FN(curl_easy_setopt);
	DYNLIB_FN(curl_easy_perform);
	DYNLIB_FN(curl_easy_getinfo);
	DYNLIB_FN(curl_easy_strerror);
	DYNLIB_FN(curl_easy_cleanup);
	DYNLIB_FN(curl_slist_append);
	DYNLIB_FN(curl_slist_free_all);
	DYNLIB_FN(curl_url);
	DYNLIB_FN(curl_url_set);
	DYNLIB_FN(curl_url_get);
	DYNLIB_FN(curl_url_cleanup);
	DYNLIB_FN(curl_free);
};

/*
 * The loaded table (borrowed, valid until exit), or NULL with err filled
 * (DIAG_ELIB: "job fetch needs libcurl.so.4 (apt install libcurl4): ...").
 */
const struct curlapi *curlapi_get(struct diag_err *err);

#endif
