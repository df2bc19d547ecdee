/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cryptoapi: libcrypto loaded on first use (see cryptoapi.h).
 */
#include <openssl/opensslv.h>

#include "cryptoapi.h"
#include "diag.h"
#include "dynlib.h"

#if OPENSSL_VERSION_MAJOR != 3
#error "OpenSSL 3's libcrypto is libcrypto.so.3: check the soname below"
#endif

#define S(fn) DYNLIB_SYM(struct cryptoapi, fn)
static const struct dynlib_sym syms[] = {
	S(EVP_Digest), S(EVP_get_digestbyname), S(EVP_sha256),
	S(EVP_MD_CTX_new), S(EVP_MD_CTX_free), S(EVP_DigestInit_ex),
	S(EVP_DigestUpdate), S(EVP_DigestFinal_ex),
};
#undef S

static const struct dynlib lib = {
	"libcrypto.so.3", OTADIAG_PKG_LIBCRYPTO_SO_3, syms,
	sizeof(syms) / sizeof(syms[0]),
};

/* Written once by dynlib_load under state's lock, read-only after. */
static struct cryptoapi table;
static struct dynlib_state state = DYNLIB_STATE_INIT;

const struct cryptoapi *
cryptoapi_get(struct diag_err *err)
{
	if (dynlib_load(&lib, &state, &table, "checksums (SHA-256, MD5) need",
	    err) != 0)
		return NULL;
	return &table;
}
