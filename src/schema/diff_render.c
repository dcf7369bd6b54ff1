/*
 * diff_render.c - the script's output (steps, statements, warning lines) and
 * the SQL text of single objects: names, column definitions, constraints,
 * foreign keys and indexes as Prisma writes them, COMMENT ON statements
 * (queued for the last phase), functions; and the dependency order of
 * definitions by what they mention.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"
#include "util/quote.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- output */

/* Schema-qualified when qualifying, or when the object is outside the models' one schema. */
void qname(struct sctx *s, struct buf *b, const char *schema, const char *name)
{
    if (schema && (s->qualify || !str_eq(schema, s->single))) {
        buf_add_ident(b, schema);
        buf_addch(b, '.');
    }
    buf_add_ident(b, name);
}

struct buf *diff_step(struct sctx *s, const char *label)
{
    if (s->out.len)
        buf_addch(&s->out, '\n');
    buf_addf(&s->out, "-- %s\n", label);
    return &s->out;
}

void end_stmt(struct sctx *s)
{
    buf_adds(&s->out, ";\n");
}

void warn_change(struct sctx *s, const struct d_change *c)
{
    if (!c || !c->warning)
        return;
    for (const char *p = c->warning; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_addf(&s->warn, "  - %.*s\n", (int)n, p);
        p += n + (nl != NULL);
    }
}

/* ------------------------------------------------------------ rendering */

/* Text without trailing blanks and semicolons (view and function definitions). */
void add_trimmed(struct buf *b, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    while (n && (isspace((unsigned char)text[n - 1]) || text[n - 1] == ';'))
        n--;
    buf_add(b, text, n);
}

static int is_schema_name(struct sctx *s, const char *name, size_t n)
{
    char *x = xstrndup(name, n);
    int r = !strcmp(x, "pg_catalog") || find_schema(s->from, x) || find_schema(s->to, x);
    free(x);
    return r;
}

/* The model names a collation bare ("C", "en_US.utf8") or, when not on the search path,
 * qualified and quoted as needed (other."my coll"). */
void add_collation(struct sctx *s, struct buf *b, const char *coll)
{
    const char *dot = strchr(coll, '.');
    if (strchr(coll, '"') || (dot && is_schema_name(s, coll, (size_t)(dot - coll))))
        buf_adds(b, coll);
    else
        buf_add_ident(b, coll);
}

/* The SERIAL type a new column can be written as (PostgreSQL then creates its sequence). */
static const char *serial_type(struct sctx *s, const struct m_table *t, const struct m_column *c)
{
    const struct m_sequence *seq = serial_sequence(s->to, t, c);
    const struct m_table *ot;
    const struct m_column *oc;
    if (!seq)
        return NULL;
    const struct m_sequence *old = find_sequence(s->from, seq->schema, seq->name);
    if (old && !(sequence_owner(s->from, old, &ot, &oc) == 0 && (marks(s, ot) & MK_DROP)))
        return NULL;
    return !strcmp(c->type, "bigint")     ? "BIGSERIAL"
           : !strcmp(c->type, "smallint") ? "SMALLSERIAL"
                                          : "SERIAL";
}

void column_def(struct sctx *s, struct buf *b, const struct m_table *t, const struct m_column *c)
{
    const char *serial = serial_type(s, t, c);
    buf_add_ident(b, c->name);
    buf_addch(b, ' ');
    if (serial) {
        buf_addf(b, "%s NOT NULL", serial);
        return;
    }
    buf_adds(b, c->type);
    if (c->collation) {
        buf_adds(b, " COLLATE ");
        add_collation(s, b, c->collation);
    }
    if (c->generated)
        buf_addf(b, " GENERATED ALWAYS AS (%s) STORED", c->generated);
    if (c->not_null)
        buf_adds(b, " NOT NULL");
    if (c->default_expr)
        buf_addf(b, " DEFAULT %s", c->default_expr);
    if (c->identity) {
        buf_addf(b, " GENERATED %s AS IDENTITY", c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
        if (c->identity_options)
            buf_addf(b, " (%s)", c->identity_options);
    }
}

/* `PRIMARY KEY ("a","b")` as Prisma writes it, when the definition is just that. */
static void constraint_body(struct buf *b, const struct m_constraint *k)
{
    struct strv cols = {0};
    size_t pos = 0;
    struct tok t1, t2, end;
    const char *def = k->definition ? k->definition : "";
    tok_next(def, &pos, &t1);
    tok_next(def, &pos, &t2);
    if (k->type == 'p' && diff_tok_is(&t1, "primary") && diff_tok_is(&t2, "key") &&
        !ident_list(def, &pos, &cols) && (tok_next(def, &pos, &end), end.kind == TK_END)) {
        buf_adds(b, "PRIMARY KEY (");
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                buf_addch(b, ',');
            buf_add_ident(b, cols.v[i]);
        }
        buf_addch(b, ')');
    } else {
        buf_adds(b, def);
    }
    strv_release(&cols);
}

