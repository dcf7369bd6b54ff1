/*
 * script.c - split a SQL script into statements with PostgreSQL's own parser
 * (libpg_query, protobuf output) and classify each statement from its parse
 * tree. Statement boundaries are the parser's RawStmt locations, never ours.
 */
#include "sql/script.h"
#include "util/mem.h"
#include "util/srcpos.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- statement kind labels ------------------------------------------- */

struct obj_label {
    const char *create, *alter, *drop;
};

/* Labels per ObjectType, for statements whose kind depends on it. */
#define OBJ(t, name)                                                                               \
    [PG_QUERY__OBJECT_TYPE__OBJECT_##t] = {"CREATE " name, "ALTER " name, "DROP " name}
static const struct obj_label obj_labels[] = {
    OBJ(ACCESS_METHOD, "ACCESS METHOD"),
    OBJ(AGGREGATE, "AGGREGATE"),
    OBJ(AMOP, "OPERATOR FAMILY"),
    OBJ(AMPROC, "OPERATOR FAMILY"),
    OBJ(ATTRIBUTE, "TYPE"),
    OBJ(CAST, "CAST"),
    OBJ(COLUMN, "TABLE"),
    OBJ(COLLATION, "COLLATION"),
    OBJ(CONVERSION, "CONVERSION"),
    OBJ(DATABASE, "DATABASE"),
    OBJ(DEFAULT, "TABLE"),
    OBJ(DEFACL, "DEFAULT PRIVILEGES"),
    OBJ(DOMAIN, "DOMAIN"),
    OBJ(DOMCONSTRAINT, "DOMAIN"),
    OBJ(EVENT_TRIGGER, "EVENT TRIGGER"),
    OBJ(EXTENSION, "EXTENSION"),
    OBJ(FDW, "FOREIGN DATA WRAPPER"),
    OBJ(FOREIGN_SERVER, "SERVER"),
    OBJ(FOREIGN_TABLE, "FOREIGN TABLE"),
    OBJ(FUNCTION, "FUNCTION"),
    OBJ(INDEX, "INDEX"),
    OBJ(LANGUAGE, "LANGUAGE"),
    OBJ(LARGEOBJECT, "LARGE OBJECT"),
    OBJ(MATVIEW, "MATERIALIZED VIEW"),
    OBJ(OPCLASS, "OPERATOR CLASS"),
    OBJ(OPERATOR, "OPERATOR"),
    OBJ(OPFAMILY, "OPERATOR FAMILY"),
    OBJ(PARAMETER_ACL, "PARAMETER"),
    OBJ(POLICY, "POLICY"),
    OBJ(PROCEDURE, "PROCEDURE"),
    OBJ(PUBLICATION, "PUBLICATION"),
    OBJ(PUBLICATION_NAMESPACE, "PUBLICATION"),
    OBJ(PUBLICATION_REL, "PUBLICATION"),
    OBJ(ROLE, "ROLE"),
    OBJ(ROUTINE, "ROUTINE"),
    OBJ(RULE, "RULE"),
    OBJ(SCHEMA, "SCHEMA"),
    OBJ(SEQUENCE, "SEQUENCE"),
    OBJ(SUBSCRIPTION, "SUBSCRIPTION"),
    OBJ(STATISTIC_EXT, "STATISTICS"),
    OBJ(TABCONSTRAINT, "TABLE"),
    OBJ(TABLE, "TABLE"),
    OBJ(TABLESPACE, "TABLESPACE"),
    OBJ(TRANSFORM, "TRANSFORM"),
    OBJ(TRIGGER, "TRIGGER"),
    OBJ(TSCONFIGURATION, "TEXT SEARCH CONFIGURATION"),
    OBJ(TSDICTIONARY, "TEXT SEARCH DICTIONARY"),
    OBJ(TSPARSER, "TEXT SEARCH PARSER"),
    OBJ(TSTEMPLATE, "TEXT SEARCH TEMPLATE"),
    OBJ(TYPE, "TYPE"),
    OBJ(USER_MAPPING, "USER MAPPING"),
    OBJ(VIEW, "VIEW"),
};
#undef OBJ

enum obj_verb { VERB_CREATE, VERB_ALTER, VERB_DROP };

static const char *obj_label(PgQuery__ObjectType t, enum obj_verb verb)
{
    static const char *const bare[] = {"CREATE", "ALTER", "DROP"};
    const struct obj_label *l = NULL;
    if ((size_t)t < ARRAY_SIZE(obj_labels))
        l = &obj_labels[t];
    const char *s = !l                    ? NULL
                    : verb == VERB_CREATE ? l->create
                    : verb == VERB_ALTER  ? l->alter
                                          : l->drop;
    return s ? s : bare[verb];
}

/* Statements whose label and flags do not depend on their contents. */
struct simple_kind {
    const char *kind;
    PgQuery__Node__NodeCase node;
    unsigned flags;
};

#define K(node_, kind_, flags_)                                                                    \
    {                                                                                              \
        .kind = (kind_), .node = PG_QUERY__NODE__NODE_##node_, .flags = (flags_)                   \
    }
static const struct simple_kind simple_kinds[] = {
    K(INSERT_STMT, "INSERT", STMT_DML),
    K(DELETE_STMT, "DELETE", STMT_DML),
    K(UPDATE_STMT, "UPDATE", STMT_DML),
    K(MERGE_STMT, "MERGE", STMT_DML),
    K(TRUNCATE_STMT, "TRUNCATE", STMT_DML),
    K(CREATE_STMT, "CREATE TABLE", STMT_DDL),
    K(ALTER_DOMAIN_STMT, "ALTER DOMAIN", STMT_DDL),
    K(ALTER_DEFAULT_PRIVILEGES_STMT, "ALTER DEFAULT PRIVILEGES", STMT_DDL),
    K(CLOSE_PORTAL_STMT, "CLOSE", 0),
    K(COMMENT_STMT, "COMMENT", STMT_DDL),
    K(DO_STMT, "DO", 0),
    K(RULE_STMT, "CREATE RULE", STMT_DDL),
    K(NOTIFY_STMT, "NOTIFY", 0),
    K(LISTEN_STMT, "LISTEN", 0),
    K(UNLISTEN_STMT, "UNLISTEN", 0),
    K(VIEW_STMT, "CREATE VIEW", STMT_DDL),
    K(LOAD_STMT, "LOAD", 0),
    K(CREATE_DOMAIN_STMT, "CREATE DOMAIN", STMT_DDL),
    K(CREATEDB_STMT, "CREATE DATABASE", STMT_DDL | STMT_NONTX),
    K(DROPDB_STMT, "DROP DATABASE", STMT_DDL | STMT_NONTX),
    K(EXPLAIN_STMT, "EXPLAIN", 0),
    K(CREATE_SEQ_STMT, "CREATE SEQUENCE", STMT_DDL),
    K(ALTER_SEQ_STMT, "ALTER SEQUENCE", STMT_DDL),
    K(VARIABLE_SHOW_STMT, "SHOW", 0),
    K(CREATE_TRIG_STMT, "CREATE TRIGGER", STMT_DDL),
    K(CREATE_PLANG_STMT, "CREATE LANGUAGE", STMT_DDL),
    K(CREATE_ROLE_STMT, "CREATE ROLE", STMT_DDL),
    K(ALTER_ROLE_STMT, "ALTER ROLE", STMT_DDL),
    K(DROP_ROLE_STMT, "DROP ROLE", STMT_DDL),
    K(LOCK_STMT, "LOCK", 0),
    K(CONSTRAINTS_SET_STMT, "SET CONSTRAINTS", 0),
    K(CHECK_POINT_STMT, "CHECKPOINT", 0),
    K(CREATE_SCHEMA_STMT, "CREATE SCHEMA", STMT_DDL),
    K(ALTER_DATABASE_REFRESH_COLL_STMT, "ALTER DATABASE", STMT_DDL),
    K(ALTER_DATABASE_SET_STMT, "ALTER DATABASE", STMT_DDL),
    K(ALTER_ROLE_SET_STMT, "ALTER ROLE", STMT_DDL),
    K(CREATE_CONVERSION_STMT, "CREATE CONVERSION", STMT_DDL),
    K(CREATE_CAST_STMT, "CREATE CAST", STMT_DDL),
    K(CREATE_OP_CLASS_STMT, "CREATE OPERATOR CLASS", STMT_DDL),
    K(CREATE_OP_FAMILY_STMT, "CREATE OPERATOR FAMILY", STMT_DDL),
    K(ALTER_OP_FAMILY_STMT, "ALTER OPERATOR FAMILY", STMT_DDL),
    K(PREPARE_STMT, "PREPARE", 0),
    K(EXECUTE_STMT, "EXECUTE", 0),
    K(DEALLOCATE_STMT, "DEALLOCATE", 0),
    K(DECLARE_CURSOR_STMT, "DECLARE", 0),
    K(CREATE_TABLE_SPACE_STMT, "CREATE TABLESPACE", STMT_DDL | STMT_NONTX),
    K(DROP_TABLE_SPACE_STMT, "DROP TABLESPACE", STMT_DDL | STMT_NONTX),
    K(ALTER_OPERATOR_STMT, "ALTER OPERATOR", STMT_DDL),
    K(ALTER_TYPE_STMT, "ALTER TYPE", STMT_DDL),
    K(DROP_OWNED_STMT, "DROP OWNED", STMT_DDL),
    K(REASSIGN_OWNED_STMT, "REASSIGN OWNED", STMT_DDL),
    K(COMPOSITE_TYPE_STMT, "CREATE TYPE", STMT_DDL),
    K(CREATE_ENUM_STMT, "CREATE TYPE", STMT_DDL),
    K(CREATE_RANGE_STMT, "CREATE TYPE", STMT_DDL),
    K(ALTER_TSDICTIONARY_STMT, "ALTER TEXT SEARCH DICTIONARY", STMT_DDL),
    K(ALTER_TSCONFIGURATION_STMT, "ALTER TEXT SEARCH CONFIGURATION", STMT_DDL),
    K(CREATE_FDW_STMT, "CREATE FOREIGN DATA WRAPPER", STMT_DDL),
    K(ALTER_FDW_STMT, "ALTER FOREIGN DATA WRAPPER", STMT_DDL),
    K(CREATE_FOREIGN_SERVER_STMT, "CREATE SERVER", STMT_DDL),
    K(ALTER_FOREIGN_SERVER_STMT, "ALTER SERVER", STMT_DDL),
    K(CREATE_USER_MAPPING_STMT, "CREATE USER MAPPING", STMT_DDL),
    K(ALTER_USER_MAPPING_STMT, "ALTER USER MAPPING", STMT_DDL),
    K(DROP_USER_MAPPING_STMT, "DROP USER MAPPING", STMT_DDL),
    K(ALTER_TABLE_SPACE_OPTIONS_STMT, "ALTER TABLESPACE", STMT_DDL),
    K(SEC_LABEL_STMT, "SECURITY LABEL", STMT_DDL),
    K(CREATE_FOREIGN_TABLE_STMT, "CREATE FOREIGN TABLE", STMT_DDL),
    K(IMPORT_FOREIGN_SCHEMA_STMT, "IMPORT FOREIGN SCHEMA", STMT_DDL),
    K(CREATE_EXTENSION_STMT, "CREATE EXTENSION", STMT_DDL),
    K(ALTER_EXTENSION_STMT, "ALTER EXTENSION", STMT_DDL),
    K(ALTER_EXTENSION_CONTENTS_STMT, "ALTER EXTENSION", STMT_DDL),
    K(CREATE_EVENT_TRIG_STMT, "CREATE EVENT TRIGGER", STMT_DDL),
    K(ALTER_EVENT_TRIG_STMT, "ALTER EVENT TRIGGER", STMT_DDL),
    K(REFRESH_MAT_VIEW_STMT, "REFRESH MATERIALIZED VIEW", STMT_DDL),
    K(ALTER_SYSTEM_STMT, "ALTER SYSTEM", STMT_DDL | STMT_NONTX),
    K(CREATE_POLICY_STMT, "CREATE POLICY", STMT_DDL),
    K(ALTER_POLICY_STMT, "ALTER POLICY", STMT_DDL),
    K(CREATE_TRANSFORM_STMT, "CREATE TRANSFORM", STMT_DDL),
    K(CREATE_AM_STMT, "CREATE ACCESS METHOD", STMT_DDL),
    K(CREATE_PUBLICATION_STMT, "CREATE PUBLICATION", STMT_DDL),
    K(ALTER_PUBLICATION_STMT, "ALTER PUBLICATION", STMT_DDL),
    /* Non-transactional only when they create/drop a replication slot (the
     * default); the options are not inspected: conservative. */
    K(CREATE_SUBSCRIPTION_STMT, "CREATE SUBSCRIPTION", STMT_DDL | STMT_NONTX),
    K(DROP_SUBSCRIPTION_STMT, "DROP SUBSCRIPTION", STMT_DDL | STMT_NONTX),
    K(CREATE_STATS_STMT, "CREATE STATISTICS", STMT_DDL),
    K(ALTER_COLLATION_STMT, "ALTER COLLATION", STMT_DDL),
    K(CALL_STMT, "CALL", 0),
    K(ALTER_STATS_STMT, "ALTER STATISTICS", STMT_DDL),
};
#undef K

/* The value of a boolean option (DefElem), as PostgreSQL's defGetBoolean
 * reads it; an option without a value is true. Unknown spellings count as
 * true, which is the conservative answer for every caller here. */
static int defelem_bool(const PgQuery__DefElem *d)
{
    const PgQuery__Node *a = d->arg;
    if (!a)
        return 1;
    switch (a->node_case) {
    case PG_QUERY__NODE__NODE_INTEGER:
        return a->integer->ival != 0;
    case PG_QUERY__NODE__NODE_BOOLEAN:
        return a->boolean->boolval != 0;
    case PG_QUERY__NODE__NODE_STRING: {
        const char *v = a->string->sval;
        return !(strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0 ||
                 strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0);
    }
    default:
        return 1;
    }
}

/* The DefElem named `name` in an option list, or NULL. */
static const PgQuery__DefElem *find_option(PgQuery__Node *const *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (opts[i] && opts[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
            strcmp(opts[i]->def_elem->defname, name) == 0)
            return opts[i]->def_elem;
    return NULL;
}

static void classify_transaction(const PgQuery__TransactionStmt *t, struct sql_stmt *st)
{
    switch (t->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
        st->kind = "BEGIN";
        st->flags = STMT_TX_BEGIN;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
        st->kind = "START TRANSACTION";
        st->flags = STMT_TX_BEGIN;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
        /* COMMIT AND CHAIN ends one transaction and opens another. */
        st->kind = "COMMIT";
        st->flags = t->chain ? STMT_TX_OTHER : STMT_TX_COMMIT;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        st->kind = "ROLLBACK";
        st->flags = t->chain ? STMT_TX_OTHER : STMT_TX_ROLLBACK;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
        st->kind = "SAVEPOINT";
        st->flags = STMT_TX_OTHER;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
        st->kind = "RELEASE";
        st->flags = STMT_TX_OTHER;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
        st->kind = "ROLLBACK TO SAVEPOINT";
        st->flags = STMT_TX_OTHER;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
        st->kind = "PREPARE TRANSACTION";
        st->flags = STMT_TX_OTHER;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED:
        st->kind = "COMMIT PREPARED";
        st->flags = STMT_TX_OTHER;
        break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_PREPARED:
        st->kind = "ROLLBACK PREPARED";
        st->flags = STMT_TX_OTHER;
        break;
    default:
        st->kind = "TRANSACTION";
        st->flags = STMT_TX_OTHER;
        break;
    }
}

static void classify_alter_table(const PgQuery__AlterTableStmt *a, struct sql_stmt *st)
{
    st->kind = obj_label(a->objtype, VERB_ALTER);
    st->flags = STMT_DDL;
    for (size_t i = 0; i < a->n_cmds; i++) {
        const PgQuery__Node *c = a->cmds[i];
        if (!c || c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
            continue;
        const PgQuery__AlterTableCmd *cmd = c->alter_table_cmd;
        if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition && cmd->def &&
            cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
            cmd->def->partition_cmd->concurrent)
            st->flags |= STMT_NONTX;
    }
}

static void classify_rename(const PgQuery__RenameStmt *r, struct sql_stmt *st)
{
    PgQuery__ObjectType t = r->rename_type;
    /* RENAME COLUMN belongs to the relation it is on. The grammar leaves
     * relationType unset (0) for RENAME CONSTRAINT, which the protobuf output
     * shifts to OBJECT_ACCESS_METHOD: only ALTER TABLE has that form. */
    if (t == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN)
        t = r->relation_type;
    else if (t == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT)
        t = PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
    st->kind = obj_label(t, VERB_ALTER);
    st->flags = STMT_DDL;
}

static void classify_reindex(const PgQuery__ReindexStmt *r, struct sql_stmt *st)
{
    const PgQuery__DefElem *conc = find_option(r->params, r->n_params, "concurrently");
    st->kind = "REINDEX";
    st->flags = 0;
    if ((conc && defelem_bool(conc)) ||
        r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA ||
        r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM ||
        r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE)
        st->flags |= STMT_NONTX;
}

static void classify_copy(const PgQuery__CopyStmt *c, struct sql_stmt *st)
{
    st->kind = "COPY";
    st->flags = STMT_DML;
    /* No file name (and not PROGRAM): the data goes through the client. */
    if (!c->is_program && (!c->filename || !c->filename[0]))
        st->flags |= c->is_from ? STMT_COPY_STDIN : STMT_COPY_STDOUT;
}

static void classify_variable_set(const PgQuery__VariableSetStmt *v, struct sql_stmt *st)
{
    int reset = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
                v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL;
    st->kind = reset ? "RESET" : "SET";
    st->flags = 0;
    /* SET TRANSACTION ... and SET TRANSACTION SNAPSHOT ...; not SET SESSION
     * CHARACTERISTICS AS TRANSACTION, whose name is "SESSION CHARACTERISTICS". */
    if (!reset && v->name &&
        (strcmp(v->name, "TRANSACTION") == 0 || strcmp(v->name, "TRANSACTION SNAPSHOT") == 0)) {
        st->kind = "SET TRANSACTION";
        st->flags = STMT_SET_TRANSACTION;
    }
}

/* Fill st->kind, st->flags and st->node from a statement node. */
static void classify(const PgQuery__Node *n, struct sql_stmt *st)
{
    st->node = (int)n->node_case;
    st->kind = NULL;
    st->flags = 0;

    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        if (n->select_stmt->into_clause) {
            st->kind = "SELECT INTO";
            st->flags = STMT_DDL | STMT_DML;
        } else {
            st->kind = "SELECT";
            st->flags = STMT_DML;
        }
        return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        classify_alter_table(n->alter_table_stmt, st);
        return;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        st->kind = n->grant_stmt->is_grant ? "GRANT" : "REVOKE";
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
        st->kind = n->grant_role_stmt->is_grant ? "GRANT" : "REVOKE";
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
        /* CLUSTER without a table reclusters every table, one transaction each. */
        st->kind = "CLUSTER";
        st->flags = STMT_DDL | (n->cluster_stmt->relation ? 0 : STMT_NONTX);
        return;
    case PG_QUERY__NODE__NODE_COPY_STMT:
        classify_copy(n->copy_stmt, st);
        return;
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
        st->kind = obj_label(n->define_stmt->kind, VERB_CREATE);
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        st->kind = obj_label(n->drop_stmt->remove_type, VERB_DROP);
        st->flags = STMT_DDL | (n->drop_stmt->concurrent ? STMT_NONTX : 0);
        return;
    case PG_QUERY__NODE__NODE_FETCH_STMT:
        st->kind = n->fetch_stmt->ismove ? "MOVE" : "FETCH";
        return;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        st->kind = "CREATE INDEX";
        st->flags = STMT_DDL | (n->index_stmt->concurrent ? STMT_NONTX : 0);
        return;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        st->kind = n->create_function_stmt->is_procedure ? "CREATE PROCEDURE" : "CREATE FUNCTION";
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
        st->kind = obj_label(n->alter_function_stmt->objtype, VERB_ALTER);
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        classify_rename(n->rename_stmt, st);
        return;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        classify_transaction(n->transaction_stmt, st);
        return;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
        /* ANALYZE alone runs inside a transaction block; VACUUM does not. */
        if (n->vacuum_stmt->is_vacuumcmd) {
            st->kind = "VACUUM";
            st->flags = STMT_NONTX;
        } else {
            st->kind = "ANALYZE";
        }
        return;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
        const PgQuery__CreateTableAsStmt *c = n->create_table_as_stmt;
        st->kind = c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "CREATE MATERIALIZED VIEW"
                   : c->is_select_into                                 ? "SELECT INTO"
                                                                       : "CREATE TABLE AS";
        st->flags = STMT_DDL;
        return;
    }
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        classify_variable_set(n->variable_set_stmt, st);
        return;
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
        st->kind = "DISCARD";
        if (n->discard_stmt->target == PG_QUERY__DISCARD_MODE__DISCARD_ALL)
            st->flags = STMT_NONTX;
        return;
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
        classify_reindex(n->reindex_stmt, st);
        return;
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT: {
        const PgQuery__AlterDatabaseStmt *a = n->alter_database_stmt;
        st->kind = "ALTER DATABASE";
        st->flags = STMT_DDL;
        /* ALTER DATABASE ... SET TABLESPACE moves files, outside any transaction. */
        if (find_option(a->options, a->n_options, "tablespace"))
            st->flags |= STMT_NONTX;
        return;
    }
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_DEPENDS_STMT:
        st->kind = obj_label(n->alter_object_depends_stmt->object_type, VERB_ALTER);
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        st->kind = obj_label(n->alter_object_schema_stmt->object_type, VERB_ALTER);
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
        st->kind = obj_label(n->alter_owner_stmt->object_type, VERB_ALTER);
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_MOVE_ALL_STMT:
        st->kind = obj_label(n->alter_table_move_all_stmt->objtype, VERB_ALTER);
        st->flags = STMT_DDL;
        return;
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: {
        const PgQuery__AlterEnumStmt *a = n->alter_enum_stmt;
        st->kind = "ALTER TYPE";
        st->flags = STMT_DDL;
        /* ADD VALUE (RENAME VALUE has old_val set) */
        if (a->new_val && a->new_val[0] && !(a->old_val && a->old_val[0]))
            st->flags |= STMT_NONTX_BEFORE_12;
        return;
    }
    case PG_QUERY__NODE__NODE_ALTER_SUBSCRIPTION_STMT: {
        PgQuery__AlterSubscriptionType k = n->alter_subscription_stmt->kind;
        st->kind = "ALTER SUBSCRIPTION";
        st->flags = STMT_DDL;
        /* REFRESH, and SET/ADD/DROP PUBLICATION (refresh = true by default). */
        if (k == PG_QUERY__ALTER_SUBSCRIPTION_TYPE__ALTER_SUBSCRIPTION_REFRESH ||
            k == PG_QUERY__ALTER_SUBSCRIPTION_TYPE__ALTER_SUBSCRIPTION_SET_PUBLICATION ||
            k == PG_QUERY__ALTER_SUBSCRIPTION_TYPE__ALTER_SUBSCRIPTION_ADD_PUBLICATION ||
            k == PG_QUERY__ALTER_SUBSCRIPTION_TYPE__ALTER_SUBSCRIPTION_DROP_PUBLICATION)
            st->flags |= STMT_NONTX;
        return;
    }
    default:
        break;
    }

    for (size_t i = 0; i < ARRAY_SIZE(simple_kinds); i++) {
        if (simple_kinds[i].node == n->node_case) {
            st->kind = simple_kinds[i].kind;
            st->flags = simple_kinds[i].flags;
            return;
        }
    }
    /* Not a statement we know: name it after its node ("return_stmt"). */
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, (int)n->node_case);
    st->kind = f ? f->name : "UNKNOWN";
}

