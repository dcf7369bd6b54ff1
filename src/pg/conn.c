/*
 * conn.c - libpq connections, queries, pipelined batches and error mapping.
 */
#include "pg/conn.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/out.h"
#include "util/quote.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pg_conn {
    PGconn *pc;
    char *display;
    char *schema;
    int startup_path; /* search_path came with the startup packet: RESET ALL keeps it */
};

/* The adapter hands out PGresult pointers under this opaque name. */
#define RES(r) ((PGresult *)(r))

static void notice_receiver(void *arg, const PGresult *r)
{
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    out_debug("server %s: %s", sev ? sev : "NOTICE", msg ? msg : "");
}

static char *trimmed(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    return xstrndup(s, n);
}

/* Fill e from a failed result (or from the connection when r is NULL). */
static void fill_error(struct pm_err *e, PGconn *pc, const PGresult *r, int *position)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char *fallback =
        trimmed(r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(pc));
    int lost = PQstatus(pc) == CONNECTION_BAD;

    if (lost)
        pm_err_set(e, PM_EXIT_ENV, "the connection to the server was lost: %s",
                   primary ? primary : (fallback[0] ? fallback : "no reason given"));
    else
        pm_err_set(e, PM_EXIT_FAIL, "%s", primary ? primary : fallback);
    free(fallback);

    memset(e->sqlstate, 0, sizeof e->sqlstate);
    if (state)
        strncpy(e->sqlstate, state, sizeof e->sqlstate - 1);
    if (r) {
        const char *v;
        if ((v = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)))
            pm_err_detail(e, "%s", v);
        if ((v = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT)))
            pm_err_hint(e, "%s", v);
        const char *ctx = PQresultErrorField(r, PG_DIAG_CONTEXT);
        const char *iq = PQresultErrorField(r, PG_DIAG_INTERNAL_QUERY);
        if (ctx || iq) {
            struct buf b = BUF_INIT;
            if (ctx)
                buf_adds(&b, ctx);
            if (iq) {
                if (b.len)
                    buf_addch(&b, '\n');
                buf_addf(&b, "internal query: %s", iq);
            }
            free(e->context);
            e->context = buf_detach(&b, NULL);
        }
    }
    if (position) {
        const char *p = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
        *position = p ? atoi(p) : 0;
    }
}

/*
 * The search_path for ?schema= travels in the startup packet's options, so it
 * is the session default: RESET ALL between migrations keeps it. Behind
 * PgBouncer (which rejects startup options) it is set with set_config instead.
 */
static char *search_path_options(const struct pg_url *url)
{
    struct buf b = BUF_INIT;
    char *q = quote_ident(url->schema);
    buf_adds(&b, "-c search_path=");
    for (const char *p = q; *p; p++) {
        if (*p == ' ' || *p == '\\')
            buf_addch(&b, '\\');
        buf_addch(&b, *p);
    }
    free(q);
    PQconninfoOption *opts = PQconninfoParse(url->conninfo, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, "options") && o->val && *o->val)
            buf_addf(&b, " %s", o->val);
    PQconninfoFree(opts);
    return buf_detach(&b, NULL);
}

int pg_connect(struct pg_conn **out, const struct pg_url *url, struct pm_err *e)
{
    return pg_connect_db(out, url, NULL, e);
}

int pg_connect_db(struct pg_conn **out, const struct pg_url *url, const char *dbname,
                  struct pm_err *e)
{
    int startup_path = url->schema && !url->pgbouncer;
    char *options = startup_path ? search_path_options(url) : NULL;
    /* only the first dbname is expanded as a URL; a later one is a plain database name */
    const char *keys[8], *vals[8];
    int k = 0;
    /* Prisma never uses GSSAPI encryption; libpq's default (prefer) probes for Kerberos
     * credentials on every TCP connection. Before the URL, so a URL or PGGSSENCMODE that
     * asks for it still wins. */
    if (!getenv("PGGSSENCMODE"))
        keys[k] = "gssencmode", vals[k++] = "disable";
    keys[k] = "dbname", vals[k++] = url->conninfo;
    if (dbname)
        keys[k] = "dbname", vals[k++] = dbname;
    keys[k] = "client_encoding", vals[k++] = "UTF8";
    keys[k] = "fallback_application_name", vals[k++] = "pgmig";
    if (startup_path)
        keys[k] = "options", vals[k++] = options;
    keys[k] = NULL, vals[k] = NULL;
    PGconn *pc = PQconnectdbParams(keys, vals, 1);
    free(options);
    *out = NULL;
    if (!pc)
        return pm_err_set(e, PM_EXIT_ENV, "could not connect to %s: out of memory", url->display);
    if (PQstatus(pc) != CONNECTION_OK) {
        char *msg = trimmed(PQerrorMessage(pc));
        char *safe = pg_redact(msg);
        pm_err_set(e, PM_EXIT_ENV, "could not connect to %s", url->display);
        pm_err_detail(e, "%s", safe);
        pm_err_hint(e, "check that the server is running and that the URL (from --url, "
                       "$DATABASE_URL or the schema's datasource) is right");
        free(msg);
        free(safe);
        PQfinish(pc);
        return -1;
    }
    PQsetNoticeReceiver(pc, notice_receiver, NULL);

