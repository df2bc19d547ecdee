/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model: the OTA update model's transition table (see model.h).
 *
 * Read it as: in these states, on this event, when the guard holds, go to
 * this state and do this.  The first row that fits decides; an event no row
 * fits changes nothing.  MS_STAY keeps the state (the row exists for its
 * effects).  Closing a session (MF_OPEN) applies its ME_END row first, so a
 * session that a new check interrupts ends as it would at the end of input.
 */
#include <string.h>

#include "model.h"

#define B(s)	(1u << (s))
#define PRE	(B(MS_CHECKING) | B(MS_DOWNLOADING) | B(MS_WRITTEN))
#define LOADING	(B(MS_DOWNLOADING) | B(MS_WRITTEN))
#define SWITCH	(B(MS_SWITCHED) | B(MS_RESTARTING) | B(MS_RESTART_ABN) | \
		 B(MS_REJECTED))
#define AFTER	(B(MS_RESTARTING) | B(MS_RESTART_ABN) | B(MS_REJECTED))
#define NEWIMG	(B(MS_NEW) | B(MS_NEW_CRASHED))
/* where a new update opens a new session */
#define DONE	(B(MS_IDLE) | B(MS_SUCCESS) | B(MS_ROLLED_BACK) | \
		 B(MS_NOT_ATTEMPTED) | B(MS_IN_PROGRESS))

