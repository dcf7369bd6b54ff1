/*
 * repair.c - planning and carrying out forward and backward repairs
 * (see repair.h).
 */
#include "recover/repair.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/quote.h"
#include "util/srcpos.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 6, 7))) static void add_step(struct repair_plan *p, const char *sql,
                                                           size_t len, int nontx, long stmt,
                                                           const char *fmt, ...)
{
    va_list ap;
    ALLOC_GROW(p->v, p->n + 1, p->cap);
    struct repair_step *s = &p->v[p->n++];
    s->sql = xstrndup(sql, len);
    s->len = len;
    s->nontx = nontx;
    s->stmt = stmt;
    va_start(ap, fmt);
    s->why = xvasprintf(fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void refuse(struct repair_plan *p, const char *fmt,
                                                         ...)
{
    va_list ap;
    if (p->refusal)
        return; /* the first reason is the one to fix first */
    va_start(ap, fmt);
    p->refusal = xvasprintf(fmt, ap);
    va_end(ap);
}

static char *qualified(const char *schema, const char *name)
{
    struct buf b = BUF_INIT;
    if (schema) {
        buf_add_ident(&b, schema);
        buf_addch(&b, '.');
    }
    buf_add_ident(&b, name);
    return buf_detach(&b, NULL);
}

static const char *stmt_label(const struct diagnosis *d, size_t i, char *buf, size_t n)
{
    const struct stmt_diag *sd = &d->v[i];
    snprintf(buf, n, "statement %zu (line %d, %s%s%s)", i + 1, sd->line, sd->kind,
             sd->fx->object ? " " : "", sd->fx->object ? sd->fx->object : "");
    return buf;
}

/* Add a DROP INDEX CONCURRENTLY step for each INVALID index of statement i. */
static void drop_invalid_indexes(const struct diagnosis *d, size_t i, struct repair_plan *p)
{
    const struct stmt_diag *sd = &d->v[i];
    for (size_t k = 0; k < sd->n_checks; k++) {
        const struct check *ch = &sd->checks[k];
        if (!ch->invalid_index)
            continue;
        char *q = qualified(ch->eff->schema, ch->eff->name);
        char *sql = xasprintf("DROP INDEX CONCURRENTLY IF EXISTS %s", q);
        add_step(p, sql, strlen(sql), 1, (long)i,
                 "drop the INVALID index %s left by the failed CONCURRENTLY build", q);
        free(sql);
        free(q);
    }
}

void repair_plan_forward(const struct diagnosis *d, struct repair_plan *p)
{
    const struct sql_script *s = &d->script;
    char label[256];
    memset(p, 0, sizeof(*p));
    p->strategy = RS_FORWARD;
    for (size_t i = 0; i < d->n; i++) {
        const struct stmt_diag *sd = &d->v[i];
        const struct sql_stmt *st = &s->stmts[i];
        const char *text = s->text + st->start;
        int nontx = sql_stmt_is_nontx(st, d->server_version);
        stmt_label(d, i, label, sizeof label);
        switch (sd->state) {
        case SS_PRESENT:
            break;
        case SS_NONE:
            if (!(st->flags & STMT_TX_CONTROL))
                add_step(p, text, st->len, nontx, (long)i,
                         "%s: no lasting effect, kept for "
                         "the statements after it",
                         label);
            break;
        case SS_ABSENT:
            drop_invalid_indexes(d, i, p);
            add_step(p, text, st->len, nontx, (long)i, "%s: its effects are absent", label);
            break;
        case SS_DIFFERS:
            refuse(p,
                   "%s is only partly in effect: the object exists in another shape than "
                   "the migration creates, so running it again would fail or hide the "
                   "difference",
                   label);
            break;
        case SS_UNKNOWN:
            if (sd->implied == 1)
                break;
            if (sd->implied == 0)
                add_step(p, text, st->len, nontx, (long)i,
                         "%s: %s; it never ran, since a statement before it had not taken "
                         "effect",
                         label, sd->reason);
            else if (sd->fx->idempotent || sd->fx->guarded_do)
                add_step(p, text, st->len, nontx, (long)i, "%s: %s, safe to run again (%s)", label,
                         sd->reason,
                         sd->fx->guarded_do ? "the DO block guards itself" : "IF NOT EXISTS");
            else
                refuse(p,
                       "%s (%s): the catalog cannot tell whether it ran, and running it "
                       "twice may not be safe",
                       label, sd->reason);
            break;
        }
    }
}

/* Does statement sd rename something (one effect made absent, its new name present)? */
static int is_rename(const struct stmt_diag *sd)
{
    return sd->n_checks == 2 && sd->checks[0].eff->kind == sd->checks[1].eff->kind &&
           sd->checks[0].eff->present != sd->checks[1].eff->present;
}

static int holds_data(struct pg_conn *c, const char *sql, int *yes, struct pm_err *e)
{
    struct pg_result *r = NULL;
    if (pg_query(c, &r, sql, 0, NULL, e))
        return -1;
    *yes = pg_nrows(r) && pg_val(r, 0, 0) && pg_val(r, 0, 0)[0] == 't';
    pg_result_free(r);
    return 0;
}

static const char *relation_word(const struct effect *f)
{
    switch (f->relkinds[0]) {
    case 'v':
        return "VIEW";
    case 'm':
        return "MATERIALIZED VIEW";
    case 'S':
        return "SEQUENCE";
    default:
        return "TABLE";
    }
}

/* The statement that renames old -> new, undone. */
static void undo_rename(const struct diagnosis *d, size_t i, struct repair_plan *p)
{
    const struct stmt_diag *sd = &d->v[i];
    const struct effect *old = sd->checks[0].eff->present ? sd->checks[1].eff : sd->checks[0].eff;
    const struct effect *neu = sd->checks[0].eff->present ? sd->checks[0].eff : sd->checks[1].eff;
    char label[256];
    char *sql = NULL;
    char *tbl = qualified(neu->schema, neu->name);
    stmt_label(d, i, label, sizeof label);
    switch (neu->kind) {
    case EFF_RELATION: {
        char *o = quote_ident(old->name);
        sql = xasprintf("ALTER %s %s RENAME TO %s", relation_word(neu), tbl, o);
        free(o);
        break;
    }
    case EFF_INDEX: {
        char *o = quote_ident(old->name);
        sql = xasprintf("ALTER INDEX %s RENAME TO %s", tbl, o);
        free(o);
        break;
    }
    case EFF_TYPE: {
        char *o = quote_ident(old->name);
        sql = xasprintf("ALTER TYPE %s RENAME TO %s", tbl, o);
        free(o);
        break;
    }
    case EFF_COLUMN:
    case EFF_CONSTRAINT: {
        char *n = quote_ident(neu->sub), *o = quote_ident(old->sub);
        sql = xasprintf("ALTER TABLE %s RENAME %s %s TO %s", tbl,
                        neu->kind == EFF_COLUMN ? "COLUMN" : "CONSTRAINT", n, o);
        free(n);
        free(o);
        break;
    }
    case EFF_ENUM_VALUE: {
        char *n = quote_literal(neu->sub), *o = quote_literal(old->sub);
        sql = xasprintf("ALTER TYPE %s RENAME VALUE %s TO %s", tbl, n, o);
        free(n);
        free(o);
        break;
    }
    default:
        refuse(p, "%s renames something pgmig cannot rename back", label);
    }
    if (sql)
        add_step(p, sql, strlen(sql), 0, (long)i, "%s: rename back", label);
    free(sql);
    free(tbl);
}

/* Undo the established effects of statement i; returns -1 on a database error. */
static int undo_statement(struct pg_conn *c, const struct diagnosis *d, size_t i,
                          int accept_data_loss, struct repair_plan *p, struct pm_err *e)
{
    const struct stmt_diag *sd = &d->v[i];
    char label[256];
    stmt_label(d, i, label, sizeof label);
    if (is_rename(sd)) {
        undo_rename(d, i, p);
        return 0;
    }
    const struct effect *rel = NULL;
    for (size_t k = 0; k < sd->n_checks; k++) {
        const struct check *ch = &sd->checks[k];
        if (ch->established && !ch->implied && !ch->eff->present) {
            /* also for DROP ... IF EXISTS: it may have removed something that existed */
            refuse(p, "%s %s %s; pgmig cannot bring it back", label,
                   sd->fx->idempotent ? "may have removed" : "removed",
                   ch->eff->sub ? ch->eff->sub : ch->eff->name);
            return 0;
        }
        if (ch->established && !ch->implied && ch->eff->kind == EFF_RELATION)
            rel = ch->eff;
    }
    if (sd->fx->idempotent)
        return 0; /* IF NOT EXISTS may have found it already there: not ours to drop */
    if (rel) {
        char *q = qualified(rel->schema, rel->name);
        int data = 0;
        if (!strcmp(relation_word(rel), "TABLE")) {
            char *sql = xasprintf("SELECT EXISTS (SELECT 1 FROM %s LIMIT 1)", q);
            int rc = holds_data(c, sql, &data, e);
            free(sql);
            if (rc) {
                free(q);
                return -1;
            }
        }
        if (data && !accept_data_loss)
            refuse(p,
                   "%s created table %s, which now holds rows; dropping it would lose them "
                   "(pass --accept-data-loss to drop it anyway)",
                   label, q);
        char *sql = xasprintf("DROP %s %s", relation_word(rel), q);
        add_step(p, sql, strlen(sql), 0, (long)i, "%s: drop what it created%s", label,
                 data ? " (DATA LOSS accepted)" : "");
        free(sql);
        free(q);
        return 0;
    }
    int dropped_type = 0;
    for (size_t k = 0; k < sd->n_checks; k++)
        dropped_type |= sd->checks[k].established && sd->checks[k].eff->kind == EFF_TYPE;
    for (size_t k = 0; k < sd->n_checks; k++) {
        const struct check *ch = &sd->checks[k];
        const struct effect *f = ch->eff;
        if (!ch->established || ch->implied)
            continue;
        char *q = qualified(f->schema, f->name);
        char *sub = f->sub ? quote_ident(f->sub) : NULL;
        char *sql = NULL;
        int data = 0;
        switch (f->kind) {
        case EFF_COLUMN: {
            char *probe = xasprintf("SELECT EXISTS (SELECT 1 FROM %s WHERE %s IS NOT NULL "
                                    "LIMIT 1)",
                                    q, sub);
            int rc = holds_data(c, probe, &data, e);
            free(probe);
            if (rc) {
                free(q);
                free(sub);
                return -1;
            }
            if (data && !accept_data_loss)
                refuse(p,
                       "%s added column %s.%s, which now holds values; dropping it would "
                       "lose them (pass --accept-data-loss to drop it anyway)",
                       label, q, sub);
            sql = xasprintf("ALTER TABLE %s DROP COLUMN %s", q, sub);
            break;
        }
        case EFF_COLUMN_TYPE:
        case EFF_COLUMN_DEFAULT:
        case EFF_COLUMN_NOTNULL: {
            int creates_column = 0;
            for (size_t x = 0; x < sd->n_checks; x++)
                creates_column |= sd->checks[x].eff->kind == EFF_COLUMN &&
                                  sd->checks[x].eff->present && sd->checks[x].eff->sub && f->sub &&
                                  !strcmp(sd->checks[x].eff->sub, f->sub);
            if (creates_column)
                break; /* dropping the column undoes it */
            if (f->kind == EFF_COLUMN_NOTNULL)
                sql = xasprintf("ALTER TABLE %s ALTER COLUMN %s %s NOT NULL", q, sub,
                                f->flag ? "DROP" : "SET");
            else
                refuse(p, "%s changed the %s of %s.%s; its previous %s is not known", label,
                       f->kind == EFF_COLUMN_TYPE ? "type" : "default", q, sub,
                       f->kind == EFF_COLUMN_TYPE ? "type" : "default");
            break;
        }
        case EFF_CONSTRAINT:
            if (f->sub)
                sql = xasprintf("ALTER TABLE %s DROP CONSTRAINT %s", q, sub);
            else
                refuse(p,
                       "%s added a constraint without a name; name it in the migration, or "
                       "drop it by hand",
                       label);
            break;
        case EFF_INDEX:
            sql = xasprintf("DROP INDEX %s", q);
            break;
        case EFF_TYPE:
            sql = xasprintf("DROP TYPE %s", q);
            break;
        case EFF_ENUM_VALUE:
            if (!dropped_type)
                refuse(p,
                       "%s added the value '%s' to enum %s; PostgreSQL cannot remove an "
                       "enum value (the type would have to be rebuilt)",
                       label, f->sub, q);
            break;
        case EFF_SCHEMA:
            refuse(p, "%s created schema %s; pgmig never drops a schema", label, q);
            break;
        case EFF_EXTENSION:
            sql = xasprintf("DROP EXTENSION %s", q);
            break;
        case EFF_FUNCTION:
            sql = xasprintf("DROP ROUTINE %s(%s)", q, f->args ? f->args : "");
            break;
        case EFF_TRIGGER:
            sql = xasprintf("DROP TRIGGER %s ON %s", sub, q);
            break;
        case EFF_RELATION:
            break;
        }
        if (sql)
            add_step(p, sql, strlen(sql), 0, (long)i, "%s: undo%s", label,
                     data ? " (DATA LOSS accepted)" : "");
        free(sql);
        free(q);
        free(sub);
    }
    return 0;
}

int repair_plan_backward(struct pg_conn *c, const struct diagnosis *d, int accept_data_loss,
                         struct repair_plan *p, struct pm_err *e)
{
    char label[256];
    memset(p, 0, sizeof(*p));
    p->strategy = RS_BACKWARD;
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].invalid_index)
            drop_invalid_indexes(d, i, p);
    for (size_t i = d->n; i-- > 0;) {
        const struct stmt_diag *sd = &d->v[i];
        stmt_label(d, i, label, sizeof label);
        switch (sd->state) {
        case SS_ABSENT:
        case SS_NONE:
            break;
        case SS_UNKNOWN:
            if (sd->implied != 0)
                refuse(p, "%s (%s) %s, and it cannot be undone", label, sd->reason,
                       sd->implied == 1 ? "ran" : "may have run");
            break;
        case SS_PRESENT:
        case SS_DIFFERS:
            if (undo_statement(c, d, i, accept_data_loss, p, e))
                return -1;
            break;
        }
    }
    return 0;
}

