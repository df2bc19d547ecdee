/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job: cloud OTA job JSON, parsed into nodes (see job.h).
 *
 * Parsing is strict about structure and lenient about spelling: statuses
 * come in any case, with '-' or '_'.  Anything that is JSON but of no known
 * shape is refused with a message naming the shapes expected.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "diag.h"
#include "job.h"
#include "jsonpos.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

struct job {
	const char	*format;	/* static */
	char		*job_id;	/* or NULL */
	long long	 trigger_s;	/* -1 if unknown */
	long long	 total;		/* nodes in the job per the cloud, -1 */
	struct job_entry *entries;
	size_t		 n, cap;
};

#define EXPECTED_TEXT \
	"expected RainMaker job status (node_ota_status[]), node status " \
	"(node_id, status), job summary counts, otastatus payload " \
	"(ota_job_id, status), AWS IoT job execution (status, statusDetails), " \
	"ThingsBoard fw_state telemetry, Alibaba Cloud OTA task list " \
	"(TaskStatus), or JSON Lines of these"

/* ---- small helpers -------------------------------------------------- */

static const char *
jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *
clean(const char *s)
{
	if (s == NULL)
		return NULL;
	return sanitize_dup(s, strlen(s));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static long long
job_parse_time(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	long long t;
	const char *p;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (*p == '\0' || *p == '.') {
		/* epoch seconds or milliseconds */
		t = strtoll(s, NULL, 10);
		if (t > 100000000000LL)
			t /= 1000;
		return t > 0 ? t : -1;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	p = s + n;
	if (*p == 'T' || *p == ' ') {
		int m2 = 0;

		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m2) < 2)
			return -1;
		p += 1 + m2;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	    mi * 60 + sec;
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
		int oh = 0, om = 0;

		if (sscanf(p + 1, "%2d:%2d", &oh, &om) >= 1 ||
		    sscanf(p + 1, "%2d%2d", &oh, &om) >= 1)
			t -= (*p == '+' ? 1 : -1) * (oh * 3600LL + om * 60);
	}
	return t;
}

static long long
json_time(const json_t *v, char **text)
{
	*text = NULL;
	if (json_is_integer(v)) {
		long long t = (long long)json_integer_value(v);

		*text = xasprintf("%lld", t);
		if (t > 100000000000LL)
			t /= 1000;
		return t > 0 ? t : -1;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		*text = xasprintf("%.3f", d);
		if (d > 100000000000.0)
			d /= 1000;
		/* a time no clock reaches (1e300) is no time: converting it
		   to an integer would overflow */
		return d > 0 && d < 1e15 ? (long long)d : -1;
	}
	if (json_is_string(v)) {
		*text = clean(json_string_value(v));
		return job_parse_time(json_string_value(v));
	}
	return -1;
}

/* Lower-cases and maps '-' and ' ' to '_' into out. */
static void
norm_status(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c == '-' || c == ' ') ? '_' : (char)tolower(c);
	}
	out[i] = '\0';
}