int sql_stmt_is_nontx(const struct sql_stmt *st, int server_version_num)
{
    if (st->flags & STMT_NONTX)
        return 1;
    return (st->flags & STMT_NONTX_BEFORE_12) && server_version_num < 120000;
}

/* ---- statement spans ----------------------------------------------- */

/* PostgreSQL 15's scanner whitespace (scan.l `space`). */
static int is_pg_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * Skip the whitespace and comments libpg_query leaves at the front of a
 * statement's span (everything after the previous ';'). Only called on spans
 * the parser accepted, so every comment here is complete and what follows is
 * the statement's first token.
 */
static size_t skip_leading(const char *t, size_t i, size_t end)
{
    while (i < end) {
        if (is_pg_space(t[i])) {
            i++;
        } else if (t[i] == '-' && i + 1 < end && t[i + 1] == '-') {
            /* scan.l: comment ("--"{non_newline}*), non_newline [^\n\r] */
            while (i < end && t[i] != '\n' && t[i] != '\r')
                i++;
        } else if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
            int depth = 1; /* PostgreSQL's block comments nest */
            i += 2;
            while (i < end && depth > 0) {
                if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (t[i] == '*' && i + 1 < end && t[i + 1] == '/') {
                    depth--;
                    i += 2;
                } else {
                    i++;
                }
            }
        } else {
            break;
        }
    }
    return i;
}

