/* SPDX-License-Identifier: Apache-2.0 */
/*
 * matcher: compile errors name the rule; the needle prefilter, level, tag,
 * target and ignore constraints decide which rules run; captures come back;
 * a pathological pattern hits the PCRE2 limit instead of hanging.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "diag.h"
#include "matcher.h"
#include "record.h"
#include "ruleset.h"

/* One rule per line of the rules array, so each rule's line is its index+3. */
#define HEAD "{\"rules\": [\n"
#define R(id, fields)							\
	"{\"id\": \"" id "\", \"cause\": \"alloc-failed\", \"severity\": \"error\", " \
	"\"title\": \"" id "\", \"message\": \"m\", \"remedy\": \"r\", "	\
	"\"examples\": {\"match\": [\"x\"]}, " fields "}"
#define TAIL "\n]}\n"

struct hit {
	char	 ids[8][48];
	char	 caps[8][2][32];
	size_t	 ncaps[8];
	size_t	 n;
	int	 stop;
};

static int
on_match(void *ctx, const struct record *rec, const struct match *m)
{
	struct hit *h = ctx;
	size_t k;

	(void)rec;
	cr_assert_lt(h->n, 8);
	strncpy(h->ids[h->n], m->rule->id, sizeof(h->ids[0]) - 1);
	h->ncaps[h->n] = m->ncaps;
	for (k = 0; k < m->ncaps && k < 2; k++) {
		strncpy(h->caps[h->n][0], m->cap_names[k], 31);
		strncpy(h->caps[h->n][1], m->cap_values[k], 31);
		break;
	}
	h->n++;
	return h->stop;
}

struct fixture {
	struct ruleset	*rs;
	struct matcher	*m;
	struct record_parser *p;
};

static void
setup_rules(struct fixture *f, const char *json)
{
	struct diag_err err;

	f->rs = ruleset_new();
	cr_assert_eq(ruleset_load_string(f->rs, "t.json", json, strlen(json),
	    &err), 0, "%s:%ld: %s", err.file, err.line, err.text);
	f->m = matcher_new(f->rs, &err);
	cr_assert_not_null(f->m, "%s:%ld: %s", err.file, err.line, err.text);
	f->p = record_parser_new();
}

static void
teardown_rules(struct fixture *f)
{
	record_parser_free(f->p);
	matcher_free(f->m);
	ruleset_free(f->rs);
}

/* Runs the matcher on one raw line; returns the hits. */
static struct hit
run(struct fixture *f, const char *line)
{
	struct record rec;
	struct hit h;

	memset(&h, 0, sizeof(h));
	record_parse(f->p, 1, line, strlen(line), 0, &rec);
	cr_assert_eq(matcher_run(f->m, &rec, on_match, &h), 0);
	return h;
}

Test(matcher, pattern_that_does_not_compile)
{
	static const char json[] = HEAD
	    R("good", "\"pattern\": \"ok\"") ",\n"
	    R("bad-re", "\"pattern\": \"alloc(\\\\d+\"") TAIL;
	struct ruleset *rs = ruleset_new();
	struct diag_err err;

	cr_assert_eq(ruleset_load_string(rs, "t.json", json, strlen(json), &err),
	    0, "%s", err.text);
	cr_assert_null(matcher_new(rs, &err));
	cr_expect_str_eq(err.file, "t.json");
	cr_expect_eq(err.line, 3, "line %ld", err.line);
	cr_expect(strncmp(err.text, "rule 'bad-re': pattern does not compile: ",
	    41) == 0, "%s", err.text);
	cr_expect(strstr(err.text, "at offset 9") != NULL, "%s", err.text);
	ruleset_free(rs);
}