enum outcome
job_status_outcome(const char *status)
{
	static const struct {
		const char	*name;
		enum outcome	 o;
	} map[] = {
		/* RainMaker firmware and cloud summary keys */
		{ "success", OUTCOME_SUCCESS },
		{ "failed", OUTCOME_FAILED },
		{ "rejected", OUTCOME_FAILED },
		{ "in_progress", OUTCOME_IN_PROGRESS },
		{ "started", OUTCOME_IN_PROGRESS },
		{ "delayed", OUTCOME_IN_PROGRESS },
		{ "triggered", OUTCOME_NOT_ATTEMPTED },
		{ "invalid", OUTCOME_UNKNOWN },
		/* AWS IoT Jobs */
		{ "queued", OUTCOME_NOT_ATTEMPTED },
		{ "succeeded", OUTCOME_SUCCESS },
		{ "timed_out", OUTCOME_FAILED },
		{ "removed", OUTCOME_NOT_ATTEMPTED },
		{ "canceled", OUTCOME_NOT_ATTEMPTED },
		{ "cancelled", OUTCOME_NOT_ATTEMPTED },
		/* ThingsBoard fw_state */
		{ "initiated", OUTCOME_NOT_ATTEMPTED },
		{ "downloading", OUTCOME_IN_PROGRESS },
		{ "downloaded", OUTCOME_IN_PROGRESS },
		{ "verified", OUTCOME_IN_PROGRESS },
		{ "updating", OUTCOME_IN_PROGRESS },
		{ "updated", OUTCOME_SUCCESS },
		/* Alibaba Cloud TaskStatus */
		{ "confirm", OUTCOME_NOT_ATTEMPTED },
		{ "notified", OUTCOME_NOT_ATTEMPTED },
		{ "timeout", OUTCOME_FAILED },
		/* generic */
		{ "pending", OUTCOME_NOT_ATTEMPTED },
		{ "completed", OUTCOME_SUCCESS },
		{ "rolled_back", OUTCOME_ROLLED_BACK },
		{ "rollback", OUTCOME_ROLLED_BACK },
	};
	char s[32];
	size_t i;

	if (status == NULL)
		return OUTCOME_UNKNOWN;
	norm_status(status, s, sizeof(s));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i].name) == 0)
			return map[i].o;
	return OUTCOME_UNKNOWN;
}

/* ---- the job object ------------------------------------------------- */

static struct job_entry *
add_entry(struct job *j, const char *node_id)
{
	struct job_entry *e;

	j->entries = xgrow(j->entries, &j->cap, j->n + 1, sizeof(*e));
	e = &j->entries[j->n++];
	memset(e, 0, sizeof(*e));
	e->node_id = clean(node_id != NULL && node_id[0] != '\0' ? node_id :
	    "(unnamed)");
	e->status = xstrdup("");
	e->time_s = -1;
	e->count = 1;
	return e;
}

static void
set_status(struct job_entry *e, const char *s)
{
	free(e->status);
	e->status = clean(s != NULL ? s : "");
}

static void
add_field(struct job_entry *e, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0' || e->nfields >= JOB_MAX_FIELDS)
		return;
	e->fields[e->nfields].name = name;
	e->fields[e->nfields].value = clean(value);
	e->nfields++;
}

static void
set_time(struct job_entry *e, const json_t *v)
{
	char *text;
	long long t = json_time(v, &text);

	if (text == NULL)
		return;
	free(e->timestamp);
	e->timestamp = text;
	e->time_s = t;
}

void
job_free(struct job *j)
{
	size_t i, k;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++) {
		free(j->entries[i].node_id);
		free(j->entries[i].status);
		free(j->entries[i].timestamp);
		for (k = 0; k < j->entries[i].nfields; k++)
			free(j->entries[i].fields[k].value);
	}
	free(j->entries);
	free(j->job_id);
	free(j);
}

const char *
job_format(const struct job *j)
{
	return j->format;
}

const char *
job_id(const struct job *j)
{
	return j->job_id;
}

size_t
job_count(const struct job *j)
{
	return j->n;
}

const struct job_entry *
job_get(const struct job *j, size_t i)
{
	return i < j->n ? &j->entries[i] : NULL;
}

long long
job_trigger_time(const struct job *j)
{
	long long t = j->trigger_s;
	size_t i;

	if (t > 0)
		return t;
	for (i = 0; i < j->n; i++)
		if (j->entries[i].time_s > 0 &&
		    (t < 0 || j->entries[i].time_s < t))
			t = j->entries[i].time_s;
	return t;
}

static void
set_job_id(struct job *j, const char *id)
{
	if (id == NULL || id[0] == '\0' || j->job_id != NULL)
		return;
	j->job_id = clean(id);
}

/* ---- record shapes -------------------------------------------------- */

static int
is_aws_status(const char *s)
{
	static const char *const st[] = {
		"QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "TIMED_OUT",
		"REJECTED", "REMOVED", "CANCELED",
	};
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (strcmp(s, st[i]) == 0)
			return 1;
	return 0;
}

