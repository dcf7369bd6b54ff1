/*
 * catalog.c - reading a schema model from pg_catalog: one query per object
 * kind (pg_dump's getTables/getIndexes style, joined on OIDs), all sent in one
 * pipelined batch with search_path set to exactly the read schemas, so that
 * PostgreSQL's own renderings name those schemas' objects unqualified.
 */
#include "schema/catalog.h"

#include "util/buf.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every query starts with these CTEs. ns: the schemas read, with the position
 * each takes in search_path. rel: the tables, partitioned tables, views and
 * materialized views of those schemas, less extension members and the history
 * table. A CTE that a query does not reference is not evaluated.
 */
#define NOT_EXTENSION_MEMBER(catalog, oid)                                                         \
    "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = "                          \
    "'pg_catalog." catalog "'::pg_catalog.regclass AND x.objid = " oid " AND x.deptype = 'e')"

/* ns when the schemas are given as $1 (a text[]), in that order */
static const char NS_GIVEN[] =
    "WITH ns AS (SELECT n.oid, n.nspname, u.o AS ord FROM pg_catalog.unnest($1::pg_catalog.text[]) "
    "WITH ORDINALITY AS u(s, o) JOIN pg_catalog.pg_namespace n ON n.nspname = u.s "
    "WHERE " NOT_EXTENSION_MEMBER("pg_namespace", "n.oid") "), ";

/* ns when every user schema is read, by name */
static const char NS_ALL[] = "WITH ns AS (SELECT n.oid, n.nspname, 0::pg_catalog.int8 AS ord "
                             "FROM pg_catalog.pg_namespace n "
                             "WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' "
                             "AND " NOT_EXTENSION_MEMBER("pg_namespace", "n.oid") "), ";

static const char REL[] =
    "rel AS (SELECT c.oid, c.relkind, ns.nspname, c.relname FROM pg_catalog.pg_class c "
    "JOIN ns ON ns.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND c.relname <> '_prisma_migrations' "
    "AND " NOT_EXTENSION_MEMBER("pg_class", "c.oid") ") ";

/* A collation as the model names it: bare when visible on search_path. */
#define COLLATION_NAME(oid)                                                                        \
    "(SELECT CASE WHEN pg_catalog.pg_collation_is_visible(co.oid) THEN "                           \
    "co.collname::pg_catalog.text "                                                                \
    "ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END "   \
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = "                 \
    "co.collnamespace "                                                                            \
    "WHERE co.oid = " oid ")"
/* The same as SQL (quoted as needed), for definitions. */
#define COLLATION_SQL(oid)                                                                         \
    "(SELECT CASE WHEN pg_catalog.pg_collation_is_visible(co.oid) THEN "                           \
    "pg_catalog.quote_ident(co.collname) "                                                         \
    "ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END "   \
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = "                 \
    "co.collnamespace "                                                                            \
    "WHERE co.oid = " oid ")"

#define TEXT_ARRAY_OF_ATTNAMES(rel, keys)                                                          \
    "ARRAY(SELECT a.attname::pg_catalog.text FROM pg_catalog.unnest(" keys ") WITH ORDINALITY "    \
    "AS u(n, o) JOIN pg_catalog.pg_attribute a ON a.attrelid = " rel " AND a.attnum = u.n "        \
    "ORDER BY u.o)"

enum query {
    Q_PREV_PATH, /* the search_path to restore (inside a transaction block) */
    Q_SET_PATH,
    Q_SCHEMAS,
    Q_EXTENSIONS,
    Q_ENUMS,
    Q_TYPES,
    Q_SEQUENCES,
    Q_TABLES,
    Q_COLUMNS,
    Q_CONSTRAINTS,
    Q_INDEXES,
    Q_TRIGGERS,
    Q_VIEWS,
    Q_FUNCTIONS,
    Q_COMMENTS,
    Q_COUNT
};

static const char *const query_names[Q_COUNT] = {
    "search_path", "search_path", "schemas", "extensions", "enums",
    "types",       "sequences",   "tables",  "columns",    "constraints",
    "indexes",     "triggers",    "views",   "functions",  "comments",
};

static const char Q_PREV_PATH_SQL[] =
    "SELECT pg_catalog.current_setting('search_path'), pg_catalog.current_setting('jit')";

/*
 * The correlated subqueries make some plans look expensive enough for JIT,
 * whose compilation costs more than the whole query (tens of milliseconds).
 */
static const char Q_SET_PATH_SQL[] =
    "SELECT pg_catalog.set_config('search_path', COALESCE((SELECT pg_catalog.string_agg("
    "pg_catalog.quote_ident(ns.nspname), ', ' ORDER BY ns.ord, ns.nspname) FROM ns), ''), true), "
    "pg_catalog.set_config('jit', 'off', true)";

static const char Q_SCHEMAS_SQL[] = "SELECT ns.oid, ns.nspname FROM ns";

