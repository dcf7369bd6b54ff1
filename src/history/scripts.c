/*
 * scripts.c - parsing many migrations on two threads (see scripts.h).
 */
#include "history/scripts.h"

#include <pthread.h>

/* Below this many files a second thread costs more than it saves. */
#define PARALLEL_FROM 32

struct job {
    const struct migdir *d;
    const size_t *idx;
    size_t from, to;
    struct sql_script *scripts;
    struct pm_err *errs;
    int keep_tree;
};

static void *parse_range(void *arg)
{
    struct job *j = arg;
    for (size_t k = j->from; k < j->to; k++) {
        const struct migration *m = &j->d->v[j->idx[k]];
        if (sql_script_parse(&j->scripts[k], m->path, m->text, m->len, &j->errs[k]) == 0 &&
            !j->keep_tree)
            sql_script_drop_tree(&j->scripts[k]);
    }
    return NULL;
}

size_t scripts_parse(const struct migdir *d, const size_t *idx, size_t n,
                     struct sql_script *scripts, struct pm_err *errs, int keep_tree)
{
    struct job first = {d, idx, 0, n, scripts, errs, keep_tree};
    struct job second = first;
    pthread_t t;
    second.from = n / 2;
    int threaded = n >= PARALLEL_FROM && pthread_create(&t, NULL, parse_range, &second) == 0;
    if (threaded)
        first.to = second.from;
    parse_range(&first);
    if (threaded)
        pthread_join(t, NULL);
    size_t failed = 0;
    for (size_t k = 0; k < n; k++)
        failed += errs[k].exit_code != 0;
    return failed;
}
