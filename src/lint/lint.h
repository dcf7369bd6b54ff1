/*
 * lint.h - `pgmig lint`: the rules (ids, severities, explanations), and
 * linting migrations the way pgmig will run them: in history order, knowing
 * which tables earlier statements and migrations created (from the effects of
 * sql/effects.h), how each file is split into transactions (history/plan.h) on
 * which server version, with suppression comments and pgmig.toml.
 *
 * For the integrator: `deploy` lints the pending migrations with
 * lint_migrations(d, first_pending, ...) and prints them with
 * lint_print_human (warnings never block a deploy); `check` fails when
 * report.errors > 0. Neither needs a database.
 */
#ifndef PGMIG_LINT_LINT_H
#define PGMIG_LINT_LINT_H

#include "history/migdir.h"
#include "sql/lint_rules.h"
#include "util/err.h"
#include "util/json.h"

#include <stddef.h>
#include <stdio.h>

enum lint_severity {
    LINT_SEV_ERROR,      /* fails at deploy time or loses data unasked: exit 1 */
    LINT_SEV_WARNING,    /* locks, rewrites, breaking or style problems */
    LINT_SEV_SUGGESTION, /* worth doing (re-runnable statements) */
};

/* What `pgmig lint --explain ID` and docs/lint.md say about a rule. */
struct lint_rule_info {
    enum lint_rule rule;
    enum lint_severity severity;
    const char *id;      /* stable kebab-case id (squawk's where the meaning matches) */
    const char *summary; /* one line, for --list */
    const char *why;     /* the paragraph: what goes wrong, and the safe alternative */
    const char *help;    /* one line printed under each finding */
    /* Examples, also tested (tests/unit/test_lint.c and docs/lint.md): lines
     * `-- migration: NAME` split an example into a migrations directory
     * (history order); without them it is one file linted on its own. */
    const char *failing;
    const char *passing;
};

/* Every rule, in documentation order (index = enum lint_rule). */
const struct lint_rule_info *lint_rule_info(enum lint_rule r);
/* The rule with this id, or NULL. */
const struct lint_rule_info *lint_rule_by_id(const char *id);
const char *lint_severity_name(enum lint_severity s); /* "error", "warning", "suggestion" */

struct lint_opts {
    /* server_version_num the migrations will run on (e.g. 150004); 0 means a
     * current server: version-dependent rules assume PostgreSQL 12 or later. */
    int pg_version;
    unsigned char disabled[LINT_RULE_COUNT]; /* 1: the rule is off */
};

void lint_opts_init(struct lint_opts *o);

/* "15", "15.4", "9.6", "150004" -> server_version_num; -1 when unreadable. */
int lint_parse_pg_version(const char *s);

/* Turn off the comma-separated rule ids in `list`; -1 (PM_EXIT_USAGE) naming an
 * unknown id. `where` (e.g. "--disable" or "pgmig.toml:3") prefixes the error. */
int lint_disable_list(struct lint_opts *o, const char *list, const char *where, struct pm_err *e);

/*
 * Read ./pgmig.toml, else ./.pgmig.toml, when one exists: its [lint] table
 * takes `disable = ["rule-id", ...]` and `pg_version = 15` (or "15.4").
 * Other tables are ignored; an unknown key in [lint], an unknown rule id or a
 * value that cannot be read is an error (PM_EXIT_USAGE, located in the file).
 * *path (may be NULL) is set to the file read, or NULL; caller frees.
 * Returns 0 (also when there is no file) or -1.
 */
int lint_config_load(struct lint_opts *o, char **path, struct pm_err *e);

struct lint_finding {
    enum lint_rule rule;
    enum lint_severity severity;
    char *file;      /* path of the file */
    char *migration; /* its migration folder; NULL for a file linted on its own */
    size_t stmt;     /* 0-based statement index (0 for a syntax error) */
    size_t offset;   /* byte offset of the token to blame in the file */
    int line, col;   /* 1-based; col in characters */
    char *message;
    char *src_line; /* that line of the file, without its newline */
};

struct lint_report {
    struct lint_finding *v; /* per file in order, within a file by position */
    size_t n, cap;
    size_t errors, warnings, suggestions;
    size_t by_rule[LINT_RULE_COUNT];
    size_t files;      /* files linted (reported on) */
    size_t statements; /* their statements */
    size_t suppressed; /* findings silenced by pgmig-lint-disable comments */
};

/*
 * Lint migrations d->v[from..n) in order, with d->v[0..from) as their history
 * (replayed for what they create, never reported on). Every file is parsed;
 * a syntax error is a finding (rule syntax-error), not a failure. Findings
 * are appended to r (zero it before the first call). Returns 0; -1 only
 * when `from` is out of range.
 *
 * Tables and columns referenced but created by no earlier migration are
 * reported (unknown-reference) because the history before them is complete.
 */
int lint_migrations(const struct migdir *d, size_t from, const struct lint_opts *o,
                    struct lint_report *r, struct pm_err *e);

/*
 * Lint one script on its own: every table it does not create counts as an
 * existing one, and references are not checked. `file` names it in findings.
 * This is the entry point the fuzz target drives.
 */
int lint_text(const char *file, const char *text, size_t len, const struct lint_opts *o,
              struct lint_report *r, struct pm_err *e);

/*
 * What `pgmig lint PATH...` lints: a directory is a migrations directory
 * (<dir>/<name>/migration.sql; or, without such folders, its *.sql files in
 * name order, as a history); a file <dir>/<name>/migration.sql inside a
 * migrations directory (one with migration_lock.toml) is linted with that
 * directory's history before it; any other file alone. Errors (PM_EXIT_ENV):
 * a path that does not exist or cannot be read.
 */
int lint_paths(char *const *paths, size_t n, const struct lint_opts *o, struct lint_report *r,
               struct pm_err *e);

void lint_report_release(struct lint_report *r);

/* Human output, like a compiler's: `file:line:col: severity[rule] message`, then
 * (with `excerpt`) the source line with a caret and the rule's help line. */
void lint_print_human(FILE *f, const struct lint_report *r, int excerpt);
/* One line: "2 errors, 5 warnings, 1 suggestion in 3 files (40 statements)". */
void lint_print_summary(FILE *f, const struct lint_report *r);

/* Add "findings": [...] and "counts": {...} to the JSON object being written. */
void lint_json(struct json *j, const struct lint_report *r);

#endif
