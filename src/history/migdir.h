/*
 * migdir.h - the local migrations directory in Prisma's layout:
 * <dir>/<name>/migration.sql for every direct subdirectory (sorted by name,
 * bytewise), and <dir>/migration_lock.toml naming the provider.
 */
#ifndef PGMIG_HISTORY_MIGDIR_H
#define PGMIG_HISTORY_MIGDIR_H

#include "util/err.h"

#include <stddef.h>

struct migration {
    char *name; /* folder name */
    char *path; /* <dir>/<name>/migration.sql */
    char *text; /* file contents, NUL-terminated (may hold NULs; see len) */
    size_t len;
    char checksum[65]; /* SHA-256 of the bytes, lowercase hex */
};

struct migdir {
    char *path;
    struct migration *v;
    size_t n, cap;
    char *provider; /* from migration_lock.toml; NULL when the file is absent */
};

/*
 * Read every migration (contents and checksum). Errors: the directory is
 * missing or unreadable (PM_EXIT_ENV), a folder without migration.sql
 * (P3015, PM_EXIT_ENV), a provider other than postgresql (P3019, PM_EXIT_FAIL).
 */
int migdir_load(struct migdir *d, const char *path, struct pm_err *e);
void migdir_release(struct migdir *d);
/* Index of the migration called name, or -1. */
long migdir_find(const struct migdir *d, const char *name);

/*
 * Does a checksum stored in the history match this file? Like Prisma: the
 * exact SHA-256, or that of the file with CRLF turned into LF or LF into CRLF;
 * a stored value whose length is not 64 is compared in the old format (each
 * byte as unpadded hex).
 */
int migration_checksum_matches(const struct migration *m, const char *stored);

#endif