static const struct mrow table[] = {
	/* --- an update check ------------------------------------------ */
	{DONE | B(MS_FAILED) | SWITCH | NEWIMG, ME_CHECK, MG_ANY, MS_CHECKING,
	    MF_OPEN, "a check begins a new story; the one before ends"},
	{B(MS_CHECKING), ME_NO_UPDATE, MG_ANY, MS_NOT_ATTEMPTED, 0,
	    "the check found nothing to do"},
	{B(MS_FAILED), ME_NO_UPDATE, MG_ANY, MS_STAY, 0,
	    "the failed attempt's own words (a refusal is also \"no update\")"},
	{DONE | SWITCH | NEWIMG, ME_NO_UPDATE, MG_ANY,
	    MS_NOT_ATTEMPTED, MF_OPEN, "a later check finds nothing newer: "
	    "no update, not a failure of the one before"},

	/* --- the download --------------------------------------------- */
	{B(MS_FAILED), ME_START, MG_PROGRESSED, MS_DOWNLOADING, MF_OPEN,
	    "a retry after a failed attempt that had made progress"},
	{B(MS_FAILED), ME_START, MG_ANY, MS_STAY, 0,
	    "the failed attempt announcing itself again"},
	{B(MS_CHECKING), ME_START, MG_ANY, MS_DOWNLOADING, 0,
	    "the download begins"},
	{DONE | SWITCH | NEWIMG, ME_START, MG_ANY, MS_DOWNLOADING, MF_OPEN,
	    "a new download begins a new story"},
	{B(MS_FAILED), ME_PROGRESS, MG_WENT_BACK, MS_DOWNLOADING, MF_OPEN,
	    "progress starts over: a new attempt"},
	{B(MS_FAILED), ME_PROGRESS, MG_ANY, MS_STAY, 0,
	    "progress with no new start: status lines (or another side's "
	    "view) of the failed attempt"},
	{B(MS_CHECKING), ME_PROGRESS, MG_ANY, MS_DOWNLOADING, 0,
	    "the download is under way"},
	{DONE, ME_PROGRESS, MG_ANY, MS_DOWNLOADING, MF_OPEN,
	    "progress with no update open: one begins"},
	{B(MS_CHECKING) | B(MS_DOWNLOADING), ME_WRITTEN, MG_ANY, MS_WRITTEN, 0,
	    "all bytes in; verifying"},
	{DONE, ME_WRITTEN, MG_ANY, MS_WRITTEN, MF_OPEN,
	    "an image was written (the log starts there)"},

	/* --- switch, success report, restart -------------------------- */
	{PRE, ME_SWITCH, MG_ANY, MS_SWITCHED, 0,
	    "the boot partition was set"},
	{DONE | B(MS_FAILED), ME_SWITCH, MG_ANY, MS_SWITCHED, MF_OPEN,
	    "a switch with no attempt open (or after a failed one): a "
	    "new attempt that went through"},
	{PRE, ME_SUCCESS, MG_ANY, MS_SWITCHED, 0,
	    "the updater reports success"},
	{DONE | B(MS_FAILED), ME_SUCCESS, MG_ANY, MS_SWITCHED, MF_OPEN,
	    "a success report with no attempt open (or after a failed one)"},
	{AFTER, ME_SWITCH, MG_ANY, MS_SWITCHED, MF_OPEN,
	    "after the restart, another switch: a new attempt went through "
	    "(its start is not in the log)"},
	{AFTER, ME_SUCCESS, MG_ANY, MS_SWITCHED, MF_OPEN,
	    "after the restart, another success report: a new attempt"},
	{B(MS_DOWNLOADING), ME_RESTART, MG_COMPLETE, MS_SWITCHED, 0,
	    "all bytes in and the restart announced"},
	{B(MS_WRITTEN), ME_RESTART, MG_ANY, MS_SWITCHED, 0,
	    "image written and the restart announced"},

	/* --- resets ----------------------------------------------------- */
	{B(MS_CHECKING), ME_RESET, MG_ABNORMAL, MS_FAILED, MF_RAISE_RESET,
	    "a crash or watchdog reset during the check"},
	{B(MS_CHECKING), ME_RESET, MG_ANY, MS_NOT_ATTEMPTED, 0,
	    "a restart before anything was downloaded"},
	{LOADING, ME_RESET, MG_ABNORMAL, MS_FAILED, MF_RAISE_RESET,
	    "an abnormal reset fails the update, whatever the progress"},
	{LOADING, ME_RESET, MG_NORMAL_COMPLETE, MS_RESTARTING, 0,
	    "all bytes in, then a restart the updater did not announce: "
	    "what boots decides"},
	{LOADING, ME_RESET, MG_ANY, MS_FAILED, MF_RAISE_RESET,
	    "a reset in the middle of the download"},
	{B(MS_IDLE) | B(MS_NOT_ATTEMPTED), ME_RESET, MG_HINTED_ABNORMAL,
	    MS_FAILED,
	    MF_OPEN | MF_RAISE_RESET, "a watchdog or brownout reset ends a "
	    "boot that logged update work with no update open: the update "
	    "whose start the log does not show was lost"},
	{B(MS_SWITCHED), ME_RESET, MG_ABNORMAL, MS_RESTART_ABN, 0,
	    "an abnormal reset after the switch: what boots decides"},
	{B(MS_SWITCHED), ME_RESET, MG_ANY, MS_RESTARTING, 0,
	    "the restart into the new image"},
	{B(MS_RESTARTING), ME_RESET, MG_ABNORMAL, MS_RESTART_ABN, 0,
	    "an abnormal reset before the new image showed itself"},
	{B(MS_NEW), ME_RESET, MG_ABNORMAL, MS_NEW_CRASHED,
	    MF_RAISE_CRASH | MF_COUNT_RESET,
	    "the new image crashed or was reset abnormally"},
	{B(MS_NEW_CRASHED), ME_RESET, MG_ANY, MS_STAY, MF_COUNT_RESET,
	    "the crashed image resets again"},

	/* --- crash messages --------------------------------------------- */
	{PRE, ME_CRASH, MG_ANY, MS_FAILED, MF_RAISE_CRASH,
	    "the running firmware crashed during the update"},
	{B(MS_NEW), ME_CRASH, MG_ANY, MS_NEW_CRASHED, MF_RAISE_CRASH,
	    "the new image crashed before it was confirmed"},
	{B(MS_IDLE) | B(MS_NOT_ATTEMPTED), ME_CRASH, MG_HINTED, MS_FAILED,
	    MF_OPEN | MF_RAISE_CRASH,
	    "a crash in a boot that logged update work (\"Updating "
	    "firmware...\", an OTA API's message) before any update's verdict: "
	    "the update whose start the log does not show crashed"},
	{B(MS_IDLE) | B(MS_NOT_ATTEMPTED), ME_CRASH, MG_ANY, MS_STAY,
	    MF_RAISE_NO_UPDATE, "a crash with no update seen: the device "
	    "crashed, and nothing says an update ran (no verdict about one)"},

	/* --- which image boots ------------------------------------------ */
	{SWITCH & ~B(MS_REJECTED), ME_BOOT, MG_NEW, MS_NEW, 0,
	    "the bootloader loads the slot that was written"},
	{B(MS_SWITCHED) | B(MS_RESTARTING), ME_BOOT, MG_OLD, MS_FAILED,
	    MF_RAISE_NOT_TAKEN, "the bootloader loads the old slot: the "
	    "update did not take"},
	{B(MS_RESTART_ABN), ME_BOOT, MG_OLD, MS_FAILED, MF_RAISE_RESET,
	    "an abnormal reset, then the old slot: the reset cost the update"},
	{B(MS_REJECTED), ME_BOOT, MG_NEW, MS_STAY, 0,
	    "the rejected image's slot again: no fallback yet"},
	{B(MS_REJECTED), ME_BOOT, MG_ANY, MS_ROLLED_BACK, 0,
	    "the bootloader rejected the new image and falls back to another "
	    "slot"},
	{NEWIMG, ME_BOOT, MG_OLD, MS_ROLLED_BACK, MF_RAISE_ROLLBACK,
	    "the new image ran, then the old slot boots: rolled back"},
	{SWITCH & ~B(MS_REJECTED), ME_VERSION, MG_NEW, MS_NEW, 0,
	    "the new version runs"},
	{B(MS_RESTARTING), ME_VERSION, MG_OLD, MS_FAILED, MF_RAISE_NOT_TAKEN,
	    "the old version runs after the restart: the update did not take"},
	{B(MS_REJECTED), ME_VERSION, MG_OLD, MS_ROLLED_BACK, 0,
	    "the new image was rejected and the old version runs"},
	{B(MS_RESTART_ABN), ME_VERSION, MG_OLD, MS_FAILED, MF_RAISE_RESET,
	    "an abnormal reset, then the old version: the reset cost the "
	    "update"},
	{NEWIMG, ME_VERSION, MG_OLD, MS_ROLLED_BACK, MF_RAISE_ROLLBACK,
	    "the new version ran, then the old one is back: rolled back"},
	{B(MS_IDLE), ME_VERSION, MG_FRESH_NEW, MS_NEW, MF_OPEN,
	    "another version than before a reset, with no download in the "
	    "log: the device updated itself"},

	/* --- the new image's own verdict -------------------------------- */
	{SWITCH, ME_PENDING, MG_ANY, MS_NEW, 0,
	    "the new image runs, pending verification"},
	{DONE | B(MS_FAILED), ME_PENDING, MG_ANY, MS_NEW, MF_OPEN,
	    "a first boot after an update (the log starts there)"},
	{SWITCH | NEWIMG, ME_VALID, MG_ANY, MS_SUCCESS, 0,
	    "the new image was marked valid"},
	{SWITCH | NEWIMG, ME_ROLLBACK, MG_ANY, MS_ROLLED_BACK,
	    MF_RAISE_ROLLBACK, "a rollback notice after the switch"},
	{B(MS_IDLE), ME_ROLLBACK, MG_ANY, MS_ROLLED_BACK,
	    MF_OPEN | MF_RAISE_ROLLBACK, "a rollback notice (the log starts "
	    "there)"},

	/* --- errors ------------------------------------------------------- */
	{PRE, ME_ERROR, MG_ANY, MS_FAILED, MF_FIRE,
	    "an error before the switch fails the update"},
	{B(MS_SWITCHED), ME_ERROR, MG_IMAGE, MS_FAILED, MF_FIRE,
	    "the image was found wrong while finishing"},
	{SWITCH, ME_ERROR, MG_CRASH, MS_STAY, 0,
	    "a crash during the restart: the reset after it decides"},
	{SWITCH | NEWIMG, ME_ERROR, MG_ROLLBACK, MS_ROLLED_BACK, 0,
	    "the new image's own rollback decision (a failed health check)"},
	{B(MS_SWITCHED), ME_ERROR, MG_ANY, MS_STAY, MF_BENIGN,
	    "connections torn down by the restart are not the update failing"},
	{B(MS_RESTARTING) | B(MS_RESTART_ABN), ME_ERROR, MG_BAD_IMAGE,
	    MS_REJECTED, 0, "after the restart the image is found bad (the "
	    "bootloader's check): the new image does not start"},
	{B(MS_REJECTED), ME_ERROR, MG_ANY, MS_STAY, 0,
	    "what follows the rejection is its consequence"},
	{B(MS_RESTARTING) | B(MS_RESTART_ABN), ME_ERROR, MG_ANY, MS_FAILED,
	    MF_OPEN | MF_FIRE, "after the restart, with no sign of which image "
	    "runs, an update fails again: a new attempt"},
	{B(MS_NEW), ME_ERROR, MG_CRASH, MS_NEW_CRASHED, 0,
	    "the new image crashed before it was confirmed"},
	{B(MS_NEW_CRASHED), ME_ERROR, MG_CRASH, MS_STAY, 0,
	    "the new image crashes again"},
	{NEWIMG, ME_ERROR, MG_CLOUD, MS_FAILED, MF_FIRE,
	    "the new image runs but cannot complete the cloud's side of the "
	    "update (the job never learns the new version)"},
	{B(MS_NEW), ME_ERROR, MG_IMAGE, MS_FAILED, MF_OPEN | MF_FIRE,
	    "the new image runs and another update fails"},
	{NEWIMG, ME_ERROR, MG_ANY, MS_STAY, MF_BENIGN,
	    "normal operation of the new image (reconnects, sensors)"},
	{B(MS_FAILED), ME_ERROR, MG_ANY, MS_STAY, 0,
	    "what follows a failure is its consequence"},
	{B(MS_ROLLED_BACK), ME_ERROR, MG_EXPLAINS, MS_STAY, 0,
	    "a crash or memory failure reported in the boot that noticed the "
	    "rollback: what reset the new image"},
	{B(MS_IDLE), ME_ERROR, MG_ROLLBACK, MS_ROLLED_BACK, MF_OPEN,
	    "a rollback decision or notice (the log starts there)"},
	{B(MS_NOT_ATTEMPTED), ME_ERROR, MG_REFUSAL, MS_STAY, 0,
	    "why nothing was attempted"},
	{DONE, ME_ERROR, MG_FRESH, MS_FAILED, MF_OPEN | MF_FIRE,
	    "an error with no update that took place before: the update "
	    "failed (the log may show only the error)"},
	{DONE, ME_ERROR, MG_IMAGE, MS_FAILED, MF_OPEN | MF_FIRE,
	    "a later update fails: evidence only an update gives (the image, "
	    "a refusal, the uploader)"},
	{DONE, ME_ERROR, MG_ANY, MS_STAY, MF_BENIGN,
	    "normal operation after the verdict cannot fail the update"},
	{PRE | B(MS_SWITCHED), ME_FAILED, MG_ANY, MS_FAILED, 0,
	    "the updater says it failed"},
	{DONE | B(MS_NEW), ME_FAILED, MG_ANY, MS_FAILED, MF_OPEN,
	    "the updater says a (new) attempt failed"},

	/* --- the end of the story ------------------------------------------ */
	{B(MS_CHECKING), ME_END, MG_ANY, MS_NOT_ATTEMPTED, 0,
	    "a check and nothing else"},
	{LOADING, ME_END, MG_HOST_COMPLETE, MS_SUCCESS, 0,
	    "the uploader sent every byte and no error followed: as far as "
	    "the host can see, the update went through"},
	{B(MS_DOWNLOADING), ME_END, MG_COMPLETE, MS_IN_PROGRESS, 0,
	    "all bytes in, nothing after: not finished as far as the log shows"},
	{B(MS_DOWNLOADING), ME_END, MG_PROGRESSED, MS_IN_PROGRESS,
	    MF_RAISE_STALLED, "the download stopped progressing"},
	{LOADING, ME_END, MG_ANY, MS_IN_PROGRESS, 0,
	    "the update had not finished"},
	{B(MS_SWITCHED), ME_END, MG_ANNOUNCED, MS_SUCCESS, 0,
	    "the updater's own success report (or its announced restart "
	    "after the image was written) ends the story"},
	{B(MS_SWITCHED), ME_END, MG_ANY, MS_IN_PROGRESS, 0,
	    "switched, but the restart is not in the log"},
	{B(MS_RESTARTING), ME_END, MG_ANNOUNCED, MS_SUCCESS, 0,
	    "the updater reported success and restarted as announced"},
	{B(MS_RESTARTING), ME_END, MG_ANY, MS_IN_PROGRESS, 0,
	    "a restart nobody announced, and nothing shows what booted"},
	{B(MS_RESTART_ABN), ME_END, MG_ANY, MS_FAILED, MF_RAISE_RESET,
	    "an abnormal reset and no sign of the new image"},
	{B(MS_REJECTED), ME_END, MG_ANY, MS_FAILED, 0,
	    "the new image was rejected and nothing else started"},
	{B(MS_NEW), ME_END, MG_ANY, MS_SUCCESS, 0, "the new image runs"},
	{B(MS_NEW_CRASHED), ME_END, MG_ANY, MS_FAILED, 0,
	    "the new image crashed and never recovered"},
};

