/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serial: opens device byte streams: libserialport for kernel serial
 * drivers, termios for ptys and other ttys, TCP for socket://, and stdin.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libserialport.h>

#include "diag.h"
#include "port.h"
#include "serial.h"
#include "xalloc.h"

struct serial {
	enum serial_kind kind;
	int		 fd;
	struct sp_port	*sp;		/* SERIAL_SP only */
	char		*spec;		/* as given */
	char		*device;	/* resolved path, or spec */
	struct serial_ident ident;
};

void
serial_config_init(struct serial_config *c)
{
	c->baud = 115200;
	c->data_bits = 8;
	c->parity = SERIAL_PARITY_NONE;
	c->stop_bits = 1;
	c->flow = SERIAL_FLOW_NONE;
}

int
serial_parity_from_name(const char *s)
{
	static const char *const names[] = { "none", "odd", "even", "mark",
	    "space" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

int
serial_flow_from_name(const char *s)
{
	static const char *const names[] = { "none", "xonxoff", "rtscts",
	    "dtrdsr" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
serial_status_text(int status)
{
	switch (status) {
	case SERIAL_OK:
		return "success";
	case SERIAL_ENOENT:
		return "no such port";
	case SERIAL_EACCES:
		return "permission denied (is your user in the dialout group?)";
	case SERIAL_ENOTTY:
		return "not a serial port";
	case SERIAL_EBUSY:
		return "port busy: another program has it open";
	case SERIAL_ECONFIG:
		return "the port does not accept these settings";
	case SERIAL_EADDR:
		return "bad address, expected socket://HOST:PORT";
	case SERIAL_ECONN:
		return "connection failed";
	case SERIAL_EIO:
	default:
		return "input/output error";
	}
}

static int
serial_errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ENOTDIR:
		return SERIAL_ENOENT;
	case EACCES:
	case EPERM:
		return SERIAL_EACCES;
	case ENOTTY:
		return SERIAL_ENOTTY;
	case EBUSY:
	case EWOULDBLOCK:
		return SERIAL_EBUSY;
	default:
		return SERIAL_EIO;
	}
}

static int
serial_fail(struct diag_err *err, int st, const char *spec, const char *why)
{
	if (why != NULL && why[0] != '\0')
		diag_set(err, DIAG_EIO, "", 0, 0, "cannot open %s: %s (%s)",
		    spec, serial_status_text(st), why);
	else
		diag_set(err, DIAG_EIO, "", 0, 0, "cannot open %s: %s", spec,
		    serial_status_text(st));
	return st;
}

static struct serial *
serial_alloc(enum serial_kind kind, const char *spec, const char *device)
{
	struct serial *s = xcalloc(1, sizeof(*s));

	s->kind = kind;
	s->fd = -1;
	s->spec = xstrdup(spec);
	s->device = xstrdup(device);
	return s;
}

static int
serial_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Exclusive use: TIOCEXCL keeps others from opening, flock from sharing. */
static int
serial_exclusive(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK)
		return SERIAL_EBUSY;
#ifdef TIOCEXCL
	(void)ioctl(fd, TIOCEXCL);
#endif
	return 0;
}

static speed_t
serial_speed(int baud)
{
	static const struct {
		int	 baud;
		speed_t	 sp;
	} t[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 },
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
#ifdef B460800
		{ 460800, B460800 },
#endif
#ifdef B921600
		{ 921600, B921600 },
#endif
#ifdef B1500000
		{ 1500000, B1500000 },
#endif
#ifdef B2000000
		{ 2000000, B2000000 },
#endif
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].baud == baud)
			return t[i].sp;
	return (speed_t)-1;
}

/* Raw mode with the requested line settings (ptys ignore the speed). */
static int
serial_termios_setup(int fd, const struct serial_config *cfg, int is_pty)
{
	struct termios t;
	speed_t sp;

	if (tcgetattr(fd, &t) == -1)
		return SERIAL_ENOTTY;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB);
	switch (cfg->data_bits) {
	case 5: t.c_cflag |= CS5; break;
	case 6: t.c_cflag |= CS6; break;
	case 7: t.c_cflag |= CS7; break;
	default: t.c_cflag |= CS8; break;
	}
	switch (cfg->parity) {
	case SERIAL_PARITY_ODD:
		t.c_cflag |= PARENB | PARODD;
		break;
	case SERIAL_PARITY_EVEN:
		t.c_cflag |= PARENB;
		break;
	case SERIAL_PARITY_MARK:
	case SERIAL_PARITY_SPACE:
#ifdef CMSPAR
		t.c_cflag |= PARENB | CMSPAR |
		    (cfg->parity == SERIAL_PARITY_MARK ? PARODD : 0);
		break;
#else
		if (!is_pty)
			return SERIAL_ECONFIG;
		break;
#endif
	case SERIAL_PARITY_NONE:
		break;
	}
	if (cfg->stop_bits == 2)
		t.c_cflag |= CSTOPB;
