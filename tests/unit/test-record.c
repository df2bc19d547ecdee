/* SPDX-License-Identifier: Apache-2.0 */
/*
 * record: normalising one raw line.  Every device format of record.h,
 * colours (real and printed), host-side prefixes, times, levels and the
 * flags a reader relies on; and terminal control never survives.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "record.h"

#define ANY_MS (-2)	/* don't check this clock */

/* Arrays, not pointers: parameters are copied into each test process. */
struct rec_case {
	char		 name[32];
	char		 in[112];
	enum record_format fmt;
	char		 level;
	char		 tag[32];
	char		 func[24];
	char		 file[24];
	unsigned	 src_line;
	char		 msg[72];
	char		 text[80];	/* "" here means: the input as is */
	long long	 dev_ms;
	long long	 host_ms;
	unsigned	 flags;
};

#define T(h, m, s, ms)	((((long long)(h) * 60 + (m)) * 60 + (s)) * 1000 + (ms))

static struct rec_case formats[] = {
	{ "idf-ms", "E (1234) esp_https_ota: Image validation failed",
	    RECORD_IDF, 'E', "esp_https_ota", "", "", 0,
	    "Image validation failed",
	    "E (1234) esp_https_ota: Image validation failed", 1234, -1, 0 },
	{ "idf-clock", "W (12:34:56.789) wifi: sta disconnected",
	    RECORD_IDF, 'W', "wifi", "", "", 0, "sta disconnected",
	    "W (12:34:56.789) wifi: sta disconnected", -1, T(12, 34, 56, 789),
	    0 },
	{ "idf-tag-with-space",
	    "E (1185926) Dynamic Impl: alloc(16749 bytes) failed",
	    RECORD_IDF, 'E', "Dynamic Impl", "", "", 0,
	    "alloc(16749 bytes) failed",
	    "E (1185926) Dynamic Impl: alloc(16749 bytes) failed", 1185926, -1,
	    0 },
	/* the time as strtoll() read it: blanks, a sign, leading digits */
	{ "idf-ms-padded", "I ( 1234) app: x",
	    RECORD_IDF, 'I', "app", "", "", 0, "x", "I ( 1234) app: x", 1234,
	    -1, 0 },
	{ "idf-ms-negative", "I (-12) app: x",
	    RECORD_IDF, 'I', "app", "", "", 0, "x", "I (-12) app: x", -12, -1,
	    0 },
	{ "idf-ms-dotted", "I (12.5) app: x",
	    RECORD_IDF, 'I', "app", "", "", 0, "x", "I (12.5) app: x", 12, -1,
	    0 },
	{ "idf-dram", "E BOD: Brownout detector was triggered",
	    RECORD_IDF, 'E', "BOD", "", "", 0, "Brownout detector was triggered",
	    "E BOD: Brownout detector was triggered", -1, -1, 0 },
	{ "idf-verbose", "V (7) esp_ota_ops: 2 bytes",
	    RECORD_IDF, 'V', "esp_ota_ops", "", "", 0, "2 bytes",
	    "V (7) esp_ota_ops: 2 bytes", 7, -1, 0 },
	{ "idf-empty-message", "I (42) boot:",
	    RECORD_IDF, 'I', "boot", "", "", 0, "", "I (42) boot:", 42, -1, 0 },
	{ "idf-trailing-blanks", "E (1) ota: x  \t ",
	    RECORD_IDF, 'E', "ota", "", "", 0, "x", "E (1) ota: x", 1, -1, 0 },
	{ "arduino-1x",
	    "[E][HTTPUpdate.cpp:290] handleUpdate(): Update.begin failed! (Not Enough Space)",
	    RECORD_ARDUINO, 'E', "HTTPUpdate.cpp", "handleUpdate",
	    "HTTPUpdate.cpp", 290, "Update.begin failed! (Not Enough Space)", "",
	    -1, -1, 0 },
	{ "arduino-2x", "[  5123][E][HTTPUpdate.cpp:290] handleUpdate(): boom",
	    RECORD_ARDUINO, 'E', "HTTPUpdate.cpp", "handleUpdate",
	    "HTTPUpdate.cpp", 290, "boom", "", 5123, -1, 0 },
	{ "arduino-3x",
	    "[ 12345][W][ssl_client.cpp:36] _handle_error(): [send_ssl_data():382]: (-80) UNKNOWN",
	    RECORD_ARDUINO, 'W', "ssl_client.cpp", "_handle_error",
	    "ssl_client.cpp", 36, "[send_ssl_data():382]: (-80) UNKNOWN", "",
	    12345, -1, 0 },
	{ "arduino-no-func", "[E][Updater.cpp:123] Magic byte is wrong",
	    RECORD_ARDUINO, 'E', "Updater.cpp", "", "Updater.cpp", 123,
	    "Magic byte is wrong", "", -1, -1, 0 },
	{ "esphome-time", "[12:34:56][E][ota:123]: Error receiving data",
	    RECORD_ESPHOME, 'E', "ota", "", "", 123, "Error receiving data", "",
	    -1, T(12, 34, 56, 0), 0 },
	{ "esphome-no-time", "[D][esp32.preferences:114]: Saving 1 preferences",
	    RECORD_ESPHOME, 'D', "esp32.preferences", "", "", 114,
	    "Saving 1 preferences", "", -1, -1, 0 },
	{ "esphome-ms", "[12:34:56.789][C][ota:041]: Over-The-Air Updates:",
	    RECORD_ESPHOME, 'C', "ota", "", "", 41, "Over-The-Air Updates:", "",
	    -1, T(12, 34, 56, 789), 0 },
	{ "esphome-no-line", "[I][app]: Running through setup()",
	    RECORD_ESPHOME, 'I', "app", "", "", 0, "Running through setup()", "",
	    -1, -1, 0 },
	{ "espota", "12:00:01 [ERROR]: Error Uploading",
	    RECORD_ESPOTA, 'E', "espota", "", "", 0, "Error Uploading", "",
	    -1, T(12, 0, 1, 0), 0 },
	{ "espota-python", "INFO [esphomeyaml.espota] Connecting to 192.168.1.5",
	    RECORD_ESPOTA, 'I', "esphomeyaml.espota", "", "", 0,
	    "Connecting to 192.168.1.5", "", -1, -1, 0 },
	{ "rom-rst", "rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
	    RECORD_ROM, 0, "", "", "", 0,
	    "rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)", "",
	    -1, -1, 0 },
	{ "rom-ets", "ets Jun  8 2016 00:22:57",
	    RECORD_ROM, 0, "", "", "", 0, "ets Jun  8 2016 00:22:57", "",
	    -1, -1, 0 },
	{ "aliyun-level", "[err] f(12): download failed",
	    RECORD_ALIYUN, 'E', "f", "f", "", 0, "download failed", "",
	    -1, -1, 0 },
	{ "aliyun-linkkit", "[1577589489.033][LK-0317] mqtt connect failed",
	    RECORD_ALIYUN, 0, "LK-0317", "", "", 0, "mqtt connect failed", "",
	    -1, -1, 0 },
	{ "plain", "Firmware update started",
	    RECORD_PLAIN, 0, "", "", "", 0, "Firmware update started", "",
	    -1, -1, 0 },
	{ "empty", "", RECORD_PLAIN, 0, "", "", "", 0, "", "", -1, -1, 0 },
};

