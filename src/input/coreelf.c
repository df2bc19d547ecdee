/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coreelf: the crashed task of an ESP-IDF ELF core dump (coreelf.h).
 * Every offset and size read from the dump is checked against its length
 * before use.
 */
#include <string.h>

#include "coreelf.h"
#include "le.h"

#define EM_XTENSA_	94
#define EM_RISCV_	243
#define ET_CORE_	4
#define PT_LOAD_	1
#define PT_NOTE_	4
#define NT_PRSTATUS_	1
#define NT_ESP_INFO	8266
#define NT_ESP_EXTRA	677
#define NT_ESP_PANIC	679
#define PRSTATUS_REGS	72	/* pr_reg in the NT_PRSTATUS note */
#define XT_A0		64	/* Xtensa a0 in pr_reg (words) */
#define MAX_NOTES	4096	/* notes looked at */



struct core {
	const unsigned char *e;		/* the ELF core file */
	size_t		 n;
	uint32_t	 phoff;
	unsigned	 phnum;
};

/* Program header i: type, offset, vaddr, filesz; 0, or -1 if outside. */
static int
phdr(const struct core *c, unsigned i, uint32_t *type, uint32_t *off,
    uint32_t *vaddr, uint32_t *size)
{
	const unsigned char *p = c->e + c->phoff + (size_t)i * 32;

	*type = le32(p);
	*off = le32(p + 4);
	*vaddr = le32(p + 8);
	*size = le32(p + 16);
	return *off > c->n || *size > c->n - *off ? -1 : 0;
}

/* A word of the dumped memory (PT_LOAD segments); 0 if it is there. */
static int
read32(const struct core *c, uint32_t addr, uint32_t *v)
{
	uint32_t type, off, vaddr, size;
	unsigned i;

	for (i = 0; i < c->phnum; i++) {
		if (phdr(c, i, &type, &off, &vaddr, &size) != 0 ||
		    type != PT_LOAD_)
			continue;
		if (addr >= vaddr && size >= 4 && addr - vaddr <= size - 4) {
			*v = le32(c->e + off + (addr - vaddr));
			return 0;
		}
	}
	return -1;
}

static void
add_frame(struct coreelf_crash *out, uint32_t pc, const char *what)
{
	if (out->npc >= COREELF_MAX_FRAMES)
		return;
	out->pc[out->npc] = pc;
	strncpy(out->what[out->npc], what, sizeof(out->what[0]) - 1);
	out->npc++;
}

/* A return address as the call's site: the window bits mapped, 3 back. */
static uint32_t
xt_call_site(uint32_t ra)
{
	return ((ra & 0x3fffffffu) | 0x40000000u) - 3;
}

/* The crashed task's frames from its registers (and, Xtensa, stack). */
static void
frames_of(const struct core *c, const unsigned char *regs, size_t nregs,
    struct coreelf_crash *out)
{
	uint32_t pc, next, sp, nsp;

	if (nregs < 1)
		return;
	add_frame(out, le32(regs), "PC");
	if (!out->xtensa) {
		if (nregs >= 2 && le32(regs + 4) != 0)
			add_frame(out, le32(regs + 4), "RA");
		return;
	}
	if (nregs < XT_A0 + 2)
		return;
	next = le32(regs + 4 * XT_A0);
	sp = le32(regs + 4 * (XT_A0 + 1));
	/* ESP-IDF's walk: the caller's pc is this frame's a0; the next a0
	   and sp are in the base save area, 16 and 12 bytes below sp */
	while (out->npc < COREELF_MAX_FRAMES && next != 0 && sp >= 16) {
		pc = xt_call_site(next);
		add_frame(out, pc, out->npc == 1 ? "A0" : "frame");
		if (read32(c, sp - 16, &next) != 0 ||
		    read32(c, sp - 12, &nsp) != 0 || nsp <= sp)
			break;	/* the stack grows down: a caller is above */
		sp = nsp;
	}
}

/* Copies a note's text (NUL-padded) into dst, printable bytes only. */
static void
note_text(char *dst, size_t cap, const unsigned char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && s[i] != '\0' && k + 1 < cap; i++)
		dst[k++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	dst[k] = '\0';
}

/* A note of a PT_NOTE segment [*p, end). */
struct note {
	uint32_t	 type;
	const unsigned char *name, *desc;
	uint32_t	 nsz, dsz;
};

/* The note at *p, advancing it: 1; 0 at the end; -1 if cut short. */
static int
next_note(const unsigned char **p, const unsigned char *end, struct note *nt)
{
	size_t na, da;

	if ((size_t)(end - *p) < 12)
		return 0;
	nt->nsz = le32(*p);
	nt->dsz = le32(*p + 4);
	nt->type = le32(*p + 8);
	na = ((size_t)nt->nsz + 3) & ~(size_t)3;
	da = ((size_t)nt->dsz + 3) & ~(size_t)3;
	nt->name = *p + 12;
	if (na > (size_t)(end - nt->name) || nt->dsz > (size_t)(end -
	    nt->name) - na)
		return -1;
	nt->desc = nt->name + na;
	*p = da > (size_t)(end - nt->desc) ? end : nt->desc + da;
	return 1;
}