    struct pg_conn *c = xcalloc(1, sizeof(*c));
    c->pc = pc;
    c->display = xstrdup(url->display);
    c->schema = xstrdup(url->schema);
    c->startup_path = startup_path || !url->schema;
    if (c->schema && !startup_path) {
        char *q = quote_ident(c->schema);
        const char *params[] = {q};
        int rc = pg_exec(c, "SELECT pg_catalog.set_config('search_path', $1, false)", 1, params, e);
        free(q);
        if (rc) {
            pm_err_prefix(e, "could not set search_path to schema \"%s\"", c->schema);
            pg_disconnect(c);
            return -1;
        }
    }
    *out = c;
    return 0;
}

void pg_disconnect(struct pg_conn *c)
{
    if (!c)
        return;
    PQfinish(c->pc);
    free(c->display);
    free(c->schema);
    free(c);
}

int pg_server_version(const struct pg_conn *c)
{
    return PQserverVersion(c->pc);
}

const char *pg_dbname(const struct pg_conn *c)
{
    return PQdb(c->pc);
}

char *pg_identity(struct pg_conn *c)
{
    struct pg_result *r = NULL;
    struct pm_err ignore = PM_ERR_INIT;
    char *id = NULL;
    if (pg_query(c, &r,
                 "SELECT pg_catalog.pg_postmaster_start_time()::text || '/' || "
                 "pg_catalog.current_database()",
                 0, NULL, &ignore) == 0) {
        id = xstrdup(pg_val(r, 0, 0));
        pg_result_free(r);
    }
    pm_err_release(&ignore);
    return id;
}

const char *pg_display(const struct pg_conn *c)
{
    return c->display;
}

const char *pg_schema(const struct pg_conn *c)
{
    return c->schema;
}

int pg_can_reset_session(const struct pg_conn *c)
{
    return c->startup_path;
}

int pg_in_transaction(const struct pg_conn *c)
{
    PGTransactionStatusType s = PQtransactionStatus(c->pc);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

int pg_is_broken(const struct pg_conn *c)
{
    return PQstatus(c->pc) == CONNECTION_BAD;
}

static int query_fmt(struct pg_conn *c, struct pg_result **res, const char *sql, int nparams,
                     const char *const *params, int binary, struct pm_err *e)
{
    PGresult *r = PQexecParams(c->pc, sql, nparams, NULL, params, NULL, NULL, binary);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        fill_error(e, c->pc, r, NULL);
        PQclear(r);
        if (res)
            *res = NULL;
        return -1;
    }
    if (res)
        *res = (struct pg_result *)r;
    else
        PQclear(r);
    return 0;
}

int pg_query(struct pg_conn *c, struct pg_result **res, const char *sql, int nparams,
             const char *const *params, struct pm_err *e)
{
    return query_fmt(c, res, sql, nparams, params, 0, e);
}

