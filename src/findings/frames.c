/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frames: crash blocks of a log decoded against the --elf files, and put
 * on findings (see frames.h).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "frames.h"
#include "ruleset.h"
#include "sanitize.h"
#include "strbuf.h"
#include "xalloc.h"

#define MAX_BLOCK_LINES 256	/* address lines kept of one block */
#define ATTACH_BEFORE 30	/* a finding this many lines before a block
				   may be the crash it decodes */

struct pline {
	unsigned long	 lineno;
	struct bt_line	 bl;
};

struct frames {
	struct elfsym *const *elfs;
	size_t		 nelfs;
	struct bt_state	 st;
	char		 boot_sha[65];	/* last "ELF file SHA256" at boot */
	int		 open;		/* a block is open */
	int		 has_bt;	/* it has a Backtrace line */
	unsigned long	 first, last;
	unsigned long	 idle;		/* lines since its last crash line */
	char		 block_sha[65];	/* the SHA the panic printed */
	unsigned long	 sha_line;
	struct pline	*pl;
	size_t		 npl, cappl;
	struct frames_crash *crashes;
	size_t		 ncrashes, capcrashes;
	size_t		 dropped;	/* crashes past FRAMES_MAX_CRASHES */
	int		 live_unchecked; /* frames_feed_live decoded this block
					   before any SHA was printed */
	int		 live_said;	/* its mismatch note was given */
};

struct frames *
frames_new(struct elfsym *const *elfs, size_t n)
{
	struct frames *fr = xcalloc(1, sizeof(*fr));

	fr->elfs = elfs;
	fr->nelfs = n;
	return fr;
}

static void
frame_list_free(struct frame *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].function);
		free(f[i].file);
	}
	free(f);
}

static void
crash_release(struct frames_crash *c)
{
	size_t i;

	for (i = 0; i < c->nlines; i++)
		frame_list_free(c->lines[i].f, c->lines[i].n);
	free(c->lines);
	frame_list_free(c->stack, c->nstack);
	free(c->note);
}

void
frames_forget(struct frames *fr)
{
	size_t i;

	for (i = 0; i < fr->ncrashes; i++)
		crash_release(&fr->crashes[i]);
	fr->ncrashes = 0;
}

void
frames_free(struct frames *fr)
{
	if (fr == NULL)
		return;
	frames_forget(fr);
	free(fr->crashes);
	free(fr->pl);
	free(fr);
}

size_t
frames_ncrashes(const struct frames *fr)
{
	return fr->ncrashes;
}

const struct frames_crash *
frames_crash(const struct frames *fr, size_t i)
{
	return &fr->crashes[i];
}

static char *
clean(const char *s)
{
	return s == NULL ? NULL : sanitize_dup(s, strlen(s));
}

/* Appends a frame to *v (n elements, cap capacity). */
static struct frame *
push(struct frame *v, size_t *n, size_t *cap, const struct frame *f)
{
	v = xgrow(v, cap, *n + 1, sizeof(*v));
	v[(*n)++] = *f;
	return v;
}

/* A deep copy of f[0..n) appended to *v. */
static struct frame *
push_copies(struct frame *v, size_t *n, size_t *cap, const struct frame *f,
    size_t nf, size_t max)
{
	size_t i;

	for (i = 0; i < nf && *n < max; i++) {
		struct frame c = f[i];

		c.function = f[i].function != NULL ? xstrdup(f[i].function) : NULL;
		c.file = f[i].file != NULL ? xstrdup(f[i].file) : NULL;
		v = push(v, n, cap, &c);
	}
	return v;
}

/* What the decoding of one block learnt, for its note. */
struct decoded {
	size_t		 sure;		/* non-probable addresses */
	size_t		 decoded;	/* of them, found in an ELF */
	const struct elfsym *mismatch;	/* an app ELF of another build */
	const struct elfsym *nolines;	/* decoded without line info */
};

/* The frames of one address, appended to *v. */
static struct frame *
decode_addr(struct frames *fr, const int *usable, const struct bt_addr *a,
    struct frame *v, size_t *n, size_t *cap, struct decoded *o)
{
	struct elfsym_frame ef[ELFSYM_MAX_FRAMES];
	struct frame f;
	size_t i, k, m = 0;