Test(matcher, tag_or_ignore_that_does_not_compile)
{
	static const char tag[] = HEAD
	    R("bad-tag", "\"pattern\": \"ok\", \"tag\": \"[a-\"") TAIL;
	static const char ign[] = HEAD
	    R("bad-ign", "\"pattern\": \"ok\", \"ignore\": [\"fine\", \"*x\"]")
	    TAIL;
	struct ruleset *rs = ruleset_new();
	struct diag_err err;

	cr_assert_eq(ruleset_load_string(rs, "t.json", tag, strlen(tag), &err), 0);
	cr_assert_null(matcher_new(rs, &err));
	cr_expect(strncmp(err.text, "rule 'bad-tag': tag does not compile", 36)
	    == 0, "%s", err.text);
	ruleset_free(rs);
	rs = ruleset_new();
	cr_assert_eq(ruleset_load_string(rs, "u.json", ign, strlen(ign), &err), 0);
	cr_assert_null(matcher_new(rs, &err));
	cr_expect_str_eq(err.file, "u.json");
	cr_expect(strncmp(err.text, "rule 'bad-ign': ignore does not compile",
	    39) == 0, "%s", err.text);
	cr_expect(strstr(err.text, "at offset 0") != NULL, "%s", err.text);
	ruleset_free(rs);
}

Test(matcher, needle_prefilter_gates_the_pattern)
{
	/* the pattern alone would match "byte"; the needle says "magic" */
	static const char json[] = HEAD
	    R("magic", "\"needle\": \"MAGIC\", \"pattern\": \"byte\"") TAIL;
	struct fixture f;
	struct hit h;

	setup_rules(&f, json);
	h = run(&f, "E (1) esp_image: wrong byte 0x00");
	cr_expect_eq(h.n, 0, "a line without the needle matched");
	h = run(&f, "E (1) esp_image: Magic byte 0x00");
	cr_expect_eq(h.n, 1, "the needle is ASCII case-insensitive");
	h = run(&f, "E (1) esp_image: magic BYTE");
	cr_expect_eq(h.n, 0, "the pattern itself stays case-sensitive");
	/* the needle is looked for in the whole text, prefixes included */
	h = run(&f, "E (1) magic: byte");
	cr_expect_eq(h.n, 1);
	teardown_rules(&f);
}

Test(matcher, many_needles_share_the_prefilter)
{
	static const char json[] = HEAD
	    R("n-he", "\"needle\": \"he\", \"pattern\": \"he\"") ",\n"
	    R("n-she", "\"needle\": \"she\", \"pattern\": \"she\"") ",\n"
	    R("n-hers", "\"needle\": \"hers\", \"pattern\": \"hers\"") ",\n"
	    R("n-his", "\"needle\": \"his\", \"pattern\": \"his\"") TAIL;
	struct fixture f;
	struct hit h;

	setup_rules(&f, json);
	h = run(&f, "ushers");
	cr_assert_eq(h.n, 3, "%zu hits", h.n);
	/* reported in ruleset order whatever the order in the line */
	cr_expect_str_eq(h.ids[0], "n-he");
	cr_expect_str_eq(h.ids[1], "n-she");
	cr_expect_str_eq(h.ids[2], "n-hers");
	h = run(&f, "HIS");
	cr_expect_eq(h.n, 0, "needle hit but pattern is case-sensitive");
	h = run(&f, "this");
	cr_assert_eq(h.n, 1);
	cr_expect_str_eq(h.ids[0], "n-his");
	teardown_rules(&f);
}

static long
peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * The prefilter's table has one column per byte that occurs in a needle,
 * never 256: 200 needles of 2000 letters (400k states) need ~40 MB, not
 * the ~600 MB a full byte table took while it was being built.
 */
