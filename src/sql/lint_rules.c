/*
 * lint_rules.c - the statement-level checks of `pgmig lint`, read from
 * libpg_query's parse trees (PostgreSQL 15 raw trees): hits and facts for
 * lint/lint.c, which decides them with the history and the plan.
 */
#include "sql/lint_rules.h"
#include "sql/tree.h"
#include "util/buf.h"
#include "util/mem.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated. */
#define NAME_MAX_BYTES 63

/* ---- building ------------------------------------------------------- */

struct lx {
    const struct sql_script *s;
    struct lint_scan *out;
    size_t i;       /* statement index */
    size_t start;   /* its first byte */
    int robust_hit; /* a PREFER_ROBUST_STMTS hit was made for this statement */
};

static int nz(const char *s)
{
    return s && *s;
}

static char *dup_nz(const char *s)
{
    return nz(s) ? xstrdup(s) : NULL;
}

/* A parse-tree location, or the statement's start when the node has none. */
static size_t at(const struct lx *x, int32_t location)
{
    if (location >= 0 && (size_t)location < x->s->len)
        return (size_t)location;
    return x->start;
}

static struct lint_hit *hit(struct lx *x, enum lint_rule rule, size_t offset,
                            const PgQuery__RangeVar *rel, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static struct lint_hit *hit(struct lx *x, enum lint_rule rule, size_t offset,
                            const PgQuery__RangeVar *rel, const char *fmt, ...)
{
    struct lint_scan *o = x->out;
    va_list ap;
    ALLOC_GROW(o->hits, o->n_hits + 1, o->cap_hits);
    struct lint_hit *h = &o->hits[o->n_hits++];
    memset(h, 0, sizeof(*h));
    h->rule = rule;
    h->stmt = x->i;
    h->offset = offset;
    va_start(ap, fmt);
    h->message = xvasprintf(fmt, ap);
    va_end(ap);
    if (rel) {
        h->schema = dup_nz(rel->schemaname);
        h->table = xstrdup(rel->relname ? rel->relname : "");
    }
    return h;
}

static struct lint_fact *fact(struct lx *x, enum lint_fact_kind kind, size_t offset,
                              const char *schema, const char *table, const char *column,
                              const char *name, int flag)
{
    struct lint_scan *o = x->out;
    ALLOC_GROW(o->facts, o->n_facts + 1, o->cap_facts);
    struct lint_fact *f = &o->facts[o->n_facts++];
    f->kind = kind;
    f->stmt = x->i;
    f->offset = offset;
    f->schema = dup_nz(schema);
    f->table = table ? xstrdup(table) : NULL;
    f->column = column ? xstrdup(column) : NULL;
    f->name = name ? xstrdup(name) : NULL;
    f->flag = flag;
    return f;
}

static void rel_fact(struct lx *x, enum lint_fact_kind kind, const PgQuery__RangeVar *rv,
                     const char *column, int flag)
{
    if (rv && nz(rv->relname))
        fact(x, kind, at(x, rv->location), rv->schemaname, rv->relname, column, NULL, flag);
}

/* "name" with embedded quotes doubled, as PostgreSQL would print it. */
static void addq(struct buf *b, const char *name)
{
    buf_addch(b, '"');
    for (const char *p = name ? name : ""; *p; p++) {
        if (*p == '"')
            buf_addch(b, '"');
        buf_addch(b, *p);
    }
    buf_addch(b, '"');
}

/* Quoted display names for messages: rotating buffers owned by the lx run. */
struct names {
    char *v[4];
    int next;
};

static const char *qn(struct names *n, const char *name)
{
    struct buf b = BUF_INIT;
    addq(&b, name);
    free(n->v[n->next]);
    n->v[n->next] = buf_detach(&b, NULL);
    const char *r = n->v[n->next];
    n->next = (n->next + 1) % 4;
    return r;
}

static const char *qrel(struct names *n, const PgQuery__RangeVar *rv)
{
    char *s = sql_range_var_name(rv);
    free(n->v[n->next]);
    n->v[n->next] = s ? s : xstrdup("\"?\"");
    const char *r = n->v[n->next];
    n->next = (n->next + 1) % 4;
    return r;
}

static void names_release(struct names *n)
{
    for (int k = 0; k < 4; k++)
        free(n->v[k]);
}

/* ---- a generic walk over the tree ------------------------------------ */

/* sql_tree_walk from a node; a part too deep to visit is left out. */
static int walk_node(const PgQuery__Node *n, sql_visit_fn fn, void *ud)
{
    return n ? sql_tree_walk(&n->base, fn, ud) : 0;
}

/* ---- types ---------------------------------------------------------- */

/* The last name of a type ("int4" of pg_catalog.int4), when it is either
 * unqualified or in pg_catalog; else NULL. */
static const char *builtin_type(const PgQuery__TypeName *tn)
{
    if (!tn || tn->pct_type || tn->n_names == 0 || tn->n_names > 2)
        return NULL;
    const char *last = sql_node_str(tn->names[tn->n_names - 1]);
    if (tn->n_names == 2) {
        const char *schema = sql_node_str(tn->names[0]);
        if (!schema || strcmp(schema, "pg_catalog") != 0)
            return NULL;
    }
    return last;
}

static int name_in(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static int is_serial(const PgQuery__TypeName *tn)
{
    static const char *const serials[] = {"serial",  "serial4",     "bigserial", "serial8",
                                          "serial2", "smallserial", NULL};
    /* PostgreSQL recognises only an unqualified single name */
    return tn && tn->n_names == 1 && !tn->pct_type && tn->n_array_bounds == 0 &&
           name_in(sql_node_str(tn->names[0]), serials);
}

/* A 32-bit or 16-bit integer (or serial) scalar type. */
static int is_small_int(const PgQuery__TypeName *tn)
{
    static const char *const small[] = {"int4",    "int2",        "serial", "serial4",
                                        "serial2", "smallserial", NULL};
    return tn && tn->n_array_bounds == 0 && name_in(builtin_type(tn), small);
}

static int is_char_type(const PgQuery__TypeName *tn)
{
    static const char *const chars[] = {"bpchar", NULL};
    return name_in(builtin_type(tn), chars);
}

static int is_timestamp(const PgQuery__TypeName *tn)
{
    static const char *const ts[] = {"timestamp", NULL};
    return name_in(builtin_type(tn), ts);
}

/* The type as a reader wrote it, for messages: varchar(20), int4[], "Role". */
static char *type_display(const PgQuery__TypeName *tn)
{
    struct buf b = BUF_INIT;
    const char *builtin = builtin_type(tn);
    if (builtin && strspn(builtin, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(builtin)) {
        buf_adds(&b, strcmp(builtin, "bpchar") == 0 ? "char" : builtin);
    } else {
        for (size_t i = 0; tn && i < tn->n_names; i++) {
            const char *s = sql_node_str(tn->names[i]);
            if (!s)
                continue;
            if (b.len)
                buf_addch(&b, '.');
            addq(&b, s);
        }
    }
    if (tn && tn->n_typmods) {
        buf_addch(&b, '(');
        for (size_t i = 0; i < tn->n_typmods; i++) {
            const PgQuery__Node *m = tn->typmods[i];
            if (i)
                buf_addch(&b, ',');
            if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL && m->a_const->ival)
                buf_addf(&b, "%d", m->a_const->ival->ival);
            else
                buf_addch(&b, '?');
        }
        buf_addch(&b, ')');
    }
    for (size_t d = 0; tn && d < tn->n_array_bounds; d++)
        buf_adds(&b, "[]");
    return buf_detach(&b, NULL);
}

/* Copy the type into a CHANGING_COLUMN_TYPE hit (as effects.h records types). */
static void hit_set_type(struct lint_hit *h, const PgQuery__TypeName *tn)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < tn->n_names; i++) {
        const char *s = sql_node_str(tn->names[i]);
        if (!s)
            continue;
        if (b.len)
            buf_addch(&b, '.');
        buf_adds(&b, s);
    }
    h->type_name = buf_detach(&b, NULL);
    h->array_dims = (int)tn->n_array_bounds;
    h->n_typmods = 0;
    if (tn->n_typmods > 2)
        return;
    for (size_t i = 0; i < tn->n_typmods; i++) {
        const PgQuery__Node *m = tn->typmods[i];
        if (!m || m->node_case != PG_QUERY__NODE__NODE_A_CONST ||
            m->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL || !m->a_const->ival) {
            h->n_typmods = -1; /* not plain integers: unknown */
            return;
        }
        h->typmods[i] = m->a_const->ival->ival;
    }
    h->n_typmods = (int)tn->n_typmods;
}