const struct mrow *
model_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

int
reset_abnormal(enum reset_class rc)
{
	return rc == RC_WATCHDOG || rc == RC_BROWNOUT || rc == RC_PANIC;
}

int
model_guard(enum mguard g, const struct mfacts *f)
{
	int abn = reset_abnormal(f->reset) ||
	    (f->crash_before && f->reset != RC_POWERON);

	switch (g) {
	case MG_ANY:
		return 1;
	case MG_ABNORMAL:
		return abn;
	case MG_NORMAL_COMPLETE:
		return !abn && f->complete;
	case MG_NEW:
		return f->which == WI_NEW;
	case MG_OLD:
		return f->which == WI_OLD;
	case MG_FRESH_NEW:
		return f->which == WI_NEW && f->fresh;
	case MG_COMPLETE:
		return f->complete;
	case MG_HOST_COMPLETE:
		return f->complete && f->host;
	case MG_PROGRESSED:
		return f->progressed;
	case MG_WENT_BACK:
		return f->went_back;
	case MG_REPORTED:
		return f->reported;
	case MG_ANNOUNCED:
		return f->reported || f->announced;
	case MG_CRASH:
		return f->cls == CAUSE_CRASH;
	case MG_ROLLBACK:
		return f->cls == CAUSE_ROLLBACK;
	case MG_REFUSAL:
		return f->cls == CAUSE_REFUSAL || f->cls == CAUSE_POLICY;
	case MG_BAD_IMAGE:
		return f->cls == CAUSE_IMAGE;
	case MG_IMAGE:
		return f->cls == CAUSE_IMAGE || f->cls == CAUSE_REFUSAL ||
		    f->cls == CAUSE_POLICY || f->cls == CAUSE_HOST ||
		    f->cls == CAUSE_ACTIVITY;
	case MG_EXPLAINS:
		return (f->cls == CAUSE_CRASH || f->cls == CAUSE_MEMORY) &&
		    f->same_boot;
	case MG_CLOUD:
		return f->cls == CAUSE_CLOUD;
	case MG_FRESH:
		return f->fresh;
	case MG_HINTED:
		return f->hinted;
	case MG_HINTED_ABNORMAL:
		return f->hinted && abn;
	case MG_MAX:
		break;
	}
	return 0;
}

