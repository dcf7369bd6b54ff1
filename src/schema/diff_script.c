/*
 * diff_script.c - diff_script: the migration SQL that turns one model into the
 * other in Prisma Migrate's style, written phase by phase in the order listed
 * below, once diff_plan.c has marked what the phases do.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"
#include "util/quote.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* =========================================================== diff_script */

/*
 * Phases. The script runs in these phases, in this order (Prisma's step order where
 * Prisma has the step, with pgmig's object kinds slotted in):
 *
 *   AlterEnum ADD VALUE  first: a value cannot be used in the transaction that adds it
 *   CreateSchema, CreateExtension/AlterExtension
 *   DropTrigger, DropView, DropForeignKey, DropIndex
 *                        dependents of what changes go first; foreign keys of dropped
 *                        tables too, so tables can then be dropped in any order; checks
 *                        and indexes naming an enum about to be rebuilt
 *   CreateSequence/AlterSequence (OWNED BY NONE before the owner column goes)
 *   CreateEnum, CreateType (domains, composites; a changed one is dropped and created)
 *   AlterEnum rebuild    values removed or reordered: new type, columns converted, renames
 *   CreateFunction       those a default, generation expression or check uses
 *   AlterTable           per table: drop constraints, drop/add/alter columns, add
 *                        constraints (not foreign keys)
 *   DropTable            before anything is created: names may clash
 *   DropFunction, DropType/DropEnum/DropSequence, DropExtension
 *                        once no column or function uses them
 *   CreateTable          primary key, unique, check, exclusion constraints inline
 *   AlterSequence OWNED BY, CreateFunction (the others)
 *   CreateIndex, AddForeignKey (after the unique indexes they need)
 *   CreateView (in dependency order; CREATE OR REPLACE when the columns allow)
 *   CreateTrigger, Comment, DropSchema
 */

/* ------------------------------------------------------------ phases */

static void phase_enum_add_values(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < t->n_enums; i++) {
        const struct m_enum *te = &t->enums[i], *fe = find_enum(f, te->schema, te->name);
        int started = 0;
        if (!fe || (marks(s, fe) & MK_GONE))
            continue;
        for (size_t j = 0; j < te->n_values; j++) {
            if (enum_has(fe, te->values[j]))
                continue;
            const char *before = NULL;
            for (size_t k = j + 1; k < te->n_values && !before; k++)
                if (enum_has(fe, te->values[k]))
                    before = te->values[k];
            if (!started++)
                diff_step(s, "AlterEnum");
            buf_adds(&s->out, "ALTER TYPE ");
            qname(s, &s->out, te->schema, te->name);
            buf_adds(&s->out, " ADD VALUE ");
            buf_add_literal(&s->out, te->values[j]);
            if (before) {
                buf_adds(&s->out, " BEFORE ");
                buf_add_literal(&s->out, before);
            }
            end_stmt(s);
        }
    }
}

static void phase_schemas_extensions(struct sctx *s)
{
    struct strv made = {0};
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_SCHEMA && c->kind == D_ADD) {
            diff_step(s, "CreateSchema");
            buf_adds(&s->out, "CREATE SCHEMA IF NOT EXISTS ");
            buf_add_ident(&s->out, c->name);
            end_stmt(s);
            strv_push(&made, xstrdup(c->name));
        }
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_extension *x = c->to;
        if (c->obj != DO_EXTENSION || c->kind == D_DROP || !x->schema)
            continue;
        if (strcmp(x->schema, "public") && !strv_has(&made, x->schema) &&
            !find_schema(s->from, x->schema)) {
            diff_step(s, "CreateSchema");
            buf_adds(&s->out, "CREATE SCHEMA IF NOT EXISTS ");
            buf_add_ident(&s->out, x->schema);
            end_stmt(s);
            strv_push(&made, xstrdup(x->schema));
        }
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_extension *fx = c->from, *x = c->to;
        if (c->obj != DO_EXTENSION || c->kind == D_DROP)
            continue;
        if (c->kind == D_ADD) {
            diff_step(s, "CreateExtension");
            buf_adds(&s->out, "CREATE EXTENSION IF NOT EXISTS ");
            buf_add_ident(&s->out, x->name);
            if (x->schema && (s->qualify || !str_eq(x->schema, s->single))) {
                buf_adds(&s->out, " WITH SCHEMA ");
                buf_add_ident(&s->out, x->schema);
            }
            if (x->version) {
                buf_adds(&s->out, " VERSION ");
                buf_add_ident(&s->out, x->version);
            }
            end_stmt(s);
            continue;
        }
        diff_step(s, "AlterExtension");
        if (!str_eq(fx->version, x->version) && x->version) {
            buf_adds(&s->out, "ALTER EXTENSION ");
            buf_add_ident(&s->out, x->name);
            buf_adds(&s->out, " UPDATE TO ");
            buf_add_ident(&s->out, x->version);
            end_stmt(s);
        }
        if (!str_eq(fx->schema, x->schema) && x->schema) {
            buf_adds(&s->out, "ALTER EXTENSION ");
            buf_add_ident(&s->out, x->name);
            buf_adds(&s->out, " SET SCHEMA ");
            buf_add_ident(&s->out, x->schema);
            end_stmt(s);
        }
    }
    strv_release(&made);
}

static void drop_triggers_of(struct sctx *s, const char *schema, const char *parent,
                             const struct m_trigger *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(marks(s, &v[i]) & MK_DROP))
            continue;
        diff_step(s, "DropTrigger");
        buf_adds(&s->out, "DROP TRIGGER ");
        buf_add_ident(&s->out, v[i].name);
        buf_adds(&s->out, " ON ");
        qname(s, &s->out, schema, parent);
        end_stmt(s);
    }
}

/* Views sel[0..n) of v to drop or create, in dependency order (reversed for drops). */
static void view_order(const struct m_view *v, const size_t *sel, size_t n, size_t *order)
{
    const char **names = xcalloc(n ? n : 1, sizeof(*names));
    const char **defs = xcalloc(n ? n : 1, sizeof(*defs));
    for (size_t i = 0; i < n; i++) {
        names[i] = v[sel[i]].name;
        defs[i] = v[sel[i]].definition;
    }
    order_by_mentions(n, names, defs, order);
    free(names);
    free(defs);
}

