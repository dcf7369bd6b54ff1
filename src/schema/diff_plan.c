/*
 * diff_plan.c - the plan of diff_script, made before any SQL is written:
 * marks (MK_*) on the objects of both models saying which ones the script
 * drops, creates, replaces or alters, including the dependents that must be
 * dropped and created again around what changes.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- marks */

unsigned marks(struct sctx *s, const void *p)
{
    size_t *v = p ? pmap_slot(&s->marks, p, 0) : NULL;
    return v ? (unsigned)*v : 0;
}

static void mark(struct sctx *s, const void *p, unsigned bits)
{
    if (p)
        *pmap_slot(&s->marks, p, 1) |= bits;
}

const struct d_change *change_of(struct sctx *s, const void *p)
{
    size_t *v = p ? pmap_slot(&s->chg, p, 0) : NULL;
    return v ? &s->d->v[*v - 1] : NULL;
}

static int changed(struct sctx *s, const void *p, enum d_kind k)
{
    const struct d_change *c = change_of(s, p);
    return c && c->kind == k;
}

/* The `to` table an existing table becomes; NULL when it is dropped (or recreated). */
const struct m_table *to_table(struct sctx *s, const struct m_table *ft)
{
    if (marks(s, ft) & MK_DROP)
        return NULL;
    return find_table(s->to, ft->schema, ft->name);
}

static const struct m_view *to_view(struct sctx *s, const struct m_view *fv)
{
    if (marks(s, fv) & MK_DROP)
        return NULL;
    return find_view(s->to, fv->schema, fv->name);
}

/* A column's type is rebuilt in place: views and keys over it must go first. */
static int column_reshaped(struct sctx *s, const struct m_column *c)
{
    const struct d_change *ch = change_of(s, c);
    return (ch && ch->kind == D_CHANGE && (ch->flags & (DF_TYPE_CAST | DF_RECREATE))) ||
           (marks(s, c) & (MK_ENUM_COL | MK_RECREATE_COL));
}

/* A column dropped, or whose type changes in any way: views, triggers and foreign keys
 * using it must go first. */
static int column_leaves_dependents(struct sctx *s, const struct m_column *c)
{
    const struct d_change *ch = change_of(s, c);
    return column_reshaped(s, c) ||
           (ch && (ch->kind == D_DROP || (ch->flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST)) != 0));
}

/* ---------------------------------------------------------------- plan */

void plan_objects(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_COMMENT || c->obj == DO_ENUM_VALUE)
            continue;
        if (c->from)
            *pmap_slot(&s->chg, c->from, 1) = i + 1;
        if (c->to)
            *pmap_slot(&s->chg, c->to, 1) = i + 1;
    }
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i], *tt = find_table(t, ft->schema, ft->name);
        if (!tt || table_recreated(ft, tt))
            mark(s, ft, MK_DROP | MK_ALTERED);
    }
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i], *ft = find_table(f, tt->schema, tt->name);
        if (!ft || table_recreated(ft, tt))
            mark(s, tt, MK_CREATE);
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        switch (c->obj) {
        case DO_COLUMN: {
            const struct m_table *ft = find_table(f, c->schema, c->parent);
            if (c->kind == D_DROP)
                mark(s, ft, MK_ALTERED);
            if (c->kind == D_CHANGE && (c->flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST | DF_RECREATE)))
                mark(s, ft, MK_ALTERED);
            if (c->kind == D_CHANGE && (c->flags & DF_RECREATE))
                mark(s, c->from, MK_RECREATE_COL);
            break;
        }
        case DO_ENUM:
        case DO_TYPE:
            if (c->obj == DO_TYPE && (c->flags & DF_REPLACE)) {
                mark(s, c->to, MK_REPLACE);
                break;
            }
            if (c->kind != D_ADD)
                mark(s, c->from, MK_GONE);
            if (c->kind != D_DROP && c->obj == DO_TYPE)
                mark(s, c->to, MK_CREATE);
            break;
        case DO_FUNCTION:
            if (c->kind == D_ADD) {
                mark(s, c->to, MK_CREATE);
            } else if (c->kind == D_DROP) {
                mark(s, c->from, MK_DROP | MK_GONE);
            } else if (c->flags & DF_REPLACE) {
                mark(s, c->to, MK_REPLACE);
            } else {
                mark(s, c->from, MK_GONE);
                mark(s, c->to, MK_CREATE);
            }
            break;
        case DO_VIEW:
            if (c->kind == D_ADD) {
                mark(s, c->to, MK_CREATE);
            } else if (c->kind == D_DROP) {
                mark(s, c->from, MK_DROP);
            } else if (c->flags & DF_REPLACE) {
                mark(s, c->to, MK_REPLACE);
            } else {
                mark(s, c->from, MK_DROP);
                mark(s, c->to, MK_CREATE);
            }
            break;
        default:
            break;
        }
    }
}

