/*
 * diff_summary.c - diff_summary: a readable summary of the changes, grouped
 * under the table, view or enum they belong to.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* ========================================================== diff_summary */

struct group {
    enum d_obj kind; /* DO_TABLE, DO_VIEW or DO_ENUM */
    const char *schema, *name;
    size_t *items;
    size_t n, cap;
};

/* The table, view or enum a change is shown under, if any. */
static int group_of(const struct d_change *c, enum d_obj *kind, const char **schema,
                    const char **name)
{
    *schema = c->schema;
    switch (c->obj) {
    case DO_TABLE:
    case DO_VIEW:
    case DO_ENUM:
        *kind = c->obj;
        *name = c->name;
        return 1;
    case DO_ENUM_VALUE:
    case DO_COLUMN:
    case DO_CONSTRAINT:
    case DO_INDEX:
    case DO_TRIGGER:
        *kind = c->obj == DO_ENUM_VALUE ? DO_ENUM : c->parent_kind;
        *name = c->parent;
        return *name != NULL;
    case DO_COMMENT:
        if (c->parent) {
            *kind = c->parent_kind;
            *name = c->parent;
            return 1;
        }
        if (c->target == DO_TABLE || c->target == DO_VIEW || c->target == DO_ENUM) {
            *kind = c->target;
            *name = c->name;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

static int group_rank(enum d_obj k)
{
    return k == DO_TABLE ? 0 : k == DO_VIEW ? 1 : 2;
}

static int cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    int r;
    if (group_rank(x->kind) != group_rank(y->kind))
        return group_rank(x->kind) - group_rank(y->kind);
    if ((r = str_cmp0(x->schema, y->schema)))
        return r;
    return str_cmp0(x->name, y->name);
}

char *diff_summary(const struct schema_diff *d)
{
    struct buf b = BUF_INIT;
    struct group *g = NULL;
    size_t ng = 0, capg = 0;
    if (!d->n)
        return xstrdup("No difference.\n");
    for (size_t i = 0; i < d->n; i++) {
        enum d_obj kind;
        const char *schema, *name;
        if (!group_of(&d->v[i], &kind, &schema, &name))
            continue;
        size_t j = 0;
        while (j < ng &&
               !(g[j].kind == kind && str_eq(g[j].schema, schema) && str_eq(g[j].name, name)))
            j++;
        if (j == ng) {
            ALLOC_GROW(g, ng + 1, capg);
            memset(&g[ng], 0, sizeof(g[ng]));
            g[ng].kind = kind;
            g[ng].schema = schema;
            g[ng].name = name;
            ng++;
        }
        ALLOC_GROW(g[j].items, g[j].n + 1, g[j].cap);
        g[j].items[g[j].n++] = i;
    }
    if (ng > 1)
        qsort(g, ng, sizeof(*g), cmp_group);
    for (size_t j = 0; j < ng; j++) {
        size_t subs = 0;
        /* the object's own addition or removal: a line of its own */
        for (size_t k = 0; k < g[j].n; k++) {
            const struct d_change *c = &d->v[g[j].items[k]];
            if (c->obj == g[j].kind && c->kind != D_CHANGE)
                buf_addf(&b, "%s\n", c->summary);
            else
                subs++;
        }
        if (!subs)
            continue;
        char *name = disp(d, g[j].schema, g[j].name);
        if (g[j].kind == DO_TABLE)
            buf_addf(&b, "Changed the `%s` table:\n", name);
        else
            buf_addf(&b, "Changed the %s `%s`:\n", g[j].kind == DO_VIEW ? "view" : "enum", name);
        free(name);
        for (size_t k = 0; k < g[j].n; k++) {
            const struct d_change *c = &d->v[g[j].items[k]];
            if (!(c->obj == g[j].kind && c->kind != D_CHANGE))
                buf_addf(&b, "  - %s\n", c->summary);
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        enum d_obj kind;
        const char *schema, *name;
        if (!group_of(&d->v[i], &kind, &schema, &name))
            buf_addf(&b, "%s\n", d->v[i].summary);
    }
    for (size_t j = 0; j < ng; j++)
        free(g[j].items);
    free(g);
    return buf_detach(&b, NULL);
}