/* Extensions created by initdb (plpgsql) have OIDs below FirstNormalObjectId. */
static const char Q_EXTENSIONS_SQL[] =
    "SELECT x.extname, n.nspname, x.extversion FROM pg_catalog.pg_extension x "
    "JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace WHERE x.oid >= 16384";

static const char Q_ENUMS_SQL[] =
    "SELECT t.oid, ns.nspname, t.typname, ARRAY(SELECT e.enumlabel::pg_catalog.text "
    "FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) "
    "FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace "
    "WHERE t.typtype = 'e' AND " NOT_EXTENSION_MEMBER("pg_type", "t.oid");

static const char Q_TYPES_SQL[] =
    "SELECT t.oid, ns.nspname, t.typname, t.typtype, "
    "CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) "
    "|| CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN ' COLLATE ' "
    "|| " COLLATION_SQL(
        "t.typcollation") " ELSE '' END "
                          "|| CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END "
                          "|| COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(t.typdefaultbin, 0), "
                          "'') "
                          "|| COALESCE((SELECT pg_catalog.string_agg(' CONSTRAINT ' || "
                          "pg_catalog.quote_ident(k.conname) "
                          "|| ' ' || pg_catalog.pg_get_constraintdef(k.oid), '' ORDER BY "
                          "k.conname) "
                          "FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype "
                          "= 'c'), '') "
                          "ELSE '(' || COALESCE((SELECT "
                          "pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' ' "
                          "|| pg_catalog.format_type(a.atttypid, a.atttypmod) "
                          "|| CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation "
                          "THEN ' COLLATE ' "
                          "|| " COLLATION_SQL(
                              "a.attcollation") " ELSE '' END, ', ' ORDER BY a.attnum) "
                                                "FROM pg_catalog.pg_attribute a JOIN "
                                                "pg_catalog.pg_type at ON at.oid = a.atttypid "
                                                "WHERE a.attrelid = t.typrelid AND a.attnum > 0 "
                                                "AND NOT a.attisdropped), '') || ')' END "
                                                "FROM pg_catalog.pg_type t JOIN ns ON ns.oid = "
                                                "t.typnamespace "
                                                "LEFT JOIN pg_catalog.pg_type bt ON bt.oid = "
                                                "t.typbasetype "
                                                "WHERE (t.typtype = 'd' OR (t.typtype = 'c' AND "
                                                "EXISTS (SELECT 1 FROM pg_catalog.pg_class r "
                                                "WHERE r.oid = t.typrelid AND r.relkind = 'c'))) "
                                                "AND " NOT_EXTENSION_MEMBER("pg_type", "t.oid");

/* Identity sequences (deptype 'i') belong to their column; OWNED BY is deptype 'a'. */
static const char Q_SEQUENCES_SQL[] =
    "SELECT c.oid, ns.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, "
    "s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, oc.relname, oa.attname "
    "FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace "
    "JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid "
    "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.objid = c.oid AND d.objsubid = 0 AND d.refclassid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0 AND d.deptype = 'a' "
    "LEFT JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid "
    "LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = "
    "d.refobjsubid "
    "WHERE c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i "
    "WHERE i.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND i.objid = c.oid "
    "AND i.deptype IN ('i', 'e'))";

static const char Q_TABLES_SQL[] =
    "SELECT c.oid, rel.nspname, c.relname, c.relkind, c.relpersistence, "
    "pg_catalog.array_to_string(c.reloptions, ', '), pn.nspname, pc.relname, "
    "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, "
    "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END "
    "FROM rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid "
    "LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid "
    "LEFT JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
    "LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
    "WHERE rel.relkind IN ('r', 'p')";

/* One query for every column of every table, in (table, attnum) order. */
static const char Q_COLUMNS_SQL[] =
    "SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attgenerated, a.attidentity, "
    "CASE WHEN a.attcollation <> t.typcollation THEN " COLLATION_NAME(
        "a.attcollation") " END, "
                          "CASE WHEN a.attidentity <> '' THEN (SELECT s.seqstart || ' ' || "
                          "s.seqincrement || ' ' "
                          "|| s.seqmin || ' ' || s.seqmax || ' ' || s.seqcache || ' ' || "
                          "s.seqcycle::pg_catalog.int4 "
                          "|| ' ' || pg_catalog.format_type(s.seqtypid, NULL) FROM "
                          "pg_catalog.pg_depend d "
                          "JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid "
                          "WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND "
                          "d.refobjid = a.attrelid "
                          "AND d.refobjsubid = a.attnum AND d.classid = "
                          "'pg_catalog.pg_class'::pg_catalog.regclass "
                          "AND d.deptype = 'i' LIMIT 1) END "
                          "FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid "
                          "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                          "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND "
                          "ad.adnum = a.attnum "
                          "WHERE rel.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
                          "ORDER BY a.attrelid, a.attnum";

/*
 * A partition's clones of its parent's keys have conparentid set, inherited
 * checks are not local: both belong to the parent. NOT NULL constraints
 * (PostgreSQL 18's contype 'n') are the columns' not_null.
 */
