/*
 * apply.c - executing a plan in pipelined transactions (see apply.h).
 */
#include "history/apply.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/srcpos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Which statement each batch item is (-1: pgmig's own BEGIN/COMMIT/bookkeeping). */
struct item_map {
    long *stmt;
    size_t n, cap;
};

struct run {
    struct pg_conn *c;
    const struct apply_input *in;
    struct pg_batch batch;
    struct item_map map;
    char steps[24];
};

static void add_own(struct run *x, const char *sql, int nparams, const char *const *params)
{
    pg_batch_add(&x->batch, sql, strlen(sql), nparams, params);
    ALLOC_GROW(x->map.stmt, x->map.n + 1, x->map.cap);
    x->map.stmt[x->map.n++] = -1;
}

static void add_stmt(struct run *x, size_t i)
{
    const struct sql_stmt *st = &x->in->script->stmts[i];
    pg_batch_add(&x->batch, x->in->script->text + st->start, st->len, 0, NULL);
    ALLOC_GROW(x->map.stmt, x->map.n + 1, x->map.cap);
    x->map.stmt[x->map.n++] = (long)i;
}

static void reset_batch(struct run *x)
{
    pg_batch_reset(&x->batch);
    x->map.n = 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void utc_now_iso(char out[96])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
}

/* Turn a batch failure into a located P3018 error. */
static void locate_failure(struct run *x, const struct pg_batch_result *br, long stmt,
                           struct pm_err *e)
{
    const struct sql_script *s = x->in->script;
    if (stmt < 0)
        return;
    const struct sql_stmt *st = &s->stmts[stmt];
    size_t off = st->start;
    if (br->position > 0)
        off =
            srcpos_advance_chars(s->text, st->start + st->len, st->start, (size_t)br->position - 1);
    pm_err_locate(e, x->in->file, s->text, s->len, off);
}

/* The text stored in `logs` for a failure. */
static char *failure_logs(struct run *x, long stmt, const struct pm_err *e)
{
    struct buf b = BUF_INIT;
    const struct sql_script *s = x->in->script;
    if (stmt >= 0)
        buf_addf(&b, "pgmig: statement %ld of %zu failed (%s:%d:%d)\n", stmt + 1, s->n, x->in->file,
                 e->line, e->col);
    if (e->sqlstate[0])
        buf_addf(&b, "Database error code: %s\n", e->sqlstate);
    buf_addf(&b, "Database error:\nERROR: %s\n", e->primary ? e->primary : "");
    if (e->detail)
        buf_addf(&b, "DETAIL: %s\n", e->detail);
    if (e->hint)
        buf_addf(&b, "HINT: %s\n", e->hint);
    if (e->context)
        buf_addf(&b, "CONTEXT: %s\n", e->context);
    if (stmt >= 0) {
        const struct sql_stmt *st = &s->stmts[stmt];
        buf_adds(&b, "Statement:\n");
        buf_add(&b, s->text + st->start, st->len);
        buf_addch(&b, '\n');
    }
    return buf_detach(&b, NULL);
}

/* Run the queued batch; on failure fill e and return the failing statement via *stmt. */
static int run_batch(struct run *x, long *stmt, long *done_items, struct pm_err *e)
{
    struct pg_batch_result br;
    int rc = pg_batch_run(x->c, &x->batch, &br, e);
    *stmt = -1;
    *done_items = br.done;
    if (rc == 0)
        return 0;
    if (br.failed >= 0 && (size_t)br.failed < x->map.n)
        *stmt = x->map.stmt[br.failed];
    locate_failure(x, &br, *stmt, e);
    if (!pg_is_broken(x->c) && pg_in_transaction(x->c)) {
        struct pm_err ignore = PM_ERR_INIT;
        pg_exec(x->c, "ROLLBACK", 0, NULL, &ignore);
        pm_err_release(&ignore);
    }
    return -1;
}

