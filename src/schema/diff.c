/*
 * diff.c - comparing two schema models (diff_models): a d_change per
 * difference, with its summary line, its warning and the flags diff_script
 * follows. The migration SQL is written by diff_script.c (its phases are
 * listed there), with diff_plan.c, diff_render.c and diff_alter.c; the summary
 * grouped by table by diff_summary.c. diff_internal.h lists the files.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ============================================================ view text */

/*
 * The top-level select-list items of a view definition, each normalised to
 * its tokens joined by one space. -1 when the definition is not one plain
 * SELECT (WITH, VALUES, ...): then it cannot be compared column by column.
 */
static int select_items(const char *def, struct strv *out)
{
    static const char *const stops[] = {"from",      "where",  "group", "having", "window",
                                        "union",     "except", "order", "limit",  "offset",
                                        "intersect", "fetch",  "for",   "into"};
    size_t pos = 0;
    struct tok t;
    struct buf item = BUF_INIT;
    int depth = 0;
    if (!def)
        return -1;
    tok_next(def, &pos, &t);
    if (!diff_tok_is(&t, "select"))
        return -1;
    tok_next(def, &pos, &t);
    if (diff_tok_is(&t, "distinct")) {
        buf_adds(&item, "DISTINCT ");
        tok_next(def, &pos, &t);
        if (diff_tok_is(&t, "on")) {
            /* the ON (...) list does not name columns: fold it into the first item */
            buf_adds(&item, "ON ");
            tok_next(def, &pos, &t);
            do {
                buf_add(&item, t.p, t.len);
                buf_addch(&item, ' ');
                depth += tok_op(&t, "(") - tok_op(&t, ")");
                tok_next(def, &pos, &t);
            } while (depth > 0 && t.kind != TK_END);
        }
    }
    for (; t.kind != TK_END; tok_next(def, &pos, &t)) {
        if (!depth && (tok_op(&t, ",") || tok_op(&t, ";"))) {
            strv_push(out, buf_detach(&item, NULL));
            if (tok_op(&t, ";"))
                break;
            continue;
        }
        if (!depth && t.kind == TK_WORD) {
            int stop = 0;
            for (size_t i = 0; i < ARRAY_SIZE(stops); i++)
                stop |= diff_tok_is(&t, stops[i]);
            if (stop)
                break;
        }
        depth += tok_op(&t, "(") || tok_op(&t, "[");
        depth -= tok_op(&t, ")") || tok_op(&t, "]");
        if (item.len)
            buf_addch(&item, ' ');
        buf_add(&item, t.p, t.len);
    }
    if (item.len)
        strv_push(out, buf_detach(&item, NULL));
    buf_release(&item);
    return 0;
}

/*
 * CREATE OR REPLACE VIEW keeps the old columns (same names and types, in
 * order) and may append new ones: accept it when the old select list is a
 * prefix of the new one, item by item.
 */
static int view_replaceable(const struct m_view *f, const struct m_view *t)
{
    struct strv a = {0}, b = {0};
    int ok = !f->materialized && !t->materialized && !select_items(f->definition, &a) &&
             !select_items(t->definition, &b) && a.n && a.n <= b.n;
    for (size_t i = 0; ok && i < a.n; i++)
        ok = !strcmp(a.v[i], b.v[i]);
    strv_release(&a);
    strv_release(&b);
    return ok;
}

/* ========================================================== diff_models */

struct dctx {
    struct schema_diff *d;
    const struct schema_model *from, *to;
};

/* An object's name for humans: schema-qualified only when the diff spans several schemas. */
char *disp(const struct schema_diff *d, const char *schema, const char *name)
{
    return d->qualify && schema ? xasprintf("%s.%s", schema, name) : xstrdup(name);
}

static struct d_change *add_change(struct dctx *x, enum d_obj obj, enum d_kind kind,
                                   const char *schema, const char *parent, const char *name,
                                   const void *from, const void *to)
{
    struct schema_diff *d = x->d;
    ALLOC_GROW(d->v, d->n + 1, d->cap);
    struct d_change *c = &d->v[d->n++];
    memset(c, 0, sizeof(*c));
    c->obj = obj;
    c->target = obj;
    c->kind = kind;
    c->schema = xstrdup(schema);
    c->parent = xstrdup(parent);
    c->name = xstrdup(name);
    c->from = from;
    c->to = to;
    return c;
}

__attribute__((format(printf, 2, 3))) static void set_summary(struct d_change *c, const char *fmt,
                                                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(c->summary);
    c->summary = xvasprintf(fmt, ap);
    va_end(ap);
}

/* Append one sentence (a line) to a change's warning. */
__attribute__((format(printf, 2, 3))) static void add_warning(struct d_change *c, const char *fmt,
                                                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    if (c->warning) {
        char *w = xasprintf("%s\n%s", c->warning, s);
        free(c->warning);
        free(s);
        c->warning = w;
    } else {
        c->warning = s;
    }
}

static void collect_schema(struct strv *s, const char *name)
{
    if (name && !strv_has(s, name))
        strv_push(s, xstrdup(name));
}

static void model_schemas(const struct schema_model *m, struct strv *s)
{
    for (size_t i = 0; i < m->n_schemas; i++)
        collect_schema(s, m->schemas[i].name);
    for (size_t i = 0; i < m->n_enums; i++)
        collect_schema(s, m->enums[i].schema);
    for (size_t i = 0; i < m->n_types; i++)
        collect_schema(s, m->types[i].schema);
    for (size_t i = 0; i < m->n_sequences; i++)
        collect_schema(s, m->sequences[i].schema);
    for (size_t i = 0; i < m->n_tables; i++)
        collect_schema(s, m->tables[i].schema);
    for (size_t i = 0; i < m->n_views; i++)
        collect_schema(s, m->views[i].schema);
    for (size_t i = 0; i < m->n_functions; i++)
        collect_schema(s, m->functions[i].schema);
}

/*
 * A comment that differs on an object present on both sides. `what` names
 * the object in the summary ("column `bio`", "the enum `Role`"); changes
 * grouped under a table, view or enum get a lower-case summary.
 */
