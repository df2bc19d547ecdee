/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-cli: the data-driven CLI test runner.
 *
 * Walks tests/cli/<NNNN-name>/ (sorted by name) and, for each case, runs the
 * otadiag binary with the argv of the case's `cmd` file, then checks its exit
 * status, standard error, standard output and, for JSON output, assertions
 * over fields (`checks`).  A new case is a new directory and no new code.
 * The file formats and the path language of `checks` are described in
 * tests/cli/README.md.
 *
 * Every case is one run of the parameterized test cli::run; a failing case
 * reports every failed expectation, not only the first, with the case name,
 * the expectation, the actual value and the tail of standard error.
 */
#define _XOPEN_SOURCE 700	/* nftw */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>

#ifndef OTADIAG_SOURCE_DIR
#error "OTADIAG_SOURCE_DIR must be defined"
#endif
#ifndef OTADIAG_BINARY
#error "OTADIAG_BINARY must be defined"
#endif

#define CLI_TIMEOUT_S	30
#define CLI_MAX_ARGS	128
#define CLI_MAX_OUTPUT	(256u * 1024 * 1024)
#define CLI_MSG_MAX	12000
#define CLI_TAIL	1200

struct cli_case {
	char	name[256];
};

/* A growable string; all failures of one case are collected in one. */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
buf_addn(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (b->s == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_add(struct buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512], *big;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		buf_addn(b, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (big == NULL)
		abort();
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_addn(b, big, (size_t)n);
	free(big);
}

/* Appends device/program text with control bytes made visible. */
static void
buf_add_visible(struct buf *b, const char *s, size_t n)
{
	char esc[8];
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
			buf_addn(b, s + i, 1);
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			buf_add(b, esc);
		}
	}
}

/* Reads a whole file; NULL with errno set on failure.  NUL-terminated. */
static char *
read_file(const char *path, size_t *lenp)
{
	FILE *fp;
	char *s = NULL;
	size_t len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((s = realloc(s, cap + 1)) == NULL)
				abort();
		}
		n = fread(s + len, 1, cap - len, fp);
		len += n;
		if (n == 0 || len >= CLI_MAX_OUTPUT)
			break;
	}
	fclose(fp);
	if (s == NULL && (s = malloc(1)) == NULL)
		abort();
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return s;
}

/* memmem() is a GNU extension; this is the portable spelling. */
static const char *
find_bytes(const char *hay, size_t hl, const char *needle, size_t nl)
{
	size_t i;

	if (nl == 0)
		return hay;
	for (i = 0; i + nl <= hl; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nl) == 0)
			return hay + i;
	return NULL;
}

static int
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Replaces %FIXTURES, %SRC and %TMP; returns a malloc'd string. */
static char *
substitute(const char *in, const char *tmp)
{
	static const char *const keys[] = { "%FIXTURES", "%SRC", "%TMP" };
	const char *vals[3];
	struct buf b = { 0 };
	const char *p;
	size_t i;

	vals[0] = OTADIAG_SOURCE_DIR "/fixtures";
	vals[1] = OTADIAG_SOURCE_DIR;
	vals[2] = tmp;
	for (p = in; *p != '\0';) {
		for (i = 0; i < 3; i++) {
			size_t kl = strlen(keys[i]);

			if (strncmp(p, keys[i], kl) == 0) {
				buf_add(&b, vals[i]);
				p += kl;
				break;
			}
		}
		if (i == 3)
			buf_addn(&b, p++, 1);
	}
	if (b.s == NULL)
		buf_add(&b, "");
	return b.s;
}

/*
 * Splits one command line into words: whitespace separates, "..." groups,
 * and inside quotes \" and \\ stand for themselves.  Returns the number of
 * words, or -1 (with *why) on an unterminated quote or too many words.
 */
static int
split_words(const char *line, char **words, int max, const char **why)
{
	const char *p = line;
	int n = 0;

	while (*p != '\0') {
		struct buf w = { 0 };
		int any = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '\n') {
			if (*p == '"') {
				p++;
				any = 1;
				while (*p != '"') {
					if (*p == '\0') {
						*why = "unterminated quote";
						free(w.s);
						return -1;
					}
					if (*p == '\\' && (p[1] == '"' ||
					    p[1] == '\\'))
						p++;
					buf_addn(&w, p++, 1);
				}
				p++;
			} else {
				buf_addn(&w, p++, 1);
				any = 1;
			}
		}
		if (!any)
			continue;
		if (n == max) {
			*why = "too many words";
			free(w.s);
			return -1;
		}
		if (w.s == NULL)
			buf_add(&w, "");
		words[n++] = w.s;
	}
	return n;
}

/* ---- setup directives -------------------------------------------------- */

