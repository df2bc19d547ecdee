/*
 * monitor: live diagnosis on a serial port.
 *
 * Bytes from the port go, in this order, to the --log file (raw, written
 * as they arrive), to the analysis (the same engine as `analyze`), and to
 * the terminal (sanitised, SGR colours kept on a terminal).  The analysis
 * listener prints each confirmed finding at once, marked with a banner.
 * One poll() loop waits on the port, the keyboard and a signalfd (or a
 * self-pipe); it sleeps while nothing happens.  Signals only wake the loop:
 * nothing is done in a handler.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/signalfd.h>
#endif

#include "analysis.h"
#include "cmd.h"
#include "diag.h"
#include "matcher.h"
#include "port.h"
#include "report.h"
#include "result.h"
#include "ruleset.h"
#include "sanitize.h"
#include "serial.h"
#include "strbuf.h"
#include "xalloc.h"

#define MONITOR_USAGE \
	"usage: otadiag monitor [-qv] [--baud rate] [--data-bits bits]\n" \
	"                       [--parity none|odd|even|mark|space] [--stop-bits 1|2]\n" \
	"                       [--flow none|xonxoff|rtscts|dtrdsr] [--log file]\n" \
	"                       [--timestamps] [--timeout seconds]\n" \
	"                       [--until success|failure|outcome] [--no-reconnect]\n" \
	"                       [--reset] [--rules path] [--no-default-rules]\n" \
	"                       [--format fmt [--output file]]... [--color when]\n" \
	"                       [--fail-on level] [--expect outcome]\n" \
	"                       [--ignore rule|cause] [--baseline file] [port]\n"

#define MONITOR_PARTIAL_MS	50	/* a partial line is shown after this */
#define MONITOR_RETRY_MS	250	/* reopen attempts while the port is away */
#define MONITOR_HOLD_MAX	4096	/* longest undisplayed partial line */
#define MONITOR_KEY_QUIT	0x1d	/* Ctrl-] */
#define MONITOR_KEY_INTR	0x03	/* Ctrl-C in raw mode */

enum monitor_until {
	UNTIL_NONE = 0,
	UNTIL_SUCCESS,
	UNTIL_FAILURE,
	UNTIL_OUTCOME,
};

enum monitor_stop {
	STOP_NONE = 0,
	STOP_KEY,		/* Ctrl-] / Ctrl-C typed */
	STOP_SIGNAL,		/* SIGINT, SIGTERM, SIGHUP */
	STOP_TIMEOUT,
	STOP_UNTIL,
	STOP_EOF,		/* "-" reached its end */
	STOP_LOST,		/* port lost, --no-reconnect */
	STOP_OUTPUT,		/* stdout cannot be written */
};

struct monitor_opts {
	struct cli_common c;
	const char	*port;
	struct serial_config cfg;
	const char	*log_path;
	int		 timestamps;
	int		 quiet;
	double		 timeout;	/* seconds, 0 = none */
	enum monitor_until until;
	int		 no_reconnect;
	int		 reset;
};

struct monitor {
	struct monitor_opts *o;
	const struct ruleset *rs;
	struct analysis	*an;
	struct report_opts ropts;
	FILE		*out;		/* device lines and diagnoses */
	int		 color;		/* on out */
	const char	*spec;		/* port as given or chosen */
	struct serial	*port;		/* NULL while the port is away */
	struct serial_ident ident;
	int		 logfd;
	int		 sigfd;		/* signalfd or self-pipe read end */
	int		 keys;		/* stdin is a terminal we read */
	int		 tty_saved;
	struct termios	 tty_orig;

	/* pass-through display */
	struct strbuf	 hold;		/* bytes of the line not shown yet */
	long long	 hold_ms;	/* when data last arrived */
	int		 mid_line;	/* terminal cursor is inside a line */
	int		 cr_seen;	/* last byte ended a line with CR */
	int		 sgr_used;	/* a colour was set on this line */
	struct strbuf	 render;

	/* log/analysis byte stream (timestamped with --timestamps) */
	int		 stamp_bol;
	struct strbuf	 stamped;

	enum monitor_stop stop;
	int		 until_met;
	int		 finishing;
	int		 out_failed;
	int		 log_failed;
	unsigned	 ngaps;
	long long	 lost_ms;
	long long	 retry_ms;	/* next reopen attempt */
	long long	 start_ms;
};