static void diff_comment(struct dctx *x, enum d_obj target, const char *schema, const char *parent,
                         enum d_obj parent_kind, const char *name, const char *fc, const char *tc,
                         const void *fo, const void *to, const char *what)
{
    if (str_eq(fc, tc))
        return;
    enum d_kind k = !fc ? D_ADD : !tc ? D_DROP : D_CHANGE;
    struct d_change *c = add_change(x, DO_COMMENT, k, schema, parent, name, fo, to);
    int grouped = parent || target == DO_TABLE || target == DO_VIEW || target == DO_ENUM;
    c->target = target;
    c->parent_kind = parent ? parent_kind : DO_SCHEMA;
    const char *verb = k == D_ADD ? "set" : k == D_DROP ? "removed" : "changed";
    set_summary(c, "%c%s the comment on %s", grouped ? verb[0] : toupper((unsigned char)verb[0]),
                verb + 1, what);
}

static void diff_schemas(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    /* every database has `public`: it is never created or dropped */
    for (size_t i = 0; i < t->n_schemas; i++) {
        const struct m_schema *ts = &t->schemas[i], *fs = find_schema(f, ts->name);
        if (fs) {
            char *what = xasprintf("the schema `%s`", ts->name);
            diff_comment(x, DO_SCHEMA, NULL, NULL, DO_SCHEMA, ts->name, fs->comment, ts->comment,
                         fs, ts, what);
            free(what);
        } else if (strcmp(ts->name, "public") != 0) {
            struct d_change *c = add_change(x, DO_SCHEMA, D_ADD, NULL, NULL, ts->name, NULL, ts);
            set_summary(c, "Added the schema `%s`", ts->name);
        }
    }
    for (size_t i = 0; i < f->n_schemas; i++) {
        const struct m_schema *fs = &f->schemas[i];
        if (!find_schema(t, fs->name) && strcmp(fs->name, "public") != 0) {
            struct d_change *c = add_change(x, DO_SCHEMA, D_DROP, NULL, NULL, fs->name, fs, NULL);
            set_summary(c, "Dropped the schema `%s`", fs->name);
        }
    }
}

static void diff_extensions(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_extensions; i++) {
        const struct m_extension *te = &t->extensions[i], *fe = find_extension(f, te->name);
        if (!fe) {
            struct d_change *c = add_change(x, DO_EXTENSION, D_ADD, NULL, NULL, te->name, NULL, te);
            set_summary(c, "Added the extension `%s`", te->name);
        } else if (!str_eq(fe->version, te->version) || !str_eq(fe->schema, te->schema)) {
            struct d_change *c =
                add_change(x, DO_EXTENSION, D_CHANGE, NULL, NULL, te->name, fe, te);
            struct buf b = BUF_INIT;
            if (!str_eq(fe->version, te->version))
                buf_addf(&b, "version %s -> %s", or_none(fe->version), or_none(te->version));
            if (!str_eq(fe->schema, te->schema))
                buf_addf(&b, "%sschema %s -> %s", b.len ? ", " : "", or_none(fe->schema),
                         or_none(te->schema));
            set_summary(c, "Changed the extension `%s` (%s)", te->name, b.data);
            buf_release(&b);
        }
    }
    for (size_t i = 0; i < f->n_extensions; i++) {
        const struct m_extension *fe = &f->extensions[i];
        if (!find_extension(t, fe->name)) {
            struct d_change *c =
                add_change(x, DO_EXTENSION, D_DROP, NULL, NULL, fe->name, fe, NULL);
            set_summary(c, "Dropped the extension `%s`", fe->name);
        }
    }
}

/* The values both enums keep, in the order of `a`; is it the order of `b` too? */
static int enum_kept_order_same(const struct m_enum *a, const struct m_enum *b)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n_values; i++) {
        if (!enum_has(b, a->values[i]))
            continue;
        while (j < b->n_values && !enum_has(a, b->values[j]))
            j++;
        if (j >= b->n_values || !str_eq(a->values[i], b->values[j]))
            return 0;
        j++;
    }
    return 1;
}

static void diff_enum_pair(struct dctx *x, const struct m_enum *fe, const struct m_enum *te)
{
    struct strv removed = {0};
    for (size_t i = 0; i < fe->n_values; i++)
        if (!enum_has(te, fe->values[i]))
            strv_push(&removed, xstrdup(fe->values[i]));
    int rebuild = removed.n || !enum_kept_order_same(fe, te);
    if (rebuild) {
        struct d_change *c = add_change(x, DO_ENUM, D_CHANGE, te->schema, NULL, te->name, fe, te);
        char *vals = joined(te->values, te->n_values, ", ");
        c->flags = DF_ENUM_REBUILD;
        set_summary(c, "%s: the type is rebuilt with the values (%s)",
                    removed.n ? "values removed" : "values reordered", vals);
        free(vals);
        if (removed.n) {
            char *r = joined(removed.v, removed.n, ",");
            c->destructive = c->data_dependent = 1;
            add_warning(c,
                        "The values [%s] on the enum `%s` will be removed. If these variants "
                        "are still used in the database, this will fail.",
                        r, te->name);
            free(r);
        }
    }
    for (size_t j = 0; j < te->n_values; j++) {
        const char *v = te->values[j];
        if (enum_has(fe, v))
            continue;
        struct d_change *c = add_change(x, DO_ENUM_VALUE, D_ADD, te->schema, te->name, v, fe, te);
        c->parent_kind = DO_ENUM;
        const char *before = NULL;
        for (size_t k = j + 1; k < te->n_values && !before; k++)
            if (enum_has(fe, te->values[k]))
                before = te->values[k];
        if (before && !rebuild)
            set_summary(c, "added value `%s` before `%s`", v, before);
        else
            set_summary(c, "added value `%s`", v);
    }
    for (size_t i = 0; i < removed.n; i++) {
        struct d_change *c =
            add_change(x, DO_ENUM_VALUE, D_DROP, te->schema, te->name, removed.v[i], fe, te);
        c->parent_kind = DO_ENUM;
        c->destructive = c->data_dependent = 1;
        set_summary(c, "removed value `%s`", removed.v[i]);
    }
    diff_comment(x, DO_ENUM, te->schema, NULL, DO_SCHEMA, te->name, fe->comment, te->comment, fe,
                 te, "the enum");
    strv_release(&removed);
}