	memset(&f, 0, sizeof(f));
	f.pc = a->addr;
	f.probable = a->probable;
	memcpy(f.what, a->what, sizeof(f.what));
	if (!a->probable)
		o->sure++;
	for (i = 0; i < fr->nelfs; i++) {
		if (!usable[i] || !elfsym_in_code(fr->elfs[i], a->addr))
			continue;
		m = elfsym_lookup(fr->elfs[i], a->addr, ef, ELFSYM_MAX_FRAMES);
		if (m > 0)
			break;
	}
	if (m == 0) {
		if (!a->probable)	/* a stack word outside code: data */
			v = push(v, n, cap, &f);
		return v;
	}
	if (!a->probable)
		o->decoded++;
	if (!elfsym_has_lines(fr->elfs[i]))
		o->nolines = fr->elfs[i];
	for (k = 0; k < m; k++) {
		f.function = clean(ef[k].function);
		f.file = clean(ef[k].file);
		f.line = ef[k].line;
		f.inlined = ef[k].inlined;
		v = push(v, n, cap, &f);
	}
	return v;
}

/*
 * Whether a frame a monitor decoded in the log is one of the crash's
 * frames: idf.py monitor decodes every register that holds a code
 * address (T0, A5 ...), so when the block printed a backtrace or the
 * PC/RA registers, only their addresses count.
 */
static int
decoded_is_frame(const struct frames *fr, uint32_t pc)
{
	size_t j, i, nknown = 0;

	for (j = 0; j < fr->npl; j++) {
		const struct bt_line *bl = &fr->pl[j].bl;

		if (bl->kind != BT_BACKTRACE && bl->kind != BT_REGS &&
		    bl->kind != BT_ABORT)
			continue;
		for (i = 0; i < bl->naddrs; i++) {
			if (bl->addrs[i].probable)
				continue;
			nknown++;
			/* Xtensa A0 is kept 3 bytes back, at the call */
			if (bl->addrs[i].addr == pc ||
			    (strcmp(bl->addrs[i].what, "A0") == 0 &&
			    bl->addrs[i].addr + 3 == (pc & 0x3fffffffu) +
			    0x40000000u))
				return 1;
		}
	}
	return nknown == 0;
}

/*
 * Which ELFs may decode a crash of the build with this ELF SHA prefix
 * ("": unknown): usable[i]; an app ELF of another build is not.  Returns
 * the first such ELF, or NULL.
 */
static const struct elfsym *
usable_elfs(const struct frames *fr, const char *sha, int *usable)
{
	const struct elfsym *mismatch = NULL;
	size_t i;

	for (i = 0; i < fr->nelfs; i++) {
		usable[i] = !(elfsym_is_app(fr->elfs[i]) && sha[0] != '\0' &&
		    !elfsym_sha_matches(fr->elfs[i], sha));
		if (!usable[i] && mismatch == NULL)
			mismatch = fr->elfs[i];
	}
	return mismatch;
}

