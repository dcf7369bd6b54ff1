/*
 * diff.c - comparing two schema models (diff_models), the migration SQL that
 * turns one into the other in Prisma Migrate's style (diff_script; its phases
 * are listed where its section starts), and a summary grouped by table.
 */
#include "engine/diff.h"

#include "util/buf.h"
#include "util/mem.h"
#include "util/quote.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ helpers */

static int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int str_cmp0(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static const char *or_none(const char *s)
{
    return s ? s : "none";
}

struct strv {
    char **v;
    size_t n, cap;
};

static void strv_push(struct strv *s, char *owned)
{
    ALLOC_GROW(s->v, s->n + 1, s->cap);
    s->v[s->n++] = owned;
}

static void strv_release(struct strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static int strv_has(const struct strv *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return 1;
    return 0;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates, so that strv_sorted_has() can bisect. */
static void strv_sort_unique(struct strv *s)
{
    if (s->n < 2)
        return;
    qsort(s->v, s->n, sizeof(*s->v), cmp_strp);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++) {
        if (!strcmp(s->v[i], s->v[k - 1]))
            free(s->v[i]);
        else
            s->v[k++] = s->v[i];
    }
    s->n = k;
}

static int strv_sorted_has(const struct strv *s, const char *x)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid], x);
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/*
 * A map from object pointers (into the two models) to a value: the change of
 * an object, or the planning marks of the script. Open addressing.
 */
struct pmap {
    const void **keys;
    size_t *vals;
    size_t cap, n;
};

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static size_t *pmap_slot(struct pmap *m, const void *k, int create)
{
    if (create && (m->n + 1) * 2 > m->cap) {
        struct pmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof(*m->keys));
        m->vals = xcalloc(m->cap, sizeof(*m->vals));
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i])
                *pmap_slot(m, old.keys[i], 1) = old.vals[i];
        free(old.keys);
        free(old.vals);
    }
    if (!m->cap)
        return NULL;
    for (size_t i = ptr_hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == k)
            return &m->vals[i];
        if (!m->keys[i]) {
            if (!create)
                return NULL;
            m->keys[i] = k;
            m->vals[i] = 0;
            m->n++;
            return &m->vals[i];
        }
    }
}

static void pmap_release(struct pmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* ============================================================ SQL tokens */

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

static int is_ident_start(int c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static int is_ident_char(int c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static void tok_next(const char *s, size_t *pos, struct tok *t)
{
    size_t i = *pos;
    for (;;) {
        while (s[i] && isspace((unsigned char)s[i]))
            i++;
        if (s[i] == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
            continue;
        }
        if (s[i] == '/' && s[i + 1] == '*') {
            i += 2;
            while (s[i] && !(s[i] == '*' && s[i + 1] == '/'))
                i++;
            if (s[i])
                i += 2;
            continue;
        }
        break;
    }
    size_t st = i;
    unsigned char c = (unsigned char)s[i];
    t->p = s + i;
    if (!c) {
        t->kind = TK_END;
    } else if (c == '"') {
        t->kind = TK_QIDENT;
        for (i++; s[i]; i++) {
            if (s[i] == '"') {
                if (s[i + 1] == '"') {
                    i++;
                    continue;
                }
                i++;
                break;
            }
        }
    } else if (c == '\'' || ((c == 'E' || c == 'e') && s[i + 1] == '\'')) {
        int esc = c != '\'';
        t->kind = TK_STRING;
        for (i += esc ? 2 : 1; s[i]; i++) {
            if ((esc && s[i] == '\\' && s[i + 1]) || (s[i] == '\'' && s[i + 1] == '\'')) {
                i++; /* an escaped character or a doubled quote */
                continue;
            }
            if (s[i] == '\'') {
                i++;
                break;
            }
        }
    } else if (c == '$' && (s[i + 1] == '$' || is_ident_start((unsigned char)s[i + 1]))) {
        size_t j = i + 1;
        while (s[j] && s[j] != '$' && is_ident_char((unsigned char)s[j]))
            j++;
        if (s[j] == '$') {
            size_t taglen = j + 1 - i;
            const char *close = NULL;
            for (const char *p = s + j + 1; *p && !close; p++)
                if (*p == '$' && !strncmp(p, s + i, taglen))
                    close = p;
            t->kind = TK_STRING;
            i = close ? (size_t)(close - s) + taglen : strlen(s);
        } else {
            t->kind = TK_OP;
            i++;
        }
    } else if (is_ident_start(c)) {
        t->kind = TK_WORD;
        while (s[i] && is_ident_char((unsigned char)s[i]))
            i++;
    } else if (isdigit(c)) {
        t->kind = TK_NUMBER;
        while (isdigit((unsigned char)s[i]) || s[i] == '.')
            i++;
        if ((s[i] == 'e' || s[i] == 'E') &&
            (isdigit((unsigned char)s[i + 1]) ||
             ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
            i += 2;
            while (isdigit((unsigned char)s[i]))
                i++;
        }
    } else if (c == ':' && s[i + 1] == ':') {
        t->kind = TK_OP;
        i += 2;
    } else {
        t->kind = TK_OP;
        i++;
    }
    t->len = i - st;
    *pos = i;
}

/* A bare word equal to `word` (case-insensitive). */
static int tok_is(const struct tok *t, const char *word)
{
    return t->kind == TK_WORD && strlen(word) == t->len && !strncasecmp(t->p, word, t->len);
}

static int tok_op(const struct tok *t, const char *op)
{
    return t->kind == TK_OP && strlen(op) == t->len && !strncmp(t->p, op, t->len);
}

/* The identifier a token spells (quotes removed, bare words folded), or NULL. Caller frees. */
static char *tok_ident(const struct tok *t)
{
    if (t->kind == TK_WORD) {
        char *s = xstrndup(t->p, t->len);
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return s;
    }
    if (t->kind == TK_QIDENT && t->len >= 2) {
        struct buf b = BUF_INIT;
        for (size_t i = 1; i + 1 < t->len; i++) {
            buf_addch(&b, t->p[i]);
            if (t->p[i] == '"' && t->p[i + 1] == '"')
                i++;
        }
        return buf_detach(&b, NULL);
    }
    return NULL;
}

/* The text of a '...' or E'...' literal token. Caller frees. */
static char *tok_literal(const struct tok *t)
{
    if (t->kind != TK_STRING || t->len < 2 || t->p[t->len - 1] != '\'')
        return NULL;
    int esc = t->p[0] != '\'';
    if (t->p[0] == '$')
        return NULL;
    struct buf b = BUF_INIT;
    for (size_t i = esc ? 2 : 1; i + 1 < t->len; i++) {
        /* skip the escaping backslash or the first of a doubled quote */
        if ((esc && t->p[i] == '\\' && i + 2 < t->len) || (t->p[i] == '\'' && t->p[i + 1] == '\''))
            i++;
        buf_addch(&b, t->p[i]);
    }
    return buf_detach(&b, NULL);
}

/* Parse `[schema.]name` (each part bare or quoted) making up all of s. 0 on success. */
static int parse_qname(const char *s, char **schema, char **name)
{
    size_t pos = 0;
    struct tok a, dot, b, end;
    *schema = *name = NULL;
    tok_next(s, &pos, &a);
    if (a.kind != TK_WORD && a.kind != TK_QIDENT)
        return -1;
    tok_next(s, &pos, &dot);
    if (dot.kind == TK_END) {
        *name = tok_ident(&a);
        return 0;
    }
    if (!tok_op(&dot, "."))
        return -1;
    tok_next(s, &pos, &b);
    tok_next(s, &pos, &end);
    if ((b.kind != TK_WORD && b.kind != TK_QIDENT) || end.kind != TK_END)
        return -1;
    *schema = tok_ident(&a);
    *name = tok_ident(&b);
    return 0;
}

/* A type name: `[schema.]name` followed by array brackets (counted in *dims). */
static int parse_type_name(const char *type, char **schema, char **name, int *dims)
{
    size_t n = strlen(type);
    int k = 0;
    while (n >= 2 && type[n - 2] == '[' && type[n - 1] == ']') {
        n -= 2;
        k++;
    }
    char *base = xstrndup(type, n);
    int rc = parse_qname(base, schema, name);
    free(base);
    *dims = k;
    return rc;
}

/* Every identifier in a SQL text, for mentions(): sorted, unique. */
static void ident_set(const char *sql, struct strv *out)
{
    size_t pos = 0;
    struct tok t;
    if (!sql)
        return;
    for (tok_next(sql, &pos, &t); t.kind != TK_END; tok_next(sql, &pos, &t)) {
        char *id = tok_ident(&t);
        if (id)
            strv_push(out, id);
    }
    strv_sort_unique(out);
}

/* `name` occurs in raw text (function bodies are literals to the tokenizer) as a whole word. */
static int mentions_raw(const char *text, const char *name)
{
    size_t n = strlen(name);
    if (!text || !n)
        return 0;
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        int before = p > text ? (unsigned char)p[-1] : ' ';
        int after = (unsigned char)p[n];
        if (!is_ident_char(before) && !is_ident_char(after))
            return 1;
    }
    return 0;
}

/* The identifiers of a parenthesised list `( a, "B" )` starting at *pos; -1 unless plain names. */
static int ident_list(const char *s, size_t *pos, struct strv *out)
{
    struct tok t;
    tok_next(s, pos, &t);
    if (!tok_op(&t, "("))
        return -1;
    for (;;) {
        tok_next(s, pos, &t);
        char *id = tok_ident(&t);
        if (!id)
            return -1;
        strv_push(out, id);
        tok_next(s, pos, &t);
        if (tok_op(&t, ")"))
            return 0;
        if (!tok_op(&t, ","))
            return -1;
    }
}

/* ========================================================= model lookups */

#define FIND_QUALIFIED(arr, n, sch, nm)                                                            \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (n); i_++)                                                        \
            if (str_eq((arr)[i_].name, (nm)) && (!(sch) || str_eq((arr)[i_].schema, (sch))))       \
                return &(arr)[i_];                                                                 \
        return NULL;                                                                               \
    } while (0)

static const struct m_table *find_table(const struct schema_model *m, const char *schema,
                                        const char *name)
{
    FIND_QUALIFIED(m->tables, m->n_tables, schema, name);
}

static const struct m_view *find_view(const struct schema_model *m, const char *schema,
                                      const char *name)
{
    FIND_QUALIFIED(m->views, m->n_views, schema, name);
}

static const struct m_enum *find_enum(const struct schema_model *m, const char *schema,
                                      const char *name)
{
    FIND_QUALIFIED(m->enums, m->n_enums, schema, name);
}

static const struct m_type *find_type(const struct schema_model *m, const char *schema,
                                      const char *name)
{
    FIND_QUALIFIED(m->types, m->n_types, schema, name);
}

static const struct m_sequence *find_sequence(const struct schema_model *m, const char *schema,
                                              const char *name)
{
    FIND_QUALIFIED(m->sequences, m->n_sequences, schema, name);
}

static const struct m_function *find_function(const struct schema_model *m, const char *schema,
                                              const char *name, const char *args)
{
    for (size_t i = 0; i < m->n_functions; i++) {
        const struct m_function *f = &m->functions[i];
        if (str_eq(f->schema, schema) && str_eq(f->name, name) && str_eq(f->args, args))
            return f;
    }
    return NULL;
}

static const struct m_extension *find_extension(const struct schema_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_extensions; i++)
        if (str_eq(m->extensions[i].name, name))
            return &m->extensions[i];
    return NULL;
}

static const struct m_schema *find_schema(const struct schema_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_schemas; i++)
        if (str_eq(m->schemas[i].name, name))
            return &m->schemas[i];
    return NULL;
}

static const struct m_column *find_column(const struct m_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_columns; i++)
        if (str_eq(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

static const struct m_constraint *find_constraint(const struct m_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_constraints; i++)
        if (str_eq(t->constraints[i].name, name))
            return &t->constraints[i];
    return NULL;
}

static const struct m_index *find_index(const struct m_index *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].name, name))
            return &v[i];
    return NULL;
}

static const struct m_trigger *find_trigger(const struct m_trigger *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].name, name))
            return &v[i];
    return NULL;
}

/* The enum a column type names (arrays of it included), or NULL. Unqualified names match by
 * name alone: the canonical type is rendered relative to the model's search_path. */
static const struct m_enum *type_enum(const struct schema_model *m, const char *type, int *dims)
{
    char *s = NULL, *n = NULL;
    int k = 0;
    const struct m_enum *e = NULL;
    if (type && !parse_type_name(type, &s, &n, &k))
        e = find_enum(m, s, n);
    free(s);
    free(n);
    if (dims)
        *dims = k;
    return e;
}

/* ============================================================ sequences */

static long long type_max(const char *type)
{
    if (str_eq(type, "smallint"))
        return 32767;
    if (str_eq(type, "integer"))
        return 2147483647;
    return INT64_MAX;
}

static long long type_min(const char *type)
{
    if (str_eq(type, "smallint"))
        return -32768;
    if (str_eq(type, "integer"))
        return -2147483647LL - 1;
    return INT64_MIN;
}

/* The default MINVALUE, MAXVALUE and START of a sequence of this type and increment. */
static void seq_defaults(const char *type, long long increment, long long *min, long long *max,
                         long long *start)
{
    if (increment > 0) {
        *min = 1;
        *max = type_max(type);
        *start = 1;
    } else {
        *min = type_min(type);
        *max = -1;
        *start = -1;
    }
}

/* The sequence a default `nextval('seq'::regclass)` draws from, in model m. */
static const struct m_sequence *default_sequence(const struct schema_model *m, const char *schema,
                                                 const char *def)
{
    size_t pos = 0;
    struct tok t[6], end;
    const struct m_sequence *seq = NULL;
    if (!def)
        return NULL;
    for (int i = 0; i < 6; i++)
        tok_next(def, &pos, &t[i]);
    tok_next(def, &pos, &end);
    if (!tok_is(&t[0], "nextval") || !tok_op(&t[1], "(") || t[2].kind != TK_STRING ||
        !tok_op(&t[3], "::") || !tok_is(&t[4], "regclass") || !tok_op(&t[5], ")") ||
        end.kind != TK_END)
        return NULL;
    char *lit = tok_literal(&t[2]), *s = NULL, *n = NULL;
    if (lit && !parse_qname(lit, &s, &n))
        seq = find_sequence(m, s ? s : schema, n);
    free(lit);
    free(s);
    free(n);
    return seq;
}

/* OWNED BY `"table"."column"`: does it name this column? */
static int owned_by_is(const char *owned_by, const char *table, const char *column)
{
    char *t = NULL, *c = NULL;
    int r = owned_by && !parse_qname(owned_by, &t, &c) && str_eq(t, table) && str_eq(c, column);
    free(t);
    free(c);
    return r;
}

/*
 * The sequence PostgreSQL makes for a SERIAL column, when this column is one:
 * NOT NULL, DEFAULT nextval of a sequence named T_c_seq of the column's
 * integer type, owned by the column, every option at its default.
 */
static const struct m_sequence *serial_sequence(const struct schema_model *m,
                                                const struct m_table *t, const struct m_column *c)
{
    if (!c->default_expr || c->identity || c->generated || !c->not_null || c->collation)
        return NULL;
    if (!str_eq(c->type, "integer") && !str_eq(c->type, "bigint") && !str_eq(c->type, "smallint"))
        return NULL;
    const struct m_sequence *s = default_sequence(m, t->schema, c->default_expr);
    if (!s || !str_eq(s->type, c->type) || !str_eq(s->schema, t->schema) ||
        !owned_by_is(s->owned_by, t->name, c->name))
        return NULL;
    char *want = xasprintf("%s_%s_seq", t->name, c->name);
    int name_ok = strlen(want) <= 63 && str_eq(want, s->name);
    free(want);
    long long min, max, start;
    seq_defaults(s->type, s->increment, &min, &max, &start);
    if (!name_ok || s->increment != 1 || s->min != min || s->max != max || s->start != start ||
        s->cache != 1 || s->cycle)
        return NULL;
    return s;
}

/* ======================================================== type changes */

enum cast {
    CAST_SAFE,       /* no USING, no data lost (widening, to text, collation only) */
    CAST_RISKY,      /* narrowing within a family: no USING, PostgreSQL's assignment cast
                        fails on values that do not fit (or rounds them) */
    CAST_MAYFAIL,    /* across families: the cast may fail */
    CAST_TO_ARRAY,   /* a scalar becomes a one-element array */
    CAST_FROM_ARRAY, /* an array becomes its first element */
};

/* "timestamp(3) without time zone" -> base "timestamp without time zone", args "3". */
static void split_type(const char *type, struct buf *base, struct buf *args, int *dims)
{
    size_t n = strlen(type);
    int k = 0;
    while (n >= 2 && type[n - 2] == '[' && type[n - 1] == ']') {
        n -= 2;
        k++;
    }
    *dims = k;
    const char *open = memchr(type, '(', n);
    const char *close = open ? memchr(open, ')', n - (size_t)(open - type)) : NULL;
    if (!open || !close || type[0] == '"') {
        buf_add(base, type, n);
        return;
    }
    buf_add(base, type, (size_t)(open - type));
    buf_add(base, close + 1, n - (size_t)(close + 1 - type));
    buf_add(args, open + 1, (size_t)(close - open - 1));
}

static int int_rank(const char *base)
{
    if (!strcmp(base, "smallint"))
        return 1;
    if (!strcmp(base, "integer"))
        return 2;
    if (!strcmp(base, "bigint"))
        return 3;
    return 0;
}

static const char *type_family(const char *base)
{
    static const char *const fam[][2] = {
        {"smallint", "number"},
        {"integer", "number"},
        {"bigint", "number"},
        {"numeric", "number"},
        {"real", "number"},
        {"double precision", "number"},
        {"text", "string"},
        {"character varying", "string"},
        {"character", "string"},
        {"citext", "string"},
        {"timestamp without time zone", "time"},
        {"timestamp with time zone", "time"},
        {"date", "time"},
        {"time without time zone", "clock"},
        {"time with time zone", "clock"},
        {"json", "json"},
        {"jsonb", "json"},
        {"bit", "bit"},
        {"bit varying", "bit"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(fam); i++)
        if (!strcmp(base, fam[i][0]))
            return fam[i][1];
    return base;
}

/* Length/precision modifiers: is `to` at least as wide as `from`? */
static int args_wider(const char *base, const char *from, const char *to)
{
    if (!*to)
        return strcmp(base, "character") != 0; /* character means character(1) */
    if (!*from)
        return 0;
    if (!strcmp(base, "numeric")) {
        long fp = strtol(from, NULL, 10), tp = strtol(to, NULL, 10);
        const char *fc = strchr(from, ','), *tc = strchr(to, ',');
        long fs = fc ? strtol(fc + 1, NULL, 10) : 0, ts = tc ? strtol(tc + 1, NULL, 10) : 0;
        return fs == ts && tp >= fp;
    }
    return strtol(to, NULL, 10) >= strtol(from, NULL, 10);
}

/* Widening casts PostgreSQL applies with no USING and no loss. */
static int widening(const char *fb, const char *tb, const char *ta)
{
    /* every type has an assignment cast to an unbounded string */
    if ((!strcmp(tb, "text") || !strcmp(tb, "character varying")) && !*ta)
        return 1;
    if (!strcmp(tb, "citext") && !strcmp(type_family(fb), "string"))
        return 1;
    if (int_rank(fb) && int_rank(tb))
        return int_rank(tb) > int_rank(fb);
    if (int_rank(fb) && !strcmp(tb, "numeric"))
        return !*ta;
    return !strcmp(fb, "real") && !strcmp(tb, "double precision");
}

static enum cast classify_cast(const char *from, const char *to, int to_enum)
{
    struct buf fb = BUF_INIT, fa = BUF_INIT, tb = BUF_INIT, ta = BUF_INIT;
    int fd, td;
    enum cast r;
    split_type(from, &fb, &fa, &fd);
    split_type(to, &tb, &ta, &td);
    if (fd != td) {
        r = !fd ? CAST_TO_ARRAY : !td ? CAST_FROM_ARRAY : CAST_MAYFAIL;
    } else if (!strcmp(fb.data, tb.data) && !to_enum) {
        r = !strcmp(fa.data, ta.data) || args_wider(fb.data, fa.data, ta.data) ? CAST_SAFE
                                                                               : CAST_RISKY;
    } else if (widening(fb.data, tb.data, ta.data)) {
        r = CAST_SAFE;
    } else if (!to_enum && !strcmp(type_family(fb.data), type_family(tb.data))) {
        r = CAST_RISKY;
    } else {
        r = CAST_MAYFAIL;
    }
    buf_release(&fb);
    buf_release(&fa);
    buf_release(&tb);
    buf_release(&ta);
    return r;
}

/* ============================================================ view text */

/*
 * The top-level select-list items of a view definition, each normalised to
 * its tokens joined by one space. -1 when the definition is not one plain
 * SELECT (WITH, VALUES, ...): then it cannot be compared column by column.
 */
static int select_items(const char *def, struct strv *out)
{
    static const char *const stops[] = {"from",      "where",  "group", "having", "window",
                                        "union",     "except", "order", "limit",  "offset",
                                        "intersect", "fetch",  "for",   "into"};
    size_t pos = 0;
    struct tok t;
    struct buf item = BUF_INIT;
    int depth = 0;
    if (!def)
        return -1;
    tok_next(def, &pos, &t);
    if (!tok_is(&t, "select"))
        return -1;
    tok_next(def, &pos, &t);
    if (tok_is(&t, "distinct")) {
        buf_adds(&item, "DISTINCT ");
        tok_next(def, &pos, &t);
        if (tok_is(&t, "on")) {
            /* the ON (...) list does not name columns: fold it into the first item */
            buf_adds(&item, "ON ");
            tok_next(def, &pos, &t);
            do {
                buf_add(&item, t.p, t.len);
                buf_addch(&item, ' ');
                depth += tok_op(&t, "(") - tok_op(&t, ")");
                tok_next(def, &pos, &t);
            } while (depth > 0 && t.kind != TK_END);
        }
    }
    for (; t.kind != TK_END; tok_next(def, &pos, &t)) {
        if (!depth && (tok_op(&t, ",") || tok_op(&t, ";"))) {
            strv_push(out, buf_detach(&item, NULL));
            if (tok_op(&t, ";"))
                break;
            continue;
        }
        if (!depth && t.kind == TK_WORD) {
            int stop = 0;
            for (size_t i = 0; i < ARRAY_SIZE(stops); i++)
                stop |= tok_is(&t, stops[i]);
            if (stop)
                break;
        }
        depth += tok_op(&t, "(") || tok_op(&t, "[");
        depth -= tok_op(&t, ")") || tok_op(&t, "]");
        if (item.len)
            buf_addch(&item, ' ');
        buf_add(&item, t.p, t.len);
    }
    if (item.len)
        strv_push(out, buf_detach(&item, NULL));
    buf_release(&item);
    return 0;
}

/*
 * CREATE OR REPLACE VIEW keeps the old columns (same names and types, in
 * order) and may append new ones: accept it when the old select list is a
 * prefix of the new one, item by item.
 */
static int view_replaceable(const struct m_view *f, const struct m_view *t)
{
    struct strv a = {0}, b = {0};
    int ok = !f->materialized && !t->materialized && !select_items(f->definition, &a) &&
             !select_items(t->definition, &b) && a.n && a.n <= b.n;
    for (size_t i = 0; ok && i < a.n; i++)
        ok = !strcmp(a.v[i], b.v[i]);
    strv_release(&a);
    strv_release(&b);
    return ok;
}

/* ========================================================== diff_models */

struct dctx {
    struct schema_diff *d;
    const struct schema_model *from, *to;
};

/* An object's name for humans: schema-qualified only when the diff spans several schemas. */
static char *disp(const struct schema_diff *d, const char *schema, const char *name)
{
    return d->qualify && schema ? xasprintf("%s.%s", schema, name) : xstrdup(name);
}

static struct d_change *add_change(struct dctx *x, enum d_obj obj, enum d_kind kind,
                                   const char *schema, const char *parent, const char *name,
                                   const void *from, const void *to)
{
    struct schema_diff *d = x->d;
    ALLOC_GROW(d->v, d->n + 1, d->cap);
    struct d_change *c = &d->v[d->n++];
    memset(c, 0, sizeof(*c));
    c->obj = obj;
    c->target = obj;
    c->kind = kind;
    c->schema = xstrdup(schema);
    c->parent = xstrdup(parent);
    c->name = xstrdup(name);
    c->from = from;
    c->to = to;
    return c;
}

__attribute__((format(printf, 2, 3))) static void set_summary(struct d_change *c, const char *fmt,
                                                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(c->summary);
    c->summary = xvasprintf(fmt, ap);
    va_end(ap);
}

/* Append one sentence (a line) to a change's warning. */
__attribute__((format(printf, 2, 3))) static void add_warning(struct d_change *c, const char *fmt,
                                                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    if (c->warning) {
        char *w = xasprintf("%s\n%s", c->warning, s);
        free(c->warning);
        free(s);
        c->warning = w;
    } else {
        c->warning = s;
    }
}

static void join_strs(struct buf *b, char *const *v, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_adds(b, sep);
        buf_adds(b, v[i] ? v[i] : "");
    }
}