#ifdef CRTSCTS
	t.c_cflag &= ~(tcflag_t)CRTSCTS;
	if (cfg->flow == SERIAL_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
#endif
	if (cfg->flow == SERIAL_FLOW_XONXOFF)
		t.c_iflag |= IXON | IXOFF;
	if (cfg->flow == SERIAL_FLOW_DTRDSR && !is_pty)
		return SERIAL_ECONFIG;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	sp = serial_speed(cfg->baud);
	if (sp == (speed_t)-1) {
		if (!is_pty)
			return SERIAL_ECONFIG;
	} else {
		(void)cfsetispeed(&t, sp);
		(void)cfsetospeed(&t, sp);
	}
	if (tcsetattr(fd, TCSANOW, &t) == -1 && !is_pty)
		return SERIAL_ECONFIG;
	return 0;
}

static int
serial_open_termios(const char *spec, const char *dev,
    const struct serial_config *cfg, struct serial **out, struct diag_err *err)
{
	struct serial *s;
	int fd, st, is_pty;

	fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return serial_fail(err, serial_errno_status(errno), spec,
		    strerror(errno));
	if (!isatty(fd)) {
		close(fd);
		return serial_fail(err, SERIAL_ENOTTY, spec,
		    "not a terminal device");
	}
	is_pty = strncmp(dev, "/dev/pts/", 9) == 0;
	if ((st = serial_exclusive(fd)) != 0 ||
	    (st = serial_termios_setup(fd, cfg, is_pty)) != 0) {
		close(fd);
		return serial_fail(err, st, spec, NULL);
	}
	s = serial_alloc(SERIAL_TERMIOS, spec, dev);
	s->fd = fd;
	*out = s;
	return 0;
}

static int
serial_sp_config(struct sp_port *sp, const struct serial_config *cfg)
{
	static const enum sp_parity par[] = { SP_PARITY_NONE, SP_PARITY_ODD,
	    SP_PARITY_EVEN, SP_PARITY_MARK, SP_PARITY_SPACE };
	static const enum sp_flowcontrol flow[] = { SP_FLOWCONTROL_NONE,
	    SP_FLOWCONTROL_XONXOFF, SP_FLOWCONTROL_RTSCTS,
	    SP_FLOWCONTROL_DTRDSR };

	if (sp_set_baudrate(sp, cfg->baud) != SP_OK ||
	    sp_set_bits(sp, cfg->data_bits) != SP_OK ||
	    sp_set_parity(sp, par[cfg->parity]) != SP_OK ||
	    sp_set_stopbits(sp, cfg->stop_bits) != SP_OK ||
	    sp_set_flowcontrol(sp, flow[cfg->flow]) != SP_OK)
		return SERIAL_ECONFIG;
	return 0;
}

/*
 * libserialport first: it knows real serial drivers and their USB identity.
 * 1 means "not a port libserialport drives": try termios.
 */
static int
serial_open_sp(const char *spec, const char *dev,
    const struct serial_config *cfg, struct serial **out, struct diag_err *err)
{
	struct serial *s;
	struct sp_port *sp = NULL;
	enum sp_return r;
	int fd = -1, st, vid, pid;
	char *m;

	if (sp_get_port_by_name(dev, &sp) != SP_OK)
		return 1;
	r = sp_open(sp, SP_MODE_READ_WRITE);
	if (r != SP_OK) {
		int e = r == SP_ERR_FAIL ? sp_last_error_code() : EIO;

		sp_free_port(sp);
		if (e == ENOTTY || e == EINVAL)
			return 1;
		return serial_fail(err, serial_errno_status(e), spec,
		    strerror(e));
	}
	if (sp_get_port_handle(sp, &fd) != SP_OK || fd < 0 ||
	    serial_nonblock(fd) == -1) {
		st = SERIAL_EIO;
		goto error;
	}
	if ((st = serial_exclusive(fd)) != 0 ||
	    (st = serial_sp_config(sp, cfg)) != 0)
		goto error;
	s = serial_alloc(SERIAL_SP, spec, dev);
	s->sp = sp;
	s->fd = fd;
	if (sp_get_port_transport(sp) == SP_TRANSPORT_USB &&
	    sp_get_port_usb_vid_pid(sp, &vid, &pid) == SP_OK) {
		s->ident.valid = 1;
		s->ident.vid = vid;
		s->ident.pid = pid;
		m = sp_get_port_usb_serial(sp);
		if (m != NULL)
			snprintf(s->ident.serialno, sizeof(s->ident.serialno),
			    "%s", m);
	}
	*out = s;
	return 0;
error:
	sp_close(sp);
	sp_free_port(sp);
	return serial_fail(err, st, spec, NULL);
}

