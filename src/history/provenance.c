/*
 * provenance.c - explain a replay failure on a missing or duplicate object:
 * which earlier statement created, renamed or dropped it, or that none did,
 * from the server's English message and the statements' effects.
 */
#include "history/provenance.h"

#include "util/buf.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* ---- the server's message ------------------------------------------ */

/* What a %s of a message form holds. */
enum cap_role {
    CAP_NONE,   /* ignored (a function's argument types) */
    CAP_NAME,   /* the object's name as is */
    CAP_DOTTED, /* the object's name, "s.x" split at the first dot */
    CAP_CHAIN,  /* a name as quote_qualified_identifier writes it: role, "Role", s."Role" */
    CAP_SUB,    /* column, constraint, trigger, enum label */
    CAP_ALIAS,  /* "o" of "column o.x" */
    CAP_SCHEMA,
};

#define MAX_CAPS 3

struct msg_form {
    const char *sqlstate;
    const char *pattern; /* literal text with up to MAX_CAPS %s */
    enum eff_kind kind;
    int missing;
    unsigned char caps[MAX_CAPS]; /* enum cap_role of each %s */
};

/*
 * PostgreSQL 15's wording. A longer form goes before a shorter one that also
 * matches it ("column "%s" does not exist" would swallow the "of relation"
 * form).
 */
/* clang-format off */
static const struct msg_form forms[] = {
    {"42P01", "relation \"%s\" does not exist", EFF_RELATION, 1, {CAP_DOTTED}},
    {"42703", "column \"%s\" of relation \"%s\" does not exist", EFF_COLUMN, 1,
     {CAP_SUB, CAP_NAME}},
    {"42703", "column \"%s\" referenced in foreign key constraint does not exist", EFF_COLUMN, 1,
     {CAP_SUB}},
    {"42703", "column \"%s\" named in key does not exist", EFF_COLUMN, 1, {CAP_SUB}},
    {"42703", "column \"%s\" does not exist", EFF_COLUMN, 1, {CAP_SUB}},
    {"42703", "column %s.%s does not exist", EFF_COLUMN, 1, {CAP_ALIAS, CAP_SUB}},
    {"42704", "type \"%s\" does not exist", EFF_TYPE, 1, {CAP_DOTTED}},
    {"42704", "constraint \"%s\" of relation \"%s\" does not exist", EFF_CONSTRAINT, 1,
     {CAP_SUB, CAP_NAME}},
    {"42704", "constraint \"%s\" for table \"%s\" does not exist", EFF_CONSTRAINT, 1,
     {CAP_SUB, CAP_NAME}},
    {"42704", "index \"%s\" does not exist", EFF_INDEX, 1, {CAP_DOTTED}},
    {"42704", "extension \"%s\" does not exist", EFF_EXTENSION, 1, {CAP_NAME}},
    {"42704", "trigger \"%s\" for table \"%s\" does not exist", EFF_TRIGGER, 1,
     {CAP_SUB, CAP_NAME}},
    {"3F000", "schema \"%s\" does not exist", EFF_SCHEMA, 1, {CAP_NAME}},
    {"42883", "function %s(%s) does not exist", EFF_FUNCTION, 1, {CAP_DOTTED, CAP_NONE}},
    {"42883", "procedure %s(%s) does not exist", EFF_FUNCTION, 1, {CAP_DOTTED, CAP_NONE}},
    {"42883", "could not find a function named \"%s\"", EFF_FUNCTION, 1, {CAP_DOTTED}},
    {"42883", "could not find a procedure named \"%s\"", EFF_FUNCTION, 1, {CAP_DOTTED}},
    {"22P02", "invalid input value for enum %s: \"%s\"", EFF_ENUM_VALUE, 1, {CAP_CHAIN, CAP_SUB}},
    {"22023", "\"%s\" is not an existing enum label", EFF_ENUM_VALUE, 1, {CAP_SUB}},
    {"42P07", "relation \"%s\" already exists", EFF_RELATION, 0, {CAP_DOTTED}},
    {"42701", "column \"%s\" of relation \"%s\" already exists", EFF_COLUMN, 0,
     {CAP_SUB, CAP_NAME}},
    {"42710", "type \"%s\" already exists", EFF_TYPE, 0, {CAP_DOTTED}},
    {"42710", "constraint \"%s\" for relation \"%s\" already exists", EFF_CONSTRAINT, 0,
     {CAP_SUB, CAP_NAME}},
    {"42710", "extension \"%s\" already exists", EFF_EXTENSION, 0, {CAP_NAME}},
    {"42710", "trigger \"%s\" for relation \"%s\" already exists", EFF_TRIGGER, 0,
     {CAP_SUB, CAP_NAME}},
    {"42710", "enum label \"%s\" already exists", EFF_ENUM_VALUE, 0, {CAP_SUB}},
    {"42P06", "schema \"%s\" already exists", EFF_SCHEMA, 0, {CAP_NAME}},
    {"42723", "function \"%s\" already exists with same argument types", EFF_FUNCTION, 0,
     {CAP_NAME}},
    {"42723", "function %s(%s) already exists in schema \"%s\"", EFF_FUNCTION, 0,
     {CAP_NAME, CAP_NONE, CAP_SCHEMA}},
};
/* clang-format on */

