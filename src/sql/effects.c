/*
 * effects.c - derive the postconditions of migration statements from their
 * parse trees (libpg_query, PostgreSQL 15 raw trees) for diagnose and repair.
 * Only the tree is read: nothing here knows the catalog.
 */
#include "sql/effects.h"
#include "sql/tree.h"
#include "util/buf.h"
#include "util/mem.h"

#include <pg_query/pg_query.pb-c.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- building ------------------------------------------------------- */

struct ctx {
    struct stmt_effects *se;
    size_t cap;
};

static int nz(const char *s)
{
    return s && *s;
}

static char *dup_nz(const char *s)
{
    return nz(s) ? xstrdup(s) : NULL;
}

/* Append an effect; the pointer is valid until the next add(). */
static struct effect *add(struct ctx *c, enum eff_kind kind, int present, const char *schema,
                          const char *name, const char *sub)
{
    struct stmt_effects *se = c->se;
    ALLOC_GROW(se->v, se->n + 1, c->cap);
    struct effect *e = &se->v[se->n++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->present = present;
    e->schema = dup_nz(schema);
    e->name = xstrdup(name ? name : "");
    e->sub = xstrdup(sub); /* "" stays: an enum label may be empty */
    return e;
}

static void set_relkinds(struct effect *e, const char *kinds)
{
    size_t n = strlen(kinds);
    if (n >= sizeof(e->relkinds))
        n = sizeof(e->relkinds) - 1;
    memcpy(e->relkinds, kinds, n);
    e->relkinds[n] = '\0';
}

/* The first reason given wins: it names what made the statement uncheckable. */
static void unknown(struct ctx *c, const char *reason)
{
    if (c->se->cls != EFFC_UNKNOWN) {
        c->se->cls = EFFC_UNKNOWN;
        c->se->reason = reason;
    }
}

static void none(struct ctx *c, const char *reason)
{
    c->se->cls = EFFC_NONE;
    c->se->reason = reason;
}

/* ---- names ---------------------------------------------------------- */

/* A possibly qualified object name; both point into the tree (schema NULL
 * when unqualified). */
struct qname {
    const char *schema;
    const char *name;
};

static struct qname rv_qname(const PgQuery__RangeVar *rv)
{
    struct qname q = {NULL, NULL};
    if (rv) {
        q.schema = nz(rv->schemaname) ? rv->schemaname : NULL;
        q.name = rv->relname ? rv->relname : "";
    }
    return q;
}

/* [catalog.][schema.]name from a list of String nodes; 0, or -1 when the
 * list is empty or holds anything else. */
static int list_qname(PgQuery__Node *const *items, size_t n, struct qname *q)
{
    if (n == 0 || n > 3)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!sql_node_str(items[i]))
            return -1;
    q->name = sql_node_str(items[n - 1]);
    q->schema = n >= 2 ? sql_node_str(items[n - 2]) : NULL;
    if (q->schema && !*q->schema)
        q->schema = NULL;
    return 0;
}

static int node_list_qname(const PgQuery__Node *n, struct qname *q)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_LIST || !n->list)
        return -1;
    return list_qname(n->list->items, n->list->n_items, q);
}

static void add_quoted(struct buf *b, const char *name)
{
    buf_addch(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_addch(b, '"');
        buf_addch(b, *p);
    }
    buf_addch(b, '"');
}

static void add_qname(struct buf *b, const char *schema, const char *name)
{
    if (schema) {
        add_quoted(b, schema);
        buf_addch(b, '.');
    }
    add_quoted(b, name ? name : "");
}

static char *qname_display(struct qname q, const char *sub)
{
    struct buf b = BUF_INIT;
    add_qname(&b, q.schema, q.name);
    if (sub) {
        buf_addch(&b, '.');
        add_quoted(&b, sub);
    }
    return buf_detach(&b, NULL);
}

/* Append ", " and a display name to a statement's object list. */
static void object_append(struct stmt_effects *se, struct qname q)
{
    struct buf b = BUF_INIT;
    if (se->object) {
        buf_adds(&b, se->object);
        buf_adds(&b, ", ");
        free(se->object);
    }
    add_qname(&b, q.schema, q.name);
    se->object = buf_detach(&b, NULL);
}

/* Comma-separated String items ("a,b"), or NULL when the list is empty or
 * holds anything but Strings. Caller frees. */
static char *column_list(PgQuery__Node *const *items, size_t n)
{
    struct buf b = BUF_INIT;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = sql_node_str(items[i]);
        if (!s) {
            buf_release(&b);
            return NULL;
        }
        if (i)
            buf_addch(&b, ',');
        buf_adds(&b, s);
    }
    return buf_detach(&b, NULL);
}

/* ---- types ---------------------------------------------------------- */

/* The type name as written: names joined with '.'. */
static void add_type_name(struct buf *b, const PgQuery__TypeName *tn)
{
    size_t start = b->len;
    for (size_t i = 0; i < tn->n_names; i++) {
        const char *s = sql_node_str(tn->names[i]);
        if (!s)
            continue;
        if (b->len > start)
            buf_addch(b, '.');
        buf_adds(b, s);
    }
    if (tn->pct_type)
        buf_adds(b, "%TYPE");
}

/* SERIAL types: PostgreSQL (transformColumnDefinition) looks only at an
 * unqualified single name, and replaces it with the integer type. */
