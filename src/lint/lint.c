/*
 * lint.c - `pgmig lint`: linting migrations in history order with a static
 * model of the schema they build (from the effects of sql/effects.h), the
 * transactions pgmig will run them in (history/plan.h), the server version and
 * suppression comments; and which files a path names. The rule texts are in
 * lint_rule_texts.c, the options in lint_config.c, the output in
 * lint_output.c.
 */
#include "lint/lint.h"
#include "history/plan.h"
#include "sql/effects.h"
#include "sql/lint_rules.h"
#include "sql/script.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/srcpos.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the static schema model ---------------------------------------------- */

/*
 * What the history has created so far, by name. Schemas are compared loosely
 * (an unqualified name and "public" match anything): a model for lint, not
 * for the catalog. Entries are never freed until the run ends: a dropped or
 * renamed relation stays, dead, to say what happened to it.
 */
struct mcol {
    char *name;
    int alive;
    long added_in, first_added_in, dropped_in; /* migration indexes; -1 none */
    char *renamed_to;
    char *type; /* as effects.h records it: "pg_catalog.varchar"; NULL unknown */
    int typmods[2], n_typmods, dims;
};

struct mrel {
    char *schema, *name;
    int is_index;
    int alive;
    long created_in, first_created_in, dropped_in;
    char *renamed_to;
    char *table; /* index: its table */
    int cols_unknown;
    struct mcol *cols;
    size_t ncols, cap;
    long next; /* hash chain */
};

struct mcheck { /* CHECK (col IS NOT NULL) */
    char *table, *name, *column;
    int validated;
    long validated_in; /* migration; -1 not yet */
    size_t validated_seg;
};

struct model {
    struct mrel *v;
    size_t n, cap;
    long *buckets;
    size_t nbuckets;
    struct mcheck *checks;
    size_t nchecks, cap_checks;
    int complete;  /* the history from the first migration is known */
    int taint_all; /* an earlier statement ran code that may create anything */
    char **texts;  /* texts of DO blocks, lowercased: what they name may exist */
    size_t ntexts, cap_texts;
};

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static int schema_match(const char *a, const char *b)
{
    if (!a || !b || strcmp(a, "public") == 0 || strcmp(b, "public") == 0)
        return 1;
    return strcmp(a, b) == 0;
}

static void model_rehash(struct model *m)
{
    size_t nb = m->nbuckets ? m->nbuckets * 2 : 256;
    free(m->buckets);
    m->buckets = xmalloc(nb * sizeof(*m->buckets));
    for (size_t i = 0; i < nb; i++)
        m->buckets[i] = -1;
    m->nbuckets = nb;
    for (size_t i = 0; i < m->n; i++) {
        size_t b = name_hash(m->v[i].name) & (nb - 1);
        m->v[i].next = m->buckets[b];
        m->buckets[b] = (long)i;
    }
}

/* The newest entry of that kind and name (alive first when alive_only). */
static struct mrel *model_find(const struct model *m, int is_index, const char *schema,
                               const char *name, int alive_only)
{
    struct mrel *dead = NULL;
    if (!m->nbuckets || !name)
        return NULL;
    for (long i = m->buckets[name_hash(name) & (m->nbuckets - 1)]; i >= 0; i = m->v[i].next) {
        struct mrel *r = &m->v[i];
        if (r->is_index != is_index || strcmp(r->name, name) != 0 ||
            !schema_match(r->schema, schema))
            continue;
        if (r->alive)
            return r;
        if (!dead)
            dead = r; /* chains are newest first */
    }
    return alive_only ? NULL : dead;
}

static struct mrel *model_add(struct model *m, int is_index, const char *schema, const char *name,
                              long mig)
{
    ALLOC_GROW(m->v, m->n + 1, m->cap);
    struct mrel *r = &m->v[m->n];
    memset(r, 0, sizeof(*r));
    r->schema = schema ? xstrdup(schema) : NULL;
    r->name = xstrdup(name);
    r->is_index = is_index;
    r->alive = 1;
    r->created_in = r->first_created_in = mig;
    r->dropped_in = -1;
    struct mrel *old = model_find(m, is_index, schema, name, 0);
    if (old && old->first_created_in >= 0 && old->first_created_in < mig)
        r->first_created_in = old->first_created_in;
    m->n++;
    if (m->n * 4 > m->nbuckets * 3)
        model_rehash(m);
    else {
        size_t b = name_hash(name) & (m->nbuckets - 1);
        r->next = m->buckets[b];
        m->buckets[b] = (long)(m->n - 1);
    }
    return &m->v[m->n - 1];
}

static struct mcol *rel_col(struct mrel *r, const char *name, int alive_only)
{
    struct mcol *dead = NULL;
    for (size_t i = r->ncols; i-- > 0;) {
        if (strcmp(r->cols[i].name, name) != 0)
            continue;
        if (r->cols[i].alive)
            return &r->cols[i];
        if (!dead)
            dead = &r->cols[i];
    }
    return alive_only ? NULL : dead;
}

static struct mcol *rel_add_col(struct mrel *r, const char *name, long mig)
{
    struct mcol *old = rel_col(r, name, 0);
    long first = old && old->first_added_in >= 0 ? old->first_added_in : mig;
    ALLOC_GROW(r->cols, r->ncols + 1, r->cap);
    struct mcol *c = &r->cols[r->ncols++];
    memset(c, 0, sizeof(*c));
    c->name = xstrdup(name);
    c->alive = 1;
    c->added_in = mig;
    c->first_added_in = first;
    c->dropped_in = -1;
    return c;
}

static void model_release(struct model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        struct mrel *r = &m->v[i];
        for (size_t k = 0; k < r->ncols; k++) {
            free(r->cols[k].name);
            free(r->cols[k].renamed_to);
            free(r->cols[k].type);
        }
        free(r->cols);
        free(r->schema);
        free(r->name);
        free(r->renamed_to);
        free(r->table);
    }
    for (size_t i = 0; i < m->nchecks; i++) {
        free(m->checks[i].table);
        free(m->checks[i].name);
        free(m->checks[i].column);
    }
    for (size_t i = 0; i < m->ntexts; i++)
        free(m->texts[i]);
    free(m->texts);
    free(m->checks);
    free(m->v);
    free(m->buckets);
    memset(m, 0, sizeof(*m));
}

/* Is relation (or, with is_index, index) `name` new: created in migration `mig`? */
static int model_is_new(const struct model *m, const char *schema, const char *name, int is_index,
                        long mig)
{
    const struct mrel *r = model_find(m, is_index, schema, name, 1);
    if (!r)
        return 0;
    if (r->created_in == mig)
        return 1;
    if (is_index && r->table)
        return model_is_new(m, r->schema, r->table, 0, mig);
    return 0;
}