/* A ThingsBoard value: a plain value or a timeseries [{ts, value}] (the
 * latest entry wins).  Returns a borrowed string or NULL; *ts is set to the
 * entry's ts when there is one. */
static const char *
tb_value(const json_t *v, const json_t **ts)
{
	*ts = NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) && json_array_size(v) > 0) {
		const json_t *best = NULL, *e;
		long long bt = -1;
		size_t i;

		json_array_foreach(v, i, e) {
			const json_t *t = json_object_get(e, "ts");
			long long tv = json_is_integer(t) ?
			    (long long)json_integer_value(t) : 0;

			if (!json_is_string(json_object_get(e, "value")))
				continue;
			if (best == NULL || tv > bt) {
				best = e;
				bt = tv;
			}
		}
		if (best != NULL) {
			*ts = json_object_get(best, "ts");
			return json_string_value(json_object_get(best,
			    "value"));
		}
	}
	return NULL;
}

static const char *
first_str(const json_t *o, const char *const *keys)
{
	const char *s;

	for (; *keys != NULL; keys++)
		if ((s = jstr(o, *keys)) != NULL && s[0] != '\0')
			return s;
	return NULL;
}

/* The thing name of an AWS record: thingName, or the end of thingArn. */
static const char *
aws_thing(const json_t *o, const json_t *outer)
{
	const char *s;

	if ((s = jstr(o, "thingName")) != NULL)
		return s;
	if (outer != NULL && (s = jstr(outer, "thingName")) != NULL)
		return s;
	if ((s = jstr(o, "thingArn")) == NULL && outer != NULL)
		s = jstr(outer, "thingArn");
	if (s != NULL) {
		const char *slash = strrchr(s, '/');

		return slash != NULL ? slash + 1 : s;
	}
	return NULL;
}

static int
aws_record(struct job *j, const json_t *exec, const json_t *outer)
{
	const char *status = jstr(exec, "status");
	const json_t *det = json_object_get(exec, "statusDetails");
	const json_t *map;
	struct job_entry *e;
	const char *thing = aws_thing(exec, outer);

	if (!is_aws_status(status))
		return 0;
	e = add_entry(j, thing != NULL ? thing : "(thing)");
	set_status(e, status);
	set_job_id(j, jstr(exec, "jobId"));
	if (outer != NULL)
		set_job_id(j, jstr(outer, "jobId"));
	if (json_is_object(det)) {
		/* data-plane: statusDetails.{reason,self_test}; control
		 * plane (DescribeJobExecution): statusDetails.detailsMap */
		if (json_is_object(map = json_object_get(det, "detailsMap")))
			det = map;
		add_field(e, "reason", jstr(det, "reason"));
		add_field(e, "self_test", jstr(det, "self_test"));
		add_field(e, "progress", jstr(det, "progress"));
	}
	if (json_object_get(exec, "lastUpdatedAt") != NULL)
		set_time(e, json_object_get(exec, "lastUpdatedAt"));
	else if (json_object_get(exec, "startedAt") != NULL)
		set_time(e, json_object_get(exec, "startedAt"));
	if (j->trigger_s < 0 && json_object_get(exec, "queuedAt") != NULL) {
		char *t;

		j->trigger_s = json_time(json_object_get(exec, "queuedAt"), &t);
		free(t);
	}
	return 1;
}

static const char *const tb_names[] = {
	"deviceName", "device", "name", "entityName", "device_id", "deviceId",
	"id", NULL,
};

static int
tb_record(struct job *j, const json_t *o)
{
	const json_t *ts, *ts2;
	const char *state = tb_value(json_object_get(o, "fw_state"), &ts);
	const char *err = tb_value(json_object_get(o, "fw_error"), &ts2);
	const char *name = first_str(o, tb_names);
	const json_t *idv = json_object_get(o, "id");
	struct job_entry *e;

	if (state == NULL)
		return 0;
	/* ThingsBoard entity ids are {"entityType", "id"} objects */
	if (name == NULL && json_is_object(idv))
		name = jstr(idv, "id");
	e = add_entry(j, name != NULL ? name : "(device)");
	set_status(e, state);
	add_field(e, "fw_error", err);
	if (ts != NULL)
		set_time(e, ts);
	else if (json_object_get(o, "ts") != NULL)
		set_time(e, json_object_get(o, "ts"));
	return 1;
}