static const char *serial_type(const PgQuery__TypeName *tn)
{
    static const struct {
        const char *serial, *type;
    } map[] = {
        {"smallserial", "pg_catalog.int2"}, {"serial2", "pg_catalog.int2"},
        {"serial", "pg_catalog.int4"},      {"serial4", "pg_catalog.int4"},
        {"bigserial", "pg_catalog.int8"},   {"serial8", "pg_catalog.int8"},
    };
    const char *s;
    if (!tn || tn->n_names != 1 || tn->pct_type || !(s = sql_node_str(tn->names[0])))
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (strcmp(s, map[i].serial) == 0)
            return map[i].type;
    return NULL;
}

static void set_type(struct effect *e, const PgQuery__TypeName *tn)
{
    struct buf b = BUF_INIT;
    int mods[2];
    size_t nmods = 0;
    add_type_name(&b, tn);
    e->type_name = buf_detach(&b, NULL);
    e->array_dims = (int)tn->n_array_bounds;
    /* Only integer constants are recorded; anything else (or more than two)
     * leaves n_typmods 0. */
    if (tn->n_typmods <= 2) {
        for (size_t i = 0; i < tn->n_typmods; i++) {
            const PgQuery__Node *m = tn->typmods[i];
            if (!m || m->node_case != PG_QUERY__NODE__NODE_A_CONST ||
                m->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL || !m->a_const->ival)
                break;
            mods[nmods++] = m->a_const->ival->ival;
        }
        if (nmods == tn->n_typmods) {
            for (size_t i = 0; i < nmods; i++)
                e->typmods[i] = mods[i];
            e->n_typmods = (int)nmods;
        }
    }
}

/* ---- constraints and columns ----------------------------------------- */

static char contype_char(PgQuery__ConstrType t)
{
    switch (t) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        return 'p';
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        return 'f';
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        return 'u';
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        return 'c';
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
        return 'x';
    default:
        return 0;
    }
}

/*
 * A table constraint (or a column's inline one when colname is set) on rel.
 * USING INDEX: the constraint takes the index's name when it has none of its
 * own, else the index is renamed to the constraint's name.
 */
static void add_constraint(struct ctx *c, struct qname rel, const PgQuery__Constraint *k,
                           const char *colname)
{
    char t = contype_char(k->contype);
    const char *name = nz(k->conname) ? k->conname : NULL;
    if (!t)
        return;
    if (!name && nz(k->indexname))
        name = k->indexname;
    struct effect *e = add(c, EFF_CONSTRAINT, 1, rel.schema, rel.name, name);
    e->contype = t;
    if (colname)
        e->columns = xstrdup(colname);
    else if (t == 'f')
        e->columns = column_list(k->fk_attrs, k->n_fk_attrs);
    else if (t == 'p' || t == 'u')
        e->columns = column_list(k->keys, k->n_keys);
    if (t == 'f' && k->pktable) {
        struct qname r = rv_qname(k->pktable);
        e->ref = xstrdup(r.name);
        e->ref_schema = dup_nz(r.schema);
    }
    /* spelled out (not nz()): clang-analyzer loses nz() here and reports strcmp(NULL) */
    const char *con = k->conname, *idx = k->indexname;
    if (con && idx && *con && *idx && strcmp(con, idx) != 0)
        add(c, EFF_INDEX, 0, rel.schema, k->indexname, NULL);
}

static int has_notnull(const struct stmt_effects *se, struct qname rel, const char *col)
{
    for (size_t i = 0; i < se->n; i++) {
        const struct effect *e = &se->v[i];
        if (e->kind == EFF_COLUMN_NOTNULL && e->present && e->flag == 1 && e->sub &&
            strcmp(e->sub, col) == 0 && strcmp(e->name, rel.name) == 0)
            return 1;
    }
    return 0;
}

/*
 * A column definition (CREATE TABLE, ADD COLUMN, composite-type attribute):
 * COLUMN, COLUMN_TYPE, COLUMN_NOTNULL (NOT NULL, PRIMARY KEY, identity,
 * serial), COLUMN_DEFAULT (DEFAULT, serial), then its inline constraints.
 */
static void add_column(struct ctx *c, struct qname rel, const PgQuery__ColumnDef *cd)
{
    const char *col = cd->colname ? cd->colname : "";
    const char *serial = serial_type(cd->type_name);
    int notnull = cd->is_not_null || serial != NULL;
    int def = cd->raw_default != NULL || serial != NULL;

    for (size_t i = 0; i < cd->n_constraints; i++) {
        const PgQuery__Node *n = cd->constraints[i];
        if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            continue;
        switch (n->constraint->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
            notnull = 1;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            def = 1;
            break;
        default:
            break;
        }
    }

    add(c, EFF_COLUMN, 1, rel.schema, rel.name, col);
    if (cd->type_name) {
        struct effect *e = add(c, EFF_COLUMN_TYPE, 1, rel.schema, rel.name, col);
        if (serial)
            e->type_name = xstrdup(serial);
        else
            set_type(e, cd->type_name);
    }
    if (notnull)
        add(c, EFF_COLUMN_NOTNULL, 1, rel.schema, rel.name, col)->flag = 1;
    if (def)
        add(c, EFF_COLUMN_DEFAULT, 1, rel.schema, rel.name, col)->flag = 1;
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const PgQuery__Node *n = cd->constraints[i];
        if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
            add_constraint(c, rel, n->constraint, col);
    }
}

/* ---- statements ----------------------------------------------------- */

static int is_temp(const PgQuery__RangeVar *rv)
{
    return rv && rv->relpersistence && rv->relpersistence[0] == 't';
}

