/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coredump: UART core dump blocks in a log (see coredump.h).  The layout
 * is ESP-IDF's (components/espcoredump: core_dump_header_t starts with
 * data_len; the checksum closes the data; esp_core_dump_uart.c prints it
 * in base64 between the START and END lines), and what esp-coredump
 * checks when it loads a b64 core file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coredump.h"
#include "coreelf.h"
#include "cryptoapi.h"
#include "le.h"
#include "strbuf.h"
#include "xalloc.h"

struct coredump {
	const char	*dir;
	char		*input;		/* basename of the input, for names */
	int		 open;
	unsigned long	 first, last;
	struct strbuf	 b64;
	int		 bad;		/* a line that is no base64 */
	unsigned long	 bad_line;
	int		 too_big;
	unsigned	 n;		/* blocks so far */
	struct coreelf_crash crash;	/* of the block that just ended */
	int		 has_crash;
};

struct coredump *
coredump_new(const char *dir, const char *input)
{
	struct coredump *cd = xcalloc(1, sizeof(*cd));
	const char *slash = strrchr(input, '/');

	cd->dir = dir;
	cd->input = xstrdup(slash != NULL ? slash + 1 : input);
	strbuf_init(&cd->b64, 0);
	return cd;
}

void
coredump_free(struct coredump *cd)
{
	if (cd == NULL)
		return;
	strbuf_release(&cd->b64);
	free(cd->input);
	free(cd);
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes s[0..n) (no white space); the length, or -1 if malformed. */
static long
b64decode(const char *s, size_t n, unsigned char *out)
{
	size_t i, o = 0;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		int v[4], k, npad = 0;

		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=') {
				if (i + 4 != n || k < 2)
					return -1;
				npad++;
				v[k] = 0;
				continue;
			}
			if (npad > 0 || (v[k] = b64val((unsigned char)s[i + k])) < 0)
				return -1;
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (npad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (npad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return (long)o;
}

/* CRC-32 (IEEE, reflected; esp_rom_crc32_le with 0, zlib's crc32). */
static uint32_t
crc32_ieee(const unsigned char *d, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n-- > 0) {
		c ^= *d++;
		for (k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}


/*
 * "CRC-32", "SHA-256" when the trailing checksum matches, else NULL; also
 * NULL, with err filled, when the SHA-256 cannot be computed (libcrypto
 * missing: the core dump is then reported unchecked, analyze goes on).
 */
static const char *
checksum(const unsigned char *d, size_t n, struct diag_err *err)
{
	const struct cryptoapi *cr;
	unsigned char md[32];
	unsigned mdlen = 0;

	if (n >= 8 && crc32_ieee(d, n - 4) == le32(d + n - 4))
		return "CRC-32";
	if (n < 36 || (cr = cryptoapi_get(err)) == NULL)
		return NULL;
	if (cr->EVP_Digest(d, n - 32, md, &mdlen, cr->EVP_sha256(), NULL) ==
	    1 && mdlen == 32 && memcmp(md, d + n - 32, 32) == 0)
		return "SHA-256";
	return NULL;
}

static char *
save(struct coredump *cd, struct strbuf *msg)
{
	char *path = xasprintf("%s/%s.coredump-%u.b64", cd->dir, cd->input,
	    cd->n);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = 0;

	if (fd < 0) {
		strbuf_addf(msg, "; it could not be saved to %s: %s", path,
		    strerror(errno));
		free(path);
		return NULL;
	}
	while (off < cd->b64.len) {
		ssize_t w = write(fd, cd->b64.buf + off, cd->b64.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (close(fd) != 0 || off < cd->b64.len) {
		strbuf_addf(msg, "; writing %s failed", path);
		free(path);
		return NULL;
	}
	return path;
}

/* What the ELF core file of a good dump says of the crashed task. */
static void
describe_core(struct coredump *cd, const unsigned char *d, size_t n,
    const char *sum, struct strbuf *msg)
{
	const char *why;
	struct coreelf_crash *c = &cd->crash;

	switch (coreelf_read(d, n, strcmp(sum, "CRC-32") == 0 ? 4 : 32, c,
	    &why)) {
	case COREELF_OK:
		cd->has_crash = 1;
		strbuf_addf(msg, "; an ELF core dump of %u task%s (%s), the "
		    "crashed one's TCB at 0x%08x", c->ntasks, c->ntasks == 1 ?
		    "" : "s", c->xtensa ? "Xtensa" : "RISC-V", c->tcb);
		if (c->reason[0] != '\0')
			strbuf_addf(msg, ", panic reason '%s'", c->reason);
		break;
	case COREELF_BAD:
		strbuf_addf(msg, "; its ELF core file is malformed (%s): "
		    "esp-coredump may still read part of it", why);
		break;
	case COREELF_NOT_ELF:
		break;		/* the binary format: esp-coredump reads it */
	}
}

const struct coreelf_crash *
coredump_crash(const struct coredump *cd)
{
	return cd->has_crash ? &cd->crash : NULL;
}

/* The report of the block that ends (or is cut) here. */
static char *
close_block(struct coredump *cd, int ended)
{
	struct strbuf msg = STRBUF_INIT;
	unsigned char *d = NULL;
	long n = -1;
	const char *sum = NULL;
	char *path = NULL;
	struct diag_err err;

	diag_clear(&err);
	cd->n++;
	cd->has_crash = 0;
	strbuf_addf(&msg, "a UART core dump (lines %lu-%lu): ", cd->first,
	    cd->last);
	if (cd->too_big)
		strbuf_addf(&msg, "more than %u bytes of base64: not kept",
		    COREDUMP_MAX);
	else if (cd->bad)
		strbuf_addf(&msg, "line %lu is not base64: the block is "
		    "corrupted (a lost or garbled line)", cd->bad_line);
	else if (!ended)
		strbuf_addf(&msg, "the log ends before its CORE DUMP END line");
	else {
		d = xmalloc(cd->b64.len / 4 * 3 + 3);
		n = b64decode(cd->b64.buf, cd->b64.len, d);
		if (n < 0)
			strbuf_addf(&msg, "the base64 is malformed (%zu "
			    "characters)", cd->b64.len);
		else if (n < 24 || le32(d) != (uint32_t)n)
			strbuf_addf(&msg, "%ld bytes, but its header says %lu: "
			    "truncated or corrupted", n, n >= 4 ?
			    (unsigned long)le32(d) : 0ul);
		else if ((sum = checksum(d, (size_t)n, &err)) == NULL &&
		    err.text[0] != '\0')
			strbuf_addf(&msg, "%ld bytes, the checksum is not "
			    "checked: %s", n, err.text);
		else if (sum == NULL)
			strbuf_addf(&msg, "%ld bytes, the checksum (CRC-32 or "
			    "SHA-256) does not match: corrupted", n);
		else {
			strbuf_addf(&msg, "%ld bytes, %s checksum good", n, sum);
			describe_core(cd, d, (size_t)n, sum, &msg);
		}
	}
	if (sum != NULL && cd->dir != NULL)
		path = save(cd, &msg);
	if (path != NULL)
		strbuf_addf(&msg, "; saved to %s: inspect it with 'esp-coredump "
		    "info_corefile -t b64 -c %s build/app.elf' (or 'idf.py "
		    "coredump-info -c %s')", path, path, path);
	else if (sum != NULL)
		strbuf_addf(&msg, "; save it with --coredump-dir DIR and inspect "
		    "it with 'esp-coredump info_corefile -t b64 -c FILE "
		    "build/app.elf' (or 'idf.py coredump-info -c FILE')");
	free(path);
	free(d);
	cd->open = 0;
	cd->bad = 0;
	cd->too_big = 0;
	strbuf_release(&cd->b64);
	strbuf_init(&cd->b64, 0);
	return strbuf_detach(&msg);
}

const char coredump_needle[] = COREDUMP_NEEDLE;

int
coredump_busy(const struct coredump *cd)
{
	return cd->open;
}

char *
coredump_feed(struct coredump *cd, unsigned long lineno, const char *text,
    unsigned long *line)
{
	const char *p;
	size_t i, n;

	if (!cd->open) {
		if (strstr(text, coredump_needle) == NULL)
			return NULL;
		cd->open = 1;
		cd->first = lineno;
		return NULL;
	}
	*line = cd->first;
	cd->last = lineno;
	if (strstr(text, "CORE DUMP END") != NULL)
		return close_block(cd, 1);
	if (strstr(text, "CORE DUMP START") != NULL) {
		char *r;

		cd->last = lineno - 1;
		r = close_block(cd, 0);

		cd->open = 1;
		cd->first = lineno;
		return r;
	}
	/* base64 text, as printed: no prefix, no spaces */
	p = text;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++)
		if (b64val((unsigned char)p[i]) < 0 && p[i] != '=')
			break;
	if (i < n || n == 0) {
		if (!cd->bad && n > 0) {
			cd->bad = 1;
			cd->bad_line = lineno;
		}
		return NULL;
	}
	if (cd->b64.len + n > COREDUMP_MAX)
		cd->too_big = 1;
	else
		strbuf_add(&cd->b64, p, n);
	return NULL;
}

char *
coredump_finish(struct coredump *cd, unsigned long *line)
{
	if (!cd->open)
		return NULL;
	*line = cd->first;
	return close_block(cd, 0);
}
