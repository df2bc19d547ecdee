/* SPDX-License-Identifier: Apache-2.0 */
/*
 * elfsym: functions and source lines of a firmware ELF (see elfsym.h).
 *
 * libelf checks the file and gives the symbol table, which is indexed
 * once (sorted function symbols); libdw gives the compile unit of an
 * address, its line table (cached by libdw per unit) and the scopes at the
 * address, whose inlined subroutines carry the call sites.  The SHA-256 is
 * libcrypto's.
 *
 * C++ names are shown qualified and demangled, as addr2line -C shows them
 * ("UpdateClass::write(unsigned char*, unsigned int)"): a function DIE's
 * DW_AT_linkage_name (through its abstract origin or specification),
 * demangled, else its DW_AT_name (C); a symbol table name that is mangled
 * (_Z...), demangled.  The demangler is
 * libstdc++'s __cxa_demangle (the Itanium C++ ABI's, a C-linkage function
 * of the runtime every g++ build uses); each mangled string is demangled
 * once (names, keyed by the string's address in the ELF's mapping).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cryptoapi.h"
#include "elfapi.h"
#include "elfsym.h"
#include "xalloc.h"

#define CACHE_SLOTS 4096	/* addresses remembered (open addressing) */

/*
 * A name made for people: owned, keyed by the address of what it was made
 * from in the ELF's mapping (a mangled string, a declaration's DIE).
 */
struct dname {
	const void	*key;
	char		*name;		/* owned; NULL: none (use the original) */
};

struct sym {
	uint64_t	 addr;
	uint64_t	 size;
	const char	*name;		/* in the ELF's string table */
};

struct range {
	uint64_t	 lo, hi;	/* [lo, hi) */
};

/* A row of a line table. */
struct lrow {
	uint64_t	 addr;
	const char	*file;		/* libdw's */
	unsigned	 line;
	unsigned	 end;		/* end of a sequence: no line here */
	size_t		 order;		/* position in the tables */
};

/* A function or an inlined call with code (DWARF scope). */
struct scope {
	const char	*name;
	int		 inlined;
	const char	*call_file;	/* inlined: where it was called */
	unsigned	 call_line;
	long		 parent;	/* enclosing scope, -1 */
	unsigned	 depth;
};

/* One address range of a scope. */
struct span {
	uint64_t	 lo, hi;	/* [lo, hi) */
	size_t		 scope;
	unsigned	 depth;
	uint64_t	 maxhi;		/* max hi of spans[0..this] */
};

struct slot {
	uint64_t	 addr;
	int		 used;
	size_t		 n;
	struct elfsym_frame f[ELFSYM_MAX_FRAMES];
};

struct elfsym {
	const struct elfapi *ea;	/* the libraries, loaded (elfapi.h) */
	char		*path;
	char		 sha[65];
	int		 fd;
	Elf		*elf;
	Dwarf		*dw;		/* NULL without DWARF */
	int		 has_lines;
	int		 is_app;
	struct sym	*syms;		/* function symbols, by address */
	size_t		 nsyms;
	struct range	*code;
	size_t		 ncode;
	struct lrow	*rows;		/* line tables, by address */
	size_t		 nrows;
	struct scope	*scopes;
	size_t		 nscopes;
	struct span	*spans;		/* by lo, then depth */
	size_t		 nspans;
	struct slot	*cache;		/* CACHE_SLOTS, allocated on first use */
	size_t		 ncached;
	struct dname	*names;		/* demangled names (open addressing) */
	size_t		 capnames;	/* a power of two, or 0 */
	size_t		 nnames;
	pthread_mutex_t	 lock;
};

static size_t
name_hash(const void *p, size_t cap)
{
	return (size_t)(((uintptr_t)p * 0x9E3779B97F4A7C15ull) >> 20) &
	    (cap - 1);
}

/*
 * The slot of key in the name table (grown to stay at most 3/4 full): a
 * new slot has key set and name NULL, and is counted.
 */
