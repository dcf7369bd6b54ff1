/*
 * test_model.c - unit tests for schema/model.c on hand-built models: release
 * of every field, canonical sorting, lookups, and the dump (exact text,
 * independent of fill order, and changed by every field that matters).
 */
#include "schema/model.h"
#include "unit.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new array of n new strings. */
static char **strv(size_t n, ...)
{
    va_list ap;
    char **v = xcalloc(n + 1, sizeof(char *));
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        v[i] = xstrdup(va_arg(ap, const char *));
    va_end(ap);
    return v;
}

static void add_table(struct schema_model *m, const char *schema, const char *name)
{
    m->tables = xrealloc(m->tables, (m->n_tables + 1) * sizeof(*m->tables));
    struct m_table *t = &m->tables[m->n_tables++];
    memset(t, 0, sizeof(*t));
    t->schema = xstrdup(schema);
    t->name = xstrdup(name);
    t->kind = 'r';
}

static void add_column(struct m_table *t, int position, const char *name, const char *type)
{
    t->columns = xrealloc(t->columns, (t->n_columns + 1) * sizeof(*t->columns));
    struct m_column *c = &t->columns[t->n_columns++];
    memset(c, 0, sizeof(*c));
    c->position = position;
    c->name = xstrdup(name);
    c->type = xstrdup(type);
}

static void add_index(struct m_table *t, const char *name, const char *def)
{
    t->indexes = xrealloc(t->indexes, (t->n_indexes + 1) * sizeof(*t->indexes));
    struct m_index *x = &t->indexes[t->n_indexes++];
    memset(x, 0, sizeof(*x));
    x->name = xstrdup(name);
    x->definition = xstrdup(def);
    x->method = xstrdup("btree");
    x->valid = 1;
    x->keys = strv(1, "x");
    x->n_keys = 1;
}

static void add_enum(struct schema_model *m, const char *schema, const char *name)
{
    m->enums = xrealloc(m->enums, (m->n_enums + 1) * sizeof(*m->enums));
    struct m_enum *x = &m->enums[m->n_enums++];
    memset(x, 0, sizeof(*x));
    x->schema = xstrdup(schema);
    x->name = xstrdup(name);
    x->values = strv(2, "USER", "ADMIN");
    x->n_values = 2;
}

static void add_function(struct schema_model *m, const char *name, const char *args)
{
    m->functions = xrealloc(m->functions, (m->n_functions + 1) * sizeof(*m->functions));
    struct m_function *f = &m->functions[m->n_functions++];
    memset(f, 0, sizeof(*f));
    f->schema = xstrdup("public");
    f->name = xstrdup(name);
    f->kind = 'f';
    f->args = xstrdup(args);
    f->result = xstrdup("integer");
    f->language = xstrdup("sql");
    f->definition = xstrdup("CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n");
}

/*
 * One object of every kind, every optional field filled, so that release is
 * checked by the sanitizer build and the dump shows every key.
 */