/* ---- applying a statement's effects ------------------------------------------ */

static int eff_rel(const struct effect *e)
{
    return e->kind == EFF_RELATION || e->kind == EFF_INDEX;
}

/* A rename (or SET SCHEMA) is a statement of exactly two effects of one kind:
 * the new name present, the old one absent (for columns: of one table). */
static int is_rename(const struct stmt_effects *se)
{
    if (se->n != 2)
        return 0;
    const struct effect *a = &se->v[0], *b = &se->v[1];
    if (a->kind != b->kind || a->present == b->present || !(eff_rel(a) || a->kind == EFF_COLUMN))
        return 0;
    return a->kind != EFF_COLUMN || strcmp(a->name, b->name) == 0;
}

static void copy_type(struct mcol *c, const struct effect *e)
{
    free(c->type);
    c->type = e->type_name ? xstrdup(e->type_name) : NULL;
    c->n_typmods = e->n_typmods;
    c->typmods[0] = e->typmods[0];
    c->typmods[1] = e->typmods[1];
    c->dims = e->array_dims;
}

static void copy_col_type(struct mcol *to, const struct mcol *from)
{
    if (!from->type)
        return;
    to->type = xstrdup(from->type);
    to->n_typmods = from->n_typmods;
    memcpy(to->typmods, from->typmods, sizeof(to->typmods));
    to->dims = from->dims;
}

static void drop_rel(struct model *m, struct mrel *r, long mig, const char *renamed_to)
{
    r->alive = 0;
    r->dropped_in = mig;
    if (renamed_to)
        r->renamed_to = xstrdup(renamed_to);
    else if (!r->is_index) /* its indexes go with it */
        for (size_t i = 0; i < m->n; i++)
            if (m->v[i].is_index && m->v[i].alive && m->v[i].table &&
                strcmp(m->v[i].table, r->name) == 0)
                m->v[i].alive = 0;
}

static void apply_rename(struct model *m, const struct stmt_effects *se, long mig)
{
    const struct effect *to = se->v[0].present ? &se->v[0] : &se->v[1];
    const struct effect *from = to == &se->v[0] ? &se->v[1] : &se->v[0];
    if (eff_rel(to)) {
        int idx = to->kind == EFF_INDEX;
        if (strcmp(to->name, from->name) == 0)
            return; /* SET SCHEMA: the model keys on names only */
        struct mrel *old = model_find(m, idx, from->schema, from->name, 1);
        if (!old || model_find(m, idx, to->schema, to->name, 1))
            return;
        long oi = (long)(old - m->v);
        struct mrel *r = model_add(m, idx, to->schema, to->name, mig);
        old = &m->v[oi];
        r->created_in = old->created_in;
        r->cols_unknown = old->cols_unknown;
        r->table = old->table ? xstrdup(old->table) : NULL;
        for (size_t c = 0; c < old->ncols; c++) {
            if (!old->cols[c].alive)
                continue;
            struct mcol *nc = rel_add_col(r, old->cols[c].name, old->cols[c].added_in);
            nc->first_added_in = old->cols[c].first_added_in;
            copy_col_type(nc, &m->v[oi].cols[c]);
        }
        if (!idx) /* indexes stay with the renamed table */
            for (size_t i = 0; i < m->n; i++)
                if (m->v[i].is_index && m->v[i].alive && m->v[i].table &&
                    strcmp(m->v[i].table, from->name) == 0) {
                    free(m->v[i].table);
                    m->v[i].table = xstrdup(to->name);
                }
        drop_rel(m, &m->v[oi], mig, to->name);
        if (!idx) /* drop_rel did not touch indexes (renamed_to set) */
            return;
        return;
    }
    struct mrel *r = model_find(m, 0, to->schema, to->name, 1);
    struct mcol *old = r && from->sub ? rel_col(r, from->sub, 1) : NULL;
    if (!old || !to->sub || rel_col(r, to->sub, 1))
        return;
    long oi = (long)(old - r->cols);
    struct mcol *c = rel_add_col(r, to->sub, mig);
    old = &r->cols[oi];
    c->added_in = old->added_in;
    copy_col_type(c, old);
    old->alive = 0;
    old->dropped_in = mig;
    old->renamed_to = xstrdup(to->sub);
}

/* Apply a statement's effects to the model, in order. */
static void apply_effects(struct model *m, const struct stmt_effects *se, long mig)
{
    if (is_rename(se)) {
        apply_rename(m, se, mig);
        return;
    }
    for (size_t k = 0; k < se->n; k++) {
        const struct effect *e = &se->v[k];
        if (eff_rel(e)) {
            int idx = e->kind == EFF_INDEX;
            struct mrel *r = model_find(m, idx, e->schema, e->name, 1);
            if (e->present && !r) {
                r = model_add(m, idx, e->schema, e->name, mig);
                if (idx && e->ref)
                    r->table = xstrdup(e->ref);
            } else if (!e->present && r) {
                drop_rel(m, r, mig, NULL);
            }
        } else if (e->kind == EFF_COLUMN || e->kind == EFF_COLUMN_TYPE) {
            struct mrel *r = model_find(m, 0, e->schema, e->name, 1);
            if (!r && !m->complete && e->present && e->kind == EFF_COLUMN) {
                /* a table from before what is linted: known from here on */
                r = model_add(m, 0, e->schema, e->name, -1);
                r->cols_unknown = 1;
            }
            if (!r || !e->sub)
                continue;
            struct mcol *c = rel_col(r, e->sub, 1);
            if (e->kind == EFF_COLUMN_TYPE) {
                if (c)
                    copy_type(c, e);
            } else if (e->present && !c) {
                rel_add_col(r, e->sub, mig);
            } else if (!e->present && c) {
                c->alive = 0;
                c->dropped_in = mig;
            }
        } else if (e->kind == EFF_CONSTRAINT && !e->present && e->sub) {
            for (size_t i = 0; i < m->nchecks; i++)
                if (strcmp(m->checks[i].table, e->name) == 0 &&
                    strcmp(m->checks[i].name, e->sub) == 0)
                    m->checks[i].validated = 0; /* dropped: proves nothing any more */
        }
    }
}

/* Does the statement itself create the relation (or column) it refers to
 * (ALTER TABLE t ADD COLUMN c, ADD UNIQUE (c))? */