static void diff_enums(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_enums; i++) {
        const struct m_enum *te = &t->enums[i], *fe = find_enum(f, te->schema, te->name);
        if (fe) {
            diff_enum_pair(x, fe, te);
            continue;
        }
        struct d_change *c = add_change(x, DO_ENUM, D_ADD, te->schema, NULL, te->name, NULL, te);
        char *vals = joined(te->values, te->n_values, ", "),
             *name = disp(x->d, te->schema, te->name);
        set_summary(c, "Added the enum `%s` (%s)", name, vals);
        free(vals);
        free(name);
    }
    for (size_t i = 0; i < f->n_enums; i++) {
        const struct m_enum *fe = &f->enums[i];
        if (find_enum(t, fe->schema, fe->name))
            continue;
        struct d_change *c = add_change(x, DO_ENUM, D_DROP, fe->schema, NULL, fe->name, fe, NULL);
        char *name = disp(x->d, fe->schema, fe->name);
        set_summary(c, "Dropped the enum `%s`", name);
        free(name);
    }
}

static const char *type_word(const struct m_type *t)
{
    return t->kind == 'd' ? "domain" : "composite type";
}

/* A domain altered in place: a new NOT NULL or a new valid check may fail on stored values. */
static void warn_domain_altered(struct d_change *c, const struct m_type *ft,
                                const struct m_type *tt)
{
    struct domain_parts a, b;
    domain_parse(ft->definition, &a);
    domain_parse(tt->definition, &b);
    int checks = b.not_null && !a.not_null;
    for (size_t k = 0; k < b.names.n && !checks; k++)
        checks = domain_check_differs(&a, b.names.v[k], b.checks.v[k]) &&
                 !definition_not_valid(b.checks.v[k]);
    if (checks) {
        c->data_dependent = 1;
        add_warning(c,
                    "The domain `%s` gets a new constraint. This step will fail if values "
                    "already stored in columns of that type violate it.",
                    tt->name);
    }
    domain_parts_release(&a);
    domain_parts_release(&b);
}

/* A composite type altered in place: the attributes it drops lose their values. */
static void warn_composite_altered(struct d_change *c, const struct m_type *ft,
                                   const struct m_type *tt)
{
    struct strv fn = {0}, fty = {0}, tn = {0}, tty = {0};
    composite_parse(ft->definition, &fn, &fty);
    composite_parse(tt->definition, &tn, &tty);
    for (size_t k = 0; k < fn.n; k++)
        if (!strv_has(&tn, fn.v[k])) {
            c->destructive = 1;
            add_warning(c,
                        "You are about to drop the attribute `%s` of the composite type `%s`. "
                        "The values stored in it will be lost.",
                        fn.v[k], tt->name);
        }
    strv_release(&fn);
    strv_release(&fty);
    strv_release(&tn);
    strv_release(&tty);
}