void repair_plan_release(struct repair_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].sql);
        free(p->v[i].why);
    }
    free(p->v);
    free(p->refusal);
    memset(p, 0, sizeof(*p));
}

int repair_choose(struct pg_conn *c, const struct diagnosis *d, enum repair_strategy want,
                  int accept_data_loss, struct repair_plan *p, struct pm_err *e)
{
    if (d->verdict == V_UNKNOWN) {
        memset(p, 0, sizeof(*p));
        p->strategy = want == RS_BACKWARD ? RS_BACKWARD : RS_FORWARD;
        refuse(p, "no statement of this migration has an effect pgmig can check in the "
                  "catalog, so the evidence cannot say how far it got");
        return 0;
    }
    if (want == RS_FORWARD) {
        repair_plan_forward(d, p);
        return 0;
    }
    if (want == RS_BACKWARD)
        return repair_plan_backward(c, d, accept_data_loss, p, e);
    repair_plan_forward(d, p);
    if (!p->refusal)
        return 0;
    struct repair_plan back;
    if (repair_plan_backward(c, d, accept_data_loss, &back, e))
        return -1;
    if (back.refusal) {
        /* neither is safe: keep the forward plan's reason, add the backward one */
        char *both = xasprintf("going forward: %s.\nGoing backward: %s.", p->refusal, back.refusal);
        free(p->refusal);
        p->refusal = both;
        repair_plan_release(&back);
        return 0;
    }
    repair_plan_release(p);
    *p = back;
    return 0;
}