/* Columns converted to a rebuilt enum, and which old-type users remain. */
void plan_enums(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_ENUM || c->kind != D_CHANGE || !(c->flags & DF_ENUM_REBUILD))
            continue;
        const struct m_enum *fe = c->from, *te = c->to;
        for (size_t j = 0; j < f->n_tables; j++) {
            const struct m_table *ft = &f->tables[j], *tt = to_table(s, ft);
            for (size_t k = 0; k < ft->n_columns; k++) {
                const struct m_column *fc = &ft->columns[k], *tc;
                if (type_enum(f, fc->type, NULL) != fe)
                    continue;
                tc = diff_find_column(tt, fc->name);
                if (!tc || tt->partition_of || (marks(s, fc) & MK_RECREATE_COL) ||
                    type_enum(s->to, tc->type, NULL) != te) {
                    mark(s, fe, MK_LEFTOVER);
                    continue;
                }
                mark(s, fc, MK_ENUM_COL);
                mark(s, ft, MK_ALTERED);
                if (fc->default_expr)
                    mark(s, fc, MK_DEFAULT_GONE);
                if (fc->default_expr && tc->default_expr && str_eq(fc->type, tc->type))
                    mark(s, fc, MK_DEFAULT_SET);
            }
        }
        for (size_t j = 0; j < f->n_types; j++)
            if (mentions_raw(f->types[j].definition, fe->name))
                mark(s, fe, MK_LEFTOVER);
    }
}

/* Functions a default, generation expression, check or domain of `to` uses come first. */
void plan_functions(struct sctx *s)
{
    const struct schema_model *t = s->to;
    struct buf uses = BUF_INIT;
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i];
        for (size_t j = 0; j < tt->n_columns; j++)
            buf_addf(&uses, "%s %s\n",
                     tt->columns[j].default_expr ? tt->columns[j].default_expr : "",
                     tt->columns[j].generated ? tt->columns[j].generated : "");
        for (size_t j = 0; j < tt->n_constraints; j++)
            if (tt->constraints[j].type == 'c' || tt->constraints[j].type == 'x')
                buf_addf(&uses, "%s\n", tt->constraints[j].definition);
    }
    for (size_t i = 0; i < t->n_types; i++)
        buf_addf(&uses, "%s\n", t->types[i].definition ? t->types[i].definition : "");
    for (size_t i = 0; i < t->n_functions; i++) {
        const struct m_function *tf = &t->functions[i];
        if ((marks(s, tf) & (MK_CREATE | MK_REPLACE)) && mentions_raw(uses.data, tf->name))
            mark(s, tf, MK_EARLY);
    }
    buf_release(&uses);
}