static size_t trim_trailing_space(const char *t, size_t start, size_t end)
{
    while (end > start && is_pg_space(t[end - 1]))
        end--;
    return end;
}

/* Could t[start..end) end in a comment? A cheap over-approximation: a
 * trailing "--" comment lies on the last '\n'-line (it may also end at '\r'). */
static int may_end_in_comment(const char *t, size_t start, size_t end)
{
    if (end - start >= 2 && t[end - 2] == '*' && t[end - 1] == '/')
        return 1;
    for (size_t i = end; i > start + 1; i--) {
        if (t[i - 1] == '\n')
            return 0;
        if (t[i - 1] == '-' && t[i - 2] == '-')
            return 1;
    }
    return 0;
}

/*
 * Where the comments that end buf[start..end) begin, found with PostgreSQL's
 * own scanner, so that a trailing comment is not part of the statement. Cut
 * at a comment's start, never at a token's end: libpg_query reports wrong
 * ends for U&'...' and U&"..." tokens. buf is our NUL-terminated copy of the
 * text: a NUL is put at `end` for the scanner and the byte restored after.
 * Returns `end` when no comment ends the span, or on any doubt.
 */
static size_t cut_trailing_comments(char *buf, size_t start, size_t end)
{
    size_t ret = end;
    char saved = buf[end];
    buf[end] = '\0';
    PgQueryScanResult sr = pg_query_scan(buf + start);
    buf[end] = saved;
    if (!sr.error) {
        PgQuery__ScanResult *r =
            pg_query__scan_result__unpack(NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data);
        if (r) {
            for (size_t i = r->n_tokens; i-- > 0;) {
                const PgQuery__ScanToken *tok = r->tokens[i];
                if (tok->token != PG_QUERY__TOKEN__SQL_COMMENT &&
                    tok->token != PG_QUERY__TOKEN__C_COMMENT)
                    break;
                if (tok->start > 0 && (size_t)tok->start < end - start)
                    ret = start + (size_t)tok->start;
            }
            pg_query__scan_result__free_unpacked(r, NULL);
        }
    }
    pg_query_free_scan_result(sr);
    return ret;
}