/* ---- execution -------------------------------------------------------- */

static int run_steps(struct pg_conn *c, const struct diagnosis *d, const struct repair_plan *p,
                     size_t from, size_t to, int wrap, repair_step_fn on_step, void *ud,
                     struct repair_result *r, struct pm_err *e)
{
    struct pg_batch b;
    struct pg_batch_result br;
    pg_batch_init(&b);
    if (wrap)
        pg_batch_add(&b, "BEGIN", 5, 0, NULL);
    for (size_t i = from; i < to; i++) {
        if (on_step)
            on_step(&p->v[i], i, ud);
        pg_batch_add(&b, p->v[i].sql, p->v[i].len, 0, NULL);
    }
    int rc = pg_batch_run(c, &b, &br, e);
    pg_batch_release(&b);
    if (rc == 0) {
        r->steps_done = to;
        return 0;
    }
    long item = br.failed - (wrap ? 1 : 0);
    if (item >= 0 && (size_t)item < to - from) {
        const struct repair_step *st = &p->v[from + (size_t)item];
        r->failed_step = (long)(from + (size_t)item);
        r->steps_done = from + (size_t)item;
        /* a migration statement that failed: point into the file */
        if (st->stmt >= 0 && p->strategy == RS_FORWARD &&
            st->len == d->script.stmts[st->stmt].len) {
            const struct sql_stmt *s = &d->script.stmts[st->stmt];
            size_t off = s->start;
            if (br.position > 0)
                off = srcpos_advance_chars(d->script.text, s->start + s->len, s->start,
                                           (size_t)br.position - 1);
            pm_err_locate(e, d->m->path, d->script.text, d->script.len, off);
        } else {
            pm_err_detail(e, "while running: %s", st->sql);
        }
    }
    if (!pg_is_broken(c) && pg_in_transaction(c)) {
        struct pm_err ignore = PM_ERR_INIT;
        pg_exec(c, "ROLLBACK", 0, NULL, &ignore);
        pm_err_release(&ignore);
    }
    return -1;
}

