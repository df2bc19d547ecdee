/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port: the serial ports present on this host.  Prefix: port_.
 *
 * Enumerated with libserialport.  USB ports carry VID:PID, manufacturer,
 * product and serial number; port_bridge() names the USB-to-UART bridges
 * found on ESP32 boards, so `otadiag ports` can say which one is likely the
 * device.  Strings are owned by the list (sanitised, never NULL: "" when
 * absent) and valid until port_list_free().
 */
#ifndef OTADIAG_PORT_H
#define OTADIAG_PORT_H

#include <stddef.h>

#include "diag.h"

struct port_info {
	char		*name;		/* /dev/ttyUSB0 */
	char		*description;
	int		 usb;		/* 1 if a USB device */
	int		 vid, pid;	/* USB only, else -1 */
	char		*manufacturer;
	char		*product;
	char		*serialno;
	const char	*bridge;	/* "CP210x", ...; NULL if not known */
};

/* Lists ports sorted by name; USB ports first.  *out is NULL on failure. */
int	 port_list(struct port_info **out, size_t *n, struct diag_err *err);
void	 port_list_free(struct port_info *p, size_t n);
/*
 * The ESP32 USB bridge a VID:PID is: "CP210x" (10c4:ea60), "CH340"
 * (1a86:7523), "CH9102" (1a86:55d4), "FTDI" (0403:6001/6010/6015),
 * "ESP USB-JTAG" (303a:1001); NULL otherwise.
 */
const char *port_bridge(int vid, int pid);
/*
 * The index of the port with this USB identity (serialno "" or NULL matches
 * any serial number), or -1.
 */
long	 port_find_usb(const struct port_info *p, size_t n, int vid, int pid,
	    const char *serialno);

#endif