static struct rec_case colours[] = {
	{ "esc-sgr", "\x1b[0;31mE (1234) ota: fail\x1b[0m",
	    RECORD_IDF, 'E', "ota", "", "", 0, "fail", "E (1234) ota: fail",
	    1234, -1, 0 },
	{ "glyph-u241b", "\xe2\x90\x9b[0;31mE (1) ota: fail\xe2\x90\x9b[0m",
	    RECORD_IDF, 'E', "ota", "", "", 0, "fail", "E (1) ota: fail",
	    1, -1, 0 },
	{ "hex-1b", "[1B][0;36mI (2) wifi: up[1B][0m",
	    RECORD_IDF, 'I', "wifi", "", "", 0, "up", "I (2) wifi: up",
	    2, -1, 0 },
	{ "angle-0x1b", "<0x1b>[0;32mI (3) x: y<0x1b>[0m",
	    RECORD_IDF, 'I', "x", "", "", 0, "y", "I (3) x: y", 3, -1, 0 },
	{ "backslash-e", "\\e[0;33mW (4) x: y\\e[0m",
	    RECORD_IDF, 'W', "x", "", "", 0, "y", "W (4) x: y", 4, -1, 0 },
	{ "backslash-033", "\\033[0;31mE (5) x: y\\033[0m",
	    RECORD_IDF, 'E', "x", "", "", 0, "y", "E (5) x: y", 5, -1, 0 },
	{ "esc-lost", "[0;31mE (7) x: y[0m",
	    RECORD_IDF, 'E', "x", "", "", 0, "y", "E (7) x: y", 7, -1, 0 },
	{ "esc-lost-arduino", "[0;31m[E][Update.cpp:1] f(): bad[0m",
	    RECORD_ARDUINO, 'E', "Update.cpp", "f", "Update.cpp", 1, "bad",
	    "[E][Update.cpp:1] f(): bad", -1, -1, 0 },
	{ "ide-then-colour", "12:34:56.789 -> \x1b[0;31mE (8) x: y\x1b[0m",
	    RECORD_IDF, 'E', "x", "", "", 0, "y", "E (8) x: y", 8,
	    T(12, 34, 56, 789), 0 },
};