static void create_stmt(struct ctx *c, const PgQuery__CreateStmt *cs)
{
    struct qname rel = rv_qname(cs->relation);
    c->se->object = sql_range_var_name(cs->relation);
    c->se->idempotent = cs->if_not_exists;
    if (!cs->relation) {
        unknown(c, "not analysed");
        return;
    }
    if (is_temp(cs->relation)) {
        none(c, "temporary object");
        return;
    }
    set_relkinds(add(c, EFF_RELATION, 1, rel.schema, rel.name, NULL), "rp");
    if (cs->partbound)
        return; /* PARTITION OF: columns and constraints come from the parent */
    for (size_t i = 0; i < cs->n_table_elts; i++) {
        const PgQuery__Node *n = cs->table_elts[i];
        if (!n)
            continue;
        if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
            add_column(c, rel, n->column_def);
        else if (n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
            add_constraint(c, rel, n->constraint, NULL);
        /* LIKE: the copied columns are not listed; the relation says enough. */
    }
    /* The columns of a table-level primary key become NOT NULL. */
    for (size_t i = 0; i < cs->n_table_elts; i++) {
        const PgQuery__Node *n = cs->table_elts[i];
        if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
            n->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
            continue;
        for (size_t k = 0; k < n->constraint->n_keys; k++) {
            const char *col = sql_node_str(n->constraint->keys[k]);
            if (col && !has_notnull(c->se, rel, col))
                add(c, EFF_COLUMN_NOTNULL, 1, rel.schema, rel.name, col)->flag = 1;
        }
    }
}

static void create_table_as(struct ctx *c, const PgQuery__CreateTableAsStmt *ct)
{
    const PgQuery__RangeVar *rv = ct->into ? ct->into->rel : NULL;
    struct qname rel = rv_qname(rv);
    int matview = ct->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
    c->se->object = sql_range_var_name(rv);
    c->se->idempotent = ct->if_not_exists;
    if (!rv) {
        unknown(c, "not analysed");
        return;
    }
    if (is_temp(rv)) {
        none(c, "temporary object");
        return;
    }
    set_relkinds(add(c, EFF_RELATION, 1, rel.schema, rel.name, NULL), matview ? "m" : "rp");
}

static void view_stmt(struct ctx *c, const PgQuery__ViewStmt *v)
{
    struct qname rel = rv_qname(v->view);
    c->se->object = sql_range_var_name(v->view);
    c->se->idempotent = v->replace;
    if (!v->view) {
        unknown(c, "not analysed");
        return;
    }
    if (is_temp(v->view)) {
        none(c, "temporary object");
        return;
    }
    set_relkinds(add(c, EFF_RELATION, 1, rel.schema, rel.name, NULL), "v");
}

static void create_seq(struct ctx *c, const PgQuery__CreateSeqStmt *s)
{
    struct qname rel = rv_qname(s->sequence);
    c->se->object = sql_range_var_name(s->sequence);
    c->se->idempotent = s->if_not_exists;
    if (!s->sequence) {
        unknown(c, "not analysed");
        return;
    }
    if (is_temp(s->sequence)) {
        none(c, "temporary object");
        return;
    }
    set_relkinds(add(c, EFF_RELATION, 1, rel.schema, rel.name, NULL), "S");
}

/* Does a function parameter of this mode belong to the signature? */
static int param_in_signature(PgQuery__FunctionParameterMode m, int procedure)
{
    switch (m) {
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_IN:
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT:
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_VARIADIC:
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_DEFAULT:
        return 1;
    case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT:
        return procedure;
    default:
        return 0;
    }
}

static void add_arg_type(struct buf *b, int *nargs, const PgQuery__TypeName *tn)
{
    if (*nargs)
        buf_addch(b, ',');
    if (tn) {
        add_type_name(b, tn);
        for (size_t d = 0; d < tn->n_array_bounds; d++)
            buf_adds(b, "[]");
    }
    (*nargs)++;
}

/* Signature from FunctionParameter nodes (CREATE FUNCTION, objfuncargs). */
static void set_params(struct effect *e, PgQuery__Node *const *params, size_t n, int procedure)
{
    struct buf b = BUF_INIT;
    int nargs = 0;
    for (size_t i = 0; i < n; i++) {
        const PgQuery__Node *p = params[i];
        if (!p || p->node_case != PG_QUERY__NODE__NODE_FUNCTION_PARAMETER)
            continue;
        if (param_in_signature(p->function_parameter->mode, procedure))
            add_arg_type(&b, &nargs, p->function_parameter->arg_type);
    }
    e->args = buf_detach(&b, NULL);
    e->nargs = nargs;
}

/* A function named by ObjectWithArgs (DROP, RENAME); 0 or -1. */
static int add_function_ref(struct ctx *c, const PgQuery__Node *n, int present, int procedure,
                            const char *newname)
{
    struct qname q;
    if (!n || n->node_case != PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS)
        return -1;
    const PgQuery__ObjectWithArgs *o = n->object_with_args;
    if (list_qname(o->objname, o->n_objname, &q) < 0)
        return -1;
    struct effect *e = add(c, EFF_FUNCTION, present, q.schema, newname ? newname : q.name, NULL);
    if (o->args_unspecified) {
        e->nargs = -1;
    } else if (o->n_objfuncargs) {
        set_params(e, o->objfuncargs, o->n_objfuncargs, procedure);
    } else {
        struct buf b = BUF_INIT;
        int nargs = 0;
        for (size_t i = 0; i < o->n_objargs; i++) {
            const PgQuery__Node *a = o->objargs[i];
            if (a && a->node_case == PG_QUERY__NODE__NODE_TYPE_NAME)
                add_arg_type(&b, &nargs, a->type_name);
        }
        e->args = buf_detach(&b, NULL);
        e->nargs = nargs;
    }
    if (!newname)
        object_append(c->se, q);
    return 0;
}

static void create_function(struct ctx *c, const PgQuery__CreateFunctionStmt *f)
{
    struct qname q;
    c->se->idempotent = f->replace;
    if (list_qname(f->funcname, f->n_funcname, &q) < 0) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display(q, NULL);
    set_params(add(c, EFF_FUNCTION, 1, q.schema, q.name, NULL), f->parameters, f->n_parameters,
               f->is_procedure);
}

static void create_trigger(struct ctx *c, const PgQuery__CreateTrigStmt *t)
{
    struct qname rel = rv_qname(t->relation);
    c->se->idempotent = t->replace;
    if (!t->relation || !nz(t->trigname)) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display(rel, t->trigname);
    add(c, EFF_TRIGGER, 1, rel.schema, rel.name, t->trigname);
}

static void index_stmt(struct ctx *c, const PgQuery__IndexStmt *ix)
{
    struct qname rel = rv_qname(ix->relation);
    c->se->idempotent = ix->if_not_exists;
    c->se->concurrent = ix->concurrent;
    if (!nz(ix->idxname)) {
        /* PostgreSQL picks the name (ChooseIndexName), which may depend on
         * what exists: not predictable from the text. */
        c->se->object = sql_range_var_name(ix->relation);
        unknown(c, "unnamed index");
        return;
    }
    /* An index lives in its table's schema. */
    c->se->object = qname_display((struct qname){rel.schema, ix->idxname}, NULL);
    struct effect *e = add(c, EFF_INDEX, 1, rel.schema, ix->idxname, NULL);
    e->flag = 1;
    /* its table, so that a later DROP TABLE in the same migration supersedes it */
    e->ref = xstrdup(rel.name);
    e->ref_schema = dup_nz(rel.schema);
}

static void create_enum(struct ctx *c, const PgQuery__CreateEnumStmt *en)
{
    struct qname q;
    if (list_qname(en->type_name, en->n_type_name, &q) < 0) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display(q, NULL);
    add(c, EFF_TYPE, 1, q.schema, q.name, NULL)->typkind = 'e';
    for (size_t i = 0; i < en->n_vals; i++) {
        const char *label = sql_node_str(en->vals[i]);
        if (label)
            add(c, EFF_ENUM_VALUE, 1, q.schema, q.name, label);
    }
}

static void create_type_named(struct ctx *c, PgQuery__Node *const *names, size_t n, char typkind)
{
    struct qname q;
    if (list_qname(names, n, &q) < 0) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display(q, NULL);
    add(c, EFF_TYPE, 1, q.schema, q.name, NULL)->typkind = typkind;
}

static void composite_type(struct ctx *c, const PgQuery__CompositeTypeStmt *ct)
{
    struct qname q = rv_qname(ct->typevar);
    if (!ct->typevar) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display(q, NULL);
    add(c, EFF_TYPE, 1, q.schema, q.name, NULL)->typkind = 'c';
}

static void alter_enum(struct ctx *c, const PgQuery__AlterEnumStmt *a)
{
    struct qname q;
    /* An empty label is valid. RENAME VALUE '' TO ... reads as ADD VALUE:
     * absent strings are "" in the protobuf tree, so old_val '' is lost. */
    if (list_qname(a->type_name, a->n_type_name, &q) < 0 || !a->new_val) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display(q, NULL);
    add(c, EFF_ENUM_VALUE, 1, q.schema, q.name, a->new_val);
    if (nz(a->old_val)) /* RENAME VALUE */
        add(c, EFF_ENUM_VALUE, 0, q.schema, q.name, a->old_val);
    else
        c->se->idempotent = a->skip_if_new_val_exists;
}

static void create_schema(struct ctx *c, const PgQuery__CreateSchemaStmt *s)
{
    /* CREATE SCHEMA AUTHORIZATION role: the schema is named after the role. */
    const char *name = nz(s->schemaname)                          ? s->schemaname
                       : s->authrole && nz(s->authrole->rolename) ? s->authrole->rolename
                                                                  : NULL;
    c->se->idempotent = s->if_not_exists;
    if (!name) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display((struct qname){NULL, name}, NULL);
    add(c, EFF_SCHEMA, 1, NULL, name, NULL);
    if (s->n_schema_elts)
        unknown(c, "schema elements");
}

static void create_extension(struct ctx *c, const PgQuery__CreateExtensionStmt *x)
{
    c->se->idempotent = x->if_not_exists;
    if (!nz(x->extname)) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = qname_display((struct qname){NULL, x->extname}, NULL);
    add(c, EFF_EXTENSION, 1, NULL, x->extname, NULL);
}

/* ---- DROP ----------------------------------------------------------- */

static const char *relkinds_of(PgQuery__ObjectType t)
{
    switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        return "rp";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        return "v";
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        return "m";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        return "S";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
        return "f";
    default:
        return NULL;
    }
}

