/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serial and port: opening ptys, sockets and stdin, reading without
 * blocking, telling a hang-up from no data, and the error statuses.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "port.h"
#include "serial.h"

static struct serial_config cfg;

static void
setup(void)
	{
	serial_config_init(&cfg);
}

TestSuite(serial, .init = setup);

static int
wait_readable(int fd, int ms)
	{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms);
}

Test(serial, config_defaults)
	{
	cr_assert_eq(cfg.baud, 115200);
	cr_assert_eq(cfg.data_bits, 8);
	cr_assert_eq(cfg.parity, SERIAL_PARITY_NONE);
	cr_assert_eq(cfg.stop_bits, 1);
	cr_assert_eq(cfg.flow, SERIAL_FLOW_NONE);
	cr_assert_eq(serial_parity_from_name("even"), SERIAL_PARITY_EVEN);
	cr_assert_eq(serial_parity_from_name("EVEN"), -1);
	cr_assert_eq(serial_flow_from_name("rtscts"), SERIAL_FLOW_RTSCTS);
	cr_assert_eq(serial_flow_from_name("hw"), -1);
}

Test(serial, pty_read_and_hangup)
	{
	struct serial *s = NULL;
	struct diag_err err;
	struct termios t;
	char name[128], buf[64];
	int m, sl;
	ssize_t r;

	cr_assert_eq(openpty(&m, &sl, name, NULL, NULL), 0);
	cr_assert_eq(serial_open(name, &cfg, &s, &err), 0, "%s", err.text);
	cr_assert_eq(serial_kind(s), SERIAL_TERMIOS);
	cr_assert_str_eq(serial_device(s), name);
	/* raw mode: no echo back to the device, no line discipline */
	cr_assert_eq(tcgetattr(serial_fd(s), &t), 0);
	cr_assert((t.c_lflag & (ECHO | ICANON)) == 0);
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), SERIAL_AGAIN);
	cr_assert_eq(write(m, "E (1) x: y\r\n", 12), 12);
	cr_assert(wait_readable(serial_fd(s), 1000) > 0);
	r = serial_read(s, buf, sizeof(buf));
	cr_assert_eq(r, 12);
	cr_assert(memcmp(buf, "E (1) x: y\r\n", 12) == 0);
	/* keys typed by the user reach the device */
	cr_assert_eq(serial_write(s, "ota\r", 4), 4);
	cr_assert(wait_readable(m, 1000) > 0);
	cr_assert_eq(read(m, buf, sizeof(buf)), 4);
	close(sl);
	close(m);
	cr_assert(wait_readable(serial_fd(s), 1000) > 0);
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), SERIAL_LOST);
	cr_assert_eq(serial_reset(s, &err), DIAG_EUSAGE);
	serial_close(s);
}

Test(serial, pty_is_exclusive)
	{
	struct serial *a = NULL, *b = NULL;
	struct diag_err err;
	char name[128];
	int m, sl;

	if (geteuid() == 0)
	{
		fprintf(stderr, "note: running as root: TIOCEXCL does not "
		    "apply\n");
		return;
	}
	cr_assert_eq(openpty(&m, &sl, name, NULL, NULL), 0);
	cr_assert_eq(serial_open(name, &cfg, &a, &err), 0, "%s", err.text);
	cr_assert_lt(serial_open(name, &cfg, &b, &err), 0);
	cr_assert_null(b);
	serial_close(a);
	close(sl);
	close(m);
}

/* Arrays, not pointers: parameters are copied into the test process. */
struct bad {
	char		 path[64];
	int		 status;
	char		 text[32];
};

ParameterizedTestParameters(serial, bad_paths)
	{
	static struct bad t[] = {
		{ "/dev/ttyUSB-none-xyz", SERIAL_ENOENT, "no such port" },
		{ "/dev/null", SERIAL_ENOTTY, "not a serial port" },
		{ "/etc/hostname", SERIAL_ENOTTY, "regular file" },
		{ "/", SERIAL_ENOTTY, "not a serial port" },
		{ "socket://nocolon", SERIAL_EADDR, "socket://HOST:PORT" },
		{ "socket://127.0.0.1:", SERIAL_EADDR, "socket://HOST:PORT" },
		{ "rfc2217://x:1", SERIAL_EADDR, "only socket://" },
	};

	return cr_make_param_array(struct bad, t, sizeof(t) / sizeof(t[0]));
}

ParameterizedTest(struct bad *b, serial, bad_paths)
	{
	struct serial *s = (struct serial *)1;
	struct diag_err err;

	serial_config_init(&cfg);
	cr_assert_eq(serial_open(b->path, &cfg, &s, &err), b->status,
	    "%s: %s", b->path, err.text);
	cr_assert_null(s);
	cr_assert(strstr(err.text, b->path) != NULL, "%s", err.text);
	cr_assert(strstr(err.text, b->text) != NULL, "%s", err.text);
}

Test(serial, permission_denied)
	{
	struct serial *s = NULL;
	struct diag_err err;
	char name[128];
	int m, sl;

	if (geteuid() == 0)
	{
		fprintf(stderr, "note: running as root: permissions do not "
		    "apply\n");
		return;
	}
	cr_assert_eq(openpty(&m, &sl, name, NULL, NULL), 0);
	cr_assert_eq(chmod(name, 0), 0);
	cr_assert_eq(serial_open(name, &cfg, &s, &err), SERIAL_EACCES);
	cr_assert(strstr(err.text, "permission denied") != NULL);
	close(sl);
	close(m);
}

