/*
 * test_effects.c - unit tests for src/sql/effects.c: the exact postconditions
 * derived from each kind of statement (Prisma-style SQL), the statement
 * classes and reasons, effect_describe, and a pass over the real corpora.
 */
#include "sql/effects.h"
#include "sql/script.h"
#include "unit.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- helpers -------------------------------------------------------- */

static const char *kind_name(enum eff_kind k)
{
    static const char *const names[] = {
        [EFF_SCHEMA] = "SCHEMA",
        [EFF_RELATION] = "RELATION",
        [EFF_COLUMN] = "COLUMN",
        [EFF_COLUMN_TYPE] = "COLUMN_TYPE",
        [EFF_COLUMN_NOTNULL] = "COLUMN_NOTNULL",
        [EFF_COLUMN_DEFAULT] = "COLUMN_DEFAULT",
        [EFF_CONSTRAINT] = "CONSTRAINT",
        [EFF_INDEX] = "INDEX",
        [EFF_TYPE] = "TYPE",
        [EFF_ENUM_VALUE] = "ENUM_VALUE",
        [EFF_EXTENSION] = "EXTENSION",
        [EFF_FUNCTION] = "FUNCTION",
        [EFF_TRIGGER] = "TRIGGER",
    };
    return (size_t)k < ARRAY_SIZE(names) && names[k] ? names[k] : "?";
}

static const char *cls_name(enum eff_class c)
{
    return c == EFFC_CHECKABLE ? "CHECKABLE" : c == EFFC_UNKNOWN ? "UNKNOWN" : "NONE";
}

/*
 * Every field of an effect on one line:
 *   +KIND [schema:]name[/sub] rk= ct= tk= flag= type=t(mods)[] cols= ref=[s:]n args=(..)/n
 * '+' present, '-' absent; fields that are unset are left out. (':' and '/'
 * keep a NULL schema or sub apart from a dotted name.)
 */
static void dump_effect(struct buf *b, const struct effect *e)
{
    buf_addf(b, "%c%s ", e->present ? '+' : '-', kind_name(e->kind));
    if (e->schema)
        buf_addf(b, "%s:", e->schema);
    buf_adds(b, e->name ? e->name : "(null)");
    if (e->sub)
        buf_addf(b, "/%s", e->sub);
    if (e->relkinds[0])
        buf_addf(b, " rk=%s", e->relkinds);
    if (e->contype)
        buf_addf(b, " ct=%c", e->contype);
    if (e->typkind)
        buf_addf(b, " tk=%c", e->typkind);
    if (e->kind == EFF_COLUMN_NOTNULL || e->kind == EFF_COLUMN_DEFAULT || e->kind == EFF_INDEX)
        buf_addf(b, " flag=%d", e->flag);
    else if (e->flag)
        buf_addf(b, " flag=%d!", e->flag);
    if (e->type_name) {
        buf_addf(b, " type=%s", e->type_name);
        if (e->n_typmods == 1)
            buf_addf(b, "(%d)", e->typmods[0]);
        else if (e->n_typmods == 2)
            buf_addf(b, "(%d,%d)", e->typmods[0], e->typmods[1]);
        for (int i = 0; i < e->array_dims; i++)
            buf_adds(b, "[]");
    }
    if (e->columns)
        buf_addf(b, " cols=%s", e->columns);
    if (e->ref)
        buf_addf(b, " ref=%s%s%s", e->ref_schema ? e->ref_schema : "", e->ref_schema ? ":" : "",
                 e->ref);
    if (e->kind == EFF_FUNCTION)
        buf_addf(b, " args=(%s)/%d", e->args ? e->args : "", e->nargs);
    buf_addch(b, '\n');
}

enum { IDEM = 1, CONC = 2, GUARD = 4 };

static int parse_ok(struct sql_script *s, const char *sql)
{
    struct pm_err e = PM_ERR_INIT;
    int rc = sql_script_parse(s, "t.sql", sql, strlen(sql), &e);
    if (rc != 0)
        fprintf(stderr, "unexpected parse error: %d:%d: %s\n", e.line, e.col,
                e.primary ? e.primary : "?");
    pm_err_release(&e);
    return rc;
}

/*
 * Parse one statement and compare everything derived from it: class,
 * reason, object, the flags (IDEM | CONC | GUARD), and the effect list
 * dumped line by line.
 */
static void check_stmt(int line, const char *sql, enum eff_class cls, const char *reason,
                       const char *object, int flags, const char *effects)
{
    struct sql_script s;
    struct buf b = BUF_INIT;
    if (parse_ok(&s, sql) != 0) {
        fprintf(stderr, "test_effects.c:%d: cannot parse\n", line);
        unit_failed_checks_++;
        return;
    }
    if (s.n != 1) {
        fprintf(stderr, "test_effects.c:%d: %zu statements\n", line, s.n);
        unit_failed_checks_++;
        sql_script_release(&s);
        return;
    }
    struct stmt_effects *v = effects_of_script(&s);
    const struct stmt_effects *se = &v[0];
    for (size_t i = 0; i < se->n; i++)
        dump_effect(&b, &se->v[i]);
    int got_flags =
        (se->idempotent ? IDEM : 0) | (se->concurrent ? CONC : 0) | (se->guarded_do ? GUARD : 0);
    int ok = se->cls == cls &&
             (reason ? se->reason && strcmp(se->reason, reason) == 0 : se->reason == NULL);
    ok = ok && (object ? se->object && strcmp(se->object, object) == 0 : se->object == NULL);
    ok = ok && got_flags == flags && strcmp(b.data, effects) == 0;
    if (!ok) {
        fprintf(stderr,
                "test_effects.c:%d: effects of [%s]\n"
                "  got:      %s %s object=%s flags=%d\n%s"
                "  expected: %s %s object=%s flags=%d\n%s",
                line, sql, cls_name(se->cls), se->reason ? se->reason : "(null)",
                se->object ? se->object : "(null)", got_flags, b.data, cls_name(cls),
                reason ? reason : "(null)", object ? object : "(null)", flags, effects);
        unit_failed_checks_++;
    }
    buf_release(&b);
    effects_release(v, s.n);
    sql_script_release(&s);
}

#define STMT(sql, cls, reason, object, flags, effects)                                             \
    check_stmt(__LINE__, sql, cls, reason, object, flags, effects)