/* "a, b" in a buffer this call returns. Caller frees. */
static char *joined(char *const *v, size_t n, const char *sep)
{
    struct buf b = BUF_INIT;
    join_strs(&b, v, n, sep);
    return buf_detach(&b, NULL);
}

static void collect_schema(struct strv *s, const char *name)
{
    if (name && !strv_has(s, name))
        strv_push(s, xstrdup(name));
}

static void model_schemas(const struct schema_model *m, struct strv *s)
{
    for (size_t i = 0; i < m->n_schemas; i++)
        collect_schema(s, m->schemas[i].name);
    for (size_t i = 0; i < m->n_enums; i++)
        collect_schema(s, m->enums[i].schema);
    for (size_t i = 0; i < m->n_types; i++)
        collect_schema(s, m->types[i].schema);
    for (size_t i = 0; i < m->n_sequences; i++)
        collect_schema(s, m->sequences[i].schema);
    for (size_t i = 0; i < m->n_tables; i++)
        collect_schema(s, m->tables[i].schema);
    for (size_t i = 0; i < m->n_views; i++)
        collect_schema(s, m->views[i].schema);
    for (size_t i = 0; i < m->n_functions; i++)
        collect_schema(s, m->functions[i].schema);
}

/*
 * A comment that differs on an object present on both sides. `what` names
 * the object in the summary ("column `bio`", "the enum `Role`"); changes
 * grouped under a table, view or enum get a lower-case summary.
 */
static void diff_comment(struct dctx *x, enum d_obj target, const char *schema, const char *parent,
                         enum d_obj parent_kind, const char *name, const char *fc, const char *tc,
                         const void *fo, const void *to, const char *what)
{
    if (str_eq(fc, tc))
        return;
    enum d_kind k = !fc ? D_ADD : !tc ? D_DROP : D_CHANGE;
    struct d_change *c = add_change(x, DO_COMMENT, k, schema, parent, name, fo, to);
    int grouped = parent || target == DO_TABLE || target == DO_VIEW || target == DO_ENUM;
    c->target = target;
    c->parent_kind = parent ? parent_kind : DO_SCHEMA;
    const char *verb = k == D_ADD ? "set" : k == D_DROP ? "removed" : "changed";
    set_summary(c, "%c%s the comment on %s", grouped ? verb[0] : toupper((unsigned char)verb[0]),
                verb + 1, what);
}

static void diff_schemas(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    /* every database has `public`: it is never created or dropped */
    for (size_t i = 0; i < t->n_schemas; i++) {
        const struct m_schema *ts = &t->schemas[i], *fs = find_schema(f, ts->name);
        if (fs) {
            char *what = xasprintf("the schema `%s`", ts->name);
            diff_comment(x, DO_SCHEMA, NULL, NULL, DO_SCHEMA, ts->name, fs->comment, ts->comment,
                         fs, ts, what);
            free(what);
        } else if (strcmp(ts->name, "public") != 0) {
            struct d_change *c = add_change(x, DO_SCHEMA, D_ADD, NULL, NULL, ts->name, NULL, ts);
            set_summary(c, "Added the schema `%s`", ts->name);
        }
    }
    for (size_t i = 0; i < f->n_schemas; i++) {
        const struct m_schema *fs = &f->schemas[i];
        if (!find_schema(t, fs->name) && strcmp(fs->name, "public") != 0) {
            struct d_change *c = add_change(x, DO_SCHEMA, D_DROP, NULL, NULL, fs->name, fs, NULL);
            set_summary(c, "Dropped the schema `%s`", fs->name);
        }
    }
}

static void diff_extensions(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_extensions; i++) {
        const struct m_extension *te = &t->extensions[i], *fe = find_extension(f, te->name);
        if (!fe) {
            struct d_change *c = add_change(x, DO_EXTENSION, D_ADD, NULL, NULL, te->name, NULL, te);
            set_summary(c, "Added the extension `%s`", te->name);
        } else if (!str_eq(fe->version, te->version) || !str_eq(fe->schema, te->schema)) {
            struct d_change *c =
                add_change(x, DO_EXTENSION, D_CHANGE, NULL, NULL, te->name, fe, te);
            struct buf b = BUF_INIT;
            if (!str_eq(fe->version, te->version))
                buf_addf(&b, "version %s -> %s", or_none(fe->version), or_none(te->version));
            if (!str_eq(fe->schema, te->schema))
                buf_addf(&b, "%sschema %s -> %s", b.len ? ", " : "", or_none(fe->schema),
                         or_none(te->schema));
            set_summary(c, "Changed the extension `%s` (%s)", te->name, b.data);
            buf_release(&b);
        }
    }
    for (size_t i = 0; i < f->n_extensions; i++) {
        const struct m_extension *fe = &f->extensions[i];
        if (!find_extension(t, fe->name)) {
            struct d_change *c =
                add_change(x, DO_EXTENSION, D_DROP, NULL, NULL, fe->name, fe, NULL);
            set_summary(c, "Dropped the extension `%s`", fe->name);
        }
    }
}

static int enum_has(const struct m_enum *e, const char *v)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (str_eq(e->values[i], v))
            return 1;
    return 0;
}

/* The values both enums keep, in the order of `a`; is it the order of `b` too? */
static int enum_kept_order_same(const struct m_enum *a, const struct m_enum *b)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n_values; i++) {
        if (!enum_has(b, a->values[i]))
            continue;
        while (j < b->n_values && !enum_has(a, b->values[j]))
            j++;
        if (j >= b->n_values || !str_eq(a->values[i], b->values[j]))
            return 0;
        j++;
    }
    return 1;
}

static void diff_enum_pair(struct dctx *x, const struct m_enum *fe, const struct m_enum *te)
{
    struct strv removed = {0};
    for (size_t i = 0; i < fe->n_values; i++)
        if (!enum_has(te, fe->values[i]))
            strv_push(&removed, xstrdup(fe->values[i]));
    int rebuild = removed.n || !enum_kept_order_same(fe, te);
    if (rebuild) {
        struct d_change *c = add_change(x, DO_ENUM, D_CHANGE, te->schema, NULL, te->name, fe, te);
        char *vals = joined(te->values, te->n_values, ", ");
        c->flags = DF_ENUM_REBUILD;
        set_summary(c, "%s: the type is rebuilt with the values (%s)",
                    removed.n ? "values removed" : "values reordered", vals);
        free(vals);
        if (removed.n) {
            char *r = joined(removed.v, removed.n, ",");
            c->destructive = c->data_dependent = 1;
            add_warning(c,
                        "The values [%s] on the enum `%s` will be removed. If these variants "
                        "are still used in the database, this will fail.",
                        r, te->name);
            free(r);
        }
    }
    for (size_t j = 0; j < te->n_values; j++) {
        const char *v = te->values[j];
        if (enum_has(fe, v))
            continue;
        struct d_change *c = add_change(x, DO_ENUM_VALUE, D_ADD, te->schema, te->name, v, fe, te);
        c->parent_kind = DO_ENUM;
        const char *before = NULL;
        for (size_t k = j + 1; k < te->n_values && !before; k++)
            if (enum_has(fe, te->values[k]))
                before = te->values[k];
        if (before && !rebuild)
            set_summary(c, "added value `%s` before `%s`", v, before);
        else
            set_summary(c, "added value `%s`", v);
    }
    for (size_t i = 0; i < removed.n; i++) {
        struct d_change *c =
            add_change(x, DO_ENUM_VALUE, D_DROP, te->schema, te->name, removed.v[i], fe, te);
        c->parent_kind = DO_ENUM;
        c->destructive = c->data_dependent = 1;
        set_summary(c, "removed value `%s`", removed.v[i]);
    }
    diff_comment(x, DO_ENUM, te->schema, NULL, DO_SCHEMA, te->name, fe->comment, te->comment, fe,
                 te, "the enum");
    strv_release(&removed);
}

static void diff_enums(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_enums; i++) {
        const struct m_enum *te = &t->enums[i], *fe = find_enum(f, te->schema, te->name);
        if (fe) {
            diff_enum_pair(x, fe, te);
            continue;
        }
        struct d_change *c = add_change(x, DO_ENUM, D_ADD, te->schema, NULL, te->name, NULL, te);
        char *vals = joined(te->values, te->n_values, ", "),
             *name = disp(x->d, te->schema, te->name);
        set_summary(c, "Added the enum `%s` (%s)", name, vals);
        free(vals);
        free(name);
    }
    for (size_t i = 0; i < f->n_enums; i++) {
        const struct m_enum *fe = &f->enums[i];
        if (find_enum(t, fe->schema, fe->name))
            continue;
        struct d_change *c = add_change(x, DO_ENUM, D_DROP, fe->schema, NULL, fe->name, fe, NULL);
        char *name = disp(x->d, fe->schema, fe->name);
        set_summary(c, "Dropped the enum `%s`", name);
        free(name);
    }
}

static const char *type_word(const struct m_type *t)
{
    return t->kind == 'd' ? "domain" : "composite type";
}

static int definition_not_valid(const char *def)
{
    size_t n = def ? strlen(def) : 0;
    return n >= 9 && !strcmp(def + n - 9, "NOT VALID");
}

static int same_strs(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!str_eq(a[i], b[i]))
            return 0;
    return 1;
}

/* A domain's definition taken apart: "base [COLLATE c] [NOT NULL] [DEFAULT e]
 * [CONSTRAINT name check]..." as the catalog reader writes it. */
struct domain_parts {
    char *head; /* the base type and collation */
    int not_null;
    char *default_expr;
    struct strv names, checks; /* the constraints, by name */
};

static char *trimmed_copy(const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p))
        p++, n--;
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    return xstrndup(p, n);
}

static void domain_parse(const char *def, struct domain_parts *d)
{
    size_t pos = 0, head_end = 0, part = 0, name_end = 0;
    int depth = 0, in = 0; /* 0 head, 1 default, 2 constraint */
    struct tok t, prev = {0};
    char *name = NULL;
    memset(d, 0, sizeof(*d));
    if (!def)
        def = "";
    head_end = strlen(def);
    for (;;) {
        tok_next(def, &pos, &t);
        int end = t.kind == TK_END;
        size_t st = end ? strlen(def) : (size_t)(t.p - def);
        int key = !end && depth == 0 &&
                  (tok_is(&t, "DEFAULT") || tok_is(&t, "CONSTRAINT") ||
                   (in == 0 && tok_is(&t, "NULL") && tok_is(&prev, "NOT")));
        if (end || key) {
            size_t stop = st;
            if (!end && tok_is(&t, "NULL"))
                stop = (size_t)(prev.p - def);
            if (in == 0 && stop < head_end)
                head_end = stop;
            else if (in == 1)
                d->default_expr = trimmed_copy(def + part, stop - part);
            else if (in == 2 && name) {
                strv_push(&d->names, name);
                strv_push(&d->checks, trimmed_copy(def + name_end, stop - name_end));
                name = NULL;
            }
        }
        if (end)
            break;
        if (key && tok_is(&t, "NULL")) {
            d->not_null = 1;
        } else if (key && tok_is(&t, "DEFAULT")) {
            in = 1;
            part = pos;
        } else if (key) { /* CONSTRAINT name */
            in = 2;
            tok_next(def, &pos, &t);
            name = tok_ident(&t);
            if (!name)
                name = xstrndup(t.p, t.len);
            name_end = pos;
        } else if (tok_op(&t, "(")) {
            depth++;
        } else if (tok_op(&t, ")")) {
            depth--;
        }
        prev = t;
    }
    free(name);
    d->head = trimmed_copy(def, head_end);
}

static void domain_parts_release(struct domain_parts *d)
{
    free(d->head);
    free(d->default_expr);
    strv_release(&d->names);
    strv_release(&d->checks);
}

static int domain_check_index(const struct domain_parts *d, const char *name)
{
    for (size_t i = 0; i < d->names.n; i++)
        if (!strcmp(d->names.v[i], name))
            return (int)i;
    return -1;
}

/* A domain whose base type and collation stay is altered in place (ALTER DOMAIN):
 * recreating it would need every column of that type gone first. */
static int domain_alterable(const struct m_type *f, const struct m_type *t)
{
    struct domain_parts a, b;
    if (f->kind != 'd' || t->kind != 'd')
        return 0;
    domain_parse(f->definition, &a);
    domain_parse(t->definition, &b);
    int same = !strcmp(a.head, b.head);
    domain_parts_release(&a);
    domain_parts_release(&b);
    return same;
}

/* A composite type's attributes, from its definition "(a text, \"B\" integer)": names
 * (unquoted) and the text after each (type and collation). */
static void composite_parse(const char *def, struct strv *names, struct strv *types)
{
    size_t pos = 0, start = 0;
    int depth = 0;
    char *name = NULL;
    struct tok t;
    if (!def)
        return;
    for (;;) {
        tok_next(def, &pos, &t);
        if (t.kind == TK_END)
            break;
        if (tok_op(&t, "(") && depth++ == 0) {
            start = pos;
            continue;
        }
        int close = tok_op(&t, ")") && --depth == 0;
        if (close || (depth == 1 && tok_op(&t, ","))) {
            if (name) {
                strv_push(names, name);
                strv_push(types, trimmed_copy(def + start, (size_t)(t.p - def) - start));
                name = NULL;
            }
            start = pos;
        } else if (depth == 1 && !name && (size_t)(t.p - def) >= start) {
            name = tok_ident(&t);
            if (!name)
                name = xstrndup(t.p, t.len);
            start = pos;
        }
        if (close)
            break;
    }
    free(name);
}

/*
 * A composite type changed only by attributes dropped and attributes added at the
 * end is altered in place (ALTER TYPE ... DROP/ADD ATTRIBUTE works while columns
 * use the type; changing an attribute's type does not).
 */
static int composite_alterable(const struct m_type *f, const struct m_type *t)
{
    struct strv fn = {0}, ft = {0}, tn = {0}, tt = {0}, result = {0};
    int ok = f->kind == 'c' && t->kind == 'c';
    if (ok) {
        composite_parse(f->definition, &fn, &ft);
        composite_parse(t->definition, &tn, &tt);
        for (size_t i = 0; i < fn.n; i++)
            for (size_t j = 0; j < tn.n; j++)
                if (!strcmp(fn.v[i], tn.v[j])) {
                    ok &= !strcmp(ft.v[i], tt.v[j]);
                    strv_push(&result, xstrdup(fn.v[i]));
                }
        for (size_t j = 0; j < tn.n; j++)
            if (!strv_has(&fn, tn.v[j]))
                strv_push(&result, xstrdup(tn.v[j]));
        ok &= same_strs(result.v, result.n, tn.v, tn.n) && tn.n > 0;
    }
    strv_release(&fn);
    strv_release(&ft);
    strv_release(&tn);
    strv_release(&tt);
    strv_release(&result);
    return ok;
}