static struct dname *
name_slot(struct elfsym *es, const void *key, int *fresh)
{
	size_t h, i;

	if (es->nnames + 1 > es->capnames / 4 * 3) {
		struct dname *old = es->names;
		size_t oldcap = es->capnames;

		es->capnames = oldcap > 0 ? oldcap * 2 : 256;
		es->names = xcalloc(es->capnames, sizeof(*es->names));
		for (i = 0; i < oldcap; i++) {
			if (old[i].key == NULL)
				continue;
			h = name_hash(old[i].key, es->capnames);
			while (es->names[h].key != NULL)
				h = (h + 1) & (es->capnames - 1);
			es->names[h] = old[i];
		}
		free(old);
	}
	h = name_hash(key, es->capnames);
	while (es->names[h].key != NULL && es->names[h].key != key)
		h = (h + 1) & (es->capnames - 1);
	*fresh = es->names[h].key == NULL;
	if (*fresh) {
		es->names[h].key = key;
		es->nnames++;
	}
	return &es->names[h];
}

/*
 * The demangled form of a mangled C++ name (_Z...), or s itself when it is
 * not one or does not demangle.  s must live in the ELF's mapping (its
 * address is the key); the result is borrowed until elfsym_free.
 */
static const char *
demangled(struct elfsym *es, const char *s)
{
	const struct elfapi *ea = es->ea;
	struct dname *d;
	int fresh, status = -1;

	if (s == NULL || s[0] != '_' || s[1] != 'Z')
		return s;
	d = name_slot(es, s, &fresh);
	if (fresh) {
		d->name = ea->__cxa_demangle(s, NULL, NULL, &status);
		if (status != 0) {
			free(d->name);
			d->name = NULL;
		}
	}
	return d->name != NULL ? d->name : s;
}