static const char *fk_action(const struct tok *a, const struct tok *b, int *used)
{
    *used = 1;
    if (diff_tok_is(a, "restrict"))
        return "RESTRICT";
    if (diff_tok_is(a, "cascade"))
        return "CASCADE";
    *used = 2;
    if (diff_tok_is(a, "no") && diff_tok_is(b, "action"))
        return "NO ACTION";
    if (diff_tok_is(a, "set") && diff_tok_is(b, "null"))
        return "SET NULL";
    if (diff_tok_is(a, "set") && diff_tok_is(b, "default"))
        return "SET DEFAULT";
    return NULL;
}

/*
 * A foreign key as Prisma writes it (quoted columns, ON DELETE before ON
 * UPDATE, both always), when the definition holds nothing else (no MATCH, no
 * SET NULL (columns)); else the definition as it is.
 */
static void fk_body(struct sctx *s, struct buf *b, const char *schema, const struct m_constraint *k)
{
    const char *def = k->definition ? k->definition : "";
    struct strv cols = {0}, refs = {0};
    struct tok t[3];
    size_t pos = 0;
    char *rs = NULL, *rn = NULL;
    const char *on_delete = "NO ACTION", *on_update = "NO ACTION";
    struct buf tail = BUF_INIT;
    int ok = 0;

    tok_next(def, &pos, &t[0]);
    tok_next(def, &pos, &t[1]);
    if (!diff_tok_is(&t[0], "foreign") || !diff_tok_is(&t[1], "key") ||
        ident_list(def, &pos, &cols))
        goto out;
    tok_next(def, &pos, &t[0]);
    tok_next(def, &pos, &t[1]);
    if (!diff_tok_is(&t[0], "references") || !(rn = tok_ident(&t[1])))
        goto out;
    size_t save = pos;
    tok_next(def, &pos, &t[0]);
    if (tok_op(&t[0], ".")) {
        tok_next(def, &pos, &t[1]);
        rs = rn;
        if (!(rn = tok_ident(&t[1])))
            goto out;
    } else {
        pos = save;
    }
    if (ident_list(def, &pos, &refs))
        goto out;
    for (;;) {
        tok_next(def, &pos, &t[0]);
        if (t[0].kind == TK_END)
            break;
        save = pos;
        tok_next(def, &pos, &t[1]);
        if (diff_tok_is(&t[0], "on") &&
            (diff_tok_is(&t[1], "delete") || diff_tok_is(&t[1], "update"))) {
            int used;
            const char *a;
            tok_next(def, &pos, &t[0]);
            save = pos;
            tok_next(def, &pos, &t[2]);
            if (!(a = fk_action(&t[0], &t[2], &used)))
                goto out;
            if (used == 1)
                pos = save;
            else {
                size_t p2 = pos;
                struct tok paren;
                tok_next(def, &p2, &paren);
                if (tok_op(&paren, "("))
                    goto out; /* SET NULL (columns) */
            }
            if (diff_tok_is(&t[1], "delete"))
                on_delete = a;
            else
                on_update = a;
        } else if (diff_tok_is(&t[0], "deferrable")) {
            buf_adds(&tail, " DEFERRABLE");
            pos = save;
        } else if (diff_tok_is(&t[0], "initially") && diff_tok_is(&t[1], "deferred")) {
            buf_adds(&tail, " INITIALLY DEFERRED");
        } else if (diff_tok_is(&t[0], "not") && diff_tok_is(&t[1], "valid")) {
            buf_adds(&tail, " NOT VALID");
        } else {
            goto out; /* MATCH FULL and anything else: keep PostgreSQL's text */
        }
    }
    ok = 1;
out:
    if (ok && cols.n == refs.n) {
        buf_adds(b, "FOREIGN KEY (");
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                buf_adds(b, ", ");
            buf_add_ident(b, cols.v[i]);
        }
        buf_adds(b, ") REFERENCES ");
        qname(s, b, rs ? rs : k->ref_schema ? k->ref_schema : schema, rn);
        buf_addch(b, '(');
        for (size_t i = 0; i < refs.n; i++) {
            if (i)
                buf_adds(b, ", ");
            buf_add_ident(b, refs.v[i]);
        }
        buf_addf(b, ") ON DELETE %s ON UPDATE %s%s", on_delete, on_update, tail.data);
    } else {
        buf_adds(b, def);
    }
    free(rs);
    free(rn);
    strv_release(&cols);
    strv_release(&refs);
    buf_release(&tail);
}

