/*
 * test_diff.c - unit tests for the differ (src/schema/diff*.c): hand-built models compared
 * (diff_models), the exact migration scripts (diff_script: statements, phase
 * order, Prisma's warning sentences) and summaries (diff_summary) for each
 * kind of change, plus the flags each change carries.
 */
#include "schema/diff.h"
#include "schema/model.h"
#include "unit.h"
#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- building models ------------------------------------------------ */

#define GROW1(v, n)                                                                                \
    ((v) = xrealloc((v), ((n) + 1) * sizeof(*(v))), memset(&(v)[(n)], 0, sizeof(*(v))), &(v)[(n)++])

/* "a,b,c" -> a vector */
static char **csv(const char *s, size_t *n)
{
    char **v = NULL;
    *n = 0;
    if (!s || !*s)
        return NULL;
    for (const char *p = s;;) {
        const char *e = strchr(p, ',');
        v = xrealloc(v, (*n + 1) * sizeof(*v));
        v[(*n)++] = e ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
        if (!e)
            break;
        p = e + 1;
    }
    return v;
}

static struct m_table *tbl(struct schema_model *m, const char *name)
{
    struct m_table *t = GROW1(m->tables, m->n_tables);
    t->schema = xstrdup("public");
    t->name = xstrdup(name);
    t->kind = 'r';
    return t;
}

static struct m_column *col(struct m_table *t, const char *name, const char *type, int not_null,
                            const char *def)
{
    struct m_column *c = GROW1(t->columns, t->n_columns);
    c->name = xstrdup(name);
    c->type = xstrdup(type);
    c->position = (int)t->n_columns;
    c->not_null = not_null;
    c->default_expr = xstrdup(def);
    return c;
}

static struct m_constraint *con(struct m_table *t, const char *name, char type, const char *cols,
                                const char *def)
{
    struct m_constraint *k = GROW1(t->constraints, t->n_constraints);
    k->name = xstrdup(name);
    k->type = type;
    k->definition = xstrdup(def);
    k->columns = csv(cols, &k->n_columns);
    k->validated = 1;
    return k;
}

static struct m_constraint *pk(struct m_table *t, const char *cols, const char *def)
{
    char *name = xasprintf("%s_pkey", t->name);
    struct m_constraint *k = con(t, name, 'p', cols, def);
    free(name);
    return k;
}

static struct m_constraint *fk(struct m_table *t, const char *name, const char *cols,
                               const char *ref, const char *refcols, const char *def)
{
    struct m_constraint *k = con(t, name, 'f', cols, def);
    k->ref_schema = xstrdup("public");
    k->ref_table = xstrdup(ref);
    k->ref_columns = csv(refcols, &k->n_ref_columns);
    return k;
}

static struct m_index *idx(struct m_table *t, const char *name, const char *keys, int unique,
                           const char *def)
{
    struct m_index *i = GROW1(t->indexes, t->n_indexes);
    i->name = xstrdup(name);
    i->definition = xstrdup(def);
    i->method = xstrdup("btree");
    i->unique = unique;
    i->valid = 1;
    i->keys = csv(keys, &i->n_keys);
    return i;
}

static struct m_trigger *trg(struct m_table *t, const char *name, const char *def)
{
    struct m_trigger *g = GROW1(t->triggers, t->n_triggers);
    g->name = xstrdup(name);
    g->definition = xstrdup(def);
    g->enabled = 1;
    return g;
}

static struct m_enum *enm(struct schema_model *m, const char *name, const char *values)
{
    struct m_enum *e = GROW1(m->enums, m->n_enums);
    e->schema = xstrdup("public");
    e->name = xstrdup(name);
    e->values = csv(values, &e->n_values);
    return e;
}

static struct m_sequence *seq(struct schema_model *m, const char *name, const char *type,
                              const char *owned_by)
{
    struct m_sequence *q = GROW1(m->sequences, m->n_sequences);
    q->schema = xstrdup("public");
    q->name = xstrdup(name);
    q->type = xstrdup(type);
    q->start = 1;
    q->increment = 1;
    q->min = 1;
    q->max = !strcmp(type, "integer")    ? 2147483647LL
             : !strcmp(type, "smallint") ? 32767
                                         : INT64_MAX;
    q->cache = 1;
    q->owned_by = xstrdup(owned_by);
    return q;
}

static struct m_view *view(struct schema_model *m, const char *name, const char *def)
{
    struct m_view *v = GROW1(m->views, m->n_views);
    v->schema = xstrdup("public");
    v->name = xstrdup(name);
    v->definition = xstrdup(def);
    return v;
}

static struct m_function *func(struct schema_model *m, const char *name, const char *args,
                               const char *result, const char *def)
{
    struct m_function *f = GROW1(m->functions, m->n_functions);
    f->schema = xstrdup("public");
    f->name = xstrdup(name);
    f->kind = 'f';
    f->args = xstrdup(args);
    f->result = xstrdup(result);
    f->language = xstrdup("sql");
    f->definition = xstrdup(def);
    return f;
}

static struct m_schema *sch(struct schema_model *m, const char *name)
{
    struct m_schema *s = GROW1(m->schemas, m->n_schemas);
    s->name = xstrdup(name);
    return s;
}

/* The User table of Prisma's starter schema: id SERIAL, email unique. */
static struct m_table *user_table(struct schema_model *m)
{
    struct m_table *t = tbl(m, "User");
    col(t, "id", "integer", 1, "nextval('\"User_id_seq\"'::regclass)");
    col(t, "email", "text", 1, NULL);
    col(t, "name", "text", 0, NULL);
    pk(t, "id", "PRIMARY KEY (id)");
    idx(t, "User_email_key", "email", 1,
        "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\" USING btree (email)");
    seq(m, "User_id_seq", "integer", "\"User\".\"id\"");
    return t;
}

/* ---- running a diff -------------------------------------------------- */

struct run {
    struct schema_model a, b;
    struct schema_diff d;
    char *script, *summary;
};

static void run_init(struct run *r)
{
    memset(r, 0, sizeof(*r));
    model_init(&r->a);
    model_init(&r->b);
}