/* ---- identifiers ---------------------------------------------------- */

/* Bytes of name that fit in 63 without cutting a UTF-8 character (pg_mbcliplen). */
static size_t clip_len(const char *name)
{
    size_t n = NAME_MAX_BYTES;
    while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Could the text hold an identifier over 63 bytes: a run of 64 word bytes, or
 * 64 bytes between double quotes? A cheap test before running the scanner. */
static int may_have_long_ident(const char *t, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '"') {
            const char *q = memchr(t + i + 1, '"', len - i - 1);
            size_t end = q ? (size_t)(q - t) : len;
            if (end - i - 1 > NAME_MAX_BYTES)
                return 1;
            i = end;
            run = 0;
        } else if (isalnum(c) || c == '_' || c == '$' || c >= 0x80) {
            if (++run > NAME_MAX_BYTES)
                return 1;
        } else {
            run = 0;
        }
    }
    return 0;
}

/* The statement whose span holds byte `off` (the last one before it when none does). */
static size_t stmt_at(const struct sql_script *s, size_t off)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->stmts[mid].start + s->stmts[mid].len <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n ? lo : s->n - 1;
}

/*
 * Identifiers over 63 bytes. The parser has already truncated them in the
 * tree, so they are found in the scanner's tokens: each distinct name once,
 * where it first appears.
 */
static void long_identifiers(const struct sql_script *s, struct lint_scan *out)
{
    char **seen = NULL;
    size_t nseen = 0, cap = 0;
    if (!s->n || !may_have_long_ident(s->text, s->len) || memchr(s->text, '\0', s->len))
        return;
    char *copy = xstrndup(s->text, s->len);
    PgQueryScanResult sr = pg_query_scan(copy);
    PgQuery__ScanResult *r =
        sr.error ? NULL
                 : pg_query__scan_result__unpack(NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data);
    for (size_t i = 0; r && i < r->n_tokens; i++) {
        const PgQuery__ScanToken *t = r->tokens[i];
        if ((t->token != PG_QUERY__TOKEN__IDENT && t->token != PG_QUERY__TOKEN__UIDENT) ||
            t->start < 0 || t->end <= t->start || (size_t)t->end > s->len ||
            t->end - t->start <= NAME_MAX_BYTES)
            continue;
        struct buf name = BUF_INIT;
        const char *p = s->text + t->start, *end = s->text + t->end;
        if (*p == '"') { /* "..." with "" for a quote */
            for (p++; p < end - 1; p++) {
                buf_addch(&name, *p);
                if (*p == '"' && p + 1 < end - 1 && p[1] == '"')
                    p++;
            }
        } else {
            for (; p < end; p++)
                buf_addch(&name, (char)tolower((unsigned char)*p));
        }
        int dup = name.len <= NAME_MAX_BYTES;
        for (size_t k = 0; k < nseen && !dup; k++)
            dup = strcmp(seen[k], name.data) == 0;
        if (dup) {
            buf_release(&name);
            continue;
        }
        ALLOC_GROW(seen, nseen + 1, cap);
        seen[nseen++] = xstrdup(name.data);
        size_t si = stmt_at(s, (size_t)t->start);
        struct lx x = {s, out, si, s->stmts[si].start, 0};
        struct names n = {{0}, 0};
        char *cut = xstrndup(name.data, clip_len(name.data));
        hit(&x, LINT_IDENTIFIER_TOO_LONG, (size_t)t->start, NULL,
            "identifier %s is %zu bytes long; PostgreSQL silently truncates it to %s",
            qn(&n, name.data), name.len, qn(&n, cut));
        free(cut);
        names_release(&n);
        buf_release(&name);
    }
    if (r)
        pg_query__scan_result__free_unpacked(r, NULL);
    pg_query_free_scan_result(sr);
    free(copy);
    for (size_t k = 0; k < nseen; k++)
        free(seen[k]);
    free(seen);
}

/* ---- expressions ---------------------------------------------------- */

/* Functions whose result does not change within a statement (not VOLATILE)
 * and that commonly appear in defaults. Anything else is taken as volatile. */
static const char *const stable_functions[] = {"now",
                                               "transaction_timestamp",
                                               "statement_timestamp",
                                               "current_setting",
                                               "current_database",
                                               "current_schema",
                                               "lower",
                                               "upper",
                                               "btrim",
                                               "trim",
                                               "ltrim",
                                               "rtrim",
                                               "concat",
                                               "concat_ws",
                                               "length",
                                               "char_length",
                                               "md5",
                                               "substr",
                                               "substring",
                                               "replace",
                                               "to_json",
                                               "to_jsonb",
                                               "json_build_object",
                                               "jsonb_build_object",
                                               "json_build_array",
                                               "jsonb_build_array",
                                               "array_to_json",
                                               "make_date",
                                               "make_time",
                                               "make_interval",
                                               "make_timestamp",
                                               "make_timestamptz",
                                               "date_trunc",
                                               "date_part",
                                               "to_timestamp",
                                               "to_char",
                                               "to_date",
                                               "to_number",
                                               "abs",
                                               "round",
                                               "floor",
                                               "ceil",
                                               "ceiling",
                                               "trunc",
                                               "greatest",
                                               "least",
                                               "int2",
                                               "int4",
                                               "int8",
                                               "float4",
                                               "float8",
                                               "numeric",
                                               "text",
                                               "uuid_nil",
                                               "uuid_ns_dns",
                                               "uuid_ns_url",
                                               "uuid_ns_oid",
                                               "uuid_ns_x500",
                                               "uuid_generate_v3",
                                               "uuid_generate_v5",
                                               "array_fill",
                                               "timezone",
                                               "inet",
                                               "cidr",
                                               "jsonb_object",
                                               "json_object",
                                               "encode",
                                               "decode",
                                               "sha256",
                                               "sha512",
                                               NULL};

/* Known VOLATILE built-ins, named as such in the message. */
static const char *const volatile_functions[] = {"random",
                                                 "random_normal",
                                                 "gen_random_uuid",
                                                 "uuid_generate_v1",
                                                 "uuid_generate_v1mc",
                                                 "uuid_generate_v4",
                                                 "uuidv4",
                                                 "uuidv7",
                                                 "gen_random_bytes",
                                                 "nextval",
                                                 "setval",
                                                 "currval",
                                                 "lastval",
                                                 "clock_timestamp",
                                                 "timeofday",
                                                 "txid_current",
                                                 "pg_current_xact_id",
                                                 NULL};

struct vol {
    int level; /* 0 constant, 1 known volatile, 2 unknown function, 3 subquery */
    const char *func;
};