Test(matcher, long_needles_keep_the_prefilter_small, .timeout = 30)
{
	enum { NR = 200, NL = 2000 };
	size_t cap = (size_t)NR * (NL + 256) + 64, len = 0, i, k;
	char *json = malloc(cap), *needle = malloc((size_t)NR * (NL + 1));
	struct fixture f;
	struct hit h;
	long before;
	unsigned seed = 1;

	cr_assert_not_null(json);
	cr_assert_not_null(needle);
	for (i = 0; i < NR; i++) {
		char *n = needle + i * (NL + 1);

		for (k = 0; k < NL; k++) {
			seed = seed * 1103515245u + 12345u;
			n[k] = (char)('a' + (seed >> 16) % 26);
		}
		n[NL] = '\0';
	}
	len += (size_t)snprintf(json + len, cap - len, "%s", HEAD);
	for (i = 0; i < NR; i++)
		len += (size_t)snprintf(json + len, cap - len, "%s" R("n%03zu",
		    "\"needle\": \"%s\", \"pattern\": \"%.8s\""),
		    i > 0 ? ",\n" : "", i, i, needle + i * (NL + 1),
		    needle + i * (NL + 1));
	len += (size_t)snprintf(json + len, cap - len, "%s", TAIL);
	before = peak_kib();
	setup_rules(&f, json);
	cr_expect_lt(peak_kib() - before, 150 * 1024L,
	    "building the matcher took %ld MiB", (peak_kib() - before) / 1024);
	/* needle 17 in a line, upper-cased: only its rule is a candidate */
	for (k = 0; k < NL; k++)
		needle[17 * (NL + 1) + k] -= 32;
	h = run(&f, needle + 17 * (NL + 1));
	cr_expect_eq(h.n, 0, "the pattern is case-sensitive");
	for (k = 0; k < NL; k++)
		needle[17 * (NL + 1) + k] += 32;
	h = run(&f, needle + 17 * (NL + 1));
	cr_assert_eq(h.n, 1, "%zu hits", h.n);
	cr_expect_str_eq(h.ids[0], "n017");
	/* one letter short: no candidate */
	needle[17 * (NL + 1) + NL - 1] = '\0';
	h = run(&f, needle + 17 * (NL + 1));
	cr_expect_eq(h.n, 0);
	teardown_rules(&f);
	free(needle);
	free(json);
}

Test(matcher, level_constraint)
{
	static const char json[] = HEAD
	    R("lv", "\"needle\": \"alloc\", \"pattern\": \"alloc\", \"level\": \"EW\"")
	    TAIL;
	struct fixture f;

	setup_rules(&f, json);
	cr_expect_eq(run(&f, "E (1) x: alloc").n, 1);
	cr_expect_eq(run(&f, "W (1) x: alloc").n, 1);
	cr_expect_eq(run(&f, "I (1) x: alloc").n, 0);
	cr_expect_eq(run(&f, "[E][a.cpp:1] f(): alloc").n, 1);
	cr_expect_eq(run(&f, "alloc").n, 0, "a line without a level");
	teardown_rules(&f);
}

Test(matcher, tag_constraint)
{
	static const char json[] = HEAD
	    R("tg", "\"needle\": \"alloc(\", \"tag\": \"^Dynamic Impl$\", "
	    "\"pattern\": \"^alloc\\\\((?<bytes>\\\\d+) bytes\\\\) failed\"") TAIL;
	struct fixture f;
	struct hit h;

	setup_rules(&f, json);
	h = run(&f, "E (1185926) Dynamic Impl: alloc(16749 bytes) failed");
	cr_assert_eq(h.n, 1);
	cr_expect_eq(h.ncaps[0], 1);
	cr_expect_str_eq(h.caps[0][0], "bytes");
	cr_expect_str_eq(h.caps[0][1], "16749");
	cr_expect_eq(run(&f, "E (1) other: alloc(5 bytes) failed").n, 0);
	cr_expect_eq(run(&f, "alloc(5 bytes) failed").n, 0, "no tag at all");
	teardown_rules(&f);
}

