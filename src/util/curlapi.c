/* SPDX-License-Identifier: Apache-2.0 */
/*
 * curlapi: libcurl loaded on first use (see curlapi.h).
 */
#include "curlapi.h"
#include "diag.h"
#include "dynlib.h"

#if LIBCURL_VERSION_MAJOR != 7 && LIBCURL_VERSION_MAJOR != 8
#error "libcurl's soname is libcurl.so.4 for curl 7 and 8: check CURLAPI_SONAME"
#endif
#define CURLAPI_SONAME	"libcurl.so.4"

#define S(fn) DYNLIB_SYM(struct curlapi, fn)
static const struct dynlib_sym syms[] = {
	S(curl_global_init), S(curl_version_info), S(curl_easy_init),
	S(curl_easy_reset), S(curl_easy_setopt), S(curl_easy_perform),
	S(curl_easy_getinfo), S(curl_easy_strerror), S(curl_easy_cleanup),
	S(curl_slist_append), S(curl_slist_free_all), S(curl_url),
	S(curl_url_set), S(curl_url_get), S(curl_url_cleanup), S(curl_free),
};
#undef S

static const struct dynlib lib = {
	CURLAPI_SONAME, OTADIAG_PKG_LIBCURL_SO_4, syms, sizeof(syms) / sizeof(syms[0]),
};

/* Written once by dynlib_load under state's lock, read-only after. */
static struct curlapi table;
static struct dynlib_state state = DYNLIB_STATE_INIT;

const struct curlapi *
curlapi_get(struct diag_err *err)
{
	if (dynlib_load(&lib, &state, &table, "job fetch needs", err) != 0)
		return NULL;
	return &table;
}
