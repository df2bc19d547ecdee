/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frames_out: a finding's decoded crash stack (--elf, frames.h) in the
 * reports: a few lines of text, a JSON array, SARIF stacks.  One function
 * per format, called from its writer.  Internal to src/report/.
 * Prefix: frames_out_.
 */
#ifndef OTADIAG_FRAMES_OUT_H
#define OTADIAG_FRAMES_OUT_H

#include <stdio.h>

#include <jansson.h>

#include "report.h"
#include "result.h"

#define FRAMES_OUT_TEXT_MAX 12	/* frames shown in the text report */

/* "      stack, line N:" and the frames, if the finding has any. */
void	 frames_out_text(FILE *fp, const struct finding *f, int color);
/* [{pc, function, file, line, inlined, probable, what}], or NULL if none. */
json_t	*frames_out_json(const struct finding *f);
/*
 * SARIF 2.1.0 "stacks" (one stack of frames), or NULL if none.  artifact()
 * makes a file's artifactLocation (the SARIF writer's own, so URIs read
 * the same everywhere).  *top is set to the first frame with a line in a
 * file under cwd, the user's own sources, or NULL (borrowed).
 */
json_t	*frames_out_sarif(const struct finding *f, const char *cwd,
	    json_t *(*artifact)(const char *path, const char *cwd),
	    const struct frame **top);

#endif
