/*
 * diff_typeinfo.c - column types and type definitions: how a column type
 * change casts (classify_cast), and domain and composite type definitions
 * taken apart, to tell whether a changed type can be altered in place.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================== type changes */

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

enum cast classify_cast(const char *from, const char *to, int to_enum)
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

/* =============================================== domains and composites */

static char *trimmed_copy(const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p))
        p++, n--;
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    return xstrndup(p, n);
}

void domain_parse(const char *def, struct domain_parts *d)
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
                  (diff_tok_is(&t, "DEFAULT") || diff_tok_is(&t, "CONSTRAINT") ||
                   (in == 0 && diff_tok_is(&t, "NULL") && diff_tok_is(&prev, "NOT")));
        if (end || key) {
            size_t stop = st;
            if (!end && diff_tok_is(&t, "NULL"))
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
        if (key && diff_tok_is(&t, "NULL")) {
            d->not_null = 1;
        } else if (key && diff_tok_is(&t, "DEFAULT")) {
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

void domain_parts_release(struct domain_parts *d)
{
    free(d->head);
    free(d->default_expr);
    strv_release(&d->names);
    strv_release(&d->checks);
}

/* The constraint `name` with the text `check` is not in d as it is (missing or other text). */
int domain_check_differs(const struct domain_parts *d, const char *name, const char *check)
{
    for (size_t i = 0; i < d->names.n; i++)
        if (!strcmp(d->names.v[i], name))
            return strcmp(d->checks.v[i], check) != 0;
    return 1;
}

/* A domain whose base type and collation stay is altered in place (ALTER DOMAIN):
 * recreating it would need every column of that type gone first. */
int domain_alterable(const struct m_type *f, const struct m_type *t)
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
void composite_parse(const char *def, struct strv *names, struct strv *types)
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
int composite_alterable(const struct m_type *f, const struct m_type *t)
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
