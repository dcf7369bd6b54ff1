/*
 * gen_schema.c - deterministic random schema pairs for the differ's round-trip tests
 * (tests/integration/test_diff_random.sh). `gen_schema SEED 0` prints schema A as SQL,
 * `gen_schema SEED 1` prints schema B: A after random mutations of every object kind.
 *
 * Both schemas are built as a small structured model (tables, columns, constraints,
 * indexes, triggers, enums, sequences, functions, views), mutated, then repaired so that
 * each prints as valid SQL on an empty database. Some tables get rows; those ("safe"
 * tables) are only mutated in ways that keep every row valid in both directions, so the
 * migration A -> B and B -> A must apply on a database holding them. A header of SQL
 * comments lists the mutations (variant 1) and, as `-- rows N "Table"`, the tables whose
 * rows must survive the migration to the other schema.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL     64 /* identifier buffer: PostgreSQL's NAMEDATALEN */
#define MAXT   20 /* tables */
#define MAXC   18 /* columns per table */
#define MAXK   14 /* constraints per table */
#define MAXI   8  /* indexes per table or materialized view */
#define MAXTR  4  /* triggers per table */
#define MAXE   7  /* enums */
#define MAXEV  12 /* values per enum */
#define MAXS   6  /* sequences */
#define MAXF   10 /* functions */
#define MAXV   10 /* views */
#define MAXVC  5  /* columns per view */
#define MAXLOG 48 /* mutation notes */
#define MAXD   3  /* domains */
#define MAXCT  2  /* composite types */
#define MAXP   3  /* partitions per partitioned table */
#define NROWS  3  /* rows per table that has rows */

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* Remove element i of array a holding *n elements. */
#define REMOVE_AT(a, n, i)                                                                         \
    do {                                                                                           \
        memmove(&(a)[i], &(a)[(i) + 1], sizeof((a)[0]) * (size_t)(*(n) - (i)-1));                  \
        (*(n))--;                                                                                  \
    } while (0)

/* ------------------------------------------------------------------ random numbers */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* 0 .. n-1 (0 when n <= 1) */
static int rnd(int n)
{
    return n <= 1 ? 0 : (int)(rnd64() % (uint64_t)n);
}

static int chance(int pct)
{
    return rnd(100) < pct;
}

/* ------------------------------------------------------------------ pools */

static const char *const TABLE_NAMES[] = {
    "User",         "Post",     "SystemPrompt",
    "Organization", "order",    "user profile",
    "Comment",      "select",   "Invoice",
    "Tag",          "AuditLog", "weird \"name\"",
    "Membership",   "Project",  "Task",
    "Session",      "ApiKey",   "Webhook",
    "Account",      "Team",     "lowercase_table",
    "Message",      "Group",    "Attachment",
    "Notification",
};
static const char *const COL_NAMES[] = {
    "email",   "name",      "title",       "body",          "status",     "role",
    "count",   "price",     "isActive",    "metadata",      "externalId", "tags",
    "scores",  "createdAt", "updatedAt",   "deletedAt",     "group",      "from",
    "select",  "user name", "Mixed Case",  "weird \"col\"", "order",      "value",
    "slug",    "kind",      "publishedAt", "amount",        "score",      "data",
    "version", "position",  "note",        "CamelCase",     "snake_case", "desc",
};
static const char *const ENUM_NAMES[] = {
    "Role", "Status", "user role", "Priority", "Kind", "weird \"enum\"", "Visibility", "Plan",
};
static const char *const ENUM_VALUES[] = {
    "USER",     "ADMIN",     "GUEST", "OWNER",       "it's",  "with space",
    "lower",    "MixedCase", "a,b",   "ünï",         "DRAFT", "PUBLISHED",
    "ARCHIVED", "NEW",       "x\"y",  "back\\slash", "LOW",   "HIGH",
};
static const char *const SEQ_NAMES[] = {
    "counter", "invoice_no", "Ticket Number", "globalSeq", "weird \"seq\"", "ids",
};
static const char *const VIEW_NAMES[] = {
    "ActiveUsers", "Admins",         "UserEmails", "post summary", "Recent",   "Stats",
    "Totals",      "weird \"view\"", "v_lower",    "Leaderboard",  "Overview", "Digest",
};
static const char *const DOMAIN_NAMES[] = {"Positive", "NonEmpty", "weird \"dom\"", "Quantity"};
static const char *const COMP_NAMES[] = {"Address", "money pair", "Point3"};
static const char *const COMP_ATTRS[] = {"street", "zip", "Country Code", "n", "x\"y"};
static const char *const COMMENTS[] = {
    "",
    "people",
    "it's the email",
    "multi\nline",
    "ünïcödé ✓",
    "100% \\ back",
    "Prisma: @id @default(cuid())",
    "the key",
};

/* ------------------------------------------------------------------ the model */

enum tkind {
    TK_INT,
    TK_BIGINT,
    TK_SMALLINT,
    TK_NUMERIC,
    TK_TEXT,
    TK_VARCHAR,
    TK_BOOL,
    TK_TS,
    TK_TSTZ,
    TK_DATE,
    TK_JSONB,
    TK_UUID,
    TK_TEXTARR,
    TK_INTARR,
    TK_ENUM,
    TK_ENUMARR,
    TK_CITEXT,
    TK_DOMAIN,
    TK_COMP,
    TK_COUNT
};
enum tclass {
    CL_INT,
    CL_NUM,
    CL_TEXT,
    CL_BOOL,
    CL_TS,
    CL_DATE,
    CL_JSON,
    CL_UUID,
    CL_TEXTARR,
    CL_INTARR,
    CL_ENUM,
    CL_ENUMARR,
    CL_COMP
};
struct gtype {
    int k;
    int p, s;    /* varchar length; numeric precision, scale; timestamp precision */
    char en[NL]; /* the enum of TK_ENUM, TK_ENUMARR; the domain or composite type */
};

enum { DF_NONE, DF_CONST, DF_NOW, DF_UUID, DF_SEQ, DF_FUNC, DF_ENUM };
struct gdef {
    int k, v;
    char ref[NL]; /* sequence, function or enum value */
};

enum { G_NONE, G_UPPER, G_LOWER, G_CONCAT, G_SLUG, G_MUL, G_ADD };

struct gcol {
    char name[NL];
    struct gtype t;
    int not_null;
    int fk; /* a foreign-key column: always NULL in rows */
    struct gdef def;
    int ident;            /* 0, 'a' ALWAYS, 'd' BY DEFAULT */
    int id_start, id_inc; /* 0: default */
    int serial;           /* SERIAL / BIGSERIAL / SMALLSERIAL */
    int gen;              /* G_*: STORED generation expression over gen_ref */
    char gen_ref[NL];
    int coll; /* text, varchar: 0 default, 1 "C", 2 "POSIX" */
    int comment;
};

enum {
    CK_GT0,
    CK_GE0,
    CK_LT,
    CK_BETWEEN,
    CK_LEN,
    CK_NE_EMPTY,
    CK_TS,
    CK_JSON,
    CK_ENUM_NE,
    CK_OR_NOTNULL
};
enum { FA_NONE, FA_RESTRICT, FA_CASCADE, FA_SETNULL, FA_SETDEFAULT };

struct gcons {
    char name[NL];
    int type; /* 'p', 'u', 'c', 'f' */
    char cols[3][NL];
    int ncols;
    int ck;          /* check kind */
    char ck_val[NL]; /* CK_ENUM_NE value */
    char ref_table[NL];
    char ref_col[NL];
    int on_del, on_upd;
    int defer; /* 0, 1 DEFERRABLE, 2 DEFERRABLE INITIALLY DEFERRED */
    int match_full;
    int not_valid; /* checks and foreign keys: added NOT VALID */
    int comment;
};

enum { IK_COL, IK_LOWER, IK_PLUS1, IK_SLUG };
enum { IM_BTREE, IM_HASH, IM_GIN, IM_BRIN };
enum { P_NONE, P_NOTNULL, P_ISNULL, P_GT0, P_BOOL, P_EQ };
struct gikey {
    int kind;
    char col[NL];
    int desc, nulls_first, path_ops;
};
struct gindex {
    char name[NL];
    int unique, method;
    struct gikey keys[3];
    int nkeys;
    int pred;
    char pred_col[NL];
    char pred_val[NL];
    int comment;
};

enum { EV_INSERT = 1, EV_UPDATE = 2, EV_DELETE = 4, EV_TRUNCATE = 8 };
struct gtrig {
    char name[NL];
    char func[NL];
    int before, events, row;
    int when;     /* 0, 1 NEW.col IS NOT NULL, 2 OLD.* IS DISTINCT FROM NEW.* */
    char col[NL]; /* for when 1 and UPDATE OF */
    int update_of;
    int disabled;
    int comment;
};

struct gpart {
    char name[NL];
    int y; /* the range [y, y + 1) of years or thousands */
    int is_default;
};

struct gtable {
    char name[NL];
    int safe; /* may hold rows: mutated only in ways that keep them valid */
    int opts; /* 0, 1 fillfactor = 70, 2 fillfactor = 90, 3 autovacuum_enabled = false */
    int unlogged;
    int part; /* partitioned by RANGE (part_col) */
    char part_col[NL];
    struct gpart parts[MAXP];
    int nparts;
    struct gcol cols[MAXC];
    int ncol;
    struct gcons cons[MAXK];
    int ncons;
    struct gindex idx[MAXI];
    int nidx;
    struct gtrig trg[MAXTR];
    int ntrg;
    int comment;
};

struct genum {
    char name[NL];
    char vals[MAXEV][NL];
    int nvals;
    int comment;
};

enum { ST_DEFAULT, ST_BIGINT, ST_INTEGER, ST_SMALLINT };
struct gseq {
    char name[NL];
    int type;
    int inc, cache, cycle;
    int has_min, has_max, has_start;
    long long minv, maxv, start;
    char own_t[NL], own_c[NL];
    int comment;
};

enum { FN_ADDN, FN_SLUG, FN_TRIG, FN_COUNT, FN_PROC };
struct gfunc {
    char name[NL];
    int kind, variant, big, plpgsql;
    char table[NL]; /* FN_COUNT */
    int comment;
};

enum { VK_SELECT, VK_AGG, VK_FUNC };
enum { W_NONE, W_NOTNULL, W_GT0, W_BOOL, W_EQ };
struct gview {
    char name[NL];
    int mat, kind;
    char from[NL];
    char cols[MAXVC][NL];
    int ncols;
    int where;
    char where_col[NL];
    char where_val[NL];
    int secbar;
    struct gindex idx[2];
    int nidx;
    char trg_func[NL]; /* an INSTEAD OF trigger "<view>_instead" when set */
    int comment;
};

struct gdomain {
    char name[NL];
    int base; /* 0 integer, 1 text */
    int variant;
    int comment;
};

struct gcomp {
    char name[NL];
    char attrs[4][NL];
    int atext[4]; /* text, else integer */
    int nattrs;
    int comment;
};

struct gschema {
    int citext; /* CREATE EXTENSION citext */
    struct genum enums[MAXE];
    int nenum;
    struct gdomain domains[MAXD];
    int ndom;
    struct gcomp comps[MAXCT];
    int ncomp;
    struct gseq seqs[MAXS];
    int nseq;
    struct gfunc funcs[MAXF];
    int nfunc;
    struct gtable tables[MAXT];
    int ntab;
    struct gview views[MAXV];
    int nview;
};

static struct gschema g_schema_a, g_schema_b;
/* While B is mutated and repaired: schema A (enum values used in B must exist in A too,
 * and safe tables compare with their A version). NULL while A is generated. */
static const struct gschema *g_a;
static char g_log[MAXLOG][200];
static int g_nlog;

/* ------------------------------------------------------------------ small helpers */

static void setn(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n >= NL)
        n = NL - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
    va_list ap;
    if (g_nlog >= MAXLOG)
        return;
    va_start(ap, fmt);
    vsnprintf(g_log[g_nlog++], sizeof g_log[0], fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* A double-quoted identifier. */
static void qi(const char *n)
{
    putchar('"');
    for (const char *p = n; *p; p++) {
        if (*p == '"')
            putchar('"');
        putchar(*p);
    }
    putchar('"');
}

/* A single-quoted literal. */
static void ql(const char *s)
{
    putchar('\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            putchar('\'');
        putchar(*p);
    }
    putchar('\'');
}

/* A quoted identifier inside a literal: nextval('"my seq"'). */
static void qil(const char *n)
{
    putchar('\'');
    putchar('"');
    for (const char *p = n; *p; p++) {
        if (*p == '"')
            putchar('"');
        if (*p == '\'')
            putchar('\'');
        putchar(*p);
    }
    putchar('"');
    putchar('\'');
}

/* ------------------------------------------------------------------ lookups */

static struct gtable *find_table(const struct gschema *s, const char *n)
{
    for (int i = 0; s && i < s->ntab; i++)
        if (!strcmp(s->tables[i].name, n))
            return (struct gtable *)&s->tables[i];
    return NULL;
}

static struct gcol *find_col(const struct gtable *t, const char *n)
{
    for (int i = 0; t && i < t->ncol; i++)
        if (!strcmp(t->cols[i].name, n))
            return (struct gcol *)&t->cols[i];
    return NULL;
}

static struct genum *find_enum(const struct gschema *s, const char *n)
{
    for (int i = 0; s && i < s->nenum; i++)
        if (!strcmp(s->enums[i].name, n))
            return (struct genum *)&s->enums[i];
    return NULL;
}

static struct gseq *find_seq(const struct gschema *s, const char *n)
{
    for (int i = 0; s && i < s->nseq; i++)
        if (!strcmp(s->seqs[i].name, n))
            return (struct gseq *)&s->seqs[i];
    return NULL;
}

static struct gfunc *find_func(const struct gschema *s, const char *n)
{
    for (int i = 0; s && i < s->nfunc; i++)
        if (!strcmp(s->funcs[i].name, n))
            return (struct gfunc *)&s->funcs[i];
    return NULL;
}

static int view_index(const struct gschema *s, const char *n)
{
    for (int i = 0; i < s->nview; i++)
        if (!strcmp(s->views[i].name, n))
            return i;
    return -1;
}

static struct gdomain *find_domain(const struct gschema *s, const char *n)
{
    for (int i = 0; s && i < s->ndom; i++)
        if (!strcmp(s->domains[i].name, n))
            return (struct gdomain *)&s->domains[i];
    return NULL;
}

static struct gcomp *find_comp(const struct gschema *s, const char *n)
{
    for (int i = 0; s && i < s->ncomp; i++)
        if (!strcmp(s->comps[i].name, n))
            return (struct gcomp *)&s->comps[i];
    return NULL;
}

static int enum_has(const struct genum *e, const char *v)
{
    for (int i = 0; e && i < e->nvals; i++)
        if (!strcmp(e->vals[i], v))
            return 1;
    return 0;
}

/* Whether a relation-namespace name (tables, views, sequences, indexes, constraints,
 * the sequences SERIAL and identity columns get) or a type name is taken. */
static int name_used(const struct gschema *s, const char *n)
{
    char buf[3 * NL];
    for (int i = 0; i < s->ntab; i++) {
        const struct gtable *t = &s->tables[i];
        if (!strcmp(t->name, n))
            return 1;
        for (int j = 0; j < t->ncol; j++) {
            snprintf(buf, sizeof buf, "%s_%s_seq", t->name, t->cols[j].name);
            if ((t->cols[j].serial || t->cols[j].ident) && !strcmp(buf, n))
                return 1;
        }
        for (int j = 0; j < t->ncons; j++)
            if (!strcmp(t->cons[j].name, n))
                return 1;
        for (int j = 0; j < t->nidx; j++)
            if (!strcmp(t->idx[j].name, n))
                return 1;
    }
    for (int i = 0; i < s->nview; i++) {
        if (!strcmp(s->views[i].name, n))
            return 1;
        for (int j = 0; j < s->views[i].nidx; j++)
            if (!strcmp(s->views[i].idx[j].name, n))
                return 1;
    }
    for (int i = 0; i < s->nseq; i++)
        if (!strcmp(s->seqs[i].name, n))
            return 1;
    for (int i = 0; i < s->nenum; i++)
        if (!strcmp(s->enums[i].name, n))
            return 1;
    for (int i = 0; i < s->ndom; i++)
        if (!strcmp(s->domains[i].name, n))
            return 1;
    for (int i = 0; i < s->ncomp; i++)
        if (!strcmp(s->comps[i].name, n))
            return 1;
    for (int i = 0; i < s->ntab; i++)
        for (int j = 0; j < s->tables[i].nparts; j++)
            if (!strcmp(s->tables[i].parts[j].name, n))
                return 1;
    return 0;
}

/* A free name from base (truncated to fit), with a number appended when taken. */
static void make_name(const struct gschema *s, char *dst, const char *base)
{
    char b[NL], cand[NL + 16];
    size_t n = strlen(base);
    if (n > 54)
        n = 54;
    memcpy(b, base, n);
    b[n] = '\0';
    snprintf(cand, sizeof cand, "%.54s", b);
    for (int i = 2; name_used(s, cand); i++)
        snprintf(cand, sizeof cand, "%.54s%d", b, i);
    setn(dst, cand);
}

