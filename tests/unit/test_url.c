/*
 * test_url.c - Prisma connection strings cleaned for libpq (pg/url.c):
 * parameters stripped and kept, schema decoding, redacted display, errors
 * that never show the password, and pg_redact on free text.
 */
#include "pg/url.h"
#include "unit.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* Parse a URL that must be accepted; the caller releases *u. */
static int ok(const char *url, struct pg_url *u)
{
    struct pm_err e = PM_ERR_INIT;
    int rc = pg_url_parse(url, u, &e);
    if (rc != 0)
        fprintf(stderr, "  unexpected error for %s: %s\n", url, e.primary ? e.primary : "?");
    CHECK_INT(rc, 0);
    pm_err_release(&e);
    return rc == 0;
}

/* Parse a string that must be rejected; returns the primary message (caller frees). */
static char *fail(const char *url, struct pm_err *e)
{
    struct pg_url u;
    int rc = pg_url_parse(url, &u, e);
    CHECK_INT(rc, -1);
    CHECK_INT(e->exit_code, PM_EXIT_USAGE);
    CHECK(u.conninfo == NULL && u.display == NULL);
    return e->primary ? xstrdup(e->primary) : NULL;
}

static void test_basic_prisma_url(void)
{
    struct pg_url u;
    if (!ok("postgresql://user:secret@localhost:5432/mydb?schema=public&connection_limit=5", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://user:secret@localhost:5432/mydb");
    CHECK_STR(u.display, "postgresql://user:****@localhost:5432/mydb");
    CHECK_STR(u.schema, "public");
    CHECK_INT(u.pgbouncer, 0);
    CHECK_INT(u.n_stripped, 2);
    if (u.n_stripped == 2) {
        CHECK_STR(u.stripped[0], "schema");
        CHECK_STR(u.stripped[1], "connection_limit");
    }
    pg_url_release(&u);
    CHECK(u.conninfo == NULL && u.stripped == NULL && u.n_stripped == 0);
}

static void test_all_prisma_params_stripped(void)
{
    struct pg_url u;
    if (!ok("postgresql://u:pw@h/db?connection_limit=3&pool_timeout=10&pgbouncer=true"
            "&statement_cache_size=0&socket_timeout=5&sslaccept=strict&sslidentity=id.p12"
            "&max_connection_lifetime=60&max_idle_connection_lifetime=30&schema=s",
            &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://u:pw@h/db");
    CHECK_STR(u.display, "postgresql://u:****@h/db");
    CHECK_INT(u.pgbouncer, 1);
    CHECK_STR(u.schema, "s");
    CHECK_INT(u.n_stripped, 10);
    if (u.n_stripped == 10) {
        CHECK_STR(u.stripped[0], "connection_limit");
        CHECK_STR(u.stripped[2], "pgbouncer");
        CHECK_STR(u.stripped[9], "schema");
    }
    pg_url_release(&u);
}

static void test_libpq_params_kept(void)
{
    const char *url = "postgresql://u:pw@h:5433/db?sslmode=verify-full&sslcert=/c/client.crt"
                      "&sslkey=/c/client.key&sslrootcert=/c/root.crt&sslpassword=keypw"
                      "&connect_timeout=10&application_name=pgmig&options=-c%20work_mem%3D64MB"
                      "&target_session_attrs=read-write&host=h2&port=5434&user=u2&password=pw2"
                      "&dbname=db2";
    struct pg_url u;
    if (!ok(url, &u))
        return;
    CHECK_STR(u.conninfo, url);
    CHECK_STR(u.display, "postgresql://u:****@h:5433/db?sslmode=verify-full&sslcert=/c/client.crt"
                         "&sslkey=/c/client.key&sslrootcert=/c/root.crt&sslpassword=****"
                         "&connect_timeout=10&application_name=pgmig&options=-c%20work_mem%3D64MB"
                         "&target_session_attrs=read-write&host=h2&port=5434&user=u2&password=****"
                         "&dbname=db2");
    CHECK(u.schema == NULL);
    CHECK_INT(u.n_stripped, 0);
    pg_url_release(&u);
}

static void test_no_password(void)
{
    struct pg_url u;
    if (!ok("postgresql://user@host/db", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://user@host/db");
    CHECK_STR(u.display, "postgresql://user@host/db");
    pg_url_release(&u);
}

static void test_empty_password(void)
{
    struct pg_url u;
    if (!ok("postgresql://user:@host/db", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://user:@host/db");
    CHECK_STR(u.display, "postgresql://user:@host/db");
    pg_url_release(&u);
}

static void test_percent_encoded_password(void)
{
    struct pg_url u;
    if (!ok("postgresql://u:p%40ss%3Aw%2Frd@h/db?schema=x", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://u:p%40ss%3Aw%2Frd@h/db");
    CHECK_STR(u.display, "postgresql://u:****@h/db");
    CHECK(strstr(u.display, "p%40ss") == NULL);
    pg_url_release(&u);
}

static void test_question_mark_in_password(void)
{
    /* libpq reads the user info up to the first '@' before any '/': '?' included. */
    struct pg_url u;
    if (!ok("postgresql://u:pa?ss@h/db?sslmode=require&schema=s", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://u:pa?ss@h/db?sslmode=require");
    CHECK_STR(u.display, "postgresql://u:****@h/db?sslmode=require");
    CHECK_STR(u.schema, "s");
    pg_url_release(&u);
}

static void test_unencoded_at_in_password(void)
{
    /* libpq: password "p", host "ss@h"; the display hides all of "p@ss" anyway. */
    struct pg_url u;
    if (!ok("postgresql://u:p@ss@h/db", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://u:p@ss@h/db");
    CHECK_STR(u.display, "postgresql://u:****@h/db");
    pg_url_release(&u);
}

static void test_ipv6_host(void)
{
    struct pg_url u;
    if (!ok("postgresql://u:pw@[::1]:5432/db?sslmode=disable&schema=app", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://u:pw@[::1]:5432/db?sslmode=disable");
    CHECK_STR(u.display, "postgresql://u:****@[::1]:5432/db?sslmode=disable");
    pg_url_release(&u);

    if (!ok("postgresql://[fe80::1%25eth0]/db?schema=x", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://[fe80::1%25eth0]/db");
    pg_url_release(&u);
}

static void test_multiple_hosts(void)
{
    struct pg_url u;
    if (!ok("postgresql://u:pw@host1:5432,host2:5433/db?target_session_attrs=read-write"
            "&pgbouncer=true",
            &u))
        return;
    CHECK_STR(u.conninfo,
              "postgresql://u:pw@host1:5432,host2:5433/db?target_session_attrs=read-write");
    CHECK_STR(u.display,
              "postgresql://u:****@host1:5432,host2:5433/db?target_session_attrs=read-write");
    CHECK_INT(u.pgbouncer, 1);
    pg_url_release(&u);
}

static void test_without_user(void)
{
    struct pg_url u;
    if (!ok("postgresql://localhost/db", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://localhost/db");
    CHECK_STR(u.display, "postgresql://localhost/db");
    pg_url_release(&u);

    if (!ok("postgresql://", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://");
    pg_url_release(&u);
}

static void test_unix_socket(void)
{
    struct pg_url u;
    if (!ok("postgresql:///db?host=/tmp&schema=app", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql:///db?host=/tmp");
    CHECK_STR(u.display, "postgresql:///db?host=/tmp");
    CHECK_STR(u.schema, "app");
    pg_url_release(&u);

    if (!ok("postgresql://u:pw@%2Fvar%2Frun%2Fpostgresql/db", &u))
        return;
    CHECK_STR(u.display, "postgresql://u:****@%2Fvar%2Frun%2Fpostgresql/db");
    pg_url_release(&u);
}

static void test_postgres_scheme_and_case(void)
{
    struct pg_url u;
    if (!ok("postgres://u:pw@h/db", &u))
        return;
    CHECK_STR(u.conninfo, "postgres://u:pw@h/db");
    CHECK_STR(u.display, "postgres://u:****@h/db");
    pg_url_release(&u);

    /* Prisma reads the scheme in any case; libpq only lowercase. */
    if (!ok("PostgreSQL://u:pw@h/db", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://u:pw@h/db");
    CHECK_STR(u.display, "postgresql://u:****@h/db");
    pg_url_release(&u);

    if (!ok("  postgresql://h/db\n", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db");
    pg_url_release(&u);
}

static void test_parameter_names_are_case_sensitive(void)
{
    /* Prisma matches "schema" exactly and ignores "SCHEMA"; libpq rejects it. */
    struct pm_err e = PM_ERR_INIT;
    char *m = fail("postgresql://u:pw@h/db?SCHEMA=x", &e);
    CHECK_STR(m, "invalid connection URL: invalid URI query parameter: \"SCHEMA\"");
    CHECK_STR(e.hint, "pgmig hands the connection string to libpq, which does not know "
                      "\"SCHEMA\" (Prisma ignores parameters it does not know): remove it");
    free(m);
    pm_err_release(&e);
}

static void test_parameter_twice(void)
{
    struct pg_url u;
    if (!ok("postgresql://h/db?sslmode=require&schema=a&sslmode=disable&schema=b", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db?sslmode=require&sslmode=disable");
    CHECK_STR(u.schema, "b"); /* the last one, as in Prisma */
    CHECK_INT(u.n_stripped, 1);
    pg_url_release(&u);

    if (!ok("postgresql://h/db?pool_timeout=5&schema=x&connection_limit=1&pool_timeout=6", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db");
    CHECK_INT(u.n_stripped, 3);
    if (u.n_stripped == 3) {
        CHECK_STR(u.stripped[0], "pool_timeout");
        CHECK_STR(u.stripped[1], "schema");
        CHECK_STR(u.stripped[2], "connection_limit");
    }
    pg_url_release(&u);
}

static void test_empty_query_and_ampersands(void)
{
    struct pg_url u;
    if (!ok("postgresql://h/db?", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db");
    CHECK_STR(u.display, "postgresql://h/db");
    pg_url_release(&u);

    if (!ok("postgresql://h/db?sslmode=require&", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db?sslmode=require");
    pg_url_release(&u);

    if (!ok("postgresql://h/db?&&sslmode=require&&application_name=x&", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db?sslmode=require&application_name=x");
    pg_url_release(&u);

    if (!ok("postgresql://h/db?schema=only", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db");
    pg_url_release(&u);
}

static void test_schema_decoding(void)
{
    struct pg_url u;
    if (!ok("postgresql://h/db?schema=my%20schema", &u))
        return;
    CHECK_STR(u.schema, "my schema");
    pg_url_release(&u);

    /* Prisma decodes query values as form data: '+' is a space. */
    if (!ok("postgresql://h/db?schema=a+b%2Bc%zz", &u))
        return;
    CHECK_STR(u.schema, "a b+c%zz");
    pg_url_release(&u);

    if (!ok("postgresql://h/db?sch%65ma=x", &u))
        return;
    CHECK_STR(u.schema, "x");
    CHECK_STR(u.conninfo, "postgresql://h/db");
    pg_url_release(&u);

    if (!ok("postgresql://h/db?schema=", &u))
        return;
    CHECK_STR(u.schema, "");
    pg_url_release(&u);

    struct pm_err e = PM_ERR_INIT;
    char *m = fail("postgresql://h/db?schema=a%00b", &e);
    CHECK_STR(m, "invalid connection URL: the schema name contains %00");
    free(m);
    pm_err_release(&e);
}

static void test_pgbouncer_values(void)
{
    struct pg_url u;
    if (!ok("postgresql://h/db?pgbouncer=false", &u))
        return;
    CHECK_INT(u.pgbouncer, 0);
    CHECK_INT(u.n_stripped, 1);
    pg_url_release(&u);

    struct pm_err e = PM_ERR_INIT;
    char *m = fail("postgresql://h/db?pgbouncer=yes", &e);
    CHECK_STR(m, "invalid connection URL: pgbouncer must be true or false");
    free(m);
    pm_err_release(&e);
}

static void test_other_schemes_rejected(void)
{
    struct pm_err e = PM_ERR_INIT;
    char *m = fail("mysql://root:hunter22@localhost:3306/db", &e);
    CHECK_STR(m, "unsupported connection URL scheme \"mysql:\": pgmig connects to PostgreSQL "
                 "with postgresql:// or postgres:// URLs");
    CHECK(e.hint == NULL);
    free(m);
    pm_err_release(&e);

    m = fail("prisma+postgres://accelerate.prisma-data.net/?api_key=abc", &e);
    CHECK_STR(m, "unsupported connection URL scheme \"prisma+postgres:\": pgmig connects to "
                 "PostgreSQL with postgresql:// or postgres:// URLs");
    CHECK(e.hint != NULL && strstr(e.hint, "directUrl") != NULL);
    free(m);
    pm_err_release(&e);

    m = fail("file:./dev.db", &e);
    CHECK_STR(m, "unsupported connection URL scheme \"file:\": pgmig connects to PostgreSQL "
                 "with postgresql:// or postgres:// URLs");
    free(m);
    pm_err_release(&e);

    m = fail("postgresql:/h/db", &e);
    CHECK(m != NULL && strstr(m, "\"postgresql:\"") != NULL);
    CHECK_STR(e.hint, "write the URL as postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
    free(m);
    pm_err_release(&e);
}

static void test_libpq_errors_hide_password(void)
{
    struct pm_err e = PM_ERR_INIT;
    char *m = fail("postgresql://u:hunter22@[::1/db", &e);
    CHECK_STR(m, "invalid connection URL: end of string reached when looking for matching \"]\" "
                 "in IPv6 host address in URI: \"postgresql://u:****@[::1/db\"");
    free(m);
    pm_err_release(&e);

    m = fail("postgresql://u:hunter%zz@h/db", &e);
    CHECK_STR(m, "invalid connection URL: invalid percent-encoded token: \"****\"");
    free(m);
    pm_err_release(&e);

    m = fail("postgresql://u:a%00b@h/db", &e);
    CHECK_STR(m, "invalid connection URL: forbidden value %00 in percent-encoded value: \"****\"");
    free(m);
    pm_err_release(&e);

    m = fail("postgresql://h/db?password=hunter%zz", &e);
    CHECK_STR(m, "invalid connection URL: invalid percent-encoded token: \"****\"");
    free(m);
    pm_err_release(&e);

    m = fail("postgresql://u:hunter22@[::1]x/db?schema=s", &e);
    CHECK_STR(m, "invalid connection URL: unexpected character \"x\" at position 30 in URI "
                 "(expected \":\" or \"/\"): \"postgresql://u:****@[::1]x/db\"");
    free(m);
    pm_err_release(&e);

    m = fail("postgresql://u:hunter22@h/db?a=b=c", &e);
    CHECK_STR(m, "invalid connection URL: extra key/value separator \"=\" in URI query "
                 "parameter: \"a\"");
    free(m);
    pm_err_release(&e);

    /* Whatever the failure, "hunter22" never appears. */
    const char *bad[] = {
        "postgresql://u:hunter22@[/db",      "postgresql://u:hunter22@[]/db",
        "postgresql://u:hunter22@h/db?x",    "postgresql://u:hunter22@h/db?hunter22=1",
        "postgresql://u:hunter22@h/d?a=%zz", "host=h password=hunter22 bogus",
        "host=h password='hunter22",         "host=h password=hunter22 schema=x",
        "postgresql://u:hunter%2022@[::1",   "postgresql://h/d?password=hunter22&=x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct pg_url u;
        CHECK_INT(pg_url_parse(bad[i], &u, &e), -1);
        CHECK(e.primary && !strstr(e.primary, "hunter"));
        CHECK(!e.hint || !strstr(e.hint, "hunter"));
        CHECK(!e.detail || !strstr(e.detail, "hunter"));
        pm_err_release(&e);
    }
}

static void test_unknown_parameter(void)
{
    struct pm_err e = PM_ERR_INIT;
    char *m = fail("postgresql://u:pw@h/db?ssl_mode=require", &e);
    CHECK_STR(m, "invalid connection URL: invalid URI query parameter: \"ssl_mode\"");
    CHECK(e.hint && strstr(e.hint, "\"ssl_mode\""));
    free(m);
    pm_err_release(&e);

    /* libpq's own JDBC alias still works. */
    struct pg_url u;
    if (!ok("postgresql://h/db?ssl=true", &u))
        return;
    CHECK_STR(u.conninfo, "postgresql://h/db?ssl=true");
    pg_url_release(&u);
}

static void test_keyword_value_strings(void)
{
    struct pg_url u;
    if (!ok("host=localhost port=5432 dbname=app user=me password='s3cret pw'", &u))
        return;
    CHECK_STR(u.conninfo, "host=localhost port=5432 dbname=app user=me password='s3cret pw'");
    CHECK_STR(u.display, "user=me password=**** dbname=app host=localhost port=5432");
    CHECK(u.schema == NULL);
    pg_url_release(&u);

    if (!ok("host=/tmp dbname='my db' application_name=it\\'s", &u))
        return;
    CHECK_STR(u.display, "dbname='my db' host=/tmp application_name='it\\'s'");
    pg_url_release(&u);

    /* libpq's default: everything from the environment. */
    if (!ok("", &u))
        return;
    CHECK_STR(u.conninfo, "");
    CHECK_STR(u.display, "");
    pg_url_release(&u);

    struct pm_err e = PM_ERR_INIT;
    char *m = fail("host=h dbname=d schema=app", &e);
    CHECK_STR(m, "invalid connection string: invalid connection option \"schema\"");
    CHECK_STR(e.hint, "schema is a parameter of Prisma's postgresql:// URLs; write the "
                      "connection as a URL with ?schema=NAME");
    free(m);
    pm_err_release(&e);

    m = fail("host=x password=abc def", &e);
    CHECK_STR(m, "invalid connection string: missing \"=\" after \"****\" in connection info "
                 "string");
    free(m);
    pm_err_release(&e);

    m = fail("localhost", &e);
    CHECK_STR(m, "invalid connection string: missing \"=\" after \"localhost\" in connection "
                 "info string");
    free(m);
    pm_err_release(&e);
}

static void test_redact_free_text(void)
{
    struct {
        const char *in, *out;
    } cases[] = {
        {"connecting to postgresql://u:hunter2@h/db failed",
         "connecting to postgresql://u:****@h/db failed"},
        {"url=\"postgres://u:pw@h:5432/db?schema=x\"",
         "url=\"postgres://u:****@h:5432/db?schema=x\""},
        {"POSTGRESQL://u:pw@h", "POSTGRESQL://u:****@h"},
        {"postgresql://u:p@ss@h/db", "postgresql://u:****@h/db"},
        {"postgresql://u:pa/ss@h/db", "postgresql://u:****@h/db"},
        {"postgresql://u@h/db?password=abc&sslmode=require",
         "postgresql://u@h/db?password=****&sslmode=require"},
        {"host=h password=secret dbname=x", "host=h password=**** dbname=x"},
        {"password='x y' host=h", "password=**** host=h"},
        {"password = \"a \\\" b\" rest", "password = **** rest"},
        {"PGPASSWORD=abc", "PGPASSWORD=****"},
        {"sslpassword=k host=h", "sslpassword=**** host=h"},
        {"a\\ b: password=a\\ b c", "a\\ b: password=**** c"},
        {"two: postgres://a:1@x and postgres://b:2@y",
         "two: postgres://a:****@x and postgres://b:****@y"},
        {"mysql://root:pw@h/db and https://u:p@proxy:3128",
         "mysql://root:****@h/db and https://u:****@proxy:3128"},
        {"no secrets here", "no secrets here"},
        {"postgresql://u@h/db", "postgresql://u@h/db"},
        {"postgresql://u:@h/db", "postgresql://u:@h/db"},
        {"postgresql://h:5432/db?application_name=a@b",
         "postgresql://h:5432/db?application_name=a@b"},
        {"password=", "password="},
        {"password: x", "password: x"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *r = pg_redact(cases[i].in);
        CHECK_STR(r, cases[i].out);
        char *r2 = pg_redact(r);
        CHECK_STR(r2, r); /* idempotent */
        free(r);
        free(r2);
    }
}

int main(void)
{
    RUN(test_basic_prisma_url);
    RUN(test_all_prisma_params_stripped);
    RUN(test_libpq_params_kept);
    RUN(test_no_password);
    RUN(test_empty_password);
    RUN(test_percent_encoded_password);
    RUN(test_question_mark_in_password);
    RUN(test_unencoded_at_in_password);
    RUN(test_ipv6_host);
    RUN(test_multiple_hosts);
    RUN(test_without_user);
    RUN(test_unix_socket);
    RUN(test_postgres_scheme_and_case);
    RUN(test_parameter_names_are_case_sensitive);
    RUN(test_parameter_twice);
    RUN(test_empty_query_and_ampersands);
    RUN(test_schema_decoding);
    RUN(test_pgbouncer_values);
    RUN(test_other_schemes_rejected);
    RUN(test_libpq_errors_hide_password);
    RUN(test_unknown_parameter);
    RUN(test_keyword_value_strings);
    RUN(test_redact_free_text);
    UNIT_DONE();
}
