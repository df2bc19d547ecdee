/* SPDX-License-Identifier: Apache-2.0 */
/*
 * le: little-endian words from device data, for the readers of firmware
 * images (image.c) and core dumps (coredump.c, coreelf.c).  p must hold
 * the bytes; no alignment is needed.
 */
#ifndef OTADIAG_LE_H
#define OTADIAG_LE_H

#include <stdint.h>

static inline uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
