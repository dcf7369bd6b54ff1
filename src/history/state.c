/*
 * state.c - migration states from directory + history (see state.h).
 */
#include "history/state.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

const char *mig_state_name(enum mig_state st)
{
    switch (st) {
    case MIG_APPLIED:
        return "applied";
    case MIG_FAILED:
        return "failed";
    case MIG_ROLLED_BACK:
        return "rolled_back";
    case MIG_PENDING:
        break;
    }
    return "pending";
}

int mig_status_is_pending(const struct mig_status *m)
{
    return m->local >= 0 && (m->state == MIG_PENDING || m->state == MIG_ROLLED_BACK);
}

/* Sort helper: history rows indexed by name (stable: started_at order kept). */
struct row_ref {
    const char *name;
    size_t index;
};

static int cmp_ref(const void *a, const void *b)
{
    const struct row_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Classify the rows refs[0..n) of one name into st. */
static void classify(struct mig_status *st, const struct history *h, const struct row_ref *refs,
                     size_t n)
{
    const struct hist_row *applied = NULL, *failed = NULL, *last = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct hist_row *r = &h->v[refs[i].index];
        if (!applied && hist_row_applied(r))
            applied = r;
        if (!failed && hist_row_failed(r))
            failed = r;
        last = r;
    }
    st->rows = (int)n;
    /* A failed row blocks deploy (P3009) even beside an applied one, as in Prisma. */
    if (failed) {
        st->state = MIG_FAILED;
        st->row = failed;
    } else if (applied) {
        st->state = MIG_APPLIED;
        st->row = applied;
    } else if (last) {
        st->state = MIG_ROLLED_BACK;
        st->row = last;
    } else {
        st->state = MIG_PENDING;
        st->row = NULL;
    }
}

void state_compute(struct state *s, const struct migdir *d, const struct history *h)
{
    memset(s, 0, sizeof(*s));
    s->managed = h->exists;
    struct row_ref *refs = xcalloc(h->n ? h->n : 1, sizeof(*refs));
    for (size_t i = 0; i < h->n; i++)
        refs[i] = (struct row_ref){h->v[i].name, i};
    qsort(refs, h->n, sizeof(*refs), cmp_ref);

    s->v = xcalloc(d->n + h->n + 1, sizeof(*s->v));
    size_t li = 0, ri = 0;
    while (li < d->n || ri < h->n) {
        /* merge local names and history names, both sorted */
        const char *lname = li < d->n ? d->v[li].name : NULL;
        const char *rname = ri < h->n ? refs[ri].name : NULL;
        int c = !lname ? 1 : !rname ? -1 : strcmp(lname, rname);
        struct mig_status *st = &s->v[s->n++];
        size_t rend = ri;
        if (c >= 0 && rname)
            while (rend < h->n && !strcmp(refs[rend].name, rname))
                rend++;
        if (c <= 0) {
            st->name = lname;
            st->local = (long)li++;
        } else {
            st->name = rname;
            st->local = -1;
        }
        classify(st, h, refs + ri, c >= 0 ? rend - ri : 0);
        if (c >= 0)
            ri = rend;
        if (st->local >= 0 && st->row && st->state != MIG_ROLLED_BACK)
            st->edited = !migration_checksum_matches(&d->v[st->local], st->row->checksum);
    }
    free(refs);

    for (size_t i = 0; i < s->n; i++) {
        const struct mig_status *m = &s->v[i];
        if (m->local < 0) {
            /* only rows that still claim something matter when the folder is gone */
            if (m->state == MIG_APPLIED || m->state == MIG_FAILED)
                s->missing++;
            if (m->state == MIG_FAILED)
                s->failed++;
            continue;
        }
        switch (m->state) {
        case MIG_PENDING:
            s->pending++;
            break;
        case MIG_APPLIED:
            s->applied++;
            break;
        case MIG_FAILED:
            s->failed++;
            break;
        case MIG_ROLLED_BACK:
            s->rolled_back++;
            break;
        }
        s->edited += m->edited;
    }
    s->up_to_date =
        s->managed && !s->pending && !s->failed && !s->rolled_back && !s->edited && !s->missing;
    /* an empty directory against a missing table is trivially up to date */
    if (!s->managed && d->n == 0)
        s->up_to_date = 1;
}

void state_release(struct state *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}