static struct rec_case hosts[] = {
	{ "arduino-ide", "12:34:56.789 -> E (100) ota: x",
	    RECORD_IDF, 'E', "ota", "", "", 0, "x", "E (100) ota: x", 100,
	    T(12, 34, 56, 789), 0 },
	{ "platformio", "12:34:56.789 > [E][Update.cpp:1] f(): y",
	    RECORD_ARDUINO, 'E', "Update.cpp", "f", "Update.cpp", 1, "y",
	    "[E][Update.cpp:1] f(): y", -1, T(12, 34, 56, 789), 0 },
	{ "bracketed-date", "[2024-01-02 12:34:56.123] E (5) t: m",
	    RECORD_IDF, 'E', "t", "", "", 0, "m", "E (5) t: m", 5,
	    T(12, 34, 56, 123), 0 },
	{ "bracketed-clock", "[12:34:56.789] I (6) t: m",
	    RECORD_IDF, 'I', "t", "", "", 0, "m", "I (6) t: m", 6,
	    T(12, 34, 56, 789), 0 },
	{ "quote", "> E (5) t: m",
	    RECORD_IDF, 'E', "t", "", "", 0, "m", "E (5) t: m", 5, -1, 0 },
	{ "tasmota", "00:00:00.001 UPG: Loading from 'http://x/fw.bin'",
	    RECORD_PLAIN, 0, "", "", "", 0,
	    "UPG: Loading from 'http://x/fw.bin'",
	    "UPG: Loading from 'http://x/fw.bin'", -1, 1, 0 },
	{ "ide-and-quote", "> 12:34:56.789 -> I (9) t: m",
	    RECORD_IDF, 'I', "t", "", "", 0, "m", "I (9) t: m", 9,
	    T(12, 34, 56, 789), 0 },
};