static int vol_visit(const ProtobufCMessage *m, void *ud)
{
    struct vol *v = ud;
    if (m->descriptor == &pg_query__sub_link__descriptor) {
        v->level = 3;
        return SQL_WALK_STOP;
    }
    if (m->descriptor != &pg_query__func_call__descriptor)
        return SQL_WALK_INTO;
    const PgQuery__FuncCall *fc = (const PgQuery__FuncCall *)m;
    const char *name = fc->n_funcname ? sql_node_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    if (fc->n_funcname == 2) {
        const char *schema = sql_node_str(fc->funcname[0]);
        if (!schema || strcmp(schema, "pg_catalog") != 0)
            name = NULL; /* a user schema's function */
    } else if (fc->n_funcname > 2) {
        name = NULL;
    }
    if (name && name_in(name, volatile_functions)) {
        v->level = 1;
        v->func = name;
        return SQL_WALK_STOP;
    }
    if (!name || !name_in(name, stable_functions)) {
        if (v->level < 2) {
            v->level = 2;
            v->func =
                name ? name
                     : (fc->n_funcname ? sql_node_str(fc->funcname[fc->n_funcname - 1]) : NULL);
        }
    }
    return SQL_WALK_INTO;
}

/* Does the expression contain anything but constants and stable calls? */
static struct vol expr_volatility(const PgQuery__Node *expr)
{
    struct vol v = {0, NULL};
    walk_node(expr, vol_visit, &v);
    return v;
}

static int has_func_visit(const ProtobufCMessage *m, void *ud)
{
    if (m->descriptor == &pg_query__func_call__descriptor) {
        *(int *)ud = 1;
        return SQL_WALK_STOP;
    }
    return SQL_WALK_INTO;
}

static int has_func_call(const PgQuery__Node *n)
{
    int found = 0;
    walk_node(n, has_func_visit, &found);
    return found;
}

/* CHECK (col IS NOT NULL): the column, else NULL. */
static const char *notnull_check_column(const PgQuery__Node *e)
{
    if (!e || e->node_case != PG_QUERY__NODE__NODE_NULL_TEST)
        return NULL;
    const PgQuery__NullTest *t = e->null_test;
    if (t->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !t->arg ||
        t->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
        return NULL;
    const PgQuery__ColumnRef *c = t->arg->column_ref;
    return c->n_fields ? sql_node_str(c->fields[c->n_fields - 1]) : NULL;
}

/* ---- references ------------------------------------------------------ */

struct refs {
    struct lx *x;
    char **ctes; /* WITH names in the statement: not relations */
    size_t n_ctes, cap_ctes;
};

static int cte_visit(const ProtobufCMessage *m, void *ud)
{
    struct refs *r = ud;
    if (m->descriptor == &pg_query__common_table_expr__descriptor) {
        const PgQuery__CommonTableExpr *c = (const PgQuery__CommonTableExpr *)m;
        if (nz(c->ctename)) {
            ALLOC_GROW(r->ctes, r->n_ctes + 1, r->cap_ctes);
            r->ctes[r->n_ctes++] = c->ctename;
        }
    }
    return SQL_WALK_INTO;
}

static int is_cte(const struct refs *r, const PgQuery__RangeVar *rv)
{
    if (nz(rv->schemaname))
        return 0;
    for (size_t i = 0; i < r->n_ctes; i++)
        if (strcmp(r->ctes[i], rv->relname) == 0)
            return 1;
    return 0;
}

static int rangevar_visit(const ProtobufCMessage *m, void *ud)
{
    struct refs *r = ud;
    if (m->descriptor == &pg_query__into_clause__descriptor)
        return SQL_WALK_SKIP; /* SELECT INTO's target is created, not read */
    if (m->descriptor == &pg_query__range_var__descriptor) {
        const PgQuery__RangeVar *rv = (const PgQuery__RangeVar *)m;
        if (nz(rv->relname) && !is_cte(r, rv))
            rel_fact(r->x, LFACT_REF, rv, NULL, 0);
    }
    return SQL_WALK_INTO;
}

/* A REF for every relation a query reads or writes (WITH names excluded). */
static void query_refs(struct lx *x, const PgQuery__Node *n)
{
    struct refs r = {x, NULL, 0, 0};
    walk_node(n, cte_visit, &r);
    walk_node(n, rangevar_visit, &r);
    free(r.ctes);
}

struct colrefs {
    struct lx *x;
    const PgQuery__RangeVar *rel;
};

/* Column references of a single-table UPDATE/DELETE: resolve to its table. */
static int colref_visit(const ProtobufCMessage *m, void *ud)
{
    struct colrefs *c = ud;
    if (m->descriptor == &pg_query__sub_link__descriptor)
        return SQL_WALK_SKIP; /* a subquery has its own scope */
    if (m->descriptor != &pg_query__column_ref__descriptor)
        return SQL_WALK_INTO;
    const PgQuery__ColumnRef *cr = (const PgQuery__ColumnRef *)m;
    const char *col = NULL;
    if (cr->n_fields == 1) {
        col = sql_node_str(cr->fields[0]);
    } else if (cr->n_fields == 2) {
        const char *q = sql_node_str(cr->fields[0]);
        const char *alias = c->rel->alias && nz(c->rel->alias->aliasname) ? c->rel->alias->aliasname
                                                                          : c->rel->relname;
        if (q && strcmp(q, alias) == 0)
            col = sql_node_str(cr->fields[1]);
    }
    if (nz(col))
        fact(c->x, LFACT_REF, at(c->x, cr->location), c->rel->schemaname, c->rel->relname, col,
             NULL, 0);
    return SQL_WALK_SKIP;
}

static void column_refs(struct lx *x, const PgQuery__RangeVar *rel, const PgQuery__Node *n)
{
    struct colrefs c = {x, rel};
    walk_node(n, colref_visit, &c);
}

/* REF(rel, col) for each String in a list of column names. */
static void ref_columns(struct lx *x, const PgQuery__RangeVar *rel, PgQuery__Node *const *cols,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *c = sql_node_str(cols[i]);
        if (nz(c))
            rel_fact(x, LFACT_REF, rel, c, 0);
    }
}

/* ---- robustness (prefer-robust-stmts) --------------------------------- */

static void not_robust(struct lx *x, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void not_robust(struct lx *x, size_t offset, const char *fmt, ...)
{
    if (x->robust_hit)
        return; /* one per statement: the first reason */
    x->robust_hit = 1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    hit(x, LINT_PREFER_ROBUST_STMTS, offset, NULL, "%s", msg);
    free(msg);
}

/* ---- columns and constraints ----------------------------------------- */

enum col_mode { COL_CREATE, COL_ADD };

static const PgQuery__Constraint *constraint_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT ? n->constraint : NULL;
}

/* Type style rules for a column definition. */
static void type_style(struct lx *x, const PgQuery__RangeVar *rel, const char *col,
                       const PgQuery__TypeName *tn)
{
    struct names n = {{0}, 0};
    if (!tn)
        return;
    if (is_char_type(tn)) {
        char *t = type_display(tn);
        hit(x, LINT_BAN_CHAR_FIELD, at(x, tn->location), NULL,
            "column %s of %s is %s, which pads values with blanks", qn(&n, col), qrel(&n, rel), t);
        free(t);
    }
    if (is_timestamp(tn))
        hit(x, LINT_PREFER_TIMESTAMPTZ, at(x, tn->location), NULL,
            "column %s of %s is timestamp without time zone", qn(&n, col), qrel(&n, rel));
    names_release(&n);
}

static void int_primary_key(struct lx *x, const PgQuery__RangeVar *rel,
                            const PgQuery__ColumnDef *cd)
{
    struct names n = {{0}, 0};
    char *t = type_display(cd->type_name);
    hit(x, LINT_PREFER_BIGINT_OVER_INT, at(x, cd->type_name->location), NULL,
        "primary key column %s of %s is %s: a 32-bit key runs out at 2,147,483,647 rows",
        qn(&n, cd->colname), qrel(&n, rel), t);
    free(t);
    names_release(&n);
}