static int stmt_creates(const struct stmt_effects *se, const char *table, const char *column)
{
    for (size_t k = 0; k < se->n; k++) {
        const struct effect *e = &se->v[k];
        if (!e->present || strcmp(e->name, table) != 0)
            continue;
        if (!column && e->kind == EFF_RELATION)
            return 1;
        if (column && e->kind == EFF_COLUMN && e->sub && strcmp(e->sub, column) == 0)
            return 1;
    }
    return 0;
}

/* ---- linting one migration ---------------------------------------------------- */

struct input {
    const char *path;
    const char *name; /* migration folder; NULL for a lone file */
    const char *text;
    size_t len;
};

/* Per-statement suppression: a bit per rule, plus "all". */
struct mask {
    unsigned char all;
    unsigned char rule[LINT_RULE_COUNT];
};

struct run {
    const struct lint_opts *o;
    struct lint_report *r;
    struct model m;
    int pg; /* effective server_version_num */
    const struct input *inputs;
    size_t ninputs;
    size_t first_finding; /* r->n when the run started */
    /* unknown-reference findings to complete at the end, known by their message */
    struct pending {
        const char *msg;
        long mig;
        char *table, *column;
    } * pend;
    size_t npend, cap_pend;
};

struct mig {
    struct run *run;
    long idx;
    const struct input *in;
    int report; /* 0 while replaying the history before `from` */
    struct sql_script s;
    struct stmt_effects *eff;
    struct lint_scan scan;
    struct plan plan;
    int have_plan;
    size_t *seg; /* statement -> segment (0 without a plan) */
    struct mask file_mask;
    struct mask *stmt_mask;
    struct lint_finding *f; /* this migration's findings, sorted at the end */
    size_t nf, capf;
    int lock_reported;
};

/* Add a finding (not yet located); returns its index in g->f or -1 when off. */
static long add_finding(struct mig *g, enum lint_rule rule, size_t stmt, size_t offset,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static long add_finding(struct mig *g, enum lint_rule rule, size_t stmt, size_t offset,
                        const char *fmt, ...)
{
    va_list ap;
    if (!g->report || g->run->o->disabled[rule])
        return -1;
    ALLOC_GROW(g->f, g->nf + 1, g->capf);
    struct lint_finding *f = &g->f[g->nf];
    memset(f, 0, sizeof(*f));
    f->rule = rule;
    f->severity = lint_rule_info(rule)->severity;
    f->stmt = stmt;
    f->offset = offset <= g->in->len ? offset : g->in->len;
    va_start(ap, fmt);
    f->message = xvasprintf(fmt, ap);
    va_end(ap);
    return (long)g->nf++;
}

static const char *mig_label(const struct run *x, long mig)
{
    if (mig < 0 || (size_t)mig >= x->ninputs)
        return "?";
    return x->inputs[mig].name ? x->inputs[mig].name : x->inputs[mig].path;
}

/* Suppression comments: `-- pgmig-lint-disable [ID[, ID...]]` for the
 * statement it is in, or that follows it, or on whose last line it stands;
 * `-- pgmig-lint-disable-file [ID...]` for the whole file. */
static void parse_directive(const char *c, size_t len, struct mask *mk)
{
    static const char marker[] = "pgmig-lint-disable";
    const char *end = c + len, *p = c;
    size_t ml = sizeof(marker) - 1;
    while (p + ml <= end && memcmp(p, marker, ml) != 0)
        p++;
    p += ml;
    if (p + 5 <= end && memcmp(p, "-file", 5) == 0)
        p += 5;
    if (end - c >= 2 && end[-2] == '*' && end[-1] == '/')
        end -= 2;
    int any = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r' || *p == '\n'))
            p++;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the reason follows */
        const char *w = p;
        while (p < end && !(*p == ' ' || *p == '\t' || *p == ',' || *p == '\r' || *p == '\n'))
            p++;
        if (p == w)
            break;
        size_t n = (size_t)(p - w);
        while (n && (w[n - 1] == ':' || w[n - 1] == ';' || w[n - 1] == '.'))
            n--;
        any = 1;
        char *id = xstrndup(w, n);
        const struct lint_rule_info *ri = lint_rule_by_id(id);
        if (ri)
            mk->rule[ri->rule] = 1;
        free(id);
    }
    if (!any)
        mk->all = 1;
}

static void load_directives(struct mig *g)
{
    struct lint_span *sp = NULL;
    size_t n = lint_find_comments(g->in->text, g->in->len, "pgmig-lint-disable", &sp);
    const struct sql_script *s = &g->s;
    for (size_t k = 0; k < n; k++) {
        const char *c = g->in->text + sp[k].start;
        static const char file_marker[] = "pgmig-lint-disable-file";
        int file = 0;
        for (size_t i = 0; i + sizeof(file_marker) - 1 <= sp[k].len; i++)
            if (memcmp(c + i, file_marker, sizeof(file_marker) - 1) == 0)
                file = 1;
        if (file) {
            parse_directive(c, sp[k].len, &g->file_mask);
            continue;
        }
        /* the statement whose span (from the previous one's end) holds the comment */
        size_t lo = 0, hi = s->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s->stmts[mid].start + s->stmts[mid].len <= sp[k].start)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t st = lo;
        /* on the last line of the previous statement: that one */
        if (st > 0) {
            size_t prev_end = s->stmts[st - 1].start + s->stmts[st - 1].len;
            if (!memchr(g->in->text + prev_end, '\n', sp[k].start - prev_end))
                st--;
        }
        if (st < s->n)
            parse_directive(c, sp[k].len, &g->stmt_mask[st]);
    }
    free(sp);
}

static int suppressed(const struct mig *g, const struct lint_finding *f)
{
    if (f->rule == LINT_SYNTAX_ERROR)
        return 0;
    if (g->file_mask.all || g->file_mask.rule[f->rule])
        return 1;
    if (g->stmt_mask && f->stmt < g->s.n &&
        (g->stmt_mask[f->stmt].all || g->stmt_mask[f->stmt].rule[f->rule]))
        return 1;
    return 0;
}

/* ---- references ---------------------------------------------------------------- */

static int lower_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n)
        return 0;
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static int may_exist(const struct model *m, const char *name)
{
    for (size_t i = 0; i < m->ntexts; i++)
        if (lower_contains(m->texts[i], name))
            return 1;
    return 0;
}

static int system_relation(const char *schema, const char *name)
{
    if (schema && (strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0 ||
                   strncmp(schema, "pg_", 3) == 0))
        return 1;
    return strncmp(name, "pg_", 3) == 0;
}