static const char Q_CONSTRAINTS_SQL[] =
    "SELECT k.conrelid, k.oid, k.conname, k.contype, "
    "pg_catalog.pg_get_constraintdef(k.oid), " TEXT_ARRAY_OF_ATTNAMES(
        "k.conrelid",
        "k.conkey") ", fn.nspname, fc.relname, "
                    "CASE WHEN k.contype = 'f' THEN " TEXT_ARRAY_OF_ATTNAMES(
                        "k.confrelid",
                        "k.confkey") " END, "
                                     "k.confupdtype, k.confdeltype, k.condeferrable, "
                                     "k.condeferred, k.convalidated "
                                     "FROM rel JOIN pg_catalog.pg_constraint k ON k.conrelid = "
                                     "rel.oid "
                                     "LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid "
                                     "LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = "
                                     "fc.relnamespace "
                                     "WHERE rel.relkind IN ('r', 'p') AND k.contype IN ('p', 'u', "
                                     "'f', 'c', 'x') "
                                     "AND k.conparentid = 0 AND k.conislocal";

/* Indexes that back a constraint are the constraint's; a partition's attached
 * clones of its parent's indexes are the parent's. */
static const char Q_INDEXES_SQL[] =
    "SELECT i.indrelid, i.indexrelid, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid, 0, "
    "true), "
    "am.amname, i.indisunique, i.indisvalid, pg_catalog.pg_get_expr(i.indpred, i.indrelid), "
    "ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) "
    "FROM pg_catalog.generate_series(1, i.indnkeyatts) AS k ORDER BY k) "
    "FROM rel JOIN pg_catalog.pg_index i ON i.indrelid = rel.oid "
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
    "WHERE rel.relkind IN ('r', 'p', 'm') AND NOT ic.relispartition "
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = i.indrelid "
    "AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))";

/* PostgreSQL 13 made a partition's clones of its parent's triggers non-internal. */
static const char Q_TRIGGERS_SQL_12[] =
    "SELECT t.tgrelid, t.oid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), t.tgenabled "
    "FROM rel JOIN pg_catalog.pg_trigger t ON t.tgrelid = rel.oid WHERE NOT t.tgisinternal";
static const char Q_TRIGGERS_SQL_13[] =
    "SELECT t.tgrelid, t.oid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), t.tgenabled "
    "FROM rel JOIN pg_catalog.pg_trigger t ON t.tgrelid = rel.oid "
    "WHERE NOT t.tgisinternal AND t.tgparentid = 0";

static const char Q_VIEWS_SQL[] =
    "SELECT c.oid, rel.nspname, c.relname, c.relkind, pg_catalog.pg_get_viewdef(c.oid, true), "
    "pg_catalog.array_to_string(c.reloptions, ', ') "
    "FROM rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid WHERE rel.relkind IN ('v', 'm')";

/*
 * pg_get_functiondef rejects aggregates. Functions that are part of another
 * object (deptype 'i': a range type's constructors) belong to it.
 */
static const char Q_FUNCTIONS_SQL[] =
    "SELECT p.oid, ns.nspname, p.proname, p.prokind, "
    "pg_catalog.pg_get_function_identity_arguments(p.oid), "
    "CASE WHEN p.prokind <> 'p' THEN pg_catalog.pg_get_function_result(p.oid) END, l.lanname, "
    "CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END, p.prosrc, "
    "pg_catalog.quote_ident(ns.nspname) || '.' "
    "FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace "
    "JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
    "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = "
    "'pg_catalog.pg_proc'::pg_catalog.regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i'))";

/* Objects created by initdb have OIDs below 16384 (only schemas like public keep theirs). */
static const char Q_COMMENTS_SQL[] =
    "SELECT CASE d.classoid WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN 'r' "
    "WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN 't' "
    "WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN 'f' "
    "WHEN 'pg_catalog.pg_namespace'::pg_catalog.regclass THEN 'n' "
    "WHEN 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN 'c' "
    "WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN 'g' END, "
    "d.objoid, d.objsubid, d.description FROM pg_catalog.pg_description d "
    "WHERE d.classoid IN ('pg_catalog.pg_class'::pg_catalog.regclass, "
    "'pg_catalog.pg_type'::pg_catalog.regclass, 'pg_catalog.pg_proc'::pg_catalog.regclass, "
    "'pg_catalog.pg_namespace'::pg_catalog.regclass, "
    "'pg_catalog.pg_constraint'::pg_catalog.regclass, "
    "'pg_catalog.pg_trigger'::pg_catalog.regclass) "
    "AND (d.objoid >= 16384 OR d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass)";

/* ------------------------------------------------------------ helpers */

/* A relation of the model, by OID: where its columns, keys, indexes and triggers go. */
struct rel_ref {
    unsigned oid;
    struct m_table *t;
    struct m_view *v;
    size_t n_columns, n_constraints, n_indexes, n_triggers; /* counted in a first pass */
};