static void diff_types(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_types; i++) {
        const struct m_type *tt = &t->types[i], *ft = find_type(f, tt->schema, tt->name);
        char *name = disp(x->d, tt->schema, tt->name);
        if (!ft) {
            struct d_change *c =
                add_change(x, DO_TYPE, D_ADD, tt->schema, NULL, tt->name, NULL, tt);
            set_summary(c, "Added the %s `%s` (%s)", type_word(tt), name, or_none(tt->definition));
        } else {
            if (!str_eq(ft->definition, tt->definition) &&
                (domain_alterable(ft, tt) || composite_alterable(ft, tt))) {
                struct d_change *c =
                    add_change(x, DO_TYPE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
                c->flags = DF_REPLACE;
                set_summary(c, "Changed the %s `%s` (%s -> %s)", type_word(tt), name,
                            or_none(ft->definition), or_none(tt->definition));
                if (tt->kind == 'd')
                    warn_domain_altered(c, ft, tt);
                else
                    warn_composite_altered(c, ft, tt);
            } else if (ft->kind != tt->kind || !str_eq(ft->definition, tt->definition)) {
                struct d_change *c =
                    add_change(x, DO_TYPE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
                set_summary(c, "Changed the %s `%s` (dropped and recreated as %s)", type_word(tt),
                            name, or_none(tt->definition));
                c->data_dependent = 1;
                add_warning(c,
                            "The %s `%s` will be dropped and recreated. If it is still used by "
                            "columns or other objects, this will fail.",
                            type_word(tt), tt->name);
            }
            char *what = xasprintf("the %s `%s`", type_word(tt), name);
            diff_comment(x, DO_TYPE, tt->schema, NULL, DO_SCHEMA, tt->name, ft->comment,
                         tt->comment, ft, tt, what);
            free(what);
        }
        free(name);
    }
    for (size_t i = 0; i < f->n_types; i++) {
        const struct m_type *ft = &f->types[i];
        if (find_type(t, ft->schema, ft->name))
            continue;
        struct d_change *c = add_change(x, DO_TYPE, D_DROP, ft->schema, NULL, ft->name, ft, NULL);
        char *name = disp(x->d, ft->schema, ft->name);
        set_summary(c, "Dropped the %s `%s`", type_word(ft), name);
        free(name);
    }
}

/* A new sequence that PostgreSQL creates by itself for a new SERIAL column. */
static int sequence_from_serial(struct dctx *x, const struct m_sequence *s)
{
    const struct m_table *tt, *ft;
    const struct m_column *tc;
    if (sequence_owner(x->to, s, &tt, &tc) || serial_sequence(x->to, tt, tc) != s)
        return 0;
    ft = find_table(x->from, tt->schema, tt->name);
    return !ft || table_recreated(ft, tt) || !diff_find_column(ft, tc->name);
}

/* A sequence its owner column takes along when the column or its table goes. */
static int sequence_dropped_with_owner(struct dctx *x, const struct m_sequence *s)
{
    const struct m_table *ft, *tt;
    const struct m_column *fc, *tc;
    if (sequence_owner(x->from, s, &ft, &fc))
        return 0;
    tt = find_table(x->to, ft->schema, ft->name);
    if (!tt || table_recreated(ft, tt))
        return 1;
    tc = diff_find_column(tt, fc->name);
    return !tc || column_recreated(fc, tc);
}

static void diff_sequences(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_sequences; i++) {
        const struct m_sequence *ts = &t->sequences[i],
                                *fs = find_sequence(f, ts->schema, ts->name);
        char *name = disp(x->d, ts->schema, ts->name);
        if (!fs) {
            if (!sequence_from_serial(x, ts)) {
                struct d_change *c =
                    add_change(x, DO_SEQUENCE, D_ADD, ts->schema, NULL, ts->name, NULL, ts);
                set_summary(c, "Added the sequence `%s`", name);
            }
            free(name);
            continue;
        }
        struct buf b = BUF_INIT;
        if (!str_eq(fs->type, ts->type))
            buf_addf(&b, ", type %s -> %s", or_none(fs->type), or_none(ts->type));
#define SEQ_FIELD(f_, label)                                                                       \
    if (fs->f_ != ts->f_)                                                                          \
        buf_addf(&b, ", %s %lld -> %lld", label, (long long)fs->f_, (long long)ts->f_);
        SEQ_FIELD(start, "start")
        SEQ_FIELD(increment, "increment")
        SEQ_FIELD(min, "minvalue")
        SEQ_FIELD(max, "maxvalue")
        SEQ_FIELD(cache, "cache")
#undef SEQ_FIELD
        if (fs->cycle != ts->cycle)
            buf_adds(&b, ts->cycle ? ", cycles" : ", no longer cycles");
        if (!str_eq(fs->owned_by, ts->owned_by))
            buf_addf(&b, ", owned by %s -> %s", or_none(fs->owned_by), or_none(ts->owned_by));
        if (b.len) {
            struct d_change *c =
                add_change(x, DO_SEQUENCE, D_CHANGE, ts->schema, NULL, ts->name, fs, ts);
            set_summary(c, "Changed the sequence `%s` (%s)", name, b.data + 2);
        }
        buf_release(&b);
        char *what = xasprintf("the sequence `%s`", name);
        diff_comment(x, DO_SEQUENCE, ts->schema, NULL, DO_SCHEMA, ts->name, fs->comment,
                     ts->comment, fs, ts, what);
        free(what);
        free(name);
    }
    for (size_t i = 0; i < f->n_sequences; i++) {
        const struct m_sequence *fs = &f->sequences[i];
        if (find_sequence(t, fs->schema, fs->name) || sequence_dropped_with_owner(x, fs))
            continue;
        struct d_change *c =
            add_change(x, DO_SEQUENCE, D_DROP, fs->schema, NULL, fs->name, fs, NULL);
        char *name = disp(x->d, fs->schema, fs->name);
        set_summary(c, "Dropped the sequence `%s`", name);
        free(name);
    }
}

