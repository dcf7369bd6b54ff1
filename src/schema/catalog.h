/*
 * catalog.h - reading a struct schema_model from a live database through
 * pg_catalog (not information_schema), one query per object kind (never one
 * per table), in one pipelined round trip where possible. Objects owned by an
 * extension and the `_prisma_migrations` history table are left out.
 */
#ifndef PGMIG_SCHEMA_CATALOG_H
#define PGMIG_SCHEMA_CATALOG_H

#include "pg/conn.h"
#include "schema/model.h"
#include "util/err.h"

/*
 * Read the objects of the given schemas (schemas[0..n), e.g. {"public"});
 * n == 0 reads every schema except pg_catalog, information_schema, pg_toast
 * and temporary ones. Extensions are read whatever their schema. The
 * canonical renderings (types, defaults, definitions) are produced with
 * search_path set to exactly the read schemas, so unqualified names in them
 * mean the same thing on both sides of a diff; the connection's search_path
 * is restored afterwards.
 *
 * Cost: one round trip (two inside a transaction block, where the previous
 * search_path is put back explicitly); every query is sent in one pipelined
 * batch and runs in one implicit transaction, with set_config(..., true) for
 * search_path and jit (JIT compilation costs more than these queries).
 * Needs PostgreSQL 12 or later. On error the model is left empty.
 * Not modelled (so invisible to diff and drift): range types, user-defined
 * collations, policies and row-level security, grants and owners, event
 * triggers, publications, foreign tables, view columns' comments.
 */
int catalog_read(struct pg_conn *c, const char *const *schemas, size_t n, struct schema_model *m,
                 struct pm_err *e);

#endif