static void diff_types(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_types; i++) {
        const struct m_type *tt = &t->types[i], *ft = find_type(f, tt->schema, tt->name);
        char *name = disp(x->d, tt->schema, tt->name);
        if (!ft) {
            struct d_change *c =
                add_change(x, DO_TYPE, D_ADD, tt->schema, NULL, tt->name, NULL, tt);
            set_summary(c, "Added the %s `%s` (%s)", type_word(tt), name, or_none(tt->definition));
        } else {
            if (!str_eq(ft->definition, tt->definition) && domain_alterable(ft, tt)) {
                struct d_change *c =
                    add_change(x, DO_TYPE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
                c->flags = DF_REPLACE;
                set_summary(c, "Changed the domain `%s` (%s -> %s)", name,
                            or_none(ft->definition), or_none(tt->definition));
                struct domain_parts a, b;
                domain_parse(ft->definition, &a);
                domain_parse(tt->definition, &b);
                int checks = b.not_null && !a.not_null;
                for (size_t k = 0; k < b.names.n && !checks; k++) {
                    int j = domain_check_index(&a, b.names.v[k]);
                    checks = (j < 0 || strcmp(a.checks.v[j], b.checks.v[k])) &&
                             !definition_not_valid(b.checks.v[k]);
                }
                if (checks) {
                    c->data_dependent = 1;
                    add_warning(c,
                                "The domain `%s` gets a new constraint. This step will fail if "
                                "values already stored in columns of that type violate it.",
                                tt->name);
                }
                domain_parts_release(&a);
                domain_parts_release(&b);
            } else if (!str_eq(ft->definition, tt->definition) && composite_alterable(ft, tt)) {
                struct d_change *c =
                    add_change(x, DO_TYPE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
                c->flags = DF_REPLACE;
                set_summary(c, "Changed the composite type `%s` (%s -> %s)", name,
                            or_none(ft->definition), or_none(tt->definition));
                if (strlen(ft->definition) > 2) { /* attributes dropped lose their values */
                    struct strv fn = {0}, fty = {0}, tn = {0}, tty = {0};
                    composite_parse(ft->definition, &fn, &fty);
                    composite_parse(tt->definition, &tn, &tty);
                    for (size_t k = 0; k < fn.n; k++)
                        if (!strv_has(&tn, fn.v[k])) {
                            c->destructive = 1;
                            add_warning(c,
                                        "You are about to drop the attribute `%s` of the "
                                        "composite type `%s`. The values stored in it will be "
                                        "lost.",
                                        fn.v[k], tt->name);
                        }
                    strv_release(&fn);
                    strv_release(&fty);
                    strv_release(&tn);
                    strv_release(&tty);
                }
            } else if (ft->kind != tt->kind || !str_eq(ft->definition, tt->definition)) {
                struct d_change *c =
                    add_change(x, DO_TYPE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
                set_summary(c, "Changed the %s `%s` (dropped and recreated as %s)", type_word(tt),
                            name, or_none(tt->definition));
                c->data_dependent = 1;
                add_warning(c,
                            "The %s `%s` will be dropped and recreated. If it is still used by "
                            "columns or other objects, this will fail.",
                            type_word(tt), tt->name);
            }
            char *what = xasprintf("the %s `%s`", type_word(tt), name);
            diff_comment(x, DO_TYPE, tt->schema, NULL, DO_SCHEMA, tt->name, ft->comment,
                         tt->comment, ft, tt, what);
            free(what);
        }
        free(name);
    }
    for (size_t i = 0; i < f->n_types; i++) {
        const struct m_type *ft = &f->types[i];
        if (find_type(t, ft->schema, ft->name))
            continue;
        struct d_change *c = add_change(x, DO_TYPE, D_DROP, ft->schema, NULL, ft->name, ft, NULL);
        char *name = disp(x->d, ft->schema, ft->name);
        set_summary(c, "Dropped the %s `%s`", type_word(ft), name);
        free(name);
    }
}

/* A table whose kind or partitioning changes cannot be altered: it is dropped and created. */
static int table_recreated(const struct m_table *f, const struct m_table *t)
{
    return f->kind != t->kind || !str_eq(f->partition_of, t->partition_of) ||
           !str_eq(f->partition_bound, t->partition_bound) ||
           !str_eq(f->partition_key, t->partition_key);
}

/* A column dropped and added again: a (new) generation expression. */
static int column_recreated(const struct m_column *f, const struct m_column *t)
{
    return t->generated && !str_eq(f->generated, t->generated);
}

/* The owner column of a sequence, in its model. */
static int sequence_owner(const struct schema_model *m, const struct m_sequence *s,
                          const struct m_table **t, const struct m_column **c)
{
    char *tn = NULL, *cn = NULL;
    *t = NULL;
    *c = NULL;
    if (s->owned_by && !parse_qname(s->owned_by, &tn, &cn)) {
        *t = find_table(m, s->schema, tn);
        *c = find_column(*t, cn);
    }
    free(tn);
    free(cn);
    return *c ? 0 : -1;
}

/* A new sequence that PostgreSQL creates by itself for a new SERIAL column. */
static int sequence_from_serial(struct dctx *x, const struct m_sequence *s)
{
    const struct m_table *tt, *ft;
    const struct m_column *tc;
    if (sequence_owner(x->to, s, &tt, &tc) || serial_sequence(x->to, tt, tc) != s)
        return 0;
    ft = find_table(x->from, tt->schema, tt->name);
    return !ft || table_recreated(ft, tt) || !find_column(ft, tc->name);
}

/* A sequence its owner column takes along when the column or its table goes. */
static int sequence_dropped_with_owner(struct dctx *x, const struct m_sequence *s)
{
    const struct m_table *ft, *tt;
    const struct m_column *fc, *tc;
    if (sequence_owner(x->from, s, &ft, &fc))
        return 0;
    tt = find_table(x->to, ft->schema, ft->name);
    if (!tt || table_recreated(ft, tt))
        return 1;
    tc = find_column(tt, fc->name);
    return !tc || column_recreated(fc, tc);
}

static void diff_sequences(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_sequences; i++) {
        const struct m_sequence *ts = &t->sequences[i],
                                *fs = find_sequence(f, ts->schema, ts->name);
        char *name = disp(x->d, ts->schema, ts->name);
        if (!fs) {
            if (!sequence_from_serial(x, ts)) {
                struct d_change *c =
                    add_change(x, DO_SEQUENCE, D_ADD, ts->schema, NULL, ts->name, NULL, ts);
                set_summary(c, "Added the sequence `%s`", name);
            }
            free(name);
            continue;
        }
        struct buf b = BUF_INIT;
        if (!str_eq(fs->type, ts->type))
            buf_addf(&b, ", type %s -> %s", or_none(fs->type), or_none(ts->type));
#define SEQ_FIELD(f_, label)                                                                       \
    if (fs->f_ != ts->f_)                                                                          \
        buf_addf(&b, ", %s %lld -> %lld", label, (long long)fs->f_, (long long)ts->f_);
        SEQ_FIELD(start, "start")
        SEQ_FIELD(increment, "increment")
        SEQ_FIELD(min, "minvalue")
        SEQ_FIELD(max, "maxvalue")
        SEQ_FIELD(cache, "cache")
#undef SEQ_FIELD
        if (fs->cycle != ts->cycle)
            buf_adds(&b, ts->cycle ? ", cycles" : ", no longer cycles");
        if (!str_eq(fs->owned_by, ts->owned_by))
            buf_addf(&b, ", owned by %s -> %s", or_none(fs->owned_by), or_none(ts->owned_by));
        if (b.len) {
            struct d_change *c =
                add_change(x, DO_SEQUENCE, D_CHANGE, ts->schema, NULL, ts->name, fs, ts);
            set_summary(c, "Changed the sequence `%s` (%s)", name, b.data + 2);
        }
        buf_release(&b);
        char *what = xasprintf("the sequence `%s`", name);
        diff_comment(x, DO_SEQUENCE, ts->schema, NULL, DO_SCHEMA, ts->name, fs->comment,
                     ts->comment, fs, ts, what);
        free(what);
        free(name);
    }
    for (size_t i = 0; i < f->n_sequences; i++) {
        const struct m_sequence *fs = &f->sequences[i];
        if (find_sequence(t, fs->schema, fs->name) || sequence_dropped_with_owner(x, fs))
            continue;
        struct d_change *c =
            add_change(x, DO_SEQUENCE, D_DROP, fs->schema, NULL, fs->name, fs, NULL);
        char *name = disp(x->d, fs->schema, fs->name);
        set_summary(c, "Dropped the sequence `%s`", name);
        free(name);
    }
}

/* "text, NOT NULL, default 0" */
static void column_desc(struct buf *b, const struct m_column *c)
{
    buf_adds(b, c->type ? c->type : "?");
    if (c->collation)
        buf_addf(b, ", collation %s", c->collation);
    if (c->generated)
        buf_addf(b, ", generated from %s", c->generated);
    if (c->identity)
        buf_addf(b, ", identity %s", c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
    if (c->not_null)
        buf_adds(b, ", NOT NULL");
    if (c->default_expr)
        buf_addf(b, ", default %s", c->default_expr);
}

static void add_note(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->len)
        buf_adds(b, ", ");
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

/*
 * PostgreSQL cannot change the type of a column a generated column is computed
 * from: such a generated column is dropped and added again (it holds no data of
 * its own; adding it computes it anew).
 */
static int computed_from_retyped(const struct m_table *ft, const struct m_table *tt,
                                 const struct m_column *tc)
{
    struct strv ids = {0};
    int found = 0;
    if (!tc->generated)
        return 0;
    ident_set(tc->generated, &ids);
    for (size_t i = 0; i < tt->n_columns && !found; i++) {
        const struct m_column *u = &tt->columns[i], *fu = find_column(ft, u->name);
        if (u != tc && fu && strv_sorted_has(&ids, u->name) &&
            (!str_eq(fu->type, u->type) || !str_eq(fu->collation, u->collation)))
            found = 1;
    }
    strv_release(&ids);
    return found;
}

static void diff_column_pair(struct dctx *x, const struct m_table *ft, const struct m_table *tt,
                             const struct m_column *fc, const struct m_column *tc)
{
    struct buf what = BUF_INIT;
    unsigned flags = 0;
    struct d_change tmp = {0}; /* collects the warning before the change exists */
    const char *T = tt->name, *C = tc->name;

    if (column_recreated(fc, tc)) {
        flags |= DF_RECREATE;
        add_note(&what, "%s, dropped and recreated",
                 fc->generated ? "generation expression changed" : "now generated");
        if (!fc->generated) {
            tmp.destructive = 1;
            add_warning(&tmp,
                        "The `%s` column on the `%s` table would be dropped and recreated. This "
                        "will lead to data loss if there is data in the column.",
                        C, T);
        }
    } else if (fc->generated && computed_from_retyped(ft, tt, tc)) {
        flags |= DF_RECREATE;
        add_note(&what, "computed from a column whose type changes, dropped and recreated");
    } else {
        if (fc->generated && !tc->generated)
            add_note(&what, "no longer generated");
        if (!str_eq(fc->type, tc->type)) {
            enum cast k =
                classify_cast(fc->type, tc->type, type_enum(x->to, tc->type, NULL) != NULL);
            add_note(&what, "type `%s` -> `%s`", fc->type, tc->type);
            flags |= k == CAST_SAFE || k == CAST_RISKY ? DF_TYPE_ASSIGN : DF_TYPE_CAST;
            if (k == CAST_RISKY) {
                tmp.destructive = tmp.data_dependent = 1;
                add_warning(&tmp,
                            "You are about to alter the column `%s` on the `%s` table. The data "
                            "in that column could be lost. The data in that column will be cast "
                            "from `%s` to `%s`.",
                            C, T, fc->type, tc->type);
            } else if (k == CAST_MAYFAIL) {
                tmp.data_dependent = 1;
                add_warning(&tmp,
                            "You are about to alter the column `%s` on the `%s` table. The data "
                            "in that column will be cast from `%s` to `%s`. This cast may fail. "
                            "Please make sure the data in the column can be cast.",
                            C, T, fc->type, tc->type);
            } else if (k == CAST_FROM_ARRAY) {
                tmp.destructive = 1;
                add_warning(&tmp,
                            "Changed the column `%s` on the `%s` table from a list field to a "
                            "scalar field. Only the first element of each list is kept.",
                            C, T);
            }
        }
        if (!str_eq(fc->collation, tc->collation)) {
            if (!(flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST)))
                flags |= DF_TYPE_ASSIGN;
            add_note(&what, "collation %s -> %s", fc->collation ? fc->collation : "default",
                     tc->collation ? tc->collation : "default");
        }
        if (fc->not_null != tc->not_null) {
            add_note(&what, tc->not_null ? "made required" : "made optional");
            if (tc->not_null) {
                tmp.data_dependent = 1;
                add_warning(&tmp,
                            "Made the column `%s` on table `%s` required. This step will fail if "
                            "there are existing NULL values in that column.",
                            C, T);
            }
        }
        if (!str_eq(fc->default_expr, tc->default_expr)) {
            if (!fc->default_expr)
                add_note(&what, "default %s added", tc->default_expr);
            else if (!tc->default_expr)
                add_note(&what, "default %s removed", fc->default_expr);
            else
                add_note(&what, "default %s -> %s", fc->default_expr, tc->default_expr);
        }
        if (fc->identity != tc->identity) {
            if (!tc->identity) {
                add_note(&what, "no longer an identity column");
            } else {
                add_note(&what, "identity %s", tc->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
            }
        } else if (tc->identity && !str_eq(fc->identity_options, tc->identity_options)) {
            add_note(&what, "identity options (%s) -> (%s)", or_none(fc->identity_options),
                     or_none(tc->identity_options));
        }
    }
    if (what.len) {
        struct d_change *c = add_change(x, DO_COLUMN, D_CHANGE, tt->schema, T, C, fc, tc);
        c->parent_kind = DO_TABLE;
        c->flags = flags;
        c->destructive = tmp.destructive;
        c->data_dependent = tmp.data_dependent;
        c->warning = tmp.warning;
        tmp.warning = NULL;
        set_summary(c, "altered column `%s` (%s)", C, what.data);
    }
    free(tmp.warning);
    buf_release(&what);
}

static void diff_columns(struct dctx *x, const struct m_table *ft, const struct m_table *tt)
{
    for (size_t i = 0; i < tt->n_columns; i++) {
        const struct m_column *tc = &tt->columns[i], *fc = find_column(ft, tc->name);
        if (fc) {
            diff_column_pair(x, ft, tt, fc, tc);
            char *what = xasprintf("column `%s`", tc->name);
            diff_comment(x, DO_COLUMN, tt->schema, tt->name, DO_TABLE, tc->name, fc->comment,
                         tc->comment, fc, tc, what);
            free(what);
            continue;
        }
        struct d_change *c =
            add_change(x, DO_COLUMN, D_ADD, tt->schema, tt->name, tc->name, NULL, tc);
        struct buf b = BUF_INIT;
        c->parent_kind = DO_TABLE;
        column_desc(&b, tc);
        if (tc->not_null && !tc->default_expr && !tc->identity && !tc->generated) {
            buf_adds(&b, ", no default: fails on a table with rows");
            c->data_dependent = 1;
            add_warning(c,
                        "Added the required column `%s` to the `%s` table without a default "
                        "value. This is not possible if the table is not empty.",
                        tc->name, tt->name);
        }
        set_summary(c, "added column `%s` (%s)", tc->name, b.data);
        buf_release(&b);
    }
    for (size_t i = 0; i < ft->n_columns; i++) {
        const struct m_column *fc = &ft->columns[i];
        if (find_column(tt, fc->name))
            continue;
        struct d_change *c =
            add_change(x, DO_COLUMN, D_DROP, ft->schema, ft->name, fc->name, fc, NULL);
        c->parent_kind = DO_TABLE;
        c->destructive = 1;
        set_summary(c, "dropped column `%s` (%s)", fc->name, fc->type ? fc->type : "?");
        add_warning(c,
                    "You are about to drop the column `%s` on the `%s` table. All the data in "
                    "the column will be lost.",
                    fc->name, ft->name);
    }
}

static const char *constraint_word(char type)
{
    switch (type) {
    case 'p':
        return "primary key";
    case 'u':
        return "unique constraint";
    case 'f':
        return "foreign key";
    case 'c':
        return "check constraint";
    case 'x':
        return "exclusion constraint";
    default:
        return "constraint";
    }
}

static void constraint_desc(struct buf *b, const struct schema_diff *d, const char *schema,
                            const struct m_constraint *k)
{
    buf_addf(b, "%s `%s`", constraint_word(k->type), k->name);
    if (k->type == 'c' || k->type == 'x' || !k->n_columns) {
        buf_addf(b, " %s", k->definition ? k->definition : "");
        return;
    }
    buf_adds(b, " (");
    join_strs(b, k->columns, k->n_columns, ", ");
    buf_addch(b, ')');
    if (k->type == 'f' && k->ref_table) {
        char *r = disp(d, k->ref_schema ? k->ref_schema : schema, k->ref_table);
        buf_addf(b, " -> `%s` (", r);
        join_strs(b, k->ref_columns, k->n_ref_columns, ", ");
        buf_addch(b, ')');
        free(r);
    }
}

static int has_primary_key(const struct m_table *t)
{
    for (size_t i = 0; i < t->n_constraints; i++)
        if (t->constraints[i].type == 'p')
            return 1;
    return 0;
}

/*
 * The warning for a constraint added (or re-added) to a table that already
 * exists. A key re-added over the same columns (and, for a foreign key, the
 * same referenced columns) holds for the rows that held before: no warning.
 */
static void constraint_warning(struct d_change *c, const struct m_table *ft,
                               const struct m_constraint *old, const struct m_constraint *k,
                               const char *table)
{
    if (old && old->type == k->type && k->type != 'c' && k->type != 'x' &&
        same_strs(old->columns, old->n_columns, k->columns, k->n_columns) &&
        same_strs(old->ref_columns, old->n_ref_columns, k->ref_columns, k->n_ref_columns) &&
        str_eq(old->ref_schema, k->ref_schema) && str_eq(old->ref_table, k->ref_table))
        return;
    char *cols = joined(k->columns, k->n_columns, ",");
    int existing_cols = k->n_columns > 0;
    for (size_t i = 0; i < k->n_columns; i++)
        existing_cols &= find_column(ft, k->columns[i]) != NULL;
    if (definition_not_valid(k->definition)) {
        /* NOT VALID: existing rows are not checked */
    } else if (k->type == 'u') {
        c->data_dependent = 1;
        add_warning(c,
                    "A unique constraint covering the columns `[%s]` on the table `%s` will be "
                    "added. If there are existing duplicate values, this will fail.",
                    cols, table);
    } else if (k->type == 'p' && has_primary_key(ft)) {
        c->data_dependent = 1;
        add_warning(c,
                    "The primary key for the `%s` table will be changed. If it partially fails, "
                    "the table could be left without primary key constraint.",
                    table);
    } else if (k->type == 'p') {
        c->data_dependent = 1;
        add_warning(c,
                    "A primary key covering the columns `[%s]` on the table `%s` will be added. "
                    "If there are existing duplicate or NULL values, this will fail.",
                    cols, table);
    } else if (k->type == 'c') {
        c->data_dependent = 1;
        add_warning(c,
                    "A check constraint `%s` on the table `%s` will be added. If existing rows "
                    "do not satisfy it, this will fail.",
                    k->name, table);
    } else if (k->type == 'x') {
        c->data_dependent = 1;
        add_warning(c,
                    "An exclusion constraint `%s` on the table `%s` will be added. If existing "
                    "rows conflict with each other, this will fail.",
                    k->name, table);
    } else if (k->type == 'f' && existing_cols) {
        c->data_dependent = 1;
        add_warning(c,
                    "A foreign key covering the columns `[%s]` on the table `%s` will be added. "
                    "If existing values have no match in `%s`, this will fail.",
                    cols, table, k->ref_table ? k->ref_table : "?");
    }
    free(cols);
}

static void diff_constraints(struct dctx *x, const struct m_table *ft, const struct m_table *tt)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < tt->n_constraints; i++) {
        const struct m_constraint *tk = &tt->constraints[i], *fk = find_constraint(ft, tk->name);
        if (fk && fk->type == tk->type && str_eq(fk->definition, tk->definition)) {
            char *what = xasprintf("%s `%s`", constraint_word(tk->type), tk->name);
            diff_comment(x, DO_CONSTRAINT, tt->schema, tt->name, DO_TABLE, tk->name, fk->comment,
                         tk->comment, fk, tk, what);
            free(what);
            continue;
        }
        struct d_change *c = add_change(x, DO_CONSTRAINT, fk ? D_CHANGE : D_ADD, tt->schema,
                                        tt->name, tk->name, fk, tk);
        c->parent_kind = DO_TABLE;
        buf_reset(&b);
        constraint_desc(&b, x->d, tt->schema, tk);
        set_summary(c, "%s %s%s", fk ? "changed" : "added", b.data,
                    fk ? " (dropped and added again)" : "");
        constraint_warning(c, ft, fk, tk, tt->name);
    }
    for (size_t i = 0; i < ft->n_constraints; i++) {
        const struct m_constraint *fk = &ft->constraints[i];
        if (find_constraint(tt, fk->name))
            continue;
        struct d_change *c =
            add_change(x, DO_CONSTRAINT, D_DROP, ft->schema, ft->name, fk->name, fk, NULL);
        c->parent_kind = DO_TABLE;
        buf_reset(&b);
        constraint_desc(&b, x->d, ft->schema, fk);
        set_summary(c, "dropped %s", b.data);
    }
    buf_release(&b);
}

/* An index's keys, as column names where they are plain columns. */
static char *index_keys(const struct m_index *ix, const char *sep)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < ix->n_keys; i++) {
        char *s = NULL, *n = NULL;
        if (i)
            buf_adds(&b, sep);
        if (ix->keys[i] && !parse_qname(ix->keys[i], &s, &n) && !s)
            buf_adds(&b, n);
        else
            buf_adds(&b, ix->keys[i] ? ix->keys[i] : "");
        free(s);
        free(n);
    }
    return buf_detach(&b, NULL);
}

static void diff_indexes(struct dctx *x, enum d_obj pk, const char *schema, const char *parent,
                         const struct m_index *fv, size_t fn, const struct m_index *tv, size_t tn)
{
    for (size_t i = 0; i < tn; i++) {
        const struct m_index *ti = &tv[i], *fi = find_index(fv, fn, ti->name);
        if (fi && str_eq(fi->definition, ti->definition) && (fi->valid || !ti->valid)) {
            char *what = xasprintf("index `%s`", ti->name);
            diff_comment(x, DO_INDEX, schema, parent, pk, ti->name, fi->comment, ti->comment, fi,
                         ti, what);
            free(what);
            continue;
        }
        struct d_change *c =
            add_change(x, DO_INDEX, fi ? D_CHANGE : D_ADD, schema, parent, ti->name, fi, ti);
        char *keys = index_keys(ti, ", ");
        c->parent_kind = pk;
        set_summary(c, "%s %sindex `%s` (%s)%s", fi ? "changed" : "added",
                    ti->unique ? "unique " : "", ti->name, keys,
                    fi ? " (dropped and created again)" : "");
        free(keys);
        if (ti->unique && pk == DO_TABLE) {
            char *cols = index_keys(ti, ",");
            c->data_dependent = 1;
            add_warning(c,
                        "A unique constraint covering the columns `[%s]` on the table `%s` will "
                        "be added. If there are existing duplicate values, this will fail.",
                        cols, parent);
            free(cols);
        }
    }
    for (size_t i = 0; i < fn; i++) {
        const struct m_index *fi = &fv[i];
        if (find_index(tv, tn, fi->name))
            continue;
        struct d_change *c = add_change(x, DO_INDEX, D_DROP, schema, parent, fi->name, fi, NULL);
        c->parent_kind = pk;
        set_summary(c, "dropped %sindex `%s`", fi->unique ? "unique " : "", fi->name);
    }
}

static void diff_triggers(struct dctx *x, enum d_obj pk, const char *schema, const char *parent,
                          const struct m_trigger *fv, size_t fn, const struct m_trigger *tv,
                          size_t tn)
{
    for (size_t i = 0; i < tn; i++) {
        const struct m_trigger *tr = &tv[i], *fr = find_trigger(fv, fn, tr->name);
        if (!fr) {
            struct d_change *c =
                add_change(x, DO_TRIGGER, D_ADD, schema, parent, tr->name, NULL, tr);
            c->parent_kind = pk;
            set_summary(c, "added trigger `%s`%s", tr->name, tr->enabled ? "" : " (disabled)");
            continue;
        }
        if (!str_eq(fr->definition, tr->definition) || fr->enabled != tr->enabled) {
            struct d_change *c =
                add_change(x, DO_TRIGGER, D_CHANGE, schema, parent, tr->name, fr, tr);
            c->parent_kind = pk;
            if (!str_eq(fr->definition, tr->definition))
                set_summary(c, "changed trigger `%s` (dropped and created again)", tr->name);
            else
                set_summary(c, "%s trigger `%s`", tr->enabled ? "enabled" : "disabled", tr->name);
        }
        char *what = xasprintf("trigger `%s`", tr->name);
        diff_comment(x, DO_TRIGGER, schema, parent, pk, tr->name, fr->comment, tr->comment, fr, tr,
                     what);
        free(what);
    }
    for (size_t i = 0; i < fn; i++) {
        const struct m_trigger *fr = &fv[i];
        if (find_trigger(tv, tn, fr->name))
            continue;
        struct d_change *c = add_change(x, DO_TRIGGER, D_DROP, schema, parent, fr->name, fr, NULL);
        c->parent_kind = pk;
        set_summary(c, "dropped trigger `%s`", fr->name);
    }
}

static void diff_tables(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i], *ft = find_table(f, tt->schema, tt->name);
        char *name = disp(x->d, tt->schema, tt->name);
        if (!ft || table_recreated(ft, tt)) {
            if (ft) {
                struct d_change *c =
                    add_change(x, DO_TABLE, D_DROP, ft->schema, NULL, ft->name, ft, NULL);
                c->flags = DF_RECREATE;
                c->destructive = 1;
                set_summary(c, "Dropped the `%s` table (its kind or partitioning changes)", name);
                add_warning(c,
                            "You are about to drop the `%s` table. If the table is not empty, all "
                            "the data it contains will be lost.",
                            ft->name);
            }
            struct d_change *c =
                add_change(x, DO_TABLE, D_ADD, tt->schema, NULL, tt->name, NULL, tt);
            c->flags = ft ? DF_RECREATE : 0;
            set_summary(c, "Added the `%s` table", name);
            free(name);
            continue;
        }
        struct buf b = BUF_INIT;
        if (ft->unlogged != tt->unlogged)
            add_note(&b, "set %s", tt->unlogged ? "UNLOGGED" : "LOGGED");
        if (!str_eq(ft->options, tt->options))
            add_note(&b, "storage options (%s) -> (%s)", ft->options ? ft->options : "",
                     tt->options ? tt->options : "");
        if (b.len) {
            struct d_change *c =
                add_change(x, DO_TABLE, D_CHANGE, tt->schema, NULL, tt->name, ft, tt);
            set_summary(c, "%s", b.data);
        }
        buf_release(&b);
        /* a partition's columns are its parent's */
        if (!tt->partition_of)
            diff_columns(x, ft, tt);
        diff_constraints(x, ft, tt);
        diff_indexes(x, DO_TABLE, tt->schema, tt->name, ft->indexes, ft->n_indexes, tt->indexes,
                     tt->n_indexes);
        diff_triggers(x, DO_TABLE, tt->schema, tt->name, ft->triggers, ft->n_triggers, tt->triggers,
                      tt->n_triggers);
        diff_comment(x, DO_TABLE, tt->schema, NULL, DO_SCHEMA, tt->name, ft->comment, tt->comment,
                     ft, tt, "the table");
        free(name);
    }
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i];
        if (find_table(t, ft->schema, ft->name))
            continue;
        struct d_change *c = add_change(x, DO_TABLE, D_DROP, ft->schema, NULL, ft->name, ft, NULL);
        char *name = disp(x->d, ft->schema, ft->name);
        c->destructive = 1;
        set_summary(c, "Dropped the `%s` table", name);
        add_warning(c,
                    "You are about to drop the `%s` table. If the table is not empty, all the "
                    "data it contains will be lost.",
                    ft->name);
        free(name);
    }
}

