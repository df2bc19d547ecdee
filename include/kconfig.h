/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconfig: a finding's Kconfig suggestions made concrete against the
 * user's sdkconfig (--sdkconfig of analyze, monitor and image).
 * Prefix: kconfig_.
 *
 * For each kconfig entry of a finding's rule (option, action, value):
 *   option     the name the user's ESP-IDF has for it (sdkconfig.h's
 *              rename table: CONFIG_SYSTEM_EVENT_TASK_STACK_SIZE before v5)
 *   current    its value in the sdkconfig, else its default from the table
 *              of defaults below (marked "(default)"), else NULL
 *   suggested  increase/decrease by a step ("+1024"): current + step or
 *              + 2 steps ("3328 or 4352"); to a value ("10"): that value
 *              when current is below (above) it; enable/disable/set: the
 *              value; check: none
 *   already    the sdkconfig already has what is suggested: no new value,
 *              the report says to look at the rest of the remedy
 *
 * Library code: nothing here prints or exits.
 */
#ifndef OTADIAG_KCONFIG_H
#define OTADIAG_KCONFIG_H

#include "result.h"
#include "sdkconfig.h"
#include "strbuf.h"

/*
 * Fills f->kc of every finding of r, and r->kconfig_tail: the
 * sdkconfig.defaults fragment of every new value (text report).
 */
void	 kconfig_apply(struct input_result *r, const struct sdkconfig *s);
/* One line of the text report for entry i of f (without indent or "\n"). */
void	 kconfig_describe(struct strbuf *sb, const struct finding *f,
	    size_t i);

#endif