static void phase_drops_of_dependents(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < f->n_tables; i++)
        if (!(marks(s, &f->tables[i]) & MK_DROP))
            drop_triggers_of(s, f->tables[i].schema, f->tables[i].name, f->tables[i].triggers,
                             f->tables[i].n_triggers);
    for (size_t i = 0; i < f->n_views; i++)
        if (!(marks(s, &f->views[i]) & MK_DROP))
            drop_triggers_of(s, f->views[i].schema, f->views[i].name, f->views[i].triggers,
                             f->views[i].n_triggers);

    size_t *sel = xcalloc(f->n_views ? f->n_views : 1, sizeof(*sel));
    size_t n = 0;
    for (size_t i = 0; i < f->n_views; i++)
        if (marks(s, &f->views[i]) & MK_DROP)
            sel[n++] = i;
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    view_order(f->views, sel, n, order);
    for (size_t k = n; k-- > 0;) {
        const struct m_view *v = &f->views[sel[order[k]]];
        diff_step(s, "DropView");
        buf_addf(&s->out, "DROP %sVIEW ", v->materialized ? "MATERIALIZED " : "");
        qname(s, &s->out, v->schema, v->name);
        end_stmt(s);
    }
    free(order);
    free(sel);

    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i];
        for (size_t j = 0; j < ft->n_constraints; j++) {
            const struct m_constraint *k = &ft->constraints[j];
            if (k->type != 'f' || !(marks(s, k) & MK_DROP))
                continue;
            diff_step(s, "DropForeignKey");
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, ft->schema, ft->name);
            buf_adds(&s->out, " DROP CONSTRAINT ");
            buf_add_ident(&s->out, k->name);
            end_stmt(s);
        }
    }
    for (size_t i = 0; i < f->n_tables + f->n_views; i++) {
        int is_table = i < f->n_tables;
        const struct m_index *v =
            is_table ? f->tables[i].indexes : f->views[i - f->n_tables].indexes;
        size_t nv = is_table ? f->tables[i].n_indexes : f->views[i - f->n_tables].n_indexes;
        const char *schema = is_table ? f->tables[i].schema : f->views[i - f->n_tables].schema;
        const void *parent =
            is_table ? (const void *)&f->tables[i] : (const void *)&f->views[i - f->n_tables];
        if (marks(s, parent) & MK_DROP)
            continue;
        for (size_t j = 0; j < nv; j++) {
            if (!(marks(s, &v[j]) & MK_DROP))
                continue;
            diff_step(s, "DropIndex");
            buf_adds(&s->out, "DROP INDEX ");
            qname(s, &s->out, schema, v[j].name);
            end_stmt(s);
        }
    }
}

static void alter_column_stmt(struct sctx *s, const struct m_table *ft, const struct m_column *fc,
                              const char *tail)
{
    buf_adds(&s->out, "ALTER TABLE ");
    qname(s, &s->out, ft->schema, ft->name);
    buf_adds(&s->out, " ALTER COLUMN ");
    buf_add_ident(&s->out, fc->name);
    buf_adds(&s->out, tail);
}

/*
 * Identities go early, each in a statement of its own: the column keeps an implicit
 * NOT NULL that only then can be dropped, and its sequence frees the name a SERIAL
 * column's new sequence (created before the tables are altered) may take.
 */
static void drop_identities_early(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_column *fc = c->from, *tc = c->to;
        if (c->obj != DO_COLUMN || c->kind != D_CHANGE || (c->flags & DF_RECREATE) ||
            !fc->identity || tc->identity)
            continue;
        diff_step(s, "AlterTable");
        alter_column_stmt(s, find_table(s->from, c->schema, c->parent), fc, " DROP IDENTITY");
        end_stmt(s);
    }
}

/* Checks and exclusions over a rebuilt enum go before the rebuild (added again after it). */
static void drop_constraints_early(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i];
        for (size_t j = 0; j < ft->n_columns; j++) {
            if (!(marks(s, &ft->columns[j]) & MK_FUNC_DEFAULT))
                continue;
            diff_step(s, "AlterTable");
            alter_column_stmt(s, ft, &ft->columns[j], " DROP DEFAULT");
            end_stmt(s);
        }
        for (size_t j = 0; j < ft->n_constraints; j++) {
            if (!(marks(s, &ft->constraints[j]) & MK_EARLY_DROP))
                continue;
            diff_step(s, "AlterTable");
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, ft->schema, ft->name);
            buf_adds(&s->out, " DROP CONSTRAINT ");
            buf_add_ident(&s->out, ft->constraints[j].name);
            end_stmt(s);
        }
    }
}

static void sequence_options(struct buf *b, const struct m_sequence *q)
{
    long long min, max, start;
    seq_defaults(q->type, q->increment, &min, &max, &start);
    if (!str_eq(q->type, "bigint") && q->type)
        buf_addf(b, " AS %s", q->type);
    if (q->increment != 1)
        buf_addf(b, " INCREMENT BY %lld", q->increment);
    if (q->min != min)
        buf_addf(b, " MINVALUE %lld", q->min);
    if (q->max != max)
        buf_addf(b, " MAXVALUE %lld", q->max);
    if (q->start != (q->increment > 0 ? q->min : q->max))
        buf_addf(b, " START WITH %lld", q->start);
    if (q->cache != 1)
        buf_addf(b, " CACHE %lld", q->cache);
    if (q->cycle)
        buf_adds(b, " CYCLE");
}

/* ALTER SEQUENCE q OWNED BY owner ("table"."column", as m_sequence.owned_by), or NONE. */
static void owned_by(struct sctx *s, const struct m_sequence *q, const char *owner)
{
    char *tn = NULL, *cn = NULL;
    buf_adds(&s->out, "ALTER SEQUENCE ");
    qname(s, &s->out, q->schema, q->name);
    buf_adds(&s->out, " OWNED BY ");
    if (owner && !parse_qname(owner, &tn, &cn)) {
        qname(s, &s->out, q->schema, tn);
        buf_addch(&s->out, '.');
        buf_add_ident(&s->out, cn);
    } else {
        buf_adds(&s->out, "NONE");
    }
    end_stmt(s);
    free(tn);
    free(cn);
}

