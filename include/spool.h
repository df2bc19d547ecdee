/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spool: an input kept on disk, not in memory.  Prefix: spool_.
 *
 * A job is read twice from one text (job.h: checked, then handed out node
 * by node).  A regular file is read in place (job_parse_fd); standard
 * input, a pipe and a fetched job cannot be read twice, and a mapping of
 * a file another program can truncate kills the reader with SIGBUS.  For
 * those, a spool is a private copy: an unlinked
 * temporary file in $TMPDIR (or /tmp), written in bounded chunks, then
 * mapped read-only.  No other program can reach that file, so the mapping
 * cannot be cut short under the reader; the job reader gives the pages
 * behind it back (JOB_MAPPED), so memory does not grow with the input's
 * size: the disk space of $TMPDIR does.
 *
 * Library code: nothing here prints; errors fill a struct diag_err that
 * names the input (or $TMPDIR when the temporary file fails).
 */
#ifndef OTADIAG_SPOOL_H
#define OTADIAG_SPOOL_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

struct spool;

/* An empty spool (owned; spool_free).  0 or DIAG_EIO (the temporary file
   cannot be made: $TMPDIR is named). */
int	 spool_new(struct spool **out, struct diag_err *err);
/* Appends n bytes.  0 or DIAG_EIO (a full disk says so).  Not after
   spool_map(). */
int	 spool_write(struct spool *s, const void *p, size_t n,
	    struct diag_err *err);

/* Bytes written so far. */
size_t	 spool_written(const struct spool *s);
/* Reads back up to n bytes written at off (before or after spool_map).
   The bytes read, or -1 (errno set). */
long	 spool_pread(const struct spool *s, void *buf, size_t n, size_t off);

/* Called after each chunk copied, with the bytes copied so far (a test
   changes the source there). */
typedef void (*spool_chunk_fn)(void *ctx, size_t done);

/*
 * Appends everything fd gives until its end, in bounded chunks; path
 * names fd in errors.  A regular file that ends before the size it had
 * when the copy began (another program truncated it) fails with DIAG_EIO
 * "truncated while being read"; one whose size, modification or
 * status-change time differ after the copy from before it (it grew, or
 * was rewritten in place) fails with DIAG_EIO "changed while being
 * read": the copy would mix two versions.  fn may be NULL.
 */
int	 spool_copy_fd(struct spool *s, int fd, const char *path,
	    spool_chunk_fn fn, void *ctx, struct diag_err *err);

/* spool_new + spool_copy_fd + spool_map of the file path ("-": standard
   input).  DIAG_EIO names path when it cannot be opened or read. */
int	 spool_open(const char *path, struct spool **out,
	    struct diag_err *err);

/* Maps what was written, read-only.  0 or DIAG_EIO. */
int	 spool_map(struct spool *s, struct diag_err *err);
/* The mapped text (borrowed; valid until spool_free; "" when empty), and
   its length. */
const char *spool_data(const struct spool *s);
size_t	 spool_len(const struct spool *s);

/* Writes the text to fp in bounded chunks read from the file (the mapping
   is not touched).  0, or -1 on a read or write error (errno set). */
int	 spool_write_to(const struct spool *s, FILE *fp);

/* Unmaps and closes (the file goes with its last descriptor).  NULL is
   fine. */
void	 spool_free(struct spool *s);

#endif
