/*
 * tree.c - parse-tree access and name formatting for struct sql_script.
 */
#include "sql/tree.h"
#include "util/buf.h"

#include <string.h>

const PgQuery__Node *sql_script_node(const struct sql_script *s, size_t i)
{
    const PgQuery__ParseResult *tree = s->tree_;
    if (!tree || i >= tree->n_stmts || !tree->stmts[i])
        return NULL;
    return tree->stmts[i]->stmt;
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

char *sql_range_var_name(const PgQuery__RangeVar *rv)
{
    struct buf b = BUF_INIT;
    if (!rv)
        return NULL;
    if (rv->catalogname && rv->catalogname[0]) {
        add_quoted(&b, rv->catalogname);
        buf_addch(&b, '.');
    }
    if (rv->schemaname && rv->schemaname[0]) {
        add_quoted(&b, rv->schemaname);
        buf_addch(&b, '.');
    }
    add_quoted(&b, rv->relname ? rv->relname : "");
    return buf_detach(&b, NULL);
}

const char *sql_node_str(const PgQuery__Node *n)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_STRING || !n->string)
        return NULL;
    return n->string->sval;
}

char *sql_name_list(PgQuery__Node *const *items, size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *s = sql_node_str(items[i]);
        if (!s)
            continue;
        if (b.len)
            buf_addch(&b, '.');
        add_quoted(&b, s);
    }
    return buf_detach(&b, NULL);
}