#define OK(sql, object, flags, effects) STMT(sql, EFFC_CHECKABLE, NULL, object, flags, effects)

/* ---- CREATE TABLE ---------------------------------------------------- */

static void test_create_table(void)
{
    OK("CREATE TABLE \"User\" (\n"
       "    \"id\" TEXT NOT NULL,\n"
       "    \"email\" TEXT NOT NULL,\n"
       "    \"name\" VARCHAR(20),\n"
       "    \"role\" \"Role\" NOT NULL DEFAULT 'CUSTOMER',\n"
       "    \"balance\" DECIMAL(65,30) NOT NULL DEFAULT 0,\n"
       "    \"tags\" TEXT[],\n"
       "    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
       "\n"
       "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n"
       ");",
       "\"User\"", 0,
       "+RELATION User rk=rp\n"
       "+COLUMN User/id\n"
       "+COLUMN_TYPE User/id type=text\n"
       "+COLUMN_NOTNULL User/id flag=1\n"
       "+COLUMN User/email\n"
       "+COLUMN_TYPE User/email type=text\n"
       "+COLUMN_NOTNULL User/email flag=1\n"
       "+COLUMN User/name\n"
       "+COLUMN_TYPE User/name type=pg_catalog.varchar(20)\n"
       "+COLUMN User/role\n"
       "+COLUMN_TYPE User/role type=Role\n"
       "+COLUMN_NOTNULL User/role flag=1\n"
       "+COLUMN_DEFAULT User/role flag=1\n"
       "+COLUMN User/balance\n"
       "+COLUMN_TYPE User/balance type=pg_catalog.numeric(65,30)\n"
       "+COLUMN_NOTNULL User/balance flag=1\n"
       "+COLUMN_DEFAULT User/balance flag=1\n"
       "+COLUMN User/tags\n"
       "+COLUMN_TYPE User/tags type=text[]\n"
       "+COLUMN User/createdAt\n"
       "+COLUMN_TYPE User/createdAt type=pg_catalog.timestamp(3)\n"
       "+COLUMN_NOTNULL User/createdAt flag=1\n"
       "+COLUMN_DEFAULT User/createdAt flag=1\n"
       "+CONSTRAINT User/User_pkey ct=p cols=id\n");

    /* serial types, inline constraints, a table-level primary key whose
     * column was not declared NOT NULL, unnamed table constraints */
    OK("CREATE TABLE IF NOT EXISTS app.\"Item\" (\n"
       "    id SERIAL PRIMARY KEY,\n"
       "    big BIGSERIAL,\n"
       "    small smallserial,\n"
       "    code int4 UNIQUE,\n"
       "    \"ownerId\" TEXT REFERENCES \"User\"(\"id\") ON DELETE SET NULL,\n"
       "    qty INTEGER CONSTRAINT qty_positive CHECK (qty > 0),\n"
       "    a text, b text,\n"
       "    UNIQUE (a, b),\n"
       "    FOREIGN KEY (a) REFERENCES other.\"T\" (x),\n"
       "    CHECK (a <> b)\n"
       ")",
       "\"app\".\"Item\"", IDEM,
       "+RELATION app:Item rk=rp\n"
       "+COLUMN app:Item/id\n"
       "+COLUMN_TYPE app:Item/id type=pg_catalog.int4\n"
       "+COLUMN_NOTNULL app:Item/id flag=1\n"
       "+COLUMN_DEFAULT app:Item/id flag=1\n"
       "+CONSTRAINT app:Item ct=p cols=id\n"
       "+COLUMN app:Item/big\n"
       "+COLUMN_TYPE app:Item/big type=pg_catalog.int8\n"
       "+COLUMN_NOTNULL app:Item/big flag=1\n"
       "+COLUMN_DEFAULT app:Item/big flag=1\n"
       "+COLUMN app:Item/small\n"
       "+COLUMN_TYPE app:Item/small type=pg_catalog.int2\n"
       "+COLUMN_NOTNULL app:Item/small flag=1\n"
       "+COLUMN_DEFAULT app:Item/small flag=1\n"
       "+COLUMN app:Item/code\n"
       "+COLUMN_TYPE app:Item/code type=int4\n"
       "+CONSTRAINT app:Item ct=u cols=code\n"
       "+COLUMN app:Item/ownerId\n"
       "+COLUMN_TYPE app:Item/ownerId type=text\n"
       "+CONSTRAINT app:Item ct=f cols=ownerId ref=User\n"
       "+COLUMN app:Item/qty\n"
       "+COLUMN_TYPE app:Item/qty type=pg_catalog.int4\n"
       "+CONSTRAINT app:Item/qty_positive ct=c cols=qty\n"
       "+COLUMN app:Item/a\n"
       "+COLUMN_TYPE app:Item/a type=text\n"
       "+COLUMN app:Item/b\n"
       "+COLUMN_TYPE app:Item/b type=text\n"
       "+CONSTRAINT app:Item ct=u cols=a,b\n"
       "+CONSTRAINT app:Item ct=f cols=a ref=other:T\n"
       "+CONSTRAINT app:Item ct=c\n");

    OK("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b))", "\"t\"", 0,
       "+RELATION t rk=rp\n"
       "+COLUMN t/a\n"
       "+COLUMN_TYPE t/a type=pg_catalog.int4\n"
       "+COLUMN t/b\n"
       "+COLUMN_TYPE t/b type=pg_catalog.int4\n"
       "+CONSTRAINT t ct=p cols=a,b\n"
       "+COLUMN_NOTNULL t/a flag=1\n"
       "+COLUMN_NOTNULL t/b flag=1\n");

    /* identity columns are NOT NULL; interval typmods as the parser gives them */
    OK("CREATE TABLE ev (id bigint GENERATED ALWAYS AS IDENTITY, d interval(6))", "\"ev\"", 0,
       "+RELATION ev rk=rp\n"
       "+COLUMN ev/id\n"
       "+COLUMN_TYPE ev/id type=pg_catalog.int8\n"
       "+COLUMN_NOTNULL ev/id flag=1\n"
       "+COLUMN ev/d\n"
       "+COLUMN_TYPE ev/d type=pg_catalog.interval(32767,6)\n");

    /* non-integer typmods are not recorded */
    OK("CREATE TABLE tm (x mytype('a'))", "\"tm\"", 0,
       "+RELATION tm rk=rp\n"
       "+COLUMN tm/x\n"
       "+COLUMN_TYPE tm/x type=mytype\n");

    OK("CREATE TABLE \"Log_2024\" PARTITION OF \"Log\" FOR VALUES FROM ('2024-01-01') TO "
       "('2025-01-01')",
       "\"Log_2024\"", 0, "+RELATION Log_2024 rk=rp\n");
    OK("CREATE TABLE copy_t (LIKE t INCLUDING ALL, extra text)", "\"copy_t\"", 0,
       "+RELATION copy_t rk=rp\n"
       "+COLUMN copy_t/extra\n"
       "+COLUMN_TYPE copy_t/extra type=text\n");
    OK("CREATE TABLE archive AS SELECT * FROM \"User\"", "\"archive\"", 0,
       "+RELATION archive rk=rp\n");
    OK("SELECT * INTO backup_users FROM \"User\"", "\"backup_users\"", 0,
       "+RELATION backup_users rk=rp\n");
    OK("CREATE TABLE IF NOT EXISTS s.a2 AS SELECT 1 AS x", "\"s\".\"a2\"", IDEM,
       "+RELATION s:a2 rk=rp\n");
    STMT("CREATE TEMP TABLE temp_prices (id text)", EFFC_NONE, "temporary object",
         "\"temp_prices\"", 0, "");
    STMT("CREATE TEMPORARY TABLE tp AS SELECT 1", EFFC_NONE, "temporary object", "\"tp\"", 0, "");
}

