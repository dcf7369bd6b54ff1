/*
 * report.h - rendering a struct pm_err: compiler-style on stderr for humans,
 * or as a JSON object for --json documents.
 */
#ifndef PGMIG_UTIL_REPORT_H
#define PGMIG_UTIL_REPORT_H

#include "util/err.h"
#include "util/json.h"

#include <stdio.h>

/* error[CODE]: primary / --> file:line:col / excerpt with caret / = fields / next */
void report_error_human(FILE *f, const struct pm_err *e);
/* Write the error as the value of the current JSON position (an object). */
void report_error_json(struct json *j, const struct pm_err *e);

#endif
