/* SPDX-License-Identifier: Apache-2.0 */
/*
 * job: cloud OTA job JSON, parsed into nodes (see job.h).
 *
 * Parsing is strict about structure and lenient about spelling: statuses
 * come in any case, with '-' or '_'.  Anything that is JSON but of no known
 * shape is refused with a message naming the shapes expected.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "diag.h"
#include "job.h"
#include "jsonpos.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

/*
 * A job is read without holding it: job_parse() walks the text once to
 * check it, learn its shape and count its nodes, and job_foreach() walks
 * it again handing out one entry at a time.  A value larger than
 * JOB_SPLIT_MIN is not given to jansson whole: an object is split into its
 * members, an array is left as a stub (an empty array in the skeleton
 * tree, with the span of its text) whose elements are parsed one at a
 * time when a walk reaches it.  Smaller values (every real single record,
 * every small job) are parsed as one, as before.
 */
#define JOB_SPLIT_MIN	(64 * 1024)
#define JOB_SPLIT_DEPTH	4	/* deeper objects are parsed whole */

struct stub {
	const json_t	*arr;		/* the empty array standing for it */
	struct jsonpos_span span;	/* its text */
};

struct line_finder;

/* A scanner's window over a file read in place: each cursor has its own
   (a walk of an object can start a walk of a member). */
struct jwin {
	struct job	*j;
	char		*buf;		/* JOB_WINDOW bytes, or NULL */
	size_t		 off, len;	/* what it holds */
};

struct job {
	const char	*path;		/* borrowed, for messages */
	const char	*buf;		/* borrowed: the text, or NULL when
					   read from fd */
	size_t		 n;
	/* job_parse_fd: a regular file read in place, never mapped */
	int		 fd;		/* borrowed, or -1 */
	struct stat	 st0;		/* as it was when the reading began */
	char		*own;		/* a small file read whole (buf) */
	struct jwin	*cur_w;		/* the window filled last, or NULL */
	char		*tmp;		/* the text of one value */
	size_t		 tmpcap;
	const char	*elem_text;	/* the element being read's text */
	char		*lwin;		/* JSON Lines: the lines being read */
	size_t		 lwincap, lwin_off, lwin_len;
	int		 ioerr;		/* a read came short: err is set */
	int		 mapped;	/* JOB_MAPPED: give pages back */
	size_t		 released;	/* pages before this are given back */
	const char	*format;	/* static */
	char		*job_id;	/* or NULL */
	long long	 trigger_s;	/* -1 if unknown */
	long long	 first_s;	/* earliest node time, -1 */
	long long	 total;		/* nodes in the job per the cloud, -1 */
	size_t		 count;		/* entries (from job_parse) */
	int		 jsonl;
	json_t		*root;		/* the skeleton, NULL for JSON Lines */
	struct stub	*stubs;
	size_t		 nstubs, capstubs;
	struct diag_err	*err;		/* of the walk in progress */
	/* the walk in progress: entries go to fn (NULL: only counted) */
	job_entry_fn	 fn;
	void		*ctx;
	size_t		 index;
	struct job_entry cur;		/* the entry being filled */
	int		 have_cur;
	unsigned long	 cur_line;	/* JSON Lines: its line */
	struct line_finder *doc;	/* lines in a document not split */
	struct line_finder *elem;	/* lines in the element being read */
	const struct jsonpos_span *elem_span;
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

static void	flush(struct job *);

/* The entry the record being read fills (the previous one is handed out
 * first). */
static struct job_entry *
add_entry(struct job *j, const char *node_id)
{
	struct job_entry *e = &j->cur;

	flush(j);
	memset(e, 0, sizeof(*e));
	e->node_id = clean(node_id != NULL && node_id[0] != '\0' ? node_id :
	    "(unnamed)");
	e->status = xstrdup("");
	e->time_s = -1;
	e->count = 1;
	j->have_cur = 1;
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

static void
entry_release(struct job_entry *e)
{
	size_t k;

	free(e->node_id);
	free(e->status);
	free(e->timestamp);
	for (k = 0; k < e->nfields; k++)
		free(e->fields[k].value);
	memset(e, 0, sizeof(*e));
}

static void	finder_free(struct line_finder *);

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->have_cur)
		entry_release(&j->cur);
	finder_free(j->doc);
	finder_free(j->elem);
	json_decref(j->root);
	free(j->stubs);
	free(j->job_id);
	free(j->own);
	free(j->tmp);
	free(j->lwin);
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
	return j->count;
}

