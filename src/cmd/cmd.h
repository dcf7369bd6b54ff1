/*
 * cmd.h - what every command gets: the global options, the configuration
 * resolved from them (target database, migrations directory, schema file),
 * and helpers to connect and to print one JSON document or human text.
 */
#ifndef PGMIG_CMD_CMD_H
#define PGMIG_CMD_CMD_H

#include "history/migdir.h"
#include "history/state.h"
#include "pg/conn.h"
#include "pg/url.h"
#include "prisma/datasource.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"

struct cmd_ctx {
    const char *command;
    /* global options */
    const char *opt_url;
    const char *opt_schema;
    const char *opt_migrations;
    const char *opt_color;
    double lock_wait;
    int json, verbose, quiet;

    /* resolved configuration */
    char *schema_path; /* --schema, or a discovered schema.prisma; NULL when none */
    struct prisma_datasource ds;
    int have_ds;
    char *migrations_dir;
    struct pg_url url;
    int have_url;
    const char *url_source; /* where the target came from, for the note */

    /* the --json document under construction */
    struct buf doc;
    struct json j;
    int doc_open;
};

/* Resolve the schema file (and load .env files). Called before the others. */
int setup_schema(struct cmd_ctx *ctx, struct pm_err *e);
/* Resolve the target: --url, $DATABASE_URL, the datasource, else the local database. */
int setup_target(struct cmd_ctx *ctx, struct pm_err *e);
/* The same without the local fallback: 1 when a target is configured, 0 when none, -1 error. */
int setup_target_configured(struct cmd_ctx *ctx, struct pm_err *e);
/* --shadow-url (opt), else the datasource's shadowDatabaseUrl; *have = 0 when neither. */
int setup_shadow_url(struct cmd_ctx *ctx, const char *opt, struct pg_url *out, int *have,
                     struct pm_err *e);
/* Resolve the migrations directory (it need not exist yet). */
int setup_migrations(struct cmd_ctx *ctx, struct pm_err *e);
/* Connect to the resolved target, saying on stderr which database is used. */
int cmd_connect(struct cmd_ctx *ctx, struct pg_conn **c, struct pm_err *e);
/* Load the migrations directory. */
int cmd_load_migrations(struct cmd_ctx *ctx, struct migdir *d, struct pm_err *e);
/*
 * Load the migrations directory (reading and hashing every file) on another
 * thread while this one connects and queries: the server starts its backend
 * and answers while the files are read. cmd_load_start never fails (it falls
 * back to loading at cmd_load_finish); cmd_load_finish returns the loading's
 * result. Always call cmd_load_finish after a successful cmd_load_start.
 */
struct cmd_loader;
struct cmd_loader *cmd_load_start(struct cmd_ctx *ctx, struct migdir *d);
int cmd_load_finish(struct cmd_loader *l, struct pm_err *e);
void cmd_ctx_release(struct cmd_ctx *ctx);

/*
 * JSON documents: doc_begin opens {"version":1,"command":...}; the command
 * adds its fields to ctx->j; doc_end adds "ok" and "error" (from e when it
 * holds an error) and prints the document on stdout. Both are no-ops without
 * --json.
 */
void doc_begin(struct cmd_ctx *ctx);
void doc_end(struct cmd_ctx *ctx, const struct pm_err *e);

/*
 * Finish a command: print e (human, on stderr) unless --json, write the JSON
 * document, and return the exit code to use (0 when e holds no error).
 */
int cmd_finish(struct cmd_ctx *ctx, struct pm_err *e);

/* Usage error for this command (exit 2). */
int cmd_usage_error(struct cmd_ctx *ctx, struct pm_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Commands. */
int cmd_deploy(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_status(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_resolve(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_execute(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_baseline(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_local(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_diagnose(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_repair(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_lint(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_validate(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_check(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_inspect(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_diff(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_drift(struct cmd_ctx *ctx, int argc, char **argv);

struct schema_diff;
/* "changes": [...] of a diff, for --json (diff and drift). */
void json_changes(struct json *j, const struct schema_diff *d);

/*
 * The migration `name` (or, with NULL, the first failed one). NULL with e set
 * when it cannot be examined; NULL with e->exit_code == 0 (and a primary
 * message) when there is no failed migration.
 */
const struct mig_status *cmd_pick_migration(struct cmd_ctx *ctx, const struct state *s,
                                            const char *name, struct pm_err *e);

#endif
