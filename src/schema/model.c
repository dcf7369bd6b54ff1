/*
 * model.c - the schema model's lifecycle, canonical ordering, lookups and its
 * stable text dump (the form tests and the differ compare: equal models have
 * byte-equal dumps, and every field that matters appears in it).
 */
#include "schema/model.h"

#include "util/buf.h"
#include "util/json.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

void model_init(struct schema_model *m)
{
    memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------ release */

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void release_indexes(struct m_index *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].definition);
        free(v[i].method);
        free(v[i].predicate);
        free_strv(v[i].keys, v[i].n_keys);
        free(v[i].comment);
    }
    free(v);
}

static void release_triggers(struct m_trigger *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].definition);
        free(v[i].comment);
    }
    free(v);
}

static void release_table(struct m_table *t)
{
    free(t->schema);
    free(t->name);
    free(t->partition_of);
    free(t->partition_bound);
    free(t->partition_key);
    free(t->options);
    for (size_t i = 0; i < t->n_columns; i++) {
        struct m_column *c = &t->columns[i];
        free(c->name);
        free(c->type);
        free(c->default_expr);
        free(c->identity_options);
        free(c->generated);
        free(c->collation);
        free(c->comment);
    }
    free(t->columns);
    for (size_t i = 0; i < t->n_constraints; i++) {
        struct m_constraint *k = &t->constraints[i];
        free(k->name);
        free(k->definition);
        free_strv(k->columns, k->n_columns);
        free(k->ref_schema);
        free(k->ref_table);
        free_strv(k->ref_columns, k->n_ref_columns);
        free(k->comment);
    }
    free(t->constraints);
    release_indexes(t->indexes, t->n_indexes);
    release_triggers(t->triggers, t->n_triggers);
    free(t->comment);
}

void model_release(struct schema_model *m)
{
    for (size_t i = 0; i < m->n_schemas; i++) {
        free(m->schemas[i].name);
        free(m->schemas[i].comment);
    }
    free(m->schemas);
    for (size_t i = 0; i < m->n_extensions; i++) {
        free(m->extensions[i].name);
        free(m->extensions[i].schema);
        free(m->extensions[i].version);
    }
    free(m->extensions);
    for (size_t i = 0; i < m->n_enums; i++) {
        free(m->enums[i].schema);
        free(m->enums[i].name);
        free_strv(m->enums[i].values, m->enums[i].n_values);
        free(m->enums[i].comment);
    }
    free(m->enums);
    for (size_t i = 0; i < m->n_types; i++) {
        free(m->types[i].schema);
        free(m->types[i].name);
        free(m->types[i].definition);
        free(m->types[i].comment);
    }
    free(m->types);
    for (size_t i = 0; i < m->n_sequences; i++) {
        free(m->sequences[i].schema);
        free(m->sequences[i].name);
        free(m->sequences[i].type);
        free(m->sequences[i].owned_by);
        free(m->sequences[i].comment);
    }
    free(m->sequences);
    for (size_t i = 0; i < m->n_tables; i++)
        release_table(&m->tables[i]);
    free(m->tables);
    for (size_t i = 0; i < m->n_views; i++) {
        struct m_view *v = &m->views[i];
        free(v->schema);
        free(v->name);
        free(v->definition);
        release_indexes(v->indexes, v->n_indexes);
        release_triggers(v->triggers, v->n_triggers);
        free(v->options);
        free(v->comment);
    }
    free(m->views);
    for (size_t i = 0; i < m->n_functions; i++) {
        struct m_function *f = &m->functions[i];
        free(f->schema);
        free(f->name);
        free(f->args);
        free(f->result);
        free(f->language);
        free(f->definition);
        free(f->comment);
    }
    free(m->functions);
    model_init(m);
}

/* ---------------------------------------------------------------- sort */

/* Byte order (strcmp), the same as PostgreSQL's COLLATE "C"; NULL sorts first. */
static int str_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int qualified_cmp(const char *sa, const char *na, const char *sb, const char *nb)
{
    int c = str_cmp(sa, sb);
    return c ? c : str_cmp(na, nb);
}

static int cmp_schema(const void *a, const void *b)
{
    return str_cmp(((const struct m_schema *)a)->name, ((const struct m_schema *)b)->name);
}

