/* SPDX-License-Identifier: Apache-2.0 */
/*
 * backtrace: the address lines of crash reports (see backtrace.h).
 *
 * Formats follow what the firmware prints: ESP-IDF's panic handler
 * (components/esp_system/panic.c, port/arch/{xtensa,riscv}/panic_arch.c,
 * esp_system/port/arch/xtensa/debug_helpers.c for "Backtrace:"), newlib's
 * and ESP-IDF's assert, and the ESP8266 Arduino core's postmortem
 * (cores/esp8266/core_esp8266_postmortem.cpp).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "hexdigit.h"

/*
 * Reads 1-8 hex digits (after "0x" when need0x) at *pp; advances *pp.
 * Returns 0, or -1 (nothing read, *pp unchanged).
 */
static int
read_hex(const char **pp, int need0x, uint32_t *out)
{
	const char *p = *pp;
	uint32_t v = 0;
	int n = 0;

	if (need0x) {
		if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
			return -1;
		p += 2;
	}
	while (hex_digit((unsigned char)*p) >= 0) {
		if (++n > 8)
			return -1;
		v = v << 4 | (uint32_t)hex_digit((unsigned char)*p++);
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

static void
add(struct bt_line *out, uint32_t addr, const char *what, int probable)
{
	struct bt_addr *a;

	if (out->naddrs >= BT_MAX_ADDRS) {
		out->corrupted = 1;
		return;
	}
	a = &out->addrs[out->naddrs++];
	a->addr = addr;
	snprintf(a->what, sizeof(a->what), "%.11s", what);
	a->probable = probable;
}

static const char *
skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "Backtrace: 0xPC:0xSP 0xPC:0xSP ... [|<-CORRUPTED]" */
static int
parse_backtrace(const char *text, struct bt_line *out)
{
	const char *p = strstr(text, "Backtrace:");
	uint32_t pc, sp;

	if (p == NULL)
		return 0;
	p = skip_sp(p + 10);
	if (p[0] != '0' || p[1] != 'x')
		return 0;
	out->kind = BT_BACKTRACE;
	for (;;) {
		p = skip_sp(p);
		if (read_hex(&p, 1, &pc) != 0)
			break;
		if (*p != ':' || (p++, read_hex(&p, 1, &sp)) != 0) {
			out->corrupted = 1;	/* cut in the middle of a pair */
			break;
		}
		if (pc == 0)		/* the end of the chain */
			break;
		add(out, pc, "PC", 0);
	}
	if (*p != '\0' && strstr(p, "CORRUPTED") != NULL)
		out->corrupted = 1;
	else if (*p != '\0' && *skip_sp(p) != '\0')
		out->corrupted = 1;
	return 1;
}

/* Xtensa A0 holds the call size in its top two bits: the call is 3 back. */
static uint32_t
xtensa_ret(uint32_t a0)
{
	if ((a0 & 0xc0000000u) == 0x40000000u || a0 == 0)
		return a0;
	return ((a0 & 0x3fffffffu) | 0x40000000u) - 3;
}

/*
 * "PC      : 0x400d1a2b  PS      : 0x00060030  A0      : 0x800d1b2c"
 * Keeps the code registers: PC, A0, EXCVADDR (Xtensa), MEPC, RA (RISC-V).
 */
static int
parse_regs(const char *text, struct bt_line *out)
{
	const char *p = skip_sp(text);
	int nregs = 0;

	for (;;) {
		char name[16];
		size_t n = 0;
		uint32_t v;

		p = skip_sp(p);
		while (isalnum((unsigned char)*p) && n < sizeof(name) - 1)
			name[n++] = *p++;
		name[n] = '\0';
		if (n == 0)
			break;
		p = skip_sp(p);
		if (*p != ':')
			break;
		p = skip_sp(p + 1);
		if (read_hex(&p, 1, &v) != 0)
			break;
		nregs++;
		if (strcmp(name, "PC") == 0 || strcmp(name, "MEPC") == 0 ||
		    strcmp(name, "RA") == 0)
			add(out, v, name, 0);
		else if (strcmp(name, "A0") == 0)
			add(out, xtensa_ret(v), name, 0);
		else if (strcmp(name, "EXCVADDR") == 0 && v != 0)
			add(out, v, name, 1);	/* a code address only if in code */
	}
	if (nregs < 2) {
		out->naddrs = 0;
		return 0;
	}
	out->kind = out->naddrs > 0 ? BT_REGS : BT_NONE;
	return out->naddrs > 0;
}

/* "epc1=0x40201234 epc2=0x00000000 epc3=... excvaddr=0x... depc=..." */
static int
parse_epc(const char *text, struct bt_line *out)
{
	const char *p = strstr(text, "epc1=0x");
	uint32_t v;

	if (p == NULL)
		return 0;
	p += 5;
	if (read_hex(&p, 1, &v) != 0)
		return 0;
	out->kind = BT_REGS;
	add(out, v, "epc1", 0);
	if ((p = strstr(p, "excvaddr=0x")) != NULL) {
		p += 9;
		if (read_hex(&p, 1, &v) == 0 && v != 0)
			add(out, v, "excvaddr", 1);
	}
	return 1;
}

/*
 * A stack dump line: "3fffff40:  3fffdad0 00000000 ..." (ESP8266) or
 * "3fc8f6a0: 0x00000000 0x42000e2a ..." (ESP-IDF RISC-V).
 */
static int
parse_stack_words(const char *text, struct bt_line *out)
{
	const char *p = skip_sp(text);
	uint32_t v;
	int need0x;

	if (read_hex(&p, 0, &v) != 0 || *p != ':')
		return 0;
	p = skip_sp(p + 1);
	need0x = p[0] == '0' && p[1] == 'x';
	while (*p != '\0') {
		if (read_hex(&p, need0x, &v) != 0)
			break;
		if (v != 0)
			add(out, v, "stack", 1);
		p = skip_sp(p);
	}
	out->kind = BT_STACK;
	return 1;
}

/*
 * "assert failed: func file.c:12 (expr)" (ESP-IDF v5) or
 * "assertion "expr" failed: file "file.c", line 12, function: func" (newlib).
 */
static int
parse_assert(const char *text, struct bt_line *out)
{
	const char *p, *sp, *colon;
	size_t n;

	if ((p = strstr(text, "assert failed: ")) != NULL) {
		p += 15;
		if ((sp = strchr(p, ' ')) == NULL)
			return 0;
		n = (size_t)(sp - p);
		if (n >= sizeof(out->func))
			n = sizeof(out->func) - 1;
		memcpy(out->func, p, n);
		out->func[n] = '\0';
		p = sp + 1;
		if ((sp = strchr(p, ' ')) == NULL)
			sp = p + strlen(p);
		for (colon = sp; colon > p && colon[-1] != ':'; colon--)
			;
		if (colon == p || !isdigit((unsigned char)*colon))
			return 0;
		n = (size_t)(colon - 1 - p);
		if (n >= sizeof(out->file))
			n = sizeof(out->file) - 1;
		memcpy(out->file, p, n);
		out->file[n] = '\0';
		out->line = (unsigned)strtoul(colon, NULL, 10);
		out->kind = BT_ASSERT;
		return 1;
	}
	if ((p = strstr(text, "failed: file \"")) != NULL &&
	    strstr(text, "assertion") != NULL) {
		p += 14;
		if ((sp = strchr(p, '"')) == NULL)
			return 0;
		n = (size_t)(sp - p);
		if (n >= sizeof(out->file))
			n = sizeof(out->file) - 1;
		memcpy(out->file, p, n);
		out->file[n] = '\0';
		if ((p = strstr(sp, "line ")) == NULL)
			return 0;
		out->line = (unsigned)strtoul(p + 5, NULL, 10);
		if ((p = strstr(p, "function: ")) != NULL) {
			p += 10;
			n = strcspn(p, " \t");
			if (n >= sizeof(out->func))
				n = sizeof(out->func) - 1;
			memcpy(out->func, p, n);
			out->func[n] = '\0';
		}
		out->kind = BT_ASSERT;
		return 1;
	}
	return 0;
}

static void
copy_span(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * "FUNC at FILE:LINE" or "FUNC at FILE line LINE" at p (to the end of the
 * line); the function may hold spaces ("f(int, char*)").
 */
static int
parse_func_at(const char *p, struct bt_line *out)
{
	const char *at = NULL, *q, *end = p + strlen(p), *num;

	for (q = p; (q = strstr(q, " at ")) != NULL; q++)
		at = q;
	if (at == NULL || at == p)
		return 0;
	while (end > at && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (num = end; num > at && isdigit((unsigned char)num[-1]); num--)
		;
	if (num == end)
		return 0;
	out->line = (unsigned)strtoul(num, NULL, 10);
	if (num - at > 4 && num[-1] == ':')
		copy_span(out->file, sizeof(out->file), at + 4,
		    (size_t)(num - 1 - (at + 4)));
	else if (num - at > 9 && strncmp(num - 6, " line ", 6) == 0)
		copy_span(out->file, sizeof(out->file), at + 4,
		    (size_t)(num - 6 - (at + 4)));
	else
		return 0;
	copy_span(out->func, sizeof(out->func), p, (size_t)(at - p));
	if (strcmp(out->func, "??") == 0 || out->file[0] == '\0' ||
	    strcmp(out->file, "??") == 0)
		return 0;
	/* "onPulse()" and "onPulse" name the same function */
	if ((q = strchr(out->func, '(')) != NULL && strcmp(q, "()") == 0)
		*(char *)q = '\0';
	return 1;
}

static int
parse_decoded(const char *text, struct bt_line *out)
{
	const char *p = skip_sp(text);
	uint32_t pc, sp;

	if (strncmp(p, "(inlined by) ", 13) == 0) {
		if (!parse_func_at(p + 13, out))
			return 0;
		out->inlined_by = 1;
		out->kind = BT_DECODED;
		return 1;
	}
	if (*p == '#') {		/* PlatformIO: "#0  0xPC:0xSP in f() at" */
		p++;
		while (isdigit((unsigned char)*p))
			p++;
		p = skip_sp(p);
		if (read_hex(&p, 1, &pc) != 0)
			return 0;
		if (*p == ':' && (p++, read_hex(&p, 1, &sp)) != 0)
			return 0;
		if (strncmp(p, " in ", 4) != 0)
			return 0;
		p += 4;
	} else {			/* "0xPC: f at file:line" */
		if (read_hex(&p, 1, &pc) != 0 || p[0] != ':' || p[1] != ' ')
			return 0;
		p += 2;
	}
	if (!parse_func_at(p, out))
		return 0;
	out->kind = BT_DECODED;
	add(out, pc, "decoded", 0);
	return 1;
}

static int
parse_sha(const char *text, struct bt_line *out)
{
	const char *p = strstr(text, "ELF file SHA256:");
	size_t n = 0;

	if (p == NULL)
		return 0;
	p = skip_sp(p + 16);
	while (n < 64 && hex_digit((unsigned char)p[n]) >= 0) {
		out->sha[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	out->sha[n] = '\0';
	if (n < 4)
		return 0;
	out->kind = BT_SHA;
	return 1;
}

/* What the parsers below look for first (see backtrace.h): keep it in step
   with them. */
const char *const bt_needles[] = {
	"0x",			/* addresses: registers, decoded frames, epc1=,
				   abort() at PC, rst:0x */
	"Backtrace:",
	"ELF file SHA256:",
	"assert failed: ",
	"failed: file \"",	/* newlib's assertion */
	"(inlined by) ",
	"Stack memory:",
	">>>stack>>>",
	"Guru Meditation Error",
	"Exception (",
	"register dump:",
	"Rebooting...",
	"CPU halted.",
	"ets ",
	"ESP-ROM:",
	NULL
};

void
bt_parse(struct bt_state *st, const char *text, struct bt_line *out)
{
	const char *p;

	out->kind = BT_NONE;
	out->naddrs = 0;
	out->corrupted = 0;
	out->sha[0] = out->func[0] = out->file[0] = '\0';
	out->line = 0;
	out->inlined_by = 0;
	if (st->in_stack) {
		if (strstr(text, "<<<stack<<<") != NULL) {
			st->in_stack = 0;
			return;
		}
		if (parse_stack_words(text, out))
			return;
		/* ESP8266 "ctx: cont", "sp: ... end: ..." stay inside */
		if (st->in_stack == 2)
			return;
		st->in_stack = 0;	/* RISC-V: the dump ended */
	}
	if (strstr(text, ">>>stack>>>") != NULL) {
		st->in_stack = 2;
		out->kind = BT_STACK;	/* part of the crash, no new one */
		return;
	}
	if (strncmp(skip_sp(text), "Stack memory:", 13) == 0) {
		st->in_stack = 1;
		out->kind = BT_STACK;
		return;
	}
	if (parse_backtrace(text, out) || parse_sha(text, out) ||
	    parse_epc(text, out) || parse_assert(text, out) ||
	    parse_decoded(text, out))
		return;
	if ((p = strstr(text, "abort() was called at PC ")) != NULL) {
		uint32_t v;

		p += 25;
		if (read_hex(&p, 1, &v) == 0) {
			out->kind = BT_ABORT;
			add(out, v, "abort", 0);
			return;
		}
	}
	if (strstr(text, "Guru Meditation Error") != NULL ||
	    strncmp(text, "Exception (", 11) == 0 ||
	    strstr(text, "register dump:") != NULL) {
		out->kind = BT_START;
		return;
	}
	if (strstr(text, "Rebooting...") != NULL ||
	    strstr(text, "CPU halted.") != NULL ||
	    strncmp(skip_sp(text), "ets ", 4) == 0 ||
	    strncmp(text, "ESP-ROM:", 8) == 0 ||
	    strncmp(text, "rst:0x", 6) == 0) {
		out->kind = BT_END;
		return;
	}
	parse_regs(text, out);
}

int
bt_block_goes_on(enum bt_kind k, unsigned long *idle)
{
	if (k == BT_END)
		return 0;
	if (k != BT_NONE) {
		*idle = 0;
		return 1;
	}
	return ++*idle < BT_IDLE_LINES;
}