static void foreign_key_refs(struct lx *x, const PgQuery__Constraint *k)
{
    if (!k->pktable)
        return;
    rel_fact(x, LFACT_REF, k->pktable, NULL, 0);
    ref_columns(x, k->pktable, k->pk_attrs, k->n_pk_attrs);
}

/* A column definition in CREATE TABLE (COL_CREATE) or ALTER TABLE ADD COLUMN
 * (COL_ADD, on a table that may hold rows). */
static void column_def(struct lx *x, const PgQuery__RangeVar *rel, const PgQuery__ColumnDef *cd,
                       enum col_mode mode)
{
    struct names n = {{0}, 0};
    const char *col = cd->colname ? cd->colname : "";
    const PgQuery__Constraint *notnull = NULL, *def = NULL, *ident = NULL, *gen = NULL;
    int serial = is_serial(cd->type_name);

    type_style(x, rel, col, cd->type_name);
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const PgQuery__Constraint *k = constraint_of(cd->constraints[i]);
        if (!k)
            continue;
        switch (k->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
            notnull = k;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
            if (!notnull)
                notnull = k;
            if (is_small_int(cd->type_name))
                int_primary_key(x, rel, cd);
            if (mode == COL_ADD)
                hit(x, LINT_DISALLOWED_UNIQUE_CONSTRAINT, at(x, k->location), rel,
                    "adding column %s to %s as a PRIMARY KEY builds its unique index while the "
                    "table is locked against reads and writes",
                    qn(&n, col), qrel(&n, rel));
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
            if (mode == COL_ADD)
                hit(x, LINT_DISALLOWED_UNIQUE_CONSTRAINT, at(x, k->location), rel,
                    "adding column %s to %s as UNIQUE builds its unique index while the table is "
                    "locked against reads and writes",
                    qn(&n, col), qrel(&n, rel));
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            def = k;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
            ident = k;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
            gen = k;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
            foreign_key_refs(x, k);
            if (mode == COL_ADD)
                hit(x, LINT_CONSTRAINT_MISSING_NOT_VALID, at(x, k->location), rel,
                    "adding column %s to %s with REFERENCES validates the foreign key against "
                    "every row while both tables are locked",
                    qn(&n, col), qrel(&n, rel));
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
            if (mode == COL_ADD)
                hit(x, LINT_CONSTRAINT_MISSING_NOT_VALID, at(x, k->location), rel,
                    "adding column %s to %s with a CHECK constraint validates it against every "
                    "row while the table is locked",
                    qn(&n, col), qrel(&n, rel));
            break;
        default:
            break;
        }
    }
    if (mode == COL_ADD) {
        if ((notnull || cd->is_not_null) && !def && !ident && !gen && !serial)
            hit(x, LINT_ADDING_REQUIRED_FIELD,
                notnull ? at(x, notnull->location) : at(x, cd->location), rel,
                "column %s is added to %s as NOT NULL without a default: this fails when the "
                "table has rows",
                qn(&n, col), qrel(&n, rel));
        if (gen) {
            hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, at(x, gen->location), rel,
                "adding the stored generated column %s to %s rewrites every row under an ACCESS "
                "EXCLUSIVE lock",
                qn(&n, col), qrel(&n, rel))
                ->flag = 1;
        } else if (ident) {
            hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, at(x, ident->location), rel,
                "adding the identity column %s to %s rewrites every row under an ACCESS "
                "EXCLUSIVE lock",
                qn(&n, col), qrel(&n, rel))
                ->flag = 1;
        } else if (serial) {
            hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, at(x, cd->type_name->location), rel,
                "adding the serial column %s to %s rewrites every row under an ACCESS EXCLUSIVE "
                "lock (its default, nextval(), is volatile)",
                qn(&n, col), qrel(&n, rel))
                ->flag = 1;
        } else if (def) {
            struct vol v = expr_volatility(def->raw_expr);
            size_t off = def->raw_expr ? at(x, def->location) : at(x, cd->location);
            if (v.level == 1)
                hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, off, rel,
                    "column %s is added to %s with a volatile default (%s()): every row is "
                    "rewritten under an ACCESS EXCLUSIVE lock",
                    qn(&n, col), qrel(&n, rel), v.func)
                    ->flag = 1;
            else if (v.level == 2)
                hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, off, rel,
                    "column %s is added to %s with a default that calls %s(), which may be "
                    "volatile: then every row is rewritten under an ACCESS EXCLUSIVE lock",
                    qn(&n, col), qrel(&n, rel), v.func ? v.func : "a function")
                    ->flag = 1;
            else if (v.level == 3)
                hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, off, rel,
                    "column %s is added to %s with a default that runs a subquery: every row is "
                    "rewritten under an ACCESS EXCLUSIVE lock",
                    qn(&n, col), qrel(&n, rel))
                    ->flag = 1;
            else
                hit(x, LINT_ADDING_FIELD_WITH_DEFAULT, off, rel,
                    "column %s is added to %s with a default: before PostgreSQL 11 this rewrites "
                    "every row under an ACCESS EXCLUSIVE lock",
                    qn(&n, col), qrel(&n, rel))
                    ->flag = 0;
        }
    }
    names_release(&n);
}

/* The ColumnDef called name among a CREATE TABLE's elements. */
static const PgQuery__ColumnDef *find_column(const PgQuery__CreateStmt *cs, const char *name)
{
    for (size_t i = 0; i < cs->n_table_elts; i++) {
        const PgQuery__Node *e = cs->table_elts[i];
        if (e && e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def->colname &&
            strcmp(e->column_def->colname, name) == 0)
            return e->column_def;
    }
    return NULL;
}

static int is_temp(const PgQuery__RangeVar *rv)
{
    return rv && rv->relpersistence && rv->relpersistence[0] == 't';
}

static void create_stmt(struct lx *x, const PgQuery__CreateStmt *cs)
{
    const PgQuery__RangeVar *rel = cs->relation;
    struct names n = {{0}, 0};
    if (!rel)
        return;
    if (is_temp(rel))
        rel_fact(x, LFACT_TEMP_RELATION, rel, NULL, 0);
    else if (!cs->if_not_exists)
        not_robust(x, x->start,
                   "CREATE TABLE %s fails when the migration runs again: the table "
                   "exists (no IF NOT EXISTS)",
                   qrel(&n, rel));
    for (size_t i = 0; i < cs->n_inh_relations; i++) {
        const PgQuery__Node *p = cs->inh_relations[i];
        if (p && p->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
            rel_fact(x, LFACT_REF, p->range_var, NULL, 0);
            if (cs->partbound) /* CREATE TABLE ... PARTITION OF locks the parent */
                rel_fact(x, LFACT_ACCESS_EXCLUSIVE, p->range_var, NULL, 0);
        }
    }
    if (cs->n_inh_relations || cs->partbound || cs->of_typename)
        rel_fact(x, LFACT_COLUMNS_UNKNOWN, rel, NULL, 0);

    for (size_t i = 0; i < cs->n_table_elts; i++) {
        const PgQuery__Node *e = cs->table_elts[i];
        if (!e)
            continue;
        if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            column_def(x, rel, e->column_def, COL_CREATE);
        } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            const PgQuery__Constraint *k = e->constraint;
            if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
                foreign_key_refs(x, k);
            if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY && k->n_keys == 1) {
                const char *key = sql_node_str(k->keys[0]);
                const PgQuery__ColumnDef *cd = key ? find_column(cs, key) : NULL;
                if (cd && is_small_int(cd->type_name))
                    int_primary_key(x, rel, cd);
            }
        } else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
            rel_fact(x, LFACT_REF, e->table_like_clause->relation, NULL, 0);
            rel_fact(x, LFACT_COLUMNS_UNKNOWN, rel, NULL, 0);
        }
    }
    names_release(&n);
}

