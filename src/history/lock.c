/*
 * lock.c - the advisory lock (see lock.h).
 */
#include "history/lock.h"
#include "util/buf.h"
#include "util/out.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Describe who holds the lock, for the timeout message. */
static void describe_holder(struct pg_conn *c, struct pm_err *e)
{
    struct pg_result *r = NULL;
    struct pm_err qe = PM_ERR_INIT;
    /* a bigint key k is stored as classid = k >> 32, objid = k & 0xffffffff, objsubid 1 */
    if (pg_query(
            c, &r,
            "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), "
            "  coalesce(a.client_addr::text, 'local'), coalesce(a.state, ''), "
            "  coalesce(left(a.query, 200), ''), "
            "  pg_catalog.to_char(a.backend_start AT TIME ZONE 'UTC', "
            "    'YYYY-MM-DD HH24:MI:SS \"UTC\"'), "
            "  pg_catalog.round(extract(epoch FROM pg_catalog.now() - a.backend_start))::bigint "
            "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = 0 "
            "  AND l.objid = " PGMIG_LOCK_KEY " AND l.objsubid = 1 AND l.granted "
            "  AND l.database = (SELECT oid FROM pg_catalog.pg_database "
            "                    WHERE datname = pg_catalog.current_database())",
            0, NULL, &qe)) {
        pm_err_detail(e, "the holder could not be looked up: %s", qe.primary);
        pm_err_release(&qe);
        return;
    }
    if (pg_nrows(r) == 0) {
        pm_err_detail(e, "the holder released it just now, or is not visible to this role");
    } else {
        struct buf b = BUF_INIT;
        buf_addf(&b,
                 "held by pid %s (application_name \"%s\", user %s, from %s), connected "
                 "since %s (%ss ago), state %s",
                 pg_val(r, 0, 0), pg_val(r, 0, 1), pg_val(r, 0, 2), pg_val(r, 0, 3),
                 pg_val(r, 0, 6), pg_val(r, 0, 7), pg_val(r, 0, 4));
        if (pg_val(r, 0, 5)[0])
            buf_addf(&b, "\nits current or last query: %s", pg_val(r, 0, 5));
        pm_err_detail(e, "%s", b.data);
        buf_release(&b);
        pm_err_next(e, "wait for it to finish, then run the command again (or raise "
                       "--lock-wait SECONDS)");
        pm_err_next(e, "if it is stuck: SELECT pg_terminate_backend(%s);", pg_val(r, 0, 0));
    }
    pg_result_free(r);
}

int lock_acquire(struct pg_conn *c, double wait_seconds, struct pm_err *e)
{
    const char *off = getenv("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK");
    if (off && *off) {
        out_note("advisory lock disabled by PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK");
        return 0;
    }
    double deadline = now_s() + wait_seconds;
    int announced = 0;
    long pause = 20;
    for (;;) {
        struct pg_result *r = NULL;
        if (pg_query(c, &r, "SELECT pg_catalog.pg_try_advisory_lock(" PGMIG_LOCK_KEY ")", 0, NULL,
                     e)) {
            pm_err_prefix(e, "could not take the migration lock");
            return -1;
        }
        int got = !strcmp(pg_val(r, 0, 0), "t");
        pg_result_free(r);
        if (got)
            return 0;
        if (now_s() >= deadline)
            break;
        if (!announced) {
            out_note("waiting up to %.0fs for the migration lock (advisory lock %s)", wait_seconds,
                     PGMIG_LOCK_KEY);
            announced = 1;
        }
        sleep_ms(pause);
        if (pause < 200)
            pause += 20;
    }
    e->code = "P1002";
    pm_err_set(e, PM_EXIT_FAIL,
               "timed out after %.0fs waiting for the migration lock (advisory lock %s)",
               wait_seconds, PGMIG_LOCK_KEY);
    describe_holder(c, e);
    pm_err_hint(e, "another pgmig or prisma migrate is running against this database");
    return -1;
}

int lock_release(struct pg_conn *c, struct pm_err *e)
{
    return pg_exec(c, "SELECT pg_catalog.pg_advisory_unlock(" PGMIG_LOCK_KEY ")", 0, NULL, e);
}
