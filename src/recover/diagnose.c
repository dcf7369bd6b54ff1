/*
 * diagnose.c - checking statement postconditions against the catalog
 * (see diagnose.h).
 */
#include "recover/diagnose.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/quote.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case V_APPLIED:
        return "applied";
    case V_NOT_APPLIED:
        return "not_applied";
    case V_PARTIAL:
        return "partial";
    case V_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *stmt_state_name(enum stmt_state s)
{
    switch (s) {
    case SS_PRESENT:
        return "present";
    case SS_ABSENT:
        return "absent";
    case SS_DIFFERS:
        return "differs";
    case SS_NONE:
        return "none";
    case SS_UNKNOWN:
        break;
    }
    return "unknown";
}

/* "schema"."name" or "name", as regclass/regtype input. */
static char *qualified(const char *schema, const char *name)
{
    struct buf b = BUF_INIT;
    if (schema) {
        buf_add_ident(&b, schema);
        buf_addch(&b, '.');
    }
    buf_add_ident(&b, name);
    return buf_detach(&b, NULL);
}

/* A dotted type name ("pg_catalog.varchar") quoted part by part, plus [] per dimension. */
static char *type_text(const struct effect *f)
{
    struct buf b = BUF_INIT;
    const char *p = f->type_name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        char *part = xstrndup(p, len);
        if (b.len)
            buf_addch(&b, '.');
        buf_add_ident(&b, part);
        free(part);
        p += len + (dot ? 1 : 0);
    }
    for (int i = 0; i < f->array_dims; i++)
        buf_adds(&b, "[]");
    return buf_detach(&b, NULL);
}

/*
 * The atttypmod PostgreSQL stores for the typmods as written, for the types
 * whose encoding is fixed (see each type's typmodin); -1 when none were
 * written; INT_MIN when pgmig does not know the encoding (not compared).
 */
static long expected_typmod(const struct effect *f)
{
    if (f->n_typmods == 0)
        return -1;
    const char *base = strrchr(f->type_name, '.');
    base = base ? base + 1 : f->type_name;
    if (!strcasecmp(base, "varchar") || !strcasecmp(base, "bpchar"))
        return f->n_typmods == 1 ? f->typmods[0] + 4 : -2;
    if (!strcasecmp(base, "numeric"))
        return f->n_typmods == 1 ? ((long)f->typmods[0] << 16) + 4
                                 : (((long)f->typmods[0] << 16) | f->typmods[1]) + 4;
    if (!strcasecmp(base, "timestamp") || !strcasecmp(base, "timestamptz") ||
        !strcasecmp(base, "time") || !strcasecmp(base, "timetz") || !strcasecmp(base, "bit") ||
        !strcasecmp(base, "varbit"))
        return f->n_typmods == 1 ? f->typmods[0] : -2;
    return -2;
}

