/* SPDX-License-Identifier: Apache-2.0 */
/*
 * record: one normalised input line, or one field of a job record.
 * Prefix: record_.
 *
 * record_parse() normalises a raw line: it removes ANSI escape sequences and
 * their printed forms ("␛[0;31m", "[1B][0;36m", "<0x1b>[0;32m", "\e[0m"),
 * as the escape scanner classifies them (escape.h; an unterminated OSC or
 * DCS string loses only its introducer, the text after it stays),
 * host-side prefixes added by terminal programs (Arduino IDE "12:34:56.789 -> ",
 * PlatformIO "12:34:56.789 > ", "[2024-01-02 12:34:56]", "> " quoting ...),
 * then recognises the device's own format and splits it into fields:
 *
 *   ESP-IDF      E (1234) tag: msg            E (12:34:56.789) tag: msg
 *   ESP-IDF DRAM E BOD: msg
 *   Arduino      [E][file.cpp:123] func(): msg
 *                [  1234][E][file.cpp:123] func(): msg
 *   ESPHome      [12:34:56][E][tag:123]: msg  [E][tag:123]: msg
 *   espota.py    12:34:56 [ERROR]: msg
 *   ROM          rst:0x1 (POWERON_RESET),boot:0x13 ...  ets Jun  8 2016 ...
 *   Aliyun       [inf] func(123): msg   [1577589489.033][LK-0317] msg
 *
 * Everything else is RECORD_PLAIN with msg == text.
 */
#ifndef OTADIAG_RECORD_H
#define OTADIAG_RECORD_H

#include <stddef.h>

enum record_format {
	RECORD_PLAIN = 0,
	RECORD_IDF,
	RECORD_ARDUINO,
	RECORD_ESPHOME,
	RECORD_ESPOTA,
	RECORD_ROM,
	RECORD_ALIYUN,
	RECORD_JOB,		/* a field of a cloud job record */
};

#define RECORD_TRUNCATED	0x01u	/* the raw line was cut at the bound */
#define RECORD_NOISE		0x02u	/* mostly binary: wrong baud rate? */
#define RECORD_HAD_NUL		0x04u	/* NUL bytes were dropped */
#define RECORD_BAD_UTF8		0x08u	/* invalid UTF-8 was escaped */

/*
 * All pointers are borrowed from the parser (or from the job reader for
 * RECORD_JOB) and valid until the next record_parse() on the same parser.
 * Strings are NUL-terminated, sanitised UTF-8 (see sanitize.h), never NULL:
 * absent fields are "".
 */
struct record {
	unsigned long	 lineno;	/* 1-based line number in the input */
	const char	*text;		/* whole line, normalised and sanitised */
	const char	*msg;		/* the message part of text */
	const char	*tag;		/* IDF tag, Arduino file, ESPHome tag */
	const char	*func;		/* Arduino function, Aliyun function */
	const char	*src_file;	/* Arduino file name */
	unsigned	 src_line;	/* Arduino/ESPHome source line, 0 if none */
	char		 level;		/* 'E' 'W' 'I' 'D' 'V' 'C', or 0 */
	const char	*dev_time;	/* device time as printed, "" if none */
	long long	 dev_ms;	/* device ms since boot, -1 if unknown */
	long long	 host_ms;	/* host/wall time of day in ms, -1 if none */
	enum record_format fmt;
	unsigned	 flags;		/* RECORD_* */
	const char	*field;		/* RECORD_JOB: field name, else "" */
	int		 node;		/* RECORD_JOB: node index, else -1 */
};

struct record_parser;

struct record_parser *record_parser_new(void);
void	 record_parser_free(struct record_parser *p);
/*
 * Parses raw[0..len) (no line terminator) into *out.  flags may carry
 * RECORD_TRUNCATED from the splitter.  Never fails.
 */
void	 record_parse(struct record_parser *p, unsigned long lineno,
	    const char *raw, size_t len, unsigned flags, struct record *out);
/*
 * record_parse() in two halves, for a caller that looks at a line before it
 * decides to take it in full.  record_scan() finds the format, level,
 * clocks, flags and tag (out->tag is set) and where the normalised text
 * lies, without copying a plain ASCII line: out's other strings are ""
 * until record_finish() copies them in.  record_text() gives the text
 * (borrowed: raw or the parser's buffer, valid until the next call on p;
 * not NUL-terminated), the same bytes record_finish() puts in out->text.
 * raw must stay unchanged until record_finish().
 */
void	 record_scan(struct record_parser *p, unsigned long lineno,
	    const char *raw, size_t len, unsigned flags, struct record *out);
void	 record_text(const struct record_parser *p, const char **text,
	    size_t *n);
void	 record_finish(struct record_parser *p, struct record *out);
/* Name of a format: "plain", "esp-idf", "arduino", ... */
const char *record_format_name(enum record_format fmt);
/* Parses "HH:MM:SS[.mmm]" into ms of the day; -1 if it is not one. */
long long record_parse_clock(const char *s, size_t n);

#endif
