/* SPDX-License-Identifier: Apache-2.0 */
/*
 * elfsym: addresses of a firmware ELF turned into functions and source
 * lines, read with elfutils (libelf, libdw): no cross toolchain needed,
 * Xtensa and RISC-V alike.  Prefix: elfsym_.
 *
 * elfsym_open() checks the file (an ELF, not truncated, code sections),
 * computes its SHA-256 (what ESP-IDF prints as "ELF file SHA256"), indexes
 * the symbol table once and opens the DWARF if there is any.  A lookup
 * gives the chain of frames at an address, innermost first: a function
 * inlined into its caller is one frame with `inlined` set, followed by the
 * caller at the call site.  Lookups are cached (bounded) and serialised, so
 * one struct elfsym may serve several analysis threads.
 */
#ifndef OTADIAG_ELFSYM_H
#define OTADIAG_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define ELFSYM_MAX_FRAMES 8	/* frames of one address (inline depth) */

struct elfsym;

struct elfsym_frame {
	const char	*function;	/* borrowed; NULL when unknown */
	const char	*file;		/* borrowed; NULL without line info */
	unsigned	 line;		/* 0 without line info */
	int		 inlined;	/* inlined into the next frame */
};

/*
 * Opens path.  Returns an owned object, or NULL with err filled (DIAG_EIO:
 * cannot be read; DIAG_EFORMAT: not an ELF, truncated, no code).
 */
struct elfsym *elfsym_open(const char *path, struct diag_err *err);
void	 elfsym_free(struct elfsym *es);

/* Borrowed; valid until elfsym_free. */
const char *elfsym_path(const struct elfsym *es);
/* The file's SHA-256, 64 lower-case hex digits. */
const char *elfsym_sha256(const struct elfsym *es);
/* Whether the file has DWARF line information / a symbol table. */
int	 elfsym_has_lines(const struct elfsym *es);
int	 elfsym_has_symbols(const struct elfsym *es);
/* Whether it is an ESP-IDF application (defines esp_app_desc). */
int	 elfsym_is_app(const struct elfsym *es);
/* Whether addr lies in one of its code (executable) sections. */
int	 elfsym_in_code(const struct elfsym *es, uint64_t addr);
/*
 * Fills out[0..max) with the frames at addr, innermost first; returns
 * their number, 0 when addr is in no function the ELF knows.  Strings are
 * borrowed until elfsym_free.
 */
size_t	 elfsym_lookup(struct elfsym *es, uint64_t addr,
	    struct elfsym_frame *out, size_t max);
/*
 * Whether a hex prefix as printed by the device ("ELF file SHA256:
 * 8ee3d5a8d") is the start of the file's SHA-256 (case-insensitive; at
 * least 4 digits).
 */
int	 elfsym_sha_matches(const struct elfsym *es, const char *prefix);

#endif
