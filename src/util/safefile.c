/* SPDX-License-Identifier: Apache-2.0 */
/*
 * safefile: a whole file written to a temporary one and renamed into
 * place (safefile.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "safefile.h"
#include "xalloc.h"

struct safefile {
	FILE	*fp;
	char	*path;		/* where it goes (a link resolved with force) */
	char	*tmp;		/* the temporary file, or NULL: written directly */
};

static mode_t
new_file_mode(void)
{
	mode_t u = umask(022);

	umask(u);
	return 0666 & ~u;
}

int
safefile_open(const char *path, int force, struct safefile **out, FILE **fp,
    struct diag_err *err)
{
	struct safefile *sf;
	struct stat lst, st;
	const char *slash;
	char *real = NULL;
	mode_t mode;
	int fd, have;

	*out = NULL;
	*fp = NULL;
	have = lstat(path, &lst) == 0;
	if (have && S_ISLNK(lst.st_mode)) {
		int to = stat(path, &st) == 0;

		if (to && !S_ISREG(st.st_mode))
			goto direct;	/* /dev/stdout, a link to a FIFO */
		if (!force)
			return diag_set(err, DIAG_EUSAGE, path, 0, 0,
			    "is a symbolic link: not writing through it "
			    "(--force replaces the file it points to)");
		if (!to || (real = realpath(path, NULL)) == NULL)
			return diag_set(err, DIAG_EIO, path, 0, 0,
			    "is a symbolic link to nothing: not writing");
		path = real;
		lst = st;
	} else if (have && !S_ISREG(lst.st_mode))
		goto direct;		/* /dev/null, /dev/full, a FIFO */
	mode = have ? lst.st_mode & 07777 : new_file_mode();
	sf = xcalloc(1, sizeof(*sf));
	sf->path = xstrdup(path);
	slash = strrchr(path, '/');
	if (slash == NULL)
		sf->tmp = xasprintf(".%s.XXXXXX", path);
	else
		sf->tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path),
		    path, slash + 1);
	if ((fd = mkstemp(sf->tmp)) == -1) {
		int e = errno;

		free(sf->tmp);
		sf->tmp = NULL;
		safefile_abort(sf);
		free(real);
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot write: %s",
		    strerror(e));
	}
	(void)fchmod(fd, mode);
	if ((sf->fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		safefile_abort(sf);
		free(real);
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot write: %s",
		    strerror(errno));
	}
	free(real);
	*out = sf;
	*fp = sf->fp;
	return 0;
direct:
	sf = xcalloc(1, sizeof(*sf));
	sf->path = xstrdup(path);
	if ((sf->fp = fopen(path, "w")) == NULL) {
		int e = errno;

		safefile_abort(sf);
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot write: %s",
		    strerror(e));
	}
	*out = sf;
	*fp = sf->fp;
	return 0;
}

int
safefile_commit(struct safefile *sf, struct diag_err *err)
{
	int bad;

	bad = fflush(sf->fp) != 0 || ferror(sf->fp);
	if (!bad && sf->tmp != NULL && fsync(fileno(sf->fp)) == -1 &&
	    errno != EINVAL)
		bad = 1;
	if (fclose(sf->fp) != 0)
		bad = 1;
	sf->fp = NULL;
	if (!bad && sf->tmp != NULL && rename(sf->tmp, sf->path) == -1)
		bad = 1;
	if (bad) {
		int e = errno;

		diag_set(err, DIAG_EIO, sf->path, 0, 0, "cannot write: %s%s",
		    strerror(e), sf->tmp != NULL ? " (nothing was replaced)" :
		    "");
		safefile_abort(sf);
		return DIAG_EIO;
	}
	free(sf->tmp);
	free(sf->path);
	free(sf);
	return 0;
}

void
safefile_abort(struct safefile *sf)
{
	if (sf == NULL)
		return;
	if (sf->fp != NULL)
		fclose(sf->fp);
	if (sf->tmp != NULL)
		unlink(sf->tmp);
	free(sf->tmp);
	free(sf->path);
	free(sf);
}
