/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cryptoapi: the libcrypto (OpenSSL 3) digest functions otadiag calls
 * (SHA-256 of images, ELFs and core dumps, MD5 of partition tables),
 * loaded on first use (dynlib.h), so that a run that checks no checksum
 * does not pay for libcrypto.  Prefix: cryptoapi_.
 *
 *	const struct cryptoapi *cr = cryptoapi_get(err);
 *	cr->EVP_Digest(buf, n, md, &len, cr->EVP_sha256(), NULL);
 */
#ifndef OTADIAG_CRYPTOAPI_H
#define OTADIAG_CRYPTOAPI_H

#include <openssl/evp.h>

#include "diag.h"
#include "dynlib.h"

struct cryptoapi {
	DYNLIB_FN(EVP_Digest);
	DYNLIB_FN(EVP_get_digestbyname);
	DYNLIB_FN(EVP_sha256);
	DYNLIB_FN(EVP_MD_CTX_new);
	DYNLIB_FN(EVP_MD_CTX_free);
	DYNLIB_FN(EVP_DigestInit_ex);
	DYNLIB_FN(EVP_DigestUpdate);
	DYNLIB_FN(EVP_DigestFinal_ex);
};

/*
 * The loaded table (borrowed, valid until exit), or NULL with err filled
 * (DIAG_ELIB: "checksums (SHA-256, MD5) need libcrypto.so.3 (apt install
 * libssl3): ...").
 */
const struct cryptoapi *cryptoapi_get(struct diag_err *err);

#endif