/*
 * `setup` lines prepare files under %TMP before the command runs:
 *   fill NAME COUNT TEXT [SUFFIX]   TEXT repeated COUNT times, SUFFIX, "\n"
 *   unreadable NAME                 a file that cannot be read
 *   mkdir NAME                      an empty directory
 *   write NAME TEXT                 TEXT and "\n"
 */
static int
run_setup(const char *casedir, const char *tmp, struct buf *fail)
{
	char path[4096], *text, *line, *save = NULL;
	int lineno = 0, ok = 1;

	snprintf(path, sizeof(path), "%s/setup", casedir);
	if ((text = read_file(path, NULL)) == NULL)
		return 1;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *w[8], *sub, target[4096];
		const char *why = NULL;
		int n, i;

		lineno++;
		if (line[0] == '#')
			continue;
		sub = substitute(line, tmp);
		n = split_words(sub, w, 8, &why);
		free(sub);
		if (n <= 0) {
			if (n < 0) {
				buf_printf(fail, "  setup:%d: %s\n", lineno, why);
				ok = 0;
			}
			continue;
		}
		if (snprintf(target, sizeof(target), "%s/%s", tmp,
		    n > 1 ? w[1] : "") >= (int)sizeof(target))
			target[0] = '\0';
		if (strcmp(w[0], "fill") == 0 && (n == 4 || n == 5)) {
			FILE *fp = fopen(target, "wb");
			unsigned long count = strtoul(w[2], NULL, 10), k;

			if (fp == NULL) {
				buf_printf(fail, "  setup:%d: %s: %s\n", lineno,
				    target, strerror(errno));
				ok = 0;
			} else {
				for (k = 0; k < count; k++)
					fputs(w[3], fp);
				if (n == 5)
					fputs(w[4], fp);
				fputc('\n', fp);
				fclose(fp);
			}
		} else if (strcmp(w[0], "write") == 0 && n == 3) {
			FILE *fp = fopen(target, "wb");

			if (fp != NULL) {
				fprintf(fp, "%s\n", w[2]);
				fclose(fp);
			}
		} else if (strcmp(w[0], "mkdir") == 0 && n == 2) {
			mkdir(target, 0755);
		} else if (strcmp(w[0], "unreadable") == 0 && n == 2) {
			/*
			 * root bypasses file modes, so there the file is a
			 * link to /proc/self/mem: it opens, and reading it
			 * at offset 0 fails with EIO.
			 */
			if (geteuid() == 0) {
				if (symlink("/proc/self/mem", target) != 0)
					ok = 0;
			} else {
				int fd = open(target, O_WRONLY | O_CREAT, 0644);

				if (fd >= 0) {
					if (write(fd, "x\n", 2) != 2)
						ok = 0;
					close(fd);
				}
				chmod(target, 0);
			}
		} else {
			buf_printf(fail, "  setup:%d: unknown directive '%s'\n",
			    lineno, line);
			ok = 0;
		}
		for (i = 0; i < n; i++)
			free(w[i]);
	}
	free(text);
	return ok;
}

/* ---- running the command ----------------------------------------------- */

struct run {
	int	 status;	/* exit status, or -1 */
	int	 signo;		/* terminating signal, or 0 */
	int	 timed_out;
	double	 seconds;
	char	*out;
	size_t	 outlen;
	char	*err;
	size_t	 errlen;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* `env` lines: NAME=VALUE sets, -NAME unsets (applied in the child). */
static void
apply_env(const char *casedir)
{
	char path[4096], *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/env", casedir);
	if ((text = read_file(path, NULL)) == NULL)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == '-') {
			unsetenv(line + 1);
		} else if ((eq = strchr(line, '=')) != NULL) {
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	}
	free(text);
}

static int
run_command(const char *casedir, const char *work, const char *cap,
    char **argv, struct run *r)
{
	char outp[4096], errp[4096], inp[4096];
	double start, deadline;
	pid_t pid;
	int st;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	snprintf(outp, sizeof(outp), "%s/stdout", cap);
	snprintf(errp, sizeof(errp), "%s/stderr", cap);
	snprintf(inp, sizeof(inp), "%s/stdin", casedir);
	if (!file_exists(inp))
		snprintf(inp, sizeof(inp), "/dev/null");

	start = now_s();
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int in, out, err;

		setpgid(0, 0);
		in = open(inp, O_RDONLY);
		out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		err = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		if (chdir(casedir) != 0)
			_exit(126);
		setenv("NO_COLOR", "1", 1);
		setenv("OTADIAG_TEST_TMP", work, 1);
		apply_env(casedir);
		execv(argv[0], argv);
		dprintf(2, "test-cli: cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	deadline = start + CLI_TIMEOUT_S;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (now_s() > deadline) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	r->seconds = now_s() - start;
	if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->signo = WTERMSIG(st);
	/* Kill anything the command left behind in its process group. */
	kill(-pid, SIGKILL);
	r->out = read_file(outp, &r->outlen);
	r->err = read_file(errp, &r->errlen);
	if (r->out == NULL)
		r->out = strdup("");
	if (r->err == NULL)
		r->err = strdup("");
	return 0;
}

/* ---- the JSON path language -------------------------------------------- */

/*
 * A path yields a list of values (borrowed from the document).  See
 * tests/cli/README.md for the grammar.
 */
struct vals {
	json_t	**v;
	size_t	 n;
	size_t	 cap;
};

static void
vals_push(struct vals *vs, json_t *j)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 8;
		vs->v = realloc(vs->v, vs->cap * sizeof(*vs->v));
		if (vs->v == NULL)
			abort();
	}
	vs->v[vs->n++] = j;
}