/* ---- DROP ----------------------------------------------------------- */

static void test_drop(void)
{
    OK("DROP TABLE \"Session\";", "\"Session\"", 0, "-RELATION Session rk=rp\n");
    OK("DROP TABLE IF EXISTS \"A\", public.\"B\" CASCADE", "\"A\", \"public\".\"B\"", IDEM,
       "-RELATION A rk=rp\n"
       "-RELATION public:B rk=rp\n");
    OK("DROP VIEW IF EXISTS traces_view", "\"traces_view\"", IDEM, "-RELATION traces_view rk=v\n");
    OK("DROP MATERIALIZED VIEW mv", "\"mv\"", 0, "-RELATION mv rk=m\n");
    OK("DROP SEQUENCE \"Item_id_seq\"", "\"Item_id_seq\"", 0, "-RELATION Item_id_seq rk=S\n");
    OK("DROP INDEX \"User_email_key\"", "\"User_email_key\"", 0, "-INDEX User_email_key flag=0\n");
    OK("DROP INDEX CONCURRENTLY IF EXISTS \"traces_idx\"", "\"traces_idx\"", IDEM | CONC,
       "-INDEX traces_idx flag=0\n");
    OK("DROP TYPE \"Role\"", "\"Role\"", 0, "-TYPE Role\n");
    OK("DROP TYPE IF EXISTS a, s.b", "\"a\", \"s\".\"b\"", IDEM, "-TYPE a\n-TYPE s:b\n");
    OK("DROP DOMAIN email_address", "\"email_address\"", 0, "-TYPE email_address tk=d\n");
    OK("DROP SCHEMA IF EXISTS legacy CASCADE", "\"legacy\"", IDEM, "-SCHEMA legacy\n");
    OK("DROP EXTENSION pg_trgm", "\"pg_trgm\"", 0, "-EXTENSION pg_trgm\n");
    OK("DROP FUNCTION IF EXISTS generate_id(text, integer)", "\"generate_id\"", IDEM,
       "-FUNCTION generate_id args=(text,pg_catalog.int4)/2\n");
    OK("DROP FUNCTION s.f", "\"s\".\"f\"", 0, "-FUNCTION s:f args=()/-1\n");
    OK("DROP FUNCTION g()", "\"g\"", 0, "-FUNCTION g args=()/0\n");
    /* OUT arguments: not part of a function's signature, part of a procedure's */
    OK("DROP FUNCTION h(int, OUT text)", "\"h\"", 0, "-FUNCTION h args=(pg_catalog.int4)/1\n");
    OK("DROP PROCEDURE p(IN a int, OUT b text[])", "\"p\"", 0,
       "-FUNCTION p args=(pg_catalog.int4,text[])/2\n");
    OK("DROP TRIGGER IF EXISTS \"set_updated\" ON \"Post\"", "\"Post\".\"set_updated\"", IDEM,
       "-TRIGGER Post/set_updated\n");
    OK("DROP TRIGGER t ON s.tab", "\"s\".\"tab\".\"t\"", 0, "-TRIGGER s:tab/t\n");
    STMT("DROP POLICY p ON t", EFFC_UNKNOWN, "not analysed", NULL, 0, "");
}

/* ---- types ---------------------------------------------------------- */

static void test_types(void)
{
    OK("CREATE TYPE \"Role\" AS ENUM ('CUSTOMER', 'ADMIN');", "\"Role\"", 0,
       "+TYPE Role tk=e\n"
       "+ENUM_VALUE Role/CUSTOMER\n"
       "+ENUM_VALUE Role/ADMIN\n");
    OK("CREATE TYPE s.empty AS ENUM ()", "\"s\".\"empty\"", 0, "+TYPE s:empty tk=e\n");
    /* an empty label is valid */
    OK("CREATE TYPE e AS ENUM ('')", "\"e\"", 0, "+TYPE e tk=e\n+ENUM_VALUE e/\n");
    OK("ALTER TYPE e ADD VALUE ''", "\"e\"", 0, "+ENUM_VALUE e/\n");
    OK("CREATE TYPE pair AS (a int, b text)", "\"pair\"", 0, "+TYPE pair tk=c\n");
    OK("CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%')", "\"email\"", 0,
       "+TYPE email tk=d\n");
    OK("CREATE TYPE floatrange AS RANGE (subtype = float8)", "\"floatrange\"", 0,
       "+TYPE floatrange tk=r\n");
    OK("ALTER TYPE \"OrderStatus\" ADD VALUE 'SHIPPED' BEFORE 'CANCELLED';", "\"OrderStatus\"", 0,
       "+ENUM_VALUE OrderStatus/SHIPPED\n");
    OK("ALTER TYPE public.\"OrderStatus\" ADD VALUE IF NOT EXISTS 'it''s'",
       "\"public\".\"OrderStatus\"", IDEM, "+ENUM_VALUE public:OrderStatus/it's\n");
    OK("ALTER TYPE \"Role\" RENAME VALUE 'USER' TO 'MEMBER'", "\"Role\"", 0,
       "+ENUM_VALUE Role/MEMBER\n"
       "-ENUM_VALUE Role/USER\n");
    OK("ALTER TYPE \"Role\" RENAME TO \"Role_old\"", "\"Role\"", 0,
       "+TYPE Role_old\n"
       "-TYPE Role\n");
    OK("ALTER DOMAIN d RENAME TO d2", "\"d\"", 0, "+TYPE d2 tk=d\n-TYPE d tk=d\n");
    OK("ALTER TYPE s.t SET SCHEMA u", "\"s\".\"t\"", 0, "+TYPE u:t\n-TYPE s:t\n");
    STMT("ALTER TYPE pair ADD ATTRIBUTE c int", EFFC_UNKNOWN, "composite type attributes",
         "\"pair\"", 0, "");
    STMT("ALTER TYPE \"Role\" OWNER TO admin", EFFC_UNKNOWN, "ownership", NULL, 0, "");
}