Test(matcher, captures)
{
	static const char json[] = HEAD
	    R("cap", "\"needle\": \"returned\", "
	    "\"pattern\": \"^(?<fn>\\\\w+) returned (?<code>-?0x[0-9A-Fa-f]+)(?<opt> later)?\"")
	    TAIL;
	struct fixture f;
	struct record rec;
	struct match mt;
	const struct rule *r;
	const char *line = "E (9) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7F00";

	setup_rules(&f, json);
	r = ruleset_find(f.rs, "cap");
	record_parse(f.p, 1, line, strlen(line), 0, &rec);
	cr_assert_eq(matcher_run_rule(f.m, r, &rec, &mt), 1);
	cr_assert_eq(mt.rule, r);
	/* a group that took no part in the match is no capture */
	cr_assert_eq(mt.ncaps, 2);
	cr_expect_str_eq(mt.cap_names[0], "code");
	cr_expect_str_eq(mt.cap_values[0], "-0x7F00");
	cr_expect_str_eq(mt.cap_names[1], "fn");
	cr_expect_str_eq(mt.cap_values[1], "mbedtls_ssl_handshake");
	record_parse(f.p, 2, "E (9) x: nothing returned", 25, 0, &rec);
	cr_expect_eq(matcher_run_rule(f.m, r, &rec, &mt), 0);
	teardown_rules(&f);
}

Test(matcher, ignore_patterns_veto_a_hit)
{
	static const char json[] = HEAD
	    R("ig", "\"needle\": \"failed\", \"pattern\": \"connect failed\", "
	    "\"ignore\": [\"will retry\", \"^debug\"]") TAIL;
	struct fixture f;

	setup_rules(&f, json);
	cr_expect_eq(run(&f, "E (1) x: connect failed").n, 1);
	cr_expect_eq(run(&f, "E (1) x: connect failed, will retry").n, 0);
	cr_expect_eq(run(&f, "E (1) x: debug: connect failed").n, 0);
	teardown_rules(&f);
}

Test(matcher, message_or_whole_text)
{
	static const char json[] = HEAD
	    R("on-msg", "\"needle\": \"ota\", \"pattern\": \"^ota\"") ",\n"
	    R("on-text", "\"needle\": \"ota\", \"pattern\": \"^E \\\\(\\\\d+\\\\) ota\", "
	    "\"on\": \"text\"") TAIL;
	struct fixture f;
	struct hit h;

	setup_rules(&f, json);
	h = run(&f, "E (5) ota: ota begin");
	cr_assert_eq(h.n, 2);
	h = run(&f, "E (5) ota: begin");
	cr_assert_eq(h.n, 1);
	cr_expect_str_eq(h.ids[0], "on-text");
	teardown_rules(&f);
}

Test(matcher, target_job_and_log)
{
	static const char json[] = HEAD
	    R("log-only", "\"needle\": \"failed\", \"pattern\": \"failed\"") ",\n"
	    R("job-status", "\"needle\": \"failed\", \"pattern\": \"failed\", "
	    "\"target\": \"job\", \"field\": \"status\"") ",\n"
	    R("any", "\"needle\": \"failed\", \"pattern\": \"failed\", "
	    "\"target\": \"any\"") TAIL;
	struct fixture f;
	struct record job;
	struct hit h;

	setup_rules(&f, json);
	h = run(&f, "download failed");
	cr_assert_eq(h.n, 2);
	cr_expect_str_eq(h.ids[0], "log-only");
	cr_expect_str_eq(h.ids[1], "any");

	memset(&job, 0, sizeof(job));
	job.lineno = 4;
	job.text = job.msg = "download failed";
	job.tag = job.func = job.src_file = job.dev_time = "";
	job.dev_ms = job.host_ms = -1;
	job.fmt = RECORD_JOB;
	job.field = "status";
	job.node = 2;
	memset(&h, 0, sizeof(h));
	matcher_run(f.m, &job, on_match, &h);
	cr_assert_eq(h.n, 2);
	cr_expect_str_eq(h.ids[0], "job-status");
	cr_expect_str_eq(h.ids[1], "any");

	job.field = "reason";
	memset(&h, 0, sizeof(h));
	matcher_run(f.m, &job, on_match, &h);
	cr_assert_eq(h.n, 1, "a job rule for 'status' saw 'reason'");
	cr_expect_str_eq(h.ids[0], "any");
	teardown_rules(&f);
}