/*
 * ALTER SEQUENCE refuses new bounds that exclude the sequence's current value
 * ("RESTART value (1) cannot be less than MINVALUE (10)"), and the models do not
 * know that value. When the bound the sequence counts away from moves past it
 * (MINVALUE raised on an ascending sequence, MAXVALUE lowered on a descending
 * one), move the value to the new bound first, only if it lies behind it: the
 * next value is then the bound, and no value already handed out comes again. A
 * bound moved the other way is left to fail: the values in use do not fit.
 */
static void move_into_bounds(struct sctx *s, const struct m_sequence *fq,
                             const struct m_sequence *tq)
{
    int up = tq->increment > 0;
    long long bound = up ? tq->min : tq->max;
    if (up ? tq->min <= fq->min : tq->max >= fq->max)
        return;
    if (up ? bound > fq->max : bound < fq->min)
        return; /* setval() under the old bounds cannot reach it either */
    struct buf name = BUF_INIT;
    qname(s, &name, tq->schema, tq->name);
    buf_adds(&s->out, "SELECT setval(");
    buf_add_literal(&s->out, name.data);
    buf_addf(&s->out, ", %lld, false) FROM %s WHERE last_value %c %lld", bound, name.data,
             up ? '<' : '>', bound);
    end_stmt(s);
    buf_release(&name);
}

static void phase_sequences(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_sequence *fq = c->from, *tq = c->to;
        if (c->obj != DO_SEQUENCE || c->kind == D_DROP)
            continue;
        if (c->kind == D_ADD) {
            diff_step(s, "CreateSequence");
            buf_adds(&s->out, "CREATE SEQUENCE ");
            qname(s, &s->out, tq->schema, tq->name);
            sequence_options(&s->out, tq);
            end_stmt(s);
            if (tq->comment)
                comment_on(s, "SEQUENCE", tq->schema, tq->name, NULL, tq->comment);
            continue;
        }
        struct buf o = BUF_INIT;
        if (!str_eq(fq->type, tq->type) && tq->type)
            buf_addf(&o, " AS %s", tq->type);
        if (fq->increment != tq->increment)
            buf_addf(&o, " INCREMENT BY %lld", tq->increment);
        if (fq->min != tq->min)
            buf_addf(&o, " MINVALUE %lld", tq->min);
        if (fq->max != tq->max)
            buf_addf(&o, " MAXVALUE %lld", tq->max);
        if (fq->start != tq->start)
            buf_addf(&o, " START WITH %lld", tq->start);
        if (fq->cache != tq->cache)
            buf_addf(&o, " CACHE %lld", tq->cache);
        if (fq->cycle != tq->cycle)
            buf_adds(&o, tq->cycle ? " CYCLE" : " NO CYCLE");
        int unown = fq->owned_by && !str_eq(fq->owned_by, tq->owned_by);
        if (o.len || unown)
            diff_step(s, "AlterSequence");
        if (o.len)
            move_into_bounds(s, fq, tq);
        if (o.len) {
            buf_adds(&s->out, "ALTER SEQUENCE ");
            qname(s, &s->out, tq->schema, tq->name);
            buf_adds(&s->out, o.data);
            end_stmt(s);
        }
        if (unown)
            owned_by(s, tq, NULL);
        buf_release(&o);
    }
}

/*
 * A sequence that stays while the script drops its owner column (the column or its
 * table dropped or recreated): PostgreSQL would drop the sequence with it.
 */
static int owner_goes(struct sctx *s, const struct m_sequence *fq, const struct m_sequence *tq)
{
    const struct m_table *ft;
    const struct m_column *fc;
    if (!tq || !str_eq(fq->owned_by, tq->owned_by) || sequence_owner(s->from, fq, &ft, &fc))
        return 0;
    const struct d_change *c = change_of(s, fc);
    return !to_table(s, ft) || (c && (c->kind == D_DROP || (c->flags & DF_RECREATE)));
}

/* Such sequences are detached first, and owned again in phase_sequence_owners(). */
static void detach_sequences_early(struct sctx *s)
{
    for (size_t i = 0; i < s->from->n_sequences; i++) {
        const struct m_sequence *fq = &s->from->sequences[i],
                                *tq = find_sequence(s->to, fq->schema, fq->name);
        if (!owner_goes(s, fq, tq))
            continue;
        diff_step(s, "AlterSequence");
        owned_by(s, tq, NULL);
    }
}

static void phase_sequence_owners(struct sctx *s)
{
    for (size_t i = 0; i < s->from->n_sequences; i++) {
        const struct m_sequence *fq = &s->from->sequences[i],
                                *tq = find_sequence(s->to, fq->schema, fq->name);
        if (owner_goes(s, fq, tq)) {
            diff_step(s, "AlterSequence");
            owned_by(s, tq, tq->owned_by);
        }
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_sequence *fq = c->from, *tq = c->to;
        if (c->obj != DO_SEQUENCE || c->kind == D_DROP || !tq->owned_by)
            continue;
        if (c->kind == D_CHANGE && str_eq(fq->owned_by, tq->owned_by))
            continue;
        diff_step(s, "AlterSequence");
        owned_by(s, tq, tq->owned_by);
    }
}