static void
close_block(struct frames *fr)
{
	struct frames_crash c;
	const char *sha = fr->block_sha[0] != '\0' ? fr->block_sha :
	    fr->boot_sha;
	int *usable = xcalloc(fr->nelfs + 1, sizeof(*usable));
	struct decoded o;
	size_t i, j, cap = 0, capl = 0, capx = 0, nx = 0;
	struct frame *extra = NULL;	/* register/stack frames */
	struct frame *dec = NULL;	/* frames decoded in the log */
	size_t ndec = 0, capd = 0;
	unsigned long dec_line = 0;
	int keep_dec = 0;
	int have_bt = 0;
	struct strbuf sb = STRBUF_INIT;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	c.first_line = fr->first;
	c.last_line = fr->last;
	o.mismatch = usable_elfs(fr, sha, usable);
	for (j = 0; j < fr->npl; j++) {
		const struct bt_line *bl = &fr->pl[j].bl;
		struct frames_line ln;
		size_t lcap = 0;

		memset(&ln, 0, sizeof(ln));
		ln.lineno = fr->pl[j].lineno;
		ln.numbered = bl->kind == BT_BACKTRACE;
		if (bl->kind == BT_DECODED) {
			struct frame f;

			if (bl->inlined_by ? !keep_dec : !(keep_dec =
			    decoded_is_frame(fr, bl->naddrs > 0 ?
			    bl->addrs[0].addr : 0)))
				continue;
			memset(&f, 0, sizeof(f));
			f.pc = bl->naddrs > 0 ? bl->addrs[0].addr : 0;
			if (bl->inlined_by && ndec > 0) {
				dec[ndec - 1].inlined = 1;
				f.pc = dec[ndec - 1].pc;
			}
			f.function = clean(bl->func);
			f.file = clean(bl->file);
			f.line = bl->line;
			strcpy(f.what, "decoded");
			if (ndec == 0)
				dec_line = fr->pl[j].lineno;
			if (ndec < FRAMES_MAX_STACK)
				dec = push(dec, &ndec, &capd, &f);
			else {
				free(f.function);
				free(f.file);
			}
			continue;
		}
		if (fr->nelfs == 0 && bl->kind != BT_ASSERT)
			continue;	/* nothing to decode them with */
		if (bl->kind == BT_ASSERT) {
			struct frame f;

			if (c.nstack > 0 || have_bt)
				continue;
			memset(&f, 0, sizeof(f));
			f.function = bl->func[0] != '\0' ? clean(bl->func) : NULL;
			f.file = clean(bl->file);
			f.line = bl->line;
			strcpy(f.what, "assert");
			extra = push(extra, &nx, &capx, &f);
			continue;
		}
		for (i = 0; i < bl->naddrs; i++)
			ln.f = decode_addr(fr, usable, &bl->addrs[i], ln.f, &ln.n,
			    &lcap, &o);
		if (bl->kind == BT_BACKTRACE && !have_bt) {
			have_bt = 1;
			c.stack = push_copies(c.stack, &c.nstack, &cap, ln.f, ln.n,
			    FRAMES_MAX_STACK);
			c.stack_line = ln.lineno;
		} else if (!have_bt && bl->kind != BT_BACKTRACE) {
			extra = push_copies(extra, &nx, &capx, ln.f, ln.n,
			    FRAMES_MAX_STACK);
			if (c.stack_line == 0)
				c.stack_line = ln.lineno;
		}
		if (ln.n == 0) {
			free(ln.f);
			continue;
		}
		c.lines = xgrow(c.lines, &capl, c.nlines + 1, sizeof(*c.lines));
		c.lines[c.nlines++] = ln;
	}
	if (!have_bt) {
		c.stack = extra;
		c.nstack = nx;
		extra = NULL;
		nx = 0;
	}
	frame_list_free(extra, nx);
	/* frames a monitor decoded in the log, when --elf gave none */
	if (ndec > 0 && (fr->nelfs == 0 || o.decoded == 0)) {
		frame_list_free(c.stack, c.nstack);
		c.stack = dec;
		c.nstack = ndec;
		c.stack_line = dec_line;
		dec = NULL;
		ndec = 0;
	}
	frame_list_free(dec, ndec);
	if (fr->nelfs == 0)
		;	/* without --elf there is nothing to say */
	else if (o.mismatch != NULL && o.sure > 0)
		strbuf_addf(&sb, "the crash was printed by the build with ELF "
		    "file SHA256 %s, and %s is another build (SHA256 %.16s): "
		    "its addresses are not decoded; give the ELF of the build "
		    "that ran%s", sha, elfsym_path(o.mismatch),
		    elfsym_sha256(o.mismatch), elfsym_has_lines(o.mismatch) ? "" :
		    " (a stripped copy has another SHA-256: give the ELF from "
		    "the build folder)");
	else if (o.sure > 0 && o.decoded == 0)
		strbuf_addf(&sb, "none of the crash's addresses is in the code "
		    "of the --elf files: give the ELF of the build that ran "
		    "(the app; the bootloader or ROM ELF for their addresses)");
	else if (o.nolines != NULL)
		strbuf_addf(&sb, "%s has no line information (stripped of "
		    "its debug sections?): function names only",
		    elfsym_path(o.nolines));
	else if (o.decoded > 0 && sha[0] == '\0')
		strbuf_addf(&sb, "the log prints no ELF file SHA256, so the "
		    "decoded frames assume --elf is the build that ran");
	if (o.mismatch != NULL && o.decoded == 0) {
		/* nothing from another build, not even "in no --elf" */
		for (j = 0; j < c.nlines; j++)
			frame_list_free(c.lines[j].f, c.lines[j].n);
		free(c.lines);
		c.lines = NULL;
		c.nlines = 0;
		frame_list_free(c.stack, c.nstack);
		c.stack = NULL;
		c.nstack = 0;
	}
	c.naddrs = o.sure;
	c.ndecoded = o.decoded;
	if (sb.len > 0) {
		c.note = sanitize_dup(sb.buf, sb.len);
		strbuf_release(&sb);
	}
	free(usable);
	if (fr->ncrashes < FRAMES_MAX_CRASHES) {
		fr->crashes = xgrow(fr->crashes, &fr->capcrashes,
		    fr->ncrashes + 1, sizeof(*fr->crashes));
		fr->crashes[fr->ncrashes++] = c;
	} else {
		crash_release(&c);
		fr->dropped++;
	}
	fr->open = 0;
	fr->has_bt = 0;
	fr->npl = 0;
	fr->block_sha[0] = '\0';
}