/* Where a comment goes: (catalog, OID, sub-id) -> the model's comment field. */
struct comment_slot {
    char cls; /* r pg_class, t pg_type, f pg_proc, n pg_namespace, c pg_constraint, g pg_trigger */
    unsigned oid;
    int sub;
    char **slot;
};

struct reader {
    struct schema_model *m;
    struct pg_batch *b;
    size_t base; /* batch index of Q_PREV_PATH */
    struct rel_ref *rels;
    size_t n_rels;
    struct comment_slot *slots;
    size_t n_slots, cap_slots;
};

static const struct pg_result *res_of(const struct reader *r, enum query q)
{
    return r->b->results[r->base + q];
}

/* Free a result once read (the batch frees what is left). */
static void done_with(struct reader *r, enum query q)
{
    pg_result_free(r->b->results[r->base + q]);
    r->b->results[r->base + q] = NULL;
}

static unsigned oid_of(const char *s)
{
    return s ? (unsigned)strtoul(s, NULL, 10) : 0;
}

static long long ll_of(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

static int bool_of(const char *s)
{
    return s && s[0] == 't';
}

/* A copy of the value, NULL for SQL NULL. */
static char *dup_val(const struct pg_result *res, int row, int col)
{
    return xstrdup(pg_val(res, row, col));
}

/*
 * Parse a one-dimensional text[] in PostgreSQL's output form ({a,"b c",NULL})
 * into a new array of new strings (NULL elements stay NULL). Caller frees.
 */
static char **parse_text_array(const char *s, size_t *n_out)
{
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct buf el = BUF_INIT;

    *n_out = 0;
    if (!s || *s != '{')
        return NULL;
    s++;
    while (*s && *s != '}') {
        int quoted = 0;
        buf_reset(&el);
        if (*s == '"') {
            quoted = 1;
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && s[1])
                    s++;
                buf_addch(&el, *s);
            }
            if (*s == '"')
                s++;
        } else {
            for (; *s && *s != ',' && *s != '}'; s++)
                buf_addch(&el, *s);
        }
        ALLOC_GROW(v, n + 1, cap);
        v[n++] = !quoted && !strcmp(el.data, "NULL") ? NULL : xstrdup(el.data);
        if (*s == ',')
            s++;
    }
    buf_release(&el);
    *n_out = n;
    return v;
}

static void add_slot(struct reader *r, char cls, unsigned oid, int sub, char **slot)
{
    ALLOC_GROW(r->slots, r->n_slots + 1, r->cap_slots);
    r->slots[r->n_slots++] = (struct comment_slot){cls, oid, sub, slot};
}

static int cmp_slot(const void *a, const void *b)
{
    const struct comment_slot *x = a, *y = b;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    if (x->oid != y->oid)
        return x->oid < y->oid ? -1 : 1;
    return (x->sub > y->sub) - (x->sub < y->sub);
}

static int cmp_rel(const void *a, const void *b)
{
    unsigned x = ((const struct rel_ref *)a)->oid, y = ((const struct rel_ref *)b)->oid;
    return (x > y) - (x < y);
}

static struct rel_ref *find_rel(const struct reader *r, unsigned oid)
{
    struct rel_ref key = {.oid = oid};
    return bsearch(&key, r->rels, r->n_rels, sizeof(*r->rels), cmp_rel);
}

/* quote_ident(a) "." quote_ident(b), always quoted (util/quote.h). */
static char *quoted_pair(const char *a, const char *b)
{
    struct buf q = BUF_INIT;
    buf_add_ident(&q, a);
    buf_addch(&q, '.');
    buf_add_ident(&q, b);
    return buf_detach(&q, NULL);
}

/*
 * The non-default sequence options of an identity column, from
 * "start increment min max cache cycle type" (see Q_COLUMNS_SQL).
 */
static char *identity_options(const char *spec)
{
    long long start, inc, min, max, cache;
    int cycle;
    char type[32];
    if (!spec || sscanf(spec, "%lld %lld %lld %lld %lld %d %31s", &start, &inc, &min, &max, &cache,
                        &cycle, type) != 7)
        return NULL;
    long long tmin = -9223372036854775807LL - 1, tmax = 9223372036854775807LL;
    if (!strcmp(type, "integer")) {
        tmin = -2147483647LL - 1;
        tmax = 2147483647LL;
    } else if (!strcmp(type, "smallint")) {
        tmin = -32768;
        tmax = 32767;
    }
    long long dmin = inc > 0 ? 1 : tmin, dmax = inc > 0 ? tmax : -1;
    long long dstart = inc > 0 ? min : max;
    struct buf o = BUF_INIT;
    if (inc != 1)
        buf_addf(&o, " INCREMENT BY %lld", inc);
    if (min != dmin)
        buf_addf(&o, " MINVALUE %lld", min);
    if (max != dmax)
        buf_addf(&o, " MAXVALUE %lld", max);
    if (start != dstart)
        buf_addf(&o, " START WITH %lld", start);
    if (cache != 1)
        buf_addf(&o, " CACHE %lld", cache);
    if (cycle)
        buf_adds(&o, " CYCLE");
    char *s = o.len ? xstrdup(o.data + 1) : NULL;
    buf_release(&o);
    return s;
}