/* Incremental line:column (characters) of increasing byte offsets. */
struct linecol {
    size_t pos;
    int line, col;
};

static void linecol_advance(struct linecol *lc, const char *t, size_t to)
{
    for (; lc->pos < to; lc->pos++) {
        unsigned char c = (unsigned char)t[lc->pos];
        if (c == '\n') {
            lc->line++;
            lc->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lc->col++;
        }
    }
}

/* ---- errors ---------------------------------------------------------- */

static void set_file_only(struct pm_err *e, const char *file)
{
    free(e->file);
    e->file = xstrdup(file);
    e->line = 0;
    e->col = 0;
}

/* NUL bytes and invalid UTF-8 are reported before the parser sees the text. */
static int check_bytes(const char *file, const char *text, size_t len, struct pm_err *e)
{
    const char *nul = memchr(text, '\0', len);
    size_t limit = nul ? (size_t)(nul - text) : len;
    size_t bad = 0;

    if (!utf8_valid(text, limit, &bad)) {
        unsigned char lead = (unsigned char)text[bad];
        /* show as many bytes as the lead byte announces (pg_utf_mblen) */
        size_t n = (lead & 0xE0) == 0xC0   ? 2
                   : (lead & 0xF0) == 0xE0 ? 3
                   : (lead & 0xF8) == 0xF0 ? 4
                                           : 1;
        char hex[4 * 5 + 1];
        size_t h = 0;
        for (size_t k = 0; k < n && bad + k < len; k++) {
            unsigned char c = (unsigned char)text[bad + k];
            static const char digits[] = "0123456789abcdef";
            if (k)
                hex[h++] = ' ';
            hex[h++] = '0';
            hex[h++] = 'x';
            hex[h++] = digits[c >> 4];
            hex[h++] = digits[c & 15];
        }
        hex[h] = '\0';
        pm_err_set(e, PM_EXIT_FAIL, "invalid byte sequence for encoding \"UTF8\": %s", hex);
        memcpy(e->sqlstate, "22021", 6);
        pm_err_hint(e, "Migration files must be UTF-8 text.");
        pm_err_locate(e, file, text, len, bad);
        return -1;
    }
    if (nul) {
        pm_err_set(e, PM_EXIT_FAIL, "invalid byte sequence for encoding \"UTF8\": 0x00");
        memcpy(e->sqlstate, "22021", 6);
        pm_err_detail(e, "SQL text cannot contain NUL bytes.");
        pm_err_hint(e, "Migration files must be UTF-8 text (a UTF-16 file contains NUL bytes).");
        pm_err_locate(e, file, text, len, limit);
        return -1;
    }
    return 0;
}

