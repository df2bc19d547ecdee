/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model: the update model's transition table, row by row.
 *
 * rows_are_reachable walks every row of the table: from each state the row
 * names, with the least facts that make its guard hold, model_step() must
 * pick exactly that row (no earlier row shadows it) and go where the row
 * says.  The named tests below state the rows that carry the rules of
 * evidence in words a reviewer can check against model.h, and stories
 * (sequences of events) for each class of mistake the model must not make.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "model.h"

/* The least facts under which guard g holds. */
static struct mfacts
facts_for(enum mevent ev, enum mguard g)
{
	struct mfacts f;

	memset(&f, 0, sizeof(f));
	f.ev = ev;
	switch (g) {
	case MG_ABNORMAL:
		f.reset = RC_WATCHDOG;
		break;
	case MG_NORMAL_COMPLETE:
		f.reset = RC_SOFTWARE;
		f.complete = 1;
		break;
	case MG_NEW:
		f.which = WI_NEW;
		break;
	case MG_OLD:
		f.which = WI_OLD;
		break;
	case MG_FRESH_NEW:
		f.which = WI_NEW;
		f.fresh = 1;
		break;
	case MG_COMPLETE:
		f.complete = 1;
		break;
	case MG_HOST_COMPLETE:
		f.complete = 1;
		f.host = 1;
		break;
	case MG_PROGRESSED:
		f.progressed = 1;
		break;
	case MG_WENT_BACK:
		f.went_back = 1;
		break;
	case MG_REPORTED:
		f.reported = 1;
		break;
	case MG_ANNOUNCED:
		f.announced = 1;
		break;
	case MG_CRASH:
		f.cls = CAUSE_CRASH;
		break;
	case MG_ROLLBACK:
		f.cls = CAUSE_ROLLBACK;
		break;
	case MG_REFUSAL:
		f.cls = CAUSE_REFUSAL;
		break;
	case MG_IMAGE:
		f.cls = CAUSE_HOST;
		break;
	case MG_BAD_IMAGE:
		f.cls = CAUSE_IMAGE;
		break;
	case MG_EXPLAINS:
		f.cls = CAUSE_CRASH;
		f.same_boot = 1;
		break;
	case MG_CLOUD:
		f.cls = CAUSE_CLOUD;
		break;
	case MG_FRESH:
		f.fresh = 1;
		f.cls = CAUSE_NETWORK;
		break;
	case MG_HINTED:
		f.hinted = 1;
		break;
	case MG_HINTED_ABNORMAL:
		f.hinted = 1;
		f.reset = RC_WATCHDOG;
		break;
	case MG_ANY:
	case MG_MAX:
		if (ev == ME_ERROR)
			f.cls = CAUSE_NETWORK;
		break;
	}
	return f;
}

Test(model, rows_are_reachable)
{
	size_t n, i;
	const struct mrow *t = model_table(&n);
	int st;

	cr_assert_gt(n, 40);
	for (i = 0; i < n; i++) {
		cr_expect_neq(t[i].from, 0u, "row %zu has no state", i);
		cr_expect_neq(t[i].why, NULL);
		for (st = 0; st < MS_MAX; st++) {
			struct mfacts f;
			struct mstep s;

			if (!(t[i].from & (1u << st)))
				continue;
			f = facts_for(t[i].ev, t[i].guard);
			cr_expect(model_guard(t[i].guard, &f), "row %zu guard", i);
			s = model_step((enum mstate)st, &f);
			cr_expect_eq(s.row, (int)i, "row %zu (%s) from %s on %s: "
			    "row %d answers first", i, t[i].why,
			    model_state_name((enum mstate)st),
			    model_event_name(t[i].ev), s.row);
			cr_expect_eq(s.to, t[i].to == MS_STAY ? (enum mstate)st :
			    t[i].to, "row %zu", i);
			cr_expect_eq(s.effects, t[i].effects, "row %zu", i);
		}
	}
}

