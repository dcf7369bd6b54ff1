/*
 * refuse.c - deploy's P3009 refusal, explained: every failed migration with
 * its logs and a diagnosis from the catalog, and the next commands.
 */
#include "recover/refuse.h"
#include "recover/diagnose.h"
#include "recover/repair.h"
#include "util/buf.h"

#include <string.h>

/* First few lines of a failed row's logs, indented for the error detail. */
static void add_log_excerpt(struct buf *b, const char *logs)
{
    if (!logs || !*logs) {
        buf_adds(b, "    (no logs recorded)\n");
        return;
    }
    const char *p = logs;
    for (int lines = 0; *p && lines < 6; lines++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        buf_addf(b, "    %.*s\n", (int)len, p);
        p = nl ? nl + 1 : p + len;
    }
    if (*p)
        buf_adds(b, "    ...\n");
}

int recover_refuse_failed(struct pg_conn *c, const struct state *st, const struct migdir *d,
                         struct pm_err *e)
{
    struct buf b = BUF_INIT, next = BUF_INIT;
    const struct mig_status *first = NULL;
    for (size_t i = 0; i < st->n; i++) {
        const struct mig_status *m = &st->v[i];
        if (m->state != MIG_FAILED)
            continue;
        buf_addf(&b, "`%s` started at %s, %d statement%s recorded as applied%s:\n", m->name,
                 m->row->started_at, m->row->applied_steps_count,
                 m->row->applied_steps_count == 1 ? "" : "s",
                 m->local < 0 ? " (its folder is missing locally)" : "");
        add_log_excerpt(&b, m->row->logs);
        if (m->local < 0)
            continue;
        /* the evidence, not the counters: what of it is in the catalog now */
        struct diagnosis dg;
        struct pm_err de = PM_ERR_INIT;
        if (diagnose_migration(c, &d->v[m->local], m->row, &dg, &de) == 0) {
            buf_adds(&b, "  diagnosis ");
            diagnosis_summary(&dg, &b);
            buf_addch(&b, '\n');
            if (!first) {
                first = m;
                repair_suggest(c, &dg, m->name, 1, &next, &de);
            }
        } else {
            buf_addf(&b, "  (not diagnosed: %s)\n", de.primary ? de.primary : "error");
        }
        diagnosis_release(&dg);
        pm_err_release(&de);
    }
    if (b.len && b.data[b.len - 1] == '\n')
        buf_truncate(&b, b.len - 1);
    e->code = "P3009";
    pm_err_set(e, PM_EXIT_FAIL,
               "found %zu failed migration%s in the target database; new migrations will not "
               "be applied",
               st->failed, st->failed == 1 ? "" : "s");
    pm_err_detail(e, "%s", b.data);
    if (first) {
        pm_err_hint(e, "pgmig checked each statement against the catalog; `pgmig diagnose` "
                       "shows the evidence");
        pm_err_next(e, "pgmig diagnose %s", first->name);
        for (const char *p = next.data; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            pm_err_next(e, "%.*s", (int)len, p);
            p = nl ? nl + 1 : p + len;
        }
    } else {
        pm_err_hint(e, "its folder is missing locally, so pgmig cannot check what took effect; "
                       "restore it from version control");
    }
    buf_release(&b);
    buf_release(&next);
    return -1;
}

