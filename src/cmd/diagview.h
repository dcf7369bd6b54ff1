/*
 * diagview.h - presenting a diagnosis (human text or JSON fields).
 */
#ifndef PGMIG_CMD_DIAGVIEW_H
#define PGMIG_CMD_DIAGVIEW_H

#include "history/history.h"
#include "history/state.h"
#include "recover/diagnose.h"
#include "util/json.h"

void diag_print_human(const struct diagnosis *d, const struct history *h,
                      const struct mig_status *ms, int verbose);
/* Adds migration, state, verdict, file_changed, history and statements to the open object. */
void diag_json(struct json *j, const struct diagnosis *d, const struct history *h,
               const struct mig_status *ms);
/* `next:` lines / a "next" array, from newline-separated commands. */
void diag_print_next(const char *lines);
void diag_json_next(struct json *j, const char *lines);

#endif