/* ---- ALTER TABLE ---------------------------------------------------- */

static void test_alter_table(void)
{
    OK("ALTER TABLE \"Order\" ADD CONSTRAINT \"Order_userId_fkey\" FOREIGN KEY (\"userId\") "
       "REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;",
       "\"Order\"", 0, "+CONSTRAINT Order/Order_userId_fkey ct=f cols=userId ref=User\n");
    OK("ALTER TABLE \"Post\" ALTER COLUMN \"title\" SET DATA TYPE VARCHAR(200);",
       "\"Post\".\"title\"", 0, "+COLUMN_TYPE Post/title type=pg_catalog.varchar(200)\n");
    OK("ALTER TABLE \"Post\" ALTER COLUMN \"n\" TYPE INTEGER USING (\"n\"::integer)",
       "\"Post\".\"n\"", 0, "+COLUMN_TYPE Post/n type=pg_catalog.int4\n");
    OK("ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT,\n"
       "ADD COLUMN \"score\" DOUBLE PRECISION NOT NULL DEFAULT 0,\n"
       "ADD COLUMN \"kind\" \"Kind\"[]",
       "\"User\"", 0,
       "+COLUMN User/bio\n"
       "+COLUMN_TYPE User/bio type=text\n"
       "+COLUMN User/score\n"
       "+COLUMN_TYPE User/score type=pg_catalog.float8\n"
       "+COLUMN_NOTNULL User/score flag=1\n"
       "+COLUMN_DEFAULT User/score flag=1\n"
       "+COLUMN User/kind\n"
       "+COLUMN_TYPE User/kind type=Kind[]\n");
    OK("ALTER TABLE \"User\" ADD COLUMN IF NOT EXISTS \"bio\" TEXT", "\"User\".\"bio\"", IDEM,
       "+COLUMN User/bio\n"
       "+COLUMN_TYPE User/bio type=text\n");
    OK("ALTER TABLE t ADD COLUMN id serial PRIMARY KEY", "\"t\".\"id\"", 0,
       "+COLUMN t/id\n"
       "+COLUMN_TYPE t/id type=pg_catalog.int4\n"
       "+COLUMN_NOTNULL t/id flag=1\n"
       "+COLUMN_DEFAULT t/id flag=1\n"
       "+CONSTRAINT t ct=p cols=id\n");
    OK("ALTER TABLE \"User\" DROP COLUMN IF EXISTS \"a\", DROP CONSTRAINT IF EXISTS \"b\",\n"
       "ADD COLUMN IF NOT EXISTS \"c\" int",
       "\"User\"", IDEM,
       "-COLUMN User/a\n"
       "-CONSTRAINT User/b\n"
       "+COLUMN User/c\n"
       "+COLUMN_TYPE User/c type=pg_catalog.int4\n");
    OK("ALTER TABLE \"User\" DROP COLUMN \"legacy\",\n"
       "DROP COLUMN IF EXISTS \"old\"",
       "\"User\"", 0,
       "-COLUMN User/legacy\n"
       "-COLUMN User/old\n");
    OK("ALTER TABLE \"User\" DROP COLUMN IF EXISTS \"old\"", "\"User\".\"old\"", IDEM,
       "-COLUMN User/old\n");
    OK("ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL,\n"
       "ALTER COLUMN \"bio\" DROP NOT NULL,\n"
       "ALTER COLUMN \"role\" SET DEFAULT 'ADMIN',\n"
       "ALTER COLUMN \"score\" DROP DEFAULT",
       "\"User\"", 0,
       "+COLUMN_NOTNULL User/name flag=1\n"
       "+COLUMN_NOTNULL User/bio flag=0\n"
       "+COLUMN_DEFAULT User/role flag=1\n"
       "+COLUMN_DEFAULT User/score flag=0\n");
    OK("ALTER TABLE \"User\" ADD CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")", "\"User\"", 0,
       "+CONSTRAINT User/User_pkey ct=p cols=id\n");
    OK("ALTER TABLE t ADD PRIMARY KEY (a, b)", "\"t\"", 0, "+CONSTRAINT t ct=p cols=a,b\n");
    OK("ALTER TABLE t ADD UNIQUE (email)", "\"t\"", 0, "+CONSTRAINT t ct=u cols=email\n");
    OK("ALTER TABLE t ADD CONSTRAINT \"t_pkey\" PRIMARY KEY USING INDEX \"t_id_idx\"", "\"t\"", 0,
       "+CONSTRAINT t/t_pkey ct=p\n"
       "-INDEX t_id_idx flag=0\n");
    OK("ALTER TABLE s.t ADD UNIQUE USING INDEX \"t_email_key\"", "\"s\".\"t\"", 0,
       "+CONSTRAINT s:t/t_email_key ct=u\n");
    OK("ALTER TABLE t ADD CONSTRAINT amount_check CHECK (amount >= 0) NOT VALID", "\"t\"", 0,
       "+CONSTRAINT t/amount_check ct=c\n");
    OK("ALTER TABLE ev ADD CONSTRAINT no_overlap EXCLUDE USING gist (r WITH &&)", "\"ev\"", 0,
       "+CONSTRAINT ev/no_overlap ct=x\n");
    OK("ALTER TABLE \"Order\" DROP CONSTRAINT \"Order_userId_fkey\";", "\"Order\"", 0,
       "-CONSTRAINT Order/Order_userId_fkey\n");
    OK("ALTER TABLE \"Order\" DROP CONSTRAINT IF EXISTS \"x\"", "\"Order\"", IDEM,
       "-CONSTRAINT Order/x\n");
    OK("ALTER TABLE t VALIDATE CONSTRAINT amount_check", "\"t\"", 0,
       "+CONSTRAINT t/amount_check\n");
    OK("ALTER TABLE IF EXISTS \"Legacy\" DROP COLUMN \"x\"", "\"Legacy\".\"x\"", 0,
       "-COLUMN Legacy/x\n");
    STMT("ALTER TABLE t ENABLE TRIGGER ALL", EFFC_UNKNOWN, "trigger state", "\"t\"", 0, "");
    STMT("ALTER TABLE t DISABLE TRIGGER trg", EFFC_UNKNOWN, "trigger state", "\"t\"", 0, "");
    /* an uncheckable command keeps the effects of the others */
    STMT("ALTER TABLE t ADD COLUMN c int, ENABLE ROW LEVEL SECURITY", EFFC_UNKNOWN, "row security",
         "\"t\"", 0,
         "+COLUMN t/c\n"
         "+COLUMN_TYPE t/c type=pg_catalog.int4\n");
    STMT("ALTER TABLE t OWNER TO admin", EFFC_UNKNOWN, "ownership", "\"t\"", 0, "");
    STMT("ALTER TABLE t SET (fillfactor = 70)", EFFC_UNKNOWN, "storage options", "\"t\"", 0, "");
    STMT("ALTER TABLE t ALTER COLUMN c SET STATISTICS 500", EFFC_UNKNOWN, "column options", "\"t\"",
         0, "");
    STMT("ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1)", EFFC_UNKNOWN, "partitioning",
         "\"p\"", 0, "");
    STMT("ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE", EFFC_UNKNOWN, "constraint attributes",
         "\"t\"", 0, "+CONSTRAINT t/fk\n");
    STMT("ALTER INDEX i SET (fillfactor = 50)", EFFC_UNKNOWN, "storage options", "\"i\"", 0, "");
}