static int
is_prstatus(const struct note *nt)
{
	return nt->type == NT_PRSTATUS_ && nt->nsz == 5 &&
	    memcmp(nt->name, "CORE", 5) == 0 && nt->dsz >= PRSTATUS_REGS + 4;
}

/*
 * Walks the notes: pass 0 reads the ESP notes, pass 1 finds the crashed
 * task's NT_PRSTATUS (the TCB EXTRA_INFO named, else the first).
 */
static int
walk_notes(const struct core *c, int pass, struct coreelf_crash *out,
    int have_tcb, struct note *task, const char **why)
{
	uint32_t type, off, vaddr, size;
	unsigned i, count = 0;
	struct note nt;
	int r;

	for (i = 0; i < c->phnum; i++) {
		const unsigned char *p, *end;

		if (phdr(c, i, &type, &off, &vaddr, &size) != 0) {
			*why = "a segment is outside the file";
			return -1;
		}
		if (type != PT_NOTE_)
			continue;
		p = c->e + off;
		end = p + size;
		while (count++ < MAX_NOTES && (r = next_note(&p, end, &nt)) != 0) {
			if (r < 0) {
				*why = "a note is cut short";
				return -1;
			}
			if (pass == 1) {
				if (!is_prstatus(&nt))
					continue;
				if (task->desc == NULL)
					*task = nt;
				if (have_tcb && le32(nt.desc + 24) == out->tcb) {
					*task = nt;
					return 0;
				}
				continue;
			}
			if (is_prstatus(&nt))
				out->ntasks++;
			else if (nt.type == NT_ESP_INFO && nt.dsz >= 4)
				note_text(out->app_sha, sizeof(out->app_sha),
				    nt.desc + 4, nt.dsz - 4);
			else if (nt.type == NT_ESP_EXTRA && nt.dsz >= 4 &&
			    out->tcb == 0)
				out->tcb = le32(nt.desc);
			else if (nt.type == NT_ESP_PANIC)
				note_text(out->reason, sizeof(out->reason),
				    nt.desc, nt.dsz);
		}
	}
	return 0;
}

enum coreelf_status
coreelf_read(const unsigned char *d, size_t n, size_t sumlen,
    struct coreelf_crash *out, const char **why)
{
	struct note task;
	struct core c;
	uint32_t ver;
	size_t hdr;
	int have_tcb;

	memset(out, 0, sizeof(*out));
	memset(&task, 0, sizeof(task));
	*why = NULL;
	if (n < 8)
		return COREELF_NOT_ELF;
	ver = le32(d + 4) & 0xffffu;
	if (ver < 0x100 || ver > 0x104)
		return COREELF_NOT_ELF;
	hdr = ver == 0x104 ? 12 : ver >= 0x102 ? 24 : 20;
	if (n < hdr + sumlen + 52) {
		*why = "too short for an ELF core file";
		return COREELF_BAD;
	}
	c.e = d + hdr;
	c.n = n - hdr - sumlen;
	if (memcmp(c.e, "\177ELF", 4) != 0 || c.e[4] != 1 || c.e[5] != 1) {
		*why = "no 32-bit little-endian ELF after the header";
		return COREELF_BAD;
	}
	if (le16(c.e + 16) != ET_CORE_ || (le16(c.e + 18) != EM_XTENSA_ &&
	    le16(c.e + 18) != EM_RISCV_)) {
		*why = "not an Xtensa or RISC-V ELF core file";
		return COREELF_BAD;
	}
	out->xtensa = le16(c.e + 18) == EM_XTENSA_;
	c.phoff = le32(c.e + 28);
	c.phnum = le16(c.e + 44);
	if (c.phnum > 0 && (le16(c.e + 42) != 32 || c.phoff > c.n ||
	    (size_t)c.phnum * 32 > c.n - c.phoff)) {
		*why = "its program headers are outside the file";
		return COREELF_BAD;
	}
	if (walk_notes(&c, 0, out, 0, &task, why) != 0)
		return COREELF_BAD;
	have_tcb = out->tcb != 0;
	if (walk_notes(&c, 1, out, have_tcb, &task, why) != 0)
		return COREELF_BAD;
	if (task.desc == NULL) {
		*why = "it holds no task (no NT_PRSTATUS note)";
		return COREELF_BAD;
	}
	out->tcb = le32(task.desc + 24);
	frames_of(&c, task.desc + PRSTATUS_REGS, (task.dsz - PRSTATUS_REGS) / 4,
	    out);
	return COREELF_OK;
}