static void
open_block(struct frames *fr, unsigned long lineno)
{
	fr->live_unchecked = 0;
	fr->live_said = 0;
	fr->open = 1;
	fr->has_bt = 0;
	fr->first = lineno;
	fr->last = lineno;
	fr->idle = 0;
	fr->npl = 0;
	fr->block_sha[0] = '\0';
}

int
frames_busy(const struct frames *fr)
{
	return fr->open || fr->st.in_stack;
}

int
frames_feed(struct frames *fr, unsigned long lineno, const char *text)
{
	struct bt_line bl;

	bt_parse(&fr->st, text, &bl);
	switch (bl.kind) {
	case BT_NONE:
		if (fr->open && !bt_block_goes_on(bl.kind, &fr->idle))
			close_block(fr);
		return fr->open;
	case BT_SHA:
		if (!fr->open) {
			memcpy(fr->boot_sha, bl.sha, sizeof(fr->boot_sha));
			return 0;
		}
		memcpy(fr->block_sha, bl.sha, sizeof(fr->block_sha));
		fr->last = lineno;
		fr->idle = 0;
		return 1;
	case BT_END:
		if (!fr->open)
			return 0;
		fr->last = lineno;
		close_block(fr);
		/* the next boot prints its own SHA */
		fr->boot_sha[0] = '\0';
		return 0;
	case BT_START:
		if (fr->open && fr->npl > 0)
			close_block(fr);
		break;
	case BT_BACKTRACE:
		if (fr->open && fr->has_bt)
			close_block(fr);
		break;
	default:
		break;
	}
	if (!fr->open)
		open_block(fr, lineno);
	fr->last = lineno;
	fr->idle = 0;
	if (bl.kind == BT_BACKTRACE)
		fr->has_bt = 1;
	if ((bl.naddrs > 0 || bl.kind == BT_ASSERT || bl.kind == BT_DECODED) &&
	    fr->npl < MAX_BLOCK_LINES) {
		fr->pl = xgrow(fr->pl, &fr->cappl, fr->npl + 1, sizeof(*fr->pl));
		fr->pl[fr->npl].lineno = lineno;
		fr->pl[fr->npl].bl = bl;
		fr->npl++;
	}
	return 1;
}

void
frames_flush(struct frames *fr)
{
	if (fr->open)
		close_block(fr);
}

int
frames_feed_live(struct frames *fr, unsigned long lineno, const char *text,
    struct frames_line *out, char **note)
{
	char prev_sha[sizeof(fr->block_sha)];
	const struct bt_line *bl;
	const struct elfsym *mismatch;
	const char *sha;
	struct decoded o;
	int *usable, open;
	size_t i, cap = 0;