static void alter_domain_stmt(struct sctx *s, const struct m_type *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void alter_domain_stmt(struct sctx *s, const struct m_type *t, const char *fmt, ...)
{
    va_list ap;
    buf_adds(&s->out, "ALTER DOMAIN ");
    qname(s, &s->out, t->schema, t->name);
    buf_addch(&s->out, ' ');
    va_start(ap, fmt);
    buf_vaddf(&s->out, fmt, ap);
    va_end(ap);
    end_stmt(s);
}

/* ALTER DOMAIN: constraints that go or change dropped first, then the rest. */
static void alter_domain(struct sctx *s, const struct m_type *ft, const struct m_type *tt)
{
    struct domain_parts a, b;
    domain_parse(ft->definition, &a);
    domain_parse(tt->definition, &b);
    diff_step(s, "AlterDomain");
    warn_change(s, change_of(s, tt));
    for (size_t i = 0; i < a.names.n; i++) {
        if (domain_check_differs(&b, a.names.v[i], a.checks.v[i])) {
            char *q = quote_ident(a.names.v[i]);
            alter_domain_stmt(s, tt, "DROP CONSTRAINT %s", q);
            free(q);
        }
    }
    if (a.not_null != b.not_null)
        alter_domain_stmt(s, tt, "%s NOT NULL", b.not_null ? "SET" : "DROP");
    if (!str_eq(a.default_expr, b.default_expr)) {
        if (b.default_expr)
            alter_domain_stmt(s, tt, "SET DEFAULT %s", b.default_expr);
        else
            alter_domain_stmt(s, tt, "DROP DEFAULT");
    }
    for (size_t i = 0; i < b.names.n; i++) {
        if (domain_check_differs(&a, b.names.v[i], b.checks.v[i])) {
            char *q = quote_ident(b.names.v[i]);
            alter_domain_stmt(s, tt, "ADD CONSTRAINT %s %s", q, b.checks.v[i]);
            free(q);
        }
    }
    domain_parts_release(&a);
    domain_parts_release(&b);
}

/* ALTER TYPE ... DROP ATTRIBUTE ..., ADD ATTRIBUTE ... (composite_alterable() holds). */
static void alter_composite(struct sctx *s, const struct m_type *ft, const struct m_type *tt)
{
    struct strv fn = {0}, fty = {0}, tn = {0}, tty = {0}, cl = {0};
    composite_parse(ft->definition, &fn, &fty);
    composite_parse(tt->definition, &tn, &tty);
    for (size_t i = 0; i < fn.n; i++)
        if (!strv_has(&tn, fn.v[i])) {
            char *q = quote_ident(fn.v[i]);
            strv_push(&cl, xasprintf("DROP ATTRIBUTE %s", q));
            free(q);
        }
    for (size_t i = 0; i < tn.n; i++)
        if (!strv_has(&fn, tn.v[i])) {
            char *q = quote_ident(tn.v[i]);
            strv_push(&cl, xasprintf("ADD ATTRIBUTE %s %s", q, tty.v[i]));
            free(q);
        }
    diff_step(s, "AlterType");
    warn_change(s, change_of(s, tt));
    buf_adds(&s->out, "ALTER TYPE ");
    qname(s, &s->out, tt->schema, tt->name);
    buf_addch(&s->out, ' ');
    join_strs(&s->out, cl.v, cl.n, ",\n");
    end_stmt(s);
    strv_release(&fn);
    strv_release(&fty);
    strv_release(&tn);
    strv_release(&tty);
    strv_release(&cl);
}

/* CREATE DOMAIN (after "CREATE DOMAIN name"), ended; NOT VALID constraints, which
 * CREATE DOMAIN does not take, are added after it. */
static void create_domain_rest(struct sctx *s, const struct m_type *t)
{
    struct domain_parts d;
    domain_parse(t->definition, &d);
    buf_addf(&s->out, " AS %s", d.head);
    if (d.not_null)
        buf_adds(&s->out, " NOT NULL");
    if (d.default_expr)
        buf_addf(&s->out, " DEFAULT %s", d.default_expr);
    for (size_t i = 0; i < d.checks.n; i++)
        if (!definition_not_valid(d.checks.v[i])) {
            char *q = quote_ident(d.names.v[i]);
            buf_addf(&s->out, " CONSTRAINT %s %s", q, d.checks.v[i]);
            free(q);
        }
    end_stmt(s);
    for (size_t i = 0; i < d.checks.n; i++)
        if (definition_not_valid(d.checks.v[i])) {
            char *q = quote_ident(d.names.v[i]);
            alter_domain_stmt(s, t, "ADD CONSTRAINT %s %s", q, d.checks.v[i]);
            free(q);
        }
    domain_parts_release(&d);
}

/*
 * A column that already holds values and gets a new sequence (made an identity or
 * a SERIAL): when the values reach the sequence's start, the sequence goes on after
 * the largest, so that new rows do not collide with the rows already there.
 */
static void sequences_past_existing_values(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_column *fc = c->from, *tc = c->to;
        if (c->obj != DO_COLUMN || c->kind != D_CHANGE || (c->flags & DF_RECREATE))
            continue;
        const struct m_table *ft = find_table(s->from, c->schema, c->parent),
                             *tt = find_table(s->to, c->schema, c->parent);
        if (!ft || !tt || !to_table(s, ft))
            continue;
        const struct m_sequence *q = serial_sequence(s->to, tt, tc);
        int fresh =
            (tc->identity && !fc->identity) || (q && !find_sequence(s->from, q->schema, q->name));
        if (!fresh)
            continue;
        struct buf table = BUF_INIT, seq = BUF_INIT;
        char *col = quote_ident(tc->name);
        qname(s, &table, tt->schema, tt->name);
        buf_adds(&seq, "pg_get_serial_sequence(");
        buf_add_literal(&seq, table.data);
        buf_adds(&seq, ", ");
        buf_add_literal(&seq, tc->name);
        buf_addch(&seq, ')');
        diff_step(s, "AlterSequence");
        buf_addf(&s->out,
                 "SELECT setval(%s, max(%s)) FROM %s\nHAVING max(%s) >= (SELECT seqstart FROM "
                 "pg_catalog.pg_sequence WHERE seqrelid = %s::regclass)",
                 seq.data, col, table.data, col, seq.data);
        end_stmt(s);
        free(col);
        buf_release(&table);
        buf_release(&seq);
    }
}