/* One dropped object; 0, or -1 when its shape is not understood. */
static int drop_object(struct ctx *c, PgQuery__ObjectType t, const PgQuery__Node *obj)
{
    struct qname q;
    const char *kinds = relkinds_of(t);

    if (kinds || t == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
        if (node_list_qname(obj, &q) < 0)
            return -1;
        if (kinds)
            set_relkinds(add(c, EFF_RELATION, 0, q.schema, q.name, NULL), kinds);
        else
            add(c, EFF_INDEX, 0, q.schema, q.name, NULL);
        object_append(c->se, q);
        return 0;
    }
    switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
        if (!obj || obj->node_case != PG_QUERY__NODE__NODE_TYPE_NAME ||
            list_qname(obj->type_name->names, obj->type_name->n_names, &q) < 0)
            return -1;
        add(c, EFF_TYPE, 0, q.schema, q.name, NULL)->typkind =
            t == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? 'd' : 0;
        object_append(c->se, q);
        return 0;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
        q.schema = NULL;
        q.name = sql_node_str(obj);
        if (!q.name)
            return -1;
        add(c, t == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA ? EFF_SCHEMA : EFF_EXTENSION, 0, NULL,
            q.name, NULL);
        object_append(c->se, q);
        return 0;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
        return add_function_ref(c, obj, 0, t == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE, NULL);
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: {
        /* [schema.]table.trigger */
        if (!obj || obj->node_case != PG_QUERY__NODE__NODE_LIST || obj->list->n_items < 2)
            return -1;
        const PgQuery__List *l = obj->list;
        const char *trig = sql_node_str(l->items[l->n_items - 1]);
        if (!trig || list_qname(l->items, l->n_items - 1, &q) < 0)
            return -1;
        add(c, EFF_TRIGGER, 0, q.schema, q.name, trig);
        if (!c->se->object)
            c->se->object = qname_display(q, trig);
        return 0;
    }
    default:
        return -1;
    }
}

