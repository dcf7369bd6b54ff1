/*
 * main.c - pgmig's entry point: global options and the one command table.
 * Each command names what it needs set up before it runs; the setup rules
 * live here, not in the commands. (git.c's commands[])
 */
#include "cmd/cmd.h"
#include "util/mem.h"
#include "util/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PGMIG_VERSION "0.1.0"

enum {
    NEED_CONFIG = 1 << 0,     /* .env files and schema.prisma */
    NEED_MIGRATIONS = 1 << 1, /* resolve the migrations directory */
    HIDDEN = 1 << 2,          /* not listed by --help (debugging and test entry points) */
};

struct command {
    const char *name;
    int (*fn)(struct cmd_ctx *ctx, int argc, char **argv);
    unsigned needs;
    const char *summary;
    const char *usage;
};

static const struct command commands[] = {
    {"deploy", cmd_deploy, NEED_CONFIG | NEED_MIGRATIONS,
     "Apply pending migrations, each atomically with its history row",
     "pgmig deploy [--dry-run] [--lock-wait SECONDS]\n"
     "\n"
     "Applies every pending migration in order under the advisory lock 72707369\n"
     "(shared with Prisma). A migration without non-transactional statements runs in\n"
     "one transaction together with its _prisma_migrations row. Refuses while a\n"
     "migration is failed (P3009) and on a non-empty database without history (P3005).\n"
     "\n"
     "Lint findings for the migrations about to be applied are printed (never blocking).\n"
     "\n"
     "  --dry-run            print the plan (statements, transactions); change nothing\n"
     "  --lock-wait SECONDS  how long to wait for the lock (default 10)\n"
     "  --no-lint            do not lint the pending migrations\n"},
    {"status", cmd_status, NEED_CONFIG | NEED_MIGRATIONS,
     "Show applied, pending, failed, rolled back, edited and missing migrations",
     "pgmig status [-v]\n"
     "\n"
     "Exit 0 only when the database is up to date with the migrations directory.\n"
     "  -v, --verbose        list every migration, not only those needing attention\n"},
    {"resolve", cmd_resolve, NEED_CONFIG | NEED_MIGRATIONS,
     "Record a failed migration as applied or rolled back (Prisma's rules)",
     "pgmig resolve --applied NAME | --rolled-back NAME [--force]\n"
     "\n"
     "  --applied NAME       record NAME as applied (its failed rows are rolled back)\n"
     "  --rolled-back NAME   mark the failed rows of NAME rolled back, so deploy retries it\n"
     "  --force              record it even though the catalog contradicts the claim\n"
     "                       (by default --applied refuses when an effect of NAME is absent,\n"
     "                       --rolled-back when one is still present)\n"},
    {"diagnose", cmd_diagnose, NEED_CONFIG | NEED_MIGRATIONS,
     "Explain a failed migration statement by statement from the catalog",
     "pgmig diagnose [NAME] [-v]\n"
     "\n"
     "Checks every statement of the failed migration (or NAME) against the live catalog:\n"
     "present, absent, differs, or unknown (with why), then a verdict (applied,\n"
     "not_applied, partial) and the exact next commands. Read-only.\n"
     "  -v, --verbose        show every check and what the catalog holds\n"},
    {"repair", cmd_repair, NEED_CONFIG | NEED_MIGRATIONS,
     "Complete or undo a failed or half-applied migration, verified",
     "pgmig repair [NAME] [--dry-run] [--strategy forward|backward] [--accept-data-loss]\n"
     "\n"
     "forward: runs only the statements whose effects are absent, verifies every\n"
     "postcondition, and records the migration applied, in one transaction.\n"
     "backward: undoes the effects that are present, verifies, and marks it rolled\n"
     "back so deploy can run the fixed file. By default forward when every remaining\n"
     "statement is checkable, else backward when that is safe, else it refuses and\n"
     "says what a human must decide. Prints every SQL statement it runs.\n"
     "  --dry-run            show the diagnosis and the plan; change nothing\n"
     "  --strategy S         forward or backward\n"
     "  --accept-data-loss   allow backward to drop tables/columns that hold data\n"},
    {"validate", cmd_validate, NEED_CONFIG | NEED_MIGRATIONS,
     "Replay every migration on a shadow database, with exact error locations",
     "pgmig validate [--shadow-url URL]\n"
     "\n"
     "Parses every migration (all syntax errors are reported before any database is\n"
     "touched), then replays the whole history on a shadow database exactly as deploy\n"
     "runs it. The shadow: --shadow-url (or shadowDatabaseUrl), reset before and after;\n"
     "else a temporary pgmig_shadow_* database on the target's server when its role may\n"
     "create databases; else the embedded local PostgreSQL. Always dropped afterwards.\n"
     "A failure (P3006) points at the token PostgreSQL blames, and says which earlier\n"
     "migration created, renamed or dropped a missing or duplicate object.\n"
     "  --shadow-url URL     the database to replay into (never the target)\n"},
    {"check", cmd_check, NEED_CONFIG | NEED_MIGRATIONS,
     "Everything CI and a pre-commit hook should verify, every problem listed",
     "pgmig check [--shadow-url URL] [--install-hook [--force]]\n"
     "\n"
     "Checks that every migration parses, that the history replays on a shadow\n"
     "database, that lint finds no error, and, with a target configured, that no\n"
     "applied migration was edited or is missing locally and none is failed.\n"
     "Non-zero exit when anything is wrong.\n"
     "  --install-hook       write .git/hooks/pre-commit running `pgmig check`\n"
     "  --force              replace an existing pre-commit hook\n"},
    {"lint", cmd_lint, NEED_CONFIG | NEED_MIGRATIONS,
     "Find unsafe and non-idempotent statements in migrations (no database needed)",
     "pgmig lint [PATH...] [--pg-version N] [--disable ID[,ID...]] [--json]\n"
     "pgmig lint --list | --explain ID\n"
     "\n"
     "Lints the migrations directory (or the given directories and files) in history\n"
     "order, knowing which tables earlier migrations created and how pgmig will run\n"
     "each file (transactions, statements run alone). Findings print as\n"
     "file:line:col: severity[rule] message. Exit 1 when a finding is an error.\n"
     "Suppress with a `-- pgmig-lint-disable ID` comment on the statement (or\n"
     "`-- pgmig-lint-disable-file ID`), or [lint] disable = [...] in pgmig.toml.\n"
     "  --pg-version N       server version the migrations run on (default: current)\n"
     "  --disable ID[,ID]    turn rules off (repeatable)\n"
     "  --list               list the rules\n"
     "  --explain ID         why a rule matters, the safe alternative, examples\n"},
    {"diff", cmd_diff, NEED_CONFIG,
     "Compare two schemas; print the differences or the SQL between them",
     "pgmig diff --from SRC --to SRC [--script] [--exit-code] [--shadow-url URL]\n"
     "\n"
     "SRC is one of: empty, migrations:DIR, url:URL, url:env:VAR, sql:FILE.\n"
     "Migrations and SQL files are applied to a shadow database (as validate does)\n"
     "and read back from the catalog. Renames are not guessed.\n"
     "  --script             print the SQL that turns FROM into TO\n"
     "  --exit-code          exit 0 when no difference, 2 when different, 1 on error\n"},
    {"drift", cmd_drift, NEED_CONFIG | NEED_MIGRATIONS,
     "Compare the database with what its applied migrations create",
     "pgmig drift [--script adopt|revert] [--shadow-url URL]\n"
     "\n"
     "Replays the applied migrations on a shadow database and compares the result with\n"
     "the live target: objects created by hand, objects missing, definitions changed.\n"
     "Exit 1 on drift.\n"
     "  --script adopt       write a new migration recording the drift, marked applied\n"
     "  --script revert      print the SQL that brings the database back to the history\n"},
    {"execute", cmd_execute, NEED_CONFIG,
     "Run a SQL script against the target (Prisma's db execute)",
     "pgmig execute --file FILE | --stdin\n"
     "\n"
     "Runs the script in one transaction (statements that cannot run in a transaction\n"
     "run alone, in order). Errors point at file:line:col.\n"},
    {"baseline", cmd_baseline, NEED_CONFIG | NEED_MIGRATIONS,
     "Record migrations as applied without running them (adopt an existing database)",
     "pgmig baseline [--up-to NAME]\n"
     "\n"
     "Records every local migration (or those up to and including NAME) as applied,\n"
     "in one transaction, creating _prisma_migrations if needed. The way out of P3005.\n"},
    {"inspect", cmd_inspect, NEED_CONFIG | HIDDEN,
     "Print the schema model read from the target's catalog (for debugging)",
     "pgmig inspect [--schema-name NAME]... [--json]\n"
     "\n"
     "Reads the target's schemas (each --schema-name, else the URL's ?schema=, else every\n"
     "schema) the way diff and drift do, and prints the model's line-oriented dump; with\n"
     "--json, {\"dump\": \"...\"}. For debugging and tests; the output may change.\n"
     "  --schema-name NAME   read this schema (repeatable)\n"},
    {"local", cmd_local, 0, "Manage the embedded local PostgreSQL (start|stop|status|url)",
     "pgmig local start|stop|status|url\n"
     "\n"
     "The embedded database lives in .pgmig/local/ and is used when no target is\n"
     "configured (no --url, $DATABASE_URL or datasource url).\n"},
};

