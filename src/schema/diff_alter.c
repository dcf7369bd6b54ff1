/*
 * diff_alter.c - the AlterTable step of a table that stays: constraints and
 * columns dropped, columns added, the ALTER COLUMN clauses of changed columns
 * (type with USING, NOT NULL, default, identity), constraints added (foreign
 * keys come in a later phase), logged state and storage options.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

/* "INCREMENT BY 2 START WITH 100" -> {"INCREMENT BY 2", "START WITH 100"} */
static void seq_option_list(const char *opts, struct strv *out)
{
    const char *p = opts;
    if (!p)
        return;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t words = !strncmp(p, "INCREMENT", 9) || !strncmp(p, "START", 5) ||
                               !strncmp(p, "NO ", 3) || !strncmp(p, "AS ", 3)
                           ? 3
                       : !strncmp(p, "CYCLE", 5) ? 1
                                                 : 2;
        if (!strncmp(p, "NO ", 3) || !strncmp(p, "AS ", 3))
            words = 2;
        const char *e = p;
        for (size_t w = 0; w < words && *e; w++) {
            while (*e && *e != ' ')
                e++;
            if (w + 1 < words)
                while (*e == ' ')
                    e++;
        }
        strv_push(out, xstrndup(p, (size_t)(e - p)));
        p = e;
    }
}

static size_t option_key_len(const char *o)
{
    const char *sp = strchr(o, ' ');
    if (!strncmp(o, "NO ", 3))
        return option_key_len(o + 3) + 3;
    return sp ? (size_t)(sp - o) : strlen(o);
}

static int option_key_eq(const char *a, const char *b)
{
    const char *ka = strncmp(a, "NO ", 3) ? a : a + 3, *kb = strncmp(b, "NO ", 3) ? b : b + 3;
    size_t na = option_key_len(ka), nb = option_key_len(kb);
    return na == nb && !strncmp(ka, kb, na);
}

/* ALTER COLUMN ... SET <option> for an identity column whose sequence options change. */
static void identity_option_clauses(struct buf *b, const char *from, const char *to)
{
    struct strv fo = {0}, tl = {0};
    seq_option_list(from, &fo);
    seq_option_list(to, &tl);
    for (size_t i = 0; i < tl.n; i++)
        if (!strv_has(&fo, tl.v[i]))
            buf_addf(b, " SET %s", tl.v[i]);
    for (size_t i = 0; i < fo.n; i++) {
        int kept = 0;
        for (size_t j = 0; j < tl.n; j++)
            kept |= option_key_eq(fo.v[i], tl.v[j]);
        if (kept)
            continue;
        const char *o = fo.v[i];
        buf_addf(b, " SET %s",
                 !strncmp(o, "INCREMENT", 9)  ? "INCREMENT BY 1"
                 : !strncmp(o, "START", 5)    ? "START WITH 1"
                 : !strncmp(o, "MINVALUE", 8) ? "NO MINVALUE"
                 : !strncmp(o, "MAXVALUE", 8) ? "NO MAXVALUE"
                 : !strncmp(o, "CACHE", 5)    ? "CACHE 1"
                                              : "NO CYCLE");
    }
    strv_release(&fo);
    strv_release(&tl);
}

/* USING for a type change that needs one. */
static void using_expr(struct sctx *s, struct buf *b, const struct m_column *fc,
                       const struct m_column *tc)
{
    int fd = 0, td = 0;
    int text = type_enum(s->from, fc->type, &fd) || type_enum(s->to, tc->type, &td);
    enum cast k = classify_cast(fc->type, tc->type, type_enum(s->to, tc->type, NULL) != NULL);
    char *col = quote_ident(fc->name);
    if (k == CAST_TO_ARRAY)
        buf_addf(b, " USING (CASE WHEN %s IS NULL THEN NULL ELSE ARRAY[%s%s] END)::%s", col, col,
                 text ? "::text" : "", tc->type);
    else if (k == CAST_FROM_ARRAY)
        buf_addf(b, " USING (%s[1]%s::%s)", col, text ? "::text" : "", tc->type);
    else if (text) {
        buf_addf(b, " USING (%s::text", col);
        for (int i = 0; i < fd; i++)
            buf_adds(b, "[]");
        buf_addf(b, "::%s)", tc->type);
    } else
        buf_addf(b, " USING (%s::%s)", col, tc->type);
    free(col);
}

/*
 * The ALTER COLUMN clauses of a changed column. DROP EXPRESSION goes to `pre`, a
 * statement of its own before the others: in the same ALTER TABLE, PostgreSQL
 * still sees a generated column when it checks a USING clause, and refuses to drop
 * a column the expression uses.
 */
