/*
 * fs.c - file and directory helpers.
 */
#include "util/fs.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read to the end; a regular file's short read is its end (no extra read(2) for EOF). */
static int read_all(int fd, const char *what, int regular, struct buf *out, struct pm_err *e)
{
    for (;;) {
        buf_grow(out, regular ? 1 : 65536);
        size_t want = out->cap - out->len - 1;
        ssize_t n = read(fd, out->data + out->len, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return pm_err_set(e, PM_EXIT_ENV, "could not read %s: %s", what, strerror(errno));
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (regular && (size_t)n < want)
            break;
    }
    return 0;
}

int fs_read_fd(int fd, const char *what, struct buf *out, struct pm_err *e)
{
    return read_all(fd, what, 0, out, e);
}

int fs_read_file(const char *path, struct buf *out, struct pm_err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pm_err_set(e, PM_EXIT_ENV, "could not open %s: %s", path, strerror(errno));
    struct stat st;
    int regular = 0;
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            close(fd);
            return pm_err_set(e, PM_EXIT_ENV, "could not read %s: it is a directory", path);
        }
        regular = S_ISREG(st.st_mode);
        if (regular)
            buf_grow(out, (size_t)st.st_size + 1); /* +1: a short read then means the end */
    }
    int rc = read_all(fd, path, regular, out, e);
    close(fd);
    return rc;
}

int fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *fs_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (*b == '/')
        b++;
    if (la == 0)
        return xstrdup(b);
    return xasprintf("%.*s/%s", (int)la, a, b);
}

char *fs_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

int fs_mkdirs(const char *path, int mode, struct pm_err *e)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
            pm_err_set(e, PM_EXIT_ENV, "could not create directory %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
        rc = pm_err_set(e, PM_EXIT_ENV, "could not create directory %s: %s", p, strerror(errno));
    free(p);
    return rc;
}

int fs_write_file(const char *path, const void *data, size_t len, struct pm_err *e)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = -1;
    if (fd < 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not create %s: %s", tmp, strerror(errno));
        goto out;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pm_err_set(e, PM_EXIT_ENV, "could not write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            goto out;
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not write %s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct fs_entry *)a)->name, ((const struct fs_entry *)b)->name);
}

int fs_list_dir(const char *path, struct fs_list *out, struct pm_err *e)
{
    DIR *d = opendir(path);
    if (!d)
        return pm_err_set(e, PM_EXIT_ENV, "could not open directory %s: %s", path, strerror(errno));
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct fs_entry ent = {xstrdup(de->d_name), 0, 0};
        if (de->d_type != DT_UNKNOWN) {
            /* the directory entry says what it is: no lstat per entry */
            ent.is_dir = de->d_type == DT_DIR;
            ent.is_symlink = de->d_type == DT_LNK;
        } else {
            char *full = fs_join(path, de->d_name);
            struct stat st;
            if (lstat(full, &st) == 0) {
                ent.is_dir = S_ISDIR(st.st_mode);
                ent.is_symlink = S_ISLNK(st.st_mode);
            }
            free(full);
        }
        ALLOC_GROW(out->v, out->n + 1, out->cap);
        out->v[out->n++] = ent;
        errno = 0;
    }
    int err = errno;
    closedir(d);
    if (err)
        return pm_err_set(e, PM_EXIT_ENV, "could not read directory %s: %s", path, strerror(err));
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
    return 0;
}

void fs_list_release(struct fs_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    memset(l, 0, sizeof(*l));
}