/*
 * pg_get_functiondef always writes "CREATE OR REPLACE FUNCTION schema.name(";
 * drop the qualification (prefix is quote_ident(schema) "."; the schema is a
 * read schema), as the other renderings do through search_path.
 */
static char *unqualified_functiondef(const char *def, const char *prefix)
{
    static const char *const heads[] = {"CREATE OR REPLACE FUNCTION ",
                                        "CREATE OR REPLACE PROCEDURE "};
    if (!def || !prefix)
        return xstrdup(def);
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
        size_t hl = strlen(heads[i]);
        if (!strncmp(def, heads[i], hl) && !strncmp(def + hl, prefix, pl)) {
            struct buf out = BUF_INIT;
            buf_add(&out, def, hl);
            buf_adds(&out, def + hl + pl);
            return buf_detach(&out, NULL);
        }
    }
    return xstrdup(def);
}

/* ------------------------------------------------------------- readers */

static void read_schemas(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_SCHEMAS);
    int n = pg_nrows(res);
    struct schema_model *m = r->m;
    m->schemas = xcalloc((size_t)n + 1, sizeof(*m->schemas));
    for (int i = 0; i < n; i++) {
        struct m_schema *s = &m->schemas[m->n_schemas++];
        s->name = dup_val(res, i, 1);
        add_slot(r, 'n', oid_of(pg_val(res, i, 0)), 0, &s->comment);
    }
}

static void read_extensions(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_EXTENSIONS);
    int n = pg_nrows(res);
    struct schema_model *m = r->m;
    m->extensions = xcalloc((size_t)n + 1, sizeof(*m->extensions));
    for (int i = 0; i < n; i++) {
        struct m_extension *x = &m->extensions[m->n_extensions++];
        x->name = dup_val(res, i, 0);
        x->schema = dup_val(res, i, 1);
        x->version = dup_val(res, i, 2);
    }
}

static void read_enums(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_ENUMS);
    int n = pg_nrows(res);
    struct schema_model *m = r->m;
    m->enums = xcalloc((size_t)n + 1, sizeof(*m->enums));
    for (int i = 0; i < n; i++) {
        struct m_enum *x = &m->enums[m->n_enums++];
        x->schema = dup_val(res, i, 1);
        x->name = dup_val(res, i, 2);
        x->values = parse_text_array(pg_val(res, i, 3), &x->n_values);
        add_slot(r, 't', oid_of(pg_val(res, i, 0)), 0, &x->comment);
    }
}

static void read_types(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_TYPES);
    int n = pg_nrows(res);
    struct schema_model *m = r->m;
    m->types = xcalloc((size_t)n + 1, sizeof(*m->types));
    for (int i = 0; i < n; i++) {
        struct m_type *x = &m->types[m->n_types++];
        x->schema = dup_val(res, i, 1);
        x->name = dup_val(res, i, 2);
        x->kind = pg_val(res, i, 3)[0];
        x->definition = dup_val(res, i, 4);
        add_slot(r, 't', oid_of(pg_val(res, i, 0)), 0, &x->comment);
    }
}

static void read_sequences(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_SEQUENCES);
    int n = pg_nrows(res);
    struct schema_model *m = r->m;
    m->sequences = xcalloc((size_t)n + 1, sizeof(*m->sequences));
    for (int i = 0; i < n; i++) {
        struct m_sequence *x = &m->sequences[m->n_sequences++];
        x->schema = dup_val(res, i, 1);
        x->name = dup_val(res, i, 2);
        x->type = dup_val(res, i, 3);
        x->start = ll_of(pg_val(res, i, 4));
        x->increment = ll_of(pg_val(res, i, 5));
        x->min = ll_of(pg_val(res, i, 6));
        x->max = ll_of(pg_val(res, i, 7));
        x->cache = ll_of(pg_val(res, i, 8));
        x->cycle = bool_of(pg_val(res, i, 9));
        if (pg_val(res, i, 10) && pg_val(res, i, 11))
            x->owned_by = quoted_pair(pg_val(res, i, 10), pg_val(res, i, 11));
        add_slot(r, 'r', oid_of(pg_val(res, i, 0)), 0, &x->comment);
    }
}