static void drop_stmt(struct ctx *c, const PgQuery__DropStmt *d)
{
    c->se->idempotent = d->missing_ok;
    c->se->concurrent = d->concurrent;
    for (size_t i = 0; i < d->n_objects; i++)
        if (drop_object(c, d->remove_type, d->objects[i]) < 0)
            unknown(c, "not analysed");
}

/* ---- RENAME, SET SCHEMA --------------------------------------------- */

static void rename_stmt(struct ctx *c, const PgQuery__RenameStmt *r)
{
    struct qname rel = rv_qname(r->relation), q;
    const char *nn = r->newname;
    const char *kinds = relkinds_of(r->rename_type);

    if (!nz(nn)) {
        unknown(c, "not analysed");
        return;
    }
    if (kinds || r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
        if (!r->relation) {
            unknown(c, "not analysed");
            return;
        }
        /* IF EXISTS makes a second run a no-op, but `idempotent` is not set:
         * repair reads it as "may have been there before" and would not undo
         * the rename, which certainly was this statement's doing. */
        c->se->object = sql_range_var_name(r->relation);
        if (kinds) {
            set_relkinds(add(c, EFF_RELATION, 1, rel.schema, nn, NULL), kinds);
            set_relkinds(add(c, EFF_RELATION, 0, rel.schema, rel.name, NULL), kinds);
        } else {
            add(c, EFF_INDEX, 1, rel.schema, nn, NULL);
            add(c, EFF_INDEX, 0, rel.schema, rel.name, NULL);
        }
        return;
    }
    switch (r->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: {
        /* relation_type is garbage for RENAME CONSTRAINT (see tree.h): the
         * relation is whatever `relation` names. */
        enum eff_kind k = r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ? EFF_COLUMN
                          : r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER
                              ? EFF_TRIGGER
                              : EFF_CONSTRAINT;
        if (!r->relation || !nz(r->subname)) {
            unknown(c, "not analysed");
            return;
        }
        c->se->object = qname_display(rel, r->subname);
        add(c, k, 1, rel.schema, rel.name, nn);
        add(c, k, 0, rel.schema, rel.name, r->subname);
        return;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
        char kind = r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? 'd' : 0;
        if (node_list_qname(r->object, &q) < 0) {
            unknown(c, "not analysed");
            return;
        }
        c->se->object = qname_display(q, NULL);
        add(c, EFF_TYPE, 1, q.schema, nn, NULL)->typkind = kind;
        add(c, EFF_TYPE, 0, q.schema, q.name, NULL)->typkind = kind;
        return;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        if (!nz(r->subname)) {
            unknown(c, "not analysed");
            return;
        }
        c->se->object = qname_display((struct qname){NULL, r->subname}, NULL);
        add(c, EFF_SCHEMA, 1, NULL, nn, NULL);
        add(c, EFF_SCHEMA, 0, NULL, r->subname, NULL);
        return;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: {
        int proc = r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE;
        if (add_function_ref(c, r->object, 1, proc, nn) < 0 ||
            add_function_ref(c, r->object, 0, proc, NULL) < 0)
            unknown(c, "not analysed");
        return;
    }
    default:
        unknown(c, "not analysed");
        return;
    }
}

static void alter_object_schema(struct ctx *c, const PgQuery__AlterObjectSchemaStmt *a)
{
    const char *kinds = relkinds_of(a->object_type);
    struct qname q;
    if (!nz(a->newschema)) {
        unknown(c, "not analysed");
        return;
    }
    if (kinds && a->relation) {
        q = rv_qname(a->relation);
        c->se->object = qname_display(q, NULL);
        set_relkinds(add(c, EFF_RELATION, 1, a->newschema, q.name, NULL), kinds);
        set_relkinds(add(c, EFF_RELATION, 0, q.schema, q.name, NULL), kinds);
        return;
    }
    if ((a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
         a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) &&
        node_list_qname(a->object, &q) == 0) {
        char kind = a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? 'd' : 0;
        c->se->object = qname_display(q, NULL);
        add(c, EFF_TYPE, 1, a->newschema, q.name, NULL)->typkind = kind;
        add(c, EFF_TYPE, 0, q.schema, q.name, NULL)->typkind = kind;
        return;
    }
    unknown(c, "not analysed");
}

/* ---- ALTER TABLE ---------------------------------------------------- */

/* Is the command a column-level one; its column name, else NULL. */
static const char *cmd_column(const PgQuery__AlterTableCmd *cmd)
{
    switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        return cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF &&
                       nz(cmd->def->column_def->colname)
                   ? cmd->def->column_def->colname
                   : NULL;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        return nz(cmd->name) ? cmd->name : NULL;
    default:
        return NULL;
    }
}