/*
 * Match s against a pattern whose %s capture anything (possibly nothing).
 * Without backtracking: a capture ends at the first occurrence of the text
 * that follows it, except the last, which ends where the pattern's final text
 * must end the message. Names that contain the next separator are therefore
 * cut short, which PostgreSQL's unescaped quoting makes ambiguous anyway.
 */
static int pat_match(const char *s, const char *p, const char **cap, size_t *cap_len, int *ncap)
{
    size_t slen = strlen(s);
    const char *end = s + slen;
    const char *pc = strstr(p, "%s");
    size_t lit = pc ? (size_t)(pc - p) : strlen(p);

    *ncap = 0;
    if (!pc)
        return strcmp(s, p) == 0;
    if (slen < lit || memcmp(s, p, lit) != 0)
        return 0;
    s += lit;
    p = pc + 2;
    for (;;) {
        const char *next = strstr(p, "%s");
        if (*ncap >= MAX_CAPS)
            return 0;
        if (!next) { /* the last capture: the rest of p ends the message */
            size_t tail = strlen(p);
            if ((size_t)(end - s) < tail || memcmp(end - tail, p, tail) != 0)
                return 0;
            cap[*ncap] = s;
            cap_len[(*ncap)++] = (size_t)(end - tail - s);
            return 1;
        }
        size_t seplen = (size_t)(next - p);
        if (seplen == 0)
            return 0; /* two adjacent %s: not used by any form */
        char *sep = xstrndup(p, seplen);
        const char *hit = strstr(s, sep);
        free(sep);
        if (!hit)
            return 0;
        cap[*ncap] = s;
        cap_len[(*ncap)++] = (size_t)(hit - s);
        s = hit + seplen;
        p = next + 2;
    }
}

/* Split "s.x" at the first dot into schema and name (both new), or copy it into name. */
static void split_dotted(const char *t, size_t n, char **schema, char **name)
{
    const char *dot = memchr(t, '.', n);
    if (dot && dot > t && dot < t + n - 1) {
        *schema = xstrndup(t, (size_t)(dot - t));
        *name = xstrndup(dot + 1, n - (size_t)(dot - t) - 1);
    } else {
        *schema = NULL;
        *name = xstrndup(t, n);
    }
}

/*
 * One identifier of a chain written by quote_identifier: "..." with "" for a
 * quote, or a run of anything but dots. Appends it to b and returns the
 * position after it, or NULL when malformed.
 */
static const char *read_ident(const char *t, const char *end, struct buf *b)
{
    if (t < end && *t == '"') {
        for (t++; t < end; t++) {
            if (*t == '"') {
                if (t + 1 < end && t[1] == '"') {
                    buf_addch(b, '"');
                    t++;
                    continue;
                }
                return t + 1;
            }
            buf_addch(b, *t);
        }
        return NULL;
    }
    const char *start = t;
    while (t < end && *t != '.' && *t != '"')
        t++;
    if (t == start)
        return NULL;
    buf_add(b, start, (size_t)(t - start));
    return t;
}

/* A type name as format_type_be prints it: name or schema.name, each maybe quoted. */
static void split_chain(const char *t, size_t n, char **schema, char **name)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    const char *end = t + n;
    const char *p = read_ident(t, end, &a);
    if (p && p == end) {
        *schema = NULL;
        *name = buf_detach(&a, NULL);
        buf_release(&b);
        return;
    }
    if (p && *p == '.' && (p = read_ident(p + 1, end, &b)) && p == end) {
        *schema = buf_detach(&a, NULL);
        *name = buf_detach(&b, NULL);
        return;
    }
    buf_release(&a);
    buf_release(&b);
    *schema = NULL;
    *name = xstrndup(t, n);
}

/*
 * 1 and out filled when msg has f's shape and names something; -1 when it has
 * the shape but an empty name (no shorter form should then take it); else 0.
 */
