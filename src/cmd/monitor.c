/* SPDX-License-Identifier: Apache-2.0 */
/*
 * monitor: live diagnosis on a serial port.
 *
 * Bytes from the port go, in this order, to the --log file (raw, written
 * as they arrive), to the analysis (the same engine as `analyze`), and to
 * the terminal (sanitised, SGR colours kept on a terminal).  The analysis
 * listener prints each confirmed finding at once, marked with a banner; a
 * crash's waits for the end of the crash block (src/term/crashhold.c).
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
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/signalfd.h>
#endif

#include "analysis.h"
#include "cmd.h"
#include "crashhold.h"
#include "diag.h"
#include "livedecode.h"
#include "matcher.h"
#include "menu.h"
#include "passthru.h"
#include "pipeline.h"
#include "port.h"
#include "printfilter.h"
#include "resetseq.h"
#include "rawtty.h"
#include "report.h"
#include "result.h"
#include "ruleset.h"
#include "sanitize.h"
#include "sendq.h"
#include "serial.h"
#include "strbuf.h"
#include "xalloc.h"

#define MONITOR_PARTIAL_MS	50	/* a partial line is shown after this */
#define MONITOR_RETRY_MS	250	/* reopen attempts while the port is away */

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
	const char	*port_opt;	/* --port (a config file's port key) */
	struct serial_config cfg;
	const char	*log_path;
	int		 timestamps;
	int		 quiet;
	double		 timeout;	/* seconds, 0 = none */
	enum monitor_until until;
	int		 no_reconnect;
	int		 reset;
	enum menu_eol	 eol;		/* what Enter sends */
	const char	*print_filter;	/* esp-idf-monitor syntax, or NULL */
	struct resetseq	 reset_seq;	/* --reset-sequence (n 0: esptool's) */
	const char	*pending_after;	/* --send-after waiting for --send */
	struct {
		const char	*after;	/* NULL: at start */
		const char	*text;
	} sends[SENDQ_MAX];
	size_t		 nsends;
	struct cli_elfs	 elfs;		/* --elf */
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
	int		 other_said;	/* "path leads to another device" shown */
	int		 logfd;
	int		 sigfd;		/* signalfd or self-pipe read end */
	int		 keys;		/* stdin is a terminal we read */
	struct rawtty	*tty;		/* its mode to restore */
	struct menu	 menu;		/* the keys and the Ctrl-T menu */
	int		 paused;	/* Ctrl-T Ctrl-Y: device output hidden */
	const char	*log_name;	/* the log file, while one is open */
	char		*menu_log;	/* the log file's name (owned) */
	struct sendq	*sq;		/* --send, --send-after */
	struct printfilter *pf;		/* --print-filter, or NULL */
	struct strbuf	 pfline;	/* the line it waits to judge */
	struct crashhold *hold;		/* a crash's diagnosis waiting */
	FILE		*capture;	/* an announcement being rendered */
	struct livedecode *live;	/* --elf: frames under crash lines */
	struct strbuf	 decoded;	/* what it gave for one line */

	/* pass-through display */
	struct passthru	*pt;
	long long	 hold_ms;	/* when data last arrived */
	struct strbuf	 render;	/* what pt renders, before writing */

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

/* Writes what the pass-through rendered into m->render. */
static void
monitor_write_render(struct monitor *m)
{
	monitor_write(m, m->render.buf, m->render.len);
	strbuf_reset(&m->render);
}

/* Ends a device line on the terminal, so a message starts on its own. */
static void
monitor_break(struct monitor *m)
{
	if (m->pt == NULL)
		return;
	passthru_break(m->pt, &m->render);
	monitor_write_render(m);
}