static void run_diff(struct run *r)
{
    model_sort(&r->a);
    model_sort(&r->b);
    diff_models(&r->a, &r->b, &r->d);
    r->script = diff_script(&r->d, &r->a, &r->b);
    r->summary = diff_summary(&r->d);
}

static void run_release(struct run *r)
{
    free(r->script);
    free(r->summary);
    diff_release(&r->d);
    model_release(&r->a);
    model_release(&r->b);
}

static const struct d_change *find_change(const struct run *r, enum d_obj obj, const char *name)
{
    for (size_t i = 0; i < r->d.n; i++)
        if (r->d.v[i].obj == obj && !strcmp(r->d.v[i].name, name))
            return &r->d.v[i];
    return NULL;
}

/* ---- tests ------------------------------------------------------------ */

static void test_no_difference(void)
{
    struct run r;
    run_init(&r);
    user_table(&r.a);
    user_table(&r.b);
    sch(&r.a, "public");
    /* `public` exists everywhere: never created nor dropped */
    run_diff(&r);
    CHECK_INT(r.d.n, 0);
    CHECK_STR(r.script, "-- This is an empty migration.\n");
    CHECK_STR(r.summary, "No difference.\n");
    run_release(&r);
}

/* A new enum, a table using it, a table with a foreign key to it: types, tables, indexes,
 * then foreign keys; SERIAL for the sequences PostgreSQL makes itself. */
static void test_new_enum_tables_and_foreign_key_in_order(void)
{
    struct run r;
    run_init(&r);
    enm(&r.b, "Role", "USER,ADMIN");
    struct m_table *u = user_table(&r.b);
    col(u, "role", "\"Role\"", 1, "'USER'::\"Role\"");
    struct m_table *p = tbl(&r.b, "Post");
    col(p, "id", "integer", 1, "nextval('\"Post_id_seq\"'::regclass)");
    col(p, "title", "character varying(255)", 1, NULL);
    col(p, "authorId", "integer", 0, NULL);
    pk(p, "id", "PRIMARY KEY (id)");
    fk(p, "Post_authorId_fkey", "authorId", "User", "id",
       "FOREIGN KEY (\"authorId\") REFERENCES \"User\"(id) ON UPDATE CASCADE ON DELETE SET NULL");
    seq(&r.b, "Post_id_seq", "integer", "\"Post\".\"id\"");
    run_diff(&r);
    CHECK_STR(r.script,
              "-- CreateEnum\n"
              "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n"
              "\n"
              "-- CreateTable\n"
              "CREATE TABLE \"Post\" (\n"
              "    \"id\" SERIAL NOT NULL,\n"
              "    \"title\" character varying(255) NOT NULL,\n"
              "    \"authorId\" integer,\n"
              "\n"
              "    CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\")\n"
              ");\n"
              "\n"
              "-- CreateTable\n"
              "CREATE TABLE \"User\" (\n"
              "    \"id\" SERIAL NOT NULL,\n"
              "    \"email\" text NOT NULL,\n"
              "    \"name\" text,\n"
              "    \"role\" \"Role\" NOT NULL DEFAULT 'USER'::\"Role\",\n"
              "\n"
              "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n"
              ");\n"
              "\n"
              "-- CreateIndex\n"
              "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
              "\n"
              "-- AddForeignKey\n"
              "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY "
              "(\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n");
    CHECK_STR(r.summary, "Added the `Post` table\n"
                         "Added the `User` table\n"
                         "Added the enum `Role` (USER, ADMIN)\n");
    /* the sequences are SERIAL's: no change of their own */
    CHECK(!find_change(&r, DO_SEQUENCE, "User_id_seq"));
    run_release(&r);
}

/* Prisma's classic: a column dropped, a required one added. */
static void test_drop_and_add_required_column(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "SystemPrompt");
    col(t, "id", "text", 1, NULL);
    col(t, "prompt", "text", 1, NULL);
    pk(t, "id", "PRIMARY KEY (id)");
    t = tbl(&r.b, "SystemPrompt");
    col(t, "id", "text", 1, NULL);
    col(t, "organizationId", "text", 1, NULL);
    pk(t, "id", "PRIMARY KEY (id)");
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - You are about to drop the column `prompt` on the `SystemPrompt` table. All the "
              "data in the column will be lost.\n"
              "  - Added the required column `organizationId` to the `SystemPrompt` table without "
              "a default value. This is not possible if the table is not empty.\n"
              "\n"
              "*/\n"
              "-- AlterTable\n"
              "ALTER TABLE \"SystemPrompt\" DROP COLUMN \"prompt\",\n"
              "ADD COLUMN     \"organizationId\" text NOT NULL;\n");
    CHECK_STR(r.summary, "Changed the `SystemPrompt` table:\n"
                         "  - added column `organizationId` (text, NOT NULL, no default: fails on "
                         "a table with rows)\n"
                         "  - dropped column `prompt` (text)\n");
    const struct d_change *c = find_change(&r, DO_COLUMN, "organizationId");
    CHECK(c && c->kind == D_ADD && c->data_dependent && !c->destructive);
    c = find_change(&r, DO_COLUMN, "prompt");
    CHECK(c && c->kind == D_DROP && c->destructive && c->parent_kind == DO_TABLE);
    run_release(&r);
}

static void test_renames_are_a_drop_and_an_add(void)
{
    struct run r;
    run_init(&r);
    col(tbl(&r.a, "Old"), "id", "integer", 1, NULL);
    col(tbl(&r.b, "New"), "id", "integer", 1, NULL);
    run_diff(&r);
    CHECK_STR(r.script, "/*\n"
                        "  Warnings:\n"
                        "\n"
                        "  - You are about to drop the `Old` table. If the table is not empty, all "
                        "the data it contains will be lost.\n"
                        "\n"
                        "*/\n"
                        "-- DropTable\n"
                        "DROP TABLE \"Old\";\n"
                        "\n"
                        "-- CreateTable\n"
                        "CREATE TABLE \"New\" (\n"
                        "    \"id\" integer NOT NULL\n"
                        ");\n");
    CHECK_STR(r.summary, "Added the `New` table\nDropped the `Old` table\n");
    run_release(&r);
}

/* Dropping a table referenced by a foreign key: the key goes first; the SERIAL sequence goes
 * with its table. */