/* The reason an ALTER TABLE command is not checkable. */
static const char *cmd_unknown_reason(PgQuery__AlterTableType t)
{
    switch (t) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
        return "trigger state";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule:
        return "rule state";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
        return "row security";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
        return "ownership";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOids:
        return "storage options";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
        return "column options";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        return "partitioning";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
        return "inheritance";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
        return "replica identity";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
        return "identity";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
        return "generated column";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
        return "constraint attributes";
    case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
        return "foreign options";
    default:
        return "not analysed";
    }
}

/* One command; returns whether it carries IF [NOT] EXISTS (see alter_table). */
static int alter_table_cmd(struct ctx *c, struct qname rel, const PgQuery__AlterTableCmd *cmd)
{
    const char *col = nz(cmd->name) ? cmd->name : NULL;
    const PgQuery__Node *def = cmd->def;

    switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (!def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
            break;
        add_column(c, rel, def->column_def);
        return cmd->missing_ok;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        if (!col)
            break;
        add(c, EFF_COLUMN, 0, rel.schema, rel.name, col);
        return cmd->missing_ok;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        if (!col || !def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF ||
            !def->column_def->type_name)
            break;
        set_type(add(c, EFF_COLUMN_TYPE, 1, rel.schema, rel.name, col), def->column_def->type_name);
        return 0;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        if (!col)
            break;
        add(c, EFF_COLUMN_NOTNULL, 1, rel.schema, rel.name, col)->flag =
            cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
        return 0;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        if (!col)
            break;
        add(c, EFF_COLUMN_DEFAULT, 1, rel.schema, rel.name, col)->flag = def != NULL;
        return 0;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
        if (!def || def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
            !contype_char(def->constraint->contype))
            break;
        /* ADD PRIMARY KEY also sets NOT NULL on its columns; not listed, as
         * Prisma's columns already are (the effect would not tell whether
         * the statement ran). */
        add_constraint(c, rel, def->constraint, NULL);
        return 0;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        if (!col)
            break;
        add(c, EFF_CONSTRAINT, 0, rel.schema, rel.name, col);
        return cmd->missing_ok;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
        /* convalidated is not modelled: the constraint must exist */
        if (!col)
            break;
        add(c, EFF_CONSTRAINT, 1, rel.schema, rel.name, col);
        return 0;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
        if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            nz(def->constraint->conname))
            add(c, EFF_CONSTRAINT, 1, rel.schema, rel.name, def->constraint->conname);
        unknown(c, cmd_unknown_reason(cmd->subtype));
        return 0;
    default:
        unknown(c, cmd_unknown_reason(cmd->subtype));
        return 0;
    }
    unknown(c, "not analysed");
    return 0;
}

/*
 * ALTER TABLE is idempotent when every command carries IF [NOT] EXISTS (ADD
 * COLUMN IF NOT EXISTS, DROP COLUMN / CONSTRAINT IF EXISTS). SET NOT NULL and
 * the like could run again harmlessly too, but are not marked: repair reads
 * `idempotent` also as "the effect may have been there before", and would
 * then not undo them. ALTER TABLE IF EXISTS concerns the table only.
 */
static void alter_table(struct ctx *c, const PgQuery__AlterTableStmt *a)
{
    struct qname rel = rv_qname(a->relation);
    int safe = a->n_cmds > 0;
    if (!a->relation) {
        unknown(c, "not analysed");
        return;
    }
    c->se->object = sql_range_var_name(a->relation);
    if (a->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
        /* ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE */
        unknown(c, "composite type attributes");
        return;
    }
    if (a->n_cmds == 1 && a->cmds[0] &&
        a->cmds[0]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) {
        const char *col = cmd_column(a->cmds[0]->alter_table_cmd);
        if (col) {
            free(c->se->object);
            c->se->object = qname_display(rel, col);
        }
    }
    for (size_t i = 0; i < a->n_cmds; i++) {
        const PgQuery__Node *n = a->cmds[i];
        if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) {
            unknown(c, "not analysed");
            safe = 0;
            continue;
        }
        if (!alter_table_cmd(c, rel, n->alter_table_cmd))
            safe = 0;
    }
    c->se->idempotent = safe;
}

/* ---- queries and DO -------------------------------------------------- */

enum { WALK_FUNC = 1, WALK_DML = 2 };

static int contents_visit(const ProtobufCMessage *m, void *ud)
{
    unsigned *found = ud;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (d == &pg_query__func_call__descriptor)
        *found |= WALK_FUNC;
    else if (d == &pg_query__insert_stmt__descriptor || d == &pg_query__update_stmt__descriptor ||
             d == &pg_query__delete_stmt__descriptor || d == &pg_query__merge_stmt__descriptor)
        *found |= WALK_DML;
    return *found == (WALK_FUNC | WALK_DML) ? SQL_WALK_STOP : SQL_WALK_INTO;
}

/*
 * What a query tree contains: function calls, data-changing statements (in
 * WITH). A part too deep to visit answers conservatively: both.
 */