Test(model, final_states_are_never_left_by_a_row)
{
	size_t n, i;
	const struct mrow *t = model_table(&n);

	/* a row from a final state either stays or opens a new session */
	for (i = 0; i < n; i++) {
		int st;

		for (st = MS_SUCCESS; st < MS_MAX; st++)
			if ((t[i].from & (1u << st)) && t[i].to != MS_STAY &&
			    t[i].to != (enum mstate)st)
				cr_expect(t[i].effects & MF_OPEN, "row %zu (%s) "
				    "leaves final state %s without a new session",
				    i, t[i].why, model_state_name((enum mstate)st));
	}
}

static enum mstate
go(enum mstate st, enum mevent ev, struct mfacts f, unsigned *eff)
{
	struct mstep s;

	f.ev = ev;
	s = model_step(st, &f);
	if (eff != NULL)
		*eff = s.effects;
	return s.to;
}

static struct mfacts
none(void)
{
	struct mfacts f;

	memset(&f, 0, sizeof(f));
	return f;
}

static struct mfacts
reset(enum reset_class rc, int complete, int crash_before)
{
	struct mfacts f = none();

	f.reset = rc;
	f.complete = complete;
	f.crash_before = crash_before;
	return f;
}

static struct mfacts
which(enum which_image w)
{
	struct mfacts f = none();

	f.which = w;
	return f;
}

static struct mfacts
error(enum cause_class c, int fresh)
{
	struct mfacts f = none();

	f.cls = c;
	f.fresh = fresh;
	return f;
}

/* A panic at 128 KB into a download, then the old slot: failed, never
   success (the first release said success). */
Test(model, panic_mid_download_then_old_slot_fails)
{
	unsigned eff;
	enum mstate s = go(MS_CHECKING, ME_START, none(), NULL);

	cr_assert_eq(s, MS_DOWNLOADING);
	s = go(s, ME_CRASH, none(), &eff);
	cr_expect_eq(s, MS_FAILED);
	cr_expect(eff & MF_RAISE_CRASH);
	cr_expect_eq(go(s, ME_BOOT, which(WI_OLD), NULL), MS_FAILED);
	cr_expect_eq(model_outcome(MS_FAILED), OUTCOME_FAILED);
}

/* A reset after a crash message is that crash's, whatever the ROM says. */
Test(model, software_reset_after_a_crash_message_is_abnormal)
{
	unsigned eff;

	cr_expect_eq(go(MS_DOWNLOADING, ME_RESET, reset(RC_SOFTWARE, 1, 1),
	    &eff), MS_FAILED);
	cr_expect(eff & MF_RAISE_RESET);
	/* without the crash message, all bytes in: what boots decides */
	cr_expect_eq(go(MS_DOWNLOADING, ME_RESET, reset(RC_SOFTWARE, 1, 0),
	    NULL), MS_RESTARTING);
}

/* TG1WDT during esp_https_ota_finish / "validating": all bytes had
   arrived, still failed. */
Test(model, watchdog_while_finishing_fails)
{
	unsigned eff;

	cr_expect_eq(go(MS_WRITTEN, ME_RESET, reset(RC_WATCHDOG, 1, 0), &eff),
	    MS_FAILED);
	cr_expect(eff & MF_RAISE_RESET);
}

Test(model, brownout_and_power_loss_mid_download_fail)
{
	cr_expect_eq(go(MS_DOWNLOADING, ME_RESET, reset(RC_BROWNOUT, 0, 0),
	    NULL), MS_FAILED);
	cr_expect_eq(go(MS_DOWNLOADING, ME_RESET, reset(RC_POWERON, 0, 0),
	    NULL), MS_FAILED);
}

/* A crash loop in the new image that ends with the bootloader's rollback
   line is rolled back (the first release said success). */
