/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconfig: the rules' Kconfig suggestions against the user's sdkconfig.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "xalloc.h"

/* Defaults of numeric options the rules change (catalog section 5). */
static const struct {
	const char	*option;
	long		 value;
} defaults[] = {
	{"CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE", 2304},
	{"CONFIG_ESP_MAIN_TASK_STACK_SIZE", 3584},
	{"CONFIG_ESP_TIMER_TASK_STACK_SIZE", 3584},
	{"CONFIG_LWIP_TCPIP_TASK_STACK_SIZE", 3072},
	{"CONFIG_FREERTOS_TIMER_TASK_STACK_DEPTH", 2048},
	{"CONFIG_MQTT_TASK_STACK_SIZE", 6144},
	{"CONFIG_ESP_TASK_WDT_TIMEOUT_S", 5},
	{"CONFIG_ESP_INT_WDT_TIMEOUT_MS", 300},
	{"CONFIG_ESP_RMAKER_OTA_ROLLBACK_WAIT_PERIOD", 90},
	{"CONFIG_SPIRAM_MALLOC_ALWAYSINTERNAL", 16384},
	{"CONFIG_LWIP_MAX_SOCKETS", 10},
	{"CONFIG_BOOTLOADER_APP_SECURE_VERSION", 0},
};

static int
number(const char *s, long *out)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*out = strtol(s, &end, 0);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static int
default_of(const char *option, long *out)
{
	size_t i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcmp(defaults[i].option, option) == 0) {
			*out = defaults[i].value;
			return 0;
		}
	return -1;
}

static void
suggest(const struct rule_kconfig *k, const struct sdkconfig *s,
    struct finding_kconfig *out)
{
	const char *cur = sdkconfig_get(s, k->option, NULL);
	const char *v = k->value;
	long c = 0, n;
	int has_c, inc = strcmp(k->action, "increase") == 0;

	out->option = xstrdup(sdkconfig_name_in(s, k->option));
	has_c = number(cur, &c) == 0;
	if (cur != NULL)
		out->current = xstrdup(cur);
	else if (default_of(k->option, &c) == 0) {
		has_c = 1;
		out->current = xasprintf("%ld (default)", c);
	}
	if (strcmp(k->action, "enable") == 0 || strcmp(k->action, "disable") ==
	    0 || strcmp(k->action, "set") == 0) {
		const char *want = v != NULL ? v : k->action[0] == 'e' ? "y" : "n";

		if ((cur != NULL && strcmp(cur, want) == 0) ||
		    (cur == NULL && strcmp(want, "n") == 0 && out->current == NULL &&
		    sdkconfig_idf_version(s) != NULL))
			out->already = 1;
		else
			out->suggested = xstrdup(want);
		return;
	}
	if (!inc && strcmp(k->action, "decrease") != 0)
		return;		/* check: the current value only */
	if (v != NULL && (v[0] == '+' || v[0] == '-') && number(v + 1, &n) == 0 &&
	    n > 0) {
		if (!has_c)
			return;
		if (!inc)
			n = -n;
		out->suggested = xasprintf("%ld or %ld", c + n, c + 2 * n);
		return;
	}
	if (number(v, &n) != 0)
		return;
	if (has_c && (inc ? c >= n : c <= n))
		out->already = 1;
	else
		out->suggested = xasprintf("%ld", n);
}

void
kconfig_apply(struct input_result *r, const struct sdkconfig *s)
{
	struct strbuf tail = STRBUF_INIT;
	size_t i, k, nout = 0;
	const char *seen[64];
	size_t nseen = 0, j;

	for (i = 0; i < r->nfindings; i++) {
		struct finding *f = r->findings[i];

		if (f->rule == NULL || f->rule->nkconfig == 0 || f->kc != NULL)
			continue;
		f->kc = xcalloc(f->rule->nkconfig, sizeof(*f->kc));
		for (k = 0; k < f->rule->nkconfig; k++) {
			struct finding_kconfig *kc = &f->kc[k];
			char first[64];

			suggest(&f->rule->kconfig[k], s, kc);
			if (kc->suggested == NULL || f->consequence_of != NULL ||
			    f->severity == RULE_INFO)
				continue;
			for (j = 0; j < nseen; j++)
				if (strcmp(seen[j], kc->option) == 0)
					break;
			if (j < nseen || nseen == 64)
				continue;
			seen[nseen++] = kc->option;
			/* the first of "3328 or 4352" */
			snprintf(first, sizeof(first), "%s", kc->suggested);
			first[strcspn(first, " ")] = '\0';
			if (nout++ == 0)
				strbuf_addstr(&tail, "  sdkconfig.defaults "
				    "(add, then rebuild: idf.py fullclean build):\n");
			if (strcmp(first, "n") == 0)
				strbuf_addf(&tail, "    # %s is not set\n",
				    kc->option);
			else if (isdigit((unsigned char)first[0]) ||
			    first[0] == '-' || strcmp(first, "y") == 0)
				strbuf_addf(&tail, "    %s=%s\n", kc->option,
				    first);
			else
				strbuf_addf(&tail, "    %s=\"%s\"\n", kc->option,
				    first);
		}
	}
	free(r->kconfig_tail);
	r->kconfig_tail = nout > 0 ? strbuf_detach(&tail) : NULL;
	strbuf_release(&tail);
}

void
kconfig_describe(struct strbuf *sb, const struct finding *f, size_t i)
{
	const struct rule_kconfig *k = &f->rule->kconfig[i];
	const struct finding_kconfig *kc = &f->kc[i];

	strbuf_addf(sb, "%s: ", kc->option);
	if (kc->suggested != NULL)
		strbuf_addf(sb, "%s -> %s", kc->current != NULL ? kc->current :
		    "(not in the sdkconfig)", kc->suggested);
	else if (kc->already)
		strbuf_addf(sb, "already %s, as suggested: the cause is "
		    "elsewhere, see the fix above", kc->current != NULL ?
		    kc->current : "not set");
	else
		strbuf_addf(sb, "%s %s (now %s)", k->action, k->value != NULL ?
		    k->value : "", kc->current != NULL ? kc->current :
		    "not in the sdkconfig");
	if (k->note != NULL)
		strbuf_addf(sb, " — %s", k->note);
}
