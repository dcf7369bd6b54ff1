/*
 * tree.c - parse-tree access and name formatting for struct sql_script.
 */
#include "sql/tree.h"
#include "util/buf.h"

#include <stdint.h>
#include <string.h>

static int walk(const ProtobufCMessage *m, int depth, sql_visit_fn fn, void *ud)
{
    if (!m)
        return 0;
    if (depth > SQL_MAX_TREE_DEPTH + 8)
        return SQL_WALK_CUT;
    int r = fn(m, ud), cut = 0;
    if (r == SQL_WALK_STOP)
        return SQL_WALK_STOP;
    if (r == SQL_WALK_SKIP)
        return 0;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *base = (const char *)m;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t which;
            memcpy(&which, base + f->quantifier_offset, sizeof(which));
            if (which != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n;
            ProtobufCMessage **v;
            memcpy(&n, base + f->quantifier_offset, sizeof(n));
            memcpy(&v, base + f->offset, sizeof(v)); /* NOLINT(bugprone-sizeof-expression) */
            for (size_t k = 0; k < n && v; k++) {
                r = walk(v[k], depth + 1, fn, ud);
                if (r == SQL_WALK_STOP)
                    return SQL_WALK_STOP;
                cut |= r == SQL_WALK_CUT;
            }
        } else {
            ProtobufCMessage *sub;
            memcpy(&sub, base + f->offset, sizeof(sub)); /* NOLINT(bugprone-sizeof-expression) */
            r = walk(sub, depth + 1, fn, ud);
            if (r == SQL_WALK_STOP)
                return SQL_WALK_STOP;
            cut |= r == SQL_WALK_CUT;
        }
    }
    return cut ? SQL_WALK_CUT : 0;
}

int sql_tree_walk(const ProtobufCMessage *m, sql_visit_fn fn, void *ud)
{
    return walk(m, 0, fn, ud);
}

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