/* Tables and views first: every other relation-level query refers to them. */
static void read_relations(struct reader *r)
{
    const struct pg_result *tr = res_of(r, Q_TABLES), *vr = res_of(r, Q_VIEWS);
    int nt = pg_nrows(tr), nv = pg_nrows(vr);
    struct schema_model *m = r->m;

    m->tables = xcalloc((size_t)nt + 1, sizeof(*m->tables));
    m->views = xcalloc((size_t)nv + 1, sizeof(*m->views));
    r->rels = xcalloc((size_t)nt + (size_t)nv + 1, sizeof(*r->rels));
    for (int i = 0; i < nt; i++) {
        struct m_table *t = &m->tables[m->n_tables++];
        unsigned oid = oid_of(pg_val(tr, i, 0));
        t->schema = dup_val(tr, i, 1);
        t->name = dup_val(tr, i, 2);
        t->kind = pg_val(tr, i, 3)[0];
        t->unlogged = pg_val(tr, i, 4)[0] == 'u';
        t->options = dup_val(tr, i, 5);
        if (pg_val(tr, i, 6) && pg_val(tr, i, 7))
            t->partition_of = quoted_pair(pg_val(tr, i, 6), pg_val(tr, i, 7));
        t->partition_bound = dup_val(tr, i, 8);
        t->partition_key = dup_val(tr, i, 9);
        r->rels[r->n_rels++] = (struct rel_ref){.oid = oid, .t = t};
        add_slot(r, 'r', oid, 0, &t->comment);
    }
    for (int i = 0; i < nv; i++) {
        struct m_view *v = &m->views[m->n_views++];
        unsigned oid = oid_of(pg_val(vr, i, 0));
        v->schema = dup_val(vr, i, 1);
        v->name = dup_val(vr, i, 2);
        v->materialized = pg_val(vr, i, 3)[0] == 'm';
        v->definition = dup_val(vr, i, 4);
        v->options = dup_val(vr, i, 5);
        r->rels[r->n_rels++] = (struct rel_ref){.oid = oid, .v = v};
        add_slot(r, 'r', oid, 0, &v->comment);
    }
    qsort(r->rels, r->n_rels, sizeof(*r->rels), cmp_rel);
}

/*
 * Count what each relation gets, then allocate every array at its final size
 * (so the comment slots registered while filling stay valid).
 */
static void count_children(struct reader *r)
{
    static const enum query qs[] = {Q_COLUMNS, Q_CONSTRAINTS, Q_INDEXES, Q_TRIGGERS};
    for (size_t q = 0; q < ARRAY_SIZE(qs); q++) {
        const struct pg_result *res = res_of(r, qs[q]);
        for (int i = 0, n = pg_nrows(res); i < n; i++) {
            struct rel_ref *rr = find_rel(r, oid_of(pg_val(res, i, 0)));
            if (!rr)
                continue;
            if (qs[q] == Q_COLUMNS)
                rr->n_columns++;
            else if (qs[q] == Q_CONSTRAINTS)
                rr->n_constraints++;
            else if (qs[q] == Q_INDEXES)
                rr->n_indexes++;
            else
                rr->n_triggers++;
        }
    }
    for (size_t i = 0; i < r->n_rels; i++) {
        struct rel_ref *rr = &r->rels[i];
        if (rr->t) {
            rr->t->columns = xcalloc(rr->n_columns + 1, sizeof(struct m_column));
            rr->t->constraints = xcalloc(rr->n_constraints + 1, sizeof(struct m_constraint));
            rr->t->indexes = xcalloc(rr->n_indexes + 1, sizeof(struct m_index));
            rr->t->triggers = xcalloc(rr->n_triggers + 1, sizeof(struct m_trigger));
        } else {
            rr->v->indexes = xcalloc(rr->n_indexes + 1, sizeof(struct m_index));
            rr->v->triggers = xcalloc(rr->n_triggers + 1, sizeof(struct m_trigger));
        }
    }
}

static void read_columns(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_COLUMNS);
    for (int i = 0, n = pg_nrows(res); i < n; i++) {
        unsigned relid = oid_of(pg_val(res, i, 0));
        struct rel_ref *rr = find_rel(r, relid);
        if (!rr || !rr->t)
            continue;
        struct m_table *t = rr->t;
        struct m_column *c = &t->columns[t->n_columns++];
        const char *gen = pg_val(res, i, 6), *ident = pg_val(res, i, 7);
        c->position = (int)t->n_columns; /* rows come in attnum order, dropped ones left out */
        c->name = dup_val(res, i, 2);
        c->type = dup_val(res, i, 3);
        c->not_null = bool_of(pg_val(res, i, 4));
        if (gen && *gen)
            c->generated = dup_val(res, i, 5);
        else
            c->default_expr = dup_val(res, i, 5);
        c->identity = ident ? ident[0] : 0;
        c->collation = dup_val(res, i, 8);
        if (c->identity)
            c->identity_options = identity_options(pg_val(res, i, 9));
        add_slot(r, 'r', relid, (int)ll_of(pg_val(res, i, 1)), &c->comment);
    }
}