/* One catalog query per effect; each returns one row: (holds boolean, found text). */
static void add_check(struct pg_batch *b, const struct effect *f)
{
    char *rel = qualified(f->schema, f->name);
    char flag[16], typmod[24], nargs[16];
    char contype[2] = {f->contype ? f->contype : 'c', 0};
    char typkind[2] = {f->typkind, 0};
    const char *p[6] = {0};
    int n = 0;
    const char *sql = NULL;
    char *typ = NULL, *nsp = NULL, *refname = NULL;

    snprintf(flag, sizeof flag, "%s", f->flag ? "true" : "false");
    switch (f->kind) {
    case EFF_SCHEMA:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1), NULL";
        p[n++] = f->name;
        break;
    case EFF_RELATION:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
              "WHERE c.oid = pg_catalog.to_regclass($1) "
              "AND pg_catalog.strpos($2, c.relkind::text) > 0), NULL";
        p[n++] = rel;
        p[n++] = f->relkinds[0] ? f->relkinds : "rpvmSf";
        break;
    case EFF_COLUMN:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute "
              "WHERE attrelid = pg_catalog.to_regclass($1) AND attname = $2 "
              "AND attnum > 0 AND NOT attisdropped), NULL";
        p[n++] = rel;
        p[n++] = f->sub;
        break;
    case EFF_COLUMN_TYPE: {
        long tm = expected_typmod(f);
        typ = type_text(f);
        if (tm >= -1)
            snprintf(typmod, sizeof typmod, "%ld", tm);
        sql = "SELECT coalesce(bool_or(a.atttypid = pg_catalog.to_regtype($3) "
              "  AND ($4::int IS NULL OR a.atttypmod = $4::int)), false), "
              "  max(pg_catalog.format_type(a.atttypid, a.atttypmod)) "
              "FROM pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass($1) "
              "AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped";
        p[n++] = rel;
        p[n++] = f->sub;
        p[n++] = typ;
        p[n++] = tm >= -1 ? typmod : NULL;
        break;
    }
    case EFF_COLUMN_NOTNULL:
    case EFF_COLUMN_DEFAULT:
        sql = f->kind == EFF_COLUMN_NOTNULL
                  ? "SELECT coalesce(bool_or(attnotnull = $3::bool), false), NULL "
                    "FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass($1) "
                    "AND attname = $2 AND attnum > 0 AND NOT attisdropped"
                  : "SELECT coalesce(bool_or(atthasdef = $3::bool), false), NULL "
                    "FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass($1) "
                    "AND attname = $2 AND attnum > 0 AND NOT attisdropped";
        p[n++] = rel;
        p[n++] = f->sub;
        p[n++] = flag;
        break;
    case EFF_CONSTRAINT:
        if (f->sub) {
            sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint "
                  "WHERE conrelid = pg_catalog.to_regclass($1) AND conname = $2 "
                  "AND ($3 = '' OR contype = $3)), NULL";
            p[n++] = rel;
            p[n++] = f->sub;
            p[n++] = f->contype ? contype : "";
        } else {
            /* unnamed: match the kind, the column set and (for a foreign key) the target */
            sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
                  "WHERE c.conrelid = pg_catalog.to_regclass($1) AND c.contype = $2 "
                  "AND ($3 = '' OR (SELECT array_agg(a.attname::text ORDER BY a.attname) "
                  "     FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.conrelid "
                  "     AND a.attnum = ANY (c.conkey)) "
                  "   = (SELECT array_agg(x ORDER BY x) FROM "
                  "      pg_catalog.unnest(pg_catalog.string_to_array($3, ',')) x)) "
                  "AND ($4 = '' OR c.confrelid = pg_catalog.to_regclass($4))), NULL";
            refname = f->ref ? qualified(f->ref_schema, f->ref) : NULL;
            p[n++] = rel;
            p[n++] = contype;
            p[n++] = f->columns ? f->columns : "";
            p[n++] = refname ? refname : "";
        }
        break;
    case EFF_INDEX:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index "
              "                WHERE indexrelid = pg_catalog.to_regclass($1)), "
              "  (SELECT CASE WHEN indisvalid THEN 'valid' ELSE 'INVALID' END "
              "   FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass($1))";
        p[n++] = rel;
        break;
    case EFF_TYPE:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_type t "
              "WHERE t.oid = pg_catalog.to_regtype($1) AND ($2 = '' OR t.typtype = $2)), NULL";
        p[n++] = rel;
        p[n++] = typkind;
        break;
    case EFF_ENUM_VALUE:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_enum "
              "WHERE enumtypid = pg_catalog.to_regtype($1) AND enumlabel = $2), NULL";
        p[n++] = rel;
        p[n++] = f->sub;
        break;
    case EFF_EXTENSION:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = $1), NULL";
        p[n++] = f->name;
        break;
    case EFF_FUNCTION:
        nsp = f->schema ? quote_ident(f->schema) : xstrdup("");
        snprintf(nargs, sizeof nargs, "%d", f->nargs);
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.proname = $2 "
              "AND CASE WHEN $1 = '' THEN pg_catalog.pg_function_is_visible(p.oid) "
              "         ELSE p.pronamespace = pg_catalog.to_regnamespace($1) END "
              "AND ($3::int < 0 OR p.pronargs = $3::int)), NULL";
        p[n++] = nsp;
        p[n++] = f->name;
        p[n++] = nargs;
        break;
    case EFF_TRIGGER:
        sql = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger "
              "WHERE tgrelid = pg_catalog.to_regclass($1) AND tgname = $2 AND NOT tgisinternal), "
              "NULL";
        p[n++] = rel;
        p[n++] = f->sub;
        break;
    }
    /* pg_batch_add copies the text and every parameter */
    pg_batch_add(b, sql, strlen(sql), n, p);
    free(rel);
    free(typ);
    free(nsp);
    free(refname);
}