/* A pool entry not yet used as a name (by `used`), or NULL. While B is built, names A
 * uses are taken too: an object dropped and added again under the same name would be
 * the same object changed (a new table "User" in place of the old one, with rows). */
static const char *pick_name(const char *const *pool, int n, const struct gschema *s,
                             int (*used)(const struct gschema *, const char *))
{
    int start = rnd(n);
    for (int i = 0; i < n; i++) {
        const char *c = pool[(start + i) % n];
        if (!used(s, c) && !(g_a && used(g_a, c)))
            return c;
    }
    return NULL;
}

static int func_name_used(const struct gschema *s, const char *n)
{
    return find_func(s, n) != NULL;
}

/* ------------------------------------------------------------------ types */

static int tclass(const struct gtype *t)
{
    switch (t->k) {
    case TK_INT:
    case TK_BIGINT:
    case TK_SMALLINT:
        return CL_INT;
    case TK_NUMERIC:
        return CL_NUM;
    case TK_TEXT:
    case TK_VARCHAR:
        return CL_TEXT;
    case TK_BOOL:
        return CL_BOOL;
    case TK_TS:
    case TK_TSTZ:
        return CL_TS;
    case TK_DATE:
        return CL_DATE;
    case TK_JSONB:
        return CL_JSON;
    case TK_UUID:
        return CL_UUID;
    case TK_TEXTARR:
        return CL_TEXTARR;
    case TK_INTARR:
        return CL_INTARR;
    case TK_ENUM:
        return CL_ENUM;
    case TK_CITEXT:
        return CL_TEXT;
    case TK_DOMAIN:
        return t->p ? CL_TEXT : CL_INT;
    case TK_COMP:
        return CL_COMP;
    default:
        return CL_ENUMARR;
    }
}

/* integer, bigint, smallint: what identity columns and SERIAL allow */
static int is_int_kind(int k)
{
    return k == TK_INT || k == TK_BIGINT || k == TK_SMALLINT;
}

static int type_eq(const struct gtype *a, const struct gtype *b)
{
    return a->k == b->k && a->p == b->p && a->s == b->s && !strcmp(a->en, b->en);
}

/* Rows hold pairwise distinct values of these classes (so they may be unique keys). */
static int distinct_class(int cl)
{
    return cl == CL_INT || cl == CL_NUM || cl == CL_TEXT || cl == CL_TS || cl == CL_DATE ||
           cl == CL_JSON || cl == CL_UUID || cl == CL_TEXTARR || cl == CL_INTARR;
}

static void print_type(const struct gtype *t, int serial)
{
    switch (t->k) {
    case TK_INT:
        out(serial ? "SERIAL" : "INTEGER");
        break;
    case TK_BIGINT:
        out(serial ? "BIGSERIAL" : "BIGINT");
        break;
    case TK_SMALLINT:
        out(serial ? "SMALLSERIAL" : "SMALLINT");
        break;
    case TK_NUMERIC:
        out("NUMERIC(%d,%d)", t->p, t->s);
        break;
    case TK_TEXT:
        out("TEXT");
        break;
    case TK_VARCHAR:
        out("VARCHAR(%d)", t->p);
        break;
    case TK_BOOL:
        out("BOOLEAN");
        break;
    case TK_TS:
        out("TIMESTAMP(%d)", t->p);
        break;
    case TK_TSTZ:
        out("TIMESTAMPTZ(%d)", t->p);
        break;
    case TK_DATE:
        out("DATE");
        break;
    case TK_JSONB:
        out("JSONB");
        break;
    case TK_UUID:
        out("UUID");
        break;
    case TK_TEXTARR:
        out("TEXT[]");
        break;
    case TK_INTARR:
        out("INTEGER[]");
        break;
    case TK_ENUM:
    case TK_DOMAIN:
    case TK_COMP:
        qi(t->en);
        break;
    case TK_CITEXT:
        out("CITEXT");
        break;
    default:
        qi(t->en);
        out("[]");
        break;
    }
}

/* A random type of kind k (enum kinds need an enum). */
static void make_type(const struct gschema *s, struct gtype *t, int k)
{
    static const int vlen[] = {8, 20, 191, 255};
    static const int nump[][2] = {{10, 2}, {12, 4}, {65, 30}, {8, 1}};
    memset(t, 0, sizeof *t);
    t->k = k;
    if (k == TK_VARCHAR)
        t->p = vlen[rnd(4)];
    if (k == TK_NUMERIC) {
        int i = rnd(4);
        t->p = nump[i][0];
        t->s = nump[i][1];
    }
    if (k == TK_TS || k == TK_TSTZ)
        t->p = chance(70) ? 3 : 6;
    if ((k == TK_ENUM || k == TK_ENUMARR) && s->nenum)
        setn(t->en, s->enums[rnd(s->nenum)].name);
    if (k == TK_DOMAIN && s->ndom) {
        const struct gdomain *d = &s->domains[rnd(s->ndom)];
        setn(t->en, d->name);
        t->p = d->base;
    }
    if (k == TK_COMP && s->ncomp)
        setn(t->en, s->comps[rnd(s->ncomp)].name);
}

static int random_kind(const struct gschema *s)
{
    static const int kinds[] = {TK_INT,     TK_INT,     TK_BIGINT, TK_SMALLINT, TK_NUMERIC,
                                TK_TEXT,    TK_TEXT,    TK_TEXT,   TK_VARCHAR,  TK_BOOL,
                                TK_TS,      TK_TS,      TK_TSTZ,   TK_DATE,     TK_JSONB,
                                TK_UUID,    TK_TEXTARR, TK_INTARR, TK_ENUM,     TK_ENUM,
                                TK_ENUMARR, TK_CITEXT,  TK_DOMAIN, TK_DOMAIN,   TK_COMP};
    for (;;) {
        int k = kinds[rnd(COUNT_OF(kinds))];
        if (((k == TK_ENUM || k == TK_ENUMARR) && !s->nenum) || (k == TK_CITEXT && !s->citext) ||
            (k == TK_DOMAIN && !s->ndom) || (k == TK_COMP && !s->ncomp))
            continue;
        return k;
    }
}

/* A type change whose conversion keeps every row's value valid, both ways. */
static int safe_change(const struct gtype *a, const struct gtype *b)
{
    int ca = tclass(a), cb = tclass(b);
    if (type_eq(a, b) || ca == CL_COMP || cb == CL_COMP)
        return 0;
    if (ca > cb) {
        int c = ca;
        ca = cb;
        cb = c;
    }
    if (ca == cb)
        return ca == CL_INT || ca == CL_NUM || ca == CL_TEXT || ca == CL_TS;
    return (ca == CL_INT && (cb == CL_NUM || cb == CL_TEXT || cb == CL_INTARR)) ||
           (ca == CL_NUM && cb == CL_TEXT) || (ca == CL_TS && cb == CL_DATE) ||
           (ca == CL_TEXT && (cb == CL_JSON || cb == CL_TEXTARR));
}

/* A type change PostgreSQL can carry out on an empty table. */
static int free_change(const struct gtype *a, const struct gtype *b)
{
    int ca = tclass(a), cb = tclass(b);
    if (type_eq(a, b) || ca == CL_COMP || cb == CL_COMP)
        return 0;
    if (safe_change(a, b) || ca == CL_TEXT || cb == CL_TEXT)
        return 1;
    if (ca > cb) {
        int c = ca;
        ca = cb;
        cb = c;
    }
    return (ca == CL_ENUM && cb == CL_ENUM) || (ca == CL_TEXTARR && cb == CL_ENUMARR) ||
           (ca == CL_TS && cb == CL_DATE) || (ca == CL_ENUMARR && cb == CL_ENUMARR);
}

/* ------------------------------------------------------------------ enum values in use */

/* v is a value of enum en that schema s (and A, while B is built) may use. */
static int usable_value(const struct gschema *s, const char *en, const char *v)
{
    const struct genum *a = find_enum(g_a, en);
    return enum_has(find_enum(s, en), v) && (!g_a || !a || enum_has(a, v));
}

/* A random usable value of en into dst; 0 when there is none. */
static int pick_usable(const struct gschema *s, const char *en, char *dst)
{
    const struct genum *e = find_enum(s, en);
    if (!e || !e->nvals)
        return 0;
    int start = rnd(e->nvals);
    for (int i = 0; i < e->nvals; i++) {
        const char *v = e->vals[(start + i) % e->nvals];
        if (usable_value(s, en, v)) {
            setn(dst, v);
            return 1;
        }
    }
    return 0;
}

/* The output columns of view vi (names and types); returns their count. */
static int view_outputs(const struct gschema *s, int vi, char names[][NL], struct gtype *types);