	memset(out, 0, sizeof(*out));
	out->lineno = lineno;
	*note = NULL;
	memcpy(prev_sha, fr->block_sha, sizeof(prev_sha));
	open = frames_feed(fr, lineno, text);
	frames_forget(fr);	/* the blocks' ends: the analysis's work */
	if (!open || fr->nelfs == 0)
		return open;
	sha = fr->block_sha[0] != '\0' ? fr->block_sha : fr->boot_sha;
	usable = xcalloc(fr->nelfs, sizeof(*usable));
	mismatch = usable_elfs(fr, sha, usable);
	if (strcmp(prev_sha, fr->block_sha) != 0 && mismatch != NULL &&
	    fr->live_unchecked && !fr->live_said) {
		/* the panic's SHA, printed after frames shown unchecked */
		*note = xasprintf("the frames shown above are wrong: the crash "
		    "was printed by the build with ELF file SHA256 %s, and %s "
		    "is another build (SHA256 %.16s)", sha,
		    elfsym_path(mismatch), elfsym_sha256(mismatch));
		fr->live_said = 1;
	}
	bl = fr->npl > 0 && fr->pl[fr->npl - 1].lineno == lineno ?
	    &fr->pl[fr->npl - 1].bl : NULL;
	if (bl == NULL || bl->naddrs == 0 || bl->kind == BT_DECODED) {
		free(usable);
		return open;
	}
	memset(&o, 0, sizeof(o));
	out->numbered = bl->kind == BT_BACKTRACE;
	for (i = 0; i < bl->naddrs; i++)
		out->f = decode_addr(fr, usable, &bl->addrs[i], out->f, &out->n,
		    &cap, &o);
	for (i = 0; i < out->n && out->f[i].function == NULL; i++)
		;
	if (i == out->n) {
		/* nothing named: no line of bare addresses */
		frames_line_release(out);
		out->lineno = lineno;
	}
	if (o.sure > 0 && o.decoded == 0 && mismatch != NULL &&
	    !fr->live_said) {
		*note = xasprintf("not decoded: the crash is from the build "
		    "with ELF file SHA256 %s, and %s is another build (SHA256 "
		    "%.16s)", sha, elfsym_path(mismatch),
		    elfsym_sha256(mismatch));
		fr->live_said = 1;
	}
	if (o.decoded > 0 && sha[0] == '\0')
		fr->live_unchecked = 1;
	free(usable);
	return open;
}

char *
frames_coredump(struct frames *fr, const struct coreelf_crash *cc)
{
	struct strbuf sb = STRBUF_INIT;
	const struct elfsym *mismatch;
	struct frames_line ln;
	char *out;
	struct decoded o;
	struct bt_addr a;
	int *usable;
	size_t i, cap = 0;

	if (cc == NULL || fr->nelfs == 0)
		return NULL;
	usable = xcalloc(fr->nelfs, sizeof(*usable));
	mismatch = usable_elfs(fr, cc->app_sha, usable);
	memset(&o, 0, sizeof(o));
	memset(&ln, 0, sizeof(ln));
	ln.numbered = 1;
	for (i = 0; i < cc->npc; i++) {
		memset(&a, 0, sizeof(a));
		a.addr = cc->pc[i];
		snprintf(a.what, sizeof(a.what), "%s", cc->what[i]);
		ln.f = decode_addr(fr, usable, &a, ln.f, &ln.n, &cap, &o);
	}
	if (o.decoded == 0 && mismatch != NULL)
		strbuf_addf(&sb, "the core dump is of the build with ELF file "
		    "SHA256 %s, and %s is another build (SHA256 %.16s): its "
		    "frames are not decoded", cc->app_sha, elfsym_path(mismatch),
		    elfsym_sha256(mismatch));
	else if (o.decoded == 0)
		strbuf_addf(&sb, "the crashed task's addresses are in the code "
		    "of no --elf");
	else {
		strbuf_addf(&sb, "the crashed task's stack:");
		for (i = 0; i < ln.n; i++) {
			char *d = frames_describe(&ln.f[i]);

			strbuf_addf(&sb, "%s #%zu %s", i > 0 ? "," : "", i, d);
			free(d);
		}
		if (!cc->xtensa)
			strbuf_addf(&sb, " (PC and RA only: esp-coredump "
			    "unwinds the rest)");
	}
	frames_line_release(&ln);
	free(usable);
	out = sanitize_dup(sb.buf, sb.len);
	strbuf_release(&sb);
	return out;
}

void
frames_line_release(struct frames_line *ln)
{
	frame_list_free(ln->f, ln->n);
	memset(ln, 0, sizeof(*ln));
}

char *
frames_line_text(const struct frames_line *ln, size_t i)
{
	const struct frame *f = &ln->f[i];
	char *d = frames_describe(f), *t;

	if (ln->numbered)
		t = xasprintf("#%-2zu 0x%08llx: %s", i, f->pc, d);
	else
		t = xasprintf("%-5s 0x%08llx: %s", f->what, f->pc, d);
	free(d);
	return t;
}

static int
glob_any(const char *const *globs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n && name != NULL; i++)
		if (fnmatch(globs[i], name, 0) == 0)
			return 1;
	return 0;
}