static void read_constraints(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_CONSTRAINTS);
    for (int i = 0, n = pg_nrows(res); i < n; i++) {
        struct rel_ref *rr = find_rel(r, oid_of(pg_val(res, i, 0)));
        if (!rr || !rr->t)
            continue;
        struct m_table *t = rr->t;
        struct m_constraint *k = &t->constraints[t->n_constraints++];
        k->name = dup_val(res, i, 2);
        k->type = pg_val(res, i, 3)[0];
        k->definition = dup_val(res, i, 4);
        k->columns = parse_text_array(pg_val(res, i, 5), &k->n_columns);
        if (k->type == 'f') {
            k->ref_schema = dup_val(res, i, 6);
            k->ref_table = dup_val(res, i, 7);
            k->ref_columns = parse_text_array(pg_val(res, i, 8), &k->n_ref_columns);
            k->on_update = pg_val(res, i, 9)[0];
            k->on_delete = pg_val(res, i, 10)[0];
        }
        k->deferrable = bool_of(pg_val(res, i, 11));
        k->deferred = bool_of(pg_val(res, i, 12));
        k->validated = bool_of(pg_val(res, i, 13));
        add_slot(r, 'c', oid_of(pg_val(res, i, 1)), 0, &k->comment);
    }
}

static void read_indexes(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_INDEXES);
    for (int i = 0, n = pg_nrows(res); i < n; i++) {
        struct rel_ref *rr = find_rel(r, oid_of(pg_val(res, i, 0)));
        if (!rr)
            continue;
        struct m_index *x =
            rr->t ? &rr->t->indexes[rr->t->n_indexes++] : &rr->v->indexes[rr->v->n_indexes++];
        x->name = dup_val(res, i, 2);
        x->definition = dup_val(res, i, 3);
        x->method = dup_val(res, i, 4);
        x->unique = bool_of(pg_val(res, i, 5));
        x->valid = bool_of(pg_val(res, i, 6));
        x->predicate = dup_val(res, i, 7);
        x->keys = parse_text_array(pg_val(res, i, 8), &x->n_keys);
        add_slot(r, 'r', oid_of(pg_val(res, i, 1)), 0, &x->comment);
    }
}

static void read_triggers(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_TRIGGERS);
    for (int i = 0, n = pg_nrows(res); i < n; i++) {
        struct rel_ref *rr = find_rel(r, oid_of(pg_val(res, i, 0)));
        if (!rr)
            continue;
        struct m_trigger *x =
            rr->t ? &rr->t->triggers[rr->t->n_triggers++] : &rr->v->triggers[rr->v->n_triggers++];
        x->name = dup_val(res, i, 2);
        x->definition = dup_val(res, i, 3);
        x->enabled = pg_val(res, i, 4)[0] != 'D';
        add_slot(r, 'g', oid_of(pg_val(res, i, 1)), 0, &x->comment);
    }
}

static void read_functions(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_FUNCTIONS);
    int n = pg_nrows(res);
    struct schema_model *m = r->m;
    m->functions = xcalloc((size_t)n + 1, sizeof(*m->functions));
    for (int i = 0; i < n; i++) {
        struct m_function *f = &m->functions[m->n_functions++];
        const char *src = pg_val(res, i, 8);
        f->schema = dup_val(res, i, 1);
        f->name = dup_val(res, i, 2);
        f->kind = pg_val(res, i, 3)[0];
        f->args = dup_val(res, i, 4);
        f->result = dup_val(res, i, 5);
        f->language = dup_val(res, i, 6);
        f->definition = unqualified_functiondef(pg_val(res, i, 7), pg_val(res, i, 9));
        sha256_hex(src ? src : "", src ? strlen(src) : 0, f->body_hash);
        add_slot(r, 'f', oid_of(pg_val(res, i, 0)), 0, &f->comment);
    }
}

static void read_comments(struct reader *r)
{
    const struct pg_result *res = res_of(r, Q_COMMENTS);
    if (r->n_slots == 0)
        return;
    qsort(r->slots, r->n_slots, sizeof(*r->slots), cmp_slot);
    for (int i = 0, n = pg_nrows(res); i < n; i++) {
        const char *cls = pg_val(res, i, 0);
        if (!cls)
            continue;
        struct comment_slot key = {cls[0], oid_of(pg_val(res, i, 1)), (int)ll_of(pg_val(res, i, 2)),
                                   NULL};
        struct comment_slot *s = bsearch(&key, r->slots, r->n_slots, sizeof(*r->slots), cmp_slot);
        if (s && !*s->slot)
            *s->slot = dup_val(res, i, 3);
    }
}

/* ---------------------------------------------------------------- read */

/* {"a","b"}: a text[] literal, every element quoted. Caller frees. */
static char *text_array_literal(const char *const *v, size_t n)
{
    struct buf b = BUF_INIT;
    buf_addch(&b, '{');
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= !strcmp(v[i], v[j]);
        if (dup)
            continue;
        if (b.len > 1)
            buf_addch(&b, ',');
        buf_addch(&b, '"');
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_addch(&b, '\\');
            buf_addch(&b, *p);
        }
        buf_addch(&b, '"');
    }
    buf_addch(&b, '}');
    return buf_detach(&b, NULL);
}