static void phase_create_enums_types(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_enum *te = c->to;
        if (c->obj != DO_ENUM || c->kind != D_ADD)
            continue;
        diff_step(s, "CreateEnum");
        buf_adds(&s->out, "CREATE TYPE ");
        qname(s, &s->out, te->schema, te->name);
        buf_adds(&s->out, " AS ENUM (");
        for (size_t j = 0; j < te->n_values; j++) {
            if (j)
                buf_adds(&s->out, ", ");
            buf_add_literal(&s->out, te->values[j]);
        }
        buf_addch(&s->out, ')');
        end_stmt(s);
        if (te->comment)
            comment_on(s, "TYPE", te->schema, te->name, NULL, te->comment);
    }
    /* domains first (composites may use them), then by what each mentions */
    size_t *sel = xcalloc(t->n_types ? t->n_types : 1, sizeof(*sel));
    const char **names = xcalloc(t->n_types ? t->n_types : 1, sizeof(*names));
    const char **defs = xcalloc(t->n_types ? t->n_types : 1, sizeof(*defs));
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < t->n_types; i++)
            if ((marks(s, &t->types[i]) & MK_CREATE) && (t->types[i].kind == 'd') == !pass) {
                sel[n] = i;
                names[n] = t->types[i].name;
                defs[n] = t->types[i].definition;
                n++;
            }
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    order_by_mentions(n, names, defs, order);
    for (size_t k = 0; k < n; k++) {
        const struct m_type *tt = &t->types[sel[order[k]]],
                            *ft = find_type(f, tt->schema, tt->name);
        const char *kw = tt->kind == 'd' ? "DOMAIN" : "TYPE";
        diff_step(s, "CreateType");
        warn_change(s, change_of(s, tt));
        if (ft) {
            buf_addf(&s->out, "DROP %s ", ft->kind == 'd' ? "DOMAIN" : "TYPE");
            qname(s, &s->out, ft->schema, ft->name);
            end_stmt(s);
        }
        buf_addf(&s->out, "CREATE %s ", kw);
        qname(s, &s->out, tt->schema, tt->name);
        if (tt->kind == 'd')
            create_domain_rest(s, tt);
        else if (tt->definition && tt->definition[0] == '(')
            buf_addf(&s->out, " AS %s", tt->definition);
        else
            buf_addf(&s->out, " AS (%s)", tt->definition ? tt->definition : "");
        if (tt->kind != 'd')
            end_stmt(s);
        if (tt->comment)
            comment_on(s, kw, tt->schema, tt->name, NULL, tt->comment);
    }
    free(order);
    free(sel);
    free(names);
    free(defs);
    for (size_t i = 0; i < t->n_types; i++)
        if (marks(s, &t->types[i]) & MK_REPLACE) {
            const struct m_type *ft = find_type(f, t->types[i].schema, t->types[i].name);
            if (t->types[i].kind == 'd')
                alter_domain(s, ft, &t->types[i]);
            else
                alter_composite(s, ft, &t->types[i]);
        }
}

static void phase_enum_rebuilds(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_ENUM || c->kind != D_CHANGE || !(c->flags & DF_ENUM_REBUILD))
            continue;
        const struct m_enum *fe = c->from, *te = c->to;
        char *new_name = xasprintf("%s_new", te->name), *old_name = xasprintf("%s_old", fe->name);
        struct buf nt = BUF_INIT;
        qname(s, &nt, te->schema, new_name);
        diff_step(s, "AlterEnum");
        warn_change(s, c);
        buf_addf(&s->out, "CREATE TYPE %s AS ENUM (", nt.data);
        for (size_t j = 0; j < te->n_values; j++) {
            if (j)
                buf_adds(&s->out, ", ");
            buf_add_literal(&s->out, te->values[j]);
        }
        buf_addch(&s->out, ')');
        end_stmt(s);
        for (int pass = 0; pass < 3; pass++) {
            for (size_t j = 0; j < f->n_tables; j++) {
                const struct m_table *ft = &f->tables[j];
                for (size_t k = 0; k < ft->n_columns; k++) {
                    const struct m_column *fc = &ft->columns[k];
                    int dims = 0;
                    unsigned m = marks(s, fc);
                    if (!(m & MK_ENUM_COL) || type_enum(f, fc->type, &dims) != fe)
                        continue;
                    if (pass == 0 && (m & MK_DEFAULT_GONE)) {
                        alter_column_stmt(s, ft, fc, " DROP DEFAULT");
                        end_stmt(s);
                    } else if (pass == 1) {
                        struct buf arr = BUF_INIT;
                        for (int d = 0; d < dims; d++)
                            buf_adds(&arr, "[]");
                        alter_column_stmt(s, ft, fc, " TYPE ");
                        buf_addf(&s->out, "%s%s USING (", nt.data, arr.data);
                        buf_add_ident(&s->out, fc->name);
                        buf_addf(&s->out, "::text%s::%s%s)", arr.data, nt.data, arr.data);
                        end_stmt(s);
                        buf_release(&arr);
                    } else if (pass == 2 && (m & MK_DEFAULT_SET)) {
                        const struct m_column *tc = diff_find_column(to_table(s, ft), fc->name);
                        alter_column_stmt(s, ft, fc, " SET DEFAULT ");
                        buf_adds(&s->out, tc->default_expr);
                        end_stmt(s);
                    }
                }
            }
            if (pass == 1) {
                buf_adds(&s->out, "ALTER TYPE ");
                qname(s, &s->out, fe->schema, fe->name);
                buf_adds(&s->out, " RENAME TO ");
                buf_add_ident(&s->out, old_name);
                end_stmt(s);
                buf_addf(&s->out, "ALTER TYPE %s RENAME TO ", nt.data);
                buf_add_ident(&s->out, te->name);
                end_stmt(s);
                if (!(marks(s, fe) & MK_LEFTOVER)) {
                    buf_adds(&s->out, "DROP TYPE ");
                    qname(s, &s->out, fe->schema, old_name);
                    end_stmt(s);
                }
            }
        }
        if (te->comment)
            comment_on(s, "TYPE", te->schema, te->name, NULL, te->comment);
        buf_release(&nt);
        free(new_name);
        free(old_name);
    }
}

static void phase_functions(struct sctx *s, int early)
{
    const struct schema_model *t = s->to;
    size_t *sel = xcalloc(t->n_functions ? t->n_functions : 1, sizeof(*sel));
    const char **names = xcalloc(t->n_functions ? t->n_functions : 1, sizeof(*names));
    const char **defs = xcalloc(t->n_functions ? t->n_functions : 1, sizeof(*defs));
    size_t n = 0;
    for (size_t i = 0; i < t->n_functions; i++) {
        unsigned m = marks(s, &t->functions[i]);
        if ((m & (MK_CREATE | MK_REPLACE)) && !(m & MK_EARLY) == !early) {
            sel[n] = i;
            names[n] = t->functions[i].name;
            defs[n] = t->functions[i].definition;
            n++;
        }
    }
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    order_by_mentions(n, names, defs, order);
    for (size_t k = 0; k < n; k++)
        diff_create_function(s, &t->functions[sel[order[k]]]);
    free(order);
    free(sel);
    free(names);
    free(defs);
}

/* Partitions below their parents: depth in the partition tree. */
static int partition_depth(const struct schema_model *m, const struct m_table *t)
{
    int depth = 0;
    while (t && t->partition_of && depth < 64) {
        char *ps = NULL, *pn = NULL;
        const struct m_table *p = NULL;
        if (!parse_qname(t->partition_of, &ps, &pn))
            p = find_table(m, ps, pn);
        free(ps);
        free(pn);
        t = p;
        depth++;
    }
    return depth;
}

