/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `otadiag job fetch` against a real HTTP(S) server on 127.0.0.1
 * (tests/tools/jobserver.py), with test certificates made by openssl at
 * test time.  No test leaves the loopback interface.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "spool.h"

extern char **environ;

#define TOKEN	"test-token"

static char tmpdir[256];
static pid_t server_pid = -1;
static int server_port;

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return strdup("");
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	fclose(fp);
	return buf;
}

static void
make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/otadiag-http-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	char cmd[512];

	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* A self-signed certificate for name (an IP or DNS name) in tmpdir. */
static void
make_cert(const char *stem, const char *cn, const char *san)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes "
	    "-keyout '%s/%s.key' -out '%s/%s.pem' -days 2 -subj '/CN=%s' "
	    "-addext 'subjectAltName=%s' >/dev/null 2>&1", tmpdir, stem,
	    tmpdir, stem, cn, san);
	cr_assert_eq(system(cmd), 0, "openssl failed: %s", cmd);
}

/* Starts jobserver.py (TLS with cert stem, or plain if NULL). */
static void
start_server(const char *stem)
{
	int pfd[2];
	char pages[512], script[512], cert[512], key[512], line[64];
	FILE *fp;
	pid_t pid;

	snprintf(pages, sizeof(pages), "%s/fixtures/jobs/pages",
	    OTADIAG_SOURCE_DIR);
	snprintf(script, sizeof(script), "%s/tests/tools/jobserver.py",
	    OTADIAG_SOURCE_DIR);
	snprintf(cert, sizeof(cert), "%s/%s.pem", tmpdir, stem ? stem : "");
	snprintf(key, sizeof(key), "%s/%s.key", tmpdir, stem ? stem : "");
	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		if (stem != NULL)
			execlp("python3", "python3", script, "--pages", pages,
			    "--token", TOKEN, "--cert", cert, "--key", key,
			    (char *)NULL);
		else
			execlp("python3", "python3", script, "--pages", pages,
			    "--token", TOKEN, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	server_pid = pid;
	fp = fdopen(pfd[0], "r");
	cr_assert_not_null(fgets(line, sizeof(line), fp), "server did not "
	    "start");
	cr_assert_eq(sscanf(line, "PORT %d", &server_port), 1);
	fclose(fp);
}

struct run {
	int	 status;
	char	*out;
	char	*err;
	double	 secs;
};

/* Runs otadiag with args (NULL-terminated) and token in the environment. */
static void
run_otadiag(struct run *r, const char *token, const char *const *args)
{
	char outp[512], errp[512], tokenv[256];
	char *argv[48], *envp[8];
	posix_spawn_file_actions_t fa;
	struct timespec t0, t1;
	size_t n = 0, e = 0;
	pid_t pid;
	int st;

	snprintf(outp, sizeof(outp), "%s/stdout", tmpdir);
	snprintf(errp, sizeof(errp), "%s/stderr", tmpdir);
	argv[n++] = (char *)OTADIAG_BINARY;
	for (; *args != NULL && n < 46; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	envp[e++] = (char *)"PATH=/usr/bin:/bin";
	envp[e++] = (char *)"NO_COLOR=1";
	if (token != NULL) {
		snprintf(tokenv, sizeof(tokenv), "OTADIAG_RMAKER_TOKEN=%s",
		    token);
		envp[e++] = tokenv;
	}
	envp[e] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, outp, O_WRONLY | O_CREAT |
	    O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT |
	    O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(posix_spawn(&pid, OTADIAG_BINARY, &fa, NULL, argv, envp),
	    0);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(outp);
	r->err = slurp(errp);
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static char api[256];

static const char *
api_for(const char *scheme, const char *scenario)
{
	snprintf(api, sizeof(api), "%s://127.0.0.1:%d/%s/v1", scheme,
	    server_port, scenario);
	return api;
}

static void
setup_plain(void)
{
	make_tmpdir();
	start_server(NULL);
}

TestSuite(http, .init = setup_plain, .fini = remove_tmpdir, .timeout = 60);

Test(http, follows_every_page_and_saves_raw_json)
{
	char save[512];
	struct run r;
	char *saved;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "ok"), "--save", save, "--format",
	    "json", NULL };

	snprintf(save, sizeof(save), "%s/job.json", tmpdir);
	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 1, "failed nodes give exit 1; stderr: %s",
	    r.err);
	saved = slurp(save);
	/* first, middle and last page all present */
	cr_expect_not_null(strstr(saved, "\"n-success-1\""));
	cr_expect_not_null(strstr(saved, "\"n-delayed-time\""));
	cr_expect_not_null(strstr(saved, "\"n-triggered\""));
	cr_expect_not_null(strstr(r.out, "\"n-triggered\""));
	cr_expect_not_null(strstr(r.out, "project-name-mismatch"));
	cr_expect_null(strstr(r.out, TOKEN));
	cr_expect_null(strstr(r.err, TOKEN));
	free(saved);
	run_free(&r);
}