static int
ali_record(struct job *j, const json_t *o)
{
	const char *status = jstr(o, "TaskStatus");
	const char *dev = jstr(o, "DeviceName");
	struct job_entry *e;
	const json_t *p;

	if (status == NULL)
		return 0;
	e = add_entry(j, dev != NULL ? dev : jstr(o, "IotId"));
	set_status(e, status);
	add_field(e, "task_desc", jstr(o, "TaskDesc"));
	p = json_object_get(o, "Progress");
	if (json_is_string(p))
		add_field(e, "progress", json_string_value(p));
	set_job_id(j, jstr(o, "JobId"));
	if (json_object_get(o, "UtcModified") != NULL)
		set_time(e, json_object_get(o, "UtcModified"));
	else if (json_object_get(o, "UtcCreate") != NULL)
		set_time(e, json_object_get(o, "UtcCreate"));
	return 1;
}

static int
rmk_node_record(struct job *j, const json_t *o)
{
	const char *node = jstr(o, "node_id");
	const char *status = jstr(o, "status");
	struct job_entry *e;

	if (node == NULL || status == NULL)
		return 0;
	e = add_entry(j, node);
	set_status(e, status);
	add_field(e, "additional_info", jstr(o, "additional_info"));
	set_time(e, json_object_get(o, "timestamp") != NULL ?
	    json_object_get(o, "timestamp") : json_object_get(o, "ts"));
	set_job_id(j, jstr(o, "ota_job_id"));
	return 1;
}

static int
rmk_otastatus_record(struct job *j, const json_t *o)
{
	const char *status = jstr(o, "status");
	const char *node;
	struct job_entry *e;

	if (jstr(o, "ota_job_id") == NULL || status == NULL)
		return 0;
	node = jstr(o, "node_id");
	e = add_entry(j, node != NULL ? node : "(node)");
	set_status(e, status);
	add_field(e, "additional_info", jstr(o, "additional_info"));
	set_time(e, json_object_get(o, "ts"));
	set_job_id(j, jstr(o, "ota_job_id"));
	return 1;
}

/* Which single-record shape o has; NULL if none. */
static const char *
record_shape(const json_t *o)
{
	const char *status = jstr(o, "status");

	if (!json_is_object(o))
		return NULL;
	if (jstr(o, "node_id") != NULL && status != NULL)
		return "rainmaker-node";
	if (jstr(o, "ota_job_id") != NULL && status != NULL)
		return "rainmaker-otastatus";
	if (json_is_object(json_object_get(o, "execution")) ||
	    json_is_object(json_object_get(o, "jobExecutionSummary")) ||
	    (is_aws_status(status) &&
	    (json_object_get(o, "statusDetails") != NULL ||
	    json_object_get(o, "thingName") != NULL ||
	    json_object_get(o, "thingArn") != NULL ||
	    json_object_get(o, "jobId") != NULL)))
		return "aws-iot-job";
	if (json_object_get(o, "fw_state") != NULL)
		return "thingsboard";
	if (jstr(o, "TaskStatus") != NULL)
		return "aliyun-ota";
	return NULL;
}

/* Adds the nodes of one record object of a known shape; 0 if unknown. */
static int
add_record(struct job *j, const json_t *o, const char **shape)
{
	const char *s = record_shape(o);
	const json_t *x;

	*shape = s;
	if (s == NULL)
		return 0;
	if (strcmp(s, "rainmaker-node") == 0)
		return rmk_node_record(j, o);
	if (strcmp(s, "rainmaker-otastatus") == 0)
		return rmk_otastatus_record(j, o);
	if (strcmp(s, "aws-iot-job") == 0) {
		if (json_is_object(x = json_object_get(o, "execution")))
			return aws_record(j, x, o);
		if (json_is_object(x = json_object_get(o,
		    "jobExecutionSummary")))
			return aws_record(j, x, o);
		return aws_record(j, o, NULL);
	}
	if (strcmp(s, "thingsboard") == 0)
		return tb_record(j, o);
	return ali_record(j, o);
}