static void phase_drop_tables(struct sctx *s)
{
    const struct schema_model *f = s->from;
    int max = 0;
    for (size_t i = 0; i < f->n_tables; i++)
        if (marks(s, &f->tables[i]) & MK_DROP) {
            int dp = partition_depth(f, &f->tables[i]);
            max = dp > max ? dp : max;
        }
    for (int depth = max; depth >= 0; depth--)
        for (size_t i = 0; i < f->n_tables; i++) {
            const struct m_table *ft = &f->tables[i];
            if (!(marks(s, ft) & MK_DROP) || partition_depth(f, ft) != depth)
                continue;
            diff_step(s, "DropTable");
            warn_change(s, change_of(s, ft));
            buf_adds(&s->out, "DROP TABLE ");
            qname(s, &s->out, ft->schema, ft->name);
            end_stmt(s);
        }
}

static void phase_late_drops(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_FUNCTION && c->kind == D_DROP) {
            diff_step(s, "DropFunction");
            drop_function(s, c->from);
        }
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < s->d->n; i++) {
            const struct d_change *c = &s->d->v[i];
            const struct m_type *ft = c->from;
            if (c->obj != DO_TYPE || c->kind != D_DROP || (ft->kind == 'd') != pass)
                continue;
            diff_step(s, "DropType");
            buf_addf(&s->out, "DROP %s ", ft->kind == 'd' ? "DOMAIN" : "TYPE");
            qname(s, &s->out, ft->schema, ft->name);
            end_stmt(s);
        }
    for (size_t i = 0; i < f->n_enums; i++) {
        const struct m_enum *fe = &f->enums[i];
        const struct d_change *c = change_of(s, fe);
        if (!c || (c->kind != D_DROP && !(marks(s, fe) & MK_LEFTOVER)))
            continue;
        diff_step(s, "DropEnum");
        buf_adds(&s->out, "DROP TYPE ");
        if (c->kind == D_DROP) {
            qname(s, &s->out, fe->schema, fe->name);
        } else {
            char *old = xasprintf("%s_old", fe->name);
            qname(s, &s->out, fe->schema, old);
            free(old);
        }
        end_stmt(s);
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_sequence *q = c->from;
        if (c->obj != DO_SEQUENCE || c->kind != D_DROP)
            continue;
        diff_step(s, "DropSequence");
        buf_adds(&s->out, "DROP SEQUENCE ");
        qname(s, &s->out, q->schema, q->name);
        end_stmt(s);
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_EXTENSION || c->kind != D_DROP)
            continue;
        diff_step(s, "DropExtension");
        buf_adds(&s->out, "DROP EXTENSION ");
        buf_add_ident(&s->out, c->name);
        end_stmt(s);
    }
}

static void create_table(struct sctx *s, const struct m_table *t)
{
    struct buf *b = diff_step(s, "CreateTable");
    size_t n_inline = 0;
    buf_addf(b, "CREATE %sTABLE ", t->unlogged ? "UNLOGGED " : "");
    qname(s, b, t->schema, t->name);
    if (t->partition_of) {
        char *ps = NULL, *pn = NULL;
        buf_adds(b, " PARTITION OF ");
        if (!parse_qname(t->partition_of, &ps, &pn))
            qname(s, b, ps, pn);
        else
            buf_adds(b, t->partition_of);
        free(ps);
        free(pn);
        if (t->partition_bound)
            buf_addf(b, " %s", t->partition_bound);
        if (t->partition_key)
            buf_addf(b, " PARTITION BY %s", t->partition_key);
        if (t->options)
            buf_addf(b, " WITH (%s)", t->options);
        end_stmt(s);
        for (size_t i = 0; i < t->n_constraints; i++) {
            if (t->constraints[i].type == 'f')
                continue;
            buf_adds(b, "ALTER TABLE ");
            qname(s, b, t->schema, t->name);
            buf_adds(b, " ADD ");
            add_constraint_clause(s, b, t->schema, &t->constraints[i]);
            end_stmt(s);
        }
    } else {
        buf_adds(b, " (");
        for (size_t i = 0; i < t->n_columns; i++) {
            buf_adds(b, i ? ",\n    " : "\n    ");
            column_def(s, b, t, &t->columns[i]);
        }
        /* the primary key first, after a blank line, as Prisma writes it; NOT VALID
         * ones after the table (inside CREATE TABLE, PostgreSQL ignores NOT VALID) */
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < t->n_constraints; i++) {
                const struct m_constraint *k = &t->constraints[i];
                if (k->type == 'f' || (k->type == 'p') != !pass ||
                    definition_not_valid(k->definition))
                    continue;
                buf_adds(b, n_inline++ ? ",\n    " : t->n_columns ? ",\n\n    " : "\n    ");
                add_constraint_clause(s, b, t->schema, k);
            }
        buf_adds(b, t->n_columns || n_inline ? "\n)" : ")");
        if (t->partition_key)
            buf_addf(b, " PARTITION BY %s", t->partition_key);
        if (t->options)
            buf_addf(b, " WITH (%s)", t->options);
        end_stmt(s);
        for (size_t i = 0; i < t->n_constraints; i++) {
            if (t->constraints[i].type == 'f' ||
                !definition_not_valid(t->constraints[i].definition))
                continue;
            buf_adds(b, "ALTER TABLE ");
            qname(s, b, t->schema, t->name);
            buf_adds(b, " ADD ");
            add_constraint_clause(s, b, t->schema, &t->constraints[i]);
            end_stmt(s);
        }
    }
    comments_of_new_table(s, t);
    for (size_t i = 0; i < t->n_constraints; i++)
        if (t->constraints[i].comment && t->constraints[i].type != 'f')
            comment_on_table_object(s, "CONSTRAINT", t->constraints[i].name, t->schema, t->name,
                                    t->constraints[i].comment);
}

static void phase_create_tables(struct sctx *s)
{
    const struct schema_model *t = s->to;
    int max = 0;
    for (size_t i = 0; i < t->n_tables; i++)
        if (marks(s, &t->tables[i]) & MK_CREATE) {
            int dp = partition_depth(t, &t->tables[i]);
            max = dp > max ? dp : max;
        }
    for (int depth = 0; depth <= max; depth++)
        for (size_t i = 0; i < t->n_tables; i++)
            if ((marks(s, &t->tables[i]) & MK_CREATE) && partition_depth(t, &t->tables[i]) == depth)
                create_table(s, &t->tables[i]);
}