int
frames_match(const struct rule_frames *cond, const struct frame *f, size_t n,
    const struct frame **matched)
{
	const struct frame *any = NULL, *top = NULL, *named = NULL;
	size_t i;
	long seen = 0;

	*matched = NULL;
	for (i = 0; i < n; i++) {
		if (f[i].probable)
			continue;
		if (named == NULL && f[i].function != NULL)
			named = &f[i];
		if (seen++ < cond->depth && top == NULL &&
		    glob_any(cond->top, cond->ntop, f[i].function))
			top = &f[i];
		if (any == NULL && glob_any(cond->any, cond->nany, f[i].function))
			any = &f[i];
		if (glob_any(cond->none, cond->nnone, f[i].function))
			return 0;
	}
	if ((cond->ntop > 0 && top == NULL) || (cond->nany > 0 && any == NULL) ||
	    named == NULL ||
	    glob_any(cond->not_top, cond->nnot_top, named->function))
		return 0;
	*matched = any != NULL ? any : top != NULL ? top : named;
	return 1;
}

char *
frames_name(const struct frame *f)
{
	const char *fn = f->function != NULL ? f->function : "??";

	/* a demangled C++ name has its parameter list already */
	return strchr(fn, '(') != NULL ? xstrdup(fn) : xasprintf("%s()", fn);
}

char *
frames_describe(const struct frame *f)
{
	struct strbuf sb = STRBUF_INIT;

	if (f->function == NULL && f->file == NULL)
		strbuf_addf(&sb, "0x%08llx (in no --elf)", f->pc);
	else {
		char *name = frames_name(f);

		strbuf_addf(&sb, "%s", name);
		free(name);
		if (f->file != NULL)
			strbuf_addf(&sb, " at %s:%u", f->file, f->line);
		if (f->inlined)
			strbuf_addf(&sb, " (inlined)");
	}
	if (f->probable)
		strbuf_addf(&sb, " (probable)");
	return strbuf_detach(&sb);
}

static void
add_note(struct input_result *r, unsigned long line, char *text)
{
	r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof(*r->notes));
	r->notes[r->nnotes].line = line;
	r->notes[r->nnotes].text = text;
	r->nnotes++;
}

/* The finding a crash block explains, or -1. */
static int
finding_for(const struct input_result *r, const struct frames_crash *c)
{
	unsigned long lo = c->first_line > ATTACH_BEFORE ?
	    c->first_line - ATTACH_BEFORE : 0;
	int best = -1, best_score = -1;
	size_t i, k;

	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = r->findings[i];
		int score;
		enum cause_class cc = cause_class(f->cause);

		for (k = 0; k < f->nlines; k++)
			if (f->lines[k] >= lo && f->lines[k] <= c->last_line)
				break;
		/* a stack explains a crash (or an allocation that aborted),
		   not a TLS error printed nearby */
		if (k == f->nlines || f->frames != NULL ||
		    (cc != CAUSE_CRASH && cc != CAUSE_MEMORY))
			continue;
		score = (int)f->severity * 4 + (cc == CAUSE_CRASH ? 2 : 0) +
		    (cc == CAUSE_MEMORY ? 1 : 0);
		if (score > best_score) {
			best = (int)i;
			best_score = score;
		}
	}
	return best;
}

void
frames_attach(struct frames *fr, struct input_result *r)
{
	size_t i;

	frames_flush(fr);
	for (i = 0; i < fr->ncrashes; i++) {
		struct frames_crash *c = &fr->crashes[i];
		int fi;

		if (c->note != NULL) {
			add_note(r, c->first_line, xasprintf("line %lu: %s",
			    c->first_line, c->note));
		}
		if (c->nstack == 0)
			continue;
		if ((fi = finding_for(r, c)) >= 0) {
			struct finding *f = r->findings[fi];

			f->frames = c->stack;
			f->nframes = c->nstack;
			f->frames_line = c->stack_line;
			c->stack = NULL;
			c->nstack = 0;
		} else if (fr->nelfs > 0) {
			char *d = frames_describe(&c->stack[0]);

			add_note(r, c->stack_line, xasprintf("line %lu: a crash "
			    "no rule explains; its stack starts at %s",
			    c->stack_line, d));
			free(d);
		}
	}
	if (fr->dropped > 0)
		add_note(r, 0, xasprintf("%zu more crashes not decoded",
		    fr->dropped));
	frames_forget(fr);
}
