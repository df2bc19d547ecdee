/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as a firmware file, through detection,
 * the app image parser (header, segments, checksum, hash, app description),
 * every preflight check with the built-in rules (against a two-slot table
 * and a running image with the same description), and the image_info
 * text and JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "image.h"
#include "preflight.h"
#include "ruleset.h"

static struct ruleset *rs;
static struct matcher *m;
static struct partitions parts;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char csv[] = "otadata, data, ota, , 8K\n"
	    "ota_0, app, ota_0, , 64K\nota_1, app, ota_1, , 64K\n";
	struct diag_err err;
	struct analysis *a;
	struct input_result *r;
	struct image img;
	struct preflight pf;

	if (rs == NULL) {
		rs = ruleset_new();
		if (ruleset_load_builtin(rs, &err) != 0 ||
		    (m = matcher_new(rs, &err)) == NULL ||
		    partitions_parse("t.csv", (const unsigned char *)csv,
		    sizeof(csv) - 1, &parts, &err) != 0)
			abort();
	}
	image_parse(data, size, &img);
	memset(&pf, 0, sizeof(pf));
	pf.buf = data;
	pf.n = size;
	pf.img = &img;
	pf.parts = &parts;
	pf.running = &img.desc;
	pf.running_project = "x";
	pf.chip = "esp32c3";
	a = analysis_new(rs, m, "fuzz.bin", NULL);
	preflight_run(a, &pf);
	analysis_finish(a);
	r = analysis_take_result(a);
	r->info_text = preflight_info_text(&img);
	r->info_json = preflight_info_json(&img);
	result_free(r);
	analysis_free(a);
	return 0;
}