int catalog_read(struct pg_conn *c, const char *const *schemas, size_t n, struct schema_model *m,
                 struct pm_err *e)
{
    struct pg_batch b;
    struct pg_batch_result br;
    struct reader r;
    char *arr = n ? text_array_literal(schemas, n) : NULL;
    const char *params[1] = {arr};
    int nparams = n ? 1 : 0, rc = -1;
    int version = pg_server_version(c);
    int in_tx = pg_in_transaction(c);

    model_init(m);
    memset(&r, 0, sizeof(r));
    r.m = m;
    r.b = &b;
    pg_batch_init(&b);
    b.keep_results = 1;
    if (version < 120000) {
        pm_err_set(e, PM_EXIT_ENV,
                   "reading the schema needs PostgreSQL 12 or later (the server "
                   "is %d.%d)",
                   version / 10000, version % 10000 / 100);
        goto out;
    }

    const char *sql[Q_COUNT] = {
        [Q_PREV_PATH] = Q_PREV_PATH_SQL,
        [Q_SET_PATH] = Q_SET_PATH_SQL,
        [Q_SCHEMAS] = Q_SCHEMAS_SQL,
        [Q_EXTENSIONS] = Q_EXTENSIONS_SQL,
        [Q_ENUMS] = Q_ENUMS_SQL,
        [Q_TYPES] = Q_TYPES_SQL,
        [Q_SEQUENCES] = Q_SEQUENCES_SQL,
        [Q_TABLES] = Q_TABLES_SQL,
        [Q_COLUMNS] = Q_COLUMNS_SQL,
        [Q_CONSTRAINTS] = Q_CONSTRAINTS_SQL,
        [Q_INDEXES] = Q_INDEXES_SQL,
        [Q_TRIGGERS] = version >= 130000 ? Q_TRIGGERS_SQL_13 : Q_TRIGGERS_SQL_12,
        [Q_VIEWS] = Q_VIEWS_SQL,
        [Q_FUNCTIONS] = Q_FUNCTIONS_SQL,
        [Q_COMMENTS] = Q_COMMENTS_SQL,
    };
    /*
     * One batch, one Sync: the statements share one implicit transaction, so
     * set_config(..., true) lasts exactly until the reads are done and the
     * session's search_path comes back by itself. Inside the caller's
     * transaction block it would last until that ends: Q_PREV_PATH keeps the
     * values to put back (search_path and jit).
     */
    struct buf q = BUF_INIT;
    r.base = b.n;
    for (int i = 0; i < Q_COUNT; i++) {
        buf_reset(&q);
        if (i == Q_PREV_PATH) {
            pg_batch_add(&b, sql[i], strlen(sql[i]), 0, NULL);
            continue;
        }
        buf_adds(&q, n ? NS_GIVEN : NS_ALL);
        buf_adds(&q, REL);
        buf_adds(&q, sql[i]);
        pg_batch_add(&b, q.data, q.len, nparams, params);
    }
    buf_release(&q);

    if (pg_batch_run(c, &b, &br, e)) {
        if (br.failed >= (long)r.base && br.failed < (long)(r.base + Q_COUNT))
            pm_err_prefix(e, "could not read the catalog (%s)",
                          query_names[br.failed - (long)r.base]);
        else
            pm_err_prefix(e, "could not read the catalog");
        goto out;
    }
    if (in_tx) {
        const struct pg_result *prev = res_of(&r, Q_PREV_PATH);
        const char *vals[2] = {pg_val(prev, 0, 0), pg_val(prev, 0, 1)};
        if (pg_exec(c,
                    "SELECT pg_catalog.set_config('search_path', $1, true), "
                    "pg_catalog.set_config('jit', $2, true)",
                    2, vals, e)) {
            pm_err_prefix(e, "could not restore search_path");
            goto out;
        }
    }

    /* Each result is freed as soon as it has been copied into the model. */
    read_schemas(&r);
    done_with(&r, Q_SCHEMAS);
    read_extensions(&r);
    done_with(&r, Q_EXTENSIONS);
    read_enums(&r);
    done_with(&r, Q_ENUMS);
    read_types(&r);
    done_with(&r, Q_TYPES);
    read_sequences(&r);
    done_with(&r, Q_SEQUENCES);
    read_relations(&r);
    done_with(&r, Q_TABLES);
    done_with(&r, Q_VIEWS);
    count_children(&r);
    read_columns(&r);
    done_with(&r, Q_COLUMNS);
    read_constraints(&r);
    done_with(&r, Q_CONSTRAINTS);
    read_indexes(&r);
    done_with(&r, Q_INDEXES);
    read_triggers(&r);
    done_with(&r, Q_TRIGGERS);
    read_functions(&r);
    done_with(&r, Q_FUNCTIONS);
    read_comments(&r);
    model_sort(m);
    rc = 0;
out:
    if (rc)
        model_release(m);
    free(r.rels);
    free(r.slots);
    pg_batch_release(&b);
    free(arr);
    return rc;
}