static int
serial_open_path(const char *spec, const struct serial_config *cfg,
    struct serial **out, struct diag_err *err)
{
	char dev[PATH_MAX];
	struct stat st;
	int r;

	if (realpath(spec, dev) == NULL)
		return serial_fail(err, serial_errno_status(errno), spec,
		    errno == ENOENT ? NULL : strerror(errno));
	if (stat(dev, &st) == -1)
		return serial_fail(err, serial_errno_status(errno), spec,
		    strerror(errno));
	if (access(dev, R_OK | W_OK) == -1 && errno == EACCES)
		return serial_fail(err, SERIAL_EACCES, spec, NULL);
	if (!S_ISCHR(st.st_mode))
		return serial_fail(err, SERIAL_ENOTTY, spec,
		    S_ISREG(st.st_mode) ? "a regular file; to read a saved "
		    "log use 'otadiag analyze'" : "not a character device");
	if (strncmp(dev, "/dev/pts/", 9) != 0) {
		r = serial_open_sp(spec, dev, cfg, out, err);
		if (r <= 0)
			return r;
	}
	return serial_open_termios(spec, dev, cfg, out, err);
}

static int
serial_open_socket(const char *spec, struct serial **out, struct diag_err *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256];
	const char *hp = spec + strlen("socket://"), *colon, *port;
	size_t hl;
	int fd = -1, e = 0, gai;
	struct serial *s;

	if (hp[0] == '[') {
		const char *close_br = strchr(hp, ']');

		if (close_br == NULL || close_br[1] != ':')
			return serial_fail(err, SERIAL_EADDR, spec, NULL);
		hl = (size_t)(close_br - hp - 1);
		hp++;
		colon = close_br + 1;
	} else {
		colon = strrchr(hp, ':');
		if (colon == NULL)
			return serial_fail(err, SERIAL_EADDR, spec, NULL);
		hl = (size_t)(colon - hp);
	}
	port = colon + 1;
	if (hl == 0 || hl >= sizeof(host) || port[0] == '\0' ||
	    strspn(port, "0123456789") != strlen(port))
		return serial_fail(err, SERIAL_EADDR, spec, NULL);
	memcpy(host, hp, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0)
		return serial_fail(err, SERIAL_ECONN, spec, gai_strerror(gai));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return serial_fail(err, SERIAL_ECONN, spec, strerror(e));
	(void)serial_nonblock(fd);
	s = serial_alloc(SERIAL_SOCKET, spec, spec);
	s->fd = fd;
	*out = s;
	return 0;
}

int
serial_open(const char *spec, const struct serial_config *cfg,
    struct serial **out, struct diag_err *err)
{
	struct serial *s;
	struct stat st;
	int r;

	*out = NULL;
	diag_clear(err);
	if (strcmp(spec, "-") == 0) {
		s = serial_alloc(SERIAL_STDIN, spec, "-");
		s->fd = STDIN_FILENO;
		*out = s;
		return 0;
	}
	if (strncmp(spec, "socket://", 9) == 0)
		return serial_open_socket(spec, out, err);
	if (strstr(spec, "://") != NULL)
		return serial_fail(err, SERIAL_EADDR, spec,
		    "only socket:// URLs are supported");
	if ((r = serial_open_path(spec, cfg, out, err)) == 0 &&
	    fstat((*out)->fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		(*out)->ident.have_rdev = 1;
		(*out)->ident.rdev = (unsigned long long)st.st_rdev;
	}
	return r;
}

int
serial_same_device(const struct serial_ident *was, const struct serial *now,
    char *why, size_t n)
{
	const struct serial_ident *is = &now->ident;

	if (was->valid) {
		if (is->valid && is->vid == was->vid && is->pid == was->pid &&
		    (was->serialno[0] == '\0' ||
		    strcmp(is->serialno, was->serialno) == 0))
			return 1;
		if (is->valid)
			snprintf(why, n, "USB %04x:%04x%s%.40s, not %04x:%04x"
			    "%s%.40s", (unsigned)is->vid, (unsigned)is->pid,
			    is->serialno[0] != '\0' ? " serial " : "",
			    is->serialno, (unsigned)was->vid,
			    (unsigned)was->pid, was->serialno[0] != '\0' ?
			    " serial " : "", was->serialno);
		else
			snprintf(why, n, "not the USB device %04x:%04x",
			    (unsigned)was->vid, (unsigned)was->pid);
		return 0;
	}
	if (was->have_rdev) {
		if (is->have_rdev && is->rdev == was->rdev)
			return 1;
		if (is->have_rdev)
			snprintf(why, n, "device %u:%u, not %u:%u",
			    major((dev_t)is->rdev), minor((dev_t)is->rdev),
			    major((dev_t)was->rdev), minor((dev_t)was->rdev));
		else
			snprintf(why, n, "not a character device any more");
		return 0;
	}
	return 1;
}

int
serial_open_ident(const struct serial_ident *id,
    const struct serial_config *cfg, struct serial **out,
    struct diag_err *err)
{
	struct port_info *p = NULL;
	size_t n = 0;
	long i;
	int r;

