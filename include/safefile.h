/* SPDX-License-Identifier: Apache-2.0 */
/*
 * safefile: writing a whole file (a report, a saved job) so that it is
 * either complete or not there.  Prefix: safefile_.
 *
 * safefile_open() creates a temporary file in the folder of path, and
 * safefile_commit() flushes it to disk and renames it over path: a disk
 * that fills up, a crash or a kill leaves the old file (or none), never a
 * cut report.  An existing regular file is replaced (a CI job writes the
 * same report.xml every run) and keeps its mode; a new one gets 0666
 * less the umask.
 *
 * A symbolic link at path is not written through unless force is set: a
 * link planted where a report is expected would otherwise make otadiag
 * overwrite whatever it points at.  With force, the file the link leads
 * to is replaced.  A path that is not a regular file (/dev/null, a FIFO,
 * /dev/stdout and other links to one) is written directly: there is
 * nothing to replace atomically.
 *
 * Library code: nothing here prints; errors fill a struct diag_err that
 * names the path.
 */
#ifndef OTADIAG_SAFEFILE_H
#define OTADIAG_SAFEFILE_H

#include <stdio.h>

#include "diag.h"

struct safefile;

/*
 * Opens path for writing.  Returns 0 with *sf (owned: end it with
 * safefile_commit or safefile_abort) and *fp (borrowed from *sf), or
 * DIAG_EIO / DIAG_EUSAGE (a symbolic link without force) with both NULL.
 */
int	 safefile_open(const char *path, int force, struct safefile **sf,
	    FILE **fp, struct diag_err *err);
/* Flushes, syncs and renames into place; frees sf.  0 or DIAG_EIO (the
   temporary file is removed and path is untouched). */
int	 safefile_commit(struct safefile *sf, struct diag_err *err);
/* Closes and removes the temporary file; frees sf.  NULL is accepted. */
void	 safefile_abort(struct safefile *sf);

#endif