static void test_drop_referenced_table(void)
{
    struct run r;
    run_init(&r);
    user_table(&r.a);
    struct m_table *p = tbl(&r.a, "Post");
    col(p, "id", "integer", 1, NULL);
    col(p, "authorId", "integer", 0, NULL);
    fk(p, "Post_authorId_fkey", "authorId", "User", "id",
       "FOREIGN KEY (\"authorId\") REFERENCES \"User\"(id) ON UPDATE CASCADE ON DELETE SET NULL");
    p = tbl(&r.b, "Post");
    col(p, "id", "integer", 1, NULL);
    col(p, "authorId", "integer", 0, NULL);
    run_diff(&r);
    CHECK_STR(r.script, "/*\n"
                        "  Warnings:\n"
                        "\n"
                        "  - You are about to drop the `User` table. If the table is not empty, "
                        "all the data it contains will be lost.\n"
                        "\n"
                        "*/\n"
                        "-- DropForeignKey\n"
                        "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n"
                        "\n"
                        "-- DropTable\n"
                        "DROP TABLE \"User\";\n");
    CHECK_STR(r.summary, "Changed the `Post` table:\n"
                         "  - dropped foreign key `Post_authorId_fkey` (authorId) -> `User` (id)\n"
                         "Dropped the `User` table\n");
    CHECK(!find_change(&r, DO_SEQUENCE, "User_id_seq"));
    run_release(&r);
}

/* Removing a value: Prisma's new type / convert / rename dance, defaults dropped and set. */
static void test_enum_value_removal(void)
{
    struct run r;
    run_init(&r);
    enm(&r.a, "Role", "USER,ADMIN,GUEST");
    struct m_table *u = tbl(&r.a, "User");
    col(u, "id", "integer", 1, NULL);
    col(u, "role", "\"Role\"", 1, "'GUEST'::\"Role\"");
    col(u, "roles", "\"Role\"[]", 0, NULL);
    enm(&r.b, "Role", "USER,ADMIN");
    u = tbl(&r.b, "User");
    col(u, "id", "integer", 1, NULL);
    col(u, "role", "\"Role\"", 1, "'USER'::\"Role\"");
    col(u, "roles", "\"Role\"[]", 0, NULL);
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - The values [GUEST] on the enum `Role` will be removed. If these variants are "
              "still used in the database, this will fail.\n"
              "\n"
              "*/\n"
              "-- AlterEnum\n"
              "CREATE TYPE \"Role_new\" AS ENUM ('USER', 'ADMIN');\n"
              "ALTER TABLE \"User\" ALTER COLUMN \"role\" DROP DEFAULT;\n"
              "ALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING "
              "(\"role\"::text::\"Role_new\");\n"
              "ALTER TABLE \"User\" ALTER COLUMN \"roles\" TYPE \"Role_new\"[] USING "
              "(\"roles\"::text[]::\"Role_new\"[]);\n"
              "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\n"
              "ALTER TYPE \"Role_new\" RENAME TO \"Role\";\n"
              "DROP TYPE \"Role_old\";\n"
              "ALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'USER'::\"Role\";\n");
    CHECK_STR(r.summary,
              "Changed the `User` table:\n"
              "  - altered column `role` (default 'GUEST'::\"Role\" -> 'USER'::\"Role\")\n"
              "Changed the enum `Role`:\n"
              "  - values removed: the type is rebuilt with the values (USER, ADMIN)\n"
              "  - removed value `GUEST`\n");
    const struct d_change *c = find_change(&r, DO_ENUM, "Role");
    CHECK(c && c->kind == D_CHANGE && (c->flags & DF_ENUM_REBUILD) && c->destructive &&
          c->data_dependent && c->warning);
    c = find_change(&r, DO_ENUM_VALUE, "GUEST");
    CHECK(c && c->kind == D_DROP && !c->warning && c->parent_kind == DO_ENUM);
    run_release(&r);
}

/* Removal while a table using the enum is dropped: the old type is dropped after the table. */
static void test_enum_value_removal_with_dropped_table(void)
{
    struct run r;
    run_init(&r);
    enm(&r.a, "Role", "A,B");
    struct m_table *t = tbl(&r.a, "Gone");
    col(t, "role", "\"Role\"", 0, NULL);
    enm(&r.b, "Role", "A");
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - The values [B] on the enum `Role` will be removed. If these variants are still "
              "used in the database, this will fail.\n"
              "  - You are about to drop the `Gone` table. If the table is not empty, all the "
              "data it contains will be lost.\n"
              "\n"
              "*/\n"
              "-- AlterEnum\n"
              "CREATE TYPE \"Role_new\" AS ENUM ('A');\n"
              "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\n"
              "ALTER TYPE \"Role_new\" RENAME TO \"Role\";\n"
              "\n"
              "-- DropTable\n"
              "DROP TABLE \"Gone\";\n"
              "\n"
              "-- DropEnum\n"
              "DROP TYPE \"Role_old\";\n");
    run_release(&r);
}

/* Values added where they belong; using one in the same migration is a warning. */
static void test_enum_values_added(void)
{
    struct run r;
    run_init(&r);
    enm(&r.a, "Role", "USER,ADMIN");
    enm(&r.b, "Role", "USER,MOD,ADMIN,OWNER");
    col(tbl(&r.a, "User"), "role", "\"Role\"", 1, "'USER'::\"Role\"");
    col(tbl(&r.b, "User"), "role", "\"Role\"", 1, "'MOD'::\"Role\"");
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - The value `MOD` added to the enum `Role` is used in this migration. PostgreSQL "
              "refuses to use a new enum value in the transaction that adds it: add the value in "
              "a migration of its own.\n"
              "\n"
              "*/\n"
              "-- AlterEnum\n"
              "ALTER TYPE \"Role\" ADD VALUE 'MOD' BEFORE 'ADMIN';\n"
              "ALTER TYPE \"Role\" ADD VALUE 'OWNER';\n"
              "\n"
              "-- AlterTable\n"
              "ALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'MOD'::\"Role\";\n");
    CHECK_STR(r.summary, "Changed the `User` table:\n"
                         "  - altered column `role` (default 'USER'::\"Role\" -> 'MOD'::\"Role\")\n"
                         "Changed the enum `Role`:\n"
                         "  - added value `MOD` before `ADMIN`\n"
                         "  - added value `OWNER`\n");
    run_release(&r);
}