static void
check(const struct rec_case *c)
{
	struct record_parser *p = record_parser_new();
	struct record r;

	record_parse(p, 17, c->in, strlen(c->in), 0, &r);
	cr_expect_eq(r.lineno, 17);
	cr_expect_eq(r.fmt, c->fmt, "%s: format %s, want %s", c->name,
	    record_format_name(r.fmt), record_format_name(c->fmt));
	cr_expect_eq(r.level, c->level, "%s: level '%c'", c->name,
	    r.level ? r.level : '0');
	cr_expect_str_eq(r.tag, c->tag, "%s: tag", c->name);
	cr_expect_str_eq(r.func, c->func, "%s: func", c->name);
	cr_expect_str_eq(r.src_file, c->file, "%s: src_file", c->name);
	cr_expect_eq(r.src_line, c->src_line, "%s: src_line %u", c->name,
	    r.src_line);
	cr_expect_str_eq(r.msg, c->msg, "%s: msg", c->name);
	cr_expect_str_eq(r.text, c->text[0] != '\0' ? c->text : c->in,
	    "%s: text", c->name);
	if (c->dev_ms != ANY_MS)
		cr_expect_eq(r.dev_ms, c->dev_ms, "%s: dev_ms %lld", c->name,
		    r.dev_ms);
	if (c->host_ms != ANY_MS)
		cr_expect_eq(r.host_ms, c->host_ms, "%s: host_ms %lld", c->name,
		    r.host_ms);
	cr_expect_eq(r.flags, c->flags, "%s: flags %#x", c->name, r.flags);
	cr_expect_str_eq(r.field, "");
	cr_expect_eq(r.node, -1);
	record_parser_free(p);
}

/* record_scan() alone: the same format, level, tag, clocks and flags as
   record_parse(), the text as a view of the same bytes; record_finish()
   then gives the rest. */
static void
check_scan(const struct rec_case *c)
{
	struct record_parser *p = record_parser_new(), *q = record_parser_new();
	struct record r, full;
	const char *t;
	size_t n;
	char *raw = strdup(c->in);

	record_parse(q, 17, c->in, strlen(c->in), 0, &full);
	record_scan(p, 17, raw, strlen(raw), 0, &r);
	cr_expect_eq(r.fmt, full.fmt, "%s: format", c->name);
	cr_expect_eq(r.level, full.level, "%s: level", c->name);
	cr_expect_str_eq(r.tag, full.tag, "%s: tag", c->name);
	cr_expect_eq(r.dev_ms, full.dev_ms, "%s: dev_ms", c->name);
	cr_expect_eq(r.host_ms, full.host_ms, "%s: host_ms", c->name);
	cr_expect_eq(r.flags, full.flags, "%s: flags", c->name);
	cr_expect_str_eq(r.text, "", "%s: text before record_finish", c->name);
	record_text(p, &t, &n);
	cr_expect_eq(n, strlen(full.text), "%s: text length %zu", c->name, n);
	cr_expect(memcmp(t, full.text, n) == 0, "%s: text %.*s", c->name,
	    (int)n, t);
	record_finish(p, &r);
	cr_expect_str_eq(r.text, full.text, "%s: text", c->name);
	cr_expect_str_eq(r.msg, full.msg, "%s: msg", c->name);
	cr_expect_str_eq(r.func, full.func, "%s: func", c->name);
	cr_expect_str_eq(r.src_file, full.src_file, "%s: src_file", c->name);
	cr_expect_str_eq(r.dev_time, full.dev_time, "%s: dev_time", c->name);
	cr_expect_eq(r.src_line, full.src_line, "%s: src_line", c->name);
	free(raw);
	record_parser_free(p);
	record_parser_free(q);
}

ParameterizedTestParameters(record, device_formats)
{
	return cr_make_param_array(struct rec_case, formats,
	    sizeof(formats) / sizeof(formats[0]));
}

ParameterizedTest(struct rec_case *c, record, device_formats)
{
	check(c);
}

ParameterizedTestParameters(record, scan_then_finish)
{
	return cr_make_param_array(struct rec_case, formats,
	    sizeof(formats) / sizeof(formats[0]));
}

ParameterizedTest(struct rec_case *c, record, scan_then_finish)
{
	check_scan(c);
}

ParameterizedTestParameters(record, colours_real_and_printed)
{
	return cr_make_param_array(struct rec_case, colours,
	    sizeof(colours) / sizeof(colours[0]));
}

ParameterizedTest(struct rec_case *c, record, colours_real_and_printed)
{
	check(c);
}

