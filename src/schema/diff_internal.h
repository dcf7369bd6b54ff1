/*
 * diff_internal.h - what the files of the differ share. Included by
 * src/schema/diff*.c only.
 *
 *   diff.c           diff_models: two models compared into d_change records
 *   diff_text.c      string vectors, the pointer map, the SQL tokenizer, names
 *   diff_lookup.c    objects found in a model by name; sequences and owners
 *   diff_typeinfo.c  how a column type change casts; domains and composites
 *   diff_plan.c      diff_script's plan: marks on what it drops and creates
 *   diff_render.c    the script's output and the SQL of single objects
 *   diff_alter.c     the ALTER TABLE of a table that stays
 *   diff_script.c    diff_script, phase by phase
 *   diff_summary.c   diff_summary
 */
#ifndef PGMIG_SCHEMA_DIFF_INTERNAL_H
#define PGMIG_SCHEMA_DIFF_INTERNAL_H

#include "schema/diff.h"

#include "util/buf.h"

#include <stddef.h>

/* ===================================================== diff_text.c */

struct strv {
    char **v;
    size_t n, cap;
};

/*
 * A map from object pointers (into the two models) to a value: the change of
 * an object, or the planning marks of the script. Open addressing.
 */
struct pmap {
    const void **keys;
    size_t *vals;
    size_t cap, n;
};

/*
 * A tokenizer for the SQL that PostgreSQL renders (definitions, defaults,
 * types): enough to find identifiers, string literals and parentheses.
 */
enum tok_kind {
    TK_END,
    TK_WORD,   /* bare word: keyword or identifier (folded to lower case when used as one) */
    TK_QIDENT, /* "quoted identifier" */
    TK_STRING, /* 'literal', E'literal' or $tag$...$tag$ */
    TK_NUMBER,
    TK_OP, /* one punctuation character, or "::" */
};

struct tok {
    enum tok_kind kind;
    const char *p;
    size_t len;
};

int str_eq(const char *a, const char *b);
int str_cmp0(const char *a, const char *b);
const char *or_none(const char *s);
void strv_push(struct strv *s, char *owned);
void strv_release(struct strv *s);
int strv_has(const struct strv *s, const char *x);
void strv_sort_unique(struct strv *s);
int strv_sorted_has(const struct strv *s, const char *x);
int same_strs(char *const *a, size_t na, char *const *b, size_t nb);
void join_strs(struct buf *b, char *const *v, size_t n, const char *sep);
char *joined(char *const *v, size_t n, const char *sep);
size_t *pmap_slot(struct pmap *m, const void *k, int create);
void pmap_release(struct pmap *m);
void tok_next(const char *s, size_t *pos, struct tok *t);
int diff_tok_is(const struct tok *t, const char *word);
int tok_op(const struct tok *t, const char *op);
char *tok_ident(const struct tok *t);
char *tok_literal(const struct tok *t);
int parse_qname(const char *s, char **schema, char **name);
int parse_type_name(const char *type, char **schema, char **name, int *dims);
void ident_set(const char *sql, struct strv *out);
int mentions_raw(const char *text, const char *name);
void word_set(const char *text, struct strv *out);
int ident_list(const char *s, size_t *pos, struct strv *out);
int definition_not_valid(const char *def);

/* =================================================== diff_lookup.c */

const struct m_table *find_table(const struct schema_model *m, const char *schema,
                                 const char *name);
const struct m_view *find_view(const struct schema_model *m, const char *schema, const char *name);
const struct m_enum *find_enum(const struct schema_model *m, const char *schema, const char *name);
const struct m_type *find_type(const struct schema_model *m, const char *schema, const char *name);
const struct m_sequence *find_sequence(const struct schema_model *m, const char *schema,
                                       const char *name);
const struct m_function *find_function(const struct schema_model *m, const char *schema,
                                       const char *name, const char *args);
const struct m_extension *find_extension(const struct schema_model *m, const char *name);
const struct m_schema *find_schema(const struct schema_model *m, const char *name);
const struct m_column *diff_find_column(const struct m_table *t, const char *name);
const struct m_constraint *find_constraint(const struct m_table *t, const char *name);
const struct m_index *find_index(const struct m_index *v, size_t n, const char *name);
const struct m_trigger *find_trigger(const struct m_trigger *v, size_t n, const char *name);
const struct m_enum *type_enum(const struct schema_model *m, const char *type, int *dims);
int enum_has(const struct m_enum *e, const char *v);
int table_recreated(const struct m_table *f, const struct m_table *t);
int column_recreated(const struct m_column *f, const struct m_column *t);
void seq_defaults(const char *type, long long increment, long long *min, long long *max,
                  long long *start);
const struct m_sequence *serial_sequence(const struct schema_model *m, const struct m_table *t,
                                         const struct m_column *c);
int sequence_owner(const struct schema_model *m, const struct m_sequence *s,
                   const struct m_table **t, const struct m_column **c);

/* ================================================= diff_typeinfo.c */