static void test_enum_reorder_rebuilds_without_warning(void)
{
    struct run r;
    run_init(&r);
    enm(&r.a, "E", "A,B");
    enm(&r.b, "E", "B,A");
    run_diff(&r);
    CHECK_STR(r.script, "-- AlterEnum\n"
                        "CREATE TYPE \"E_new\" AS ENUM ('B', 'A');\n"
                        "ALTER TYPE \"E\" RENAME TO \"E_old\";\n"
                        "ALTER TYPE \"E_new\" RENAME TO \"E\";\n"
                        "DROP TYPE \"E_old\";\n");
    CHECK_STR(r.summary, "Changed the enum `E`:\n"
                         "  - values reordered: the type is rebuilt with the values (B, A)\n");
    run_release(&r);
}

/* Type changes: widening needs nothing, a cast gets USING, defaults are reset around it. */
static void test_column_changes(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "T");
    col(t, "id", "integer", 1, NULL);
    col(t, "code", "text", 0, "'1'::text");
    col(t, "title", "character varying(100)", 0, NULL);
    col(t, "n", "integer", 0, NULL);
    col(t, "bio", "text", 0, NULL);
    t = tbl(&r.b, "T");
    col(t, "id", "bigint", 1, NULL);
    col(t, "code", "integer", 0, "7");
    col(t, "title", "character varying(20)", 1, NULL);
    col(t, "n", "integer", 0, "0");
    col(t, "biography", "text", 0, NULL);
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - You are about to drop the column `bio` on the `T` table. All the data in the "
              "column will be lost.\n"
              "  - You are about to alter the column `code` on the `T` table. The data in that "
              "column will be cast from `text` to `integer`. This cast may fail. Please make sure "
              "the data in the column can be cast.\n"
              "  - You are about to alter the column `title` on the `T` table. The data in that "
              "column could be lost. The data in that column will be cast from `character "
              "varying(100)` to `character varying(20)`.\n"
              "  - Made the column `title` on table `T` required. This step will fail if there "
              "are existing NULL values in that column.\n"
              "\n"
              "*/\n"
              "-- AlterTable\n"
              "ALTER TABLE \"T\" DROP COLUMN \"bio\",\n"
              "ADD COLUMN     \"biography\" text,\n"
              "ALTER COLUMN \"id\" SET DATA TYPE bigint,\n"
              "ALTER COLUMN \"code\" DROP DEFAULT,\n"
              "ALTER COLUMN \"code\" SET DATA TYPE integer USING (\"code\"::integer),\n"
              "ALTER COLUMN \"code\" SET DEFAULT 7,\n"
              "ALTER COLUMN \"title\" SET DATA TYPE character varying(20),\n"
              "ALTER COLUMN \"title\" SET NOT NULL,\n"
              "ALTER COLUMN \"n\" SET DEFAULT 0;\n");
    CHECK_STR(r.summary,
              "Changed the `T` table:\n"
              "  - dropped column `bio` (text)\n"
              "  - added column `biography` (text)\n"
              "  - altered column `code` (type `text` -> `integer`, default '1'::text -> 7)\n"
              "  - altered column `id` (type `integer` -> `bigint`)\n"
              "  - altered column `n` (default 0 added)\n"
              "  - altered column `title` (type `character varying(100)` -> `character "
              "varying(20)`, made required)\n");
    const struct d_change *c = find_change(&r, DO_COLUMN, "id");
    CHECK(c && c->flags == DF_TYPE_ASSIGN && !c->warning);
    c = find_change(&r, DO_COLUMN, "code");
    CHECK(c && c->flags == DF_TYPE_CAST && c->data_dependent && !c->destructive);
    /* a narrowing keeps PostgreSQL's assignment cast: too long a value fails, not truncated */
    c = find_change(&r, DO_COLUMN, "title");
    CHECK(c && c->flags == DF_TYPE_ASSIGN && c->data_dependent && c->destructive);
    run_release(&r);
}

static void test_enum_typed_and_array_columns(void)
{
    struct run r;
    run_init(&r);
    enm(&r.a, "Color", "RED");
    enm(&r.b, "Color", "RED");
    struct m_table *t = tbl(&r.a, "T");
    col(t, "a", "text", 0, NULL);
    col(t, "b", "\"Color\"", 0, NULL);
    col(t, "c", "integer", 0, NULL);
    col(t, "d", "integer[]", 0, NULL);
    t = tbl(&r.b, "T");
    col(t, "a", "\"Color\"", 0, NULL);
    col(t, "b", "text", 0, NULL);
    col(t, "c", "integer[]", 0, NULL);
    col(t, "d", "integer", 0, NULL);
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - You are about to alter the column `a` on the `T` table. The data in that "
              "column will be cast from `text` to `\"Color\"`. This cast may fail. Please make "
              "sure the data in the column can be cast.\n"
              "  - Changed the column `d` on the `T` table from a list field to a scalar field. "
              "Only the first element of each list is kept.\n"
              "\n"
              "*/\n"
              "-- AlterTable\n"
              "ALTER TABLE \"T\" ALTER COLUMN \"a\" SET DATA TYPE \"Color\" USING "
              "(\"a\"::text::\"Color\"),\n"
              "ALTER COLUMN \"b\" SET DATA TYPE text,\n"
              "ALTER COLUMN \"c\" SET DATA TYPE integer[] USING (CASE WHEN \"c\" IS NULL THEN "
              "NULL ELSE ARRAY[\"c\"] END)::integer[],\n"
              "ALTER COLUMN \"d\" SET DATA TYPE integer USING (\"d\"[1]::integer);\n");
    run_release(&r);
}

