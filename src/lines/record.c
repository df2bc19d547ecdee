/* SPDX-License-Identifier: Apache-2.0 */
/*
 * record: normalising one raw line and splitting it into fields (record.h).
 *
 * Steps: (1) remove escape sequences, their printed forms and NUL bytes;
 * (2) sanitise to printable UTF-8; (3) strip host-side prefixes that
 * terminal programs add; (4) recognise the device's own line format.
 * Parsing is hand-written (no regex) because it runs on every line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "record.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

/* Bytes of a field where they lie: in the raw line, in text, or a
   literal; not NUL-terminated. */
struct view {
	const char	*s;
	size_t		 n;
};

struct record_parser {
	struct strbuf	 clean;		/* escapes removed, raw bytes */
	struct strbuf	 text;		/* sanitised, host prefix stripped */
	struct strbuf	 tag;
	struct strbuf	 func;
	struct strbuf	 file;
	struct strbuf	 dtime;
	struct strbuf	 msg;
	/* the fields of the last record_scan(), copied into the buffers
	   above by record_finish() */
	struct {
		struct view	 text, tag, func, file, dtime, msg;
	}		 v;
	int		 in_text;	/* v.text lies in text, not in raw */
};

struct record_parser *
record_parser_new(void)
{
	struct record_parser *p = xcalloc(1, sizeof(*p));

	strbuf_init(&p->clean, 256);
	strbuf_init(&p->text, 256);
	strbuf_init(&p->tag, 32);
	strbuf_init(&p->func, 32);
	strbuf_init(&p->file, 32);
	strbuf_init(&p->dtime, 32);
	strbuf_init(&p->msg, 256);
	return p;
}

void
record_parser_free(struct record_parser *p)
{
	if (p == NULL)
		return;
	strbuf_release(&p->clean);
	strbuf_release(&p->text);
	strbuf_release(&p->tag);
	strbuf_release(&p->func);
	strbuf_release(&p->file);
	strbuf_release(&p->dtime);
	strbuf_release(&p->msg);
	free(p);
}

