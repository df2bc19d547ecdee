/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dynlib: a shared library opened on first use (see dynlib.h).
 */
#include <dlfcn.h>
#include <string.h>

#include "diag.h"
#include "dynlib.h"

/* dlsym gives a void *; POSIX makes it hold a function pointer. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "function pointers are as wide as data pointers");

static int
load(const struct dynlib *lib, void *table, const char *who,
    struct diag_err *err)
{
	void *h, *p;
	const char *why;
	size_t i;

	(void)dlerror();
	if ((h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		goto fail;
	for (i = 0; i < lib->nsyms; i++) {
		(void)dlerror();
		p = dlsym(h, lib->syms[i].name);
		if (p == NULL)
			goto fail;	/* none of ours may be NULL */
		/* a copy, not a cast: ISO C has no data-to-function cast */
		memcpy((char *)table + lib->syms[i].offset, &p, sizeof(p));
	}
	return 0;
fail:
	/* the handle stays open on a missing symbol: closing a library
	   whose constructors ran is not worth the risk on an error path */
	why = dlerror();
	return diag_set(err, DIAG_ELIB, "", 0, 0,
	    "%s %s (apt install %s): %s", who, lib->soname,
	    lib->package, why != NULL ? why : "not found");
}

int
dynlib_load(const struct dynlib *lib, struct dynlib_state *st, void *table,
    const char *who, struct diag_err *err)
{
	int rc;

	pthread_mutex_lock(&st->lock);
	if (!st->done) {
		diag_clear(&st->err);
		st->rc = load(lib, table, who, &st->err);
		st->done = 1;
	}
	rc = st->rc;
	if (rc != 0 && err != NULL)
		*err = st->err;
	pthread_mutex_unlock(&st->lock);
	return rc;
}
