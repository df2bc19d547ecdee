/* SPDX-License-Identifier: Apache-2.0 */
/*
 * elfapi: libelf, libdw and libstdc++'s demangler loaded on first use (see
 * elfapi.h).  Three libraries, one table: each fills its own rows.
 */
#include <stddef.h>

#include "diag.h"
#include "dynlib.h"
#include "elfapi.h"

#define S(fn) DYNLIB_SYM(struct elfapi, fn)
#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct dynlib_sym elf_syms[] = {
	S(elf_version), S(elf_begin), S(elf_end), S(elf_kind), S(elf_errmsg),
	S(elf_getshdrstrndx), S(elf_nextscn), S(elf_ndxscn), S(elf_getdata),
	S(elf_strptr), S(gelf_getehdr), S(gelf_getshdr), S(gelf_getsym),
};
static const struct dynlib_sym dw_syms[] = {
	S(dwarf_begin_elf), S(dwarf_end), S(dwarf_nextcu), S(dwarf_offdie),
	S(dwarf_child), S(dwarf_siblingof), S(dwarf_tag), S(dwarf_ranges),
	S(dwarf_attr), S(dwarf_attr_integrate), S(dwarf_formudata),
	S(dwarf_formstring), S(dwarf_getsrcfiles), S(dwarf_filesrc),
	S(dwarf_getsrclines), S(dwarf_onesrcline), S(dwarf_lineaddr),
	S(dwarf_lineendsequence), S(dwarf_lineno), S(dwarf_linesrc),
};
static const struct dynlib_sym cxx_syms[] = {
	S(__cxa_demangle),
};
#undef S

/* elfutils' sonames have never changed; packages: cmake/dlopen.cmake */
static const struct dynlib libs[] = {
	{ "libelf.so.1", OTADIAG_PKG_LIBELF_SO_1, elf_syms, N(elf_syms) },
	{ "libdw.so.1", OTADIAG_PKG_LIBDW_SO_1, dw_syms, N(dw_syms) },
	{ "libstdc++.so.6", OTADIAG_PKG_LIBSTDC___SO_6, cxx_syms,
	    N(cxx_syms) },
};

_Static_assert(N(libs) == 3, "one DYNLIB_STATE_INIT per library below");

/* Written once by dynlib_load under each state's lock, read-only after. */
static struct elfapi table;
static struct dynlib_state state[N(libs)] = {
	DYNLIB_STATE_INIT, DYNLIB_STATE_INIT, DYNLIB_STATE_INIT,
};

const struct elfapi *
elfapi_get(struct diag_err *err)
{
	size_t i;

	for (i = 0; i < N(libs); i++)
		if (dynlib_load(&libs[i], &state[i], &table,
		    "--elf and decode need", err) != 0)
			return NULL;
	return &table;
}
