/* SPDX-License-Identifier: Apache-2.0 */
/*
 * elfapi: the elfutils (libelf, libdw) functions and libstdc++'s demangler
 * that reading a firmware ELF calls (elfsym.c), loaded on first use
 * (dynlib.h), so that only --elf and decode pay for them.  Prefix: elfapi_.
 *
 * Calls read like the libraries' own, through the table:
 *	const struct elfapi *ea = elfapi_get(err);
 *	ea->dwarf_begin_elf(elf, DWARF_C_READ, NULL);
 */
#ifndef OTADIAG_ELFAPI_H
#define OTADIAG_ELFAPI_H

#include <stddef.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>

#include "diag.h"
#include "dynlib.h"

/* The Itanium C++ ABI demangler (libstdc++; C linkage, cxxabi.h is C++). */
char	*__cxa_demangle(const char *mangled, char *buf, size_t *len,
	    int *status);

struct elfapi {
	/* libelf */
	DYNLIB_FN(elf_version);
	DYNLIB_FN(elf_begin);
	DYNLIB_FN(elf_end);
	DYNLIB_FN(elf_kind);
	DYNLIB_FN(elf_errmsg);
	DYNLIB_FN(elf_getshdrstrndx);
	DYNLIB_FN(elf_nextscn);
	DYNLIB_FN(elf_ndxscn);
	DYNLIB_FN(elf_getdata);
	DYNLIB_FN(elf_strptr);
	DYNLIB_FN(gelf_getehdr);
	DYNLIB_FN(gelf_getshdr);
	DYNLIB_FN(gelf_getsym);
	/* libdw */
	DYNLIB_FN(dwarf_begin_elf);
	DYNLIB_FN(dwarf_end);
	DYNLIB_FN(dwarf_nextcu);
	DYNLIB_FN(dwarf_offdie);
	DYNLIB_FN(dwarf_child);
	DYNLIB_FN(dwarf_siblingof);
	DYNLIB_FN(dwarf_tag);
	DYNLIB_FN(dwarf_ranges);
	DYNLIB_FN(dwarf_attr);
	DYNLIB_FN(dwarf_attr_integrate);
	DYNLIB_FN(dwarf_formudata);
	DYNLIB_FN(dwarf_formstring);
	DYNLIB_FN(dwarf_getsrcfiles);
	DYNLIB_FN(dwarf_filesrc);
	DYNLIB_FN(dwarf_getsrclines);
	DYNLIB_FN(dwarf_onesrcline);
	DYNLIB_FN(dwarf_lineaddr);
	DYNLIB_FN(dwarf_lineendsequence);
	DYNLIB_FN(dwarf_lineno);
	DYNLIB_FN(dwarf_linesrc);
	/* libstdc++ */
	DYNLIB_FN(__cxa_demangle);
};

/*
 * The loaded table (borrowed, valid until exit), or NULL with err filled
 * (DIAG_ELIB: "--elf and decode need libdw.so.1 (apt install libdw1): ...").
 */
const struct elfapi *elfapi_get(struct diag_err *err);

#endif