Test(http, per_node_status)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--node-id", "n-rolled-back", "--api", api_for("http", "ok"),
	    "--format", "json", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.out, "rolled-back"), "out: %s", r.out);
	cr_expect_not_null(strstr(r.out, "rollback"));
	run_free(&r);
}

Test(http, bad_token_is_401_with_api_error_and_never_printed)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "ok"), NULL };

	run_otadiag(&r, "sekrit-wrong-token-77", args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "HTTP 401"), "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "invalid or expired token"));
	cr_expect_not_null(strstr(r.err, "100006"));
	cr_expect_null(strstr(r.err, "sekrit"));
	cr_expect_null(strstr(r.out, "sekrit"));
	run_free(&r);
}

Test(http, token_from_file)
{
	char tf[512];
	FILE *fp;
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "ok"), "--token-file", tf, "--quiet",
	    NULL };

	snprintf(tf, sizeof(tf), "%s/token", tmpdir);
	fp = fopen(tf, "w");
	fprintf(fp, "%s\n", TOKEN);
	fclose(fp);
	run_otadiag(&r, NULL, args);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	run_free(&r);
}

Test(http, no_token_is_a_usage_error)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "ok"), NULL };

	run_otadiag(&r, NULL, args);
	cr_expect_eq(r.status, 2);
	cr_expect_not_null(strstr(r.err, "OTADIAG_RMAKER_TOKEN"));
	run_free(&r);
}

Test(http, rate_limited_then_success)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "ratelimit"), "--format", "json", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.out, "\"n-triggered\""));
	run_free(&r);
}

Test(http, server_errors_are_retried_then_reported)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "error500"), "--retries", "1", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3);
	cr_expect_not_null(strstr(r.err, "HTTP 500"), "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "Internal server error"));
	cr_expect_not_null(strstr(r.err, "after 2 attempts"));
	run_free(&r);
}

Test(http, truncated_body_fails)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "truncated"), "--retries", "0", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "/admin/otajob/status"));
	run_free(&r);
}

Test(http, invalid_json_fails)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "badjson"), NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3);
	cr_expect_not_null(strstr(r.err, "not valid JSON"), "stderr: %s",
	    r.err);
	run_free(&r);
}

Test(http, slow_server_hits_the_timeout)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "slow"), "--timeout", "1", "--retries",
	    "0", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3);
	cr_expect_not_null(strstr(r.err, "timed out"), "stderr: %s", r.err);
	cr_expect_lt(r.secs, 4.0);
	run_free(&r);
}

Test(http, response_size_is_capped)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "huge"), "--max-size", "1048576", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3);
	cr_expect_not_null(strstr(r.err, "larger than"), "stderr: %s", r.err);
	run_free(&r);
}

Test(http, unknown_job_names_the_api_error)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "no-such-job",
	    "--api", api_for("http", "ok"), NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3);
	cr_expect_not_null(strstr(r.err, "HTTP 404"));
	cr_expect_not_null(strstr(r.err, "OTA job not found"));
	run_free(&r);
}