struct mstep
model_step(enum mstate st, const struct mfacts *f)
{
	struct mstep out = {st, 0, -1};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct mrow *r = &table[i];

		if (!(r->from & B(st)) || r->ev != f->ev ||
		    !model_guard(r->guard, f))
			continue;
		out.to = r->to == MS_STAY ? st : r->to;
		out.effects = r->effects;
		out.row = (int)i;
		return out;
	}
	return out;
}

int
model_final(enum mstate st)
{
	return st >= MS_SUCCESS && st < MS_MAX;
}

enum outcome
model_outcome(enum mstate st)
{
	switch (st) {
	case MS_SUCCESS:
		return OUTCOME_SUCCESS;
	case MS_FAILED:
		return OUTCOME_FAILED;
	case MS_ROLLED_BACK:
		return OUTCOME_ROLLED_BACK;
	case MS_NOT_ATTEMPTED:
		return OUTCOME_NOT_ATTEMPTED;
	case MS_IN_PROGRESS:
		return OUTCOME_IN_PROGRESS;
	default:
		return OUTCOME_UNKNOWN;
	}
}

enum phase
model_phase(enum mstate st)
{
	switch (st) {
	case MS_CHECKING:
		return PHASE_CHECKING;
	case MS_DOWNLOADING:
		return PHASE_DOWNLOADING;
	case MS_WRITTEN:
		return PHASE_VERIFYING;
	case MS_SWITCHED:
	case MS_RESTARTING:
	case MS_RESTART_ABN:
	case MS_REJECTED:
		return PHASE_REBOOTING;
	case MS_NEW:
	case MS_NEW_CRASHED:
		return PHASE_BOOTING_NEW;
	case MS_SUCCESS:
		return PHASE_VALIDATED;
	case MS_ROLLED_BACK:
		return PHASE_ROLLED_BACK;
	default:
		return PHASE_IDLE;
	}
}