static int cmp_extension(const void *a, const void *b)
{
    return str_cmp(((const struct m_extension *)a)->name, ((const struct m_extension *)b)->name);
}

#define QUALIFIED_CMP(fn, type)                                                                    \
    static int fn(const void *a, const void *b)                                                    \
    {                                                                                              \
        const type *x = a, *y = b;                                                                 \
        return qualified_cmp(x->schema, x->name, y->schema, y->name);                              \
    }
QUALIFIED_CMP(cmp_enum, struct m_enum)
QUALIFIED_CMP(cmp_type, struct m_type)
QUALIFIED_CMP(cmp_sequence, struct m_sequence)
QUALIFIED_CMP(cmp_table, struct m_table)
QUALIFIED_CMP(cmp_view, struct m_view)

static int cmp_function(const void *a, const void *b)
{
    const struct m_function *x = a, *y = b;
    int c = qualified_cmp(x->schema, x->name, y->schema, y->name);
    return c ? c : str_cmp(x->args, y->args);
}

static int cmp_column(const void *a, const void *b)
{
    const struct m_column *x = a, *y = b;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    return str_cmp(x->name, y->name);
}

static int cmp_constraint(const void *a, const void *b)
{
    return str_cmp(((const struct m_constraint *)a)->name, ((const struct m_constraint *)b)->name);
}

static int cmp_index(const void *a, const void *b)
{
    return str_cmp(((const struct m_index *)a)->name, ((const struct m_index *)b)->name);
}

static int cmp_trigger(const void *a, const void *b)
{
    return str_cmp(((const struct m_trigger *)a)->name, ((const struct m_trigger *)b)->name);
}

#define SORT(v, n, cmp)                                                                            \
    do {                                                                                           \
        if ((n) > 1)                                                                               \
            qsort((v), (n), sizeof(*(v)), (cmp));                                                  \
    } while (0)

void model_sort(struct schema_model *m)
{
    SORT(m->schemas, m->n_schemas, cmp_schema);
    SORT(m->extensions, m->n_extensions, cmp_extension);
    SORT(m->enums, m->n_enums, cmp_enum);
    SORT(m->types, m->n_types, cmp_type);
    SORT(m->sequences, m->n_sequences, cmp_sequence);
    SORT(m->tables, m->n_tables, cmp_table);
    SORT(m->views, m->n_views, cmp_view);
    SORT(m->functions, m->n_functions, cmp_function);
    for (size_t i = 0; i < m->n_tables; i++) {
        struct m_table *t = &m->tables[i];
        SORT(t->columns, t->n_columns, cmp_column);
        SORT(t->constraints, t->n_constraints, cmp_constraint);
        SORT(t->indexes, t->n_indexes, cmp_index);
        SORT(t->triggers, t->n_triggers, cmp_trigger);
    }
    for (size_t i = 0; i < m->n_views; i++) {
        SORT(m->views[i].indexes, m->views[i].n_indexes, cmp_index);
        SORT(m->views[i].triggers, m->views[i].n_triggers, cmp_trigger);
    }
}

/* ------------------------------------------------------------- lookups */

/*
 * Binary search over an array sorted by (schema, name); with schema NULL, the
 * first element named `name` in any schema (a linear scan, as the array is
 * ordered by schema first).
 */
#define QUALIFIED_FIND(v, n, schema, name)                                                         \
    do {                                                                                           \
        if (!(schema)) {                                                                           \
            for (size_t i_ = 0; i_ < (n); i_++)                                                    \
                if (!str_cmp((v)[i_].name, (name)))                                                \
                    return &(v)[i_];                                                               \
            return NULL;                                                                           \
        }                                                                                          \
        size_t lo_ = 0, hi_ = (n);                                                                 \
        while (lo_ < hi_) {                                                                        \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                                   \
            int c_ = qualified_cmp((v)[mid_].schema, (v)[mid_].name, (schema), (name));            \
            if (c_ == 0)                                                                           \
                return &(v)[mid_];                                                                 \
            if (c_ < 0)                                                                            \
                lo_ = mid_ + 1;                                                                    \
            else                                                                                   \
                hi_ = mid_;                                                                        \
        }                                                                                          \
        return NULL;                                                                               \
    } while (0)