/* Views that must be dropped because something they use is dropped or rebuilt. */
void plan_views(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    struct strv gone = {0};
    struct strv *ids = xcalloc(f->n_views ? f->n_views : 1, sizeof(*ids));
    for (size_t i = 0; i < f->n_views; i++)
        ident_set(f->views[i].definition, &ids[i]);
    for (size_t i = 0; i < f->n_tables; i++)
        if (marks(s, &f->tables[i]) & MK_DROP)
            strv_push(&gone, xstrdup(f->tables[i].name));
    for (size_t i = 0; i < f->n_enums; i++)
        if (marks(s, &f->enums[i]) & MK_GONE)
            strv_push(&gone, xstrdup(f->enums[i].name));
    for (size_t i = 0; i < f->n_types; i++)
        if (marks(s, &f->types[i]) & MK_GONE)
            strv_push(&gone, xstrdup(f->types[i].name));
    for (size_t i = 0; i < f->n_functions; i++)
        if (marks(s, &f->functions[i]) & MK_GONE)
            strv_push(&gone, xstrdup(f->functions[i].name));
    for (size_t i = 0; i < f->n_views; i++)
        if (marks(s, &f->views[i]) & MK_DROP)
            strv_push(&gone, xstrdup(f->views[i].name));
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < f->n_views; i++) {
            const struct m_view *fv = &f->views[i];
            int hit = 0;
            if (marks(s, fv) & MK_DROP)
                continue;
            for (size_t k = 0; k < gone.n && !hit; k++)
                hit = strv_sorted_has(&ids[i], gone.v[k]);
            /* a view depends on the columns it names: on a table that stays, only columns
             * dropped or retyped in place matter */
            for (size_t k = 0; k < f->n_tables && !hit; k++) {
                const struct m_table *ft = &f->tables[k];
                if ((marks(s, ft) & (MK_DROP | MK_ALTERED)) != MK_ALTERED ||
                    !strv_sorted_has(&ids[i], ft->name))
                    continue;
                for (size_t c = 0; c < ft->n_columns && !hit; c++)
                    hit = column_leaves_dependents(s, &ft->columns[c]) &&
                          strv_sorted_has(&ids[i], ft->columns[c].name);
            }
            if (!hit)
                continue;
            mark(s, fv, MK_DROP);
            mark(s, find_view(t, fv->schema, fv->name), MK_CREATE);
            strv_push(&gone, xstrdup(fv->name));
            again = 1;
        }
    }
    for (size_t i = 0; i < f->n_views; i++)
        strv_release(&ids[i]);
    free(ids);
    strv_release(&gone);
}

/* Triggers: dropped or changed ones, those of recreated functions, those of new objects. */
/*
 * A trigger naming a column (UPDATE OF, WHEN) whose type changes: PostgreSQL
 * refuses the type change while the trigger exists.
 */
static int trigger_uses_retyped(struct sctx *s, const struct m_table *ft,
                                const struct m_trigger *tr)
{
    struct strv ids = {0};
    int found = 0;
    if (!ft)
        return 0;
    ident_set(tr->definition, &ids);
    for (size_t i = 0; i < ft->n_columns && !found; i++)
        found = column_leaves_dependents(s, &ft->columns[i]) &&
                strv_sorted_has(&ids, ft->columns[i].name);
    strv_release(&ids);
    return found;
}

static void plan_triggers_of(struct sctx *s, const struct m_table *ft, const struct m_trigger *fv,
                             size_t fn, const struct m_trigger *tv, size_t tn, int parent_new)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < fn; i++) {
        const struct m_trigger *fr = &fv[i];
        const struct d_change *c = change_of(s, fr);
        int redo = c && (c->kind == D_DROP ||
                         (c->kind == D_CHANGE &&
                          !str_eq(fr->definition, ((const struct m_trigger *)c->to)->definition)));
        for (size_t k = 0; k < f->n_functions && !redo; k++)
            redo = (marks(s, &f->functions[k]) & MK_GONE) &&
                   mentions_raw(fr->definition, f->functions[k].name);
        redo = redo || trigger_uses_retyped(s, ft, fr);
        if (redo) {
            mark(s, fr, MK_DROP);
            mark(s, find_trigger(tv, tn, fr->name), MK_CREATE);
        } else if (c && c->kind == D_CHANGE) {
            mark(s, c->to, MK_TOGGLE);
        }
    }
    for (size_t i = 0; i < tn; i++)
        if (parent_new || changed(s, &tv[i], D_ADD))
            mark(s, &tv[i], MK_CREATE);
}

void plan_triggers(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i], *tt = to_table(s, ft);
        if (tt)
            plan_triggers_of(s, ft, ft->triggers, ft->n_triggers, tt->triggers, tt->n_triggers, 0);
    }
    for (size_t i = 0; i < t->n_tables; i++)
        if (marks(s, &t->tables[i]) & MK_CREATE)
            plan_triggers_of(s, NULL, NULL, 0, t->tables[i].triggers, t->tables[i].n_triggers, 1);
    for (size_t i = 0; i < f->n_views; i++) {
        const struct m_view *fv = &f->views[i], *tv = to_view(s, fv);
        if (tv)
            plan_triggers_of(s, NULL, fv->triggers, fv->n_triggers, tv->triggers, tv->n_triggers,
                             0);
    }
    for (size_t i = 0; i < t->n_views; i++)
        if (marks(s, &t->views[i]) & MK_CREATE)
            plan_triggers_of(s, NULL, NULL, 0, t->views[i].triggers, t->views[i].n_triggers, 1);
}