static void build_full(struct schema_model *m)
{
    model_init(m);
    m->schemas = xcalloc(1, sizeof(*m->schemas));
    m->n_schemas = 1;
    m->schemas[0].name = xstrdup("public");
    m->schemas[0].comment = xstrdup("standard public schema");

    m->extensions = xcalloc(1, sizeof(*m->extensions));
    m->n_extensions = 1;
    m->extensions[0] = (struct m_extension){xstrdup("pgcrypto"), xstrdup("public"), xstrdup("1.3")};

    add_enum(m, "public", "Role");
    m->enums[0].comment = xstrdup("roles");

    m->types = xcalloc(1, sizeof(*m->types));
    m->n_types = 1;
    m->types[0] = (struct m_type){xstrdup("public"), xstrdup("posint"), 'd',
                                  xstrdup("integer NOT NULL"), xstrdup("positive")};

    m->sequences = xcalloc(1, sizeof(*m->sequences));
    m->n_sequences = 1;
    struct m_sequence *s = &m->sequences[0];
    s->schema = xstrdup("public");
    s->name = xstrdup("User_id_seq");
    s->type = xstrdup("integer");
    s->start = 1;
    s->increment = 1;
    s->min = 1;
    s->max = 2147483647;
    s->cache = 1;
    s->owned_by = xstrdup("\"User\".\"id\"");
    s->comment = xstrdup("ids");

    add_table(m, "public", "User");
    struct m_table *t = &m->tables[0];
    t->comment = xstrdup("users");
    t->options = xstrdup("fillfactor=70");
    add_column(t, 1, "id", "integer");
    t->columns[0].not_null = 1;
    t->columns[0].default_expr = xstrdup("nextval('\"User_id_seq\"'::regclass)");
    t->columns[0].comment = xstrdup("key");
    add_column(t, 2, "n", "bigint");
    t->columns[1].identity = 'd';
    t->columns[1].identity_options = xstrdup("START WITH 10");
    add_column(t, 3, "slug", "text");
    t->columns[2].generated = xstrdup("lower(name)");
    t->columns[2].collation = xstrdup("C");

    t->constraints = xcalloc(2, sizeof(*t->constraints));
    t->n_constraints = 2;
    struct m_constraint *k = &t->constraints[0];
    k->name = xstrdup("User_pkey");
    k->type = 'p';
    k->definition = xstrdup("PRIMARY KEY (id)");
    k->columns = strv(1, "id");
    k->n_columns = 1;
    k->validated = 1;
    k = &t->constraints[1];
    k->name = xstrdup("User_n_fkey");
    k->type = 'f';
    k->definition = xstrdup("FOREIGN KEY (n) REFERENCES \"User\"(id) ON DELETE CASCADE");
    k->columns = strv(1, "n");
    k->n_columns = 1;
    k->ref_schema = xstrdup("public");
    k->ref_table = xstrdup("User");
    k->ref_columns = strv(1, "id");
    k->n_ref_columns = 1;
    k->on_update = 'a';
    k->on_delete = 'c';
    k->deferrable = 1;
    k->validated = 1;
    k->comment = xstrdup("fk");

    add_index(t, "User_slug_idx", "CREATE INDEX \"User_slug_idx\" ON \"User\" USING btree (slug)");
    t->indexes[0].predicate = xstrdup("(n > 0)");
    t->indexes[0].comment = xstrdup("idx");
    t->triggers = xcalloc(1, sizeof(*t->triggers));
    t->n_triggers = 1;
    t->triggers[0] = (struct m_trigger){xstrdup("touch"), xstrdup("CREATE TRIGGER touch ..."), 1,
                                        xstrdup("trg")};

    add_table(m, "public", "Part");
    m->tables[1].partition_of = xstrdup("\"public\".\"Parent\"");
    m->tables[1].partition_bound = xstrdup("DEFAULT");
    m->tables[1].partition_key = xstrdup("RANGE (at)");
    m->tables[1].unlogged = 1;

    m->views = xcalloc(1, sizeof(*m->views));
    m->n_views = 1;
    struct m_view *v = &m->views[0];
    v->schema = xstrdup("public");
    v->name = xstrdup("mv");
    v->materialized = 1;
    v->definition = xstrdup(" SELECT 1;");
    v->options = xstrdup("security_barrier=true");
    v->comment = xstrdup("view");
    v->indexes = xcalloc(1, sizeof(*v->indexes));
    v->n_indexes = 1;
    v->indexes[0].name = xstrdup("mv_idx");
    v->indexes[0].keys = strv(1, "x");
    v->indexes[0].n_keys = 1;
    v->triggers = xcalloc(1, sizeof(*v->triggers));
    v->n_triggers = 1;
    v->triggers[0].name = xstrdup("instead");
    v->triggers[0].definition = xstrdup("CREATE TRIGGER instead ...");

    add_function(m, "f", "");
    m->functions[0].comment = xstrdup("fn");
    memset(m->functions[0].body_hash, 'a', 64);
    model_sort(m);
}