const struct m_table *model_table(const struct schema_model *m, const char *schema,
                                  const char *name)
{
    QUALIFIED_FIND(m->tables, m->n_tables, schema, name);
}

const struct m_enum *model_enum(const struct schema_model *m, const char *schema, const char *name)
{
    QUALIFIED_FIND(m->enums, m->n_enums, schema, name);
}

const struct m_column *table_column(const struct m_table *t, const char *name)
{
    /* columns are ordered by position, not name */
    for (size_t i = 0; i < t->n_columns; i++)
        if (!str_cmp(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

/* ---------------------------------------------------------------- dump */

/*
 * Every string is written as a JSON string literal, so a line never holds a
 * raw newline and no two different values print alike; a NULL string leaves
 * its key out (an empty string prints as key="").
 */
static void put_str(struct buf *b, const char *s)
{
    json_escape(b, s, strlen(s));
}

static void put_kstr(struct buf *b, const char *key, const char *s)
{
    if (!s)
        return;
    buf_addf(b, " %s=", key);
    put_str(b, s);
}

static void put_kint(struct buf *b, const char *key, long long v)
{
    buf_addf(b, " %s=%lld", key, v);
}

static void put_kchar(struct buf *b, const char *key, char c)
{
    if (!c)
        return;
    buf_addf(b, " %s=", key);
    json_escape(b, &c, 1);
}

static void put_kstrv(struct buf *b, const char *key, char *const *v, size_t n)
{
    buf_addf(b, " %s=[", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(b, ',');
        if (v[i])
            put_str(b, v[i]);
        else
            buf_adds(b, "null");
    }
    buf_addch(b, ']');
}

static void put_qualified(struct buf *b, const char *schema, const char *name)
{
    put_str(b, schema ? schema : "");
    buf_addch(b, '.');
    put_str(b, name ? name : "");
}

static void dump_indexes(struct buf *b, const struct m_index *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct m_index *x = &v[i];
        buf_adds(b, "  index ");
        put_str(b, x->name ? x->name : "");
        put_kstr(b, "method", x->method);
        put_kint(b, "unique", x->unique);
        put_kint(b, "valid", x->valid);
        put_kstrv(b, "keys", x->keys, x->n_keys);
        put_kstr(b, "predicate", x->predicate);
        put_kstr(b, "definition", x->definition);
        put_kstr(b, "comment", x->comment);
        buf_addch(b, '\n');
    }
}

static void dump_triggers(struct buf *b, const struct m_trigger *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_adds(b, "  trigger ");
        put_str(b, v[i].name ? v[i].name : "");
        put_kint(b, "enabled", v[i].enabled);
        put_kstr(b, "definition", v[i].definition);
        put_kstr(b, "comment", v[i].comment);
        buf_addch(b, '\n');
    }
}

static void dump_table(struct buf *b, const struct m_table *t)
{
    buf_adds(b, "table ");
    put_qualified(b, t->schema, t->name);
    put_kchar(b, "kind", t->kind);
    put_kint(b, "unlogged", t->unlogged);
    put_kstr(b, "options", t->options);
    put_kstr(b, "partition_of", t->partition_of);
    put_kstr(b, "partition_bound", t->partition_bound);
    put_kstr(b, "partition_key", t->partition_key);
    put_kstr(b, "comment", t->comment);
    buf_addch(b, '\n');
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct m_column *c = &t->columns[i];
        buf_addf(b, "  column %d ", c->position);
        put_str(b, c->name ? c->name : "");
        put_kstr(b, "type", c->type);
        put_kint(b, "not_null", c->not_null);
        put_kstr(b, "default", c->default_expr);
        put_kchar(b, "identity", c->identity);
        put_kstr(b, "identity_options", c->identity_options);
        put_kstr(b, "generated", c->generated);
        put_kstr(b, "collation", c->collation);
        put_kstr(b, "comment", c->comment);
        buf_addch(b, '\n');
    }
    for (size_t i = 0; i < t->n_constraints; i++) {
        const struct m_constraint *k = &t->constraints[i];
        buf_adds(b, "  constraint ");
        put_str(b, k->name ? k->name : "");
        put_kchar(b, "type", k->type);
        put_kstrv(b, "columns", k->columns, k->n_columns);
        if (k->ref_table || k->ref_schema) {
            buf_adds(b, " ref=");
            put_qualified(b, k->ref_schema, k->ref_table);
        }
        if (k->n_ref_columns || k->type == 'f')
            put_kstrv(b, "ref_columns", k->ref_columns, k->n_ref_columns);
        put_kchar(b, "on_update", k->on_update);
        put_kchar(b, "on_delete", k->on_delete);
        put_kint(b, "deferrable", k->deferrable);
        put_kint(b, "deferred", k->deferred);
        put_kint(b, "validated", k->validated);
        put_kstr(b, "definition", k->definition);
        put_kstr(b, "comment", k->comment);
        buf_addch(b, '\n');
    }
    dump_indexes(b, t->indexes, t->n_indexes);
    dump_triggers(b, t->triggers, t->n_triggers);
}

