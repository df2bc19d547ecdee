/*
 * `otadiag explain CODE...`: decodes numbers as logs print them, through
 * the built binary; exit 0 when every code is known, 1 when one is not,
 * 2 for usage errors.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct out {
	char	*out;
	char	*err;
	int	 status;	/* exit status, or 128 + signal */
};

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

/* Runs OTADIAG_BINARY with argv (NULL-terminated, without argv[0]). */
static struct out
run(const char *const *args)
{
	char ot[] = "/tmp/otadiag-explain-out-XXXXXX";
	char et[] = "/tmp/otadiag-explain-err-XXXXXX";
	const char *argv[32];
	int ofd = mkstemp(ot), efd = mkstemp(et), st, devnull;
	size_t i;
	pid_t pid;
	struct out o;

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

static void
out_free(struct out *o)
{
	free(o->out);
	free(o->err);
}

Test(explain, esp_err_hex)
{
	struct out o = run((const char *[]){ "explain", "0x1503", NULL });

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "cause: invalid-image") != NULL, "%s", o.out);
	cr_expect(strncmp(o.out, "0x1503  ", 8) == 0, "%s", o.out);
	cr_expect_str_eq(o.err, "");
	out_free(&o);
}

Test(explain, esp_err_decimal)
{
	struct out o = run((const char *[]){ "explain", "5379", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL, "%s",
	    o.out);
	out_free(&o);
}

Test(explain, mbedtls_negative_hex_and_decimal)
{
	struct out o = run((const char *[]){ "explain", "-0x7F00", "-32512",
	    NULL });
	const char *second;

	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_assert_not_null(strstr(o.out, "MBEDTLS_ERR_SSL_ALLOC_FAILED"), "%s",
	    o.out);
	second = strstr(o.out, "-32512  ");
	cr_assert_not_null(second, "%s", o.out);
	cr_expect(strstr(second, "MBEDTLS_ERR_SSL_ALLOC_FAILED") != NULL);
	cr_expect(strstr(o.out, "cause: alloc-failed") != NULL);
	out_free(&o);
}

Test(explain, composite_mbedtls_code)
{
	struct out o = run((const char *[]){ "explain", "-0x4290", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "MBEDTLS_ERR_MPI_ALLOC_FAILED") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "cause: alloc-failed") != NULL, "%s", o.out);
	out_free(&o);
}

Test(explain, unknown_code_exits_1)
{
	struct out o = run((const char *[]){ "explain", "0x7ffffff1", NULL });

	cr_expect_eq(o.status, 1, "exit %d", o.status);
	cr_expect_str_eq(o.out, "0x7ffffff1  not in any code table\n");
	out_free(&o);
}

Test(explain, one_unknown_among_known_still_prints_all)
{
	struct out o = run((const char *[]){ "explain", "banana", "0x1503",
	    NULL });

	cr_expect_eq(o.status, 1);
	cr_expect(strstr(o.out, "banana  not in any code table") != NULL, "%s",
	    o.out);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL, "%s",
	    o.out);
	out_free(&o);
}

Test(explain, table_option)
{
	struct out o = run((const char *[]){ "explain", "--table", "esp_err",
	    "0x1503", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "ESP_ERR_OTA_VALIDATE_FAILED") != NULL);
	out_free(&o);
	o = run((const char *[]){ "explain", "--table", "mbedtls", "0x1503",
	    NULL });
	cr_expect_eq(o.status, 1, "0x1503 is not an mbedTLS code");
	out_free(&o);
	o = run((const char *[]){ "explain", "--table", "nope", "1", NULL });
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "no code table 'nope'") != NULL, "%s", o.err);
	out_free(&o);
}

Test(explain, usage_errors_exit_2)
{
	struct out o = run((const char *[]){ "explain", NULL });

	cr_expect_eq(o.status, 2);
	cr_expect(strncmp(o.err, "otadiag: error: ", 16) == 0, "%s", o.err);
	cr_expect(strstr(o.err, "try 'otadiag explain --help'") != NULL, "%s",
	    o.err);
	cr_expect_str_eq(o.out, "");
	out_free(&o);
	o = run((const char *[]){ "explain", "--bogus", "1", NULL });
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "--bogus") != NULL, "%s", o.err);
	out_free(&o);
}

Test(explain, help_exits_0)
{
	struct out o = run((const char *[]){ "explain", "--help", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strncmp(o.out, "usage: otadiag explain", 22) == 0, "%s",
	    o.out);
	out_free(&o);
}

/*
 * BUG: src/cmd/explain.c, cmd_explain(): a code that is not found is
 * echoed with printf("%s  not in any code table\n", codes[i]) without
 * sanitize, so `otadiag explain "$(cat device-line)"` writes terminal
 * escape sequences (here: clear screen) to stdout.  STYLE.md: all report
 * text passes the sanitiser.  Expected "[2J" gone or escaped, no ESC byte.
 */
Test(explain, unknown_code_is_printed_sanitised)
{
	struct out o = run((const char *[]){ "explain", "\x1b[2J\x1b]0;x\x07",
	    NULL });

	cr_expect_eq(o.status, 1);
	cr_expect_null(strchr(o.out, 0x1b), "an ESC byte reached stdout");
	cr_expect_null(strchr(o.out, 0x07), "a BEL byte reached stdout");
	out_free(&o);
}
