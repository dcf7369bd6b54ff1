/*
 * test_datasource.c - the datasource block of schema.prisma
 * (prisma/datasource.c): values, skipped properties, comments and strings
 * that must not confuse the reader, located errors, env() resolution.
 */
#include "prisma/datasource.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(const char *text, struct prisma_datasource *ds, struct pm_err *e)
{
    return prisma_datasource_parse("schema.prisma", text, strlen(text), ds, e);
}

static const char example[] =
    "generator client {\n"
    "  provider = \"prisma-client-js\"\n"
    "}\n"
    "// a comment\n"
    "datasource db {\n"
    "  provider  = \"postgresql\"\n"
    "  url       = env(\"DATABASE_URL\")\n"
    "  directUrl = env(\"DIRECT_URL\") // comment\n"
    "  shadowDatabaseUrl = \"postgresql://u:p@h/shadow\"\n"
    "  extensions = [pgcrypto, pg_trgm]\n"
    "  schemas = [\"public\", \"auth\"]\n"
    "}\n"
    "model User {\n"
    "  id String @id @default(uuid()) // datasource db { url = \"not this\" } in a comment\n"
    "}\n";

static void test_example(void)
{
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse(example, &ds, &e), 1);
    CHECK_STR(ds.name, "db");
    CHECK_INT(ds.line, 5);
    CHECK_STR(ds.provider.literal, "postgresql");
    CHECK(ds.provider.env == NULL);
    CHECK_INT(ds.provider.line, 6);
    CHECK(ds.url.literal == NULL);
    CHECK_STR(ds.url.env, "DATABASE_URL");
    CHECK_INT(ds.url.line, 7);
    CHECK_STR(ds.direct_url.env, "DIRECT_URL");
    CHECK_INT(ds.direct_url.line, 8);
    CHECK_STR(ds.shadow_url.literal, "postgresql://u:p@h/shadow");
    CHECK_INT(ds.shadow_url.line, 9);
    CHECK_INT(e.exit_code, 0);
    prisma_datasource_release(&ds);
    CHECK(ds.name == NULL && ds.url.env == NULL);
}

static void test_absent_values(void)
{
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse("datasource pg {\n  provider = \"postgresql\"\n}\n", &ds, &e), 1);
    CHECK_STR(ds.name, "pg");
    CHECK(ds.url.literal == NULL && ds.url.env == NULL);
    CHECK_INT(ds.url.line, 0);
    CHECK_INT(ds.shadow_url.line, 0);
    prisma_datasource_release(&ds);
}

static void test_no_datasource(void)
{
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse("", &ds, &e), 0);
    CHECK_INT(parse("generator client {\n  provider = \"prisma-client-js\"\n}\n"
                    "model A {\n  id Int @id\n  datasource String\n}\n"
                    "// datasource db {\n"
                    "/// datasource db {\n",
                    &ds, &e),
              0);
    CHECK(ds.name == NULL);
    CHECK_INT(e.exit_code, 0);
}

static void test_confusing_neighbours(void)
{
    const char *text = "model A {\n"
                       "  note String @default(\"datasource db { url = \\\"x\\\" }\") // } {\n"
                       "  b    String @default(\"}\")\n"
                       "}\n"
                       "enum E {\n  X // {\n}\n"
                       "type Alias = String\n"
                       "datasource real {\n"
                       "  // url = \"commented\"\n"
                       "  url = \"postgresql://h/db?x={}\" /// doc comment\n"
                       "}\n"
                       "datasource second {\n  url = \"ignored\"\n}\n";
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse(text, &ds, &e), 1);
    CHECK_STR(ds.name, "real");
    CHECK_INT(ds.line, 9);
    CHECK_STR(ds.url.literal, "postgresql://h/db?x={}");
    CHECK_INT(ds.url.line, 11);
    prisma_datasource_release(&ds);
}

static void test_skipped_values(void)
{
    const char *text = "datasource db {\n"
                       "  provider     = \"postgresql\"\n"
                       "  extensions   = [pgcrypto, pg_trgm(map: \"trgm\", schema: \"ext\"), "
                       "postgis(version: \"3.4\")]\n"
                       "  relationMode = \"prisma\"\n"
                       "  schemas      = [\n    \"public\",\n    \"auth\" // x ]\n  ]\n"
                       "  directUrl    = env(\"DIRECT\")\n"
                       "  flag         = true\n"
                       "  n            = -1.5\n"
                       "  path         = a.b.c\n"
                       "  fn           = f(g(h([1, 2]), \")\"))\n"
                       "  url          = \"u\"}\n";
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse(text, &ds, &e), 1);
    CHECK_STR(ds.provider.literal, "postgresql");
    CHECK_STR(ds.direct_url.env, "DIRECT");
    CHECK_INT(ds.direct_url.line, 9);
    CHECK_STR(ds.url.literal, "u");
    CHECK_INT(ds.url.line, 14);
    if (e.primary)
        fprintf(stderr, "  %s at %d:%d\n", e.primary, e.line, e.col);
    prisma_datasource_release(&ds);
    pm_err_release(&e);
}

