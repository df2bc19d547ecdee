/* SPDX-License-Identifier: Apache-2.0 */
/* causes: the cause table (ids, classes, meanings), and stage/phase names. */
#include <string.h>

#include "ruleset.h"

/*
 * The cause table: the source of truth for cause ids (rules name them, the
 * man page and `rules fields` list them) and for what kind of failure each
 * is.  The class decides how the session model reads an error of that cause
 * (see model.h): a crash or memory failure explains a rollback, network and
 * image failures belong to the download path, advisory causes never fail an
 * update.
 */
static const struct {
	const char *id;
	enum cause_class cls;
	const char *text;
} causes[] = {
	{"alloc-failed", CAUSE_MEMORY,
	    "heap exhausted during the update"},
	{"sys-evt-stack-overflow", CAUSE_CRASH,
	    "the system event task overflowed its stack"},
	{"stack-overflow", CAUSE_CRASH,
	    "a task overflowed its stack during or right after the update"},
	{"server-unreachable", CAUSE_NETWORK,
	    "the device could not connect to the firmware server"},
	{"tls-failed", CAUSE_NETWORK,
	    "TLS handshake or certificate verification failed"},
	{"http-error", CAUSE_NETWORK,
	    "the server answered with an HTTP error status or a non-firmware body"},
	{"download-interrupted", CAUSE_NETWORK,
	    "the download started but stopped or timed out midway"},
	{"same-version", CAUSE_REFUSAL,
	    "the offered firmware has the version already running"},
	{"project-name-mismatch", CAUSE_REFUSAL,
	    "the new image belongs to a different project"},
	{"downgrade-rejected", CAUSE_REFUSAL,
	    "anti-rollback / secure version check refused an older image"},
	{"not-enough-space", CAUSE_IMAGE,
	    "the image does not fit the OTA slot"},
	{"no-ota-partition", CAUSE_IMAGE,
	    "the partition table has no second app slot or no otadata"},
	{"invalid-image", CAUSE_IMAGE,
	    "the downloaded bytes are not a valid image for this chip"},
	{"signature-invalid", CAUSE_IMAGE,
	    "the image's signature does not verify"},
	{"md5-mismatch", CAUSE_IMAGE,
	    "the written image fails its MD5 check"},
	{"auth-failed", CAUSE_HOST,
	    "the uploader or device rejected the OTA password or credentials"},
	{"upload-tool-error", CAUSE_HOST,
	    "the host-side uploader lost the device"},
	{"concurrent-activity", CAUSE_ACTIVITY,
	    "other work disrupted the update"},
	{"rollback", CAUSE_ROLLBACK,
	    "the new image booted but was rolled back"},
	{"crash-during-update", CAUSE_CRASH,
	    "the running firmware crashed or was reset abnormally while the update ran"},
	{"crash-after-update", CAUSE_CRASH,
	    "the new image panics or resets repeatedly after boot"},
	{"crash-no-update", CAUSE_CRASH,
	    "the device crashed, and the log shows no update under way"},
	{"brownout", CAUSE_CRASH,
	    "supply voltage dropped during the update or early boot"},
	{"watchdog", CAUSE_CRASH,
	    "a task or interrupt watchdog fired during the update"},
	{"buffer-too-small", CAUSE_NETWORK,
	    "download buffer too small: slow, jitter-prone download"},
	{"job-timeout", CAUSE_CLOUD,
	    "the cloud job's time-out elapsed before the device finished"},
	{"version-not-reported", CAUSE_CLOUD,
	    "the device never reported its new version"},
	{"bad-segment-range", CAUSE_IMAGE,
	    "overlapping or invalid ranges in a segmented download"},
	{"device-not-targeted", CAUSE_CLOUD,
	    "the job targeted devices that do not exist or do not match"},
	{"ota-rejected", CAUSE_POLICY,
	    "the device's application declined the update by policy"},
	{"ota-delayed", CAUSE_POLICY,
	    "the device postponed the update"},
	{"bad-server-response", CAUSE_NETWORK,
	    "the server's response is unusable (no length, bad JSON)"},
	{"excessive-polling", CAUSE_ADVISORY,
	    "the device checks for updates far too often"},
	{"ota-too-early", CAUSE_ADVISORY,
	    "the update starts within ~30 s of power-up"},
	{"insecure-transport", CAUSE_ADVISORY,
	    "a transport risk: plain HTTP, no pinning, no OTA password"},
};

size_t
cause_count(void)
{
	return sizeof(causes) / sizeof(causes[0]);
}

const char *
cause_id(size_t i)
{
	return i < cause_count() ? causes[i].id : NULL;
}

const char *
cause_text(size_t i)
{
	return i < cause_count() ? causes[i].text : NULL;
}

/* Can an input where no update was attempted name this cause?  Only what
   says why nothing ran (a refusal, a policy, advice) or that the device
   crashed with no update under way: every other cause is an update's. */
