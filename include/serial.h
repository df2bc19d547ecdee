/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serial: a live byte stream from a device.  Prefix: serial_.
 *
 * A port spec is one of:
 *   PATH               a serial device.  Kernel serial drivers (UART, USB
 *                      CP210x/CH340/FTDI/CDC-ACM) are opened through
 *                      libserialport; a pseudo-terminal (/dev/pts/N, as
 *                      QEMU and socat expose), or any tty libserialport
 *                      rejects, is opened with termios directly.  A symlink
 *                      is followed at every (re)open.
 *   socket://HOST:PORT a raw TCP stream (ser2net, QEMU -serial tcp:).
 *   -                  standard input (pipelines, CI).
 *
 * Every port is opened non-blocking and exclusively (TIOCEXCL and flock on
 * ttys), so two monitors cannot steal each other's bytes.  serial_fd() is
 * for poll(); serial_read() never blocks.
 *
 * Library code: nothing here prints.  Failures fill a diag_err naming the
 * port and return a negative enum serial_status.
 */
#ifndef OTADIAG_SERIAL_H
#define OTADIAG_SERIAL_H

#include <stddef.h>
#include <sys/types.h>

#include "diag.h"

enum serial_kind {
	SERIAL_SP = 0,		/* libserialport device */
	SERIAL_TERMIOS,		/* pty or other tty, termios directly */
	SERIAL_SOCKET,		/* socket://HOST:PORT */
	SERIAL_STDIN,		/* "-" */
};

enum serial_parity {
	SERIAL_PARITY_NONE = 0,
	SERIAL_PARITY_ODD,
	SERIAL_PARITY_EVEN,
	SERIAL_PARITY_MARK,
	SERIAL_PARITY_SPACE,
};

enum serial_flow {
	SERIAL_FLOW_NONE = 0,
	SERIAL_FLOW_XONXOFF,
	SERIAL_FLOW_RTSCTS,
	SERIAL_FLOW_DTRDSR,
};

/*
 * Status returns.  Each describes why a port cannot be used; the matching
 * text is serial_status_text().
 */
enum serial_status {
	SERIAL_OK = 0,
	SERIAL_ENOENT = -1,	/* no such port */
	SERIAL_EACCES = -2,	/* permission denied */
	SERIAL_ENOTTY = -3,	/* exists but is not a serial port */
	SERIAL_EBUSY = -4,	/* another program has it open */
	SERIAL_ECONFIG = -5,	/* the settings cannot be applied */
	SERIAL_EIO = -6,	/* any other OS failure */
	SERIAL_EADDR = -7,	/* bad socket:// address */
	SERIAL_ECONN = -8,	/* TCP connection refused / failed */
};

/* serial_read() results besides a byte count. */
#define SERIAL_AGAIN	0	/* nothing to read now */
#define SERIAL_EOF	(-1)	/* end of input ("-" only): finish */
#define SERIAL_LOST	(-2)	/* the port vanished or hung up */

struct serial_config {
	int		 baud;		/* default 115200 */
	int		 data_bits;	/* 5..8, default 8 */
	enum serial_parity parity;
	int		 stop_bits;	/* 1 or 2 */
	enum serial_flow flow;
};

/*
 * What a port was, to know it again after it is lost: a USB device's
 * VID:PID and serial number (to find it after re-enumeration), and for any
 * character device its device number (a pty or a built-in UART).
 */
struct serial_ident {
	int	 valid;		/* 1 if vid/pid are known */
	int	 vid, pid;
	char	 serialno[128];	/* "" if the device has none */
	int	 have_rdev;	/* 1 if rdev is known */
	unsigned long long rdev;
};

struct serial;

void	 serial_config_init(struct serial_config *c);
/* "none|odd|even|mark|space"; -1 if unknown. */
int	 serial_parity_from_name(const char *s);
/* "none|xonxoff|rtscts|dtrdsr"; -1 if unknown. */
int	 serial_flow_from_name(const char *s);
const char *serial_status_text(int status);

/*
 * Opens spec.  On failure *out is NULL, err names the port and the reason,
 * and the result is a negative enum serial_status.
 */
int	 serial_open(const char *spec, const struct serial_config *cfg,
	    struct serial **out, struct diag_err *err);
/*
 * Opens the USB serial port whose identity matches id (same VID:PID, and
 * serial number when id has one).  SERIAL_ENOENT if none is present.
 */
int	 serial_open_ident(const struct serial_ident *id,
	    const struct serial_config *cfg, struct serial **out,
	    struct diag_err *err);
void	 serial_close(struct serial *s);

int	 serial_fd(const struct serial *s);
enum serial_kind serial_kind(const struct serial *s);
/* The device actually opened (symlinks resolved); borrowed. */
const char *serial_device(const struct serial *s);
/* Fills id from the opened device; id->valid is 0 if it is not USB. */
void	 serial_get_ident(const struct serial *s, struct serial_ident *id);
/*
 * 1 if now is the device was describes: the same USB VID:PID (and serial
 * number, when was has one), else the same device number; a socket or
 * stdin has no identity and always is.  0 with the difference in why
 * (n bytes) otherwise: a path that now leads to another device (a stale
 * pty link now pointing at someone's terminal) must not be read.
 */
int	 serial_same_device(const struct serial_ident *was,
	    const struct serial *now, char *why, size_t n);
/* 1 if the spec names something that can come back after being lost. */
int	 serial_can_reconnect(const struct serial *s);

/* Bytes read (>0), SERIAL_AGAIN, SERIAL_EOF or SERIAL_LOST. */
ssize_t	 serial_read(struct serial *s, void *buf, size_t n);
/*
 * Writes what the port accepts now without blocking (keys typed by the
 * user); returns bytes written, or SERIAL_LOST.
 */
ssize_t	 serial_write(struct serial *s, const void *buf, size_t n);
/*
 * Resets an ESP32 into its application the way esptool's hard reset does:
 * DTR released (GPIO0 high), RTS asserted (EN low) for 100 ms, released.
 * DIAG_EUSAGE if the port has no modem lines (socket, stdin, pty).
 */
int	 serial_reset(struct serial *s, struct diag_err *err);
/* Sets DTR and RTS (0, 1, or -1 unchanged), for a custom reset sequence;
   DIAG_EUSAGE as serial_reset, DIAG_EIO if the lines cannot be set. */
int	 serial_set_lines(struct serial *s, int dtr, int rts,
	    struct diag_err *err);

#endif