/* ---- whole documents ------------------------------------------------ */

static const char *const summary_keys[] = {
	"triggered", "started", "in_progress", "delayed", "rejected",
	"failed", "success", NULL,
};

static int
is_summary(const json_t *o)
{
	size_t i, n = 0;

	if (!json_is_integer(json_object_get(o, "total")))
		return 0;
	for (i = 0; summary_keys[i] != NULL; i++) {
		const json_t *v = json_object_get(o, summary_keys[i]);

		if (v == NULL)
			continue;
		if (!json_is_integer(v))
			return 0;
		n++;
	}
	return n >= 3;
}

static int
parse_summary(struct job *j, const json_t *o)
{
	long long total = (long long)json_integer_value(json_object_get(o,
	    "total"));
	size_t i;

	for (i = 0; summary_keys[i] != NULL; i++) {
		const json_t *v = json_object_get(o, summary_keys[i]);
		struct job_entry *e;
		char id[64], info[96];

		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			continue;
		snprintf(id, sizeof(id), "summary:%s", summary_keys[i]);
		e = add_entry(j, id);
		set_status(e, summary_keys[i]);
		e->count = (long)json_integer_value(v);
		snprintf(info, sizeof(info), "%ld of %lld nodes", e->count,
		    total);
		add_field(e, "summary", info);
	}
	return 0;
}

/*
 * Finding the line of each entry: the string values of the document,
 * collected in one pass and sorted by their raw text, answer "the first
 * value equal to this node id at or after here" by binary search; an id
 * taken from inside a value (the end of a thingArn) is looked for in the
 * text from there on, within a total budget so that ids found nowhere
 * cannot make this quadratic.  Line numbers are counted forward from the
 * last hit only: the whole pass is linear in the size of the document.
 */
struct lit {
	const char	*s;		/* raw text between the quotes */
	size_t		 len;
	unsigned long	 line;
};

struct line_finder {
	const char	*buf;
	size_t		 len;
	struct lit	*lits;		/* sorted by text, then position */
	size_t		 nlits, caplits;
	size_t		 pos;		/* search from here on */
	size_t		 cur;		/* counted up to here ... */
	unsigned long	 curline;	/* ... which is on this line */
	size_t		 budget;	/* bytes left for searches in text */
};

static int
cmp_lit(const void *a, const void *b)
{
	const struct lit *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->s < y->s ? -1 : x->s > y->s;
}

/* Every string value (not a member name) is a literal. */
static int
finder_token(void *ctx, const struct jsonpos_token *t)
{
	struct line_finder *f = ctx;

	if (t->kind != JSONPOS_STRING)
		return 0;
	f->lits = xgrow(f->lits, &f->caplits, f->nlits + 1, sizeof(*f->lits));
	f->lits[f->nlits].s = t->s;
	f->lits[f->nlits].len = t->len;
	f->lits[f->nlits++].line = t->line;
	return 0;
}

static void
finder_init(struct line_finder *f, const char *buf, size_t len)
{
	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->len = len;
	f->curline = 1;
	f->budget = 4 * len + (1u << 20);
	(void)jsonpos_scan(buf, len, finder_token, f);
	if (f->nlits > 1)
		qsort(f->lits, f->nlits, sizeof(*f->lits), cmp_lit);
}

/* The first occurrence of needle[0..nl) in p[0..n), or NULL. */
static const char *
find_bytes(const char *p, size_t n, const char *needle, size_t nl)
{
	const char *end = p + n, *q;

	if (nl == 0)
		return NULL;
	for (q = p; (size_t)(end - q) >= nl; q++) {
		q = memchr(q, needle[0], (size_t)(end - q) - nl + 1);
		if (q == NULL)
			return NULL;
		if (memcmp(q, needle, nl) == 0)
			return q;
	}
	return NULL;
}