long long
job_trigger_time(const struct job *j)
{
	return j->trigger_s > 0 ? j->trigger_s : j->first_s;
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

static struct line_finder *
finder_new(const char *buf, size_t len)
{
	struct line_finder *f = xcalloc(1, sizeof(*f));

	f->buf = buf;
	f->len = len;
	f->curline = 1;
	f->budget = 4 * len + (1u << 20);
	(void)jsonpos_scan(buf, len, finder_token, f);
	if (f->nlits > 1)
		qsort(f->lits, f->nlits, sizeof(*f->lits), cmp_lit);
	return f;
}

static void
finder_free(struct line_finder *f)
{
	if (f == NULL)
		return;
	free(f->lits);
	free(f);
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

/* ---- reading in parts ------------------------------------------------ */

/* Reading a file in place: n bytes at off into dst, all of them, or
   ioerr set and err filled ("truncated while being read"). */
static int
read_at(struct job *j, char *dst, size_t n, size_t off)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(j->fd, dst + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (j->ioerr)
				;
			else if (r < 0)
				diag_set(j->err, DIAG_EIO, j->path, 0, 0, "read "
				    "error at byte %zu: %s", off + done,
				    strerror(errno));
			else
				diag_set(j->err, DIAG_EIO, j->path, 0, 0,
				    "truncated while being read: it ends at "
				    "byte %zu of the %zu it had (another "
				    "program cut the file short; read it again "
				    "when it is complete)", off + done, j->n);
			j->ioerr = 1;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

#define JOB_WINDOW	(256 * 1024)

/* jsonpos's window over a file read in place. */
static const char *
fill(void *ctx, size_t off, size_t *avail)
{
	struct jwin *w = ctx;
	struct job *j = w->j;
	size_t n = j->n - off < JOB_WINDOW ? j->n - off : JOB_WINDOW;

	*avail = 0;
	w->len = 0;
	j->cur_w = w;
	if (w->buf == NULL)
		w->buf = xmalloc(JOB_WINDOW);
	if (n == 0 || read_at(j, w->buf, n, off) != 0)
		return NULL;
	w->off = off;
	w->len = n;
	*avail = n;
	return w->buf;
}

/* A window's end: its buffer goes, and span_text no longer looks in it. */
static void
jwin_release(struct jwin *w)
{
	if (w->j != NULL && w->j->cur_w == w)
		w->j->cur_w = NULL;
	free(w->buf);
	w->buf = NULL;
}

/* The text of span v: in the text, or read into j->tmp (valid until the
   next call); NULL when it cannot be read (err is set). */
static const char *
span_text(struct job *j, const struct jsonpos_span *v)
{
	if (j->buf != NULL)
		return j->buf + v->off;
	/* what the scanner just passed is still in its window: the window
	   moves only when the walk goes on, after the span is used */
	if (j->cur_w != NULL && v->off >= j->cur_w->off &&
	    v->off + v->len <= j->cur_w->off + j->cur_w->len)
		return j->cur_w->buf + (v->off - j->cur_w->off);
	j->tmp = xgrow(j->tmp, &j->tmpcap, v->len + 1, 1);
	if (read_at(j, j->tmp, v->len, v->off) != 0)
		return NULL;
	j->tmp[v->len] = '\0';
	return j->tmp;
}

/* The first byte of span v, or -1. */
static int
span_first(struct job *j, const struct jsonpos_span *v)
{
	char c;

	if (v->len == 0)
		return -1;
	if (j->buf != NULL)
		return (unsigned char)j->buf[v->off];
	return read_at(j, &c, 1, v->off) == 0 ? (unsigned char)c : -1;
}

/* A file read in place: written to since the reading began?  Then one
   clear error, as truncation is (DIAG_EIO). */
static int
check_unchanged(struct job *j)
{
	struct stat st;

	if (j->fd < 0 || j->ioerr)
		return 0;
	if (fstat(j->fd, &st) != 0 || st.st_size != j->st0.st_size ||
	    st.st_mtim.tv_sec != j->st0.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != j->st0.st_mtim.tv_nsec ||
	    st.st_ctim.tv_sec != j->st0.st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != j->st0.st_ctim.tv_nsec)
		return diag_set(j->err, DIAG_EIO, j->path, 0, 0, "changed while "
		    "being read (its size or modification time is not what "
		    "it was when the read began: another program wrote to "
		    "it); read it again when it is complete");
	return 0;
}

/* A mapped file: the pages behind the reader go back to the system. */
static void
give_back(void *ctx, size_t off)
{
	struct job *j = ctx;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), upto = off / pg * pg;

	if (!j->mapped || upto < j->released + JSONPOS_STEP)
		return;
	(void)madvise((char *)(uintptr_t)j->buf + j->released,
	    upto - j->released, MADV_DONTNEED);
	j->released = upto;
}

/* A cursor over the whole text, at span v. */
static void
cur_at(struct job *j, const struct jsonpos_span *v, struct jsonpos_cur *c,
    struct jwin *w)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	jsonpos_cur_init(c, j->buf, j->n);
	memset(w, 0, sizeof(*w));
	w->j = j;
	if (j->buf == NULL) {
		c->fill = fill;
		c->fill_ctx = w;
	}
	c->off = v->off;
	c->line = v->line;
	c->bol = c->off - (v->col - 1);
	c->next_mark = c->off + JSONPOS_STEP;
	c->passed = give_back;
	c->passed_ctx = j;
	j->released = c->off / pg * pg;
}

static int
syntax(struct job *j, const struct jsonpos_error *pe)
{
	if (j->ioerr)
		return DIAG_EIO;	/* the text did not end: a read did */
	return diag_set(j->err, DIAG_ESYNTAX, j->path, (long)pe->line,
	    (long)pe->col, "invalid JSON: %s", pe->text);
}

/* Parses the text of one value with jansson; errors name the line and
 * column in the whole text. */
static int
load_span(struct job *j, const struct jsonpos_span *v, json_t **out)
{
	const char *t = span_text(j, v);
	json_error_t je;

	*out = NULL;
	if (t == NULL)
		return DIAG_EIO;
	j->elem_text = t;
	*out = json_loadb(t, v->len, JSON_DECODE_ANY |
	    JSON_REJECT_DUPLICATES, &je);
	if (*out != NULL)
		return 0;
	return diag_set(j->err, DIAG_ESYNTAX, j->path, (long)v->line +
	    (je.line > 1 ? je.line - 1 : 0), je.line > 1 ? je.column :
	    (long)v->col + (je.column > 0 ? je.column - 1 : 0),
	    "invalid JSON: %s", je.text);
}

static json_t	*skel(struct job *, const struct jsonpos_span *, int, int *);

struct skel_ctx {
	struct job	*j;
	json_t		*obj;
	int		 depth;
	int		 rc;
};

static int
skel_member(void *ctx, const struct jsonpos_span *key,
    const struct jsonpos_span *val)
{
	struct skel_ctx *sc = ctx;
	json_t *k, *v;

	if ((sc->rc = load_span(sc->j, key, &k)) != 0)
		return 1;
	/* what JSON_REJECT_DUPLICATES does for a document parsed whole */
	if (json_object_get(sc->obj, json_string_value(k)) != NULL) {
		sc->rc = diag_set(sc->j->err, DIAG_ESYNTAX, sc->j->path,
		    (long)key->line, (long)key->col, "invalid JSON: duplicate "
		    "object key near '%.*s'", key->len > 64 ? 64 :
		    (int)key->len, span_text(sc->j, key) != NULL ?
		    span_text(sc->j, key) : "");
		json_decref(k);
		return 1;
	}
	if ((v = skel(sc->j, val, sc->depth + 1, &sc->rc)) == NULL) {
		json_decref(k);
		return 1;
	}
	json_object_set_new(sc->obj, json_string_value(k), v);
	json_decref(k);
	return 0;
}

/*
 * The skeleton of value v: parsed whole when small (or deep), else an
 * object of its members' skeletons, or for an array a stub whose elements
 * each() parses one at a time.  NULL with *rc set on error.
 */
static json_t *
skel(struct job *j, const struct jsonpos_span *v, int depth, int *rc)
{
	struct jsonpos_error pe;
	struct jsonpos_cur c;
	json_t *o;
	int r;

	if (v->len > JOB_SPLIT_MIN && depth < JOB_SPLIT_DEPTH &&
	    span_first(j, v) == '[') {
		o = json_array();
		j->stubs = xgrow(j->stubs, &j->capstubs, j->nstubs + 1,
		    sizeof(*j->stubs));
		j->stubs[j->nstubs].arr = o;
		j->stubs[j->nstubs++].span = *v;
		return o;
	}
	if (v->len > JOB_SPLIT_MIN && depth < JOB_SPLIT_DEPTH &&
	    span_first(j, v) == '{') {
		struct skel_ctx sc = { j, json_object(), depth, 0 };
		struct jwin w;

		cur_at(j, v, &c, &w);
		r = jsonpos_walk(&c, skel_member, &sc, &pe);
		jwin_release(&w);
		if (r != 0) {
			*rc = r == 1 ? sc.rc : syntax(j, &pe);
			json_decref(sc.obj);
			return NULL;
		}
		return sc.obj;
	}
	if ((*rc = load_span(j, v, &o)) != 0)
		return NULL;
	return o;
}

/* The line of the entry being handed out. */
static unsigned long
entry_line(struct job *j, const char *id)
{
	const struct jsonpos_span *sp = j->elem_span;
	unsigned long l;

	if (j->jsonl)
		return j->cur_line;
	if (sp != NULL) {
		if (j->elem == NULL)
			j->elem = finder_new(j->elem_text, sp->len);
		l = finder_find(j->elem, id);
		return l > 0 ? sp->line + l - 1 : 0;
	}
	if (j->nstubs > 0 || j->n > JOB_SPLIT_MIN)
		return 0;	/* read in parts: only elements are searched */
	if (j->doc == NULL)
		j->doc = finder_new(j->buf, j->n);
	return finder_find(j->doc, id);
}

/* Hands the entry filled so far to the walk's function (job_parse only
 * counts it). */
static void
flush(struct job *j)
{
	struct job_entry *e = &j->cur;

	if (!j->have_cur)
		return;
	j->have_cur = 0;
	if (j->fn == NULL) {
		j->count++;
		if (e->time_s > 0 && (j->first_s < 0 || e->time_s < j->first_s))
			j->first_s = e->time_s;
	} else {
		e->line = entry_line(j, e->node_id);
		j->fn(j->ctx, e, j->index++);
	}
	entry_release(e);
}

/* Calls fn for each element of arr: from the tree, or, for a stub, parsed
 * one at a time from the text.  Returns 0 or fn's error. */
typedef int (*elem_fn)(struct job *j, const json_t *o, size_t i, void *arg);

struct each_ctx {
	struct job	*j;
	elem_fn		 fn;
	void		*arg;
	size_t		 i;
	int		 rc;
};

static int
each_elem(void *ctx, const struct jsonpos_span *key,
    const struct jsonpos_span *v)
{
	struct each_ctx *ec = ctx;
	struct job *j = ec->j;
	json_t *o;

	(void)key;
	if ((ec->rc = load_span(j, v, &o)) != 0)
		return 1;
	j->elem_span = v;
	ec->rc = ec->fn(j, o, ec->i++, ec->arg);
	flush(j);
	j->elem_span = NULL;
	finder_free(j->elem);
	j->elem = NULL;
	json_decref(o);
	give_back(j, v->off + v->len);
	return ec->rc != 0;
}

static int
each(struct job *j, const json_t *arr, elem_fn fn, void *arg)
{
	struct each_ctx ec = { j, fn, arg, 0, 0 };
	struct jsonpos_error pe;
	struct jsonpos_cur c;
	size_t k;
	int r;

	for (k = 0; arr != NULL && k < j->nstubs; k++)
		if (j->stubs[k].arr == arr) {
			struct jwin w;

			cur_at(j, &j->stubs[k].span, &c, &w);
			r = jsonpos_walk(&c, each_elem, &ec, &pe);
			jwin_release(&w);
			if (r == 1)
				return ec.rc;
			return r != 0 ? syntax(j, &pe) : 0;
		}
	for (k = 0; k < json_array_size(arr); k++)
		if ((r = fn(j, json_array_get(arr, k), k, arg)) != 0)
			return r;
	return 0;
}

/* The line of the element being read, for messages; 0 if not known. */
static long
elem_line(const struct job *j)
{
	return j->elem_span != NULL ? (long)j->elem_span->line : 0;
}

/* ---- whole documents, element by element ------------------------------ */

static int
array_elem(struct job *j, const json_t *o, size_t i, void *arg)
{
	const char **first = arg, *shape;

	if (!add_record(j, o, &shape))
		return diag_set(j->err, DIAG_EFORMAT, j->path, elem_line(j), 0,
		    "element %zu of the array is not a job record; %s", i + 1,
		    EXPECTED_TEXT);
	if (*first == NULL)
		*first = shape;
	return 0;
}

static int
parse_array(struct job *j, const json_t *arr)
{
	const char *first = NULL;
	int rc;

	if ((rc = each(j, arr, array_elem, &first)) != 0)
		return rc;
	if (first == NULL)
		return diag_set(j->err, DIAG_EFORMAT, j->path, 0, 0,
		    "empty array; %s", EXPECTED_TEXT);
	j->format = first;
	return 0;
}

static int
rmk_elem(struct job *j, const json_t *o, size_t i, void *arg)
{
	(void)arg;
	if (!json_is_object(o) || jstr(o, "node_id") == NULL ||
	    jstr(o, "status") == NULL)
		return diag_set(j->err, DIAG_ESCHEMA, j->path, elem_line(j), 0,
		    "node_ota_status[%zu] needs string \"node_id\" and "
		    "\"status\"", i);
	rmk_node_record(j, o);
	return 0;
}

static int
aws_elem(struct job *j, const json_t *o, size_t i, void *arg)
{
	const json_t *sum = json_object_get(o, "jobExecutionSummary");

	(void)arg;
	if (!json_is_object(sum) || !aws_record(j, sum, o))
		return diag_set(j->err, DIAG_ESCHEMA, j->path, elem_line(j), 0,
		    "executionSummaries[%zu] has no jobExecutionSummary with "
		    "an AWS status", i);
	return 0;
}

/* GetPendingJobExecutions: summaries without status (arg: the status) */
static int
pending_elem(struct job *j, const json_t *o, size_t i, void *arg)
{
	struct job_entry *e = add_entry(j, jstr(o, "jobId"));

	(void)i;
	set_status(e, arg);
	set_time(e, json_object_get(o, "lastUpdatedAt"));
	return 0;
}

static int
ali_elem(struct job *j, const json_t *o, size_t i, void *arg)
{
	(void)arg;
	if (!ali_record(j, o))
		return diag_set(j->err, DIAG_ESCHEMA, j->path, elem_line(j), 0,
		    "SimpleOTATaskInfo[%zu] has no \"TaskStatus\"", i);
	return 0;
}

static int
parse_object(struct job *j, const json_t *root)
{
	const json_t *x, *o;
	const char *shape, *s;
	int rc;

	if (json_is_array(x = json_object_get(root, "node_ota_status"))) {
		j->format = "rainmaker-job";
		set_job_id(j, jstr(root, "ota_job_id"));
		if ((o = json_object_get(root, "triggered_timestamp")) != NULL) {
			char *t;

			j->trigger_s = json_time(o, &t);
			free(t);
		}
		if ((rc = each(j, x, rmk_elem, NULL)) != 0)
			return rc;
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
		return each(j, x, aws_elem, NULL);
	}
	if (json_is_array(x = json_object_get(root, "inProgressJobs")) ||
	    json_is_array(json_object_get(root, "queuedJobs"))) {
		j->format = "aws-iot-job";
		if ((rc = each(j, json_object_get(root, "inProgressJobs"),
		    pending_elem, (void *)(uintptr_t)"IN_PROGRESS")) != 0)
			return rc;
		return each(j, json_object_get(root, "queuedJobs"),
		    pending_elem, (void *)(uintptr_t)"QUEUED");
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
			return each(j, list, ali_elem, NULL);
		}
	}
	if (json_object_get(root, "Success") == json_false() &&
	    (s = jstr(root, "ErrorMessage")) != NULL)
		return diag_set(j->err, DIAG_ESCHEMA, j->path, 0, 0,
		    "Alibaba Cloud API error response (%s: %s), not a task "
		    "list", jstr(root, "Code") != NULL ? jstr(root, "Code") :
		    "no code", s);
	if (jstr(root, "error_code") != NULL ||
	    json_is_integer(json_object_get(root, "error_code"))) {
		s = jstr(root, "description");
		return diag_set(j->err, DIAG_ESCHEMA, j->path, 0, 0,
		    "RainMaker API error response (%s), not a job status",
		    s != NULL ? s : "no description");
	}
	if (add_record(j, root, &shape)) {
		j->format = shape;
		return 0;
	}
	return diag_set(j->err, DIAG_EFORMAT, j->path, 0, 0,
	    "JSON of an unknown shape; %s", EXPECTED_TEXT);
}

