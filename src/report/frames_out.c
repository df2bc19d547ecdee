/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frames_out: a finding's decoded stack in the text, JSON and SARIF
 * reports (see frames_out.h).
 */
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "frames_out.h"
#include "report_util.h"
#include "xalloc.h"

void
frames_out_text(FILE *fp, const struct finding *f, int color)
{
	size_t i;

	if (f->nframes == 0)
		return;
	fprintf(fp, "      %sstack%s (line %lu, decoded %s):\n",
	    color ? "\033[1m" : "", color ? "\033[0m" : "", f->frames_line,
	    strcmp(f->frames[0].what, "decoded") == 0 ? "in the log" :
	    "with --elf");
	for (i = 0; i < f->nframes && i < FRAMES_OUT_TEXT_MAX; i++) {
		char *d = frames_describe(&f->frames[i]);

		fprintf(fp, "        #%zu %s\n", i, d);
		free(d);
	}
	if (f->nframes > FRAMES_OUT_TEXT_MAX)
		fprintf(fp, "        ... %zu more frames (--format json)\n",
		    f->nframes - FRAMES_OUT_TEXT_MAX);
}

static json_t *
str_or_null(const char *s)
{
	json_t *j;

	if (s == NULL || (j = report_util_json_str(s)) == NULL)
		return json_null();
	return j;
}

json_t *
frames_out_json(const struct finding *f)
{
	json_t *a;
	size_t i;
	char hex[24];

	if (f->nframes == 0)
		return NULL;
	a = json_array();
	for (i = 0; i < f->nframes; i++) {
		const struct frame *fr = &f->frames[i];
		json_t *o = json_object();

		snprintf(hex, sizeof(hex), "0x%08llx", fr->pc);
		json_object_set_new(o, "pc", json_string(hex));
		json_object_set_new(o, "function", str_or_null(fr->function));
		json_object_set_new(o, "file", str_or_null(fr->file));
		json_object_set_new(o, "line", fr->file != NULL ?
		    json_integer(fr->line) : json_null());
		json_object_set_new(o, "inlined", json_boolean(fr->inlined));
		json_object_set_new(o, "probable", json_boolean(fr->probable));
		json_object_set_new(o, "what", json_string(fr->what));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *
frames_out_sarif(const struct finding *f, const char *cwd,
    json_t *(*artifact)(const char *path, const char *cwd),
    const struct frame **top)
{
	json_t *stack, *frames;
	size_t i;

	*top = NULL;
	if (f->nframes == 0)
		return NULL;
	for (i = 0; i < f->nframes && *top == NULL; i++)
		if (f->frames[i].file != NULL && f->frames[i].line > 0 &&
		    f->frames[i].file[0] == '/' && cwd != NULL &&
		    report_util_under_cwd(f->frames[i].file, cwd) != NULL)
			*top = &f->frames[i];
	frames = json_array();
	for (i = 0; i < f->nframes; i++) {
		const struct frame *fr = &f->frames[i];
		json_t *fo = json_object(), *loc = json_object();
		json_t *phys = json_object();

		json_object_set_new(phys, "address", json_pack("{s:I}",
		    "absoluteAddress", (json_int_t)fr->pc));
		if (fr->file != NULL) {
			json_object_set_new(phys, "artifactLocation",
			    artifact(fr->file, cwd));
			if (fr->line > 0)
				json_object_set_new(phys, "region", json_pack(
				    "{s:I}", "startLine", (json_int_t)fr->line));
		}
		json_object_set_new(loc, "physicalLocation", phys);
		if (fr->function != NULL)
			json_object_set_new(loc, "logicalLocations", json_pack(
			    "[{s:o,s:s}]", "name", str_or_null(fr->function),
			    "kind", "function"));
		json_object_set_new(fo, "location", loc);
		json_object_set_new(fo, "properties", json_pack("{s:b,s:b,s:s}",
		    "inlined", fr->inlined != 0, "probable", fr->probable != 0,
		    "what", fr->what));
		json_array_append_new(frames, fo);
	}
	stack = json_object();
	json_object_set_new(stack, "message", json_pack("{s:s}", "text",
	    "the crash's decoded stack"));
	json_object_set_new(stack, "frames", frames);
	return json_pack("[o]", stack);
}