static int parse_error(const char *file, const char *text, size_t len, const PgQueryError *pe,
                       struct pm_err *e)
{
    pm_err_set(e, PM_EXIT_FAIL, "%s", pe->message ? pe->message : "syntax error");
    memcpy(e->sqlstate, "42601", 6);
    /* cursorpos is 1-based and counts characters, not bytes. */
    if (pe->cursorpos > 0)
        pm_err_locate(e, file, text, len,
                      srcpos_advance_chars(text, len, 0, (size_t)pe->cursorpos - 1));
    else
        set_file_only(e, file);
    return -1;
}

/* ---- running the parser safely --------------------------------------- */

/*
 * libpg_query turns the raw tree into protobuf with one level of C recursion
 * per tree level and no stack check: a left-associative chain such as
 * "1+1+1..." of 25,000 terms (50 kB) overflows an 8 MB stack. Bison bounds
 * the nesting it must hold open (parentheses, f(f(...)), NOT NOT ...) to its
 * 10,000-entry stack; every other level costs at least one token that is an
 * operator or keyword, and at least 2 bytes. Small texts are parsed in place;
 * larger ones on a thread whose stack covers that bound at STACK_PER_LEVEL
 * bytes per level (libpg_query uses about 400).
 */
enum {
    PARSE_INLINE_MAX = 4096,      /* <= 2,048 levels: well under 1 MB of stack */
    STACK_PER_LEVEL = 1024,       /* about 2.5 times what libpg_query uses */
    BISON_NEST_MAX = 5000,        /* levels held on bison's 10,000-entry stack */
    SCAN_FOR_STACK_MIN = 1 << 20, /* above this, count tokens rather than bytes */
};
#define STACK_BASE ((size_t)16 << 20) /* for everything but the recursion */
#define STACK_MAX  ((size_t)1 << 32)