static const char *view_word(const struct m_view *v)
{
    return v->materialized ? "materialized view" : "view";
}

static void diff_views(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_views; i++) {
        const struct m_view *tv = &t->views[i], *fv = find_view(f, tv->schema, tv->name);
        char *name = disp(x->d, tv->schema, tv->name);
        if (!fv) {
            struct d_change *c =
                add_change(x, DO_VIEW, D_ADD, tv->schema, NULL, tv->name, NULL, tv);
            set_summary(c, "Added the %s `%s`", view_word(tv), name);
            free(name);
            continue;
        }
        int recreated = fv->materialized != tv->materialized;
        if (recreated || !str_eq(fv->definition, tv->definition) ||
            !str_eq(fv->options, tv->options)) {
            struct d_change *c =
                add_change(x, DO_VIEW, D_CHANGE, tv->schema, NULL, tv->name, fv, tv);
            if (!recreated && view_replaceable(fv, tv))
                c->flags = DF_REPLACE;
            set_summary(c, "%s (%s)",
                        recreated ? "became a materialized view" : "definition changed",
                        c->flags & DF_REPLACE ? "replaced in place" : "dropped and created again");
        }
        if (!recreated) {
            diff_indexes(x, DO_VIEW, tv->schema, tv->name, fv->indexes, fv->n_indexes, tv->indexes,
                         tv->n_indexes);
            diff_triggers(x, DO_VIEW, tv->schema, tv->name, fv->triggers, fv->n_triggers,
                          tv->triggers, tv->n_triggers);
        }
        diff_comment(x, DO_VIEW, tv->schema, NULL, DO_SCHEMA, tv->name, fv->comment, tv->comment,
                     fv, tv, "the view");
        free(name);
    }
    for (size_t i = 0; i < f->n_views; i++) {
        const struct m_view *fv = &f->views[i];
        if (find_view(t, fv->schema, fv->name))
            continue;
        struct d_change *c = add_change(x, DO_VIEW, D_DROP, fv->schema, NULL, fv->name, fv, NULL);
        char *name = disp(x->d, fv->schema, fv->name);
        set_summary(c, "Dropped the %s `%s`", view_word(fv), name);
        free(name);
    }
}

static const char *function_word(char kind)
{
    return kind == 'p' ? "procedure" : kind == 'a' ? "aggregate" : "function";
}

static void diff_functions(struct dctx *x)
{
    const struct schema_model *f = x->from, *t = x->to;
    for (size_t i = 0; i < t->n_functions; i++) {
        const struct m_function *tf = &t->functions[i],
                                *ff = find_function(f, tf->schema, tf->name, tf->args);
        char *key = xasprintf("%s(%s)", tf->name, tf->args ? tf->args : "");
        char *name = disp(x->d, tf->schema, key);
        if (!ff) {
            struct d_change *c = add_change(x, DO_FUNCTION, D_ADD, tf->schema, NULL, key, NULL, tf);
            set_summary(c, "Added the %s `%s`", function_word(tf->kind), name);
        } else {
            if (ff->kind != tf->kind || !str_eq(ff->result, tf->result) ||
                !str_eq(ff->language, tf->language) || !str_eq(ff->definition, tf->definition) ||
                strcmp(ff->body_hash, tf->body_hash) != 0) {
                struct d_change *c =
                    add_change(x, DO_FUNCTION, D_CHANGE, tf->schema, NULL, key, ff, tf);
                if (ff->kind == tf->kind && str_eq(ff->result, tf->result) && tf->kind != 'a' &&
                    tf->definition)
                    c->flags = DF_REPLACE;
                set_summary(c, "Changed the %s `%s` (%s)", function_word(tf->kind), name,
                            c->flags & DF_REPLACE ? "replaced in place"
                                                  : "dropped and created again");
            }
            char *what = xasprintf("the %s `%s`", function_word(tf->kind), name);
            diff_comment(x, DO_FUNCTION, tf->schema, NULL, DO_SCHEMA, key, ff->comment, tf->comment,
                         ff, tf, what);
            free(what);
        }
        free(key);
        free(name);
    }
    for (size_t i = 0; i < f->n_functions; i++) {
        const struct m_function *ff = &f->functions[i];
        if (find_function(t, ff->schema, ff->name, ff->args))
            continue;
        char *key = xasprintf("%s(%s)", ff->name, ff->args ? ff->args : "");
        char *name = disp(x->d, ff->schema, key);
        struct d_change *c = add_change(x, DO_FUNCTION, D_DROP, ff->schema, NULL, key, ff, NULL);
        set_summary(c, "Dropped the %s `%s`", function_word(ff->kind), name);
        free(key);
        free(name);
    }
}

struct keyed_change {
    struct d_change c;
    size_t seq;
};

static int cmp_change(const void *a, const void *b)
{
    const struct keyed_change *x = a, *y = b;
    int r;
    if (x->c.obj != y->c.obj)
        return x->c.obj < y->c.obj ? -1 : 1;
    if ((r = str_cmp0(x->c.schema, y->c.schema)) || (r = str_cmp0(x->c.parent, y->c.parent)) ||
        (r = str_cmp0(x->c.name, y->c.name)))
        return r;
    if (x->c.kind != y->c.kind)
        return x->c.kind < y->c.kind ? -1 : 1;
    if (x->c.target != y->c.target)
        return x->c.target < y->c.target ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diff_models(const struct schema_model *from, const struct schema_model *to,
                 struct schema_diff *out)
{
    struct dctx x = {out, from, to};
    struct strv schemas = {0};
    memset(out, 0, sizeof(*out));
    model_schemas(from, &schemas);
    model_schemas(to, &schemas);
    out->qualify = schemas.n > 1;
    strv_release(&schemas);

    diff_schemas(&x);
    diff_extensions(&x);
    diff_enums(&x);
    diff_types(&x);
    diff_sequences(&x);
    diff_tables(&x);
    diff_views(&x);
    diff_functions(&x);

    if (out->n > 1) {
        struct keyed_change *k = xmalloc(out->n * sizeof(*k));
        for (size_t i = 0; i < out->n; i++) {
            k[i].c = out->v[i];
            k[i].seq = i;
        }
        qsort(k, out->n, sizeof(*k), cmp_change);
        for (size_t i = 0; i < out->n; i++)
            out->v[i] = k[i].c;
        free(k);
    }
}

void diff_release(struct schema_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].schema);
        free(d->v[i].parent);
        free(d->v[i].name);
        free(d->v[i].summary);
        free(d->v[i].warning);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

/* =========================================================== diff_script */

/*
 * Phases. The script runs in these phases, in this order (Prisma's step order where
 * Prisma has the step, with pgmig's object kinds slotted in):
 *
 *   AlterEnum ADD VALUE  first: a value cannot be used in the transaction that adds it
 *   CreateSchema, CreateExtension/AlterExtension
 *   DropTrigger, DropView, DropForeignKey, DropIndex
 *                        dependents of what changes go first; foreign keys of dropped
 *                        tables too, so tables can then be dropped in any order; checks
 *                        and indexes naming an enum about to be rebuilt
 *   CreateSequence/AlterSequence (OWNED BY NONE before the owner column goes)
 *   CreateEnum, CreateType (domains, composites; a changed one is dropped and created)
 *   AlterEnum rebuild    values removed or reordered: new type, columns converted, renames
 *   CreateFunction       those a default, generation expression or check uses
 *   AlterTable           per table: drop constraints, drop/add/alter columns, add
 *                        constraints (not foreign keys)
 *   DropTable            before anything is created: names may clash
 *   DropFunction, DropType/DropEnum/DropSequence, DropExtension
 *                        once no column or function uses them
 *   CreateTable          primary key, unique, check, exclusion constraints inline
 *   AlterSequence OWNED BY, CreateFunction (the others)
 *   CreateIndex, AddForeignKey (after the unique indexes they need)
 *   CreateView (in dependency order; CREATE OR REPLACE when the columns allow)
 *   CreateTrigger, Comment, DropSchema
 */

enum mark {
    MK_DROP = 1u << 0,         /* from object: dropped by the script */
    MK_CREATE = 1u << 1,       /* to object: created by the script */
    MK_REPLACE = 1u << 2,      /* to view or function: CREATE OR REPLACE */
    MK_ALTERED = 1u << 3,      /* from table: columns dropped or retyped (views on it go) */
    MK_RECREATE_COL = 1u << 4, /* from column: dropped and added again */
    MK_ENUM_COL = 1u << 5,     /* from column: converted to a rebuilt enum */
    MK_DEFAULT_GONE = 1u << 6, /* from column: default dropped by the enum rebuild */
    MK_DEFAULT_SET = 1u << 7,  /* from column: ... and set again to the `to` default there */
    MK_LEFTOVER = 1u << 8,     /* from enum: a column keeps the old type: drop "E_old" late */
    MK_EARLY = 1u << 9,        /* to function: created before the tables */
    MK_TOGGLE = 1u << 10,      /* to trigger: ENABLE/DISABLE only */
    MK_GONE = 1u << 11,        /* from enum, type or function: dropped or recreated */
    MK_EARLY_DROP = 1u << 12,  /* from check/exclusion: dropped before an enum it uses is rebuilt
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

static unsigned marks(struct sctx *s, const void *p)
{
    size_t *v = p ? pmap_slot(&s->marks, p, 0) : NULL;
    return v ? (unsigned)*v : 0;
}

static void mark(struct sctx *s, const void *p, unsigned bits)
{
    if (p)
        *pmap_slot(&s->marks, p, 1) |= bits;
}

static const struct d_change *change_of(struct sctx *s, const void *p)
{
    size_t *v = p ? pmap_slot(&s->chg, p, 0) : NULL;
    return v ? &s->d->v[*v - 1] : NULL;
}

static int changed(struct sctx *s, const void *p, enum d_kind k)
{
    const struct d_change *c = change_of(s, p);
    return c && c->kind == k;
}

/* Schema-qualified when qualifying, or when the object is outside the models' one schema. */
static void qname(struct sctx *s, struct buf *b, const char *schema, const char *name)
{
    if (schema && (s->qualify || !str_eq(schema, s->single))) {
        buf_add_ident(b, schema);
        buf_addch(b, '.');
    }
    buf_add_ident(b, name);
}

static struct buf *step(struct sctx *s, const char *label)
{
    if (s->out.len)
        buf_addch(&s->out, '\n');
    buf_addf(&s->out, "-- %s\n", label);
    return &s->out;
}

static void end_stmt(struct sctx *s)
{
    buf_adds(&s->out, ";\n");
}

static void warn_change(struct sctx *s, const struct d_change *c)
{
    if (!c || !c->warning)
        return;
    for (const char *p = c->warning; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_addf(&s->warn, "  - %.*s\n", (int)n, p);
        p += n + (nl != NULL);
    }
}

/* The `to` table an existing table becomes; NULL when it is dropped (or recreated). */
static const struct m_table *to_table(struct sctx *s, const struct m_table *ft)
{
    if (marks(s, ft) & MK_DROP)
        return NULL;
    return find_table(s->to, ft->schema, ft->name);
}

static const struct m_view *to_view(struct sctx *s, const struct m_view *fv)
{
    if (marks(s, fv) & MK_DROP)
        return NULL;
    return find_view(s->to, fv->schema, fv->name);
}

/* A column's type is rebuilt in place: views and keys over it must go first. */
static int column_reshaped(struct sctx *s, const struct m_column *c)
{
    const struct d_change *ch = change_of(s, c);
    return (ch && ch->kind == D_CHANGE && (ch->flags & (DF_TYPE_CAST | DF_RECREATE))) ||
           (marks(s, c) & (MK_ENUM_COL | MK_RECREATE_COL));
}

/* A column dropped, or whose type changes in any way: views, triggers and foreign keys
 * using it must go first. */
static int column_leaves_dependents(struct sctx *s, const struct m_column *c)
{
    const struct d_change *ch = change_of(s, c);
    return column_reshaped(s, c) ||
           (ch && (ch->kind == D_DROP || (ch->flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST)) != 0));
}

/* ---------------------------------------------------------------- plan */

static void plan_objects(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_COMMENT || c->obj == DO_ENUM_VALUE)
            continue;
        if (c->from)
            *pmap_slot(&s->chg, c->from, 1) = i + 1;
        if (c->to)
            *pmap_slot(&s->chg, c->to, 1) = i + 1;
    }
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i], *tt = find_table(t, ft->schema, ft->name);
        if (!tt || table_recreated(ft, tt))
            mark(s, ft, MK_DROP | MK_ALTERED);
    }
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i], *ft = find_table(f, tt->schema, tt->name);
        if (!ft || table_recreated(ft, tt))
            mark(s, tt, MK_CREATE);
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        switch (c->obj) {
        case DO_COLUMN: {
            const struct m_table *ft = find_table(f, c->schema, c->parent);
            if (c->kind == D_DROP)
                mark(s, ft, MK_ALTERED);
            if (c->kind == D_CHANGE && (c->flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST | DF_RECREATE)))
                mark(s, ft, MK_ALTERED);
            if (c->kind == D_CHANGE && (c->flags & DF_RECREATE))
                mark(s, c->from, MK_RECREATE_COL);
            break;
        }
        case DO_ENUM:
        case DO_TYPE:
            if (c->obj == DO_TYPE && (c->flags & DF_REPLACE)) {
                mark(s, c->to, MK_REPLACE);
                break;
            }
            if (c->kind != D_ADD)
                mark(s, c->from, MK_GONE);
            if (c->kind != D_DROP && c->obj == DO_TYPE)
                mark(s, c->to, MK_CREATE);
            break;
        case DO_FUNCTION:
            if (c->kind == D_ADD) {
                mark(s, c->to, MK_CREATE);
            } else if (c->kind == D_DROP) {
                mark(s, c->from, MK_DROP | MK_GONE);
            } else if (c->flags & DF_REPLACE) {
                mark(s, c->to, MK_REPLACE);
            } else {
                mark(s, c->from, MK_GONE);
                mark(s, c->to, MK_CREATE);
            }
            break;
        case DO_VIEW:
            if (c->kind == D_ADD) {
                mark(s, c->to, MK_CREATE);
            } else if (c->kind == D_DROP) {
                mark(s, c->from, MK_DROP);
            } else if (c->flags & DF_REPLACE) {
                mark(s, c->to, MK_REPLACE);
            } else {
                mark(s, c->from, MK_DROP);
                mark(s, c->to, MK_CREATE);
            }
            break;
        default:
            break;
        }
    }
}

/* Columns converted to a rebuilt enum, and which old-type users remain. */
static void plan_enums(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_ENUM || c->kind != D_CHANGE || !(c->flags & DF_ENUM_REBUILD))
            continue;
        const struct m_enum *fe = c->from, *te = c->to;
        for (size_t j = 0; j < f->n_tables; j++) {
            const struct m_table *ft = &f->tables[j], *tt = to_table(s, ft);
            for (size_t k = 0; k < ft->n_columns; k++) {
                const struct m_column *fc = &ft->columns[k], *tc;
                if (type_enum(f, fc->type, NULL) != fe)
                    continue;
                tc = find_column(tt, fc->name);
                if (!tc || tt->partition_of || (marks(s, fc) & MK_RECREATE_COL) ||
                    type_enum(s->to, tc->type, NULL) != te) {
                    mark(s, fe, MK_LEFTOVER);
                    continue;
                }
                mark(s, fc, MK_ENUM_COL);
                mark(s, ft, MK_ALTERED);
                if (fc->default_expr)
                    mark(s, fc, MK_DEFAULT_GONE);
                if (fc->default_expr && tc->default_expr && str_eq(fc->type, tc->type))
                    mark(s, fc, MK_DEFAULT_SET);
            }
        }
        for (size_t j = 0; j < f->n_types; j++)
            if (mentions_raw(f->types[j].definition, fe->name))
                mark(s, fe, MK_LEFTOVER);
    }
}

/* Functions a default, generation expression, check or domain of `to` uses come first. */
static void plan_functions(struct sctx *s)
{
    const struct schema_model *t = s->to;
    struct buf uses = BUF_INIT;
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i];
        for (size_t j = 0; j < tt->n_columns; j++)
            buf_addf(&uses, "%s %s\n",
                     tt->columns[j].default_expr ? tt->columns[j].default_expr : "",
                     tt->columns[j].generated ? tt->columns[j].generated : "");
        for (size_t j = 0; j < tt->n_constraints; j++)
            if (tt->constraints[j].type == 'c' || tt->constraints[j].type == 'x')
                buf_addf(&uses, "%s\n", tt->constraints[j].definition);
    }
    for (size_t i = 0; i < t->n_types; i++)
        buf_addf(&uses, "%s\n", t->types[i].definition ? t->types[i].definition : "");
    for (size_t i = 0; i < t->n_functions; i++) {
        const struct m_function *tf = &t->functions[i];
        if ((marks(s, tf) & (MK_CREATE | MK_REPLACE)) && mentions_raw(uses.data, tf->name))
            mark(s, tf, MK_EARLY);
    }
    buf_release(&uses);
}

/* Views that must be dropped because something they use is dropped or rebuilt. */
static void plan_views(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    struct strv gone = {0};
    struct strv *ids = xcalloc(f->n_views ? f->n_views : 1, sizeof(*ids));
    for (size_t i = 0; i < f->n_views; i++)
        ident_set(f->views[i].definition, &ids[i]);
    for (size_t i = 0; i < f->n_tables; i++)
        if (marks(s, &f->tables[i]) & MK_DROP)
            strv_push(&gone, xstrdup(f->tables[i].name));
    for (size_t i = 0; i < f->n_enums; i++)
        if (marks(s, &f->enums[i]) & MK_GONE)
            strv_push(&gone, xstrdup(f->enums[i].name));
    for (size_t i = 0; i < f->n_types; i++)
        if (marks(s, &f->types[i]) & MK_GONE)
            strv_push(&gone, xstrdup(f->types[i].name));
    for (size_t i = 0; i < f->n_functions; i++)
        if (marks(s, &f->functions[i]) & MK_GONE)
            strv_push(&gone, xstrdup(f->functions[i].name));
    for (size_t i = 0; i < f->n_views; i++)
        if (marks(s, &f->views[i]) & MK_DROP)
            strv_push(&gone, xstrdup(f->views[i].name));
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < f->n_views; i++) {
            const struct m_view *fv = &f->views[i];
            int hit = 0;
            if (marks(s, fv) & MK_DROP)
                continue;
            for (size_t k = 0; k < gone.n && !hit; k++)
                hit = strv_sorted_has(&ids[i], gone.v[k]);
            /* a view depends on the columns it names: on a table that stays, only columns
             * dropped or retyped in place matter */
            for (size_t k = 0; k < f->n_tables && !hit; k++) {
                const struct m_table *ft = &f->tables[k];
                if ((marks(s, ft) & (MK_DROP | MK_ALTERED)) != MK_ALTERED ||
                    !strv_sorted_has(&ids[i], ft->name))
                    continue;
                for (size_t c = 0; c < ft->n_columns && !hit; c++)
                    hit = column_leaves_dependents(s, &ft->columns[c]) &&
                          strv_sorted_has(&ids[i], ft->columns[c].name);
            }
            if (!hit)
                continue;
            mark(s, fv, MK_DROP);
            mark(s, find_view(t, fv->schema, fv->name), MK_CREATE);
            strv_push(&gone, xstrdup(fv->name));
            again = 1;
        }
    }
    for (size_t i = 0; i < f->n_views; i++)
        strv_release(&ids[i]);
    free(ids);
    strv_release(&gone);
}

/* Triggers: dropped or changed ones, those of recreated functions, those of new objects. */
/*
 * A trigger naming a column (UPDATE OF, WHEN) whose type changes: PostgreSQL
 * refuses the type change while the trigger exists.
 */
static int trigger_uses_retyped(struct sctx *s, const struct m_table *ft,
                                const struct m_trigger *tr)
{
    struct strv ids = {0};
    int found = 0;
    if (!ft)
        return 0;
    ident_set(tr->definition, &ids);
    for (size_t i = 0; i < ft->n_columns && !found; i++)
        found = column_leaves_dependents(s, &ft->columns[i]) &&
                strv_sorted_has(&ids, ft->columns[i].name);
    strv_release(&ids);
    return found;
}

static void plan_triggers_of(struct sctx *s, const struct m_table *ft, const struct m_trigger *fv,
                             size_t fn, const struct m_trigger *tv, size_t tn, int parent_new)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < fn; i++) {
        const struct m_trigger *fr = &fv[i];
        const struct d_change *c = change_of(s, fr);
        int redo = c && (c->kind == D_DROP ||
                         (c->kind == D_CHANGE &&
                          !str_eq(fr->definition, ((const struct m_trigger *)c->to)->definition)));
        for (size_t k = 0; k < f->n_functions && !redo; k++)
            redo = (marks(s, &f->functions[k]) & MK_GONE) &&
                   mentions_raw(fr->definition, f->functions[k].name);
        redo = redo || trigger_uses_retyped(s, ft, fr);
        if (redo) {
            mark(s, fr, MK_DROP);
            mark(s, find_trigger(tv, tn, fr->name), MK_CREATE);
        } else if (c && c->kind == D_CHANGE) {
            mark(s, c->to, MK_TOGGLE);
        }
    }
    for (size_t i = 0; i < tn; i++)
        if (parent_new || changed(s, &tv[i], D_ADD))
            mark(s, &tv[i], MK_CREATE);
}

static void plan_triggers(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i], *tt = to_table(s, ft);
        if (tt)
            plan_triggers_of(s, ft, ft->triggers, ft->n_triggers, tt->triggers, tt->n_triggers,
                             0);
    }
    for (size_t i = 0; i < t->n_tables; i++)
        if (marks(s, &t->tables[i]) & MK_CREATE)
            plan_triggers_of(s, NULL, NULL, 0, t->tables[i].triggers, t->tables[i].n_triggers,
                             1);
    for (size_t i = 0; i < f->n_views; i++) {
        const struct m_view *fv = &f->views[i], *tv = to_view(s, fv);
        if (tv)
            plan_triggers_of(s, NULL, fv->triggers, fv->n_triggers, tv->triggers, tv->n_triggers,
                             0);
    }
    for (size_t i = 0; i < t->n_views; i++)
        if (marks(s, &t->views[i]) & MK_CREATE)
            plan_triggers_of(s, NULL, NULL, 0, t->views[i].triggers, t->views[i].n_triggers, 1);
}

