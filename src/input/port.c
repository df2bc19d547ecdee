/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port: enumerates serial ports with libserialport and names the USB
 * bridges of ESP32 boards.
 */
#include <stdlib.h>
#include <string.h>

#include <libserialport.h>

#include "diag.h"
#include "port.h"
#include "sanitize.h"
#include "xalloc.h"

static const struct {
	int		 vid, pid;
	const char	*name;
} port_bridges[] = {
	{ 0x10c4, 0xea60, "CP210x" },
	{ 0x1a86, 0x7523, "CH340" },
	{ 0x1a86, 0x55d4, "CH9102" },
	{ 0x0403, 0x6001, "FTDI" },
	{ 0x0403, 0x6010, "FTDI" },
	{ 0x0403, 0x6015, "FTDI" },
	{ 0x303a, 0x1001, "ESP USB-JTAG" },
};

const char *
port_bridge(int vid, int pid)
{
	size_t i;

	for (i = 0; i < sizeof(port_bridges) / sizeof(port_bridges[0]); i++)
		if (port_bridges[i].vid == vid && port_bridges[i].pid == pid)
			return port_bridges[i].name;
	return NULL;
}

static char *
port_str(const char *s)
{
	if (s == NULL)
		return xstrdup("");
	return sanitize_dup(s, strlen(s));
}

static int
port_cmp(const void *a, const void *b)
{
	const struct port_info *pa = a, *pb = b;

	if (pa->usb != pb->usb)
		return pb->usb - pa->usb;
	return strcmp(pa->name, pb->name);
}

int
port_list(struct port_info **out, size_t *n, struct diag_err *err)
{
	struct sp_port **list = NULL;
	struct port_info *p = NULL;
	size_t i, cnt = 0;
	int vid, pid;

	*out = NULL;
	*n = 0;
	if (sp_list_ports(&list) != SP_OK) {
		char *m = sp_last_error_message();

		diag_set(err, DIAG_EIO, "", 0, 0,
		    "cannot list serial ports: %s", m != NULL ? m : "failed");
		sp_free_error_message(m);
		return DIAG_EIO;
	}
	while (list[cnt] != NULL)
		cnt++;
	p = xcalloc(cnt + 1, sizeof(*p));
	for (i = 0; i < cnt; i++) {
		struct sp_port *sp = list[i];

		p[i].name = port_str(sp_get_port_name(sp));
		p[i].description = port_str(sp_get_port_description(sp));
		p[i].vid = p[i].pid = -1;
		p[i].usb = sp_get_port_transport(sp) == SP_TRANSPORT_USB;
		if (p[i].usb) {
			if (sp_get_port_usb_vid_pid(sp, &vid, &pid) == SP_OK) {
				p[i].vid = vid;
				p[i].pid = pid;
			}
			p[i].manufacturer =
			    port_str(sp_get_port_usb_manufacturer(sp));
			p[i].product = port_str(sp_get_port_usb_product(sp));
			p[i].serialno = port_str(sp_get_port_usb_serial(sp));
			p[i].bridge = port_bridge(p[i].vid, p[i].pid);
		} else {
			p[i].manufacturer = xstrdup("");
			p[i].product = xstrdup("");
			p[i].serialno = xstrdup("");
		}
	}
	sp_free_port_list(list);
	qsort(p, cnt, sizeof(*p), port_cmp);
	*out = p;
	*n = cnt;
	return 0;
}

void
port_list_free(struct port_info *p, size_t n)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].description);
		free(p[i].manufacturer);
		free(p[i].product);
		free(p[i].serialno);
	}
	free(p);
}

long
port_find_usb(const struct port_info *p, size_t n, int vid, int pid,
    const char *serialno)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!p[i].usb || p[i].vid != vid || p[i].pid != pid)
			continue;
		if (serialno != NULL && serialno[0] != '\0' &&
		    strcmp(p[i].serialno, serialno) != 0)
			continue;
		return (long)i;
	}
	return -1;
}