static void test_string_escapes(void)
{
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse("datasource db {\n  url = \"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude00\\n\\t\"\n}\n",
                    &ds, &e),
              1);
    CHECK_STR(ds.url.literal, "a\"b\\c/d\xC3\xA9\xF0\x9F\x98\x80\n\t");
    prisma_datasource_release(&ds);
}

static void test_crlf_and_bom(void)
{
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(parse("\xEF\xBB\xBF// c\r\ndatasource db {\r\n  provider = \"postgresql\"\r\n"
                    "  url = env(\"DATABASE_URL\")\r\n}\r\n",
                    &ds, &e),
              1);
    CHECK_STR(ds.provider.literal, "postgresql");
    CHECK_STR(ds.url.env, "DATABASE_URL");
    CHECK_INT(ds.url.line, 4);
    prisma_datasource_release(&ds);

    CHECK_INT(parse("datasource db { provider = \"postgresql\" }", &ds, &e), 1);
    CHECK_STR(ds.provider.literal, "postgresql");
    prisma_datasource_release(&ds);
}

/* Expect a located usage error; returns the message (caller releases e). */
static void expect_error(const char *text, const char *primary, int line, int col, struct pm_err *e)
{
    struct prisma_datasource ds;
    CHECK_INT(parse(text, &ds, e), -1);
    CHECK(ds.name == NULL && ds.url.literal == NULL && ds.url.env == NULL);
    CHECK_INT(e->exit_code, PM_EXIT_USAGE);
    CHECK_STR(e->primary, primary);
    CHECK_STR(e->file, "schema.prisma");
    CHECK_INT(e->line, line);
    CHECK_INT(e->col, col);
}