/* A bookkeeping write outside the migration's transactions. */
static int book(struct run *x, const char *sql, int nparams, const char *const *params,
                struct pm_err *e)
{
    int rc = pg_exec(x->c, sql, nparams, params, e);
    if (rc)
        pm_err_prefix(e, "could not record migration %s in %s", x->in->name, x->in->hist->table);
    return rc;
}

/* Atomic plan: one pipelined transaction including the history row. */
static int run_atomic(struct run *x, struct apply_result *r, struct pm_err *e)
{
    const struct apply_input *in = x->in;
    const struct segment *sg = &in->plan->v[0];
    char started[96];
    char *insert = in->hist ? hist_sql_insert_finished(in->hist) : NULL;
    snprintf(x->steps, sizeof x->steps, "%zu", in->script->n);
    const char *params[] = {r->id, in->checksum, in->name, x->steps};
    size_t last = sg->first + sg->n - 1;

    utc_now_iso(started);
    if (sg->kind == SEG_WRAPPED)
        add_own(x, "BEGIN", 0, NULL);
    for (size_t i = sg->first; i < last; i++)
        add_stmt(x, i);
    if (sg->kind == SEG_WRAPPED)
        add_stmt(x, last);
    if (insert)
        add_own(x, insert, 4, params);
    if (sg->kind == SEG_WRAPPED)
        add_own(x, "COMMIT", 0, NULL);
    else
        add_stmt(x, last); /* the script's own COMMIT */
    size_t commit_item = x->map.n - 1;
    if (in->hist && pg_can_reset_session(x->c))
        add_own(x, "RESET ALL", 0, NULL);
    free(insert);

    long stmt, done;
    if (run_batch(x, &stmt, &done, e) == 0) {
        r->applied = in->script->n;
        return 0;
    }
    r->failed_stmt = stmt;
    if (pg_is_broken(x->c)) {
        if ((size_t)done > commit_item) {
            r->applied = in->script->n;
            return 0; /* committed; only the trailing RESET was lost */
        }
        /* A statement's error arrived before the COMMIT ran: the server rolled the
         * transaction back. Without any reply the COMMIT may have happened. */
        r->outcome = stmt >= 0 ? APPLY_NOTHING_LEFT : APPLY_UNKNOWN;
        r->unrecorded = 1;
        return -1;
    }
    r->outcome = APPLY_NOTHING_LEFT;
    if (in->hist) {
        /* record the attempt; a failure to record must not hide the real error */
        char *logs = failure_logs(x, stmt, e);
        char *sql = hist_sql_insert_rolled_back(in->hist);
        const char *p[] = {r->id, in->checksum, in->name, logs, started};
        struct pm_err ignore = PM_ERR_INIT;
        pg_exec(x->c, sql, 5, p, &ignore);
        pm_err_release(&ignore);
        free(sql);
        free(logs);
    }
    return -1;
}