/*
 * BUG: src/lines/record.c, strip_escapes(): the caret form "^[[0;31m" is
 * checked with sgr_len(p + 1), which sees "[[0;31m" and never matches; it
 * should look at p + 2.  "^[[0;31mE (6) x: y^[[0m" comes out as
 * "^[E (6) x: y^[" (RECORD_PLAIN) instead of "E (6) x: y" (RECORD_IDF).
 */
static struct rec_case caret = {
	"caret", "^[[0;31mE (6) x: y^[[0m",
	RECORD_IDF, 'E', "x", "", "", 0, "y", "E (6) x: y", 6, -1, 0
};

Test(record, colour_printed_as_caret_bracket)
{
	check(&caret);
}

ParameterizedTestParameters(record, host_prefixes)
{
	return cr_make_param_array(struct rec_case, hosts,
	    sizeof(hosts) / sizeof(hosts[0]));
}

ParameterizedTest(struct rec_case *c, record, host_prefixes)
{
	check(c);
}

/* ---- flags ---- */

Test(record, random_bytes_are_noise)
{
	static const unsigned char junk[] = { 0x83, 0xfe, 0x12, 0x9c, 0xaa, 0x01,
	    0xf0, 0x80, 0x11, 0xe3, 0x02, 0x8f, 0x41, 0x9a, 0xff, 0x7c };
	struct record_parser *p = record_parser_new();
	struct record r;

	record_parse(p, 1, (const char *)junk, sizeof(junk), 0, &r);
	cr_assert(r.flags & RECORD_NOISE, "flags %#x", r.flags);
	cr_assert(r.flags & RECORD_BAD_UTF8);
	cr_assert_eq(r.fmt, RECORD_PLAIN);
	cr_assert(strstr(r.text, "\\x83\\xfe\\x12") == r.text, "text %s",
	    r.text);
	record_parser_free(p);
}

Test(record, text_with_one_odd_byte_is_not_noise)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *in = "E (1) ota: caf\xe9 image written";

	record_parse(p, 1, in, strlen(in), 0, &r);
	cr_assert_eq(r.flags, RECORD_BAD_UTF8, "flags %#x", r.flags);
	cr_assert_eq(r.fmt, RECORD_IDF);
	cr_assert_str_eq(r.msg, "caf\\xe9 image written");
	record_parser_free(p);
}

Test(record, nul_bytes_are_dropped)
{
	struct record_parser *p = record_parser_new();
	struct record r;

	record_parse(p, 1, "E (1) ota: \0fail\0", 17, 0, &r);
	cr_assert_eq(r.flags, RECORD_HAD_NUL, "flags %#x", r.flags);
	cr_assert_str_eq(r.text, "E (1) ota: fail");
	cr_assert_str_eq(r.msg, "fail");
	record_parser_free(p);
}

Test(record, truncated_flag_passes_through)
{
	struct record_parser *p = record_parser_new();
	struct record r;

	record_parse(p, 3, "E (1) ota: x", 12, RECORD_TRUNCATED, &r);
	cr_assert_eq(r.flags, RECORD_TRUNCATED);
	cr_assert_eq(r.fmt, RECORD_IDF);
	/* flags the splitter does not own are not taken from the caller */
	record_parse(p, 4, "E (1) ota: x", 12, RECORD_NOISE | RECORD_HAD_NUL,
	    &r);
	cr_assert_eq(r.flags, 0u);
	record_parse(p, 5, "E (1) ota: x", 12, 0, &r);
	cr_assert_eq(r.flags, 0u);
	record_parser_free(p);
}

/* ---- terminal control never survives ---- */

struct hostile {
	char	name[24];
	char	in[96];
	char	text[64];
};