enum cast {
    CAST_SAFE,       /* no USING, no data lost (widening, to text, collation only) */
    CAST_RISKY,      /* narrowing within a family: no USING, PostgreSQL's assignment cast
                        fails on values that do not fit (or rounds them) */
    CAST_MAYFAIL,    /* across families: the cast may fail */
    CAST_TO_ARRAY,   /* a scalar becomes a one-element array */
    CAST_FROM_ARRAY, /* an array becomes its first element */
};

/* A domain's definition taken apart: "base [COLLATE c] [NOT NULL] [DEFAULT e]
 * [CONSTRAINT name check]..." as the catalog reader writes it. */
struct domain_parts {
    char *head; /* the base type and collation */
    int not_null;
    char *default_expr;
    struct strv names, checks; /* the constraints, by name */
};

enum cast classify_cast(const char *from, const char *to, int to_enum);
void domain_parse(const char *def, struct domain_parts *d);
void domain_parts_release(struct domain_parts *d);
int domain_check_differs(const struct domain_parts *d, const char *name, const char *check);
int domain_alterable(const struct m_type *f, const struct m_type *t);
void composite_parse(const char *def, struct strv *names, struct strv *types);
int composite_alterable(const struct m_type *f, const struct m_type *t);

/* ========================================================== diff.c */

char *disp(const struct schema_diff *d, const char *schema, const char *name);
const char *function_word(char kind);

/* ===================================================== diff_plan.c */

enum mark {
    MK_DROP = 1u << 0,          /* from object: dropped by the script */
    MK_CREATE = 1u << 1,        /* to object: created by the script */
    MK_REPLACE = 1u << 2,       /* to view or function: CREATE OR REPLACE */
    MK_ALTERED = 1u << 3,       /* from table: columns dropped or retyped (views on it go) */
    MK_RECREATE_COL = 1u << 4,  /* from column: dropped and added again */
    MK_ENUM_COL = 1u << 5,      /* from column: converted to a rebuilt enum */
    MK_DEFAULT_GONE = 1u << 6,  /* from column: default dropped by the enum rebuild */
    MK_DEFAULT_SET = 1u << 7,   /* from column: ... and set again to the `to` default there */
    MK_LEFTOVER = 1u << 8,      /* from enum: a column keeps the old type: drop "E_old" late */
    MK_EARLY = 1u << 9,         /* to function: created before the tables */
    MK_TOGGLE = 1u << 10,       /* to trigger: ENABLE/DISABLE only */
    MK_GONE = 1u << 11,         /* from enum, type or function: dropped or recreated */
    MK_EARLY_DROP = 1u << 12,   /* from check/exclusion: dropped before an enum it uses is rebuilt
                                   or a function it calls is dropped */
    MK_FUNC_DEFAULT = 1u << 13, /* from column: its default calls a function the script drops or
                                   recreates: dropped early, set again when the table is altered */
};

struct sctx {
    const struct schema_diff *d;
    const struct schema_model *from, *to;
    int qualify;
    const char *single;   /* the models' one schema, when not qualifying */
    struct buf out;       /* the steps */
    struct buf warn;      /* the warning block's lines */
    struct pmap chg;      /* object -> 1 + index of its change */
    struct pmap marks;    /* object -> MK_* */
    struct strv comments; /* COMMENT statements, for the last phase */
    struct strv
        comment_keys; /* the object each belongs to (statements of one object share a step) */
};

unsigned marks(struct sctx *s, const void *p);
const struct d_change *change_of(struct sctx *s, const void *p);
const struct m_table *to_table(struct sctx *s, const struct m_table *ft);
void plan_objects(struct sctx *s);
void plan_enums(struct sctx *s);
void plan_functions(struct sctx *s);
void plan_views(struct sctx *s);
void plan_triggers(struct sctx *s);
void plan_keys(struct sctx *s);

/* =================================================== diff_render.c */

void qname(struct sctx *s, struct buf *b, const char *schema, const char *name);
struct buf *diff_step(struct sctx *s, const char *label);
void end_stmt(struct sctx *s);
void warn_change(struct sctx *s, const struct d_change *c);
void add_trimmed(struct buf *b, const char *text);
void add_collation(struct sctx *s, struct buf *b, const char *coll);
void column_def(struct sctx *s, struct buf *b, const struct m_table *t, const struct m_column *c);
void add_constraint_clause(struct sctx *s, struct buf *b, const char *schema,
                           const struct m_constraint *k);
void diff_index_stmt(struct sctx *s, struct buf *b, const char *schema, const char *table,
                     const struct m_index *ix);
void comment_on_table_object(struct sctx *s, const char *what, const char *name, const char *schema,
                             const char *table, const char *comment);
void comment_on(struct sctx *s, const char *what, const char *schema, const char *name,
                const char *args, const char *comment);
void comments_of_new_table(struct sctx *s, const struct m_table *t);
const char *function_keyword(char kind);
void drop_function(struct sctx *s, const struct m_function *f);
void diff_create_function(struct sctx *s, const struct m_function *f);
void order_by_mentions(size_t n, const char *const *names, const char *const *defs, size_t *order);

/* ==================================================== diff_alter.c */

void diff_alter_table(struct sctx *s, const struct m_table *ft, const struct m_table *tt);

#endif
