/*
 * lock.h - the migration advisory lock, shared with Prisma: key 72707369 on
 * the session, so pgmig and `prisma migrate deploy` exclude each other. Taken
 * with a polled pg_try_advisory_lock up to a deadline; on timeout the error
 * names the holder from pg_stat_activity. Released when the connection closes.
 */
#ifndef PGMIG_HISTORY_LOCK_H
#define PGMIG_HISTORY_LOCK_H

#include "pg/conn.h"
#include "util/err.h"

#define PGMIG_LOCK_KEY "72707369"

/*
 * Wait up to wait_seconds for the lock (0: try once). Skipped, with a note,
 * when PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set. Timeout is P1002,
 * PM_EXIT_FAIL.
 */
int lock_acquire(struct pg_conn *c, double wait_seconds, struct pm_err *e);
int lock_release(struct pg_conn *c, struct pm_err *e);

#endif