/* The line at pos (without its '\n'): its text and *len, from the text
   or read into j->lwin (valid until the next call); NULL when it cannot
   be read (err is set). */
static const char *
line_at(struct job *j, size_t pos, size_t *len)
{
	const char *p, *nl;
	size_t have = 0, want = JOB_WINDOW, n;

	if (j->buf != NULL) {
		nl = memchr(j->buf + pos, '\n', j->n - pos);
		*len = nl != NULL ? (size_t)(nl - (j->buf + pos)) : j->n - pos;
		return j->buf + pos;
	}
	for (;;) {
		if (j->lwin != NULL && pos >= j->lwin_off &&
		    pos <= j->lwin_off + j->lwin_len) {
			p = j->lwin + (pos - j->lwin_off);
			have = j->lwin_off + j->lwin_len - pos;
			if ((nl = memchr(p, '\n', have)) != NULL) {
				*len = (size_t)(nl - p);
				return p;
			}
			if (j->lwin_off + j->lwin_len >= j->n) {
				*len = have;	/* the last line, no '\n' */
				return p;
			}
			if (have * 2 > want)
				want = have * 2;	/* a long line */
		}
		n = j->n - pos < want ? j->n - pos : want;
		j->lwin = xgrow(j->lwin, &j->lwincap, n + 1, 1);
		if (read_at(j, j->lwin, n, pos) != 0)
			return NULL;
		j->lwin_off = pos;
		j->lwin_len = n;
	}
}