/* Do two effects name the same object (an unqualified name matches any schema)? */
static int same_name(const char *s1, const char *n1, const char *s2, const char *n2)
{
    if (!n1 || !n2 || strcmp(n1, n2))
        return 0;
    return !s1 || !s2 || !strcmp(s1, s2);
}

static int is_column_kind(enum eff_kind k)
{
    return k == EFF_COLUMN || k == EFF_COLUMN_TYPE || k == EFF_COLUMN_NOTNULL ||
           k == EFF_COLUMN_DEFAULT;
}

/* Does `later` (a later statement's effect) undo or replace `earlier`? */
static int supersedes(const struct effect *later, const struct effect *earlier)
{
    if (later->kind == EFF_SCHEMA && !later->present)
        return earlier->schema && !strcmp(earlier->schema, later->name);
    if (later->kind == EFF_RELATION && !later->present) {
        if (earlier->kind == EFF_INDEX)
            return earlier->ref && !strcmp(earlier->ref, later->name);
        return (earlier->kind == EFF_RELATION || is_column_kind(earlier->kind) ||
                earlier->kind == EFF_CONSTRAINT || earlier->kind == EFF_TRIGGER) &&
               same_name(earlier->schema, earlier->name, later->schema, later->name);
    }
    if (later->kind == EFF_TYPE && !later->present)
        return (earlier->kind == EFF_TYPE || earlier->kind == EFF_ENUM_VALUE) &&
               same_name(earlier->schema, earlier->name, later->schema, later->name);
    if (later->kind == EFF_COLUMN && !later->present)
        return is_column_kind(earlier->kind) && earlier->sub && later->sub &&
               !strcmp(earlier->sub, later->sub) &&
               same_name(earlier->schema, earlier->name, later->schema, later->name);
    if (later->kind != earlier->kind)
        return 0;
    if (!same_name(earlier->schema, earlier->name, later->schema, later->name))
        return 0;
    if ((earlier->sub == NULL) != (later->sub == NULL) ||
        (earlier->sub && strcmp(earlier->sub, later->sub)))
        return 0;
    /* the same object: opposite polarity, or a later value for a column property */
    return later->present != earlier->present || later->kind == EFF_COLUMN_TYPE ||
           later->kind == EFF_COLUMN_NOTNULL || later->kind == EFF_COLUMN_DEFAULT;
}

static int text_true(const char *v)
{
    return v && v[0] == 't';
}

/* Does any statement after i have an effect superseding check ch? (present: only PRESENT ones) */
static int superseded_later(const struct diagnosis *d, size_t i, const struct effect *f,
                            int only_present)
{
    for (size_t j = i + 1; j < d->n; j++) {
        const struct stmt_diag *later = &d->v[j];
        if (only_present && later->state != SS_PRESENT)
            continue;
        for (size_t lc = 0; lc < later->n_checks; lc++)
            if (supersedes(later->checks[lc].eff, f))
                return 1;
    }
    return 0;
}

/* Does effect f (of statement i) remove something an earlier statement created? */
static int removes_earlier(const struct diagnosis *d, size_t i, const struct effect *f)
{
    for (size_t j = 0; j < i; j++)
        for (size_t c = 0; c < d->v[j].n_checks; c++)
            if (supersedes(f, d->v[j].checks[c].eff))
                return 1;
    return 0;
}