/* ---- RENAME --------------------------------------------------------- */

static void test_rename(void)
{
    OK("ALTER TABLE \"Post\" RENAME TO \"Article\"", "\"Post\"", 0,
       "+RELATION Article rk=rp\n"
       "-RELATION Post rk=rp\n");
    OK("ALTER TABLE IF EXISTS s.\"Post\" RENAME TO \"Article\"", "\"s\".\"Post\"", 0,
       "+RELATION s:Article rk=rp\n"
       "-RELATION s:Post rk=rp\n");
    OK("ALTER VIEW v RENAME TO w", "\"v\"", 0, "+RELATION w rk=v\n-RELATION v rk=v\n");
    OK("ALTER MATERIALIZED VIEW m RENAME TO m2", "\"m\"", 0,
       "+RELATION m2 rk=m\n-RELATION m rk=m\n");
    OK("ALTER SEQUENCE \"Post_id_seq\" RENAME TO \"Article_id_seq\"", "\"Post_id_seq\"", 0,
       "+RELATION Article_id_seq rk=S\n"
       "-RELATION Post_id_seq rk=S\n");
    OK("ALTER INDEX \"Post_title_idx\" RENAME TO \"Article_title_idx\"", "\"Post_title_idx\"", 0,
       "+INDEX Article_title_idx flag=0\n"
       "-INDEX Post_title_idx flag=0\n");
    OK("ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";", "\"User\".\"name\"", 0,
       "+COLUMN User/fullName\n"
       "-COLUMN User/name\n");
    OK("ALTER TABLE \"Article\" RENAME CONSTRAINT \"Post_pkey\" TO \"Article_pkey\";",
       "\"Article\".\"Post_pkey\"", 0,
       "+CONSTRAINT Article/Article_pkey\n"
       "-CONSTRAINT Article/Post_pkey\n");
    OK("ALTER SCHEMA old RENAME TO new", "\"old\"", 0, "+SCHEMA new\n-SCHEMA old\n");
    OK("ALTER FUNCTION f(int) RENAME TO g", "\"f\"", 0,
       "+FUNCTION g args=(pg_catalog.int4)/1\n"
       "-FUNCTION f args=(pg_catalog.int4)/1\n");
    OK("ALTER TRIGGER t1 ON s.tab RENAME TO t2", "\"s\".\"tab\".\"t1\"", 0,
       "+TRIGGER s:tab/t2\n"
       "-TRIGGER s:tab/t1\n");
    OK("ALTER TABLE t SET SCHEMA archive", "\"t\"", 0,
       "+RELATION archive:t rk=rp\n"
       "-RELATION t rk=rp\n");
    STMT("ALTER TYPE pair RENAME ATTRIBUTE a TO z", EFFC_UNKNOWN, "not analysed", NULL, 0, "");
}

/* ---- CREATE INDEX and other CREATE ----------------------------------- */