static struct hostile hostile[] = {
	{ "osc-title-bel", "\x1b]0;owned\x07" "E (1) ota: x", "E (1) ota: x" },
	{ "osc-title-st", "E (1) ota: \x1b]2;owned\x1b\\x", "E (1) ota: x" },
	/* an unterminated string is not a string: only its introducer goes,
	   the rest of the line stays text (escape.h) */
	{ "osc-unterminated", "E (1) ota: x\x1b]0;rest of line",
	    "E (1) ota: x0;rest of line" },
	{ "dcs-decrqss-st", "E (1) ota: \x1bP1$qSECRET\x1b\\x", "E (1) ota: x" },
	/* BEL ends an OSC only; a DCS needs ST, so this one is unterminated */
	{ "dcs-bel", "E (1) ota: \x1bPq#0;2;0;0;0\x07x",
	    "E (1) ota: q#0;2;0;0;0\\x07x" },
	{ "apc-st", "\x1b_APCBODY\x1b\\E (1) ota: x", "E (1) ota: x" },
	{ "pm-st", "E (1) ota: \x1b^PMBODY\x1b\\x", "E (1) ota: x" },
	{ "sos-st", "E (1) ota: \x1bXSOSBODY\x1b\\x", "E (1) ota: x" },
	{ "dcs-unterminated", "E (1) ota: x\x1bP1$qrest of line",
	    "E (1) ota: x1$qrest of line" },
	{ "clear-screen", "\x1b[2J\x1b[3J\x1b[HE (1) ota: x", "E (1) ota: x" },
	{ "cursor-moves", "E (1) ota: \x1b[1A\x1b[2Kx", "E (1) ota: x" },
	{ "reset-terminal", "\x1b" "cE (1) ota: x", "E (1) ota: x" },
	{ "csi-8bit-c1", "E (1) ota: \xc2\x9b" "2Jx", "E (1) ota: \\u{009b}2Jx" },
	{ "csi-8bit-raw", "E (1) ota: \x9b" "2Jx", "E (1) ota: \\x9b2Jx" },
	{ "bell-backspace", "E (1) ota: \x07\x08x", "E (1) ota: \\x07\\x08x" },
	{ "bidi", "E (1) ota: \xe2\x80\xaex", "E (1) ota: \\u{202e}x" },
};

ParameterizedTestParameters(record, terminal_control_never_survives)
{
	return cr_make_param_array(struct hostile, hostile,
	    sizeof(hostile) / sizeof(hostile[0]));
}

ParameterizedTest(struct hostile *c, record, terminal_control_never_survives)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *f[2];
	size_t i, k;

	record_parse(p, 1, c->in, strlen(c->in), 0, &r);
	cr_expect_str_eq(r.text, c->text, "%s: text", c->name);
	f[0] = r.text;
	f[1] = r.msg;
	for (k = 0; k < 2; k++)
		for (i = 0; f[k][i] != '\0'; i++) {
			unsigned char ch = (unsigned char)f[k][i];

			cr_assert(ch >= 0x20 && ch != 0x7f,
			    "%s: control byte %#x in %s", c->name, ch,
			    k == 0 ? "text" : "msg");
			cr_assert(!(ch == 0xc2 &&
			    (unsigned char)f[k][i + 1] >= 0x80 &&
			    (unsigned char)f[k][i + 1] < 0xa0),
			    "%s: C1 control in %s", c->name,
			    k == 0 ? "text" : "msg");
		}
	record_parser_free(p);
}

/* ---- helpers ---- */

Test(record, parse_clock)
{
	cr_assert_eq(record_parse_clock("12:34:56", 8), T(12, 34, 56, 0));
	cr_assert_eq(record_parse_clock("12:34:56.7", 10), T(12, 34, 56, 700));
	cr_assert_eq(record_parse_clock("12:34:56.789", 12), T(12, 34, 56, 789));
	cr_assert_eq(record_parse_clock("00:00:00,005", 12), 5);
	cr_assert_eq(record_parse_clock("23:59:59.999", 12), T(23, 59, 59, 999));
	cr_assert_eq(record_parse_clock("1:02:03", 7), -1);
	cr_assert_eq(record_parse_clock("12:34", 5), -1);
	cr_assert_eq(record_parse_clock("12-34-56", 8), -1);
	/* n bounds the read */
	cr_assert_eq(record_parse_clock("12:34:56", 7), -1);
}