static int form_matches(const struct msg_form *f, const char *msg, struct prov_subject *out)
{
    const char *cap[MAX_CAPS];
    size_t len[MAX_CAPS];
    int n;

    if (!pat_match(msg, f->pattern, cap, len, &n))
        return 0;
    memset(out, 0, sizeof(*out));
    out->kind = f->kind;
    out->missing = f->missing;
    for (int i = 0; i < n; i++) {
        switch ((enum cap_role)f->caps[i]) {
        case CAP_NAME:
            out->name = xstrndup(cap[i], len[i]);
            break;
        case CAP_DOTTED:
            split_dotted(cap[i], len[i], &out->schema, &out->name);
            break;
        case CAP_CHAIN:
            split_chain(cap[i], len[i], &out->schema, &out->name);
            break;
        case CAP_SUB:
            out->sub = xstrndup(cap[i], len[i]);
            break;
        case CAP_ALIAS:
            out->alias = xstrndup(cap[i], len[i]);
            break;
        case CAP_SCHEMA:
            out->schema = xstrndup(cap[i], len[i]);
            break;
        case CAP_NONE:
            break;
        }
    }
    /* Every name must be there; only an enum label may be empty. */
    if ((out->name && !out->name[0]) || (out->alias && !out->alias[0]) ||
        (out->schema && !out->schema[0]) || (!out->name && !out->sub) ||
        (out->sub && !out->sub[0] && out->kind != EFF_ENUM_VALUE) ||
        (out->alias && out->alias[0] == '"')) {
        prov_subject_release(out);
        return -1;
    }
    return 1;
}

int prov_parse_error(const char *sqlstate, const char *message, struct prov_subject *out)
{
    memset(out, 0, sizeof(*out));
    if (!sqlstate || !message)
        return 0;
    /* Tolerate the "ERROR:  " that psql prints and trailing blanks. */
    if (strncmp(message, "ERROR:", 6) == 0)
        for (message += 6; *message == ' '; message++)
            ;
    size_t n = strlen(message);
    while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' ' || message[n - 1] == '\r'))
        n--;
    char *msg = xstrndup(message, n);
    int found = 0;
    for (size_t i = 0; i < ARRAY_SIZE(forms) && !found; i++)
        if (strcmp(forms[i].sqlstate, sqlstate) == 0)
            found = form_matches(&forms[i], msg, out);
    free(msg);
    return found == 1;
}

void prov_subject_release(struct prov_subject *s)
{
    free(s->schema);
    free(s->name);
    free(s->sub);
    free(s->alias);
    memset(s, 0, sizeof(*s));
}

/* ---- names ----------------------------------------------------------- */