static int system_column(const char *c)
{
    static const char *const sys[] = {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid", "oid"};
    for (size_t i = 0; i < ARRAY_SIZE(sys); i++)
        if (strcmp(c, sys[i]) == 0)
            return 1;
    return 0;
}

static void quoted(struct buf *b, const char *name)
{
    buf_addch(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_addch(b, '"');
        buf_addch(b, *p);
    }
    buf_addch(b, '"');
}

/* Why a dead entry is gone: ": migration X dropped it" / "renamed it to Y". */
static void gone_reason(struct buf *b, const struct mig *g, long dropped_in, const char *renamed)
{
    if (dropped_in == g->idx)
        buf_adds(b, ": an earlier statement of this migration ");
    else
        buf_addf(b, ": migration %s ", mig_label(g->run, dropped_in));
    if (renamed) {
        buf_adds(b, "renamed it to ");
        quoted(b, renamed);
    } else {
        buf_adds(b, "dropped it");
    }
}

static void check_ref(struct mig *g, const struct lint_fact *f)
{
    struct model *m = &g->run->m;
    struct buf b = BUF_INIT;
    if (!m->complete || m->taint_all || !f->table || system_relation(f->schema, f->table) ||
        stmt_creates(&g->eff[f->stmt], f->table, f->column))
        return;
    struct mrel *r = model_find(m, 0, f->schema, f->table, 1);
    if (r) {
        if (!f->column || r->cols_unknown || system_column(f->column) || rel_col(r, f->column, 1) ||
            may_exist(m, f->column))
            return;
        const struct mcol *c = rel_col(r, f->column, 0);
        buf_adds(&b, "column ");
        quoted(&b, f->column);
        buf_adds(&b, " of ");
        quoted(&b, f->table);
        buf_adds(&b, " does not exist");
        if (c)
            gone_reason(&b, g, c->dropped_in, c->renamed_to);
        else
            buf_adds(&b, ": no earlier migration adds it");
    } else {
        /* a missing table is reported once, not also for each of its columns */
        if (f->column || may_exist(m, f->table))
            return;
        const struct mrel *dead = model_find(m, 0, f->schema, f->table, 0);
        buf_adds(&b, "table ");
        quoted(&b, f->table);
        buf_adds(&b, " does not exist");
        if (dead)
            gone_reason(&b, g, dead->dropped_in, dead->renamed_to);
        else
            buf_adds(&b, ": no earlier migration creates it");
    }
    long fi = add_finding(g, LINT_UNKNOWN_REFERENCE, f->stmt, f->offset, "%s", b.data);
    buf_release(&b);
    if (fi >= 0) {
        struct run *x = g->run;
        ALLOC_GROW(x->pend, x->npend + 1, x->cap_pend);
        x->pend[x->npend].msg = g->f[fi].message;
        x->pend[x->npend].mig = g->idx;
        x->pend[x->npend].table = xstrdup(f->table);
        x->pend[x->npend].column = f->column ? xstrdup(f->column) : NULL;
        x->npend++;
    }
}

/* ---- the rules decided here ------------------------------------------------------ */

/* Does a column type change need no rewrite (binary coercible or a widening)? */
static int cheap_type_change(const struct mcol *old, const struct lint_hit *h)
{
    if (!old || !old->type || !h->type_name || h->flag || old->dims != h->array_dims ||
        h->n_typmods < 0)
        return 0;
    const char *o = old->type, *n = h->type_name;
    if (strncmp(o, "pg_catalog.", 11) == 0)
        o += 11;
    if (strncmp(n, "pg_catalog.", 11) == 0)
        n += 11;
    int o_text = strcmp(o, "text") == 0, o_varchar = strcmp(o, "varchar") == 0;
    if ((strcmp(n, "text") == 0 || strcmp(n, "varchar") == 0) && h->n_typmods == 0)
        return o_text || o_varchar;
    if (strcmp(n, "varchar") == 0 && h->n_typmods == 1)
        return o_varchar && old->n_typmods == 1 && h->typmods[0] >= old->typmods[0];
    if (strcmp(n, "numeric") == 0 && strcmp(o, "numeric") == 0) {
        if (h->n_typmods == 0)
            return 1;
        if (old->n_typmods == 0)
            return 0;
        int oscale = old->n_typmods == 2 ? old->typmods[1] : 0;
        int nscale = h->n_typmods == 2 ? h->typmods[1] : 0;
        return oscale == nscale && h->typmods[0] >= old->typmods[0];
    }
    return 0;
}

/* A view named `name` created later in the same migration (the rename keeps
 * the old name working). */
static int old_name_kept(const struct mig *g, size_t after, const char *name)
{
    for (size_t i = after + 1; i < g->s.n; i++)
        for (size_t k = 0; k < g->eff[i].n; k++) {
            const struct effect *e = &g->eff[i].v[k];
            if (e->kind == EFF_RELATION && e->present && strchr(e->relkinds, 'v') &&
                strcmp(e->name, name) == 0)
                return 1;
        }
    return 0;
}

static int notnull_proved(const struct mig *g, const char *table, const char *column)
{
    const struct model *m = &g->run->m;
    for (size_t i = 0; i < m->nchecks; i++) {
        const struct mcheck *c = &m->checks[i];
        if (c->validated && strcmp(c->table, table) == 0 && strcmp(c->column, column) == 0)
            return 1;
    }
    return 0;
}

/* A hit from lint_rules: keep it, drop it, or let the context change it. */
static void decide_hit(struct mig *g, const struct lint_hit *h)
{
    const struct model *m = &g->run->m;
    int is_new = h->table && model_is_new(m, h->schema, h->table, h->on_index, g->idx);
    switch (h->rule) {
    case LINT_ADDING_REQUIRED_FIELD:
    case LINT_ADDING_NOT_NULLABLE_FIELD:
    case LINT_CHANGING_COLUMN_TYPE:
    case LINT_REQUIRE_CONCURRENT_INDEX_CREATION:
    case LINT_REQUIRE_CONCURRENT_INDEX_DELETION:
    case LINT_CONSTRAINT_MISSING_NOT_VALID:
    case LINT_DISALLOWED_UNIQUE_CONSTRAINT:
    case LINT_BAN_DROP_TABLE:
    case LINT_BAN_DROP_COLUMN:
    case LINT_BAN_TRUNCATE:
    case LINT_RENAMING_TABLE:
    case LINT_RENAMING_COLUMN:
    case LINT_ADDING_FIELD_WITH_DEFAULT:
        if (is_new)
            return;
        break;
    default:
        break;
    }
    switch (h->rule) {
    case LINT_RENAMING_COLUMN:
    case LINT_BAN_DROP_COLUMN: {
        /* a column added earlier in this migration holds no data and no code uses it */
        struct mrel *r = h->table ? model_find(m, 0, h->schema, h->table, 1) : NULL;
        struct mcol *c = r && h->column ? rel_col(r, h->column, 1) : NULL;
        if (c && c->added_in == g->idx)
            return;
        break;
    }
    case LINT_ADDING_NOT_NULLABLE_FIELD:
        if (g->run->pg >= 120000 && notnull_proved(g, h->table, h->column))
            return;
        break;
    case LINT_ADDING_FIELD_WITH_DEFAULT:
        if (!h->flag && g->run->pg >= 110000)
            return;
        break;
    case LINT_CHANGING_COLUMN_TYPE: {
        struct mrel *r = model_find(m, 0, h->schema, h->table, 1);
        if (r && h->column && cheap_type_change(rel_col(r, h->column, 1), h))
            return;
        break;
    }
    case LINT_RENAMING_TABLE:
        if (old_name_kept(g, h->stmt, h->table))
            return;
        break;
    case LINT_PREFER_ROBUST_STMTS:
        /* only what can have committed before a later part of the file fails */
        if (!g->have_plan || g->plan.atomic || g->plan.n < 2 || g->seg[h->stmt] + 1 >= g->plan.n ||
            g->plan.v[g->seg[h->stmt]].ends_in_rollback)
            return;
        break;
    default:
        break;
    }
    add_finding(g, h->rule, h->stmt, h->offset, "%s", h->message);
}

static int seg_transactional(const struct mig *g, size_t stmt)
{
    if (!g->have_plan)
        return 1;
    return g->plan.v[g->seg[stmt]].kind != SEG_ALONE;
}

/* lock_timeout as pgmig will run the file: SET lasts until the migration ends
 * (settings are reset between migrations), SET LOCAL until its transaction. */
struct lockstate {
    int session; /* 1 set, 0 not */
    int local;   /* -1 no SET LOCAL in this transaction, 0 zero, 1 set */
    size_t seg;
};

static void lock_fact(struct mig *g, struct lockstate *ls, const struct lint_fact *f)
{
    if (f->kind == LFACT_LOCK_TIMEOUT) {
        switch (f->flag) {
        case LT_SET:
            ls->session = 1;
            break;
        case LT_RESET:
            ls->session = 0;
            ls->local = -1;
            break;
        case LT_SET_LOCAL:
        case LT_RESET_LOCAL:
            if (seg_transactional(g, f->stmt))
                ls->local = f->flag == LT_SET_LOCAL;
            break;
        default:
            break;
        }
        return;
    }
    /* LFACT_ACCESS_EXCLUSIVE */
    int on = ls->local >= 0 ? ls->local : ls->session;
    if (on || g->lock_reported || !f->table ||
        model_is_new(&g->run->m, f->schema, f->table, f->flag, g->idx))
        return;
    g->lock_reported = 1;
    struct buf b = BUF_INIT;
    quoted(&b, f->table);
    add_finding(g, LINT_REQUIRE_LOCK_TIMEOUT, f->stmt, f->offset,
                "%s takes an ACCESS EXCLUSIVE lock on %s%s with no lock_timeout set: while it "
                "waits, every query on the table queues behind it",
                g->s.stmts[f->stmt].kind, f->flag ? "the table of index " : "", b.data);
    buf_release(&b);
}

/* Facts that feed the model: CHECK constraints, temporary relations, ... */
static void model_fact(struct mig *g, const struct lint_fact *f)
{
    struct model *m = &g->run->m;
    switch (f->kind) {
    case LFACT_TEMP_RELATION:
        if (!model_find(m, 0, f->schema, f->table, 1))
            model_add(m, 0, f->schema, f->table, g->idx)->cols_unknown = 1;
        break;
    case LFACT_COLUMNS_UNKNOWN: {
        struct mrel *r = model_find(m, 0, f->schema, f->table, 1);
        if (r)
            r->cols_unknown = 1;
        break;
    }
    case LFACT_NOTNULL_CHECK: {
        ALLOC_GROW(m->checks, m->nchecks + 1, m->cap_checks);
        struct mcheck *c = &m->checks[m->nchecks++];
        c->table = xstrdup(f->table);
        c->name = xstrdup(f->name);
        c->column = xstrdup(f->column);
        c->validated = f->flag;
        c->validated_in = f->flag ? g->idx : -1;
        c->validated_seg = g->seg ? g->seg[f->stmt] : 0;
        break;
    }
    case LFACT_VALIDATE:
        for (size_t i = 0; i < m->nchecks; i++)
            if (strcmp(m->checks[i].table, f->table) == 0 &&
                strcmp(m->checks[i].name, f->name) == 0) {
                m->checks[i].validated = 1;
                m->checks[i].validated_in = g->idx;
                m->checks[i].validated_seg = g->seg ? g->seg[f->stmt] : 0;
            }
        break;
    case LFACT_MAY_CREATE:
        if (f->flag) {
            m->taint_all = 1;
        } else {
            const struct sql_stmt *st = &g->s.stmts[f->stmt];
            ALLOC_GROW(m->texts, m->ntexts + 1, m->cap_texts);
            m->texts[m->ntexts++] = xstrndup(g->in->text + st->start, st->len);
        }
        break;
    default:
        break;
    }
}

/* ADD CONSTRAINT ... NOT VALID then VALIDATE in the same transaction: the
 * validation scan runs under the ADD's lock, which is still held. */
static void validate_same_tx(struct mig *g, const struct lint_fact *f)
{
    if (!g->have_plan || !seg_transactional(g, f->stmt) || !f->table || !f->name ||
        model_is_new(&g->run->m, f->schema, f->table, 0, g->idx))
        return;
    for (size_t i = g->plan.v[g->seg[f->stmt]].first; i < f->stmt; i++) {
        for (size_t k = 0; k < g->eff[i].n; k++) {
            const struct effect *e = &g->eff[i].v[k];
            /* an ADD (it says the constraint type; VALIDATE does not) */
            if (e->kind != EFF_CONSTRAINT || !e->present || !e->contype || !e->sub ||
                strcmp(e->sub, f->name) != 0 || strcmp(e->name, f->table) != 0)
                continue;
            for (size_t h = 0; h < g->scan.n_hits; h++)
                if (g->scan.hits[h].stmt == i &&
                    g->scan.hits[h].rule == LINT_CONSTRAINT_MISSING_NOT_VALID)
                    return; /* added without NOT VALID: reported there */
            struct buf b = BUF_INIT;
            quoted(&b, f->name);
            add_finding(g, LINT_CONSTRAINT_MISSING_NOT_VALID, f->stmt, f->offset,
                        "VALIDATE CONSTRAINT %s runs in the same transaction as the ADD "
                        "CONSTRAINT ... NOT VALID on line %d, whose lock is still held: the "
                        "validation scan blocks writes as if NOT VALID had not been used",
                        b.data, g->s.stmts[i].line);
            buf_release(&b);
            return;
        }
    }
}

/* Values added to an enum in this transaction, and used before it commits. */
struct enum_add {
    const char *type, *label;
    size_t stmt;
};

static void enum_uses(struct mig *g, size_t i, const struct enum_add *adds, size_t nadds)
{
    for (size_t k = 0; k < nadds; k++) {
        long off = lint_stmt_find_string(&g->s, i, adds[k].label);
        if (off < 0)
            continue;
        struct buf b = BUF_INIT;
        quoted(&b, adds[k].type);
        add_finding(g, LINT_ENUM_VALUE_IN_TRANSACTION, i, (size_t)off,
                    "'%s' is used in the same transaction that adds it to enum %s (line %d): "
                    "PostgreSQL refuses with \"unsafe use of new value\" until that transaction "
                    "commits",
                    adds[k].label, b.data, g->s.stmts[adds[k].stmt].line);
        buf_release(&b);
        return;
    }
}

/* Was enum `type` created in this transaction (then its new values are usable)? */
static int enum_created_in_seg(const struct mig *g, size_t first, size_t upto, const char *type)
{
    for (size_t i = first; i < upto; i++)
        for (size_t k = 0; k < g->eff[i].n; k++) {
            const struct effect *e = &g->eff[i].v[k];
            if (e->kind == EFF_TYPE && e->present && strcmp(e->name, type) == 0)
                return 1;
        }
    return 0;
}

/* BEGIN without COMMIT/ROLLBACK, COPY FROM STDIN: what plan_build refuses. */
static int structure_findings(struct mig *g)
{
    int ok = 1;
    long open = -1;
    for (size_t i = 0; i < g->s.n; i++) {
        unsigned fl = g->s.stmts[i].flags;
        if (fl & STMT_COPY_STDIN)
            ok = 0; /* reported by lint_rules as unsupported-statement */
        if (open >= 0) {
            if (fl & (STMT_TX_COMMIT | STMT_TX_ROLLBACK))
                open = -1;
        } else if (fl & STMT_TX_BEGIN) {
            open = (long)i;
        }
    }
    if (open >= 0) {
        ok = 0;
        add_finding(g, LINT_UNCOMMITTED_TRANSACTION, (size_t)open, g->s.stmts[open].start,
                    "this BEGIN has no matching COMMIT or ROLLBACK: pgmig refuses to run the file");
    }
    return ok;
}

/* Order references by (table, column), then by position. */
static int ref_cmp(const void *a, const void *b)
{
    const struct lint_fact *x = *(const struct lint_fact *const *)a;
    const struct lint_fact *y = *(const struct lint_fact *const *)b;
    int c = strcmp(x->table, y->table);
    if (c)
        return c;
    if (!x->column != !y->column)
        return x->column ? 1 : -1;
    if (x->column && (c = strcmp(x->column, y->column)) != 0)
        return c;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int same_ref(const struct lint_fact *x, const struct lint_fact *y)
{
    return strcmp(x->table, y->table) == 0 && !x->column == !y->column &&
           (!x->column || strcmp(x->column, y->column) == 0);
}

static void lint_statements(struct mig *g)
{
    const struct lint_scan *sc = &g->scan;
    struct lockstate ls = {0, -1, 0};
    size_t hi = 0, fi = 0;
    struct enum_add *adds = NULL;
    size_t nadds = 0, cap_adds = 0, add_seg = (size_t)-1;
    int pg12 = g->run->pg >= 120000;
    const struct lint_fact **refs =
        xcalloc(sc->n_facts ? sc->n_facts : 1, sizeof(const struct lint_fact *));

    for (size_t i = 0; i < g->s.n; i++) {
        size_t seg = g->seg[i];
        if (i == 0 || seg != ls.seg) {
            ls.local = -1;
            ls.seg = seg;
        }
        if (seg != add_seg) {
            nadds = 0;
            add_seg = seg;
        }
        size_t f0 = fi;
        while (fi < sc->n_facts && sc->facts[fi].stmt == i)
            fi++;
        /* 1. references, against what exists before the statement (and what it
         * creates itself), each (table, column) once, where it is first written */
        size_t nrefs = 0;
        for (size_t k = f0; k < fi; k++)
            if (sc->facts[k].kind == LFACT_REF && sc->facts[k].table)
                refs[nrefs++] = &sc->facts[k];
        if (nrefs > 1)
            qsort(refs, nrefs, sizeof(const struct lint_fact *), ref_cmp);
        for (size_t k = 0; k < nrefs; k++)
            if (k == 0 || !same_ref(refs[k - 1], refs[k]))
                check_ref(g, refs[k]);
        /* 2. the transaction rules */
        if (g->have_plan && g->plan.v[seg].kind == SEG_OWN_BLOCK &&
            sql_stmt_is_nontx(&g->s.stmts[i], g->run->pg)) {
            const struct sql_stmt *st = &g->s.stmts[i];
            add_finding(g, LINT_CONCURRENT_IN_TRANSACTION, i, st->start,
                        "%s cannot run inside a transaction block%s, and this one is inside the "
                        "BEGIN on line %d",
                        st->kind, (st->flags & STMT_NONTX) ? "" : " before PostgreSQL 12",
                        g->s.stmts[g->plan.v[seg].first].line);
        }
        if (pg12 && nadds && seg_transactional(g, i))
            enum_uses(g, i, adds, nadds);
        /* 3. the statement's hits, judged on the schema before it */
        for (; hi < sc->n_hits && sc->hits[hi].stmt == i; hi++)
            decide_hit(g, &sc->hits[hi]);
        for (size_t k = f0; k < fi; k++) {
            const struct lint_fact *f = &sc->facts[k];
            if (f->kind == LFACT_LOCK_TIMEOUT || f->kind == LFACT_ACCESS_EXCLUSIVE)
                lock_fact(g, &ls, f);
            else if (f->kind == LFACT_VALIDATE)
                validate_same_tx(g, f);
        }
        /* 4. what it changes */
        apply_effects(&g->run->m, &g->eff[i], g->idx);
        for (size_t k = f0; k < fi; k++) {
            const struct lint_fact *f = &sc->facts[k];
            if (f->kind == LFACT_ENUM_ADD) {
                if (seg_transactional(g, i) &&
                    !enum_created_in_seg(g, g->have_plan ? g->plan.v[seg].first : 0, i, f->table)) {
                    ALLOC_GROW(adds, nadds + 1, cap_adds);
                    adds[nadds++] = (struct enum_add){f->table, f->name, i};
                }
            } else if (f->kind != LFACT_REF && f->kind != LFACT_LOCK_TIMEOUT &&
                       f->kind != LFACT_ACCESS_EXCLUSIVE) {
                model_fact(g, f);
            }
        }
    }
    free(refs);
    free(adds);
}

static int finding_cmp(const void *a, const void *b)
{
    const struct lint_finding *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return 0;
}

/* Forget the pending reference whose finding carries this message. */
static void drop_pending(struct run *x, const char *msg)
{
    for (size_t p = 0; p < x->npend; p++) {
        if (x->pend[p].msg != msg)
            continue;
        free(x->pend[p].table);
        free(x->pend[p].column);
        memmove(&x->pend[p], &x->pend[p + 1], (x->npend - p - 1) * sizeof(x->pend[p]));
        x->npend--;
        return;
    }
}

/* Locate g's findings, drop the suppressed ones, and move the rest into the report. */
static void flush_findings(struct mig *g)
{
    struct run *x = g->run;
    struct lint_report *r = x->r;
    const char *t = g->in->text;
    size_t pos = 0, line_start = 0;
    int line = 1, col = 1;

    if (g->nf)
        qsort(g->f, g->nf, sizeof(*g->f), finding_cmp);
    for (size_t k = 0; k < g->nf; k++) {
        struct lint_finding *f = &g->f[k];
        if (suppressed(g, f)) {
            r->suppressed++;
            drop_pending(x, f->message);
            free(f->message);
            continue;
        }
        for (; pos < f->offset; pos++) {
            unsigned char c = (unsigned char)t[pos];
            if (c == '\n') {
                line++;
                col = 1;
                line_start = pos + 1;
            } else if ((c & 0xC0) != 0x80) {
                col++;
            }
        }
        size_t le = line_start;
        while (le < g->in->len && t[le] != '\n')
            le++;
        if (le > line_start && t[le - 1] == '\r')
            le--;
        f->line = line;
        f->col = col;
        f->src_line = xstrndup(t + line_start, le - line_start);
        f->file = xstrdup(g->in->path);
        f->migration = g->in->name ? xstrdup(g->in->name) : NULL;
        ALLOC_GROW(r->v, r->n + 1, r->cap);
        r->v[r->n++] = *f;
        r->by_rule[f->rule]++;
        if (f->severity == LINT_SEV_ERROR)
            r->errors++;
        else if (f->severity == LINT_SEV_WARNING)
            r->warnings++;
        else
            r->suggestions++;
    }
    free(g->f);
    g->f = NULL;
    g->nf = g->capf = 0;
}

/* Lint (or, with report = 0, only replay) input number idx. */
static void lint_one(struct run *x, long idx, int report)
{
    struct mig g;
    struct pm_err pe = PM_ERR_INIT;
    memset(&g, 0, sizeof(g));
    g.run = x;
    g.idx = idx;
    g.in = &x->inputs[idx];
    g.report = report;

    if (sql_script_parse(&g.s, g.in->path, g.in->text, g.in->len, &pe) < 0) {
        /* the model cannot follow this file: stop judging references */
        x->m.complete = 0;
        if (report) {
            size_t off = 0;
            if (pe.line > 0) { /* back from line:col to a byte offset */
                int l = 1;
                while (off < g.in->len && l < pe.line)
                    if (g.in->text[off++] == '\n')
                        l++;
                off = srcpos_advance_chars(g.in->text, g.in->len, off, (size_t)(pe.col - 1));
            }
            add_finding(&g, LINT_SYNTAX_ERROR, 0, off, "%s",
                        pe.primary ? pe.primary : "syntax error");
            x->r->files++;
            flush_findings(&g);
        }
        pm_err_release(&pe);
        return;
    }
    if (report) {
        x->r->files++;
        x->r->statements += g.s.n;
    }
    g.eff = effects_of_script(&g.s);
    lint_scan_script(&g.s, &g.scan);
    g.seg = xcalloc(g.s.n ? g.s.n : 1, sizeof(*g.seg));
    g.stmt_mask = xcalloc(g.s.n ? g.s.n : 1, sizeof(*g.stmt_mask));
    if (report)
        load_directives(&g);
    if (structure_findings(&g) && plan_build(&g.plan, &g.s, g.in->path, x->pg, &pe) == 0) {
        g.have_plan = 1;
        for (size_t k = 0; k < g.plan.n; k++)
            for (size_t i = 0; i < g.plan.v[k].n; i++)
                g.seg[g.plan.v[k].first + i] = k;
    }
    pm_err_release(&pe);
    lint_statements(&g);
    if (report) {
        flush_findings(&g);
    } else {
        for (size_t k = 0; k < g.nf; k++)
            free(g.f[k].message);
        free(g.f);
    }
    if (g.have_plan)
        plan_release(&g.plan);
    free(g.seg);
    free(g.stmt_mask);
    lint_scan_release(&g.scan);
    effects_release(g.eff, g.s.n);
    sql_script_release(&g.s);
}

/* Say when a missing table or column is created by a later migration. */
static void complete_pending(struct run *x)
{
    for (size_t p = 0; p < x->npend; p++) {
        struct pending *q = &x->pend[p];
        long later = -1;
        const struct mrel *r = model_find(&x->m, 0, NULL, q->table, 0);
        if (r && !q->column && r->first_created_in > q->mig)
            later = r->first_created_in;
        if (r && q->column) {
            const struct mcol *c = NULL;
            for (size_t i = 0; i < x->m.n; i++) /* any entry of that table */
                if (!x->m.v[i].is_index && strcmp(x->m.v[i].name, q->table) == 0)
                    for (size_t k = 0; k < x->m.v[i].ncols; k++)
                        if (strcmp(x->m.v[i].cols[k].name, q->column) == 0 &&
                            x->m.v[i].cols[k].first_added_in > q->mig && !c)
                            c = &x->m.v[i].cols[k];
            if (c)
                later = c->first_added_in;
        }
        struct lint_finding *f = NULL;
        for (size_t i = x->first_finding; i < x->r->n && !f; i++)
            if (x->r->v[i].message == q->msg)
                f = &x->r->v[i];
        if (later >= 0 && f) {
            char *msg = xasprintf("%s; migration %s, which comes later, %s it (are the migrations "
                                  "in the wrong order?)",
                                  f->message, mig_label(x, later), q->column ? "adds" : "creates");
            free(f->message);
            f->message = msg;
        }
        free(q->table);
        free(q->column);
    }
    free(x->pend);
    x->pend = NULL;
    x->npend = x->cap_pend = 0;
}

/* Lint inputs[from..to) with inputs[0..from) replayed first. */
static void lint_sequence(const struct input *inputs, size_t n, size_t from, size_t to,
                          int complete, const struct lint_opts *o, struct lint_report *r)
{
    struct run x;
    memset(&x, 0, sizeof(x));
    x.o = o;
    x.r = r;
    x.pg = o->pg_version > 0 ? o->pg_version : 170000;
    x.inputs = inputs;
    x.ninputs = n;
    x.first_finding = r->n;
    x.m.complete = complete && !o->disabled[LINT_UNKNOWN_REFERENCE];
    for (size_t i = 0; i < n; i++)
        lint_one(&x, (long)i, i >= from && i < to);
    complete_pending(&x);
    model_release(&x.m);
}

int lint_migrations(const struct migdir *d, size_t from, const struct lint_opts *o,
                    struct lint_report *r, struct pm_err *e)
{
    if (from > d->n)
        return pm_err_set(e, PM_EXIT_USAGE, "lint: no migration number %zu (there are %zu)", from,
                          d->n);
    struct input *in = xcalloc(d->n ? d->n : 1, sizeof(*in));
    for (size_t i = 0; i < d->n; i++)
        in[i] = (struct input){d->v[i].path, d->v[i].name, d->v[i].text, d->v[i].len};
    lint_sequence(in, d->n, from, d->n, 1, o, r);
    free(in);
    return 0;
}

int lint_text(const char *file, const char *text, size_t len, const struct lint_opts *o,
              struct lint_report *r, struct pm_err *e)
{
    struct input in = {file, NULL, text, len};
    (void)e;
    lint_sequence(&in, 1, 0, 1, 0, o, r);
    return 0;
}

/* ---- paths ---------------------------------------------------------------------- */

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A directory of plain .sql files, linted as a history in name order. */
static int lint_sql_dir(const char *dir, const struct fs_list *l, const struct lint_opts *o,
                        struct lint_report *r, struct pm_err *e)
{
    struct input *in = xcalloc(l->n ? l->n : 1, sizeof(*in));
    struct buf *texts = xcalloc(l->n ? l->n : 1, sizeof(*texts));
    char **paths = xcalloc(l->n ? l->n : 1, sizeof(*paths));
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].is_dir || !has_suffix(l->v[i].name, ".sql"))
            continue;
        paths[n] = fs_join(dir, l->v[i].name);
        buf_init(&texts[n]);
        if (fs_read_file(paths[n], &texts[n], e) < 0) {
            rc = -1;
            n++;
            goto out;
        }
        in[n] = (struct input){paths[n], l->v[i].name, texts[n].data, texts[n].len};
        n++;
    }
    lint_sequence(in, n, 0, n, 1, o, r);