/* The plain column names of a constraint's or index's keys; -1 when one is an expression. */
static int index_columns(const struct m_index *ix, struct strv *out)
{
    for (size_t i = 0; i < ix->n_keys; i++) {
        char *sch = NULL, *n = NULL;
        if (!ix->keys[i] || parse_qname(ix->keys[i], &sch, &n) || sch) {
            free(sch);
            free(n);
            return -1;
        }
        strv_push(out, n);
    }
    return 0;
}

static int same_column_set(char *const *a, size_t na, const struct strv *b)
{
    if (na != b->n)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!strv_has(b, a[i]))
            return 0;
    return 1;
}

/* A foreign key that must be dropped and added again around what happens to its keys. */
static int fk_needs_redo(struct sctx *s, const struct m_table *ft, const struct m_constraint *k)
{
    const struct m_table *rt =
        find_table(s->from, k->ref_schema ? k->ref_schema : ft->schema, k->ref_table);
    struct strv refs = {0};
    int redo = 0;
    if (!rt)
        return 0;
    if (marks(s, rt) & MK_DROP)
        return 1;
    /* any type change of a key column, also by assignment cast: between the two
     * ALTER TABLEs the key types may not be comparable (numeric against integer) */
    for (size_t i = 0; i < k->n_columns && !redo; i++)
        redo = column_leaves_dependents(s, find_column(ft, k->columns[i]));
    for (size_t i = 0; i < k->n_ref_columns && !redo; i++) {
        redo = column_leaves_dependents(s, find_column(rt, k->ref_columns[i]));
        strv_push(&refs, xstrdup(k->ref_columns[i]));
    }
    for (size_t i = 0; i < rt->n_constraints && !redo; i++) {
        const struct m_constraint *key = &rt->constraints[i];
        const struct d_change *c = change_of(s, key);
        redo = (key->type == 'p' || key->type == 'u') && c && c->kind != D_ADD &&
               same_column_set(key->columns, key->n_columns, &refs);
    }
    for (size_t i = 0; i < rt->n_indexes && !redo; i++) {
        const struct m_index *ix = &rt->indexes[i];
        const struct d_change *c = change_of(s, ix);
        struct strv cols = {0};
        redo = ix->unique && c && c->kind != D_ADD && !index_columns(ix, &cols) &&
               same_column_set(cols.v, cols.n, &refs);
        strv_release(&cols);
    }
    strv_release(&refs);
    return redo;
}

static int touches_recreated(struct sctx *s, const struct m_table *ft, char *const *cols, size_t n,
                             const char *definition)
{
    struct strv ids = {0};
    int hit = 0;
    if (!(marks(s, ft) & MK_ALTERED)) /* no column of it is recreated */
        return 0;
    ident_set(definition, &ids);
    for (size_t i = 0; i < ft->n_columns && !hit; i++) {
        const struct m_column *fc = &ft->columns[i];
        if (!(marks(s, fc) & MK_RECREATE_COL))
            continue;
        hit = strv_sorted_has(&ids, fc->name);
        for (size_t j = 0; j < n && !hit; j++)
            hit = str_eq(cols[j], fc->name);
    }
    strv_release(&ids);
    return hit;
}

/* A definition that names an enum the script rebuilds or a function it drops or recreates:
 * it cannot survive that. */
static int mentions_rebuilt(const struct strv *rebuilt, const char *definition)
{
    struct strv ids = {0};
    int hit = 0;
    if (!rebuilt->n)
        return 0;
    ident_set(definition, &ids);
    for (size_t i = 0; i < rebuilt->n && !hit; i++)
        hit = strv_sorted_has(&ids, rebuilt->v[i]);
    strv_release(&ids);
    return hit;
}

static void plan_indexes_of(struct sctx *s, const struct strv *rebuilt, const struct m_table *ft,
                            const struct m_index *fv, size_t fn, const struct m_index *tv,
                            size_t tn, int parent_new)
{
    for (size_t i = 0; i < fn; i++) {
        const struct d_change *c = change_of(s, &fv[i]);
        if ((c && c->kind != D_ADD) || mentions_rebuilt(rebuilt, fv[i].definition) ||
            (ft && touches_recreated(s, ft, NULL, 0, fv[i].definition))) {
            mark(s, &fv[i], MK_DROP);
            mark(s, find_index(tv, tn, fv[i].name), MK_CREATE);
        }
    }
    for (size_t i = 0; i < tn; i++)
        if (parent_new || changed(s, &tv[i], D_ADD))
            mark(s, &tv[i], MK_CREATE);
}

/* Constraints and indexes to drop and to create. */
static void plan_keys(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    struct strv rebuilt = {0};
    struct strv gone_functions = {0};
    for (size_t i = 0; i < s->d->n; i++)
        if (s->d->v[i].obj == DO_ENUM && (s->d->v[i].flags & DF_ENUM_REBUILD))
            strv_push(&rebuilt, xstrdup(((const struct m_enum *)s->d->v[i].from)->name));
    for (size_t i = 0; i < f->n_functions; i++)
        if (marks(s, &f->functions[i]) & MK_GONE) {
            strv_push(&rebuilt, xstrdup(f->functions[i].name));
            strv_push(&gone_functions, xstrdup(f->functions[i].name));
        }
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i], *tt = to_table(s, ft);
        if (!tt) {
            /* Prisma drops a dropped table's foreign keys first */
            for (size_t j = 0; j < ft->n_constraints; j++)
                if (ft->constraints[j].type == 'f')
                    mark(s, &ft->constraints[j], MK_DROP);
            continue;
        }
        for (size_t j = 0; j < ft->n_constraints; j++) {
            const struct m_constraint *k = &ft->constraints[j];
            const struct d_change *c = change_of(s, k);
            int redo = (c && c->kind != D_ADD) ||
                       touches_recreated(s, ft, k->columns, k->n_columns, NULL) ||
                       (k->type == 'f' && fk_needs_redo(s, ft, k));
            if ((k->type == 'c' || k->type == 'x') && mentions_rebuilt(&rebuilt, k->definition)) {
                redo = 1;
                mark(s, k, MK_EARLY_DROP);
            }
            if (redo) {
                mark(s, k, MK_DROP);
                mark(s, find_constraint(tt, k->name), MK_CREATE);
            }
        }
        plan_indexes_of(s, &rebuilt, ft, ft->indexes, ft->n_indexes, tt->indexes, tt->n_indexes, 0);
    }
    /* also on tables and columns that go: they go after the functions are dropped */
    for (size_t i = 0; i < f->n_tables && gone_functions.n; i++)
        for (size_t j = 0; j < f->tables[i].n_columns; j++) {
            const struct m_column *fc = &f->tables[i].columns[j];
            if (fc->default_expr && mentions_rebuilt(&gone_functions, fc->default_expr))
                mark(s, fc, MK_FUNC_DEFAULT);
        }
    strv_release(&gone_functions);
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i];
        int is_new = (marks(s, tt) & MK_CREATE) != 0;
        for (size_t j = 0; j < tt->n_constraints; j++)
            if (is_new || changed(s, &tt->constraints[j], D_ADD))
                mark(s, &tt->constraints[j], MK_CREATE);
        if (is_new)
            plan_indexes_of(s, &rebuilt, NULL, NULL, 0, tt->indexes, tt->n_indexes, 1);
    }
    for (size_t i = 0; i < f->n_views; i++) {
        const struct m_view *fv = &f->views[i], *tv = to_view(s, fv);
        if (tv && !(marks(s, tv) & MK_CREATE))
            plan_indexes_of(s, &rebuilt, NULL, fv->indexes, fv->n_indexes, tv->indexes,
                            tv->n_indexes, 0);
    }
    for (size_t i = 0; i < t->n_views; i++)
        if (marks(s, &t->views[i]) & MK_CREATE)
            plan_indexes_of(s, &rebuilt, NULL, NULL, 0, t->views[i].indexes, t->views[i].n_indexes,
                            1);
    strv_release(&rebuilt);
}

/* ------------------------------------------------------------ rendering */

/* Text without trailing blanks and semicolons (view and function definitions). */
static void add_trimmed(struct buf *b, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    while (n && (isspace((unsigned char)text[n - 1]) || text[n - 1] == ';'))
        n--;
    buf_add(b, text, n);
}

static int is_schema_name(struct sctx *s, const char *name, size_t n)
{
    char *x = xstrndup(name, n);
    int r = !strcmp(x, "pg_catalog") || find_schema(s->from, x) || find_schema(s->to, x);
    free(x);
    return r;
}

/* The model names a collation bare ("C", "en_US.utf8") or, when not on the search path,
 * qualified and quoted as needed (other."my coll"). */
static void add_collation(struct sctx *s, struct buf *b, const char *coll)
{
    const char *dot = strchr(coll, '.');
    if (strchr(coll, '"') || (dot && is_schema_name(s, coll, (size_t)(dot - coll))))
        buf_adds(b, coll);
    else
        buf_add_ident(b, coll);
}

/* The SERIAL type a new column can be written as (PostgreSQL then creates its sequence). */
static const char *serial_type(struct sctx *s, const struct m_table *t, const struct m_column *c)
{
    const struct m_sequence *seq = serial_sequence(s->to, t, c);
    const struct m_table *ot;
    const struct m_column *oc;
    if (!seq)
        return NULL;
    const struct m_sequence *old = find_sequence(s->from, seq->schema, seq->name);
    if (old && !(sequence_owner(s->from, old, &ot, &oc) == 0 && (marks(s, ot) & MK_DROP)))
        return NULL;
    return !strcmp(c->type, "bigint")     ? "BIGSERIAL"
           : !strcmp(c->type, "smallint") ? "SMALLSERIAL"
                                          : "SERIAL";
}

static void column_def(struct sctx *s, struct buf *b, const struct m_table *t,
                       const struct m_column *c)
{
    const char *serial = serial_type(s, t, c);
    buf_add_ident(b, c->name);
    buf_addch(b, ' ');
    if (serial) {
        buf_addf(b, "%s NOT NULL", serial);
        return;
    }
    buf_adds(b, c->type);
    if (c->collation) {
        buf_adds(b, " COLLATE ");
        add_collation(s, b, c->collation);
    }
    if (c->generated)
        buf_addf(b, " GENERATED ALWAYS AS (%s) STORED", c->generated);
    if (c->not_null)
        buf_adds(b, " NOT NULL");
    if (c->default_expr)
        buf_addf(b, " DEFAULT %s", c->default_expr);
    if (c->identity) {
        buf_addf(b, " GENERATED %s AS IDENTITY", c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
        if (c->identity_options)
            buf_addf(b, " (%s)", c->identity_options);
    }
}

/* `PRIMARY KEY ("a","b")` as Prisma writes it, when the definition is just that. */
static void constraint_body(struct buf *b, const struct m_constraint *k)
{
    struct strv cols = {0};
    size_t pos = 0;
    struct tok t1, t2, end;
    const char *def = k->definition ? k->definition : "";
    tok_next(def, &pos, &t1);
    tok_next(def, &pos, &t2);
    if (k->type == 'p' && tok_is(&t1, "primary") && tok_is(&t2, "key") &&
        !ident_list(def, &pos, &cols) && (tok_next(def, &pos, &end), end.kind == TK_END)) {
        buf_adds(b, "PRIMARY KEY (");
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                buf_addch(b, ',');
            buf_add_ident(b, cols.v[i]);
        }
        buf_addch(b, ')');
    } else {
        buf_adds(b, def);
    }
    strv_release(&cols);
}

static const char *fk_action(const struct tok *a, const struct tok *b, int *used)
{
    *used = 1;
    if (tok_is(a, "restrict"))
        return "RESTRICT";
    if (tok_is(a, "cascade"))
        return "CASCADE";
    *used = 2;
    if (tok_is(a, "no") && tok_is(b, "action"))
        return "NO ACTION";
    if (tok_is(a, "set") && tok_is(b, "null"))
        return "SET NULL";
    if (tok_is(a, "set") && tok_is(b, "default"))
        return "SET DEFAULT";
    return NULL;
}

/*
 * A foreign key as Prisma writes it (quoted columns, ON DELETE before ON
 * UPDATE, both always), when the definition holds nothing else (no MATCH, no
 * SET NULL (columns)); else the definition as it is.
 */
static void fk_body(struct sctx *s, struct buf *b, const char *schema, const struct m_constraint *k)
{
    const char *def = k->definition ? k->definition : "";
    struct strv cols = {0}, refs = {0};
    struct tok t[3];
    size_t pos = 0;
    char *rs = NULL, *rn = NULL;
    const char *on_delete = "NO ACTION", *on_update = "NO ACTION";
    struct buf tail = BUF_INIT;
    int ok = 0;

    tok_next(def, &pos, &t[0]);
    tok_next(def, &pos, &t[1]);
    if (!tok_is(&t[0], "foreign") || !tok_is(&t[1], "key") || ident_list(def, &pos, &cols))
        goto out;
    tok_next(def, &pos, &t[0]);
    tok_next(def, &pos, &t[1]);
    if (!tok_is(&t[0], "references") || !(rn = tok_ident(&t[1])))
        goto out;
    size_t save = pos;
    tok_next(def, &pos, &t[0]);
    if (tok_op(&t[0], ".")) {
        tok_next(def, &pos, &t[1]);
        rs = rn;
        if (!(rn = tok_ident(&t[1])))
            goto out;
    } else {
        pos = save;
    }
    if (ident_list(def, &pos, &refs))
        goto out;
    for (;;) {
        tok_next(def, &pos, &t[0]);
        if (t[0].kind == TK_END)
            break;
        save = pos;
        tok_next(def, &pos, &t[1]);
        if (tok_is(&t[0], "on") && (tok_is(&t[1], "delete") || tok_is(&t[1], "update"))) {
            int used;
            const char *a;
            tok_next(def, &pos, &t[0]);
            save = pos;
            tok_next(def, &pos, &t[2]);
            if (!(a = fk_action(&t[0], &t[2], &used)))
                goto out;
            if (used == 1)
                pos = save;
            else {
                size_t p2 = pos;
                struct tok paren;
                tok_next(def, &p2, &paren);
                if (tok_op(&paren, "("))
                    goto out; /* SET NULL (columns) */
            }
            if (tok_is(&t[1], "delete"))
                on_delete = a;
            else
                on_update = a;
        } else if (tok_is(&t[0], "deferrable")) {
            buf_adds(&tail, " DEFERRABLE");
            pos = save;
        } else if (tok_is(&t[0], "initially") && tok_is(&t[1], "deferred")) {
            buf_adds(&tail, " INITIALLY DEFERRED");
        } else if (tok_is(&t[0], "not") && tok_is(&t[1], "valid")) {
            buf_adds(&tail, " NOT VALID");
        } else {
            goto out; /* MATCH FULL and anything else: keep PostgreSQL's text */
        }
    }
    ok = 1;
out:
    if (ok && cols.n == refs.n) {
        buf_adds(b, "FOREIGN KEY (");
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                buf_adds(b, ", ");
            buf_add_ident(b, cols.v[i]);
        }
        buf_adds(b, ") REFERENCES ");
        qname(s, b, rs ? rs : k->ref_schema ? k->ref_schema : schema, rn);
        buf_addch(b, '(');
        for (size_t i = 0; i < refs.n; i++) {
            if (i)
                buf_adds(b, ", ");
            buf_add_ident(b, refs.v[i]);
        }
        buf_addf(b, ") ON DELETE %s ON UPDATE %s%s", on_delete, on_update, tail.data);
    } else {
        buf_adds(b, def);
    }
    free(rs);
    free(rn);
    strv_release(&cols);
    strv_release(&refs);
    buf_release(&tail);
}

static void add_constraint_clause(struct sctx *s, struct buf *b, const char *schema,
                                  const struct m_constraint *k)
{
    buf_adds(b, "CONSTRAINT ");
    buf_add_ident(b, k->name);
    buf_addch(b, ' ');
    if (k->type == 'f')
        fk_body(s, b, schema, k);
    else
        constraint_body(b, k);
}

/*
 * CREATE INDEX as Prisma writes it (`"name" ON "T"("a", "b")`) for a plain
 * btree index on columns; else PostgreSQL's definition, with `ON ONLY` (how
 * it shows an index of a partitioned table) turned into `ON` so that the
 * partitions get theirs.
 */
static void index_stmt(struct sctx *s, struct buf *b, const char *schema, const char *table,
                       const struct m_index *ix)
{
    const char *def = ix->definition ? ix->definition : "";
    size_t pos = 0, only_start = 0, only_end = 0;
    struct tok t;
    struct strv cols = {0};
    int unique = 0, ok = 0;
    char *a = NULL;

    tok_next(def, &pos, &t);
    if (!tok_is(&t, "create"))
        goto out;
    tok_next(def, &pos, &t);
    if (tok_is(&t, "unique")) {
        unique = 1;
        tok_next(def, &pos, &t);
    }
    if (!tok_is(&t, "index"))
        goto out;
    tok_next(def, &pos, &t); /* the name */
    tok_next(def, &pos, &t);
    if (!tok_is(&t, "on"))
        goto out;
    tok_next(def, &pos, &t);
    if (tok_is(&t, "only")) {
        only_start = (size_t)(t.p - def);
        only_end = pos;
        tok_next(def, &pos, &t);
    }
    for (;;) { /* the table, maybe qualified */
        if (!(a = tok_ident(&t)))
            goto out;
        free(a);
        a = NULL;
        size_t save = pos;
        tok_next(def, &pos, &t);
        if (!tok_op(&t, ".")) {
            pos = save;
            break;
        }
        tok_next(def, &pos, &t);
    }
    tok_next(def, &pos, &t);
    if (!tok_is(&t, "using"))
        goto out;
    tok_next(def, &pos, &t);
    if (!tok_is(&t, "btree") || ix->predicate || ident_list(def, &pos, &cols))
        goto out;
    tok_next(def, &pos, &t);
    ok = t.kind == TK_END;
out:
    if (ok) {
        buf_addf(b, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
        buf_add_ident(b, ix->name);
        buf_adds(b, " ON ");
        qname(s, b, schema, table);
        buf_addch(b, '(');
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                buf_adds(b, ", ");
            buf_add_ident(b, cols.v[i]);
        }
        buf_addch(b, ')');
    } else if (only_end) {
        buf_add(b, def, only_start);
        buf_adds(b, def + only_end + (def[only_end] == ' '));
    } else {
        buf_adds(b, def);
    }
    free(a);
    strv_release(&cols);
}

static void comment_literal(struct buf *b, const char *comment)
{
    buf_adds(b, " IS ");
    if (comment)
        buf_add_literal(b, comment);
    else
        buf_adds(b, "NULL");
}

/*
 * Queue `COMMENT ON ...` for the last phase. `key` groups the statements of
 * one object (a table and its columns) under one step; duplicates are dropped.
 */
static void queue_comment(struct sctx *s, const char *key, struct buf *stmt)
{
    if (!strv_has(&s->comments, stmt->data)) {
        strv_push(&s->comments, buf_detach(stmt, NULL));
        strv_push(&s->comment_keys, xstrdup(key));
    }
    buf_release(stmt);
}

static void comment_on_table_object(struct sctx *s, const char *what, const char *name,
                                    const char *schema, const char *table, const char *comment)
{
    struct buf b = BUF_INIT;
    char *key = xasprintf("table %s.%s", schema, table);
    buf_addf(&b, "COMMENT ON %s ", what);
    if (!strcmp(what, "COLUMN")) {
        qname(s, &b, schema, table);
        buf_addch(&b, '.');
        buf_add_ident(&b, name);
    } else if (!strcmp(what, "INDEX")) {
        qname(s, &b, schema, name);
    } else if (!strcmp(what, "TABLE") || !strcmp(what, "VIEW") ||
               !strcmp(what, "MATERIALIZED VIEW")) {
        qname(s, &b, schema, table);
    } else {
        buf_add_ident(&b, name);
        buf_adds(&b, " ON ");
        qname(s, &b, schema, table);
    }
    comment_literal(&b, comment);
    queue_comment(s, key, &b);
    free(key);
}

static void comment_on(struct sctx *s, const char *what, const char *schema, const char *name,
                       const char *args, const char *comment)
{
    struct buf b = BUF_INIT;
    char *key = xasprintf("%s %s.%s", what, schema ? schema : "", name);
    buf_addf(&b, "COMMENT ON %s ", what);
    if (schema)
        qname(s, &b, schema, name);
    else
        buf_add_ident(&b, name);
    if (args)
        buf_addf(&b, "(%s)", args);
    comment_literal(&b, comment);
    queue_comment(s, key, &b);
    free(key);
}

/* The comments of a table the script creates: the table's and its parts'. */
static void comments_of_new_table(struct sctx *s, const struct m_table *t)
{
    if (t->comment)
        comment_on_table_object(s, "TABLE", t->name, t->schema, t->name, t->comment);
    for (size_t i = 0; i < t->n_columns && !t->partition_of; i++)
        if (t->columns[i].comment)
            comment_on_table_object(s, "COLUMN", t->columns[i].name, t->schema, t->name,
                                    t->columns[i].comment);
}

static const char *function_keyword(char kind)
{
    return kind == 'p' ? "PROCEDURE" : kind == 'a' ? "AGGREGATE" : "FUNCTION";
}

static void drop_function(struct sctx *s, const struct m_function *f)
{
    buf_addf(&s->out, "DROP %s ", function_keyword(f->kind));
    qname(s, &s->out, f->schema, f->name);
    buf_addf(&s->out, "(%s)", f->args ? f->args : "");
    end_stmt(s);
}

/* pg_get_functiondef's text, its name qualified when the script qualifies names. */
static void function_def(struct sctx *s, const struct m_function *f)
{
    const char *def = f->definition;
    size_t pos = 0;
    struct tok t;
    int words = 0;
    /* CREATE OR REPLACE FUNCTION|PROCEDURE name */
    while (words < 4) {
        tok_next(def, &pos, &t);
        if (t.kind != TK_WORD)
            break;
        words++;
    }
    tok_next(def, &pos, &t);
    struct tok dot;
    size_t p2 = pos;
    tok_next(def, &p2, &dot);
    int qualified = tok_op(&dot, ".");
    if (words == 4 && !qualified && f->schema && (s->qualify || !str_eq(f->schema, s->single))) {
        size_t at = (size_t)(t.p - def);
        buf_add(&s->out, def, at);
        buf_add_ident(&s->out, f->schema);
        buf_addch(&s->out, '.');
        add_trimmed(&s->out, def + at);
    } else {
        add_trimmed(&s->out, def);
    }
    end_stmt(s);
}