/* ---- ALTER TABLE ------------------------------------------------------ */

/* Does the subcommand take less than an ACCESS EXCLUSIVE lock
 * (AlterTableGetLockLevel, PostgreSQL 15)? */
static int weaker_lock(const PgQuery__AlterTableCmd *c)
{
    switch (c->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        return 1;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
        return c->def && c->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
               c->def->partition_cmd->concurrent;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse: {
        const PgQuery__Constraint *k = constraint_of(c->def);
        return k && k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN; /* SHARE ROW EXCLUSIVE */
    }
    default:
        return 0;
    }
}

/* Is the statement before this one `ALTER TABLE rel DROP CONSTRAINT IF EXISTS name`
 * (the way to make ADD CONSTRAINT re-runnable), or an earlier command of this one? */
static int dropped_first(struct lx *x, const PgQuery__AlterTableStmt *a, size_t upto,
                         const char *name)
{
    const PgQuery__AlterTableStmt *stmts[2] = {a, NULL};
    size_t limits[2] = {upto, 0};
    if (x->i > 0) {
        const PgQuery__Node *prev = sql_script_node(x->s, x->i - 1);
        if (prev && prev->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_STMT &&
            prev->alter_table_stmt->relation && a->relation &&
            strcmp(prev->alter_table_stmt->relation->relname, a->relation->relname) == 0) {
            stmts[1] = prev->alter_table_stmt;
            limits[1] = prev->alter_table_stmt->n_cmds;
        }
    }
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; stmts[s] && i < limits[s]; i++) {
            const PgQuery__Node *n = stmts[s]->cmds[i];
            if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
                continue;
            const PgQuery__AlterTableCmd *c = n->alter_table_cmd;
            if ((c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint ||
                 c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse) &&
                c->missing_ok && nz(c->name) && strcmp(c->name, name) == 0)
                return 1;
        }
    }
    return 0;
}

static void add_constraint(struct lx *x, const PgQuery__AlterTableStmt *a, size_t idx,
                           const PgQuery__Constraint *k)
{
    const PgQuery__RangeVar *rel = a->relation;
    struct names n = {{0}, 0};
    const char *label = nz(k->conname) ? qn(&n, k->conname) : "(unnamed)";

    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        foreign_key_refs(x, k);
        ref_columns(x, rel, k->fk_attrs, k->n_fk_attrs);
        if (!k->skip_validation)
            hit(x, LINT_CONSTRAINT_MISSING_NOT_VALID, at(x, k->location), rel,
                "foreign key %s on %s is validated against every row while %s and %s are locked "
                "against writes",
                label, qrel(&n, rel), qrel(&n, rel), k->pktable ? qrel(&n, k->pktable) : "?");
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
        const char *col = notnull_check_column(k->raw_expr);
        if (col && nz(k->conname))
            fact(x, LFACT_NOTNULL_CHECK, at(x, k->location), rel->schemaname, rel->relname, col,
                 k->conname, !k->skip_validation);
        if (!k->skip_validation)
            hit(x, LINT_CONSTRAINT_MISSING_NOT_VALID, at(x, k->location), rel,
                "check constraint %s on %s is validated against every row under an ACCESS "
                "EXCLUSIVE lock",
                label, qrel(&n, rel));
        break;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        ref_columns(x, rel, k->keys, k->n_keys);
        if (!nz(k->indexname))
            hit(x, LINT_DISALLOWED_UNIQUE_CONSTRAINT, at(x, k->location), rel,
                "%s %s on %s builds its unique index while the table is locked against reads and "
                "writes",
                k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ? "primary key"
                                                                    : "unique constraint",
                label, qrel(&n, rel));
        break;
    default:
        break;
    }
    /* An unnamed FOREIGN KEY or CHECK gets a new name when run again; the others fail. */
    if ((nz(k->conname) || k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) &&
        !(nz(k->conname) && dropped_first(x, a, idx, k->conname)))
        not_robust(x, at(x, k->location),
                   "ADD CONSTRAINT %s fails when the migration runs again: the constraint exists "
                   "(drop it first with DROP CONSTRAINT IF EXISTS)",
                   label);
    names_release(&n);
}

static void alter_table_cmd(struct lx *x, const PgQuery__AlterTableStmt *a, size_t idx,
                            const PgQuery__AlterTableCmd *c)
{
    const PgQuery__RangeVar *rel = a->relation;
    struct names n = {{0}, 0};
    const char *col = nz(c->name) ? c->name : NULL;
    const PgQuery__Node *def = c->def;

    switch (c->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
        if (!def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
            break;
        column_def(x, rel, def->column_def, COL_ADD);
        if (!c->missing_ok)
            not_robust(x, at(x, def->column_def->location),
                       "ADD COLUMN %s fails when the migration runs again: the column exists (no "
                       "IF NOT EXISTS)",
                       qn(&n, def->column_def->colname));
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
        if (!col)
            break;
        hit(x, LINT_BAN_DROP_COLUMN, at(x, rel->location), rel,
            "DROP COLUMN %s deletes the column's data from %s, and breaks code that still reads "
            "it",
            qn(&n, col), qrel(&n, rel))
            ->column = xstrdup(col);
        if (!c->missing_ok) {
            rel_fact(x, LFACT_REF, rel, col, 0);
            not_robust(x, at(x, rel->location),
                       "DROP COLUMN %s fails when the migration runs again: the column is gone "
                       "(no IF EXISTS)",
                       qn(&n, col));
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
        if (!col || !def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF ||
            !def->column_def->type_name)
            break;
        const PgQuery__ColumnDef *cd = def->column_def;
        char *t = type_display(cd->type_name);
        struct lint_hit *h =
            hit(x, LINT_CHANGING_COLUMN_TYPE, at(x, cd->type_name->location), rel,
                "changing the type of %s.%s to %s rewrites the table and its indexes under an "
                "ACCESS EXCLUSIVE lock",
                qrel(&n, rel), qn(&n, col), t);
        free(t);
        h->column = xstrdup(col);
        h->flag = cd->raw_default != NULL; /* USING */
        hit_set_type(h, cd->type_name);
        type_style(x, rel, col, cd->type_name);
        rel_fact(x, LFACT_REF, rel, col, 0);
        break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        if (!col)
            break;
        hit(x, LINT_ADDING_NOT_NULLABLE_FIELD, at(x, rel->location), rel,
            "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE lock",
            qrel(&n, rel), qn(&n, col))
            ->column = xstrdup(col);
        rel_fact(x, LFACT_REF, rel, col, 0);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
        if (col)
            rel_fact(x, LFACT_REF, rel, col, 0);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
        if (constraint_of(def))
            add_constraint(x, a, idx, def->constraint);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
        if (col)
            fact(x, LFACT_VALIDATE, at(x, rel->location), rel->schemaname, rel->relname, NULL, col,
                 0);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        if (col && !c->missing_ok)
            not_robust(x, at(x, rel->location),
                       "DROP CONSTRAINT %s fails when the migration runs again: the constraint "
                       "is gone (no IF EXISTS)",
                       qn(&n, col));
        break;
    default:
        break;
    }
    names_release(&n);
}

static void alter_table(struct lx *x, const PgQuery__AlterTableStmt *a)
{
    const PgQuery__RangeVar *rel = a->relation;
    int exclusive = 0;
    if (!rel || !nz(rel->relname))
        return;
    if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
        /* ALTER INDEX / VIEW / SEQUENCE / MATERIALIZED VIEW / TYPE: only its lock */
        return;
    }
    if (!a->missing_ok)
        rel_fact(x, LFACT_REF, rel, NULL, 0);
    for (size_t i = 0; i < a->n_cmds; i++) {
        const PgQuery__Node *n = a->cmds[i];
        if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
            continue;
        if (!weaker_lock(n->alter_table_cmd))
            exclusive = 1;
        alter_table_cmd(x, a, i, n->alter_table_cmd);
    }
    if (exclusive)
        rel_fact(x, LFACT_ACCESS_EXCLUSIVE, rel, NULL, 0);
}

/* ---- indexes, DROP, TRUNCATE, RENAME ------------------------------------ */

static void index_stmt(struct lx *x, const PgQuery__IndexStmt *ix)
{
    const PgQuery__RangeVar *rel = ix->relation;
    struct names n = {{0}, 0};
    if (!rel)
        return;
    rel_fact(x, LFACT_REF, rel, NULL, 0);
    for (size_t k = 0; k < ix->n_index_params + ix->n_index_including_params; k++) {
        const PgQuery__Node *p = k < ix->n_index_params
                                     ? ix->index_params[k]
                                     : ix->index_including_params[k - ix->n_index_params];
        if (p && p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && nz(p->index_elem->name))
            rel_fact(x, LFACT_REF, rel, p->index_elem->name, 0);
    }
    if (!ix->concurrent)
        hit(x, LINT_REQUIRE_CONCURRENT_INDEX_CREATION, x->start, rel,
            "CREATE INDEX%s%s on %s without CONCURRENTLY blocks writes to the table while the "
            "index builds",
            nz(ix->idxname) ? " " : "", nz(ix->idxname) ? qn(&n, ix->idxname) : "", qrel(&n, rel));
    /* an unnamed index gets a fresh name when run again */
    if (!ix->if_not_exists && nz(ix->idxname))
        not_robust(x, x->start,
                   "CREATE INDEX %s fails when the migration runs again: the index exists (no "
                   "IF NOT EXISTS)",
                   qn(&n, ix->idxname));
    names_release(&n);
}

/* [schema.]name of a DROP object (a List of Strings). */
static int object_qname(const PgQuery__Node *o, const char **schema, const char **name)
{
    if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST || !o->list->n_items ||
        o->list->n_items > 3)
        return -1;
    const PgQuery__List *l = o->list;
    *name = sql_node_str(l->items[l->n_items - 1]);
    *schema = l->n_items >= 2 ? sql_node_str(l->items[l->n_items - 2]) : NULL;
    return nz(*name) ? 0 : -1;
}