static long long
monitor_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "[2024-01-02 12:34:56.789] " (log, analysis) or "[12:34:56.789] ". */
static void
monitor_stamp(struct strbuf *sb, int with_date)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), with_date ? "%Y-%m-%d %H:%M:%S" :
	    "%H:%M:%S", &tm);
	strbuf_addf(sb, "[%s.%03ld] ", buf, ts.tv_nsec / 1000000);
}

/* ---- output ---------------------------------------------------------- */

static void
monitor_write(struct monitor *m, const char *s, size_t n)
{
	if (n > 0 && fwrite(s, 1, n, m->out) != n)
		m->out_failed = 1;
}

static void
monitor_flush(struct monitor *m)
{
	if (fflush(m->out) == EOF)
		m->out_failed = 1;
	if (m->out_failed && m->stop == STOP_NONE)
		m->stop = STOP_OUTPUT;
}

/* Ends a device line on the terminal, so a message starts on its own. */
static void
monitor_break(struct monitor *m)
{
	if (m->sgr_used && m->color)
		monitor_write(m, "\033[0m", 4);
	m->sgr_used = 0;
	if (m->mid_line)
		monitor_write(m, "\n", 1);
	m->mid_line = 0;
}

static void
monitor_banner(struct monitor *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One "otadiag ▶ ..." line, distinct from device lines. */
static void
monitor_banner(struct monitor *m, const char *fmt, ...)
{
	struct strbuf raw = STRBUF_INIT, txt = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&raw, fmt, ap);
	va_end(ap);
	sanitize_append(&txt, raw.buf, raw.len);
	monitor_break(m);
	if (m->color)
		fprintf(m->out, "\033[1;97;45m otadiag \xe2\x96\xb6 \033[0m"
		    "\033[1;35m %s\033[0m\n", txt.buf);
	else
		fprintf(m->out, "otadiag \xe2\x96\xb6 %s\n", txt.buf);
	strbuf_release(&raw);
	strbuf_release(&txt);
}

static void
monitor_status(struct monitor *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning on stderr, after ending any half-shown device line. */
static void
monitor_status(struct monitor *m, const char *fmt, ...)
{
	struct strbuf raw = STRBUF_INIT, txt = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&raw, fmt, ap);
	va_end(ap);
	sanitize_append(&txt, raw.buf, raw.len);
	monitor_break(m);
	monitor_flush(m);
	fprintf(stderr, "otadiag: %s\n", txt.buf);
	fflush(stderr);
	strbuf_release(&raw);
	strbuf_release(&txt);
}

/* ---- pass-through display ---------------------------------------------- */

/*
 * Length of the escape sequence at s[0] == ESC, 0 if it is not complete
 * yet.  CSI: ESC [ params intermediates final; OSC/DCS/APC/PM up to BEL or
 * ST; anything else is two bytes.
 */
static size_t
monitor_esc_len(const unsigned char *s, size_t n)
{
	size_t k;

	if (n < 2)
		return 0;
	if (s[1] == '[') {
		for (k = 2; k < n; k++) {
			if (s[k] >= 0x40 && s[k] <= 0x7e)
				return k + 1;
			if (s[k] < 0x20 || s[k] > 0x3f)
				return k;	/* malformed: ends here */
		}
		return 0;
	}
	if (s[1] == ']' || s[1] == 'P' || s[1] == '_' || s[1] == '^') {
		for (k = 2; k < n; k++) {
			if (s[k] == 0x07)
				return k + 1;
			if (s[k] == 0x1b && k + 1 < n && s[k + 1] == '\\')
				return k + 2;
		}
		return 0;
	}
	return 2;
}

static int
monitor_is_sgr(const unsigned char *s, size_t len)
{
	size_t k;

	if (len < 3 || s[1] != '[' || s[len - 1] != 'm')
		return 0;
	for (k = 2; k + 1 < len; k++)
		if (strchr("0123456789;:", s[k]) == NULL)
			return 0;
	return 1;
}

/*
 * How much of a partial line can be shown now: everything but an escape
 * sequence or UTF-8 character cut by the read.
 */
static size_t
monitor_safe_len(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;

	while (i < n) {
		if (s[i] == 0x1b) {
			k = monitor_esc_len(s + i, n - i);
			if (k == 0)
				return n - i > 64 ? n : i;
			i += k;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xf4) {
			need = s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : 2;
			if (i + need > n) {
				for (k = i + 1; k < n; k++)
					if ((s[k] & 0xc0) != 0x80)
						break;
				if (k == n)
					return i;
			}
		}
		i++;
	}
	return n;
}

/*
 * Shows s[0..n) of a device line: SGR colour sequences kept when colour
 * is on, everything else through the sanitiser (which removes other
 * escape sequences and escapes control bytes).
 */