static void alter_column_clauses(struct sctx *s, struct strv *pre, struct strv *cl,
                                 const struct m_column *fc, const struct m_column *tc,
                                 const struct d_change *c)
{
    unsigned m = marks(s, fc);
    const char *def = m & MK_DEFAULT_SET                        ? tc->default_expr
                      : m & (MK_DEFAULT_GONE | MK_FUNC_DEFAULT) ? NULL
                                                                : fc->default_expr;
    struct buf b = BUF_INIT;
    char *col = quote_ident(tc->name);
    if (fc->generated && !tc->generated)
        strv_push(pre, xasprintf("ALTER COLUMN %s DROP EXPRESSION", col));
    if (c->flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST)) {
        if ((c->flags & DF_TYPE_CAST) && def) {
            /* the old default may not cast: drop it first (the DROP runs before the type
             * change whatever the clause order), set the new one after */
            strv_push(cl, xasprintf("ALTER COLUMN %s DROP DEFAULT", col));
            def = NULL;
        }
        buf_addf(&b, "ALTER COLUMN %s SET DATA TYPE %s", col, tc->type);
        if (tc->collation) {
            buf_adds(&b, " COLLATE ");
            add_collation(s, &b, tc->collation);
        }
        if ((c->flags & DF_TYPE_CAST) && !str_eq(fc->type, tc->type))
            using_expr(s, &b, fc, tc);
        strv_push(cl, buf_detach(&b, NULL));
    }
    if (fc->not_null != tc->not_null)
        strv_push(cl, xasprintf("ALTER COLUMN %s %s NOT NULL", col, tc->not_null ? "SET" : "DROP"));
    if (!str_eq(def, tc->default_expr)) {
        if (tc->default_expr)
            strv_push(cl, xasprintf("ALTER COLUMN %s SET DEFAULT %s", col, tc->default_expr));
        else
            strv_push(cl, xasprintf("ALTER COLUMN %s DROP DEFAULT", col));
    }
    const char *gen = tc->identity == 'a' ? "ALWAYS" : "BY DEFAULT";
    if (!fc->identity && tc->identity) {
        buf_addf(&b, "ALTER COLUMN %s ADD GENERATED %s AS IDENTITY", col, gen);
        if (tc->identity_options)
            buf_addf(&b, " (%s)", tc->identity_options);
        strv_push(cl, buf_detach(&b, NULL));
    } else if (fc->identity && !tc->identity) {
        /* dropped by drop_identities_early() */
    } else if (tc->identity) {
        if (fc->identity != tc->identity)
            buf_addf(&b, " SET GENERATED %s", gen);
        if (!str_eq(fc->identity_options, tc->identity_options))
            identity_option_clauses(&b, fc->identity_options, tc->identity_options);
        if (b.len)
            strv_push(cl, xasprintf("ALTER COLUMN %s%s", col, b.data));
    }
    buf_release(&b);
    free(col);
}

/* storage options "a=1, b=2": SET the new, RESET the keys that go */
static void option_clauses(struct strv *cl, const char *from, const char *to)
{
    struct strv fo = {0}, tl = {0};
    struct buf set = BUF_INIT, reset = BUF_INIT;
    for (const char *p = from; p && *p;) {
        const char *e = strstr(p, ", ");
        strv_push(&fo, e ? xstrndup(p, (size_t)(e - p)) : xstrdup(p));
        p = e ? e + 2 : p + strlen(p);
    }
    for (const char *p = to; p && *p;) {
        const char *e = strstr(p, ", ");
        strv_push(&tl, e ? xstrndup(p, (size_t)(e - p)) : xstrdup(p));
        p = e ? e + 2 : p + strlen(p);
    }
    for (size_t i = 0; i < tl.n; i++)
        if (!strv_has(&fo, tl.v[i]))
            buf_addf(&set, "%s%s", set.len ? ", " : "", tl.v[i]);
    for (size_t i = 0; i < fo.n; i++) {
        const char *eq = strchr(fo.v[i], '=');
        size_t kl = eq ? (size_t)(eq - fo.v[i]) : strlen(fo.v[i]);
        int kept = 0;
        for (size_t j = 0; j < tl.n; j++)
            kept |= !strncmp(tl.v[j], fo.v[i], kl) && (tl.v[j][kl] == '=' || !tl.v[j][kl]);
        if (!kept)
            buf_addf(&reset, "%s%.*s", reset.len ? ", " : "", (int)kl, fo.v[i]);
    }
    if (set.len)
        strv_push(cl, xasprintf("SET (%s)", set.data));
    if (reset.len)
        strv_push(cl, xasprintf("RESET (%s)", reset.data));
    buf_release(&set);
    buf_release(&reset);
    strv_release(&fo);
    strv_release(&tl);
}