static int
parse_jsonl(struct job *j)
{
	const char *buf, *shape;
	size_t pos = 0, n = j->n, nrec = 0;
	unsigned long line = 0;

	j->format = "jsonl";
	while (pos < n) {
		size_t end, k, len;
		json_t *o;
		json_error_t je;

		if ((buf = line_at(j, pos, &len)) == NULL)
			return DIAG_EIO;
		end = len;	/* buf[0..len): the line */
		line++;
		k = 0;
		while (k < end && isspace((unsigned char)buf[k]))
			k++;
		if (k < end) {
			o = json_loadb(buf + k, end - k,
			    JSON_REJECT_DUPLICATES, &je);
			if (o == NULL)
				return diag_set(j->err, DIAG_ESYNTAX, j->path,
				    (long)line, je.column, "%s", je.text);
			j->cur_line = line;
			if (!add_record(j, o, &shape)) {
				json_decref(o);
				return diag_set(j->err, DIAG_EFORMAT, j->path,
				    (long)line, 0, "not a job record; %s",
				    EXPECTED_TEXT);
			}
			flush(j);
			json_decref(o);
			nrec++;
		}
		pos += len + 1;
		give_back(j, pos);
	}
	if (nrec == 0)
		return diag_set(j->err, DIAG_EFORMAT, j->path, 0, 0,
		    "no records; %s", EXPECTED_TEXT);
	return 0;
}

