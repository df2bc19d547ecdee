/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coreelf: the crashed task of an ESP-IDF core dump in ELF format (data
 * versions 1.0 to 1.4, CONFIG_ESP_COREDUMP_DATA_FORMAT_ELF), read from the
 * checked dump bytes.  Prefix: coreelf_.
 *
 * The layout, as esp-coredump's loader reads it: a header (total length;
 * version, chip << 16 | 0x01xx; then 3 or 4 more words by version, or 1
 * for 1.4), an ELF core file (ET_CORE, 32-bit little-endian, Xtensa or
 * RISC-V), the checksum.  Its PT_NOTE segments hold ELF notes: "CORE"
 * NT_PRSTATUS per task (pr_pid is the task's TCB address; the registers
 * at byte 72: Xtensa pc at word 0 and a0..a15 from word 64, RISC-V pc,
 * ra, sp at words 0, 1, 2); "ESP_CORE_DUMP_INFO" (type 8266: the version
 * and the app's ELF SHA-256 in hex); "EXTRA_INFO" (677: the crashed
 * task's TCB first); "PANIC_DETAILS" (679: the panic reason).  PT_LOAD
 * segments hold the tasks' TCBs and stacks.
 *
 * The crashed task is the one EXTRA_INFO names, else the first.  Its
 * frames are its PC, then for Xtensa the windowed call chain (a0, then
 * the base save area below each stack pointer, as ESP-IDF's own
 * backtrace walks it) while the stack is in the dump; for RISC-V, RA
 * (no frame chain without the DWARF call frame information).
 */
#ifndef OTADIAG_COREELF_H
#define OTADIAG_COREELF_H

#include <stddef.h>
#include <stdint.h>

#define COREELF_MAX_FRAMES 32

enum coreelf_status {
	COREELF_OK = 0,
	COREELF_NOT_ELF = -1,	/* a binary-format dump (versions 1-3) */
	COREELF_BAD = -2,	/* the ELF or its notes are malformed */
};

struct coreelf_crash {
	int		 xtensa;	/* else RISC-V */
	uint32_t	 tcb;		/* the crashed task's TCB address */
	unsigned	 ntasks;	/* NT_PRSTATUS notes */
	char		 app_sha[65];	/* hex as dumped, "" if none */
	char		 reason[128];	/* PANIC_DETAILS, "" if none */
	uint32_t	 pc[COREELF_MAX_FRAMES];	/* frames, innermost first */
	char		 what[COREELF_MAX_FRAMES][8];	/* "PC", "A0", "RA",
							   "frame" */
	size_t		 npc;
};

/*
 * Reads the crashed task of the checked dump d[0..n) (header, ELF,
 * checksum of sumlen bytes).  On COREELF_BAD, why says what is wrong
 * (static text).
 */
enum coreelf_status coreelf_read(const unsigned char *d, size_t n,
	    size_t sumlen, struct coreelf_crash *out, const char **why);

#endif