enum op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_CONTAINS, OP_NCONTAINS, OP_IN, OP_NIN, OP_SUBSTR, OP_NONE
};

static const struct {
	const char	*text;
	enum op		 op;
} ops[] = {
	{ "~=", OP_SUBSTR }, { "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
	{ "<", OP_LT }, { ">", OP_GT }, { "!contains", OP_NCONTAINS },
	{ "contains", OP_CONTAINS }, { "!in", OP_NIN }, { "not in", OP_NIN },
	{ "in", OP_IN },
};

/* Reads an operator at *p; returns OP_NONE if there is none. */
static enum op
parse_op(const char **p)
{
	size_t i;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t l = strlen(ops[i].text);

		if (strncmp(*p, ops[i].text, l) != 0)
			continue;
		/* Word operators need a word boundary. */
		if (isalpha((unsigned char)ops[i].text[l - 1]) &&
		    isalnum((unsigned char)(*p)[l]))
			continue;
		*p += l;
		return ops[i].op;
	}
	return OP_NONE;
}

static int
num_cmp(json_t *a, json_t *b, int *res)
{
	double x, y;

	if (!json_is_number(a) || !json_is_number(b))
		return 0;
	x = json_number_value(a);
	y = json_number_value(b);
	*res = x < y ? -1 : x > y ? 1 : 0;
	return 1;
}

static int
val_equal(json_t *a, json_t *b)
{
	int c;

	if (num_cmp(a, b, &c))
		return c == 0;
	return json_equal(a, b);
}

/* Applies op to one value; multi says the path is a set (wildcards). */
static int
apply_op(enum op op, json_t *v, json_t *lit)
{
	int c;
	size_t i;

	switch (op) {
	case OP_EQ:
		return val_equal(v, lit);
	case OP_NE:
		return !val_equal(v, lit);
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		if (!num_cmp(v, lit, &c)) {
			if (!json_is_string(v) || !json_is_string(lit))
				return 0;
			c = strcmp(json_string_value(v),
			    json_string_value(lit));
		}
		return op == OP_LT ? c < 0 : op == OP_LE ? c <= 0 :
		    op == OP_GT ? c > 0 : c >= 0;
	case OP_CONTAINS:
		if (json_is_string(v) && json_is_string(lit))
			return strstr(json_string_value(v),
			    json_string_value(lit)) != NULL;
		if (json_is_array(v)) {
			for (i = 0; i < json_array_size(v); i++)
				if (val_equal(json_array_get(v, i), lit))
					return 1;
			return 0;
		}
		if (json_is_object(v) && json_is_string(lit))
			return json_object_get(v, json_string_value(lit)) !=
			    NULL;
		return 0;
	case OP_NCONTAINS:
		return !apply_op(OP_CONTAINS, v, lit);
	case OP_IN:
		if (!json_is_array(lit))
			return 0;
		for (i = 0; i < json_array_size(lit); i++)
			if (val_equal(v, json_array_get(lit, i)))
				return 1;
		return 0;
	case OP_NIN:
		return json_is_array(lit) && !apply_op(OP_IN, v, lit);
	case OP_SUBSTR:
		return json_is_string(v) && json_is_string(lit) &&
		    strstr(json_string_value(v), json_string_value(lit)) != NULL;
	case OP_NONE:
		break;
	}
	return 0;
}

/* Finds the end of a bracket body starting after '['; skips strings. */
static const char *
bracket_end(const char *p)
{
	int depth = 1, instr = 0;

	for (; *p != '\0'; p++) {
		if (instr) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				instr = 0;
			continue;
		}
		if (*p == '"')
			instr = 1;
		else if (*p == '[')
			depth++;
		else if (*p == ']' && --depth == 0)
			return p;
	}
	return NULL;
}

static int eval_path(const char *path, size_t len, json_t *root,
    struct vals *out, int *multi, const char **why);