static void test_init_release_empty(void)
{
    struct schema_model m;
    memset(&m, 0xff, sizeof(m));
    model_init(&m);
    CHECK(m.tables == NULL);
    CHECK_INT(m.n_tables, 0);
    CHECK_INT(m.n_functions, 0);
    char *d = model_dump(&m);
    CHECK_STR(d, "");
    free(d);
    model_release(&m);
    model_release(&m); /* released models are empty and may be released again */
    CHECK_INT(m.n_schemas, 0);
}

static void test_full_release_and_dump(void)
{
    struct schema_model m;
    build_full(&m);
    char *d = model_dump(&m);
    /* The exact format: one object per line, sub-objects indented, every
     * string JSON-quoted, NULL fields left out. */
    CHECK_STR(d, "schema \"public\" comment=\"standard public schema\"\n"
                 "extension \"pgcrypto\" schema=\"public\" version=\"1.3\"\n"
                 "enum \"public\".\"Role\" values=[\"USER\",\"ADMIN\"] comment=\"roles\"\n"
                 "type \"public\".\"posint\" kind=\"d\" definition=\"integer NOT NULL\" "
                 "comment=\"positive\"\n"
                 "sequence \"public\".\"User_id_seq\" type=\"integer\" start=1 increment=1 min=1 "
                 "max=2147483647 cache=1 cycle=0 owned_by=\"\\\"User\\\".\\\"id\\\"\" "
                 "comment=\"ids\"\n"
                 "table \"public\".\"Part\" kind=\"r\" unlogged=1 "
                 "partition_of=\"\\\"public\\\".\\\"Parent\\\"\" partition_bound=\"DEFAULT\" "
                 "partition_key=\"RANGE (at)\"\n"
                 "table \"public\".\"User\" kind=\"r\" unlogged=0 options=\"fillfactor=70\" "
                 "comment=\"users\"\n"
                 "  column 1 \"id\" type=\"integer\" not_null=1 "
                 "default=\"nextval('\\\"User_id_seq\\\"'::regclass)\" comment=\"key\"\n"
                 "  column 2 \"n\" type=\"bigint\" not_null=0 identity=\"d\" "
                 "identity_options=\"START WITH 10\"\n"
                 "  column 3 \"slug\" type=\"text\" not_null=0 generated=\"lower(name)\" "
                 "collation=\"C\"\n"
                 "  constraint \"User_n_fkey\" type=\"f\" columns=[\"n\"] ref=\"public\".\"User\" "
                 "ref_columns=[\"id\"] on_update=\"a\" on_delete=\"c\" deferrable=1 deferred=0 "
                 "validated=1 definition=\"FOREIGN KEY (n) REFERENCES \\\"User\\\"(id) ON DELETE "
                 "CASCADE\" comment=\"fk\"\n"
                 "  constraint \"User_pkey\" type=\"p\" columns=[\"id\"] deferrable=0 deferred=0 "
                 "validated=1 definition=\"PRIMARY KEY (id)\"\n"
                 "  index \"User_slug_idx\" method=\"btree\" unique=0 valid=1 keys=[\"x\"] "
                 "predicate=\"(n > 0)\" definition=\"CREATE INDEX \\\"User_slug_idx\\\" ON "
                 "\\\"User\\\" USING btree (slug)\" comment=\"idx\"\n"
                 "  trigger \"touch\" enabled=1 definition=\"CREATE TRIGGER touch ...\" "
                 "comment=\"trg\"\n"
                 "view \"public\".\"mv\" materialized=1 options=\"security_barrier=true\" "
                 "definition=\" SELECT 1;\" comment=\"view\"\n"
                 "  index \"mv_idx\" unique=0 valid=0 keys=[\"x\"]\n"
                 "  trigger \"instead\" enabled=0 definition=\"CREATE TRIGGER instead ...\"\n"
                 "function \"public\".\"f\"(\"\") kind=\"f\" result=\"integer\" language=\"sql\" "
                 "body_hash=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" "
                 "definition=\"CREATE OR REPLACE FUNCTION f()\\n RETURNS integer\\n\" "
                 "comment=\"fn\"\n");
    free(d);
    model_release(&m);
    CHECK_INT(m.n_tables, 0);
    CHECK(m.tables == NULL);
}