/* After the steps: is every postcondition as the strategy promises? */
static int verify(const struct diagnosis *d, enum repair_strategy s, struct buf *why)
{
    int ok = 1;
    for (size_t i = 0; i < d->n; i++) {
        const struct stmt_diag *sd = &d->v[i];
        if (sd->state == SS_UNKNOWN || sd->state == SS_NONE)
            continue;
        int good = s == RS_FORWARD ? sd->state == SS_PRESENT
                                   : sd->state == SS_ABSENT || sd->fx->idempotent;
        if (good && !(s == RS_BACKWARD && sd->invalid_index))
            continue;
        ok = 0;
        buf_addf(why, "statement %zu (line %d, %s) is %s%s\n", i + 1, sd->line, sd->kind,
                 stmt_state_name(sd->state), sd->invalid_index ? " (INVALID index)" : "");
    }
    return ok;
}

int repair_execute(struct pg_conn *c, struct diagnosis *d, const struct repair_plan *p,
                   struct history *h, const char *name, repair_step_fn on_step, void *ud,
                   struct repair_result *r, struct pm_err *e)
{
    memset(r, 0, sizeof(*r));
    r->failed_step = -1;
    /* everything before the last transactional run: non-transactional steps alone,
     * transactional runs in their own transactions */
    size_t last = p->n;
    while (last > 0 && !p->v[last - 1].nontx)
        last--;
    size_t i = 0;
    while (i < last) {
        size_t j = i + 1;
        if (!p->v[i].nontx)
            while (j < last && !p->v[j].nontx)
                j++;
        if (run_steps(c, d, p, i, j, !p->v[i].nontx, on_step, ud, r, e))
            return -1;
        i = j;
    }
    /* the final transaction: remaining steps, verification, history */
    if (run_steps(c, d, p, last, p->n, 1, on_step, ud, r, e))
        return -1;
    struct buf why = BUF_INIT;
    int rc = diagnose_recheck(c, d, e);
    if (rc == 0 && !verify(d, p->strategy, &why)) {
        pm_err_set(e, PM_EXIT_FAIL,
                   "verification failed after the %s repair; nothing of the "
                   "final transaction was kept",
                   p->strategy == RS_FORWARD ? "forward" : "backward");
        pm_err_detail(e, "%s", why.data);
        rc = -1;
    }
    r->verified = rc == 0;
    if (rc == 0) {
        char *roll = hist_sql_roll_back_failed(h);
        const char *p1[] = {name};
        rc = pg_exec(c, roll, 1, p1, e);
        free(roll);
        if (rc == 0 && p->strategy == RS_FORWARD) {
            char id[37];
            struct buf logs = BUF_INIT;
            uuid_v4(id);
            buf_addf(&logs,
                     "pgmig repair (forward): ran %zu step%s, verified every "
                     "postcondition in the catalog",
                     p->n, p->n == 1 ? "" : "s");
            char *ins = hist_sql_insert_resolved(h);
            const char *p2[] = {id, d->m->checksum, name, logs.data};
            rc = pg_exec(c, ins, 4, p2, e);
            free(ins);
            buf_release(&logs);
        }
        if (rc == 0)
            rc = pg_exec(c, "COMMIT", 0, NULL, e);
    }
    if (rc && !pg_is_broken(c) && pg_in_transaction(c)) {
        struct pm_err ignore = PM_ERR_INIT;
        pg_exec(c, "ROLLBACK", 0, NULL, &ignore);
        pm_err_release(&ignore);
    }
    buf_release(&why);
    return rc;
}