Test(record, format_names)
{
	cr_assert_str_eq(record_format_name(RECORD_PLAIN), "plain");
	cr_assert_str_eq(record_format_name(RECORD_IDF), "esp-idf");
	cr_assert_str_eq(record_format_name(RECORD_ARDUINO), "arduino");
	cr_assert_str_eq(record_format_name(RECORD_ESPHOME), "esphome");
	cr_assert_str_eq(record_format_name(RECORD_ESPOTA), "espota");
	cr_assert_str_eq(record_format_name(RECORD_ROM), "rom");
	cr_assert_str_eq(record_format_name(RECORD_ALIYUN), "aliyun");
	cr_assert_str_eq(record_format_name(RECORD_JOB), "job");
}

Test(record, parser_is_reusable_and_fields_reset)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "[  5123][E][HTTPUpdate.cpp:290] handleUpdate(): boom";
	const char *b = "plain text";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_assert_str_eq(r.func, "handleUpdate");
	record_parse(p, 2, b, strlen(b), 0, &r);
	cr_assert_eq(r.lineno, 2);
	cr_assert_eq(r.fmt, RECORD_PLAIN);
	cr_assert_str_eq(r.func, "");
	cr_assert_str_eq(r.tag, "");
	cr_assert_str_eq(r.src_file, "");
	cr_assert_str_eq(r.dev_time, "");
	cr_assert_eq(r.src_line, 0);
	cr_assert_eq(r.dev_ms, -1);
	cr_assert_eq(r.level, 0);
	cr_assert_str_eq(r.msg, "plain text");
	record_parser_free(p);
	record_parser_free(NULL);
}

Test(record, dev_time_as_printed)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "E (12:00:01.123) Dynamic Impl: alloc(41913 bytes) failed";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_assert_str_eq(r.dev_time, "12:00:01.123");
	cr_assert_str_eq(r.tag, "Dynamic Impl");
	cr_assert_eq(r.host_ms, T(12, 0, 1, 123));
	record_parser_free(p);
}

/*
 * BUG: src/lines/record.c, parse_idf(): it fills p->dtime before it knows
 * the line is ESP-IDF and does not clear it when it gives up, so
 * "E (12) wifi:wifi_connect" (no ": ") becomes RECORD_PLAIN with
 * dev_time "12" instead of "" (record.h: "" if none).
 */
Test(record, plain_line_has_no_stale_dev_time)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "E (12) wifi:wifi_connect";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_assert_eq(r.fmt, RECORD_PLAIN);
	cr_assert_str_eq(r.dev_time, "");
	record_parser_free(p);
}

Test(record, long_line_is_parsed_without_overrun)
{
	static char big[70000];
	struct record_parser *p = record_parser_new();
	struct record r;

	memcpy(big, "E (9) ota: ", 11);
	memset(big + 11, 'x', sizeof(big) - 11);
	record_parse(p, 1, big, sizeof(big), RECORD_TRUNCATED, &r);
	cr_assert_eq(r.fmt, RECORD_IDF);
	cr_assert_eq(strlen(r.msg), sizeof(big) - 11);
	cr_assert_eq(r.flags, RECORD_TRUNCATED);
	record_parser_free(p);
}

/* A tool's own prefix that otadiag does not know still lets the device
   record underneath be recognised, with its level and tag. */
