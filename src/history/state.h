/*
 * state.h - what each migration's state is, from the local directory and the
 * history rows, by Prisma's rules: failed when some row is neither finished
 * nor rolled back (it blocks deploy even beside a finished row, as in Prisma);
 * applied when some row of the name is finished and not rolled back; rolled back (pending again)
 * when every row is rolled back; pending when there is no row. pgmig adds: edited (the checksum of
 * the row that counts differs from the file) and missing locally.
 */
#ifndef PGMIG_HISTORY_STATE_H
#define PGMIG_HISTORY_STATE_H

#include "history/history.h"
#include "history/migdir.h"

enum mig_state {
    MIG_PENDING,
    MIG_APPLIED,
    MIG_FAILED,
    MIG_ROLLED_BACK,
};

struct mig_status {
    const char *name;
    long local; /* index in the migdir, -1 when missing locally */
    enum mig_state state;
    int edited;                 /* the row that counts has another checksum than the file */
    const struct hist_row *row; /* the row that counts: failed, else applied, else latest */
    int rows;                   /* how many history rows the name has */
};

struct state {
    struct mig_status *v; /* local migrations in order, missing ones merged by name */
    size_t n;
    int managed; /* the history table exists */
    size_t pending, applied, failed, rolled_back, edited, missing;
    int up_to_date;
};

void state_compute(struct state *s, const struct migdir *d, const struct history *h);
void state_release(struct state *s);
const char *mig_state_name(enum mig_state st);
/* Will deploy apply it? (pending or rolled back, and present locally) */
int mig_status_is_pending(const struct mig_status *m);

#endif