static void test_create_other(void)
{
    OK("CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");", "\"User_email_key\"", 0,
       "+INDEX User_email_key flag=1 ref=User\n");
    OK("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"traces_ts_idx\" ON s.traces USING BRIN (ts)",
       "\"s\".\"traces_ts_idx\"", IDEM | CONC, "+INDEX s:traces_ts_idx flag=1 ref=s:traces\n");
    STMT("CREATE UNIQUE INDEX ON \"User\"(\"email\")", EFFC_UNKNOWN, "unnamed index", "\"User\"", 0,
         "");
    OK("CREATE SCHEMA IF NOT EXISTS \"analytics\"", "\"analytics\"", IDEM, "+SCHEMA analytics\n");
    OK("CREATE SCHEMA AUTHORIZATION joe", "\"joe\"", 0, "+SCHEMA joe\n");
    STMT("CREATE SCHEMA s CREATE TABLE t (a int)", EFFC_UNKNOWN, "schema elements", "\"s\"", 0,
         "+SCHEMA s\n");
    OK("CREATE EXTENSION IF NOT EXISTS \"pg_trgm\";", "\"pg_trgm\"", IDEM, "+EXTENSION pg_trgm\n");
    OK("CREATE EXTENSION pgcrypto WITH SCHEMA public", "\"pgcrypto\"", 0, "+EXTENSION pgcrypto\n");
    OK("CREATE SEQUENCE \"order_seq\" START 1000", "\"order_seq\"", 0,
       "+RELATION order_seq rk=S\n");
    OK("CREATE SEQUENCE IF NOT EXISTS s.q", "\"s\".\"q\"", IDEM, "+RELATION s:q rk=S\n");
    OK("CREATE OR REPLACE VIEW traces_view AS SELECT id, count(*) FROM traces GROUP BY id",
       "\"traces_view\"", IDEM, "+RELATION traces_view rk=v\n");
    OK("CREATE VIEW v AS SELECT 1", "\"v\"", 0, "+RELATION v rk=v\n");
    OK("CREATE MATERIALIZED VIEW IF NOT EXISTS stats AS SELECT 1 WITH NO DATA", "\"stats\"", IDEM,
       "+RELATION stats rk=m\n");
    OK("CREATE OR REPLACE FUNCTION public.set_updated_at(a text, VARIADIC b int[], OUT c int)\n"
       "RETURNS int AS $$ BEGIN c := 1; END; $$ LANGUAGE plpgsql;",
       "\"public\".\"set_updated_at\"", IDEM,
       "+FUNCTION public:set_updated_at args=(text,pg_catalog.int4[])/2\n");
    OK("CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
       "\"trg\"", 0, "+FUNCTION trg args=()/0\n");
    OK("CREATE FUNCTION tf(x int) RETURNS TABLE (a int, b text) AS 'select 1, ''a''' LANGUAGE sql",
       "\"tf\"", 0, "+FUNCTION tf args=(pg_catalog.int4)/1\n");
    OK("CREATE PROCEDURE p(a int, INOUT b text, OUT c int) LANGUAGE sql AS $$ SELECT 1 $$", "\"p\"",
       0, "+FUNCTION p args=(pg_catalog.int4,text,pg_catalog.int4)/3\n");
    OK("CREATE TRIGGER \"set_updated\" BEFORE UPDATE ON \"Post\" FOR EACH ROW EXECUTE FUNCTION "
       "set_updated_at()",
       "\"Post\".\"set_updated\"", 0, "+TRIGGER Post/set_updated\n");
    OK("CREATE OR REPLACE TRIGGER t AFTER INSERT ON s.x EXECUTE PROCEDURE f()", "\"s\".\"x\".\"t\"",
       IDEM, "+TRIGGER s:x/t\n");
    STMT("ALTER SEQUENCE \"order_seq\" RESTART WITH 1", EFFC_UNKNOWN, "sequence options",
         "\"order_seq\"", 0, "");
    STMT("COMMENT ON TABLE \"User\" IS 'people'", EFFC_UNKNOWN, "comment", NULL, IDEM, "");
    STMT("GRANT SELECT ON \"User\" TO reader", EFFC_UNKNOWN, "privileges", NULL, IDEM, "");
    STMT("REVOKE ALL ON SCHEMA public FROM PUBLIC", EFFC_UNKNOWN, "privileges", NULL, IDEM, "");
    STMT("ALTER FUNCTION f() SECURITY DEFINER", EFFC_UNKNOWN, "function options", NULL, 0, "");
    STMT("CREATE POLICY p ON t USING (true)", EFFC_UNKNOWN, "not analysed", NULL, 0, "");
}

/* ---- DML, queries, DO, session ---------------------------------------- */

static void test_dml_and_session(void)
{
    STMT("INSERT INTO \"Role\" (\"id\", \"name\") VALUES ('1', 'admin')", EFFC_UNKNOWN,
         "data change", NULL, 0, "");
    STMT("UPDATE \"User\" SET \"role\" = 'ADMIN' WHERE \"email\" LIKE '%@corp'", EFFC_UNKNOWN,
         "data change", NULL, 0, "");
    STMT("DELETE FROM \"Session\"", EFFC_UNKNOWN, "data change", NULL, 0, "");
    STMT("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", EFFC_UNKNOWN,
         "data change", NULL, 0, "");
    STMT("TRUNCATE \"Session\"", EFFC_UNKNOWN, "data change", NULL, 0, "");
    STMT("COPY t FROM '/tmp/x.csv'", EFFC_UNKNOWN, "data change", NULL, 0, "");
    STMT("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved",
         EFFC_UNKNOWN, "data change", NULL, 0, "");
    STMT("SELECT 1", EFFC_NONE, "query", NULL, 0, "");
    STMT("SELECT a.id FROM a JOIN b ON a.id = b.id WHERE a.x > 1 ORDER BY 1", EFFC_NONE, "query",
         NULL, 0, "");
    STMT("SELECT setval('\"Item_id_seq\"', (SELECT MAX(id) FROM \"Item\"))", EFFC_UNKNOWN,
         "function call", NULL, 0, "");
    STMT("SELECT x FROM t WHERE y IN (SELECT lower(z) FROM u)", EFFC_UNKNOWN, "function call", NULL,
         0, "");
    STMT("WITH d AS (UPDATE t SET x = 1 RETURNING id) SELECT id FROM d", EFFC_UNKNOWN,
         "data change", NULL, 0, "");
    STMT("CALL do_things()", EFFC_UNKNOWN, "function call", NULL, 0, "");

    STMT("DO $$ BEGIN PERFORM 1; END $$", EFFC_UNKNOWN, "DO block", NULL, 0, "");
    STMT("DO $$ BEGIN\n"
         "  CREATE TYPE \"Role\" AS ENUM ('A');\n"
         "EXCEPTION\n"
         "  WHEN duplicate_object THEN null;\n"
         "END $$;",
         EFFC_UNKNOWN, "DO block", NULL, GUARD, "");
    STMT("DO $$ BEGIN IF not\n  exists (SELECT 1 FROM pg_type WHERE typname = 'x') THEN "
         "CREATE TYPE x AS ENUM ('a'); END IF; END $$",
         EFFC_UNKNOWN, "DO block", NULL, GUARD, "");
    STMT("DO LANGUAGE plpgsql $$ BEGIN DROP TABLE IF EXISTS x; END $$", EFFC_UNKNOWN, "DO block",
         NULL, GUARD, "");
    /* EXCEPTION alone does not guard */
    STMT("DO $$ BEGIN CREATE TABLE x (a int); EXCEPTION WHEN others THEN RAISE; END $$",
         EFFC_UNKNOWN, "DO block", NULL, 0, "");

    STMT("SET statement_timeout = 0", EFFC_NONE, "session setting", NULL, 0, "");
    STMT("SET LOCAL lock_timeout = '5s'", EFFC_NONE, "session setting", NULL, 0, "");
    STMT("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", EFFC_NONE, "session setting", NULL, 0, "");
    STMT("RESET ALL", EFFC_NONE, "session setting", NULL, 0, "");
    STMT("DISCARD ALL", EFFC_NONE, "session setting", NULL, 0, "");
    STMT("BEGIN", EFFC_NONE, "transaction control", NULL, 0, "");
    STMT("COMMIT", EFFC_NONE, "transaction control", NULL, 0, "");
    STMT("ROLLBACK", EFFC_NONE, "transaction control", NULL, 0, "");
    STMT("SAVEPOINT a", EFFC_NONE, "transaction control", NULL, 0, "");
    STMT("ANALYZE \"User\"", EFFC_NONE, "maintenance", NULL, 0, "");
    STMT("VACUUM (ANALYZE) \"User\"", EFFC_NONE, "maintenance", NULL, 0, "");
    STMT("CHECKPOINT", EFFC_NONE, "maintenance", NULL, 0, "");
    STMT("REINDEX INDEX CONCURRENTLY i", EFFC_NONE, "maintenance", NULL, 0, "");
    STMT("LOCK TABLE \"User\" IN ACCESS EXCLUSIVE MODE", EFFC_NONE, "lock", NULL, 0, "");
    STMT("SHOW search_path", EFFC_NONE, "query", NULL, 0, "");
}

