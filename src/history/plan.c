/*
 * plan.c - segmenting a script into transactions (see plan.h).
 */
#include "history/plan.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

const char *seg_kind_name(enum seg_kind k)
{
    switch (k) {
    case SEG_OWN_BLOCK:
        return "own transaction block";
    case SEG_ALONE:
        return "non-transactional";
    case SEG_WRAPPED:
        break;
    }
    return "transaction";
}

static struct segment *push(struct plan *p, enum seg_kind kind, size_t first)
{
    ALLOC_GROW(p->v, p->n + 1, p->cap);
    struct segment *sg = &p->v[p->n++];
    memset(sg, 0, sizeof(*sg));
    sg->kind = kind;
    sg->first = first;
    return sg;
}

static int located(struct pm_err *e, const struct sql_script *s, const char *file, size_t i,
                   const char *msg)
{
    pm_err_set(e, PM_EXIT_FAIL, "%s", msg);
    pm_err_locate(e, file, s->text, s->len, s->stmts[i].start);
    return -1;
}

int plan_build(struct plan *p, const struct sql_script *s, const char *file, int server_version,
               struct pm_err *e)
{
    memset(p, 0, sizeof(*p));
    p->statements = s->n;
    struct segment *cur = NULL; /* open WRAPPED or OWN_BLOCK segment */
    size_t block_start = 0;

    for (size_t i = 0; i < s->n; i++) {
        const struct sql_stmt *st = &s->stmts[i];
        if (st->flags & STMT_COPY_STDIN) {
            located(e, s, file, i, "COPY ... FROM STDIN cannot run in a migration");
            pm_err_detail(e, "the data of a COPY FROM STDIN comes from the client (psql's "
                             "\\copy); a migration script has no client data to send");
            pm_err_hint(e, "use INSERT statements, or COPY FROM a server-side file");
            plan_release(p);
            return -1;
        }
        if (cur && cur->kind == SEG_OWN_BLOCK) {
            cur->n++;
            if (st->flags & (STMT_TX_COMMIT | STMT_TX_ROLLBACK)) {
                cur->ends_in_rollback = (st->flags & STMT_TX_ROLLBACK) != 0;
                cur = NULL;
            }
            continue;
        }
        if (st->flags & STMT_TX_BEGIN) {
            cur = push(p, SEG_OWN_BLOCK, i);
            cur->n = 1;
            block_start = i;
            continue;
        }
        if (sql_stmt_is_nontx(st, server_version) ||
            (st->flags & (STMT_TX_COMMIT | STMT_TX_ROLLBACK))) {
            struct segment *sg = push(p, SEG_ALONE, i);
            sg->n = 1;
            cur = NULL;
            continue;
        }
        if (!cur)
            cur = push(p, SEG_WRAPPED, i);
        cur->n++;
    }
    if (cur && cur->kind == SEG_OWN_BLOCK) {
        located(e, s, file, block_start, "this BEGIN has no matching COMMIT or ROLLBACK");
        pm_err_detail(e, "the transaction block would stay open at the end of the script, and "
                         "its changes would be rolled back when the connection closes");
        pm_err_hint(e, "add COMMIT; at the end of the block");
        plan_release(p);
        return -1;
    }
    p->atomic = p->n == 1 && (p->v[0].kind == SEG_WRAPPED ||
                              (p->v[0].kind == SEG_OWN_BLOCK && !p->v[0].ends_in_rollback));
    return 0;
}

void plan_release(struct plan *p)
{
    free(p->v);
    memset(p, 0, sizeof(*p));
}