	*out = NULL;
	if (!id->valid)
		return serial_fail(err, SERIAL_ENOENT, "USB device", NULL);
	if (port_list(&p, &n, err) != 0)
		return SERIAL_EIO;
	i = port_find_usb(p, n, id->vid, id->pid, id->serialno);
	if (i < 0) {
		char what[64];

		snprintf(what, sizeof(what), "USB device %04x:%04x",
		    (unsigned)id->vid, (unsigned)id->pid);
		r = serial_fail(err, SERIAL_ENOENT, what, NULL);
	} else
		r = serial_open(p[i].name, cfg, out, err);
	port_list_free(p, n);
	return r;
}

void
serial_close(struct serial *s)
{
	if (s == NULL)
		return;
	if (s->sp != NULL) {
		sp_close(s->sp);
		sp_free_port(s->sp);
	} else if (s->fd >= 0 && s->kind != SERIAL_STDIN)
		close(s->fd);
	free(s->spec);
	free(s->device);
	free(s);
}

int
serial_fd(const struct serial *s)
{
	return s->fd;
}

enum serial_kind
serial_kind(const struct serial *s)
{
	return s->kind;
}

const char *
serial_device(const struct serial *s)
{
	return s->device;
}

void
serial_get_ident(const struct serial *s, struct serial_ident *id)
{
	*id = s->ident;
}

int
serial_can_reconnect(const struct serial *s)
{
	return s->kind != SERIAL_STDIN;
}

ssize_t
serial_read(struct serial *s, void *buf, size_t n)
{
	ssize_t r;

	r = read(s->fd, buf, n);
	if (r > 0)
		return r;
	if (r == 0)
		return s->kind == SERIAL_STDIN ? SERIAL_EOF : SERIAL_LOST;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return SERIAL_AGAIN;
	return SERIAL_LOST;
}

ssize_t
serial_write(struct serial *s, const void *buf, size_t n)
{
	ssize_t r;

	if (s->kind == SERIAL_STDIN)
		return 0;
	r = write(s->fd, buf, n);
	if (r >= 0)
		return r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return SERIAL_LOST;
}

static void
serial_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
serial_modem(struct serial *s, int dtr, int rts)
{
	int bits, r = 0;

	if (s->sp != NULL) {
		if (dtr >= 0 && sp_set_dtr(s->sp, dtr ? SP_DTR_ON :
		    SP_DTR_OFF) != SP_OK)
			r = -1;
		if (rts >= 0 && sp_set_rts(s->sp, rts ? SP_RTS_ON :
		    SP_RTS_OFF) != SP_OK)
			r = -1;
		return r;
	}
	if (dtr >= 0) {
		bits = TIOCM_DTR;
		if (ioctl(s->fd, dtr ? TIOCMBIS : TIOCMBIC, &bits) == -1)
			r = -1;
	}
	if (rts >= 0) {
		bits = TIOCM_RTS;
		if (ioctl(s->fd, rts ? TIOCMBIS : TIOCMBIC, &bits) == -1)
			r = -1;
	}
	return r;
}

int
serial_reset(struct serial *s, struct diag_err *err)
{
	if (s->kind == SERIAL_SOCKET || s->kind == SERIAL_STDIN ||
	    strncmp(s->device, "/dev/pts/", 9) == 0)
		return diag_set(err, DIAG_EUSAGE, "", 0, 0,
		    "cannot reset through %s: it has no DTR/RTS lines",
		    s->spec);
	/* GPIO0 high (boot the app), EN low: the chip is held in reset. */
	if (serial_modem(s, 0, 1) == -1)
		goto fail;
	serial_sleep_ms(100);
	/* EN high: the chip starts. */
	if (serial_modem(s, -1, 0) == -1)
		goto fail;
	return 0;
fail:
	return diag_set(err, DIAG_EIO, "", 0, 0,
	    "cannot reset through %s: setting DTR/RTS failed", s->spec);
}

int
serial_set_lines(struct serial *s, int dtr, int rts, struct diag_err *err)
{
	if (s->kind == SERIAL_SOCKET || s->kind == SERIAL_STDIN ||
	    strncmp(s->device, "/dev/pts/", 9) == 0)
		return diag_set(err, DIAG_EUSAGE, "", 0, 0,
		    "cannot reset through %s: it has no DTR/RTS lines",
		    s->spec);
	if (serial_modem(s, dtr, rts) == -1)
		return diag_set(err, DIAG_EIO, "", 0, 0,
		    "cannot reset through %s: setting DTR/RTS failed", s->spec);
	return 0;
}