int pg_query_binary(struct pg_conn *c, struct pg_result **res, const char *sql, int nparams,
                    const char *const *params, struct pm_err *e)
{
    return query_fmt(c, res, sql, nparams, params, 1, e);
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

int pg_int4(const struct pg_result *r, int row, int col)
{
    if (PQgetisnull(RES(r), row, col) || PQgetlength(RES(r), row, col) != 4)
        return 0;
    const unsigned char *p = (const unsigned char *)PQgetvalue(RES(r), row, col);
    return (int)(int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
                          (uint32_t)p[3]);
}

/* Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void pg_timestamptz_iso(const struct pg_result *r, int row, int col, char out[48])
{
    out[0] = '\0';
    if (PQgetisnull(RES(r), row, col) || PQgetlength(RES(r), row, col) != 8)
        return;
    /* microseconds since 2000-01-01 00:00:00 UTC (integer datetimes) */
    int64_t us = (int64_t)be64((const unsigned char *)PQgetvalue(RES(r), row, col));
    if (us == INT64_MAX || us == INT64_MIN) {
        snprintf(out, 48, "%s", us > 0 ? "infinity" : "-infinity");
        return;
    }
    const int64_t per_day = INT64_C(86400000000);
    int64_t days = us / per_day, rest = us % per_day;
    if (rest < 0) {
        rest += per_day;
        days--;
    }
    int y, mo, d;
    civil_from_days(days + 10957, &y, &mo, &d); /* 10957 days from 1970 to 2000 */
    int64_t secs = rest / 1000000;
    snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, mo, d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60), (int)(rest % 1000000));
}

int pg_exec(struct pg_conn *c, const char *sql, int nparams, const char *const *params,
            struct pm_err *e)
{
    return pg_query(c, NULL, sql, nparams, params, e);
}

int pg_exec_simple(struct pg_conn *c, const char *sql, struct pm_err *e)
{
    PGresult *r = PQexec(c->pc, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
        fill_error(e, c->pc, r, NULL);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

int pg_nrows(const struct pg_result *r)
{
    return PQntuples(RES(r));
}

int pg_ncols(const struct pg_result *r)
{
    return PQnfields(RES(r));
}

const char *pg_val(const struct pg_result *r, int row, int col)
{
    if (PQgetisnull(RES(r), row, col))
        return NULL;
    return PQgetvalue(RES(r), row, col);
}

int pg_col(const struct pg_result *r, const char *name)
{
    return PQfnumber(RES(r), name);
}

void pg_result_free(struct pg_result *r)
{
    PQclear(RES(r));
}

/* ---- batches ---------------------------------------------------------- */

void pg_batch_init(struct pg_batch *b)
{
    memset(b, 0, sizeof(*b));
}

void pg_batch_add(struct pg_batch *b, const char *sql, size_t len, int nparams,
                  const char *const *params)
{
    ALLOC_GROW(b->v, b->n + 1, b->cap);
    struct pg_batch_item *it = &b->v[b->n++];
    it->sql = xstrndup(sql, len);
    it->nparams = nparams;
    it->params = nparams ? xcalloc((size_t)nparams, sizeof(char *)) : NULL;
    for (int i = 0; i < nparams; i++)
        it->params[i] = xstrdup(params[i]);
}

static void free_results(struct pg_batch *b)
{
    if (!b->results)
        return;
    for (size_t i = 0; i < b->n_results; i++)
        PQclear(RES(b->results[i]));
    free(b->results);
    b->results = NULL;
    b->n_results = 0;
}

void pg_batch_reset(struct pg_batch *b)
{
    free_results(b);
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].sql);
        for (int k = 0; k < b->v[i].nparams; k++)
            free(b->v[i].params[k]);
        free(b->v[i].params);
    }
    b->n = 0;
}

void pg_batch_release(struct pg_batch *b)
{
    int keep = b->keep_results;
    pg_batch_reset(b);
    free(b->v);
    pg_batch_init(b);
    b->keep_results = keep;
}

/*
 * Push everything queued to the server. In non-blocking mode, reading while
 * writing keeps a large batch from deadlocking against the server's replies.
 */
static int flush_all(PGconn *pc)
{
    int sock = PQsocket(pc);
    for (;;) {
        int f = PQflush(pc);
        if (f == 0)
            return 0;
        if (f < 0)
            return -1;
        struct pollfd p = {sock, POLLIN | POLLOUT, 0};
        if (poll(&p, 1, -1) < 0)
            continue;
        if ((p.revents & POLLIN) && !PQconsumeInput(pc))
            return -1;
    }
}

