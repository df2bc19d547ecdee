/* SPDX-License-Identifier: Apache-2.0 */
/*
 * image: check a firmware file before it ships (see man/otadiag-image.1).
 *
 *   otadiag image [options] FIRMWARE.bin...
 *   otadiag image [options] BUILD_DIR
 *
 * Each file is parsed (image.c), checked (preflight.c: the findings of
 * rules/preflight.json) and reported through the one pipeline, like a log.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cryptoapi.h"
#include "analysis.h"
#include "cmd.h"
#include "diag.h"
#include "image.h"
#include "partitions.h"
#include "pipeline.h"
#include "preflight.h"
#include "sdkconfig.h"
#include "xalloc.h"

struct image_args {
	const char	*partitions;
	const char	*slot;
	const char	*running;
	const char	*running_version;
	const char	*running_project;
	const char	*chip;
};

static int	opt_chip(const struct cli_use *, const char *);

#define OPT(f)	offsetof(struct image_args, f)

static const struct cli_option image_options[] = {
	{"partitions", 0, "file", OPT(partitions), cli_set_string, 0, 0,
	    "partition table, CSV or binary: check the OTA slots"},
	{"slot", 0, "name", OPT(slot), cli_set_string, 0, 0,
	    "the app partition the image goes to (default: every OTA slot)"},
	{"running", 0, "file", OPT(running), cli_set_string, 0, 0,
	    "the image the devices run now: version, project, secure version"},
	{"running-version", 0, "version", OPT(running_version),
	    cli_set_string, 0, 0, "the version the devices run now"},
	{"running-project", 0, "name", OPT(running_project), cli_set_string,
	    0, 0, "the project name the devices run now"},
	{"chip", 0, "chip", OPT(chip), opt_chip, 0, 0,
	    "the devices' chip (esp32, esp32s3, esp32c3, ...)"},
	{NULL, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const struct cli_spec image_spec = {
	.name = "image",
	.usage =
    "usage: otadiag image [-qv] [--partitions file] [--slot name]\n"
    "                     [--running file] [--running-version version]\n"
    "                     [--running-project name] [--chip chip]\n"
    "                     [--sdkconfig file] [--rules path]\n"
    "                     [--format fmt [--output file]]... [--color when]\n"
    "                     [--fail-on level] [--ignore rule|cause]\n"
    "                     firmware.bin... | build_dir | -\n",
	.about =
    "Checks a firmware file before it ships: that it is an app image (not\n"
    "an HTML page, an ELF or a merged flash image), its header, segments,\n"
    "checksum and hash, that it fits the OTA slots, and that devices running\n"
    "the given image would install it.  An ESP-IDF build directory names\n"
    "the app, the partition table and the sdkconfig itself; - reads\n"
    "standard input (curl -s URL | otadiag image -: what the server serves).\n",
	.options = image_options,
	.exits =
    "Exit status:\n"
    "  0  nothing at or above --fail-on\n"
    "  1  a finding at or above --fail-on (the update would fail)\n"
    "  2  usage error, or a rule set that does not load\n"
    "  3  a file cannot be read (image, partition table, sdkconfig,\n"
    "     running image, build directory), or a report failed",
	.page = "otadiag-image(1)",
};

static int
opt_chip(const struct cli_use *u, const char *val)
{
	if (image_chip_from_name(val) < 0 && strcmp(val, "esp8266") != 0) {
		cli_usage_error(u->cmd, "unknown chip '%s' (esp32, esp32s2, "
		    "esp32s3, esp32c2, esp32c3, esp32c5, esp32c6, esp32c61, "
		    "esp32h2, esp32p4, esp8266)", val);
		return -1;
	}
	*CLI_FIELD(u, const char *) = val;
	return 0;
}

/* What an ESP-IDF build directory names (project_description.json). */
struct build_dir {
	char	*app;
	char	*table;
	char	*sdkconfig;
	char	*target;
};