/* Fill each check from the batch results, then derive statement states. */
static void evaluate(struct diagnosis *d, struct pg_batch *b)
{
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        struct stmt_diag *sd = &d->v[i];
        for (size_t c = 0; c < sd->n_checks; c++, k++) {
            struct check *ch = &sd->checks[c];
            const struct pg_result *r = b->results ? b->results[k] : NULL;
            const char *holds = r && pg_nrows(r) ? pg_val(r, 0, 0) : NULL;
            const char *found = r && pg_nrows(r) ? pg_val(r, 0, 1) : NULL;
            int exists = text_true(holds);
            free(ch->found);
            ch->found = xstrdup(found);
            ch->implied = 0;
            ch->ambiguous = 0;
            ch->invalid_index = 0;
            if (ch->eff->kind == EFF_COLUMN_NOTNULL || ch->eff->kind == EFF_COLUMN_DEFAULT ||
                ch->eff->kind == EFF_COLUMN_TYPE) {
                ch->established = exists; /* the query already compared with the target */
            } else {
                ch->established = exists == ch->eff->present;
                if (ch->eff->kind == EFF_INDEX && exists && ch->eff->present && ch->eff->flag &&
                    found && !strcmp(found, "INVALID")) {
                    ch->established = 0;
                    ch->invalid_index = 1;
                }
            }
        }
    }

    /* From the last statement back: supersession and ambiguity, then the state. */
    for (size_t i = d->n; i-- > 0;) {
        struct stmt_diag *sd = &d->v[i];
        sd->invalid_index = 0;
        sd->reason = sd->fx->reason;
        if (sd->fx->cls != EFFC_CHECKABLE || sd->n_checks == 0) {
            sd->state = sd->fx->cls == EFFC_NONE ? SS_NONE : SS_UNKNOWN;
            continue;
        }
        size_t est = 0, clear = 0;
        for (size_t c = 0; c < sd->n_checks; c++) {
            struct check *ch = &sd->checks[c];
            if (!ch->eff->present && ch->established && removes_earlier(d, i, ch->eff)) {
                ch->ambiguous = 1; /* absent whether or not this statement ran */
            } else if (!ch->established && superseded_later(d, i, ch->eff, 0)) {
                if (superseded_later(d, i, ch->eff, 1))
                    ch->established = ch->implied = 1;
                else
                    ch->ambiguous = 1; /* gone whether or not both statements ran */
            }
            if (ch->ambiguous)
                continue;
            clear++;
            est += ch->established;
            sd->invalid_index |= ch->invalid_index;
        }
        if (clear == 0) {
            sd->state = SS_UNKNOWN;
            sd->reason = "creates or removes only what other statements of this migration "
                         "remove or create";
            continue;
        }
        sd->state = est == clear ? SS_PRESENT : est == 0 ? SS_ABSENT : SS_DIFFERS;
        /* an INVALID index left by a failed CONCURRENTLY is "absent", to be rebuilt */
        if (sd->state == SS_DIFFERS && sd->invalid_index && est + 1 == clear)
            sd->state = SS_ABSENT;
    }

    /* The applied prefix, for statements the catalog cannot tell about. */
    d->present = d->absent = d->differs = d->unknown = d->checkable = 0;
    for (size_t i = 0; i < d->n; i++) {
        struct stmt_diag *sd = &d->v[i];
        switch (sd->state) {
        case SS_PRESENT:
            d->present++, d->checkable++;
            break;
        case SS_ABSENT:
            d->absent++, d->checkable++;
            break;
        case SS_DIFFERS:
            d->differs++, d->checkable++;
            break;
        case SS_UNKNOWN:
            d->unknown++;
            /* fall through */
        case SS_NONE: {
            int later_present = 0, earlier_absent = 0;
            for (size_t j = i + 1; j < d->n; j++)
                later_present |= d->v[j].state == SS_PRESENT;
            for (size_t j = 0; j < i; j++)
                earlier_absent |= d->v[j].state == SS_ABSENT;
            int after_failure = d->failed_stmt >= 0 && (long)i >= d->failed_stmt;
            sd->implied = later_present ? 1 : (earlier_absent || after_failure) ? 0 : -1;
            break;
        }
        }
    }
    if (d->checkable == 0)
        d->verdict = V_UNKNOWN;
    else if (d->present == d->checkable)
        d->verdict = V_APPLIED;
    else if (d->absent == d->checkable)
        d->verdict = V_NOT_APPLIED;
    else
        d->verdict = V_PARTIAL;
}