void add_constraint_clause(struct sctx *s, struct buf *b, const char *schema,
                           const struct m_constraint *k)
{
    buf_adds(b, "CONSTRAINT ");
    buf_add_ident(b, k->name);
    buf_addch(b, ' ');
    if (k->type == 'f')
        fk_body(s, b, schema, k);
    else
        constraint_body(b, k);
}

/*
 * CREATE INDEX as Prisma writes it (`"name" ON "T"("a", "b")`) for a plain
 * btree index on columns; else PostgreSQL's definition, with `ON ONLY` (how
 * it shows an index of a partitioned table) turned into `ON` so that the
 * partitions get theirs.
 */
void diff_index_stmt(struct sctx *s, struct buf *b, const char *schema, const char *table,
                     const struct m_index *ix)
{
    const char *def = ix->definition ? ix->definition : "";
    size_t pos = 0, only_start = 0, only_end = 0;
    struct tok t;
    struct strv cols = {0};
    int unique = 0, ok = 0;
    char *a = NULL;

    tok_next(def, &pos, &t);
    if (!diff_tok_is(&t, "create"))
        goto out;
    tok_next(def, &pos, &t);
    if (diff_tok_is(&t, "unique")) {
        unique = 1;
        tok_next(def, &pos, &t);
    }
    if (!diff_tok_is(&t, "index"))
        goto out;
    tok_next(def, &pos, &t); /* the name */
    tok_next(def, &pos, &t);
    if (!diff_tok_is(&t, "on"))
        goto out;
    tok_next(def, &pos, &t);
    if (diff_tok_is(&t, "only")) {
        only_start = (size_t)(t.p - def);
        only_end = pos;
        tok_next(def, &pos, &t);
    }
    for (;;) { /* the table, maybe qualified */
        if (!(a = tok_ident(&t)))
            goto out;
        free(a);
        a = NULL;
        size_t save = pos;
        tok_next(def, &pos, &t);
        if (!tok_op(&t, ".")) {
            pos = save;
            break;
        }
        tok_next(def, &pos, &t);
    }
    tok_next(def, &pos, &t);
    if (!diff_tok_is(&t, "using"))
        goto out;
    tok_next(def, &pos, &t);
    if (!diff_tok_is(&t, "btree") || ix->predicate || ident_list(def, &pos, &cols))
        goto out;
    tok_next(def, &pos, &t);
    ok = t.kind == TK_END;
out:
    if (ok) {
        buf_addf(b, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
        buf_add_ident(b, ix->name);
        buf_adds(b, " ON ");
        qname(s, b, schema, table);
        buf_addch(b, '(');
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                buf_adds(b, ", ");
            buf_add_ident(b, cols.v[i]);
        }
        buf_addch(b, ')');
    } else if (only_end) {
        buf_add(b, def, only_start);
        buf_adds(b, def + only_end + (def[only_end] == ' '));
    } else {
        buf_adds(b, def);
    }
    free(a);
    strv_release(&cols);
}

static void comment_literal(struct buf *b, const char *comment)
{
    buf_adds(b, " IS ");
    if (comment)
        buf_add_literal(b, comment);
    else
        buf_adds(b, "NULL");
}

/*
 * Queue `COMMENT ON ...` for the last phase. `key` groups the statements of
 * one object (a table and its columns) under one step; duplicates are dropped.
 */
static void queue_comment(struct sctx *s, const char *key, struct buf *stmt)
{
    if (!strv_has(&s->comments, stmt->data)) {
        strv_push(&s->comments, buf_detach(stmt, NULL));
        strv_push(&s->comment_keys, xstrdup(key));
    }
    buf_release(stmt);
}

void comment_on_table_object(struct sctx *s, const char *what, const char *name, const char *schema,
                             const char *table, const char *comment)
{
    struct buf b = BUF_INIT;
    char *key = xasprintf("table %s.%s", schema, table);
    buf_addf(&b, "COMMENT ON %s ", what);
    if (!strcmp(what, "COLUMN")) {
        qname(s, &b, schema, table);
        buf_addch(&b, '.');
        buf_add_ident(&b, name);
    } else if (!strcmp(what, "INDEX")) {
        qname(s, &b, schema, name);
    } else if (!strcmp(what, "TABLE") || !strcmp(what, "VIEW") ||
               !strcmp(what, "MATERIALIZED VIEW")) {
        qname(s, &b, schema, table);
    } else {
        buf_add_ident(&b, name);
        buf_adds(&b, " ON ");
        qname(s, &b, schema, table);
    }
    comment_literal(&b, comment);
    queue_comment(s, key, &b);
    free(key);
}