/* A filter body "relpath [OP literal]"; 1 if elem satisfies it. */
static int
filter_match(const char *body, size_t len, json_t *elem, const char **why,
    int *bad)
{
	char *copy, *p, *opstart;
	const char *q;
	struct vals vs = { 0 };
	json_t *lit = NULL;
	json_error_t jerr;
	enum op op;
	size_t plen, i;
	int multi, ok = 0;

	copy = strndup(body, len);
	/* The relative path ends at whitespace or an operator character. */
	for (p = copy; *p != '\0' && *p != ' ' && *p != '=' && *p != '!' &&
	    *p != '<' && *p != '>'; p++) {
		if (*p == '[') {
			const char *e = bracket_end(p + 1);

			if (e == NULL)
				break;
			p = (char *)copy + (e - copy);
		}
	}
	plen = (size_t)(p - copy);
	opstart = p;
	q = opstart;
	op = parse_op(&q);
	if (op == OP_NONE) {
		while (*q == ' ')
			q++;
		if (*q != '\0') {
			*why = "bad filter operator";
			*bad = 1;
			goto out;
		}
	} else {
		lit = json_loads(q, JSON_DECODE_ANY, &jerr);
		if (lit == NULL) {
			*why = "bad filter literal (must be JSON)";
			*bad = 1;
			goto out;
		}
	}
	if (eval_path(copy, plen, elem, &vs, &multi, why) < 0) {
		*bad = 1;
		goto out;
	}
	for (i = 0; i < vs.n; i++) {
		if (op == OP_NONE ? !json_is_null(vs.v[i]) &&
		    !json_is_false(vs.v[i]) : apply_op(op, vs.v[i], lit)) {
			ok = 1;
			break;
		}
	}
out:
	json_decref(lit);
	free(vs.v);
	free(copy);
	return ok;
}

/*
 * Evaluates path[0..len) from root.  *multi is set when the path holds a
 * wildcard or a filter.  Returns 0, or -1 with *why on a syntax error.
 */
static int
eval_path(const char *path, size_t len, json_t *root, struct vals *out,
    int *multi, const char **why)
{
	struct vals cur = { 0 }, next = { 0 };
	const char *p = path, *end = path + len;
	size_t i;
	int rc = -1;

	*multi = 0;
	vals_push(&cur, root);
	if (p < end && *p == '$')
		p++;
	while (p < end) {
		next.n = 0;
		if (*p == '.' || isalnum((unsigned char)*p) || *p == '_') {
			const char *s;
			char key[256];
			size_t kl;

			if (*p == '.')
				p++;
			for (s = p; p < end && (isalnum((unsigned char)*p) ||
			    *p == '_' || *p == '-'); p++)
				;
			kl = (size_t)(p - s);
			if (kl == 0 || kl >= sizeof(key)) {
				*why = "expected a field name";
				goto out;
			}
			memcpy(key, s, kl);
			key[kl] = '\0';
			for (i = 0; i < cur.n; i++) {
				json_t *v = json_is_object(cur.v[i]) ?
				    json_object_get(cur.v[i], key) : NULL;

				if (v != NULL)
					vals_push(&next, v);
			}
		} else if (*p == '[') {
			const char *e = bracket_end(p + 1);
			const char *body = p + 1;

			if (e == NULL || e >= end) {
				*why = "unbalanced '['";
				goto out;
			}
			if (*body == '*' && body + 1 == e) {
				*multi = 1;
				for (i = 0; i < cur.n; i++) {
					json_t *c = cur.v[i], *v;
					const char *k;
					size_t j;

					if (json_is_array(c)) {
						json_array_foreach(c, j, v)
							vals_push(&next, v);
					} else if (json_is_object(c)) {
						json_object_foreach(c, k, v)
							vals_push(&next, v);
					}
				}
			} else if (*body == '?') {
				*multi = 1;
				for (i = 0; i < cur.n; i++) {
					json_t *c = cur.v[i], *v;
					size_t j;
					int bad = 0;

					if (!json_is_array(c))
						continue;
					json_array_foreach(c, j, v) {
						if (filter_match(body + 1,
						    (size_t)(e - body - 1), v,
						    why, &bad))
							vals_push(&next, v);
						if (bad)
							goto out;
					}
				}
			} else {
				char *ep;
				long idx = strtol(body, &ep, 10);

				if (ep != e || ep == body) {
					*why = "bad index (number, *, or ?filter)";
					goto out;
				}
				for (i = 0; i < cur.n; i++) {
					json_t *c = cur.v[i];
					long sz;

					if (!json_is_array(c))
						continue;
					sz = (long)json_array_size(c);
					if (idx < 0)
						idx += sz;
					if (idx >= 0 && idx < sz)
						vals_push(&next,
						    json_array_get(c, (size_t)idx));
				}
			}
			p = e + 1;
		} else {
			*why = "unexpected character in path";
			goto out;
		}
		/* swap */
		{
			struct vals t = cur;

			cur = next;
			next = t;
		}
	}
	for (i = 0; i < cur.n; i++)
		vals_push(out, cur.v[i]);
	rc = 0;
out:
	free(cur.v);
	free(next.v);
	return rc;
}

