/*
 * diff_lookup.c - finding objects in a schema model by name, the enum a
 * column type names, and sequences: their default options, their owner
 * column, the sequence a SERIAL column has.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ========================================================= model lookups */

#define FIND_QUALIFIED(arr, n, sch, nm)                                                            \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (n); i_++)                                                        \
            if (str_eq((arr)[i_].name, (nm)) && (!(sch) || str_eq((arr)[i_].schema, (sch))))       \
                return &(arr)[i_];                                                                 \
        return NULL;                                                                               \
    } while (0)

const struct m_table *find_table(const struct schema_model *m, const char *schema, const char *name)
{
    FIND_QUALIFIED(m->tables, m->n_tables, schema, name);
}

const struct m_view *find_view(const struct schema_model *m, const char *schema, const char *name)
{
    FIND_QUALIFIED(m->views, m->n_views, schema, name);
}

const struct m_enum *find_enum(const struct schema_model *m, const char *schema, const char *name)
{
    FIND_QUALIFIED(m->enums, m->n_enums, schema, name);
}

const struct m_type *find_type(const struct schema_model *m, const char *schema, const char *name)
{
    FIND_QUALIFIED(m->types, m->n_types, schema, name);
}

const struct m_sequence *find_sequence(const struct schema_model *m, const char *schema,
                                       const char *name)
{
    FIND_QUALIFIED(m->sequences, m->n_sequences, schema, name);
}

const struct m_function *find_function(const struct schema_model *m, const char *schema,
                                       const char *name, const char *args)
{
    for (size_t i = 0; i < m->n_functions; i++) {
        const struct m_function *f = &m->functions[i];
        if (str_eq(f->schema, schema) && str_eq(f->name, name) && str_eq(f->args, args))
            return f;
    }
    return NULL;
}

const struct m_extension *find_extension(const struct schema_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_extensions; i++)
        if (str_eq(m->extensions[i].name, name))
            return &m->extensions[i];
    return NULL;
}

const struct m_schema *find_schema(const struct schema_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_schemas; i++)
        if (str_eq(m->schemas[i].name, name))
            return &m->schemas[i];
    return NULL;
}

const struct m_column *diff_find_column(const struct m_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_columns; i++)
        if (str_eq(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

const struct m_constraint *find_constraint(const struct m_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_constraints; i++)
        if (str_eq(t->constraints[i].name, name))
            return &t->constraints[i];
    return NULL;
}

const struct m_index *find_index(const struct m_index *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].name, name))
            return &v[i];
    return NULL;
}

const struct m_trigger *find_trigger(const struct m_trigger *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].name, name))
            return &v[i];
    return NULL;
}

/* The enum a column type names (arrays of it included), or NULL. Unqualified names match by
 * name alone: the canonical type is rendered relative to the model's search_path. */
const struct m_enum *type_enum(const struct schema_model *m, const char *type, int *dims)
{
    char *s = NULL, *n = NULL;
    int k = 0;
    const struct m_enum *e = NULL;
    if (type && !parse_type_name(type, &s, &n, &k))
        e = find_enum(m, s, n);
    free(s);
    free(n);
    if (dims)
        *dims = k;
    return e;
}

int enum_has(const struct m_enum *e, const char *v)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (str_eq(e->values[i], v))
            return 1;
    return 0;
}

/* A table whose kind or partitioning changes cannot be altered: it is dropped and created. */
int table_recreated(const struct m_table *f, const struct m_table *t)
{
    return f->kind != t->kind || !str_eq(f->partition_of, t->partition_of) ||
           !str_eq(f->partition_bound, t->partition_bound) ||
           !str_eq(f->partition_key, t->partition_key);
}

/* A column dropped and added again: a (new) generation expression. */
int column_recreated(const struct m_column *f, const struct m_column *t)
{
    return t->generated && !str_eq(f->generated, t->generated);
}

/* ============================================================ sequences */