void diff_alter_table(struct sctx *s, const struct m_table *ft, const struct m_table *tt)
{
    struct strv pre = {0}, cl = {0};
    struct buf b = BUF_INIT;
    const struct d_change *c;
    for (size_t i = 0; i < ft->n_constraints; i++)
        if (ft->constraints[i].type != 'f' &&
            (marks(s, &ft->constraints[i]) & (MK_DROP | MK_EARLY_DROP)) == MK_DROP) {
            buf_adds(&b, "DROP CONSTRAINT ");
            buf_add_ident(&b, ft->constraints[i].name);
            strv_push(&cl, buf_detach(&b, NULL));
        }
    /* generated columns first: PostgreSQL drops columns in the order given, and refuses
     * one a generated column still uses */
    for (int gen = 1; gen >= 0; gen--)
        for (size_t i = 0; i < ft->n_columns; i++)
            if (!ft->columns[i].generated == !gen && (c = change_of(s, &ft->columns[i])) &&
                c->kind == D_DROP) {
                buf_adds(&b, "DROP COLUMN ");
                buf_add_ident(&b, ft->columns[i].name);
                strv_push(&cl, buf_detach(&b, NULL));
                warn_change(s, c);
            }
    for (size_t i = 0; i < tt->n_columns; i++)
        if ((c = change_of(s, &tt->columns[i])) && c->kind == D_ADD) {
            buf_adds(&b, "ADD COLUMN     ");
            column_def(s, &b, tt, &tt->columns[i]);
            strv_push(&cl, buf_detach(&b, NULL));
            warn_change(s, c);
            if (tt->columns[i].comment)
                comment_on_table_object(s, "COLUMN", tt->columns[i].name, tt->schema, tt->name,
                                        tt->columns[i].comment);
        }
    for (size_t i = 0; i < tt->n_columns; i++) {
        const struct m_column *tc = &tt->columns[i], *fc;
        if ((c = change_of(s, tc)) && c->kind == D_CHANGE && !(c->flags & DF_RECREATE)) {
            alter_column_clauses(s, &pre, &cl, c->from, tc, c);
            warn_change(s, c);
        } else if (!c && tc->default_expr && (fc = diff_find_column(ft, tc->name)) &&
                   (marks(s, fc) & MK_FUNC_DEFAULT)) {
            /* unchanged, but its default was dropped early (see MK_FUNC_DEFAULT) */
            char *col = quote_ident(fc->name);
            strv_push(&cl, xasprintf("ALTER COLUMN %s SET DEFAULT %s", col, tc->default_expr));
            free(col);
        }
    }
    for (size_t i = 0; i < tt->n_columns; i++)
        if ((c = change_of(s, &tt->columns[i])) && c->kind == D_CHANGE &&
            (c->flags & DF_RECREATE)) {
            buf_adds(&b, "DROP COLUMN ");
            buf_add_ident(&b, tt->columns[i].name);
            strv_push(&cl, buf_detach(&b, NULL));
            buf_adds(&b, "ADD COLUMN     ");
            column_def(s, &b, tt, &tt->columns[i]);
            strv_push(&cl, buf_detach(&b, NULL));
            warn_change(s, c);
            if (tt->columns[i].comment)
                comment_on_table_object(s, "COLUMN", tt->columns[i].name, tt->schema, tt->name,
                                        tt->columns[i].comment);
        }
    for (size_t i = 0; i < tt->n_constraints; i++) {
        const struct m_constraint *k = &tt->constraints[i];
        if (k->type == 'f' || !(marks(s, k) & MK_CREATE))
            continue;
        buf_adds(&b, "ADD ");
        add_constraint_clause(s, &b, tt->schema, k);
        strv_push(&cl, buf_detach(&b, NULL));
        warn_change(s, change_of(s, k));
        if (k->comment)
            comment_on_table_object(s, "CONSTRAINT", k->name, tt->schema, tt->name, k->comment);
    }
    if ((c = change_of(s, tt)) && c->kind == D_CHANGE) {
        if (ft->unlogged != tt->unlogged)
            strv_push(&cl, xstrdup(tt->unlogged ? "SET UNLOGGED" : "SET LOGGED"));
        if (!str_eq(ft->options, tt->options))
            option_clauses(&cl, ft->options, tt->options);
    }
    if (pre.n || cl.n)
        diff_step(s, "AlterTable");
    for (struct strv *v = &pre; v; v = v == &pre ? &cl : NULL) {
        if (!v->n)
            continue;
        buf_adds(&s->out, "ALTER TABLE ");
        qname(s, &s->out, ft->schema, ft->name);
        buf_addch(&s->out, ' ');
        join_strs(&s->out, v->v, v->n, ",\n");
        end_stmt(s);
    }
    strv_release(&pre);
    strv_release(&cl);
    buf_release(&b);
}