static void
monitor_show(struct monitor *m, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	if (n == 0)
		return;
	strbuf_reset(&m->render);
	if (!m->mid_line && m->o->timestamps) {
		if (m->color)
			strbuf_addstr(&m->render, "\033[2m");
		monitor_stamp(&m->render, 0);
		if (m->color)
			strbuf_addstr(&m->render, "\033[22m");
	}
	while (i < n) {
		if (u[i] == 0x1b) {
			k = monitor_esc_len(u + i, n - i);
			if (k == 0)
				k = n - i;
			if (monitor_is_sgr(u + i, k)) {
				sanitize_append(&m->render, s + run, i - run);
				if (m->color) {
					strbuf_add(&m->render, s + i, k);
					m->sgr_used = 1;
				}
				run = i + k;
			}
			i += k;
			continue;
		}
		i++;
	}
	sanitize_append(&m->render, s + run, n - run);
	monitor_write(m, m->render.buf, m->render.len);
	m->mid_line = 1;
}

static void
monitor_show_line_end(struct monitor *m)
{
	if (!m->mid_line && m->o->timestamps)
		monitor_show(m, "", 0);
	if (m->sgr_used && m->color)
		monitor_write(m, "\033[0m", 4);
	m->sgr_used = 0;
	monitor_write(m, "\n", 1);
	m->mid_line = 0;
}

/* Device bytes for the terminal: whole lines now, partial ones later. */
static void
monitor_display(struct monitor *m, const char *buf, size_t n)
{
	size_t i;

	if (m->o->quiet)
		return;
	for (i = 0; i < n; i++) {
		char ch = buf[i];

		if (ch == '\n' && m->cr_seen) {
			m->cr_seen = 0;
			continue;
		}
		m->cr_seen = 0;
		if (ch == '\n' || ch == '\r') {
			monitor_show(m, m->hold.buf, m->hold.len);
			strbuf_reset(&m->hold);
			monitor_show_line_end(m);
			m->cr_seen = ch == '\r';
			continue;
		}
		strbuf_addch(&m->hold, ch);
		if (m->hold.len >= MONITOR_HOLD_MAX) {
			monitor_show(m, m->hold.buf, m->hold.len);
			strbuf_reset(&m->hold);
		}
	}
	m->hold_ms = monitor_now_ms();
}

/* Shows what is safe of a partial line (all of it when force). */
static void
monitor_display_partial(struct monitor *m, int force)
{
	size_t k;

	if (m->hold.len == 0)
		return;
	k = force ? m->hold.len :
	    monitor_safe_len((const unsigned char *)m->hold.buf, m->hold.len);
	if (k == 0)
		return;
	monitor_show(m, m->hold.buf, k);
	memmove(m->hold.buf, m->hold.buf + k, m->hold.len - k);
	strbuf_setlen(&m->hold, m->hold.len - k);
}

/* ---- the analysis and the log --------------------------------------- */

static void
monitor_listener(void *ctx, const struct analysis_event *ev)
{
	struct monitor *m = ctx;
	const struct input_result *r = ev->result;
	const struct session *s;
	const struct finding *f;
	enum outcome oc;

	if (m->finishing)
		return;
	switch (ev->kind) {
	case ANALYSIS_FINDING:
		if (ev->finding < 0 || (size_t)ev->finding >= r->nfindings)
			break;
		f = &r->findings[ev->finding];
		if (f->consequence_of >= 0 &&
		    (size_t)f->consequence_of < r->nfindings) {
			/* explained by an earlier finding: one line */
			monitor_banner(m, "line %lu: %s (%s), a consequence of "
			    "line %lu (%s)", f->line, f->rule->title, f->cause,
			    r->findings[f->consequence_of].line,
			    r->findings[f->consequence_of].cause);
			break;
		}
		monitor_banner(m, "diagnosis at line %lu: %s", f->line,
		    f->cause);
		report_text_finding(m->out, r, (size_t)ev->finding, &m->ropts);
		break;
	case ANALYSIS_OUTCOME:
		if (ev->session < 0 || (size_t)ev->session >= r->nsessions)
			break;
		s = &r->sessions[ev->session];
		oc = s->outcome;
		monitor_banner(m, "update outcome: %s", outcome_name(oc));
		/* only the input's last story decides: an attempt that a
		   retry follows at once is not the end */
		if ((size_t)ev->session + 1 == r->nsessions &&
		    ((oc == OUTCOME_SUCCESS && (m->o->until == UNTIL_SUCCESS ||
		    m->o->until == UNTIL_OUTCOME)) ||
		    ((oc == OUTCOME_FAILED || oc == OUTCOME_ROLLED_BACK) &&
		    (m->o->until == UNTIL_FAILURE ||
		    m->o->until == UNTIL_OUTCOME)))) {
			m->until_met = 1;
			if (m->stop == STOP_NONE)
				m->stop = STOP_UNTIL;
			/* the verdict is that of the bytes up to this line:
			   the rest of the chunk is logged, not analysed */
			analysis_stop(m->an);
		}
		break;
	case ANALYSIS_NOTE:
		if (ev->note != NULL && m->o->c.verbose)
			monitor_banner(m, "note at line %lu: %s",
			    ev->note->line, ev->note->text);
		break;
	case ANALYSIS_STAGE:
		if (ev->stage != NULL && m->o->c.verbose)
			monitor_banner(m, "line %lu: %s%s%s", ev->stage->line,
			    stage_name(ev->stage->stage),
			    ev->stage->detail != NULL &&
			    ev->stage->detail[0] != '\0' ? " " : "",
			    ev->stage->detail != NULL ? ev->stage->detail : "");
		break;
	}
}