/* "text, NOT NULL, default 0" */
static void column_desc(struct buf *b, const struct m_column *c)
{
    buf_adds(b, c->type ? c->type : "?");
    if (c->collation)
        buf_addf(b, ", collation %s", c->collation);
    if (c->generated)
        buf_addf(b, ", generated from %s", c->generated);
    if (c->identity)
        buf_addf(b, ", identity %s", c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
    if (c->not_null)
        buf_adds(b, ", NOT NULL");
    if (c->default_expr)
        buf_addf(b, ", default %s", c->default_expr);
}

static void add_note(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->len)
        buf_adds(b, ", ");
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

/*
 * PostgreSQL cannot change the type of a column a generated column is computed
 * from: such a generated column is dropped and added again (it holds no data of
 * its own; adding it computes it anew).
 */
static int computed_from_retyped(const struct m_table *ft, const struct m_table *tt,
                                 const struct m_column *tc)
{
    struct strv ids = {0};
    int found = 0;
    if (!tc->generated)
        return 0;
    ident_set(tc->generated, &ids);
    for (size_t i = 0; i < tt->n_columns && !found; i++) {
        const struct m_column *u = &tt->columns[i], *fu = diff_find_column(ft, u->name);
        if (u != tc && fu && strv_sorted_has(&ids, u->name) &&
            (!str_eq(fu->type, u->type) || !str_eq(fu->collation, u->collation)))
            found = 1;
    }
    strv_release(&ids);
    return found;
}

static void diff_column_pair(struct dctx *x, const struct m_table *ft, const struct m_table *tt,
                             const struct m_column *fc, const struct m_column *tc)
{
    struct buf what = BUF_INIT;
    unsigned flags = 0;
    struct d_change tmp = {0}; /* collects the warning before the change exists */
    const char *T = tt->name, *C = tc->name;

    if (column_recreated(fc, tc)) {
        flags |= DF_RECREATE;
        add_note(&what, "%s, dropped and recreated",
                 fc->generated ? "generation expression changed" : "now generated");
        if (!fc->generated) {
            tmp.destructive = 1;
            add_warning(&tmp,
                        "The `%s` column on the `%s` table would be dropped and recreated. This "
                        "will lead to data loss if there is data in the column.",
                        C, T);
        }
    } else if (fc->generated && computed_from_retyped(ft, tt, tc)) {
        flags |= DF_RECREATE;
        add_note(&what, "computed from a column whose type changes, dropped and recreated");
    } else {
        if (fc->generated && !tc->generated)
            add_note(&what, "no longer generated");
        if (!str_eq(fc->type, tc->type)) {
            enum cast k =
                classify_cast(fc->type, tc->type, type_enum(x->to, tc->type, NULL) != NULL);
            add_note(&what, "type `%s` -> `%s`", fc->type, tc->type);
            flags |= k == CAST_SAFE || k == CAST_RISKY ? DF_TYPE_ASSIGN : DF_TYPE_CAST;
            if (k == CAST_RISKY) {
                tmp.destructive = tmp.data_dependent = 1;
                add_warning(&tmp,
                            "You are about to alter the column `%s` on the `%s` table. The data "
                            "in that column could be lost. The data in that column will be cast "
                            "from `%s` to `%s`.",
                            C, T, fc->type, tc->type);
            } else if (k == CAST_MAYFAIL) {
                tmp.data_dependent = 1;
                add_warning(&tmp,
                            "You are about to alter the column `%s` on the `%s` table. The data "
                            "in that column will be cast from `%s` to `%s`. This cast may fail. "
                            "Please make sure the data in the column can be cast.",
                            C, T, fc->type, tc->type);
            } else if (k == CAST_FROM_ARRAY) {
                tmp.destructive = 1;
                add_warning(&tmp,
                            "Changed the column `%s` on the `%s` table from a list field to a "
                            "scalar field. Only the first element of each list is kept.",
                            C, T);
            }
        }
        if (!str_eq(fc->collation, tc->collation)) {
            if (!(flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST)))
                flags |= DF_TYPE_ASSIGN;
            add_note(&what, "collation %s -> %s", fc->collation ? fc->collation : "default",
                     tc->collation ? tc->collation : "default");
        }
        if (fc->not_null != tc->not_null) {
            add_note(&what, tc->not_null ? "made required" : "made optional");
            if (tc->not_null) {
                tmp.data_dependent = 1;
                add_warning(&tmp,
                            "Made the column `%s` on table `%s` required. This step will fail if "
                            "there are existing NULL values in that column.",
                            C, T);
            }
        }
        if (!str_eq(fc->default_expr, tc->default_expr)) {
            if (!fc->default_expr)
                add_note(&what, "default %s added", tc->default_expr);
            else if (!tc->default_expr)
                add_note(&what, "default %s removed", fc->default_expr);
            else
                add_note(&what, "default %s -> %s", fc->default_expr, tc->default_expr);
        }
        if (fc->identity != tc->identity) {
            if (!tc->identity) {
                add_note(&what, "no longer an identity column");
            } else {
                add_note(&what, "identity %s", tc->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
            }
        } else if (tc->identity && !str_eq(fc->identity_options, tc->identity_options)) {
            add_note(&what, "identity options (%s) -> (%s)", or_none(fc->identity_options),
                     or_none(tc->identity_options));
        }
    }
    if (what.len) {
        struct d_change *c = add_change(x, DO_COLUMN, D_CHANGE, tt->schema, T, C, fc, tc);
        c->parent_kind = DO_TABLE;
        c->flags = flags;
        c->destructive = tmp.destructive;
        c->data_dependent = tmp.data_dependent;
        c->warning = tmp.warning;
        tmp.warning = NULL;
        set_summary(c, "altered column `%s` (%s)", C, what.data);
    }
    free(tmp.warning);
    buf_release(&what);
}

static void diff_columns(struct dctx *x, const struct m_table *ft, const struct m_table *tt)
{
    for (size_t i = 0; i < tt->n_columns; i++) {
        const struct m_column *tc = &tt->columns[i], *fc = diff_find_column(ft, tc->name);
        if (fc) {
            diff_column_pair(x, ft, tt, fc, tc);
            char *what = xasprintf("column `%s`", tc->name);
            diff_comment(x, DO_COLUMN, tt->schema, tt->name, DO_TABLE, tc->name, fc->comment,
                         tc->comment, fc, tc, what);
            free(what);
            continue;
        }
        struct d_change *c =
            add_change(x, DO_COLUMN, D_ADD, tt->schema, tt->name, tc->name, NULL, tc);
        struct buf b = BUF_INIT;
        c->parent_kind = DO_TABLE;
        column_desc(&b, tc);
        if (tc->not_null && !tc->default_expr && !tc->identity && !tc->generated) {
            buf_adds(&b, ", no default: fails on a table with rows");
            c->data_dependent = 1;
            add_warning(c,
                        "Added the required column `%s` to the `%s` table without a default "
                        "value. This is not possible if the table is not empty.",
                        tc->name, tt->name);
        }
        set_summary(c, "added column `%s` (%s)", tc->name, b.data);
        buf_release(&b);
    }
    for (size_t i = 0; i < ft->n_columns; i++) {
        const struct m_column *fc = &ft->columns[i];
        if (diff_find_column(tt, fc->name))
            continue;
        struct d_change *c =
            add_change(x, DO_COLUMN, D_DROP, ft->schema, ft->name, fc->name, fc, NULL);
        c->parent_kind = DO_TABLE;
        c->destructive = 1;
        set_summary(c, "dropped column `%s` (%s)", fc->name, fc->type ? fc->type : "?");
        add_warning(c,
                    "You are about to drop the column `%s` on the `%s` table. All the data in "
                    "the column will be lost.",
                    fc->name, ft->name);
    }
}

static const char *constraint_word(char type)
{
    switch (type) {
    case 'p':
        return "primary key";
    case 'u':
        return "unique constraint";
    case 'f':
        return "foreign key";
    case 'c':
        return "check constraint";
    case 'x':
        return "exclusion constraint";
    default:
        return "constraint";
    }
}

static void constraint_desc(struct buf *b, const struct schema_diff *d, const char *schema,
                            const struct m_constraint *k)
{
    buf_addf(b, "%s `%s`", constraint_word(k->type), k->name);
    if (k->type == 'c' || k->type == 'x' || !k->n_columns) {
        buf_addf(b, " %s", k->definition ? k->definition : "");
        return;
    }
    buf_adds(b, " (");
    join_strs(b, k->columns, k->n_columns, ", ");
    buf_addch(b, ')');
    if (k->type == 'f' && k->ref_table) {
        char *r = disp(d, k->ref_schema ? k->ref_schema : schema, k->ref_table);
        buf_addf(b, " -> `%s` (", r);
        join_strs(b, k->ref_columns, k->n_ref_columns, ", ");
        buf_addch(b, ')');
        free(r);
    }
}

static int has_primary_key(const struct m_table *t)
{
    for (size_t i = 0; i < t->n_constraints; i++)
        if (t->constraints[i].type == 'p')
            return 1;
    return 0;
}

/*
 * The warning for a constraint added (or re-added) to a table that already
 * exists. A key re-added over the same columns (and, for a foreign key, the
 * same referenced columns) holds for the rows that held before: no warning.
 */
static void constraint_warning(struct d_change *c, const struct m_table *ft,
                               const struct m_constraint *old, const struct m_constraint *k,
                               const char *table)
{
    if (old && old->type == k->type && k->type != 'c' && k->type != 'x' &&
        same_strs(old->columns, old->n_columns, k->columns, k->n_columns) &&
        same_strs(old->ref_columns, old->n_ref_columns, k->ref_columns, k->n_ref_columns) &&
        str_eq(old->ref_schema, k->ref_schema) && str_eq(old->ref_table, k->ref_table))
        return;
    char *cols = joined(k->columns, k->n_columns, ",");
    int existing_cols = k->n_columns > 0;
    for (size_t i = 0; i < k->n_columns; i++)
        existing_cols &= diff_find_column(ft, k->columns[i]) != NULL;
    if (definition_not_valid(k->definition)) {
        /* NOT VALID: existing rows are not checked */
    } else if (k->type == 'u') {
        c->data_dependent = 1;
        add_warning(c,
                    "A unique constraint covering the columns `[%s]` on the table `%s` will be "
                    "added. If there are existing duplicate values, this will fail.",
                    cols, table);
    } else if (k->type == 'p' && has_primary_key(ft)) {
        c->data_dependent = 1;
        add_warning(c,
                    "The primary key for the `%s` table will be changed. If it partially fails, "
                    "the table could be left without primary key constraint.",
                    table);
    } else if (k->type == 'p') {
        c->data_dependent = 1;
        add_warning(c,
                    "A primary key covering the columns `[%s]` on the table `%s` will be added. "
                    "If there are existing duplicate or NULL values, this will fail.",
                    cols, table);
    } else if (k->type == 'c') {
        c->data_dependent = 1;
        add_warning(c,
                    "A check constraint `%s` on the table `%s` will be added. If existing rows "
                    "do not satisfy it, this will fail.",
                    k->name, table);
    } else if (k->type == 'x') {
        c->data_dependent = 1;
        add_warning(c,
                    "An exclusion constraint `%s` on the table `%s` will be added. If existing "
                    "rows conflict with each other, this will fail.",
                    k->name, table);
    } else if (k->type == 'f' && existing_cols) {
        c->data_dependent = 1;
        add_warning(c,
                    "A foreign key covering the columns `[%s]` on the table `%s` will be added. "
                    "If existing values have no match in `%s`, this will fail.",
                    cols, table, k->ref_table ? k->ref_table : "?");
    }
    free(cols);
}

static void diff_constraints(struct dctx *x, const struct m_table *ft, const struct m_table *tt)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < tt->n_constraints; i++) {
        const struct m_constraint *tk = &tt->constraints[i], *fk = find_constraint(ft, tk->name);
        if (fk && fk->type == tk->type && str_eq(fk->definition, tk->definition)) {
            char *what = xasprintf("%s `%s`", constraint_word(tk->type), tk->name);
            diff_comment(x, DO_CONSTRAINT, tt->schema, tt->name, DO_TABLE, tk->name, fk->comment,
                         tk->comment, fk, tk, what);
            free(what);
            continue;
        }
        struct d_change *c = add_change(x, DO_CONSTRAINT, fk ? D_CHANGE : D_ADD, tt->schema,
                                        tt->name, tk->name, fk, tk);
        c->parent_kind = DO_TABLE;
        buf_reset(&b);
        constraint_desc(&b, x->d, tt->schema, tk);
        set_summary(c, "%s %s%s", fk ? "changed" : "added", b.data,
                    fk ? " (dropped and added again)" : "");
        constraint_warning(c, ft, fk, tk, tt->name);
    }
    for (size_t i = 0; i < ft->n_constraints; i++) {
        const struct m_constraint *fk = &ft->constraints[i];
        if (find_constraint(tt, fk->name))
            continue;
        struct d_change *c =
            add_change(x, DO_CONSTRAINT, D_DROP, ft->schema, ft->name, fk->name, fk, NULL);
        c->parent_kind = DO_TABLE;
        buf_reset(&b);
        constraint_desc(&b, x->d, ft->schema, fk);
        set_summary(c, "dropped %s", b.data);
    }
    buf_release(&b);
}