static int
sha256_file(const struct cryptoapi *cr, int fd, char hex[65])
{
	EVP_MD_CTX *ctx = cr->EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned mdlen = 0, i;
	char *buf = xmalloc(1 << 20);
	ssize_t n;
	int rc = -1;

	if (ctx == NULL ||
	    cr->EVP_DigestInit_ex(ctx, cr->EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		n = read(fd, buf, 1 << 20);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (cr->EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			goto out;
	}
	if (cr->EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		goto out;
	for (i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	hex[64] = '\0';
	rc = 0;
out:
	free(buf);
	cr->EVP_MD_CTX_free(ctx);
	return rc;
}

static int
cmp_sym(const void *x, const void *y)
{
	const struct sym *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	/* the sized symbol first, so a lookup finds it */
	return a->size > b->size ? -1 : a->size < b->size;
}

/* Reads the sections: code ranges, the symbol table; checks sizes. */
static int
scan_sections(struct elfsym *es, off_t fsize, struct diag_err *err)
{
	const struct elfapi *ea = es->ea;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Ehdr eh;
	size_t shstrndx, cap = 0, ccap = 0;

	if (ea->gelf_getehdr(es->elf, &eh) == NULL)
		return diag_set(err, DIAG_EFORMAT, es->path, 0, 0,
		    "not a usable ELF: %s", ea->elf_errmsg(-1));
	if (eh.e_shoff == 0 || eh.e_shoff > (uint64_t)fsize ||
	    (uint64_t)eh.e_shnum * eh.e_shentsize > (uint64_t)fsize - eh.e_shoff)
		return diag_set(err, DIAG_EFORMAT, es->path, 0, 0,
		    "truncated ELF: its section headers (byte %llu) are past "
		    "the end of the file (%lld bytes)",
		    (unsigned long long)eh.e_shoff, (long long)fsize);
	if (ea->elf_getshdrstrndx(es->elf, &shstrndx) != 0)
		return diag_set(err, DIAG_EFORMAT, es->path, 0, 0,
		    "not a usable ELF: %s", ea->elf_errmsg(-1));
	while ((scn = ea->elf_nextscn(es->elf, scn)) != NULL) {
		Elf_Data *d;
		size_t i, n;

		if (ea->gelf_getshdr(scn, &sh) == NULL)
			return diag_set(err, DIAG_EFORMAT, es->path, 0, 0,
			    "not a usable ELF: %s", ea->elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > (uint64_t)fsize ||
		    sh.sh_size > (uint64_t)fsize - sh.sh_offset))
			return diag_set(err, DIAG_EFORMAT, es->path, 0, 0,
			    "truncated ELF: section %zu ends at byte %llu, the "
			    "file has %lld", ea->elf_ndxscn(scn),
			    (unsigned long long)(sh.sh_offset + sh.sh_size),
			    (long long)fsize);
		if ((sh.sh_flags & SHF_EXECINSTR) && (sh.sh_flags & SHF_ALLOC) &&
		    sh.sh_size > 0) {
			es->code = xgrow(es->code, &ccap, es->ncode + 1,
			    sizeof(*es->code));
			es->code[es->ncode].lo = sh.sh_addr;
			es->code[es->ncode].hi = sh.sh_addr + sh.sh_size;
			es->ncode++;
		}
		if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
			continue;
		if ((d = ea->elf_getdata(scn, NULL)) == NULL)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym s;
			const char *name;
			int type;

			if (ea->gelf_getsym(d, (int)i, &s) == NULL)
				break;
			type = GELF_ST_TYPE(s.st_info);
			name = ea->elf_strptr(es->elf, sh.sh_link, s.st_name);
			if (name == NULL || name[0] == '\0')
				continue;
			if (strcmp(name, "esp_app_desc") == 0)
				es->is_app = 1;
			if (type != STT_FUNC || s.st_shndx == SHN_UNDEF)
				continue;
			es->syms = xgrow(es->syms, &cap, es->nsyms + 1,
			    sizeof(*es->syms));
			es->syms[es->nsyms].addr = s.st_value;
			es->syms[es->nsyms].size = s.st_size;
			es->syms[es->nsyms].name = demangled(es, name);
			es->nsyms++;
		}
	}
	if (es->nsyms > 1)
		qsort(es->syms, es->nsyms, sizeof(*es->syms), cmp_sym);
	if (es->ncode == 0)
		return diag_set(err, DIAG_EFORMAT, es->path, 0, 0,
		    "the ELF has no code sections");
	return 0;
}

static int
cmp_row(const void *x, const void *y)
{
	const struct lrow *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->end != b->end)		/* a sequence's end before a start */
		return a->end ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int
cmp_span(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->depth < b->depth ? -1 : a->depth > b->depth;
}

static const char *die_name(struct elfsym *es, Dwarf_Die *die);

struct walk {
	struct elfsym	*es;
	Dwarf_Files	*files;
	size_t		 nfiles;
	size_t		 capscopes, capspans;
};

/* Collects the functions and inlined calls under die (one level). */
static void
walk_dies(struct walk *w, Dwarf_Die *parent, long pscope, unsigned depth)
{
	struct elfsym *es = w->es;
	const struct elfapi *ea = es->ea;
	Dwarf_Die child;

	if (depth > 64 || ea->dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = ea->dwarf_tag(&child);
		long me = pscope;

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
			Dwarf_Addr base, lo, hi;
			ptrdiff_t off = 0;
			size_t first = es->nspans;

			while ((off = ea->dwarf_ranges(&child, off, &base, &lo,
			    &hi)) > 0) {
				if (hi <= lo)
					continue;
				es->spans = xgrow(es->spans, &w->capspans,
				    es->nspans + 1, sizeof(*es->spans));
				es->spans[es->nspans].lo = lo;
				es->spans[es->nspans].hi = hi;
				es->spans[es->nspans].scope = es->nscopes;
				es->spans[es->nspans].depth = depth;
				es->nspans++;
			}
			if (es->nspans > first) {
				struct scope *sc;
				Dwarf_Attribute at;
				Dwarf_Word v;

				es->scopes = xgrow(es->scopes, &w->capscopes,
				    es->nscopes + 1, sizeof(*es->scopes));
				sc = &es->scopes[es->nscopes];
				memset(sc, 0, sizeof(*sc));
				sc->name = die_name(es, &child);
				sc->inlined = tag == DW_TAG_inlined_subroutine;
				sc->parent = sc->inlined ? pscope : -1;
				sc->depth = depth;
				if (ea->dwarf_formudata(ea->dwarf_attr(&child,
				    DW_AT_call_line, &at), &v) == 0)
					sc->call_line = (unsigned)v;
				if (ea->dwarf_formudata(ea->dwarf_attr(&child,
				    DW_AT_call_file, &at), &v) == 0 &&
				    v < w->nfiles)
					sc->call_file = ea->dwarf_filesrc(
					    w->files, v, NULL, NULL);
				me = (long)es->nscopes++;
			}
		}
		walk_dies(w, &child, me, depth + 1);
	} while (ea->dwarf_siblingof(&child, &child) == 0);
}

/* The line tables and the scopes of every compile unit, indexed once. */
static void
build_index(struct elfsym *es)
{
	const struct elfapi *ea = es->ea;
	Dwarf_Off off = 0, next;
	size_t hsize, caprows = 0, i, order = 0;
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.es = es;
	while (ea->dwarf_nextcu(es->dw, off, &next, &hsize, NULL, NULL,
	    NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Lines *lines;
		size_t nl;

		if (ea->dwarf_offdie(es->dw, off + hsize, &cu) == NULL) {
			off = next;
			continue;
		}
		if (ea->dwarf_getsrclines(&cu, &lines, &nl) == 0)
			for (i = 0; i < nl; i++) {
				Dwarf_Line *ln = ea->dwarf_onesrcline(lines, i);
				Dwarf_Addr a;
				bool end = false;
				int no = 0;

				if (ln == NULL ||
				    ea->dwarf_lineaddr(ln, &a) != 0)
					continue;
				ea->dwarf_lineendsequence(ln, &end);
				ea->dwarf_lineno(ln, &no);
				es->rows = xgrow(es->rows, &caprows, es->nrows + 1,
				    sizeof(*es->rows));
				es->rows[es->nrows].addr = a;
				es->rows[es->nrows].file =
				    ea->dwarf_linesrc(ln, NULL, NULL);
				es->rows[es->nrows].line = no > 0 ? (unsigned)no : 0;
				es->rows[es->nrows].end = end;
				es->rows[es->nrows].order = order++;
				es->nrows++;
			}
		w.files = NULL;
		w.nfiles = 0;
		if (ea->dwarf_getsrcfiles(&cu, &w.files, &w.nfiles) != 0)
			w.files = NULL, w.nfiles = 0;
		walk_dies(&w, &cu, -1, 0);
		off = next;
	}
	es->has_lines = es->nrows > 0;
	if (es->nrows > 1)
		qsort(es->rows, es->nrows, sizeof(*es->rows), cmp_row);
	if (es->nspans > 1)
		qsort(es->spans, es->nspans, sizeof(*es->spans), cmp_span);
	for (i = 0; i < es->nspans; i++)
		es->spans[i].maxhi = i > 0 && es->spans[i - 1].maxhi >
		    es->spans[i].hi ? es->spans[i - 1].maxhi : es->spans[i].hi;
}

struct elfsym *
elfsym_open(const char *path, struct diag_err *err)
{
	struct elfsym *es = xcalloc(1, sizeof(*es));
	const struct elfapi *ea;
	const struct cryptoapi *cr;
	struct stat st;
	char ident[EI_NIDENT];
	ssize_t n;

	es->path = xstrdup(path);
	es->fd = -1;
	pthread_mutex_init(&es->lock, NULL);
	if ((es->ea = ea = elfapi_get(err)) == NULL ||
	    (cr = cryptoapi_get(err)) == NULL)
		goto fail;
	if ((es->fd = open(path, O_RDONLY)) < 0 || fstat(es->fd, &st) != 0) {
		diag_set(err, DIAG_EIO, path, 0, 0, "cannot open: %s",
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_set(err, DIAG_EIO, path, 0, 0, "not a regular file");
		goto fail;
	}
	n = read(es->fd, ident, sizeof(ident));
	if (n != (ssize_t)sizeof(ident) || memcmp(ident, ELFMAG, SELFMAG) != 0) {
		diag_set(err, DIAG_EFORMAT, path, 0, 0, "not an ELF file (no "
		    "\\x7fELF header): give the .elf of the build, not the "
		    ".bin image");
		goto fail;
	}
	if (lseek(es->fd, 0, SEEK_SET) != 0 || sha256_file(cr, es->fd,
	    es->sha) != 0) {
		diag_set(err, DIAG_EIO, path, 0, 0, "read error: %s",
		    strerror(errno));
		goto fail;
	}
	ea->elf_version(EV_CURRENT);
	if ((es->elf = ea->elf_begin(es->fd, ELF_C_READ_MMAP, NULL)) == NULL ||
	    ea->elf_kind(es->elf) != ELF_K_ELF) {
		diag_set(err, DIAG_EFORMAT, path, 0, 0, "not a usable ELF: %s",
		    ea->elf_errmsg(-1));
		goto fail;
	}
	if (scan_sections(es, st.st_size, err) != 0)
		goto fail;
	es->dw = ea->dwarf_begin_elf(es->elf, DWARF_C_READ, NULL);
	if (es->dw != NULL)
		build_index(es);
	return es;
fail:
	elfsym_free(es);
	return NULL;
}

void
elfsym_free(struct elfsym *es)
{
	size_t i;

	if (es == NULL)
		return;
	if (es->dw != NULL)	/* set: es->ea is too */
		es->ea->dwarf_end(es->dw);
	if (es->elf != NULL)
		es->ea->elf_end(es->elf);
	if (es->fd >= 0)
		close(es->fd);
	pthread_mutex_destroy(&es->lock);
	free(es->syms);
	free(es->code);
	free(es->rows);
	free(es->scopes);
	free(es->spans);
	free(es->cache);
	for (i = 0; i < es->capnames; i++)
		free(es->names[i].name);
	free(es->names);
	free(es->path);
	free(es);
}

const char *
elfsym_path(const struct elfsym *es)
{
	return es->path;
}

const char *
elfsym_sha256(const struct elfsym *es)
{
	return es->sha;
}

int
elfsym_has_lines(const struct elfsym *es)
{
	return es->has_lines;
}

int
elfsym_has_symbols(const struct elfsym *es)
{
	return es->nsyms > 0;
}

int
elfsym_is_app(const struct elfsym *es)
{
	return es->is_app;
}

int
elfsym_in_code(const struct elfsym *es, uint64_t addr)
{
	size_t i;

	for (i = 0; i < es->ncode; i++)
		if (addr >= es->code[i].lo && addr < es->code[i].hi)
			return 1;
	return 0;
}

int
elfsym_sha_matches(const struct elfsym *es, const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (n < 4 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)prefix[i]) != es->sha[i])
			return 0;
	return 1;
}

/* The function symbol containing addr, or NULL. */
static const char *
symbol_at(const struct elfsym *es, uint64_t addr)
{
	size_t lo = 0, hi = es->nsyms;
	const struct sym *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo: first symbol above addr; walk back over zero-sized aliases */
	while (lo > 0) {
		s = &es->syms[--lo];
		if (s->size == 0 ? s->addr == addr : addr - s->addr < s->size)
			return s->name;
		if (s->size > 0)
			return NULL;
	}
	return NULL;
}

/*
 * A function's name for people: its linkage name demangled (C++: the
 * qualified name with its parameters, as addr2line -C shows it), else
 * DW_AT_name (C, extern "C"); both found through DW_AT_abstract_origin
 * and DW_AT_specification, so an inlined or out-of-line member function
 * gets its declaration's.  GCC gives every C++ function that is not
 * extern "C" a linkage name.
 */
static const char *
die_name(struct elfsym *es, Dwarf_Die *die)
{
	const struct elfapi *ea = es->ea;
	Dwarf_Attribute at;
	const char *name;

	if ((ea->dwarf_attr_integrate(die, DW_AT_linkage_name, &at) != NULL ||
	    ea->dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name,
	    &at) != NULL) &&
	    (name = ea->dwarf_formstring(&at)) != NULL)
		return demangled(es, name);
	if (ea->dwarf_attr_integrate(die, DW_AT_name, &at) != NULL)
		return ea->dwarf_formstring(&at);
	return NULL;
}