/* ---- several statements, describe ------------------------------------- */

static void test_script_alignment(void)
{
    static const char sql[] = "BEGIN;\n"
                              "CREATE TABLE a (id int);\n"
                              "INSERT INTO a VALUES (1);\n"
                              "COMMIT;\n";
    struct sql_script s;
    if (parse_ok(&s, sql) != 0) {
        CHECK(0);
        return;
    }
    struct stmt_effects *v = effects_of_script(&s);
    CHECK_INT(s.n, 4);
    CHECK_INT(v[0].cls, EFFC_NONE);
    CHECK_INT(v[1].cls, EFFC_CHECKABLE);
    CHECK_INT(v[1].n, 3);
    CHECK_INT(v[2].cls, EFFC_UNKNOWN);
    CHECK_INT(v[3].cls, EFFC_NONE);
    effects_release(v, s.n);
    sql_script_release(&s);

    /* an empty script */
    if (parse_ok(&s, "-- nothing\n") == 0) {
        v = effects_of_script(&s);
        CHECK_INT(s.n, 0);
        effects_release(v, s.n);
        sql_script_release(&s);
    }
    effects_release(NULL, 0);
}

/* The descriptions of every effect of one statement, joined by "; ". */
static char *describe_all(const char *sql)
{
    struct sql_script s;
    struct buf b = BUF_INIT;
    if (parse_ok(&s, sql) != 0)
        return xstrdup("(parse error)");
    struct stmt_effects *v = effects_of_script(&s);
    for (size_t i = 0; i < s.n; i++) {
        for (size_t k = 0; k < v[i].n; k++) {
            char *d = effect_describe(&v[i].v[k]);
            if (b.len)
                buf_adds(&b, "; ");
            buf_adds(&b, d);
            free(d);
        }
    }
    effects_release(v, s.n);
    sql_script_release(&s);
    return buf_detach(&b, NULL);
}

#define CHECK_DESCRIBE(sql, expected)                                                              \
    do {                                                                                           \
        char *d_ = describe_all(sql);                                                              \
        CHECK_STR(d_, expected);                                                                   \
        free(d_);                                                                                  \
    } while (0)

static void test_describe(void)
{
    CHECK_DESCRIBE("CREATE SCHEMA \"a\"\"b\"", "schema \"a\"\"b\"");
    CHECK_DESCRIBE("CREATE TABLE public.\"User\" (\"email\" VARCHAR(20)[] NOT NULL DEFAULT '{}', "
                   "CONSTRAINT \"User_pkey\" PRIMARY KEY (\"email\"))",
                   "table \"public\".\"User\"; column \"public\".\"User\".\"email\"; "
                   "column \"public\".\"User\".\"email\" of type pg_catalog.varchar(20)[]; "
                   "column \"public\".\"User\".\"email\" NOT NULL; "
                   "column \"public\".\"User\".\"email\" has a default; "
                   "primary key \"User_pkey\" on \"public\".\"User\"");
    CHECK_DESCRIBE("ALTER TABLE t ALTER COLUMN c DROP NOT NULL, ALTER COLUMN c DROP DEFAULT, "
                   "ALTER COLUMN d TYPE numeric(10,2)",
                   "column \"t\".\"c\" nullable; column \"t\".\"c\" has no default; "
                   "column \"t\".\"d\" of type pg_catalog.numeric(10,2)");
    CHECK_DESCRIBE("ALTER TABLE \"Order\" ADD FOREIGN KEY (\"userId\", \"x\") REFERENCES "
                   "s.\"User\"(\"id\", \"x\"), ADD CHECK (a > 0), ADD UNIQUE (a), "
                   "DROP CONSTRAINT c",
                   "foreign key (\"userId\", \"x\") on \"Order\" referencing \"s\".\"User\"; "
                   "check constraint on \"Order\"; unique constraint (\"a\") on \"Order\"; "
                   "constraint \"c\" on \"Order\"");
    CHECK_DESCRIBE("CREATE INDEX \"Order_createdAt_idx\" ON s.\"Order\"(\"createdAt\")",
                   "index \"s\".\"Order_createdAt_idx\"");
    CHECK_DESCRIBE("CREATE TYPE \"OrderStatus\" AS ENUM ('it''s')",
                   "enum \"OrderStatus\"; value 'it''s' of enum \"OrderStatus\"");
    CHECK_DESCRIBE("ALTER TYPE \"OrderStatus\" ADD VALUE 'SHIPPED'",
                   "value 'SHIPPED' of enum \"OrderStatus\"");
    CHECK_DESCRIBE("CREATE TYPE c AS (a int); CREATE DOMAIN d AS int; DROP TYPE t",
                   "composite type \"c\"; domain \"d\"; type \"t\"");
    CHECK_DESCRIBE("CREATE TYPE r AS RANGE (subtype = int4)", "range type \"r\"");
    CHECK_DESCRIBE("CREATE EXTENSION pg_trgm", "extension \"pg_trgm\"");
    CHECK_DESCRIBE("DROP FUNCTION f; DROP FUNCTION g(text, int)",
                   "function \"f\"; function \"g\"(text,pg_catalog.int4)");
    CHECK_DESCRIBE("CREATE TRIGGER t BEFORE UPDATE ON \"Post\" EXECUTE FUNCTION f()",
                   "trigger \"t\" on \"Post\"");
    CHECK_DESCRIBE("CREATE VIEW v AS SELECT 1; CREATE MATERIALIZED VIEW m AS SELECT 1; "
                   "CREATE SEQUENCE q; DROP FOREIGN TABLE f",
                   "view \"v\"; materialized view \"m\"; sequence \"q\"; foreign table \"f\"");
}