/* An index's keys, as column names where they are plain columns. */
static char *index_keys(const struct m_index *ix, const char *sep)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < ix->n_keys; i++) {
        char *s = NULL, *n = NULL;
        if (i)
            buf_adds(&b, sep);
        if (ix->keys[i] && !parse_qname(ix->keys[i], &s, &n) && !s)
            buf_adds(&b, n);
        else
            buf_adds(&b, ix->keys[i] ? ix->keys[i] : "");
        free(s);
        free(n);
    }
    return buf_detach(&b, NULL);
}

static void diff_indexes(struct dctx *x, enum d_obj pk, const char *schema, const char *parent,
                         const struct m_index *fv, size_t fn, const struct m_index *tv, size_t tn)
{
    for (size_t i = 0; i < tn; i++) {
        const struct m_index *ti = &tv[i], *fi = find_index(fv, fn, ti->name);
        if (fi && str_eq(fi->definition, ti->definition) && (fi->valid || !ti->valid)) {
            char *what = xasprintf("index `%s`", ti->name);
            diff_comment(x, DO_INDEX, schema, parent, pk, ti->name, fi->comment, ti->comment, fi,
                         ti, what);
            free(what);
            continue;
        }
        struct d_change *c =
            add_change(x, DO_INDEX, fi ? D_CHANGE : D_ADD, schema, parent, ti->name, fi, ti);
        char *keys = index_keys(ti, ", ");
        c->parent_kind = pk;
        set_summary(c, "%s %sindex `%s` (%s)%s", fi ? "changed" : "added",
                    ti->unique ? "unique " : "", ti->name, keys,
                    fi ? " (dropped and created again)" : "");
        free(keys);
        if (ti->unique && pk == DO_TABLE) {
            char *cols = index_keys(ti, ",");
            c->data_dependent = 1;
            add_warning(c,
                        "A unique constraint covering the columns `[%s]` on the table `%s` will "
                        "be added. If there are existing duplicate values, this will fail.",
                        cols, parent);
            free(cols);
        }
    }
    for (size_t i = 0; i < fn; i++) {
        const struct m_index *fi = &fv[i];
        if (find_index(tv, tn, fi->name))
            continue;
        struct d_change *c = add_change(x, DO_INDEX, D_DROP, schema, parent, fi->name, fi, NULL);
        c->parent_kind = pk;
        set_summary(c, "dropped %sindex `%s`", fi->unique ? "unique " : "", fi->name);
    }
}