static void test_errors(void)
{
    struct pm_err e = PM_ERR_INIT;
    expect_error("datasource db {\n  provider = \"postgresql\n}\n", "unterminated string literal",
                 2, 14, &e);
    CHECK_STR(e.src_line, "  provider = \"postgresql");
    pm_err_release(&e);

    expect_error("model A {\n}\ndatasource db {\n  url = env(\"X\")\n",
                 "unterminated datasource block: missing \"}\"", 3, 1, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = 42\n}\n",
                 "the value of url must be a string or env(\"NAME\")", 2, 9, &e);
    CHECK_STR(e.hint, "write url = env(\"DATABASE_URL\") or url = \"postgresql://...\"");
    pm_err_release(&e);

    expect_error("datasource db {\n  directUrl = [\"a\"]\n}\n",
                 "the value of directUrl must be a string or env(\"NAME\")", 2, 15, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = env(DATABASE_URL)\n}\n",
                 "env() takes the name of an environment variable in quotes", 2, 13, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = env(\"\")\n}\n",
                 "env() needs the name of an environment variable", 2, 13, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = env(\"A\", \"B\")\n}\n",
                 "expected \")\" after the variable name of env()", 2, 16, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url env(\"X\")\n}\n", "expected \"=\" after url", 2, 7, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url =\n}\n", "missing value after \"=\"", 3, 1, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = \"a\" \"b\"\n}\n",
                 "unexpected text after the value of url", 2, 13, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = \"a\"\n  url = \"b\"\n}\n",
                 "url is set twice in datasource db", 3, 3, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = \"C:\\Users\"\n}\n",
                 "unknown escape sequence in string literal", 2, 12, &e);
    CHECK(e.hint != NULL);
    pm_err_release(&e);

    expect_error("datasource db {\n  url = \"tab\there\"\n}\n",
                 "control character in string literal (write it as an escape)", 2, 13, &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  x = [1, 2\n}\n", "unbalanced brackets in value", 3, 1, &e);
    pm_err_release(&e);

    expect_error("datasource {\n}\n", "expected a name after \"datasource\"", 1, 12, &e);
    pm_err_release(&e);

    expect_error("datasource db\n  url = \"x\"\n", "expected \"{\" after the datasource name", 2, 3,
                 &e);
    pm_err_release(&e);

    expect_error("datasource db {\n  \"url\" = \"x\"\n}\n",
                 "expected a property (key = value) in the datasource block", 2, 3, &e);
    pm_err_release(&e);

    /* An unclosed block before the datasource hides it: say so, not "no datasource". */
    expect_error("model A {\n  id Int\n\ndatasource db {\n  url = \"x\"\n}\n",
                 "unterminated block: missing \"}\"", 1, 9, &e);
    pm_err_release(&e);

    /* Columns count characters, not bytes. */
    expect_error("datasource db {\n  /* é */ url = \"x\"\n}\n",
                 "expected a property (key = value) in the datasource block", 2, 3, &e);
    pm_err_release(&e);
    expect_error("datasource db {\n  é = 1\n}\n",
                 "expected a property (key = value) in the datasource block", 2, 3, &e);
    pm_err_release(&e);
    expect_error("datasource db {\n  url = \"é\" 1\n}\n", "unexpected text after the value of url",
                 2, 13, &e);
    pm_err_release(&e);
}

static void test_read_file(void)
{
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(prisma_datasource_read("/nonexistent/schema.prisma", &ds, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_ENV);
    pm_err_release(&e);

    char path[] = "/tmp/pgmig-ds-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        CHECK(0);
        return;
    }
    const char *bad = "datasource db {\n  url = 42\n}\n";
    CHECK_INT(write(fd, bad, strlen(bad)), (long long)strlen(bad));
    close(fd);
    CHECK_INT(prisma_datasource_read(path, &ds, &e), -1);
    CHECK_STR(e.file, path);
    CHECK_INT(e.line, 2);
    CHECK_INT(e.exit_code, PM_EXIT_USAGE);
    pm_err_release(&e);
    unlink(path);
}

/* The real schemas of tests/../shared/corpus when they are there. */
static void test_corpus(void)
{
    static const struct {
        const char *name, *url_env, *direct_env, *shadow_env;
        int line;
    } cases[] = {
        {"documenso", "NEXT_PRIVATE_DATABASE_URL", "NEXT_PRIVATE_DIRECT_DATABASE_URL", NULL, 21},
        {"langfuse", "DATABASE_URL", "DIRECT_URL", "SHADOW_DATABASE_URL", 9},
    };
    const char *roots[] = {"../shared/corpus", "/work/shared/corpus"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
            char path[512];
            snprintf(path, sizeof(path), "%s/%s/schema.prisma", roots[r], cases[i].name);
            if (access(path, R_OK) != 0)
                continue;
            struct prisma_datasource ds;
            struct pm_err e = PM_ERR_INIT;
            CHECK_INT(prisma_datasource_read(path, &ds, &e), 1);
            CHECK_STR(ds.name, "db");
            CHECK_INT(ds.line, cases[i].line);
            CHECK_STR(ds.provider.literal, "postgresql");
            CHECK_STR(ds.url.env, cases[i].url_env);
            CHECK_STR(ds.direct_url.env, cases[i].direct_env);
            if (cases[i].shadow_env)
                CHECK_STR(ds.shadow_url.env, cases[i].shadow_env);
            else
                CHECK(ds.shadow_url.env == NULL && ds.shadow_url.literal == NULL);
            prisma_datasource_release(&ds);
            pm_err_release(&e);
            break;
        }
    }
}

static void test_resolve(void)
{
    struct prisma_value lit = {"postgresql://h/db", NULL, 3};
    struct prisma_value env = {NULL, "PGMIG_T_DS_URL", 4};
    struct prisma_value none = {NULL, NULL, 0};
    const char *missing = "sentinel";

    char *v = prisma_value_resolve(&lit, &missing);
    CHECK_STR(v, "postgresql://h/db");
    CHECK(missing == NULL);
    free(v);

    setenv("PGMIG_T_DS_URL", "postgresql://env/db", 1);
    v = prisma_value_resolve(&env, &missing);
    CHECK_STR(v, "postgresql://env/db");
    CHECK(missing == NULL);
    free(v);

    setenv("PGMIG_T_DS_URL", "", 1);
    CHECK(prisma_value_resolve(&env, &missing) == NULL);
    CHECK_STR(missing, "PGMIG_T_DS_URL");

    unsetenv("PGMIG_T_DS_URL");
    missing = NULL;
    CHECK(prisma_value_resolve(&env, &missing) == NULL);
    CHECK_STR(missing, "PGMIG_T_DS_URL");
    CHECK(prisma_value_resolve(&env, NULL) == NULL);

    missing = "sentinel";
    CHECK(prisma_value_resolve(&none, &missing) == NULL);
    CHECK(missing == NULL);
}

int main(void)
{
    RUN(test_example);
    RUN(test_absent_values);
    RUN(test_no_datasource);
    RUN(test_confusing_neighbours);
    RUN(test_skipped_values);
    RUN(test_string_escapes);
    RUN(test_crlf_and_bom);
    RUN(test_errors);
    RUN(test_read_file);
    RUN(test_corpus);
    RUN(test_resolve);
    UNIT_DONE();
}