static int name_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* An unqualified name on either side resolves through search_path: it matches. */
static int schema_ok(const char *a, const char *b)
{
    return !a || !b || strcmp(a, b) == 0;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Equal but for ASCII case and underscores: customer_id ~ customerId ~ CustomerID. */
static int norm_eq(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    for (;;) {
        while (*a == '_')
            a++;
        while (*b == '_')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (lower(*a) != lower(*b))
            return 0;
        a++;
        b++;
    }
}

static int is_sub_kind(enum eff_kind k)
{
    return k == EFF_COLUMN || k == EFF_CONSTRAINT || k == EFF_TRIGGER || k == EFF_ENUM_VALUE;
}

static const char *rel_noun(const struct effect *e)
{
    if (e->kind == EFF_INDEX)
        return "index";
    switch (e->relkinds[0]) {
    case 'v':
        return "view";
    case 'm':
        return "materialized view";
    case 'S':
        return "sequence";
    case 'f':
        return "foreign table";
    default:
        return "table";
    }
}

static const char *kind_noun(enum eff_kind k)
{
    switch (k) {
    case EFF_SCHEMA:
        return "schema";
    case EFF_INDEX:
        return "index";
    case EFF_TYPE:
        return "type";
    case EFF_EXTENSION:
        return "extension";
    case EFF_FUNCTION:
        return "function";
    default:
        return "relation";
    }
}

static void add_qname(struct buf *b, const char *schema, const char *name)
{
    if (schema)
        buf_addf(b, "\"%s\".", schema);
    buf_addf(b, "\"%s\"", name);
}

static char *qname(const char *schema, const char *name)
{
    struct buf b = BUF_INIT;
    add_qname(&b, schema, name);
    return buf_detach(&b, NULL);
}

/* ---- the walk ---------------------------------------------------------- */

/* One statement searched. */
struct step {
    size_t mig, stmt;
    int line;
    const struct stmt_effects *se;
};

/* A name the subject's table (enum) had over [from, to) of the steps. */
struct span {
    const char *name;
    size_t from, to;
};

/* A near miss: an object whose name differs from the subject's only in case or underscores. */
struct cand {
    char *schema, *name;
    char *container; /* sub kinds: the table (enum) now */
    char *made_in;   /* ... and when it was made */
    char *renamed_from;
    const char *noun;
    size_t step;
    int live;
};

struct walk {
    struct prov_subject *s;
    const struct migdir *d;
    struct provenance *out;
    struct step *steps;
    size_t nsteps;
    size_t cur;       /* the step being visited */
    enum eff_kind ck; /* sub kinds: the kind of the container */
    struct span *spans;
    size_t nspans;
    char **inst; /* sub kinds: the containers the subject lives in now */
    size_t ninst, capinst;
    int live;          /* other kinds: the subject exists now */
    char *live_table;  /* ... an index: its table */
    int live_implicit; /* ... made by a constraint of that table */
    const char *noun;
    struct cand *cand;
    size_t ncand, capcand;
};

/* Reasons of EFFC_UNKNOWN statements that may create, drop or rename objects. */
static int uncertain(const char *reason)
{
    static const char *const v[] = {"DO block", "function call", "not analysed", "schema elements",
                                    "unnamed index"};
    for (size_t i = 0; reason && i < ARRAY_SIZE(v); i++)
        if (strcmp(reason, v[i]) == 0)
            return 1;
    return 0;
}

/*
 * A rename: exactly two effects of one kind, the new name present and the
 * old absent (RENAME, RENAME COLUMN / CONSTRAINT / VALUE, SET SCHEMA). A
 * constraint added and another dropped in one ALTER TABLE looks alike but
 * the added one has a contype.
 */
static int rename_pair(const struct stmt_effects *se, const struct effect **from,
                       const struct effect **to)
{
    if (se->n != 2 || se->v[0].kind != se->v[1].kind || se->v[0].present == se->v[1].present)
        return 0;
    *to = se->v[0].present ? &se->v[0] : &se->v[1];
    *from = se->v[0].present ? &se->v[1] : &se->v[0];
    if ((*to)->kind == EFF_CONSTRAINT && (*to)->contype)
        return 0;
    if (is_sub_kind((*to)->kind))
        return (*to)->sub && (*from)->sub && name_eq((*to)->name, (*from)->name) &&
               ((!(*to)->schema && !(*from)->schema) || name_eq((*to)->schema, (*from)->schema));
    return 1;
}

/* Can an effect of this kind be the (top-level) subject? */
static int kind_ok(const struct walk *w, const struct effect *e)
{
    switch (w->s->kind) {
    case EFF_RELATION: /* indexes share the relations' namespace */
        return e->kind == EFF_RELATION || e->kind == EFF_INDEX;
    case EFF_TYPE: /* every relation but a sequence (or an index) has a row type of its name */
        return e->kind == EFF_TYPE || (e->kind == EFF_RELATION && e->relkinds[0] != 'S');
    default:
        return e->kind == w->s->kind;
    }
}

static int top_match(const struct walk *w, const struct effect *e)
{
    return kind_ok(w, e) && name_eq(e->name, w->s->name) && schema_ok(e->schema, w->s->schema);
}

/* Sub kinds: is e's table (enum) the subject's, as it was named at the current step? */
static int in_lineage(const struct walk *w, const struct effect *e)
{
    if (!w->s->name)
        return 1;
    if (!schema_ok(e->schema, w->s->schema))
        return 0;
    for (size_t i = 0; i < w->nspans; i++)
        if (w->cur >= w->spans[i].from && w->cur < w->spans[i].to &&
            name_eq(e->name, w->spans[i].name))
            return 1;
    return 0;
}

static void add_event(struct walk *w, const char *what, char *detail, const char *table)
{
    struct provenance *p = w->out;
    const struct step *st = &w->steps[w->cur];
    ALLOC_GROW(p->v, p->n + 1, p->cap);
    struct prov_event *ev = &p->v[p->n++];
    ev->migration = st->mig;
    ev->statement = st->stmt;
    ev->line = st->line;
    ev->what = what;
    ev->detail = detail;
    ev->table = xstrdup(table);
}

static char *container_detail(const struct walk *w, const char *name)
{
    return xasprintf("%s \"%s\"", w->ck == EFF_TYPE ? "enum" : "table", name);
}

/* -- the subject's instances (sub kinds) -- */

static long inst_find(const struct walk *w, const char *container)
{
    for (size_t i = 0; i < w->ninst; i++)
        if (strcmp(w->inst[i], container) == 0)
            return (long)i;
    return -1;
}

static void inst_add(struct walk *w, const char *container)
{
    if (inst_find(w, container) >= 0)
        return;
    ALLOC_GROW(w->inst, w->ninst + 1, w->capinst);
    w->inst[w->ninst++] = xstrdup(container);
}

static void inst_remove(struct walk *w, const char *container)
{
    long i = inst_find(w, container);
    if (i < 0)
        return;
    free(w->inst[i]);
    w->inst[i] = w->inst[--w->ninst];
}

/* -- near misses -- */

static void cand_add(struct walk *w, const struct effect *e, const char *renamed_from)
{
    int sub = is_sub_kind(w->s->kind);
    const char *name = sub ? e->sub : e->name;
    for (size_t i = 0; i < w->ncand; i++)
        if (w->cand[i].live && strcmp(w->cand[i].name, name) == 0 &&
            (!sub || name_eq(w->cand[i].container, e->name)))
            return;
    ALLOC_GROW(w->cand, w->ncand + 1, w->capcand);
    struct cand *c = &w->cand[w->ncand++];
    memset(c, 0, sizeof(*c));
    c->name = xstrdup(name);
    if (sub) {
        c->container = xstrdup(e->name);
        c->made_in = xstrdup(e->name);
    } else {
        c->schema = xstrdup(e->schema);
    }
    c->renamed_from = xstrdup(renamed_from);
    c->noun = sub                          ? (w->ck == EFF_TYPE ? "enum" : "table")
              : w->s->kind == EFF_RELATION ? rel_noun(e)
                                           : kind_noun(w->s->kind);
    c->step = w->cur;
    c->live = 1;
}

/* The object e names (or, with by_container, everything in the table e names) is gone. */
static void cand_kill(struct walk *w, const struct effect *e, int by_container)
{
    int sub = is_sub_kind(w->s->kind);
    for (size_t i = 0; i < w->ncand; i++) {
        struct cand *c = &w->cand[i];
        if (!c->live)
            continue;
        if (by_container ? name_eq(c->container, e->name)
            : sub        ? name_eq(c->name, e->sub) && name_eq(c->container, e->name)
                         : name_eq(c->name, e->name) && schema_ok(c->schema, e->schema))
            c->live = 0;
    }
}

static int cand_near(const struct walk *w, const struct effect *e)
{
    const struct prov_subject *s = w->s;
    if (!is_sub_kind(s->kind))
        return kind_ok(w, e) && schema_ok(e->schema, s->schema) && norm_eq(e->name, s->name) &&
               strcmp(e->name, s->name) != 0;
    if (e->kind != s->kind || !norm_eq(e->sub, s->sub))
        return 0;
    int lineage = in_lineage(w, e);
    if (lineage)
        return strcmp(e->sub, s->sub) != 0;
    return s->name && schema_ok(e->schema, s->schema) && norm_eq(e->name, s->name);
}

/* -- visiting statements -- */

static void rename_container(struct walk *w, const struct effect *from, const struct effect *to)
{
    long i = inst_find(w, from->name);
    if (i >= 0 && inst_find(w, to->name) < 0) {
        free(w->inst[i]);
        w->inst[i] = xstrdup(to->name);
    }
    for (size_t k = 0; k < w->ncand; k++)
        if (w->cand[k].live && name_eq(w->cand[k].container, from->name)) {
            free(w->cand[k].container);
            w->cand[k].container = xstrdup(to->name);
        }
    if (w->live && name_eq(w->live_table, from->name)) {
        free(w->live_table);
        w->live_table = xstrdup(to->name);
    }
}

static char *other_name(const struct effect *other, const struct effect *self, int sub)
{
    if (sub)
        return qname(NULL, other->sub);
    int moved = other->schema && !name_eq(other->schema, self->schema);
    return qname(moved ? other->schema : NULL, other->name);
}

static void visit_rename(struct walk *w, const struct effect *from, const struct effect *to)
{
    const struct prov_subject *s = w->s;
    if (is_sub_kind(s->kind)) {
        if (from->kind == w->ck && from->kind != s->kind) {
            rename_container(w, from, to);
            return;
        }
        if (from->kind != s->kind)
            return;
        if (in_lineage(w, from)) {
            if (name_eq(from->sub, s->sub)) {
                add_event(w, "renamed to", other_name(to, from, 1), from->name);
                inst_remove(w, from->name);
            } else if (name_eq(to->sub, s->sub)) {
                add_event(w, "renamed from", other_name(from, to, 1), to->name);
                inst_add(w, to->name);
            }
        }
        cand_kill(w, from, 0);
        if (cand_near(w, to))
            cand_add(w, to, from->sub);
        return;
    }
    if (from->kind == EFF_RELATION)
        rename_container(w, from, to); /* an index's table */
    if (!kind_ok(w, from))
        return;
    int om = top_match(w, from), nm = top_match(w, to);
    int moved = to->schema && strcmp(from->name, to->name) == 0; /* SET SCHEMA */
    if (om && nm) {
        /* a move: it came here only if the message named the new schema */
        nm = s->schema && name_eq(s->schema, to->schema);
        om = !nm;
    }
    if (om && moved) {
        add_event(w, "moved to", xasprintf("schema \"%s\"", to->schema), NULL);
        w->live = 0;
    } else if (om) {
        add_event(w, "renamed to", other_name(to, from, 0), NULL);
        w->live = 0;
    } else if (nm && moved) {
        add_event(w, "moved from", from->schema ? xasprintf("schema \"%s\"", from->schema) : NULL,
                  NULL);
        w->live = 1;
    } else if (nm) {
        add_event(w, "renamed from", other_name(from, to, 0), NULL);
        w->live = 1;
    }
    if ((om || nm) && s->kind == EFF_RELATION && strcmp(w->noun, "relation") == 0)
        w->noun = rel_noun(to); /* ALTER TABLE ... RENAME says "table" of views too */
    cand_kill(w, from, 0);
    if (cand_near(w, to))
        cand_add(w, to, from->name);
}

static void visit_sub(struct walk *w, const struct effect *e)
{
    const struct prov_subject *s = w->s;
    int validate = e->kind == EFF_CONSTRAINT && e->present && !e->contype;

    if (e->kind == s->kind && e->sub && !validate) {
        if (name_eq(e->sub, s->sub) && in_lineage(w, e)) {
            /* a trigger is created and dropped on its own (no "with table") */
            int trig = s->kind == EFF_TRIGGER;
            char *where = trig ? NULL : container_detail(w, e->name);
            if (e->present) {
                add_event(w, trig ? "created" : "added", where, e->name);
                inst_add(w, e->name);
            } else {
                add_event(w, trig ? "dropped" : "removed", where, e->name);
                inst_remove(w, e->name);
            }
        }
        if (!e->present)
            cand_kill(w, e, 0);
        else if (cand_near(w, e))
            cand_add(w, e, NULL);
        return;
    }
    if (e->kind == w->ck && !e->present) { /* the table (enum) goes, and all in it */
        if (inst_find(w, e->name) >= 0 && schema_ok(e->schema, s->schema)) {
            add_event(w, "dropped", container_detail(w, e->name), e->name);
            inst_remove(w, e->name);
        }
        cand_kill(w, e, 1);
    }
}

static const char *contype_noun(char t)
{
    return t == 'p' ? "primary key" : t == 'u' ? "unique constraint" : "exclusion constraint";
}

static void visit_top(struct walk *w, const struct effect *e)
{
    const struct prov_subject *s = w->s;
    int indexish = s->kind == EFF_RELATION || s->kind == EFF_INDEX;

    if (top_match(w, e)) {
        char *detail = NULL;
        if (s->kind == EFF_TYPE && e->kind == EFF_RELATION)
            detail = e->present ? xasprintf("row type of %s \"%s\"", rel_noun(e), e->name)
                                : xasprintf("%s \"%s\"", rel_noun(e), e->name);
        if (s->kind == EFF_RELATION && (e->present || strcmp(w->noun, "relation") == 0))
            w->noun = rel_noun(e);
        add_event(w, e->present ? "created" : "dropped", detail, NULL);
        w->live = e->present;
        free(w->live_table);
        w->live_table = e->present && e->kind == EFF_INDEX ? xstrdup(e->ref) : NULL;
        w->live_implicit = 0;
    } else if (indexish && e->kind == EFF_CONSTRAINT && name_eq(e->sub, s->name) &&
               schema_ok(e->schema, s->schema)) {
        /* PRIMARY KEY, UNIQUE and EXCLUDE make an index of the constraint's name */
        if (e->present && e->contype && strchr("pux", e->contype)) {
            add_event(w, "created",
                      xasprintf("%s of table \"%s\"", contype_noun(e->contype), e->name), NULL);
            w->noun = "index";
            w->live = 1;
            free(w->live_table);
            w->live_table = xstrdup(e->name);
            w->live_implicit = 1;
        } else if (!e->present && w->live && w->live_implicit && name_eq(w->live_table, e->name)) {
            add_event(w, "dropped", xasprintf("constraint \"%s\" of table \"%s\"", e->sub, e->name),
                      NULL);
            w->live = 0;
        }
    } else if (indexish && e->kind == EFF_RELATION && !e->present && w->live &&
               name_eq(w->live_table, e->name)) {
        add_event(w, "dropped", xasprintf("%s \"%s\"", rel_noun(e), e->name), NULL);
        w->live = 0;
    }
    if (kind_ok(w, e)) {
        if (!e->present)
            cand_kill(w, e, 0);
        else if (cand_near(w, e))
            cand_add(w, e, NULL);
    }
}

static void visit(struct walk *w, const struct stmt_effects *se)
{
    const struct effect *from, *to;
    if (se->cls == EFFC_UNKNOWN && uncertain(se->reason))
        w->out->unanalysed++;
    if (rename_pair(se, &from, &to)) {
        visit_rename(w, from, to);
        return;
    }
    for (size_t i = 0; i < se->n; i++) {
        if (is_sub_kind(w->s->kind))
            visit_sub(w, &se->v[i]);
        else
            visit_top(w, &se->v[i]);
    }
}

/* ---- before the walk ------------------------------------------------- */

static void build_steps(struct walk *w, const struct sql_script *scripts,
                        struct stmt_effects *const *effects, size_t failing_migration,
                        size_t failing_statement)
{
    size_t cap = 0;
    for (size_t i = 0; i < w->d->n && i <= failing_migration; i++) {
        int last = i == failing_migration;
        size_t n = scripts[i].n;
        if (last && failing_statement < n)
            n = failing_statement;
        if (last && n == 0)
            break;
        if (!effects[i]) {
            w->out->unparsed++;
            continue;
        }
        w->out->checked++;
        for (size_t j = 0; j < n; j++) {
            ALLOC_GROW(w->steps, w->nsteps + 1, cap);
            w->steps[w->nsteps++] = (struct step){i, j, scripts[i].stmts[j].line, &effects[i][j]};
        }
    }
}

/* Effects whose name is a relation's, type's, ... of the subject's kind k. */
static int names_like(enum eff_kind e, enum eff_kind k)
{
    switch (k) {
    case EFF_RELATION:
    case EFF_INDEX:
        return e == EFF_RELATION || e == EFF_INDEX;
    case EFF_TYPE:
    case EFF_ENUM_VALUE:
        return e == EFF_TYPE || e == EFF_ENUM_VALUE;
    case EFF_COLUMN: /* the alias named a table */
        return e == EFF_RELATION;
    default:
        return e == k;
    }
}

/* Does an earlier statement name something like a k (names_like) so? */
static int any_effect_named(const struct walk *w, const char *name, enum eff_kind k)
{
    for (size_t i = 0; i < w->nsteps; i++) {
        const struct stmt_effects *se = w->steps[i].se;
        for (size_t j = 0; j < se->n; j++)
            if (names_like(se->v[j].kind, k) && name_eq(se->v[j].name, name))
                return 1;
    }
    return 0;
}

/*
 * "relation "a.b"": the schema-qualified a.b unless an earlier statement
 * made something called "a.b". "column o.x": o is the table when an earlier
 * statement names a table o.
 */
static void resolve_subject(struct walk *w)
{
    struct prov_subject *s = w->s;
    if (s->schema && s->name && !is_sub_kind(s->kind) && s->kind != EFF_SCHEMA) {
        char *joined = xasprintf("%s.%s", s->schema, s->name);
        if (any_effect_named(w, joined, s->kind)) {
            free(s->schema);
            free(s->name);
            s->schema = NULL;
            s->name = joined;
        } else {
            free(joined);
        }
    }
    if (s->kind == EFF_COLUMN && !s->name && s->alias && any_effect_named(w, s->alias, EFF_COLUMN))
        s->name = xstrdup(s->alias);
}

/* The names the subject's table had, walking its renames back from now. */
static void build_lineage(struct walk *w)
{
    size_t to = (size_t)-1, cap = 0;
    const char *cur = w->s->name;
    if (!is_sub_kind(w->s->kind) || !cur)
        return;
    for (size_t i = w->nsteps; i-- > 0;) {
        const struct effect *from, *nw;
        if (!rename_pair(w->steps[i].se, &from, &nw) || from->kind != w->ck ||
            !name_eq(nw->name, cur) || name_eq(from->name, cur))
            continue;
        ALLOC_GROW(w->spans, w->nspans + 1, cap);
        w->spans[w->nspans++] = (struct span){cur, i, to};
        to = i;
        cur = from->name;
    }
    ALLOC_GROW(w->spans, w->nspans + 1, cap);
    w->spans[w->nspans++] = (struct span){cur, 0, to};
}

/* ---- the summary ------------------------------------------------------ */

static void add_subject(struct buf *b, const struct walk *w)
{
    const struct prov_subject *s = w->s;
    switch (s->kind) {
    case EFF_COLUMN:
    case EFF_CONSTRAINT:
    case EFF_TRIGGER:
        buf_addf(b, "%s \"%s\"",
                 s->kind == EFF_COLUMN       ? "column"
                 : s->kind == EFF_CONSTRAINT ? "constraint"
                                             : "trigger",
                 s->sub);
        if (s->name)
            buf_addf(b, " of table \"%s\"", s->name);
        break;
    case EFF_ENUM_VALUE:
        buf_addf(b, "value '%s'", s->sub);
        if (s->name) {
            buf_adds(b, " of enum ");
            add_qname(b, s->schema, s->name);
        }
        break;
    default:
        buf_addf(b, "%s ", w->noun);
        add_qname(b, s->schema, s->name);
        break;
    }
}

static void add_by(struct buf *b, const struct walk *w, size_t mig, int line)
{
    buf_addf(b, " by %s (line %d)", w->d->v[mig].name, line);
}

static void add_phrase(struct buf *b, const struct walk *w, const struct prov_event *ev)
{
    int show_table = ev->table && (!w->s->name || strcmp(ev->table, w->s->name) != 0);
    buf_adds(b, ev->what);
    if (ev->detail) {
        if (strcmp(ev->what, "created") == 0)
            buf_addf(b, " (%s)", ev->detail);
        else if (strcmp(ev->what, "dropped") == 0)
            buf_addf(b, " with %s", ev->detail);
        else if (strncmp(ev->what, "renamed", 7) == 0 || strncmp(ev->what, "moved", 5) == 0)
            buf_addf(b, " %s", ev->detail);
        else if (show_table)
            buf_addf(b, " %s %s", strcmp(ev->what, "added") == 0 ? "to" : "from", ev->detail);
    } else if (strcmp(ev->what, "moved from") == 0) {
        buf_adds(b, " another schema");
    }
    add_by(b, w, ev->migration, ev->line);
}

static int creates(const char *what)
{
    return strcmp(what, "created") == 0 || strcmp(what, "added") == 0 ||
           strcmp(what, "renamed from") == 0 || strcmp(what, "moved from") == 0;
}

static void add_count(struct buf *b, size_t n, const char *one, const char *many)
{
    buf_addf(b, "%zu %s", n, n == 1 ? one : many);
}

/* Events as "a, b and c"; a long history keeps its first two and last three. */
static void add_history(struct buf *b, const struct walk *w)
{
    const struct provenance *p = w->out;
    size_t n = p->n;
    for (size_t i = 0; i < n; i++) {
        if (n > 6 && i >= 2 && i < n - 3) {
            if (i == 2) {
                buf_adds(b, ", ");
                add_count(b, n - 5, "more", "more");
            }
            continue;
        }
        if (i > 0)
            buf_adds(b, i == n - 1 ? " and " : ", ");
        add_phrase(b, w, &p->v[i]);
    }
}

static void add_near_misses(struct buf *b, const struct walk *w)
{
    size_t shown = 0;
    for (size_t i = 0; i < w->ncand && shown < 3; i++) {
        const struct cand *c = &w->cand[i];
        const struct step *st = &w->steps[c->step];
        if (!c->live)
            continue;
        shown++;
        buf_adds(b, "; ");
        if (is_sub_kind(w->s->kind)) {
            buf_addf(b, "\"%s\" was ", c->name);
            if (c->renamed_from)
                buf_addf(b, "renamed from \"%s\" in %s \"%s\"", c->renamed_from, c->noun,
                         c->made_in);
            else
                buf_addf(b, "added to %s \"%s\"", c->noun, c->made_in);
        } else {
            buf_addf(b, "%s ", c->noun);
            add_qname(b, c->schema, c->name);
            if (c->renamed_from)
                buf_addf(b, " was renamed from \"%s\"", c->renamed_from);
            else
                buf_adds(b, " was created");
        }
        add_by(b, w, st->mig, st->line);
    }
}

static char *summarize(const struct walk *w)
{
    struct buf b = BUF_INIT;
    const struct provenance *p = w->out;
    const struct prov_subject *s = w->s;

    add_subject(&b, w);
    if (p->n == 0) {
        buf_adds(&b, " is not created by any earlier migration (checked ");
        add_count(&b, p->checked, "migration", "migrations");
        if (p->unanalysed) {
            buf_adds(&b, "; ");
            add_count(&b, p->unanalysed, "statement", "statements");
            buf_adds(&b, " could not be analysed");
        }
        if (p->unparsed) {
            buf_adds(&b, "; ");
            add_count(&b, p->unparsed, "migration", "migrations");
            buf_adds(&b, " could not be parsed");
        }
        buf_addch(&b, ')');
        if (s->missing)
            add_near_misses(&b, w);
        return buf_detach(&b, NULL);
    }

    const char *last = p->v[p->n - 1].what;
    buf_adds(&b, " was ");
    if (p->n == 1 && !s->missing && creates(last))
        buf_adds(&b, "already ");
    add_history(&b, w);
    if (s->missing == creates(last)) {
        buf_adds(&b, s->missing ? "; no later statement drops or renames it"
                                : "; no later statement creates it again");
        if (p->unanalysed) {
            buf_adds(&b, " (");
            add_count(&b, p->unanalysed, "statement", "statements");
            buf_adds(&b, " could not be analysed)");
        }
    }
    if (s->missing && (strcmp(last, "dropped") == 0 || strcmp(last, "removed") == 0))
        add_near_misses(&b, w);
    return buf_detach(&b, NULL);
}

/* ---- entry points ---------------------------------------------------- */

int prov_explain(const char *sqlstate, const char *message, const struct migdir *d,
                 const struct sql_script *scripts, struct stmt_effects *const *effects,
                 size_t failing_migration, size_t failing_statement, struct provenance *out)
{
    struct walk w;

    memset(out, 0, sizeof(*out));
    if (!prov_parse_error(sqlstate, message, &out->subject))
        return 0;
    memset(&w, 0, sizeof(w));
    w.s = &out->subject;
    w.d = d;
    w.out = out;
    w.ck = w.s->kind == EFF_ENUM_VALUE ? EFF_TYPE : EFF_RELATION;
    w.noun = kind_noun(w.s->kind);

    build_steps(&w, scripts, effects, failing_migration, failing_statement);
    resolve_subject(&w);
    build_lineage(&w);
    for (w.cur = 0; w.cur < w.nsteps; w.cur++)
        visit(&w, w.steps[w.cur].se);
    out->summary = summarize(&w);

    for (size_t i = 0; i < w.ninst; i++)
        free(w.inst[i]);
    free(w.inst);
    for (size_t i = 0; i < w.ncand; i++) {
        free(w.cand[i].schema);
        free(w.cand[i].name);
        free(w.cand[i].container);
        free(w.cand[i].made_in);
        free(w.cand[i].renamed_from);
    }
    free(w.cand);
    free(w.live_table);
    free(w.spans);
    free(w.steps);
    return 1;
}

void prov_release(struct provenance *p)
{
    prov_subject_release(&p->subject);
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].detail);
        free(p->v[i].table);
    }
    free(p->v);
    free(p->summary);
    memset(p, 0, sizeof(*p));
}
