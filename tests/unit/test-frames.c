/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frames: the "frames" condition of crash rules (top, depth, any, none,
 * of) on synthetic stacks, and the loader's checks of the field.
 * Decoding itself is tested on real ELFs in test-decode.c.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "frames.h"
#include "ruleset.h"

#define F(fn)	{0x40000000, (char *)(fn), NULL, 0, 0, 0, "PC"}
#define P(fn)	{0x40000000, (char *)(fn), NULL, 0, 0, 1, "stack"}

static const struct frame abort_new[] = {
	F("panic_abort"), F("esp_system_abort"), F("abort"),
	F("__cxa_throw"), F("operator new"), F("HTTPClient::getStream"),
	F("loop"),
};

static const char *new_globs[] = {"operator new*", "malloc"};
static const char *flash_globs[] = {"spi_flash_*", "esp_flash_*"};
static const char *loop_glob[] = {"loop"};

Test(frames, top_within_depth)
{
	struct rule_frames c = {.top = new_globs, .ntop = 2, .depth = 4};
	const struct frame *m;

	cr_expect(!frames_match(&c, abort_new, 7, &m), "operator new is #4");
	c.depth = 5;
	cr_assert(frames_match(&c, abort_new, 7, &m));
	cr_expect_str_eq(m->function, "operator new");
}

Test(frames, any_and_none)
{
	struct rule_frames c = {.any = loop_glob, .nany = 1, .depth = 4};
	const struct frame *m;

	cr_assert(frames_match(&c, abort_new, 7, &m));
	cr_expect_str_eq(m->function, "loop");
	c.none = new_globs;
	c.nnone = 2;
	cr_expect(!frames_match(&c, abort_new, 7, &m), "none vetoes");
	c.none = NULL;
	c.nnone = 0;
	c.any = flash_globs;
	c.nany = 2;
	cr_expect(!frames_match(&c, abort_new, 7, &m));
}

Test(frames, probable_words_do_not_count)
{
	static const struct frame st[] = {
		F("onPulse"), P("spi_flash_write"), F("app_main"),
	};
	struct rule_frames c = {.any = flash_globs, .nany = 2, .depth = 4};
	const struct frame *m;

	cr_expect(!frames_match(&c, st, 3, &m));
}

Test(frames, unnamed_stack_matches_nothing)
{
	static const struct frame st[] = {F(NULL), F(NULL)};
	static const char *all[] = {"*"};
	struct rule_frames c = {.any = all, .nany = 1, .depth = 4};
	const struct frame *m;

	cr_expect(!frames_match(&c, st, 2, &m));
	cr_expect(!frames_match(&c, st, 0, &m));
}

static void
load_fails(const char *frames, const char *text)
{
	char json[2048];
	struct ruleset *rs = ruleset_new();
	struct diag_err err;

	snprintf(json, sizeof(json), "{\"rules\": [{\"id\": \"x-frames\", "
	    "\"cause\": \"crash-during-update\", \"severity\": \"error\", "
	    "\"title\": \"t\", \"message\": \"m\", \"remedy\": \"r\", %s}]}",
	    frames);
	cr_expect_neq(ruleset_load_string(rs, "t.json", json, strlen(json),
	    &err), 0, "%s loaded", frames);
	cr_expect(strstr(err.text, text) != NULL, "%s: '%s'", frames, err.text);
	ruleset_free(rs);
}

Test(frames, loader_checks_the_field)
{
	load_fails("\"frames\": []", "'frames' must be an object");
	load_fails("\"frames\": {}", "needs one of top, any, none");
	load_fails("\"frames\": {\"any\": [\"x\"], \"depth\": 0}",
	    "frames.depth must be from 1 to 64");
	load_fails("\"frames\": {\"any\": [\"x\"], \"of\": [\"nope\"]}",
	    "unknown cause 'nope'");
	load_fails("\"frames\": {\"any\": [\"x\"], \"bogus\": 1}", "bogus");
	load_fails("\"frames\": {\"any\": [\"x\"]}, \"pattern\": \"x\"",
	    "takes no 'pattern'");
	load_fails("\"frames\": {\"any\": [1]}", "array of strings");
}

Test(frames, a_frames_rule_loads_without_examples)
{
	const char *json = "{\"rules\": [{\"id\": \"x-frames\", \"cause\": "
	    "\"alloc-failed\", \"severity\": \"error\", \"title\": \"t\", "
	    "\"message\": \"m\", \"remedy\": \"r\", \"frames\": {\"top\": "
	    "[\"malloc\"], \"depth\": 6, \"of\": [\"crash-during-update\"]}}]}";
	struct ruleset *rs = ruleset_new();
	struct diag_err err;
	const struct rule *r;

	cr_assert_eq(ruleset_load_string(rs, "t.json", json, strlen(json),
	    &err), 0, "%s", err.text);
	r = ruleset_find(rs, "x-frames");
	cr_assert_not_null(r);
	cr_expect_eq(r->form, RULE_FORM_FRAMES);
	cr_expect(!rule_matches_lines(r));
	cr_expect_eq(r->frames.depth, 6);
	cr_expect_eq(r->frames.ntop, 1);
	cr_expect_str_eq(r->frames.of[0], "crash-during-update");
	ruleset_free(rs);
}

Test(frames, not_top_vetoes_the_first_named_frame)
{
	static const struct frame wdt[] = {
		F(NULL), F("spi_flash_hal_erase_block"), F("esp_ota_begin"),
	};
	static const struct frame isr[] = {
		F("onPulse"), F("spi_flash_hal_erase_block"), F("esp_ota_begin"),
	};
	struct rule_frames c = {.any = flash_globs, .nany = 2,
	    .not_top = flash_globs, .nnot_top = 2, .depth = 4};
	const struct frame *m;

	cr_expect(!frames_match(&c, wdt, 3, &m), "the erase itself hung");
	cr_assert(frames_match(&c, isr, 3, &m), "something ran above it");
	cr_expect_str_eq(m->function, "spi_flash_hal_erase_block");
}
