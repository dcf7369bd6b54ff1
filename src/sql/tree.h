/*
 * tree.h - read access to the parse tree behind a struct sql_script, for
 * engine code that inspects statements (lint, plan). The tree is libpg_query's
 * unpacked protobuf (PostgreSQL 15 raw parse tree); it is owned by the script
 * and lives until sql_script_release(). It is at most SQL_MAX_TREE_DEPTH
 * protobuf messages deep, so recursive walkers have a bound.
 *
 * Beware of the protobuf enums: each is PostgreSQL's C enum shifted by one
 * (0 is *_UNDEFINED), and a field the grammar leaves unset in C (0) arrives
 * as the first real value, e.g. RenameStmt.relation_type of RENAME CONSTRAINT
 * reads OBJECT_ACCESS_METHOD. Absent strings are "" (never NULL); absent
 * messages are NULL.
 */
#ifndef PGMIG_SQL_TREE_H
#define PGMIG_SQL_TREE_H

#include "sql/script.h"

#include <pg_query/pg_query.pb-c.h>

#include <stddef.h>

/* The statement node of statement i (the RawStmt's stmt); i < s->n. */
const PgQuery__Node *sql_script_node(const struct sql_script *s, size_t i);

/*
 * Display name of a relation: "schema"."name" or "name" (with the catalog
 * first when one was written), every part double-quoted with embedded quotes
 * doubled, so the result is also valid SQL. NULL gives NULL. Caller frees.
 */
char *sql_range_var_name(const PgQuery__RangeVar *rv);

/*
 * A dotted name from a list of String nodes (DROP's objects, type and
 * function names): "a"."b", quoted as above. Non-String items are skipped.
 * Caller frees; an empty list gives "".
 */
char *sql_name_list(PgQuery__Node *const *items, size_t n);

/* The string of a String node, or NULL for anything else. Not a copy. */
const char *sql_node_str(const PgQuery__Node *n);

/* What a visitor answers: go into the message's fields, skip them, or stop the walk. */
enum { SQL_WALK_INTO = 0, SQL_WALK_SKIP = 1, SQL_WALK_STOP = -1 };
/* What sql_tree_walk returns besides 0 and SQL_WALK_STOP: a part was deeper than
 * SQL_MAX_TREE_DEPTH messages and was not visited. */
enum { SQL_WALK_CUT = 2 };
typedef int (*sql_visit_fn)(const ProtobufCMessage *m, void *ud);

/*
 * Call fn on m and, unless it answers SQL_WALK_SKIP, on every message below
 * it, through the protobuf-c descriptors. Returns SQL_WALK_STOP when fn
 * stopped the walk, else SQL_WALK_CUT when some part was too deep to visit,
 * else 0. NULL visits nothing.
 */
int sql_tree_walk(const ProtobufCMessage *m, sql_visit_fn fn, void *ud);

#endif