Test(http, plain_http_only_to_loopback)
{
	struct diag_err err;

	cr_expect_eq(http_url_allowed("http://127.0.0.1:8080/v1", &err), 0);
	cr_expect_eq(http_url_allowed("http://localhost/v1", &err), 0);
	cr_expect_eq(http_url_allowed("http://[::1]:9/v1", &err), 0);
	cr_expect_eq(http_url_allowed("https://api.example.com/v1", &err), 0);
	cr_expect_neq(http_url_allowed("http://api.example.com/v1", &err), 0);
	cr_expect_neq(http_url_allowed("http://127.0.0.1.evil.com/", &err), 0);
	cr_expect_neq(http_url_allowed("ftp://127.0.0.1/", &err), 0);
}

/* Requests the server has seen for a scenario (GET /hits/<scenario>). */
static long
server_hits(const char *scenario)
{
	struct http_opts o;
	struct http_response res;
	struct diag_err err;
	char url[256];
	const char *p;
	long n = -1;

	memset(&o, 0, sizeof(o));
	o.retries = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hits/%s", server_port,
	    scenario);
	cr_assert_eq(http_get(url, &o, &res, &err), 0, "%s", err.text);
	if ((p = strstr(res.body, "\"hits\": ")) != NULL)
		n = strtol(p + 8, NULL, 10);
	http_response_release(&res);
	return n;
}

/* A server that repeats its next_id: the walk ends at the first repeat
   with a clear error, not after 10000 pages. */
Test(http, repeated_cursor_ends_the_walk_at_once)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "loop"), NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "repeats the next_id"), "stderr: %s",
	    r.err);
	cr_expect_not_null(strstr(r.err, "page 2"), "stderr: %s", r.err);
	cr_expect_eq(server_hits("loop"), 2);
	run_free(&r);
}

/* New cursors, the same nodes: no progress, the same verdict. */
Test(http, page_without_new_nodes_ends_the_walk)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "stale"), NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "no node not seen before"),
	    "stderr: %s", r.err);
	cr_expect_eq(server_hits("stale"), 2);
	run_free(&r);
}

/* A server that pages forever, slowly: --total-timeout ends the walk. */
Test(http, total_timeout_ends_an_endless_walk)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "endless-slow"), "--total-timeout", "2",
	    NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "more than 2 s in all") != NULL ||
	    strstr(r.err, "timed out") != NULL, "stderr: %s", r.err);
	cr_expect_leq(server_hits("endless-slow"), 3);
	run_free(&r);
}

/* Fast endless paging stops at the request budget (retries count). */
Test(http, request_budget_ends_an_endless_walk)
{
	struct rmaker_fetch f;
	struct diag_err err;
	struct spool *sp;

	cr_assert_eq(spool_new(&sp, &err), 0, "%s", err.text);
	memset(&f, 0, sizeof(f));
	f.api = api_for("http", "endless");
	f.job_id = "job-fleet-1";
	f.http.auth = TOKEN;
	f.http.retries = -1;
	f.max_requests = 5;
	cr_expect_eq(rmaker_fetch_job(&f, sp, &err), DIAG_ELIMIT);
	cr_expect_not_null(strstr(err.text, "after 5 requests"), "%s",
	    err.text);
	cr_expect_eq(server_hits("endless"), 5);
	spool_free(sp);
}

/* --max-requests is that budget, end to end: the command stops after
   that many requests and says so. */
Test(http, max_requests_option_ends_an_endless_walk)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "endless"), "--max-requests", "3",
	    "--retries", "0", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "gave up after 3 requests (the "
	    "request budget, --max-requests)"), "stderr: %s", r.err);
	cr_expect_eq(server_hits("endless"), 3);
	run_free(&r);
}

Test(http, duplicate_key_in_a_page_is_refused)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("http", "dupkey"), NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "duplicate object key"), "stderr: %s",
	    r.err);
	run_free(&r);
}

/* The host is the one libcurl connects to, not the text after "http://":
   a user part must not pass a remote host off as loopback. */
Test(http, user_part_does_not_make_a_host_loopback)
{
	struct diag_err err;

	cr_expect_neq(http_url_allowed("http://localhost:1@evil.example/v1",
	    &err), 0);
	cr_expect_neq(http_url_allowed("http://127.0.0.1@evil.example/v1",
	    &err), 0);
	cr_expect_neq(http_url_allowed("http://[::1]:x@evil.example:80/",
	    &err), 0);
	cr_expect_neq(http_url_allowed("http://evil.example#@localhost/",
	    &err), 0);
	cr_expect_neq(http_url_allowed("http://evil.example\\@localhost/",
	    &err), 0);
	cr_expect_neq(http_url_allowed("not a url", &err), 0);
	cr_expect_neq(http_url_allowed("", &err), 0);
}

