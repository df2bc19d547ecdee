/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diag: error reports that cross module boundaries, and the fixed message
 * prefixes.  Prefix: diag_.
 *
 * Library code never prints: it fills a caller-provided struct diag_err
 * (modelled on jansson's json_error_t) and returns a negative enum diag_code.
 * Only main.c and src/cmd/ turn a diag_err into a message on stderr, through
 * diag_print(), which sanitises the text like every other report.
 */
#ifndef OTADIAG_DIAG_H
#define OTADIAG_DIAG_H

#include <stdio.h>

enum diag_code {
	DIAG_OK = 0,
	DIAG_EIO = -1,		/* a file or device could not be read/written */
	DIAG_ESYNTAX = -2,	/* malformed JSON or other syntax */
	DIAG_ESCHEMA = -3,	/* well-formed data that breaks the schema */
	DIAG_EREGEX = -4,	/* a pattern does not compile */
	DIAG_EFORMAT = -5,	/* input of an unrecognised format */
	DIAG_ENET = -6,		/* network or HTTP failure */
	DIAG_ELIMIT = -7,	/* a size or time limit was hit */
	DIAG_EUSAGE = -8,	/* a bad argument */
	DIAG_ELIB = -9,		/* a shared library could not be loaded */
};

struct diag_err {
	char	file[512];	/* "" when not about a file */
	long	line;		/* 0 when unknown */
	long	col;		/* 0 when unknown */
	char	text[1024];
};

/* Sets every field; returns code so callers can write `return diag_set(...)`. */
int	 diag_set(struct diag_err *err, enum diag_code code, const char *file,
	    long line, long col, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
void	 diag_clear(struct diag_err *err);
/* Text for a code: "input/output error", "syntax error", ... */
const char *diag_code_text(enum diag_code code);

/*
 * Printing (main.c and src/cmd/ only).  Messages are one line on stderr:
 *   otadiag: error: TEXT
 *   otadiag: FILE:LINE[:COL]: error: TEXT
 *   otadiag: warning: TEXT
 */
void	 diag_print(FILE *fp, const struct diag_err *err);
void	 diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "otadiag: FILE: error: TEXT" for an input that cannot be used. */
void	 diag_input_error(const char *file, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* "otadiag: TEXT": status lines (the last line says why the exit status). */
void	 diag_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 diag_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Dies with status 3: out of memory and other impossible-to-continue states. */
void	 diag_die(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
