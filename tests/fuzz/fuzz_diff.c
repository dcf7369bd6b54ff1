/*
 * fuzz_diff.c - libFuzzer target for the differ (schema/diff.h): the input
 * drives the building of two schema models whose names come from a small pool
 * (so that the models share objects and differ in them) and whose types,
 * defaults, expressions and definitions come from pools of catalog-like text
 * or straight from the input (the differ's tokenizer and its domain, composite
 * and sequence-option parsers then see arbitrary text). Then: diff_models both
 * ways, diff_script and diff_summary of each; a model compared with itself has
 * no change. Never a crash, a leak or undefined behaviour.
 */
#include "schema/diff.h"
#include "schema/model.h"
#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define GROW1(v, n)                                                                                \
    ((v) = xrealloc((v), ((n) + 1) * sizeof(*(v))), memset(&(v)[(n)], 0, sizeof(*(v))), &(v)[(n)++])

struct input {
    const uint8_t *p;
    size_t n;
};

static unsigned byte(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* Up to the next newline (at most 120 bytes), NUL bytes dropped. */
static char *raw(struct input *in)
{
    size_t k = 0;
    while (k < in->n && k < 120 && in->p[k] != '\n')
        k++;
    char *s = xmalloc(k + 1), *o = s;
    for (size_t i = 0; i < k; i++)
        if (in->p[i])
            *o++ = (char)in->p[i];
    *o = '\0';
    in->p += k;
    in->n -= k;
    if (in->n) {
        in->p++;
        in->n--;
    }
    return s;
}

static const char *const NAMES[] = {"A", "B",    "User", "order",    "x y", "w\"q", "id",  "k",
                                    "n", "Role", "f",    "A_id_seq", "V",   "Pair", "Qty", "c"};
static const char *const TYPES[] = {"integer",
                                    "bigint",
                                    "smallint",
                                    "text",
                                    "character varying(10)",
                                    "numeric(8,1)",
                                    "\"Role\"",
                                    "\"Role\"[]",
                                    "integer[]",
                                    "jsonb",
                                    "boolean",
                                    "\"Qty\"",
                                    "\"Pair\"",
                                    "timestamp(3) without time zone",
                                    "uuid"};
static const char *const EXPRS[] = {
    "0",           "'x'::text",        "nextval('\"A_id_seq\"'::regclass)",
    "f(1)",        "(id + 1)",         "upper(k)",
    "now()",       "'USER'::\"Role\"", "(n * 2)",
    "(k)::integer"};
static const char *const CHECKS[] = {"CHECK ((n > 0))", "CHECK ((k <> ''::text)) NOT VALID",
                                     "CHECK ((f(n) > 0))", "CHECK ((\"x y\" IS NOT NULL))"};
static const char *const DOMAINS[] = {
    "integer", "integer NOT NULL DEFAULT 1 CONSTRAINT a CHECK ((VALUE > 0))",
    "text CONSTRAINT \"x y\" CHECK ((VALUE <> ''::text)) NOT VALID",
    ("text COLLATE \"C\" CONSTRAINT b CHECK ((char_length(VALUE) > 0)) CONSTRAINT c CHECK (("
     "VALUE <> 'NOT NULL'::text))")};
static const char *const COMPOSITES[] = {"(a integer, b text)", "(a bigint, b text)",
                                         "(b text, \"x\"\"y\" numeric(4,1))", "()"};
static const char *const SEQ_OPTS[] = {"INCREMENT BY 2", "START WITH 100", "CACHE 10",
                                       "MINVALUE 10 START WITH 10", "INCREMENT BY -1"};

/* From a pool (most of the time) or raw from the input; NULL when the byte says so. */
static char *pick(struct input *in, const char *const *pool, size_t n, int may_be_null)
{
    unsigned b = byte(in);
    if (may_be_null && b % 4 == 0)
        return NULL;
    if (b >= 224)
        return raw(in);
    return xstrdup(pool[(b >> 2) % n]);
}

static const char *name_of(struct input *in)
{
    return NAMES[byte(in) % COUNT_OF(NAMES)];
}

static char **names(struct input *in, size_t *n)
{
    char **v = NULL;
    *n = 1 + byte(in) % 2;
    v = xcalloc(*n, sizeof(*v));
    for (size_t i = 0; i < *n; i++)
        v[i] = xstrdup(name_of(in));
    return v;
}

/* dup = some element of arr[0..n) is named nm (names are unique in a model) */
#define HAS_NAME(arr, n, nm, dup)                                                                  \
    do {                                                                                           \
        (dup) = 0;                                                                                 \
        for (size_t u_ = 0; u_ < (n); u_++)                                                        \
            (dup) |= !strcmp((arr)[u_].name, (nm));                                                \
    } while (0)

static void build_table(struct input *in, struct m_table *t)
{
    for (unsigned i = 0, nc = byte(in) % 5; i < nc; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(t->columns, t->n_columns, nm, dup);
        if (dup)
            continue;
        struct m_column *c = GROW1(t->columns, t->n_columns);
        c->name = xstrdup(nm);
        c->position = (int)t->n_columns;
        c->type = pick(in, TYPES, COUNT_OF(TYPES), 0);
        unsigned b = byte(in);
        c->not_null = b & 1;
        if (b & 2)
            c->generated = pick(in, EXPRS, COUNT_OF(EXPRS), 0);
        else if (b & 4)
            c->identity = b & 8 ? 'a' : 'd';
        else
            c->default_expr = pick(in, EXPRS, COUNT_OF(EXPRS), 1);
        if (c->identity && (b & 16))
            c->identity_options = pick(in, SEQ_OPTS, COUNT_OF(SEQ_OPTS), 0);
        if (b & 32)
            c->collation = xstrdup("C");
        if (b & 64)
            c->comment = raw(in);
    }
    for (unsigned i = 0, nk = byte(in) % 4; i < nk; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(t->constraints, t->n_constraints, nm, dup);
        if (dup)
            continue;
        struct m_constraint *k = GROW1(t->constraints, t->n_constraints);
        static const char kinds[] = "pucfx";
        k->name = xstrdup(nm);
        k->type = kinds[byte(in) % 5];
        k->columns = names(in, &k->n_columns);
        k->validated = 1;
        if (k->type == 'c') {
            k->definition = pick(in, CHECKS, COUNT_OF(CHECKS), 0);
        } else if (k->type == 'f') {
            k->ref_schema = xstrdup("public");
            k->ref_table = xstrdup(name_of(in));
            k->ref_columns = names(in, &k->n_ref_columns);
            k->on_delete = "arcnd"[byte(in) % 5];
            k->on_update = 'a';
            k->definition = byte(in) & 1
                                ? raw(in)
                                : xasprintf("FOREIGN KEY (%s) REFERENCES \"%s\"(%s)", k->columns[0],
                                            k->ref_table, k->ref_columns[0]);
        } else {
            k->definition = xasprintf("%s (%s)",
                                      k->type == 'p'   ? "PRIMARY KEY"
                                      : k->type == 'u' ? "UNIQUE"
                                                       : "EXCLUDE USING gist",
                                      k->columns[0]);
        }
    }
    for (unsigned i = 0, ni = byte(in) % 3; i < ni; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(t->indexes, t->n_indexes, nm, dup);
        if (dup)
            continue;
        struct m_index *x = GROW1(t->indexes, t->n_indexes);
        x->name = xstrdup(nm);
        x->keys = names(in, &x->n_keys);
        x->unique = byte(in) & 1;
        x->valid = 1;
        x->method = xstrdup("btree");
        x->predicate = pick(in, CHECKS, COUNT_OF(CHECKS), 1);
        x->definition = xasprintf("CREATE %sINDEX \"%s\" ON \"%s\" USING btree (%s)",
                                  x->unique ? "UNIQUE " : "", x->name, t->name, x->keys[0]);
    }
    for (unsigned i = 0, nt = byte(in) % 2; i < nt; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(t->triggers, t->n_triggers, nm, dup);
        if (dup)
            continue;
        struct m_trigger *g = GROW1(t->triggers, t->n_triggers);
        g->name = xstrdup(nm);
        g->enabled = 1;
        g->definition = byte(in) & 1 ? raw(in)
                                     : xasprintf("CREATE TRIGGER \"%s\" BEFORE UPDATE OF n ON "
                                                 "\"%s\" FOR EACH ROW EXECUTE FUNCTION f()",
                                                 g->name, t->name);
    }
}

static void build(struct input *in, struct schema_model *m)
{
    model_init(m);
    for (unsigned i = 0, n = byte(in) % 4; i < n; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(m->tables, m->n_tables, nm, dup);
        if (dup)
            continue;
        struct m_table *t = GROW1(m->tables, m->n_tables);
        t->schema = xstrdup("public");
        t->name = xstrdup(nm);
        t->kind = byte(in) % 8 ? 'r' : 'p';
        if (t->kind == 'p')
            t->partition_key = xstrdup("RANGE (id)");
        build_table(in, t);
    }
    for (unsigned i = 0, n = byte(in) % 3; i < n; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(m->enums, m->n_enums, nm, dup);
        if (dup)
            continue;
        struct m_enum *e = GROW1(m->enums, m->n_enums);
        e->schema = xstrdup("public");
        e->name = xstrdup(nm);
        e->values = names(in, &e->n_values);
        if (e->n_values == 2 && !strcmp(e->values[0], e->values[1]))
            e->n_values = 1, free(e->values[1]);
    }
    for (unsigned i = 0, n = byte(in) % 3; i < n; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(m->types, m->n_types, nm, dup);
        if (dup)
            continue;
        struct m_type *y = GROW1(m->types, m->n_types);
        y->schema = xstrdup("public");
        y->name = xstrdup(nm);
        y->kind = byte(in) & 1 ? 'd' : 'c';
        y->definition = y->kind == 'd' ? pick(in, DOMAINS, COUNT_OF(DOMAINS), 0)
                                       : pick(in, COMPOSITES, COUNT_OF(COMPOSITES), 0);
    }
    for (unsigned i = 0, n = byte(in) % 3; i < n; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(m->sequences, m->n_sequences, nm, dup);
        if (dup)
            continue;
        struct m_sequence *q = GROW1(m->sequences, m->n_sequences);
        unsigned b = byte(in);
        q->schema = xstrdup("public");
        q->name = xstrdup(nm);
        q->type = xstrdup(b & 1 ? "integer" : "bigint");
        q->increment = b & 2 ? -1 : 1;
        q->min = b & 4 ? 10 : 1;
        q->max = b & 1 ? 2147483647LL : 9223372036854775807LL;
        q->start = q->increment > 0 ? q->min : q->max;
        q->cache = 1;
        if (b & 8)
            q->owned_by = xasprintf("\"%s\".\"%s\"", name_of(in), name_of(in));
    }
    for (unsigned i = 0, n = byte(in) % 3; i < n; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(m->views, m->n_views, nm, dup);
        if (dup)
            continue;
        struct m_view *v = GROW1(m->views, m->n_views);
        v->schema = xstrdup("public");
        v->name = xstrdup(nm);
        v->materialized = byte(in) % 4 == 0;
        v->definition =
            byte(in) & 1 ? raw(in)
                         : xasprintf(" SELECT \"%s\".n\n   FROM \"%s\";", name_of(in), name_of(in));
    }
    for (unsigned i = 0, n = byte(in) % 3; i < n; i++) {
        const char *nm = name_of(in);
        int dup;
        HAS_NAME(m->functions, m->n_functions, nm, dup);
        if (dup)
            continue;
        struct m_function *f = GROW1(m->functions, m->n_functions);
        f->schema = xstrdup("public");
        f->name = xstrdup(nm);
        f->kind = 'f';
        f->args = xstrdup(byte(in) & 1 ? "x integer" : "");
        f->result = xstrdup(byte(in) & 1 ? "integer" : "bigint");
        f->language = xstrdup("sql");
        f->definition = byte(in) & 1 ? raw(in)
                                     : xasprintf("CREATE OR REPLACE FUNCTION \"%s\"(%s)\n RETURNS "
                                                 "%s\n LANGUAGE sql\nAS $function$SELECT 1"
                                                 "$function$\n",
                                                 f->name, f->args, f->result);
        memset(f->body_hash, 'a' + (int)(byte(in) % 3), 64);
    }
    model_sort(m);
}

static void check(const struct schema_model *a, const struct schema_model *b)
{
    struct schema_diff d;
    memset(&d, 0, sizeof(d));
    diff_models(a, b, &d);
    char *script = diff_script(&d, a, b);
    char *summary = diff_summary(&d);
    REQUIRE(script && summary);
    REQUIRE(d.n || strstr(script, "empty migration"));
    free(script);
    free(summary);
    diff_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    struct schema_model a, b;
    build(&in, &a);
    build(&in, &b);
    check(&a, &b);
    check(&b, &a);

    struct schema_diff same;
    memset(&same, 0, sizeof(same));
    diff_models(&a, &a, &same);
    REQUIRE(same.n == 0);
    diff_release(&same);

    model_release(&a);
    model_release(&b);
    return 0;
}