static unsigned contents(const ProtobufCMessage *m)
{
    unsigned found = 0;
    if (sql_tree_walk(m, contents_visit, &found) == SQL_WALK_CUT)
        found = WALK_FUNC | WALK_DML;
    return found;
}

static void query_stmt(struct ctx *c, const PgQuery__Node *n)
{
    /* SELECT ... INTO t: the raw tree is a SelectStmt with an IntoClause
     * (PostgreSQL turns it into CREATE TABLE AS only at analysis). */
    if (n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && n->select_stmt->into_clause &&
        n->select_stmt->into_clause->rel) {
        const PgQuery__RangeVar *rv = n->select_stmt->into_clause->rel;
        struct qname rel = rv_qname(rv);
        c->se->object = sql_range_var_name(rv);
        if (is_temp(rv))
            none(c, "temporary object");
        else
            set_relkinds(add(c, EFF_RELATION, 1, rel.schema, rel.name, NULL), "rp");
        return;
    }
    unsigned w = contents(&n->base);
    if (w & WALK_DML)
        unknown(c, "data change");
    else if (w & WALK_FUNC)
        unknown(c, "function call");
    else
        none(c, "query");
}

/* Case-insensitive search where a ' ' in pat matches one or more blanks. */
static int contains_words(const char *s, const char *pat)
{
    for (; *s; s++) {
        const char *p = pat, *t = s;
        while (*p && *t) {
            if (*p == ' ') {
                if (!isspace((unsigned char)*t))
                    break;
                while (isspace((unsigned char)*t))
                    t++;
                p++;
            } else if (tolower((unsigned char)*p) == tolower((unsigned char)*t)) {
                p++;
                t++;
            } else {
                break;
            }
        }
        if (!*p)
            return 1;
    }
    return 0;
}

/*
 * DO: not analysable. guarded_do is a textual heuristic over the body: it
 * counts as guarding itself when it says IF NOT EXISTS or IF EXISTS (a
 * catalog test or a guarded DDL), or catches a duplicate_* error (EXCEPTION
 * ... WHEN duplicate_object / duplicate_column ...). Comments and string
 * literals in the body are not told apart from code.
 */
static void do_stmt(struct ctx *c, const PgQuery__DoStmt *d)
{
    unknown(c, "DO block");
    for (size_t i = 0; i < d->n_args; i++) {
        const PgQuery__Node *a = d->args[i];
        if (!a || a->node_case != PG_QUERY__NODE__NODE_DEF_ELEM ||
            strcmp(a->def_elem->defname, "as") != 0)
            continue;
        const char *body = sql_node_str(a->def_elem->arg);
        if (!body)
            continue;
        if (contains_words(body, "IF NOT EXISTS") || contains_words(body, "IF EXISTS") ||
            (contains_words(body, "EXCEPTION") && contains_words(body, "WHEN duplicate_")))
            c->se->guarded_do = 1;
    }
}

/* ---- dispatch ------------------------------------------------------- */