/* Counts the lines of buf that start with '{' (after blanks) into *lines;
   *start carries "at the start of a line" from one piece to the next. */
static void
jsonl_lines(const char *buf, size_t n, size_t *lines, int *start)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (*start && buf[i] == '{')
			(*lines)++;
		if (buf[i] == '\n')
			*start = 1;
		else if (!isspace((unsigned char)buf[i]))
			*start = 0;
	}
}

/* More than one line that starts with '{' after the first value? */
static int
looks_jsonl(const char *buf, size_t n)
{
	size_t lines = 0;
	int start = 1;

	jsonl_lines(buf, n, &lines, &start);
	return lines >= 2;
}

/* looks_jsonl of the whole text: in place, or read a window at a time
   (-1: a read failed, err is set). */
static int
looks_jsonl_all(struct job *j)
{
	size_t off, n, lines = 0;
	int start = 1;
	char *buf;

	if (j->buf != NULL)
		return looks_jsonl(j->buf, j->n);
	buf = xmalloc(JOB_WINDOW);
	for (off = 0; off < j->n && lines < 2; off += n) {
		n = j->n - off < JOB_WINDOW ? j->n - off : JOB_WINDOW;
		if (read_at(j, buf, n, off) != 0) {
			free(buf);
			return -1;
		}
		jsonl_lines(buf, n, &lines, &start);
	}
	free(buf);
	return lines >= 2;
}