void comment_on(struct sctx *s, const char *what, const char *schema, const char *name,
                const char *args, const char *comment)
{
    struct buf b = BUF_INIT;
    char *key = xasprintf("%s %s.%s", what, schema ? schema : "", name);
    buf_addf(&b, "COMMENT ON %s ", what);
    if (schema)
        qname(s, &b, schema, name);
    else
        buf_add_ident(&b, name);
    if (args)
        buf_addf(&b, "(%s)", args);
    comment_literal(&b, comment);
    queue_comment(s, key, &b);
    free(key);
}

/* The comments of a table the script creates: the table's and its parts'. */
void comments_of_new_table(struct sctx *s, const struct m_table *t)
{
    if (t->comment)
        comment_on_table_object(s, "TABLE", t->name, t->schema, t->name, t->comment);
    for (size_t i = 0; i < t->n_columns && !t->partition_of; i++)
        if (t->columns[i].comment)
            comment_on_table_object(s, "COLUMN", t->columns[i].name, t->schema, t->name,
                                    t->columns[i].comment);
}

const char *function_keyword(char kind)
{
    return kind == 'p' ? "PROCEDURE" : kind == 'a' ? "AGGREGATE" : "FUNCTION";
}

void drop_function(struct sctx *s, const struct m_function *f)
{
    buf_addf(&s->out, "DROP %s ", function_keyword(f->kind));
    qname(s, &s->out, f->schema, f->name);
    buf_addf(&s->out, "(%s)", f->args ? f->args : "");
    end_stmt(s);
}

/* pg_get_functiondef's text, its name qualified when the script qualifies names. */
static void function_def(struct sctx *s, const struct m_function *f)
{
    const char *def = f->definition;
    size_t pos = 0;
    struct tok t;
    int words = 0;
    /* CREATE OR REPLACE FUNCTION|PROCEDURE name */
    while (words < 4) {
        tok_next(def, &pos, &t);
        if (t.kind != TK_WORD)
            break;
        words++;
    }
    tok_next(def, &pos, &t);
    struct tok dot;
    size_t p2 = pos;
    tok_next(def, &p2, &dot);
    int qualified = tok_op(&dot, ".");
    if (words == 4 && !qualified && f->schema && (s->qualify || !str_eq(f->schema, s->single))) {
        size_t at = (size_t)(t.p - def);
        buf_add(&s->out, def, at);
        buf_add_ident(&s->out, f->schema);
        buf_addch(&s->out, '.');
        add_trimmed(&s->out, def + at);
    } else {
        add_trimmed(&s->out, def);
    }
    end_stmt(s);
}

void diff_create_function(struct sctx *s, const struct m_function *f)
{
    const struct m_function *old = find_function(s->from, f->schema, f->name, f->args);
    diff_step(s, "CreateFunction");
    if (old && (marks(s, old) & MK_GONE))
        drop_function(s, old);
    if (!f->definition) {
        buf_addf(&s->out, "-- pgmig cannot write the %s %s(%s): add it by hand\n",
                 function_word(f->kind), f->name, f->args ? f->args : "");
        buf_addf(&s->warn,
                 "  - The %s `%s` cannot be generated. Add its CREATE statement to the "
                 "migration by hand.\n",
                 function_word(f->kind), f->name);
    } else {
        function_def(s, f);
    }
    if (f->comment && (marks(s, f) & MK_CREATE))
        comment_on(s, function_keyword(f->kind), f->schema, f->name, f->args, f->comment);
}

/* Order items so that each comes after those it mentions (deps[i * n + j]: i mentions j);
 * stable, and a cycle is broken in the original order. */
static void topo_order(size_t n, const unsigned char *deps, size_t *order)
{
    size_t *pending = xcalloc(n ? n : 1, sizeof(*pending));
    unsigned char *done = xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            pending[i] += i != j && deps[i * n + j];
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++)
            if (!done[i] && !pending[i])
                pick = i;
        if (pick == n)
            for (pick = 0; done[pick]; pick++)
                ;
        done[pick] = 1;
        order[k] = pick;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && deps[i * n + pick] && pending[i])
                pending[i]--;
    }
    free(pending);
    free(done);
}

/* Dependency order of objects given by name and definition. */
void order_by_mentions(size_t n, const char *const *names, const char *const *defs, size_t *order)
{
    unsigned char *deps = xcalloc(n ? n * n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        struct strv w = {0}, ids = {0};
        /* words find names in function bodies (string literals to the tokenizer),
         * identifiers the quoted names with spaces or quotes in them */
        word_set(defs[i], &w);
        ident_set(defs[i], &ids);
        for (size_t k = 0; k < ids.n; k++)
            strv_push(&w, ids.v[k]);
        ids.n = 0;
        strv_release(&ids);
        strv_sort_unique(&w);
        for (size_t j = 0; j < n; j++)
            deps[i * n + j] = i != j && strv_sorted_has(&w, names[j]);
        strv_release(&w);
    }
    topo_order(n, deps, order);
    free(deps);
}