/* Protobuf wire format, read iteratively (protobuf-c's unpack recurses). */
static int pb_varint(const uint8_t *p, size_t end, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64 && *pos < end; shift += 7) {
        uint8_t b = p[(*pos)++];
        r |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/*
 * Read one field at *pos: its number and wire type. A varint's value goes to
 * *val; fixed-size values are skipped; for a length-delimited field *val is
 * the payload length and *pos is left at the payload.
 */
static int pb_field(const uint8_t *p, size_t end, size_t *pos, uint32_t *num, int *wt,
                    uint64_t *val)
{
    uint64_t tag;
    if (pb_varint(p, end, pos, &tag) < 0)
        return -1;
    *num = (uint32_t)(tag >> 3);
    *wt = (int)(tag & 7);
    *val = 0;
    switch (*wt) {
    case 0:
        return pb_varint(p, end, pos, val);
    case 1:
    case 5: {
        size_t n = *wt == 1 ? 8 : 4;
        if (end - *pos < n)
            return -1;
        *pos += n;
        return 0;
    }
    case 2:
        if (pb_varint(p, end, pos, val) < 0 || *val > end - *pos)
            return -1;
        return 0;
    default:
        return -1;
    }
}

/* Tokens that can add a tree level outside bison's bounded nesting: all but
 * names, constants, parameters, ',', '(', ')', ';' and comments. */
static int token_may_nest(uint64_t tok)
{
    switch (tok) {
    case PG_QUERY__TOKEN__IDENT:
    case PG_QUERY__TOKEN__UIDENT:
    case PG_QUERY__TOKEN__FCONST:
    case PG_QUERY__TOKEN__SCONST:
    case PG_QUERY__TOKEN__USCONST:
    case PG_QUERY__TOKEN__BCONST:
    case PG_QUERY__TOKEN__XCONST:
    case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__PARAM:
    case PG_QUERY__TOKEN__ASCII_40:
    case PG_QUERY__TOKEN__ASCII_41:
    case PG_QUERY__TOKEN__ASCII_44:
    case PG_QUERY__TOKEN__ASCII_59:
    case PG_QUERY__TOKEN__SQL_COMMENT:
    case PG_QUERY__TOKEN__C_COMMENT:
        return 0;
    default:
        return 1;
    }
}

/* Bound on the tree depth of a big text, from PostgreSQL's scanner (whose
 * output is flat). When the scanner fails the parser fails too, early. */
static size_t depth_bound_by_tokens(const char *input)
{
    size_t n = 0;
    PgQueryScanResult sr = pg_query_scan(input);
    const uint8_t *p = (const uint8_t *)sr.pbuf.data;
    size_t pos = 0, end = sr.error ? 0 : sr.pbuf.len;
    while (pos < end) { /* ScanResult: repeated ScanToken tokens = 2 */
        uint32_t num, tnum;
        int wt, twt;
        uint64_t val, tval;
        if (pb_field(p, end, &pos, &num, &wt, &val) < 0)
            break;
        if (wt != 2)
            continue;
        size_t tend = pos + val;
        while (num == 2 && pos < tend && pb_field(p, tend, &pos, &tnum, &twt, &tval) == 0) {
            if (twt == 2) /* ScanToken: Token token = 4 */
                pos += tval;
            else if (tnum == 4 && token_may_nest(tval))
                n++;
        }
        pos = tend;
    }
    pg_query_free_scan_result(sr);
    return n + BISON_NEST_MAX;
}

struct parse_job {
    const char *input;
    PgQueryProtobufParseResult result;
};

static void *parse_thread(void *arg)
{
    struct parse_job *job = arg;
    job->result = pg_query_parse_protobuf(job->input);
    return NULL;
}

/* pg_query_parse_protobuf(input) with enough stack; -1 if no thread. */
static int run_parser(const char *input, size_t len, PgQueryProtobufParseResult *out)
{
    struct parse_job job;
    pthread_attr_t attr;
    pthread_t th;
    size_t levels, stack;
    int rc;

    if (len <= PARSE_INLINE_MAX) {
        *out = pg_query_parse_protobuf(input);
        return 0;
    }
    levels = len < SCAN_FOR_STACK_MIN ? len / 2 + 1 : depth_bound_by_tokens(input);
    stack = levels > (STACK_MAX - STACK_BASE) / STACK_PER_LEVEL
                ? STACK_MAX
                : STACK_BASE + levels * STACK_PER_LEVEL;
    memset(&job, 0, sizeof(job));
    job.input = input;
    if (pthread_attr_init(&attr) != 0)
        return -1;
    rc = pthread_attr_setstacksize(&attr, stack);
    if (rc == 0)
        rc = pthread_create(&th, &attr, parse_thread, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        return -1;
    pthread_join(th, NULL);
    *out = job.result;
    return 0;
}

/*
 * Check that the serialized tree is at most SQL_MAX_TREE_DEPTH message levels
 * deep, walking the protobuf with an explicit stack and the message
 * descriptors. Returns 0 when it is, 1 when not (with *raw_loc set to the
 * offending statement's stmt_location), -1 when the buffer is malformed.
 */
struct pb_frame {
    const ProtobufCMessageDescriptor *desc;
    size_t start, end;
};

static int tree_depth_check(const uint8_t *p, size_t len, size_t *raw_loc)
{
    struct pb_frame *st = xmalloc((SQL_MAX_TREE_DEPTH + 1) * sizeof(*st));
    size_t top = 0, pos = 0;
    int ret = 0;

    st[0] = (struct pb_frame){&pg_query__parse_result__descriptor, 0, len};
    for (;;) {
        uint32_t num;
        int wt;
        uint64_t val;
        while (top > 0 && pos == st[top].end)
            top--;
        if (top == 0 && pos == len)
            break;
        if (pb_field(p, st[top].end, &pos, &num, &wt, &val) < 0) {
            ret = -1;
            break;
        }
        if (wt != 2)
            continue;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(st[top].desc, (unsigned)num);
        if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE) {
            pos += val;
            continue;
        }
        if (top == SQL_MAX_TREE_DEPTH) {
            /* st[1] is the RawStmt: read its stmt_location (field 2) */
            size_t q = st[1].start;
            *raw_loc = 0;
            while (q < st[1].end && pb_field(p, st[1].end, &q, &num, &wt, &val) == 0) {
                if (wt == 2)
                    q += val;
                else if (num == 2)
                    *raw_loc = (size_t)val;
            }
            ret = 1;
            break;
        }
        top++;
        st[top] = (struct pb_frame){f->descriptor, pos, pos + val};
    }
    free(st);
    return ret;
}

/* ---- an arena for the unpacked tree ---------------------------------- */

/*
 * protobuf-c allocates every node, string and array of the tree separately;
 * a bump allocator makes unpacking cheaper and freeing one walk over a few
 * chunks instead of a recursive free_unpacked.
 */
struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    max_align_t data[]; /* cap bytes */
};

