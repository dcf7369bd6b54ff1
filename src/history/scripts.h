/*
 * scripts.h - parsing many migrations at once, on two threads when there are
 * enough of them (each file is parsed on its own, so the work splits cleanly).
 * Used by deploy (the pending migrations) and validate (the whole history).
 */
#ifndef PGMIG_HISTORY_SCRIPTS_H
#define PGMIG_HISTORY_SCRIPTS_H

#include "history/migdir.h"
#include "sql/script.h"
#include "util/err.h"

/*
 * Parse d->v[idx[k]] into scripts[k] for k < n; errs[k] gets each failure
 * (errs[k].exit_code == 0 when it parsed). keep_tree: keep the parse trees
 * (otherwise they are dropped at once, keeping the statements). Returns the
 * number of failures.
 */
size_t scripts_parse(const struct migdir *d, const size_t *idx, size_t n,
                     struct sql_script *scripts, struct pm_err *errs, int keep_tree);

#endif