static void drop_stmt(struct lx *x, const PgQuery__DropStmt *d)
{
    struct names n = {{0}, 0};
    PgQuery__ObjectType t = d->remove_type;
    int table = t == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
    int index = t == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX;
    int relation = table || t == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                   t == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;

    for (size_t i = 0; i < d->n_objects; i++) {
        const char *schema = NULL, *name = NULL;
        if (object_qname(d->objects[i], &schema, &name) < 0)
            continue;
        if (table) {
            struct lint_hit *h =
                hit(x, LINT_BAN_DROP_TABLE, x->start, NULL,
                    "DROP TABLE %s deletes the table and its data, and breaks code that still "
                    "uses it",
                    qn(&n, name));
            h->schema = dup_nz(schema);
            h->table = xstrdup(name);
        }
        if (index && !d->concurrent) {
            struct lint_hit *h = hit(x, LINT_REQUIRE_CONCURRENT_INDEX_DELETION, x->start, NULL,
                                     "DROP INDEX %s without CONCURRENTLY blocks reads and writes "
                                     "of its table until it is dropped",
                                     qn(&n, name));
            h->schema = dup_nz(schema);
            h->table = xstrdup(name);
            h->on_index = 1;
        }
        if (relation || index) {
            if (!d->missing_ok && !index)
                fact(x, LFACT_REF, x->start, schema, name, NULL, NULL, 0);
            if (!d->concurrent)
                fact(x, LFACT_ACCESS_EXCLUSIVE, x->start, schema, name, NULL, NULL, index);
        }
    }
    if (!d->missing_ok && d->n_objects)
        not_robust(x, x->start,
                   "DROP fails when the migration runs again: the object is gone "
                   "(no IF EXISTS)");
    names_release(&n);
}

static void truncate_stmt(struct lx *x, const PgQuery__TruncateStmt *t)
{
    struct names n = {{0}, 0};
    for (size_t i = 0; i < t->n_relations; i++) {
        const PgQuery__Node *r = t->relations[i];
        if (!r || r->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
            continue;
        const PgQuery__RangeVar *rv = r->range_var;
        hit(x, LINT_BAN_TRUNCATE, at(x, rv->location), rv,
            "TRUNCATE %s deletes every row of the table%s", qrel(&n, rv),
            t->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
                ? ", and CASCADE also empties every table that references it"
                : "");
        rel_fact(x, LFACT_REF, rv, NULL, 0);
        rel_fact(x, LFACT_ACCESS_EXCLUSIVE, rv, NULL, 0);
    }
    names_release(&n);
}

static void rename_stmt(struct lx *x, const PgQuery__RenameStmt *r)
{
    struct names n = {{0}, 0};
    const PgQuery__RangeVar *rel = r->relation;
    if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && rel) {
        hit(x, LINT_RENAMING_TABLE, at(x, rel->location), rel,
            "renaming table %s to %s breaks code that still uses the old name", qrel(&n, rel),
            qn(&n, r->newname));
        if (!r->missing_ok)
            rel_fact(x, LFACT_REF, rel, NULL, 0);
        rel_fact(x, LFACT_ACCESS_EXCLUSIVE, rel, NULL, 0);
    } else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && rel &&
               r->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && nz(r->subname)) {
        hit(x, LINT_RENAMING_COLUMN, at(x, rel->location), rel,
            "renaming column %s.%s to %s breaks code that still uses the old name", qrel(&n, rel),
            qn(&n, r->subname), qn(&n, r->newname))
            ->column = xstrdup(r->subname);
        if (!r->missing_ok)
            rel_fact(x, LFACT_REF, rel, r->subname, 0);
        rel_fact(x, LFACT_ACCESS_EXCLUSIVE, rel, NULL, 0);
    }
    not_robust(x, x->start, "RENAME fails when the migration runs again: the old name is gone");
    names_release(&n);
}

/* ---- enums and types --------------------------------------------------- */

static void alter_enum(struct lx *x, const PgQuery__AlterEnumStmt *a)
{
    struct names n = {{0}, 0};
    char *type = sql_name_list(a->type_name, a->n_type_name);
    const char *tname = a->n_type_name ? sql_node_str(a->type_name[a->n_type_name - 1]) : NULL;
    const char *tschema =
        a->n_type_name >= 2 ? sql_node_str(a->type_name[a->n_type_name - 2]) : NULL;

    if (a->new_val && !nz(a->old_val) && tname) { /* ADD VALUE */
        if (strlen(a->new_val) > NAME_MAX_BYTES)
            hit(x, LINT_IDENTIFIER_TOO_LONG, x->start, NULL,
                "enum label '%s' is %zu bytes long; PostgreSQL rejects labels over 63 bytes",
                a->new_val, strlen(a->new_val));
        if (!nz(a->new_val_neighbor))
            hit(x, LINT_REQUIRE_ENUM_VALUE_ORDERING, x->start, NULL,
                "ADD VALUE '%s' to %s without BEFORE or AFTER puts it last in the enum's sort "
                "order",
                a->new_val, type);
        fact(x, LFACT_ENUM_ADD, x->start, tschema, tname, NULL, a->new_val, 0);
        if (!a->skip_if_new_val_exists)
            not_robust(x, x->start,
                       "ADD VALUE '%s' fails when the migration runs again: the value exists "
                       "(no IF NOT EXISTS)",
                       a->new_val);
    }
    free(type);
    names_release(&n);
}

