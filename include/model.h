/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model: the OTA update model, as a transition table.  Prefix: model_.
 *
 * An update is a story told by typed events (markers and findings turned
 * into events by session.c): a check, the download, all bytes written, the
 * switch of the boot partition, a restart, which slot the bootloader loads,
 * which version runs, whether the new image is confirmed or rolled back, and
 * errors by the class of their cause.  The table below (model.c) says, for
 * each state and event, the next state and what the session model must do.
 *
 * The rules of evidence behind it:
 * - success needs evidence that the new image runs: the bootloader loads the
 *   slot that was written, the running version becomes the target (or
 *   changes), the image is marked valid, or the updater's own success report
 *   ends the log; and no abnormal reset before that evidence;
 * - an abnormal reset (watchdog, brownout, panic, or any reset after a crash
 *   message) before the new image is confirmed fails the update with that
 *   cause, whatever the progress was;
 * - the new image booted, then the old one came back: rolled back;
 * - final states are never left: what follows a verdict (normal operation,
 *   a later check) is a new session or not part of the update at all.
 *
 * The table is pure data and model_step() a pure function of it, so each
 * row can be tested alone (tests/unit/test-model.c).
 */
#ifndef OTADIAG_MODEL_H
#define OTADIAG_MODEL_H

#include "result.h"
#include "ruleset.h"

enum mstate {
	MS_IDLE = 0,		/* no update under way (none yet, or between) */
	MS_CHECKING,		/* asked whether there is an update */
	MS_DOWNLOADING,
	MS_WRITTEN,		/* all bytes in; verifying, finishing */
	MS_SWITCHED,		/* boot slot set or the updater reported
				   success; the restart is awaited */
	MS_RESTARTING,		/* reset after the switch; the new image has
				   not shown itself yet */
	MS_RESTART_ABN,		/* an abnormal reset after the switch, before
				   the new image showed itself */
	MS_REJECTED,		/* after the restart the bootloader (or a
				   first check) rejected the new image; what
				   boots next says whether it fell back */
	MS_NEW,			/* the new image runs, not yet confirmed */
	MS_NEW_CRASHED,		/* the new image crashed before it was
				   confirmed */
	/* final: the session's verdict */
	MS_SUCCESS,
	MS_FAILED,
	MS_ROLLED_BACK,
	MS_NOT_ATTEMPTED,
	MS_IN_PROGRESS,		/* only at the end of the input */
	MS_MAX,
	MS_STAY = MS_MAX	/* in a row: the state does not change */
};

enum mevent {
	ME_CHECK = 0,		/* an update check, a job received */
	ME_NO_UPDATE,		/* the check found nothing to do */
	ME_START,		/* the download (or write) begins */
	ME_PROGRESS,
	ME_WRITTEN,		/* all bytes in, or verification under way */
	ME_SWITCH,		/* the boot partition was set */
	ME_SUCCESS,		/* the updater reports success */
	ME_RESTART,		/* a restart is announced */
	ME_RESET,		/* the device reset (ROM line, clock restart) */
	ME_CRASH,		/* a crash message (panic, abort, watchdog ...) */
	ME_BOOT,		/* the bootloader loads a slot */
	ME_VERSION,		/* a running version is printed */
	ME_PENDING,		/* the new image runs pending verification */
	ME_VALID,		/* the new image was marked valid */
	ME_ROLLBACK,		/* a rollback notice */
	ME_ERROR,		/* an error finding (its cause's class) */
	ME_FAILED,		/* the updater says it failed (no reason) */
	ME_END,			/* the end of the input */
	ME_MAX
};

/* What kind of reset it was (from the ROM reason or the crash before it). */
enum reset_class {
	RC_UNKNOWN = 0,		/* no reason (the clock started over) */
	RC_SOFTWARE,		/* esp_restart(), SW_CPU_RESET, SW_RESET */
	RC_POWERON,
	RC_EXTERNAL,		/* reset pin, USB-serial DTR/RTS */
	RC_DEEPSLEEP,
	RC_WATCHDOG,
	RC_BROWNOUT,
	RC_PANIC,		/* exception, panic, abort */
	RC_MAX
};

/* Which image a boot or version line shows. */
enum which_image {
	WI_UNKNOWN = 0,
	WI_NEW,			/* the slot written, the target version, or
				   another version than before */
	WI_OLD,			/* the image that ran before the update */
};

/* The facts of one event, as the guards need them. */
struct mfacts {
	enum mevent	 ev;
	enum reset_class reset;		/* ME_RESET */
	int		 crash_before;	/* ME_RESET: a crash message since the
					   last reset */
	enum which_image which;		/* ME_BOOT, ME_VERSION */
	enum cause_class cls;		/* ME_ERROR */
	int		 complete;	/* all bytes arrived in this session */
	int		 host;		/* the session is the host uploader's
					   view (espota, an IDE) */
	int		 progressed;	/* this session made progress (> 0 %) */
	int		 went_back;	/* ME_PROGRESS: lower than the session's
					   last progress (a new download) */
	int		 reported;	/* the updater reported success */
	int		 announced;	/* ... or announced the restart */
	int		 same_boot;	/* no reset since the verdict */
	int		 fresh;		/* no update has taken place yet in
					   this input (none succeeded or was
					   rolled back) */
	int		 hinted;	/* update work (stage update-hint) was
					   logged in this boot, after the last
					   verdict */
};