static const char *const state_names[MS_MAX] = {
	[MS_IDLE] = "idle",
	[MS_CHECKING] = "checking",
	[MS_DOWNLOADING] = "downloading",
	[MS_WRITTEN] = "written",
	[MS_SWITCHED] = "switched",
	[MS_RESTARTING] = "restarting",
	[MS_RESTART_ABN] = "restart-abnormal",
	[MS_REJECTED] = "rejected",
	[MS_NEW] = "new-image",
	[MS_NEW_CRASHED] = "new-image-crashed",
	[MS_SUCCESS] = "success",
	[MS_FAILED] = "failed",
	[MS_ROLLED_BACK] = "rolled-back",
	[MS_NOT_ATTEMPTED] = "not-attempted",
	[MS_IN_PROGRESS] = "in-progress",
};

const char *
model_state_name(enum mstate st)
{
	return (unsigned)st < MS_MAX ? state_names[st] : "stay";
}

static const char *const event_names[ME_MAX] = {
	[ME_CHECK] = "check",
	[ME_NO_UPDATE] = "no-update",
	[ME_START] = "start",
	[ME_PROGRESS] = "progress",
	[ME_WRITTEN] = "written",
	[ME_SWITCH] = "switch",
	[ME_SUCCESS] = "success",
	[ME_RESTART] = "restart",
	[ME_RESET] = "reset",
	[ME_CRASH] = "crash",
	[ME_BOOT] = "boot",
	[ME_VERSION] = "version",
	[ME_PENDING] = "pending-verify",
	[ME_VALID] = "valid",
	[ME_ROLLBACK] = "rollback",
	[ME_ERROR] = "error",
	[ME_FAILED] = "failed",
	[ME_END] = "end",
};