/* One walk over the whole job; entries go to j->fn (NULL: counted). */
static int
walk(struct job *j)
{
	int rc;

	j->index = 0;
	j->released = 0;
	if (j->jsonl)
		rc = parse_jsonl(j);
	else if (json_is_array(j->root))
		rc = parse_array(j, j->root);
	else if (json_is_object(j->root))
		rc = parse_object(j, j->root);
	else
		rc = diag_set(j->err, DIAG_EFORMAT, j->path, 1, 1,
		    "a bare JSON value; %s", EXPECTED_TEXT);
	if (rc == 0 && j->ioerr)
		rc = DIAG_EIO;	/* a read came short: err says so */
	if (rc == 0)
		rc = check_unchanged(j);
	if (rc == 0)
		flush(j);
	else if (j->have_cur) {
		entry_release(&j->cur);
		j->have_cur = 0;
	}
	j->elem_span = NULL;
	finder_free(j->elem);
	j->elem = NULL;
	finder_free(j->doc);
	j->doc = NULL;
	return rc;
}

static int	parse_text(struct job *, struct job **);

int
job_parse_flags(const char *path, const char *buf, size_t n, int flags,
    struct job **out, struct diag_err *err)
{
	struct job *j;

	*out = NULL;
	j = xcalloc(1, sizeof(*j));
	j->path = path;
	j->buf = buf;
	j->n = n;
	j->fd = -1;
	j->mapped = (flags & JOB_MAPPED) != 0;
	j->err = err;
	return parse_text(j, out);
}