/* Drain a COPY that a batch statement started (pgmig never feeds COPY data). */
static void drain_copy(PGconn *pc, ExecStatusType st)
{
    if (st == PGRES_COPY_IN) {
        PQputCopyEnd(pc, "COPY FROM STDIN is not supported in migrations");
    } else if (st == PGRES_COPY_OUT) {
        char *row;
        while (PQgetCopyData(pc, &row, 0) > 0)
            PQfreemem(row);
    }
}

int pg_batch_run(struct pg_conn *c, struct pg_batch *b, struct pg_batch_result *r, struct pm_err *e)
{
    PGconn *pc = c->pc;
    r->failed = -1;
    r->position = 0;
    r->done = 0;
    if (b->n == 0)
        return 0;
    if (!PQenterPipelineMode(pc)) {
        fill_error(e, pc, NULL, NULL);
        return -1;
    }
    PQsetnonblocking(pc, 1);
    int send_ok = 1;
    for (size_t i = 0; i < b->n && send_ok; i++) {
        const struct pg_batch_item *it = &b->v[i];
        send_ok = PQsendQueryParams(pc, it->sql, it->nparams, NULL, (const char *const *)it->params,
                                    NULL, NULL, 0);
    }
    if (send_ok)
        send_ok = PQpipelineSync(pc);
    if (send_ok)
        send_ok = flush_all(pc) == 0;
    PQsetnonblocking(pc, 0);
    if (!send_ok) {
        fill_error(e, pc, NULL, NULL);
        PQexitPipelineMode(pc);
        return -1;
    }

    int rc = 0;
    free_results(b);
    if (b->keep_results) {
        b->results = xcalloc(b->n, sizeof(struct pg_result *));
        b->n_results = b->n;
    }
    for (size_t i = 0; i < b->n; i++) {
        PGresult *res;
        int got_any = 0;
        while ((res = PQgetResult(pc)) != NULL) {
            ExecStatusType st = PQresultStatus(res);
            got_any = 1;
            if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT)
                drain_copy(pc, st);
            if (st == PGRES_FATAL_ERROR && r->failed < 0) {
                r->failed = (long)i;
                fill_error(e, pc, res, &r->position);
                rc = -1;
            } else if (st == PGRES_PIPELINE_ABORTED) {
                rc = -1;
            } else if (st != PGRES_FATAL_ERROR && r->failed < 0) {
                r->done = (long)i + 1;
                if (b->results && !b->results[i] && st == PGRES_TUPLES_OK) {
                    b->results[i] = (struct pg_result *)res;
                    continue;
                }
            }
            PQclear(res);
        }
        if (!got_any && PQstatus(pc) == CONNECTION_BAD) {
            if (r->failed < 0 && rc == 0)
                fill_error(e, pc, NULL, NULL);
            rc = -1;
            break;
        }
    }
    /* the Sync's own result */
    PGresult *res;
    while ((res = PQgetResult(pc)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_PIPELINE_SYNC)
            break;
    }
    PQexitPipelineMode(pc);
    if (rc && r->failed < 0 && !e->primary)
        fill_error(e, pc, NULL, NULL);
    if (rc && PQstatus(pc) == CONNECTION_BAD && e->exit_code != PM_EXIT_ENV) {
        /* a server error that ended the session (57P01 ...): the connection is gone */
        e->exit_code = PM_EXIT_ENV;
        pm_err_prefix(e, "the connection to the server was lost");
    }
    if (rc == 0 && PQstatus(pc) == CONNECTION_BAD) {
        fill_error(e, pc, NULL, NULL);
        rc = -1;
    }
    return rc;
}

/* ---- cancellation ----------------------------------------------------- */

static PGcancel *volatile armed_cancel;
static volatile sig_atomic_t signals_seen;
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
    if (signals_seen++ > 0) {
        static const char msg[] = "pgmig: interrupted again, exiting\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        _exit(128 + sig);
    }
    PGcancel *cn = armed_cancel;
    if (cn) {
        char errbuf[256];
        PQcancel(cn, errbuf, sizeof errbuf);
    }
}

void pg_cancel_arm(struct pg_conn *c)
{
    pg_cancel_disarm();
    armed_cancel = PQgetCancel(c->pc);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
}

void pg_cancel_disarm(void)
{
    PGcancel *cn = armed_cancel;
    if (!cn)
        return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    armed_cancel = NULL;
    PQfreeCancel(cn);
}

int pg_cancel_requested(void)
{
    return signals_seen > 0;
}