/* Scans a path at the start of s; returns its length. */
static size_t
path_len(const char *s)
{
	const char *p = s;

	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '=' &&
	    *p != '!' && *p != '<' && *p != '>' && *p != ')') {
		if (*p == '[') {
			const char *e = bracket_end(p + 1);

			if (e == NULL)
				return strlen(s);
			p = e;
		}
		p++;
	}
	return (size_t)(p - s);
}

static void
describe_vals(struct buf *b, const struct vals *vs, int multi)
{
	struct buf t = { 0 };
	size_t i;

	if (vs->n == 0) {
		buf_add(b, "(no value)");
		return;
	}
	if (multi)
		buf_add(&t, "[");
	for (i = 0; i < vs->n && t.len < 400; i++) {
		char *d = json_dumps(vs->v[i],
		    JSON_ENCODE_ANY | JSON_COMPACT);

		if (i > 0)
			buf_add(&t, ", ");
		buf_add(&t, d != NULL ? d : "?");
		free(d);
	}
	if (i < vs->n)
		buf_printf(&t, ", ... %zu values", vs->n);
	if (multi)
		buf_add(&t, "]");
	if (t.len > 500) {
		t.s[500] = '\0';
		t.len = 500;
		buf_add(&t, "...");
	}
	buf_add(b, t.s);
	free(t.s);
}

/*
 * Checks one assertion against doc.  Returns 1 if it holds; otherwise 0
 * and appends the reason (with the actual value) to fail.
 */
static int
check_one(json_t *doc, const char *line, int lineno, struct buf *fail)
{
	struct vals vs = { 0 };
	const char *p = line, *why = NULL;
	json_t *lit = NULL;
	json_error_t jerr;
	enum op op;
	size_t plen, i;
	int multi = 0, ok = 0, neg = 0, count = 0;

	if (strncmp(p, "!exists ", 8) == 0) {
		neg = 1;
		p += 8;
	} else if (strncmp(p, "not exists ", 11) == 0) {
		neg = 1;
		p += 11;
	} else if (strncmp(p, "exists ", 7) == 0) {
		p += 7;
	} else if (strncmp(p, "count(", 6) == 0) {
		p += 6;
		count = 1;
	} else {
		goto compare;
	}
	if (!count) {
		p += strspn(p, " ");
		plen = path_len(p);
		if (eval_path(p, plen, doc, &vs, &multi, &why) < 0)
			goto syntax;
		for (i = 0; i < vs.n; i++)
			if (!json_is_null(vs.v[i]))
				break;
		ok = (i < vs.n) != neg;
		if (!ok) {
			buf_printf(fail, "  checks:%d: %s\n      actual: ",
			    lineno, line);
			describe_vals(fail, &vs, multi);
			buf_add(fail, "\n");
		}
		goto out;
	}
compare:
	plen = path_len(p);
	if (eval_path(p, plen, doc, &vs, &multi, &why) < 0)
		goto syntax;
	p += plen;
	if (count) {
		p += strspn(p, " ");
		if (*p != ')') {
			why = "expected ')' after count(PATH";
			goto syntax;
		}
		p++;
	}
	if ((op = parse_op(&p)) == OP_NONE) {
		why = "expected an operator (== != < <= > >= ~= contains "
		    "!contains in !in)";
		goto syntax;
	}
	p += strspn(p, " \t");
	lit = json_loads(p, JSON_DECODE_ANY, &jerr);
	if (lit == NULL) {
		why = "the value must be JSON (strings in double quotes)";
		goto syntax;
	}
	if ((op == OP_IN || op == OP_NIN) && !json_is_array(lit)) {
		why = "'in' needs a JSON array";
		goto syntax;
	}
	if (count) {
		size_t cnt = vs.n;
		json_t *n;

		/* count() of one array or object counts its members. */
		if (!multi && vs.n == 1) {
			if (json_is_array(vs.v[0]))
				cnt = json_array_size(vs.v[0]);
			else if (json_is_object(vs.v[0]))
				cnt = json_object_size(vs.v[0]);
			else if (json_is_null(vs.v[0]))
				cnt = 0;
		}
		n = json_integer((json_int_t)cnt);
		ok = apply_op(op, n, lit);
		json_decref(n);
		if (!ok)
			buf_printf(fail, "  checks:%d: %s\n      actual: %zu\n",
			    lineno, line, cnt);
		goto out;
	}
	if (op == OP_SUBSTR) {
		/* Some value is a string holding the text. */
		ok = 0;
		for (i = 0; i < vs.n; i++)
			if (apply_op(op, vs.v[i], lit))
				ok = 1;
	} else if (multi && (op == OP_CONTAINS || op == OP_NCONTAINS)) {
		/* Set membership over the values of a wildcard path. */
		ok = 0;
		for (i = 0; i < vs.n; i++)
			if (val_equal(vs.v[i], lit))
				ok = 1;
		if (op == OP_NCONTAINS)
			ok = !ok;
	} else if (vs.n == 0) {
		ok = 0;
	} else {
		ok = 1;
		for (i = 0; i < vs.n; i++)
			if (!apply_op(op, vs.v[i], lit))
				ok = 0;
	}
	if (!ok) {
		buf_printf(fail, "  checks:%d: %s\n      actual: ", lineno, line);
		describe_vals(fail, &vs, multi);
		buf_add(fail, "\n");
	}
	goto out;
syntax:
	buf_printf(fail, "  checks:%d: cannot parse '%s': %s\n", lineno, line,
	    why != NULL ? why : "syntax error");
	ok = 0;
out:
	json_decref(lit);
	free(vs.v);
	return ok;
}