Test(http, credentials_in_the_api_url_are_refused)
{
	struct diag_err err;

	cr_expect_neq(http_url_allowed("https://user:secret@api.example/v1",
	    &err), 0);
	cr_expect_null(strstr(err.text, "secret"), "%s", err.text);
	cr_expect_not_null(strstr(err.text, "user name or password"), "%s",
	    err.text);
	cr_expect_neq(http_url_allowed("https://user@api.example/v1", &err),
	    0);
	cr_expect_neq(http_url_allowed("http://u:p@127.0.0.1:9/v1", &err), 0);
}

Test(http, api_with_user_part_is_refused_before_any_request)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", "http://localhost:1@evil.example/v1", NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 2, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "user name or password"), "stderr: "
	    "%s", r.err);
	cr_expect_null(strstr(r.err, TOKEN));
	run_free(&r);
}

/* Retry-After is clamped where it is read: 2^63-1 seconds would overflow
   the milliseconds computed from it. */
Test(http, retry_after_is_clamped)
{
	static const char huge[] = "Retry-After: 9223372036854775807\r\n";
	static const char huger[] =
	    "retry-after:99999999999999999999999999999999999999\r\n";
	static const char cut[] = "Retry-After: 12345";

	cr_expect_eq(http_retry_after(huge, strlen(huge)),
	    HTTP_MAX_BACKOFF_MS / 1000);
	cr_expect_eq(http_retry_after(huger, strlen(huger)),
	    HTTP_MAX_BACKOFF_MS / 1000);
	cr_expect_eq(http_retry_after("Retry-After: 0\r\n", 16), 0);
	cr_expect_eq(http_retry_after("Retry-After:\t7\r\n", 16), 7);
	/* not NUL-terminated: only n bytes are read ("12" of "12345") */
	cr_expect_eq(http_retry_after(cut, 15), 12);
	cr_expect_eq(http_retry_after("Retry-After: Fri, 31 Dec 1999 "
	    "23:59:59 GMT\r\n", 43), -1);
	cr_expect_eq(http_retry_after("Retry-After: -5\r\n", 17), -1);
	cr_expect_eq(http_retry_after("Retry-After:", 12), -1);
	cr_expect_eq(http_retry_after("Content-Length: 5\r\n", 19), -1);
}

static void
setup_tls(void)
{
	make_tmpdir();
	make_cert("good", "127.0.0.1", "IP:127.0.0.1");
	make_cert("other", "otadiag.invalid", "DNS:otadiag.invalid");
	start_server("good");
}

Test(https, verified_with_cacert, .init = setup_tls, .fini = remove_tmpdir,
    .timeout = 60)
{
	struct run r;
	char ca[512];
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("https", "ok"), "--cacert", ca, "--format",
	    "json", NULL };

	snprintf(ca, sizeof(ca), "%s/good.pem", tmpdir);
	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.out, "\"n-triggered\""));
	run_free(&r);
}

Test(https, untrusted_certificate_is_refused, .init = setup_tls,
    .fini = remove_tmpdir, .timeout = 60)
{
	struct run r;
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("https", "ok"), NULL };

	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	cr_expect_not_null(strstr(r.err, "certificate"), "stderr: %s", r.err);
	run_free(&r);
}

Test(https, certificate_for_another_host_is_refused, .init = setup_tls,
    .fini = remove_tmpdir, .timeout = 60)
{
	struct run r;
	char ca[512];
	const char *args[] = { "job", "fetch", "--job-id", "job-fleet-1",
	    "--api", api_for("https", "ok"), "--cacert", ca, NULL };

	/* trusting a different certificate must not make this one valid */
	snprintf(ca, sizeof(ca), "%s/other.pem", tmpdir);
	run_otadiag(&r, TOKEN, args);
	cr_expect_eq(r.status, 3, "stderr: %s", r.err);
	run_free(&r);
}
