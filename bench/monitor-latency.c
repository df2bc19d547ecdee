/* SPDX-License-Identifier: Apache-2.0 */
/*
 * monitor-latency: how fast `otadiag monitor` announces a diagnosis, and
 * what it costs while idle.  Not a test; run bench/monitor-latency.sh.
 *
 * Latency: for each run a fresh monitor watches a pty; the evidence lines
 * of a fixture are written in one write(); the clock runs from the return
 * of that write (the last byte of the evidence is in the pty) until the
 * diagnosis banner has been read from the monitor's stdout.
 * Idle CPU: utime+stime from /proc/PID/stat over an idle interval.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	p = strrchr(buf, ')');	/* comm may hold spaces */
	if (p == NULL)
		return -1;
	p += 2;
	for (i = 3; i < 14; i++)	/* skip to field 14 (utime) */
		p = strchr(p, ' ') + 1;
	if (sscanf(p, "%lu %lu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	int idle_s = argc > 2 ? atoi(argv[2]) : 10;
	const char *fixture = argc > 3 ? argv[3] : "tls-failed-1.log";
	long long *lat, t0, c0, c1;
	struct h_proc *p;
	struct h_pty pty;
	size_t len;
	char *data = h_fixture(fixture, &len);
	int i, ok = 0, missed = 0;

	lat = calloc((size_t)runs, sizeof(*lat));
	for (i = 0; i < runs; i++) {
		if (h_pty_open(&pty) == -1)
			return 1;
		p = h_otadiag(-1, "monitor", "-q", "--timeout", "30",
		    pty.name, NULL);
		if (!h_wait_for(p, H_STDERR, "monitoring", 5000)) {
			fprintf(stderr, "monitor did not start: %s\n",
			    p->err.buf);
			return 1;
		}
		if (write(pty.master, data, len) != (ssize_t)len)
			return 1;
		t0 = now_us();
		if (h_wait_for(p, H_STDOUT, "diagnosis", 5000))
			lat[ok++] = now_us() - t0;
		else
			missed++;
		h_signal(p, SIGTERM);
		h_wait_exit(p, 5000);
		h_proc_free(p);
		h_pty_close(&pty);
	}
	qsort(lat, (size_t)ok, sizeof(*lat), cmp_ll);
	if (ok > 0)
		printf("latency (%s, %d runs, %d missed): median %.2f ms, "
		    "p99 %.2f ms, max %.2f ms\n", fixture, ok, missed,
		    lat[ok / 2] / 1000.0,
		    lat[(ok * 99) / 100 < ok ? (ok * 99) / 100 : ok - 1] /
		    1000.0, lat[ok - 1] / 1000.0);

	/* idle: a monitor on a silent pty */
	if (h_pty_open(&pty) == -1)
		return 1;
	p = h_otadiag(-1, "monitor", "--timeout", "600", pty.name, NULL);
	h_wait_for(p, H_STDERR, "monitoring", 5000);
	h_sleep_ms(500);
	c0 = cpu_ticks(p->pid);
	h_sleep_ms(idle_s * 1000L);
	c1 = cpu_ticks(p->pid);
	printf("idle CPU over %d s: %lld ticks of 1/%ld s (%.3f %%)\n",
	    idle_s, c1 - c0, sysconf(_SC_CLK_TCK),
	    100.0 * (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) /
	    idle_s);
	h_signal(p, SIGTERM);
	h_wait_exit(p, 5000);
	h_proc_free(p);
	h_pty_close(&pty);
	free(lat);
	free(data);
	return missed > 0;
}