static void create_indexes_of(struct sctx *s, const char *schema, const char *parent,
                              const struct m_index *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(marks(s, &v[i]) & MK_CREATE))
            continue;
        diff_step(s, "CreateIndex");
        warn_change(s, change_of(s, &v[i]));
        diff_index_stmt(s, &s->out, schema, parent, &v[i]);
        end_stmt(s);
        if (v[i].comment)
            comment_on_table_object(s, "INDEX", v[i].name, schema, parent, v[i].comment);
    }
}

static void phase_indexes_fks(struct sctx *s)
{
    const struct schema_model *t = s->to;
    for (size_t i = 0; i < t->n_tables; i++)
        create_indexes_of(s, t->tables[i].schema, t->tables[i].name, t->tables[i].indexes,
                          t->tables[i].n_indexes);
    for (size_t i = 0; i < t->n_views; i++)
        if (!(marks(s, &t->views[i]) & MK_CREATE))
            create_indexes_of(s, t->views[i].schema, t->views[i].name, t->views[i].indexes,
                              t->views[i].n_indexes);
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i];
        for (size_t j = 0; j < tt->n_constraints; j++) {
            const struct m_constraint *k = &tt->constraints[j];
            if (k->type != 'f' || !(marks(s, k) & MK_CREATE))
                continue;
            diff_step(s, "AddForeignKey");
            warn_change(s, change_of(s, k));
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, tt->schema, tt->name);
            buf_adds(&s->out, " ADD ");
            add_constraint_clause(s, &s->out, tt->schema, k);
            end_stmt(s);
            if (k->comment)
                comment_on_table_object(s, "CONSTRAINT", k->name, tt->schema, tt->name, k->comment);
        }
    }
}

static void phase_views(struct sctx *s)
{
    const struct schema_model *t = s->to;
    size_t *sel = xcalloc(t->n_views ? t->n_views : 1, sizeof(*sel));
    size_t n = 0;
    for (size_t i = 0; i < t->n_views; i++)
        if (marks(s, &t->views[i]) & (MK_CREATE | MK_REPLACE))
            sel[n++] = i;
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    view_order(t->views, sel, n, order);
    for (size_t k = 0; k < n; k++) {
        const struct m_view *tv = &t->views[sel[order[k]]];
        int create = (marks(s, tv) & MK_CREATE) != 0;
        diff_step(s, "CreateView");
        buf_addf(&s->out, "CREATE %s%sVIEW ", create ? "" : "OR REPLACE ",
                 tv->materialized ? "MATERIALIZED " : "");
        qname(s, &s->out, tv->schema, tv->name);
        if (tv->options)
            buf_addf(&s->out, " WITH (%s)", tv->options);
        buf_adds(&s->out, " AS\n");
        add_trimmed(&s->out, tv->definition);
        end_stmt(s);
        if (create) {
            if (tv->comment)
                comment_on_table_object(s, tv->materialized ? "MATERIALIZED VIEW" : "VIEW",
                                        tv->name, tv->schema, tv->name, tv->comment);
            create_indexes_of(s, tv->schema, tv->name, tv->indexes, tv->n_indexes);
        }
    }
    free(order);
    free(sel);
}

static void create_triggers_of(struct sctx *s, const char *schema, const char *parent,
                               const struct m_trigger *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned m = marks(s, &v[i]);
        if (m & MK_CREATE) {
            diff_step(s, "CreateTrigger");
            add_trimmed(&s->out, v[i].definition);
            end_stmt(s);
            if (v[i].comment)
                comment_on_table_object(s, "TRIGGER", v[i].name, schema, parent, v[i].comment);
        } else if (m & MK_TOGGLE) {
            diff_step(s, v[i].enabled ? "EnableTrigger" : "DisableTrigger");
        } else {
            continue;
        }
        if ((m & MK_TOGGLE) || !v[i].enabled) {
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, schema, parent);
            buf_addf(&s->out, " %s TRIGGER ", v[i].enabled ? "ENABLE" : "DISABLE");
            buf_add_ident(&s->out, v[i].name);
            end_stmt(s);
        }
    }
}

static void phase_triggers(struct sctx *s)
{
    const struct schema_model *t = s->to;
    for (size_t i = 0; i < t->n_tables; i++)
        create_triggers_of(s, t->tables[i].schema, t->tables[i].name, t->tables[i].triggers,
                           t->tables[i].n_triggers);
    for (size_t i = 0; i < t->n_views; i++)
        create_triggers_of(s, t->views[i].schema, t->views[i].name, t->views[i].triggers,
                           t->views[i].n_triggers);
}

/* COMMENT statements for comments that change on objects both sides have. */
static void queue_changed_comments(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const char *text = NULL;
        if (c->obj != DO_COMMENT)
            continue;
        switch (c->target) {
        case DO_SCHEMA:
            text = ((const struct m_schema *)c->to)->comment;
            comment_on(s, "SCHEMA", NULL, c->name, NULL, text);
            break;
        case DO_TABLE:
            comment_on_table_object(s, "TABLE", c->name, c->schema, c->name,
                                    ((const struct m_table *)c->to)->comment);
            break;
        case DO_COLUMN:
            comment_on_table_object(s, "COLUMN", c->name, c->schema, c->parent,
                                    ((const struct m_column *)c->to)->comment);
            break;
        case DO_CONSTRAINT:
            comment_on_table_object(s, "CONSTRAINT", c->name, c->schema, c->parent,
                                    ((const struct m_constraint *)c->to)->comment);
            break;
        case DO_INDEX:
            comment_on_table_object(s, "INDEX", c->name, c->schema, c->parent,
                                    ((const struct m_index *)c->to)->comment);
            break;
        case DO_TRIGGER:
            comment_on_table_object(s, "TRIGGER", c->name, c->schema, c->parent,
                                    ((const struct m_trigger *)c->to)->comment);
            break;
        case DO_ENUM:
            comment_on(s, "TYPE", c->schema, c->name, NULL,
                       ((const struct m_enum *)c->to)->comment);
            break;
        case DO_TYPE: {
            const struct m_type *tt = c->to;
            comment_on(s, tt->kind == 'd' ? "DOMAIN" : "TYPE", c->schema, tt->name, NULL,
                       tt->comment);
            break;
        }
        case DO_SEQUENCE:
            comment_on(s, "SEQUENCE", c->schema, c->name, NULL,
                       ((const struct m_sequence *)c->to)->comment);
            break;
        case DO_VIEW: {
            const struct m_view *tv = c->to;
            comment_on_table_object(s, tv->materialized ? "MATERIALIZED VIEW" : "VIEW", tv->name,
                                    tv->schema, tv->name, tv->comment);
            break;
        }
        case DO_FUNCTION: {
            const struct m_function *tf = c->to;
            comment_on(s, function_keyword(tf->kind), tf->schema, tf->name, tf->args, tf->comment);
            break;
        }
        default:
            break;
        }
    }
}