static void diff_triggers(struct dctx *x, enum d_obj pk, const char *schema, const char *parent,
                          const struct m_trigger *fv, size_t fn, const struct m_trigger *tv,
                          size_t tn)
{
    for (size_t i = 0; i < tn; i++) {
        const struct m_trigger *tr = &tv[i], *fr = find_trigger(fv, fn, tr->name);
        if (!fr) {
            struct d_change *c =
                add_change(x, DO_TRIGGER, D_ADD, schema, parent, tr->name, NULL, tr);
            c->parent_kind = pk;
            set_summary(c, "added trigger `%s`%s", tr->name, tr->enabled ? "" : " (disabled)");
            continue;
        }
        if (!str_eq(fr->definition, tr->definition) || fr->enabled != tr->enabled) {
            struct d_change *c =
                add_change(x, DO_TRIGGER, D_CHANGE, schema, parent, tr->name, fr, tr);
            c->parent_kind = pk;
            if (!str_eq(fr->definition, tr->definition))
                set_summary(c, "changed trigger `%s` (dropped and created again)", tr->name);
            else
                set_summary(c, "%s trigger `%s`", tr->enabled ? "enabled" : "disabled", tr->name);
        }
        char *what = xasprintf("trigger `%s`", tr->name);
        diff_comment(x, DO_TRIGGER, schema, parent, pk, tr->name, fr->comment, tr->comment, fr, tr,
                     what);
        free(what);
    }
    for (size_t i = 0; i < fn; i++) {
        const struct m_trigger *fr = &fv[i];
        if (find_trigger(tv, tn, fr->name))
            continue;
        struct d_change *c = add_change(x, DO_TRIGGER, D_DROP, schema, parent, fr->name, fr, NULL);
        c->parent_kind = pk;
        set_summary(c, "dropped trigger `%s`", fr->name);
    }
}

static void diff_tables(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i], *ft = find_table(f, tt->schema, tt->name);
        char *name = disp(x->d, tt->schema, tt->name);
        if (!ft || table_recreated(ft, tt)) {
            if (ft) {
                struct d_change *c =
                    add_change(x, DO_TABLE, D_DROP, ft->schema, NULL, ft->name, ft, NULL);
                c->flags = DF_RECREATE;
                c->destructive = 1;
                set_summary(c, "Dropped the `%s` table (its kind or partitioning changes)", name);
                add_warning(c,
                            "You are about to drop the `%s` table. If the table is not empty, all "
                            "the data it contains will be lost.",
                            ft->name);
            }
            struct d_change *c =
                add_change(x, DO_TABLE, D_ADD, tt->schema, NULL, tt->name, NULL, tt);
            c->flags = ft ? DF_RECREATE : 0;
            set_summary(c, "Added the `%s` table", name);
            free(name);
            continue;
        }
        struct buf b = BUF_INIT;
        if (ft->unlogged != tt->unlogged)
            add_note(&b, "set %s", tt->unlogged ? "UNLOGGED" : "LOGGED");
        if (!str_eq(ft->options, tt->options))
            add_note(&b, "storage options (%s) -> (%s)", ft->options ? ft->options : "",
                     tt->options ? tt->options : "");
        if (b.len) {
            struct d_change *c =
                add_change(x, DO_TABLE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
            set_summary(c, "%s", b.data);
        }
        buf_release(&b);
        /* a partition's columns are its parent's */
        if (!tt->partition_of)
            diff_columns(x, ft, tt);
        diff_constraints(x, ft, tt);
        diff_indexes(x, DO_TABLE, tt->schema, tt->name, ft->indexes, ft->n_indexes, tt->indexes,
                     tt->n_indexes);
        diff_triggers(x, DO_TABLE, tt->schema, tt->name, ft->triggers, ft->n_triggers, tt->triggers,
                      tt->n_triggers);
        diff_comment(x, DO_TABLE, tt->schema, NULL, DO_SCHEMA, tt->name, ft->comment, tt->comment,
                     ft, tt, "the table");
        free(name);
    }
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i];
        if (find_table(t, ft->schema, ft->name))
            continue;
        struct d_change *c = add_change(x, DO_TABLE, D_DROP, ft->schema, NULL, ft->name, ft, NULL);
        char *name = disp(x->d, ft->schema, ft->name);
        c->destructive = 1;
        set_summary(c, "Dropped the `%s` table", name);
        add_warning(c,
                    "You are about to drop the `%s` table. If the table is not empty, all the "
                    "data it contains will be lost.",
                    ft->name);
        free(name);
    }
}

static const char *view_word(const struct m_view *v)
{
    return v->materialized ? "materialized view" : "view";
}

