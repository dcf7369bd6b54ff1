/*
 * migdir.c - loading the migrations directory and comparing checksums.
 */
#include "history/migdir.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The value of the first line starting with `provider`, unquoted. */
static char *lock_provider(const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, "provider", 8)) {
            const char *q = strchr(p, '=');
            const char *eol = strchr(p, '\n');
            if (q && (!eol || q < eol)) {
                q++;
                while (*q == ' ' || *q == '\t')
                    q++;
                const char *end = eol ? eol : q + strlen(q);
                while (end > q && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t'))
                    end--;
                if (end - q >= 2 && (*q == '"' || *q == '\'') && end[-1] == *q) {
                    q++;
                    end--;
                }
                return xstrndup(q, (size_t)(end - q));
            }
        }
        const char *eol = strchr(p, '\n');
        if (!eol)
            break;
        p = eol + 1;
    }
    return NULL;
}

static int check_lock_file(struct migdir *d, struct pm_err *e)
{
    char *path = fs_join(d->path, "migration_lock.toml");
    struct buf b = BUF_INIT;
    int rc = 0;
    if (!fs_exists(path))
        goto out;
    if (fs_read_file(path, &b, e)) {
        rc = -1;
        goto out;
    }
    d->provider = lock_provider(b.data);
    if (d->provider && strcmp(d->provider, "postgresql") && strcmp(d->provider, "postgres")) {
        e->code = "P3019";
        rc = pm_err_set(e, PM_EXIT_FAIL,
                        "the migrations were written for provider \"%s\", not postgresql",
                        d->provider);
        free(e->file);
        e->file = xstrdup(path);
        pm_err_detail(e, "%s says provider = \"%s\"; pgmig manages PostgreSQL only.", path,
                      d->provider);
        pm_err_hint(e, "point --migrations at the PostgreSQL migrations, or start a new "
                       "history for PostgreSQL");
    }
out:
    buf_release(&b);
    free(path);
    return rc;
}

/* Read and hash one migration; on failure fill e (P3015 when migration.sql is missing). */
static int load_one(struct migration *m, const char *dir, struct pm_err *e)
{
    struct buf b = BUF_INIT;
    if (fs_read_file(m->path, &b, e) == 0) {
        sha256_hex(b.data, b.len, m->checksum);
        m->text = buf_detach(&b, &m->len);
        return 0;
    }
    buf_release(&b);
    if (!fs_exists(m->path)) {
        pm_err_release(e);
        e->code = "P3015";
        pm_err_set(e, PM_EXIT_ENV, "migration %s has no migration.sql", m->name);
        pm_err_detail(e, "expected the file %s", m->path);
        pm_err_hint(e,
                    "every folder in %s is a migration; add its migration.sql, or "
                    "move the folder out of the migrations directory",
                    dir);
    }
    return -1;
}

/* Migrations [from, to) of d, each with its own error slot. */
struct load_range {
    struct migdir *d;
    size_t from, to;
    struct pm_err *errs;
};

static void *load_range(void *arg)
{
    struct load_range *r = arg;
    for (size_t i = r->from; i < r->to; i++)
        load_one(&r->d->v[i], r->d->path, &r->errs[i]);
    return NULL;
}

/* Large histories are read and hashed by two threads (the files are independent). */
#define PARALLEL_FROM 64

int migdir_load(struct migdir *d, const char *path, struct pm_err *e)
{
    struct fs_list list = {0};
    struct pm_err *errs = NULL;
    int rc = -1;
    memset(d, 0, sizeof(*d));
    d->path = xstrdup(path);
    if (!fs_is_dir(path)) {
        pm_err_set(e, PM_EXIT_ENV, "migrations directory %s does not exist", path);
        pm_err_hint(e, "pass --migrations DIR, or --schema FILE to use the migrations folder "
                       "beside it");
        goto out;
    }
    if (fs_list_dir(path, &list, e) || check_lock_file(d, e))
        goto out;
    for (size_t i = 0; i < list.n; i++) {
        if (!list.v[i].is_dir)
            continue; /* files and symlinks at the top level are ignored, as in Prisma */
        struct migration m = {0};
        char *dir = fs_join(path, list.v[i].name);
        m.name = xstrdup(list.v[i].name);
        m.path = fs_join(dir, "migration.sql");
        free(dir);
        ALLOC_GROW(d->v, d->n + 1, d->cap);
        d->v[d->n++] = m;
    }
    errs = xcalloc(d->n ? d->n : 1, sizeof(*errs));
    struct load_range second = {d, d->n / 2, d->n, errs};
    struct load_range first = {d, 0, d->n, errs};
    pthread_t t;
    int threaded = d->n >= PARALLEL_FROM && pthread_create(&t, NULL, load_range, &second) == 0;
    if (threaded)
        first.to = second.from;
    load_range(&first);
    if (threaded)
        pthread_join(t, NULL);
    rc = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (errs[i].exit_code && rc == 0) {
            pm_err_move(e, &errs[i]); /* the first error in folder order */
            rc = -1;
        }
        pm_err_release(&errs[i]);
    }
out:
    free(errs);
    fs_list_release(&list);
    return rc;
}

void migdir_release(struct migdir *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].name);
        free(d->v[i].path);
        free(d->v[i].text);
    }
    free(d->v);
    free(d->path);
    free(d->provider);
    memset(d, 0, sizeof(*d));
}

long migdir_find(const struct migdir *d, const char *name)
{
    /* names are sorted: binary search */
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->v[mid].name, name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* SHA-256 of the text with line endings rewritten (to_crlf: LF -> CRLF; else CRLF -> LF). */
static void checksum_with_eol(const struct migration *m, int to_crlf, char out[65])
{
    struct buf b = BUF_INIT;
    buf_grow(&b, m->len + m->len / 16);
    for (size_t i = 0; i < m->len; i++) {
        char c = m->text[i];
        /* exactly Prisma's replace('\n', "\r\n"): every LF, even one after a CR */
        if (to_crlf && c == '\n')
            buf_addch(&b, '\r');
        if (!to_crlf && c == '\r' && i + 1 < m->len && m->text[i + 1] == '\n')
            continue;
        buf_addch(&b, c);
    }
    sha256_hex(b.data, b.len, out);
    buf_release(&b);
}

/* Old Prisma rendered each digest byte as unpadded lowercase hex. */
static void checksum_unpadded(const char hex64[65], struct buf *out)
{
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex64[2 * i + k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        buf_addf(out, "%x", v);
    }
}

static int matches_in_format(const char *hex64, const char *stored)
{
    if (strlen(stored) == 64)
        return strcmp(hex64, stored) == 0;
    struct buf b = BUF_INIT;
    checksum_unpadded(hex64, &b);
    int eq = strcmp(b.data, stored) == 0;
    buf_release(&b);
    return eq;
}

int migration_checksum_matches(const struct migration *m, const char *stored)
{
    char alt[65];
    if (!stored)
        return 0;
    if (matches_in_format(m->checksum, stored))
        return 1;
    if (memchr(m->text, '\n', m->len) == NULL)
        return 0;
    checksum_with_eol(m, 0, alt);
    if (matches_in_format(alt, stored))
        return 1;
    checksum_with_eol(m, 1, alt);
    return matches_in_format(alt, stored);
}
