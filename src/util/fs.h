/*
 * fs.h - reading files and directories, with errors that name the path.
 */
#ifndef PGMIG_UTIL_FS_H
#define PGMIG_UTIL_FS_H

#include "util/buf.h"
#include "util/err.h"

/*
 * Read the whole file into `out` (appending). Returns 0, or -1 with
 * e filled (exit code PM_EXIT_ENV) naming the path and the OS reason.
 */
int fs_read_file(const char *path, struct buf *out, struct pm_err *e);
/* Read all of an open descriptor (e.g. stdin). */
int fs_read_fd(int fd, const char *what, struct buf *out, struct pm_err *e);
int fs_is_dir(const char *path);
int fs_exists(const char *path);
/* Join two path parts with exactly one '/'. Caller frees. */
char *fs_join(const char *a, const char *b);
/* Directory part of path ("." when there is none). Caller frees. */
char *fs_dirname(const char *path);
/* mkdir -p; returns 0 or -1 with e filled. */
int fs_mkdirs(const char *path, int mode, struct pm_err *e);
/* Write a whole file atomically (temp file + rename). */
int fs_write_file(const char *path, const void *data, size_t len, struct pm_err *e);

/* Names of the entries of a directory, sorted bytewise; "." and ".." skipped. */
struct fs_entry {
    char *name;
    int is_dir; /* a real directory (symlinks are not followed) */
    int is_symlink;
};
struct fs_list {
    struct fs_entry *v;
    size_t n, cap;
};
int fs_list_dir(const char *path, struct fs_list *out, struct pm_err *e);
void fs_list_release(struct fs_list *l);

#endif