/* A generation expression change re-creates the column, and the index on it. */
static void test_generated_column_recreated_with_its_index(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "P");
    col(t, "first", "text", 0, NULL);
    col(t, "full", "text", 0, NULL)->generated = xstrdup("upper(first)");
    idx(t, "P_full_idx", "full", 0, "CREATE INDEX \"P_full_idx\" ON \"P\" USING btree (\"full\")");
    t = tbl(&r.b, "P");
    col(t, "first", "text", 0, NULL);
    col(t, "full", "text", 0, NULL)->generated = xstrdup("lower(first)");
    idx(t, "P_full_idx", "full", 0, "CREATE INDEX \"P_full_idx\" ON \"P\" USING btree (\"full\")");
    run_diff(&r);
    CHECK_STR(r.script, "-- DropIndex\n"
                        "DROP INDEX \"P_full_idx\";\n"
                        "\n"
                        "-- AlterTable\n"
                        "ALTER TABLE \"P\" DROP COLUMN \"full\",\n"
                        "ADD COLUMN     \"full\" text GENERATED ALWAYS AS (lower(first)) STORED;\n"
                        "\n"
                        "-- CreateIndex\n"
                        "CREATE INDEX \"P_full_idx\" ON \"P\"(\"full\");\n");
    CHECK(find_change(&r, DO_COLUMN, "full")->flags == DF_RECREATE);
    run_release(&r);
}

static void test_unique_index_and_check_on_existing_table(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "User");
    col(t, "id", "integer", 1, NULL);
    col(t, "email", "text", 1, NULL);
    pk(t, "id", "PRIMARY KEY (id)");
    t = tbl(&r.b, "User");
    col(t, "id", "integer", 1, NULL);
    col(t, "email", "text", 1, NULL);
    pk(t, "id", "PRIMARY KEY (id)");
    idx(t, "User_email_key", "email", 1,
        "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\" USING btree (email)");
    con(t, "email_len", 'c', "email", "CHECK ((length(email) > 3))");
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - A check constraint `email_len` on the table `User` will be added. If existing "
              "rows do not satisfy it, this will fail.\n"
              "  - A unique constraint covering the columns `[email]` on the table `User` will be "
              "added. If there are existing duplicate values, this will fail.\n"
              "\n"
              "*/\n"
              "-- AlterTable\n"
              "ALTER TABLE \"User\" ADD CONSTRAINT \"email_len\" CHECK ((length(email) > 3));\n"
              "\n"
              "-- CreateIndex\n"
              "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n");
    CHECK_STR(r.summary, "Changed the `User` table:\n"
                         "  - added check constraint `email_len` CHECK ((length(email) > 3))\n"
                         "  - added unique index `User_email_key` (email)\n");
    run_release(&r);
}

/* Indexes PostgreSQL renders with more than plain columns keep PostgreSQL's text (ON ONLY, an
 * index of a partitioned table, becomes ON so that partitions get theirs). */
static void test_index_definitions_kept_when_not_plain(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.b, "T");
    col(t, "a", "text", 0, NULL);
    t->kind = 'p';
    t->partition_key = xstrdup("RANGE (a)");
    idx(t, "T_lower_idx", "lower(a)", 0,
        "CREATE INDEX \"T_lower_idx\" ON ONLY \"T\" USING btree (lower(a))");
    idx(t, "T_a_desc", "a", 0, "CREATE INDEX \"T_a_desc\" ON ONLY \"T\" USING btree (a DESC)");
    run_diff(&r);
    CHECK_STR(r.script, "-- CreateTable\n"
                        "CREATE TABLE \"T\" (\n"
                        "    \"a\" text\n"
                        ") PARTITION BY RANGE (a);\n"
                        "\n"
                        "-- CreateIndex\n"
                        "CREATE INDEX \"T_a_desc\" ON \"T\" USING btree (a DESC);\n"
                        "\n"
                        "-- CreateIndex\n"
                        "CREATE INDEX \"T_lower_idx\" ON \"T\" USING btree (lower(a));\n");
    run_release(&r);
}

/* A changed foreign key over the same columns cannot fail on existing rows: no warning; a
 * foreign key with MATCH FULL keeps PostgreSQL's text. */
static void test_foreign_key_changes(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "Post");
    col(t, "userId", "integer", 0, NULL);
    col(t, "orgId", "integer", 0, NULL);
    fk(t, "Post_userId_fkey", "userId", "User", "id",
       "FOREIGN KEY (\"userId\") REFERENCES \"User\"(id)");
    col(tbl(&r.a, "User"), "id", "integer", 1, NULL);
    col(tbl(&r.a, "Org"), "id", "integer", 1, NULL);
    t = tbl(&r.b, "Post");
    col(t, "userId", "integer", 0, NULL);
    col(t, "orgId", "integer", 0, NULL);
    fk(t, "Post_userId_fkey", "userId", "User", "id",
       "FOREIGN KEY (\"userId\") REFERENCES \"User\"(id) ON DELETE CASCADE");
    fk(t, "Post_orgId_fkey", "orgId", "Org", "id",
       "FOREIGN KEY (\"orgId\") REFERENCES \"Org\"(id) MATCH FULL DEFERRABLE");
    col(tbl(&r.b, "User"), "id", "integer", 1, NULL);
    col(tbl(&r.b, "Org"), "id", "integer", 1, NULL);
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - A foreign key covering the columns `[orgId]` on the table `Post` will be "
              "added. If existing values have no match in `Org`, this will fail.\n"
              "\n"
              "*/\n"
              "-- DropForeignKey\n"
              "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_userId_fkey\";\n"
              "\n"
              "-- AddForeignKey\n"
              "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_orgId_fkey\" FOREIGN KEY (\"orgId\") "
              "REFERENCES \"Org\"(id) MATCH FULL DEFERRABLE;\n"
              "\n"
              "-- AddForeignKey\n"
              "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY (\"userId\") "
              "REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION;\n");
    run_release(&r);
}

