/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dynlib: a shared library that only some commands need, opened on first
 * use instead of at start-up.  Prefix: dynlib_.
 *
 * Linking libcurl, libdw/libelf, libcrypto and libstdc++ made every run pay
 * for loading them and the 30-odd libraries they pull in (most of the start-up
 * of 'otadiag analyze'), though only job fetch, --elf/decode and image
 * checksums use them.  A module that wraps such a library describes it once
 * (its Debian soname and package, and the symbols it calls) and calls
 * dynlib_load() before its first call; the symbols land in a struct of
 * function pointers whose member types come from the library's own header
 * (__typeof__), so the compiler still checks every call.  As systemd does
 * for its optional libraries.
 *
 * The library is opened with dlopen(RTLD_NOW | RTLD_LOCAL) and never
 * closed: once loaded it stays, as a linked one would.  A failure (missing
 * file, wrong file, missing symbol) is one line naming the library and the
 * package to install, and is remembered, so every later call fails the
 * same way without trying again.
 */
#ifndef OTADIAG_DYNLIB_H
#define OTADIAG_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

#include "diag.h"

struct dynlib_sym {
	const char	*name;		/* the symbol, "curl_easy_init" */
	size_t		 offset;	/* of its pointer in the table */
};

/* A row for the function fn, held in the member fn of struct type. */
#define DYNLIB_SYM(type, fn)	{ #fn, offsetof(type, fn) }

/* The member for the function fn in a table struct: its type is fn's. */
#define DYNLIB_FN(fn)		__typeof__(&fn) fn

struct dynlib {
	const char		*soname;	/* "libcurl.so.4" */
	const char		*package;	/* Debian package shipping it
						   (cmake/dlopen.cmake) */
	const struct dynlib_sym	*syms;
	size_t			 nsyms;
};

/*
 * The load state of one library: a static next to its table in the module
 * that wraps it, written once under its lock by dynlib_load() and read-only
 * after that (the one kind of global state this mechanism needs: a loaded
 * library is process-wide anyway).
 */
struct dynlib_state {
	pthread_mutex_t	 lock;
	int		 done;		/* tried: rc and err hold the result */
	int		 rc;
	struct diag_err	 err;
};

#define DYNLIB_STATE_INIT	{ PTHREAD_MUTEX_INITIALIZER, 0, 0, { "", 0, 0, "" } }

/*
 * Opens lib and resolves its symbols into table (a struct of function
 * pointers at the rows' offsets), once per st.  Returns 0, or DIAG_ELIB
 * with err->text "WHO SONAME (apt install PACKAGE): <dlerror>", where who
 * says what needs it, with the verb ("job fetch needs").  Thread-safe.
 */
int	 dynlib_load(const struct dynlib *lib, struct dynlib_state *st,
	    void *table, const char *who, struct diag_err *err);

#endif