/* ---- the real corpora ------------------------------------------------ */

static const char *corpus_root(void)
{
    const char *r = getenv("PGMIG_CORPUS");
    return r && *r ? r : "/work/shared/corpus";
}

/*
 * Statement kinds (sql_stmt.kind) the corpora may hold that are "not
 * analysed", with why. Empty today: every corpus statement gets a class with
 * a specific reason. Add a kind here only with a comment saying why it
 * cannot be modelled.
 */
static const char *const allowed_not_analysed[] = {
    NULL,
};

struct tally {
    long stmts, files;
    long cls[3];
    long kinds[EFF_TRIGGER + 1];
    long effects;
    /* statement kind label -> count, for "not analysed" and per-reason */
    const char *na_kind[64];
    long na_count[64];
    size_t n_na;
    const char *reason[64];
    long reason_count[64];
    size_t n_reason;
};

static void bump(const char **keys, long *counts, size_t *n, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(keys[i], key) == 0) {
            counts[i]++;
            return;
        }
    if (*n < 64) {
        keys[*n] = key;
        counts[(*n)++] = 1;
    }
}

static int allowed(const char *kind)
{
    for (size_t i = 0; allowed_not_analysed[i]; i++)
        if (strcmp(allowed_not_analysed[i], kind) == 0)
            return 1;
    return 0;
}

static void check_invariants(const char *path, const struct sql_script *s,
                             const struct stmt_effects *v, struct tally *t)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct stmt_effects *se = &v[i];
        const struct sql_stmt *st = &s->stmts[i];
        t->stmts++;
        t->cls[se->cls]++;
        if (se->cls == EFFC_CHECKABLE)
            CHECK(se->n > 0 && se->reason == NULL);
        else
            CHECK(se->reason != NULL);
        if (se->cls == EFFC_NONE)
            CHECK(se->n == 0);
        if (se->reason)
            bump(t->reason, t->reason_count, &t->n_reason, se->reason);
        if (se->cls == EFFC_UNKNOWN && strcmp(se->reason, "not analysed") == 0) {
            bump(t->na_kind, t->na_count, &t->n_na, st->kind);
            if (!allowed(st->kind)) {
                fprintf(stderr, "%s:%d:%d: not analysed: %.*s\n", path, st->line, st->col,
                        (int)(st->len > 200 ? 200 : st->len), s->text + st->start);
                CHECK(0);
            }
        }
        for (size_t k = 0; k < se->n; k++) {
            const struct effect *e = &se->v[k];
            t->effects++;
            t->kinds[e->kind]++;
            CHECK(e->name && e->name[0]);
            char *d = effect_describe(e);
            CHECK(d && d[0]);
            free(d);
        }
    }
}

static int corpus_pass(const char *name, struct tally *t)
{
    char *dir = xasprintf("%s/%s/migrations", corpus_root(), name);
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) {
        free(dir);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *path = xasprintf("%s/%s/migration.sql", dir, de->d_name);
        struct stat sb;
        struct buf b = BUF_INIT;
        struct pm_err e = PM_ERR_INIT;
        struct sql_script s;
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (fs_read_file(path, &b, &e) != 0 ||
                sql_script_parse(&s, path, b.data, b.len, &e) != 0) {
                fprintf(stderr, "%s: %s\n", path, e.primary ? e.primary : "?");
                CHECK(0);
            } else {
                struct stmt_effects *v = effects_of_script(&s);
                t->files++;
                check_invariants(path, &s, v, t);
                effects_release(v, s.n);
                sql_script_release(&s);
            }
        }
        pm_err_release(&e);
        buf_release(&b);
        free(path);
    }
    closedir(d);
    free(dir);
    return 0;
}

static void print_counts(const char *title, const char **keys, long *counts, size_t n)
{
    /* by count, descending (n is small) */
    int used[64] = {0};
    printf("  %s:", title);
    for (size_t r = 0; r < n; r++) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && (best == n || counts[i] > counts[best]))
                best = i;
        used[best] = 1;
        printf("%s %s %ld", r ? "," : "", keys[best], counts[best]);
    }
    printf("%s\n", n ? "" : " none");
}

static void test_corpora(void)
{
    static const char *const corpora[] = {"documenso", "langfuse"};
    struct tally t;
    memset(&t, 0, sizeof(t));
    int found = 0;
    for (size_t i = 0; i < ARRAY_SIZE(corpora); i++) {
        if (corpus_pass(corpora[i], &t) < 0)
            printf("note: %s/%s not found, skipped\n", corpus_root(), corpora[i]);
        else
            found++;
    }
    if (!found)
        return;
    printf("corpora: %ld files, %ld statements, %ld effects\n", t.files, t.stmts, t.effects);
    printf("  class: checkable %ld, unknown %ld, none %ld\n", t.cls[EFFC_CHECKABLE],
           t.cls[EFFC_UNKNOWN], t.cls[EFFC_NONE]);
    printf("  effects:");
    for (int k = 0; k <= EFF_TRIGGER; k++)
        if (t.kinds[k])
            printf(" %s %ld", kind_name((enum eff_kind)k), t.kinds[k]);
    printf("\n");
    print_counts("reasons", t.reason, t.reason_count, t.n_reason);
    print_counts("not analysed", t.na_kind, t.na_count, t.n_na);
}

int main(void)
{
    RUN(test_create_table);
    RUN(test_drop);
    RUN(test_types);
    RUN(test_alter_table);
    RUN(test_rename);
    RUN(test_create_other);
    RUN(test_dml_and_session);
    RUN(test_script_alignment);
    RUN(test_describe);
    RUN(test_corpora);
    UNIT_DONE();
}
