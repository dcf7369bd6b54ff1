/*
 * conn.h - the libpq adapter: connections, queries with parameters, results,
 * pipelined batches, server errors turned into struct pm_err, and Ctrl-C
 * cancellation. Nothing above src/pg sees a PGconn or PGresult.
 */
#ifndef PGMIG_PG_CONN_H
#define PGMIG_PG_CONN_H

#include "pg/url.h"
#include "util/err.h"

#include <stddef.h>

struct pg_conn;
struct pg_result;

/*
 * Connect to the target described by url (client_encoding UTF8,
 * application_name "pgmig" unless the URL names one). When url->schema is
 * set, search_path is set to exactly that schema, as Prisma does. Errors are
 * PM_EXIT_ENV and name the redacted target.
 */
int pg_connect(struct pg_conn **out, const struct pg_url *url, struct pm_err *e);
/* The same, but to database `dbname` on the same server, with the same settings. */
int pg_connect_db(struct pg_conn **out, const struct pg_url *url, const char *dbname,
                  struct pm_err *e);
void pg_disconnect(struct pg_conn *c);
/*
 * Which server instance and database this is, as "<postmaster start time>/<database>":
 * two connections with equal identities reach the same database. Caller frees; NULL on
 * error.
 */
char *pg_identity(struct pg_conn *c);
/* The name of the connected database (not a copy). */
const char *pg_dbname(const struct pg_conn *c);

int pg_server_version(const struct pg_conn *c);
/* The redacted display form of the target. */
const char *pg_display(const struct pg_conn *c);
/* The schema from ?schema=, or NULL. */
const char *pg_schema(const struct pg_conn *c);
/* May RESET ALL run between migrations without losing the ?schema= search_path? */
int pg_can_reset_session(const struct pg_conn *c);
/* Is the session inside a transaction block (open or aborted)? */
int pg_in_transaction(const struct pg_conn *c);
/* Has the connection been lost? */
int pg_is_broken(const struct pg_conn *c);

/*
 * Run one statement with text parameters (NULL params are SQL NULL).
 * pg_query keeps the result rows for the caller (free with pg_result_free);
 * pg_exec discards them. On a server error e gets sqlstate, message, detail,
 * hint and context, exit code PM_EXIT_FAIL (PM_EXIT_ENV when the connection
 * was lost).
 */
int pg_query(struct pg_conn *c, struct pg_result **res, const char *sql, int nparams,
             const char *const *params, struct pm_err *e);
int pg_exec(struct pg_conn *c, const char *sql, int nparams, const char *const *params,
            struct pm_err *e);
/* pg_query with every result column in binary format (see pg_int4/pg_timestamptz_iso). */
int pg_query_binary(struct pg_conn *c, struct pg_result **res, const char *sql, int nparams,
                    const char *const *params, struct pm_err *e);
/* Run a simple-protocol query string (may hold several statements). */
int pg_exec_simple(struct pg_conn *c, const char *sql, struct pm_err *e);

int pg_nrows(const struct pg_result *r);
int pg_ncols(const struct pg_result *r);
/* The text of a value; NULL for SQL NULL. Valid until pg_result_free. */
const char *pg_val(const struct pg_result *r, int row, int col);
/* Binary values: an int4, and a timestamptz as ISO 8601 UTC with microseconds
 * ("2024-01-05T09:30:00.123456Z") into out; both NULL-safe (0 / "" for NULL). */
int pg_int4(const struct pg_result *r, int row, int col);
void pg_timestamptz_iso(const struct pg_result *r, int row, int col, char out[48]);
/* Column number by name, -1 when absent. */
int pg_col(const struct pg_result *r, const char *name);
void pg_result_free(struct pg_result *r);

/*
 * A batch: statements sent in libpq pipeline mode, followed by ONE Sync,
 * so the whole batch costs one round trip. Statements run in order with the
 * extended protocol; after the first error the server skips the rest until
 * the Sync. A non-transactional statement (CREATE INDEX CONCURRENTLY...) must
 * be alone in its batch.
 */
struct pg_batch_item {
    char *sql;
    int nparams;
    char **params;
};

struct pg_batch {
    struct pg_batch_item *v;
    size_t n, cap;
    /* With keep_results set, results[i] holds item i's rows after a run (NULL
     * when it failed or was skipped); they are freed by reset/release. */
    int keep_results;
    struct pg_result **results;
    size_t n_results;
};

struct pg_batch_result {
    long failed;  /* index of the failing item, or -1 when none (or not tied to one) */
    int position; /* error position in that item's text (1-based chars), 0 when none */
    long done;    /* items that completed successfully before the failure */
};

void pg_batch_init(struct pg_batch *b);
/* Append a copy of sql[0..len) with copies of the params. */
void pg_batch_add(struct pg_batch *b, const char *sql, size_t len, int nparams,
                  const char *const *params);
void pg_batch_reset(struct pg_batch *b);
void pg_batch_release(struct pg_batch *b);
/* 0 when every item succeeded; -1 with r->failed / r->position and e filled. */
int pg_batch_run(struct pg_conn *c, struct pg_batch *b, struct pg_batch_result *r,
                 struct pm_err *e);

/*
 * While armed, SIGINT/SIGTERM send a cancel request for the statement in
 * progress (it then fails with SQLSTATE 57014 and the caller cleans up); a
 * second signal terminates the process. pg_cancel_requested() tells whether
 * a signal arrived.
 */
void pg_cancel_arm(struct pg_conn *c);
void pg_cancel_disarm(void);
int pg_cancel_requested(void);

#endif