static void create_enum(struct lx *x, const PgQuery__CreateEnumStmt *c)
{
    struct names n = {{0}, 0};
    const char *tname = c->n_type_name ? sql_node_str(c->type_name[c->n_type_name - 1]) : NULL;
    for (size_t i = 0; i < c->n_vals; i++) {
        const char *label = sql_node_str(c->vals[i]);
        if (label && strlen(label) > NAME_MAX_BYTES)
            hit(x, LINT_IDENTIFIER_TOO_LONG, x->start, NULL,
                "enum label '%s' is %zu bytes long; PostgreSQL rejects labels over 63 bytes", label,
                strlen(label));
    }
    not_robust(x, x->start, "CREATE TYPE %s fails when the migration runs again: the type exists",
               qn(&n, tname ? tname : "?"));
    names_release(&n);
}

/* ---- SET lock_timeout ---------------------------------------------------- */

/* Is a SET value zero ("0", 0, '0ms', 0.0)? lock_timeout = 0 disables it. */
static int zero_value(const PgQuery__Node *a)
{
    if (!a || a->node_case != PG_QUERY__NODE__NODE_A_CONST)
        return 0;
    const PgQuery__AConst *c = a->a_const;
    const char *s = NULL;
    switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        return c->ival && c->ival->ival == 0;
    case PG_QUERY__A__CONST__VAL_FVAL:
        s = c->fval ? c->fval->fval : NULL;
        break;
    case PG_QUERY__A__CONST__VAL_SVAL:
        s = c->sval ? c->sval->sval : NULL;
        break;
    default:
        return 0;
    }
    if (!s)
        return 0;
    while (isspace((unsigned char)*s))
        s++;
    int digits = 0;
    for (; *s == '0' || *s == '.'; s++)
        digits += *s == '0';
    /* a unit may follow; any other digit makes it non-zero */
    return digits > 0 && !isdigit((unsigned char)*s);
}

static void variable_set(struct lx *x, const PgQuery__VariableSetStmt *v)
{
    int lt = 0;
    switch (v->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
        lt = LT_RESET;
        break;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
        if (!v->name || strcmp(v->name, "lock_timeout") != 0)
            return;
        if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE && v->n_args == 1 &&
            !zero_value(v->args[0]))
            lt = v->is_local ? LT_SET_LOCAL : LT_SET;
        else
            lt = v->is_local ? LT_RESET_LOCAL : LT_RESET;
        break;
    default:
        return;
    }
    fact(x, LFACT_LOCK_TIMEOUT, x->start, NULL, NULL, NULL, NULL, lt);
}

/* ---- queries and the rest ------------------------------------------------ */

static void non_migration(struct lx *x, const char *what)
{
    hit(x, LINT_NON_MIGRATION_STATEMENT, x->start, NULL, "%s", what);
}

static void select_stmt(struct lx *x, const PgQuery__Node *node)
{
    const PgQuery__SelectStmt *sel = node->select_stmt;
    query_refs(x, node);
    if (sel->into_clause && sel->into_clause->rel) {
        const PgQuery__RangeVar *rv = sel->into_clause->rel;
        if (is_temp(rv))
            rel_fact(x, LFACT_TEMP_RELATION, rv, NULL, 0);
        rel_fact(x, LFACT_COLUMNS_UNKNOWN, rv, NULL, 0);
        return;
    }
    if (has_func_call(node)) {
        fact(x, LFACT_MAY_CREATE, x->start, NULL, NULL, NULL, NULL, 1);
        non_migration(x, "SELECT in a migration runs only for the side effects of the functions "
                         "it calls; its result is discarded");
    } else {
        non_migration(x, "SELECT in a migration does nothing: its result is discarded");
    }
}

static void insert_stmt(struct lx *x, const PgQuery__Node *node)
{
    const PgQuery__InsertStmt *ins = node->insert_stmt;
    query_refs(x, node);
    if (!ins->relation)
        return;
    for (size_t i = 0; i < ins->n_cols; i++) {
        const PgQuery__Node *c = ins->cols[i];
        if (c && c->node_case == PG_QUERY__NODE__NODE_RES_TARGET && nz(c->res_target->name))
            fact(x, LFACT_REF, at(x, c->res_target->location), ins->relation->schemaname,
                 ins->relation->relname, c->res_target->name, NULL, 0);
    }
}

static void update_stmt(struct lx *x, const PgQuery__Node *node)
{
    const PgQuery__UpdateStmt *up = node->update_stmt;
    query_refs(x, node);
    if (!up->relation)
        return;
    for (size_t i = 0; i < up->n_target_list; i++) {
        const PgQuery__Node *t = up->target_list[i];
        if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
            continue;
        if (nz(t->res_target->name))
            fact(x, LFACT_REF, at(x, t->res_target->location), up->relation->schemaname,
                 up->relation->relname, t->res_target->name, NULL, 0);
        if (!up->n_from_clause && !up->with_clause)
            column_refs(x, up->relation, t->res_target->val);
    }
    if (!up->n_from_clause && !up->with_clause)
        column_refs(x, up->relation, up->where_clause);
}

static void delete_stmt(struct lx *x, const PgQuery__Node *node)
{
    const PgQuery__DeleteStmt *del = node->delete_stmt;
    query_refs(x, node);
    if (del->relation && !del->n_using_clause && !del->with_clause)
        column_refs(x, del->relation, del->where_clause);
}

static void copy_stmt(struct lx *x, const PgQuery__CopyStmt *c, unsigned flags)
{
    if (c->relation)
        rel_fact(x, LFACT_REF, c->relation, NULL, 0);
    if (flags & STMT_COPY_STDIN)
        hit(x, LINT_UNSUPPORTED_STATEMENT, x->start, NULL,
            "COPY ... FROM STDIN cannot run in a migration: there is no client to send its data");
    else if (flags & STMT_COPY_STDOUT)
        non_migration(x, "COPY ... TO STDOUT in a migration sends its rows nowhere: they are "
                         "discarded");
}

static void view_like(struct lx *x, const PgQuery__RangeVar *rel, const PgQuery__Node *query,
                      int robust, const char *what)
{
    struct names n = {{0}, 0};
    if (!rel)
        return;
    query_refs(x, query);
    if (is_temp(rel))
        rel_fact(x, LFACT_TEMP_RELATION, rel, NULL, 0);
    else if (!robust)
        not_robust(x, x->start, "CREATE %s %s fails when the migration runs again: it exists", what,
                   qrel(&n, rel));
    rel_fact(x, LFACT_COLUMNS_UNKNOWN, rel, NULL, 0);
    names_release(&n);
}