static void create_function(struct sctx *s, const struct m_function *f)
{
    const struct m_function *old = find_function(s->from, f->schema, f->name, f->args);
    step(s, "CreateFunction");
    if (old && (marks(s, old) & MK_GONE))
        drop_function(s, old);
    if (!f->definition) {
        buf_addf(&s->out, "-- pgmig cannot write the %s %s(%s): add it by hand\n",
                 function_word(f->kind), f->name, f->args ? f->args : "");
        buf_addf(&s->warn,
                 "  - The %s `%s` cannot be generated. Add its CREATE statement to the "
                 "migration by hand.\n",
                 function_word(f->kind), f->name);
    } else {
        function_def(s, f);
    }
    if (f->comment && (marks(s, f) & MK_CREATE))
        comment_on(s, function_keyword(f->kind), f->schema, f->name, f->args, f->comment);
}

/* Order items so that each comes after those it mentions (deps[i * n + j]: i mentions j);
 * stable, and a cycle is broken in the original order. */
static void topo_order(size_t n, const unsigned char *deps, size_t *order)
{
    size_t *pending = xcalloc(n ? n : 1, sizeof(*pending));
    unsigned char *done = xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            pending[i] += i != j && deps[i * n + j];
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++)
            if (!done[i] && !pending[i])
                pick = i;
        if (pick == n)
            for (pick = 0; done[pick]; pick++)
                ;
        done[pick] = 1;
        order[k] = pick;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && deps[i * n + pick] && pending[i])
                pending[i]--;
    }
    free(pending);
    free(done);
}

/* Words of a text (identifier characters), sorted: what a definition may mention. */
static void word_set(const char *text, struct strv *out)
{
    if (!text)
        return;
    for (const char *p = text; *p;) {
        if (!is_ident_char((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *st = p;
        while (*p && is_ident_char((unsigned char)*p))
            p++;
        strv_push(out, xstrndup(st, (size_t)(p - st)));
    }
    strv_sort_unique(out);
}

/* Dependency order of objects given by name and definition. */
static void order_by_mentions(size_t n, const char *const *names, const char *const *defs,
                              size_t *order)
{
    unsigned char *deps = xcalloc(n ? n * n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        struct strv w = {0}, ids = {0};
        /* words find names in function bodies (string literals to the tokenizer),
         * identifiers the quoted names with spaces or quotes in them */
        word_set(defs[i], &w);
        ident_set(defs[i], &ids);
        for (size_t k = 0; k < ids.n; k++)
            strv_push(&w, ids.v[k]);
        ids.n = 0;
        strv_release(&ids);
        strv_sort_unique(&w);
        for (size_t j = 0; j < n; j++)
            deps[i * n + j] = i != j && strv_sorted_has(&w, names[j]);
        strv_release(&w);
    }
    topo_order(n, deps, order);
    free(deps);
}

/* ------------------------------------------------------------ phases */

static void phase_enum_add_values(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < t->n_enums; i++) {
        const struct m_enum *te = &t->enums[i], *fe = find_enum(f, te->schema, te->name);
        int started = 0;
        if (!fe || (marks(s, fe) & MK_GONE))
            continue;
        for (size_t j = 0; j < te->n_values; j++) {
            if (enum_has(fe, te->values[j]))
                continue;
            const char *before = NULL;
            for (size_t k = j + 1; k < te->n_values && !before; k++)
                if (enum_has(fe, te->values[k]))
                    before = te->values[k];
            if (!started++)
                step(s, "AlterEnum");
            buf_adds(&s->out, "ALTER TYPE ");
            qname(s, &s->out, te->schema, te->name);
            buf_adds(&s->out, " ADD VALUE ");
            buf_add_literal(&s->out, te->values[j]);
            if (before) {
                buf_adds(&s->out, " BEFORE ");
                buf_add_literal(&s->out, before);
            }
            end_stmt(s);
        }
    }
}

static void phase_schemas_extensions(struct sctx *s)
{
    struct strv made = {0};
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_SCHEMA && c->kind == D_ADD) {
            step(s, "CreateSchema");
            buf_adds(&s->out, "CREATE SCHEMA IF NOT EXISTS ");
            buf_add_ident(&s->out, c->name);
            end_stmt(s);
            strv_push(&made, xstrdup(c->name));
        }
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_extension *x = c->to;
        if (c->obj != DO_EXTENSION || c->kind == D_DROP || !x->schema)
            continue;
        if (strcmp(x->schema, "public") && !strv_has(&made, x->schema) &&
            !find_schema(s->from, x->schema)) {
            step(s, "CreateSchema");
            buf_adds(&s->out, "CREATE SCHEMA IF NOT EXISTS ");
            buf_add_ident(&s->out, x->schema);
            end_stmt(s);
            strv_push(&made, xstrdup(x->schema));
        }
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_extension *fx = c->from, *x = c->to;
        if (c->obj != DO_EXTENSION || c->kind == D_DROP)
            continue;
        if (c->kind == D_ADD) {
            step(s, "CreateExtension");
            buf_adds(&s->out, "CREATE EXTENSION IF NOT EXISTS ");
            buf_add_ident(&s->out, x->name);
            if (x->schema && (s->qualify || !str_eq(x->schema, s->single))) {
                buf_adds(&s->out, " WITH SCHEMA ");
                buf_add_ident(&s->out, x->schema);
            }
            if (x->version) {
                buf_adds(&s->out, " VERSION ");
                buf_add_ident(&s->out, x->version);
            }
            end_stmt(s);
            continue;
        }
        step(s, "AlterExtension");
        if (!str_eq(fx->version, x->version) && x->version) {
            buf_adds(&s->out, "ALTER EXTENSION ");
            buf_add_ident(&s->out, x->name);
            buf_adds(&s->out, " UPDATE TO ");
            buf_add_ident(&s->out, x->version);
            end_stmt(s);
        }
        if (!str_eq(fx->schema, x->schema) && x->schema) {
            buf_adds(&s->out, "ALTER EXTENSION ");
            buf_add_ident(&s->out, x->name);
            buf_adds(&s->out, " SET SCHEMA ");
            buf_add_ident(&s->out, x->schema);
            end_stmt(s);
        }
    }
    strv_release(&made);
}

static void drop_triggers_of(struct sctx *s, const char *schema, const char *parent,
                             const struct m_trigger *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(marks(s, &v[i]) & MK_DROP))
            continue;
        step(s, "DropTrigger");
        buf_adds(&s->out, "DROP TRIGGER ");
        buf_add_ident(&s->out, v[i].name);
        buf_adds(&s->out, " ON ");
        qname(s, &s->out, schema, parent);
        end_stmt(s);
    }
}

/* Views sel[0..n) of v to drop or create, in dependency order (reversed for drops). */
static void view_order(const struct m_view *v, const size_t *sel, size_t n, size_t *order)
{
    const char **names = xcalloc(n ? n : 1, sizeof(*names));
    const char **defs = xcalloc(n ? n : 1, sizeof(*defs));
    for (size_t i = 0; i < n; i++) {
        names[i] = v[sel[i]].name;
        defs[i] = v[sel[i]].definition;
    }
    order_by_mentions(n, names, defs, order);
    free(names);
    free(defs);
}

static void phase_drops_of_dependents(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < f->n_tables; i++)
        if (!(marks(s, &f->tables[i]) & MK_DROP))
            drop_triggers_of(s, f->tables[i].schema, f->tables[i].name, f->tables[i].triggers,
                             f->tables[i].n_triggers);
    for (size_t i = 0; i < f->n_views; i++)
        if (!(marks(s, &f->views[i]) & MK_DROP))
            drop_triggers_of(s, f->views[i].schema, f->views[i].name, f->views[i].triggers,
                             f->views[i].n_triggers);

    size_t *sel = xcalloc(f->n_views ? f->n_views : 1, sizeof(*sel));
    size_t n = 0;
    for (size_t i = 0; i < f->n_views; i++)
        if (marks(s, &f->views[i]) & MK_DROP)
            sel[n++] = i;
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    view_order(f->views, sel, n, order);
    for (size_t k = n; k-- > 0;) {
        const struct m_view *v = &f->views[sel[order[k]]];
        step(s, "DropView");
        buf_addf(&s->out, "DROP %sVIEW ", v->materialized ? "MATERIALIZED " : "");
        qname(s, &s->out, v->schema, v->name);
        end_stmt(s);
    }
    free(order);
    free(sel);

    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i];
        for (size_t j = 0; j < ft->n_constraints; j++) {
            const struct m_constraint *k = &ft->constraints[j];
            if (k->type != 'f' || !(marks(s, k) & MK_DROP))
                continue;
            step(s, "DropForeignKey");
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, ft->schema, ft->name);
            buf_adds(&s->out, " DROP CONSTRAINT ");
            buf_add_ident(&s->out, k->name);
            end_stmt(s);
        }
    }
    for (size_t i = 0; i < f->n_tables + f->n_views; i++) {
        int is_table = i < f->n_tables;
        const struct m_index *v =
            is_table ? f->tables[i].indexes : f->views[i - f->n_tables].indexes;
        size_t nv = is_table ? f->tables[i].n_indexes : f->views[i - f->n_tables].n_indexes;
        const char *schema = is_table ? f->tables[i].schema : f->views[i - f->n_tables].schema;
        const void *parent =
            is_table ? (const void *)&f->tables[i] : (const void *)&f->views[i - f->n_tables];
        if (marks(s, parent) & MK_DROP)
            continue;
        for (size_t j = 0; j < nv; j++) {
            if (!(marks(s, &v[j]) & MK_DROP))
                continue;
            step(s, "DropIndex");
            buf_adds(&s->out, "DROP INDEX ");
            qname(s, &s->out, schema, v[j].name);
            end_stmt(s);
        }
    }
}

static void alter_column_stmt(struct sctx *s, const struct m_table *ft, const struct m_column *fc,
                              const char *tail)
{
    buf_adds(&s->out, "ALTER TABLE ");
    qname(s, &s->out, ft->schema, ft->name);
    buf_adds(&s->out, " ALTER COLUMN ");
    buf_add_ident(&s->out, fc->name);
    buf_adds(&s->out, tail);
}

/*
 * Identities go early, each in a statement of its own: the column keeps an implicit
 * NOT NULL that only then can be dropped, and its sequence frees the name a SERIAL
 * column's new sequence (created before the tables are altered) may take.
 */
static void drop_identities_early(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_column *fc = c->from, *tc = c->to;
        if (c->obj != DO_COLUMN || c->kind != D_CHANGE || (c->flags & DF_RECREATE) ||
            !fc->identity || tc->identity)
            continue;
        step(s, "AlterTable");
        buf_adds(&s->out, "ALTER TABLE ");
        qname(s, &s->out, c->schema, c->parent);
        buf_adds(&s->out, " ALTER COLUMN ");
        buf_add_ident(&s->out, fc->name);
        buf_adds(&s->out, " DROP IDENTITY");
        end_stmt(s);
    }
}

/* Checks and exclusions over a rebuilt enum go before the rebuild (added again after it). */
static void drop_constraints_early(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < f->n_tables; i++) {
        const struct m_table *ft = &f->tables[i];
        for (size_t j = 0; j < ft->n_columns; j++) {
            if (!(marks(s, &ft->columns[j]) & MK_FUNC_DEFAULT))
                continue;
            step(s, "AlterTable");
            alter_column_stmt(s, ft, &ft->columns[j], " DROP DEFAULT");
            end_stmt(s);
        }
        for (size_t j = 0; j < ft->n_constraints; j++) {
            if (!(marks(s, &ft->constraints[j]) & MK_EARLY_DROP))
                continue;
            step(s, "AlterTable");
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, ft->schema, ft->name);
            buf_adds(&s->out, " DROP CONSTRAINT ");
            buf_add_ident(&s->out, ft->constraints[j].name);
            end_stmt(s);
        }
    }
}

static void sequence_options(struct buf *b, const struct m_sequence *q)
{
    long long min, max, start;
    seq_defaults(q->type, q->increment, &min, &max, &start);
    if (!str_eq(q->type, "bigint") && q->type)
        buf_addf(b, " AS %s", q->type);
    if (q->increment != 1)
        buf_addf(b, " INCREMENT BY %lld", q->increment);
    if (q->min != min)
        buf_addf(b, " MINVALUE %lld", q->min);
    if (q->max != max)
        buf_addf(b, " MAXVALUE %lld", q->max);
    if (q->start != (q->increment > 0 ? q->min : q->max))
        buf_addf(b, " START WITH %lld", q->start);
    if (q->cache != 1)
        buf_addf(b, " CACHE %lld", q->cache);
    if (q->cycle)
        buf_adds(b, " CYCLE");
}

static void owned_by(struct sctx *s, const struct m_sequence *q)
{
    char *tn = NULL, *cn = NULL;
    buf_adds(&s->out, "ALTER SEQUENCE ");
    qname(s, &s->out, q->schema, q->name);
    buf_adds(&s->out, " OWNED BY ");
    if (q->owned_by && !parse_qname(q->owned_by, &tn, &cn)) {
        qname(s, &s->out, q->schema, tn);
        buf_addch(&s->out, '.');
        buf_add_ident(&s->out, cn);
    } else {
        buf_adds(&s->out, "NONE");
    }
    end_stmt(s);
    free(tn);
    free(cn);
}

/*
 * ALTER SEQUENCE refuses new bounds that exclude the sequence's current value
 * ("RESTART value (1) cannot be less than MINVALUE (10)"), and the models do not
 * know that value. When the bound the sequence counts away from moves past it
 * (MINVALUE raised on an ascending sequence, MAXVALUE lowered on a descending
 * one), move the value to the new bound first, only if it lies behind it: the
 * next value is then the bound, and no value already handed out comes again. A
 * bound moved the other way is left to fail: the values in use do not fit.
 */
static void move_into_bounds(struct sctx *s, const struct m_sequence *fq,
                             const struct m_sequence *tq)
{
    int up = tq->increment > 0;
    long long bound = up ? tq->min : tq->max;
    if (up ? tq->min <= fq->min : tq->max >= fq->max)
        return;
    if (up ? bound > fq->max : bound < fq->min)
        return; /* setval() under the old bounds cannot reach it either */
    struct buf name = BUF_INIT;
    qname(s, &name, tq->schema, tq->name);
    buf_adds(&s->out, "SELECT setval(");
    buf_add_literal(&s->out, name.data);
    buf_addf(&s->out, ", %lld, false) FROM %s WHERE last_value %c %lld", bound, name.data,
             up ? '<' : '>', bound);
    end_stmt(s);
    buf_release(&name);
}

static void phase_sequences(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_sequence *fq = c->from, *tq = c->to;
        if (c->obj != DO_SEQUENCE || c->kind == D_DROP)
            continue;
        if (c->kind == D_ADD) {
            step(s, "CreateSequence");
            buf_adds(&s->out, "CREATE SEQUENCE ");
            qname(s, &s->out, tq->schema, tq->name);
            sequence_options(&s->out, tq);
            end_stmt(s);
            if (tq->comment)
                comment_on(s, "SEQUENCE", tq->schema, tq->name, NULL, tq->comment);
            continue;
        }
        struct buf o = BUF_INIT;
        if (!str_eq(fq->type, tq->type) && tq->type)
            buf_addf(&o, " AS %s", tq->type);
        if (fq->increment != tq->increment)
            buf_addf(&o, " INCREMENT BY %lld", tq->increment);
        if (fq->min != tq->min)
            buf_addf(&o, " MINVALUE %lld", tq->min);
        if (fq->max != tq->max)
            buf_addf(&o, " MAXVALUE %lld", tq->max);
        if (fq->start != tq->start)
            buf_addf(&o, " START WITH %lld", tq->start);
        if (fq->cache != tq->cache)
            buf_addf(&o, " CACHE %lld", tq->cache);
        if (fq->cycle != tq->cycle)
            buf_adds(&o, tq->cycle ? " CYCLE" : " NO CYCLE");
        int unown = fq->owned_by && !str_eq(fq->owned_by, tq->owned_by);
        if (o.len || unown)
            step(s, "AlterSequence");
        if (o.len)
            move_into_bounds(s, fq, tq);
        if (o.len) {
            buf_adds(&s->out, "ALTER SEQUENCE ");
            qname(s, &s->out, tq->schema, tq->name);
            buf_adds(&s->out, o.data);
            end_stmt(s);
        }
        if (unown) {
            struct m_sequence none = *tq;
            none.owned_by = NULL;
            owned_by(s, &none);
        }
        buf_release(&o);
    }
}

/*
 * A sequence that stays while the script drops its owner column (the column or its
 * table dropped or recreated): PostgreSQL would drop the sequence with it.
 */
static int owner_goes(struct sctx *s, const struct m_sequence *fq, const struct m_sequence *tq)
{
    const struct m_table *ft;
    const struct m_column *fc;
    if (!tq || !str_eq(fq->owned_by, tq->owned_by) || sequence_owner(s->from, fq, &ft, &fc))
        return 0;
    const struct d_change *c = change_of(s, fc);
    return !to_table(s, ft) || (c && (c->kind == D_DROP || (c->flags & DF_RECREATE)));
}

/* Such sequences are detached first, and owned again in phase_sequence_owners(). */
static void detach_sequences_early(struct sctx *s)
{
    for (size_t i = 0; i < s->from->n_sequences; i++) {
        const struct m_sequence *fq = &s->from->sequences[i],
                                *tq = find_sequence(s->to, fq->schema, fq->name);
        if (!owner_goes(s, fq, tq))
            continue;
        struct m_sequence none = *tq;
        none.owned_by = NULL;
        step(s, "AlterSequence");
        owned_by(s, &none);
    }
}

static void phase_sequence_owners(struct sctx *s)
{
    for (size_t i = 0; i < s->from->n_sequences; i++) {
        const struct m_sequence *fq = &s->from->sequences[i],
                                *tq = find_sequence(s->to, fq->schema, fq->name);
        if (owner_goes(s, fq, tq)) {
            step(s, "AlterSequence");
            owned_by(s, tq);
        }
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_sequence *fq = c->from, *tq = c->to;
        if (c->obj != DO_SEQUENCE || c->kind == D_DROP || !tq->owned_by)
            continue;
        if (c->kind == D_CHANGE && str_eq(fq->owned_by, tq->owned_by))
            continue;
        step(s, "AlterSequence");
        owned_by(s, tq);
    }
}

static void alter_domain_stmt(struct sctx *s, const struct m_type *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void alter_domain_stmt(struct sctx *s, const struct m_type *t, const char *fmt, ...)
{
    va_list ap;
    buf_adds(&s->out, "ALTER DOMAIN ");
    qname(s, &s->out, t->schema, t->name);
    buf_addch(&s->out, ' ');
    va_start(ap, fmt);
    buf_vaddf(&s->out, fmt, ap);
    va_end(ap);
    end_stmt(s);
}

/* ALTER DOMAIN: constraints that go or change dropped first, then the rest. */
static void alter_domain(struct sctx *s, const struct m_type *ft, const struct m_type *tt)
{
    struct domain_parts a, b;
    domain_parse(ft->definition, &a);
    domain_parse(tt->definition, &b);
    step(s, "AlterDomain");
    warn_change(s, change_of(s, tt));
    for (size_t i = 0; i < a.names.n; i++) {
        int j = domain_check_index(&b, a.names.v[i]);
        if (j < 0 || strcmp(a.checks.v[i], b.checks.v[j])) {
            char *q = quote_ident(a.names.v[i]);
            alter_domain_stmt(s, tt, "DROP CONSTRAINT %s", q);
            free(q);
        }
    }
    if (a.not_null != b.not_null)
        alter_domain_stmt(s, tt, "%s NOT NULL", b.not_null ? "SET" : "DROP");
    if (!str_eq(a.default_expr, b.default_expr)) {
        if (b.default_expr)
            alter_domain_stmt(s, tt, "SET DEFAULT %s", b.default_expr);
        else
            alter_domain_stmt(s, tt, "DROP DEFAULT");
    }
    for (size_t i = 0; i < b.names.n; i++) {
        int j = domain_check_index(&a, b.names.v[i]);
        if (j < 0 || strcmp(a.checks.v[j], b.checks.v[i])) {
            char *q = quote_ident(b.names.v[i]);
            alter_domain_stmt(s, tt, "ADD CONSTRAINT %s %s", q, b.checks.v[i]);
            free(q);
        }
    }
    domain_parts_release(&a);
    domain_parts_release(&b);
}

/* ALTER TYPE ... DROP ATTRIBUTE ..., ADD ATTRIBUTE ... (composite_alterable() holds). */
static void alter_composite(struct sctx *s, const struct m_type *ft, const struct m_type *tt)
{
    struct strv fn = {0}, fty = {0}, tn = {0}, tty = {0}, cl = {0};
    composite_parse(ft->definition, &fn, &fty);
    composite_parse(tt->definition, &tn, &tty);
    for (size_t i = 0; i < fn.n; i++)
        if (!strv_has(&tn, fn.v[i])) {
            char *q = quote_ident(fn.v[i]);
            strv_push(&cl, xasprintf("DROP ATTRIBUTE %s", q));
            free(q);
        }
    for (size_t i = 0; i < tn.n; i++)
        if (!strv_has(&fn, tn.v[i])) {
            char *q = quote_ident(tn.v[i]);
            strv_push(&cl, xasprintf("ADD ATTRIBUTE %s %s", q, tty.v[i]));
            free(q);
        }
    step(s, "AlterType");
    warn_change(s, change_of(s, tt));
    buf_adds(&s->out, "ALTER TYPE ");
    qname(s, &s->out, tt->schema, tt->name);
    buf_addch(&s->out, ' ');
    join_strs(&s->out, cl.v, cl.n, ",\n");
    end_stmt(s);
    strv_release(&fn);
    strv_release(&fty);
    strv_release(&tn);
    strv_release(&tty);
    strv_release(&cl);
}

/* CREATE DOMAIN (after "CREATE DOMAIN name"), ended; NOT VALID constraints, which
 * CREATE DOMAIN does not take, are added after it. */
static void create_domain_rest(struct sctx *s, const struct m_type *t)
{
    struct domain_parts d;
    domain_parse(t->definition, &d);
    buf_addf(&s->out, " AS %s", d.head);
    if (d.not_null)
        buf_adds(&s->out, " NOT NULL");
    if (d.default_expr)
        buf_addf(&s->out, " DEFAULT %s", d.default_expr);
    for (size_t i = 0; i < d.checks.n; i++)
        if (!definition_not_valid(d.checks.v[i])) {
            char *q = quote_ident(d.names.v[i]);
            buf_addf(&s->out, " CONSTRAINT %s %s", q, d.checks.v[i]);
            free(q);
        }
    end_stmt(s);
    for (size_t i = 0; i < d.checks.n; i++)
        if (definition_not_valid(d.checks.v[i])) {
            char *q = quote_ident(d.names.v[i]);
            alter_domain_stmt(s, t, "ADD CONSTRAINT %s %s", q, d.checks.v[i]);
            free(q);
        }
    domain_parts_release(&d);
}

/*
 * A column that already holds values and gets a new sequence (made an identity or
 * a SERIAL): when the values reach the sequence's start, the sequence goes on after
 * the largest, so that new rows do not collide with the rows already there.
 */
static void sequences_past_existing_values(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_column *fc = c->from, *tc = c->to;
        if (c->obj != DO_COLUMN || c->kind != D_CHANGE || (c->flags & DF_RECREATE))
            continue;
        const struct m_table *ft = find_table(s->from, c->schema, c->parent),
                             *tt = find_table(s->to, c->schema, c->parent);
        if (!ft || !tt || !to_table(s, ft))
            continue;
        const struct m_sequence *q = serial_sequence(s->to, tt, tc);
        int fresh = (tc->identity && !fc->identity) ||
                    (q && !find_sequence(s->from, q->schema, q->name));
        if (!fresh)
            continue;
        struct buf table = BUF_INIT, seq = BUF_INIT;
        char *col = quote_ident(tc->name);
        qname(s, &table, tt->schema, tt->name);
        buf_adds(&seq, "pg_get_serial_sequence(");
        buf_add_literal(&seq, table.data);
        buf_adds(&seq, ", ");
        buf_add_literal(&seq, tc->name);
        buf_addch(&seq, ')');
        step(s, "AlterSequence");
        buf_addf(&s->out,
                 "SELECT setval(%s, max(%s)) FROM %s\nHAVING max(%s) >= (SELECT seqstart FROM "
                 "pg_catalog.pg_sequence WHERE seqrelid = %s::regclass)",
                 seq.data, col, table.data, col, seq.data);
        end_stmt(s);
        free(col);
        buf_release(&table);
        buf_release(&seq);
    }
}