out:
    for (size_t i = 0; i < n; i++) {
        free(paths[i]);
        buf_release(&texts[i]);
    }
    free(paths);
    free(texts);
    free(in);
    return rc;
}

static int lint_dir(const char *dir, const struct lint_opts *o, struct lint_report *r,
                    struct pm_err *e)
{
    struct fs_list l = {0};
    int folders = 0, rc;
    if (fs_list_dir(dir, &l, e) < 0)
        return -1;
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].is_dir) {
            char *sub = fs_join(dir, l.v[i].name);
            char *mig = fs_join(sub, "migration.sql");
            folders |= fs_exists(mig);
            free(mig);
            free(sub);
        }
    }
    if (folders) {
        struct migdir d = {0};
        rc = migdir_load(&d, dir, e);
        if (rc == 0)
            rc = lint_migrations(&d, 0, o, r, e);
        migdir_release(&d);
    } else {
        rc = lint_sql_dir(dir, &l, o, r, e);
    }
    fs_list_release(&l);
    return rc;
}

/* A file <root>/<name>/migration.sql of a migrations directory: lint it with
 * the history before it. 1 when done that way, 0 when it is no such file. */
static int lint_in_context(const char *path, const struct lint_opts *o, struct lint_report *r)
{
    int done = 0;
    if (!has_suffix(path, "migration.sql"))
        return 0;
    char *folder = fs_dirname(path);
    char *root = fs_dirname(folder);
    char *lock = fs_join(root, "migration_lock.toml");
    const char *name = strrchr(folder, '/') ? strrchr(folder, '/') + 1 : folder;
    if (strcmp(folder, root) != 0 && fs_exists(lock)) {
        struct migdir d = {0};
        struct pm_err ignore = PM_ERR_INIT;
        if (migdir_load(&d, root, &ignore) == 0) {
            long i = migdir_find(&d, name);
            if (i >= 0) {
                struct input *in = xcalloc(d.n, sizeof(*in));
                for (size_t k = 0; k < d.n; k++)
                    in[k] = (struct input){k == (size_t)i ? path : d.v[k].path, d.v[k].name,
                                           d.v[k].text, d.v[k].len};
                lint_sequence(in, d.n, (size_t)i, (size_t)i + 1, 1, o, r);
                free(in);
                done = 1;
            }
        }
        migdir_release(&d);
        pm_err_release(&ignore);
    }
    free(lock);
    free(root);
    free(folder);
    return done;
}

int lint_paths(char *const *paths, size_t n, const struct lint_opts *o, struct lint_report *r,
               struct pm_err *e)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = paths[i];
        if (fs_is_dir(p)) {
            if (lint_dir(p, o, r, e) < 0)
                return -1;
            continue;
        }
        if (!fs_exists(p))
            return pm_err_set(e, PM_EXIT_ENV, "%s: no such file or directory", p);
        if (lint_in_context(p, o, r))
            continue;
        struct buf text = BUF_INIT;
        if (fs_read_file(p, &text, e) < 0)
            return -1;
        lint_text(p, text.data, text.len, o, r, e);
        buf_release(&text);
    }
    return 0;
}

void lint_report_release(struct lint_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].file);
        free(r->v[i].migration);
        free(r->v[i].message);
        free(r->v[i].src_line);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}