/* Whether schema s uses value v of enum en anywhere (default, check, predicate, view). */
static int value_used(const struct gschema *s, const char *en, const char *v)
{
    for (int i = 0; i < s->ntab; i++) {
        const struct gtable *t = &s->tables[i];
        for (int j = 0; j < t->ncol; j++) {
            const struct gcol *c = &t->cols[j];
            if ((c->t.k == TK_ENUM || c->t.k == TK_ENUMARR) && !strcmp(c->t.en, en) &&
                c->def.k == DF_ENUM && !strcmp(c->def.ref, v))
                return 1;
        }
        for (int j = 0; j < t->ncons; j++) {
            const struct gcol *c = find_col(t, t->cons[j].cols[0]);
            if (t->cons[j].type == 'c' && t->cons[j].ck == CK_ENUM_NE && c &&
                !strcmp(c->t.en, en) && !strcmp(t->cons[j].ck_val, v))
                return 1;
        }
        for (int j = 0; j < t->nidx; j++) {
            const struct gcol *c = find_col(t, t->idx[j].pred_col);
            if (t->idx[j].pred == P_EQ && c && c->t.k == TK_ENUM && !strcmp(c->t.en, en) &&
                !strcmp(t->idx[j].pred_val, v))
                return 1;
        }
    }
    for (int i = 0; i < s->nview; i++) {
        const struct gview *w = &s->views[i];
        const struct gtable *t = find_table(s, w->from);
        if (w->where != W_EQ)
            continue;
        if (t) {
            const struct gcol *c = find_col(t, w->where_col);
            if (c && c->t.k == TK_ENUM && !strcmp(c->t.en, en) && !strcmp(w->where_val, v))
                return 1;
        } else if (!strcmp(w->where_val, v)) {
            return 1; /* over a view: be conservative */
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ sequences */

static long long seq_type_max(int type)
{
    return type == ST_INTEGER    ? 2147483647LL
           : type == ST_SMALLINT ? 32767LL
                                 : 9223372036854775807LL;
}

/* Make a sequence's options consistent. */
static void seq_fix(struct gseq *q)
{
    long long tmax = seq_type_max(q->type);
    if (q->has_max && q->maxv > tmax)
        q->maxv = tmax;
    long long mn = q->has_min ? q->minv : 1, mx = q->has_max ? q->maxv : tmax;
    if (mn >= mx) {
        q->has_min = 0;
        mn = 1;
    }
    if (q->has_start && (q->start < mn || q->start > mx))
        q->start = mn;
}

static void random_seq_options(struct gseq *q)
{
    static const int incs[] = {0, 1, 2, 5, 10};
    static const int caches[] = {0, 1, 10, 20};
    static const long long maxs[] = {1000, 99999, 32000, 2147483647LL};
    q->type = rnd(4);
    q->inc = incs[rnd(5)];
    q->cache = caches[rnd(4)];
    q->cycle = chance(15);
    q->has_min = chance(30);
    q->minv = chance(50) ? 1 : 10;
    q->has_max = chance(35);
    q->maxv = maxs[rnd(4)];
    q->has_start = chance(50);
    q->start = (q->has_min ? q->minv : 1) + rnd(200);
    seq_fix(q);
}

static int add_seq(struct gschema *s)
{
    const char *n;
    if (s->nseq >= MAXS || !(n = pick_name(SEQ_NAMES, COUNT_OF(SEQ_NAMES), s, name_used)))
        return 0;
    struct gseq *q = &s->seqs[s->nseq++];
    memset(q, 0, sizeof *q);
    setn(q->name, n);
    random_seq_options(q);
    q->comment = chance(15) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return 1;
}

/* ------------------------------------------------------------------ enums, functions */

static int add_enum(struct gschema *s)
{
    const char *n;
    if (s->nenum >= MAXE || !(n = pick_name(ENUM_NAMES, COUNT_OF(ENUM_NAMES), s, name_used)))
        return 0;
    struct genum *e = &s->enums[s->nenum++];
    memset(e, 0, sizeof *e);
    setn(e->name, n);
    int want = 2 + rnd(4);
    while (e->nvals < want) {
        const char *v = ENUM_VALUES[rnd(COUNT_OF(ENUM_VALUES))];
        if (!enum_has(e, v))
            setn(e->vals[e->nvals++], v);
    }
    e->comment = chance(15) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return 1;
}

static int add_domain(struct gschema *s)
{
    const char *n;
    if (s->ndom >= MAXD || !(n = pick_name(DOMAIN_NAMES, COUNT_OF(DOMAIN_NAMES), s, name_used)))
        return 0;
    struct gdomain *d = &s->domains[s->ndom++];
    memset(d, 0, sizeof *d);
    setn(d->name, n);
    d->base = rnd(2);
    d->variant = rnd(3);
    d->comment = chance(15) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return 1;
}

static int add_comp(struct gschema *s)
{
    const char *n;
    if (s->ncomp >= MAXCT || !(n = pick_name(COMP_NAMES, COUNT_OF(COMP_NAMES), s, name_used)))
        return 0;
    struct gcomp *c = &s->comps[s->ncomp++];
    memset(c, 0, sizeof *c);
    setn(c->name, n);
    int want = 1 + rnd(3), start = rnd(COUNT_OF(COMP_ATTRS));
    for (int i = 0; i < want; i++) {
        setn(c->attrs[c->nattrs], COMP_ATTRS[(start + i) % COUNT_OF(COMP_ATTRS)]);
        c->atext[c->nattrs++] = chance(60);
    }
    c->comment = chance(15) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return 1;
}

static const char *const FN_NAMES[][3] = {
    [FN_ADDN] = {"addOne", "add_two", "Plus Three"},
    [FN_SLUG] = {"slugify", "Slug It", "slug2"},
    [FN_TRIG] = {"touch", "audit_row", "Noop Trigger"},
    [FN_COUNT] = {"countRows", "row_total", "Count It"},
    [FN_PROC] = {"doNothing", "log it", "proc3"},
};

static struct gfunc *add_func(struct gschema *s, int kind)
{
    const char *n = pick_name(FN_NAMES[kind], 3, s, func_name_used);
    if (s->nfunc >= MAXF || !n)
        return NULL;
    struct gfunc *f = &s->funcs[s->nfunc++];
    memset(f, 0, sizeof *f);
    setn(f->name, n);
    f->kind = kind;
    f->variant = rnd(3);
    f->big = kind == FN_ADDN && chance(25);
    f->plpgsql = (kind == FN_ADDN || kind == FN_PROC) && chance(40);
    if (kind == FN_COUNT) {
        if (!s->ntab) {
            s->nfunc--;
            return NULL;
        }
        setn(f->table, s->tables[rnd(s->ntab)].name);
    }
    f->comment = chance(15) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return f;
}

/* A function of kind k in s (random), or NULL. */
static struct gfunc *func_of_kind(const struct gschema *s, int k)
{
    int start = rnd(s->nfunc > 0 ? s->nfunc : 1);
    for (int i = 0; i < s->nfunc; i++) {
        const struct gfunc *f = &s->funcs[(start + i) % s->nfunc];
        if (f->kind == k)
            return (struct gfunc *)f;
    }
    return NULL;
}

/* ------------------------------------------------------------------ defaults */

static int def_valid(const struct gschema *s, const struct gcol *c)
{
    int cl = tclass(&c->t);
    const struct gfunc *f;
    /* foreign-key columns have none: added to a table with rows, a default would have to
     * match a key */
    if (c->gen || c->ident || c->serial || c->fk || cl == CL_COMP)
        return c->def.k == DF_NONE;
    switch (c->def.k) {
    case DF_NONE:
        return 1;
    case DF_CONST:
        /* a domain's checks hold for values >= 1 and non-empty strings */
        if (c->t.k == TK_DOMAIN && (c->def.v % 5 == 0 || (!c->t.p && c->def.v % 5 == 4)))
            return 0;
        return cl != CL_ENUM;
    case DF_NOW:
        return cl == CL_TS || cl == CL_DATE;
    case DF_UUID:
        return cl == CL_UUID;
    case DF_SEQ:
        return cl == CL_INT && find_seq(s, c->def.ref);
    case DF_FUNC:
        f = find_func(s, c->def.ref);
        return f && ((f->kind == FN_ADDN && cl == CL_INT) || (f->kind == FN_SLUG && cl == CL_TEXT));
    case DF_ENUM:
        return (cl == CL_ENUM || cl == CL_ENUMARR) && usable_value(s, c->t.en, c->def.ref);
    }
    return 0;
}

/* A random valid default for c (possibly none). */
static void pick_default(const struct gschema *s, struct gcol *c)
{
    int cl = tclass(&c->t);
    const struct gfunc *f;
    memset(&c->def, 0, sizeof c->def);
    if (c->gen || c->ident || c->serial || c->fk)
        return;
    c->def.v = rnd(5);
    switch (rnd(3)) {
    case 0:
        if ((cl == CL_TS || cl == CL_DATE) && chance(70)) {
            c->def.k = DF_NOW;
            return;
        }
        if (cl == CL_UUID && chance(80)) {
            c->def.k = DF_UUID;
            return;
        }
        if (cl == CL_INT && s->nseq && chance(50)) {
            c->def.k = DF_SEQ;
            setn(c->def.ref, s->seqs[rnd(s->nseq)].name);
            return;
        }
        break;
    case 1:
        if (cl == CL_INT && (f = func_of_kind(s, FN_ADDN))) {
            c->def.k = DF_FUNC;
            setn(c->def.ref, f->name);
            return;
        }
        if (cl == CL_TEXT && (f = func_of_kind(s, FN_SLUG)) && chance(50)) {
            c->def.k = DF_FUNC;
            setn(c->def.ref, f->name);
            return;
        }
        break;
    default:
        break;
    }
    if (cl == CL_ENUM || cl == CL_ENUMARR) {
        if (cl == CL_ENUMARR && chance(40)) {
            c->def.k = DF_CONST;
            return;
        }
        if (pick_usable(s, c->t.en, c->def.ref))
            c->def.k = DF_ENUM;
        return;
    }
    c->def.k = DF_CONST;
    if (!def_valid(s, c))
        memset(&c->def, 0, sizeof c->def);
}

static void print_default(const struct gcol *c)
{
    static const char *const ints[] = {"0", "1", "7", "42", "-1"};
    static const char *const nums[] = {"0", "9.99", "1.5", "100", "0.01"};
    static const char *const texts[] = {"", "x", "it's", "a\\b", "ünï"};
    static const char *const jsons[] = {"{}", "[]", "{\"a\": 1}", "null", "\"s\""};
    int cl = tclass(&c->t), v = c->def.v % 5;
    switch (c->def.k) {
    case DF_CONST:
        switch (cl) {
        case CL_INT:
            out("%s", ints[v]);
            break;
        case CL_NUM:
            out("%s", nums[v]);
            break;
        case CL_TEXT:
            ql(texts[v]);
            break;
        case CL_BOOL:
            out(v % 2 ? "true" : "false");
            break;
        case CL_TS:
            out("'2024-01-01 00:00:00'");
            break;
        case CL_DATE:
            out("'2024-01-01'");
            break;
        case CL_JSON:
            ql(jsons[v]);
            break;
        case CL_UUID:
            out("'00000000-0000-0000-0000-000000000000'");
            break;
        case CL_TEXTARR:
            out(v % 2 ? "'{}'" : "ARRAY['a', 'b']::text[]");
            break;
        case CL_INTARR:
            out(v % 2 ? "'{}'" : "'{1,2}'");
            break;
        default: /* enum array */
            out("'{}'");
            break;
        }
        break;
    case DF_NOW:
        out(cl == CL_DATE ? "CURRENT_DATE" : v % 2 ? "now()" : "CURRENT_TIMESTAMP");
        break;
    case DF_UUID:
        out("gen_random_uuid()");
        break;
    case DF_SEQ:
        out("nextval(");
        qil(c->def.ref);
        out(")");
        break;
    case DF_FUNC:
        qi(c->def.ref);
        if (cl == CL_INT)
            out("(%d)", 40 + v);
        else
            out("('Hello World')");
        break;
    case DF_ENUM:
        if (cl == CL_ENUMARR) {
            out("ARRAY[");
            ql(c->def.ref);
            out("]::");
            qi(c->t.en);
            out("[]");
        } else {
            ql(c->def.ref);
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ columns */

static int gen_valid(const struct gschema *s, const struct gtable *t, const struct gcol *c)
{
    const struct gcol *r = find_col(t, c->gen_ref);
    if (!r || r == c || r->gen || r->ident || r->fk)
        return 0;
    int rc = tclass(&r->t), cc = tclass(&c->t);
    switch (c->gen) {
    case G_UPPER:
    case G_LOWER:
    case G_CONCAT:
        return rc == CL_TEXT && c->t.k == TK_TEXT;
    case G_SLUG: {
        const struct gfunc *f = find_func(s, "slugify");
        return rc == CL_TEXT && c->t.k == TK_TEXT && f && f->kind == FN_SLUG;
    }
    case G_MUL:
    case G_ADD:
        return rc == CL_INT && cc == CL_INT && is_int_kind(c->t.k);
    }
    return 0;
}

/* Make c a generated column over some other column of t; 0 when none fits. */
static int make_generated(const struct gschema *s, const struct gtable *t, struct gcol *c)
{
    int start = rnd(t->ncol > 0 ? t->ncol : 1);
    for (int i = 0; i < t->ncol; i++) {
        const struct gcol *r = &t->cols[(start + i) % t->ncol];
        int rc = tclass(&r->t);
        if (r == c || r->gen || r->ident || r->fk || (rc != CL_TEXT && rc != CL_INT))
            continue;
        struct gcol save = *c;
        setn(c->gen_ref, r->name);
        if (rc == CL_TEXT) {
            static const int kinds[] = {G_UPPER, G_LOWER, G_CONCAT, G_SLUG};
            c->gen = kinds[rnd(4)];
            make_type(s, &c->t, TK_TEXT);
        } else {
            c->gen = chance(50) ? G_MUL : G_ADD;
            make_type(s, &c->t, r->t.k == TK_BIGINT ? TK_BIGINT : TK_INT);
        }
        c->serial = 0;
        c->ident = 0;
        c->coll = 0;
        memset(&c->def, 0, sizeof c->def);
        if (gen_valid(s, t, c))
            return 1;
        *c = save;
    }
    return 0;
}

static void print_gen(const struct gcol *c)
{
    switch (c->gen) {
    case G_UPPER:
        out("upper(");
        qi(c->gen_ref);
        out(")");
        break;
    case G_LOWER:
        out("lower(");
        qi(c->gen_ref);
        out(")");
        break;
    case G_CONCAT:
        out("(");
        qi(c->gen_ref);
        out(" || '-x')");
        break;
    case G_SLUG:
        qi("slugify");
        out("(");
        qi(c->gen_ref);
        out(")");
        break;
    case G_MUL:
        out("(");
        qi(c->gen_ref);
        out(" * 2)");
        break;
    default:
        out("(");
        qi(c->gen_ref);
        out(" + 1)");
        break;
    }
}

static int col_name_used(const struct gschema *s, const char *n);
static const struct gtable *g_cur_table, *g_cur_table_a; /* for col_name_used */

static int col_name_used(const struct gschema *s, const char *n)
{
    (void)s;
    return find_col(g_cur_table, n) || find_col(g_cur_table_a, n);
}

/* A new, empty column of t with a fresh name; NULL when full. */
static struct gcol *new_col(const struct gschema *s, struct gtable *t, const char *want)
{
    char name[NL];
    if (t->ncol >= MAXC)
        return NULL;
    g_cur_table = t;
    g_cur_table_a = find_table(g_a, t->name);
    if (want) {
        setn(name, want);
        for (int i = 2; col_name_used(s, name); i++)
            snprintf(name, sizeof name, "%.50s%d", want, i);
    } else {
        const char *n = pick_name(COL_NAMES, COUNT_OF(COL_NAMES), s, col_name_used);
        if (!n)
            return NULL;
        setn(name, n);
    }
    struct gcol *c = &t->cols[t->ncol++];
    memset(c, 0, sizeof *c);
    setn(c->name, name);
    return c;
}

/* A random data column. add_to_existing: B adds it to a table with rows (if safe), so
 * it may not be NOT NULL without a default. */
static struct gcol *add_data_col(struct gschema *s, struct gtable *t, int add_to_existing)
{
    struct gcol *c = new_col(s, t, NULL);
    if (!c)
        return NULL;
    make_type(s, &c->t, random_kind(s));
    c->not_null = chance(40);
    if (chance(10) && make_generated(s, t, c)) {
        c->not_null = chance(30);
    } else if (is_int_kind(c->t.k) && !t->part && chance(6)) {
        c->ident = chance(50) ? 'a' : 'd';
        c->not_null = 1;
        if (chance(40)) {
            c->id_start = 1 + rnd(1000);
            c->id_inc = 1 + rnd(5);
        }
    } else if (chance(35)) {
        pick_default(s, c);
    }
    if ((c->t.k == TK_TEXT || c->t.k == TK_VARCHAR) && !c->gen && chance(15))
        c->coll = 1 + rnd(2);
    if (add_to_existing && t->safe && c->not_null && c->def.k == DF_NONE && !c->gen && !c->ident &&
        !c->serial)
        c->not_null = 0;
    c->comment = chance(20) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return c;
}

/* ------------------------------------------------------------------ constraints */

static struct gcons *pk_of(const struct gtable *t)
{
    for (int i = 0; i < t->ncons; i++)
        if (t->cons[i].type == 'p')
            return (struct gcons *)&t->cons[i];
    return NULL;
}

static int cons_has_col(const struct gcons *k, const char *col)
{
    for (int i = 0; i < k->ncols; i++)
        if (!strcmp(k->cols[i], col))
            return 1;
    return 0;
}

static int index_has_col(const struct gindex *x, const char *col)
{
    for (int i = 0; i < x->nkeys; i++)
        if (!strcmp(x->keys[i].col, col))
            return 1;
    return !strcmp(x->pred_col, col) && x->pred != P_NONE;
}

/* Column col of t is in a constraint (types: string of 'p', 'u', 'c', 'f'). */
static int col_in_cons(const struct gtable *t, const char *col, const char *types)
{
    for (int i = 0; i < t->ncons; i++)
        if (strchr(types, t->cons[i].type) && cons_has_col(&t->cons[i], col))
            return 1;
    return 0;
}

static int col_in_unique_index(const struct gtable *t, const char *col)
{
    for (int i = 0; i < t->nidx; i++)
        if (t->idx[i].unique && index_has_col(&t->idx[i], col))
            return 1;
    return 0;
}

/* Another table's foreign key references t.col. */
static int col_referenced(const struct gschema *s, const struct gtable *t, const char *col)
{
    for (int i = 0; i < s->ntab; i++)
        for (int j = 0; j < s->tables[i].ncons; j++) {
            const struct gcons *k = &s->tables[i].cons[j];
            if (k->type == 'f' && !strcmp(k->ref_table, t->name) && !strcmp(k->ref_col, col))
                return 1;
        }
    return 0;
}

/* t exists in A and may hold rows: only data-preserving changes. */
static int strict(const struct gtable *t)
{
    return t->safe && g_a && find_table(g_a, t->name);
}

static int type_change_ok(const struct gtable *t, const struct gcol *c, const struct gtype *nt);

/* c may be part of a new unique key of t (rows hold distinct, non-NULL values). */
static int key_ok(const struct gtable *t, const struct gcol *c)
{
    if (c->fk || c->gen || !distinct_class(tclass(&c->t)))
        return 0;
    if (strict(t)) {
        const struct gcol *ac = find_col(find_table(g_a, t->name), c->name);
        return ac && !ac->fk && !ac->gen && distinct_class(tclass(&ac->t));
    }
    return 1;
}

/* c may get a check constraint or NOT NULL in t. */
static int value_col_ok(const struct gtable *t, const struct gcol *c)
{
    if (c->fk)
        return 0;
    if (strict(t)) {
        const struct gcol *ac = find_col(find_table(g_a, t->name), c->name);
        return ac && !ac->fk;
    }
    return 1;
}

/* The single-column unique key of t a foreign key may reference, or NULL. */
static const struct gcol *ref_key(const struct gtable *t, const char *col)
{
    for (int i = 0; i < t->ncons; i++) {
        const struct gcons *k = &t->cons[i];
        if ((k->type == 'p' || k->type == 'u') && k->ncols == 1 &&
            (!col || !strcmp(k->cols[0], col)))
            return find_col(t, k->cols[0]);
    }
    for (int i = 0; i < t->nidx; i++) {
        const struct gindex *x = &t->idx[i];
        if (x->unique && x->method == IM_BTREE && x->nkeys == 1 && x->keys[0].kind == IK_COL &&
            x->pred == P_NONE && (!col || !strcmp(x->keys[0].col, col)))
            return find_col(t, x->keys[0].col);
    }
    return NULL;
}

static int ck_valid(const struct gschema *s, const struct gtable *t, const struct gcons *k)
{
    const struct gcol *c = find_col(t, k->cols[0]);
    if (!c)
        return 0;
    int cl = tclass(&c->t);
    switch (k->ck) {
    case CK_GT0:
    case CK_GE0:
    case CK_LT:
    case CK_BETWEEN:
        return cl == CL_INT || cl == CL_NUM;
    case CK_LEN:
    case CK_NE_EMPTY:
        return cl == CL_TEXT;
    case CK_TS:
        return cl == CL_TS || cl == CL_DATE;
    case CK_JSON:
        return cl == CL_JSON;
    case CK_ENUM_NE:
        return cl == CL_ENUM && !t->safe && usable_value(s, c->t.en, k->ck_val);
    case CK_OR_NOTNULL:
        return k->ncols == 2 && find_col(t, k->cols[1]);
    }
    return 0;
}

/* A check kind for column c (one column); -1 when none fits. */
static int pick_check(const struct gschema *s, const struct gtable *t, struct gcons *k)
{
    static const int all[] = {CK_GT0,      CK_GE0, CK_LT,   CK_BETWEEN, CK_LEN,
                              CK_NE_EMPTY, CK_TS,  CK_JSON, CK_ENUM_NE};
    const struct gcol *c = find_col(t, k->cols[0]);
    int start = rnd(COUNT_OF(all));
    for (int i = 0; i < COUNT_OF(all); i++) {
        k->ck = all[(start + i) % COUNT_OF(all)];
        if (k->ck == CK_ENUM_NE && !(c && c->t.k == TK_ENUM && pick_usable(s, c->t.en, k->ck_val)))
            continue;
        if (ck_valid(s, t, k))
            return k->ck;
    }
    return -1;
}

static struct gcons *new_cons(const struct gschema *s, struct gtable *t, int type,
                              const char *cols_part, const char *suffix)
{
    char base[3 * NL];
    if (t->ncons >= MAXK)
        return NULL;
    struct gcons *k = &t->cons[t->ncons++];
    memset(k, 0, sizeof *k);
    k->type = type;
    snprintf(base, sizeof base, "%.24s_%.24s%s", t->name, cols_part, suffix);
    make_name(s, k->name, base);
    k->comment = chance(8) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return k;
}

static int add_check(struct gschema *s, struct gtable *t)
{
    int start = rnd(t->ncol > 0 ? t->ncol : 1);
    for (int i = 0; i < t->ncol; i++) {
        struct gcol *c = &t->cols[(start + i) % t->ncol];
        if (!value_col_ok(t, c) || c->gen)
            continue;
        struct gcons *k = new_cons(s, t, 'c', c->name, "_check");
        if (!k)
            return 0;
        setn(k->cols[0], c->name);
        k->ncols = 1;
        if (chance(20)) {
            struct gcol *d = &t->cols[rnd(t->ncol)];
            if (d != c && value_col_ok(t, d) && !d->gen) {
                setn(k->cols[1], d->name);
                k->ncols = 2;
                k->ck = CK_OR_NOTNULL;
                return 1;
            }
        }
        if (pick_check(s, t, k) >= 0) {
            k->not_valid = chance(1);
            return 1;
        }
        t->ncons--;
    }
    return 0;
}

static int add_unique(struct gschema *s, struct gtable *t)
{
    const struct gcol *a = NULL, *b = NULL;
    if (t->part)
        return 0;
    int start = rnd(t->ncol > 0 ? t->ncol : 1);
    for (int i = 0; i < t->ncol && !a; i++)
        if (key_ok(t, &t->cols[(start + i) % t->ncol]))
            a = &t->cols[(start + i) % t->ncol];
    if (!a)
        return 0;
    if (chance(30)) {
        const struct gcol *c = &t->cols[rnd(t->ncol)];
        if (c != a && !c->fk && !c->gen)
            b = c;
    }
    char part[2 * NL + 2];
    snprintf(part, sizeof part, "%s%s%s", a->name, b ? "_" : "", b ? b->name : "");
    struct gcons *k = new_cons(s, t, 'u', part, "_key");
    if (!k)
        return 0;
    setn(k->cols[0], a->name);
    k->ncols = 1;
    if (b) {
        setn(k->cols[1], b->name);
        k->ncols = 2;
    }
    return 1;
}

static void random_fk_actions(struct gcons *k, const struct gcol *c)
{
    k->on_del = rnd(5);
    k->on_upd = rnd(5);
    if (c->not_null && k->on_del == FA_SETNULL)
        k->on_del = FA_CASCADE;
    if (c->not_null && k->on_upd == FA_SETNULL)
        k->on_upd = FA_RESTRICT;
    k->defer = chance(15) ? 1 + rnd(2) : 0;
    k->match_full = chance(10);
    k->not_valid = chance(1);
}

/* A foreign key from column c of t to a random referenceable table (maybe t). */
static int add_fk_to(struct gschema *s, struct gtable *t, struct gcol *c)
{
    int start = rnd(s->ntab);
    for (int i = 0; i < s->ntab; i++) {
        const struct gtable *r = &s->tables[(start + i) % s->ntab];
        const struct gcol *rk = ref_key(r, NULL);
        if (!rk || (r == t && rk == c) || (g_a && !type_change_ok(t, c, &rk->t)))
            continue;
        struct gcons *k = new_cons(s, t, 'f', c->name, "_fkey");
        if (!k)
            return 0;
        setn(k->cols[0], c->name);
        k->ncols = 1;
        setn(k->ref_table, r->name);
        setn(k->ref_col, rk->name);
        c->t = rk->t;
        random_fk_actions(k, c);
        return 1;
    }
    return 0;
}

/* A new foreign-key column in t (nullable in a safe table). */
static int add_fk_col(struct gschema *s, struct gtable *t)
{
    int self = chance(20) && ref_key(t, NULL);
    const struct gtable *r = self ? t : &s->tables[rnd(s->ntab)];
    char want[NL + 4];
    if (!ref_key(r, NULL))
        return 0;
    if (self) {
        snprintf(want, sizeof want, "%s", chance(50) ? "previousVersionId" : "parentId");
    } else {
        snprintf(want, sizeof want, "%.50sId", r->name);
        if (want[0] >= 'A' && want[0] <= 'Z')
            want[0] = (char)(want[0] - 'A' + 'a');
    }
    struct gcol *c = new_col(s, t, want);
    if (!c)
        return 0;
    c->fk = 1;
    c->not_null = !t->safe && chance(30);
    c->comment = chance(10) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    const struct gcol *rk = ref_key(r, NULL);
    c->t = rk->t;
    struct gcons *k = new_cons(s, t, 'f', c->name, "_fkey");
    if (!k) {
        t->ncol--;
        return 0;
    }
    setn(k->cols[0], c->name);
    k->ncols = 1;
    setn(k->ref_table, r->name);
    setn(k->ref_col, rk->name);
    random_fk_actions(k, c);
    return 1;
}

/* ------------------------------------------------------------------ indexes */

static int ikey_valid(const struct gschema *s, const struct gtable *t, const struct gindex *x,
                      const struct gikey *k)
{
    const struct gcol *c = find_col(t, k->col);
    if (!c)
        return 0;
    int cl = tclass(&c->t);
    if (cl == CL_COMP && (x->method != IM_BTREE || k->kind != IK_COL))
        return 0;
    switch (x->method) {
    case IM_HASH:
        if (k->kind != IK_COL)
            return 0;
        break;
    case IM_GIN:
        if (k->kind != IK_COL ||
            !(cl == CL_JSON || cl == CL_TEXTARR || cl == CL_INTARR || cl == CL_ENUMARR))
            return 0;
        if (k->path_ops && cl != CL_JSON)
            return 0;
        break;
    case IM_BRIN:
        if (k->kind != IK_COL || c->t.k == TK_CITEXT ||
            !(cl == CL_INT || cl == CL_NUM || cl == CL_TS || cl == CL_DATE || cl == CL_TEXT))
            return 0;
        break;
    default:
        break;
    }
    if (k->path_ops && x->method != IM_GIN)
        return 0;
    switch (k->kind) {
    case IK_LOWER:
        return cl == CL_TEXT;
    case IK_PLUS1:
        return cl == CL_INT;
    case IK_SLUG: {
        const struct gfunc *f = find_func(s, "slugify");
        return cl == CL_TEXT && f && f->kind == FN_SLUG;
    }
    default:
        return 1;
    }
}

static int pred_valid(const struct gschema *s, const struct gtable *t, int pred, const char *col,
                      const char *val)
{
    const struct gcol *c = find_col(t, col);
    if (pred == P_NONE)
        return 1;
    if (!c)
        return 0;
    int cl = tclass(&c->t);
    switch (pred) {
    case P_GT0:
        return cl == CL_INT || cl == CL_NUM;
    case P_BOOL:
        return cl == CL_BOOL;
    case P_EQ:
        return cl == CL_TEXT || (cl == CL_ENUM && usable_value(s, c->t.en, val));
    default:
        return 1;
    }
}

static int index_valid(const struct gschema *s, const struct gtable *t, const struct gindex *x)
{
    if (x->nkeys < 1 || (x->unique && (x->method != IM_BTREE || t->part)))
        return 0;
    if (x->method != IM_BTREE && x->method != IM_BRIN && x->nkeys != 1)
        return 0;
    for (int i = 0; i < x->nkeys; i++)
        if (!ikey_valid(s, t, x, &x->keys[i]))
            return 0;
    if (x->unique) {
        int distinct = 0;
        for (int i = 0; i < x->nkeys; i++) {
            const struct gcol *c = find_col(t, x->keys[i].col);
            if (c && (c->fk || c->gen || (strict(t) && !key_ok(t, c))))
                return 0;
            distinct |= c && key_ok(t, c);
        }
        if (!distinct && t->safe)
            return 0;
    }
    return pred_valid(s, t, x->pred, x->pred_col, x->pred_val);
}

static void random_pred(const struct gschema *s, const struct gtable *t, struct gindex *x)
{
    const struct gcol *c = &t->cols[rnd(t->ncol)];
    int cl = tclass(&c->t);
    x->pred = P_NONE;
    setn(x->pred_col, c->name);
    if (cl == CL_INT || cl == CL_NUM)
        x->pred = chance(50) ? P_GT0 : P_NOTNULL;
    else if (cl == CL_BOOL)
        x->pred = P_BOOL;
    else if (cl == CL_ENUM && pick_usable(s, c->t.en, x->pred_val))
        x->pred = P_EQ;
    else if (cl == CL_TEXT && chance(40)) {
        x->pred = P_EQ;
        setn(x->pred_val, chance(50) ? "x" : "it's");
    } else
        x->pred = chance(70) ? P_NOTNULL : P_ISNULL;
}

/* Fill x with a random index over t; 0 when the attempt is not valid. */
static int random_index(const struct gschema *s, const struct gtable *t, struct gindex *x)
{
    char keep[NL];
    int comment = x->comment;
    setn(keep, x->name);
    memset(x, 0, sizeof *x);
    setn(x->name, keep);
    x->comment = comment;
    if (!t->ncol)
        return 0;
    int r = rnd(100);
    x->method = r < 60 ? IM_BTREE : r < 72 ? IM_HASH : r < 88 ? IM_GIN : IM_BRIN;
    x->nkeys = x->method == IM_BTREE ? 1 + rnd(3) : x->method == IM_BRIN ? 1 + rnd(2) : 1;
    if (x->nkeys > 2 && chance(50))
        x->nkeys = 2;
    for (int i = 0; i < x->nkeys; i++) {
        struct gikey *k = &x->keys[i];
        const struct gcol *c = &t->cols[rnd(t->ncol)];
        int cl = tclass(&c->t);
        setn(k->col, c->name);
        if (x->method == IM_BTREE) {
            if (cl == CL_TEXT && chance(25))
                k->kind = chance(70) ? IK_LOWER : IK_SLUG;
            else if (cl == CL_INT && chance(15))
                k->kind = IK_PLUS1;
            k->desc = chance(20);
            k->nulls_first = chance(10);
        }
        if (x->method == IM_GIN && cl == CL_JSON)
            k->path_ops = chance(40);
    }
    x->unique = x->method == IM_BTREE && chance(25);
    if (chance(20))
        random_pred(s, t, x);
    return index_valid(s, t, x);
}

static int add_index(struct gschema *s, struct gtable *t)
{
    if (t->nidx >= MAXI)
        return 0;
    struct gindex *x = &t->idx[t->nidx];
    for (int tries = 0; tries < 8; tries++) {
        memset(x, 0, sizeof *x);
        if (!random_index(s, t, x))
            continue;
        char base[3 * NL];
        snprintf(base, sizeof base, "%.24s_%.24s%s%.12s%s", t->name, x->keys[0].col,
                 x->nkeys > 1 ? "_" : "", x->nkeys > 1 ? x->keys[1].col : "",
                 x->unique ? "_key" : "_idx");
        make_name(s, x->name, base);
        x->comment = chance(8) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
        t->nidx++;
        return 1;
    }
    return 0;
}

static void print_ikey(const struct gikey *k)
{
    switch (k->kind) {
    case IK_LOWER:
        out("lower(");
        qi(k->col);
        out(")");
        break;
    case IK_PLUS1:
        out("(");
        qi(k->col);
        out(" + 1)");
        break;
    case IK_SLUG:
        qi("slugify");
        out("(");
        qi(k->col);
        out(")");
        break;
    default:
        qi(k->col);
        break;
    }
    if (k->path_ops)
        out(" jsonb_path_ops");
    if (k->desc)
        out(" DESC");
    if (k->nulls_first)
        out(" NULLS FIRST");
}

static void print_pred(int pred, const char *col, const char *val)
{
    switch (pred) {
    case P_NOTNULL:
        qi(col);
        out(" IS NOT NULL");
        break;
    case P_ISNULL:
        qi(col);
        out(" IS NULL");
        break;
    case P_GT0:
        qi(col);
        out(" > 0");
        break;
    case P_BOOL:
        qi(col);
        break;
    case P_EQ:
        qi(col);
        out(" = ");
        ql(val);
        break;
    default:
        break;
    }
}

static void print_index(const char *on, const struct gindex *x)
{
    static const char *const methods[] = {"btree", "hash", "gin", "brin"};
    out("CREATE %sINDEX ", x->unique ? "UNIQUE " : "");
    qi(x->name);
    out(" ON ");
    qi(on);
    if (x->method != IM_BTREE)
        out(" USING %s", methods[x->method]);
    out("(");
    for (int i = 0; i < x->nkeys; i++) {
        if (i)
            out(", ");
        print_ikey(&x->keys[i]);
    }
    out(")");
    if (x->pred != P_NONE) {
        out(" WHERE ");
        print_pred(x->pred, x->pred_col, x->pred_val);
    }
    out(";\n");
}

/* ------------------------------------------------------------------ triggers */

static int trig_valid(const struct gschema *s, const struct gtable *t, const struct gtrig *g)
{
    const struct gfunc *f = find_func(s, g->func);
    const struct gcol *c = find_col(t, g->col);
    if (!f || f->kind != FN_TRIG || !g->events)
        return 0;
    /* a BEFORE trigger's WHEN cannot see NEW generated columns, nor NEW.* with any */
    if (g->before && g->when == 1 && c && c->gen)
        return 0;
    for (int i = 0; g->before && g->when == 2 && i < t->ncol; i++)
        if (t->cols[i].gen)
            return 0;
    if (g->row && (g->events & EV_TRUNCATE))
        return 0;
    if (!g->row && g->when)
        return 0;
    if (g->when == 1 && ((g->events & EV_DELETE) || !find_col(t, g->col)))
        return 0;
    if (g->when == 2 && g->events != EV_UPDATE)
        return 0;
    if (g->update_of && (!(g->events & EV_UPDATE) || !find_col(t, g->col)))
        return 0;
    return 1;
}

static int random_trigger(const struct gschema *s, const struct gtable *t, struct gtrig *g)
{
    const struct gfunc *f = func_of_kind(s, FN_TRIG);
    if (!f || !t->ncol)
        return 0;
    setn(g->func, f->name);
    g->row = chance(75);
    g->before = chance(50);
    g->events = 0;
    while (!g->events)
        g->events = rnd(g->row ? 8 : 16);
    setn(g->col, t->cols[rnd(t->ncol)].name);
    g->when = 0;
    g->update_of = 0;
    if (g->row && chance(30))
        g->when = g->events == EV_UPDATE && chance(50) ? 2 : 1;
    if ((g->events & EV_UPDATE) && chance(20))
        g->update_of = 1;
    g->disabled = chance(10);
    return trig_valid(s, t, g);
}

static int add_trigger(struct gschema *s, struct gtable *t)
{
    if (t->ntrg >= MAXTR)
        return 0;
    struct gtrig *g = &t->trg[t->ntrg];
    for (int tries = 0; tries < 6; tries++) {
        memset(g, 0, sizeof *g);
        if (!random_trigger(s, t, g))
            continue;
        for (int i = 1;; i++) {
            char n[NL];
            snprintf(n, sizeof n, "%.40s_trg%d", t->name, i);
            int taken = 0;
            for (int j = 0; j < t->ntrg; j++)
                taken |= !strcmp(t->trg[j].name, n);
            if (!taken) {
                setn(g->name, n);
                break;
            }
        }
        g->comment = chance(10) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
        t->ntrg++;
        return 1;
    }
    return 0;
}

static void print_trigger(const char *on, const struct gtrig *g)
{
    static const char *const evn[] = {"INSERT", "UPDATE", "DELETE", "TRUNCATE"};
    int first = 1;
    out("CREATE TRIGGER ");
    qi(g->name);
    out(" %s ", g->before ? "BEFORE" : "AFTER");
    for (int i = 0; i < 4; i++) {
        if (!(g->events & (1 << i)))
            continue;
        out("%s%s", first ? "" : " OR ", evn[i]);
        first = 0;
        if (i == 1 && g->update_of) {
            out(" OF ");
            qi(g->col);
        }
    }
    out(" ON ");
    qi(on);
    out(" FOR EACH %s", g->row ? "ROW" : "STATEMENT");
    if (g->when == 1) {
        out(" WHEN (NEW.");
        qi(g->col);
        out(" IS NOT NULL)");
    } else if (g->when == 2) {
        out(" WHEN (OLD.* IS DISTINCT FROM NEW.*)");
    }
    out(" EXECUTE FUNCTION ");
    qi(g->func);
    out("();\n");
    if (g->disabled) {
        out("ALTER TABLE ");
        qi(on);
        out(" DISABLE TRIGGER ");
        qi(g->name);
        out(";\n");
    }
}

/* ------------------------------------------------------------------ tables */

static int table_name_used(const struct gschema *s, const char *n)
{
    return name_used(s, n);
}

/* A partition of t over a range not yet covered (or its DEFAULT partition). */
static int add_partition(struct gschema *s, struct gtable *t, int is_default)
{
    char base[2 * NL];
    if (t->nparts >= MAXP)
        return 0;
    struct gpart *p = &t->parts[t->nparts];
    memset(p, 0, sizeof *p);
    p->is_default = is_default;
    for (int i = 0; i < t->nparts; i++)
        if (is_default && t->parts[i].is_default)
            return 0;
    for (int tries = 0; !is_default; tries++) {
        int taken = 0;
        p->y = rnd(6);
        for (int i = 0; i < t->nparts; i++)
            taken |= !t->parts[i].is_default && t->parts[i].y == p->y;
        if (!taken)
            break;
        if (tries > 10)
            return 0;
    }
    if (is_default)
        snprintf(base, sizeof base, "%.50s_default", t->name);
    else
        snprintf(base, sizeof base, "%.50s_p%d", t->name, p->y);
    make_name(s, p->name, base);
    t->nparts++;
    return 1;
}

static struct gtable *add_table(struct gschema *s, int safe)
{
    const char *n;
    if (s->ntab >= MAXT || !(n = pick_name(TABLE_NAMES, COUNT_OF(TABLE_NAMES), s, table_name_used)))
        return NULL;
    struct gtable *t = &s->tables[s->ntab++];
    memset(t, 0, sizeof *t);
    setn(t->name, n);
    t->safe = safe;
    struct gcol *id = new_col(s, t, "id");
    switch (rnd(7)) {
    case 0:
        id->t.k = TK_INT;
        id->serial = 1;
        break;
    case 1:
        id->t.k = TK_BIGINT;
        id->serial = 1;
        break;
    case 2:
        id->t.k = TK_INT;
        id->ident = 'd';
        break;
    case 3:
        id->t.k = TK_BIGINT;
        id->ident = 'a';
        if (chance(50)) {
            id->id_start = 100;
            id->id_inc = 2;
        }
        break;
    case 4:
        id->t.k = TK_TEXT;
        break;
    case 5:
        id->t.k = TK_UUID;
        id->def.k = DF_UUID;
        break;
    default:
        id->t.k = TK_INT;
        break;
    }
    id->not_null = 1;
    /* partitioned tables hold no rows; their keys must include the partition key */
    t->part = !safe && chance(12);
    if (t->part) {
        id->ident = id->serial = 0;
        struct gcol *key = new_col(s, t, chance(50) ? "at" : "bucket");
        make_type(s, &key->t, chance(50) ? TK_DATE : TK_INT);
        key->not_null = 1;
        setn(t->part_col, key->name);
        int nparts = 1 + rnd(MAXP);
        for (int i = 0; i < nparts; i++)
            add_partition(s, t, i == 2 && chance(40));
    }
    int ncols = 2 + rnd(6);
    for (int i = 0; i < ncols; i++)
        add_data_col(s, t, 0);
    if (t->part) {
        struct gcons *k = chance(60) ? new_cons(s, t, 'p', "", "pkey") : NULL;
        if (k) {
            setn(k->cols[0], "id");
            setn(k->cols[1], t->part_col);
            k->ncols = 2;
        }
    } else if (chance(90)) {
        struct gcons *k = new_cons(s, t, 'p', "", "pkey"); /* "<table>_pkey" */
        if (!k)
            return t;
        setn(k->cols[0], "id");
        k->ncols = 1;
        if (chance(10)) {
            struct gcol *c = &t->cols[1 + rnd(t->ncol - 1)];
            if (key_ok(t, c)) {
                setn(k->cols[1], c->name);
                k->ncols = 2;
                c->not_null = 1;
            }
        }
    } else if (chance(50)) {
        add_unique(s, t);
    }
    int nfk = rnd(3);
    for (int i = 0; i < nfk; i++)
        add_fk_col(s, t);
    if (chance(35))
        add_unique(s, t);
    int nck = rnd(3);
    for (int i = 0; i < nck; i++)
        add_check(s, t);
    int nix = rnd(4);
    for (int i = 0; i < nix; i++)
        add_index(s, t);
    t->opts = !t->part && chance(12) ? 1 + rnd(3) : 0;
    t->unlogged = !t->part && chance(5);
    t->comment = chance(30) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    return t;
}

/* ------------------------------------------------------------------ views */

static int view_outputs(const struct gschema *s, int vi, char names[][NL], struct gtype *types)
{
    const struct gview *v = &s->views[vi];
    char sn[MAXC][NL];
    struct gtype st[MAXC];
    int ns = 0, n = 0;
    const struct gtable *t = find_table(s, v->from);
    int si = view_index(s, v->from);
    if (t) {
        for (int i = 0; i < t->ncol; i++) {
            setn(sn[ns], t->cols[i].name);
            st[ns++] = t->cols[i].t;
        }
    } else if (si >= 0 && si < vi) {
        ns = view_outputs(s, si, sn, st);
    } else {
        return 0;
    }
    for (int i = 0; i < v->ncols; i++) {
        int found = -1;
        for (int j = 0; j < ns; j++)
            if (!strcmp(sn[j], v->cols[i]))
                found = j;
        if (found < 0)
            continue;
        setn(names[n], sn[found]);
        types[n++] = st[found];
        if (v->kind != VK_SELECT)
            break;
    }
    if (v->kind == VK_AGG && n == 1) {
        setn(names[n], "nRows");
        memset(&types[n], 0, sizeof types[n]);
        types[n++].k = TK_BIGINT;
    }
    if (v->kind == VK_FUNC && n == 1) {
        setn(names[n], "slugged");
        memset(&types[n], 0, sizeof types[n]);
        types[n++].k = TK_TEXT;
    }
    return n;
}

/* The source columns of view vi: those of its table or view. */
static int view_source(const struct gschema *s, int vi, char names[][NL], struct gtype *types)
{
    const struct gview *v = &s->views[vi];
    const struct gtable *t = find_table(s, v->from);
    int si = view_index(s, v->from);
    if (t) {
        for (int i = 0; i < t->ncol; i++) {
            setn(names[i], t->cols[i].name);
            types[i] = t->cols[i].t;
        }
        return t->ncol;
    }
    if (si >= 0 && si < vi && !s->views[si].mat)
        return view_outputs(s, si, names, types);
    return -1;
}

static int where_valid(const struct gschema *s, int where, const struct gtype *t, const char *val)
{
    int cl = tclass(t);
    switch (where) {
    case W_GT0:
        return cl == CL_INT || cl == CL_NUM;
    case W_BOOL:
        return cl == CL_BOOL;
    case W_EQ:
        return cl == CL_TEXT || (cl == CL_ENUM && usable_value(s, t->en, val));
    default:
        return 1;
    }
}

static void random_where(const struct gschema *s, struct gview *v, const char *col,
                         const struct gtype *t)
{
    int cl = tclass(t);
    setn(v->where_col, col);
    v->where = W_NOTNULL;
    if (cl == CL_INT || cl == CL_NUM)
        v->where = W_GT0;
    else if (cl == CL_BOOL)
        v->where = W_BOOL;
    else if (cl == CL_ENUM && pick_usable(s, t->en, v->where_val))
        v->where = W_EQ;
    else if (cl == CL_TEXT && chance(50)) {
        v->where = W_EQ;
        setn(v->where_val, "x");
    }
}

static int add_view(struct gschema *s, int mat)
{
    const char *n;
    char sn[MAXC][NL];
    struct gtype st[MAXC];
    if (s->nview >= MAXV || !s->ntab ||
        !(n = pick_name(VIEW_NAMES, COUNT_OF(VIEW_NAMES), s, name_used)))
        return 0;
    struct gview *v = &s->views[s->nview];
    memset(v, 0, sizeof *v);
    setn(v->name, n);
    v->mat = mat;
    int onview = !mat && s->nview && chance(30); /* then a plain SELECT */
    if (onview) {
        int si = rnd(s->nview);
        if (s->views[si].mat)
            onview = 0;
        else
            setn(v->from, s->views[si].name);
    }
    if (!onview)
        setn(v->from, s->tables[rnd(s->ntab)].name);
    int ns = view_source(s, s->nview, sn, st);
    if (ns <= 0)
        return 0;
    int r = rnd(100);
    v->kind = mat ? (r < 70 ? VK_AGG : VK_SELECT) : r < 70 ? VK_SELECT : r < 85 ? VK_FUNC : VK_AGG;
    if (onview)
        v->kind = VK_SELECT;
    if (v->kind == VK_FUNC) {
        const struct gfunc *f = find_func(s, "slugify");
        int tc = -1;
        for (int i = 0; i < ns; i++)
            if (tclass(&st[i]) == CL_TEXT)
                tc = i;
        if (!f || f->kind != FN_SLUG || tc < 0)
            v->kind = VK_SELECT;
        else {
            setn(v->cols[0], sn[tc]);
            v->ncols = 1;
        }
    }
    if (v->kind == VK_AGG) {
        int i = rnd(ns);
        setn(v->cols[0], sn[i]);
        v->ncols = 1;
    }
    if (v->kind == VK_SELECT) {
        int want = 1 + rnd(4);
        for (int i = 0; i < want && v->ncols < MAXVC; i++) {
            int j = rnd(ns), dup = 0;
            for (int k = 0; k < v->ncols; k++)
                dup |= !strcmp(v->cols[k], sn[j]);
            if (!dup)
                setn(v->cols[v->ncols++], sn[j]);
        }
    }
    if (chance(40)) {
        int j = rnd(ns);
        random_where(s, v, sn[j], &st[j]);
    }
    v->secbar = !mat && chance(15);
    v->comment = chance(20) ? 1 + rnd(COUNT_OF(COMMENTS) - 1) : 0;
    const struct gfunc *tf = mat ? NULL : func_of_kind(s, FN_TRIG);
    if (tf && chance(20))
        setn(v->trg_func, tf->name);
    s->nview++;
    if (mat && chance(75)) {
        char on[MAXC][NL];
        struct gtype ot[MAXC];
        int no = view_outputs(s, s->nview - 1, on, ot);
        struct gindex *x = &v->idx[v->nidx];
        memset(x, 0, sizeof *x);
        x->nkeys = 1;
        int j = rnd(no);
        setn(x->keys[0].col, on[j]);
        x->unique = v->kind == VK_AGG && j == 0;
        char base[3 * NL];
        snprintf(base, sizeof base, "%.24s_%.24s%s", v->name, on[j], x->unique ? "_key" : "_idx");
        make_name(s, x->name, base);
        v->nidx++;
    }
    return 1;
}

static void print_view(const struct gschema *s, int vi)
{
    const struct gview *v = &s->views[vi];
    out("CREATE %sVIEW ", v->mat ? "MATERIALIZED " : "");
    qi(v->name);
    if (v->secbar)
        out(" WITH (security_barrier = true)");
    out(" AS SELECT ");
    for (int i = 0; i < v->ncols; i++) {
        if (i)
            out(", ");
        qi(v->cols[i]);
    }
    if (v->kind == VK_AGG)
        out(", count(*) AS \"nRows\"");
    if (v->kind == VK_FUNC) {
        out(", ");
        qi("slugify");
        out("(");
        qi(v->cols[0]);
        out(") AS \"slugged\"");
    }
    out(" FROM ");
    qi(v->from);
    if (v->where) {
        out(" WHERE ");
        qi(v->where_col);
        if (v->where == W_NOTNULL)
            out(" IS NOT NULL");
        else if (v->where == W_GT0)
            out(" > 0");
        else if (v->where == W_EQ) {
            out(" = ");
            ql(v->where_val);
        }
    }
    if (v->kind == VK_AGG) {
        out(" GROUP BY ");
        qi(v->cols[0]);
    }
    out(";\n");
    for (int i = 0; i < v->nidx; i++)
        print_index(v->name, &v->idx[i]);
}

/* ------------------------------------------------------------------ schema A */

static void gen_a(struct gschema *s)
{
    s->citext = chance(25);
    int n = 1 + rnd(3);
    for (int i = 0; i < n; i++)
        add_enum(s);
    n = rnd(3);
    for (int i = 0; i < n; i++)
        add_domain(s);
    if (chance(30))
        add_comp(s);
    n = rnd(3);
    for (int i = 0; i < n; i++)
        add_seq(s);
    add_func(s, FN_TRIG);
    if (chance(40))
        add_func(s, FN_TRIG);
    if (chance(60))
        add_func(s, FN_ADDN);
    if (chance(50)) {
        struct gfunc *f = add_func(s, FN_SLUG);
        if (f && chance(70))
            setn(f->name, "slugify"); /* the name generated columns and indexes call */
    }
    if (chance(30))
        add_func(s, FN_PROC);
    n = 5 + rnd(11);
    for (int i = 0; i < n; i++)
        add_table(s, chance(60));
    for (int i = 0; i < s->nseq; i++) {
        if (chance(40)) {
            const struct gtable *t = &s->tables[rnd(s->ntab)];
            setn(s->seqs[i].own_t, t->name);
            setn(s->seqs[i].own_c, t->cols[rnd(t->ncol)].name);
        }
    }
    if (chance(40))
        add_func(s, FN_COUNT);
    n = rnd(4);
    for (int i = 0; i < n; i++)
        add_view(s, 0);
    n = rnd(3);
    for (int i = 0; i < n; i++)
        add_view(s, 1);
    for (int i = 0; i < s->ntab; i++)
        if (chance(30))
            add_trigger(s, &s->tables[i]);
}

/* ------------------------------------------------------------------ repair */

/* Make every reference of s valid again after mutations; returns the number of fixes. */
static int repair_pass(struct gschema *s)
{
    int fixes = 0;
    for (int i = 0; i < s->nfunc; i++) {
        if (s->funcs[i].kind == FN_COUNT && !find_table(s, s->funcs[i].table)) {
            REMOVE_AT(s->funcs, &s->nfunc, i);
            i--;
            fixes++;
        }
    }
    for (int i = 0; i < s->nseq; i++) {
        struct gseq *q = &s->seqs[i];
        if (q->own_t[0] && !find_col(find_table(s, q->own_t), q->own_c)) {
            q->own_t[0] = q->own_c[0] = '\0';
            fixes++;
        }
    }
    for (int ti = 0; ti < s->ntab; ti++) {
        struct gtable *t = &s->tables[ti];
        for (int i = 0; i < t->ncol; i++) {
            struct gcol *c = &t->cols[i];
            if ((c->t.k == TK_ENUM || c->t.k == TK_ENUMARR) && !find_enum(s, c->t.en)) {
                c->t.k = c->t.k == TK_ENUM ? TK_TEXT : TK_TEXTARR;
                c->t.en[0] = '\0';
                fixes++;
            }
            if ((c->t.k == TK_CITEXT && !s->citext) ||
                (c->t.k == TK_COMP && !find_comp(s, c->t.en))) {
                memset(&c->t, 0, sizeof c->t);
                c->t.k = TK_TEXT;
                fixes++;
            }
            if (c->t.k == TK_DOMAIN && find_domain(s, c->t.en) &&
                c->t.p != find_domain(s, c->t.en)->base) {
                c->t.p = find_domain(s, c->t.en)->base;
                fixes++;
            }
            if (c->t.k == TK_DOMAIN && !find_domain(s, c->t.en)) {
                int base = c->t.p;
                memset(&c->t, 0, sizeof c->t);
                c->t.k = base ? TK_TEXT : TK_INT;
                fixes++;
            }
            if (c->coll && c->t.k != TK_TEXT && c->t.k != TK_VARCHAR) {
                c->coll = 0;
                fixes++;
            }
            if ((c->ident || c->serial) && !is_int_kind(c->t.k)) {
                c->ident = c->serial = 0;
                fixes++;
            }
            if (c->ident && t->part) {
                c->ident = 0;
                fixes++;
            }
            if (c->ident && c->serial) {
                c->serial = 0;
                fixes++;
            }
            if ((c->ident || c->serial) && !c->not_null) {
                c->not_null = 1;
                fixes++;
            }
            if (c->gen && !gen_valid(s, t, c)) {
                c->gen = G_NONE;
                fixes++;
            }
            if (!def_valid(s, c)) {
                pick_default(s, c);
                if (!def_valid(s, c))
                    memset(&c->def, 0, sizeof c->def);
                fixes++;
            }
        }
        if (t->part && (t->opts || t->unlogged)) {
            t->opts = t->unlogged = 0;
            fixes++;
        }
        int npk = 0;
        for (int i = 0; i < t->ncons; i++) {
            struct gcons *k = &t->cons[i];
            int ok = 1;
            for (int j = 0; j < k->ncols; j++)
                ok &= find_col(t, k->cols[j]) != NULL;
            if (ok && k->type == 'p' && npk++)
                ok = 0;
            if (ok && (k->type == 'p' || k->type == 'u') && t->part &&
                !cons_has_col(k, t->part_col))
                ok = 0;
            if (ok && k->type == 'p')
                for (int j = 0; j < k->ncols; j++) {
                    struct gcol *c = find_col(t, k->cols[j]);
                    if (!c->not_null) {
                        c->not_null = 1;
                        fixes++;
                    }
                }
            /* PostgreSQL silently skips a unique constraint that repeats an earlier key */
            for (int j = 0; ok && k->type == 'u' && j < i; j++) {
                const struct gcons *o = &t->cons[j];
                int same = (o->type == 'p' || o->type == 'u') && o->ncols == k->ncols;
                for (int m = 0; same && m < k->ncols; m++)
                    same = cons_has_col(o, k->cols[m]);
                if (same)
                    ok = 0;
            }
            if (ok && k->type == 'u' && pk_of(t) && pk_of(t) > k) {
                const struct gcons *o = pk_of(t);
                int same = o->ncols == k->ncols;
                for (int m = 0; same && m < k->ncols; m++)
                    same = cons_has_col(o, k->cols[m]);
                if (same)
                    ok = 0;
            }
            if (ok && k->type == 'c' && !ck_valid(s, t, k)) {
                if (k->ncols != 1 || pick_check(s, t, k) < 0)
                    ok = 0;
                fixes++;
            }
            if (ok && k->type == 'f' && k->not_valid && t->part) {
                k->not_valid = 0; /* not supported on partitioned tables */
                fixes++;
            }
            if (ok && k->type == 'f') {
                const struct gtable *r = find_table(s, k->ref_table);
                const struct gcol *rk = r ? ref_key(r, k->ref_col) : NULL;
                struct gcol *c = find_col(t, k->cols[0]);
                if (!rk || c->gen || c->ident || c->serial || !c->fk ||
                    (r->unlogged && !t->unlogged)) {
                    ok = 0;
                } else if (!type_eq(&c->t, &rk->t)) {
                    c->t = rk->t;
                    fixes++;
                }
            }
            if (!ok) {
                REMOVE_AT(t->cons, &t->ncons, i);
                i--;
                fixes++;
            }
        }
        for (int i = 0; i < t->nidx; i++) {
            if (!index_valid(s, t, &t->idx[i])) {
                REMOVE_AT(t->idx, &t->nidx, i);
                i--;
                fixes++;
            }
        }
        for (int i = 0; i < t->ntrg; i++) {
            if (!trig_valid(s, t, &t->trg[i])) {
                REMOVE_AT(t->trg, &t->ntrg, i);
                i--;
                fixes++;
            }
        }
    }
    for (int vi = 0; vi < s->nview; vi++) {
        struct gview *v = &s->views[vi];
        char sn[MAXC][NL];
        struct gtype st[MAXC];
        int ns = view_source(s, vi, sn, st), drop = ns <= 0;
        for (int i = 0; !drop && i < v->ncols; i++) {
            int found = 0;
            for (int j = 0; j < ns; j++)
                found |= !strcmp(sn[j], v->cols[i]);
            if (!found) {
                REMOVE_AT(v->cols, &v->ncols, i);
                i--;
                fixes++;
            }
        }
        if (!drop && v->kind == VK_FUNC) {
            const struct gfunc *f = find_func(s, "slugify");
            int ok = f && f->kind == FN_SLUG && v->ncols == 1;
            for (int j = 0; ok && j < ns; j++)
                if (!strcmp(sn[j], v->cols[0]))
                    ok = tclass(&st[j]) == CL_TEXT;
            if (!ok) {
                v->kind = VK_SELECT;
                fixes++;
            }
        }
        if (!drop && v->where) {
            int ok = 0;
            for (int j = 0; j < ns; j++)
                if (!strcmp(sn[j], v->where_col))
                    ok = where_valid(s, v->where, &st[j], v->where_val);
            if (!ok) {
                v->where = W_NONE;
                fixes++;
            }
        }
        if (v->trg_func[0]) {
            const struct gfunc *f = find_func(s, v->trg_func);
            if (v->mat || !f || f->kind != FN_TRIG) {
                v->trg_func[0] = '\0';
                fixes++;
            }
        }
        if (drop || !v->ncols) {
            REMOVE_AT(s->views, &s->nview, vi);
            vi--;
            fixes++;
            continue;
        }
        char on[MAXC][NL];
        struct gtype ot[MAXC];
        int no = view_outputs(s, vi, on, ot);
        for (int i = 0; i < v->nidx; i++) {
            struct gindex *x = &v->idx[i];
            int found = -1;
            for (int j = 0; j < no; j++)
                if (!strcmp(on[j], x->keys[0].col))
                    found = j;
            if (found < 0 || !v->mat) {
                REMOVE_AT(v->idx, &v->nidx, i);
                i--;
                fixes++;
            } else if (x->unique && !(v->kind == VK_AGG && found == 0)) {
                x->unique = 0;
                fixes++;
            }
        }
    }
    return fixes;
}

static void repair(struct gschema *s)
{
    for (int i = 0; i < 20 && repair_pass(s); i++)
        ;
}

/* ------------------------------------------------------------------ mutations */

static struct gtable *random_table(struct gschema *s)
{
    return s->ntab ? &s->tables[rnd(s->ntab)] : NULL;
}

static struct gcol *random_col(struct gtable *t)
{
    return t && t->ncol ? &t->cols[rnd(t->ncol)] : NULL;
}

static const char *comment_text(int c)
{
    return c > 0 && c < COUNT_OF(COMMENTS) ? COMMENTS[c] : NULL;
}

static int new_comment(int old)
{
    int c;
    do
        c = chance(25) ? 0 : 1 + rnd(COUNT_OF(COMMENTS) - 1);
    while (c == old);
    return c;
}

/* Could the column be dropped from a strict table, and added back by B -> A? */
static int readd_safe(const struct gschema *s, const struct gtable *t, const struct gcol *c)
{
    const struct gtable *at = find_table(g_a, t->name);
    const struct gcol *ac = find_col(at, c->name);
    if (!strict(t) || !ac)
        return 1;
    (void)s;
    if (col_in_cons(at, c->name, "puc") || col_in_unique_index(at, c->name) ||
        col_in_cons(t, c->name, "puc") || col_in_unique_index(t, c->name))
        return 0;
    /* a generated column over it would be computed from NULLs when it comes back */
    for (int i = 0; i < at->ncol; i++)
        if (at->cols[i].gen && !strcmp(at->cols[i].gen_ref, c->name))
            return 0;
    return ac->ident || ac->serial || ac->gen || !ac->not_null || ac->def.k != DF_NONE;
}

/* Column c of t may take type nt: the net change from A (mutations compose) keeps the rows
 * of a safe table valid, and PostgreSQL has a cast for it. */
static int type_change_ok(const struct gtable *t, const struct gcol *c, const struct gtype *nt)
{
    const struct gcol *ac = find_col(find_table(g_a, t->name), c->name);
    const struct gtype *base = ac ? &ac->t : &c->t;
    if (type_eq(base, nt))
        return 1;
    return strict(t) ? safe_change(base, nt) : free_change(base, nt);
}

/* The partition key column of t. */
static int is_part_col(const struct gtable *t, const struct gcol *c)
{
    return t->part && !strcmp(c->name, t->part_col);
}

static int m_col_type(struct gschema *s, struct gtable *t)
{
    struct gcol *c = random_col(t);
    if (!c || c->gen || c->fk || is_part_col(t, c))
        return 0;
    for (int tries = 0; tries < 12; tries++) {
        struct gtype nt;
        int k = random_kind(s);
        if ((c->ident || c->serial) && k != TK_INT && k != TK_BIGINT && k != TK_SMALLINT)
            continue;
        make_type(s, &nt, k);
        if (type_eq(&c->t, &nt) || !type_change_ok(t, c, &nt))
            continue;
        if (col_referenced(s, t, c->name) && !distinct_class(tclass(&nt)))
            continue;
        note("column type: %s.%s", t->name, c->name);
        c->t = nt;
        return 1;
    }
    return 0;
}

static int m_col_add(struct gschema *s, struct gtable *t)
{
    struct gcol *c;
    if (chance(20))
        return add_fk_col(s, t) ? (note("fk column added: %s", t->name), 1) : 0;
    if (!(c = add_data_col(s, t, 1)))
        return 0;
    if (chance(8) && !c->gen && !c->ident) {
        c->t.k = chance(50) ? TK_INT : TK_BIGINT;
        c->serial = 1;
        c->not_null = 1;
        memset(&c->def, 0, sizeof c->def);
    }
    /* somewhere in the middle: PostgreSQL appends it, and the model ignores the order */
    if (chance(30) && t->ncol > 2) {
        struct gcol tmp = *c;
        int at = 1 + rnd(t->ncol - 1);
        memmove(&t->cols[at + 1], &t->cols[at], sizeof t->cols[0] * (size_t)(t->ncol - 1 - at));
        t->cols[at] = tmp;
        c = &t->cols[at];
    }
    note("column added: %s.%s", t->name, c->name);
    return 1;
}

static int m_col_drop(struct gschema *s, struct gtable *t)
{
    struct gcol *c = random_col(t);
    if (!c || t->ncol < 2 || !readd_safe(s, t, c) || is_part_col(t, c))
        return 0;
    note("column dropped: %s.%s", t->name, c->name);
    REMOVE_AT(t->cols, &t->ncol, (int)(c - t->cols));
    return 1;
}

static int m_col_null(struct gschema *s, struct gtable *t)
{
    struct gcol *c = random_col(t);
    (void)s;
    if (!c || c->ident || c->serial || col_in_cons(t, c->name, "p"))
        return 0;
    if (strict(t) && !value_col_ok(t, c))
        return 0;
    if (!c->not_null && c->fk && t->safe)
        return 0;
    c->not_null = !c->not_null;
    note("column %s: %s.%s", c->not_null ? "SET NOT NULL" : "DROP NOT NULL", t->name, c->name);
    return 1;
}

static int m_col_default(struct gschema *s, struct gtable *t)
{
    struct gcol *c = random_col(t);
    if (!c || c->gen || c->ident || c->fk)
        return 0;
    if (c->serial) {
        if (strict(t) && col_in_cons(t, c->name, "pu"))
            return 0;
        c->serial = 0;
    }
    struct gdef old = c->def;
    for (int i = 0; i < 4 && !memcmp(&old, &c->def, sizeof old); i++)
        pick_default(s, c);
    if (chance(20))
        memset(&c->def, 0, sizeof c->def);
    note("column default: %s.%s", t->name, c->name);
    return 1;
}

static int m_col_ident(struct gschema *s, struct gtable *t)
{
    struct gcol *c = random_col(t);
    (void)s;
    if (!c || !is_int_kind(c->t.k) || c->gen || c->fk || t->part)
        return 0;
    if (c->ident) {
        switch (rnd(3)) {
        case 0:
            c->ident = c->ident == 'a' ? 'd' : 'a';
            break;
        case 1:
            c->id_start = chance(30) ? 0 : 1 + rnd(500);
            c->id_inc = chance(30) ? 0 : 1 + rnd(4);
            break;
        default:
            c->ident = 0;
            break;
        }
    } else {
        if (!c->not_null && strict(t) && !value_col_ok(t, c))
            return 0;
        c->serial = 0;
        memset(&c->def, 0, sizeof c->def);
        c->ident = chance(50) ? 'a' : 'd';
        c->not_null = 1;
        if (chance(40)) {
            c->id_start = 1 + rnd(1000);
            c->id_inc = 1 + rnd(5);
        }
    }
    note("column identity: %s.%s", t->name, c->name);
    return 1;
}

static int m_col_gen(struct gschema *s, struct gtable *t)
{
    struct gcol *c = random_col(t);
    if (!c || c->fk || c->ident || col_in_cons(t, c->name, "puf") ||
        col_referenced(s, t, c->name) || is_part_col(t, c))
        return 0;
    if (c->gen) {
        if (chance(50)) {
            c->gen = G_NONE;
            note("generation dropped: %s.%s", t->name, c->name);
            return 1;
        }
        struct gcol save = *c;
        if (!make_generated(s, t, c))
            return 0;
        if (!type_change_ok(t, c, &c->t)) {
            *c = save;
            return 0;
        }
        note("generation changed: %s.%s", t->name, c->name);
        return 1;
    }
    for (int i = 0; i < t->nidx; i++)
        if (index_has_col(&t->idx[i], c->name))
            return 0;
    struct gcol save = *c;
    if (!make_generated(s, t, c))
        return 0;
    if (!type_change_ok(t, c, &c->t)) {
        *c = save;
        return 0;
    }
    note("column made generated: %s.%s", t->name, c->name);
    return 1;
}

static int m_pk(struct gschema *s, struct gtable *t)
{
    struct gcons *pk = pk_of(t);
    struct gcol *c = random_col(t);
    if (pk && chance(40)) {
        note("primary key dropped: %s", t->name);
        REMOVE_AT(t->cons, &t->ncons, (int)(pk - t->cons));
        return 1;
    }
    if (!c || !key_ok(t, c) || (strict(t) && !value_col_ok(t, c)))
        return 0;
    if (!pk && !(pk = new_cons(s, t, 'p', "", "pkey")))
        return 0;
    setn(pk->cols[0], c->name);
    pk->ncols = 1;
    if (t->part) {
        if (strcmp(c->name, t->part_col))
            setn(pk->cols[pk->ncols++], t->part_col);
    } else if (chance(25)) {
        struct gcol *d = random_col(t);
        if (d != c && key_ok(t, d)) {
            setn(pk->cols[1], d->name);
            pk->ncols = 2;
            d->not_null = 1;
        }
    }
    c->not_null = 1;
    note("primary key set: %s", t->name);
    return 1;
}

static int m_cons_drop(struct gschema *s, struct gtable *t)
{
    (void)s;
    if (!t->ncons)
        return 0;
    int i = rnd(t->ncons);
    if (t->cons[i].type == 'p')
        return 0;
    note("constraint dropped: %s.%s", t->name, t->cons[i].name);
    REMOVE_AT(t->cons, &t->ncons, i);
    return 1;
}

static int m_check_change(struct gschema *s, struct gtable *t)
{
    int start = rnd(t->ncons > 0 ? t->ncons : 1);
    for (int i = 0; i < t->ncons; i++) {
        struct gcons *k = &t->cons[(start + i) % t->ncons];
        if (k->type != 'c' || k->ncols != 1)
            continue;
        int old = k->ck;
        for (int j = 0; j < 4 && k->ck == old; j++)
            pick_check(s, t, k);
        note("check changed: %s.%s", t->name, k->name);
        return 1;
    }
    return 0;
}

static int m_fk_add(struct gschema *s, struct gtable *t)
{
    for (int i = 0; i < t->ncol; i++) {
        struct gcol *c = &t->cols[i];
        if (c->fk && !col_in_cons(t, c->name, "f") && !c->not_null) {
            if (add_fk_to(s, t, c)) {
                note("foreign key added: %s.%s", t->name, c->name);
                return 1;
            }
        }
    }
    if (add_fk_col(s, t)) {
        note("foreign key column added: %s", t->name);
        return 1;
    }
    return 0;
}

static int m_fk_change(struct gschema *s, struct gtable *t)
{
    (void)s;
    for (int i = 0; i < t->ncons; i++) {
        struct gcons *k = &t->cons[i];
        if (k->type != 'f')
            continue;
        const struct gcol *c = find_col(t, k->cols[0]);
        if (!c)
            continue;
        random_fk_actions(k, c);
        note("foreign key changed: %s.%s", t->name, k->name);
        return 1;
    }
    return 0;
}

static int m_idx_change(struct gschema *s, struct gtable *t)
{
    if (!t->nidx)
        return 0;
    struct gindex *x = &t->idx[rnd(t->nidx)];
    struct gindex save = *x;
    for (int i = 0; i < 6; i++) {
        if (random_index(s, t, x) && memcmp(&save, x, sizeof save)) {
            note("index changed: %s.%s", t->name, x->name);
            return 1;
        }
    }
    *x = save;
    return 0;
}

static int m_trg_change(struct gschema *s, struct gtable *t)
{
    if (!t->ntrg)
        return 0;
    struct gtrig *g = &t->trg[rnd(t->ntrg)];
    struct gtrig save = *g;
    if (chance(30)) {
        g->disabled = !g->disabled;
        note("trigger toggled: %s.%s", t->name, g->name);
        return 1;
    }
    for (int i = 0; i < 6; i++) {
        if (random_trigger(s, t, g)) {
            setn(g->name, save.name);
            g->comment = save.comment;
            note("trigger changed: %s.%s", t->name, g->name);
            return 1;
        }
    }
    *g = save;
    return 0;
}

static int m_view_change(struct gschema *s)
{
    char sn[MAXC][NL];
    struct gtype st[MAXC];
    if (!s->nview)
        return 0;
    int vi = rnd(s->nview);
    struct gview *v = &s->views[vi];
    int ns = view_source(s, vi, sn, st);
    if (ns <= 0)
        return 0;
    switch (rnd(4)) {
    case 0:
        if (v->kind == VK_SELECT && v->ncols < MAXVC) {
            int j = rnd(ns), dup = 0;
            for (int k = 0; k < v->ncols; k++)
                dup |= !strcmp(v->cols[k], sn[j]);
            if (dup)
                return 0;
            setn(v->cols[v->ncols++], sn[j]);
            note("view column added: %s", v->name);
            return 1;
        }
        return 0;
    case 1:
        if (v->kind == VK_SELECT && v->ncols > 1) {
            int j = rnd(v->ncols);
            REMOVE_AT(v->cols, &v->ncols, j);
            note("view column removed: %s", v->name);
            return 1;
        }
        return 0;
    case 2: {
        int j = rnd(ns);
        if (v->where && chance(40))
            v->where = W_NONE;
        else
            random_where(s, v, sn[j], &st[j]);
        note("view where changed: %s", v->name);
        return 1;
    }
    default:
        if (v->mat)
            return 0;
        v->secbar = !v->secbar;
        note("view security_barrier toggled: %s", v->name);
        return 1;
    }
}

static int m_mv_index(struct gschema *s)
{
    for (int vi = 0; vi < s->nview; vi++) {
        struct gview *v = &s->views[vi];
        if (!v->mat)
            continue;
        if (v->nidx && chance(50)) {
            note("materialized view index dropped: %s", v->name);
            v->nidx--;
            return 1;
        }
        if (v->nidx < 2) {
            char on[MAXC][NL];
            struct gtype ot[MAXC];
            int no = view_outputs(s, vi, on, ot);
            if (no <= 0)
                return 0;
            struct gindex *x = &v->idx[v->nidx];
            memset(x, 0, sizeof *x);
            x->nkeys = 1;
            int j = rnd(no);
            setn(x->keys[0].col, on[j]);
            x->keys[0].desc = chance(30);
            char base[3 * NL];
            snprintf(base, sizeof base, "%.24s_%.24s_idx", v->name, on[j]);
            make_name(s, x->name, base);
            v->nidx++;
            note("materialized view index added: %s", v->name);
            return 1;
        }
    }
    return 0;
}

static int m_enum(struct gschema *s)
{
    if (!s->nenum)
        return 0;
    struct genum *e = &s->enums[rnd(s->nenum)];
    switch (rnd(3)) {
    case 0: { /* add a value somewhere */
        const char *v = ENUM_VALUES[rnd(COUNT_OF(ENUM_VALUES))];
        if (enum_has(e, v) || e->nvals >= MAXEV)
            return 0;
        int at = rnd(e->nvals + 1);
        memmove(&e->vals[at + 1], &e->vals[at], sizeof e->vals[0] * (size_t)(e->nvals - at));
        setn(e->vals[at], v);
        e->nvals++;
        note("enum value added: %s.%s at %d", e->name, v, at);
        return 1;
    }
    case 1: { /* remove a value A does not use */
        if (e->nvals < 2)
            return 0;
        int i = rnd(e->nvals);
        if (value_used(g_a, e->name, e->vals[i]))
            return 0;
        note("enum value removed: %s.%s", e->name, e->vals[i]);
        REMOVE_AT(e->vals, &e->nvals, i);
        return 1;
    }
    default: { /* swap two values */
        if (e->nvals < 2)
            return 0;
        int i = rnd(e->nvals), j = rnd(e->nvals);
        if (i == j)
            return 0;
        char tmp[NL];
        setn(tmp, e->vals[i]);
        setn(e->vals[i], e->vals[j]);
        setn(e->vals[j], tmp);
        note("enum values reordered: %s", e->name);
        return 1;
    }
    }
}

static int m_enum_drop(struct gschema *s)
{
    if (!s->nenum)
        return 0;
    int ei = rnd(s->nenum);
    const char *en = s->enums[ei].name;
    for (int i = 0; i < s->ntab; i++) {
        const struct gtable *t = &s->tables[i];
        for (int j = 0; j < t->ncol; j++)
            if ((t->cols[j].t.k == TK_ENUM || t->cols[j].t.k == TK_ENUMARR) &&
                !strcmp(t->cols[j].t.en, en) && strict(t))
                return 0;
    }
    note("enum dropped: %s", en);
    REMOVE_AT(s->enums, &s->nenum, ei);
    return 1;
}

static int m_seq(struct gschema *s)
{
    if (!s->nseq)
        return 0;
    struct gseq *q = &s->seqs[rnd(s->nseq)];
    if (chance(40)) {
        if (q->own_t[0] && chance(40)) {
            q->own_t[0] = q->own_c[0] = '\0';
        } else {
            const struct gtable *t = &s->tables[rnd(s->ntab)];
            setn(q->own_t, t->name);
            setn(q->own_c, t->cols[rnd(t->ncol)].name);
        }
        note("sequence owner changed: %s", q->name);
        return 1;
    }
    char own_t[NL], own_c[NL];
    setn(own_t, q->own_t);
    setn(own_c, q->own_c);
    int comment = q->comment;
    random_seq_options(q);
    setn(q->own_t, own_t);
    setn(q->own_c, own_c);
    q->comment = comment;
    note("sequence options changed: %s", q->name);
    return 1;
}

static int m_func(struct gschema *s)
{
    if (!s->nfunc)
        return 0;
    struct gfunc *f = &s->funcs[rnd(s->nfunc)];
    switch (rnd(3)) {
    case 0:
        f->variant = (f->variant + 1 + rnd(2)) % 3;
        note("function body changed: %s", f->name);
        return 1;
    case 1:
        if (f->kind == FN_ADDN) {
            f->big = !f->big;
            note("function result type changed: %s", f->name);
            return 1;
        }
        if (f->kind == FN_ADDN || f->kind == FN_PROC) {
            f->plpgsql = !f->plpgsql;
            note("function language changed: %s", f->name);
            return 1;
        }
        if (f->kind == FN_COUNT) {
            setn(f->table, s->tables[rnd(s->ntab)].name);
            note("function table changed: %s", f->name);
            return 1;
        }
        return 0;
    default:
        note("function dropped: %s", f->name);
        REMOVE_AT(s->funcs, &s->nfunc, (int)(f - s->funcs));
        return 1;
    }
}

static int m_comment(struct gschema *s)
{
    struct gtable *t = random_table(s);
    struct gcol *c = random_col(t);
    switch (rnd(8)) {
    case 0:
        if (!t)
            return 0;
        t->comment = new_comment(t->comment);
        note("table comment: %s", t->name);
        return 1;
    case 1:
    case 2:
        if (!c)
            return 0;
        c->comment = new_comment(c->comment);
        note("column comment: %s.%s", t->name, c->name);
        return 1;
    case 3:
        if (!s->nview)
            return 0;
        s->views[0].comment = new_comment(s->views[0].comment);
        note("view comment: %s", s->views[0].name);
        return 1;
    case 4:
        if (!s->nenum)
            return 0;
        s->enums[0].comment = new_comment(s->enums[0].comment);
        note("enum comment: %s", s->enums[0].name);
        return 1;
    case 5:
        if (!t || !t->nidx)
            return 0;
        t->idx[0].comment = new_comment(t->idx[0].comment);
        note("index comment: %s", t->idx[0].name);
        return 1;
    case 6:
        if (!t || !t->ncons)
            return 0;
        t->cons[0].comment = new_comment(t->cons[0].comment);
        note("constraint comment: %s", t->cons[0].name);
        return 1;
    default:
        if (!s->nfunc)
            return 0;
        s->funcs[0].comment = new_comment(s->funcs[0].comment);
        note("function comment: %s", s->funcs[0].name);
        return 1;
    }
}

/* A strict table has a column of type (kind k, name en). */
static int type_in_strict_use(const struct gschema *s, int k, const char *en)
{
    for (int i = 0; i < s->ntab; i++)
        for (int j = 0; j < s->tables[i].ncol; j++)
            if (s->tables[i].cols[j].t.k == k && !strcmp(s->tables[i].cols[j].t.en, en) &&
                strict(&s->tables[i]))
                return 1;
    return 0;
}

/* Some column of s has the domain or composite type en. */
static int type_in_use(const struct gschema *s, int k, const char *en)
{
    for (int i = 0; s && i < s->ntab; i++)
        for (int j = 0; j < s->tables[i].ncol; j++)
            if (s->tables[i].cols[j].t.k == k && !strcmp(s->tables[i].cols[j].t.en, en))
                return 1;
    return 0;
}

/*
 * A changed domain or composite type is dropped and created again by the differ, which
 * warns that this fails while columns use it (a limitation, not a bug): such types only
 * change while no column of A or B uses them.
 */
static int m_types(struct gschema *s)
{
    switch (rnd(6)) {
    case 0:
        s->citext = !s->citext;
        note("extension citext %s", s->citext ? "added" : "dropped");
        return 1;
    case 1:
        if (s->ndom && chance(40)) {
            int i = rnd(s->ndom);
            note("domain dropped: %s", s->domains[i].name);
            REMOVE_AT(s->domains, &s->ndom, i);
            return 1;
        }
        return add_domain(s) ? (note("domain added: %s", s->domains[s->ndom - 1].name), 1) : 0;
    case 2:
        if (!s->ndom)
            return 0;
        {
            struct gdomain *d = &s->domains[rnd(s->ndom)];
            if (type_in_use(s, TK_DOMAIN, d->name) || type_in_use(g_a, TK_DOMAIN, d->name))
                return 0;
            d->variant = (d->variant + 1 + rnd(2)) % 3;
            note("domain check changed: %s", d->name);
        }
        return 1;
    case 3:
        if (!s->ncomp)
            return add_comp(s) ? (note("composite type added: %s", s->comps[0].name), 1) : 0;
        {
            int i = rnd(s->ncomp);
            struct gcomp *c = &s->comps[i];
            if (chance(25)) {
                if (type_in_strict_use(s, TK_COMP, c->name))
                    return 0;
                note("composite type dropped: %s", c->name);
                REMOVE_AT(s->comps, &s->ncomp, i);
                return 1;
            }
            if (type_in_use(s, TK_COMP, c->name) || type_in_use(g_a, TK_COMP, c->name))
                return 0;
            if (c->nattrs > 1 && chance(40)) {
                int j = rnd(c->nattrs);
                note("composite attribute dropped: %s.%s", c->name, c->attrs[j]);
                memmove(&c->atext[j], &c->atext[j + 1],
                        sizeof c->atext[0] * (size_t)(c->nattrs - j - 1));
                REMOVE_AT(c->attrs, &c->nattrs, j);
                return 1;
            }
            const char *a = COMP_ATTRS[rnd(COUNT_OF(COMP_ATTRS))];
            for (int j = 0; j < c->nattrs; j++)
                if (!strcmp(c->attrs[j], a))
                    return 0;
            if (c->nattrs >= 4)
                return 0;
            setn(c->attrs[c->nattrs], a);
            c->atext[c->nattrs++] = chance(50);
            note("composite attribute added: %s.%s", c->name, a);
            return 1;
        }
    case 4: {
        struct gtable *t = random_table(s);
        struct gcol *c = random_col(t);
        if (!c || (c->t.k != TK_TEXT && c->t.k != TK_VARCHAR) || c->gen)
            return 0;
        c->coll = (c->coll + 1 + rnd(2)) % 3;
        note("column collation: %s.%s", t->name, c->name);
        return 1;
    }
    default: {
        struct gtable *t = random_table(s);
        for (int i = 0; t && i < t->ncons; i++)
            if (t->cons[i].type == 'c' || t->cons[i].type == 'f') {
                t->cons[i].not_valid = !t->cons[i].not_valid;
                note("constraint %s: %s.%s", t->cons[i].not_valid ? "NOT VALID" : "validated",
                     t->name, t->cons[i].name);
                return 1;
            }
        return 0;
    }
    }
}

static int m_table_kind(struct gschema *s, struct gtable *t)
{
    if (t->part) {
        int r = rnd(4);
        if (r == 0) {
            t->part = 0;
            t->nparts = 0;
            note("table no longer partitioned: %s", t->name);
            return 1;
        }
        if (r == 1 && t->nparts > 1) {
            int i = rnd(t->nparts);
            note("partition dropped: %s", t->parts[i].name);
            REMOVE_AT(t->parts, &t->nparts, i);
            return 1;
        }
        if (add_partition(s, t, chance(30))) {
            note("partition added: %s", t->parts[t->nparts - 1].name);
            return 1;
        }
        return 0;
    }
    t->unlogged = !t->unlogged;
    note("table %s: %s", t->unlogged ? "SET UNLOGGED" : "SET LOGGED", t->name);
    return 1;
}

static int m_view_trigger(struct gschema *s)
{
    const struct gfunc *f = func_of_kind(s, FN_TRIG);
    for (int i = 0; i < s->nview; i++) {
        struct gview *v = &s->views[i];
        if (v->mat || (!v->trg_func[0] && !f))
            continue;
        if (v->trg_func[0])
            v->trg_func[0] = '\0';
        else
            setn(v->trg_func, f->name);
        note("view trigger %s: %s", v->trg_func[0] ? "added" : "dropped", v->name);
        return 1;
    }
    return 0;
}

static int mutate_once(struct gschema *s)
{
    struct gtable *t = random_table(s);
    if (!t)
        return 0;
    switch (rnd(46)) {
    case 40:
    case 41:
    case 42:
        return m_types(s);
    case 43:
        return chance(50) ? m_table_kind(s, t) : 0;
    case 44:
        return m_view_trigger(s);
    case 0:
        return add_enum(s) ? (note("enum added: %s", s->enums[s->nenum - 1].name), 1) : 0;
    case 1:
        return m_enum_drop(s);
    case 2:
    case 3:
    case 4:
        return m_enum(s);
    case 5:
        return add_seq(s) ? (note("sequence added: %s", s->seqs[s->nseq - 1].name), 1) : 0;
    case 6:
        if (!s->nseq)
            return 0;
        note("sequence dropped: %s", s->seqs[0].name);
        REMOVE_AT(s->seqs, &s->nseq, 0);
        return 1;
    case 7:
        return m_seq(s);
    case 8: {
        static const int kinds[] = {FN_ADDN, FN_SLUG, FN_TRIG, FN_COUNT, FN_PROC};
        struct gfunc *f = add_func(s, kinds[rnd(5)]);
        return f ? (note("function added: %s", f->name), 1) : 0;
    }
    case 9:
    case 10:
        return m_func(s);
    case 11:
        return add_table(s, 1) ? (note("table added: %s", s->tables[s->ntab - 1].name), 1) : 0;
    case 12:
        if (s->ntab <= 3)
            return 0;
        note("table dropped: %s", t->name);
        REMOVE_AT(s->tables, &s->ntab, (int)(t - s->tables));
        return 1;
    case 13:
    case 14:
        return m_col_add(s, t);
    case 15:
    case 16:
        return m_col_drop(s, t);
    case 17:
    case 18:
    case 19:
        return m_col_type(s, t);
    case 20:
        return m_col_null(s, t);
    case 21:
        return m_col_default(s, t);
    case 22:
        return m_col_ident(s, t);
    case 23:
        return m_col_gen(s, t);
    case 24:
        return m_pk(s, t);
    case 25:
        return add_unique(s, t) ? (note("unique added: %s", t->name), 1) : 0;
    case 26:
        return add_check(s, t) ? (note("check added: %s", t->name), 1) : 0;
    case 27:
        return m_check_change(s, t);
    case 28:
        return m_cons_drop(s, t);
    case 29:
        return m_fk_add(s, t);
    case 30:
        return m_fk_change(s, t);
    case 31:
        return add_index(s, t) ? (note("index added: %s", t->name), 1) : 0;
    case 32:
        if (!t->nidx)
            return 0;
        note("index dropped: %s.%s", t->name, t->idx[0].name);
        REMOVE_AT(t->idx, &t->nidx, 0);
        return 1;
    case 33:
        return m_idx_change(s, t);
    case 34:
        if (chance(50))
            return add_trigger(s, t) ? (note("trigger added: %s", t->name), 1) : 0;
        if (!t->ntrg)
            return 0;
        note("trigger dropped: %s.%s", t->name, t->trg[0].name);
        REMOVE_AT(t->trg, &t->ntrg, 0);
        return 1;
    case 35:
        return m_trg_change(s, t);
    case 36:
        if (chance(50))
            return add_view(s, chance(40))
                       ? (note("view added: %s", s->views[s->nview - 1].name), 1)
                       : 0;
        if (!s->nview)
            return 0;
        {
            int vi = rnd(s->nview);
            note("view dropped: %s", s->views[vi].name);
            REMOVE_AT(s->views, &s->nview, vi);
        }
        return 1;
    case 37:
        return chance(70) ? m_view_change(s) : m_mv_index(s);
    case 38:
        t->opts = (t->opts + 1 + rnd(3)) % 4;
        note("table options: %s", t->name);
        return 1;
    default:
        return m_comment(s);
    }
}

/* ------------------------------------------------------------------ printing */

static void print_enum(const struct genum *e)
{
    out("CREATE TYPE ");
    qi(e->name);
    out(" AS ENUM (");
    for (int i = 0; i < e->nvals; i++) {
        if (i)
            out(", ");
        ql(e->vals[i]);
    }
    out(");\n");
}

static void print_domain(const struct gdomain *d)
{
    static const char *const checks[2][3] = {
        {"VALUE > 0", "VALUE >= 1", "VALUE < 1000000"},
        {"char_length(VALUE) > 0", "VALUE <> ''", "char_length(VALUE) < 1000"},
    };
    out("CREATE DOMAIN ");
    qi(d->name);
    out(" AS %s CHECK (%s);\n", d->base ? "text" : "integer", checks[d->base][d->variant % 3]);
}

static void print_comp(const struct gcomp *c)
{
    out("CREATE TYPE ");
    qi(c->name);
    out(" AS (");
    for (int i = 0; i < c->nattrs; i++) {
        if (i)
            out(", ");
        qi(c->attrs[i]);
        out(c->atext[i] ? " text" : " integer");
    }
    out(");\n");
}

static void print_seq(const struct gseq *q)
{
    static const char *const types[] = {"", "bigint", "integer", "smallint"};
    out("CREATE SEQUENCE ");
    qi(q->name);
    if (q->type != ST_DEFAULT)
        out(" AS %s", types[q->type]);
    if (q->inc)
        out(" INCREMENT BY %d", q->inc);
    if (q->has_min)
        out(" MINVALUE %lld", q->minv);
    if (q->has_max)
        out(" MAXVALUE %lld", q->maxv);
    if (q->has_start)
        out(" START WITH %lld", q->start);
    if (q->cache)
        out(" CACHE %d", q->cache);
    if (q->cycle)
        out(" CYCLE");
    out(";\n");
}

static void print_func_sig(const struct gfunc *f)
{
    qi(f->name);
    switch (f->kind) {
    case FN_ADDN:
    case FN_PROC:
        out("(integer)");
        break;
    case FN_SLUG:
        out("(text)");
        break;
    default:
        out("()");
        break;
    }
}

static void print_func(const struct gfunc *f)
{
    static const char *const trig_bodies[] = {
        "BEGIN RETURN NEW; END",
        "BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END",
        "BEGIN IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF; IF TG_OP = 'DELETE' THEN "
        "RETURN OLD; END IF; RETURN NEW; END",
    };
    static const char *const slug_bodies[] = {
        "SELECT lower(replace(t, ' ', '-'))",
        "SELECT lower(replace(t, ' ', '_'))",
        "SELECT upper(t)",
    };
    switch (f->kind) {
    case FN_ADDN:
        out("CREATE FUNCTION ");
        qi(f->name);
        out("(x integer) RETURNS %s LANGUAGE %s IMMUTABLE AS $$ ", f->big ? "bigint" : "integer",
            f->plpgsql ? "plpgsql" : "sql");
        if (f->plpgsql)
            out("BEGIN RETURN x + %d; END", f->variant + 1);
        else
            out("SELECT x + %d", f->variant + 1);
        out(" $$;\n");
        break;
    case FN_SLUG:
        out("CREATE FUNCTION ");
        qi(f->name);
        out("(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ %s $$;\n",
            slug_bodies[f->variant % 3]);
        break;
    case FN_TRIG:
        out("CREATE FUNCTION ");
        qi(f->name);
        out("() RETURNS trigger LANGUAGE plpgsql AS $$ %s $$;\n", trig_bodies[f->variant % 3]);
        break;
    case FN_COUNT:
        out("CREATE FUNCTION ");
        qi(f->name);
        out("() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) + %d FROM ", f->variant);
        qi(f->table);
        out(" $$;\n");
        break;
    default:
        out("CREATE PROCEDURE ");
        qi(f->name);
        if (f->plpgsql)
            out("(x integer) LANGUAGE plpgsql AS $$ BEGIN PERFORM x + %d; END $$;\n", f->variant);
        else
            out("(x integer) LANGUAGE sql AS $$ SELECT x + %d $$;\n", f->variant);
        break;
    }
}

static void print_check(const struct gcons *k)
{
    switch (k->ck) {
    case CK_GT0:
        out("(");
        qi(k->cols[0]);
        out(" > 0)");
        break;
    case CK_GE0:
        out("(");
        qi(k->cols[0]);
        out(" >= 0)");
        break;
    case CK_LT:
        out("(");
        qi(k->cols[0]);
        out(" < 1000000)");
        break;
    case CK_BETWEEN:
        out("(");
        qi(k->cols[0]);
        out(" BETWEEN 0 AND 1000000)");
        break;
    case CK_LEN:
        out("(char_length(");
        qi(k->cols[0]);
        out(") > 0)");
        break;
    case CK_NE_EMPTY:
        out("(");
        qi(k->cols[0]);
        out(" <> '')");
        break;
    case CK_TS:
        out("(");
        qi(k->cols[0]);
        out(" > '2000-01-01')");
        break;
    case CK_JSON:
        out("(jsonb_typeof(");
        qi(k->cols[0]);
        out(") <> 'null')");
        break;
    case CK_ENUM_NE:
        out("(");
        qi(k->cols[0]);
        out(" <> ");
        ql(k->ck_val);
        out(")");
        break;
    default:
        out("(");
        qi(k->cols[0]);
        out(" IS NOT NULL OR ");
        qi(k->cols[1]);
        out(" IS NOT NULL)");
        break;
    }
}

static void print_col_list(const struct gcons *k)
{
    out("(");
    for (int i = 0; i < k->ncols; i++) {
        if (i)
            out(", ");
        qi(k->cols[i]);
    }
    out(")");
}

static void print_table(const struct gtable *t)
{
    static const char *const opts[] = {"", "fillfactor = 70", "fillfactor = 90",
                                       "autovacuum_enabled = false"};
    int first = 1;
    out("CREATE %sTABLE ", t->unlogged ? "UNLOGGED " : "");
    qi(t->name);
    out(" (\n");
    for (int i = 0; i < t->ncol; i++) {
        const struct gcol *c = &t->cols[i];
        out("%s    ", first ? "" : ",\n");
        first = 0;
        qi(c->name);
        out(" ");
        print_type(&c->t, c->serial);
        if (c->coll)
            out(" COLLATE \"%s\"", c->coll == 1 ? "C" : "POSIX");
        if (c->gen) {
            out(" GENERATED ALWAYS AS (");
            print_gen(c);
            out(") STORED");
        }
        if (c->ident) {
            out(" GENERATED %s AS IDENTITY", c->ident == 'a' ? "ALWAYS" : "BY DEFAULT");
            if (c->id_start || c->id_inc) {
                out(" (");
                if (c->id_start)
                    out("START WITH %d%s", c->id_start, c->id_inc ? " " : "");
                if (c->id_inc)
                    out("INCREMENT BY %d", c->id_inc);
                out(")");
            }
        }
        if (c->not_null)
            out(" NOT NULL");
        if (c->def.k != DF_NONE) {
            out(" DEFAULT ");
            print_default(c);
        }
    }
    for (int i = 0; i < t->ncons; i++) {
        const struct gcons *k = &t->cons[i];
        if (k->type == 'f' || k->not_valid)
            continue;
        out(",\n    CONSTRAINT ");
        qi(k->name);
        if (k->type == 'p') {
            out(" PRIMARY KEY ");
            print_col_list(k);
        } else if (k->type == 'u') {
            out(" UNIQUE ");
            print_col_list(k);
        } else {
            out(" CHECK ");
            print_check(k);
        }
    }
    out("\n)");
    if (t->part) {
        out(" PARTITION BY RANGE (");
        qi(t->part_col);
        out(")");
    }
    if (t->opts)
        out(" WITH (%s)", opts[t->opts]);
    out(";\n");
    const struct gcol *key = t->part ? find_col(t, t->part_col) : NULL;
    for (int i = 0; key && i < t->nparts; i++) {
        const struct gpart *p = &t->parts[i];
        out("CREATE TABLE ");
        qi(p->name);
        out(" PARTITION OF ");
        qi(t->name);
        if (p->is_default)
            out(" DEFAULT;\n");
        else if (key->t.k == TK_DATE)
            out(" FOR VALUES FROM ('%d-01-01') TO ('%d-01-01');\n", 2020 + p->y, 2021 + p->y);
        else
            out(" FOR VALUES FROM (%d) TO (%d);\n", p->y * 1000, (p->y + 1) * 1000);
    }
}

/* A check constraint added NOT VALID, after the table. */
static void print_not_valid_check(const struct gtable *t, const struct gcons *k)
{
    out("ALTER TABLE ");
    qi(t->name);
    out(" ADD CONSTRAINT ");
    qi(k->name);
    out(" CHECK ");
    print_check(k);
    out(" NOT VALID;\n");
}

static void print_fk(const struct gtable *t, const struct gcons *k)
{
    static const char *const acts[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL",
                                       "SET DEFAULT"};
    out("ALTER TABLE ");
    qi(t->name);
    out(" ADD CONSTRAINT ");
    qi(k->name);
    out(" FOREIGN KEY ");
    print_col_list(k);
    out(" REFERENCES ");
    qi(k->ref_table);
    out("(");
    qi(k->ref_col);
    out(")");
    if (k->match_full)
        out(" MATCH FULL");
    if (k->on_del)
        out(" ON DELETE %s", acts[k->on_del]);
    if (k->on_upd)
        out(" ON UPDATE %s", acts[k->on_upd]);
    if (k->defer)
        out(" DEFERRABLE%s", k->defer == 2 ? " INITIALLY DEFERRED" : "");
    if (k->not_valid)
        out(" NOT VALID");
    out(";\n");
}

/* The value of enum en rows use: one that both schemas have. */
static const char *common_value(const struct gschema *x, const struct gschema *y, const char *en)
{
    const struct genum *e = find_enum(x, en), *o = find_enum(y, en);
    for (int i = 0; e && i < e->nvals; i++)
        if (!o || enum_has(o, e->vals[i]))
            return e->vals[i];
    return NULL;
}

/* Whether t (in x) gets rows: a safe table, and every column can get a value. */
static int has_rows(const struct gschema *x, const struct gschema *y, const struct gtable *t)
{
    if (!t->safe)
        return 0;
    for (int i = 0; i < t->ncol; i++) {
        const struct gcol *c = &t->cols[i];
        if (c->fk && c->not_null)
            return 0;
        if (c->t.k == TK_ENUM && !c->fk && !c->gen && !common_value(x, y, c->t.en))
            return 0;
    }
    return 1;
}

static void print_value(const struct gschema *x, const struct gschema *y, const struct gcol *c,
                        int i)
{
    if (c->gen || c->ident || c->serial) {
        out("DEFAULT");
        return;
    }
    if (c->fk) {
        out("NULL");
        return;
    }
    switch (c->t.k) {
    case TK_INT:
    case TK_BIGINT:
    case TK_SMALLINT:
        out("%d", i);
        break;
    case TK_NUMERIC:
        out("%d.5", i);
        break;
    case TK_TEXT:
    case TK_VARCHAR:
    case TK_CITEXT:
        out("'%d'", i);
        break;
    case TK_DOMAIN:
        out(c->t.p ? "'%d'" : "%d", i);
        break;
    case TK_COMP: {
        const struct gcomp *ct = find_comp(x, c->t.en);
        out("ROW(");
        for (int j = 0; ct && j < ct->nattrs; j++)
            out(ct->atext[j] ? "%s'%d'" : "%s%d", j ? ", " : "", i);
        out(")::");
        qi(c->t.en);
        break;
    }
    case TK_BOOL:
        out(i % 2 ? "true" : "false");
        break;
    case TK_TS:
        out("'2024-01-0%d 10:00:00.123'", i);
        break;
    case TK_TSTZ:
        out("'2024-01-0%d 10:00:00.123+00'", i);
        break;
    case TK_DATE:
        out("'2024-01-0%d'", i);
        break;
    case TK_JSONB:
        out("'{\"n\": %d}'", i);
        break;
    case TK_UUID:
        out("'00000000-0000-4000-8000-00000000000%d'", i);
        break;
    case TK_TEXTARR:
        out("ARRAY['%d', 'x']", i);
        break;
    case TK_INTARR:
        out("ARRAY[%d, 0]", i);
        break;
    case TK_ENUM:
        ql(common_value(x, y, c->t.en));
        break;
    default: {
        const char *v = common_value(x, y, c->t.en);
        if (v) {
            out("ARRAY[");
            ql(v);
            out("]::");
            qi(c->t.en);
            out("[]");
        } else {
            out("'{}'");
        }
        break;
    }
    }
}

static void print_rows(const struct gschema *x, const struct gschema *y, const struct gtable *t)
{
    out("INSERT INTO ");
    qi(t->name);
    out(" (");
    for (int i = 0; i < t->ncol; i++) {
        if (i)
            out(", ");
        qi(t->cols[i].name);
    }
    out(") VALUES");
    for (int r = 1; r <= NROWS; r++) {
        out("%s\n    (", r > 1 ? "," : "");
        for (int i = 0; i < t->ncol; i++) {
            if (i)
                out(", ");
            print_value(x, y, &t->cols[i], r);
        }
        out(")");
    }
    out(";\n");
}

static void print_comment(const char *what, const char *obj, const char *sub, const char *on, int c)
{
    const char *text = comment_text(c);
    if (!text)
        return;
    out("COMMENT ON %s ", what);
    qi(obj);
    if (sub) {
        out(".");
        qi(sub);
    }
    if (on) {
        out(" ON ");
        qi(on);
    }
    out(" IS ");
    ql(text);
    out(";\n");
}

static void print_schema(const struct gschema *x, const struct gschema *y)
{
    for (int i = 0; i < x->ntab; i++)
        if (has_rows(x, y, &x->tables[i]) && find_table(y, x->tables[i].name)) {
            out("-- rows %d ", NROWS);
            qi(x->tables[i].name);
            out("\n");
        }
    if (x->citext)
        out("CREATE EXTENSION IF NOT EXISTS citext;\n");
    for (int i = 0; i < x->nenum; i++)
        print_enum(&x->enums[i]);
    for (int i = 0; i < x->ndom; i++)
        print_domain(&x->domains[i]);
    for (int i = 0; i < x->ncomp; i++)
        print_comp(&x->comps[i]);
    for (int i = 0; i < x->nseq; i++)
        print_seq(&x->seqs[i]);
    for (int i = 0; i < x->nfunc; i++)
        if (x->funcs[i].kind != FN_COUNT)
            print_func(&x->funcs[i]);
    for (int i = 0; i < x->ntab; i++)
        print_table(&x->tables[i]);
    for (int i = 0; i < x->ntab; i++)
        for (int j = 0; j < x->tables[i].nidx; j++)
            print_index(x->tables[i].name, &x->tables[i].idx[j]);
    for (int i = 0; i < x->ntab; i++)
        for (int j = 0; j < x->tables[i].ncons; j++)
            if (x->tables[i].cons[j].type == 'f')
                print_fk(&x->tables[i], &x->tables[i].cons[j]);
            else if (x->tables[i].cons[j].not_valid)
                print_not_valid_check(&x->tables[i], &x->tables[i].cons[j]);
    for (int i = 0; i < x->nseq; i++) {
        if (!x->seqs[i].own_t[0])
            continue;
        out("ALTER SEQUENCE ");
        qi(x->seqs[i].name);
        out(" OWNED BY ");
        qi(x->seqs[i].own_t);
        out(".");
        qi(x->seqs[i].own_c);
        out(";\n");
    }
    /* deferred foreign-key checks of the rows would block the ALTER TABLEs below */
    for (int i = 0, first = 1; i < x->ntab; i++)
        if (has_rows(x, y, &x->tables[i])) {
            if (first)
                out("SET CONSTRAINTS ALL IMMEDIATE;\n");
            first = 0;
            print_rows(x, y, &x->tables[i]);
        }
    for (int i = 0; i < x->nfunc; i++)
        if (x->funcs[i].kind == FN_COUNT)
            print_func(&x->funcs[i]);
    for (int i = 0; i < x->nview; i++)
        print_view(x, i);
    for (int i = 0; i < x->ntab; i++)
        for (int j = 0; j < x->tables[i].ntrg; j++)
            print_trigger(x->tables[i].name, &x->tables[i].trg[j]);
    for (int i = 0; i < x->nview; i++) {
        if (!x->views[i].trg_func[0])
            continue;
        char n[NL + 16];
        snprintf(n, sizeof n, "%.50s_instead", x->views[i].name);
        out("CREATE TRIGGER ");
        qi(n);
        out(" INSTEAD OF INSERT OR UPDATE OR DELETE ON ");
        qi(x->views[i].name);
        out(" FOR EACH ROW EXECUTE FUNCTION ");
        qi(x->views[i].trg_func);
        out("();\n");
    }
    /* comments */
    for (int i = 0; i < x->ndom; i++)
        print_comment("DOMAIN", x->domains[i].name, NULL, NULL, x->domains[i].comment);
    for (int i = 0; i < x->ncomp; i++)
        print_comment("TYPE", x->comps[i].name, NULL, NULL, x->comps[i].comment);
    for (int i = 0; i < x->nenum; i++)
        print_comment("TYPE", x->enums[i].name, NULL, NULL, x->enums[i].comment);
    for (int i = 0; i < x->nseq; i++)
        print_comment("SEQUENCE", x->seqs[i].name, NULL, NULL, x->seqs[i].comment);
    for (int i = 0; i < x->nfunc; i++) {
        const struct gfunc *f = &x->funcs[i];
        const char *text = comment_text(f->comment);
        if (!text)
            continue;
        out("COMMENT ON %s ", f->kind == FN_PROC ? "PROCEDURE" : "FUNCTION");
        print_func_sig(f);
        out(" IS ");
        ql(text);
        out(";\n");
    }
    for (int i = 0; i < x->ntab; i++) {
        const struct gtable *t = &x->tables[i];
        print_comment("TABLE", t->name, NULL, NULL, t->comment);
        for (int j = 0; j < t->ncol; j++)
            print_comment("COLUMN", t->name, t->cols[j].name, NULL, t->cols[j].comment);
        for (int j = 0; j < t->ncons; j++)
            print_comment("CONSTRAINT", t->cons[j].name, NULL, t->name, t->cons[j].comment);
        for (int j = 0; j < t->nidx; j++)
            print_comment("INDEX", t->idx[j].name, NULL, NULL, t->idx[j].comment);
        for (int j = 0; j < t->ntrg; j++)
            print_comment("TRIGGER", t->trg[j].name, NULL, t->name, t->trg[j].comment);
    }
    for (int i = 0; i < x->nview; i++)
        print_comment(x->views[i].mat ? "MATERIALIZED VIEW" : "VIEW", x->views[i].name, NULL, NULL,
                      x->views[i].comment);
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    char *end;
    if (argc != 3) {
        fprintf(stderr, "usage: gen_schema SEED VARIANT (0: schema A, 1: schema B)\n");
        return 2;
    }
    unsigned long long seed = strtoull(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end || (strcmp(argv[2], "0") && strcmp(argv[2], "1"))) {
        fprintf(stderr, "gen_schema: SEED must be a number and VARIANT 0 or 1\n");
        return 2;
    }
    rng_state = seed * 0x2545f4914f6cdd1dull + 1;

    struct gschema *a = &g_schema_a, *b = &g_schema_b;
    g_a = NULL;
    gen_a(a);
    repair(a);

    *b = *a;
    g_a = a;
    int want = 3 + rnd(16);
    for (int done = 0, tries = 0; done < want && tries < 400; tries++)
        done += mutate_once(b);
    repair(b);

    int variant = argv[2][0] - '0';
    out("-- gen_schema %llu %d: schema %c (%d tables)\n", seed, variant, variant ? 'B' : 'A',
        variant ? b->ntab : a->ntab);
    if (variant)
        for (int i = 0; i < g_nlog; i++)
            out("-- mutation: %s\n", g_log[i]);
    if (variant)
        print_schema(b, a);
    else
        print_schema(a, b);
    return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