Test(model, crash_loop_then_rollback_notice)
{
	unsigned eff;
	enum mstate s = go(MS_SWITCHED, ME_RESET, reset(RC_SOFTWARE, 1, 0), NULL);

	cr_assert_eq(s, MS_RESTARTING);
	s = go(s, ME_BOOT, which(WI_NEW), NULL);
	cr_assert_eq(s, MS_NEW);
	s = go(s, ME_CRASH, none(), &eff);
	cr_assert_eq(s, MS_NEW_CRASHED);
	cr_expect(eff & MF_RAISE_CRASH);
	s = go(s, ME_RESET, reset(RC_SOFTWARE, 1, 1), &eff);
	cr_expect_eq(s, MS_NEW_CRASHED);
	cr_expect(eff & MF_COUNT_RESET);
	cr_expect_eq(go(s, ME_ROLLBACK, none(), NULL), MS_ROLLED_BACK);
	cr_expect_eq(go(s, ME_BOOT, which(WI_OLD), NULL), MS_ROLLED_BACK);
	/* a crash loop that never recovers fails at the end */
	cr_expect_eq(go(s, ME_END, none(), NULL), MS_FAILED);
}

/* The old image after the new one ran: rolled back; after the restart
   but before the new image showed itself: the update did not take. */
Test(model, old_image_back)
{
	unsigned eff;

	cr_expect_eq(go(MS_NEW, ME_VERSION, which(WI_OLD), &eff),
	    MS_ROLLED_BACK);
	cr_expect(eff & MF_RAISE_ROLLBACK);
	cr_expect_eq(go(MS_RESTARTING, ME_BOOT, which(WI_OLD), &eff),
	    MS_FAILED);
	cr_expect(eff & MF_RAISE_NOT_TAKEN);
	cr_expect_eq(go(MS_RESTART_ABN, ME_VERSION, which(WI_OLD), &eff),
	    MS_FAILED);
	cr_expect(eff & MF_RAISE_RESET);
}

/* Validated, then an hour of MQTT reconnect errors: still success, and the
   errors belong to no update. */
Test(model, normal_operation_after_the_verdict_is_benign)
{
	unsigned eff;
	enum mstate s = go(MS_NEW, ME_VALID, none(), NULL);

	cr_assert_eq(s, MS_SUCCESS);
	cr_expect_eq(go(s, ME_ERROR, error(CAUSE_NETWORK, 0), &eff),
	    MS_SUCCESS);
	cr_expect(eff & MF_BENIGN);
	cr_expect_eq(go(MS_NEW, ME_ERROR, error(CAUSE_NETWORK, 0), &eff),
	    MS_NEW);
	cr_expect(eff & MF_BENIGN);
	/* but an image error of a later update fails that update */
	cr_expect_eq(go(s, ME_ERROR, error(CAUSE_IMAGE, 0), &eff), MS_FAILED);
	cr_expect(eff & MF_OPEN);
}

/* A routine check after a success that finds nothing newer is a new
   session, not-attempted; the update before keeps its verdict. */
Test(model, later_check_is_no_update)
{
	unsigned eff;

	cr_expect_eq(go(MS_SUCCESS, ME_NO_UPDATE, none(), &eff),
	    MS_NOT_ATTEMPTED);
	cr_expect(eff & MF_OPEN);
	cr_expect_eq(go(MS_NEW, ME_CHECK, none(), &eff), MS_CHECKING);
	cr_expect(eff & MF_OPEN);
	/* closing MS_NEW (what MF_OPEN does first) gives success */
	cr_expect_eq(go(MS_NEW, ME_END, none(), NULL), MS_SUCCESS);
}

/* The updater's own success report and its restart: success, even when
   the log ends there; connections torn down meanwhile do not matter. */
