/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harness: helpers for integration tests that drive the built otadiag
 * through child processes, pseudo-terminals and loopback sockets.
 * Prefix: h_.  Every wait takes a timeout in milliseconds; nothing blocks
 * forever, so a broken binary fails a test instead of hanging it.
 */
#ifndef OTADIAG_HARNESS_H
#define OTADIAG_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#define H_STDOUT 1
#define H_STDERR 2

struct h_buf {
	char	*buf;		/* NUL-terminated */
	size_t	 len;
};

struct h_proc {
	pid_t		 pid;
	int		 out_fd, err_fd;
	struct h_buf	 out, err;
	int		 exited;
	int		 status;	/* exit code, or 128 + signal */
};

long long h_now_ms(void);
void	 h_sleep_ms(long ms);

/*
 * Starts argv[0] (a path) with argv; stdin_fd is dup'ed to the child's
 * stdin (-1: /dev/null).  extra_env ("NAME=value", NULL-terminated, may be
 * NULL) is added to the environment.  Returns NULL if fork fails.
 */
struct h_proc *h_spawn(const char *const *argv, int stdin_fd,
	    const char *const *extra_env);
/* Starts OTADIAG_BINARY with the arguments after it (NULL-terminated). */
struct h_proc *h_otadiag(int stdin_fd, ...);
/* Reads what the child wrote, for up to timeout_ms; 1 once it has exited. */
int	 h_pump(struct h_proc *p, int timeout_ms);
/* Waits until needle appears in stdout or stderr (H_STDOUT/H_STDERR). */
int	 h_wait_for(struct h_proc *p, int which, const char *needle,
	    int timeout_ms);
/* Exit status, or -1 on timeout (the child is then killed). */
int	 h_wait_exit(struct h_proc *p, int timeout_ms);
/* Without waiting: 1 once the child has exited and its output is read. */
int	 h_done(struct h_proc *p);
void	 h_signal(struct h_proc *p, int sig);
/* Kills a child still running and frees. */
void	 h_proc_free(struct h_proc *p);
/* Number of lines in a buffer (text ending without "\n" counts). */
size_t	 h_count_lines(const char *s);

/* A pseudo-terminal pair in raw mode; name is the slave's path. */
struct h_pty {
	int	 master, slave;
	char	 name[128];
};
int	 h_pty_open(struct h_pty *p);
void	 h_pty_close(struct h_pty *p);	/* the hang-up */

/*
 * Writes data to fd at a serial line's pace (10 bits a byte at baud), in
 * random chunks of 1..max_chunk bytes, so lines are split across reads.
 * The blocking form returns bytes written; the thread form runs beside
 * the test.
 */
size_t	 h_write_paced(int fd, const char *data, size_t len, int baud,
	    unsigned *seed);
struct h_writer;
struct h_writer *h_writer_start(int fd, const char *data, size_t len,
	    int baud, unsigned seed);
int	 h_writer_done(const struct h_writer *w);
long long h_writer_done_ms(const struct h_writer *w);
/* Waits for the writer to finish and frees it; returns bytes written. */
size_t	 h_writer_join(struct h_writer *w);

/* A listener on 127.0.0.1 with an ephemeral port (written to *port). */
int	 h_listen(int *port);
/* Accepts one connection, -1 after timeout_ms. */
int	 h_accept(int lfd, int timeout_ms);

/* Whole file, NUL-terminated; NULL if it cannot be read. */
char	*h_read_file(const char *path, size_t *len);
/* A fixture under fixtures/corpus/ (aborts the test if missing). */
char	*h_fixture(const char *name, size_t *len);
/* Size of a file, -1 if absent. */
long long h_file_size(const char *path);
/* Waits until path holds at least size bytes; 1 on success. */
int	 h_wait_file_size(const char *path, long long size, int timeout_ms);
/* A new private directory under $TMPDIR (owned string). */
char	*h_tmpdir(void);
/* Removes a directory made by h_tmpdir and the files in it. */
void	 h_rmdir(const char *dir);

#endif