Test(serial, socket_and_peer_close)
	{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct serial *s = NULL;
	struct diag_err err;
	char url[64], buf[16];
	int lfd, cfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(lfd, 1), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	snprintf(url, sizeof(url), "socket://127.0.0.1:%d",
	    ntohs(sa.sin_port));
	cr_assert_eq(serial_open(url, &cfg, &s, &err), 0, "%s", err.text);
	cr_assert_eq(serial_kind(s), SERIAL_SOCKET);
	cfd = accept(lfd, NULL, NULL);
	cr_assert(cfd >= 0);
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), SERIAL_AGAIN);
	cr_assert_eq(write(cfd, "abc", 3), 3);
	cr_assert(wait_readable(serial_fd(s), 1000) > 0);
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), 3);
	close(cfd);
	cr_assert(wait_readable(serial_fd(s), 1000) > 0);
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), SERIAL_LOST);
	cr_assert(serial_can_reconnect(s));
	serial_close(s);
	close(lfd);
}

Test(serial, stdin_eof_is_not_a_loss)
	{
	struct serial *s = NULL;
	struct diag_err err;
	char buf[16];
	int p[2], saved = dup(0);

	cr_assert_eq(pipe(p), 0);
	dup2(p[0], 0);
	close(p[0]);
	cr_assert_eq(write(p[1], "x\n", 2), 2);
	close(p[1]);
	cr_assert_eq(serial_open("-", &cfg, &s, &err), 0);
	cr_assert_eq(serial_kind(s), SERIAL_STDIN);
	cr_assert(!serial_can_reconnect(s));
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), 2);
	cr_assert_eq(serial_read(s, buf, sizeof(buf)), SERIAL_EOF);
	serial_close(s);
	dup2(saved, 0);
	close(saved);
}

Test(port, bridges)
	{
	cr_assert_str_eq(port_bridge(0x10c4, 0xea60), "CP210x");
	cr_assert_str_eq(port_bridge(0x1a86, 0x7523), "CH340");
	cr_assert_str_eq(port_bridge(0x1a86, 0x55d4), "CH9102");
	cr_assert_str_eq(port_bridge(0x0403, 0x6015), "FTDI");
	cr_assert_str_eq(port_bridge(0x303a, 0x1001), "ESP USB-JTAG");
	cr_assert_null(port_bridge(0x1234, 0x5678));
}

Test(port, find_usb_by_identity)
	{
	struct port_info p[3];

	memset(p, 0, sizeof(p));
	p[0].usb = 0;
	p[0].serialno = "";
	p[1].usb = 1; p[1].vid = 0x303a; p[1].pid = 0x1001;
	p[1].serialno = "AA:BB";
	p[2].usb = 1; p[2].vid = 0x303a; p[2].pid = 0x1001;
	p[2].serialno = "CC:DD";
	cr_assert_eq(port_find_usb(p, 3, 0x303a, 0x1001, "CC:DD"), 2);
	cr_assert_eq(port_find_usb(p, 3, 0x303a, 0x1001, ""), 1);
	cr_assert_eq(port_find_usb(p, 3, 0x303a, 0x1001, "EE"), -1);
	cr_assert_eq(port_find_usb(p, 3, 0x10c4, 0xea60, NULL), -1);
}

Test(port, list_does_not_fail)
	{
	struct port_info *p = NULL;
	struct diag_err err;
	size_t n = 0, i;

	cr_assert_eq(port_list(&p, &n, &err), 0, "%s", err.text);
	for (i = 0; i < n; i++) {
		cr_assert_not_null(p[i].name);
		cr_assert_not_null(p[i].product);
		cr_assert_not_null(p[i].serialno);
	}
	port_list_free(p, n);
}

/* A port is known again by its device number (or its USB identity): a
   path that now leads to another pty is not the device that was lost. */
Test(serial, same_device_by_number_or_usb_identity)
{
	struct serial *a = NULL, *b = NULL;
	struct serial_ident was, usb;
	struct diag_err err;
	char na[128], nb[128], why[160];
	int ma, sa, mb, sb;

	cr_assert_eq(openpty(&ma, &sa, na, NULL, NULL), 0);
	cr_assert_eq(openpty(&mb, &sb, nb, NULL, NULL), 0);
	cr_assert_eq(serial_open(na, &cfg, &a, &err), 0, "%s", err.text);
	cr_assert_eq(serial_open(nb, &cfg, &b, &err), 0, "%s", err.text);
	serial_get_ident(a, &was);
	cr_assert(was.have_rdev);
	cr_expect_eq(serial_same_device(&was, a, why, sizeof(why)), 1);
	why[0] = '\0';
	cr_expect_eq(serial_same_device(&was, b, why, sizeof(why)), 0);
	cr_expect_not_null(strstr(why, "device "), "%s", why);
	/* a USB identity outranks the device number */
	memset(&usb, 0, sizeof(usb));
	usb.valid = 1;
	usb.vid = 0x10c4;
	usb.pid = 0xea60;
	cr_expect_eq(serial_same_device(&usb, a, why, sizeof(why)), 0);
	cr_expect_not_null(strstr(why, "not the USB device 10c4:ea60"), "%s",
	    why);
	serial_close(a);
	serial_close(b);
	close(sa);
	close(ma);
	close(sb);
	close(mb);
}