static void print_help(FILE *f)
{
    fprintf(f, "pgmig %s - PostgreSQL migrations, compatible with Prisma Migrate\n\n",
            PGMIG_VERSION);
    fputs("Usage: pgmig [options] <command> [command options]\n\nCommands:\n", f);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (!(commands[i].needs & HIDDEN))
            fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nOptions (anywhere on the command line):\n"
          "  --url URL           target database (else $DATABASE_URL, else the schema's\n"
          "                      datasource, else the embedded local PostgreSQL)\n"
          "  --schema FILE       schema.prisma: its datasource, and the migrations beside it\n"
          "  --migrations DIR    migrations directory (else beside --schema, else\n"
          "                      ./prisma/migrations, else ./migrations)\n"
          "  --json              one JSON document on stdout\n"
          "  --lock-wait SECONDS how long to wait for the migration lock (default 10)\n"
          "  -v, --verbose       more detail; -q, --quiet  fewer notes\n"
          "  --color WHEN        auto (default), always, never; NO_COLOR is respected\n"
          "\nExit codes: 0 success/clean, 1 failed or action needed, 2 usage error,\n"
          "3 environment error (connection, missing file or directory, permission).\n"
          "\nRun `pgmig <command> --help` for a command's options.\n",
          f);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* Match --name VALUE / --name=VALUE; advances *i past a separate value. */
