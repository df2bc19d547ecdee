/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as the --elf file (elfsym_open: the
 * checks, the symbol table, the DWARF index), then lookups of addresses
 * taken from the input.  Not part of ctest; see tests/fuzz/README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/otadiag-fuzz-elf-XXXXXX";
	int fd = mkstemp(path);
	struct elfsym *es;
	struct diag_err err;
	size_t i;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if ((es = elfsym_open(path, &err)) != NULL) {
		for (i = 0; i + 4 <= size && i < 4096; i += 4) {
			struct elfsym_frame f[ELFSYM_MAX_FRAMES];
			uint32_t a;

			memcpy(&a, data + i, 4);
			elfsym_lookup(es, a, f, ELFSYM_MAX_FRAMES);
		}
		elfsym_free(es);
	}
	unlink(path);
	return 0;
}