Test(matcher, callback_stop_is_passed_back)
{
	static const char json[] = HEAD
	    R("a1", "\"needle\": \"fail\", \"pattern\": \"fail\"") ",\n"
	    R("a2", "\"needle\": \"fail\", \"pattern\": \"fail\"") TAIL;
	struct fixture f;
	struct record rec;
	struct hit h;

	setup_rules(&f, json);
	memset(&h, 0, sizeof(h));
	h.stop = 5;
	record_parse(f.p, 1, "fail", 4, 0, &rec);
	cr_assert_eq(matcher_run(f.m, &rec, on_match, &h), 5);
	cr_assert_eq(h.n, 1);
	teardown_rules(&f);
}

Test(matcher, rule_without_needle_runs_on_every_line)
{
	static const char json[] = HEAD
	    R("always", "\"pattern\": \"\\\\d{4}\"") TAIL;
	struct fixture f;

	setup_rules(&f, json);
	cr_expect_eq(run(&f, "code 1234").n, 1);
	cr_expect_eq(run(&f, "code 12").n, 0);
	cr_expect_eq(run(&f, "").n, 0);
	teardown_rules(&f);
}

Test(matcher, catastrophic_pattern_hits_the_limit, .timeout = 20)
{
	static const char json[] = HEAD
	    R("evil", "\"pattern\": \"(a+)+$\"") ",\n"
	    R("fine", "\"needle\": \"aaaa\", \"pattern\": \"^a{10}\"") TAIL;
	struct fixture f;
	struct record rec;
	struct hit h;
	size_t n = 60 * 1024;
	char *line = malloc(n + 2);
	struct timespec t0, t1;
	double secs;

	memset(line, 'a', n);
	line[n] = '!';
	line[n + 1] = '\0';
	setup_rules(&f, json);
	record_parse(f.p, 1, line, n + 1, 0, &rec);
	memset(&h, 0, sizeof(h));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(matcher_run(f.m, &rec, on_match, &h), 0);
	matcher_run(f.m, &rec, on_match, &h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_lt(secs, 5.0, "two runs took %.2f s", secs);
	/* the good rule still matched both times */
	cr_assert_eq(h.n, 2);
	cr_expect_str_eq(h.ids[0], "fine");
	cr_expect_str_eq(h.ids[1], "fine");
	/* the evil one is named once in the last run's list */
	cr_assert_eq(matcher_nlimited(f.m), 1);
	cr_expect_str_eq(matcher_limited(f.m, 0)->id, "evil");
	cr_expect_null(matcher_limited(f.m, 1));
	teardown_rules(&f);
	free(line);
}

/*
 * A limit hit is an event of one record: the rule did not match that line
 * and is tried on every later one, so a line it matches cheaply is still
 * matched (it used to be switched off for the process).  matcher_limited()
 * names the rules of the last run only.
 */
Test(matcher, limit_hit_is_one_line_only)
{
	static const char json[] = HEAD
	    R("evil", "\"needle\": \"aaaa\", \"pattern\": \"(a|aa)+$\"") ",\n"
	    R("fine", "\"needle\": \"aaaa\", \"pattern\": \"^a{4}\"") TAIL;
	static const char bad[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	static const char bad2[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	struct fixture f;
	struct record rec;
	struct match mt;
	struct hit h;

	setup_rules(&f, json);
	h = run(&f, bad);
	cr_assert_eq(matcher_nlimited(f.m), 1, "the pattern must hit the limit");
	cr_expect_str_eq(matcher_limited(f.m, 0)->id, "evil");
	cr_assert_eq(h.n, 1);
	cr_expect_str_eq(h.ids[0], "fine");
	/* the next line it matches cheaply: matched, no limit reported */
	h = run(&f, "aaaa");
	cr_assert_eq(h.n, 2, "%zu hits", h.n);
	cr_expect_str_eq(h.ids[0], "evil");
	cr_expect_str_eq(h.ids[1], "fine");
	cr_expect_eq(matcher_nlimited(f.m), 0);
	cr_expect_null(matcher_limited(f.m, 0));
	/* the same bad line again (from the cache), and another one */
	h = run(&f, bad);
	cr_expect_eq(matcher_nlimited(f.m), 1);
	h = run(&f, bad2);
	cr_expect_eq(matcher_nlimited(f.m), 1);
	cr_expect_str_eq(matcher_limited(f.m, 0)->id, "evil");
	h = run(&f, "aaaa");
	cr_expect_eq(h.n, 2);
	/* rules test: the limit reported as < 0, a cheap line matched */
	record_parse(f.p, 1, "aaaa", 4, 0, &rec);
	cr_expect_eq(matcher_run_rule(f.m, ruleset_find(f.rs, "evil"), &rec,
	    &mt), 1);
	record_parse(f.p, 2, bad, strlen(bad), 0, &rec);
	cr_expect_lt(matcher_run_rule(f.m, ruleset_find(f.rs, "evil"), &rec,
	    &mt), 0);
	teardown_rules(&f);
}

Test(matcher, empty_ruleset)
{
	struct ruleset *rs = ruleset_new();
	struct record_parser *p = record_parser_new();
	struct diag_err err;
	struct matcher *m;
	struct record rec;
	struct hit h;

	m = matcher_new(rs, &err);
	cr_assert_not_null(m);
	record_parse(p, 1, "anything", 8, 0, &rec);
	memset(&h, 0, sizeof(h));
	cr_expect_eq(matcher_run(m, &rec, on_match, &h), 0);
	cr_expect_eq(h.n, 0);
	cr_expect_eq(matcher_nlimited(m), 0);
	matcher_free(m);
	matcher_free(NULL);
	record_parser_free(p);
	ruleset_free(rs);
}

Test(matcher, builtin_ruleset_compiles)
{
	struct ruleset *rs = ruleset_new();
	struct diag_err err;
	struct matcher *m;

	cr_assert_eq(ruleset_load_builtin(rs, &err), 0, "%s", err.text);
	m = matcher_new(rs, &err);
	cr_assert_not_null(m, "%s:%ld: %s", err.file, err.line, err.text);
	matcher_free(m);
	ruleset_free(rs);
}

/*
 * The automaton's transitions off the trie are resolved when a line first
 * takes them: needles that overlap (one a suffix of another's prefix, one
 * inside another) are found through the failure links on the first line
 * and again, from the remembered cells, on later lines.
 */
Test(matcher, overlapping_needles_found_through_failure_links)
{
	static const char json[] = HEAD
	    R("n-abcd", "\"needle\": \"abcd\", \"pattern\": \".\"") ",\n"
	    R("n-bcx", "\"needle\": \"bcx\", \"pattern\": \".\"") ",\n"
	    R("n-cde", "\"needle\": \"cde\", \"pattern\": \".\"") ",\n"
	    R("n-b", "\"needle\": \"b\", \"pattern\": \".\"") TAIL;
	static const struct {
		const char	*line;
		const char	*ids;
	} rows[] = {
		{"abcde", "n-abcd n-cde n-b"},
		{"abcx", "n-bcx n-b"},
		{"xxabcabcx", "n-bcx n-b"},
		{"ABCDE", "n-abcd n-cde n-b"},
		{"abc de", "n-b"},
		{"cd e", ""},
		{"abcde", "n-abcd n-cde n-b"},
	};
	struct fixture f;
	struct hit h;
	size_t i, k;
	char got[256];

	setup_rules(&f, json);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		h = run(&f, rows[i].line);
		got[0] = '\0';
		for (k = 0; k < h.n; k++) {
			if (k > 0)
				strcat(got, " ");
			strcat(got, h.ids[k]);
		}
		cr_expect_str_eq(got, rows[i].ids, "line '%s'", rows[i].line);
	}
	teardown_rules(&f);
}

/* The crash signal comes from the same pass as the rules' candidates, and
   a matcher_run() after matcher_prefilter() finds what it finds alone. */
Test(matcher, prefilter_signals_crash_lines)
{
	static const char json[] = HEAD
	    R("n-rebooting", "\"needle\": \"rebooting\", \"pattern\": \"ebooting\"")
	    TAIL;
	static const struct {
		const char	*line;
		unsigned	 sig;
		size_t		 hits;
	} rows[] = {
		{"Rebooting...", MATCHER_SIG_CRASH, 1},
		{"I (12) wifi: connected", 0, 0},
		{"Backtrace: 0x400d0047:0x3ffb1f80", MATCHER_SIG_CRASH, 0},
		{"E (9) x: error 0X1503", MATCHER_SIG_CRASH, 0},
		{"===== CORE DUMP START =====", MATCHER_SIG_CRASH, 0},
		{"rebooting the device now", 0, 1},
	};
	struct fixture f;
	struct record rec;
	struct hit h;
	size_t i;

	setup_rules(&f, json);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		record_parse(f.p, i + 1, rows[i].line, strlen(rows[i].line), 0,
		    &rec);
		cr_expect_eq(matcher_prefilter(f.m, &rec), rows[i].sig,
		    "line '%s'", rows[i].line);
		memset(&h, 0, sizeof(h));
		cr_assert_eq(matcher_run(f.m, &rec, on_match, &h), 0);
		cr_expect_eq(h.n, rows[i].hits, "line '%s'", rows[i].line);
		h = run(&f, rows[i].line);
		cr_expect_eq(h.n, rows[i].hits, "line '%s' alone", rows[i].line);
	}
	teardown_rules(&f);
}

/*
 * A rule of a compiled image (built in) is compiled when a line first makes
 * it a candidate.  One whose pattern does not compile (the shipped rules
 * cannot: `rules test` compiles each) then never runs, the line goes on to
 * the other rules, and matcher_lazy_error() names file, line and rule;
 * MATCHER_EAGER reports it at once.
 */
Test(matcher, lazy_pattern_that_does_not_compile)
{
	static const char *const nb[] = {"lazy-bad", NULL};
	static const char *const ng[] = {"lazy-good", NULL};
	static const struct rule rules[] = {
		{.kind = RULE_KIND_RULE, .form = RULE_FORM_PATTERN,
		 .id = "img-bad", .cause = "alloc-failed", .targets =
		 RULE_TARGET_LOG, .needles = (const char **)nb, .nneedles = 1,
		 .pattern = "lazy-bad(", .origin = "rules/img.json",
		 .origin_line = 7, .index = 0},
		{.kind = RULE_KIND_RULE, .form = RULE_FORM_PATTERN,
		 .id = "img-good", .cause = "alloc-failed", .targets =
		 RULE_TARGET_LOG, .needles = (const char **)ng, .nneedles = 1,
		 .pattern = "lazy-good", .origin = "rules/img.json",
		 .origin_line = 9, .index = 1},
	};
	static const struct ruleset_image img = {rules, 2, NULL, 0, NULL};
	struct fixture f;
	struct diag_err err;
	const struct diag_err *e;
	struct hit h;

	f.rs = ruleset_new();
	cr_assert_eq(ruleset_load_image(f.rs, &img, &err), 0, "%s", err.text);
	cr_assert_null(matcher_new_flags(f.rs, MATCHER_EAGER, &err));
	cr_expect_str_eq(err.file, "rules/img.json");
	cr_expect_eq(err.line, 7);
	cr_expect(strstr(err.text, "rule 'img-bad': pattern does not compile")
	    != NULL, "%s", err.text);
	f.m = matcher_new(f.rs, &err);
	cr_assert_not_null(f.m, "lazy: nothing compiled yet");
	f.p = record_parser_new();
	cr_expect_null(matcher_lazy_error(f.m));
	h = run(&f, "I (1) x: lazy-bad and lazy-good");
	cr_assert_eq(h.n, 1);
	cr_expect_str_eq(h.ids[0], "img-good");
	cr_assert_not_null(e = matcher_lazy_error(f.m));
	cr_expect_str_eq(e->file, "rules/img.json");
	cr_expect_eq(e->line, 7);
	cr_expect(strstr(e->text, "rule 'img-bad': pattern does not compile: "
	    "missing closing parenthesis at offset 9") != NULL, "%s", e->text);
	h = run(&f, "I (2) x: lazy-bad again");
	cr_expect_eq(h.n, 0, "never runs, never crashes");
	teardown_rules(&f);
}