/* A primary key dropped under a foreign key: the key referencing it is dropped and re-added. */
static void test_foreign_key_follows_the_key_it_references(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "User");
    col(t, "id", "integer", 1, NULL);
    con(t, "User_pkey", 'p', "id", "PRIMARY KEY (id)");
    t = tbl(&r.a, "Post");
    col(t, "userId", "integer", 0, NULL);
    fk(t, "Post_userId_fkey", "userId", "User", "id",
       "FOREIGN KEY (\"userId\") REFERENCES \"User\"(id)");
    t = tbl(&r.b, "User");
    col(t, "id", "integer", 1, NULL);
    con(t, "User_id_pk", 'p', "id", "PRIMARY KEY (id)");
    t = tbl(&r.b, "Post");
    col(t, "userId", "integer", 0, NULL);
    fk(t, "Post_userId_fkey", "userId", "User", "id",
       "FOREIGN KEY (\"userId\") REFERENCES \"User\"(id)");
    run_diff(&r);
    CHECK_STR(r.script,
              "/*\n"
              "  Warnings:\n"
              "\n"
              "  - The primary key for the `User` table will be changed. If it partially fails, "
              "the table could be left without primary key constraint.\n"
              "\n"
              "*/\n"
              "-- DropForeignKey\n"
              "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_userId_fkey\";\n"
              "\n"
              "-- AlterTable\n"
              "ALTER TABLE \"User\" DROP CONSTRAINT \"User_pkey\",\n"
              "ADD CONSTRAINT \"User_id_pk\" PRIMARY KEY (\"id\");\n"
              "\n"
              "-- AddForeignKey\n"
              "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY (\"userId\") "
              "REFERENCES \"User\"(\"id\") ON DELETE NO ACTION ON UPDATE NO ACTION;\n");
    run_release(&r);
}

/* Views: replaced in place when the old columns stay first; dropped and created when a column
 * they use changes type, and so are the views over those. */
static void test_views(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "User");
    col(t, "id", "integer", 1, NULL);
    col(t, "age", "integer", 0, NULL);
    col(t, "name", "text", 0, NULL);
    view(&r.a, "Names", " SELECT \"User\".id,\n    \"User\".name\n   FROM \"User\";");
    view(&r.a, "Ages", " SELECT \"User\".id,\n    \"User\".age\n   FROM \"User\";");
    view(&r.a, "Adults", " SELECT \"Ages\".id\n   FROM \"Ages\"\n  WHERE \"Ages\".age >= 18;");
    view(&r.a, "Gone", " SELECT 1 AS one;");
    t = tbl(&r.b, "User");
    col(t, "id", "integer", 1, NULL);
    col(t, "age", "bigint", 0, NULL);
    col(t, "name", "text", 0, NULL);
    view(&r.b, "Names",
         " SELECT \"User\".id,\n    \"User\".name,\n    \"User\".age\n   FROM \"User\"\n  WHERE "
         "\"User\".name IS NOT NULL;");
    view(&r.b, "Ages", " SELECT \"User\".id,\n    \"User\".age\n   FROM \"User\";");
    view(&r.b, "Adults", " SELECT \"Ages\".id\n   FROM \"Ages\"\n  WHERE \"Ages\".age >= 18;");
    run_diff(&r);
    CHECK_STR(r.script, "-- DropView\n"
                        "DROP VIEW \"Gone\";\n"
                        "\n"
                        "-- DropView\n"
                        "DROP VIEW \"Adults\";\n"
                        "\n"
                        "-- DropView\n"
                        "DROP VIEW \"Ages\";\n"
                        "\n"
                        "-- AlterTable\n"
                        "ALTER TABLE \"User\" ALTER COLUMN \"age\" SET DATA TYPE bigint;\n"
                        "\n"
                        "-- CreateView\n"
                        "CREATE VIEW \"Ages\" AS\n"
                        " SELECT \"User\".id,\n"
                        "    \"User\".age\n"
                        "   FROM \"User\";\n"
                        "\n"
                        "-- CreateView\n"
                        "CREATE VIEW \"Adults\" AS\n"
                        " SELECT \"Ages\".id\n"
                        "   FROM \"Ages\"\n"
                        "  WHERE \"Ages\".age >= 18;\n"
                        "\n"
                        "-- CreateView\n"
                        "CREATE OR REPLACE VIEW \"Names\" AS\n"
                        " SELECT \"User\".id,\n"
                        "    \"User\".name,\n"
                        "    \"User\".age\n"
                        "   FROM \"User\"\n"
                        "  WHERE \"User\".name IS NOT NULL;\n");
    CHECK_STR(r.summary, "Changed the `User` table:\n"
                         "  - altered column `age` (type `integer` -> `bigint`)\n"
                         "Dropped the view `Gone`\n"
                         "Changed the view `Names`:\n"
                         "  - definition changed (replaced in place)\n");
    CHECK(find_change(&r, DO_VIEW, "Names")->flags == DF_REPLACE);
    run_release(&r);
}

static void test_view_whose_columns_change_is_recreated(void)
{
    struct run r;
    run_init(&r);
    view(&r.a, "V", " SELECT 1 AS a,\n    2 AS b;");
    view(&r.b, "V", " SELECT 2 AS b;");
    run_diff(&r);
    CHECK_STR(r.script, "-- DropView\n"
                        "DROP VIEW \"V\";\n"
                        "\n"
                        "-- CreateView\n"
                        "CREATE VIEW \"V\" AS\n"
                        " SELECT 2 AS b;\n");
    CHECK(find_change(&r, DO_VIEW, "V")->flags == 0);
    run_release(&r);
}

/* Functions: CREATE OR REPLACE when the signature holds, drop and create when the result type
 * changes; one a default uses comes before the tables. */