/* Where an announcement goes: the output, or the text being rendered. */
static FILE *
monitor_sink(struct monitor *m)
{
	return m->capture != NULL ? m->capture : m->out;
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
	if (m->capture == NULL)
		monitor_break(m);
	if (m->color)
		fprintf(monitor_sink(m), "\033[1;97;45m otadiag \xe2\x96\xb6 "
		    "\033[0m\033[1;35m %s\033[0m\n", txt.buf);
	else
		fprintf(monitor_sink(m), "otadiag \xe2\x96\xb6 %s\n", txt.buf);
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

/* ---- pass-through display (src/term/passthru.c) ----------------------- */

/* The line prefix of the pass-through with --timestamps. */
static void
monitor_line_stamp(struct strbuf *sb, void *ctx)
{
	monitor_stamp(sb, 0);
}

/* --print-filter: whole lines, shown or not; a line longer than the
   pass-through holds is judged by what has come. */
static void
monitor_filter(struct monitor *m, const char *buf, size_t n, int end)
{
	struct strbuf *l = &m->pfline;
	char *nl;
	size_t len, k;

	strbuf_add(l, buf, n);
	for (;;) {
		nl = memchr(l->buf, '\n', l->len);
		if (nl == NULL && l->len < PASSTHRU_HOLD_MAX && !(end &&
		    l->len > 0))
			break;
		len = nl != NULL ? (size_t)(nl - l->buf) + 1 : l->len;
		k = len;
		while (k > 0 && (l->buf[k - 1] == '\n' || l->buf[k - 1] == '\r'))
			k--;
		if (printfilter_match(m->pf, l->buf, k))
			passthru_feed(m->pt, l->buf, len, &m->render);
		memmove(l->buf, l->buf + len, l->len - len);
		strbuf_setlen(l, l->len - len);
	}
}

/* Device bytes for the terminal: whole lines now, partial ones later. */
static void
monitor_display(struct monitor *m, const char *buf, size_t n)
{
	if (m->o->quiet || m->paused)
		return;
	if (m->pf != NULL) {
		monitor_filter(m, buf, n, 0);
		monitor_write_render(m);
		m->hold_ms = monitor_now_ms();
		return;
	}
	passthru_feed(m->pt, buf, n, &m->render);
	monitor_write_render(m);
	m->hold_ms = monitor_now_ms();
}

/*
 * Device bytes for the terminal with --elf: line by line, each crash
 * line followed by its decoded frames (src/term/livedecode.c), marked as
 * otadiag's.
 */
static void
monitor_display_decoded(struct monitor *m, const char *buf, size_t n)
{
	const char *nl, *p, *e;
	size_t k;

	while (n > 0) {
		nl = memchr(buf, '\n', n);
		k = nl != NULL ? (size_t)(nl - buf) + 1 : n;
		monitor_display(m, buf, k);
		livedecode_feed(m->live, buf, k, &m->decoded);
		if (m->decoded.len > 0 && !m->o->quiet && !m->paused) {
			monitor_break(m);
			for (p = m->decoded.buf; p < m->decoded.buf +
			    m->decoded.len; p = e + 1) {
				e = memchr(p, '\n', (size_t)(m->decoded.buf +
				    m->decoded.len - p));
				if (m->color)
					fprintf(m->out, "\033[35motadiag "
					    "\xe2\x96\xb6\033[0m \033[33m%.*s"
					    "\033[0m\n", (int)(e - p), p);
				else
					fprintf(m->out, "otadiag \xe2\x96\xb6 "
					    "%.*s\n", (int)(e - p), p);
			}
		}
		strbuf_reset(&m->decoded);
		buf += k;
		n -= k;
	}
}

/* Shows what is safe of a partial line (all of it when force). */
static void
monitor_display_partial(struct monitor *m, int force)
{
	passthru_partial(m->pt, force, &m->render);
	monitor_write_render(m);
}

/* ---- the analysis and the log --------------------------------------- */

/* Shows the announcements a crash hold kept (src/term/crashhold.c). */
static void
monitor_release(struct monitor *m)
{
	struct strbuf sb = STRBUF_INIT;

	if (!crashhold_on(m->hold))
		return;
	crashhold_take(m->hold, &sb);
	monitor_break(m);
	fwrite(sb.buf, 1, sb.len, m->out);
	monitor_flush(m);
	strbuf_release(&sb);
}

/* Renders one event's announcement (into m->capture). */
static void monitor_announce(struct monitor *m,
    const struct analysis_event *ev);

/*
 * An event's announcement, rendered to text first: a crash's diagnosis
 * waits for the end of the crash block the device is printing, and what
 * comes while it waits queues behind it; the rest is shown at once.
 */
static void
monitor_listener(void *ctx, const struct analysis_event *ev)
{
	struct monitor *m = ctx;
	char *buf = NULL;
	size_t len = 0;
	int crash = 0;

	if (m->finishing)
		return;
	if ((m->capture = open_memstream(&buf, &len)) == NULL) {
		monitor_announce(m, ev);	/* no memory: shown now */
		return;
	}
	monitor_announce(m, ev);
	fclose(m->capture);
	m->capture = NULL;
	if (ev->kind == ANALYSIS_FINDING && ev->finding != NULL)
		crash = cause_class(ev->finding->cause) == CAUSE_CRASH;
	if (len > 0 && !crashhold_add(m->hold, buf, len, crash,
	    monitor_now_ms())) {
		monitor_break(m);
		fwrite(buf, 1, len, m->out);
	}
	free(buf);
}

static void
monitor_announce(struct monitor *m, const struct analysis_event *ev)
{
	const struct input_result *r = ev->result;
	const struct session *s;
	const struct finding *f;
	enum outcome oc;

	switch (ev->kind) {
	case ANALYSIS_FINDING:
		if ((f = ev->finding) == NULL)
			break;
		if (f->consequence_of != NULL) {
			/* explained by an earlier finding: one line */
			monitor_banner(m, "line %lu: %s (%s), a consequence of "
			    "line %lu (%s)", f->line, f->rule->title, f->cause,
			    f->consequence_of->line, f->consequence_of->cause);
			break;
		}
		monitor_banner(m, "diagnosis at line %lu: %s", f->line,
		    f->cause);
		report_text_finding(monitor_sink(m), r, f, &m->ropts);
		break;
	case ANALYSIS_OUTCOME:
		if ((s = result_session(r, ev->session)) == NULL)
			break;
		oc = s->outcome;
		monitor_banner(m, "update outcome: %s", outcome_name(oc));
		/* only the input's last story decides: an attempt that a
		   retry follows at once is not the end */
		if (s == &r->sessions[r->nsessions - 1] &&
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
			    m->log_name, strerror(errno));
			m->log_failed = 1;
			close(m->logfd);
			m->logfd = -1;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

/* Bytes for the device (typed, or a scripted --send). */
static void
monitor_send(struct monitor *m, const char *buf, size_t n)
{
	if (n > 0 && m->port != NULL &&
	    serial_write(m->port, buf, n) == SERIAL_LOST)
		return;	/* the read side notices the loss */
}

static void
monitor_bytes(struct monitor *m, const char *buf, size_t n)
{
	const char *s;
	size_t sn;

	s = monitor_stamped(m, buf, n, &sn);
	monitor_log(m, s, sn);
	if (m->live != NULL)
		monitor_display_decoded(m, buf, n);
	else
		monitor_display(m, buf, n);
	analysis_feed(m->an, s, sn);
	if (crashhold_feed(m->hold, buf, n, monitor_now_ms()))
		monitor_release(m);
	if (m->sq != NULL && sendq_waiting(m->sq) != NULL) {
		struct strbuf out = STRBUF_INIT;

		sendq_feed(m->sq, buf, n, &out);
		monitor_send(m, out.buf, out.len);
		strbuf_release(&out);
	}
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

/* ---- keyboard (src/term/rawtty.c) ------------------------------------- */

static void
monitor_keys_raw(struct monitor *m)
{
	m->tty = rawtty_new(STDIN_FILENO);
	m->keys = m->tty != NULL;
}

static void
monitor_keys_restore(struct monitor *m)
{
	rawtty_free(m->tty);
	m->tty = NULL;
}

/* Resets the device: --reset-sequence, or esptool's hard reset. */
static int
monitor_reset(struct monitor *m, struct diag_err *err)
{
	const struct resetseq *rs = &m->o->reset_seq;
	struct timespec ts;
	size_t i;

	if (rs->n == 0)
		return serial_reset(m->port, err);
	for (i = 0; i < rs->n; i++) {
		if (rs->step[i].wait_ms > 0) {
			ts.tv_sec = rs->step[i].wait_ms / 1000;
			ts.tv_nsec = (rs->step[i].wait_ms % 1000) * 1000000L;
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
			continue;
		}
		if (serial_set_lines(m->port, rs->step[i].dtr, rs->step[i].rts,
		    err) != 0)
			return -1;
	}
	return 0;
}

/* Ctrl-T Ctrl-L: the log file on or off (--log's file, or a new one). */
/*
 * The log file's name now: --log's pattern with strftime(3) conversions
 * (logs/ota-%Y%m%d-%H%M%S.log: a new file each start), or one named after
 * the time when Ctrl-T Ctrl-L starts a log without --log.  Owned.
 */
static char *
monitor_log_name(const char *pattern)
{
	char name[1024];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;

	if (pattern != NULL && strchr(pattern, '%') == NULL)
		return xstrdup(pattern);
	localtime_r(&now, &tm);
	/* the user's pattern is the format, on purpose */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(name, sizeof(name), pattern != NULL ? pattern :
	    "otadiag-monitor-%Y%m%d-%H%M%S.log", &tm);
#pragma GCC diagnostic pop
	return n == 0 ? xstrdup(pattern) : xstrdup(name);
}

static void
monitor_toggle_log(struct monitor *m)
{
	if (m->logfd >= 0) {
		close(m->logfd);
		m->logfd = -1;
		monitor_banner(m, "log stopped: %s", m->log_name);
		return;
	}
	if (m->menu_log == NULL || (m->o->log_path != NULL &&
	    strchr(m->o->log_path, '%') != NULL)) {
		free(m->menu_log);
		m->menu_log = monitor_log_name(m->o->log_path);
	}
	m->log_name = m->menu_log;
	m->logfd = open(m->log_name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644);
	if (m->logfd == -1) {
		monitor_status(m, "error: cannot open log %s: %s", m->log_name,
		    strerror(errno));
		return;
	}
	m->log_failed = 0;
	monitor_banner(m, "logging to %s", m->log_name);
}

static void
monitor_menu(struct monitor *m, enum menu_action act)
{
	struct diag_err err;
	const char *h, *nl;

	switch (act) {
	case MENU_QUIT:
		m->stop = STOP_KEY;
		break;
	case MENU_RESET:
		if (m->port == NULL)
			monitor_status(m, "warning: no port to reset");
		else if (monitor_reset(m, &err) != 0)
			monitor_status(m, "warning: %s", err.text);
		else
			monitor_banner(m, "device reset (DTR/RTS)");
		break;
	case MENU_LOG:
		monitor_toggle_log(m);
		break;
	case MENU_TIMESTAMPS:
		m->o->timestamps = !m->o->timestamps;
		passthru_set_prefix(m->pt, m->o->timestamps ?
		    monitor_line_stamp : NULL, m);
		monitor_banner(m, "timestamps %s", m->o->timestamps ? "on" :
		    "off");
		break;
	case MENU_PAUSE:
		if (!m->paused)
			monitor_banner(m, "device output paused (still logged "
			    "and diagnosed); Ctrl-T Ctrl-Y resumes");
		m->paused = !m->paused;
		if (!m->paused)
			monitor_banner(m, "device output resumed");
		break;
	case MENU_HELP:
		for (h = menu_help(); *h != '\0'; h = *nl != '\0' ? nl + 1 : nl) {
			nl = strchr(h, '\n');
			if (nl == NULL)
				nl = h + strlen(h);
			monitor_banner(m, "%.*s", (int)(nl - h), h);
		}
		break;
	case MENU_UNKNOWN:
		monitor_banner(m, "unknown menu key (Ctrl-T Ctrl-H for help)");
		break;
	case MENU_NONE:
		break;
	}
}

static void
monitor_keys(struct monitor *m)
{
	char buf[256];
	struct strbuf fwd = STRBUF_INIT;
	enum menu_action act;
	size_t used, off = 0;
	ssize_t r;

	r = read(STDIN_FILENO, buf, sizeof(buf));
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			m->keys = 0;	/* terminal gone: stop reading */
		return;
	}
	while (off < (size_t)r && m->stop == STOP_NONE) {
		used = menu_feed(&m->menu, buf + off, (size_t)r - off, &fwd,
		    &act);
		off += used;
		monitor_send(m, fwd.buf, fwd.len);
		strbuf_reset(&fwd);
		monitor_menu(m, act);
	}
	strbuf_release(&fwd);
}

/* ---- the port -------------------------------------------------------- */

static int
monitor_try_reopen(struct monitor *m)
{
	struct diag_err err;
	struct serial *s = NULL;
	char why[160];

	/* the path may lead to another device now (a stale pty link to
	   someone's terminal): only the same device is read again */
	if (serial_open(m->spec, &m->o->cfg, &s, &err) == 0 &&
	    !serial_same_device(&m->ident, s, why, sizeof(why))) {
		if (!m->other_said)
			monitor_status(m, "%s now leads to another device (%s): "
			    "not reading it; waiting for the one that was lost",
			    m->spec, why);
		m->other_said = 1;
		serial_close(s);
		s = NULL;
	}
	if (s == NULL && (!m->ident.valid ||
	    serial_open_ident(&m->ident, &m->o->cfg, &s, &err) != 0))
		return -1;
	m->other_said = 0;
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

static int	opt_parity(const struct cli_use *, const char *);
static int	opt_flow(const struct cli_use *, const char *);
static int	opt_timeout(const struct cli_use *, const char *);
static int	opt_until(const struct cli_use *, const char *);
static int	opt_eol(const struct cli_use *, const char *);
static int	opt_print_filter(const struct cli_use *, const char *);
static int	opt_reset_sequence(const struct cli_use *, const char *);
static int	opt_send(const struct cli_use *, const char *);
static int	opt_send_after(const struct cli_use *, const char *);

#define OPT(f)	offsetof(struct monitor_opts, f)

static const struct cli_option monitor_options[] = {
	{"baud", 'b', "rate", OPT(cfg.baud), cli_set_int, 50, 20000000,
	    "line speed (default 115200)"},
	{"data-bits", 0, "bits", OPT(cfg.data_bits), cli_set_int, 5, 8,
	    "5, 6, 7 or 8 (default 8)"},
	{"parity", 0, "parity", OPT(cfg.parity), opt_parity, 0, 0,
	    "none (default), odd, even, mark or space"},
	{"stop-bits", 0, "bits", OPT(cfg.stop_bits), cli_set_int, 1, 2,
	    "1 (default) or 2"},
	{"flow", 0, "flow", OPT(cfg.flow), opt_flow, 0, 0,
	    "none (default), xonxoff, rtscts or dtrdsr"},
	{"log", 0, "file", OPT(log_path), cli_set_string, 0, 0,
	    "append the bytes received, unchanged, to FILE (%Y ...)"},
	{"timestamps", 0, NULL, OPT(timestamps), cli_set_flag, 0, 0,
	    "prefix lines with the host time (shown, logged)"},
	{"timeout", 0, "seconds", OPT(timeout), opt_timeout, 0, 0,
	    "stop after SECONDS (a decimal number)"},
	{"until", 0, "event", OPT(until), opt_until, 0, 0,
	    "stop at success, failure or either (outcome)"},
	{"no-reconnect", 0, NULL, OPT(no_reconnect), cli_set_flag, 0, 0,
	    "exit 3 when the port is lost, do not wait"},
	{"reset", 0, NULL, OPT(reset), cli_set_flag, 0, 0,
	    "reset the ESP32 on start (DTR/RTS)"},
	{"reset-sequence", 0, "seq", OPT(reset_seq), opt_reset_sequence, 0, 0,
	    "how --reset and Ctrl-T Ctrl-R reset, e.g. D0|R1|W0.1|R0"},
	{"port", 'p', "port", OPT(port_opt), cli_set_string, 0, 0,
	    "the port, as the operand (which wins over it)"},
	{"eol", 0, "eol", OPT(eol), opt_eol, 0, 0,
	    "what Enter sends: CRLF (default), CR or LF"},
	{"print-filter", 0, "filter", OPT(print_filter), opt_print_filter, 0,
	    0, "show only \"tag:level ...\" lines (idf.py monitor's)"},
	{"send", 0, "text", 0, opt_send, 0, 0,
	    "send TEXT (\\n \\r \\t \\e \\xHH) at start (repeatable)"},
	{"send-after", 0, "text", 0, opt_send_after, 0, 0,
	    "the next --send waits until the device prints TEXT"},
	{"elf", 0, "file", OPT(elfs), cli_add_elf, 0, 0,
	    "decode crash stacks with this ELF (repeatable)"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const struct cli_spec monitor_spec = {
	.name = "monitor",
	.usage =
	"usage: otadiag monitor [-qv] [--baud rate] [--data-bits bits]\n"
	"                       [--parity none|odd|even|mark|space] [--stop-bits 1|2]\n"
	"                       [--flow none|xonxoff|rtscts|dtrdsr] [--log file]\n"
	"                       [--timestamps] [--timeout seconds]\n"
	"                       [--until success|failure|outcome] [--no-reconnect]\n"
	"                       [--reset] [--reset-sequence seq] [--port port]\n"
	"                       [--eol CR|LF|CRLF] [--print-filter filter]\n"
	"                       [[--send-after text] --send text]...\n"
	"                       [--rules path] [--no-default-rules]\n"
	"                       [--generic-only] [--format fmt [--output file]]...\n"
	"                       [--color when] [--fail-on level] [--expect outcome]\n"
	"                       [--ignore rule|cause] [--baseline file]\n"
	"                       [--sdkconfig file] [--elf file]... [port]\n",
	.about =
	"Shows what the device on PORT prints (a serial device, socket://host:port\n"
	"or - for standard input; the only USB serial port when none is given) and\n"
	"diagnoses the update as it runs.  Ctrl-] quits; Ctrl-T Ctrl-H lists the\n"
	"menu keys (idf.py monitor's: reset, log, timestamps, pause).\n",
	.options = monitor_options,
	.exits =
	"Exit status:\n"
	"  0  nothing at or above --fail-on, and every --expect met\n"
	"  1  an OTA failure at or above --fail-on, an unmet --expect, no\n"
	"     --until outcome before --timeout, or a --send-after text the\n"
	"     device never printed\n"
	"  2  usage error, a rule set that does not load, or several USB ports\n"
	"  3  no USB port, a port that cannot be opened or is lost with\n"
	"     --no-reconnect, or the log, a report or standard output failed",
	.page = "otadiag-monitor(1)",
};

static int
opt_parity(const struct cli_use *u, const char *val)
{
	int r = serial_parity_from_name(val);

	if (r < 0) {
		cli_usage_error(u->cmd, "bad parity '%s' (none, odd, even, mark, "
		    "space)", val);
		return -1;
	}
	*CLI_FIELD(u, enum serial_parity) = (enum serial_parity)r;
	return 0;
}

static int
opt_flow(const struct cli_use *u, const char *val)
{
	int r = serial_flow_from_name(val);

	if (r < 0) {
		cli_usage_error(u->cmd, "bad flow control '%s' (none, xonxoff, "
		    "rtscts, dtrdsr)", val);
		return -1;
	}
	*CLI_FIELD(u, enum serial_flow) = (enum serial_flow)r;
	return 0;
}

static int
opt_timeout(const struct cli_use *u, const char *val)
{
	double *t = CLI_FIELD(u, double);
	char *end;

	errno = 0;
	*t = strtod(val, &end);
	if (errno != 0 || end == val || *end != '\0' || !(*t > 0) ||
	    *t > 31536000.0) {
		cli_usage_error(u->cmd, "bad --timeout '%s' (seconds, more than "
		    "0)", val);
		return -1;
	}
	return 0;
}

static int
opt_until(const struct cli_use *u, const char *val)
{
	enum monitor_until *until = CLI_FIELD(u, enum monitor_until);

	if (strcmp(val, "success") == 0)
		*until = UNTIL_SUCCESS;
	else if (strcmp(val, "failure") == 0)
		*until = UNTIL_FAILURE;
	else if (strcmp(val, "outcome") == 0)
		*until = UNTIL_OUTCOME;
	else {
		cli_usage_error(u->cmd, "bad --until '%s' (success, failure, "
		    "outcome)", val);
		return -1;
	}
	return 0;
}

static int
opt_eol(const struct cli_use *u, const char *val)
{
	int e = menu_eol_from_name(val);

	if (e < 0) {
		cli_usage_error(u->cmd, "bad --eol '%s' (CR, LF or CRLF)", val);
		return -1;
	}
	*CLI_FIELD(u, enum menu_eol) = (enum menu_eol)e;
	return 0;
}

static int
opt_reset_sequence(const struct cli_use *u, const char *val)
{
	char err[160];

	if (resetseq_parse(val, CLI_FIELD(u, struct resetseq), err,
	    sizeof(err)) != 0) {
		cli_usage_error(u->cmd, "%s", err);
		return -1;
	}
	return 0;
}

static int
opt_print_filter(const struct cli_use *u, const char *val)
{
	struct printfilter *pf;
	char err[256];

	if ((pf = printfilter_new(val, err, sizeof(err))) == NULL) {
		cli_usage_error(u->cmd, "%s", err);
		return -1;
	}
	printfilter_free(pf);
	*CLI_FIELD(u, const char *) = val;
	return 0;
}

static int
opt_send(const struct cli_use *u, const char *val)
{
	struct monitor_opts *o = u->ctx;
	struct strbuf sb = STRBUF_INIT;
	const char *bad;
	int rc;

	if (o->nsends >= SENDQ_MAX) {
		cli_usage_error(u->cmd, "at most %d texts to send", SENDQ_MAX);
		return -1;
	}
	rc = sendq_unescape(val, &sb, &bad);
	strbuf_release(&sb);
	if (rc != 0) {
		cli_usage_error(u->cmd, "bad escape '%.4s' in %s '%s' (\\n \\r "
		    "\\t \\e \\\\ \\xHH)", bad, u->spelling, val);
		return -1;
	}
	o->sends[o->nsends].after = o->pending_after;
	o->sends[o->nsends].text = val;
	o->nsends++;
	o->pending_after = NULL;
	return 0;
}

static int
opt_send_after(const struct cli_use *u, const char *val)
{
	struct monitor_opts *o = u->ctx;

	if (val[0] == '\0' || strlen(val) > SENDQ_TEXT_MAX) {
		cli_usage_error(u->cmd, "%s takes a text of 1 to %d bytes",
		    u->spelling, SENDQ_TEXT_MAX);
		return -1;
	}
	if (o->pending_after != NULL) {
		cli_usage_error(u->cmd, "%s '%s' has no --send after it",
		    u->spelling, o->pending_after);
		return -1;
	}
	o->pending_after = val;
	return 0;
}

/* 0, CLI_HELP or CLI_ERROR. */
static int
monitor_parse(struct monitor_opts *o, const struct cmd *cmd, int argc,
    char **argv)
{
	int nops;

	if ((nops = cli_parse(&monitor_spec, cmd->flags, o, &o->c, argc,
	    argv)) < 0)
		return nops;
	if (nops > 1) {
		cli_usage_error("monitor", "only one port can be monitored "
		    "('%s' and '%s')", argv[0], argv[1]);
		return CLI_ERROR;
	}
	if (o->pending_after != NULL) {
		cli_usage_error("monitor", "--send-after '%s' has no --send after "
		    "it", o->pending_after);
		return CLI_ERROR;
	}
	o->port = nops == 1 ? argv[0] : o->port_opt;
	o->quiet = o->c.quiet;
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
		if (passthru_held(m->pt) > 0) {
			t = m->hold_ms + MONITOR_PARTIAL_MS - now;
			if (t <= 0) {
				monitor_display_partial(m, 0);
				monitor_flush(m);
				t = MONITOR_PARTIAL_MS;
			}
			if (wait < 0 || t < wait)
				wait = t;
		}
		if (crashhold_on(m->hold)) {
			/* quiet after a crash: the device may have halted */
			t = crashhold_due_ms(m->hold) - now;
			if (t <= 0) {
				monitor_release(m);
			} else if (wait < 0 || t < wait) {
				wait = t;
			}
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
cmd_monitor(const struct cmd *cmd, int argc, char **argv)
{
	struct monitor_opts o;
	struct monitor m;
	struct pipeline p;
	struct input_result *res;
	struct diag_err err;
	sigset_t oldmask;
	char *picked = NULL;
	int status = EXIT_INPUT, r, st;

	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	memset(&p, 0, sizeof(p));
	cli_common_init(&o.c);
	serial_config_init(&o.cfg);
	sigemptyset(&oldmask);
	m.logfd = -1;
	m.sigfd = -1;
	m.stamp_bol = 1;
	strbuf_init(&m.render, 256);
	strbuf_init(&m.stamped, 256);
	strbuf_init(&m.pfline, 256);
	strbuf_init(&m.decoded, 256);
	m.o = &o;
	m.hold = crashhold_new();

	r = monitor_parse(&o, cmd, argc, argv);
	if (r != 0) {
		status = r == CLI_HELP ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (o.port == NULL) {
		picked = monitor_pick_port(&status);
		if (picked == NULL)
			goto out;
		o.port = picked;
	}
	m.spec = o.port;
	if ((status = pipeline_start(&p, "monitor", cmd->flags, &o.c)) != 0)
		goto out;
	if ((status = cli_open_elfs(&o.elfs)) != 0)
		goto out;
	p.aopts.elfs = o.elfs.open;
	p.aopts.nelfs = o.elfs.n;
	if (o.elfs.n > 0)
		m.live = livedecode_new(o.elfs.open, o.elfs.n);
	status = EXIT_INPUT;
	m.rs = p.rs;
	m.out = p.live;
	m.color = p.live_ropts.color;
	m.ropts = p.live_ropts;
	m.pt = passthru_new(m.color ? PASSTHRU_COLOR : 0,
	    o.timestamps ? monitor_line_stamp : NULL, &m);
	m.menu.eol = o.eol;
	if (o.print_filter != NULL)
		m.pf = printfilter_new(o.print_filter, NULL, 0);

	if ((st = serial_open(m.spec, &o.cfg, &m.port, &err)) != 0) {
		diag_print(stderr, &err);
		status = EXIT_INPUT;
		goto out;
	}
	serial_get_ident(m.port, &m.ident);
	if (o.log_path != NULL) {
		/* appended to as bytes arrive (a days-long log must survive a
		   crash, so no temporary file), never through a planted
		   symbolic link unless --force */
		m.menu_log = monitor_log_name(o.log_path);
		m.log_name = m.menu_log;
		m.logfd = open(m.log_name, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC | (o.c.force ? 0 : O_NOFOLLOW), 0644);
		if (m.logfd == -1) {
			diag_error("cannot open log %s: %s", m.log_name,
			    errno == ELOOP ? "it is a symbolic link (--force "
			    "writes through it)" : strerror(errno));
			status = EXIT_INPUT;
			goto out;
		}
	}
	m.an = analysis_new(p.rs, p.m, m.spec, &p.aopts);
	analysis_set_listener(m.an, monitor_listener, &m);

	if ((m.sigfd = monitor_signals_open(&oldmask)) == -1) {
		diag_error("cannot set up signal handling: %s",
		    strerror(errno));
		status = EXIT_INPUT;
		goto out;
	}
	if (serial_kind(m.port) != SERIAL_STDIN && isatty(STDIN_FILENO))
		monitor_keys_raw(&m);
	if (o.reset && monitor_reset(&m, &err) != 0)
		diag_print(stderr, &err);
	if (o.nsends > 0) {
		struct strbuf now = STRBUF_INIT;
		size_t i;

		m.sq = sendq_new();
		for (i = 0; i < o.nsends; i++)
			sendq_add(m.sq, o.sends[i].after, o.sends[i].text);
		sendq_start(m.sq, &now);
		monitor_send(&m, now.buf, now.len);
		strbuf_release(&now);
	}
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
		    m.keys ? " (Ctrl-] quits, Ctrl-T Ctrl-H: menu)" : "");
	}
	fflush(stderr);

	m.start_ms = monitor_now_ms();
	monitor_loop(&m);

	/* The end: show what is left, finish the analysis, report. */
	if (m.pf != NULL && !o.quiet && !m.paused) {
		monitor_filter(&m, "", 0, 1);
		monitor_write_render(&m);
	}
	monitor_display_partial(&m, 1);
	monitor_release(&m);
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
	if (!res->error && res->nbytes == 0) {
		/* nothing to judge is not a pass: say so (--expect fails it) */
		res->notes = xrealloc(res->notes, (res->nnotes + 1) *
		    sizeof(*res->notes));
		res->notes[res->nnotes].line = 0;
		res->notes[res->nnotes].text = xasprintf("nothing was received "
		    "in %.1f s", (double)(monitor_now_ms() - m.start_ms) /
		    1000.0);
		res->nnotes++;
	}
	pipeline_report(&p, &res, 1);
	/* the last line on stderr says why the status is what it is */
	if (m.stop == STOP_LOST || m.stop == STOP_OUTPUT || m.out_failed ||
	    m.log_failed)
		pipeline_verdict(&p, EXIT_INPUT, "%s", m.stop == STOP_LOST ?
		    "the port was lost" : m.log_failed ?
		    "the log file could not be written" :
		    "the output could not be written");
	else if (p.status != EXIT_INPUT && o.until != UNTIL_NONE &&
	    !m.until_met && m.stop == STOP_TIMEOUT)
		pipeline_verdict(&p, EXIT_FINDINGS, "no %s outcome within %g s",
		    o.until == UNTIL_SUCCESS ? "success" :
		    o.until == UNTIL_FAILURE ? "failure" : "update", o.timeout);
	else if (p.status == EXIT_OK && m.sq != NULL &&
	    sendq_waiting(m.sq) != NULL)
		pipeline_verdict(&p, EXIT_FINDINGS, "the device never printed "
		    "'%s' (--send-after): what follows it was not sent",
		    sendq_waiting(m.sq));
	status = pipeline_finish(&p);
	result_free(res);
out:
	monitor_keys_restore(&m);
	if (m.sigfd >= 0)
		monitor_signals_close(m.sigfd, &oldmask);
	if (m.logfd >= 0 && close(m.logfd) == -1 && status != EXIT_USAGE) {
		diag_error("cannot write %s: %s", m.log_name, strerror(errno));
		status = EXIT_INPUT;
	}
	serial_close(m.port);
	analysis_free(m.an);
	livedecode_free(m.live);
	strbuf_release(&m.decoded);
	cli_close_elfs(&o.elfs);
	pipeline_free(&p);
	passthru_free(m.pt);
	strbuf_release(&m.render);
	strbuf_release(&m.stamped);
	free(picked);
	free(m.menu_log);
	sendq_free(m.sq);
	printfilter_free(m.pf);
	strbuf_release(&m.pfline);
	crashhold_free(m.hold);
	return status;
}