/* The plain column names of a constraint's or index's keys; -1 when one is an expression. */
static int index_columns(const struct m_index *ix, struct strv *out)
{
    for (size_t i = 0; i < ix->n_keys; i++) {
        char *sch = NULL, *n = NULL;
        if (!ix->keys[i] || parse_qname(ix->keys[i], &sch, &n) || sch) {
            free(sch);
            free(n);
            return -1;
        }
        strv_push(out, n);
    }
    return 0;
}

static int same_column_set(char *const *a, size_t na, const struct strv *b)
{
    if (na != b->n)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!strv_has(b, a[i]))
            return 0;
    return 1;
}

/* A foreign key that must be dropped and added again around what happens to its keys. */
static int fk_needs_redo(struct sctx *s, const struct m_table *ft, const struct m_constraint *k)
{
    const struct m_table *rt =
        find_table(s->from, k->ref_schema ? k->ref_schema : ft->schema, k->ref_table);
    struct strv refs = {0};
    int redo = 0;
    if (!rt)
        return 0;
    if (marks(s, rt) & MK_DROP)
        return 1;
    /* any type change of a key column, also by assignment cast: between the two
     * ALTER TABLEs the key types may not be comparable (numeric against integer) */
    for (size_t i = 0; i < k->n_columns && !redo; i++)
        redo = column_leaves_dependents(s, diff_find_column(ft, k->columns[i]));
    for (size_t i = 0; i < k->n_ref_columns && !redo; i++) {
        redo = column_leaves_dependents(s, diff_find_column(rt, k->ref_columns[i]));
        strv_push(&refs, xstrdup(k->ref_columns[i]));
    }
    for (size_t i = 0; i < rt->n_constraints && !redo; i++) {
        const struct m_constraint *key = &rt->constraints[i];
        const struct d_change *c = change_of(s, key);
        redo = (key->type == 'p' || key->type == 'u') && c && c->kind != D_ADD &&
               same_column_set(key->columns, key->n_columns, &refs);
    }
    for (size_t i = 0; i < rt->n_indexes && !redo; i++) {
        const struct m_index *ix = &rt->indexes[i];
        const struct d_change *c = change_of(s, ix);
        struct strv cols = {0};
        redo = ix->unique && c && c->kind != D_ADD && !index_columns(ix, &cols) &&
               same_column_set(cols.v, cols.n, &refs);
        strv_release(&cols);
    }
    strv_release(&refs);
    return redo;
}

static int touches_recreated(struct sctx *s, const struct m_table *ft, char *const *cols, size_t n,
                             const char *definition)
{
    struct strv ids = {0};
    int hit = 0;
    if (!(marks(s, ft) & MK_ALTERED)) /* no column of it is recreated */
        return 0;
    ident_set(definition, &ids);
    for (size_t i = 0; i < ft->n_columns && !hit; i++) {
        const struct m_column *fc = &ft->columns[i];
        if (!(marks(s, fc) & MK_RECREATE_COL))
            continue;
        hit = strv_sorted_has(&ids, fc->name);
        for (size_t j = 0; j < n && !hit; j++)
            hit = str_eq(cols[j], fc->name);
    }
    strv_release(&ids);
    return hit;
}

/* A definition that names an enum the script rebuilds or a function it drops or recreates:
 * it cannot survive that. */
static int mentions_rebuilt(const struct strv *rebuilt, const char *definition)
{
    struct strv ids = {0};
    int hit = 0;
    if (!rebuilt->n)
        return 0;
    ident_set(definition, &ids);
    for (size_t i = 0; i < rebuilt->n && !hit; i++)
        hit = strv_sorted_has(&ids, rebuilt->v[i]);
    strv_release(&ids);
    return hit;
}