static void
build_dir_free(struct build_dir *b)
{
	free(b->app);
	free(b->table);
	free(b->sdkconfig);
	free(b->target);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *
joined(const char *dir, const char *file)
{
	return file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
}

static int
read_build_dir(const char *dir, struct build_dir *b)
{
	json_t *pd, *fa;
	json_error_t je;
	char *p = xasprintf("%s/project_description.json", dir);
	const char *s;

	memset(b, 0, sizeof(*b));
	pd = json_load_file(p, 0, &je);
	free(p);
	p = xasprintf("%s/flasher_args.json", dir);
	fa = json_load_file(p, 0, &je);
	free(p);
	if (pd == NULL && fa == NULL) {
		diag_input_error(dir, "not an ESP-IDF build directory (no "
		    "readable project_description.json or flasher_args.json)");
		return -1;
	}
	if ((s = json_string_value(json_object_get(pd, "app_bin"))) != NULL)
		b->app = joined(dir, s);
	else if ((s = json_string_value(json_object_get(json_object_get(fa,
	    "app"), "file"))) != NULL)
		b->app = joined(dir, s);
	if ((s = json_string_value(json_object_get(json_object_get(fa,
	    "partition-table"), "file"))) != NULL)
		b->table = joined(dir, s);
	else if (exists(p = xasprintf("%s/partition_table/partition-table.bin",
	    dir)))
		b->table = p;
	else
		free(p);
	if ((s = json_string_value(json_object_get(pd, "config_file"))) !=
	    NULL && exists(s))
		b->sdkconfig = xstrdup(s);
	else if (exists(p = xasprintf("%s/../sdkconfig", dir)))
		b->sdkconfig = p;
	else
		free(p);
	if ((s = json_string_value(json_object_get(pd, "target"))) != NULL)
		b->target = xstrdup(s);
	json_decref(pd);
	json_decref(fa);
	if (b->app == NULL) {
		diag_input_error(dir, "the build directory names no app binary "
		    "(app_bin in project_description.json)");
		return -1;
	}
	return 0;
}

static struct input_result *
check_one(struct pipeline *p, const char *path, struct preflight *pf)
{
	struct analysis *a = analysis_new(p->rs, p->m, path, &p->aopts);
	struct input_result *r;
	struct diag_err err;
	unsigned char *buf = NULL;
	size_t n = 0;
	struct image img;

	if (image_read_file(path, &buf, &n, &err) != 0) {
		analysis_set_image(a, "unreadable");
		analysis_set_error(a, err.text);
		diag_print(stderr, &err);
	} else {
		image_parse(buf, n, &img);
		pf->buf = buf;
		pf->n = n;
		pf->img = &img;
		preflight_run(a, pf);
	}
	analysis_finish(a);
	r = analysis_take_result(a);
	analysis_free(a);
	if (buf != NULL) {
		r->info_text = preflight_info_text(&img);
		r->info_json = preflight_info_json(&img);
	}
	free(buf);
	return r;
}

/* --running: the app description of the image the devices run. */
static int
load_running(const char *path, struct image_app_desc *out)
{
	struct diag_err err;
	unsigned char *buf;
	size_t n;
	struct image img;

	if (image_read_file(path, &buf, &n, &err) != 0) {
		diag_print(stderr, &err);
		return -1;
	}
	image_parse(buf, n, &img);
	free(buf);
	if (img.kind != IMAGE_APP) {
		diag_input_error(path, "--running: not an app image (%s), so "
		    "it has no version to compare", image_kind_name(img.kind));
		return -1;
	}
	*out = img.desc;
	return 0;
}

int
cmd_image(const struct cmd *cmd, int argc, char **argv)
{
	struct cli_common c;
	struct image_args o;
	struct pipeline p;
	struct preflight pf;
	struct partitions *parts = NULL;
	const struct partitions_entry *e;
	struct image_app_desc running;
	struct build_dir bd;
	struct diag_err err;
	struct input_result **res = NULL;
	struct stat st;
	char **files = argv;
	char *one[1];
	int nops, i, rc = EXIT_INPUT;

	memset(&o, 0, sizeof(o));
	memset(&p, 0, sizeof(p));
	memset(&bd, 0, sizeof(bd));
	cli_common_init(&c);
	if ((nops = cli_parse(&image_spec, cmd->flags, &o, &c, argc, argv)) < 0)
		return nops == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	if (nops == 0) {
		cli_usage_error("image", "no firmware file or build directory "
		    "given");
		return EXIT_USAGE;
	}
	if (o.running != NULL && (o.running_version != NULL ||
	    o.running_project != NULL)) {
		cli_usage_error("image", "--running reads the version and project "
		    "from the image: give it or --running-version/-project");
		return EXIT_USAGE;
	}
	/* the image's SHA-256 and the table's MD5 (image.h) */
	if (cryptoapi_get(&err) == NULL) {
		diag_print(stderr, &err);
		return EXIT_INPUT;
	}
	if (stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode)) {
		if (nops > 1) {
			cli_usage_error("image", "a build directory is checked "
			    "alone ('%s' given too)", argv[1]);
			return EXIT_USAGE;
		}
		if (read_build_dir(argv[0], &bd) != 0)
			return EXIT_INPUT;
		one[0] = bd.app;
		files = one;
		if (o.partitions == NULL)
			o.partitions = bd.table;
		if (c.sdkconfig == NULL)
			c.sdkconfig = bd.sdkconfig;
		if (o.chip == NULL && bd.target != NULL &&
		    image_chip_from_name(bd.target) >= 0)
			o.chip = bd.target;
	}
	memset(&pf, 0, sizeof(pf));
	if (o.partitions != NULL) {
		parts = xmalloc(sizeof(*parts));
		if (partitions_load(o.partitions, parts, &err) != 0) {
			diag_print(stderr, &err);
			goto out;
		}
		if (o.slot != NULL && ((e = partitions_find(parts, o.slot)) ==
		    NULL || e->type != PARTITIONS_APP)) {
			diag_input_error(o.partitions, "no app partition named "
			    "'%s' (--slot)", o.slot);
			goto out;
		}
		pf.parts = parts;
	} else if (o.slot != NULL) {
		cli_usage_error("image", "--slot names a partition of "
		    "--partitions FILE");
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.running != NULL) {
		if (load_running(o.running, &running) != 0)
			goto out;
		pf.running = &running;
	}
	pf.slot = o.slot;
	pf.running_version = o.running_version;
	pf.running_project = o.running_project;
	pf.chip = o.chip;
	/* the sdkconfig is read by the pipeline (--sdkconfig is shared) */
	if ((rc = pipeline_start(&p, "image", cmd->flags, &c)) != 0)
		goto out;
	pf.sdk = p.sdk;
	res = xcalloc((size_t)nops, sizeof(*res));
	for (i = 0; i < nops; i++)
		res[i] = check_one(&p, files[i], &pf);
	pipeline_report(&p, res, (size_t)nops);
	rc = pipeline_finish(&p);
out:
	if (res != NULL)
		for (i = 0; i < nops; i++)
			result_free(res[i]);
	free(res);
	free(parts);
	build_dir_free(&bd);
	pipeline_free(&p);
	return rc;
}