Test(model, success_report_then_restart)
{
	unsigned eff;
	struct mfacts f = none();
	enum mstate s = go(MS_DOWNLOADING, ME_SUCCESS, none(), NULL);

	cr_assert_eq(s, MS_SWITCHED);
	cr_expect_eq(go(s, ME_ERROR, error(CAUSE_NETWORK, 1), &eff),
	    MS_SWITCHED);
	cr_expect(eff & MF_BENIGN);
	f.reported = 1;
	cr_expect_eq(go(s, ME_END, f, NULL), MS_SUCCESS);
	s = go(s, ME_RESET, reset(RC_SOFTWARE, 1, 0), NULL);
	cr_assert_eq(s, MS_RESTARTING);
	cr_expect_eq(go(s, ME_END, f, NULL), MS_SUCCESS);
	/* no report, no announcement: nothing shows the new image */
	cr_expect_eq(go(s, ME_END, none(), NULL), MS_IN_PROGRESS);
}

/* An abnormal reset after the switch: the next boot decides. */
Test(model, abnormal_restart_then_new_image_is_success)
{
	enum mstate s = go(MS_SWITCHED, ME_RESET, reset(RC_PANIC, 1, 0), NULL);

	cr_assert_eq(s, MS_RESTART_ABN);
	cr_expect_eq(go(s, ME_BOOT, which(WI_NEW), NULL), MS_NEW);
	cr_expect_eq(go(s, ME_END, none(), NULL), MS_FAILED);
}

/* The seed tutorial: the health check fails, then a watchdog, then the old
   version: rolled back, and the health check (the first evidence) is the
   state change, not the watchdog. */
Test(model, failed_health_check_rolls_back)
{
	enum mstate s = go(MS_NEW, ME_ERROR, error(CAUSE_ROLLBACK, 0), NULL);

	cr_expect_eq(s, MS_ROLLED_BACK);
	cr_expect_eq(go(s, ME_RESET, reset(RC_WATCHDOG, 1, 0), NULL),
	    MS_ROLLED_BACK);
	/* the crash the rollback notice reports, in the same boot, explains
	   it */
	{
		struct mfacts f = error(CAUSE_CRASH, 0);
		unsigned eff;

		f.same_boot = 1;
		cr_expect_eq(go(s, ME_ERROR, f, &eff), MS_ROLLED_BACK);
		cr_expect_eq(eff & MF_BENIGN, 0u);
	}
}

/* Retries: a failed attempt that had no progress absorbs its own start
   lines; one that had progress starts a new session on the next start. */
Test(model, retries)
{
	struct mfacts f = none();
	unsigned eff;

	cr_expect_eq(go(MS_FAILED, ME_START, f, &eff), MS_FAILED);
	cr_expect_eq(eff & MF_OPEN, 0u);
	f.progressed = 1;
	cr_expect_eq(go(MS_FAILED, ME_START, f, &eff), MS_DOWNLOADING);
	cr_expect(eff & MF_OPEN);
	cr_expect_eq(go(MS_FAILED, ME_SUCCESS, none(), &eff), MS_SWITCHED);
	cr_expect(eff & MF_OPEN);
}

Test(model, an_error_alone_is_a_failed_update)
{
	unsigned eff;

	cr_expect_eq(go(MS_IDLE, ME_ERROR, error(CAUSE_NETWORK, 1), &eff),
	    MS_FAILED);
	cr_expect(eff & MF_OPEN);
	cr_expect(eff & MF_FIRE);
}

Test(model, reset_classes)
{
	cr_expect_eq(reset_class_of("TG1WDT_SYS_RESET"), RC_WATCHDOG);
	cr_expect_eq(reset_class_of("RTCWDT_RTC_RESET"), RC_WATCHDOG);
	cr_expect_eq(reset_class_of("HW_WDT_RESET"), RC_WATCHDOG);
	cr_expect_eq(reset_class_of("BROWNOUT_RST"), RC_BROWNOUT);
	cr_expect_eq(reset_class_of("RTC_BROWN_OUT_RESET"), RC_BROWNOUT);
	cr_expect_eq(reset_class_of("SW_CPU_RESET"), RC_SOFTWARE);
	cr_expect_eq(reset_class_of("RTC_SW_SYS_RST"), RC_SOFTWARE);
	cr_expect_eq(reset_class_of("POWERON_RESET"), RC_POWERON);
	cr_expect_eq(reset_class_of("EXT_RESET"), RC_EXTERNAL);
	cr_expect_eq(reset_class_of("DEEPSLEEP_RESET"), RC_DEEPSLEEP);
	cr_expect_eq(reset_class_of("Exception"), RC_PANIC);
	cr_expect_eq(reset_class_of(NULL), RC_UNKNOWN);
	cr_expect_eq(reset_class_of("0x17"), RC_UNKNOWN);
	cr_expect(reset_abnormal(RC_PANIC));
	cr_expect(!reset_abnormal(RC_SOFTWARE));
}