/* Two models filled in different orders sort into the same canonical form. */
static void test_sort_is_canonical(void)
{
    struct schema_model a, b;
    model_init(&a);
    model_init(&b);
    add_table(&a, "public", "b");
    add_table(&a, "app", "z");
    add_table(&a, "public", "B");
    add_table(&b, "public", "B");
    add_table(&b, "public", "b");
    add_table(&b, "app", "z");
    add_column(&a.tables[0], 2, "y", "text");
    add_column(&a.tables[0], 1, "x", "int");
    add_column(&b.tables[1], 1, "x", "int");
    add_column(&b.tables[1], 2, "y", "text");
    add_index(&a.tables[0], "i2", "d2");
    add_index(&a.tables[0], "i1", "d1");
    add_index(&b.tables[1], "i1", "d1");
    add_index(&b.tables[1], "i2", "d2");
    add_function(&a, "f", "b text");
    add_function(&a, "f", "a integer");
    add_function(&b, "f", "a integer");
    add_function(&b, "f", "b text");
    add_enum(&a, "public", "Z");
    add_enum(&a, "public", "A");
    add_enum(&b, "public", "A");
    add_enum(&b, "public", "Z");
    model_sort(&a);
    model_sort(&b);

    /* byte order, as COLLATE "C": schema first, then upper case before lower */
    CHECK_STR(a.tables[0].schema, "app");
    CHECK_STR(a.tables[1].name, "B");
    CHECK_STR(a.tables[2].name, "b");
    CHECK_STR(a.tables[2].columns[0].name, "x");
    CHECK_INT(a.tables[2].columns[1].position, 2);
    CHECK_STR(a.tables[2].indexes[0].name, "i1");
    CHECK_STR(a.functions[0].args, "a integer");
    CHECK_STR(a.enums[0].name, "A");

    char *da = model_dump(&a), *db = model_dump(&b);
    CHECK_STR(da, db);
    free(da);
    free(db);
    model_release(&a);
    model_release(&b);
}

