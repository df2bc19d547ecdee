/* causes: the cause vocabulary of CAUSES.md, and stage/phase names. */
#include <string.h>

#include "ruleset.h"

static const struct {
	const char *id;
	const char *text;
} causes[] = {
	{"alloc-failed", "heap exhausted during the update"},
	{"sys-evt-stack-overflow", "the system event task overflowed its stack"},
	{"stack-overflow", "a task overflowed its stack during or right after the update"},
	{"server-unreachable", "the device could not connect to the firmware server"},
	{"tls-failed", "TLS handshake or certificate verification failed"},
	{"http-error", "the server answered with an HTTP error status or a non-firmware body"},
	{"download-interrupted", "the download started but stopped or timed out midway"},
	{"same-version", "the offered firmware has the version already running"},
	{"project-name-mismatch", "the new image belongs to a different project"},
	{"downgrade-rejected", "anti-rollback / secure version check refused an older image"},
	{"not-enough-space", "the image does not fit the OTA slot"},
	{"no-ota-partition", "the partition table has no second app slot or no otadata"},
	{"invalid-image", "the downloaded bytes are not a valid image for this chip"},
	{"signature-invalid", "the image's signature does not verify"},
	{"md5-mismatch", "the written image fails its MD5 check"},
	{"auth-failed", "the uploader or device rejected the OTA password or credentials"},
	{"upload-tool-error", "the host-side uploader lost the device"},
	{"concurrent-activity", "other work disrupted the update"},
	{"rollback", "the new image booted but was rolled back"},
	{"crash-after-update", "the new image panics or resets repeatedly after boot"},
	{"brownout", "supply voltage dropped during the update or early boot"},
	{"watchdog", "a task or interrupt watchdog fired during the update"},
	{"buffer-too-small", "download buffer too small: slow, jitter-prone download"},
	{"job-timeout", "the cloud job's time-out elapsed before the device finished"},
	{"version-not-reported", "the device never reported its new version"},
	{"bad-segment-range", "overlapping or invalid ranges in a segmented download"},
	{"device-not-targeted", "the job targeted devices that do not exist or do not match"},
	{"ota-rejected", "the device's application declined the update by policy"},
	{"ota-delayed", "the device postponed the update"},
	{"bad-server-response", "the server's response is unusable (no length, bad JSON)"},
	{"excessive-polling", "the device checks for updates far too often"},
	{"ota-too-early", "the update starts within ~30 s of power-up"},
	{"insecure-transport", "a transport risk: plain HTTP, no pinning, no OTA password"},
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