char *model_dump(const struct schema_model *m)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < m->n_schemas; i++) {
        buf_adds(&b, "schema ");
        put_str(&b, m->schemas[i].name ? m->schemas[i].name : "");
        put_kstr(&b, "comment", m->schemas[i].comment);
        buf_addch(&b, '\n');
    }
    for (size_t i = 0; i < m->n_extensions; i++) {
        const struct m_extension *x = &m->extensions[i];
        buf_adds(&b, "extension ");
        put_str(&b, x->name ? x->name : "");
        put_kstr(&b, "schema", x->schema);
        put_kstr(&b, "version", x->version);
        buf_addch(&b, '\n');
    }
    for (size_t i = 0; i < m->n_enums; i++) {
        const struct m_enum *x = &m->enums[i];
        buf_adds(&b, "enum ");
        put_qualified(&b, x->schema, x->name);
        put_kstrv(&b, "values", x->values, x->n_values);
        put_kstr(&b, "comment", x->comment);
        buf_addch(&b, '\n');
    }
    for (size_t i = 0; i < m->n_types; i++) {
        const struct m_type *x = &m->types[i];
        buf_adds(&b, "type ");
        put_qualified(&b, x->schema, x->name);
        put_kchar(&b, "kind", x->kind);
        put_kstr(&b, "definition", x->definition);
        put_kstr(&b, "comment", x->comment);
        buf_addch(&b, '\n');
    }
    for (size_t i = 0; i < m->n_sequences; i++) {
        const struct m_sequence *x = &m->sequences[i];
        buf_adds(&b, "sequence ");
        put_qualified(&b, x->schema, x->name);
        put_kstr(&b, "type", x->type);
        put_kint(&b, "start", x->start);
        put_kint(&b, "increment", x->increment);
        put_kint(&b, "min", x->min);
        put_kint(&b, "max", x->max);
        put_kint(&b, "cache", x->cache);
        put_kint(&b, "cycle", x->cycle);
        put_kstr(&b, "owned_by", x->owned_by);
        put_kstr(&b, "comment", x->comment);
        buf_addch(&b, '\n');
    }
    for (size_t i = 0; i < m->n_tables; i++)
        dump_table(&b, &m->tables[i]);
    for (size_t i = 0; i < m->n_views; i++) {
        const struct m_view *v = &m->views[i];
        buf_adds(&b, "view ");
        put_qualified(&b, v->schema, v->name);
        put_kint(&b, "materialized", v->materialized);
        put_kstr(&b, "options", v->options);
        put_kstr(&b, "definition", v->definition);
        put_kstr(&b, "comment", v->comment);
        buf_addch(&b, '\n');
        dump_indexes(&b, v->indexes, v->n_indexes);
        dump_triggers(&b, v->triggers, v->n_triggers);
    }
    for (size_t i = 0; i < m->n_functions; i++) {
        const struct m_function *f = &m->functions[i];
        buf_adds(&b, "function ");
        put_qualified(&b, f->schema, f->name);
        buf_addch(&b, '(');
        put_str(&b, f->args ? f->args : "");
        buf_addch(&b, ')');
        put_kchar(&b, "kind", f->kind);
        put_kstr(&b, "result", f->result);
        put_kstr(&b, "language", f->language);
        put_kstr(&b, "body_hash", f->body_hash);
        put_kstr(&b, "definition", f->definition);
        put_kstr(&b, "comment", f->comment);
        buf_addch(&b, '\n');
    }
    return buf_detach(&b, NULL);
}