static void plan_indexes_of(struct sctx *s, const struct strv *rebuilt, const struct m_table *ft,
                            const struct m_index *fv, size_t fn, const struct m_index *tv,
                            size_t tn, int parent_new)
{
    for (size_t i = 0; i < fn; i++) {
        const struct d_change *c = change_of(s, &fv[i]);
        if ((c && c->kind != D_ADD) || mentions_rebuilt(rebuilt, fv[i].definition) ||
            (ft && touches_recreated(s, ft, NULL, 0, fv[i].definition))) {
            mark(s, &fv[i], MK_DROP);
            mark(s, find_index(tv, tn, fv[i].name), MK_CREATE);
        }
    }
    for (size_t i = 0; i < tn; i++)
        if (parent_new || changed(s, &tv[i], D_ADD))
            mark(s, &tv[i], MK_CREATE);
}

/* Constraints and indexes to drop and to create. */
void plan_keys(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    struct strv rebuilt = {0};
    struct strv gone_functions = {0};
    for (size_t i = 0; i < s->d->n; i++)
        if (s->d->v[i].obj == DO_ENUM && (s->d->v[i].flags & DF_ENUM_REBUILD))
            strv_push(&rebuilt, xstrdup(((const struct m_enum *)s->d->v[i].from)->name));
    for (size_t i = 0; i < f->n_functions; i++)
        if (marks(s, &f->functions[i]) & MK_GONE) {
            strv_push(&rebuilt, xstrdup(f->functions[i].name));
            strv_push(&gone_functions, xstrdup(f->functions[i].name));
        }
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i], *tt = to_table(s, ft);
        if (!tt) {
            /* Prisma drops a dropped table's foreign keys first */
            for (size_t j = 0; j < ft->n_constraints; j++)
                if (ft->constraints[j].type == 'f')
                    mark(s, &ft->constraints[j], MK_DROP);
            continue;
        }
        for (size_t j = 0; j < ft->n_constraints; j++) {
            const struct m_constraint *k = &ft->constraints[j];
            const struct d_change *c = change_of(s, k);
            int redo = (c && c->kind != D_ADD) ||
                       touches_recreated(s, ft, k->columns, k->n_columns, NULL) ||
                       (k->type == 'f' && fk_needs_redo(s, ft, k));
            if ((k->type == 'c' || k->type == 'x') && mentions_rebuilt(&rebuilt, k->definition)) {
                redo = 1;
                mark(s, k, MK_EARLY_DROP);
            }
            if (redo) {
                mark(s, k, MK_DROP);
                mark(s, find_constraint(tt, k->name), MK_CREATE);
            }
        }
        plan_indexes_of(s, &rebuilt, ft, ft->indexes, ft->n_indexes, tt->indexes, tt->n_indexes, 0);
    }
    /* also on tables and columns that go: they go after the functions are dropped */
    for (size_t i = 0; i < f->n_tables && gone_functions.n; i++)
        for (size_t j = 0; j < f->tables[i].n_columns; j++) {
            const struct m_column *fc = &f->tables[i].columns[j];
            if (fc->default_expr && mentions_rebuilt(&gone_functions, fc->default_expr))
                mark(s, fc, MK_FUNC_DEFAULT);
        }
    strv_release(&gone_functions);
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i];
        int is_new = (marks(s, tt) & MK_CREATE) != 0;
        for (size_t j = 0; j < tt->n_constraints; j++)
            if (is_new || changed(s, &tt->constraints[j], D_ADD))
                mark(s, &tt->constraints[j], MK_CREATE);
        if (is_new)
            plan_indexes_of(s, &rebuilt, NULL, NULL, 0, tt->indexes, tt->n_indexes, 1);
    }
    for (size_t i = 0; i < f->n_views; i++) {
        const struct m_view *fv = &f->views[i], *tv = to_view(s, fv);
        if (tv && !(marks(s, tv) & MK_CREATE))
            plan_indexes_of(s, &rebuilt, NULL, fv->indexes, fv->n_indexes, tv->indexes,
                            tv->n_indexes, 0);
    }
    for (size_t i = 0; i < t->n_views; i++)
        if (marks(s, &t->views[i]) & MK_CREATE)
            plan_indexes_of(s, &rebuilt, NULL, NULL, 0, t->views[i].indexes, t->views[i].n_indexes,
                            1);
    strv_release(&rebuilt);
}