/* The line of buf[off], off at or after the last one asked for. */
static unsigned long
finder_line(struct line_finder *f, size_t off)
{
	const char *nl;

	if (off < f->cur) {
		f->cur = 0;
		f->curline = 1;
	}
	while ((nl = memchr(f->buf + f->cur, '\n', off - f->cur)) != NULL) {
		f->curline++;
		f->cur = (size_t)(nl - f->buf) + 1;
	}
	f->cur = off;
	return f->curline;
}

/* The line of the first string value equal to id at or after f->pos, or
 * of id inside the text from there on; advances f->pos.  0 if not found. */
static unsigned long
finder_find(struct line_finder *f, const char *id)
{
	struct lit key = { f->buf + f->pos, strlen(id), 0 };
	size_t lo = 0, hi = f->nlits, off, n;
	const char *hit;

	if (key.len == 0 || f->pos >= f->len)
		return 0;
	/* the first literal not less than (id, here) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct lit *l = &f->lits[mid];
		size_t m = l->len < key.len ? l->len : key.len;
		int c = memcmp(l->s, id, m);

		if (c == 0 && l->len != key.len)
			c = l->len < key.len ? -1 : 1;
		if (c == 0)
			c = l->s < key.s ? -1 : 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->nlits && f->lits[lo].len == key.len &&
	    memcmp(f->lits[lo].s, id, key.len) == 0) {
		off = (size_t)(f->lits[lo].s - f->buf);
		(void)finder_line(f, off);	/* keep the count going */
		f->pos = off + key.len;
		return f->lits[lo].line;
	}
	/* ids taken from inside a value (thingArn) */
	n = f->len - f->pos;
	if (n > f->budget)
		return 0;
	hit = find_bytes(f->buf + f->pos, n, id, key.len);
	if (hit == NULL) {
		f->budget -= n;
		return 0;
	}
	off = (size_t)(hit - f->buf);
	f->budget -= off - f->pos < f->budget ? off - f->pos : f->budget;
	f->pos = off + key.len;
	return finder_line(f, off);
}

/* Gives entries from index from on a line number by finding their node id
 * in the text, in order. */
static void
assign_lines(struct job *j, size_t from, const char *buf, size_t len)
{
	struct line_finder f;
	size_t i;

	finder_init(&f, buf, len);
	for (i = from; i < j->n; i++)
		j->entries[i].line = finder_find(&f, j->entries[i].node_id);
	free(f.lits);
}

static int
parse_array(struct job *j, const json_t *arr, const char *path,
    struct diag_err *err)
{
	const json_t *o;
	const char *shape, *first = NULL;
	size_t i;

	json_array_foreach(arr, i, o) {
		if (!add_record(j, o, &shape))
			return diag_set(err, DIAG_EFORMAT, path, 0, 0,
			    "element %zu of the array is not a job record; %s",
			    i + 1, EXPECTED_TEXT);
		if (first == NULL)
			first = shape;
	}
	if (first == NULL)
		return diag_set(err, DIAG_EFORMAT, path, 0, 0,
		    "empty array; %s", EXPECTED_TEXT);
	j->format = first;
	return 0;
}

static int
parse_object(struct job *j, const json_t *root, const char *path,
    struct diag_err *err)
{
	const json_t *x, *o;
	const char *shape, *s;
	size_t i;