static long long type_max(const char *type)
{
    if (str_eq(type, "smallint"))
        return 32767;
    if (str_eq(type, "integer"))
        return 2147483647;
    return INT64_MAX;
}

static long long type_min(const char *type)
{
    if (str_eq(type, "smallint"))
        return -32768;
    if (str_eq(type, "integer"))
        return -2147483647LL - 1;
    return INT64_MIN;
}

/* The default MINVALUE, MAXVALUE and START of a sequence of this type and increment. */
void seq_defaults(const char *type, long long increment, long long *min, long long *max,
                  long long *start)
{
    if (increment > 0) {
        *min = 1;
        *max = type_max(type);
        *start = 1;
    } else {
        *min = type_min(type);
        *max = -1;
        *start = -1;
    }
}

/* The sequence a default `nextval('seq'::regclass)` draws from, in model m. */
static const struct m_sequence *default_sequence(const struct schema_model *m, const char *schema,
                                                 const char *def)
{
    size_t pos = 0;
    struct tok t[6], end;
    const struct m_sequence *seq = NULL;
    if (!def)
        return NULL;
    for (int i = 0; i < 6; i++)
        tok_next(def, &pos, &t[i]);
    tok_next(def, &pos, &end);
    if (!diff_tok_is(&t[0], "nextval") || !tok_op(&t[1], "(") || t[2].kind != TK_STRING ||
        !tok_op(&t[3], "::") || !diff_tok_is(&t[4], "regclass") || !tok_op(&t[5], ")") ||
        end.kind != TK_END)
        return NULL;
    char *lit = tok_literal(&t[2]), *s = NULL, *n = NULL;
    if (lit && !parse_qname(lit, &s, &n))
        seq = find_sequence(m, s ? s : schema, n);
    free(lit);
    free(s);
    free(n);
    return seq;
}

/* OWNED BY `"table"."column"`: does it name this column? */
static int owned_by_is(const char *owned_by, const char *table, const char *column)
{
    char *t = NULL, *c = NULL;
    int r = owned_by && !parse_qname(owned_by, &t, &c) && str_eq(t, table) && str_eq(c, column);
    free(t);
    free(c);
    return r;
}

/*
 * The sequence PostgreSQL makes for a SERIAL column, when this column is one:
 * NOT NULL, DEFAULT nextval of a sequence named T_c_seq of the column's
 * integer type, owned by the column, every option at its default.
 */
const struct m_sequence *serial_sequence(const struct schema_model *m, const struct m_table *t,
                                         const struct m_column *c)
{
    if (!c->default_expr || c->identity || c->generated || !c->not_null || c->collation)
        return NULL;
    if (!str_eq(c->type, "integer") && !str_eq(c->type, "bigint") && !str_eq(c->type, "smallint"))
        return NULL;
    const struct m_sequence *s = default_sequence(m, t->schema, c->default_expr);
    if (!s || !str_eq(s->type, c->type) || !str_eq(s->schema, t->schema) ||
        !owned_by_is(s->owned_by, t->name, c->name))
        return NULL;
    char *want = xasprintf("%s_%s_seq", t->name, c->name);
    int name_ok = strlen(want) <= 63 && str_eq(want, s->name);
    free(want);
    long long min, max, start;
    seq_defaults(s->type, s->increment, &min, &max, &start);
    if (!name_ok || s->increment != 1 || s->min != min || s->max != max || s->start != start ||
        s->cache != 1 || s->cycle)
        return NULL;
    return s;
}

/* The owner column of a sequence, in its model. */
int sequence_owner(const struct schema_model *m, const struct m_sequence *s,
                   const struct m_table **t, const struct m_column **c)
{
    char *tn = NULL, *cn = NULL;
    *t = NULL;
    *c = NULL;
    if (s->owned_by && !parse_qname(s->owned_by, &tn, &cn)) {
        *t = find_table(m, s->schema, tn);
        *c = diff_find_column(*t, cn);
    }
    free(tn);
    free(cn);
    return *c ? 0 : -1;
}
