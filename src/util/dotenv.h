/*
 * dotenv.h - loading `.env` files the way Prisma does (dotenv + dotenv-expand):
 * KEY=value lines, optional `export `, # comments, single quotes (literal),
 * double quotes (\n escapes, may span lines), backquotes, inline comments after
 * unquoted values, and ${VAR} / $VAR expansion in unquoted and double-quoted
 * values. Variables already set in the environment are never overridden.
 */
#ifndef PGMIG_UTIL_DOTENV_H
#define PGMIG_UTIL_DOTENV_H

#include "util/err.h"

#include <stddef.h>

typedef void (*dotenv_cb)(const char *key, const char *value, void *ud);

/*
 * Parse text and call cb for every assignment, in order (values expanded
 * against the environment and earlier assignments of the same text).
 * Malformed lines are skipped, as dotenv does. Returns the count of pairs.
 */
int dotenv_parse(const char *text, size_t len, dotenv_cb cb, void *ud);

/* Load a file into the environment (setenv without overwrite). A missing
 * file is not an error (returns 0); an unreadable one is (-1, e filled). */
int dotenv_load(const char *path, struct pm_err *e);

#endif