const char *
record_format_name(enum record_format fmt)
{
	switch (fmt) {
	case RECORD_PLAIN:
		return "plain";
	case RECORD_IDF:
		return "esp-idf";
	case RECORD_ARDUINO:
		return "arduino";
	case RECORD_ESPHOME:
		return "esphome";
	case RECORD_ESPOTA:
		return "espota";
	case RECORD_ROM:
		return "rom";
	case RECORD_ALIYUN:
		return "aliyun";
	case RECORD_JOB:
		return "job";
	}
	return "plain";
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Step 1: escape sequences (real and printed) and NULs out, with the one
 * scanner (escape.h): what is not text or a control byte is dropped.  An
 * unterminated string loses only its introducer, so an error message
 * after it is still matched.  Returns flags.
 */
static unsigned
strip_escapes(struct strbuf *out, const char *s, size_t n)
{
	struct escape_scan sc;
	struct escape_tok t;
	unsigned flags = 0;

	strbuf_reset(out);
	strbuf_grow(out, n);
	escape_init(&sc, s, n, 0);
	while (escape_next(&sc, &t)) {
		switch (t.kind) {
		case ESCAPE_C0:
			if (s[t.off] == 0) {
				flags |= RECORD_HAD_NUL;
				break;
			}
			/* FALLTHROUGH */
		case ESCAPE_TEXT:
		case ESCAPE_C1:
		case ESCAPE_BAD:
			strbuf_add(out, s + t.off, t.len);
			break;
		default:
			break;
		}
	}
	return flags;
}

/*
 * One pass over the cleaned bytes: RECORD_BAD_UTF8 if any sequence is not
 * valid UTF-8, RECORD_NOISE if at least 30 % of a line of 8 bytes or more
 * looks like line noise (wrong baud rate): controls, invalid bytes, U+FFFD.
 */
static unsigned
byte_flags(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, bad = 0, len;
	unsigned flags = 0;

	while (i < n) {
		if (u[i] < 0x20 && u[i] != '\t') {
			bad++;
			i++;
			continue;
		}
		if (u[i] < 0x7f) {
			i++;
			continue;
		}
		len = sanitize_utf8_len(u + i, n - i);
		if (len == 0) {
			flags |= RECORD_BAD_UTF8;
			bad++;
			i++;
		} else {
			/* U+FFFD from a terminal's own replacement counts too */
			if (len == 3 && u[i] == 0xef && u[i + 1] == 0xbf &&
			    u[i + 2] == 0xbd)
				bad++;
			i += len;
		}
	}
	if (n >= 8 && bad * 10 >= n * 3)
		flags |= RECORD_NOISE;
	return flags;
}

long long
record_parse_clock(const char *s, size_t n)
{
	long long h, m, sec, ms = 0;
	size_t i;

	if (n < 8 || !isdig((unsigned char)s[0]) || !isdig((unsigned char)s[1]) ||
	    s[2] != ':' || !isdig((unsigned char)s[3]) ||
	    !isdig((unsigned char)s[4]) || s[5] != ':' ||
	    !isdig((unsigned char)s[6]) || !isdig((unsigned char)s[7]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	sec = (s[6] - '0') * 10 + (s[7] - '0');
	if (n > 8 && (s[8] == '.' || s[8] == ',')) {
		long long scale = 100;

		for (i = 9; i < n && isdig((unsigned char)s[i]); i++) {
			ms += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

/* Length of "HH:MM:SS[.fff]" at s, 0 if none. */
static size_t
clock_len(const char *s, size_t n)
{
	size_t i;

	if (record_parse_clock(s, n) < 0)
		return 0;
	i = 8;
	if (i < n && (s[i] == '.' || s[i] == ',') && i + 1 < n &&
	    isdig((unsigned char)s[i + 1])) {
		i++;
		while (i < n && isdig((unsigned char)s[i]))
			i++;
	}
	return i;
}

/* Length of "YYYY-MM-DD[ T]" at s, 0 if none. */
static size_t
date_len(const char *s, size_t n)
{
	if (n < 11 || !isdig((unsigned char)s[0]) || !isdig((unsigned char)s[3]) ||
	    s[4] != '-' || s[7] != '-' || !isdig((unsigned char)s[8]) ||
	    !isdig((unsigned char)s[9]))
		return 0;
	if (s[10] != ' ' && s[10] != 'T' && s[10] != '_')
		return 0;
	return 11;
}

/*
 * Step 3: host-side prefixes.  Returns the offset of the device text in s
 * and sets *host_ms.
 */
static size_t
strip_host(const char *s, size_t n, long long *host_ms)
{
	size_t off = 0, k, d;
	int round;

	for (round = 0; round < 4; round++) {
		const char *p = s + off;
		size_t left = n - off;

		/* quoting "> " as in forum pastes */
		if (left >= 2 && p[0] == '>' && p[1] == ' ') {
			off += 2;
			continue;
		}
		/* Markdown code quoting: `I (12) tag: msg` */
		if (left >= 2 && p[0] == '`') {
			while (off < n && s[off] == '`')
				off++;
			continue;
		}
		/* [YYYY-MM-DD HH:MM:SS.mmm] or [HH:MM:SS.mmm] */
		if (left > 2 && p[0] == '[') {
			d = date_len(p + 1, left - 1);
			k = clock_len(p + 1 + d, left - 1 - d);
			if (k > 0 && 1 + d + k < left && p[1 + d + k] == ']') {
				size_t after = 1 + d + k + 1;

				/* ESPHome's own "[12:34:56][E][tag:1]:" stays */
				if (after + 2 < left && p[after] == '[' &&
				    p[after + 2] == ']' && d == 0)
					break;
				*host_ms = record_parse_clock(p + 1 + d, k);
				off += after;
				while (off < n && s[off] == ' ')
					off++;
				continue;
			}
		}
		/* HH:MM:SS.mmm -> / > / bare "HH:MM:SS.mmm " (Tasmota) */
		d = date_len(p, left);
		k = clock_len(p + d, left - d);
		if (k > 0) {
			const char *q = p + d + k;
			size_t rest = left - d - k;

			/* ISO 8601 zone: "Z" or "+01:00" */
			if (d > 0 && rest > 0 && *q == 'Z') {
				q++;
				rest--;
				k++;
			} else if (d > 0 && rest >= 6 && (*q == '+' || *q == '-') &&
			    isdig((unsigned char)q[1]) && isdig((unsigned char)q[2]) &&
			    q[3] == ':') {
				q += 6;
				rest -= 6;
				k += 6;
			}

			if (rest >= 4 && memcmp(q, " -> ", 4) == 0) {
				*host_ms = record_parse_clock(p + d, k);
				off += d + k + 4;
				continue;
			}
			if (rest >= 3 && memcmp(q, " > ", 3) == 0) {
				*host_ms = record_parse_clock(p + d, k);
				off += d + k + 3;
				continue;
			}
			/* "22:25:58][D][ota:180]:" — a paste that lost '[' */
			if (rest >= 4 && q[0] == ']' && q[1] == '[' && d == 0) {
				*host_ms = record_parse_clock(p, k);
				off += k + 1;
				break;
			}
			/* espota "12:00:01 [ERROR]: " is a device-like format:
			   leave it; Tasmota "00:00:00.001 UPG: x" loses time */
			if (rest >= 2 && q[0] == ' ' && q[1] != '[' &&
			    (k > 8 || d > 0)) {
				*host_ms = record_parse_clock(p + d, k);
				off += d + k + 1;
				continue;
			}
		}
		break;
	}
	return off;
}

static void
set(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_reset(sb);
	strbuf_add(sb, s, n);
}

static void
put(struct view *v, const char *s, size_t n)
{
	v->s = s;
	v->n = n;
}

/* No fields: every view empty. */
static void
views_reset(struct record_parser *p)
{
	put(&p->v.tag, "", 0);
	put(&p->v.func, "", 0);
	put(&p->v.file, "", 0);
	put(&p->v.dtime, "", 0);
	put(&p->v.msg, "", 0);
}

/* Level words of python logging, espota and the Aliyun SDK. */
static char
level_word(const char *w, size_t n)
{
	static const struct {
		const char	*word;
		char		 level;
	} words[] = {
		{"ERROR", 'E'}, {"CRITICAL", 'E'}, {"WARNING", 'W'},
		{"WARN", 'W'}, {"INFO", 'I'}, {"DEBUG", 'D'},
		{"err", 'E'}, {"wrn", 'W'}, {"inf", 'I'}, {"dbg", 'D'},
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == n && memcmp(words[i].word, w, n) == 0)
			return words[i].level;
	return 0;
}

static int
is_level(char c)
{
	return c == 'E' || c == 'W' || c == 'I' || c == 'D' || c == 'V';
}

/* ESP-IDF: "E (1234) tag: msg", "E (12:34:56.789) tag: msg", "E tag: msg" */
static int
parse_idf(struct record_parser *p, const char *s, size_t n, struct record *r)
{
	size_t i, t0, t1;
	const char *colon;

	if (n < 5 || !is_level(s[0]) || s[1] != ' ')
		return 0;
	if (s[2] == '(') {
		for (i = 3; i < n && i < 40 && s[i] != ')'; i++)
			if (!isdig((unsigned char)s[i]) && s[i] != ':' &&
			    s[i] != '.' && s[i] != '-' && s[i] != ' ')
				return 0;
		if (i >= n || s[i] != ')' || i == 3 || i + 1 >= n ||
		    s[i + 1] != ' ')
			return 0;
		put(&p->v.dtime, s + 3, i - 3);
		t0 = i + 2;
	} else
		t0 = 2;
	/* the tag runs to the first ": " (tags may contain spaces) */
	colon = NULL;
	for (t1 = t0; t1 + 1 < n && t1 < t0 + 48; t1++)
		if (s[t1] == ':' && s[t1 + 1] == ' ') {
			colon = s + t1;
			break;
		}
	if (colon == NULL) {
		/* "E (123) tag:" with an empty message */
		if (n > t0 && s[n - 1] == ':' && n - t0 < 48)
			t1 = n - 1;
		else
			return 0;
	}
	if (t1 == t0)
		return 0;
	if (t0 == 2) {
		/* no timestamp: only short, space-free tags (DRAM logs) */
		for (i = t0; i < t1; i++)
			if (s[i] == ' ')
				return 0;
		if (t1 - t0 > 24)
			return 0;
		put(&p->v.dtime, "", 0);
	}
	put(&p->v.tag, s + t0, t1 - t0);
	if (t1 + 2 <= n)
		put(&p->v.msg, s + t1 + 2, n - (t1 + 2 < n ? t1 + 2 : n));
	else
		put(&p->v.msg, "", 0);
	r->level = s[0];
	r->fmt = RECORD_IDF;
	if (p->v.dtime.n > 0) {
		if (memchr(p->v.dtime.s, ':', p->v.dtime.n) != NULL)
			r->host_ms = r->host_ms >= 0 ? r->host_ms :
			    record_parse_clock(p->v.dtime.s, p->v.dtime.n);
		else if (p->v.dtime.n < 16) {
			/* digits, dots, blanks and '-' only (above), fewer
			   than 16: read as strtoll() reads them (blanks, a
			   sign, the leading digits) without its locale and
			   base machinery (3 % of analyze) */
			const char *d = p->v.dtime.s;
			const char *e = d + p->v.dtime.n;
			int neg;

			while (d < e && *d == ' ')
				d++;
			if ((neg = d < e && *d == '-'))
				d++;
			r->dev_ms = 0;
			while (d < e && isdig((unsigned char)*d))
				r->dev_ms = r->dev_ms * 10 + (*d++ - '0');
			if (neg)
				r->dev_ms = -r->dev_ms;
		}
	}
	return 1;
}

/* Arduino: "[E][file.cpp:123] func(): msg", "[  1234][E][file:1] f(): msg" */
static int
parse_arduino(struct record_parser *p, const char *s, size_t n,
    struct record *r)
{
	size_t i = 0, f0, f1, l0, fn0, fn1;
	long long t = -1;

	if (n < 8 || s[0] != '[')
		return 0;
	if (s[1] == ' ' || isdig((unsigned char)s[1])) {
		for (i = 1; i < n && s[i] == ' '; i++)
			;
		if (i >= n || !isdig((unsigned char)s[i]))
			return 0;
		t = 0;
		while (i < n && isdig((unsigned char)s[i])) {
			if (t > 99999999999LL)	/* not a millisecond count */
				return 0;
			t = t * 10 + (s[i++] - '0');
		}
		if (i >= n || s[i] != ']')
			return 0;
		i++;
		put(&p->v.dtime, s + 1, i - 2);
	} else
		put(&p->v.dtime, "", 0);
	if (i + 4 > n || s[i] != '[' || !is_level(s[i + 1]) || s[i + 2] != ']' ||
	    s[i + 3] != '[')
		return 0;
	r->level = s[i + 1];
	f0 = i + 4;
	for (f1 = f0; f1 < n && s[f1] != ':' && s[f1] != ']'; f1++)
		;
	if (f1 >= n || s[f1] != ':')
		return 0;
	for (l0 = f1 + 1; l0 < n && isdig((unsigned char)s[l0]); l0++)
		;
	if (l0 >= n || s[l0] != ']' || l0 == f1 + 1)
		return 0;
	/* ESPHome "[E][tag:12]: msg" is not Arduino */
	if (l0 + 1 < n && s[l0 + 1] == ':')
		return 0;
	fn0 = l0 + 1;
	while (fn0 < n && s[fn0] == ' ')
		fn0++;
	for (fn1 = fn0; fn1 + 3 < n && !(s[fn1] == '(' && s[fn1 + 1] == ')' &&
	    s[fn1 + 2] == ':'); fn1++)
		if (s[fn1] == ' ')
			break;
	put(&p->v.file, s + f0, f1 - f0);
	r->src_line = (unsigned)strtoul(s + f1 + 1, NULL, 10);
	if (fn1 + 3 < n + 1 && fn1 + 2 < n && s[fn1] == '(' &&
	    s[fn1 + 1] == ')' && s[fn1 + 2] == ':') {
		put(&p->v.func, s + fn0, fn1 - fn0);
		i = fn1 + 3;
	} else {
		put(&p->v.func, "", 0);
		i = fn0;
	}
	while (i < n && s[i] == ' ')
		i++;
	put(&p->v.msg, s + i, n - i);
	put(&p->v.tag, p->v.file.s, p->v.file.n);
	r->fmt = RECORD_ARDUINO;
	r->dev_ms = t;
	return 1;
}

/* "tag:123" in s[t0..t1): the tag, and the source line if there is one. */
static void
tag_and_line(struct record_parser *p, const char *s, size_t t0, size_t t1,
    struct record *r)
{
	size_t k = t1;

	while (k > t0 && isdig((unsigned char)s[k - 1]))
		k--;
	if (k > t0 && s[k - 1] == ':' && k < t1) {
		r->src_line = (unsigned)strtoul(s + k, NULL, 10);
		put(&p->v.tag, s + t0, k - 1 - t0);
	} else
		put(&p->v.tag, s + t0, t1 - t0);
}

/* ESPHome: "[12:34:56][E][tag:123]: msg", "[E][tag:123]: msg", with ms */
static int
parse_esphome(struct record_parser *p, const char *s, size_t n,
    struct record *r)
{
	size_t i = 0, k, t0, t1;

	if (n < 6 || s[0] != '[')
		return 0;
	if ((k = clock_len(s + 1, n - 1)) > 0) {
		if (1 + k >= n || s[1 + k] != ']')
			return 0;
		put(&p->v.dtime, s + 1, k);
		r->host_ms = record_parse_clock(s + 1, k);
		i = k + 2;
	} else
		put(&p->v.dtime, "", 0);
	if (i + 4 > n || s[i] != '[' || s[i + 2] != ']' || s[i + 3] != '[')
		return 0;
	if (!is_level(s[i + 1]) && s[i + 1] != 'C')
		return 0;
	r->level = s[i + 1];
	t0 = i + 4;
	for (t1 = t0; t1 < n && s[t1] != ']'; t1++)
		;
	if (t1 + 1 >= n || s[t1 + 1] != ':')
		return 0;
	tag_and_line(p, s, t0, t1, r);
	i = t1 + 2;
	if (i < n && s[i] == ' ')
		i++;
	put(&p->v.msg, s + i, n - (i < n ? i : n));
	r->fmt = RECORD_ESPHOME;
	return 1;
}

/* Skips a column separator of copied tables: spaces and at most one '|'.
   Returns the new index, or i itself if there is none. */
static size_t
column_sep(const char *s, size_t n, size_t i)
{
	size_t k = i;
	int bar = 0;

	while (k < n && (s[k] == ' ' || (s[k] == '|' && !bar))) {
		if (s[k] == '|')
			bar = 1;
		k++;
	}
	return k;
}

/*
 * ESPHome logs copied from the dashboard or Home Assistant:
 *   "19:46:41 | [D] | [esphome.ota:525] | msg"   (Device Builder)
 *   "17:35:52\t[E]\t[tag:25]\tmsg"               (web log; tabs are spaces now)
 */
static int
parse_esphome_table(struct record_parser *p, const char *s, size_t n,
    struct record *r)
{
	size_t k, i, t0, t1, c;

	if ((k = clock_len(s, n)) == 0)
		return 0;
	i = column_sep(s, n, k);
	if (i == k || i + 3 >= n || s[i] != '[' || s[i + 2] != ']' ||
	    !(is_level(s[i + 1]) || s[i + 1] == 'C'))
		return 0;
	r->level = s[i + 1];
	c = column_sep(s, n, i + 3);
	if (c == i + 3 || c >= n || s[c] != '[')
		return 0;
	t0 = c + 1;
	for (t1 = t0; t1 < n && s[t1] != ']'; t1++)
		;
	if (t1 >= n)
		return 0;
	tag_and_line(p, s, t0, t1, r);
	i = column_sep(s, n, t1 + 1);
	if (i < n && s[i] == ':')
		i = column_sep(s, n, i + 1);
	put(&p->v.msg, s + i, n - (i < n ? i : n));
	put(&p->v.dtime, s, clock_len(s, n));
	r->host_ms = record_parse_clock(s, n);
	r->fmt = RECORD_ESPHOME;
	return 1;
}

/* espota.py "12:00:01 [ERROR]: msg"; python logging "ERROR [tag] msg";
   Aliyun "[err] func(12): msg" and "[1577589489.033][LK-0317] msg" */
static int
parse_misc(struct record_parser *p, const char *s, size_t n, struct record *r)
{
	size_t k, i, w;
	char lv;

	put(&p->v.dtime, "", 0);
	if ((k = clock_len(s, n)) == 8 && k + 2 < n && s[k] == ' ' &&
	    s[k + 1] == '[') {
		for (w = k + 2; w < n && isupper((unsigned char)s[w]); w++)
			;
		if (w + 1 < n && s[w] == ']' && s[w + 1] == ':' &&
		    (lv = level_word(s + k + 2, w - k - 2)) != 0) {
			r->level = lv;
			r->host_ms = record_parse_clock(s, k);
			i = w + 2;
			while (i < n && s[i] == ' ')
				i++;
			put(&p->v.msg, s + i, n - i);
			put(&p->v.tag, "espota", 6);
			r->fmt = RECORD_ESPOTA;
			return 1;
		}
	}
	for (w = 0; w < n && w < 9 && isupper((unsigned char)s[w]); w++)
		;
	if (w > 0 && w + 2 < n && s[w] == ' ' && s[w + 1] == '[' &&
	    (lv = level_word(s, w)) != 0) {
		for (i = w + 2; i < n && s[i] != ']'; i++)
			;
		if (i < n) {
			put(&p->v.tag, s + w + 2, i - w - 2);
			i++;
			while (i < n && s[i] == ' ')
				i++;
			put(&p->v.msg, s + i, n - i);
			r->level = lv;
			r->fmt = RECORD_ESPOTA;
			return 1;
		}
	}
	if (n > 6 && s[0] == '[' && s[4] == ']' && s[5] == ' ' &&
	    (lv = level_word(s + 1, 3)) != 0) {
		for (i = 6; i < n && s[i] != '(' && s[i] != ' '; i++)
			;
		if (i < n && s[i] == '(') {
			put(&p->v.func, s + 6, i - 6);
			put(&p->v.tag, s + 6, i - 6);
			for (; i < n && s[i] != ':'; i++)
				;
			i = i < n ? i + 1 : n;
			while (i < n && s[i] == ' ')
				i++;
			put(&p->v.msg, s + i, n - i);
			r->level = lv;
			r->fmt = RECORD_ALIYUN;
			return 1;
		}
	}
	if (n > 12 && s[0] == '[' && isdig((unsigned char)s[1])) {
		for (i = 1; i < n && (isdig((unsigned char)s[i]) || s[i] == '.');
		    i++)
			;
		if (i + 4 < n && s[i] == ']' && s[i + 1] == '[' &&
		    memcmp(s + i + 2, "LK-", 3) == 0) {
			size_t t0 = i + 2, t1;

			for (t1 = t0; t1 < n && s[t1] != ']'; t1++)
				;
			if (t1 < n) {
				put(&p->v.tag, s + t0, t1 - t0);
				i = t1 + 1;
				while (i < n && s[i] == ' ')
					i++;
				put(&p->v.msg, s + i, n - i);
				r->fmt = RECORD_ALIYUN;
				return 1;
			}
		}
	}
	return 0;
}

static int
parse_rom(const char *s, size_t n)
{
	while (n > 0 && *s == ' ') {
		s++;
		n--;
	}
	return (n >= 6 && memcmp(s, "rst:0x", 6) == 0) ||
	    (n >= 4 && memcmp(s, "ets ", 4) == 0) ||
	    (n >= 8 && memcmp(s, "ESP-ROM:", 8) == 0) ||
	    (n >= 5 && memcmp(s, "boot:", 5) == 0);
}

/*
 * The line's text: a plain line is its own text (a view of raw, no copy);
 * any other is cleaned and sanitised into p->text.  Then trailing blanks
 * and host prefixes are left out of the view.
 */
void
record_scan(struct record_parser *p, unsigned long lineno, const char *raw,
    size_t len, unsigned flags, struct record *out)
{
	size_t off, n;
	const char *s;
	long long host = -1;

	memset(out, 0, sizeof(*out));
	out->lineno = lineno;
	out->dev_ms = -1;
	out->host_ms = -1;
	out->node = -1;
	out->field = "";
	out->flags = flags & RECORD_TRUNCATED;
	if (escape_plain_len(raw, len) == len) {
		/* plain ASCII that starts no escape (most lines): nothing to
		   strip, flag or show otherwise, and nothing copied */
		s = raw;
		n = len;
		p->in_text = 0;
	} else {
		strbuf_reset(&p->text);
		out->flags |= strip_escapes(&p->clean, raw, len);
		out->flags |= byte_flags(p->clean.buf, p->clean.len);
		sanitize_append(&p->text, p->clean.buf, p->clean.len);
		s = p->text.buf;
		n = p->text.len;
		p->in_text = 1;
	}
	/* trailing blanks are noise for matching */
	while (n > 0 && s[n - 1] == ' ')
		n--;
	off = strip_host(s, n, &host);
	s += off;
	n -= off;
	out->host_ms = host;
	views_reset(p);

	if (n > 0 && !(parse_idf(p, s, n, out) || parse_arduino(p, s, n, out) ||
	    parse_esphome(p, s, n, out) || parse_esphome_table(p, s, n, out) ||
	    parse_misc(p, s, n, out))) {
		/* an unknown prefix (a tool's own timestamp, "node1 | ",
		   "ttyUSB0: "): look for a device record a little further in */
		size_t k;

		for (k = 1; k + 4 < n && k < 64; k++) {
			const char *q = s + k;

			if (s[k - 1] != ' ' && s[k - 1] != '|' && s[k - 1] != ':' &&
			    s[k - 1] != ']' && s[k - 1] != '\t')
				continue;
			if (!((is_level(q[0]) && q[1] == ' ' && q[2] == '(') ||
			    (q[0] == '[' && (is_level(q[1]) || q[1] == ' ' ||
			    isdig((unsigned char)q[1])))))
				continue;
			if (parse_idf(p, q, n - k, out) ||
			    parse_arduino(p, q, n - k, out) ||
			    parse_esphome(p, q, n - k, out)) {
				/* the text starts there; its fields are
				   parsed again from a clean slate, as the
				   first attempt may have left some */
				s = q;
				n -= k;
				views_reset(p);
				out->dev_ms = -1;
				out->src_line = 0;
				(void)(parse_idf(p, s, n, out) ||
				    parse_arduino(p, s, n, out) ||
				    parse_esphome(p, s, n, out));
				break;
			}
		}
	}
	if (out->fmt == RECORD_PLAIN && out->level == 0 && p->v.msg.n == 0) {
		/* a parser that gave up may have filled fields: not ours */
		views_reset(p);
		out->dev_ms = -1;
		out->src_line = 0;
		out->fmt = parse_rom(s, n) ? RECORD_ROM : RECORD_PLAIN;
		out->level = 0;
		put(&p->v.msg, s, n);
	}
	put(&p->v.text, s, n);
	/* the tag now (short), for callers that look at it before they
	   decide whether to finish */
	set(&p->tag, p->v.tag.s, p->v.tag.n);
	out->text = "";
	out->msg = "";
	out->tag = p->tag.buf;
	out->func = "";
	out->src_file = "";
	out->dev_time = "";
}

void
record_text(const struct record_parser *p, const char **text, size_t *n)
{
	*text = p->v.text.s;
	*n = p->v.text.n;
}

void
record_finish(struct record_parser *p, struct record *out)
{
	const struct view *t = &p->v.text;

	/* the fields first: they may lie in p->text, which moves last */
	set(&p->msg, p->v.msg.s, p->v.msg.n);
	set(&p->func, p->v.func.s, p->v.func.n);
	set(&p->file, p->v.file.s, p->v.file.n);
	set(&p->dtime, p->v.dtime.s, p->v.dtime.n);
	if (p->in_text) {
		memmove(p->text.buf, t->s, t->n);
		strbuf_setlen(&p->text, t->n);
	} else
		set(&p->text, t->s, t->n);
	put(&p->v.text, p->text.buf, p->text.len);
	p->in_text = 1;
	out->text = p->text.buf;
	out->msg = p->msg.buf;
	out->tag = p->tag.buf;
	out->func = p->func.buf;
	out->src_file = p->file.buf;
	out->dev_time = p->dtime.buf;
}

void
record_parse(struct record_parser *p, unsigned long lineno, const char *raw,
    size_t len, unsigned flags, struct record *out)
{
	record_scan(p, lineno, raw, len, flags, out);
	record_finish(p, out);
}