struct arena {
    struct arena_chunk *head;
    size_t next_cap;       /* size of the next chunk; doubles */
    ProtobufCAllocator pb; /* allocator_data points back at the arena */
};

static void *arena_alloc(void *data, size_t size)
{
    struct arena *a = data;
    struct arena_chunk *c = a->head;
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > a->next_cap ? size : a->next_cap;
        c = xmalloc(sizeof(*c) + cap);
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
        if (a->next_cap < ((size_t)1 << 24))
            a->next_cap *= 2;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

static void arena_free_one(void *data, void *p)
{
    (void)data;
    (void)p; /* freed with the whole arena */
}

/* An arena whose first chunk is `first` bytes. */
static struct arena *arena_new(size_t first)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    a->next_cap = first < 1024 ? 1024 : first;
    a->pb.alloc = arena_alloc;
    a->pb.free = arena_free_one;
    a->pb.allocator_data = a;
    return a;
}

static void arena_free(struct arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct arena_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    free(a);
}

/* ---- the script ------------------------------------------------------ */

int sql_script_parse(struct sql_script *s, const char *file, const char *text, size_t len,
                     struct pm_err *e)
{
    PgQueryProtobufParseResult r;
    PgQuery__ParseResult *tree = NULL;
    struct linecol lc = {0, 1, 1};
    size_t deep_loc = 0;
    char *copy;
    int depth, ret = -1;