static void analyse(struct lx *x, const PgQuery__Node *node, unsigned flags)
{
    struct names n = {{0}, 0};
    switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        create_stmt(x, node->create_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        alter_table(x, node->alter_table_stmt);
        break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        index_stmt(x, node->index_stmt);
        break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        drop_stmt(x, node->drop_stmt);
        break;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        truncate_stmt(x, node->truncate_stmt);
        break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename_stmt(x, node->rename_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        alter_enum(x, node->alter_enum_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        create_enum(x, node->create_enum_stmt);
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        variable_set(x, node->variable_set_stmt);
        break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        select_stmt(x, node);
        break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        insert_stmt(x, node);
        break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        update_stmt(x, node);
        break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        delete_stmt(x, node);
        break;
    case PG_QUERY__NODE__NODE_MERGE_STMT:
        query_refs(x, node);
        break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
        copy_stmt(x, node->copy_stmt, flags);
        break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        view_like(x, node->view_stmt->view, node->view_stmt->query, node->view_stmt->replace,
                  "VIEW");
        break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
        const PgQuery__CreateTableAsStmt *c = node->create_table_as_stmt;
        int matview = c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
        view_like(x, c->into ? c->into->rel : NULL, c->query, c->if_not_exists,
                  matview ? "MATERIALIZED VIEW" : "TABLE");
        break;
    }
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        if (node->create_seq_stmt->sequence) {
            const PgQuery__RangeVar *rv = node->create_seq_stmt->sequence;
            if (!node->create_seq_stmt->if_not_exists && !is_temp(rv))
                not_robust(x, x->start,
                           "CREATE SEQUENCE %s fails when the migration runs again: it exists "
                           "(no IF NOT EXISTS)",
                           qrel(&n, rv));
        }
        break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        if (!node->create_schema_stmt->if_not_exists)
            not_robust(x, x->start,
                       "CREATE SCHEMA fails when the migration runs again: it exists "
                       "(no IF NOT EXISTS)");
        break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        if (!node->create_extension_stmt->if_not_exists)
            not_robust(x, x->start,
                       "CREATE EXTENSION fails when the migration runs again: it is "
                       "installed (no IF NOT EXISTS)");
        break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
        const PgQuery__CreateFunctionStmt *f = node->create_function_stmt;
        if (f->n_funcname)
            if (!f->replace)
                not_robust(x, x->start,
                           "CREATE FUNCTION fails when the migration runs again: it exists "
                           "(no OR REPLACE)");
        break;
    }
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        rel_fact(x, LFACT_REF, node->create_trig_stmt->relation, NULL, 0);
        if (!node->create_trig_stmt->replace)
            not_robust(x, x->start,
                       "CREATE TRIGGER fails when the migration runs again: it exists "
                       "(no OR REPLACE)");
        break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        not_robust(x, x->start, "CREATE TYPE fails when the migration runs again: the type exists");
        break;
    case PG_QUERY__NODE__NODE_DO_STMT:
        fact(x, LFACT_MAY_CREATE, x->start, NULL, NULL, NULL, NULL, 0);
        break;
    case PG_QUERY__NODE__NODE_CALL_STMT:
    case PG_QUERY__NODE__NODE_IMPORT_FOREIGN_SCHEMA_STMT:
        fact(x, LFACT_MAY_CREATE, x->start, NULL, NULL, NULL, NULL, 1);
        break;
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
        fact(x, LFACT_MAY_CREATE, x->start, NULL, NULL, NULL, NULL, 1);
        non_migration(x, "EXECUTE of a prepared statement in a migration hides what it runs; "
                         "write the statement itself");
        break;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        non_migration(x, "EXPLAIN in a migration only prints a plan, which is discarded");
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        non_migration(x, "SHOW in a migration prints a setting, which is discarded");
        break;
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
        non_migration(x, "NOTIFY/LISTEN in a migration: notifications are no schema change");
        break;
    case PG_QUERY__NODE__NODE_LOAD_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
        non_migration(x, "this statement acts on the session or the server, not on the schema");
        break;
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
    case PG_QUERY__NODE__NODE_FETCH_STMT:
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
        non_migration(x, "prepared statements and cursors have no place in a migration");
        break;
    default:
        break;
    }
    names_release(&n);
}

static int hit_cmp(const void *a, const void *b)
{
    const struct lint_hit *x = a, *y = b;
    if (x->stmt != y->stmt)
        return x->stmt < y->stmt ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

void lint_scan_script(const struct sql_script *s, struct lint_scan *out)
{
    for (size_t i = 0; i < s->n; i++) {
        const PgQuery__Node *node = sql_script_node(s, i);
        struct lx x = {s, out, i, s->stmts[i].start, 0};
        if (node)
            analyse(&x, node, s->stmts[i].flags);
    }
    size_t before = out->n_hits;
    long_identifiers(s, out);
    if (out->n_hits > before) /* keep hits in statement order */
        qsort(out->hits, out->n_hits, sizeof(*out->hits), hit_cmp);
}

void lint_scan_release(struct lint_scan *out)
{
    for (size_t i = 0; i < out->n_hits; i++) {
        struct lint_hit *h = &out->hits[i];
        free(h->message);
        free(h->schema);
        free(h->table);
        free(h->column);
        free(h->type_name);
    }
    for (size_t i = 0; i < out->n_facts; i++) {
        struct lint_fact *f = &out->facts[i];
        free(f->schema);
        free(f->table);
        free(f->column);
        free(f->name);
    }
    free(out->hits);
    free(out->facts);
    memset(out, 0, sizeof(*out));
}

/* ---- string constants ---------------------------------------------------- */

struct find_str {
    const char *value;
    long offset;
};

static int find_str_visit(const ProtobufCMessage *m, void *ud)
{
    struct find_str *f = ud;
    if (m->descriptor != &pg_query__a__const__descriptor)
        return SQL_WALK_INTO;
    const PgQuery__AConst *c = (const PgQuery__AConst *)m;
    if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL && c->sval && c->sval->sval &&
        strcmp(c->sval->sval, f->value) == 0) {
        f->offset = c->location;
        return SQL_WALK_STOP;
    }
    return SQL_WALK_SKIP;
}

long lint_stmt_find_string(const struct sql_script *s, size_t i, const char *value)
{
    struct find_str f = {value, -1};
    if (i >= s->n)
        return -1;
    if (walk_node(sql_script_node(s, i), find_str_visit, &f) == SQL_WALK_STOP) {
        if (f.offset < 0 || (size_t)f.offset >= s->len)
            return (long)s->stmts[i].start;
        return f.offset;
    }
    return -1;
}

/* ---- comments ------------------------------------------------------------- */

/* memmem, which -D_POSIX_C_SOURCE does not declare. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m)
        return NULL;
    for (const char *p = hay, *end = hay + (n - m); p <= end;) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        p++;
    }
    return NULL;
}

size_t lint_find_comments(const char *text, size_t len, const char *marker, struct lint_span **out)
{
    size_t n = 0, cap = 0, mlen = strlen(marker);
    *out = NULL;
    if (!mlen || len < mlen || !find_bytes(text, len, marker, mlen))
        return 0;
    if (memchr(text, '\0', len))
        return 0; /* the scanner reads a C string; such a text never parses anyway */
    char *copy = xstrndup(text, len);
    PgQueryScanResult sr = pg_query_scan(copy);
    if (!sr.error) {
        PgQuery__ScanResult *r =
            pg_query__scan_result__unpack(NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data);
        for (size_t i = 0; r && i < r->n_tokens; i++) {
            const PgQuery__ScanToken *t = r->tokens[i];
            if (t->token != PG_QUERY__TOKEN__SQL_COMMENT && t->token != PG_QUERY__TOKEN__C_COMMENT)
                continue;
            if (t->start < 0 || t->end < t->start || (size_t)t->end > len)
                continue;
            size_t a = (size_t)t->start, b = (size_t)t->end;
            if (!find_bytes(text + a, b - a, marker, mlen))
                continue;
            ALLOC_GROW(*out, n + 1, cap);
            (*out)[n].start = a;
            (*out)[n].len = b - a;
            n++;
        }
        if (r)
            pg_query__scan_result__free_unpacked(r, NULL);
    }
    pg_query_free_scan_result(sr);
    free(copy);
    return n;
}