static int take_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n))
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        *value = NULL;
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int main(int argc, char **argv)
{
    struct cmd_ctx ctx;
    struct pm_err e = PM_ERR_INIT;
    char **rest_base = xcalloc((size_t)argc + 1, sizeof(char *));
    char **rest = rest_base;
    int nrest = 0, want_help = 0, want_version = 0, rc;
    const char *lock_wait = NULL, *bad = NULL;

    memset(&ctx, 0, sizeof ctx);
    ctx.lock_wait = 10;
    buf_init(&ctx.doc);

    /* Pass 1: take the global options out, wherever they are. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        int t;
        if (!strcmp(a, "--")) {
            while (i < argc)
                rest[nrest++] = argv[i++];
            break;
        }
        if ((t = take_value(argc, argv, &i, "--url", &v)) != 0)
            ctx.opt_url = v;
        else if ((t = take_value(argc, argv, &i, "--schema", &v)) != 0)
            ctx.opt_schema = v;
        else if ((t = take_value(argc, argv, &i, "--migrations", &v)) != 0)
            ctx.opt_migrations = v;
        else if ((t = take_value(argc, argv, &i, "--lock-wait", &v)) != 0)
            lock_wait = v;
        else if ((t = take_value(argc, argv, &i, "--color", &v)) != 0)
            ctx.opt_color = v;
        else if (!strcmp(a, "--no-color"))
            ctx.opt_color = "never";
        else if (!strcmp(a, "--json"))
            ctx.json = 1;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
            ctx.verbose = 1;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
            ctx.quiet = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            want_help = 1;
        else if (!strcmp(a, "--version"))
            want_version = 1;
        else
            rest[nrest++] = argv[i];
        if (t < 0 && !bad)
            bad = a;
    }
    out_init(ctx.json, ctx.verbose, ctx.quiet, ctx.opt_color);

    const struct command *cmd = NULL;
    /* Prisma's spellings work too: `pgmig migrate deploy`, `pgmig db execute`. */
    if (nrest > 1 && (!strcmp(rest[0], "migrate") || !strcmp(rest[0], "db"))) {
        rest++;
        nrest--;
    }
    if (nrest > 0 && !strcmp(rest[0], "help")) {
        want_help = 1;
        if (nrest > 1)
            cmd = find_command(rest[1]);
        nrest = 0;
    }
    if (want_version) {
        printf("pgmig %s\n", PGMIG_VERSION);
        rc = 0;
        goto out;
    }
    if (nrest == 0 && !cmd) {
        print_help(want_help ? stdout : stderr);
        rc = want_help ? 0 : PM_EXIT_USAGE;
        goto out;
    }
    if (!cmd)
        cmd = find_command(rest[0]);
    ctx.command = cmd ? cmd->name : rest[0];
    if (!cmd) {
        pm_err_set(&e, PM_EXIT_USAGE, "unknown command `%s`", rest[0]);
        pm_err_next(&e, "pgmig --help   # lists the commands");
        rc = cmd_finish(&ctx, &e);
        goto out;
    }
    if (want_help) {
        printf("%s - %s\n\nUsage: %s", cmd->name, cmd->summary, cmd->usage);
        rc = 0;
        goto out;
    }
    if (bad) {
        cmd_usage_error(&ctx, &e, "option %s needs a value", bad);
        rc = cmd_finish(&ctx, &e);
        goto out;
    }
    if (ctx.opt_color && strcmp(ctx.opt_color, "auto") && strcmp(ctx.opt_color, "always") &&
        strcmp(ctx.opt_color, "never")) {
        cmd_usage_error(&ctx, &e, "--color must be auto, always or never, not `%s`", ctx.opt_color);
        rc = cmd_finish(&ctx, &e);
        goto out;
    }
    if (lock_wait) {
        char *end;
        ctx.lock_wait = strtod(lock_wait, &end);
        if (*end || end == lock_wait || ctx.lock_wait < 0) {
            cmd_usage_error(&ctx, &e, "--lock-wait needs a number of seconds, not `%s`", lock_wait);
            rc = cmd_finish(&ctx, &e);
            goto out;
        }
    }

    if (((cmd->needs & NEED_CONFIG) && setup_schema(&ctx, &e)) ||
        ((cmd->needs & NEED_MIGRATIONS) && setup_migrations(&ctx, &e))) {
        rc = cmd_finish(&ctx, &e);
        goto out;
    }
    /* Parse command options before connecting (so usage errors never wait on a
     * database); the command resolves the target itself through cmd_connect. */
    rc = cmd->fn(&ctx, nrest, rest);
out:
    pm_err_release(&e);
    cmd_ctx_release(&ctx);
    free(rest_base);
    return rc;
}