int
job_parse_fd(const char *path, int fd, struct job **out,
    struct diag_err *err)
{
	struct job *j;

	*out = NULL;
	j = xcalloc(1, sizeof(*j));
	j->path = path;
	j->fd = fd;
	j->err = err;
	if (fstat(fd, &j->st0) != 0 || !S_ISREG(j->st0.st_mode)) {
		free(j);
		return diag_set(err, DIAG_EIO, path, 0, 0, "cannot read in "
		    "place: not a regular file");
	}
	j->n = (size_t)j->st0.st_size;
	if (j->n <= JOB_SPLIT_MIN) {
		/* small: read whole, as one value */
		j->own = xmalloc(j->n + 1);
		if (read_at(j, j->own, j->n, 0) != 0) {
			job_free(j);
			return DIAG_EIO;
		}
		j->buf = j->own;
	}
	return parse_text(j, out);
}

/* job_parse_flags and job_parse_fd: j has its text (buf or fd). */
static int
parse_text(struct job *j, struct job **out)
{
	const char *path = j->path, *buf = j->buf;
	struct diag_err *err = j->err;
	struct jsonpos_error pe;
	struct jsonpos_span v;
	struct jsonpos_cur c;
	json_error_t je;
	size_t n = j->n;
	unsigned long vline;
	struct jwin top = { NULL, NULL, 0, 0 };
	int rc = 0, lj;

	j->trigger_s = -1;
	j->first_s = -1;
	j->total = -1;
	if (n <= JOB_SPLIT_MIN) {
		/* a repeated key would silently replace the first (a whole
		   node_ota_status array could vanish): refuse it */
		j->root = json_loadb(buf, n, JSON_DECODE_ANY |
		    JSON_REJECT_DUPLICATES, &je);
		if (j->root == NULL) {
			/* not one JSON value: JSON Lines? */
			if (looks_jsonl(buf, n) &&
			    strstr(je.text, "end of file expected") != NULL)
				j->jsonl = 1;
			else {
				rc = diag_set(err, DIAG_ESYNTAX, path, je.line,
				    je.column, "invalid JSON: %s", je.text);
				goto out;
			}
		}
	} else {
		/* large: checked by the scanner, parsed in parts (skel) */
		jsonpos_cur_init(&c, buf, n);
		c.passed = give_back;
		c.passed_ctx = j;
		memset(&top, 0, sizeof(top));
		top.j = j;
		if (buf == NULL) {
			c.fill = fill;
			c.fill_ctx = &top;
		}
		if (jsonpos_value(&c, &v, &pe) != 0) {
			rc = syntax(j, &pe);
			goto out;
		}
		vline = c.line;	/* where the first value ends */
		if (jsonpos_skip(&c) >= 0) {
			/* JSON Lines: the first value is all of line 1 */
			if (v.line != 1 || vline != 1 ||
			    (lj = looks_jsonl_all(j)) == 0) {
				rc = diag_set(err, DIAG_ESYNTAX, path,
				    (long)c.line, (long)(c.off - c.bol) + 1,
				    "invalid JSON: end of file expected");
				goto out;
			}
			if (lj < 0) {
				rc = DIAG_EIO;
				goto out;
			}
			j->jsonl = 1;
		} else if (j->ioerr) {
			rc = DIAG_EIO;
			goto out;
		} else if ((j->root = skel(j, &v, 0, &rc)) == NULL)
			goto out;
	}
	jwin_release(&top);
	rc = walk(j);
out:
	jwin_release(&top);
	if (rc != 0) {
		job_free(j);
		return rc;
	}
	*out = j;
	return 0;
}

int
job_parse(const char *path, const char *buf, size_t n, struct job **out,
    struct diag_err *err)
{
	return job_parse_flags(path, buf, n, 0, out, err);
}

int
job_foreach(struct job *j, job_entry_fn fn, void *ctx, struct diag_err *err)
{
	int rc;

	j->fn = fn;
	j->ctx = ctx;
	j->err = err;
	rc = walk(j);
	j->fn = NULL;
	j->ctx = NULL;
	return rc;
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