const char *
model_event_name(enum mevent ev)
{
	return (unsigned)ev < ME_MAX ? event_names[ev] : "?";
}

static const char *const rc_names[RC_MAX] = {
	[RC_UNKNOWN] = "unknown",
	[RC_SOFTWARE] = "software",
	[RC_POWERON] = "power-on",
	[RC_EXTERNAL] = "external",
	[RC_DEEPSLEEP] = "deep-sleep",
	[RC_WATCHDOG] = "watchdog",
	[RC_BROWNOUT] = "brownout",
	[RC_PANIC] = "panic",
};

const char *
reset_class_name(enum reset_class rc)
{
	return (unsigned)rc < RC_MAX ? rc_names[rc] : "unknown";
}

/* Words of the ROM's and the SDKs' reset reason names, most telling first. */
static const struct {
	const char	*word;
	enum reset_class rc;
} reason_words[] = {
	{"BROWN", RC_BROWNOUT},
	{"WDT", RC_WATCHDOG},
	{"WATCHDOG", RC_WATCHDOG},
	{"PANIC", RC_PANIC},
	{"EXCEPTION", RC_PANIC},
	{"LOCKUP", RC_PANIC},
	{"POWERON", RC_POWERON},
	{"POWER_ON", RC_POWERON},
	{"POWER ON", RC_POWERON},
	{"DEEPSLEEP", RC_DEEPSLEEP},
	{"DEEP_SLEEP", RC_DEEPSLEEP},
	{"DSLEEP", RC_DEEPSLEEP},
	{"SW_", RC_SOFTWARE},
	{"SOFT", RC_SOFTWARE},
	{"SOFTWARE", RC_SOFTWARE},
	{"RESTART", RC_SOFTWARE},
	{"EXT", RC_EXTERNAL},
	{"PIN", RC_EXTERNAL},
	{"USB", RC_EXTERNAL},
	{"JTAG", RC_EXTERNAL},
};

enum reset_class
reset_class_of(const char *reason)
{
	char up[64];
	size_t i, n;

	if (reason == NULL)
		return RC_UNKNOWN;
	for (n = 0; reason[n] != '\0' && n + 1 < sizeof(up); n++)
		up[n] = (char)(reason[n] >= 'a' && reason[n] <= 'z' ?
		    reason[n] - 'a' + 'A' : reason[n]);
	up[n] = '\0';
	for (i = 0; i < sizeof(reason_words) / sizeof(reason_words[0]); i++)
		if (strstr(up, reason_words[i].word) != NULL)
			return reason_words[i].rc;
	return RC_UNKNOWN;
}