/* ---- suggestions -------------------------------------------------------- */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

void repair_plan_statements(const struct repair_plan *p, struct buf *out)
{
    long *v = xcalloc(p->n + 1, sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].stmt >= 0)
            v[n++] = p->v[i].stmt;
    qsort(v, n, sizeof(*v), cmp_long);
    size_t before = out->len;
    for (size_t i = 0; i < n; i++) {
        long start = v[i];
        while (i + 1 < n && (v[i + 1] == v[i] || v[i + 1] == v[i] + 1))
            i++;
        buf_addf(out, "%s%ld", out->len > before ? ", " : "", start + 1);
        if (v[i] > start)
            buf_addf(out, "-%ld", v[i] + 1);
    }
    free(v);
}

int repair_suggest(struct pg_conn *c, const struct diagnosis *d, const char *name, int is_failed,
                   struct buf *out, struct pm_err *e)
{
    struct repair_plan fwd, back;
    struct buf list = BUF_INIT;
    repair_plan_forward(d, &fwd);
    if (repair_plan_backward(c, d, 0, &back, e)) {
        repair_plan_release(&fwd);
        return -1;
    }
    if (d->verdict == V_UNKNOWN) {
        buf_addf(out,
                 "pgmig diagnose %s -v   # nothing here is checkable: inspect the "
                 "database by hand\n",
                 name);
        if (is_failed) {
            buf_addf(out, "pgmig resolve --applied %s --force       # if it did take effect\n",
                     name);
            buf_addf(out, "pgmig resolve --rolled-back %s --force   # if it did not\n", name);
        }
    } else if (d->verdict == V_APPLIED) {
        buf_addf(out,
                 "pgmig repair %s   # every effect is present: verify and record it "
                 "as applied\n",
                 name);
    } else {
        if (!fwd.refusal) {
            repair_plan_statements(&fwd, &list);
            buf_addf(out,
                     "pgmig repair %s   # forward: runs statement%s %s, verifies, "
                     "records it applied\n",
                     name, strchr(list.data, ',') || strchr(list.data, '-') ? "s" : "", list.data);
        }
        buf_reset(&list);
        if (!back.refusal && d->verdict == V_PARTIAL) {
            repair_plan_statements(&back, &list);
            buf_addf(out,
                     "pgmig repair %s --strategy backward   # undoes statement%s %s, then "
                     "deploy runs the (fixed) file again\n",
                     name, strchr(list.data, ',') || strchr(list.data, '-') ? "s" : "", list.data);
        } else if (d->verdict == V_NOT_APPLIED && is_failed) {
            buf_addf(out,
                     "pgmig resolve --rolled-back %s   # then fix the file and run "
                     "`pgmig deploy`\n",
                     name);
        }
        if (fwd.refusal && (back.refusal || d->verdict != V_PARTIAL))
            buf_addf(out,
                     "pgmig repair %s --dry-run   # a human must decide: shows why no "
                     "repair is safe\n",
                     name);
    }
    if (out->len && out->data[out->len - 1] == '\n')
        buf_truncate(out, out->len - 1);
    buf_release(&list);
    repair_plan_release(&fwd);
    repair_plan_release(&back);
    return 0;
}