Test(record, unknown_prefix_before_a_device_record)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "node1 | E (6804) TRANS_SSL: handshake failed";
	const char *b = "ttyUSB0: [  6804][E][Updater.cpp:12] begin(): too large";
	const char *c = "Error: X (y) z: w";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_expect_eq(r.fmt, RECORD_IDF);
	cr_expect_eq(r.level, 'E');
	cr_expect_str_eq(r.tag, "TRANS_SSL");
	cr_expect_str_eq(r.msg, "handshake failed");
	cr_expect_eq(r.dev_ms, 6804);
	record_parse(p, 2, b, strlen(b), 0, &r);
	cr_expect_eq(r.fmt, RECORD_ARDUINO);
	cr_expect_str_eq(r.tag, "Updater.cpp");
	cr_expect_str_eq(r.msg, "too large");
	record_parse(p, 3, c, strlen(c), 0, &r);
	cr_expect_eq(r.fmt, RECORD_PLAIN);
	cr_expect_eq(r.level, 0);
	cr_expect_str_eq(r.msg, "Error: X (y) z: w");
	record_parser_free(p);
}

Test(record, iso_timestamp_with_zone_is_a_host_prefix)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "2024-01-02T12:34:56.789Z E (6804) esp_https_ota: Starting OTA...";
	const char *b = "2024-01-02T12:34:56+01:00 W (1) boot: x: y";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_expect_eq(r.fmt, RECORD_IDF);
	cr_expect_str_eq(r.tag, "esp_https_ota");
	cr_expect_eq(r.host_ms, ((12 * 60 + 34) * 60 + 56) * 1000LL + 789);
	record_parse(p, 2, b, strlen(b), 0, &r);
	cr_expect_eq(r.fmt, RECORD_IDF);
	cr_expect_eq(r.level, 'W');
	cr_expect_str_eq(r.msg, "x: y");
	record_parser_free(p);
}

/* Markdown code quoting around a pasted line. */
Test(record, markdown_backticks_are_not_part_of_the_line)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "`I (4014) esp_https_ota: Starting OTA...`";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_expect_eq(r.fmt, RECORD_IDF);
	cr_expect_str_eq(r.tag, "esp_https_ota");
	cr_expect_eq(r.level, 'I');
	record_parser_free(p);
}

/* ESPHome logs copied from the dashboard ("|" columns) or from Home
   Assistant's web log (tab columns). */
Test(record, esphome_copied_tables)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	const char *a = "19:46:41 | [D] | [esphome.ota:525] | Starting update";
	const char *b = "17:35:52\t[E]\t[ota.arduino_esp32:025]\tBegin error: 10";
	const char *c = "12:00:01 [ERROR]: No response from the ESP";

	record_parse(p, 1, a, strlen(a), 0, &r);
	cr_expect_eq(r.fmt, RECORD_ESPHOME);
	cr_expect_eq(r.level, 'D');
	cr_expect_str_eq(r.tag, "esphome.ota");
	cr_expect_eq(r.src_line, 525);
	cr_expect_str_eq(r.msg, "Starting update");
	record_parse(p, 2, b, strlen(b), 0, &r);
	cr_expect_eq(r.fmt, RECORD_ESPHOME);
	cr_expect_eq(r.level, 'E');
	cr_expect_str_eq(r.tag, "ota.arduino_esp32");
	cr_expect_str_eq(r.msg, "Begin error: 10");
	record_parse(p, 3, c, strlen(c), 0, &r);
	cr_expect_eq(r.fmt, RECORD_ESPOTA, "espota's own format is not a table");
	cr_expect_eq(r.level, 'E');
	record_parser_free(p);
}

/*
 * A plain line is parsed where it lies, in the reader's buffer, with no
 * terminator after it: record_parse() reads raw[0..len) only.  Every
 * prefix of every format's line, from a heap copy of exactly that size
 * (the sanitizer build sees a read past it).
 */
Test(record, reads_only_the_line)
{
	struct record_parser *p = record_parser_new();
	struct record r;
	size_t i, len, k;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		len = strlen(formats[i].in);
		for (k = 0; k <= len; k++) {
			char *raw = malloc(k > 0 ? k : 1);

			cr_assert_not_null(raw);
			memcpy(raw, formats[i].in, k);
			record_parse(p, 1, raw, k, 0, &r);
			cr_expect_leq(strlen(r.text), k, "%s", formats[i].name);
			free(raw);
		}
	}
	record_parser_free(p);
}
