/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harness: child processes, ptys, paced writers and loopback listeners
 * for the integration tests.
 */
#define _GNU_SOURCE 1	/* pipe2, accept4 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

long long
h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
h_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
h_sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
h_buf_add(struct h_buf *b, const char *s, size_t n)
{
	char *nb = realloc(b->buf, b->len + n + 1);

	if (nb == NULL)
		abort();
	b->buf = nb;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

struct h_proc *
h_spawn(const char *const *argv, int stdin_fd, const char *const *extra_env)
{
	struct h_proc *p;
	int out[2], err[2];
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1)
		return NULL;
	pid = fork();
	if (pid == -1)
		return NULL;
	if (pid == 0) {
		int in = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);

		dup2(in, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		for (; extra_env != NULL && *extra_env != NULL; extra_env++)
			putenv((char *)(uintptr_t)*extra_env);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		abort();
	p->pid = pid;
	p->out_fd = out[0];
	p->err_fd = err[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	h_buf_add(&p->out, "", 0);
	h_buf_add(&p->err, "", 0);
	return p;
}

struct h_proc *
h_otadiag(int stdin_fd, ...)
{
	const char *argv[64];
	const char *a;
	va_list ap;
	int n = 0;

	argv[n++] = OTADIAG_BINARY;
	va_start(ap, stdin_fd);
	while ((a = va_arg(ap, const char *)) != NULL && n < 63)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return h_spawn(argv, stdin_fd, NULL);
}

static void
h_reap(struct h_proc *p)
{
	int st;

	if (p->exited)
		return;
	if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
		p->exited = 1;
		p->status = WIFEXITED(st) ? WEXITSTATUS(st) :
		    128 + WTERMSIG(st);
	}
}

int
h_pump(struct h_proc *p, int timeout_ms)
{
	struct pollfd pfd[2];
	char buf[4096];
	long long end = h_now_ms() + timeout_ms;
	ssize_t r;
	int i, n, left;

	for (;;) {
		n = 0;
		if (p->out_fd >= 0) {
			pfd[n].fd = p->out_fd;
			pfd[n++].events = POLLIN;
		}
		if (p->err_fd >= 0) {
			pfd[n].fd = p->err_fd;
			pfd[n++].events = POLLIN;
		}
		if (n == 0) {
			h_reap(p);
			if (p->exited)
				return 1;
			h_sleep_ms(5);
			if (h_now_ms() >= end)
				return 0;
			continue;
		}
		left = (int)(end - h_now_ms());
		if (left < 0)
			left = 0;
		if (poll(pfd, (nfds_t)n, left) <= 0) {
			h_reap(p);
			return p->exited;
		}
		for (i = 0; i < n; i++) {
			int *fdp = pfd[i].fd == p->out_fd ? &p->out_fd :
			    &p->err_fd;
			struct h_buf *b = fdp == &p->out_fd ? &p->out : &p->err;

			if (pfd[i].revents == 0)
				continue;
			r = read(*fdp, buf, sizeof(buf));
			if (r > 0)
				h_buf_add(b, buf, (size_t)r);
			else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(*fdp);
				*fdp = -1;
			}
		}
		/* Return as soon as something was read. */
		return 0;
	}
}

int
h_wait_for(struct h_proc *p, int which, const char *needle, int timeout_ms)
{
	long long end = h_now_ms() + timeout_ms;
	struct h_buf *b = which == H_STDERR ? &p->err : &p->out;

	for (;;) {
		if (strstr(b->buf, needle) != NULL)
			return 1;
		if (h_now_ms() >= end)
			return 0;
		if (h_pump(p, (int)(end - h_now_ms())) == 1 &&
		    p->out_fd < 0 && p->err_fd < 0)
			return strstr(b->buf, needle) != NULL;
	}
}

int
h_wait_exit(struct h_proc *p, int timeout_ms)
{
	long long end = h_now_ms() + timeout_ms;

	while (!(p->exited && p->out_fd < 0 && p->err_fd < 0)) {
		if (h_now_ms() >= end) {
			kill(p->pid, SIGKILL);
			return -1;
		}
		h_pump(p, 50);
		h_reap(p);
	}
	return p->status;
}

int
h_done(struct h_proc *p)
{
	h_pump(p, 0);
	h_reap(p);
	return p->exited && p->out_fd < 0 && p->err_fd < 0;
}

void
h_signal(struct h_proc *p, int sig)
{
	if (!p->exited)
		kill(p->pid, sig);
}