/* Adds "[date time] " at the start of each line of the logged stream. */
static const char *
monitor_stamped(struct monitor *m, const char *buf, size_t n, size_t *outn)
{
	size_t i, start = 0;

	if (!m->o->timestamps) {
		*outn = n;
		return buf;
	}
	strbuf_reset(&m->stamped);
	for (i = 0; i < n; i++) {
		if (m->stamp_bol) {
			strbuf_add(&m->stamped, buf + start, i - start);
			start = i;
			monitor_stamp(&m->stamped, 1);
			m->stamp_bol = 0;
		}
		if (buf[i] == '\n')
			m->stamp_bol = 1;
	}
	strbuf_add(&m->stamped, buf + start, n - start);
	*outn = m->stamped.len;
	return m->stamped.buf;
}

static void
monitor_log(struct monitor *m, const char *buf, size_t n)
{
	ssize_t w;

	while (m->logfd >= 0 && n > 0) {
		w = write(m->logfd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			monitor_status(m, "error: cannot write %s: %s",
			    m->o->log_path, strerror(errno));
			m->log_failed = 1;
			close(m->logfd);
			m->logfd = -1;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

static void
monitor_bytes(struct monitor *m, const char *buf, size_t n)
{
	const char *s;
	size_t sn;

	s = monitor_stamped(m, buf, n, &sn);
	monitor_log(m, s, sn);
	monitor_display(m, buf, n);
	analysis_feed(m->an, s, sn);
}

/* ---- signals --------------------------------------------------------- */

#ifndef __linux__
/* The write end of the self-pipe: the one state a handler may touch. */
static int monitor_sigpipe_w = -1;

static void
monitor_on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int e = errno;

	(void)write(monitor_sigpipe_w, &b, 1);
	errno = e;
}
#endif

static int
monitor_signals_open(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
#ifdef __linux__
	if (sigprocmask(SIG_BLOCK, &set, old) == -1)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
#else
	{
		struct sigaction sa;
		int p[2];

		(void)old;
		if (pipe(p) == -1)
			return -1;
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		monitor_sigpipe_w = p[1];
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = monitor_on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		return p[0];
	}
#endif
}

static void
monitor_signals_close(int fd, const sigset_t *old)
{
	if (fd >= 0)
		close(fd);
#ifdef __linux__
	sigprocmask(SIG_SETMASK, old, NULL);
#else
	(void)old;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
#endif
}

/* ---- keyboard --------------------------------------------------------- */

static void
monitor_keys_raw(struct monitor *m)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &m->tty_orig) == -1)
		return;
	t = m->tty_orig;
	cfmakeraw(&t);
	/* Keep output processing: "\n" still returns the carriage. */
	t.c_oflag = m->tty_orig.c_oflag;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1)
		return;
	m->tty_saved = 1;
	m->keys = 1;
}

static void
monitor_keys_restore(struct monitor *m)
{
	if (m->tty_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &m->tty_orig);
	m->tty_saved = 0;
}

static void
monitor_keys(struct monitor *m)
{
	char buf[256], fwd[256];
	size_t nf = 0;
	ssize_t r, i;

	r = read(STDIN_FILENO, buf, sizeof(buf));
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			m->keys = 0;	/* terminal gone: stop reading */
		return;
	}
	for (i = 0; i < r; i++) {
		if (buf[i] == MONITOR_KEY_QUIT || buf[i] == MONITOR_KEY_INTR) {
			m->stop = STOP_KEY;
			break;
		}
		fwd[nf++] = buf[i];
	}
	if (nf > 0 && m->port != NULL &&
	    serial_write(m->port, fwd, nf) == SERIAL_LOST)
		return;	/* the read side notices the loss */
}

