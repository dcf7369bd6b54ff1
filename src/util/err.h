/*
 * err.h - the one error record. The engine and adapters fill a struct pm_err
 * and return -1; only the command layer prints it and chooses the exit code.
 * Nothing below src/cmd calls exit() (except the out-of-memory path).
 *
 * Message style follows PostgreSQL's guide: a short factual primary message,
 * optional detail and hint, and here also the exact next command(s).
 */
#ifndef PGMIG_UTIL_ERR_H
#define PGMIG_UTIL_ERR_H

#include <stddef.h>

/* Exit codes, identical for every command. */
enum {
    PM_EXIT_OK = 0,    /* success, or the state is clean */
    PM_EXIT_FAIL = 1,  /* the operation failed or the state needs action */
    PM_EXIT_USAGE = 2, /* bad command line */
    PM_EXIT_ENV = 3,   /* cannot connect, file or directory missing/unreadable, permission */
};

struct pm_err {
    int exit_code;    /* PM_EXIT_*; 0 while no error is recorded */
    const char *code; /* Prisma-compatible code ("P3009") or NULL; static string */
    char sqlstate[6]; /* "" when the failure did not come from the server */
    char *primary;
    char *detail;
    char *hint;
    char *context;   /* server CONTEXT (e.g. PL/pgSQL line), when present */
    char *note;      /* what state the failure left behind */
    char *next;      /* exact next command(s), one per line */
    char *migration; /* the migration it is about, when there is one */
    int statement;   /* 1-based statement number in that migration; 0 when none */

    /* Location in a source file, when the error points into one. */
    char *file;
    int line;         /* 1-based; 0 when unknown */
    int col;          /* 1-based, in characters */
    char *src_line;   /* the text of `line`, without its newline */
    char *src_before; /* up to two preceding lines, '\n'-separated, or NULL */
    char *src_after;  /* up to two following lines, or NULL */
};

#define PM_ERR_INIT                                                                                \
    {                                                                                              \
        0                                                                                          \
    }

/* Record an error (replacing the primary message); always returns -1. */
int pm_err_set(struct pm_err *e, int exit_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pm_err_detail(struct pm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pm_err_hint(struct pm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pm_err_note(struct pm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append one line to the list of next commands. */
void pm_err_next(struct pm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the primary message with "<fmt>: ". */
void pm_err_prefix(struct pm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Point the error at byte `offset` of `text` (the whole file, `len` bytes),
 * filling file, line, col (UTF-8 characters) and the surrounding lines.
 */
void pm_err_locate(struct pm_err *e, const char *file, const char *text, size_t len, size_t offset);

void pm_err_release(struct pm_err *e);
/* Move the contents of src into dst (dst released first); src is left empty. */
void pm_err_move(struct pm_err *dst, struct pm_err *src);

#endif