static void analyse(struct ctx *c, const PgQuery__Node *n)
{
    if (!n) {
        unknown(c, "not analysed");
        return;
    }
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        create_stmt(c, n->create_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        create_table_as(c, n->create_table_as_stmt);
        break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        view_stmt(c, n->view_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        create_seq(c, n->create_seq_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        create_function(c, n->create_function_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        create_trigger(c, n->create_trig_stmt);
        break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        index_stmt(c, n->index_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        create_enum(c, n->create_enum_stmt);
        break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        composite_type(c, n->composite_type_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        create_type_named(c, n->create_domain_stmt->domainname, n->create_domain_stmt->n_domainname,
                          'd');
        break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        create_type_named(c, n->create_range_stmt->type_name, n->create_range_stmt->n_type_name,
                          'r');
        break;
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        alter_enum(c, n->alter_enum_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        create_schema(c, n->create_schema_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        create_extension(c, n->create_extension_stmt);
        break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        drop_stmt(c, n->drop_stmt);
        break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename_stmt(c, n->rename_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        alter_object_schema(c, n->alter_object_schema_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        alter_table(c, n->alter_table_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
        c->se->object = sql_range_var_name(n->alter_seq_stmt->sequence);
        unknown(c, "sequence options");
        break;
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        c->se->idempotent = 1;
        unknown(c, "comment");
        break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
        c->se->idempotent = 1;
        unknown(c, "privileges");
        break;
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
        unknown(c, "ownership");
        break;
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
        unknown(c, "function options");
        break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT:
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
        unknown(c, "data change");
        break;
    case PG_QUERY__NODE__NODE_CALL_STMT:
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
        unknown(c, "function call");
        break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        query_stmt(c, n);
        break;
    case PG_QUERY__NODE__NODE_DO_STMT:
        do_stmt(c, n->do_stmt);
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
    case PG_QUERY__NODE__NODE_LOAD_STMT:
        none(c, "session setting");
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
    case PG_QUERY__NODE__NODE_FETCH_STMT:
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
        none(c, "query");
        break;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
    case PG_QUERY__NODE__NODE_CONSTRAINTS_SET_STMT:
        none(c, "transaction control");
        break;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
        none(c, "maintenance");
        break;
    case PG_QUERY__NODE__NODE_LOCK_STMT:
        none(c, "lock");
        break;
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
        none(c, "notification");
        break;
    default:
        unknown(c, "not analysed");
        break;
    }
    if (c->se->cls == EFFC_CHECKABLE && c->se->n == 0)
        unknown(c, "not analysed");
}

struct stmt_effects *effects_of_script(const struct sql_script *s)
{
    struct stmt_effects *out = xcalloc(s->n ? s->n : 1, sizeof(*out));
    for (size_t i = 0; i < s->n; i++) {
        struct ctx c = {&out[i], 0};
        out[i].cls = EFFC_CHECKABLE;
        analyse(&c, sql_script_node(s, i));
    }
    return out;
}

void effects_release(struct stmt_effects *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < v[i].n; k++) {
            struct effect *e = &v[i].v[k];
            free(e->schema);
            free(e->name);
            free(e->sub);
            free(e->type_name);
            free(e->columns);
            free(e->ref);
            free(e->ref_schema);
            free(e->args);
        }
        free(v[i].v);
        free(v[i].object);
    }
    free(v);
}

/* ---- describe ------------------------------------------------------- */

static const char *relation_noun(const char *kinds)
{
    switch (kinds[0]) {
    case 'r':
    case 'p':
        return "table";
    case 'v':
        return "view";
    case 'm':
        return "materialized view";
    case 'S':
        return "sequence";
    case 'f':
        return "foreign table";
    default:
        return "relation";
    }
}

static const char *type_noun(char typkind)
{
    switch (typkind) {
    case 'e':
        return "enum";
    case 'c':
        return "composite type";
    case 'd':
        return "domain";
    case 'r':
        return "range type";
    default:
        return "type";
    }
}

static const char *contype_noun(char contype)
{
    switch (contype) {
    case 'p':
        return "primary key";
    case 'f':
        return "foreign key";
    case 'u':
        return "unique constraint";
    case 'c':
        return "check constraint";
    case 'x':
        return "exclusion constraint";
    default:
        return "constraint";
    }
}

static void add_literal(struct buf *b, const char *s)
{
    buf_addch(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            buf_addch(b, '\'');
        buf_addch(b, *p);
    }
    buf_addch(b, '\'');
}

/* `"a", "b"` from "a,b" */
static void add_column_names(struct buf *b, const char *cols)
{
    const char *p = cols;
    buf_addch(b, '(');
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *one = xstrndup(p, len);
        add_quoted(b, one);
        free(one);
        if (!comma)
            break;
        buf_adds(b, ", ");
        p = comma + 1;
    }
    buf_addch(b, ')');
}

char *effect_describe(const struct effect *e)
{
    struct buf b = BUF_INIT;
    switch (e->kind) {
    case EFF_SCHEMA:
        buf_adds(&b, "schema ");
        add_quoted(&b, e->name);
        break;
    case EFF_RELATION:
        buf_adds(&b, relation_noun(e->relkinds));
        buf_addch(&b, ' ');
        add_qname(&b, e->schema, e->name);
        break;
    case EFF_COLUMN:
    case EFF_COLUMN_TYPE:
    case EFF_COLUMN_NOTNULL:
    case EFF_COLUMN_DEFAULT:
        buf_adds(&b, "column ");
        add_qname(&b, e->schema, e->name);
        buf_addch(&b, '.');
        add_quoted(&b, e->sub ? e->sub : "");
        if (e->kind == EFF_COLUMN_TYPE) {
            buf_addf(&b, " of type %s", e->type_name ? e->type_name : "?");
            if (e->n_typmods == 1)
                buf_addf(&b, "(%d)", e->typmods[0]);
            else if (e->n_typmods == 2)
                buf_addf(&b, "(%d,%d)", e->typmods[0], e->typmods[1]);
            for (int d = 0; d < e->array_dims; d++)
                buf_adds(&b, "[]");
        } else if (e->kind == EFF_COLUMN_NOTNULL) {
            buf_adds(&b, e->flag ? " NOT NULL" : " nullable");
        } else if (e->kind == EFF_COLUMN_DEFAULT) {
            buf_adds(&b, e->flag ? " has a default" : " has no default");
        }
        break;
    case EFF_CONSTRAINT:
        if (e->sub) {
            buf_adds(&b, e->contype ? contype_noun(e->contype) : "constraint");
            buf_addch(&b, ' ');
            add_quoted(&b, e->sub);
        } else {
            buf_adds(&b, contype_noun(e->contype));
            if (e->columns) {
                buf_addch(&b, ' ');
                add_column_names(&b, e->columns);
            }
        }
        buf_adds(&b, " on ");
        add_qname(&b, e->schema, e->name);
        if (e->ref) {
            buf_adds(&b, " referencing ");
            add_qname(&b, e->ref_schema, e->ref);
        }
        break;
    case EFF_INDEX:
        buf_adds(&b, "index ");
        add_qname(&b, e->schema, e->name);
        break;
    case EFF_TYPE:
        buf_adds(&b, type_noun(e->typkind));
        buf_addch(&b, ' ');
        add_qname(&b, e->schema, e->name);
        break;
    case EFF_ENUM_VALUE:
        buf_adds(&b, "value ");
        add_literal(&b, e->sub ? e->sub : "");
        buf_adds(&b, " of enum ");
        add_qname(&b, e->schema, e->name);
        break;
    case EFF_EXTENSION:
        buf_adds(&b, "extension ");
        add_quoted(&b, e->name);
        break;
    case EFF_FUNCTION:
        buf_adds(&b, "function ");
        add_qname(&b, e->schema, e->name);
        if (e->nargs >= 0)
            buf_addf(&b, "(%s)", e->args ? e->args : "");
        break;
    case EFF_TRIGGER:
        buf_adds(&b, "trigger ");
        add_quoted(&b, e->sub ? e->sub : "");
        buf_adds(&b, " on ");
        add_qname(&b, e->schema, e->name);
        break;
    default:
        buf_adds(&b, "effect");
        break;
    }
    return buf_detach(&b, NULL);
}