static int
run_checks(const char *casedir, const struct run *r, struct buf *fail)
{
	char path[4096], *text, *line, *save = NULL;
	json_t *doc;
	json_error_t jerr;
	int lineno = 0, ok = 1;

	snprintf(path, sizeof(path), "%s/checks", casedir);
	if ((text = read_file(path, NULL)) == NULL)
		return 1;
	doc = json_loadb(r->out, r->outlen, 0, &jerr);
	if (doc == NULL) {
		buf_printf(fail, "  checks: standard output is not JSON "
		    "(line %d: %s); stdout starts: ", jerr.line, jerr.text);
		buf_add_visible(fail, r->out, r->outlen < 200 ? r->outlen : 200);
		buf_add(fail, "\n");
		free(text);
		return 0;
	}
	/* Line numbers must survive empty lines: split by hand. */
	for (line = text; line != NULL; line = save) {
		char *nl = strchr(line, '\n'), *e;

		save = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		line += strspn(line, " \t");
		for (e = line + strlen(line); e > line && (e[-1] == ' ' ||
		    e[-1] == '\t' || e[-1] == '\r'); e--)
			;
		*e = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (!check_one(doc, line, lineno, fail))
			ok = 0;
	}
	json_decref(doc);
	free(text);
	return ok;
}

/* ---- expectations on exit status and text ------------------------------ */

static int
check_exit(const char *casedir, const struct run *r, struct buf *fail)
{
	char path[4096], *text;
	long want;

	snprintf(path, sizeof(path), "%s/expect.exit", casedir);
	if ((text = read_file(path, NULL)) == NULL)
		return 1;
	want = strtol(text, NULL, 10);
	free(text);
	if (r->status == want)
		return 1;
	if (r->signo != 0)
		buf_printf(fail, "  expect.exit: want %ld, got signal %d (%s)\n",
		    want, r->signo, strsignal(r->signo));
	else
		buf_printf(fail, "  expect.exit: want %ld, got %d\n", want,
		    r->status);
	return 0;
}

/*
 * expect.seconds: a hang guard (a symbolic-link loop, a device file, a
 * pattern that backtracks without end), with a bound far above the normal
 * run time; never a speed check (bench/ measures speed).
 */
static int
check_seconds(const char *casedir, const struct run *r, struct buf *fail)
{
	char path[4096], *text;
	double max;

	snprintf(path, sizeof(path), "%s/expect.seconds", casedir);
	if ((text = read_file(path, NULL)) == NULL)
		return 1;
	max = strtod(text, NULL);
	free(text);
	if (r->seconds <= max)
		return 1;
	buf_printf(fail, "  expect.seconds: took %.2f s, limit %.2f s\n",
	    r->seconds, max);
	return 0;
}

/*
 * expect.stdout / expect.stderr: every non-empty line must occur in the
 * stream; a line starting with '!' must not occur.  A file with no
 * non-empty line requires the stream to be empty.
 */
static int
check_lines(const char *casedir, const char *tmp, const char *which,
    const char *got, size_t gotlen, struct buf *fail)
{
	char path[4096], *raw, *text, *line, *save = NULL;
	int ok = 1, any = 0, lineno = 0;

	snprintf(path, sizeof(path), "%s/expect.%s", casedir, which);
	if ((raw = read_file(path, NULL)) == NULL)
		return 1;
	text = substitute(raw, tmp);
	free(raw);
	for (line = text; line != NULL; line = save) {
		char *nl = strchr(line, '\n');
		int neg = 0;

		save = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		if (nl != NULL && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*line == '\0')
			continue;
		any = 1;
		if (line[0] == '!') {
			neg = 1;
			line++;
		} else if (line[0] == '\\' && line[1] == '!') {
			line++;
		}
		if (*line == '\0')
			continue;	/* a lone '!' says nothing */
		if ((find_bytes(got, gotlen, line, strlen(line)) != NULL) ==
		    neg) {
			buf_printf(fail, "  expect.%s:%d: %s in %s: \"", which,
			    lineno, neg ? "unwanted text found" :
			    "text not found", which);
			buf_add_visible(fail, line, strlen(line));
			buf_add(fail, "\"\n");
			ok = 0;
		}
	}
	if (!any && gotlen != 0) {
		buf_printf(fail, "  expect.%s: want it empty, got %zu bytes\n",
		    which, gotlen);
		ok = 0;
	}
	free(text);
	return ok;
}