/* ---- the port -------------------------------------------------------- */

static int
monitor_try_reopen(struct monitor *m)
{
	struct diag_err err;
	struct serial *s = NULL;

	if (serial_open(m->spec, &m->o->cfg, &s, &err) != 0 &&
	    (!m->ident.valid ||
	    serial_open_ident(&m->ident, &m->o->cfg, &s, &err) != 0))
		return -1;
	m->port = s;
	if (serial_kind(s) == SERIAL_SP)
		serial_get_ident(s, &m->ident);
	m->ngaps++;
	analysis_mark_gap(m->an, "port lost and reopened");
	monitor_status(m, "%s is back after %.1f s (%s); continuing",
	    m->spec, (double)(monitor_now_ms() - m->lost_ms) / 1000.0,
	    serial_device(s));
	return 0;
}

static void
monitor_port_lost(struct monitor *m)
{
	monitor_display_partial(m, 1);
	serial_close(m->port);
	m->port = NULL;
	m->lost_ms = monitor_now_ms();
	m->retry_ms = m->lost_ms + MONITOR_RETRY_MS;
	if (m->o->no_reconnect) {
		monitor_status(m, "error: lost %s", m->spec);
		analysis_set_error(m->an, "port lost");
		m->stop = STOP_LOST;
		return;
	}
	monitor_status(m, "warning: lost %s; waiting for it to come back "
	    "(Ctrl-] to quit)", m->spec);
}

static void
monitor_port_read(struct monitor *m)
{
	char buf[4096];
	ssize_t r;
	int rounds;

	/* Drain what is there now, in bounded rounds, then show it. */
	for (rounds = 0; rounds < 16 && m->stop == STOP_NONE; rounds++) {
		r = serial_read(m->port, buf, sizeof(buf));
		if (r > 0) {
			monitor_bytes(m, buf, (size_t)r);
			continue;
		}
		if (r == SERIAL_EOF) {
			m->stop = STOP_EOF;
			break;
		}
		if (r == SERIAL_LOST)
			monitor_port_lost(m);
		break;
	}
}

/* ---- options ----------------------------------------------------------- */