int diagnose_recheck(struct pg_conn *c, struct diagnosis *d, struct pm_err *e)
{
    struct pg_batch b;
    struct pg_batch_result br;
    pg_batch_init(&b);
    b.keep_results = 1;
    for (size_t i = 0; i < d->n; i++)
        for (size_t k = 0; k < d->v[i].n_checks; k++)
            add_check(&b, d->v[i].checks[k].eff);
    int rc = pg_batch_run(c, &b, &br, e);
    if (rc == 0)
        evaluate(d, &b);
    else
        pm_err_prefix(e, "could not check the catalog");
    pg_batch_release(&b);
    return rc;
}

int diagnose_migration(struct pg_conn *c, const struct migration *m, const struct hist_row *row,
                       struct diagnosis *d, struct pm_err *e)
{
    memset(d, 0, sizeof(*d));
    d->m = m;
    if (sql_script_parse(&d->script, m->path, m->text, m->len, e))
        return -1;
    d->fx = effects_of_script(&d->script);
    d->n = d->script.n;
    d->v = xcalloc(d->n ? d->n : 1, sizeof(*d->v));
    for (size_t i = 0; i < d->n; i++) {
        struct stmt_diag *sd = &d->v[i];
        sd->index = i;
        sd->line = d->script.stmts[i].line;
        sd->kind = d->script.stmts[i].kind;
        sd->fx = &d->fx[i];
        sd->implied = -1;
        if (sd->fx->cls == EFFC_CHECKABLE && sd->fx->n) {
            sd->n_checks = sd->fx->n;
            sd->checks = xcalloc(sd->n_checks, sizeof(*sd->checks));
            for (size_t k = 0; k < sd->n_checks; k++)
                sd->checks[k].eff = &sd->fx->v[k];
        }
    }
    d->file_changed = row && !migration_checksum_matches(m, row->checksum);
    d->failed_stmt = -1;
    long nth;
    size_t total;
    /* pgmig's own failure record (apply.c): "pgmig: statement N of M failed (...)" */
    if (row && !d->file_changed && row->logs &&
        sscanf(row->logs, "pgmig: statement %ld of %zu failed", &nth, &total) == 2 &&
        total == d->n && nth >= 1)
        d->failed_stmt = nth - 1;
    d->server_version = pg_server_version(c);
    return diagnose_recheck(c, d, e);
}

void diagnosis_release(struct diagnosis *d)
{
    for (size_t i = 0; i < d->n; i++) {
        for (size_t k = 0; k < d->v[i].n_checks; k++)
            free(d->v[i].checks[k].found);
        free(d->v[i].checks);
    }
    free(d->v);
    if (d->fx)
        effects_release(d->fx, d->n);
    sql_script_release(&d->script);
    memset(d, 0, sizeof(*d));
}

void diagnosis_summary(const struct diagnosis *d, struct buf *out)
{
    buf_addf(out, "%s: ", verdict_name(d->verdict));
    size_t i = 0, groups = 0;
    while (i < d->n) {
        enum stmt_state st = d->v[i].state;
        size_t j = i;
        while (j + 1 < d->n && d->v[j + 1].state == st)
            j++;
        if (st != SS_NONE) {
            buf_addf(out, "%s%s %zu", groups++ ? "; " : "", j > i ? "statements" : "statement",
                     i + 1);
            if (j > i)
                buf_addf(out, "-%zu", j + 1);
            buf_addf(out, " %s", stmt_state_name(st));
        }
        i = j + 1;
    }
    if (!groups)
        buf_adds(out, "no statements");
}

long diagnosis_first(const struct diagnosis *d, enum stmt_state st)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].state == st)
            return (long)i;
    return -1;
}
