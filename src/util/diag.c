/* SPDX-License-Identifier: Apache-2.0 */
/* diag: error records and the fixed message prefixes (see diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sanitize.h"
#include "strbuf.h"

int
diag_set(struct diag_err *err, enum diag_code code, const char *file,
    long line, long col, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	snprintf(err->file, sizeof(err->file), "%s", file != NULL ? file : "");
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

void
diag_clear(struct diag_err *err)
{
	if (err == NULL)
		return;
	err->file[0] = '\0';
	err->text[0] = '\0';
	err->line = 0;
	err->col = 0;
}

const char *
diag_code_text(enum diag_code code)
{
	switch (code) {
	case DIAG_OK:
		return "success";
	case DIAG_EIO:
		return "input/output error";
	case DIAG_ESYNTAX:
		return "syntax error";
	case DIAG_ESCHEMA:
		return "schema error";
	case DIAG_EREGEX:
		return "bad pattern";
	case DIAG_EFORMAT:
		return "unrecognised format";
	case DIAG_ENET:
		return "network error";
	case DIAG_ELIMIT:
		return "limit exceeded";
	case DIAG_EUSAGE:
		return "bad argument";
	case DIAG_ELIB:
		return "shared library missing";
	}
	return "unknown error";
}

static void
put_clean(FILE *fp, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	sanitize_append(&sb, s, strlen(s));
	fputs(sb.buf, fp);
	strbuf_release(&sb);
}

void
diag_print(FILE *fp, const struct diag_err *err)
{
	fputs("otadiag: ", fp);
	if (err->file[0] != '\0') {
		put_clean(fp, err->file);
		if (err->line > 0)
			fprintf(fp, ":%ld", err->line);
		if (err->line > 0 && err->col > 0)
			fprintf(fp, ":%ld", err->col);
		fputs(": ", fp);
	}
	fputs("error: ", fp);
	put_clean(fp, err->text);
	fputc('\n', fp);
}

static void
vmsg(const char *level, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "otadiag: %s: ", level);
	put_clean(stderr, buf);
	fputc('\n', stderr);
}

void
diag_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void
diag_input_error(const char *file, const char *fmt, ...)
{
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("otadiag: ", stderr);
	put_clean(stderr, file);
	fputs(": error: ", stderr);
	put_clean(stderr, buf);
	fputc('\n', stderr);
}

void
diag_say(const char *fmt, ...)
{
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("otadiag: ", stderr);
	put_clean(stderr, buf);
	fputc('\n', stderr);
}

void
diag_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void
diag_die(const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	/* No allocation here: this is also the out-of-memory path. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "otadiag: error: %s\n", buf);
	exit(3);
}