static int
monitor_value(int argc, char **argv, int *i, const char *name,
    const char **val)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, len) != 0)
		return 0;
	if (a[len] == '=') {
		*val = a + len + 1;
		return 1;
	}
	if (a[len] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error("monitor", "%s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

static int
monitor_parse(struct monitor_opts *o, int argc, char **argv)
{
	const char *v;
	long n;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(MONITOR_USAGE, stdout);
			return 1;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = 1;
			continue;
		}
		if (strcmp(a, "--timestamps") == 0) {
			o->timestamps = 1;
			continue;
		}
		if (strcmp(a, "--no-reconnect") == 0) {
			o->no_reconnect = 1;
			continue;
		}
		if (strcmp(a, "--reset") == 0) {
			o->reset = 1;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--baud", &v)) != 0 ||
		    (r = monitor_value(argc, argv, &i, "-b", &v)) != 0) {
			if (r < 0)
				return -1;
			if (cli_long(v, 50, 20000000, &n) == -1) {
				cli_usage_error("monitor", "bad baud rate '%s'",
				    v);
				return -1;
			}
			o->cfg.baud = (int)n;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--data-bits", &v)) != 0) {
			if (r < 0)
				return -1;
			if (cli_long(v, 5, 8, &n) == -1) {
				cli_usage_error("monitor",
				    "--data-bits must be 5, 6, 7 or 8");
				return -1;
			}
			o->cfg.data_bits = (int)n;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--stop-bits", &v)) != 0) {
			if (r < 0)
				return -1;
			if (cli_long(v, 1, 2, &n) == -1) {
				cli_usage_error("monitor",
				    "--stop-bits must be 1 or 2");
				return -1;
			}
			o->cfg.stop_bits = (int)n;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--parity", &v)) != 0) {
			if (r < 0)
				return -1;
			if ((r = serial_parity_from_name(v)) < 0) {
				cli_usage_error("monitor", "bad parity '%s' "
				    "(none, odd, even, mark, space)", v);
				return -1;
			}
			o->cfg.parity = (enum serial_parity)r;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--flow", &v)) != 0) {
			if (r < 0)
				return -1;
			if ((r = serial_flow_from_name(v)) < 0) {
				cli_usage_error("monitor", "bad flow control "
				    "'%s' (none, xonxoff, rtscts, dtrdsr)", v);
				return -1;
			}
			o->cfg.flow = (enum serial_flow)r;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--log", &v)) != 0) {
			if (r < 0)
				return -1;
			o->log_path = v;
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--timeout", &v)) != 0) {
			char *end;

			if (r < 0)
				return -1;
			errno = 0;
			o->timeout = strtod(v, &end);
			if (errno != 0 || end == v || *end != '\0' ||
			    !(o->timeout > 0) || o->timeout > 31536000.0) {
				cli_usage_error("monitor", "bad --timeout '%s' "
				    "(seconds, more than 0)", v);
				return -1;
			}
			continue;
		}
		if ((r = monitor_value(argc, argv, &i, "--until", &v)) != 0) {
			if (r < 0)
				return -1;
			if (strcmp(v, "success") == 0)
				o->until = UNTIL_SUCCESS;
			else if (strcmp(v, "failure") == 0)
				o->until = UNTIL_FAILURE;
			else if (strcmp(v, "outcome") == 0)
				o->until = UNTIL_OUTCOME;
			else {
				cli_usage_error("monitor", "bad --until '%s' "
				    "(success, failure, outcome)", v);
				return -1;
			}
			continue;
		}
		r = cli_parse_common(&o->c, "monitor", argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (a[0] == '-' && a[1] != '\0') {
			cli_usage_error("monitor", "unknown option '%s'", a);
			return -1;
		}
		if (o->port != NULL) {
			cli_usage_error("monitor", "only one port can be "
			    "monitored ('%s' and '%s')", o->port, a);
			return -1;
		}
		o->port = a;
	}
	if (cli_common_finish(&o->c, "monitor") != 0)
		return -1;
	if (o->c.quiet)
		o->quiet = 1;
	return 0;
}

/*
 * No port given: the only USB serial port, or a list to choose from.
 * Returns an owned name, or NULL with *status set.
 */
static char *
monitor_pick_port(int *status)
{
	struct port_info *p = NULL;
	struct diag_err err;
	size_t n = 0, i, nusb = 0, pick = 0;
	char *name = NULL;

	if (port_list(&p, &n, &err) != 0) {
		diag_print(stderr, &err);
		*status = EXIT_INPUT;
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (p[i].usb) {
			if (nusb++ == 0)
				pick = i;
		}
	if (nusb == 1) {
		name = xstrdup(p[pick].name);
		diag_say("using %s (%04x:%04x %s)", name,
		    (unsigned)p[pick].vid, (unsigned)p[pick].pid,
		    p[pick].bridge != NULL ? p[pick].bridge : p[pick].product);
	} else if (nusb == 0) {
		diag_error("no USB serial port found; name the port: "
		    "otadiag monitor PORT (see 'otadiag ports')");
		*status = EXIT_INPUT;
	} else {
		fprintf(stderr, "otadiag: error: %zu USB serial ports; "
		    "choose one:\n", nusb);
		for (i = 0; i < n; i++)
			if (p[i].usb)
				fprintf(stderr, "  otadiag monitor %s\t"
				    "# %04x:%04x %s%s%s\n", p[i].name,
				    (unsigned)p[i].vid, (unsigned)p[i].pid,
				    p[i].bridge != NULL ? p[i].bridge : "",
				    p[i].bridge != NULL ? " " : "",
				    p[i].product);
		*status = EXIT_USAGE;
	}
	port_list_free(p, n);
	return name;
}

/* Where device lines go: stdout, unless a machine report is written there. */
static FILE *
monitor_out_stream(const struct cli_common *c)
{
	size_t i;

	for (i = 0; i < c->noutputs; i++)
		if (c->outputs[i].format != REPORT_TEXT &&
		    (c->outputs[i].path == NULL ||
		    strcmp(c->outputs[i].path, "-") == 0))
			return stderr;
	return stdout;
}

static const char *
monitor_stop_text(enum monitor_stop s)
{
	switch (s) {
	case STOP_KEY:
		return "stopped by the user";
	case STOP_SIGNAL:
		return "stopped by a signal";
	case STOP_TIMEOUT:
		return "timed out";
	case STOP_UNTIL:
		return "outcome reached";
	case STOP_EOF:
		return "end of input";
	case STOP_LOST:
		return "port lost";
	case STOP_OUTPUT:
		return "output failed";
	case STOP_NONE:
	default:
		return "stopped";
	}
}

/* ---- the loop -------------------------------------------------------- */

static void
monitor_loop(struct monitor *m)
{
	struct pollfd pfd[3];
	long long deadline = -1, now, wait, t;
	int n, iport, ikeys, isig;

	if (m->o->timeout > 0)
		deadline = m->start_ms + (long long)(m->o->timeout * 1000.0);
	while (m->stop == STOP_NONE) {
		now = monitor_now_ms();
		if (deadline >= 0 && now >= deadline) {
			m->stop = STOP_TIMEOUT;
			break;
		}
		wait = -1;
		if (deadline >= 0)
			wait = deadline - now;
		if (m->hold.len > 0) {
			t = m->hold_ms + MONITOR_PARTIAL_MS - now;
			if (t <= 0) {
				monitor_display_partial(m, 0);
				monitor_flush(m);
				t = MONITOR_PARTIAL_MS;
			}
			if (wait < 0 || t < wait)
				wait = t;
		}
		if (m->port == NULL) {
			if (now >= m->retry_ms && monitor_try_reopen(m) == -1)
				m->retry_ms = now + MONITOR_RETRY_MS;
			monitor_flush(m);
			if (m->port == NULL) {
				t = m->retry_ms - now;
				if (wait < 0 || t < wait)
					wait = t;
			}
		}
		n = 0;
		iport = ikeys = isig = -1;
		if (m->port != NULL) {
			iport = n;
			pfd[n].fd = serial_fd(m->port);
			pfd[n++].events = POLLIN;
		}
		if (m->keys) {
			ikeys = n;
			pfd[n].fd = STDIN_FILENO;
			pfd[n++].events = POLLIN;
		}
		if (m->sigfd >= 0) {
			isig = n;
			pfd[n].fd = m->sigfd;
			pfd[n++].events = POLLIN;
		}
		if (wait > 1000000)
			wait = 1000000;
		if (poll(pfd, (nfds_t)n, (int)wait) == -1) {
			if (errno == EINTR)
				continue;
			monitor_status(m, "error: poll: %s", strerror(errno));
			m->stop = STOP_LOST;
			break;
		}
		if (isig >= 0 && (pfd[isig].revents & POLLIN)) {
			char drain[512];

			while (read(m->sigfd, drain, sizeof(drain)) > 0)
				;
			m->stop = STOP_SIGNAL;
		}
		if (iport >= 0 && pfd[iport].revents != 0 &&
		    m->stop == STOP_NONE)
			monitor_port_read(m);
		if (ikeys >= 0 && pfd[ikeys].revents != 0 &&
		    m->stop == STOP_NONE)
			monitor_keys(m);
		monitor_flush(m);
	}
}

int
cmd_monitor(int argc, char **argv)
{
	struct monitor_opts o;
	struct monitor m;
	struct ruleset *rs = NULL;
	struct matcher *mt = NULL;
	struct input_result *res;
	struct analysis_opts aopts;
	struct diag_err err;
	sigset_t oldmask;
	char *picked = NULL, *why = NULL;
	int status = EXIT_INPUT, r, st;

	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	cli_common_init(&o.c);
	serial_config_init(&o.cfg);
	sigemptyset(&oldmask);
	m.logfd = -1;
	m.sigfd = -1;
	m.stamp_bol = 1;
	strbuf_init(&m.hold, 256);
	strbuf_init(&m.render, 256);
	strbuf_init(&m.stamped, 256);
	m.o = &o;

	r = monitor_parse(&o, argc, argv);
	if (r != 0) {
		status = r > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (o.port == NULL) {
		picked = monitor_pick_port(&status);
		if (picked == NULL)
			goto out;
		o.port = picked;
	}
	m.spec = o.port;
	if ((rs = cli_load_rules(&o.c)) == NULL) {
		status = EXIT_USAGE;
		goto out;
	}
	if ((mt = matcher_new(rs, &err)) == NULL) {
		diag_print(stderr, &err);
		status = EXIT_USAGE;
		goto out;
	}
	m.rs = rs;
	m.out = monitor_out_stream(&o.c);
	m.color = cli_color_enabled(o.c.color, m.out);
	memset(&m.ropts, 0, sizeof(m.ropts));
	m.ropts.color = m.color;
	m.ropts.verbose = o.c.verbose;
	m.ropts.fail_on = o.c.fail_on;
	m.ropts.fail_never = o.c.fail_never;
	m.ropts.expect = o.c.expect;
	m.ropts.rules = rs;

	if ((st = serial_open(m.spec, &o.cfg, &m.port, &err)) != 0) {
		diag_print(stderr, &err);
		status = EXIT_INPUT;
		goto out;
	}
	serial_get_ident(m.port, &m.ident);
	if (o.log_path != NULL) {
		m.logfd = open(o.log_path, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0644);
		if (m.logfd == -1) {
			diag_error("cannot open log %s: %s", o.log_path,
			    strerror(errno));
			status = EXIT_INPUT;
			goto out;
		}
	}
	memset(&aopts, 0, sizeof(aopts));
	aopts.ignore = o.c.ignore;
	aopts.nignore = o.c.nignore;
	m.an = analysis_new(rs, mt, m.spec, &aopts);
	analysis_set_listener(m.an, monitor_listener, &m);

	if ((m.sigfd = monitor_signals_open(&oldmask)) == -1) {
		diag_error("cannot set up signal handling: %s",
		    strerror(errno));
		status = EXIT_INPUT;
		goto out;
	}
	if (serial_kind(m.port) != SERIAL_STDIN && isatty(STDIN_FILENO))
		monitor_keys_raw(&m);
	if (o.reset && serial_reset(m.port, &err) != 0)
		diag_print(stderr, &err);
	{
		char baud[32] = "";

		if (serial_kind(m.port) == SERIAL_SP ||
		    serial_kind(m.port) == SERIAL_TERMIOS)
			snprintf(baud, sizeof(baud), " at %d baud", o.cfg.baud);
		/* the port name comes from the user or the system: sanitised */
		diag_say("monitoring %s%s%s%s%s", m.spec,
		    strcmp(serial_device(m.port), m.spec) != 0 ? " = " : "",
		    strcmp(serial_device(m.port), m.spec) != 0 ?
		    serial_device(m.port) : "", baud,
		    m.keys ? " (Ctrl-] to quit)" : "");
	}
	fflush(stderr);

	m.start_ms = monitor_now_ms();
	monitor_loop(&m);

	/* The end: show what is left, finish the analysis, report. */
	monitor_display_partial(&m, 1);
	monitor_keys_restore(&m);
	if (m.stop == STOP_OUTPUT)
		analysis_set_error(m.an, "output failed");
	m.finishing = 1;
	analysis_finish(m.an);
	monitor_banner(&m, "%s after %.1f s: %lu lines, %llu bytes%s",
	    monitor_stop_text(m.stop),
	    (double)(monitor_now_ms() - m.start_ms) / 1000.0,
	    analysis_result(m.an)->nlines, analysis_result(m.an)->nbytes,
	    m.ngaps > 0 ? ", reconnected" : "");
	monitor_flush(&m);
	res = analysis_take_result(m.an);
	status = cli_write_reports(&o.c, rs, &res, 1);
	r = cli_gate(&o.c, &res, 1, &why);
	if (status == EXIT_OK)
		status = r;
	/* the last line on stderr says why the status is what it is */
	if (m.stop == STOP_LOST || m.stop == STOP_OUTPUT || m.out_failed ||
	    m.log_failed) {
		status = EXIT_INPUT;
		free(why);
		why = xstrdup(m.stop == STOP_LOST ? "exit 3: the port was lost" :
		    m.log_failed ? "exit 3: the log file could not be written" :
		    "exit 3: the output could not be written");
	} else if (status != EXIT_INPUT && o.until != UNTIL_NONE &&
	    !m.until_met && m.stop == STOP_TIMEOUT) {
		free(why);
		why = xasprintf("exit 1: no %s outcome within %g s",
		    o.until == UNTIL_SUCCESS ? "success" :
		    o.until == UNTIL_FAILURE ? "failure" : "update",
		    o.timeout);
		status = EXIT_FINDINGS;
	} else if (status == EXIT_INPUT && r != EXIT_INPUT) {
		free(why);
		why = xstrdup("exit 3: a report could not be written");
	}
	if (why != NULL)
		diag_say("%s", why);
	result_free(res);
out:
	monitor_keys_restore(&m);
	if (m.sigfd >= 0)
		monitor_signals_close(m.sigfd, &oldmask);
	if (m.logfd >= 0 && close(m.logfd) == -1 && status != EXIT_USAGE) {
		diag_error("cannot write %s: %s", o.log_path, strerror(errno));
		status = EXIT_INPUT;
	}
	serial_close(m.port);
	analysis_free(m.an);
	matcher_free(mt);
	ruleset_free(rs);
	strbuf_release(&m.hold);
	strbuf_release(&m.render);
	strbuf_release(&m.stamped);
	free(picked);
	free(why);
	return status;
}
