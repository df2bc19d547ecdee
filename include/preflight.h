/* SPDX-License-Identifier: Apache-2.0 */
/*
 * preflight: the checks `otadiag image` runs on a firmware file before it
 * ships, each raised as a finding of a rule in rules/preflight.json (by
 * id, with captures for its message), so that they carry a cause id of the
 * cause table and go through every report format and the gate like the
 * findings of a log.  Prefix: preflight_.
 *
 * The checks, in order (man/otadiag-image.1):
 *   what the file is       not an app image: HTML, JSON, ZIP, gzip, ELF, a
 *                          merged flash image, a partition table, ...
 *   header and segments    truncated, too many segments, lengths past the
 *                          end, checksum, appended SHA-256, chip id and
 *                          revision range, chip against --chip/sdkconfig
 *   fit                    the OTA slots of the partition table (or of the
 *                          sdkconfig's built-in table choice)
 *   the running image      same version, another project, a lower
 *                          secure_version or version
 *   the sdkconfig          plain HTTP allowed, unsigned image where signed
 *                          apps are required, anti-rollback without rollback
 *
 * Library code: nothing here prints or exits.
 */
#ifndef OTADIAG_PREFLIGHT_H
#define OTADIAG_PREFLIGHT_H

#include <stddef.h>

#include "analysis.h"
#include "image.h"
#include "partitions.h"
#include "sdkconfig.h"

struct preflight {
	const unsigned char *buf;	/* the file's bytes */
	size_t		 n;
	const struct image *img;	/* image_parse() of buf */
	const struct partitions *parts;	/* --partitions, or NULL */
	const char	*slot;		/* --slot, or NULL */
	const struct image_app_desc *running;	/* --running, or NULL */
	const char	*running_version;	/* --running-version, or NULL */
	const char	*running_project;	/* --running-project, or NULL */
	const char	*chip;		/* --chip, or NULL */
	const struct sdkconfig *sdk;	/* --sdkconfig, or NULL */
};

/* Raises the findings of every check on a (see analysis_raise()). */
void	 preflight_run(struct analysis *a, const struct preflight *pf);
/* The format name of the result: "esp-app-image", "elf", ... (static). */
const char *preflight_format(const struct image *img);
/*
 * What esptool's image_info shows, as indented lines for the text report,
 * and as a JSON object's text for the json report.  Owned; sanitised.
 */
char	*preflight_info_text(const struct image *img);
char	*preflight_info_json(const struct image *img);

#endif