	if (json_is_array(x = json_object_get(root, "node_ota_status"))) {
		j->format = "rainmaker-job";
		set_job_id(j, jstr(root, "ota_job_id"));
		if ((o = json_object_get(root, "triggered_timestamp")) != NULL) {
			char *t;

			j->trigger_s = json_time(o, &t);
			free(t);
		}
		json_array_foreach(x, i, o) {
			if (!json_is_object(o) || jstr(o, "node_id") == NULL ||
			    jstr(o, "status") == NULL)
				return diag_set(err, DIAG_ESCHEMA, path, 0, 0,
				    "node_ota_status[%zu] needs string "
				    "\"node_id\" and \"status\"", i);
			rmk_node_record(j, o);
		}
		if (json_is_integer(o = json_object_get(root, "total")))
			j->total = (long long)json_integer_value(o);
		return 0;
	}
	if (is_summary(root)) {
		j->format = "rainmaker-summary";
		set_job_id(j, jstr(root, "ota_job_id"));
		return parse_summary(j, root);
	}
	if (json_is_array(x = json_object_get(root, "executionSummaries"))) {
		j->format = "aws-iot-job";
		set_job_id(j, jstr(root, "jobId"));
		json_array_foreach(x, i, o) {
			const json_t *sum = json_object_get(o,
			    "jobExecutionSummary");

			if (!json_is_object(sum) || !aws_record(j, sum, o))
				return diag_set(err, DIAG_ESCHEMA, path, 0, 0,
				    "executionSummaries[%zu] has no "
				    "jobExecutionSummary with an AWS status",
				    i);
		}
		return 0;
	}
	if (json_is_array(x = json_object_get(root, "inProgressJobs")) ||
	    json_is_array(json_object_get(root, "queuedJobs"))) {
		/* GetPendingJobExecutions: summaries without status */
		static const char *const lists[] = {
			"inProgressJobs", "queuedJobs",
		};
		size_t l;

		j->format = "aws-iot-job";
		for (l = 0; l < 2; l++) {
			x = json_object_get(root, lists[l]);
			json_array_foreach(x, i, o) {
				struct job_entry *e = add_entry(j,
				    jstr(o, "jobId"));

				set_status(e, l == 0 ? "IN_PROGRESS" :
				    "QUEUED");
				set_time(e, json_object_get(o,
				    "lastUpdatedAt"));
			}
		}
		return 0;
	}
	if (json_is_object(x = json_object_get(root, "Data")) ||
	    json_is_array(json_object_get(root, "SimpleOTATaskInfo"))) {
		const json_t *list = json_is_object(x) ?
		    json_object_get(x, "SimpleOTATaskInfo") :
		    json_object_get(root, "SimpleOTATaskInfo");

		/* XML-style wrapping: {"SimpleOTATaskInfo": {"SimpleOTA...": []}} */
		if (json_is_object(list))
			list = json_object_get(list, "SimpleOTATaskInfo");
		if (json_is_array(list)) {
			j->format = "aliyun-ota";
			json_array_foreach(list, i, o) {
				if (!ali_record(j, o))
					return diag_set(err, DIAG_ESCHEMA,
					    path, 0, 0, "SimpleOTATaskInfo[%zu] "
					    "has no \"TaskStatus\"", i);
			}
			return 0;
		}
	}
	if (json_object_get(root, "Success") == json_false() &&
	    (s = jstr(root, "ErrorMessage")) != NULL)
		return diag_set(err, DIAG_ESCHEMA, path, 0, 0,
		    "Alibaba Cloud API error response (%s: %s), not a task "
		    "list", jstr(root, "Code") != NULL ? jstr(root, "Code") :
		    "no code", s);
	if (jstr(root, "error_code") != NULL ||
	    json_is_integer(json_object_get(root, "error_code"))) {
		s = jstr(root, "description");
		return diag_set(err, DIAG_ESCHEMA, path, 0, 0,
		    "RainMaker API error response (%s), not a job status",
		    s != NULL ? s : "no description");
	}
	if (add_record(j, root, &shape)) {
		j->format = shape;
		return 0;
	}
	return diag_set(err, DIAG_EFORMAT, path, 0, 0,
	    "JSON of an unknown shape; %s", EXPECTED_TEXT);
}

static int
parse_jsonl(struct job *j, const char *path, const char *buf, size_t n,
    struct diag_err *err)
{
	size_t pos = 0;
	unsigned long line = 0;
	const char *shape;

