/*
 * dotenv.h - loading `.env` files the way Prisma does (dotenv 16 + Prisma's
 * own copy of dotenv-expand): KEY=value lines, optional `export `, # comments,
 * single quotes, double quotes (\n escapes, may span lines), backquotes,
 * inline comments after unquoted values, and ${VAR} expansion.
 * Variables already set in the environment are never overridden.
 *
 * Grammar (dotenv 16.4.7's regular expression, followed exactly):
 * - "\r\n" and "\r" count as "\n"; a line that is not KEY=value is skipped.
 * - KEY is [A-Za-z0-9_.-]+, after optional "export "; "KEY: value" also works.
 * - Unquoted values end at the first '#' (with or without a space before it:
 *   `a#b` is "a") and are trimmed.
 * - '...', "..." and `...` keep everything inside, '#' and newlines included;
 *   only inside "..." do the two characters \n and \r become a newline and a
 *   carriage return. Nothing else is unescaped (\" stays \").
 * - A later assignment of the same KEY replaces the earlier one.
 *
 * Expansion (Prisma's packages/internals/src/dotenvExpand.ts, which Prisma
 * uses instead of the dotenv-expand package, so that `$` in passwords is safe):
 * - Only ${NAME} (NAME of [A-Za-z0-9_]) is expanded, in every value whatever
 *   its quotes; $NAME without braces stays as written. \${NAME} gives the
 *   literal ${NAME}.
 * - Precedence: the environment wins. ${NAME} is the environment's NAME when
 *   it is set (before this file is loaded), else the file's NAME from any
 *   line (earlier or later), else "". A value brought in is itself expanded.
 *   This is dotenv-expand's rule ("process.env value wins over .env file's
 *   value") and what Prisma does, since dotenv has already put the file's new
 *   keys in process.env when the expansion runs.
 * - Likewise the value reported for a KEY that is already in the environment
 *   is the environment's (expanded), as in Prisma's result; dotenv_load then
 *   leaves such a variable alone.
 * Deliberate differences, for input where Prisma misbehaves: a cycle
 * (A=${A}) expands to "" where Prisma overflows its stack; each reference is
 * replaced where it stands and by its value verbatim (Prisma's
 * String.replace replaces the first equal text, which differs when \${X} and
 * ${X} share a value, and turns "$$" in a substituted value into "$");
 * chains deeper than 64 and values growing past 64 KiB through references
 * stop expanding.
 */
#ifndef PGMIG_UTIL_DOTENV_H
#define PGMIG_UTIL_DOTENV_H

#include "util/err.h"

#include <stddef.h>

typedef void (*dotenv_cb)(const char *key, const char *value, void *ud);

/*
 * Parse text and call cb for every assignment, in order (values expanded
 * against the environment and the other assignments of the same text, as
 * described above). A KEY assigned twice is reported once, at its first
 * place, with its last value. All values are expanded before cb is first
 * called, so cb may call setenv. Malformed lines are skipped, as dotenv
 * does. Returns the count of pairs (distinct keys).
 */
int dotenv_parse(const char *text, size_t len, dotenv_cb cb, void *ud);

/* Load a file into the environment (setenv without overwrite). Returns the
 * number of variables the file defines. A missing file is not an error
 * (returns 0); an unreadable one is (-1, e filled, PM_EXIT_ENV). */
int dotenv_load(const char *path, struct pm_err *e);

#endif