/* expect.<format>: standard output must equal the file exactly. */
static int
check_exact(const char *casedir, const char *tmp, const char *file,
    const struct run *r, struct buf *fail)
{
	char path[4096], *raw, *want;
	size_t i, line = 1, col = 1, wl;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", casedir, file);
	if ((raw = read_file(path, NULL)) == NULL)
		return 1;
	want = substitute(raw, tmp);
	free(raw);
	wl = strlen(want);
	ok = wl == r->outlen && memcmp(want, r->out, wl) == 0;
	if (!ok) {
		for (i = 0; i < wl && i < r->outlen && want[i] == r->out[i];
		    i++) {
			if (want[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		buf_printf(fail, "  %s: stdout differs at line %zu col %zu "
		    "(want %zu bytes, got %zu)\n      want: ", file, line, col,
		    wl, r->outlen);
		buf_add_visible(fail, want + i - (col - 1),
		    strcspn(want + i - (col - 1), "\n"));
		buf_add(fail, "\n      got:  ");
		{
			const char *g = r->out + i - (col - 1);
			size_t gl = 0;

			while (g + gl < r->out + r->outlen && g[gl] != '\n' &&
			    gl < 300)
				gl++;
			buf_add_visible(fail, g, gl);
		}
		buf_add(fail, "\n");
	}
	free(want);
	return ok;
}

static int
check_exact_all(const char *casedir, const char *tmp, const struct run *r,
    struct buf *fail)
{
	struct dirent **ents;
	int n, i, ok = 1;

	if ((n = scandir(casedir, &ents, NULL, alphasort)) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;

		if (strncmp(f, "expect.", 7) == 0 &&
		    strcmp(f, "expect.exit") != 0 &&
		    strcmp(f, "expect.stdout") != 0 &&
		    strcmp(f, "expect.stderr") != 0 &&
		    strcmp(f, "expect.seconds") != 0 &&
		    !check_exact(casedir, tmp, f, r, fail))
			ok = 0;
		free(ents[i]);
	}
	free(ents);
	return ok;
}

/* ---- temporary directories --------------------------------------------- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	chmod(path, 0700);
	remove(path);
	return 0;
}

static void
rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the test ---------------------------------------------------------- */

static int
case_dir_name(const struct dirent *d)
{
	const char *s = d->d_name;

	return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	    s[4] == '-';
}

/*
 * A replay: the case runs `otadiag analyze` of one fixture and nothing
 * else (one command line; no stdin, env or setup).
 */
static int
is_replay(const char *casedir)
{
	static const char *const own[] = { "stdin", "env", "setup" };
	char path[4096], *cmd;
	size_t len, i;
	int yes;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", casedir, own[i]);
		if (file_exists(path))
			return 0;
	}
	snprintf(path, sizeof(path), "%s/cmd", casedir);
	if ((cmd = read_file(path, &len)) == NULL)
		return 0;
	while (len > 0 && cmd[len - 1] == '\n')
		cmd[--len] = '\0';
	yes = strncmp(cmd, "otadiag analyze ", 16) == 0 &&
	    strchr(cmd, '\n') == NULL && strchr(cmd, '|') == NULL &&
	    strstr(cmd, "%FIXTURES/") != NULL && strstr(cmd, "%CASE") == NULL;
	free(cmd);
	return yes;
}

/*
 * OTADIAG_TEST_SAMPLE=N (the sanitizer build sets it, tests/CMakeLists.txt)
 * keeps every Nth replay and every other case: the normal build replays
 * each fixture, the sanitizer looks for memory errors, which the same
 * analyze path over a third of the logs reaches too (and the fuzzers run
 * it on every fixture).
 */
static int
sample_every(void)
{
	const char *v = getenv("OTADIAG_TEST_SAMPLE");
	long n = v != NULL ? strtol(v, NULL, 10) : 1;

	return n > 1 && n < 1000 ? (int)n : 1;
}

ParameterizedTestParameters(cli, run)
{
	struct dirent **ents;
	struct cli_case *cases;
	int n, i, k = 0, every = sample_every(), replays = 0;

	n = scandir(OTADIAG_SOURCE_DIR "/tests/cli", &ents, case_dir_name,
	    alphasort);
	if (n <= 0)
		return cr_make_param_array(struct cli_case, NULL, 0);
	cases = cr_malloc(sizeof(*cases) * (size_t)n);
	for (i = 0; i < n; i++) {
		char cmd[4096];

		snprintf(cmd, sizeof(cmd), "%s/tests/cli/%s",
		    OTADIAG_SOURCE_DIR, ents[i]->d_name);
		if (every > 1 && is_replay(cmd) && replays++ % every != 0) {
			free(ents[i]);
			continue;
		}
		strncat(cmd, "/cmd", sizeof(cmd) - strlen(cmd) - 1);
		if (file_exists(cmd) &&
		    strlen(ents[i]->d_name) < sizeof(cases[k].name)) {
			snprintf(cases[k].name, sizeof(cases[k].name), "%s",
			    ents[i]->d_name);
			k++;
		}
		free(ents[i]);
	}
	free(ents);
	return cr_make_param_array(struct cli_case, cases, (size_t)k);
}

ParameterizedTest(struct cli_case *c, cli, run, .timeout = CLI_TIMEOUT_S + 30)
{
	char casedir[2048], tmp[2048], work[4096], cmdpath[4096];
	char *cmdline = NULL, *argv[CLI_MAX_ARGS + 2];
	struct buf fail = { 0 }, msg = { 0 };
	struct run r = { 0 };
	const char *why = NULL;
	int argc = 0, n, i, ok = 1;

	snprintf(casedir, sizeof(casedir), "%s/tests/cli/%s",
	    OTADIAG_SOURCE_DIR, c->name);
	snprintf(tmp, sizeof(tmp), "%s/otadiag-cli-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(tmp), "%s: mkdtemp: %s", c->name,
	    strerror(errno));
	snprintf(work, sizeof(work), "%s/tmp", tmp);
	mkdir(work, 0755);

	snprintf(cmdpath, sizeof(cmdpath), "%s/cmd", casedir);
	if ((cmdline = read_file(cmdpath, NULL)) == NULL) {
		buf_printf(&fail, "  cmd: %s\n", strerror(errno));
		goto report;
	}
	cmdline[strcspn(cmdline, "\n")] = '\0';
	argv[argc++] = strdup(OTADIAG_BINARY);
	n = split_words(cmdline, argv + argc, CLI_MAX_ARGS, &why);
	if (n < 0) {
		buf_printf(&fail, "  cmd: %s\n", why);
		goto report;
	}
	/* The leading word "otadiag" is optional. */
	if (n > 0 && strcmp(argv[1], "otadiag") == 0) {
		free(argv[1]);
		memmove(argv + 1, argv + 2, (size_t)(n - 1) * sizeof(*argv));
		n--;
	}
	argc += n;
	for (i = 1; i < argc; i++) {
		char *s = substitute(argv[i], work);

		free(argv[i]);
		argv[i] = s;
	}
	argv[argc] = NULL;

	if (!run_setup(casedir, work, &fail))
		goto report;
	if (run_command(casedir, work, tmp, argv, &r) != 0) {
		buf_printf(&fail, "  cannot run %s: %s\n", argv[0],
		    strerror(errno));
		goto report;
	}
	if (r.timed_out) {
		buf_printf(&fail, "  timed out after %d s (a hang is a failure)\n",
		    CLI_TIMEOUT_S);
		goto report;
	}
	if (!check_exit(casedir, &r, &fail))
		ok = 0;
	if (!check_seconds(casedir, &r, &fail))
		ok = 0;
	if (!check_lines(casedir, work, "stderr", r.err, r.errlen, &fail))
		ok = 0;
	if (!check_lines(casedir, work, "stdout", r.out, r.outlen, &fail))
		ok = 0;
	if (!check_exact_all(casedir, work, &r, &fail))
		ok = 0;
	if (!run_checks(casedir, &r, &fail))
		ok = 0;
	(void)ok;

report:
	if (fail.len > 0) {
		size_t from = r.errlen > CLI_TAIL ? r.errlen - CLI_TAIL : 0;

		buf_printf(&msg, "case %s failed (exit %d%s, %.2f s)\n"
		    "  cmd: %s\n", c->name, r.status,
		    r.signo ? ", killed by a signal" : "", r.seconds,
		    cmdline != NULL ? cmdline : "?");
		buf_add(&msg, fail.s);
		if (r.err != NULL && r.errlen > 0) {
			const char *e = r.err + from, *nl;

			buf_add(&msg, "  stderr (tail):\n");
			while (e < r.err + r.errlen) {
				nl = memchr(e, '\n', (size_t)(r.err + r.errlen - e));
				if (nl == NULL)
					nl = r.err + r.errlen;
				buf_add(&msg, "    | ");
				buf_add_visible(&msg, e, (size_t)(nl - e));
				buf_add(&msg, "\n");
				e = nl + 1;
			}
		}
		if (msg.len > CLI_MSG_MAX) {
			msg.s[CLI_MSG_MAX] = '\0';
			msg.len = CLI_MSG_MAX;
		}
	}
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(cmdline);
	free(r.out);
	free(r.err);
	rm_tree(tmp);
	if (msg.len > 0) {
		char *m = msg.s;

		free(fail.s);
		cr_assert_fail("%s", m);
		free(m);	/* not reached */
	}
	free(fail.s);
	free(msg.s);
}