static void phase_create_enums_types(struct sctx *s)
{
    const struct schema_model *f = s->from, *t = s->to;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_enum *te = c->to;
        if (c->obj != DO_ENUM || c->kind != D_ADD)
            continue;
        step(s, "CreateEnum");
        buf_adds(&s->out, "CREATE TYPE ");
        qname(s, &s->out, te->schema, te->name);
        buf_adds(&s->out, " AS ENUM (");
        for (size_t j = 0; j < te->n_values; j++) {
            if (j)
                buf_adds(&s->out, ", ");
            buf_add_literal(&s->out, te->values[j]);
        }
        buf_addch(&s->out, ')');
        end_stmt(s);
        if (te->comment)
            comment_on(s, "TYPE", te->schema, te->name, NULL, te->comment);
    }
    /* domains first (composites may use them), then by what each mentions */
    size_t *sel = xcalloc(t->n_types ? t->n_types : 1, sizeof(*sel));
    const char **names = xcalloc(t->n_types ? t->n_types : 1, sizeof(*names));
    const char **defs = xcalloc(t->n_types ? t->n_types : 1, sizeof(*defs));
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < t->n_types; i++)
            if ((marks(s, &t->types[i]) & MK_CREATE) && (t->types[i].kind == 'd') == !pass) {
                sel[n] = i;
                names[n] = t->types[i].name;
                defs[n] = t->types[i].definition;
                n++;
            }
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    order_by_mentions(n, names, defs, order);
    for (size_t k = 0; k < n; k++) {
        const struct m_type *tt = &t->types[sel[order[k]]],
                            *ft = find_type(f, tt->schema, tt->name);
        const char *kw = tt->kind == 'd' ? "DOMAIN" : "TYPE";
        step(s, "CreateType");
        warn_change(s, change_of(s, tt));
        if (ft) {
            buf_addf(&s->out, "DROP %s ", ft->kind == 'd' ? "DOMAIN" : "TYPE");
            qname(s, &s->out, ft->schema, ft->name);
            end_stmt(s);
        }
        buf_addf(&s->out, "CREATE %s ", kw);
        qname(s, &s->out, tt->schema, tt->name);
        if (tt->kind == 'd')
            create_domain_rest(s, tt);
        else if (tt->definition && tt->definition[0] == '(')
            buf_addf(&s->out, " AS %s", tt->definition);
        else
            buf_addf(&s->out, " AS (%s)", tt->definition ? tt->definition : "");
        if (tt->kind != 'd')
            end_stmt(s);
        if (tt->comment)
            comment_on(s, kw, tt->schema, tt->name, NULL, tt->comment);
    }
    free(order);
    free(sel);
    free(names);
    free(defs);
    for (size_t i = 0; i < t->n_types; i++)
        if (marks(s, &t->types[i]) & MK_REPLACE) {
            const struct m_type *ft = find_type(f, t->types[i].schema, t->types[i].name);
            if (t->types[i].kind == 'd')
                alter_domain(s, ft, &t->types[i]);
            else
                alter_composite(s, ft, &t->types[i]);
        }
}

static void phase_enum_rebuilds(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_ENUM || c->kind != D_CHANGE || !(c->flags & DF_ENUM_REBUILD))
            continue;
        const struct m_enum *fe = c->from, *te = c->to;
        char *new_name = xasprintf("%s_new", te->name), *old_name = xasprintf("%s_old", fe->name);
        struct buf nt = BUF_INIT;
        qname(s, &nt, te->schema, new_name);
        step(s, "AlterEnum");
        warn_change(s, c);
        buf_addf(&s->out, "CREATE TYPE %s AS ENUM (", nt.data);
        for (size_t j = 0; j < te->n_values; j++) {
            if (j)
                buf_adds(&s->out, ", ");
            buf_add_literal(&s->out, te->values[j]);
        }
        buf_addch(&s->out, ')');
        end_stmt(s);
        for (int pass = 0; pass < 3; pass++) {
            for (size_t j = 0; j < f->n_tables; j++) {
                const struct m_table *ft = &f->tables[j];
                for (size_t k = 0; k < ft->n_columns; k++) {
                    const struct m_column *fc = &ft->columns[k];
                    int dims = 0;
                    unsigned m = marks(s, fc);
                    if (!(m & MK_ENUM_COL) || type_enum(f, fc->type, &dims) != fe)
                        continue;
                    if (pass == 0 && (m & MK_DEFAULT_GONE)) {
                        alter_column_stmt(s, ft, fc, " DROP DEFAULT");
                        end_stmt(s);
                    } else if (pass == 1) {
                        struct buf arr = BUF_INIT;
                        for (int d = 0; d < dims; d++)
                            buf_adds(&arr, "[]");
                        alter_column_stmt(s, ft, fc, " TYPE ");
                        buf_addf(&s->out, "%s%s USING (", nt.data, arr.data);
                        buf_add_ident(&s->out, fc->name);
                        buf_addf(&s->out, "::text%s::%s%s)", arr.data, nt.data, arr.data);
                        end_stmt(s);
                        buf_release(&arr);
                    } else if (pass == 2 && (m & MK_DEFAULT_SET)) {
                        const struct m_column *tc = find_column(to_table(s, ft), fc->name);
                        alter_column_stmt(s, ft, fc, " SET DEFAULT ");
                        buf_adds(&s->out, tc->default_expr);
                        end_stmt(s);
                    }
                }
            }
            if (pass == 1) {
                buf_adds(&s->out, "ALTER TYPE ");
                qname(s, &s->out, fe->schema, fe->name);
                buf_adds(&s->out, " RENAME TO ");
                buf_add_ident(&s->out, old_name);
                end_stmt(s);
                buf_addf(&s->out, "ALTER TYPE %s RENAME TO ", nt.data);
                buf_add_ident(&s->out, te->name);
                end_stmt(s);
                if (!(marks(s, fe) & MK_LEFTOVER)) {
                    buf_adds(&s->out, "DROP TYPE ");
                    qname(s, &s->out, fe->schema, old_name);
                    end_stmt(s);
                }
            }
        }
        if (te->comment)
            comment_on(s, "TYPE", te->schema, te->name, NULL, te->comment);
        buf_release(&nt);
        free(new_name);
        free(old_name);
    }
}

static void phase_functions(struct sctx *s, int early)
{
    const struct schema_model *t = s->to;
    size_t *sel = xcalloc(t->n_functions ? t->n_functions : 1, sizeof(*sel));
    const char **names = xcalloc(t->n_functions ? t->n_functions : 1, sizeof(*names));
    const char **defs = xcalloc(t->n_functions ? t->n_functions : 1, sizeof(*defs));
    size_t n = 0;
    for (size_t i = 0; i < t->n_functions; i++) {
        unsigned m = marks(s, &t->functions[i]);
        if ((m & (MK_CREATE | MK_REPLACE)) && !(m & MK_EARLY) == !early) {
            sel[n] = i;
            names[n] = t->functions[i].name;
            defs[n] = t->functions[i].definition;
            n++;
        }
    }
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    order_by_mentions(n, names, defs, order);
    for (size_t k = 0; k < n; k++)
        create_function(s, &t->functions[sel[order[k]]]);
    free(order);
    free(sel);
    free(names);
    free(defs);
}

/* "INCREMENT BY 2 START WITH 100" -> {"INCREMENT BY 2", "START WITH 100"} */
static void seq_option_list(const char *opts, struct strv *out)
{
    const char *p = opts;
    if (!p)
        return;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t words = !strncmp(p, "INCREMENT", 9) || !strncmp(p, "START", 5) ||
                               !strncmp(p, "NO ", 3) || !strncmp(p, "AS ", 3)
                           ? 3
                       : !strncmp(p, "CYCLE", 5) ? 1
                                                 : 2;
        if (!strncmp(p, "NO ", 3) || !strncmp(p, "AS ", 3))
            words = 2;
        const char *e = p;
        for (size_t w = 0; w < words && *e; w++) {
            while (*e && *e != ' ')
                e++;
            if (w + 1 < words)
                while (*e == ' ')
                    e++;
        }
        strv_push(out, xstrndup(p, (size_t)(e - p)));
        p = e;
    }
}

static size_t option_key_len(const char *o)
{
    const char *sp = strchr(o, ' ');
    if (!strncmp(o, "NO ", 3))
        return option_key_len(o + 3) + 3;
    return sp ? (size_t)(sp - o) : strlen(o);
}

static int option_key_eq(const char *a, const char *b)
{
    const char *ka = strncmp(a, "NO ", 3) ? a : a + 3, *kb = strncmp(b, "NO ", 3) ? b : b + 3;
    size_t na = option_key_len(ka), nb = option_key_len(kb);
    return na == nb && !strncmp(ka, kb, na);
}

/* ALTER COLUMN ... SET <option> for an identity column whose sequence options change. */
static void identity_option_clauses(struct buf *b, const char *from, const char *to)
{
    struct strv fo = {0}, tl = {0};
    seq_option_list(from, &fo);
    seq_option_list(to, &tl);
    for (size_t i = 0; i < tl.n; i++)
        if (!strv_has(&fo, tl.v[i]))
            buf_addf(b, " SET %s", tl.v[i]);
    for (size_t i = 0; i < fo.n; i++) {
        int kept = 0;
        for (size_t j = 0; j < tl.n; j++)
            kept |= option_key_eq(fo.v[i], tl.v[j]);
        if (kept)
            continue;
        const char *o = fo.v[i];
        buf_addf(b, " SET %s",
                 !strncmp(o, "INCREMENT", 9)  ? "INCREMENT BY 1"
                 : !strncmp(o, "START", 5)    ? "START WITH 1"
                 : !strncmp(o, "MINVALUE", 8) ? "NO MINVALUE"
                 : !strncmp(o, "MAXVALUE", 8) ? "NO MAXVALUE"
                 : !strncmp(o, "CACHE", 5)    ? "CACHE 1"
                                              : "NO CYCLE");
    }
    strv_release(&fo);
    strv_release(&tl);
}

/* USING for a type change that needs one. */
static void using_expr(struct sctx *s, struct buf *b, const struct m_column *fc,
                       const struct m_column *tc)
{
    int fd = 0, td = 0;
    int text = type_enum(s->from, fc->type, &fd) || type_enum(s->to, tc->type, &td);
    enum cast k = classify_cast(fc->type, tc->type, type_enum(s->to, tc->type, NULL) != NULL);
    char *col = quote_ident(fc->name);
    if (k == CAST_TO_ARRAY)
        buf_addf(b, " USING (CASE WHEN %s IS NULL THEN NULL ELSE ARRAY[%s%s] END)::%s", col, col,
                 text ? "::text" : "", tc->type);
    else if (k == CAST_FROM_ARRAY)
        buf_addf(b, " USING (%s[1]%s::%s)", col, text ? "::text" : "", tc->type);
    else if (text) {
        buf_addf(b, " USING (%s::text", col);
        for (int i = 0; i < fd; i++)
            buf_adds(b, "[]");
        buf_addf(b, "::%s)", tc->type);
    } else
        buf_addf(b, " USING (%s::%s)", col, tc->type);
    free(col);
}

/*
 * The ALTER COLUMN clauses of a changed column. DROP EXPRESSION goes to `pre`, a
 * statement of its own before the others: in the same ALTER TABLE, PostgreSQL
 * still sees a generated column when it checks a USING clause, and refuses to drop
 * a column the expression uses.
 */
static void alter_column_clauses(struct sctx *s, struct strv *pre, struct strv *cl,
                                 const struct m_column *fc, const struct m_column *tc,
                                 const struct d_change *c)
{
    unsigned m = marks(s, fc);
    const char *def = m & MK_DEFAULT_SET                       ? tc->default_expr
                      : m & (MK_DEFAULT_GONE | MK_FUNC_DEFAULT) ? NULL
                                                               : fc->default_expr;
    struct buf b = BUF_INIT;
    char *col = quote_ident(tc->name);
    if (fc->generated && !tc->generated)
        strv_push(pre, xasprintf("ALTER COLUMN %s DROP EXPRESSION", col));
    if (c->flags & (DF_TYPE_ASSIGN | DF_TYPE_CAST)) {
        if ((c->flags & DF_TYPE_CAST) && def) {
            /* the old default may not cast: drop it first (the DROP runs before the type
             * change whatever the clause order), set the new one after */
            strv_push(cl, xasprintf("ALTER COLUMN %s DROP DEFAULT", col));
            def = NULL;
        }
        buf_addf(&b, "ALTER COLUMN %s SET DATA TYPE %s", col, tc->type);
        if (tc->collation) {
            buf_adds(&b, " COLLATE ");
            add_collation(s, &b, tc->collation);
        }
        if ((c->flags & DF_TYPE_CAST) && !str_eq(fc->type, tc->type))
            using_expr(s, &b, fc, tc);
        strv_push(cl, buf_detach(&b, NULL));
    }
    if (fc->not_null != tc->not_null)
        strv_push(cl, xasprintf("ALTER COLUMN %s %s NOT NULL", col, tc->not_null ? "SET" : "DROP"));
    if (!str_eq(def, tc->default_expr)) {
        if (tc->default_expr)
            strv_push(cl, xasprintf("ALTER COLUMN %s SET DEFAULT %s", col, tc->default_expr));
        else
            strv_push(cl, xasprintf("ALTER COLUMN %s DROP DEFAULT", col));
    }
    const char *gen = tc->identity == 'a' ? "ALWAYS" : "BY DEFAULT";
    if (!fc->identity && tc->identity) {
        buf_addf(&b, "ALTER COLUMN %s ADD GENERATED %s AS IDENTITY", col, gen);
        if (tc->identity_options)
            buf_addf(&b, " (%s)", tc->identity_options);
        strv_push(cl, buf_detach(&b, NULL));
    } else if (fc->identity && !tc->identity) {
        /* dropped by drop_identities_early() */
    } else if (tc->identity) {
        if (fc->identity != tc->identity)
            buf_addf(&b, " SET GENERATED %s", gen);
        if (!str_eq(fc->identity_options, tc->identity_options))
            identity_option_clauses(&b, fc->identity_options, tc->identity_options);
        if (b.len)
            strv_push(cl, xasprintf("ALTER COLUMN %s%s", col, b.data));
    }
    buf_release(&b);
    free(col);
}

/* storage options "a=1, b=2": SET the new, RESET the keys that go */
static void option_clauses(struct strv *cl, const char *from, const char *to)
{
    struct strv fo = {0}, tl = {0};
    struct buf set = BUF_INIT, reset = BUF_INIT;
    for (const char *p = from; p && *p;) {
        const char *e = strstr(p, ", ");
        strv_push(&fo, e ? xstrndup(p, (size_t)(e - p)) : xstrdup(p));
        p = e ? e + 2 : p + strlen(p);
    }
    for (const char *p = to; p && *p;) {
        const char *e = strstr(p, ", ");
        strv_push(&tl, e ? xstrndup(p, (size_t)(e - p)) : xstrdup(p));
        p = e ? e + 2 : p + strlen(p);
    }
    for (size_t i = 0; i < tl.n; i++)
        if (!strv_has(&fo, tl.v[i]))
            buf_addf(&set, "%s%s", set.len ? ", " : "", tl.v[i]);
    for (size_t i = 0; i < fo.n; i++) {
        const char *eq = strchr(fo.v[i], '=');
        size_t kl = eq ? (size_t)(eq - fo.v[i]) : strlen(fo.v[i]);
        int kept = 0;
        for (size_t j = 0; j < tl.n; j++)
            kept |= !strncmp(tl.v[j], fo.v[i], kl) && (tl.v[j][kl] == '=' || !tl.v[j][kl]);
        if (!kept)
            buf_addf(&reset, "%s%.*s", reset.len ? ", " : "", (int)kl, fo.v[i]);
    }
    if (set.len)
        strv_push(cl, xasprintf("SET (%s)", set.data));
    if (reset.len)
        strv_push(cl, xasprintf("RESET (%s)", reset.data));
    buf_release(&set);
    buf_release(&reset);
    strv_release(&fo);
    strv_release(&tl);
}

static void alter_table(struct sctx *s, const struct m_table *ft, const struct m_table *tt)
{
    struct strv pre = {0}, cl = {0};
    struct buf b = BUF_INIT;
    const struct d_change *c;
    for (size_t i = 0; i < ft->n_constraints; i++)
        if (ft->constraints[i].type != 'f' &&
            (marks(s, &ft->constraints[i]) & (MK_DROP | MK_EARLY_DROP)) == MK_DROP) {
            buf_adds(&b, "DROP CONSTRAINT ");
            buf_add_ident(&b, ft->constraints[i].name);
            strv_push(&cl, buf_detach(&b, NULL));
        }
    /* generated columns first: PostgreSQL drops columns in the order given, and refuses
     * one a generated column still uses */
    for (int gen = 1; gen >= 0; gen--)
        for (size_t i = 0; i < ft->n_columns; i++)
            if (!ft->columns[i].generated == !gen && (c = change_of(s, &ft->columns[i])) &&
                c->kind == D_DROP) {
                buf_adds(&b, "DROP COLUMN ");
                buf_add_ident(&b, ft->columns[i].name);
                strv_push(&cl, buf_detach(&b, NULL));
                warn_change(s, c);
            }
    for (size_t i = 0; i < tt->n_columns; i++)
        if ((c = change_of(s, &tt->columns[i])) && c->kind == D_ADD) {
            buf_adds(&b, "ADD COLUMN     ");
            column_def(s, &b, tt, &tt->columns[i]);
            strv_push(&cl, buf_detach(&b, NULL));
            warn_change(s, c);
            if (tt->columns[i].comment)
                comment_on_table_object(s, "COLUMN", tt->columns[i].name, tt->schema, tt->name,
                                        tt->columns[i].comment);
        }
    for (size_t i = 0; i < tt->n_columns; i++) {
        const struct m_column *fc = find_column(ft, tt->columns[i].name);
        if ((c = change_of(s, &tt->columns[i])) && c->kind == D_CHANGE &&
            !(c->flags & DF_RECREATE)) {
            alter_column_clauses(s, &pre, &cl, c->from, &tt->columns[i], c);
            warn_change(s, c);
        } else if (!c && fc && (marks(s, fc) & MK_FUNC_DEFAULT) && tt->columns[i].default_expr) {
            char *col = quote_ident(fc->name);
            strv_push(&cl, xasprintf("ALTER COLUMN %s SET DEFAULT %s", col,
                                     tt->columns[i].default_expr));
            free(col);
        }
    }
    for (size_t i = 0; i < tt->n_columns; i++)
        if ((c = change_of(s, &tt->columns[i])) && c->kind == D_CHANGE &&
            (c->flags & DF_RECREATE)) {
            buf_adds(&b, "DROP COLUMN ");
            buf_add_ident(&b, tt->columns[i].name);
            strv_push(&cl, buf_detach(&b, NULL));
            buf_adds(&b, "ADD COLUMN     ");
            column_def(s, &b, tt, &tt->columns[i]);
            strv_push(&cl, buf_detach(&b, NULL));
            warn_change(s, c);
            if (tt->columns[i].comment)
                comment_on_table_object(s, "COLUMN", tt->columns[i].name, tt->schema, tt->name,
                                        tt->columns[i].comment);
        }
    for (size_t i = 0; i < tt->n_constraints; i++) {
        const struct m_constraint *k = &tt->constraints[i];
        if (k->type == 'f' || !(marks(s, k) & MK_CREATE))
            continue;
        buf_adds(&b, "ADD ");
        add_constraint_clause(s, &b, tt->schema, k);
        strv_push(&cl, buf_detach(&b, NULL));
        warn_change(s, change_of(s, k));
        if (k->comment)
            comment_on_table_object(s, "CONSTRAINT", k->name, tt->schema, tt->name, k->comment);
    }
    if ((c = change_of(s, tt)) && c->kind == D_CHANGE) {
        if (ft->unlogged != tt->unlogged)
            strv_push(&cl, xstrdup(tt->unlogged ? "SET UNLOGGED" : "SET LOGGED"));
        if (!str_eq(ft->options, tt->options))
            option_clauses(&cl, ft->options, tt->options);
    }
    if (pre.n || cl.n)
        step(s, "AlterTable");
    for (struct strv *v = &pre; v; v = v == &pre ? &cl : NULL) {
        if (!v->n)
            continue;
        buf_adds(&s->out, "ALTER TABLE ");
        qname(s, &s->out, ft->schema, ft->name);
        buf_addch(&s->out, ' ');
        join_strs(&s->out, v->v, v->n, ",\n");
        end_stmt(s);
    }
    strv_release(&pre);
    strv_release(&cl);
    buf_release(&b);
}

/* Partitions below their parents: depth in the partition tree. */
static int partition_depth(const struct schema_model *m, const struct m_table *t)
{
    int depth = 0;
    while (t && t->partition_of && depth < 64) {
        char *ps = NULL, *pn = NULL;
        const struct m_table *p = NULL;
        if (!parse_qname(t->partition_of, &ps, &pn))
            p = find_table(m, ps, pn);
        free(ps);
        free(pn);
        t = p;
        depth++;
    }
    return depth;
}