/* Segmented plan: a started row, then one transaction per segment. */
static int run_segments(struct run *x, struct apply_result *r, struct pm_err *e)
{
    const struct apply_input *in = x->in;
    const struct plan *p = in->plan;
    char *set_steps = NULL, *set_finished = NULL;
    int rc = -1;
    long stmt = -1, done;
    const struct segment *sg = NULL;

    if (in->hist) {
        char *ins = hist_sql_insert_started(in->hist);
        const char *params[] = {r->id, in->checksum, in->name};
        int brc = book(x, ins, 3, params, e);
        free(ins);
        if (brc)
            return -1;
        set_steps = hist_sql_set_steps(in->hist);
        set_finished = hist_sql_set_finished(in->hist);
    }
    for (size_t k = 0; k < p->n; k++) {
        sg = &p->v[k];
        int last_seg = k + 1 == p->n;
        size_t after = r->applied + (sg->ends_in_rollback ? 0 : sg->n);
        const char *book_sql = last_seg ? set_finished : set_steps;
        snprintf(x->steps, sizeof x->steps, "%zu", after);
        const char *params[] = {r->id, x->steps};
        size_t end = sg->first + sg->n;

        reset_batch(x);
        if (sg->kind == SEG_WRAPPED) {
            add_own(x, "BEGIN", 0, NULL);
            for (size_t i = sg->first; i < end; i++)
                add_stmt(x, i);
            if (book_sql)
                add_own(x, book_sql, 2, params);
            add_own(x, "COMMIT", 0, NULL);
        } else if (sg->kind == SEG_OWN_BLOCK && !sg->ends_in_rollback) {
            for (size_t i = sg->first; i + 1 < end; i++)
                add_stmt(x, i);
            if (book_sql)
                add_own(x, book_sql, 2, params);
            add_stmt(x, end - 1);
        } else {
            for (size_t i = sg->first; i < end; i++)
                add_stmt(x, i);
        }
        if (run_batch(x, &stmt, &done, e))
            goto failed;
        r->applied = after;
        if (book_sql && (sg->kind == SEG_ALONE || sg->ends_in_rollback)) {
            if (book(x, book_sql, 2, params, e))
                goto out;
        }
    }
    if (in->hist && pg_can_reset_session(x->c)) {
        struct pm_err ignore = PM_ERR_INIT;
        pg_exec(x->c, "RESET ALL", 0, NULL, &ignore);
        pm_err_release(&ignore);
    }
    rc = 0;
    goto out;

failed:
    r->failed_stmt = stmt;
    if (pg_is_broken(x->c)) {
        /* the failing segment was rolled back if a statement error arrived */
        r->outcome = stmt < 0                                     ? APPLY_UNKNOWN
                     : (r->applied == 0 && sg->kind != SEG_ALONE) ? APPLY_NOTHING_LEFT
                                                                  : APPLY_PARTIAL;
        r->unrecorded = 1;
        goto out;
    }
    /* Nothing took effect only if no earlier segment did and the failing one was
     * rolled back as a whole (a non-transactional statement may leave traces,
     * e.g. an INVALID index from CREATE INDEX CONCURRENTLY). */
    r->outcome = (r->applied == 0 && sg->kind != SEG_ALONE) ? APPLY_NOTHING_LEFT : APPLY_PARTIAL;
    if (in->hist) {
        char *logs = failure_logs(x, stmt, e);
        char *sql = r->outcome == APPLY_NOTHING_LEFT ? hist_sql_set_rolled_back_failure(in->hist)
                                                     : hist_sql_set_failed(in->hist);
        const char *params[] = {r->id, logs};
        struct pm_err ignore = PM_ERR_INIT;
        pg_exec(x->c, sql, 2, params, &ignore);
        pm_err_release(&ignore);
        free(sql);
        free(logs);
    }
out:
    free(set_steps);
    free(set_finished);
    return rc;
}

int apply_script(struct pg_conn *c, const struct apply_input *in, struct apply_result *r,
                 struct pm_err *e)
{
    struct run x = {.c = c, .in = in};
    double t0 = now_ms();
    int rc;

    memset(r, 0, sizeof(*r));
    r->failed_stmt = -1;
    uuid_v4(r->id);
    pg_batch_init(&x.batch);

    if (in->script->n == 0) {
        /* an empty migration applies as a no-op and is recorded as applied */
        rc = 0;
        if (in->hist) {
            char *sql = hist_sql_insert_finished(in->hist);
            const char *params[] = {r->id, in->checksum, in->name, "0"};
            rc = book(&x, sql, 4, params, e);
            free(sql);
        }
    } else if (in->plan->atomic) {
        rc = run_atomic(&x, r, e);
    } else {
        rc = run_segments(&x, r, e);
    }
    if (rc && !e->code)
        e->code = "P3018";
    r->ms = now_ms() - t0;
    pg_batch_release(&x.batch);
    free(x.map.stmt);
    return rc;
}
