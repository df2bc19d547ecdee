/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc: runs the built binary for command tests; see proc.h.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

static char *
slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

struct proc_out
proc_run(const char *const *args)
{
	return proc_run_in(NULL, NULL, args);
}

struct proc_out
proc_run_in(const char *dir, const char *const *env, const char *const *args)
{
	char ot[] = "/tmp/otadiag-proc-out-XXXXXX";
	char et[] = "/tmp/otadiag-proc-err-XXXXXX";
	const char *argv[32];
	int ofd = mkstemp(ot), efd = mkstemp(et), st, devnull;
	size_t i;
	pid_t pid;
	struct proc_out o;

	cr_assert(ofd >= 0 && efd >= 0);
	unlink(ot);
	unlink(et);
	argv[0] = "otadiag";
	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		setenv("NO_COLOR", "1", 1);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv((char *)(uintptr_t)env[i]);
		if (dir != NULL && chdir(dir) != 0)
			_exit(126);
		execv(OTADIAG_BINARY, (char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	o.out = slurp(ofd);
	o.err = slurp(efd);
	close(ofd);
	close(efd);
	return o;
}

void
proc_out_free(struct proc_out *o)
{
	free(o->out);
	free(o->err);
}

size_t
proc_sample_every(void)
{
	const char *v = getenv("OTADIAG_TEST_SAMPLE");
	long n = v != NULL ? strtol(v, NULL, 10) : 1;

	return n > 1 ? (size_t)n : 1;
}
