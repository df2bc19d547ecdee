/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spool: an input copied to an unlinked temporary file and mapped (see
 * spool.h).
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "spool.h"
#include "xalloc.h"

#define SPOOL_CHUNK	(64 * 1024)

struct spool {
	int		 fd;
	size_t		 len;		/* bytes written */
	char		*map;		/* or NULL (empty, or not mapped) */
	int		 mapped;
};

static const char *
tmpdir(void)
{
	const char *d = getenv("TMPDIR");

	return d != NULL && d[0] != '\0' ? d : "/tmp";
}

int
spool_new(struct spool **out, struct diag_err *err)
{
	const char *dir = tmpdir();
	struct spool *s;
	char *tmpl;
	int fd;

	*out = NULL;
	/* O_TMPFILE: a file without a name from the start; where the file
	   system has none, a named one unlinked at once */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		tmpl = xasprintf("%s/otadiag-spool-XXXXXX", dir);
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			(void)unlink(tmpl);
		free(tmpl);
	}
	if (fd < 0)
		return diag_set(err, DIAG_EIO, dir, 0, 0, "cannot make a "
		    "temporary file to hold the input (TMPDIR): %s",
		    strerror(errno));
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	*out = s;
	return 0;
}

int
spool_write(struct spool *s, const void *p, size_t n, struct diag_err *err)
{
	const char *q = p;
	ssize_t w;

	while (n > 0) {
		w = write(s->fd, q, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return diag_set(err, DIAG_EIO, tmpdir(), 0, 0,
			    "cannot hold the input in a temporary file after "
			    "%zu bytes (TMPDIR): %s", s->len,
			    w < 0 ? strerror(errno) : "no space");
		q += w;
		n -= (size_t)w;
		s->len += (size_t)w;
	}
	return 0;
}

size_t
spool_written(const struct spool *s)
{
	return s->len;
}

long
spool_pread(const struct spool *s, void *buf, size_t n, size_t off)
{
	ssize_t r;

	do
		r = pread(s->fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return (long)r;
}

/* Another program wrote to the file between two fstat()s of it. */
static int
changed(const struct stat *a, const struct stat *b)
{
	return a->st_size != b->st_size ||
	    a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	    a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
	    a->st_ctim.tv_sec != b->st_ctim.tv_sec ||
	    a->st_ctim.tv_nsec != b->st_ctim.tv_nsec;
}

int
spool_copy_fd(struct spool *s, int fd, const char *path, spool_chunk_fn fn,
    void *ctx, struct diag_err *err)
{
	struct stat st, st1;
	off_t size0 = -1;
	size_t done = 0;
	char *buf = xmalloc(SPOOL_CHUNK);
	ssize_t n;
	int rc = 0;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		size0 = st.st_size - lseek(fd, 0, SEEK_CUR);
	for (;;) {
		n = read(fd, buf, SPOOL_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = diag_set(err, DIAG_EIO, path, 0, 0, "read error "
			    "after %zu bytes: %s", done, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = spool_write(s, buf, (size_t)n, err)) != 0)
			goto out;
		done += (size_t)n;
		if (fn != NULL)
			fn(ctx, done);
	}
	if (size0 >= 0 && (off_t)done < size0)
		rc = diag_set(err, DIAG_EIO, path, 0, 0, "truncated while "
		    "being read: %zu of its %lld bytes were there (another "
		    "program cut the file short; read it again when it is "
		    "complete)", done, (long long)size0);
	else if (size0 >= 0 && fstat(fd, &st1) == 0 && changed(&st, &st1))
		rc = diag_set(err, DIAG_EIO, path, 0, 0, "changed while being "
		    "read (its size or modification time is not what it was "
		    "when the read began: another program wrote to it); read "
		    "it again when it is complete");
out:
	free(buf);
	return rc;
}

int
spool_open(const char *path, struct spool **out, struct diag_err *err)
{
	int is_stdin = strcmp(path, "-") == 0, fd, rc;
	struct spool *s;
	struct stat st;

	*out = NULL;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = diag_set(err, DIAG_EIO, path, 0, 0, "is a directory");
		goto out;
	}
	if ((rc = spool_new(&s, err)) != 0)
		goto out;
	if ((rc = spool_copy_fd(s, fd, path, NULL, NULL, err)) != 0 ||
	    (rc = spool_map(s, err)) != 0) {
		spool_free(s);
		goto out;
	}
	*out = s;
out:
	if (!is_stdin)
		close(fd);
	return rc;
}

int
spool_map(struct spool *s, struct diag_err *err)
{
	void *p;

	if (s->mapped)
		return 0;
	s->mapped = 1;
	if (s->len == 0)
		return 0;
	p = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (p == MAP_FAILED)
		return diag_set(err, DIAG_EIO, tmpdir(), 0, 0, "cannot map the "
		    "temporary file that holds the input: %s",
		    strerror(errno));
	s->map = p;
	return 0;
}

const char *
spool_data(const struct spool *s)
{
	return s->map != NULL ? s->map : "";
}

size_t
spool_len(const struct spool *s)
{
	return s->map != NULL ? s->len : 0;
}

int
spool_write_to(const struct spool *s, FILE *fp)
{
	char *buf = xmalloc(SPOOL_CHUNK);
	off_t off = 0;
	ssize_t n;
	int rc = 0;

	while ((size_t)off < s->len) {
		n = pread(s->fd, buf, SPOOL_CHUNK, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || fwrite(buf, 1, (size_t)n, fp) != (size_t)n) {
			if (n == 0)
				errno = EIO;
			rc = -1;
			break;
		}
		off += n;
	}
	free(buf);
	return rc;
}

void
spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->map != NULL)
		munmap(s->map, s->len);
	close(s->fd);
	free(s);
}