static void diff_views(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_views; i++) {
        const struct m_view *tv = &t->views[i], *fv = find_view(f, tv->schema, tv->name);
        char *name = disp(x->d, tv->schema, tv->name);
        if (!fv) {
            struct d_change *c =
                add_change(x, DO_VIEW, D_ADD, tv->schema, NULL, tv->name, NULL, tv);
            set_summary(c, "Added the %s `%s`", view_word(tv), name);
            free(name);
            continue;
        }
        int recreated = fv->materialized != tv->materialized;
        if (recreated || !str_eq(fv->definition, tv->definition) ||
            !str_eq(fv->options, tv->options)) {
            struct d_change *c =
                add_change(x, DO_VIEW, D_CHANGE, tv->schema, NULL, tv->name, fv, tv);
            if (!recreated && view_replaceable(fv, tv))
                c->flags = DF_REPLACE;
            set_summary(c, "%s (%s)",
                        recreated ? "became a materialized view" : "definition changed",
                        c->flags & DF_REPLACE ? "replaced in place" : "dropped and created again");
        }
        if (!recreated) {
            diff_indexes(x, DO_VIEW, tv->schema, tv->name, fv->indexes, fv->n_indexes, tv->indexes,
                         tv->n_indexes);
            diff_triggers(x, DO_VIEW, tv->schema, tv->name, fv->triggers, fv->n_triggers,
                          tv->triggers, tv->n_triggers);
        }
        diff_comment(x, DO_VIEW, tv->schema, NULL, DO_SCHEMA, tv->name, fv->comment, tv->comment,
                     fv, tv, "the view");
        free(name);
    }
    for (size_t i = 0; i < f->n_views; i++) {
        const struct m_view *fv = &f->views[i];
        if (find_view(t, fv->schema, fv->name))
            continue;
        struct d_change *c = add_change(x, DO_VIEW, D_DROP, fv->schema, NULL, fv->name, fv, NULL);
        char *name = disp(x->d, fv->schema, fv->name);
        set_summary(c, "Dropped the %s `%s`", view_word(fv), name);
        free(name);
    }
}

const char *function_word(char kind)
{
    return kind == 'p' ? "procedure" : kind == 'a' ? "aggregate" : "function";
}

static void diff_functions(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_functions; i++) {
        const struct m_function *tf = &t->functions[i],
                                *ff = find_function(f, tf->schema, tf->name, tf->args);
        char *key = xasprintf("%s(%s)", tf->name, tf->args ? tf->args : "");
        char *name = disp(x->d, tf->schema, key);
        if (!ff) {
            struct d_change *c = add_change(x, DO_FUNCTION, D_ADD, tf->schema, NULL, key, NULL, tf);
            set_summary(c, "Added the %s `%s`", function_word(tf->kind), name);
        } else {
            if (ff->kind != tf->kind || !str_eq(ff->result, tf->result) ||
                !str_eq(ff->language, tf->language) || !str_eq(ff->definition, tf->definition) ||
                strcmp(ff->body_hash, tf->body_hash) != 0) {
                struct d_change *c =
                    add_change(x, DO_FUNCTION, D_CHANGE, tf->schema, NULL, key, ff, tf);
                if (ff->kind == tf->kind && str_eq(ff->result, tf->result) && tf->kind != 'a' &&
                    tf->definition)
                    c->flags = DF_REPLACE;
                set_summary(c, "Changed the %s `%s` (%s)", function_word(tf->kind), name,
                            c->flags & DF_REPLACE ? "replaced in place"
                                                  : "dropped and created again");
            }
            char *what = xasprintf("the %s `%s`", function_word(tf->kind), name);
            diff_comment(x, DO_FUNCTION, tf->schema, NULL, DO_SCHEMA, key, ff->comment, tf->comment,
                         ff, tf, what);
            free(what);
        }
        free(key);
        free(name);
    }
    for (size_t i = 0; i < f->n_functions; i++) {
        const struct m_function *ff = &f->functions[i];
        if (find_function(t, ff->schema, ff->name, ff->args))
            continue;
        char *key = xasprintf("%s(%s)", ff->name, ff->args ? ff->args : "");
        char *name = disp(x->d, ff->schema, key);
        struct d_change *c = add_change(x, DO_FUNCTION, D_DROP, ff->schema, NULL, key, ff, NULL);
        set_summary(c, "Dropped the %s `%s`", function_word(ff->kind), name);
        free(key);
        free(name);
    }
}

struct keyed_change {
    struct d_change c;
    size_t seq;
};

static int cmp_change(const void *a, const void *b)
{
    const struct keyed_change *x = a, *y = b;
    int r;
    if (x->c.obj != y->c.obj)
        return x->c.obj < y->c.obj ? -1 : 1;
    if ((r = str_cmp0(x->c.schema, y->c.schema)) || (r = str_cmp0(x->c.parent, y->c.parent)) ||
        (r = str_cmp0(x->c.name, y->c.name)))
        return r;
    if (x->c.kind != y->c.kind)
        return x->c.kind < y->c.kind ? -1 : 1;
    if (x->c.target != y->c.target)
        return x->c.target < y->c.target ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diff_models(const struct schema_model *from, const struct schema_model *to,
                 struct schema_diff *out)
{
    struct dctx x = {out, from, to};
    struct strv schemas = {0};
    memset(out, 0, sizeof(*out));
    model_schemas(from, &schemas);
    model_schemas(to, &schemas);
    out->qualify = schemas.n > 1;
    strv_release(&schemas);

    diff_schemas(&x);
    diff_extensions(&x);
    diff_enums(&x);
    diff_types(&x);
    diff_sequences(&x);
    diff_tables(&x);
    diff_views(&x);
    diff_functions(&x);

    if (out->n > 1) {
        struct keyed_change *k = xmalloc(out->n * sizeof(*k));
        for (size_t i = 0; i < out->n; i++) {
            k[i].c = out->v[i];
            k[i].seq = i;
        }
        qsort(k, out->n, sizeof(*k), cmp_change);
        for (size_t i = 0; i < out->n; i++)
            out->v[i] = k[i].c;
        free(k);
    }
}

void diff_release(struct schema_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].schema);
        free(d->v[i].parent);
        free(d->v[i].name);
        free(d->v[i].summary);
        free(d->v[i].warning);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}
