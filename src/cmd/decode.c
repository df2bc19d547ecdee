/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode: the log with every crash address line decoded in place.
 *
 *   otadiag decode --elf file [--elf file]... [file | -]
 *
 * Each line of the log is printed (normalised and sanitised as analyze
 * reads it); under an address line (Backtrace, register dump, stack
 * dump, epc1, abort() at PC) come its frames.  A crash block is held
 * until it ends (its "ELF file SHA256" comes after the Backtrace), so the
 * ELF is checked against the build that ran before anything is decoded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "frames.h"
#include "linesplit.h"
#include "record.h"
#include "xalloc.h"

struct decode_opts {
	struct cli_elfs	 elfs;
};

static const struct cli_option decode_options[] = {
	{"elf", 0, "file", offsetof(struct decode_opts, elfs), cli_add_elf,
	    0, 0, "the ELF of the build that ran (repeatable: app, "
	    "bootloader, ROM)"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const struct cli_spec decode_spec = {
	.name = "decode",
	.usage =
    "usage: otadiag decode --elf file [--elf file]... [file | -]\n",
	.about =
    "Prints the log with the functions and source lines of every crash\n"
    "address (Xtensa and RISC-V panics, ESP8266 exceptions, abort()) under\n"
    "its line.  An app ELF is used only if its SHA-256 matches the ELF file\n"
    "SHA256 the device printed.\n",
	.options = decode_options,
	.exits =
    "Exit status:\n"
    "  0  the log was printed, every crash address decoded\n"
    "  1  a crash's addresses could not be decoded (another build, or\n"
    "     not in the --elf files)\n"
    "  2  usage error\n"
    "  3  the log or an ELF cannot be read, or standard output failed",
	.page = "otadiag-decode(1)",
};

struct qline {
	unsigned long	 lineno;
	char		*text;
};

struct decoder {
	struct record_parser *parser;
	struct frames	*fr;
	struct qline	*q;		/* lines held while a block is open */
	size_t		 nq, capq;
	unsigned long	 lineno;
	int		 undecoded;	/* a crash's addresses were not */
};

static void
print_frames(const struct frames_line *ln)
{
	size_t i;

	for (i = 0; i < ln->n; i++) {
		char *t = frames_line_text(ln, i);

		printf("  %s\n", t);
		free(t);
	}
}

/* Prints held lines up to last (all if last is 0), with their frames. */
static void
print_held(struct decoder *d, const struct frames_crash *c, unsigned long last)
{
	size_t i, k = 0, j;

	for (i = 0; i < d->nq && (last == 0 || d->q[i].lineno <= last); i++) {
		puts(d->q[i].text);
		free(d->q[i].text);
		if (c == NULL)
			continue;
		for (j = k; j < c->nlines; j++)
			if (c->lines[j].lineno == d->q[i].lineno) {
				print_frames(&c->lines[j]);
				k = j + 1;
				break;
			}
	}
	if (c != NULL && c->note != NULL)
		printf("  note: %s\n", c->note);
	memmove(d->q, d->q + i, (d->nq - i) * sizeof(*d->q));
	d->nq -= i;
}

static void
flush_crashes(struct decoder *d)
{
	size_t i;

	for (i = 0; i < frames_ncrashes(d->fr); i++) {
		const struct frames_crash *c = frames_crash(d->fr, i);

		if (c->naddrs > 0 && c->ndecoded == 0)
			d->undecoded = 1;
		print_held(d, c, c->last_line);
	}
	frames_forget(d->fr);
}

static int
on_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct decoder *d = ctx;
	struct record rec;
	int open;

	record_parse(d->parser, ++d->lineno, line, len,
	    (flags & LINESPLIT_TRUNCATED) ? RECORD_TRUNCATED : 0, &rec);
	d->q = xgrow(d->q, &d->capq, d->nq + 1, sizeof(*d->q));
	d->q[d->nq].lineno = d->lineno;
	d->q[d->nq].text = xstrdup(rec.text);
	d->nq++;
	open = frames_feed(d->fr, d->lineno, rec.text);
	flush_crashes(d);
	if (!open)
		print_held(d, NULL, 0);
	return 0;
}

int
cmd_decode(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common c;
	struct decode_opts o;
	struct decoder d;
	struct linesplit *ls = NULL;
	const char *path;
	char *buf = NULL;
	int nops, fd = -1, rc;
	ssize_t n;

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	cli_common_init(&c);
	if ((nops = cli_parse(&decode_spec, cmd->flags, &o, &c, argc,
	    argv)) < 0)
		return nops == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	if (o.elfs.n == 0) {
		cli_usage_error("decode", "give the build's ELF with --elf");
		return EXIT_USAGE;
	}
	if (nops > 1) {
		cli_usage_error("decode", "one log at a time");
		return EXIT_USAGE;
	}
	path = nops == 1 ? argv[0] : "-";
	if ((rc = cli_open_elfs(&o.elfs)) != 0)
		return rc;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY)) < 0) {
		diag_input_error(path, "cannot open: %s", strerror(errno));
		rc = EXIT_INPUT;
		goto out;
	}
	d.parser = record_parser_new();
	d.fr = frames_new(o.elfs.open, o.elfs.n);
	ls = linesplit_new(0);
	buf = xmalloc(64 * 1024);
	for (;;) {
		n = read(fd, buf, 64 * 1024);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_input_error(path, "read error after line %lu: %s",
			    d.lineno, strerror(errno));
			rc = EXIT_INPUT;
			break;
		}
		if (n == 0)
			break;
		linesplit_feed(ls, buf, (size_t)n, on_line, &d);
	}
	linesplit_flush(ls, on_line, &d);
	frames_flush(d.fr);
	flush_crashes(&d);
	print_held(&d, NULL, 0);
	if (rc == 0 && d.undecoded)
		rc = EXIT_FINDINGS;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	free(buf);
	free(d.q);
	linesplit_free(ls);
	frames_free(d.fr);
	record_parser_free(d.parser);
	cli_close_elfs(&o.elfs);
	return rc;
}