Test(model, names_and_phases)
{
	int st;

	for (st = 0; st < MS_MAX; st++)
		cr_expect_neq(strcmp(model_state_name((enum mstate)st), "stay"), 0);
	cr_expect_eq(model_phase(MS_DOWNLOADING), PHASE_DOWNLOADING);
	cr_expect_eq(model_phase(MS_NEW), PHASE_BOOTING_NEW);
	cr_expect(model_final(MS_ROLLED_BACK));
	cr_expect(!model_final(MS_NEW));
	cr_expect_eq(model_outcome(MS_NEW), OUTCOME_UNKNOWN);
}

/* A crash with no update open: only update work logged in the same boot
   makes it an update's crash; without it the device crashed, no verdict
   about an update (a warning is raised), and no outcome is turned. */
Test(model, crash_with_no_update_open)
{
	struct mfacts f = none();
	unsigned eff = 0;

	cr_expect_eq(go(MS_IDLE, ME_CRASH, f, &eff), MS_IDLE);
	cr_expect_eq(eff, MF_RAISE_NO_UPDATE);
	cr_expect_eq(go(MS_NOT_ATTEMPTED, ME_CRASH, f, &eff), MS_NOT_ATTEMPTED);
	cr_expect_eq(eff, MF_RAISE_NO_UPDATE);
	/* after a verdict of an update, a crash is no new verdict */
	cr_expect_eq(go(MS_SUCCESS, ME_CRASH, f, &eff), MS_SUCCESS);
	cr_expect_eq(eff, 0u);
	cr_expect_eq(go(MS_FAILED, ME_CRASH, f, &eff), MS_FAILED);
	cr_expect_eq(eff, 0u);

	f.hinted = 1;
	cr_expect_eq(go(MS_IDLE, ME_CRASH, f, &eff), MS_FAILED);
	cr_expect_eq(eff, MF_OPEN | MF_RAISE_CRASH);
	cr_expect_eq(go(MS_NOT_ATTEMPTED, ME_CRASH, f, &eff), MS_FAILED);
	cr_expect(eff & MF_OPEN);
	/* after an update's verdict, update work and a crash make no new
	   story: the success stays the input's last word */
	cr_expect_eq(go(MS_SUCCESS, ME_CRASH, f, &eff), MS_SUCCESS);
	cr_expect_eq(eff, 0u);
	cr_expect_eq(go(MS_ROLLED_BACK, ME_CRASH, f, &eff), MS_ROLLED_BACK);
	cr_expect_eq(eff, 0u);
	cr_expect_eq(go(MS_FAILED, ME_CRASH, f, &eff), MS_FAILED);
	cr_expect_eq(eff, 0u);

	/* a reset ending a boot with update work: only an abnormal one */
	f.reset = RC_SOFTWARE;
	cr_expect_eq(go(MS_IDLE, ME_RESET, f, &eff), MS_IDLE);
	f.reset = RC_WATCHDOG;
	cr_expect_eq(go(MS_IDLE, ME_RESET, f, &eff), MS_FAILED);
	cr_expect_eq(eff, MF_OPEN | MF_RAISE_RESET);
	f.hinted = 0;
	cr_expect_eq(go(MS_IDLE, ME_RESET, f, &eff), MS_IDLE);
}
