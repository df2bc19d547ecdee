/* SPDX-License-Identifier: Apache-2.0 */
/*
 * version: what 'otadiag --version' prints: the release (the CMake project
 * version, and git describe when built from a checkout), the built-in rule
 * set's version, and the versions of the libraries it runs with (asked of
 * the libraries themselves, so an upgraded shared library shows).  libcurl
 * is loaded only by job fetch (curlapi.h); --version loads it too, so that
 * it shows the libcurl job fetch would use (the one a TLS problem is
 * about), or that it is missing, rather than the one otadiag was built with.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <libserialport.h>
#include <pcre2.h>

#include "builtin.h"
#include "cmd.h"
#include "curlapi.h"
#include "diag.h"
#include "version_git.h"

void
cli_print_version(FILE *fp)
{
	const struct curlapi *cu = curlapi_get(NULL);
	const curl_version_info_data *cv = NULL;
	char pcre[64] = "?";
	size_t nfiles = builtin_rules_nfiles;

	if (cu != NULL)
		cv = cu->curl_version_info(CURLVERSION_NOW);
	if (pcre2_config(PCRE2_CONFIG_VERSION, pcre) < 0)
		strcpy(pcre, "?");
	fprintf(fp, "otadiag %s", OTADIAG_VERSION);
	if (OTADIAG_GIT_DESCRIBE[0] != '\0')
		fprintf(fp, " (git %s)", OTADIAG_GIT_DESCRIBE);
	fprintf(fp, "\nrules %s (%zu built-in rule files)\n",
	    builtin_rules_digest, nfiles);
	fprintf(fp, "PCRE2 %s, libcurl %s, jansson %s, libserialport %s\n",
	    pcre, cv != NULL ? cv->version : cu == NULL ?
	    "missing (apt install " OTADIAG_PKG_LIBCURL_SO_4 ")" : "?",
	    jansson_version_str(),
	    sp_get_package_version_string());
}