static void phase_drop_tables(struct sctx *s)
{
    const struct schema_model *f = s->from;
    int max = 0;
    for (size_t i = 0; i < f->n_tables; i++)
        if (marks(s, &f->tables[i]) & MK_DROP) {
            int dp = partition_depth(f, &f->tables[i]);
            max = dp > max ? dp : max;
        }
    for (int depth = max; depth >= 0; depth--)
        for (size_t i = 0; i < f->n_tables; i++) {
            const struct m_table *ft = &f->tables[i];
            if (!(marks(s, ft) & MK_DROP) || partition_depth(f, ft) != depth)
                continue;
            step(s, "DropTable");
            warn_change(s, change_of(s, ft));
            buf_adds(&s->out, "DROP TABLE ");
            qname(s, &s->out, ft->schema, ft->name);
            end_stmt(s);
        }
}

static void phase_late_drops(struct sctx *s)
{
    const struct schema_model *f = s->from;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_FUNCTION && c->kind == D_DROP) {
            step(s, "DropFunction");
            drop_function(s, c->from);
        }
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < s->d->n; i++) {
            const struct d_change *c = &s->d->v[i];
            const struct m_type *ft = c->from;
            if (c->obj != DO_TYPE || c->kind != D_DROP || (ft->kind == 'd') != pass)
                continue;
            step(s, "DropType");
            buf_addf(&s->out, "DROP %s ", ft->kind == 'd' ? "DOMAIN" : "TYPE");
            qname(s, &s->out, ft->schema, ft->name);
            end_stmt(s);
        }
    for (size_t i = 0; i < f->n_enums; i++) {
        const struct m_enum *fe = &f->enums[i];
        const struct d_change *c = change_of(s, fe);
        if (!c || (c->kind != D_DROP && !(marks(s, fe) & MK_LEFTOVER)))
            continue;
        step(s, "DropEnum");
        buf_adds(&s->out, "DROP TYPE ");
        if (c->kind == D_DROP) {
            qname(s, &s->out, fe->schema, fe->name);
        } else {
            char *old = xasprintf("%s_old", fe->name);
            qname(s, &s->out, fe->schema, old);
            free(old);
        }
        end_stmt(s);
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const struct m_sequence *q = c->from;
        if (c->obj != DO_SEQUENCE || c->kind != D_DROP)
            continue;
        step(s, "DropSequence");
        buf_adds(&s->out, "DROP SEQUENCE ");
        qname(s, &s->out, q->schema, q->name);
        end_stmt(s);
    }
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_EXTENSION || c->kind != D_DROP)
            continue;
        step(s, "DropExtension");
        buf_adds(&s->out, "DROP EXTENSION ");
        buf_add_ident(&s->out, c->name);
        end_stmt(s);
    }
}

static void create_table(struct sctx *s, const struct m_table *t)
{
    struct buf *b = step(s, "CreateTable");
    size_t n_inline = 0;
    buf_addf(b, "CREATE %sTABLE ", t->unlogged ? "UNLOGGED " : "");
    qname(s, b, t->schema, t->name);
    if (t->partition_of) {
        char *ps = NULL, *pn = NULL;
        buf_adds(b, " PARTITION OF ");
        if (!parse_qname(t->partition_of, &ps, &pn))
            qname(s, b, ps, pn);
        else
            buf_adds(b, t->partition_of);
        free(ps);
        free(pn);
        if (t->partition_bound)
            buf_addf(b, " %s", t->partition_bound);
        if (t->partition_key)
            buf_addf(b, " PARTITION BY %s", t->partition_key);
        if (t->options)
            buf_addf(b, " WITH (%s)", t->options);
        end_stmt(s);
        for (size_t i = 0; i < t->n_constraints; i++) {
            if (t->constraints[i].type == 'f')
                continue;
            buf_adds(b, "ALTER TABLE ");
            qname(s, b, t->schema, t->name);
            buf_adds(b, " ADD ");
            add_constraint_clause(s, b, t->schema, &t->constraints[i]);
            end_stmt(s);
        }
    } else {
        buf_adds(b, " (");
        for (size_t i = 0; i < t->n_columns; i++) {
            buf_adds(b, i ? ",\n    " : "\n    ");
            column_def(s, b, t, &t->columns[i]);
        }
        /* the primary key first, after a blank line, as Prisma writes it; NOT VALID
         * ones after the table (inside CREATE TABLE, PostgreSQL ignores NOT VALID) */
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < t->n_constraints; i++) {
                const struct m_constraint *k = &t->constraints[i];
                if (k->type == 'f' || (k->type == 'p') != !pass ||
                    definition_not_valid(k->definition))
                    continue;
                buf_adds(b, n_inline++ ? ",\n    " : t->n_columns ? ",\n\n    " : "\n    ");
                add_constraint_clause(s, b, t->schema, k);
            }
        buf_adds(b, t->n_columns || n_inline ? "\n)" : ")");
        if (t->partition_key)
            buf_addf(b, " PARTITION BY %s", t->partition_key);
        if (t->options)
            buf_addf(b, " WITH (%s)", t->options);
        end_stmt(s);
        for (size_t i = 0; i < t->n_constraints; i++) {
            if (t->constraints[i].type == 'f' || !definition_not_valid(t->constraints[i].definition))
                continue;
            buf_adds(b, "ALTER TABLE ");
            qname(s, b, t->schema, t->name);
            buf_adds(b, " ADD ");
            add_constraint_clause(s, b, t->schema, &t->constraints[i]);
            end_stmt(s);
        }
    }
    comments_of_new_table(s, t);
    for (size_t i = 0; i < t->n_constraints; i++)
        if (t->constraints[i].comment && t->constraints[i].type != 'f')
            comment_on_table_object(s, "CONSTRAINT", t->constraints[i].name, t->schema, t->name,
                                    t->constraints[i].comment);
}

static void phase_create_tables(struct sctx *s)
{
    const struct schema_model *t = s->to;
    int max = 0;
    for (size_t i = 0; i < t->n_tables; i++)
        if (marks(s, &t->tables[i]) & MK_CREATE) {
            int dp = partition_depth(t, &t->tables[i]);
            max = dp > max ? dp : max;
        }
    for (int depth = 0; depth <= max; depth++)
        for (size_t i = 0; i < t->n_tables; i++)
            if ((marks(s, &t->tables[i]) & MK_CREATE) && partition_depth(t, &t->tables[i]) == depth)
                create_table(s, &t->tables[i]);
}

static void create_indexes_of(struct sctx *s, const char *schema, const char *parent,
                              const struct m_index *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(marks(s, &v[i]) & MK_CREATE))
            continue;
        step(s, "CreateIndex");
        warn_change(s, change_of(s, &v[i]));
        index_stmt(s, &s->out, schema, parent, &v[i]);
        end_stmt(s);
        if (v[i].comment)
            comment_on_table_object(s, "INDEX", v[i].name, schema, parent, v[i].comment);
    }
}

static void phase_indexes_fks(struct sctx *s)
{
    const struct schema_model *t = s->to;
    for (size_t i = 0; i < t->n_tables; i++)
        create_indexes_of(s, t->tables[i].schema, t->tables[i].name, t->tables[i].indexes,
                          t->tables[i].n_indexes);
    for (size_t i = 0; i < t->n_views; i++)
        if (!(marks(s, &t->views[i]) & MK_CREATE))
            create_indexes_of(s, t->views[i].schema, t->views[i].name, t->views[i].indexes,
                              t->views[i].n_indexes);
    for (size_t i = 0; i < t->n_tables; i++) {
        const struct m_table *tt = &t->tables[i];
        for (size_t j = 0; j < tt->n_constraints; j++) {
            const struct m_constraint *k = &tt->constraints[j];
            if (k->type != 'f' || !(marks(s, k) & MK_CREATE))
                continue;
            step(s, "AddForeignKey");
            warn_change(s, change_of(s, k));
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, tt->schema, tt->name);
            buf_adds(&s->out, " ADD ");
            add_constraint_clause(s, &s->out, tt->schema, k);
            end_stmt(s);
            if (k->comment)
                comment_on_table_object(s, "CONSTRAINT", k->name, tt->schema, tt->name, k->comment);
        }
    }
}

static void phase_views(struct sctx *s)
{
    const struct schema_model *t = s->to;
    size_t *sel = xcalloc(t->n_views ? t->n_views : 1, sizeof(*sel));
    size_t n = 0;
    for (size_t i = 0; i < t->n_views; i++)
        if (marks(s, &t->views[i]) & (MK_CREATE | MK_REPLACE))
            sel[n++] = i;
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    view_order(t->views, sel, n, order);
    for (size_t k = 0; k < n; k++) {
        const struct m_view *tv = &t->views[sel[order[k]]];
        int create = (marks(s, tv) & MK_CREATE) != 0;
        step(s, "CreateView");
        buf_addf(&s->out, "CREATE %s%sVIEW ", create ? "" : "OR REPLACE ",
                 tv->materialized ? "MATERIALIZED " : "");
        qname(s, &s->out, tv->schema, tv->name);
        if (tv->options)
            buf_addf(&s->out, " WITH (%s)", tv->options);
        buf_adds(&s->out, " AS\n");
        add_trimmed(&s->out, tv->definition);
        end_stmt(s);
        if (create) {
            if (tv->comment)
                comment_on_table_object(s, tv->materialized ? "MATERIALIZED VIEW" : "VIEW",
                                        tv->name, tv->schema, tv->name, tv->comment);
            create_indexes_of(s, tv->schema, tv->name, tv->indexes, tv->n_indexes);
        }
    }
    free(order);
    free(sel);
}

static void create_triggers_of(struct sctx *s, const char *schema, const char *parent,
                               const struct m_trigger *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned m = marks(s, &v[i]);
        if (m & MK_CREATE) {
            step(s, "CreateTrigger");
            add_trimmed(&s->out, v[i].definition);
            end_stmt(s);
            if (v[i].comment)
                comment_on_table_object(s, "TRIGGER", v[i].name, schema, parent, v[i].comment);
        } else if (m & MK_TOGGLE) {
            step(s, v[i].enabled ? "EnableTrigger" : "DisableTrigger");
        } else {
            continue;
        }
        if ((m & MK_TOGGLE) || !v[i].enabled) {
            buf_adds(&s->out, "ALTER TABLE ");
            qname(s, &s->out, schema, parent);
            buf_addf(&s->out, " %s TRIGGER ", v[i].enabled ? "ENABLE" : "DISABLE");
            buf_add_ident(&s->out, v[i].name);
            end_stmt(s);
        }
    }
}

static void phase_triggers(struct sctx *s)
{
    const struct schema_model *t = s->to;
    for (size_t i = 0; i < t->n_tables; i++)
        create_triggers_of(s, t->tables[i].schema, t->tables[i].name, t->tables[i].triggers,
                           t->tables[i].n_triggers);
    for (size_t i = 0; i < t->n_views; i++)
        create_triggers_of(s, t->views[i].schema, t->views[i].name, t->views[i].triggers,
                           t->views[i].n_triggers);
}

/* COMMENT statements for comments that change on objects both sides have. */
static void queue_changed_comments(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        const char *text = NULL;
        if (c->obj != DO_COMMENT)
            continue;
        switch (c->target) {
        case DO_SCHEMA:
            text = ((const struct m_schema *)c->to)->comment;
            comment_on(s, "SCHEMA", NULL, c->name, NULL, text);
            break;
        case DO_TABLE:
            comment_on_table_object(s, "TABLE", c->name, c->schema, c->name,
                                    ((const struct m_table *)c->to)->comment);
            break;
        case DO_COLUMN:
            comment_on_table_object(s, "COLUMN", c->name, c->schema, c->parent,
                                    ((const struct m_column *)c->to)->comment);
            break;
        case DO_CONSTRAINT:
            comment_on_table_object(s, "CONSTRAINT", c->name, c->schema, c->parent,
                                    ((const struct m_constraint *)c->to)->comment);
            break;
        case DO_INDEX:
            comment_on_table_object(s, "INDEX", c->name, c->schema, c->parent,
                                    ((const struct m_index *)c->to)->comment);
            break;
        case DO_TRIGGER:
            comment_on_table_object(s, "TRIGGER", c->name, c->schema, c->parent,
                                    ((const struct m_trigger *)c->to)->comment);
            break;
        case DO_ENUM:
            comment_on(s, "TYPE", c->schema, c->name, NULL,
                       ((const struct m_enum *)c->to)->comment);
            break;
        case DO_TYPE: {
            const struct m_type *tt = c->to;
            comment_on(s, tt->kind == 'd' ? "DOMAIN" : "TYPE", c->schema, tt->name, NULL,
                       tt->comment);
            break;
        }
        case DO_SEQUENCE:
            comment_on(s, "SEQUENCE", c->schema, c->name, NULL,
                       ((const struct m_sequence *)c->to)->comment);
            break;
        case DO_VIEW: {
            const struct m_view *tv = c->to;
            comment_on_table_object(s, tv->materialized ? "MATERIALIZED VIEW" : "VIEW", tv->name,
                                    tv->schema, tv->name, tv->comment);
            break;
        }
        case DO_FUNCTION: {
            const struct m_function *tf = c->to;
            comment_on(s, function_keyword(tf->kind), tf->schema, tf->name, tf->args, tf->comment);
            break;
        }
        default:
            break;
        }
    }
}

/* Comments of new schemas and of sequences PostgreSQL made for SERIAL columns. */
static void queue_other_new_comments(struct sctx *s)
{
    const struct schema_model *t = s->to;
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj == DO_SCHEMA && c->kind == D_ADD && ((const struct m_schema *)c->to)->comment)
            comment_on(s, "SCHEMA", NULL, c->name, NULL, ((const struct m_schema *)c->to)->comment);
    }
    for (size_t i = 0; i < t->n_sequences; i++) {
        const struct m_sequence *q = &t->sequences[i];
        if (q->comment && !find_sequence(s->from, q->schema, q->name))
            comment_on(s, "SEQUENCE", q->schema, q->name, NULL, q->comment);
    }
}

static void phase_comments(struct sctx *s)
{
    for (size_t i = 0; i < s->comments.n; i++) {
        if (!i || strcmp(s->comment_keys.v[i], s->comment_keys.v[i - 1]))
            step(s, "Comment");
        buf_adds(&s->out, s->comments.v[i]);
        end_stmt(s);
    }
}

static void phase_drop_schemas(struct sctx *s)
{
    for (size_t i = 0; i < s->d->n; i++) {
        const struct d_change *c = &s->d->v[i];
        if (c->obj != DO_SCHEMA || c->kind != D_DROP)
            continue;
        step(s, "DropSchema");
        buf_adds(&s->out, "DROP SCHEMA ");
        buf_add_ident(&s->out, c->name);
        end_stmt(s);
    }
}

/*
 * A value added by ALTER TYPE ... ADD VALUE cannot be used before the
 * transaction that added it commits (55P04 "unsafe use of new value"); pgmig
 * deploy runs each migration in one transaction. Warn when the script uses one.
 */
static void check_new_values_used(struct sctx *s, size_t from_offset)
{
    const struct schema_model *f = s->from, *t = s->to;
    const char *rest = s->out.data + from_offset;
    for (size_t i = 0; i < t->n_enums; i++) {
        const struct m_enum *te = &t->enums[i], *fe = find_enum(f, te->schema, te->name);
        if (!fe || (marks(s, fe) & MK_GONE))
            continue;
        for (size_t j = 0; j < te->n_values; j++) {
            if (enum_has(fe, te->values[j]))
                continue;
            char *lit = quote_literal(te->values[j]), *q = quote_ident(te->name);
            char *a = xasprintf("%s::%s", lit, q), *b = xasprintf("%s::%s", lit, te->name);
            if (strstr(rest, a) || strstr(rest, b))
                buf_addf(&s->warn,
                         "  - The value `%s` added to the enum `%s` is used in this migration. "
                         "PostgreSQL refuses to use a new enum value in the transaction that "
                         "adds it: add the value in a migration of its own.\n",
                         te->values[j], te->name);
            free(lit);
            free(q);
            free(a);
            free(b);
        }
    }
}

static const char *single_schema(const struct schema_model *a, const struct schema_model *b)
{
    const struct schema_model *m[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        if (m[k]->n_schemas)
            return m[k]->schemas[0].name;
        if (m[k]->n_tables)
            return m[k]->tables[0].schema;
        if (m[k]->n_enums)
            return m[k]->enums[0].schema;
        if (m[k]->n_types)
            return m[k]->types[0].schema;
        if (m[k]->n_sequences)
            return m[k]->sequences[0].schema;
        if (m[k]->n_views)
            return m[k]->views[0].schema;
        if (m[k]->n_functions)
            return m[k]->functions[0].schema;
    }
    return NULL;
}

char *diff_script(const struct schema_diff *d, const struct schema_model *from,
                  const struct schema_model *to)
{
    struct sctx s;
    memset(&s, 0, sizeof(s));
    s.d = d;
    s.from = from;
    s.to = to;
    s.qualify = d->qualify;
    s.single = d->qualify ? NULL : single_schema(from, to);
    buf_init(&s.out);
    buf_init(&s.warn);

    plan_objects(&s);
    plan_enums(&s);
    plan_functions(&s);
    plan_views(&s);
    plan_triggers(&s);
    plan_keys(&s);

    phase_enum_add_values(&s);
    size_t after_add_values = s.out.len;
    phase_schemas_extensions(&s);
    phase_drops_of_dependents(&s);
    drop_constraints_early(&s);
    drop_identities_early(&s);
    phase_sequences(&s);
    detach_sequences_early(&s);
    phase_create_enums_types(&s);
    phase_enum_rebuilds(&s);
    phase_functions(&s, 1);
    for (size_t i = 0; i < from->n_tables; i++) {
        const struct m_table *ft = &from->tables[i], *tt = to_table(&s, ft);
        if (tt)
            alter_table(&s, ft, tt);
    }
    phase_drop_tables(&s);
    phase_late_drops(&s);
    phase_create_tables(&s);
    phase_sequence_owners(&s);
    sequences_past_existing_values(&s);
    phase_functions(&s, 0);
    phase_indexes_fks(&s);
    phase_views(&s);
    phase_triggers(&s);
    queue_changed_comments(&s);
    queue_other_new_comments(&s);
    phase_comments(&s);
    phase_drop_schemas(&s);
    check_new_values_used(&s, after_add_values);

    struct buf r = BUF_INIT;
    if (!s.out.len) {
        buf_adds(&r, "-- This is an empty migration.\n");
    } else {
        if (s.warn.len)
            buf_addf(&r, "/*\n  Warnings:\n\n%s\n*/\n", s.warn.data);
        buf_add(&r, s.out.data, s.out.len);
    }
    buf_release(&s.out);
    buf_release(&s.warn);
    pmap_release(&s.chg);
    pmap_release(&s.marks);
    strv_release(&s.comments);
    strv_release(&s.comment_keys);
    return buf_detach(&r, NULL);
}

/* ========================================================== diff_summary */

struct group {
    enum d_obj kind; /* DO_TABLE, DO_VIEW or DO_ENUM */
    const char *schema, *name;
    size_t *items;
    size_t n, cap;
};

/* The table, view or enum a change is shown under, if any. */
static int group_of(const struct d_change *c, enum d_obj *kind, const char **schema,
                    const char **name)
{
    *schema = c->schema;
    switch (c->obj) {
    case DO_TABLE:
    case DO_VIEW:
    case DO_ENUM:
        *kind = c->obj;
        *name = c->name;
        return 1;
    case DO_ENUM_VALUE:
    case DO_COLUMN:
    case DO_CONSTRAINT:
    case DO_INDEX:
    case DO_TRIGGER:
        *kind = c->obj == DO_ENUM_VALUE ? DO_ENUM : c->parent_kind;
        *name = c->parent;
        return *name != NULL;
    case DO_COMMENT:
        if (c->parent) {
            *kind = c->parent_kind;
            *name = c->parent;
            return 1;
        }
        if (c->target == DO_TABLE || c->target == DO_VIEW || c->target == DO_ENUM) {
            *kind = c->target;
            *name = c->name;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

static int group_rank(enum d_obj k)
{
    return k == DO_TABLE ? 0 : k == DO_VIEW ? 1 : 2;
}

static int cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    int r;
    if (group_rank(x->kind) != group_rank(y->kind))
        return group_rank(x->kind) - group_rank(y->kind);
    if ((r = str_cmp0(x->schema, y->schema)))
        return r;
    return str_cmp0(x->name, y->name);
}

char *diff_summary(const struct schema_diff *d)
{
    struct buf b = BUF_INIT;
    struct group *g = NULL;
    size_t ng = 0, capg = 0;
    if (!d->n)
        return xstrdup("No difference.\n");
    for (size_t i = 0; i < d->n; i++) {
        enum d_obj kind;
        const char *schema, *name;
        if (!group_of(&d->v[i], &kind, &schema, &name))
            continue;
        size_t j = 0;
        while (j < ng &&
               !(g[j].kind == kind && str_eq(g[j].schema, schema) && str_eq(g[j].name, name)))
            j++;
        if (j == ng) {
            ALLOC_GROW(g, ng + 1, capg);
            memset(&g[ng], 0, sizeof(g[ng]));
            g[ng].kind = kind;
            g[ng].schema = schema;
            g[ng].name = name;
            ng++;
        }
        ALLOC_GROW(g[j].items, g[j].n + 1, g[j].cap);
        g[j].items[g[j].n++] = i;
    }
    if (ng > 1)
        qsort(g, ng, sizeof(*g), cmp_group);
    for (size_t j = 0; j < ng; j++) {
        size_t subs = 0;
        /* the object's own addition or removal: a line of its own */
        for (size_t k = 0; k < g[j].n; k++) {
            const struct d_change *c = &d->v[g[j].items[k]];
            if (c->obj == g[j].kind && c->kind != D_CHANGE)
                buf_addf(&b, "%s\n", c->summary);
            else
                subs++;
        }
        if (!subs)
            continue;
        char *name = disp(d, g[j].schema, g[j].name);
        if (g[j].kind == DO_TABLE)
            buf_addf(&b, "Changed the `%s` table:\n", name);
        else
            buf_addf(&b, "Changed the %s `%s`:\n", g[j].kind == DO_VIEW ? "view" : "enum", name);
        free(name);
        for (size_t k = 0; k < g[j].n; k++) {
            const struct d_change *c = &d->v[g[j].items[k]];
            if (!(c->obj == g[j].kind && c->kind != D_CHANGE))
                buf_addf(&b, "  - %s\n", c->summary);
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        enum d_obj kind;
        const char *schema, *name;
        if (!group_of(&d->v[i], &kind, &schema, &name))
            buf_addf(&b, "%s\n", d->v[i].summary);
    }
    for (size_t j = 0; j < ng; j++)
        free(g[j].items);
    free(g);
    return buf_detach(&b, NULL);
}