/* The line at addr: the last row at or before it, unless a sequence
   ended there.  0 when none. */
static const struct lrow *
line_at(const struct elfsym *es, uint64_t addr)
{
	size_t lo = 0, hi = es->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->rows[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || es->rows[lo - 1].end)
		return NULL;
	return &es->rows[lo - 1];
}

/* The innermost scope whose code holds addr, or -1. */
static long
scope_at(const struct elfsym *es, uint64_t addr)
{
	size_t lo = 0, hi = es->nspans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->spans[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* back over spans that ended before addr, while one may still
	   hold it (maxhi: the furthest end of those before) */
	while (lo > 0 && es->spans[lo - 1].maxhi > addr) {
		const struct span *sp = &es->spans[--lo];

		if (addr < sp->hi)
			return (long)sp->scope;
	}
	return -1;
}

/* The frames at addr from the DWARF index; 0 if it has none. */
static size_t
dwarf_frames(struct elfsym *es, uint64_t addr, struct elfsym_frame *out,
    size_t max)
{
	const struct lrow *row = line_at(es, addr);
	const char *file = row != NULL ? row->file : NULL;
	unsigned line = row != NULL ? row->line : 0;
	long s = scope_at(es, addr);
	size_t n = 0;

	while (s >= 0 && n < max) {
		const struct scope *sc = &es->scopes[s];

		out[n].function = sc->name;
		out[n].file = file;
		out[n].line = line;
		out[n].inlined = sc->inlined;
		n++;
		if (!sc->inlined)
			break;
		/* the caller's location is this inlined call's site */
		file = sc->call_file;
		line = sc->call_line;
		s = sc->parent;
	}
	if (n == 0 && file != NULL && max > 0) {
		/* a line but no function DIE (assembly): the symbol names it */
		out[0].function = symbol_at(es, addr);
		out[0].file = file;
		out[0].line = line;
		out[0].inlined = 0;
		n = 1;
	}
	return n;
}

static size_t
lookup(struct elfsym *es, uint64_t addr, struct elfsym_frame *out, size_t max)
{
	size_t n;

	if (!elfsym_in_code(es, addr))
		return 0;
	if ((n = dwarf_frames(es, addr, out, max)) > 0) {
		/* a function DIE without a name: the symbol's */
		if (out[n - 1].function == NULL)
			out[n - 1].function = symbol_at(es, addr);
		return n;
	}
	if ((out[0].function = symbol_at(es, addr)) == NULL)
		return 0;
	out[0].file = NULL;
	out[0].line = 0;
	out[0].inlined = 0;
	return 1;
}

size_t
elfsym_lookup(struct elfsym *es, uint64_t addr, struct elfsym_frame *out,
    size_t max)
{
	struct elfsym_frame f[ELFSYM_MAX_FRAMES];
	size_t h, n, probe;
	struct slot *s = NULL;

	if (max == 0)
		return 0;
	pthread_mutex_lock(&es->lock);
	if (es->cache == NULL)
		es->cache = xcalloc(CACHE_SLOTS, sizeof(*es->cache));
	h = (size_t)((addr * 0x9E3779B97F4A7C15ull) >> 52) % CACHE_SLOTS;
	for (probe = 0; probe < CACHE_SLOTS; probe++) {
		s = &es->cache[(h + probe) % CACHE_SLOTS];
		if (!s->used || s->addr == addr)
			break;
	}
	if (s != NULL && s->used && s->addr == addr) {
		n = s->n;
		memcpy(f, s->f, n * sizeof(*f));
	} else {
		n = lookup(es, addr, f, ELFSYM_MAX_FRAMES);
		/* at most 3/4 full, so probing stays short */
		if (s != NULL && !s->used && es->ncached < CACHE_SLOTS / 4 * 3) {
			s->used = 1;
			s->addr = addr;
			s->n = n;
			memcpy(s->f, f, n * sizeof(*f));
			es->ncached++;
		}
	}
	pthread_mutex_unlock(&es->lock);
	if (n > max)
		n = max;
	memcpy(out, f, n * sizeof(*out));
	return n;
}