/* Comments of new schemas and of sequences PostgreSQL made for SERIAL columns. */
static void queue_other_new_comments(struct sctx *s)
{
    const struct schema_model *t = s->to;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_SCHEMA && c->kind == D_ADD && ((const struct m_schema *)c->to)->comment)
            comment_on(s, "SCHEMA", NULL, c->name, NULL, ((const struct m_schema *)c->to)->comment);
    }
    for (size_t i = 0; i < t->n_sequences; i++) {
        const struct m_sequence *q = &t->sequences[i];
        if (q->comment && !find_sequence(s->from, q->schema, q->name))
            comment_on(s, "SEQUENCE", q->schema, q->name, NULL, q->comment);
    }
}

static void phase_comments(struct sctx *s)
{
    for (size_t i = 0; i < s->comments.n; i++) {
        if (!i || strcmp(s->comment_keys.v[i], s->comment_keys.v[i - 1]))
            diff_step(s, "Comment");
        buf_adds(&s->out, s->comments.v[i]);
        end_stmt(s);
    }
}

static void phase_drop_schemas(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_SCHEMA || c->kind != D_DROP)
            continue;
        diff_step(s, "DropSchema");
        buf_adds(&s->out, "DROP SCHEMA ");
        buf_add_ident(&s->out, c->name);
        end_stmt(s);
    }
}

/*
 * A value added by ALTER TYPE ... ADD VALUE cannot be used before the
 * transaction that added it commits (55P04 "unsafe use of new value"); pgmig
 * deploy runs each migration in one transaction. Warn when the script uses one.
 */
static void check_new_values_used(struct sctx *s, size_t from_offset)
{
    const struct schema_model *f = s->from, *t = s->to;
    const char *rest = s->out.data + from_offset;
    for (size_t i = 0; i < t->n_enums; i++) {
        const struct m_enum *te = &t->enums[i], *fe = find_enum(f, te->schema, te->name);
        if (!fe || (marks(s, fe) & MK_GONE))
            continue;
        for (size_t j = 0; j < te->n_values; j++) {
            if (enum_has(fe, te->values[j]))
                continue;
            char *lit = quote_literal(te->values[j]), *q = quote_ident(te->name);
            char *a = xasprintf("%s::%s", lit, q), *b = xasprintf("%s::%s", lit, te->name);
            if (strstr(rest, a) || strstr(rest, b))
                buf_addf(&s->warn,
                         "  - The value `%s` added to the enum `%s` is used in this migration. "
                         "PostgreSQL refuses to use a new enum value in the transaction that "
                         "adds it: add the value in a migration of its own.\n",
                         te->values[j], te->name);
            free(lit);
            free(q);
            free(a);
            free(b);
        }
    }
}

static const char *single_schema(const struct schema_model *a, const struct schema_model *b)
{
    const struct schema_model *m[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        if (m[k]->n_schemas)
            return m[k]->schemas[0].name;
        if (m[k]->n_tables)
            return m[k]->tables[0].schema;
        if (m[k]->n_enums)
            return m[k]->enums[0].schema;
        if (m[k]->n_types)
            return m[k]->types[0].schema;
        if (m[k]->n_sequences)
            return m[k]->sequences[0].schema;
        if (m[k]->n_views)
            return m[k]->views[0].schema;
        if (m[k]->n_functions)
            return m[k]->functions[0].schema;
    }
    return NULL;
}

char *diff_script(const struct schema_diff *d, const struct schema_model *from,
                  const struct schema_model *to)
{
    struct sctx s;
    memset(&s, 0, sizeof(s));
    s.d = d;
    s.from = from;
    s.to = to;
    s.qualify = d->qualify;
    s.single = d->qualify ? NULL : single_schema(from, to);
    buf_init(&s.out);
    buf_init(&s.warn);

    plan_objects(&s);
    plan_enums(&s);
    plan_functions(&s);
    plan_views(&s);
    plan_triggers(&s);
    plan_keys(&s);

    phase_enum_add_values(&s);
    size_t after_add_values = s.out.len;
    phase_schemas_extensions(&s);
    phase_drops_of_dependents(&s);
    drop_constraints_early(&s);
    drop_identities_early(&s);
    phase_sequences(&s);
    detach_sequences_early(&s);
    phase_create_enums_types(&s);
    phase_enum_rebuilds(&s);
    phase_functions(&s, 1);
    for (size_t i = 0; i < from->n_tables; i++) {
        const struct m_table *ft = &from->tables[i], *tt = to_table(&s, ft);
        if (tt)
            diff_alter_table(&s, ft, tt);
    }
    phase_drop_tables(&s);
    phase_late_drops(&s);
    phase_create_tables(&s);
    phase_sequence_owners(&s);
    sequences_past_existing_values(&s);
    phase_functions(&s, 0);
    phase_indexes_fks(&s);
    phase_views(&s);
    phase_triggers(&s);
    queue_changed_comments(&s);
    queue_other_new_comments(&s);
    phase_comments(&s);
    phase_drop_schemas(&s);
    check_new_values_used(&s, after_add_values);

    struct buf r = BUF_INIT;
    if (!s.out.len) {
        buf_adds(&r, "-- This is an empty migration.\n");
    } else {
        if (s.warn.len)
            buf_addf(&r, "/*\n  Warnings:\n\n%s\n*/\n", s.warn.data);
        buf_add(&r, s.out.data, s.out.len);
    }
    buf_release(&s.out);
    buf_release(&s.warn);
    pmap_release(&s.chg);
    pmap_release(&s.marks);
    strv_release(&s.comments);
    strv_release(&s.comment_keys);
    return buf_detach(&r, NULL);
}