void
h_proc_free(struct h_proc *p)
{
	int st;

	if (p == NULL)
		return;
	if (!p->exited) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &st, 0);
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	free(p->out.buf);
	free(p->err.buf);
	free(p);
}

size_t
h_count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n' || s[1] == '\0')
			n++;
	return n;
}

int
h_pty_open(struct h_pty *p)
{
	struct termios t;

	if (openpty(&p->master, &p->slave, p->name, NULL, NULL) == -1)
		return -1;
	if (tcgetattr(p->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(p->slave, TCSANOW, &t);
	}
	fcntl(p->master, F_SETFD, FD_CLOEXEC);
	fcntl(p->slave, F_SETFD, FD_CLOEXEC);
	return 0;
}

void
h_pty_close(struct h_pty *p)
{
	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	p->slave = p->master = -1;
}

size_t
h_write_paced(int fd, const char *data, size_t len, int baud, unsigned *seed)
{
	size_t off = 0, n;
	ssize_t w;
	long long t0 = h_now_ms() * 1000, due;
	struct timespec ts;

	while (off < len) {
		n = 1 + (size_t)(rand_r(seed) % 24);
		if (n > len - off)
			n = len - off;
		w = write(fd, data + off, n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				h_sleep_ms(1);
				continue;
			}
			break;
		}
		off += (size_t)w;
		/* 10 bits per byte on the wire */
		due = t0 + (long long)off * 10 * 1000000 / baud;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (due > (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000)
			h_sleep_us((long)(due - ((long long)ts.tv_sec *
			    1000000 + ts.tv_nsec / 1000)));
	}
	return off;
}

struct h_writer {
	pthread_t	 th;
	int		 fd;
	const char	*data;
	size_t		 len, written;
	int		 baud;
	unsigned	 seed;
	volatile int	 done;
	volatile long long done_ms;
};

static void *
h_writer_main(void *arg)
{
	struct h_writer *w = arg;

	w->written = h_write_paced(w->fd, w->data, w->len, w->baud, &w->seed);
	w->done_ms = h_now_ms();
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

struct h_writer *
h_writer_start(int fd, const char *data, size_t len, int baud, unsigned seed)
{
	struct h_writer *w = calloc(1, sizeof(*w));

	if (w == NULL)
		abort();
	w->fd = fd;
	w->data = data;
	w->len = len;
	w->baud = baud;
	w->seed = seed;
	if (pthread_create(&w->th, NULL, h_writer_main, w) != 0)
		abort();
	return w;
}

int
h_writer_done(const struct h_writer *w)
{
	return __atomic_load_n(&w->done, __ATOMIC_SEQ_CST);
}

long long
h_writer_done_ms(const struct h_writer *w)
{
	return w->done ? w->done_ms : -1;
}

size_t
h_writer_join(struct h_writer *w)
{
	size_t n;

	pthread_join(w->th, NULL);
	n = w->written;
	free(w);
	return n;
}

int
h_listen(int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

int
h_accept(int lfd, int timeout_ms)
{
	struct pollfd pfd = { lfd, POLLIN, 0 };

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

char *
h_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap * 2 + 8192;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		r = fread(buf + n, 1, cap - n - 1, fp);
		if (r == 0)
			break;
		n += r;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

char *
h_fixture(const char *name, size_t *len)
{
	char path[1024];
	char *s;

	snprintf(path, sizeof(path), "%s/fixtures/corpus/%s",
	    OTADIAG_SOURCE_DIR, name);
	s = h_read_file(path, len);
	if (s == NULL) {
		fprintf(stderr, "harness: missing fixture %s\n", path);
		abort();
	}
	return s;
}

long long
h_file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return (long long)st.st_size;
}

int
h_wait_file_size(const char *path, long long size, int timeout_ms)
{
	long long end = h_now_ms() + timeout_ms;

	while (h_file_size(path) < size) {
		if (h_now_ms() >= end)
			return 0;
		h_sleep_ms(5);
	}
	return 1;
}

char *
h_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *d;

	if (t == NULL || t[0] == '\0')
		t = "/tmp";
	d = malloc(strlen(t) + 32);
	if (d == NULL)
		abort();
	sprintf(d, "%s/otadiag-test-XXXXXX", t);
	if (mkdtemp(d) == NULL)
		abort();
	return d;
}

void
h_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		chmod(path, 0600);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}