    memset(s, 0, sizeof(*s));
    s->text = text;
    s->len = len;
    if (check_bytes(file, text, len, e) < 0)
        return -1;
    if (len >= INT_MAX) { /* the parser's locations are 32-bit */
        pm_err_set(e, PM_EXIT_FAIL, "SQL file is too large (%zu bytes)", len);
        set_file_only(e, file);
        return -1;
    }

    copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (run_parser(copy, len, &r) < 0) {
        free(copy);
        pm_err_set(e, PM_EXIT_ENV, "cannot start a thread to parse %s", file ? file : "SQL");
        set_file_only(e, file);
        return -1;
    }
    if (r.error) {
        parse_error(file, text, len, r.error, e);
        goto out;
    }
    depth = tree_depth_check((const uint8_t *)r.parse_tree.data, r.parse_tree.len, &deep_loc);
    if (depth == 1) {
        pm_err_set(e, PM_EXIT_FAIL, "statement is nested too deeply (over %d parse tree levels)",
                   SQL_MAX_TREE_DEPTH);
        memcpy(e->sqlstate, "54001", 6); /* statement_too_complex */
        pm_err_locate(e, file, text, len, deep_loc < len ? skip_leading(text, deep_loc, len) : 0);
        goto out;
    }
    if (depth == 0) {
        /* unpacked, the corpora's trees are 2 to 17 (mostly 11) times their
         * protobuf size */
        struct arena *a = arena_new(r.parse_tree.len * 12);
        s->arena_ = a;
        tree = pg_query__parse_result__unpack(&a->pb, r.parse_tree.len,
                                              (const uint8_t *)r.parse_tree.data);
    }
    if (!tree) {
        pm_err_set(e, PM_EXIT_FAIL, "cannot decode the parse tree from libpg_query");
        set_file_only(e, file);
        goto out;
    }
    s->tree_ = tree;
    if (tree->n_stmts)
        s->stmts = xcalloc(tree->n_stmts, sizeof(*s->stmts));

    for (size_t i = 0; i < tree->n_stmts; i++) {
        const PgQuery__RawStmt *raw = tree->stmts[i];
        struct sql_stmt *st = &s->stmts[i];
        if (!raw || !raw->stmt || raw->stmt_location < 0 || raw->stmt_len < 0 ||
            (size_t)raw->stmt_location > len ||
            (size_t)raw->stmt_len > len - (size_t)raw->stmt_location ||
            (size_t)raw->stmt_location < lc.pos) {
            pm_err_set(e, PM_EXIT_FAIL, "libpg_query returned an invalid statement location");
            set_file_only(e, file);
            goto out;
        }
        size_t start = (size_t)raw->stmt_location;
        /* stmt_len 0: the last statement, without ';', runs to the end. */
        size_t end = raw->stmt_len ? start + (size_t)raw->stmt_len : len;
        start = skip_leading(text, start, end);
        end = trim_trailing_space(text, start, end);
        if (may_end_in_comment(text, start, end))
            end = trim_trailing_space(text, start, cut_trailing_comments(copy, start, end));
        linecol_advance(&lc, text, start);
        st->start = start;
        st->len = end - start;
        st->line = lc.line;
        st->col = lc.col;
        classify(raw->stmt, st);
    }
    s->n = tree->n_stmts;
    ret = 0;
out:
    if (ret < 0)
        sql_script_release(s);
    pg_query_free_protobuf_parse_result(r);
    free(copy);
    return ret;
}

void sql_script_drop_tree(struct sql_script *s)
{
    arena_free(s->arena_);
    s->arena_ = NULL;
    s->tree_ = NULL;
}

void sql_script_release(struct sql_script *s)
{
    arena_free(s->arena_); /* holds the whole tree */
    free(s->stmts);
    memset(s, 0, sizeof(*s));
}