enum mguard {
	MG_ANY = 0,
	MG_ABNORMAL,		/* reset: watchdog, brownout, panic, or any
				   reset right after a crash message */
	MG_NORMAL_COMPLETE,	/* reset: normal, all bytes in */
	MG_NEW,			/* boot/version: the new image */
	MG_OLD,			/* boot/version: the old image */
	MG_FRESH_NEW,		/* version: changed, and the first story */
	MG_COMPLETE,		/* all bytes arrived */
	MG_HOST_COMPLETE,	/* a host uploader sent all bytes */
	MG_PROGRESSED,		/* the session had made progress */
	MG_WENT_BACK,		/* progress lower than before */
	MG_REPORTED,		/* the updater reported success */
	MG_ANNOUNCED,		/* the restart was announced or the updater
				   reported success */
	MG_CRASH,		/* error: crash class */
	MG_ROLLBACK,		/* error: rollback class (a failed health
				   check, the app's own rollback decision) */
	MG_REFUSAL,		/* error: refusal class (same version ...) */
	MG_BAD_IMAGE,		/* error: the image class alone (corrupt,
				   wrong chip, bad signature or checksum) */
	MG_IMAGE,		/* error: evidence only an update gives: the
				   image, a refusal, a policy, the uploader,
				   activity that disturbed it */
	MG_EXPLAINS,		/* error: crash or memory class, in the boot
				   that gave the verdict */
	MG_CLOUD,		/* error: the cloud's side (version report) */
	MG_FRESH,		/* no update has taken place yet in this
				   input (none succeeded or rolled back) */
	MG_HINTED,		/* crash: update work was logged in this
				   boot, with no verdict since */
	MG_HINTED_ABNORMAL,	/* reset: abnormal, and update work was
				   logged in the boot it ended */
	MG_MAX
};

/* What the session model does on a transition (bits). */
#define MF_OPEN		0x001u	/* close the current session, open a new one
				   (the event and the new state belong to it) */
#define MF_FIRE		0x002u	/* the error fails the session: run the rules
				   fired by stage 'failed' */
#define MF_RAISE_RESET	0x004u	/* raise the finding for the reset that ended
				   the update (by its class) */
#define MF_RAISE_CRASH	0x008u	/* raise the finding for a crash message or
				   abnormal reset (during or after the update,
				   by the state) */
#define MF_RAISE_ROLLBACK 0x010u	/* raise "the old image came back" unless
				   a finding in the session explains it */
#define MF_RAISE_NOT_TAKEN 0x020u	/* raise "restarted into the old image" */
#define MF_RAISE_STALLED 0x040u	/* raise "the download stopped" (at the end) */
#define MF_BENIGN	0x080u	/* the error is not part of the update: it
				   belongs to no session, severity info */
#define MF_COUNT_RESET	0x100u	/* one more reset of the new image */
#define MF_RAISE_NO_UPDATE 0x200u	/* raise "the device crashed; no update
				   in this log" (a warning, never a verdict:
				   opens a session to hold it if none is) */

struct mrow {
	unsigned	 from;		/* bit mask of enum mstate */
	enum mevent	 ev;
	enum mguard	 guard;
	enum mstate	 to;
	unsigned	 effects;	/* MF_* */
	const char	*why;		/* one line, for people and tests */
};

struct mstep {
	enum mstate	 to;
	unsigned	 effects;
	int		 row;		/* index in the table, -1: no row (the
					   event changes nothing) */
};

/* The table (for tests and `rules fields`-like listings). */
const struct mrow *model_table(size_t *n);
/* Does guard g hold for these facts? */
int	 model_guard(enum mguard g, const struct mfacts *f);
/* The first row for (state, facts): next state and effects. */
struct mstep model_step(enum mstate st, const struct mfacts *f);

int	 model_final(enum mstate st);	/* a verdict: never left */
enum outcome model_outcome(enum mstate st); /* OUTCOME_UNKNOWN if not final */
/* The phase a rule's context.phase sees in this state. */
enum phase model_phase(enum mstate st);
const char *model_state_name(enum mstate st);
const char *model_event_name(enum mevent ev);
const char *reset_class_name(enum reset_class rc);
/* Classifies a ROM reset reason name ("TG1WDT_SYS_RST", "SW_CPU_RESET",
   "Software/System restart", ESP8266 "Exception" ...). */
enum reset_class reset_class_of(const char *reason);
int	 reset_abnormal(enum reset_class rc);

#endif