static void test_functions(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "Post");
    col(t, "id", "integer", 1, NULL);
    trg(t, "Post_touch",
        "CREATE TRIGGER \"Post_touch\" BEFORE UPDATE ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
        "touch()");
    func(&r.a, "touch", "", "trigger",
         "CREATE OR REPLACE FUNCTION touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS "
         "$function$ BEGIN RETURN NEW; END $function$\n");
    func(&r.a, "old", "x integer", "integer",
         "CREATE OR REPLACE FUNCTION old(x integer)\n RETURNS integer\n LANGUAGE sql\nAS "
         "$function$SELECT x$function$\n");
    func(&r.a, "gone", "", "integer",
         "CREATE OR REPLACE FUNCTION gone()\n RETURNS integer\n LANGUAGE sql\nAS "
         "$function$SELECT 1$function$\n");
    t = tbl(&r.b, "Post");
    col(t, "id", "integer", 1, NULL);
    col(t, "n", "integer", 0, "\"nextN\"()");
    trg(t, "Post_touch",
        "CREATE TRIGGER \"Post_touch\" BEFORE UPDATE ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
        "touch()");
    func(&r.b, "touch", "", "trigger",
         "CREATE OR REPLACE FUNCTION touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS "
         "$function$ BEGIN NEW.id := NEW.id; RETURN NEW; END $function$\n");
    func(&r.b, "old", "x integer", "bigint",
         "CREATE OR REPLACE FUNCTION old(x integer)\n RETURNS bigint\n LANGUAGE sql\nAS "
         "$function$SELECT x::bigint$function$\n");
    func(&r.b, "nextN", "", "integer",
         "CREATE OR REPLACE FUNCTION \"nextN\"()\n RETURNS integer\n LANGUAGE sql\nAS "
         "$function$SELECT 1$function$\n");
    run_diff(&r);
    CHECK_STR(r.script, "-- CreateFunction\n"
                        "CREATE OR REPLACE FUNCTION \"nextN\"()\n"
                        " RETURNS integer\n"
                        " LANGUAGE sql\n"
                        "AS $function$SELECT 1$function$;\n"
                        "\n"
                        "-- AlterTable\n"
                        "ALTER TABLE \"Post\" ADD COLUMN     \"n\" integer DEFAULT \"nextN\"();\n"
                        "\n"
                        "-- DropFunction\n"
                        "DROP FUNCTION \"gone\"();\n"
                        "\n"
                        "-- CreateFunction\n"
                        "DROP FUNCTION \"old\"(x integer);\n"
                        "CREATE OR REPLACE FUNCTION old(x integer)\n"
                        " RETURNS bigint\n"
                        " LANGUAGE sql\n"
                        "AS $function$SELECT x::bigint$function$;\n"
                        "\n"
                        "-- CreateFunction\n"
                        "CREATE OR REPLACE FUNCTION touch()\n"
                        " RETURNS trigger\n"
                        " LANGUAGE plpgsql\n"
                        "AS $function$ BEGIN NEW.id := NEW.id; RETURN NEW; END $function$;\n");
    CHECK_STR(r.summary, "Changed the `Post` table:\n"
                         "  - added column `n` (integer, default \"nextN\"())\n"
                         "Dropped the function `gone()`\n"
                         "Added the function `nextN()`\n"
                         "Changed the function `old(x integer)` (dropped and created again)\n"
                         "Changed the function `touch()` (replaced in place)\n");
    run_release(&r);
}

/* A trigger whose function is dropped and created again is dropped first and created after. */
static void test_triggers(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "Post");
    trg(t, "audit",
        "CREATE TRIGGER audit AFTER INSERT ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
        "log_it()");
    trg(t, "quiet",
        "CREATE TRIGGER quiet AFTER DELETE ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
        "noop()");
    func(&r.a, "log_it", "", "trigger", "CREATE OR REPLACE FUNCTION log_it()\n RETURNS trigger\n");
    t = tbl(&r.b, "Post");
    trg(t, "audit",
        "CREATE TRIGGER audit AFTER INSERT ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
        "log_it()");
    trg(t, "quiet",
        "CREATE TRIGGER quiet AFTER DELETE ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
        "noop()")
        ->enabled = 0;
    func(&r.b, "log_it", "", "integer", "CREATE OR REPLACE FUNCTION log_it()\n RETURNS integer\n");
    run_diff(&r);
    CHECK_STR(r.script,
              "-- DropTrigger\n"
              "DROP TRIGGER \"audit\" ON \"Post\";\n"
              "\n"
              "-- CreateFunction\n"
              "DROP FUNCTION \"log_it\"();\n"
              "CREATE OR REPLACE FUNCTION log_it()\n"
              " RETURNS integer;\n"
              "\n"
              "-- CreateTrigger\n"
              "CREATE TRIGGER audit AFTER INSERT ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
              "log_it();\n"
              "\n"
              "-- DisableTrigger\n"
              "ALTER TABLE \"Post\" DISABLE TRIGGER \"quiet\";\n");
    CHECK_STR(r.summary, "Changed the `Post` table:\n"
                         "  - disabled trigger `quiet`\n"
                         "Changed the function `log_it()` (dropped and created again)\n");
    run_release(&r);
}

static void test_sequences_and_comments(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "User");
    col(t, "id", "integer", 1, NULL);
    t->comment = xstrdup("people");
    seq(&r.a, "counter", "bigint", NULL);
    seq(&r.a, "unused", "bigint", NULL);
    t = tbl(&r.b, "User");
    col(t, "id", "integer", 1, NULL);
    t->columns[0].comment = xstrdup("it's the id");
    seq(&r.b, "counter", "bigint", NULL)->increment = 5;
    struct m_sequence *q = seq(&r.b, "invoice", "integer", "\"User\".\"id\"");
    q->start = 1000;
    q->comment = xstrdup("numbers");
    run_diff(&r);
    CHECK_STR(r.script, "-- AlterSequence\n"
                        "ALTER SEQUENCE \"counter\" INCREMENT BY 5;\n"
                        "\n"
                        "-- CreateSequence\n"
                        "CREATE SEQUENCE \"invoice\" AS integer START WITH 1000;\n"
                        "\n"
                        "-- DropSequence\n"
                        "DROP SEQUENCE \"unused\";\n"
                        "\n"
                        "-- AlterSequence\n"
                        "ALTER SEQUENCE \"invoice\" OWNED BY \"User\".\"id\";\n"
                        "\n"
                        "-- Comment\n"
                        "COMMENT ON SEQUENCE \"invoice\" IS 'numbers';\n"
                        "\n"
                        "-- Comment\n"
                        "COMMENT ON TABLE \"User\" IS NULL;\n"
                        "COMMENT ON COLUMN \"User\".\"id\" IS 'it''s the id';\n");
    CHECK_STR(r.summary, "Changed the `User` table:\n"
                         "  - removed the comment on the table\n"
                         "  - set the comment on column `id`\n"
                         "Changed the sequence `counter` (increment 1 -> 5)\n"
                         "Added the sequence `invoice`\n"
                         "Dropped the sequence `unused`\n");
    run_release(&r);
}