int
cause_fits_not_attempted(const char *id)
{
	enum cause_class c = cause_class(id);

	return c == CAUSE_REFUSAL || c == CAUSE_POLICY || c == CAUSE_ADVISORY ||
	    (id != NULL && strcmp(id, "crash-no-update") == 0);
}

const char *
cause_describe(const char *id)
{
	size_t i;

	if (id != NULL && strcmp(id, "unknown") == 0)
		return "an OTA failure is evident but no rule explains it";
	for (i = 0; i < cause_count(); i++)
		if (strcmp(causes[i].id, id) == 0)
			return causes[i].text;
	return NULL;
}

static const char *const class_names[CAUSE_CLASS_MAX] = {
	[CAUSE_NONE] = "none",
	[CAUSE_NETWORK] = "network",
	[CAUSE_IMAGE] = "image",
	[CAUSE_MEMORY] = "memory",
	[CAUSE_CRASH] = "crash",
	[CAUSE_HOST] = "host",
	[CAUSE_ACTIVITY] = "activity",
	[CAUSE_ROLLBACK] = "rollback",
	[CAUSE_REFUSAL] = "refusal",
	[CAUSE_POLICY] = "policy",
	[CAUSE_CLOUD] = "cloud",
	[CAUSE_ADVISORY] = "advisory",
};

enum cause_class
cause_class(const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < cause_count(); i++)
		if (strcmp(causes[i].id, id) == 0)
			return causes[i].cls;
	return CAUSE_NONE;
}

const char *
cause_class_name(enum cause_class c)
{
	return (unsigned)c < CAUSE_CLASS_MAX ? class_names[c] : "none";
}

int
cause_is_known(const char *id)
{
	size_t i;

	for (i = 0; i < cause_count(); i++)
		if (strcmp(causes[i].id, id) == 0)
			return 1;
	return 0;
}

static const char *const stage_names[STAGE_MAX] = {
	[STAGE_NONE] = "none",
	[STAGE_CHECK] = "check",
	[STAGE_DOWNLOAD_START] = "download-start",
	[STAGE_PROGRESS] = "progress",
	[STAGE_DOWNLOAD_END] = "download-end",
	[STAGE_VERIFY] = "verify",
	[STAGE_SWITCH] = "switch",
	[STAGE_SUCCESS] = "success",
	[STAGE_RESTART] = "restart",
	[STAGE_RESET] = "reset",
	[STAGE_BOOT] = "boot",
	[STAGE_APP_INFO] = "app-info",
	[STAGE_PENDING_VERIFY] = "pending-verify",
	[STAGE_VALID] = "valid",
	[STAGE_ROLLBACK] = "rollback",
	[STAGE_REPORT] = "report",
	[STAGE_ACTIVITY] = "activity",
	[STAGE_NO_UPDATE] = "no-update",
	[STAGE_FAILED] = "failed",
	[STAGE_CRASH] = "crash",
	[STAGE_UPDATE_HINT] = "update-hint",
};

const char *
stage_name(enum stage s)
{
	return (unsigned)s < STAGE_MAX ? stage_names[s] : "none";
}

int
stage_from_name(const char *name)
{
	int i;

	for (i = 1; i < STAGE_MAX; i++)
		if (strcmp(stage_names[i], name) == 0)
			return i;
	return -1;
}

static const char *const phase_names[PHASE_MAX] = {
	[PHASE_IDLE] = "idle",
	[PHASE_CHECKING] = "checking",
	[PHASE_DOWNLOADING] = "downloading",
	[PHASE_VERIFYING] = "verifying",
	[PHASE_REBOOTING] = "rebooting",
	[PHASE_BOOTING_NEW] = "booting-new",
	[PHASE_VALIDATED] = "validated",
	[PHASE_ROLLED_BACK] = "rolled-back",
};

const char *
phase_name(enum phase p)
{
	return (unsigned)p < PHASE_MAX ? phase_names[p] : "idle";
}

int
phase_from_name(const char *name)
{
	int i;

	for (i = 0; i < PHASE_MAX; i++)
		if (strcmp(phase_names[i], name) == 0)
			return i;
	return -1;
}

int
rule_matches_lines(const struct rule *r)
{
	return r->form == RULE_FORM_PATTERN || r->form == RULE_FORM_MARKER;
}

const char *
rule_severity_name(enum rule_severity s)
{
	switch (s) {
	case RULE_INFO:
		return "info";
	case RULE_WARNING:
		return "warning";
	case RULE_ERROR:
		return "error";
	}
	return "info";
}

int
rule_severity_from_name(const char *name)
{
	if (strcmp(name, "info") == 0 || strcmp(name, "note") == 0)
		return RULE_INFO;
	if (strcmp(name, "warning") == 0)
		return RULE_WARNING;
	if (strcmp(name, "error") == 0)
		return RULE_ERROR;
	return -1;
}