	j->format = "jsonl";
	while (pos < n) {
		size_t end = pos, before = j->n, k;
		json_t *o;
		json_error_t je;

		while (end < n && buf[end] != '\n')
			end++;
		line++;
		k = pos;
		while (k < end && isspace((unsigned char)buf[k]))
			k++;
		if (k < end) {
			o = json_loadb(buf + k, end - k,
			    JSON_REJECT_DUPLICATES, &je);
			if (o == NULL)
				return diag_set(err, DIAG_ESYNTAX, path,
				    (long)line, je.column, "%s", je.text);
			if (!add_record(j, o, &shape)) {
				json_decref(o);
				return diag_set(err, DIAG_EFORMAT, path,
				    (long)line, 0, "not a job record; %s",
				    EXPECTED_TEXT);
			}
			json_decref(o);
			for (; before < j->n; before++)
				j->entries[before].line = line;
		}
		pos = end + 1;
	}
	if (j->n == 0)
		return diag_set(err, DIAG_EFORMAT, path, 0, 0,
		    "no records; %s", EXPECTED_TEXT);
	return 0;
}

/* More than one line that starts with '{' after the first value? */
static int
looks_jsonl(const char *buf, size_t n)
{
	size_t i, lines = 0;
	int start = 1;

	for (i = 0; i < n; i++) {
		if (start && buf[i] == '{')
			lines++;
		if (buf[i] == '\n')
			start = 1;
		else if (!isspace((unsigned char)buf[i]))
			start = 0;
	}
	return lines >= 2;
}

int
job_parse(const char *path, const char *buf, size_t n, struct job **out,
    struct diag_err *err)
{
	struct job *j;
	json_t *root;
	json_error_t je;
	int rc;

	*out = NULL;
	j = xcalloc(1, sizeof(*j));
	j->trigger_s = -1;
	j->total = -1;
	/* a repeated key would silently replace the first (a whole
	   node_ota_status array could vanish): refuse it */
	root = json_loadb(buf, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &je);
	if (root == NULL) {
		/* not one JSON value: JSON Lines? */
		if (looks_jsonl(buf, n) &&
		    strstr(je.text, "end of file expected") != NULL) {
			rc = parse_jsonl(j, path, buf, n, err);
			goto out;
		}
		rc = diag_set(err, DIAG_ESYNTAX, path, je.line, je.column,
		    "invalid JSON: %s", je.text);
		goto out;
	}
	if (json_is_array(root))
		rc = parse_array(j, root, path, err);
	else if (json_is_object(root))
		rc = parse_object(j, root, path, err);
	else
		rc = diag_set(err, DIAG_EFORMAT, path, 1, 1,
		    "a bare JSON value; %s", EXPECTED_TEXT);
	json_decref(root);
	if (rc == 0)
		assign_lines(j, 0, buf, n);
out:
	if (rc != 0) {
		job_free(j);
		return rc;
	}
	*out = j;
	return 0;
}

int
job_sniff(const char *buf, size_t n)
{
	static const char *const keys[] = {
		"\"node_ota_status\"", "\"ota_job_id\"", "\"node_id\"",
		"\"statusDetails\"", "\"executionSummaries\"", "\"execution\"",
		"\"fw_state\"", "\"TaskStatus\"", "\"SimpleOTATaskInfo\"",
		"\"in_progress\"", "\"inProgressJobs\"", "\"queuedJobs\"",
	};
	size_t i, lim = n < 65536 ? n : 65536;
	char *head;
	int hit = 0;

	for (i = 0; i < lim && isspace((unsigned char)buf[i]); i++)
		;
	/* a UTF-8 byte order mark */
	if (lim - i >= 3 && memcmp(buf + i, "\xef\xbb\xbf", 3) == 0)
		i += 3;
	if (i >= lim || (buf[i] != '{' && buf[i] != '['))
		return 0;
	if (buf[i] == '[') {
		/* a JSON array holds objects, strings or nothing; a log line
		   starts "[2024-01-02 ...", "[  1234][E]", "[E][", "[inf]" */
		size_t k = i + 1;

		while (k < lim && isspace((unsigned char)buf[k]))
			k++;
		if (k < lim && buf[k] != '{' && buf[k] != ']' && buf[k] != '"')
			return 0;
	}
	head = xstrndup(buf, lim);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && !hit; k++)
		if (strstr(head, keys[k]) != NULL)
			hit = 1;
	free(head);
	return hit;
}