static void test_lookups(void)
{
    struct schema_model m;
    model_init(&m);
    const char *names[] = {"a", "SystemPrompt", "m", "z", "User", "b"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        add_table(&m, "public", names[i]);
    add_table(&m, "app", "only_app");
    add_table(&m, "app", "User");
    add_column(&m.tables[1], 1, "id", "integer");
    add_column(&m.tables[1], 2, "previousVersionId", "integer");
    add_enum(&m, "public", "Role");
    add_enum(&m, "app", "Mood");
    model_sort(&m);

    const struct m_table *t = model_table(&m, "public", "SystemPrompt");
    CHECK(t != NULL);
    if (t) {
        CHECK_STR(t->name, "SystemPrompt");
        const struct m_column *c = table_column(t, "previousVersionId");
        CHECK(c != NULL);
        CHECK(c && c->position == 2);
        CHECK(table_column(t, "previousversionid") == NULL); /* exact, case-sensitive */
        CHECK(table_column(t, "nope") == NULL);
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        t = model_table(&m, "public", names[i]);
        CHECK(t && !strcmp(t->name, names[i]) && !strcmp(t->schema, "public"));
    }
    CHECK(model_table(&m, "public", "systemprompt") == NULL);
    CHECK(model_table(&m, "public", "only_app") == NULL);
    CHECK(model_table(&m, "nope", "a") == NULL);
    t = model_table(&m, "app", "User");
    CHECK(t && !strcmp(t->schema, "app"));
    /* schema NULL: any schema */
    t = model_table(&m, NULL, "only_app");
    CHECK(t && !strcmp(t->schema, "app"));
    t = model_table(&m, NULL, "User");
    CHECK(t && !strcmp(t->name, "User"));
    CHECK(model_table(&m, NULL, "missing") == NULL);

    const struct m_enum *e = model_enum(&m, "public", "Role");
    CHECK(e && e->n_values == 2 && !strcmp(e->values[1], "ADMIN"));
    CHECK(model_enum(&m, "public", "Mood") == NULL);
    e = model_enum(&m, NULL, "Mood");
    CHECK(e && !strcmp(e->schema, "app"));

    struct schema_model empty;
    model_init(&empty);
    CHECK(model_table(&empty, "public", "a") == NULL);
    CHECK(model_table(&empty, NULL, "a") == NULL);
    CHECK(model_enum(&empty, "public", "a") == NULL);
    model_release(&m);
}

/*
 * Changing any one field changes the dump: the dump is what tells two models
 * apart, so a field it leaves out would be a difference nobody sees.
 */
static void test_every_field_shows(void)
{
    struct schema_model base;
    build_full(&base);
    char *d0 = model_dump(&base);
    int changes = 0;

#define MUTATE(stmt)                                                                               \
    do {                                                                                           \
        struct schema_model m_;                                                                    \
        build_full(&m_);                                                                           \
        struct schema_model *m = &m_;                                                              \
        stmt;                                                                                      \
        char *d_ = model_dump(m);                                                                  \
        if (!strcmp(d_, d0))                                                                       \
            fprintf(stderr, "mutation not visible in the dump: %s\n", #stmt);                      \
        CHECK(strcmp(d_, d0) != 0);                                                                \
        changes++;                                                                                 \
        free(d_);                                                                                  \
        model_release(m);                                                                          \
    } while (0)
#define SETSTR(field, value)                                                                       \
    MUTATE({                                                                                       \
        free(field);                                                                               \
        field = xstrdup(value);                                                                    \
    })

    /* tables sort "Part" < "User": User is tables[1] */
    SETSTR(m->schemas[0].comment, "other");
    SETSTR(m->extensions[0].version, "1.4");
    SETSTR(m->extensions[0].schema, "ext");
    SETSTR(m->enums[0].values[1], "ADMINS");
    MUTATE({
        free(m->enums[0].values[1]);
        m->enums[0].n_values = 1;
    });
    SETSTR(m->types[0].definition, "bigint");
    MUTATE(m->types[0].kind = 'c');
    MUTATE(m->sequences[0].start = 2);
    MUTATE(m->sequences[0].increment = 2);
    MUTATE(m->sequences[0].min = 2);
    MUTATE(m->sequences[0].max = 2);
    MUTATE(m->sequences[0].cache = 2);
    MUTATE(m->sequences[0].cycle = 1);
    SETSTR(m->sequences[0].type, "bigint");
    SETSTR(m->sequences[0].owned_by, "\"User\".\"n\"");
    MUTATE(m->tables[1].kind = 'p');
    MUTATE(m->tables[1].unlogged = 1);
    SETSTR(m->tables[1].options, "fillfactor=80");
    SETSTR(m->tables[0].partition_bound, "FOR VALUES IN (1)");
    SETSTR(m->tables[0].partition_key, "LIST (a)");
    SETSTR(m->tables[0].partition_of, "\"public\".\"Other\"");
    SETSTR(m->tables[1].comment, "people");
    SETSTR(m->tables[1].columns[0].name, "ID");
    MUTATE(m->tables[1].columns[0].position = 9);
    SETSTR(m->tables[1].columns[0].type, "bigint");
    MUTATE(m->tables[1].columns[0].not_null = 0);
    SETSTR(m->tables[1].columns[0].default_expr, "0");
    MUTATE(m->tables[1].columns[1].identity = 'a');
    SETSTR(m->tables[1].columns[1].identity_options, "START WITH 11");
    SETSTR(m->tables[1].columns[2].generated, "upper(name)");
    SETSTR(m->tables[1].columns[2].collation, "POSIX");
    SETSTR(m->tables[1].columns[0].comment, "the key");
    SETSTR(m->tables[1].constraints[0].definition, "FOREIGN KEY (n) REFERENCES x(id)");
    MUTATE(m->tables[1].constraints[0].type = 'u');
    SETSTR(m->tables[1].constraints[0].columns[0], "m");
    SETSTR(m->tables[1].constraints[0].ref_schema, "app");
    SETSTR(m->tables[1].constraints[0].ref_table, "Users");
    SETSTR(m->tables[1].constraints[0].ref_columns[0], "uid");
    MUTATE(m->tables[1].constraints[0].on_update = 'c');
    MUTATE(m->tables[1].constraints[0].on_delete = 'r');
    MUTATE(m->tables[1].constraints[0].deferrable = 0);
    MUTATE(m->tables[1].constraints[0].deferred = 1);
    MUTATE(m->tables[1].constraints[0].validated = 0);
    SETSTR(m->tables[1].constraints[0].comment, "the fk");
    SETSTR(m->tables[1].indexes[0].definition, "CREATE INDEX x");
    SETSTR(m->tables[1].indexes[0].method, "hash");
    MUTATE(m->tables[1].indexes[0].unique = 1);
    MUTATE(m->tables[1].indexes[0].valid = 0);
    SETSTR(m->tables[1].indexes[0].predicate, "(n > 1)");
    SETSTR(m->tables[1].indexes[0].keys[0], "lower(x)");
    SETSTR(m->tables[1].indexes[0].comment, "the idx");
    SETSTR(m->tables[1].triggers[0].definition, "CREATE TRIGGER touch AFTER ...");
    MUTATE(m->tables[1].triggers[0].enabled = 0);
    SETSTR(m->tables[1].triggers[0].comment, "the trg");
    MUTATE(m->views[0].materialized = 0);
    SETSTR(m->views[0].definition, " SELECT 2;");
    SETSTR(m->views[0].options, "check_option=local");
    SETSTR(m->views[0].comment, "a view");
    SETSTR(m->views[0].indexes[0].name, "mv_idx2");
    SETSTR(m->views[0].triggers[0].name, "instead2");
    MUTATE(m->functions[0].kind = 'p');
    SETSTR(m->functions[0].args, "a integer");
    SETSTR(m->functions[0].result, "bigint");
    SETSTR(m->functions[0].language, "plpgsql");
    SETSTR(m->functions[0].definition, "CREATE OR REPLACE FUNCTION f()\n RETURNS bigint\n");
    MUTATE(m->functions[0].body_hash[0] = 'b');
    SETSTR(m->functions[0].comment, "a fn");
    /* NULL and "" are different values */
    SETSTR(m->tables[0].comment, "");
    CHECK(changes > 60);
#undef SETSTR
#undef MUTATE
    free(d0);
    model_release(&base);
}

/* Newlines, quotes, backslashes and control characters stay on one line and
 * are escaped, so no value can forge another line or key. */
static void test_dump_escapes(void)
{
    struct schema_model m;
    model_init(&m);
    add_table(&m, "we\"ird", "a\nb");
    add_column(&m.tables[0], 1, "c\\d", "text");
    m.tables[0].columns[0].default_expr = xstrdup("'x\ty' type=\"int\"\x01");
    char *d = model_dump(&m);
    CHECK_STR(d, "table \"we\\\"ird\".\"a\\nb\" kind=\"r\" unlogged=0\n"
                 "  column 1 \"c\\\\d\" type=\"text\" not_null=0 "
                 "default=\"'x\\ty' type=\\\"int\\\"\\u0001\"\n");
    int lines = 0;
    for (const char *p = d; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 2);
    free(d);
    model_release(&m);
}

int main(void)
{
    RUN(test_init_release_empty);
    RUN(test_full_release_and_dump);
    RUN(test_sort_is_canonical);
    RUN(test_lookups);
    RUN(test_every_field_shows);
    RUN(test_dump_escapes);
    UNIT_DONE();
}