/* Models over several schemas: every name is qualified (also in the summary). */
static void test_several_schemas_qualify_every_name(void)
{
    struct run r;
    run_init(&r);
    sch(&r.a, "public");
    sch(&r.b, "public");
    sch(&r.b, "auth");
    struct m_table *t = tbl(&r.b, "User");
    free(t->schema);
    t->schema = xstrdup("auth");
    col(t, "id", "integer", 1, NULL);
    pk(t, "id", "PRIMARY KEY (id)");
    t = tbl(&r.b, "Post");
    col(t, "id", "integer", 1, NULL);
    col(t, "userId", "integer", 1, NULL);
    struct m_constraint *k = fk(t, "Post_userId_fkey", "userId", "User", "id",
                                "FOREIGN KEY (\"userId\") REFERENCES auth.\"User\"(id)");
    free(k->ref_schema);
    k->ref_schema = xstrdup("auth");
    run_diff(&r);
    CHECK_INT(r.d.qualify, 1);
    CHECK_STR(r.script,
              "-- CreateSchema\n"
              "CREATE SCHEMA IF NOT EXISTS \"auth\";\n"
              "\n"
              "-- CreateTable\n"
              "CREATE TABLE \"auth\".\"User\" (\n"
              "    \"id\" integer NOT NULL,\n"
              "\n"
              "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n"
              ");\n"
              "\n"
              "-- CreateTable\n"
              "CREATE TABLE \"public\".\"Post\" (\n"
              "    \"id\" integer NOT NULL,\n"
              "    \"userId\" integer NOT NULL\n"
              ");\n"
              "\n"
              "-- AddForeignKey\n"
              "ALTER TABLE \"public\".\"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY "
              "(\"userId\") REFERENCES \"auth\".\"User\"(\"id\") ON DELETE NO ACTION ON UPDATE NO "
              "ACTION;\n");
    CHECK_STR(r.summary, "Added the `auth.User` table\n"
                         "Added the `public.Post` table\n"
                         "Added the schema `auth`\n");
    run_release(&r);
}

/* One schema (here not public): nothing is qualified, so the script follows search_path. */
static void test_one_schema_is_left_unqualified(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.b, "T");
    free(t->schema);
    t->schema = xstrdup("app");
    col(t, "id", "integer", 1, NULL);
    run_diff(&r);
    CHECK_INT(r.d.qualify, 0);
    CHECK_STR(r.script, "-- CreateTable\n"
                        "CREATE TABLE \"T\" (\n"
                        "    \"id\" integer NOT NULL\n"
                        ");\n");
    run_release(&r);
}

/* Changes come sorted by kind, schema, parent, name whatever the models' order. */
static void test_changes_are_ordered(void)
{
    struct run r;
    run_init(&r);
    col(tbl(&r.b, "b"), "x", "integer", 0, NULL);
    col(tbl(&r.b, "a"), "x", "integer", 0, NULL);
    enm(&r.b, "E", "A");
    run_diff(&r);
    CHECK_INT(r.d.n, 3);
    CHECK(r.d.v[0].obj == DO_ENUM);
    CHECK_STR(r.d.v[1].name, "a");
    CHECK_STR(r.d.v[2].name, "b");
    run_release(&r);
}

/* Identity columns: added, switched, options changed; the old SERIAL sequence goes after its
 * default does; the new identity goes on after the values already in the column. */
static void test_identity_columns(void)
{
    struct run r;
    run_init(&r);
    struct m_table *t = tbl(&r.a, "A");
    col(t, "id", "integer", 1, "nextval('\"A_id_seq\"'::regclass)");
    col(t, "k", "integer", 1, NULL)->identity = 'd';
    seq(&r.a, "A_id_seq", "integer", "\"A\".\"id\"");
    t = tbl(&r.b, "A");
    struct m_column *c = col(t, "id", "integer", 1, NULL);
    c->identity = 'a';
    c->identity_options = xstrdup("START WITH 100");
    c = col(t, "k", "integer", 1, NULL);
    c->identity = 'a';
    c->identity_options = xstrdup("INCREMENT BY 2");
    run_diff(&r);
    CHECK_STR(r.script,
              "-- AlterTable\n"
              "ALTER TABLE \"A\" ALTER COLUMN \"id\" DROP DEFAULT,\n"
              "ALTER COLUMN \"id\" ADD GENERATED ALWAYS AS IDENTITY (START WITH 100),\n"
              "ALTER COLUMN \"k\" SET GENERATED ALWAYS SET INCREMENT BY 2;\n"
              "\n"
              "-- DropSequence\n"
              "DROP SEQUENCE \"A_id_seq\";\n"
              "\n"
              "-- AlterSequence\n"
              "SELECT setval(pg_get_serial_sequence('\"A\"', 'id'), max(\"id\")) FROM \"A\"\n"
              "HAVING max(\"id\") >= (SELECT seqstart FROM pg_catalog.pg_sequence WHERE seqrelid = "
              "pg_get_serial_sequence('\"A\"', 'id')::regclass);\n");
    run_release(&r);
}

int main(void)
{
    RUN(test_no_difference);
    RUN(test_new_enum_tables_and_foreign_key_in_order);
    RUN(test_drop_and_add_required_column);
    RUN(test_renames_are_a_drop_and_an_add);
    RUN(test_drop_referenced_table);
    RUN(test_enum_value_removal);
    RUN(test_enum_value_removal_with_dropped_table);
    RUN(test_enum_values_added);
    RUN(test_enum_reorder_rebuilds_without_warning);
    RUN(test_column_changes);
    RUN(test_enum_typed_and_array_columns);
    RUN(test_generated_column_recreated_with_its_index);
    RUN(test_unique_index_and_check_on_existing_table);
    RUN(test_index_definitions_kept_when_not_plain);
    RUN(test_foreign_key_changes);
    RUN(test_foreign_key_follows_the_key_it_references);
    RUN(test_views);
    RUN(test_view_whose_columns_change_is_recreated);
    RUN(test_functions);
    RUN(test_triggers);
    RUN(test_sequences_and_comments);
    RUN(test_several_schemas_qualify_every_name);
    RUN(test_one_schema_is_left_unqualified);
    RUN(test_changes_are_ordered);
    RUN(test_identity_columns);
    UNIT_DONE();
}
